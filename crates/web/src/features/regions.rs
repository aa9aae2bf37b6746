//! Regions: the administrator keeps the list; a region operator sees their own.

use crate::extract::{Form, Path};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use metoda_domain::access::{Action, Resource};
use metoda_domain::directory::RegionInput;
use metoda_domain::ids::RegionId;
use metoda_store::regions::{self, Region};

use crate::AppState;
use crate::auth::{ApiMe, Ctx, Current, Me, require};
use crate::error::{ApiResult, AppError, JsonIn, PageResult, json_body};
use crate::pages::{Layout, redirect_with, render, render_status};

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
}

async fn page(State(state): State<AppState>, Me(me, ctx): Me) -> PageResult {
    let regions = visible(&state, &me).await?;
    if regions.is_empty() && !me.may(Action::Create, &Resource::Region { region_id: None }) {
        return Err(AppError::Forbidden);
    }
    let can_create = me.may(Action::Create, &Resource::Region { region_id: None });
    render(&RegionsPage {
        l: Layout::new(&ctx, "Регионы", "/regions"),
        regions,
        can_create,
        form: RegionInput::default(),
    })
}

async fn create_submit(State(state): State<AppState>, Me(me, ctx): Me, Form(form): Form<RegionInput>) -> PageResult {
    match create(&state, &me, &ctx, &form).await {
        Ok(r) => Ok(redirect_with("/regions", &format!("Регион «{}» создан", r.name), &ctx)),
        Err(AppError::Validation(errors)) => {
            let regions = visible(&state, &me).await?;
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &RegionsPage {
                    l: Layout::new(&ctx, "Регионы", "/regions").with_errors(errors),
                    regions,
                    can_create: true,
                    form,
                },
            )
        }
        Err(AppError::Conflict(m)) => {
            let regions = visible(&state, &me).await?;
            let errors = vec![metoda_domain::FieldError::new("name", m)];
            render_status(
                StatusCode::CONFLICT,
                &RegionsPage {
                    l: Layout::new(&ctx, "Регионы", "/regions").with_errors(errors),
                    regions,
                    can_create: true,
                    form,
                },
            )
        }
        Err(e) => Err(e),
    }
}

async fn update_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<RegionId>,
    Form(form): Form<RegionInput>,
) -> PageResult {
    require(&me, Action::Update, &Resource::Region { region_id: None })?;
    let d = form.parse().map_err(AppError::Validation)?;
    let mut tx = state.db.begin().await?;
    let r = regions::update(&mut tx, &ctx.actor(), id, &d).await?;
    tx.commit().await?;
    Ok(redirect_with("/regions", &format!("Регион «{}» сохранён", r.name), &ctx))
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
