-- Metoda schema, migration 19: events (issue 14; DOMAIN.md §1, §5; seeds 000 §3.3, 001 §4.3,
-- §4.5, §6.1, 002 §4.3, 003 §3.4, 004 §4.3). An event is organised by an association (or one of
-- its subgroups) or by the authority (association_id NULL), may carry out a plan item, is held at
-- a host organization (площадка) or online over one day or several, and goes draft → announced →
-- held → archived (or cancelled). Codes: metoda_domain::events.
CREATE TABLE events (
    id                    {{pk}},
    municipality_id       BIGINT NOT NULL REFERENCES municipalities (id),
    association_id        BIGINT REFERENCES associations (id),
    subgroup_id           BIGINT REFERENCES association_subgroups (id),
    plan_item_id          BIGINT REFERENCES plan_items (id),
    title                 TEXT NOT NULL,
    form                  TEXT NOT NULL,
    audience              TEXT NOT NULL,
    level                 TEXT NOT NULL,
    format                TEXT NOT NULL,
    reach                 TEXT NOT NULL,
    starts_on             TEXT NOT NULL,
    starts_at             TEXT,
    ends_on               TEXT NOT NULL,
    venue_organization_id BIGINT REFERENCES organizations (id),
    place_note            TEXT,
    online_url            TEXT,
    hours                 BIGINT NOT NULL DEFAULT 0,
    description           TEXT,
    registration_open     BIGINT NOT NULL DEFAULT 0,
    cap                   BIGINT,
    registration_deadline TEXT,
    status                TEXT NOT NULL DEFAULT 'draft',
    -- the note on results (справка), written once the event is held
    outcome               TEXT,
    cancel_reason         TEXT,
    created_by            BIGINT REFERENCES users (id),
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    announced_at          TEXT,
    held_at               TEXT,
    cancelled_at          TEXT,
    version               BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX events_calendar_ix ON events (municipality_id, starts_on);
CREATE INDEX events_association_ix ON events (association_id, starts_on);

-- Who registered, in order: a teacher of the bank, or a guest by name (a teacher of another
-- municipality, a walk-in). A registration beyond the cap waits (status 'waitlisted') and moves
-- up in the order of its id when a place frees. `attended` is the registration sheet: NULL not
-- marked yet, 1 present, 0 absent. A teacher holds at most one live registration per event.
CREATE TABLE event_registrations (
    id                 {{pk}},
    event_id           BIGINT NOT NULL REFERENCES events (id),
    teacher_id         BIGINT REFERENCES teachers (id),
    guest_name         TEXT,
    guest_organization TEXT,
    status             TEXT NOT NULL,
    walk_in            BIGINT NOT NULL DEFAULT 0,
    attended           BIGINT,
    registered_by      BIGINT REFERENCES users (id),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX event_registrations_event_ix ON event_registrations (event_id, status, id);
CREATE UNIQUE INDEX event_registrations_teacher_uq ON event_registrations (event_id, teacher_id)
    WHERE teacher_id IS NOT NULL AND status <> 'cancelled';
CREATE INDEX event_registrations_teacher_ix ON event_registrations (teacher_id);
