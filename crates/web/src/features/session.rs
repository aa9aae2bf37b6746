//! Signing in and out, the own password, personal API tokens.

use crate::extract::Path;
use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use metoda_domain::values;
use metoda_store::sessions::{self, Admission, ApiToken};
use metoda_store::users::{self, User};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{ApiMe, CSRF_COOKIE, Ctx, Me, SESSION_COOKIE, set_cookie};
use crate::error::{ApiError, ApiResult, AppError, JsonIn, PageResult, json_body};
use crate::pages::{Layout, field, pairs, redirect_with, render, render_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", post(logout))
        .route("/password", get(password_page).post(password_submit))
        .route("/tokens", get(tokens_page).post(token_create))
        .route("/tokens/{id}/revoke", post(token_revoke))
        .route("/api/v1/session", post(api_sign_in).delete(api_sign_out))
        .route("/api/v1/me", get(api_me))
}

/// Checks the password and starts a session. Repeated failures are throttled per login and
/// client address, and per address (docs/decisions/0006-signin-throttling.md).
async fn sign_in(state: &AppState, ctx: &Ctx, login: &str, password: &str) -> Result<(String, User), AppError> {
    let login = login.trim().to_lowercase();
    if login.is_empty() || password.is_empty() {
        return Err(AppError::SignInFailed("Введите логин и пароль".into()));
    }
    // The throttle's key: a login as typed (bounded: it is stored) and the client address.
    let key: String = login.chars().take(100).collect();
    let address = ctx.ip.clone().unwrap_or_else(|| "unknown".into());
    let (attempt, found) = {
        let mut conn = state.db.conn().await?;
        let attempt = match sessions::begin_attempt(&mut conn, &key, &address).await? {
            Admission::Go(a) => a,
            Admission::Wait(wait) => {
                let secs = u64::try_from(wait.whole_seconds()).unwrap_or(0) + u64::from(wait.subsec_nanoseconds() > 0);
                tracing::warn!(login = ?key, address = %address, retry_after_secs = secs, "sign-in throttled");
                return Err(AppError::Throttled(secs.max(1)));
            }
        };
        (attempt, users::by_login(&mut conn, &login).await?)
    };
    // Exactly one argon2 verification whether or not the login exists (a dummy hash if not), so
    // the time of the answer does not tell logins apart; no connection is held meanwhile.
    let matches = users::check_password(found.as_ref().map(|(_, h)| h.as_str()), password);
    let user = match found {
        Some((u, _)) if matches && u.archived_at.is_none() => u,
        _ => {
            tracing::warn!(login = ?key, address = %address, "sign-in failed: wrong login or password");
            return Err(AppError::SignInFailed("Неверный логин или пароль".into()));
        }
    };
    let mut tx = state.db.begin().await?;
    sessions::attempt_succeeded(&mut tx, attempt).await?;
    let (token, _) = sessions::create(&mut tx, user.id, state.config.session_ttl, ctx.ip.as_deref(), None).await?;
    let actor = metoda_store::Actor { user_id: Some(user.id), login: user.login.clone(), ip: ctx.ip.clone() };
    metoda_store::audit::record(
        &mut tx,
        &actor,
        user.scope(),
        "session",
        Some(user.id.get()),
        "sign_in",
        &format!("Вход пользователя {}", user.login),
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok((token, user))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    l: Layout,
    login: String,
    message: Option<String>,
}

async fn login_page(ctx: Ctx) -> PageResult {
    if ctx.current.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    render(&LoginPage { l: Layout::new(&ctx, "Вход", ""), login: String::new(), message: None })
}

async fn login_submit(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> PageResult {
    let form = pairs(&body)?;
    let (login, password) = (field(&form, "login"), field(&form, "password"));
    match sign_in(&state, &ctx, login, password).await {
        Ok((token, _)) => {
            let mut r = Redirect::to("/").into_response();
            let secure = state.config.secure(ctx.https);
            r.headers_mut().append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, &token, None, secure));
            Ok(r)
        }
        Err(e @ (AppError::SignInFailed(_) | AppError::Throttled(_))) => {
            let status = e.status();
            let page = LoginPage {
                l: Layout::new(&ctx, "Вход", ""),
                login: login.trim().to_owned(),
                message: Some(e.message()),
            };
            let mut r = render_status(status, &page)?;
            e.headers(&mut r);
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

async fn end_session(state: &AppState, headers: &axum::http::HeaderMap, ctx: &Ctx) -> Result<(), AppError> {
    if let Some(token) = crate::auth::cookie(headers, SESSION_COOKIE) {
        let mut tx = state.db.begin().await?;
        sessions::delete(&mut tx, &token).await?;
        if let Some(c) = &ctx.current {
            metoda_store::audit::record(
                &mut tx,
                &ctx.actor(),
                c.user.scope(),
                "session",
                Some(c.user.id.get()),
                "sign_out",
                &format!("Выход пользователя {}", c.user.login),
                None,
                None,
            )
            .await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

fn clear_session_cookie(r: &mut Response, secure: bool) {
    r.headers_mut().append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", Some(0), secure));
}

async fn logout(State(state): State<AppState>, ctx: Ctx, headers: axum::http::HeaderMap) -> PageResult {
    end_session(&state, &headers, &ctx).await?;
    let mut r = Redirect::to("/login").into_response();
    clear_session_cookie(&mut r, state.config.secure(ctx.https));
    // A fresh pre-sign-in CSRF token for the next visitor of this browser.
    r.headers_mut().append(header::SET_COOKIE, set_cookie(CSRF_COOKIE, "", Some(0), state.config.secure(ctx.https)));
    Ok(r)
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    l: Layout,
}

async fn password_page(Me(_, ctx): Me) -> PageResult {
    render(&PasswordPage { l: Layout::new(&ctx, "Смена пароля", "") })
}

async fn password_submit(State(state): State<AppState>, Me(me, ctx): Me, body: axum::body::Bytes) -> PageResult {
    let form = pairs(&body)?;
    let mut tx = state.db.begin().await?;
    let hash = users::by_login(&mut tx, &me.user.login).await?.map(|(_, h)| h).unwrap_or_default();
    let mut errors = vec![];
    if !users::verify_password(&hash, field(&form, "current")) {
        errors.push(metoda_domain::FieldError::new("current", "Текущий пароль введён неверно"));
    }
    let new = field(&form, "new");
    match values::new_password("new", new, &me.user.login) {
        Ok(_) if new != field(&form, "repeat") => {
            errors.push(metoda_domain::FieldError::new("repeat", "Новый пароль и повтор не совпадают"))
        }
        Ok(_) => {}
        Err(e) => errors.push(e),
    }
    if !errors.is_empty() {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PasswordPage { l: Layout::new(&ctx, "Смена пароля", "").with_errors(errors) },
        );
    }
    users::set_password(&mut tx, &ctx.actor(), me.user.id, new).await?;
    sessions::delete_others(&mut tx, me.user.id, me.session_id).await?;
    tx.commit().await?;
    Ok(redirect_with("/", "Пароль изменён. Другие сеансы этого пользователя завершены.", &ctx))
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    l: Layout,
    tokens: Vec<ApiToken>,
    new_secret: Option<String>,
    /// The name typed when a new token was refused.
    name: String,
}

async fn tokens_page(State(state): State<AppState>, Me(me, ctx): Me) -> PageResult {
    let mut c = state.db.conn().await?;
    let tokens = sessions::tokens(&mut c, me.user.id).await?;
    let zone = crate::features::user_zone(&mut c, &me).await?;
    render(&TokensPage {
        l: Layout::new(&ctx, "API-токены", "").with_zone(zone),
        tokens,
        new_secret: None,
        name: String::new(),
    })
}

async fn token_create(State(state): State<AppState>, Me(me, ctx): Me, body: axum::body::Bytes) -> PageResult {
    let form = pairs(&body)?;
    let mut tx = state.db.begin().await?;
    match sessions::create_token(&mut tx, &ctx.actor(), me.user.id, field(&form, "name")).await {
        Ok((secret, _)) => {
            let tokens = sessions::tokens(&mut tx, me.user.id).await?;
            let zone = crate::features::user_zone(&mut tx, &me).await?;
            tx.commit().await?;
            let l = Layout::new(&ctx, "API-токены", "").with_zone(zone);
            render(&TokensPage { l, tokens, new_secret: Some(secret), name: String::new() })
        }
        Err(metoda_store::StoreError::Invalid(errors)) => {
            let tokens = sessions::tokens(&mut tx, me.user.id).await?;
            let zone = crate::features::user_zone(&mut tx, &me).await?;
            let l = Layout::new(&ctx, "API-токены", "").with_errors(errors).with_zone(zone);
            let name = field(&form, "name").to_owned();
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &TokensPage { l, tokens, new_secret: None, name })
        }
        Err(e) => Err(e.into()),
    }
}

async fn token_revoke(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<i64>) -> PageResult {
    let mut tx = state.db.begin().await?;
    sessions::revoke_token(&mut tx, &ctx.actor(), me.user.id, id).await?;
    tx.commit().await?;
    Ok(redirect_with("/tokens", "Токен отозван", &ctx))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SignIn {
    pub login: String,
    pub password: String,
}

/// The signed-in user with their roles.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeBody {
    pub user: crate::views::User,
    pub grants: Vec<crate::views::GrantRow>,
    /// Send as `X-CSRF-Token` with state-changing calls made with the session cookie.
    pub csrf_token: String,
}

/// Sign in with login and password; sets the session cookie. After repeated failures from one
/// client address (for one login, or for many) the answer is 429 `throttled` with `Retry-After`,
/// whatever the password, until the wait has passed; other addresses are not affected.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = SignIn,
    responses((status = 200, body = MeBody), (status = 401, body = crate::error::ErrorBody),
        (status = 422, description = "A field is missing or of the wrong type", body = crate::error::ErrorBody),
        (status = 429, description = "Too many failed sign-ins from this address: try again after `Retry-After` seconds", body = crate::error::ErrorBody)))]
pub async fn api_sign_in(State(state): State<AppState>, ctx: Ctx, body: JsonIn<SignIn>) -> Result<Response, ApiError> {
    let b = json_body(body)?;
    let (token, user) = sign_in(&state, &ctx, &b.login, &b.password).await?;
    let mut c = state.db.conn().await?;
    let s = sessions::lookup(&mut c, &token, state.config.session_ttl).await?.ok_or(AppError::Unauthorized)?;
    let grants = users::grants(&mut c, user.id).await?;
    let mut r = Json(MeBody { user: (&user).into(), grants: crate::views::all(&grants), csrf_token: s.csrf_token })
        .into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, &token, None, state.config.secure(ctx.https)));
    Ok(r)
}

/// Sign out: ends the session of the cookie. A call authenticated with an API token has no
/// session to end: it is refused with 400 `bad_request` and changes nothing (revoke the token
/// on the «API-токены» page instead).
#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    responses((status = 204, description = "The cookie's session ended"),
        (status = 400, description = "Called with an API token: nothing to end, nothing recorded", body = crate::error::ErrorBody)))]
pub async fn api_sign_out(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    if ctx.current.as_ref().is_some_and(|c| c.session_id.is_none()) {
        return Err(AppError::BadRequest(
            "Сеанс по API-токену не завершается: отзовите токен на странице «API-токены»".into(),
        )
        .into());
    }
    end_session(&state, &headers, &ctx).await?;
    let mut r = StatusCode::NO_CONTENT.into_response();
    clear_session_cookie(&mut r, state.config.secure(ctx.https));
    Ok(r)
}

/// The signed-in user, their roles and the CSRF token of the session.
#[utoipa::path(get, path = "/api/v1/me", tag = "session", responses((status = 200, body = MeBody), (status = 401, body = crate::error::ErrorBody)))]
pub async fn api_me(ApiMe(me, _): ApiMe) -> ApiResult<MeBody> {
    Ok(Json(MeBody { user: (&me.user).into(), grants: crate::views::all(&me.grants), csrf_token: me.csrf }))
}
