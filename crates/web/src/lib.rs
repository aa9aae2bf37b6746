//! The web side of Metoda: server-rendered Russian pages and the JSON API, side by side.
//!
//! A guided tour:
//! - [`AppState`] holds the database and the [`WebConfig`]; [`router`] assembles every feature.
//! - [`auth`] identifies the user (session cookie or API token) and checks CSRF before any handler.
//! - [`error::AppError`] is the one error type: an HTML page for pages, a JSON envelope for the API.
//! - [`features`] has one module per feature (`session`, `regions`, `municipalities`,
//!   `organizations`, `profiles`, `users`, `audit`, `home`); each holds the shared logic, the page
//!   handlers and the API handlers of its feature, and asks `metoda_domain::access::may` first.
//! - [`pages`] has the layout, navigation and flash messages; templates are in `templates/`.
//! - [`openapi`] serves `/api/openapi.json`.

pub mod auth;
pub mod error;
pub mod extract;
pub mod features;
pub mod openapi;
pub mod pages;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Json};
use axum::routing::get;
use metoda_store::Db;
use time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

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
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig { secure_cookies: SecureCookies::Auto, trust_proxy: false, session_ttl: Duration::hours(12) }
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

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: WebConfig,
}

/// Every route of Metoda.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/static/app.css", get(pages::css))
        .route("/static/app.js", get(pages::js))
        .route("/api/openapi.json", get(openapi::spec))
        .merge(features::routes())
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::context))
        .layer(RequestBodyLimitLayer::new(auth::UPLOAD_LIMIT + 1024 * 1024))
        // axum's own extractors (Multipart, Bytes) stop at 2 MB unless told otherwise.
        .layer(axum::extract::DefaultBodyLimit::max(auth::UPLOAD_LIMIT + 1024 * 1024))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'"),
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// `GET /healthz`: liveness with the backend and schema version.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let version = metoda_store::migrate::current_version(&state.db).await;
    match version {
        Ok(v) => Json(serde_json::json!({"status": "ok", "backend": state.db.backend().name(), "schema_version": v}))
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "error", "backend": state.db.backend().name()})),
            )
                .into_response()
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
