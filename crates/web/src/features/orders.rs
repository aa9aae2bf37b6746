//! The register of the authority's orders. Registering an order applies its effect in the same
//! transaction (see `metoda_store::orders::register`); orders are never edited — a correction is
//! a new order.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use metoda_domain::FieldError;
use metoda_domain::access::{Action, Resource, Role};
use metoda_domain::files::{AttachmentKind, AttachmentOwner};
use metoda_domain::ids::{AssociationId, MunicipalityId, OrderId, plain_choices};
use metoda_domain::orders::{OfficerRole, OrderInput, OrderKind, may_be_curator};
use metoda_domain::paging::Paging;
use metoda_domain::values::{self, ru_date};
use metoda_store::associations::{self, Association};
use metoda_store::municipalities::{self, Municipality};
use metoda_store::orders::{self, Order, SnapshotRow};
use metoda_store::{teachers, users};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{ApiMe, Ctx, Current, Me, require};
use crate::error::{ApiResult, AppError, JsonIn, PageResult, json_body};
use crate::extract::{Path, Query};
use crate::features::municipalities::form_errors;
use crate::pages::{Choice, Layout, Pager, choices, field, pairs, redirect_with, render, render_status};

pub mod views;

use views::OrderBody;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orders", get(list_page).post(create_submit))
        .route("/orders/new", get(new_page))
        .route("/orders/{id}", get(view_page))
        .route("/orders/{id}/docx", get(docx))
        .route("/orders/{id}/scan", axum::routing::post(scan_submit))
        .route("/api/v1/orders", get(api_list).post(api_create))
        .route("/api/v1/orders/{id}", get(api_get))
}

fn res(m: &Municipality) -> Resource {
    Resource::Order { region_id: m.region_id, municipality_id: m.id }
}

async fn load(state: &AppState, me: &Current, id: OrderId) -> Result<Order, AppError> {
    let mut c = state.db.conn().await?;
    let o = orders::get(&mut c, id).await?;
    require(me, Action::View, &Resource::Order { region_id: o.region_id, municipality_id: o.municipality_id })?;
    Ok(o)
}

/// Orders a page at a time.
const PER_PAGE: i64 = 50;

/// A page of the orders the user may read (of one association when given), and how many there are.
async fn visible(
    state: &AppState,
    me: &Current,
    association_id: Option<AssociationId>,
    paging: Paging,
) -> Result<(Vec<Order>, i64), AppError> {
    let mut c = state.db.conn().await?;
    // The municipalities whose register the user may read: the filter runs in the database.
    let mids: Vec<MunicipalityId> = municipalities::list(&mut c, None, true)
        .await?
        .into_iter()
        .filter(|m| me.may(Action::View, &res(m)))
        .map(|m| m.id)
        .collect();
    Ok(orders::page(&mut c, &mids, association_id, paging).await?)
}

async fn registrable_in(state: &AppState, me: &Current) -> Result<Vec<Municipality>, AppError> {
    let mut c = state.db.conn().await?;
    Ok(municipalities::list(&mut c, None, false)
        .await?
        .into_iter()
        .filter(|m| me.may(Action::Create, &res(m)))
        .collect())
}

/// Registers an order of a municipality: checks the right, parses, applies the effect.
async fn register(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    municipality_id: Option<MunicipalityId>,
    input: &OrderInput,
) -> Result<Order, AppError> {
    let mid = municipality_id.ok_or_else(|| {
        AppError::Validation(vec![FieldError::new("municipality_id", "Муниципалитет: выберите значение из списка")])
    })?;
    let mut tx = state.db.begin().await?;
    let m = municipalities::get(&mut tx, mid)
        .await
        .map_err(|_| AppError::Validation(vec![FieldError::new("municipality_id", "Такого муниципалитета нет")]))?;
    require(me, Action::Create, &res(&m))?;
    let d = input.parse(state.today(m.zone())).map_err(AppError::Validation)?;
    let settings = metoda_store::profiles::municipality_settings(&mut tx, m.id).await?;
    let o = orders::register(&mut tx, &ctx.actor(), &m, settings.as_ref(), &d).await?;
    tx.commit().await?;
    Ok(o)
}

// ---- pages ----

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    association_id: Option<String>,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "orders.html")]
struct ListPage {
    l: Layout,
    items: Vec<Order>,
    pager: Pager,
    can_register: bool,
    /// The associations of the page the user may open (the others are named without a link).
    openable: Vec<i64>,
}

impl ListPage {
    fn opens(&self, a: &AssociationId) -> bool {
        self.openable.contains(&a.get())
    }
}

/// The associations of these orders the user may open.
fn openable(me: &Current, items: &[Order]) -> Vec<i64> {
    items
        .iter()
        .filter_map(|o| {
            let a = o.association_id?;
            me.may(
                Action::View,
                &Resource::Association {
                    region_id: o.region_id,
                    municipality_id: o.municipality_id,
                    association_id: Some(a),
                },
            )
            .then_some(a.get())
        })
        .collect()
}

async fn list_page(State(state): State<AppState>, Me(me, ctx): Me, Query(q): Query<ListQuery>) -> PageResult {
    let association_id: Option<i64> = q.association_id.and_then(|s| s.parse().ok());
    let paging = Paging::new(q.page, PER_PAGE);
    let (items, total) = visible(&state, &me, association_id.map(AssociationId), paging).await?;
    let can_register = !registrable_in(&state, &me).await?.is_empty();
    let href = association_id.map_or_else(|| "/orders".to_owned(), |a| format!("/orders?association_id={a}"));
    render(&ListPage {
        l: Layout::new(&ctx, "Приказы", "/orders"),
        openable: openable(&me, &items),
        items,
        pager: Pager::new(paging, total, href),
        can_register,
    })
}

#[derive(Template)]
#[template(path = "order_form.html")]
struct FormPage {
    l: Layout,
    form: OrderInput,
    municipality: Municipality,
    municipalities: Vec<Municipality>,
    kinds: Vec<(&'static str, &'static str)>,
    officer_roles: Vec<(&'static str, &'static str)>,
    associations: Vec<Association>,
    teachers: Vec<(i64, String)>,
    curators: Vec<(i64, String)>,
}

impl FormPage {
    fn member_choices(&self) -> Vec<Choice> {
        choices(&self.teachers, |t| self.form.member_ids.contains(&t))
    }
    fn head_choices(&self) -> Vec<Choice> {
        choices(&self.teachers, |t| self.form.head_teacher_id == Some(t))
    }
    fn officer_choices(&self) -> Vec<Choice> {
        choices(&self.teachers, |t| self.form.officer_teacher_id == Some(t))
    }
    fn date_value(&self) -> String {
        values::date("", "", &self.form.date).map(values::iso_date).unwrap_or_else(|_| self.form.date.clone())
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewQuery {
    municipality_id: Option<String>,
    kind: Option<String>,
    association_id: Option<String>,
}

async fn form_page(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    municipality_id: Option<MunicipalityId>,
    form: OrderInput,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let municipalities = registrable_in(state, me).await?;
    let m = municipalities
        .iter()
        .find(|m| Some(m.id) == municipality_id)
        .or_else(|| municipalities.first())
        .cloned()
        .ok_or(AppError::Forbidden)?;
    let mut c = state.db.conn().await?;
    let associations =
        associations::list(&mut c, Some(m.id)).await?.into_iter().filter(Association::is_active).collect();
    let teachers = plain_choices(teachers::choices(&mut c, m.id).await?);
    // Curators: the authority's people of this municipality.
    let curator_roles: Vec<Role> = Role::ALL.iter().copied().filter(|r| may_be_curator(*r)).collect();
    let curators = users::holding(&mut c, users::Held::Municipality(m.id), &curator_roles)
        .await?
        .into_iter()
        .map(|(id, name)| (id.get(), name))
        .collect();
    let page = FormPage {
        l: Layout::new(ctx, "Регистрация приказа", "/orders").with_errors(errors),
        form,
        municipality: m,
        municipalities,
        kinds: OrderKind::ALL.iter().map(|k| (k.code(), k.label_ru())).collect(),
        officer_roles: OfficerRole::ALL.iter().map(|r| (r.code(), r.label_ru())).collect(),
        associations,
        teachers,
        curators,
    };
    render_status(status, &page)
}

async fn new_page(State(state): State<AppState>, Me(me, ctx): Me, Query(q): Query<NewQuery>) -> PageResult {
    // The date defaults to today in the municipality asked for, else in the user's own.
    let mut c = state.db.conn().await?;
    let zone = match q.municipality_id.as_deref().and_then(|s| s.parse::<i64>().ok()) {
        Some(mid) => municipalities::zone(&mut c, MunicipalityId(mid)).await?,
        None => crate::features::user_zone(&mut c, &me).await?,
    };
    drop(c);
    let form = OrderInput {
        kind: q.kind.unwrap_or_else(|| "create_association".into()),
        date: values::ru_date(state.today(zone)),
        association_id: q.association_id.and_then(|s| s.parse().ok()),
        ..Default::default()
    };
    form_page(&state, &me, &ctx, q.municipality_id.and_then(|s| s.parse().ok()), form, vec![], StatusCode::OK).await
}

fn id(s: &str) -> Option<i64> {
    s.trim().parse().ok().filter(|v: &i64| *v > 0)
}

/// The order form's pairs (member_ids repeat) as an input.
fn input_from(p: &[(String, String)]) -> OrderInput {
    OrderInput {
        number: field(p, "number").into(),
        date: field(p, "date").into(),
        kind: field(p, "kind").into(),
        title: field(p, "title").into(),
        body: field(p, "body").into(),
        signed_by: field(p, "signed_by").into(),
        association_id: id(field(p, "association_id")),
        name: field(p, "name").into(),
        direction: field(p, "direction").into(),
        description: field(p, "description").into(),
        head_teacher_id: id(field(p, "head_teacher_id")),
        member_ids: p.iter().filter(|(k, _)| k == "member_ids").filter_map(|(_, v)| id(v)).collect(),
        officer_role: field(p, "officer_role").into(),
        officer_teacher_id: id(field(p, "officer_teacher_id")),
        officer_user_id: id(field(p, "officer_user_id")),
    }
}

async fn create_submit(State(state): State<AppState>, Me(me, ctx): Me, body: axum::body::Bytes) -> PageResult {
    let p = pairs(&body)?;
    let input = input_from(&p);
    let mid = id(field(&p, "municipality_id"));
    match register(&state, &me, &ctx, mid.map(MunicipalityId), &input).await {
        Ok(o) => Ok(redirect_with(
            &format!("/orders/{}", o.id),
            &format!("Приказ № {} зарегистрирован и применён", o.number),
            &ctx,
        )),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (status, mut errors) = form_errors(e);
            for e in &mut errors {
                if e.field.is_empty() || e.field == "name" && e.message.contains("Приказ") {
                    e.field = "number".into();
                }
            }
            form_page(&state, &me, &ctx, mid.map(MunicipalityId), input, errors, status).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "order.html")]
struct ViewPage {
    l: Layout,
    o: Order,
    municipality: Municipality,
    snapshot: Vec<SnapshotRow>,
    points: Vec<String>,
    scans: Vec<metoda_store::attachments::Attachment>,
    can_attach: bool,
    /// The user may open the order's association.
    opens_association: bool,
}

async fn view_page(State(state): State<AppState>, Me(me, ctx): Me, Path(oid): Path<OrderId>) -> PageResult {
    let o = load(&state, &me, oid).await?;
    let mut c = state.db.conn().await?;
    let municipality = municipalities::get(&mut c, o.municipality_id).await?;
    let snapshot = orders::snapshot(&mut c, oid).await?;
    let points = operative_points(&mut c, &o).await?;
    let scans = metoda_store::attachments::list(&mut c, AttachmentOwner::Order, oid.get(), None).await?;
    let can_attach = me.may(Action::Create, &res(&municipality));
    let opens_association = !openable(&me, std::slice::from_ref(&o)).is_empty();
    render(&ViewPage {
        opens_association,
        l: Layout::new(&ctx, format!("Приказ № {}", o.number), "/orders").with_zone(municipality.zone()),
        o,
        municipality,
        snapshot,
        points,
        scans,
        can_attach,
    })
}

// ---- API ----

#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct NewOrder {
    pub municipality_id: Option<i64>,
    #[serde(flatten)]
    pub order: OrderInput,
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ApiListQuery {
    pub association_id: Option<i64>,
    /// The page, from 1 (50 orders a page).
    pub page: Option<i64>,
}

/// A page of the register.
#[derive(Serialize, utoipa::ToSchema)]
pub struct OrdersBody {
    /// How many orders the caller may read, on every page.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub orders: Vec<views::Order>,
}

/// The register: orders the caller may read, newest first, 50 a page.
#[utoipa::path(get, path = "/api/v1/orders", tag = "orders", params(ApiListQuery), responses((status = 200, body = OrdersBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Query(q): Query<ApiListQuery>,
) -> ApiResult<OrdersBody> {
    let paging = Paging::new(q.page, PER_PAGE);
    let (items, total) = visible(&state, &me, q.association_id.map(AssociationId), paging).await?;
    Ok(Json(OrdersBody {
        total,
        page: paging.page,
        per_page: paging.per_page,
        orders: items.iter().map(views::Order::from).collect(),
    }))
}

/// Register an order and apply its effect (create an association, appoint an officer, fix the
/// composition, reorganise, liquidate) in one transaction.
#[utoipa::path(post, path = "/api/v1/orders", tag = "orders", request_body = NewOrder,
    responses((status = 200, body = OrderBody), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    body: JsonIn<NewOrder>,
) -> ApiResult<OrderBody> {
    let b = json_body(body)?;
    let o = register(&state, &me, &ctx, b.municipality_id.map(MunicipalityId), &b.order).await?;
    let mut c = state.db.conn().await?;
    let composition = orders::snapshot(&mut c, o.id).await?;
    Ok(Json(OrderBody::new(&o, &composition)))
}

#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = "orders", params(("id" = i64, Path)),
    responses((status = 200, body = OrderBody), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(oid): Path<OrderId>,
) -> ApiResult<OrderBody> {
    let o = load(&state, &me, oid).await?;
    let mut c = state.db.conn().await?;
    let composition = orders::snapshot(&mut c, oid).await?;
    Ok(Json(OrderBody::new(&o, &composition)))
}

/// The order as a Word document in the usual Russian layout, generated from the data.
async fn docx(
    State(state): State<AppState>,
    Me(me, _): Me,
    Path(oid): Path<OrderId>,
) -> Result<axum::response::Response, AppError> {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    let o = load(&state, &me, oid).await?;
    let mut c = state.db.conn().await?;
    let m = municipalities::get(&mut c, o.municipality_id).await?;
    let snapshot = orders::snapshot(&mut c, oid).await?;
    let date = ru_date(o.order_date);
    let points = operative_points(&mut c, &o).await?;
    let appendix = (!snapshot.is_empty()).then(|| metoda_docs::order_docx::Appendix {
        title: format!(
            "Состав {} (приложение к приказу от {date} № {})",
            o.association_name.clone().unwrap_or_default(),
            o.number
        ),
        headers: vec![
            "№".into(),
            "ФИО".into(),
            "Образовательная организация".into(),
            "Должность".into(),
            "Роль в объединении".into(),
        ],
        rows: snapshot
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let role = s.role.map_or(String::new(), |r| r.label_ru().to_owned());
                vec![(i + 1).to_string(), s.full_name.clone(), s.organization_name.clone(), s.position.clone(), role]
            })
            .collect(),
    });
    let doc = metoda_docs::order_docx::OrderDoc {
        authority: m.authority_name.clone().unwrap_or_else(|| format!("Орган управления образованием: {}", m.name)),
        municipality: m.name.clone(),
        number: o.number.clone(),
        date,
        title: o.title.clone(),
        preamble: None,
        points,
        signed_by: o.signed_by.clone(),
        appendix,
    };
    let bytes = metoda_docs::order_docx::order_docx(&doc).map_err(AppError::internal)?;
    let mut r = bytes.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    );
    let name = format!("attachment; filename=\"order-{oid}.docx\"");
    r.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&name).unwrap_or(HeaderValue::from_static("attachment")),
    );
    Ok(r)
}

/// Attaches the scan of the signed order (PDF, JPEG or PNG, by content).
async fn scan_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(oid): Path<OrderId>,
    crate::extract::Multipart(mut mp): crate::extract::Multipart,
) -> PageResult {
    let o = load(&state, &me, oid).await?;
    let mut c = state.db.conn().await?;
    let m = municipalities::get(&mut c, o.municipality_id).await?;
    drop(c);
    require(&me, Action::Create, &res(&m))?;
    // An unreadable body is taken as no file chosen (the page says so).
    let file = crate::extract::read_upload(&mut mp, &[], "скан").await.unwrap_or_default().file;
    let refuse = |m: &str| Ok(redirect_with(&format!("/orders/{oid}"), &format!("Скан не принят: {m}"), &ctx));
    let Some((name, bytes)) = file else { return refuse("выберите файл") };
    if bytes.len() > metoda_domain::files::MAX_FILE_BYTES {
        return refuse("файл больше 20 МБ");
    }
    let ct = match metoda_domain::files::detect(&bytes) {
        Some((ct, _)) if ct == "application/pdf" || ct.starts_with("image/") => ct,
        _ => return refuse("нужен PDF, JPEG или PNG (тип определяется по содержимому)"),
    };
    let mut tx = state.db.begin().await?;
    let scope = metoda_store::audit::Scope { region_id: Some(m.region_id), municipality_id: Some(m.id) };
    let title = format!("Скан приказа № {}", o.number);
    let content = metoda_store::attachments::Content::File { name: &name, content_type: ct, bytes: &bytes };
    metoda_store::attachments::add(
        &mut tx,
        &ctx.actor(),
        scope,
        AttachmentOwner::Order,
        oid.get(),
        AttachmentKind::Scan,
        None,
        &title,
        content,
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with(&format!("/orders/{oid}"), "Скан приказа приложен", &ctx))
}

/// The points after «ПРИКАЗЫВАЮ:»: the typed text a point a line, or, when none was typed, the
/// standard points of the order's kind with the names it concerns (`orders::standard_points`).
/// Points are numbered by the page and the document; numbers typed by the user are dropped.
async fn operative_points(c: &mut metoda_store::Conn, o: &Order) -> Result<Vec<String>, AppError> {
    use metoda_domain::orders::{Effect, Named, standard_points};
    let typed: Vec<String> = o
        .body
        .as_deref()
        .unwrap_or("")
        .lines()
        .map(|l| strip_number(l.trim()).to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    if !typed.is_empty() {
        return Ok(typed);
    }
    let Ok(effect) = serde_json::from_str::<Effect>(&o.payload) else { return Ok(vec![]) };
    let person = match &effect {
        Effect::CreateAssociation { head_teacher_id: t, .. } | Effect::AppointOfficer { teacher_id: Some(t), .. } => {
            teachers::get(c, metoda_domain::ids::TeacherId(*t)).await.ok().map(|t| t.full_name())
        }
        Effect::AppointOfficer { user_id: Some(u), .. } => {
            users::get(c, metoda_domain::ids::UserId(*u)).await.ok().map(|u| u.full_name)
        }
        _ => None,
    };
    let named = Named {
        association: o.association_name.clone().unwrap_or_default(),
        person,
        year: metoda_domain::teachers::AcademicYear::containing(o.order_date).label(),
    };
    Ok(standard_points(&effect, &named))
}

/// A point's own numbering ("1. ", "2) ") is dropped — the document numbers the points — but a
/// point that starts with a number ("15 сентября провести…") keeps it.
fn strip_number(line: &str) -> &str {
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    match line[digits..].strip_prefix(['.', ')']) {
        Some(rest) if digits > 0 && (rest.is_empty() || rest.starts_with(' ')) => rest.trim_start(),
        _ => line,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_numbering_is_dropped() {
        assert_eq!(super::strip_number("1. Создать ММО."), "Создать ММО.");
        assert_eq!(super::strip_number("2) Назначить."), "Назначить.");
        assert_eq!(super::strip_number("15 сентября провести семинар."), "15 сентября провести семинар.");
        assert_eq!(super::strip_number("3.5% педагогов"), "3.5% педагогов");
    }
}
