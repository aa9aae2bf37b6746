//! What the store's test files share (`mod common;`): the actor of their changes and the places
//! they start from — a region with municipalities under seed 002, schools, associations, teachers.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // each test file uses a part of it

use metoda_domain::directory::{MunicipalityInput, OrganizationInput, RegionInput};
use metoda_domain::ids::{AssociationId, MunicipalityId, OrganizationId, TeacherId};
use metoda_domain::teachers::TeacherInput;
use metoda_store::testkit::TestDb;
use metoda_store::{Actor, Conn, municipalities, profiles};
use time::macros::date;

/// Who makes the tests' changes.
pub fn actor() -> Actor {
    Actor { user_id: None, login: "test".into(), ip: None }
}

/// A fresh database with the region «Регион» and a municipality of each of `names`, each following
/// seed 002; the municipalities' ids in the order of `names`.
pub async fn municipalities(names: &[&str]) -> (TestDb, Vec<MunicipalityId>) {
    let t = TestDb::new().await.unwrap();
    let mut c = t.db.conn().await.unwrap();
    let r = metoda_store::regions::create(
        &mut c,
        &actor(),
        &RegionInput { name: "Регион".into(), code: String::new() }.parse().unwrap(),
    )
    .await
    .unwrap();
    let p002 = profiles::by_code(&mut c, "seed-002").await.unwrap();
    let mut ids = vec![];
    for name in names {
        let m = municipalities::create(
            &mut c,
            &actor(),
            r.id,
            &MunicipalityInput { name: (*name).into(), ..Default::default() }.parse().unwrap(),
        )
        .await
        .unwrap();
        municipalities::set_profile(&mut c, &actor(), m.id, p002.id).await.unwrap();
        ids.push(m.id);
    }
    drop(c);
    (t, ids)
}

/// The school «Школа № `n`» («СОШ `n`») of the municipality.
pub async fn school(c: &mut Conn, municipality_id: MunicipalityId, n: i64) -> OrganizationId {
    let d = OrganizationInput {
        full_name: format!("Школа № {n}"),
        short_name: format!("СОШ {n}"),
        kind: "school".into(),
        ..Default::default()
    };
    metoda_store::organizations::create(c, &actor(), municipality_id, &d.parse().unwrap()).await.unwrap().id
}

/// An association of the municipality, written directly (no founding order).
pub async fn association(c: &mut Conn, municipality_id: MunicipalityId, name: &str) -> AssociationId {
    AssociationId(sqlx::query_scalar(
        "INSERT INTO associations (municipality_id, name, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id",
    )
    .bind(municipality_id.get())
    .bind(name)
    .bind(metoda_store::now())
    .fetch_one(&mut *c)
    .await
    .unwrap())
}

/// A teacher «`last` Анна Ивановна» of the school with higher education, born on `birth`, working
/// since `start`, with `category` (assigned 2022-05-01, expiring 2027-03-01 unless it is "none").
pub async fn teacher(
    c: &mut Conn,
    municipality_id: MunicipalityId,
    org: OrganizationId,
    last: &str,
    birth: &str,
    category: &str,
    start: &str,
) -> TeacherId {
    let d = TeacherInput {
        last_name: last.into(),
        first_name: "Анна".into(),
        middle_name: "Ивановна".into(),
        birth_date: birth.into(),
        organization_id: Some(org.get()),
        position: "учитель".into(),
        education: "higher".into(),
        category: category.into(),
        category_assigned_on: "2022-05-01".into(),
        category_expires_on: if category == "none" { String::new() } else { "2027-03-01".into() },
        experience_start: start.into(),
        ..Default::default()
    }
    .parse(date!(2026 - 11 - 23))
    .unwrap();
    metoda_store::teachers::create(c, &actor(), municipality_id, &d).await.unwrap().id
}
