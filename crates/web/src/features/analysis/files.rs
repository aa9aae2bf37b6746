//! The analysis as files: the whole analysis as DOCX (the 24 sections, then «Приложение к анализу»
//! with the indicator table) and the indicator table as XLSX.

use axum::extract::State;
use metoda_domain::access::Action;
use metoda_domain::analysis::Period;
use metoda_domain::ids::AssociationId;
use metoda_domain::meetings::initials;
use metoda_domain::profile::PlanPeriod;
use metoda_store::associations::Association;

use super::report::{AnalysisBody, PeriodQuery, body};
use super::{Asked, load, period_of};
use crate::AppState;
use crate::auth::{ApiMe, Current, Me};
use crate::error::AppError;
use crate::extract::{Path, Query};

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
fn file_of(id: AssociationId, period: Period, ext: &str) -> String {
    match period.kind {
        PlanPeriod::AcademicYear => format!("analysis-{id}-{}.{ext}", period.year),
        PlanPeriod::CalendarYear => format!("analysis-{id}-{}-calendar.{ext}", period.year),
    }
}

/// The whole analysis as a Word document: the 24 sections, then the indicator table.
async fn docx_of(
    state: &AppState,
    me: &Current,
    id: AssociationId,
    asked: Asked,
) -> Result<axum::response::Response, AppError> {
    use metoda_docs::analysis_docx::{AnalysisDoc, AnalysisSection, analysis_docx};
    let (a, s, today) = load(state, me, id, Action::View).await?;
    let period = asked.resolve(&s, today)?;
    let b = body(state, &a, &s, period).await?;
    let zone = metoda_store::municipalities::zone(&mut *state.db.conn().await?, a.municipality_id).await?;
    let subtitle = match &b.report {
        Some(r) if r.version > 0 => format!(
            "{}\n{}, версия {}{}",
            a.municipality_name,
            r.status.label_ru(),
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
async fn xlsx_of(
    state: &AppState,
    me: &Current,
    id: AssociationId,
    asked: Asked,
) -> Result<axum::response::Response, AppError> {
    let (a, s, today) = load(state, me, id, Action::View).await?;
    let period = asked.resolve(&s, today)?;
    let b = body(state, &a, &s, period).await?;
    let bytes = metoda_docs::analysis_xlsx::indicators_xlsx(&title_of(&a, period), &lines_of(&b))
        .map_err(AppError::internal)?;
    Ok(crate::pages::download(bytes, crate::pages::XLSX, &file_of(id, period, "xlsx")))
}

pub(super) async fn docx_page(
    State(state): State<AppState>,
    Me(me, _): Me,
    Path((id, year)): Path<(AssociationId, i32)>,
    Query(q): Query<PeriodQuery>,
) -> Result<axum::response::Response, AppError> {
    docx_of(&state, &me, id, period_of(Some(year), q.period.as_deref())?).await
}

pub(super) async fn xlsx_page(
    State(state): State<AppState>,
    Me(me, _): Me,
    Path((id, year)): Path<(AssociationId, i32)>,
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
    Path((id, year)): Path<(AssociationId, i32)>,
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
    Path((id, year)): Path<(AssociationId, i32)>,
    Query(q): Query<PeriodQuery>,
) -> Result<axum::response::Response, crate::error::ApiError> {
    Ok(xlsx_of(&state, &me, id, period_of(Some(year), q.period.as_deref())?).await?)
}
