-- Metoda schema, migration 27: sessions (issue 14). A standing seminar or any series meets on
-- several days, each session an event of its own (its sheet, its programme, its certificates):
-- `events.series_id` names the series' first session (itself included). An event of several days
-- (a subject decade) dates the items of its programme: `event_programme.on_date`.
ALTER TABLE events ADD COLUMN series_id BIGINT REFERENCES events (id);
CREATE INDEX events_series_ix ON events (series_id, starts_on);
ALTER TABLE event_programme ADD COLUMN on_date TEXT;
