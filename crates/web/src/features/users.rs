//! User accounts and their roles: the administrator and region operators manage them in their
//! region, the authority in its municipality.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use metoda_domain::FieldError;
use metoda_domain::access::{Action, Held, Place, Resource, Role, ScopeKind, may_manage_account};
use metoda_domain::directory::{GrantInput, UserInput};
use metoda_domain::ids::{MunicipalityId, TeacherId, UserId, plain_choices};
use metoda_domain::paging::Paging;
use metoda_domain::values;
use metoda_store::Conn;
use metoda_store::teachers::{self, Teacher};
use metoda_store::users::{self, GrantRow, User};
use metoda_store::{StoreError, associations, municipalities, organizations, regions};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{ApiMe, Ctx, Current, Me, require};
use crate::error::{ApiResult, AppError, JsonIn, PageResult, json_body};
use crate::extract::{Form, Path, Query};
use crate::features::municipalities::form_errors;
use crate::pages::{Layout, redirect_with, render_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/users", get(list_page).post(create_submit))
        .route("/users/{id}", get(view_page).post(update_submit))
        .route("/users/{id}/grants", post(grant_submit))
        .route("/users/{id}/grants/{gid}/revoke", post(revoke_submit))
        .route("/users/{id}/password", post(password_submit))
        .route("/users/{id}/archive", post(archive_submit))
        .route("/users/{id}/restore", post(restore_submit))
        .route("/users/{id}/teacher", post(link_submit))
        .route("/users/{id}/teacher/unlink", post(unlink_submit))
        .route("/api/v1/users", get(api_list).post(api_create))
        .route("/api/v1/users/{id}", get(api_get).put(api_update))
        .route("/api/v1/users/{id}/grants", post(api_grant))
        .route("/api/v1/users/{id}/grants/{gid}", axum::routing::delete(api_revoke))
        .route("/api/v1/users/{id}/teacher", axum::routing::put(api_link).delete(api_unlink))
}

fn home(u: &User) -> Option<Place> {
    u.region_id.map(|r| Place { region_id: r, municipality_id: u.municipality_id })
}

fn res(u: &User) -> Resource {
    Resource::User { place: home(u) }
}

/// The roles an account holds, each with the place of its grant.
fn holds(grants: &[GrantRow]) -> Vec<Held> {
    grants
        .iter()
        .map(|g| Held {
            role: g.role,
            place: g.region_id.map(|r| Place { region_id: r, municipality_id: g.municipality_id }),
        })
        .collect()
}

/// May the user manage (edit, block, reset the password of, change the roles of) this account,
/// which holds `grants`? Only when the user's rights cover every role it holds
/// ([`may_manage_account`]); administrators by administrators only.
pub fn may_manage(me: &Current, u: &User, grants: &[GrantRow]) -> bool {
    may_manage_account(&me.principal, home(u), &holds(grants))
}

/// May the user see this account (its page, its login on a teacher's card)?
pub fn may_see(me: &Current, u: &User) -> bool {
    if home(u).is_none() { crate::pages::is_admin(me) } else { me.may(Action::View, &res(u)) }
}

/// Loads an account the user may see (`View`) or manage (any other action).
async fn load(state: &AppState, me: &Current, id: UserId, action: Action) -> Result<User, AppError> {
    let mut c = state.db.conn().await?;
    let u = users::get(&mut c, id).await?;
    if !may_see(me, &u) {
        return Err(AppError::Forbidden);
    }
    if action != Action::View {
        let grants = users::grants(&mut c, id).await?;
        if !may_manage(me, &u, &grants) || home(&u).is_some() && !me.may(action, &res(&u)) {
            return Err(AppError::Forbidden);
        }
    }
    Ok(u)
}

/// Accounts a page at a time.
const PER_PAGE: i64 = 50;

/// Whose accounts the user may see, and the municipalities among them (for the filter). Which
/// homes are visible is decided here; the lists filter in the database.
async fn homes(c: &mut Conn, me: &Current) -> Result<(users::Homes, Vec<(MunicipalityId, String)>), AppError> {
    let seen = |place: Place| me.may(Action::View, &Resource::User { place: Some(place) });
    let munis: Vec<(MunicipalityId, String)> = municipalities::list(&mut *c, None, true)
        .await?
        .into_iter()
        .filter(|m| seen(Place { region_id: m.region_id, municipality_id: Some(m.id) }))
        .map(|m| (m.id, m.name))
        .collect();
    let homes = users::Homes {
        municipalities: munis.iter().map(|m| m.0).collect(),
        regions: regions::list(&mut *c, None)
            .await?
            .into_iter()
            .filter(|r| seen(Place { region_id: r.id, municipality_id: None }))
            .map(|r| r.id)
            .collect(),
        homeless: crate::pages::is_admin(me),
    };
    Ok((homes, munis))
}

/// True when `homes` lets the user see no account at all.
fn sees_none(h: &users::Homes) -> bool {
    h.municipalities.is_empty() && h.regions.is_empty() && !h.homeless
}

/// A scope a role can be granted in, for the select: `kind:id` and a label.
#[derive(Debug, Clone)]
pub struct ScopeOption {
    pub value: String,
    pub label: String,
    pub kind: ScopeKind,
    pub id: i64,
    pub place: Place,
}

/// The scopes where the user may grant at least one role: every region and municipality, and
/// the associations and organizations of `within` (a region has thousands of them: the form
/// offers those of one municipality at a time). Without `within`, those of the only municipality
/// where the user may grant, when there is one.
async fn grantable_scopes(c: &mut Conn, me: &Current, within: Option<MunicipalityId>) -> Result<GrantScopes, AppError> {
    let mut out = vec![];
    let mut push = |kind: ScopeKind, id: i64, label: String, place: Place| {
        let ok = Role::ALL.iter().any(|r| {
            r.scope_kind() == kind && me.may(Action::Create, &Resource::Grant { role: *r, place: Some(place) })
        });
        if ok {
            out.push(ScopeOption { value: format!("{}:{id}", kind.code()), label, kind, id, place });
        }
    };
    for r in regions::list(&mut *c, None).await? {
        push(
            ScopeKind::Region,
            r.id.get(),
            format!("Регион: {}", r.name),
            Place { region_id: r.id, municipality_id: None },
        );
    }
    let munis = municipalities::list(&mut *c, None, false).await?;
    for m in &munis {
        push(
            ScopeKind::Municipality,
            m.id.get(),
            format!("Муниципалитет: {}", m.name),
            Place { region_id: m.region_id, municipality_id: Some(m.id) },
        );
    }
    // Where associations' and organizations' roles may be granted: municipalities whose place
    // allows one of those roles.
    let inner = |m: &municipalities::Municipality| {
        let place = Place { region_id: m.region_id, municipality_id: Some(m.id) };
        Role::ALL.iter().any(|r| {
            matches!(r.scope_kind(), ScopeKind::Association | ScopeKind::Organization)
                && me.may(Action::Create, &Resource::Grant { role: *r, place: Some(place) })
        })
    };
    let places: Vec<&municipalities::Municipality> = munis.iter().filter(|m| inner(m)).collect();
    let within = match within {
        Some(w) => places.iter().find(|m| m.id == w).copied(),
        None if places.len() == 1 => Some(places[0]),
        None => None,
    };
    if let Some(m) = within {
        for a in associations::refs_of_municipalities(&mut *c, &[m.id]).await? {
            if a.archived_at.is_none() {
                push(
                    ScopeKind::Association,
                    a.id.get(),
                    format!("Объединение: {}", a.name),
                    Place { region_id: a.region_id, municipality_id: Some(a.municipality_id) },
                );
            }
        }
        let f = organizations::Filter { municipality_id: Some(m.id), ..Default::default() };
        for o in organizations::list(&mut *c, &f).await? {
            push(
                ScopeKind::Organization,
                o.id.get(),
                format!("Организация: {}", o.short_name),
                Place { region_id: o.region_id, municipality_id: Some(o.municipality_id) },
            );
        }
    }
    let places = if places.len() > 1 {
        places.iter().map(|m| (m.id.get(), m.name.clone(), within.is_some_and(|w| w.id == m.id))).collect()
    } else {
        vec![]
    };
    Ok(GrantScopes { options: out, places, within: within.map(|m| m.name.clone()) })
}

/// What the grant forms offer.
#[derive(Debug, Default)]
pub struct GrantScopes {
    pub options: Vec<ScopeOption>,
    /// Municipalities to choose from for the associations' and organizations' roles (id, name,
    /// chosen); empty when the user may grant those in one municipality at most.
    pub places: Vec<(i64, String, bool)>,
    /// The municipality whose associations and organizations are offered.
    pub within: Option<String>,
}

/// Roles the user may grant somewhere (for the select): an association's or organization's role
/// counts where its municipality is offered, even before that municipality's associations are.
fn grantable_roles(me: &Current, scopes: &[ScopeOption]) -> Vec<(&'static str, &'static str)> {
    Role::ALL
        .iter()
        .filter(|r| {
            (**r == Role::Administrator && crate::pages::is_admin(me))
                || scopes.iter().any(|s| me.may(Action::Create, &Resource::Grant { role: **r, place: Some(s.place) }))
        })
        .map(|r| (r.code(), r.label_ru()))
        .collect()
}

/// Parses a role and a `kind:id` (or bare id) scope, checks that the user may grant it there,
/// and resolves the scope's ids.
async fn check_grant(
    state: &AppState,
    me: &Current,
    role: &str,
    scope: &str,
) -> Result<(Role, users::ScopeIds, Option<Place>), AppError> {
    let scope_id = scope.rsplit(':').next().and_then(|s| s.trim().parse::<i64>().ok());
    let (role, scope_id) = GrantInput { role: role.into(), scope_id }.parse().map_err(AppError::Validation)?;
    if let Some((kind, _)) = scope.split_once(':')
        && kind != role.scope_kind().code()
    {
        return Err(AppError::Validation(vec![FieldError::new(
            "scope",
            format!("Роль «{}» назначается в области: {}", role.label_ru(), role.scope_kind().label_ru()),
        )]));
    }
    let mut c = state.db.conn().await?;
    let ids = users::resolve_scope(&mut c, role.scope_kind(), scope_id).await?;
    let place = ids.0.map(|r| Place { region_id: r, municipality_id: ids.1 });
    let allowed = if role == Role::Administrator {
        crate::pages::is_admin(me)
    } else {
        me.may(Action::Create, &Resource::Grant { role, place })
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    Ok((role, ids, place))
}

/// Creates an account with its first role; its home follows from the role's scope.
async fn create(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    input: &UserInput,
    role: &str,
    scope: &str,
) -> Result<User, AppError> {
    let d = input.parse(true);
    let g = check_grant(state, me, role, scope).await;
    let (d, (role, ids, place)) = match (d, g) {
        (Ok(d), Ok(g)) => (d, g),
        (Err(mut a), Err(AppError::Validation(b))) => {
            a.extend(b);
            return Err(AppError::Validation(a));
        }
        (Err(a), _) => return Err(AppError::Validation(a)),
        (_, Err(e)) => return Err(e),
    };
    if place.is_some() {
        require(me, Action::Create, &Resource::User { place })?;
    }
    let mut tx = state.db.begin().await?;
    let u = users::create(&mut tx, &ctx.actor(), ids.0, ids.1, &d).await?;
    users::add_grant(&mut tx, &ctx.actor(), u.id, role, ids).await?;
    tx.commit().await?;
    Ok(u)
}

async fn update(state: &AppState, me: &Current, ctx: &Ctx, id: UserId, b: &UserUpdate) -> Result<User, AppError> {
    let u = load(state, me, id, Action::Update).await?;
    let input = UserInput {
        login: u.login.clone(),
        full_name: b.full_name.clone(),
        email: b.email.clone(),
        password: b.password.clone(),
    };
    let d = input.parse(false).map_err(AppError::Validation)?;
    let mut tx = state.db.begin().await?;
    let u = users::update(&mut tx, &ctx.actor(), id, &d, b.version).await?;
    if d.password.is_some() {
        metoda_store::sessions::delete_others(&mut tx, id, None).await?;
    }
    tx.commit().await?;
    Ok(u)
}

async fn add_grant(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: UserId,
    role: &str,
    scope: &str,
) -> Result<GrantRow, AppError> {
    load(state, me, id, Action::Update).await?;
    let (role, ids, _) = check_grant(state, me, role, scope).await?;
    let mut tx = state.db.begin().await?;
    let g = users::add_grant(&mut tx, &ctx.actor(), id, role, ids).await?;
    tx.commit().await?;
    Ok(g)
}

async fn revoke(state: &AppState, me: &Current, ctx: &Ctx, id: UserId, gid: i64) -> Result<(), AppError> {
    load(state, me, id, Action::Update).await?;
    let mut tx = state.db.begin().await?;
    let g = users::grant(&mut tx, gid).await?;
    if g.user_id != id {
        return Err(AppError::NotFound);
    }
    let role = g.role;
    let place = g.region_id.map(|r| Place { region_id: r, municipality_id: g.municipality_id });
    if !metoda_domain::access::may_revoke_grant(&me.principal, role, place) {
        return Err(AppError::Forbidden);
    }
    if id == me.user.id && role == Role::Administrator {
        return Err(AppError::Conflict("Нельзя снять с себя роль администратора".into()));
    }
    users::remove_grant(&mut tx, &ctx.actor(), gid).await?;
    tx.commit().await?;
    Ok(())
}

async fn set_archived(state: &AppState, me: &Current, ctx: &Ctx, id: UserId, archived: bool) -> Result<User, AppError> {
    load(state, me, id, Action::Archive).await?;
    if id == me.user.id {
        return Err(AppError::Conflict("Нельзя заблокировать собственную учётную запись".into()));
    }
    let mut tx = state.db.begin().await?;
    let u = users::set_archived(&mut tx, &ctx.actor(), id, archived).await?;
    tx.commit().await?;
    Ok(u)
}

// ---- the account's teacher record ----

/// May the user link this account to teacher records at all: they manage the account and may
/// update teacher records of its municipality (the authority, the administrator). Each record is
/// checked as well ([`link`]); this gate also answers when there is no record to check.
/// `manages`: the user may manage the account ([`may_manage`]).
fn may_link_here(me: &Current, u: &User, manages: bool) -> bool {
    let home = u.region_id.map(|region_id| Place { region_id, municipality_id: u.municipality_id });
    metoda_domain::access::may_link_account(&me.principal, home, manages)
}

fn no_record() -> AppError {
    AppError::Validation(vec![FieldError::new("teacher_id", "Запись педагога: выберите педагога из банка данных")])
}

/// Links the account to a teacher record: whoever manages the account and may update the record.
async fn link(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: UserId,
    teacher_id: Option<TeacherId>,
) -> Result<Teacher, AppError> {
    let u = load(state, me, id, Action::Update).await?;
    if u.municipality_id.is_none() {
        return Err(AppError::Validation(vec![FieldError::new(
            "teacher_id",
            "К записи педагога привязывается только учётная запись муниципалитета",
        )]));
    }
    if !may_link_here(me, &u, true) {
        return Err(AppError::Forbidden);
    }
    let tid = teacher_id.ok_or_else(no_record)?;
    let mut c = state.db.conn().await?;
    let t = match teachers::get(&mut c, tid).await {
        Ok(t) => t,
        Err(StoreError::NotFound) => return Err(no_record()),
        Err(e) => return Err(e.into()),
    };
    let m = teachers::memberships(&mut c, tid).await?;
    drop(c);
    if !crate::features::teachers::can(me, Action::Update, &t, &m) {
        return Err(AppError::Forbidden);
    }
    let mut tx = state.db.begin().await?;
    let t = teachers::link_account(&mut tx, &ctx.actor(), tid, id).await?;
    tx.commit().await?;
    Ok(t)
}

/// Unlinks the account from its teacher record (the same people as [`link`]).
async fn unlink(state: &AppState, me: &Current, ctx: &Ctx, id: UserId) -> Result<Teacher, AppError> {
    let u = load(state, me, id, Action::Update).await?;
    if u.municipality_id.is_some() && !may_link_here(me, &u, true) {
        return Err(AppError::Forbidden);
    }
    let mut c = state.db.conn().await?;
    if let Some(t) = teachers::of_user(&mut c, id).await? {
        let m = teachers::memberships(&mut c, t.id).await?;
        if !crate::features::teachers::can(me, Action::Update, &t, &m) {
            return Err(AppError::Forbidden);
        }
    }
    drop(c);
    let mut tx = state.db.begin().await?;
    let t = teachers::unlink_account(&mut tx, &ctx.actor(), id).await?;
    tx.commit().await?;
    Ok(t)
}

// ---- pages ----

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct ListQuery {
    municipality_id: Option<String>,
    /// A part of a login or a name.
    q: Option<String>,
    page: Option<i64>,
}

impl ListQuery {
    fn municipality(&self) -> Option<MunicipalityId> {
        self.municipality_id.as_deref().and_then(|s| s.parse().ok())
    }
    fn text(&self) -> Option<&str> {
        self.q.as_deref().map(str::trim).filter(|t| !t.is_empty())
    }
    /// The list's address with this filter (for the pager).
    fn href(&self) -> String {
        let m = self.municipality().map(|m| m.to_string());
        let pairs: Vec<(&str, &str)> = [("municipality_id", m.as_deref()), ("q", self.text())]
            .into_iter()
            .filter_map(|(k, v)| Some((k, v?)))
            .collect();
        let qs = serde_urlencoded::to_string(pairs).unwrap_or_default();
        if qs.is_empty() { "/users".into() } else { format!("/users?{qs}") }
    }
}

/// The municipality of a typed `kind:id` scope (an association's or organization's, or the
/// municipality itself): the grant forms re-shown after a refusal offer its associations and
/// organizations, so that the scope typed stays chosen.
async fn scope_municipality(state: &AppState, scope: &str) -> Option<MunicipalityId> {
    let (kind, id) = scope.split_once(':')?;
    let id: i64 = id.trim().parse().ok()?;
    let mut c = state.db.conn().await.ok()?;
    match kind {
        "municipality" => Some(MunicipalityId(id)),
        "association" => {
            associations::get(&mut c, metoda_domain::ids::AssociationId(id)).await.ok().map(|a| a.municipality_id)
        }
        "organization" => {
            organizations::get(&mut c, metoda_domain::ids::OrganizationId(id)).await.ok().map(|o| o.municipality_id)
        }
        _ => None,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewForm {
    login: String,
    full_name: String,
    email: String,
    password: String,
    role: String,
    scope: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct ListPage {
    l: Layout,
    items: Vec<User>,
    pager: crate::pages::Pager,
    query: ListQuery,
    municipalities: Vec<(MunicipalityId, String)>,
    scopes: GrantScopes,
    roles: Vec<(&'static str, &'static str)>,
    form: NewFormView,
}

#[derive(Default)]
struct NewFormView {
    login: String,
    full_name: String,
    email: String,
    role: String,
    scope: String,
}

async fn list_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    query: ListQuery,
    form: NewFormView,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let mut c = state.db.conn().await?;
    let (homes, municipalities) = homes(&mut c, me).await?;
    let scopes = grantable_scopes(&mut c, me, query.municipality()).await?;
    if sees_none(&homes) && scopes.options.is_empty() {
        return Err(AppError::Forbidden);
    }
    let paging = Paging::new(query.page, PER_PAGE);
    let (items, total) = users::page(&mut c, &homes, query.municipality(), query.text(), paging).await?;
    drop(c);
    let roles = grantable_roles(me, &scopes.options);
    render_status(
        status,
        &ListPage {
            l: Layout::new(ctx, "Пользователи", "/users").with_errors(errors),
            items,
            pager: crate::pages::Pager::new(paging, total, query.href()),
            query,
            municipalities,
            scopes,
            roles,
            form,
        },
    )
}

async fn list_page(State(state): State<AppState>, Me(me, ctx): Me, Query(q): Query<ListQuery>) -> PageResult {
    list_with(&state, &me, &ctx, q, NewFormView::default(), vec![], StatusCode::OK).await
}

async fn create_submit(State(state): State<AppState>, Me(me, ctx): Me, Form(f): Form<NewForm>) -> PageResult {
    let input = UserInput {
        login: f.login.clone(),
        full_name: f.full_name.clone(),
        email: f.email.clone(),
        password: f.password,
    };
    match create(&state, &me, &ctx, &input, &f.role, &f.scope).await {
        Ok(u) => Ok(redirect_with(&format!("/users/{}", u.id), &format!("Пользователь {} создан", u.login), &ctx)),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (status, mut errors) = form_errors(e);
            for err in &mut errors {
                if err.field == "name" {
                    err.field = "login".into();
                }
                if err.field == "scope_id" {
                    err.field = "scope".into();
                }
            }
            // The list of the typed scope's municipality: its associations and organizations are
            // offered, the one typed chosen.
            let query = ListQuery {
                municipality_id: scope_municipality(&state, &f.scope).await.map(|m| m.to_string()),
                ..ListQuery::default()
            };
            let form =
                NewFormView { login: f.login, full_name: f.full_name, email: f.email, role: f.role, scope: f.scope };
            list_with(&state, &me, &ctx, query, form, errors, status).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "user.html")]
struct ViewPage {
    l: Layout,
    u: User,
    grants: Vec<GrantRow>,
    can_edit: bool,
    can_archive: bool,
    scopes: GrantScopes,
    roles: Vec<(&'static str, &'static str)>,
    is_self: bool,
    teacher: TeacherBlock,
    /// The edit form: the record, or what the user typed.
    form: EditForm,
    /// The grant form as typed when it was refused (empty otherwise).
    grant: GrantForm,
}

/// The block «Запись в банке педагогов» of the user page.
#[derive(Default)]
struct TeacherBlock {
    /// Shown at all: the account belongs to a municipality and is linked, or may be.
    shown: bool,
    /// The linked record, when the reader may see it: (id, "ФИО (организация)").
    linked: Option<(i64, String)>,
    /// Linked to a record the reader may not see.
    linked_hidden: bool,
    /// The reader may link and unlink.
    can_link: bool,
    /// Records of the municipality without an account, for the select.
    choices: Vec<(i64, String)>,
}

async fn teacher_block(c: &mut Conn, me: &Current, u: &User, manages: bool) -> Result<TeacherBlock, AppError> {
    let Some(municipality_id) = u.municipality_id else { return Ok(TeacherBlock::default()) };
    let can_link = may_link_here(me, u, manages);
    let mut block = TeacherBlock { can_link, ..Default::default() };
    match teachers::of_user(&mut *c, u.id).await? {
        Some(t) => {
            let m = teachers::memberships(&mut *c, t.id).await?;
            if crate::features::teachers::can(me, Action::View, &t, &m) {
                block.linked = Some((t.id.get(), format!("{} ({})", t.full_name(), t.organization_name)));
            } else {
                block.linked_hidden = true;
            }
            block.can_link = can_link && crate::features::teachers::can(me, Action::Update, &t, &m);
        }
        None if can_link && u.archived_at.is_none() => {
            block.choices = plain_choices(teachers::without_account(&mut *c, municipality_id).await?);
        }
        None => {}
    }
    block.shown = block.linked.is_some() || block.linked_hidden || can_link;
    Ok(block)
}

/// The user page; `form`: the edit form as the user typed it (None: as recorded); `grant`: the
/// grant form as typed.
#[allow(clippy::too_many_arguments)]
async fn view_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: UserId,
    form: Option<EditForm>,
    grant: GrantForm,
    scopes_of: Option<MunicipalityId>,
    (status, errors): (StatusCode, Vec<FieldError>),
) -> PageResult {
    let u = load(state, me, id, Action::View).await?;
    let mut c = state.db.conn().await?;
    let grants = users::grants(&mut c, id).await?;
    let can_edit = may_manage(me, &u, &grants);
    let can_archive = can_edit && (home(&u).is_none() || me.may(Action::Archive, &res(&u)));
    let scopes = if can_edit {
        grantable_scopes(&mut c, me, scopes_of.or(u.municipality_id)).await?
    } else {
        GrantScopes::default()
    };
    let roles = grantable_roles(me, &scopes.options);
    let teacher = teacher_block(&mut c, me, &u, can_edit).await?;
    let zone = crate::features::user_zone(&mut c, me).await?;
    drop(c);
    let page = ViewPage {
        l: Layout::new(ctx, u.full_name.clone(), "/users").with_errors(errors).with_zone(zone),
        is_self: u.id == me.user.id,
        form: form.unwrap_or_else(|| form_of(&u)),
        grant,
        u,
        grants,
        can_edit,
        can_archive,
        scopes,
        roles,
        teacher,
    };
    render_status(status, &page)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ViewQuery {
    /// The municipality whose associations and organizations the grant form offers.
    scopes_of: Option<String>,
}

async fn view_page(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<UserId>,
    Query(q): Query<ViewQuery>,
) -> PageResult {
    let scopes_of = q.scopes_of.and_then(|s| s.parse().ok());
    view_with(&state, &me, &ctx, id, None, GrantForm::default(), scopes_of, (StatusCode::OK, vec![])).await
}

/// Re-shows the user page with the errors of a failed form, or follows the error.
async fn or_reshow(state: &AppState, me: &Current, ctx: &Ctx, id: UserId, e: AppError) -> PageResult {
    match e {
        e @ (AppError::Validation(_) | AppError::Conflict(_)) => {
            let (status, errors) = form_errors(e);
            view_with(state, me, ctx, id, None, GrantForm::default(), None, (status, errors)).await
        }
        e => Err(e),
    }
}

#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
struct EditForm {
    full_name: String,
    email: String,
    /// The version of the account the edit is based on (the hidden field).
    #[serde(deserialize_with = "metoda_domain::values::de_version")]
    version: Option<i64>,
}

impl crate::pages::VersionedForm for EditForm {
    fn version_mut(&mut self) -> &mut Option<i64> {
        &mut self.version
    }
}

/// The account as its edit form shows it.
fn form_of(u: &User) -> EditForm {
    let b = user_update_of(u);
    EditForm { full_name: b.full_name, email: b.email, version: b.version }
}

/// The account as an unchanged save of it (no new password).
fn user_update_of(u: &User) -> UserUpdate {
    UserUpdate {
        full_name: u.full_name.clone(),
        email: u.email.clone().unwrap_or_default(),
        password: String::new(),
        version: Some(u.version),
    }
}

/// The Russian label of a field of the edit form, for the current values shown after a stale save.
fn field_label(field: &str) -> Option<&'static str> {
    Some(match field {
        "full_name" => "ФИО",
        "email" => "Электронная почта",
        _ => return None,
    })
}

async fn update_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<UserId>,
    Form(f): Form<EditForm>,
) -> PageResult {
    let b = UserUpdate {
        full_name: f.full_name.clone(),
        email: f.email.clone(),
        password: String::new(),
        version: f.version,
    };
    match update(&state, &me, &ctx, id, &b).await {
        Ok(u) => Ok(redirect_with(&format!("/users/{id}"), &format!("Пользователь {} сохранён", u.login), &ctx)),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            // The form shows what was typed; after a stale save, the current values beside it.
            let now = form_of(&load(&state, &me, id, Action::View).await?);
            let mut typed = f;
            let (status, errors) = crate::pages::refused(e, &mut typed, now, field_label);
            view_with(&state, &me, &ctx, id, Some(typed), GrantForm::default(), None, (status, errors)).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct GrantForm {
    role: String,
    scope: String,
}

async fn grant_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<UserId>,
    Form(f): Form<GrantForm>,
) -> PageResult {
    match add_grant(&state, &me, &ctx, id, &f.role, &f.scope).await {
        Ok(g) => Ok(redirect_with(
            &format!("/users/{id}"),
            &format!("Назначена роль «{}» ({})", g.role_label(), g.scope_name),
            &ctx,
        )),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (status, mut errors) = form_errors(e);
            for x in &mut errors {
                x.field = match x.field.as_str() {
                    "scope_id" | "scope" => "scope",
                    _ => "role",
                }
                .into();
            }
            // The scope typed stays chosen: the form offers its municipality's associations and
            // organizations.
            let scopes_of = scope_municipality(&state, &f.scope).await;
            view_with(&state, &me, &ctx, id, None, f, scopes_of, (status, errors)).await
        }
        Err(e) => Err(e),
    }
}

async fn revoke_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, gid)): Path<(UserId, i64)>,
) -> PageResult {
    match revoke(&state, &me, &ctx, id, gid).await {
        Ok(()) => Ok(redirect_with(&format!("/users/{id}"), "Роль снята", &ctx)),
        Err(e) => or_reshow(&state, &me, &ctx, id, e).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PasswordForm {
    password: String,
}

async fn password_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<UserId>,
    Form(f): Form<PasswordForm>,
) -> PageResult {
    let u = match load(&state, &me, id, Action::Update).await {
        Ok(u) => u,
        Err(e) => return Err(e),
    };
    if let Err(e) = values::new_password("password", &f.password, &u.login) {
        return or_reshow(&state, &me, &ctx, id, AppError::Validation(vec![e])).await;
    }
    // The card as loaded, with the new password (a change since then is refused as stale).
    let b = UserUpdate { password: f.password, ..user_update_of(&u) };
    match update(&state, &me, &ctx, id, &b).await {
        Ok(u) => Ok(redirect_with(
            &format!("/users/{id}"),
            &format!("Пароль пользователя {} изменён; его сеансы завершены", u.login),
            &ctx,
        )),
        Err(e) => or_reshow(&state, &me, &ctx, id, e).await,
    }
}

async fn archive_submit(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<UserId>) -> PageResult {
    match set_archived(&state, &me, &ctx, id, true).await {
        Ok(u) => Ok(redirect_with(&format!("/users/{id}"), &format!("Пользователь {} заблокирован", u.login), &ctx)),
        Err(e) => or_reshow(&state, &me, &ctx, id, e).await,
    }
}

async fn restore_submit(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<UserId>) -> PageResult {
    match set_archived(&state, &me, &ctx, id, false).await {
        Ok(u) => Ok(redirect_with(&format!("/users/{id}"), &format!("Пользователь {} разблокирован", u.login), &ctx)),
        Err(e) => or_reshow(&state, &me, &ctx, id, e).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LinkForm {
    teacher_id: String,
}

async fn link_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<UserId>,
    Form(f): Form<LinkForm>,
) -> PageResult {
    match link(&state, &me, &ctx, id, f.teacher_id.trim().parse().ok()).await {
        Ok(t) => Ok(redirect_with(
            &format!("/users/{id}"),
            &format!("Учётная запись привязана к записи педагога {}", t.full_name()),
            &ctx,
        )),
        Err(e) => or_reshow(&state, &me, &ctx, id, e).await,
    }
}

async fn unlink_submit(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<UserId>) -> PageResult {
    match unlink(&state, &me, &ctx, id).await {
        Ok(t) => Ok(redirect_with(
            &format!("/users/{id}"),
            &format!("Учётная запись отвязана от записи педагога {}", t.full_name()),
            &ctx,
        )),
        Err(e) => or_reshow(&state, &me, &ctx, id, e).await,
    }
}

// ---- API ----

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct NewUser {
    pub login: String,
    pub full_name: String,
    pub email: String,
    pub password: String,
    /// The first role (see the `Role` codes: administrator, region_operator, authority_head, …).
    pub role: String,
    /// The id of the role's scope (region, municipality, association or organization).
    pub scope_id: Option<i64>,
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct UserUpdate {
    pub full_name: String,
    pub email: String,
    /// A new password (empty: unchanged).
    pub password: String,
    /// The version of the account the edit is based on (`user.version` of `GET`); a save based
    /// on an older one is refused with 409. Left out: no check.
    #[serde(deserialize_with = "metoda_domain::values::de_version")]
    pub version: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct UserBody {
    pub user: crate::views::User,
    pub grants: Vec<crate::views::GrantRow>,
    /// The teacher record of the data bank the account is linked to (the account counts as that
    /// teacher: their own card, topic, results, signatures), if any.
    pub teacher_id: Option<i64>,
}

/// The teacher record to link an account to.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct TeacherLinkInput {
    pub teacher_id: Option<i64>,
}

async fn body_of(c: &mut Conn, u: User) -> Result<UserBody, AppError> {
    let grants = users::grants(&mut *c, u.id).await?;
    let teacher_id = teachers::of_user(&mut *c, u.id).await?.map(|t| t.id);
    Ok(UserBody { user: (&u).into(), grants: crate::views::all(&grants), teacher_id: teacher_id.map(i64::from) })
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ApiListQuery {
    pub municipality_id: Option<i64>,
    /// A part of a login or a name.
    pub q: Option<String>,
    /// The page, from 1 (50 accounts a page).
    pub page: Option<i64>,
}

fn scope_text(id: Option<i64>) -> String {
    id.map(|i| i.to_string()).unwrap_or_default()
}

/// A page of the accounts.
#[derive(Serialize, utoipa::ToSchema)]
pub struct UsersBody {
    /// How many accounts match, on every page.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub users: Vec<crate::views::User>,
}

/// The accounts the caller may see (of one municipality; whose login or name contains `q`),
/// active first, by name, 50 a page.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(ApiListQuery), responses((status = 200, body = UsersBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Query(q): Query<ApiListQuery>,
) -> ApiResult<UsersBody> {
    let mut c = state.db.conn().await?;
    let (homes, _) = homes(&mut c, &me).await?;
    let paging = Paging::new(q.page, PER_PAGE);
    let text = q.q.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let (items, total) = users::page(&mut c, &homes, q.municipality_id.map(MunicipalityId), text, paging).await?;
    Ok(Json(UsersBody { total, page: paging.page, per_page: paging.per_page, users: crate::views::all(&items) }))
}

/// Create an account with its first role.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUser,
    responses((status = 200, body = UserBody), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    body: JsonIn<NewUser>,
) -> ApiResult<UserBody> {
    let b = json_body(body)?;
    let input = UserInput { login: b.login, full_name: b.full_name, email: b.email, password: b.password };
    let u = create(&state, &me, &ctx, &input, &b.role, &scope_text(b.scope_id)).await?;
    let mut c = state.db.conn().await?;
    Ok(Json(body_of(&mut c, u).await?))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)), responses((status = 200, body = UserBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(id): Path<UserId>,
) -> ApiResult<UserBody> {
    let u = load(&state, &me, id, Action::View).await?;
    let mut c = state.db.conn().await?;
    Ok(Json(body_of(&mut c, u).await?))
}

#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)), request_body = UserUpdate,
    responses((status = 200, body = crate::views::User), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_update(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<UserId>,
    body: JsonIn<UserUpdate>,
) -> ApiResult<crate::views::User> {
    let b = json_body(body)?;
    Ok(Json((&update(&state, &me, &ctx, id, &b).await?).into()))
}

/// Grant a role.
#[utoipa::path(post, path = "/api/v1/users/{id}/grants", tag = "users", params(("id" = i64, Path)), request_body = GrantInput,
    responses((status = 200, body = crate::views::GrantRow), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_grant(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<UserId>,
    body: JsonIn<GrantInput>,
) -> ApiResult<crate::views::GrantRow> {
    let b = json_body(body)?;
    Ok(Json((&add_grant(&state, &me, &ctx, id, &b.role, &scope_text(b.scope_id)).await?).into()))
}

/// Withdraw a role.
#[utoipa::path(delete, path = "/api/v1/users/{id}/grants/{grant_id}", tag = "users", params(("id" = i64, Path), ("grant_id" = i64, Path)),
    responses((status = 200, body = UserBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_revoke(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path((id, gid)): Path<(UserId, i64)>,
) -> ApiResult<UserBody> {
    revoke(&state, &me, &ctx, id, gid).await?;
    let mut c = state.db.conn().await?;
    let u = users::get(&mut c, id).await?;
    Ok(Json(body_of(&mut c, u).await?))
}

/// Link the account to a teacher record of its municipality (the account then counts as that
/// teacher). A record has at most one account and an account at most one record: 409 when
/// either is linked elsewhere (unlink first); 422 for a record of another municipality, an
/// archived record or a blocked account.
#[utoipa::path(put, path = "/api/v1/users/{id}/teacher", tag = "users", params(("id" = i64, Path)), request_body = TeacherLinkInput,
    responses((status = 200, body = UserBody), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_link(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<UserId>,
    body: JsonIn<TeacherLinkInput>,
) -> ApiResult<UserBody> {
    let b = json_body(body)?;
    link(&state, &me, &ctx, id, b.teacher_id.map(TeacherId)).await?;
    let mut c = state.db.conn().await?;
    let u = users::get(&mut c, id).await?;
    Ok(Json(body_of(&mut c, u).await?))
}

/// Unlink the account from its teacher record (409 when it is linked to none).
#[utoipa::path(delete, path = "/api/v1/users/{id}/teacher", tag = "users", params(("id" = i64, Path)),
    responses((status = 200, body = UserBody), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_unlink(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<UserId>,
) -> ApiResult<UserBody> {
    unlink(&state, &me, &ctx, id).await?;
    let mut c = state.db.conn().await?;
    let u = users::get(&mut c, id).await?;
    Ok(Json(body_of(&mut c, u).await?))
}
