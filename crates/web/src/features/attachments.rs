//! Downloading attached files: who may read the owner (the association, the order) may read its
//! files. Links redirect to their address. Also the JSON of an attachment, as the API sends it.

use axum::Router;
use axum::extract::State;

use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use metoda_domain::access::{Action, Resource};
use metoda_domain::files::AttachmentOwner;
use metoda_domain::ids::{AssociationId, EventId, OrderId};
use metoda_store::{associations, attachments, orders};
use serde::Serialize;

use crate::AppState;
use crate::auth::Me;
use crate::error::AppError;
use crate::extract::Path;

pub fn routes() -> Router<AppState> {
    Router::new().route("/attachments/{id}", get(download))
}

async fn download(State(state): State<AppState>, Me(me, _): Me, Path(id): Path<i64>) -> Result<Response, AppError> {
    let a = attachments::get(&mut *state.db.conn().await?, id).await?;
    let allowed = match a.owner {
        AttachmentOwner::Association => {
            let x = associations::get(&mut *state.db.conn().await?, AssociationId(a.owner_id)).await?;
            me.may(
                Action::View,
                &Resource::Association {
                    region_id: x.region_id,
                    municipality_id: x.municipality_id,
                    association_id: Some(x.id),
                },
            )
        }
        AttachmentOwner::Order => {
            let o = orders::get(&mut *state.db.conn().await?, OrderId(a.owner_id)).await?;
            me.may(Action::View, &Resource::Order { region_id: o.region_id, municipality_id: o.municipality_id })
        }
        // A result's scan shows a student's name: it is served by its result's own route, which
        // asks for the right to see names.
        AttachmentOwner::Result => false,
        // Whoever may read the event (a draft: its organisers).
        AttachmentOwner::Event => {
            match crate::features::events::load(&state, &me, EventId(a.owner_id), Action::View).await {
                Ok(_) => true,
                Err(AppError::Forbidden | AppError::NotFound) => false,
                Err(e) => return Err(e),
            }
        }
    };
    let mut c = state.db.conn().await?;
    if !allowed || a.archived_at.is_some() {
        return Err(AppError::NotFound);
    }
    if let Some(url) = &a.url {
        return Ok(Redirect::to(url).into_response());
    }
    let bytes = attachments::content(&mut c, id).await?.ok_or(AppError::NotFound)?;
    // The name as uploaded (Cyrillic names survive); a scan opens in the browser.
    let ct = a.content_type.as_deref().unwrap_or("application/octet-stream");
    Ok(crate::pages::download(bytes, ct, a.file_name.as_deref().unwrap_or("file")))
}

/// What an upload form brought, as the content to attach: the file (its type told by its bytes)
/// or else the link; a Russian refusal at `file` otherwise.
pub(crate) fn content_of<'a>(
    file: Option<&'a (String, Vec<u8>)>,
    url: Option<&'a str>,
) -> Result<metoda_store::attachments::Content<'a>, AppError> {
    let refuse = |m: &str| AppError::Validation(vec![metoda_domain::FieldError::new("file", m)]);
    match (file, url) {
        (Some((name, bytes)), _) => {
            if bytes.len() > metoda_domain::files::MAX_FILE_BYTES {
                return Err(refuse("Файл больше 20 МБ"));
            }
            let (ct, _) = metoda_domain::files::detect(bytes).ok_or_else(|| refuse(metoda_domain::files::REFUSAL))?;
            Ok(metoda_store::attachments::Content::File { name, content_type: ct, bytes })
        }
        (None, Some(u)) => Ok(metoda_store::attachments::Content::Link(u)),
        (None, None) => Err(refuse("Выберите файл или укажите ссылку")),
    }
}

/// An attachment without its content.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Attachment {
    pub id: i64,
    pub municipality_id: i64,
    /// association | order | result | event
    pub owner: String,
    pub owner_id: i64,
    /// A required-document code of the profile, or `scan`.
    pub kind: String,
    pub year: Option<i64>,
    pub title: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub size: Option<i64>,
    pub sha256: Option<String>,
    pub url: Option<String>,
    pub uploaded_at: String,
    pub archived_at: Option<String>,
}

impl From<&attachments::Attachment> for Attachment {
    fn from(a: &attachments::Attachment) -> Self {
        Attachment {
            id: a.id,
            municipality_id: a.municipality_id.get(),
            owner: a.owner.code().to_owned(),
            owner_id: a.owner_id,
            kind: a.kind.code().to_owned(),
            year: a.year,
            title: a.title.clone(),
            file_name: a.file_name.clone(),
            content_type: a.content_type.clone(),
            size: a.size,
            sha256: a.sha256.clone(),
            url: a.url.clone(),
            uploaded_at: a.uploaded_at.clone(),
            archived_at: a.archived_at.clone(),
        }
    }
}
