//! Educational organizations of a municipality: schools, kindergartens, additional-education
//! centres. Archived rather than deleted.

use metoda_domain::directory::{OrganizationData, OrganizationKind};
use metoda_domain::ids::{MunicipalityId, OrganizationId, RegionId};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

use crate::audit::{self, Scope};
use crate::column::Text;
use crate::{Actor, Result, StoreError, now, unique};

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Organization {
    #[sqlx(try_from = "i64")]
    pub id: OrganizationId,
    #[sqlx(try_from = "i64")]
    pub municipality_id: MunicipalityId,
    #[sqlx(try_from = "i64")]
    pub region_id: RegionId,
    pub full_name: String,
    pub short_name: String,
    #[sqlx(try_from = "Text")]
    pub kind: OrganizationKind,
    pub address: Option<String>,
    pub head_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub archived_at: Option<String>,
    /// Raised by every save: send it back with an edit (an older one gets 409).
    pub version: i64,
}

impl Organization {
    pub fn scope(&self) -> Scope {
        Scope { region_id: Some(self.region_id), municipality_id: Some(self.municipality_id) }
    }
}

const SELECT: &str = "SELECT o.id, o.municipality_id, m.region_id, o.full_name, o.short_name, o.kind, o.address,
        o.head_name, o.phone, o.email, o.website, o.created_at, o.updated_at, o.archived_at, o.version
    FROM organizations o JOIN municipalities m ON m.id = o.municipality_id";

const DUPLICATE: &str = "Организация с таким кратким наименованием в муниципалитете уже есть";

pub async fn get(conn: &mut AnyConnection, id: OrganizationId) -> Result<Organization> {
    sqlx::query_as(&format!("{SELECT} WHERE o.id = $1"))
        .bind(id.get())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// What the list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub municipality_id: Option<MunicipalityId>,
    pub region_id: Option<RegionId>,
    pub kind: Option<String>,
    pub text: Option<String>,
    pub include_archived: bool,
}

/// The active organizations of a municipality for pick lists: (id, short name), by name.
pub async fn choices(
    conn: &mut AnyConnection,
    municipality_id: MunicipalityId,
) -> Result<Vec<(OrganizationId, String)>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, short_name FROM organizations WHERE municipality_id = $1 AND archived_at IS NULL ORDER BY short_name",
    )
    .bind(municipality_id.get())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id, name)| (OrganizationId(id), name)).collect())
}

/// The active organizations of the given municipalities, by municipality and name (one query).
pub async fn of_municipalities(conn: &mut AnyConnection, ids: &[MunicipalityId]) -> Result<Vec<Organization>> {
    let mut out = vec![];
    for chunk in ids.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "{SELECT} WHERE o.municipality_id IN ({}) AND o.archived_at IS NULL ORDER BY o.municipality_id, o.short_name",
            marks.join(", ")
        );
        let mut q = sqlx::query_as::<_, Organization>(&sql);
        for id in chunk {
            q = q.bind(id.get());
        }
        out.extend(q.fetch_all(&mut *conn).await?);
    }
    Ok(out)
}

pub async fn list(conn: &mut AnyConnection, f: &Filter) -> Result<Vec<Organization>> {
    let arch = if f.include_archived { "" } else { " AND o.archived_at IS NULL" };
    let sql = format!(
        "{SELECT} WHERE ($1 IS NULL OR o.municipality_id = $1) AND ($2 IS NULL OR m.region_id = $2)
           AND ($3 IS NULL OR o.kind = $3){arch}
         ORDER BY o.archived_at IS NOT NULL, o.short_name"
    );
    let rows: Vec<Organization> = sqlx::query_as(&sql)
        .bind(f.municipality_id.map(i64::from))
        .bind(f.region_id.map(i64::from))
        .bind(f.kind.as_deref())
        .fetch_all(&mut *conn)
        .await?;
    // SQLite's LOWER() folds only ASCII, so the text filter (Cyrillic, any case) runs here; a
    // municipality has hundreds of organizations, not millions.
    Ok(match f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => rows,
        Some(t) => {
            let t = t.to_lowercase();
            rows.into_iter()
                .filter(|o| o.short_name.to_lowercase().contains(&t) || o.full_name.to_lowercase().contains(&t))
                .collect()
        }
    })
}

pub async fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    municipality_id: MunicipalityId,
    d: &OrganizationData,
) -> Result<Organization> {
    let t = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO organizations (municipality_id, full_name, short_name, kind, address, head_name, phone, email, website, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(municipality_id.get())
    .bind(&d.full_name)
    .bind(&d.short_name)
    .bind(d.kind.code())
    .bind(&d.address)
    .bind(&d.head_name)
    .bind(&d.phone)
    .bind(&d.email)
    .bind(&d.website)
    .bind(&t)
    .fetch_one(&mut *conn)
    .await
    .map_err(unique(DUPLICATE))?;
    let o = get(conn, OrganizationId(id)).await?;
    audit::record_change(
        conn,
        actor,
        o.scope(),
        "organization",
        id,
        "create",
        &format!("Добавлена организация «{}»", o.short_name),
        None,
        &o,
    )
    .await?;
    Ok(o)
}

/// Saves an organization; `version`: the version the edit was based on (a stale one is refused).
pub async fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: OrganizationId,
    d: &OrganizationData,
    version: Option<i64>,
) -> Result<Organization> {
    crate::bump_version(conn, "organizations", id.get(), version).await?;
    let old = get(conn, id).await?;
    sqlx::query(
        "UPDATE organizations SET full_name = $1, short_name = $2, kind = $3, address = $4, head_name = $5,
            phone = $6, email = $7, website = $8, updated_at = $9 WHERE id = $10",
    )
    .bind(&d.full_name)
    .bind(&d.short_name)
    .bind(d.kind.code())
    .bind(&d.address)
    .bind(&d.head_name)
    .bind(&d.phone)
    .bind(&d.email)
    .bind(&d.website)
    .bind(now())
    .bind(id.get())
    .execute(&mut *conn)
    .await
    .map_err(unique(DUPLICATE))?;
    changed(conn, actor, &old, "update", &format!("Изменена организация «{}»", d.short_name)).await
}

/// Archives (or restores) an organization. Nothing is deleted.
pub async fn set_archived(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: OrganizationId,
    archived: bool,
) -> Result<Organization> {
    // An edit based on the record before it is refused (decision 0011).
    crate::bump_version(conn, "organizations", id.get(), None).await?;
    let old = get(conn, id).await?;
    sqlx::query("UPDATE organizations SET archived_at = $1, updated_at = $2 WHERE id = $3")
        .bind(archived.then(now))
        .bind(now())
        .bind(id.get())
        .execute(&mut *conn)
        .await?;
    let (action, verb) = if archived {
        ("archive", "перенесена в архив")
    } else {
        ("restore", "восстановлена из архива")
    };
    changed(conn, actor, &old, action, &format!("Организация «{}» {verb}", old.short_name)).await
}

async fn changed(
    conn: &mut AnyConnection,
    actor: &Actor,
    old: &Organization,
    action: &str,
    summary: &str,
) -> Result<Organization> {
    let o = get(conn, old.id).await?;
    audit::record_change(conn, actor, o.scope(), "organization", o.id.get(), action, summary, Some(old), &o).await?;
    Ok(o)
}
