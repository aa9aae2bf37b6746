-- Metoda schema, migration 17: a counter of changes per municipality (issue 12, decision 0020).
-- Every change recorded in the audit trail also adds one to the counter of its municipality (0
-- for a change outside any municipality), in the same transaction. A computation that is kept in
-- memory (the analyses of a municipality's associations, summed by the overview and the region's
-- roll-up) is keyed by the counters it read before reading the data: a change makes the next
-- reader compute again, on every app server, because the counter is in the database.
CREATE TABLE change_counters (
    municipality_id BIGINT PRIMARY KEY,
    version         BIGINT NOT NULL
);
