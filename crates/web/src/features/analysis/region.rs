//! The region operator's roll-up (004 §2.3: the region's association receives the yearly
//! reports): every municipality's totals side by side with the region's, its reports submitted and
//! late, its associations' attendance (`metoda_domain::analysis::summary::regional`).

use askama::Template;
use axum::Json;
use axum::extract::State;
use metoda_domain::FieldError;
use metoda_domain::access::{Action, Resource};
use metoda_domain::analysis;
use metoda_domain::analysis::summary::{self, MunicipalTotals, ReportState};
use metoda_domain::ids::{MunicipalityId, RegionId};
use metoda_domain::profile::{PlanPeriod, ProfileSettings};
use metoda_store::{Within, associations};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use super::overview::{CodeLabel, Rollup, charts, code_labels};
use super::{period_of, suffix};
use crate::AppState;
use crate::auth::{ApiMe, Current, Me, require};
use crate::error::{ApiResult, AppError, PageResult};
use crate::extract::Query;
use crate::features::teachers::Chart;
use crate::pages::{Layout, render};

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

fn id_names<S: serde::Serializer>(v: &[(i64, String)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|(id, name)| IdName { id: *id, name: name.clone() }))
}

fn report_counts<S: serde::Serializer>(v: &[(usize, usize, usize)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|&(associations, submitted, late)| ReportCounts { associations, submitted, late }))
}

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
    let region_id = match q.region_id.map(RegionId).or_else(|| me.principal.grants.iter().find_map(|g| g.region_id)) {
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
    // Each kind of row read once for the whole region (not once per municipality).
    let within = Within::Region(region_id);
    let settings: HashMap<MunicipalityId, ProfileSettings> =
        metoda_store::profiles::settings_within(&mut c, within).await?.into_iter().collect();
    // The municipalities whose profile reports for the period (the calendar year's reports go to
    // РУМО only where the regulation says so: 004), and every period some profile reports for.
    let mut reporting = vec![];
    let mut periods: Vec<String> = vec![];
    for m in &list {
        let Some(s) = settings.get(&m.id) else { continue };
        let kinds = analysis::periods(&s.analysis_deadlines.value);
        for k in &kinds {
            if !periods.iter().any(|x| x == k.code()) {
                periods.push(k.code().to_owned());
            }
        }
        if kinds.contains(&period.kind) {
            reporting.push((m, Some(s)));
        }
    }
    periods.sort();
    let mut associations = associations::list_within(&mut c, within).await?;
    let mut read = Rollup::read(state, &mut c, within, period, &reporting).await?;
    drop(c);
    let mut municipalities = vec![];
    let mut columns = vec![];
    for (m, s) in reporting {
        let (its, rest): (Vec<_>, Vec<_>) = associations.into_iter().partition(|a| a.municipality_id == m.id);
        associations = rest;
        let o = read.overview(me, m, its, s, period)?;
        let reports = o
            .lines
            .iter()
            .map(|l| ReportState {
                submitted: l.report.as_ref().is_some_and(|r| r.version > 0),
                late: l.report.as_ref().is_some_and(|r| r.late),
                attendance: l.attendance,
            })
            .collect();
        columns.push(MunicipalTotals { rows: o.rows, totals: o.totals, reports });
        municipalities.push((m.id.get(), m.name.clone()));
    }
    let summary::RegionSummary { rows, values, totals, reports, attendance } = summary::regional(&columns);
    let reports = reports.iter().map(|t| (t.associations, t.submitted, t.late)).collect();
    Ok(RegionRollup {
        region_id: region_id.get(),
        year,
        period: period.kind.code().to_owned(),
        period_label: period.label_ru(),
        periods,
        municipalities,
        rows,
        values,
        totals,
        reports,
        attendance,
    })
}

#[derive(Template)]
#[template(path = "analysis_region.html")]
struct RegionPage {
    l: Layout,
    r: RegionRollup,
    charts: Vec<Chart>,
}

pub(super) async fn region_page(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Query(q): Query<RegionQuery>,
) -> PageResult {
    let r = region_rollup(&state, &me, &q).await?;
    let attendance: Vec<(String, Option<u32>)> =
        r.municipalities.iter().map(|(_, n)| n.clone()).zip(r.attendance.iter().copied()).collect();
    let charts = charts(summary::summary_charts(&r.rows, &r.totals, &attendance));
    render(&RegionPage {
        l: Layout::new(&ctx, format!("Свод по региону за {}", r.period_label), "/analysis"),
        r,
        charts,
    })
}

pub(super) async fn region_xlsx(
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
