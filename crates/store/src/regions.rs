//! Regions: the top of the hierarchy.

use metoda_domain::directory::RegionData;
use metoda_domain::ids::RegionId;
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

use crate::audit::{self, Scope};
use crate::{Actor, Result, StoreError, now, unique};

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Region {
    #[sqlx(try_from = "i64")]
    pub id: RegionId,
    pub name: String,
    pub code: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub archived_at: Option<String>,
}

const COLS: &str = "id, name, code, created_at, updated_at, archived_at";

pub async fn get(conn: &mut AnyConnection, id: RegionId) -> Result<Region> {
    sqlx::query_as(&format!("SELECT {COLS} FROM regions WHERE id = $1"))
        .bind(id.get())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Regions, optionally only those in `ids`.
pub async fn list(conn: &mut AnyConnection, only: Option<&[RegionId]>) -> Result<Vec<Region>> {
    let all: Vec<Region> =
        sqlx::query_as(&format!("SELECT {COLS} FROM regions ORDER BY name")).fetch_all(&mut *conn).await?;
    Ok(match only {
        Some(ids) => all.into_iter().filter(|r| ids.contains(&r.id)).collect(),
        None => all,
    })
}

pub async fn create(conn: &mut AnyConnection, actor: &Actor, d: &RegionData) -> Result<Region> {
    let t = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO regions (name, code, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id",
    )
    .bind(&d.name)
    .bind(&d.code)
    .bind(&t)
    .fetch_one(&mut *conn)
    .await
    .map_err(unique("Регион с таким названием уже есть"))?;
    let r = get(conn, RegionId(id)).await?;
    let scope = Scope { region_id: Some(RegionId(id)), municipality_id: None };
    audit::record_change(conn, actor, scope, "region", id, "create", &format!("Создан регион «{}»", r.name), None, &r)
        .await?;
    Ok(r)
}

pub async fn update(conn: &mut AnyConnection, actor: &Actor, id: RegionId, d: &RegionData) -> Result<Region> {
    let old = get(conn, id).await?;
    sqlx::query("UPDATE regions SET name = $1, code = $2, updated_at = $3 WHERE id = $4")
        .bind(&d.name)
        .bind(&d.code)
        .bind(now())
        .bind(id.get())
        .execute(&mut *conn)
        .await
        .map_err(unique("Регион с таким названием уже есть"))?;
    let r = get(conn, id).await?;
    let scope = Scope { region_id: Some(id), municipality_id: None };
    audit::record_change(
        conn,
        actor,
        scope,
        "region",
        id.get(),
        "update",
        &format!("Изменён регион «{}»", r.name),
        Some(&old),
        &r,
    )
    .await?;
    Ok(r)
}
