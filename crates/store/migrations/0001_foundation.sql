-- Metoda schema, migration 1: the foundation.
--
-- One migration set serves SQLite and PostgreSQL. The runner (src/migrate.rs) replaces the
-- tokens below per backend and leaves everything else as written, so only portable SQL goes here:
--   {{pk}}  an auto-increment BIGINT primary key
-- Conventions: ids are BIGINT; timestamps are TEXT in RFC 3339 UTC ("2026-11-23T18:59:20.123Z"),
-- dates are TEXT "YYYY-MM-DD" (both sort as text); booleans are BIGINT 0/1; JSON documents are TEXT.
-- Nothing that a regulation asks to keep is deleted: rows are archived (archived_at) instead.

-- Regions: the top of the hierarchy (a subject of the Russian Federation).
CREATE TABLE regions (
    id          {{pk}},
    name        TEXT NOT NULL,
    code        TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX regions_name_uq ON regions (name);

-- Regulation profiles: the settings of a municipal regulation (DOMAIN.md §3) as a JSON document
-- validated by metoda_domain::profile. Presets (is_preset = 1, municipality_id NULL) are the five
-- seeds and are read-only; an authority copies one into a profile of its own and edits it.
CREATE TABLE regulation_profiles (
    id              {{pk}},
    code            TEXT,
    name            TEXT NOT NULL,
    source          TEXT,
    is_preset       BIGINT NOT NULL DEFAULT 0,
    region_id       BIGINT REFERENCES regions (id),
    municipality_id BIGINT,
    based_on_id     BIGINT REFERENCES regulation_profiles (id),
    settings        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    archived_at     TEXT
);
CREATE UNIQUE INDEX regulation_profiles_code_uq ON regulation_profiles (code);

-- Municipalities (municipal districts, city districts), each run by an education authority
-- under one regulation profile.
CREATE TABLE municipalities (
    id              {{pk}},
    region_id       BIGINT NOT NULL REFERENCES regions (id),
    name            TEXT NOT NULL,
    authority_name  TEXT,
    profile_id      BIGINT REFERENCES regulation_profiles (id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    archived_at     TEXT
);
CREATE UNIQUE INDEX municipalities_name_uq ON municipalities (region_id, name);

-- Educational organizations: schools, kindergartens, additional-education centres; also venues.
CREATE TABLE organizations (
    id              {{pk}},
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    full_name       TEXT NOT NULL,
    short_name      TEXT NOT NULL,
    kind            TEXT NOT NULL,
    address         TEXT,
    head_name       TEXT,
    phone           TEXT,
    email           TEXT,
    website         TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    archived_at     TEXT
);
CREATE UNIQUE INDEX organizations_short_name_uq ON organizations (municipality_id, short_name);
CREATE INDEX organizations_municipality_ix ON organizations (municipality_id);

-- Associations (ММО, МУМО, РМО). This migration keeps only what roles need to be scoped to an
-- association; the association issue extends the table.
CREATE TABLE associations (
    id              {{pk}},
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    name            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    archived_at     TEXT
);
CREATE UNIQUE INDEX associations_name_uq ON associations (municipality_id, name);

-- People who sign in. A user's home (region, municipality) says who manages the account;
-- what the user may do comes from role_grants.
CREATE TABLE users (
    id              {{pk}},
    login           TEXT NOT NULL,
    full_name       TEXT NOT NULL,
    email           TEXT,
    password_hash   TEXT NOT NULL,
    region_id       BIGINT REFERENCES regions (id),
    municipality_id BIGINT REFERENCES municipalities (id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    password_changed_at TEXT,
    archived_at     TEXT
);
CREATE UNIQUE INDEX users_login_uq ON users (login);

-- A role held within one scope: the scope's own id and the ids of the scopes enclosing it are
-- set (an association grant also names its municipality and region), resolved when granted.
CREATE TABLE role_grants (
    id              {{pk}},
    user_id         BIGINT NOT NULL REFERENCES users (id),
    role            TEXT NOT NULL,
    region_id       BIGINT REFERENCES regions (id),
    municipality_id BIGINT REFERENCES municipalities (id),
    association_id  BIGINT REFERENCES associations (id),
    organization_id BIGINT REFERENCES organizations (id),
    created_at      TEXT NOT NULL
);
CREATE INDEX role_grants_user_ix ON role_grants (user_id);

-- Server-side sessions: the cookie carries a random token, the table only its SHA-256.
-- Kept in the database so that several app servers share them.
CREATE TABLE sessions (
    id           {{pk}},
    token_hash   TEXT NOT NULL,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    ip           TEXT,
    user_agent   TEXT
);
CREATE UNIQUE INDEX sessions_token_uq ON sessions (token_hash);
CREATE INDEX sessions_user_ix ON sessions (user_id);

-- Failed sign-ins, for the lock after five failures within 15 minutes.
CREATE TABLE login_failures (
    id     {{pk}},
    login  TEXT NOT NULL,
    at     TEXT NOT NULL,
    ip     TEXT
);
CREATE INDEX login_failures_login_ix ON login_failures (login, at);

-- Personal API tokens for scripts: only the SHA-256 of the token is kept.
CREATE TABLE api_tokens (
    id           {{pk}},
    user_id      BIGINT NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE UNIQUE INDEX api_tokens_hash_uq ON api_tokens (token_hash);

-- The audit trail: who, when, what, old -> new ({"field": [old, new]}).
CREATE TABLE audit_log (
    id              {{pk}},
    at              TEXT NOT NULL,
    user_id         BIGINT,
    actor           TEXT NOT NULL,
    region_id       BIGINT,
    municipality_id BIGINT,
    entity          TEXT NOT NULL,
    entity_id       BIGINT,
    action          TEXT NOT NULL,
    summary         TEXT NOT NULL,
    changes         TEXT NOT NULL,
    ip              TEXT,
    -- lower-cased summary and actor, folded in Rust (SQLite's LOWER() knows only ASCII)
    search_text     TEXT NOT NULL
);
CREATE INDEX audit_log_municipality_ix ON audit_log (municipality_id, at);
CREATE INDEX audit_log_region_ix ON audit_log (region_id, at);
CREATE INDEX audit_log_entity_ix ON audit_log (entity, entity_id);
