//! A curator's confirmation of results and the authority's lists: the pending queue, the
//! decisions, the scans' download, the municipality's ЕГЭ thresholds and the organizations with
//! signs of non-objective results.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use metoda_domain::FieldError;
use metoda_domain::access::is_own_result;
use metoda_domain::access::{Action, Resource};
use metoda_domain::ids::{MunicipalityId, ResultId, plain_choices};
use metoda_domain::paging::Paging;
use metoda_domain::results::{
    ExamThreshold, NON_OBJECTIVE_SUBJECTS, NonObjectiveInput, NonObjectiveSubject, ResultFamily, ThresholdInput,
};
use metoda_domain::teachers::AcademicYear;
use metoda_store::attachments;
use metoda_store::municipalities::{self, Municipality};
use metoda_store::results::{self, NonObjectiveEntry, ResultRecord};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{ApiMe, Ctx, Current, Me, require};
use crate::error::{ApiResult, AppError, JsonIn, PageResult, json_body};
use crate::extract::{Form, Path, Query};
use crate::features::analysis::year_or_now;
use crate::features::municipalities::form_errors;
use crate::pages::{Layout, Pager, field, pairs, redirect_with, render_status};

use super::{
    ApiYearQuery, Listed, YearQuery, decision_res, items, may_teachers, municipality, my_teachers, opt_id, views,
    year_or_today,
};

// ---- operations (page and API) ----

/// A curator's decision: confirm (a comment is optional) or reject (a comment is required).
async fn decide(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: ResultId,
    confirm: bool,
    comment: &str,
) -> Result<ResultRecord, AppError> {
    let mut c = state.db.conn().await?;
    let r = results::get(&mut c, id).await?;
    if r.archived_at.is_some() {
        return Err(AppError::NotFound);
    }
    let m = municipalities::get(&mut c, r.municipality_id).await?;
    let mine = my_teachers(&mut c, me).await?;
    drop(c);
    let own = is_own_result(&mine, &r.teacher_ids());
    require(me, Action::Update, &decision_res(&m, own))?;
    let mut tx = state.db.begin().await?;
    let r = if confirm {
        results::confirm(&mut tx, &ctx.actor(), &r, Some(comment)).await?
    } else {
        results::reject(&mut tx, &ctx.actor(), &r, comment).await?
    };
    tx.commit().await?;
    Ok(r)
}

/// Results waiting for a curator, a page at a time.
const PENDING_PER_PAGE: i64 = 50;

async fn pending(
    state: &AppState,
    me: &Current,
    municipality_id: MunicipalityId,
    paging: Paging,
) -> Result<(Municipality, Vec<Listed>, i64), AppError> {
    let mut c = state.db.conn().await?;
    let m = municipalities::get(&mut c, municipality_id).await?;
    require(me, Action::View, &decision_res(&m, false))?;
    let (list, total) = results::pending(&mut c, m.id, paging).await?;
    let out = items(&mut c, me, &m, None, list).await?;
    Ok((m, out, total))
}

async fn set_threshold(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: MunicipalityId,
    input: &ThresholdInput,
) -> Result<Vec<ExamThreshold>, AppError> {
    let m = municipality(state, me, id, Action::Update).await?;
    let t = input.parse().map_err(AppError::Validation)?;
    let mut tx = state.db.begin().await?;
    let out = results::set_threshold(&mut tx, &ctx.actor(), m.id, &t).await?;
    tx.commit().await?;
    Ok(out)
}

async fn add_non_objective(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: MunicipalityId,
    input: &NonObjectiveInput,
) -> Result<NonObjectiveEntry, AppError> {
    let m = municipality(state, me, id, Action::Update).await?;
    let d = input.parse().map_err(AppError::Validation)?;
    let mut tx = state.db.begin().await?;
    let e = results::add_non_objective(&mut tx, &ctx.actor(), m.id, &d).await?;
    tx.commit().await?;
    Ok(e)
}

async fn remove_non_objective(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: MunicipalityId,
    eid: i64,
) -> Result<(), AppError> {
    let m = municipality(state, me, id, Action::Update).await?;
    let mut tx = state.db.begin().await?;
    results::remove_non_objective(&mut tx, &ctx.actor(), m.id, eid).await?;
    tx.commit().await?;
    Ok(())
}

// ---- pages ----

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct MunicipalityQuery {
    /// The municipality (default: the user's own, when there is one).
    pub municipality_id: Option<i64>,
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PendingQuery {
    /// The municipality (default: the user's own, when there is one).
    pub municipality_id: Option<i64>,
    /// The page, from 1 (50 results a page).
    pub page: Option<i64>,
}

impl PendingQuery {
    fn paging(&self) -> Paging {
        Paging::new(self.page, PENDING_PER_PAGE)
    }
}

#[derive(Template)]
#[template(path = "results_pending.html")]
struct PendingPage {
    l: Layout,
    m: Option<Municipality>,
    items: Vec<Listed>,
    pager: Pager,
    /// Municipalities to choose from (when none was given).
    choices: Vec<Municipality>,
    can_keep: bool,
    /// The decision refused: the result, "confirm" or "reject", and the comment typed.
    typed: Option<(ResultId, &'static str, String)>,
}

impl PendingPage {
    /// The comment typed in a result's decision form (`action`: confirm or reject) when refused.
    fn comment(&self, id: &ResultId, action: &str) -> &str {
        match &self.typed {
            Some((r, a, c)) if r == id && *a == action => c,
            _ => "",
        }
    }
    /// The reason a result's decision was refused, at its form.
    fn decision_err(&self, id: &ResultId, action: &str) -> Option<&str> {
        match &self.typed {
            Some((r, a, _)) if r == id && *a == action => self.l.errors.first().map(|e| e.message.as_str()),
            _ => None,
        }
    }
}

/// The municipality of the queue: the one asked for, else the user's only curated one.
async fn queue_municipality(
    state: &AppState,
    me: &Current,
    asked: Option<i64>,
) -> Result<Result<i64, Vec<Municipality>>, AppError> {
    if let Some(m) = asked {
        return Ok(Ok(m));
    }
    let mut c = state.db.conn().await?;
    let all: Vec<Municipality> = municipalities::list(&mut c, None, false)
        .await?
        .into_iter()
        .filter(|m| me.may(Action::View, &decision_res(m, false)))
        .collect();
    Ok(match all.as_slice() {
        [one] => Ok(one.id.get()),
        _ => Err(all),
    })
}

async fn pending_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    q: &PendingQuery,
    typed: Option<(ResultId, &'static str, String)>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let paging = q.paging();
    let (m, items, total, choices) = match queue_municipality(state, me, q.municipality_id).await? {
        Ok(id) => {
            let (m, items, total) = pending(state, me, MunicipalityId(id), paging).await?;
            (Some(m), items, total, vec![])
        }
        Err(choices) => {
            if choices.is_empty() {
                return Err(AppError::Forbidden);
            }
            (None, vec![], 0, choices)
        }
    };
    let can_keep = m.as_ref().is_some_and(|m| {
        me.may(
            Action::Update,
            &Resource::AnalysisDecision { region_id: m.region_id, municipality_id: m.id, to_region: false },
        )
    });
    let zone = match &m {
        Some(m) => m.zone(),
        None => crate::features::user_zone(&mut *state.db.conn().await?, me).await?,
    };
    let href = m.as_ref().map_or_else(String::new, |m| format!("/results/pending?municipality_id={}", m.id));
    let page = PendingPage {
        l: Layout::new(ctx, "Подтверждение результатов", "/results/pending").with_errors(errors).with_zone(zone),
        m,
        items,
        pager: Pager::new(paging, total, href),
        choices,
        can_keep,
        typed,
    };
    render_status(status, &page)
}

pub(super) async fn pending_page(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Query(q): Query<PendingQuery>,
) -> PageResult {
    pending_with(&state, &me, &ctx, &q, None, vec![], StatusCode::OK).await
}

#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct DecisionInput {
    /// Optional when confirming; the reason when rejecting.
    pub comment: String,
}

async fn decided(state: &AppState, me: &Current, ctx: &Ctx, id: ResultId, confirm: bool, comment: &str) -> PageResult {
    let municipality_id = {
        let mut c = state.db.conn().await?;
        results::get(&mut c, id).await?.municipality_id
    };
    match decide(state, me, ctx, id, confirm, comment).await {
        Ok(_) => Ok(redirect_with(
            &format!("/results/pending?municipality_id={municipality_id}"),
            if confirm {
                "Результат подтверждён"
            } else {
                "Результат отклонён; педагоги увидят причину"
            },
            ctx,
        )),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (status, errors) = form_errors(e);
            let q = PendingQuery { municipality_id: Some(municipality_id.get()), page: None };
            let typed = (id, if confirm { "confirm" } else { "reject" }, comment.to_owned());
            pending_with(state, me, ctx, &q, Some(typed), errors, status).await
        }
        Err(e) => Err(e),
    }
}

pub(super) async fn confirm_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<ResultId>,
    Form(f): Form<DecisionInput>,
) -> PageResult {
    decided(&state, &me, &ctx, id, true, &f.comment).await
}

pub(super) async fn reject_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<ResultId>,
    Form(f): Form<DecisionInput>,
) -> PageResult {
    decided(&state, &me, &ctx, id, false, &f.comment).await
}

/// Downloads a result's scan (who may see the result may see its scans).
pub(super) async fn scan_download(
    State(state): State<AppState>,
    Me(me, _): Me,
    Path((id, sid)): Path<(ResultId, i64)>,
) -> Result<Response, AppError> {
    let mut c = state.db.conn().await?;
    let r = results::get(&mut c, id).await?;
    let m = municipalities::get(&mut c, r.municipality_id).await?;
    // A scan shows the student's name: only those who may see names, and the curators.
    let allowed = may_teachers(&mut c, &me, &m, Action::ViewPersonal, &r.teacher_ids(), Some(r.result_on), false)
        .await?
        || me.may(Action::View, &decision_res(&m, false));
    if r.archived_at.is_some() {
        return Err(AppError::NotFound);
    }
    let a = attachments::get(&mut c, sid).await?;
    if !allowed || a.owner != results::OWNER || a.owner_id != id.get() || a.archived_at.is_some() {
        return Err(AppError::NotFound);
    }
    let bytes = attachments::content(&mut c, sid).await?.ok_or(AppError::NotFound)?;
    let ct = a.content_type.as_deref().unwrap_or("application/octet-stream");
    let ext = match ct {
        "application/pdf" => "pdf",
        "image/png" => "png",
        _ => "jpg",
    };
    let name = a.file_name.clone().unwrap_or_else(|| format!("Скан результата {id}.{ext}"));
    Ok(crate::pages::download(bytes, ct, &name))
}

#[derive(Template)]
#[template(path = "results_thresholds.html")]
struct ThresholdsPage {
    l: Layout,
    m: Municipality,
    table: Vec<ExamThreshold>,
    can_edit: bool,
    /// A subject's row as typed when its save was refused.
    typed: Option<ThresholdInput>,
}

impl ThresholdsPage {
    fn refused(&self, t: &ExamThreshold) -> Option<&ThresholdInput> {
        self.typed.as_ref().filter(|x| x.subject.trim().to_lowercase() == t.subject)
    }
    /// The row's minimum: as typed when its save was refused, else the table's.
    fn minimum(&self, t: &ExamThreshold) -> String {
        self.refused(t).map_or_else(|| t.minimum.to_string(), |x| x.minimum.clone())
    }
    fn high(&self, t: &ExamThreshold) -> String {
        self.refused(t).map_or_else(|| t.high.to_string(), |x| x.high.clone())
    }
    /// The errors of a row whose save was refused.
    fn row_errors(&self, t: &ExamThreshold) -> Vec<&str> {
        if self.refused(t).is_some() { self.l.errors.iter().map(|e| e.message.as_str()).collect() } else { vec![] }
    }
}

async fn thresholds_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: MunicipalityId,
    typed: Option<ThresholdInput>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let m = municipality(state, me, id, Action::View).await?;
    let mut c = state.db.conn().await?;
    let table = results::thresholds(&mut c, m.id).await?;
    let can_edit = me.may(
        Action::Update,
        &Resource::AnalysisDecision { region_id: m.region_id, municipality_id: m.id, to_region: false },
    );
    let page = ThresholdsPage {
        l: Layout::new(ctx, format!("Пороги ЕГЭ: {}", m.name), "/results/pending").with_errors(errors),
        m,
        table,
        can_edit,
        typed,
    };
    render_status(status, &page)
}

pub(super) async fn thresholds_page(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<MunicipalityId>,
) -> PageResult {
    thresholds_with(&state, &me, &ctx, id, None, vec![], StatusCode::OK).await
}

pub(super) async fn threshold_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<MunicipalityId>,
    Form(f): Form<ThresholdInput>,
) -> PageResult {
    match set_threshold(&state, &me, &ctx, id, &f).await {
        Ok(_) => Ok(redirect_with(&format!("/municipalities/{id}/exam-thresholds"), "Пороги ЕГЭ сохранены", &ctx)),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (status, errors) = form_errors(e);
            thresholds_with(&state, &me, &ctx, id, Some(f), errors, status).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "results_non_objective.html")]
struct NonObjectivePage {
    l: Layout,
    m: Municipality,
    year: i32,
    years: Vec<i32>,
    entries: Vec<NonObjectiveEntry>,
    organizations: Vec<(i64, String)>,
    subjects: &'static [NonObjectiveSubject],
    can_edit: bool,
    /// The organization and subject typed when adding was refused.
    typed: NonObjectiveInput,
}

#[allow(clippy::too_many_arguments)]
async fn non_objective_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: MunicipalityId,
    year: i32,
    typed: NonObjectiveInput,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let m = municipality(state, me, id, Action::View).await?;
    let mut c = state.db.conn().await?;
    let entries = results::non_objective(&mut c, m.id, i64::from(year)).await?;
    let can_edit = me.may(
        Action::Update,
        &Resource::AnalysisDecision { region_id: m.region_id, municipality_id: m.id, to_region: false },
    );
    let organizations =
        if can_edit { plain_choices(metoda_store::organizations::choices(&mut c, m.id).await?) } else { vec![] };
    let now = AcademicYear::containing(state.today(m.zone())).0;
    let page = NonObjectivePage {
        l: Layout::new(ctx, format!("ОО с признаками необъективных результатов: {}", m.name), "/results/pending")
            .with_errors(errors),
        m,
        year,
        years: (now - 4..=now + 1).rev().collect(),
        entries,
        organizations,
        subjects: NON_OBJECTIVE_SUBJECTS,
        can_edit,
        typed,
    };
    render_status(status, &page)
}

pub(super) async fn non_objective_page(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<MunicipalityId>,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let year = year_or_today(&state, &me, q.year).await?;
    non_objective_with(&state, &me, &ctx, id, year, NonObjectiveInput::default(), vec![], StatusCode::OK).await
}

pub(super) async fn non_objective_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<MunicipalityId>,
    body: axum::body::Bytes,
) -> PageResult {
    let p = pairs(&body)?;
    let input = NonObjectiveInput {
        organization_id: opt_id(field(&p, "organization_id")),
        year: field(&p, "year").into(),
        subject: field(&p, "subject").into(),
    };
    let year = year_or_today(&state, &me, AcademicYear::parse(&input.year).map(|y| y.0)).await?;
    match add_non_objective(&state, &me, &ctx, id, &input).await {
        Ok(_) => Ok(redirect_with(
            &format!("/municipalities/{id}/non-objective?year={year}"),
            "Организация внесена в список",
            &ctx,
        )),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            // A second entry of the same organization and subject is told at the organization.
            let (status, errors) = crate::pages::refused_at(e, "organization_id");
            non_objective_with(&state, &me, &ctx, id, year, input, errors, status).await
        }
        Err(e) => Err(e),
    }
}

pub(super) async fn non_objective_remove_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, eid)): Path<(MunicipalityId, i64)>,
    Query(q): Query<YearQuery>,
) -> PageResult {
    remove_non_objective(&state, &me, &ctx, id, eid).await?;
    let year = year_or_today(&state, &me, q.year).await?;
    Ok(redirect_with(
        &format!("/municipalities/{id}/non-objective?year={year}"),
        "Организация исключена из списка",
        &ctx,
    ))
}

// ---- API ----

/// Confirm a result (a curator; it needs a scan; the comment is optional).
#[utoipa::path(post, path = "/api/v1/results/{id}/confirm", tag = "results", params(("id" = i64, Path)), request_body = DecisionInput,
    responses((status = 200, body = views::ResultRecord), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_confirm(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<ResultId>,
    body: JsonIn<DecisionInput>,
) -> ApiResult<views::ResultRecord> {
    Ok(Json(views::ResultRecord::from(&decide(&state, &me, &ctx, id, true, &json_body(body)?.comment).await?)))
}

/// Reject a result (a curator; the comment says why).
#[utoipa::path(post, path = "/api/v1/results/{id}/reject", tag = "results", params(("id" = i64, Path)), request_body = DecisionInput,
    responses((status = 200, body = views::ResultRecord), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_reject(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<ResultId>,
    body: JsonIn<DecisionInput>,
) -> ApiResult<views::ResultRecord> {
    Ok(Json(views::ResultRecord::from(&decide(&state, &me, &ctx, id, false, &json_body(body)?.comment).await?)))
}

/// A page of the results waiting for a curator.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PendingBody {
    /// How many results of the municipality wait, on every page.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub results: Vec<views::ResultItem>,
}

/// The results of a municipality waiting for a curator, oldest first, with their scans, 50 a page.
#[utoipa::path(get, path = "/api/v1/results/pending", tag = "results", params(PendingQuery),
    responses((status = 200, body = PendingBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_pending(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Query(q): Query<PendingQuery>,
) -> ApiResult<PendingBody> {
    let id = match queue_municipality(&state, &me, q.municipality_id).await? {
        Ok(id) => id,
        Err(_) => {
            return Err(AppError::Validation(vec![FieldError::new(
                "municipality_id",
                "Муниципалитет: укажите municipality_id",
            )])
            .into());
        }
    };
    let paging = q.paging();
    let (_, items, total) = pending(&state, &me, MunicipalityId(id), paging).await?;
    Ok(Json(PendingBody {
        total,
        page: paging.page,
        per_page: paging.per_page,
        results: items.into_iter().map(views::ResultItem::from).collect(),
    }))
}

/// The municipality's ЕГЭ table: subjects with the minimum and the high score.
#[utoipa::path(get, path = "/api/v1/municipalities/{id}/exam-thresholds", tag = "results", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ExamThreshold>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_thresholds(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(id): Path<MunicipalityId>,
) -> ApiResult<Vec<ExamThreshold>> {
    let m = municipality(&state, &me, id, Action::View).await?;
    let mut c = state.db.conn().await?;
    Ok(Json(results::thresholds(&mut c, m.id).await?))
}

/// Set a subject's thresholds (`{"subject", "minimum", "high"}`; the preset values remove the override).
#[utoipa::path(put, path = "/api/v1/municipalities/{id}/exam-thresholds", tag = "results", params(("id" = i64, Path)), request_body = ThresholdInput,
    responses((status = 200, body = Vec<ExamThreshold>), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_set_threshold(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<MunicipalityId>,
    body: JsonIn<ThresholdInput>,
) -> ApiResult<Vec<ExamThreshold>> {
    Ok(Json(set_threshold(&state, &me, &ctx, id, &json_body(body)?).await?))
}

/// The organizations with signs of non-objective results of an academic year.
#[utoipa::path(get, path = "/api/v1/municipalities/{id}/non-objective", tag = "results", params(("id" = i64, Path), ApiYearQuery),
    responses((status = 200, body = Vec<views::NonObjectiveEntry>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_non_objective(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(id): Path<MunicipalityId>,
    Query(q): Query<ApiYearQuery>,
) -> ApiResult<Vec<views::NonObjectiveEntry>> {
    let m = municipality(&state, &me, id, Action::View).await?;
    let mut c = state.db.conn().await?;
    let year = year_or_now(q.year, state.today(m.zone()));
    let list = results::non_objective(&mut c, m.id, i64::from(year)).await?;
    Ok(Json(list.iter().map(views::NonObjectiveEntry::from).collect()))
}

/// Put an organization on the list (`{"organization_id", "year": "2025/2026", "subject": "mathematics" | "russian"}`).
#[utoipa::path(post, path = "/api/v1/municipalities/{id}/non-objective", tag = "results", params(("id" = i64, Path)), request_body = NonObjectiveInput,
    responses((status = 200, body = views::NonObjectiveEntry), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_add_non_objective(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<MunicipalityId>,
    body: JsonIn<NonObjectiveInput>,
) -> ApiResult<views::NonObjectiveEntry> {
    Ok(Json(views::NonObjectiveEntry::from(&add_non_objective(&state, &me, &ctx, id, &json_body(body)?).await?)))
}

/// Take an organization off the list.
#[utoipa::path(delete, path = "/api/v1/municipalities/{id}/non-objective/{eid}", tag = "results", params(("id" = i64, Path), ("eid" = i64, Path)),
    responses((status = 200, body = Object), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_remove_non_objective(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path((id, eid)): Path<(MunicipalityId, i64)>,
) -> ApiResult<serde_json::Value> {
    remove_non_objective(&state, &me, &ctx, id, eid).await?;
    Ok(Json(serde_json::json!({"removed": eid})))
}
