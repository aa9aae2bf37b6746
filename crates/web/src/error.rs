//! One error type for pages and the API. Pages render it as a Russian HTML page, the API as the
//! JSON envelope `{"error": {"code", "message", "fields"}}`. Internal errors are logged with
//! their cause and shown without it.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use metoda_domain::FieldError;
use metoda_store::StoreError;
use serde::Serialize;

#[derive(Debug)]
pub enum AppError {
    /// Not signed in.
    Unauthorized,
    /// Signed in, but the access rule says no.
    Forbidden,
    NotFound,
    /// Input with field errors; nothing was written.
    Validation(Vec<FieldError>),
    Conflict(String),
    /// A state-changing request without a valid CSRF token.
    Csrf,
    /// Sign-in locked after too many failures.
    Locked(String),
    /// Wrong login or password.
    SignInFailed(String),
    BadRequest(String),
    Internal(String),
    /// Stored data that cannot be read back as it was written (a submitted analysis in an unknown
    /// or broken format): `message` is Russian and tells the reader, `cause` is logged. Nothing
    /// else is ever shown in its place.
    Unreadable {
        message: String,
        cause: String,
    },
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized | Self::SignInFailed(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden | Self::Csrf => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Locked(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Internal(_) | Self::Unreadable { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthorized | Self::SignInFailed(_) => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::Validation(_) => "validation",
            Self::Conflict(_) => "conflict",
            Self::Csrf => "csrf",
            Self::Locked(_) => "locked",
            Self::BadRequest(_) => "bad_request",
            Self::Internal(_) => "internal",
            Self::Unreadable { .. } => "unreadable",
        }
    }

    /// The Russian message for the user.
    pub fn message(&self) -> String {
        match self {
            Self::Unauthorized => "Войдите в систему".into(),
            Self::Forbidden => "Недостаточно прав для этого действия".into(),
            Self::NotFound => "Не найдено".into(),
            Self::Validation(_) => "Проверьте введённые данные".into(),
            Self::Conflict(m) | Self::Locked(m) | Self::BadRequest(m) | Self::SignInFailed(m) => m.clone(),
            Self::Csrf => "Форма устарела или отправлена не из Методы. Обновите страницу и повторите.".into(),
            Self::Internal(_) => "Внутренняя ошибка сервера. Изменения не сохранены; повторите позже.".into(),
            Self::Unreadable { message, .. } => message.clone(),
        }
    }

    pub fn fields(&self) -> &[FieldError] {
        match self {
            Self::Validation(f) => f,
            _ => &[],
        }
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        Self::Internal(e.to_string())
    }

    fn log(&self) {
        match self {
            Self::Internal(cause) => tracing::error!(%cause, "internal error"),
            Self::Unreadable { message, cause } => tracing::error!(%cause, %message, "unreadable stored data"),
            _ => {}
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Conflict(m) => Self::Conflict(m),
            StoreError::Invalid(f) => Self::Validation(f),
            StoreError::Db(e) => Self::Internal(e.to_string()),
            StoreError::Other(m) => Self::Internal(m),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        Self::Internal(format!("template: {e}"))
    }
}

/// The JSON error envelope of the API.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// unauthorized, forbidden, not_found, validation, conflict, csrf, locked, bad_request, internal,
    /// unreadable (stored data that cannot be read back, e.g. a submitted analysis)
    pub code: String,
    /// A Russian message for the user.
    pub message: String,
    /// Field errors (validation only).
    pub fields: Vec<FieldErrorBody>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldErrorBody {
    pub field: String,
    pub message: String,
}

/// An [`AppError`] rendered as JSON: what API handlers return.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.log();
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.0.code().into(),
                message: self.0.message(),
                fields: self
                    .0
                    .fields()
                    .iter()
                    .map(|f| FieldErrorBody { field: f.field.clone(), message: f.message.clone() })
                    .collect(),
            },
        };
        (self.0.status(), Json(body)).into_response()
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        if matches!(self, AppError::Unauthorized) {
            return axum::response::Redirect::to("/login").into_response();
        }
        let status = self.status();
        let html = crate::pages::error_page(status.as_u16(), &self.message(), self.fields());
        (status, axum::response::Html(html)).into_response()
    }
}

pub type PageResult<T = Response> = Result<T, AppError>;
pub type ApiResult<T> = Result<Json<T>, ApiError>;

/// The body of an API call, or a Russian 400 naming what is wrong with the JSON.
pub fn json_body<T>(body: Result<Json<T>, axum::extract::rejection::JsonRejection>) -> Result<T, AppError> {
    body.map(|Json(v)| v).map_err(|e| AppError::BadRequest(format!("Некорректный JSON: {}", e.body_text())))
}

/// A JSON body that failed to parse (for the `body` parameter of API handlers).
pub type JsonIn<T> = Result<Json<T>, axum::extract::rejection::JsonRejection>;
