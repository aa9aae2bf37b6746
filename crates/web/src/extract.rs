//! Extractors whose rejections speak Russian: a malformed form, query or id in the path gets the
//! same error page (or JSON envelope under `/api/`) as any other bad input.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, AppError};

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

/// A form body (`application/x-www-form-urlencoded`).
pub struct Form<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Form<T> {
    type Rejection = Rejected;
    async fn from_request(req: Request, s: &S) -> Result<Self, Self::Rejection> {
        let api = is_api(req.uri());
        axum::Form::<T>::from_request(req, s).await.map(|f| Form(f.0)).map_err(|_| Rejected {
            api,
            err: AppError::BadRequest("Не удалось прочитать форму: проверьте введённые значения".into()),
        })
    }
}

/// Query parameters.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = Rejected;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let api = is_api(&parts.uri);
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
