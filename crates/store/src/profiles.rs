//! Regulation profiles: presets (the five seeds, read-only) and the municipalities' own copies.

use metoda_domain::access::Place;
use metoda_domain::ids::{MunicipalityId, RegionId};
use metoda_domain::profile::{ProfileSettings, presets};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

use crate::audit::{self, Scope};
use crate::column::Flag;
use crate::column::OptId;
use crate::{Actor, Result, StoreError, now};

/// A regulation profile (`regulation_profiles`): a preset or a municipality's own.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Profile {
    pub id: i64,
    pub code: Option<String>,
    pub name: String,
    pub source: Option<String>,
    #[sqlx(try_from = "Flag")]
    pub is_preset: bool,
    #[sqlx(try_from = "OptId")]
    pub region_id: Option<RegionId>,
    #[sqlx(try_from = "OptId")]
    pub municipality_id: Option<MunicipalityId>,
    pub based_on_id: Option<i64>,
    /// The settings document (JSON of `ProfileSettings`).
    pub settings: String,
    pub created_at: String,
    pub updated_at: String,
    pub archived_at: Option<String>,
    /// Raised by every change: send it back with an edit (an older one gets 409).
    pub version: i64,
}

impl Profile {
    pub fn is_preset(&self) -> bool {
        self.is_preset
    }
    pub fn settings(&self) -> Result<ProfileSettings> {
        serde_json::from_str(&self.settings)
            .map_err(|e| StoreError::Other(format!("profile {} has unreadable settings: {e}", self.id)))
    }
    /// The municipality that owns it (None for a preset).
    pub fn owner(&self) -> Option<Place> {
        Some(Place { region_id: self.region_id?, municipality_id: self.municipality_id })
    }
    pub fn scope(&self) -> Scope {
        Scope { region_id: self.region_id, municipality_id: self.municipality_id }
    }
}

const COLS: &str = "id, code, name, source, is_preset, region_id, municipality_id, based_on_id, settings, created_at, updated_at, archived_at, version";

/// Writes the seed presets into the database (missing ones inserted, changed ones refreshed: the
/// program is their source). Run after every migration.
pub async fn install_presets(conn: &mut AnyConnection) -> Result<()> {
    for p in presets() {
        let settings = serde_json::to_string(&p.settings).map_err(|e| StoreError::Other(e.to_string()))?;
        let existing: Option<(i64, String, String)> =
            sqlx::query_as("SELECT id, settings, name FROM regulation_profiles WHERE code = $1")
                .bind(p.code)
                .fetch_optional(&mut *conn)
                .await?;
        let t = now();
        match existing {
            None => {
                sqlx::query(
                    "INSERT INTO regulation_profiles (code, name, source, is_preset, settings, created_at, updated_at)
                     VALUES ($1, $2, $3, 1, $4, $5, $5)",
                )
                .bind(p.code)
                .bind(&p.name_ru)
                .bind(&p.source_ru)
                .bind(&settings)
                .bind(&t)
                .execute(&mut *conn)
                .await?;
            }
            Some((id, old, name)) if old != settings || name != p.name_ru => {
                sqlx::query("UPDATE regulation_profiles SET name = $1, source = $2, settings = $3, updated_at = $4, version = version + 1 WHERE id = $5")
                    .bind(&p.name_ru)
                    .bind(&p.source_ru)
                    .bind(&settings)
                    .bind(&t)
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
            }
            Some(_) => {}
        }
    }
    Ok(())
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Profile> {
    sqlx::query_as(&format!("SELECT {COLS} FROM regulation_profiles WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The regulation settings of a municipality: those of the profile it follows
/// (`municipalities.profile_id`); None when no profile is set. The one loader of a municipality's
/// (and so of its associations') rules.
pub async fn municipality_settings(
    conn: &mut AnyConnection,
    municipality_id: MunicipalityId,
) -> Result<Option<ProfileSettings>> {
    let p: Option<Profile> = sqlx::query_as(&format!(
        "SELECT {COLS} FROM regulation_profiles WHERE id = (SELECT profile_id FROM municipalities WHERE id = $1)"
    ))
    .bind(municipality_id.get())
    .fetch_optional(&mut *conn)
    .await?;
    p.map(|p| p.settings()).transpose()
}

/// The settings of the profile of each municipality of a municipality or a region that has one.
pub async fn settings_within(
    conn: &mut AnyConnection,
    within: crate::Within,
) -> Result<Vec<(MunicipalityId, ProfileSettings)>> {
    let rows: Vec<(i64, Profile)> = {
        let ids: Vec<(i64, i64)> = sqlx::query_as(&format!(
            "SELECT id, profile_id FROM municipalities WHERE profile_id IS NOT NULL AND {}",
            within.municipalities("id")
        ))
        .bind(within.id())
        .fetch_all(&mut *conn)
        .await?;
        let profiles: Vec<Profile> = sqlx::query_as(&format!(
            "SELECT {COLS} FROM regulation_profiles WHERE id IN
               (SELECT profile_id FROM municipalities WHERE {})",
            within.municipalities("id")
        ))
        .bind(within.id())
        .fetch_all(&mut *conn)
        .await?;
        ids.into_iter().filter_map(|(m, p)| profiles.iter().find(|x| x.id == p).map(|x| (m, x.clone()))).collect()
    };
    rows.into_iter().map(|(m, p)| Ok((MunicipalityId(m), p.settings()?))).collect()
}

pub async fn by_code(conn: &mut AnyConnection, code: &str) -> Result<Profile> {
    sqlx::query_as(&format!("SELECT {COLS} FROM regulation_profiles WHERE code = $1"))
        .bind(code)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Every profile: presets first, then the municipalities' own. The caller filters by access.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<Profile>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM regulation_profiles WHERE archived_at IS NULL ORDER BY is_preset DESC, code, name"
    ))
    .fetch_all(&mut *conn)
    .await?)
}

fn check_name(name: &str) -> Result<String> {
    metoda_domain::values::required_text("name", "Название профиля", name, 200)
        .map_err(|e| StoreError::Invalid(vec![e]))
}

/// Copies a profile (usually a preset) into a new profile owned by a municipality.
pub async fn copy(
    conn: &mut AnyConnection,
    actor: &Actor,
    source_id: i64,
    owner: Place,
    name: &str,
) -> Result<Profile> {
    let name = check_name(name)?;
    let src = get(conn, source_id).await?;
    let muni = owner.municipality_id.ok_or_else(|| StoreError::invalid("municipality_id", "Укажите муниципалитет"))?;
    let t = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO regulation_profiles (name, source, is_preset, region_id, municipality_id, based_on_id, settings, created_at, updated_at)
         VALUES ($1, $2, 0, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(&name)
    .bind(&src.source)
    .bind(owner.region_id.get())
    .bind(muni.get())
    .bind(src.id)
    .bind(&src.settings)
    .bind(&t)
    .fetch_one(&mut *conn)
    .await?;
    let p = get(conn, id).await?;
    audit::record_change(
        conn,
        actor,
        p.scope(),
        "regulation_profile",
        id,
        "create",
        &format!("Создан профиль положения «{}» на основе «{}»", p.name, src.name),
        None,
        &p,
    )
    .await?;
    Ok(p)
}

/// Changes the name and settings of a municipality's profile (presets are read-only);
/// `version`: the version the edit was based on (a stale one is refused).
pub async fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    name: &str,
    settings: &ProfileSettings,
    version: Option<i64>,
) -> Result<Profile> {
    let name = check_name(name)?;
    settings.validate().map_err(StoreError::Invalid)?;
    crate::bump_version(conn, "regulation_profiles", id, version).await?;
    let old = get(conn, id).await?;
    if old.is_preset() {
        return Err(StoreError::Conflict("Предустановленный профиль изменить нельзя: сделайте его копию".into()));
    }
    let json = serde_json::to_string(settings).map_err(|e| StoreError::Other(e.to_string()))?;
    sqlx::query("UPDATE regulation_profiles SET name = $1, settings = $2, updated_at = $3 WHERE id = $4")
        .bind(&name)
        .bind(&json)
        .bind(now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let p = get(conn, id).await?;
    // Diff the settings field by field rather than as one opaque string.
    let view = |p: &Profile| {
        let mut v = serde_json::to_value(p).unwrap_or_default();
        if let (Some(obj), Ok(s)) = (v.as_object_mut(), serde_json::from_str::<serde_json::Value>(&p.settings)) {
            obj.remove("settings");
            if let Some(map) = s.as_object() {
                for (k, val) in map {
                    obj.insert(format!("settings.{k}"), val.clone());
                }
            }
        }
        v
    };
    audit::record(
        conn,
        actor,
        p.scope(),
        "regulation_profile",
        Some(id),
        "update",
        &format!("Изменён профиль положения «{}»", p.name),
        Some(&view(&old)),
        Some(&view(&p)),
    )
    .await?;
    Ok(p)
}
