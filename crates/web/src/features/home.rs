//! The start page: each role's work list — what waits on this person, by when, one click from
//! where to act. The authority sees its control of the associations and what waits for its
//! decision; an association's officers their association's next steps; a teacher their own card;
//! the region operator the municipalities' reports; the administrator the system's state.
//! Every list is read for the person's own associations or municipality at once, never per row of
//! the data: what is read per association is read for the few the person holds an office in.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use metoda_domain::access::{Action, Resource, Role, ScopeKind, signs_as};
use metoda_domain::analysis::{self, Period};
use metoda_domain::ids::{AssociationId, MunicipalityId, RegionId};
use metoda_domain::profile::{ApprovalStep, PlanPeriod, ProfileSettings, Signatory};
use metoda_domain::reports::{ReportStatus, deadline_of};
use metoda_domain::teachers::AcademicYear;
use metoda_domain::values::plural_ru;
use metoda_store::meetings::{ActionItem, Meeting};
use metoda_store::municipalities::{self, Municipality};
use metoda_store::reports::AnnualAnalysis;
use metoda_store::results::ResultRecord;
use metoda_store::teachers::Teacher;
use metoda_store::worklist::{self, DraftPlan, Unsigned};
use metoda_store::{Within, organizations};
use serde::Deserialize;
use time::Date;

use crate::AppState;
use crate::auth::{Current, Me};
use crate::error::{AppError, PageResult};
use crate::extract::Query;
use crate::features::control::{self, AnalysisState};
use crate::pages::{Layout, RuDate, is_admin, render};

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

pub struct MuniCard {
    pub m: Municipality,
    pub organizations: usize,
    pub can_manage: bool,
}

/// What waits on the authority of a municipality.
pub struct AuthorityWork {
    pub m: Municipality,
    pub behind: usize,
    pub total: usize,
    /// Reports submitted and waiting for the authority's decision, of any period.
    pub to_decide: Vec<(AnnualAnalysis, String)>,
    pub pending_results: i64,
    /// Plans whose next step the user may take.
    pub plan_steps: Vec<(DraftPlan, &'static str)>,
}

impl AuthorityWork {
    pub fn pending_words(&self) -> String {
        let n = usize::try_from(self.pending_results).unwrap_or(0);
        format!("{} подтверждения", count_words(n, "результат ждёт", "результата ждут", "результатов ждут"))
    }
    pub fn behind_words(&self) -> String {
        control::behind_words(self.behind, self.total)
    }
}

/// What waits on an officer of one association.
pub struct OfficerWork {
    pub id: AssociationId,
    pub name: String,
    /// The user's posts in it.
    pub posts: Vec<&'static str>,
    pub next_meeting: Option<Meeting>,
    /// Minutes waiting for this user's signature.
    pub to_sign: Vec<Unsigned>,
    /// Meetings past their date without attendance, or held without minutes (the secretary's).
    pub unrecorded: Vec<Meeting>,
    /// The analyses of every kind of period the profile reports for, each its open one.
    pub analyses: Vec<AnalysisItem>,
    /// The analysis and the plan are the user's to write (head or deputy).
    pub writes_analysis: bool,
    pub plan_step: Option<(DraftPlan, &'static str)>,
    /// There is no plan for the plan year.
    pub no_plan: bool,
    /// «2026/2027 учебный год» or «2027 год».
    pub plan_year_label: String,
    pub pending_results: i64,
    pub overdue: Vec<ActionItem>,
    /// The association's events waiting on its organisers: the sheet and «held», certificates.
    pub events: Vec<metoda_store::events::Event>,
}

/// One analysis on an officer's card.
pub struct AnalysisItem {
    pub association_id: AssociationId,
    pub period: Period,
    pub due_on: Option<Date>,
    pub state: AnalysisState,
    /// The authority's comment of a returned report.
    pub comment: Option<String>,
}

impl AnalysisItem {
    /// «до 1 июля 2027 (через 210 дней)» or «срок был … — прошло 3 дня».
    pub fn due_words(&self, today: &Date) -> String {
        match self.due_on {
            Some(d) => {
                let days = (d - *today).whole_days();
                if days >= 0 {
                    format!("до {} ({})", d.ru(), metoda_domain::notify::in_days(days))
                } else {
                    let n = -days;
                    format!("срок был {} — прошло {n} {}", d.ru(), plural_ru(n, "день", "дня", "дней"))
                }
            }
            None => "срок положением не установлен".to_owned(),
        }
    }
    /// The deadline is worth saying while the analysis is still to be written.
    pub fn shows_due(&self) -> bool {
        matches!(self.state, AnalysisState::NotStarted | AnalysisState::Draft | AnalysisState::Overdue)
    }
    pub fn link(&self) -> String {
        let pq = if self.period.kind == PlanPeriod::CalendarYear { "&period=calendar_year" } else { "" };
        format!("/associations/{}/analysis?year={}{pq}", self.association_id, self.period.year)
    }
}

impl OfficerWork {
    pub fn pending_words(&self) -> String {
        let n = usize::try_from(self.pending_results).unwrap_or(0);
        format!(
            "{} подтверждения",
            count_words(n, "результат членов ждёт", "результата членов ждут", "результатов членов ждут")
        )
    }
}

/// A teacher's own card.
pub struct TeacherWork {
    pub t: Teacher,
    pub next_meetings: Vec<(Meeting, String)>,
    pub results: Vec<ResultRecord>,
    pub year: AcademicYear,
    pub topic: Option<(String, bool)>,
    /// Days until the category expires (negative: expired), when it does.
    pub expires_in: Option<i64>,
    /// The teacher's registrations for events to come.
    pub events: Vec<(metoda_store::events::Event, metoda_store::events::EventRegistration)>,
    /// Events the teacher may still register for.
    pub open_events: Vec<metoda_store::events::Event>,
}

impl TeacherWork {
    /// «, действует до 1 марта 2027»
    pub fn category_words(&self) -> String {
        self.t.category_expires_on.map(|d| format!(", действует до {}", d.ru())).unwrap_or_default()
    }
    /// «срок истёк» or «истекает через 3 месяца»-like words within six months of the end.
    pub fn category_badge(&self) -> Option<String> {
        match self.expires_in? {
            n if n < 0 => Some("срок истёк".to_owned()),
            n if n <= 183 => Some(format!("истекает {}", metoda_domain::notify::in_days(n))),
            _ => None,
        }
    }
}

/// One municipality's reports for one period (the region operator's home).
pub struct ReportRow {
    pub m: Municipality,
    pub period: Period,
    pub due_on: Option<Date>,
    pub associations: usize,
    pub submitted: usize,
    pub accepted: usize,
    pub returned: usize,
    pub missing: usize,
    pub late: usize,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Layout,
    roles: Vec<String>,
    admin: bool,
    regions: usize,
    cards: Vec<MuniCard>,
    /// Municipalities of the operator's region without a regulation profile.
    without_profile: Vec<Municipality>,
    /// For the administrator: every visible municipality with its count of organizations.
    overview: Vec<(Municipality, usize)>,
    /// The user's open tasks from meetings, and unread notifications.
    tasks: Vec<ActionItem>,
    unread: i64,
    today: Date,
    /// For the administrator: whether e-mail is sent, and the outbox.
    mail: Option<(bool, metoda_store::notify::OutboxState)>,
    authority: Vec<AuthorityWork>,
    officers: Vec<OfficerWork>,
    teacher: Option<TeacherWork>,
    /// The region operator's: municipalities × periods, the year chosen and the years to choose.
    reports: Vec<ReportRow>,
    report_year: Option<i32>,
    report_years: Vec<i32>,
}

impl HomePage {
    fn unread_words(&self) -> String {
        let n = usize::try_from(self.unread).unwrap_or(0);
        count_words(n, "новое уведомление", "новых уведомления", "новых уведомлений")
    }
    fn year_selected(&self, y: &i32) -> bool {
        self.report_year == Some(*y)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HomeQuery {
    /// The region operator's year of reports (the first year of the period).
    year: Option<i32>,
}

async fn home(State(state): State<AppState>, Me(me, ctx): Me, Query(q): Query<HomeQuery>) -> PageResult {
    if q.year.is_some_and(|y| !(1900..=2100).contains(&y)) {
        return Err(AppError::Validation(vec![metoda_domain::FieldError::new("year", "Год: от 1900 до 2100")]));
    }
    let mut c = state.db.conn().await?;
    let admin = is_admin(&me);
    let regional = me.principal.grants.iter().any(|g| g.role.scope_kind() == ScopeKind::Region);
    let all = municipalities::list(&mut c, None, false).await?;
    let visible: Vec<Municipality> = all
        .into_iter()
        .filter(|m| {
            me.may(Action::View, &Resource::Municipality { region_id: m.region_id, municipality_id: Some(m.id) })
        })
        .collect();
    // Cards for the municipalities the user administers organizations in (org. administrators).
    let own: Vec<MunicipalityId> =
        me.principal.grants.iter().filter(|g| g.role == Role::OrgAdmin).filter_map(|g| g.municipality_id).collect();
    let mut cards = vec![];
    for m in visible.iter().filter(|m| own.contains(&m.id)) {
        let orgs =
            organizations::list(&mut c, &organizations::Filter { municipality_id: Some(m.id), ..Default::default() })
                .await?;
        let can_manage = me.may(
            Action::Create,
            &Resource::Organization { region_id: m.region_id, municipality_id: m.id, organization_id: None },
        );
        cards.push(MuniCard { m: m.clone(), organizations: orgs.len(), can_manage });
    }
    let without_profile =
        if regional || admin { visible.iter().filter(|m| m.profile_id.is_none()).cloned().collect() } else { vec![] };
    let overview = if regional || admin {
        // One query for all counts, not one per municipality.
        let orgs = organizations::list(&mut c, &organizations::Filter::default()).await?;
        visible.iter().map(|m| (m.clone(), orgs.iter().filter(|o| o.municipality_id == m.id).count())).collect()
    } else {
        vec![]
    };
    let regions = if admin { metoda_store::regions::list(&mut c, None).await?.len() } else { 1 };
    let tasks = metoda_store::meetings::actions_of_user(&mut c, me.user.id)
        .await?
        .into_iter()
        .filter(|x| x.closed_at.is_none())
        .collect();
    let unread = metoda_store::notify::unread(&mut c, me.user.id).await?;
    let today = crate::features::user_today(&state, &mut c, &me).await?;
    let mail = if admin {
        Some((state.config.mail_enabled, metoda_store::notify::outbox_state(&mut c, state.clock.now()).await?))
    } else {
        None
    };
    drop(c);
    let authority = authority_work(&state, &me).await?;
    let officers = officer_work(&state, &me).await?;
    let teacher = teacher_work(&state, &me).await?;
    let (reports, report_years) = if regional { region_reports(&state, &me, q.year).await? } else { (vec![], vec![]) };
    render(&HomePage {
        mail,
        tasks,
        unread,
        today,
        l: Layout::new(&ctx, "Главная", "/"),
        roles: me.grants.iter().map(|g| format!("{} — {}", g.role_label(), g.scope_name)).collect(),
        admin,
        regions,
        cards,
        without_profile,
        overview,
        authority,
        officers,
        teacher,
        reports,
        report_year: q.year,
        report_years,
    })
}

/// The authority's work, per municipality it manages.
async fn authority_work(state: &AppState, me: &Current) -> Result<Vec<AuthorityWork>, AppError> {
    let mut out = vec![];
    let mut seen = vec![];
    for g in &me.principal.grants {
        let authority = matches!(g.role, Role::AuthorityHead | Role::AuthoritySpecialist | Role::CabinetHead);
        let Some(mid) = g.municipality_id.filter(|_| authority) else { continue };
        if seen.contains(&mid) {
            continue;
        }
        seen.push(mid);
        let control = control::read(state, me, mid, None).await?;
        let behind = control.lines.iter().filter(|l| l.behind()).count();
        let ids: Vec<AssociationId> = control.lines.iter().map(|l| l.a.id).collect();
        let names: HashMap<AssociationId, String> = control.lines.iter().map(|l| (l.a.id, l.a.name.clone())).collect();
        let mut c = state.db.conn().await?;
        let mut to_decide = vec![];
        // The submitted reports of every period the profile reports for, its open one.
        let settings = metoda_store::profiles::municipality_settings(&mut c, mid).await?;
        if let Some(s) = &settings {
            for r in metoda_store::reports::submitted_within(&mut c, Within::Municipality(mid)).await? {
                let decides = me.may(
                    Action::Update,
                    &Resource::AnalysisDecision {
                        region_id: control.m.region_id,
                        municipality_id: mid,
                        to_region: metoda_domain::reports::to_region(&s.analysis_deadlines.value, r.period),
                    },
                );
                // Reports of liquidated associations are not on the control's list: named as none.
                if let (true, Some(name)) = (decides, names.get(&r.association_id)) {
                    let name = name.clone();
                    to_decide.push((r, name));
                }
            }
        }
        let pending_results = worklist::pending_in(&mut c, mid).await?;
        let plan_steps = match &settings {
            Some(s) => {
                let year = metoda_domain::meetings::year_of(s.plan_period.value, control.today);
                // The authority's own steps: the association drafts and considers its plan itself.
                steps_for(me, &control.m, worklist::plans_of_year(&mut c, &ids, year).await?)
                    .into_iter()
                    .filter(|(p, _)| {
                        !matches!(
                            p.next(),
                            Some(
                                ApprovalStep::DraftedByHead
                                    | ApprovalStep::ConsideredAtMeeting
                                    | ApprovalStep::AdoptedAtMeeting
                            )
                        )
                    })
                    .collect()
            }
            None => vec![],
        };
        out.push(AuthorityWork {
            behind,
            total: control.lines.len(),
            to_decide,
            pending_results,
            plan_steps,
            m: control.m,
        });
    }
    Ok(out)
}

/// The plans whose next step `me` may take, with the step's label.
fn steps_for(me: &Current, m: &Municipality, plans: Vec<DraftPlan>) -> Vec<(DraftPlan, &'static str)> {
    plans
        .into_iter()
        .filter_map(|p| {
            let next = p.next()?;
            let may = me.may(
                Action::Create,
                &Resource::PlanStep {
                    region_id: m.region_id,
                    municipality_id: m.id,
                    association_id: p.plan.association_id,
                    step: next,
                },
            );
            may.then_some((p, next.label_ru()))
        })
        .collect()
}

/// The officers' work: one card per association where the user is head, deputy or secretary.
async fn officer_work(state: &AppState, me: &Current) -> Result<Vec<OfficerWork>, AppError> {
    let mut mine: Vec<(AssociationId, MunicipalityId, Vec<Role>)> = vec![];
    for g in &me.principal.grants {
        if !matches!(g.role, Role::AssociationHead | Role::Deputy | Role::Secretary) {
            continue;
        }
        let (Some(a), Some(m)) = (g.association_id, g.municipality_id) else { continue };
        match mine.iter_mut().find(|x| x.0 == a) {
            Some(x) => x.2.push(g.role),
            None => mine.push((a, m, vec![g.role])),
        }
    }
    if mine.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<AssociationId> = mine.iter().map(|x| x.0).collect();
    let mut c = state.db.conn().await?;
    let list = metoda_store::associations::by_ids(&mut c, &ids).await?;
    let mut settings: HashMap<MunicipalityId, Option<ProfileSettings>> = HashMap::new();
    let mut zones = HashMap::new();
    for (_, m, _) in &mine {
        if !settings.contains_key(m) {
            settings.insert(*m, metoda_store::profiles::municipality_settings(&mut c, *m).await?);
            zones.insert(*m, municipalities::zone(&mut c, *m).await?);
        }
    }
    let first = mine[0].1;
    let today = state.today(zones.get(&first).copied().unwrap_or(metoda_domain::time::LocalZone::UTC));
    let unsigned = worklist::unsigned_minutes(&mut c, &ids).await?;
    let next = worklist::next_meetings(&mut c, &ids, today, 1).await?;
    let overdue = worklist::overdue_actions(&mut c, &ids, today, 10).await?;
    let pending = worklist::pending_results(&mut c, &ids).await?;
    let my_teachers = metoda_store::teachers::ids_of_user(&mut c, me.user.id).await?;
    let due_events = metoda_store::events::waiting_on_organisers(&mut c, &ids, today, 20).await?;
    let mut out = vec![];
    for a in list.into_iter().filter(|a| a.is_active()) {
        let Some((_, mid, roles)) = mine.iter().find(|x| x.0 == a.id) else { continue };
        let today = state.today(zones.get(mid).copied().unwrap_or(metoda_domain::time::LocalZone::UTC));
        let signs: Vec<Signatory> = roles.iter().flat_map(|r| signs_as(*r).iter().copied()).collect();
        let to_sign: Vec<Unsigned> = unsigned
            .iter()
            .filter(|u| u.association_id == a.id && u.awaits(me.user.id, &signs, &my_teachers))
            .cloned()
            .collect();
        let s = settings.get(mid).cloned().flatten();
        let mut analyses = vec![];
        let (plan_year, plan_year_label) = match &s {
            Some(s) => {
                for kind in analysis::periods(&s.analysis_deadlines.value) {
                    let period = Period::open(kind, today);
                    let report = metoda_store::reports::find(&mut c, a.id, period).await?;
                    let due_on = deadline_of(&s.analysis_deadlines.value, period);
                    analyses.push(AnalysisItem {
                        association_id: a.id,
                        period,
                        due_on,
                        state: AnalysisState::of(report.as_ref(), due_on, today),
                        comment: report.filter(|r| r.status == ReportStatus::Returned).and_then(|r| r.comment),
                    });
                }
                let y = metoda_domain::meetings::year_of(s.plan_period.value, today);
                (y, Period { kind: s.plan_period.value, year: y }.label_ru())
            }
            None => {
                let y = AcademicYear::containing(today).0;
                (y, Period::academic(y).label_ru())
            }
        };
        let m = municipalities::get(&mut c, *mid).await?;
        let plans = worklist::plans_of_year(&mut c, &[a.id], plan_year).await?;
        let no_plan = s.is_some() && plans.is_empty();
        let plan_step = steps_for(me, &m, plans).into_iter().next();
        // The year's meetings past their date without attendance, or held without minutes.
        let unrecorded = metoda_store::meetings::for_association(&mut c, a.id, Some(i64::from(plan_year)))
            .await?
            .into_iter()
            .filter(|x| {
                (x.status == metoda_domain::meetings::MeetingStatus::Planned && x.held_on < today)
                    || (x.is_held() && x.minutes_id.is_none())
            })
            .collect();
        let writes_analysis = roles.iter().any(|r| matches!(r, Role::AssociationHead | Role::Deputy));
        out.push(OfficerWork {
            posts: roles.iter().map(|r| r.label_ru()).collect(),
            next_meeting: next.iter().find(|x| x.association_id == a.id).cloned(),
            to_sign,
            unrecorded,
            analyses,
            writes_analysis,
            plan_step,
            no_plan,
            plan_year_label,
            pending_results: pending.get(&a.id).copied().unwrap_or(0),
            overdue: overdue.iter().filter(|x| x.association_id == a.id).cloned().collect(),
            events: due_events.iter().filter(|e| e.association_id == Some(a.id)).cloned().collect(),
            id: a.id,
            name: a.name,
        });
    }
    Ok(out)
}

/// The teacher's own card, when the account is linked to a record of the bank.
async fn teacher_work(state: &AppState, me: &Current) -> Result<Option<TeacherWork>, AppError> {
    let mut c = state.db.conn().await?;
    let Some(t) = metoda_store::teachers::of_user(&mut c, me.user.id).await? else { return Ok(None) };
    let today = crate::features::local_today(state, &mut c, t.municipality_id).await?;
    let year = AcademicYear::containing(today);
    let memberships = metoda_store::teachers::memberships(&mut c, t.id).await?;
    // The meetings of the associations whose work the account may open (a membership of the
    // record without a grant of the account opens nothing).
    let names: HashMap<AssociationId, String> = metoda_store::associations::by_ids(&mut c, &memberships)
        .await?
        .into_iter()
        .filter(|a| me.may(Action::View, &crate::features::meetings::work(a)))
        .map(|a| (a.id, a.name))
        .collect();
    let associations: Vec<AssociationId> = names.keys().copied().collect();
    let next_meetings = worklist::next_meetings(&mut c, &associations, today, 5)
        .await?
        .into_iter()
        .map(|m| {
            let name = names.get(&m.association_id).cloned().unwrap_or_default();
            (m, name)
        })
        .collect();
    let results = metoda_store::results::own_of_year(&mut c, t.id, i64::from(year.0), 30).await?;
    let topic = metoda_store::teacher_years::topics(&mut c, t.id)
        .await?
        .into_iter()
        .find(|y| y.year == i64::from(year.0))
        .and_then(|y| y.self_education.clone().map(|s| (s, y.agreed())));
    let expires_in = t.category_expires_on.map(|d| (d - today).whole_days());
    let (events, open_events) = crate::features::events::teacher_events(&mut c, me, &t, today).await?;
    Ok(Some(TeacherWork { t, next_meetings, results, year, topic, expires_in, events, open_events }))
}

/// The region operator's table: each municipality of the region by each period its profile
/// reports for, with its reports' states (the period whose work is still open, or the year asked).
async fn region_reports(
    state: &AppState,
    me: &Current,
    year: Option<i32>,
) -> Result<(Vec<ReportRow>, Vec<i32>), AppError> {
    let Some(region_id) =
        me.principal.grants.iter().filter(|g| g.role.scope_kind() == ScopeKind::Region).find_map(|g| g.region_id)
    else {
        return Ok((vec![], vec![]));
    };
    if !me.may(Action::View, &Resource::RegionSummary { region_id }) {
        return Ok((vec![], vec![]));
    }
    let mut c = state.db.conn().await?;
    let today = state.today(municipalities::region_zone(&mut c, region_id).await?);
    let within = Within::Region(RegionId(region_id.get()));
    let list = municipalities::list(&mut c, Some(region_id), false).await?;
    let settings: HashMap<MunicipalityId, ProfileSettings> =
        metoda_store::profiles::settings_within(&mut c, within).await?.into_iter().collect();
    let associations = metoda_store::associations::list_within(&mut c, within).await?;
    let mut periods: Vec<Period> = vec![];
    for s in settings.values() {
        for kind in analysis::periods(&s.analysis_deadlines.value) {
            let p = year.map_or_else(|| Period::open(kind, today), |y| Period { kind, year: y });
            if !periods.contains(&p) {
                periods.push(p);
            }
        }
    }
    let mut reports: Vec<AnnualAnalysis> = vec![];
    for p in &periods {
        reports.extend(metoda_store::reports::of_within(&mut c, within, *p).await?);
    }
    let mut rows = vec![];
    for m in list {
        let Some(s) = settings.get(&m.id) else { continue };
        let its: Vec<AssociationId> =
            associations.iter().filter(|a| a.municipality_id == m.id && a.is_active()).map(|a| a.id).collect();
        for kind in analysis::periods(&s.analysis_deadlines.value) {
            let period = year.map_or_else(|| Period::open(kind, today), |y| Period { kind, year: y });
            let of: Vec<&AnnualAnalysis> =
                reports.iter().filter(|r| r.covers() == period && its.contains(&r.association_id)).collect();
            let count = |st: ReportStatus| of.iter().filter(|r| r.status == st).count();
            let done = count(ReportStatus::Submitted) + count(ReportStatus::Accepted) + count(ReportStatus::Returned);
            rows.push(ReportRow {
                due_on: deadline_of(&s.analysis_deadlines.value, period),
                associations: its.len(),
                submitted: count(ReportStatus::Submitted),
                accepted: count(ReportStatus::Accepted),
                returned: count(ReportStatus::Returned),
                missing: its.len().saturating_sub(done),
                late: of.iter().filter(|r| r.late).count(),
                period,
                m: m.clone(),
            });
        }
    }
    let now = AcademicYear::containing(today).0;
    Ok((rows, (now - 4..=now).rev().collect()))
}

/// «3 отчёта» and the like, for the templates.
pub fn count_words(n: usize, one: &str, few: &str, many: &str) -> String {
    format!("{n} {}", plural_ru(n as i64, one, few, many))
}
