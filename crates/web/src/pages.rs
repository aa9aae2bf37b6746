//! The page layout: title, navigation by role, the CSRF token for forms, flash messages, field
//! errors; the error page; the stylesheet.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use metoda_domain::FieldError;
use metoda_domain::access::{Action, Place, Resource, Role, ScopeKind};
use metoda_domain::time::LocalZone;

use crate::auth::{Ctx, Current, FLASH_COOKIE, set_cookie};
use crate::error::AppError;

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

/// What every page's frame needs.
pub struct Layout {
    pub title: String,
    pub user_name: Option<String>,
    pub roles: Vec<String>,
    pub nav: Vec<NavItem>,
    pub csrf: String,
    pub flash: Option<String>,
    pub errors: Vec<FieldError>,
    /// The time zone of the page's municipality: times are shown in it (UTC where none is
    /// involved, docs/decisions/0010-local-time.md).
    pub zone: LocalZone,
    /// The user works with scripts' tools (API tokens): those who oversee; anyone reaches them
    /// from the notification settings too.
    pub tools: bool,
    /// The user may read an audit trail (their menu has «Журнал изменений»): a record's page
    /// links to its history only then.
    pub audit: bool,
}

impl Layout {
    pub fn new(ctx: &Ctx, title: impl Into<String>, active: &str) -> Layout {
        let (user_name, roles, nav, tools) = match &ctx.current {
            Some(c) => (
                Some(c.user.full_name.clone()),
                c.grants.iter().map(|g| format!("{} — {}", g.role_label(), g.scope_name)).collect(),
                nav(c, active),
                oversees(c),
            ),
            None => (None, vec![], vec![], false),
        };
        Layout {
            audit: nav.iter().any(|n| n.href == "/audit"),
            title: title.into(),
            user_name,
            roles,
            nav,
            csrf: ctx.csrf().to_owned(),
            flash: ctx.flash.clone(),
            errors: vec![],
            zone: LocalZone::UTC,
            tools,
        }
    }

    /// Times on this page are local to this zone.
    pub fn with_zone(mut self, zone: LocalZone) -> Self {
        self.zone = zone;
        self
    }

    /// A stored timestamp in the page's time zone: `23.11.2026 18:59`.
    pub fn ts<T: AsRef<str>>(&self, s: T) -> String {
        self.zone.format(s.as_ref())
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }

    /// The error message of a field, if any.
    pub fn err(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    /// Errors not tied to a field shown on the form (listed at the top).
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
}

/// The places (region, municipality) the user holds grants in.
pub fn grant_places(c: &Current) -> Vec<Option<Place>> {
    c.principal
        .grants
        .iter()
        .map(|g| g.region_id.map(|r| Place { region_id: r, municipality_id: g.municipality_id }))
        .collect()
}

pub fn is_admin(c: &Current) -> bool {
    c.principal.grants.iter().any(|g| g.role == Role::Administrator)
}

/// The administrator, a region operator or a municipality's authority (head, specialist,
/// methodological cabinet): those who oversee associations rather than work in one.
pub fn oversees(c: &Current) -> bool {
    is_admin(c)
        || c.principal.grants.iter().any(|g| {
            matches!(g.role, Role::RegionOperator | Role::AuthorityHead | Role::AuthoritySpecialist | Role::CabinetHead)
        })
}

/// The navigation a user sees: only what their grants let them open, and of that what their
/// work uses.
fn nav(c: &Current, active: &str) -> Vec<NavItem> {
    let places = grant_places(c);
    let any = |f: &dyn Fn(Option<Place>) -> bool| is_admin(c) || places.iter().any(|p| f(*p));
    let mut items = vec![("/", "Главная")];
    if is_admin(c) {
        items.push(("/regions", "Регионы"));
    }
    if any(&|p| {
        p.is_some_and(|p| {
            c.may(Action::Create, &Resource::Municipality { region_id: p.region_id, municipality_id: None })
        })
    }) {
        items.push(("/municipalities", "Муниципалитеты"));
    }
    if c.principal.grants.iter().any(|g| g.role.scope_kind() != ScopeKind::System) || is_admin(c) {
        items.push(("/organizations", "Организации"));
    }
    if !metoda_domain::access::teacher_scope(&c.principal).is_empty() {
        items.push(("/teachers", "Педагоги"));
    }
    if c.principal.grants.iter().any(|g| g.municipality_id.is_some())
        || is_admin(c)
        || any(&|p| {
            p.is_some_and(|p| {
                c.may(Action::Create, &Resource::Municipality { region_id: p.region_id, municipality_id: None })
            })
        })
    {
        items.push(("/associations", "Объединения"));
        items.push(("/events", "Мероприятия"));
        // The register of orders and the overview of analyses are the authority's work; an
        // association's people reach their orders and analysis from the association's page.
        if oversees(c) {
            items.push(("/control", "Контроль"));
            items.push(("/orders", "Приказы"));
            items.push(("/analysis", "Анализы"));
        }
    }
    if is_admin(c)
        || c.principal
            .grants
            .iter()
            .any(|g| matches!(g.role, Role::AuthorityHead | Role::AuthoritySpecialist | Role::CabinetHead))
    {
        items.push(("/results/pending", "Подтверждение результатов"));
    }
    if oversees(c) {
        items.push(("/profiles", "Профили положений"));
    }
    if any(&|p| c.may(Action::View, &Resource::User { place: p })) {
        items.push(("/users", "Пользователи"));
    }
    if any(&|p| c.may(Action::View, &Resource::Audit { place: p })) {
        items.push(("/audit", "Журнал изменений"));
    }
    items.push(("/notifications", "Уведомления"));
    items.into_iter().map(|(href, label)| NavItem { href, label, active: href == active }).collect()
}

/// One person offered by a picker (`templates/_picker.html`): the value the form submits, the name
/// shown, and whether the person is chosen.
pub struct Choice {
    pub value: i64,
    pub label: String,
    pub chosen: bool,
}

/// The picker's choices of `(id, name)` pairs, those `chosen` marked.
pub fn choices(items: &[(i64, String)], chosen: impl Fn(i64) -> bool) -> Vec<Choice> {
    items.iter().map(|(value, label)| Choice { value: *value, label: label.clone(), chosen: chosen(*value) }).collect()
}

/// No one of the picker's choices is chosen.
pub fn none_chosen(items: &[Choice]) -> bool {
    !items.iter().any(|c| c.chosen)
}

/// Renders a template into a response.
pub fn render(t: &impl Template) -> Result<Response, AppError> {
    Ok(Html(t.render()?).into_response())
}

/// Renders a template with a status (422 for a form with errors).
pub fn render_status(status: StatusCode, t: &impl Template) -> Result<Response, AppError> {
    Ok((status, Html(t.render()?)).into_response())
}

/// A redirect after a successful POST, with a one-time message for the next page.
pub fn redirect_with(to: &str, message: &str, ctx: &Ctx) -> Response {
    let mut r = Redirect::to(to).into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, set_cookie(FLASH_COOKIE, &hex::encode(message.as_bytes()), Some(60), ctx.https));
    r
}

pub fn decode_flash(v: &str) -> Option<String> {
    let bytes = hex::decode(v).ok()?;
    String::from_utf8(bytes).ok().filter(|s| !s.is_empty() && s.chars().count() <= 300)
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    message: &'a str,
    fields: &'a [FieldError],
}

/// The page of an error (used where no layout context is at hand).
pub fn error_page(status: u16, message: &str, fields: &[FieldError]) -> String {
    ErrorPage { status, message, fields }.render().unwrap_or_else(|_| format!("Ошибка {status}: {message}"))
}

pub async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::error::ApiError(AppError::NotFound).into_response();
    }
    AppError::NotFound.into_response()
}

const CSS: &str = include_str!("../static/app.css");
const JS: &str = include_str!("../static/app.js");

pub async fn css() -> Response {
    let mut r = CSS.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    r
}

pub async fn js() -> Response {
    let mut r = JS.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8"));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    r
}

/// The content type of a Word document.
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
/// The content type of an Excel workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A generated or stored file named `name` (Cyrillic kept: `filename*` per RFC 5987, with an
/// ASCII `filename` for old clients). A PDF, PNG or JPEG (a scan) opens in the browser, in a
/// sandbox (no scripts, no forms); anything else downloads.
pub fn download(bytes: Vec<u8>, content_type: &str, name: &str) -> Response {
    let mut r = bytes.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    let inline = matches!(content_type, "application/pdf" | "image/png" | "image/jpeg");
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' }).collect();
    let disposition = format!(
        "{}; filename=\"{ascii}\"; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        encode_filename(name)
    );
    r.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
    );
    if inline {
        r.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox"));
    }
    r
}

/// Splits a form body into pairs (repeated keys kept, for checkboxes).
pub fn pairs(body: &[u8]) -> Result<Vec<(String, String)>, AppError> {
    crate::extract::urlencoded_utf8(body, "Не удалось прочитать форму")?;
    serde_urlencoded::from_bytes(body).map_err(|_| AppError::BadRequest("Не удалось прочитать форму".into()))
}

/// The value of a form field (first occurrence), or "".
pub fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

/// A stored timestamp as a Russian reader expects it: `23.11.2026 18:59` (UTC; a page shows
/// local time with [`Layout::ts`], a document with [`LocalZone::format`]).
pub fn ts<T: AsRef<str>>(s: T) -> String {
    let s = s.as_ref();
    match (s.get(0..4), s.get(5..7), s.get(8..10), s.get(11..16)) {
        (Some(y), Some(m), Some(d), Some(hm)) => format!("{d}.{m}.{y} {hm}"),
        _ => s.to_owned(),
    }
}

/// A stored date (`YYYY-MM-DD`) as a Russian reader expects it: `01.09.2026`.
pub fn d<T: Shown>(s: T) -> String {
    s.shown()
}

/// A date as a page shows it: a typed date, or a stored `YYYY-MM-DD` text (anything else is
/// shown as it is).
pub trait Shown {
    fn shown(&self) -> String;
}

impl Shown for time::Date {
    fn shown(&self) -> String {
        metoda_domain::values::ru_date(*self)
    }
}

impl Shown for str {
    fn shown(&self) -> String {
        match (self.get(0..4), self.get(5..7), self.get(8..10)) {
            (Some(y), Some(m), Some(day)) if self.len() == 10 => format!("{day}.{m}.{y}"),
            _ => self.to_owned(),
        }
    }
}

impl Shown for String {
    fn shown(&self) -> String {
        self.as_str().shown()
    }
}

impl<T: Shown + ?Sized> Shown for &T {
    fn shown(&self) -> String {
        (**self).shown()
    }
}

/// How a page shows the refusal of a form: refused input (422, 409) is shown on the page with
/// its messages (a conflict at the field `name`); any other error is the error page.
pub fn shown(refusal: Option<AppError>) -> Result<(StatusCode, Vec<FieldError>), AppError> {
    shown_at(refusal, "name")
}

/// [`shown`] with a conflict told at `field` (see [`refused_at`]).
pub fn shown_at(refusal: Option<AppError>, field: &str) -> Result<(StatusCode, Vec<FieldError>), AppError> {
    match refusal {
        None => Ok((StatusCode::OK, vec![])),
        Some(e @ (AppError::Validation(_) | AppError::Conflict(_))) => Ok(refused_at(e, field)),
        Some(e) => Err(e),
    }
}

/// A refused form's status and field errors (as `municipalities::form_errors`), a conflict — a
/// refusal of the whole act — told at `field`: a field of the form that was sent, so that a
/// page of several forms shows it at that form ("": at the top of the page only).
pub fn refused_at(e: AppError, field: &str) -> (StatusCode, Vec<FieldError>) {
    match e {
        AppError::Conflict(m) => (StatusCode::CONFLICT, vec![FieldError::new(field, m)]),
        e => crate::features::municipalities::form_errors(e),
    }
}

/// Whether the error is a save refused because the record changed since it was read.
pub fn is_stale(e: &AppError) -> bool {
    matches!(e, AppError::Conflict(m) if m == metoda_store::STALE)
}

/// After a stale save: for every field where the record now differs from what the user typed,
/// a note beside the field with the current value, so the user's input stays and can be compared.
pub fn current_values<T: serde::Serialize>(
    current: &T,
    typed: &T,
    label: fn(&str) -> Option<&'static str>,
) -> Vec<FieldError> {
    current_values_as(current, typed, label, |_| None)
}

/// [`current_values`] where `shown` gives the words for the current value of a field whose stored
/// value is a code or an id (a direction, an organization, a month); None: the value itself.
pub fn current_values_as<T: serde::Serialize>(
    current: &T,
    typed: &T,
    label: fn(&str) -> Option<&'static str>,
    shown: impl Fn(&str) -> Option<String>,
) -> Vec<FieldError> {
    let (Ok(serde_json::Value::Object(now)), Ok(serde_json::Value::Object(mine))) =
        (serde_json::to_value(current), serde_json::to_value(typed))
    else {
        return vec![];
    };
    let show = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) if s.is_empty() => "не заполнено".to_owned(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "не заполнено".to_owned(),
        serde_json::Value::Bool(true) => "да".to_owned(),
        serde_json::Value::Bool(false) => "нет".to_owned(),
        other => other.to_string(),
    };
    now.iter()
        .filter(|(k, v)| mine.get(*k).is_some_and(|m| m != *v))
        .filter_map(|(k, v)| {
            let value = shown(k).unwrap_or_else(|| show(v));
            label(k).map(|l| FieldError::new(k.clone(), format!("{l}: сейчас в записи — {value}")))
        })
        .collect()
}

/// A page form whose save carries the version of the record it was based on (decision 0011).
pub trait VersionedForm: serde::Serialize {
    fn version_mut(&mut self) -> &mut Option<i64>;
}

/// A refused form save, to re-show with the user's input kept: its status and field errors. After
/// a stale save also, beside each field that differs, the value now in the record (`now`: the
/// record as the form shows it), and the typed form takes the current version, so saving again
/// (having seen the other change) goes through.
pub fn refused<F: VersionedForm>(
    e: AppError,
    typed: &mut F,
    mut now: F,
    label: fn(&str) -> Option<&'static str>,
) -> (StatusCode, Vec<FieldError>) {
    let stale = is_stale(&e);
    let (status, mut errors) = crate::features::municipalities::form_errors(e);
    if stale {
        errors.extend(current_values(&now, typed, label));
        *typed.version_mut() = now.version_mut().take();
    }
    (status, errors)
}

/// The links under a paged list (`templates/_pager.html`, included where the page has a `pager`).
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    /// The list's address with its query; `page=N` is added to it.
    href: String,
}

impl Pager {
    pub fn new(paging: metoda_domain::paging::Paging, total: i64, href: impl Into<String>) -> Pager {
        Pager { page: paging.page, pages: paging.pages(total), total, href: href.into() }
    }

    /// The address of page `n`.
    pub fn link(&self, n: i64) -> String {
        let join = if self.href.contains('?') { "&" } else { "?" };
        format!("{}{join}page={n}", self.href)
    }
}

/// Percent-encodes a file name for `filename*=UTF-8''…` (RFC 5987).
pub fn encode_filename(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A date as pages write it («1 июля 2027 г.» style of `ru_date`), callable on a date behind any
/// number of references in a template: `d.ru()`.
pub trait RuDate {
    fn ru(&self) -> String;
}

impl RuDate for time::Date {
    fn ru(&self) -> String {
        metoda_domain::values::ru_date(*self)
    }
}
