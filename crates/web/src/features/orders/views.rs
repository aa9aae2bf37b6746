//! The JSON of the orders API: each store row as the API has always sent it (dates as
//! "YYYY-MM-DD", enumerations as their codes), built from the typed rows of `metoda_store::orders`.
//! The schema names and shapes are the reviewed contract (`tests/snapshots/openapi.json`).

use metoda_domain::values::iso_date;
use metoda_store::orders as store;
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Order {
    pub id: i64,
    pub municipality_id: i64,
    pub region_id: i64,
    pub number: String,
    pub order_date: String,
    pub year: i64,
    pub kind: String,
    pub title: String,
    pub body: Option<String>,
    pub signed_by: Option<String>,
    pub association_id: Option<i64>,
    pub association_name: Option<String>,
    /// The effect as registered (JSON).
    pub payload: String,
    pub created_at: String,
}

impl From<&store::Order> for Order {
    fn from(o: &store::Order) -> Self {
        Order {
            id: o.id.get(),
            municipality_id: o.municipality_id.get(),
            region_id: o.region_id.get(),
            number: o.number.clone(),
            order_date: iso_date(o.order_date),
            year: o.year,
            kind: o.kind.code().to_owned(),
            title: o.title.clone(),
            body: o.body.clone(),
            signed_by: o.signed_by.clone(),
            association_id: o.association_id.map(i64::from),
            association_name: o.association_name.clone(),
            payload: o.payload.clone(),
            created_at: o.created_at.clone(),
        }
    }
}

/// A row of a fixed yearly composition.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SnapshotRow {
    pub teacher_id: i64,
    pub full_name: String,
    pub organization_name: String,
    pub position: String,
    pub role: Option<String>,
}

impl From<&store::SnapshotRow> for SnapshotRow {
    fn from(s: &store::SnapshotRow) -> Self {
        SnapshotRow {
            teacher_id: s.teacher_id.get(),
            full_name: s.full_name.clone(),
            organization_name: s.organization_name.clone(),
            position: s.position.clone(),
            role: s.role.map(|r| r.code().to_owned()),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct OrderBody {
    pub order: Order,
    /// The fixed composition (orders approving a composition).
    pub composition: Vec<SnapshotRow>,
}

impl OrderBody {
    pub fn new(o: &store::Order, composition: &[store::SnapshotRow]) -> Self {
        OrderBody { order: o.into(), composition: crate::views::all(composition) }
    }
}
