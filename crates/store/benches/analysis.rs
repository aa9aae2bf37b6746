//! The yearly analysis at region scale: 10 municipalities, 200 organizations, 20 000 teachers,
//! 1 000 associations of ~22 members, five academic years of meetings (with attendance and signed
//! minutes), courses and results (~40 per association and year), on SQLite (or on PostgreSQL when
//! METODA_TEST_DATABASE is set). Measures the analysis alone, the analysis page of one association
//! (facts + analysis), and the roll-ups: one municipality (100 associations) and the region
//! (1 000), each municipality's facts read at once (`results::facts_of_municipality`). Prints the
//! row counts, the query plans of the facts queries, and the timings of variants of the results query (with the municipality, driven from the members, with an index
//! on results (year)) once. A roll-up that takes seconds is timed by hand instead of by criterion;
//! the region's is extrapolated from the municipality's unless METODA_BENCH_FULL_REGION is set.
//!
//! `cargo bench -p metoda-store --bench analysis`
//! `METODA_TEST_DATABASE=postgres://postgres@127.0.0.1:5432/test cargo bench -p metoda-store --bench analysis`

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use metoda_domain::analysis::{analysis_date, compute};
use metoda_domain::teachers::AcademicYear;
use metoda_store::Backend;
use metoda_store::results;
use metoda_store::testkit::TestDb;
use sqlx::{AnyConnection, Executor};

const MUNICIPALITIES: i64 = 10;
const ORGS_PER_MUNICIPALITY: i64 = 20;
const TEACHERS: i64 = 20_000;
const ASSOCIATIONS: i64 = 1_000;
const MEMBERS: i64 = 20;
const YEARS: std::ops::RangeInclusive<i64> = 2021..=2025;
/// The year measured (the last complete one).
const YEAR: i64 = 2025;
const RESULTS_PER_YEAR: i64 = 40;
const CHUNK: usize = 400;
const STAMP: &str = "2026-11-23T12:00:00.000Z";

fn teachers_per_municipality() -> i64 {
    TEACHERS / MUNICIPALITIES
}
fn associations_per_municipality() -> i64 {
    ASSOCIATIONS / MUNICIPALITIES
}
fn municipality_of_association(a: i64) -> i64 {
    (a - 1) / associations_per_municipality() + 1
}
/// The j-th own member of association `a` (each teacher belongs to one association as its own).
fn member(a: i64, j: i64) -> i64 {
    let m = municipality_of_association(a);
    let k = (a - 1) % associations_per_municipality();
    (m - 1) * teachers_per_municipality() + k * MEMBERS + j % MEMBERS + 1
}

/// Multi-row INSERTs of literal rows, `CHUNK` rows per statement.
struct Bulk {
    head: String,
    rows: Vec<String>,
    total: usize,
}

impl Bulk {
    fn new(table: &str, columns: &str) -> Bulk {
        Bulk { head: format!("INSERT INTO {table} ({columns}) VALUES "), rows: vec![], total: 0 }
    }
    async fn push(&mut self, conn: &mut AnyConnection, row: String) {
        self.rows.push(row);
        if self.rows.len() >= CHUNK {
            self.flush(conn).await;
        }
    }
    /// Rows kept for a later flush (children flushed after their parents).
    fn keep(&mut self, row: String) {
        self.rows.push(row);
    }
    async fn flush(&mut self, conn: &mut AnyConnection) {
        for chunk in self.rows.chunks(CHUNK) {
            let sql = format!("{}{}", self.head, chunk.join(", "));
            conn.execute(sql.as_str()).await.unwrap_or_else(|e| panic!("{}: {e}", self.head));
            self.total += chunk.len();
        }
        self.rows.clear();
    }
}

fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}
fn opt(s: Option<&str>) -> String {
    s.map_or_else(|| "NULL".to_owned(), q)
}

async fn fill() -> TestDb {
    let t = TestDb::new().await.expect("database");
    let started = Instant::now();
    let mut tx = t.db.begin().await.expect("tx");
    let c: &mut AnyConnection = &mut tx;

    let mut b = Bulk::new("regions", "id, name, code, created_at, updated_at");
    b.push(c, format!("(1, 'Регион', '99', '{STAMP}', '{STAMP}')")).await;
    b.flush(c).await;

    let mut b = Bulk::new("municipalities", "id, region_id, name, created_at, updated_at");
    for m in 1..=MUNICIPALITIES {
        b.push(c, format!("({m}, 1, 'Район {m}', '{STAMP}', '{STAMP}')")).await;
    }
    b.flush(c).await;

    let mut b = Bulk::new("organizations", "id, municipality_id, full_name, short_name, kind, created_at, updated_at");
    for o in 1..=MUNICIPALITIES * ORGS_PER_MUNICIPALITY {
        let m = (o - 1) / ORGS_PER_MUNICIPALITY + 1;
        b.push(c, format!("({o}, {m}, 'Школа № {o}', 'СОШ {o}', 'school', '{STAMP}', '{STAMP}')")).await;
    }
    b.flush(c).await;
    let orgs = b.total;

    let last = ["Иванова", "Петрова", "Сидорова", "Кузнецова", "Смирнова", "Попова", "Васильева", "Соколова"];
    let first = ["Анна", "Мария", "Елена", "Ольга", "Татьяна", "Наталья", "Ирина", "Светлана"];
    let cats = ["highest", "first", "conformity", "none"];
    let mut b = Bulk::new(
        "teachers",
        "id, municipality_id, last_name, first_name, middle_name, birth_date, organization_id, position, education,
         category, category_expires_on, experience_start, young_specialist, search_text, created_at, updated_at",
    );
    for i in 1..=TEACHERS {
        let m = (i - 1) / teachers_per_municipality() + 1;
        let org = (m - 1) * ORGS_PER_MUNICIPALITY + (i - 1) % ORGS_PER_MUNICIPALITY + 1;
        let n = usize::try_from(i).expect("usize");
        let (l, f) = (last[n % last.len()], first[(n / 8) % first.len()]);
        let education = match i % 9 {
            0 => "vocational",
            4 => "other",
            _ => "higher",
        };
        b.push(
            c,
            format!(
                "({i}, {m}, '{l}', '{f}', 'Отчество{i}', '{}-{:02}-{:02}', {org}, 'учитель', '{education}', '{}',
                 '{}-{:02}-01', '{}-09-01', {}, '{}', '{STAMP}', '{STAMP}')",
                1960 + i % 40,
                1 + i % 12,
                1 + i % 28,
                cats[n % 4],
                2026 + i % 5,
                1 + i % 12,
                1985 + i % 40,
                i64::from(i % 20 == 0),
                format!("{l} {f} отчество{i}").to_lowercase(),
            ),
        )
        .await;
    }
    b.flush(c).await;
    let teachers = b.total;

    let mut b = Bulk::new("associations", "id, municipality_id, name, status, created_at, updated_at");
    for a in 1..=ASSOCIATIONS {
        let m = municipality_of_association(a);
        b.push(c, format!("({a}, {m}, 'ММО {a}', 'active', '{STAMP}', '{STAMP}')")).await;
    }
    b.flush(c).await;
    let associations = b.total;

    // 20 own members (some joined late, some left), and 2 members from the neighbouring association.
    let mut b = Bulk::new("association_members", "association_id, teacher_id, joined_on, left_on, created_at");
    for a in 1..=ASSOCIATIONS {
        for j in 0..MEMBERS {
            let joined = if j % 7 == 3 { "2023-01-15" } else { "2019-09-01" };
            let left = if j % 10 == 9 { Some("2024-03-01") } else { None };
            b.push(c, format!("({a}, {}, '{joined}', {}, '{STAMP}')", member(a, j), opt(left))).await;
        }
        let neighbour = if a % associations_per_municipality() == 0 { a - 1 } else { a + 1 };
        for j in 0..2 {
            b.push(c, format!("({a}, {}, '2020-09-01', NULL, '{STAMP}')", member(neighbour, j))).await;
        }
    }
    b.flush(c).await;
    let memberships = b.total;

    let mut meetings = Bulk::new("meetings", "id, association_id, year, held_on, status, created_at, updated_at");
    let mut attendance = Bulk::new("meeting_attendance", "meeting_id, teacher_id, status");
    let mut minutes = Bulk::new(
        "minutes",
        "meeting_id, association_id, year, number, status, signatories, members_total, present, drafted_at, signed_at",
    );
    let mut courses = Bulk::new("teacher_courses", "teacher_id, kind, title, hours, end_on, created_at");
    let mut results_b = Bulk::new(
        "results",
        "id, municipality_id, family, kind, result_on, year, title, subject, level, placement, format, form, score,
         outlet, url, students, student_code, student_grade, status, created_at, updated_at",
    );
    let mut result_teachers = Bulk::new("result_teachers", "result_id, teacher_id");
    let (mut meeting_id, mut result_id) = (0i64, 0i64);
    let months = ["10-15", "12-15", "02-15", "04-15", "06-15"];
    let result_days =
        ["09-20", "10-10", "11-05", "11-25", "12-10", "01-20", "02-10", "03-05", "03-25", "04-15", "05-10", "06-01"];
    let events = ["vsosh", "olympiad", "contest", "competition", "conference"];
    let levels = ["school", "municipal", "regional", "all_russian"];
    let placements = ["winner", "prize_winner", "laureate", "participant", "participant"];
    let subjects = ["russian", "mathematics_profile", "physics", "history", "social_studies", "informatics"];
    let kinds = ["competition", "presentation", "publication", "assessment_materials", "student_event_organised"];
    let forms = ["seminar", "master_class", "conference", "pedagogical_readings", "association_meeting"];
    for a in 1..=ASSOCIATIONS {
        let m = municipality_of_association(a);
        for y in YEARS {
            for (n, md) in months.iter().enumerate() {
                meeting_id += 1;
                let n = i64::try_from(n).expect("i64");
                let cal = if n < 2 { y } else { y + 1 };
                meetings.keep(format!("({meeting_id}, {a}, {y}, '{cal}-{md}', 'held', '{STAMP}', '{STAMP}')"));
                let mut present = 0;
                for j in 0..MEMBERS {
                    let here = (j + n + a) % 5 != 0;
                    present += i64::from(here);
                    let status = if here { "present" } else { "absent" };
                    attendance.keep(format!("({meeting_id}, {}, '{status}')", member(a, j)));
                }
                minutes.keep(format!(
                    "({meeting_id}, {a}, {y}, {}, 'signed', '[\"head\",\"secretary\"]', {MEMBERS}, {present},
                             '{STAMP}', '{STAMP}')",
                    n + 1
                ));
            }
            for k in 0..5usize {
                let kk = i64::try_from(k).expect("i64");
                let kind = if k == 4 { "retraining" } else { "advanced_training" };
                let end =
                    format!("{}-{}", if k < 2 { y } else { y + 1 }, ["11-30", "12-20", "03-15", "04-30", "06-20"][k]);
                let hours = if k == 4 { 250 } else { 36 };
                courses.keep(format!(
                    "({}, '{kind}', 'Курс {k}', {hours}, '{end}', '{STAMP}')",
                    member(a, (kk * 4 + y) % MEMBERS)
                ));
            }
            for i in 0..RESULTS_PER_YEAR {
                result_id += 1;
                let n = usize::try_from(i).expect("usize");
                let md = result_days[n % result_days.len()];
                let on = format!("{}-{md}", if md < "09" { y + 1 } else { y });
                let status = match i % 9 {
                    7 => "pending",
                    8 if i % 2 == 0 => "rejected",
                    _ => "confirmed",
                };
                let t1 = member(a, i + y);
                let mut teachers = vec![t1];
                let row = if i < 20 {
                    // a student's result, prepared by one or two teachers
                    if i % 3 == 0 {
                        teachers.push(member(a, i + y + 1));
                    }
                    let event = events[n % events.len()];
                    let subject = if event == "vsosh" { Some("mathematics") } else { None };
                    let title = if event == "vsosh" { None } else { Some(format!("Конкурс {i}")) };
                    format!(
                        "({result_id}, {m}, 'student', '{event}', '{on}', {y}, {}, {}, '{}', '{}', '{}', NULL, NULL,
                         NULL, NULL, NULL, 'S-{result_id}', '{}', '{status}', '{STAMP}', '{STAMP}')",
                        opt(title.as_deref()),
                        opt(subject),
                        levels[(n / 5) % levels.len()],
                        placements[n % placements.len()],
                        if i % 4 == 3 { "remote" } else { "in_person" },
                        5 + i % 7,
                    )
                } else if i < 30 {
                    // an ЕГЭ score of a teacher's student
                    format!(
                        "({result_id}, {m}, 'exam', 'ege', '{}-06-20', {y}, NULL, '{}', NULL, NULL, NULL, NULL, {},
                         NULL, NULL, NULL, NULL, NULL, '{status}', '{STAMP}', '{STAMP}')",
                        y + 1,
                        subjects[n % subjects.len()],
                        20 + (i * 7 + y + a) % 80,
                    )
                } else {
                    // a teacher's own result, some with a co-author
                    if i % 4 == 0 {
                        teachers.push(member(a, i + y + 3));
                    }
                    let kind = kinds[n % kinds.len()];
                    let (level, placement, format, form, outlet, url, students) = match kind {
                        "competition" => {
                            (Some(levels[n % 4]), Some(placements[n % 5]), Some("in_person"), None, None, None, None)
                        }
                        "presentation" => {
                            (Some(levels[n % 4]), None, Some("in_person"), Some(forms[n % 5]), None, None, None)
                        }
                        "publication" => {
                            (Some("regional"), None, None, None, Some("Журнал"), Some("https://example.org/p"), None)
                        }
                        "student_event_organised" => {
                            (Some("municipal"), None, Some("in_person"), None, None, None, Some(30 + i))
                        }
                        _ => (Some("municipal"), None, None, None, None, None, None),
                    };
                    format!(
                        "({result_id}, {m}, 'teacher', '{kind}', '{on}', {y}, 'Результат {i}', NULL, {}, {}, {}, {}, NULL,
                         {}, {}, {}, NULL, NULL, '{status}', '{STAMP}', '{STAMP}')",
                        opt(level),
                        opt(placement),
                        opt(format),
                        opt(form),
                        opt(outlet),
                        opt(url),
                        students.map_or_else(|| "NULL".to_owned(), |s| s.to_string()),
                    )
                };
                results_b.keep(row);
                for t in teachers {
                    result_teachers.keep(format!("({result_id}, {t})"));
                }
            }
        }
        // Parents before children, one association at a time.
        for b in [&mut meetings, &mut attendance, &mut minutes, &mut courses, &mut results_b, &mut result_teachers] {
            b.flush(c).await;
        }
    }

    let mut non_objective = Bulk::new("non_objective_organizations", "organization_id, year, subject, created_at");
    for m in 1..=MUNICIPALITIES {
        for y in YEARS {
            for (k, subject) in ["mathematics", "russian"].iter().enumerate() {
                let org =
                    (m - 1) * ORGS_PER_MUNICIPALITY + 1 + (y + i64::try_from(k).expect("i64")) % ORGS_PER_MUNICIPALITY;
                non_objective.push(c, format!("({org}, {y}, '{subject}', '{STAMP}')")).await;
            }
        }
    }
    non_objective.flush(c).await;
    let mut thresholds = Bulk::new("exam_thresholds", "municipality_id, subject, minimum, high, updated_at");
    thresholds.push(c, format!("(1, 'russian', 36, 80, '{STAMP}')")).await;
    thresholds.flush(c).await;

    if t.db.backend() == Backend::Postgres {
        // Explicit ids were written: move the identity sequences past them.
        for table in ["regions", "municipalities", "organizations", "teachers", "associations", "meetings", "results"] {
            let sql = format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))");
            c.execute(sql.as_str()).await.expect("setval");
        }
    }
    tx.commit().await.expect("commit");
    let mut conn = t.db.conn().await.expect("conn");
    conn.execute("ANALYZE").await.expect("analyze");
    drop(conn);
    println!(
        "data ({}), filled in {:.1} s: {MUNICIPALITIES} municipalities, {orgs} organizations, {teachers} teachers, \
         {associations} associations, {memberships} memberships, {} meetings, {} attendance rows, {} minutes, \
         {} courses, {} results, {} result teachers, {} non-objective entries; years {}–{}",
        t.db.backend().name(),
        started.elapsed().as_secs_f64(),
        meetings.total,
        attendance.total,
        minutes.total,
        courses.total,
        results_b.total,
        result_teachers.total,
        non_objective.total,
        YEARS.start(),
        YEARS.end(),
    );
    t
}

/// The queries of `results::facts` (copied, with literal values), for the query plans.
fn facts_queries(a: i64, y: i64) -> Vec<(&'static str, String)> {
    let (start, end) = (format!("'{y}-09-01'"), format!("'{}-08-31'", y + 1));
    let name = "(t.last_name || ' ' || t.first_name || COALESCE(' ' || t.middle_name, ''))";
    vec![
        (
            "members",
            format!(
                "SELECT am.teacher_id, {name} AS full_name, t.organization_id, am.joined_on, am.left_on, t.education, t.category
                 FROM association_members am JOIN teachers t ON t.id = am.teacher_id
                 WHERE am.association_id = {a} AND am.joined_on <= {end} AND (am.left_on IS NULL OR am.left_on > {start})
                 ORDER BY t.last_name, t.first_name, am.teacher_id, am.joined_on"
            ),
        ),
        (
            "meetings",
            format!(
                "SELECT m.id, n.number, m.held_on,
                    (SELECT COUNT(*) FROM meeting_attendance at WHERE at.meeting_id = m.id AND at.status = 'present') AS present
                 FROM meetings m LEFT JOIN minutes n ON n.meeting_id = m.id
                 WHERE m.association_id = {a} AND m.status = 'held' AND m.held_on >= {start} AND m.held_on <= {end}
                 ORDER BY m.held_on, m.id"
            ),
        ),
        (
            "courses",
            format!(
                "SELECT c.id, c.teacher_id, c.kind, c.title, c.end_on FROM teacher_courses c
                 WHERE c.end_on >= {start} AND c.end_on <= {end}
                   AND c.teacher_id IN (SELECT teacher_id FROM association_members WHERE association_id = {a})
                 ORDER BY c.end_on, c.id"
            ),
        ),
        (
            "results (for_association)",
            format!(
                "SELECT r.id, r.family, so.short_name, du.full_name FROM results r
                 LEFT JOIN organizations so ON so.id = r.student_organization_id
                 LEFT JOIN users du ON du.id = r.decided_by
                 WHERE r.archived_at IS NULL AND r.year = {y} AND EXISTS (
                    SELECT 1 FROM result_teachers rt JOIN association_members am ON am.teacher_id = rt.teacher_id
                    WHERE rt.result_id = r.id AND am.association_id = {a} AND am.joined_on <= r.result_on
                      AND (am.left_on IS NULL OR am.left_on > r.result_on))
                 ORDER BY r.family, r.result_on, r.id"
            ),
        ),
        (
            "result teachers (with_teachers)",
            format!(
                "SELECT rt.result_id, rt.teacher_id, {name} AS full_name, t.organization_id
                 FROM result_teachers rt JOIN teachers t ON t.id = rt.teacher_id
                 WHERE rt.result_id IN (1, 2, 3) ORDER BY t.last_name, t.first_name, t.id"
            ),
        ),
    ]
}

async fn plans(t: &TestDb, a: i64, y: i64) -> String {
    let mut conn = t.db.conn().await.expect("conn");
    let mut out = String::new();
    for (what, sql) in facts_queries(a, y) {
        let _ = writeln!(out, "-- {what}");
        match t.db.backend() {
            Backend::Sqlite => {
                let rows: Vec<(i64, i64, i64, String)> =
                    sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}")).fetch_all(&mut *conn).await.expect("plan");
                for (id, parent, _, detail) in rows {
                    let _ = writeln!(out, "   {id:>3} {parent:>3} {detail}");
                }
            }
            Backend::Postgres => {
                let rows: Vec<(String,)> = sqlx::query_as(&format!("EXPLAIN (ANALYZE, COSTS OFF) {sql}"))
                    .fetch_all(&mut *conn)
                    .await
                    .expect("plan");
                for (line,) in rows {
                    let _ = writeln!(out, "   {line}");
                }
            }
        }
    }
    out
}

/// The page's work for one association: its facts, read as the analysis reads them, analysed.
async fn analyse(conn: &mut AnyConnection, association_id: i64, year: AcademicYear) -> usize {
    let f = results::facts(conn, metoda_domain::ids::AssociationId(association_id), year).await.expect("facts");
    let a = compute(year, analysis_date(year, None), &f.for_analysis());
    a.indicators.len()
}

/// The roll-up of municipalities `first..=last` as the authority's overview and the region's page
/// do it: the facts of a whole municipality in one go ([`results::facts_of_municipality`]), then
/// the analysis of each of its associations.
async fn roll_up(t: &TestDb, municipalities: std::ops::RangeInclusive<i64>, year: AcademicYear) -> usize {
    let mut conn = t.db.conn().await.expect("conn");
    let date = analysis_date(year, None);
    let mut n = 0;
    for m in municipalities {
        for f in
            results::facts_of_municipality(&mut conn, metoda_domain::ids::MunicipalityId(m), year).await.expect("facts")
        {
            n += compute(year, date, &f.for_analysis()).indicators.len();
        }
    }
    n
}

fn analysis(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let t = rt.block_on(fill());
    let year = AcademicYear(i32::try_from(YEAR).expect("year"));
    let date = analysis_date(year, None);
    let backend = t.db.backend().name();
    println!(
        "query plans of results::facts ({backend}), association 1, year {YEAR}:\n{}",
        rt.block_on(plans(&t, 1, YEAR))
    );

    let facts = rt.block_on(async {
        let mut conn = t.db.conn().await.expect("conn");
        results::facts(
            &mut conn,
            metoda_domain::ids::AssociationId(1),
            AcademicYear(i32::try_from(YEAR).expect("year")),
        )
        .await
        .expect("facts")
    });
    println!(
        "facts of association 1, {YEAR}: {} members, {} meetings, {} courses, {} exam scores, {} student results, \
         {} teacher results, {} non-objective",
        facts.members.len(),
        facts.meetings.len(),
        facts.courses.len(),
        facts.exam_scores.len(),
        facts.student_results.len(),
        facts.teacher_results.len(),
        facts.non_objective.len()
    );
    let prepared = facts.for_analysis();

    rt.block_on(variants(&t, 1, YEAR));

    let mut group = c.benchmark_group(format!("analysis ({backend})"));
    group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    group.bench_function("compute_only", |b| b.iter(|| compute(year, date, black_box(&prepared))));
    group.bench_function("one_association", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut conn = t.db.conn().await.expect("conn");
                analyse(&mut conn, 1, year).await
            })
        })
    });
    // A roll-up that takes seconds is timed by hand, once (criterion's ten samples would take
    // minutes); the region is then extrapolated from the municipality unless
    // METODA_BENCH_FULL_REGION is set.
    let started = Instant::now();
    black_box(rt.block_on(roll_up(&t, 1..=1, year)));
    let municipality = started.elapsed();
    println!("analysis/municipality_100 ({backend}): first run {:.3} s", municipality.as_secs_f64());
    if municipality < Duration::from_secs(2) {
        group.bench_function("municipality_100", |b| b.iter(|| rt.block_on(roll_up(&t, 1..=1, year))));
    }
    let full = std::env::var("METODA_BENCH_FULL_REGION").is_ok();
    if municipality < Duration::from_millis(200) {
        group.bench_function("region_1000", |b| b.iter(|| rt.block_on(roll_up(&t, 1..=MUNICIPALITIES, year))));
    } else if full || municipality < Duration::from_secs(3) {
        let started = Instant::now();
        black_box(rt.block_on(roll_up(&t, 1..=MUNICIPALITIES, year)));
        println!("analysis/region_1000 ({backend}): one run {:.3} s", started.elapsed().as_secs_f64());
    } else {
        println!(
            "analysis/region_1000 ({backend}): not run; extrapolated from the municipality ×{MUNICIPALITIES}: ~{:.0} s \
             (METODA_BENCH_FULL_REGION=1 runs it once)",
            municipality.as_secs_f64() * MUNICIPALITIES as f64
        );
    }
    group.finish();
    rt.block_on(t.drop_db());
}

/// Median of five runs of a query.
async fn median(conn: &mut AnyConnection, sql: &str) -> (Duration, usize) {
    let mut runs = vec![];
    let mut n = 0;
    for _ in 0..5 {
        let started = Instant::now();
        n = sqlx::query(sql).fetch_all(&mut *conn).await.expect("variant").len();
        runs.push(started.elapsed());
    }
    runs.sort();
    (runs[2], n)
}

/// The results query of `results::facts` as written, and what would make it cheap: the
/// association's municipality as a condition (the existing index results_year_ix leads with it),
/// the query driven from the members' result_teachers, an index on results (year).
async fn variants(t: &TestDb, a: i64, y: i64) {
    let m = municipality_of_association(a);
    let mut conn = t.db.conn().await.expect("conn");
    let exists = format!(
        "EXISTS (SELECT 1 FROM result_teachers rt JOIN association_members am ON am.teacher_id = rt.teacher_id
            WHERE rt.result_id = r.id AND am.association_id = {a} AND am.joined_on <= r.result_on
              AND (am.left_on IS NULL OR am.left_on > r.result_on))"
    );
    let head = "SELECT r.id, r.family, r.result_on FROM results r WHERE r.archived_at IS NULL";
    let tail = "ORDER BY r.family, r.result_on, r.id";
    let cases = [
        ("as written (year + EXISTS)", format!("{head} AND r.year = {y} AND {exists} {tail}")),
        (
            "+ r.municipality_id = the association's",
            format!("{head} AND r.municipality_id = {m} AND r.year = {y} AND {exists} {tail}"),
        ),
        (
            "driven from members (r.id IN result_teachers of members)",
            format!(
                "{head} AND r.year = {y} AND r.id IN (SELECT rt.result_id FROM association_members am2
                    JOIN result_teachers rt ON rt.teacher_id = am2.teacher_id WHERE am2.association_id = {a})
                  AND {exists} {tail}"
            ),
        ),
    ];
    let backend = t.db.backend().name();
    for (what, sql) in &cases {
        let (d, n) = median(&mut conn, sql).await;
        println!("results query variant ({backend}) {what}: {:.3} ms, {n} rows", d.as_secs_f64() * 1e3);
    }
    conn.execute("CREATE INDEX bench_results_year_ix ON results (year)").await.expect("index");
    conn.execute("ANALYZE").await.expect("analyze");
    let (d, n) = median(&mut conn, &cases[0].1).await;
    println!(
        "results query variant ({backend}) as written, with an index on results (year): {:.3} ms, {n} rows",
        d.as_secs_f64() * 1e3
    );
    conn.execute("DROP INDEX bench_results_year_ix").await.expect("drop index");
    for (what, sql) in &cases {
        if t.db.backend() == Backend::Sqlite {
            let rows: Vec<(i64, i64, i64, String)> =
                sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}")).fetch_all(&mut *conn).await.expect("plan");
            println!("-- plan: {what}");
            for (id, parent, _, detail) in rows {
                println!("   {id:>3} {parent:>3} {detail}");
            }
        }
    }
}

criterion_group!(benches, analysis);
criterion_main!(benches);
