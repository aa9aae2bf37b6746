//! What the JSON API sends for the directory and the accounts: its own types, built from the
//! store's rows (crates.io's `views` are the model). A renamed column or a typed field of a row
//! changes no JSON by accident; the OpenAPI snapshot test shows every change of these shapes.
//! A feature's own views live in its module (e.g. `features::associations::views`).

use metoda_store::{audit, municipalities, organizations, regions, users};
use serde::Serialize;

/// Each row of a list as its view.
pub fn all<'a, R: 'a, V: From<&'a R>>(rows: &'a [R]) -> Vec<V> {
    rows.iter().map(V::from).collect()
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Region {
    pub id: i64,
    pub name: String,
    pub code: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub archived_at: Option<String>,
}

impl From<&regions::Region> for Region {
    fn from(r: &regions::Region) -> Self {
        Region {
            id: r.id.get(),
            name: r.name.clone(),
            code: r.code.clone(),
            created_at: r.created_at.clone(),
            updated_at: r.updated_at.clone(),
            archived_at: r.archived_at.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Municipality {
    pub id: i64,
    pub region_id: i64,
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

impl From<&municipalities::Municipality> for Municipality {
    fn from(m: &municipalities::Municipality) -> Self {
        Municipality {
            id: m.id.get(),
            region_id: m.region_id.get(),
            region_name: m.region_name.clone(),
            name: m.name.clone(),
            authority_name: m.authority_name.clone(),
            profile_id: m.profile_id,
            profile_name: m.profile_name.clone(),
            created_at: m.created_at.clone(),
            updated_at: m.updated_at.clone(),
            archived_at: m.archived_at.clone(),
            utc_offset_minutes: m.utc_offset_minutes,
            version: m.version,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Organization {
    pub id: i64,
    pub municipality_id: i64,
    pub region_id: i64,
    pub full_name: String,
    pub short_name: String,
    pub kind: String,
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

impl From<&organizations::Organization> for Organization {
    fn from(o: &organizations::Organization) -> Self {
        Organization {
            id: o.id.get(),
            municipality_id: o.municipality_id.get(),
            region_id: o.region_id.get(),
            full_name: o.full_name.clone(),
            short_name: o.short_name.clone(),
            kind: o.kind.code().to_owned(),
            address: o.address.clone(),
            head_name: o.head_name.clone(),
            phone: o.phone.clone(),
            email: o.email.clone(),
            website: o.website.clone(),
            created_at: o.created_at.clone(),
            updated_at: o.updated_at.clone(),
            archived_at: o.archived_at.clone(),
            version: o.version,
        }
    }
}

/// An account as shown (never with its password hash).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub full_name: String,
    pub email: Option<String>,
    pub region_id: Option<i64>,
    pub municipality_id: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
    pub password_changed_at: Option<String>,
    pub archived_at: Option<String>,
    /// Raised by every change of the account (its card, its password, blocking, its roles): send
    /// it back with an edit (an older one gets 409).
    pub version: i64,
}

impl From<&users::User> for User {
    fn from(u: &users::User) -> Self {
        User {
            id: u.id.get(),
            login: u.login.clone(),
            full_name: u.full_name.clone(),
            email: u.email.clone(),
            region_id: u.region_id.map(i64::from),
            municipality_id: u.municipality_id.map(i64::from),
            created_at: u.created_at.clone(),
            updated_at: u.updated_at.clone(),
            password_changed_at: u.password_changed_at.clone(),
            archived_at: u.archived_at.clone(),
            version: u.version,
        }
    }
}

/// A role grant with the name of its scope, for display.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GrantRow {
    pub id: i64,
    pub user_id: i64,
    pub role: String,
    pub region_id: Option<i64>,
    pub municipality_id: Option<i64>,
    pub association_id: Option<i64>,
    pub organization_id: Option<i64>,
    pub scope_name: String,
    pub created_at: String,
}

impl From<&users::GrantRow> for GrantRow {
    fn from(g: &users::GrantRow) -> Self {
        GrantRow {
            id: g.id,
            user_id: g.user_id.get(),
            role: g.role.code().to_owned(),
            region_id: g.region_id.map(i64::from),
            municipality_id: g.municipality_id.map(i64::from),
            association_id: g.association_id.map(i64::from),
            organization_id: g.organization_id.map(i64::from),
            scope_name: g.scope_name.clone(),
            created_at: g.created_at.clone(),
        }
    }
}

/// An audit entry as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Entry {
    pub id: i64,
    pub at: String,
    pub user_id: Option<i64>,
    pub actor: String,
    pub region_id: Option<i64>,
    pub municipality_id: Option<i64>,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub action: String,
    pub summary: String,
    pub changes: String,
    pub ip: Option<String>,
}

impl From<&audit::Entry> for Entry {
    fn from(e: &audit::Entry) -> Self {
        Entry {
            id: e.id,
            at: e.at.clone(),
            user_id: e.user_id.map(i64::from),
            actor: e.actor.clone(),
            region_id: e.region_id.map(i64::from),
            municipality_id: e.municipality_id.map(i64::from),
            entity: e.entity.clone(),
            entity_id: e.entity_id,
            action: e.action.clone(),
            summary: e.summary.clone(),
            changes: e.changes.clone(),
            ip: e.ip.clone(),
        }
    }
}
