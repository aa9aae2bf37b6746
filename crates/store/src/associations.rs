//! Associations (ММО, МУМО, РМО): the association itself, its officers with dates and orders,
//! its members joining and leaving, and its subgroups.

use metoda_domain::directory::AssociationStatus;
use metoda_domain::ids::{AssociationId, MunicipalityId, OrderId, OrganizationId, RegionId, TeacherId, UserId};
use metoda_domain::orders::OfficerRole;
use metoda_domain::profile::SubgroupKind;
use metoda_domain::teachers::Category;
use metoda_domain::values::{iso_date, iso_serde};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use time::Date;

use crate::audit::{self, Scope};
use crate::column::OptId;
use crate::column::{OptText, Text};
use crate::{Actor, Result, StoreError, now};

/// An association as scopes need it (the foundation's view).
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct AssociationRef {
    #[sqlx(try_from = "i64")]
    pub id: AssociationId,
    #[sqlx(try_from = "i64")]
    pub municipality_id: MunicipalityId,
    #[sqlx(try_from = "i64")]
    pub region_id: RegionId,
    pub name: String,
    #[sqlx(try_from = "Text")]
    pub status: AssociationStatus,
    pub archived_at: Option<String>,
}

/// The associations of the given municipalities (id, name, …), by name (one query).
pub async fn refs_of_municipalities(conn: &mut AnyConnection, ids: &[MunicipalityId]) -> Result<Vec<AssociationRef>> {
    let mut out = vec![];
    for chunk in ids.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT a.id, a.municipality_id, m.region_id, a.name, a.status, a.archived_at FROM associations a
             JOIN municipalities m ON m.id = a.municipality_id WHERE a.municipality_id IN ({}) ORDER BY a.name",
            marks.join(", ")
        );
        let mut q = sqlx::query_as::<_, AssociationRef>(&sql);
        for id in chunk {
            q = q.bind(id.get());
        }
        out.extend(q.fetch_all(&mut *conn).await?);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

pub async fn list_refs(conn: &mut AnyConnection) -> Result<Vec<AssociationRef>> {
    Ok(sqlx::query_as(
        "SELECT a.id, a.municipality_id, m.region_id, a.name, a.status, a.archived_at FROM associations a
         JOIN municipalities m ON m.id = a.municipality_id ORDER BY a.name",
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// An association with its head, curator and current member count.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Association {
    #[sqlx(try_from = "i64")]
    pub id: AssociationId,
    #[sqlx(try_from = "i64")]
    pub municipality_id: MunicipalityId,
    #[sqlx(try_from = "i64")]
    pub region_id: RegionId,
    pub municipality_name: String,
    pub name: String,
    pub body_name: Option<String>,
    pub direction: Option<String>,
    #[sqlx(try_from = "Text")]
    pub status: AssociationStatus,
    #[sqlx(try_from = "OptId")]
    pub created_order_id: Option<OrderId>,
    pub description: Option<String>,
    pub social_url: Option<String>,
    pub liquidated_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub members: i64,
    pub head_name: Option<String>,
    pub curator_name: Option<String>,
    /// Raised by every change of the association itself (its details, a reorganisation, the
    /// liquidation): send it back with an edit (an older one gets 409).
    pub version: i64,
}

impl Association {
    pub fn scope(&self) -> Scope {
        Scope { region_id: Some(self.region_id), municipality_id: Some(self.municipality_id) }
    }
    pub fn is_active(&self) -> bool {
        self.status == AssociationStatus::Active
    }
}

pub(crate) const NAME: &str = "(t.last_name || ' ' || t.first_name || COALESCE(' ' || t.middle_name, ''))";

fn select() -> String {
    format!(
        "SELECT a.id, a.municipality_id, m.region_id, m.name AS municipality_name, a.name, a.body_name, a.direction,
            a.status, a.created_order_id, a.description, a.social_url, a.liquidated_at, a.created_at, a.updated_at,
            (SELECT COUNT(*) FROM association_members am WHERE am.association_id = a.id AND am.left_on IS NULL) AS members,
            (SELECT {NAME} FROM association_officers o JOIN teachers t ON t.id = o.teacher_id
              WHERE o.association_id = a.id AND o.role = 'head' AND o.to_on IS NULL ORDER BY o.id DESC LIMIT 1) AS head_name,
            (SELECT u.full_name FROM association_officers o JOIN users u ON u.id = o.user_id
              WHERE o.association_id = a.id AND o.role = 'curator' AND o.to_on IS NULL ORDER BY o.id DESC LIMIT 1) AS curator_name,
            a.version
         FROM associations a JOIN municipalities m ON m.id = a.municipality_id"
    )
}

pub async fn get(conn: &mut AnyConnection, id: AssociationId) -> Result<Association> {
    sqlx::query_as(&format!("{} WHERE a.id = $1", select()))
        .bind(id.get())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The associations with these ids (in no particular order).
pub async fn by_ids(conn: &mut AnyConnection, ids: &[AssociationId]) -> Result<Vec<Association>> {
    let mut out = vec![];
    for chunk in ids.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!("{} WHERE a.id IN ({})", select(), marks.join(", "));
        let mut q = sqlx::query_as::<_, Association>(&sql);
        for id in chunk {
            q = q.bind(id.get());
        }
        out.extend(q.fetch_all(&mut *conn).await?);
    }
    Ok(out)
}

/// The associations of a municipality or a region, active first, by name.
pub async fn list_within(conn: &mut AnyConnection, within: crate::Within) -> Result<Vec<Association>> {
    Ok(sqlx::query_as(&format!(
        "{} WHERE {} ORDER BY CASE WHEN a.status = 'active' THEN 0 ELSE 1 END, a.name",
        select(),
        within.municipalities("a.municipality_id")
    ))
    .bind(within.id())
    .fetch_all(&mut *conn)
    .await?)
}

/// Associations of a municipality (all when None), active first.
pub async fn list(conn: &mut AnyConnection, municipality_id: Option<MunicipalityId>) -> Result<Vec<Association>> {
    Ok(sqlx::query_as(&format!(
        "{} WHERE ($1 IS NULL OR a.municipality_id = $1) ORDER BY CASE WHEN a.status = 'active' THEN 0 ELSE 1 END, a.name",
        select()
    ))
    .bind(municipality_id.map(i64::from))
    .fetch_all(&mut *conn)
    .await?)
}

/// An officer, current or past.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Officer {
    pub id: i64,
    #[sqlx(try_from = "Text")]
    pub role: OfficerRole,
    #[sqlx(try_from = "OptId")]
    pub teacher_id: Option<TeacherId>,
    #[sqlx(try_from = "OptId")]
    pub user_id: Option<UserId>,
    pub name: String,
    #[sqlx(try_from = "Text")]
    #[serde(with = "iso_serde")]
    pub from_on: Date,
    #[sqlx(try_from = "OptText")]
    #[serde(with = "iso_serde::option")]
    pub to_on: Option<Date>,
    #[sqlx(try_from = "OptId")]
    pub order_id: Option<OrderId>,
    pub order_number: Option<String>,
}

impl Officer {
    /// The officer held the post on `day`: appointed on or before it, the term not ended by it.
    pub fn held_on(&self, day: Date) -> bool {
        self.from_on <= day && self.to_on.is_none_or(|to| to > day)
    }
    pub fn role_label(&self) -> &'static str {
        self.role.label_ru()
    }
    /// In office on `day`: appointed on or before it and not yet replaced.
    pub fn in_office_on(&self, day: Date) -> bool {
        self.from_on <= day && self.to_on.is_none_or(|t| t > day)
    }
}

pub async fn officers(conn: &mut AnyConnection, association_id: AssociationId) -> Result<Vec<Officer>> {
    Ok(sqlx::query_as(&format!(
        "SELECT o.id, o.role, o.teacher_id, o.user_id, COALESCE({NAME}, u.full_name, '?') AS name, o.from_on, o.to_on,
            o.order_id, r.number AS order_number
         FROM association_officers o LEFT JOIN teachers t ON t.id = o.teacher_id LEFT JOIN users u ON u.id = o.user_id
         LEFT JOIN orders r ON r.id = o.order_id
         WHERE o.association_id = $1
         ORDER BY CASE WHEN o.to_on IS NULL THEN 0 ELSE 1 END,
            CASE o.role WHEN 'head' THEN 0 WHEN 'deputy' THEN 1 WHEN 'secretary' THEN 2 ELSE 3 END, o.from_on DESC"
    ))
    .bind(association_id.get())
    .fetch_all(&mut *conn)
    .await?)
}

/// Appoints an officer from `from_on`. The term is placed among the role's terms by its date, so
/// history entered back-dated comes out as entered in order: the term that covered `from_on` ends
/// there, and the new one ends where the next later appointment begins (open when none).
#[allow(clippy::too_many_arguments)]
pub async fn appoint(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    role: OfficerRole,
    teacher_id: Option<TeacherId>,
    user_id: Option<UserId>,
    from_on: &str,
    order_id: Option<OrderId>,
) -> Result<()> {
    let next: Option<String> = sqlx::query_scalar(
        "SELECT MIN(from_on) FROM association_officers WHERE association_id = $1 AND role = $2 AND from_on > $3",
    )
    .bind(a.id.get())
    .bind(role.code())
    .bind(from_on)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE association_officers SET to_on = $1 WHERE association_id = $2 AND role = $3
           AND from_on <= $1 AND (to_on IS NULL OR to_on > $1)",
    )
    .bind(from_on)
    .bind(a.id.get())
    .bind(role.code())
    .execute(&mut *conn)
    .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO association_officers (association_id, role, teacher_id, user_id, from_on, to_on, order_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(a.id.get())
    .bind(role.code())
    .bind(teacher_id.map(i64::from))
    .bind(user_id.map(i64::from))
    .bind(from_on)
    .bind(next)
    .bind(order_id.map(i64::from))
    .bind(now())
    .fetch_one(&mut *conn)
    .await
    .map_err(crate::unique(&format!(
        "{}: назначение на эту должность только что записано другим пользователем; обновите страницу",
        role.label_ru()
    )))?;
    let officer = officers(conn, a.id).await?.into_iter().find(|o| o.id == id).ok_or(StoreError::NotFound)?;
    let summary = format!("«{}»: {} — {}", a.name, role.label_ru(), officer.name);
    audit::record_change(conn, actor, a.scope(), "association_officer", id, "create", &summary, None, &officer).await?;
    crate::orders::refresh_compositions(conn, actor, a, from_on).await
}

/// A membership.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Member {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub teacher_id: TeacherId,
    pub full_name: String,
    #[sqlx(try_from = "i64")]
    pub organization_id: OrganizationId,
    pub organization_name: String,
    pub position: String,
    #[sqlx(try_from = "Text")]
    pub category: Category,
    #[sqlx(try_from = "Text")]
    #[serde(with = "iso_serde")]
    pub joined_on: Date,
    #[sqlx(try_from = "OptText")]
    #[serde(with = "iso_serde::option")]
    pub left_on: Option<Date>,
}

/// Members on a date (`YYYY-MM-DD`): joined on or before it and not left by it. None: current members.
pub async fn members(conn: &mut AnyConnection, association_id: AssociationId, on: Option<&str>) -> Result<Vec<Member>> {
    match on {
        None => members_where(conn, association_id, "am.left_on IS NULL", &[]).await,
        Some(d) => members_during(conn, association_id, d, d).await,
    }
}

/// The members at any time from `from` to `to` (`YYYY-MM-DD`, both included), each once (their
/// latest period in it), by name: whom a record dated in that span may name.
pub async fn members_during(
    conn: &mut AnyConnection,
    association_id: AssociationId,
    from: &str,
    to: &str,
) -> Result<Vec<Member>> {
    let mut rows = members_where(
        conn,
        association_id,
        "am.joined_on <= $3 AND (am.left_on IS NULL OR am.left_on > $2)",
        &[from, to],
    )
    .await?;
    // a teacher with two periods in the span: the later one (by date: an earlier period entered
    // after the fact has the higher id)
    let mut latest: std::collections::HashMap<TeacherId, Date> = Default::default();
    for m in &rows {
        let d = latest.entry(m.teacher_id).or_insert(m.joined_on);
        *d = (*d).max(m.joined_on);
    }
    rows.retain(|m| latest.get(&m.teacher_id) == Some(&m.joined_on));
    Ok(rows)
}

async fn members_where(
    conn: &mut AnyConnection,
    association_id: AssociationId,
    cond: &str,
    dates: &[&str],
) -> Result<Vec<Member>> {
    let sql = format!(
        "SELECT am.id, am.teacher_id, {NAME} AS full_name, t.organization_id, o.short_name AS organization_name, t.position,
            t.category, am.joined_on, am.left_on
         FROM association_members am JOIN teachers t ON t.id = am.teacher_id JOIN organizations o ON o.id = t.organization_id
         WHERE am.association_id = $1 AND {cond} ORDER BY t.last_name, t.first_name, am.id"
    );
    let mut q = sqlx::query_as(&sql).bind(association_id.get());
    for d in dates {
        q = q.bind(d.to_string());
    }
    Ok(q.fetch_all(&mut *conn).await?)
}

/// Was the teacher a member of the association on `day` (`YYYY-MM-DD`): joined on or before it and
/// not left by it?
pub async fn is_member_on(
    conn: &mut AnyConnection,
    association_id: AssociationId,
    teacher_id: TeacherId,
    day: &str,
) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM association_members WHERE association_id = $1 AND teacher_id = $2
           AND joined_on <= $3 AND (left_on IS NULL OR left_on > $3)",
    )
    .bind(association_id.get())
    .bind(teacher_id.get())
    .bind(day)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n > 0)
}

/// Adds a teacher of the same municipality as a member from `joined_on`.
pub async fn add_member(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    teacher_id: TeacherId,
    joined_on: &str,
    order_id: Option<OrderId>,
) -> Result<()> {
    record_membership(conn, actor, a, teacher_id, joined_on, None, order_id).await.map(|_| ())
}

/// A membership period as it is kept: joined on, left on (None: still a member).
type Span = (String, Option<String>);

/// Records a membership period of a teacher of the same municipality, `joined_on` to `left_on`
/// (`YYYY-MM-DD`; None: still a member): today's joining, or a period of the past entered after
/// the fact (the history import). The period may not overlap another of the same teacher in the
/// association; a teacher archived in the bank may be given a closed period only. The
/// compositions of orders dated on or after `joined_on` are written again. Returns the row's id.
#[allow(clippy::too_many_arguments)]
pub async fn record_membership(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    teacher_id: TeacherId,
    joined_on: &str,
    left_on: Option<&str>,
    order_id: Option<OrderId>,
) -> Result<i64> {
    let t = crate::teachers::get(conn, teacher_id)
        .await
        .map_err(|_| StoreError::invalid("teacher_id", "Такого педагога нет в банке данных"))?;
    if t.municipality_id != a.municipality_id || (t.archived_at.is_some() && left_on.is_none()) {
        return Err(StoreError::invalid(
            "teacher_id",
            "В объединение включают педагогов этого муниципалитета из банка данных",
        ));
    }
    if left_on.is_some_and(|l| l < joined_on) {
        return Err(StoreError::invalid("left_on", "Дата выхода не может быть раньше даты включения в состав"));
    }
    let spans: Vec<Span> = sqlx::query_as(
        "SELECT joined_on, left_on FROM association_members WHERE association_id = $1 AND teacher_id = $2",
    )
    .bind(a.id.get())
    .bind(teacher_id.get())
    .fetch_all(&mut *conn)
    .await?;
    let overlaps = |(j, l): &Span| left_on.is_none_or(|x| j.as_str() < x) && l.as_deref().is_none_or(|x| joined_on < x);
    if let Some((j, l)) = spans.iter().find(|s| overlaps(s)) {
        let since = ru_iso(j);
        return Err(StoreError::Conflict(match l {
            None => format!("{} уже в составе объединения (с {since})", t.full_name()),
            Some(l) => format!(
                "{} состоял(а) в объединении с {since} по {}: периоды членства не должны пересекаться",
                t.full_name(),
                ru_iso(l)
            ),
        }));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO association_members (association_id, teacher_id, joined_on, left_on, order_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(a.id.get())
    .bind(teacher_id.get())
    .bind(joined_on)
    .bind(left_on)
    .bind(order_id.map(i64::from))
    .bind(now())
    .fetch_one(&mut *conn)
    .await
    .map_err(crate::unique(&format!("{} уже в составе объединения", t.full_name())))?;
    let summary = match left_on {
        None => format!("{} включён(а) в состав «{}» с {joined_on}", t.full_name(), a.name),
        Some(l) => format!("{} состоял(а) в составе «{}» с {joined_on} по {l}", t.full_name(), a.name),
    };
    let new = serde_json::json!({"teacher_id": teacher_id, "joined_on": joined_on, "left_on": left_on});
    audit::record(conn, actor, a.scope(), "association_member", Some(id), "create", &summary, None, Some(&new)).await?;
    crate::orders::refresh_compositions(conn, actor, a, joined_on).await?;
    Ok(id)
}

/// «2025-05-31» → «31.05.2025» (the text as is when it is not a date).
fn ru_iso(s: &str) -> String {
    metoda_domain::values::stored_date(s).map_or_else(|| s.to_owned(), metoda_domain::values::ru_date)
}

/// Ends a membership on `left_on` (the record stays: members are counted on dates).
pub async fn remove_member(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    teacher_id: TeacherId,
    left_on: &str,
) -> Result<()> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, joined_on FROM association_members WHERE association_id = $1 AND teacher_id = $2 AND left_on IS NULL",
    )
    .bind(a.id.get())
    .bind(teacher_id.get())
    .fetch_optional(&mut *conn)
    .await?;
    let (id, joined) = row.ok_or(StoreError::NotFound)?;
    if left_on < joined.as_str() {
        return Err(StoreError::invalid("left_on", "Дата выхода не может быть раньше даты включения в состав"));
    }
    if let Some(why) = leave_refused(conn, a, teacher_id, left_on).await? {
        let mut chars = why.chars();
        let why: String = chars.next().into_iter().flat_map(char::to_uppercase).chain(chars).collect();
        return Err(StoreError::invalid("left_on", why));
    }
    sqlx::query("UPDATE association_members SET left_on = $1 WHERE id = $2")
        .bind(left_on)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    // A leave entered after the fact may fall before a subgroup membership that began later: it
    // could not have been, and goes (audited).
    let gone: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT sm.id, s.name, sm.joined_on FROM subgroup_members sm JOIN association_subgroups s ON s.id = sm.subgroup_id
         WHERE s.association_id = $1 AND sm.teacher_id = $2 AND sm.joined_on > $3 ORDER BY sm.joined_on",
    )
    .bind(a.id.get())
    .bind(teacher_id.get())
    .bind(left_on)
    .fetch_all(&mut *conn)
    .await?;
    for (sid, name, since) in gone {
        sqlx::query("DELETE FROM subgroup_members WHERE id = $1").bind(sid).execute(&mut *conn).await?;
        let summary = format!(
            "Удалено членство в подгруппе «{name}» с {} — оно начиналось после выхода педагога из объединения {}",
            ru_iso(&since),
            ru_iso(left_on)
        );
        let old = serde_json::json!({"teacher_id": teacher_id, "joined_on": since});
        audit::record(conn, actor, a.scope(), "subgroup_member", Some(sid), "delete", &summary, Some(&old), None)
            .await?;
    }
    // Leaving the association ends the subgroup memberships in it (those that ran past the day too).
    sqlx::query(
        "UPDATE subgroup_members SET left_on = $1 WHERE teacher_id = $2 AND (left_on IS NULL OR left_on > $1)
           AND subgroup_id IN (SELECT id FROM association_subgroups WHERE association_id = $3)",
    )
    .bind(left_on)
    .bind(teacher_id.get())
    .bind(a.id.get())
    .execute(&mut *conn)
    .await?;
    // An officer who leaves the association leaves the office too.
    sqlx::query(
        "UPDATE association_officers SET to_on = $1 WHERE association_id = $2 AND teacher_id = $3
           AND (to_on IS NULL OR to_on > $1)",
    )
    .bind(left_on)
    .bind(a.id.get())
    .bind(teacher_id.get())
    .execute(&mut *conn)
    .await?;
    let t = crate::teachers::get(conn, teacher_id).await?;
    let summary = format!("{} выведен(а) из состава «{}» с {left_on}", t.full_name(), a.name);
    let changes = serde_json::json!({"left_on": left_on});
    audit::record(
        conn,
        actor,
        a.scope(),
        "association_member",
        Some(id),
        "archive",
        &summary,
        Some(&serde_json::json!({})),
        Some(&changes),
    )
    .await?;
    crate::orders::refresh_compositions(conn, actor, a, left_on).await
}

/// Why a teacher cannot have left the association on `left_on` (`YYYY-MM-DD`), if so: a term of
/// office in it that began after that day (an order appointed a member then), or a mark at one of
/// its meetings on or after it (they attended as a member). None: the leave may be entered.
pub async fn leave_refused(
    conn: &mut AnyConnection,
    a: &Association,
    teacher_id: TeacherId,
    left_on: &str,
) -> Result<Option<String>> {
    let appointed: Option<String> = sqlx::query_scalar(
        "SELECT MIN(from_on) FROM association_officers WHERE association_id = $1 AND teacher_id = $2 AND from_on > $3",
    )
    .bind(a.id.get())
    .bind(teacher_id.get())
    .bind(left_on)
    .fetch_one(&mut *conn)
    .await?;
    if let Some(since) = appointed {
        return Ok(Some(format!(
            "педагог назначен на должность в объединении с {} — дата выхода не может быть раньше",
            ru_iso(&since)
        )));
    }
    let attended: Option<String> = sqlx::query_scalar(
        "SELECT MIN(m.held_on) FROM meeting_attendance at JOIN meetings m ON m.id = at.meeting_id
         WHERE m.association_id = $1 AND at.teacher_id = $2 AND m.held_on >= $3 AND m.status <> 'cancelled'",
    )
    .bind(a.id.get())
    .bind(teacher_id.get())
    .bind(left_on)
    .fetch_one(&mut *conn)
    .await?;
    Ok(attended.map(|day| {
        format!(
            "педагог отмечен в явке на заседании {} как член объединения — укажите дату выхода после этого заседания",
            ru_iso(&day)
        )
    }))
}

/// Changes the description and the public page link; `version`: the version the edit was based
/// on (a stale one is refused).
pub async fn update_info(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: AssociationId,
    description: Option<&str>,
    social_url: Option<&str>,
    version: Option<i64>,
) -> Result<Association> {
    crate::bump_version(conn, "associations", id.get(), version).await?;
    let old = get(conn, id).await?;
    sqlx::query("UPDATE associations SET description = $1, social_url = $2, updated_at = $3 WHERE id = $4")
        .bind(description)
        .bind(social_url)
        .bind(now())
        .bind(id.get())
        .execute(&mut *conn)
        .await?;
    let a = get(conn, id).await?;
    let summary = format!("Изменены сведения об объединении «{}»", a.name);
    audit::record_change(conn, actor, a.scope(), "association", id.get(), "update", &summary, Some(&old), &a).await?;
    Ok(a)
}

/// A subgroup (РМО, section, creative or working group) with its head and member count.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Subgroup {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub association_id: AssociationId,
    #[sqlx(try_from = "Text")]
    pub kind: SubgroupKind,
    pub name: String,
    #[sqlx(try_from = "OptId")]
    pub head_teacher_id: Option<TeacherId>,
    pub head_name: Option<String>,
    pub members: i64,
    pub archived_at: Option<String>,
}

pub async fn subgroups(conn: &mut AnyConnection, association_id: AssociationId) -> Result<Vec<Subgroup>> {
    Ok(sqlx::query_as(&format!(
        "SELECT s.id, s.association_id, s.kind, s.name, s.head_teacher_id, {NAME} AS head_name,
            (SELECT COUNT(*) FROM subgroup_members sm WHERE sm.subgroup_id = s.id AND sm.left_on IS NULL) AS members, s.archived_at
         FROM association_subgroups s LEFT JOIN teachers t ON t.id = s.head_teacher_id
         WHERE s.association_id = $1 ORDER BY s.name"
    ))
    .bind(association_id.get())
    .fetch_all(&mut *conn)
    .await?)
}

async fn current_member(conn: &mut AnyConnection, a: &Association, teacher_id: TeacherId) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM association_members WHERE association_id = $1 AND teacher_id = $2 AND left_on IS NULL",
    )
    .bind(a.id.get())
    .bind(teacher_id.get())
    .fetch_one(&mut *conn)
    .await?;
    Ok(n > 0)
}

/// Creates a subgroup headed by a member of the association (who also joins it).
pub async fn create_subgroup(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    kind: &str,
    name: &str,
    head_teacher_id: Option<TeacherId>,
    on: &str,
) -> Result<Subgroup> {
    if let Some(h) = head_teacher_id
        && !current_member(conn, a, h).await?
    {
        return Err(StoreError::invalid("head_teacher_id", "Руководителем подразделения назначают члена объединения"));
    }
    let t = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO association_subgroups (association_id, kind, name, head_teacher_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(a.id.get())
    .bind(kind)
    .bind(name)
    .bind(head_teacher_id.map(i64::from))
    .bind(&t)
    .fetch_one(&mut *conn)
    .await
    .map_err(crate::unique("Подразделение с таким названием в объединении уже есть"))?;
    if let Some(h) = head_teacher_id {
        sqlx::query(
            "INSERT INTO subgroup_members (subgroup_id, teacher_id, joined_on, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(h.get())
        .bind(on)
        .bind(&t)
        .execute(&mut *conn)
        .await?;
    }
    let s = subgroups(conn, a.id).await?.into_iter().find(|s| s.id == id).ok_or(StoreError::NotFound)?;
    let summary = format!("В объединении «{}» создано подразделение «{}»", a.name, s.name);
    audit::record_change(conn, actor, a.scope(), "association_subgroup", id, "create", &summary, None, &s).await?;
    Ok(s)
}

/// A membership of a subgroup, with its dates.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct SubgroupMember {
    pub id: i64,
    pub subgroup_id: i64,
    #[sqlx(try_from = "i64")]
    pub teacher_id: TeacherId,
    pub full_name: String,
    #[sqlx(try_from = "Text")]
    #[serde(with = "iso_serde")]
    pub joined_on: Date,
    #[sqlx(try_from = "OptText")]
    #[serde(with = "iso_serde::option")]
    pub left_on: Option<Date>,
}

/// Every membership of a subgroup, past ones included: current first, then by name and date.
pub async fn subgroup_memberships(conn: &mut AnyConnection, subgroup_id: i64) -> Result<Vec<SubgroupMember>> {
    Ok(sqlx::query_as(&format!(
        "SELECT sm.id, sm.subgroup_id, sm.teacher_id, {NAME} AS full_name, sm.joined_on, sm.left_on
         FROM subgroup_members sm JOIN teachers t ON t.id = sm.teacher_id WHERE sm.subgroup_id = $1
         ORDER BY CASE WHEN sm.left_on IS NULL THEN 0 ELSE 1 END, t.last_name, t.first_name, sm.joined_on"
    ))
    .bind(subgroup_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The teacher was a member of the association through the whole span [`from`, `to`) (`to` None:
/// from `from` on, still a member).
async fn member_through(
    conn: &mut AnyConnection,
    a: &Association,
    teacher_id: TeacherId,
    from: Date,
    to: Option<Date>,
) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM association_members WHERE association_id = $1 AND teacher_id = $2 AND joined_on <= $3
           AND (left_on IS NULL OR ($4 IS NOT NULL AND left_on >= $4))",
    )
    .bind(a.id.get())
    .bind(teacher_id.get())
    .bind(iso_date(from))
    .bind(to.map(iso_date))
    .fetch_one(&mut *conn)
    .await?;
    Ok(n > 0)
}

/// Adds a member of the association to a subgroup from `joined_on` (and, for history, until
/// `left_on`). The teacher is a member of the association through that span, and not in the
/// subgroup already during any of it.
#[allow(clippy::too_many_arguments)]
pub async fn add_subgroup_member(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    subgroup_id: i64,
    teacher_id: TeacherId,
    joined_on: Date,
    left_on: Option<Date>,
) -> Result<SubgroupMember> {
    let s = subgroups(conn, a.id).await?.into_iter().find(|s| s.id == subgroup_id).ok_or(StoreError::NotFound)?;
    if left_on.is_some_and(|l| l <= joined_on) {
        return Err(StoreError::invalid("left_on", "Дата выбытия: позже даты включения"));
    }
    if !member_through(conn, a, teacher_id, joined_on, left_on).await? {
        return Err(StoreError::invalid(
            "teacher_id",
            "В подразделение включают члена объединения: на эти даты педагог в объединении не состоит",
        ));
    }
    let overlapping = subgroup_memberships(conn, subgroup_id).await?.into_iter().any(|m| {
        m.teacher_id == teacher_id && m.left_on.is_none_or(|l| l > joined_on) && left_on.is_none_or(|l| m.joined_on < l)
    });
    if overlapping {
        return Err(StoreError::Conflict("Педагог уже в этом подразделении на эти даты".into()));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO subgroup_members (subgroup_id, teacher_id, joined_on, left_on, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(subgroup_id)
    .bind(teacher_id.get())
    .bind(iso_date(joined_on))
    .bind(left_on.map(iso_date))
    .bind(now())
    .fetch_one(&mut *conn)
    .await
    .map_err(crate::unique("Педагог уже в этом подразделении"))?;
    let m =
        subgroup_memberships(conn, subgroup_id).await?.into_iter().find(|m| m.id == id).ok_or(StoreError::NotFound)?;
    let summary = format!("{} включён(а) в подразделение «{}» объединения «{}»", m.full_name, s.name, a.name);
    audit::record_change(conn, actor, a.scope(), "subgroup_member", id, "create", &summary, None, &m).await?;
    Ok(m)
}

/// Ends a membership of a subgroup on `left_on` (after it began; while the teacher was still a
/// member of the association).
pub async fn leave_subgroup(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    subgroup_id: i64,
    membership_id: i64,
    left_on: Date,
) -> Result<SubgroupMember> {
    let s = subgroups(conn, a.id).await?.into_iter().find(|s| s.id == subgroup_id).ok_or(StoreError::NotFound)?;
    let old = subgroup_memberships(conn, subgroup_id)
        .await?
        .into_iter()
        .find(|m| m.id == membership_id)
        .ok_or(StoreError::NotFound)?;
    if old.left_on.is_some() {
        return Err(StoreError::Conflict(format!("{} уже выбыл(а) из подразделения", old.full_name)));
    }
    if left_on <= old.joined_on {
        return Err(StoreError::invalid("left_on", "Дата выбытия: позже даты включения"));
    }
    sqlx::query("UPDATE subgroup_members SET left_on = $1 WHERE id = $2")
        .bind(iso_date(left_on))
        .bind(membership_id)
        .execute(&mut *conn)
        .await?;
    let m = subgroup_memberships(conn, subgroup_id)
        .await?
        .into_iter()
        .find(|m| m.id == membership_id)
        .ok_or(StoreError::NotFound)?;
    let summary = format!("{} выбыл(а) из подразделения «{}» объединения «{}»", m.full_name, s.name, a.name);
    audit::record_change(conn, actor, a.scope(), "subgroup_member", membership_id, "update", &summary, Some(&old), &m)
        .await?;
    Ok(m)
}

/// What an association's register of required documents is checked against for a year (see
/// `metoda_domain::documents`): the order approving the year's composition, how many current
/// members have their needs recorded, the kinds of documents uploaded, the plan's status, the
/// cyclogram's rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Records {
    /// The number of the latest order of the year approving the composition.
    pub composition_order: Option<String>,
    pub needs_recorded: usize,
    pub uploaded: Vec<String>,
    pub plan_status: Option<metoda_domain::plans::PlanStatus>,
    pub cyclogram_rows: usize,
    /// Minutes of the plan year signed by everyone.
    pub signed_minutes: usize,
    /// The latest yearly analysis (of the academic year or the one before) submitted or
    /// accepted: (its academic year, accepted).
    pub analysis: Option<(i32, bool)>,
    /// Events of the academic year held (their documents are in Metoda).
    pub held_events: usize,
}

impl Records {
    /// What the required-documents register reckons from, for an association with
    /// `members_in_bank` members.
    pub fn facts(&self, members_in_bank: usize) -> metoda_domain::documents::Facts {
        metoda_domain::documents::Facts {
            regulation: true,
            composition_order: self.composition_order.clone(),
            members_in_bank,
            needs_recorded: self.needs_recorded,
            uploaded: self.uploaded.clone(),
            plan_status: self.plan_status,
            cyclogram_rows: self.cyclogram_rows,
            signed_minutes: self.signed_minutes,
            analysis: self.analysis,
            held_events: self.held_events,
        }
    }
}

/// The associations the user's teacher record is a current member of (none without a record).
pub async fn memberships_of_user(
    conn: &mut AnyConnection,
    user_id: metoda_domain::ids::UserId,
) -> Result<Vec<AssociationId>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT am.association_id FROM association_members am JOIN teachers t ON t.id = am.teacher_id
         WHERE t.user_id = $1 AND am.left_on IS NULL AND t.archived_at IS NULL ORDER BY am.association_id",
    )
    .bind(user_id.get())
    .fetch_all(&mut *conn)
    .await?;
    Ok(ids.into_iter().map(AssociationId).collect())
}

/// The records of one association for the academic `year` and the plan year `plan_year`.
pub async fn records(
    conn: &mut AnyConnection,
    association_id: AssociationId,
    year: metoda_domain::teachers::AcademicYear,
    plan_year: i32,
) -> Result<Records> {
    let mut all = read_records(conn, crate::Among::Association(association_id.get()), year, plan_year).await?;
    Ok(all.remove(&association_id.get()).unwrap_or_default())
}

/// The records of the given associations (a page of a list) at once: association → records (one
/// without any is not in the map: its records are `Records::default()`).
pub async fn records_of(
    conn: &mut AnyConnection,
    ids: &[AssociationId],
    year: metoda_domain::teachers::AcademicYear,
    plan_year: i32,
) -> Result<std::collections::HashMap<i64, Records>> {
    let ids: Vec<i64> = ids.iter().map(|a| a.get()).collect();
    read_records(conn, crate::Among::Associations(&ids), year, plan_year).await
}

async fn read_records(
    conn: &mut AnyConnection,
    among: crate::Among<'_>,
    year: metoda_domain::teachers::AcademicYear,
    plan_year: i32,
) -> Result<std::collections::HashMap<i64, Records>> {
    use metoda_domain::values::iso_date;
    let mut out: std::collections::HashMap<i64, Records> = std::collections::HashMap::new();
    let (start, end) = (iso_date(year.start()), iso_date(year.end()));
    let orders: Vec<(i64, String)> = sqlx::query_as(&format!(
        "SELECT association_id, number FROM orders
         WHERE {} AND kind = 'approve_composition' AND order_date >= $2 AND order_date <= $3
         ORDER BY order_date DESC, id DESC",
        among.sql("association_id")
    ))
    .bind(among.id())
    .bind(&start)
    .bind(&end)
    .fetch_all(&mut *conn)
    .await?;
    for (a, number) in orders {
        out.entry(a).or_default().composition_order.get_or_insert(number);
    }
    let needs: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT am.association_id, COUNT(DISTINCT d.teacher_id) FROM teacher_difficulties d
         JOIN association_members am ON am.teacher_id = d.teacher_id
         WHERE {} AND am.left_on IS NULL AND d.year = $2 GROUP BY am.association_id",
        among.sql("am.association_id")
    ))
    .bind(among.id())
    .bind(i64::from(year.0))
    .fetch_all(&mut *conn)
    .await?;
    for (a, n) in needs {
        out.entry(a).or_default().needs_recorded = usize::try_from(n).unwrap_or(0);
    }
    let uploaded: Vec<(i64, String)> = sqlx::query_as(&format!(
        "SELECT owner_id, kind FROM attachments
         WHERE owner = 'association' AND {} AND year = $2 AND archived_at IS NULL
         ORDER BY uploaded_at DESC, id DESC",
        among.sql("owner_id")
    ))
    .bind(among.id())
    .bind(i64::from(year.0))
    .fetch_all(&mut *conn)
    .await?;
    for (a, kind) in uploaded {
        out.entry(a).or_default().uploaded.push(kind);
    }
    let plans: Vec<(i64, crate::column::Text)> = sqlx::query_as(&format!(
        "SELECT association_id, status FROM work_plans WHERE {} AND year = $2",
        among.sql("association_id")
    ))
    .bind(among.id())
    .bind(i64::from(plan_year))
    .fetch_all(&mut *conn)
    .await?;
    for (a, status) in plans {
        out.entry(a).or_default().plan_status = Some(status.try_into().map_err(crate::column::fault)?);
    }
    let cyclograms: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT association_id, COUNT(*) FROM cyclogram_items WHERE {} AND archived_at IS NULL GROUP BY association_id",
        among.sql("association_id")
    ))
    .bind(among.id())
    .fetch_all(&mut *conn)
    .await?;
    for (a, n) in cyclograms {
        out.entry(a).or_default().cyclogram_rows = usize::try_from(n).unwrap_or(0);
    }
    let minutes: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT association_id, COUNT(*) FROM minutes WHERE {} AND year = $2 AND status = 'signed' GROUP BY association_id",
        among.sql("association_id")
    ))
    .bind(among.id())
    .bind(i64::from(plan_year))
    .fetch_all(&mut *conn)
    .await?;
    for (a, n) in minutes {
        out.entry(a).or_default().signed_minutes = usize::try_from(n).unwrap_or(0);
    }
    let reports: Vec<(i64, i64, String)> = sqlx::query_as(&format!(
        "SELECT association_id, year, status FROM analysis_reports
         WHERE {} AND period = 'academic_year' AND year IN ($2, $3) AND status IN ('submitted', 'accepted')
         ORDER BY year DESC",
        among.sql("association_id")
    ))
    .bind(among.id())
    .bind(i64::from(year.0) - 1)
    .bind(i64::from(year.0))
    .fetch_all(&mut *conn)
    .await?;
    for (a, y, status) in reports {
        out.entry(a).or_default().analysis.get_or_insert((i32::try_from(y).unwrap_or(0), status == "accepted"));
    }
    // Events held this academic year: each has its programme, sheet and note in Metoda.
    let held: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT association_id, COUNT(*) FROM events
         WHERE {} AND held_at IS NOT NULL AND starts_on >= $2 AND starts_on <= $3 GROUP BY association_id",
        among.sql("association_id")
    ))
    .bind(among.id())
    .bind(&start)
    .bind(&end)
    .fetch_all(&mut *conn)
    .await?;
    for (a, n) in held {
        out.entry(a).or_default().held_events = usize::try_from(n).unwrap_or(0);
    }
    Ok(out)
}
