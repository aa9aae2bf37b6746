//! Regions: the administrator keeps the list; a region operator sees their own.

use crate::extract::{Form, Path};
use askama::Template;
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use metoda_domain::access::{Action, Resource};
use metoda_domain::directory::RegionInput;
use metoda_domain::ids::RegionId;
use metoda_store::regions::{self, Region};

use crate::AppState;
use crate::auth::{ApiMe, Ctx, Current, Me, require};
use crate::error::{ApiResult, AppError, JsonIn, PageResult, json_body};
use crate::pages::{Layout, redirect_with, render_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/regions", get(page).post(create_submit))
        .route("/regions/{id}", post(update_submit))
        .route("/api/v1/regions", get(api_list).post(api_create))
}

async fn visible(state: &AppState, me: &Current) -> Result<Vec<Region>, AppError> {
    let mut c = state.db.conn().await?;
    Ok(regions::list(&mut c, None)
        .await?
        .into_iter()
        .filter(|r| me.may(Action::View, &Resource::Region { region_id: Some(r.id) }))
        .collect())
}

async fn create(state: &AppState, me: &Current, ctx: &Ctx, input: &RegionInput) -> Result<Region, AppError> {
    require(me, Action::Create, &Resource::Region { region_id: None })?;
    let d = input.parse().map_err(AppError::Validation)?;
    let mut tx = state.db.begin().await?;
    let r = regions::create(&mut tx, &ctx.actor(), &d).await?;
    tx.commit().await?;
    Ok(r)
}

#[derive(Template)]
#[template(path = "regions.html")]
struct RegionsPage {
    l: Layout,
    regions: Vec<Region>,
    can_create: bool,
    form: RegionInput,
    /// A region's row form as typed when its save was refused: the region and what was typed.
    editing: Option<(RegionId, RegionInput)>,
}

impl RegionsPage {
    /// What a region's row form shows: what was typed (after a refusal) or the region itself.
    fn row(&self, r: &Region) -> RegionInput {
        match &self.editing {
            Some((id, typed)) if *id == r.id => typed.clone(),
            _ => RegionInput { name: r.name.clone(), code: r.code.clone().unwrap_or_default() },
        }
    }
    /// A field's error in the row form of `r` (only the refused one shows its errors).
    fn row_err(&self, r: &Region, field: &str) -> Option<&str> {
        self.editing.as_ref().filter(|(id, _)| *id == r.id).and_then(|_| self.l.err(field))
    }
    /// A field's error in the new region's form (none while a row's save was refused).
    fn new_err(&self, field: &str) -> Option<&str> {
        if self.editing.is_some() { None } else { self.l.err(field) }
    }
}

/// The page; after a refused save, with the errors and what was typed (`editing`: in a region's
/// row, else in the new region's form).
async fn page_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    form: RegionInput,
    editing: Option<(RegionId, RegionInput)>,
    e: Option<AppError>,
) -> PageResult {
    let (status, errors) = crate::pages::shown(e)?;
    let regions = visible(state, me).await?;
    let can_create = me.may(Action::Create, &Resource::Region { region_id: None });
    if regions.is_empty() && !can_create {
        return Err(AppError::Forbidden);
    }
    render_status(
        status,
        &RegionsPage {
            l: Layout::new(ctx, "Регионы", "/regions").with_errors(errors),
            regions,
            can_create,
            form,
            editing,
        },
    )
}

async fn page(State(state): State<AppState>, Me(me, ctx): Me) -> PageResult {
    page_with(&state, &me, &ctx, RegionInput::default(), None, None).await
}

async fn create_submit(State(state): State<AppState>, Me(me, ctx): Me, Form(form): Form<RegionInput>) -> PageResult {
    match create(&state, &me, &ctx, &form).await {
        Ok(r) => Ok(redirect_with("/regions", &format!("Регион «{}» создан", r.name), &ctx)),
        Err(e) => page_with(&state, &me, &ctx, form, None, Some(e)).await,
    }
}

async fn update(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: RegionId,
    form: &RegionInput,
) -> Result<Region, AppError> {
    require(me, Action::Update, &Resource::Region { region_id: None })?;
    let d = form.parse().map_err(AppError::Validation)?;
    let mut tx = state.db.begin().await?;
    let r = regions::update(&mut tx, &ctx.actor(), id, &d).await?;
    tx.commit().await?;
    Ok(r)
}

async fn update_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<RegionId>,
    Form(form): Form<RegionInput>,
) -> PageResult {
    match update(&state, &me, &ctx, id, &form).await {
        Ok(r) => Ok(redirect_with("/regions", &format!("Регион «{}» сохранён", r.name), &ctx)),
        Err(e) => page_with(&state, &me, &ctx, RegionInput::default(), Some((id, form)), Some(e)).await,
    }
}

/// Regions the caller may see.
#[utoipa::path(get, path = "/api/v1/regions", tag = "regions", responses((status = 200, body = Vec<crate::views::Region>)))]
pub async fn api_list(State(state): State<AppState>, ApiMe(me, _): ApiMe) -> ApiResult<Vec<crate::views::Region>> {
    Ok(Json(crate::views::all(&visible(&state, &me).await?)))
}

/// Create a region (administrator).
#[utoipa::path(post, path = "/api/v1/regions", tag = "regions", request_body = RegionInput,
    responses((status = 200, body = crate::views::Region), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    body: JsonIn<RegionInput>,
) -> ApiResult<crate::views::Region> {
    let input = json_body(body)?;
    Ok(Json((&create(&state, &me, &ctx, &input).await?).into()))
}
