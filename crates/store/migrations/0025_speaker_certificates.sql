-- Metoda schema, migration 25: speakers' certificates («свидетельство выступающего», issue 14).
--
-- A speaker of the programme is certified for their item without being registered: a
-- certificate now belongs either to a registration (a participant's certificate, a diploma) or to
-- a programme item (a speaker's), never both. SQLite cannot drop NOT NULL, so the table is
-- rebuilt on both backends with its rows, ids and indexes; the id sequence then continues after
-- the highest id (the last line's token is empty on SQLite, whose AUTOINCREMENT follows itself).
CREATE TABLE event_certificates_v25 (
    id              {{pk}},
    event_id        BIGINT NOT NULL REFERENCES events (id),
    registration_id BIGINT REFERENCES event_registrations (id),
    programme_id    BIGINT REFERENCES event_programme (id),
    kind            TEXT NOT NULL,
    seq             BIGINT NOT NULL,
    number          TEXT NOT NULL,
    code            TEXT NOT NULL,
    issued_by       BIGINT REFERENCES users (id),
    issued_at       TEXT NOT NULL,
    revoked_at      TEXT,
    revoke_reason   TEXT,
    CHECK ((registration_id IS NULL) <> (programme_id IS NULL))
);
INSERT INTO event_certificates_v25
    (id, event_id, registration_id, programme_id, kind, seq, number, code, issued_by, issued_at, revoked_at,
     revoke_reason)
SELECT id, event_id, registration_id, NULL, kind, seq, number, code, issued_by, issued_at, revoked_at, revoke_reason
FROM event_certificates;
DROP TABLE event_certificates;
ALTER TABLE event_certificates_v25 RENAME TO event_certificates;
CREATE UNIQUE INDEX event_certificates_number_uq ON event_certificates (number);
CREATE UNIQUE INDEX event_certificates_code_uq ON event_certificates (code);
CREATE UNIQUE INDEX event_certificates_seq_uq ON event_certificates (event_id, seq);
CREATE UNIQUE INDEX event_certificates_one_uq ON event_certificates (registration_id, kind)
    WHERE registration_id IS NOT NULL;
CREATE UNIQUE INDEX event_certificates_speaker_uq ON event_certificates (programme_id, kind)
    WHERE programme_id IS NOT NULL;
{{reset_identity:event_certificates}}
