//! Who is asking, and is the request genuine.
//!
//! [`context`] runs before every handler: it finds the user from the session cookie or a
//! `Bearer` API token, checks the CSRF token of every state-changing request, and leaves a
//! [`Ctx`] in the request for the extractors [`Me`] (pages) and [`ApiMe`] (API).
//!
//! CSRF: a signed-in user's token lives in their session row; every form carries it as `_csrf`
//! and API calls made with the session cookie send it as `X-CSRF-Token`. Before sign-in (the
//! login form) a random `metoda_csrf` cookie is matched against the form field (double submit).
//! Calls with an API token carry no cookie and need no CSRF token. The JSON sign-in of the API
//! (`POST /api/v1/session` with `Content-Type: application/json`) cannot be sent by a foreign
//! page without a CORS preflight, which Metoda never grants, so it needs none either.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metoda_domain::access::{Action, Principal, Resource, may};
use metoda_store::users::{GrantRow, User};
use metoda_store::{Actor, sessions, users};

use crate::AppState;
use crate::error::{ApiError, AppError};

pub const SESSION_COOKIE: &str = "metoda_session";
pub const CSRF_COOKIE: &str = "metoda_csrf";
pub const FLASH_COOKIE: &str = "metoda_flash";
/// Largest form body read for the CSRF check.
const FORM_LIMIT: usize = 2 * 1024 * 1024;

/// The signed-in user.
#[derive(Clone, Debug)]
pub struct Current {
    pub user: User,
    pub principal: Principal,
    pub grants: Vec<GrantRow>,
    pub session_id: Option<i64>,
    /// The session's CSRF token (empty for API-token calls).
    pub csrf: String,
}

impl Current {
    pub fn may(&self, action: Action, what: &Resource) -> bool {
        may(&self.principal, action, what)
    }
}

/// What the middleware learnt about the request.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub current: Option<Current>,
    pub ip: Option<String>,
    /// Arrived over HTTPS (per a trusted proxy).
    pub https: bool,
    /// The pre-sign-in CSRF token (the `metoda_csrf` cookie).
    pub anon_csrf: String,
    /// A one-time message from the previous page.
    pub flash: Option<String>,
}

impl Ctx {
    /// The CSRF token forms on this page must carry.
    pub fn csrf(&self) -> &str {
        self.current.as_ref().map_or(&self.anon_csrf, |c| &c.csrf)
    }
    pub fn actor(&self) -> Actor {
        match &self.current {
            Some(c) => Actor { user_id: Some(c.user.id), login: c.user.login.clone(), ip: self.ip.clone() },
            None => Actor { user_id: None, login: "anonymous".into(), ip: self.ip.clone() },
        }
    }
}

/// Parses the `Cookie` header.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, path /, Secure when `secure`.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    let mut s = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(a) = max_age {
        s.push_str(&format!("; Max-Age={a}"));
    }
    if secure {
        s.push_str("; Secure");
    }
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

fn is_safe(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The signed-in user of a session cookie or an API token: one pooled connection, two
/// statements (the session or token joined to its user, then the user's grants).
async fn load_current(
    state: &AppState,
    bearer: Option<&str>,
    cookie: Option<&str>,
) -> Result<Option<Current>, AppError> {
    if bearer.is_none() && cookie.is_none() {
        return Ok(None);
    }
    let mut conn = state.db.conn().await?;
    let (user, session) = if let Some(token) = bearer {
        match sessions::token_user(&mut conn, token).await? {
            Some(u) => (u, None),
            None => return Err(AppError::Unauthorized),
        }
    } else {
        match sessions::lookup_with_user(&mut conn, cookie.unwrap_or_default(), state.config.session_ttl).await? {
            Some((s, u)) => (u, Some(s)),
            None => return Ok(None),
        }
    };
    let grants = users::grants(&mut conn, user.id).await?;
    let principal = Principal { user_id: user.id, grants: grants.iter().map(GrantRow::grant).collect() };
    Ok(Some(Current {
        user,
        principal,
        grants,
        session_id: session.as_ref().map(|s| s.id),
        csrf: session.map(|s| s.csrf_token).unwrap_or_default(),
    }))
}

/// An error as the answer to a request: JSON under `/api/`, a page elsewhere.
pub(crate) fn fail(path: &str, e: AppError) -> Response {
    if path.starts_with("/api/") { ApiError(e).into_response() } else { e.into_response() }
}

/// The id of the signed-in user, left in the response for the request log.
#[derive(Clone, Copy, Debug)]
pub struct SignedIn(pub i64);

/// The value of a header set by a trusted proxy: its rightmost entry, the one the proxy itself
/// saw (earlier ones come from the client).
fn forwarded(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The middleware: identifies the user, checks CSRF, stores [`Ctx`]; tells browsers to keep to
/// HTTPS (`Strict-Transport-Security`) whenever cookies are `Secure`.
pub async fn context(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let https = state.config.trust_proxy && forwarded(req.headers(), "x-forwarded-proto").as_deref() == Some("https");
    let mut resp = identify(&state, req, next).await;
    if state.config.secure(https) {
        resp.headers_mut().insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    resp
}

async fn identify(state: &AppState, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let path = parts.uri.path().to_owned();
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
    let (ip, https) = if state.config.trust_proxy {
        (
            forwarded(&parts.headers, "x-forwarded-for").or(peer),
            forwarded(&parts.headers, "x-forwarded-proto").as_deref() == Some("https"),
        )
    } else {
        (peer, false)
    };

    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    let session_cookie = if bearer.is_none() { cookie(&parts.headers, SESSION_COOKIE) } else { None };
    let current = match load_current(state, bearer.as_deref(), session_cookie.as_deref()).await {
        Ok(c) => c,
        Err(e) => return fail(&path, e),
    };

    let anon_cookie =
        cookie(&parts.headers, CSRF_COOKIE).filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()));
    let anon_csrf = anon_cookie.clone().unwrap_or_else(|| sessions::secret(""));
    let flash = cookie(&parts.headers, FLASH_COOKIE).and_then(|v| crate::pages::decode_flash(&v));

    // CSRF: every state-changing request carries the token, unless it authenticates with an API token.
    let mut body = body;
    if !is_safe(&parts.method) && bearer.is_none() {
        let expected = match &current {
            Some(c) => Some(c.csrf.clone()),
            None => anon_cookie.clone(),
        };
        let content_type =
            parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let mut given = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_owned);
        if given.is_none() && content_type.starts_with("multipart/form-data") {
            // A file upload form cannot send a header: its `_csrf` field is read here.
            let bytes = match axum::body::to_bytes(body, UPLOAD_LIMIT).await {
                Ok(b) => b,
                Err(_) => return fail(&path, AppError::BadRequest("Файл слишком большой: не более 20 МБ".into())),
            };
            given = multipart_field(&content_type, bytes.clone(), "_csrf").await;
            body = Body::from(bytes);
        } else if given.is_none() && content_type.starts_with("application/x-www-form-urlencoded") {
            let bytes = match axum::body::to_bytes(body, FORM_LIMIT).await {
                Ok(b) => b,
                Err(_) => return fail(&path, AppError::BadRequest("Слишком большая форма".into())),
            };
            given = form_urlencoded_field(&bytes, "_csrf");
            body = Body::from(bytes);
        }
        let json_sign_in =
            current.is_none() && path == "/api/v1/session" && content_type.starts_with("application/json");
        let ok = json_sign_in
            || matches!((&expected, &given), (Some(e), Some(g)) if !e.is_empty() && constant_time_eq(e.as_bytes(), g.as_bytes()));
        if !ok {
            tracing::warn!(path, "request refused: missing or wrong CSRF token");
            return fail(&path, AppError::Csrf);
        }
    }

    let signed_in = current.as_ref().map(|c| SignedIn(c.user.id.get()));
    parts.extensions.insert(Ctx { current, ip, https, anon_csrf: anon_csrf.clone(), flash: flash.clone() });
    let mut resp = next.run(Request::from_parts(parts, body)).await;
    if let Some(u) = signed_in {
        resp.extensions_mut().insert(u);
    }
    let secure = state.config.secure(https);
    if anon_cookie.is_none() {
        resp.headers_mut().append(header::SET_COOKIE, set_cookie(CSRF_COOKIE, &anon_csrf, None, secure));
    }
    if flash.is_some()
        && !resp.headers().get_all(header::SET_COOKIE).iter().any(|v| v.as_bytes().starts_with(FLASH_COOKIE.as_bytes()))
    {
        resp.headers_mut().append(header::SET_COOKIE, set_cookie(FLASH_COOKIE, "", Some(0), secure));
    }
    resp
}

/// The largest upload (a teacher bank spreadsheet) with room for the form around it.
pub const UPLOAD_LIMIT: usize = 21 * 1024 * 1024;

/// The text of a small field of a multipart body.
async fn multipart_field(content_type: &str, bytes: axum::body::Bytes, name: &str) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(bytes) });
    let mut mp = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = mp.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

fn form_urlencoded_field(bytes: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().ok_or_else(|| AppError::internal("context middleware missing"))
    }
}

/// The signed-in user of a page (redirects to the login page when there is none).
pub struct Me(pub Current, pub Ctx);

impl<S: Send + Sync> FromRequestParts<S> for Me {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, s).await?;
        match ctx.current.clone() {
            Some(c) => Ok(Me(c, ctx)),
            None => Err(AppError::Unauthorized),
        }
    }
}

/// The signed-in user of an API call (401 JSON when there is none).
pub struct ApiMe(pub Current, pub Ctx);

impl<S: Send + Sync> FromRequestParts<S> for ApiMe {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, s).await.map_err(ApiError)?;
        match ctx.current.clone() {
            Some(c) => Ok(ApiMe(c, ctx)),
            None => Err(ApiError(AppError::Unauthorized)),
        }
    }
}

/// Fails with Forbidden unless the rule allows.
pub fn require(me: &Current, action: Action, what: &Resource) -> Result<(), AppError> {
    if me.may(action, what) { Ok(()) } else { Err(AppError::Forbidden) }
}
