-- Metoda schema, migration 16: optimistic concurrency on the remaining edited records (issue
-- "Trust", decision 0011). A meeting's version covers its details and its attendance sheet; an
-- agenda item, a plan item, a cyclogram item and an analysis section each have their own.
-- (work_plans.version and analysis_reports.version already number approvals and submissions;
-- the items and sections under them carry the edit version.)
ALTER TABLE meetings ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE meeting_agenda ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE analysis_texts ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE plan_items ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE cyclogram_items ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE regulation_profiles ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE municipalities ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE associations ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE teacher_years ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
