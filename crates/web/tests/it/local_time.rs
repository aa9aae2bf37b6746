//! Local time (issue 10): the demo's Томский район is UTC+7, so its "today", its deadlines and
//! every time shown are Tomsk's, not UTC's (SQLite or PostgreSQL).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::Row;
use time::macros::datetime;

/// Minutes signed at 05:16 UTC read «подписано … 12:16» on the page and in the DOCX.
#[tokio::test]
async fn minutes_show_the_signing_time_local_to_the_municipality() {
    let app = TestApp::start().await;
    let mut c = app.t.db.conn().await.unwrap();
    let row = sqlx::query(
        "SELECT s.id, n.meeting_id FROM minutes_signatures s JOIN minutes n ON n.id = s.minutes_id
         WHERE n.association_id = $1 ORDER BY s.id LIMIT 1",
    )
    .bind(app.assoc_a)
    .fetch_one(&mut *c)
    .await
    .unwrap();
    let (sid, meeting): (i64, i64) = (row.get(0), row.get(1));
    sqlx::query("UPDATE minutes_signatures SET at = $1 WHERE id = $2")
        .bind("2026-05-20T05:16:00.000000Z")
        .bind(sid)
        .execute(&mut *c)
        .await
        .unwrap();
    drop(c);

    let head = app.login("mmo.head").await;
    let page = head.get(&format!("/meetings/{meeting}")).await.text().await.unwrap();
    assert!(page.contains("подписано 20.05.2026 12:16"), "{page}");
    assert!(!page.contains("05:16"), "{page}");

    let r = head.get(&format!("/meetings/{meeting}/docx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    let text: String = xml.split('<').filter_map(|p| p.split_once('>').map(|(_, t)| t)).collect();
    assert!(text.contains("подписано 20.05.2026 12:16"), "{text}");
    assert!(!text.contains("05:16"), "{text}");

    // The audit trail page shows local time too; its API stays UTC.
    let admin = app.login("admin").await;
    let audit = admin.get(&format!("/audit?municipality_id={}", app.muni_a)).await.text().await.unwrap();
    assert!(audit.contains("местное время"), "{audit}");
}

/// Seed 002: the analysis is due by 30 May. At 16:59 UTC on 30 May it is 23:59 in Tomsk: in
/// time; at 20:00 UTC it is already 31 May there: late, though UTC still says 30 May.
#[tokio::test]
async fn an_analysis_submitted_after_local_midnight_is_late() {
    let app = TestApp::start().await;
    let a = app.assoc_a;
    let year = 2025; // 2025/26, due 2026-05-30
    let head = app.login("mmo.head").await;
    let submit = format!("/api/v1/associations/{a}/analysis/{year}/submit");

    app.clock.set(datetime!(2026-05-30 16:59 UTC));
    let r: Value = head.post_json(&submit, json!({})).await.json().await.unwrap();
    assert_eq!((r["version"].as_i64(), r["late"].as_i64()), (Some(1), Some(0)), "{r}");

    let spec = app.login("uo.specialist").await;
    let decision = format!("/api/v1/associations/{a}/analysis/{year}/decision");
    let r: Value =
        spec.post_json(&decision, json!({"accept": false, "comment": "Дополните"})).await.json().await.unwrap();
    assert_eq!(r["status"], "returned", "{r}");

    app.clock.set(datetime!(2026-05-30 20:00 UTC));
    let r: Value = head.post_json(&submit, json!({})).await.json().await.unwrap();
    assert_eq!((r["version"].as_i64(), r["late"].as_i64()), (Some(2), Some(1)), "{r}");
    let page = spec.get(&format!("/analysis?municipality_id={}&year={year}", app.muni_a)).await.text().await.unwrap();
    assert!(page.contains("позже срока"), "{page}");
}

/// The operator sets the zone on the municipality's API; an offset that is no Russian zone is
/// refused in Russian.
#[tokio::test]
async fn the_time_zone_is_set_on_the_municipality() {
    let app = TestApp::start().await;
    let op = app.login("operator").await;
    let path = format!("/api/v1/municipalities/{}", app.muni_b);
    let m: Value = op.get(&path).await.json().await.unwrap();
    assert_eq!(m["utc_offset_minutes"], 180, "Moscow time by default");
    let r = op.put_json(&path, json!({"name": m["name"], "utc_offset_minutes": 0})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let b: Value = r.json().await.unwrap();
    assert!(b.to_string().contains("Часовой пояс"), "{b}");
    let m: Value =
        op.put_json(&path, json!({"name": m["name"], "utc_offset_minutes": 420})).await.json().await.unwrap();
    assert_eq!(m["utc_offset_minutes"], 420, "{m}");
    let a: Value = op.get(&format!("/api/v1/municipalities/{}", app.muni_a)).await.json().await.unwrap();
    assert_eq!(a["utc_offset_minutes"], 420, "the demo's Томский район is UTC+7");
}

/// At 18:00 UTC on 2 December it is already 3 December in Tomsk: a teacher born on 3 December
/// has had the birthday there (card, API and bank), and the year of a new topic is Tomsk's.
#[tokio::test]
async fn a_teacher_s_age_turns_at_local_midnight() {
    let app = TestApp::start().await;
    let t = app.a_teacher;
    let mut c = app.t.db.conn().await.unwrap();
    sqlx::query("UPDATE teachers SET birth_date = '1990-12-03' WHERE id = $1").bind(t).execute(&mut *c).await.unwrap();
    drop(c);
    let head = app.login("uo.head").await;

    app.clock.set(datetime!(2026-12-02 18:00 UTC));
    let v: Value = head.get(&format!("/api/v1/teachers/{t}")).await.json().await.unwrap();
    assert_eq!(v["personal"]["age"], 36, "{v}");
    let bank: Value = head.get("/api/v1/teachers?per_page=200").await.json().await.unwrap();
    let row = bank["teachers"].as_array().unwrap().iter().find(|r| r["id"] == t).cloned().unwrap();
    assert_eq!(row["personal"]["age"], 36, "{row}");

    app.clock.set(datetime!(2026-12-02 16:59 UTC));
    let v: Value = head.get(&format!("/api/v1/teachers/{t}")).await.json().await.unwrap();
    assert_eq!(v["personal"]["age"], 35, "23:59 in Tomsk: the day before the birthday; {v}");

    // 31 August 20:00 UTC is 1 September in Tomsk: the new academic year's topic.
    app.clock.set(datetime!(2026-08-31 20:00 UTC));
    let r = head.put_json(&format!("/api/v1/teachers/{t}/topic"), json!({"topic": "Смысловое чтение"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let y: Value = r.json().await.unwrap();
    assert_eq!(y["year"], 2026, "{y}");
}

/// The audit trail's dates are the municipality's days: an entry stamped 20:00 UTC on 30 May
/// belongs to 31 May in Tomsk.
#[tokio::test]
async fn the_audit_filter_counts_local_days() {
    let app = TestApp::start().await;
    let mut c = app.t.db.conn().await.unwrap();
    let region: i64 = sqlx::query_scalar("SELECT region_id FROM municipalities WHERE id = $1")
        .bind(app.muni_a)
        .fetch_one(&mut *c)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO audit_log (at, actor, region_id, municipality_id, entity, entity_id, action, summary, changes, search_text)
         VALUES ('2026-05-30T20:00:00.000000Z', 'cli:test', $1, $2, 'organization', 1, 'update', 'Метка местного дня', '{}', 'метка местного дня')",
    )
    .bind(region)
    .bind(app.muni_a)
    .execute(&mut *c)
    .await
    .unwrap();
    drop(c);
    let head = app.login("uo.head").await;
    let count = |from: &str, to: &str| {
        let path = format!("/api/v1/audit?municipality_id={}&q=метка местного дня&from={from}&to={to}", app.muni_a);
        let head = &head;
        async move {
            let v: Value = head.get(&path).await.json().await.unwrap();
            v["total"].as_i64().unwrap_or_else(|| panic!("{v}"))
        }
    };
    assert_eq!(count("2026-05-31", "2026-05-31").await, 1);
    assert_eq!(count("2026-05-30", "2026-05-30").await, 0, "30 May in UTC, but 31 May in Tomsk");
    assert_eq!(count("", "2026-05-30").await, 0);
    assert_eq!(count("2026-05-31", "").await, 1);
}
