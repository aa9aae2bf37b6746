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

/// A multipart body (a form with a file): a malformed one (no boundary, not multipart) is the
/// app's own 400 — JSON under `/api/`, a page elsewhere — not axum's plain text.
pub struct Multipart(pub axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for Multipart {
    type Rejection = Rejected;
    async fn from_request(req: Request, s: &S) -> Result<Self, Self::Rejection> {
        let api = is_api(req.uri());
        axum::extract::Multipart::from_request(req, s).await.map(Multipart).map_err(|_| Rejected {
            api,
            err: AppError::BadRequest("Не удалось прочитать форму с файлом: ожидается multipart/form-data".into()),
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

/// A multipart form with one file (`file`) and a few text fields, as [`read_upload`] reads it.
#[derive(Default)]
pub struct UploadForm {
    /// The file's name (or the fallback when the browser gives none) and bytes; None when no file
    /// was chosen or it is empty.
    pub file: Option<(String, Vec<u8>)>,
    texts: Vec<(&'static str, String)>,
}

impl UploadForm {
    /// A text field's value: "" when it was not sent or could not be read as text.
    pub fn text(&self, name: &str) -> &str {
        self.texts.iter().rev().find(|(n, _)| *n == name).map_or("", |(_, v)| v.as_str())
    }
}

/// Reads an uploaded form: the field `file` (named `unnamed` when the browser gives no file name)
/// and the text fields listed in `texts`; other fields are skipped. A body that cannot be read is
/// refused with a Russian message (the size limit is the router's body limit).
pub async fn read_upload(
    mp: &mut axum::extract::Multipart,
    texts: &[&'static str],
    unnamed: &str,
) -> Result<UploadForm, AppError> {
    let bad =
        || AppError::BadRequest("Не удалось прочитать отправленный файл; выберите его и отправьте ещё раз".into());
    let mut form = UploadForm::default();
    while let Some(field) = mp.next_field().await.map_err(|_| bad())? {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or(unnamed).to_owned();
                let bytes = field.bytes().await.map_err(|_| bad())?;
                if !bytes.is_empty() {
                    form.file = Some((name, bytes.to_vec()));
                }
            }
            Some(n) => {
                if let Some(&name) = texts.iter().find(|t| **t == n) {
                    form.texts.push((name, field.text().await.unwrap_or_default()));
                }
            }
            None => {}
        }
    }
    Ok(form)
}
