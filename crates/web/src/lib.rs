//! The web side of Metoda: server-rendered Russian pages and the JSON API, side by side.
//!
//! A guided tour:
//! - [`AppState`] holds the database, the [`WebConfig`] and the [`Clock`]; [`router`] assembles every feature.
//! - [`auth`] identifies the user (session cookie or API token) and checks CSRF before any handler.
//! - [`error::AppError`] is the one error type: an HTML page for pages, a JSON envelope for the API.
//! - [`features`] has one module per feature: the directory (`regions`, `municipalities`,
//!   `organizations`, `profiles`, `users`, `session`, `audit`, `home`), the teacher bank
//!   (`teachers`, `teacher_years`, `bank_files`), associations and their orders (`associations`,
//!   `orders`, `attachments`), the year's work (`plans`, `cyclograms`, `meetings`), results
//!   (`results`) and the yearly analysis (`analysis`). Each holds the shared logic, the page
//!   handlers and the API handlers of its feature, and asks `metoda_domain::access::may` first;
//!   `features` itself has the helpers of local time (`local_today`, `user_today`, `user_zone`).
//! - [`views`] has the API's own types for the directory and the accounts (a feature's own are in
//!   its `views` submodule): the JSON never serializes a store row (decision 0015).
//! - [`pages`] has the layout, navigation and flash messages; templates are in `templates/`.
//! - [`openapi`] serves `/api/openapi.json`.

pub mod auth;
pub mod error;
pub mod extract;
pub mod features;
pub mod mail;
pub mod openapi;
pub mod pages;
pub mod qr;
pub mod telemetry;
pub mod views;

use std::net::SocketAddr;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use metoda_store::Db;
use time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

/// Whether cookies carry the `Secure` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecureCookies {
    /// When the request arrived over HTTPS (as a trusted proxy says).
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone)]
pub struct WebConfig {
    pub secure_cookies: SecureCookies,
    /// Believe `X-Forwarded-For` / `X-Forwarded-Proto`.
    pub trust_proxy: bool,
    /// Sessions expire after this long without use.
    pub session_ttl: Duration,
    /// Answer every request with `X-Query-Count`: the SQL statements it ran (when the binary
    /// counts them, [`telemetry`]). For the load benchmark and the tests; off in production.
    pub query_count_header: bool,
    /// Notifications are sent by e-mail (a mail server is configured).
    pub mail_enabled: bool,
    /// The address users open Metoda at: for links that leave the browser (calendar feeds).
    pub public_url: String,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: SecureCookies::Auto,
            trust_proxy: false,
            session_ttl: Duration::hours(12),
            query_count_header: false,
            mail_enabled: false,
            public_url: "http://127.0.0.1:8080".into(),
        }
    }
}

impl WebConfig {
    pub fn secure(&self, https: bool) -> bool {
        match self.secure_cookies {
            SecureCookies::Always => true,
            SecureCookies::Never => false,
            SecureCookies::Auto => https,
        }
    }
}

/// The time of requests: the system clock unless a test sets it.
#[derive(Clone, Default)]
pub struct Clock(std::sync::Arc<std::sync::Mutex<Option<time::OffsetDateTime>>>);

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// Stops the clock at `t` (for tests).
    pub fn set(&self, t: time::OffsetDateTime) {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(t);
    }

    /// Now, in UTC.
    pub fn now(&self) -> time::OffsetDateTime {
        let fixed = *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        fixed.unwrap_or_else(time::OffsetDateTime::now_utc)
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: WebConfig,
    pub clock: Clock,
}

impl AppState {
    /// Today in a municipality's time zone (docs/decisions/0010-local-time.md).
    pub fn today(&self, zone: metoda_domain::time::LocalZone) -> time::Date {
        zone.today(self.clock.now())
    }
}

/// The largest request body: the largest upload with room for the form around it.
pub const BODY_LIMIT: usize = auth::UPLOAD_LIMIT + 1024 * 1024;

/// Every route of Metoda.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/livez", get(livez))
        .route("/static/app.css", get(pages::css))
        .route("/static/app.js", get(pages::js))
        .route("/api/openapi.json", get(openapi::spec))
        .merge(features::routes())
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::context))
        // axum's own extractors (Multipart, Bytes) stop at 2 MB unless told otherwise.
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(limit_body))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'"),
        ))
        // Pages, API answers and downloads carry personal data: no cache keeps them. Only what
        // says otherwise itself (the static assets) may be cached.
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(state.clone(), log_request))
        .with_state(state)
}

/// Refuses a body announced larger than [`BODY_LIMIT`] with the app's own error, before anything
/// reads it. (A body sent without a length is cut at the limit by whoever reads it.)
async fn limit_body(req: Request, next: Next) -> Response {
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > BODY_LIMIT as u64) {
        return auth::fail(req.uri().path(), error::AppError::TooLarge);
    }
    next.run(req).await
}

/// Logs every request at info: method, the matched route's template (never the raw path with
/// its ids), status, duration, the SQL statements it ran ([`telemetry`]; `-` when not counted)
/// and the signed-in user's id (`-` for none).
async fn log_request(State(state): State<AppState>, req: Request, next: Next) -> Response {
    use tracing::Instrument as _;
    let started = Instant::now();
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| "(none)".to_owned(), |p| p.as_str().to_owned());
    let span = tracing::debug_span!(target: "metoda_web::request", "request");
    let mut resp = next.run(req).instrument(span.clone()).await;
    let queries = telemetry::queries_of(&span);
    let user = resp.extensions().get::<auth::SignedIn>().map_or_else(|| "-".to_owned(), |u| u.0.to_string());
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(
        target: "metoda_web::request",
        method = %method,
        route = %route,
        status = resp.status().as_u16(),
        duration_ms = %format_args!("{ms:.1}"),
        queries = %queries.map_or_else(|| "-".to_owned(), |n| n.to_string()),
        user_id = %user,
        "request"
    );
    if state.config.query_count_header
        && let Some(n) = queries
    {
        resp.headers_mut().insert("x-query-count", HeaderValue::from(n));
    }
    resp
}

/// `GET /livez`: 200 while the process serves requests, without asking the database (a liveness
/// probe; also the load benchmark's baseline of a request that does nothing).
async fn livez() -> &'static str {
    "ok"
}

/// `GET /healthz`: 200 with the backend and schema version when the database answers and has
/// every migration of this binary; 503 `{"status":"unavailable"}` otherwise.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let backend = state.db.backend().name();
    let unavailable = |reason: &str, extra: serde_json::Value| {
        let mut body = serde_json::json!({"status": "unavailable", "backend": backend, "reason": reason});
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
    };
    let pending = match metoda_store::migrate::pending(&state.db).await {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, "health check: the database does not answer");
            return unavailable("database unreachable", serde_json::json!({}));
        }
    };
    let version = metoda_store::migrate::current_version(&state.db).await;
    match version {
        Ok(v) if pending.is_empty() => {
            Json(serde_json::json!({"status": "ok", "backend": backend, "schema_version": v})).into_response()
        }
        Ok(v) => {
            tracing::error!(schema_version = v, ?pending, "health check: the database schema is behind this binary");
            unavailable(
                "schema behind",
                serde_json::json!({"schema_version": v, "expected_schema_version": metoda_store::migrate::latest_version()}),
            )
        }
        Err(e) => {
            tracing::error!(error = %e, "health check: the database does not answer");
            unavailable("database unreachable", serde_json::json!({}))
        }
    }
}

/// A running server: its address and a handle to stop it.
pub struct Running {
    pub addr: SocketAddr,
    pub handle: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Binds `addr` (port 0 picks a free one) and serves until the process ends.
pub async fn spawn(state: AppState, addr: &str) -> std::io::Result<Running> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let handle = tokio::spawn(async move { axum::serve(listener, app).with_graceful_shutdown(shutdown()).await });
    Ok(Running { addr, handle })
}

/// Stops on Ctrl-C or SIGTERM (what `systemctl stop` and `docker stop` send).
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
