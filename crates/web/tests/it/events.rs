//! Events through the real server (SQLite or PostgreSQL): planned from a plan item, announced (the
//! municipality's teachers told), registered for with a cap and a waiting list that moves up on
//! its own, held with its registration sheet and a walk-in, certificates issued to those present
//! and checked on their public page without signing in, one revoked; its speakers' presentations
//! counted in the analysis once; the calendar's views and who sees what on it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{self, TestApp};
use crate::meetings::{docx_text, submit};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn today() -> String {
    metoda_domain::values::iso_date(time::OffsetDateTime::now_utc().date())
}

async fn planned_item(app: &TestApp) -> i64 {
    let mut c = app.t.db.conn().await.unwrap();
    sqlx::query_scalar(
        "SELECT MIN(i.id) FROM plan_items i JOIN work_plans p ON p.id = i.plan_id
         WHERE p.association_id = $1 AND i.status = 'planned' AND i.archived_at IS NULL",
    )
    .bind(app.assoc_a)
    .fetch_one(&mut *c)
    .await
    .unwrap()
}

/// An indicator's value in an analysis as the API sends it.
fn row(b: &Value, code: &str) -> i64 {
    b["composed"]["analysis"]["indicators"].as_array().unwrap().iter().find(|i| i["code"] == code).unwrap()["value"]
        .as_i64()
        .unwrap()
}

async fn unread(s: &common::Session, text: &str) -> bool {
    let n: Value = s.get("/api/v1/notifications").await.json().await.unwrap();
    n.to_string().contains(text)
}

#[tokio::test]
async fn an_event_from_plan_to_verified_certificate() {
    let app = TestApp::start().await;
    let head = app.login("mmo.head").await;
    let teacher = app.login("teacher").await;
    let deputy = app.login("mmo.deputy").await;
    let item = planned_item(&app).await;

    // Planned from a plan item: the form offers the item's title.
    let form = head.get(&format!("/events/new?association_id={}&plan_item_id={item}", app.assoc_a)).await;
    assert_eq!(form.status(), StatusCode::OK);
    let body = json!({
        "association_id": app.assoc_a, "title": "Формирующее оценивание на уроках математики",
        "form": "practical_seminar", "reach": "municipality", "starts_on": today(), "starts_at": "15:00",
        "venue_organization_id": app.org_a, "place_note": "каб. 21", "hours": "4", "registration_open": "1",
        "cap": "1", "plan_item_id": item,
    });
    let r = head.post_json("/api/v1/events", body).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let e: Value = r.json().await.unwrap();
    let id = e["id"].as_i64().unwrap();
    assert_eq!(e["status"], "draft");

    // A draft is its organisers' only.
    assert_eq!(teacher.get(&format!("/api/v1/events/{id}")).await.status(), StatusCode::NOT_FOUND);
    assert!(!teacher.get("/events").await.text().await.unwrap().contains("Формирующее оценивание"));

    // A stale save is refused.
    let mut stale = json!({"title": "Другое", "form": "seminar", "starts_on": today(), "place_note": "каб. 1",
        "version": e["version"].as_i64().unwrap() - 1});
    let r = head.put_json(&format!("/api/v1/events/{id}"), stale.take()).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // Announced: the municipality's teachers are told.
    let r = head.post_json(&format!("/api/v1/events/{id}/status"), json!({"action": "announce"})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert!(unread(&teacher, "Формирующее оценивание").await);

    // One place: the deputy takes it, the teacher waits.
    let r = deputy.post_json(&format!("/api/v1/events/{id}/registrations"), json!({})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let first: Value = r.json().await.unwrap();
    assert_eq!(first[0]["status"], "registered");
    let (status, page) = submit(&teacher, &format!("/events/{id}/register"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("вы в листе ожидания"), "{page}");
    // Registering twice is refused with a message, nothing written.
    let r = teacher.post_json(&format!("/api/v1/events/{id}/registrations"), json!({})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // The deputy cancels: the teacher moves up and is told.
    let rid = first[0]["id"].as_i64().unwrap();
    let r = deputy.post_json(&format!("/api/v1/events/{id}/registrations/{rid}/cancel"), json!({})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert!(unread(&teacher, "Освободилось место").await);
    let b: Value = head.get(&format!("/api/v1/events/{id}")).await.json().await.unwrap();
    assert_eq!((b["event"]["registered"].as_i64(), b["event"]["waiting"].as_i64()), (Some(1), Some(0)));
    let holder = b["registrations"].as_array().unwrap().iter().find(|r| r["status"] == "registered").unwrap().clone();
    // Someone not the organiser sees only their own registration.
    let tb: Value = teacher.get(&format!("/api/v1/events/{id}")).await.json().await.unwrap();
    assert_eq!(tb["registrations"], json!([]));
    assert_eq!(tb["mine"]["id"], holder["id"]);

    // The sheet on the day: the deputy present, a guest from another municipality walks in.
    let (status, page) =
        submit(&head, &format!("/events/{id}/sheet"), &[(&format!("attended_{}", holder["id"]), "1")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Лист регистрации сохранён"), "{page}");
    let r = head
        .post_json(
            &format!("/api/v1/events/{id}/walk-ins"),
            json!({"guest_name": "Лебедева Анна Сергеевна", "guest_organization": "МАОУ СОШ № 5 г. Томска"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    // The paper sheet lists who registered.
    let docx = head.get(&format!("/events/{id}/sheet.docx")).await;
    assert_eq!(docx.status(), StatusCode::OK);
    let text = docx_text(docx.bytes().await.unwrap().to_vec());
    assert!(text.contains("ЛИСТ РЕГИСТРАЦИИ") && text.contains("Формирующее оценивание"), "{text}");

    // The programme: two members speak — one of them had already typed this presentation in by
    // hand — and a guest.
    let year = metoda_domain::teachers::AcademicYear::containing(time::OffsetDateTime::now_utc().date()).0;
    let (speaker, typist) = {
        let mut c = app.t.db.conn().await.unwrap();
        let free: Vec<i64> = sqlx::query_scalar(
            "SELECT am.teacher_id FROM association_members am WHERE am.association_id = $1 AND am.left_on IS NULL
               AND am.teacher_id NOT IN (SELECT rt.teacher_id FROM result_teachers rt JOIN results r ON r.id = rt.result_id
                                         WHERE r.kind = 'presentation' AND r.year = $2)
             ORDER BY am.teacher_id",
        )
        .bind(app.assoc_a)
        .bind(i64::from(year))
        .fetch_all(&mut *c)
        .await
        .unwrap();
        (free[0], free[1])
    };
    {
        let mut tx = app.t.db.begin().await.unwrap();
        let d = metoda_domain::results::TeacherResultInput {
            kind: "presentation".into(),
            teacher_ids: vec![typist],
            title: "Выступление на семинаре".into(),
            level: "municipal".into(),
            format: "in_person".into(),
            form: "seminar".into(),
            on: today(),
            ..Default::default()
        }
        .parse(time::OffsetDateTime::now_utc().date())
        .unwrap();
        metoda_store::results::add_teacher_result(
            &mut tx,
            &metoda_store::Actor::cli("test"),
            metoda_domain::ids::MunicipalityId(app.muni_a),
            &d,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    let analysis = format!("/api/v1/associations/{}/analysis?year={year}", app.assoc_a);
    let before: Value = head.get(&analysis).await.json().await.unwrap();
    let results_before = common::count(&app, "results").await;
    for (teacher, topic) in [(speaker, "Приёмы формирующего оценивания"), (typist, "Самооценка учащихся")]
    {
        let r = head
            .post_json(
                &format!("/api/v1/events/{id}/programme"),
                json!({"topic": topic, "speaker_teacher_id": teacher}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    }
    let (status, page) = submit(
        &head,
        &format!("/events/{id}/programme"),
        &[("topic", "Опыт гимназии"), ("kind", "master_class"), ("speaker_name", "Лебедева Анна Сергеевна")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("В программу добавлено"), "{page}");
    // A speaker is named: an item without one is refused and its typing kept.
    let (status, page) = submit(&head, &format!("/events/{id}/programme"), &[("topic", "Без выступающего")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Без выступающего") && page.contains("Выступающий: выберите педагога"), "{page}");

    // Certificates wait for the event to be held.
    let r = head.post_json(&format!("/api/v1/events/{id}/certificates"), json!({})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = head.post_json(&format!("/api/v1/events/{id}/status"), json!({"action": "mark_held"})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    // Holding it executed the plan item.
    {
        let mut c = app.t.db.conn().await.unwrap();
        let s: String = sqlx::query_scalar("SELECT status FROM plan_items WHERE id = $1")
            .bind(item)
            .fetch_one(&mut *c)
            .await
            .unwrap();
        assert_eq!(s, "done");
    }
    // The speakers' presentations count in row 23 at once: the typist's own record linked and
    // confirmed by the event, not a second one.
    let after: Value = head.get(&analysis).await.json().await.unwrap();
    assert_eq!(row(&after, "23"), row(&before, "23") + 2);
    assert_eq!((row(&after, "21"), row(&after, "22")), (row(&before, "21"), row(&before, "22")));
    assert_eq!(common::count(&app, "results").await, results_before + 1);
    let b: Value = head.get(&format!("/api/v1/events/{id}")).await.json().await.unwrap();
    assert!(
        b["programme"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["speaker_teacher_id"].is_i64())
            .all(|p| p["result_id"].is_i64())
    );
    // A held event's programme is its record.
    let pid = b["programme"][0]["id"].as_i64().unwrap();
    let r = head.json(reqwest::Method::DELETE, &format!("/api/v1/events/{id}/programme/{pid}"), json!({})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    let r = head.post_json(&format!("/api/v1/events/{id}/certificates"), json!({})).await;
    let issued: Value = r.json().await.unwrap();
    assert_eq!(issued["issued"], 2);
    // Issuing again issues nothing more.
    let again: Value =
        head.post_json(&format!("/api/v1/events/{id}/certificates"), json!({})).await.json().await.unwrap();
    assert_eq!(again["issued"], 0);

    // The teacher sees their own certificate, with its QR code, and nobody else's.
    let db: Value = teacher.get(&format!("/api/v1/events/{id}")).await.json().await.unwrap();
    let certs = db["certificates"].as_array().unwrap();
    assert_eq!(certs.len(), 1);
    let cid = certs[0]["id"].as_i64().unwrap();
    let url = certs[0]["verify_url"].as_str().unwrap().to_owned();
    let page = teacher.get(&format!("/certificates/{cid}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("СЕРТИФИКАТ УЧАСТНИКА") && page.contains("<svg") && page.contains("4 часа"), "{page}");
    let school = app.login("org.admin").await;
    assert_eq!(school.get(&format!("/certificates/{cid}")).await.status(), StatusCode::FORBIDDEN);

    // The public page, without signing in: the name, the event, the date — nothing else.
    let code = url.rsplit('/').next().unwrap();
    let anon = TestApp::client();
    let v = anon.get(app.url(&format!("/verify/{code}"))).send().await.unwrap();
    assert_eq!(v.status(), StatusCode::OK);
    let v = v.text().await.unwrap();
    assert!(v.contains("Сертификат действителен") && v.contains("Формирующее оценивание"), "{v}");
    assert!(!v.contains("каб. 21") && !v.contains("МАОУ"), "the page shows more than the name, event and date");
    let forged = anon.get(app.url("/verify/0000000000000000deadbeef00000000")).send().await.unwrap();
    assert_eq!(forged.status(), StatusCode::NOT_FOUND);

    // The speakers' certificates: one per programme item, the guest's too, without counting the
    // speakers among the participants (the note below still says two were present); once.
    let r = head.post_json(&format!("/api/v1/events/{id}/speaker-certificates"), json!({})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_eq!(r.json::<Value>().await.unwrap()["issued"], 3);
    let again: Value =
        head.post_json(&format!("/api/v1/events/{id}/speaker-certificates"), json!({})).await.json().await.unwrap();
    assert_eq!(again["issued"], 0);
    let b: Value = head.get(&format!("/api/v1/events/{id}")).await.json().await.unwrap();
    let guest = b["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "speaker" && c["name"] == "Лебедева Анна Сергеевна")
        .expect("the guest speaker's certificate")
        .clone();
    assert!(guest["registration_id"].is_null() && guest["programme_id"].is_i64(), "{guest}");
    let page = head.get(&format!("/certificates/{}", guest["id"])).await.text().await.unwrap();
    assert!(page.contains("СВИДЕТЕЛЬСТВО ВЫСТУПАЮЩЕГО") && page.contains("с темой «Опыт гимназии»"), "{page}");
    let guest_code = guest["verify_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let v = anon.get(app.url(&format!("/verify/{guest_code}"))).send().await.unwrap().text().await.unwrap();
    assert!(v.contains("Лебедева Анна Сергеевна") && !v.contains("Опыт гимназии"), "{v}");
    let page = head.get(&format!("/events/{id}")).await.text().await.unwrap();
    assert!(!page.contains("Выдать свидетельства выступающим"), "nothing is left to issue");

    // The organisers' conclusions (a stale save refused) and the note on the results.
    let v = b["event"]["version"].as_i64().unwrap();
    let r =
        head.put_json(&format!("/api/v1/events/{id}/outcome"), json!({"outcome": "Старое", "version": v - 5})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = head
        .put_json(
            &format!("/api/v1/events/{id}/outcome"),
            json!({"outcome": "Опыт рекомендован к распространению в школах района.", "version": v}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    // The filled sheet: the marks in place of signatures and the counts; the programme.
    let sheet = head.get(&format!("/events/{id}/attendance.docx")).await;
    assert_eq!(sheet.status(), StatusCode::OK);
    let bytes = sheet.bytes().await.unwrap().to_vec();
    keep("event-attendance-web.docx", &bytes);
    let text = docx_text(bytes);
    for part in ["Отметка о присутствии", "присутствовал(а), без регистрации", "присутствовали: 2 человека"]
    {
        assert!(text.contains(part), "«{part}» is missing:\n{text}");
    }
    let programme = teacher.get(&format!("/events/{id}/programme.docx")).await;
    assert_eq!(programme.status(), StatusCode::OK);
    let bytes = programme.bytes().await.unwrap().to_vec();
    keep("event-programme-web.docx", &bytes);
    let text = docx_text(bytes);
    for part in ["ПРОГРАММА", "Приёмы формирующего оценивания", "Лебедева Анна Сергеевна", "мастер-класс"]
    {
        assert!(text.contains(part), "«{part}» is missing:\n{text}");
    }
    let note = head.get(&format!("/events/{id}/note.docx")).await;
    assert_eq!(note.status(), StatusCode::OK);
    let bytes = note.bytes().await.unwrap().to_vec();
    keep("event-note-web.docx", &bytes);
    let text = docx_text(bytes);
    for part in [
        "СПРАВКА",
        "Формирующее оценивание",
        "присутствовали: 2 человека",
        "Приёмы формирующего оценивания",
        "рекомендован к распространению",
    ] {
        assert!(text.contains(part), "«{part}» is missing:\n{text}");
    }

    // The teacher rates it (anonymously: the organisers see the words, not the name); someone who
    // was not there cannot.
    let r = teacher.post_json(&format!("/api/v1/events/{id}/rating"), json!({"score": 6})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = teacher
        .post_json(
            &format!("/api/v1/events/{id}/rating"),
            json!({"score": 5, "comment": "Очень полезно", "anonymous": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_eq!(
        deputy.post_json(&format!("/api/v1/events/{id}/rating"), json!({"score": 1})).await.status(),
        StatusCode::FORBIDDEN
    );
    let b: Value = head.get(&format!("/api/v1/events/{id}")).await.json().await.unwrap();
    assert_eq!((b["ratings"]["count"].as_i64(), b["ratings"]["average"].as_f64()), (Some(1), Some(5.0)));
    assert_eq!(b["ratings"]["comments"][0]["comment"], "Очень полезно");
    assert!(b["ratings"]["comments"][0]["name"].is_null());
    let page = head.get(&format!("/events/{id}")).await.text().await.unwrap();
    assert!(page.contains("5,0 из 5 — 1 оценка") && page.contains("анонимно"), "{page}");

    // Materials and photographs: a photograph on the page, a file of no accepted type refused with
    // the title kept, a link through the API; the reader opens the photograph, nobody signed out
    // does; removed, it is gone.
    let upload = |path: String, name: &'static str, bytes: &'static [u8], title: &'static str| {
        let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name);
        let form = reqwest::multipart::Form::new().text("title", title).part("file", part);
        head.c.post(head.url(&path)).header("x-csrf-token", &head.csrf).multipart(form).send()
    };
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
    let r = upload(format!("/events/{id}/materials"), "zal.png", PNG, "Фото зала").await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = head.get(r.headers()["location"].to_str().unwrap()).await.text().await.unwrap();
    assert!(page.contains("Приложено: «Фото зала»") && page.contains("<img src=\"/attachments/"), "{page}");
    let r = upload(format!("/events/{id}/materials"), "virus.exe", b"MZ\x90\x00", "Сценарий").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("Файл не принят") && page.contains("value=\"Сценарий\""), "{page}");
    let form = reqwest::multipart::Form::new().text("url", "https://example.org/slides").text("title", "Слайды");
    let r = head
        .c
        .post(head.url(&format!("/api/v1/events/{id}/materials")))
        .header("x-csrf-token", &head.csrf)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let link: Value = r.json().await.unwrap();
    assert_eq!((link["owner"].as_str(), link["kind"].as_str()), (Some("event"), Some("event_documents")));
    // A body that is no multipart form is the API's own JSON error.
    let r = head
        .c
        .post(head.url(&format!("/api/v1/events/{id}/materials")))
        .header("x-csrf-token", &head.csrf)
        .header("content-type", "multipart/form-data")
        .body("no boundary")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    assert!(r.text().await.unwrap().contains("multipart/form-data"));
    let b: Value = teacher.get(&format!("/api/v1/events/{id}")).await.json().await.unwrap();
    let photo = b["materials"].as_array().unwrap().iter().find(|a| a["title"] == "Фото зала").unwrap()["id"].clone();
    let r = teacher.get(&format!("/attachments/{photo}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png");
    let r = anon.get(app.url(&format!("/attachments/{photo}"))).send().await.unwrap();
    assert_ne!(r.status(), StatusCode::OK);
    let r = head.json(reqwest::Method::DELETE, &format!("/api/v1/events/{id}/materials/{photo}"), json!({})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["materials"].as_array().unwrap().len(), 1);
    assert_eq!(teacher.get(&format!("/attachments/{photo}")).await.status(), StatusCode::NOT_FOUND);
    // The register of required documents counts the held event's documents.
    {
        let mut c = app.t.db.conn().await.unwrap();
        let year = metoda_domain::teachers::AcademicYear::containing(time::OffsetDateTime::now_utc().date());
        let aid = metoda_domain::ids::AssociationId(app.assoc_a);
        let r = metoda_store::associations::records(&mut c, aid, year, year.0).await.unwrap();
        let register = metoda_domain::documents::register(
            &[metoda_domain::profile::RequiredDocument::EventDocuments],
            &r.facts(0),
        );
        assert!(register[0].present && register[0].note.contains("проведённ"), "{:?}", register[0]);
    }

    // Revoked: the page says so.
    let r = head.post_json(&format!("/api/v1/certificates/{cid}/revoke"), json!({"reason": "  "})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = head.post_json(&format!("/api/v1/certificates/{cid}/revoke"), json!({"reason": "выдан ошибочно"})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let v = anon.get(app.url(&format!("/verify/{code}"))).send().await.unwrap().text().await.unwrap();
    assert!(v.contains("Сертификат отозван"), "{v}");
    app.stop().await;
}

#[tokio::test]
async fn the_calendar_shows_each_reader_what_they_may_see() {
    let app = TestApp::start().await;
    let head = app.login("mmo.head").await;
    let mk = |title: &str, reach: &str| {
        json!({"association_id": app.assoc_a, "title": title, "form": "master_class", "reach": reach,
            "starts_on": today(), "place_note": "каб. 5"})
    };
    for (title, reach) in [("Мастер-класс для своих", "members"), ("Мастер-класс для всех", "public")]
    {
        let e: Value = head.post_json("/api/v1/events", mk(title, reach)).await.json().await.unwrap();
        let r = head.post_json(&format!("/api/v1/events/{}/status", e["id"]), json!({"action": "announce"})).await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    // A's member sees both in every view; B's teacher sees neither on B's calendar, and A's
    // members-only one never.
    let teacher = app.login("teacher").await;
    for view in ["list", "month", "week"] {
        let page = teacher.get(&format!("/events?view={view}")).await.text().await.unwrap();
        assert!(page.contains("Мастер-класс для своих") && page.contains("Мастер-класс для всех"), "{view}: {page}");
    }
    let b = app.login("b.teacher").await;
    let page = b.get("/events").await.text().await.unwrap();
    assert!(!page.contains("Мастер-класс"), "{page}");
    assert_eq!(b.get(&format!("/events?municipality_id={}", app.muni_a)).await.status(), StatusCode::FORBIDDEN);
    // The filters: the association's master classes are these two (the demo has its own).
    let l: Value = teacher
        .get(&format!("/api/v1/events?form=master_class&association_id={}&view=week", app.assoc_a))
        .await
        .json()
        .await
        .unwrap();
    let titles: Vec<&str> = l["events"].as_array().unwrap().iter().filter_map(|e| e["title"].as_str()).collect();
    assert!(titles.contains(&"Мастер-класс для своих") && titles.contains(&"Мастер-класс для всех"), "{titles:?}");
    assert!(l["events"].as_array().unwrap().iter().all(|e| e["form"] == "master_class"));
    let l: Value = teacher
        .get(&format!("/api/v1/events?form=webinar&association_id={}&view=week", app.assoc_a))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(l["total"], 0);
    let r = teacher.get("/api/v1/events?form=nonsense").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = teacher.get("/api/v1/events?month=2027-13").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.stop().await;
}

#[tokio::test]
async fn co_organisers_see_the_event_and_their_members_may_open_one_for_members() {
    let app = TestApp::start().await;
    let other: i64 = {
        let mut c = app.t.db.conn().await.unwrap();
        sqlx::query_scalar(
            "SELECT MIN(id) FROM associations WHERE municipality_id = $1 AND id <> $2 AND status = 'active'",
        )
        .bind(app.muni_a)
        .bind(app.assoc_a)
        .fetch_one(&mut *c)
        .await
        .unwrap()
    };
    let authority = app.login("uo.specialist").await;
    let mk = |title: &str, organiser: i64, partners: Vec<i64>| {
        json!({"association_id": organiser, "title": title, "form": "round_table", "reach": "members",
            "starts_on": today(), "place_note": "каб. 7", "coorganiser_ids": partners})
    };
    // Neither the organiser itself nor an association of another municipality co-organises.
    for partners in [vec![other], vec![app.assoc_b]] {
        let r = authority.post_json("/api/v1/events", mk("Круглый стол", other, partners)).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("Соорганизаторы"));
    }
    let mut ids = vec![];
    for (title, partners) in [("Круглый стол двух объединений", vec![app.assoc_a]), ("Круглый стол для своих", vec![])]
    {
        let r = authority.post_json("/api/v1/events", mk(title, other, partners)).await;
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
        let e: Value = r.json().await.unwrap();
        let r = authority.post_json(&format!("/api/v1/events/{}/status", e["id"]), json!({"action": "announce"})).await;
        assert_eq!(r.status(), StatusCode::OK);
        ids.push(e["id"].as_i64().unwrap());
    }
    let b: Value = authority.get(&format!("/api/v1/events/{}", ids[0])).await.json().await.unwrap();
    assert_eq!(b["coorganisers"][0]["association_id"], app.assoc_a, "{b}");
    // A's member sees the co-organised one (calendar, A's filter, its page), not the other.
    let teacher = app.login("teacher").await;
    let page = teacher.get("/events").await.text().await.unwrap();
    assert!(page.contains("Круглый стол двух объединений") && !page.contains("Круглый стол для своих"), "{page}");
    let l: Value = teacher.get(&format!("/api/v1/events?association_id={}", app.assoc_a)).await.json().await.unwrap();
    assert!(l["events"].as_array().unwrap().iter().any(|e| e["id"] == ids[0]), "{l}");
    let page = teacher.get(&format!("/events/{}", ids[0])).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Соорганизаторы"));
    assert_eq!(teacher.get(&format!("/events/{}", ids[1])).await.status(), StatusCode::FORBIDDEN);
    // A's page lists it among its events, marked as co-organised.
    let page = authority.get(&format!("/associations/{}", app.assoc_a)).await.text().await.unwrap();
    assert!(page.contains("Круглый стол двух объединений</a> <span class=\"muted\">(соорганизатор)"), "{page}");
    // Co-organising is not organising: A's head does not change X's event.
    let head = app.login("mmo.head").await;
    let r =
        head.post_json(&format!("/api/v1/events/{}/status", ids[0]), json!({"action": "cancel", "reason": "x"})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // A teacher who joins X in the bank (no role in it) is X's member: X's own event opens too.
    {
        let mut tx = app.t.db.begin().await.unwrap();
        let x = metoda_store::associations::get(&mut tx, metoda_domain::ids::AssociationId(other)).await.unwrap();
        let me: i64 = sqlx::query_scalar("SELECT id FROM teachers WHERE user_id = $1")
            .bind(app.a_user)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        let on = metoda_domain::values::iso_date(time::OffsetDateTime::now_utc().date());
        metoda_store::associations::add_member(
            &mut tx,
            &metoda_store::Actor::cli("test"),
            &x,
            metoda_domain::ids::TeacherId(me),
            &on,
            None,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    assert_eq!(teacher.get(&format!("/events/{}", ids[1])).await.status(), StatusCode::OK);
    let page = teacher.get("/events").await.text().await.unwrap();
    assert!(page.contains("Круглый стол для своих"), "{page}");
    app.stop().await;
}

#[tokio::test]
async fn a_standing_seminar_meets_in_sessions_and_a_decade_dates_its_programme() {
    let app = TestApp::start().await;
    let head = app.login("mmo.head").await;
    let day = time::OffsetDateTime::now_utc().date() + time::Duration::days(10);
    let iso = |d: time::Date| metoda_domain::values::iso_date(d);
    let r = head
        .post_json(
            "/api/v1/events",
            json!({"association_id": app.assoc_a, "title": "Постоянно действующий семинар «Смысловое чтение»",
                "form": "standing_seminar", "starts_on": iso(day), "starts_at": "15:00", "place_note": "каб. 12",
                "hours": "2"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let first: Value = r.json().await.unwrap();
    let id = first["id"].as_i64().unwrap();
    // Two more sessions a month apart: drafts like the first, in one series.
    for months in [1, 2] {
        let on = iso(day + time::Duration::days(28 * months));
        let r = head.post_json(&format!("/api/v1/events/{id}/sessions"), json!({ "on": on })).await;
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
        let s: Value = r.json().await.unwrap();
        assert_eq!(
            (s["status"].as_str(), s["starts_at"].as_str(), s["series_id"].as_i64()),
            (Some("draft"), Some("15:00"), Some(id))
        );
    }
    let b: Value = head.get(&format!("/api/v1/events/{id}")).await.json().await.unwrap();
    let days: Vec<&str> = b["series"].as_array().unwrap().iter().filter_map(|x| x["starts_on"].as_str()).collect();
    assert_eq!(days.len(), 3, "{b}");
    assert!(days.windows(2).all(|w| w[0] < w[1]), "by day: {days:?}");
    // One session a day: the page keeps the typed day and says why.
    let (status, page) = submit(&head, &format!("/events/{id}/sessions"), &[("on", &iso(day))]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("занятие серии уже есть") && page.contains(&format!("value=\"{}\"", iso(day))), "{page}");
    let page = head.get(&format!("/events/{id}")).await.text().await.unwrap();
    assert!(page.contains("Занятия серии") && page.contains("это занятие"), "{page}");
    // Only the organisers add sessions (to a draft a member does not even see; announced, refused).
    let teacher = app.login("teacher").await;
    let r = teacher
        .post_json(&format!("/api/v1/events/{id}/sessions"), json!({"on": iso(day + time::Duration::days(3))}))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = head.post_json(&format!("/api/v1/events/{id}/status"), json!({"action": "announce"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = teacher
        .post_json(&format!("/api/v1/events/{id}/sessions"), json!({"on": iso(day + time::Duration::days(3))}))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // A decade of three days dates the items of its programme within its days.
    let r = head
        .post_json(
            "/api/v1/events",
            json!({"association_id": app.assoc_a, "title": "Предметная декада математики", "form": "subject_decade",
                "starts_on": iso(day), "ends_on": iso(day + time::Duration::days(2)), "place_note": "школы района"}),
        )
        .await;
    let decade: Value = r.json().await.unwrap();
    let did = decade["id"].as_i64().unwrap();
    let item = |on: time::Date, topic: &str| json!({"on": iso(on), "starts_at": "10:00", "topic": topic, "speaker_name": "Гостева Анна"});
    let r = head
        .post_json(&format!("/api/v1/events/{did}/programme"), item(day + time::Duration::days(5), "Вне декады"))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("в дни мероприятия"));
    for (k, topic) in [(2, "Математический бой"), (0, "Открытие декады")] {
        let r = head
            .post_json(&format!("/api/v1/events/{did}/programme"), item(day + time::Duration::days(k), topic))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    }
    let b: Value = head.get(&format!("/api/v1/events/{did}")).await.json().await.unwrap();
    let topics: Vec<&str> = b["programme"].as_array().unwrap().iter().filter_map(|p| p["topic"].as_str()).collect();
    assert_eq!(topics, ["Открытие декады", "Математический бой"], "by day");
    assert_eq!(b["programme"][0]["on_date"].as_str(), Some(iso(day).as_str()));
    let docx = head.get(&format!("/events/{did}/programme.docx")).await.bytes().await.unwrap().to_vec();
    let text = docx_text(docx);
    assert!(
        text.contains("День, время") && text.contains(&format!("{}, 10:00", metoda_domain::values::ru_date(day))),
        "{text}"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_authority_finds_the_municipality_s_teachers_for_its_own_event() {
    let app = TestApp::start().await;
    let authority = app.login("uo.specialist").await;
    let r = authority
        .post_json(
            "/api/v1/events",
            json!({"municipality_id": app.muni_a, "title": "Муниципальный семинар руководителей ММО",
                "form": "seminar", "reach": "municipality", "starts_on": today(), "place_note": "управление образования"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = authority.post_json(&format!("/api/v1/events/{id}/status"), json!({"action": "announce"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let (tid, last): (i64, String) = {
        let mut c = app.t.db.conn().await.unwrap();
        sqlx::query_as(
            "SELECT id, last_name FROM teachers WHERE municipality_id = $1 AND archived_at IS NULL ORDER BY id",
        )
        .bind(app.muni_a)
        .fetch_one(&mut *c)
        .await
        .unwrap()
    };
    // Without a search the page says how to find people; with one, the found are offered.
    let page = authority.get(&format!("/events/{id}")).await.text().await.unwrap();
    assert!(page.contains("найдите его: найденные появятся в формах ниже"), "{page}");
    let page = authority.get(&format!("/events/{id}?find={last}")).await.text().await.unwrap();
    assert!(page.contains(&format!("name=\"teacher_ids\" value=\"{tid}\"")), "{page}");
    assert!(
        page.contains(&format!("<option value=\"{tid}\"")) && page.contains("Найденные педагоги муниципалитета"),
        "{page}"
    );
    let page = authority.get(&format!("/events/{id}?find=Несуществующая")).await.text().await.unwrap();
    assert!(page.contains("Никто не найден."), "{page}");
    // The found teacher is registered and named a speaker.
    let (status, page) =
        submit(&authority, &format!("/events/{id}/registrations"), &[("teacher_ids", &tid.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let r = authority
        .post_json(&format!("/api/v1/events/{id}/programme"), json!({"topic": "Итоги года", "speaker_teacher_id": tid}))
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let b: Value = authority.get(&format!("/api/v1/events/{id}")).await.json().await.unwrap();
    assert_eq!(b["registrations"][0]["teacher_id"], tid, "{b}");
    app.stop().await;
}

#[tokio::test]
async fn an_olympiad_s_placements_become_results_once_confirmed_and_earn_diplomas() {
    let app = TestApp::start().await;
    let head = app.login("mmo.head").await;
    let body = json!({
        "association_id": app.assoc_a, "title": "Муниципальная олимпиада по математике, 7 класс",
        "form": "student_olympiad", "reach": "municipality", "starts_on": today(), "place_note": "МБОУ СОШ № 1",
        "hours": "0",
    });
    let e: Value = head.post_json("/api/v1/events", body).await.json().await.unwrap();
    let id = e["id"].as_i64().unwrap();
    assert_eq!(e["audience"], "students");
    let r = head.post_json(&format!("/api/v1/events/{id}/status"), json!({"action": "announce"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    // The students on the sheet, by name.
    let mut regs = vec![];
    for name in ["Иванов Пётр", "Сидорова Мария", "Козлов Артём"] {
        let r: Value = head
            .post_json(
                &format!("/api/v1/events/{id}/registrations"),
                json!({"guest_name": name, "guest_organization": "МБОУ СОШ № 1"}),
            )
            .await
            .json()
            .await
            .unwrap();
        regs.push(r[0]["id"].as_i64().unwrap());
    }
    // Who organised it and who wrote its tasks.
    for (teacher, role) in
        [(app.a_teacher, "organiser"), (app.a_free_teacher, "organiser"), (app.a_teacher, "assessment_author")]
    {
        let r =
            head.post_json(&format!("/api/v1/events/{id}/staff"), json!({"teacher_id": teacher, "role": role})).await;
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    }
    let r = head
        .post_json(&format!("/api/v1/events/{id}/staff"), json!({"teacher_id": app.b_teacher, "role": "organiser"}))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "a teacher of another municipality");
    let marks: Vec<Value> =
        regs.iter().enumerate().map(|(i, r)| json!({"registration_id": r, "attended": i < 2})).collect();
    let r = head.put_json(&format!("/api/v1/events/{id}/attendance"), json!({"marks": marks})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    // Not before it is held.
    let winner = json!({"registration_id": regs[0], "placement": "winner", "teacher_id": app.a_teacher, "grade": "7", "subject": "математика"});
    let r = head.post_json(&format!("/api/v1/events/{id}/placements"), winner.clone()).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let year = metoda_domain::teachers::AcademicYear::containing(time::OffsetDateTime::now_utc().date()).0;
    let analysis = format!("/api/v1/associations/{}/analysis?year={year}", app.assoc_a);
    let before: Value = head.get(&analysis).await.json().await.unwrap();
    let r = head.post_json(&format!("/api/v1/events/{id}/status"), json!({"action": "mark_held"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    // Held: its organisers share one event with its two students present (28.1 counts it once),
    // its author one assessment set (27.1).
    let held: Value = head.get(&analysis).await.json().await.unwrap();
    assert_eq!(row(&held, "28.1"), row(&before, "28.1") + 2);
    assert_eq!(row(&held, "27.1"), row(&before, "27.1") + 1);
    let before = held;
    let r = head.post_json(&format!("/api/v1/events/{id}/placements"), winner.clone()).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let placed: Value = r.json().await.unwrap();
    // Once per participant; the absent cannot be placed; a student's place needs who prepared them.
    let r = head.post_json(&format!("/api/v1/events/{id}/placements"), winner).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = head
        .post_json(
            &format!("/api/v1/events/{id}/placements"),
            json!({"registration_id": regs[2], "placement": "prize_winner", "teacher_id": app.a_teacher}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (status, page) = submit(
        &head,
        &format!("/events/{id}/placements"),
        &[("registration_id", &regs[1].to_string()), ("placement", "prize_winner")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Кто подготовил: выберите педагога"), "{page}");
    let r = head
        .post_json(
            &format!("/api/v1/events/{id}/placements"),
            json!({"registration_id": regs[1], "placement": "prize_winner", "teacher_id": app.a_teacher, "grade": "7"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());

    // Pending: not counted until a curator confirms, like any other result.
    let pending: Value = head.get(&analysis).await.json().await.unwrap();
    assert_eq!((row(&pending, "16"), row(&pending, "16.1")), (row(&before, "16"), row(&before, "16.1")));
    let rid = placed["result_id"].as_i64().unwrap();
    let r = crate::results::upload(
        &head,
        &format!("/api/v1/results/{rid}/scans"),
        "протокол.pdf",
        crate::results::PDF,
        false,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let curator = app.login("uo.specialist").await;
    let r = curator.post_json(&format!("/api/v1/results/{rid}/confirm"), json!({})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let after: Value = head.get(&analysis).await.json().await.unwrap();
    assert_eq!(row(&after, "16.1"), row(&before, "16.1") + 1);
    assert!(row(&after, "16") >= row(&before, "16") && row(&after, "16") <= row(&before, "16") + 1);
    assert_eq!(row(&after, "17.1"), row(&before, "17.1"));

    // Diplomas for the two placed, none for the absent; no participants' certificates without hours.
    let d: Value = head.post_json(&format!("/api/v1/events/{id}/diplomas"), json!({})).await.json().await.unwrap();
    assert_eq!(d["issued"], 2);
    let b: Value = head.get(&format!("/api/v1/events/{id}")).await.json().await.unwrap();
    let kinds: Vec<&str> = b["certificates"].as_array().unwrap().iter().filter_map(|c| c["kind"].as_str()).collect();
    assert_eq!(kinds, ["winner", "prizewinner"]);
    let page = head.get(&format!("/certificates/{}", b["certificates"][0]["id"])).await.text().await.unwrap();
    assert!(page.contains("ДИПЛОМ ПОБЕДИТЕЛЯ") && page.contains("Иванов Пётр"), "{page}");
    app.stop().await;
}

#[tokio::test]
async fn events_reach_calendar_feeds_and_the_public_calendar_without_personal_data() {
    let app = TestApp::start().await;
    let head = app.login("mmo.head").await;
    let mk = |title: &str, reach: &str, days: i64| {
        let on = metoda_domain::values::iso_date(time::OffsetDateTime::now_utc().date() + time::Duration::days(days));
        json!({"association_id": app.assoc_a, "title": title, "form": "seminar", "reach": reach, "starts_on": on,
            "starts_at": "14:00", "place_note": "каб. 5", "registration_open": "1"})
    };
    let mut ids = vec![];
    for (title, reach) in [("Семинар для своих", "members"), ("Открытый семинар для всех", "public")]
    {
        let e: Value = head.post_json("/api/v1/events", mk(title, reach, 3)).await.json().await.unwrap();
        let r = head.post_json(&format!("/api/v1/events/{}/status", e["id"]), json!({"action": "announce"})).await;
        assert_eq!(r.status(), StatusCode::OK);
        ids.push(e["id"].as_i64().unwrap());
    }
    let draft: Value =
        head.post_json("/api/v1/events", mk("Черновик открытого семинара", "public", 4)).await.json().await.unwrap();
    assert_eq!(draft["status"], "draft");
    // A teacher registers for the open one: their name is on it, yet never on a public page.
    let teacher = app.login("teacher").await;
    let r = teacher.post_json(&format!("/api/v1/events/{}/registrations", ids[1]), json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);

    let anon = TestApp::client();
    let page = anon.get(app.url(&format!("/public/events?municipality_id={}", app.muni_a))).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("Открытый семинар для всех"), "{page}");
    assert!(!page.contains("Семинар для своих") && !page.contains("Черновик"), "{page}");
    assert!(!page.contains("Васильев"), "a participant's name on the public page");
    let feed = anon.get(app.url(&format!("/ical/public/{}.ics", app.muni_a))).send().await.unwrap();
    assert_eq!(feed.status(), StatusCode::OK);
    let text = feed.text().await.unwrap();
    let cal: icalendar::Calendar = text.parse().unwrap();
    let summaries: Vec<String> = cal
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .filter_map(|e| icalendar::Component::get_summary(e).map(str::to_owned))
        .collect();
    assert!(summaries.iter().any(|s| s == "Семинар: Открытый семинар для всех"), "{summaries:?}");
    assert!(!summaries.iter().any(|s| s.contains("для своих") || s.contains("Черновик")), "{summaries:?}");
    assert_eq!(anon.get(app.url("/ical/public/nonsense.ics")).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    // The teacher's own feed has both: the association's event and the one they registered for.
    let r: Value = teacher.post_json("/api/v1/me/calendars", json!({})).await.json().await.unwrap();
    let url = r["url"].as_str().unwrap().to_owned();
    let path = url.split_once("/ical/").map(|(_, p)| format!("/ical/{p}")).unwrap();
    let text = anon.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    assert!(text.contains("Семинар для своих") && text.contains("Открытый семинар для всех"), "{text}");
    assert!(!text.contains("Черновик"), "{text}");
    app.stop().await;
}

/// Keeps a document for .ci/run, which opens each in LibreOffice.
fn keep(name: &str, bytes: &[u8]) {
    if let Ok(dir) = std::env::var("METODA_ARTIFACTS") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(format!("{dir}/{name}"), bytes).unwrap();
    }
}
