//! One module per feature; each exposes `routes()` with its pages and its API side by side.

pub mod analysis;
pub mod associations;
pub mod attachments;
pub mod audit;
pub mod bank_files;
pub mod cyclograms;
pub mod home;
pub mod meetings;
pub mod municipalities;
pub mod orders;
pub mod organizations;
pub mod plans;
pub mod profiles;
pub mod regions;
pub mod results;
pub mod session;
pub mod teacher_years;
pub mod teachers;
pub mod users;

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(session::routes())
        .merge(home::routes())
        .merge(regions::routes())
        .merge(municipalities::routes())
        .merge(organizations::routes())
        .merge(profiles::routes())
        .merge(users::routes())
        .merge(bank_files::routes())
        .merge(teachers::routes())
        .merge(teacher_years::routes())
        .merge(associations::routes())
        .merge(orders::routes())
        .merge(plans::routes())
        .merge(cyclograms::routes())
        .merge(meetings::routes())
        .merge(analysis::routes())
        .merge(results::routes())
        .merge(attachments::routes())
        .merge(audit::routes())
}

/// The time zone of a user's own municipality (their first grant in one); UTC for those with
/// none, such as the administrator (docs/decisions/0010-local-time.md).
pub async fn user_zone(
    c: &mut sqlx::AnyConnection,
    me: &crate::auth::Current,
) -> Result<metoda_domain::time::LocalZone, crate::error::AppError> {
    match me.principal.grants.iter().find_map(|g| g.municipality_id) {
        Some(m) => Ok(metoda_store::municipalities::zone(c, m).await?),
        None => Ok(metoda_domain::time::LocalZone::UTC),
    }
}

/// Today in a municipality (docs/decisions/0010-local-time.md).
pub async fn local_today(
    state: &AppState,
    c: &mut sqlx::AnyConnection,
    municipality_id: i64,
) -> Result<time::Date, crate::error::AppError> {
    Ok(state.today(metoda_store::municipalities::zone(c, municipality_id).await?))
}
