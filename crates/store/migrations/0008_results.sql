-- Metoda schema, migration 8: results of teachers and their students for the yearly analysis
-- (seed 002 §3.4 and appendix 1; DOMAIN.md §4). One table of results of three families:
--   student — a student's result at ВсОШ (its stage is the level), another olympiad, a contest, a
--             competition or a conference (kind: a StudentEvent code), with the teachers who
--             prepared the student;
--   exam    — one ЕГЭ score of a teacher's student (kind 'ege'), subject and score;
--   teacher — a teacher's own result (kind: a TeacherResultKind code): a professional competition,
--             a presentation of experience, a publication, an assessment set, a municipal event for
--             students organised (stored once with its number of students, its organisers joined),
--             profile teaching.
-- Every result is dated; `year` is the academic year (1 September – 31 August) of that date, named
-- by its first calendar year, computed when written. A confirming scan is an attachment with owner
-- 'result'. A curator confirms or rejects a result (pending | confirmed | rejected); an edit sends
-- it back to pending. Removed results are archived, never deleted.

CREATE TABLE results (
    id                       {{pk}},
    municipality_id          BIGINT NOT NULL REFERENCES municipalities (id),
    -- student | exam | teacher
    family                   TEXT NOT NULL,
    kind                     TEXT NOT NULL,
    result_on                TEXT NOT NULL,
    year                     BIGINT NOT NULL,
    -- the event, competition, publication, assessment set, organised event or profile class
    title                    TEXT,
    -- olympiad subject, or ЕГЭ subject code
    subject                  TEXT,
    level                    TEXT,
    placement                TEXT,
    format                   TEXT,
    -- presentations: the PresentationForm code
    form                     TEXT,
    -- ЕГЭ score
    score                    BIGINT,
    -- publications
    outlet                   TEXT,
    url                      TEXT,
    -- organised events: students who took part (counted once whoever organised it)
    students                 BIGINT,
    -- the student (a minor: the name is personal data, kept in its own column, shown only to
    -- those who need it; a code may stand instead)
    student_name             TEXT,
    student_code             TEXT,
    student_grade            TEXT,
    student_organization_id  BIGINT REFERENCES organizations (id),
    -- pending | confirmed | rejected
    status                   TEXT NOT NULL DEFAULT 'pending',
    decided_by               BIGINT REFERENCES users (id),
    decided_at               TEXT,
    decision_comment         TEXT,
    created_by               BIGINT REFERENCES users (id),
    created_at               TEXT NOT NULL,
    updated_at               TEXT NOT NULL,
    archived_at              TEXT
);
CREATE INDEX results_year_ix ON results (municipality_id, year, family, status);
CREATE INDEX results_date_ix ON results (result_on);

-- The teachers of a result: who prepared the student, whose student sat the exam (one), who
-- took part (co-authors, organisers).
CREATE TABLE result_teachers (
    id          {{pk}},
    result_id   BIGINT NOT NULL REFERENCES results (id),
    teacher_id  BIGINT NOT NULL REFERENCES teachers (id)
);
CREATE UNIQUE INDEX result_teachers_uq ON result_teachers (result_id, teacher_id);
CREATE INDEX result_teachers_teacher_ix ON result_teachers (teacher_id, result_id);

-- A municipality's changes of the preset ЕГЭ thresholds (metoda_domain::results::ege_thresholds):
-- only the overrides are stored; the effective table is the preset with these applied.
CREATE TABLE exam_thresholds (
    id               {{pk}},
    municipality_id  BIGINT NOT NULL REFERENCES municipalities (id),
    subject          TEXT NOT NULL,
    minimum          BIGINT NOT NULL,
    high             BIGINT NOT NULL,
    updated_by       BIGINT REFERENCES users (id),
    updated_at       TEXT NOT NULL
);
CREATE UNIQUE INDEX exam_thresholds_uq ON exam_thresholds (municipality_id, subject);

-- Organizations on the list of those with signs of non-objective results (row 29), per academic
-- year and subject (mathematics | russian).
CREATE TABLE non_objective_organizations (
    id               {{pk}},
    organization_id  BIGINT NOT NULL REFERENCES organizations (id),
    year             BIGINT NOT NULL,
    subject          TEXT NOT NULL,
    created_by       BIGINT REFERENCES users (id),
    created_at       TEXT NOT NULL
);
CREATE UNIQUE INDEX non_objective_organizations_uq ON non_objective_organizations (organization_id, year, subject);
CREATE INDEX non_objective_organizations_year_ix ON non_objective_organizations (year);
