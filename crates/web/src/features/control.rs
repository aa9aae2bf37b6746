//! The authority's control of its associations (000 §4.3, 004 §4.6): every active association of
//! a municipality against its regulation profile for the period — meetings held, required and
//! planned, minutes overdue, the plan, the analysis due, submitted, late or returned, the
//! composition order of the year (004 §2.2), members against the minimum (000 §1.2), the required
//! documents missing, results waiting for confirmation and categories expiring within a year. A
//! filter «только отстающие», sorting by any column, a chart and XLSX. Read with the same handful
//! of statements whatever the municipality's size.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metoda_domain::FieldError;
use metoda_domain::access::{Action, Resource, Role};
use metoda_domain::analysis::{self, Period};
use metoda_domain::documents;
use metoda_domain::ids::{AssociationId, MunicipalityId};
use metoda_domain::meetings::Compliance;
use metoda_domain::paging::Paging;
use metoda_domain::plans::PlanStatus;
use metoda_domain::profile::{PlanPeriod, ProfileSettings, RequiredDocument};
use metoda_domain::reports::{ReportStatus, deadline_of};
use metoda_domain::teachers::AcademicYear;
use metoda_domain::values::{plural_ru, ru_date};
use metoda_store::associations::{self, Association};
use metoda_store::municipalities::Municipality;
use metoda_store::reports::AnnualAnalysis;
use metoda_store::{Within, worklist};
use serde::Deserialize;
use time::Date;

use crate::AppState;
use crate::auth::{Current, Me};
use crate::error::{AppError, PageResult};
use crate::extract::Query;
use crate::features::teachers::{Chart, chart};
use crate::pages::{Layout, Pager, render};

pub fn routes() -> Router<AppState> {
    Router::new().route("/control", get(page)).route("/control.xlsx", get(xlsx))
}

/// Associations a page at a time.
const PER_PAGE: i64 = 50;

/// The analysis of an association for the period, as the control sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AnalysisState {
    /// The deadline has passed and nothing was submitted.
    Overdue,
    Returned,
    NotStarted,
    Draft,
    Submitted,
    Accepted,
}

impl AnalysisState {
    pub fn of(report: Option<&AnnualAnalysis>, due_on: Option<Date>, today: Date) -> AnalysisState {
        let past = due_on.is_some_and(|d| today > d);
        match report.map(|r| r.status) {
            Some(ReportStatus::Submitted) => AnalysisState::Submitted,
            Some(ReportStatus::Accepted) => AnalysisState::Accepted,
            Some(ReportStatus::Returned) => AnalysisState::Returned,
            _ if past => AnalysisState::Overdue,
            Some(ReportStatus::Draft) => AnalysisState::Draft,
            None => AnalysisState::NotStarted,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            AnalysisState::Overdue => "не представлен, срок прошёл",
            AnalysisState::Returned => "возвращён на доработку",
            AnalysisState::NotStarted => "не начат",
            AnalysisState::Draft => "готовится",
            AnalysisState::Submitted => "ждёт решения",
            AnalysisState::Accepted => "принят",
        }
    }
    pub fn bad(self) -> bool {
        matches!(self, AnalysisState::Overdue | AnalysisState::Returned)
    }
    pub fn ok(self) -> bool {
        self == AnalysisState::Accepted
    }
}

/// One association against its profile.
pub struct Line {
    pub a: Association,
    pub min_members: Option<u32>,
    pub compliance: Compliance,
    pub plan: Option<PlanStatus>,
    pub analysis: AnalysisState,
    /// The report was submitted after its deadline.
    pub late: bool,
    /// The authority's comment of a returned report.
    pub comment: Option<String>,
    /// Some when the profile requires a composition order: the year's order number, if any.
    pub composition: Option<Option<String>>,
    pub missing_documents: Vec<String>,
    pub pending_results: i64,
    pub expiring: i64,
}

impl Line {
    pub fn below_minimum(&self) -> bool {
        self.min_members.is_some_and(|m| (self.a.members as u32) < m)
    }
    /// What is wrong, in words (empty: on track).
    pub fn problems(&self) -> Vec<&'static str> {
        let mut out = vec![];
        if self.meetings_short() {
            out.push("заседания");
        }
        if self.compliance.overdue_minutes > 0 {
            out.push("протоколы");
        }
        if self.plan != Some(PlanStatus::Approved) {
            out.push("план");
        }
        if self.analysis.bad() {
            out.push("анализ");
        }
        if self.below_minimum() {
            out.push("состав");
        }
        if matches!(self.composition, Some(None)) {
            out.push("приказ о составе");
        }
        if !self.missing_documents.is_empty() {
            out.push("документы");
        }
        out
    }
    pub fn behind(&self) -> bool {
        !self.problems().is_empty()
    }
    /// The minimum of meetings is not reached and the meetings planned cannot reach it (or the
    /// year is over).
    pub fn meetings_short(&self) -> bool {
        let c = &self.compliance;
        c.missing() > 0 && (c.days_left == 0 || c.planned_ahead < c.missing())
    }
    pub fn plan_label(&self) -> &'static str {
        match self.plan {
            Some(PlanStatus::Approved) => "утверждён",
            Some(PlanStatus::Draft) => "не утверждён",
            None => "нет",
        }
    }
    pub fn meetings_label(&self) -> String {
        let c = &self.compliance;
        match c.minimum {
            Some(m) => format!("{} из {m}", c.valid_meetings),
            None => c.valid_meetings.to_string(),
        }
    }
}

/// The control of one municipality for a period.
pub struct Control {
    pub m: Municipality,
    /// The municipality has a regulation profile (without one nothing can be checked).
    pub profiled: bool,
    pub plan_year: i32,
    pub plan_year_label: String,
    pub period: Period,
    pub due_on: Option<Date>,
    pub today: Date,
    pub lines: Vec<Line>,
    /// The profile plans by academic years (else by calendar years).
    pub academic: bool,
}

/// The columns the control sorts by.
const SORTS: &[(&str, &str)] = &[
    ("problems", "Отставание"),
    ("name", "Объединение"),
    ("members", "Членов"),
    ("meetings", "Заседания"),
    ("minutes", "Протоколы"),
    ("plan", "План"),
    ("analysis", "Анализ"),
    ("order", "Приказ о составе"),
    ("documents", "Документы"),
    ("results", "Результаты"),
    ("expiring", "Категории"),
];

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ControlQuery {
    pub municipality_id: Option<i64>,
    /// The year: the plan year of the meetings and the plan, the first year of the analysis's
    /// period (default: the current plan year, and the analysis whose work is still open).
    pub year: Option<i32>,
    /// «1»: only the associations that are behind.
    pub behind: Option<String>,
    pub sort: Option<String>,
    /// «1»: descending.
    pub desc: Option<String>,
    pub page: Option<i64>,
}

impl ControlQuery {
    fn behind(&self) -> bool {
        self.behind.as_deref() == Some("1")
    }
    fn desc(&self) -> bool {
        self.desc.as_deref() == Some("1")
    }
    fn sort(&self) -> &str {
        self.sort.as_deref().filter(|s| SORTS.iter().any(|(k, _)| k == s)).unwrap_or("problems")
    }
    /// The query of this view with some keys replaced (None: dropped).
    fn with(&self, m: MunicipalityId, changes: &[(&str, Option<String>)]) -> String {
        let mut pairs: Vec<(&str, Option<String>)> = vec![
            ("municipality_id", Some(m.to_string())),
            ("year", self.year.map(|y| y.to_string())),
            ("behind", self.behind.clone().filter(|b| b == "1")),
            ("sort", self.sort.clone()),
            ("desc", self.desc.clone().filter(|d| d == "1")),
        ];
        for (k, v) in changes {
            match pairs.iter_mut().find(|(key, _)| key == k) {
                Some(p) => p.1 = v.clone(),
                None => pairs.push((k, v.clone())),
            }
        }
        pairs
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}={}", crate::pages::encode_filename(&v))))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Does the user oversee this municipality's associations: the administrator, the operator of its
/// region, its authority (head, specialist, methodological cabinet)? A lesser role held there
/// (a teacher, a school's administrator) does not open its control.
pub fn oversees_municipality(me: &Current, region_id: metoda_domain::ids::RegionId, m: MunicipalityId) -> bool {
    crate::pages::is_admin(me)
        || me.principal.grants.iter().any(|g| match g.role {
            Role::RegionOperator => g.region_id == Some(region_id),
            Role::AuthorityHead | Role::AuthoritySpecialist | Role::CabinetHead => g.municipality_id == Some(m),
            _ => false,
        })
}

/// The municipality asked for, or the first one the user oversees.
async fn municipality_of(state: &AppState, me: &Current, asked: Option<i64>) -> Result<MunicipalityId, AppError> {
    if let Some(m) = asked {
        return Ok(MunicipalityId(m));
    }
    let own = me.principal.grants.iter().find_map(|g| {
        matches!(g.role, Role::AuthorityHead | Role::AuthoritySpecialist | Role::CabinetHead)
            .then_some(g.municipality_id)
            .flatten()
    });
    if let Some(m) = own {
        return Ok(m);
    }
    let mut c = state.db.conn().await?;
    metoda_store::municipalities::list(&mut c, None, false)
        .await?
        .into_iter()
        .find(|m| oversees_municipality(me, m.region_id, m.id))
        .map(|m| m.id)
        .ok_or(AppError::Forbidden)
}

/// Reads the control of a municipality: every active association the user may see.
pub async fn read(state: &AppState, me: &Current, m: MunicipalityId, year: Option<i32>) -> Result<Control, AppError> {
    if let Some(y) = year
        && !(1900..=2100).contains(&y)
    {
        return Err(AppError::Validation(vec![FieldError::new("year", "Год: от 1900 до 2100")]));
    }
    let mut c = state.db.conn().await?;
    // Another's municipality answers as one that does not exist would: ids are not probed.
    let m = metoda_store::municipalities::get(&mut c, m).await.map_err(|_| AppError::Forbidden)?;
    if !oversees_municipality(me, m.region_id, m.id) {
        return Err(AppError::Forbidden);
    }
    let today = state.today(m.zone());
    let settings = metoda_store::profiles::municipality_settings(&mut c, m.id).await?;
    let Some(s) = settings else {
        // Without a profile there is nothing to check against.
        let period = year.map_or_else(|| Period::open(PlanPeriod::AcademicYear, today), Period::academic);
        return Ok(Control {
            plan_year: period.year,
            plan_year_label: period.label_ru(),
            m,
            profiled: false,
            period,
            due_on: None,
            today,
            lines: vec![],
            academic: true,
        });
    };
    let kind = analysis::periods(&s.analysis_deadlines.value)[0];
    let plan_year = year.unwrap_or_else(|| metoda_domain::meetings::year_of(s.plan_period.value, today));
    let period = match year {
        Some(y) => Period { kind, year: y },
        None => Period::open(kind, today),
    };
    let due_on = deadline_of(&s.analysis_deadlines.value, period);
    let list: Vec<Association> = associations::list_within(&mut c, Within::Municipality(m.id))
        .await?
        .into_iter()
        .filter(|a| a.is_active())
        .filter(|a| me.may(Action::View, &crate::features::associations::res(a)))
        .collect();
    let ids: Vec<AssociationId> = list.iter().map(|a| a.id).collect();
    let academic = match year {
        Some(y) => AcademicYear(y),
        None => AcademicYear::containing(today),
    };
    let mut records = associations::records_of(&mut c, &ids, academic, plan_year).await?;
    let with: Vec<(AssociationId, &ProfileSettings)> = ids.iter().map(|a| (*a, &s)).collect();
    let mut compliance = metoda_store::meetings::compliance_of(&mut c, &with, plan_year, today).await?;
    let reports: HashMap<AssociationId, AnnualAnalysis> =
        metoda_store::reports::of_within(&mut c, Within::Municipality(m.id), period)
            .await?
            .into_iter()
            .map(|r| (r.association_id, r))
            .collect();
    let pending = worklist::pending_results(&mut c, &ids).await?;
    let year_ahead = metoda_domain::teachers::add_months(today, 12);
    let expiring = worklist::expiring_categories(&mut c, &ids, year_ahead).await?;
    drop(c);
    let wants_order = s.required_documents.value.contains(&RequiredDocument::CompositionOrder);
    let lines = list
        .into_iter()
        .map(|a| {
            let r = records.remove(&a.id.get()).unwrap_or_default();
            let report = reports.get(&a.id);
            let missing = {
                let facts = r.facts(a.members as usize);
                documents::register(&s.required_documents.value, &facts)
                    .into_iter()
                    .filter(|d| !d.present)
                    .map(|d| d.label.to_owned())
                    .collect()
            };
            Line {
                min_members: s.min_members.value,
                compliance: compliance
                    .remove(&a.id.get())
                    .unwrap_or_else(|| metoda_store::meetings::compliance_without_meetings(&s, plan_year, today)),
                plan: r.plan_status,
                analysis: AnalysisState::of(report, due_on, today),
                late: report.is_some_and(|r| r.late),
                comment: report.filter(|r| r.status == ReportStatus::Returned).and_then(|r| r.comment.clone()),
                composition: wants_order.then(|| r.composition_order.clone()),
                missing_documents: missing,
                pending_results: pending.get(&a.id).copied().unwrap_or(0),
                expiring: expiring.get(&a.id).copied().unwrap_or(0),
                a,
            }
        })
        .collect();
    let plan_year_label = match s.plan_period.value {
        PlanPeriod::AcademicYear => format!("{plan_year}/{} учебный год", plan_year + 1),
        PlanPeriod::CalendarYear => format!("{plan_year} год"),
    };
    Ok(Control {
        academic: s.plan_period.value == PlanPeriod::AcademicYear,
        m,
        profiled: true,
        plan_year,
        plan_year_label,
        period,
        due_on,
        today,
        lines,
    })
}

/// Filters and sorts the lines as the query asks.
fn arrange(lines: &mut Vec<Line>, q: &ControlQuery) {
    if q.behind() {
        lines.retain(Line::behind);
    }
    let key = q.sort();
    lines.sort_by(|x, y| {
        let o = match key {
            "name" => x.a.name.cmp(&y.a.name),
            "members" => x.a.members.cmp(&y.a.members),
            "meetings" => (x.compliance.missing(), x.compliance.valid_meetings)
                .cmp(&(y.compliance.missing(), y.compliance.valid_meetings)),
            "minutes" => x.compliance.overdue_minutes.cmp(&y.compliance.overdue_minutes),
            "plan" => x.plan.map(|p| p == PlanStatus::Approved).cmp(&y.plan.map(|p| p == PlanStatus::Approved)),
            "analysis" => x.analysis.cmp(&y.analysis),
            "order" => x.composition.as_ref().map(Option::is_some).cmp(&y.composition.as_ref().map(Option::is_some)),
            "documents" => x.missing_documents.len().cmp(&y.missing_documents.len()),
            "results" => x.pending_results.cmp(&y.pending_results),
            "expiring" => x.expiring.cmp(&y.expiring),
            // the most behind first
            _ => y.problems().len().cmp(&x.problems().len()),
        };
        let o = if q.desc() { o.reverse() } else { o };
        o.then_with(|| x.a.name.cmp(&y.a.name))
    });
}

/// The chart: how many associations have each problem.
fn problems_chart(lines: &[Line]) -> Chart {
    let kinds = ["заседания", "протоколы", "план", "анализ", "состав", "приказ о составе", "документы"];
    let labels = [
        "Отстают по заседаниям",
        "Протоколы не подписаны",
        "План не утверждён",
        "Анализ просрочен или возвращён",
        "Членов меньше минимума",
        "Нет приказа о составе",
        "Не хватает документов",
    ];
    let data: Vec<(String, i64)> = kinds
        .iter()
        .zip(labels)
        .map(|(k, label)| (label.to_owned(), lines.iter().filter(|l| l.problems().contains(k)).count() as i64))
        .collect();
    chart("Объединения по видам отставания", &data)
}

#[derive(Template)]
#[template(path = "control.html")]
struct ControlPage {
    l: Layout,
    c: Control,
    /// Lines of this page.
    shown: Vec<Line>,
    total: usize,
    behind: usize,
    pager: Pager,
    charts: Vec<Chart>,
    years: Vec<i32>,
    q: ControlQuery,
    /// (code, label, link that sorts by it, marker of the current sort)
    heads: Vec<(&'static str, &'static str, String, &'static str)>,
    /// The municipalities the user may pick (an operator's or the administrator's), with the chosen.
    municipalities: Vec<(i64, String)>,
    all_link: String,
    behind_link: String,
    xlsx_link: String,
    /// The user may register orders, decide on results and read the teacher bank of the
    /// municipality: the cells link there only then.
    can_order: bool,
    can_curate: bool,
    can_bank: bool,
    can_assign: bool,
}

async fn page(State(state): State<AppState>, Me(me, ctx): Me, Query(q): Query<ControlQuery>) -> PageResult {
    let mid = municipality_of(&state, &me, q.municipality_id).await?;
    let mut control = read(&state, &me, mid, q.year).await?;
    let total = control.lines.len();
    let behind = control.lines.iter().filter(|l| l.behind()).count();
    let charts = vec![problems_chart(&control.lines)];
    let mut lines = std::mem::take(&mut control.lines);
    arrange(&mut lines, &q);
    let paging = Paging::new(q.page, PER_PAGE);
    let count = lines.len() as i64;
    let shown: Vec<Line> = lines
        .into_iter()
        .skip(usize::try_from(paging.offset()).unwrap_or(usize::MAX))
        .take(usize::try_from(paging.per_page).unwrap_or(0))
        .collect();
    let m = control.m.id;
    let current = q.sort();
    let heads = SORTS
        .iter()
        .map(|(code, label)| {
            let (desc, mark) = if *code == current {
                if q.desc() { (None, " ↓") } else { (Some("1".to_owned()), " ↑") }
            } else {
                (None, "")
            };
            (
                *code,
                *label,
                format!("/control?{}", q.with(m, &[("sort", Some((*code).to_owned())), ("desc", desc)])),
                mark,
            )
        })
        .collect();
    let municipalities = {
        let mut c = state.db.conn().await?;
        let region = control.m.region_id;
        metoda_store::municipalities::list(&mut c, Some(region), false)
            .await?
            .into_iter()
            .filter(|x| oversees_municipality(&me, x.region_id, x.id))
            .map(|x| (x.id.get(), x.name))
            .collect::<Vec<_>>()
    };
    let now = control.today.year();
    let (region_id, municipality_id) = (control.m.region_id, control.m.id);
    let can_order = me.may(Action::Create, &Resource::Order { region_id, municipality_id });
    let can_curate = me.may(Action::View, &Resource::ResultDecision { region_id, municipality_id, own: false });
    let bank = metoda_domain::access::teacher_scope(&me.principal);
    let can_bank = bank.all || bank.municipalities.contains(&municipality_id);
    let can_assign = me.may(Action::Update, &Resource::ProfileAssignment { region_id, municipality_id });
    let page = ControlPage {
        can_assign,
        can_order,
        can_curate,
        can_bank,
        l: Layout::new(&ctx, format!("Контроль объединений — {}", control.m.name), "/control")
            .with_zone(control.m.zone()),
        shown,
        total,
        behind,
        pager: Pager::new(paging, count, format!("/control?{}", q.with(m, &[]))),
        charts,
        years: (now - 4..=now).rev().collect(),
        heads,
        municipalities: if municipalities.len() > 1 { municipalities } else { vec![] },
        all_link: format!("/control?{}", q.with(m, &[("behind", None)])),
        behind_link: format!("/control?{}", q.with(m, &[("behind", Some("1".into()))])),
        xlsx_link: format!("/control.xlsx?{}", q.with(m, &[])),
        q,
        c: control,
    };
    render(&page)
}

/// The control as a table (the same rows as the page, every page of them).
async fn xlsx(
    State(state): State<AppState>,
    Me(me, _ctx): Me,
    Query(q): Query<ControlQuery>,
) -> Result<Response, AppError> {
    let mid = municipality_of(&state, &me, q.municipality_id).await?;
    let mut control = read(&state, &me, mid, q.year).await?;
    let mut lines = std::mem::take(&mut control.lines);
    arrange(&mut lines, &q);
    let headers = [
        "Объединение",
        "Руководитель",
        "Членов",
        "Минимум членов",
        "Заседаний с подписанным протоколом",
        "Минимум заседаний",
        "Запланировано ещё",
        "Заседаний без подписанного протокола более 14 дней",
        "План работы",
        "Анализ",
        "Срок анализа",
        "Приказ о составе",
        "Не хватает документов",
        "Результатов ждут подтверждения",
        "Категория истекает в течение года",
        "Отставание",
    ];
    let dash = || "—".to_owned();
    let rows: Vec<metoda_docs::export::ExportRow> = lines
        .iter()
        .map(|l| metoda_docs::export::ExportRow {
            cells: vec![
                l.a.name.clone(),
                l.a.head_name.clone().unwrap_or_else(dash),
                l.a.members.to_string(),
                l.min_members.map_or_else(dash, |m| m.to_string()),
                l.compliance.valid_meetings.to_string(),
                l.compliance.minimum.map_or_else(dash, |m| m.to_string()),
                l.compliance.planned_ahead.to_string(),
                l.compliance.overdue_minutes.to_string(),
                l.plan_label().to_owned(),
                analysis_words(l),
                control.due_on.map_or_else(dash, ru_date),
                match &l.composition {
                    None => "не требуется".to_owned(),
                    Some(None) => "нет".to_owned(),
                    Some(Some(n)) => format!("№ {n}"),
                },
                if l.missing_documents.is_empty() {
                    "все есть".to_owned()
                } else {
                    l.missing_documents.join("; ")
                },
                l.pending_results.to_string(),
                l.expiring.to_string(),
                if l.behind() { l.problems().join(", ") } else { "нет".to_owned() },
            ],
        })
        .collect();
    let title = format!(
        "Контроль объединений — {}: заседания и план за {}, анализ за {}, на {}",
        control.m.name,
        control.plan_year_label,
        control.period.label_ru(),
        ru_date(control.today)
    );
    let bytes = metoda_docs::export::table_xlsx("Контроль", &title, &headers, &rows).map_err(AppError::internal)?;
    let name = format!("Контроль объединений — {} — {}.xlsx", control.m.name, control.plan_year);
    Ok(crate::pages::download(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &name)
        .into_response())
}

/// The analysis's state in words, with a late submission and the authority's comment.
pub fn analysis_words(l: &Line) -> String {
    let mut s = l.analysis.label().to_owned();
    if l.late && matches!(l.analysis, AnalysisState::Submitted | AnalysisState::Accepted) {
        s.push_str(", с опозданием");
    }
    if let Some(c) = &l.comment {
        s.push_str(&format!(" («{c}»)"));
    }
    s
}

/// «3 объединения из 12 отстают».
pub fn behind_words(behind: usize, total: usize) -> String {
    let n = behind as i64;
    format!(
        "{behind} {} из {total} {}",
        plural_ru(n, "объединение", "объединения", "объединений"),
        plural_ru(n, "отстаёт", "отстают", "отстают")
    )
}
