//! The yearly analysis through the real server (SQLite or PostgreSQL): computed from the demo's
//! year of work, written by the head, submitted (late), returned with a comment, resubmitted,
//! accepted; frozen once submitted; guarded by role and municipality.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use metoda_domain::ids::*;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn row<'a>(b: &'a Value, code: &str) -> &'a Value {
    b["composed"]["analysis"]["indicators"].as_array().unwrap().iter().find(|i| i["code"] == code).unwrap()
}

#[tokio::test]
async fn the_analysis_is_computed_written_submitted_returned_resubmitted_and_accepted() {
    let app = TestApp::start().await;
    let a = app.assoc_a;
    // The demo's last year: five meetings held, with their participants and topics.
    let year = time::OffsetDateTime::now_utc().date();
    let last = metoda_domain::teachers::AcademicYear::containing(year).0 - 1;
    let path = format!("/api/v1/associations/{a}/analysis?year={last}");
    let head = app.login("mmo.head").await;
    let b: Value = head.get(&path).await.json().await.unwrap();
    assert_eq!((b["live"].as_bool(), b["report"].is_null()), (Some(true), true), "{b}");
    assert_eq!(row(&b, "2")["value"], 5);
    assert!(row(&b, "2.1")["value"].as_u64().unwrap() > 0);
    assert!(row(&b, "1")["value"].as_u64().unwrap() >= 5);
    let topics = &b["composed"]["sections"][1];
    assert_eq!(topics["number"], 2);
    assert!(
        topics["lines"][0].as_str().unwrap().contains("Анализ работы объединения за прошлый учебный год"),
        "{topics}"
    );
    assert_eq!(b["due_on"], format!("{}-05-30", last + 1), "seed 002: by 30 May");
    // Every number opens the list behind it: row 2.1 names its meeting.
    assert!(
        b["composed"]["explained"][b["composed"]["analysis"]["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .position(|i| i["code"] == "2.1")
            .unwrap()][0]
            .as_str()
            .unwrap()
            .starts_with("заседание")
    );

    // Only the head (or deputy) writes and submits; a member and the secretary read.
    let text_path = format!("/api/v1/associations/{a}/analysis/{last}/sections/24");
    for login in ["teacher", "mmo.secretary", "uo.specialist"] {
        let s = app.login(login).await;
        assert_eq!(s.get(&path).await.status(), StatusCode::OK, "{login} reads");
        assert_eq!(s.put_json(&text_path, json!({"text": "x"})).await.status(), StatusCode::FORBIDDEN, "{login}");
    }
    let b: Value = head.put_json(&text_path, json!({"text": "Провести выездной семинар"})).await.json().await.unwrap();
    assert_eq!(b["composed"]["sections"][23]["text"], "Провести выездной семинар");
    let r = head.put_json(&format!("/api/v1/associations/{a}/analysis/{last}/sections/25"), json!({"text": "x"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Submitted after 30 May: late; frozen.
    let r: Value = head
        .post_json(&format!("/api/v1/associations/{a}/analysis/{last}/submit"), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (r["status"].as_str(), r["version"].as_i64(), r["late"].as_i64()),
        (Some("submitted"), Some(1), Some(1)),
        "{r}"
    );
    let b: Value = head.get(&path).await.json().await.unwrap();
    assert_eq!(b["live"], false);
    assert_eq!(b["composed"]["sections"][23]["text"], "Провести выездной семинар");
    assert_eq!(head.put_json(&text_path, json!({"text": "другое"})).await.status(), StatusCode::CONFLICT);

    // The head does not decide; the authority returns only with a comment, then accepts.
    let decision = format!("/api/v1/associations/{a}/analysis/{last}/decision");
    assert_eq!(head.post_json(&decision, json!({"accept": true})).await.status(), StatusCode::FORBIDDEN);
    let spec = app.login("uo.specialist").await;
    let page = spec.get(&format!("/associations/{a}/analysis?year={last}")).await.text().await.unwrap();
    assert!(page.contains("Принять анализ") && page.contains("Приложение к анализу"), "{page}");
    let r = spec.post_json(&decision, json!({"accept": false, "comment": ""})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r: Value = spec
        .post_json(&decision, json!({"accept": false, "comment": "Дополните раздел 6"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r["status"], "returned");
    let b: Value = head
        .put_json(&format!("/api/v1/associations/{a}/analysis/{last}/sections/6"), json!({"text": "ГИА сдана"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(b["live"], true, "a returned report shows the data again");
    let r: Value = head
        .post_json(&format!("/api/v1/associations/{a}/analysis/{last}/submit"), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r["version"], 2);
    let r: Value = spec.post_json(&decision, json!({"accept": true})).await.json().await.unwrap();
    assert_eq!(r["status"], "accepted");
    assert_eq!(spec.post_json(&decision, json!({"accept": true})).await.status(), StatusCode::CONFLICT);

    // The files: the DOCX with its sections and the table, the XLSX cell by cell.
    let r = spec.get(&format!("/associations/{a}/analysis/{last}/docx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().contains("wordprocessingml"));
    let bytes = r.bytes().await.unwrap().to_vec();
    if let Ok(dir) = std::env::var("METODA_ARTIFACTS") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(format!("{dir}/analysis-web.docx"), &bytes).unwrap();
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    let text: String = xml.split('<').filter_map(|p| p.split_once('>').map(|(_, t)| t)).collect();
    for needle in
        ["Анализ деятельности", "Провести выездной семинар", "ГИА сдана", "Приложение к анализу", "принят, версия 2"]
    {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    let r = spec.get(&format!("/api/v1/associations/{a}/analysis/{last}/xlsx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap().to_vec();
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("Показатели").unwrap();
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    let meetings = rows.iter().find(|r| r.first().map(String::as_str) == Some("2")).unwrap();
    assert_eq!(meetings[2], "5", "{meetings:?}");

    // The authority's overview: every association of the municipality, side by side with totals.
    let o: Value = spec.get(&format!("/api/v1/analysis?year={last}")).await.json().await.unwrap();
    let lines = o["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 3, "{o}");
    assert!(lines.iter().any(|l| l["association_id"] == a && l["report"]["status"] == "accepted"));
    assert!(
        lines.iter().filter(|l| l["association_id"] != a).all(|l| l["report"].is_null()),
        "the others have not begun"
    );
    let idx = o["rows"].as_array().unwrap().iter().position(|r| r["code"] == "2").unwrap();
    assert_eq!(o["totals"][idx], 15, "five meetings in each of the three associations");
    let r = spec.get(&format!("/analysis/summary.xlsx?year={last}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
    let sheet = book.worksheet_range("Свод").unwrap();
    let meetings: Vec<String> = sheet
        .rows()
        .find(|r| r.first().map(|c| c.to_string()) == Some("2".into()))
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(meetings.last().map(String::as_str), Some("15"), "{meetings:?}");
    // The attendance (members present on average, in per cent of row 1) is the frozen analysis's.
    let frozen: Value = spec.get(&path).await.json().await.unwrap();
    let indicators = frozen["composed"]["analysis"]["indicators"].as_array().unwrap();
    let present: Vec<u64> = indicators
        .iter()
        .filter(|i| i["code"].as_str().unwrap().starts_with("2."))
        .map(|i| i["value"].as_u64().unwrap())
        .collect();
    let expected = (present.iter().sum::<u64>() * 100 / (row(&frozen, "1")["value"].as_u64().unwrap() * 5)).min(100);
    let mine = lines.iter().find(|l| l["association_id"] == a).unwrap();
    assert_eq!(mine["attendance"], expected, "{mine}");
    assert!(lines.iter().all(|l| l["attendance"].as_u64().is_some_and(|p| p > 0 && p <= 100)), "{o}");
    let page = spec.get(&format!("/analysis?year={last}")).await.text().await.unwrap();
    assert!(page.contains("не представлен") && page.contains("Итого"), "{page}");
    for chart in [
        "Квалификационные категории педагогов",
        "Посещаемость заседаний",
        "Победители и призёры из числа обучающихся по уровням",
    ] {
        assert!(page.contains(chart), "{chart}");
    }
    assert!(page.contains(&format!(">{expected}</text>")), "the association's attendance is drawn");

    // The region operator's roll-up: the municipalities with a regulation profile side by side.
    let op = app.login("operator").await;
    let rr: Value = op.get(&format!("/api/v1/analysis/region?year={last}")).await.json().await.unwrap();
    let names: Vec<&str> =
        rr["municipalities"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 2, "Город Б has no profile: {names:?}");
    let idx = rr["rows"].as_array().unwrap().iter().position(|r| r["code"] == "2").unwrap();
    assert_eq!(rr["totals"][idx], 20, "15 in Томский район and the МУМО's 5: {rr}");
    assert!(rr["attendance"].as_array().unwrap().iter().all(|p| p.as_u64().is_some_and(|p| p > 0 && p <= 100)), "{rr}");
    let page = op.get(&format!("/analysis/region?year={last}")).await.text().await.unwrap();
    assert!(page.contains("Посещаемость заседаний") && page.contains("Томский район"), "{page}");
    assert_eq!(op.get(&format!("/analysis/region.xlsx?year={last}")).await.status(), StatusCode::OK);
    assert_eq!(
        spec.get(&format!("/api/v1/analysis/region?region_id={}", app.region)).await.status(),
        StatusCode::FORBIDDEN
    );

    // Another municipality sees nothing of it.
    let b_user = app.login("b.specialist").await;
    assert_eq!(b_user.get(&path).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(b_user.post_json(&decision, json!({"accept": true})).await.status(), StatusCode::FORBIDDEN);
    let r = b_user.get(&format!("/api/v1/analysis?municipality_id={}&year={last}", app.muni_a)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

/// Seed 004 reports twice: for the academic year to the authority by 1 July (as of 1 July) and for
/// the calendar year to РУМО by 1 March (as of 1 January). The calendar year is its own report,
/// counted over January–December; a profile without it (002) refuses it.
#[tokio::test]
async fn seed_004_reports_for_the_calendar_year_as_of_1_january_apart_from_the_academic_year() {
    let app = TestApp::start().await;
    let admin = app.login("admin").await;
    let list: Value = admin.get("/api/v1/associations").await.json().await.unwrap();
    let mumo = list["associations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "МУМО учителей начальных классов")
        .unwrap();
    let (id, municipality) = (mumo["id"].as_i64().unwrap(), mumo["municipality_id"].as_i64().unwrap());
    let cal = time::OffsetDateTime::now_utc().date().year() - 1;
    let head = app.login("mumo.head").await;

    let path = format!("/api/v1/associations/{id}/analysis?year={cal}&period=calendar_year");
    let b: Value = head.get(&path).await.json().await.unwrap();
    assert_eq!((b["period"].as_str(), b["year"].as_i64()), (Some("calendar_year"), Some(i64::from(cal))), "{b}");
    assert_eq!(b["period_label"], format!("{cal} календарный год"));
    assert_eq!(b["due_on"], format!("{}-03-01", cal + 1), "004 §2.3: to РУМО by 1 March");
    // Row 2: the meetings held from 1 January to 31 December.
    let meetings: Value = head.get(&format!("/api/v1/associations/{id}/meetings")).await.json().await.unwrap();
    let held = meetings["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["status"] == "held" && m["held_on"].as_str().unwrap().starts_with(&cal.to_string()))
        .count();
    assert!(held > 0, "the demo's МУМО met in {cal}: {meetings}");
    assert_eq!(row(&b, "2")["value"], held as u64);
    // The academic year's analysis is as of 1 July (004 §6), a different count.
    let academic: Value =
        head.get(&format!("/api/v1/associations/{id}/analysis?year={cal}")).await.json().await.unwrap();
    assert_eq!(
        (academic["period"].as_str(), academic["due_on"].as_str()),
        (Some("academic_year"), Some(format!("{}-07-01", cal + 1).as_str()))
    );
    let page =
        head.get(&format!("/associations/{id}/analysis?year={cal}&period=calendar_year")).await.text().await.unwrap();
    assert!(page.contains(&format!("Анализ деятельности за {cal} календарный год")), "{page}");
    assert!(page.contains(&format!("01.01.{}", cal + 1)), "as of 1 January");
    assert!(page.contains("за календарный год — в РУМО до 1 марта"), "the periods of the profile");

    // Submitted on its own: the academic year's report is not begun.
    let r = head
        .post_json(&format!("/api/v1/associations/{id}/analysis/{cal}/submit?period=calendar_year"), json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let report: Value = r.json().await.unwrap();
    assert_eq!(
        (report["period"].as_str(), report["version"].as_i64(), report["late"].as_i64()),
        (Some("calendar_year"), Some(1), Some(1))
    );
    let academic: Value =
        head.get(&format!("/api/v1/associations/{id}/analysis?year={cal}")).await.json().await.unwrap();
    assert!(academic["report"].is_null(), "{academic}");
    let r = head.get(&format!("/api/v1/associations/{id}/analysis/{cal}/docx?period=calendar_year")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"].to_str().unwrap().contains(&format!("analysis-{id}-{cal}-calendar.docx"))
    );

    // The authority and the region see the calendar year's reports by period.
    let o: Value = admin
        .get(&format!("/api/v1/analysis?municipality_id={municipality}&year={cal}&period=calendar_year"))
        .await
        .json()
        .await
        .unwrap();
    let mine = o["lines"].as_array().unwrap().iter().find(|l| l["association_id"] == id).unwrap();
    assert_eq!(mine["report"]["status"], "submitted", "{o}");
    let o: Value =
        admin.get(&format!("/api/v1/analysis?municipality_id={municipality}&year={cal}")).await.json().await.unwrap();
    let mine = o["lines"].as_array().unwrap().iter().find(|l| l["association_id"] == id).unwrap();
    assert!(mine["report"].is_null(), "the academic year's: {o}");
    let op = app.login("operator").await;
    let rr: Value =
        op.get(&format!("/api/v1/analysis/region?year={cal}&period=calendar_year")).await.json().await.unwrap();
    assert_eq!(rr["period_label"], format!("{cal} календарный год"));
    let names: Vec<&str> =
        rr["municipalities"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Асиновский район"], "only 004 reports for the calendar year to РУМО");
    let page = op.get(&format!("/analysis/region?year={cal}")).await.text().await.unwrap();
    assert!(page.contains("За календарный год"), "the region has both periods");
    // The calendar year's report goes to РУМО: the region operator decides on it, not on the
    // academic year's (the authority's).
    let r = op
        .post_json(
            &format!("/api/v1/associations/{id}/analysis/{cal}/decision?period=calendar_year"),
            json!({"accept": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "accepted");
    let r = op.post_json(&format!("/api/v1/associations/{id}/analysis/{cal}/decision"), json!({"accept": true})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Seed 002 has no calendar-year report; a period that is neither is refused.
    let r = admin.get(&format!("/api/v1/associations/{}/analysis?period=calendar_year", app.assoc_a)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert!(e.to_string().contains("не предусматривает анализ за календарный год"), "{e}");
    let r = admin.get(&format!("/api/v1/associations/{id}/analysis?period=weekly")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = admin.get(&format!("/api/v1/analysis?municipality_id={}&period=calendar_year", app.muni_a)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "the overview of a 002 municipality has no calendar year");
    let page = admin.get(&format!("/analysis?municipality_id={}", app.muni_a)).await.text().await.unwrap();
    assert!(!page.contains("За календарный год"), "no tab for a period the profile does not report for");
    let page = admin.get(&format!("/analysis?municipality_id={municipality}")).await.text().await.unwrap();
    assert!(page.contains("За календарный год"), "004 reports for both");
    app.stop().await;
}

/// A snapshot of format 1 as written before snapshots named their format (and as written now):
/// the demo's analysis of its last year, with the figures changed so that they differ from the
/// live data (13 members → 41, five meetings → 9) and a text of its own in section 24.
const SNAPSHOT_V1: &str = include_str!("../fixtures/analysis_snapshot_v1.json");

/// Submits A's analysis of `year` with `snapshot` as its frozen version; returns the report id.
async fn submitted(app: &TestApp, year: i32, snapshot: &str) -> i64 {
    use metoda_store::reports::{self, Snapshot};
    let mut tx = app.t.db.begin().await.unwrap();
    let a = metoda_store::associations::get(&mut tx, AssociationId(app.assoc_a)).await.unwrap();
    let settings = metoda_domain::profile::preset("seed-002").unwrap().settings;
    let actor = metoda_store::Actor::cli("test");
    let period = metoda_domain::analysis::Period::academic(year);
    let r = reports::open(&mut tx, &actor, &a, &settings, period).await.unwrap();
    let content = serde_json::from_str(SNAPSHOT_V1).unwrap();
    let today = time::OffsetDateTime::now_utc().date();
    let r = reports::submit(&mut tx, &actor, &a, &r, &Snapshot { format: 1, content }, today).await.unwrap();
    // Whatever the test stores, as it would be in the database.
    sqlx::query("UPDATE analysis_versions SET snapshot = $1 WHERE report_id = $2")
        .bind(snapshot)
        .bind(r.id)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    r.id
}

#[tokio::test]
async fn a_format_1_snapshot_still_reads_as_submitted_never_as_live_data() {
    let app = TestApp::start().await;
    let a = app.assoc_a;
    let last = metoda_domain::teachers::AcademicYear::containing(time::OffsetDateTime::now_utc().date()).0 - 1;
    let enveloped = json!({"format": 1, "content": serde_json::from_str::<Value>(SNAPSHOT_V1).unwrap()}).to_string();
    let spec = app.login("uo.specialist").await;
    let api = format!("/api/v1/associations/{a}/analysis?year={last}");
    // The live figures of the year, to tell them from the frozen ones.
    let live: Value = spec.get(&api).await.json().await.unwrap();
    assert_eq!((row(&live, "1")["value"].as_u64(), row(&live, "2")["value"].as_u64()), (Some(13), Some(5)), "{live}");
    let report = submitted(&app, last, SNAPSHOT_V1).await;
    // The bare snapshot of before (the database's and the demo's), then the envelope of now.
    for stored in [SNAPSHOT_V1.to_owned(), enveloped] {
        sqlx::query("UPDATE analysis_versions SET snapshot = $1 WHERE report_id = $2")
            .bind(&stored)
            .bind(report)
            .execute(app.t.db.pool())
            .await
            .unwrap();
        let b: Value = spec.get(&api).await.json().await.unwrap();
        assert_eq!(b["live"], false);
        assert_eq!((row(&b, "1")["value"].as_u64(), row(&b, "2")["value"].as_u64()), (Some(41), Some(9)));
        assert_eq!(b["composed"], serde_json::from_str::<Value>(SNAPSHOT_V1).unwrap(), "exactly as submitted");
        let page = spec.get(&format!("/associations/{a}/analysis?year={last}")).await.text().await.unwrap();
        assert!(page.contains("Педагогов в объединении на 30.05.2026: 41"), "{page}");
        assert!(page.contains("текст зафиксированной версии формата 1"), "{page}");
        assert!(!page.contains("Педагогов в объединении на 30.05.2026: 13"), "no live figure");
        // The authority's summary sums the frozen figures too.
        let o: Value = spec.get(&format!("/api/v1/analysis?year={last}")).await.json().await.unwrap();
        let line = o["lines"].as_array().unwrap().iter().find(|l| l["association_id"] == a).unwrap();
        let one = line["values"].as_array().unwrap().iter().find(|v| v["code"] == "1").unwrap();
        assert_eq!(one["value"], 41, "{line}");
        // And so do the downloads.
        let docx = spec.get(&format!("/associations/{a}/analysis/{last}/docx")).await;
        assert_eq!(docx.status(), StatusCode::OK);
    }
    app.stop().await;
}

#[tokio::test]
async fn an_unreadable_snapshot_is_an_error_the_reader_sees_not_live_figures() {
    let app = TestApp::start().await;
    let a = app.assoc_a;
    let last = metoda_domain::teachers::AcademicYear::containing(time::OffsetDateTime::now_utc().date()).0 - 1;
    let report = submitted(&app, last, SNAPSHOT_V1).await;
    let spec = app.login("uo.specialist").await;
    let broken = [
        // cut short
        SNAPSHOT_V1[..SNAPSHOT_V1.len() / 2].to_owned(),
        // a format this version does not know
        json!({"format": 2, "content": serde_json::from_str::<Value>(SNAPSHOT_V1).unwrap()}).to_string(),
        // format 1 whose content is not the analysis
        json!({"format": 1, "content": {"analysis": "сломано"}}).to_string(),
        // a bare object that is not the analysis of format 1
        json!({"indicators": [{"code": "1", "value": 41}]}).to_string(),
    ];
    for stored in broken {
        sqlx::query("UPDATE analysis_versions SET snapshot = $1 WHERE report_id = $2")
            .bind(&stored)
            .bind(report)
            .execute(app.t.db.pool())
            .await
            .unwrap();
        let r = spec.get(&format!("/api/v1/associations/{a}/analysis?year={last}")).await;
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR, "{stored:.80}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"]["code"], "unreadable", "{e}");
        let message = e["error"]["message"].as_str().unwrap();
        assert!(message.contains("Представленная версия 1 анализа объединения «ММО учителей математики»"), "{message}");
        assert!(message.contains("не читается"), "{message}");
        let page = spec.get(&format!("/associations/{a}/analysis?year={last}")).await;
        assert_eq!(page.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let html = page.text().await.unwrap();
        assert!(html.contains("не читается") && html.contains("Текущие данные вместо неё не показываются"), "{html}");
        assert!(!html.contains("Педагогов в объединении на"), "no figures at all: {html}");
        // The summary does not sum today's figures in its place either.
        let o = spec.get(&format!("/api/v1/analysis?year={last}")).await;
        assert_eq!(o.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let docx = spec.get(&format!("/associations/{a}/analysis/{last}/docx")).await;
        assert_eq!(docx.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
    app.stop().await;
}
