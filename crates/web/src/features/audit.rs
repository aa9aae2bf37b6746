//! The audit trail page and API: the authority reads its municipality's, the region operator its
//! region's, the administrator all of it.

use askama::Template;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use metoda_domain::access::{Action, Place, Resource};
use metoda_domain::audit::{Sight, TEACHER_YEAR_ENTITIES};
use metoda_domain::ids::MunicipalityId;
use metoda_domain::time::LocalZone;
use metoda_store::Conn;
use metoda_store::audit::{self, Entry, Filter};
use metoda_store::municipalities::Municipality;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{ApiMe, Current, Me};
use crate::error::{ApiResult, AppError, PageResult};
use crate::extract::Query;
use crate::pages::{Layout, is_admin, render};

pub fn routes() -> Router<AppState> {
    Router::new().route("/audit", get(page)).route("/api/v1/audit", get(api_list))
}

/// Filters, as typed in the page or the query string.
#[derive(Deserialize, Default, Clone, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct AuditQuery {
    /// Only this municipality.
    pub municipality_id: Option<String>,
    /// region, municipality, organization, regulation_profile, user, role_grant, api_token, session, association
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    /// create, update, archive, restore, assign_profile, set_password, sign_in, sign_out, link_account,
    /// unlink_account
    pub action: Option<String>,
    /// The login of who made the change.
    pub actor: Option<String>,
    /// From this date (YYYY-MM-DD or DD.MM.YYYY).
    pub from: Option<String>,
    /// To this date, inclusive.
    pub to: Option<String>,
    /// Text in the description.
    pub q: Option<String>,
    pub page: Option<i64>,
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

fn date(s: &Option<String>, field: &str, label: &str) -> Result<Option<time::Date>, AppError> {
    match nonempty(s) {
        None => Ok(None),
        Some(v) => metoda_domain::values::date(field, label, &v).map(Some).map_err(|e| AppError::Validation(vec![e])),
    }
}

/// The municipalities whose trail the user may read.
async fn readable(c: &mut Conn, me: &Current) -> Result<Vec<Municipality>, AppError> {
    Ok(crate::features::municipalities::visible(c, me, None, true)
        .await?
        .into_iter()
        .filter(|m| {
            me.may(
                Action::View,
                &Resource::Audit { place: Some(Place { region_id: m.region_id, municipality_id: Some(m.id) }) },
            )
        })
        .collect())
}

/// Turns the query into a store filter limited to what the user may read.
async fn filter(c: &mut Conn, me: &Current, q: &AuditQuery) -> Result<(Filter, Vec<Municipality>), AppError> {
    let munis = readable(c, me).await?;
    let mut f = Filter {
        entity: nonempty(&q.entity),
        entity_id: nonempty(&q.entity_id).and_then(|s| s.parse().ok()),
        action: nonempty(&q.action),
        actor: nonempty(&q.actor).map(|s| s.to_lowercase()),
        text: nonempty(&q.q),
        page: q.page.unwrap_or(1).max(1),
        per_page: 50,
        ..Default::default()
    };
    // A reader who may not see the personal data of some readable municipality finds nothing by
    // the words of summaries hidden from it.
    let sees_all = munis.iter().all(|m| {
        let s = Sight::of(&me.principal, Some(m.region_id), Some(m.id));
        s.teachers_personal && s.student_names
    });
    if !sees_all {
        f.text_skips = TEACHER_YEAR_ENTITIES.iter().chain(&["attachment"]).map(|e| (*e).to_owned()).collect();
    }
    let chosen = nonempty(&q.municipality_id).and_then(|s| s.parse::<i64>().ok());
    if let Some(mid) = chosen {
        let m = munis.iter().find(|m| m.id == MunicipalityId(mid)).ok_or(AppError::Forbidden)?;
        f.region_id = Some(m.region_id);
        f.municipality_id = Some(m.id);
    } else if is_admin(me) {
        // everything
    } else if let Some(region) = me.principal.grants.iter().filter_map(|g| g.region_id).find(|r| {
        me.may(Action::View, &Resource::Audit { place: Some(Place { region_id: *r, municipality_id: None }) })
    }) {
        f.region_id = Some(region);
    } else if let Some(m) = munis.first() {
        f.region_id = Some(m.region_id);
        f.municipality_id = Some(m.id);
    } else {
        return Err(AppError::Forbidden);
    }
    // The dates are days where the reader looks: the chosen municipality's, else the reader's own.
    let zone = match f.municipality_id.and_then(|id| munis.iter().find(|m| m.id == id)) {
        Some(m) => m.zone(),
        None => crate::features::user_zone(c, me).await?,
    };
    f.since = date(&q.from, "from", "Дата с")?.map(|d| zone.day_start(d));
    f.before = date(&q.to, "to", "Дата по")?.and_then(|d| d.next_day()).map(|d| zone.day_start(d));
    Ok((f, munis))
}

/// The entries as the reader may see them: personal data they may not see on the record itself
/// reads «скрыто».
fn redacted(me: &Current, entries: Vec<Entry>) -> Vec<Entry> {
    entries
        .into_iter()
        .map(|mut e| {
            let changes: serde_json::Value = serde_json::from_str(&e.changes).unwrap_or_default();
            let (summary, changes) = metoda_domain::audit::redact(
                &e.entity,
                &e.summary,
                &changes,
                Sight::of(&me.principal, e.region_id, e.municipality_id),
            );
            e.summary = summary;
            e.changes = changes.to_string();
            e
        })
        .collect()
}

pub struct Shown {
    pub e: Entry,
    pub changes: String,
    /// When, local to the record's municipality (the reader's own for records of none).
    pub at: String,
}

pub use metoda_domain::audit::words::{action_label, actor_label, entity_label};

pub const ACTIONS: &[&str] = &[
    "create",
    "update",
    "archive",
    "restore",
    "assign_profile",
    "set_password",
    "sign_in",
    "sign_out",
    "import",
    "export",
    "link_account",
    "unlink_account",
    "delete",
];

/// The changes of an entry in words, a line per field: «категория: первая → высшая».
fn pretty(entity: &str, changes: &str, zone: LocalZone) -> String {
    let v: serde_json::Value = serde_json::from_str(changes).unwrap_or_default();
    metoda_domain::audit::words::changes_in_words(entity, &v, zone)
        .into_iter()
        .map(|c| format!("{}: {} → {}", c.label, c.old, c.new))
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    l: Layout,
    rows: Vec<Shown>,
    total: i64,
    page: i64,
    pages: i64,
    q: AuditQuery,
    municipalities: Vec<Municipality>,
    entities: Vec<String>,
    query_string: String,
}

impl AuditPage {
    fn v<'a>(&self, o: &'a Option<String>) -> &'a str {
        o.as_deref().unwrap_or("")
    }
}

async fn page(State(state): State<AppState>, Me(me, ctx): Me, Query(q): Query<AuditQuery>) -> PageResult {
    let mut c = state.db.conn().await?;
    let (f, municipalities, errors) = match filter(&mut c, &me, &q).await {
        Ok((f, m)) => (f, m, vec![]),
        Err(AppError::Validation(errors)) => {
            let q2 = AuditQuery { from: None, to: None, ..q.clone() };
            let (f, m) = filter(&mut c, &me, &q2).await?;
            (f, m, errors)
        }
        Err(e) => return Err(e),
    };
    let (entries, total) = audit::list(&mut c, &f).await?;
    let entities = audit::entities(&mut c).await?;
    let pages = ((total + f.per_page - 1) / f.per_page).max(1);
    let mut qs = serde_urlencoded::to_string([
        ("municipality_id", q.municipality_id.clone().unwrap_or_default()),
        ("entity", q.entity.clone().unwrap_or_default()),
        ("action", q.action.clone().unwrap_or_default()),
        ("actor", q.actor.clone().unwrap_or_default()),
        ("from", q.from.clone().unwrap_or_default()),
        ("to", q.to.clone().unwrap_or_default()),
        ("q", q.q.clone().unwrap_or_default()),
    ])
    .unwrap_or_default();
    if let Some(id) = f.entity_id {
        qs.push_str(&format!("&entity_id={id}"));
    }
    // Each record's time is local to its municipality; the API keeps UTC.
    let zones = metoda_store::municipalities::zones(&mut c).await?;
    let own = crate::features::user_zone(&mut c, &me).await?;
    let rows = redacted(&me, entries)
        .into_iter()
        .map(|e| {
            let zone = e.municipality_id.and_then(|m| zones.get(&m.get()).copied()).unwrap_or(own);
            Shown { changes: pretty(&e.entity, &e.changes, zone), at: zone.format(&e.at), e }
        })
        .collect();
    render(&AuditPage {
        l: Layout::new(&ctx, "Журнал изменений", "/audit").with_errors(errors),
        rows,
        total,
        page: f.page,
        pages,
        q,
        municipalities,
        entities,
        query_string: qs,
    })
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditBody {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub entries: Vec<crate::views::Entry>,
}

/// The audit trail the caller may read, newest first, 50 a page.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = AuditBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Query(q): Query<AuditQuery>,
) -> ApiResult<AuditBody> {
    let mut c = state.db.conn().await?;
    let (f, _) = filter(&mut c, &me, &q).await?;
    let (entries, total) = audit::list(&mut c, &f).await?;
    Ok(Json(AuditBody {
        total,
        page: f.page,
        per_page: f.per_page,
        entries: crate::views::all(&redacted(&me, entries)),
    }))
}
