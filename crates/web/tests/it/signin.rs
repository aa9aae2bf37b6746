//! Issue 10 «Trust», the sign-in and the HTTP boundary: sign-in throttling that cannot be turned against the owner, unknown logins
//! as slow as wrong passwords, logs of failures and requests, the API token's sign-out, a health
//! check that sees the database, caching and HSTS headers, and input refused at the HTTP boundary
//! in Russian. On SQLite or PostgreSQL, as every integration test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{PASSWORD, TestApp, count, csrf_of, logs};
use metoda_web::{AppState, SecureCookies, WebConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Another app server on the test's database, with its own configuration.
async fn server(app: &TestApp, config: WebConfig) -> String {
    let running =
        metoda_web::spawn(AppState { db: app.t.db.clone(), config, clock: metoda_web::Clock::system() }, "127.0.0.1:0")
            .await
            .unwrap();
    format!("http://{}", running.addr)
}

/// An app server behind a (pretended) reverse proxy: the client address is `X-Forwarded-For`.
async fn proxied(app: &TestApp) -> String {
    server(app, WebConfig { trust_proxy: true, ..WebConfig::default() }).await
}

/// `POST /api/v1/session` from a client address.
async fn api_sign_in(base: &str, from: &str, login: &str, password: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{base}/api/v1/session"))
        .header("x-forwarded-for", from)
        .json(&json!({"login": login, "password": password}))
        .send()
        .await
        .unwrap()
}

/// The login form submitted from a client address.
async fn form_sign_in(base: &str, from: &str, login: &str, password: &str) -> reqwest::Response {
    let c = TestApp::client();
    let page = c.get(format!("{base}/login")).header("x-forwarded-for", from).send().await.unwrap();
    let csrf = csrf_of(&page.text().await.unwrap());
    c.post(format!("{base}/login"))
        .header("x-forwarded-for", from)
        .form(&[("_csrf", csrf.as_str()), ("login", login), ("password", password)])
        .send()
        .await
        .unwrap()
}

async fn error_of(r: reqwest::Response) -> Value {
    let v: Value = r.json().await.unwrap();
    v["error"].clone()
}

#[tokio::test]
async fn guessing_a_password_slows_the_guesser_and_never_locks_the_owner_out() {
    let app = TestApp::start().await;
    // Two app servers on one database: the throttle is kept in the database.
    let (one, two) = (proxied(&app).await, proxied(&app).await);
    let guesser = "10.1.1.1";
    for i in 1..=3 {
        let r = api_sign_in(&one, guesser, "teacher", &format!("guess-{i}")).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    // The fourth guess has to wait, on the other server too, with the right password as well.
    let r = api_sign_in(&two, guesser, "teacher", "guess-4").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 0, "Retry-After {wait}");
    let e = error_of(r).await;
    assert_eq!(e["code"], "throttled");
    let msg = e["message"].as_str().unwrap();
    assert!(msg.starts_with("Слишком много попыток входа, попробуйте через "), "{msg}");
    assert!(msg.contains("секунд"), "{msg}");
    let r = api_sign_in(&one, guesser, "teacher", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "the right password does not get the guesser in");
    // The page says the same in Russian.
    let r = form_sign_in(&two, guesser, "teacher", "guess-5").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    let page = r.text().await.unwrap();
    assert!(page.contains("Слишком много попыток входа, попробуйте через"), "{page}");
    // The owner, from their own address, signs in at once — on either server, by API and by form.
    let r = api_sign_in(&one, "10.2.2.2", "teacher", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = form_sign_in(&two, "10.2.2.3", "teacher", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Other logins from the owner's address are not affected either.
    let r = api_sign_in(&two, "10.2.2.2", "mmo.head", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn many_logins_guessed_from_one_address_are_throttled_too() {
    let app = TestApp::start().await;
    let base = proxied(&app).await;
    let sprayer = "10.3.3.3";
    let free = metoda_store::sessions::FREE_FAILURES_PER_ADDRESS;
    for i in 0..free {
        // One guess per login: no login reaches its own limit.
        let r = api_sign_in(&base, sprayer, &format!("ghost{i}"), "guess").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let r = api_sign_in(&base, sprayer, "mmo.head", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "the address as a whole is throttled");
    let r = api_sign_in(&base, "10.4.4.4", "mmo.head", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::OK, "another address is not");
    app.stop().await;
}

#[tokio::test]
async fn an_unknown_login_takes_as_long_as_a_wrong_password() {
    let app = TestApp::start().await;
    let base = proxied(&app).await;
    let (mut known, mut unknown) = (Duration::MAX, Duration::MAX);
    // Interleaved, each from its own address (no throttling), the fastest of five of each.
    for i in 0..5 {
        let t = Instant::now();
        let r = api_sign_in(&base, &format!("10.5.0.{i}"), "admin", "a-wrong-password").await;
        known = known.min(t.elapsed());
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let t = Instant::now();
        let r = api_sign_in(&base, &format!("10.5.1.{i}"), &format!("nobody{i}"), "a-wrong-password").await;
        unknown = unknown.min(t.elapsed());
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(error_of(r).await["message"], "Неверный логин или пароль");
    }
    // A loose bound: without the dummy verification an unknown login answers about ten times faster.
    assert!(unknown * 3 >= known, "unknown login {unknown:?} vs wrong password {known:?}");
    app.stop().await;
}

fn log_lines(buf: &Arc<Mutex<Vec<u8>>>) -> Vec<String> {
    String::from_utf8_lossy(&buf.lock().unwrap()).lines().map(str::to_owned).collect()
}

#[tokio::test]
async fn failed_sign_ins_throttling_and_requests_are_logged() {
    let buf = logs();
    let app = TestApp::start().await;
    let base = proxied(&app).await;
    for _ in 0..4 {
        api_sign_in(&base, "10.6.6.6", "log.probe", "Secret-Guess-42").await;
    }
    let lines = log_lines(&buf);
    let failed: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("WARN") && l.contains("sign-in failed") && l.contains("log.probe"))
        .collect();
    assert_eq!(failed.len(), 3, "{lines:#?}");
    assert!(failed[0].contains("10.6.6.6"), "{}", failed[0]);
    assert!(
        lines.iter().any(|l| l.contains("WARN") && l.contains("sign-in throttled") && l.contains("log.probe")),
        "{lines:#?}"
    );
    assert!(!lines.iter().any(|l| l.contains("Secret-Guess-42")), "the password is never logged");
    // Every request at info: method, the route's template, status, duration, the user.
    let s = app.login("uo.specialist").await;
    let me: Value = s.get("/api/v1/me").await.json().await.unwrap();
    let uid = me["user"]["id"].as_i64().unwrap();
    let r = s.get(&format!("/api/v1/organizations/{}", app.org_a)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let lines = log_lines(&buf);
    let line = lines
        .iter()
        .find(|l| {
            l.contains("INFO")
                && l.contains("method=GET")
                && l.contains("route=/api/v1/organizations/{id}")
                && l.contains("status=200")
                && l.contains(&format!("user_id={uid}"))
        })
        .unwrap_or_else(|| panic!("no request line in {lines:#?}"));
    // (The log is the test binary's: other tests' requests are in it too.)
    assert!(line.contains("duration_ms=") && line.contains("queries="), "{line}");
    app.stop().await;
}

#[tokio::test]
async fn signing_out_with_an_api_token_is_refused_and_audits_nothing() {
    let app = TestApp::start().await;
    let secret = app.api_token("uo.specialist").await;
    let c = reqwest::Client::new();
    let audit_before = count(&app, "audit_log").await;
    let r = c.delete(app.url("/api/v1/session")).bearer_auth(&secret).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let e = error_of(r).await;
    assert_eq!(e["code"], "bad_request");
    assert!(e["message"].as_str().unwrap().contains("API-токен"), "{e}");
    assert_eq!(count(&app, "audit_log").await, audit_before, "no «Выход» for nothing");
    let r = c.get(app.url("/api/v1/me")).bearer_auth(&secret).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "the token still works");
    // A cookie session still signs out.
    let s = app.login("teacher").await;
    let r = s.c.delete(s.url("/api/v1/session")).header("x-csrf-token", &s.csrf).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(s.get("/api/v1/me").await.status(), StatusCode::UNAUTHORIZED);
    app.stop().await;
}

#[tokio::test]
async fn health_is_unavailable_when_the_schema_is_behind() {
    let app = TestApp::start().await;
    let r = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let mut c = app.t.db.conn().await.unwrap();
    sqlx::query("DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)")
        .execute(&mut *c)
        .await
        .unwrap();
    drop(c);
    let r = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "unavailable", "{v}");
    app.stop().await;
}

#[tokio::test]
async fn health_is_unavailable_when_the_database_is_gone() {
    let t = metoda_store::testkit::TestDb::new().await.unwrap();
    let running = metoda_web::spawn(
        AppState { db: t.db.clone(), config: WebConfig::default(), clock: metoda_web::Clock::system() },
        "127.0.0.1:0",
    )
    .await
    .unwrap();
    let url = format!("http://{}/healthz", running.addr);
    assert_eq!(reqwest::get(&url).await.unwrap().status(), StatusCode::OK);
    match metoda_store::testkit::postgres_url() {
        // PostgreSQL: the database is dropped under the running server.
        Some(admin) => {
            use sqlx::{Connection, Executor};
            let name = t.url.rsplit('/').next().unwrap().split('?').next().unwrap().to_owned();
            let mut a = sqlx::PgConnection::connect(&admin).await.unwrap();
            a.execute(format!("DROP DATABASE {name} WITH (FORCE)").as_str()).await.unwrap();
        }
        // SQLite: open connections outlive a removed file, so the pool itself goes away.
        None => t.db.close().await,
    }
    let r = reqwest::get(&url).await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "unavailable", "{v}");
    running.handle.abort();
    t.drop_db().await;
}

#[tokio::test]
async fn personal_data_is_not_cached_and_hsts_follows_secure_cookies() {
    let app = TestApp::start().await;
    let s = app.login("uo.specialist").await;
    for path in ["/", "/api/v1/me", &format!("/teachers/{}", app.a_teacher), &format!("/orders/{}/docx", app.a_order)] {
        let r = s.get(path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(r.headers().get("cache-control").map(|v| v.to_str().unwrap()), Some("no-store"), "{path}");
    }
    let r = s.get("/static/app.css").await;
    assert!(r.headers()["cache-control"].to_str().unwrap().contains("max-age"), "static assets stay cacheable");
    assert!(!r.headers().contains_key("strict-transport-security"), "no HSTS without secure cookies");
    let secure = server(&app, WebConfig { secure_cookies: SecureCookies::Always, ..WebConfig::default() }).await;
    let r = reqwest::get(format!("{secure}/login")).await.unwrap();
    let hsts = r.headers()["strict-transport-security"].to_str().unwrap();
    assert!(hsts.starts_with("max-age="), "{hsts}");
    app.stop().await;
}

/// A raw HTTP/1.1 request (the body announced by `Content-Length` need not follow): status,
/// content type and body of the answer.
async fn raw(app: &TestApp, head: &str, body: &[u8]) -> (u16, String, String) {
    let addr = app.base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(body).await.unwrap();
    let mut got = Vec::new();
    let mut chunk = [0u8; 8192];
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let n = tokio::time::timeout(Duration::from_secs(20), s.read(&mut chunk)).await.unwrap().unwrap();
        got.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&got).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let headers = text[..end].to_lowercase();
            let len = headers
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map(|v| v.trim().parse::<usize>().unwrap());
            if n == 0 || len.is_some_and(|len| got.len() >= end + 4 + len) {
                let status = headers[9..12].parse().unwrap();
                let ct = headers.lines().find_map(|l| l.strip_prefix("content-type:")).unwrap_or("").trim().to_owned();
                let body = String::from_utf8_lossy(&got[end + 4..]).to_string();
                return (status, ct, body);
            }
        }
        assert!(n > 0 && Instant::now() < deadline, "incomplete answer: {}", String::from_utf8_lossy(&got));
    }
}

#[tokio::test]
async fn an_oversized_body_gets_the_apps_own_error_in_russian() {
    let app = TestApp::start().await;
    let big = 30 * 1024 * 1024;
    let head = format!(
        "POST /api/v1/organizations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {big}\r\n\r\n"
    );
    let (status, ct, body) = raw(&app, &head, b"{\"full_name\": \"").await;
    assert_eq!(status, 413, "{body}");
    assert!(ct.starts_with("application/json"), "{ct}: {body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"]["code"], "bad_request");
    assert!(v["error"]["message"].as_str().unwrap().contains("Слишком большой запрос"), "{v}");
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {big}\r\n\r\n"
    );
    let (status, ct, body) = raw(&app, &head, b"login=").await;
    assert_eq!(status, 413, "{body}");
    assert!(ct.starts_with("text/html"), "{ct}: {body}");
    assert!(body.contains("Слишком большой запрос"), "{body}");
    app.stop().await;
}

#[tokio::test]
async fn invalid_utf8_in_a_form_is_refused_not_stored() {
    let app = TestApp::start().await;
    let s = app.login("admin").await;
    let post = |path: &str, body: Vec<u8>| {
        s.c.post(s.url(path)).header("content-type", "application/x-www-form-urlencoded").body(body).send()
    };
    // A form read by the `Form` extractor (regions) and one read field by field (API tokens).
    let regions = count(&app, "regions").await;
    let mut body = format!("_csrf={}&name=", s.csrf).into_bytes();
    body.extend_from_slice(b"%FF%FE%D0");
    let r = post("/regions", body).await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("UTF-8"));
    assert_eq!(count(&app, "regions").await, regions);
    let tokens = count(&app, "api_tokens").await;
    let mut body = format!("_csrf={}&name=", s.csrf).into_bytes();
    body.extend_from_slice(&[0xC3, 0x28, b'x']);
    let r = post("/tokens", body).await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("UTF-8"));
    assert_eq!(count(&app, "api_tokens").await, tokens);
    // The API: invalid UTF-8 inside JSON.
    let mut body = b"{\"name\": \"".to_vec();
    body.extend_from_slice(&[0xFF, 0xFE]);
    body.extend_from_slice(b"\"}");
    let r =
        s.c.post(s.url("/api/v1/regions"))
            .header("x-csrf-token", &s.csrf)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let e = error_of(r).await;
    assert_eq!(e["code"], "bad_request");
    assert!(e["message"].as_str().unwrap().contains("UTF-8"), "{e}");
    assert_eq!(count(&app, "regions").await, regions);
    app.stop().await;
}

/// No English words of serde or axum in a message.
fn russian(msg: &str) -> bool {
    !msg.split(|c: char| !c.is_ascii_alphabetic()).any(|w| w.len() > 3 && w != "JSON" && w != "true" && w != "false")
}

#[tokio::test]
async fn json_errors_name_the_field_in_russian() {
    let app = TestApp::start().await;
    let s = app.login("uo.specialist").await;
    // A number expected.
    let r = s.post_json("/api/v1/organizations", json!({"municipality_id": "abc", "full_name": "Школа"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e = error_of(r).await;
    assert_eq!(e["code"], "validation");
    assert_eq!(e["fields"], json!([{"field": "municipality_id", "message": "Ожидается число"}]));
    // A string expected; a field missing.
    let c = reqwest::Client::new();
    let r = c.post(app.url("/api/v1/session")).json(&json!({"login": 5, "password": "x"})).send().await.unwrap();
    let e = error_of(r).await;
    assert_eq!(e["fields"], json!([{"field": "login", "message": "Ожидается строка"}]), "{e}");
    let r = c.post(app.url("/api/v1/session")).json(&json!({"login": "admin"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e = error_of(r).await;
    assert_eq!(e["fields"], json!([{"field": "password", "message": "Обязательное поле"}]), "{e}");
    // Not JSON at all.
    let r =
        s.c.post(s.url("/api/v1/organizations"))
            .header("x-csrf-token", &s.csrf)
            .header("content-type", "application/json")
            .body("{\"municipality_id\": ")
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let e = error_of(r).await;
    assert_eq!(e["code"], "bad_request");
    let msg = e["message"].as_str().unwrap();
    assert!(msg.starts_with("Некорректный JSON") && russian(msg), "{msg}");
    app.stop().await;
}
