//! The register of the authority's orders. Registering an order applies its effect — creating
//! an association, appointing an officer, fixing the yearly composition, liquidating — in the
//! same transaction: the order and its effect exist together or not at all.

use metoda_domain::access::Role;
use metoda_domain::ids::{AssociationId, MunicipalityId, OrderId, RegionId, TeacherId, UserId};
use metoda_domain::orders::{Effect, OfficerRole, OrderData, OrderKind, may_be_curator};
use metoda_domain::paging::Paging;
use metoda_domain::profile::ProfileSettings;
use metoda_domain::teachers::check_min_members;
use metoda_domain::values::{iso_date, iso_serde};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use time::Date;

use crate::associations;
use crate::audit;
use crate::column::OptId;
use crate::column::{OptText, Text};
use crate::municipalities::Municipality;
use crate::{Actor, Result, StoreError, now};

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Order {
    #[sqlx(try_from = "i64")]
    pub id: OrderId,
    #[sqlx(try_from = "i64")]
    pub municipality_id: MunicipalityId,
    #[sqlx(try_from = "i64")]
    pub region_id: RegionId,
    pub number: String,
    #[sqlx(try_from = "Text")]
    #[serde(with = "iso_serde")]
    pub order_date: Date,
    pub year: i64,
    #[sqlx(try_from = "Text")]
    pub kind: OrderKind,
    pub title: String,
    pub body: Option<String>,
    pub signed_by: Option<String>,
    #[sqlx(try_from = "OptId")]
    pub association_id: Option<AssociationId>,
    pub association_name: Option<String>,
    /// The effect as registered (JSON).
    pub payload: String,
    pub created_at: String,
}

const SELECT: &str = "SELECT r.id, r.municipality_id, m.region_id, r.number, r.order_date, r.year, r.kind, r.title, r.body,
        r.signed_by, r.association_id, a.name AS association_name, r.payload, r.created_at
    FROM orders r JOIN municipalities m ON m.id = r.municipality_id LEFT JOIN associations a ON a.id = r.association_id";

pub async fn get(conn: &mut AnyConnection, id: OrderId) -> Result<Order> {
    sqlx::query_as(&format!("{SELECT} WHERE r.id = $1"))
        .bind(id.get())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Orders of a municipality (or of one association), newest first.
/// A page of the orders of the given municipalities (of one association when given), newest
/// first, and how many there are.
pub async fn page(
    conn: &mut AnyConnection,
    municipalities: &[MunicipalityId],
    association_id: Option<AssociationId>,
    paging: Paging,
) -> Result<(Vec<Order>, i64)> {
    if municipalities.is_empty() {
        return Ok((vec![], 0));
    }
    let marks: Vec<String> = (2..=municipalities.len() + 1).map(|i| format!("${i}")).collect();
    let cond = format!("($1 IS NULL OR r.association_id = $1) AND r.municipality_id IN ({})", marks.join(", "));
    let sql = format!("SELECT COUNT(*) FROM orders r WHERE {cond}");
    let mut q = sqlx::query_scalar::<_, i64>(&sql).bind(association_id.map(i64::from));
    for m in municipalities {
        q = q.bind(m.get());
    }
    let total = q.fetch_one(&mut *conn).await?;
    let n = municipalities.len();
    let sql = format!("{SELECT} WHERE {cond} ORDER BY r.order_date DESC, r.id DESC LIMIT ${} OFFSET ${}", n + 2, n + 3);
    let mut q = sqlx::query_as::<_, Order>(&sql).bind(association_id.map(i64::from));
    for m in municipalities {
        q = q.bind(m.get());
    }
    let rows = q.bind(paging.per_page).bind(paging.offset()).fetch_all(&mut *conn).await?;
    Ok((rows, total))
}

/// Orders that may approve a plan of `association_id` for `plan_year`: those of the
/// association or of the whole municipality, registered from the year before to the year after,
/// the association's own plan approvals first, then newest first.
pub async fn for_plan(
    conn: &mut AnyConnection,
    municipality_id: MunicipalityId,
    association_id: AssociationId,
    plan_year: i64,
) -> Result<Vec<Order>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE r.municipality_id = $1 AND (r.association_id = $2 OR r.association_id IS NULL)
           AND r.year BETWEEN $3 AND $4
         ORDER BY CASE WHEN r.kind = $5 AND r.association_id = $2 THEN 0 ELSE 1 END, r.order_date DESC, r.id DESC"
    ))
    .bind(municipality_id.get())
    .bind(association_id.get())
    .bind(plan_year - 1)
    .bind(plan_year + 1)
    .bind(OrderKind::ApprovePlan.code())
    .fetch_all(&mut *conn)
    .await?)
}

pub async fn list(
    conn: &mut AnyConnection,
    municipality_id: Option<MunicipalityId>,
    association_id: Option<AssociationId>,
) -> Result<Vec<Order>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE ($1 IS NULL OR r.municipality_id = $1) AND ($2 IS NULL OR r.association_id = $2)
         ORDER BY r.order_date DESC, r.id DESC"
    ))
    .bind(municipality_id.map(i64::from))
    .bind(association_id.map(i64::from))
    .fetch_all(&mut *conn)
    .await?)
}

/// A row of a fixed yearly composition.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct SnapshotRow {
    #[sqlx(try_from = "i64")]
    pub teacher_id: TeacherId,
    pub full_name: String,
    pub organization_name: String,
    pub position: String,
    /// The officer's role the teacher held when the composition was fixed (None: a member).
    #[sqlx(try_from = "OptText")]
    pub role: Option<OfficerRole>,
}

pub async fn snapshot(conn: &mut AnyConnection, order_id: OrderId) -> Result<Vec<SnapshotRow>> {
    Ok(sqlx::query_as(
        "SELECT teacher_id, full_name, organization_name, position, role FROM composition_snapshots WHERE order_id = $1
         ORDER BY full_name",
    )
    .bind(order_id.get())
    .fetch_all(&mut *conn)
    .await?)
}

/// Writes the composition an order approves: the association's members on `day` with the posts
/// their officers held that day (the annex of the order). Returns how many.
async fn fix_composition(
    conn: &mut AnyConnection,
    order_id: i64,
    a: &associations::Association,
    day: Date,
) -> Result<usize> {
    sqlx::query("DELETE FROM composition_snapshots WHERE order_id = $1").bind(order_id).execute(&mut *conn).await?;
    let members = associations::members(conn, a.id, Some(&iso_date(day))).await?;
    let officers = associations::officers(conn, a.id).await?;
    for mm in &members {
        let role =
            officers.iter().find(|o| o.held_on(day) && o.teacher_id == Some(mm.teacher_id)).map(|o| o.role.code());
        sqlx::query(
            "INSERT INTO composition_snapshots (order_id, association_id, teacher_id, full_name, organization_name, position, role)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(order_id)
        .bind(a.id.get())
        .bind(mm.teacher_id.get())
        .bind(&mm.full_name)
        .bind(&mm.organization_name)
        .bind(&mm.position)
        .bind(role)
        .execute(&mut *conn)
        .await?;
    }
    Ok(members.len())
}

/// After a change of the association's history dated `from` (a member joined or left, an officer
/// appointed): the compositions approved by its orders dated on or after it are written again as
/// of their own dates, so history entered in any order gives the same annexes (decision 0022).
pub(crate) async fn refresh_compositions(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &associations::Association,
    from: &str,
) -> Result<()> {
    let due: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, number, order_date FROM orders WHERE association_id = $1 AND kind = 'approve_composition'
           AND order_date >= $2 ORDER BY order_date, id",
    )
    .bind(a.id.get())
    .bind(from)
    .fetch_all(&mut *conn)
    .await?;
    for (id, number, on) in due {
        let day =
            metoda_domain::values::date("order_date", "Дата приказа", &on).map_err(|e| StoreError::Other(e.message))?;
        let n = fix_composition(conn, id, a, day).await?;
        let summary = format!("Состав по приказу № {number} пересчитан на дату приказа после изменения от {from}: {n}");
        let after = serde_json::json!({"order_id": id, "members": n, "changed_from": from});
        audit::record(conn, actor, a.scope(), "order", Some(id), "update", &summary, None, Some(&after)).await?;
    }
    Ok(())
}

/// A role a user holds in a municipality.
#[derive(FromRow)]
struct GrantedRole {
    #[sqlx(try_from = "Text")]
    role: Role,
}

fn invalid(field: &str, message: impl Into<String>) -> StoreError {
    StoreError::invalid(field, message)
}

/// Registers an order of a municipality and applies its effect. `settings` is the municipality's
/// regulation profile (its body name and minimum members rule the creation of an association).
pub async fn register(
    conn: &mut AnyConnection,
    actor: &Actor,
    m: &Municipality,
    settings: Option<&ProfileSettings>,
    d: &OrderData,
) -> Result<Order> {
    let date = iso_date(d.date);
    let year = i64::from(d.date.year());
    let taken: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE municipality_id = $1 AND year = $2 AND number = $3")
            .bind(m.id.get())
            .bind(year)
            .bind(&d.number)
            .fetch_one(&mut *conn)
            .await?;
    if taken > 0 {
        return Err(StoreError::Conflict(format!("Приказ № {} за {year} год уже зарегистрирован", d.number)));
    }
    // The association concerned must be of this municipality and, but for "other", active.
    let target = match d.effect.association_id() {
        Some(id) => {
            let a = associations::get(conn, AssociationId(id))
                .await
                .map_err(|_| invalid("association_id", "Такого объединения нет"))?;
            if a.municipality_id != m.id {
                return Err(invalid("association_id", "Объединение относится к другому муниципалитету"));
            }
            if !a.is_active() && !matches!(d.effect, Effect::Other { .. }) {
                return Err(StoreError::Conflict(format!(
                    "Объединение «{}» ликвидировано; приказы по нему не применяются",
                    a.name
                )));
            }
            Some(a)
        }
        None => None,
    };
    let payload = serde_json::to_string(&d.effect).map_err(|e| StoreError::Other(e.to_string()))?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO orders (municipality_id, number, order_date, year, kind, title, body, signed_by, association_id, payload, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(m.id.get())
    .bind(&d.number)
    .bind(&date)
    .bind(year)
    .bind(d.kind.code())
    .bind(&d.title)
    .bind(&d.body)
    .bind(&d.signed_by)
    .bind(target.as_ref().map(|a| a.id).map(i64::from))
    .bind(&payload)
    .bind(actor.user_id.map(i64::from))
    .bind(now())
    .fetch_one(&mut *conn)
    .await
    .map_err(crate::unique("Приказ с таким номером за этот год уже зарегистрирован"))?;

    match &d.effect {
        Effect::CreateAssociation { name, direction, description, head_teacher_id, member_ids } => {
            let settings = settings.ok_or_else(|| {
                StoreError::Conflict(
                    "Муниципалитету не назначен профиль положения: назначьте его, прежде чем создавать объединения"
                        .into(),
                )
            })?;
            let body_name = settings.body_name.value.clone();
            check_min_members(settings.min_members.value, member_ids.len(), &body_name)
                .map_err(|m| invalid("member_ids", m))?;
            let t = now();
            let aid: i64 = sqlx::query_scalar(
                "INSERT INTO associations (municipality_id, name, body_name, direction, status, created_order_id, description, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, 'active', $5, $6, $7, $7) RETURNING id",
            )
            .bind(m.id.get())
            .bind(name)
            .bind(&body_name)
            .bind(direction)
            .bind(id)
            .bind(description)
            .bind(&t)
            .fetch_one(&mut *conn)
            .await
            .map_err(crate::unique("Объединение с таким названием в муниципалитете уже есть"))?;
            sqlx::query("UPDATE orders SET association_id = $1 WHERE id = $2")
                .bind(aid)
                .bind(id)
                .execute(&mut *conn)
                .await?;
            let a = associations::get(conn, AssociationId(aid)).await?;
            let summary = format!("Создано объединение «{}» ({body_name}) приказом № {}", a.name, d.number);
            audit::record_change(conn, actor, a.scope(), "association", aid, "create", &summary, None, &a).await?;
            for tid in member_ids {
                associations::add_member(conn, actor, &a, TeacherId(*tid), &date, Some(OrderId(id))).await?;
            }
            associations::appoint(
                conn,
                actor,
                &a,
                OfficerRole::Head,
                Some(TeacherId(*head_teacher_id)),
                None,
                &date,
                Some(OrderId(id)),
            )
            .await?;
        }
        Effect::ReorganizeAssociation { name, direction, .. } => {
            let a = target.as_ref().ok_or(StoreError::NotFound)?;
            crate::bump_version(conn, "associations", a.id.get(), None).await?;
            sqlx::query("UPDATE associations SET name = $1, direction = $2, updated_at = $3 WHERE id = $4")
                .bind(name)
                .bind(direction)
                .bind(now())
                .bind(a.id.get())
                .execute(&mut *conn)
                .await
                .map_err(crate::unique("Объединение с таким названием в муниципалитете уже есть"))?;
            let new = associations::get(conn, a.id).await?;
            let summary = format!("Объединение «{}» реорганизовано в «{}» приказом № {}", a.name, new.name, d.number);
            audit::record_change(
                conn,
                actor,
                new.scope(),
                "association",
                a.id.get(),
                "update",
                &summary,
                Some(a),
                &new,
            )
            .await?;
        }
        Effect::LiquidateAssociation { .. } => {
            let a = target.as_ref().ok_or(StoreError::NotFound)?;
            crate::bump_version(conn, "associations", a.id.get(), None).await?;
            sqlx::query(
                "UPDATE associations SET status = 'liquidated', liquidated_at = $1, updated_at = $2 WHERE id = $3",
            )
            .bind(&date)
            .bind(now())
            .bind(a.id.get())
            .execute(&mut *conn)
            .await?;
            sqlx::query("UPDATE association_officers SET to_on = $1 WHERE association_id = $2 AND to_on IS NULL")
                .bind(&date)
                .bind(a.id.get())
                .execute(&mut *conn)
                .await?;
            let new = associations::get(conn, a.id).await?;
            let summary = format!("Объединение «{}» ликвидировано приказом № {}", a.name, d.number);
            audit::record_change(
                conn,
                actor,
                new.scope(),
                "association",
                a.id.get(),
                "archive",
                &summary,
                Some(a),
                &new,
            )
            .await?;
        }
        Effect::AppointOfficer { role, teacher_id, user_id, .. } => {
            let a = target.as_ref().ok_or(StoreError::NotFound)?;
            // A member on the order's date, whatever was entered since (history comes back-dated).
            if let Some(tid) = teacher_id
                && !associations::is_member_on(conn, a.id, TeacherId(*tid), &date).await?
            {
                return Err(invalid(
                    "officer_teacher_id",
                    format!(
                        "Назначить можно только педагога, который на дату приказа ({}) состоит в объединении",
                        metoda_domain::values::ru_date(d.date)
                    ),
                ));
            }
            if let Some(uid) = user_id {
                let roles: Vec<GrantedRole> = sqlx::query_as(
                    "SELECT role FROM role_grants WHERE user_id = $1 AND municipality_id = $2 AND association_id IS NULL",
                )
                .bind(uid)
                .bind(m.id.get())
                .fetch_all(&mut *conn)
                .await?;
                if !roles.iter().any(|g| may_be_curator(g.role)) {
                    return Err(invalid(
                        "officer_user_id",
                        "Куратором назначают специалиста органа управления образованием этого муниципалитета",
                    ));
                }
            }
            associations::appoint(
                conn,
                actor,
                a,
                *role,
                teacher_id.map(TeacherId),
                user_id.map(UserId),
                &date,
                Some(OrderId(id)),
            )
            .await?;
        }
        Effect::ApproveComposition { .. } => {
            // The composition on the order's date: its members and officers then, not today's.
            let a = target.as_ref().ok_or(StoreError::NotFound)?;
            if fix_composition(conn, id, a, d.date).await? == 0 {
                return Err(StoreError::Conflict(format!(
                    "На {} в составе «{}» нет ни одного педагога",
                    metoda_domain::values::ru_date(d.date),
                    a.name
                )));
            }
        }
        Effect::ApprovePlan { .. } | Effect::Other { .. } => {}
    }
    let o = get(conn, OrderId(id)).await?;
    let summary =
        format!("Зарегистрирован приказ № {} от {} «{}»", o.number, metoda_domain::values::ru_date(d.date), o.title);
    audit::record_change(conn, actor, m.scope(), "order", id, "create", &summary, None, &o).await?;
    Ok(o)
}
