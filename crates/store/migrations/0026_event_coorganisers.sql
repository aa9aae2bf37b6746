-- Metoda schema, migration 26: the co-organisers of an event (issue 14). An event has one
-- organiser that keeps its record (an association or the authority); other associations of the
-- municipality may co-organise it: it shows in their calendars and feeds, and an event for
-- members is open to their members too.
CREATE TABLE event_coorganisers (
    id             {{pk}},
    event_id       BIGINT NOT NULL REFERENCES events (id),
    association_id BIGINT NOT NULL REFERENCES associations (id),
    created_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX event_coorganisers_uq ON event_coorganisers (event_id, association_id);
CREATE INDEX event_coorganisers_association_ix ON event_coorganisers (association_id, event_id);
