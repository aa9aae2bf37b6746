//! The yearly work plan of an association (000 §4.4, 001 §5.1, 002 §3.2, 003 §3.2, 004 §4.2):
//! made for a plan year (empty, from the cyclogram, or as a copy of last year's plan), filled
//! with items, taken along the profile's approval path step by step with its evidence (a held
//! meeting, an order of the municipality, the act of the person the regulation names), changed
//! after approval only by amendments with a reason, executed item by item, and downloaded as
//! DOCX with its «УТВЕРЖДАЮ» block. Pages and the JSON API side by side.
//!
//! Access: `Resource::AssociationWork` (View reads; Create/Update edit the plan, its items and
//! their execution) and `Resource::PlanStep` for each approval step.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use metoda_domain::FieldError;
use metoda_domain::access::{Action, Resource};
use metoda_domain::ids::{AssociationId, MeetingId, OrderId, OrganizationId, PlanId, plain_choices};
use metoda_domain::meetings::{Evidence, PlanPath, evidence, initials, year_of};
use metoda_domain::plans::{
    ActivityDirection, ItemData, ItemInput, ItemStatus, PlanInput, Prefill, Progress, StatusInput, WorkForm,
    month_label, month_position, months_of, progress,
};
use metoda_domain::profile::{ApprovalStep, PlanPeriod, ProfileSettings};
use metoda_domain::values::{iso_date, ru_date};
use metoda_store::associations::{self, Association};
use metoda_store::municipalities;
use metoda_store::orders::{self, Order};
use metoda_store::plans::{self, Amendment, PlanItem, Step, StepRefs, WorkPlan};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{ApiMe, Ctx, Current, Me, require};
use crate::error::{ApiError, ApiResult, AppError, JsonIn, PageResult, json_body};
use crate::extract::{Form, Path};
use crate::pages::{Layout, d, redirect_with, render_status, shown, shown_at};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/associations/{id}/plans", post(create_submit))
        .route("/plans/{id}", get(view_page))
        .route("/plans/{id}/items", post(add_submit))
        .route("/plans/{id}/items/{item_id}", get(item_page).post(edit_submit))
        .route("/plans/{id}/items/{item_id}/status", post(status_submit))
        .route("/plans/{id}/steps", post(step_submit))
        .route("/plans/{id}/docx", get(docx_page))
        .route("/api/v1/associations/{id}/plans", get(api_list).post(api_create))
        .route("/api/v1/plans/{id}", get(api_get))
        .route("/api/v1/plans/{id}/items", post(api_add_item))
        .route("/api/v1/plans/{id}/items/{item_id}", put(api_update_item))
        .route("/api/v1/plans/{id}/items/{item_id}/status", post(api_status))
        .route("/api/v1/plans/{id}/steps", post(api_step))
        .route("/api/v1/plans/{id}/docx", get(api_docx))
}

// ---- shared logic ----

/// The work of the association, for the access rule.
pub fn work(a: &Association) -> Resource {
    Resource::AssociationWork { region_id: a.region_id, municipality_id: a.municipality_id, association_id: a.id }
}

fn step_res(a: &Association, step: ApprovalStep) -> Resource {
    Resource::PlanStep { region_id: a.region_id, municipality_id: a.municipality_id, association_id: a.id, step }
}

/// The association, if the user may do `action` to its work; a liquidated one is read-only.
pub async fn association_for(
    state: &AppState,
    me: &Current,
    id: AssociationId,
    action: Action,
) -> Result<Association, AppError> {
    let mut c = state.db.conn().await?;
    let a = associations::get(&mut c, id).await?;
    require(me, action, &work(&a))?;
    if action != Action::View && !a.is_active() {
        return Err(AppError::Conflict("Объединение ликвидировано: его план и циклограмма не меняются".into()));
    }
    Ok(a)
}

async fn load(state: &AppState, me: &Current, id: PlanId, action: Action) -> Result<(WorkPlan, Association), AppError> {
    let mut c = state.db.conn().await?;
    let p = plans::get(&mut c, id).await?;
    drop(c);
    let a = association_for(state, me, p.association_id, action).await?;
    Ok((p, a))
}

/// The plan period of the municipality's profile (academic year when none is assigned).
pub fn period_of(settings: Option<&ProfileSettings>) -> PlanPeriod {
    settings.map_or(PlanPeriod::AcademicYear, |s| s.plan_period.value)
}

async fn create(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    association_id: AssociationId,
    input: &PlanInput,
) -> Result<(WorkPlan, usize), AppError> {
    let a = association_for(state, me, association_id, Action::Create).await?;
    let settings = metoda_store::profiles::municipality_settings(&mut *state.db.conn().await?, a.municipality_id)
        .await?
        .ok_or_else(|| {
            AppError::Conflict(
                "Муниципалитету не назначен профиль положения: период и порядок утверждения плана неизвестны".into(),
            )
        })?;
    let today = crate::features::local_today(state, &mut *state.db.conn().await?, a.municipality_id).await?;
    let (year, prefill) = input.parse(year_of(settings.plan_period.value, today)).map_err(AppError::Validation)?;
    let mut tx = state.db.begin().await?;
    let made = plans::create_from(&mut tx, &ctx.actor(), &a, &settings, year, prefill).await?;
    tx.commit().await?;
    Ok(made)
}

/// Checks that the venue of an item is an organization of the association's municipality.
async fn check_venue(state: &AppState, a: &Association, d: &ItemData) -> Result<(), AppError> {
    if let Some(v) = d.venue_organization_id {
        let mut c = state.db.conn().await?;
        let ok = metoda_store::organizations::get(&mut c, OrganizationId(v))
            .await
            .is_ok_and(|o| o.municipality_id == a.municipality_id);
        if !ok {
            return Err(AppError::Validation(vec![FieldError::new(
                "venue_organization_id",
                "Место проведения: выберите организацию муниципалитета",
            )]));
        }
    }
    Ok(())
}

/// Adds an item (`item_id` None) or changes one; after approval only with a reason.
async fn save_item(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    plan_id: PlanId,
    item_id: Option<i64>,
    input: &ItemInput,
    reason: &str,
) -> Result<PlanItem, AppError> {
    let (plan, a) = load(state, me, plan_id, if item_id.is_some() { Action::Update } else { Action::Create }).await?;
    let (from, to) = plan.bounds();
    let d = input.parse(from, to).map_err(AppError::Validation)?;
    check_venue(state, &a, &d).await?;
    let reason = Some(reason).filter(|r| !r.trim().is_empty());
    let mut tx = state.db.begin().await?;
    // Whether a reason is needed is decided on the plan as it is now (it may have been approved meanwhile).
    let plan = plans::get(&mut tx, plan.id).await?;
    let item = match item_id {
        None => plans::add_item(&mut tx, &ctx.actor(), &a, &plan, &d, reason).await?,
        Some(id) => plans::update_item(&mut tx, &ctx.actor(), &a, &plan, id, &d, reason, input.version).await?,
    };
    tx.commit().await?;
    Ok(item)
}

async fn set_status(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    plan_id: PlanId,
    item_id: i64,
    input: &StatusInput,
    meeting_id: Option<MeetingId>,
) -> Result<PlanItem, AppError> {
    let (plan, a) = load(state, me, plan_id, Action::Update).await?;
    let (_, to) = plan.bounds();
    let s = input.parse(to).map_err(AppError::Validation)?;
    let mut tx = state.db.begin().await?;
    let item =
        plans::set_status(&mut tx, &ctx.actor(), &a, &plan, item_id, &s, meeting_id.filter(|m| *m > MeetingId(0)))
            .await?;
    tx.commit().await?;
    Ok(item)
}

/// An approval step as asked for.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct StepInput {
    /// The step's code (drafted_by_head, considered_at_meeting, …): the next one of the plan's path.
    pub step: String,
    /// The held meeting whose decision it is (steps at a meeting).
    pub meeting_id: Option<i64>,
    /// The order of the municipality that approves the plan (approval by order).
    pub order_id: Option<i64>,
    pub note: String,
}

async fn take_step(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    plan_id: PlanId,
    input: &StepInput,
) -> Result<WorkPlan, AppError> {
    let (plan, a) = load(state, me, plan_id, Action::View).await?;
    if !a.is_active() {
        return Err(AppError::Conflict("Объединение ликвидировано: его план не меняется".into()));
    }
    let step = ApprovalStep::from_code(input.step.trim()).ok_or_else(|| {
        AppError::Validation(vec![FieldError::new(
            "step",
            "Шаг утверждения: выберите шаг из порядка, установленного положением",
        )])
    })?;
    if !plan.approval_steps().contains(&step) {
        return Err(AppError::Validation(vec![FieldError::new(
            "step",
            format!("Шага «{}» в порядке утверждения этого плана нет", step.label_ru()),
        )]));
    }
    require(me, Action::Create, &step_res(&a, step))?;
    let note = metoda_domain::values::optional_long_text("note", "Примечание", &input.note, 1000)
        .map_err(|e| AppError::Validation(vec![e]))?;
    let refs = StepRefs {
        meeting_id: input.meeting_id.filter(|m| *m > 0).map(MeetingId),
        order_id: input.order_id.filter(|o| *o > 0).map(OrderId),
        note: note.as_deref(),
    };
    let mut tx = state.db.begin().await?;
    let p = plans::take_step(&mut tx, &ctx.actor(), &a, &plan, step, evidence(step), refs).await?;
    tx.commit().await?;
    Ok(p)
}

// ---- labels (used by the templates) ----

/// The label of a direction's code as an amendment's record of changes keeps it.
pub fn direction_label(code: &str) -> &'static str {
    ActivityDirection::from_code(code).map_or("—", ActivityDirection::label_ru)
}

/// The label of a form's code as an amendment's record of changes keeps it.
pub fn form_label(code: &str) -> &'static str {
    WorkForm::from_code(code).map_or("—", WorkForm::label_ru)
}

/// The label of a step's code as typed.
pub fn step_label(code: &str) -> &'static str {
    ApprovalStep::from_code(code).map_or("—", |s| s.label_ru())
}

/// «2026/2027 учебный год» or «2026 год».
pub fn year_label(period: PlanPeriod, year: i64) -> String {
    match period {
        PlanPeriod::AcademicYear => format!("{year}/{} учебный год", year + 1),
        PlanPeriod::CalendarYear => format!("{year} год"),
    }
}

/// When an item is planned: its date, or the month as a whole.
pub fn when(i: &PlanItem) -> String {
    i.planned_on.map_or_else(|| "в течение месяца".to_owned(), ru_date)
}

/// How an item was executed, in words ("" while planned).
pub fn execution(i: &PlanItem) -> String {
    let reason = i.status_reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
    match i.status {
        ItemStatus::Done => format!("выполнено{reason}"),
        ItemStatus::Moved => {
            format!("перенесено{}{reason}", i.moved_to.map(|m| format!(" на {}", ru_date(m))).unwrap_or_default())
        }
        ItemStatus::Cancelled => format!("отменено{reason}"),
        ItemStatus::Planned => String::new(),
    }
}

/// The field names of an item in an amendment's "what changed".
fn item_field_label(code: &str) -> Option<&'static str> {
    Some(match code {
        "title" => "содержание",
        "direction" => "направление",
        "form" => "форма",
        "planned_on" => "дата",
        "planned_month" => "месяц",
        "responsible" => "ответственные",
        "venue_organization_id" => "место проведения (№ организации)",
        "audience" => "участники",
        "expected_result" => "ожидаемый результат",
        _ => return None,
    })
}

/// What an amendment changed, in Russian lines.
pub fn changes_text(changes: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(changes).unwrap_or_default();
    let Some(map) = v.as_object() else { return String::new() };
    let show = |k: &str, x: Option<&serde_json::Value>| -> String {
        match (k, x) {
            (_, None | Some(serde_json::Value::Null)) => "—".into(),
            ("planned_month", Some(m)) => {
                m.as_u64().and_then(|m| u8::try_from(m).ok()).map_or("—", month_label).to_lowercase()
            }
            ("planned_on", Some(serde_json::Value::String(s))) => d(s),
            ("direction", Some(serde_json::Value::String(s))) => direction_label(s).into(),
            ("form", Some(serde_json::Value::String(s))) => form_label(s).into(),
            (_, Some(serde_json::Value::String(s))) => s.clone(),
            (_, Some(other)) => other.to_string(),
        }
    };
    map.iter()
        .filter_map(|(k, pair)| {
            if k == "added" {
                return Some(format!("внесено мероприятие «{}»", pair.as_str().unwrap_or("")));
            }
            let label = item_field_label(k)?;
            Some(format!("{label}: {} → {}", show(k, pair.get(0)), show(k, pair.get(1))))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

// ---- the association page's section ----

/// The «План работы» section of the association page.
pub struct PlanSection {
    pub plans: Vec<WorkPlan>,
    pub can_create: bool,
    /// The profile is known (otherwise no plan can be made).
    pub has_profile: bool,
    pub period: PlanPeriod,
    /// The year offered by default: the current plan year by the profile's period (or the next
    /// one without a plan).
    pub default_year: i32,
    /// Years to choose from (year, label).
    pub years: Vec<(i32, String)>,
    pub prefills: Vec<(&'static str, &'static str)>,
    pub cyclogram_rows: usize,
}

pub async fn section(
    state: &AppState,
    me: &Current,
    a: &Association,
    settings: Option<&ProfileSettings>,
) -> Result<PlanSection, AppError> {
    let period = period_of(settings);
    let mut c = state.db.conn().await?;
    let current = year_of(period, crate::features::local_today(state, &mut c, a.municipality_id).await?);
    let list = plans::for_association(&mut c, a.id).await?;
    let cyclogram_rows = metoda_store::cyclograms::list(&mut c, a.id).await?.len();
    let years: Vec<(i32, String)> = (current - 1..=current + 1)
        .filter(|y| !list.iter().any(|p| p.year == i64::from(*y)))
        .map(|y| (y, year_label(period, i64::from(y))))
        .collect();
    // The current year unless it has its plan already: then the next free one.
    let default_year = years.iter().map(|(y, _)| *y).find(|y| *y >= current).unwrap_or(current);
    Ok(PlanSection {
        can_create: a.is_active() && settings.is_some() && me.may(Action::Create, &work(a)),
        has_profile: settings.is_some(),
        period,
        default_year,
        years,
        prefills: Prefill::ALL.iter().map(|p| (p.code(), p.label_ru())).collect(),
        cyclogram_rows,
        plans: list,
    })
}

impl PlanSection {
    pub fn year_of_plan(&self, p: &WorkPlan) -> String {
        year_label(p.period, p.year)
    }
}

async fn create_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<AssociationId>,
    Form(f): Form<PlanForm>,
) -> PageResult {
    let typed = crate::features::associations::Typed::Plan { year: f.year.clone(), prefill: f.prefill.clone() };
    let input = PlanInput { year: f.year.trim().parse().ok(), prefill: f.prefill };
    if !f.year.trim().is_empty() && input.year.is_none() {
        let e = AppError::Validation(vec![FieldError::new("year", "Год плана: число, например 2026")]);
        return crate::features::associations::or_reshow(&state, &me, &ctx, id, typed, e).await;
    }
    match create(&state, &me, &ctx, id, &input).await {
        Ok((p, n)) => {
            let filled = if n > 0 { format!(", мероприятий внесено: {n}") } else { String::new() };
            Ok(redirect_with(&format!("/plans/{}", p.id), &format!("Составлен проект плана{filled}"), &ctx))
        }
        Err(e) => crate::features::associations::or_reshow(&state, &me, &ctx, id, typed, e).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PlanForm {
    year: String,
    prefill: String,
}

// ---- the plan page ----

/// One step of the approval path as shown.
pub struct PathStep {
    pub step: ApprovalStep,
    pub taken: Option<Step>,
    /// The order taken as evidence.
    pub order: Option<Order>,
    pub next: bool,
}

impl PathStep {
    pub fn label(&self) -> &'static str {
        self.step.label_ru()
    }
}

/// The form of the next step: what it is, what evidence it needs, what to choose from.
pub struct NextStep {
    pub step: ApprovalStep,
    /// A meeting's decision and an order are chosen from the lists; any other is the user's act.
    pub evidence: Evidence,
    pub orders: Vec<Order>,
    /// Held meetings of the association in the plan's year (id, label).
    pub meetings: Vec<(i64, String)>,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct ViewPage {
    l: Layout,
    p: WorkPlan,
    a: Association,
    period_label: String,
    bounds: String,
    path: Vec<PathStep>,
    next: Option<NextStep>,
    /// The next step exists but the user may not take it.
    waiting: Option<&'static str>,
    /// Items by month, numbered through the plan as in the document.
    months: Vec<(&'static str, Vec<(usize, PlanItem)>)>,
    progress: Vec<Progress>,
    total: Progress,
    amendments: Vec<Amendment>,
    can_edit: bool,
    form: ItemInput,
    reason: String,
    directions: Vec<(&'static str, &'static str)>,
    forms: Vec<(&'static str, &'static str)>,
    month_choices: Vec<(u8, &'static str)>,
    venues: Vec<(i64, String)>,
    /// The next step's form as typed when it was refused (empty otherwise).
    step: StepForm,
}

impl ViewPage {
    fn month_name(&self, m: &u8) -> &'static str {
        month_label(*m)
    }
    fn venue(&self, id: &Option<OrganizationId>) -> String {
        id.and_then(|v| self.venues.iter().find(|(i, _)| *i == v.get())).map_or_else(String::new, |(_, n)| n.clone())
    }
    fn is_venue(&self, id: &i64) -> bool {
        self.form.venue_organization_id == Some(*id)
    }
    fn month_selected(&self, m: &u8) -> bool {
        self.form.planned_month.trim() == m.to_string()
    }
    fn date_value(&self) -> String {
        date_value(&self.form.planned_on)
    }
}

/// A typed date as `<input type=date>` shows it (ISO), or as typed when it is not a date.
fn date_value(raw: &str) -> String {
    metoda_domain::values::date("", "", raw).map(metoda_domain::values::iso_date).unwrap_or_else(|_| raw.to_owned())
}

/// «Сентябрь» for a stored month.
pub fn month_name(m: &i64) -> &'static str {
    u8::try_from(*m).map_or("", month_label)
}

/// Items (already in the order of the plan's year) grouped by month.
fn by_month(items: Vec<PlanItem>) -> Vec<(&'static str, Vec<PlanItem>)> {
    let mut out: Vec<(&'static str, Vec<PlanItem>)> = vec![];
    let mut last = None;
    for i in items {
        let m = i.planned_month.and_then(|m| u8::try_from(m).ok());
        if last != Some(m) || out.is_empty() {
            out.push((m.map_or("Без срока", month_label), vec![]));
            last = Some(m);
        }
        if let Some(group) = out.last_mut() {
            group.1.push(i);
        }
    }
    out
}

fn numbered(months: Vec<(&'static str, Vec<PlanItem>)>) -> Vec<(&'static str, Vec<(usize, PlanItem)>)> {
    let mut n = 0;
    months
        .into_iter()
        .map(|(label, rows)| {
            let rows = rows
                .into_iter()
                .map(|i| {
                    n += 1;
                    (n, i)
                })
                .collect();
            (label, rows)
        })
        .collect()
}

fn execution_of(items: &[PlanItem]) -> Vec<(Option<u8>, ItemStatus)> {
    items.iter().map(|i| (i.planned_month.and_then(|m| u8::try_from(m).ok()), i.status)).collect()
}

/// Organizations of the municipality (id, short name): the venues.
async fn venues(state: &AppState, a: &Association) -> Result<Vec<(i64, String)>, AppError> {
    let mut c = state.db.conn().await?;
    Ok(plain_choices(metoda_store::organizations::choices(&mut c, a.municipality_id).await?))
}

/// The approval path of the plan with the steps taken.
async fn path_of(state: &AppState, p: &WorkPlan) -> Result<(Vec<PathStep>, Vec<Step>), AppError> {
    let mut c = state.db.conn().await?;
    let taken = plans::steps(&mut c, p.id).await?;
    let mut path = vec![];
    let mut next_marked = false;
    for s in p.approval_steps() {
        let t = taken.iter().find(|t| t.step == s).cloned();
        let order = match t.as_ref().and_then(|t| t.order_id) {
            Some(o) => orders::get(&mut c, o).await.ok(),
            None => None,
        };
        let next = t.is_none() && !next_marked;
        next_marked |= next;
        path.push(PathStep { step: s, taken: t, order, next });
    }
    Ok((path, taken))
}

/// The meetings a step or an item may name: the association's meetings of the plan's year
/// (only held ones when `held`), as (id, label).
async fn meetings_of(state: &AppState, p: &WorkPlan, held: bool) -> Result<Vec<(i64, String)>, AppError> {
    let mut c = state.db.conn().await?;
    Ok(metoda_store::meetings::for_association(&mut c, p.association_id, Some(p.year))
        .await?
        .into_iter()
        .filter(|m| !held || m.is_held())
        .map(|m| {
            let n = m.minutes_number.map(|n| format!(", протокол № {n}")).unwrap_or_default();
            (m.id.get(), format!("Заседание {}{n}", metoda_domain::values::ru_date(m.held_on)))
        })
        .collect())
}

/// What a refused form of the plan page had typed.
enum PlanTyped {
    Nothing,
    /// A new item and the reason of the change.
    Item(ItemInput, String),
    /// The next step's form.
    Step(StepForm),
}

/// The plan page: with the form as typed and the refusal of the last submit, if any.
async fn view_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: PlanId,
    typed: PlanTyped,
    refusal: Option<AppError>,
) -> PageResult {
    // A refusal of the step is told at its form.
    let at = if matches!(typed, PlanTyped::Step(_)) { "step" } else { "name" };
    let (status, errors) = shown_at(refusal, at)?;
    let ((form, reason), step) = match typed {
        PlanTyped::Nothing => (Default::default(), StepForm::default()),
        PlanTyped::Item(i, r) => ((i, r), StepForm::default()),
        PlanTyped::Step(s) => (Default::default(), s),
    };
    let (p, a) = load(state, me, id, Action::View).await?;
    let period = p.period;
    let (path, taken) = path_of(state, &p).await?;
    let mut steps = PlanPath::new(&p.steps.0);
    steps.done = taken.iter().map(|s| s.step).collect();
    let (next, waiting) = match steps.next() {
        Some(s) if a.is_active() && me.may(Action::Create, &step_res(&a, s)) => {
            let (orders, meetings) = match evidence(s) {
                Evidence::MeetingDecision => (vec![], meetings_of(state, &p, true).await?),
                Evidence::Order => {
                    let mut c = state.db.conn().await?;
                    (orders::for_plan(&mut c, a.municipality_id, a.id, p.year).await?, vec![])
                }
                _ => (vec![], vec![]),
            };
            (Some(NextStep { step: s, evidence: evidence(s), orders, meetings }), None)
        }
        Some(s) => (None, Some(s.label_ru())),
        None => (None, None),
    };
    let mut c = state.db.conn().await?;
    let items = plans::items(&mut c, &p).await?;
    let amendments = plans::amendments(&mut c, p.id).await?;
    let zone = metoda_store::municipalities::zone(&mut c, a.municipality_id).await?;
    drop(c);
    let (progress, total) = progress(period, &execution_of(&items));
    let (from, to) = p.bounds();
    let can_edit = a.is_active() && me.may(Action::Update, &work(&a));
    let page = ViewPage {
        l: Layout::new(ctx, p.title.clone(), "/associations").with_errors(errors).with_zone(zone),
        period_label: year_label(period, p.year),
        bounds: format!("{} – {}", metoda_domain::values::ru_date(from), metoda_domain::values::ru_date(to)),
        path,
        next,
        waiting,
        months: numbered(by_month(items)),
        progress,
        total,
        amendments,
        can_edit,
        form,
        reason,
        directions: ActivityDirection::ALL.iter().map(|x| (x.code(), x.label_ru())).collect(),
        forms: WorkForm::ALL.iter().map(|x| (x.code(), x.label_ru())).collect(),
        month_choices: months_of(period).iter().map(|m| (*m, month_label(*m))).collect(),
        venues: venues(state, &a).await?,
        step,
        p,
        a,
    };
    render_status(status, &page)
}

async fn view_page(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<PlanId>) -> PageResult {
    view_with(&state, &me, &ctx, id, PlanTyped::Nothing, None).await
}

/// An item as typed in a page form (the venue is a select that may be empty).
#[derive(Deserialize, Default)]
#[serde(default)]
struct ItemForm {
    title: String,
    direction: String,
    form: String,
    planned_on: String,
    planned_month: String,
    responsible: String,
    venue_organization_id: String,
    audience: String,
    expected_result: String,
    reason: String,
    version: String,
}

impl ItemForm {
    fn input(self) -> (ItemInput, String) {
        (
            ItemInput {
                title: self.title,
                direction: self.direction,
                form: self.form,
                planned_on: self.planned_on,
                planned_month: self.planned_month,
                responsible: self.responsible,
                venue_organization_id: self.venue_organization_id.trim().parse().ok(),
                audience: self.audience,
                expected_result: self.expected_result,
                version: self.version.trim().parse().ok(),
            },
            self.reason,
        )
    }
}

async fn add_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<PlanId>,
    Form(f): Form<ItemForm>,
) -> PageResult {
    let (input, reason) = f.input();
    match save_item(&state, &me, &ctx, id, None, &input, &reason).await {
        Ok(i) => Ok(redirect_with(&format!("/plans/{id}"), &format!("В план внесено: «{}»", i.title), &ctx)),
        Err(e) => view_with(&state, &me, &ctx, id, PlanTyped::Item(input, reason), Some(e)).await,
    }
}

#[derive(Template)]
#[template(path = "plan_item.html")]
struct ItemPage {
    l: Layout,
    p: WorkPlan,
    a: Association,
    item: PlanItem,
    form: ItemInput,
    reason: String,
    status: StatusInput,
    status_meeting: Option<i64>,
    can_edit: bool,
    directions: Vec<(&'static str, &'static str)>,
    forms: Vec<(&'static str, &'static str)>,
    month_choices: Vec<(u8, &'static str)>,
    venues: Vec<(i64, String)>,
    meetings: Vec<(i64, String)>,
}

impl ItemPage {
    fn is_venue(&self, id: &i64) -> bool {
        self.form.venue_organization_id == Some(*id)
    }
    fn month_selected(&self, m: &u8) -> bool {
        self.form.planned_month.trim() == m.to_string()
    }
    fn venue(&self) -> String {
        self.item
            .venue_organization_id
            .and_then(|v| self.venues.iter().find(|(i, _)| *i == v.get()))
            .map_or_else(|| "—".to_owned(), |(_, n)| n.clone())
    }
    fn date_value(&self) -> String {
        date_value(&self.form.planned_on)
    }
}

/// The item's current data as the edit form shows it.
fn input_of(i: &PlanItem) -> ItemInput {
    ItemInput {
        title: i.title.clone(),
        direction: i.direction.code().to_owned(),
        form: i.form.code().to_owned(),
        planned_on: i.planned_on.map(iso_date).unwrap_or_default(),
        planned_month: if i.planned_on.is_some() {
            String::new()
        } else {
            i.planned_month.map(|m| m.to_string()).unwrap_or_default()
        },
        responsible: i.responsible.clone().unwrap_or_default(),
        venue_organization_id: i.venue_organization_id.map(i64::from),
        audience: i.audience.clone().unwrap_or_default(),
        expected_result: i.expected_result.clone().unwrap_or_default(),
        version: Some(i.version),
    }
}

/// The Russian label of a field of the item's form, for the current values shown after a stale save.
fn item_form_label(field: &str) -> Option<&'static str> {
    Some(match field {
        "title" => "Содержание работы",
        "direction" => "Направление деятельности",
        "form" => "Форма работы",
        "planned_on" => "Дата",
        "planned_month" => "Месяц",
        "responsible" => "Ответственные",
        "venue_organization_id" => "Место проведения",
        "audience" => "Участники",
        "expected_result" => "Ожидаемый результат",
        _ => return None,
    })
}

/// After a stale save of an item: beside each field the item now has otherwise, its current
/// value in words.
fn item_notes(now: &PlanItem, typed: &ItemInput, venues: &[(i64, String)]) -> Vec<FieldError> {
    crate::pages::current_values_as(&input_of(now), typed, item_form_label, |field| match field {
        "direction" => Some(now.direction.label_ru().to_owned()),
        "form" => Some(now.form.label_ru().to_owned()),
        "planned_on" => now.planned_on.map(ru_date),
        "planned_month" => now.planned_month.map(|m| month_name(&m).to_owned()),
        "venue_organization_id" => {
            now.venue_organization_id.and_then(|v| venues.iter().find(|(i, _)| *i == v.get())).map(|(_, n)| n.clone())
        }
        _ => None,
    })
}

async fn item_of(state: &AppState, p: &WorkPlan, item_id: i64) -> Result<PlanItem, AppError> {
    let mut c = state.db.conn().await?;
    plans::items(&mut c, p).await?.into_iter().find(|i| i.id == item_id).ok_or(AppError::NotFound)
}

/// What a refused form of the item page had typed.
enum Typed {
    Nothing,
    Item(ItemInput, String),
    Status(StatusInput, Option<i64>),
}

async fn item_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: PlanId,
    item_id: i64,
    typed: Typed,
    refusal: Option<AppError>,
) -> PageResult {
    let stale = refusal.as_ref().is_some_and(crate::pages::is_stale);
    let (code, mut errors) = shown(refusal)?;
    let (p, a) = load(state, me, id, Action::View).await?;
    let item = item_of(state, &p, item_id).await?;
    let venues = venues(state, &a).await?;
    let (typed_item, typed_status) = match typed {
        Typed::Nothing => (None, None),
        Typed::Item(i, r) => (Some((i, r)), None),
        Typed::Status(s, m) => (None, Some((s, m))),
    };
    let (mut form, reason) = typed_item.unwrap_or_else(|| (input_of(&item), String::new()));
    if stale {
        // The typed input stays, the current values beside it; the next save is based on them.
        errors.extend(item_notes(&item, &form, &venues));
        form.version = Some(item.version);
    }
    let (status, status_meeting) = typed_status.unwrap_or_else(|| {
        (
            StatusInput {
                status: if item.status == ItemStatus::Planned { ItemStatus::Done } else { item.status }.code().into(),
                reason: item.status_reason.clone().unwrap_or_default(),
                moved_to: item.moved_to.map(iso_date).unwrap_or_default(),
            },
            item.fulfilled_meeting_id.map(i64::from),
        )
    });
    let page = ItemPage {
        l: Layout::new(ctx, format!("Мероприятие плана: {}", item.title), "/associations").with_errors(errors),
        can_edit: a.is_active() && me.may(Action::Update, &work(&a)),
        directions: ActivityDirection::ALL.iter().map(|x| (x.code(), x.label_ru())).collect(),
        forms: WorkForm::ALL.iter().map(|x| (x.code(), x.label_ru())).collect(),
        month_choices: months_of(p.period).iter().map(|m| (*m, month_label(*m))).collect(),
        venues,
        meetings: meetings_of(state, &p, false).await?,
        form,
        reason,
        status,
        status_meeting,
        item,
        p,
        a,
    };
    render_status(code, &page)
}

async fn item_page(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, item_id)): Path<(PlanId, i64)>,
) -> PageResult {
    item_with(&state, &me, &ctx, id, item_id, Typed::Nothing, None).await
}

async fn edit_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, item_id)): Path<(PlanId, i64)>,
    Form(f): Form<ItemForm>,
) -> PageResult {
    let (input, reason) = f.input();
    match save_item(&state, &me, &ctx, id, Some(item_id), &input, &reason).await {
        Ok(i) => Ok(redirect_with(&format!("/plans/{id}"), &format!("Изменено в плане: «{}»", i.title), &ctx)),
        Err(e) => item_with(&state, &me, &ctx, id, item_id, Typed::Item(input, reason), Some(e)).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StatusForm {
    status: String,
    reason: String,
    moved_to: String,
    meeting_id: String,
}

async fn status_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, item_id)): Path<(PlanId, i64)>,
    Form(f): Form<StatusForm>,
) -> PageResult {
    let input = StatusInput { status: f.status, reason: f.reason, moved_to: f.moved_to };
    let meeting = f.meeting_id.trim().parse().ok();
    match set_status(&state, &me, &ctx, id, item_id, &input, meeting).await {
        Ok(i) => Ok(redirect_with(&format!("/plans/{id}"), &format!("«{}»: {}", i.title, i.status.label_ru()), &ctx)),
        Err(e) => {
            item_with(&state, &me, &ctx, id, item_id, Typed::Status(input, meeting.map(i64::from)), Some(e)).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StepForm {
    step: String,
    meeting_id: String,
    order_id: String,
    note: String,
}

async fn step_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<PlanId>,
    Form(f): Form<StepForm>,
) -> PageResult {
    let input = StepInput {
        step: f.step.clone(),
        meeting_id: f.meeting_id.trim().parse().ok(),
        order_id: f.order_id.trim().parse().ok(),
        note: f.note.clone(),
    };
    match take_step(&state, &me, &ctx, id, &input).await {
        Ok(p) => {
            let msg = if p.approved() {
                "План утверждён".to_owned()
            } else {
                format!("Отмечено: {}", step_label(&input.step))
            };
            Ok(redirect_with(&format!("/plans/{id}"), &msg, &ctx))
        }
        Err(e) => view_with(&state, &me, &ctx, id, PlanTyped::Step(f), Some(e)).await,
    }
}

// ---- DOCX ----

/// The «УТВЕРЖДАЮ» / «СОГЛАСОВАНО» blocks of an approved plan, from its approving steps.
fn approvals(p: &WorkPlan, path: &[PathStep], authority: Option<&str>) -> Vec<metoda_docs::plan_docx::Approval> {
    use metoda_docs::plan_docx::Approval;
    if !p.approved() {
        return vec![];
    }
    let head = "Руководитель органа управления образованием".to_owned();
    let head_of = || authority.map_or_else(|| head.clone(), |a| format!("{head}\n({a})"));
    path.iter()
        .filter_map(|s| {
            let t = s.taken.as_ref()?;
            let by = t.user_name.as_deref().map(initials).unwrap_or_default();
            let on = format!("от {}", d(t.at.get(..10).unwrap_or("")));
            Some(match evidence(s.step) {
                Evidence::Order => {
                    let o = s.order.as_ref()?;
                    Approval {
                        heading: "УТВЕРЖДАЮ".into(),
                        position: head_of(),
                        name: o.signed_by.clone().unwrap_or_default(),
                        reference: Some(format!(
                            "приказ от {} № {}",
                            metoda_domain::values::ru_date(o.order_date),
                            o.number
                        )),
                    }
                }
                Evidence::AuthorityHead | Evidence::Authority => {
                    Approval {
                        heading: "УТВЕРЖДАЮ".into(), position: head_of(), name: by, reference: Some(on)
                    }
                }
                Evidence::CabinetHead => Approval {
                    heading: "СОГЛАСОВАНО".into(),
                    position: "Заведующий методическим кабинетом".into(),
                    name: by,
                    reference: Some(on),
                },
                Evidence::Draft | Evidence::MeetingDecision => return None,
            })
        })
        .collect()
}

/// The plan as a Word document and a file name for it.
async fn docx_bytes(state: &AppState, p: &WorkPlan, a: &Association) -> Result<(Vec<u8>, String), AppError> {
    use metoda_docs::plan_docx::{PlanDoc, PlanRow, PlanSection, plan_docx};
    let (path, _) = path_of(state, p).await?;
    let mut c = state.db.conn().await?;
    let m = municipalities::get(&mut c, a.municipality_id).await?;
    let items = plans::items(&mut c, p).await?;
    drop(c);
    let period = p.period;
    let sections = by_month(items)
        .into_iter()
        .map(|(label, rows)| PlanSection {
            label: label.to_owned(),
            rows: rows
                .iter()
                .map(|i| PlanRow {
                    title: i.title.clone(),
                    form: i.form.label_ru().to_owned(),
                    when: when(i),
                    responsible: i.responsible.clone().unwrap_or_default(),
                    expected_result: i.expected_result.clone().unwrap_or_default(),
                    execution: execution(i),
                })
                .collect(),
        })
        .collect();
    let draft = if p.approved() { "" } else { "\n(проект)" };
    let doc = PlanDoc {
        approvals: approvals(p, &path, m.authority_name.as_deref()),
        title: "План работы".into(),
        subtitle: format!("{}\nна {}{draft}", a.name, year_label(period, p.year)),
        sections,
    };
    let bytes = plan_docx(&doc).map_err(AppError::internal)?;
    Ok((bytes, format!("План работы {} на {}.docx", a.name, year_label(period, p.year).replace('/', "-"))))
}

fn docx_response(bytes: Vec<u8>, name: &str, p: &WorkPlan) -> Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    let mut r = bytes.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    );
    let disposition = format!(
        "attachment; filename=\"plan-{}-{}.docx\"; filename*=UTF-8''{}",
        p.association_id,
        p.year,
        crate::pages::encode_filename(name)
    );
    r.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
    );
    r
}

async fn docx_page(State(state): State<AppState>, Me(me, _): Me, Path(id): Path<PlanId>) -> PageResult {
    let (p, a) = load(&state, &me, id, Action::View).await?;
    let (bytes, name) = docx_bytes(&state, &p, &a).await?;
    Ok(docx_response(bytes, &name, &p))
}

// ---- API ----

// The JSON views of the store rows (schemas `Plan`, `Item`, `Step`, `Amendment`): codes and
// "YYYY-MM-DD" dates as text, as the API has always sent them.

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Plan)]
pub struct PlanView {
    pub id: i64,
    pub association_id: i64,
    pub year: i64,
    /// academic_year | calendar_year
    pub period: String,
    pub title: String,
    /// JSON list of approval step codes.
    pub steps: String,
    /// draft | approved
    pub status: String,
    pub version: i64,
    pub approved_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&WorkPlan> for PlanView {
    fn from(p: &WorkPlan) -> Self {
        PlanView {
            id: p.id.get(),
            association_id: p.association_id.get(),
            year: p.year,
            period: p.period.code().to_owned(),
            title: p.title.clone(),
            // A list of codes always serializes.
            steps: serde_json::to_string(&p.steps.0).unwrap_or_default(),
            status: p.status.code().to_owned(),
            version: p.version,
            approved_at: p.approved_at.clone(),
            created_at: p.created_at.clone(),
            updated_at: p.updated_at.clone(),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Item)]
pub struct PlanItemView {
    pub id: i64,
    pub plan_id: i64,
    pub title: String,
    pub direction: String,
    pub form: String,
    pub planned_on: Option<String>,
    pub planned_month: Option<i64>,
    pub responsible: Option<String>,
    pub venue_organization_id: Option<i64>,
    pub audience: Option<String>,
    pub expected_result: Option<String>,
    pub status: String,
    pub status_reason: Option<String>,
    pub moved_to: Option<String>,
    pub fulfilled_meeting_id: Option<i64>,
    /// Raised by every change of the item: send it back with an edit (an older one gets 409). Not
    /// the plan's `version`, which numbers its approved editions.
    pub version: i64,
}

impl From<&PlanItem> for PlanItemView {
    fn from(i: &PlanItem) -> Self {
        PlanItemView {
            id: i.id,
            plan_id: i.plan_id.get(),
            title: i.title.clone(),
            direction: i.direction.code().to_owned(),
            form: i.form.code().to_owned(),
            planned_on: i.planned_on.map(iso_date),
            planned_month: i.planned_month,
            responsible: i.responsible.clone(),
            venue_organization_id: i.venue_organization_id.map(i64::from),
            audience: i.audience.clone(),
            expected_result: i.expected_result.clone(),
            status: i.status.code().to_owned(),
            status_reason: i.status_reason.clone(),
            moved_to: i.moved_to.map(iso_date),
            fulfilled_meeting_id: i.fulfilled_meeting_id.map(i64::from),
            version: i.version,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Step)]
pub struct StepView {
    pub id: i64,
    pub step: String,
    pub evidence: String,
    pub meeting_id: Option<i64>,
    pub order_id: Option<i64>,
    pub user_id: Option<i64>,
    /// Who took the step.
    pub user_name: Option<String>,
    pub note: Option<String>,
    pub at: String,
}

impl From<&Step> for StepView {
    fn from(s: &Step) -> Self {
        StepView {
            id: s.id,
            step: s.step.code().to_owned(),
            evidence: metoda_domain::Code::code(s.evidence).to_owned(),
            meeting_id: s.meeting_id.map(i64::from),
            order_id: s.order_id.map(i64::from),
            user_id: s.user_id.map(i64::from),
            user_name: s.user_name.clone(),
            note: s.note.clone(),
            at: s.at.clone(),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Amendment)]
pub struct AmendmentView {
    pub id: i64,
    pub version: i64,
    pub item_id: Option<i64>,
    pub reason: String,
    /// What changed: `{"field": [old, new]}`, or `{"added": title}` for a new item.
    pub changes: String,
    pub user_id: Option<i64>,
    /// Who made the change.
    pub user_name: Option<String>,
    pub at: String,
}

impl From<&Amendment> for AmendmentView {
    fn from(a: &Amendment) -> Self {
        AmendmentView {
            id: a.id,
            version: a.version,
            item_id: a.item_id,
            reason: a.reason.clone(),
            changes: a.changes.clone(),
            user_id: a.user_id.map(i64::from),
            user_name: a.user_name.clone(),
            at: a.at.clone(),
        }
    }
}

/// A plan with its approval path, items, progress and amendments.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PlanBody {
    pub plan: PlanView,
    /// The steps the profile sets, in order (codes).
    pub path: Vec<String>,
    /// The steps taken.
    pub steps: Vec<StepView>,
    /// The step to take next (None: approved).
    pub next_step: Option<String>,
    pub items: Vec<PlanItemView>,
    /// Execution by month in the order of the plan's year, and in total.
    pub progress: Vec<Progress>,
    pub total: Progress,
    pub amendments: Vec<AmendmentView>,
}

async fn body(state: &AppState, p: WorkPlan) -> Result<PlanBody, AppError> {
    let mut c = state.db.conn().await?;
    let steps = plans::steps(&mut c, p.id).await?;
    let items = plans::items(&mut c, &p).await?;
    let amendments = plans::amendments(&mut c, p.id).await?;
    let mut path = PlanPath::new(&p.steps.0);
    path.done = steps.iter().map(|s| s.step).collect();
    let (progress, total) = progress(p.period, &execution_of(&items));
    Ok(PlanBody {
        path: p.steps.0.iter().map(|s| s.code().to_owned()).collect(),
        next_step: path.next().map(|s| s.code().to_owned()),
        steps: steps.iter().map(StepView::from).collect(),
        items: items.iter().map(PlanItemView::from).collect(),
        progress,
        total,
        amendments: amendments.iter().map(AmendmentView::from).collect(),
        plan: PlanView::from(&p),
    })
}

/// The plans of an association, newest year first.
#[utoipa::path(get, path = "/api/v1/associations/{id}/plans", tag = "plans", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<PlanView>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(id): Path<AssociationId>,
) -> ApiResult<Vec<PlanView>> {
    let a = association_for(&state, &me, id, Action::View).await?;
    let mut c = state.db.conn().await?;
    Ok(Json(plans::for_association(&mut c, a.id).await?.iter().map(PlanView::from).collect()))
}

/// Make the plan of a year (default: the current plan year by the profile's period): empty, from
/// the cyclogram, or as a copy of last year's plan. The approval path is the profile's.
#[utoipa::path(post, path = "/api/v1/associations/{id}/plans", tag = "plans", params(("id" = i64, Path)), request_body = PlanInput,
    responses((status = 200, body = PlanBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<AssociationId>,
    b: JsonIn<PlanInput>,
) -> ApiResult<PlanBody> {
    let input = json_body(b)?;
    let (p, _) = create(&state, &me, &ctx, id, &input).await?;
    Ok(Json(body(&state, p).await?))
}

#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "plans", params(("id" = i64, Path)),
    responses((status = 200, body = PlanBody), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(id): Path<PlanId>,
) -> ApiResult<PlanBody> {
    let (p, _) = load(&state, &me, id, Action::View).await?;
    Ok(Json(body(&state, p).await?))
}

/// An item with the reason of the change (required once the plan is approved: the change is
/// then recorded as an amendment and raises the plan's version).
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct ItemChange {
    #[serde(flatten)]
    pub item: ItemInput,
    /// «Причина изменения»: required after approval.
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/plans/{id}/items", tag = "plans", params(("id" = i64, Path)), request_body = ItemChange,
    responses((status = 200, body = PlanItemView), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_add_item(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<PlanId>,
    b: JsonIn<ItemChange>,
) -> ApiResult<PlanItemView> {
    let b = json_body(b)?;
    Ok(Json(PlanItemView::from(&save_item(&state, &me, &ctx, id, None, &b.item, &b.reason).await?)))
}

#[utoipa::path(put, path = "/api/v1/plans/{id}/items/{item_id}", tag = "plans", params(("id" = i64, Path), ("item_id" = i64, Path)),
    request_body = ItemChange,
    responses((status = 200, body = PlanItemView), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_update_item(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path((id, item_id)): Path<(PlanId, i64)>,
    b: JsonIn<ItemChange>,
) -> ApiResult<PlanItemView> {
    let b = json_body(b)?;
    Ok(Json(PlanItemView::from(&save_item(&state, &me, &ctx, id, Some(item_id), &b.item, &b.reason).await?)))
}

/// The execution of an item: done, moved (with the new date and a reason) or cancelled (with a reason).
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct StatusChange {
    #[serde(flatten)]
    pub status: StatusInput,
    /// The meeting of the association that carried the item out, if any.
    pub meeting_id: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/plans/{id}/items/{item_id}/status", tag = "plans",
    params(("id" = i64, Path), ("item_id" = i64, Path)), request_body = StatusChange,
    responses((status = 200, body = PlanItemView), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_status(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path((id, item_id)): Path<(PlanId, i64)>,
    b: JsonIn<StatusChange>,
) -> ApiResult<PlanItemView> {
    let b = json_body(b)?;
    Ok(Json(PlanItemView::from(
        &set_status(&state, &me, &ctx, id, item_id, &b.status, b.meeting_id.map(MeetingId)).await?,
    )))
}

/// Take the next approval step of the plan's path, with its evidence; the last step approves it.
/// Steps out of the profile's order are refused (409) naming the step due.
#[utoipa::path(post, path = "/api/v1/plans/{id}/steps", tag = "plans", params(("id" = i64, Path)), request_body = StepInput,
    responses((status = 200, body = PlanBody), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_step(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<PlanId>,
    b: JsonIn<StepInput>,
) -> ApiResult<PlanBody> {
    let b = json_body(b)?;
    let p = take_step(&state, &me, &ctx, id, &b).await?;
    Ok(Json(body(&state, p).await?))
}

/// The plan as a Word document (the «УТВЕРЖДАЮ» block once approved, a section per month).
#[utoipa::path(get, path = "/api/v1/plans/{id}/docx", tag = "plans", params(("id" = i64, Path)),
    responses((status = 200, description = "DOCX", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_docx(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(id): Path<PlanId>,
) -> Result<Response, ApiError> {
    let (p, a) = load(&state, &me, id, Action::View).await?;
    let (bytes, name) = docx_bytes(&state, &p, &a).await?;
    Ok(docx_response(bytes, &name, &p))
}

/// The month position, for sorting rows of the cyclogram in the order of the plan year.
pub fn position(period: PlanPeriod, month: i64) -> usize {
    u8::try_from(month).map_or(12, |m| month_position(period, m))
}
