-- Metoda schema, migration 15: optimistic concurrency (issue "Trust"). An edited record carries
-- the version it was read at; a save based on an older version is refused (409) instead of
-- silently overwriting the other editor's change. Every save raises the version by one.
ALTER TABLE teachers ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE organizations ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE results ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
