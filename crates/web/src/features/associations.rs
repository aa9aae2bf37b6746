//! Associations: the authority's list (members vs the profile's minimum, head, curator, missing
//! documents) and the association page (officers, members with the composition chart, the
//! orders timeline, the required-documents register). Associations are created, reorganised
//! and liquidated by orders (see `orders`); members join and leave here with dates.

pub mod history;
pub mod views;

pub use history::{AttendanceImported, MembershipImported, api_history_attendance, api_history_members};

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use metoda_domain::FieldError;
use metoda_domain::access::{Action, Resource, TeacherScope};
use metoda_domain::directory::AssociationStatus;
use metoda_domain::documents::{self, DocumentState};
use metoda_domain::files::{AttachmentKind, AttachmentOwner};
use metoda_domain::ids::{AssociationId, MunicipalityId, TeacherId, plain_choices};
use metoda_domain::paging::Paging;
use metoda_domain::profile::ProfileSettings;
use metoda_domain::teachers::AcademicYear;
use metoda_domain::values;
use metoda_store::associations::{self, Association, Member, Officer, Subgroup};
use metoda_store::orders::{self, Order};
use metoda_store::{profiles, teachers};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{ApiMe, Ctx, Current, Me, require};
use crate::error::{ApiResult, AppError, JsonIn, PageResult, json_body};
use crate::extract::{Form, Path, Query};
use crate::features::teachers::{Chart, charts};
use crate::pages::{Layout, Pager, redirect_with, render, render_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/associations", get(list_page))
        .route("/associations/{id}", get(view_page).post(info_submit))
        .route("/associations/{id}/members", post(add_submit))
        .route("/associations/{id}/members/{teacher_id}/remove", post(remove_submit))
        .route("/associations/{id}/subgroups", post(subgroup_submit))
        .route("/associations/{id}/documents", post(document_submit))
        .route("/associations/{id}/subgroups/{sid}/members", post(subgroup_member_submit))
        .route("/associations/{id}/subgroups/{sid}/members/{mid}/leave", post(subgroup_leave_submit))
        .route("/associations/{id}/history", get(history::history_page))
        .route("/associations/{id}/history/members", post(history::members_submit))
        .route("/associations/{id}/history/attendance", post(history::attendance_submit))
        .route("/associations/{id}/history/members-template.xlsx", get(history::members_template))
        .route("/associations/{id}/history/attendance-template.xlsx", get(history::attendance_template))
        .route("/api/v1/associations/{id}/history/members", post(api_history_members))
        .route("/api/v1/associations/{id}/history/attendance", post(api_history_attendance))
        .route("/api/v1/associations", get(api_list))
        .route("/api/v1/associations/{id}", get(api_get).put(api_update))
        .route("/api/v1/associations/{id}/members", post(api_add))
        .route("/api/v1/associations/{id}/members/{teacher_id}/remove", post(api_remove))
        .route("/api/v1/associations/{id}/subgroups", post(api_subgroup))
        .route("/api/v1/associations/{id}/subgroups/{sid}/members", get(api_subgroup_members).post(api_subgroup_member))
        .route("/api/v1/associations/{id}/subgroups/{sid}/members/{mid}/leave", post(api_subgroup_leave))
}

/// A member as a teacher resource (for the access rule on their record).
fn member_res(a: &Association, m: &Member) -> Resource {
    Resource::Teacher {
        region_id: a.region_id,
        municipality_id: a.municipality_id,
        organization_id: Some(m.organization_id),
        association_id: Some(a.id),
        own: false,
    }
}

/// The members the user may see; whether that is all of them; and whether the user may see the
/// personal data of every member (then the composition by age, experience and education is charted).
fn visible_members(me: &Current, a: &Association, all: Vec<Member>) -> (Vec<Member>, bool, bool) {
    let total = all.len();
    let personal = !all.is_empty() && all.iter().all(|m| me.may(Action::ViewPersonal, &member_res(a, m)));
    let shown: Vec<Member> = all.into_iter().filter(|m| me.may(Action::View, &member_res(a, m))).collect();
    let all_shown = shown.len() == total;
    (shown, all_shown, personal)
}

/// The association as an access resource.
pub(crate) fn res(a: &Association) -> Resource {
    Resource::Association { region_id: a.region_id, municipality_id: a.municipality_id, association_id: Some(a.id) }
}

async fn load(state: &AppState, me: &Current, id: AssociationId, action: Action) -> Result<Association, AppError> {
    let mut c = state.db.conn().await?;
    let a = associations::get(&mut c, id).await?;
    require(me, action, &res(&a))?;
    Ok(a)
}

/// The register of required documents for the current academic year.
async fn register_of(
    state: &AppState,
    a: &Association,
    settings: Option<&ProfileSettings>,
) -> Result<Vec<DocumentState>, AppError> {
    let Some(settings) = settings else { return Ok(vec![]) };
    let mut c = state.db.conn().await?;
    let today = crate::features::local_today(state, &mut c, a.municipality_id).await?;
    let plan_year = metoda_domain::meetings::year_of(settings.plan_period.value, today);
    let records = associations::records(&mut c, a.id, AcademicYear::containing(today), plan_year).await?;
    Ok(register(a, settings, records))
}

/// The register of an association from its records.
fn register(a: &Association, settings: &ProfileSettings, r: associations::Records) -> Vec<DocumentState> {
    documents::register(&settings.required_documents.value, &r.facts(a.members as usize))
}

/// A row of the authority's list (the page's; the API sends [`RowView`]).
pub struct Row {
    pub a: Association,
    pub min_members: Option<u32>,
    pub below_minimum: bool,
    pub missing_documents: Vec<String>,
    pub compliance: Option<metoda_domain::meetings::Compliance>,
    pub plan_status: Option<metoda_domain::plans::PlanStatus>,
}

/// A row of the authority's list.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Row)]
pub struct RowView {
    #[serde(flatten)]
    pub a: views::Association,
    /// The profile's minimum members (None: not set).
    pub min_members: Option<u32>,
    pub below_minimum: bool,
    /// Labels of the required documents missing this year.
    pub missing_documents: Vec<String>,
    /// Meetings of the current plan year against the profile's minimum (None: no profile).
    #[schema(value_type = Option<Object>)]
    pub compliance: Option<metoda_domain::meetings::Compliance>,
    /// The current plan year's plan: draft | approved (None: no plan yet).
    pub plan_status: Option<String>,
}

/// The associations of these municipalities the user may read, narrow rows, by name.
pub(crate) async fn visible_refs(
    c: &mut metoda_store::Conn,
    me: &Current,
    municipalities: &[MunicipalityId],
) -> Result<Vec<associations::AssociationRef>, AppError> {
    Ok(associations::refs_of_municipalities(c, municipalities)
        .await?
        .into_iter()
        .filter(|a| {
            me.may(
                Action::View,
                &Resource::Association {
                    region_id: a.region_id,
                    municipality_id: a.municipality_id,
                    association_id: Some(a.id),
                },
            )
        })
        .collect())
}

/// Associations a page at a time.
const PER_PAGE: i64 = 50;

/// A page of the associations the user may read (by municipality, active first, by name) with
/// what the authority checks, and how many there are.
async fn rows(state: &AppState, me: &Current, paging: Paging) -> Result<(Vec<Row>, i64), AppError> {
    let mut c = state.db.conn().await?;
    // Only the municipalities where the user holds something are read; within them, the access
    // rule decides association by association on the narrow rows, and the page's rows are read whole.
    let all = metoda_store::municipalities::list(&mut c, None, true).await?;
    let mids: Vec<MunicipalityId> = all
        .iter()
        .filter(|m| {
            me.may(Action::View, &Resource::Municipality { region_id: m.region_id, municipality_id: Some(m.id) })
                || me.principal.grants.iter().any(|g| g.municipality_id == Some(m.id))
        })
        .map(|m| m.id)
        .collect();
    let mut refs = visible_refs(&mut c, me, &mids).await?;
    let order: std::collections::HashMap<MunicipalityId, usize> =
        all.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
    refs.sort_by(|x, y| {
        (order.get(&x.municipality_id), x.status != AssociationStatus::Active, &x.name).cmp(&(
            order.get(&y.municipality_id),
            y.status != AssociationStatus::Active,
            &y.name,
        ))
    });
    let total = i64::try_from(refs.len()).unwrap_or(i64::MAX);
    let page: Vec<AssociationId> = refs
        .iter()
        .skip(usize::try_from(paging.offset()).unwrap_or(usize::MAX))
        .take(usize::try_from(paging.per_page).unwrap_or(0))
        .map(|a| a.id)
        .collect();
    let list = associations::by_ids(&mut c, &page).await?;
    // What the page shows is read for the whole page at once: the profiles of its regions, then
    // the records and meetings of its associations per (today, plan year) — one group unless its
    // municipalities differ in time zone or plan period.
    let position: std::collections::HashMap<AssociationId, usize> =
        page.iter().enumerate().map(|(i, a)| (*a, i)).collect();
    let zones: std::collections::HashMap<MunicipalityId, metoda_domain::time::LocalZone> =
        all.iter().map(|m| (m.id, m.zone())).collect();
    let mut settings: std::collections::HashMap<MunicipalityId, ProfileSettings> = Default::default();
    let regions: std::collections::BTreeSet<metoda_domain::ids::RegionId> = list.iter().map(|a| a.region_id).collect();
    for r in regions {
        settings.extend(profiles::settings_within(&mut c, metoda_store::Within::Region(r)).await?);
    }
    let mut groups: std::collections::BTreeMap<(time::Date, i32), Vec<AssociationId>> = Default::default();
    for a in &list {
        if let (Some(s), Some(z)) = (settings.get(&a.municipality_id), zones.get(&a.municipality_id)) {
            let today = state.today(*z);
            let plan_year = metoda_domain::meetings::year_of(s.plan_period.value, today);
            groups.entry((today, plan_year)).or_default().push(a.id);
        }
    }
    let mut records = std::collections::HashMap::new();
    let mut compliance = std::collections::HashMap::new();
    for ((today, plan_year), ids) in &groups {
        records.extend(associations::records_of(&mut c, ids, AcademicYear::containing(*today), *plan_year).await?);
        let with: Vec<(AssociationId, &ProfileSettings)> = list
            .iter()
            .filter(|a| ids.contains(&a.id))
            .filter_map(|a| settings.get(&a.municipality_id).map(|s| (a.id, s)))
            .collect();
        compliance.extend(metoda_store::meetings::compliance_of(&mut c, &with, *plan_year, *today).await?);
    }
    drop(c);
    let mut out = vec![];
    for a in list {
        let s = settings.get(&a.municipality_id);
        let min = s.and_then(|s| s.min_members.value);
        let r = records.remove(&a.id.get()).unwrap_or_default();
        let (compliance, plan_status, missing) = match (s.filter(|_| a.is_active()), zones.get(&a.municipality_id)) {
            (Some(s), Some(z)) => {
                let today = state.today(*z);
                let plan_year = metoda_domain::meetings::year_of(s.plan_period.value, today);
                let cp = compliance
                    .remove(&a.id.get())
                    .unwrap_or_else(|| metoda_store::meetings::compliance_without_meetings(s, plan_year, today));
                let plan = r.plan_status;
                let missing =
                    register(&a, s, r).into_iter().filter(|d| !d.present).map(|d| d.label.to_owned()).collect();
                (Some(cp), plan, missing)
            }
            _ => (None, None, vec![]),
        };
        out.push(Row {
            compliance,
            plan_status,
            below_minimum: a.is_active() && min.is_some_and(|m| (a.members as u32) < m),
            min_members: min,
            missing_documents: missing,
            a,
        });
    }
    out.sort_by_key(|r| position.get(&r.a.id).copied());
    Ok((out, total))
}

#[derive(Template)]
#[template(path = "associations.html")]
struct ListPage {
    l: Layout,
    rows: Vec<Row>,
    pager: Pager,
    can_order: bool,
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ListQuery {
    /// The page, from 1 (50 associations a page).
    pub page: Option<i64>,
}

async fn list_page(State(state): State<AppState>, Me(me, ctx): Me, Query(q): Query<ListQuery>) -> PageResult {
    let paging = Paging::new(q.page, PER_PAGE);
    let (rows, total) = rows(&state, &me, paging).await?;
    let can_order = me.principal.grants.iter().any(|g| {
        g.region_id
            .zip(g.municipality_id)
            .is_some_and(|(r, m)| me.may(Action::Create, &Resource::Order { region_id: r, municipality_id: m }))
    }) || crate::pages::is_admin(&me);
    render(&ListPage {
        l: Layout::new(&ctx, "Методические объединения", "/associations"),
        rows,
        pager: Pager::new(paging, total, "/associations"),
        can_order,
    })
}

#[derive(Template)]
#[template(path = "association.html")]
struct ViewPage {
    l: Layout,
    a: Association,
    officers: Vec<Officer>,
    members: Vec<Member>,
    charts: Vec<Chart>,
    orders: Vec<Order>,
    documents: Vec<DocumentState>,
    can_edit: bool,
    /// Teachers to add: all of them when few, else those found by `candidate`.
    candidates: Vec<(i64, String)>,
    /// More than [`CANDIDATES`] teachers would be listed: the page asks for a name.
    candidates_more: bool,
    /// The name searched for among the candidates.
    candidate: String,
    min_members: Option<u32>,
    today: String,
    year: String,
    /// The subgroup kinds the profile allows (code, label); empty: none allowed.
    subgroup_kinds: Vec<(&'static str, &'static str)>,
    subgroups: Vec<(Subgroup, Vec<(i64, String)>)>,
    /// Files and links uploaded for this year.
    uploads: Vec<metoda_store::attachments::Attachment>,
    /// The register's kinds for the upload form (code, label).
    document_kinds: Vec<(&'static str, &'static str)>,
    /// The «План работы» section.
    plans: crate::features::plans::PlanSection,
    /// The «Заседания» section with the compliance of the year.
    meeting_section: crate::features::meetings::Section,
    /// The «Мероприятия» section: its events of these months.
    event_section: crate::features::events::Section,
    /// The «Сведения» form: the record's details, or what the user typed.
    info: InfoInput,
    /// What a refused form of the page had typed (its errors show at it).
    typed: Typed,
    /// The municipality has a regulation profile (the yearly analysis is written under one).
    profiled: bool,
}

/// What a refused form of the association page had typed: it stays in its form, and the errors
/// show at that form only (the page's forms share field names).
#[derive(Default)]
pub(crate) enum Typed {
    #[default]
    Nothing,
    Info(InfoInput),
    Member {
        teacher_id: String,
        joined_on: String,
    },
    Leave {
        teacher_id: i64,
        left_on: String,
    },
    Subgroup {
        kind: String,
        name: String,
        head_teacher_id: String,
    },
    SubgroupMember {
        subgroup: i64,
        teacher_id: String,
        joined_on: String,
    },
    Document {
        kind: String,
        title: String,
        url: String,
    },
    Plan {
        year: String,
        prefill: String,
    },
}

impl Typed {
    /// The form that was sent ("" none).
    fn form(&self) -> &'static str {
        match self {
            Typed::Nothing => "",
            Typed::Info(_) => "info",
            Typed::Member { .. } => "member",
            Typed::Leave { .. } => "leave",
            Typed::Subgroup { .. } => "subgroup",
            Typed::SubgroupMember { .. } => "subgroup_member",
            Typed::Document { .. } => "document",
            Typed::Plan { .. } => "plan",
        }
    }
    /// Where the form tells a refusal of the whole act (a conflict).
    fn conflict_field(&self) -> &'static str {
        match self {
            Typed::Nothing => "",
            Typed::Info(_) => "description",
            Typed::Member { .. } | Typed::SubgroupMember { .. } => "teacher_id",
            Typed::Leave { .. } => "left_on",
            Typed::Subgroup { .. } => "name",
            Typed::Document { .. } => "file",
            Typed::Plan { .. } => "year",
        }
    }
}

impl ViewPage {
    /// The association co-organises the event (another organises it).
    fn coorganised(&self, e: &metoda_store::events::Event) -> bool {
        e.association_id != Some(self.a.id)
    }
    /// A field's error in the page's form `form` (only the form that was sent shows errors).
    fn e(&self, form: &str, field: &str) -> Option<&str> {
        if self.typed.form() == form { self.l.err(field) } else { None }
    }
    /// A typed value of the form that was sent ("" for any other form).
    fn v(&self, form: &str, field: &str) -> &str {
        let t = &self.typed;
        if t.form() != form {
            return "";
        }
        match (t, field) {
            (Typed::Member { teacher_id, .. }, "teacher_id") => teacher_id,
            (Typed::Member { joined_on, .. }, "joined_on") => joined_on,
            (Typed::Subgroup { kind, .. }, "kind") => kind,
            (Typed::Subgroup { name, .. }, "name") => name,
            (Typed::Subgroup { head_teacher_id, .. }, "head_teacher_id") => head_teacher_id,
            (Typed::Document { kind, .. }, "kind") => kind,
            (Typed::Document { title, .. }, "title") => title,
            (Typed::Document { url, .. }, "url") => url,
            (Typed::Plan { year, .. }, "year") => year,
            (Typed::Plan { prefill, .. }, "prefill") => prefill,
            _ => "",
        }
    }
    /// Whether `value` is the one typed in the field of the form that was sent.
    fn chosen(&self, form: &str, field: &str, value: &impl std::fmt::Display) -> bool {
        let v = self.v(form, field);
        !v.is_empty() && v == value.to_string()
    }
    /// The date of the member form: as typed, else today.
    fn joined_on(&self) -> &str {
        let v = self.v("member", "joined_on");
        if v.is_empty() { &self.today } else { v }
    }
    /// The member whose removal was refused.
    fn leaving(&self, teacher_id: &TeacherId) -> bool {
        matches!(&self.typed, Typed::Leave { teacher_id: t, .. } if *t == teacher_id.get())
    }
    /// The date of a member's removal form: as typed for the one refused, else today.
    fn left_on(&self, teacher_id: &TeacherId) -> &str {
        match &self.typed {
            Typed::Leave { teacher_id: t, left_on } if *t == teacher_id.get() => left_on,
            _ => &self.today,
        }
    }
    /// A field's error in the removal form of a member.
    fn leave_err(&self, teacher_id: &TeacherId, field: &str) -> Option<&str> {
        if self.leaving(teacher_id) { self.l.err(field) } else { None }
    }
    /// A subgroup's member form: whether it was the one refused.
    fn subgroup_refused(&self, subgroup: &i64) -> bool {
        matches!(&self.typed, Typed::SubgroupMember { subgroup: s, .. } if s == subgroup)
    }
    /// Whether a teacher is the one typed in a subgroup's member form.
    fn subgroup_chosen(&self, subgroup: &i64, teacher_id: &TeacherId) -> bool {
        matches!(&self.typed, Typed::SubgroupMember { subgroup: s, teacher_id: t, .. } if s == subgroup && *t == teacher_id.to_string())
    }
    /// The day typed in a subgroup's member form (empty: today).
    fn subgroup_joined(&self, subgroup: &i64) -> &str {
        match &self.typed {
            Typed::SubgroupMember { subgroup: s, joined_on, .. } if s == subgroup => joined_on,
            _ => "",
        }
    }
    /// The year the plan form offers chosen: as typed, else the default.
    fn plan_year(&self, year: &i32) -> bool {
        match &self.typed {
            Typed::Plan { year: typed, .. }
                if typed.trim().parse::<i32>().ok().is_some_and(|t| self.plans.years.iter().any(|(y, _)| *y == t)) =>
            {
                typed.trim() == year.to_string()
            }
            _ => *year == self.plans.default_year,
        }
    }
    /// The way of filling the plan checked: as typed, else the first.
    fn prefill_checked(&self, code: &str, first: &bool) -> bool {
        match &self.typed {
            Typed::Plan { prefill, .. } if self.plans.prefills.iter().any(|(c, _)| *c == prefill.trim()) => {
                prefill.trim() == code
            }
            _ => *first,
        }
    }
}

/// The association page; `typed`: what a refused form had typed (the details form as typed, or
/// as recorded).
#[allow(clippy::too_many_arguments)]
async fn view_with(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: AssociationId,
    typed: Typed,
    candidate: Option<&str>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let a = load(state, me, id, Action::View).await?;
    let settings = profiles::municipality_settings(&mut *state.db.conn().await?, a.municipality_id).await?;
    let mut c = state.db.conn().await?;
    let zone = metoda_store::municipalities::zone(&mut c, a.municipality_id).await?;
    let today = state.today(zone);
    let officers = associations::officers(&mut c, id).await?;
    let (members, all_shown, personal) = visible_members(me, &a, associations::members(&mut c, id, None).await?);
    let f = teachers::Filter {
        scope: TeacherScope { all: true, ..Default::default() },
        association_id: Some(id),
        ..Default::default()
    };
    // Counts only over people the reader may see; by age, experience and education only when the
    // reader may see those data of every member.
    let chart_list = if all_shown && !members.is_empty() {
        charts(&teachers::composition(&mut c, &f, today).await?, personal)
    } else {
        vec![]
    };
    let orders = orders::list(&mut c, None, Some(id)).await?;
    let can_edit = a.is_active() && me.may(Action::Update, &res(&a));
    let mut subgroups = vec![];
    for s in associations::subgroups(&mut c, id).await? {
        // The current memberships (their ids for the leaving form), names only of members the
        // reader may see.
        let ms = associations::subgroup_memberships(&mut c, s.id).await?;
        let shown: Vec<TeacherId> = members.iter().map(|m| m.teacher_id).collect();
        let current: Vec<(i64, String)> = ms
            .into_iter()
            .filter(|m| m.left_on.is_none() && shown.contains(&m.teacher_id))
            .map(|m| (m.id, m.full_name))
            .collect();
        subgroups.push((s, current));
    }
    let mut candidates = if can_edit {
        plain_choices(teachers::candidates(&mut c, a.municipality_id, id, candidate, CANDIDATES + 1).await?)
    } else {
        vec![]
    };
    let candidates_more = candidates.len() > CANDIDATES as usize;
    candidates.truncate(CANDIDATES as usize);
    let uploads = metoda_store::attachments::list(
        &mut c,
        AttachmentOwner::Association,
        id.get(),
        Some(i64::from(AcademicYear::containing(today).0)),
    )
    .await?;
    drop(c);
    let documents = register_of(state, &a, settings.as_ref()).await?;
    let plans = crate::features::plans::section(state, me, &a, settings.as_ref()).await?;
    let meeting_section = crate::features::meetings::section(state, me, &a).await?;
    let event_section = crate::features::events::section(state, me, &a).await?;
    let page = ViewPage {
        profiled: settings.is_some(),
        meeting_section,
        event_section,
        plans,
        l: Layout::new(ctx, a.name.clone(), "/associations").with_errors(errors).with_zone(zone),
        charts: chart_list,
        officers,
        members,
        orders,
        documents,
        can_edit,
        candidates,
        candidates_more,
        candidate: candidate.unwrap_or_default().to_owned(),
        subgroup_kinds: settings
            .as_ref()
            .map(|s| s.subgroups.value.iter().map(|k| (k.code(), k.label_ru())).collect())
            .unwrap_or_default(),
        subgroups,
        uploads,
        document_kinds: settings
            .as_ref()
            .map(|s| s.required_documents.value.iter().map(|k| (k.code(), k.label_ru())).collect())
            .unwrap_or_default(),
        min_members: settings.and_then(|s| s.min_members.value),
        today: values::iso_date(today),
        year: AcademicYear::containing(today).label(),
        info: match &typed {
            Typed::Info(f) => {
                InfoInput { description: f.description.clone(), social_url: f.social_url.clone(), version: f.version }
            }
            _ => info_of(&a),
        },
        typed,
        a,
    };
    render_status(status, &page)
}

/// At most this many teachers are offered to add to an association at once.
const CANDIDATES: i64 = 100;

#[derive(Deserialize, Default)]
#[serde(default)]
struct ViewQuery {
    /// A name to find among the teachers to add.
    candidate: Option<String>,
}

async fn view_page(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<AssociationId>,
    Query(q): Query<ViewQuery>,
) -> PageResult {
    view_with(&state, &me, &ctx, id, Typed::Nothing, q.candidate.as_deref(), vec![], StatusCode::OK).await
}

/// Re-shows the page after a refused form, with what it had typed and the errors at it; any
/// other error is the error page.
pub(crate) async fn or_reshow(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: AssociationId,
    typed: Typed,
    e: AppError,
) -> PageResult {
    match e {
        e @ (AppError::Validation(_) | AppError::Conflict(_)) => {
            let (status, errors) = crate::pages::refused_at(e, typed.conflict_field());
            view_with(state, me, ctx, id, typed, None, errors, status).await
        }
        e => Err(e),
    }
}

#[derive(Deserialize, Serialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct InfoInput {
    pub description: String,
    /// The association's public social-network page (https://…).
    pub social_url: String,
    /// The version of the association the edit is based on; a save based on an older one is
    /// refused with 409. Left out: no check.
    #[serde(deserialize_with = "metoda_domain::values::de_version")]
    pub version: Option<i64>,
}

impl crate::pages::VersionedForm for InfoInput {
    fn version_mut(&mut self) -> &mut Option<i64> {
        &mut self.version
    }
}

/// The details as the form shows them.
fn info_of(a: &Association) -> InfoInput {
    InfoInput {
        description: a.description.clone().unwrap_or_default(),
        social_url: a.social_url.clone().unwrap_or_default(),
        version: Some(a.version),
    }
}

/// The Russian label of a field of the details form, for the current values shown after a stale
/// save.
fn info_label(field: &str) -> Option<&'static str> {
    Some(match field {
        "description" => "Описание",
        "social_url" => "Страница в социальной сети",
        _ => return None,
    })
}

async fn update_info(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: AssociationId,
    input: &InfoInput,
) -> Result<Association, AppError> {
    let a = load(state, me, id, Action::Update).await?;
    if !a.is_active() {
        return Err(AppError::Conflict("Объединение ликвидировано: его сведения не меняются".into()));
    }
    let mut e = values::Errors::new();
    let description = e.take(values::optional_long_text("description", "Описание", &input.description, 5000));
    let url = e.take(values::optional_url("social_url", "Страница в социальной сети", &input.social_url));
    let (description, url) = e.finish(|| (description.flatten(), url.flatten())).map_err(AppError::Validation)?;
    let mut tx = state.db.begin().await?;
    let a = associations::update_info(&mut tx, &ctx.actor(), id, description.as_deref(), url.as_deref(), input.version)
        .await?;
    tx.commit().await?;
    Ok(a)
}

async fn info_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<AssociationId>,
    Form(input): Form<InfoInput>,
) -> PageResult {
    match update_info(&state, &me, &ctx, id, &input).await {
        Ok(a) => Ok(redirect_with(
            &format!("/associations/{id}"),
            &format!("Сведения об объединении «{}» сохранены", a.name),
            &ctx,
        )),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let now = info_of(&load(&state, &me, id, Action::View).await?);
            let mut typed = input;
            let (status, mut errors) = crate::pages::refused(e, &mut typed, now, info_label);
            for x in errors.iter_mut().filter(|x| x.field == "name") {
                x.field = "description".into();
            }
            view_with(&state, &me, &ctx, id, Typed::Info(typed), None, errors, status).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct MemberInput {
    pub teacher_id: Option<i64>,
    /// The date the teacher joins (default: today).
    pub joined_on: String,
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct LeaveInput {
    /// The date the teacher leaves (default: today).
    pub left_on: String,
}

fn date_or_today(field: &str, label: &str, raw: &str, today: time::Date) -> Result<String, AppError> {
    if raw.trim().is_empty() {
        return Ok(values::iso_date(today));
    }
    values::date(field, label, raw).map(values::iso_date).map_err(|e| AppError::Validation(vec![e]))
}

async fn add(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: AssociationId,
    input: &MemberInput,
) -> Result<(), AppError> {
    let a = load(state, me, id, Action::Update).await?;
    if !a.is_active() {
        return Err(AppError::Conflict("Объединение ликвидировано: состав не меняется".into()));
    }
    let tid = input.teacher_id.filter(|t| *t > 0).ok_or_else(|| {
        AppError::Validation(vec![FieldError::new("teacher_id", "Педагог: выберите из банка данных")])
    })?;
    let today = crate::features::local_today(state, &mut *state.db.conn().await?, a.municipality_id).await?;
    let joined = date_or_today("joined_on", "Дата включения", &input.joined_on, today)?;
    let mut tx = state.db.begin().await?;
    associations::add_member(&mut tx, &ctx.actor(), &a, TeacherId(tid), &joined, None).await?;
    tx.commit().await?;
    Ok(())
}

async fn remove(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: AssociationId,
    teacher_id: TeacherId,
    input: &LeaveInput,
) -> Result<(), AppError> {
    let a = load(state, me, id, Action::Update).await?;
    if !a.is_active() {
        return Err(AppError::Conflict("Объединение ликвидировано: состав не меняется".into()));
    }
    let today = crate::features::local_today(state, &mut *state.db.conn().await?, a.municipality_id).await?;
    let left = date_or_today("left_on", "Дата выхода", &input.left_on, today)?;
    let mut tx = state.db.begin().await?;
    associations::remove_member(&mut tx, &ctx.actor(), &a, teacher_id, &left).await?;
    tx.commit().await?;
    Ok(())
}

async fn add_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<AssociationId>,
    Form(input): Form<MemberForm>,
) -> PageResult {
    let typed = Typed::Member { teacher_id: input.teacher_id.clone(), joined_on: input.joined_on.clone() };
    let input = MemberInput { teacher_id: input.teacher_id.trim().parse().ok(), joined_on: input.joined_on };
    match add(&state, &me, &ctx, id, &input).await {
        Ok(()) => Ok(redirect_with(&format!("/associations/{id}"), "Педагог включён в состав", &ctx)),
        Err(e) => or_reshow(&state, &me, &ctx, id, typed, e).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MemberForm {
    teacher_id: String,
    joined_on: String,
}

async fn remove_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, tid)): Path<(AssociationId, TeacherId)>,
    Form(input): Form<LeaveInput>,
) -> PageResult {
    match remove(&state, &me, &ctx, id, tid, &input).await {
        Ok(()) => Ok(redirect_with(&format!("/associations/{id}"), "Педагог выведен из состава", &ctx)),
        Err(e) => {
            let typed = Typed::Leave { teacher_id: tid.get(), left_on: input.left_on };
            or_reshow(&state, &me, &ctx, id, typed, e).await
        }
    }
}

// ---- API ----

/// Associations the caller may see, with members vs the minimum and the missing documents.
#[utoipa::path(get, path = "/api/v1/associations", tag = "associations", params(ListQuery), responses((status = 200, body = RowsBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Query(q): Query<ListQuery>,
) -> ApiResult<RowsBody> {
    let paging = Paging::new(q.page, PER_PAGE);
    let (rows, total) = rows(&state, &me, paging).await?;
    Ok(Json(RowsBody {
        total,
        page: paging.page,
        per_page: paging.per_page,
        associations: rows
            .into_iter()
            .map(|r| RowView {
                a: views::Association::from(&r.a),
                min_members: r.min_members,
                below_minimum: r.below_minimum,
                missing_documents: r.missing_documents,
                compliance: r.compliance,
                plan_status: r.plan_status.map(|s| s.code().to_owned()),
            })
            .collect(),
    }))
}

/// A page of the associations.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RowsBody {
    /// How many associations the caller may read, on every page.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub associations: Vec<RowView>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AssociationBody {
    pub association: views::Association,
    pub officers: Vec<views::Officer>,
    pub members: Vec<views::Member>,
    pub subgroups: Vec<views::Subgroup>,
    #[schema(value_type = Vec<Object>)]
    pub documents: Vec<DocumentState>,
}

#[utoipa::path(get, path = "/api/v1/associations/{id}", tag = "associations", params(("id" = i64, Path)),
    responses((status = 200, body = AssociationBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path(id): Path<AssociationId>,
) -> ApiResult<AssociationBody> {
    let a = load(&state, &me, id, Action::View).await?;
    let settings = profiles::municipality_settings(&mut *state.db.conn().await?, a.municipality_id).await?;
    let documents = register_of(&state, &a, settings.as_ref()).await?;
    let mut c = state.db.conn().await?;
    let officers = associations::officers(&mut c, id).await?;
    let (members, _, _) = visible_members(&me, &a, associations::members(&mut c, id, None).await?);
    let subgroups = associations::subgroups(&mut c, id).await?;
    Ok(Json(AssociationBody {
        association: (&a).into(),
        officers: views::all(&officers),
        members: views::all(&members),
        subgroups: views::all(&subgroups),
        documents,
    }))
}

/// Change the association's details (description, public page link).
#[utoipa::path(put, path = "/api/v1/associations/{id}", tag = "associations", params(("id" = i64, Path)), request_body = InfoInput,
    responses((status = 200, body = views::Association), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_update(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<AssociationId>,
    body: JsonIn<InfoInput>,
) -> ApiResult<views::Association> {
    let input = json_body(body)?;
    Ok(Json((&update_info(&state, &me, &ctx, id, &input).await?).into()))
}

/// Add a teacher of the bank to the association from a date.
#[utoipa::path(post, path = "/api/v1/associations/{id}/members", tag = "associations", params(("id" = i64, Path)), request_body = MemberInput,
    responses((status = 200, body = AssociationBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_add(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<AssociationId>,
    body: JsonIn<MemberInput>,
) -> ApiResult<AssociationBody> {
    let input = json_body(body)?;
    add(&state, &me, &ctx, id, &input).await?;
    api_get(State(state), ApiMe(me, ctx), Path(id)).await
}

/// End a membership on a date (the record stays: members are counted on dates).
#[utoipa::path(post, path = "/api/v1/associations/{id}/members/{teacher_id}/remove", tag = "associations",
    params(("id" = i64, Path), ("teacher_id" = i64, Path)), request_body = LeaveInput,
    responses((status = 200, body = AssociationBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_remove(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path((id, tid)): Path<(AssociationId, TeacherId)>,
    body: JsonIn<LeaveInput>,
) -> ApiResult<AssociationBody> {
    let input = json_body(body)?;
    remove(&state, &me, &ctx, id, tid, &input).await?;
    api_get(State(state), ApiMe(me, ctx), Path(id)).await
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct SubgroupInput {
    /// rmo | section | creative_group | working_group — one the profile allows
    pub kind: String,
    pub name: String,
    pub head_teacher_id: Option<i64>,
}

async fn create_subgroup(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    id: AssociationId,
    input: &SubgroupInput,
) -> Result<Subgroup, AppError> {
    let a = load(state, me, id, Action::Update).await?;
    if !a.is_active() {
        return Err(AppError::Conflict("Объединение ликвидировано".into()));
    }
    let settings = profiles::municipality_settings(&mut *state.db.conn().await?, a.municipality_id).await?;
    let allowed = settings.map(|s| s.subgroups.value).unwrap_or_default();
    if allowed.is_empty() {
        return Err(AppError::Conflict("Положение муниципалитета не предусматривает подразделений объединения".into()));
    }
    let mut e = values::Errors::new();
    let kind = allowed.iter().find(|k| k.code() == input.kind.trim()).copied();
    if kind.is_none() {
        e.push(FieldError::new("kind", "Вид подразделения: выберите один из предусмотренных положением"));
    }
    let name = e.take(values::required_text("name", "Название подразделения", &input.name, 200));
    let (kind, name) = e.finish(|| (kind, name)).map_err(AppError::Validation)?;
    let (Some(kind), Some(name)) = (kind, name) else {
        return Err(AppError::BadRequest("Проверьте форму".into()));
    };
    let mut tx = state.db.begin().await?;
    let today = crate::features::local_today(state, &mut tx, a.municipality_id).await?;
    let s = associations::create_subgroup(
        &mut tx,
        &ctx.actor(),
        &a,
        kind.code(),
        &name,
        input.head_teacher_id.filter(|h| *h > 0).map(TeacherId),
        &values::iso_date(today),
    )
    .await?;
    tx.commit().await?;
    Ok(s)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SubgroupForm {
    kind: String,
    name: String,
    head_teacher_id: String,
}

async fn subgroup_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<AssociationId>,
    Form(f): Form<SubgroupForm>,
) -> PageResult {
    let input = SubgroupInput {
        kind: f.kind.clone(),
        name: f.name.clone(),
        head_teacher_id: f.head_teacher_id.trim().parse().ok(),
    };
    match create_subgroup(&state, &me, &ctx, id, &input).await {
        Ok(s) => {
            Ok(redirect_with(&format!("/associations/{id}"), &format!("Создано подразделение «{}»", s.name), &ctx))
        }
        Err(e) => {
            let typed = Typed::Subgroup { kind: f.kind, name: f.name, head_teacher_id: f.head_teacher_id };
            or_reshow(&state, &me, &ctx, id, typed, e).await
        }
    }
}

async fn subgroup_member_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, sid)): Path<(AssociationId, i64)>,
    Form(f): Form<MemberForm>,
) -> PageResult {
    let result = async {
        let a = load(&state, &me, id, Action::Update).await?;
        if !a.is_active() {
            return Err(AppError::Conflict("Объединение ликвидировано".into()));
        }
        let input = SubgroupMemberInput {
            teacher_id: f.teacher_id.trim().parse::<i64>().ok(),
            joined_on: f.joined_on.clone(),
            left_on: String::new(),
        };
        add_to_subgroup(&state, &ctx, &a, sid, &input).await
    }
    .await;
    match result {
        Ok(_) => Ok(redirect_with(&format!("/associations/{id}"), "Педагог включён в подразделение", &ctx)),
        Err(e) => {
            let typed = Typed::SubgroupMember { subgroup: sid, teacher_id: f.teacher_id, joined_on: f.joined_on };
            or_reshow(&state, &me, &ctx, id, typed, e).await
        }
    }
}

/// A membership of a subgroup as typed: the teacher, the day they joined (empty: today) and, for
/// history, the day they left.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SubgroupMemberInput {
    pub teacher_id: Option<i64>,
    /// ДД.ММ.ГГГГ or ГГГГ-ММ-ДД; empty: today.
    pub joined_on: String,
    /// Empty: still in the subgroup.
    pub left_on: String,
}

/// A membership of a subgroup, with its dates.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SubgroupMemberView {
    pub id: i64,
    pub subgroup_id: i64,
    pub teacher_id: i64,
    pub full_name: String,
    /// ГГГГ-ММ-ДД.
    pub joined_on: String,
    /// ГГГГ-ММ-ДД; None: still in the subgroup.
    pub left_on: Option<String>,
}

impl From<&associations::SubgroupMember> for SubgroupMemberView {
    fn from(m: &associations::SubgroupMember) -> Self {
        SubgroupMemberView {
            id: m.id,
            subgroup_id: m.subgroup_id,
            teacher_id: m.teacher_id.get(),
            full_name: m.full_name.clone(),
            joined_on: values::iso_date(m.joined_on),
            left_on: m.left_on.map(values::iso_date),
        }
    }
}

/// A day as typed, or today in the association's municipality when empty.
async fn day_or_today(
    state: &AppState,
    c: &mut metoda_store::Conn,
    a: &Association,
    field: &str,
    label: &str,
    raw: &str,
) -> Result<time::Date, AppError> {
    if raw.trim().is_empty() {
        return crate::features::local_today(state, c, a.municipality_id).await;
    }
    values::date(field, label, raw).map_err(|e| AppError::Validation(vec![e]))
}

async fn add_to_subgroup(
    state: &AppState,
    ctx: &Ctx,
    a: &Association,
    sid: i64,
    input: &SubgroupMemberInput,
) -> Result<associations::SubgroupMember, AppError> {
    let Some(tid) = input.teacher_id.filter(|t| *t > 0) else {
        return Err(AppError::Validation(vec![FieldError::new("teacher_id", "Педагог: выберите члена объединения")]));
    };
    let mut tx = state.db.begin().await?;
    let joined = day_or_today(state, &mut tx, a, "joined_on", "Дата включения", &input.joined_on).await?;
    let left = match input.left_on.trim() {
        "" => None,
        raw => Some(values::date("left_on", "Дата выбытия", raw).map_err(|e| AppError::Validation(vec![e]))?),
    };
    let m = associations::add_subgroup_member(&mut tx, &ctx.actor(), a, sid, TeacherId(tid), joined, left).await?;
    tx.commit().await?;
    Ok(m)
}

async fn leave_subgroup(
    state: &AppState,
    ctx: &Ctx,
    a: &Association,
    sid: i64,
    mid: i64,
    left_on: &str,
) -> Result<associations::SubgroupMember, AppError> {
    let mut tx = state.db.begin().await?;
    let left = day_or_today(state, &mut tx, a, "left_on", "Дата выбытия", left_on).await?;
    let m = associations::leave_subgroup(&mut tx, &ctx.actor(), a, sid, mid, left).await?;
    tx.commit().await?;
    Ok(m)
}

async fn subgroup_leave_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path((id, sid, mid)): Path<(AssociationId, i64, i64)>,
    Form(f): Form<LeaveInput>,
) -> PageResult {
    let a = load(&state, &me, id, Action::Update).await?;
    match leave_subgroup(&state, &ctx, &a, sid, mid, &f.left_on).await {
        Ok(m) => Ok(redirect_with(
            &format!("/associations/{id}"),
            &format!("{} выбыл(а) из подразделения", m.full_name),
            &ctx,
        )),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let typed = Typed::SubgroupMember { subgroup: sid, teacher_id: String::new(), joined_on: String::new() };
            or_reshow(&state, &me, &ctx, id, typed, e).await
        }
        Err(e) => Err(e),
    }
}

/// The memberships of a subgroup, past ones included (current first).
#[utoipa::path(get, path = "/api/v1/associations/{id}/subgroups/{sid}/members", tag = "associations", params(("id" = i64, Path), ("sid" = i64, Path)),
    responses((status = 200, body = Vec<SubgroupMemberView>), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_subgroup_members(
    State(state): State<AppState>,
    ApiMe(me, _): ApiMe,
    Path((id, sid)): Path<(AssociationId, i64)>,
) -> ApiResult<Vec<SubgroupMemberView>> {
    let a = load(&state, &me, id, Action::View).await?;
    let mut c = state.db.conn().await?;
    if !associations::subgroups(&mut c, a.id).await?.iter().any(|s| s.id == sid) {
        return Err(AppError::NotFound.into());
    }
    Ok(Json(associations::subgroup_memberships(&mut c, sid).await?.iter().map(Into::into).collect()))
}

/// Adds a member of the association to a subgroup from a day (today when empty) and, for history,
/// until a day; the teacher is a member of the association through those dates.
#[utoipa::path(post, path = "/api/v1/associations/{id}/subgroups/{sid}/members", tag = "associations", params(("id" = i64, Path), ("sid" = i64, Path)), request_body = SubgroupMemberInput,
    responses((status = 200, body = SubgroupMemberView), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_subgroup_member(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path((id, sid)): Path<(AssociationId, i64)>,
    body: JsonIn<SubgroupMemberInput>,
) -> ApiResult<SubgroupMemberView> {
    let input = json_body(body)?;
    let a = load(&state, &me, id, Action::Update).await?;
    if !a.is_active() {
        return Err(AppError::Conflict("Объединение ликвидировано".into()).into());
    }
    Ok(Json((&add_to_subgroup(&state, &ctx, &a, sid, &input).await?).into()))
}

/// Ends a membership of a subgroup on a day (today when empty).
#[utoipa::path(post, path = "/api/v1/associations/{id}/subgroups/{sid}/members/{mid}/leave", tag = "associations", params(("id" = i64, Path), ("sid" = i64, Path), ("mid" = i64, Path)), request_body = LeaveInput,
    responses((status = 200, body = SubgroupMemberView), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_subgroup_leave(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path((id, sid, mid)): Path<(AssociationId, i64, i64)>,
    body: JsonIn<LeaveInput>,
) -> ApiResult<SubgroupMemberView> {
    let input = json_body(body)?;
    let a = load(&state, &me, id, Action::Update).await?;
    Ok(Json((&leave_subgroup(&state, &ctx, &a, sid, mid, &input.left_on).await?).into()))
}

/// Create a subgroup (РМО, section, creative group) where the profile allows them.
#[utoipa::path(post, path = "/api/v1/associations/{id}/subgroups", tag = "associations", params(("id" = i64, Path)), request_body = SubgroupInput,
    responses((status = 200, body = views::Subgroup), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_subgroup(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(id): Path<AssociationId>,
    body: JsonIn<SubgroupInput>,
) -> ApiResult<views::Subgroup> {
    let input = json_body(body)?;
    Ok(Json((&create_subgroup(&state, &me, &ctx, id, &input).await?).into()))
}

/// Uploads a file (or records a link) for a document of the register, for the current year.
async fn document_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<AssociationId>,
    crate::extract::Multipart(mut mp): crate::extract::Multipart,
) -> PageResult {
    let a = load(&state, &me, id, Action::Update).await?;
    let form = crate::extract::read_upload(&mut mp, &["kind", "title", "url"], "файл").await?;
    let (kind, title, url, file) = (form.text("kind"), form.text("title"), form.text("url"), &form.file);
    let result = async {
        let settings = profiles::municipality_settings(&mut *state.db.conn().await?, a.municipality_id).await?;
        let allowed = settings.map(|s| s.required_documents.value).unwrap_or_default();
        let kind = allowed.iter().find(|k| k.code() == kind.trim()).ok_or_else(|| {
            AppError::Validation(vec![FieldError::new("kind", "Документ: выберите из перечня положения")])
        })?;
        let title = match values::optional_text("title", "Название", title, 300)
            .map_err(|e| AppError::Validation(vec![e]))?
        {
            Some(t) => t,
            None => kind.label_ru().to_owned(),
        };
        let url = values::optional_url("url", "Ссылка", url).map_err(|e| AppError::Validation(vec![e]))?;
        let today = crate::features::local_today(&state, &mut *state.db.conn().await?, a.municipality_id).await?;
        let year = Some(i64::from(AcademicYear::containing(today).0));
        let content = crate::features::attachments::content_of(file.as_ref(), url.as_deref())?;
        let mut tx = state.db.begin().await?;
        metoda_store::attachments::add(
            &mut tx,
            &ctx.actor(),
            a.scope(),
            AttachmentOwner::Association,
            a.id.get(),
            AttachmentKind::Document(*kind),
            year,
            &title,
            content,
        )
        .await?;
        tx.commit().await?;
        Ok::<_, AppError>(title)
    }
    .await;
    match result {
        Ok(t) => Ok(redirect_with(&format!("/associations/{id}"), &format!("Документ «{t}» добавлен"), &ctx)),
        Err(e) => {
            // The file itself is not kept (a browser cannot be given it back); what was typed is.
            let typed = Typed::Document { kind: kind.to_owned(), title: title.to_owned(), url: url.to_owned() };
            or_reshow(&state, &me, &ctx, id, typed, e).await
        }
    }
}
