//! The report of an association's yearly analysis: its page and API — the analysis (live, or the
//! version as submitted), the head's texts of the sections, the submission, the authority's
//! decision.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use metoda_domain::FieldError;
use metoda_domain::access::Action;
use metoda_domain::analysis::{self, Period};
use metoda_domain::ids::AssociationId;
use metoda_domain::profile::{PlanPeriod, ProfileSettings};
use metoda_domain::reports::{ReportStatus, SECTIONS};
use metoda_domain::teachers::AcademicYear;
use metoda_store::associations::Association;
use metoda_store::reports::{self, AnnualAnalysis};
use serde::{Deserialize, Serialize};

use super::views::{self, Report};
use super::{Asked, Composed, Section, compose, decision_res, freeze, load, period_of, period_words, pq, res, thaw};
use crate::AppState;
use crate::auth::{ApiMe, Ctx, Current, Me, require};
use crate::error::{ApiResult, AppError, JsonIn, PageResult, json_body};
use crate::extract::{Form, Path, Query};
use crate::pages::{Layout, redirect_with, render_status};

/// The version of the head's text of a section (kept beside the sections, not in them: a
/// submitted version reads back exactly as it was frozen).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TextVersion {
    pub number: u8,
    /// 0 while no text is written: send it back with the section's text (an older one gets 409).
    pub version: i64,
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
    #[serde(serialize_with = "views::report_opt")]
    #[schema(value_type = Option<Report>)]
    pub report: Option<AnnualAnalysis>,
    pub due_on: Option<String>,
    /// true: computed from the data now; false: the version as submitted.
    pub live: bool,
    pub composed: Composed,
    /// The version of each section's text, 1 to 24.
    pub text_versions: Vec<TextVersion>,
}

pub(super) async fn body(
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
                cause: format!("analysis report {} is {} without a version", r.id, r.status.code()),
            })?;
            Some(thaw(&v.snapshot, &a.name, period, v.version)?)
        }
        _ => None,
    };
    let due_on =
        metoda_domain::reports::deadline_of(&s.analysis_deadlines.value, period).map(metoda_domain::values::iso_date);
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
            version: written.iter().find(|w| w.section == *n).map_or(0, |w| w.version),
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
    id: AssociationId,
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

async fn submit(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: AssociationId,
    asked: Asked,
) -> Result<AnnualAnalysis, AppError> {
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
    id: AssociationId,
    asked: Asked,
    d: &DecisionInput,
) -> Result<AnnualAnalysis, AppError> {
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
pub(super) struct YearQuery {
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
    /// After a refused save: every section's text as typed (number, text) and the notes of the
    /// sections that were refused (number, note), each shown at its section.
    kept: Vec<(u8, String)>,
    notes: Vec<(u8, String)>,
    /// The comment typed in the return form when the decision was refused.
    comment: String,
}

impl ViewPage {
    /// `?period=…` for the page's forms and downloads (empty for the academic year).
    fn aq(&self) -> String {
        self.pq.strip_prefix('&').map(|q| format!("?{q}")).unwrap_or_default()
    }
    fn status_label(&self) -> &'static str {
        self.b.report.as_ref().map_or("не начат", |r| r.status.label_ru())
    }
    fn editable(&self) -> bool {
        self.can_edit && self.b.report.as_ref().is_none_or(AnnualAnalysis::editable)
    }
    /// A submitted report the authority has not decided on yet.
    fn awaits_decision(&self) -> bool {
        self.b.report.as_ref().is_some_and(|r| r.status == ReportStatus::Submitted)
    }
    /// What the form of a section shows: the text as typed after a stale save, else the record's.
    fn text_of(&self, s: &Section) -> String {
        match self.kept.iter().find(|(n, _)| *n == s.number) {
            Some((_, typed)) => typed.clone(),
            None => s.text.clone().unwrap_or_default(),
        }
    }
    /// The version of a section's text its form is based on.
    fn version_of(&self, s: &Section) -> i64 {
        self.b.text_versions.iter().find(|v| v.number == s.number).map_or(0, |v| v.version)
    }
    /// The note beside a section saved stale.
    fn note_of(&self, s: &Section) -> Option<&str> {
        self.notes.iter().find(|(n, _)| *n == s.number).map(|(_, note)| note.as_str())
    }
    fn sub(&self, code: &str) -> bool {
        code.contains('.')
    }
    /// The records behind indicator row `i`, in words.
    fn explained(&self, i: impl std::borrow::Borrow<usize>) -> &[String] {
        self.b.composed.explained.get(*i.borrow()).map_or(&[], Vec::as_slice)
    }
}

/// What a refused save of sections leaves on the page: every section's typed text, and per
/// refused section the reason (a stale save: the text now in the record).
#[derive(Debug, Default)]
struct Typed {
    texts: Vec<(u8, String)>,
    refused: Vec<(u8, AppError)>,
    /// A refused decision: its status and the comment typed.
    decision: Option<(StatusCode, String)>,
}

async fn view_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: AssociationId,
    asked: Asked,
    mut errors: Vec<FieldError>,
    typed: Typed,
) -> PageResult {
    let (a, s, today) = load(state, me, id, Action::View).await?;
    let period = asked.resolve(&s, today)?;
    let b = body(state, &a, &s, period).await?;
    // After a refused save every typed text stays in its section; a stale section shows the text
    // now in the record beside it (the form carries the section's current version, so saving
    // again goes through).
    let mut notes = vec![];
    let (mut status, comment) = typed.decision.unwrap_or((StatusCode::OK, String::new()));
    for (n, e) in typed.refused {
        let note = if crate::pages::is_stale(&e) {
            status = StatusCode::CONFLICT;
            let now = b.composed.sections.iter().find(|x| x.number == n);
            format!(
                "Раздел {n}: сейчас в записи — {}",
                now.and_then(|x| x.text.as_deref()).map_or_else(|| "не заполнено".to_owned(), |t| format!("«{t}»"))
            )
        } else {
            if status == StatusCode::OK {
                status = StatusCode::UNPROCESSABLE_ENTITY;
            }
            let (_, errs) = crate::features::municipalities::form_errors(e);
            format!("Раздел {n}: {}", errs.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; "))
        };
        errors.push(FieldError::new(format!("text{n}"), note.clone()));
        notes.push((n, note));
    }
    let kept = typed.texts;
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
        notes,
        comment,
    };
    render_status(status, &page)
}

pub(super) async fn view_page(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<AssociationId>,
    Query(q): Query<YearQuery>,
) -> PageResult {
    view_with(&state, &me, &ctx, id, period_of(q.year, q.period.as_deref())?, vec![], Typed::default()).await
}

#[allow(clippy::too_many_arguments)]
async fn done<T>(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: AssociationId,
    asked: Asked,
    r: Result<T, AppError>,
    ok: &str,
    typed: Option<(u8, String)>,
) -> PageResult {
    match r {
        Ok(_) => Ok(redirect_with(&format!("/associations/{id}/analysis?{}", asked.query()), ok, ctx)),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => match typed {
            // A section's save keeps its typed text at the section, with the reason.
            Some((n, text)) => {
                let typed = Typed { texts: vec![(n, text)], refused: vec![(n, e)], decision: None };
                view_with(state, me, ctx, id, asked, vec![], typed).await
            }
            None => {
                let (_, errors) = crate::features::municipalities::form_errors(e);
                view_with(state, me, ctx, id, asked, errors, Typed::default()).await
            }
        },
        Err(e) => Err(e),
    }
}

/// The page's one form of every section: each «Сохранить раздел» button (and «Сохранить все
/// разделы») saves every section whose text was changed, so nothing typed elsewhere on the page
/// is lost; the page comes back at the section whose button was pressed. A section refused
/// (stale, too long) keeps every typed text on the page with the reason at that section.
pub(super) async fn sections_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, year)): Path<(AssociationId, i32)>,
    Query(q): Query<PeriodQuery>,
    body: axum::body::Bytes,
) -> PageResult {
    let asked = period_of(Some(year), q.period.as_deref())?;
    let pairs = crate::pages::pairs(&body)?;
    let field = |name: String| crate::pages::field(&pairs, &name).to_owned();
    let (a, s, today) = load(&state, &me, id, Action::Update).await?;
    let period = asked.resolve(&s, today)?;
    let current = body_texts(&state, &a, period).await?;
    let mut typed = Typed::default();
    let mut saved = vec![];
    for (n, now) in current {
        let Some(text) = pairs.iter().find(|(k, _)| *k == format!("text{n}")).map(|(_, v)| v.clone()) else { continue };
        typed.texts.push((n, text.clone()));
        if text.trim_end() == now.trim_end() {
            continue;
        }
        let input = TextInput { text, version: field(format!("version{n}")).trim().parse().ok() };
        match set_text(&state, &me, &ctx, id, asked, n, &input).await {
            Ok(()) => saved.push(n),
            Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => typed.refused.push((n, e)),
            Err(e) => return Err(e),
        }
    }
    if !typed.refused.is_empty() {
        return view_with(&state, &me, &ctx, id, asked, vec![], typed).await;
    }
    let at = field("save".into());
    let anchor = at.parse::<u8>().map(|n| format!("#section-{n}")).unwrap_or_default();
    let msg = match saved.as_slice() {
        [] => "Изменений нет: разделы уже сохранены".to_owned(),
        [n] => format!("Раздел {n} сохранён"),
        many => format!("Сохранены разделы {}", many.iter().map(u8::to_string).collect::<Vec<_>>().join(", ")),
    };
    Ok(redirect_with(&format!("/associations/{id}/analysis?{}{anchor}", asked.query()), &msg, &ctx))
}

/// The head's texts of the sections that take one, as now in the record (number, text): read
/// from the report's texts, not by composing the whole analysis.
async fn body_texts(state: &AppState, a: &Association, period: Period) -> Result<Vec<(u8, String)>, AppError> {
    let mut c = state.db.conn().await?;
    let written = match reports::find(&mut c, a.id, period).await? {
        Some(r) => reports::texts(&mut c, r.id).await?,
        None => vec![],
    };
    Ok(SECTIONS
        .iter()
        .filter(|(_, _, kind)| *kind != metoda_domain::reports::SectionKind::Data)
        .map(|(n, _, _)| (*n, written.iter().find(|w| w.section == *n).map(|w| w.text.clone()).unwrap_or_default()))
        .collect())
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

pub(super) async fn text_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, year, n)): Path<(AssociationId, i32, u8)>,
    Query(q): Query<PeriodQuery>,
    Form(f): Form<TextInput>,
) -> PageResult {
    let p = period_of(Some(year), q.period.as_deref())?;
    let r = set_text(&state, &me, &ctx, id, p, n, &f).await;
    done(&state, &me, &ctx, id, p, r, &format!("Раздел {n} сохранён"), Some((n, f.text))).await
}

pub(super) async fn submit_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, year)): Path<(AssociationId, i32)>,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    let p = period_of(Some(year), q.period.as_deref())?;
    let r = submit(&state, &me, &ctx, id, p).await;
    let msg = match &r {
        Ok(r) if r.late => format!("Анализ представлен (версия {}), позже срока", r.version),
        Ok(r) => format!("Анализ представлен (версия {})", r.version),
        Err(_) => String::new(),
    };
    done(&state, &me, &ctx, id, p, r, &msg, None).await
}

pub(super) async fn decision_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, year)): Path<(AssociationId, i32)>,
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
    match r {
        // A refused decision: the page again, the comment typed kept, the reason at the form.
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (status, errors) = crate::pages::refused_at(e, "comment");
            let typed = Typed { decision: Some((status, d.comment)), ..Typed::default() };
            view_with(&state, &me, &ctx, id, period, errors, typed).await
        }
        r => done(&state, &me, &ctx, id, period, r, msg, None).await,
    }
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
    Path(id): Path<AssociationId>,
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
    Path((id, year, n)): Path<(AssociationId, i32, u8)>,
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
    Path((id, year)): Path<(AssociationId, i32)>,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<Report> {
    let r = submit(&state, &me, &ctx, id, period_of(Some(year), q.period.as_deref())?).await?;
    Ok(Json(Report::from(&r)))
}

/// The authority accepts the submitted analysis or returns it with a comment.
#[utoipa::path(post, path = "/api/v1/associations/{id}/analysis/{year}/decision", tag = "analysis",
    params(("id" = i64, Path), ("year" = i32, Path), PeriodQuery), request_body = DecisionInput,
    responses((status = 200, body = Report), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_decision(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path((id, year)): Path<(AssociationId, i32)>,
    Query(q): Query<PeriodQuery>,
    b: JsonIn<DecisionInput>,
) -> ApiResult<Report> {
    let p = period_of(Some(year), q.period.as_deref())?;
    Ok(Json(Report::from(&decide(&state, &me, &ctx, id, p, &json_body(b)?).await?)))
}
