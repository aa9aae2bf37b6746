//! The teacher bank at region scale: 20 000 teachers in 200 organizations, on SQLite (or on
//! PostgreSQL when METODA_TEST_DATABASE is set). Measures what the bank page runs: a page of the
//! list (first and deep, plain and filtered, sorted), the text search, and the composition counts.
//!
//! `cargo bench -p metoda-store --bench bank`

use criterion::{Criterion, criterion_group, criterion_main};
use metoda_domain::access::TeacherScope;
use metoda_domain::directory::{MunicipalityInput, OrganizationInput, RegionInput};
use metoda_domain::teachers::Category;
use metoda_store::teachers::{self, Filter, Sort};
use metoda_store::testkit::TestDb;
use metoda_store::{Actor, municipalities, now, organizations, regions};
use time::macros::date;

const TEACHERS: usize = 20_000;
const ORGS: usize = 200;
const TODAY: time::Date = date!(2026 - 11 - 23);

async fn fill() -> (TestDb, metoda_domain::ids::MunicipalityId) {
    let t = TestDb::new().await.expect("database");
    let actor = Actor::cli("bench");
    let mut tx = t.db.begin().await.expect("tx");
    let r = regions::create(
        &mut tx,
        &actor,
        &RegionInput { name: "Регион".into(), code: String::new() }.parse().expect("region"),
    )
    .await
    .expect("region");
    let m = municipalities::create(
        &mut tx,
        &actor,
        r.id,
        &MunicipalityInput { name: "Район".into(), ..Default::default() }.parse().expect("m"),
    )
    .await
    .expect("municipality");
    let mut orgs = vec![];
    for i in 0..ORGS {
        let d = OrganizationInput {
            full_name: format!("Школа № {i}"),
            short_name: format!("СОШ {i}"),
            kind: "school".into(),
            ..Default::default()
        };
        orgs.push(organizations::create(&mut tx, &actor, m.id, &d.parse().expect("org")).await.expect("org").id);
    }
    let last = [
        "Иванова",
        "Петрова",
        "Сидорова",
        "Кузнецова",
        "Смирнова",
        "Попова",
        "Васильева",
        "Соколова",
        "Михайлова",
        "Новикова",
    ];
    let first = ["Анна", "Мария", "Елена", "Ольга", "Татьяна", "Наталья", "Ирина", "Светлана"];
    let cats = ["highest", "first", "conformity", "none"];
    let stamp = now();
    // Rows go in directly, in one transaction: the bench measures reading, not 20 000 audit entries.
    for i in 0..TEACHERS {
        let (l, f) = (last[i % last.len()], first[(i / 10) % first.len()]);
        let birth = format!("{}-{:02}-{:02}", 1960 + i % 40, 1 + i % 12, 1 + i % 28);
        let start = format!("{}-09-01", 1985 + i % 40);
        let expires = format!("{}-{:02}-01", 2026 + i % 5, 1 + i % 12);
        sqlx::query(
            "INSERT INTO teachers (municipality_id, last_name, first_name, middle_name, birth_date, organization_id, position,
                education, category, category_expires_on, experience_start, young_specialist, search_text, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'учитель', $7, $8, $9, $10, $11, $12, $13, $13)",
        )
        .bind(m.id.get())
        .bind(l)
        .bind(f)
        .bind(format!("Отчество{i}"))
        .bind(birth)
        .bind(orgs[i % ORGS].get())
        .bind(if i % 9 == 0 { "vocational" } else { "higher" })
        .bind(cats[i % 4])
        .bind(expires)
        .bind(start)
        .bind(i64::from(i % 20 == 0))
        .bind(format!("{l} {f} отчество{i}").to_lowercase())
        .bind(&stamp)
        .execute(&mut *tx)
        .await
        .expect("teacher");
    }
    tx.commit().await.expect("commit");
    (t, m.id)
}

fn bank(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (t, muni) = rt.block_on(fill());
    let scope = TeacherScope { municipalities: vec![muni], ..Default::default() };
    let base = Filter { scope, page: 1, per_page: 50, ..Default::default() };
    let cases: Vec<(&str, Filter)> = vec![
        ("list: page 1 by name", base.clone()),
        ("list: page 400 by name", Filter { page: 400, ..base.clone() }),
        ("list: by experience", Filter { sort: Sort::Experience, ..base.clone() }),
        (
            "list: category + age band + organization",
            Filter { category: Some(Category::First), age_band: Some(2), organization_id: None, ..base.clone() },
        ),
        ("list: expiring categories", Filter { expiring: Some(6), ..base.clone() }),
        ("list: name search", Filter { text: Some("петрова мария".into()), ..base.clone() }),
    ];
    let mut group = c.benchmark_group(format!("bank of {TEACHERS} teachers ({})", t.db.backend().name()));
    group.sample_size(20);
    for (name, f) in cases {
        group.bench_function(name, |b| {
            b.iter(|| {
                rt.block_on(async {
                    let mut conn = t.db.conn().await.expect("conn");
                    teachers::list(&mut conn, &f, TODAY).await.expect("list")
                })
            })
        });
    }
    group.bench_function("composition counts (whole bank)", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut conn = t.db.conn().await.expect("conn");
                teachers::composition(&mut conn, &base, TODAY).await.expect("composition")
            })
        })
    });
    group.finish();
    rt.block_on(t.drop_db());
}

criterion_group!(benches, bank);
criterion_main!(benches);
