//! Linking a user account to its teacher record (`/users/{id}/teacher`, `/api/v1/users/{id}/teacher`):
//! a new account linked to a record counts as that teacher, and stops counting once unlinked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{Session, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Current members of A's association without an account, by id.
async fn free_members(app: &TestApp) -> Vec<i64> {
    let mut c = app.t.db.conn().await.unwrap();
    sqlx::query_scalar(
        "SELECT t.id FROM teachers t JOIN association_members m ON m.teacher_id = t.id AND m.left_on IS NULL
         WHERE m.association_id = $1 AND t.user_id IS NULL AND t.archived_at IS NULL ORDER BY t.id",
    )
    .bind(app.assoc_a)
    .fetch_all(&mut *c)
    .await
    .unwrap()
}

/// Creates a member teacher account of A's association through the API; returns its id.
async fn new_account(s: &Session, app: &TestApp, login: &str) -> i64 {
    let r = s
        .post_json(
            "/api/v1/users",
            json!({"login": login, "full_name": format!("Педагог {login}"), "password": common::PASSWORD,
                   "role": "member_teacher", "scope_id": app.assoc_a}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "create {login}");
    let v: Value = r.json().await.unwrap();
    v["user"]["id"].as_i64().unwrap()
}

async fn link(s: &Session, user: i64, teacher: Value) -> reqwest::Response {
    s.put_json(&format!("/api/v1/users/{user}/teacher"), json!({ "teacher_id": teacher })).await
}

async fn unlink(s: &Session, user: i64) -> reqwest::Response {
    s.json(Method::DELETE, &format!("/api/v1/users/{user}/teacher"), json!({})).await
}

async fn linked_to(app: &TestApp, user: i64) -> Option<i64> {
    let mut c = app.t.db.conn().await.unwrap();
    sqlx::query_scalar("SELECT id FROM teachers WHERE user_id = $1").bind(user).fetch_optional(&mut *c).await.unwrap()
}

#[tokio::test]
async fn a_new_account_linked_to_its_record_counts_as_that_teacher() {
    let app = TestApp::start().await;
    let spec = app.login("uo.specialist").await;
    let free = free_members(&app).await;
    let (x, y) = (free[0], free[1]);
    let id = new_account(&spec, &app, "new.teacher").await;
    let v: Value = spec.get(&format!("/api/v1/users/{id}")).await.json().await.unwrap();
    assert!(v["teacher_id"].is_null(), "{v}");

    // Before the link the account is a member like any other: no personal part of the record.
    let newbie = app.login("new.teacher").await;
    let years = format!("/api/v1/teachers/{x}/years");
    assert_eq!(newbie.get(&years).await.status(), StatusCode::FORBIDDEN);

    let r = link(&spec, id, json!(x)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["teacher_id"], x);
    let v: Value = spec.get(&format!("/api/v1/users/{id}")).await.json().await.unwrap();
    assert_eq!(v["teacher_id"], x);
    let audited: i64 = {
        let mut c = app.t.db.conn().await.unwrap();
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'teacher' AND entity_id = $1 AND action = 'link_account'",
        )
        .bind(x)
        .fetch_one(&mut *c)
        .await
        .unwrap()
    };
    assert_eq!(audited, 1);

    // Now the account is that teacher: it reads its own record in full and writes its own topic.
    let r = newbie.get(&years).await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["may_write"], true, "{v}");
    let r = newbie.put_json(&format!("/api/v1/teachers/{x}/topic"), json!({"topic": "Проектная деятельность"})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());

    // The user page and the teacher card show the link to those who manage accounts.
    let page = spec.get(&format!("/users/{id}")).await.text().await.unwrap();
    assert!(page.contains("Запись в банке педагогов") && page.contains(&format!("/teachers/{x}")));
    assert!(page.contains("Отвязать"));
    let card = spec.get(&format!("/teachers/{x}")).await.text().await.unwrap();
    assert!(card.contains("Учётная запись") && card.contains("new.teacher"), "the card names the account");
    let head = app.login("mmo.head").await;
    let card = head.get(&format!("/teachers/{x}")).await.text().await.unwrap();
    assert!(!card.contains("new.teacher"), "the association's head does not manage accounts");

    // A record has one account, an account one record: unlink first.
    let other = new_account(&spec, &app, "new.teacher2").await;
    let r = link(&spec, other, json!(x)).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let v: Value = r.json().await.unwrap();
    assert!(v["error"]["message"].as_str().unwrap().contains("сначала отвяжите"), "{v}");
    let r = link(&spec, id, json!(y)).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!((linked_to(&app, id).await, linked_to(&app, other).await), (Some(x), None));
    // The same link again changes nothing.
    assert_eq!(link(&spec, id, json!(x)).await.status(), StatusCode::OK);

    // Unlinked, the account loses the teacher's own rights.
    let r = unlink(&spec, id).await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert!(v["teacher_id"].is_null(), "{v}");
    assert_eq!(newbie.get(&years).await.status(), StatusCode::FORBIDDEN);
    let r = newbie.put_json(&format!("/api/v1/teachers/{x}/topic"), json!({"topic": "Другая тема"})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(unlink(&spec, id).await.status(), StatusCode::CONFLICT, "nothing to unlink");
    // The record is free again for another account.
    assert_eq!(link(&spec, other, json!(x)).await.status(), StatusCode::OK);
    assert_eq!(linked_to(&app, other).await, Some(x));
    app.stop().await;
}

#[tokio::test]
async fn only_who_manages_the_account_and_the_record_links_them() {
    let app = TestApp::start().await;
    let spec = app.login("uo.specialist").await;
    let x = free_members(&app).await[0];
    let id = new_account(&spec, &app, "new.teacher").await;

    for login in ["b.specialist", "mmo.head", "org.admin", "teacher", "operator", "cabinet.head"] {
        let s = app.login(login).await;
        let r = link(&s, id, json!(x)).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{login}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], "forbidden", "{login}: {v}");
    }
    // A record of another municipality: the authority of A may not touch it; the administrator
    // is told the municipalities differ.
    let r = link(&spec, id, json!(app.b_teacher)).await;
    assert!(matches!(r.status(), StatusCode::FORBIDDEN | StatusCode::UNPROCESSABLE_ENTITY), "{}", r.status());
    let admin = app.login("admin").await;
    let r = link(&admin, id, json!(app.b_teacher)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert!(v["error"]["fields"].to_string().contains("муниципалитета"), "{v}");
    // No record, an unknown record, a body that is not JSON.
    let r = link(&spec, id, Value::Null).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(link(&spec, id, json!(999_999)).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = spec
        .c
        .put(spec.url(&format!("/api/v1/users/{id}/teacher")))
        .header("x-csrf-token", &spec.csrf)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    // An archived record.
    let archived = free_members(&app).await[1];
    assert_eq!(
        spec.post_json(&format!("/api/v1/teachers/{archived}/archive"), json!({})).await.status(),
        StatusCode::OK
    );
    assert_eq!(link(&spec, id, json!(archived)).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(linked_to(&app, id).await, None);
    let links: i64 = {
        let mut c = app.t.db.conn().await.unwrap();
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'link_account'")
            .fetch_one(&mut *c)
            .await
            .unwrap()
    };
    assert_eq!(links, 0, "no refusal wrote a link");

    // Unlinking is refused the same way; b.specialist cannot even see the account.
    assert_eq!(link(&spec, id, json!(x)).await.status(), StatusCode::OK);
    for login in ["b.specialist", "mmo.head", "operator"] {
        let s = app.login(login).await;
        assert_eq!(unlink(&s, id).await.status(), StatusCode::FORBIDDEN, "{login}");
    }
    assert_eq!(linked_to(&app, id).await, Some(x));
    app.stop().await;
}

#[tokio::test]
async fn the_user_page_links_and_unlinks() {
    let app = TestApp::start().await;
    let spec = app.login("uo.specialist").await;
    let x = free_members(&app).await[0];
    let id = new_account(&spec, &app, "new.teacher").await;
    let other = new_account(&spec, &app, "new.teacher2").await;
    let name: String = {
        let mut c = app.t.db.conn().await.unwrap();
        sqlx::query_scalar("SELECT last_name FROM teachers WHERE id = $1").bind(x).fetch_one(&mut *c).await.unwrap()
    };
    let page = spec.get(&format!("/users/{id}")).await.text().await.unwrap();
    assert!(page.contains("Запись в банке педагогов") && page.contains("Привязать"));
    assert!(page.contains(&format!("<option value=\"{x}\">{name}")), "the select offers the free record");
    assert!(page.contains(&format!("action=\"/users/{id}/teacher\"")));

    let r = spec.form(&format!("/users/{id}/teacher"), &[("teacher_id", &x.to_string())]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(linked_to(&app, id).await, Some(x));
    let page = spec.get(&format!("/users/{id}")).await.text().await.unwrap();
    assert!(page.contains(&format!("href=\"/teachers/{x}\"")) && page.contains("Отвязать"));
    // The record is no longer offered to another account; forcing it is refused on the page.
    let page = spec.get(&format!("/users/{other}")).await.text().await.unwrap();
    assert!(!page.contains(&format!("<option value=\"{x}\">")));
    let r = spec.form(&format!("/users/{other}/teacher"), &[("teacher_id", &x.to_string())]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let text = r.text().await.unwrap();
    assert!(text.contains("уже привязана") && text.contains("сначала отвяжите"), "the error is shown on the page");
    let r = spec.form(&format!("/users/{other}/teacher"), &[("teacher_id", "")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("выберите педагога"));
    // Without the CSRF token nothing happens.
    let r = spec.c.post(spec.url(&format!("/users/{id}/teacher/unlink"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(linked_to(&app, id).await, Some(x));

    let r = spec.form(&format!("/users/{id}/teacher/unlink"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(linked_to(&app, id).await, None);
    let page = spec.get(&format!("/users/{id}")).await.text().await.unwrap();
    assert!(page.contains("не привязана") && page.contains("Привязать"));
    // The cabinet head sees the user page but not the link form.
    let cabinet = app.login("cabinet.head").await;
    let page = cabinet.get(&format!("/users/{id}")).await.text().await.unwrap();
    assert!(!page.contains(&format!("action=\"/users/{id}/teacher\"")));
    app.stop().await;
}

/// Adds `n` accounts with a home in `municipality` straight to the database (no password hashing:
/// they never sign in); their names start with `name`.
async fn add_accounts(app: &TestApp, municipality: i64, name: &str, n: usize) {
    let mut c = app.t.db.conn().await.unwrap();
    for i in 0..n {
        sqlx::query(
            "INSERT INTO users (login, full_name, password_hash, region_id, municipality_id, created_at, updated_at)
             VALUES ($1, $2, 'x', $3, $4, '2026-09-01T00:00:00Z', '2026-09-01T00:00:00Z')",
        )
        .bind(format!("bulk.{municipality}.{i}"))
        .bind(format!("{name} {i:03}"))
        .bind(app.region)
        .bind(municipality)
        .execute(&mut *c)
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn the_account_list_is_paged_and_searched_within_what_the_reader_may_see() {
    let app = TestApp::start().await;
    add_accounts(&app, app.muni_a, "Иванова Анна", 60).await;
    add_accounts(&app, app.muni_b, "Иванова Берта", 5).await;
    let spec = app.login("uo.specialist").await;
    let first: Value = spec.get("/api/v1/users").await.json().await.unwrap();
    let total = first["total"].as_i64().unwrap();
    assert!(total > 60, "{first}");
    assert_eq!(first["users"].as_array().unwrap().len(), 50);
    let last: Value = spec.get(&format!("/api/v1/users?page={}", (total + 49) / 50)).await.json().await.unwrap();
    assert_eq!(last["users"].as_array().unwrap().len() as i64, total - 50 * ((total + 49) / 50 - 1));
    // A's authority sees A's accounts only; the search folds the case of Cyrillic names.
    let found: Value =
        spec.get("/api/v1/users?q=%D0%B8%D0%B2%D0%B0%D0%BD%D0%BE%D0%B2%D0%B0").await.json().await.unwrap();
    assert_eq!(found["total"], 60, "«иванова» finds A's sixty");
    assert!(found["users"].as_array().unwrap().iter().all(|u| u["full_name"].as_str().unwrap().contains("Анна")));
    let none: Value = spec.get("/api/v1/users?q=%25").await.json().await.unwrap();
    assert_eq!(none["total"], 0, "a typed % is taken literally: {none}");
    // The administrator sees both; the page links the next page with the search kept.
    let admin = app.login("admin").await;
    let both: Value = admin.get("/api/v1/users?q=bulk.").await.json().await.unwrap();
    assert_eq!(both["total"], 65);
    let page = admin.get("/users?q=bulk.").await.text().await.unwrap();
    assert!(page.contains("href=\"/users?q=bulk.&#38;page=2\""), "{page}");
    assert!(page.contains("всего 65"));
}

#[tokio::test]
async fn the_grant_form_offers_the_associations_of_one_municipality_at_a_time() {
    let app = TestApp::start().await;
    let option = |kind: &str, id: i64| format!("<option value=\"{kind}:{id}\"");
    let admin = app.login("admin").await;
    // The administrator grants everywhere: municipalities are offered, associations once one is chosen.
    let page = admin.get("/users").await.text().await.unwrap();
    assert!(page.contains(&option("municipality", app.muni_b)));
    assert!(!page.contains(&option("association", app.assoc_a)) && !page.contains(&option("association", app.assoc_b)));
    assert!(page.contains("сначала выберите муниципалитет"), "{page}");
    let page = admin.get(&format!("/users?municipality_id={}", app.muni_a)).await.text().await.unwrap();
    assert!(page.contains(&option("association", app.assoc_a)) && page.contains(&option("organization", app.org_a)));
    assert!(!page.contains(&option("association", app.assoc_b)));
    // A user's page offers the associations of the user's own municipality, another on request.
    let user = admin.get(&format!("/users/{}", app.b_user2)).await.text().await.unwrap();
    assert!(user.contains(&option("association", app.assoc_b)) && !user.contains(&option("association", app.assoc_a)));
    let user = admin.get(&format!("/users/{}?scopes_of={}", app.b_user2, app.muni_a)).await.text().await.unwrap();
    assert!(user.contains(&option("association", app.assoc_a)) && !user.contains(&option("association", app.assoc_b)));
    // A municipal authority grants in its municipality only: its associations come without asking.
    let spec = app.login("uo.specialist").await;
    let page = spec.get("/users").await.text().await.unwrap();
    assert!(page.contains(&option("association", app.assoc_a)), "{page}");
    assert!(!page.contains(&option("association", app.assoc_b)) && !page.contains("сначала выберите муниципалитет"));
}
