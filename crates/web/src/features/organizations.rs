//! Educational organizations: the authority keeps those of its municipality; an organization's
//! administrator keeps its own card; everyone of the municipality sees them.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use metoda_domain::FieldError;
use metoda_domain::access::{Action, Resource};
use metoda_domain::directory::{OrganizationInput, OrganizationKind};
use metoda_domain::ids::{MunicipalityId, OrganizationId};
use metoda_store::Conn;
use metoda_store::municipalities::{self, Municipality};
use metoda_store::organizations::{self, Filter, Organization};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{ApiMe, Ctx, Current, Me, require};
use crate::error::{ApiResult, AppError, JsonIn, PageResult, json_body};
use crate::extract::{Form, Path, Query};
use crate::features::municipalities::form_errors;
use crate::pages::{Layout, redirect_with, render, render_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/organizations", get(list_page).post(create_submit))
        .route("/organizations/new", get(new_page))
        .route("/organizations/{id}", get(view_page).post(update_submit))
        .route("/organizations/{id}/archive", post(archive_submit))
        .route("/organizations/{id}/restore", post(restore_submit))
        .route("/api/v1/organizations", get(api_list).post(api_create))
        .route("/api/v1/organizations/{id}", get(api_get).put(api_update))
        .route("/api/v1/organizations/{id}/archive", post(api_archive))
        .route("/api/v1/organizations/{id}/restore", post(api_restore))
}

fn res(o: &Organization) -> Resource {
    Resource::Organization { region_id: o.region_id, municipality_id: o.municipality_id, organization_id: Some(o.id) }
}

fn new_in(m: &Municipality) -> Resource {
    Resource::Organization { region_id: m.region_id, municipality_id: m.id, organization_id: None }
}

pub async fn load(
    state: &AppState,
    me: &Current,
    id: OrganizationId,
    action: Action,
) -> Result<Organization, AppError> {
    let mut c = state.db.conn().await?;
    let o = organizations::get(&mut c, id).await?;
    require(me, action, &res(&o))?;
    Ok(o)
}

async fn visible(c: &mut Conn, me: &Current, f: &Filter) -> Result<Vec<Organization>, AppError> {
    Ok(organizations::list(c, f).await?.into_iter().filter(|o| me.may(Action::View, &res(o))).collect())
}

/// Municipalities where the user may add organizations.
async fn creatable_in(c: &mut Conn, me: &Current) -> Result<Vec<Municipality>, AppError> {
    Ok(municipalities::list(c, None, false).await?.into_iter().filter(|m| me.may(Action::Create, &new_in(m))).collect())
}

async fn create(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    municipality_id: Option<MunicipalityId>,
    input: &OrganizationInput,
) -> Result<Organization, AppError> {
    let mid = municipality_id.ok_or_else(|| {
        AppError::Validation(vec![FieldError::new("municipality_id", "Муниципалитет: выберите значение из списка")])
    })?;
    let mut tx = state.db.begin().await?;
    let m = municipalities::get(&mut tx, mid)
        .await
        .map_err(|_| AppError::Validation(vec![FieldError::new("municipality_id", "Такого муниципалитета нет")]))?;
    require(me, Action::Create, &new_in(&m))?;
    if m.archived_at.is_some() {
        return Err(AppError::Conflict("Муниципалитет в архиве: добавлять в него организации нельзя".into()));
    }
    let d = input.parse().map_err(AppError::Validation)?;
    let o = organizations::create(&mut tx, &ctx.actor(), mid, &d).await?;
    tx.commit().await?;
    Ok(o)
}

async fn update(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: OrganizationId,
    input: &OrganizationInput,
) -> Result<Organization, AppError> {
    load(state, me, id, Action::Update).await?;
    let d = input.parse().map_err(AppError::Validation)?;
    let mut tx = state.db.begin().await?;
    let o = organizations::update(&mut tx, &ctx.actor(), id, &d, input.version).await?;
    tx.commit().await?;
    Ok(o)
}

async fn set_archived(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: OrganizationId,
    archived: bool,
) -> Result<Organization, AppError> {
    load(state, me, id, Action::Archive).await?;
    let mut tx = state.db.begin().await?;
    let o = organizations::set_archived(&mut tx, &ctx.actor(), id, archived).await?;
    tx.commit().await?;
    Ok(o)
}

fn input_of(o: &Organization) -> OrganizationInput {
    OrganizationInput {
        full_name: o.full_name.clone(),
        short_name: o.short_name.clone(),
        kind: o.kind.code().to_owned(),
        address: o.address.clone().unwrap_or_default(),
        head_name: o.head_name.clone().unwrap_or_default(),
        phone: o.phone.clone().unwrap_or_default(),
        email: o.email.clone().unwrap_or_default(),
        website: o.website.clone().unwrap_or_default(),
        version: Some(o.version),
    }
}

/// The Russian label of a field of the form, for the current values shown after a stale save.
fn field_label(field: &str) -> Option<&'static str> {
    Some(match field {
        "full_name" => "Полное наименование",
        "short_name" => "Краткое наименование",
        "kind" => "Тип",
        "address" => "Адрес",
        "head_name" => "Руководитель",
        "phone" => "Телефон",
        "email" => "Электронная почта",
        "website" => "Сайт",
        _ => return None,
    })
}

/// The kinds for a select: (code, label).
pub fn kinds() -> Vec<(&'static str, &'static str)> {
    OrganizationKind::ALL.iter().map(|k| (k.code(), k.label_ru())).collect()
}

// ---- pages ----

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    municipality_id: Option<String>,
    kind: Option<String>,
    q: Option<String>,
    archived: Option<String>,
}

#[derive(Template)]
#[template(path = "organizations.html")]
struct ListPage {
    l: Layout,
    items: Vec<Organization>,
    municipalities: Vec<Municipality>,
    municipality_id: Option<i64>,
    kind: String,
    q: String,
    show_archived: bool,
    can_create: bool,
    kinds: Vec<(&'static str, &'static str)>,
}

async fn list_page(State(state): State<AppState>, Me(me, ctx): Me, Query(q): Query<ListQuery>) -> PageResult {
    let municipality_id = q.municipality_id.as_deref().and_then(|s| s.trim().parse().ok());
    let kind = q.kind.clone().filter(|k| !k.is_empty());
    let f = Filter {
        municipality_id,
        region_id: None,
        kind: kind.clone(),
        text: q.q.clone(),
        include_archived: q.archived.is_some(),
    };
    let mut c = state.db.conn().await?;
    let items = visible(&mut c, &me, &f).await?;
    let municipalities = crate::features::municipalities::visible(&mut c, &me, None, false).await?;
    let can_create = !creatable_in(&mut c, &me).await?.is_empty();
    drop(c);
    render(&ListPage {
        l: Layout::new(&ctx, "Организации", "/organizations"),
        items,
        municipalities,
        municipality_id: municipality_id.map(i64::from),
        kind: kind.unwrap_or_default(),
        q: q.q.unwrap_or_default(),
        show_archived: q.archived.is_some(),
        can_create,
        kinds: kinds(),
    })
}

#[derive(Template)]
#[template(path = "organization_form.html")]
struct FormPage {
    l: Layout,
    /// None: a new organization.
    org: Option<Organization>,
    form: OrganizationInput,
    municipalities: Vec<Municipality>,
    municipality_id: Option<i64>,
    kinds: Vec<(&'static str, &'static str)>,
    can_archive: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewQuery {
    municipality_id: Option<String>,
}

async fn new_page(State(state): State<AppState>, Me(me, ctx): Me, Query(q): Query<NewQuery>) -> PageResult {
    let mut c = state.db.conn().await?;
    let municipalities = creatable_in(&mut c, &me).await?;
    drop(c);
    if municipalities.is_empty() {
        return Err(AppError::Forbidden);
    }
    let municipality_id =
        q.municipality_id.and_then(|s| s.parse().ok()).or_else(|| municipalities.first().map(|m| m.id));
    let form = OrganizationInput { kind: "school".into(), ..Default::default() };
    render(&FormPage {
        l: Layout::new(&ctx, "Новая организация", "/organizations"),
        org: None,
        form,
        municipalities,
        municipality_id: municipality_id.map(i64::from),
        kinds: kinds(),
        can_archive: false,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewForm {
    municipality_id: String,
    #[serde(flatten)]
    input: OrganizationInput,
}

async fn create_submit(State(state): State<AppState>, Me(me, ctx): Me, Form(f): Form<NewForm>) -> PageResult {
    let mid = f.municipality_id.trim().parse::<i64>().ok();
    match create(&state, &me, &ctx, mid.map(MunicipalityId), &f.input).await {
        Ok(o) => Ok(redirect_with(
            &format!("/organizations/{}", o.id),
            &format!("Организация «{}» добавлена", o.short_name),
            &ctx,
        )),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (status, mut errors) = form_errors(e);
            for err in &mut errors {
                if err.field == "name" {
                    err.field = "short_name".into();
                }
            }
            let mut c = state.db.conn().await?;
            let municipalities = creatable_in(&mut c, &me).await?;
            drop(c);
            let l = Layout::new(&ctx, "Новая организация", "/organizations").with_errors(errors);
            render_status(
                status,
                &FormPage {
                    l,
                    org: None,
                    form: f.input,
                    municipalities,
                    municipality_id: mid,
                    kinds: kinds(),
                    can_archive: false,
                },
            )
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "organization.html")]
struct ViewPage {
    l: Layout,
    o: Organization,
    municipality: Municipality,
}

async fn view_page(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<OrganizationId>) -> PageResult {
    let o = load(&state, &me, id, Action::View).await?;
    if me.may(Action::Update, &res(&o)) {
        return edit_page(&state, &me, &ctx, o, None, vec![], StatusCode::OK).await;
    }
    let mut c = state.db.conn().await?;
    let municipality = municipalities::get(&mut c, o.municipality_id).await?;
    render(&ViewPage { l: Layout::new(&ctx, o.short_name.clone(), "/organizations"), o, municipality })
}

async fn edit_page(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    o: Organization,
    form: Option<OrganizationInput>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let mut c = state.db.conn().await?;
    let m = municipalities::get(&mut c, o.municipality_id).await?;
    let page = FormPage {
        l: Layout::new(ctx, o.short_name.clone(), "/organizations").with_errors(errors),
        form: form.unwrap_or_else(|| input_of(&o)),
        municipality_id: Some(m.id.get()),
        municipalities: vec![m],
        kinds: kinds(),
        can_archive: me.may(Action::Archive, &res(&o)),
        org: Some(o),
    };
    render_status(status, &page)
}

async fn update_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<OrganizationId>,
    Form(f): Form<NewForm>,
) -> PageResult {
    match update(&state, &me, &ctx, id, &f.input).await {
        Ok(o) => Ok(redirect_with(
            &format!("/organizations/{id}"),
            &format!("Организация «{}» сохранена", o.short_name),
            &ctx,
        )),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let stale = crate::pages::is_stale(&e);
            let (status, mut errors) = form_errors(e);
            for err in &mut errors {
                if err.field == "name" {
                    err.field = "short_name".into();
                }
            }
            let o = load(&state, &me, id, Action::View).await?;
            let mut typed = f.input;
            if stale {
                // The typed input stays, the current values beside it; the next save is based on them.
                for mut e in crate::pages::current_values(&input_of(&o), &typed, field_label) {
                    if e.field == "kind" {
                        e.message = format!("Тип: сейчас в записи — {}", o.kind.label_ru());
                    }
                    errors.push(e);
                }
                typed.version = Some(o.version);
            }
            edit_page(&state, &me, &ctx, o, Some(typed), errors, status).await
        }
        Err(e) => Err(e),
    }
}

async fn archive_submit(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<OrganizationId>) -> PageResult {
    let o = set_archived(&state, &me, &ctx, id, true).await?;
    Ok(redirect_with(
        &format!("/organizations/{id}"),
        &format!("Организация «{}» перенесена в архив", o.short_name),
        &ctx,
    ))
}

async fn restore_submit(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<OrganizationId>) -> PageResult {
    let o = set_archived(&state, &me, &ctx, id, false).await?;
    Ok(redirect_with(&format!("/organizations/{id}"), &format!("Организация «{}» восстановлена", o.short_name), &ctx))
}

// ---- API ----

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ApiListQuery {
    pub municipality_id: Option<i64>,
    /// school | kindergarten | additional_education | other
    pub kind: Option<String>,
    /// Text in the full or short name.
    pub q: Option<String>,
    pub archived: Option<bool>,
}

#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct NewOrganization {
    pub municipality_id: Option<i64>,
    #[serde(flatten)]
    pub organization: OrganizationInput,
}

/// Organizations the caller may see.
#[utoipa::path(get, path = "/api/v1/organizations", tag = "organizations", params(ApiListQuery), responses((status = 200, body = Vec<crate::views::Organization>)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Query(q): Query<ApiListQuery>,
) -> ApiResult<Vec<crate::views::Organization>> {
    let f = Filter {
        municipality_id: q.municipality_id.map(MunicipalityId),
        region_id: None,
        kind: q.kind,
        text: q.q,
        include_archived: q.archived.unwrap_or(false),
    };
    let mut c = state.db.conn().await?;
    Ok(Json(crate::views::all(&visible(&mut c, &me, &f).await?)))
}

/// Add an organization to a municipality.
#[utoipa::path(post, path = "/api/v1/organizations", tag = "organizations", request_body = NewOrganization,
    responses((status = 200, body = crate::views::Organization), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    body: JsonIn<NewOrganization>,
) -> ApiResult<crate::views::Organization> {
    let b = json_body(body)?;
    Ok(Json((&create(&state, &me, &ctx, b.municipality_id.map(MunicipalityId), &b.organization).await?).into()))
}

#[utoipa::path(get, path = "/api/v1/organizations/{id}", tag = "organizations", params(("id" = i64, Path)),
    responses((status = 200, body = crate::views::Organization), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(id): Path<OrganizationId>,
) -> ApiResult<crate::views::Organization> {
    Ok(Json((&load(&state, &me, id, Action::View).await?).into()))
}

#[utoipa::path(put, path = "/api/v1/organizations/{id}", tag = "organizations", params(("id" = i64, Path)), request_body = OrganizationInput,
    responses((status = 200, body = crate::views::Organization), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_update(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<OrganizationId>,
    body: JsonIn<OrganizationInput>,
) -> ApiResult<crate::views::Organization> {
    let input = json_body(body)?;
    Ok(Json((&update(&state, &me, &ctx, id, &input).await?).into()))
}

#[utoipa::path(post, path = "/api/v1/organizations/{id}/archive", tag = "organizations", params(("id" = i64, Path)), responses((status = 200, body = crate::views::Organization)))]
pub async fn api_archive(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<OrganizationId>,
) -> ApiResult<crate::views::Organization> {
    Ok(Json((&set_archived(&state, &me, &ctx, id, true).await?).into()))
}

#[utoipa::path(post, path = "/api/v1/organizations/{id}/restore", tag = "organizations", params(("id" = i64, Path)), responses((status = 200, body = crate::views::Organization)))]
pub async fn api_restore(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<OrganizationId>,
) -> ApiResult<crate::views::Organization> {
    Ok(Json((&set_archived(&state, &me, &ctx, id, false).await?).into()))
}
