//! The analysis's report as the JSON API shows it (the store's row is not serialized): codes and
//! dates as strings, `late` as 1/0, as the API has always given them.

use metoda_domain::values::iso_date;
use metoda_store::reports::AnnualAnalysis;
use serde::Serialize;

// No doc comment: the schema `Report` has never had a description (the OpenAPI snapshot).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Report {
    pub id: i64,
    pub association_id: i64,
    pub year: i64,
    /// draft | submitted | accepted | returned
    pub status: String,
    pub version: i64,
    pub due_on: Option<String>,
    pub submitted_at: Option<String>,
    /// The last submission came after the deadline (1) or not (0).
    pub late: i64,
    pub decided_at: Option<String>,
    pub comment: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// academic_year | calendar_year
    pub period: String,
}

impl From<&AnnualAnalysis> for Report {
    fn from(r: &AnnualAnalysis) -> Report {
        Report {
            id: r.id,
            association_id: r.association_id.get(),
            year: i64::from(r.year),
            status: r.status.code().to_owned(),
            version: r.version,
            due_on: r.due_on.map(iso_date),
            submitted_at: r.submitted_at.clone(),
            late: i64::from(r.late),
            decided_at: r.decided_at.clone(),
            comment: r.comment.clone(),
            created_at: r.created_at.clone(),
            updated_at: r.updated_at.clone(),
            period: r.period.code().to_owned(),
        }
    }
}

/// `serialize_with` for a page's typed report that the API shows as a [`Report`].
pub fn report_opt<S: serde::Serializer>(r: &Option<AnnualAnalysis>, s: S) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&r.as_ref().map(Report::from), s)
}
