//! One error type for pages and the API. Pages render it as a Russian HTML page, the API as the
//! JSON envelope `{"error": {"code", "message", "fields"}}`. Internal errors are logged with
//! their cause and shown without it.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use metoda_domain::FieldError;
use metoda_domain::values::capitalized;
use metoda_store::StoreError;
use serde::Serialize;
use serde::de::DeserializeOwned;

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
    /// Too many failed sign-ins from this address: try again after this many seconds.
    Throttled(u64),
    /// A request body over [`crate::BODY_LIMIT`].
    TooLarge,
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
            Self::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
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
            Self::Throttled(_) => "throttled",
            Self::BadRequest(_) | Self::TooLarge => "bad_request",
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
            Self::Conflict(m) | Self::BadRequest(m) | Self::SignInFailed(m) => m.clone(),
            Self::Throttled(secs) => format!("Слишком много попыток входа, попробуйте через {}", wait_ru(*secs)),
            Self::TooLarge => format!("Слишком большой запрос: не более {} МБ", crate::BODY_LIMIT / (1024 * 1024)),
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

    /// Headers the answer carries besides the body (`Retry-After` of a throttled sign-in).
    pub fn headers(&self, r: &mut Response) {
        if let Self::Throttled(secs) = self
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
}

/// "N секунд" / "N минут" with the Russian plural; whole minutes from two minutes on.
pub fn wait_ru(secs: u64) -> String {
    let plural = |n: u64, one: &str, few: &str, many: &str| {
        let word = match (n % 10, n % 100) {
            (1, m) if m != 11 => one,
            (2..=4, m) if !(12..=14).contains(&m) => few,
            _ => many,
        };
        format!("{n} {word}")
    };
    if secs < 120 {
        plural(secs.max(1), "секунду", "секунды", "секунд")
    } else {
        plural(secs.div_ceil(60), "минуту", "минуты", "минут")
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

/// A failed commit (the driver's error): an internal error, as [`StoreError::Db`].
impl From<metoda_store::DbError> for AppError {
    fn from(e: metoda_store::DbError) -> Self {
        StoreError::Db(e).into()
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
    /// unauthorized, forbidden, not_found, validation, conflict, csrf, throttled, bad_request, internal,
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
        let mut r = (self.0.status(), Json(body)).into_response();
        self.0.headers(&mut r);
        r
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
        let mut r = (status, axum::response::Html(html)).into_response();
        self.headers(&mut r);
        r
    }
}

pub type PageResult<T = Response> = Result<T, AppError>;
pub type ApiResult<T> = Result<Json<T>, ApiError>;

/// The JSON body of an API call. It never rejects the request by itself: the handler calls
/// [`json_body`], which turns a malformed body into a Russian error naming the field.
pub struct JsonIn<T>(Result<T, AppError>);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonIn<T> {
    type Rejection = std::convert::Infallible;
    async fn from_request(req: Request, s: &S) -> Result<Self, Self::Rejection> {
        Ok(JsonIn(read_json(req, s).await))
    }
}

/// The body of an API call, or the Russian error of what is wrong with it.
pub fn json_body<T>(body: JsonIn<T>) -> Result<T, AppError> {
    body.0
}

async fn read_json<S: Send + Sync, T: DeserializeOwned>(req: Request, s: &S) -> Result<T, AppError> {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if essence != "application/json" && !(essence.starts_with("application/") && essence.ends_with("+json")) {
        return Err(AppError::BadRequest(
            "Ожидается тело запроса в формате JSON (заголовок Content-Type: application/json)".into(),
        ));
    }
    let bytes = Bytes::from_request(req, s).await.map_err(|e| body_error(e.status()))?;
    parse_json(&bytes)
}

/// The error of a body that could not be read: too large, or broken off.
pub fn body_error(status: StatusCode) -> AppError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge
    } else {
        AppError::BadRequest("Не удалось прочитать тело запроса".into())
    }
}

/// Parses JSON; a value of the wrong type, a missing field and broken syntax are told in Russian.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(json_error)?;
    de.end().map_err(|e| syntax_error(&e))?;
    Ok(value)
}

fn json_error(e: serde_path_to_error::Error<serde_json::Error>) -> AppError {
    let path = e.path().to_string();
    let inner = e.into_inner();
    if inner.classify() != serde_json::error::Category::Data {
        return syntax_error(&inner);
    }
    let text = inner.to_string();
    // serde_json appends the position: " at line 1 column 20".
    let text = text.rsplit_once(" at line ").map_or(text.as_str(), |(m, _)| m);
    let (field, message) = data_error(if path == "." { "" } else { &path }, text);
    if field.is_empty() {
        let mut m = message.chars();
        let lower: String = m.next().map(|c| c.to_lowercase().chain(m).collect()).unwrap_or_default();
        AppError::BadRequest(format!("Некорректный JSON: {lower}"))
    } else {
        AppError::Validation(vec![FieldError::new(field, message)])
    }
}

fn syntax_error(e: &serde_json::Error) -> AppError {
    let what = if e.is_eof() {
        "данные оборваны"
    } else if e.to_string().contains("unicode") {
        "текст не в кодировке UTF-8"
    } else {
        "синтаксическая ошибка"
    };
    AppError::BadRequest(format!("Некорректный JSON: {what} (строка {}, столбец {})", e.line(), e.column()))
}

/// The field (the path within the body) and the Russian message of a serde data error.
fn data_error(path: &str, text: &str) -> (String, String) {
    let join = |name: &str| if path.is_empty() { name.to_owned() } else { format!("{path}.{name}") };
    let quoted = |rest: &str| rest.split('`').next().unwrap_or("").to_owned();
    let expected = text.split_once(", expected ").map_or("", |(_, e)| e);
    if let Some(rest) = text.strip_prefix("missing field `") {
        return (join(&quoted(rest)), "Обязательное поле".into());
    }
    if let Some(rest) = text.strip_prefix("unknown field `") {
        return (join(&quoted(rest)), "Неизвестное поле".into());
    }
    if let Some(rest) = text.strip_prefix("duplicate field `") {
        return (join(&quoted(rest)), "Поле указано дважды".into());
    }
    let message = if let Some(rest) = text.strip_prefix("unknown variant `") {
        let allowed: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        if allowed.is_empty() {
            format!("Недопустимое значение «{}»", quoted(rest))
        } else {
            format!("Недопустимое значение «{}»: допустимы {}", quoted(rest), allowed.join(", "))
        }
    } else if text.starts_with("invalid type: ") {
        expected_ru(expected).into()
    } else if text.starts_with("invalid value: ") {
        match expected_ru(expected) {
            "Ожидается число" => "Число вне допустимых пределов".into(),
            _ => "Недопустимое значение".into(),
        }
    } else if text.starts_with("invalid length ") {
        "Неверное число элементов".into()
    } else if text.chars().any(|c| matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё')) {
        // A message of Metoda's own deserializers is Russian already.
        capitalized(text)
    } else {
        "Недопустимое значение".into()
    };
    (path.to_owned(), message)
}

/// What serde's "expected …" asks for, in Russian.
fn expected_ru(expected: &str) -> &'static str {
    let e = expected.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| e.contains(w));
    let number = has(&[
        "i8", "i16", "i32", "i64", "i128", "u8", "u16", "u32", "u64", "u128", "f32", "f64", "isize", "usize",
        "integer", "number", "float",
    ]);
    let string = has(&["string", "char"]);
    if number && string {
        "Ожидается строка или число"
    } else if number {
        "Ожидается число"
    } else if has(&["bool"]) {
        "Ожидается true или false"
    } else if string {
        "Ожидается строка"
    } else if has(&["sequence", "array", "tuple", "vec"]) {
        "Ожидается список"
    } else if has(&["struct", "map", "object"]) {
        "Ожидается объект"
    } else {
        "Неверный тип значения"
    }
}
