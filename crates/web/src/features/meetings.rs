//! Meetings of an association and their minutes: planning (from a plan item or ad hoc), the
//! attendance with a live quorum, the agenda with decisions and votes, the minutes drafted by the
//! secretary and signed by the profile's signatories, addenda, action items, notifications, the
//! minutes as DOCX, and the compliance of an association with the profile's minimum of meetings.
//! Every operation is one function used by both the page and the API handler.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use metoda_domain::FieldError;
use metoda_domain::access::{Action, Resource, may_sign_as, signatory_roles};
use metoda_domain::ids::{AssociationId, MeetingId, TeacherId, plain_choices};
use metoda_domain::meetings::{
    AgendaInput, Attendance, Compliance, MeetingInput, MeetingStatus, Quorum, initials, may_close_action,
    roles_to_sign, year_of,
};
use metoda_domain::orders::OfficerRole;
use metoda_domain::profile::{ProfileSettings, Signatory};
use metoda_domain::time::LocalZone;
use metoda_domain::values::capitalized;
use metoda_domain::values::{iso_date, ru_date};
use metoda_store::associations::{self, Association};
use metoda_store::meetings::{self, ActionItem, Addendum, AgendaItem, Guest, Meeting, Minutes, RosterRow, Signature};
use metoda_store::notify::{self, Notification};
use metoda_store::{organizations, plans, profiles};
use serde::{Deserialize, Serialize};

pub mod views;

use views::{Inbox, MeetingBody, MeetingList};

use crate::AppState;
use crate::auth::{ApiMe, Ctx, Current, Me, require};
use crate::error::{ApiResult, AppError, JsonIn, PageResult, json_body};
use crate::extract::{Form, Path, Query};
use crate::features::municipalities::form_errors;
use crate::pages::{Layout, field, pairs, redirect_with, render, render_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/associations/{id}/meetings", get(list_page).post(create_submit))
        .route("/meetings/{id}", get(view_page).post(update_submit))
        .route("/meetings/{id}/cancel", post(cancel_submit))
        .route("/meetings/{id}/attendance", post(attendance_submit))
        .route("/meetings/{id}/guests", post(guest_submit))
        .route("/meetings/{id}/guests/{gid}/delete", post(guest_delete_submit))
        .route("/meetings/{id}/agenda", post(agenda_submit))
        .route("/meetings/{id}/agenda/{aid}", post(agenda_update_submit))
        .route("/meetings/{id}/agenda/{aid}/delete", post(agenda_delete_submit))
        .route("/meetings/{id}/minutes", post(draft_submit))
        .route("/meetings/{id}/sign", post(sign_submit))
        .route("/meetings/{id}/addenda", post(addendum_submit))
        .route("/meetings/{id}/actions", post(action_submit))
        .route("/meetings/{id}/docx", get(docx))
        .route("/meetings/{id}/registration", get(registration))
        .route("/actions/{id}/close", post(close_submit))
        .route("/notifications", get(notifications_page).post(read_submit))
        .route("/api/v1/associations/{id}/meetings", get(api_list).post(api_create))
        .route("/api/v1/associations/{id}/compliance", get(api_compliance))
        .route("/api/v1/meetings/{id}", get(api_get).put(api_update))
        .route("/api/v1/meetings/{id}/cancel", post(api_cancel))
        .route("/api/v1/meetings/{id}/attendance", axum::routing::put(api_attendance))
        .route("/api/v1/meetings/{id}/guests", post(api_guest))
        .route("/api/v1/meetings/{id}/guests/{gid}", axum::routing::delete(api_guest_delete))
        .route("/api/v1/meetings/{id}/agenda", post(api_agenda))
        .route("/api/v1/meetings/{id}/agenda/{aid}", axum::routing::put(api_agenda_update).delete(api_agenda_delete))
        .route("/api/v1/meetings/{id}/minutes", post(api_draft))
        .route("/api/v1/meetings/{id}/sign", post(api_sign))
        .route("/api/v1/meetings/{id}/addenda", post(api_addendum))
        .route("/api/v1/meetings/{id}/actions", post(api_action))
        .route("/api/v1/meetings/{id}/docx", get(docx_api))
        .route("/api/v1/actions/{id}/close", post(api_close))
        .route("/api/v1/notifications", get(api_notifications).post(api_read))
}

/// The work of the association as an access resource.
pub fn work(a: &Association) -> Resource {
    Resource::AssociationWork { region_id: a.region_id, municipality_id: a.municipality_id, association_id: a.id }
}

/// The regulation of the association's municipality, which meetings follow: without one their
/// rules are unknown.
pub async fn settings_for(c: &mut metoda_store::Conn, a: &Association) -> Result<ProfileSettings, AppError> {
    profiles::municipality_settings(c, a.municipality_id).await?.ok_or_else(|| {
        AppError::Conflict("Муниципалитету не назначен профиль положения: правила заседаний неизвестны".into())
    })
}

async fn association(
    state: &AppState,
    me: &Current,
    id: AssociationId,
    action: Action,
) -> Result<Association, AppError> {
    let mut c = state.db.conn().await?;
    let a = associations::get(&mut c, id).await?;
    require(me, action, &work(&a))?;
    Ok(a)
}

/// A liquidated association's meetings are kept as they are.
fn writable(a: &Association) -> Result<(), AppError> {
    if a.is_active() {
        Ok(())
    } else {
        Err(AppError::Conflict("Объединение ликвидировано: его заседания и протоколы не меняются".into()))
    }
}

/// The meeting, its association and the profile, after the access check.
async fn load(
    state: &AppState,
    me: &Current,
    id: MeetingId,
    action: Action,
) -> Result<(Meeting, Association, ProfileSettings), AppError> {
    let mut c = state.db.conn().await?;
    let m = meetings::get(&mut c, id).await?;
    let a = associations::get(&mut c, m.association_id).await?;
    require(me, action, &work(&a))?;
    if action != Action::View {
        writable(&a)?;
    }
    let s = settings_for(&mut c, &a).await?;
    Ok((m, a, s))
}

// ---- operations (page and API) ----

async fn create(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    aid: AssociationId,
    input: &MeetingInput,
) -> Result<Meeting, AppError> {
    let a = association(state, me, aid, Action::Create).await?;
    let d = input.parse().map_err(AppError::Validation)?;
    let mut tx = state.db.begin().await?;
    let s = settings_for(&mut tx, &a).await?;
    let m = meetings::create(&mut tx, &ctx.actor(), &a, &s, &d).await?;
    tx.commit().await?;
    Ok(m)
}

async fn update(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: MeetingId,
    input: &MeetingInput,
) -> Result<Meeting, AppError> {
    let (m, a, s) = load(state, me, id, Action::Update).await?;
    let d = input.parse().map_err(AppError::Validation)?;
    let mut tx = state.db.begin().await?;
    let m = meetings::update(&mut tx, &ctx.actor(), &a, &s, &m, &d, input.version).await?;
    tx.commit().await?;
    Ok(m)
}

async fn cancel(state: &AppState, me: &Current, ctx: &Ctx, id: MeetingId, reason: &str) -> Result<Meeting, AppError> {
    let (m, a, _) = load(state, me, id, Action::Update).await?;
    let mut tx = state.db.begin().await?;
    let m = meetings::cancel(&mut tx, &ctx.actor(), &a, &m, reason).await?;
    tx.commit().await?;
    Ok(m)
}

/// Enters the attendance sheet; `version`: the meeting's version the marks were based on.
async fn attendance(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: MeetingId,
    marks: &[Mark],
    version: Option<i64>,
) -> Result<(), AppError> {
    let (m, a, s) = load(state, me, id, Action::Update).await?;
    let mut parsed = vec![];
    for k in marks {
        let s = Attendance::from_code(&k.status).ok_or_else(|| {
            AppError::Validation(vec![FieldError::new(
                "attendance",
                "Явка: присутствует, отсутствует или отсутствует по уважительной причине",
            )])
        })?;
        parsed.push((TeacherId(k.teacher_id), s));
    }
    let mut tx = state.db.begin().await?;
    let today = crate::features::local_today(state, &mut tx, a.municipality_id).await?;
    meetings::set_attendance(&mut tx, &ctx.actor(), &a, &m, &s, today, &parsed, version).await?;
    tx.commit().await?;
    Ok(())
}

async fn add_guest(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: MeetingId,
    g: &GuestInput,
) -> Result<Guest, AppError> {
    let (m, a, _) = load(state, me, id, Action::Update).await?;
    let mut tx = state.db.begin().await?;
    let g = meetings::add_guest(&mut tx, &ctx.actor(), &a, &m, &g.name, &g.position).await?;
    tx.commit().await?;
    Ok(g)
}

async fn remove_guest(state: &AppState, me: &Current, ctx: &Ctx, id: MeetingId, gid: i64) -> Result<(), AppError> {
    let (m, a, _) = load(state, me, id, Action::Update).await?;
    let mut tx = state.db.begin().await?;
    meetings::remove_guest(&mut tx, &ctx.actor(), &a, &m, gid).await?;
    tx.commit().await?;
    Ok(())
}

async fn save_agenda(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: MeetingId,
    aid: Option<i64>,
    input: &AgendaInput,
) -> Result<i64, AppError> {
    let (m, a, s) = load(state, me, id, Action::Update).await?;
    let d = input.parse().map_err(AppError::Validation)?;
    let mut tx = state.db.begin().await?;
    let out = match aid {
        None => meetings::add_agenda(&mut tx, &ctx.actor(), &a, &m, &s, &d).await?,
        Some(x) => {
            meetings::update_agenda(&mut tx, &ctx.actor(), &a, &m, &s, x, &d, input.version).await?;
            x
        }
    };
    tx.commit().await?;
    Ok(out)
}

async fn remove_agenda(state: &AppState, me: &Current, ctx: &Ctx, id: MeetingId, aid: i64) -> Result<(), AppError> {
    let (m, a, _) = load(state, me, id, Action::Update).await?;
    let mut tx = state.db.begin().await?;
    meetings::remove_agenda(&mut tx, &ctx.actor(), &a, &m, aid).await?;
    tx.commit().await?;
    Ok(())
}

async fn draft(state: &AppState, me: &Current, ctx: &Ctx, id: MeetingId) -> Result<Minutes, AppError> {
    let (m, a, s) = load(state, me, id, Action::Update).await?;
    let mut tx = state.db.begin().await?;
    let n = meetings::draft_minutes(&mut tx, &ctx.actor(), &a, &m, &s).await?;
    tx.commit().await?;
    Ok(n)
}

/// Signs as `role`, or (None) in the first required role the user holds and has not signed yet.
async fn sign(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: MeetingId,
    role: Option<&str>,
) -> Result<Minutes, AppError> {
    let (m, a, s) = load(state, me, id, Action::View).await?;
    writable(&a)?;
    let mut c = state.db.conn().await?;
    let Some(minutes_id) = m.minutes_id else {
        return Err(AppError::Conflict("Протокол ещё не составлен".into()));
    };
    let n = meetings::minutes(&mut c, minutes_id).await?;
    let done = meetings::signatures(&mut c, minutes_id).await?;
    drop(c);
    let role = match role.map(str::trim).filter(|r| !r.is_empty()) {
        Some(code) => Signatory::from_code(code).ok_or_else(|| {
            AppError::Validation(vec![FieldError::new("role", "Подпись: руководитель, председатель или секретарь")])
        })?,
        None => {
            let signed: Vec<Signatory> = done.iter().map(|d| d.role).collect();
            let mine = signatory_roles(&me.principal, a.id);
            match roles_to_sign(n.required(), &mine, &signed).first() {
                Some(r) => *r,
                None if done.iter().any(|d| d.user_id == me.user.id) => {
                    return Err(AppError::Conflict("Вы уже подписали этот протокол".into()));
                }
                None => return Err(AppError::Forbidden),
            }
        }
    };
    if !may_sign_as(&me.principal, a.id, role) {
        // Signing is the user's own act in the role the user holds in this association.
        return Err(AppError::Forbidden);
    }
    // The name under the signature: the signer's teacher record in the association, else the account's.
    let mut c = state.db.conn().await?;
    let teacher_name = meetings::signer_name(&mut c, me.user.id, a.id).await?;
    drop(c);
    let name = teacher_name.unwrap_or_else(|| me.user.full_name.clone());
    let mut tx = state.db.begin().await?;
    let n = meetings::sign(&mut tx, &ctx.actor(), &a, &m, &s, role, &name).await?;
    tx.commit().await?;
    Ok(n)
}

async fn addendum(state: &AppState, me: &Current, ctx: &Ctx, id: MeetingId, text: &str) -> Result<Addendum, AppError> {
    let (m, a, _) = load(state, me, id, Action::Update).await?;
    let mut tx = state.db.begin().await?;
    let d = meetings::add_addendum(&mut tx, &ctx.actor(), &a, &m, text).await?;
    tx.commit().await?;
    Ok(d)
}

async fn add_action(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: MeetingId,
    x: &ActionInput,
) -> Result<ActionItem, AppError> {
    let (m, a, _) = load(state, me, id, Action::Update).await?;
    let mut tx = state.db.begin().await?;
    let x = meetings::add_action(
        &mut tx,
        &ctx.actor(),
        &a,
        &m,
        x.agenda_id.filter(|v| *v > 0),
        &x.title,
        x.owner_teacher_id.filter(|v| *v > 0).map(TeacherId),
        &x.due_on,
    )
    .await?;
    tx.commit().await?;
    Ok(x)
}

/// The owner closes their task, or whoever edits the association's work.
async fn close(state: &AppState, me: &Current, ctx: &Ctx, id: i64) -> Result<ActionItem, AppError> {
    let mut c = state.db.conn().await?;
    let x = meetings::action(&mut c, id).await?;
    let a = associations::get(&mut c, x.association_id).await?;
    let owner = metoda_store::teachers::user_of(&mut c, x.owner_teacher_id).await?;
    drop(c);
    if !may_close_action(&me.principal, owner, &work(&a)) {
        return Err(AppError::Forbidden);
    }
    writable(&a)?;
    let mut tx = state.db.begin().await?;
    let x = meetings::close_action(&mut tx, &ctx.actor(), &a, id).await?;
    tx.commit().await?;
    Ok(x)
}

/// Everything about a meeting, as the page, the minutes' DOCX and (as [`MeetingBody`]) the API show it.
pub struct Details {
    pub meeting: Meeting,
    /// The members on the meeting's date with their attendance.
    pub roster: Vec<RosterRow>,
    pub members: usize,
    pub present: usize,
    pub quorum: Quorum,
    pub quorum_label: String,
    pub guests: Vec<Guest>,
    pub agenda: Vec<AgendaItem>,
    pub minutes: Option<Minutes>,
    /// The signatory roles the profile requires.
    pub required_signatures: Vec<Signatory>,
    pub signatures: Vec<Signature>,
    pub addenda: Vec<Addendum>,
    pub actions: Vec<ActionItem>,
    /// Nothing of the meeting changes any more (the minutes carry a signature).
    pub locked: bool,
}

async fn body(state: &AppState, m: Meeting, s: &ProfileSettings) -> Result<Details, AppError> {
    let mut c = state.db.conn().await?;
    let roster = meetings::roster(&mut c, &m).await?;
    let (members, present, quorum) = meetings::quorum_of(&mut c, &m, s).await?;
    let guests = meetings::guests(&mut c, m.id).await?;
    let agenda = meetings::agenda(&mut c, &m, s).await?;
    let (minutes, signatures, addenda) = match m.minutes_id {
        Some(id) => (
            Some(meetings::minutes(&mut c, id).await?),
            meetings::signatures(&mut c, id).await?,
            meetings::addenda(&mut c, id).await?,
        ),
        None => (None, vec![], vec![]),
    };
    let required_signatures = match &minutes {
        Some(n) => n.required().to_vec(),
        None => metoda_domain::meetings::required_signatories(&s.minutes_signatories.value),
    };
    let actions = meetings::actions_of_meeting(&mut c, m.id).await?;
    let locked = meetings::locked(&mut c, m.id).await?;
    Ok(Details {
        quorum_label: quorum.label_ru(),
        meeting: m,
        roster,
        members,
        present,
        quorum,
        guests,
        agenda,
        minutes,
        required_signatures,
        signatures,
        addenda,
        actions,
        locked,
    })
}

/// The compliance of an association in the plan year containing its municipality's today.
pub async fn compliance_now(
    state: &AppState,
    c: &mut metoda_store::Conn,
    a: &Association,
    s: &ProfileSettings,
) -> Result<Compliance, AppError> {
    let today = crate::features::local_today(state, c, a.municipality_id).await?;
    let year = year_of(s.plan_period.value, today);
    Ok(meetings::compliance(c, a.id, s, year, today).await?)
}

/// The «Заседания» section of the association page.
pub struct Section {
    pub compliance: Option<Compliance>,
    /// The meetings of the current plan year.
    pub meetings: Vec<Meeting>,
    pub can_plan: bool,
}

pub async fn section(state: &AppState, me: &Current, a: &Association) -> Result<Section, AppError> {
    if !me.may(Action::View, &work(a)) {
        return Ok(Section { compliance: None, meetings: vec![], can_plan: false });
    }
    let mut c = state.db.conn().await?;
    let (compliance, year) = match settings_for(&mut c, a).await {
        Ok(s) => {
            let today = crate::features::local_today(state, &mut c, a.municipality_id).await?;
            (Some(compliance_now(state, &mut c, a, &s).await?), Some(i64::from(year_of(s.plan_period.value, today))))
        }
        Err(_) => (None, None),
    };
    let meetings = match year {
        Some(y) => meetings::for_association(&mut c, a.id, Some(y)).await?,
        None => vec![],
    };
    Ok(Section { compliance, meetings, can_plan: a.is_active() && me.may(Action::Create, &work(a)) })
}

// ---- pages ----

#[derive(Template)]
#[template(path = "meetings.html")]
struct ListPage {
    l: Layout,
    a: Association,
    meetings: Vec<Meeting>,
    compliance: Option<Compliance>,
    can_edit: bool,
    form: MeetingInput,
    organizations: Vec<(i64, String)>,
    members: Vec<(i64, String)>,
    plan_items: Vec<(i64, String)>,
}

async fn list_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    aid: AssociationId,
    form: MeetingInput,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let a = association(state, me, aid, Action::View).await?;
    let mut c = state.db.conn().await?;
    let list = meetings::for_association(&mut c, aid, None).await?;
    let compliance = match settings_for(&mut c, &a).await {
        Ok(s) => Some(compliance_now(state, &mut c, &a, &s).await?),
        Err(_) => None,
    };
    let can_edit = a.is_active() && me.may(Action::Update, &work(&a));
    let (mut organizations, mut members, mut plan_items) = (vec![], vec![], vec![]);
    if can_edit {
        organizations = plain_choices(organizations::choices(&mut c, a.municipality_id).await?);
        members = associations::members(&mut c, aid, None)
            .await?
            .into_iter()
            .map(|m| (m.teacher_id.get(), m.full_name))
            .collect();
        for p in plans::for_association(&mut c, aid).await?.into_iter().take(2) {
            for i in plans::items(&mut c, &p).await? {
                if i.status == metoda_domain::plans::ItemStatus::Planned {
                    plan_items.push((i.id, format!("{} — {}", p.year, i.title)));
                }
            }
        }
    }
    let mut form = form;
    if form.held_on.is_empty() {
        // A fresh form: the current head chairs and the secretary keeps the minutes.
        for o in associations::officers(&mut c, aid).await?.into_iter().filter(|o| o.to_on.is_none()) {
            match o.role {
                OfficerRole::Head if form.chair_teacher_id.is_none() => {
                    form.chair_teacher_id = o.teacher_id.map(i64::from)
                }
                OfficerRole::Secretary if form.secretary_teacher_id.is_none() => {
                    form.secretary_teacher_id = o.teacher_id.map(i64::from)
                }
                _ => {}
            }
        }
    }
    drop(c);
    let page = ListPage {
        l: Layout::new(ctx, format!("Заседания: {}", a.name), "/associations").with_errors(errors),
        a,
        meetings: list,
        compliance,
        can_edit,
        form,
        organizations,
        members,
        plan_items,
    };
    render_status(status, &page)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewQuery {
    plan_item_id: Option<String>,
}

async fn list_page(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(aid): Path<AssociationId>,
    Query(q): Query<NewQuery>,
) -> PageResult {
    let form = MeetingInput {
        plan_item_id: q.plan_item_id.and_then(|s| s.parse().ok()),
        starts_at: "15:00".into(),
        ..Default::default()
    };
    list_with(&state, &me, &ctx, AssociationId(aid.get()), form, vec![], StatusCode::OK).await
}

fn opt_id(s: &str) -> Option<i64> {
    s.trim().parse().ok().filter(|v: &i64| *v > 0)
}

fn meeting_input(p: &[(String, String)]) -> MeetingInput {
    MeetingInput {
        held_on: field(p, "held_on").into(),
        starts_at: field(p, "starts_at").into(),
        venue_organization_id: opt_id(field(p, "venue_organization_id")),
        online_url: field(p, "online_url").into(),
        place_note: field(p, "place_note").into(),
        chair_teacher_id: opt_id(field(p, "chair_teacher_id")),
        secretary_teacher_id: opt_id(field(p, "secretary_teacher_id")),
        plan_item_id: opt_id(field(p, "plan_item_id")),
        version: field(p, "version").trim().parse().ok(),
    }
}

/// The meeting's details as its form shows them.
fn input_of(m: &Meeting) -> MeetingInput {
    MeetingInput {
        held_on: iso_date(m.held_on),
        starts_at: m.starts_at.clone().unwrap_or_default(),
        venue_organization_id: m.venue_organization_id.map(i64::from),
        online_url: m.online_url.clone().unwrap_or_default(),
        place_note: m.place_note.clone().unwrap_or_default(),
        chair_teacher_id: m.chair_teacher_id.map(i64::from),
        secretary_teacher_id: m.secretary_teacher_id.map(i64::from),
        plan_item_id: m.plan_item_id,
        version: Some(m.version),
    }
}

/// An agenda item as its form shows it.
fn agenda_input_of(i: &AgendaItem) -> AgendaInput {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let number = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    AgendaInput {
        topic: i.topic.clone(),
        speaker: text(&i.speaker),
        heard: text(&i.heard),
        spoke: text(&i.spoke),
        decision: text(&i.decision),
        votes_for: number(i.votes_for),
        votes_against: number(i.votes_against),
        votes_abstained: number(i.votes_abstained),
        version: Some(i.version),
    }
}

/// The Russian label of a field of the meeting's forms, for the current values shown after a
/// stale save.
fn field_label(field: &str) -> Option<&'static str> {
    Some(match field {
        "held_on" => "Дата",
        "starts_at" => "Время",
        "venue_organization_id" => "Место: организация",
        "place_note" => "Кабинет, адрес",
        "online_url" => "Ссылка на онлайн-заседание",
        "chair_teacher_id" => "Председатель",
        "secretary_teacher_id" => "Секретарь",
        "topic" => "Вопрос",
        "speaker" => "Докладчик",
        "heard" => "Слушали",
        "spoke" => "Выступили",
        "decision" => "Решили",
        "votes_for" => "«За»",
        "votes_against" => "«Против»",
        "votes_abstained" => "«Воздержались»",
        _ => return None,
    })
}

/// What a refused form of the meeting's page had typed: it stays in its form.
#[derive(Default)]
enum Typed {
    #[default]
    Nothing,
    Details(MeetingInput),
    Marks(Vec<Mark>),
    Agenda(i64, AgendaInput),
    /// A new agenda item as typed.
    NewAgenda(AgendaInput),
    /// A guest as typed.
    Guest(GuestInput),
    /// A task as typed.
    Action(ActionInput),
    /// An addendum's text as typed.
    Addendum(String),
    /// The reason of a cancellation as typed.
    Cancel(String),
}

impl Typed {
    /// Where the page tells a refusal of the whole act (a conflict): the field of the form that
    /// was sent ("": at the top of the page only).
    fn conflict_field(&self) -> &'static str {
        match self {
            Typed::Nothing | Typed::Details(_) | Typed::Agenda(..) => "",
            Typed::Marks(_) => "attendance",
            Typed::NewAgenda(_) => "topic",
            Typed::Guest(_) => "name",
            Typed::Action(_) => "title",
            Typed::Addendum(_) => "text",
            Typed::Cancel(_) => "reason",
        }
    }
}

/// The small forms of the meeting's page as typed when refused (empty otherwise).
#[derive(Default)]
struct Small {
    guest: GuestInput,
    action: ActionInput,
    addendum: String,
    cancel: String,
}

/// After a stale save: beside each field of the submitted form that the record now has otherwise,
/// its current value; the typed input gets the current version, so that saving again goes through.
fn stale_notes(b: &Details, organizations: &[(i64, String)], typed: &mut Typed) -> Vec<FieldError> {
    let m = &b.meeting;
    match typed {
        Typed::Nothing
        | Typed::NewAgenda(_)
        | Typed::Guest(_)
        | Typed::Action(_)
        | Typed::Addendum(_)
        | Typed::Cancel(_) => vec![],
        Typed::Details(f) => {
            let name = |id: Option<i64>, list: &[(i64, String)]| {
                id.and_then(|id| list.iter().find(|(i, _)| *i == id)).map(|(_, n)| n.clone())
            };
            let notes = crate::pages::current_values_as(&input_of(m), f, field_label, |field| match field {
                "held_on" => Some(ru_date(m.held_on)),
                "venue_organization_id" => name(m.venue_organization_id.map(i64::from), organizations),
                "chair_teacher_id" => m.chair_name.clone(),
                "secretary_teacher_id" => m.secretary_name.clone(),
                _ => None,
            });
            f.version = Some(m.version);
            notes
        }
        Typed::Marks(marks) => {
            let mut notes = vec![FieldError::new(
                "attendance",
                "Отметки явки уже изменил другой пользователь: ниже — ваши отметки; сверьте их с теми, что в записи, \
                 и сохраните ещё раз",
            )];
            for r in &b.roster {
                let mine = marks.iter().find(|k| k.teacher_id == r.teacher_id.get()).map(|k| k.status.as_str());
                if mine != r.status.map(Attendance::code) {
                    let now = r.status.map_or("не отмечено", Attendance::label_ru);
                    notes.push(FieldError::new("attendance", format!("{}: сейчас в записи — {now}", r.full_name)));
                }
            }
            notes
        }
        Typed::Agenda(aid, f) => match b.agenda.iter().find(|i| i.id == *aid) {
            Some(i) => {
                let notes = crate::pages::current_values(&agenda_input_of(i), f, field_label);
                f.version = Some(i.version);
                notes
            }
            None => vec![],
        },
    }
}

async fn create_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(aid): Path<AssociationId>,
    body: axum::body::Bytes,
) -> PageResult {
    let input = meeting_input(&pairs(&body)?);
    match create(&state, &me, &ctx, AssociationId(aid.get()), &input).await {
        Ok(m) => Ok(redirect_with(
            &format!("/meetings/{}", m.id),
            "Заседание запланировано; члены объединения получили уведомление",
            &ctx,
        )),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (status, errors) = form_errors(e);
            list_with(&state, &me, &ctx, AssociationId(aid.get()), input, errors, status).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct ViewPage {
    l: Layout,
    a: Association,
    b: Details,
    can_edit: bool,
    /// The roles the user may sign in now (codes and labels).
    can_sign: Vec<(&'static str, &'static str)>,
    /// The named chair or secretary whose signature is needed but who was absent: (what, name).
    absent_signers: Vec<(&'static str, String)>,
    form: MeetingInput,
    /// The attendance as typed, when a save of it was refused.
    marks: Option<Vec<Mark>>,
    /// An agenda item's form as typed, when a save of it was refused.
    agenda_typed: Option<(i64, AgendaInput)>,
    /// The new agenda item's form as typed, when adding it was refused (empty otherwise).
    new_agenda: AgendaInput,
    /// The guest's, task's, addendum's and cancellation's forms as typed, when refused.
    small: Small,
    organizations: Vec<(i64, String)>,
    /// Today in the municipality: the default of the task's due date (ГГГГ-ММ-ДД) and the day
    /// tasks are overdue after.
    today: String,
    today_on: time::Date,
    held_on: String,
    /// The profile's quorum rule (code), for the live count of the attendance form.
    quorum_rule: &'static str,
}

impl ViewPage {
    /// Whether the member's radio `a` is checked: as typed after a refusal, else as entered, else
    /// present.
    fn marked(&self, r: &RosterRow, a: Attendance) -> bool {
        let typed = self.marks.as_ref().and_then(|m| m.iter().find(|k| k.teacher_id == r.teacher_id.get()));
        match typed {
            Some(k) => Attendance::from_code(&k.status) == Some(a),
            None => r.status.unwrap_or(Attendance::Present) == a,
        }
    }
    /// What an agenda item's form shows: what was typed (after a refusal) or the item itself.
    fn agenda_form(&self, i: &AgendaItem) -> AgendaInput {
        match &self.agenda_typed {
            Some((id, typed)) if *id == i.id => typed.clone(),
            _ => agenda_input_of(i),
        }
    }
    fn agenda_open(&self, i: &AgendaItem) -> bool {
        self.agenda_typed.as_ref().is_some_and(|(id, _)| *id == i.id)
    }
    fn signed_as(&self, role: &Signatory) -> Option<&Signature> {
        self.b.signatures.iter().find(|s| s.role == *role)
    }
}

#[allow(clippy::too_many_arguments)]
async fn view_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: MeetingId,
    mut errors: Vec<FieldError>,
    status: StatusCode,
    mut typed: Typed,
    stale: bool,
) -> PageResult {
    let (m, a, s) = load(state, me, id, Action::View).await?;
    let can_edit = a.is_active() && me.may(Action::Update, &work(&a));
    let organizations = if can_edit {
        let mut c = state.db.conn().await?;
        plain_choices(organizations::choices(&mut c, a.municipality_id).await?)
    } else {
        vec![]
    };
    let held_on = ru_date(m.held_on);
    let absent_signers = match m.minutes_id {
        Some(id) => {
            let mut c = state.db.conn().await?;
            let n = meetings::minutes(&mut c, id).await?;
            meetings::absent_signers(&mut c, &m, n.required()).await?
        }
        None => vec![],
    };
    let zone = metoda_store::municipalities::zone(&mut *state.db.conn().await?, a.municipality_id).await?;
    let b = body(state, m, &s).await?;
    if stale {
        errors.extend(stale_notes(&b, &organizations, &mut typed));
    }
    let (mut form, mut marks, mut agenda_typed, mut new_agenda) =
        (input_of(&b.meeting), None, None, AgendaInput::default());
    let mut small = Small::default();
    match typed {
        Typed::Nothing => {}
        Typed::NewAgenda(f) => new_agenda = f,
        Typed::Details(f) => form = f,
        Typed::Marks(k) => marks = Some(k),
        Typed::Agenda(aid, f) => agenda_typed = Some((aid, f)),
        Typed::Guest(g) => small.guest = g,
        Typed::Action(x) => small.action = x,
        Typed::Addendum(t) => small.addendum = t,
        Typed::Cancel(r) => small.cancel = r,
    }
    let can_sign = match &b.minutes {
        Some(n) if !n.signed() && absent_signers.is_empty() => {
            let signed: Vec<Signatory> = b.signatures.iter().map(|x| x.role).collect();
            roles_to_sign(n.required(), &signatory_roles(&me.principal, a.id), &signed)
                .into_iter()
                .map(|r| (r.code(), r.label_ru()))
                .collect()
        }
        _ => vec![],
    };
    let today_on = state.today(zone);
    let page = ViewPage {
        l: Layout::new(ctx, format!("Заседание {held_on}"), "/associations").with_errors(errors).with_zone(zone),
        a,
        b,
        can_edit,
        can_sign,
        absent_signers,
        form,
        marks,
        agenda_typed,
        new_agenda,
        small,
        organizations,
        today: iso_date(today_on),
        today_on,
        held_on,
        quorum_rule: s.quorum.value.code(),
    };
    render_status(status, &page)
}

async fn view_page(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<MeetingId>) -> PageResult {
    view_with(&state, &me, &ctx, id, vec![], StatusCode::OK, Typed::Nothing, false).await
}

/// After a page action: back to the meeting with a message, or the page again with the errors.
async fn done<T>(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: MeetingId,
    r: Result<T, AppError>,
    ok: &str,
) -> PageResult {
    done_typed(state, me, ctx, id, r, ok, Typed::Nothing).await
}

/// [`done`] for a form whose input stays in it when refused (after a stale save, with the
/// current values beside it).
async fn done_typed<T>(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: MeetingId,
    r: Result<T, AppError>,
    ok: &str,
    typed: Typed,
) -> PageResult {
    match r {
        Ok(_) => Ok(redirect_with(&format!("/meetings/{id}"), ok, ctx)),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let stale = crate::pages::is_stale(&e);
            let (status, errors) = crate::pages::refused_at(e, typed.conflict_field());
            view_with(state, me, ctx, id, errors, status, typed, stale).await
        }
        Err(e) => Err(e),
    }
}

async fn update_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<MeetingId>,
    body: axum::body::Bytes,
) -> PageResult {
    let input = meeting_input(&pairs(&body)?);
    let r = update(&state, &me, &ctx, id, &input).await;
    done_typed(&state, &me, &ctx, id, r, "Сведения о заседании сохранены", Typed::Details(input)).await
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct ReasonInput {
    pub reason: String,
}

async fn cancel_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<MeetingId>,
    Form(f): Form<ReasonInput>,
) -> PageResult {
    let r = cancel(&state, &me, &ctx, id, &f.reason).await;
    done_typed(&state, &me, &ctx, id, r, "Заседание отменено", Typed::Cancel(f.reason)).await
}

/// One member's attendance.
#[derive(Deserialize, Serialize, Clone, utoipa::ToSchema)]
pub struct Mark {
    pub teacher_id: i64,
    /// present | absent | excused
    pub status: String,
}

async fn attendance_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<MeetingId>,
    body: axum::body::Bytes,
) -> PageResult {
    let p = pairs(&body)?;
    let marks: Vec<Mark> = p
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("a_").and_then(|t| t.parse().ok()).map(|t| Mark { teacher_id: t, status: v.clone() })
        })
        .collect();
    let version = field(&p, "version").trim().parse().ok();
    let r = attendance(&state, &me, &ctx, id, &marks, version).await;
    done_typed(&state, &me, &ctx, id, r, "Явка отмечена", Typed::Marks(marks)).await
}

#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct GuestInput {
    pub name: String,
    /// Position and organization.
    pub position: String,
}

async fn guest_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<MeetingId>,
    Form(g): Form<GuestInput>,
) -> PageResult {
    let r = add_guest(&state, &me, &ctx, id, &g).await;
    done_typed(&state, &me, &ctx, id, r, "Приглашённый добавлен", Typed::Guest(g)).await
}

async fn guest_delete_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, gid)): Path<(MeetingId, i64)>,
) -> PageResult {
    let r = remove_guest(&state, &me, &ctx, id, gid).await;
    done(&state, &me, &ctx, id, r, "Приглашённый исключён").await
}

async fn agenda_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<MeetingId>,
    Form(f): Form<AgendaInput>,
) -> PageResult {
    let r = save_agenda(&state, &me, &ctx, id, None, &f).await;
    done_typed(&state, &me, &ctx, id, r, "Вопрос внесён в повестку", Typed::NewAgenda(f)).await
}

async fn agenda_update_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, aid)): Path<(MeetingId, i64)>,
    Form(f): Form<AgendaInput>,
) -> PageResult {
    let r = save_agenda(&state, &me, &ctx, id, Some(aid), &f).await;
    done_typed(&state, &me, &ctx, id, r, "Вопрос повестки сохранён", Typed::Agenda(aid, f)).await
}

async fn agenda_delete_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, aid)): Path<(MeetingId, i64)>,
) -> PageResult {
    let r = remove_agenda(&state, &me, &ctx, id, aid).await;
    done(&state, &me, &ctx, id, r, "Вопрос исключён из повестки").await
}

async fn draft_submit(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<MeetingId>) -> PageResult {
    let r = draft(&state, &me, &ctx, id).await;
    let msg = match &r {
        Ok(n) => format!("Составлен проект протокола № {}; его подписывают по положению", n.number),
        Err(_) => String::new(),
    };
    done(&state, &me, &ctx, id, r, &msg).await
}

#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct SignInput {
    /// head | chair | secretary (empty: the first role the user holds and has not signed in)
    pub role: String,
}

async fn sign_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<MeetingId>,
    Form(f): Form<SignInput>,
) -> PageResult {
    let r = sign(&state, &me, &ctx, id, Some(&f.role)).await;
    let msg = match &r {
        Ok(n) if n.signed() => format!("Протокол № {} подписан всеми и опубликован", n.number),
        Ok(n) => format!("Протокол № {} подписан вами; ожидаются остальные подписи", n.number),
        Err(_) => String::new(),
    };
    done(&state, &me, &ctx, id, r, &msg).await
}

#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct AddendumInput {
    pub text: String,
}

async fn addendum_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<MeetingId>,
    Form(f): Form<AddendumInput>,
) -> PageResult {
    let r = addendum(&state, &me, &ctx, id, &f.text).await;
    done_typed(&state, &me, &ctx, id, r, "Дополнение к протоколу внесено", Typed::Addendum(f.text)).await
}

#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct ActionInput {
    pub agenda_id: Option<i64>,
    pub title: String,
    pub owner_teacher_id: Option<i64>,
    /// ДД.ММ.ГГГГ or ГГГГ-ММ-ДД.
    pub due_on: String,
}

async fn action_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<MeetingId>,
    body: axum::body::Bytes,
) -> PageResult {
    let p = pairs(&body)?;
    let x = ActionInput {
        agenda_id: opt_id(field(&p, "agenda_id")),
        title: field(&p, "title").into(),
        owner_teacher_id: opt_id(field(&p, "owner_teacher_id")),
        due_on: field(&p, "due_on").into(),
    };
    let r = add_action(&state, &me, &ctx, id, &x).await;
    done_typed(&state, &me, &ctx, id, r, "Поручение записано", Typed::Action(x)).await
}

async fn close_submit(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<i64>) -> PageResult {
    let x = close(&state, &me, &ctx, id).await?;
    Ok(redirect_with(&format!("/meetings/{}", x.meeting_id), "Поручение отмечено выполненным", &ctx))
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    l: Layout,
    items: Vec<Notification>,
    actions: Vec<ActionItem>,
    today: time::Date,
}

async fn notifications_page(State(state): State<AppState>, Me(me, ctx): Me) -> PageResult {
    let mut c = state.db.conn().await?;
    let items = notify::notifications(&mut c, me.user.id, 100).await?;
    let actions = meetings::actions_of_user(&mut c, me.user.id).await?;
    // A user's notifications come from their own municipality: its time zone.
    let zone = crate::features::user_zone(&mut c, &me).await?;
    render(&NotificationsPage {
        l: Layout::new(&ctx, "Уведомления и поручения", "/notifications").with_zone(zone),
        items,
        actions,
        today: state.today(zone),
    })
}

#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct ReadInput {
    /// One notification (None: all).
    pub id: Option<i64>,
}

async fn read_submit(State(state): State<AppState>, Me(me, ctx): Me, body: axum::body::Bytes) -> PageResult {
    let p = pairs(&body)?;
    let mut c = state.db.conn().await?;
    notify::mark_read(&mut c, me.user.id, opt_id(field(&p, "id"))).await?;
    Ok(redirect_with("/notifications", "Отмечено прочитанным", &ctx))
}

// ---- DOCX ----

fn minutes_doc(
    a: &Association,
    b: &Details,
    zone: LocalZone,
) -> Result<metoda_docs::minutes_docx::MinutesDoc, AppError> {
    use metoda_docs::minutes_docx::{MinutesAddendum, MinutesDoc, MinutesItem, MinutesSignature};
    let m = &b.meeting;
    let n = b.minutes.as_ref().ok_or_else(|| AppError::Conflict("Протокол ещё не составлен".into()))?;
    let name_of = |r: &RosterRow| initials(&r.full_name);
    let present = b.roster.iter().filter(|r| r.status == Some(Attendance::Present)).map(name_of).collect();
    let absent = b
        .roster
        .iter()
        .filter_map(|r| match r.status {
            Some(Attendance::Absent) => Some(name_of(r)),
            Some(Attendance::Excused) => Some(format!("{} (уважительная причина)", name_of(r))),
            _ => None,
        })
        .collect();
    // who signs: the person in the role (the signature's name once signed, else the meeting's chair/secretary or the head)
    let head = a.head_name.clone().map(|h| initials(&h));
    let signatures = n
        .required()
        .iter()
        .map(|r| {
            let signed = b.signatures.iter().find(|s| s.role == *r);
            let name = match (signed, r) {
                (Some(s), _) => initials(&s.name),
                (None, Signatory::Secretary) => m.secretary_name.as_deref().map(initials).unwrap_or_default(),
                (None, Signatory::Chair) => m.chair_name.as_deref().map(initials).or(head.clone()).unwrap_or_default(),
                (None, Signatory::Head) => head.clone().unwrap_or_default(),
            };
            let role = match r {
                Signatory::Head => {
                    format!("Руководитель {}", a.body_name.clone().unwrap_or_else(|| "объединения".into()))
                }
                Signatory::Chair => "Председатель".into(),
                Signatory::Secretary => "Секретарь".into(),
            };
            MinutesSignature {
                role, name, signed: signed.map(|s| format!("подписано {}", zone.format(&s.at)))
            }
        })
        .collect();
    Ok(MinutesDoc {
        body: a.name.clone(),
        number: n.number as u32,
        date: ru_date(m.held_on),
        time: m.starts_at.clone(),
        place: m.place(),
        chair: m.chair_name.as_deref().map(initials).or(head),
        secretary: m.secretary_name.as_deref().map(initials),
        members_total: b.members,
        present,
        absent,
        guests: b
            .guests
            .iter()
            .map(|g| match &g.position {
                Some(p) => format!("{}, {p}", g.name),
                None => g.name.clone(),
            })
            .collect(),
        quorum: capitalized(&b.quorum_label),
        items: b
            .agenda
            .iter()
            .map(|i| MinutesItem {
                topic: i.topic.clone(),
                speaker: i.speaker.clone(),
                heard: i.heard.clone(),
                spoke: i
                    .spoke
                    .as_deref()
                    .unwrap_or("")
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect(),
                decision: i.decision.clone(),
                votes: i.votes().map(|v| (v.for_ as u32, v.against as u32, v.abstained as u32)),
                outcome: i.outcome_label().map(capitalized),
            })
            .collect(),
        actions: b
            .actions
            .iter()
            .map(|x| format!("{} — {}, до {}", x.title, initials(&x.owner_name), ru_date(x.due_on)))
            .collect(),
        signatures,
        addenda: b
            .addenda
            .iter()
            .map(|d| MinutesAddendum {
                date: zone.format(&d.at),
                text: d.text.clone(),
                author: d.author.clone().unwrap_or_default(),
            })
            .collect(),
    })
}

async fn docx_of(state: &AppState, me: &Current, id: MeetingId) -> Result<axum::response::Response, AppError> {
    let (m, a, s) = load(state, me, id, Action::View).await?;
    if m.minutes_on_paper() {
        return Err(AppError::Conflict(
            "Протокол этого заседания подписан на бумаге до подключения к системе: его подлинник хранится в объединении"
                .into(),
        ));
    }
    let zone = metoda_store::municipalities::zone(&mut *state.db.conn().await?, a.municipality_id).await?;
    let b = body(state, m, &s).await?;
    let doc = minutes_doc(&a, &b, zone)?;
    let bytes = metoda_docs::minutes_docx::minutes_docx(&doc).map_err(AppError::internal)?;
    let name = format!("Протокол № {} заседания {}.docx", doc.number, ru_date(b.meeting.held_on));
    Ok(crate::pages::download(bytes, crate::pages::DOCX, &name))
}

async fn docx(
    State(state): State<AppState>,
    Me(me, _): Me,
    Path(id): Path<MeetingId>,
) -> Result<axum::response::Response, AppError> {
    docx_of(&state, &me, id).await
}

/// The registration sheet to print and sign on paper: the members on the meeting's date with
/// their organizations, the guests entered so far, and empty rows for more.
async fn registration_of(state: &AppState, me: &Current, id: MeetingId) -> Result<axum::response::Response, AppError> {
    let (m, a, s) = load(state, me, id, Action::View).await?;
    let b = body(state, m, &s).await?;
    let mut people: Vec<(String, String)> =
        b.roster.iter().map(|r| (r.full_name.clone(), r.organization_name.clone())).collect();
    people.extend(b.guests.iter().map(|g| (g.name.clone(), g.position.clone().unwrap_or_default())));
    let doc = metoda_docs::registration_docx::RegistrationDoc {
        body: a.name.clone(),
        what: "участников заседания".into(),
        date: ru_date(b.meeting.held_on),
        time: b.meeting.starts_at.clone(),
        place: b.meeting.place(),
        people,
        blank_rows: 5,
        ..Default::default()
    };
    let bytes = metoda_docs::registration_docx::registration_docx(&doc).map_err(AppError::internal)?;
    let name = format!("Лист регистрации {}.docx", ru_date(b.meeting.held_on));
    Ok(crate::pages::download(bytes, crate::pages::DOCX, &name))
}

async fn registration(
    State(state): State<AppState>,
    Me(me, _): Me,
    Path(id): Path<MeetingId>,
) -> Result<axum::response::Response, AppError> {
    registration_of(&state, &me, id).await
}

// ---- API ----

/// The minutes as a Word document (ПРОТОКОЛ №, attendance, agenda, СЛУШАЛИ/РЕШИЛИ, votes, signatures).
#[utoipa::path(get, path = "/api/v1/meetings/{id}/docx", tag = "meetings", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (status = 409, body = crate::error::ErrorBody)))]
pub async fn docx_api(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(id): Path<MeetingId>,
) -> Result<axum::response::Response, crate::error::ApiError> {
    Ok(docx_of(&state, &me, id).await?)
}

/// The meetings of an association, by date.
#[utoipa::path(get, path = "/api/v1/associations/{id}/meetings", tag = "meetings", params(("id" = i64, Path)),
    responses((status = 200, body = MeetingList), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(aid): Path<AssociationId>,
) -> ApiResult<MeetingList> {
    let a = association(&state, &me, aid, Action::View).await?;
    let mut c = state.db.conn().await?;
    let compliance = match settings_for(&mut c, &a).await {
        Ok(s) => Some(compliance_now(&state, &mut c, &a, &s).await?),
        Err(_) => None,
    };
    let list = meetings::for_association(&mut c, aid, None).await?;
    Ok(Json(MeetingList { meetings: list.iter().map(views::Meeting::from).collect(), compliance }))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct YearQuery {
    /// The plan year (the year it starts in); default: the current one.
    pub year: Option<i32>,
}

/// Meetings held with signed valid minutes vs the profile's minimum, planned ones, overdue minutes.
#[utoipa::path(get, path = "/api/v1/associations/{id}/compliance", tag = "meetings", params(("id" = i64, Path), YearQuery),
    responses((status = 200, body = Object), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_compliance(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(aid): Path<AssociationId>,
    Query(q): Query<YearQuery>,
) -> ApiResult<serde_json::Value> {
    let a = association(&state, &me, aid, Action::View).await?;
    let mut c = state.db.conn().await?;
    let s = settings_for(&mut c, &a).await?;
    let today = crate::features::local_today(&state, &mut c, a.municipality_id).await?;
    let year = q.year.unwrap_or_else(|| year_of(s.plan_period.value, today));
    let cp = meetings::compliance(&mut c, aid, &s, year, today).await?;
    Ok(Json(serde_json::json!({
        "year": year, "minimum": cp.minimum, "valid_meetings": cp.valid_meetings, "planned_ahead": cp.planned_ahead,
        "days_left": cp.days_left, "overdue_minutes": cp.overdue_minutes, "missing": cp.missing(), "behind": cp.behind(),
        "summary": cp.label_ru(),
    })))
}

/// Plan a meeting (members with an account are notified).
#[utoipa::path(post, path = "/api/v1/associations/{id}/meetings", tag = "meetings", params(("id" = i64, Path)), request_body = MeetingInput,
    responses((status = 200, body = views::Meeting), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(aid): Path<AssociationId>,
    body: JsonIn<MeetingInput>,
) -> ApiResult<views::Meeting> {
    Ok(Json((&create(&state, &me, &ctx, AssociationId(aid.get()), &json_body(body)?).await?).into()))
}

async fn full(state: &AppState, me: &Current, id: MeetingId) -> Result<MeetingBody, AppError> {
    let (m, _, s) = load(state, me, id, Action::View).await?;
    Ok(MeetingBody::from(&body(state, m, &s).await?))
}

/// A meeting with its roster, quorum, guests, agenda and decisions, minutes, signatures, addenda, tasks.
#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "meetings", params(("id" = i64, Path)),
    responses((status = 200, body = MeetingBody), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(id): Path<MeetingId>,
) -> ApiResult<MeetingBody> {
    Ok(Json(full(&state, &me, id).await?))
}

#[utoipa::path(put, path = "/api/v1/meetings/{id}", tag = "meetings", params(("id" = i64, Path)), request_body = MeetingInput,
    responses((status = 200, body = views::Meeting), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_update(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<MeetingId>,
    body: JsonIn<MeetingInput>,
) -> ApiResult<views::Meeting> {
    Ok(Json((&update(&state, &me, &ctx, id, &json_body(body)?).await?).into()))
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/cancel", tag = "meetings", params(("id" = i64, Path)), request_body = ReasonInput,
    responses((status = 200, body = views::Meeting), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_cancel(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<MeetingId>,
    body: JsonIn<ReasonInput>,
) -> ApiResult<views::Meeting> {
    Ok(Json((&cancel(&state, &me, &ctx, id, &json_body(body)?.reason).await?).into()))
}

/// The attendance sheet as the API takes it: the marks alone (no version check), or the marks
/// with the meeting's version they were based on (an older one gets 409).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum AttendanceSheet {
    Marks(Vec<Mark>),
    Versioned(VersionedSheet),
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct VersionedSheet {
    pub marks: Vec<Mark>,
    /// The meeting's `version` the marks are based on (the sheet is part of the meeting).
    #[serde(deserialize_with = "metoda_domain::values::de_version")]
    pub version: Option<i64>,
}

/// Enter the attendance of every member on the meeting's date at once.
#[utoipa::path(put, path = "/api/v1/meetings/{id}/attendance", tag = "meetings", params(("id" = i64, Path)), request_body = AttendanceSheet,
    responses((status = 200, body = MeetingBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_attendance(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<MeetingId>,
    body: JsonIn<AttendanceSheet>,
) -> ApiResult<MeetingBody> {
    let (marks, version) = match json_body(body)? {
        AttendanceSheet::Marks(marks) => (marks, None),
        AttendanceSheet::Versioned(s) => (s.marks, s.version),
    };
    attendance(&state, &me, &ctx, id, &marks, version).await?;
    Ok(Json(full(&state, &me, id).await?))
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/guests", tag = "meetings", params(("id" = i64, Path)), request_body = GuestInput,
    responses((status = 200, body = views::Guest), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_guest(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<MeetingId>,
    body: JsonIn<GuestInput>,
) -> ApiResult<views::Guest> {
    Ok(Json((&add_guest(&state, &me, &ctx, id, &json_body(body)?).await?).into()))
}

#[utoipa::path(delete, path = "/api/v1/meetings/{id}/guests/{gid}", tag = "meetings", params(("id" = i64, Path), ("gid" = i64, Path)),
    responses((status = 200, body = MeetingBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_guest_delete(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path((id, gid)): Path<(MeetingId, i64)>,
) -> ApiResult<MeetingBody> {
    remove_guest(&state, &me, &ctx, id, gid).await?;
    Ok(Json(full(&state, &me, id).await?))
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/agenda", tag = "meetings", params(("id" = i64, Path)), request_body = AgendaInput,
    responses((status = 200, body = MeetingBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_agenda(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<MeetingId>,
    body: JsonIn<AgendaInput>,
) -> ApiResult<MeetingBody> {
    save_agenda(&state, &me, &ctx, id, None, &json_body(body)?).await?;
    Ok(Json(full(&state, &me, id).await?))
}

#[utoipa::path(put, path = "/api/v1/meetings/{id}/agenda/{aid}", tag = "meetings", params(("id" = i64, Path), ("aid" = i64, Path)), request_body = AgendaInput,
    responses((status = 200, body = MeetingBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_agenda_update(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path((id, aid)): Path<(MeetingId, i64)>,
    body: JsonIn<AgendaInput>,
) -> ApiResult<MeetingBody> {
    save_agenda(&state, &me, &ctx, id, Some(aid), &json_body(body)?).await?;
    Ok(Json(full(&state, &me, id).await?))
}

#[utoipa::path(delete, path = "/api/v1/meetings/{id}/agenda/{aid}", tag = "meetings", params(("id" = i64, Path), ("aid" = i64, Path)),
    responses((status = 200, body = MeetingBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_agenda_delete(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path((id, aid)): Path<(MeetingId, i64)>,
) -> ApiResult<MeetingBody> {
    remove_agenda(&state, &me, &ctx, id, aid).await?;
    Ok(Json(full(&state, &me, id).await?))
}

/// Draft the minutes of a held meeting: they get the next number of the association's year.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/minutes", tag = "meetings", params(("id" = i64, Path)),
    responses((status = 200, body = views::Minutes), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_draft(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<MeetingId>,
) -> ApiResult<views::Minutes> {
    Ok(Json((&draft(&state, &me, &ctx, id).await?).into()))
}

/// Sign the minutes in a role the caller holds in the association (the caller's own act).
#[utoipa::path(post, path = "/api/v1/meetings/{id}/sign", tag = "meetings", params(("id" = i64, Path)), request_body = SignInput,
    responses((status = 200, body = views::Minutes), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_sign(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<MeetingId>,
    body: JsonIn<SignInput>,
) -> ApiResult<views::Minutes> {
    let b = json_body(body)?;
    Ok(Json((&sign(&state, &me, &ctx, id, Some(&b.role)).await?).into()))
}

/// Correct signed minutes by an addendum (the signed text is kept).
#[utoipa::path(post, path = "/api/v1/meetings/{id}/addenda", tag = "meetings", params(("id" = i64, Path)), request_body = AddendumInput,
    responses((status = 200, body = views::Addendum), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_addendum(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<MeetingId>,
    body: JsonIn<AddendumInput>,
) -> ApiResult<views::Addendum> {
    Ok(Json((&addendum(&state, &me, &ctx, id, &json_body(body)?.text).await?).into()))
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/actions", tag = "meetings", params(("id" = i64, Path)), request_body = ActionInput,
    responses((status = 200, body = views::ActionItem), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_action(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<MeetingId>,
    body: JsonIn<ActionInput>,
) -> ApiResult<views::ActionItem> {
    Ok(Json((&add_action(&state, &me, &ctx, id, &json_body(body)?).await?).into()))
}

/// Close a task (its owner, or whoever edits the association's work).
#[utoipa::path(post, path = "/api/v1/actions/{id}/close", tag = "meetings", params(("id" = i64, Path)),
    responses((status = 200, body = views::ActionItem), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_close(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<i64>,
) -> ApiResult<views::ActionItem> {
    Ok(Json((&close(&state, &me, &ctx, id).await?).into()))
}

#[utoipa::path(get, path = "/api/v1/notifications", tag = "meetings", responses((status = 200, body = Inbox)))]
pub async fn api_notifications(State(state): State<AppState>, ApiMe(me, _): ApiMe) -> ApiResult<Inbox> {
    let mut c = state.db.conn().await?;
    let notifications = notify::notifications(&mut c, me.user.id, 100).await?;
    let unread = notify::unread(&mut c, me.user.id).await?;
    let actions = meetings::actions_of_user(&mut c, me.user.id).await?;
    Ok(Json(Inbox {
        notifications: notifications.iter().map(views::Notification::from).collect(),
        unread,
        actions: actions.iter().map(views::ActionItem::from).collect(),
    }))
}

/// Mark one notification (or all) read.
#[utoipa::path(post, path = "/api/v1/notifications", tag = "meetings", request_body = ReadInput, responses((status = 200, body = Inbox)))]
pub async fn api_read(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    body: JsonIn<ReadInput>,
) -> ApiResult<Inbox> {
    let b = json_body(body)?;
    let mut c = state.db.conn().await?;
    notify::mark_read(&mut c, me.user.id, b.id).await?;
    drop(c);
    api_notifications(State(state), ApiMe(me, ctx)).await
}
