-- Metoda schema, migration 22: placements at a held contest or olympiad (issue 14): a participant
-- of the registration sheet (a student by name, or a teacher at a professional contest) placed
-- winner or prize-winner; `teacher_id` prepared the student. Each placement becomes a result
-- (`result_id`: a student's result of the teacher who prepared them, rows 8 and 16–17, or the
-- teacher's own competition result, rows 18–19), waiting for confirmation like any other, and
-- earns a diploma (event_certificates of kind winner / prizewinner).
CREATE TABLE event_placements (
    id              {{pk}},
    event_id        BIGINT NOT NULL REFERENCES events (id),
    registration_id BIGINT NOT NULL REFERENCES event_registrations (id),
    placement       TEXT NOT NULL,
    subject         TEXT,
    grade           TEXT,
    teacher_id      BIGINT REFERENCES teachers (id),
    result_id       BIGINT REFERENCES results (id),
    created_by      BIGINT REFERENCES users (id),
    created_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX event_placements_registration_uq ON event_placements (registration_id);
CREATE INDEX event_placements_event_ix ON event_placements (event_id);
