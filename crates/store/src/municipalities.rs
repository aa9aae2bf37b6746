//! Municipalities, each run by an education authority under one regulation profile.

use metoda_domain::directory::MunicipalityData;
use metoda_domain::ids::{MunicipalityId, RegionId};
use metoda_domain::time::LocalZone;
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

use crate::audit::{self, Scope};
use crate::{Actor, Result, StoreError, now, unique};

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Municipality {
    #[sqlx(try_from = "i64")]
    pub id: MunicipalityId,
    #[sqlx(try_from = "i64")]
    pub region_id: RegionId,
    pub region_name: String,
    pub name: String,
    pub authority_name: Option<String>,
    pub profile_id: Option<i64>,
    pub profile_name: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub archived_at: Option<String>,
    /// The time zone: minutes east of UTC (Томская область: 420).
    pub utc_offset_minutes: i64,
    /// Raised by every change: send it back with an edit (an older one gets 409).
    pub version: i64,
}

impl Municipality {
    /// The municipality's time zone: its "today" and the local times shown.
    pub fn zone(&self) -> LocalZone {
        LocalZone::stored(self.utc_offset_minutes)
    }

    pub fn scope(&self) -> Scope {
        Scope { region_id: Some(self.region_id), municipality_id: Some(self.id) }
    }
}

const SELECT: &str = "SELECT m.id, m.region_id, r.name AS region_name, m.name, m.authority_name, m.profile_id,
        p.name AS profile_name, m.created_at, m.updated_at, m.archived_at, m.utc_offset_minutes, m.version
    FROM municipalities m JOIN regions r ON r.id = m.region_id
    LEFT JOIN regulation_profiles p ON p.id = m.profile_id";

pub async fn get(conn: &mut AnyConnection, id: MunicipalityId) -> Result<Municipality> {
    sqlx::query_as(&format!("{SELECT} WHERE m.id = $1"))
        .bind(id.get())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The time zone of a municipality (UTC when there is no such municipality).
pub async fn zone(conn: &mut AnyConnection, id: MunicipalityId) -> Result<LocalZone> {
    let m: Option<i64> = sqlx::query_scalar("SELECT utc_offset_minutes FROM municipalities WHERE id = $1")
        .bind(id.get())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(m.map_or(LocalZone::UTC, LocalZone::stored))
}

/// The time zone of a region: its municipalities' most common zone (the lowest offset on a tie);
/// UTC for a region without municipalities. For a user who works across a region, such as the
/// region operator (docs/decisions/0010-local-time.md).
pub async fn region_zone(conn: &mut AnyConnection, region_id: RegionId) -> Result<LocalZone> {
    let m: Option<i64> = sqlx::query_scalar(
        "SELECT utc_offset_minutes FROM municipalities WHERE region_id = $1 AND archived_at IS NULL
         GROUP BY utc_offset_minutes ORDER BY COUNT(*) DESC, utc_offset_minutes LIMIT 1",
    )
    .bind(region_id.get())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(m.map_or(LocalZone::UTC, LocalZone::stored))
}

/// The time zone of a place: the municipality's when there is one, else the region's
/// ([`region_zone`]), else UTC. A user's zone is that of their home (docs/decisions/0010-local-time.md);
/// [`crate::notify`] computes the same in SQL for the letters it dates.
pub async fn zone_of_place(
    conn: &mut AnyConnection,
    municipality_id: Option<MunicipalityId>,
    region_id: Option<RegionId>,
) -> Result<LocalZone> {
    match (municipality_id, region_id) {
        (Some(m), _) => zone(conn, m).await,
        (None, Some(r)) => region_zone(conn, r).await,
        (None, None) => Ok(LocalZone::UTC),
    }
}

/// The time zones of every municipality, by id (for lists whose records span municipalities).
pub async fn zones(conn: &mut AnyConnection) -> Result<std::collections::HashMap<i64, LocalZone>> {
    let rows: Vec<(i64, i64)> =
        sqlx::query_as("SELECT id, utc_offset_minutes FROM municipalities").fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().map(|(id, m)| (id, LocalZone::stored(m))).collect())
}

/// Municipalities of a region (all regions when None), active first, by name.
pub async fn list(
    conn: &mut AnyConnection,
    region_id: Option<RegionId>,
    include_archived: bool,
) -> Result<Vec<Municipality>> {
    let arch = if include_archived { "" } else { " AND m.archived_at IS NULL" };
    let sql =
        format!("{SELECT} WHERE ($1 IS NULL OR m.region_id = $1){arch} ORDER BY m.archived_at IS NOT NULL, m.name");
    Ok(sqlx::query_as(&sql).bind(region_id.map(i64::from)).fetch_all(&mut *conn).await?)
}

pub async fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    region_id: RegionId,
    d: &MunicipalityData,
) -> Result<Municipality> {
    let t = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO municipalities (region_id, name, authority_name, created_at, updated_at, utc_offset_minutes)
         VALUES ($1, $2, $3, $4, $4, $5) RETURNING id",
    )
    .bind(region_id.get())
    .bind(&d.name)
    .bind(&d.authority_name)
    .bind(&t)
    .bind(d.zone.unwrap_or_default().minutes())
    .fetch_one(&mut *conn)
    .await
    .map_err(unique("Муниципалитет с таким названием в этом регионе уже есть"))?;
    let m = get(conn, MunicipalityId(id)).await?;
    audit::record_change(
        conn,
        actor,
        m.scope(),
        "municipality",
        id,
        "create",
        &format!("Создан муниципалитет «{}»", m.name),
        None,
        &m,
    )
    .await?;
    Ok(m)
}

/// Saves a municipality's card; `version`: the version the edit was based on (a stale one is
/// refused).
pub async fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: MunicipalityId,
    d: &MunicipalityData,
    version: Option<i64>,
) -> Result<Municipality> {
    crate::bump_version(conn, "municipalities", id.get(), version).await?;
    let old = get(conn, id).await?;
    sqlx::query(
        "UPDATE municipalities SET name = $1, authority_name = $2, updated_at = $3, utc_offset_minutes = $5 WHERE id = $4",
    )
    .bind(&d.name)
    .bind(&d.authority_name)
    .bind(now())
    .bind(id.get())
    .bind(d.zone.map_or(old.utc_offset_minutes, |z| z.minutes()))
    .execute(&mut *conn)
    .await
    .map_err(unique("Муниципалитет с таким названием в этом регионе уже есть"))?;
    changed(conn, actor, &old, "update", &format!("Изменён муниципалитет «{}»", d.name)).await
}

/// Archives (or restores) a municipality. Nothing is deleted.
pub async fn set_archived(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: MunicipalityId,
    archived: bool,
) -> Result<Municipality> {
    // Not a form edit, but an edit based on the card before it is refused.
    crate::bump_version(conn, "municipalities", id.get(), None).await?;
    let old = get(conn, id).await?;
    let at = archived.then(now);
    sqlx::query("UPDATE municipalities SET archived_at = $1, updated_at = $2 WHERE id = $3")
        .bind(at)
        .bind(now())
        .bind(id.get())
        .execute(&mut *conn)
        .await?;
    let (action, verb) = if archived {
        ("archive", "перенесён в архив")
    } else {
        ("restore", "восстановлен из архива")
    };
    changed(conn, actor, &old, action, &format!("Муниципалитет «{}» {verb}", old.name)).await
}

/// Assigns the regulation profile of a municipality.
pub async fn set_profile(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: MunicipalityId,
    profile_id: i64,
) -> Result<Municipality> {
    crate::bump_version(conn, "municipalities", id.get(), None).await?;
    let old = get(conn, id).await?;
    sqlx::query("UPDATE municipalities SET profile_id = $1, updated_at = $2 WHERE id = $3")
        .bind(profile_id)
        .bind(now())
        .bind(id.get())
        .execute(&mut *conn)
        .await?;
    let m = get(conn, id).await?;
    let summary = format!(
        "Муниципалитету «{}» назначен профиль положения «{}»",
        m.name,
        m.profile_name.as_deref().unwrap_or("?")
    );
    changed(conn, actor, &old, "assign_profile", &summary).await
}

async fn changed(
    conn: &mut AnyConnection,
    actor: &Actor,
    old: &Municipality,
    action: &str,
    summary: &str,
) -> Result<Municipality> {
    let m = get(conn, old.id).await?;
    audit::record_change(conn, actor, m.scope(), "municipality", m.id.get(), action, summary, Some(old), &m).await?;
    Ok(m)
}
