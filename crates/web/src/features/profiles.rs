//! Regulation profiles: the five seed presets (read-only) and the municipalities' own copies.
//! An authority copies a preset, edits it and assigns it to its municipality.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use metoda_domain::FieldError;
use metoda_domain::access::{Action, Place, Resource};
use metoda_domain::ids::MunicipalityId;
use metoda_domain::profile::{FieldKind, FormField, ProfileSettings, SettingRow};
use metoda_store::municipalities::{self, Municipality};
use metoda_store::profiles::{self, Profile};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{ApiMe, Ctx, Current, Me, require};
use crate::error::{ApiResult, AppError, JsonIn, PageResult, json_body};
use crate::extract::{Form, Path};
use crate::pages::{Layout, field, pairs, redirect_with, render, render_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/profiles", get(list_page))
        .route("/profiles/{id}", get(view_page))
        .route("/profiles/{id}/copy", post(copy_submit))
        .route("/profiles/{id}/edit", get(edit_page).post(edit_submit))
        .route("/api/v1/profiles", get(api_list))
        .route("/api/v1/profiles/{id}", get(api_get).put(api_update))
        .route("/api/v1/profiles/{id}/copy", post(api_copy))
}

fn res(p: &Profile) -> Resource {
    Resource::Profile { owner: p.owner() }
}

async fn visible(state: &AppState, me: &Current) -> Result<Vec<Profile>, AppError> {
    let mut c = state.db.conn().await?;
    Ok(profiles::list(&mut c).await?.into_iter().filter(|p| me.may(Action::View, &res(p))).collect())
}

async fn load(state: &AppState, me: &Current, id: i64, action: Action) -> Result<Profile, AppError> {
    let mut c = state.db.conn().await?;
    let p = profiles::get(&mut c, id).await?;
    require(me, action, &res(&p))?;
    Ok(p)
}

/// Municipalities where the user may keep profiles of their own.
async fn owner_choices(state: &AppState, me: &Current) -> Result<Vec<Municipality>, AppError> {
    let mut c = state.db.conn().await?;
    Ok(municipalities::list(&mut c, None, false)
        .await?
        .into_iter()
        .filter(|m| {
            me.may(
                Action::Create,
                &Resource::Profile { owner: Some(Place { region_id: m.region_id, municipality_id: Some(m.id) }) },
            )
        })
        .collect())
}

async fn copy(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: i64,
    municipality_id: Option<MunicipalityId>,
    name: &str,
) -> Result<Profile, AppError> {
    let src = load(state, me, id, Action::View).await?;
    let mid = municipality_id.ok_or_else(|| {
        AppError::Validation(vec![FieldError::new("municipality_id", "Муниципалитет: выберите значение из списка")])
    })?;
    let mut tx = state.db.begin().await?;
    let m = municipalities::get(&mut tx, mid)
        .await
        .map_err(|_| AppError::Validation(vec![FieldError::new("municipality_id", "Такого муниципалитета нет")]))?;
    let owner = Place { region_id: m.region_id, municipality_id: Some(m.id) };
    require(me, Action::Create, &Resource::Profile { owner: Some(owner) })?;
    let name =
        if name.trim().is_empty() { format!("{} (копия для: {})", src.name, m.name) } else { name.to_owned() };
    let name: String = name.chars().take(200).collect();
    let p = profiles::copy(&mut tx, &ctx.actor(), src.id, owner, &name).await?;
    tx.commit().await?;
    Ok(p)
}

async fn update(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: i64,
    name: &str,
    settings: &ProfileSettings,
    version: Option<i64>,
) -> Result<Profile, AppError> {
    let p = load(state, me, id, Action::View).await?;
    if p.is_preset() {
        return Err(AppError::Conflict("Предустановленный профиль изменить нельзя: сделайте его копию".into()));
    }
    require(me, Action::Update, &res(&p))?;
    let mut tx = state.db.begin().await?;
    let p = profiles::update(&mut tx, &ctx.actor(), id, name, settings, version).await?;
    tx.commit().await?;
    Ok(p)
}

// ---- pages ----

pub struct Row {
    pub p: Profile,
    pub owner: String,
}

#[derive(Template)]
#[template(path = "profiles.html")]
struct ListPage {
    l: Layout,
    rows: Vec<Row>,
}

async fn list_page(State(state): State<AppState>, Me(me, ctx): Me) -> PageResult {
    let items = visible(&state, &me).await?;
    let mut c = state.db.conn().await?;
    let munis = municipalities::list(&mut c, None, true).await?;
    let rows = items
        .into_iter()
        .map(|p| {
            let owner = match p.municipality_id {
                None => "предустановленный".to_owned(),
                Some(mid) => munis
                    .iter()
                    .find(|m| m.id == mid)
                    .map_or_else(|| format!("муниципалитет № {mid}"), |m| m.name.clone()),
            };
            Row { p, owner }
        })
        .collect();
    render(&ListPage { l: Layout::new(&ctx, "Профили положений", "/profiles"), rows })
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ViewPage {
    l: Layout,
    p: Profile,
    rows: Vec<SettingRow>,
    can_edit: bool,
    owners: Vec<Municipality>,
    used_by: Vec<Municipality>,
    /// The copy form as typed when it was refused (empty otherwise).
    copy: CopyForm,
}

async fn view_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: i64,
    copy: CopyForm,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let p = load(state, me, id, Action::View).await?;
    let rows = p.settings()?.describe_ru();
    let owners = owner_choices(state, me).await?;
    let mut c = state.db.conn().await?;
    let used_by = municipalities::list(&mut c, None, false)
        .await?
        .into_iter()
        .filter(|m| {
            m.profile_id == Some(p.id)
                && me.may(Action::View, &Resource::Municipality { region_id: m.region_id, municipality_id: Some(m.id) })
        })
        .collect();
    let page = ViewPage {
        l: Layout::new(ctx, p.name.clone(), "/profiles").with_errors(errors),
        can_edit: !p.is_preset() && me.may(Action::Update, &res(&p)),
        rows,
        owners,
        used_by,
        copy,
        p,
    };
    render_status(status, &page)
}

async fn view_page(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<i64>) -> PageResult {
    view_with(&state, &me, &ctx, id, CopyForm::default(), vec![], StatusCode::OK).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CopyForm {
    municipality_id: String,
    name: String,
}

async fn copy_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<i64>,
    Form(f): Form<CopyForm>,
) -> PageResult {
    let municipality_id = f.municipality_id.trim().parse().ok();
    match copy(&state, &me, &ctx, id, municipality_id, &f.name).await {
        Ok(p) => Ok(redirect_with(
            &format!("/profiles/{}/edit", p.id),
            &format!("Создана копия «{}». Проверьте и измените настройки.", p.name),
            &ctx,
        )),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (status, errors) = crate::features::municipalities::form_errors(e);
            view_with(&state, &me, &ctx, id, f, errors, status).await
        }
        Err(e) => Err(e),
    }
}

/// A profile form input ready for the template.
pub struct Input {
    pub key: &'static str,
    pub label: &'static str,
    pub hint: Option<&'static str>,
    /// text, number, select, multi, bool, month_days, deadlines
    pub kind: &'static str,
    pub value: String,
    pub min: u32,
    pub max: u32,
    /// (code, label, selected)
    pub options: Vec<(&'static str, &'static str, bool)>,
    pub clause_key: String,
    pub clause: String,
}

fn inputs(fields: Vec<FormField>, submitted: Option<&[(String, String)]>) -> Vec<Input> {
    fields
        .into_iter()
        .map(|f| {
            let clause_key = f.clause_key();
            let mut i = Input {
                key: f.key,
                label: f.label,
                hint: f.hint(),
                kind: "text",
                value: String::new(),
                min: 0,
                max: 0,
                options: vec![],
                clause: f.clause.clone().unwrap_or_default(),
                clause_key,
            };
            match f.kind {
                FieldKind::Text { value } => i.value = value,
                FieldKind::Number { value, min, max } => {
                    (i.kind, i.min, i.max) = ("number", min, max);
                    i.value = value.map(|v| v.to_string()).unwrap_or_default();
                }
                FieldKind::Select { options, selected } => {
                    i.kind = "select";
                    i.options = options.into_iter().map(|(c, l)| (c, l, c == selected)).collect();
                }
                FieldKind::Multi { options, selected } => {
                    i.kind = "multi";
                    i.options = options.into_iter().map(|(c, l)| (c, l, selected.contains(&c))).collect();
                }
                FieldKind::Bool { value } => {
                    i.kind = "bool";
                    i.value = if value { "on".into() } else { String::new() };
                }
                FieldKind::MonthDays { value } => (i.kind, i.value) = ("month_days", value),
                FieldKind::Deadlines { value } => (i.kind, i.value) = ("deadlines", value),
                // A textarea, one item per line.
                FieldKind::Lines { value } => (i.kind, i.value) = ("deadlines", value),
            }
            if let Some(pairs) = submitted {
                // Show what the user typed, not what was stored.
                i.clause = field(pairs, &i.clause_key).to_owned();
                match i.kind {
                    "select" | "multi" => {
                        for o in &mut i.options {
                            o.2 = pairs.iter().any(|(k, v)| k == i.key && v == o.0);
                        }
                    }
                    _ => i.value = field(pairs, i.key).to_owned(),
                }
            }
            i
        })
        .collect()
}

#[derive(Template)]
#[template(path = "profile_form.html")]
struct EditPage {
    l: Layout,
    p: Profile,
    name: String,
    inputs: Vec<Input>,
    /// The version the next save is based on.
    version: i64,
}

/// What an input shows, as a reader would say it (for the current values after a stale save).
fn shown(i: &Input) -> String {
    let text = match i.kind {
        "select" | "multi" => i.options.iter().filter(|o| o.2).map(|o| o.1).collect::<Vec<_>>().join(", "),
        "bool" => (if i.value == "on" { "да" } else { "нет" }).to_owned(),
        _ => i.value.replace("\r\n", "\n").trim().to_owned(),
    };
    if text.is_empty() { "не заполнено".to_owned() } else { text }
}

/// After a stale save: beside every setting (and clause) where the record now differs from what
/// the user typed, the value now in the record.
fn current_values(p: &Profile, name: &str, current: &[Input], typed: &[Input]) -> Vec<FieldError> {
    let mut out = vec![];
    if p.name != name.trim() {
        out.push(FieldError::new("name", format!("Название профиля: сейчас в записи — {}", p.name)));
    }
    for (now, mine) in current.iter().zip(typed) {
        if shown(now) != shown(mine) {
            out.push(FieldError::new(now.key, format!("{}: сейчас в записи — {}", now.label, shown(now))));
        }
        if now.clause.trim() != mine.clause.trim() {
            let clause = if now.clause.is_empty() { "не заполнено" } else { now.clause.as_str() };
            out.push(FieldError::new(
                now.clause_key.clone(),
                format!("{}, пункт положения: сейчас в записи — {clause}", now.label),
            ));
        }
    }
    out
}

async fn edit_page(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<i64>) -> PageResult {
    let p = load(&state, &me, id, Action::Update).await?;
    if p.is_preset() {
        return Err(AppError::Conflict("Предустановленный профиль изменить нельзя: сделайте его копию".into()));
    }
    let inputs = inputs(p.settings()?.form_fields(), None);
    render(&EditPage {
        l: Layout::new(&ctx, format!("Изменение: {}", p.name), "/profiles"),
        name: p.name.clone(),
        inputs,
        version: p.version,
        p,
    })
}

async fn edit_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> PageResult {
    let form = pairs(&body)?;
    let name = field(&form, "name").to_owned();
    let version = field(&form, "version").trim().parse::<i64>().ok();
    let result = match ProfileSettings::from_form(&form) {
        Ok(settings) => update(&state, &me, &ctx, id, &name, &settings, version).await,
        Err(errors) => {
            load(&state, &me, id, Action::Update).await?;
            Err(AppError::Validation(errors))
        }
    };
    match result {
        Ok(p) => Ok(redirect_with(&format!("/profiles/{id}"), &format!("Профиль «{}» сохранён", p.name), &ctx)),
        // A stale save re-shows the form; other conflicts (a preset) are the error page.
        Err(e) if matches!(e, AppError::Validation(_)) || crate::pages::is_stale(&e) => {
            let stale = crate::pages::is_stale(&e);
            let status = e.status();
            let mut errors = match e {
                AppError::Validation(errors) => errors,
                other => vec![FieldError::new("", other.message())],
            };
            let p = load(&state, &me, id, Action::Update).await?;
            let fields = p.settings()?.form_fields();
            let inputs = inputs(fields.clone(), Some(&form));
            let version = if stale {
                // The typed input stays, the current values beside it; the next save is based on them.
                errors.extend(current_values(&p, &name, &self::inputs(fields, None), &inputs));
                p.version
            } else {
                version.unwrap_or(p.version)
            };
            let l = Layout::new(&ctx, format!("Изменение: {}", p.name), "/profiles").with_errors(errors);
            render_status(status, &EditPage { l, p, name, inputs, version })
        }
        Err(e) => Err(e),
    }
}

// ---- API ----

/// A profile with its settings as a document and as Russian rows.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProfileBody {
    #[serde(flatten)]
    pub profile: ProfileHead,
    /// The settings (see `metoda_domain::profile::ProfileSettings`): each `{value, clause}`.
    #[schema(value_type = Object)]
    pub settings: serde_json::Value,
    /// Every setting in Russian with the clause it comes from.
    #[schema(value_type = Vec<Object>)]
    pub described: Vec<SettingRow>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ProfileHead {
    pub id: i64,
    pub code: Option<String>,
    pub name: String,
    pub source: Option<String>,
    pub is_preset: bool,
    pub municipality_id: Option<i64>,
    pub based_on_id: Option<i64>,
    pub updated_at: String,
    /// Raised by every save: send it back with an edit (an older one gets 409).
    pub version: i64,
}

fn body_of(p: Profile) -> Result<ProfileBody, AppError> {
    let s = p.settings()?;
    Ok(ProfileBody {
        settings: serde_json::to_value(&s).map_err(AppError::internal)?,
        described: s.describe_ru(),
        profile: ProfileHead {
            is_preset: p.is_preset(),
            id: p.id,
            code: p.code,
            name: p.name,
            source: p.source,
            municipality_id: p.municipality_id.map(i64::from),
            based_on_id: p.based_on_id,
            updated_at: p.updated_at,
            version: p.version,
        },
    })
}

/// Profiles the caller may see: the presets and their municipalities' own.
#[utoipa::path(get, path = "/api/v1/profiles", tag = "profiles", responses((status = 200, body = Vec<ProfileBody>)))]
pub async fn api_list(State(state): State<AppState>, ApiMe(me, _): ApiMe) -> ApiResult<Vec<ProfileBody>> {
    Ok(Json(visible(&state, &me).await?.into_iter().map(body_of).collect::<Result<_, _>>()?))
}

#[utoipa::path(get, path = "/api/v1/profiles/{id}", tag = "profiles", params(("id" = i64, Path)),
    responses((status = 200, body = ProfileBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(id): Path<i64>,
) -> ApiResult<ProfileBody> {
    Ok(Json(body_of(load(&state, &me, id, Action::View).await?)?))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct CopyBody {
    pub municipality_id: Option<i64>,
    /// The new profile's name (default: "<source> (копия для: <municipality>)").
    pub name: String,
}

/// Copy a profile (usually a preset) into a profile of a municipality.
#[utoipa::path(post, path = "/api/v1/profiles/{id}/copy", tag = "profiles", params(("id" = i64, Path)), request_body = CopyBody,
    responses((status = 200, body = ProfileBody), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_copy(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<i64>,
    body: JsonIn<CopyBody>,
) -> ApiResult<ProfileBody> {
    let b = json_body(body)?;
    Ok(Json(body_of(copy(&state, &me, &ctx, id, b.municipality_id.map(MunicipalityId), &b.name).await?)?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct UpdateBody {
    pub name: String,
    #[schema(value_type = Object)]
    pub settings: ProfileSettings,
    /// The version of the profile the edit is based on; a save based on an older one is refused
    /// with 409. Left out: no check.
    #[serde(default, deserialize_with = "metoda_domain::values::de_version")]
    pub version: Option<i64>,
}

/// Change a municipality's profile (presets are read-only).
#[utoipa::path(put, path = "/api/v1/profiles/{id}", tag = "profiles", params(("id" = i64, Path)), request_body = UpdateBody,
    responses((status = 200, body = ProfileBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_update(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<i64>,
    body: JsonIn<UpdateBody>,
) -> ApiResult<ProfileBody> {
    let b = json_body(body)?;
    Ok(Json(body_of(update(&state, &me, &ctx, id, &b.name, &b.settings, b.version).await?)?))
}
