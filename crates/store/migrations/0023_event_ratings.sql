-- Metoda schema, migration 23: participants' ratings of a held event (issue 14): one per
-- registration marked present, a score from 1 to 5 and an optional comment, anonymous if the
-- participant wishes (the organisers then see the score and the comment without the name).
CREATE TABLE event_ratings (
    id              {{pk}},
    event_id        BIGINT NOT NULL REFERENCES events (id),
    registration_id BIGINT NOT NULL REFERENCES event_registrations (id),
    score           BIGINT NOT NULL,
    comment         TEXT,
    anonymous       BIGINT NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX event_ratings_registration_uq ON event_ratings (registration_id);
CREATE INDEX event_ratings_event_ix ON event_ratings (event_id);
