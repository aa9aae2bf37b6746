-- Metoda schema, migration 11: a user account is linked to at most one teacher record of the data
-- bank, and a teacher record to at most one account (DOMAIN §6: a teacher's own records — their
-- card, self-education topic, results, signatures). A partial unique index: unlinked records
-- (user_id NULL) are many.

CREATE UNIQUE INDEX teachers_user_uq ON teachers (user_id) WHERE user_id IS NOT NULL;
