-- Metoda schema, migration 10: an analysis report covers a period, the academic year or the
-- calendar year (004 §2.3: the report to РУМО for the past calendar year by 1 March, besides the
-- report for the academic year by 1 July; §6: the analysis as of 1 January and 1 July). One report
-- per association, period and year.

ALTER TABLE analysis_reports ADD COLUMN period TEXT NOT NULL DEFAULT 'academic_year';
DROP INDEX analysis_reports_uq;
CREATE UNIQUE INDEX analysis_reports_uq ON analysis_reports (association_id, period, year);
