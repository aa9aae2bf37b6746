//! Issue "Trust", optimistic concurrency on the association's work (decision 0011): a meeting's
//! details and its attendance sheet, agenda items, plan items, cyclogram rows, the sections of an
//! analysis and a teacher's year. Two editors read the same version; the first save goes
//! through, the second (based on the old version) is refused with 409 `conflict` and the first
//! one's change stays; on a page the typed input stays in the form beside the current values,
//! and a save based on the current version then goes through. Runs on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{Session, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn today() -> String {
    metoda_domain::values::iso_date(time::OffsetDateTime::now_utc().date())
}

/// A stale save through the API: 409 `conflict` with the Russian explanation.
async fn assert_stale(r: reqwest::Response) {
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "conflict", "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("изменил другой пользователь"), "{e}");
}

/// Posts a page form given as owned values.
async fn post(s: &Session, path: &str, fields: &[(impl AsRef<str>, String)]) -> reqwest::Response {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_ref(), v.as_str())).collect();
    s.form(path, &refs).await
}

/// The hidden version field of a form, as the page renders it.
fn hidden_version(v: i64) -> String {
    format!("name=\"version\" value=\"{v}\"")
}

/// A meeting of today planned through the API by the association's head.
pub(crate) async fn meeting_of_today(app: &TestApp, head: &Session) -> i64 {
    let r = head
        .post_json(
            &format!("/api/v1/associations/{}/meetings", app.assoc_a),
            json!({"held_on": today(), "starts_at": "15:00", "place_note": "каб. 1"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_meeting_s_details_edited_by_two_keep_the_first_save() {
    let app = TestApp::start().await;
    let head = app.login("mmo.head").await;
    let secretary = app.login("mmo.secretary").await;
    let id = meeting_of_today(&app, &head).await;
    let path = format!("/api/v1/meetings/{id}");
    let read: Value = secretary.get(&path).await.json().await.unwrap();
    let v = read["meeting"]["version"].as_i64().unwrap();
    let body = |place: &str, version: i64| json!({"held_on": today(), "starts_at": "15:00", "place_note": place, "version": version});
    assert_eq!(head.put_json(&path, body("каб. 12", v)).await.status(), StatusCode::OK);
    assert_stale(secretary.put_json(&path, body("актовый зал", v)).await).await;
    let now: Value = head.get(&path).await.json().await.unwrap();
    assert_eq!(now["meeting"]["place_note"], "каб. 12");
    assert_eq!(now["meeting"]["version"].as_i64().unwrap(), v + 1);

    // The page: the typed place stays, the current one beside it, the form on the current version.
    let stale = v.to_string();
    let fields = |place: &'static str, version: &str| {
        vec![
            ("held_on", today()),
            ("starts_at", "15:00".into()),
            ("place_note", place.into()),
            ("version", version.into()),
        ]
    };
    let typed = fields("библиотека", &stale);
    let r = post(&secretary, &format!("/meetings/{id}"), &typed).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(html.contains("value=\"библиотека\""), "the typed input stays");
    assert!(html.contains("Кабинет, адрес: сейчас в записи — каб. 12"), "{html}");
    assert!(html.contains(&hidden_version(v + 1)));
    let current = (v + 1).to_string();
    let again = fields("библиотека", &current);
    assert_eq!(post(&secretary, &format!("/meetings/{id}"), &again).await.status(), StatusCode::SEE_OTHER);
    let now: Value = head.get(&path).await.json().await.unwrap();
    assert_eq!(now["meeting"]["place_note"], "библиотека");
    app.stop().await;
}

#[tokio::test]
async fn an_attendance_sheet_marked_by_two_keeps_the_first_marks() {
    let app = TestApp::start().await;
    let head = app.login("mmo.head").await;
    let secretary = app.login("mmo.secretary").await;
    let id = meeting_of_today(&app, &head).await;
    let read: Value = secretary.get(&format!("/api/v1/meetings/{id}")).await.json().await.unwrap();
    let v = read["meeting"]["version"].as_i64().unwrap();
    let roster: Vec<i64> =
        read["roster"].as_array().unwrap().iter().map(|r| r["teacher_id"].as_i64().unwrap()).collect();
    let first = roster[0];
    let marks = |first_status: &str| -> Vec<Value> {
        roster
            .iter()
            .map(|t| json!({"teacher_id": t, "status": if *t == first { first_status } else { "present" }}))
            .collect()
    };
    let sheet = format!("/api/v1/meetings/{id}/attendance");
    let r = head.put_json(&sheet, json!({"marks": marks("absent"), "version": v})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_stale(secretary.put_json(&sheet, json!({"marks": marks("excused"), "version": v})).await).await;
    let now: Value = head.get(&format!("/api/v1/meetings/{id}")).await.json().await.unwrap();
    let status_of = |b: &Value| {
        b["roster"].as_array().unwrap().iter().find(|r| r["teacher_id"] == first).unwrap()["status"].clone()
    };
    assert_eq!(status_of(&now), "absent");
    assert_eq!(now["meeting"]["version"].as_i64().unwrap(), v + 1);
    // The details form based on the version before the sheet is stale too: the sheet is part of
    // the meeting.
    let details = json!({"held_on": today(), "starts_at": "16:00", "place_note": "каб. 1", "version": v});
    assert_stale(secretary.put_json(&format!("/api/v1/meetings/{id}"), details).await).await;

    // The page: the typed marks stay checked, the current mark named beside them.
    let stale = v.to_string();
    let fields = |first_status: &str, version: &str| -> Vec<(String, String)> {
        let mut f: Vec<(String, String)> = roster
            .iter()
            .map(|t| (format!("a_{t}"), if *t == first { first_status } else { "present" }.to_owned()))
            .collect();
        f.push(("version".into(), version.into()));
        f
    };
    let typed = fields("excused", &stale);
    let r = post(&secretary, &format!("/meetings/{id}/attendance"), &typed).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(html.contains("Отметки явки уже изменил другой пользователь"), "{html}");
    assert!(html.contains("сейчас в записи — отсутствует"), "{html}");
    assert!(
        html.contains(&format!("name=\"a_{first}\" value=\"excused\" aria-label=")) && {
            let at = html.find(&format!("name=\"a_{first}\" value=\"excused\"")).unwrap();
            html[at..].split('>').next().unwrap().contains("checked")
        },
        "the typed mark stays checked"
    );
    assert!(html.contains(&hidden_version(v + 1)));
    let current = (v + 1).to_string();
    let again = fields("excused", &current);
    assert_eq!(post(&secretary, &format!("/meetings/{id}/attendance"), &again).await.status(), StatusCode::SEE_OTHER);
    let now: Value = head.get(&format!("/api/v1/meetings/{id}")).await.json().await.unwrap();
    assert_eq!(status_of(&now), "excused");
    // An API client that names no version (the marks alone, as before) is not checked.
    assert_eq!(head.put_json(&sheet, json!(marks("present"))).await.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn an_agenda_item_edited_by_two_keeps_the_first_save() {
    let app = TestApp::start().await;
    let head = app.login("mmo.head").await;
    let secretary = app.login("mmo.secretary").await;
    let id = meeting_of_today(&app, &head).await;
    let r = head.post_json(&format!("/api/v1/meetings/{id}/agenda"), json!({"topic": "О плане работы"})).await;
    let b: Value = r.json().await.unwrap();
    let item = &b["agenda"][0];
    let (aid, v) = (item["id"].as_i64().unwrap(), item["version"].as_i64().unwrap());
    let path = format!("/api/v1/meetings/{id}/agenda/{aid}");
    let body = |decision: &str| json!({"topic": "О плане работы", "decision": decision, "version": v});
    assert_eq!(head.put_json(&path, body("Утвердить план")).await.status(), StatusCode::OK);
    assert_stale(secretary.put_json(&path, body("Доработать план")).await).await;
    let now: Value = head.get(&format!("/api/v1/meetings/{id}")).await.json().await.unwrap();
    assert_eq!(now["agenda"][0]["decision"], "Утвердить план");
    assert_eq!(now["agenda"][0]["version"].as_i64().unwrap(), v + 1);

    // The page keeps the typed decision in the item's form, the current one beside it.
    let stale = v.to_string();
    let r = secretary
        .form(
            &format!("/meetings/{id}/agenda/{aid}"),
            &[("topic", "О плане работы"), ("decision", "Отложить план"), ("version", &stale)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(html.contains(">Отложить план</textarea>"), "the typed input stays");
    assert!(html.contains("Решили: сейчас в записи — Утвердить план"), "{html}");
    assert!(html.contains(&hidden_version(v + 1)));
    let current = (v + 1).to_string();
    let r = secretary
        .form(
            &format!("/meetings/{id}/agenda/{aid}"),
            &[("topic", "О плане работы"), ("decision", "Отложить план"), ("version", &current)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.stop().await;
}

/// A plan of its own for the test (the demo's plans are approved or in use) with one item.
pub(crate) async fn plan_with_item(app: &TestApp, head: &Session) -> (i64, Value) {
    let r = head.form(&format!("/associations/{}/plans", app.assoc_a), &[("year", "2036"), ("prefill", "empty")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    let plan: i64 = to.strip_prefix("/plans/").unwrap().parse().unwrap();
    let r = head
        .post_json(
            &format!("/api/v1/plans/{plan}/items"),
            json!({"title": "Семинар «Функциональная грамотность»", "direction": "organizational_methodical",
                   "form": "workshop_seminar", "planned_month": "11", "responsible": "Орлова Е. П."}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    (plan, r.json().await.unwrap())
}

#[tokio::test]
async fn a_plan_item_edited_by_two_keeps_the_first_save() {
    let app = TestApp::start().await;
    let head = app.login("mmo.head").await;
    let deputy = app.login("mmo.deputy").await;
    let (plan, item) = plan_with_item(&app, &head).await;
    let (id, v) = (item["id"].as_i64().unwrap(), item["version"].as_i64().unwrap());
    let path = format!("/api/v1/plans/{plan}/items/{id}");
    let body = |responsible: &str| {
        json!({"title": item["title"], "direction": item["direction"], "form": item["form"], "planned_month": "11",
               "responsible": responsible, "version": v})
    };
    let r = head.put_json(&path, body("Смирнова А. В.")).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_stale(deputy.put_json(&path, body("Петрова И. С.")).await).await;
    let now: Value = head.get(&format!("/api/v1/plans/{plan}")).await.json().await.unwrap();
    let now = now["items"].as_array().unwrap().iter().find(|i| i["id"] == id).unwrap().clone();
    assert_eq!(now["responsible"], "Смирнова А. В.");
    assert_eq!(now["version"].as_i64().unwrap(), v + 1);

    // The page: the typed input stays, the current value beside it.
    let page = format!("/plans/{plan}/items/{id}");
    let fields = |responsible: &'static str, version: String| {
        vec![
            ("title", "Семинар «Функциональная грамотность»".to_owned()),
            ("direction", "organizational_methodical".into()),
            ("form", "workshop_seminar".into()),
            ("planned_month", "11".into()),
            ("responsible", responsible.into()),
            ("version", version),
        ]
    };
    let typed = fields("Иванова О. Н.", v.to_string());
    let r = post(&deputy, &page, &typed).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(html.contains("value=\"Иванова О. Н.\""), "the typed input stays");
    assert!(html.contains("Ответственные: сейчас в записи — Смирнова А. В."), "{html}");
    assert!(html.contains(&hidden_version(v + 1)));
    let again = fields("Иванова О. Н.", (v + 1).to_string());
    assert_eq!(post(&deputy, &page, &again).await.status(), StatusCode::SEE_OTHER);

    // Marking the execution changes the item: an edit based on the item before it is refused.
    let read: Value = head.get(&format!("/api/v1/plans/{plan}")).await.json().await.unwrap();
    let before = read["items"][0]["version"].as_i64().unwrap();
    let r = head.post_json(&format!("{path}/status"), json!({"status": "cancelled", "reason": "карантин"})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let stale = json!({"title": item["title"], "direction": item["direction"], "form": item["form"],
                       "planned_month": "11", "responsible": "кто-то", "version": before});
    assert_stale(deputy.put_json(&path, stale).await).await;
    app.stop().await;
}

#[tokio::test]
async fn a_cyclogram_row_edited_by_two_keeps_the_first_save() {
    let app = TestApp::start().await;
    let head = app.login("mmo.head").await;
    let deputy = app.login("mmo.deputy").await;
    let list = format!("/api/v1/associations/{}/cyclogram", app.assoc_a);
    let rows: Value = head.get(&list).await.json().await.unwrap();
    let row = rows[0].clone();
    let (id, v) = (row["id"].as_i64().unwrap(), row["version"].as_i64().unwrap());
    let path = format!("{list}/{id}");
    let body = |note: &str| {
        json!({"month": row["month"].to_string(), "title": row["title"], "direction": row["direction"],
               "form": row["form"], "note": note, "version": v})
    };
    let r = head.put_json(&path, body("в актовом зале")).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_stale(deputy.put_json(&path, body("онлайн")).await).await;
    let now: Value = head.get(&list).await.json().await.unwrap();
    let now = now.as_array().unwrap().iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(now["note"], "в актовом зале");
    assert_eq!(now["version"].as_i64().unwrap(), v + 1);

    // The page keeps the typed note in the row's form with the current one beside it.
    let month = row["month"].to_string();
    let stale = v.to_string();
    let fields = |version: &str| {
        vec![
            ("month", month.clone()),
            ("title", row["title"].as_str().unwrap().to_owned()),
            ("direction", row["direction"].as_str().unwrap().to_owned()),
            ("form", row["form"].as_str().unwrap().to_owned()),
            ("note", "в библиотеке".to_owned()),
            ("version", version.to_owned()),
        ]
    };
    let typed = fields(&stale);
    let page = format!("/associations/{}/cyclogram/{id}", app.assoc_a);
    let r = post(&deputy, &page, &typed).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(html.contains("value=\"в библиотеке\""), "the typed input stays");
    assert!(html.contains("Примечание: сейчас в записи — в актовом зале"), "{html}");
    assert!(html.contains(&hidden_version(v + 1)));
    let current = (v + 1).to_string();
    let again = fields(&current);
    assert_eq!(post(&deputy, &page, &again).await.status(), StatusCode::SEE_OTHER);
    app.stop().await;
}

#[tokio::test]
async fn an_analysis_section_written_by_two_keeps_the_first_text() {
    let app = TestApp::start().await;
    let a = app.assoc_a;
    let last = metoda_domain::teachers::AcademicYear::containing(time::OffsetDateTime::now_utc().date()).0 - 1;
    let head = app.login("mmo.head").await;
    let deputy = app.login("mmo.deputy").await;
    let read: Value = head.get(&format!("/api/v1/associations/{a}/analysis?year={last}")).await.json().await.unwrap();
    // Not written yet: version 0; the first save writes it, the second (also based on 0) is stale.
    assert_eq!(read["text_versions"][23], json!({"number": 24, "version": 0}));
    let path = format!("/api/v1/associations/{a}/analysis/{last}/sections/24");
    let r = head.put_json(&path, json!({"text": "Провести выездной семинар", "version": 0})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let b: Value = r.json().await.unwrap();
    let v = b["text_versions"][23]["version"].as_i64().unwrap();
    assert_eq!(v, 1);
    assert_stale(deputy.put_json(&path, json!({"text": "Провести конкурс", "version": 0})).await).await;
    // An edit of the written text: the first goes through, the second on the same version not.
    assert_eq!(
        head.put_json(&path, json!({"text": "Провести два выездных семинара", "version": v})).await.status(),
        StatusCode::OK
    );
    assert_stale(deputy.put_json(&path, json!({"text": "Провести конкурс", "version": v})).await).await;
    let now: Value = head.get(&format!("/api/v1/associations/{a}/analysis?year={last}")).await.json().await.unwrap();
    assert_eq!(now["composed"]["sections"][23]["text"], "Провести два выездных семинара");
    assert_eq!(now["text_versions"][23]["version"].as_i64().unwrap(), v + 1);

    // The page: the typed text stays in the section's form, the current text beside it.
    let page = format!("/associations/{a}/analysis/{last}/sections/24");
    let stale = v.to_string();
    let r = deputy.form(&page, &[("text", "Провести конкурс методических разработок"), ("version", &stale)]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(html.contains(">Провести конкурс методических разработок</textarea>"), "the typed input stays");
    assert!(html.contains("Раздел 24: сейчас в записи — «Провести два выездных семинара»"), "{html}");
    assert!(html.contains(&format!("name=\"version24\" value=\"{}\"", v + 1)));
    let current = (v + 1).to_string();
    let r = deputy.form(&page, &[("text", "Провести конкурс методических разработок"), ("version", &current)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // Emptying a section keeps its version going: a save based on the text before is still stale.
    let r = head.put_json(&path, json!({"text": "", "version": v + 2})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let b: Value = r.json().await.unwrap();
    assert!(b["composed"]["sections"][23]["text"].is_null());
    assert_eq!(b["text_versions"][23]["version"].as_i64().unwrap(), v + 3);
    assert_stale(deputy.put_json(&path, json!({"text": "Снова", "version": v + 2})).await).await;
    assert_stale(deputy.put_json(&path, json!({"text": "Снова", "version": 0})).await).await;
    app.stop().await;
}

#[tokio::test]
async fn a_teacher_s_year_written_by_two_keeps_the_first_topic() {
    let app = TestApp::start().await;
    let own = common::teacher_of_account(&app, app.a_user).await;
    let teacher = app.login("teacher").await;
    let spec = app.login("uo.specialist").await;
    let years = format!("/api/v1/teachers/{own}/years");
    let read: Value = teacher.get(&years).await.json().await.unwrap();
    let v = read["current"]["version"].as_i64().unwrap_or(0);
    let path = format!("/api/v1/teachers/{own}/topic");
    let r = teacher.put_json(&path, json!({"topic": "Функциональная грамотность", "version": v})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let written: Value = r.json().await.unwrap();
    let now_v = written["version"].as_i64().unwrap();
    assert!(now_v > v);
    assert_stale(spec.put_json(&path, json!({"topic": "Проектная деятельность", "version": v})).await).await;
    let now: Value = teacher.get(&years).await.json().await.unwrap();
    assert_eq!(now["current"]["self_education"], "Функциональная грамотность");

    // The card's form: refused, the typed topic kept in the form and the one in the record beside
    // it; on the current version it goes.
    let r = spec
        .form(&format!("/teachers/{own}/topic"), &[("topic", "Проектная деятельность"), ("version", &v.to_string())])
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let card = r.text().await.unwrap();
    assert!(
        card.contains("изменил другой пользователь")
            && card.contains("name=\"topic\" maxlength=\"500\" required value=\"Проектная деятельность\"")
            && card.contains("сейчас в записи — «Функциональная грамотность»"),
        "{card}"
    );
    assert!(card.contains(&hidden_version(now_v)));
    let r = spec
        .form(
            &format!("/teachers/{own}/topic"),
            &[("topic", "Проектная деятельность"), ("version", &now_v.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let now: Value = teacher.get(&years).await.json().await.unwrap();
    assert_eq!(now["current"]["self_education"], "Проектная деятельность");
    // Agreeing the topic changes the year: a topic typed before it is refused.
    let head = app.login("mmo.head").await;
    let before = now["current"]["version"].as_i64().unwrap();
    assert_eq!(head.post_json(&format!("{path}/agree"), json!({})).await.status(), StatusCode::OK);
    assert_stale(teacher.put_json(&path, json!({"topic": "Другая тема", "version": before})).await).await;
    app.stop().await;
}

#[tokio::test]
async fn a_refused_new_agenda_item_keeps_everything_typed() {
    let app = TestApp::start().await;
    let head = app.login("mmo.head").await;
    let id = meeting_of_today(&app, &head).await;
    let r = head
        .form(
            &format!("/meetings/{id}/agenda"),
            &[
                ("topic", ""),
                ("speaker", "Иванова А. П."),
                ("heard", "Итоги школьного этапа олимпиады"),
                ("spoke", "Петрова: участников больше, чем в прошлом году"),
                ("decision", "Провести пробный муниципальный этап"),
                ("votes_for", "12"),
                ("votes_against", "0"),
                ("votes_abstained", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    for kept in [
        "value=\"Иванова А. П.\"",
        ">Итоги школьного этапа олимпиады</textarea>",
        ">Петрова: участников больше, чем в прошлом году</textarea>",
        ">Провести пробный муниципальный этап</textarea>",
        "name=\"votes_for\" value=\"12\"",
        "name=\"votes_abstained\" value=\"1\"",
    ] {
        assert!(html.contains(kept), "{kept} lost:\n{html}");
    }
    app.stop().await;
}

#[tokio::test]
async fn saving_one_analysis_section_keeps_the_text_typed_in_the_others() {
    let app = TestApp::start().await;
    let a = app.assoc_a;
    let last = metoda_domain::teachers::AcademicYear::containing(time::OffsetDateTime::now_utc().date()).0 - 1;
    let head = app.login("mmo.head").await;
    let deputy = app.login("mmo.deputy").await;
    let page = format!("/associations/{a}/analysis/{last}/sections");
    // Two sections typed, the button of one pressed: both are saved, the page comes back there.
    let r = head
        .form(
            &page,
            &[
                ("text14", "Темы обсуждены"),
                ("version14", "0"),
                ("text24", "Провести семинар"),
                ("version24", "0"),
                ("save", "24"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers()["location"].to_str().unwrap().ends_with("#section-24"), "{:?}", r.headers()["location"]);
    let read: Value = head.get(&format!("/api/v1/associations/{a}/analysis?year={last}")).await.json().await.unwrap();
    assert_eq!(read["composed"]["sections"][13]["text"], "Темы обсуждены");
    assert_eq!(read["composed"]["sections"][23]["text"], "Провести семинар");
    // The deputy changes 24 meanwhile; the head's next save of both on the old versions keeps
    // everything typed: 23 (not stale) is saved, 24 is refused with the text now in the record.
    let v24 = read["text_versions"][23]["version"].as_i64().unwrap();
    let v14 = read["text_versions"][13]["version"].as_i64().unwrap();
    let r = deputy
        .put_json(
            &format!("/api/v1/associations/{a}/analysis/{last}/sections/24"),
            json!({"text": "Провести два семинара"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = head
        .form(
            &page,
            &[
                ("text14", "Темы обсуждены и утверждены"),
                ("version14", &v14.to_string()),
                ("text24", "Провести семинар и конкурс"),
                ("version24", &v24.to_string()),
                ("save", "all"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(">Темы обсуждены и утверждены</textarea>")
            && html.contains(">Провести семинар и конкурс</textarea>"),
        "{html}"
    );
    assert!(html.contains("Раздел 24: сейчас в записи — «Провести два семинара»"), "{html}");
    let read: Value = head.get(&format!("/api/v1/associations/{a}/analysis?year={last}")).await.json().await.unwrap();
    assert_eq!(read["composed"]["sections"][13]["text"], "Темы обсуждены и утверждены");
    assert_eq!(read["composed"]["sections"][23]["text"], "Провести два семинара");
    app.stop().await;
}
