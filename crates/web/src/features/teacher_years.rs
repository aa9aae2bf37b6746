//! The per-year part of the teacher card: the self-education topic (the teacher or whoever keeps
//! the record proposes it; the association head — or the authority — agrees it, 002 §6), courses
//! taken, professional difficulties and needs (004 §6), further places of work. Each action is one
//! function that the card's form (a redirect with a message) and the JSON API twin both call.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use metoda_domain::FieldError;
use metoda_domain::access;
use metoda_domain::ids::{AssociationId, OrganizationId, TeacherId};
use metoda_domain::teachers::{AcademicYear, CourseInput, NeedKind};
use metoda_domain::values::{self, iso_date};
use metoda_store::Conn;
use metoda_store::teacher_years::{self, Course, Difficulty, Position, TopicYear};
use metoda_store::teachers::{self, Teacher};
use serde::{Deserialize, Deserializer, Serialize};

use crate::AppState;
use crate::auth::{ApiMe, Ctx, Current, Me};
use crate::error::{ApiResult, AppError, JsonIn, PageResult, json_body};
use crate::extract::{Form, Path};
use crate::pages::redirect_with;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/teachers/{id}/topic", post(topic_submit))
        .route("/teachers/{id}/topic/agree", post(agree_submit))
        .route("/teachers/{id}/courses", post(course_submit))
        .route("/teachers/{id}/difficulties", post(difficulty_submit))
        .route("/teachers/{id}/positions", post(position_submit))
        .route("/api/v1/teachers/{id}/years", get(api_years))
        .route("/api/v1/teachers/{id}/topic", axum::routing::put(api_topic))
        .route("/api/v1/teachers/{id}/topic/agree", post(api_agree))
        .route("/api/v1/teachers/{id}/courses", post(api_course))
        .route("/api/v1/teachers/{id}/difficulties", post(api_difficulty))
        .route("/api/v1/teachers/{id}/positions", post(api_position))
}

use crate::features::teachers::record;

/// Who may write the per-year part (`access::may_write_teacher_year`).
pub fn may_write(me: &Current, t: &Teacher, memberships: &[AssociationId]) -> bool {
    access::may_write_teacher_year(&me.principal, &record(t, memberships))
}

/// Who may agree a topic (`access::may_agree_topic`).
pub fn may_agree(me: &Current, t: &Teacher, memberships: &[AssociationId]) -> bool {
    access::may_agree_topic(&me.principal, &record(t, memberships))
}

/// The teacher and their associations, if the rule `allowed` lets the user act; else Forbidden.
async fn load(
    state: &AppState,
    me: &Current,
    id: TeacherId,
    allowed: fn(&Current, &Teacher, &[AssociationId]) -> bool,
) -> Result<Teacher, AppError> {
    let mut c = state.db.conn().await?;
    let t = teachers::get(&mut c, id).await?;
    let m = teachers::memberships(&mut c, id).await?;
    if !allowed(me, &t, &m) {
        return Err(AppError::Forbidden);
    }
    Ok(t)
}

/// Who may add a further place of work (`access::may_add_teacher_position`).
fn may_update(me: &Current, t: &Teacher, memberships: &[AssociationId]) -> bool {
    access::may_add_teacher_position(&me.principal, &record(t, memberships))
}

/// Who may read the per-year part (`access::may_read_teacher_year`).
fn may_read(me: &Current, t: &Teacher, memberships: &[AssociationId]) -> bool {
    access::may_read_teacher_year(&me.principal, &record(t, memberships))
}

/// Today in the teacher's municipality (docs/decisions/0010-local-time.md).
async fn today_of(state: &AppState, t: &Teacher) -> Result<time::Date, AppError> {
    let mut c = state.db.conn().await?;
    crate::features::local_today(state, &mut c, t.municipality_id).await
}

/// The academic year now in the teacher's municipality.
async fn current_year(state: &AppState, t: &Teacher) -> Result<i64, AppError> {
    Ok(i64::from(AcademicYear::containing(today_of(state, t).await?).0))
}

fn invalid(e: FieldError) -> AppError {
    AppError::Validation(vec![e])
}

// ---- the actions, shared by the card's forms and the API ----

/// The self-education topic of the current year (a form's or the API's body).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TopicInput {
    /// The topic, up to 500 characters.
    pub topic: String,
    /// The version of the year's record the topic is based on (`version` of `current`; 0 while
    /// no topic is proposed); a save based on an older one is refused with 409. Left out: no check.
    #[serde(deserialize_with = "metoda_domain::values::de_version")]
    pub version: Option<i64>,
}

/// Proposes (or changes) the topic of the current year; a changed topic needs agreeing again.
async fn propose_topic(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: TeacherId,
    input: &TopicInput,
) -> Result<TopicYear, AppError> {
    let t = load(state, me, id, may_write).await?;
    let topic = values::required_text("topic", "Тема самообразования", &input.topic, 500).map_err(invalid)?;
    let year = current_year(state, &t).await?;
    let mut tx = state.db.begin().await?;
    teacher_years::propose_topic(&mut tx, &ctx.actor(), &t, year, &topic, input.version).await?;
    let y =
        teacher_years::topics(&mut tx, t.id).await?.into_iter().find(|y| y.year == year).ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(y)
}

/// Agrees the proposed topic of the current year.
async fn agree_topic(state: &AppState, me: &Current, ctx: &Ctx, id: TeacherId) -> Result<TopicYear, AppError> {
    let t = load(state, me, id, may_agree).await?;
    let year = current_year(state, &t).await?;
    let mut tx = state.db.begin().await?;
    teacher_years::agree_topic(&mut tx, &ctx.actor(), &t, year, me.user.id).await?;
    let y =
        teacher_years::topics(&mut tx, t.id).await?.into_iter().find(|y| y.year == year).ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(y)
}

/// Records a finished course (КПК or retraining).
async fn add_course(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: TeacherId,
    input: &CourseInput,
) -> Result<Course, AppError> {
    let t = load(state, me, id, may_write).await?;
    let d = input.parse(today_of(state, &t).await?).map_err(AppError::Validation)?;
    let mut tx = state.db.begin().await?;
    let c = teacher_years::add_course(&mut tx, &ctx.actor(), &t, &d).await?;
    tx.commit().await?;
    Ok(c)
}

/// A professional difficulty or need of the current year (a form's or the API's body).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DifficultyInput {
    /// methodical | subject | psychological | digital | special_needs | assessment | attestation |
    /// other, or `custom:<kind>` for a kind the municipality's profile adds.
    pub kind: String,
    /// An optional note, up to 2000 characters.
    pub note: String,
}

async fn add_difficulty(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: TeacherId,
    input: &DifficultyInput,
) -> Result<Difficulty, AppError> {
    let t = load(state, me, id, may_write).await?;
    let mut c = state.db.conn().await?;
    let extra = extra_kinds(&mut c, &t).await?;
    drop(c);
    let kind = NeedKind::parse(&input.kind, &extra)
        .ok_or_else(|| invalid(FieldError::new("kind", "Вид затруднения: выберите из списка")))?;
    let note = values::optional_long_text("note", "Пояснение", &input.note, 2000).map_err(invalid)?;
    let year = current_year(state, &t).await?;
    let mut tx = state.db.begin().await?;
    let d = teacher_years::add_difficulty(&mut tx, &ctx.actor(), &t, year, &kind, note.as_deref()).await?;
    tx.commit().await?;
    Ok(d)
}

/// Adds a further place of work; `organization_id` as typed (a form sends text).
async fn add_position(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: TeacherId,
    organization_id: &str,
    position: &str,
) -> Result<Position, AppError> {
    let t = load(state, me, id, may_update).await?;
    let org: i64 = organization_id
        .trim()
        .parse()
        .map_err(|_| invalid(FieldError::new("organization_id", "Организация: выберите из списка")))?;
    let position = values::required_text("position", "Должность", position, 200).map_err(invalid)?;
    let mut tx = state.db.begin().await?;
    let p = teacher_years::add_position(&mut tx, &ctx.actor(), &t, OrganizationId(org), &position).await?;
    tx.commit().await?;
    Ok(p)
}

/// The per-year part of the card as the API gives it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TeacherYears {
    pub teacher_id: i64,
    /// The current academic year by its first calendar year (2026 for 2026/2027).
    pub year: i64,
    /// The current academic year, "2026/2027".
    pub year_label: String,
    /// The topic of the current year, when proposed.
    pub current: Option<TopicYearView>,
    /// The topics of every year, newest first.
    pub topics: Vec<TopicYearView>,
    /// Courses, the latest finished first.
    pub courses: Vec<CourseView>,
    /// Difficulties and needs, the newest year first.
    pub difficulties: Vec<DifficultyView>,
    /// Further places of work (the main one is on the teacher record).
    pub positions: Vec<PositionView>,
    /// The caller may propose the topic, record courses and difficulties.
    pub may_write: bool,
    /// The caller may agree the topic.
    pub may_agree: bool,
    /// The caller may add a place of work.
    pub may_update: bool,
}

// The topic of a year as the API sends it (schema `TopicYear`, no description).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = TopicYear)]
pub struct TopicYearView {
    pub year: i64,
    pub self_education: Option<String>,
    /// proposed | agreed
    pub topic_status: String,
    pub agreed_by_name: Option<String>,
    pub topic_agreed_at: Option<String>,
    /// Raised by every change of the year's record: send it back with a topic (an older one gets
    /// 409; 0 stands for a year not written yet).
    pub version: i64,
}

impl From<&TopicYear> for TopicYearView {
    fn from(y: &TopicYear) -> Self {
        TopicYearView {
            year: y.year,
            self_education: y.self_education.clone(),
            topic_status: y.topic_status.code().to_owned(),
            agreed_by_name: y.agreed_by_name.clone(),
            topic_agreed_at: y.topic_agreed_at.clone(),
            version: y.version,
        }
    }
}

/// A further place of work (the main one is on the teacher record).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Position)]
pub struct PositionView {
    pub id: i64,
    pub organization_id: i64,
    pub organization_name: String,
    pub position: String,
}

impl From<&Position> for PositionView {
    fn from(p: &Position) -> Self {
        PositionView {
            id: p.id,
            organization_id: p.organization_id.get(),
            organization_name: p.organization_name.clone(),
            position: p.position.clone(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CourseView {
    pub id: i64,
    /// advanced_training | retraining
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    pub provider: Option<String>,
    pub hours: Option<i64>,
    /// ISO date.
    pub start_on: Option<String>,
    /// ISO date.
    pub end_on: String,
    pub certificate: Option<String>,
}

impl From<Course> for CourseView {
    fn from(c: Course) -> Self {
        CourseView {
            kind_label: c.kind_label().to_owned(),
            id: c.id,
            kind: c.kind.code().to_owned(),
            title: c.title,
            provider: c.provider,
            hours: c.hours,
            start_on: c.start_on.map(iso_date),
            end_on: iso_date(c.end_on),
            certificate: c.certificate,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DifficultyView {
    pub id: i64,
    /// The academic year by its first calendar year.
    pub year: i64,
    /// "2026/2027"
    pub year_label: String,
    pub kind: String,
    pub kind_label: String,
    pub note: Option<String>,
}

impl From<Difficulty> for DifficultyView {
    fn from(d: Difficulty) -> Self {
        DifficultyView {
            kind_label: d.kind_label().to_owned(),
            year_label: format!("{}/{}", d.year, d.year + 1),
            kind: d.kind.code(),
            id: d.id,
            year: d.year,
            note: d.note,
        }
    }
}

async fn years(state: &AppState, me: &Current, id: TeacherId) -> Result<TeacherYears, AppError> {
    let mut c = state.db.conn().await?;
    let t = teachers::get(&mut c, id).await?;
    let m = teachers::memberships(&mut c, id).await?;
    if !may_read(me, &t, &m) {
        return Err(AppError::Forbidden);
    }
    let year = AcademicYear::containing(crate::features::local_today(state, &mut c, t.municipality_id).await?);
    let topics = teacher_years::topics(&mut c, t.id).await?;
    Ok(TeacherYears {
        teacher_id: t.id.get(),
        year: i64::from(year.0),
        year_label: year.label(),
        current: topics.iter().find(|y| y.year == i64::from(year.0)).map(TopicYearView::from),
        topics: crate::views::all(&topics),
        courses: teacher_years::courses(&mut c, t.id).await?.into_iter().map(CourseView::from).collect(),
        difficulties: teacher_years::difficulties(&mut c, t.id).await?.into_iter().map(DifficultyView::from).collect(),
        positions: teacher_years::positions(&mut c, t.id).await?.iter().map(PositionView::from).collect(),
        may_write: may_write(me, &t, &m),
        may_agree: may_agree(me, &t, &m),
        may_update: may_update(me, &t, &m),
    })
}

// ---- the card's forms ----

/// What a refused form of the card's per-year part had typed: it stays in its form. The forms'
/// errors are named `<form>.<field>` (`course.title`), apart from the record's form on the same
/// page.
#[derive(Default)]
pub enum YearTyped {
    #[default]
    Nothing,
    Topic(String),
    Course(CourseInput),
    Difficulty(DifficultyInput),
    Position {
        organization_id: String,
        position: String,
    },
}

impl YearTyped {
    /// The form's name: the prefix of its errors' fields.
    fn form(&self) -> &'static str {
        match self {
            YearTyped::Nothing => "",
            YearTyped::Topic(_) => "topic",
            YearTyped::Course(_) => "course",
            YearTyped::Difficulty(_) => "difficulty",
            YearTyped::Position { .. } => "position",
        }
    }

    /// A typed value of the form `form` ("" when another form was refused).
    pub fn value(&self, form: &str, field: &str) -> &str {
        if self.form() != form {
            return "";
        }
        match (self, field) {
            (YearTyped::Topic(t), "topic") => t,
            (YearTyped::Course(c), "kind") => &c.kind,
            (YearTyped::Course(c), "title") => &c.title,
            (YearTyped::Course(c), "provider") => &c.provider,
            (YearTyped::Course(c), "hours") => &c.hours,
            (YearTyped::Course(c), "start_on") => &c.start_on,
            (YearTyped::Course(c), "end_on") => &c.end_on,
            (YearTyped::Course(c), "certificate") => &c.certificate,
            (YearTyped::Difficulty(d), "kind") => &d.kind,
            (YearTyped::Difficulty(d), "note") => &d.note,
            (YearTyped::Position { organization_id, .. }, "organization_id") => organization_id,
            (YearTyped::Position { position, .. }, "position") => position,
            _ => "",
        }
    }
}

/// After a form of the card: back to the card with a message, or the card again (422, 409) with
/// what was typed in the form and the reasons at it.
async fn back(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: TeacherId,
    typed: YearTyped,
    r: Result<String, AppError>,
) -> PageResult {
    let form = typed.form();
    let e = match r {
        Ok(m) => return Ok(redirect_with(&format!("/teachers/{id}"), &m, ctx)),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => e,
        Err(e) => return Err(e),
    };
    let stale = crate::pages::is_stale(&e);
    let (status, mut errors) = crate::features::municipalities::form_errors(e);
    for x in &mut errors {
        // A refusal of the whole act is told at the form's first field.
        let field = match (x.field.as_str(), &typed) {
            ("name" | "", YearTyped::Topic(_)) => "topic",
            ("name" | "", YearTyped::Course(_)) => "title",
            ("name" | "", YearTyped::Difficulty(_)) => "kind",
            ("name" | "", YearTyped::Position { .. }) => "organization_id",
            (f, _) => f,
        };
        x.field = if form.is_empty() { field.to_owned() } else { format!("{form}.{field}") };
    }
    if stale && let YearTyped::Topic(_) = &typed {
        // The typed topic stays in the form, the one now in the record beside it; the form
        // carries the current version, so saving again goes through.
        let mut c = state.db.conn().await?;
        let t = teachers::get(&mut c, id).await?;
        let year = i64::from(
            AcademicYear::containing(crate::features::local_today(state, &mut c, t.municipality_id).await?).0,
        );
        let now = teacher_years::topics(&mut c, id)
            .await?
            .into_iter()
            .find(|y| y.year == year)
            .and_then(|y| y.self_education);
        let now = now.map_or_else(|| "не заполнено".to_owned(), |t| format!("«{t}»"));
        errors.push(FieldError::new("topic.topic", format!("Тема самообразования: сейчас в записи — {now}")));
    }
    crate::features::teachers::card_with(state, me, ctx, id, typed, errors, status).await
}

async fn topic_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<TeacherId>,
    Form(f): Form<TopicInput>,
) -> PageResult {
    let r = propose_topic(&state, &me, &ctx, id, &f).await;
    let r = r.map(|_| "Тема самообразования записана; её согласует руководитель объединения".to_owned());
    back(&state, &me, &ctx, id, YearTyped::Topic(f.topic), r).await
}

async fn agree_submit(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<TeacherId>) -> PageResult {
    let r = agree_topic(&state, &me, &ctx, id).await;
    back(&state, &me, &ctx, id, YearTyped::Nothing, r.map(|_| "Тема самообразования согласована".to_owned())).await
}

async fn course_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<TeacherId>,
    Form(f): Form<CourseInput>,
) -> PageResult {
    let r = add_course(&state, &me, &ctx, id, &f).await;
    back(&state, &me, &ctx, id, YearTyped::Course(f), r.map(|c| format!("Курс «{}» записан", c.title))).await
}

async fn difficulty_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<TeacherId>,
    Form(f): Form<DifficultyInput>,
) -> PageResult {
    let r = add_difficulty(&state, &me, &ctx, id, &f).await;
    back(&state, &me, &ctx, id, YearTyped::Difficulty(f), r.map(|_| "Затруднение записано".to_owned())).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PositionForm {
    organization_id: String,
    position: String,
}

async fn position_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<TeacherId>,
    Form(f): Form<PositionForm>,
) -> PageResult {
    let r = add_position(&state, &me, &ctx, id, &f.organization_id, &f.position).await;
    let r = r.map(|p| format!("Добавлено место работы: {}", p.organization_name));
    let typed = YearTyped::Position { organization_id: f.organization_id, position: f.position };
    back(&state, &me, &ctx, id, typed, r).await
}

// ---- API ----

/// A number or a string in JSON, as text (a form's fields are text; a JSON client sends numbers).
fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => Ok(String::new()),
        Some(serde_json::Value::String(s)) => Ok(s),
        Some(serde_json::Value::Number(n)) => Ok(n.to_string()),
        Some(v) => Err(serde::de::Error::custom(format!("ожидалось число или строка, а не {v}"))),
    }
}

/// A course as the API takes it: the card form's fields.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CourseBody {
    /// advanced_training | retraining
    pub kind: String,
    /// Required, up to 500 characters.
    pub title: String,
    /// The organization that ran the course.
    pub provider: String,
    /// 1–3000, a number or a string; empty or absent for none.
    #[serde(deserialize_with = "text_or_number")]
    #[schema(value_type = Option<i64>, default = json!(null))]
    pub hours: String,
    /// `2026-09-01` or `01.09.2026`; optional.
    pub start_on: String,
    /// Required, not after today (a course is recorded once finished), not before the start.
    pub end_on: String,
    /// The certificate's (diploma's) number.
    pub certificate: String,
}

impl From<CourseBody> for CourseInput {
    fn from(b: CourseBody) -> Self {
        CourseInput {
            kind: b.kind,
            title: b.title,
            provider: b.provider,
            hours: b.hours,
            start_on: b.start_on,
            end_on: b.end_on,
            certificate: b.certificate,
        }
    }
}

/// A further place of work as the API takes it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PositionBody {
    /// An organization of the teacher's municipality other than the main place of work.
    #[serde(deserialize_with = "text_or_number")]
    #[schema(value_type = Option<i64>, default = json!(null))]
    pub organization_id: String,
    /// The position there, up to 200 characters.
    pub position: String,
}

/// The per-year part of the teacher card: topics by year, courses, difficulties, further places
/// of work — for those who see the card's personal part.
#[utoipa::path(get, path = "/api/v1/teachers/{id}/years", tag = "teachers", params(("id" = i64, Path)),
    responses((status = 200, body = TeacherYears), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_years(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(id): Path<TeacherId>,
) -> ApiResult<TeacherYears> {
    Ok(Json(years(&state, &me, id).await?))
}

/// Propose or change the self-education topic of the current academic year (the teacher, or
/// whoever may update the record); a changed topic needs agreeing again.
#[utoipa::path(put, path = "/api/v1/teachers/{id}/topic", tag = "teachers", params(("id" = i64, Path)), request_body = TopicInput,
    responses((status = 200, body = TopicYearView), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_topic(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<TeacherId>,
    body: JsonIn<TopicInput>,
) -> ApiResult<TopicYearView> {
    let input = json_body(body)?;
    Ok(Json(TopicYearView::from(&propose_topic(&state, &me, &ctx, id, &input).await?)))
}

/// Agree the proposed topic of the current academic year (the head or deputy of the teacher's
/// association, or the authority; never the teacher themself).
#[utoipa::path(post, path = "/api/v1/teachers/{id}/topic/agree", tag = "teachers", params(("id" = i64, Path)),
    responses((status = 200, body = TopicYearView), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_agree(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<TeacherId>,
) -> ApiResult<TopicYearView> {
    Ok(Json(TopicYearView::from(&agree_topic(&state, &me, &ctx, id).await?)))
}

/// Record a finished course: advanced training (КПК) or retraining.
#[utoipa::path(post, path = "/api/v1/teachers/{id}/courses", tag = "teachers", params(("id" = i64, Path)), request_body = CourseBody,
    responses((status = 200, body = CourseView), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_course(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<TeacherId>,
    body: JsonIn<CourseBody>,
) -> ApiResult<CourseView> {
    let input = CourseInput::from(json_body(body)?);
    Ok(Json(add_course(&state, &me, &ctx, id, &input).await?.into()))
}

/// Record a professional difficulty or need of the current academic year.
#[utoipa::path(post, path = "/api/v1/teachers/{id}/difficulties", tag = "teachers", params(("id" = i64, Path)), request_body = DifficultyInput,
    responses((status = 200, body = DifficultyView), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_difficulty(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<TeacherId>,
    body: JsonIn<DifficultyInput>,
) -> ApiResult<DifficultyView> {
    let input = json_body(body)?;
    Ok(Json(add_difficulty(&state, &me, &ctx, id, &input).await?.into()))
}

/// Add a further place of work (whoever may update the record; not the teacher alone).
#[utoipa::path(post, path = "/api/v1/teachers/{id}/positions", tag = "teachers", params(("id" = i64, Path)), request_body = PositionBody,
    responses((status = 200, body = PositionView), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_position(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<TeacherId>,
    body: JsonIn<PositionBody>,
) -> ApiResult<PositionView> {
    let b = json_body(body)?;
    Ok(Json(PositionView::from(&add_position(&state, &me, &ctx, id, &b.organization_id, &b.position).await?)))
}

/// The difficulty kinds the teacher's municipality's profile adds to Metoda's list.
pub async fn extra_kinds(c: &mut Conn, t: &Teacher) -> Result<Vec<String>, AppError> {
    let settings = metoda_store::profiles::municipality_settings(c, t.municipality_id).await?;
    Ok(settings.map(|s| s.extra_need_kinds.value).unwrap_or_default())
}
