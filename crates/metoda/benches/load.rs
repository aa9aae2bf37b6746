//! The load benchmark: the release server on a region-scale database, measured from outside.
//!
//! For each backend (SQLite always; PostgreSQL when `METODA_BENCH_POSTGRES` or
//! `METODA_TEST_DATABASE` names a server, e.g. `postgres://postgres@127.0.0.1:5432/test`):
//! 1. fills a fresh database with `metoda demo-data --scale region` (10 municipalities, 200
//!    organizations, 20 000 teachers, 1 000 associations, five years of meetings and results);
//! 2. starts `metoda serve` on it (the binary of this build: `cargo bench` builds it with the
//!    release profile) and creates an API token for each role with `metoda token create`;
//! 3. signs in as each role and requests every main page and its API twin at 1, 8 and 64
//!    concurrent clients (`METODA_BENCH_CLIENTS`), for `METODA_BENCH_SECONDS` (default 2) each,
//!    and `/livez` (a route that does nothing) as the hello-world baseline of the same run;
//! 4. prints p50 / p95 / p99, requests per second, the throughput at 8 clients as a share of the
//!    baseline's, the SQL statements of one request (`X-Query-Count`), the answer's size, and the
//!    server's resident memory (idle, after the load, peak). The table is also written to
//!    `target/bench/load-<backend>.md`.
//!
//! `cargo bench -p metoda --bench load`
//! `METODA_BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432/test cargo bench -p metoda --bench load`
//! `METODA_BENCH_ONLY=teachers` measures only the targets whose name contains the text
//! (`METODA_BENCH_ONLY=event`: the calendar and the event pages of issue 14).
//!
//! No goal is asserted here: the figures are read by people (README, the closing note).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::json;

const PASSWORD: &str = "metoda-demo-2026";
const BIN: &str = env!("CARGO_BIN_EXE_metoda");

/// Who asks.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Nobody,
    Admin,
    Operator,
    AuthorityHead,
    CabinetHead,
    AssociationHead,
    Secretary,
    Teacher,
    OrgAdmin,
}

impl Role {
    fn login(self) -> &'static str {
        match self {
            Role::Nobody => "-",
            Role::Admin => "admin",
            Role::Operator => "operator",
            Role::AuthorityHead => "uo1.head",
            Role::CabinetHead => "cabinet.head",
            Role::AssociationHead => "mmo.head",
            Role::Secretary => "mmo.secretary",
            Role::Teacher => "teacher",
            Role::OrgAdmin => "org.admin",
        }
    }
    const ALL: [Role; 8] = [
        Role::Admin,
        Role::Operator,
        Role::AuthorityHead,
        Role::CabinetHead,
        Role::AssociationHead,
        Role::Secretary,
        Role::Teacher,
        Role::OrgAdmin,
    ];
}

/// A request to measure: a page (cookie session) or an API read (Bearer token).
struct Target {
    name: &'static str,
    role: Role,
    path: String,
    api: bool,
}

fn targets() -> Vec<Target> {
    // Ids of the generated region (written with explicit ids): association 1 of municipality 1,
    // its member teacher 6 (the `teacher` account), its first meeting 1.
    // The month before this one (the current month may have begun only days ago): a full month
    // of the calendar.
    let last_month = {
        let today = time::OffsetDateTime::now_utc().date();
        let d = today - time::Duration::days(i64::from(today.day()));
        format!("{}-{:02}", d.year(), u8::from(d.month()))
    };
    let page = |name, role, path: &str| Target { name, role, path: path.into(), api: false };
    let api = |name, role, path: &str| Target { name, role, path: path.into(), api: true };
    vec![
        page("hello-world (/livez)", Role::Nobody, "/livez"),
        page("home: administrator", Role::Admin, "/"),
        page("home: region operator", Role::Operator, "/"),
        page("home: authority head", Role::AuthorityHead, "/"),
        page("home: cabinet head", Role::CabinetHead, "/"),
        page("home: association head", Role::AssociationHead, "/"),
        page("home: secretary", Role::Secretary, "/"),
        page("home: teacher", Role::Teacher, "/"),
        page("home: organization admin", Role::OrgAdmin, "/"),
        page("region roll-up", Role::Operator, "/analysis/region"),
        api("region roll-up", Role::Operator, "/api/v1/analysis/region"),
        page("authority overview", Role::AuthorityHead, "/analysis"),
        api("authority overview", Role::AuthorityHead, "/api/v1/analysis"),
        page("associations", Role::AuthorityHead, "/associations"),
        api("associations", Role::AuthorityHead, "/api/v1/associations"),
        page("an association", Role::AuthorityHead, "/associations/1"),
        api("an association", Role::AuthorityHead, "/api/v1/associations/1"),
        page("association analysis", Role::AssociationHead, "/associations/1/analysis"),
        api("association analysis", Role::AssociationHead, "/api/v1/associations/1/analysis"),
        page("association meetings", Role::Secretary, "/associations/1/meetings"),
        api("association meetings", Role::Secretary, "/api/v1/associations/1/meetings"),
        page("association results", Role::AssociationHead, "/associations/1/results"),
        api("association results", Role::AssociationHead, "/api/v1/associations/1/results"),
        page("a meeting", Role::Secretary, "/meetings/1"),
        api("a meeting", Role::Secretary, "/api/v1/meetings/1"),
        page("teacher bank", Role::AuthorityHead, "/teachers"),
        api("teacher bank", Role::AuthorityHead, "/api/v1/teachers"),
        api("bank composition", Role::AuthorityHead, "/api/v1/teachers/composition"),
        page("teacher bank (organization)", Role::OrgAdmin, "/teachers"),
        page("a teacher card", Role::Teacher, "/teachers/6"),
        api("a teacher card", Role::Teacher, "/api/v1/teachers/6"),
        page("orders", Role::AuthorityHead, "/orders"),
        api("orders", Role::AuthorityHead, "/api/v1/orders"),
        page("results to confirm", Role::AuthorityHead, "/results/pending"),
        api("results to confirm", Role::AuthorityHead, "/api/v1/results/pending"),
        page("organizations", Role::AuthorityHead, "/organizations"),
        api("organizations", Role::AuthorityHead, "/api/v1/organizations"),
        page("users", Role::Admin, "/users"),
        api("users", Role::Admin, "/api/v1/users"),
        page("audit", Role::AuthorityHead, "/audit"),
        api("audit", Role::AuthorityHead, "/api/v1/audit"),
        page("notifications", Role::Teacher, "/notifications"),
        api("notifications", Role::Teacher, "/api/v1/notifications"),
        // Issue 14: 10 000 events (ten per association), most held with about fifteen
        // registrations and the participants' certificates; event 1 is association 1's first.
        page("events calendar: list", Role::Teacher, "/events"),
        api("events calendar: list", Role::Teacher, "/api/v1/events"),
        page("events calendar: month", Role::AuthorityHead, "/events?view=month"),
        api("events calendar: month", Role::AuthorityHead, "/api/v1/events?view=month"),
        page("events calendar: last month", Role::AuthorityHead, &format!("/events?view=month&month={last_month}")),
        api(
            "events calendar: last month",
            Role::AuthorityHead,
            &format!("/api/v1/events?view=month&month={last_month}"),
        ),
        page("an event: participant", Role::Teacher, "/events/1"),
        api("an event: participant", Role::Teacher, "/api/v1/events/1"),
        page("an event: organiser", Role::AssociationHead, "/events/1"),
        api("an event: organiser", Role::AssociationHead, "/api/v1/events/1"),
    ]
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// (VmRSS, VmHWM) in MB.
    fn memory(&self) -> (f64, f64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let kb = |key: &str| {
            status
                .lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        (kb("VmRSS:") / 1024.0, kb("VmHWM:") / 1024.0)
    }
}

fn metoda(url: &str, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(["--database-url", url])
        .args(args)
        .env("METODA_LOG", "warn")
        .stderr(Stdio::inherit())
        .output()
        .expect("run metoda");
    assert!(out.status.success(), "metoda {args:?} failed");
    String::from_utf8(out.stdout).expect("utf-8")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn start(url: &str) -> Server {
    let port = free_port();
    let child = Command::new(BIN)
        .args(["--database-url", url, "serve"])
        .env("METODA_BIND", format!("127.0.0.1:{port}"))
        .env("METODA_LOG", "warn")
        .env("METODA_QUERY_COUNT_HEADER", "true")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start metoda serve");
    let server = Server { child, base: format!("http://127.0.0.1:{port}") };
    let c = Client::new();
    for _ in 0..200 {
        if let Ok(r) = c.get(format!("{}/healthz", server.base)).send().await
            && r.status() == StatusCode::OK
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not start");
}

/// The database of a backend, filled anew.
async fn prepare(backend: &str) -> String {
    let url = match backend {
        "sqlite" => {
            let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
            std::fs::create_dir_all(&dir).unwrap();
            let file = dir.join("region.db");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
            format!("sqlite://{}", file.display())
        }
        _ => {
            use sqlx::{Connection as _, Executor as _};
            let admin = postgres_url().expect("a PostgreSQL URL");
            let mut c = sqlx::PgConnection::connect(&admin).await.expect("connect to PostgreSQL");
            c.execute("DROP DATABASE IF EXISTS metoda_bench WITH (FORCE)").await.unwrap();
            c.execute("CREATE DATABASE metoda_bench").await.unwrap();
            let (head, _) = admin.rsplit_once('/').expect("a database in the URL");
            format!("{head}/metoda_bench")
        }
    };
    let started = Instant::now();
    let out = metoda(&url, &["demo-data", "--scale", "region"]);
    println!("{backend}: {} ({:.0} s)", out.lines().next().unwrap_or_default(), started.elapsed().as_secs_f64());
    url
}

fn postgres_url() -> Option<String> {
    ["METODA_BENCH_POSTGRES", "METODA_TEST_DATABASE"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| v.starts_with("postgres")))
}

struct Clients {
    cookie: Vec<(Role, Client)>,
    bearer: Vec<(Role, String)>,
    plain: Client,
}

impl Clients {
    async fn new(server: &Server, url: &str) -> Clients {
        let mut cookie = vec![];
        let mut bearer = vec![];
        for role in Role::ALL {
            let c = Client::builder().cookie_store(true).build().unwrap();
            let r = c
                .post(format!("{}/api/v1/session", server.base))
                .json(&json!({"login": role.login(), "password": PASSWORD}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK, "sign-in of {}", role.login());
            cookie.push((role, c));
            let token = metoda(url, &["token", "create", "--login", role.login(), "--name", "нагрузочный тест"]);
            bearer.push((role, token.trim().to_owned()));
        }
        Clients { cookie, bearer, plain: Client::new() }
    }

    fn request(&self, t: &Target, base: &str) -> reqwest::RequestBuilder {
        let url = format!("{base}{}", t.path);
        if t.role == Role::Nobody {
            return self.plain.get(url);
        }
        if t.api {
            let token = &self.bearer.iter().find(|(r, _)| *r == t.role).unwrap().1;
            self.plain.get(url).bearer_auth(token)
        } else {
            self.cookie.iter().find(|(r, _)| *r == t.role).unwrap().1.get(url)
        }
    }
}

#[derive(Default, Clone)]
struct Level {
    clients: usize,
    p50: f64,
    p95: f64,
    p99: f64,
    rps: f64,
    errors: usize,
}

/// `clients` concurrent loops of the same request for `seconds` (after a short warm-up).
async fn level(clients: &Arc<Clients>, t: &Arc<Target>, base: &Arc<String>, n: usize, seconds: f64) -> Level {
    let run = |until: Instant| {
        let mut tasks = vec![];
        for _ in 0..n {
            let (clients, t, base) = (clients.clone(), t.clone(), base.clone());
            tasks.push(tokio::spawn(async move {
                let mut times = vec![];
                let mut errors = 0;
                loop {
                    let started = Instant::now();
                    match clients.request(&t, &base).send().await {
                        Ok(r) if r.status() == StatusCode::OK => {
                            let _ = r.bytes().await;
                        }
                        _ => errors += 1,
                    }
                    times.push(started.elapsed().as_secs_f64() * 1000.0);
                    if Instant::now() >= until {
                        break;
                    }
                }
                (times, errors)
            }));
        }
        tasks
    };
    for task in run(Instant::now() + Duration::from_millis(200)) {
        task.await.unwrap();
    }
    let started = Instant::now();
    let mut times = vec![];
    let mut errors = 0;
    for task in run(started + Duration::from_secs_f64(seconds)) {
        let (t, e) = task.await.unwrap();
        times.extend(t);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    Level { clients: n, p50: at(0.50), p95: at(0.95), p99: at(0.99), rps: times.len() as f64 / elapsed, errors }
}

struct Row {
    name: String,
    role: Role,
    queries: String,
    kb: f64,
    levels: Vec<Level>,
}

async fn measure(backend: &str, levels: &[usize], seconds: f64, only: Option<&str>) -> String {
    let url = prepare(backend).await;
    let server = start(&url).await;
    let (idle_rss, _) = server.memory();
    let clients = Arc::new(Clients::new(&server, &url).await);
    let base = Arc::new(server.base.clone());
    let mut rows = vec![];
    for t in targets() {
        if only.is_some_and(|o| !t.name.contains(o) && t.role != Role::Nobody) {
            continue;
        }
        let t = Arc::new(t);
        let name = format!("{}{}", if t.api { "API " } else { "" }, t.name);
        let r = clients.request(&t, &base).send().await.unwrap();
        let status = r.status();
        let queries = r
            .headers()
            .get("x-query-count")
            .and_then(|v| v.to_str().ok())
            .map_or_else(|| "?".to_owned(), str::to_owned);
        let kb = r.bytes().await.map_or(0, |b| b.len()) as f64 / 1024.0;
        if status != StatusCode::OK {
            println!("{backend}: {name} ({}) answered {status}; not measured", t.path);
            continue;
        }
        let mut measured = vec![];
        for &n in levels {
            measured.push(level(&clients, &t, &base, n, seconds).await);
        }
        println!(
            "{backend}: {name:<36} {:>4} q {:>7.1} KB  p95 {}",
            queries,
            kb,
            measured.iter().map(|l| format!("{:>8.1} ms @{} ({:.0}/s)", l.p95, l.clients, l.rps)).collect::<String>()
        );
        rows.push(Row { name, role: t.role, queries, kb, levels: measured });
    }
    let (after_rss, peak) = server.memory();
    drop(server);
    table(backend, &rows, levels, seconds, idle_rss, after_rss, peak)
}

fn table(backend: &str, rows: &[Row], levels: &[usize], seconds: f64, idle: f64, after: f64, peak: f64) -> String {
    let mut s = String::new();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "\n### {backend}: region scale, release build, {} cores ({cpu}), {seconds} s per level\n",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let hello = rows.iter().find(|r| r.role == Role::Nobody);
    let at8 = levels.iter().position(|&n| n == 8);
    let mut head = "| request | role | SQL | KB |".to_owned();
    let mut rule = "|---|---|--:|--:|".to_owned();
    for n in levels {
        let _ = write!(head, " p50 / p95 / p99 ms @{n} | req/s @{n} |");
        rule.push_str("---|--:|");
    }
    if at8.is_some() {
        head.push_str(" share of hello @8 |");
        rule.push_str("--:|");
    }
    let _ = writeln!(s, "{head}\n{rule}");
    for r in rows {
        let _ = write!(s, "| {} | {} | {} | {:.1} |", r.name, r.role.login(), r.queries, r.kb);
        for l in &r.levels {
            let errors = if l.errors > 0 { format!(" ({} failed)", l.errors) } else { String::new() };
            let _ = write!(s, " {:.1} / {:.1} / {:.1}{errors} | {:.0} |", l.p50, l.p95, l.p99, l.rps);
        }
        if let (Some(i), Some(h)) = (at8, hello) {
            let _ = write!(s, " {:.1} % |", 100.0 * r.levels[i].rps / h.levels[i].rps.max(f64::MIN_POSITIVE));
        }
        s.push('\n');
    }
    let _ = writeln!(
        s,
        "\nServer resident memory: {idle:.0} MB idle after start, {after:.0} MB after the load, {peak:.0} MB peak."
    );
    s
}

fn main() {
    // `cargo bench` passes --bench; a filter argument, if any, works like METODA_BENCH_ONLY.
    let only =
        std::env::var("METODA_BENCH_ONLY").ok().or_else(|| std::env::args().skip(1).find(|a| !a.starts_with('-')));
    let seconds: f64 = std::env::var("METODA_BENCH_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(2.0);
    let levels: Vec<usize> = std::env::var("METODA_BENCH_CLIENTS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .filter(|v: &Vec<usize>| !v.is_empty())
        .unwrap_or_else(|| vec![1, 8, 64]);
    let mut backends = vec!["sqlite"];
    if postgres_url().is_some() {
        backends.push("postgres");
    }
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    for backend in backends {
        let report = rt.block_on(measure(backend, &levels, seconds, only.as_deref()));
        println!("{report}");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join(format!("load-{backend}.md")), &report).unwrap();
    }
}
