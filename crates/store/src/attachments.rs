//! Attached files and links: the documents of an association's register (by academic year and
//! kind) and the scans of orders. Stored in the database; archived, never deleted.

use metoda_domain::files::{AttachmentKind, AttachmentOwner};
use metoda_domain::ids::MunicipalityId;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, FromRow};

use crate::audit::{self, Scope};
use crate::column::Text;
use crate::{Actor, Result, StoreError, now};

/// An attachment without its content.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Attachment {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub municipality_id: MunicipalityId,
    #[sqlx(try_from = "Text")]
    pub owner: AttachmentOwner,
    pub owner_id: i64,
    #[sqlx(try_from = "Text")]
    pub kind: AttachmentKind,
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

const COLS: &str = "id, municipality_id, owner, owner_id, kind, year, title, file_name, content_type, size, sha256, url, uploaded_at, archived_at";

/// What is attached: a checked file or a link.
pub enum Content<'a> {
    File { name: &'a str, content_type: &'a str, bytes: &'a [u8] },
    Link(&'a str),
}

#[allow(clippy::too_many_arguments)]
pub async fn add(
    conn: &mut AnyConnection,
    actor: &Actor,
    scope: Scope,
    owner: AttachmentOwner,
    owner_id: i64,
    kind: AttachmentKind,
    year: Option<i64>,
    title: &str,
    content: Content<'_>,
) -> Result<Attachment> {
    let municipality_id =
        scope.municipality_id.ok_or_else(|| StoreError::Other("an attachment needs a municipality".into()))?;
    let (file_name, content_type, size, sha, bytes, url) = match content {
        Content::File { name, content_type, bytes } => (
            Some(name.chars().take(200).collect::<String>()),
            Some(content_type.to_owned()),
            Some(bytes.len() as i64),
            Some(hex::encode(Sha256::digest(bytes))),
            Some(bytes.to_vec()),
            None,
        ),
        Content::Link(u) => (None, None, None, None, None, Some(u.to_owned())),
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO attachments (municipality_id, owner, owner_id, kind, year, title, file_name, content_type, size, sha256, content, url, uploaded_by, uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(municipality_id.get())
    .bind(owner.code())
    .bind(owner_id)
    .bind(kind.code())
    .bind(year)
    .bind(title)
    .bind(file_name)
    .bind(content_type)
    .bind(size)
    .bind(sha)
    .bind(bytes)
    .bind(url)
    .bind(actor.user_id.map(i64::from))
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    let a = get(conn, id).await?;
    let summary = format!("Приложен документ «{}»", a.title);
    audit::record_change(conn, actor, scope, "attachment", id, "create", &summary, None, &a).await?;
    Ok(a)
}

/// Archives a live attachment of an owner (it disappears from lists; nothing is deleted).
pub async fn archive(
    conn: &mut AnyConnection,
    actor: &Actor,
    scope: Scope,
    owner: AttachmentOwner,
    owner_id: i64,
    id: i64,
) -> Result<Attachment> {
    let n = sqlx::query(
        "UPDATE attachments SET archived_at = $1 WHERE id = $2 AND owner = $3 AND owner_id = $4 AND archived_at IS NULL",
    )
    .bind(now())
    .bind(id)
    .bind(owner.code())
    .bind(owner_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    let a = get(conn, id).await?;
    let summary = format!("Убран документ «{}»", a.title);
    audit::record_change(conn, actor, scope, "attachment", id, "update", &summary, None, &a).await?;
    Ok(a)
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Attachment> {
    sqlx::query_as(&format!("SELECT {COLS} FROM attachments WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The file's bytes (None for a link).
pub async fn content(conn: &mut AnyConnection, id: i64) -> Result<Option<Vec<u8>>> {
    Ok(sqlx::query_scalar("SELECT content FROM attachments WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .flatten())
}

/// Live attachments of an owner (of one year when given), newest first.
/// The live attachments of many owners of one kind at once, by owner id (newest first each).
pub async fn list_of_owners(
    conn: &mut AnyConnection,
    owner: AttachmentOwner,
    owner_ids: &[i64],
) -> Result<std::collections::HashMap<i64, Vec<Attachment>>> {
    let mut out: std::collections::HashMap<i64, Vec<Attachment>> = std::collections::HashMap::new();
    for chunk in owner_ids.chunks(500) {
        let marks: Vec<String> = (2..=chunk.len() + 1).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {COLS} FROM attachments WHERE owner = $1 AND owner_id IN ({}) AND archived_at IS NULL
             ORDER BY uploaded_at DESC, id DESC",
            marks.join(", ")
        );
        let mut q = sqlx::query_as::<_, Attachment>(&sql).bind(owner.code());
        for id in chunk {
            q = q.bind(*id);
        }
        for a in q.fetch_all(&mut *conn).await? {
            out.entry(a.owner_id).or_default().push(a);
        }
    }
    Ok(out)
}

pub async fn list(
    conn: &mut AnyConnection,
    owner: AttachmentOwner,
    owner_id: i64,
    year: Option<i64>,
) -> Result<Vec<Attachment>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM attachments WHERE owner = $1 AND owner_id = $2 AND ($3 IS NULL OR year = $3) AND archived_at IS NULL
         ORDER BY uploaded_at DESC, id DESC"
    ))
    .bind(owner.code())
    .bind(owner_id)
    .bind(year)
    .fetch_all(&mut *conn)
    .await?)
}
