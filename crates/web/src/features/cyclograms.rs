//! The cyclogram of an association (001 §6.1): the activities that recur every year, by month,
//! kept by the association's officers and the authority; a new plan may be filled from it (see
//! `plans`). Rows are removed by archiving. Pages and the JSON API side by side; access is that
//! of the association's work (`Resource::AssociationWork`).

use askama::Template;
use axum::extract::State;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use metoda_domain::access::Action;
use metoda_domain::ids::AssociationId;
use metoda_domain::plans::{ActivityDirection, CyclogramInput, WorkForm, month_label, months_of};
use metoda_domain::profile::PlanPeriod;
use metoda_store::associations::Association;
use metoda_store::cyclograms::{self, CyclogramItem};

use crate::AppState;
use crate::auth::{ApiMe, Ctx, Current, Me};
use crate::error::{ApiResult, AppError, JsonIn, PageResult, json_body};
use crate::extract::{Form, Path};
use crate::features::plans::{association_for, period_of, position, work};
use crate::pages::{Layout, redirect_with, render_status, shown};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/associations/{id}/cyclogram", get(page).post(add_submit))
        .route("/associations/{id}/cyclogram/{row_id}", post(edit_submit))
        .route("/associations/{id}/cyclogram/{row_id}/remove", post(remove_submit))
        .route("/api/v1/associations/{id}/cyclogram", get(api_list).post(api_add))
        .route("/api/v1/associations/{id}/cyclogram/{row_id}", put(api_update))
        .route("/api/v1/associations/{id}/cyclogram/{row_id}/remove", post(api_remove))
}

/// The rows in the order of the plan year of the municipality's profile.
async fn rows(state: &AppState, a: &Association) -> Result<(Vec<CyclogramItem>, PlanPeriod), AppError> {
    let period = period_of(
        metoda_store::profiles::municipality_settings(&mut *state.db.conn().await?, a.municipality_id).await?.as_ref(),
    );
    let mut c = state.db.conn().await?;
    let mut list = cyclograms::list(&mut c, a.id).await?;
    list.sort_by_key(|r| (position(period, r.month), r.id));
    Ok((list, period))
}

/// Adds a row (`row_id` None) or changes one.
async fn save(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: AssociationId,
    row_id: Option<i64>,
    input: &CyclogramInput,
) -> Result<CyclogramItem, AppError> {
    let a = association_for(state, me, id, if row_id.is_some() { Action::Update } else { Action::Create }).await?;
    let d = input.parse().map_err(AppError::Validation)?;
    let mut tx = state.db.begin().await?;
    let row = match row_id {
        None => cyclograms::add(&mut tx, &ctx.actor(), &a, &d).await?,
        Some(r) => cyclograms::update(&mut tx, &ctx.actor(), &a, r, &d, input.version).await?,
    };
    tx.commit().await?;
    Ok(row)
}

async fn remove(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: AssociationId,
    row_id: i64,
) -> Result<CyclogramItem, AppError> {
    let a = association_for(state, me, id, Action::Update).await?;
    let mut tx = state.db.begin().await?;
    let row = cyclograms::remove(&mut tx, &ctx.actor(), &a, row_id).await?;
    tx.commit().await?;
    Ok(row)
}

// ---- pages ----

#[derive(Template)]
#[template(path = "cyclogram.html")]
struct Page {
    l: Layout,
    a: Association,
    rows: Vec<CyclogramItem>,
    can_edit: bool,
    /// The add form as typed.
    form: CyclogramInput,
    /// The row whose edit failed, with what was typed.
    editing: Option<(i64, CyclogramInput)>,
    directions: Vec<(&'static str, &'static str)>,
    forms: Vec<(&'static str, &'static str)>,
    months: Vec<(u8, &'static str)>,
    period: &'static str,
}

impl Page {
    fn month(&self, m: &i64) -> &'static str {
        u8::try_from(*m).map_or("", month_label)
    }
    /// What the edit form of a row shows: what was typed (after an error) or the row itself.
    fn edit_form(&self, r: &CyclogramItem) -> CyclogramInput {
        match &self.editing {
            Some((id, typed)) if *id == r.id => typed.clone(),
            _ => input_of(r),
        }
    }
    fn open(&self, r: &CyclogramItem) -> bool {
        self.editing.as_ref().is_some_and(|(id, _)| *id == r.id)
    }
    /// A field's error in a row's edit form (only the refused row shows its errors).
    fn row_err(&self, r: &CyclogramItem, field: &str) -> Option<&str> {
        if self.open(r) { self.l.err(field) } else { None }
    }
    /// A field's error in the add form (none while a row's save was refused).
    fn add_err(&self, field: &str) -> Option<&str> {
        if self.editing.is_some() { None } else { self.l.err(field) }
    }
}

/// A row as its edit form shows it.
fn input_of(r: &CyclogramItem) -> CyclogramInput {
    CyclogramInput {
        month: r.month.to_string(),
        title: r.title.clone(),
        direction: r.direction.code().to_owned(),
        form: r.form.code().to_owned(),
        responsible: r.responsible.clone().unwrap_or_default(),
        note: r.note.clone().unwrap_or_default(),
        version: Some(r.version),
    }
}

/// The Russian label of a field of a row's form, for the current values shown after a stale save.
fn field_label(field: &str) -> Option<&'static str> {
    Some(match field {
        "month" => "Месяц",
        "title" => "Содержание работы",
        "direction" => "Направление",
        "form" => "Форма",
        "responsible" => "Ответственные",
        "note" => "Примечание",
        _ => return None,
    })
}

/// What a refused form of the page had typed.
enum Typed {
    Nothing,
    Add(CyclogramInput),
    Edit(i64, CyclogramInput),
}

async fn page_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: AssociationId,
    typed: Typed,
    refusal: Option<AppError>,
) -> PageResult {
    let stale = refusal.as_ref().is_some_and(crate::pages::is_stale);
    let (status, mut errors) = shown(refusal)?;
    let (form, mut editing) = match typed {
        Typed::Nothing => (CyclogramInput::default(), None),
        Typed::Add(f) => (f, None),
        Typed::Edit(row, f) => (CyclogramInput::default(), Some((row, f))),
    };
    let a = association_for(state, me, id, Action::View).await?;
    let (rows, period) = rows(state, &a).await?;
    if stale && let Some((row, typed)) = &mut editing {
        // The typed input stays, the current values beside it; the next save is based on them.
        if let Some(now) = rows.iter().find(|r| r.id == *row) {
            errors.extend(crate::pages::current_values_as(&input_of(now), typed, field_label, |field| match field {
                "month" => Some(crate::features::plans::month_name(&now.month).to_owned()),
                "direction" => Some(now.direction.label_ru().to_owned()),
                "form" => Some(now.form.label_ru().to_owned()),
                _ => None,
            }));
            typed.version = Some(now.version);
        }
    }
    let page = Page {
        l: Layout::new(ctx, format!("Циклограмма: {}", a.name), "/associations").with_errors(errors),
        can_edit: a.is_active() && me.may(Action::Update, &work(&a)),
        rows,
        form,
        editing,
        directions: ActivityDirection::ALL.iter().map(|x| (x.code(), x.label_ru())).collect(),
        forms: WorkForm::ALL.iter().map(|x| (x.code(), x.label_ru())).collect(),
        months: months_of(period).iter().map(|m| (*m, month_label(*m))).collect(),
        period: period.label_ru(),
        a,
    };
    render_status(status, &page)
}

async fn page(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<AssociationId>) -> PageResult {
    page_with(&state, &me, &ctx, id, Typed::Nothing, None).await
}

async fn add_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<AssociationId>,
    Form(input): Form<CyclogramInput>,
) -> PageResult {
    match save(&state, &me, &ctx, id, None, &input).await {
        Ok(r) => Ok(redirect_with(
            &format!("/associations/{id}/cyclogram"),
            &format!("В циклограмму внесено: «{}»", r.title),
            &ctx,
        )),
        Err(e) => page_with(&state, &me, &ctx, id, Typed::Add(input), Some(e)).await,
    }
}

async fn edit_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, row_id)): Path<(AssociationId, i64)>,
    Form(input): Form<CyclogramInput>,
) -> PageResult {
    match save(&state, &me, &ctx, id, Some(row_id), &input).await {
        Ok(r) => Ok(redirect_with(
            &format!("/associations/{id}/cyclogram"),
            &format!("Изменено в циклограмме: «{}»", r.title),
            &ctx,
        )),
        Err(e) => page_with(&state, &me, &ctx, id, Typed::Edit(row_id, input), Some(e)).await,
    }
}

async fn remove_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, row_id)): Path<(AssociationId, i64)>,
) -> PageResult {
    match remove(&state, &me, &ctx, id, row_id).await {
        Ok(r) => Ok(redirect_with(
            &format!("/associations/{id}/cyclogram"),
            &format!("Из циклограммы удалено: «{}»", r.title),
            &ctx,
        )),
        Err(e) => page_with(&state, &me, &ctx, id, Typed::Nothing, Some(e)).await,
    }
}

// ---- API ----

// A row of the cyclogram as the API sends it (schema `CyclogramItem`, no description): codes as
// text.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = CyclogramItem)]
pub struct CyclogramItemView {
    pub id: i64,
    pub association_id: i64,
    /// 1–12.
    pub month: i64,
    pub title: String,
    /// analytical | informational | organizational_methodical | consultative
    pub direction: String,
    /// meeting, seminar, master_class, … (see WorkForm)
    pub form: String,
    pub responsible: Option<String>,
    pub note: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub archived_at: Option<String>,
    /// Raised by every change of the row: send it back with an edit (an older one gets 409).
    pub version: i64,
}

impl From<&CyclogramItem> for CyclogramItemView {
    fn from(r: &CyclogramItem) -> Self {
        CyclogramItemView {
            id: r.id,
            association_id: r.association_id.get(),
            month: r.month,
            title: r.title.clone(),
            direction: r.direction.code().to_owned(),
            form: r.form.code().to_owned(),
            responsible: r.responsible.clone(),
            note: r.note.clone(),
            created_at: r.created_at.clone(),
            updated_at: r.updated_at.clone(),
            archived_at: r.archived_at.clone(),
            version: r.version,
        }
    }
}

/// The cyclogram of an association: its current rows in the order of the plan year.
#[utoipa::path(get, path = "/api/v1/associations/{id}/cyclogram", tag = "plans", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<CyclogramItemView>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(id): Path<AssociationId>,
) -> ApiResult<Vec<CyclogramItemView>> {
    let a = association_for(&state, &me, id, Action::View).await?;
    Ok(Json(rows(&state, &a).await?.0.iter().map(CyclogramItemView::from).collect()))
}

/// Add a recurring activity: month (1–12, as a string), content, direction, form, responsible, note.
#[utoipa::path(post, path = "/api/v1/associations/{id}/cyclogram", tag = "plans", params(("id" = i64, Path)),
    request_body = CyclogramInput,
    responses((status = 200, body = CyclogramItemView), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_add(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<AssociationId>,
    b: JsonIn<CyclogramInput>,
) -> ApiResult<CyclogramItemView> {
    let input = json_body(b)?;
    Ok(Json(CyclogramItemView::from(&save(&state, &me, &ctx, id, None, &input).await?)))
}

#[utoipa::path(put, path = "/api/v1/associations/{id}/cyclogram/{row_id}", tag = "plans",
    params(("id" = i64, Path), ("row_id" = i64, Path)), request_body = CyclogramInput,
    responses((status = 200, body = CyclogramItemView), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_update(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path((id, row_id)): Path<(AssociationId, i64)>,
    b: JsonIn<CyclogramInput>,
) -> ApiResult<CyclogramItemView> {
    let input = json_body(b)?;
    Ok(Json(CyclogramItemView::from(&save(&state, &me, &ctx, id, Some(row_id), &input).await?)))
}

/// Remove a row (it is archived; removing it again changes nothing).
#[utoipa::path(post, path = "/api/v1/associations/{id}/cyclogram/{row_id}/remove", tag = "plans",
    params(("id" = i64, Path), ("row_id" = i64, Path)),
    responses((status = 200, body = CyclogramItemView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_remove(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path((id, row_id)): Path<(AssociationId, i64)>,
) -> ApiResult<CyclogramItemView> {
    Ok(Json(CyclogramItemView::from(&remove(&state, &me, &ctx, id, row_id).await?)))
}
