//! Optimistic concurrency (decision 0011) on the administrative records: municipalities,
//! associations, regulation profiles and user accounts. Two editors read the same version; the
//! first save wins, the second is refused with 409 `conflict` and the first's change stays; on
//! the page the typed input stays beside the current values, and a save based on the current
//! version goes through. Runs on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{Session, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Reads a record through the API.
async fn read(s: &Session, path: &str) -> Value {
    let r = s.get(path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

/// A stale page save: 409, the typed value still in the form, the current value beside it, and
/// the hidden version now the current one.
async fn assert_stale_page(r: reqwest::Response, typed: &str, note: &str, current: i64) {
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(html.contains(typed), "the typed input stays: {html}");
    assert!(html.contains(note), "the current value beside it ({note}): {html}");
    assert!(html.contains("изменил другой пользователь"), "{html}");
    assert!(html.contains(&format!("name=\"version\" value=\"{current}\"")), "{html}");
}

/// The 409 of the API for a save based on an old version.
async fn assert_conflict(r: reqwest::Response) {
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "conflict", "{e}");
}

#[tokio::test]
async fn a_municipality_edited_by_two_keeps_the_first_save() {
    let app = TestApp::start().await;
    let admin = app.login("admin").await;
    let op = app.login("operator").await;
    let path = format!("/api/v1/municipalities/{}", app.muni_a);
    let m = read(&admin, &path).await;
    let v = m["version"].as_i64().unwrap();
    let body = |authority: &str, version: i64| json!({"name": m["name"], "authority_name": authority, "utc_offset_minutes": m["utc_offset_minutes"], "version": version});
    let r = admin.put_json(&path, body("Управление образования (первое)", v)).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_conflict(op.put_json(&path, body("Управление образования (второе)", v)).await).await;
    let now = read(&op, &path).await;
    assert_eq!(now["authority_name"], "Управление образования (первое)");
    assert_eq!(now["version"].as_i64().unwrap(), v + 1);

    // The page, on the old version.
    let name = m["name"].as_str().unwrap().to_owned();
    let page = format!("/municipalities/{}", app.muni_a);
    let stale = v.to_string();
    let form = |authority: &'static str, version: String| {
        vec![
            ("name", name.clone()),
            ("authority_name", authority.to_owned()),
            ("utc_offset_minutes", "420".to_owned()),
            ("version", version),
        ]
    };
    let fields = form("Отдел образования (набрано)", stale);
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = op.form(&page, &pairs).await;
    assert_stale_page(
        r,
        "value=\"Отдел образования (набрано)\"",
        "Орган управления образованием: сейчас в записи — Управление образования (первое)",
        v + 1,
    )
    .await;
    // Saved again on the current version: through.
    let fields = form("Отдел образования (набрано)", (v + 1).to_string());
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(op.form(&page, &pairs).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(read(&op, &path).await["authority_name"], "Отдел образования (набрано)");

    // Assigning a profile changes the record too: an edit based on the card before it is refused.
    let v = read(&op, &path).await["version"].as_i64().unwrap();
    let head = app.login("uo.head").await;
    let profiles: Value = read(&head, "/api/v1/profiles").await;
    let preset = profiles.as_array().unwrap().iter().find(|p| p["is_preset"] == true).unwrap()["id"].as_i64().unwrap();
    let r = head.put_json(&format!("{path}/profile"), json!({"profile_id": preset})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_conflict(op.put_json(&path, body("После назначения профиля", v)).await).await;
    app.stop().await;
}

#[tokio::test]
async fn an_association_edited_by_two_keeps_the_first_save() {
    let app = TestApp::start().await;
    let uo = app.login("uo.head").await;
    let mmo = app.login("mmo.head").await;
    let path = format!("/api/v1/associations/{}", app.assoc_a);
    let v = read(&uo, &path).await["association"]["version"].as_i64().unwrap();
    let body = |description: &str, version: i64| json!({"description": description, "social_url": "https://vk.com/mmo", "version": version});
    let r = uo.put_json(&path, body("Описание руководителя управления", v)).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_eq!(r.json::<Value>().await.unwrap()["version"].as_i64().unwrap(), v + 1);
    assert_conflict(mmo.put_json(&path, body("Описание руководителя ММО", v)).await).await;
    let now = read(&mmo, &path).await["association"].clone();
    assert_eq!(now["description"], "Описание руководителя управления");

    let page = format!("/associations/{}", app.assoc_a);
    let stale = v.to_string();
    let r = mmo
        .form(
            &page,
            &[("description", "Набранное описание"), ("social_url", "https://vk.com/mmo"), ("version", &stale)],
        )
        .await;
    assert_stale_page(
        r,
        "Набранное описание</textarea>",
        "Описание: сейчас в записи — Описание руководителя управления",
        v + 1,
    )
    .await;
    let current = (v + 1).to_string();
    let r = mmo
        .form(
            &page,
            &[("description", "Набранное описание"), ("social_url", "https://vk.com/mmo"), ("version", &current)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(read(&mmo, &path).await["association"]["description"], "Набранное описание");

    // A validation error keeps the typed input too.
    let current = (v + 2).to_string();
    let r = mmo
        .form(&page, &[("description", "Ещё одно описание"), ("social_url", "не ссылка"), ("version", &current)])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("Ещё одно описание</textarea>") && html.contains("value=\"не ссылка\""), "{html}");
    app.stop().await;
}

#[tokio::test]
async fn a_profile_edited_by_two_keeps_the_first_save() {
    let app = TestApp::start().await;
    let head = app.login("uo.head").await;
    let spec = app.login("uo.specialist").await;
    let all = read(&head, "/api/v1/profiles").await;
    let preset = all.as_array().unwrap().iter().find(|p| p["is_preset"] == true).unwrap()["id"].as_i64().unwrap();
    let r = head.post_json(&format!("/api/v1/profiles/{preset}/copy"), json!({"municipality_id": app.muni_a})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let p: Value = r.json().await.unwrap();
    let id = p["id"].as_i64().unwrap();
    let path = format!("/api/v1/profiles/{id}");
    let v = p["version"].as_i64().unwrap();
    let body = |name: &str, version: i64| json!({"name": name, "settings": p["settings"], "version": version});
    let r = head.put_json(&path, body("Положение руководителя", v)).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_conflict(spec.put_json(&path, body("Положение специалиста", v)).await).await;
    assert_eq!(read(&spec, &path).await["name"], "Положение руководителя");

    // The page form (every setting as the stored profile has it), on the old version.
    let settings: metoda_domain::profile::ProfileSettings = serde_json::from_value(p["settings"].clone()).unwrap();
    let form = |version: i64| {
        let mut pairs = common::profile_form(&settings, "Набранное название");
        pairs.push(("version".into(), version.to_string()));
        pairs
    };
    let edit = format!("/profiles/{id}/edit");
    let fields = form(v);
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = spec.form(&edit, &pairs).await;
    assert_stale_page(
        r,
        "value=\"Набранное название\"",
        "Название профиля: сейчас в записи — Положение руководителя",
        v + 1,
    )
    .await;
    let fields = form(v + 1);
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(spec.form(&edit, &pairs).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(read(&spec, &path).await["name"], "Набранное название");
    app.stop().await;
}

#[tokio::test]
async fn a_user_edited_by_two_keeps_the_first_save() {
    let app = TestApp::start().await;
    let head = app.login("uo.head").await;
    let spec = app.login("uo.specialist").await;
    let path = format!("/api/v1/users/{}", app.a_user);
    let u = read(&head, &path).await["user"].clone();
    let v = u["version"].as_i64().unwrap();
    let body = |full_name: &str, version: i64| json!({"full_name": full_name, "email": "", "version": version});
    let r = head.put_json(&path, body("Иванова Анна Петровна", v)).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_conflict(spec.put_json(&path, body("Иванова Анна Павловна", v)).await).await;
    assert_eq!(read(&spec, &path).await["user"]["full_name"], "Иванова Анна Петровна");

    let page = format!("/users/{}", app.a_user);
    let stale = v.to_string();
    let r = spec.form(&page, &[("full_name", "Иванова-Петрова Анна"), ("email", ""), ("version", &stale)]).await;
    assert_stale_page(r, "value=\"Иванова-Петрова Анна\"", "ФИО: сейчас в записи — Иванова Анна Петровна", v + 1).await;
    let current = (v + 1).to_string();
    let r = spec.form(&page, &[("full_name", "Иванова-Петрова Анна"), ("email", ""), ("version", &current)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(read(&spec, &path).await["user"]["full_name"], "Иванова-Петрова Анна");

    // A new password changes the account too: an edit based on it before is refused.
    let v = read(&spec, &path).await["user"]["version"].as_i64().unwrap();
    let r = head.form(&format!("/users/{}/password", app.a_user), &[("password", "новый-пароль-учителя-1")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_conflict(spec.put_json(&path, body("После смены пароля", v)).await).await;
    app.stop().await;
}

#[tokio::test]
async fn a_user_page_with_a_mistake_keeps_what_was_typed() {
    let app = TestApp::start().await;
    let head = app.login("uo.head").await;
    let page = format!("/users/{}", app.a_user);
    let r = head.form(&page, &[("full_name", "Новое Имя Учителя"), ("email", "не-почта")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("value=\"Новое Имя Учителя\"") && html.contains("value=\"не-почта\""), "{html}");
    // Nothing was saved.
    let u: Value = head.get(&format!("/api/v1/users/{}", app.a_user)).await.json().await.unwrap();
    assert_ne!(u["user"]["full_name"], "Новое Имя Учителя");
    app.stop().await;
}
