//! Extractors whose rejections speak Russian: a malformed form, query or id in the path gets the
//! same error page (or JSON envelope under `/api/`) as any other bad input.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, AppError, body_error};

/// A rejection that renders as JSON under `/api/` and as a page elsewhere.
pub struct Rejected {
    api: bool,
    err: AppError,
}

impl IntoResponse for Rejected {
    fn into_response(self) -> Response {
        if self.api { ApiError(self.err).into_response() } else { self.err.into_response() }
    }
}

fn is_api(uri: &axum::http::Uri) -> bool {
    uri.path().starts_with("/api/")
}

/// Refuses urlencoded data (a form body or a query string) whose decoded text is not UTF-8:
/// decoding it anyway would store «�» in place of what the user typed.
pub fn urlencoded_utf8(bytes: &[u8], what: &str) -> Result<(), AppError> {
    let valid = bytes.split(|b| *b == b'&').all(|pair| percent_encoding::percent_decode(pair).decode_utf8().is_ok());
    if valid {
        Ok(())
    } else {
        Err(AppError::BadRequest(format!("{what}: текст не в кодировке UTF-8")))
    }
}

/// A form body (`application/x-www-form-urlencoded`).
pub struct Form<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Form<T> {
    type Rejection = Rejected;
    async fn from_request(req: Request, s: &S) -> Result<Self, Self::Rejection> {
        let api = is_api(req.uri());
        let reject = |err| Rejected { api, err };
        const WHAT: &str = "Не удалось прочитать форму";
        let bytes = if matches!(*req.method(), Method::GET | Method::HEAD) {
            Bytes::copy_from_slice(req.uri().query().unwrap_or("").as_bytes())
        } else {
            let form = req
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
            if !form {
                return Err(reject(AppError::BadRequest(format!(
                    "{WHAT}: ожидается application/x-www-form-urlencoded"
                ))));
            }
            Bytes::from_request(req, s).await.map_err(|e| reject(body_error(e.status())))?
        };
        urlencoded_utf8(&bytes, WHAT).map_err(reject)?;
        serde_urlencoded::from_bytes(&bytes)
            .map(Form)
            .map_err(|_| reject(AppError::BadRequest(format!("{WHAT}: проверьте введённые значения"))))
    }
}

/// Query parameters.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = Rejected;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let api = is_api(&parts.uri);
        urlencoded_utf8(parts.uri.query().unwrap_or("").as_bytes(), "Неверные параметры запроса")
            .map_err(|err| Rejected { api, err })?;
        axum::extract::Query::<T>::from_request_parts(parts, s).await.map(|q| Query(q.0)).map_err(|e| Rejected {
            api,
            err: AppError::BadRequest(format!("Неверные параметры запроса: {}", e.body_text())),
        })
    }
}

/// Ids in the path; a non-number is simply "not found".
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = Rejected;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let api = is_api(&parts.uri);
        axum::extract::Path::<T>::from_request_parts(parts, s)
            .await
            .map(|p| Path(p.0))
            .map_err(|_| Rejected { api, err: AppError::NotFound })
    }
}
