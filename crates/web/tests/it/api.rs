//! Workflows of the foundation through the real HTTP server, on SQLite or PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{TestApp, count, csrf_of};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn health_tells_the_backend_and_schema_version() {
    let app = TestApp::start().await;
    let v: Value = reqwest::get(app.url("/healthz")).await.unwrap().json().await.unwrap();
    let expected = if metoda_store::testkit::postgres_url().is_some() { "postgres" } else { "sqlite" };
    assert_eq!(v["backend"], expected);
    assert_eq!(v["schema_version"], metoda_store::migrate::latest_version());
    let spec: Value = reqwest::get(app.url("/api/openapi.json")).await.unwrap().json().await.unwrap();
    assert!(spec["paths"]["/api/v1/organizations"]["post"].is_object());
    assert!(spec["paths"]["/api/v1/audit"]["get"].is_object());
    app.stop().await;
}

#[tokio::test]
async fn sign_in_out_and_the_session_cookie() {
    let app = TestApp::start().await;
    let (c, r) = app.login_form("uo.specialist", common::PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("metoda_session="))
        .unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "no Secure without TLS: {cookie}");
    let home = c.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("Козлова Ирина Николаевна"));
    assert!(home.contains("Томский район"));
    // The session lives in the database.
    assert_eq!(count(&app, "sessions").await, 1);
    let csrf = csrf_of(&home);
    let r = c.post(app.url("/logout")).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "sessions").await, 0);
    let r = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/login", "signed out users are sent to the login page");
    app.stop().await;
}

#[tokio::test]
async fn a_post_without_the_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::start().await;
    let s = app.login("uo.specialist").await;
    let before = count(&app, "organizations").await;
    let mid = app.muni_a.to_string();
    let fields =
        [("municipality_id", mid.as_str()), ("full_name", "Новая школа"), ("short_name", "НШ"), ("kind", "school")];
    let r = s.c.post(s.url("/organizations")).form(&fields).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r =
        s.c.post(s.url("/organizations"))
            .form(&[("_csrf", "0".repeat(64).as_str()), ("short_name", "НШ")])
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "a wrong token is refused too");
    // The API with the session cookie needs the header.
    let r =
        s.c.post(s.url("/api/v1/organizations"))
            .json(&json!({"municipality_id": app.muni_a, "full_name": "x", "short_name": "x", "kind": "school"}))
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "csrf");
    assert_eq!(count(&app, "organizations").await, before);
    // The login form itself needs the pre-sign-in token.
    let c = TestApp::client();
    let r = c.post(app.url("/login")).form(&[("login", "admin"), ("password", common::PASSWORD)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(count(&app, "sessions").await, 1, "only the session of the API sign-in above");
    app.stop().await;
}

#[tokio::test]
async fn the_authority_keeps_organizations_with_an_audit_trail() {
    let app = TestApp::start().await;
    let s = app.login("uo.specialist").await;
    // Create through the page form.
    let mid = app.muni_a.to_string();
    let r = s
        .form(
            "/organizations",
            &[
                ("municipality_id", &mid),
                ("full_name", "Муниципальное бюджетное общеобразовательное учреждение «Лицей № 7»"),
                ("short_name", "МБОУ «Лицей № 7»"),
                ("kind", "school"),
                ("email", "lyceum7@example.ru"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let loc = r.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = loc.rsplit('/').next().unwrap().parse().unwrap();
    let list = s.get("/organizations").await.text().await.unwrap();
    assert!(list.contains("МБОУ «Лицей № 7»"));
    // Update through the API.
    let r = s.put_json(&format!("/api/v1/organizations/{id}"), json!({"full_name": "Муниципальное бюджетное общеобразовательное учреждение «Лицей № 7»", "short_name": "Лицей № 7", "kind": "school", "phone": "+7 (3822) 55-00-07"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let o: Value = r.json().await.unwrap();
    assert_eq!(o["short_name"], "Лицей № 7");
    assert_eq!(o["email"], Value::Null, "a field left out of a PUT is cleared");
    // Archive: it leaves the list but stays readable.
    let r = s.form(&format!("/organizations/{id}/archive"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let row = format!("href=\"/organizations/{id}\"");
    let list = s.get("/organizations").await.text().await.unwrap();
    assert!(list.contains("перенесена в архив"), "the flash message of the archive action");
    assert!(!list.contains(&row), "an archived organization leaves the list");
    let archived = s.get("/organizations?archived=1").await.text().await.unwrap();
    assert!(archived.contains(&row));
    assert_eq!(s.get(&format!("/organizations/{id}")).await.status(), StatusCode::OK);
    // The audit trail has all three, with old -> new.
    let a: Value = s.get(&format!("/api/v1/audit?entity=organization&entity_id={id}")).await.json().await.unwrap();
    let actions: Vec<&str> = a["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["archive", "update", "create"]);
    let changes: Value = serde_json::from_str(a["entries"][1]["changes"].as_str().unwrap()).unwrap();
    assert_eq!(changes["short_name"], json!(["МБОУ «Лицей № 7»", "Лицей № 7"]));
    assert_eq!(a["entries"][0]["actor"], "uo.specialist");
    let page = s.get("/audit?entity=organization").await.text().await.unwrap();
    assert!(page.contains("Организация «Лицей № 7» перенесена в архив"));
    assert!(page.contains("краткое наименование: МБОУ «Лицей № 7» → Лицей № 7"), "field names are Russian");
    assert!(!page.contains("updated_at"), "bookkeeping fields are not shown");
    app.stop().await;
}

#[tokio::test]
async fn bad_input_gets_russian_messages_and_writes_nothing() {
    let app = TestApp::start().await;
    let s = app.login("uo.specialist").await;
    let before = (count(&app, "organizations").await, count(&app, "audit_log").await);
    // Empty names, unknown kind, bad e-mail: every problem at once, on the page.
    let mid = app.muni_a.to_string();
    let r = s
        .form(
            "/organizations",
            &[("municipality_id", &mid), ("full_name", "  "), ("short_name", ""), ("kind", "zoo"), ("email", "нет")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    for m in [
        "Полное наименование: поле обязательно",
        "Краткое наименование: поле обязательно",
        "Тип организации: выберите",
        "Электронная почта: укажите адрес",
    ] {
        assert!(html.contains(m), "missing «{m}»");
    }
    // Overlong, in the API.
    let r = s
        .post_json(
            "/api/v1/organizations",
            json!({"municipality_id": app.muni_a, "full_name": "я".repeat(501), "short_name": "x", "kind": "school"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "validation");
    assert_eq!(e["error"]["fields"][0]["field"], "full_name");
    assert!(e["error"]["fields"][0]["message"].as_str().unwrap().contains("не длиннее 500"));
    // Malformed JSON.
    let r =
        s.c.post(s.url("/api/v1/organizations"))
            .header("x-csrf-token", &s.csrf)
            .header("content-type", "application/json")
            .body("{\"municipality_id\": ")
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let e: Value = r.json().await.unwrap();
    assert!(e["error"]["message"].as_str().unwrap().starts_with("Некорректный JSON"));
    // Unknown ids.
    let r = s
        .post_json(
            "/api/v1/organizations",
            json!({"municipality_id": 999_999, "full_name": "x", "short_name": "x", "kind": "school"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(s.get("/api/v1/organizations/999999").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(s.get("/organizations/abc").await.status(), StatusCode::NOT_FOUND);
    let r = s.get("/api/v1/organizations/abc").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "not_found");
    // A duplicate short name is a conflict with a clear message.
    let r = s.post_json("/api/v1/organizations", json!({"municipality_id": app.muni_a, "full_name": "Дубль", "short_name": "МБОУ «Богашёвская СОШ»", "kind": "school"})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.json::<Value>().await.unwrap()["error"]["message"].as_str().unwrap().contains("уже есть"));
    // A date that does not exist, in the audit filter.
    let page = s.get("/audit?from=31.02.2026").await.text().await.unwrap();
    assert!(page.contains("Дата с: укажите существующую дату"), "the page names the bad date");
    let r = s.get("/api/v1/audit?to=2026-13-01").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json::<Value>().await.unwrap()["error"]["fields"][0]["message"].as_str().unwrap().contains("Дата по"));
    assert_eq!((count(&app, "organizations").await, count(&app, "audit_log").await), before);
    app.stop().await;
}

#[tokio::test]
async fn an_authority_copies_a_preset_edits_it_and_assigns_it() {
    let app = TestApp::start().await;
    let s = app.login("uo.head").await;
    let list: Value = s.get("/api/v1/profiles").await.json().await.unwrap();
    let presets: Vec<&Value> = list.as_array().unwrap().iter().filter(|p| p["is_preset"] == true).collect();
    assert_eq!(presets.len(), 5);
    let p004 = presets.iter().find(|p| p["code"] == "seed-004").unwrap();
    let id = p004["id"].as_i64().unwrap();
    let page = s.get(&format!("/profiles/{id}")).await.text().await.unwrap();
    assert!(page.contains("председатель и секретарь"), "the profile page shows the settings in Russian");
    assert!(page.contains("004 §4.4"));
    // A preset cannot be changed.
    let settings = p004["settings"].clone();
    let r = s.put_json(&format!("/api/v1/profiles/{id}"), json!({"name": "x", "settings": settings})).await;
    assert!(r.status() == StatusCode::FORBIDDEN || r.status() == StatusCode::CONFLICT, "{}", r.status());
    // Copy it for municipality A through the page.
    let mid = app.muni_a.to_string();
    let r = s
        .form(
            &format!("/profiles/{id}/copy"),
            &[("municipality_id", &mid), ("name", "Положение о МУМО Томского района")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let loc = r.headers()["location"].to_str().unwrap().to_owned();
    let copy_id: i64 = loc.split('/').nth(2).unwrap().parse().unwrap();
    // Edit it through the form: 3 meetings instead of 2.
    let edit = s.get(&loc).await.text().await.unwrap();
    assert!(edit.contains("Минимальное число заседаний"));
    let mut fields: Vec<(String, String)> = form_values(&edit);
    for f in &mut fields {
        if f.0 == "min_meetings_per_year" {
            f.1 = "3".into();
        }
        if f.0 == "min_meetings_per_year__clause" {
            f.1 = "п. 4.4 (ред. 2026)".into();
        }
    }
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let r = s.form(&loc, &pairs).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap_or_default());
    let got: Value = s.get(&format!("/api/v1/profiles/{copy_id}")).await.json().await.unwrap();
    assert_eq!(got["settings"]["min_meetings_per_year"]["value"], 3);
    assert_eq!(got["settings"]["min_meetings_per_year"]["clause"], "п. 4.4 (ред. 2026)");
    assert_eq!(got["settings"]["quorum"], p004["settings"]["quorum"], "the rest is kept");
    // A bad value re-shows the form with a message and changes nothing.
    let mut bad = fields.clone();
    for f in &mut bad {
        if f.0 == "min_meetings_per_year" {
            f.1 = "много".into();
        }
    }
    let pairs: Vec<(&str, &str)> = bad.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let r = s.form(&loc, &pairs).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("целое число"));
    let got: Value = s.get(&format!("/api/v1/profiles/{copy_id}")).await.json().await.unwrap();
    assert_eq!(got["settings"]["min_meetings_per_year"]["value"], 3);
    // Assign it.
    let r = s.put_json(&format!("/api/v1/municipalities/{}/profile", app.muni_a), json!({"profile_id": copy_id})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let m: Value = r.json().await.unwrap();
    assert_eq!(m["profile_name"], "Положение о МУМО Томского района");
    // B's authority neither sees nor assigns A's profile.
    let b = app.login("b.specialist").await;
    assert_eq!(b.get(&format!("/api/v1/profiles/{copy_id}")).await.status(), StatusCode::FORBIDDEN);
    let r = b.put_json(&format!("/api/v1/municipalities/{}/profile", app.muni_b), json!({"profile_id": copy_id})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.stop().await;
}

/// The fields of the first POST form of a page as (name, value), checkboxes only when checked.
fn form_values(html: &str) -> Vec<(String, String)> {
    let start = html.find("<form class=\"stack\" method=\"post\"").unwrap();
    let end = start + html[start..].find("</form>").unwrap();
    let form = &html[start..end];
    let attr = |tag: &str, name: &str| -> Option<String> {
        let k = format!("{name}=\"");
        let i = tag.find(&k)? + k.len();
        Some(tag[i..].split('"').next()?.to_owned())
    };
    let unescape = |s: &str| {
        s.replace("&quot;", "\"")
            .replace("&#x27;", "'")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    };
    let mut out = vec![];
    let mut rest = form;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let tag_end = rest.find('>').unwrap();
        let tag = &rest[..=tag_end];
        if tag.starts_with("<input") {
            let name = attr(tag, "name");
            let ty = attr(tag, "type").unwrap_or_default();
            if let Some(n) = name
                && n != "_csrf"
                && (ty != "checkbox" || tag.contains(" checked"))
            {
                out.push((n, unescape(&attr(tag, "value").unwrap_or_default())));
            }
        } else if tag.starts_with("<textarea") {
            let n = attr(tag, "name").unwrap();
            let body_end = rest.find("</textarea>").unwrap();
            out.push((n, unescape(&rest[tag_end + 1..body_end])));
        } else if tag.starts_with("<select") {
            let n = attr(tag, "name").unwrap();
            let sel_end = rest.find("</select>").unwrap();
            let opts = &rest[..sel_end];
            if let Some(j) = opts.find(" selected") {
                let before = &opts[..j];
                let vi = before.rfind("value=\"").unwrap() + 7;
                out.push((n, before[vi..].split('"').next().unwrap().to_owned()));
            }
        }
        rest = &rest[1..];
    }
    out
}

#[tokio::test]
async fn users_roles_and_passwords() {
    let app = TestApp::start().await;
    let s = app.login("uo.specialist").await;
    // Create a member teacher of A's association.
    let r = s.post_json("/api/v1/users", json!({"login": "new.teacher", "full_name": "Новикова Мария Петровна", "password": "пароль-учителя-1", "role": "member_teacher", "scope_id": app.assoc_a})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let u: Value = r.json().await.unwrap();
    assert_eq!(u["grants"][0]["role"], "member_teacher");
    assert_eq!(u["user"]["municipality_id"], app.muni_a);
    // The specialist may not grant in B, nor make a region operator.
    let uid = u["user"]["id"].as_i64().unwrap();
    let r = s
        .post_json(&format!("/api/v1/users/{uid}/grants"), json!({"role": "member_teacher", "scope_id": app.assoc_b}))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = s
        .post_json(&format!("/api/v1/users/{uid}/grants"), json!({"role": "region_operator", "scope_id": app.region}))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The new user signs in and changes the password on the page.
    let (c, r) = app.login_form("new.teacher", "пароль-учителя-1").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = c.get(app.url("/password")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&page);
    let r = c
        .post(app.url("/password"))
        .form(&[("_csrf", csrf.as_str()), ("current", "неверный"), ("new", "123"), ("repeat", "123")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("Текущий пароль введён неверно") && html.contains("не короче 10"));
    let r = c
        .post(app.url("/password"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("current", "пароль-учителя-1"),
            ("new", "новый-пароль-2026"),
            ("repeat", "новый-пароль-2026"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, r) = app.login_form("new.teacher", "новый-пароль-2026").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Blocking the account ends its sessions.
    let r = s.form(&format!("/users/{uid}/archive"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/login");
    let (_, r) = app.login_form("new.teacher", "новый-пароль-2026").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    app.stop().await;
}

#[tokio::test]
async fn api_tokens_authenticate_scripts_without_csrf() {
    let app = TestApp::start().await;
    let secret = app.api_token("uo.specialist").await;
    let c = reqwest::Client::new();
    let r = c.get(app.url("/api/v1/me")).bearer_auth(&secret).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["user"]["login"], "uo.specialist");
    let r = c.post(app.url("/api/v1/organizations")).bearer_auth(&secret).json(&json!({"municipality_id": app.muni_a, "full_name": "Школа из скрипта", "short_name": "Скрипт", "kind": "school"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = c.get(app.url("/api/v1/me")).bearer_auth("mt_forged").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "unauthorized");
    let r = c.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Only the hash is stored.
    let mut conn = app.t.db.conn().await.unwrap();
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM api_tokens").fetch_one(&mut *conn).await.unwrap();
    assert_ne!(stored, secret);
    assert_eq!(stored, metoda_store::sessions::sha256(&secret));
    drop(conn);
    app.stop().await;
}

#[tokio::test]
async fn the_region_operator_manages_municipalities() {
    let app = TestApp::start().await;
    let s = app.login("operator").await;
    let r = s
        .form(
            "/municipalities",
            &[("region_id", &app.region.to_string()), ("name", "Первомайский район"), ("authority_name", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let list: Value = s.get("/api/v1/municipalities").await.json().await.unwrap();
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"Первомайский район") && names.contains(&"Город Б") && names.contains(&"Томский район"));
    let r = s.form("/municipalities", &[("region_id", &app.region.to_string()), ("name", "Первомайский район")]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("уже есть"));
    let home = s.get("/").await.text().await.unwrap();
    assert!(
        home.contains("Муниципалитеты без профиля положения"),
        "the operator is told which municipalities lack a profile"
    );
    assert!(
        home.contains(&format!("<a href=\"/organizations?municipality_id={}\">1</a>", app.muni_b)),
        "the region overview lists B with its one organization"
    );
    app.stop().await;
}

/// Issue 15: subgroup membership has dates and an API — a member joins from a day (history: until
/// a day), only while a member of the association, never twice at once, and leaves after joining.
#[tokio::test]
async fn subgroup_memberships_are_dated_and_checked_against_the_association() {
    let app = TestApp::start().await;
    let admin = app.login("admin").await;
    let a: Value = admin.get(&format!("/api/v1/associations/{}", app.assoc_c)).await.json().await.unwrap();
    let sid = a["subgroups"][0]["id"].as_i64().unwrap();
    let base = format!("/api/v1/associations/{}/subgroups/{sid}/members", app.assoc_c);
    let listed: Value = admin.get(&base).await.json().await.unwrap();
    let inside: Vec<i64> = listed.as_array().unwrap().iter().filter_map(|m| m["teacher_id"].as_i64()).collect();
    let m =
        a["members"].as_array().unwrap().iter().find(|m| !inside.contains(&m["teacher_id"].as_i64().unwrap())).unwrap();
    let (tid, joined) = (m["teacher_id"].as_i64().unwrap(), m["joined_on"].as_str().unwrap().to_owned());
    let joined = time::Date::parse(&joined, time::macros::format_description!("[year]-[month]-[day]")).unwrap();
    let iso = |d: time::Date| metoda_domain::values::iso_date(d);
    // Before they joined the association: refused, naming the dates.
    let r =
        admin.post_json(&base, json!({"teacher_id": tid, "joined_on": iso(joined - time::Duration::days(30))})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("на эти даты педагог в объединении не состоит"));
    // History: a month in the subgroup, then again from later on.
    let (a1, a2) = (joined + time::Duration::days(10), joined + time::Duration::days(40));
    let r = admin.post_json(&base, json!({"teacher_id": tid, "joined_on": iso(a1), "left_on": iso(a2)})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let past: Value = r.json().await.unwrap();
    assert_eq!(
        (past["joined_on"].as_str(), past["left_on"].as_str()),
        (Some(iso(a1).as_str()), Some(iso(a2).as_str()))
    );
    // Overlapping it: refused; left before joined: refused.
    let r = admin.post_json(&base, json!({"teacher_id": tid, "joined_on": iso(a1 + time::Duration::days(5))})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = admin.post_json(&base, json!({"teacher_id": tid, "joined_on": iso(a2), "left_on": iso(a1)})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = admin.post_json(&base, json!({"teacher_id": tid, "joined_on": iso(a2 + time::Duration::days(20))})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let now: Value = r.json().await.unwrap();
    assert!(now["left_on"].is_null());
    let mid = now["id"].as_i64().unwrap();
    let r = admin.post_json(&format!("{base}/{mid}/leave"), json!({"left_on": iso(a2)})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "leaving before joining");
    let left = a2 + time::Duration::days(50);
    let r = admin.post_json(&format!("{base}/{mid}/leave"), json!({"left_on": iso(left)})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let r = admin.post_json(&format!("{base}/{mid}/leave"), json!({"left_on": iso(left)})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "left already");
    let listed: Value = admin.get(&base).await.json().await.unwrap();
    let mine: Vec<&Value> = listed.as_array().unwrap().iter().filter(|m| m["teacher_id"] == tid).collect();
    assert_eq!(mine.len(), 2, "{listed}");
    assert!(mine.iter().all(|m| m["left_on"].is_string()));
    app.stop().await;
}
