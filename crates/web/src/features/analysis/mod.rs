//! The yearly analysis of an association (seed 002 §3.4 and appendix 1; DOMAIN.md §4): the 29
//! indicators computed from the data (`metoda_domain::analysis`), every number with the records
//! behind it; the 24 sections prefilled from the data, with the head's text; submitted by the
//! profile's deadline as a frozen version, accepted or returned by the authority
//! (`metoda_store::reports`). While a report is a draft (or returned) the page shows the data as
//! it is now; once submitted, it shows the version as it was submitted.
//!
//! The composition (the words, the sections, the sums) is `metoda_domain::analysis::composition`
//! and `::summary`; the records are read by `metoda_store::reports`. This module and its parts
//! load, call the domain and render:
//! - [`report`] — the report's page and API: the sections' texts, submission, the decision;
//! - [`files`] — the analysis as DOCX and its indicators as XLSX;
//! - [`overview`] — the authority's overview of a municipality's associations;
//! - [`region`] — the region operator's roll-up of the municipalities;
//! - [`views`] — the report as the JSON API shows it.

use axum::Router;
use axum::routing::{get, post};
use metoda_domain::FieldError;
use metoda_domain::access::{Action, Resource};
use metoda_domain::analysis::composition::{self, Composition};
use metoda_domain::analysis::{self, Analysis, Period};
use metoda_domain::ids::AssociationId;
use metoda_domain::profile::{PlanPeriod, ProfileSettings};
use metoda_domain::reports::SectionKind;
use metoda_domain::teachers::AcademicYear;
use metoda_store::associations::{self, Association};
use metoda_store::reports::{self, AnnualAnalysis, Snapshot};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{Current, require};
use crate::error::AppError;
use crate::features::meetings::settings_for;

pub mod files;
pub mod overview;
pub mod region;
pub mod report;
pub mod views;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/associations/{id}/analysis", get(report::view_page))
        .route("/associations/{id}/analysis/{year}/sections", post(report::sections_submit))
        .route("/associations/{id}/analysis/{year}/sections/{n}", post(report::text_submit))
        .route("/associations/{id}/analysis/{year}/submit", post(report::submit_submit))
        .route("/associations/{id}/analysis/{year}/decision", post(report::decision_submit))
        .route("/associations/{id}/analysis/{year}/docx", get(files::docx_page))
        .route("/associations/{id}/analysis/{year}/xlsx", get(files::xlsx_page))
        .route("/analysis", get(overview::overview_page))
        .route("/analysis/summary.xlsx", get(overview::summary_xlsx))
        .route("/api/v1/analysis", get(overview::api_overview))
        .route("/analysis/region", get(region::region_page))
        .route("/analysis/region.xlsx", get(region::region_xlsx))
        .route("/api/v1/analysis/region", get(region::api_region))
        .route("/api/v1/associations/{id}/analysis", get(report::api_get))
        .route("/api/v1/associations/{id}/analysis/{year}/docx", get(files::api_docx))
        .route("/api/v1/associations/{id}/analysis/{year}/xlsx", get(files::api_xlsx))
        .route("/api/v1/associations/{id}/analysis/{year}/sections/{n}", axum::routing::put(report::api_text))
        .route("/api/v1/associations/{id}/analysis/{year}/submit", post(report::api_submit))
        .route("/api/v1/associations/{id}/analysis/{year}/decision", post(report::api_decision))
}

fn res(a: &Association) -> Resource {
    Resource::Analysis { region_id: a.region_id, municipality_id: a.municipality_id, association_id: a.id }
}

/// Who decides on the report of a period: the authority, or the region operator when the profile
/// sends that period's report to the region's association (004: the calendar year, РУМО).
fn decision_res(a: &Association, s: &ProfileSettings, period: Period) -> Resource {
    let to_region = metoda_domain::reports::to_region(&s.analysis_deadlines.value, period.kind);
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
    /// The period of this kind (by default the one whose work is still open: [`Period::open`]).
    fn of(self, kind: PlanPeriod, today: time::Date) -> Period {
        match self.year {
            Some(year) => Period { kind, year },
            None => Period::open(kind, today),
        }
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
    id: AssociationId,
    action: Action,
) -> Result<(Association, ProfileSettings, time::Date), AppError> {
    let mut c = state.db.conn().await?;
    let a = associations::get(&mut c, id).await?;
    require(me, action, &res(&a))?;
    let s = settings_for(&mut c, &a).await?;
    let today = crate::features::local_today(state, &mut c, a.municipality_id).await?;
    Ok((a, s, today))
}

impl From<Composition> for Composed {
    fn from(c: Composition) -> Composed {
        let sections = c
            .sections
            .into_iter()
            .map(|x| Section {
                number: x.number,
                title: x.title.to_owned(),
                kind: match x.kind {
                    SectionKind::Data => "data",
                    SectionKind::DataAndText => "data_and_text",
                    SectionKind::Text => "text",
                }
                .into(),
                lines: x.lines,
                text: x.text,
            })
            .collect();
        Composed { analysis: c.analysis, explained: c.explained, apart: c.apart, sections }
    }
}

/// Composes the analysis of an association and period from the data as it is now (on `c`: the
/// submitting transaction freezes what it reads itself).
async fn compose(
    c: &mut metoda_store::Conn,
    a: &Association,
    s: &ProfileSettings,
    period: Period,
    report: Option<&AnnualAnalysis>,
) -> Result<Composed, AppError> {
    let date = analysis::analysis_date_for(period, &s.analysis_deadlines.value, &s.analysis_snapshots.value);
    let input = reports::composition_input(c, a, period, date, report).await?;
    Ok(composition::compose(&input).into())
}

/// The demo's analyses of the period whose work is still open, as on a real day: the first
/// association's submitted and returned with the authority's comment, the second's submitted and
/// waiting for the decision, the others' not submitted — so the head's and the authority's work
/// lists show what they look like. Composed and frozen as a real submission is.
pub async fn demo_reports(db: &metoda_store::Db, ids: &[AssociationId]) -> Result<(), AppError> {
    let actor = metoda_store::Actor::cli("demo-data");
    let mut tx = db.begin().await?;
    for (i, id) in ids.iter().take(2).enumerate() {
        let a = associations::get(&mut tx, *id).await?;
        let Some(s) = metoda_store::profiles::municipality_settings(&mut tx, a.municipality_id).await? else {
            continue;
        };
        let zone = metoda_store::municipalities::zone(&mut tx, a.municipality_id).await?;
        let today = zone.today(time::OffsetDateTime::now_utc());
        let period = Period::open(analysis::periods(&s.analysis_deadlines.value)[0], today);
        let r = reports::open(&mut tx, &actor, &a, &s, period).await?;
        let r = reports::lock(&mut tx, r.id).await?;
        let composed = compose(&mut tx, &a, &s, period, Some(&r)).await?;
        let r = reports::submit(&mut tx, &actor, &a, &r, &freeze(&composed)?, today).await?;
        if i == 0 {
            let comment = "Дополните анализ: сколько наставнических пар работало в году и с какими итогами.";
            reports::decide(&mut tx, &actor, &a, &r, false, Some(comment)).await?;
        }
    }
    tx.commit().await?;
    Ok(())
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
