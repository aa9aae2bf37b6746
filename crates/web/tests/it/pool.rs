//! No request waits on itself: every page is served to more concurrent clients than the pool has
//! connections (three times as many), on SQLite and on PostgreSQL, and every answer is 200.
//!
//! A handler that holds one pooled connection and acquires a second (the bank keeping its
//! connection while reading the municipalities, the card keeping its connection while reading the
//! profile's difficulty kinds) deadlocks the pool as soon as the concurrent requests reach its size:
//! every slot is held by a request waiting for another, until the acquire timeout turns each into
//! a 500. See docs/decisions/0008-one-connection-per-request.md.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{Session, TestApp};
use futures_util::future::join_all;
use reqwest::StatusCode;

/// Ids of the demo's objects the pages are about.
struct Ids {
    plan: i64,
    item: i64,
    meeting: i64,
    profile: i64,
    result: i64,
}

async fn ids(app: &TestApp) -> Ids {
    let mut c = app.t.db.conn().await.unwrap();
    let one = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql);
    let plan = one("SELECT MIN(id) FROM work_plans WHERE association_id = $1")
        .bind(app.assoc_a)
        .fetch_one(&mut *c)
        .await
        .unwrap();
    let item = one("SELECT MIN(id) FROM plan_items WHERE plan_id = $1").bind(plan).fetch_one(&mut *c).await.unwrap();
    let meeting = one("SELECT MIN(id) FROM meetings WHERE association_id = $1")
        .bind(app.assoc_a)
        .fetch_one(&mut *c)
        .await
        .unwrap();
    let profile =
        one("SELECT profile_id FROM municipalities WHERE id = $1").bind(app.muni_a).fetch_one(&mut *c).await.unwrap();
    let result = one("SELECT MIN(r.result_id) FROM result_teachers r
          JOIN association_members m ON m.teacher_id = r.teacher_id WHERE m.association_id = $1")
    .bind(app.assoc_a)
    .fetch_one(&mut *c)
    .await
    .unwrap();
    Ids { plan, item, meeting, profile, result }
}

/// `clients` requests for `path` at once; the statuses that were not 200.
async fn storm(s: &Session, path: &str, clients: usize) -> Vec<StatusCode> {
    let all = join_all((0..clients).map(|_| async move {
        match s.c.get(s.url(path)).send().await {
            Ok(r) => {
                let status = r.status();
                // The whole body, as a browser reads it.
                let _ = r.bytes().await;
                status
            }
            Err(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }))
    .await;
    all.into_iter().filter(|s| *s != StatusCode::OK).collect()
}

#[tokio::test]
async fn every_page_serves_three_times_as_many_clients_as_the_pool_has_connections() {
    let app = TestApp::start().await;
    let clients = 3 * app.t.db.pool_size() as usize;
    let i = ids(&app).await;
    let (a, m, o, t) = (app.assoc_a, app.muni_a, app.org_a, app.a_teacher);
    let last = metoda_domain::teachers::AcademicYear::containing(time::OffsetDateTime::now_utc().date()).0 - 1;
    let admin_pages = vec![
        "/".to_owned(),
        "/teachers".into(),
        format!("/teachers?municipality_id={m}&sort=name"),
        format!("/teachers/{t}"),
        "/teachers/new".into(),
        "/teachers/import".into(),
        "/teachers/export.xlsx".into(),
        "/associations".into(),
        format!("/associations/{a}"),
        format!("/associations/{a}/meetings"),
        format!("/associations/{a}/cyclogram"),
        format!("/associations/{a}/results"),
        format!("/associations/{a}/results/{}/edit", i.result),
        format!("/associations/{a}/analysis"),
        format!("/associations/{a}/analysis?year={last}"),
        format!("/associations/{a}/analysis/{last}/docx"),
        format!("/associations/{a}/analysis/{last}/xlsx"),
        "/analysis/region".into(),
        format!("/analysis?municipality_id={m}"),
        format!("/analysis/summary.xlsx?municipality_id={m}"),
        format!("/plans/{}", i.plan),
        format!("/plans/{}/items/{}", i.plan, i.item),
        format!("/plans/{}/docx", i.plan),
        format!("/meetings/{}", i.meeting),
        format!("/meetings/{}/docx", i.meeting),
        "/results/pending".into(),
        "/orders".into(),
        format!("/orders/{}", app.a_order),
        format!("/orders/{}/docx", app.a_order),
        "/users".into(),
        format!("/users/{}", app.a_user),
        "/audit".into(),
        format!("/audit?municipality_id={m}&from=2020-01-01"),
        "/organizations".into(),
        format!("/organizations/{o}"),
        "/municipalities".into(),
        format!("/municipalities/{m}"),
        format!("/municipalities/{m}/exam-thresholds"),
        format!("/municipalities/{m}/non-objective"),
        "/profiles".into(),
        format!("/profiles/{}", i.profile),
        "/regions".into(),
        "/notifications".into(),
        "/api/v1/me".into(),
        "/api/v1/teachers".into(),
        format!("/api/v1/teachers/{t}"),
        "/api/v1/associations".into(),
        format!("/api/v1/associations/{a}/analysis"),
        format!("/api/v1/analysis?municipality_id={m}"),
        "/api/v1/users".into(),
        format!("/api/v1/users/{}", app.a_user),
        "/api/v1/audit".into(),
    ];
    // The people whose pages differ: the authority's overview, the head's and a teacher's home.
    let others = [
        ("uo.head", vec!["/".to_owned(), "/analysis".into(), "/teachers".into(), format!("/teachers/{t}")]),
        ("mmo.head", vec!["/".to_owned(), "/teachers".into(), format!("/associations/{a}")]),
        ("teacher", vec!["/".to_owned(), "/teachers".into(), format!("/associations/{a}/results")]),
    ];
    let mut failed = vec![];
    let admin = app.login("admin").await;
    for path in &admin_pages {
        let bad = storm(&admin, path, clients).await;
        if !bad.is_empty() {
            failed.push(format!("admin {path}: {bad:?}"));
        }
    }
    for (login, pages) in &others {
        let s = app.login(login).await;
        for path in pages {
            let bad = storm(&s, path, clients).await;
            if !bad.is_empty() {
                failed.push(format!("{login} {path}: {bad:?}"));
            }
        }
    }
    assert!(failed.is_empty(), "{clients} concurrent clients, answers other than 200:\n{}", failed.join("\n"));
    app.stop().await;
}
