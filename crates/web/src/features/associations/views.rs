//! What the API sends for an association: its own types, built from the store's rows, so that a
//! renamed column or a typed field changes no JSON by accident.

use metoda_domain::values::iso_date;
use metoda_store::associations as rows;
use serde::Serialize;

pub use crate::views::all;

/// An association with its head, curator and current member count.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Association {
    pub id: i64,
    pub municipality_id: i64,
    pub region_id: i64,
    pub municipality_name: String,
    pub name: String,
    pub body_name: Option<String>,
    pub direction: Option<String>,
    /// active | liquidated
    pub status: String,
    pub created_order_id: Option<i64>,
    pub description: Option<String>,
    pub social_url: Option<String>,
    pub liquidated_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub members: i64,
    pub head_name: Option<String>,
    pub curator_name: Option<String>,
    /// Raised by every change of the association itself (its details, a reorganisation, the
    /// liquidation): send it back with an edit (an older one gets 409).
    pub version: i64,
}

impl From<&rows::Association> for Association {
    fn from(a: &rows::Association) -> Self {
        Association {
            id: a.id.get(),
            municipality_id: a.municipality_id.get(),
            region_id: a.region_id.get(),
            municipality_name: a.municipality_name.clone(),
            name: a.name.clone(),
            body_name: a.body_name.clone(),
            direction: a.direction.clone(),
            status: a.status.code().to_owned(),
            created_order_id: a.created_order_id.map(i64::from),
            description: a.description.clone(),
            social_url: a.social_url.clone(),
            liquidated_at: a.liquidated_at.clone(),
            created_at: a.created_at.clone(),
            updated_at: a.updated_at.clone(),
            members: a.members,
            head_name: a.head_name.clone(),
            curator_name: a.curator_name.clone(),
            version: a.version,
        }
    }
}

/// An officer, current or past.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Officer {
    pub id: i64,
    pub role: String,
    pub teacher_id: Option<i64>,
    pub user_id: Option<i64>,
    pub name: String,
    pub from_on: String,
    pub to_on: Option<String>,
    pub order_id: Option<i64>,
    pub order_number: Option<String>,
}

impl From<&rows::Officer> for Officer {
    fn from(o: &rows::Officer) -> Self {
        Officer {
            id: o.id,
            role: o.role.code().to_owned(),
            teacher_id: o.teacher_id.map(i64::from),
            user_id: o.user_id.map(i64::from),
            name: o.name.clone(),
            from_on: iso_date(o.from_on),
            to_on: o.to_on.map(iso_date),
            order_id: o.order_id.map(i64::from),
            order_number: o.order_number.clone(),
        }
    }
}

/// A membership.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Member {
    pub id: i64,
    pub teacher_id: i64,
    pub full_name: String,
    pub organization_id: i64,
    pub organization_name: String,
    pub position: String,
    pub category: String,
    pub joined_on: String,
    pub left_on: Option<String>,
}

impl From<&rows::Member> for Member {
    fn from(m: &rows::Member) -> Self {
        Member {
            id: m.id,
            teacher_id: m.teacher_id.get(),
            full_name: m.full_name.clone(),
            organization_id: m.organization_id.get(),
            organization_name: m.organization_name.clone(),
            position: m.position.clone(),
            category: m.category.code().to_owned(),
            joined_on: iso_date(m.joined_on),
            left_on: m.left_on.map(iso_date),
        }
    }
}

/// A subgroup (РМО, section, creative or working group) with its head and member count.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Subgroup {
    pub id: i64,
    pub association_id: i64,
    /// rmo | section | creative_group | working_group
    pub kind: String,
    pub name: String,
    pub head_teacher_id: Option<i64>,
    pub head_name: Option<String>,
    pub members: i64,
    pub archived_at: Option<String>,
}

impl From<&rows::Subgroup> for Subgroup {
    fn from(s: &rows::Subgroup) -> Self {
        Subgroup {
            id: s.id,
            association_id: s.association_id.get(),
            kind: s.kind.code().to_owned(),
            name: s.name.clone(),
            head_teacher_id: s.head_teacher_id.map(i64::from),
            head_name: s.head_name.clone(),
            members: s.members,
            archived_at: s.archived_at.clone(),
        }
    }
}
