//! The teacher bank, orders and associations through the real server (SQLite or PostgreSQL).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestApp, count};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn personal_data_is_shown_by_role() {
    let app = TestApp::start().await;
    let path = format!("/api/v1/teachers/{}", app.a_teacher);
    // The association head and the authority see the birth date; a member sees the name only.
    for (login, personal) in [
        ("mmo.head", true),
        ("uo.specialist", true),
        ("cabinet.head", true),
        ("teacher", false),
        ("mmo.secretary", false),
    ] {
        let s = app.login(login).await;
        let v: Value = s.get(&path).await.json().await.unwrap();
        assert_eq!(v["personal"].is_object(), personal, "{login}: {v}");
        assert!(v["full_name"].as_str().unwrap().len() > 5);
    }
    // A member cannot narrow the bank by age to guess a colleague's age: the filter is ignored.
    let s = app.login("teacher").await;
    let all: Value = s.get("/api/v1/teachers").await.json().await.unwrap();
    let young: Value = s.get("/api/v1/teachers?age=0").await.json().await.unwrap();
    assert_eq!(all["total"], young["total"]);
    assert!(all["teachers"].as_array().unwrap().iter().all(|t| t["personal"].is_null()));
    let page = s.get("/teachers").await.text().await.unwrap();
    assert!(!page.contains("Возраст"), "no age column or chart for a member");
    // The authority's bank filters by age.
    let a = app.login("uo.specialist").await;
    let all: Value = a.get("/api/v1/teachers").await.json().await.unwrap();
    let young: Value = a.get("/api/v1/teachers?age=0").await.json().await.unwrap();
    assert_eq!(all["total"], 60);
    assert!(young["total"].as_i64().unwrap() < 60);
    let comp: Value = a.get("/api/v1/teachers/composition").await.json().await.unwrap();
    assert_eq!(comp["total"], 60);
    app.stop().await;
}

#[tokio::test]
async fn a_teacher_record_with_bad_input_is_refused_in_russian() {
    let app = TestApp::start().await;
    let s = app.login("org.admin").await;
    let before = count(&app, "teachers").await;
    let org = app.org_a.to_string();
    let r = s
        .form(
            "/teachers",
            &[
                ("last_name", ""),
                ("first_name", "Анна"),
                ("birth_date", "31.02.1990"),
                ("organization_id", &org),
                ("position", "учитель"),
                ("education", "higher"),
                ("category", "шестая"),
                ("email", "нет"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    for m in [
        "Фамилия: поле обязательно",
        "Дата рождения: укажите существующую дату",
        "Категория: высшая, первая",
        "Электронная почта",
    ] {
        assert!(html.contains(m), "missing «{m}»");
    }
    // An organization administrator keeps only the own organization's staff.
    let other = app.org_a2.to_string();
    let r = s
        .form(
            "/teachers",
            &[
                ("last_name", "Чужая"),
                ("first_name", "Анна"),
                ("birth_date", "1990-01-01"),
                ("organization_id", &other),
                ("position", "учитель"),
                ("education", "higher"),
                ("category", "none"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = s
        .form(
            "/teachers",
            &[
                ("last_name", "Своя"),
                ("first_name", "Анна"),
                ("birth_date", "1990-01-01"),
                ("organization_id", &org),
                ("position", "учитель"),
                ("education", "higher"),
                ("category", "none"),
                ("young_specialist", "true"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "teachers").await, before + 1);
    app.stop().await;
}

#[tokio::test]
async fn an_order_creates_an_association_with_its_head_and_members() {
    let app = TestApp::start().await;
    let s = app.login("uo.specialist").await;
    let free: Vec<i64> = {
        let mut c = app.t.db.conn().await.unwrap();
        sqlx::query_scalar(
            "SELECT t.id FROM teachers t WHERE t.municipality_id = $1 AND NOT EXISTS (SELECT 1 FROM association_members m WHERE m.teacher_id = t.id) ORDER BY t.id LIMIT 4",
        )
        .bind(app.muni_a)
        .fetch_all(&mut *c)
        .await
        .unwrap()
    };
    let ids: Vec<String> = free.iter().map(i64::to_string).collect();
    let mut form: Vec<(&str, &str)> = vec![
        ("municipality_id", "0"),
        ("kind", "create_association"),
        ("number", "200-ОД"),
        ("date", "2026-09-05"),
        ("body", "Создать ММО учителей физики.\nНазначить руководителем Васильева А. И."),
        ("signed_by", "Начальник Управления образования О. А. Максимова"),
        ("name", "ММО учителей физики"),
        ("direction", "физика"),
        ("head_teacher_id", &ids[0]),
    ];
    let mid = app.muni_a.to_string();
    form[0].1 = &mid;
    for id in &ids[1..] {
        form.push(("member_ids", id));
    }
    let r = s.form("/orders", &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap_or_default());
    let order_page = s.get(r.headers()["location"].to_str().unwrap()).await.text().await.unwrap();
    assert!(order_page.contains("Приказ № 200-ОД зарегистрирован и применён"));
    assert!(order_page.contains("Назначить руководителем Васильева А. И."));
    let list: Value = s.get("/api/v1/associations").await.json().await.unwrap();
    let physics = list.as_array().unwrap().iter().find(|a| a["name"] == "ММО учителей физики").unwrap();
    assert_eq!(physics["members"], 4);
    assert_eq!(physics["body_name"], "ММО");
    assert!(physics["head_name"].is_string());
    let aid = physics["id"].as_i64().unwrap();
    // The same number again is refused on the form, with the reason.
    let r = s.form("/orders", &form).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("Приказ № 200-ОД за 2026 год уже зарегистрирован"));
    // Fix the composition by order (API), then see the document present on the association page.
    let r = s.post_json("/api/v1/orders", json!({"municipality_id": app.muni_a, "kind": "approve_composition", "number": "201-ОД", "date": "06.09.2026", "association_id": aid})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["composition"].as_array().unwrap().len(), 4);
    let page = s.get(&format!("/associations/{aid}")).await.text().await.unwrap();
    assert!(page.contains("банк данных: 4 педагогов"), "the documents register of seed 002 counts the bank");
    assert!(page.contains("Протоколы заседаний") || page.contains("протоколы"), "and lists the minutes as required");
    assert!(page.contains("Квалификационная категория"), "the composition chart");
    // A member added later does not change the fixed composition.
    let r = s
        .post_json(
            &format!("/api/v1/associations/{aid}/members"),
            json!({"teacher_id": app.a_teacher, "joined_on": "2026-10-01"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let order: Value = s.get(&format!("/api/v1/orders/{}", body["order"]["id"])).await.json().await.unwrap();
    assert_eq!(order["composition"].as_array().unwrap().len(), 4);
    // B's specialist sees none of it.
    let b = app.login("b.specialist").await;
    assert_eq!(b.get(&format!("/api/v1/associations/{aid}")).await.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn the_minimum_of_the_profile_refuses_a_small_association_on_the_page() {
    let app = TestApp::start().await;
    let s = app.login("uo.head").await;
    let list: Value = s.get("/api/v1/profiles").await.json().await.unwrap();
    let p000 = list.as_array().unwrap().iter().find(|p| p["code"] == "seed-000").unwrap()["id"].as_i64().unwrap();
    let r = s.put_json(&format!("/api/v1/municipalities/{}/profile", app.muni_a), json!({"profile_id": p000})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let before = count(&app, "orders").await;
    let mid = app.muni_a.to_string();
    let head = app.a_free_teacher.to_string();
    let r = s
        .form(
            "/orders",
            &[
                ("municipality_id", &mid),
                ("kind", "create_association"),
                ("number", "300"),
                ("date", "2026-09-01"),
                ("name", "ММО учителей химии"),
                ("direction", "химия"),
                ("head_teacher_id", &head),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("не менее 10 педагогов; в составе 1"), "the reason is shown");
    assert_eq!(count(&app, "orders").await, before, "nothing was registered");
    // The authority's list shows the existing associations against the new minimum.
    let page = s.get("/associations").await.text().await.unwrap();
    assert!(page.contains("из не менее 10"), "members are shown against the minimum of seed 000");
    app.stop().await;
}
