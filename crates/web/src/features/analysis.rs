//! The yearly analysis of an association (seed 002 §3.4 and appendix 1; DOMAIN.md §4): the 29
//! indicators computed from the data (`metoda_domain::analysis`), every number with the records
//! behind it; the 24 sections prefilled from the data, with the head's text; submitted by the
//! profile's deadline as a frozen version, accepted or returned by the authority
//! (`metoda_store::reports`). While a report is a draft (or returned) the page shows the data as
//! it is now; once submitted, it shows the version as it was submitted.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use metoda_domain::FieldError;
use metoda_domain::access::{Action, Resource};
use metoda_domain::analysis::{self, Analysis, Period, Source};
use metoda_domain::meetings::initials;
use metoda_domain::profile::{PlanPeriod, ProfileSettings};
use metoda_domain::reports::{SECTIONS, SectionKind};
use metoda_domain::results::{Level, StudentEvent, TeacherResultKind};
use metoda_domain::teachers::{AcademicYear, CourseKind};
use metoda_store::associations::{self, Association};
use metoda_store::reports::{self, Report, SectionData, Snapshot};
use metoda_store::results::{self, Facts};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{ApiMe, Ctx, Current, Me, require};
use crate::error::{ApiResult, AppError, JsonIn, PageResult, json_body};
use crate::extract::{Form, Path, Query};
use crate::features::meetings::settings_for;
use crate::features::teachers::{Chart, chart};
use crate::pages::{Layout, redirect_with, render, render_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/associations/{id}/analysis", get(view_page))
        .route("/associations/{id}/analysis/{year}/sections/{n}", post(text_submit))
        .route("/associations/{id}/analysis/{year}/submit", post(submit_submit))
        .route("/associations/{id}/analysis/{year}/decision", post(decision_submit))
        .route("/associations/{id}/analysis/{year}/docx", get(docx_page))
        .route("/associations/{id}/analysis/{year}/xlsx", get(xlsx_page))
        .route("/analysis", get(overview_page))
        .route("/analysis/summary.xlsx", get(summary_xlsx))
        .route("/api/v1/analysis", get(api_overview))
        .route("/analysis/region", get(region_page))
        .route("/analysis/region.xlsx", get(region_xlsx))
        .route("/api/v1/analysis/region", get(api_region))
        .route("/api/v1/associations/{id}/analysis", get(api_get))
        .route("/api/v1/associations/{id}/analysis/{year}/docx", get(api_docx))
        .route("/api/v1/associations/{id}/analysis/{year}/xlsx", get(api_xlsx))
        .route("/api/v1/associations/{id}/analysis/{year}/sections/{n}", axum::routing::put(api_text))
        .route("/api/v1/associations/{id}/analysis/{year}/submit", post(api_submit))
        .route("/api/v1/associations/{id}/analysis/{year}/decision", post(api_decision))
}

fn res(a: &Association) -> Resource {
    Resource::Analysis { region_id: a.region_id, municipality_id: a.municipality_id, association_id: a.id }
}

/// Who decides on the report of a period: the authority, or the region operator when the profile
/// sends that period's report to the region's association (004: the calendar year, РУМО).
fn decision_res(a: &Association, s: &ProfileSettings, period: Period) -> Resource {
    let to_region = s
        .analysis_deadlines
        .value
        .iter()
        .filter(|d| d.period == period.kind)
        .all(|d| d.recipient == metoda_domain::profile::AnalysisRecipient::RegionalAssociation)
        && s.analysis_deadlines.value.iter().any(|d| d.period == period.kind);
    Resource::AnalysisDecision { region_id: a.region_id, municipality_id: a.municipality_id, to_region }
}

/// A section as the page, the API and the frozen version show it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Section {
    pub number: u8,
    pub title: String,
    /// data | data_and_text | text
    pub kind: String,
    /// What the data says.
    pub lines: Vec<String>,
    /// The head's text.
    pub text: Option<String>,
}

/// The version of the head's text of a section (kept beside the sections, not in them: a
/// submitted version reads back exactly as it was frozen).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TextVersion {
    pub number: u8,
    /// 0 while no text is written: send it back with the section's text (an older one gets 409).
    pub version: i64,
}

/// The analysis as composed from the data (and frozen as such when submitted).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Composed {
    #[schema(value_type = Object)]
    pub analysis: Analysis,
    /// For each indicator row, what its sources are, in words (teachers' names, records).
    pub explained: Vec<Vec<String>>,
    /// The unconfirmed records shown apart, in words, with the row they would count in.
    pub apart: Vec<String>,
    pub sections: Vec<Section>,
}

/// The format of the snapshots written now: 1 is [`Composed`] as serialized since the analysis
/// was first submitted (`tests/fixtures/analysis_snapshot_v1.json` keeps one, and a test reads it
/// as submitted). A change to `Composed` (or to what it holds) that the fixture no longer reads
/// needs format 2: keep a reader of format 1 beside it in [`thaw`], never a fallback
/// (docs/decisions/0007-analysis-snapshot-format.md).
pub const SNAPSHOT_FORMAT: u32 = 1;

/// A composed analysis as the frozen version of a submission.
fn freeze(composed: &Composed) -> Result<Snapshot, AppError> {
    Ok(Snapshot { format: SNAPSHOT_FORMAT, content: serde_json::to_value(composed).map_err(AppError::internal)? })
}

/// Reads a submitted version back, each format explicitly. A version that does not read is an
/// error the reader sees (and the log records), never today's figures in its place.
fn thaw(text: &str, association: &str, period: Period, version: i64) -> Result<Composed, AppError> {
    let unreadable = |cause: String| AppError::Unreadable {
        message: format!(
            "Представленная версия {version} анализа объединения «{association}» за {} не читается, \
             и показать её нельзя. Текущие данные вместо неё не показываются. Сообщите администратору Методы.",
            period.label_ru()
        ),
        cause: format!("analysis snapshot of «{association}», {}, version {version}: {cause}", period.label_ru()),
    };
    let snapshot = Snapshot::parse(text).map_err(unreadable)?;
    match snapshot.format {
        1 => serde_json::from_value::<Composed>(snapshot.content).map_err(|e| unreadable(e.to_string())),
        n => Err(unreadable(format!("unknown format {n}"))),
    }
}

/// The academic year containing `today`, or the one asked for.
pub(crate) fn year_or_now(y: Option<i32>, today: time::Date) -> i32 {
    y.unwrap_or_else(|| AcademicYear::containing(today).0)
}

/// A year the analysis can be about.
fn valid_year(y: i32) -> Result<i32, AppError> {
    if (1900..=2100).contains(&y) {
        Ok(y)
    } else {
        Err(AppError::Validation(vec![FieldError::new("year", "Учебный год: от 1900 до 2100")]))
    }
}

/// A period as a request names it (`year`, `period=academic_year|calendar_year`): either may be
/// left out — the kind to the profile (its first), the year to today.
#[derive(Debug, Clone, Copy)]
struct Asked {
    kind: Option<PlanPeriod>,
    year: Option<i32>,
}

/// The period a request asks for, checked as far as it goes without the profile.
fn period_of(year: Option<i32>, kind: Option<&str>) -> Result<Asked, AppError> {
    let kind = match kind.map(str::trim).filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => Some(PlanPeriod::from_code(k).ok_or_else(|| {
            AppError::Validation(vec![FieldError::new(
                "period",
                "Период: academic_year (учебный год) или calendar_year (календарный год)",
            )])
        })?),
    };
    Ok(Asked { kind, year: year.map(valid_year).transpose()? })
}

impl Asked {
    /// The period of this kind (by default the academic year containing `today`, or the calendar
    /// year before it).
    fn of(self, kind: PlanPeriod, today: time::Date) -> Period {
        let year = self.year.unwrap_or_else(|| match kind {
            PlanPeriod::AcademicYear => AcademicYear::containing(today).0,
            PlanPeriod::CalendarYear => today.year() - 1,
        });
        Period { kind, year }
    }

    /// The period under a profile: the kind asked, else the first the profile reports for;
    /// refused when the profile does not report for it.
    fn resolve(self, s: &ProfileSettings, today: time::Date) -> Result<Period, AppError> {
        let kinds = analysis::periods(&s.analysis_deadlines.value);
        let kind = self.kind.unwrap_or(kinds[0]);
        if !kinds.contains(&kind) {
            return Err(AppError::Validation(vec![FieldError::new(
                "period",
                format!("Положение муниципалитета не предусматривает анализ за {}", kind.label_ru()),
            )]));
        }
        Ok(self.of(kind, today))
    }

    /// `year=…[&period=…]`, to come back to the same page.
    fn query(self) -> String {
        let mut q = self.year.map(|y| format!("year={y}")).unwrap_or_default();
        if let Some(k) = self.kind {
            if !q.is_empty() {
                q.push('&');
            }
            q.push_str("period=");
            q.push_str(k.code());
        }
        q
    }
}

/// "-calendar" in a file name of a calendar year's summary.
fn suffix(period: &str) -> &'static str {
    if period == PlanPeriod::CalendarYear.code() { "-calendar" } else { "" }
}

/// `&period=calendar_year` for a link to a calendar year's page (nothing for the academic year).
fn pq(p: Period) -> String {
    match p.kind {
        PlanPeriod::AcademicYear => String::new(),
        PlanPeriod::CalendarYear => format!("&period={}", p.kind.code()),
    }
}

/// "за учебный год — в орган управления образованием до 1 июля".
fn period_words(s: &ProfileSettings, kind: PlanPeriod) -> String {
    let deadlines: Vec<String> = s
        .analysis_deadlines
        .value
        .iter()
        .filter(|d| d.period == kind)
        .map(|d| format!("{} до {}", d.recipient.to_ru(), d.due.label_ru()))
        .collect();
    let mut words = format!("за {}", kind.label_ru());
    if !deadlines.is_empty() {
        words.push_str(" — ");
        words.push_str(&deadlines.join("; "));
    }
    words
}

/// An association the user may act on, its regulation profile's settings, and today in its
/// municipality.
async fn load(
    state: &AppState,
    me: &Current,
    id: i64,
    action: Action,
) -> Result<(Association, ProfileSettings, time::Date), AppError> {
    let mut c = state.db.conn().await?;
    let a = associations::get(&mut c, id).await?;
    require(me, action, &res(&a))?;
    let s = settings_for(&mut c, &a).await?;
    let today = crate::features::local_today(state, &mut c, a.municipality_id).await?;
    Ok((a, s, today))
}

/// Words for one source of a number.
fn describe(src: &Source, f: &Facts, orgs: &[(i64, String)]) -> String {
    let teacher = |id: i64| {
        f.members.iter().find(|m| m.teacher_id == id).map_or_else(|| format!("педагог № {id}"), |m| m.full_name.clone())
    };
    let teachers = |ids: &[i64]| ids.iter().map(|t| initials(&teacher(*t))).collect::<Vec<_>>().join(", ");
    match *src {
        Source::Teacher(id) => teacher(id),
        Source::Meeting(id) => f.meetings.iter().find(|m| m.id == id).map_or_else(String::new, |m| match m.number {
            Some(n) => format!(
                "заседание {} (протокол № {n}), присутствовали {}",
                metoda_domain::values::ru_date(m.held_on),
                m.present
            ),
            None => format!("заседание {}, присутствовали {}", metoda_domain::values::ru_date(m.held_on), m.present),
        }),
        Source::Course(id) => f.courses.iter().find(|c| c.id == id).map_or_else(String::new, |c| {
            let kind = if c.kind == CourseKind::Retraining { "переподготовка" } else { "КПК" };
            format!(
                "{} — {kind} «{}», {}",
                initials(&teacher(c.teacher_id)),
                c.title,
                metoda_domain::values::ru_date(c.finished_on)
            )
        }),
        Source::ExamScore(id) => f.exam_scores.iter().find(|e| e.id == id).map_or_else(String::new, |e| {
            format!("{} — ЕГЭ, {}: {} баллов", initials(&teacher(e.teacher_id)), e.subject, e.score)
        }),
        Source::StudentResult(id) => f.student_results.iter().find(|r| r.id == id).map_or_else(String::new, |r| {
            let what = match r.event {
                StudentEvent::Vsosh => {
                    format!("ВсОШ, {} этап, {}", r.level.label_ru(), r.subject.clone().unwrap_or_default())
                }
                e => format!("{} «{}», {}", e.label_ru(), r.title.clone().unwrap_or_default(), r.level.label_ru()),
            };
            format!(
                "{what} — {} ({}, {})",
                r.placement.label_ru(),
                metoda_domain::values::ru_date(r.on),
                teachers(&r.teacher_ids)
            )
        }),
        Source::TeacherResult(id) => f.teacher_results.iter().find(|r| r.id == id).map_or_else(String::new, |r| {
            let level = r.level.map(|l| format!(", {}", l.label_ru())).unwrap_or_default();
            let place = r.placement.map(|p| format!(" — {}", p.label_ru())).unwrap_or_default();
            format!("{} «{}»{level}{place} ({})", r.kind.label_ru(), r.title, teachers(&r.teacher_ids))
        }),
        Source::Organization(id) => {
            orgs.iter().find(|o| o.0 == id).map_or_else(|| format!("организация № {id}"), |o| o.1.clone())
        }
    }
}

/// The lines of the sections the results fill.
fn result_lines(f: &Facts, section: u8) -> Vec<String> {
    let counted = |confirmed: bool| if confirmed { "" } else { " (не подтверждено)" };
    let teachers = |ids: &[i64]| {
        ids.iter()
            .filter_map(|t| f.members.iter().find(|m| m.teacher_id == *t).map(|m| initials(&m.full_name)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let students = |pred: &dyn Fn(&results::StudentResultFact) -> bool| -> Vec<String> {
        f.student_results
            .iter()
            .filter(|r| pred(r))
            .map(|r| {
                let what = match r.event {
                    StudentEvent::Vsosh => {
                        format!("ВсОШ ({} этап), {}", r.level.label_ru(), r.subject.clone().unwrap_or_default())
                    }
                    e => format!("{} «{}»", e.label_ru(), r.title.clone().unwrap_or_default()),
                };
                format!("{what}: {} — {}{}", r.placement.label_ru(), teachers(&r.teacher_ids), counted(r.confirmed))
            })
            .collect()
    };
    let teacher_results = |kind: TeacherResultKind, level: Option<Level>| -> Vec<String> {
        f.teacher_results
            .iter()
            .filter(|r| r.kind == kind && (level.is_none() || r.level == level))
            .map(|r| {
                let place = r.placement.map(|p| format!(" — {}", p.label_ru())).unwrap_or_default();
                let outlet = r.outlet.as_ref().map(|o| format!(", {o}")).unwrap_or_default();
                let url = r.url.as_ref().map(|u| format!(" ({u})")).unwrap_or_default();
                format!("«{}»{outlet}{url}{place} — {}{}", r.title, teachers(&r.teacher_ids), counted(r.confirmed))
            })
            .collect()
    };
    let all_russian = |l: Level| matches!(l, Level::AllRussian | Level::International);
    match section {
        5 => teacher_results(TeacherResultKind::ProfileTeaching, None),
        6 => {
            let mut out: Vec<String> = f
                .exam_scores
                .iter()
                .map(|e| {
                    let who = f.members.iter().find(|m| m.teacher_id == e.teacher_id).map(|m| initials(&m.full_name));
                    format!(
                        "ЕГЭ, {}: {} баллов — {}{}",
                        e.subject,
                        e.score,
                        who.unwrap_or_default(),
                        counted(e.confirmed)
                    )
                })
                .collect();
            out.extend(students(&|r| r.event == StudentEvent::Vsosh && r.level == Level::Municipal));
            out
        }
        7 => students(&|r| r.event == StudentEvent::Vsosh && r.level == Level::Regional),
        8 => students(&|r| all_russian(r.level)),
        9 => students(&|r| r.event != StudentEvent::Vsosh && r.level == Level::Regional),
        10 => students(&|r| r.event != StudentEvent::Vsosh && r.level == Level::Municipal),
        11 => teacher_results(TeacherResultKind::Competition, None),
        12 => {
            let mut v = teacher_results(TeacherResultKind::Presentation, Some(Level::AllRussian));
            v.extend(teacher_results(TeacherResultKind::Presentation, Some(Level::International)));
            v
        }
        13 => teacher_results(TeacherResultKind::Presentation, Some(Level::Regional)),
        14 => teacher_results(TeacherResultKind::Presentation, Some(Level::Municipal)),
        15 => teacher_results(TeacherResultKind::Publication, None),
        16 => teacher_results(TeacherResultKind::AssessmentMaterials, None),
        17 => f
            .teacher_results
            .iter()
            .filter(|r| r.kind == TeacherResultKind::StudentEventOrganised)
            .map(|r| {
                let n = r.students.map(|n| format!(", участников: {n}")).unwrap_or_default();
                format!("«{}»{n} — {}{}", r.title, teachers(&r.teacher_ids), counted(r.confirmed))
            })
            .collect(),
        _ => vec![],
    }
}

/// Composes the analysis of an association and period from the data as it is now (on `c`: the
/// submitting transaction freezes what it reads itself).
async fn compose(
    c: &mut metoda_store::Conn,
    a: &Association,
    s: &ProfileSettings,
    period: Period,
    report: Option<&Report>,
) -> Result<Composed, AppError> {
    let facts = results::facts(&mut *c, a.id, period).await?;
    let date = analysis::analysis_date_for(period, &s.analysis_deadlines.value, &s.analysis_snapshots.value);
    let an = analysis::compute(period, date, &facts.for_analysis());
    let orgs: Vec<(i64, String)> = metoda_store::organizations::list(
        &mut *c,
        &metoda_store::organizations::Filter {
            municipality_id: Some(a.municipality_id),
            include_archived: true,
            ..Default::default()
        },
    )
    .await?
    .into_iter()
    .map(|o| (o.id, o.short_name))
    .collect();
    let explained =
        an.indicators.iter().map(|i| i.sources.iter().map(|s| describe(s, &facts, &orgs)).collect()).collect();
    let apart = an.apart.iter().map(|x| format!("{} — строка {}", describe(&x.source, &facts, &orgs), x.row)).collect();
    let prefill: Vec<SectionData> = reports::prefill(&mut *c, a.id, period).await?;
    let texts = match report {
        Some(r) => reports::texts(&mut *c, r.id).await?,
        None => vec![],
    };
    let composition = {
        let v = |code: &str| an.get(code).map_or(0, |i| i.value);
        vec![
            format!("Педагогов в объединении на {}: {}", metoda_domain::values::ru_date(date), v("1")),
            format!("высшее образование — {}, среднее профессиональное — {}", v("1.1"), v("1.2")),
            format!(
                "высшая категория — {}, первая — {}, соответствие занимаемой должности — {}",
                v("1.3"),
                v("1.4"),
                v("1.5")
            ),
        ]
    };
    let sections = SECTIONS
        .iter()
        .map(|(n, title, kind)| {
            let mut lines = match n {
                1 => composition.clone(),
                _ => prefill.iter().find(|p| p.section == *n).map(|p| p.lines.clone()).unwrap_or_default(),
            };
            lines.extend(result_lines(&facts, *n));
            if lines.is_empty() && matches!(n, 19..=21) {
                lines.push("Сведения об этом появятся, когда объединение будет вести их в системе.".into());
            }
            // an emptied section keeps its row (and version) with an empty text
            let text = texts.iter().find(|(s, t, _)| *s == i64::from(*n) && !t.is_empty()).map(|(_, t, _)| t.clone());
            let kind = match kind {
                SectionKind::Data => "data",
                SectionKind::DataAndText => "data_and_text",
                SectionKind::Text => "text",
            };
            Section { number: *n, title: (*title).to_owned(), kind: kind.into(), lines, text }
        })
        .collect();
    Ok(Composed { analysis: an, explained, apart, sections })
}

/// The report, the analysis to show (frozen once submitted) and whether it is the live data.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AnalysisBody {
    /// The period's first calendar year.
    pub year: i32,
    /// academic_year | calendar_year
    pub period: String,
    /// "2025/2026 учебный год", "2025 календарный год".
    pub period_label: String,
    pub report: Option<Report>,
    pub due_on: Option<String>,
    /// true: computed from the data now; false: the version as submitted.
    pub live: bool,
    pub composed: Composed,
    /// The version of each section's text, 1 to 24.
    pub text_versions: Vec<TextVersion>,
}

async fn body(
    state: &AppState,
    a: &Association,
    s: &ProfileSettings,
    period: Period,
) -> Result<AnalysisBody, AppError> {
    let mut c = state.db.conn().await?;
    let report = reports::find(&mut c, a.id, period).await?;
    let frozen = match &report {
        Some(r) if !r.editable() => {
            let versions = reports::versions(&mut c, r.id).await?;
            let v = versions.last().ok_or_else(|| AppError::Unreadable {
                message: format!(
                    "Анализ объединения «{}» за {} представлен, но его версия не найдена. Сообщите администратору Методы.",
                    a.name,
                    period.label_ru()
                ),
                cause: format!("analysis report {} is {} without a version", r.id, r.status),
            })?;
            Some(thaw(&v.snapshot, &a.name, period, v.version)?)
        }
        _ => None,
    };
    let due_on = reports::deadline_of(s, period).map(metoda_domain::values::iso_date);
    let (live, composed) = match frozen {
        Some(composed) => (false, composed),
        None => (true, compose(&mut c, a, s, period, report.as_ref()).await?),
    };
    let written = match &report {
        Some(r) => reports::texts(&mut c, r.id).await?,
        None => vec![],
    };
    let text_versions = SECTIONS
        .iter()
        .map(|(n, _, _)| TextVersion {
            number: *n,
            version: written.iter().find(|(s, _, _)| *s == i64::from(*n)).map_or(0, |(_, _, v)| *v),
        })
        .collect();
    Ok(AnalysisBody {
        year: period.year,
        period: period.kind.code().to_owned(),
        period_label: period.label_ru(),
        report,
        due_on,
        live,
        composed,
        text_versions,
    })
}

async fn set_text(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: i64,
    asked: Asked,
    n: u8,
    input: &TextInput,
) -> Result<(), AppError> {
    let (a, s, today) = load(state, me, id, Action::Update).await?;
    let period = asked.resolve(&s, today)?;
    let mut tx = state.db.begin().await?;
    let r = reports::open(&mut tx, &ctx.actor(), &a, &s, period).await?;
    reports::set_text(&mut tx, &ctx.actor(), &a, &r, n, &input.text, input.version).await?;
    tx.commit().await?;
    Ok(())
}

async fn submit(state: &AppState, me: &Current, ctx: &Ctx, id: i64, asked: Asked) -> Result<Report, AppError> {
    let (a, s, today) = load(state, me, id, Action::Update).await?;
    let period = asked.resolve(&s, today)?;
    if !a.is_active() {
        return Err(AppError::Conflict("Объединение ликвидировано".into()));
    }
    // The snapshot is composed from the data now, with the head's texts, and frozen as the version,
    // in one transaction with the report's row locked first: a section saved at the same moment is
    // either in this version or waits for it.
    let mut tx = state.db.begin().await?;
    let r = reports::open(&mut tx, &ctx.actor(), &a, &s, period).await?;
    let r = reports::lock(&mut tx, r.id).await?;
    let composed = compose(&mut tx, &a, &s, period, Some(&r)).await?;
    // Late is judged by the municipality's own date: 20:00 UTC on 30 May is 31 May in Tomsk.
    let today = state.today(metoda_store::municipalities::zone(&mut tx, a.municipality_id).await?);
    let r = reports::submit(&mut tx, &ctx.actor(), &a, &r, &freeze(&composed)?, today).await?;
    tx.commit().await?;
    Ok(r)
}

/// The authority's decision.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct DecisionInput {
    /// true: accept; false: return with `comment`.
    pub accept: bool,
    pub comment: String,
}

async fn decide(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: i64,
    asked: Asked,
    d: &DecisionInput,
) -> Result<Report, AppError> {
    let (a, s, today) = load(state, me, id, Action::View).await?;
    let period = asked.resolve(&s, today)?;
    require(me, Action::Update, &decision_res(&a, &s, period))?;
    let mut tx = state.db.begin().await?;
    let r = reports::find(&mut tx, a.id, period)
        .await?
        .ok_or_else(|| AppError::Conflict("Анализ ещё не представлен".into()))?;
    let r = reports::decide(&mut tx, &ctx.actor(), &a, &r, d.accept, Some(d.comment.as_str())).await?;
    tx.commit().await?;
    Ok(r)
}

// ---- pages ----

#[derive(Deserialize, Default)]
#[serde(default)]
struct YearQuery {
    year: Option<i32>,
    period: Option<String>,
}

/// `?period=` of the actions of a page (the year is in the path).
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PeriodQuery {
    /// academic_year (the default) or calendar_year.
    pub period: Option<String>,
}

#[derive(Template)]
#[template(path = "analysis.html")]
struct ViewPage {
    l: Layout,
    a: Association,
    b: AnalysisBody,
    can_edit: bool,
    can_decide: bool,
    years: Vec<i32>,
    /// The periods the profile reports for, as (code, label, deadline in words), when more than one.
    periods: Vec<(String, String)>,
    /// `&period=…` to add to the page's links (empty for the academic year).
    pq: String,
    /// After a stale save of a section: its number, the text as typed and the note with the text
    /// now in the record.
    kept: Option<(u8, String, String)>,
}

impl ViewPage {
    /// `?period=…` for the page's forms and downloads (empty for the academic year).
    fn aq(&self) -> String {
        self.pq.strip_prefix('&').map(|q| format!("?{q}")).unwrap_or_default()
    }
    fn status_label(&self) -> &'static str {
        self.b.report.as_ref().map_or("не начат", |r| r.status().label_ru())
    }
    fn editable(&self) -> bool {
        self.can_edit && self.b.report.as_ref().is_none_or(Report::editable)
    }
    /// What the form of a section shows: the text as typed after a stale save, else the record's.
    fn text_of(&self, s: &Section) -> String {
        match &self.kept {
            Some((n, typed, _)) if *n == s.number => typed.clone(),
            _ => s.text.clone().unwrap_or_default(),
        }
    }
    /// The version of a section's text its form is based on.
    fn version_of(&self, s: &Section) -> i64 {
        self.b.text_versions.iter().find(|v| v.number == s.number).map_or(0, |v| v.version)
    }
    /// The note beside a section saved stale.
    fn note_of(&self, s: &Section) -> Option<&str> {
        self.kept.as_ref().filter(|(n, _, _)| *n == s.number).map(|(_, _, note)| note.as_str())
    }
    fn sub(&self, code: &str) -> bool {
        code.contains('.')
    }
    /// The records behind indicator row `i`, in words.
    fn explained(&self, i: impl std::borrow::Borrow<usize>) -> &[String] {
        self.b.composed.explained.get(*i.borrow()).map_or(&[], Vec::as_slice)
    }
}

async fn view_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: i64,
    asked: Asked,
    mut errors: Vec<FieldError>,
    typed: Option<(u8, String)>,
) -> PageResult {
    let (a, s, today) = load(state, me, id, Action::View).await?;
    let period = asked.resolve(&s, today)?;
    let b = body(state, &a, &s, period).await?;
    // After a stale save: the typed text stays in its section, the text now in the record beside
    // it (the form carries the section's current version, so saving again goes through).
    let kept = typed.and_then(|(n, text)| {
        let now = b.composed.sections.iter().find(|x| x.number == n)?;
        let note = format!(
            "Раздел {n}: сейчас в записи — {}",
            now.text.as_deref().map_or_else(|| "не заполнено".to_owned(), |t| format!("«{t}»"))
        );
        errors.push(FieldError::new("text", note.clone()));
        Some((n, text, note))
    });
    let status = if kept.is_some() { StatusCode::CONFLICT } else { StatusCode::OK };
    let can_edit = a.is_active() && me.may(Action::Update, &res(&a));
    let can_decide = me.may(Action::Update, &decision_res(&a, &s, period));
    let zone = metoda_store::municipalities::zone(&mut *state.db.conn().await?, a.municipality_id).await?;
    let now = match period.kind {
        PlanPeriod::AcademicYear => AcademicYear::containing(today).0,
        PlanPeriod::CalendarYear => today.year() - 1,
    };
    let kinds = analysis::periods(&s.analysis_deadlines.value);
    let periods = if kinds.len() > 1 {
        kinds.iter().map(|k| (k.code().to_owned(), period_words(&s, *k))).collect()
    } else {
        vec![]
    };
    let page = ViewPage {
        l: Layout::new(ctx, format!("Анализ деятельности за {}: {}", period.label_ru(), a.name), "/associations")
            .with_errors(errors)
            .with_zone(zone),
        a,
        b,
        can_edit,
        can_decide,
        years: (now - 3..=now).rev().collect(),
        periods,
        pq: pq(period),
        kept,
    };
    render_status(status, &page)
}

async fn view_page(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> PageResult {
    view_with(&state, &me, &ctx, id, period_of(q.year, q.period.as_deref())?, vec![], None).await
}

#[allow(clippy::too_many_arguments)]
async fn done<T>(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: i64,
    asked: Asked,
    r: Result<T, AppError>,
    ok: &str,
    typed: Option<(u8, String)>,
) -> PageResult {
    match r {
        Ok(_) => Ok(redirect_with(&format!("/associations/{id}/analysis?{}", asked.query()), ok, ctx)),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            // Only a section saved stale keeps its typed text (beside the current one).
            let typed = typed.filter(|_| crate::pages::is_stale(&e));
            let (_, errors) = crate::features::municipalities::form_errors(e);
            view_with(state, me, ctx, id, asked, errors, typed).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct TextInput {
    pub text: String,
    /// The section's version the text is based on (`version` of the section as read; 0 for a
    /// section without text yet); a save based on an older one is refused with 409. Left out: no
    /// check.
    #[serde(deserialize_with = "metoda_domain::values::de_version")]
    pub version: Option<i64>,
}

async fn text_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, year, n)): Path<(i64, i32, u8)>,
    Query(q): Query<PeriodQuery>,
    Form(f): Form<TextInput>,
) -> PageResult {
    let p = period_of(Some(year), q.period.as_deref())?;
    let r = set_text(&state, &me, &ctx, id, p, n, &f).await;
    done(&state, &me, &ctx, id, p, r, &format!("Раздел {n} сохранён"), Some((n, f.text))).await
}

async fn submit_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, year)): Path<(i64, i32)>,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    let p = period_of(Some(year), q.period.as_deref())?;
    let r = submit(&state, &me, &ctx, id, p).await;
    let msg = match &r {
        Ok(r) if r.late == 1 => format!("Анализ представлен (версия {}), позже срока", r.version),
        Ok(r) => format!("Анализ представлен (версия {})", r.version),
        Err(_) => String::new(),
    };
    done(&state, &me, &ctx, id, p, r, &msg, None).await
}

async fn decision_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, year)): Path<(i64, i32)>,
    Query(q): Query<PeriodQuery>,
    body: axum::body::Bytes,
) -> PageResult {
    let period = period_of(Some(year), q.period.as_deref())?;
    let p = crate::pages::pairs(&body)?;
    let d = DecisionInput {
        accept: crate::pages::field(&p, "accept") == "1",
        comment: crate::pages::field(&p, "comment").to_owned(),
    };
    let r = decide(&state, &me, &ctx, id, period, &d).await;
    let msg =
        if d.accept { "Анализ принят" } else { "Анализ возвращён на доработку" };
    done(&state, &me, &ctx, id, period, r, msg, None).await
}

// ---- API ----

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ApiYear {
    /// The period's first calendar year (2025 = 2025/2026 for the academic year); default: the
    /// current academic year, or the last calendar year.
    pub year: Option<i32>,
    /// academic_year (the default) or calendar_year (for a profile that reports for it, 004).
    pub period: Option<String>,
}

/// The analysis of an association for a year: the report, the 29 indicators with the records
/// behind each, the unconfirmed records apart, the 24 sections (live data, or as submitted).
#[utoipa::path(get, path = "/api/v1/associations/{id}/analysis", tag = "analysis", params(("id" = i64, Path), ApiYear),
    responses((status = 200, body = AnalysisBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(id): Path<i64>,
    Query(q): Query<ApiYear>,
) -> ApiResult<AnalysisBody> {
    let asked = period_of(q.year, q.period.as_deref())?;
    let (a, s, today) = load(&state, &me, id, Action::View).await?;
    Ok(Json(body(&state, &a, &s, asked.resolve(&s, today)?).await?))
}

/// Write the head's text of a section (1–24); empty text removes it.
#[utoipa::path(put, path = "/api/v1/associations/{id}/analysis/{year}/sections/{n}", tag = "analysis",
    params(("id" = i64, Path), ("year" = i32, Path), ("n" = u8, Path), PeriodQuery), request_body = TextInput,
    responses((status = 200, body = AnalysisBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_text(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path((id, year, n)): Path<(i64, i32, u8)>,
    Query(q): Query<PeriodQuery>,
    b: JsonIn<TextInput>,
) -> ApiResult<AnalysisBody> {
    let p = period_of(Some(year), q.period.as_deref())?;
    set_text(&state, &me, &ctx, id, p, n, &json_body(b)?).await?;
    let (a, s, today) = load(&state, &me, id, Action::View).await?;
    Ok(Json(body(&state, &a, &s, p.resolve(&s, today)?).await?))
}

/// Submit the analysis: frozen as the next version; late when after the profile's deadline.
#[utoipa::path(post, path = "/api/v1/associations/{id}/analysis/{year}/submit", tag = "analysis",
    params(("id" = i64, Path), ("year" = i32, Path), PeriodQuery),
    responses((status = 200, body = Report), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_submit(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path((id, year)): Path<(i64, i32)>,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<Report> {
    Ok(Json(submit(&state, &me, &ctx, id, period_of(Some(year), q.period.as_deref())?).await?))
}

/// The authority accepts the submitted analysis or returns it with a comment.
#[utoipa::path(post, path = "/api/v1/associations/{id}/analysis/{year}/decision", tag = "analysis",
    params(("id" = i64, Path), ("year" = i32, Path), PeriodQuery), request_body = DecisionInput,
    responses((status = 200, body = Report), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_decision(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path((id, year)): Path<(i64, i32)>,
    Query(q): Query<PeriodQuery>,
    b: JsonIn<DecisionInput>,
) -> ApiResult<Report> {
    let p = period_of(Some(year), q.period.as_deref())?;
    Ok(Json(decide(&state, &me, &ctx, id, p, &json_body(b)?).await?))
}

// ---- files ----

fn lines_of(b: &AnalysisBody) -> Vec<metoda_docs::analysis_docx::IndicatorLine> {
    b.composed
        .analysis
        .indicators
        .iter()
        .map(|i| metoda_docs::analysis_docx::IndicatorLine {
            code: i.code.clone(),
            label: i.label.clone(),
            value: i.value,
        })
        .collect()
}

fn title_of(a: &Association, period: Period) -> String {
    format!("Анализ деятельности: {} за {}", a.name, period.label_ru())
}

/// The file name of an analysis download: analysis-7-2025.docx, analysis-7-2025-calendar.xlsx.
fn file_of(id: i64, period: Period, ext: &str) -> String {
    match period.kind {
        PlanPeriod::AcademicYear => format!("analysis-{id}-{}.{ext}", period.year),
        PlanPeriod::CalendarYear => format!("analysis-{id}-{}-calendar.{ext}", period.year),
    }
}

/// The whole analysis as a Word document: the 24 sections, then the indicator table.
async fn docx_of(state: &AppState, me: &Current, id: i64, asked: Asked) -> Result<axum::response::Response, AppError> {
    use metoda_docs::analysis_docx::{AnalysisDoc, AnalysisSection, analysis_docx};
    let (a, s, today) = load(state, me, id, Action::View).await?;
    let period = asked.resolve(&s, today)?;
    let b = body(state, &a, &s, period).await?;
    let zone = metoda_store::municipalities::zone(&mut *state.db.conn().await?, a.municipality_id).await?;
    let subtitle = match &b.report {
        Some(r) if r.version > 0 => format!(
            "{}\n{}, версия {}{}",
            a.municipality_name,
            r.status().label_ru(),
            r.version,
            r.submitted_at.as_deref().map(|t| format!(", представлен {}", zone.format(t))).unwrap_or_default()
        ),
        _ => format!(
            "{}\nпроект (по данным на {})",
            a.municipality_name,
            metoda_domain::values::ru_date(state.today(zone))
        ),
    };
    let doc = AnalysisDoc {
        title: title_of(&a, period),
        subtitle: Some(subtitle),
        sections: b
            .composed
            .sections
            .iter()
            .map(|x| AnalysisSection {
                number: x.number,
                title: x.title.clone(),
                lines: x.lines.clone(),
                text: x.text.clone(),
            })
            .collect(),
        indicators: lines_of(&b),
        signature: a.head_name.as_deref().map(|h| format!("Руководитель объединения ______________ / {}", initials(h))),
    };
    let bytes = analysis_docx(&doc).map_err(AppError::internal)?;
    Ok(crate::pages::download(bytes, crate::pages::DOCX, &file_of(id, period, "docx")))
}

/// The indicator table as a spreadsheet.
async fn xlsx_of(state: &AppState, me: &Current, id: i64, asked: Asked) -> Result<axum::response::Response, AppError> {
    let (a, s, today) = load(state, me, id, Action::View).await?;
    let period = asked.resolve(&s, today)?;
    let b = body(state, &a, &s, period).await?;
    let bytes = metoda_docs::analysis_xlsx::indicators_xlsx(&title_of(&a, period), &lines_of(&b))
        .map_err(AppError::internal)?;
    Ok(crate::pages::download(bytes, crate::pages::XLSX, &file_of(id, period, "xlsx")))
}

async fn docx_page(
    State(state): State<AppState>,
    Me(me, _): Me,
    Path((id, year)): Path<(i64, i32)>,
    Query(q): Query<PeriodQuery>,
) -> Result<axum::response::Response, AppError> {
    docx_of(&state, &me, id, period_of(Some(year), q.period.as_deref())?).await
}

async fn xlsx_page(
    State(state): State<AppState>,
    Me(me, _): Me,
    Path((id, year)): Path<(i64, i32)>,
    Query(q): Query<PeriodQuery>,
) -> Result<axum::response::Response, AppError> {
    xlsx_of(&state, &me, id, period_of(Some(year), q.period.as_deref())?).await
}

/// The analysis as DOCX (the sections, then «Приложение к анализу» with the indicator table).
#[utoipa::path(get, path = "/api/v1/associations/{id}/analysis/{year}/docx", tag = "analysis", params(("id" = i64, Path), ("year" = i32, Path), PeriodQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document")))]
pub async fn api_docx(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path((id, year)): Path<(i64, i32)>,
    Query(q): Query<PeriodQuery>,
) -> Result<axum::response::Response, crate::error::ApiError> {
    Ok(docx_of(&state, &me, id, period_of(Some(year), q.period.as_deref())?).await?)
}

/// The indicator table as XLSX («№ / Показатель / Количество»).
#[utoipa::path(get, path = "/api/v1/associations/{id}/analysis/{year}/xlsx", tag = "analysis", params(("id" = i64, Path), ("year" = i32, Path), PeriodQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn api_xlsx(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path((id, year)): Path<(i64, i32)>,
    Query(q): Query<PeriodQuery>,
) -> Result<axum::response::Response, crate::error::ApiError> {
    Ok(xlsx_of(&state, &me, id, period_of(Some(year), q.period.as_deref())?).await?)
}

/// Members present at the year's meetings on average, in per cent of row 1 (at most 100).
fn attendance(an: &Analysis) -> Option<u32> {
    let members = u64::from(an.get("1")?.value);
    let present: Vec<u64> =
        an.indicators.iter().filter(|i| i.code.starts_with("2.")).map(|i| u64::from(i.value)).collect();
    if members == 0 || present.is_empty() {
        return None;
    }
    let per_cent = present.iter().sum::<u64>() * 100 / (members * present.len() as u64);
    Some(u32::try_from(per_cent.min(100)).unwrap_or(100))
}

/// The summary's charts: the members' qualification categories, the attendance of each column
/// (association or municipality), students' results by level. `total` is a row's total.
fn summary_charts(total: impl Fn(&str) -> u32, attendance: &[(String, Option<u32>)]) -> Vec<Chart> {
    let v = |code: &str| i64::from(total(code));
    let sum = |codes: &[&str]| codes.iter().map(|c| v(c)).sum::<i64>();
    let categories = [
        ("высшая".to_string(), v("1.3")),
        ("первая".to_string(), v("1.4")),
        ("соответствие должности".to_string(), v("1.5")),
        ("без категории".to_string(), (v("1") - sum(&["1.3", "1.4", "1.5"])).max(0)),
    ];
    let levels = [
        ("всероссийский".to_string(), sum(&["11.1", "12.1"])),
        ("региональный".to_string(), sum(&["9.1", "10.1", "14.1", "15.1"])),
        ("муниципальный".to_string(), sum(&["8.1", "16.1", "17.1"])),
    ];
    let short = |name: &str| {
        if name.chars().count() > 30 {
            format!("{}…", name.chars().take(29).collect::<String>())
        } else {
            name.into()
        }
    };
    let attendance: Vec<(String, i64)> =
        attendance.iter().filter_map(|(name, a)| a.map(|a| (short(name), i64::from(a)))).collect();
    let mut charts = vec![chart("Квалификационные категории педагогов", &categories)];
    if !attendance.is_empty() {
        charts.push(chart("Посещаемость заседаний, % членов (в среднем за год)", &attendance));
    }
    charts.push(chart("Победители и призёры из числа обучающихся по уровням (строки 8–17)", &levels));
    charts
}

// ---- the authority's overview ----

/// A row of a summary: its code in the form and its label.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CodeLabel {
    pub code: String,
    pub label: String,
}

/// A row's value.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CodeValue {
    pub code: String,
    pub value: u32,
}

/// A municipality of a roll-up.
#[derive(Serialize, utoipa::ToSchema)]
pub struct IdName {
    pub id: i64,
    pub name: String,
}

/// A municipality's reports: its associations, the reports submitted or accepted, the late ones.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReportCounts {
    pub associations: usize,
    pub submitted: usize,
    pub late: usize,
}

fn code_labels<S: serde::Serializer>(v: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|(code, label)| CodeLabel { code: code.clone(), label: label.clone() }))
}

fn code_values<S: serde::Serializer>(v: &[(String, u32)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|(code, value)| CodeValue { code: code.clone(), value: *value }))
}

fn id_names<S: serde::Serializer>(v: &[(i64, String)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|(id, name)| IdName { id: *id, name: name.clone() }))
}

fn report_counts<S: serde::Serializer>(v: &[(usize, usize, usize)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|&(associations, submitted, late)| ReportCounts { associations, submitted, late }))
}

/// One association in the overview: its report and its indicators (as submitted, or live).
#[derive(Serialize, utoipa::ToSchema)]
pub struct OverviewLine {
    pub association_id: i64,
    pub association_name: String,
    pub report: Option<Report>,
    /// code → value of the rows that add up (row 2's per-meeting rows are left out); in JSON
    /// `{"code", "value"}`.
    #[serde(serialize_with = "code_values")]
    #[schema(value_type = Vec<CodeValue>)]
    pub values: Vec<(String, u32)>,
    /// Members present at the year's meetings, on average, in per cent of the members on the
    /// analysis date (none without meetings or members).
    pub attendance: Option<u32>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Overview {
    pub municipality_id: i64,
    /// The period's first calendar year.
    pub year: i32,
    /// academic_year | calendar_year
    pub period: String,
    pub period_label: String,
    /// The periods the municipality's profile reports for (codes).
    pub periods: Vec<String>,
    pub due_on: Option<String>,
    pub lines: Vec<OverviewLine>,
    /// The rows of the summary, in the form's order; in JSON `{"code", "label"}`.
    #[serde(serialize_with = "code_labels")]
    #[schema(value_type = Vec<CodeLabel>)]
    pub rows: Vec<(String, String)>,
    /// Municipal totals, per row.
    pub totals: Vec<u32>,
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct OverviewQuery {
    pub municipality_id: Option<i64>,
    /// The period's first calendar year; default: the current academic year, or the last calendar year.
    pub year: Option<i32>,
    /// academic_year (the default) or calendar_year.
    pub period: Option<String>,
}

/// Every active association of the municipality the user may read, with its report and indicators.
async fn overview(state: &AppState, me: &Current, q: &OverviewQuery) -> Result<Overview, AppError> {
    let asked = period_of(q.year, q.period.as_deref())?;
    let mut c = state.db.conn().await?;
    let municipality_id = match q.municipality_id {
        Some(m) => m,
        None => me.principal.grants.iter().find_map(|g| g.municipality_id).ok_or_else(|| {
            AppError::Validation(vec![FieldError::new("municipality_id", "Муниципалитет: выберите его")])
        })?,
    };
    let m = metoda_store::municipalities::get(&mut c, municipality_id).await?;
    let list: Vec<Association> = associations::list(&mut c, Some(municipality_id))
        .await?
        .into_iter()
        .filter(|a| a.is_active() && me.may(Action::View, &res(a)))
        .collect();
    if list.is_empty()
        && !me.may(Action::View, &Resource::Municipality { region_id: m.region_id, municipality_id: Some(m.id) })
    {
        return Err(AppError::Forbidden);
    }
    // One municipality, one profile: the periods it reports for.
    let settings = metoda_store::profiles::municipality_settings(&mut c, m.id).await?;
    let today = crate::features::local_today(state, &mut c, m.id).await?;
    let period = match &settings {
        Some(s) => asked.resolve(s, today)?,
        None => asked.of(asked.kind.unwrap_or(PlanPeriod::AcademicYear), today),
    };
    let (year, period_label, kind) = (period.year, period.label_ru(), period.kind.code().to_owned());
    let periods = settings
        .as_ref()
        .map(|s| analysis::periods(&s.analysis_deadlines.value).iter().map(|k| k.code().to_owned()).collect())
        .unwrap_or_default();
    let (Some(s), false) = (settings, list.is_empty()) else {
        return Ok(Overview {
            municipality_id,
            year,
            period: kind,
            period_label,
            periods,
            due_on: None,
            lines: vec![],
            rows: vec![],
            totals: vec![],
        });
    };
    // The associations' facts read at once (`benches/analysis.rs`: the region's 1 000
    // associations in under a second).
    let due_on = reports::deadline_of(&s, period).map(metoda_domain::values::iso_date);
    let mut reports: HashMap<i64, Report> = reports::of_municipality(&mut c, municipality_id, period)
        .await?
        .into_iter()
        .map(|r| (r.association_id, r))
        .collect();
    let mut frozen: HashMap<i64, Analysis> = HashMap::new();
    for (association_id, snapshot) in reports::frozen_of_municipality(&mut c, municipality_id, period).await? {
        // Only the associations listed; a version that does not read fails the summary rather
        // than being summed as today's figures.
        let Some(a) = list.iter().find(|a| a.id == association_id) else { continue };
        let version = reports.get(&association_id).map_or(0, |r| r.version);
        frozen.insert(association_id, thaw(&snapshot, &a.name, period, version)?.analysis);
    }
    let date = analysis::analysis_date_for(period, &s.analysis_deadlines.value, &s.analysis_snapshots.value);
    let mut live: HashMap<i64, Analysis> = HashMap::new();
    for f in results::facts_of_municipality(&mut c, municipality_id, period).await? {
        if !frozen.contains_key(&f.association_id) {
            live.insert(f.association_id, analysis::compute(period, date, &f.for_analysis()));
        }
    }
    drop(c);
    let summed = |an: &Analysis| -> Vec<(String, u32)> {
        an.indicators.iter().filter(|i| !i.code.starts_with("2.")).map(|i| (i.code.clone(), i.value)).collect()
    };
    let mut rows: Vec<(String, String)> = vec![];
    let mut lines = vec![];
    for a in &list {
        let Some(an) = frozen.get(&a.id).or_else(|| live.get(&a.id)) else { continue };
        if rows.is_empty() {
            rows = an
                .indicators
                .iter()
                .filter(|i| !i.code.starts_with("2."))
                .map(|i| (i.code.clone(), i.label.clone()))
                .collect();
        }
        lines.push(OverviewLine {
            association_id: a.id,
            association_name: a.name.clone(),
            report: reports.remove(&a.id),
            values: summed(an),
            attendance: attendance(an),
        });
    }
    let totals = rows
        .iter()
        .map(|(code, _)| lines.iter().filter_map(|l| l.values.iter().find(|(c, _)| c == code).map(|(_, v)| *v)).sum())
        .collect();
    Ok(Overview { municipality_id, year, period: kind, period_label, periods, due_on, lines, rows, totals })
}

#[derive(Template)]
#[template(path = "analysis_overview.html")]
struct OverviewPage {
    l: Layout,
    o: Overview,
    years: Vec<i32>,
    charts: Vec<Chart>,
}

impl OverviewPage {
    fn value(&self, line: &OverviewLine, code: &str) -> u32 {
        line.values.iter().find(|(c, _)| c == code).map_or(0, |(_, v)| *v)
    }
}

async fn overview_page(State(state): State<AppState>, Me(me, ctx): Me, Query(q): Query<OverviewQuery>) -> PageResult {
    if q.municipality_id.is_none() && me.principal.grants.iter().all(|g| g.municipality_id.is_none()) {
        // the region operator (and the administrator) start from the region's roll-up
        return Ok(axum::response::Redirect::to("/analysis/region").into_response());
    }
    let o = overview(&state, &me, &q).await?;
    let zone = metoda_store::municipalities::zone(&mut *state.db.conn().await?, o.municipality_id).await?;
    let today = state.today(zone);
    let now = match o.period.as_str() {
        "calendar_year" => today.year() - 1,
        _ => AcademicYear::containing(today).0,
    };
    let attendance: Vec<(String, Option<u32>)> =
        o.lines.iter().map(|l| (l.association_name.clone(), l.attendance)).collect();
    let charts = summary_charts(
        |code| o.rows.iter().position(|(c, _)| c == code).and_then(|i| o.totals.get(i).copied()).unwrap_or(0),
        &attendance,
    );
    render(&OverviewPage {
        l: Layout::new(&ctx, format!("Анализы деятельности объединений за {}", o.period_label), "/analysis")
            .with_zone(zone),
        o,
        years: (now - 3..=now).rev().collect(),
        charts,
    })
}

/// The municipal summary as XLSX: every association's indicators side by side, with the totals.
async fn summary_xlsx(
    State(state): State<AppState>,
    Me(me, _): Me,
    Query(q): Query<OverviewQuery>,
) -> Result<axum::response::Response, AppError> {
    let o = overview(&state, &me, &q).await?;
    let columns: Vec<String> = o.lines.iter().map(|l| l.association_name.clone()).collect();
    let rows: Vec<metoda_docs::analysis_xlsx::SummaryRow> = o
        .rows
        .iter()
        .map(|(code, label)| metoda_docs::analysis_xlsx::SummaryRow {
            code: code.clone(),
            label: label.clone(),
            values: o.lines.iter().map(|l| l.values.iter().find(|(c, _)| c == code).map_or(0, |(_, v)| *v)).collect(),
        })
        .collect();
    let title = format!("Свод показателей объединений за {}", o.period_label);
    let bytes = metoda_docs::analysis_xlsx::summary_xlsx(&title, &columns, &rows).map_err(AppError::internal)?;
    Ok(crate::pages::download(
        bytes,
        crate::pages::XLSX,
        &format!("summary-{}-{}{}.xlsx", o.municipality_id, o.year, suffix(&o.period)),
    ))
}

/// The authority's overview: every association's report for the year (who has not submitted, who
/// was late) and their indicators side by side with the municipal totals.
#[utoipa::path(get, path = "/api/v1/analysis", tag = "analysis", params(OverviewQuery),
    responses((status = 200, body = Overview), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_overview(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Query(q): Query<OverviewQuery>,
) -> ApiResult<Overview> {
    Ok(Json(overview(&state, &me, &q).await?))
}

// ---- the region operator's roll-up ----

/// The region's roll-up: each municipality's totals side by side.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RegionRollup {
    pub region_id: i64,
    /// The period's first calendar year.
    pub year: i32,
    /// academic_year | calendar_year (the region's report for the calendar year: 004 §2.3).
    pub period: String,
    pub period_label: String,
    /// The periods some profile of the region reports for (codes); the municipalities shown are
    /// those whose profile reports for `period`.
    pub periods: Vec<String>,
    /// Municipalities, in the order of the columns; in JSON `{"id", "name"}`.
    #[serde(serialize_with = "id_names")]
    #[schema(value_type = Vec<IdName>)]
    pub municipalities: Vec<(i64, String)>,
    /// The rows in the form's order; in JSON `{"code", "label"}`.
    #[serde(serialize_with = "code_labels")]
    #[schema(value_type = Vec<CodeLabel>)]
    pub rows: Vec<(String, String)>,
    /// Per row, per municipality.
    pub values: Vec<Vec<u32>>,
    /// Per row, the region's total.
    pub totals: Vec<u32>,
    /// Per municipality: associations, reports submitted or accepted, late; in JSON
    /// `{"associations", "submitted", "late"}`.
    #[serde(serialize_with = "report_counts")]
    #[schema(value_type = Vec<ReportCounts>)]
    pub reports: Vec<(usize, usize, usize)>,
    /// Per municipality: the average of its associations' attendance (per cent), if any met.
    pub attendance: Vec<Option<u32>>,
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct RegionQuery {
    pub region_id: Option<i64>,
    /// The period's first calendar year; default: the current academic year, or the last calendar year.
    pub year: Option<i32>,
    /// academic_year (the default) or calendar_year.
    pub period: Option<String>,
}

async fn region_rollup(state: &AppState, me: &Current, q: &RegionQuery) -> Result<RegionRollup, AppError> {
    let asked = period_of(q.year, q.period.as_deref())?;
    let region_id = match q.region_id.or_else(|| me.principal.grants.iter().find_map(|g| g.region_id)) {
        Some(r) => r,
        // the administrator: the first region
        None => {
            let mut c = state.db.conn().await?;
            metoda_store::regions::list(&mut c, None).await?.first().map(|r| r.id).ok_or_else(|| {
                AppError::Validation(vec![FieldError::new("region_id", "Регион: в системе ещё нет регионов")])
            })?
        }
    };
    require(me, Action::View, &Resource::RegionSummary { region_id })?;
    let mut c = state.db.conn().await?;
    let today = state.today(metoda_store::municipalities::region_zone(&mut c, region_id).await?);
    let period = asked.of(asked.kind.unwrap_or(PlanPeriod::AcademicYear), today);
    let year = period.year;
    let list = metoda_store::municipalities::list(&mut c, Some(region_id), false).await?;
    // The municipalities whose profile reports for the period (the calendar year's reports go to
    // РУМО only where the regulation says so: 004), and every period some profile reports for.
    let mut reporting = vec![];
    let mut periods: Vec<String> = vec![];
    for m in list {
        let Some(s) = metoda_store::profiles::municipality_settings(&mut c, m.id).await? else { continue };
        let kinds = analysis::periods(&s.analysis_deadlines.value);
        for k in &kinds {
            if !periods.iter().any(|x| x == k.code()) {
                periods.push(k.code().to_owned());
            }
        }
        if kinds.contains(&period.kind) {
            reporting.push(m);
        }
    }
    periods.sort();
    drop(c);
    let mut municipalities = vec![];
    let mut rows: Vec<(String, String)> = vec![];
    let mut columns: Vec<Vec<(String, u32)>> = vec![];
    let mut reports = vec![];
    let mut attendances = vec![];
    for m in reporting {
        let o = overview(
            state,
            me,
            &OverviewQuery {
                municipality_id: Some(m.id),
                year: Some(year),
                period: Some(period.kind.code().to_owned()),
            },
        )
        .await?;
        if rows.is_empty() {
            rows = o.rows.clone();
        }
        columns.push(o.rows.iter().cloned().map(|(code, _)| code).zip(o.totals.iter().copied()).collect());
        let submitted = o.lines.iter().filter(|l| l.report.as_ref().is_some_and(|r| r.version > 0)).count();
        let late = o.lines.iter().filter(|l| l.report.as_ref().is_some_and(|r| r.late == 1)).count();
        reports.push((o.lines.len(), submitted, late));
        let met: Vec<u32> = o.lines.iter().filter_map(|l| l.attendance).collect();
        attendances.push((!met.is_empty()).then(|| met.iter().sum::<u32>() / u32::try_from(met.len()).unwrap_or(1)));
        municipalities.push((m.id, m.name));
    }
    let values: Vec<Vec<u32>> = rows
        .iter()
        .map(|(code, _)| columns.iter().map(|col| col.iter().find(|(c, _)| c == code).map_or(0, |(_, v)| *v)).collect())
        .collect();
    let totals = values.iter().map(|v| v.iter().sum()).collect();
    Ok(RegionRollup {
        region_id,
        year,
        period: period.kind.code().to_owned(),
        period_label: period.label_ru(),
        periods,
        municipalities,
        rows,
        values,
        totals,
        reports,
        attendance: attendances,
    })
}

#[derive(Template)]
#[template(path = "analysis_region.html")]
struct RegionPage {
    l: Layout,
    r: RegionRollup,
    charts: Vec<Chart>,
}

async fn region_page(State(state): State<AppState>, Me(me, ctx): Me, Query(q): Query<RegionQuery>) -> PageResult {
    let r = region_rollup(&state, &me, &q).await?;
    let attendance: Vec<(String, Option<u32>)> =
        r.municipalities.iter().map(|(_, n)| n.clone()).zip(r.attendance.iter().copied()).collect();
    let charts = summary_charts(
        |code| r.rows.iter().position(|(c, _)| c == code).and_then(|i| r.totals.get(i).copied()).unwrap_or(0),
        &attendance,
    );
    render(&RegionPage {
        l: Layout::new(&ctx, format!("Свод по региону за {}", r.period_label), "/analysis"),
        r,
        charts,
    })
}

async fn region_xlsx(
    State(state): State<AppState>,
    Me(me, _): Me,
    Query(q): Query<RegionQuery>,
) -> Result<axum::response::Response, AppError> {
    let r = region_rollup(&state, &me, &q).await?;
    let columns: Vec<String> = r.municipalities.iter().map(|(_, n)| n.clone()).collect();
    let rows: Vec<metoda_docs::analysis_xlsx::SummaryRow> = r
        .rows
        .iter()
        .zip(&r.values)
        .map(|((code, label), values)| metoda_docs::analysis_xlsx::SummaryRow {
            code: code.clone(),
            label: label.clone(),
            values: values.clone(),
        })
        .collect();
    let title = format!("Свод показателей методических объединений региона за {}", r.period_label);
    let bytes = metoda_docs::analysis_xlsx::summary_xlsx(&title, &columns, &rows).map_err(AppError::internal)?;
    Ok(crate::pages::download(
        bytes,
        crate::pages::XLSX,
        &format!("region-{}-{}{}.xlsx", r.region_id, r.year, suffix(&r.period)),
    ))
}

/// The region operator's roll-up: every municipality's totals side by side, with the region's.
#[utoipa::path(get, path = "/api/v1/analysis/region", tag = "analysis", params(RegionQuery),
    responses((status = 200, body = RegionRollup), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_region(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Query(q): Query<RegionQuery>,
) -> ApiResult<RegionRollup> {
    Ok(Json(region_rollup(&state, &me, &q).await?))
}

#[cfg(test)]
mod tests {
    use metoda_domain::profile::{AnalysisDeadline, PlanPeriod, ProfileSettings, preset};

    use super::{Asked, period_of};

    fn settings(code: &str) -> ProfileSettings {
        preset(code).map(|p| p.settings).unwrap_or_else(|| panic!("preset {code}"))
    }

    #[test]
    fn a_period_left_out_is_the_profile_s_first_and_one_it_does_not_report_for_is_refused() {
        let s002 = settings("seed-002");
        let s004 = settings("seed-004");
        let today = time::macros::date!(2026 - 12 - 03);
        let none = period_of(Some(2025), None).unwrap();
        let calendar = period_of(Some(2025), Some("calendar_year")).unwrap();
        assert_eq!(none.resolve(&s002, today).unwrap().kind, PlanPeriod::AcademicYear);
        assert!(calendar.resolve(&s002, today).is_err(), "002 reports for the academic year only");
        assert_eq!(calendar.resolve(&s004, today).unwrap().kind, PlanPeriod::CalendarYear);
        // A profile that reports for the calendar year only opens it without being asked.
        let mut only_calendar = s004.clone();
        only_calendar.analysis_deadlines.value.retain(|d: &AnalysisDeadline| d.period == PlanPeriod::CalendarYear);
        assert_eq!(none.resolve(&only_calendar, today).unwrap().kind, PlanPeriod::CalendarYear);
        assert!(period_of(Some(2025), Some("weekly")).is_err() && period_of(Some(3000), None).is_err());
        assert_eq!(calendar.query(), "year=2025&period=calendar_year");
        assert_eq!(Asked { kind: None, year: Some(2025) }.query(), "year=2025");
    }
}
