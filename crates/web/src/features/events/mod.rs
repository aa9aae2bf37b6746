//! Events (issue 14): the municipality's calendar (month, week and list, with filters), the event
//! page with its registration (a teacher registers themselves, the organisers register members
//! and guests, a waiting list moves up on its own), the registration sheet on the day, the
//! participants' certificates with their public verification page, and the same operations in
//! the API. Every operation is one function used by both the page and the API handler.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use metoda_domain::FieldError;
use metoda_domain::access::{Action, Resource};
use metoda_domain::events::{
    Audience, CertificateKind, EventAction, EventForm, EventFormat, EventInput, EventStatus, ProgrammeInput,
    ProgrammeKind, Reach, RegistrationStatus,
};
use metoda_domain::ids::{AssociationId, EventId, MunicipalityId, plain_choices};
use metoda_domain::paging::Paging;
use metoda_domain::results::Level;
use metoda_domain::values::capitalized;
use metoda_domain::values::{iso_date, plural_ru, ru_date};
use metoda_store::associations::{self, Association};
use metoda_store::events::{self, CalendarFilter, Certificate, Event, EventRegistration, ProgrammeItem, Registrant};
use metoda_store::municipalities::{self, Municipality};
use metoda_store::{Conn, organizations, plans, teachers};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month};

pub mod views;

use crate::AppState;
use crate::auth::{ApiMe, Ctx, Current, Me, require};
use crate::error::{ApiResult, AppError, JsonIn, PageResult, json_body};
use crate::extract::{Path, Query};
use crate::features::municipalities::form_errors;
use crate::pages::{Layout, Pager, RuDate, field, pairs, redirect_with, render, render_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/events", get(calendar_page).post(create_submit))
        .route("/events/new", get(new_page))
        .route("/events/{id}", get(view_page).post(update_submit))
        .route("/events/{id}/status", post(status_submit))
        .route("/events/{id}/register", post(register_submit))
        .route("/events/{id}/registrations", post(enrol_submit))
        .route("/events/{id}/registrations/{rid}/cancel", post(unregister_submit))
        .route("/events/{id}/sheet", post(sheet_submit))
        .route("/events/{id}/walk-ins", post(walk_in_submit))
        .route("/events/{id}/certificates", post(issue_submit))
        .route("/events/{id}/sheet.docx", get(sheet_docx))
        .route("/events/{id}/programme", post(programme_submit))
        .route("/events/{id}/placements", post(placement_submit))
        .route("/events/{id}/diplomas", post(diplomas_submit))
        .route("/events/{id}/speaker-certificates", post(speakers_submit))
        .route("/events/{id}/rating", post(rating_submit))
        .route("/events/{id}/staff", post(staff_submit))
        .route("/events/{id}/outcome", post(outcome_submit))
        .route("/events/{id}/note.docx", get(note_docx))
        .route("/events/{id}/attendance.docx", get(attendance_docx))
        .route("/events/{id}/programme.docx", get(programme_docx))
        .route("/events/{id}/staff/{sid}/delete", post(staff_delete_submit))
        .route("/events/{id}/programme/{pid}/delete", post(programme_delete_submit))
        .route("/events/{id}/materials", post(material_submit))
        .route("/events/{id}/sessions", post(session_submit))
        .route("/events/{id}/materials/{aid}/delete", post(material_delete_submit))
        .route("/certificates/{id}", get(certificate_page))
        .route("/certificates/{id}/revoke", post(revoke_submit))
        .route("/verify/{code}", get(verify_page))
        .route("/public/events", get(public_page))
        .route("/ical/public/{file}", get(public_feed))
        .route("/api/v1/events", get(api_calendar).post(api_create))
        .route("/api/v1/events/{id}", get(api_get).put(api_update))
        .route("/api/v1/events/{id}/status", post(api_status))
        .route("/api/v1/events/{id}/registrations", post(api_register))
        .route("/api/v1/events/{id}/registrations/{rid}/cancel", post(api_unregister))
        .route("/api/v1/events/{id}/attendance", put(api_attendance))
        .route("/api/v1/events/{id}/walk-ins", post(api_walk_in))
        .route("/api/v1/events/{id}/certificates", post(api_issue))
        .route("/api/v1/certificates/{id}/revoke", post(api_revoke))
        .route("/api/v1/events/{id}/programme", post(api_programme))
        .route("/api/v1/events/{id}/placements", post(api_placement))
        .route("/api/v1/events/{id}/diplomas", post(api_diplomas))
        .route("/api/v1/events/{id}/speaker-certificates", post(api_speakers))
        .route("/api/v1/events/{id}/materials", post(api_material))
        .route("/api/v1/events/{id}/sessions", post(api_session))
        .route("/api/v1/events/{id}/materials/{aid}", axum::routing::delete(api_material_delete))
        .route("/api/v1/events/{id}/rating", post(api_rate))
        .route("/api/v1/events/{id}/staff", post(api_staff))
        .route("/api/v1/events/{id}/outcome", put(api_outcome))
        .route("/api/v1/events/{id}/note.docx", get(api_note_docx))
        .route("/api/v1/events/{id}/staff/{sid}", axum::routing::delete(api_staff_delete))
        .route("/api/v1/events/{id}/programme/{pid}", axum::routing::delete(api_programme_delete))
}

/// The public page that confirms a certificate: its QR code leads there.
pub fn verify_url(public_url: &str, code: &str) -> String {
    format!("{}/verify/{code}", public_url.trim_end_matches('/'))
}

/// The event as an access resource.
pub fn resource(e: &Event, region_id: metoda_domain::ids::RegionId) -> Resource {
    Resource::Event { region_id, municipality_id: e.municipality_id, association_id: e.association_id, reach: e.reach }
}

/// An event of the municipality organised by `association_id` (None: the authority).
fn any_event(m: &Municipality, association_id: Option<AssociationId>) -> Resource {
    Resource::Event { region_id: m.region_id, municipality_id: m.id, association_id, reach: Reach::Members }
}

/// The event and its municipality after the access check; a draft is seen by its organisers only.
pub(crate) async fn load(
    state: &AppState,
    me: &Current,
    id: EventId,
    action: Action,
) -> Result<(Event, Municipality), AppError> {
    let mut c = state.db.conn().await?;
    let e = events::get(&mut c, id).await?;
    let m = municipalities::get(&mut c, e.municipality_id).await?;
    let r = resource(&e, m.region_id);
    if e.status == EventStatus::Draft && !me.may(Action::Update, &r) {
        return Err(if me.may(Action::View, &r) { AppError::NotFound } else { AppError::Forbidden });
    }
    if action == Action::View
        && !me.may(Action::View, &r)
        && e.reach == Reach::Members
        && e.status != EventStatus::Draft
    {
        // An event for members is open to every member of its organiser — a teacher may belong
        // to an association without holding a role in it — and to the members of its co-organisers.
        let mine = reader_associations(&mut c, me).await?;
        if e.association_id.is_some_and(|a| mine.contains(&a)) || events::coorganised_by(&mut c, id, &mine).await? {
            return Ok((e, m));
        }
    }
    require(me, action, &r)?;
    Ok((e, m))
}

/// Today in the event's municipality.
async fn today_of(state: &AppState, c: &mut Conn, m: &Municipality) -> Result<Date, AppError> {
    crate::features::local_today(state, c, m.id).await
}

// ---- operations (page and API) ----

/// A new event: its organiser and its fields.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewEvent {
    /// The organising association; empty for an event of the authority (then `municipality_id`).
    pub association_id: Option<i64>,
    /// The municipality of an authority's event.
    pub municipality_id: Option<i64>,
    #[serde(flatten)]
    pub event: EventInput,
}

/// A record named in a request's body that does not exist is a field error (422), not a missing
/// page; any other failure stays what it is.
fn named(field: &str, message: &str, e: metoda_store::StoreError) -> AppError {
    match e {
        metoda_store::StoreError::NotFound => AppError::Validation(vec![FieldError::new(field, message)]),
        e => e.into(),
    }
}

/// The organiser of a new event after the access check: its municipality and association (None:
/// the authority).
async fn organiser(
    state: &AppState,
    me: &Current,
    association_id: Option<i64>,
    municipality_id: Option<i64>,
) -> Result<(Municipality, Option<Association>), AppError> {
    let mut c = state.db.conn().await?;
    match (association_id.filter(|a| *a > 0), municipality_id.filter(|m| *m > 0)) {
        (Some(aid), _) => {
            let a = associations::get(&mut c, AssociationId(aid))
                .await
                .map_err(|e| named("association_id", "Организатор: такого объединения нет", e))?;
            let m = municipalities::get(&mut c, a.municipality_id).await?;
            require(me, Action::Create, &any_event(&m, Some(a.id)))?;
            if !a.is_active() {
                return Err(AppError::Conflict(
                    "Объединение ликвидировано: мероприятия от его имени не создают".into(),
                ));
            }
            Ok((m, Some(a)))
        }
        (None, Some(mid)) => {
            let m = municipalities::get(&mut c, MunicipalityId(mid))
                .await
                .map_err(|e| named("municipality_id", "Муниципалитет: такого муниципалитета нет", e))?;
            require(me, Action::Create, &any_event(&m, None))?;
            Ok((m, None))
        }
        (None, None) => Err(AppError::Validation(vec![FieldError::new(
            "association_id",
            "Организатор: выберите объединение или орган управления образованием",
        )])),
    }
}

async fn create(state: &AppState, me: &Current, ctx: &Ctx, new: &NewEvent) -> Result<Event, AppError> {
    let (m, a) = organiser(state, me, new.association_id, new.municipality_id).await?;
    let d = new.event.parse().map_err(AppError::Validation)?;
    let mut tx = state.db.begin().await?;
    let e = events::create(&mut tx, &ctx.actor(), m.id, m.region_id, a.as_ref(), &d).await?;
    tx.commit().await?;
    Ok(e)
}

async fn update(state: &AppState, me: &Current, ctx: &Ctx, id: EventId, input: &EventInput) -> Result<Event, AppError> {
    let (e, m) = load(state, me, id, Action::Update).await?;
    let d = input.parse().map_err(AppError::Validation)?;
    let mut tx = state.db.begin().await?;
    let a = match e.association_id {
        Some(aid) => Some(associations::get(&mut tx, aid).await?),
        None => None,
    };
    let e = events::update(&mut tx, &ctx.actor(), m.region_id, a.as_ref(), id, &d, input.version).await?;
    tx.commit().await?;
    Ok(e)
}

/// A change of an event's state.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EventStatusInput {
    /// announce | mark_held | cancel | archive
    pub action: String,
    /// Why the event is cancelled (told to the registered): required to cancel.
    pub reason: Option<String>,
}

async fn act(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: EventId,
    input: &EventStatusInput,
) -> Result<Event, AppError> {
    let action = match input.action.trim() {
        "announce" => EventAction::Announce,
        "mark_held" => EventAction::MarkHeld,
        "cancel" => EventAction::Cancel,
        "archive" => EventAction::Archive,
        _ => {
            return Err(AppError::Validation(vec![FieldError::new(
                "action",
                "Действие: объявить, отметить проведённым, отменить или перенести в архив",
            )]));
        }
    };
    let (e, m) = load(state, me, id, Action::Update).await?;
    let mut tx = state.db.begin().await?;
    let today = today_of(state, &mut tx, &m).await?;
    if action == EventAction::MarkHeld && today < e.starts_on {
        return Err(AppError::Conflict(format!(
            "Мероприятие ещё не началось: отметить его проведённым можно с {}",
            ru_date(e.starts_on)
        )));
    }
    let e = events::act(&mut tx, &ctx.actor(), m.region_id, id, action, input.reason.as_deref()).await?;
    tx.commit().await?;
    Ok(e)
}

/// Whom to register: a teacher of the bank, several (the organisers' form), or a guest by name.
/// Nothing named: the reader registers themselves.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RegistrationInput {
    pub teacher_id: Option<i64>,
    pub teacher_ids: Vec<i64>,
    /// A guest's full name (a teacher of another municipality, a guest from outside the bank).
    pub guest_name: Option<String>,
    pub guest_organization: Option<String>,
}

impl RegistrationInput {
    fn teachers(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.teacher_id.into_iter().chain(self.teacher_ids.iter().copied()).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
    fn guest(&self) -> Option<&str> {
        self.guest_name.as_deref().map(str::trim).filter(|g| !g.is_empty())
    }
    fn is_empty(&self) -> bool {
        self.teachers().is_empty() && self.guest().is_none()
    }
}

/// The reader's own teacher record (registering oneself needs one).
async fn own_teacher(c: &mut Conn, me: &Current) -> Result<Option<metoda_store::teachers::Teacher>, AppError> {
    Ok(teachers::of_user(c, me.user.id).await?)
}

/// The reader registers themselves: a place, or the waiting list when the places are taken.
async fn register_self(state: &AppState, me: &Current, ctx: &Ctx, id: EventId) -> Result<EventRegistration, AppError> {
    let (_, m) = load(state, me, id, Action::View).await?;
    let mut tx = state.db.begin().await?;
    // Only a teacher registers themselves: an account without a teacher record is refused as any
    // other act it has no right to (its page offers no button and says why).
    let Some(t) = own_teacher(&mut tx, me).await? else {
        return Err(AppError::Forbidden);
    };
    let today = today_of(state, &mut tx, &m).await?;
    let r = events::register(&mut tx, &ctx.actor(), id, Registrant::Teacher(t.id), true, today).await?;
    tx.commit().await?;
    Ok(r)
}

/// The organisers register teachers of the municipality and guests, all or none.
async fn enrol(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: EventId,
    input: &RegistrationInput,
) -> Result<Vec<EventRegistration>, AppError> {
    let (e, m) = load(state, me, id, Action::Update).await?;
    if input.is_empty() {
        return Err(AppError::Validation(vec![FieldError::new(
            "teacher_ids",
            "Кого зарегистрировать: выберите педагогов или укажите гостя",
        )]));
    }
    let mut tx = state.db.begin().await?;
    let today = today_of(state, &mut tx, &m).await?;
    let mut out = vec![];
    for t in input.teachers() {
        let teacher = bank_teacher(&mut tx, &e, t).await?;
        out.push(events::register(&mut tx, &ctx.actor(), id, Registrant::Teacher(teacher), false, today).await?);
    }
    if let Some(name) = input.guest() {
        let who = Registrant::Guest { name, organization: input.guest_organization.as_deref() };
        out.push(events::register(&mut tx, &ctx.actor(), id, who, false, today).await?);
    }
    tx.commit().await?;
    Ok(out)
}

/// Who organises the event, in words: its association, or the authority.
pub fn organiser_name(e: &Event, m: &Municipality) -> String {
    e.association_name.clone().unwrap_or_else(|| format!("Орган управления образованием ({})", m.name))
}

/// The sheet is filled from the event's first day.
fn sheet_day(e: &Event, today: Date) -> Result<(), AppError> {
    if today < e.starts_on {
        return Err(AppError::Conflict(format!(
            "Лист регистрации заполняют в день мероприятия: с {}",
            ru_date(e.starts_on)
        )));
    }
    Ok(())
}

/// A teacher of the event's municipality's bank, whom the organisers register.
async fn bank_teacher(c: &mut Conn, e: &Event, id: i64) -> Result<metoda_domain::ids::TeacherId, AppError> {
    let teacher = teachers::get(c, metoda_domain::ids::TeacherId(id)).await.map_err(|_| not_of_bank())?;
    if teacher.municipality_id != e.municipality_id {
        return Err(not_of_bank());
    }
    Ok(teacher.id)
}

fn not_of_bank() -> AppError {
    AppError::Validation(vec![FieldError::new(
        "teacher_ids",
        "Педагог не найден в банке данных муниципалитета: педагога другого муниципалитета зарегистрируйте как гостя",
    )])
}

/// Cancels a registration: one's own, or anyone's by the organisers.
async fn unregister(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: EventId,
    rid: i64,
) -> Result<EventRegistration, AppError> {
    let (e, m) = load(state, me, id, Action::View).await?;
    let mut tx = state.db.begin().await?;
    let r = events::registration(&mut tx, rid).await?;
    if r.event_id != id {
        return Err(AppError::NotFound);
    }
    let own = match (r.teacher_id, own_teacher(&mut tx, me).await?) {
        (Some(t), Some(mine)) => t == mine.id,
        _ => false,
    };
    if !own {
        require(me, Action::Update, &resource(&e, m.region_id))?;
    }
    let r = events::cancel_registration(&mut tx, &ctx.actor(), rid).await?;
    tx.commit().await?;
    Ok(r)
}

/// A mark of the registration sheet.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct SheetMark {
    pub registration_id: i64,
    pub attended: bool,
}

/// The registration sheet as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SheetInput {
    pub marks: Vec<SheetMark>,
}

async fn mark(state: &AppState, me: &Current, ctx: &Ctx, id: EventId, marks: &[SheetMark]) -> Result<Event, AppError> {
    let (e, m) = load(state, me, id, Action::Update).await?;
    let mut tx = state.db.begin().await?;
    sheet_day(&e, today_of(state, &mut tx, &m).await?)?;
    let marks: Vec<(i64, bool)> = marks.iter().map(|k| (k.registration_id, k.attended)).collect();
    let e = events::mark_attendance(&mut tx, &ctx.actor(), id, &marks).await?;
    tx.commit().await?;
    Ok(e)
}

/// Someone who came without registering: a teacher of the bank or a guest by name.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct WalkInInput {
    pub teacher_id: Option<i64>,
    pub guest_name: Option<String>,
    pub guest_organization: Option<String>,
}

async fn walk_in(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: EventId,
    input: &WalkInInput,
) -> Result<EventRegistration, AppError> {
    let (e, m) = load(state, me, id, Action::Update).await?;
    let mut tx = state.db.begin().await?;
    sheet_day(&e, today_of(state, &mut tx, &m).await?)?;
    let who = match (input.teacher_id.filter(|t| *t > 0), input.guest_name.as_deref()) {
        (Some(t), _) => Registrant::Teacher(bank_teacher(&mut tx, &e, t).await?),
        (None, name) => {
            Registrant::Guest { name: name.unwrap_or_default(), organization: input.guest_organization.as_deref() }
        }
    };
    let r = events::add_walk_in(&mut tx, &ctx.actor(), id, who).await?;
    tx.commit().await?;
    Ok(r)
}

async fn add_item(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: EventId,
    input: &ProgrammeInput,
) -> Result<ProgrammeItem, AppError> {
    load(state, me, id, Action::Update).await?;
    let d = input.parse().map_err(AppError::Validation)?;
    let mut tx = state.db.begin().await?;
    let item = events::add_programme_item(&mut tx, &ctx.actor(), id, &d).await?;
    tx.commit().await?;
    Ok(item)
}

async fn remove_item(state: &AppState, me: &Current, ctx: &Ctx, id: EventId, pid: i64) -> Result<(), AppError> {
    load(state, me, id, Action::Update).await?;
    let mut tx = state.db.begin().await?;
    events::remove_programme_item(&mut tx, &ctx.actor(), id, pid).await?;
    tx.commit().await?;
    Ok(())
}

/// A winner or prize-winner as typed: a participant marked present, the place, and for a
/// students' event who prepared them (and the subject, the grade).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PlacementInput {
    pub registration_id: Option<i64>,
    /// winner | prize_winner
    pub placement: String,
    /// The teacher who prepared the student (students' events).
    pub teacher_id: Option<i64>,
    /// The subject (required for the municipal stage of the ВсОШ).
    pub subject: String,
    pub grade: String,
}

async fn place(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: EventId,
    input: &PlacementInput,
) -> Result<events::Placed, AppError> {
    let (_, m) = load(state, me, id, Action::Update).await?;
    let Some(registration_id) = input.registration_id.filter(|r| *r > 0) else {
        return Err(AppError::Validation(vec![FieldError::new(
            "registration_id",
            "Участник: выберите отмеченного присутствовавшим по листу регистрации",
        )]));
    };
    let placement = match input.placement.trim() {
        "winner" => metoda_domain::results::Placement::Winner,
        "prize_winner" => metoda_domain::results::Placement::PrizeWinner,
        _ => return Err(AppError::Validation(vec![FieldError::new("placement", "Место: победитель или призёр")])),
    };
    let d = events::PlacementData {
        registration_id,
        placement,
        subject: input.subject.clone(),
        grade: input.grade.clone(),
        teacher_id: input.teacher_id.filter(|t| *t > 0),
    };
    let mut tx = state.db.begin().await?;
    let today = today_of(state, &mut tx, &m).await?;
    let p = events::record_placement(&mut tx, &ctx.actor(), id, &d, today).await?;
    tx.commit().await?;
    Ok(p)
}

async fn diplomas(state: &AppState, me: &Current, ctx: &Ctx, id: EventId) -> Result<usize, AppError> {
    load(state, me, id, Action::Update).await?;
    let mut tx = state.db.begin().await?;
    let n = events::issue_diplomas(&mut tx, &ctx.actor(), id).await?;
    tx.commit().await?;
    Ok(n)
}

/// A new session of a series, as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SessionInput {
    /// The session's day (ДД.ММ.ГГГГ or ГГГГ-ММ-ДД).
    pub on: String,
}

/// Adds a session to the event's series: a draft on that day, like the event.
async fn add_session(state: &AppState, me: &Current, ctx: &Ctx, id: EventId, on: &str) -> Result<Event, AppError> {
    let (_, m) = load(state, me, id, Action::Update).await?;
    let on = metoda_domain::values::date("on", "День занятия", on).map_err(|e| AppError::Validation(vec![e]))?;
    let mut tx = state.db.begin().await?;
    let e = events::add_session(&mut tx, &ctx.actor(), m.region_id, id, on).await?;
    tx.commit().await?;
    Ok(e)
}

/// A material or photograph to attach: a file or a link, and its title.
struct MaterialUpload {
    title: String,
    url: String,
    file: Option<(String, Vec<u8>)>,
}

/// Attaches a material or photograph to an event (its organisers).
async fn attach_material(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: EventId,
    u: &MaterialUpload,
) -> Result<metoda_store::attachments::Attachment, AppError> {
    use metoda_domain::values;
    load(state, me, id, Action::Update).await?;
    let title = values::optional_text("title", "Название", &u.title, 300).map_err(|e| AppError::Validation(vec![e]))?;
    let url = values::optional_url("url", "Ссылка", &u.url).map_err(|e| AppError::Validation(vec![e]))?;
    let content = crate::features::attachments::content_of(u.file.as_ref(), url.as_deref())?;
    let title = match (title, &content) {
        (Some(t), _) => t,
        (None, metoda_store::attachments::Content::File { name, .. }) => (*name).to_owned(),
        (None, metoda_store::attachments::Content::Link(u)) => (*u).to_owned(),
    };
    let mut tx = state.db.begin().await?;
    let a = events::attach_material(&mut tx, &ctx.actor(), id, &title, content).await?;
    tx.commit().await?;
    Ok(a)
}

async fn remove_material(state: &AppState, me: &Current, ctx: &Ctx, id: EventId, aid: i64) -> Result<(), AppError> {
    load(state, me, id, Action::Update).await?;
    let mut tx = state.db.begin().await?;
    events::remove_material(&mut tx, &ctx.actor(), id, aid).await?;
    tx.commit().await?;
    Ok(())
}

async fn speakers(state: &AppState, me: &Current, ctx: &Ctx, id: EventId) -> Result<usize, AppError> {
    load(state, me, id, Action::Update).await?;
    let mut tx = state.db.begin().await?;
    let n = events::issue_speaker_certificates(&mut tx, &ctx.actor(), id).await?;
    tx.commit().await?;
    Ok(n)
}

/// A teacher named an organiser or an assessment author.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct StaffInput {
    pub teacher_id: Option<i64>,
    /// organiser | assessment_author
    pub role: String,
}

async fn add_staff(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: EventId,
    input: &StaffInput,
) -> Result<events::Staff, AppError> {
    load(state, me, id, Action::Update).await?;
    let mut errors = vec![];
    let role = metoda_domain::events::StaffRole::from_code(input.role.trim());
    if role.is_none() {
        errors.push(FieldError::new("role", "Роль: организатор или разработчик заданий"));
    }
    let teacher = input.teacher_id.filter(|t| *t > 0);
    if teacher.is_none() {
        errors.push(FieldError::new("teacher_id", "Педагог: выберите педагога"));
    }
    let (Some(role), Some(teacher)) = (role, teacher) else { return Err(AppError::Validation(errors)) };
    let mut tx = state.db.begin().await?;
    let s = events::add_staff(&mut tx, &ctx.actor(), id, metoda_domain::ids::TeacherId(teacher), role).await?;
    tx.commit().await?;
    Ok(s)
}

async fn remove_staff(state: &AppState, me: &Current, ctx: &Ctx, id: EventId, sid: i64) -> Result<(), AppError> {
    load(state, me, id, Action::Update).await?;
    let mut tx = state.db.begin().await?;
    events::remove_staff(&mut tx, &ctx.actor(), id, sid).await?;
    tx.commit().await?;
    Ok(())
}

/// The organisers' conclusions of a held event, as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OutcomeInput {
    pub outcome: String,
    #[serde(deserialize_with = "metoda_domain::values::de_version")]
    pub version: Option<i64>,
}

async fn outcome(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: EventId,
    input: &OutcomeInput,
) -> Result<Event, AppError> {
    load(state, me, id, Action::Update).await?;
    let mut tx = state.db.begin().await?;
    let e = events::set_outcome(&mut tx, &ctx.actor(), id, &input.outcome, input.version).await?;
    tx.commit().await?;
    Ok(e)
}

/// The note on the event's results (DOCX): the facts, the programme, the placements, the
/// organisers' conclusions, the signature.
async fn note_of(state: &AppState, me: &Current, id: EventId) -> Result<Response, AppError> {
    let (e, m) = load(state, me, id, Action::Update).await?;
    if !matches!(e.status, EventStatus::Held | EventStatus::Archived) {
        return Err(AppError::Conflict("Справку по итогам составляют после проведения мероприятия".into()));
    }
    let mut c = state.db.conn().await?;
    let registrations = events::registrations(&mut c, id).await?;
    let present = registrations.iter().filter(|r| r.attended == Some(1)).count() as i64;
    let registered = registrations.iter().filter(|r| r.status == RegistrationStatus::Registered).count() as i64;
    let programme = events::programme(&mut c, id).await?;
    let placements = events::placements(&mut c, id).await?;
    let head = match e.association_id {
        Some(aid) => associations::get(&mut c, aid).await?.head_name,
        None => None,
    };
    drop(c);
    let when = format!("{}{}", e.dates(), e.starts_at.as_deref().map(|t| format!(", {t}")).unwrap_or_default());
    let mut facts =
        vec![format!("Дата проведения: {when}."), format!("Форма: {}, {}.", e.form.label_ru(), e.format.label_ru())];
    let place = place_of(&e);
    if !place.is_empty() {
        facts.push(format!("Место проведения: {place}."));
    }
    if e.hours > 0 {
        facts.push(format!("Объём: {}.", hours_words(e.hours)));
    }
    facts.push(format!("Зарегистрировано: {}; присутствовали: {}.", people(registered), people(present)));
    let doc = metoda_docs::event_docx::EventNote {
        organiser: organiser_name(&e, &m),
        what: format!("мероприятия «{}» ({})", e.title, e.form.label_ru()),
        facts,
        programme: programme
            .iter()
            .map(|p| {
                let day = p.on_date.map(|d| format!("{} ", ru_date(d))).unwrap_or_default();
                let at = format!("{day}{}", p.starts_at.as_deref().map(|t| format!("{t} ")).unwrap_or_default());
                let org = p.organization.as_deref().map(|o| format!(", {o}")).unwrap_or_default();
                format!("{at}«{}» ({}) — {}{org}", p.topic, p.kind.label_ru(), p.speaker)
            })
            .collect(),
        placements: placements
            .iter()
            .map(|p| {
                let who = p.teacher_name.as_deref().map(|t| format!("; подготовил(а) {t}")).unwrap_or_default();
                format!("{}: {}{who}", capitalized(p.placement.label_ru()), p.name)
            })
            .collect(),
        outcome: e.outcome.clone().unwrap_or_default(),
        signer_post: if e.association_id.is_some() {
            "Руководитель объединения".into()
        } else {
            "Руководитель органа управления образованием".into()
        },
        signer_name: head.unwrap_or_default(),
    };
    let bytes = metoda_docs::event_docx::event_note_docx(&doc).map_err(AppError::internal)?;
    Ok(crate::pages::download(bytes, crate::pages::DOCX, &format!("Справка по итогам — {}.docx", e.title)))
}

async fn note_docx(State(state): State<AppState>, Me(me, _): Me, Path(id): Path<EventId>) -> PageResult {
    note_of(&state, &me, id).await
}

/// A participant's rating as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RatingInput {
    /// 1–5.
    pub score: Option<i64>,
    pub comment: String,
    /// The organisers see the score and the comment without the name.
    pub anonymous: bool,
}

/// The reader rates a held event they were present at (a second rating replaces the first).
async fn rate(state: &AppState, me: &Current, ctx: &Ctx, id: EventId, input: &RatingInput) -> Result<(), AppError> {
    load(state, me, id, Action::View).await?;
    let mut tx = state.db.begin().await?;
    // Only a participant marked present rates: anyone else has nothing to rate.
    let teacher = own_teacher(&mut tx, me).await?.ok_or(AppError::Forbidden)?;
    let mine = events::registrations(&mut tx, id)
        .await?
        .into_iter()
        .find(|r| r.teacher_id == Some(teacher.id) && r.attended == Some(1))
        .ok_or(AppError::Forbidden)?;
    let Some(score) = input.score else {
        return Err(AppError::Validation(vec![FieldError::new("score", "Оценка: от 1 до 5")]));
    };
    events::rate(&mut tx, &ctx.actor(), id, mine.id, score, Some(&input.comment), input.anonymous).await?;
    tx.commit().await?;
    Ok(())
}

async fn issue(state: &AppState, me: &Current, ctx: &Ctx, id: EventId) -> Result<usize, AppError> {
    load(state, me, id, Action::Update).await?;
    let mut tx = state.db.begin().await?;
    let n = events::issue_participant_certificates(&mut tx, &ctx.actor(), id).await?;
    tx.commit().await?;
    Ok(n)
}

/// A certificate, its event and municipality, for its holder or the event's organisers.
async fn certificate_of(
    state: &AppState,
    me: &Current,
    cid: i64,
    action: Action,
) -> Result<(Certificate, Event, Municipality), AppError> {
    let mut c = state.db.conn().await?;
    let cert = events::certificate(&mut c, cid).await?;
    let e = events::get(&mut c, cert.event_id).await?;
    let m = municipalities::get(&mut c, e.municipality_id).await?;
    let organiser = me.may(Action::Update, &resource(&e, m.region_id));
    let holder = action == Action::View
        && match (cert.teacher_id, own_teacher(&mut c, me).await?) {
            (Some(t), Some(mine)) => t == mine.id,
            _ => false,
        };
    if !(organiser || holder) {
        return Err(AppError::Forbidden);
    }
    Ok((cert, e, m))
}

/// A reason, as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RevokeInput {
    pub reason: String,
}

async fn revoke(state: &AppState, me: &Current, ctx: &Ctx, cid: i64, reason: &str) -> Result<Certificate, AppError> {
    certificate_of(state, me, cid, Action::Update).await?;
    let mut tx = state.db.begin().await?;
    events::revoke_certificate(&mut tx, &ctx.actor(), cid, reason).await?;
    let cert = events::certificate(&mut tx, cid).await?;
    tx.commit().await?;
    Ok(cert)
}

// ---- the calendar ----

/// The calendar's query string.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct CalendarQuery {
    /// The municipality (default: the reader's).
    pub municipality_id: Option<i64>,
    /// month | week | list (default: list)
    pub view: Option<String>,
    /// ГГГГ-ММ: the month shown (default: this month).
    pub month: Option<String>,
    /// ГГГГ-ММ-ДД: a day of the week shown (view=week; default: this week).
    pub week: Option<String>,
    pub association_id: Option<String>,
    /// An event form code.
    pub form: Option<String>,
    /// teachers | students
    pub audience: Option<String>,
    /// municipal | regional | all_russian | international
    pub level: Option<String>,
    pub page: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    List,
    Month,
    Week,
}

/// The query checked: the view, its span and the filters.
struct Asked {
    view: View,
    from: Date,
    to: Date,
    association_id: Option<AssociationId>,
    form: Option<EventForm>,
    audience: Option<Audience>,
    level: Option<Level>,
}

fn month_start(d: Date) -> Date {
    d.replace_day(1).unwrap_or(d)
}

fn month_end(d: Date) -> Date {
    let first = month_start(d);
    let next = if first.month() == Month::December {
        Date::from_calendar_date(first.year() + 1, Month::January, 1)
    } else {
        Date::from_calendar_date(first.year(), first.month().next(), 1)
    };
    next.map(|n| n - Duration::days(1)).unwrap_or(first)
}

fn monday_of(d: Date) -> Date {
    d - Duration::days(i64::from(d.weekday().number_days_from_monday()))
}

impl CalendarQuery {
    fn check(&self, today: Date) -> Result<Asked, AppError> {
        let mut errors = vec![];
        let text = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        let view = match text(&self.view).as_deref() {
            None | Some("list") => View::List,
            Some("month") => View::Month,
            Some("week") => View::Week,
            Some(_) => {
                errors.push(FieldError::new("view", "Вид календаря: месяц, неделя или список"));
                View::List
            }
        };
        let month = match text(&self.month) {
            None => month_start(today),
            Some(m) => match metoda_domain::values::date("month", "Месяц", &format!("{m}-01")).ok() {
                Some(d) if (1900..=2100).contains(&d.year()) => d,
                _ => {
                    errors.push(FieldError::new("month", "Месяц: в виде ГГГГ-ММ, например 2027-02"));
                    month_start(today)
                }
            },
        };
        let week = match text(&self.week) {
            None => monday_of(today),
            Some(w) => match metoda_domain::values::date("week", "Неделя", &w).ok() {
                Some(d) if (1900..=2100).contains(&d.year()) => monday_of(d),
                _ => {
                    errors.push(FieldError::new("week", "Неделя: любой её день в виде ГГГГ-ММ-ДД"));
                    monday_of(today)
                }
            },
        };
        let coded = |field: &str, raw: Option<String>, message: &str, errors: &mut Vec<FieldError>, ok: bool| {
            if raw.is_some() && !ok {
                errors.push(FieldError::new(field, message));
            }
        };
        let form = text(&self.form).as_deref().and_then(EventForm::from_code);
        coded("form", text(&self.form), "Форма мероприятия: выберите из списка", &mut errors, form.is_some());
        let audience = text(&self.audience).as_deref().and_then(Audience::from_code);
        coded("audience", text(&self.audience), "Для кого: педагоги или обучающиеся", &mut errors, audience.is_some());
        let level = text(&self.level).as_deref().and_then(Level::from_code).filter(|l| *l != Level::School);
        coded("level", text(&self.level), "Уровень: выберите из списка", &mut errors, level.is_some());
        let association_id = match text(&self.association_id) {
            None => None,
            Some(a) => match a.parse::<i64>() {
                Ok(a) if a > 0 => Some(AssociationId(a)),
                _ => {
                    errors.push(FieldError::new("association_id", "Объединение: выберите из списка"));
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let (from, to) = match view {
            View::Week => (week, week + Duration::days(6)),
            View::List | View::Month => (month, month_end(month)),
        };
        Ok(Asked { view, from, to, association_id, form, audience, level })
    }
}

/// The municipality whose calendar the reader asked for (else their own) after the access check.
async fn calendar_place(c: &mut Conn, me: &Current, asked: Option<i64>) -> Result<Municipality, AppError> {
    let own =
        me.user.municipality_id.or_else(|| me.principal.grants.iter().find_map(|g| g.municipality_id)).map(|m| m.get());
    let id = match asked.or(own) {
        Some(id) => MunicipalityId(id),
        None => {
            let region = me.user.region_id.or_else(|| me.principal.grants.iter().find_map(|g| g.region_id));
            municipalities::list(c, region, false).await?.first().map(|m| m.id).ok_or(AppError::NotFound)?
        }
    };
    let m = municipalities::get(c, id).await?;
    require(
        me,
        Action::View,
        &Resource::Event {
            region_id: m.region_id,
            municipality_id: m.id,
            association_id: None,
            reach: Reach::Municipality,
        },
    )?;
    Ok(m)
}

/// The reader's associations: those of their grants and those their teacher record is a member of
/// (a teacher may belong to several; an event for members is theirs in each).
pub(crate) async fn reader_associations(c: &mut Conn, me: &Current) -> Result<Vec<AssociationId>, AppError> {
    let mut mine: Vec<AssociationId> = me.principal.grants.iter().filter_map(|g| g.association_id).collect();
    mine.extend(associations::memberships_of_user(c, me.user.id).await?);
    mine.sort_unstable();
    mine.dedup();
    Ok(mine)
}

/// The calendar's filter for this reader: members-only events of their own associations, drafts
/// of the events they organise.
fn filter_for(me: &Current, m: &Municipality, a: &Asked, mine: Vec<AssociationId>) -> CalendarFilter {
    let sees_all = me.may(Action::View, &any_event(m, None));
    let organises_all = me.may(Action::Update, &any_event(m, None));
    CalendarFilter {
        municipality_id: m.id,
        from: a.from,
        to: a.to,
        association_id: a.association_id,
        form: a.form,
        audience: a.audience,
        level: a.level,
        members_of: (!sees_all).then(|| mine.clone()),
        drafts_of: (!organises_all)
            .then(|| mine.iter().copied().filter(|a| me.may(Action::Update, &any_event(m, Some(*a)))).collect()),
        public_only: false,
        open_for: None,
    }
}

/// The «Мероприятия» section of an association's page: its events (organised or co-organised)
/// from a month ago to half a year ahead that the reader may see, the first ten by day.
pub struct Section {
    pub events: Vec<Event>,
    /// All of them in that span (the page links to the calendar for the rest).
    pub total: i64,
    /// The reader may create an event of the association.
    pub can_create: bool,
}

/// The association page's events section.
pub async fn section(state: &AppState, me: &Current, a: &Association) -> Result<Section, AppError> {
    let mut c = state.db.conn().await?;
    let m = municipalities::get(&mut c, a.municipality_id).await?;
    let today = today_of(state, &mut c, &m).await?;
    let asked = Asked {
        view: View::List,
        from: today - Duration::days(30),
        to: today + Duration::days(183),
        association_id: Some(a.id),
        form: None,
        audience: None,
        level: None,
    };
    let mine = reader_associations(&mut c, me).await?;
    let f = filter_for(me, &m, &asked, mine);
    let (events, total) = events::calendar(&mut c, &f, Paging::new(None, 10)).await?;
    let can_create = a.is_active() && me.may(Action::Create, &any_event(&m, Some(a.id)));
    Ok(Section { events, total, can_create })
}

/// What a teacher's home page shows of events: their registrations to come, and up to five
/// events they may still register for themselves.
pub async fn teacher_events(
    c: &mut Conn,
    me: &Current,
    t: &metoda_store::teachers::Teacher,
    today: Date,
) -> Result<(Vec<(Event, EventRegistration)>, Vec<Event>), AppError> {
    let mine = events::of_teacher(c, t.id, today, 10).await?;
    let m = municipalities::get(c, t.municipality_id).await?;
    let asked = Asked {
        view: View::List,
        from: today,
        to: today + Duration::days(90),
        association_id: None,
        form: None,
        audience: None,
        level: None,
    };
    let associations = reader_associations(c, me).await?;
    let mut f = filter_for(me, &m, &asked, associations);
    f.open_for = Some(t.id);
    f.drafts_of = Some(vec![]);
    let (open, _) = events::calendar(c, &f, Paging::new(None, 5)).await?;
    Ok((mine, open))
}

/// Events of a list page.
const PER_PAGE: i64 = 30;
/// At most this many events fill a month or a week grid (more: the list view pages them).
const GRID_MAX: i64 = 400;

/// A day of the month or week grid.
pub struct Day {
    pub date: Date,
    pub in_span: bool,
    pub today: bool,
    pub events: Vec<Event>,
}

impl Day {
    pub fn number(&self) -> u8 {
        self.date.day()
    }
    pub fn weekday(&self) -> &'static str {
        ["пн", "вт", "ср", "чт", "пт", "сб", "вс"][usize::from(self.date.weekday().number_days_from_monday())]
    }
}

/// The weeks (Monday first) covering `from`–`to`, each day with the events on it.
fn grid(from: Date, to: Date, today: Date, events: &[Event]) -> Vec<Vec<Day>> {
    let mut weeks = vec![];
    let mut day = monday_of(from);
    while day <= to {
        let mut week = vec![];
        for _ in 0..7 {
            let on: Vec<Event> = events.iter().filter(|e| e.starts_on <= day && day <= e.ends_on).cloned().collect();
            week.push(Day { date: day, in_span: from <= day && day <= to, today: day == today, events: on });
            day += Duration::days(1);
        }
        weeks.push(week);
    }
    weeks
}

const MONTHS: [&str; 12] = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
];

#[derive(Template)]
#[template(path = "events.html")]
struct CalendarPage {
    l: Layout,
    q: CalendarQuery,
    m: Municipality,
    view: &'static str,
    /// «февраль 2027» or «8 — 14 февраля 2027 г.»
    span: String,
    prev: String,
    next: String,
    rows: Vec<Event>,
    weeks: Vec<Vec<Day>>,
    pager: Option<Pager>,
    total: i64,
    /// The grid holds only the first [`GRID_MAX`] events.
    clipped: bool,
    associations: Vec<(i64, String)>,
    municipalities: Vec<(i64, String)>,
    can_create: bool,
    /// The reader's own live registrations among the events shown: event id → state.
    mine: Vec<(EventId, RegistrationStatus)>,
}

impl CalendarPage {
    fn sel(&self, s: &Option<String>, value: &str) -> bool {
        s.as_deref().map(str::trim) == Some(value)
    }
    fn sel_id(&self, s: &Option<String>, id: &i64) -> bool {
        s.as_deref().map(str::trim) == Some(id.to_string().as_str())
    }
    fn forms(&self) -> &'static [EventForm] {
        EventForm::ALL
    }
    fn levels(&self) -> Vec<Level> {
        Level::ALL.iter().copied().filter(|l| *l != Level::School).collect()
    }
    fn audiences(&self) -> &'static [Audience] {
        Audience::ALL
    }
    fn my(&self, e: &Event) -> Option<RegistrationStatus> {
        self.mine.iter().find(|(id, _)| *id == e.id).map(|(_, s)| *s)
    }
    /// The calendar's address with `key` (view, month or week) set to `value`.
    fn with(&self, key: &str, value: &str) -> String {
        let mut q = self.q.clone();
        q.page = None;
        let v = (!value.is_empty()).then(|| value.to_owned());
        match key {
            "view" => q.view = v,
            "month" => q.month = v,
            _ => q.week = v,
        }
        format!("/events?{}", serde_urlencoded::to_string(&q).unwrap_or_default())
    }
}

/// Reads the calendar a reader asked for.
async fn read_calendar(
    state: &AppState,
    me: &Current,
    q: &CalendarQuery,
) -> Result<(Municipality, Asked, Date, Vec<Event>, i64, Paging), AppError> {
    let mut c = state.db.conn().await?;
    let m = calendar_place(&mut c, me, q.municipality_id).await?;
    let today = today_of(state, &mut c, &m).await?;
    let a = q.check(today)?;
    let mine = reader_associations(&mut c, me).await?;
    let f = filter_for(me, &m, &a, mine);
    let paging = match a.view {
        View::List => Paging::new(q.page, PER_PAGE),
        View::Month | View::Week => Paging::new(None, GRID_MAX),
    };
    let (rows, total) = events::calendar(&mut c, &f, paging).await?;
    Ok((m, a, today, rows, total, paging))
}

async fn calendar_page(State(state): State<AppState>, Me(me, ctx): Me, Query(q): Query<CalendarQuery>) -> PageResult {
    let (m, a, today, rows, total, paging) = read_calendar(&state, &me, &q).await?;
    let mut c = state.db.conn().await?;
    let associations: Vec<(i64, String)> = associations::refs_of_municipalities(&mut c, &[m.id])
        .await?
        .into_iter()
        .filter(|a| a.status == metoda_domain::directory::AssociationStatus::Active)
        .map(|a| (a.id.get(), a.name))
        .collect();
    let municipalities = if me.may(Action::View, &any_event(&m, None)) {
        municipalities::list(&mut c, Some(m.region_id), false)
            .await?
            .into_iter()
            .filter(|x| me.may(Action::View, &any_event(x, None)))
            .map(|x| (x.id.get(), x.name))
            .collect()
    } else {
        vec![]
    };
    let can_create = me.may(Action::Create, &any_event(&m, None))
        || me
            .principal
            .grants
            .iter()
            .any(|g| g.association_id.is_some_and(|aid| me.may(Action::Create, &any_event(&m, Some(aid)))));
    let mine = match own_teacher(&mut c, &me).await? {
        // The teacher's registrations from the span's first day: a constant two statements,
        // whether the span shows events or not.
        Some(t) => {
            events::of_teacher(&mut c, t.id, a.from, 200).await?.into_iter().map(|(e, r)| (e.id, r.status)).collect()
        }
        None => vec![],
    };
    let zone = m.zone();
    drop(c);
    let (view, span, prev, next) = match a.view {
        View::Week => (
            "week",
            format!("{} — {}", ru_date(a.from), ru_date(a.to)),
            iso_date(a.from - Duration::days(7)),
            iso_date(a.from + Duration::days(7)),
        ),
        v => (
            if v == View::Month { "month" } else { "list" },
            format!("{} {}", MONTHS[usize::from(u8::from(a.from.month())) - 1], a.from.year()),
            iso_date(month_start(a.from - Duration::days(1)))[..7].to_owned(),
            iso_date(a.to + Duration::days(1))[..7].to_owned(),
        ),
    };
    let weeks = if a.view == View::List { vec![] } else { grid(a.from, a.to, today, &rows) };
    let href = format!(
        "/events?{}",
        serde_urlencoded::to_string(&CalendarQuery { page: None, ..q.clone() }).unwrap_or_default()
    );
    let page = CalendarPage {
        l: Layout::new(&ctx, "Мероприятия", "/events").with_zone(zone),
        q,
        m,
        view,
        span,
        prev,
        next,
        pager: (a.view == View::List).then(|| Pager::new(paging, total, href)),
        clipped: a.view != View::List && total > GRID_MAX,
        rows,
        weeks,
        total,
        associations,
        municipalities,
        can_create,
        mine,
    };
    render(&page)
}

// ---- the event's page ----

/// The new event's form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct NewQuery {
    association_id: Option<i64>,
    municipality_id: Option<i64>,
    plan_item_id: Option<i64>,
}

#[derive(Template)]
#[template(path = "event_form.html")]
struct FormPage {
    l: Layout,
    form: EventInput,
    /// The organiser chosen (an association's id, 0: the authority).
    chosen: i64,
    /// Who may organise: (association id or 0 for the authority, name).
    organisers: Vec<(i64, String)>,
    municipality_id: i64,
    organizations: Vec<(i64, String)>,
    plan_items: Vec<(i64, String)>,
    /// The municipality's other associations (co-organisers) and the organiser's subgroups.
    partners: Vec<(i64, String)>,
    subgroups: Vec<(i64, String)>,
}

impl FormPage {
    fn forms(&self) -> &'static [EventForm] {
        EventForm::ALL
    }
    fn levels(&self) -> Vec<Level> {
        Level::ALL.iter().copied().filter(|l| *l != Level::School).collect()
    }
    fn formats(&self) -> &'static [EventFormat] {
        EventFormat::ALL
    }
    fn reaches(&self) -> &'static [Reach] {
        Reach::ALL
    }
    fn organiser_chosen(&self, id: &i64) -> bool {
        self.chosen == *id
    }
}

/// The plan items an event may carry out: the planned items of the association's latest plans.
async fn plan_choices(c: &mut Conn, aid: AssociationId) -> Result<Vec<(i64, String)>, AppError> {
    let mut out = vec![];
    for p in plans::for_association(c, aid).await?.into_iter().take(2) {
        for i in plans::items(c, &p).await? {
            if i.status == metoda_domain::plans::ItemStatus::Planned {
                out.push((i.id, format!("{} — {}", p.year, i.title)));
            }
        }
    }
    Ok(out)
}

async fn form_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    form: NewEvent,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let mut c = state.db.conn().await?;
    let m = match form.association_id.filter(|a| *a > 0) {
        Some(aid) => {
            let a = associations::get(&mut c, AssociationId(aid)).await?;
            municipalities::get(&mut c, a.municipality_id).await?
        }
        None => calendar_place(&mut c, me, form.municipality_id).await?,
    };
    let mut organisers = vec![];
    if me.may(Action::Create, &any_event(&m, None)) {
        organisers.push((0, format!("Орган управления образованием ({})", m.name)));
    }
    let mut mine: Vec<AssociationId> = me.principal.grants.iter().filter_map(|g| g.association_id).collect();
    if me.may(Action::Create, &any_event(&m, None)) {
        mine = associations::list(&mut c, Some(m.id)).await?.into_iter().map(|a| a.id).collect();
    }
    mine.sort_unstable();
    mine.dedup();
    for a in associations::by_ids(&mut c, &mine).await? {
        if a.municipality_id == m.id && a.is_active() && me.may(Action::Create, &any_event(&m, Some(a.id))) {
            organisers.push((a.id.get(), a.name));
        }
    }
    if organisers.is_empty() {
        return Err(AppError::Forbidden);
    }
    let first = usize::from(organisers[0].0 == 0);
    organisers[first..].sort_by(|a, b| a.1.cmp(&b.1));
    let plan_items = match form.association_id.filter(|a| *a > 0) {
        Some(aid) => plan_choices(&mut c, AssociationId(aid)).await?,
        None => vec![],
    };
    let organizations = plain_choices(organizations::choices(&mut c, m.id).await?);
    let organiser = form.association_id.filter(|a| *a > 0).map(AssociationId);
    let (partners, subgroups) = partner_choices(&mut c, &m, organiser).await?;
    let page = FormPage {
        l: Layout::new(ctx, "Новое мероприятие", "/events").with_errors(errors).with_zone(m.zone()),
        chosen: form.association_id.unwrap_or(0),
        form: form.event,
        organisers,
        municipality_id: m.id.get(),
        organizations,
        plan_items,
        partners,
        subgroups,
    };
    render_status(status, &page)
}

async fn new_page(State(state): State<AppState>, Me(me, ctx): Me, Query(q): Query<NewQuery>) -> PageResult {
    let mut form = NewEvent {
        association_id: q.association_id,
        municipality_id: q.municipality_id,
        event: EventInput { plan_item_id: q.plan_item_id, ..EventInput::default() },
    };
    // From a plan item: its title and month as the event's.
    if let Some(item) = q.plan_item_id {
        let mut c = state.db.conn().await?;
        if let Ok(i) = plans::item(&mut c, item).await {
            form.event.title = i.title.clone();
        }
    }
    form_with(&state, &me, &ctx, form, vec![], StatusCode::OK).await
}

/// An event's fields as a page form sends them.
fn event_input(p: &[(String, String)]) -> EventInput {
    let id = |name: &str| field(p, name).trim().parse::<i64>().ok().filter(|v| *v > 0);
    EventInput {
        title: field(p, "title").into(),
        form: field(p, "form").into(),
        level: field(p, "level").into(),
        format: field(p, "format").into(),
        reach: field(p, "reach").into(),
        starts_on: field(p, "starts_on").into(),
        starts_at: field(p, "starts_at").into(),
        ends_on: field(p, "ends_on").into(),
        venue_organization_id: id("venue_organization_id"),
        place_note: field(p, "place_note").into(),
        online_url: field(p, "online_url").into(),
        hours: field(p, "hours").into(),
        description: field(p, "description").into(),
        registration_open: field(p, "registration_open").into(),
        cap: field(p, "cap").into(),
        registration_deadline: field(p, "registration_deadline").into(),
        plan_item_id: id("plan_item_id"),
        subgroup_id: id("subgroup_id"),
        coorganiser_ids: p
            .iter()
            .filter(|(k, _)| k == "coorganiser_ids")
            .filter_map(|(_, v)| v.trim().parse::<i64>().ok())
            .collect(),
        version: field(p, "version").trim().parse().ok(),
    }
}

/// The choices of the event form that depend on its municipality and organiser: the other
/// active associations (co-organisers) and the organiser's subgroups.
async fn partner_choices(
    c: &mut Conn,
    m: &Municipality,
    organiser: Option<AssociationId>,
) -> Result<(Vec<(i64, String)>, Vec<(i64, String)>), AppError> {
    let partners = associations::refs_of_municipalities(c, &[m.id])
        .await?
        .into_iter()
        .filter(|a| a.status == metoda_domain::directory::AssociationStatus::Active && a.archived_at.is_none())
        .filter(|a| Some(a.id) != organiser)
        .map(|a| (a.id.get(), a.name))
        .collect();
    let subgroups = match organiser {
        Some(aid) => associations::subgroups(c, aid)
            .await?
            .into_iter()
            .filter(|s| s.archived_at.is_none())
            .map(|s| (s.id, format!("{} ({})", s.name, s.kind.label_ru())))
            .collect(),
        None => vec![],
    };
    Ok((partners, subgroups))
}

/// The event's fields as its form shows them.
fn input_of(e: &Event, coorganisers: &[(AssociationId, String)]) -> EventInput {
    EventInput {
        title: e.title.clone(),
        form: e.form.code().into(),
        level: e.level.code().into(),
        format: e.format.code().into(),
        reach: e.reach.code().into(),
        starts_on: iso_date(e.starts_on),
        starts_at: e.starts_at.clone().unwrap_or_default(),
        ends_on: iso_date(e.ends_on),
        venue_organization_id: e.venue_organization_id.map(i64::from),
        place_note: e.place_note.clone().unwrap_or_default(),
        online_url: e.online_url.clone().unwrap_or_default(),
        hours: e.hours.to_string(),
        description: e.description.clone().unwrap_or_default(),
        registration_open: if e.registration_open { "1".into() } else { String::new() },
        cap: e.cap.map(|c| c.to_string()).unwrap_or_default(),
        registration_deadline: e.registration_deadline.map(iso_date).unwrap_or_default(),
        plan_item_id: e.plan_item_id,
        subgroup_id: e.subgroup_id,
        coorganiser_ids: coorganisers.iter().map(|(a, _)| a.get()).collect(),
        version: Some(e.version),
    }
}

async fn create_submit(State(state): State<AppState>, Me(me, ctx): Me, body: axum::body::Bytes) -> PageResult {
    let p = pairs(&body)?;
    let id = |name: &str| field(&p, name).trim().parse::<i64>().ok().filter(|v| *v > 0);
    let new = NewEvent {
        association_id: id("association_id"),
        municipality_id: id("municipality_id"),
        event: event_input(&p),
    };
    match create(&state, &me, &ctx, &new).await {
        Ok(e) => Ok(redirect_with(
            &format!("/events/{}", e.id),
            "Мероприятие создано как черновик; объявите его, когда всё будет готово",
            &ctx,
        )),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (status, errors) = form_errors(e);
            form_with(&state, &me, &ctx, new, errors, status).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "event.html")]
struct EventPage {
    l: Layout,
    e: Event,
    organiser: bool,
    /// The organiser's name: the association's, or the authority's.
    organiser_name: String,
    registrations: Vec<EventRegistration>,
    mine: Option<EventRegistration>,
    /// The reader may register themselves now (or why not).
    self_registration: Result<(), &'static str>,
    certificates: Vec<Certificate>,
    /// The reader's own certificates of this event.
    my_certificates: Vec<Certificate>,
    form: EventInput,
    organizations: Vec<(i64, String)>,
    plan_items: Vec<(i64, String)>,
    /// The association's members not registered yet (the organisers' form).
    members: Vec<crate::pages::Choice>,
    programme: Vec<ProgrammeItem>,
    placements: Vec<events::Placed>,
    /// The placement's form as typed, when it was refused.
    placement: PlacementInput,
    /// The organisers and the assessment authors.
    staff: Vec<events::Staff>,
    /// The participants' ratings (shown to the organisers).
    ratings: views::RatingSummary,
    /// The reader's own rating, if any.
    my_rating: Option<events::Rating>,
    /// The association's members, as speakers to choose from.
    speakers: Vec<(i64, String)>,
    /// The programme item's form as typed, when adding it was refused.
    item: ProgrammeInput,
    started: bool,
    /// Which small form was refused, to open it.
    open: &'static str,
    plan_item_title: Option<String>,
    materials: Vec<metoda_store::attachments::Attachment>,
    /// A material's title and link as typed, when attaching it was refused.
    material: (String, String),
    /// The associations that co-organise the event, each with whether the reader may open its page.
    coorganisers: Vec<(AssociationId, String, bool)>,
    /// The organising association, when the reader may open its page.
    organiser_link: Option<AssociationId>,
    /// The form's choices: the municipality's other associations, the organiser's subgroups.
    partners: Vec<(i64, String)>,
    subgroups: Vec<(i64, String)>,
    /// The subgroup that holds the event, if one does.
    subgroup_name: Option<String>,
    /// The sessions of its series, by day, and (for the organisers) who came to how many.
    series: Vec<Event>,
    series_attendance: Vec<(String, i64)>,
    /// A new session's day as typed, when adding it was refused.
    session_on: String,
    /// The search of the municipality's teachers, as typed (the authority's events).
    find: String,
}

impl EventPage {
    fn forms(&self) -> &'static [EventForm] {
        EventForm::ALL
    }
    fn levels(&self) -> Vec<Level> {
        Level::ALL.iter().copied().filter(|l| *l != Level::School).collect()
    }
    fn formats(&self) -> &'static [EventFormat] {
        EventFormat::ALL
    }
    fn reaches(&self) -> &'static [Reach] {
        Reach::ALL
    }
    /// The calendar's month of the event.
    fn back(&self) -> String {
        format!("/events?municipality_id={}&month={}", self.e.municipality_id, &iso_date(self.e.starts_on)[..7])
    }
    /// Winners and prize-winners are recorded now: a held contest or olympiad, by its organisers.
    fn places_open(&self) -> bool {
        self.organiser && self.e.status == EventStatus::Held && self.e.form.has_placements()
    }
    /// Participants marked present without a place yet.
    fn placeable(&self) -> Vec<&EventRegistration> {
        self.registrations
            .iter()
            .filter(|r| r.attended == Some(1) && !self.placements.iter().any(|p| p.registration_id == r.id))
            .collect()
    }
    fn students(&self) -> bool {
        self.e.audience == Audience::Students
    }
    fn undiplomaed(&self) -> usize {
        self.placements
            .iter()
            .filter(|p| {
                !self.certificates.iter().any(|c| {
                    c.registration_id == Some(p.registration_id)
                        && matches!(c.kind, CertificateKind::Winner | CertificateKind::Prizewinner)
                })
            })
            .count()
    }
    /// The reader may rate the event: held, and they were there.
    fn may_rate(&self) -> bool {
        matches!(self.e.status, EventStatus::Held | EventStatus::Archived)
            && self.mine.as_ref().is_some_and(|r| r.attended == Some(1))
    }
    fn roles(&self) -> &'static [metoda_domain::events::StaffRole] {
        metoda_domain::events::StaffRole::ALL
    }
    fn kinds(&self) -> &'static [ProgrammeKind] {
        ProgrammeKind::ALL
    }
    /// The programme changes until the event is cancelled or archived; items go only before it
    /// is held.
    fn programme_open(&self) -> bool {
        self.organiser && matches!(self.e.status, EventStatus::Draft | EventStatus::Announced | EventStatus::Held)
    }
    fn editable(&self) -> bool {
        self.organiser && matches!(self.e.status, EventStatus::Draft | EventStatus::Announced)
    }
    fn sheet_open(&self) -> bool {
        self.organiser && self.started && matches!(self.e.status, EventStatus::Announced | EventStatus::Held)
    }
    fn waiting(&self) -> Vec<&EventRegistration> {
        self.registrations.iter().filter(|r| r.status == RegistrationStatus::Waitlisted).collect()
    }
    fn present(&self) -> usize {
        self.registrations.iter().filter(|r| r.attended == Some(1)).count()
    }
    fn uncertified(&self) -> usize {
        self.registrations
            .iter()
            .filter(|r| {
                r.attended == Some(1)
                    && r.status == RegistrationStatus::Registered
                    && !self
                        .certificates
                        .iter()
                        .any(|c| c.registration_id == Some(r.id) && c.kind == CertificateKind::Participant)
            })
            .count()
    }
    /// The event lasts several days (its programme items are dated).
    fn people_legend(&self) -> &'static str {
        if self.e.association_id.is_some() {
            "Члены объединения"
        } else {
            "Найденные педагоги муниципалитета"
        }
    }
    fn several_days(&self) -> bool {
        self.e.ends_on > self.e.starts_on
    }
    fn iso(&self, d: &Date) -> String {
        iso_date(*d)
    }
    /// Sessions of the series already held.
    fn held_sessions(&self) -> usize {
        self.series.iter().filter(|x| matches!(x.status, EventStatus::Held | EventStatus::Archived)).count()
    }
    /// A material shown as a photograph (an image file).
    fn is_photo(&self, a: &metoda_store::attachments::Attachment) -> bool {
        a.content_type.as_deref().is_some_and(|t| t.starts_with("image/"))
    }
    fn has_photos(&self) -> bool {
        self.materials.iter().any(|a| self.is_photo(a))
    }
    /// Items of the programme whose speaker has no certificate yet.
    fn unspoken(&self) -> usize {
        self.programme
            .iter()
            .filter(|p| {
                !self.certificates.iter().any(|c| c.programme_id == Some(p.id) && c.kind == CertificateKind::Speaker)
            })
            .count()
    }
    /// The place of the reader's registration on the waiting list (from 1).
    fn my_place(&self) -> usize {
        let Some(m) = &self.mine else { return 0 };
        self.waiting().iter().position(|r| r.id == m.id).map_or(0, |p| p + 1)
    }
    fn hours_words(&self) -> String {
        hours_words(self.e.hours)
    }
    fn places(&self) -> String {
        match self.e.cap {
            Some(cap) => format!(
                "занято {} из {cap}, свободно {}{}",
                self.e.registered,
                self.e.places_left().unwrap_or(0),
                if self.e.waiting > 0 {
                    format!("; в листе ожидания {}", people(self.e.waiting))
                } else {
                    String::new()
                }
            ),
            None => format!("зарегистрировано: {}; число мест не ограничено", people(self.e.registered)),
        }
    }
}

/// «1 человек», «3 человека», «5 человек».
pub fn people(n: i64) -> String {
    format!("{n} {}", plural_ru(n, "человек", "человека", "человек"))
}

/// «в объёме 6 часов».
pub fn hours_words(h: i64) -> String {
    format!("{h} {}", plural_ru(h, "час", "часа", "часов"))
}

/// A refused form of the event's page, shown again: its messages, the status, and which of the
/// page's folded forms to open ("": none).
struct Refused {
    errors: Vec<FieldError>,
    status: StatusCode,
    open: &'static str,
    /// The programme item as typed.
    item: Option<ProgrammeInput>,
    /// The placement as typed.
    placement: Option<PlacementInput>,
    /// A material's title and link as typed (a chosen file cannot be given back).
    material: Option<(String, String)>,
    /// A new session's day as typed.
    session: Option<String>,
    /// The search of the municipality's teachers (the authority's events).
    find: String,
}

impl Refused {
    fn nothing() -> Refused {
        Refused {
            errors: vec![],
            status: StatusCode::OK,
            open: "",
            item: None,
            placement: None,
            material: None,
            session: None,
            find: String::new(),
        }
    }
}

async fn view_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: EventId,
    typed: Option<EventInput>,
    refused: Refused,
) -> PageResult {
    let Refused {
        errors,
        status,
        open,
        item: typed_item,
        placement: typed_placement,
        material: typed_material,
        session: typed_session,
        find,
    } = refused;
    let (e, m) = load(state, me, id, Action::View).await?;
    let organiser = me.may(Action::Update, &resource(&e, m.region_id));
    let mut c = state.db.conn().await?;
    let today = today_of(state, &mut c, &m).await?;
    let all = events::registrations(&mut c, id).await?;
    let own = own_teacher(&mut c, me).await?;
    let mine = own.as_ref().and_then(|t| all.iter().find(|r| r.teacher_id == Some(t.id)).cloned());
    let certificates = events::certificates(&mut c, id).await?;
    let my_certificates: Vec<Certificate> = match &own {
        Some(t) => certificates.iter().filter(|c| c.teacher_id == Some(t.id)).cloned().collect(),
        None => vec![],
    };
    let self_registration = match (&own, &mine) {
        (None, _) => Err("Ваша учётная запись не связана с карточкой педагога"),
        (_, Some(_)) => Err("Вы уже зарегистрированы"),
        _ => e.registration().refuses_self(e.status, today).map_or(Ok(()), Err),
    };
    let (mut organizations, mut plan_items, mut members, mut speakers) = (vec![], vec![], vec![], vec![]);
    if organiser {
        organizations = plain_choices(organizations::choices(&mut c, m.id).await?);
        // The people to choose from: the association's members, or for the authority's event the
        // municipality's teachers found by the search (at most FOUND of them).
        let people: Vec<(metoda_domain::ids::TeacherId, String, String)> = match e.association_id {
            Some(aid) => {
                plan_items = plan_choices(&mut c, aid).await?;
                // a past event's people are the members of its day; a coming one's, today's
                let on = metoda_domain::values::iso_date(e.starts_on.min(today));
                associations::members(&mut c, aid, Some(&on))
                    .await?
                    .into_iter()
                    .map(|x| (x.teacher_id, x.full_name, x.organization_name))
                    .collect()
            }
            None if !find.trim().is_empty() => {
                let f = teachers::Filter {
                    scope: metoda_domain::access::TeacherScope { municipalities: vec![m.id], ..Default::default() },
                    municipality_id: Some(m.id),
                    text: Some(find.trim().to_owned()),
                    page: 1,
                    per_page: FOUND,
                    ..Default::default()
                };
                teachers::list(&mut c, &f, today)
                    .await?
                    .0
                    .into_iter()
                    .map(|t| (t.id, t.full_name(), t.organization_name))
                    .collect()
            }
            None => vec![],
        };
        speakers = people.iter().map(|(t, name, _)| (t.get(), name.clone())).collect();
        members = people
            .into_iter()
            .filter(|(t, _, _)| !all.iter().any(|r| r.teacher_id == Some(*t)))
            .map(|(t, name, org)| crate::pages::Choice {
                value: t.get(),
                label: format!("{name} ({org})"),
                chosen: false,
            })
            .collect();
    }
    let programme = events::programme(&mut c, id).await?;
    let placements = events::placements(&mut c, id).await?;
    let rating_list = events::ratings(&mut c, id).await?;
    let staff = events::staff(&mut c, id).await?;
    let my_rating = mine.as_ref().and_then(|r| rating_list.iter().find(|x| x.registration_id == r.id).cloned());
    let plan_item_title = match e.plan_item_id {
        Some(i) => plans::item(&mut c, i).await.ok().map(|i| i.title),
        None => None,
    };
    drop(c);
    let registrations = if organiser { all } else { vec![] };
    let organiser_name = organiser_name(&e, &m);
    let mut c = state.db.conn().await?;
    let materials = events::materials(&mut c, id).await?;
    // Each association named with whether the reader may open its page.
    let opens = |a: AssociationId| {
        me.may(
            Action::View,
            &Resource::Association { region_id: m.region_id, municipality_id: m.id, association_id: Some(a) },
        )
    };
    let coorganisers: Vec<(AssociationId, String, bool)> =
        events::coorganisers(&mut c, id).await?.into_iter().map(|(a, n)| (a, n, opens(a))).collect();
    let organiser_link = e.association_id.filter(|a| opens(*a));
    let (partners, subgroups) =
        if organiser { partner_choices(&mut c, &m, e.association_id).await? } else { (vec![], vec![]) };
    let series = match e.series_id {
        Some(sid) => events::series(&mut c, sid).await?,
        None => vec![],
    };
    let series_attendance = match e.series_id {
        Some(sid) if organiser => events::series_attendance(&mut c, sid).await?,
        _ => vec![],
    };
    let subgroup_name = match (e.association_id, e.subgroup_id) {
        (Some(aid), Some(sg)) => {
            associations::subgroups(&mut c, aid).await?.into_iter().find(|g| g.id == sg).map(|g| g.name)
        }
        _ => None,
    };
    drop(c);
    let page = EventPage {
        l: Layout::new(ctx, e.title.clone(), "/events").with_errors(errors).with_zone(m.zone()),
        form: typed
            .unwrap_or_else(|| input_of(&e, &coorganisers.iter().map(|(a, n, _)| (*a, n.clone())).collect::<Vec<_>>())),
        organiser_link,
        coorganisers,
        partners,
        subgroups,
        subgroup_name,
        series,
        series_attendance,
        session_on: typed_session.unwrap_or_default(),
        find,
        started: today >= e.starts_on,
        e,
        organiser,
        organiser_name,
        registrations,
        mine,
        self_registration,
        certificates: if organiser { certificates } else { vec![] },
        my_certificates,
        organizations,
        plan_items,
        members,
        programme,
        placements,
        placement: typed_placement.unwrap_or_default(),
        ratings: views::RatingSummary::of(&rating_list),
        staff,
        my_rating,
        speakers,
        item: typed_item.unwrap_or_default(),
        open,
        plan_item_title,
        materials,
        material: typed_material.unwrap_or_default(),
    };
    render_status(status, &page)
}

/// How many teachers the search of an authority's event page offers.
const FOUND: i64 = 30;

/// The event page's query: a search of the municipality's teachers (the authority's events).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct PageQuery {
    find: String,
}

async fn view_page(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<EventId>,
    Query(q): Query<PageQuery>,
) -> PageResult {
    view_with(&state, &me, &ctx, id, None, Refused { find: q.find, ..Refused::nothing() }).await
}

/// After a page action: back to the event with a message, or the page again with the refusal
/// told at the form that was sent (`open`).
/// `at`: the folded form to open and the field a conflict is told at.
async fn done<T>(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: EventId,
    r: Result<T, AppError>,
    ok: impl FnOnce(T) -> String,
    at: (&'static str, &str),
) -> PageResult {
    match r {
        Ok(v) => Ok(redirect_with(&format!("/events/{id}"), &ok(v), ctx)),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (status, errors) = crate::pages::refused_at(e, at.1);
            view_with(state, me, ctx, id, None, Refused { errors, status, open: at.0, ..Refused::nothing() }).await
        }
        Err(e) => Err(e),
    }
}

async fn update_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<EventId>,
    body: axum::body::Bytes,
) -> PageResult {
    let mut input = event_input(&pairs(&body)?);
    match update(&state, &me, &ctx, id, &input).await {
        Ok(_) => Ok(redirect_with(&format!("/events/{id}"), "Изменения сохранены", &ctx)),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let now = {
                let mut c = state.db.conn().await?;
                let partners = events::coorganisers(&mut c, id).await?;
                input_of(&events::get(&mut c, id).await?, &partners)
            };
            let (status, errors) = crate::pages::refused(e, &mut input, now, field_label);
            view_with(
                &state,
                &me,
                &ctx,
                id,
                Some(input),
                Refused { errors, status, open: "edit", ..Refused::nothing() },
            )
            .await
        }
        Err(e) => Err(e),
    }
}

impl crate::pages::VersionedForm for EventInput {
    fn version_mut(&mut self) -> &mut Option<i64> {
        &mut self.version
    }
}

/// The Russian label of a field of the event's form, for the current values after a stale save.
fn field_label(field: &str) -> Option<&'static str> {
    Some(match field {
        "title" => "Название",
        "form" => "Форма",
        "level" => "Уровень",
        "format" => "Формат",
        "reach" => "Кому объявить",
        "starts_on" => "Дата начала",
        "starts_at" => "Время начала",
        "ends_on" => "Дата окончания",
        "venue_organization_id" => "Площадка",
        "place_note" => "Кабинет, адрес",
        "online_url" => "Ссылка",
        "hours" => "Часы",
        "description" => "Описание",
        "registration_open" => "Регистрация",
        "cap" => "Число мест",
        "registration_deadline" => "Срок регистрации",
        "plan_item_id" => "Пункт плана",
        _ => return None,
    })
}

async fn status_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<EventId>,
    body: axum::body::Bytes,
) -> PageResult {
    let p = pairs(&body)?;
    let input = EventStatusInput {
        action: field(&p, "action").into(),
        reason: Some(field(&p, "reason").to_owned()).filter(|r| !r.trim().is_empty()),
    };
    let r = act(&state, &me, &ctx, id, &input).await;
    let open = if input.action == "cancel" { "cancel" } else { "" };
    let field_name = if input.action == "cancel" { "reason" } else { "" };
    done(&state, &me, &ctx, id, r, |e: Event| status_words(&e), (open, field_name)).await
}

/// What the organisers are told after a change of state.
fn status_words(e: &Event) -> String {
    match e.status {
        EventStatus::Announced => "Мероприятие объявлено; приглашённые получили уведомления".into(),
        EventStatus::Held => {
            "Мероприятие отмечено проведённым: заполните лист регистрации и выдайте сертификаты".into()
        }
        EventStatus::Cancelled => "Мероприятие отменено; зарегистрированные получили уведомления".into(),
        EventStatus::Archived => "Мероприятие перенесено в архив".into(),
        EventStatus::Draft => "Сохранено".into(),
    }
}

async fn register_submit(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<EventId>) -> PageResult {
    let r = register_self(&state, &me, &ctx, id).await;
    done(&state, &me, &ctx, id, r, |r: EventRegistration| registration_words(&r), ("", "")).await
}

fn registration_words(r: &EventRegistration) -> String {
    match r.status {
        RegistrationStatus::Waitlisted => {
            "Места заняты: вы в листе ожидания. Когда место освободится, вы получите уведомление".into()
        }
        _ => "Вы зарегистрированы".into(),
    }
}

async fn enrol_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<EventId>,
    body: axum::body::Bytes,
) -> PageResult {
    let p = pairs(&body)?;
    let input = RegistrationInput {
        teacher_id: None,
        teacher_ids: p.iter().filter(|(k, _)| k == "teacher_ids").filter_map(|(_, v)| v.trim().parse().ok()).collect(),
        guest_name: Some(field(&p, "guest_name").to_owned()),
        guest_organization: Some(field(&p, "guest_organization").to_owned()),
    };
    let r = enrol(&state, &me, &ctx, id, &input).await;
    let words = |rs: Vec<EventRegistration>| {
        let waiting = rs.iter().filter(|r| r.status == RegistrationStatus::Waitlisted).count() as i64;
        let n = rs.len() as i64;
        let mut s = format!("Зарегистрировано: {}", people(n));
        if waiting > 0 {
            s.push_str(&format!(", из них в листе ожидания — {}", people(waiting)));
        }
        s
    };
    done(&state, &me, &ctx, id, r, words, ("enrol", "teacher_ids")).await
}

async fn unregister_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, rid)): Path<(EventId, i64)>,
) -> PageResult {
    let r = unregister(&state, &me, &ctx, id, rid).await;
    done(&state, &me, &ctx, id, r, |r: EventRegistration| format!("Регистрация отменена: {}", r.name), ("", "")).await
}

async fn sheet_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<EventId>,
    body: axum::body::Bytes,
) -> PageResult {
    let p = pairs(&body)?;
    let marks: Vec<SheetMark> = p
        .iter()
        .filter_map(|(k, v)| {
            let rid = k.strip_prefix("attended_")?.parse().ok()?;
            match v.as_str() {
                "1" => Some(SheetMark { registration_id: rid, attended: true }),
                "0" => Some(SheetMark { registration_id: rid, attended: false }),
                _ => None,
            }
        })
        .collect();
    let r = mark(&state, &me, &ctx, id, &marks).await;
    done(&state, &me, &ctx, id, r, |_| "Лист регистрации сохранён".into(), ("sheet", "attended")).await
}

async fn walk_in_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<EventId>,
    body: axum::body::Bytes,
) -> PageResult {
    let p = pairs(&body)?;
    let input = WalkInInput {
        teacher_id: field(&p, "teacher_id").trim().parse().ok(),
        guest_name: Some(field(&p, "guest_name").to_owned()),
        guest_organization: Some(field(&p, "guest_organization").to_owned()),
    };
    let r = walk_in(&state, &me, &ctx, id, &input).await;
    done(
        &state,
        &me,
        &ctx,
        id,
        r,
        |r: EventRegistration| format!("В лист добавлен(а): {}", r.name),
        ("walk_in", "guest_name"),
    )
    .await
}

async fn programme_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<EventId>,
    body: axum::body::Bytes,
) -> PageResult {
    let p = pairs(&body)?;
    let input = ProgrammeInput {
        on: field(&p, "on").into(),
        starts_at: field(&p, "starts_at").into(),
        topic: field(&p, "topic").into(),
        kind: field(&p, "kind").into(),
        speaker_teacher_id: field(&p, "speaker_teacher_id").trim().parse().ok(),
        speaker_name: field(&p, "speaker_name").into(),
        speaker_organization: field(&p, "speaker_organization").into(),
    };
    match add_item(&state, &me, &ctx, id, &input).await {
        Ok(i) => Ok(redirect_with(&format!("/events/{id}"), &format!("В программу добавлено: «{}»", i.topic), &ctx)),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (status, errors) = crate::pages::refused_at(e, "topic");
            view_with(
                &state,
                &me,
                &ctx,
                id,
                None,
                Refused {
                    errors,
                    status,
                    open: "programme",
                    item: Some(input),
                    // The search the speaker was chosen from, so the choice is offered again.
                    find: field(&p, "find").to_owned(),
                    ..Refused::nothing()
                },
            )
            .await
        }
        Err(e) => Err(e),
    }
}

async fn placement_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<EventId>,
    body: axum::body::Bytes,
) -> PageResult {
    let p = pairs(&body)?;
    let input = PlacementInput {
        registration_id: field(&p, "registration_id").trim().parse().ok(),
        placement: field(&p, "placement").into(),
        teacher_id: field(&p, "teacher_id").trim().parse().ok(),
        subject: field(&p, "subject").into(),
        grade: field(&p, "grade").into(),
    };
    match place(&state, &me, &ctx, id, &input).await {
        Ok(x) => Ok(redirect_with(
            &format!("/events/{id}"),
            &format!("{}: {}; результат ждёт подтверждения куратором", x.name, x.placement.label_ru()),
            &ctx,
        )),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (status, errors) = crate::pages::refused_at(e, "registration_id");
            let refused = Refused { errors, status, open: "placements", placement: Some(input), ..Refused::nothing() };
            view_with(&state, &me, &ctx, id, None, refused).await
        }
        Err(e) => Err(e),
    }
}

async fn rating_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<EventId>,
    body: axum::body::Bytes,
) -> PageResult {
    let p = pairs(&body)?;
    let input = RatingInput {
        score: field(&p, "score").trim().parse().ok(),
        comment: field(&p, "comment").into(),
        anonymous: field(&p, "anonymous") == "1",
    };
    let r = rate(&state, &me, &ctx, id, &input).await;
    done(&state, &me, &ctx, id, r, |_| "Спасибо! Ваша оценка сохранена".into(), ("", "score")).await
}

async fn staff_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<EventId>,
    body: axum::body::Bytes,
) -> PageResult {
    let p = pairs(&body)?;
    let input = StaffInput { teacher_id: field(&p, "teacher_id").trim().parse().ok(), role: field(&p, "role").into() };
    let r = add_staff(&state, &me, &ctx, id, &input).await;
    done(&state, &me, &ctx, id, r, |s| format!("{}: {}", s.name, s.role.label_ru()), ("staff", "teacher_id")).await
}

async fn outcome_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<EventId>,
    body: axum::body::Bytes,
) -> PageResult {
    let p = pairs(&body)?;
    let input =
        OutcomeInput { outcome: field(&p, "outcome").into(), version: field(&p, "version").trim().parse().ok() };
    let r = outcome(&state, &me, &ctx, id, &input).await;
    done(&state, &me, &ctx, id, r, |_| "Итоги сохранены; они войдут в справку".into(), ("outcome", "outcome")).await
}

async fn staff_delete_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, sid)): Path<(EventId, i64)>,
) -> PageResult {
    let r = remove_staff(&state, &me, &ctx, id, sid).await;
    done(&state, &me, &ctx, id, r, |_| "Педагог убран из организаторов".into(), ("", "")).await
}

async fn diplomas_submit(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<EventId>) -> PageResult {
    let r = diplomas(&state, &me, &ctx, id).await;
    let words = |n: usize| {
        let n = n as i64;
        format!("Выдано {n} {}", plural_ru(n, "диплом", "диплома", "дипломов"))
    };
    done(&state, &me, &ctx, id, r, words, ("", "")).await
}

async fn material_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<EventId>,
    crate::extract::Multipart(mut mp): crate::extract::Multipart,
) -> PageResult {
    let form = crate::extract::read_upload(&mut mp, &["title", "url"], "файл").await?;
    let u = MaterialUpload { title: form.text("title").to_owned(), url: form.text("url").to_owned(), file: form.file };
    match attach_material(&state, &me, &ctx, id, &u).await {
        Ok(a) => Ok(redirect_with(&format!("/events/{id}"), &format!("Приложено: «{}»", a.title), &ctx)),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (status, errors) = crate::pages::refused_at(e, "file");
            let refused =
                Refused { errors, status, open: "materials", material: Some((u.title, u.url)), ..Refused::nothing() };
            view_with(&state, &me, &ctx, id, None, refused).await
        }
        Err(e) => Err(e),
    }
}

async fn session_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<EventId>,
    body: axum::body::Bytes,
) -> PageResult {
    let p = pairs(&body)?;
    let on = field(&p, "on").to_owned();
    match add_session(&state, &me, &ctx, id, &on).await {
        Ok(e) => Ok(redirect_with(
            &format!("/events/{}", e.id),
            &format!("Занятие на {} добавлено черновиком: проверьте и объявите его", e.dates()),
            &ctx,
        )),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (status, errors) = crate::pages::refused_at(e, "on");
            let refused = Refused { errors, status, open: "sessions", session: Some(on), ..Refused::nothing() };
            view_with(&state, &me, &ctx, id, None, refused).await
        }
        Err(e) => Err(e),
    }
}

async fn material_delete_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, aid)): Path<(EventId, i64)>,
) -> PageResult {
    let r = remove_material(&state, &me, &ctx, id, aid).await;
    done(&state, &me, &ctx, id, r, |_| "Материал убран".into(), ("", "")).await
}

async fn speakers_submit(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<EventId>) -> PageResult {
    let r = speakers(&state, &me, &ctx, id).await;
    let words = |n: usize| {
        let n = n as i64;
        format!(
            "Выдано {n} {}",
            plural_ru(n, "свидетельство выступающего", "свидетельства выступающего", "свидетельств выступающего")
        )
    };
    done(&state, &me, &ctx, id, r, words, ("", "")).await
}

async fn programme_delete_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, pid)): Path<(EventId, i64)>,
) -> PageResult {
    let r = remove_item(&state, &me, &ctx, id, pid).await;
    done(&state, &me, &ctx, id, r, |_| "Пункт программы удалён".into(), ("", "")).await
}

async fn issue_submit(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<EventId>) -> PageResult {
    let r = issue(&state, &me, &ctx, id).await;
    let words = |n: usize| {
        if n == 0 {
            "Новых сертификатов нет: все присутствовавшие их уже получили".to_owned()
        } else {
            let n = n as i64;
            format!("Выдано {n} {}", plural_ru(n, "сертификат", "сертификата", "сертификатов"))
        }
    };
    done(&state, &me, &ctx, id, r, words, ("", "")).await
}

/// The registration sheet for signing on paper (DOCX): the registered, with a signature column.
async fn sheet_docx(State(state): State<AppState>, Me(me, _): Me, Path(id): Path<EventId>) -> PageResult {
    let (e, m) = load(&state, &me, id, Action::Update).await?;
    let mut c = state.db.conn().await?;
    let people: Vec<(String, String)> = events::registrations(&mut c, id)
        .await?
        .into_iter()
        .filter(|r| r.status == RegistrationStatus::Registered)
        .map(|r| (r.name, r.organization.unwrap_or_default()))
        .collect();
    let doc = metoda_docs::registration_docx::RegistrationDoc {
        body: organiser_name(&e, &m),
        what: format!("участников мероприятия: {} «{}»", e.form.label_ru(), e.title),
        date: e.dates(),
        time: e.starts_at.clone(),
        place: place_of(&e),
        people,
        blank_rows: 5,
        ..Default::default()
    };
    let bytes = metoda_docs::registration_docx::registration_docx(&doc).map_err(AppError::internal)?;
    Ok(crate::pages::download(bytes, crate::pages::DOCX, &format!("Лист регистрации — {}.docx", e.title)))
}

/// The filled registration sheet of a held event (DOCX): each registered person and walk-in with
/// their mark, and the counts under the table.
async fn attendance_docx(State(state): State<AppState>, Me(me, _): Me, Path(id): Path<EventId>) -> PageResult {
    let (e, m) = load(&state, &me, id, Action::Update).await?;
    if !matches!(e.status, EventStatus::Held | EventStatus::Archived) {
        return Err(AppError::Conflict(
            "Заполненный лист регистрации формируют после проведения; до него — лист для подписей".into(),
        ));
    }
    let mut c = state.db.conn().await?;
    let registered: Vec<EventRegistration> = events::registrations(&mut c, id)
        .await?
        .into_iter()
        .filter(|r| r.status == RegistrationStatus::Registered)
        .collect();
    drop(c);
    let present = registered.iter().filter(|r| r.attended == Some(1)).count() as i64;
    let walk_ins = registered.iter().filter(|r| r.walk_in).count() as i64;
    let marks = registered
        .iter()
        .map(|r| match (r.attended, r.walk_in) {
            (Some(1), true) => "присутствовал(а), без регистрации",
            (Some(1), false) => "присутствовал(а)",
            (Some(_), _) => "не явился(-ась)",
            (None, _) => "не отмечен(а)",
        })
        .map(str::to_owned)
        .collect();
    let mut summary = format!(
        "Зарегистрировано: {}; присутствовали: {}",
        people(registered.len() as i64 - walk_ins),
        people(present)
    );
    if walk_ins > 0 {
        summary.push_str(&format!(", из них без предварительной регистрации: {}", people(walk_ins)));
    }
    summary.push('.');
    let doc = metoda_docs::registration_docx::RegistrationDoc {
        body: organiser_name(&e, &m),
        what: format!("участников мероприятия: {} «{}»", e.form.label_ru(), e.title),
        date: e.dates(),
        time: e.starts_at.clone(),
        place: place_of(&e),
        people: registered.into_iter().map(|r| (r.name, r.organization.unwrap_or_default())).collect(),
        marks,
        summary,
        ..Default::default()
    };
    let bytes = metoda_docs::registration_docx::registration_docx(&doc).map_err(AppError::internal)?;
    Ok(crate::pages::download(bytes, crate::pages::DOCX, &format!("Лист регистрации (заполненный) — {}.docx", e.title)))
}

/// The programme of an event (DOCX), for whoever may read the event.
async fn programme_docx(State(state): State<AppState>, Me(me, _): Me, Path(id): Path<EventId>) -> PageResult {
    let (e, m) = load(&state, &me, id, Action::View).await?;
    let mut c = state.db.conn().await?;
    let items = events::programme(&mut c, id).await?;
    drop(c);
    let doc = metoda_docs::programme_docx::ProgrammeDoc {
        organiser: organiser_name(&e, &m),
        what: format!("мероприятия «{}» ({})", e.title, e.form.label_ru()),
        dates: e.dates(),
        time: e.starts_at.clone(),
        place: place_of(&e),
        about: e.description.clone().unwrap_or_default(),
        several_days: e.ends_on > e.starts_on,
        items: items
            .into_iter()
            .map(|p| metoda_docs::programme_docx::ProgrammeLine {
                time: match (p.on_date, p.starts_at) {
                    (Some(d), Some(t)) => format!("{}, {t}", ru_date(d)),
                    (Some(d), None) => ru_date(d),
                    (None, t) => t.unwrap_or_default(),
                },
                topic: p.topic,
                speaker: match p.organization {
                    Some(o) => format!("{}, {o}", p.speaker),
                    None => p.speaker,
                },
                kind: p.kind.label_ru().to_owned(),
            })
            .collect(),
    };
    let bytes = metoda_docs::programme_docx::programme_docx(&doc).map_err(AppError::internal)?;
    Ok(crate::pages::download(bytes, crate::pages::DOCX, &format!("Программа — {}.docx", e.title)))
}

/// Where the event is held, in words: the venue and room, and the link of a remote part.
pub fn place_of(e: &Event) -> String {
    let here = [e.venue_name.clone(), e.place_note.clone()].into_iter().flatten().collect::<Vec<_>>().join(", ");
    match (here.is_empty(), &e.online_url) {
        (false, Some(u)) => format!("{here}; онлайн: {u}"),
        (false, None) => here,
        (true, Some(u)) => format!("дистанционно: {u}"),
        (true, None) => String::new(),
    }
}

// ---- certificates ----

#[derive(Template)]
#[template(path = "certificate.html")]
struct CertificatePage {
    l: Layout,
    cert: Certificate,
    e: Event,
    organiser_name: String,
    verify: String,
    qr: String,
    can_revoke: bool,
    revoke_reason: Option<String>,
}

impl CertificatePage {
    fn title(&self) -> String {
        self.cert.kind.label_ru().to_uppercase()
    }
    fn hours_words(&self) -> String {
        hours_words(self.cert.hours)
    }
}

/// The certificate's page; `refused`: a refused revocation (its status, messages and the reason
/// as typed).
async fn certificate_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    cid: i64,
    refused: Option<(StatusCode, Vec<FieldError>, String)>,
) -> PageResult {
    let (cert, e, m) = certificate_of(state, me, cid, Action::View).await?;
    let can_revoke = cert.revoked_at.is_none() && me.may(Action::Update, &resource(&e, m.region_id));
    let verify = verify_url(&state.config.public_url, &cert.code);
    let (status, errors, revoke_reason) = match refused {
        Some((status, errors, reason)) => (status, errors, Some(reason)),
        None => (StatusCode::OK, vec![], None),
    };
    let page = CertificatePage {
        l: Layout::new(ctx, format!("{} № {}", capitalized(cert.kind.label_ru()), cert.number), "/events")
            .with_errors(errors)
            .with_zone(m.zone()),
        qr: crate::qr::svg(&verify),
        verify,
        organiser_name: organiser_name(&e, &m),
        cert,
        e,
        can_revoke,
        revoke_reason,
    };
    render_status(status, &page)
}

async fn certificate_page(State(state): State<AppState>, Me(me, ctx): Me, Path(cid): Path<i64>) -> PageResult {
    certificate_with(&state, &me, &ctx, cid, None).await
}

async fn revoke_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(cid): Path<i64>,
    body: axum::body::Bytes,
) -> PageResult {
    let p = pairs(&body)?;
    match revoke(&state, &me, &ctx, cid, field(&p, "reason")).await {
        Ok(c) => {
            Ok(redirect_with(&format!("/events/{}", c.event_id), &format!("Сертификат № {} отозван", c.number), &ctx))
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (status, errors) = crate::pages::refused_at(e, "reason");
            certificate_with(&state, &me, &ctx, cid, Some((status, errors, field(&p, "reason").to_owned()))).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    l: Layout,
    cert: Option<Certificate>,
}

impl VerifyPage {
    fn dates(&self) -> String {
        match &self.cert {
            Some(c) if c.starts_on != c.ends_on => format!("{} — {}", ru_date(c.starts_on), ru_date(c.ends_on)),
            Some(c) => ru_date(c.starts_on),
            None => String::new(),
        }
    }
}

/// The public verification page of a certificate: no sign-in; the name, the event and the date,
/// nothing else (and whether it was revoked).
async fn verify_page(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> Response {
    let found = async {
        let code = code.trim();
        if code.is_empty() || code.len() > 64 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Ok::<_, AppError>(None);
        }
        let mut c = state.db.conn().await?;
        Ok(events::verify(&mut c, code).await?)
    }
    .await;
    match found {
        Ok(cert) => {
            let status = if cert.is_some() { StatusCode::OK } else { StatusCode::NOT_FOUND };
            let page = VerifyPage { l: Layout::new(&ctx, "Проверка сертификата", ""), cert };
            render_status(status, &page).into_response()
        }
        Err(e) => e.into_response(),
    }
}

// ---- API ----

/// The calendar: a municipality's events of a month or a week, filtered; the list view is paged.
#[utoipa::path(get, path = "/api/v1/events", tag = "events", params(CalendarQuery),
    responses((status = 200, body = views::EventList), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_calendar(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Query(q): Query<CalendarQuery>,
) -> ApiResult<views::EventList> {
    let (_, _, _, rows, total, paging) = read_calendar(&state, &me, &q).await?;
    Ok(Json(views::EventList {
        events: rows.iter().map(Into::into).collect(),
        total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}

/// Creates an event (a draft) of an association, or of the authority.
#[utoipa::path(post, path = "/api/v1/events", tag = "events", request_body = NewEvent,
    responses((status = 200, body = views::Event), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    body: JsonIn<NewEvent>,
) -> ApiResult<views::Event> {
    Ok(Json((&create(&state, &me, &ctx, &json_body(body)?).await?).into()))
}

async fn body_of(state: &AppState, me: &Current, id: EventId) -> Result<views::EventBody, AppError> {
    let (e, m) = load(state, me, id, Action::View).await?;
    let organiser = me.may(Action::Update, &resource(&e, m.region_id));
    let mut c = state.db.conn().await?;
    let all = events::registrations(&mut c, id).await?;
    let own = own_teacher(&mut c, me).await?;
    let own_id = own.as_ref().map(|t| t.id);
    let mine = own.and_then(|t| all.iter().find(|r| r.teacher_id == Some(t.id)).cloned());
    let certificates: Vec<Certificate> = events::certificates(&mut c, id)
        .await?
        .into_iter()
        .filter(|c| organiser || (c.teacher_id.is_some() && c.teacher_id == own_id))
        .collect();
    let url = &state.config.public_url;
    let programme = events::programme(&mut c, id).await?;
    let placements = events::placements(&mut c, id).await?;
    let staff = events::staff(&mut c, id).await?;
    let ratings = if organiser { Some(views::RatingSummary::of(&events::ratings(&mut c, id).await?)) } else { None };
    let materials = events::materials(&mut c, id).await?;
    let coorganisers = events::coorganisers(&mut c, id).await?;
    let series = match e.series_id {
        Some(sid) => events::series(&mut c, sid).await?,
        None => vec![],
    };
    Ok(views::EventBody {
        series: series.iter().map(Into::into).collect(),
        coorganisers: coorganisers
            .into_iter()
            .map(|(a, name)| views::Coorganiser { association_id: a.get(), name })
            .collect(),
        staff: staff.iter().map(Into::into).collect(),
        ratings,
        placements: placements.iter().map(Into::into).collect(),
        programme: programme.iter().map(Into::into).collect(),
        event: (&e).into(),
        registrations: if organiser { all.iter().map(Into::into).collect() } else { vec![] },
        mine: mine.as_ref().map(Into::into),
        certificates: certificates.iter().map(|c| views::Certificate::of(c, url)).collect(),
        materials: materials.iter().map(Into::into).collect(),
        organiser,
    })
}

/// An event with its registrations (the organisers'; a participant sees their own) and
/// certificates.
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events", params(("id" = i64, Path)),
    responses((status = 200, body = views::EventBody), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(id): Path<EventId>,
) -> ApiResult<views::EventBody> {
    Ok(Json(body_of(&state, &me, id).await?))
}

/// Changes a draft or announced event (send back its `version`); the registered are told of a
/// change of date, time or place.
#[utoipa::path(put, path = "/api/v1/events/{id}", tag = "events", params(("id" = i64, Path)), request_body = EventInput,
    responses((status = 200, body = views::Event), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_update(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<EventId>,
    body: JsonIn<EventInput>,
) -> ApiResult<views::Event> {
    Ok(Json((&update(&state, &me, &ctx, id, &json_body(body)?).await?).into()))
}

/// Announces (those it reaches are notified), marks held, cancels (with a reason, told to the
/// registered) or archives the event.
#[utoipa::path(post, path = "/api/v1/events/{id}/status", tag = "events", params(("id" = i64, Path)), request_body = EventStatusInput,
    responses((status = 200, body = views::Event), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_status(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<EventId>,
    body: JsonIn<EventStatusInput>,
) -> ApiResult<views::Event> {
    Ok(Json((&act(&state, &me, &ctx, id, &json_body(body)?).await?).into()))
}

/// Registers: with nothing named, the reader themselves (open registration, before its
/// deadline); the organisers name teachers of the municipality or a guest. Beyond the cap a
/// registration waits and moves up on its own when a place frees.
#[utoipa::path(post, path = "/api/v1/events/{id}/registrations", tag = "events", params(("id" = i64, Path)), request_body = RegistrationInput,
    responses((status = 200, body = Vec<views::Registration>), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_register(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<EventId>,
    body: JsonIn<RegistrationInput>,
) -> ApiResult<Vec<views::Registration>> {
    let input = json_body(body)?;
    let rs = if input.is_empty() {
        vec![register_self(&state, &me, &ctx, id).await?]
    } else {
        enrol(&state, &me, &ctx, id, &input).await?
    };
    Ok(Json(rs.iter().map(Into::into).collect()))
}

/// Cancels a registration (one's own, or anyone's by the organisers); the first of the waiting
/// list takes the place and is told.
#[utoipa::path(post, path = "/api/v1/events/{id}/registrations/{rid}/cancel", tag = "events", params(("id" = i64, Path), ("rid" = i64, Path)),
    responses((status = 200, body = views::Registration), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_unregister(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path((id, rid)): Path<(EventId, i64)>,
) -> ApiResult<views::Registration> {
    Ok(Json((&unregister(&state, &me, &ctx, id, rid).await?).into()))
}

/// The registration sheet: present or absent for registrations holding a place, from the
/// event's first day.
#[utoipa::path(put, path = "/api/v1/events/{id}/attendance", tag = "events", params(("id" = i64, Path)), request_body = SheetInput,
    responses((status = 200, body = views::Event), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_attendance(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<EventId>,
    body: JsonIn<SheetInput>,
) -> ApiResult<views::Event> {
    Ok(Json((&mark(&state, &me, &ctx, id, &json_body(body)?.marks).await?).into()))
}

/// Adds someone who came without registering: present at once.
#[utoipa::path(post, path = "/api/v1/events/{id}/walk-ins", tag = "events", params(("id" = i64, Path)), request_body = WalkInInput,
    responses((status = 200, body = views::Registration), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_walk_in(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<EventId>,
    body: JsonIn<WalkInInput>,
) -> ApiResult<views::Registration> {
    Ok(Json((&walk_in(&state, &me, &ctx, id, &json_body(body)?).await?).into()))
}

/// How many certificates were issued.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Issued {
    pub issued: i64,
}

/// Issues participants' certificates of a held event to everyone marked present who has none.
#[utoipa::path(post, path = "/api/v1/events/{id}/certificates", tag = "events", params(("id" = i64, Path)),
    responses((status = 200, body = Issued), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_issue(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<EventId>,
) -> ApiResult<Issued> {
    Ok(Json(Issued { issued: issue(&state, &me, &ctx, id).await? as i64 }))
}

/// Revokes a certificate with a reason: its public page then says so.
#[utoipa::path(post, path = "/api/v1/certificates/{id}/revoke", tag = "events", params(("id" = i64, Path)), request_body = RevokeInput,
    responses((status = 200, body = views::Certificate), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_revoke(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(cid): Path<i64>,
    body: JsonIn<RevokeInput>,
) -> ApiResult<views::Certificate> {
    let c = revoke(&state, &me, &ctx, cid, &json_body(body)?.reason).await?;
    Ok(Json(views::Certificate::of(&c, &state.config.public_url)))
}

/// Adds an item to the programme; once the event is held, a speaker of the bank has their
/// presentation result (rows 21–23) from it.
#[utoipa::path(post, path = "/api/v1/events/{id}/programme", tag = "events", params(("id" = i64, Path)), request_body = ProgrammeInput,
    responses((status = 200, body = views::ProgrammeItem), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_programme(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<EventId>,
    body: JsonIn<ProgrammeInput>,
) -> ApiResult<views::ProgrammeItem> {
    Ok(Json((&add_item(&state, &me, &ctx, id, &json_body(body)?).await?).into()))
}

/// Removes an item from the programme of an event not yet held; answers the event as it is now.
#[utoipa::path(delete, path = "/api/v1/events/{id}/programme/{pid}", tag = "events", params(("id" = i64, Path), ("pid" = i64, Path)),
    responses((status = 200, body = views::EventBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_programme_delete(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path((id, pid)): Path<(EventId, i64)>,
) -> ApiResult<views::EventBody> {
    remove_item(&state, &me, &ctx, id, pid).await?;
    Ok(Json(body_of(&state, &me, id).await?))
}

/// Records a winner or prize-winner of a held contest or olympiad (one marked present); the
/// placement becomes a result waiting for a curator's confirmation: a student's result of the
/// teacher who prepared them (rows 8, 16–17), or a teacher's own at a professional contest.
#[utoipa::path(post, path = "/api/v1/events/{id}/placements", tag = "events", params(("id" = i64, Path)), request_body = PlacementInput,
    responses((status = 200, body = views::Placement), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_placement(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<EventId>,
    body: JsonIn<PlacementInput>,
) -> ApiResult<views::Placement> {
    Ok(Json((&place(&state, &me, &ctx, id, &json_body(body)?).await?).into()))
}

/// Issues the winners' and prize-winners' diplomas of a held contest or olympiad.
#[utoipa::path(post, path = "/api/v1/events/{id}/diplomas", tag = "events", params(("id" = i64, Path)),
    responses((status = 200, body = Issued), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_diplomas(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<EventId>,
) -> ApiResult<Issued> {
    Ok(Json(Issued { issued: diplomas(&state, &me, &ctx, id).await? as i64 }))
}

/// Issues the speakers' certificates («свидетельство выступающего») of a held event: one to each
/// programme item's speaker (of the bank or a guest) without one yet.
#[utoipa::path(post, path = "/api/v1/events/{id}/speaker-certificates", tag = "events", params(("id" = i64, Path)),
    responses((status = 200, body = Issued), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_speakers(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<EventId>,
) -> ApiResult<Issued> {
    Ok(Json(Issued { issued: speakers(&state, &me, &ctx, id).await? as i64 }))
}

/// Adds a session to the event's series (a standing seminar's next meeting): a draft on that day
/// with the event's fields, subgroup and co-organisers; the first call makes the event a series.
#[utoipa::path(post, path = "/api/v1/events/{id}/sessions", tag = "events", params(("id" = i64, Path)), request_body = SessionInput,
    responses((status = 200, body = views::Event), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_session(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<EventId>,
    body: JsonIn<SessionInput>,
) -> ApiResult<views::Event> {
    let input = json_body(body)?;
    Ok(Json((&add_session(&state, &me, &ctx, id, &input.on).await?).into()))
}

/// Attaches a material or photograph of an event (talks, presentations, decisions, photographs):
/// multipart with `file` (PDF, JPEG, PNG, DOCX, XLSX, PPTX or ODT, by content) or `url`, and an
/// optional `title`.
#[utoipa::path(post, path = "/api/v1/events/{id}/materials", tag = "events", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", content = Object),
    responses((status = 200, body = crate::features::attachments::Attachment), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_material(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<EventId>,
    crate::extract::Multipart(mut mp): crate::extract::Multipart,
) -> ApiResult<crate::features::attachments::Attachment> {
    let form = crate::extract::read_upload(&mut mp, &["title", "url"], "файл").await?;
    let u = MaterialUpload { title: form.text("title").to_owned(), url: form.text("url").to_owned(), file: form.file };
    Ok(Json((&attach_material(&state, &me, &ctx, id, &u).await?).into()))
}

/// Removes a material of an event (it is archived, not deleted); answers the event as it is now.
#[utoipa::path(delete, path = "/api/v1/events/{id}/materials/{aid}", tag = "events", params(("id" = i64, Path), ("aid" = i64, Path)),
    responses((status = 200, body = views::EventBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_material_delete(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path((id, aid)): Path<(EventId, i64)>,
) -> ApiResult<views::EventBody> {
    remove_material(&state, &me, &ctx, id, aid).await?;
    Ok(Json(body_of(&state, &me, id).await?))
}

// ---- calendar feeds and the public calendar ----

/// An event as a calendar feed shows it: with its time for two hours, else its days.
pub fn cal_event(e: &Event, base: &str) -> metoda_domain::calendar::CalEvent {
    use metoda_domain::calendar::{CalEvent, When};
    let at = e
        .starts_at
        .as_deref()
        .and_then(|t| time::Time::parse(t, time::macros::format_description!("[hour]:[minute]")).ok());
    let when = match at {
        Some(t) if e.starts_on == e.ends_on => {
            When::At { start: time::PrimitiveDateTime::new(e.starts_on, t), minutes: 120 }
        }
        _ if e.starts_on == e.ends_on => When::Day(e.starts_on),
        _ => When::Days { first: e.starts_on, last: e.ends_on },
    };
    CalEvent {
        uid: format!("event-{}@metoda", e.id),
        summary: format!("{}: {}", capitalized(e.form.label_ru()), e.title),
        description: e.association_name.clone(),
        location: Some(place_of(e)).filter(|p| !p.is_empty()),
        url: Some(format!("{base}/events/{}", e.id)),
        when,
        cancelled: e.status == EventStatus::Cancelled,
    }
}

/// The public calendar's query.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct PublicQuery {
    municipality_id: Option<i64>,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "public_events.html")]
struct PublicPage {
    l: Layout,
    municipalities: Vec<(i64, String)>,
    m: Option<Municipality>,
    rows: Vec<Event>,
    pager: Option<Pager>,
    feed: String,
}

/// The public events of a municipality from `today` on, a page of them.
async fn public_events(
    c: &mut Conn,
    m: &Municipality,
    today: Date,
    paging: Paging,
) -> Result<(Vec<Event>, i64), AppError> {
    let f = CalendarFilter {
        municipality_id: m.id,
        from: today,
        to: today + Duration::days(400),
        association_id: None,
        form: None,
        audience: None,
        level: None,
        members_of: Some(vec![]),
        drafts_of: Some(vec![]),
        public_only: true,
        open_for: None,
    };
    Ok(events::calendar(c, &f, paging).await?)
}

/// The public calendar: open events of a municipality to come, without personal data; no sign-in.
async fn public_page(State(state): State<AppState>, ctx: Ctx, Query(q): Query<PublicQuery>) -> PageResult {
    let mut c = state.db.conn().await?;
    let municipalities: Vec<(i64, String)> =
        municipalities::list(&mut c, None, false).await?.into_iter().map(|m| (m.id.get(), m.name)).collect();
    let (m, rows, pager, feed) = match q.municipality_id {
        Some(id) => {
            let m = municipalities::get(&mut c, MunicipalityId(id)).await?;
            if m.archived_at.is_some() {
                return Err(AppError::NotFound);
            }
            let today = today_of(&state, &mut c, &m).await?;
            let paging = Paging::new(q.page, PER_PAGE);
            let (rows, total) = public_events(&mut c, &m, today, paging).await?;
            let pager = Pager::new(paging, total, format!("/public/events?municipality_id={id}"));
            let feed = format!("{}/ical/public/{id}.ics", state.config.public_url.trim_end_matches('/'));
            (Some(m), rows, Some(pager), feed)
        }
        None => (None, vec![], None, String::new()),
    };
    let title = match &m {
        Some(m) => format!("Открытые мероприятия: {}", m.name),
        None => "Открытые мероприятия".to_owned(),
    };
    let zone = m.as_ref().map_or(metoda_domain::time::LocalZone::UTC, |m| m.zone());
    let page = PublicPage { l: Layout::new(&ctx, title, "").with_zone(zone), municipalities, m, rows, pager, feed };
    render(&page)
}

/// The public events of a municipality as an iCalendar feed (`/ical/public/{id}.ics`): no
/// sign-in, no personal data.
async fn public_feed(
    State(state): State<AppState>,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> Response {
    let text = async {
        let Some(id) = file.strip_suffix(".ics").and_then(|i| i.parse::<i64>().ok()) else {
            return Err(AppError::NotFound);
        };
        let mut c = state.db.conn().await?;
        let m = municipalities::get(&mut c, MunicipalityId(id)).await?;
        if m.archived_at.is_some() {
            return Err(AppError::NotFound);
        }
        let today = today_of(&state, &mut c, &m).await?;
        let (rows, _) = public_events(&mut c, &m, today - Duration::days(90), Paging::new(None, 1000)).await?;
        let base = state.config.public_url.trim_end_matches('/').to_owned();
        let list: Vec<_> = rows.iter().map(|e| cal_event(e, &base)).collect();
        let name = format!("Метода: открытые мероприятия, {}", m.name);
        Ok(metoda_domain::calendar::ics(&name, m.zone(), &list, state.clock.now()))
    }
    .await;
    match text {
        Ok(t) => {
            let mut r = t.into_response();
            r.headers_mut().insert(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("text/calendar; charset=utf-8"),
            );
            r.headers_mut()
                .insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("public, max-age=600"));
            r
        }
        Err(AppError::NotFound) => (StatusCode::NOT_FOUND, "Календарь не найден").into_response(),
        Err(e) => e.into_response(),
    }
}

/// Rates a held event the caller was present at: a score 1–5, a comment, anonymously if wished;
/// a second rating replaces the first.
#[utoipa::path(post, path = "/api/v1/events/{id}/rating", tag = "events", params(("id" = i64, Path)), request_body = RatingInput,
    responses((status = 200, body = views::EventBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_rate(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<EventId>,
    body: JsonIn<RatingInput>,
) -> ApiResult<views::EventBody> {
    rate(&state, &me, &ctx, id, &json_body(body)?).await?;
    Ok(Json(body_of(&state, &me, id).await?))
}

/// Names a teacher of the municipality an organiser or an assessment author of the event (before
/// it is held). A held municipal event for students gives its organisers one shared result (rows
/// 28, 28.1) and its authors another (rows 27, 27.1).
#[utoipa::path(post, path = "/api/v1/events/{id}/staff", tag = "events", params(("id" = i64, Path)), request_body = StaffInput,
    responses((status = 200, body = views::Staff), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_staff(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<EventId>,
    body: JsonIn<StaffInput>,
) -> ApiResult<views::Staff> {
    Ok(Json((&add_staff(&state, &me, &ctx, id, &json_body(body)?).await?).into()))
}

/// Removes a teacher from the event's organisers or authors (before it is held); answers the
/// event as it is now.
#[utoipa::path(delete, path = "/api/v1/events/{id}/staff/{sid}", tag = "events", params(("id" = i64, Path), ("sid" = i64, Path)),
    responses((status = 200, body = views::EventBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_staff_delete(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path((id, sid)): Path<(EventId, i64)>,
) -> ApiResult<views::EventBody> {
    remove_staff(&state, &me, &ctx, id, sid).await?;
    Ok(Json(body_of(&state, &me, id).await?))
}

/// Writes the organisers' conclusions of a held event (send back its `version`).
#[utoipa::path(put, path = "/api/v1/events/{id}/outcome", tag = "events", params(("id" = i64, Path)), request_body = OutcomeInput,
    responses((status = 200, body = views::Event), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_outcome(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<EventId>,
    body: JsonIn<OutcomeInput>,
) -> ApiResult<views::Event> {
    Ok(Json((&outcome(&state, &me, &ctx, id, &json_body(body)?).await?).into()))
}

/// The note on a held event's results as a Word document.
#[utoipa::path(get, path = "/api/v1/events/{id}/note.docx", tag = "events", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_note_docx(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(id): Path<EventId>,
) -> Result<Response, crate::error::ApiError> {
    Ok(note_of(&state, &me, id).await?)
}
