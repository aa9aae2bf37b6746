//! Results of teachers and their students (seed 002 §3.4 and appendix 1): entered by the teachers
//! themselves and by their association's head or deputy (or the authority), each with a scan of
//! the confirming document; confirmed or rejected by a curator of the municipality; only confirmed
//! results count in the yearly analysis. The authority keeps the municipality's ЕГЭ thresholds and
//! the list of organizations with signs of non-objective results. Students' names are shown only
//! to the result's teachers, the association's head and deputy, the authority and the cabinet.
//! A result is edited on its own page (it goes back to pending); every teacher of a result is a
//! member of the association on the result's date. ЕГЭ scores may also be imported from an XLSX or
//! CSV file (all rows or none; every bad row named). Every operation is one function used by both
//! the page and the API handler.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use metoda_domain::FieldError;
use metoda_domain::access::{Action, Resource};
use metoda_domain::results::{
    Confirmation, ExamScoreInput, ExamThreshold, Format, Level, NON_OBJECTIVE_SUBJECTS, NonObjectiveInput, Placement,
    PresentationForm, StudentEvent, StudentResultInput, TeacherResultInput, TeacherResultKind, ThresholdInput,
};
use metoda_domain::teachers::AcademicYear;
use metoda_store::Conn;
use metoda_store::associations::{self, Association};
use metoda_store::attachments::{self, Content};
use metoda_store::municipalities::{self, Municipality};
use metoda_store::results::{self, NonObjectiveEntry, ResultRecord};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{ApiMe, Ctx, Current, Me, require};
use crate::error::{ApiResult, AppError, JsonIn, PageResult, json_body};
use crate::extract::{Form, Path, Query};
use crate::features::attachments::Attachment;
use crate::features::municipalities::form_errors;
use crate::pages::{Layout, field, pairs, redirect_with, render_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/associations/{id}/results", get(list_page))
        .route("/associations/{id}/results/student", post(student_submit))
        .route("/associations/{id}/results/exam", post(exam_submit))
        .route("/associations/{id}/results/teacher", post(teacher_submit))
        .route("/associations/{id}/results/{rid}/scan", post(scan_submit))
        .route("/associations/{id}/results/{rid}/archive", post(archive_submit))
        .route("/associations/{id}/results/{rid}/edit", get(edit_page).post(edit_submit))
        .route("/associations/{id}/results/exam/import", get(exam_import_page).post(exam_import_submit))
        .route("/associations/{id}/results/exam/template.xlsx", get(exam_template))
        .route("/results/pending", get(pending_page))
        .route("/results/{id}/confirm", post(confirm_submit))
        .route("/results/{id}/reject", post(reject_submit))
        .route("/results/{id}/scans/{sid}", get(scan_download))
        .route("/municipalities/{id}/exam-thresholds", get(thresholds_page).post(threshold_submit))
        .route("/municipalities/{id}/non-objective", get(non_objective_page).post(non_objective_submit))
        .route("/municipalities/{id}/non-objective/{eid}/remove", post(non_objective_remove_submit))
        .route("/api/v1/associations/{id}/results", get(api_list))
        .route("/api/v1/associations/{id}/results/student", post(api_add_student))
        .route("/api/v1/associations/{id}/results/exam", post(api_add_exam))
        .route("/api/v1/associations/{id}/results/exam/import", post(api_import_exam))
        .route("/api/v1/associations/{id}/results/teacher", post(api_add_teacher))
        .route("/api/v1/results/pending", get(api_pending))
        .route("/api/v1/results/{id}", axum::routing::put(api_update).delete(api_archive))
        .route("/api/v1/results/{id}/scans", post(api_scan))
        .route("/api/v1/results/{id}/confirm", post(api_confirm))
        .route("/api/v1/results/{id}/reject", post(api_reject))
        .route("/api/v1/municipalities/{id}/exam-thresholds", get(api_thresholds).put(api_set_threshold))
        .route("/api/v1/municipalities/{id}/non-objective", get(api_non_objective).post(api_add_non_objective))
        .route("/api/v1/municipalities/{id}/non-objective/{eid}", axum::routing::delete(api_remove_non_objective))
}

// ---- access ----

fn res(region_id: i64, municipality_id: i64, association_id: Option<i64>, own: bool) -> Resource {
    Resource::Results { region_id, municipality_id, association_id, own, confirmed: false }
}

/// A result the curator has confirmed: a teacher no longer changes it alone.
fn is_confirmed(r: &ResultRecord) -> bool {
    r.status == metoda_domain::results::Confirmation::Confirmed.code()
}

/// The teacher records of the signed-in user (a user may be a teacher of the bank).
async fn my_teachers(c: &mut Conn, me: &Current) -> Result<Vec<i64>, AppError> {
    Ok(metoda_store::teachers::ids_of_user(c, me.user.id).await?)
}

/// The associations any of the teachers was a member of on `on` (a result's date); with None, the
/// ones they are or were ever a member of (a new result's teachers, checked again by the store).
async fn associations_of(c: &mut Conn, teacher_ids: &[i64], on: Option<&str>) -> Result<Vec<i64>, AppError> {
    let mut out = vec![];
    for t in teacher_ids {
        for a in metoda_store::teachers::associations_on(c, *t, on).await? {
            if !out.contains(&a) {
                out.push(a);
            }
        }
    }
    Ok(out)
}

/// May the user do `action` to a result with these teachers (through any of their associations)?
async fn may_teachers(
    c: &mut Conn,
    me: &Current,
    m: &Municipality,
    action: Action,
    teacher_ids: &[i64],
    on: Option<&str>,
    confirmed: bool,
) -> Result<bool, AppError> {
    let mine = my_teachers(c, me).await?;
    let own = teacher_ids.iter().any(|t| mine.contains(t));
    let res = |association_id| Resource::Results {
        region_id: m.region_id,
        municipality_id: m.id,
        association_id,
        own,
        confirmed,
    };
    if me.may(action, &res(None)) {
        return Ok(true);
    }
    Ok(associations_of(c, teacher_ids, on).await?.into_iter().any(|a| me.may(action, &res(Some(a)))))
}

/// A result and its municipality, after the access check.
async fn load(
    state: &AppState,
    me: &Current,
    id: i64,
    action: Action,
) -> Result<(ResultRecord, Municipality), AppError> {
    let mut c = state.db.conn().await?;
    let r = results::get(&mut c, id).await?;
    if r.archived_at.is_some() {
        return Err(AppError::NotFound);
    }
    let m = municipalities::get(&mut c, r.municipality_id).await?;
    if !may_teachers(&mut c, me, &m, action, &r.teacher_ids(), Some(&r.result_on), false).await? {
        return Err(AppError::Forbidden);
    }
    if is_confirmed(&r)
        && matches!(action, Action::Update | Action::Archive)
        && !may_teachers(&mut c, me, &m, action, &r.teacher_ids(), Some(&r.result_on), true).await?
    {
        return Err(AppError::Conflict(results::CONFIRMED_LOCKED.into()));
    }
    Ok((r, m))
}

/// The record as the user may see it: without the student's name unless allowed.
async fn shown(
    c: &mut Conn,
    me: &Current,
    m: &Municipality,
    association_id: Option<i64>,
    r: ResultRecord,
) -> Result<ResultRecord, AppError> {
    if r.student_name.is_none() {
        return Ok(r);
    }
    let mine = my_teachers(c, me).await?;
    let own = r.teachers.iter().any(|t| mine.contains(&t.teacher_id));
    let personal = me.may(Action::ViewPersonal, &res(m.region_id, m.id, association_id, own))
        || me.may(Action::ViewPersonal, &res(m.region_id, m.id, None, own));
    Ok(if personal { r } else { r.without_student_name() })
}

async fn association(state: &AppState, me: &Current, id: i64) -> Result<(Association, Municipality), AppError> {
    let mut c = state.db.conn().await?;
    let a = associations::get(&mut c, id).await?;
    require(me, Action::View, &res(a.region_id, a.municipality_id, Some(a.id), false))?;
    let m = municipalities::get(&mut c, a.municipality_id).await?;
    Ok((a, m))
}

fn decision_res(m: &Municipality, own: bool) -> Resource {
    Resource::ResultDecision { region_id: m.region_id, municipality_id: m.id, own }
}

/// Thresholds and the non-objective list: read in the municipality, kept by the authority (who
/// also decides on the analyses they are counted in).
async fn municipality(state: &AppState, me: &Current, id: i64, action: Action) -> Result<Municipality, AppError> {
    let mut c = state.db.conn().await?;
    let m = municipalities::get(&mut c, id).await?;
    require(me, Action::View, &Resource::Municipality { region_id: m.region_id, municipality_id: Some(m.id) })?;
    if action != Action::View {
        require(
            me,
            Action::Update,
            &Resource::AnalysisDecision { region_id: m.region_id, municipality_id: m.id, to_region: false },
        )?;
    }
    Ok(m)
}

use crate::features::analysis::year_or_now;

// ---- operations (page and API) ----

/// What is added: one of the three kinds, as typed.
pub enum NewResult {
    Student(StudentResultInput),
    Exam(ExamScoreInput),
    Teacher(TeacherResultInput),
}

impl NewResult {
    fn teacher_ids(&self) -> Vec<i64> {
        match self {
            Self::Student(i) => i.teacher_ids.clone(),
            Self::Exam(i) => i.teacher_id.into_iter().collect(),
            Self::Teacher(i) => i.teacher_ids.clone(),
        }
    }
}

/// The refusal of teachers who are not members of the association on the result's date.
fn not_members(field: &str, on: time::Date) -> AppError {
    AppError::Validation(vec![FieldError::new(
        field,
        format!(
            "Педагоги: указывайте только членов объединения на дату результата ({}); педагоги других объединений \
             соавторами не указываются",
            metoda_domain::values::ru_date(on)
        ),
    )])
}

/// Every teacher of a result entered through an association must be one of its members on the
/// result's date (the association's list shows a result by its teachers' membership on that date).
async fn members_only(
    c: &mut Conn,
    aid: i64,
    teacher_ids: &[i64],
    on: time::Date,
    field: &str,
) -> Result<(), AppError> {
    let day = metoda_domain::values::iso_date(on);
    for t in teacher_ids {
        if !metoda_store::associations::is_member_on(c, aid, *t, &day).await? {
            return Err(not_members(field, on));
        }
    }
    Ok(())
}

/// A rewritten result keeps the rule of [`members_only`]: all its teachers are members, on its
/// (new) date, of one association where the user enters results — so a member teacher names as
/// co-teachers only members of their own association, as the head and the deputy do.
async fn one_association(
    c: &mut Conn,
    me: &Current,
    m: &Municipality,
    teacher_ids: &[i64],
    on: time::Date,
    field: &str,
) -> Result<(), AppError> {
    let day = metoda_domain::values::iso_date(on);
    let mut common: Option<Vec<i64>> = None;
    for t in teacher_ids {
        let of = associations_of(c, &[*t], Some(&day)).await?;
        common = Some(match common {
            None => of,
            Some(prev) => prev.into_iter().filter(|a| of.contains(a)).collect(),
        });
    }
    let common = common.unwrap_or_default();
    let mine = my_teachers(c, me).await?;
    let own = teacher_ids.iter().any(|t| mine.contains(t));
    let anywhere = me.may(Action::Update, &res(m.region_id, m.id, None, own));
    if (anywhere && !common.is_empty())
        || common.iter().any(|a| me.may(Action::Update, &res(m.region_id, m.id, Some(*a), own)))
    {
        Ok(())
    } else {
        Err(not_members(field, on))
    }
}

async fn add(state: &AppState, me: &Current, ctx: &Ctx, aid: i64, input: &NewResult) -> Result<ResultRecord, AppError> {
    let (a, m) = association(state, me, aid).await?;
    let mut c = state.db.conn().await?;
    let ids = input.teacher_ids();
    let mine = my_teachers(&mut c, me).await?;
    let own = ids.iter().any(|t| mine.contains(t));
    require(me, Action::Create, &res(m.region_id, m.id, Some(a.id), own))?;
    if !a.is_active() {
        return Err(AppError::Conflict("Объединение ликвидировано: его результаты не меняются".into()));
    }
    let thresholds = results::thresholds(&mut c, m.id).await?;
    drop(c);
    let mut tx = state.db.begin().await?;
    let r = match input {
        NewResult::Student(i) => {
            let d = i.parse(state.today(m.zone())).map_err(AppError::Validation)?;
            members_only(&mut tx, a.id, &d.teacher_ids, d.on, "teacher_ids").await?;
            results::add_student(&mut tx, &ctx.actor(), m.id, &d).await?
        }
        NewResult::Exam(i) => {
            let d = i.parse(state.today(m.zone()), &thresholds).map_err(AppError::Validation)?;
            members_only(&mut tx, a.id, &[d.teacher_id], d.on, "teacher_id").await?;
            results::add_exam(&mut tx, &ctx.actor(), m.id, &d).await?
        }
        NewResult::Teacher(i) => {
            let d = i.parse(state.today(m.zone())).map_err(AppError::Validation)?;
            members_only(&mut tx, a.id, &d.teacher_ids, d.on, "teacher_ids").await?;
            results::add_teacher_result(&mut tx, &ctx.actor(), m.id, &d).await?
        }
    };
    tx.commit().await?;
    Ok(r)
}

/// The API body of a result's family (as when added).
fn input_of(family: &str, body: serde_json::Value) -> Result<NewResult, AppError> {
    let bad = |_| AppError::BadRequest("Не удалось прочитать данные результата".into());
    Ok(match family {
        "student" => NewResult::Student(serde_json::from_value(body).map_err(bad)?),
        "exam" => NewResult::Exam(serde_json::from_value(body).map_err(bad)?),
        _ => NewResult::Teacher(serde_json::from_value(body).map_err(bad)?),
    })
}

/// Rewrites a result of its kind (the input of its family); it goes back to pending.
async fn update(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: i64,
    input: &NewResult,
    reason: Option<&str>,
    version: Option<i64>,
) -> Result<ResultRecord, AppError> {
    let (old, m) = load(state, me, id, Action::Update).await?;
    let family_ok = matches!(
        (old.family.as_str(), input),
        ("student", NewResult::Student(_)) | ("exam", NewResult::Exam(_)) | ("teacher", NewResult::Teacher(_))
    );
    if !family_ok {
        return Err(AppError::Conflict("Это результат другого вида".into()));
    }
    let mut c = state.db.conn().await?;
    // The new teachers too: nobody moves a result to teachers they may not enter results for.
    if !may_teachers(&mut c, me, &m, Action::Update, &input.teacher_ids(), None, false).await? {
        return Err(AppError::Forbidden);
    }
    // Whether the user may change it were it confirmed: the store checks again under the lock.
    let confirmed_ok =
        may_teachers(&mut c, me, &m, Action::Update, &old.teacher_ids(), Some(&old.result_on), true).await?;
    let change = results::Change { confirmed_ok, reason, version };
    let thresholds = results::thresholds(&mut c, m.id).await?;
    drop(c);
    let mut tx = state.db.begin().await?;
    let r = match input {
        NewResult::Student(i) => {
            let d = i.parse(state.today(m.zone())).map_err(AppError::Validation)?;
            one_association(&mut tx, me, &m, &d.teacher_ids, d.on, "teacher_ids").await?;
            results::update_student(&mut tx, &ctx.actor(), &old, &d, change).await?
        }
        NewResult::Exam(i) => {
            let d = i.parse(state.today(m.zone()), &thresholds).map_err(AppError::Validation)?;
            one_association(&mut tx, me, &m, &[d.teacher_id], d.on, "teacher_id").await?;
            results::update_exam(&mut tx, &ctx.actor(), &old, &d, change).await?
        }
        NewResult::Teacher(i) => {
            let d = i.parse(state.today(m.zone())).map_err(AppError::Validation)?;
            one_association(&mut tx, me, &m, &d.teacher_ids, d.on, "teacher_ids").await?;
            results::update_teacher_result(&mut tx, &ctx.actor(), &old, &d, change).await?
        }
    };
    tx.commit().await?;
    Ok(r)
}

async fn archive(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: i64,
    reason: Option<&str>,
    version: Option<i64>,
) -> Result<ResultRecord, AppError> {
    let (old, m) = load(state, me, id, Action::Archive).await?;
    let confirmed_ok = {
        let mut c = state.db.conn().await?;
        may_teachers(&mut c, me, &m, Action::Archive, &old.teacher_ids(), Some(&old.result_on), true).await?
    };
    let mut tx = state.db.begin().await?;
    let r = results::archive(&mut tx, &ctx.actor(), &old, results::Change { confirmed_ok, reason, version }).await?;
    tx.commit().await?;
    Ok(r)
}

/// A file as uploaded: its name, bytes and an optional title.
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
    pub title: String,
}

async fn read_upload(mp: &mut axum::extract::Multipart) -> Result<Option<Upload>, AppError> {
    let form = crate::extract::read_upload(mp, &["title"], "скан").await?;
    let title = form.text("title").to_owned();
    Ok(form.file.map(|(name, bytes)| Upload { name, bytes, title }))
}

/// Attaches the confirming scan (PDF, JPEG or PNG, by content).
async fn attach(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: i64,
    upload: Option<Upload>,
) -> Result<Attachment, AppError> {
    let (r, _) = load(state, me, id, Action::Update).await?;
    let refuse = |m: &str| AppError::Validation(vec![FieldError::new("file", format!("Скан не принят: {m}"))]);
    let Some(u) = upload else { return Err(refuse("выберите файл")) };
    if u.bytes.len() > metoda_domain::files::MAX_FILE_BYTES {
        return Err(refuse("файл больше 20 МБ"));
    }
    let ct = match metoda_domain::files::detect(&u.bytes) {
        Some((ct, _)) if ct == "application/pdf" || ct.starts_with("image/") => ct,
        _ => return Err(refuse("нужен PDF, JPEG или PNG (тип определяется по содержимому)")),
    };
    let title = metoda_domain::values::optional_text("title", "Название", &u.title, 300)
        .map_err(|e| AppError::Validation(vec![e]))?
        .unwrap_or_default();
    let mut tx = state.db.begin().await?;
    let content = Content::File { name: &u.name, content_type: ct, bytes: &u.bytes };
    let a = results::attach_scan(&mut tx, &ctx.actor(), &r, &title, content).await?;
    tx.commit().await?;
    Ok(Attachment::from(&a))
}

/// A curator's decision: confirm (a comment is optional) or reject (a comment is required).
async fn decide(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: i64,
    confirm: bool,
    comment: &str,
) -> Result<ResultRecord, AppError> {
    let mut c = state.db.conn().await?;
    let r = results::get(&mut c, id).await?;
    if r.archived_at.is_some() {
        return Err(AppError::NotFound);
    }
    let m = municipalities::get(&mut c, r.municipality_id).await?;
    let mine = my_teachers(&mut c, me).await?;
    drop(c);
    let own = r.teachers.iter().any(|t| mine.contains(&t.teacher_id));
    require(me, Action::Update, &decision_res(&m, own))?;
    let mut tx = state.db.begin().await?;
    let r = if confirm {
        results::confirm(&mut tx, &ctx.actor(), &r, Some(comment)).await?
    } else {
        results::reject(&mut tx, &ctx.actor(), &r, comment).await?
    };
    tx.commit().await?;
    Ok(r)
}

/// A result with its scans, as the lists show it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ResultItem {
    pub result: ResultRecord,
    pub scans: Vec<Attachment>,
}

impl ResultItem {
    pub fn status_label(&self) -> &'static str {
        self.result.confirmation().label_ru()
    }
    pub fn status_class(&self) -> &'static str {
        match self.result.confirmation() {
            Confirmation::Confirmed => "ok",
            Confirmation::Rejected => "bad",
            Confirmation::Pending => "",
        }
    }
    pub fn teachers(&self) -> String {
        self.result.teachers.iter().map(|t| t.full_name.as_str()).collect::<Vec<_>>().join(", ")
    }
    pub fn label(code: Option<&String>, f: fn(&str) -> Option<&'static str>) -> &'static str {
        code.and_then(|c| f(c)).unwrap_or("")
    }
    pub fn level(&self) -> &'static str {
        Self::label(self.result.level.as_ref(), |c| Level::from_code(c).map(Level::label_ru))
    }
    pub fn placement(&self) -> &'static str {
        Self::label(self.result.placement.as_ref(), |c| Placement::from_code(c).map(Placement::label_ru))
    }
    pub fn format(&self) -> &'static str {
        Self::label(self.result.format.as_ref(), |c| Format::from_code(c).map(Format::label_ru))
    }
    pub fn form(&self) -> &'static str {
        Self::label(self.result.form.as_ref(), |c| PresentationForm::from_code(c).map(PresentationForm::label_ru))
    }
    pub fn student(&self) -> String {
        let r = &self.result;
        let mut s = match (&r.student_name, &r.student_code) {
            (Some(n), _) => n.clone(),
            (None, Some(c)) => format!("код {c}"),
            (None, None) => "—".into(),
        };
        if let Some(g) = &r.student_grade {
            s.push_str(&format!(", {g} кл."));
        }
        if let Some(o) = &r.student_organization_name {
            s.push_str(&format!(", {o}"));
        }
        s
    }
}

async fn items(
    c: &mut Conn,
    me: &Current,
    m: &Municipality,
    association_id: Option<i64>,
    list: Vec<ResultRecord>,
) -> Result<Vec<ResultItem>, AppError> {
    let mut out = vec![];
    for r in list {
        let scans = results::scans(c, r.id).await?.iter().map(Attachment::from).collect();
        let result = shown(c, me, m, association_id, r).await?;
        out.push(ResultItem { result, scans });
    }
    Ok(out)
}

async fn for_association(
    state: &AppState,
    me: &Current,
    a: &Association,
    m: &Municipality,
    year: i32,
) -> Result<Vec<ResultItem>, AppError> {
    let mut c = state.db.conn().await?;
    let list = results::for_association(&mut c, a.id, i64::from(year)).await?;
    items(&mut c, me, m, Some(a.id), list).await
}

async fn pending(
    state: &AppState,
    me: &Current,
    municipality_id: i64,
) -> Result<(Municipality, Vec<ResultItem>), AppError> {
    let mut c = state.db.conn().await?;
    let m = municipalities::get(&mut c, municipality_id).await?;
    require(me, Action::View, &decision_res(&m, false))?;
    let list = results::pending(&mut c, m.id).await?;
    let out = items(&mut c, me, &m, None, list).await?;
    Ok((m, out))
}

async fn set_threshold(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: i64,
    input: &ThresholdInput,
) -> Result<Vec<ExamThreshold>, AppError> {
    let m = municipality(state, me, id, Action::Update).await?;
    let t = input.parse().map_err(AppError::Validation)?;
    let mut tx = state.db.begin().await?;
    let out = results::set_threshold(&mut tx, &ctx.actor(), m.id, &t).await?;
    tx.commit().await?;
    Ok(out)
}

async fn add_non_objective(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: i64,
    input: &NonObjectiveInput,
) -> Result<NonObjectiveEntry, AppError> {
    let m = municipality(state, me, id, Action::Update).await?;
    let d = input.parse().map_err(AppError::Validation)?;
    let mut tx = state.db.begin().await?;
    let e = results::add_non_objective(&mut tx, &ctx.actor(), m.id, &d).await?;
    tx.commit().await?;
    Ok(e)
}

async fn remove_non_objective(state: &AppState, me: &Current, ctx: &Ctx, id: i64, eid: i64) -> Result<(), AppError> {
    let m = municipality(state, me, id, Action::Update).await?;
    let mut tx = state.db.begin().await?;
    results::remove_non_objective(&mut tx, &ctx.actor(), m.id, eid).await?;
    tx.commit().await?;
    Ok(())
}

// ---- pages ----

#[derive(Deserialize, Default)]
#[serde(default)]
struct YearQuery {
    year: Option<i32>,
}

#[derive(Template)]
#[template(path = "results.html")]
struct ListPage {
    l: Layout,
    a: Association,
    year: i32,
    years: Vec<i32>,
    student: Vec<ResultItem>,
    exam: Vec<ResultItem>,
    teacher: Vec<ResultItem>,
    /// Results may be added (for oneself at least).
    can_add: bool,
    /// The teachers results may be added for (members; only oneself for a teacher).
    members: Vec<(i64, String)>,
    organizations: Vec<(i64, String)>,
    subjects: Vec<ExamThreshold>,
    /// The results the user may edit (scan, archive).
    editable: Vec<i64>,
    /// The user's own results the curator has confirmed: locked for them.
    locked: Vec<i64>,
    can_curate: bool,
    /// The form that failed ("student", "exam", "teacher") and what was typed in it.
    posted: (&'static str, Vec<(String, String)>),
    today: String,
}

/// The choices of the result forms (the add forms of the list page and the edit page).
trait Choices {
    fn levels(&self) -> &'static [Level] {
        Level::ALL
    }
    fn events(&self) -> &'static [StudentEvent] {
        StudentEvent::ALL
    }
    fn placements(&self) -> &'static [Placement] {
        Placement::ALL
    }
    fn formats(&self) -> &'static [Format] {
        Format::ALL
    }
    fn kinds(&self) -> &'static [TeacherResultKind] {
        TeacherResultKind::ALL
    }
    fn forms(&self) -> &'static [PresentationForm] {
        PresentationForm::ALL
    }
}

impl Choices for ListPage {}
impl Choices for EditPage {}

impl ListPage {
    /// A typed value of the failed form.
    fn v(&self, form: &str, name: &str) -> &str {
        if self.posted.0 == form { field(&self.posted.1, name) } else { "" }
    }
    fn sel(&self, form: &str, name: &str, value: &str) -> bool {
        self.posted.0 == form && self.posted.1.iter().any(|(k, v)| k == name && v == value)
    }
    fn sel_id(&self, form: &str, name: &str, id: &i64) -> bool {
        self.sel(form, name, &id.to_string())
    }
    fn can_edit(&self, id: &i64) -> bool {
        self.editable.contains(id)
    }
    /// The user's own result, confirmed: locked for them.
    fn is_locked(&self, id: &i64) -> bool {
        self.locked.contains(id)
    }
    fn subject_label(&self, code: &Option<String>) -> String {
        let c = code.as_deref().unwrap_or("");
        self.subjects.iter().find(|s| s.subject == c).map_or_else(|| c.to_owned(), |s| s.label.clone())
    }
}

#[allow(clippy::too_many_arguments)]
async fn list_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    aid: i64,
    year: i32,
    posted: (&'static str, Vec<(String, String)>),
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let (a, m) = association(state, me, aid).await?;
    let all = for_association(state, me, &a, &m, year).await?;
    let mut c = state.db.conn().await?;
    let mine = my_teachers(&mut c, me).await?;
    let can_add_any = a.is_active() && me.may(Action::Create, &res(m.region_id, m.id, Some(a.id), false));
    let can_add = a.is_active() && (can_add_any || me.may(Action::Create, &res(m.region_id, m.id, Some(a.id), true)));
    let members: Vec<(i64, String)> = if can_add {
        associations::members(&mut c, a.id, None)
            .await?
            .into_iter()
            .filter(|x| can_add_any || mine.contains(&x.teacher_id))
            .map(|x| (x.teacher_id, x.full_name))
            .collect()
    } else {
        vec![]
    };
    let organizations = if can_add {
        metoda_store::organizations::list(
            &mut c,
            &metoda_store::organizations::Filter { municipality_id: Some(m.id), ..Default::default() },
        )
        .await?
        .into_iter()
        .map(|o| (o.id, o.short_name))
        .collect()
    } else {
        vec![]
    };
    let subjects = results::thresholds(&mut c, m.id).await?;
    let (mut editable, mut locked) = (vec![], vec![]);
    if a.is_active() {
        for i in &all {
            let own = i.result.teachers.iter().any(|t| mine.contains(&t.teacher_id));
            let what = Resource::Results {
                region_id: m.region_id,
                municipality_id: m.id,
                association_id: Some(a.id),
                own,
                confirmed: is_confirmed(&i.result),
            };
            if me.may(Action::Update, &what) {
                editable.push(i.result.id);
            } else if own && is_confirmed(&i.result) {
                locked.push(i.result.id);
            }
        }
    }
    drop(c);
    let can_curate = me.may(Action::Update, &decision_res(&m, false));
    let (mut student, mut exam, mut teacher) = (vec![], vec![], vec![]);
    for i in all {
        match i.result.family.as_str() {
            "student" => student.push(i),
            "exam" => exam.push(i),
            _ => teacher.push(i),
        }
    }
    let now = AcademicYear::containing(state.today(m.zone())).0;
    let page = ListPage {
        l: Layout::new(ctx, format!("Результаты: {}", a.name), "/associations").with_errors(errors),
        a,
        year,
        years: (now - 4..=now).rev().collect(),
        student,
        exam,
        teacher,
        can_add,
        members,
        organizations,
        subjects,
        editable,
        locked,
        can_curate,
        posted,
        today: metoda_domain::values::iso_date(state.today(m.zone())),
    };
    render_status(status, &page)
}

async fn list_page(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(aid): Path<i64>,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let year = year_or_today(&state, &me, q.year).await?;
    list_with(&state, &me, &ctx, aid, year, ("", vec![]), vec![], StatusCode::OK).await
}

/// After a page action: back to the association's results of the year, or the page with the errors.
#[allow(clippy::too_many_arguments)]
async fn done<T>(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    aid: i64,
    year: i32,
    posted: (&'static str, Vec<(String, String)>),
    r: Result<T, AppError>,
    ok: &str,
) -> PageResult {
    match r {
        Ok(_) => Ok(redirect_with(&format!("/associations/{aid}/results?year={year}"), ok, ctx)),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (status, errors) = form_errors(e);
            list_with(state, me, ctx, aid, year, posted, errors, status).await
        }
        Err(e) => Err(e),
    }
}

fn opt_id(s: &str) -> Option<i64> {
    s.trim().parse().ok().filter(|v: &i64| *v > 0)
}

fn ids(p: &[(String, String)], name: &str) -> Vec<i64> {
    p.iter().filter(|(k, _)| k == name).filter_map(|(_, v)| opt_id(v)).collect()
}

/// The academic year asked for, else the one containing today where the user works.
async fn year_or_today(state: &AppState, me: &Current, y: Option<i32>) -> Result<i32, AppError> {
    match y {
        Some(y) => Ok(y),
        None => {
            let mut c = state.db.conn().await?;
            Ok(year_or_now(None, crate::features::user_today(state, &mut c, me).await?))
        }
    }
}

/// The academic year of a typed date (to come back to), else the current one.
async fn year_of_date(state: &AppState, me: &Current, raw: &str) -> Result<i32, AppError> {
    let typed = metoda_domain::values::date("on", "", raw).ok().map(|d| AcademicYear::containing(d).0);
    year_or_today(state, me, typed).await
}

fn student_input(p: &[(String, String)]) -> StudentResultInput {
    StudentResultInput {
        event: field(p, "event").into(),
        title: field(p, "title").into(),
        subject: field(p, "subject").into(),
        level: field(p, "level").into(),
        placement: field(p, "placement").into(),
        format: field(p, "format").into(),
        student_name: field(p, "student_name").into(),
        student_code: field(p, "student_code").into(),
        grade: field(p, "grade").into(),
        student_organization_id: opt_id(field(p, "student_organization_id")),
        teacher_ids: ids(p, "teacher_ids"),
        on: field(p, "on").into(),
    }
}

fn exam_input(p: &[(String, String)]) -> ExamScoreInput {
    ExamScoreInput {
        teacher_id: opt_id(field(p, "teacher_id")),
        subject: field(p, "subject").into(),
        score: field(p, "score").into(),
        student_code: field(p, "student_code").into(),
        on: field(p, "on").into(),
    }
}

fn teacher_input(p: &[(String, String)]) -> TeacherResultInput {
    TeacherResultInput {
        kind: field(p, "kind").into(),
        teacher_ids: ids(p, "teacher_ids"),
        title: field(p, "title").into(),
        level: field(p, "level").into(),
        placement: field(p, "placement").into(),
        format: field(p, "format").into(),
        form: field(p, "form").into(),
        outlet: field(p, "outlet").into(),
        url: field(p, "url").into(),
        students: field(p, "students").into(),
        on: field(p, "on").into(),
    }
}

async fn student_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(aid): Path<i64>,
    body: axum::body::Bytes,
) -> PageResult {
    let p = pairs(&body)?;
    let input = student_input(&p);
    let year = year_of_date(&state, &me, &input.on).await?;
    let r = add(&state, &me, &ctx, aid, &NewResult::Student(input)).await;
    done(
        &state,
        &me,
        &ctx,
        aid,
        year,
        ("student", p),
        r,
        "Результат обучающегося записан; приложите скан подтверждающего документа",
    )
    .await
}

async fn exam_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(aid): Path<i64>,
    body: axum::body::Bytes,
) -> PageResult {
    let p = pairs(&body)?;
    let input = exam_input(&p);
    let year = year_of_date(&state, &me, &input.on).await?;
    let r = add(&state, &me, &ctx, aid, &NewResult::Exam(input)).await;
    done(&state, &me, &ctx, aid, year, ("exam", p), r, "Балл ЕГЭ записан; приложите скан подтверждающего документа")
        .await
}

async fn teacher_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(aid): Path<i64>,
    body: axum::body::Bytes,
) -> PageResult {
    let p = pairs(&body)?;
    let input = teacher_input(&p);
    let year = year_of_date(&state, &me, &input.on).await?;
    let r = add(&state, &me, &ctx, aid, &NewResult::Teacher(input)).await;
    done(
        &state,
        &me,
        &ctx,
        aid,
        year,
        ("teacher", p),
        r,
        "Результат педагога записан; приложите скан подтверждающего документа",
    )
    .await
}

/// The year of a result (to come back to its page).
async fn year_of_result(state: &AppState, me: &Current, id: i64) -> Result<i32, AppError> {
    let year = {
        let mut c = state.db.conn().await?;
        i32::try_from(results::get(&mut c, id).await?.year).ok()
    };
    year_or_today(state, me, year).await
}

async fn scan_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((aid, rid)): Path<(i64, i64)>,
    mut mp: axum::extract::Multipart,
) -> PageResult {
    let year = year_of_result(&state, &me, rid).await?;
    let upload = read_upload(&mut mp).await?;
    let r = attach(&state, &me, &ctx, rid, upload).await;
    done(&state, &me, &ctx, aid, year, ("", vec![]), r, "Скан подтверждающего документа приложен").await
}

/// Why a confirmed result is changed or removed.
#[derive(Deserialize, Default, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ReasonForm {
    /// Required for a result the curator has confirmed; recorded in the audit trail.
    pub reason: Option<String>,
    /// The version of the result the removal is based on (a stale one gets 409).
    #[serde(deserialize_with = "metoda_domain::values::de_version")]
    #[param(value_type = Option<i64>)]
    #[schema(value_type = Option<i64>)]
    pub version: Option<i64>,
}

async fn archive_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((aid, rid)): Path<(i64, i64)>,
    Form(f): Form<ReasonForm>,
) -> PageResult {
    let year = year_of_result(&state, &me, rid).await?;
    let r = archive(&state, &me, &ctx, rid, f.reason.as_deref(), f.version).await;
    done(&state, &me, &ctx, aid, year, ("", vec![]), r, "Результат удалён").await
}

// ---- editing a result on the page ----

#[derive(Template)]
#[template(path = "results_edit.html")]
struct EditPage {
    l: Layout,
    a: Association,
    r: ResultRecord,
    /// What the form shows: the record's values, or what was typed when it failed.
    values: Vec<(String, String)>,
    /// The teachers to choose from: the members (only oneself for a teacher) and the result's own.
    members: Vec<(i64, String)>,
    organizations: Vec<(i64, String)>,
    subjects: Vec<ExamThreshold>,
    today: String,
}

impl EditPage {
    fn v(&self, name: &str) -> &str {
        field(&self.values, name)
    }
    /// The version the next save is based on: what the form was opened at, or the current one
    /// once a stale save has shown it.
    fn version(&self) -> String {
        let posted = field(&self.values, "version");
        if posted.is_empty() { self.r.version.to_string() } else { posted.to_owned() }
    }
    fn sel(&self, name: &str, value: &str) -> bool {
        self.values.iter().any(|(k, v)| k == name && v == value)
    }
    fn sel_id(&self, name: &str, id: &i64) -> bool {
        self.sel(name, &id.to_string())
    }
}

/// The form's fields of a record, as the add forms name them.
fn record_pairs(r: &ResultRecord) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = vec![];
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            p.push((k.to_owned(), v));
        }
    };
    put("on", Some(r.result_on.clone()));
    put("title", r.title.clone());
    put("subject", r.subject.clone());
    put("level", r.level.clone());
    put("placement", r.placement.clone());
    put("format", r.format.clone());
    put("student_code", r.student_code.clone());
    match r.family.as_str() {
        "student" => {
            put("event", Some(r.kind.clone()));
            put("student_name", r.student_name.clone());
            put("grade", r.student_grade.clone());
            put("student_organization_id", r.student_organization_id.map(|v| v.to_string()));
        }
        "exam" => {
            put("score", r.score.map(|v| v.to_string()));
            put("teacher_id", r.teachers.first().map(|t| t.teacher_id.to_string()));
        }
        _ => {
            put("kind", Some(r.kind.clone()));
            put("form", r.form.clone());
            put("outlet", r.outlet.clone());
            put("url", r.url.clone());
            put("students", r.students.map(|v| v.to_string()));
        }
    }
    for t in &r.teachers {
        put("teacher_ids", Some(t.teacher_id.to_string()));
    }
    p
}

/// A result of the association the user may edit on its page (its teachers were members on its date).
async fn editable_result(
    state: &AppState,
    me: &Current,
    aid: i64,
    rid: i64,
) -> Result<(Association, Municipality, ResultRecord), AppError> {
    let (a, _) = association(state, me, aid).await?;
    let (r, m) = load(state, me, rid, Action::Update).await?;
    let mut c = state.db.conn().await?;
    if r.municipality_id != a.municipality_id
        || !associations_of(&mut c, &r.teacher_ids(), Some(&r.result_on)).await?.contains(&a.id)
    {
        return Err(AppError::NotFound);
    }
    if !a.is_active() {
        return Err(AppError::Conflict("Объединение ликвидировано: его результаты не меняются".into()));
    }
    Ok((a, m, r))
}

#[allow(clippy::too_many_arguments)]
async fn edit_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    aid: i64,
    rid: i64,
    posted: Option<Vec<(String, String)>>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let (a, m, r) = editable_result(state, me, aid, rid).await?;
    let mut c = state.db.conn().await?;
    let mine = my_teachers(&mut c, me).await?;
    let any = me.may(Action::Update, &res(m.region_id, m.id, Some(a.id), false));
    let mut members: Vec<(i64, String)> = associations::members(&mut c, a.id, None)
        .await?
        .into_iter()
        .filter(|x| any || mine.contains(&x.teacher_id))
        .map(|x| (x.teacher_id, x.full_name))
        .collect();
    for t in &r.teachers {
        if !members.iter().any(|(id, _)| *id == t.teacher_id) {
            members.push((t.teacher_id, t.full_name.clone()));
        }
    }
    let organizations = metoda_store::organizations::list(
        &mut c,
        &metoda_store::organizations::Filter { municipality_id: Some(m.id), ..Default::default() },
    )
    .await?
    .into_iter()
    .map(|o| (o.id, o.short_name))
    .collect();
    let subjects = results::thresholds(&mut c, m.id).await?;
    drop(c);
    let values = posted.unwrap_or_else(|| record_pairs(&r));
    let page = EditPage {
        l: Layout::new(ctx, format!("Изменение результата: {}", r.kind_label()), "/associations").with_errors(errors),
        a,
        r,
        values,
        members,
        organizations,
        subjects,
        today: metoda_domain::values::iso_date(state.today(m.zone())),
    };
    render_status(status, &page)
}

async fn edit_page(State(state): State<AppState>, Me(me, ctx): Me, Path((aid, rid)): Path<(i64, i64)>) -> PageResult {
    edit_with(&state, &me, &ctx, aid, rid, None, vec![], StatusCode::OK).await
}

async fn edit_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((aid, rid)): Path<(i64, i64)>,
    body: axum::body::Bytes,
) -> PageResult {
    let p = pairs(&body)?;
    let (_, _, r) = editable_result(&state, &me, aid, rid).await?;
    let input = match r.family.as_str() {
        "student" => NewResult::Student(student_input(&p)),
        "exam" => NewResult::Exam(exam_input(&p)),
        _ => NewResult::Teacher(teacher_input(&p)),
    };
    let reason = p.iter().find(|(k, _)| k == "reason").map(|(_, v)| v.as_str());
    let version = p.iter().find(|(k, _)| k == "version").and_then(|(_, v)| v.trim().parse().ok());
    match update(&state, &me, &ctx, rid, &input, reason, version).await {
        Ok(r) => Ok(redirect_with(
            &format!("/associations/{aid}/results?year={}", r.year),
            "Результат изменён и снова ожидает подтверждения; при необходимости приложите новый скан",
            &ctx,
        )),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let stale = crate::pages::is_stale(&e);
            let (status, errors) = form_errors(e);
            // After a stale save the typed input stays; the next save is based on the current record.
            let p = if stale { p.into_iter().filter(|(k, _)| k != "version").collect() } else { p };
            edit_with(&state, &me, &ctx, aid, rid, Some(p), errors, status).await
        }
        Err(e) => Err(e),
    }
}

// ---- ЕГЭ scores imported from XLSX/CSV ----

/// A problem of one row of an imported file.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ExamImportProblem {
    /// The row number as the spreadsheet shows it (the header is usually row 1).
    pub row: usize,
    /// The column as the file calls it («Учитель», «Предмет», «Балл», «Дата», «Код ученика»).
    pub column: String,
    /// In Russian, for the user.
    pub message: String,
}

/// Why an import wrote nothing.
enum ImportFailure {
    /// Not allowed at all, not found, a liquidated association …
    App(AppError),
    /// The whole file cannot be read (a Russian sentence).
    File(String),
    /// Rows with problems; `forbidden` when some row names a teacher the user may not enter for.
    Rows { problems: Vec<ExamImportProblem>, bad_rows: usize, forbidden: bool },
}

impl<E: Into<AppError>> From<E> for ImportFailure {
    fn from(e: E) -> Self {
        ImportFailure::App(e.into())
    }
}

/// The column of the file for a field `ExamScoreInput::parse` reports.
fn exam_column(field: &str) -> &'static str {
    match field {
        "teacher_id" => "Учитель",
        "subject" => "Предмет",
        "score" => "Балл",
        "on" => "Дата",
        "student_code" => "Код ученика",
        _ => "",
    }
}

/// Reads, checks every row, and writes all the scores in one transaction — or nothing.
async fn import_exam(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    aid: i64,
    file: Option<(String, Vec<u8>)>,
) -> Result<(Vec<ResultRecord>, usize), ImportFailure> {
    let (a, m) = association(state, me, aid).await?;
    let any = me.may(Action::Create, &res(m.region_id, m.id, Some(a.id), false));
    let own_only = !any && me.may(Action::Create, &res(m.region_id, m.id, Some(a.id), true));
    if !any && !own_only {
        return Err(AppError::Forbidden.into());
    }
    if !a.is_active() {
        return Err(AppError::Conflict("Объединение ликвидировано: его результаты не меняются".into()).into());
    }
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(ImportFailure::File("Выберите файл XLSX или CSV с баллами ЕГЭ".into()));
    };
    let sheet = metoda_docs::import::exam::read_exam_scores(&bytes, &file_name)
        .map_err(|refusal| ImportFailure::File(refusal.to_string()))?;
    let today = state.today(m.zone());
    let mut c = state.db.conn().await?;
    let thresholds = results::thresholds(&mut c, m.id).await?;
    let mine = my_teachers(&mut c, me).await?;
    let members = results::memberships(&mut c, a.id).await?;
    drop(c);
    let mut problems: Vec<ExamImportProblem> = sheet
        .problems
        .iter()
        .map(|p| ExamImportProblem { row: p.row, column: p.column.clone(), message: p.message.clone() })
        .collect();
    let mut forbidden = false;
    let mut checked = vec![];
    for row in &sheet.rows {
        let mut here: Vec<ExamImportProblem> = vec![];
        let n = row.row;
        let say = |here: &mut Vec<ExamImportProblem>, column: &str, message: String| {
            here.push(ExamImportProblem { row: n, column: column.to_owned(), message })
        };
        let day = metoda_domain::values::date("on", "Дата", &row.on).ok().map(metoda_domain::values::iso_date);
        let words = results::name_words(&row.teacher);
        let named: Vec<&results::Membership> = members.iter().filter(|x| x.is_named(&words)).collect();
        let mut ids: Vec<i64> = named.iter().map(|x| x.teacher_id).collect();
        ids.dedup();
        let mut teacher_id = None;
        if row.teacher.is_empty() {
            say(&mut here, "Учитель", "укажите ФИО учителя".into());
        } else if ids.is_empty() {
            say(&mut here, "Учитель", format!("«{}» не найден(а) среди членов объединения «{}»", row.teacher, a.name));
        } else if let Some(day) = &day {
            let mut on_day: Vec<&&results::Membership> = named.iter().filter(|x| x.member_on(day)).collect();
            on_day.dedup_by_key(|x| x.teacher_id);
            match on_day.as_slice() {
                [] => say(
                    &mut here,
                    "Учитель",
                    format!(
                        "«{}» не состоял(а) в объединении на дату экзамена; указывайте только членов объединения на \
                         дату результата",
                        row.teacher
                    ),
                ),
                [one] if one.archived_at.is_some() => {
                    say(&mut here, "Учитель", format!("запись педагога «{}» в архиве банка данных", one.full_name()))
                }
                [one] => teacher_id = Some(one.teacher_id),
                _ => say(
                    &mut here,
                    "Учитель",
                    format!(
                        "в объединении несколько педагогов «{}» — укажите фамилию, имя и отчество полностью",
                        row.teacher
                    ),
                ),
            }
        }
        if let Some(t) = teacher_id
            && !any
            && !mine.contains(&t)
        {
            forbidden = true;
            let message = "вы можете загружать только свои результаты; баллы коллег вносят руководитель объединения \
                           или его заместитель";
            say(&mut here, "Учитель", message.into());
        }
        let input = ExamScoreInput {
            teacher_id: Some(teacher_id.unwrap_or(0)),
            subject: row.subject.clone(),
            score: row.score.clone(),
            student_code: row.student_code.clone(),
            on: row.on.clone(),
        };
        match input.parse(today, &thresholds) {
            Ok(d) if here.is_empty() => checked.push(d),
            Ok(_) => {}
            Err(errs) => {
                for e in errs {
                    let column = exam_column(&e.field);
                    if e.field == "teacher_id"
                        || problems
                            .iter()
                            .any(|p| p.row == n && p.column.to_lowercase().starts_with(&column.to_lowercase()))
                    {
                        continue;
                    }
                    let message = if e.field == "subject" && !row.subject.is_empty() {
                        format!("«{}» — такого предмета ЕГЭ нет в таблице порогов муниципалитета", row.subject)
                    } else {
                        e.message.split_once(": ").map_or(e.message.clone(), |(_, rest)| rest.to_owned())
                    };
                    say(&mut here, column, message);
                }
            }
        }
        problems.extend(here);
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.row);
        let mut rows: Vec<usize> = problems.iter().map(|p| p.row).collect();
        rows.dedup();
        return Err(ImportFailure::Rows { bad_rows: rows.len(), problems, forbidden });
    }
    let mut tx = state.db.begin().await?;
    // A score already recorded (same teacher, subject, date, score and student code) is not
    // recorded again: a file loaded twice, or a list extended and loaded again, adds only what is
    // new. Identical rows count as many times as they occur (two students without codes may have
    // the same score).
    let mut known: std::collections::HashMap<(i64, String, String, i64, String), usize> = Default::default();
    if let (Some(from), Some(to)) = (checked.iter().map(|d| d.on).min(), checked.iter().map(|d| d.on).max()) {
        for key in results::exam_keys(&mut tx, m.id, from, to).await? {
            *known.entry(key).or_default() += 1;
        }
    }
    let mut out = Vec::with_capacity(checked.len());
    let mut skipped = 0;
    for d in &checked {
        let key = (
            d.teacher_id,
            d.subject.clone(),
            metoda_domain::values::iso_date(d.on),
            i64::from(d.score),
            d.student_code.clone().unwrap_or_default(),
        );
        if let Some(n) = known.get_mut(&key).filter(|n| **n > 0) {
            *n -= 1;
            skipped += 1;
            continue;
        }
        out.push(results::add_exam(&mut tx, &ctx.actor(), m.id, d).await?);
    }
    tx.commit().await?;
    Ok((out, skipped))
}

/// The file of an import form (the same reader as a scan's).
async fn read_file_field(mp: &mut axum::extract::Multipart) -> Result<Option<(String, Vec<u8>)>, AppError> {
    Ok(read_upload(mp).await?.map(|u| (u.name, u.bytes)))
}

#[derive(Template)]
#[template(path = "results_exam_import.html")]
struct ExamImportPage {
    l: Layout,
    a: Association,
    /// The whole file was refused.
    refusal: Option<String>,
    problems: Vec<ExamImportProblem>,
    bad_rows: usize,
    file_name: String,
}

/// May the user import ЕГЭ scores here (for anyone, or only their own)?
async fn importer(state: &AppState, me: &Current, aid: i64) -> Result<(Association, Municipality, bool), AppError> {
    let (a, m) = association(state, me, aid).await?;
    let any = me.may(Action::Create, &res(m.region_id, m.id, Some(a.id), false));
    if !a.is_active() || !(any || me.may(Action::Create, &res(m.region_id, m.id, Some(a.id), true))) {
        return Err(AppError::Forbidden);
    }
    Ok((a, m, any))
}

async fn exam_import_page(State(state): State<AppState>, Me(me, ctx): Me, Path(aid): Path<i64>) -> PageResult {
    let (a, _, _) = importer(&state, &me, aid).await?;
    render_status(
        StatusCode::OK,
        &ExamImportPage {
            l: Layout::new(&ctx, "Импорт результатов ЕГЭ из XLSX", "/associations"),
            a,
            refusal: None,
            problems: vec![],
            bad_rows: 0,
            file_name: String::new(),
        },
    )
}

async fn exam_import_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(aid): Path<i64>,
    mut mp: axum::extract::Multipart,
) -> PageResult {
    let file = read_file_field(&mut mp).await?;
    let file_name = file.as_ref().map(|(n, _)| n.clone()).unwrap_or_default();
    let (status, refusal, problems, bad_rows) = match import_exam(&state, &me, &ctx, aid, file).await {
        Ok((list, skipped)) => {
            let year = year_or_today(&state, &me, list.first().and_then(|r| i32::try_from(r.year).ok())).await?;
            let already = if skipped > 0 {
                format!("; уже были внесены раньше и пропущены: {skipped}")
            } else {
                String::new()
            };
            let message = if list.is_empty() {
                format!("Новых баллов ЕГЭ в файле нет{already}")
            } else {
                format!(
                    "Загружено баллов ЕГЭ: {}{already}; они ожидают подтверждения — приложите сканы подтверждающих документов",
                    list.len()
                )
            };
            return Ok(redirect_with(&format!("/associations/{aid}/results?year={year}"), &message, &ctx));
        }
        Err(ImportFailure::App(e)) => return Err(e),
        Err(ImportFailure::File(m)) => (StatusCode::UNPROCESSABLE_ENTITY, Some(m), vec![], 0),
        Err(ImportFailure::Rows { problems, bad_rows, forbidden }) => {
            let status = if forbidden { StatusCode::FORBIDDEN } else { StatusCode::UNPROCESSABLE_ENTITY };
            (status, None, problems, bad_rows)
        }
    };
    let (a, _) = association(&state, &me, aid).await?;
    render_status(
        status,
        &ExamImportPage {
            l: Layout::new(&ctx, "Импорт результатов ЕГЭ из XLSX", "/associations"),
            a,
            refusal,
            problems,
            bad_rows,
            file_name,
        },
    )
}

/// The template: the header row, and lists of the members (only oneself for a teacher) and subjects.
async fn exam_template(
    State(state): State<AppState>,
    Me(me, _): Me,
    Path(aid): Path<i64>,
) -> Result<Response, AppError> {
    let (a, m, any) = importer(&state, &me, aid).await?;
    let mut c = state.db.conn().await?;
    let mine = my_teachers(&mut c, &me).await?;
    let teachers: Vec<String> = associations::members(&mut c, a.id, None)
        .await?
        .into_iter()
        .filter(|x| any || mine.contains(&x.teacher_id))
        .map(|x| x.full_name)
        .collect();
    let subjects: Vec<String> = results::thresholds(&mut c, m.id).await?.into_iter().map(|t| t.label).collect();
    let bytes = metoda_docs::import::exam::exam_template_xlsx(&teachers, &subjects).map_err(AppError::internal)?;
    Ok(crate::pages::download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ege-template.xlsx",
    ))
}

/// What an import wrote.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ExamImported {
    pub created: usize,
    /// Rows already recorded (same teacher, subject, date, score and student code), not recorded again.
    pub skipped: usize,
    /// The new scores, pending a curator's decision.
    pub results: Vec<ResultRecord>,
}

/// The refusal of an import with its rows: the error envelope plus every bad row.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ExamImportErrorBody {
    pub error: crate::error::ErrorDetail,
    pub rows: Vec<ExamImportProblem>,
}

/// Import ЕГЭ scores from an XLSX or CSV file: multipart with `file`; columns «Учитель» (full
/// name of a member on the exam date), «Предмет», «Балл», «Дата», optional «Код ученика». All
/// rows are written or none: a bad row refuses the file (422, or 403 when a row names a teacher
/// the user may not enter results for), listing every bad row.
#[utoipa::path(post, path = "/api/v1/associations/{id}/results/exam/import", tag = "results", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", content = Object),
    responses((status = 200, body = ExamImported), (status = 403, body = ExamImportErrorBody), (status = 422, body = ExamImportErrorBody)))]
pub async fn api_import_exam(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(aid): Path<i64>,
    mut mp: axum::extract::Multipart,
) -> Response {
    use axum::response::IntoResponse;
    let file = match read_file_field(&mut mp).await {
        Ok(f) => f,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let detail = |code: &str, message: String, fields: Vec<crate::error::FieldErrorBody>| crate::error::ErrorDetail {
        code: code.into(),
        message,
        fields,
    };
    match import_exam(&state, &me, &ctx, aid, file).await {
        Ok((list, skipped)) => Json(ExamImported { created: list.len(), skipped, results: list }).into_response(),
        Err(ImportFailure::App(e)) => crate::error::ApiError(e).into_response(),
        Err(ImportFailure::File(message)) => {
            let fields = vec![crate::error::FieldErrorBody { field: "file".into(), message: message.clone() }];
            let body = ExamImportErrorBody { error: detail("validation", message, fields), rows: vec![] };
            (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
        }
        Err(ImportFailure::Rows { problems, bad_rows, forbidden }) => {
            let fields = problems
                .iter()
                .map(|p| crate::error::FieldErrorBody {
                    field: format!("row {}", p.row),
                    message: format!("Строка {}, «{}»: {}", p.row, p.column, p.message),
                })
                .collect();
            let (status, code) = if forbidden {
                (StatusCode::FORBIDDEN, "forbidden")
            } else {
                (StatusCode::UNPROCESSABLE_ENTITY, "validation")
            };
            let message = format!(
                "Ошибки в строках файла: {bad_rows}. Ничего не загружено — исправьте файл и загрузите его снова"
            );
            let body = ExamImportErrorBody { error: detail(code, message, fields), rows: problems };
            (status, Json(body)).into_response()
        }
    }
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct MunicipalityQuery {
    /// The municipality (default: the user's own, when there is one).
    pub municipality_id: Option<i64>,
}

#[derive(Template)]
#[template(path = "results_pending.html")]
struct PendingPage {
    l: Layout,
    m: Option<Municipality>,
    items: Vec<ResultItem>,
    /// Municipalities to choose from (when none was given).
    choices: Vec<Municipality>,
    can_keep: bool,
}

/// The municipality of the queue: the one asked for, else the user's only curated one.
async fn queue_municipality(
    state: &AppState,
    me: &Current,
    asked: Option<i64>,
) -> Result<Result<i64, Vec<Municipality>>, AppError> {
    if let Some(m) = asked {
        return Ok(Ok(m));
    }
    let mut c = state.db.conn().await?;
    let all: Vec<Municipality> = municipalities::list(&mut c, None, false)
        .await?
        .into_iter()
        .filter(|m| me.may(Action::View, &decision_res(m, false)))
        .collect();
    Ok(match all.as_slice() {
        [one] => Ok(one.id),
        _ => Err(all),
    })
}

async fn pending_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    asked: Option<i64>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let (m, items, choices) = match queue_municipality(state, me, asked).await? {
        Ok(id) => {
            let (m, items) = pending(state, me, id).await?;
            (Some(m), items, vec![])
        }
        Err(choices) => {
            if choices.is_empty() {
                return Err(AppError::Forbidden);
            }
            (None, vec![], choices)
        }
    };
    let can_keep = m.as_ref().is_some_and(|m| {
        me.may(
            Action::Update,
            &Resource::AnalysisDecision { region_id: m.region_id, municipality_id: m.id, to_region: false },
        )
    });
    let zone = match &m {
        Some(m) => m.zone(),
        None => crate::features::user_zone(&mut *state.db.conn().await?, me).await?,
    };
    let page = PendingPage {
        l: Layout::new(ctx, "Подтверждение результатов", "/results/pending").with_errors(errors).with_zone(zone),
        m,
        items,
        choices,
        can_keep,
    };
    render_status(status, &page)
}

async fn pending_page(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Query(q): Query<MunicipalityQuery>,
) -> PageResult {
    pending_with(&state, &me, &ctx, q.municipality_id, vec![], StatusCode::OK).await
}

#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct DecisionInput {
    /// Optional when confirming; the reason when rejecting.
    pub comment: String,
}

async fn decided(state: &AppState, me: &Current, ctx: &Ctx, id: i64, confirm: bool, comment: &str) -> PageResult {
    let municipality_id = {
        let mut c = state.db.conn().await?;
        results::get(&mut c, id).await?.municipality_id
    };
    match decide(state, me, ctx, id, confirm, comment).await {
        Ok(_) => Ok(redirect_with(
            &format!("/results/pending?municipality_id={municipality_id}"),
            if confirm {
                "Результат подтверждён"
            } else {
                "Результат отклонён; педагоги увидят причину"
            },
            ctx,
        )),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (status, errors) = form_errors(e);
            pending_with(state, me, ctx, Some(municipality_id), errors, status).await
        }
        Err(e) => Err(e),
    }
}

async fn confirm_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<i64>,
    Form(f): Form<DecisionInput>,
) -> PageResult {
    decided(&state, &me, &ctx, id, true, &f.comment).await
}

async fn reject_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<i64>,
    Form(f): Form<DecisionInput>,
) -> PageResult {
    decided(&state, &me, &ctx, id, false, &f.comment).await
}

/// Downloads a result's scan (who may see the result may see its scans).
async fn scan_download(
    State(state): State<AppState>,
    Me(me, _): Me,
    Path((id, sid)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let mut c = state.db.conn().await?;
    let r = results::get(&mut c, id).await?;
    let m = municipalities::get(&mut c, r.municipality_id).await?;
    // A scan shows the student's name: only those who may see names, and the curators.
    let allowed = may_teachers(&mut c, &me, &m, Action::ViewPersonal, &r.teacher_ids(), Some(&r.result_on), false)
        .await?
        || me.may(Action::View, &decision_res(&m, false));
    if r.archived_at.is_some() {
        return Err(AppError::NotFound);
    }
    let a = attachments::get(&mut c, sid).await?;
    if !allowed || a.owner != results::OWNER || a.owner_id != id || a.archived_at.is_some() {
        return Err(AppError::NotFound);
    }
    let bytes = attachments::content(&mut c, sid).await?.ok_or(AppError::NotFound)?;
    let ct = a.content_type.as_deref().unwrap_or("application/octet-stream");
    let ext = match ct {
        "application/pdf" => "pdf",
        "image/png" => "png",
        _ => "jpg",
    };
    Ok(crate::pages::download(bytes, ct, &format!("scan-{id}-{sid}.{ext}")))
}

#[derive(Template)]
#[template(path = "results_thresholds.html")]
struct ThresholdsPage {
    l: Layout,
    m: Municipality,
    table: Vec<ExamThreshold>,
    can_edit: bool,
}

async fn thresholds_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: i64,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let m = municipality(state, me, id, Action::View).await?;
    let mut c = state.db.conn().await?;
    let table = results::thresholds(&mut c, m.id).await?;
    let can_edit = me.may(
        Action::Update,
        &Resource::AnalysisDecision { region_id: m.region_id, municipality_id: m.id, to_region: false },
    );
    let page = ThresholdsPage {
        l: Layout::new(ctx, format!("Пороги ЕГЭ: {}", m.name), "/results/pending").with_errors(errors),
        m,
        table,
        can_edit,
    };
    render_status(status, &page)
}

async fn thresholds_page(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<i64>) -> PageResult {
    thresholds_with(&state, &me, &ctx, id, vec![], StatusCode::OK).await
}

async fn threshold_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<i64>,
    Form(f): Form<ThresholdInput>,
) -> PageResult {
    match set_threshold(&state, &me, &ctx, id, &f).await {
        Ok(_) => Ok(redirect_with(&format!("/municipalities/{id}/exam-thresholds"), "Пороги ЕГЭ сохранены", &ctx)),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (status, errors) = form_errors(e);
            thresholds_with(&state, &me, &ctx, id, errors, status).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "results_non_objective.html")]
struct NonObjectivePage {
    l: Layout,
    m: Municipality,
    year: i32,
    years: Vec<i32>,
    entries: Vec<NonObjectiveEntry>,
    organizations: Vec<(i64, String)>,
    subjects: &'static [(&'static str, &'static str)],
    can_edit: bool,
}

async fn non_objective_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: i64,
    year: i32,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let m = municipality(state, me, id, Action::View).await?;
    let mut c = state.db.conn().await?;
    let entries = results::non_objective(&mut c, m.id, i64::from(year)).await?;
    let can_edit = me.may(
        Action::Update,
        &Resource::AnalysisDecision { region_id: m.region_id, municipality_id: m.id, to_region: false },
    );
    let organizations = if can_edit {
        metoda_store::organizations::list(
            &mut c,
            &metoda_store::organizations::Filter { municipality_id: Some(m.id), ..Default::default() },
        )
        .await?
        .into_iter()
        .map(|o| (o.id, o.short_name))
        .collect()
    } else {
        vec![]
    };
    let now = AcademicYear::containing(state.today(m.zone())).0;
    let page = NonObjectivePage {
        l: Layout::new(ctx, format!("ОО с признаками необъективных результатов: {}", m.name), "/results/pending")
            .with_errors(errors),
        m,
        year,
        years: (now - 4..=now + 1).rev().collect(),
        entries,
        organizations,
        subjects: NON_OBJECTIVE_SUBJECTS,
        can_edit,
    };
    render_status(status, &page)
}

async fn non_objective_page(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let year = year_or_today(&state, &me, q.year).await?;
    non_objective_with(&state, &me, &ctx, id, year, vec![], StatusCode::OK).await
}

async fn non_objective_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> PageResult {
    let p = pairs(&body)?;
    let input = NonObjectiveInput {
        organization_id: opt_id(field(&p, "organization_id")),
        year: field(&p, "year").into(),
        subject: field(&p, "subject").into(),
    };
    let year = year_or_today(&state, &me, AcademicYear::parse(&input.year).map(|y| y.0)).await?;
    match add_non_objective(&state, &me, &ctx, id, &input).await {
        Ok(_) => Ok(redirect_with(
            &format!("/municipalities/{id}/non-objective?year={year}"),
            "Организация внесена в список",
            &ctx,
        )),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (status, errors) = form_errors(e);
            non_objective_with(&state, &me, &ctx, id, year, errors, status).await
        }
        Err(e) => Err(e),
    }
}

async fn non_objective_remove_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, eid)): Path<(i64, i64)>,
    Query(q): Query<YearQuery>,
) -> PageResult {
    remove_non_objective(&state, &me, &ctx, id, eid).await?;
    let year = year_or_today(&state, &me, q.year).await?;
    Ok(redirect_with(
        &format!("/municipalities/{id}/non-objective?year={year}"),
        "Организация исключена из списка",
        &ctx,
    ))
}

// ---- API ----

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ApiYearQuery {
    /// The academic year by its first calendar year (2025 for 2025/2026); default: the current one.
    pub year: Option<i32>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ResultList {
    pub year: i32,
    /// The live results of the members in the year, by kind and date; a student's name only for
    /// those who may see it.
    pub results: Vec<ResultItem>,
}

/// The results of an association's members in an academic year, with their scans.
#[utoipa::path(get, path = "/api/v1/associations/{id}/results", tag = "results", params(("id" = i64, Path), ApiYearQuery),
    responses((status = 200, body = ResultList), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(aid): Path<i64>,
    Query(q): Query<ApiYearQuery>,
) -> ApiResult<ResultList> {
    let (a, m) = association(&state, &me, aid).await?;
    let year = year_or_now(q.year, state.today(m.zone()));
    Ok(Json(ResultList { year, results: for_association(&state, &me, &a, &m, year).await? }))
}

/// Record a student's result (olympiad, ВсОШ stage, contest, competition, conference).
#[utoipa::path(post, path = "/api/v1/associations/{id}/results/student", tag = "results", params(("id" = i64, Path)), request_body = StudentResultInput,
    responses((status = 200, body = ResultRecord), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_add_student(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(aid): Path<i64>,
    body: JsonIn<StudentResultInput>,
) -> ApiResult<ResultRecord> {
    Ok(Json(add(&state, &me, &ctx, aid, &NewResult::Student(json_body(body)?)).await?))
}

/// Record an ЕГЭ score of a teacher's student.
#[utoipa::path(post, path = "/api/v1/associations/{id}/results/exam", tag = "results", params(("id" = i64, Path)), request_body = ExamScoreInput,
    responses((status = 200, body = ResultRecord), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_add_exam(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(aid): Path<i64>,
    body: JsonIn<ExamScoreInput>,
) -> ApiResult<ResultRecord> {
    Ok(Json(add(&state, &me, &ctx, aid, &NewResult::Exam(json_body(body)?)).await?))
}

/// Record a teacher's own result (competition, presentation, publication, КИМ, organised event, profile teaching).
#[utoipa::path(post, path = "/api/v1/associations/{id}/results/teacher", tag = "results", params(("id" = i64, Path)), request_body = TeacherResultInput,
    responses((status = 200, body = ResultRecord), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_add_teacher(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(aid): Path<i64>,
    body: JsonIn<TeacherResultInput>,
) -> ApiResult<ResultRecord> {
    Ok(Json(add(&state, &me, &ctx, aid, &NewResult::Teacher(json_body(body)?)).await?))
}

/// The body of `PUT /results/{id}`: the fields of the result's kind (as when it was added) and,
/// for a result the curator has confirmed, the `reason` of the change. Only a schema: the handler
/// reads the kind from the stored result.
pub struct ResultUpdate;

impl utoipa::PartialSchema for ResultUpdate {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, Type};
        use utoipa::openapi::{AllOfBuilder, Ref};
        let kind = AnyOfBuilder::new()
            .item(Ref::from_schema_name("StudentResultInput"))
            .item(Ref::from_schema_name("ExamScoreInput"))
            .item(Ref::from_schema_name("TeacherResultInput"))
            .description(Some("The fields of the result's kind: student, exam or teacher"));
        let reason = ObjectBuilder::new().property(
            "reason",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some("Required to change a result the curator has confirmed; kept in the audit trail")),
        );
        AllOfBuilder::new().item(kind).item(reason).into()
    }
}

impl utoipa::ToSchema for ResultUpdate {
    fn schemas(schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>) {
        use utoipa::PartialSchema;
        schemas.push(("StudentResultInput".into(), StudentResultInput::schema()));
        schemas.push(("ExamScoreInput".into(), ExamScoreInput::schema()));
        schemas.push(("TeacherResultInput".into(), TeacherResultInput::schema()));
    }
}

/// Rewrite a result (the body of its kind, as when added); it waits for a curator again. A result
/// the curator has confirmed is changed only by the association's head or deputy or the
/// authority, with a `reason` in the body.
#[utoipa::path(put, path = "/api/v1/results/{id}", tag = "results", params(("id" = i64, Path)), request_body = ResultUpdate,
    responses((status = 200, body = ResultRecord), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_update(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<i64>,
    body: JsonIn<serde_json::Value>,
) -> ApiResult<ResultRecord> {
    let family = {
        let mut c = state.db.conn().await?;
        results::get(&mut c, id).await?.family
    };
    let body = json_body(body)?;
    let reason = body.get("reason").and_then(serde_json::Value::as_str).map(str::to_owned);
    let version = body.get("version").and_then(serde_json::Value::as_i64);
    let input = input_of(&family, body)?;
    Ok(Json(update(&state, &me, &ctx, id, &input, reason.as_deref(), version).await?))
}

/// Remove a result (kept archived for the audit trail, counted nowhere). A result the curator has
/// confirmed is removed only by the association's head or deputy or the authority, with `reason`.
#[utoipa::path(delete, path = "/api/v1/results/{id}", tag = "results", params(("id" = i64, Path), ReasonForm),
    responses((status = 200, body = ResultRecord), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_archive(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<i64>,
    Query(q): Query<ReasonForm>,
) -> ApiResult<ResultRecord> {
    Ok(Json(archive(&state, &me, &ctx, id, q.reason.as_deref(), q.version).await?))
}

/// Attach the scan of the confirming document: multipart with `file` (PDF, JPEG or PNG, by content) and an optional `title`.
#[utoipa::path(post, path = "/api/v1/results/{id}/scans", tag = "results", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", content = Object),
    responses((status = 200, body = Attachment), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_scan(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<i64>,
    mut mp: axum::extract::Multipart,
) -> ApiResult<Attachment> {
    let upload = read_upload(&mut mp).await?;
    Ok(Json(attach(&state, &me, &ctx, id, upload).await?))
}

/// Confirm a result (a curator; it needs a scan; the comment is optional).
#[utoipa::path(post, path = "/api/v1/results/{id}/confirm", tag = "results", params(("id" = i64, Path)), request_body = DecisionInput,
    responses((status = 200, body = ResultRecord), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_confirm(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<i64>,
    body: JsonIn<DecisionInput>,
) -> ApiResult<ResultRecord> {
    Ok(Json(decide(&state, &me, &ctx, id, true, &json_body(body)?.comment).await?))
}

/// Reject a result (a curator; the comment says why).
#[utoipa::path(post, path = "/api/v1/results/{id}/reject", tag = "results", params(("id" = i64, Path)), request_body = DecisionInput,
    responses((status = 200, body = ResultRecord), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_reject(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<i64>,
    body: JsonIn<DecisionInput>,
) -> ApiResult<ResultRecord> {
    Ok(Json(decide(&state, &me, &ctx, id, false, &json_body(body)?.comment).await?))
}

/// The results of a municipality waiting for a curator, oldest first, with their scans.
#[utoipa::path(get, path = "/api/v1/results/pending", tag = "results", params(MunicipalityQuery),
    responses((status = 200, body = Vec<ResultItem>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_pending(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Query(q): Query<MunicipalityQuery>,
) -> ApiResult<Vec<ResultItem>> {
    let id = match queue_municipality(&state, &me, q.municipality_id).await? {
        Ok(id) => id,
        Err(_) => {
            return Err(AppError::Validation(vec![FieldError::new(
                "municipality_id",
                "Муниципалитет: укажите municipality_id",
            )])
            .into());
        }
    };
    Ok(Json(pending(&state, &me, id).await?.1))
}

/// The municipality's ЕГЭ table: subjects with the minimum and the high score.
#[utoipa::path(get, path = "/api/v1/municipalities/{id}/exam-thresholds", tag = "results", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ExamThreshold>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_thresholds(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(id): Path<i64>,
) -> ApiResult<Vec<ExamThreshold>> {
    let m = municipality(&state, &me, id, Action::View).await?;
    let mut c = state.db.conn().await?;
    Ok(Json(results::thresholds(&mut c, m.id).await?))
}

/// Set a subject's thresholds (`{"subject", "minimum", "high"}`; the preset values remove the override).
#[utoipa::path(put, path = "/api/v1/municipalities/{id}/exam-thresholds", tag = "results", params(("id" = i64, Path)), request_body = ThresholdInput,
    responses((status = 200, body = Vec<ExamThreshold>), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_set_threshold(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<i64>,
    body: JsonIn<ThresholdInput>,
) -> ApiResult<Vec<ExamThreshold>> {
    Ok(Json(set_threshold(&state, &me, &ctx, id, &json_body(body)?).await?))
}

/// The organizations with signs of non-objective results of an academic year.
#[utoipa::path(get, path = "/api/v1/municipalities/{id}/non-objective", tag = "results", params(("id" = i64, Path), ApiYearQuery),
    responses((status = 200, body = Vec<NonObjectiveEntry>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_non_objective(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(id): Path<i64>,
    Query(q): Query<ApiYearQuery>,
) -> ApiResult<Vec<NonObjectiveEntry>> {
    let m = municipality(&state, &me, id, Action::View).await?;
    let mut c = state.db.conn().await?;
    let year = year_or_now(q.year, state.today(m.zone()));
    Ok(Json(results::non_objective(&mut c, m.id, i64::from(year)).await?))
}

/// Put an organization on the list (`{"organization_id", "year": "2025/2026", "subject": "mathematics" | "russian"}`).
#[utoipa::path(post, path = "/api/v1/municipalities/{id}/non-objective", tag = "results", params(("id" = i64, Path)), request_body = NonObjectiveInput,
    responses((status = 200, body = NonObjectiveEntry), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_add_non_objective(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<i64>,
    body: JsonIn<NonObjectiveInput>,
) -> ApiResult<NonObjectiveEntry> {
    Ok(Json(add_non_objective(&state, &me, &ctx, id, &json_body(body)?).await?))
}

/// Take an organization off the list.
#[utoipa::path(delete, path = "/api/v1/municipalities/{id}/non-objective/{eid}", tag = "results", params(("id" = i64, Path), ("eid" = i64, Path)),
    responses((status = 200, body = Object), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_remove_non_objective(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path((id, eid)): Path<(i64, i64)>,
) -> ApiResult<serde_json::Value> {
    remove_non_objective(&state, &me, &ctx, id, eid).await?;
    Ok(Json(serde_json::json!({"removed": eid})))
}
