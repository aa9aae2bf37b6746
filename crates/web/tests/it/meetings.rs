//! Meetings and minutes through the real server (SQLite or PostgreSQL): planned, attendance with
//! the quorum, decisions, minutes drafted, signed by the profile's signatory, locked, corrected by
//! an addendum, downloaded as DOCX; action items and notifications; compliance.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::io::Read;

use common::{TestApp, count};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn today() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

/// Plans a meeting of A's association today through the page; returns its id.
async fn plan_today(app: &TestApp, login: &str) -> i64 {
    let s = app.login(login).await;
    let before = count(app, "meetings").await;
    let (status, page) = submit(
        &s,
        &format!("/associations/{}/meetings", app.assoc_a),
        &[("held_on", &today()), ("starts_at", "15:00"), ("venue_organization_id", &app.org_a.to_string())],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Заседание запланировано"), "{page}");
    assert_eq!(count(app, "meetings").await, before + 1);
    let mut c = app.t.db.conn().await.unwrap();
    sqlx::query_scalar("SELECT MAX(id) FROM meetings").fetch_one(&mut *c).await.unwrap()
}

/// Marks every member of the meeting's roster present, through the API.
pub(crate) async fn all_present(s: &common::Session, id: i64) {
    let m: Value = s.get(&format!("/api/v1/meetings/{id}")).await.json().await.unwrap();
    let marks: Vec<Value> = m["roster"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| json!({"teacher_id": r["teacher_id"], "status": "present"}))
        .collect();
    let r = s.put_json(&format!("/api/v1/meetings/{id}/attendance"), json!(marks)).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
}

/// Posts a page form and follows the redirect: the final status and page.
pub(crate) async fn submit(s: &common::Session, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let r = s.form(path, fields).await;
    if r.status() == StatusCode::SEE_OTHER {
        let to = r.headers()["location"].to_str().unwrap().to_owned();
        let r = s.get(&to).await;
        return (r.status(), r.text().await.unwrap());
    }
    (r.status(), r.text().await.unwrap())
}

pub(crate) fn docx_text(bytes: Vec<u8>) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    xml.split("</w:p>")
        .map(|p| p.split('<').filter_map(|x| x.split_once('>').map(|(_, t)| t)).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn a_meeting_goes_from_attendance_to_signed_minutes_and_a_word_document() {
    let app = TestApp::start().await;
    let id = plan_today(&app, "mmo.secretary").await;
    // The members with an account are told.
    let t = app.login("teacher").await;
    let inbox: Value = t.get("/api/v1/notifications").await.json().await.unwrap();
    assert!(inbox["unread"].as_i64().unwrap() >= 1, "{inbox}");
    assert!(inbox["notifications"][0]["title"].as_str().unwrap().starts_with("Запланировано: Заседание"), "{inbox}");
    // A member sees the meeting but cannot enter the attendance.
    assert_eq!(t.get(&format!("/meetings/{id}")).await.status(), StatusCode::OK);
    let r = t.put_json(&format!("/api/v1/meetings/{id}/attendance"), json!([])).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let s = app.login("mmo.secretary").await;
    let m: Value = s.get(&format!("/api/v1/meetings/{id}")).await.json().await.unwrap();
    let roster = m["roster"].as_array().unwrap();
    let n = roster.len();
    assert!(n >= 5, "{m}");
    assert_eq!(m["quorum"]["state"], "not_required", "seed 002 sets no quorum");
    // Attendance through the page: all present but two, one of them excused.
    let mut fields: Vec<(String, String)> = roster
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let status = match i {
                0 => "absent",
                1 => "excused",
                _ => "present",
            };
            (format!("a_{}", r["teacher_id"]), status.to_owned())
        })
        .collect();
    // One member left unmarked: refused, nothing written.
    let last = fields.pop().unwrap();
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, page) = submit(&s, &format!("/meetings/{id}/attendance"), &refs).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Отметьте явку всех"));
    let marked = || async {
        let mut c = app.t.db.conn().await.unwrap();
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM meeting_attendance WHERE meeting_id = $1")
            .bind(id)
            .fetch_one(&mut *c)
            .await
            .unwrap();
        n
    };
    assert_eq!(marked().await, 0);
    fields.push(last);
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (_, page) = submit(&s, &format!("/meetings/{id}/attendance"), &refs).await;
    assert!(page.contains("Явка отмечена"));
    let m: Value = s.get(&format!("/api/v1/meetings/{id}")).await.json().await.unwrap();
    assert_eq!((m["present"].as_u64().unwrap() as usize, m["meeting"]["status"].as_str().unwrap()), (n - 2, "held"));

    // Decisions with votes; more votes than present are refused.
    let present = (n - 2).to_string();
    let too_many = (n - 1).to_string();
    let r = s
        .form(
            &format!("/meetings/{id}/agenda"),
            &[("topic", "О плане"), ("decision", "Принять"), ("votes_for", &too_many)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let item = [
        ("topic", "О плане работы на год"),
        ("speaker", "Орлова Е. П."),
        ("heard", "Руководитель представила проект плана"),
        ("spoke", "Кузнецов А. И. — предложил добавить семинар\nСмирнова Т. Ю. — поддержала"),
        ("decision", "Рекомендовать план к утверждению"),
        ("votes_for", &present),
        ("votes_against", "0"),
        ("votes_abstained", "0"),
    ];
    let (status, page) = submit(&s, &format!("/meetings/{id}/agenda"), &item).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Вопрос внесён в повестку"));
    let r = s
        .form(
            &format!("/meetings/{id}/actions"),
            &[
                ("title", "Подготовить семинар"),
                ("owner_teacher_id", roster[2]["teacher_id"].to_string().as_str()),
                ("due_on", "2020-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "a due date before the meeting is refused");

    // The secretary drafts the minutes: the next number of the year (the demo's meetings of this
    // year hold the first ones); the profile (002 §3.3) has the head sign.
    let held_before: i64 = {
        let mut c = app.t.db.conn().await.unwrap();
        sqlx::query_scalar("SELECT COUNT(*) FROM minutes n JOIN meetings m ON m.id = n.meeting_id WHERE n.association_id = $1 AND n.year = (SELECT year FROM meetings WHERE id = $2)")
            .bind(app.assoc_a)
            .bind(id)
            .fetch_one(&mut *c)
            .await
            .unwrap()
    };
    let number = held_before + 1;
    let (_, page) = submit(&s, &format!("/meetings/{id}/minutes"), &[]).await;
    assert!(page.contains(&format!("Составлен проект протокола № {number}")), "{page}");
    let r = s.post_json(&format!("/api/v1/meetings/{id}/sign"), json!({"role": "head"})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "the secretary does not sign for the head");
    let spec = app.login("uo.specialist").await;
    let r = spec.post_json(&format!("/api/v1/meetings/{id}/sign"), json!({})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "the authority does not sign for the association");
    let h = app.login("mmo.head").await;
    // The head's home lists the minutes waiting for the head's signature, linked to the meeting;
    // the secretary's does not (002 §3.3: the head signs alone).
    let waiting = format!("<a href=\"/meetings/{id}\">Протокол № {number} заседания");
    let home = h.get("/").await.text().await.unwrap();
    assert!(home.contains(&waiting) && home.contains("ждёт вашей подписи"), "{home}");
    let home = s.get("/").await.text().await.unwrap();
    assert!(!home.contains("ждёт вашей подписи"), "the secretary does not sign under 002: {home}");
    let page = h.get(&format!("/meetings/{id}")).await.text().await.unwrap();
    assert!(page.contains("Подписать как руководитель"), "the head is offered to sign");
    // Each signatory was told the minutes wait for them.
    let inbox: Value = h.get("/api/v1/notifications").await.json().await.unwrap();
    assert!(
        inbox["notifications"].as_array().unwrap().iter().any(|n| n["kind"] == "signature_awaited"
            && n["title"].as_str().unwrap().starts_with(&format!("Протокол № {number} заседания"))
            && n["link"] == format!("/meetings/{id}")),
        "{inbox}"
    );
    let (_, page) = submit(&h, &format!("/meetings/{id}/sign"), &[("role", "head")]).await;
    assert!(page.contains("подписан всеми и опубликован"));
    let home = h.get("/").await.text().await.unwrap();
    assert!(!home.contains(&waiting), "signed: off the head's list: {home}");
    let m: Value = s.get(&format!("/api/v1/meetings/{id}")).await.json().await.unwrap();
    assert_eq!((m["minutes"]["status"].as_str().unwrap(), m["locked"].as_bool().unwrap()), ("signed", true));
    assert_eq!(m["agenda"][0]["outcome"], "adopted");
    let inbox: Value = t.get("/api/v1/notifications").await.json().await.unwrap();
    assert!(
        inbox["notifications"][0]["title"].as_str().unwrap().starts_with(&format!("Опубликован протокол № {number}")),
        "{inbox}"
    );

    // Locked: the decision is not changed; a correction is an addendum.
    let r =
        s.put_json(&format!("/api/v1/meetings/{id}/agenda/{}", m["agenda"][0]["id"]), json!({"topic": "Другое"})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let e: Value = r.json().await.unwrap();
    assert!(e["error"]["message"].as_str().unwrap().contains("дополнением"), "{e}");
    let r = s.post_json(&format!("/api/v1/meetings/{id}/addenda"), json!({"text": "Читать «семинар-практикум»"})).await;
    assert_eq!(r.status(), StatusCode::OK);

    // The registration sheet: every member on the date with their organization, to sign.
    let r = t.get(&format!("/meetings/{id}/registration")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''"));
    let sheet_bytes = r.bytes().await.unwrap().to_vec();
    if let Ok(dir) = std::env::var("METODA_ARTIFACTS") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(format!("{dir}/registration-web.docx"), &sheet_bytes).unwrap();
    }
    let sheet = docx_text(sheet_bytes);
    assert!(sheet.contains("ЛИСТ РЕГИСТРАЦИИ") && sheet.contains("Подпись"), "{sheet}");
    let roster: Value = t.get(&format!("/api/v1/meetings/{id}")).await.json().await.unwrap();
    for row in roster["roster"].as_array().unwrap() {
        assert!(sheet.contains(row["full_name"].as_str().unwrap()), "{row} on the sheet:\n{sheet}");
    }

    // The DOCX: number, attendance counts, the item's vote, the signature, the addendum.
    let r = t.get(&format!("/meetings/{id}/docx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().contains("wordprocessingml"));
    let bytes = r.bytes().await.unwrap().to_vec();
    if let Ok(dir) = std::env::var("METODA_ARTIFACTS") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(format!("{dir}/minutes-web.docx"), &bytes).unwrap();
    }
    let text = docx_text(bytes);
    assert!(text.contains(&format!("ПРОТОКОЛ № {number}")), "{text}");
    let vote = format!("«за» – {present}, «против» – 0, «воздержались» – 0");
    assert!(text.lines().any(|l| l.contains("Голосовали") && l.contains(&vote)), "{text}");
    assert!(text.contains("Рекомендовать план к утверждению"));
    assert!(text.contains("(уважительная причина)"));
    assert!(text.contains("Орлова Е. П."), "the head's signature: {text}");
    assert!(
        text.find("Орлова Е. П.").unwrap() < text.find("Читать «семинар-практикум»").unwrap(),
        "addendum after signatures"
    );
    // Another municipality sees nothing of it.
    let b = app.login("b.specialist").await;
    assert_eq!(b.get(&format!("/meetings/{id}/docx")).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(b.get(&format!("/api/v1/meetings/{id}")).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn action_items_reach_their_owner_and_compliance_counts_signed_meetings_only() {
    let app = TestApp::start().await;
    let before: Value = app
        .login("uo.specialist")
        .await
        .get(&format!("/api/v1/associations/{}/compliance", app.assoc_a))
        .await
        .json()
        .await
        .unwrap();
    let id = plan_today(&app, "mmo.head").await;
    let h = app.login("mmo.head").await;
    all_present(&h, id).await;
    let r = h
        .post_json(&format!("/api/v1/meetings/{id}/agenda"), json!({"topic": "О конкурсе", "decision": "Провести"}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // The teacher account's own record owns the task.
    let owner: i64 = {
        let mut c = app.t.db.conn().await.unwrap();
        sqlx::query_scalar("SELECT id FROM teachers WHERE user_id = $1")
            .bind(app.a_user)
            .fetch_one(&mut *c)
            .await
            .unwrap()
    };
    let r = h
        .post_json(
            &format!("/api/v1/meetings/{id}/actions"),
            json!({"title": "Подать заявки", "owner_teacher_id": owner, "due_on": today()}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let x: Value = r.json().await.unwrap();
    let t = app.login("teacher").await;
    let page = t.get("/notifications").await.text().await.unwrap();
    assert!(page.contains("Подать заявки"), "the task is on the owner's page");
    let (status, page) = submit(&t, &format!("/actions/{}/close", x["id"]), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Поручение отмечено выполненным"));
    let inbox: Value = t.get("/api/v1/notifications").await.json().await.unwrap();
    assert!(inbox["actions"][0]["closed_at"].is_string(), "{inbox}");
    // Held and minutes drafted but unsigned: not counted yet.
    h.post_json(&format!("/api/v1/meetings/{id}/minutes"), json!({})).await;
    let spec = app.login("uo.specialist").await;
    let path = format!("/api/v1/associations/{}/compliance", app.assoc_a);
    let mid: Value = spec.get(&path).await.json().await.unwrap();
    assert_eq!(mid["valid_meetings"], before["valid_meetings"]);
    assert_eq!(mid["minimum"], 4, "seed 002: at least four meetings a year");
    let r = h.post_json(&format!("/api/v1/meetings/{id}/sign"), json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let after: Value = spec.get(&path).await.json().await.unwrap();
    assert_eq!(after["valid_meetings"].as_i64().unwrap(), before["valid_meetings"].as_i64().unwrap() + 1);
    let page = spec.get(&format!("/associations/{}/meetings", app.assoc_a)).await.text().await.unwrap();
    assert!(page.contains("Выполнение положения"), "{page}");
    // Bad input: a JSON error, nothing written.
    let n = count(&app, "meetings").await;
    let r =
        h.post_json(&format!("/api/v1/associations/{}/meetings", app.assoc_a), json!({"held_on": "31.02.2026"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert!(e["error"]["fields"].as_array().unwrap().iter().any(|f| f["field"] == "held_on"), "{e}");
    assert_eq!(count(&app, "meetings").await, n);
}

/// A meeting dated in year 1 or 9999 is refused like any impossible date: 422 naming the field
/// and the range, and nothing written (the page form and the API share the one date parser).
#[tokio::test]
async fn a_meeting_far_in_the_past_or_future_is_refused() {
    let app = TestApp::start().await;
    let h = app.login("mmo.head").await;
    let path = format!("/api/v1/associations/{}/meetings", app.assoc_a);
    let (meetings, audit) = (count(&app, "meetings").await, count(&app, "audit_log").await);
    let venue = app.org_a.to_string();
    for far in ["0001-01-01", "9999-12-31", "31.12.1899", "01.01.2101"] {
        let r =
            h.post_json(&path, json!({"held_on": far, "starts_at": "15:00", "venue_organization_id": app.org_a})).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{far}");
        let e: Value = r.json().await.unwrap();
        let fields = e["error"]["fields"].as_array().unwrap();
        let held = fields.iter().find(|f| f["field"] == "held_on").unwrap_or_else(|| panic!("{far}: {e}"));
        assert_eq!(held["message"], "Дата заседания: укажите дату между 01.01.1900 и 31.12.2100", "{far}");
        // The page's form says the same.
        let page = h
            .form(
                &format!("/associations/{}/meetings", app.assoc_a),
                &[("held_on", far), ("starts_at", "15:00"), ("venue_organization_id", &venue)],
            )
            .await;
        assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY, "{far}");
        assert!(page.text().await.unwrap().contains("Дата заседания: укажите дату между 01.01.1900 и 31.12.2100"));
    }
    assert_eq!(count(&app, "meetings").await, meetings, "nothing written");
    assert_eq!(count(&app, "audit_log").await, audit, "nothing recorded");
    // The audit trail's filters go through the same parser and name their field.
    let admin = app.login("admin").await;
    for (field, q) in [("from", "from=0001-01-01"), ("to", "to=9999-12-31")] {
        let r = admin.get(&format!("/api/v1/audit?{q}")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"]["fields"][0]["field"], field, "{e}");
        assert!(e["error"]["fields"][0]["message"].as_str().unwrap().contains("между 01.01.1900 и 31.12.2100"), "{e}");
    }
    app.stop().await;
}
