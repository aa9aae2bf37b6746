//! Yearly work plans: made from the profile (its period and approval steps), filled with items,
//! taken along the approval path step by step with evidence, and after approval changed only by
//! amendments with a reason (every version is kept in `plan_amendments`). Execution of items
//! (done, moved, cancelled) is not an amendment.

use metoda_domain::Code;
use metoda_domain::ids::{AssociationId, MeetingId, OrderId, OrganizationId, PlanId, UserId};
use metoda_domain::meetings::{Evidence, PlanPath, year_bounds};
use metoda_domain::plans::{
    ActivityDirection, ItemData, ItemStatus, PlanStatus, Prefill, StatusData, WorkForm, carry_over,
};
use metoda_domain::profile::{ApprovalStep, PlanPeriod, ProfileSettings};
use metoda_domain::values::{iso_date, iso_serde};
use serde::{Serialize, Serializer};
use sqlx::{AnyConnection, FromRow};
use time::Date;

use crate::associations::Association;
use crate::audit;
use crate::column::OptId;
use crate::column::{OptText, Text, Undecodable};
use crate::{Actor, Result, StoreError, now};
use metoda_domain::access::{Action, Principal, Resource, Role, may};
use metoda_domain::notify::NotificationKind;

/// The yearly work plan of an association (`work_plans`).
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct WorkPlan {
    #[sqlx(try_from = "i64")]
    pub id: PlanId,
    #[sqlx(try_from = "i64")]
    pub association_id: AssociationId,
    pub year: i64,
    #[sqlx(try_from = "Text")]
    pub period: PlanPeriod,
    pub title: String,
    /// The profile's approval path, copied when the plan was made (stored as a JSON list of step
    /// codes; the audit trail keeps that text).
    #[sqlx(try_from = "Text")]
    #[serde(serialize_with = "steps_json")]
    pub steps: ApprovalPath,
    #[sqlx(try_from = "Text")]
    pub status: PlanStatus,
    pub version: i64,
    pub approved_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// The approval steps of a plan, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApprovalPath(pub Vec<ApprovalStep>);

impl TryFrom<Text> for ApprovalPath {
    type Error = Undecodable;
    fn try_from(raw: Text) -> std::result::Result<Self, Undecodable> {
        serde_json::from_str(&raw.0)
            .map(ApprovalPath)
            .map_err(|_| Undecodable { expected: "JSON list of approval steps", value: raw.0 })
    }
}

fn steps_json<S: Serializer>(p: &ApprovalPath, s: S) -> std::result::Result<S::Ok, S::Error> {
    let json = serde_json::to_string(&p.0).map_err(serde::ser::Error::custom)?;
    s.serialize_str(&json)
}

impl WorkPlan {
    pub fn bounds(&self) -> (Date, Date) {
        year_bounds(self.period, self.year as i32)
    }
    pub fn approval_steps(&self) -> Vec<ApprovalStep> {
        self.steps.0.clone()
    }
    pub fn approved(&self) -> bool {
        self.status == PlanStatus::Approved
    }
}

const PLAN_COLS: &str =
    "id, association_id, year, period, title, steps, status, version, approved_at, created_at, updated_at";

pub async fn get(conn: &mut AnyConnection, id: PlanId) -> Result<WorkPlan> {
    sqlx::query_as(&format!("SELECT {PLAN_COLS} FROM work_plans WHERE id = $1"))
        .bind(id.get())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn for_association(conn: &mut AnyConnection, association_id: AssociationId) -> Result<Vec<WorkPlan>> {
    Ok(sqlx::query_as(&format!("SELECT {PLAN_COLS} FROM work_plans WHERE association_id = $1 ORDER BY year DESC"))
        .bind(association_id.get())
        .fetch_all(&mut *conn)
        .await?)
}

/// The association's plan of a plan year, if there is one.
pub async fn of_year(conn: &mut AnyConnection, association_id: AssociationId, year: i32) -> Result<Option<WorkPlan>> {
    Ok(sqlx::query_as(&format!("SELECT {PLAN_COLS} FROM work_plans WHERE association_id = $1 AND year = $2"))
        .bind(association_id.get())
        .bind(i64::from(year))
        .fetch_optional(&mut *conn)
        .await?)
}

/// Makes the plan of a year for an association, under its municipality's profile.
pub async fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    settings: &ProfileSettings,
    year: i32,
) -> Result<WorkPlan> {
    if !a.is_active() {
        return Err(StoreError::Conflict("Объединение ликвидировано".into()));
    }
    let period = settings.plan_period.value;
    let steps = serde_json::to_string(&settings.plan_approval.value).map_err(|e| StoreError::Other(e.to_string()))?;
    let label = match period {
        PlanPeriod::AcademicYear => format!("{year}/{} учебный год", year + 1),
        PlanPeriod::CalendarYear => format!("{year} год"),
    };
    let title = format!("План работы {} на {label}", a.name);
    let t = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO work_plans (association_id, year, period, title, steps, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(a.id.get())
    .bind(i64::from(year))
    .bind(period.code())
    .bind(&title)
    .bind(steps)
    .bind(&t)
    .fetch_one(&mut *conn)
    .await
    .map_err(crate::unique("План на этот год у объединения уже есть"))?;
    let p = get(conn, PlanId(id)).await?;
    audit::record_change(
        conn,
        actor,
        a.scope(),
        "work_plan",
        id,
        "create",
        &format!("Составлен проект: {title}"),
        None,
        &p,
    )
    .await?;
    Ok(p)
}

/// An item of a work plan (`plan_items`).
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct PlanItem {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub plan_id: PlanId,
    pub title: String,
    #[sqlx(try_from = "Text")]
    pub direction: ActivityDirection,
    #[sqlx(try_from = "Text")]
    pub form: WorkForm,
    #[sqlx(try_from = "OptText")]
    #[serde(with = "iso_serde::option")]
    pub planned_on: Option<Date>,
    pub planned_month: Option<i64>,
    pub responsible: Option<String>,
    #[sqlx(try_from = "OptId")]
    pub venue_organization_id: Option<OrganizationId>,
    pub audience: Option<String>,
    pub expected_result: Option<String>,
    #[sqlx(try_from = "Text")]
    pub status: ItemStatus,
    pub status_reason: Option<String>,
    #[sqlx(try_from = "OptText")]
    #[serde(with = "iso_serde::option")]
    pub moved_to: Option<Date>,
    #[sqlx(try_from = "OptId")]
    pub fulfilled_meeting_id: Option<MeetingId>,
    /// Raised by every change of the item: send it back with an edit (an older one gets 409). Not
    /// the plan's `version`, which numbers its approved editions.
    pub version: i64,
}

const ITEM_COLS: &str =
    "id, plan_id, title, direction, form, planned_on, planned_month, responsible, venue_organization_id,
    audience, expected_result, status, status_reason, moved_to, fulfilled_meeting_id, version";

/// Items of a plan in the order of the year: by month (September first in an academic year), then date.
pub async fn items(conn: &mut AnyConnection, plan: &WorkPlan) -> Result<Vec<PlanItem>> {
    let mut rows: Vec<PlanItem> = sqlx::query_as(&format!(
        "SELECT {ITEM_COLS} FROM plan_items WHERE plan_id = $1 AND archived_at IS NULL ORDER BY planned_month, planned_on, id"
    ))
    .bind(plan.id.get())
    .fetch_all(&mut *conn)
    .await?;
    if plan.period == PlanPeriod::AcademicYear {
        rows.sort_by_key(|i| (i.planned_month.map_or(99, |m| (m + 3) % 12), i.planned_on, i.id));
    }
    Ok(rows)
}

/// A plan item by its id.
pub async fn item(conn: &mut AnyConnection, id: i64) -> Result<PlanItem> {
    sqlx::query_as(&format!("SELECT {ITEM_COLS} FROM plan_items WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// An approved plan changes only with a reason; returns the reason when it is needed and given.
fn amendment_reason<'r>(plan: &WorkPlan, reason: Option<&'r str>) -> Result<Option<&'r str>> {
    match (plan.approved(), reason.map(str::trim).filter(|r| !r.is_empty())) {
        (false, _) => Ok(None),
        (true, Some(r)) => Ok(Some(r)),
        (true, None) => Err(StoreError::invalid("reason", "План утверждён: изменение вносится с указанием причины")),
    }
}

async fn amend(
    conn: &mut AnyConnection,
    actor: &Actor,
    plan: &WorkPlan,
    item_id: Option<i64>,
    reason: &str,
    changes: &serde_json::Value,
) -> Result<()> {
    // The version is raised in the database, not from the caller's copy of the plan.
    let version: i64 = sqlx::query_scalar(
        "UPDATE work_plans SET version = version + 1, updated_at = $1 WHERE id = $2 RETURNING version",
    )
    .bind(now())
    .bind(plan.id.get())
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO plan_amendments (plan_id, version, item_id, reason, changes, user_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(plan.id.get())
    .bind(version)
    .bind(item_id)
    .bind(reason)
    .bind(changes.to_string())
    .bind(actor.user_id.map(i64::from))
    .bind(now())
    .execute(&mut *conn)
    .await
    .map_err(crate::unique("План только что изменили; обновите страницу и повторите"))?;
    Ok(())
}

fn bind_item<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    d: &'q ItemData,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    q.bind(&d.title)
        .bind(d.direction.code())
        .bind(d.form.code())
        .bind(d.planned_on.map(iso_date))
        .bind(d.planned_month.map(i64::from))
        .bind(&d.responsible)
        .bind(d.venue_organization_id)
        .bind(&d.audience)
        .bind(&d.expected_result)
}

pub async fn add_item(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    plan: &WorkPlan,
    d: &ItemData,
    reason: Option<&str>,
) -> Result<PlanItem> {
    let reason = amendment_reason(plan, reason)?;
    let t = now();
    let row = bind_item(
        sqlx::query(
            "INSERT INTO plan_items (title, direction, form, planned_on, planned_month, responsible, venue_organization_id,
                audience, expected_result, plan_id, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
        ),
        d,
    )
    .bind(plan.id.get())
    .bind(&t)
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = sqlx::Row::try_get(&row, 0)?;
    let it = item(conn, id).await?;
    if let Some(r) = reason {
        amend(conn, actor, plan, Some(id), r, &serde_json::json!({"added": it.title})).await?;
    }
    audit::record_change(
        conn,
        actor,
        a.scope(),
        "plan_item",
        id,
        "create",
        &format!("В план внесено: «{}»", it.title),
        None,
        &it,
    )
    .await?;
    Ok(it)
}

/// Saves an item; `version`: the item's version the edit was based on (a stale one is refused).
#[allow(clippy::too_many_arguments)]
pub async fn update_item(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    plan: &WorkPlan,
    id: i64,
    d: &ItemData,
    reason: Option<&str>,
    version: Option<i64>,
) -> Result<PlanItem> {
    crate::bump_version(conn, "plan_items", id, version).await?;
    let reason = amendment_reason(plan, reason)?;
    let old = item(conn, id).await?;
    if old.plan_id != plan.id {
        return Err(StoreError::NotFound);
    }
    bind_item(
        sqlx::query(
            "UPDATE plan_items SET title = $1, direction = $2, form = $3, planned_on = $4, planned_month = $5, responsible = $6,
                venue_organization_id = $7, audience = $8, expected_result = $9, updated_at = $10 WHERE id = $11",
        ),
        d,
    )
    .bind(now())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    let new = item(conn, id).await?;
    if let Some(r) = reason {
        let changes = metoda_domain::audit::diff(
            serde_json::to_value(&old).ok().as_ref(),
            serde_json::to_value(&new).ok().as_ref(),
            &[],
        );
        amend(conn, actor, plan, Some(id), r, &changes).await?;
    }
    audit::record_change(
        conn,
        actor,
        a.scope(),
        "plan_item",
        id,
        "update",
        &format!("Изменено в плане: «{}»", new.title),
        Some(&old),
        &new,
    )
    .await?;
    Ok(new)
}

/// Records the execution of an item: done, moved (to a new date), cancelled — with the meeting
/// that fulfilled it, if any.
pub async fn set_status(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    plan: &WorkPlan,
    id: i64,
    s: &StatusData,
    meeting_id: Option<MeetingId>,
) -> Result<PlanItem> {
    // Not a form edit, but it changes the item (a move changes its date): an edit based on the
    // item before it is refused.
    crate::bump_version(conn, "plan_items", id, None).await?;
    let old = item(conn, id).await?;
    if old.plan_id != plan.id {
        return Err(StoreError::NotFound);
    }
    if let Some(m) = meeting_id {
        crate::meetings::check_ref(conn, a.id, m, false).await?;
    }
    sqlx::query(
        "UPDATE plan_items SET status = $1, status_reason = $2, moved_to = $3, fulfilled_meeting_id = $4,
            planned_on = COALESCE($3, planned_on), updated_at = $5 WHERE id = $6",
    )
    .bind(s.status.code())
    .bind(&s.reason)
    .bind(s.moved_to.map(iso_date))
    .bind(meeting_id.map(i64::from))
    .bind(now())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    let new = item(conn, id).await?;
    let summary = format!("«{}»: {}", new.title, s.status.label_ru());
    audit::record_change(conn, actor, a.scope(), "plan_item", id, "update", &summary, Some(&old), &new).await?;
    Ok(new)
}

/// An approval step taken (`plan_steps`).
#[derive(Debug, Clone, FromRow)]
pub struct Step {
    pub id: i64,
    #[sqlx(try_from = "Text")]
    pub step: ApprovalStep,
    #[sqlx(try_from = "Text")]
    pub evidence: Evidence,
    #[sqlx(try_from = "OptId")]
    pub meeting_id: Option<MeetingId>,
    #[sqlx(try_from = "OptId")]
    pub order_id: Option<OrderId>,
    #[sqlx(try_from = "OptId")]
    pub user_id: Option<UserId>,
    /// Who took the step.
    pub user_name: Option<String>,
    pub note: Option<String>,
    pub at: String,
}

pub async fn steps(conn: &mut AnyConnection, plan_id: PlanId) -> Result<Vec<Step>> {
    Ok(sqlx::query_as(
        "SELECT s.id, s.step, s.evidence, s.meeting_id, s.order_id, s.user_id, u.full_name AS user_name, s.note, s.at
         FROM plan_steps s LEFT JOIN users u ON u.id = s.user_id WHERE s.plan_id = $1 ORDER BY s.id",
    )
    .bind(plan_id.get())
    .fetch_all(&mut *conn)
    .await?)
}

/// The evidence a step is taken with.
#[derive(Debug, Clone, Copy, Default)]
pub struct StepRefs<'a> {
    pub meeting_id: Option<MeetingId>,
    pub order_id: Option<OrderId>,
    pub note: Option<&'a str>,
}

/// Takes the next approval step of the plan's path with its evidence; the last step approves it.
pub async fn take_step(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    plan: &WorkPlan,
    step: ApprovalStep,
    evidence: Evidence,
    refs: StepRefs<'_>,
) -> Result<WorkPlan> {
    let taken = steps(conn, plan.id).await?;
    let mut path = PlanPath::new(&plan.steps.0);
    path.done = taken.iter().map(|s| s.step).collect();
    path.take(step, evidence).map_err(StoreError::Conflict)?;
    match evidence {
        Evidence::MeetingDecision if refs.meeting_id.is_none() => {
            return Err(StoreError::invalid("meeting_id", "Укажите заседание, на котором рассмотрен план"));
        }
        Evidence::Order if refs.order_id.is_none() => {
            return Err(StoreError::invalid("order_id", "Укажите приказ об утверждении плана"));
        }
        _ => {}
    }
    if let Some(m) = refs.meeting_id {
        crate::meetings::check_ref(conn, a.id, m, true).await?;
    }
    // The order is one of the association's municipality.
    if let Some(o) = refs.order_id {
        let order =
            crate::orders::get(conn, o).await.map_err(|_| StoreError::invalid("order_id", "Такого приказа нет"))?;
        if order.municipality_id != a.municipality_id {
            return Err(StoreError::invalid("order_id", "Это приказ другого муниципалитета"));
        }
    }
    let t = now();
    sqlx::query(
        "INSERT INTO plan_steps (plan_id, step, evidence, meeting_id, order_id, user_id, note, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(plan.id.get())
    .bind(step.code())
    .bind(evidence.code())
    .bind(refs.meeting_id.map(i64::from))
    .bind(refs.order_id.map(i64::from))
    .bind(actor.user_id.map(i64::from))
    .bind(refs.note)
    .bind(&t)
    .execute(&mut *conn)
    .await
    .map_err(crate::unique("Этот шаг уже пройден; обновите страницу"))?;
    if path.approved() {
        sqlx::query("UPDATE work_plans SET status = $1, approved_at = $2, updated_at = $2 WHERE id = $3")
            .bind(PlanStatus::Approved.code())
            .bind(&t)
            .bind(plan.id.get())
            .execute(&mut *conn)
            .await?;
    }
    let new = get(conn, plan.id).await?;
    let summary = format!("{}: {}", new.title, step.label_ru());
    audit::record_change(conn, actor, a.scope(), "work_plan", plan.id.get(), "update", &summary, Some(plan), &new)
        .await?;
    if let Some(next) = path.next() {
        // Whoever may take the next step (by the one access rule), among the association's and
        // the municipality's people.
        let what = Resource::PlanStep {
            region_id: a.region_id,
            municipality_id: a.municipality_id,
            association_id: a.id,
            step: next,
        };
        let mut people = crate::users::holding(conn, crate::users::Held::Association(a.id), Role::ALL).await?;
        people
            .extend(crate::users::holding(conn, crate::users::Held::Municipality(a.municipality_id), Role::ALL).await?);
        let title = format!("План «{}» ждёт следующего шага: {}", new.title, next.label_ru());
        let link = format!("/plans/{}", plan.id);
        let mut told = vec![];
        for (user, _) in people {
            let grants = crate::users::grants(conn, user).await?;
            let who = Principal { user_id: user, grants: grants.iter().map(crate::users::GrantRow::grant).collect() };
            if Some(user) != actor.user_id && !told.contains(&user) && may(&who, Action::Create, &what) {
                crate::notify::notify(conn, user, NotificationKind::PlanStepAwaited, &title, Some(&link)).await?;
                told.push(user);
            }
        }
    }
    Ok(new)
}

/// An amendment of an approved plan (`plan_amendments`).
#[derive(Debug, Clone, FromRow)]
pub struct Amendment {
    pub id: i64,
    pub version: i64,
    pub item_id: Option<i64>,
    pub reason: String,
    /// What changed: `{"field": [old, new]}`, or `{"added": title}` for a new item.
    pub changes: String,
    #[sqlx(try_from = "OptId")]
    pub user_id: Option<UserId>,
    /// Who made the change.
    pub user_name: Option<String>,
    pub at: String,
}

pub async fn amendments(conn: &mut AnyConnection, plan_id: PlanId) -> Result<Vec<Amendment>> {
    Ok(sqlx::query_as(
        "SELECT a.id, a.version, a.item_id, a.reason, a.changes, a.user_id, u.full_name AS user_name, a.at
         FROM plan_amendments a LEFT JOIN users u ON u.id = a.user_id WHERE a.plan_id = $1 ORDER BY a.version",
    )
    .bind(plan_id.get())
    .fetch_all(&mut *conn)
    .await?)
}

/// Makes the plan of a year and fills it as asked: empty, with an item for every row of the
/// association's cyclogram (in its month), or with last year's items (in the same months, every
/// one planned again; an exact date keeps its day in the new year). Returns the plan and the
/// number of items put in. The caller's transaction makes it all or nothing.
pub async fn create_from(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    settings: &ProfileSettings,
    year: i32,
    prefill: Prefill,
) -> Result<(WorkPlan, usize)> {
    let rows: Vec<ItemData> = match prefill {
        Prefill::Empty => vec![],
        Prefill::Cyclogram => {
            let rows = crate::cyclograms::list(conn, a.id).await?;
            if rows.is_empty() {
                return Err(StoreError::invalid("prefill", "Циклограмма объединения пуста: заполнить план нечем"));
            }
            rows.iter().map(|r| crate::cyclograms::data(r).map(|d| d.item())).collect::<Result<_>>()?
        }
        Prefill::PreviousYear => {
            let last = of_year(conn, a.id, year - 1).await?.ok_or_else(|| {
                StoreError::invalid("prefill", "Плана прошлого года у объединения нет: копировать нечего")
            })?;
            let period = settings.plan_period.value;
            items(conn, &last)
                .await?
                .into_iter()
                .filter_map(|i| {
                    let on = i.planned_on;
                    let month = i.planned_month.and_then(|m| u8::try_from(m).ok()).or(on.map(|d| d.month() as u8))?;
                    let (planned_on, month) = carry_over(period, year, on, month);
                    Some(ItemData {
                        title: i.title,
                        direction: i.direction,
                        form: i.form,
                        planned_on,
                        planned_month: Some(month),
                        responsible: i.responsible,
                        venue_organization_id: i.venue_organization_id.map(i64::from),
                        audience: i.audience,
                        expected_result: i.expected_result,
                    })
                })
                .collect()
        }
    };
    let plan = create(conn, actor, a, settings, year).await?;
    for d in &rows {
        add_item(conn, actor, a, &plan, d, None).await?;
    }
    Ok((plan, rows.len()))
}
