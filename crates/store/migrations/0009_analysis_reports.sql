-- Metoda schema, migration 9: the yearly analysis of an association as a report (seed 002 §3.4 and
-- appendix 1; 004 §2.3, §6). One report per association and academic year; the head writes the
-- sections' text, submits it by the profile's deadline; the authority accepts it or returns it
-- with a comment; every submission is a frozen version (the indicators and sections as they
-- were), so later edits of the data do not change what was submitted.

CREATE TABLE analysis_reports (
    id              {{pk}},
    association_id  BIGINT NOT NULL REFERENCES associations (id),
    year            BIGINT NOT NULL,
    -- draft | submitted | accepted | returned
    status          TEXT NOT NULL DEFAULT 'draft',
    -- the number of the last submitted version (0: never submitted)
    version         BIGINT NOT NULL DEFAULT 0,
    due_on          TEXT,
    submitted_at    TEXT,
    late            BIGINT NOT NULL DEFAULT 0,
    decided_at      TEXT,
    decided_by      BIGINT REFERENCES users (id),
    comment         TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX analysis_reports_uq ON analysis_reports (association_id, year);

-- The head's text of a section (problems found, ways to solve them, proposals).
CREATE TABLE analysis_texts (
    id          {{pk}},
    report_id   BIGINT NOT NULL REFERENCES analysis_reports (id),
    section     BIGINT NOT NULL,
    text        TEXT NOT NULL,
    updated_by  BIGINT REFERENCES users (id),
    updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX analysis_texts_uq ON analysis_texts (report_id, section);

-- Each submission, frozen: the JSON of the indicators and the sections as submitted.
CREATE TABLE analysis_versions (
    id            {{pk}},
    report_id     BIGINT NOT NULL REFERENCES analysis_reports (id),
    version       BIGINT NOT NULL,
    snapshot      TEXT NOT NULL,
    late          BIGINT NOT NULL DEFAULT 0,
    submitted_by  BIGINT REFERENCES users (id),
    submitted_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX analysis_versions_uq ON analysis_versions (report_id, version);
