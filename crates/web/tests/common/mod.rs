//! The test harness: a real server on a free port over a fresh database (SQLite, or PostgreSQL
//! when METODA_TEST_DATABASE names a server), with the demo municipality A (Томский район) and a
//! second municipality B of the same region, each with its own people, organizations and
//! association — so every test can check that A never sees B.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use metoda_domain::access::{Role, ScopeKind};
use metoda_domain::directory::{MunicipalityInput, OrganizationInput, UserInput};
use metoda_store::testkit::{Template, TestDb};
use metoda_store::{Actor, demo, municipalities, organizations, users};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex, OnceLock};

pub const PASSWORD: &str = demo::DEMO_PASSWORD;

/// Everything the test binary logs at info, and the count of each request's SQL statements
/// (`metoda_web::telemetry`): one global subscriber for all its tests, installed before any
/// server starts.
pub fn logs() -> Arc<Mutex<Vec<u8>>> {
    use tracing_subscriber::Layer as _;
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let w = buf.clone();
        let installed = tracing_subscriber::registry()
            .with(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .with_writer(move || Sink(w.clone()))
                    .with_filter(tracing_subscriber::EnvFilter::new("info")),
            )
            .with(metoda_web::telemetry::query_counter())
            .try_init();
        assert!(installed.is_ok(), "the test binary's subscriber is installed once, here");
        buf
    })
    .clone()
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every login of the harness: the demo's people of municipality A, then B's.
pub const LOGINS: &[&str] = &[
    "admin",
    "operator",
    "uo.head",
    "uo.specialist",
    "cabinet.head",
    "mmo.head",
    "mmo.deputy",
    "mmo.secretary",
    "teacher",
    "org.admin",
    "b.specialist",
    "b.head",
    "b.teacher",
    "b.orgadmin",
];

pub struct TestApp {
    pub base: String,
    pub t: TestDb,
    /// Municipality A (the demo) and its objects.
    pub region: i64,
    pub muni_a: i64,
    pub assoc_a: i64,
    pub org_a: i64,
    pub org_a2: i64,
    /// Municipality B and its objects.
    pub muni_b: i64,
    pub assoc_b: i64,
    pub org_b: i64,
    /// A user of B (authority specialist).
    pub b_user: i64,
    /// Another user of B (the teacher).
    pub b_user2: i64,
    /// A user of A (the teacher).
    pub a_user: i64,
    /// A teacher of A: the head of A's association, working at `org_a`.
    pub a_teacher: i64,
    /// A teacher of A who is in no association (to add and remove).
    pub a_free_teacher: i64,
    /// A teacher of B, member of B's association, working at `org_b`.
    pub b_teacher: i64,
    /// The demo's МУМО of Асиновский район (seed 004, with subgroups; no users of its own).
    pub assoc_c: i64,
    /// The first order of A (creating its association) and an order of B.
    pub a_order: i64,
    pub b_order: i64,
    /// The clock of the server's requests.
    pub clock: metoda_web::Clock,
    pub server: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// The ids of what the seed made: the same in every copy of the template.
#[derive(Clone)]
struct Fixture {
    region: i64,
    muni_a: i64,
    assoc_a: i64,
    org_a: i64,
    org_a2: i64,
    muni_b: i64,
    assoc_b: i64,
    org_b: i64,
    b_user: i64,
    b_user2: i64,
    a_user: i64,
    a_teacher: i64,
    a_free_teacher: i64,
    assoc_c: i64,
    b_teacher: i64,
    a_order: i64,
    b_order: i64,
}

/// The demo data and municipality B, loaded once per test binary into a template database that
/// each test copies (`metoda_store::testkit::Template`).
static TEMPLATE: tokio::sync::OnceCell<(Template, Fixture)> = tokio::sync::OnceCell::const_new();

impl TestApp {
    pub async fn start() -> TestApp {
        logs();
        let (template, f) = TEMPLATE
            .get_or_try_init(|| Template::build(|db| async move { Ok(seed(&db).await) }))
            .await
            .expect("the test template");
        let t = template.instance().await.expect("test database");
        // The system clock; a test stops it with `app.clock.set(…)`.
        let clock = metoda_web::Clock::system();
        let config = metoda_web::WebConfig { query_count_header: true, ..Default::default() };
        let state = metoda_web::AppState { db: t.db.clone(), config, clock: clock.clone() };
        let running = metoda_web::spawn(state, "127.0.0.1:0").await.unwrap();
        let f = f.clone();
        TestApp {
            base: format!("http://{}", running.addr),
            region: f.region,
            muni_a: f.muni_a,
            assoc_a: f.assoc_a,
            org_a: f.org_a,
            org_a2: f.org_a2,
            muni_b: f.muni_b,
            assoc_b: f.assoc_b,
            org_b: f.org_b,
            b_user: f.b_user,
            b_user2: f.b_user2,
            a_user: f.a_user,
            a_teacher: f.a_teacher,
            a_free_teacher: f.a_free_teacher,
            assoc_c: f.assoc_c,
            b_teacher: f.b_teacher,
            a_order: f.a_order,
            b_order: f.b_order,
            clock,
            t,
            server: running.handle,
        }
    }
}

/// The demo (municipality A) and municipality B with its people, organization, association,
/// teacher and order.
async fn seed(db: &metoda_store::Db) -> Fixture {
    {
        let loaded = demo::load(db, false).await.expect("demo data");
        let t = db;
        let actor = Actor::cli("test");
        let mut tx = t.begin().await.unwrap();
        let b = municipalities::create(
            &mut tx,
            &actor,
            loaded.region_id,
            &MunicipalityInput {
                name: "Город Б".into(),
                authority_name: "Отдел образования Б".into(),
                utc_offset_minutes: None,
                version: None,
            }
            .parse()
            .unwrap(),
        )
        .await
        .unwrap();
        let org_b = organizations::create(
            &mut tx,
            &actor,
            b.id,
            &OrganizationInput {
                full_name: "Школа города Б".into(),
                short_name: "СОШ Б".into(),
                kind: "school".into(),
                ..Default::default()
            }
            .parse()
            .unwrap(),
        )
        .await
        .unwrap();
        let assoc_b: i64 = sqlx::query_scalar("INSERT INTO associations (municipality_id, name, created_at, updated_at) VALUES ($1, 'ММО Б', $2, $2) RETURNING id")
            .bind(b.id.get())
            .bind(metoda_store::now())
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        let mk = |login: &str| {
            UserInput {
                login: login.into(),
                full_name: format!("Пользователь {login}"),
                email: String::new(),
                password: PASSWORD.into(),
            }
            .parse(true)
            .unwrap()
        };
        let (mut b_user, mut b_user2) = (0, 0);
        for (login, role, scope) in [
            ("b.specialist", Role::AuthoritySpecialist, b.id.get()),
            ("b.head", Role::AuthorityHead, b.id.get()),
            ("b.teacher", Role::MemberTeacher, assoc_b),
            ("b.orgadmin", Role::OrgAdmin, org_b.id.get()),
        ] {
            let u = users::create(&mut tx, &actor, Some(loaded.region_id), Some(b.id), &mk(login)).await.unwrap();
            let ids = users::resolve_scope(&mut tx, role.scope_kind(), Some(scope)).await.unwrap();
            users::add_grant(&mut tx, &actor, u.id, role, ids).await.unwrap();
            match login {
                "b.specialist" => b_user = u.id.get(),
                "b.teacher" => b_user2 = u.id.get(),
                _ => {}
            }
        }
        let orgs: Vec<i64> = sqlx::query_scalar("SELECT id FROM organizations WHERE municipality_id = $1 ORDER BY id")
            .bind(loaded.municipality_id.get())
            .fetch_all(&mut *tx)
            .await
            .unwrap();
        let (a_user, _) = users::by_login(&mut tx, "teacher").await.unwrap().unwrap();
        let a_teacher: i64 = sqlx::query_scalar(
            "SELECT o.teacher_id FROM association_officers o WHERE o.association_id = $1 AND o.role = 'head'",
        )
        .bind(loaded.association_id.get())
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        let a_free_teacher: i64 = sqlx::query_scalar(
            "SELECT t.id FROM teachers t WHERE t.municipality_id = $1
               AND NOT EXISTS (SELECT 1 FROM association_members m WHERE m.teacher_id = t.id) ORDER BY t.id LIMIT 1",
        )
        .bind(loaded.municipality_id.get())
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        let today = time::OffsetDateTime::now_utc().date();
        let bt = metoda_domain::teachers::TeacherInput {
            last_name: "Бэшкина".into(),
            first_name: "Вера".into(),
            birth_date: "01.02.1985".into(),
            organization_id: Some(org_b.id.get()),
            position: "учитель".into(),
            education: "higher".into(),
            ..Default::default()
        }
        .parse(today)
        .unwrap();
        let b_teacher = metoda_store::teachers::create(&mut tx, &actor, b.id, &bt).await.unwrap().id.get();
        sqlx::query("INSERT INTO association_members (association_id, teacher_id, joined_on, created_at) VALUES ($1, $2, '2026-09-01', $3)")
            .bind(assoc_b)
            .bind(b_teacher)
            .bind(metoda_store::now())
            .execute(&mut *tx)
            .await
            .unwrap();
        let a_order: i64 = sqlx::query_scalar("SELECT MIN(id) FROM orders WHERE municipality_id = $1")
            .bind(loaded.municipality_id.get())
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        let od = metoda_domain::orders::OrderInput {
            number: "Б-1".into(),
            date: metoda_domain::values::ru_date(today),
            kind: "other".into(),
            title: "Приказ города Б".into(),
            body: "Провести методический день.".into(),
            ..Default::default()
        }
        .parse(today)
        .unwrap();
        let b_muni = municipalities::get(&mut tx, b.id).await.unwrap();
        let b_order = metoda_store::orders::register(&mut tx, &actor, &b_muni, None, &od).await.unwrap().id.get();
        tx.commit().await.unwrap();
        let _ = ScopeKind::System;
        Fixture {
            region: loaded.region_id.get(),
            muni_a: loaded.municipality_id.get(),
            assoc_a: loaded.association_id.get(),
            org_a: orgs[0],
            org_a2: orgs[1],
            muni_b: b.id.get(),
            assoc_b,
            org_b: org_b.id.get(),
            b_user,
            b_user2,
            a_user: a_user.id.get(),
            a_teacher,
            a_free_teacher,
            assoc_c: loaded.associations[3].get(),
            b_teacher,
            a_order,
            b_order,
        }
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn client() -> Client {
        Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
    }

    /// Signs in through the JSON API; returns the client and the session's CSRF token.
    /// A new API token («скрипт») of the user of this login; its secret.
    pub async fn api_token(&self, login: &str) -> String {
        let mut c = self.t.db.conn().await.unwrap();
        let (u, _) = users::by_login(&mut c, login).await.unwrap().unwrap();
        metoda_store::sessions::create_token(&mut c, &Actor::cli("test"), u.id, "скрипт").await.unwrap().0
    }

    pub async fn login(&self, login: &str) -> Session {
        let c = Self::client();
        let r = c
            .post(self.url("/api/v1/session"))
            .json(&json!({"login": login, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "sign-in of {login}");
        let body: Value = r.json().await.unwrap();
        Session { c, csrf: body["csrf_token"].as_str().unwrap().to_owned(), base: self.base.clone() }
    }

    /// Signs in through the login form, as a person would.
    pub async fn login_form(&self, login: &str, password: &str) -> (Client, Response) {
        let c = Self::client();
        let page = c.get(self.url("/login")).send().await.unwrap().text().await.unwrap();
        let csrf = csrf_of(&page);
        let r = c
            .post(self.url("/login"))
            .form(&[("_csrf", csrf.as_str()), ("login", login), ("password", password)])
            .send()
            .await
            .unwrap();
        (c, r)
    }

    pub async fn stop(self) {
        self.server.abort();
        self.t.drop_db().await;
    }
}

/// The `_csrf` value of the first form in a page.
pub fn csrf_of(html: &str) -> String {
    let key = "name=\"_csrf\" value=\"";
    let start = html.find(key).expect("a form with _csrf") + key.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// A signed-in client.
pub struct Session {
    pub c: Client,
    pub csrf: String,
    pub base: String,
}

impl Session {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
    pub async fn get(&self, path: &str) -> Response {
        self.c.get(self.url(path)).send().await.unwrap()
    }
    pub async fn json(&self, method: reqwest::Method, path: &str, body: Value) -> Response {
        self.c.request(method, self.url(path)).header("x-csrf-token", &self.csrf).json(&body).send().await.unwrap()
    }
    pub async fn post_json(&self, path: &str, body: Value) -> Response {
        self.json(reqwest::Method::POST, path, body).await
    }
    pub async fn put_json(&self, path: &str, body: Value) -> Response {
        self.json(reqwest::Method::PUT, path, body).await
    }
    /// Posts a page form with the session's CSRF token.
    pub async fn form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut all: Vec<(&str, &str)> = vec![("_csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.c.post(self.url(path)).form(&all).send().await.unwrap()
    }
}

/// Counts rows of a table (to prove nothing was written).
pub async fn count(app: &TestApp, table: &str) -> i64 {
    let mut c = app.t.db.conn().await.unwrap();
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&mut *c).await.unwrap()
}

/// The teacher record a user account is linked to.
pub async fn teacher_of_account(app: &TestApp, user_id: i64) -> i64 {
    let mut c = app.t.db.conn().await.unwrap();
    sqlx::query_scalar("SELECT id FROM teachers WHERE user_id = $1").bind(user_id).fetch_one(&mut *c).await.unwrap()
}

/// The pairs of the profile form (`/profiles/{id}/edit`) that save `settings` under `name`.
pub fn profile_form(settings: &metoda_domain::profile::ProfileSettings, name: &str) -> Vec<(String, String)> {
    use metoda_domain::profile::FieldKind;
    let mut out = vec![("name".to_owned(), name.to_owned())];
    for f in settings.form_fields() {
        out.push((f.clause_key(), f.clause.clone().unwrap_or_default()));
        match f.kind {
            FieldKind::Text { value }
            | FieldKind::MonthDays { value }
            | FieldKind::Deadlines { value }
            | FieldKind::Lines { value } => out.push((f.key.into(), value)),
            FieldKind::Number { value, .. } => {
                out.push((f.key.into(), value.map(|v| v.to_string()).unwrap_or_default()))
            }
            FieldKind::Select { selected, .. } => out.push((f.key.into(), selected.into())),
            FieldKind::Multi { selected, .. } => {
                out.extend(selected.iter().map(|v| (f.key.to_owned(), (*v).to_owned())))
            }
            FieldKind::Bool { value } => {
                if value {
                    out.push((f.key.into(), "on".into()));
                }
            }
        }
    }
    out
}

/// The `skip`+1-th past day (counting back from yesterday) on which the association has no
/// meeting and has members, with their full names.
pub async fn past_day_with_members(app: &TestApp, a: i64, mut skip: usize) -> (String, Vec<String>) {
    let mut c = app.t.db.conn().await.unwrap();
    let mut day = time::OffsetDateTime::now_utc().date() - time::Duration::days(1);
    loop {
        let on = format!("{:04}-{:02}-{:02}", day.year(), day.month() as u8, day.day());
        let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM meetings WHERE association_id = $1 AND held_on = $2")
            .bind(a)
            .bind(&on)
            .fetch_one(&mut *c)
            .await
            .unwrap();
        let names: Vec<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT DISTINCT t.last_name, t.first_name, t.middle_name FROM association_members am
             JOIN teachers t ON t.id = am.teacher_id
             WHERE am.association_id = $1 AND am.joined_on <= $2 AND (am.left_on IS NULL OR am.left_on > $2)",
        )
        .bind(a)
        .bind(&on)
        .fetch_all(&mut *c)
        .await
        .unwrap();
        if taken == 0 && !names.is_empty() && skip > 0 {
            skip -= 1;
        } else if taken == 0 && !names.is_empty() {
            let names = names.into_iter().map(|(l, f, m)| format!("{l} {f} {}", m.unwrap_or_default())).collect();
            return (on, names);
        }
        day -= time::Duration::days(1);
    }
}
