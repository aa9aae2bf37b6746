//! Results through the real server (SQLite or PostgreSQL): a teacher enters their own result with
//! a scan, the head enters one for a member, a disguised file is refused, a curator confirms one
//! and rejects another, the confirmed one counts in the association's analysis and the pending
//! one is shown apart; students' names only for those who need them; another municipality sees
//! nothing; thresholds and the non-objective list of the authority.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{Session, TestApp, count, teacher_of_account};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn today() -> String {
    metoda_domain::values::iso_date(time::OffsetDateTime::now_utc().date())
}

fn this_year() -> i32 {
    metoda_domain::teachers::AcademicYear::containing(time::OffsetDateTime::now_utc().date()).0
}

pub(crate) const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

pub(crate) async fn upload(s: &Session, path: &str, name: &str, bytes: &[u8], page: bool) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new();
    if page {
        form = form.text("_csrf", s.csrf.clone());
    }
    let form = form.part("file", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned()));
    let mut req = s.c.post(s.url(path)).multipart(form);
    if !page {
        req = req.header("x-csrf-token", &s.csrf);
    }
    req.send().await.unwrap()
}

fn row(b: &Value, code: &str) -> u64 {
    b["composed"]["analysis"]["indicators"].as_array().unwrap().iter().find(|i| i["code"] == code).unwrap()["value"]
        .as_u64()
        .unwrap()
}

fn contest(title: &str, student: &str, teachers: &[i64]) -> Value {
    json!({
        "event": "contest", "title": title, "subject": "математика", "level": "municipal", "placement": "winner",
        "format": "in_person", "student_name": student, "grade": "9", "teacher_ids": teachers, "on": today(),
    })
}

#[tokio::test]
async fn results_are_entered_with_scans_confirmed_by_the_curator_and_counted_in_the_analysis() {
    let app = TestApp::start().await;
    let a = app.assoc_a;
    let year = this_year();
    let own = teacher_of_account(&app, app.a_user).await;
    let head = app.login("mmo.head").await;
    let analysis = format!("/api/v1/associations/{a}/analysis?year={year}");
    let before: Value = head.get(&analysis).await.json().await.unwrap();
    assert_eq!(before["live"], true, "a draft year is computed live: {}", before["report"]);

    // The teacher enters their own result and attaches the scan.
    let t = app.login("teacher").await;
    let add = format!("/api/v1/associations/{a}/results/student");
    let r = t.post_json(&add, contest("Математический турнир", "Петров Пётр", &[own])).await;
    assert_eq!(r.status(), StatusCode::OK);
    let mine: Value = r.json().await.unwrap();
    assert_eq!(mine["status"], "pending");
    let r = upload(&t, &format!("/api/v1/results/{}/scans", mine["id"]), "грамота.pdf", PDF, false).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    // Not for a colleague.
    let n = count(&app, "results").await;
    let r = t.post_json(&add, contest("Чужой турнир", "Сидоров", &[app.a_teacher])).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(count(&app, "results").await, n);
    // A disguised file is refused by its content (API and page).
    let r =
        upload(&t, &format!("/api/v1/results/{}/scans", mine["id"]), "скан.pdf", b"just text, not a pdf", false).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r =
        upload(&t, &format!("/associations/{a}/results/{}/scan", mine["id"]), "скан.pdf", b"MZ\x90\x00", true).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Скан не принят"));

    // The head enters a result for a member through the page.
    let r = head
        .form(
            &format!("/associations/{a}/results/student"),
            &[
                ("event", "contest"),
                ("title", "Турнир смекалки"),
                ("level", "municipal"),
                ("placement", "winner"),
                ("format", "in_person"),
                ("student_name", "Иванова Мария"),
                ("teacher_ids", &own.to_string()),
                ("on", &today()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = head.get(r.headers()["location"].to_str().unwrap()).await.text().await.unwrap();
    assert!(page.contains("Результат обучающегося записан") && page.contains("Иванова Мария"), "{page}");
    let other: i64 = {
        let mut c = app.t.db.conn().await.unwrap();
        sqlx::query_scalar("SELECT MAX(id) FROM results").fetch_one(&mut *c).await.unwrap()
    };
    // Bad input is shown again with the errors, nothing written.
    let n = count(&app, "results").await;
    let r =
        head.form(&format!("/associations/{a}/results/teacher"), &[("kind", "publication"), ("title", "Статья")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Издание (сайт)"));
    assert_eq!(count(&app, "results").await, n);

    // Students' names: the result's teacher and the head see them, a colleague does not.
    let list = format!("/api/v1/associations/{a}/results?year={year}");
    let find = |b: &Value, id: i64| {
        b["results"].as_array().unwrap().iter().find(|i| i["result"]["id"] == id).cloned().unwrap()
    };
    let b: Value = t.get(&list).await.json().await.unwrap();
    assert_eq!(find(&b, mine["id"].as_i64().unwrap())["result"]["student_name"], "Петров Пётр");
    let sec = app.login("mmo.secretary").await;
    let b: Value = sec.get(&list).await.json().await.unwrap();
    let x = find(&b, mine["id"].as_i64().unwrap());
    assert!(x["result"]["student_name"].is_null(), "{x}");
    assert_eq!(x["scans"].as_array().unwrap().len(), 1);
    let page = sec.get(&format!("/associations/{a}/results?year={year}")).await.text().await.unwrap();
    assert!(page.contains("Математический турнир") && !page.contains("Петров Пётр"));
    let b: Value = head.get(&list).await.json().await.unwrap();
    assert_eq!(find(&b, other)["result"]["student_name"], "Иванова Мария");

    // The curator: the queue with the scan, confirm one, reject the other (a comment is required).
    let spec = app.login("uo.specialist").await;
    let q: Value =
        spec.get(&format!("/api/v1/results/pending?municipality_id={}", app.muni_a)).await.json().await.unwrap();
    assert!(
        q["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["result"]["id"] == mine["id"] && i["scans"][0]["id"].is_i64()),
        "{q}"
    );
    let page = spec.get(&format!("/results/pending?municipality_id={}", app.muni_a)).await.text().await.unwrap();
    let scan_link = format!("/results/{}/scans/", mine["id"]);
    let i = page.find(&scan_link).expect("the scan link beside the result");
    let link = page[i..].split('"').next().unwrap().to_owned();
    // The scan carries the student's name: the secretary, who sees no names, cannot open it.
    assert_eq!(sec.get(&link).await.status(), StatusCode::NOT_FOUND);
    let r = spec.get(&link).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().to_vec(), PDF);
    let r = spec.post_json(&format!("/api/v1/results/{other}/confirm"), json!({})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "no scan yet");
    let r = spec.post_json(&format!("/api/v1/results/{other}/reject"), json!({"comment": " "})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = head.post_json(&format!("/api/v1/results/{}/confirm", mine["id"]), json!({})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "the head does not confirm");
    let r = spec.form(&format!("/results/{}/confirm", mine["id"]), &[("comment", "Грамота в порядке")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = spec
        .post_json(&format!("/api/v1/results/{other}/reject"), json!({"comment": "Нет подписи организатора"}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let b: Value = t.get(&list).await.json().await.unwrap();
    assert_eq!(find(&b, mine["id"].as_i64().unwrap())["result"]["status"], "confirmed");
    assert_eq!(find(&b, other)["result"]["decision_comment"], "Нет подписи организатора");

    // The analysis counts the confirmed winner (rows 16 and 16.1); a pending one is apart.
    let r = t.post_json(&add, contest("Олимпиада «Кенгуру»", "Петров Пётр", &[own])).await;
    assert_eq!(r.status(), StatusCode::OK);
    let after: Value = head.get(&analysis).await.json().await.unwrap();
    assert_eq!(row(&after, "16.1"), row(&before, "16.1") + 1);
    assert!(row(&after, "16") >= 1);
    let apart: Vec<&str> = after["composed"]["apart"].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect();
    assert!(apart.iter().any(|x| x.contains("Кенгуру") && x.ends_with("строка 16")), "{apart:?}");
    assert!(!apart.iter().any(|x| x.contains("Математический турнир")), "{apart:?}");

    // Archived: gone from the list.
    let r = head.json(reqwest::Method::DELETE, &format!("/api/v1/results/{other}"), json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let b: Value = head.get(&list).await.json().await.unwrap();
    assert!(!b["results"].as_array().unwrap().iter().any(|i| i["result"]["id"] == other));

    // Another municipality sees nothing of it.
    let bs = app.login("b.specialist").await;
    assert_eq!(bs.get(&list).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(bs.get(&format!("/associations/{a}/results")).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        bs.post_json(&format!("/api/v1/results/{}/reject", mine["id"]), json!({"comment": "x"})).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(bs.get(&link).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        bs.get(&format!("/api/v1/results/pending?municipality_id={}", app.muni_a)).await.status(),
        StatusCode::FORBIDDEN
    );
    app.stop().await;
}

#[tokio::test]
async fn the_authority_keeps_thresholds_and_the_non_objective_list() {
    let app = TestApp::start().await;
    let m = app.muni_a;
    let spec = app.login("uo.specialist").await;
    let path = format!("/api/v1/municipalities/{m}/exam-thresholds");
    let r = spec.put_json(&path, json!({"subject": "physics", "minimum": "40", "high": "85"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let t: Value = r.json().await.unwrap();
    let physics = t.as_array().unwrap().iter().find(|x| x["subject"] == "physics").unwrap();
    assert_eq!((physics["minimum"].as_u64(), physics["high"].as_u64()), (Some(40), Some(85)));
    let r = spec.put_json(&path, json!({"subject": "physics", "minimum": "90", "high": "85"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let head = app.login("mmo.head").await;
    assert_eq!(head.get(&path).await.status(), StatusCode::OK);
    let r = head.put_json(&path, json!({"subject": "physics", "minimum": "30", "high": "80"})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let page = spec.get(&format!("/municipalities/{m}/exam-thresholds")).await.text().await.unwrap();
    assert!(page.contains("физика") && page.contains("value=\"85\""), "{page}");

    let year = this_year();
    let r = spec
        .form(
            &format!("/municipalities/{m}/non-objective"),
            &[("organization_id", &app.org_a.to_string()), ("year", &year.to_string()), ("subject", "mathematics")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let list: Value =
        spec.get(&format!("/api/v1/municipalities/{m}/non-objective?year={year}")).await.json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    let r = spec
        .post_json(
            &format!("/api/v1/municipalities/{m}/non-objective"),
            json!({"organization_id": app.org_a, "year": year.to_string(), "subject": "mathematics"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "already on the list");
    let r = spec
        .post_json(
            &format!("/api/v1/municipalities/{m}/non-objective"),
            json!({"organization_id": app.org_b, "year": year.to_string(), "subject": "russian"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "an organization of another municipality");
    let id = list[0]["id"].as_i64().unwrap();
    let b = app.login("b.specialist").await;
    let r = b.json(reqwest::Method::DELETE, &format!("/api/v1/municipalities/{m}/non-objective/{id}"), json!({})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r =
        spec.json(reqwest::Method::DELETE, &format!("/api/v1/municipalities/{m}/non-objective/{id}"), json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    app.stop().await;
}

/// The `name="..." value="..."` of an input on a page.
fn input_value(page: &str, name: &str) -> String {
    let key = format!("name=\"{name}\"");
    let i = page.find(&key).unwrap_or_else(|| panic!("{name} in {page}"));
    let rest = &page[i..];
    let v = rest.find("value=\"").unwrap() + 7;
    rest[v..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_result_is_edited_on_its_page_and_waits_for_the_curator_again() {
    let app = TestApp::start().await;
    let a = app.assoc_a;
    let year = this_year();
    let own = teacher_of_account(&app, app.a_user).await;
    let t = app.login("teacher").await;
    let head = app.login("mmo.head").await;
    let spec = app.login("uo.specialist").await;
    let list = format!("/api/v1/associations/{a}/results?year={year}");
    let find = |b: &Value, id: i64| {
        b["results"].as_array().unwrap().iter().find(|i| i["result"]["id"] == id).cloned().unwrap()
    };

    // A confirmed result of the teacher.
    let r = t
        .post_json(&format!("/api/v1/associations/{a}/results/student"), contest("Турнир", "Петров Пётр", &[own]))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = upload(&t, &format!("/api/v1/results/{id}/scans"), "грамота.pdf", PDF, false).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = spec.post_json(&format!("/api/v1/results/{id}/confirm"), json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);

    // Confirmed, it is locked for the teacher (issue "Trust"): the head edits it, with a reason.
    let edit = format!("/associations/{a}/results/{id}/edit");
    let page = t.get(&format!("/associations/{a}/results?year={year}")).await.text().await.unwrap();
    assert!(!page.contains(&edit) && page.contains("Подтверждён: изменить или удалить его может"), "{page}");
    assert_eq!(t.get(&edit).await.status(), StatusCode::CONFLICT);
    let teacher = t;
    let t = &head;
    // The results page links the form; the form shows the current values.
    let page = t.get(&format!("/associations/{a}/results?year={year}")).await.text().await.unwrap();
    assert!(page.contains(&edit), "{page}");
    let form = t.get(&edit).await.text().await.unwrap();
    assert!(form.contains("Причина изменения подтверждённого результата"));
    assert_eq!(input_value(&form, "title"), "Турнир");
    assert_eq!(input_value(&form, "student_name"), "Петров Пётр");
    assert_eq!(input_value(&form, "on"), today());
    assert!(form.contains("value=\"contest\" selected") && form.contains("подтверждён"), "{form}");

    // Bad input: the form again with the Russian message, nothing changed.
    let base = [
        ("event", "contest"),
        ("level", "regional"),
        ("placement", "prize_winner"),
        ("format", "in_person"),
        ("student_name", "Петров Пётр"),
        ("on", &today()),
        ("reason", "уточнено название"),
    ];
    let own_s = own.to_string();
    let mut fields: Vec<(&str, &str)> = base.to_vec();
    fields.extend([("title", ""), ("teacher_ids", own_s.as_str())]);
    let r = t.form(&edit, &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text().await.unwrap();
    assert!(text.contains("Название мероприятия: поле обязательно для заполнения"), "{text}");
    assert!(text.contains("value=\"regional\" selected"), "what was typed stays: {text}");
    let b: Value = t.get(&list).await.json().await.unwrap();
    assert_eq!(find(&b, id)["result"]["status"], "confirmed");

    // A co-teacher who is no member of the association: refused with a Russian message.
    let free = app.a_free_teacher.to_string();
    let mut fields: Vec<(&str, &str)> = base.to_vec();
    fields.extend([("title", "Турнир"), ("teacher_ids", own_s.as_str()), ("teacher_ids", free.as_str())]);
    let r = t.form(&edit, &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("указывайте только членов объединения на дату результата"));

    // Without a reason: refused, the reason asked for.
    let mut fields: Vec<(&str, &str)> = base.iter().filter(|(k, _)| *k != "reason").copied().collect();
    fields.extend([("title", "Турнир юных математиков"), ("teacher_ids", own_s.as_str())]);
    let r = t.form(&edit, &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Причина: укажите, почему меняется подтверждённый результат"));
    // Good input: saved, and back to pending — a curator decides again.
    let mut fields: Vec<(&str, &str)> = base.to_vec();
    fields.extend([("title", "Турнир юных математиков"), ("teacher_ids", own_s.as_str())]);
    let r = t.form(&edit, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = t.get(r.headers()["location"].to_str().unwrap()).await.text().await.unwrap();
    assert!(page.contains("Результат изменён") && page.contains("Турнир юных математиков"), "{page}");
    assert!(page.contains("ожидает подтверждения"));
    let b: Value = t.get(&list).await.json().await.unwrap();
    let x = find(&b, id);
    assert_eq!(x["result"]["status"], "pending");
    assert_eq!(x["result"]["level"], "regional");
    assert!(x["result"]["decided_by"].is_null());

    // An ЕГЭ score and a teacher's own result, edited by the head on the page.
    let r = head
        .post_json(
            &format!("/api/v1/associations/{a}/results/exam"),
            json!({"teacher_id": own, "subject": "physics", "score": "70", "on": today()}),
        )
        .await;
    let exam = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let form = head.get(&format!("/associations/{a}/results/{exam}/edit")).await.text().await.unwrap();
    assert_eq!(input_value(&form, "score"), "70");
    let r = head
        .form(
            &format!("/associations/{a}/results/{exam}/edit"),
            &[("teacher_id", &own_s), ("subject", "physics"), ("score", "101"), ("on", &today())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Балл: целое число от 0 до 100"));
    let r = head
        .form(
            &format!("/associations/{a}/results/{exam}/edit"),
            &[("teacher_id", &own_s), ("subject", "physics"), ("score", "75"), ("on", &today())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let b: Value = head.get(&list).await.json().await.unwrap();
    assert_eq!(find(&b, exam)["result"]["score"], 75);
    let r = head
        .post_json(
            &format!("/api/v1/associations/{a}/results/teacher"),
            json!({"kind": "publication", "title": "Статья", "level": "regional", "outlet": "Сборник",
                   "teacher_ids": [own], "on": today()}),
        )
        .await;
    let own_result = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let form = head.get(&format!("/associations/{a}/results/{own_result}/edit")).await.text().await.unwrap();
    assert_eq!(input_value(&form, "outlet"), "Сборник");

    // The teacher edits their own results; the secretary (not theirs) and another municipality may not.
    assert_eq!(teacher.get(&format!("/associations/{a}/results/{own_result}/edit")).await.status(), StatusCode::OK);
    let sec = app.login("mmo.secretary").await;
    assert_eq!(sec.get(&edit).await.status(), StatusCode::FORBIDDEN);
    let bs = app.login("b.specialist").await;
    assert_eq!(bs.get(&edit).await.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn a_member_teacher_names_only_members_of_the_association_as_co_teachers() {
    let app = TestApp::start().await;
    let a = app.assoc_a;
    let own = teacher_of_account(&app, app.a_user).await;
    // A teacher of the municipality in another association (the Russian language one).
    let other: i64 = {
        let mut c = app.t.db.conn().await.unwrap();
        sqlx::query_scalar(
            "SELECT m.teacher_id FROM association_members m JOIN teachers t ON t.id = m.teacher_id
             WHERE t.municipality_id = $1 AND m.left_on IS NULL AND m.teacher_id NOT IN
               (SELECT teacher_id FROM association_members WHERE association_id = $2) ORDER BY m.teacher_id LIMIT 1",
        )
        .bind(app.muni_a)
        .bind(a)
        .fetch_one(&mut *c)
        .await
        .unwrap()
    };
    let t = app.login("teacher").await;
    let head = app.login("mmo.head").await;
    let add = format!("/api/v1/associations/{a}/results/student");
    let n = count(&app, "results").await;
    for who in [other, app.a_free_teacher] {
        let r = t.post_json(&add, contest("Турнир", "Петров", &[own, who])).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let b: Value = r.json().await.unwrap();
        assert!(b["error"]["fields"][0]["message"].as_str().unwrap().contains("только членов объединения"), "{b}");
        // The head is held to the same rule.
        let r = head.post_json(&add, contest("Турнир", "Петров", &[own, who])).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(count(&app, "results").await, n);
    // A member of the same association is a fine co-teacher.
    let r = t.post_json(&add, contest("Турнир", "Петров", &[own, app.a_teacher])).await;
    assert_eq!(r.status(), StatusCode::OK);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    // Editing cannot bring in an outsider either (the hole: any teacher of the municipality).
    for who in [other, app.a_free_teacher] {
        let r = t.put_json(&format!("/api/v1/results/{id}"), contest("Турнир", "Петров", &[own, who])).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text().await.unwrap());
    }
    let b: Value = t.get(&format!("/api/v1/associations/{a}/results?year={}", this_year())).await.json().await.unwrap();
    let x = b["results"].as_array().unwrap().iter().find(|i| i["result"]["id"] == id).unwrap();
    assert_eq!(x["result"]["teachers"].as_array().unwrap().len(), 2);
    // Not a member on the result's date: a date before the teacher joined.
    let joined: String = {
        let mut c = app.t.db.conn().await.unwrap();
        sqlx::query_scalar(
            "SELECT MIN(joined_on) FROM association_members WHERE association_id = $1 AND teacher_id = $2",
        )
        .bind(a)
        .bind(own)
        .fetch_one(&mut *c)
        .await
        .unwrap()
    };
    let before = metoda_domain::values::date("on", "", &joined).unwrap() - time::Duration::days(1);
    let mut body = contest("Турнир", "Петров", &[own]);
    body["on"] = json!(metoda_domain::values::iso_date(before));
    let r = t.put_json(&format!("/api/v1/results/{id}"), body.clone()).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = head.post_json(&add, body).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.stop().await;
}

/// Issue 12, decision 0020: the authority's overview keeps each municipality's analyses computed
/// between requests; a confirmed result (a change recorded in the audit trail, which adds to the
/// municipality's change counter) makes the next overview count it, on any app server, and the
/// overview's figures stay those of the association's own analysis, computed afresh.
#[tokio::test]
async fn the_kept_overview_counts_a_result_as_soon_as_it_is_confirmed() {
    let app = TestApp::start().await;
    let a = app.assoc_a;
    let year = this_year();
    let own = teacher_of_account(&app, app.a_user).await;
    let t = app.login("teacher").await;
    let spec = app.login("uo.specialist").await;
    let head = app.login("mmo.head").await;
    let overview = format!("/api/v1/analysis?year={year}");
    let line = |o: &Value| -> Value {
        o["lines"].as_array().unwrap().iter().find(|l| l["association_id"] == a).cloned().expect("the association")
    };
    // The same figures as the association's own analysis, row by row.
    let agrees = |line: &Value, own: &Value| {
        for v in line["values"].as_array().unwrap() {
            let row = own["indicators"].as_array().unwrap().iter().find(|i| i["code"] == v["code"]);
            if let Some(row) = row {
                assert_eq!(row["value"], v["value"], "row {} of the overview and of the analysis", v["code"]);
            }
        }
    };
    let before: Value = spec.get(&overview).await.json().await.unwrap();
    // Asked again with nothing changed: the kept figures.
    let again: Value = spec.get(&overview).await.json().await.unwrap();
    assert_eq!(line(&before), line(&again));

    let r = t
        .post_json(&format!("/api/v1/associations/{a}/results/student"), contest("Олимпиада", "Сидоров Иван", &[own]))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = upload(&t, &format!("/api/v1/results/{id}/scans"), "диплом.pdf", PDF, false).await;
    assert_eq!(r.status(), StatusCode::OK);
    // Pending, it counts in no row.
    let pending: Value = spec.get(&overview).await.json().await.unwrap();
    assert_eq!(line(&before)["values"], line(&pending)["values"]);
    // Confirmed on another app server of the same database: this one's kept figures are stale
    // and must not be shown.
    let other = metoda_web::spawn(
        metoda_web::AppState { db: app.t.db.clone(), config: Default::default(), clock: metoda_web::Clock::system() },
        "127.0.0.1:0",
    )
    .await
    .unwrap();
    let other_spec = Session { base: format!("http://{}", other.addr), ..app.login("uo.specialist").await };
    let r = other_spec.post_json(&format!("/api/v1/results/{id}/confirm"), json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let after: Value = spec.get(&overview).await.json().await.unwrap();
    assert_ne!(line(&before)["values"], line(&after)["values"], "the confirmed result is counted");
    let analysis: Value =
        head.get(&format!("/api/v1/associations/{a}/analysis?year={year}")).await.json().await.unwrap();
    agrees(&line(&after), &analysis["composed"]["analysis"]);
    other.handle.abort();
    app.stop().await;
}
