-- Metoda schema, migration 21: an event's programme (issue 14; 001 §6.1 «программы»): items with
-- a time, a topic, a kind and a speaker — a teacher of the bank or a guest by name. Once the event
-- is held, a speaker of the bank has a presentation result (rows 21–23 of the analysis) that the
-- item names in `result_id`: made from the event, or the speaker's own record of the same
-- presentation linked instead, so that nothing is counted twice. Codes: metoda_domain::events.
CREATE TABLE event_programme (
    id                   {{pk}},
    event_id             BIGINT NOT NULL REFERENCES events (id),
    position             BIGINT NOT NULL,
    starts_at            TEXT,
    topic                TEXT NOT NULL,
    kind                 TEXT NOT NULL,
    speaker_teacher_id   BIGINT REFERENCES teachers (id),
    speaker_name         TEXT,
    speaker_organization TEXT,
    result_id            BIGINT REFERENCES results (id),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX event_programme_event_ix ON event_programme (event_id, position);
CREATE UNIQUE INDEX event_programme_result_uq ON event_programme (result_id) WHERE result_id IS NOT NULL;
