//! The store against a real database: SQLite by default, PostgreSQL when METODA_TEST_DATABASE
//! names a server (the CI's second pass).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use metoda_domain::ids::*;

use common::actor;
use metoda_domain::access::{Role, ScopeKind};
use metoda_domain::directory::{MunicipalityInput, OrganizationInput, RegionInput, UserInput};
use metoda_store::testkit::TestDb;
use metoda_store::{StoreError, archive, audit, municipalities, organizations, profiles, regions, sessions, users};

#[tokio::test]
async fn placeholders_nulls_and_reused_parameters_work_on_this_backend() {
    let t = TestDb::new().await.unwrap();
    let mut c = t.db.conn().await.unwrap();
    let r = regions::create(
        &mut c,
        &actor(),
        &RegionInput { name: "Томская область".into(), code: "70".into() }.parse().unwrap(),
    )
    .await
    .unwrap();
    let m = municipalities::create(
        &mut c,
        &actor(),
        r.id,
        &MunicipalityInput { name: "Томский район".into(), ..Default::default() }.parse().unwrap(),
    )
    .await
    .unwrap();
    // `$1 IS NULL OR region_id = $1` reuses a parameter, bound once.
    assert_eq!(municipalities::list(&mut c, Some(r.id), false).await.unwrap().len(), 1);
    assert_eq!(municipalities::list(&mut c, None, false).await.unwrap().len(), 1);
    assert_eq!(municipalities::list(&mut c, Some(RegionId(r.id.get() + 100)), false).await.unwrap().len(), 0);
    assert_eq!(m.region_name, "Томская область");
    assert_eq!(m.authority_name, None);
    drop(c);
    t.drop_db().await;
}

#[tokio::test]
async fn unique_names_are_conflicts_and_foreign_keys_hold() {
    let t = TestDb::new().await.unwrap();
    let mut c = t.db.conn().await.unwrap();
    let d = RegionInput { name: "Алтайский край".into(), code: String::new() }.parse().unwrap();
    regions::create(&mut c, &actor(), &d).await.unwrap();
    let e = regions::create(&mut c, &actor(), &d).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(ref m) if m.contains("уже есть")), "{e:?}");
    let od = OrganizationInput {
        full_name: "Школа".into(),
        short_name: "Школа".into(),
        kind: "school".into(),
        ..Default::default()
    }
    .parse()
    .unwrap();
    let e = organizations::create(&mut c, &actor(), MunicipalityId(9999), &od).await.unwrap_err();
    assert!(matches!(e, StoreError::Db(_)), "a missing municipality must be refused by the foreign key: {e:?}");
    drop(c);
    t.drop_db().await;
}

#[tokio::test]
async fn a_failed_transaction_leaves_nothing_behind() {
    let t = TestDb::new().await.unwrap();
    {
        let mut tx = t.db.begin().await.unwrap();
        let r = regions::create(
            &mut tx,
            &actor(),
            &RegionInput { name: "Регион".into(), code: String::new() }.parse().unwrap(),
        )
        .await
        .unwrap();
        assert!(r.id > RegionId(0));
        // dropped without commit
    }
    let mut c = t.db.conn().await.unwrap();
    assert!(regions::list(&mut c, None).await.unwrap().is_empty());
    let (entries, total) = audit::list(&mut c, &audit::Filter { per_page: 10, ..Default::default() }).await.unwrap();
    assert_eq!((entries.len(), total), (0, 0), "the audit entry went with the transaction");
    drop(c);
    t.drop_db().await;
}

#[tokio::test]
async fn every_change_is_in_the_audit_trail_with_old_and_new_values() {
    let t = TestDb::new().await.unwrap();
    let mut c = t.db.conn().await.unwrap();
    let r =
        regions::create(&mut c, &actor(), &RegionInput { name: "Регион".into(), code: String::new() }.parse().unwrap())
            .await
            .unwrap();
    let m = municipalities::create(
        &mut c,
        &actor(),
        r.id,
        &MunicipalityInput { name: "Район".into(), ..Default::default() }.parse().unwrap(),
    )
    .await
    .unwrap();
    let od = OrganizationInput {
        full_name: "Школа № 1".into(),
        short_name: "СОШ 1".into(),
        kind: "school".into(),
        ..Default::default()
    }
    .parse()
    .unwrap();
    let o = organizations::create(&mut c, &actor(), m.id, &od).await.unwrap();
    let od2 = OrganizationInput {
        full_name: "Школа № 1".into(),
        short_name: "СОШ № 1".into(),
        kind: "school".into(),
        ..Default::default()
    }
    .parse()
    .unwrap();
    organizations::update(&mut c, &actor(), o.id, &od2, None).await.unwrap();
    organizations::set_archived(&mut c, &actor(), o.id, true).await.unwrap();
    let f = audit::Filter {
        municipality_id: Some(m.id),
        entity: Some("organization".into()),
        per_page: 50,
        ..Default::default()
    };
    let (entries, total) = audit::list(&mut c, &f).await.unwrap();
    assert_eq!(total, 3);
    let actions: Vec<_> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["archive", "update", "create"]);
    let upd: serde_json::Value = serde_json::from_str(&entries[1].changes).unwrap();
    assert_eq!(upd["short_name"], serde_json::json!(["СОШ 1", "СОШ № 1"]));
    // Cyrillic text search is case-insensitive on both backends.
    let f = audit::Filter { text: Some("сош № 1".into()), per_page: 50, ..Default::default() };
    assert_eq!(audit::list(&mut c, &f).await.unwrap().1, 2);
    drop(c);
    t.drop_db().await;
}

#[tokio::test]
async fn presets_are_installed_once_and_copies_are_editable() {
    let t = TestDb::new().await.unwrap();
    let mut c = t.db.conn().await.unwrap();
    profiles::install_presets(&mut c).await.unwrap();
    let all = profiles::list(&mut c).await.unwrap();
    assert_eq!(all.iter().filter(|p| p.is_preset()).count(), 5);
    let p002 = profiles::by_code(&mut c, "seed-002").await.unwrap();
    let s = p002.settings().unwrap();
    assert_eq!(s.min_meetings_per_year.value, Some(4));
    let e = profiles::update(&mut c, &actor(), p002.id, "x", &s, None).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)));
    let r = regions::create(&mut c, &actor(), &RegionInput { name: "Р".into(), code: String::new() }.parse().unwrap())
        .await
        .unwrap();
    let m = municipalities::create(
        &mut c,
        &actor(),
        r.id,
        &MunicipalityInput { name: "М".into(), ..Default::default() }.parse().unwrap(),
    )
    .await
    .unwrap();
    let owner = metoda_domain::access::Place { region_id: r.id, municipality_id: Some(m.id) };
    let copy = profiles::copy(&mut c, &actor(), p002.id, owner, "Наше положение").await.unwrap();
    let mut s2 = copy.settings().unwrap();
    s2.min_meetings_per_year.value = Some(5);
    let upd = profiles::update(&mut c, &actor(), copy.id, "Наше положение", &s2, None).await.unwrap();
    assert_eq!(upd.settings().unwrap().min_meetings_per_year.value, Some(5));
    let m2 = municipalities::set_profile(&mut c, &actor(), m.id, copy.id).await.unwrap();
    assert_eq!(m2.profile_name.as_deref(), Some("Наше положение"));
    drop(c);
    t.drop_db().await;
}

#[tokio::test]
async fn sessions_tokens_and_sign_in_throttling() {
    let t = TestDb::new().await.unwrap();
    let mut c = t.db.conn().await.unwrap();
    let u = users::create(
        &mut c,
        &actor(),
        None,
        None,
        &UserInput {
            login: "ivanova".into(),
            full_name: "Иванова И. И.".into(),
            password: "верный-пароль-1".into(),
            ..Default::default()
        }
        .parse(true)
        .unwrap(),
    )
    .await
    .unwrap();
    let ids = users::resolve_scope(&mut c, ScopeKind::System, None).await.unwrap();
    users::add_grant(&mut c, &actor(), u.id, Role::Administrator, ids).await.unwrap();
    let (_, hash) = users::by_login(&mut c, "IVANOVA").await.unwrap().unwrap();
    assert!(users::verify_password(&hash, "верный-пароль-1"));
    assert!(!users::verify_password(&hash, "неверный"));
    let ttl = time::Duration::hours(1);
    let (token, s) = sessions::create(&mut c, u.id, ttl, Some("127.0.0.1"), None).await.unwrap();
    assert_eq!(sessions::lookup(&mut c, &token, ttl).await.unwrap().unwrap().id, s.id);
    assert!(sessions::lookup(&mut c, "forged", ttl).await.unwrap().is_none());
    // Sign-in throttling: the free failures of a login from one address, then a wait there only.
    use sessions::Admission;
    for _ in 0..sessions::FREE_FAILURES_PER_LOGIN {
        assert!(matches!(sessions::begin_attempt(&mut c, "ivanova", "10.0.0.1").await.unwrap(), Admission::Go(_)));
    }
    match sessions::begin_attempt(&mut c, "ivanova", "10.0.0.1").await.unwrap() {
        Admission::Wait(w) => assert!(w > time::Duration::ZERO && w <= sessions::FIRST_DELAY, "{w}"),
        a => panic!("{a:?}"),
    }
    match sessions::begin_attempt(&mut c, "ivanova", "10.0.0.2").await.unwrap() {
        Admission::Go(a) => sessions::attempt_succeeded(&mut c, a).await.unwrap(),
        a => panic!("{a:?}"),
    }
    let failures: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_failures").fetch_one(&mut *c).await.unwrap();
    assert_eq!(failures, 3, "the success forgave only its own address");
    let (secret, _) = sessions::create_token(&mut c, &actor(), u.id, "скрипт").await.unwrap();
    assert_eq!(sessions::token_user(&mut c, &secret).await.unwrap().map(|t| t.id), Some(u.id));
    assert_eq!(sessions::lookup_with_user(&mut c, &token, ttl).await.unwrap().unwrap().1.login, u.login);
    users::set_archived(&mut c, &actor(), u.id, true).await.unwrap();
    assert!(sessions::token_user(&mut c, &secret).await.unwrap().is_none(), "an archived user's token is dead");
    assert!(sessions::lookup(&mut c, &token, ttl).await.unwrap().is_none());
    drop(c);
    t.drop_db().await;
}

#[tokio::test]
async fn the_archive_lists_every_table_and_column_of_the_schema() {
    let t = TestDb::new().await.unwrap();
    let live = archive::schema_columns(&t.db).await.unwrap();
    for (table, cols) in &live {
        if archive::NOT_ARCHIVED.contains(&table.as_str()) {
            continue;
        }
        let spec =
            archive::TABLES.iter().find(|s| s.name == table).unwrap_or_else(|| panic!("table {table} is not archived"));
        let mut a: Vec<&str> = spec.columns.iter().map(|(c, _)| *c).collect();
        let mut b: Vec<&str> = cols.iter().map(String::as_str).collect();
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b, "columns of {table}");
    }
    t.drop_db().await;
}

#[tokio::test]
async fn export_then_import_gives_the_same_data() {
    let src = TestDb::new().await.unwrap();
    let loaded = metoda_store::demo::load(&src.db, false).await.unwrap();
    // A file with every byte value goes through the archive as base64 and comes back the same.
    let bytes: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    {
        let mut c = src.db.conn().await.unwrap();
        let scope = audit::Scope { region_id: Some(loaded.region_id), municipality_id: Some(loaded.municipality_id) };
        let content = metoda_store::attachments::Content::File {
            name: "протокол.pdf",
            content_type: "application/pdf",
            bytes: &bytes,
        };
        metoda_store::attachments::add(
            &mut c,
            &actor(),
            scope,
            metoda_domain::files::AttachmentOwner::Association,
            loaded.association_id.get(),
            metoda_domain::files::AttachmentKind::Document(metoda_domain::profile::RequiredDocument::Minutes),
            Some(2026),
            "Протокол № 1",
            content,
        )
        .await
        .unwrap();
    }
    let a = archive::export(&src.db).await.unwrap();
    let dst = TestDb::new().await.unwrap();
    let rows = archive::import(&dst.db, &a).await.unwrap();
    assert!(rows > 30, "{rows}");
    let b = archive::export(&dst.db).await.unwrap();
    assert_eq!(a["tables"], b["tables"]);
    {
        let mut c = dst.db.conn().await.unwrap();
        let list = metoda_store::attachments::list(
            &mut c,
            metoda_domain::files::AttachmentOwner::Association,
            loaded.association_id.get(),
            None,
        )
        .await
        .unwrap();
        assert_eq!(metoda_store::attachments::content(&mut c, list[0].id).await.unwrap().unwrap(), bytes);
    }
    // A second import is refused: the database is no longer empty.
    assert!(archive::import(&dst.db, &a).await.is_err());
    // New rows get fresh ids after an import (sequences were moved on PostgreSQL).
    let mut c = dst.db.conn().await.unwrap();
    let r =
        regions::create(&mut c, &actor(), &RegionInput { name: "Новый".into(), code: String::new() }.parse().unwrap())
            .await
            .unwrap();
    assert!(r.id > RegionId(1));
    drop(c);
    src.drop_db().await;
    dst.drop_db().await;
}

#[tokio::test]
async fn demo_data_refuses_a_database_with_users() {
    let t = TestDb::new().await.unwrap();
    let loaded = metoda_store::demo::load(&t.db, false).await.unwrap();
    assert_eq!(loaded.organizations, 10);
    assert_eq!(loaded.teachers, 60);
    assert_eq!(loaded.associations.len(), 4, "three in Томский район, one МУМО with subgroups in Асиновский район");
    assert_eq!(loaded.users.len(), Role::ALL.len());
    // A year of work: every association has last year's and this year's approved plans; every
    // meeting held has signed minutes and marked its plan item done; the next one is planned.
    let mut c = t.db.conn().await.unwrap();
    let q = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql);
    assert_eq!(q("SELECT COUNT(*) FROM work_plans WHERE status = 'approved'").fetch_one(&mut *c).await.unwrap(), 8);
    assert_eq!(q("SELECT COUNT(*) FROM cyclogram_items").fetch_one(&mut *c).await.unwrap(), 4 * 9);
    let held = q("SELECT COUNT(*) FROM meetings WHERE status = 'held'").fetch_one(&mut *c).await.unwrap();
    assert!(held >= 4 * 5, "five meetings of last year per association: {held}");
    let signed = q("SELECT COUNT(*) FROM minutes WHERE status = 'signed'").fetch_one(&mut *c).await.unwrap();
    assert_eq!(signed, held);
    let done =
        q("SELECT COUNT(*) FROM plan_items i JOIN meetings m ON m.id = i.fulfilled_meeting_id WHERE i.status = 'done'")
            .fetch_one(&mut *c)
            .await
            .unwrap();
    assert_eq!(done, held, "each held meeting carried out its plan item");
    // at most the next one of each (none in the summer, after the May meeting)
    let planned = q("SELECT COUNT(*) FROM meetings WHERE status = 'planned'").fetch_one(&mut *c).await.unwrap();
    assert!(planned <= 4, "{planned}");
    drop(c);
    let e = metoda_store::demo::load(&t.db, false).await.err().unwrap();
    assert!(matches!(e, StoreError::Conflict(ref m) if m.contains("пользователи")), "{e:?}");
    let e = metoda_store::demo::load(&t.db, true).await.err().unwrap();
    assert!(matches!(e, StoreError::Conflict(ref m) if m.contains("уже загружены")), "{e:?}");
    t.drop_db().await;
}

/// Needs both backends, so it runs in the PostgreSQL pass (METODA_TEST_DATABASE set) and says so
/// in the SQLite-only pass.
#[tokio::test]
async fn sqlite_to_postgres_and_back_gives_the_same_data() {
    let Some(pg) = metoda_store::testkit::postgres_url() else {
        eprintln!("skipped: needs METODA_TEST_DATABASE (runs in the PostgreSQL pass of .ci/run)");
        return;
    };
    let lite = TestDb::sqlite().await.unwrap();
    metoda_store::demo::load(&lite.db, false).await.unwrap();
    let a = archive::export(&lite.db).await.unwrap();
    assert_eq!(a["source_backend"], "sqlite");
    let postgres = TestDb::postgres(&pg).await.unwrap();
    archive::import(&postgres.db, &a).await.unwrap();
    let b = archive::export(&postgres.db).await.unwrap();
    assert_eq!(b["source_backend"], "postgres");
    assert_eq!(a["tables"], b["tables"], "SQLite → PostgreSQL");
    let back = TestDb::sqlite().await.unwrap();
    archive::import(&back.db, &b).await.unwrap();
    let c = archive::export(&back.db).await.unwrap();
    assert_eq!(a["tables"], c["tables"], "PostgreSQL → SQLite");
    // The imported data works: a sign-in hash checks out on PostgreSQL.
    let mut conn = postgres.db.conn().await.unwrap();
    let (_, hash) = users::by_login(&mut conn, "uo.head").await.unwrap().unwrap();
    assert!(users::verify_password(&hash, metoda_store::demo::DEMO_PASSWORD));
    drop(conn);
    lite.drop_db().await;
    postgres.drop_db().await;
    back.drop_db().await;
}

#[tokio::test]
async fn a_broken_archive_is_refused_whole() {
    let src = TestDb::new().await.unwrap();
    metoda_store::demo::load(&src.db, false).await.unwrap();
    let good = archive::export(&src.db).await.unwrap();
    let dst = TestDb::new().await.unwrap();
    // A row of the wrong shape in the last table: nothing before it may stay behind.
    let mut bad = good.clone();
    let tables = bad["tables"].as_array_mut().unwrap();
    let last = tables.last_mut().unwrap();
    last["rows"].as_array_mut().unwrap().push(serde_json::json!([1, 2]));
    assert!(archive::import(&dst.db, &bad).await.is_err());
    let mut c = dst.db.conn().await.unwrap();
    assert!(regions::list(&mut c, None).await.unwrap().is_empty(), "all or nothing");
    drop(c);
    let mut other = good.clone();
    other["format"] = serde_json::json!("something-else");
    assert!(archive::import(&dst.db, &other).await.is_err());
    let mut missing = good.clone();
    missing["tables"].as_array_mut().unwrap().remove(0);
    assert!(archive::import(&dst.db, &missing).await.is_err(), "a missing table is an error");
    archive::import(&dst.db, &good).await.unwrap();
    src.drop_db().await;
    dst.drop_db().await;
}

/// Every demo account linked to a teacher record bears the record's name (the minutes, the topic's
/// agreement and the user's page show both).
#[tokio::test]
async fn a_demo_account_is_named_as_its_teacher_record() {
    let t = TestDb::new().await.unwrap();
    metoda_store::demo::load(&t.db, false).await.unwrap();
    let mut c = t.db.conn().await.unwrap();
    let pairs: Vec<(String, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT u.login, u.full_name, t.last_name, t.first_name, t.middle_name FROM users u
         JOIN teachers t ON t.user_id = u.id ORDER BY u.login",
    )
    .fetch_all(&mut *c)
    .await
    .unwrap();
    assert!(pairs.len() >= 6, "{pairs:?}");
    for (login, account, last, first, middle) in pairs {
        let record = [last, first, middle.unwrap_or_default()].join(" ");
        assert_eq!(account, record.trim(), "{login}");
    }
    drop(c);
    t.drop_db().await;
}
