-- Metoda schema, migration 4: attached files and links.
--
-- Documents of an association's register (by academic year and document kind) and scans of
-- orders. Files live in the database ({{blob}}: BLOB on SQLite, BYTEA on PostgreSQL) so that
-- every app server sees them and a backup holds them; a link (url) may stand instead of a file.
-- The type is checked by the content when uploaded; nothing is deleted (archived_at).
CREATE TABLE attachments (
    id              {{pk}},
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    owner           TEXT NOT NULL,
    owner_id        BIGINT NOT NULL,
    kind            TEXT NOT NULL,
    year            BIGINT,
    title           TEXT NOT NULL,
    file_name       TEXT,
    content_type    TEXT,
    size            BIGINT,
    sha256          TEXT,
    content         {{blob}},
    url             TEXT,
    uploaded_by     BIGINT REFERENCES users (id),
    uploaded_at     TEXT NOT NULL,
    archived_at     TEXT
);
CREATE INDEX attachments_owner_ix ON attachments (owner, owner_id, year);
