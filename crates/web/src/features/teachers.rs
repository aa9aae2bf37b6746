//! The teacher data bank: the bank page (filters, composition counts and chart, sorting, paging),
//! the teacher card, and the API. Personal data (birth date, contacts, education, experience) is
//! shown only to those the access rule lets see it (152-ФЗ); everyone else sees name,
//! organization, position and category.

use metoda_domain::ids::{AssociationId, MunicipalityId, OrganizationId, TeacherId, plain_choices};
use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use metoda_domain::FieldError;
use metoda_domain::access::{Action, Resource, sees_personal_data_of_all_listed, teacher_scope};
use metoda_domain::teachers::{
    AGE_BANDS, Category, CategoryState, EXPERIENCE_BANDS, Education, TeacherInput, age_on, category_state,
    experience_label, experience_on,
};
use metoda_domain::values::{self, iso_date};
use metoda_store::Conn;
use metoda_store::associations::{self, AssociationRef};
use metoda_store::municipalities::{self, Municipality};
use metoda_store::organizations::{self, Organization};
use metoda_store::teachers::{self, Composition, Filter, Sort, Teacher};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::AppState;
use crate::auth::{ApiMe, Ctx, Current, Me};
use crate::error::{ApiResult, AppError, JsonIn, PageResult, json_body};
use crate::extract::{Form, Path, Query};
use crate::features::municipalities::form_errors;
use crate::pages::{Layout, redirect_with, render, render_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/teachers", get(bank_page).post(create_submit))
        .route("/teachers/new", get(new_page))
        .route("/teachers/{id}", get(card_page).post(update_submit))
        .route("/teachers/{id}/archive", post(archive_submit))
        .route("/teachers/{id}/restore", post(restore_submit))
        .route("/api/v1/teachers", get(api_list).post(api_create))
        .route("/api/v1/teachers/composition", get(api_composition))
        .route("/api/v1/teachers/{id}", get(api_get).put(api_update))
        .route("/api/v1/teachers/{id}/archive", post(api_archive))
        .route("/api/v1/teachers/{id}/restore", post(api_restore))
}

/// A teacher as the API shows them, with ages and experience on today in the teacher's
/// municipality (docs/decisions/0010-local-time.md).
async fn api_view(state: &AppState, t: &Teacher, personal: bool) -> Result<TeacherView, AppError> {
    let mut c = state.db.conn().await?;
    let today = crate::features::local_today(state, &mut c, t.municipality_id).await?;
    Ok(view(t, personal, today))
}

/// May the user do `action` to this teacher (through any of the teacher's memberships)?
pub fn can(me: &Current, action: Action, t: &Teacher, memberships: &[AssociationId]) -> bool {
    metoda_domain::access::may_on_teacher(&me.principal, action, &record(t, memberships))
}

/// The teacher's record as the access rules see it.
pub fn record<'a>(t: &Teacher, memberships: &'a [AssociationId]) -> metoda_domain::access::TeacherRecord<'a> {
    metoda_domain::access::TeacherRecord {
        region_id: t.region_id,
        municipality_id: t.municipality_id,
        organization_id: t.organization_id,
        user_id: t.user_id,
        memberships,
    }
}

async fn load(
    state: &AppState,
    me: &Current,
    id: TeacherId,
    action: Action,
) -> Result<(Teacher, Vec<AssociationId>), AppError> {
    let mut c = state.db.conn().await?;
    let t = teachers::get(&mut c, id).await?;
    let m = teachers::memberships(&mut c, id).await?;
    if !can(me, action, &t, &m) {
        return Err(AppError::Forbidden);
    }
    Ok((t, m))
}

/// The line «Учётная запись» of the card, for those who may manage the municipality's accounts:
/// `Some(Some((id, login)))` linked, `Some(None)` not linked, `None` not shown.
async fn account_of(c: &mut Conn, me: &Current, t: &Teacher) -> Result<Option<Option<(i64, String)>>, AppError> {
    let place = metoda_domain::access::Place { region_id: t.region_id, municipality_id: Some(t.municipality_id) };
    match t.user_id {
        Some(uid) => {
            let u = metoda_store::users::get(c, uid).await?;
            Ok(crate::features::users::may_see(me, &u).then_some(Some((u.id.get(), u.login))))
        }
        None => Ok(me.may(Action::Update, &Resource::User { place: Some(place) }).then_some(None)),
    }
}

/// What anyone allowed to see a teacher sees, plus the personal part when allowed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TeacherView {
    pub id: i64,
    pub full_name: String,
    pub last_name: String,
    pub first_name: String,
    pub middle_name: Option<String>,
    pub municipality_id: i64,
    pub organization_id: i64,
    pub organization_name: String,
    pub position: String,
    pub subjects: Option<String>,
    pub category: String,
    pub category_label: String,
    /// no_expiry | valid | expiring_soon | expired
    #[schema(value_type = String)]
    pub category_state: CategoryState,
    pub archived_at: Option<String>,
    /// The record's version: send it back with `PUT` (a save based on an older one gets 409).
    pub version: i64,
    /// Present only for readers allowed to see personal data.
    pub personal: Option<Personal>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Personal {
    pub birth_date: String,
    pub age: i32,
    pub education: String,
    pub education_label: String,
    pub edu_institution: Option<String>,
    pub edu_specialty: Option<String>,
    pub edu_year: Option<i64>,
    pub category_assigned_on: Option<String>,
    pub category_expires_on: Option<String>,
    pub experience_start: Option<String>,
    /// "12 лет 3 мес." on today.
    pub experience: Option<String>,
    pub young_specialist: bool,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub consent_on: Option<String>,
}

fn ru(d: &Option<Date>) -> Option<String> {
    d.map(values::ru_date)
}

pub fn view(t: &Teacher, personal: bool, today: Date) -> TeacherView {
    let category = t.category;
    let expires = t.category_expires_on;
    TeacherView {
        id: t.id.get(),
        full_name: t.full_name(),
        last_name: t.last_name.clone(),
        first_name: t.first_name.clone(),
        middle_name: t.middle_name.clone(),
        municipality_id: t.municipality_id.get(),
        organization_id: t.organization_id.get(),
        organization_name: t.organization_name.clone(),
        position: t.position.clone(),
        subjects: t.subjects.clone(),
        category: category.code().to_owned(),
        category_label: category.label_ru().to_owned(),
        category_state: category_state(category, expires, today),
        archived_at: t.archived_at.clone(),
        version: t.version,
        personal: personal.then(|| {
            let birth = t.birth_date;
            let start = t.experience_start;
            Personal {
                birth_date: values::ru_date(birth),
                age: age_on(birth, today),
                education: t.education.code().to_owned(),
                education_label: t.education.label_ru().to_owned(),
                edu_institution: t.edu_institution.clone(),
                edu_specialty: t.edu_specialty.clone(),
                edu_year: t.edu_year,
                category_assigned_on: ru(&t.category_assigned_on),
                category_expires_on: ru(&t.category_expires_on),
                experience_start: ru(&t.experience_start),
                experience: start.map(|s| {
                    let (y, m) = experience_on(s, today);
                    experience_label(y, m)
                }),
                young_specialist: t.young_specialist,
                phone: t.phone.clone(),
                email: t.email.clone(),
                consent_on: ru(&t.consent_on),
            }
        }),
    }
}

/// The composition of a set of teachers: counts by education, category, experience and age band.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Composition)]
pub struct CompositionView {
    pub total: i64,
    /// (label, count) in the order of the domain's lists; in JSON `{"label", "count"}`.
    pub education: Vec<LabelCount>,
    pub category: Vec<LabelCount>,
    pub experience: Vec<LabelCount>,
    pub age: Vec<LabelCount>,
    pub expiring: i64,
    pub young: i64,
}

/// One bar of a composition: a label and how many teachers it counts.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LabelCount {
    pub label: String,
    pub count: i64,
}

impl From<&Composition> for CompositionView {
    fn from(c: &Composition) -> Self {
        let bars = |v: &[(String, i64)]| {
            v.iter().map(|(label, count)| LabelCount { label: label.clone(), count: *count }).collect()
        };
        CompositionView {
            total: c.total,
            education: bars(&c.education),
            category: bars(&c.category),
            experience: bars(&c.experience),
            age: bars(&c.age),
            expiring: c.expiring,
            young: c.young,
        }
    }
}

/// The bank's query string.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct BankQuery {
    pub municipality_id: Option<String>,
    pub organization_id: Option<String>,
    pub association_id: Option<String>,
    /// highest | first | conformity | none
    pub category: Option<String>,
    /// higher | vocational | other
    pub education: Option<String>,
    /// 0: under 3 years, 1: 3–5, 2: 5–10, 3: 10–20, 4: 20 and more
    pub experience: Option<String>,
    /// 0: under 30, 1: 30–39, 2: 40–49, 3: 50–59, 4: 60 and older
    pub age: Option<String>,
    /// Categories expired or expiring within six months (`12`: within a year).
    pub expiring: Option<String>,
    pub young: Option<String>,
    /// Text in the full name.
    pub q: Option<String>,
    pub archived: Option<String>,
    /// name | organization | category | experience | age
    pub sort: Option<String>,
    pub page: Option<i64>,
}

fn id_of(s: &Option<String>) -> Option<i64> {
    s.as_deref().and_then(|v| v.trim().parse().ok())
}

fn flag(s: &Option<String>) -> bool {
    s.as_deref().is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
}

impl BankQuery {
    /// The store filter for this query and reader (used by the export too).
    pub fn filter_for(&self, me: &Current) -> Filter {
        self.filter(me)
    }

    fn filter(&self, me: &Current) -> Filter {
        // Filters by personal data only for readers who may see it for everyone listed.
        let personal = sees_personal_data_of_all_listed(&me.principal);
        Filter {
            scope: teacher_scope(&me.principal),
            municipality_id: id_of(&self.municipality_id).map(MunicipalityId),
            organization_id: id_of(&self.organization_id).map(OrganizationId),
            association_id: id_of(&self.association_id).map(AssociationId),
            category: self.category.as_deref().and_then(Category::from_code),
            education: self.education.as_deref().and_then(Education::from_code).filter(|_| personal),
            experience_band: id_of(&self.experience)
                .map(|v| v as usize)
                .filter(|v| personal && *v < EXPERIENCE_BANDS.len()),
            age_band: id_of(&self.age).map(|v| v as usize).filter(|v| personal && *v < AGE_BANDS.len()),
            // «12»: within a year (the authority's control counts so); any other flag: six months
            expiring: match self.expiring.as_deref() {
                Some("12") => Some(12),
                _ => flag(&self.expiring).then_some(6),
            },
            young: flag(&self.young) && personal,
            text: self.q.clone(),
            include_archived: flag(&self.archived),
            sort: match Sort::parse(self.sort.as_deref().unwrap_or("")) {
                Sort::Age | Sort::Experience if !personal => Sort::Name,
                s => s,
            },
            page: self.page.unwrap_or(1).max(1),
            per_page: 50,
        }
    }
    fn v<'a>(&self, s: &'a Option<String>) -> &'a str {
        s.as_deref().unwrap_or("")
    }
}

/// Rows of a page with personal data where allowed.
async fn views(c: &mut Conn, me: &Current, rows: &[Teacher], today: Date) -> Result<Vec<TeacherView>, AppError> {
    let ids: Vec<TeacherId> = rows.iter().map(|t| t.id).collect();
    let memberships: HashMap<TeacherId, Vec<AssociationId>> = teachers::memberships_of(c, &ids).await?;
    let none = vec![];
    Ok(rows
        .iter()
        .map(|t| {
            let m = memberships.get(&t.id).unwrap_or(&none);
            view(t, can(me, Action::ViewPersonal, t, m), today)
        })
        .collect())
}

/// A bar chart of the composition, drawn as SVG (no inline styles under the CSP).
pub struct Chart {
    pub title: &'static str,
    pub bars: Vec<Bar>,
}

pub struct Bar {
    pub label: String,
    pub count: i64,
    /// Bar width in SVG units (0–100).
    pub width: i64,
    pub y: i64,
}

/// A bar chart of `(label, count)`, the bars scaled to the largest.
pub fn chart(title: &'static str, data: &[(String, i64)]) -> Chart {
    let max = data.iter().map(|d| d.1).max().unwrap_or(0).max(1);
    Chart {
        title,
        bars: data
            .iter()
            .enumerate()
            .map(|(i, (label, count))| Bar {
                label: label.clone(),
                count: *count,
                width: count * 100 / max,
                y: i as i64 * 22,
            })
            .collect(),
    }
}

pub fn charts(c: &Composition, personal: bool) -> Vec<Chart> {
    if !personal {
        return vec![chart("Квалификационная категория", &c.category)];
    }
    vec![
        chart("Образование", &c.education),
        chart("Квалификационная категория", &c.category),
        chart("Педагогический стаж", &c.experience),
        chart("Возраст", &c.age),
    ]
}

#[derive(Template)]
#[template(path = "teachers.html")]
struct BankPage {
    l: Layout,
    q: BankQuery,
    rows: Vec<TeacherView>,
    total: i64,
    page: i64,
    pages: i64,
    comp: Composition,
    charts: Vec<Chart>,
    municipalities: Vec<Municipality>,
    organizations: Vec<Organization>,
    associations: Vec<AssociationRef>,
    can_create: bool,
    can_import: bool,
    query_string: String,
    any_personal: bool,
    /// Filters and counts by personal data are offered.
    personal: bool,
}

impl BankPage {
    fn v<'a>(&self, s: &'a Option<String>) -> &'a str {
        self.q.v(s)
    }
    fn sel(&self, s: &Option<String>, value: &str) -> bool {
        self.q.v(s) == value
    }
    fn sel_id(&self, s: &Option<String>, id: &impl std::fmt::Display) -> bool {
        self.q.v(s) == id.to_string()
    }
    fn sel_idx(&self, s: &Option<String>, i: &usize) -> bool {
        self.q.v(s) == i.to_string()
    }
}

/// Municipalities where the user may add teachers, and their organizations.
async fn creatable(c: &mut Conn, me: &Current) -> Result<Vec<(Municipality, Vec<Organization>)>, AppError> {
    organizations_where(c, |m, o| {
        me.may(
            Action::Create,
            &Resource::Teacher {
                region_id: m.region_id,
                municipality_id: m.id,
                organization_id: Some(o.id),
                association_id: None,
                own: false,
            },
        )
    })
    .await
}

/// The organizations for which `keep` holds, by municipality (two queries, whatever the region).
pub(crate) async fn organizations_where(
    c: &mut Conn,
    keep: impl Fn(&Municipality, &Organization) -> bool,
) -> Result<Vec<(Municipality, Vec<Organization>)>, AppError> {
    let list = municipalities::list(c, None, false).await?;
    let ids: Vec<MunicipalityId> = list.iter().map(|m| m.id).collect();
    let mut orgs = organizations::of_municipalities(c, &ids).await?;
    let mut out = vec![];
    for m in list {
        let (mine, rest): (Vec<Organization>, Vec<Organization>) =
            orgs.into_iter().partition(|o| o.municipality_id == m.id);
        orgs = rest;
        let kept: Vec<Organization> = mine.into_iter().filter(|o| keep(&m, o)).collect();
        if !kept.is_empty() {
            out.push((m, kept));
        }
    }
    Ok(out)
}

async fn bank_page(State(state): State<AppState>, Me(me, ctx): Me, Query(q): Query<BankQuery>) -> PageResult {
    let scope = teacher_scope(&me.principal);
    if scope.is_empty() {
        return Err(AppError::Forbidden);
    }
    let f = q.filter(&me);
    let mut c = state.db.conn().await?;
    let today = crate::features::user_today(&state, &mut c, &me).await?;
    let (rows, total) = teachers::list(&mut c, &f, today).await?;
    let comp = teachers::composition(&mut c, &Filter { page: 1, ..f.clone() }, today).await?;
    let municipalities = crate::features::municipalities::visible(&mut c, &me, None, false).await?;
    let mids: Vec<MunicipalityId> = municipalities.iter().map(|m| m.id).collect();
    let organizations: Vec<Organization> = organizations::of_municipalities(&mut c, &mids).await?;
    let associations: Vec<AssociationRef> = crate::features::associations::visible_refs(&mut c, &me, &mids).await?;
    let rows = views(&mut c, &me, &rows, today).await?;
    let can_create = !creatable(&mut c, &me).await?.is_empty();
    let can_import = !crate::features::bank_files::importable(&mut c, &me).await?.is_empty();
    drop(c);
    let pages = ((total + f.per_page - 1) / f.per_page).max(1);
    let query_string = serde_urlencoded::to_string(BankQuery { page: None, ..q.clone() }).unwrap_or_default();
    render(&BankPage {
        l: Layout::new(&ctx, "Банк данных педагогов", "/teachers"),
        any_personal: rows.iter().any(|r| r.personal.is_some()),
        charts: charts(&comp, sees_personal_data_of_all_listed(&me.principal)),
        personal: sees_personal_data_of_all_listed(&me.principal),
        rows,
        total,
        page: f.page,
        pages,
        comp,
        municipalities,
        organizations,
        associations,
        can_create,
        can_import,
        query_string,
        q,
    })
}

/// The per-year part of the card (shown to those who may see the personal record).
pub struct YearPart {
    pub teacher_id: i64,
    pub year: i64,
    pub year_label: String,
    pub current: Option<metoda_store::teacher_years::TopicYear>,
    pub topics: Vec<metoda_store::teacher_years::TopicYear>,
    pub courses: Vec<metoda_store::teacher_years::Course>,
    pub difficulties: Vec<metoda_store::teacher_years::Difficulty>,
    pub may_write: bool,
    pub may_agree: bool,
    pub course_kinds: Vec<(&'static str, &'static str)>,
    pub difficulty_kinds: Vec<(String, String)>,
    /// Further places of work, and the organizations one may be added in (for editors).
    pub positions: Vec<metoda_store::teacher_years::Position>,
    pub may_update: bool,
    pub organizations: Vec<(i64, String)>,
    /// The teacher's results (newest first), without students' names, with where to see them.
    pub results: Vec<ResultLine>,
    /// What a refused form of this part had typed (it stays in its form).
    pub typed: crate::features::teacher_years::YearTyped,
}

impl YearPart {
    /// A typed value of a refused form of this part ("" for any other form).
    pub fn v(&self, form: &str, field: &str) -> &str {
        self.typed.value(form, field)
    }
    /// Whether `value` is the one typed in the field of the refused form.
    pub fn chosen(&self, form: &str, field: &str, value: &impl std::fmt::Display) -> bool {
        let v = self.v(form, field);
        !v.is_empty() && v == value.to_string()
    }
}

/// A result on the teacher's card.
pub struct ResultLine {
    pub on: String,
    pub what: String,
    /// Confirmation, in words.
    pub status: &'static str,
    pub confirmed: bool,
    /// The results page, of the result's year, of the association the teacher was a member of on
    /// the result's date (none when they were in none).
    pub href: Option<String>,
}

async fn year_part(
    c: &mut Conn,
    me: &Current,
    t: &Teacher,
    m: &[AssociationId],
    today: Date,
) -> Result<Option<YearPart>, AppError> {
    if !can(me, Action::ViewPersonal, t, m) {
        return Ok(None);
    }
    use metoda_domain::teachers::{AcademicYear, CourseKind, DifficultyKind};
    use metoda_store::teacher_years;
    let year = AcademicYear::containing(today);
    let topics = teacher_years::topics(&mut *c, t.id).await?;
    // Where each result is seen: the association the teacher was a member of on its date.
    let periods = metoda_store::teachers::membership_periods(&mut *c, t.id).await?;
    let results = metoda_store::results::for_teacher(&mut *c, t.id, None)
        .await?
        .into_iter()
        .map(|r| {
            let subject = r.subject.as_deref().map(metoda_domain::results::subject_label);
            let what = r.title.clone().or(subject).unwrap_or_default();
            let place = r.placement.map(|p| format!(", {}", p.label_ru())).unwrap_or_default();
            let level = r.level.map(|l| format!(", {}", l.label_ru())).unwrap_or_default();
            let score = r
                .score
                .map(|s| format!(", {s} {}", metoda_domain::values::plural_ru(s, "балл", "балла", "баллов")))
                .unwrap_or_default();
            let on = metoda_domain::values::iso_date(r.result_on);
            ResultLine {
                on: metoda_domain::values::ru_date(r.result_on),
                what: format!("{} «{what}»{level}{place}{score}", r.kind_label()),
                status: r.status.label_ru(),
                confirmed: r.is_confirmed(),
                href: periods
                    .iter()
                    .find(|(_, joined, left)| {
                        joined.as_str() <= on.as_str() && left.as_deref().is_none_or(|l| l > on.as_str())
                    })
                    .map(|(a, _, _)| format!("/associations/{a}/results?year={}", r.year)),
            }
        })
        .collect();
    Ok(Some(YearPart {
        results,
        teacher_id: t.id.get(),
        year: i64::from(year.0),
        year_label: year.label(),
        current: topics.iter().find(|y| y.year == i64::from(year.0)).cloned(),
        topics,
        courses: teacher_years::courses(&mut *c, t.id).await?,
        difficulties: teacher_years::difficulties(&mut *c, t.id).await?,
        positions: teacher_years::positions(&mut *c, t.id).await?,
        may_update: can(me, Action::Update, t, m),
        organizations: plain_choices(
            organizations::choices(&mut *c, t.municipality_id)
                .await?
                .into_iter()
                .filter(|(o, _)| *o != t.organization_id),
        ),
        may_write: crate::features::teacher_years::may_write(me, t, m),
        may_agree: crate::features::teacher_years::may_agree(me, t, m),
        course_kinds: choices(CourseKind::ALL, CourseKind::code, CourseKind::label_ru),
        difficulty_kinds: DifficultyKind::ALL
            .iter()
            .map(|k| (k.code().to_owned(), k.label_ru().to_owned()))
            .chain(
                crate::features::teacher_years::extra_kinds(&mut *c, t)
                    .await?
                    .into_iter()
                    .map(|e| (format!("{}{e}", teacher_years::CUSTOM), e)),
            )
            .collect(),
        typed: Default::default(),
    }))
}

#[derive(Template)]
#[template(path = "teacher_form.html")]
struct FormPage {
    l: Layout,
    teacher: Option<TeacherView>,
    form: TeacherInput,
    municipality_id: i64,
    organizations: Vec<Organization>,
    educations: Vec<(&'static str, &'static str)>,
    categories: Vec<(&'static str, &'static str)>,
    can_archive: bool,
    memberships: Vec<String>,
    years: Option<YearPart>,
    account: Option<Option<(i64, String)>>,
}

impl FormPage {
    fn date_value(&self, s: &str) -> String {
        // <input type=date> wants ISO; the form may hold either spelling.
        values::date("", "", s).map(values::iso_date).unwrap_or_else(|_| s.to_owned())
    }
}

fn choices<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|v| (code(*v), label(*v))).collect()
}

/// The Russian label of a field of the card, for the current values shown after a stale save.
fn field_label(field: &str) -> Option<&'static str> {
    Some(match field {
        "last_name" => "Фамилия",
        "first_name" => "Имя",
        "middle_name" => "Отчество",
        "birth_date" => "Дата рождения",
        "organization_id" => "Организация",
        "position" => "Должность",
        "subjects" => "Предметы",
        "education" => "Образование",
        "edu_institution" => "Учебное заведение",
        "edu_specialty" => "Специальность",
        "edu_year" => "Год окончания",
        "category" => "Категория",
        "category_assigned_on" => "Категория присвоена",
        "category_expires_on" => "Категория действует до",
        "experience_start" => "Начало педагогического стажа",
        "young_specialist" => "Молодой специалист",
        "phone" => "Телефон",
        "email" => "Электронная почта",
        "consent_on" => "Согласие на обработку персональных данных",
        _ => return None,
    })
}

fn input_of(t: &Teacher) -> TeacherInput {
    TeacherInput {
        last_name: t.last_name.clone(),
        first_name: t.first_name.clone(),
        middle_name: t.middle_name.clone().unwrap_or_default(),
        birth_date: iso_date(t.birth_date),
        organization_id: Some(t.organization_id.get()),
        position: t.position.clone(),
        subjects: t.subjects.clone().unwrap_or_default(),
        education: t.education.code().to_owned(),
        edu_institution: t.edu_institution.clone().unwrap_or_default(),
        edu_specialty: t.edu_specialty.clone().unwrap_or_default(),
        edu_year: t.edu_year.map(|y| y.to_string()).unwrap_or_default(),
        category: t.category.code().to_owned(),
        category_assigned_on: t.category_assigned_on.map(iso_date).unwrap_or_default(),
        category_expires_on: t.category_expires_on.map(iso_date).unwrap_or_default(),
        experience_start: t.experience_start.map(iso_date).unwrap_or_default(),
        young_specialist: t.young_specialist,
        phone: t.phone.clone().unwrap_or_default(),
        email: t.email.clone().unwrap_or_default(),
        consent_on: t.consent_on.map(iso_date).unwrap_or_default(),
        version: Some(t.version),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewQuery {
    municipality_id: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    teacher: Option<(Teacher, Vec<AssociationId>)>,
    municipality_id: Option<MunicipalityId>,
    form: Option<TeacherInput>,
    (errors, status): (Vec<FieldError>, StatusCode),
    typed: crate::features::teacher_years::YearTyped,
) -> PageResult {
    let mut c = state.db.conn().await?;
    let (municipality_id, organizations) = match &teacher {
        Some((t, _)) => {
            let orgs = organizations::list(
                &mut c,
                &organizations::Filter { municipality_id: Some(t.municipality_id), ..Default::default() },
            )
            .await?
            .into_iter()
            .filter(|o| {
                me.may(
                    Action::Update,
                    &Resource::Teacher {
                        region_id: t.region_id,
                        municipality_id: t.municipality_id,
                        organization_id: Some(o.id),
                        association_id: None,
                        own: false,
                    },
                ) || o.id == t.organization_id
            })
            .collect();
            (t.municipality_id, orgs)
        }
        None => {
            let all = creatable(&mut c, me).await?;
            let chosen = all
                .iter()
                .find(|(m, _)| Some(m.id) == municipality_id)
                .or_else(|| all.first())
                .ok_or(AppError::Forbidden)?;
            (chosen.0.id, chosen.1.clone())
        }
    };
    let today = crate::features::local_today(state, &mut c, municipality_id).await?;
    let mut memberships = vec![];
    if let Some((_, ms)) = &teacher {
        for a in ms {
            memberships.push(associations::get(&mut c, *a).await?.name);
        }
    }
    let title = teacher.as_ref().map_or_else(|| "Новый педагог".to_owned(), |(t, _)| t.full_name());
    let mut years = match &teacher {
        Some((t, m)) => year_part(&mut c, me, t, m, today).await?,
        None => None,
    };
    if let Some(y) = &mut years {
        y.typed = typed;
    }
    let account = match &teacher {
        Some((t, _)) => account_of(&mut c, me, t).await?,
        None => None,
    };
    drop(c);
    let mut form = form.unwrap_or_else(|| teacher.as_ref().map(|(t, _)| input_of(t)).unwrap_or_default());
    if let Some((t, _)) = &teacher
        && (status == StatusCode::CONFLICT || form.version.is_none())
    {
        // After a stale save the user has seen the current values: the next save is based on them.
        form.version = Some(t.version);
    }
    let page = FormPage {
        l: Layout::new(ctx, title, "/teachers").with_errors(errors),
        form,
        can_archive: teacher.as_ref().is_some_and(|(t, m)| can(me, Action::Archive, t, m)),
        teacher: teacher.as_ref().map(|(t, _)| view(t, true, today)),
        municipality_id: municipality_id.get(),
        organizations,
        educations: choices(Education::ALL, Education::code, Education::label_ru),
        categories: choices(Category::ALL, Category::code, Category::label_ru),
        memberships,
        years,
        account,
    };
    render_status(status, &page)
}

async fn new_page(State(state): State<AppState>, Me(me, ctx): Me, Query(q): Query<NewQuery>) -> PageResult {
    let municipality_id = id_of(&q.municipality_id).map(MunicipalityId);
    form_page(&state, &me, &ctx, None, municipality_id, None, (vec![], StatusCode::OK), Default::default()).await
}

async fn create(state: &AppState, me: &Current, ctx: &Ctx, input: &TeacherInput) -> Result<Teacher, AppError> {
    let mut tx = state.db.begin().await?;
    let today = crate::features::user_today(state, &mut tx, me).await?;
    let d = input.parse(today).map_err(AppError::Validation)?;
    let o = organizations::get(&mut tx, OrganizationId(d.organization_id))
        .await
        .map_err(|_| AppError::Validation(vec![FieldError::new("organization_id", "Такой организации нет")]))?;
    let res = Resource::Teacher {
        region_id: o.region_id,
        municipality_id: o.municipality_id,
        organization_id: Some(o.id),
        association_id: None,
        own: false,
    };
    crate::auth::require(me, Action::Create, &res)?;
    let t = teachers::create(&mut tx, &ctx.actor(), o.municipality_id, &d).await?;
    tx.commit().await?;
    Ok(t)
}

async fn update(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: TeacherId,
    input: &TeacherInput,
) -> Result<Teacher, AppError> {
    let (t, m) = load(state, me, id, Action::Update).await?;
    let today = {
        let mut c = state.db.conn().await?;
        crate::features::local_today(state, &mut c, t.municipality_id).await?
    };
    let d = input.parse(today).map_err(AppError::Validation)?;
    // Moving a teacher to another organization needs the right there too.
    if d.organization_id != t.organization_id.get() {
        let moved = Teacher { organization_id: OrganizationId(d.organization_id), ..t.clone() };
        if !can(me, Action::Update, &moved, &m) {
            return Err(AppError::Forbidden);
        }
    }
    let mut tx = state.db.begin().await?;
    let t = teachers::update(&mut tx, &ctx.actor(), id, &d, input.version).await?;
    tx.commit().await?;
    Ok(t)
}

async fn set_archived(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: TeacherId,
    archived: bool,
) -> Result<Teacher, AppError> {
    load(state, me, id, Action::Archive).await?;
    let mut tx = state.db.begin().await?;
    let t = teachers::set_archived(&mut tx, &ctx.actor(), id, archived).await?;
    tx.commit().await?;
    Ok(t)
}

fn conflict_field(errors: &mut [FieldError]) {
    for e in errors {
        if e.field == "name" {
            e.field = "last_name".into();
        }
    }
}

async fn create_submit(State(state): State<AppState>, Me(me, ctx): Me, Form(input): Form<TeacherInput>) -> PageResult {
    match create(&state, &me, &ctx, &input).await {
        Ok(t) => {
            // An association head may add a teacher before the teacher joins the association.
            let to =
                if can(&me, Action::View, &t, &[]) { format!("/teachers/{}", t.id) } else { "/teachers".to_owned() };
            Ok(redirect_with(&to, &format!("Педагог {} добавлен в банк данных", t.full_name()), &ctx))
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (status, mut errors) = form_errors(e);
            conflict_field(&mut errors);
            let mid = match input.organization_id {
                Some(o) => {
                    let mut c = state.db.conn().await?;
                    organizations::get(&mut c, OrganizationId(o)).await.ok().map(|o| o.municipality_id)
                }
                None => None,
            };
            form_page(&state, &me, &ctx, None, mid, Some(input), (errors, status), Default::default()).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "teacher.html")]
struct CardPage {
    l: Layout,
    t: TeacherView,
    memberships: Vec<String>,
    years: Option<YearPart>,
    account: Option<Option<(i64, String)>>,
}

async fn card_page(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<TeacherId>) -> PageResult {
    card_with(&state, &me, &ctx, id, Default::default(), vec![], StatusCode::OK).await
}

/// The teacher's card (the record's form for its editors); after a refused form of the per-year
/// part, with what it had typed and its errors.
pub(crate) async fn card_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: TeacherId,
    typed: crate::features::teacher_years::YearTyped,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let (t, m) = load(state, me, id, Action::View).await?;
    if can(me, Action::Update, &t, &m) {
        return form_page(state, me, ctx, Some((t, m)), None, None, (errors, status), typed).await;
    }
    let personal = can(me, Action::ViewPersonal, &t, &m);
    let mut c = state.db.conn().await?;
    let mut memberships = vec![];
    for a in &m {
        memberships.push(associations::get(&mut c, *a).await?.name);
    }
    let today = crate::features::local_today(state, &mut c, t.municipality_id).await?;
    let mut years = year_part(&mut c, me, &t, &m, today).await?;
    if let Some(y) = &mut years {
        y.typed = typed;
    }
    let account = account_of(&mut c, me, &t).await?;
    drop(c);
    render_status(
        status,
        &CardPage {
            l: Layout::new(ctx, t.full_name(), "/teachers").with_errors(errors),
            t: view(&t, personal, today),
            memberships,
            years,
            account,
        },
    )
}

async fn update_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<TeacherId>,
    Form(input): Form<TeacherInput>,
) -> PageResult {
    match update(&state, &me, &ctx, id, &input).await {
        Ok(t) => {
            Ok(redirect_with(&format!("/teachers/{id}"), &format!("Запись педагога {} сохранена", t.full_name()), &ctx))
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let stale = crate::pages::is_stale(&e);
            let (status, mut errors) = form_errors(e);
            conflict_field(&mut errors);
            let tm = load(&state, &me, id, Action::View).await?;
            if stale {
                // The user's input stays in the form; the current values are shown beside it.
                let t = &tm.0;
                for mut e in crate::pages::current_values(&input_of(t), &input, field_label) {
                    // Codes and ids read as what the card shows.
                    let now = match e.field.as_str() {
                        "organization_id" => Some(t.organization_name.clone()),
                        "education" => Some(t.education.label_ru().to_owned()),
                        "category" => Some(t.category.label_ru().to_owned()),
                        _ => None,
                    };
                    if let (Some(now), Some(label)) = (now, field_label(&e.field)) {
                        e.message = format!("{label}: сейчас в записи — {now}");
                    }
                    errors.push(e);
                }
            }
            form_page(&state, &me, &ctx, Some(tm), None, Some(input), (errors, status), Default::default()).await
        }
        Err(e) => Err(e),
    }
}

async fn archive_submit(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<TeacherId>) -> PageResult {
    let t = set_archived(&state, &me, &ctx, id, true).await?;
    Ok(redirect_with(
        &format!("/teachers/{id}"),
        &format!("Запись педагога {} перенесена в архив", t.full_name()),
        &ctx,
    ))
}

async fn restore_submit(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<TeacherId>) -> PageResult {
    let t = set_archived(&state, &me, &ctx, id, false).await?;
    Ok(redirect_with(&format!("/teachers/{id}"), &format!("Запись педагога {} восстановлена", t.full_name()), &ctx))
}

// ---- API ----

#[derive(Serialize, utoipa::ToSchema)]
pub struct BankBody {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub teachers: Vec<TeacherView>,
}

/// The bank: teachers the caller may see, 50 a page, with the bank's filters.
#[utoipa::path(get, path = "/api/v1/teachers", tag = "teachers", params(BankQuery), responses((status = 200, body = BankBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Query(q): Query<BankQuery>,
) -> ApiResult<BankBody> {
    if teacher_scope(&me.principal).is_empty() {
        return Err(AppError::Forbidden.into());
    }
    let f = q.filter(&me);
    let mut c = state.db.conn().await?;
    let today = crate::features::user_today(&state, &mut c, &me).await?;
    let (rows, total) = teachers::list(&mut c, &f, today).await?;
    let teachers = views(&mut c, &me, &rows, today).await?;
    drop(c);
    Ok(Json(BankBody { total, page: f.page, per_page: f.per_page, teachers }))
}

/// Counts by education, category, experience and age over the filtered bank.
#[utoipa::path(get, path = "/api/v1/teachers/composition", tag = "teachers", params(BankQuery), responses((status = 200, body = CompositionView)))]
pub async fn api_composition(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Query(q): Query<BankQuery>,
) -> ApiResult<CompositionView> {
    if teacher_scope(&me.principal).is_empty() {
        return Err(AppError::Forbidden.into());
    }
    let mut c = state.db.conn().await?;
    let today = crate::features::user_today(&state, &mut c, &me).await?;
    let mut comp = teachers::composition(&mut c, &q.filter(&me), today).await?;
    if !sees_personal_data_of_all_listed(&me.principal) {
        // Counts by age, experience or education would reveal colleagues' personal data.
        comp.education.clear();
        comp.experience.clear();
        comp.age.clear();
        comp.young = 0;
    }
    Ok(Json((&comp).into()))
}

#[utoipa::path(post, path = "/api/v1/teachers", tag = "teachers", request_body = TeacherInput,
    responses((status = 200, body = TeacherView), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    body: JsonIn<TeacherInput>,
) -> ApiResult<TeacherView> {
    let input = json_body(body)?;
    let t = create(&state, &me, &ctx, &input).await?;
    Ok(Json(api_view(&state, &t, true).await?))
}

#[utoipa::path(get, path = "/api/v1/teachers/{id}", tag = "teachers", params(("id" = i64, Path)),
    responses((status = 200, body = TeacherView), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(id): Path<TeacherId>,
) -> ApiResult<TeacherView> {
    let (t, m) = load(&state, &me, id, Action::View).await?;
    Ok(Json(api_view(&state, &t, can(&me, Action::ViewPersonal, &t, &m)).await?))
}

#[utoipa::path(put, path = "/api/v1/teachers/{id}", tag = "teachers", params(("id" = i64, Path)), request_body = TeacherInput,
    responses((status = 200, body = TeacherView), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_update(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<TeacherId>,
    body: JsonIn<TeacherInput>,
) -> ApiResult<TeacherView> {
    let input = json_body(body)?;
    let t = update(&state, &me, &ctx, id, &input).await?;
    Ok(Json(api_view(&state, &t, true).await?))
}

#[utoipa::path(post, path = "/api/v1/teachers/{id}/archive", tag = "teachers", params(("id" = i64, Path)), responses((status = 200, body = TeacherView)))]
pub async fn api_archive(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<TeacherId>,
) -> ApiResult<TeacherView> {
    let t = set_archived(&state, &me, &ctx, id, true).await?;
    Ok(Json(api_view(&state, &t, true).await?))
}

#[utoipa::path(post, path = "/api/v1/teachers/{id}/restore", tag = "teachers", params(("id" = i64, Path)), responses((status = 200, body = TeacherView)))]
pub async fn api_restore(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<TeacherId>,
) -> ApiResult<TeacherView> {
    let t = set_archived(&state, &me, &ctx, id, false).await?;
    Ok(Json(api_view(&state, &t, true).await?))
}
