//! The yearly analysis at region scale (`metoda_store::scale::Scale::region`: 10 municipalities,
//! 200 organizations, 20 000 teachers, 1 000 associations of ~22 members, five academic years of
//! meetings with attendance and signed minutes, courses and results), on SQLite (or on PostgreSQL when
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
use metoda_store::scale::{self, Scale};
use metoda_store::testkit::TestDb;
use sqlx::{AnyConnection, Executor};

const MUNICIPALITIES: i64 = 10;
/// The year measured (the last complete one).
const YEAR: i64 = 2025;
const TODAY: time::Date = time::macros::date!(2026 - 11 - 23);

/// The region of the load benchmark (`metoda_store::scale`, as `metoda demo-data --scale region`).
fn scale() -> Scale {
    Scale::region(TODAY)
}

fn municipality_of_association(a: i64) -> i64 {
    scale().municipality_of(a)
}

async fn fill() -> TestDb {
    let t = TestDb::new().await.expect("database");
    let started = Instant::now();
    let g = scale::generate(&t.db, &scale()).await.expect("the region");
    println!(
        "data ({}), filled in {:.1} s: {}; years {:?}",
        t.db.backend().name(),
        started.elapsed().as_secs_f64(),
        g.summary_ru(),
        scale().academic_years(),
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
