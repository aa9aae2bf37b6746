-- Metoda schema, migration 24: who organised an event and who wrote its assessment set (issue 14):
-- teachers of the bank by role (organiser | assessment_author). When a municipal event for
-- students is held, its organisers share one result «organised a municipal event for students»
-- with the number of students present on its sheet (rows 28 and 28.1: the event counted once),
-- and its authors one «assessment set» result (rows 27 and 27.1); `result_id` names it.
CREATE TABLE event_staff (
    id         {{pk}},
    event_id   BIGINT NOT NULL REFERENCES events (id),
    teacher_id BIGINT NOT NULL REFERENCES teachers (id),
    role       TEXT NOT NULL,
    result_id  BIGINT REFERENCES results (id),
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX event_staff_uq ON event_staff (event_id, teacher_id, role);
