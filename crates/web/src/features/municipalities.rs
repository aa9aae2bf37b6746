//! Municipalities: a region operator creates and keeps them; the authority sees its own and
//! chooses its regulation profile.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use metoda_domain::FieldError;
use metoda_domain::access::{Action, Resource};
use metoda_domain::directory::MunicipalityInput;
use metoda_domain::ids::{MunicipalityId, RegionId};
use metoda_store::Conn;
use metoda_store::municipalities::{self, Municipality};
use metoda_store::profiles::{self, Profile};
use metoda_store::regions::{self, Region};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{ApiMe, Ctx, Current, Me, require};
use crate::error::{ApiResult, AppError, JsonIn, PageResult, json_body};
use crate::extract::{Form, Path, Query};
use crate::pages::{Layout, redirect_with, render, render_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/municipalities", get(list_page).post(create_submit))
        .route("/municipalities/{id}", get(view_page).post(update_submit))
        .route("/municipalities/{id}/archive", post(archive_submit))
        .route("/municipalities/{id}/restore", post(restore_submit))
        .route("/municipalities/{id}/profile", post(profile_submit))
        .route("/api/v1/municipalities", get(api_list).post(api_create))
        .route("/api/v1/municipalities/{id}", get(api_get).put(api_update))
        .route("/api/v1/municipalities/{id}/archive", post(api_archive))
        .route("/api/v1/municipalities/{id}/restore", post(api_restore))
        .route("/api/v1/municipalities/{id}/profile", put(api_profile))
}

fn res(m: &Municipality) -> Resource {
    Resource::Municipality { region_id: m.region_id, municipality_id: Some(m.id) }
}

/// The municipalities the user may see, optionally of one region.
pub async fn visible(
    c: &mut Conn,
    me: &Current,
    region_id: Option<RegionId>,
    archived: bool,
) -> Result<Vec<Municipality>, AppError> {
    Ok(municipalities::list(c, region_id, archived)
        .await?
        .into_iter()
        .filter(|m| me.may(Action::View, &res(m)))
        .collect())
}

/// Loads a municipality the user may `action`.
pub async fn load(
    state: &AppState,
    me: &Current,
    id: MunicipalityId,
    action: Action,
) -> Result<Municipality, AppError> {
    let mut c = state.db.conn().await?;
    let m = municipalities::get(&mut c, id).await?;
    require(me, action, &res(&m))?;
    Ok(m)
}

async fn creatable_regions(c: &mut Conn, me: &Current) -> Result<Vec<Region>, AppError> {
    Ok(regions::list(c, None)
        .await?
        .into_iter()
        .filter(|r| me.may(Action::Create, &Resource::Municipality { region_id: r.id, municipality_id: None }))
        .collect())
}

async fn create(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    region_id: Option<RegionId>,
    input: &MunicipalityInput,
) -> Result<Municipality, AppError> {
    let region_id = region_id.ok_or_else(|| {
        AppError::Validation(vec![FieldError::new("region_id", "Регион: выберите значение из списка")])
    })?;
    require(me, Action::Create, &Resource::Municipality { region_id, municipality_id: None })?;
    let d = input.parse().map_err(AppError::Validation)?;
    let mut tx = state.db.begin().await?;
    regions::get(&mut tx, region_id)
        .await
        .map_err(|_| AppError::Validation(vec![FieldError::new("region_id", "Такого региона нет")]))?;
    let m = municipalities::create(&mut tx, &ctx.actor(), region_id, &d).await?;
    tx.commit().await?;
    Ok(m)
}

async fn update(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: MunicipalityId,
    input: &MunicipalityInput,
) -> Result<Municipality, AppError> {
    load(state, me, id, Action::Update).await?;
    let d = input.parse().map_err(AppError::Validation)?;
    let mut tx = state.db.begin().await?;
    let m = municipalities::update(&mut tx, &ctx.actor(), id, &d, input.version).await?;
    tx.commit().await?;
    Ok(m)
}

async fn set_archived(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: MunicipalityId,
    archived: bool,
) -> Result<Municipality, AppError> {
    load(state, me, id, Action::Archive).await?;
    let mut tx = state.db.begin().await?;
    let m = municipalities::set_archived(&mut tx, &ctx.actor(), id, archived).await?;
    tx.commit().await?;
    Ok(m)
}

/// The profiles a municipality may run under: the presets and its own.
pub fn profiles_for(all: Vec<Profile>, m: &Municipality) -> Vec<Profile> {
    all.into_iter().filter(|p| p.is_preset() || p.municipality_id == Some(m.id)).collect()
}

async fn assign_profile(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: MunicipalityId,
    profile_id: Option<i64>,
) -> Result<Municipality, AppError> {
    let m = load(state, me, id, Action::View).await?;
    require(me, Action::Update, &Resource::ProfileAssignment { region_id: m.region_id, municipality_id: m.id })?;
    let bad = || {
        AppError::Validation(vec![FieldError::new(
            "profile_id",
            "Профиль: выберите один из профилей этого муниципалитета или предустановленных",
        )])
    };
    let profile_id = profile_id.ok_or_else(bad)?;
    let mut tx = state.db.begin().await?;
    let p = profiles::get(&mut tx, profile_id).await.map_err(|_| bad())?;
    if !(p.is_preset() || p.municipality_id == Some(m.id)) {
        return Err(bad());
    }
    let m = municipalities::set_profile(&mut tx, &ctx.actor(), id, profile_id).await?;
    tx.commit().await?;
    Ok(m)
}

// ---- pages ----

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    region_id: Option<i64>,
    archived: Option<String>,
}

#[derive(Template)]
#[template(path = "municipalities.html")]
struct ListPage {
    l: Layout,
    items: Vec<Municipality>,
    regions: Vec<Region>,
    show_archived: bool,
    form: MunicipalityInput,
    form_region: Option<i64>,
}

async fn list_page(State(state): State<AppState>, Me(me, ctx): Me, Query(q): Query<ListQuery>) -> PageResult {
    let show_archived = q.archived.is_some();
    let mut c = state.db.conn().await?;
    let items = visible(&mut c, &me, q.region_id.map(RegionId), show_archived).await?;
    let regions = creatable_regions(&mut c, &me).await?;
    drop(c);
    render(&ListPage {
        l: Layout::new(&ctx, "Муниципалитеты", "/municipalities"),
        items,
        regions,
        show_archived,
        form: MunicipalityInput::default(),
        form_region: q.region_id,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewForm {
    region_id: String,
    name: String,
    authority_name: String,
    utc_offset_minutes: Option<i64>,
}

async fn create_submit(State(state): State<AppState>, Me(me, ctx): Me, Form(f): Form<NewForm>) -> PageResult {
    let input = MunicipalityInput {
        name: f.name,
        authority_name: f.authority_name,
        utc_offset_minutes: f.utc_offset_minutes,
        version: None,
    };
    let region_id = f.region_id.trim().parse::<i64>().ok();
    match create(&state, &me, &ctx, region_id.map(RegionId), &input).await {
        Ok(m) => {
            Ok(redirect_with(&format!("/municipalities/{}", m.id), &format!("Муниципалитет «{}» создан", m.name), &ctx))
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (status, errors) = form_errors(e);
            let mut c = state.db.conn().await?;
            let items = visible(&mut c, &me, None, false).await?;
            let regions = creatable_regions(&mut c, &me).await?;
            drop(c);
            let l = Layout::new(&ctx, "Муниципалитеты", "/municipalities").with_errors(errors);
            render_status(
                status,
                &ListPage { l, items, regions, show_archived: false, form: input, form_region: region_id },
            )
        }
        Err(e) => Err(e),
    }
}

/// Validation and conflict errors as field errors of a re-shown form.
pub fn form_errors(e: AppError) -> (StatusCode, Vec<FieldError>) {
    let status = e.status();
    match e {
        AppError::Validation(f) => (status, f),
        AppError::Conflict(m) => (status, vec![FieldError::new("name", m)]),
        other => (status, vec![FieldError::new("", other.message())]),
    }
}

impl crate::pages::VersionedForm for MunicipalityInput {
    fn version_mut(&mut self) -> &mut Option<i64> {
        &mut self.version
    }
}

/// The card as its edit form shows it.
fn input_of(m: &Municipality) -> MunicipalityInput {
    MunicipalityInput {
        name: m.name.clone(),
        authority_name: m.authority_name.clone().unwrap_or_default(),
        utc_offset_minutes: Some(m.utc_offset_minutes),
        version: Some(m.version),
    }
}

/// The Russian label of a field of the card's form, for the current values shown after a stale
/// save.
fn field_label(field: &str) -> Option<&'static str> {
    Some(match field {
        "name" => "Название",
        "authority_name" => "Орган управления образованием",
        "utc_offset_minutes" => "Часовой пояс",
        _ => return None,
    })
}

#[derive(Template)]
#[template(path = "municipality.html")]
struct ViewPage {
    l: Layout,
    m: Municipality,
    form: MunicipalityInput,
    can_edit: bool,
    can_archive: bool,
    can_assign: bool,
    profiles: Vec<Profile>,
}

async fn view_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: MunicipalityId,
    form: Option<MunicipalityInput>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let m = load(state, me, id, Action::View).await?;
    let mut c = state.db.conn().await?;
    let profiles = profiles_for(profiles::list(&mut c).await?, &m);
    let form = form.unwrap_or_else(|| input_of(&m));
    let page = ViewPage {
        l: Layout::new(ctx, m.name.clone(), "/municipalities").with_errors(errors),
        can_edit: me.may(Action::Update, &res(&m)),
        can_archive: me.may(Action::Archive, &res(&m)),
        can_assign: me
            .may(Action::Update, &Resource::ProfileAssignment { region_id: m.region_id, municipality_id: m.id }),
        profiles,
        form,
        m,
    };
    render_status(status, &page)
}

async fn view_page(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<MunicipalityId>) -> PageResult {
    view_with(&state, &me, &ctx, id, None, vec![], StatusCode::OK).await
}

async fn update_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<MunicipalityId>,
    Form(input): Form<MunicipalityInput>,
) -> PageResult {
    match update(&state, &me, &ctx, id, &input).await {
        Ok(m) => {
            Ok(redirect_with(&format!("/municipalities/{id}"), &format!("Муниципалитет «{}» сохранён", m.name), &ctx))
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let m = load(&state, &me, id, Action::View).await?;
            let mut typed = input;
            let (status, mut errors) = crate::pages::refused(e, &mut typed, input_of(&m), field_label);
            // The time zone reads as the card shows it.
            for e in
                errors.iter_mut().filter(|e| e.field == "utc_offset_minutes" && e.message.contains("сейчас в записи"))
            {
                e.message = format!("Часовой пояс: сейчас в записи — {}", m.zone().label_ru());
            }
            view_with(&state, &me, &ctx, id, Some(typed), errors, status).await
        }
        Err(e) => Err(e),
    }
}

async fn archive_submit(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<MunicipalityId>) -> PageResult {
    let m = set_archived(&state, &me, &ctx, id, true).await?;
    Ok(redirect_with(&format!("/municipalities/{id}"), &format!("Муниципалитет «{}» перенесён в архив", m.name), &ctx))
}

async fn restore_submit(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<MunicipalityId>) -> PageResult {
    let m = set_archived(&state, &me, &ctx, id, false).await?;
    Ok(redirect_with(&format!("/municipalities/{id}"), &format!("Муниципалитет «{}» восстановлен", m.name), &ctx))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct ProfileChoice {
    pub profile_id: Option<i64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ProfileForm {
    profile_id: String,
}

async fn profile_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<MunicipalityId>,
    Form(f): Form<ProfileForm>,
) -> PageResult {
    match assign_profile(&state, &me, &ctx, id, f.profile_id.trim().parse().ok()).await {
        Ok(m) => Ok(redirect_with(
            &format!("/municipalities/{id}"),
            &format!("Назначен профиль положения «{}»", m.profile_name.unwrap_or_default()),
            &ctx,
        )),
        Err(e @ AppError::Validation(_)) => {
            let (status, errors) = form_errors(e);
            view_with(&state, &me, &ctx, id, None, errors, status).await
        }
        Err(e) => Err(e),
    }
}

// ---- API ----

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct NewMunicipality {
    pub region_id: Option<i64>,
    pub name: String,
    pub authority_name: String,
    /// Minutes east of UTC, one of the Russian zones (120 … 720); Moscow time (180) when absent.
    pub utc_offset_minutes: Option<i64>,
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ApiListQuery {
    /// Only this region.
    pub region_id: Option<i64>,
    /// Include archived municipalities.
    pub archived: Option<bool>,
}

/// Municipalities the caller may see.
#[utoipa::path(get, path = "/api/v1/municipalities", tag = "municipalities", params(ApiListQuery), responses((status = 200, body = Vec<crate::views::Municipality>)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Query(q): Query<ApiListQuery>,
) -> ApiResult<Vec<crate::views::Municipality>> {
    let mut c = state.db.conn().await?;
    Ok(Json(crate::views::all(&visible(&mut c, &me, q.region_id.map(RegionId), q.archived.unwrap_or(false)).await?)))
}

/// Create a municipality in a region (region operator).
#[utoipa::path(post, path = "/api/v1/municipalities", tag = "municipalities", request_body = NewMunicipality,
    responses((status = 200, body = crate::views::Municipality), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    body: JsonIn<NewMunicipality>,
) -> ApiResult<crate::views::Municipality> {
    let b = json_body(body)?;
    let input = MunicipalityInput {
        name: b.name,
        authority_name: b.authority_name,
        utc_offset_minutes: b.utc_offset_minutes,
        version: None,
    };
    Ok(Json((&create(&state, &me, &ctx, b.region_id.map(RegionId), &input).await?).into()))
}

#[utoipa::path(get, path = "/api/v1/municipalities/{id}", tag = "municipalities", params(("id" = i64, Path)),
    responses((status = 200, body = crate::views::Municipality), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(id): Path<MunicipalityId>,
) -> ApiResult<crate::views::Municipality> {
    Ok(Json((&load(&state, &me, id, Action::View).await?).into()))
}

#[utoipa::path(put, path = "/api/v1/municipalities/{id}", tag = "municipalities", params(("id" = i64, Path)), request_body = MunicipalityInput,
    responses((status = 200, body = crate::views::Municipality), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_update(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<MunicipalityId>,
    body: JsonIn<MunicipalityInput>,
) -> ApiResult<crate::views::Municipality> {
    let input = json_body(body)?;
    Ok(Json((&update(&state, &me, &ctx, id, &input).await?).into()))
}

#[utoipa::path(post, path = "/api/v1/municipalities/{id}/archive", tag = "municipalities", params(("id" = i64, Path)), responses((status = 200, body = crate::views::Municipality)))]
pub async fn api_archive(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<MunicipalityId>,
) -> ApiResult<crate::views::Municipality> {
    Ok(Json((&set_archived(&state, &me, &ctx, id, true).await?).into()))
}

#[utoipa::path(post, path = "/api/v1/municipalities/{id}/restore", tag = "municipalities", params(("id" = i64, Path)), responses((status = 200, body = crate::views::Municipality)))]
pub async fn api_restore(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<MunicipalityId>,
) -> ApiResult<crate::views::Municipality> {
    Ok(Json((&set_archived(&state, &me, &ctx, id, false).await?).into()))
}

/// Choose the regulation profile of a municipality (a preset or one of its own).
#[utoipa::path(put, path = "/api/v1/municipalities/{id}/profile", tag = "municipalities", params(("id" = i64, Path)), request_body = ProfileChoice,
    responses((status = 200, body = crate::views::Municipality), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_profile(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<MunicipalityId>,
    body: JsonIn<ProfileChoice>,
) -> ApiResult<crate::views::Municipality> {
    let b = json_body(body)?;
    Ok(Json((&assign_profile(&state, &me, &ctx, id, b.profile_id).await?).into()))
}
