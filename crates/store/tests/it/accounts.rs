//! Linking a user account to its teacher record of the data bank, against a real database
//! (SQLite, or PostgreSQL with METODA_TEST_DATABASE).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use metoda_domain::ids::*;

use common::actor;
use metoda_domain::directory::UserData;
use metoda_store::testkit::TestDb;
use metoda_store::{StoreError, demo, teachers, users};

fn data(login: &str) -> UserData {
    metoda_domain::directory::UserInput {
        login: login.into(),
        full_name: format!("Педагог {login}"),
        email: String::new(),
        password: "пароль-педагога-1".into(),
    }
    .parse(true)
    .unwrap()
}

/// Active teachers of a municipality without an account.
async fn free_teachers(c: &mut sqlx::AnyConnection, municipality_id: MunicipalityId) -> Vec<TeacherId> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM teachers WHERE municipality_id = $1 AND user_id IS NULL AND archived_at IS NULL ORDER BY id",
    )
    .bind(municipality_id.get())
    .fetch_all(&mut *c)
    .await
    .unwrap();
    ids.into_iter().map(TeacherId).collect()
}

async fn audit_count(c: &mut sqlx::AnyConnection, teacher_id: TeacherId, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'teacher' AND entity_id = $1 AND action = $2")
        .bind(teacher_id.get())
        .bind(action)
        .fetch_one(&mut *c)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_account_is_linked_to_one_teacher_record_and_back() {
    let t = TestDb::new().await.unwrap();
    let loaded = demo::load(&t.db, false).await.unwrap();
    let (region, muni) = (loaded.region_id, loaded.municipality_id);
    let mut tx = t.db.begin().await.unwrap();
    let u1 = users::create(&mut tx, &actor(), Some(region), Some(muni), &data("t.one")).await.unwrap();
    let u2 = users::create(&mut tx, &actor(), Some(region), Some(muni), &data("t.two")).await.unwrap();
    let free = free_teachers(&mut tx, muni).await;
    let (x, y) = (free[0], free[1]);
    let offered = teachers::without_account(&mut tx, muni).await.unwrap();
    assert!(offered.iter().any(|(id, _)| *id == x) && offered.iter().any(|(id, _)| *id == y));
    assert!(teachers::of_user(&mut tx, u1.id).await.unwrap().is_none());

    // Link, with its audit entry.
    let linked = teachers::link_account(&mut tx, &actor(), x, u1.id).await.unwrap();
    assert_eq!(linked.user_id, Some(u1.id));
    assert_eq!(teachers::of_user(&mut tx, u1.id).await.unwrap().unwrap().id, x);
    assert_eq!(audit_count(&mut tx, x, "link_account").await, 1);
    let summary: String = sqlx::query_scalar(
        "SELECT summary FROM audit_log WHERE entity = 'teacher' AND entity_id = $1 AND action = 'link_account'",
    )
    .bind(x.get())
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert!(summary.contains("t.one") && summary.contains(&linked.full_name()), "{summary}");
    assert!(!teachers::without_account(&mut tx, muni).await.unwrap().iter().any(|(id, _)| *id == x));
    // The same pair again changes nothing.
    teachers::link_account(&mut tx, &actor(), x, u1.id).await.unwrap();
    assert_eq!(audit_count(&mut tx, x, "link_account").await, 1);

    // The record already has an account; the account already has a record.
    match teachers::link_account(&mut tx, &actor(), x, u2.id).await {
        Err(StoreError::Conflict(m)) => assert!(m.contains("t.one") && m.contains("отвяжите"), "{m}"),
        other => panic!("{other:?}"),
    }
    match teachers::link_account(&mut tx, &actor(), y, u1.id).await {
        Err(StoreError::Conflict(m)) => assert!(m.contains("t.one") && m.contains("отвяжите"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(teachers::get(&mut tx, y).await.unwrap().user_id, None);

    // The index holds even against a direct write.
    let direct = sqlx::query("UPDATE teachers SET user_id = $1 WHERE id = $2")
        .bind(u1.id.get())
        .bind(y.get())
        .execute(&mut *tx)
        .await;
    assert!(direct.is_err(), "a second record of the same account must violate the unique index");
    // (on PostgreSQL the failed statement ends the transaction)
    tx.rollback().await.unwrap();
    t.drop_db().await;
}

#[tokio::test]
async fn linking_is_checked_and_unlinking_frees_both() {
    let t = TestDb::new().await.unwrap();
    let loaded = demo::load(&t.db, false).await.unwrap();
    let (region, muni) = (loaded.region_id, loaded.municipality_id);
    let mut tx = t.db.begin().await.unwrap();
    let u1 = users::create(&mut tx, &actor(), Some(region), Some(muni), &data("t.one")).await.unwrap();
    let u2 = users::create(&mut tx, &actor(), Some(region), Some(muni), &data("t.two")).await.unwrap();
    let free = free_teachers(&mut tx, muni).await;
    let (x, y, z) = (free[0], free[1], free[2]);
    // A teacher of the other demo municipality (Асиновский район).
    let elsewhere: i64 =
        sqlx::query_scalar("SELECT MIN(id) FROM teachers WHERE municipality_id <> $1 AND user_id IS NULL")
            .bind(muni.get())
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    match teachers::link_account(&mut tx, &actor(), TeacherId(elsewhere), u1.id).await {
        Err(StoreError::Invalid(f)) => assert!(f[0].message.contains("муниципалитета"), "{f:?}"),
        other => panic!("{other:?}"),
    }
    // An archived record, a blocked account.
    teachers::set_archived(&mut tx, &actor(), z, true).await.unwrap();
    match teachers::link_account(&mut tx, &actor(), z, u1.id).await {
        Err(StoreError::Invalid(f)) => assert!(f[0].message.contains("архив"), "{f:?}"),
        other => panic!("{other:?}"),
    }
    assert!(!teachers::without_account(&mut tx, muni).await.unwrap().iter().any(|(id, _)| *id == z));
    users::set_archived(&mut tx, &actor(), u2.id, true).await.unwrap();
    match teachers::link_account(&mut tx, &actor(), y, u2.id).await {
        Err(StoreError::Invalid(f)) => assert!(f[0].message.contains("заблокирована"), "{f:?}"),
        other => panic!("{other:?}"),
    }
    users::set_archived(&mut tx, &actor(), u2.id, false).await.unwrap();
    // Nothing is linked by the refusals.
    for id in [TeacherId(elsewhere), z, y] {
        assert_eq!(teachers::get(&mut tx, id).await.unwrap().user_id, None);
    }
    // Not linked: unlinking is refused.
    assert!(matches!(teachers::unlink_account(&mut tx, &actor(), u1.id).await, Err(StoreError::Conflict(_))));

    teachers::link_account(&mut tx, &actor(), x, u1.id).await.unwrap();
    let freed = teachers::unlink_account(&mut tx, &actor(), u1.id).await.unwrap();
    assert_eq!((freed.id, freed.user_id), (x, None));
    assert_eq!(audit_count(&mut tx, x, "unlink_account").await, 1);
    assert!(teachers::of_user(&mut tx, u1.id).await.unwrap().is_none());
    // Both are free again: the record takes another account, the account another record.
    teachers::link_account(&mut tx, &actor(), x, u2.id).await.unwrap();
    teachers::link_account(&mut tx, &actor(), y, u1.id).await.unwrap();
    assert_eq!(teachers::of_user(&mut tx, u2.id).await.unwrap().unwrap().id, x);
    assert_eq!(teachers::of_user(&mut tx, u1.id).await.unwrap().unwrap().id, y);
    tx.commit().await.unwrap();
    t.drop_db().await;
}
