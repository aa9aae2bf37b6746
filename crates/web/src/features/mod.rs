//! One module per feature; each exposes `routes()` with its pages and its API side by side.

pub mod analysis;
pub mod associations;
pub mod attachments;
pub mod audit;
pub mod bank_files;
pub mod calendar;
pub mod control;
pub mod cyclograms;
pub mod events;
pub mod home;
pub mod meetings;
pub mod municipalities;
pub mod notifications;
pub mod orders;
pub mod organizations;
pub mod plans;
pub mod profiles;
pub mod regions;
pub mod results;
pub mod row_import;
pub mod session;
pub mod teacher_years;
pub mod teachers;
pub mod users;

use axum::Router;
use metoda_domain::ids::MunicipalityId;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(session::routes())
        .merge(home::routes())
        .merge(control::routes())
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
        .merge(notifications::routes())
        .merge(calendar::routes())
        .merge(events::routes())
        .merge(analysis::routes())
        .merge(results::routes())
        .merge(attachments::routes())
        .merge(audit::routes())
}

/// The time zone a user works in, the one rule of pages, calendars and letters: their home's
/// (municipality, else region: [`metoda_store::municipalities::zone_of_place`]); for an account
/// without a home, their first grant's place; UTC for those with neither, such as the
/// administrator (docs/decisions/0010-local-time.md).
pub async fn user_zone(
    c: &mut metoda_store::Conn,
    me: &crate::auth::Current,
) -> Result<metoda_domain::time::LocalZone, crate::error::AppError> {
    let (mut m, mut r) = (me.user.municipality_id, me.user.region_id);
    if m.is_none() && r.is_none() {
        let grants = &me.principal.grants;
        m = grants.iter().find_map(|g| g.municipality_id);
        r = grants.iter().find_map(|g| g.region_id);
    }
    Ok(metoda_store::municipalities::zone_of_place(c, m, r).await?)
}

/// Today where the user works ([`user_zone`]): for dates checked or defaulted before the record's
/// own municipality is known, and for lists that span municipalities.
pub async fn user_today(
    state: &AppState,
    c: &mut metoda_store::Conn,
    me: &crate::auth::Current,
) -> Result<time::Date, crate::error::AppError> {
    Ok(state.today(user_zone(c, me).await?))
}

/// Today in a municipality (docs/decisions/0010-local-time.md).
pub async fn local_today(
    state: &AppState,
    c: &mut metoda_store::Conn,
    municipality_id: MunicipalityId,
) -> Result<time::Date, crate::error::AppError> {
    Ok(state.today(metoda_store::municipalities::zone(c, municipality_id).await?))
}
