//! The per-year part of the teacher card through the JSON API (`/api/v1/teachers/{id}/years`,
//! `…/topic`, `…/topic/agree`, `…/courses`, `…/difficulties`, `…/positions`): what is written
//! there reads back through the API and shows on the card; bad input is refused in Russian with
//! nothing written; the API allows exactly whom the card's forms allow.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use metoda_domain::ids::*;

use common::{Session, TestApp, count};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The teacher record of A's teacher account (`teacher`, a member of A's association).
async fn own_record(app: &TestApp) -> i64 {
    let mut c = app.t.db.conn().await.unwrap();
    sqlx::query_scalar("SELECT id FROM teachers WHERE user_id = $1").bind(app.a_user).fetch_one(&mut *c).await.unwrap()
}

/// An organization of A other than the teacher's main place of work.
async fn other_org(app: &TestApp, id: i64) -> i64 {
    let mut c = app.t.db.conn().await.unwrap();
    let main: i64 = sqlx::query_scalar("SELECT organization_id FROM teachers WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *c)
        .await
        .unwrap();
    if main == app.org_a2 { app.org_a } else { app.org_a2 }
}

/// A date `days` before today, ISO.
fn days_ago(days: i64) -> String {
    metoda_domain::values::iso_date(time::OffsetDateTime::now_utc().date() - time::Duration::days(days))
}

/// Rows of every table the per-year part writes, and of the audit trail.
async fn rows(app: &TestApp) -> Vec<i64> {
    let mut out = vec![];
    for t in ["teacher_years", "teacher_courses", "teacher_difficulties", "teacher_positions", "audit_log"] {
        out.push(count(app, t).await);
    }
    out
}

/// The field errors of a 422, as (field, message).
async fn field_errors(r: reqwest::Response) -> Vec<(String, String)> {
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "validation", "{v}");
    assert_eq!(v["error"]["message"], "Проверьте введённые данные");
    v["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["field"].as_str().unwrap().to_owned(), f["message"].as_str().unwrap().to_owned()))
        .collect()
}

#[tokio::test]
async fn records_made_through_the_api_read_back_and_show_on_the_card() {
    let app = TestApp::start().await;
    let own = own_record(&app).await;
    let teacher = app.login("teacher").await;
    let head = app.login("mmo.head").await;

    // The topic: proposed by the teacher, agreed by the association head (not by the teacher).
    let topic = "Формирование функциональной грамотности на уроках математики";
    let r = teacher.put_json(&format!("/api/v1/teachers/{own}/topic"), json!({"topic": topic})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let y: Value = r.json().await.unwrap();
    assert_eq!(y["self_education"], topic);
    assert_eq!(y["topic_status"], "proposed");
    let agree = format!("/api/v1/teachers/{own}/topic/agree");
    assert_eq!(teacher.post_json(&agree, json!({})).await.status(), StatusCode::FORBIDDEN);
    let r = head.post_json(&agree, json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let y: Value = r.json().await.unwrap();
    assert_eq!(y["topic_status"], "agreed");
    assert_eq!(y["agreed_by_name"], "Орлова Елена Павловна");
    // Agreed twice: a conflict, said in Russian.
    let r = head.post_json(&agree, json!({})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["message"], "Тема уже согласована");

    // A finished course (hours as a number, as a JSON client sends them).
    let end = days_ago(30);
    let start = days_ago(40);
    let r = teacher
        .post_json(
            &format!("/api/v1/teachers/{own}/courses"),
            json!({"kind": "advanced_training", "title": "Функциональная грамотность", "provider": "ТОИПКРО",
                   "hours": 72, "start_on": start, "end_on": end, "certificate": "700800123456"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let c: Value = r.json().await.unwrap();
    assert!(c["id"].as_i64().unwrap() > 0);
    assert_eq!(c["hours"], 72);
    assert_eq!(c["end_on"], end.as_str());
    assert_eq!(c["kind_label"], "повышение квалификации (КПК)", "{c}");
    // Retraining, hours as text like the form.
    let r = teacher
        .post_json(
            &format!("/api/v1/teachers/{own}/courses"),
            json!({"kind": "retraining", "title": "Педагогика дополнительного образования", "hours": "260", "end_on": end}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    // A difficulty of the current year.
    let r = teacher
        .post_json(
            &format!("/api/v1/teachers/{own}/difficulties"),
            json!({"kind": "digital", "note": "электронный журнал"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let d: Value = r.json().await.unwrap();
    assert_eq!(d["kind"], "digital");
    assert!(d["kind_label"].as_str().unwrap().starts_with("цифровые"), "{d}");
    assert_eq!(d["note"], "электронный журнал");

    // A further place of work: the head adds it, the teacher may not (as on the card).
    let second = other_org(&app, own).await;
    let body = json!({"organization_id": second, "position": "педагог дополнительного образования"});
    let positions = format!("/api/v1/teachers/{own}/positions");
    assert_eq!(teacher.post_json(&positions, body.clone()).await.status(), StatusCode::FORBIDDEN);
    let r = head.post_json(&positions, body.clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["organization_id"], second);
    assert_eq!(p["position"], "педагог дополнительного образования");
    // The same organization twice is a conflict.
    let r = head.post_json(&positions, body).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let v: Value = r.json().await.unwrap();
    assert!(v["error"]["message"].as_str().unwrap().contains("уже указана"), "{v}");

    // Read back through the API, by the teacher and by the head.
    for s in [&teacher, &head] {
        let y: Value = s.get(&format!("/api/v1/teachers/{own}/years")).await.json().await.unwrap();
        assert_eq!(y["teacher_id"], own);
        assert_eq!(y["current"]["self_education"], topic, "{y}");
        assert_eq!(y["current"]["topic_status"], "agreed");
        assert_eq!(y["topics"].as_array().unwrap().len(), 1);
        let courses = y["courses"].as_array().unwrap();
        assert_eq!(courses.len(), 2, "{y}");
        assert!(courses.iter().any(|c| c["certificate"] == "700800123456" && c["provider"] == "ТОИПКРО"));
        assert!(courses.iter().any(|c| c["kind"] == "retraining" && c["hours"] == 260));
        let d = &y["difficulties"][0];
        assert_eq!(d["kind"], "digital");
        assert_eq!(d["year"], y["year"]);
        assert_eq!(d["year_label"], y["year_label"]);
        assert_eq!(y["positions"][0]["organization_id"], second);
    }
    let mine: Value = teacher.get(&format!("/api/v1/teachers/{own}/years")).await.json().await.unwrap();
    assert_eq!(
        (mine["may_write"].as_bool(), mine["may_agree"].as_bool(), mine["may_update"].as_bool()),
        (Some(true), Some(false), Some(false))
    );
    let heads: Value = head.get(&format!("/api/v1/teachers/{own}/years")).await.json().await.unwrap();
    assert_eq!(
        (heads["may_write"].as_bool(), heads["may_agree"].as_bool(), heads["may_update"].as_bool()),
        (Some(true), Some(true), Some(true))
    );

    // And on the card.
    let card = head.get(&format!("/teachers/{own}")).await.text().await.unwrap();
    assert!(card.contains(&format!("«{topic}»")), "{card}");
    assert!(card.contains("согласована: Орлова Елена Павловна"));
    assert!(card.contains("Функциональная грамотность</td>") && card.contains("700800123456"));
    assert!(card.contains("Педагогика дополнительного образования</td>"));
    assert!(card.contains("цифровые (электронные ресурсы") && card.contains("электронный журнал"));
    assert!(card.contains("— педагог дополнительного образования"));

    // Every record is in the audit trail.
    let spec = app.login("uo.specialist").await;
    for (entity, n) in [("teacher_course", 2), ("teacher_difficulty", 1), ("teacher_position", 1), ("teacher_year", 2)]
    {
        let a: Value = spec.get(&format!("/api/v1/audit?entity={entity}")).await.json().await.unwrap();
        assert_eq!(a["total"], n, "{entity}: {a}");
    }
    // The OpenAPI document describes the new routes.
    let spec: Value = reqwest::get(app.url("/api/openapi.json")).await.unwrap().json().await.unwrap();
    for (path, method) in [
        ("/api/v1/teachers/{id}/years", "get"),
        ("/api/v1/teachers/{id}/topic", "put"),
        ("/api/v1/teachers/{id}/topic/agree", "post"),
        ("/api/v1/teachers/{id}/courses", "post"),
        ("/api/v1/teachers/{id}/difficulties", "post"),
        ("/api/v1/teachers/{id}/positions", "post"),
    ] {
        assert!(spec["paths"][path][method].is_object(), "{method} {path} is not in the OpenAPI document");
    }
    for schema in ["TeacherYears", "TopicInput", "CourseBody", "DifficultyInput", "PositionBody", "TopicYear"] {
        assert!(spec["components"]["schemas"][schema].is_object(), "{schema} is not in the OpenAPI document");
    }
    app.stop().await;
}

#[tokio::test]
async fn bad_input_is_refused_in_russian_and_nothing_is_written() {
    let app = TestApp::start().await;
    let own = own_record(&app).await;
    let s = app.login("uo.specialist").await;
    let before = rows(&app).await;
    let courses = format!("/api/v1/teachers/{own}/courses");
    let end = days_ago(10);

    // No end date.
    let e = field_errors(s.post_json(&courses, json!({"kind": "advanced_training", "title": "Курс"})).await).await;
    assert!(e.iter().any(|(f, m)| f == "end_on" && m.starts_with("Окончание: укажите")), "{e:?}");
    // An unknown kind («КПК» is the label's abbreviation, not a code).
    let e = field_errors(s.post_json(&courses, json!({"kind": "КПК", "title": "Курс", "end_on": end})).await).await;
    assert_eq!(e, [("kind".to_owned(), "Вид: повышение квалификации или переподготовка".to_owned())]);
    // A start after the end.
    let e = field_errors(
        s.post_json(&courses, json!({"kind": "retraining", "title": "Курс", "start_on": end, "end_on": days_ago(20)}))
            .await,
    )
    .await;
    assert_eq!(e, [("end_on".to_owned(), "Окончание не может быть раньше начала".to_owned())]);
    // A course not finished yet, hours out of range, no title: all reasons at once.
    let e = field_errors(
        s.post_json(&courses, json!({"kind": "retraining", "title": " ", "hours": 0, "end_on": "2099-01-01"})).await,
    )
    .await;
    let fields: Vec<&str> = e.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, ["title", "hours", "end_on"], "{e:?}");
    assert!(e[2].1.contains("курс ещё не завершён"));
    // Hours neither a number nor text: refused as a field error of the JSON.
    let r = s.post_json(&courses, json!({"kind": "retraining", "title": "Курс", "hours": [1], "end_on": end})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["fields"][0]["field"], "hours", "{v}");
    assert!(v["error"]["fields"][0]["message"].as_str().unwrap().starts_with("Ожидалось число или строка"), "{v}");

    // An unknown difficulty kind, a kind of no profile.
    let difficulties = format!("/api/v1/teachers/{own}/difficulties");
    for kind in ["unknown", "custom:выдуманное", ""] {
        let e = field_errors(s.post_json(&difficulties, json!({"kind": kind})).await).await;
        assert_eq!(e, [("kind".to_owned(), "Вид затруднения: выберите из списка".to_owned())], "{kind}");
    }
    // An empty topic.
    let e = field_errors(s.put_json(&format!("/api/v1/teachers/{own}/topic"), json!({"topic": "  "})).await).await;
    assert_eq!(e[0].0, "topic");
    assert!(e[0].1.starts_with("Тема самообразования"), "{e:?}");
    // A place of work: no organization, one of another municipality, no position.
    let positions = format!("/api/v1/teachers/{own}/positions");
    let e = field_errors(s.post_json(&positions, json!({"position": "совместитель"})).await).await;
    assert_eq!(e, [("organization_id".to_owned(), "Организация: выберите из списка".to_owned())]);
    let e =
        field_errors(s.post_json(&positions, json!({"organization_id": app.org_b, "position": "совместитель"})).await)
            .await;
    assert!(e[0].1.contains("действующую организацию этого муниципалитета"), "{e:?}");
    let e = field_errors(s.post_json(&positions, json!({"organization_id": other_org(&app, own).await})).await).await;
    assert_eq!(e[0].0, "position");
    // Nothing to agree yet.
    let r = s.post_json(&format!("/api/v1/teachers/{own}/topic/agree"), json!({})).await;
    assert!(matches!(r.status(), StatusCode::NOT_FOUND | StatusCode::CONFLICT), "{}", r.status());
    // A teacher that does not exist.
    let r = s.post_json("/api/v1/teachers/999999/courses", json!({"kind": "retraining"})).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    assert_eq!(rows(&app).await, before, "nothing written");
    app.stop().await;
}

/// Puts the record back where every action can succeed: a topic of the current year waiting to
/// be agreed, no further place of work.
async fn reset(app: &TestApp, id: i64) {
    let mut tx = app.t.db.begin().await.unwrap();
    let t = metoda_store::teachers::get(&mut tx, TeacherId(id)).await.unwrap();
    let year = metoda_domain::teachers::AcademicYear::containing(time::OffsetDateTime::now_utc().date()).0;
    metoda_store::teacher_years::propose_topic(
        &mut tx,
        &metoda_store::Actor::cli("test"),
        &t,
        i64::from(year),
        "Тема на согласование",
        None,
    )
    .await
    .unwrap();
    sqlx::query("DELETE FROM teacher_positions WHERE teacher_id = $1").bind(id).execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
}

/// The statuses of each action through the card (form or page) and through the API, as the
/// session's user; with `fresh`, the record is reset before each try so that only the access
/// rule can refuse.
async fn try_all(
    app: &TestApp,
    s: &Session,
    id: i64,
    tag: &str,
    fresh: bool,
) -> Vec<(&'static str, StatusCode, StatusCode)> {
    let end = days_ago(5);
    let org_id = other_org(app, id).await;
    let org = org_id.to_string();
    let title = format!("Курс {tag}");
    let topic = format!("Тема {tag}");
    let mut out = vec![];
    macro_rules! both {
        ($what:expr, $page:expr, $api:expr) => {{
            if fresh {
                reset(app, id).await;
            }
            let page = $page.await.status();
            if fresh {
                reset(app, id).await;
            }
            let api = $api.await.status();
            out.push(($what, page, api));
        }};
    }
    both!(
        "topic",
        s.form(&format!("/teachers/{id}/topic"), &[("topic", &topic)]),
        s.put_json(&format!("/api/v1/teachers/{id}/topic"), json!({"topic": topic}))
    );
    both!(
        "agree",
        s.form(&format!("/teachers/{id}/topic/agree"), &[]),
        s.json(Method::POST, &format!("/api/v1/teachers/{id}/topic/agree"), json!({}))
    );
    both!(
        "course",
        s.form(&format!("/teachers/{id}/courses"), &[("kind", "retraining"), ("title", &title), ("end_on", &end)]),
        s.post_json(
            &format!("/api/v1/teachers/{id}/courses"),
            json!({"kind": "retraining", "title": title, "end_on": end})
        )
    );
    both!(
        "difficulty",
        s.form(&format!("/teachers/{id}/difficulties"), &[("kind", "methodical")]),
        s.post_json(&format!("/api/v1/teachers/{id}/difficulties"), json!({"kind": "methodical"}))
    );
    both!(
        "position",
        s.form(&format!("/teachers/{id}/positions"), &[("organization_id", &org), ("position", "совместитель")]),
        s.post_json(
            &format!("/api/v1/teachers/{id}/positions"),
            json!({"organization_id": org_id, "position": "совместитель"})
        )
    );
    // Reading: the per-year part is on the card only for those who see the personal part.
    let card = s.get(&format!("/teachers/{id}")).await;
    let page = match card.status() {
        StatusCode::OK if card.text().await.unwrap().contains("Самообразование, курсы, затруднения") => {
            StatusCode::OK
        }
        StatusCode::OK => StatusCode::FORBIDDEN,
        other => other,
    };
    let api = s.get(&format!("/api/v1/teachers/{id}/years")).await.status();
    out.push(("read", page, api));
    out
}

#[tokio::test]
async fn the_api_allows_exactly_whom_the_card_allows() {
    let app = TestApp::start().await;
    let b = app.login("b.specialist").await;
    let teacher = app.login("teacher").await;
    let before = rows(&app).await;
    // Another municipality: refused everything on A's teacher, nothing written.
    for (what, page, api) in try_all(&app, &b, app.a_teacher, "b", false).await {
        assert_eq!(api, StatusCode::FORBIDDEN, "{what}");
        assert!(matches!(page, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{what}: {page}");
    }
    // A plain teacher on a colleague's record (the association head's): refused, as on the card.
    for (what, page, api) in try_all(&app, &teacher, app.a_teacher, "t", false).await {
        assert_eq!((what, page, api), (what, StatusCode::FORBIDDEN, StatusCode::FORBIDDEN));
    }
    let v: Value = teacher.get(&format!("/api/v1/teachers/{}/years", app.a_teacher)).await.json().await.unwrap();
    assert_eq!(v["error"]["code"], "forbidden");
    assert_eq!(v["error"]["message"], "Недостаточно прав для этого действия");
    assert_eq!(rows(&app).await, before, "nothing written by the refused");
    // Signed out: 401 in JSON.
    let r = TestApp::client().get(app.url(&format!("/api/v1/teachers/{}/years", app.a_teacher))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "unauthorized");

    // Everyone of A, and B: the API says yes exactly where the card's form does.
    let own = own_record(&app).await;
    let logins = common::LOGINS;
    let names = std::collections::HashMap::from([(app.a_teacher, "head"), (own, "own"), (app.a_free_teacher, "free")]);
    let mut allowed = vec![];
    for (i, login) in logins.iter().enumerate() {
        let s = app.login(login).await;
        for id in [app.a_teacher, own, app.a_free_teacher] {
            for (what, page, api) in try_all(&app, &s, id, &format!("{i}-{id}"), true).await {
                let page_ok = match page {
                    StatusCode::SEE_OTHER | StatusCode::OK => true,
                    StatusCode::FORBIDDEN | StatusCode::NOT_FOUND => false,
                    other => panic!("{login} {what} on {id}: the page answered {other}"),
                };
                let api_ok = match api {
                    StatusCode::OK => true,
                    StatusCode::FORBIDDEN | StatusCode::NOT_FOUND => false,
                    other => panic!("{login} {what} on {id}: the API answered {other}"),
                };
                assert_eq!(api_ok, page_ok, "{login} {what} on teacher {id}: page {page}, API {api}");
                if api_ok {
                    allowed.push(format!("{login} {what} {}", names[&id]));
                }
            }
        }
    }
    // A sample of the rule, as the card has it: the teacher writes their own record but adds no
    // place of work and agrees nothing; nobody agrees their own topic; the cabinet head reads and
    // agrees; the region operator, the secretary and municipality B get nothing.
    for yes in [
        "teacher course own",
        "teacher read own",
        "mmo.head agree own",
        "mmo.deputy agree head",
        "cabinet.head agree head",
        "org.admin position head",
    ] {
        assert!(allowed.iter().any(|a| a == yes), "{yes} is refused");
    }
    for no in ["teacher position own", "teacher agree own", "mmo.head agree head", "cabinet.head course head"] {
        assert!(!allowed.iter().any(|a| a == no), "{no} is allowed");
    }
    for login in ["operator", "mmo.secretary", "b.specialist", "b.head", "b.teacher", "b.orgadmin"] {
        assert!(!allowed.iter().any(|a| a.starts_with(&format!("{login} "))), "{login}: {allowed:?}");
    }
    app.stop().await;
}
