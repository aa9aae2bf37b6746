-- Metoda schema, migration 28: the past loaded at once (issue 15). A meeting held before Metoda
-- was installed is entered with its attendance from a file; its minutes were signed on paper:
-- they are kept signed, with no signatures in Metoda (`paper` = 1), and lock the meeting as
-- signed minutes do.
ALTER TABLE minutes ADD COLUMN paper BIGINT NOT NULL DEFAULT 0;
