//! Issue "Trust", tried as a hostile user would: nobody grants or takes over more than they hold,
//! the audit trail shows no more than the record would, a confirmed result is not rewritten by a
//! teacher alone, and only who was there signs the minutes. Runs on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use metoda_domain::ids::*;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn user_id(app: &TestApp, login: &str) -> i64 {
    let mut c = app.t.db.conn().await.unwrap();
    metoda_store::users::by_login(&mut c, login).await.unwrap().unwrap().0.id.get()
}

async fn roles_of(app: &TestApp, user: i64) -> Vec<String> {
    let mut c = app.t.db.conn().await.unwrap();
    sqlx::query_scalar("SELECT role FROM role_grants WHERE user_id = $1 ORDER BY role")
        .bind(user)
        .fetch_all(&mut *c)
        .await
        .unwrap()
}

#[tokio::test]
async fn nobody_grants_or_takes_over_more_than_they_hold() {
    let app = TestApp::start().await;
    let op = app.login("operator").await;
    let op_id = user_id(&app, "operator").await;
    let uo_head = user_id(&app, "uo.head").await;
    let spec_id = user_id(&app, "uo.specialist").await;
    let teacher = user_id(&app, "teacher").await;

    // The region operator cannot make itself the authority's head, and so reads no birth date.
    let r = op
        .post_json(&format!("/api/v1/users/{op_id}/grants"), json!({"role": "authority_head", "scope_id": app.muni_a}))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(roles_of(&app, op_id).await, ["region_operator"]);
    assert_eq!(op.get(&format!("/api/v1/teachers/{}", app.a_teacher)).await.status(), StatusCode::FORBIDDEN);
    // Nor through the page.
    let scope = format!("municipality:{}", app.muni_a);
    let r = op.form(&format!("/users/{op_id}/grants"), &[("role", "authority_head"), ("scope", &scope)]).await;
    assert!(r.status() == StatusCode::FORBIDDEN || r.status() == StatusCode::UNPROCESSABLE_ENTITY, "{}", r.status());
    assert_eq!(roles_of(&app, op_id).await, ["region_operator"]);

    // Nor reset the authority head's password (and then sign in as the head).
    let r = op
        .put_json(
            &format!("/api/v1/users/{uo_head}"),
            json!({"full_name": "Руководитель", "email": "", "password": "захват-пароля-123"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = op.form(&format!("/users/{uo_head}/password"), &[("password", "захват-пароля-123")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    app.login("uo.head").await; // the old password still works
    // Nor block a teacher, nor create an account with a municipal role.
    let r = op.form(&format!("/users/{teacher}/archive"), &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = op
        .post_json(
            "/api/v1/users",
            json!({"login": "op.made", "full_name": "Созданный оператором", "password": "пароль-оператора-1",
                   "role": "org_admin", "scope_id": app.org_a}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(common::count(&app, "users WHERE login = 'op.made'").await, 0);
    // It still manages region operators of its own region.
    let r = op
        .post_json(
            "/api/v1/users",
            json!({"login": "op.two", "full_name": "Второй оператор", "password": "пароль-оператора-1",
                   "role": "region_operator", "scope_id": app.region}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    // The authority's specialist cannot make itself the head, the cabinet head or an officer of
    // an association (who approve, agree and sign what the specialist may not).
    let spec = app.login("uo.specialist").await;
    for (role, scope) in
        [("authority_head", app.muni_a), ("cabinet_head", app.muni_a), ("association_head", app.assoc_a)]
    {
        let r =
            spec.post_json(&format!("/api/v1/users/{spec_id}/grants"), json!({"role": role, "scope_id": scope})).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{role}");
    }
    let r = spec
        .post_json(&format!("/api/v1/users/{teacher}/grants"), json!({"role": "deputy", "scope_id": app.assoc_a}))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(roles_of(&app, spec_id).await, ["authority_specialist"]);
    // Nor reset the password of the head; it does reset a teacher's.
    let r = spec
        .put_json(
            &format!("/api/v1/users/{uo_head}"),
            json!({"full_name": "Р", "email": "", "password": "захват-пароля-123"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = spec
        .put_json(
            &format!("/api/v1/users/{teacher}"),
            json!({"full_name": "Смирнова Анна Викторовна", "email": "", "password": "новый-пароль-123"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // The page shows the specialist no controls over the head's account.
    let page = spec.get(&format!("/users/{uo_head}")).await.text().await.unwrap();
    assert!(!page.contains(&format!("/users/{uo_head}/password")), "no password form for the head");

    // The authority's head appoints: it gives the deputy's role.
    let head = app.login("uo.head").await;
    let r = head
        .post_json(&format!("/api/v1/users/{teacher}/grants"), json!({"role": "deputy", "scope_id": app.assoc_a}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // Now the teacher holds a role the specialist does not cover: the specialist no longer
    // manages that account.
    let r = spec.form(&format!("/users/{teacher}/archive"), &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let v: Value = spec.get(&format!("/api/v1/users/{teacher}")).await.json().await.unwrap();
    assert_eq!(v["user"]["login"], "teacher", "the specialist still sees the account");
    app.stop().await;
}

/// Every value of an audit entry the reader would see as `field`: old and new.
fn values_of(entries: &Value, field: &str) -> Vec<Value> {
    let mut out = vec![];
    for e in entries["entries"].as_array().unwrap() {
        let changes: Value = serde_json::from_str(e["changes"].as_str().unwrap()).unwrap();
        if let Some(pair) = changes.get(field).and_then(Value::as_array) {
            out.extend(pair.iter().filter(|v| !v.is_null()).cloned());
        }
    }
    out
}

#[tokio::test]
async fn the_audit_trail_shows_no_more_than_the_record_would() {
    let app = TestApp::start().await;
    // A topic of self-education with words to search for.
    {
        let mut tx = app.t.db.begin().await.unwrap();
        let t = metoda_store::teachers::get(&mut tx, TeacherId(app.a_teacher)).await.unwrap();
        metoda_store::teacher_years::propose_topic(
            &mut tx,
            &metoda_store::Actor::cli("test"),
            &t,
            2026,
            "Секретная тема самообразования",
            None,
        )
        .await
        .unwrap();
        let today = time::OffsetDateTime::now_utc().date();
        let d = metoda_domain::results::StudentResultInput {
            event: "olympiad".into(),
            title: "Олимпиада «Проверка журнала»".into(),
            level: "municipal".into(),
            placement: "winner".into(),
            format: "in_person".into(),
            student_name: "Сидоров Пётр".into(),
            grade: "8".into(),
            teacher_ids: vec![app.a_teacher],
            on: metoda_domain::values::ru_date(today),
            ..Default::default()
        }
        .parse(today)
        .unwrap();
        metoda_store::results::add_student(&mut tx, &metoda_store::Actor::cli("test"), MunicipalityId(app.muni_a), &d)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    let op = app.login("operator").await;
    let head = app.login("uo.head").await;
    let muni = app.muni_a;

    // The authority sees what its records show; the region operator sees «скрыто».
    let teachers_of = |v: &Value| values_of(v, "birth_date");
    let all: Value =
        head.get(&format!("/api/v1/audit?municipality_id={muni}&entity=teacher")).await.json().await.unwrap();
    let births = teachers_of(&all);
    assert!(!births.is_empty() && births.iter().all(|v| v != "скрыто"), "the head sees the birth dates");
    let birth = births[0].as_str().unwrap().to_owned();
    let hidden: Value =
        op.get(&format!("/api/v1/audit?municipality_id={muni}&entity=teacher")).await.json().await.unwrap();
    let shown = teachers_of(&hidden);
    assert!(!shown.is_empty() && shown.iter().all(|v| v == "скрыто"), "{shown:?}");
    for field in ["phone", "email", "consent_on", "education"] {
        assert!(values_of(&hidden, field).iter().all(|v| v == "скрыто"), "{field}");
    }

    let names: Value =
        head.get(&format!("/api/v1/audit?municipality_id={muni}&entity=result")).await.json().await.unwrap();
    let names = values_of(&names, "student_name");
    assert!(names.iter().any(|v| v != "скрыто"), "the head sees the students' names: {names:?}");
    let results: Value =
        op.get(&format!("/api/v1/audit?municipality_id={muni}&entity=result")).await.json().await.unwrap();
    let hidden_names = values_of(&results, "student_name");
    assert!(!hidden_names.is_empty() && hidden_names.iter().all(|v| v == "скрыто"), "{hidden_names:?}");

    let topic: Value =
        op.get(&format!("/api/v1/audit?municipality_id={muni}&entity=teacher_year")).await.json().await.unwrap();
    let entries = topic["entries"].as_array().unwrap();
    assert!(!entries.is_empty());
    assert!(entries.iter().all(|e| e["summary"] == "скрыто" && !e["changes"].as_str().unwrap().contains("Секретная")));
    // Nor is a hidden summary found by its words.
    let found: Value = op.get("/api/v1/audit?q=Секретная").await.json().await.unwrap();
    assert_eq!(found["total"], 0);
    let found: Value = head.get("/api/v1/audit?q=Секретная").await.json().await.unwrap();
    assert_eq!(found["total"], 1);

    // The page says the same.
    let page = op.get(&format!("/audit?municipality_id={muni}&entity=teacher")).await.text().await.unwrap();
    let ru = metoda_domain::values::ru_date(
        time::Date::parse(&birth, &time::format_description::well_known::Iso8601::DATE).unwrap(),
    );
    assert!(!page.contains(&birth) && !page.contains(&ru), "the page shows no birth date");
    assert!(page.contains("скрыто"));
    let page = head.get(&format!("/audit?municipality_id={muni}&entity=teacher")).await.text().await.unwrap();
    assert!(page.contains(&birth) || page.contains(&ru));
    app.stop().await;
}

#[tokio::test]
async fn a_confirmed_result_is_not_rewritten_by_a_teacher_alone() {
    let app = TestApp::start().await;
    // A publication of A's teacher account, with its scan, confirmed by the curator.
    let (rid, owner) = {
        let mut tx = app.t.db.begin().await.unwrap();
        let owner: i64 = sqlx::query_scalar("SELECT id FROM teachers WHERE user_id = $1")
            .bind(app.a_user)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        let today = time::OffsetDateTime::now_utc().date();
        let d = metoda_domain::results::TeacherResultInput {
            kind: "publication".into(),
            teacher_ids: vec![owner],
            title: "Статья о формирующем оценивании".into(),
            level: "regional".into(),
            outlet: "Вестник".into(),
            on: metoda_domain::values::ru_date(today),
            ..Default::default()
        }
        .parse(today)
        .unwrap();
        let actor = metoda_store::Actor::cli("test");
        let r =
            metoda_store::results::add_teacher_result(&mut tx, &actor, MunicipalityId(app.muni_a), &d).await.unwrap();
        let scan = metoda_store::attachments::Content::File {
            name: "scan.pdf",
            content_type: "application/pdf",
            bytes: b"%PDF-1.4 scan",
        };
        metoda_store::results::attach_scan(&mut tx, &actor, &r, "Скан", scan).await.unwrap();
        metoda_store::results::confirm(&mut tx, &actor, &r, None).await.unwrap();
        tx.commit().await.unwrap();
        (r.id, owner)
    };
    let body = |reason: Option<&str>| {
        let mut v = json!({"kind": "publication", "teacher_ids": [owner], "title": "Переписанная статья",
                           "level": "international", "outlet": "Вестник",
                           "on": metoda_domain::values::iso_date(time::OffsetDateTime::now_utc().date())});
        if let Some(r) = reason {
            v["reason"] = Value::from(r);
        }
        v
    };
    let status = |app: &TestApp| {
        let db = app.t.db.clone();
        async move {
            let mut c = db.conn().await.unwrap();
            sqlx::query_scalar::<_, String>("SELECT status || ' ' || title || ' ' || CASE WHEN archived_at IS NULL THEN 'live' ELSE 'gone' END FROM results WHERE id = $1")
                .bind(rid.get())
                .fetch_one(&mut *c)
                .await
                .unwrap()
        }
    };
    // The teacher may neither rewrite nor remove it, through the API or the page.
    let teacher = app.login("teacher").await;
    let r = teacher.put_json(&format!("/api/v1/results/{rid}"), body(Some("хочу"))).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let e: Value = r.json().await.unwrap();
    assert!(e["error"]["message"].as_str().unwrap().contains("подтверждён"), "{e}");
    let r = teacher.json(reqwest::Method::DELETE, &format!("/api/v1/results/{rid}?reason=хочу"), json!({})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = teacher.form(&format!("/associations/{}/results/{rid}/archive", app.assoc_a), &[("reason", "хочу")]).await;
    assert_ne!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(&app).await, "confirmed Статья о формирующем оценивании live");
    // The list shows it locked to the teacher, with no edit link.
    let page = teacher.get(&format!("/associations/{}/results", app.assoc_a)).await.text().await.unwrap();
    assert!(page.contains("Подтверждён: изменить или удалить его может руководитель"));
    assert!(!page.contains(&format!("/results/{rid}/edit")));

    // The head changes it only with a reason, which the audit trail keeps.
    let head = app.login("mmo.head").await;
    let r = head.put_json(&format!("/api/v1/results/{rid}"), body(None)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["fields"][0]["field"], "reason", "{e}");
    assert_eq!(status(&app).await, "confirmed Статья о формирующем оценивании live");
    let r = head.put_json(&format!("/api/v1/results/{rid}"), body(Some("уровень журнала указан неверно"))).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(status(&app).await, "pending Переписанная статья live");
    let audit: Value = app.login("uo.head").await.get("/api/v1/audit?entity=result").await.json().await.unwrap();
    assert!(audit["entries"][0]["summary"].as_str().unwrap().ends_with("причина: уровень журнала указан неверно"));
    // Pending again, the teacher may edit it again.
    let r = teacher.put_json(&format!("/api/v1/results/{rid}"), body(None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn only_who_was_there_signs_the_minutes() {
    let app = TestApp::start().await;
    // Seed 004 (the МУМО): the chair and the secretary sign.
    let head = app.login("mumo.head").await;
    let today = metoda_domain::values::iso_date(time::OffsetDateTime::now_utc().date());
    let teacher_of = |login: &'static str| {
        let db = app.t.db.clone();
        async move {
            let mut c = db.conn().await.unwrap();
            sqlx::query_scalar::<_, i64>(
                "SELECT t.id FROM teachers t JOIN users u ON u.id = t.user_id WHERE u.login = $1",
            )
            .bind(login)
            .fetch_one(&mut *c)
            .await
            .unwrap()
        }
    };
    let (chair, secretary) = (teacher_of("mumo.head").await, teacher_of("mumo.secretary").await);
    let r = head
        .post_json(
            &format!("/api/v1/associations/{}/meetings", app.assoc_c),
            json!({"held_on": today, "place_note": "каб. 12", "chair_teacher_id": chair, "secretary_teacher_id": secretary}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let m: Value = r.json().await.unwrap();
    let id = m["id"].as_i64().unwrap();
    // The secretary is marked absent; everyone else present.
    let m: Value = head.get(&format!("/api/v1/meetings/{id}")).await.json().await.unwrap();
    let roster: Vec<i64> = m["roster"].as_array().unwrap().iter().map(|r| r["teacher_id"].as_i64().unwrap()).collect();
    let marks: Vec<Value> = roster
        .iter()
        .map(|t| json!({"teacher_id": t, "status": if *t == secretary { "absent" } else { "present" }}))
        .collect();
    assert_eq!(
        head.put_json(&format!("/api/v1/meetings/{id}/attendance"), json!(marks)).await.status(),
        StatusCode::OK
    );
    let r = head
        .post_json(&format!("/api/v1/meetings/{id}/agenda"), json!({"topic": "О плане", "decision": "Принять"}))
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let r = head.post_json(&format!("/api/v1/meetings/{id}/minutes"), json!({})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());

    // Neither the absent secretary nor anyone else signs while the absent secretary is named.
    let sec = app.login("mumo.secretary").await;
    let r = sec.post_json(&format!("/api/v1/meetings/{id}/sign"), json!({"role": "secretary"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert!(e["error"]["fields"][0]["message"].as_str().unwrap().contains("отмечен(а) отсутствующим"), "{e}");
    let r = head.post_json(&format!("/api/v1/meetings/{id}/sign"), json!({"role": "chair"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        common::count(
            &app,
            &format!("minutes_signatures s JOIN minutes n ON n.id = s.minutes_id WHERE n.meeting_id = {id}")
        )
        .await,
        0
    );
    // The page asks who kept the minutes instead, and offers no signature.
    let page = head.get(&format!("/meetings/{id}")).await.text().await.unwrap();
    assert!(page.contains("отмечен(а) отсутствующим и не может подписать протокол"));
    assert!(page.contains("вёл протокол"));
    assert!(!page.contains("id=\"sign-chair\""));

    // Naming a member who was there as the secretary lets the signing go on.
    let present = *roster.iter().find(|t| **t != secretary && **t != chair).unwrap();
    let r = head
        .put_json(
            &format!("/api/v1/meetings/{id}"),
            json!({"held_on": today, "place_note": "каб. 12", "chair_teacher_id": chair, "secretary_teacher_id": present}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let r = head.post_json(&format!("/api/v1/meetings/{id}/sign"), json!({"role": "chair"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    app.stop().await;
}

/// Fires `n` identical requests at once (`form`: a page form, else JSON); returns their statuses,
/// a page's redirect counted as 200.
async fn fire(s: &common::Session, n: usize, path: &str, body: Value, form: bool) -> Vec<StatusCode> {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        let (c, url, csrf, body) = (s.c.clone(), s.url(path), s.csrf.clone(), body.clone());
        set.spawn(async move {
            let r = if form {
                let mut fields: Vec<(String, String)> = vec![("_csrf".into(), csrf)];
                for (k, v) in body.as_object().unwrap() {
                    fields.push((k.clone(), v.to_string().trim_matches('"').to_owned()));
                }
                c.post(url).form(&fields).send().await.unwrap()
            } else {
                c.post(url).header("x-csrf-token", csrf).json(&body).send().await.unwrap()
            };
            if r.status() == StatusCode::SEE_OTHER { StatusCode::OK } else { r.status() }
        });
    }
    set.join_all().await
}

async fn at_once(s: &common::Session, n: usize, path: &str, body: Value) -> Vec<StatusCode> {
    fire(s, n, path, body, false).await
}

/// One success, the rest refused as conflicts (never a server error).
fn one_wins(statuses: &[StatusCode], what: &str) {
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{what}: {statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT), "{what}: {statuses:?}");
}

#[tokio::test]
async fn parallel_identical_requests_make_one_row() {
    let app = TestApp::start().await;
    let spec = app.login("uo.specialist").await;
    let head = app.login("uo.head").await;

    let teacher = json!({"last_name": "Гонкова", "first_name": "Ирина", "middle_name": "Павловна",
                         "birth_date": "1990-04-12", "organization_id": app.org_a, "position": "учитель",
                         "education": "higher"});
    one_wins(&at_once(&spec, 10, "/api/v1/teachers", teacher).await, "teachers");
    assert_eq!(common::count(&app, "teachers WHERE last_name = 'Гонкова'").await, 1);

    let members = format!("/api/v1/associations/{}/members", app.assoc_a);
    one_wins(&at_once(&spec, 6, &members, json!({"teacher_id": app.a_free_teacher})).await, "members");
    let current = format!(
        "association_members WHERE association_id = {} AND teacher_id = {} AND left_on IS NULL",
        app.assoc_a, app.a_free_teacher
    );
    assert_eq!(common::count(&app, &current).await, 1);

    let positions = format!("/api/v1/teachers/{}/positions", app.a_teacher);
    let body = json!({"organization_id": app.org_a2, "position": "совместитель"});
    one_wins(&at_once(&spec, 6, &positions, body).await, "positions");
    let n = common::count(&app, &format!("teacher_positions WHERE teacher_id = {}", app.a_teacher)).await;
    assert_eq!(n, 1);

    let grants = format!("/api/v1/users/{}/grants", app.a_user);
    one_wins(&at_once(&head, 6, &grants, json!({"role": "deputy", "scope_id": app.assoc_a})).await, "grants");
    let n = common::count(&app, &format!("role_grants WHERE user_id = {} AND role = 'deputy'", app.a_user)).await;
    assert_eq!(n, 1);

    // The demo's МУМО has subgroups: one teacher joins one of them once.
    let sub: (i64, i64) = {
        let mut c = app.t.db.conn().await.unwrap();
        let sg: i64 = sqlx::query_scalar("SELECT MIN(id) FROM association_subgroups WHERE association_id = $1")
            .bind(app.assoc_c)
            .fetch_one(&mut *c)
            .await
            .unwrap();
        let t: i64 = sqlx::query_scalar(
            "SELECT MIN(m.teacher_id) FROM association_members m WHERE m.association_id = $1 AND m.left_on IS NULL
               AND NOT EXISTS (SELECT 1 FROM subgroup_members s WHERE s.teacher_id = m.teacher_id AND s.left_on IS NULL
                                 AND s.subgroup_id = $2)",
        )
        .bind(app.assoc_c)
        .bind(sg)
        .fetch_one(&mut *c)
        .await
        .unwrap();
        (sg, t)
    };
    let admin = app.login("admin").await;
    let path = format!("/associations/{}/subgroups/{}/members", app.assoc_c, sub.0);
    one_wins(&fire(&admin, 6, &path, json!({"teacher_id": sub.1}), true).await, "subgroup members");
    let n = common::count(
        &app,
        &format!("subgroup_members WHERE teacher_id = {} AND subgroup_id = {} AND left_on IS NULL", sub.1, sub.0),
    )
    .await;
    assert_eq!(n, 1);
    app.stop().await;
}

#[tokio::test]
async fn a_stale_save_is_refused_and_the_typed_input_stays() {
    let app = TestApp::start().await;
    let head = app.login("uo.head").await;
    let spec = app.login("uo.specialist").await;
    let path = format!("/api/v1/teachers/{}", app.a_teacher);
    // Both open the record at the same version.
    let read: Value = head.get(&path).await.json().await.unwrap();
    let version = read["version"].as_i64().unwrap();
    let p = &read["personal"];
    let body = |position: &str, version: i64| {
        json!({"last_name": read["last_name"], "first_name": read["first_name"], "middle_name": read["middle_name"],
               "birth_date": p["birth_date"], "organization_id": read["organization_id"], "position": position,
               "education": p["education"], "category": read["category"],
               "category_assigned_on": p["category_assigned_on"], "category_expires_on": p["category_expires_on"],
               "experience_start": p["experience_start"], "consent_on": p["consent_on"], "version": version})
    };
    let r = head.put_json(&path, body("заместитель директора", version)).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    // The second save, based on the same version, would silently undo the first: refused.
    let r = spec.put_json(&path, body("учитель физики", version)).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "conflict");
    assert!(e["error"]["message"].as_str().unwrap().contains("изменил другой пользователь"), "{e}");
    let now: Value = head.get(&path).await.json().await.unwrap();
    assert_eq!(now["position"], "заместитель директора");
    assert_eq!(now["version"].as_i64().unwrap(), version + 1);

    // On the page: the typed input stays in the form, the current value beside it, and the form
    // now carries the current version, so saving again (having seen it) goes through.
    let page = spec.get(&format!("/teachers/{}", app.a_teacher)).await.text().await.unwrap();
    assert!(page.contains(&format!("name=\"version\" value=\"{}\"", version + 1)));
    let mut fields: Vec<(String, String)> = vec![];
    for (k, v) in body("учитель информатики", version).as_object().unwrap() {
        fields.push((k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_owned)));
    }
    let fields: Vec<(&str, &str)> =
        fields.iter().filter(|(_, v)| v != "null").map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = spec.form(&format!("/teachers/{}", app.a_teacher), &fields).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(html.contains("value=\"учитель информатики\""), "the typed input stays");
    assert!(html.contains("Должность: сейчас в записи — заместитель директора"), "the current value beside it");
    assert!(html.contains(&format!("name=\"version\" value=\"{}\"", version + 1)));
    let again: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| if *k == "version" { (*k, "") } else { (*k, *v) })
        .filter(|(k, _)| *k != "version")
        .collect();
    let current = (version + 1).to_string();
    let mut again = again;
    again.push(("version", current.as_str()));
    let r = spec.form(&format!("/teachers/{}", app.a_teacher), &again).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let now: Value = head.get(&path).await.json().await.unwrap();
    assert_eq!(now["position"], "учитель информатики");
    app.stop().await;
}

#[tokio::test]
async fn an_organization_edited_by_two_keeps_the_first_save() {
    let app = TestApp::start().await;
    let head = app.login("uo.head").await;
    let org = app.login("org.admin").await;
    let path = format!("/api/v1/organizations/{}", app.org_a);
    let read: Value = head.get(&path).await.json().await.unwrap();
    let v = read["version"].as_i64().unwrap();
    let body = |phone: &str| {
        json!({"full_name": read["full_name"], "short_name": read["short_name"], "kind": read["kind"],
               "phone": phone, "version": v})
    };
    assert_eq!(head.put_json(&path, body("+7 3822 11-11-11")).await.status(), StatusCode::OK);
    assert_eq!(org.put_json(&path, body("+7 3822 22-22-22")).await.status(), StatusCode::CONFLICT);
    let now: Value = head.get(&path).await.json().await.unwrap();
    assert_eq!(now["phone"], "+7 3822 11-11-11");
    // The page keeps what was typed and shows the current phone beside it.
    let short = read["short_name"].as_str().unwrap().to_owned();
    let full = read["full_name"].as_str().unwrap().to_owned();
    let kind = read["kind"].as_str().unwrap().to_owned();
    let stale = v.to_string();
    let r = org
        .form(
            &format!("/organizations/{}", app.org_a),
            &[
                ("full_name", &full),
                ("short_name", &short),
                ("kind", &kind),
                ("phone", "+7 3822 33-33-33"),
                ("version", &stale),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("+7 3822 33-33-33") && html.contains("Телефон: сейчас в записи — +7 3822 11-11-11"),
        "{html}"
    );
    // Archiving and restoring change the record too: a save based on the version before them is stale.
    let before: Value = head.get(&path).await.json().await.unwrap();
    let v = before["version"].as_i64().unwrap();
    assert_eq!(head.post_json(&format!("{path}/archive"), json!({})).await.status(), StatusCode::OK);
    assert_eq!(head.post_json(&format!("{path}/restore"), json!({})).await.status(), StatusCode::OK);
    let mut stale = body("+7 3822 44-44-44");
    stale["version"] = json!(v);
    assert_eq!(head.put_json(&path, stale).await.status(), StatusCode::CONFLICT);
    app.stop().await;
}

#[tokio::test]
async fn a_result_saved_on_an_old_version_is_refused() {
    let app = TestApp::start().await;
    let owner = common::teacher_of_account(&app, app.a_user).await;
    let today = metoda_domain::values::iso_date(time::OffsetDateTime::now_utc().date());
    let body = |title: &str, version: Option<i64>| {
        json!({"kind": "publication", "teacher_ids": [owner], "title": title, "level": "regional",
               "outlet": "Вестник", "on": today, "version": version})
    };
    let teacher = app.login("teacher").await;
    let head = app.login("mmo.head").await;
    let r =
        teacher.post_json(&format!("/api/v1/associations/{}/results/teacher", app.assoc_a), body("Статья", None)).await;
    let made: Value = r.json().await.unwrap();
    let (id, v) = (made["id"].as_i64().unwrap(), made["version"].as_i64().unwrap());
    assert_eq!(
        head.put_json(&format!("/api/v1/results/{id}"), body("Статья (исправлено)", Some(v))).await.status(),
        StatusCode::OK
    );
    let r = teacher.put_json(&format!("/api/v1/results/{id}"), body("Статья (моя правка)", Some(v))).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = teacher.json(reqwest::Method::DELETE, &format!("/api/v1/results/{id}?version={v}"), json!({})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let title: String = {
        let mut c = app.t.db.conn().await.unwrap();
        sqlx::query_scalar("SELECT title FROM results WHERE id = $1 AND archived_at IS NULL")
            .bind(id)
            .fetch_one(&mut *c)
            .await
            .unwrap()
    };
    assert_eq!(title, "Статья (исправлено)");
    app.stop().await;
}
