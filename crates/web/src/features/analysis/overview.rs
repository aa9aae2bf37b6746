//! The authority's overview of a municipality's analyses (seed 002 §3.4): every association's
//! report for the period (who has not submitted, who was late) and their indicators side by side
//! with the municipal totals (`metoda_domain::analysis::summary`), as a page, XLSX and JSON.

use metoda_domain::ids::{AssociationId, MunicipalityId};
use std::collections::HashMap;

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use metoda_domain::FieldError;
use metoda_domain::access::{Action, Resource};
use metoda_domain::analysis::Period;
use metoda_domain::analysis::summary::{self, ChartData};
use metoda_domain::analysis::{self, Analysis};
use metoda_domain::profile::{PlanPeriod, ProfileSettings};
use metoda_domain::teachers::AcademicYear;
use metoda_store::Within;
use metoda_store::associations::{self, Association};
use metoda_store::memo::Analyses;
use metoda_store::municipalities::Municipality;
use metoda_store::reports::{self, AnnualAnalysis};
use serde::{Deserialize, Serialize};

use super::views::{self, Report};
use super::{period_of, res, suffix, thaw};
use crate::AppState;
use crate::auth::{ApiMe, Current, Me};
use crate::error::{ApiResult, AppError, PageResult};
use crate::extract::Query;
use crate::features::teachers::{Chart, chart};
use crate::pages::{Layout, render};

/// The charts of a summary, drawn.
pub(super) fn charts(data: Vec<ChartData>) -> Vec<Chart> {
    data.iter().map(|c| chart(c.title, &c.bars)).collect()
}

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

pub(super) fn code_labels<S: serde::Serializer>(v: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|(code, label)| CodeLabel { code: code.clone(), label: label.clone() }))
}

fn code_values<S: serde::Serializer>(v: &[(String, u32)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|(code, value)| CodeValue { code: code.clone(), value: *value }))
}

/// One association in the overview: its report and its indicators (as submitted, or live).
#[derive(Serialize, utoipa::ToSchema)]
pub struct OverviewLine {
    pub association_id: i64,
    pub association_name: String,
    #[serde(serialize_with = "views::report_opt")]
    #[schema(value_type = Option<Report>)]
    pub report: Option<AnnualAnalysis>,
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
pub(super) async fn overview(state: &AppState, me: &Current, q: &OverviewQuery) -> Result<Overview, AppError> {
    let asked = period_of(q.year, q.period.as_deref())?;
    let mut c = state.db.conn().await?;
    let municipality_id = match q.municipality_id {
        Some(m) => MunicipalityId(m),
        None => me.principal.grants.iter().find_map(|g| g.municipality_id).ok_or_else(|| {
            AppError::Validation(vec![FieldError::new("municipality_id", "Муниципалитет: выберите его")])
        })?,
    };
    let m = metoda_store::municipalities::get(&mut c, municipality_id).await?;
    let within = Within::Municipality(m.id);
    let associations = associations::list_within(&mut c, within).await?;
    // One municipality, one profile: the periods it reports for.
    let settings = metoda_store::profiles::municipality_settings(&mut c, m.id).await?;
    let today = state.today(m.zone());
    let period = match &settings {
        Some(s) => asked.resolve(s, today)?,
        None => asked.of(asked.kind.unwrap_or(PlanPeriod::AcademicYear), today),
    };
    let mut read = Rollup::read(state, &mut c, within, period, &[(&m, settings.as_ref())]).await?;
    drop(c);
    read.overview(me, &m, associations, settings.as_ref(), period)
}

/// What the overviews of a municipality, or of every municipality of a region, are made of, read
/// at once for all of them: the same handful of queries for one municipality or for ten.
pub(super) struct Rollup {
    reports: HashMap<AssociationId, AnnualAnalysis>,
    frozen: Vec<(i64, String)>,
    live: HashMap<MunicipalityId, Analyses>,
}

impl Rollup {
    /// The reports, the frozen versions and the live analyses of the period for `municipalities`
    /// (each with its profile's settings: the analysis date is the profile's), all `within`.
    pub(super) async fn read(
        state: &AppState,
        c: &mut metoda_store::Conn,
        within: Within,
        period: Period,
        municipalities: &[(&Municipality, Option<&ProfileSettings>)],
    ) -> Result<Rollup, AppError> {
        let reports = reports::of_within(c, within, period).await?.into_iter().map(|r| (r.association_id, r)).collect();
        let frozen = reports::frozen_of_within(c, within, period).await?;
        // Computed from the facts, or kept from the last computation while nothing changed
        // (decision 0020).
        let wanted: Vec<(MunicipalityId, Period, time::Date)> = municipalities
            .iter()
            .filter_map(|(m, s)| {
                s.map(|s| {
                    (
                        m.id,
                        period,
                        analysis::analysis_date_for(period, &s.analysis_deadlines.value, &s.analysis_snapshots.value),
                    )
                })
            })
            .collect();
        let analyses = metoda_store::memo::analyses_of_municipalities(&state.db, c, &wanted).await?;
        let live = wanted.iter().map(|w| w.0).zip(analyses).collect();
        Ok(Rollup { reports, frozen, live })
    }

    /// The overview of one municipality: its active associations the user may read, each with its
    /// report and its indicators (as submitted, or live), summed.
    pub(super) fn overview(
        &mut self,
        me: &Current,
        m: &Municipality,
        associations: Vec<Association>,
        settings: Option<&ProfileSettings>,
        period: Period,
    ) -> Result<Overview, AppError> {
        let list: Vec<Association> = associations
            .into_iter()
            .filter(|a| a.municipality_id == m.id && a.is_active() && me.may(Action::View, &res(a)))
            .collect();
        if list.is_empty()
            && !me.may(Action::View, &Resource::Municipality { region_id: m.region_id, municipality_id: Some(m.id) })
        {
            return Err(AppError::Forbidden);
        }
        let (year, period_label, kind) = (period.year, period.label_ru(), period.kind.code().to_owned());
        let periods: Vec<String> = settings
            .map(|s| analysis::periods(&s.analysis_deadlines.value).iter().map(|k| k.code().to_owned()).collect())
            .unwrap_or_default();
        let empty = Overview {
            municipality_id: m.id.get(),
            year,
            period: kind.clone(),
            period_label: period_label.clone(),
            periods: periods.clone(),
            due_on: None,
            lines: vec![],
            rows: vec![],
            totals: vec![],
        };
        let (Some(s), false) = (settings, list.is_empty()) else { return Ok(empty) };
        let due_on = metoda_domain::reports::deadline_of(&s.analysis_deadlines.value, period)
            .map(metoda_domain::values::iso_date);
        let mut frozen: HashMap<AssociationId, Analysis> = HashMap::new();
        for (association_id, snapshot) in &self.frozen {
            // Only the associations listed; a version that does not read fails the summary rather
            // than being summed as today's figures.
            let association_id = AssociationId(*association_id);
            let Some(a) = list.iter().find(|a| a.id == association_id) else { continue };
            let version = self.reports.get(&association_id).map_or(0, |r| r.version);
            frozen.insert(association_id, thaw(snapshot, &a.name, period, version)?.analysis);
        }
        let none = Analyses::default();
        let live = self.live.get(&m.id).unwrap_or(&none);
        // The associations listed that have an analysis, each as submitted or live, summed.
        let shown: Vec<(&Association, &Analysis)> =
            list.iter().filter_map(|a| frozen.get(&a.id).or_else(|| live.get(&a.id)).map(|an| (a, an))).collect();
        let summary::MunicipalSummary { rows, columns, totals } =
            summary::municipal(&shown.iter().map(|(_, an)| *an).collect::<Vec<_>>());
        let lines = shown
            .iter()
            .zip(columns)
            .map(|((a, _), column)| OverviewLine {
                association_id: a.id.get(),
                association_name: a.name.clone(),
                report: self.reports.remove(&a.id),
                values: column.values,
                attendance: column.attendance,
            })
            .collect();
        Ok(Overview { due_on, lines, rows, totals, ..empty })
    }
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
        summary::value_of(&line.values, code)
    }
}

pub(super) async fn overview_page(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Query(q): Query<OverviewQuery>,
) -> PageResult {
    if q.municipality_id.is_none() && me.principal.grants.iter().all(|g| g.municipality_id.is_none()) {
        // the region operator (and the administrator) start from the region's roll-up
        return Ok(axum::response::Redirect::to("/analysis/region").into_response());
    }
    let o = overview(&state, &me, &q).await?;
    let zone =
        metoda_store::municipalities::zone(&mut *state.db.conn().await?, MunicipalityId(o.municipality_id)).await?;
    let today = state.today(zone);
    let now = match o.period.as_str() {
        "calendar_year" => today.year() - 1,
        _ => AcademicYear::containing(today).0,
    };
    let attendance: Vec<(String, Option<u32>)> =
        o.lines.iter().map(|l| (l.association_name.clone(), l.attendance)).collect();
    let charts = charts(summary::summary_charts(&o.rows, &o.totals, &attendance));
    render(&OverviewPage {
        l: Layout::new(&ctx, format!("Анализы деятельности объединений за {}", o.period_label), "/analysis")
            .with_zone(zone),
        o,
        years: (now - 3..=now).rev().collect(),
        charts,
    })
}

/// The municipal summary as XLSX: every association's indicators side by side, with the totals.
pub(super) async fn summary_xlsx(
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
            values: o.lines.iter().map(|l| summary::value_of(&l.values, code)).collect(),
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
