-- Metoda schema, migration 6: meetings of an association and their minutes (000 §4.5, 002 §3.3,
-- 003 §3.3–3.4, 004 §4.1–4.4). A meeting is planned (from a plan item or ad hoc), attendance is
-- entered against the members on its date, each agenda item gets its decision and votes, the
-- secretary drafts the minutes (numbered within the association's plan year), the profile's
-- signatories sign them, and signed minutes are locked: a correction is an addendum.
-- plan_steps.meeting_id and plan_items.fulfilled_meeting_id (migration 5) refer to meetings.id;
-- the store checks those references (SQLite cannot add a foreign key to an existing table).

CREATE TABLE meetings (
    id                    {{pk}},
    association_id        BIGINT NOT NULL REFERENCES associations (id),
    -- the plan year the meeting belongs to (the year it starts in, by the profile's period)
    year                  BIGINT NOT NULL,
    plan_item_id          BIGINT REFERENCES plan_items (id),
    held_on               TEXT NOT NULL,
    starts_at             TEXT,
    venue_organization_id BIGINT REFERENCES organizations (id),
    online_url            TEXT,
    place_note            TEXT,
    chair_teacher_id      BIGINT REFERENCES teachers (id),
    secretary_teacher_id  BIGINT REFERENCES teachers (id),
    -- planned | held | cancelled
    status                TEXT NOT NULL DEFAULT 'planned',
    cancel_reason         TEXT,
    created_by            BIGINT REFERENCES users (id),
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX meetings_assoc_ix ON meetings (association_id, year, held_on);

-- Agenda items with their decision and vote; the outcome is fixed when the minutes are signed.
CREATE TABLE meeting_agenda (
    id               {{pk}},
    meeting_id       BIGINT NOT NULL REFERENCES meetings (id),
    position         BIGINT NOT NULL,
    topic            TEXT NOT NULL,
    speaker          TEXT,
    heard            TEXT,
    -- one speech per line: "Фамилия И. О. — text"
    spoke            TEXT,
    decision         TEXT,
    votes_for        BIGINT,
    votes_against    BIGINT,
    votes_abstained  BIGINT,
    -- adopted | not_adopted | invalid (fixed on signing)
    outcome          TEXT
);
CREATE INDEX meeting_agenda_ix ON meeting_agenda (meeting_id, position);

-- Attendance of the members on the meeting's date: present | absent | excused.
CREATE TABLE meeting_attendance (
    id          {{pk}},
    meeting_id  BIGINT NOT NULL REFERENCES meetings (id),
    teacher_id  BIGINT NOT NULL REFERENCES teachers (id),
    status      TEXT NOT NULL,
    note        TEXT
);
CREATE UNIQUE INDEX meeting_attendance_uq ON meeting_attendance (meeting_id, teacher_id);

-- Invited participants (004 §2.7): not members, not counted for the quorum, do not vote.
CREATE TABLE meeting_guests (
    id          {{pk}},
    meeting_id  BIGINT NOT NULL REFERENCES meetings (id),
    name        TEXT NOT NULL,
    position    TEXT
);

CREATE TABLE minutes (
    id              {{pk}},
    meeting_id      BIGINT NOT NULL REFERENCES meetings (id),
    association_id  BIGINT NOT NULL REFERENCES associations (id),
    year            BIGINT NOT NULL,
    number          BIGINT NOT NULL,
    -- draft | signed
    status          TEXT NOT NULL DEFAULT 'draft',
    -- JSON list of the signatory roles required by the profile when drafted
    signatories     TEXT NOT NULL,
    -- fixed on signing: members on the date, present, the quorum (JSON of the domain's Quorum)
    members_total   BIGINT,
    present         BIGINT,
    quorum          TEXT,
    drafted_by      BIGINT REFERENCES users (id),
    drafted_at      TEXT NOT NULL,
    signed_at       TEXT
);
CREATE UNIQUE INDEX minutes_meeting_uq ON minutes (meeting_id);
-- numbers are unique within the association's year, also when two secretaries draft at once
CREATE UNIQUE INDEX minutes_number_uq ON minutes (association_id, year, number);

CREATE TABLE minutes_signatures (
    id          {{pk}},
    minutes_id  BIGINT NOT NULL REFERENCES minutes (id),
    -- head | chair | secretary
    role        TEXT NOT NULL,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    name        TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE UNIQUE INDEX minutes_signatures_uq ON minutes_signatures (minutes_id, role);

-- A correction of signed minutes: the original stays as signed.
CREATE TABLE minutes_addenda (
    id          {{pk}},
    minutes_id  BIGINT NOT NULL REFERENCES minutes (id),
    text        TEXT NOT NULL,
    user_id     BIGINT REFERENCES users (id),
    at          TEXT NOT NULL
);

-- Tasks decided at a meeting, with an owner (a teacher) and a due date.
CREATE TABLE action_items (
    id                {{pk}},
    meeting_id        BIGINT NOT NULL REFERENCES meetings (id),
    agenda_id         BIGINT REFERENCES meeting_agenda (id),
    title             TEXT NOT NULL,
    owner_teacher_id  BIGINT NOT NULL REFERENCES teachers (id),
    due_on            TEXT NOT NULL,
    closed_at         TEXT,
    closed_by         BIGINT REFERENCES users (id),
    created_at        TEXT NOT NULL
);
CREATE INDEX action_items_owner_ix ON action_items (owner_teacher_id, closed_at);
CREATE INDEX action_items_meeting_ix ON action_items (meeting_id);

-- In-app notifications; `emailed_at` is for the e-mail sender of a later issue to pick them up.
CREATE TABLE notifications (
    id          {{pk}},
    user_id     BIGINT NOT NULL REFERENCES users (id),
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    link        TEXT,
    created_at  TEXT NOT NULL,
    read_at     TEXT,
    emailed_at  TEXT
);
CREATE INDEX notifications_user_ix ON notifications (user_id, read_at);
