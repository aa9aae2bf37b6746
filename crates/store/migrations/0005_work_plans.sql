-- Metoda schema, migration 5: the yearly work plan of an association (000 §4.4, 002 §3.2,
-- 003 §3.2, 004 §4.2). One plan per association and plan year (an academic or a calendar year as
-- the profile says, named by the year it starts in). The approval steps are copied from the
-- profile when the plan is made, so a later change of the profile does not change a plan's path.

CREATE TABLE work_plans (
    id             {{pk}},
    association_id BIGINT NOT NULL REFERENCES associations (id),
    year           BIGINT NOT NULL,
    period         TEXT NOT NULL,
    title          TEXT NOT NULL,
    -- JSON list of the profile's approval step codes, in order
    steps          TEXT NOT NULL,
    -- draft | approved
    status         TEXT NOT NULL DEFAULT 'draft',
    -- raised by every amendment after approval
    version        BIGINT NOT NULL DEFAULT 1,
    approved_at    TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    archived_at    TEXT
);
CREATE UNIQUE INDEX work_plans_uq ON work_plans (association_id, year);

-- The approval steps taken, with their evidence: a meeting's decision (meeting_id; the meetings
-- feature adds that table), an order of the authority, or the act of a user.
CREATE TABLE plan_steps (
    id          {{pk}},
    plan_id     BIGINT NOT NULL REFERENCES work_plans (id),
    step        TEXT NOT NULL,
    evidence    TEXT NOT NULL,
    meeting_id  BIGINT,
    order_id    BIGINT REFERENCES orders (id),
    user_id     BIGINT REFERENCES users (id),
    note        TEXT,
    at          TEXT NOT NULL
);
-- each step once: two people taking the same step at once cannot both succeed
CREATE UNIQUE INDEX plan_steps_uq ON plan_steps (plan_id, step);

CREATE TABLE plan_items (
    id                    {{pk}},
    plan_id               BIGINT NOT NULL REFERENCES work_plans (id),
    title                 TEXT NOT NULL,
    direction             TEXT NOT NULL,
    form                  TEXT NOT NULL,
    planned_on            TEXT,
    planned_month         BIGINT,
    responsible           TEXT,
    venue_organization_id BIGINT REFERENCES organizations (id),
    audience              TEXT,
    expected_result       TEXT,
    -- planned | done | moved | cancelled
    status                TEXT NOT NULL DEFAULT 'planned',
    status_reason         TEXT,
    moved_to              TEXT,
    -- the meeting that fulfilled the item (the meetings feature)
    fulfilled_meeting_id  BIGINT,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    archived_at           TEXT
);
CREATE INDEX plan_items_plan_ix ON plan_items (plan_id, planned_month);

-- After approval the plan changes only by a recorded amendment with a reason; the amendment keeps
-- what changed ({"field": [old, new]}) and the plan's version after it.
CREATE TABLE plan_amendments (
    id         {{pk}},
    plan_id    BIGINT NOT NULL REFERENCES work_plans (id),
    version    BIGINT NOT NULL,
    item_id    BIGINT REFERENCES plan_items (id),
    reason     TEXT NOT NULL,
    changes    TEXT NOT NULL,
    user_id    BIGINT REFERENCES users (id),
    at         TEXT NOT NULL
);
-- one amendment per version: concurrent amendments of the same version cannot both succeed
CREATE UNIQUE INDEX plan_amendments_uq ON plan_amendments (plan_id, version);
