//! Associations (ММО, МУМО, РМО). The foundation keeps only what scopes need; the association
//! feature extends this module.

use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

use crate::Result;

#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct AssociationRef {
    pub id: i64,
    pub municipality_id: i64,
    pub region_id: i64,
    pub name: String,
    pub archived_at: Option<String>,
}

pub async fn list(conn: &mut AnyConnection) -> Result<Vec<AssociationRef>> {
    Ok(sqlx::query_as(
        "SELECT a.id, a.municipality_id, m.region_id, a.name, a.archived_at FROM associations a
         JOIN municipalities m ON m.id = a.municipality_id ORDER BY a.name",
    )
    .fetch_all(&mut *conn)
    .await?)
}
