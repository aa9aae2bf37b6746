//! How notifications reach each user by e-mail: at once, in a daily digest, or not at all
//! (decision 0021). Every message links here.

use askama::Template;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use metoda_domain::notify::EmailMode;
use metoda_store::notify;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{ApiMe, Me};
use crate::error::{ApiResult, AppError, JsonIn, PageResult, json_body};
use crate::pages::{Layout, field, pairs, redirect_with, render_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notifications/settings", get(settings_page).post(settings_submit))
        .route("/api/v1/me/email", get(api_get).put(api_put))
}

#[derive(Template)]
#[template(path = "notification_settings.html")]
struct SettingsPage {
    l: Layout,
    mode: EmailMode,
    modes: &'static [EmailMode],
    email: Option<String>,
    mail_enabled: bool,
}

async fn settings_page(State(state): State<AppState>, Me(me, ctx): Me) -> PageResult {
    settings_with(&state, &me, &ctx, None).await
}

/// The settings page; after a refused choice, with its error at the form (the choice stored
/// stays checked: a mode the list does not hold cannot be shown as chosen).
async fn settings_with(
    state: &AppState,
    me: &crate::auth::Current,
    ctx: &crate::auth::Ctx,
    refusal: Option<AppError>,
) -> PageResult {
    let (status, errors) = crate::pages::shown(refusal)?;
    let mut c = state.db.conn().await?;
    let mode = notify::email_mode(&mut c, me.user.id).await?;
    render_status(
        status,
        &SettingsPage {
            l: Layout::new(ctx, "Уведомления на почту", "/notifications").with_errors(errors),
            mode,
            modes: EmailMode::ALL,
            email: me.user.email.clone().filter(|e| !e.trim().is_empty()),
            mail_enabled: state.config.mail_enabled,
        },
    )
}

fn parse_mode(code: &str) -> Result<EmailMode, AppError> {
    EmailMode::from_code(code).ok_or_else(|| {
        AppError::Validation(vec![metoda_domain::FieldError::new(
            "email_mode",
            "Выберите, как присылать уведомления: сразу, раз в день или не присылать",
        )])
    })
}

async fn settings_submit(State(state): State<AppState>, Me(me, ctx): Me, body: axum::body::Bytes) -> PageResult {
    let p = pairs(&body)?;
    let mode = match parse_mode(field(&p, "email_mode")) {
        Ok(m) => m,
        Err(e) => return settings_with(&state, &me, &ctx, Some(e)).await,
    };
    let mut c = state.db.conn().await?;
    notify::set_email_mode(&mut c, me.user.id, mode).await?;
    Ok(redirect_with("/notifications/settings", &format!("Сохранено: {}", mode.label_ru()), &ctx))
}

/// How the caller's notifications come by e-mail.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct EmailSettings {
    /// `immediate` (a message for each), `digest` (one a day) or `off`.
    pub email_mode: EmailMode,
    /// The address messages go to (set on the account); none: nothing is sent whatever the mode.
    #[serde(default, skip_deserializing)]
    pub email: Option<String>,
    /// Whether this server sends e-mail at all (a mail server is configured).
    #[serde(default, skip_deserializing)]
    pub mail_enabled: bool,
}

async fn settings_of(state: &AppState, me: &crate::auth::Current) -> Result<EmailSettings, AppError> {
    let mut c = state.db.conn().await?;
    Ok(EmailSettings {
        email_mode: notify::email_mode(&mut c, me.user.id).await?,
        email: me.user.email.clone().filter(|e| !e.trim().is_empty()),
        mail_enabled: state.config.mail_enabled,
    })
}

#[utoipa::path(get, path = "/api/v1/me/email", tag = "session", responses((status = 200, body = EmailSettings), (status = 401, body = crate::error::ErrorBody)))]
pub async fn api_get(State(state): State<AppState>, ApiMe(me, _): ApiMe) -> ApiResult<EmailSettings> {
    Ok(Json(settings_of(&state, &me).await?))
}

/// Choose how notifications come by e-mail.
#[utoipa::path(put, path = "/api/v1/me/email", tag = "session", request_body = EmailSettings,
    responses((status = 200, body = EmailSettings), (status = 401, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_put(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    body: JsonIn<EmailSettings>,
) -> ApiResult<EmailSettings> {
    let b = json_body(body)?;
    let mut c = state.db.conn().await?;
    notify::set_email_mode(&mut c, me.user.id, b.email_mode).await?;
    drop(c);
    Ok(Json(settings_of(&state, &me).await?))
}
