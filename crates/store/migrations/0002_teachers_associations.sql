-- Metoda schema, migration 2: the teacher data bank, orders of the authority, and the life of an
-- association (officers, members, yearly composition, subgroups). Tokens as in migration 1.

-- The data bank of teachers (банк данных о педагогических работниках, 000 §6.2, 002 прил. 2).
-- A teacher belongs to a municipality; the main place of work is `organization_id`, further
-- places are in teacher_positions. The age and the experience are computed, never stored.
CREATE TABLE teachers (
    id                   {{pk}},
    municipality_id      BIGINT NOT NULL REFERENCES municipalities (id),
    last_name            TEXT NOT NULL,
    first_name           TEXT NOT NULL,
    middle_name          TEXT,
    birth_date           TEXT NOT NULL,
    organization_id      BIGINT NOT NULL REFERENCES organizations (id),
    position             TEXT NOT NULL,
    subjects             TEXT,
    education            TEXT NOT NULL,
    edu_institution      TEXT,
    edu_specialty        TEXT,
    edu_year             BIGINT,
    category             TEXT NOT NULL,
    category_assigned_on TEXT,
    category_expires_on  TEXT,
    experience_start     TEXT,
    young_specialist     BIGINT NOT NULL DEFAULT 0,
    phone                TEXT,
    email                TEXT,
    consent_on           TEXT,
    user_id              BIGINT REFERENCES users (id),
    -- lower-cased full name, folded in Rust for Cyrillic search on both backends
    search_text          TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    archived_at          TEXT
);
CREATE INDEX teachers_municipality_ix ON teachers (municipality_id, last_name, first_name);
CREATE INDEX teachers_organization_ix ON teachers (organization_id);
-- The identity an import matches on: name + birth date + organization.
CREATE INDEX teachers_identity_ix ON teachers (last_name, first_name, birth_date, organization_id);

-- Further places of work of a teacher (the main one is teachers.organization_id).
CREATE TABLE teacher_positions (
    id              {{pk}},
    teacher_id      BIGINT NOT NULL REFERENCES teachers (id),
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    position        TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX teacher_positions_teacher_ix ON teacher_positions (teacher_id);

-- Per academic year (named by its starting year): the self-education topic (002 §6: agreed by
-- the association head).
CREATE TABLE teacher_years (
    id               {{pk}},
    teacher_id       BIGINT NOT NULL REFERENCES teachers (id),
    year             BIGINT NOT NULL,
    self_education   TEXT,
    topic_status     TEXT NOT NULL DEFAULT 'proposed',
    topic_agreed_by  BIGINT REFERENCES users (id),
    topic_agreed_at  TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE UNIQUE INDEX teacher_years_uq ON teacher_years (teacher_id, year);

-- Courses taken: advanced training (КПК) or retraining.
CREATE TABLE teacher_courses (
    id          {{pk}},
    teacher_id  BIGINT NOT NULL REFERENCES teachers (id),
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    provider    TEXT,
    hours       BIGINT,
    start_on    TEXT,
    end_on      TEXT NOT NULL,
    certificate TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX teacher_courses_teacher_ix ON teacher_courses (teacher_id, end_on);

-- Professional difficulties and needs per academic year (004 §6): a kind from a list, free text.
CREATE TABLE teacher_difficulties (
    id          {{pk}},
    teacher_id  BIGINT NOT NULL REFERENCES teachers (id),
    year        BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    note        TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX teacher_difficulties_teacher_ix ON teacher_difficulties (teacher_id, year);

-- Orders (приказы) of the authority: a register unique by number within municipality and year.
-- Registering an order applies its effect (`kind`, `payload`) in the same transaction.
CREATE TABLE orders (
    id              {{pk}},
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    number          TEXT NOT NULL,
    order_date      TEXT NOT NULL,
    year            BIGINT NOT NULL,
    kind            TEXT NOT NULL,
    title           TEXT NOT NULL,
    body            TEXT,
    signed_by       TEXT,
    association_id  BIGINT REFERENCES associations (id),
    payload         TEXT NOT NULL,
    created_by      BIGINT REFERENCES users (id),
    created_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX orders_number_uq ON orders (municipality_id, year, number);
CREATE INDEX orders_association_ix ON orders (association_id, order_date);

-- Associations grow: body name from the profile, direction, status, the order that created it.
ALTER TABLE associations ADD COLUMN body_name TEXT;
ALTER TABLE associations ADD COLUMN direction TEXT;
ALTER TABLE associations ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE associations ADD COLUMN created_order_id BIGINT REFERENCES orders (id);
ALTER TABLE associations ADD COLUMN description TEXT;
ALTER TABLE associations ADD COLUMN social_url TEXT;
ALTER TABLE associations ADD COLUMN liquidated_at TEXT;

-- Officers with dates and the order behind each: head (chair), deputy, secretary (teachers),
-- curator (a user of the authority).
CREATE TABLE association_officers (
    id             {{pk}},
    association_id BIGINT NOT NULL REFERENCES associations (id),
    role           TEXT NOT NULL,
    teacher_id     BIGINT REFERENCES teachers (id),
    user_id        BIGINT REFERENCES users (id),
    from_on        TEXT NOT NULL,
    to_on          TEXT,
    order_id       BIGINT REFERENCES orders (id),
    created_at     TEXT NOT NULL
);
CREATE INDEX association_officers_ix ON association_officers (association_id, role, to_on);

-- Members join and leave with dates; a member is counted on a date when joined_on <= date and
-- (left_on IS NULL OR left_on > date).
CREATE TABLE association_members (
    id             {{pk}},
    association_id BIGINT NOT NULL REFERENCES associations (id),
    teacher_id     BIGINT NOT NULL REFERENCES teachers (id),
    joined_on      TEXT NOT NULL,
    left_on        TEXT,
    order_id       BIGINT REFERENCES orders (id),
    created_at     TEXT NOT NULL
);
CREATE INDEX association_members_ix ON association_members (association_id, left_on);
CREATE INDEX association_members_teacher_ix ON association_members (teacher_id);

-- The yearly composition fixed by an order (004 §2.2): a snapshot later changes do not alter.
CREATE TABLE composition_snapshots (
    id                {{pk}},
    order_id          BIGINT NOT NULL REFERENCES orders (id),
    association_id    BIGINT NOT NULL REFERENCES associations (id),
    teacher_id        BIGINT NOT NULL REFERENCES teachers (id),
    full_name         TEXT NOT NULL,
    organization_name TEXT NOT NULL,
    position          TEXT NOT NULL,
    role              TEXT
);
CREATE INDEX composition_snapshots_ix ON composition_snapshots (order_id);

-- Subgroups (РМО, sections, creative groups) where the profile allows them.
CREATE TABLE association_subgroups (
    id              {{pk}},
    association_id  BIGINT NOT NULL REFERENCES associations (id),
    kind            TEXT NOT NULL,
    name            TEXT NOT NULL,
    head_teacher_id BIGINT REFERENCES teachers (id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    archived_at     TEXT
);
CREATE UNIQUE INDEX association_subgroups_name_uq ON association_subgroups (association_id, name);

CREATE TABLE subgroup_members (
    id          {{pk}},
    subgroup_id BIGINT NOT NULL REFERENCES association_subgroups (id),
    teacher_id  BIGINT NOT NULL REFERENCES teachers (id),
    joined_on   TEXT NOT NULL,
    left_on     TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX subgroup_members_ix ON subgroup_members (subgroup_id, left_on);
