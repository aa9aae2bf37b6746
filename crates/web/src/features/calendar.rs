//! Calendar feeds (iCalendar, RFC 5545) at secret addresses: a user's own — the meetings of the
//! associations they belong to or work in, their tasks, the analysis deadlines of the
//! associations they lead — or one association's meetings and deadlines. A feed shows only what
//! its owner may see now; a revoked feed, or one whose owner is blocked or lost the association,
//! answers 404.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use metoda_domain::access::{Action, Principal, Role, may};
use metoda_domain::analysis::Period;
use metoda_domain::calendar::{CalEvent, When, ics};
use metoda_domain::ids::AssociationId;
use metoda_domain::meetings::MeetingStatus;
use metoda_domain::profile::PlanPeriod;
use metoda_domain::time::LocalZone;
use metoda_store::calendars::{self, Feed};
use metoda_store::users::{self, GrantRow};
use metoda_store::{Conn, associations, meetings, municipalities, profiles};
use serde::{Deserialize, Serialize};
use time::Duration;

use crate::AppState;
use crate::auth::{ApiMe, Current, Me};
use crate::error::{ApiResult, AppError, JsonIn, PageResult, json_body};
use crate::extract::Path;
use crate::pages::{Layout, field, pairs, redirect_with, render_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/calendar", get(page).post(create_submit))
        .route("/calendar/{id}/revoke", post(revoke_submit))
        .route("/ical/{file}", get(feed))
        .route("/api/v1/me/calendars", get(api_list).post(api_create))
        .route("/api/v1/me/calendars/{id}", delete(api_revoke))
}

/// A meeting without an end time lasts this long in a calendar.
const MEETING_MINUTES: i64 = 120;

/// The feed's address.
fn url_of(state: &AppState, token: &str) -> String {
    format!("{}/ical/{token}.ics", state.config.public_url.trim_end_matches('/'))
}

/// The associations the user may pick a feed of: those the user's own feed covers.
async fn choices(c: &mut Conn, me: &Current) -> Result<Vec<(AssociationId, String)>, AppError> {
    let mut out = vec![];
    for id in calendars::associations_of(&mut *c, me.user.id).await? {
        let a = associations::get(&mut *c, id).await?;
        if me.may(Action::View, &crate::features::meetings::work(&a)) {
            out.push((a.id, a.name));
        }
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    l: Layout,
    feeds: Vec<Feed>,
    associations: Vec<(AssociationId, String)>,
    /// The address of a feed just made (shown once).
    new_url: Option<String>,
}

/// The page; after a refused request, with its error at the form.
async fn page_with(
    state: &AppState,
    me: &Current,
    ctx: &crate::auth::Ctx,
    new_url: Option<String>,
    refusal: Option<AppError>,
) -> PageResult {
    let (status, errors) = crate::pages::shown(refusal)?;
    let mut c = state.db.conn().await?;
    let feeds = calendars::of_user(&mut c, me.user.id).await?;
    let associations = choices(&mut c, me).await?;
    let l = Layout::new(ctx, "Календарь", "/notifications").with_errors(errors);
    render_status(status, &CalendarPage { l, feeds, associations, new_url })
}

async fn page(State(state): State<AppState>, Me(me, ctx): Me) -> PageResult {
    page_with(&state, &me, &ctx, None, None).await
}

/// Makes a feed of the user (of one of `choices` when given).
async fn create(
    state: &AppState,
    me: &Current,
    association: Option<AssociationId>,
) -> Result<(Feed, String), AppError> {
    let mut c = state.db.conn().await?;
    if let Some(a) = association
        && !choices(&mut c, me).await?.iter().any(|(id, _)| *id == a)
    {
        return Err(AppError::Validation(vec![metoda_domain::FieldError::new(
            "association_id",
            "Календарь объединения можно получить только своего объединения",
        )]));
    }
    let (f, token) = calendars::create(&mut c, me.user.id, association).await?;
    Ok((f, url_of(state, &token)))
}

async fn create_submit(State(state): State<AppState>, Me(me, ctx): Me, body: axum::body::Bytes) -> PageResult {
    let p = pairs(&body)?;
    let association = field(&p, "association_id").trim().parse().ok().map(AssociationId);
    match create(&state, &me, association).await {
        Ok((_, url)) => page_with(&state, &me, &ctx, Some(url), None).await,
        Err(e) => page_with(&state, &me, &ctx, None, Some(e)).await,
    }
}

async fn revoke_submit(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<i64>) -> PageResult {
    let mut c = state.db.conn().await?;
    calendars::revoke(&mut c, me.user.id, id).await?;
    Ok(redirect_with("/calendar", "Ссылка на календарь отозвана: по ней больше ничего не получить", &ctx))
}

/// The local zone of a user: their municipality's, their region's, else Moscow time.
async fn zone_of(c: &mut Conn, owner: &users::User) -> Result<LocalZone, AppError> {
    Ok(municipalities::zone_of_place(&mut *c, owner.municipality_id, owner.region_id).await?)
}

/// The feed at `/ical/{secret}.ics`.
async fn feed(State(state): State<AppState>, axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    match feed_text(&state, &file).await {
        Ok(Some((name, text))) => {
            let mut r = text.into_response();
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8"));
            let disposition = format!(
                "inline; filename=\"metoda.ics\"; filename*=UTF-8''{}",
                crate::pages::encode_filename(&format!("{name}.ics"))
            );
            if let Ok(v) = HeaderValue::from_str(&disposition) {
                r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
            }
            r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=300"));
            r
        }
        Ok(None) => (StatusCode::NOT_FOUND, "Календарь не найден: ссылка неверна или отозвана").into_response(),
        Err(e) => e.into_response(),
    }
}

async fn feed_text(state: &AppState, file: &str) -> Result<Option<(String, String)>, AppError> {
    let Some(token) = file.strip_suffix(".ics") else { return Ok(None) };
    let mut c = state.db.conn().await?;
    let Some(f) = calendars::by_token(&mut c, token).await? else { return Ok(None) };
    let owner = users::get(&mut c, f.user_id).await?;
    let grants = users::grants(&mut c, owner.id).await?;
    let who = Principal { user_id: owner.id, grants: grants.iter().map(GrantRow::grant).collect() };
    let zone = zone_of(&mut c, &owner).await?;
    let today = state.today(zone);
    let (from, to) = (today - Duration::days(90), today + Duration::days(400));
    let base = state.config.public_url.trim_end_matches('/').to_owned();
    // Whose meetings and deadlines: the association of the feed, or the owner's.
    let (ids, name) = match f.association_id {
        Some(a) => (vec![a], format!("Метода: {}", f.association_name.clone().unwrap_or_default())),
        None => (calendars::associations_of(&mut c, owner.id).await?, format!("Метода: {}", owner.full_name)),
    };
    let mut shown = vec![];
    for id in ids {
        let a = associations::get(&mut c, id).await?;
        if may(&who, Action::View, &crate::features::meetings::work(&a)) {
            shown.push(a);
        } else if f.association_id.is_some() {
            return Ok(None);
        }
    }
    let ids: Vec<AssociationId> = shown.iter().map(|a| a.id).collect();
    let mut events = vec![];
    for m in meetings::between(&mut c, &ids, from, to).await? {
        let Some(a) = shown.iter().find(|a| a.id == m.association_id) else { continue };
        let when = m
            .starts_at
            .as_deref()
            .and_then(|t| time::Time::parse(t, time::macros::format_description!("[hour]:[minute]")).ok())
            .map_or(When::Day(m.held_on), |t| When::At {
                start: time::PrimitiveDateTime::new(m.held_on, t),
                minutes: MEETING_MINUTES,
            });
        let location = Some(m.place()).filter(|p| !p.is_empty());
        events.push(CalEvent {
            uid: format!("meeting-{}@metoda", m.id),
            summary: format!("Заседание: {}", a.name),
            description: m.plan_item_title.clone(),
            location,
            url: Some(format!("{base}/meetings/{}", m.id)),
            when,
            cancelled: m.status == MeetingStatus::Cancelled,
        });
    }
    // The associations' events, and (in the own feed) those the owner registered for.
    let teacher = match f.association_id {
        None => metoda_store::teachers::of_user(&mut c, owner.id).await?.map(|t| t.id),
        Some(_) => None,
    };
    for e in metoda_store::events::for_feed(&mut c, &ids, teacher, from, to).await? {
        events.push(crate::features::events::cal_event(&e, &base));
    }
    // Analysis deadlines of the associations the owner leads (of the feed's association: its own).
    for a in &shown {
        let leads = f.association_id.is_some()
            || grants
                .iter()
                .any(|g| g.association_id == Some(a.id) && matches!(g.role, Role::AssociationHead | Role::Deputy));
        if !leads {
            continue;
        }
        let Some(settings) = profiles::municipality_settings(&mut c, a.municipality_id).await? else { continue };
        for kind in [PlanPeriod::AcademicYear, PlanPeriod::CalendarYear] {
            for year in today.year() - 1..=today.year() + 1 {
                let period = Period { kind, year };
                let Some(due) = metoda_domain::reports::deadline_of(&settings.analysis_deadlines.value, period) else {
                    continue;
                };
                if due < from || due > to {
                    continue;
                }
                events.push(CalEvent {
                    uid: format!("analysis-{}-{}-{year}@metoda", a.id, kind.code()),
                    summary: format!("Срок сдачи анализа работы: {}", a.name),
                    description: Some(format!("Анализ деятельности за {}", period.label_ru())),
                    location: None,
                    url: Some(format!("{base}/associations/{}/analysis", a.id)),
                    when: When::Day(due),
                    cancelled: false,
                });
            }
        }
    }
    // The owner's open tasks (in the own feed).
    if f.association_id.is_none() {
        for x in meetings::actions_of_user(&mut c, owner.id).await? {
            if x.closed_at.is_none() && x.due_on >= from && x.due_on <= to {
                events.push(CalEvent {
                    uid: format!("action-{}@metoda", x.id),
                    summary: format!("Поручение: {}", x.title),
                    description: Some(format!(
                        "{}, заседание {}",
                        x.association_name,
                        metoda_domain::values::ru_date(x.held_on)
                    )),
                    location: None,
                    url: Some(format!("{base}/meetings/{}", x.meeting_id)),
                    when: When::Day(x.due_on),
                    cancelled: false,
                });
            }
        }
    }
    Ok(Some((name.clone(), ics(&name, zone, &events, state.clock.now()))))
}

/// A calendar feed of the caller.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CalendarFeed {
    pub id: i64,
    /// The association of the feed; none: the caller's own feed.
    pub association_id: Option<i64>,
    pub association_name: Option<String>,
    pub created_at: String,
}

impl From<&Feed> for CalendarFeed {
    fn from(f: &Feed) -> Self {
        CalendarFeed {
            id: f.id,
            association_id: f.association_id.map(i64::from),
            association_name: f.association_name.clone(),
            created_at: f.created_at.clone(),
        }
    }
}

/// A feed just made, with its address (shown this once: only its hash is kept).
#[derive(Serialize, utoipa::ToSchema)]
pub struct NewCalendarFeed {
    pub feed: CalendarFeed,
    /// The address to subscribe to (`…/ical/<secret>.ics`).
    pub url: String,
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct CalendarInput {
    /// An association of the caller; none: the caller's own feed.
    pub association_id: Option<i64>,
}

/// The caller's live calendar feeds.
#[utoipa::path(get, path = "/api/v1/me/calendars", tag = "session", responses((status = 200, body = Vec<CalendarFeed>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn api_list(State(state): State<AppState>, ApiMe(me, _): ApiMe) -> ApiResult<Vec<CalendarFeed>> {
    let mut c = state.db.conn().await?;
    Ok(Json(calendars::of_user(&mut c, me.user.id).await?.iter().map(CalendarFeed::from).collect()))
}

/// Make a calendar feed: the caller's own, or of one of their associations.
#[utoipa::path(post, path = "/api/v1/me/calendars", tag = "session", request_body = CalendarInput,
    responses((status = 200, body = NewCalendarFeed), (status = 401, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    body: JsonIn<CalendarInput>,
) -> ApiResult<NewCalendarFeed> {
    let b = json_body(body)?;
    let (f, url) = create(&state, &me, b.association_id.map(AssociationId)).await?;
    Ok(Json(NewCalendarFeed { feed: (&f).into(), url }))
}

/// Revoke a calendar feed of the caller: its address answers 404 from now on.
#[utoipa::path(delete, path = "/api/v1/me/calendars/{id}", tag = "session", params(("id" = i64, Path)),
    responses((status = 200, body = CalendarFeed), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_revoke(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(id): Path<i64>,
) -> ApiResult<CalendarFeed> {
    let mut c = state.db.conn().await?;
    let f = calendars::get(&mut c, id).await?;
    if f.user_id != me.user.id {
        return Err(AppError::NotFound.into());
    }
    calendars::revoke(&mut c, me.user.id, id).await?;
    Ok(Json(CalendarFeed::from(&calendars::get(&mut c, id).await?)))
}
