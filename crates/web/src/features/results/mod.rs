//! Results of teachers and their students (seed 002 §3.4 and appendix 1): entered by the teachers
//! themselves and by their association's head or deputy (or the authority), each with a scan of
//! the confirming document; confirmed or rejected by a curator of the municipality; only confirmed
//! results count in the yearly analysis. The authority keeps the municipality's ЕГЭ thresholds and
//! the list of organizations with signs of non-objective results. Students' names are shown only
//! to the result's teachers, the association's head and deputy, the authority and the cabinet.
//! A result is edited on its own page (it goes back to pending); every teacher of a result is a
//! member of the association on the result's date. ЕГЭ scores may also be imported from an XLSX or
//! CSV file (all rows or none; every bad row named). Every operation is one function used by both
//! the page and the API handler.

use axum::Router;
use axum::routing::{get, post};
use metoda_domain::access::{self, Action, MembershipsOn, Resource, ResultAt, is_own_result};
use metoda_domain::ids::{AssociationId, MunicipalityId, RegionId, ResultId, TeacherId};
use metoda_domain::results::{Confirmation, Format, Level, Placement, PresentationForm};
use metoda_domain::values::iso_date;
use metoda_store::Conn;
use metoda_store::associations::{self, Association};
use metoda_store::attachments::Attachment;
use metoda_store::municipalities::{self, Municipality};
use metoda_store::results::{self, ResultRecord};
use serde::Deserialize;
use time::Date;

use crate::AppState;
use crate::auth::{Current, require};
use crate::error::AppError;
use crate::features::analysis::year_or_now;

mod curation;
mod entry;
mod exam_import;
pub mod views;

pub use curation::*;
pub use entry::*;
pub use exam_import::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/associations/{id}/results", get(list_page))
        .route("/associations/{id}/results/student", post(student_submit))
        .route("/associations/{id}/results/exam", post(exam_submit))
        .route("/associations/{id}/results/teacher", post(teacher_submit))
        .route("/associations/{id}/results/{rid}/scan", post(scan_submit))
        .route("/associations/{id}/results/{rid}/archive", post(archive_submit))
        .route("/associations/{id}/results/{rid}/edit", get(edit_page).post(edit_submit))
        .route("/associations/{id}/results/exam/import", get(exam_import_page).post(exam_import_submit))
        .route("/associations/{id}/results/exam/template.xlsx", get(exam_template))
        .route("/results/pending", get(pending_page))
        .route("/results/{id}/confirm", post(confirm_submit))
        .route("/results/{id}/reject", post(reject_submit))
        .route("/results/{id}/scans/{sid}", get(scan_download))
        .route("/municipalities/{id}/exam-thresholds", get(thresholds_page).post(threshold_submit))
        .route("/municipalities/{id}/non-objective", get(non_objective_page).post(non_objective_submit))
        .route("/municipalities/{id}/non-objective/{eid}/remove", post(non_objective_remove_submit))
        .route("/api/v1/associations/{id}/results", get(api_list))
        .route("/api/v1/associations/{id}/results/student", post(api_add_student))
        .route("/api/v1/associations/{id}/results/exam", post(api_add_exam))
        .route("/api/v1/associations/{id}/results/exam/import", post(api_import_exam))
        .route("/api/v1/associations/{id}/results/teacher", post(api_add_teacher))
        .route("/api/v1/results/pending", get(api_pending))
        .route("/api/v1/results/{id}", axum::routing::put(api_update).delete(api_archive))
        .route("/api/v1/results/{id}/scans", post(api_scan))
        .route("/api/v1/results/{id}/confirm", post(api_confirm))
        .route("/api/v1/results/{id}/reject", post(api_reject))
        .route("/api/v1/municipalities/{id}/exam-thresholds", get(api_thresholds).put(api_set_threshold))
        .route("/api/v1/municipalities/{id}/non-objective", get(api_non_objective).post(api_add_non_objective))
        .route("/api/v1/municipalities/{id}/non-objective/{eid}", axum::routing::delete(api_remove_non_objective))
}

// ---- access ----

fn res(
    region_id: RegionId,
    municipality_id: MunicipalityId,
    association_id: Option<AssociationId>,
    own: bool,
) -> Resource {
    Resource::Results { region_id, municipality_id, association_id, own, confirmed: false }
}

/// The teacher records of the signed-in user (a user may be a teacher of the bank).
async fn my_teachers(c: &mut Conn, me: &Current) -> Result<Vec<TeacherId>, AppError> {
    Ok(metoda_store::teachers::ids_of_user(c, me.user.id).await?)
}

/// The associations each of the teachers was a member of on `on` (a result's date); with None, the
/// ones they are or were ever a member of (a new result's teachers, checked again by the store).
async fn memberships_on(
    c: &mut Conn,
    teacher_ids: &[TeacherId],
    on: Option<Date>,
) -> Result<Vec<MembershipsOn>, AppError> {
    let day = on.map(iso_date);
    let mut out = vec![];
    for t in teacher_ids {
        let associations = metoda_store::teachers::associations_on(c, *t, day.as_deref()).await?;
        out.push(MembershipsOn { teacher_id: *t, associations });
    }
    Ok(out)
}

/// The associations any of the teachers was a member of on `on` (see [`memberships_on`]).
async fn associations_of(
    c: &mut Conn,
    teacher_ids: &[TeacherId],
    on: Option<Date>,
) -> Result<Vec<AssociationId>, AppError> {
    let mut out = vec![];
    for a in memberships_on(c, teacher_ids, on).await?.into_iter().flat_map(|m| m.associations) {
        if !out.contains(&a) {
            out.push(a);
        }
    }
    Ok(out)
}

/// A result of the municipality with these teachers, as the access rules of results see it.
async fn result_at(
    c: &mut Conn,
    me: &Current,
    m: &Municipality,
    teacher_ids: &[TeacherId],
    confirmed: bool,
) -> Result<ResultAt, AppError> {
    let mine = my_teachers(c, me).await?;
    Ok(ResultAt { region_id: m.region_id, municipality_id: m.id, own: is_own_result(&mine, teacher_ids), confirmed })
}

/// May the user do `action` to a result with these teachers (through any of their associations)?
/// Loads the ids [`access::may_result`] decides on.
async fn may_teachers(
    c: &mut Conn,
    me: &Current,
    m: &Municipality,
    action: Action,
    teacher_ids: &[TeacherId],
    on: Option<Date>,
    confirmed: bool,
) -> Result<bool, AppError> {
    let at = result_at(c, me, m, teacher_ids, confirmed).await?;
    // The municipality-wide right answers without reading the teachers' memberships.
    if access::may_result(&me.principal, action, at, &[]) {
        return Ok(true);
    }
    let associations = associations_of(c, teacher_ids, on).await?;
    Ok(access::may_result(&me.principal, action, at, &associations))
}

/// A result and its municipality, after the access check.
async fn load(
    state: &AppState,
    me: &Current,
    id: ResultId,
    action: Action,
) -> Result<(ResultRecord, Municipality), AppError> {
    let mut c = state.db.conn().await?;
    let r = results::get(&mut c, id).await?;
    if r.archived_at.is_some() {
        return Err(AppError::NotFound);
    }
    let m = municipalities::get(&mut c, r.municipality_id).await?;
    if !may_teachers(&mut c, me, &m, action, &r.teacher_ids(), Some(r.result_on), false).await? {
        return Err(AppError::Forbidden);
    }
    if r.is_confirmed()
        && matches!(action, Action::Update | Action::Archive)
        && !may_teachers(&mut c, me, &m, action, &r.teacher_ids(), Some(r.result_on), true).await?
    {
        return Err(AppError::Conflict(results::CONFIRMED_LOCKED.into()));
    }
    Ok((r, m))
}

/// The record as the user may see it: without the student's name unless allowed.
/// A result as the user may see it: the student's name only to those who may see personal data
/// (`mine`: the user's own teacher records).
fn shown_with(
    mine: &[TeacherId],
    me: &Current,
    m: &Municipality,
    association_id: Option<AssociationId>,
    r: ResultRecord,
) -> ResultRecord {
    if r.student_name.is_none() {
        return r;
    }
    let own = is_own_result(mine, &r.teacher_ids());
    let personal = me.may(Action::ViewPersonal, &res(m.region_id, m.id, association_id, own))
        || me.may(Action::ViewPersonal, &res(m.region_id, m.id, None, own));
    if personal { r } else { r.without_student_name() }
}

async fn association(
    state: &AppState,
    me: &Current,
    id: AssociationId,
) -> Result<(Association, Municipality), AppError> {
    let mut c = state.db.conn().await?;
    let a = associations::get(&mut c, id).await?;
    require(me, Action::View, &res(a.region_id, a.municipality_id, Some(a.id), false))?;
    let m = municipalities::get(&mut c, a.municipality_id).await?;
    Ok((a, m))
}

fn decision_res(m: &Municipality, own: bool) -> Resource {
    Resource::ResultDecision { region_id: m.region_id, municipality_id: m.id, own }
}

/// Thresholds and the non-objective list: read in the municipality, kept by the authority (who
/// also decides on the analyses they are counted in).
async fn municipality(
    state: &AppState,
    me: &Current,
    id: MunicipalityId,
    action: Action,
) -> Result<Municipality, AppError> {
    let mut c = state.db.conn().await?;
    let m = municipalities::get(&mut c, id).await?;
    require(me, Action::View, &Resource::Municipality { region_id: m.region_id, municipality_id: Some(m.id) })?;
    if action != Action::View {
        require(
            me,
            Action::Update,
            &Resource::AnalysisDecision { region_id: m.region_id, municipality_id: m.id, to_region: false },
        )?;
    }
    Ok(m)
}

// ---- shared by the sections ----

/// A file as uploaded: its name, bytes and an optional title.
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
    pub title: String,
}

async fn read_upload(mp: &mut axum::extract::Multipart) -> Result<Option<Upload>, AppError> {
    let form = crate::extract::read_upload(mp, &["title"], "скан").await?;
    let title = form.text("title").to_owned();
    Ok(form.file.map(|(name, bytes)| Upload { name, bytes, title }))
}

/// A result with its scans, as the pages list it (the API sends [`views::ResultItem`]).
pub struct Listed {
    pub result: ResultRecord,
    pub scans: Vec<Attachment>,
}

impl Listed {
    /// What the result is, in words: kind, title, subject (by its name), score, level, placement,
    /// format and date, the empty parts left out.
    pub fn summary(&self) -> String {
        let r = &self.result;
        let mut head = r.kind_label().to_owned();
        if let Some(t) = &r.title {
            head.push_str(&format!(" «{t}»"));
        }
        let subject = r.subject.as_deref().map(metoda_domain::results::subject_label);
        if let Some(s) = subject {
            head.push_str(&format!(", {s}"));
        }
        if let Some(n) = r.score {
            head.push_str(&format!(": {n} {}", metoda_domain::values::plural_ru(n, "балл", "балла", "баллов")));
        }
        let parts = [self.level(), self.placement(), self.format()];
        let rest: Vec<&str> = parts.into_iter().filter(|p| !p.is_empty()).collect();
        if !rest.is_empty() {
            head.push_str(&format!(", {}", rest.join(" ")));
        }
        format!("{head}, {}", metoda_domain::values::ru_date(r.result_on))
    }
    pub fn status_label(&self) -> &'static str {
        self.result.status.label_ru()
    }
    pub fn status_class(&self) -> &'static str {
        match self.result.status {
            Confirmation::Confirmed => "ok",
            Confirmation::Rejected => "bad",
            Confirmation::Pending => "",
        }
    }
    pub fn teachers(&self) -> String {
        self.result.teachers.iter().map(|t| t.full_name.as_str()).collect::<Vec<_>>().join(", ")
    }
    pub fn level(&self) -> &'static str {
        self.result.level.map_or("", Level::label_ru)
    }
    pub fn placement(&self) -> &'static str {
        self.result.placement.map_or("", Placement::label_ru)
    }
    pub fn format(&self) -> &'static str {
        self.result.format.map_or("", Format::label_ru)
    }
    pub fn form(&self) -> &'static str {
        self.result.form.map_or("", PresentationForm::label_ru)
    }
    pub fn student(&self) -> String {
        let r = &self.result;
        let mut s = match (&r.student_name, &r.student_code) {
            (Some(n), _) => n.clone(),
            (None, Some(c)) => format!("код {c}"),
            (None, None) => "—".into(),
        };
        if let Some(g) = &r.student_grade {
            s.push_str(&format!(", {g} кл."));
        }
        if let Some(o) = &r.student_organization_name {
            s.push_str(&format!(", {o}"));
        }
        s
    }
}

/// Results as listed: each with its scans and the student's name where the user may see it (two
/// queries for the whole list, whatever its length).
async fn items(
    c: &mut Conn,
    me: &Current,
    m: &Municipality,
    association_id: Option<AssociationId>,
    list: Vec<ResultRecord>,
) -> Result<Vec<Listed>, AppError> {
    let ids: Vec<ResultId> = list.iter().map(|r| r.id).collect();
    let mut scans = results::scans_of(c, &ids).await?;
    let mine = if list.iter().any(|r| r.student_name.is_some()) { my_teachers(c, me).await? } else { vec![] };
    Ok(list
        .into_iter()
        .map(|r| {
            let scans = scans.remove(&r.id).unwrap_or_default();
            Listed { result: shown_with(&mine, me, m, association_id, r), scans }
        })
        .collect())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct YearQuery {
    year: Option<i32>,
}

fn opt_id(s: &str) -> Option<i64> {
    s.trim().parse().ok().filter(|v: &i64| *v > 0)
}

fn ids(p: &[(String, String)], name: &str) -> Vec<i64> {
    p.iter().filter(|(k, _)| k == name).filter_map(|(_, v)| opt_id(v)).collect()
}

/// The academic year asked for, else the one containing today where the user works.
async fn year_or_today(state: &AppState, me: &Current, y: Option<i32>) -> Result<i32, AppError> {
    match y {
        Some(y) => Ok(y),
        None => {
            let mut c = state.db.conn().await?;
            Ok(year_or_now(None, crate::features::user_today(state, &mut c, me).await?))
        }
    }
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ApiYearQuery {
    /// The academic year by its first calendar year (2025 for 2025/2026); default: the current one.
    pub year: Option<i32>,
}
