-- Metoda schema, migration 3: pending imports of the teacher bank.
--
-- An import is checked first (a preview with every row's problem) and applied on confirmation,
-- possibly by another app server: the checked rows wait here (JSON), never half-applied. They
-- are working data, not records: not archived, and cleared a day after their creation.
CREATE TABLE teacher_imports (
    id              {{pk}},
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    user_id         BIGINT NOT NULL REFERENCES users (id),
    file_name       TEXT NOT NULL,
    rows            TEXT NOT NULL,
    new_count       BIGINT NOT NULL,
    update_count    BIGINT NOT NULL,
    created_at      TEXT NOT NULL,
    applied_at      TEXT
);
