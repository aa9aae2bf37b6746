-- Local time (docs/decisions/0010-local-time.md): each municipality keeps its time zone as a
-- fixed offset from UTC in minutes (Russia has no daylight-saving time since 2014). Moscow time
-- by default; timestamps stay stored in UTC.
ALTER TABLE municipalities ADD COLUMN utc_offset_minutes BIGINT NOT NULL DEFAULT 180;
