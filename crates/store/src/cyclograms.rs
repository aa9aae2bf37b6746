//! The cyclogram of an association (001 §6.1): the activities that recur every year, each in its
//! month, from which a new yearly plan may be filled (`plans::create_from`). Rows are archived,
//! never deleted; every change is in the audit trail.

use metoda_domain::ids::AssociationId;
use metoda_domain::plans::{ActivityDirection, CyclogramData, WorkForm};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

use crate::associations::Association;
use crate::audit;
use crate::column::Text;
use crate::{Actor, Result, StoreError, now};

/// A row of an association's cyclogram (`cyclogram_items`).
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct CyclogramItem {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub association_id: AssociationId,
    /// 1–12.
    pub month: i64,
    pub title: String,
    #[sqlx(try_from = "Text")]
    pub direction: ActivityDirection,
    #[sqlx(try_from = "Text")]
    pub form: WorkForm,
    pub responsible: Option<String>,
    pub note: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub archived_at: Option<String>,
    /// Raised by every change of the row: send it back with an edit (an older one gets 409).
    pub version: i64,
}

const COLS: &str = "id, association_id, month, title, direction, form, responsible, note, created_at, updated_at, archived_at, version";

/// The current rows of an association's cyclogram, by calendar month (callers order them by the
/// plan year they show).
pub async fn list(conn: &mut AnyConnection, association_id: AssociationId) -> Result<Vec<CyclogramItem>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM cyclogram_items WHERE association_id = $1 AND archived_at IS NULL ORDER BY month, id"
    ))
    .bind(association_id.get())
    .fetch_all(&mut *conn)
    .await?)
}

/// A row of the association's cyclogram (archived or not); another association's row is not found.
pub async fn get(conn: &mut AnyConnection, a: &Association, id: i64) -> Result<CyclogramItem> {
    sqlx::query_as(&format!("SELECT {COLS} FROM cyclogram_items WHERE id = $1 AND association_id = $2"))
        .bind(id)
        .bind(a.id.get())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)
}

fn active(a: &Association) -> Result<()> {
    if a.is_active() {
        Ok(())
    } else {
        Err(StoreError::Conflict("Объединение ликвидировано".into()))
    }
}

pub async fn add(conn: &mut AnyConnection, actor: &Actor, a: &Association, d: &CyclogramData) -> Result<CyclogramItem> {
    active(a)?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO cyclogram_items (association_id, month, title, direction, form, responsible, note, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(a.id.get())
    .bind(i64::from(d.month))
    .bind(&d.title)
    .bind(d.direction.code())
    .bind(d.form.code())
    .bind(&d.responsible)
    .bind(&d.note)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    let row = get(conn, a, id).await?;
    let summary = format!("В циклограмму объединения «{}» внесено: «{}»", a.name, row.title);
    audit::record_change(conn, actor, a.scope(), "cyclogram_item", id, "create", &summary, None, &row).await?;
    Ok(row)
}

/// Saves a row; `version`: the version the edit was based on (a stale one is refused).
pub async fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    id: i64,
    d: &CyclogramData,
    version: Option<i64>,
) -> Result<CyclogramItem> {
    active(a)?;
    crate::bump_version(conn, "cyclogram_items", id, version).await?;
    let old = get(conn, a, id).await?;
    if old.archived_at.is_some() {
        return Err(StoreError::Conflict("Эта строка циклограммы удалена".into()));
    }
    sqlx::query(
        "UPDATE cyclogram_items SET month = $1, title = $2, direction = $3, form = $4, responsible = $5, note = $6,
            updated_at = $7 WHERE id = $8",
    )
    .bind(i64::from(d.month))
    .bind(&d.title)
    .bind(d.direction.code())
    .bind(d.form.code())
    .bind(&d.responsible)
    .bind(&d.note)
    .bind(now())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    let new = get(conn, a, id).await?;
    let summary = format!("Изменено в циклограмме объединения «{}»: «{}»", a.name, new.title);
    audit::record_change(conn, actor, a.scope(), "cyclogram_item", id, "update", &summary, Some(&old), &new).await?;
    Ok(new)
}

/// Removes a row from the cyclogram (archives it). Removing a removed row changes nothing.
pub async fn remove(conn: &mut AnyConnection, actor: &Actor, a: &Association, id: i64) -> Result<CyclogramItem> {
    active(a)?;
    let old = get(conn, a, id).await?;
    if old.archived_at.is_some() {
        return Ok(old);
    }
    let t = now();
    sqlx::query("UPDATE cyclogram_items SET archived_at = $1, updated_at = $1, version = version + 1 WHERE id = $2")
        .bind(&t)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let new = get(conn, a, id).await?;
    let summary = format!("Из циклограммы объединения «{}» удалено: «{}»", a.name, new.title);
    audit::record_change(conn, actor, a.scope(), "cyclogram_item", id, "archive", &summary, Some(&old), &new).await?;
    Ok(new)
}

/// A row as typed data (for filling a plan); a month out of 1–12 is a fault, never a default.
pub(crate) fn data(row: &CyclogramItem) -> Result<CyclogramData> {
    let month = u8::try_from(row.month)
        .ok()
        .filter(|m| (1..=12).contains(m))
        .ok_or_else(|| StoreError::Other(format!("cyclogram row {} has month {}", row.id, row.month)))?;
    Ok(CyclogramData {
        month,
        title: row.title.clone(),
        direction: row.direction,
        form: row.form,
        responsible: row.responsible.clone(),
        note: row.note.clone(),
    })
}
