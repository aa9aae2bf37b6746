//! Entering, editing, removing and listing results: the operations, the association's results
//! page, the edit page and their API.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use metoda_domain::FieldError;
use metoda_domain::access::{self, Action, Resource, is_own_result};
use metoda_domain::ids::{AssociationId, ResultId, TeacherId, plain_choices, typed};
use metoda_domain::results::{
    ExamScoreInput, ExamThreshold, Format, Level, OlympiadStage, Placement, PresentationForm, ResultFamily, ResultKind,
    StudentEvent, StudentResultInput, TeacherResultInput, TeacherResultKind,
};
use metoda_domain::teachers::AcademicYear;
use metoda_domain::values::iso_date;
use metoda_store::Conn;
use metoda_store::associations::{self, Association};
use metoda_store::attachments::{Attachment, Content};
use metoda_store::municipalities::Municipality;
use metoda_store::results::{self, ResultRecord};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{ApiMe, Ctx, Current, Me, require};
use crate::error::{ApiResult, AppError, JsonIn, PageResult, json_body};
use crate::extract::{Form, Path, Query};
use crate::features::analysis::year_or_now;
use crate::features::municipalities::form_errors;
use crate::pages::{Choice, Layout, choices, field, pairs, redirect_with, render_status};

use super::{
    ApiYearQuery, Listed, Upload, YearQuery, association, associations_of, decision_res, ids, items, load,
    may_teachers, memberships_on, my_teachers, opt_id, read_upload, res, result_at, views, year_or_today,
};

// ---- operations (page and API) ----

/// What is added: one of the three kinds, as typed.
pub enum NewResult {
    Student(StudentResultInput),
    Exam(ExamScoreInput),
    Teacher(TeacherResultInput),
}

impl NewResult {
    fn family(&self) -> ResultFamily {
        match self {
            Self::Student(_) => ResultFamily::Student,
            Self::Exam(_) => ResultFamily::Exam,
            Self::Teacher(_) => ResultFamily::Teacher,
        }
    }
    fn teacher_ids(&self) -> Vec<TeacherId> {
        match self {
            Self::Student(i) => typed(i.teacher_ids.iter().copied()),
            Self::Exam(i) => typed(i.teacher_id),
            Self::Teacher(i) => typed(i.teacher_ids.iter().copied()),
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
/// result's date: loads their memberships on that date for [`access::only_members_of`].
async fn members_only(
    c: &mut Conn,
    aid: AssociationId,
    teacher_ids: &[TeacherId],
    on: time::Date,
    field: &str,
) -> Result<(), AppError> {
    let teachers = memberships_on(c, teacher_ids, Some(on)).await?;
    if access::only_members_of(aid, &teachers) { Ok(()) } else { Err(not_members(field, on)) }
}

/// A rewritten result keeps the rule of [`members_only`]: loads the memberships of its (new)
/// teachers on its (new) date for [`access::in_one_association`].
async fn one_association(
    c: &mut Conn,
    me: &Current,
    m: &Municipality,
    teacher_ids: &[TeacherId],
    on: time::Date,
    field: &str,
) -> Result<(), AppError> {
    let teachers = memberships_on(c, teacher_ids, Some(on)).await?;
    let at = result_at(c, me, m, teacher_ids, false).await?;
    if access::in_one_association(&me.principal, at, &teachers) { Ok(()) } else { Err(not_members(field, on)) }
}

async fn add(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    aid: AssociationId,
    input: &NewResult,
) -> Result<ResultRecord, AppError> {
    let (a, m) = association(state, me, aid).await?;
    let mut c = state.db.conn().await?;
    let ids = input.teacher_ids();
    let mine = my_teachers(&mut c, me).await?;
    let own = is_own_result(&mine, &ids);
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
            members_only(&mut tx, a.id, &typed(d.teacher_ids.iter().copied()), d.on, "teacher_ids").await?;
            results::add_student(&mut tx, &ctx.actor(), m.id, &d).await?
        }
        NewResult::Exam(i) => {
            let d = i.parse(state.today(m.zone()), &thresholds).map_err(AppError::Validation)?;
            members_only(&mut tx, a.id, &[TeacherId(d.teacher_id)], d.on, "teacher_id").await?;
            results::add_exam(&mut tx, &ctx.actor(), m.id, &d).await?
        }
        NewResult::Teacher(i) => {
            let d = i.parse(state.today(m.zone())).map_err(AppError::Validation)?;
            members_only(&mut tx, a.id, &typed(d.teacher_ids.iter().copied()), d.on, "teacher_ids").await?;
            results::add_teacher_result(&mut tx, &ctx.actor(), m.id, &d).await?
        }
    };
    tx.commit().await?;
    Ok(r)
}

/// The API body of a result's family (as when added).
fn input_of(family: ResultFamily, body: serde_json::Value) -> Result<NewResult, AppError> {
    let bad = |_| AppError::BadRequest("Не удалось прочитать данные результата".into());
    Ok(match family {
        ResultFamily::Student => NewResult::Student(serde_json::from_value(body).map_err(bad)?),
        ResultFamily::Exam => NewResult::Exam(serde_json::from_value(body).map_err(bad)?),
        ResultFamily::Teacher => NewResult::Teacher(serde_json::from_value(body).map_err(bad)?),
    })
}

/// Rewrites a result of its kind (the input of its family); it goes back to pending.
async fn update(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: ResultId,
    input: &NewResult,
    reason: Option<&str>,
    version: Option<i64>,
) -> Result<ResultRecord, AppError> {
    let (old, m) = load(state, me, id, Action::Update).await?;
    if old.family() != input.family() {
        return Err(AppError::Conflict("Это результат другого вида".into()));
    }
    let mut c = state.db.conn().await?;
    // The new teachers too: nobody moves a result to teachers they may not enter results for.
    if !may_teachers(&mut c, me, &m, Action::Update, &input.teacher_ids(), None, false).await? {
        return Err(AppError::Forbidden);
    }
    // Whether the user may change it were it confirmed: the store checks again under the lock.
    let confirmed_ok =
        may_teachers(&mut c, me, &m, Action::Update, &old.teacher_ids(), Some(old.result_on), true).await?;
    let change = results::Change { confirmed_ok, reason, version };
    let thresholds = results::thresholds(&mut c, m.id).await?;
    drop(c);
    let mut tx = state.db.begin().await?;
    let r = match input {
        NewResult::Student(i) => {
            let d = i.parse(state.today(m.zone())).map_err(AppError::Validation)?;
            one_association(&mut tx, me, &m, &typed(d.teacher_ids.iter().copied()), d.on, "teacher_ids").await?;
            results::update_student(&mut tx, &ctx.actor(), &old, &d, change).await?
        }
        NewResult::Exam(i) => {
            let d = i.parse(state.today(m.zone()), &thresholds).map_err(AppError::Validation)?;
            one_association(&mut tx, me, &m, &[TeacherId(d.teacher_id)], d.on, "teacher_id").await?;
            results::update_exam(&mut tx, &ctx.actor(), &old, &d, change).await?
        }
        NewResult::Teacher(i) => {
            let d = i.parse(state.today(m.zone())).map_err(AppError::Validation)?;
            one_association(&mut tx, me, &m, &typed(d.teacher_ids.iter().copied()), d.on, "teacher_ids").await?;
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
    id: ResultId,
    reason: Option<&str>,
    version: Option<i64>,
) -> Result<ResultRecord, AppError> {
    let (old, m) = load(state, me, id, Action::Archive).await?;
    let confirmed_ok = {
        let mut c = state.db.conn().await?;
        may_teachers(&mut c, me, &m, Action::Archive, &old.teacher_ids(), Some(old.result_on), true).await?
    };
    let mut tx = state.db.begin().await?;
    let r = results::archive(&mut tx, &ctx.actor(), &old, results::Change { confirmed_ok, reason, version }).await?;
    tx.commit().await?;
    Ok(r)
}

/// Attaches the confirming scan (PDF, JPEG or PNG, by content).
async fn attach(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: ResultId,
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
    Ok(a)
}

async fn for_association(
    state: &AppState,
    me: &Current,
    a: &Association,
    m: &Municipality,
    year: i32,
) -> Result<Vec<Listed>, AppError> {
    let mut c = state.db.conn().await?;
    let list = results::for_association(&mut c, a.id, i64::from(year)).await?;
    items(&mut c, me, m, Some(a.id), list).await
}

// ---- pages ----

#[derive(Template)]
#[template(path = "results.html")]
struct ListPage {
    l: Layout,
    a: Association,
    year: i32,
    years: Vec<i32>,
    student: Vec<Listed>,
    exam: Vec<Listed>,
    teacher: Vec<Listed>,
    /// Results may be added (for oneself at least).
    can_add: bool,
    /// The teachers results may be added for (members; only oneself for a teacher).
    members: Vec<(i64, String)>,
    organizations: Vec<(i64, String)>,
    subjects: Vec<ExamThreshold>,
    /// The results the user may edit (scan, archive).
    editable: Vec<ResultId>,
    /// The results whose scans the user may open.
    scans_open: Vec<ResultId>,
    /// The user's own results the curator has confirmed: locked for them.
    locked: Vec<ResultId>,
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
    /// A student's placements (laureates and finalists are professional competitions' only).
    fn student_placements(&self) -> &'static [Placement] {
        &[Placement::Winner, Placement::PrizeWinner, Placement::Participant]
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
    /// A level as a student's form offers it: the level that stores a ВсОШ stage says which
    /// stage when the olympiad names it otherwise (the final stage is stored as all-Russian).
    fn student_level_label(&self, level: &Level) -> String {
        match OlympiadStage::of_level(*level) {
            Some(stage @ OlympiadStage::Final) => format!("{} (ВсОШ — {} этап)", level.label_ru(), stage.label_ru()),
            _ => level.label_ru().to_owned(),
        }
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
    /// A field's error in the form that failed (the page's forms share field names).
    fn e(&self, form: &str, name: &str) -> Option<&str> {
        if self.posted.0 == form { self.l.err(name) } else { None }
    }
    /// Whether the removal of this result was refused.
    fn archive_refused(&self, id: &ResultId) -> bool {
        self.posted.0 == "archive" && field(&self.posted.1, "result") == id.to_string()
    }
    /// The reason typed in this result's removal form, when it was refused.
    fn archive_reason(&self, id: &ResultId) -> &str {
        if self.archive_refused(id) { field(&self.posted.1, "reason") } else { "" }
    }
    /// An error of this result's removal form.
    fn archive_err(&self, id: &ResultId) -> Option<&str> {
        if self.archive_refused(id) { self.l.err("reason") } else { None }
    }
    /// The teachers of a form's picker: those typed in the failed form chosen, the only one
    /// always.
    fn teacher_choices(&self, form: &str) -> Vec<Choice> {
        let only = self.members.len() == 1;
        choices(&self.members, |t| only || self.sel_id(form, "teacher_ids", &t))
    }
    fn can_edit(&self, id: &ResultId) -> bool {
        self.editable.contains(id)
    }
    fn opens_scans(&self, id: &ResultId) -> bool {
        self.scans_open.contains(id)
    }
    /// The user's own result, confirmed: locked for them.
    fn is_locked(&self, id: &ResultId) -> bool {
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
    aid: AssociationId,
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
    // a result is dated within the year shown: whoever was a member at some time in it
    let y = AcademicYear(year);
    let members: Vec<(i64, String)> = if can_add {
        associations::members_during(&mut c, a.id, &iso_date(y.start()), &iso_date(y.end()))
            .await?
            .into_iter()
            .filter(|x| can_add_any || mine.contains(&x.teacher_id))
            .map(|x| (x.teacher_id.get(), x.full_name))
            .collect()
    } else {
        vec![]
    };
    let organizations =
        if can_add { plain_choices(metoda_store::organizations::choices(&mut c, m.id).await?) } else { vec![] };
    let subjects = results::thresholds(&mut c, m.id).await?;
    let (mut editable, mut locked) = (vec![], vec![]);
    let can_curate = me.may(Action::Update, &decision_res(&m, false));
    // The scans show students' names: linked for those who may read names, and the curators.
    let mut scans_open = vec![];
    for i in &all {
        let what = Resource::Results {
            region_id: m.region_id,
            municipality_id: m.id,
            association_id: Some(a.id),
            own: is_own_result(&mine, &i.result.teacher_ids()),
            confirmed: i.result.is_confirmed(),
        };
        if can_curate || me.may(Action::ViewPersonal, &what) {
            scans_open.push(i.result.id);
        }
    }
    if a.is_active() {
        for i in &all {
            let own = is_own_result(&mine, &i.result.teacher_ids());
            let what = Resource::Results {
                region_id: m.region_id,
                municipality_id: m.id,
                association_id: Some(a.id),
                own,
                confirmed: i.result.is_confirmed(),
            };
            if me.may(Action::Update, &what) {
                editable.push(i.result.id);
            } else if own && i.result.is_confirmed() {
                locked.push(i.result.id);
            }
        }
    }
    drop(c);
    let (mut student, mut exam, mut teacher) = (vec![], vec![], vec![]);
    for i in all {
        match i.result.family() {
            ResultFamily::Student => student.push(i),
            ResultFamily::Exam => exam.push(i),
            ResultFamily::Teacher => teacher.push(i),
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
        scans_open,
        can_curate,
        posted,
        today: metoda_domain::values::iso_date(state.today(m.zone())),
    };
    render_status(status, &page)
}

pub(super) async fn list_page(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(aid): Path<AssociationId>,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let year = year_or_today(&state, &me, q.year).await?;
    list_with(&state, &me, &ctx, AssociationId(aid.get()), year, ("", vec![]), vec![], StatusCode::OK).await
}

/// After a page action: back to the association's results of the year, or the page with the errors.
#[allow(clippy::too_many_arguments)]
async fn done<T>(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    aid: AssociationId,
    year: i32,
    posted: (&'static str, Vec<(String, String)>),
    r: Result<T, AppError>,
    ok: &str,
) -> PageResult {
    match r {
        Ok(_) => Ok(redirect_with(&format!("/associations/{aid}/results?year={year}"), ok, ctx)),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            // A refusal of the whole act is told at the form that was sent.
            let at = match posted.0 {
                "archive" => "reason",
                "student" | "teacher" => "title",
                "exam" => "teacher_id",
                _ => "",
            };
            let (status, errors) = crate::pages::refused_at(e, at);
            list_with(state, me, ctx, aid, year, posted, errors, status).await
        }
        Err(e) => Err(e),
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

pub(super) async fn student_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(aid): Path<AssociationId>,
    body: axum::body::Bytes,
) -> PageResult {
    let p = pairs(&body)?;
    let input = student_input(&p);
    let year = year_of_date(&state, &me, &input.on).await?;
    let r = add(&state, &me, &ctx, AssociationId(aid.get()), &NewResult::Student(input)).await;
    done(
        &state,
        &me,
        &ctx,
        AssociationId(aid.get()),
        year,
        ("student", p),
        r,
        "Результат обучающегося записан; приложите скан подтверждающего документа",
    )
    .await
}

pub(super) async fn exam_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(aid): Path<AssociationId>,
    body: axum::body::Bytes,
) -> PageResult {
    let p = pairs(&body)?;
    let input = exam_input(&p);
    let year = year_of_date(&state, &me, &input.on).await?;
    let r = add(&state, &me, &ctx, AssociationId(aid.get()), &NewResult::Exam(input)).await;
    done(
        &state,
        &me,
        &ctx,
        AssociationId(aid.get()),
        year,
        ("exam", p),
        r,
        "Балл ЕГЭ записан; приложите скан подтверждающего документа",
    )
    .await
}

pub(super) async fn teacher_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(aid): Path<AssociationId>,
    body: axum::body::Bytes,
) -> PageResult {
    let p = pairs(&body)?;
    let input = teacher_input(&p);
    let year = year_of_date(&state, &me, &input.on).await?;
    let r = add(&state, &me, &ctx, AssociationId(aid.get()), &NewResult::Teacher(input)).await;
    done(
        &state,
        &me,
        &ctx,
        AssociationId(aid.get()),
        year,
        ("teacher", p),
        r,
        "Результат педагога записан; приложите скан подтверждающего документа",
    )
    .await
}

/// The year of a result (to come back to its page).
async fn year_of_result(state: &AppState, me: &Current, id: ResultId) -> Result<i32, AppError> {
    let year = {
        let mut c = state.db.conn().await?;
        i32::try_from(results::get(&mut c, id).await?.year).ok()
    };
    year_or_today(state, me, year).await
}

pub(super) async fn scan_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((aid, rid)): Path<(AssociationId, ResultId)>,
    crate::extract::Multipart(mut mp): crate::extract::Multipart,
) -> PageResult {
    let year = year_of_result(&state, &me, rid).await?;
    let upload = read_upload(&mut mp).await?;
    let r = attach(&state, &me, &ctx, rid, upload).await;
    done(&state, &me, &ctx, AssociationId(aid.get()), year, ("", vec![]), r, "Скан подтверждающего документа приложен")
        .await
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

pub(super) async fn archive_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((aid, rid)): Path<(AssociationId, ResultId)>,
    Form(f): Form<ReasonForm>,
) -> PageResult {
    let year = year_of_result(&state, &me, rid).await?;
    let r = archive(&state, &me, &ctx, rid, f.reason.as_deref(), f.version).await;
    // A refused removal keeps its reason in the result's form.
    let posted = vec![("result".to_owned(), rid.to_string()), ("reason".to_owned(), f.reason.unwrap_or_default())];
    done(&state, &me, &ctx, AssociationId(aid.get()), year, ("archive", posted), r, "Результат удалён").await
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
    fn teacher_choices(&self) -> Vec<Choice> {
        choices(&self.members, |t| self.sel_id("teacher_ids", &t))
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
    let code = |c: &str| Some(c.to_owned());
    put("on", Some(iso_date(r.result_on)));
    put("title", r.title.clone());
    put("subject", r.subject.clone());
    put("level", r.level.and_then(|v| code(v.code())));
    put("placement", r.placement.and_then(|v| code(v.code())));
    put("format", r.format.and_then(|v| code(v.code())));
    put("student_code", r.student_code.clone());
    match r.kind {
        ResultKind::Student(event) => {
            put("event", code(event.code()));
            put("student_name", r.student_name.clone());
            put("grade", r.student_grade.clone());
            put("student_organization_id", r.student_organization_id.map(|v| v.to_string()));
        }
        ResultKind::Exam => {
            put("score", r.score.map(|v| v.to_string()));
            put("teacher_id", r.teachers.first().map(|t| t.teacher_id.to_string()));
        }
        ResultKind::Teacher(kind) => {
            put("kind", code(kind.code()));
            put("form", r.form.and_then(|v| code(v.code())));
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
    aid: AssociationId,
    rid: ResultId,
) -> Result<(Association, Municipality, ResultRecord), AppError> {
    let (a, _) = association(state, me, aid).await?;
    let (r, m) = load(state, me, rid, Action::Update).await?;
    let mut c = state.db.conn().await?;
    if r.municipality_id != a.municipality_id
        || !associations_of(&mut c, &r.teacher_ids(), Some(r.result_on)).await?.contains(&a.id)
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
    aid: AssociationId,
    rid: ResultId,
    posted: Option<Vec<(String, String)>>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let (a, m, r) = editable_result(state, me, aid, rid).await?;
    let mut c = state.db.conn().await?;
    let mine = my_teachers(&mut c, me).await?;
    let any = me.may(Action::Update, &res(m.region_id, m.id, Some(a.id), false));
    // the teachers a result may name: the members on its date (and those it names already)
    let on = iso_date(r.result_on);
    let mut members: Vec<(i64, String)> = associations::members(&mut c, a.id, Some(&on))
        .await?
        .into_iter()
        .filter(|x| any || mine.contains(&x.teacher_id))
        .map(|x| (x.teacher_id.get(), x.full_name))
        .collect();
    for t in &r.teachers {
        if !members.iter().any(|(id, _)| *id == t.teacher_id.get()) {
            members.push((t.teacher_id.get(), t.full_name.clone()));
        }
    }
    let organizations = plain_choices(metoda_store::organizations::choices(&mut c, m.id).await?);
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

pub(super) async fn edit_page(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((aid, rid)): Path<(AssociationId, ResultId)>,
) -> PageResult {
    edit_with(&state, &me, &ctx, aid, rid, None, vec![], StatusCode::OK).await
}

pub(super) async fn edit_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((aid, rid)): Path<(AssociationId, ResultId)>,
    body: axum::body::Bytes,
) -> PageResult {
    let p = pairs(&body)?;
    let (_, _, r) = editable_result(&state, &me, aid, rid).await?;
    let input = match r.family() {
        ResultFamily::Student => NewResult::Student(student_input(&p)),
        ResultFamily::Exam => NewResult::Exam(exam_input(&p)),
        ResultFamily::Teacher => NewResult::Teacher(teacher_input(&p)),
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

// ---- API ----

#[derive(Serialize, utoipa::ToSchema)]
pub struct ResultList {
    pub year: i32,
    /// The live results of the members in the year, by kind and date; a student's name only for
    /// those who may see it.
    pub results: Vec<views::ResultItem>,
}

/// The results of an association's members in an academic year, with their scans.
#[utoipa::path(get, path = "/api/v1/associations/{id}/results", tag = "results", params(("id" = i64, Path), ApiYearQuery),
    responses((status = 200, body = ResultList), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(aid): Path<AssociationId>,
    Query(q): Query<ApiYearQuery>,
) -> ApiResult<ResultList> {
    let (a, m) = association(&state, &me, aid).await?;
    let year = year_or_now(q.year, state.today(m.zone()));
    let results = for_association(&state, &me, &a, &m, year).await?;
    Ok(Json(ResultList { year, results: results.into_iter().map(views::ResultItem::from).collect() }))
}

/// Record a student's result (olympiad, ВсОШ stage, contest, competition, conference).
#[utoipa::path(post, path = "/api/v1/associations/{id}/results/student", tag = "results", params(("id" = i64, Path)), request_body = StudentResultInput,
    responses((status = 200, body = views::ResultRecord), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_add_student(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(aid): Path<AssociationId>,
    body: JsonIn<StudentResultInput>,
) -> ApiResult<views::ResultRecord> {
    Ok(Json(views::ResultRecord::from(
        &add(&state, &me, &ctx, AssociationId(aid.get()), &NewResult::Student(json_body(body)?)).await?,
    )))
}

/// Record an ЕГЭ score of a teacher's student.
#[utoipa::path(post, path = "/api/v1/associations/{id}/results/exam", tag = "results", params(("id" = i64, Path)), request_body = ExamScoreInput,
    responses((status = 200, body = views::ResultRecord), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_add_exam(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(aid): Path<AssociationId>,
    body: JsonIn<ExamScoreInput>,
) -> ApiResult<views::ResultRecord> {
    Ok(Json(views::ResultRecord::from(
        &add(&state, &me, &ctx, AssociationId(aid.get()), &NewResult::Exam(json_body(body)?)).await?,
    )))
}

/// Record a teacher's own result (competition, presentation, publication, КИМ, organised event, profile teaching).
#[utoipa::path(post, path = "/api/v1/associations/{id}/results/teacher", tag = "results", params(("id" = i64, Path)), request_body = TeacherResultInput,
    responses((status = 200, body = views::ResultRecord), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_add_teacher(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(aid): Path<AssociationId>,
    body: JsonIn<TeacherResultInput>,
) -> ApiResult<views::ResultRecord> {
    Ok(Json(views::ResultRecord::from(
        &add(&state, &me, &ctx, AssociationId(aid.get()), &NewResult::Teacher(json_body(body)?)).await?,
    )))
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
    responses((status = 200, body = views::ResultRecord), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_update(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<ResultId>,
    body: JsonIn<serde_json::Value>,
) -> ApiResult<views::ResultRecord> {
    let family = {
        let mut c = state.db.conn().await?;
        results::get(&mut c, id).await?.family()
    };
    let body = json_body(body)?;
    let reason = body.get("reason").and_then(serde_json::Value::as_str).map(str::to_owned);
    let version = body.get("version").and_then(serde_json::Value::as_i64);
    let input = input_of(family, body)?;
    Ok(Json(views::ResultRecord::from(&update(&state, &me, &ctx, id, &input, reason.as_deref(), version).await?)))
}

/// Remove a result (kept archived for the audit trail, counted nowhere). A result the curator has
/// confirmed is removed only by the association's head or deputy or the authority, with `reason`.
#[utoipa::path(delete, path = "/api/v1/results/{id}", tag = "results", params(("id" = i64, Path), ReasonForm),
    responses((status = 200, body = views::ResultRecord), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_archive(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<ResultId>,
    Query(q): Query<ReasonForm>,
) -> ApiResult<views::ResultRecord> {
    Ok(Json(views::ResultRecord::from(&archive(&state, &me, &ctx, id, q.reason.as_deref(), q.version).await?)))
}

/// Attach the scan of the confirming document: multipart with `file` (PDF, JPEG or PNG, by content) and an optional `title`.
#[utoipa::path(post, path = "/api/v1/results/{id}/scans", tag = "results", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", content = Object),
    responses((status = 200, body = crate::features::attachments::Attachment), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_scan(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<ResultId>,
    crate::extract::Multipart(mut mp): crate::extract::Multipart,
) -> ApiResult<crate::features::attachments::Attachment> {
    let upload = read_upload(&mut mp).await?;
    Ok(Json((&attach(&state, &me, &ctx, id, upload).await?).into()))
}
