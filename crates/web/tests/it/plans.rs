//! Yearly plans and the cyclogram through the real server (SQLite or PostgreSQL): pages and the
//! JSON API, the approval path of the profile, amendments, execution, the DOCX.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use metoda_domain::ids::*;

use common::{Session, TestApp, count};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The id at the end of a redirect to `/plans/{id}`.
fn plan_id(r: &reqwest::Response) -> i64 {
    let to = r.headers()["location"].to_str().unwrap();
    to.strip_prefix("/plans/").unwrap_or_else(|| panic!("redirect to {to}")).parse().unwrap()
}

/// The text of the paragraphs of a DOCX.
fn docx_text(bytes: Vec<u8>) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a DOCX is a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    xml.split('<').filter_map(|p| p.split_once('>').map(|(_, t)| t)).collect::<Vec<_>>().join(" ")
}

async fn new_plan(s: &Session, association: i64, year: &str, prefill: &str) -> reqwest::Response {
    s.form(&format!("/associations/{association}/plans"), &[("year", year), ("prefill", prefill)]).await
}

#[tokio::test]
async fn a_plan_is_drafted_approved_by_the_profiles_path_amended_executed_and_downloaded() {
    let app = TestApp::start().await;
    let head = app.login("mmo.head").await;
    let assoc = app.assoc_a;
    let page = head.get(&format!("/associations/{assoc}")).await.text().await.unwrap();
    assert!(page.contains("План работы") && page.contains("Составить проект плана"), "the section and its form");
    assert!(page.contains("копия плана прошлого года"));

    // The demo municipality runs under seed 002: drafted by the head → approved.
    let r = new_plan(&head, assoc, "2036", "empty").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id = plan_id(&r);
    let r = new_plan(&head, assoc, "2036", "empty").await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("План на этот год у объединения уже есть"));
    let r = new_plan(&head, assoc, "двадцать", "empty").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Год плана"));

    // Items: bad input is refused in Russian and nothing is written.
    let r = head.form(&format!("/plans/{id}/items"), &[("title", ""), ("direction", "x"), ("form", "seminar")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text().await.unwrap();
    assert!(text.contains("Содержание работы") && text.contains("Направление деятельности: выберите из списка"));
    assert!(text.contains("укажите дату или месяц"));
    assert_eq!(count(&app, &format!("plan_items WHERE plan_id = {id}")).await, 0);
    let r = head
        .form(
            &format!("/plans/{id}/items"),
            &[
                ("title", "Семинар-практикум «Функциональная грамотность»"),
                ("direction", "organizational_methodical"),
                ("form", "workshop_seminar"),
                ("planned_month", "1"),
                ("responsible", "Орлова Е. П."),
                ("venue_organization_id", &app.org_a.to_string()),
                ("audience", "учителя математики"),
                ("expected_result", "методические рекомендации"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = head
        .form(
            &format!("/plans/{id}/items"),
            &[
                ("title", "Заседание № 1 «Анализ работы за прошлый год»"),
                ("direction", "analytical"),
                ("form", "meeting"),
                ("planned_on", "2036-10-15"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Another municipality's school is not a venue.
    let r = head
        .post_json(
            &format!("/api/v1/plans/{id}/items"),
            json!({"title": "Выезд", "direction": "informational", "form": "other", "planned_month": "11", "venue_organization_id": app.org_b}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["fields"][0]["field"], "venue_organization_id");
    let r = head
        .post_json(
            &format!("/api/v1/plans/{id}/items"),
            json!({"title": "Вебинар для молодых специалистов", "direction": "consultative", "form": "webinar", "planned_on": "10.03.2037"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let webinar: Value = r.json().await.unwrap();
    assert_eq!(webinar["planned_month"], 3);
    let page = head.get(&format!("/plans/{id}")).await.text().await.unwrap();
    let (oct, jan, mar) = (page.find("Октябрь").unwrap(), page.find("Январь").unwrap(), page.find("Март").unwrap());
    assert!(oct < jan && jan < mar, "months in the order of the academic year");
    assert!(page.contains("15.10.2036") && page.contains("в течение месяца"));
    assert!(page.contains("черновик"));

    // The path: not the authority's step first, not by the head at all.
    let r = head.post_json(&format!("/api/v1/plans/{id}/steps"), json!({"step": "approved"})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let spec = app.login("uo.specialist").await;
    let r = spec.post_json(&format!("/api/v1/plans/{id}/steps"), json!({"step": "approved"})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["message"], "Сейчас по положению: «составляется руководителем объединения»");
    let r = spec.post_json(&format!("/api/v1/plans/{id}/steps"), json!({"step": "adopted_at_meeting"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "not a step of this plan's path");
    let page = head.get(&format!("/plans/{id}")).await.text().await.unwrap();
    assert!(page.contains("Отметить: составляется руководителем объединения"));
    let r = head.form(&format!("/plans/{id}/steps"), &[("step", "drafted_by_head"), ("note", "проект готов")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = head.get(&format!("/plans/{id}")).await.text().await.unwrap();
    assert!(page.contains("Ожидается: утверждается"), "the head waits for the authority");
    let page = spec.get(&format!("/plans/{id}")).await.text().await.unwrap();
    assert!(page.contains("Отметить: утверждается"));
    // The step waits on the authority: its people are told, the association's are not.
    let inbox: Value = spec.get("/api/v1/notifications").await.json().await.unwrap();
    assert!(
        inbox["notifications"].as_array().unwrap().iter().any(|n| n["kind"] == "plan_step_awaited"
            && n["title"].as_str().unwrap().contains("ждёт следующего шага: утверждается")
            && n["link"] == format!("/plans/{id}")),
        "{inbox}"
    );
    let inbox: Value = head.get("/api/v1/notifications").await.json().await.unwrap();
    assert!(!inbox.to_string().contains("plan_step_awaited"), "the head took the step and waits: {inbox}");
    let r = spec.post_json(&format!("/api/v1/plans/{id}/steps"), json!({"step": "approved"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    assert_eq!((body["plan"]["status"].as_str(), body["next_step"].is_null()), (Some("approved"), true));
    assert_eq!(body["steps"].as_array().unwrap().len(), 2);

    // After approval: a change without a reason is refused; with one it is an amendment.
    let items = body["items"].as_array().unwrap();
    let seminar = items.iter().find(|i| i["form"] == "workshop_seminar").unwrap()["id"].as_i64().unwrap();
    let edit = |month: &'static str| {
        vec![
            ("title", "Семинар-практикум «Функциональная грамотность»"),
            ("direction", "organizational_methodical"),
            ("form", "workshop_seminar"),
            ("planned_month", month),
        ]
    };
    let item_page = head.get(&format!("/plans/{id}/items/{seminar}")).await.text().await.unwrap();
    assert!(item_page.contains("Причина изменения") && item_page.contains("версия 2"));
    let r = head.form(&format!("/plans/{id}/items/{seminar}"), &edit("2")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("План утверждён: изменение вносится с указанием причины"));
    let mut with_reason = edit("2");
    with_reason.push(("reason", "Совпадает с пробным ОГЭ"));
    let r = head.form(&format!("/plans/{id}/items/{seminar}"), &with_reason).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = head
        .put_json(
            &format!("/api/v1/plans/{id}/items/{}", webinar["id"]),
            json!({"title": "Вебинар для молодых специалистов", "direction": "consultative", "form": "webinar", "planned_on": "17.03.2037"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["fields"][0]["field"], "reason");
    let page = head.get(&format!("/plans/{id}")).await.text().await.unwrap();
    assert!(
        page.contains("Совпадает с пробным ОГЭ") && page.contains("месяц: январь → февраль"),
        "the amendment is listed"
    );
    assert!(page.contains("Версия</dt><dd>2"));

    // Execution: a cancellation needs a reason; done and moved are recorded; progress follows.
    let r = head.post_json(&format!("/api/v1/plans/{id}/items/{seminar}/status"), json!({"status": "cancelled"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["fields"][0]["field"], "reason");
    assert!(v["error"]["fields"][0]["message"].as_str().unwrap().starts_with("Причина"));
    let meeting_item = items.iter().find(|i| i["form"] == "meeting").unwrap()["id"].as_i64().unwrap();
    let r = head.form(&format!("/plans/{id}/items/{meeting_item}/status"), &[("status", "done")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = head
        .form(
            &format!("/plans/{id}/items/{seminar}/status"),
            &[("status", "moved"), ("moved_to", "2037-04-20"), ("reason", "карантин")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = head.get(&format!("/plans/{id}")).await.text().await.unwrap();
    assert!(page.contains("перенесено на 20.04.2037 (карантин)"));
    assert!(page.contains("<progress max=\"100\" value=\"33\">"), "one of three done in total");
    let body: Value = head.get(&format!("/api/v1/plans/{id}")).await.json().await.unwrap();
    assert_eq!(body["total"]["done"], 1);
    assert_eq!(body["total"]["moved"], 1);
    assert_eq!(body["plan"]["version"], 2, "execution is not an amendment");
    assert_eq!(body["amendments"][0]["reason"], "Совпадает с пробным ОГЭ");
    assert!(body["amendments"][0]["user_name"].as_str().is_some());

    // The DOCX: the approval block, the months, the items and their execution.
    let r = head.get(&format!("/plans/{id}/docx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().contains("wordprocessingml"));
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment; filename=\"plan-") && disposition.contains("filename*=UTF-8''"));
    let bytes = r.bytes().await.unwrap().to_vec();
    if let Ok(dir) = std::env::var("METODA_ARTIFACTS") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(format!("{dir}/plan-web.docx"), &bytes).unwrap();
    }
    let text = docx_text(bytes);
    for needle in [
        "УТВЕРЖДАЮ",
        "ПЛАН РАБОТЫ",
        "2036/2037 учебный год",
        "Октябрь",
        "Заседание № 1 «Анализ работы за прошлый год»",
        "Семинар-практикум «Функциональная грамотность»",
        "Отметка об исполнении",
        "выполнено",
    ] {
        assert!(text.contains(needle), "«{needle}» in the DOCX:\n{text}");
    }
    let r = head.get(&format!("/api/v1/plans/{id}/docx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(docx_text(r.bytes().await.unwrap().to_vec()).contains("Вебинар для молодых специалистов"));

    // B sees nothing of it; a member of A reads it but does not change it.
    let b = app.login("b.specialist").await;
    assert_eq!(b.get(&format!("/plans/{id}")).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(b.get(&format!("/api/v1/plans/{id}/docx")).await.status(), StatusCode::FORBIDDEN);
    let member = app.login("teacher").await;
    let page = member.get(&format!("/plans/{id}")).await.text().await.unwrap();
    assert!(page.contains("Семинар-практикум") && !page.contains("Внести в план"));
    let r = member.form(&format!("/plans/{id}/items/{seminar}/status"), &[("status", "done")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Every change is in the audit trail.
    let audited = format!(
        "audit_log WHERE entity = 'plan_item' AND entity_id IN (SELECT id FROM plan_items WHERE plan_id = {id})"
    );
    assert_eq!(count(&app, &audited).await, 6, "three added, one amended, two executed");
    app.stop().await;
}

#[tokio::test]
async fn under_seed_000_a_plan_needs_a_held_meeting_and_an_order_of_its_municipality() {
    let app = TestApp::start().await;
    {
        let mut c = app.t.db.conn().await.unwrap();
        let p000 = metoda_store::profiles::by_code(&mut c, "seed-000").await.unwrap();
        metoda_store::municipalities::set_profile(
            &mut c,
            &metoda_store::Actor::cli("test"),
            MunicipalityId(app.muni_a),
            p000.id,
        )
        .await
        .unwrap();
    }
    let head = app.login("mmo.head").await;
    let r = head.post_json(&format!("/api/v1/associations/{}/plans", app.assoc_a), json!({"year": 2037})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["path"], json!(["drafted_by_head", "considered_at_meeting", "approved_by_authority_order"]));
    let id = body["plan"]["id"].as_i64().unwrap();
    let r = head.post_json(&format!("/api/v1/plans/{id}/steps"), json!({"step": "drafted_by_head"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    // A meeting decision needs a held meeting of this association.
    let r = head.form(&format!("/plans/{id}/steps"), &[("step", "considered_at_meeting"), ("meeting_id", "")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Укажите заседание"));
    let meeting: i64 = {
        let mut c = app.t.db.conn().await.unwrap();
        sqlx::query_scalar(
            "INSERT INTO meetings (association_id, year, held_on, place_note, status, created_at, updated_at)
             VALUES ($1, 2037, '2037-09-10', 'каб. 5', 'held', $2, $2) RETURNING id",
        )
        .bind(app.assoc_a)
        .bind(metoda_store::now())
        .fetch_one(&mut *c)
        .await
        .unwrap()
    };
    let page = head.get(&format!("/plans/{id}")).await.text().await.unwrap();
    assert!(page.contains("Заседание 10.09.2037"), "held meetings of the year are offered");
    let r = head
        .form(&format!("/plans/{id}/steps"), &[("step", "considered_at_meeting"), ("meeting_id", &meeting.to_string())])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = head.get(&format!("/plans/{id}")).await.text().await.unwrap();
    assert!(page.contains(&format!("href=\"/meetings/{meeting}\"")), "the evidence links to the meeting");

    // The order: the municipality's own, not B's; the head may not take this step.
    let r = head
        .post_json(
            &format!("/api/v1/plans/{id}/steps"),
            json!({"step": "approved_by_authority_order", "order_id": app.a_order}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let spec = app.login("uo.specialist").await;
    let page = spec.get(&format!("/plans/{id}")).await.text().await.unwrap();
    assert!(page.contains("Приказ об утверждении плана"), "the order is picked from the municipality's orders");
    let r = spec.post_json(&format!("/api/v1/plans/{id}/steps"), json!({"step": "approved_by_authority_order"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = spec
        .post_json(
            &format!("/api/v1/plans/{id}/steps"),
            json!({"step": "approved_by_authority_order", "order_id": app.b_order}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["fields"][0]["message"], "Это приказ другого муниципалитета");
    let r = spec
        .form(
            &format!("/plans/{id}/steps"),
            &[("step", "approved_by_authority_order"), ("order_id", &app.a_order.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let order: Value = spec.get(&format!("/api/v1/orders/{}", app.a_order)).await.json().await.unwrap();
    let number = order["order"]["number"].as_str().unwrap().to_owned();
    let page = spec.get(&format!("/plans/{id}")).await.text().await.unwrap();
    assert!(page.contains(&format!("приказ № {number}")) && page.contains("утверждён"));
    let text = docx_text(spec.get(&format!("/plans/{id}/docx")).await.bytes().await.unwrap().to_vec());
    assert!(text.contains("УТВЕРЖДАЮ") && text.contains(&format!("№ {number}")), "{text}");
    app.stop().await;
}

#[tokio::test]
async fn the_cyclogram_fills_a_new_plan_and_last_years_plan_is_copied() {
    let app = TestApp::start().await;
    let assoc = app.assoc_a;
    // Start from an empty cyclogram (the demo fills one).
    {
        let mut c = app.t.db.conn().await.unwrap();
        sqlx::query("DELETE FROM cyclogram_items WHERE association_id = $1")
            .bind(assoc)
            .execute(&mut *c)
            .await
            .unwrap();
    }
    let sec = app.login("mmo.secretary").await;
    let path = format!("/associations/{assoc}/cyclogram");
    let row = |month: &'static str, title: &'static str, form: &'static str| {
        vec![
            ("month", month),
            ("title", title),
            ("direction", "organizational_methodical"),
            ("form", form),
            ("responsible", "Руководитель ММО"),
        ]
    };
    let r = sec.form(&path, &row("13", "Ошибочный месяц", "meeting")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Месяц: выберите из списка"));
    assert_eq!(count(&app, &format!("cyclogram_items WHERE association_id = {assoc}")).await, 0);
    for (m, t, f) in [
        ("8", "Августовская секция", "conference"),
        ("9", "Заседание № 1", "meeting"),
        ("5", "Анализ работы", "round_table"),
    ] {
        assert_eq!(sec.form(&path, &row(m, t, f)).await.status(), StatusCode::SEE_OTHER);
    }
    let list: Value = sec.get(&format!("/api/v1/associations/{assoc}/cyclogram")).await.json().await.unwrap();
    let months: Vec<i64> = list.as_array().unwrap().iter().map(|r| r["month"].as_i64().unwrap()).collect();
    assert_eq!(months, [9, 5, 8], "in the order of the academic year");
    let analysis = list[1]["id"].as_i64().unwrap();
    let august = list[2]["id"].as_i64().unwrap();
    // Edited on the page (a bad edit keeps what was typed), removed through the API.
    let mut bad = row("6", "", "meeting");
    bad.push(("note", "по итогам ГИА"));
    let r = sec.form(&format!("{path}/{analysis}"), &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("по итогам ГИА"));
    let mut good = row("6", "Анализ работы за год", "round_table");
    good.push(("note", "по итогам ГИА"));
    assert_eq!(sec.form(&format!("{path}/{analysis}"), &good).await.status(), StatusCode::SEE_OTHER);
    let r = sec.post_json(&format!("/api/v1/associations/{assoc}/cyclogram/{august}/remove"), json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = sec.get(&path).await.text().await.unwrap();
    assert!(page.contains("Анализ работы за год") && page.contains("по итогам ГИА") && !page.contains("Августовская"));
    let r = sec
        .post_json(
            &format!("/api/v1/associations/{assoc}/cyclogram"),
            json!({"month": "12", "title": "Консультации по аттестации", "direction": "consultative", "form": "consultation"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // A member reads the cyclogram and changes nothing.
    let member = app.login("teacher").await;
    let page = member.get(&path).await.text().await.unwrap();
    assert!(page.contains("Заседание № 1") && !page.contains("Добавить в циклограмму"));
    assert_eq!(member.form(&path, &row("1", "x", "other")).await.status(), StatusCode::FORBIDDEN);

    // A plan filled by the cyclogram: an item per row in its month.
    let r = new_plan(&sec, assoc, "2038", "cyclogram").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let first = plan_id(&r);
    let body: Value = sec.get(&format!("/api/v1/plans/{first}")).await.json().await.unwrap();
    let got: Vec<(String, i64)> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["title"].as_str().unwrap().to_owned(), i["planned_month"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            ("Заседание № 1".to_owned(), 9),
            ("Консультации по аттестации".to_owned(), 12),
            ("Анализ работы за год".to_owned(), 6),
        ]
    );
    // Executed, then copied into next year: same months, planned again.
    let done = body["items"][0]["id"].as_i64().unwrap();
    assert_eq!(
        sec.form(&format!("/plans/{first}/items/{done}/status"), &[("status", "done")]).await.status(),
        StatusCode::SEE_OTHER
    );
    let r = sec
        .post_json(&format!("/api/v1/associations/{assoc}/plans"), json!({"year": 2039, "prefill": "previous_year"}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let copy: Value = r.json().await.unwrap();
    assert_eq!(copy["plan"]["year"], 2039);
    let items = copy["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert!(items.iter().all(|i| i["status"] == "planned"));
    assert_eq!(items[0]["title"], "Заседание № 1");
    // Nothing to copy for 2045: refused with a field message.
    let r = sec
        .post_json(&format!("/api/v1/associations/{assoc}/plans"), json!({"year": 2045, "prefill": "previous_year"}))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["fields"][0]["field"], "prefill");
    let plans: Value = sec.get(&format!("/api/v1/associations/{assoc}/plans")).await.json().await.unwrap();
    let years: Vec<i64> = plans.as_array().unwrap().iter().map(|p| p["year"].as_i64().unwrap()).collect();
    assert!(years.contains(&2038) && years.contains(&2039) && !years.contains(&2045), "{years:?}");
    let page = sec.get(&format!("/associations/{assoc}")).await.text().await.unwrap();
    assert!(page.contains(&format!("href=\"/plans/{first}\"")) && page.contains("2039/2040 учебный год"));
    app.stop().await;
}

async fn set_profile(app: &TestApp, code: &str) {
    let mut c = app.t.db.conn().await.unwrap();
    let p = metoda_store::profiles::by_code(&mut c, code).await.unwrap();
    metoda_store::municipalities::set_profile(
        &mut c,
        &metoda_store::Actor::cli("test"),
        MunicipalityId(app.muni_a),
        p.id,
    )
    .await
    .unwrap();
}

async fn held_meeting(app: &TestApp, year: i64, on: &str) -> i64 {
    let mut c = app.t.db.conn().await.unwrap();
    sqlx::query_scalar(
        "INSERT INTO meetings (association_id, year, held_on, place_note, status, created_at, updated_at)
         VALUES ($1, $2, $3, 'каб. 5', 'held', $4, $4) RETURNING id",
    )
    .bind(app.assoc_a)
    .bind(year)
    .bind(on)
    .bind(metoda_store::now())
    .fetch_one(&mut *c)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_cabinet_head_agrees_the_authority_head_approves_and_a_calendar_year_runs_from_january() {
    let app = TestApp::start().await;
    let head = app.login("mmo.head").await;
    let plans = format!("/api/v1/associations/{}/plans", app.assoc_a);

    // Seed 003: the plan is agreed with the head of the methodological cabinet (003 §3.2).
    set_profile(&app, "seed-003").await;
    let body: Value = head.post_json(&plans, json!({"year": 2041})).await.json().await.unwrap();
    assert_eq!(body["path"], json!(["agreed_with_cabinet_head"]));
    let id = body["plan"]["id"].as_i64().unwrap();
    let spec = app.login("uo.specialist").await;
    let r = spec.post_json(&format!("/api/v1/plans/{id}/steps"), json!({"step": "agreed_with_cabinet_head"})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "only the cabinet head agrees");
    let cabinet = app.login("cabinet.head").await;
    let r = cabinet.form(&format!("/plans/{id}/steps"), &[("step", "agreed_with_cabinet_head")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let text = docx_text(cabinet.get(&format!("/plans/{id}/docx")).await.bytes().await.unwrap().to_vec());
    assert!(text.contains("СОГЛАСОВАНО") && text.contains("Заведующий методическим кабинетом"), "{text}");

    // Seed 004: drafted by the head → adopted at a meeting → approved by the authority's head (004 §4.2).
    set_profile(&app, "seed-004").await;
    let body: Value = head.post_json(&plans, json!({"year": 2042})).await.json().await.unwrap();
    assert_eq!(body["path"], json!(["drafted_by_head", "adopted_at_meeting", "approved_by_authority_head"]));
    let id = body["plan"]["id"].as_i64().unwrap();
    let step = |s: &'static str| json!({"step": s});
    assert_eq!(
        head.post_json(&format!("/api/v1/plans/{id}/steps"), step("drafted_by_head")).await.status(),
        StatusCode::OK
    );
    let meeting = held_meeting(&app, 2042, "2042-09-05").await;
    let sec = app.login("mmo.secretary").await;
    let r = sec
        .post_json(&format!("/api/v1/plans/{id}/steps"), json!({"step": "adopted_at_meeting", "meeting_id": meeting}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = spec.post_json(&format!("/api/v1/plans/{id}/steps"), step("approved_by_authority_head")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "the specialist does not approve for the head");
    let chief = app.login("uo.head").await;
    let r = chief.post_json(&format!("/api/v1/plans/{id}/steps"), step("approved_by_authority_head")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let me: Value = chief.get("/api/v1/me").await.json().await.unwrap();
    let last_name = me["user"]["full_name"].as_str().unwrap().split_whitespace().next().unwrap().to_owned();
    let text = docx_text(chief.get(&format!("/plans/{id}/docx")).await.bytes().await.unwrap().to_vec());
    assert!(text.contains("УТВЕРЖДАЮ") && text.contains(&last_name), "{text}");

    // Seed 001: a calendar-year plan (001 §5.1) runs from January to December.
    set_profile(&app, "seed-001").await;
    let body: Value = head.post_json(&plans, json!({"year": 2043})).await.json().await.unwrap();
    assert_eq!(body["plan"]["period"], "calendar_year");
    assert!(body["plan"]["title"].as_str().unwrap().ends_with("на 2043 год"));
    let id = body["plan"]["id"].as_i64().unwrap();
    for on in ["15.12.2043", "15.01.2043"] {
        let r = head
            .post_json(
                &format!("/api/v1/plans/{id}/items"),
                json!({"title": format!("Мероприятие {on}"), "direction": "informational", "form": "webinar", "planned_on": on}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let r = head
        .post_json(
            &format!("/api/v1/plans/{id}/items"),
            json!({"title": "x", "direction": "informational", "form": "webinar", "planned_on": "15.01.2044"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "outside the calendar year");
    let page = head.get(&format!("/plans/{id}")).await.text().await.unwrap();
    assert!(page.find("Январь").unwrap() < page.find("Декабрь").unwrap());
    assert!(page.contains("01.01.2043 – 31.12.2043"));
    app.stop().await;
}
