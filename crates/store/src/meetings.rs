//! Meetings of an association and their minutes (000 §4.5, 002 §3.3, 003 §3.3–3.4, 004 §4.1–4.4).
//!
//! A meeting is planned from a plan item or ad hoc; members with an account are notified.
//! Attendance is entered once against the members on the meeting's date; the quorum and the
//! outcome of each vote are computed by the profile's rules (`metoda_domain::meetings`) while the
//! minutes are a draft and fixed when the first signature is put. Minutes are numbered within the
//! association's plan year; once signed by anyone they are locked, and a correction is an addendum.

use metoda_domain::ids::{AssociationId, MeetingId, OrganizationId, TeacherId, UserId};
use metoda_domain::meetings::{
    AgendaData, Attendance, Compliance, MINUTES_SIGN_DAYS, MeetingData, MeetingStatus, MinutesStatus, NotificationKind,
    Outcome, Quorum, Votes, counts_for_minimum, decide, next_minutes_number, quorum, required_signatories, year_bounds,
    year_of,
};
use metoda_domain::plans::ItemStatus;
use metoda_domain::profile::{ProfileSettings, Signatory};
use metoda_domain::values::{iso_date, iso_serde, ru_date};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use time::Date;

use crate::associations::{Association, NAME};
use crate::audit;
use crate::column::OptId;
use crate::column::{OptText, Text, Undecodable};
use crate::notify::{self, notify};
use crate::users::{self, Held};
use crate::{Actor, Result, StoreError, now};
use metoda_domain::access::{Role, signs_as};

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Meeting {
    #[sqlx(try_from = "i64")]
    pub id: MeetingId,
    #[sqlx(try_from = "i64")]
    pub association_id: AssociationId,
    pub year: i64,
    pub plan_item_id: Option<i64>,
    pub plan_item_title: Option<String>,
    #[sqlx(try_from = "Text")]
    #[serde(with = "iso_serde")]
    pub held_on: Date,
    pub starts_at: Option<String>,
    #[sqlx(try_from = "OptId")]
    pub venue_organization_id: Option<OrganizationId>,
    pub venue_name: Option<String>,
    pub online_url: Option<String>,
    pub place_note: Option<String>,
    #[sqlx(try_from = "OptId")]
    pub chair_teacher_id: Option<TeacherId>,
    pub chair_name: Option<String>,
    #[sqlx(try_from = "OptId")]
    pub secretary_teacher_id: Option<TeacherId>,
    pub secretary_name: Option<String>,
    #[sqlx(try_from = "Text")]
    pub status: MeetingStatus,
    pub cancel_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub minutes_id: Option<i64>,
    pub minutes_number: Option<i64>,
    /// None: no minutes yet.
    #[sqlx(try_from = "OptText")]
    pub minutes_status: Option<MinutesStatus>,
    /// 1: the minutes were signed on paper before Metoda (entered with the history import).
    pub minutes_paper: Option<i64>,
    /// Raised by every change of the meeting's details and of its attendance sheet: send it back
    /// with either (an older one gets 409).
    pub version: i64,
}

impl Meeting {
    pub fn is_held(&self) -> bool {
        self.status == MeetingStatus::Held
    }
    pub fn is_cancelled(&self) -> bool {
        self.status == MeetingStatus::Cancelled
    }
    /// The minutes were signed on paper before Metoda and entered from the archive.
    pub fn minutes_on_paper(&self) -> bool {
        self.minutes_paper == Some(1)
    }
    /// The minutes are signed by every required signatory.
    pub fn minutes_signed(&self) -> bool {
        self.minutes_status == Some(MinutesStatus::Signed)
    }
    /// Where: the organization, the room or address, the online link.
    /// Where the meeting is: «МБОУ «СОШ № 1», каб. 12», «дистанционно: https://…», or both
    /// for a mixed one.
    pub fn place(&self) -> String {
        let here: Vec<&str> = [self.venue_name.as_deref(), self.place_note.as_deref()].into_iter().flatten().collect();
        let mut parts = vec![];
        if !here.is_empty() {
            parts.push(here.join(", "));
        }
        if let Some(u) = self.online_url.as_deref().filter(|u| !u.trim().is_empty()) {
            parts.push(format!("дистанционно: {u}"));
        }
        parts.join("; ")
    }
}

fn select() -> String {
    let chair = NAME.replace("t.", "ct.");
    let secretary = NAME.replace("t.", "st.");
    format!(
        "SELECT m.id, m.association_id, m.year, m.plan_item_id, pi.title AS plan_item_title, m.held_on, m.starts_at,
            m.venue_organization_id, o.short_name AS venue_name, m.online_url, m.place_note,
            m.chair_teacher_id, {chair} AS chair_name, m.secretary_teacher_id, {secretary} AS secretary_name,
            m.status, m.cancel_reason, m.created_at, m.updated_at,
            n.id AS minutes_id, n.number AS minutes_number, n.status AS minutes_status, n.paper AS minutes_paper, m.version
         FROM meetings m
         LEFT JOIN plan_items pi ON pi.id = m.plan_item_id
         LEFT JOIN organizations o ON o.id = m.venue_organization_id
         LEFT JOIN teachers ct ON ct.id = m.chair_teacher_id
         LEFT JOIN teachers st ON st.id = m.secretary_teacher_id
         LEFT JOIN minutes n ON n.meeting_id = m.id"
    )
}

pub async fn get(conn: &mut AnyConnection, id: MeetingId) -> Result<Meeting> {
    sqlx::query_as(&format!("{} WHERE m.id = $1", select()))
        .bind(id.get())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The meetings of these associations held from `from` to `to`, by date (for calendars).
pub async fn between(
    conn: &mut AnyConnection,
    associations: &[AssociationId],
    from: Date,
    to: Date,
) -> Result<Vec<Meeting>> {
    if associations.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<String> = associations.iter().map(|a| a.get().to_string()).collect();
    Ok(sqlx::query_as(&format!(
        "{} WHERE m.association_id IN ({}) AND m.held_on >= $1 AND m.held_on <= $2 ORDER BY m.held_on, m.starts_at, m.id",
        select(),
        ids.join(", ")
    ))
    .bind(iso_date(from))
    .bind(iso_date(to))
    .fetch_all(&mut *conn)
    .await?)
}

/// Ids of the database written into SQL as a list (`NULL` for none: `IN (NULL)` matches nothing).
fn id_list(associations: &[AssociationId]) -> String {
    if associations.is_empty() {
        return "NULL".to_owned();
    }
    associations.iter().map(|a| a.get().to_string()).collect::<Vec<_>>().join(", ")
}

/// The planned meetings of these associations from `from` on, nearest first, at most `limit` of
/// each association.
pub async fn planned_from(
    conn: &mut AnyConnection,
    associations: &[AssociationId],
    from: Date,
    limit: i64,
) -> Result<Vec<Meeting>> {
    Ok(sqlx::query_as(&format!(
        "{} WHERE m.id IN (SELECT id FROM (
            SELECT id, ROW_NUMBER() OVER (PARTITION BY association_id ORDER BY held_on, starts_at, id) AS n
            FROM meetings WHERE association_id IN ({}) AND status = $1 AND held_on >= $2) x WHERE n <= $3)
         ORDER BY m.held_on, m.starts_at, m.id",
        select(),
        id_list(associations)
    ))
    .bind(MeetingStatus::Planned.code())
    .bind(iso_date(from))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?)
}

/// The meetings of an association (of one plan year when given), by date.
pub async fn for_association(
    conn: &mut AnyConnection,
    association_id: AssociationId,
    year: Option<i64>,
) -> Result<Vec<Meeting>> {
    Ok(sqlx::query_as(&format!(
        "{} WHERE m.association_id = $1 AND ($2 IS NULL OR m.year = $2) ORDER BY m.held_on, m.starts_at, m.id",
        select()
    ))
    .bind(association_id.get())
    .bind(year)
    .fetch_all(&mut *conn)
    .await?)
}

/// A meeting of `association_id` that a plan step or item may name; with `held`, it must have been held.
pub async fn check_ref(
    conn: &mut AnyConnection,
    association_id: AssociationId,
    meeting_id: MeetingId,
    held: bool,
) -> Result<Meeting> {
    let m = get(conn, meeting_id).await.map_err(|_| StoreError::invalid("meeting_id", "Такого заседания нет"))?;
    if m.association_id != association_id {
        return Err(StoreError::invalid("meeting_id", "Это заседание другого объединения"));
    }
    if held && !m.is_held() {
        return Err(StoreError::invalid("meeting_id", "Заседание ещё не проведено: сначала отметьте явку"));
    }
    Ok(m)
}

/// Whether the minutes of the meeting carry a signature: then nothing of the meeting changes.
pub async fn locked(conn: &mut AnyConnection, meeting_id: MeetingId) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM minutes n WHERE n.meeting_id = $1
           AND (n.paper = 1 OR EXISTS (SELECT 1 FROM minutes_signatures s WHERE s.minutes_id = n.id))",
    )
    .bind(meeting_id.get())
    .fetch_one(&mut *conn)
    .await?;
    Ok(n > 0)
}

/// Locks the meeting's row for the rest of the transaction, so that changes of one meeting
/// (an edit and a signature, two signatures) take turns; returns the meeting as it is now.
async fn lock(conn: &mut AnyConnection, id: MeetingId) -> Result<Meeting> {
    sqlx::query("UPDATE meetings SET updated_at = updated_at WHERE id = $1").bind(id.get()).execute(&mut *conn).await?;
    get(conn, id).await
}

/// Locks the meeting and refuses a change once its minutes carry a signature or it is cancelled.
async fn ensure_open(conn: &mut AnyConnection, m: &Meeting) -> Result<Meeting> {
    let m = lock(conn, m.id).await?;
    if locked(conn, m.id).await? {
        return Err(StoreError::Conflict(
            "Протокол подписан: заседание изменить нельзя, исправления вносятся дополнением к протоколу".into(),
        ));
    }
    if m.is_cancelled() {
        return Err(StoreError::Conflict("Заседание отменено: изменить его нельзя".into()));
    }
    Ok(m)
}

/// Teacher ids of the members on a date.
async fn member_ids_on(conn: &mut AnyConnection, association_id: AssociationId, on: Date) -> Result<Vec<TeacherId>> {
    Ok(metoda_domain::ids::typed(
        sqlx::query_scalar(
            "SELECT DISTINCT teacher_id FROM association_members WHERE association_id = $1 AND joined_on <= $2
                AND (left_on IS NULL OR left_on > $2)",
        )
        .bind(association_id.get())
        .bind(iso_date(on))
        .fetch_all(&mut *conn)
        .await?,
    ))
}

/// The association and status of a plan item, as a meeting's data names it.
#[derive(FromRow)]
struct PlanItemRef {
    #[sqlx(try_from = "i64")]
    association_id: AssociationId,
    #[sqlx(try_from = "Text")]
    status: ItemStatus,
}

/// Checks a meeting's data; `old_item`: the plan item the meeting already carries out (kept as it is).
async fn check_data(conn: &mut AnyConnection, a: &Association, d: &MeetingData, old_item: Option<i64>) -> Result<()> {
    if let Some(org) = d.venue_organization_id {
        let o = crate::organizations::get(conn, OrganizationId(org))
            .await
            .map_err(|_| StoreError::invalid("venue_organization_id", "Такой организации нет"))?;
        if o.municipality_id != a.municipality_id {
            return Err(StoreError::invalid("venue_organization_id", "Место: организация другого муниципалитета"));
        }
    }
    let members = member_ids_on(conn, a.id, d.held_on).await?;
    for (field, id, who) in [
        ("chair_teacher_id", d.chair_teacher_id, "Председатель"),
        ("secretary_teacher_id", d.secretary_teacher_id, "Секретарь"),
    ] {
        if id.is_some_and(|t| !members.contains(&TeacherId(t))) {
            return Err(StoreError::invalid(field, format!("{who}: не член объединения на дату заседания")));
        }
    }
    if d.chair_teacher_id.is_some() && d.chair_teacher_id == d.secretary_teacher_id {
        return Err(StoreError::invalid("secretary_teacher_id", "Секретарь: председатель и секретарь — разные люди"));
    }
    if let Some(item) = d.plan_item_id {
        let row: Option<PlanItemRef> = sqlx::query_as(
            "SELECT p.association_id, i.status FROM plan_items i JOIN work_plans p ON p.id = i.plan_id WHERE i.id = $1",
        )
        .bind(item)
        .fetch_optional(&mut *conn)
        .await?;
        match row {
            Some(r) if r.association_id != a.id => {
                return Err(StoreError::invalid("plan_item_id", "Такого мероприятия нет в плане объединения"));
            }
            None => return Err(StoreError::invalid("plan_item_id", "Такого мероприятия нет в плане объединения")),
            Some(r) if matches!(r.status, ItemStatus::Done | ItemStatus::Cancelled) && old_item != Some(item) => {
                return Err(StoreError::invalid("plan_item_id", "Это мероприятие плана уже выполнено или отменено"));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Plans a meeting and notifies the members who have an account.
pub async fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    settings: &ProfileSettings,
    d: &MeetingData,
) -> Result<Meeting> {
    if !a.is_active() {
        return Err(StoreError::Conflict("Объединение ликвидировано".into()));
    }
    check_data(conn, a, d, None).await?;
    let year = year_of(settings.plan_period.value, d.held_on);
    let t = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO meetings (association_id, year, plan_item_id, held_on, starts_at, venue_organization_id, online_url,
            place_note, chair_teacher_id, secretary_teacher_id, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(a.id.get())
    .bind(i64::from(year))
    .bind(d.plan_item_id)
    .bind(iso_date(d.held_on))
    .bind(&d.starts_at)
    .bind(d.venue_organization_id)
    .bind(&d.online_url)
    .bind(&d.place_note)
    .bind(d.chair_teacher_id)
    .bind(d.secretary_teacher_id)
    .bind(actor.user_id.map(i64::from))
    .bind(&t)
    .fetch_one(&mut *conn)
    .await?;
    let m = get(conn, MeetingId(id)).await?;
    let when = metoda_domain::values::ru_date(d.held_on);
    let title =
        format!("Заседание «{}» {when}{}", a.name, m.starts_at.as_ref().map(|s| format!(" в {s}")).unwrap_or_default());
    notify_members(
        conn,
        a.id,
        d.held_on,
        NotificationKind::MeetingPlanned,
        &format!("Запланировано: {title}"),
        MeetingId(id),
    )
    .await?;
    audit::record_change(conn, actor, a.scope(), "meeting", id, "create", &format!("Запланировано: {title}"), None, &m)
        .await?;
    Ok(m)
}

/// Saves a meeting's details; `version`: the version the edit was based on (a stale one is refused).
pub async fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    settings: &ProfileSettings,
    old: &Meeting,
    d: &MeetingData,
    version: Option<i64>,
) -> Result<Meeting> {
    crate::bump_version(conn, "meetings", old.id.get(), version).await?;
    let old = &ensure_open(conn, old).await?;
    check_data(conn, a, d, old.plan_item_id).await?;
    let attendance: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM meeting_attendance WHERE meeting_id = $1")
        .bind(old.id.get())
        .fetch_one(&mut *conn)
        .await?;
    if attendance > 0 && d.held_on != old.held_on {
        return Err(StoreError::invalid(
            "held_on",
            "Явка уже отмечена на дату заседания: дату изменить нельзя (состав считается на дату)",
        ));
    }
    let year: i64 =
        if d.held_on == old.held_on { old.year } else { i64::from(year_of(settings.plan_period.value, d.held_on)) };
    sqlx::query(
        "UPDATE meetings SET year = $1, plan_item_id = $2, held_on = $3, starts_at = $4, venue_organization_id = $5,
            online_url = $6, place_note = $7, chair_teacher_id = $8, secretary_teacher_id = $9, updated_at = $10
         WHERE id = $11",
    )
    .bind(year)
    .bind(d.plan_item_id)
    .bind(iso_date(d.held_on))
    .bind(&d.starts_at)
    .bind(d.venue_organization_id)
    .bind(&d.online_url)
    .bind(&d.place_note)
    .bind(d.chair_teacher_id)
    .bind(d.secretary_teacher_id)
    .bind(now())
    .bind(old.id.get())
    .execute(&mut *conn)
    .await?;
    let new = get(conn, old.id).await?;
    audit::record_change(
        conn,
        actor,
        a.scope(),
        "meeting",
        old.id.get(),
        "update",
        "Изменено заседание",
        Some(old),
        &new,
    )
    .await?;
    Ok(new)
}

pub async fn cancel(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    old: &Meeting,
    reason: &str,
) -> Result<Meeting> {
    // Not a form edit, but it changes the meeting: an edit based on it before is refused.
    crate::bump_version(conn, "meetings", old.id.get(), None).await?;
    let old = &ensure_open(conn, old).await?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(StoreError::invalid("reason", "Причина отмены: укажите её"));
    }
    if old.minutes_id.is_some() {
        return Err(StoreError::Conflict("По заседанию уже составлен протокол: отменить его нельзя".into()));
    }
    if old.is_held() {
        return Err(StoreError::Conflict("Заседание уже проведено (отмечена явка): отменить его нельзя".into()));
    }
    sqlx::query("UPDATE meetings SET status = $1, cancel_reason = $2, updated_at = $3 WHERE id = $4")
        .bind(MeetingStatus::Cancelled.code())
        .bind(reason)
        .bind(now())
        .bind(old.id.get())
        .execute(&mut *conn)
        .await?;
    let new = get(conn, old.id).await?;
    audit::record_change(
        conn,
        actor,
        a.scope(),
        "meeting",
        old.id.get(),
        "update",
        "Заседание отменено",
        Some(old),
        &new,
    )
    .await?;
    Ok(new)
}

/// A member on the meeting's date with the attendance entered for them.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct RosterRow {
    #[sqlx(try_from = "i64")]
    pub teacher_id: TeacherId,
    pub full_name: String,
    pub organization_name: String,
    #[sqlx(try_from = "OptId")]
    pub user_id: Option<UserId>,
    /// None: not entered.
    #[sqlx(try_from = "OptText")]
    pub status: Option<Attendance>,
}

/// The members on the meeting's date (someone who joined later is not listed) and their attendance.
pub async fn roster(conn: &mut AnyConnection, m: &Meeting) -> Result<Vec<RosterRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT DISTINCT t.id AS teacher_id, {NAME} AS full_name, o.short_name AS organization_name, t.user_id, at.status,
            t.last_name, t.first_name
         FROM association_members am JOIN teachers t ON t.id = am.teacher_id
         JOIN organizations o ON o.id = t.organization_id
         LEFT JOIN meeting_attendance at ON at.meeting_id = $2 AND at.teacher_id = t.id
         WHERE am.association_id = $1 AND am.joined_on <= $3 AND (am.left_on IS NULL OR am.left_on > $3)
         ORDER BY t.last_name, t.first_name, t.id"
    ))
    .bind(m.association_id.get())
    .bind(m.id.get())
    .bind(iso_date(m.held_on))
    .fetch_all(&mut *conn)
    .await?)
}

/// Enters the attendance of every member on the date at once; the meeting becomes held. The sheet
/// is part of the meeting: `version` is the meeting's version the marks were based on.
#[allow(clippy::too_many_arguments)]
pub async fn set_attendance(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    m: &Meeting,
    settings: &ProfileSettings,
    today: Date,
    marks: &[(TeacherId, Attendance)],
    version: Option<i64>,
) -> Result<()> {
    crate::bump_version(conn, "meetings", m.id.get(), version).await?;
    let m = &ensure_open(conn, m).await?;
    if m.held_on > today {
        return Err(StoreError::invalid("attendance", "Явку отмечают в день заседания или после него"));
    }
    let members = member_ids_on(conn, a.id, m.held_on).await?;
    if let Some((t, _)) = marks.iter().find(|(t, _)| !members.contains(t)) {
        let who = teacher_name(conn, *t).await?;
        return Err(StoreError::invalid("attendance", format!("{who}: не член объединения на дату заседания")));
    }
    let mut seen = std::collections::HashSet::new();
    if marks.iter().any(|(t, _)| !seen.insert(*t)) {
        return Err(StoreError::invalid("attendance", "Явка каждого члена объединения отмечается один раз"));
    }
    let missing = members.iter().filter(|t| !marks.iter().any(|(x, _)| x == *t)).count();
    if missing > 0 {
        return Err(StoreError::invalid(
            "attendance",
            format!("Отметьте явку всех членов объединения: не отмечено {missing}"),
        ));
    }
    sqlx::query("DELETE FROM meeting_attendance WHERE meeting_id = $1").bind(m.id.get()).execute(&mut *conn).await?;
    for (teacher, status) in marks {
        sqlx::query("INSERT INTO meeting_attendance (meeting_id, teacher_id, status) VALUES ($1, $2, $3)")
            .bind(m.id.get())
            .bind(teacher.get())
            .bind(status.code())
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("UPDATE meetings SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(MeetingStatus::Held.code())
        .bind(now())
        .bind(m.id.get())
        .execute(&mut *conn)
        .await?;
    let present = marks.iter().filter(|(_, s)| *s == Attendance::Present).count();
    // Votes already recorded must still fit the attendance.
    let held = get(conn, m.id).await?;
    let (_, _, q) = quorum_of(conn, &held, settings).await?;
    for item in agenda(conn, &held, settings).await? {
        if let Some(v) = item.votes() {
            decide(settings.majority.value, q, present, v).map_err(|e| {
                StoreError::invalid(
                    "attendance",
                    format!("Вопрос «{}»: {} — сначала исправьте голосование", item.topic, e.0),
                )
            })?;
        }
    }
    let summary = format!("Явка на заседании {}: присутствуют {present} из {}", iso_date(m.held_on), members.len());
    let marks_json: Vec<serde_json::Value> =
        marks.iter().map(|(t, s)| serde_json::json!({"teacher_id": t, "status": s.code()})).collect();
    let new = serde_json::json!({"present": present, "members": members.len(), "marks": marks_json});
    audit::record(conn, actor, a.scope(), "meeting", Some(m.id.get()), "update", &summary, None, Some(&new)).await
}

/// A meeting held before Metoda was installed, as the history import enters it.
#[derive(Debug, Clone)]
pub struct PastMeeting {
    pub held_on: Date,
    /// The number of its paper minutes; None: the next free number of the year.
    pub number: Option<i64>,
    /// The items of its agenda, in order (none: the minutes carry no topics).
    pub topics: Vec<String>,
    /// Every member on the date, once.
    pub marks: Vec<(TeacherId, Attendance)>,
}

/// Enters a meeting held before Metoda, with its attendance, its agenda and its minutes signed
/// on paper: held and locked as if its minutes had been signed here, with the members, those
/// present and the quorum of its date fixed. Nobody is notified (it is the past). The members
/// on the date must all be marked, and only they; the date must be before `today` and free of
/// another meeting of the association; the minutes' number free in the plan year.
pub async fn record_past(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    settings: &ProfileSettings,
    today: Date,
    p: &PastMeeting,
) -> Result<Meeting> {
    if !a.is_active() {
        return Err(StoreError::Conflict("Объединение ликвидировано".into()));
    }
    if p.held_on >= today {
        return Err(StoreError::invalid(
            "held_on",
            "Из архива вносят заседания, прошедшие до сегодняшнего дня; текущие отмечают на странице заседания",
        ));
    }
    let taken: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM meetings WHERE association_id = $1 AND held_on = $2 AND status <> $3")
            .bind(a.id.get())
            .bind(iso_date(p.held_on))
            .bind(MeetingStatus::Cancelled.code())
            .fetch_one(&mut *conn)
            .await?;
    if taken > 0 {
        return Err(StoreError::Conflict(format!(
            "На {} у объединения уже есть заседание в системе: явку отмечают на его странице",
            ru_date(p.held_on)
        )));
    }
    let members = member_ids_on(conn, a.id, p.held_on).await?;
    let mut seen = std::collections::HashSet::new();
    if p.marks.iter().any(|(t, _)| !seen.insert(*t)) {
        return Err(StoreError::invalid("attendance", "Явка каждого члена объединения отмечается один раз"));
    }
    if let Some((t, _)) = p.marks.iter().find(|(t, _)| !members.contains(t)) {
        let who = teacher_name(conn, *t).await?;
        return Err(StoreError::invalid("attendance", format!("{who}: не член объединения на дату заседания")));
    }
    let unmarked: Vec<TeacherId> = members.iter().filter(|t| !p.marks.iter().any(|(x, _)| x == *t)).copied().collect();
    if !unmarked.is_empty() {
        let mut names = vec![];
        for t in &unmarked {
            names.push(teacher_name(conn, *t).await?);
        }
        names.sort();
        return Err(StoreError::invalid(
            "attendance",
            format!("Не отмечена явка членов объединения на дату заседания: {}", names.join(", ")),
        ));
    }
    let year = year_of(settings.plan_period.value, p.held_on);
    let number = match p.number {
        Some(n) => n,
        None => {
            let existing: Vec<i64> =
                sqlx::query_scalar("SELECT number FROM minutes WHERE association_id = $1 AND year = $2")
                    .bind(a.id.get())
                    .bind(i64::from(year))
                    .fetch_all(&mut *conn)
                    .await?;
            let existing: Vec<(i32, u32)> = existing.iter().map(|n| (year, *n as u32)).collect();
            i64::from(next_minutes_number(&existing, year))
        }
    };
    let t = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO meetings (association_id, year, held_on, status, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(a.id.get())
    .bind(i64::from(year))
    .bind(iso_date(p.held_on))
    .bind(MeetingStatus::Held.code())
    .bind(actor.user_id.map(i64::from))
    .bind(&t)
    .fetch_one(&mut *conn)
    .await?;
    for (teacher, status) in &p.marks {
        sqlx::query("INSERT INTO meeting_attendance (meeting_id, teacher_id, status) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(teacher.get())
            .bind(status.code())
            .execute(&mut *conn)
            .await?;
    }
    for (i, topic) in p.topics.iter().enumerate() {
        sqlx::query("INSERT INTO meeting_agenda (meeting_id, position, topic) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(i as i64 + 1)
            .bind(topic)
            .execute(&mut *conn)
            .await?;
    }
    let present = p.marks.iter().filter(|(_, s)| *s == Attendance::Present).count();
    let q = quorum(settings.quorum.value, members.len(), present);
    let minutes_id: i64 = sqlx::query_scalar(
        "INSERT INTO minutes (meeting_id, association_id, year, number, status, signatories, members_total, present,
            quorum, drafted_by, drafted_at, signed_at, paper)
         VALUES ($1, $2, $3, $4, $5, '[]', $6, $7, $8, $9, $10, $10, 1) RETURNING id",
    )
    .bind(id)
    .bind(a.id.get())
    .bind(i64::from(year))
    .bind(number)
    .bind(MinutesStatus::Signed.code())
    .bind(members.len() as i64)
    .bind(present as i64)
    .bind(serde_json::to_string(&q).unwrap_or_default())
    .bind(actor.user_id.map(i64::from))
    .bind(&t)
    .fetch_one(&mut *conn)
    .await
    .map_err(crate::unique(&format!(
        "Протокол № {number} за этот год у объединения уже есть; проверьте номер бумажного протокола"
    )))?;
    let m = get(conn, MeetingId(id)).await?;
    let summary = format!(
        "Внесено из архива заседание {} (протокол № {number} на бумаге): присутствовали {present} из {}",
        ru_date(p.held_on),
        members.len()
    );
    let marks: Vec<serde_json::Value> =
        p.marks.iter().map(|(t, s)| serde_json::json!({"teacher_id": t, "status": s.code()})).collect();
    let new = serde_json::json!({"meeting": &m, "minutes_id": minutes_id, "topics": p.topics, "marks": marks});
    audit::record(conn, actor, a.scope(), "meeting", Some(id), "create", &summary, None, Some(&new)).await?;
    Ok(m)
}

/// The numbers of the association's minutes: (plan year, number, the meeting's date).
pub async fn minutes_numbers(conn: &mut AnyConnection, association_id: AssociationId) -> Result<Vec<(i64, i64, Date)>> {
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT n.year, n.number, m.held_on FROM minutes n JOIN meetings m ON m.id = n.meeting_id
         WHERE n.association_id = $1",
    )
    .bind(association_id.get())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().filter_map(|(y, n, d)| metoda_domain::values::stored_date(&d).map(|d| (y, n, d))).collect())
}

/// A teacher's full name (for a message).
async fn teacher_name(conn: &mut AnyConnection, t: TeacherId) -> Result<String> {
    let name: Option<String> = sqlx::query_scalar(&format!("SELECT {NAME} FROM teachers t WHERE t.id = $1"))
        .bind(t.get())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(name.unwrap_or_else(|| "Этот педагог".into()))
}

/// What the first signature fixed in the minutes (all None before it).
#[derive(FromRow)]
struct Fixed {
    members_total: Option<i64>,
    present: Option<i64>,
    #[sqlx(try_from = "OptText")]
    quorum: Option<StoredQuorum>,
}

/// The quorum as the minutes keep it (JSON of [`Quorum`]).
struct StoredQuorum(Quorum);

impl TryFrom<OptText> for Option<StoredQuorum> {
    type Error = Undecodable;
    fn try_from(raw: OptText) -> std::result::Result<Self, Undecodable> {
        raw.0
            .map(|q| {
                serde_json::from_str(&q)
                    .map(StoredQuorum)
                    .map_err(|_| Undecodable { expected: "quorum (JSON)", value: q })
            })
            .transpose()
    }
}

/// The members on the date, those present and the quorum by the profile's rule (fixed once signed).
pub async fn quorum_of(
    conn: &mut AnyConnection,
    m: &Meeting,
    settings: &ProfileSettings,
) -> Result<(usize, usize, Quorum)> {
    if let Some(id) = m.minutes_id {
        let fixed: Option<Fixed> = sqlx::query_as("SELECT members_total, present, quorum FROM minutes WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        if let Some(Fixed { members_total: Some(members), present: Some(present), quorum: Some(StoredQuorum(q)) }) =
            fixed
        {
            return Ok((members as usize, present as usize, q));
        }
    }
    let roster = roster(conn, m).await?;
    let present = roster.iter().filter(|r| r.status == Some(Attendance::Present)).count();
    Ok((roster.len(), present, quorum(settings.quorum.value, roster.len(), present)))
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Guest {
    pub id: i64,
    pub name: String,
    pub position: Option<String>,
}

pub async fn guests(conn: &mut AnyConnection, meeting_id: MeetingId) -> Result<Vec<Guest>> {
    Ok(sqlx::query_as("SELECT id, name, position FROM meeting_guests WHERE meeting_id = $1 ORDER BY id")
        .bind(meeting_id.get())
        .fetch_all(&mut *conn)
        .await?)
}

/// Adds an invited participant (004 §2.7): listed in the minutes, not counted, not voting.
pub async fn add_guest(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    m: &Meeting,
    name: &str,
    position: &str,
) -> Result<Guest> {
    let m = &ensure_open(conn, m).await?;
    let name = metoda_domain::values::required_text("name", "Приглашённый", name, 200).map_err(StoreError::from)?;
    let position = metoda_domain::values::optional_text("position", "Должность, организация", position, 300)
        .map_err(StoreError::from)?;
    let id: i64 =
        sqlx::query_scalar("INSERT INTO meeting_guests (meeting_id, name, position) VALUES ($1, $2, $3) RETURNING id")
            .bind(m.id.get())
            .bind(&name)
            .bind(&position)
            .fetch_one(&mut *conn)
            .await?;
    let g = Guest { id, name, position };
    audit::record_change(
        conn,
        actor,
        a.scope(),
        "meeting_guest",
        id,
        "create",
        &format!("Приглашён(а): {}", g.name),
        None,
        &g,
    )
    .await?;
    Ok(g)
}

pub async fn remove_guest(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    m: &Meeting,
    id: i64,
) -> Result<()> {
    let m = &ensure_open(conn, m).await?;
    let g: Guest = sqlx::query_as("SELECT id, name, position FROM meeting_guests WHERE id = $1 AND meeting_id = $2")
        .bind(id)
        .bind(m.id.get())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    sqlx::query("DELETE FROM meeting_guests WHERE id = $1").bind(id).execute(&mut *conn).await?;
    let old = serde_json::to_value(&g).ok();
    audit::record(
        conn,
        actor,
        a.scope(),
        "meeting_guest",
        Some(id),
        "delete",
        &format!("Исключён(а) из приглашённых: {}", g.name),
        old.as_ref(),
        None,
    )
    .await
}

/// An agenda item with its decision; `outcome` is computed while the minutes are a draft.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct AgendaItem {
    pub id: i64,
    pub position: i64,
    pub topic: String,
    pub speaker: Option<String>,
    pub heard: Option<String>,
    pub spoke: Option<String>,
    pub decision: Option<String>,
    pub votes_for: Option<i64>,
    pub votes_against: Option<i64>,
    pub votes_abstained: Option<i64>,
    /// None: no vote.
    #[sqlx(try_from = "OptText")]
    pub outcome: Option<Outcome>,
    /// Raised by every save of the item: send it back with an edit (an older one gets 409).
    pub version: i64,
}

impl AgendaItem {
    pub fn votes(&self) -> Option<Votes> {
        let n = |v: Option<i64>| v.unwrap_or(0).max(0) as usize;
        (self.votes_for.is_some() || self.votes_against.is_some() || self.votes_abstained.is_some()).then(|| Votes {
            for_: n(self.votes_for),
            against: n(self.votes_against),
            abstained: n(self.votes_abstained),
        })
    }
    pub fn outcome_label(&self) -> Option<&'static str> {
        self.outcome.map(Outcome::label_ru)
    }
}

/// The agenda in order, with each vote's outcome by the profile's rule.
pub async fn agenda(conn: &mut AnyConnection, m: &Meeting, settings: &ProfileSettings) -> Result<Vec<AgendaItem>> {
    let mut rows: Vec<AgendaItem> = sqlx::query_as(
        "SELECT id, position, topic, speaker, heard, spoke, decision, votes_for, votes_against, votes_abstained, outcome,
            version
         FROM meeting_agenda WHERE meeting_id = $1 ORDER BY position, id",
    )
    .bind(m.id.get())
    .fetch_all(&mut *conn)
    .await?;
    if !locked(conn, m.id).await? {
        let (_, present, q) = quorum_of(conn, m, settings).await?;
        for r in &mut rows {
            r.outcome = r.votes().and_then(|v| decide(settings.majority.value, q, present, v).ok());
        }
    }
    Ok(rows)
}

async fn check_votes(conn: &mut AnyConnection, m: &Meeting, settings: &ProfileSettings, d: &AgendaData) -> Result<()> {
    if let Some(v) = d.votes {
        let (_, present, q) = quorum_of(conn, m, settings).await?;
        if !m.is_held() {
            return Err(StoreError::invalid("votes_for", "Голоса вносят после того, как отмечена явка"));
        }
        decide(settings.majority.value, q, present, v).map_err(|e| StoreError::invalid("votes_for", e.0))?;
    }
    Ok(())
}

pub async fn add_agenda(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    m: &Meeting,
    settings: &ProfileSettings,
    d: &AgendaData,
) -> Result<i64> {
    let m = &ensure_open(conn, m).await?;
    check_votes(conn, m, settings, d).await?;
    let position: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) + 1 FROM meeting_agenda WHERE meeting_id = $1")
            .bind(m.id.get())
            .fetch_one(&mut *conn)
            .await?;
    let id: i64 = bind_agenda(
        sqlx::query_scalar(
            "INSERT INTO meeting_agenda (topic, speaker, heard, spoke, decision, votes_for, votes_against, votes_abstained,
                meeting_id, position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        ),
        d,
    )
    .bind(m.id.get())
    .bind(position)
    .fetch_one(&mut *conn)
    .await?;
    let new = serde_json::to_value(d).ok();
    let summary = format!("В повестку заседания {} внесено: «{}»", iso_date(m.held_on), d.topic);
    audit::record(conn, actor, a.scope(), "meeting_agenda", Some(id), "create", &summary, None, new.as_ref()).await?;
    Ok(id)
}

type ScalarQuery<'q> = sqlx::query::QueryScalar<'q, sqlx::Any, i64, sqlx::any::AnyArguments<'q>>;

fn bind_agenda<'q>(q: ScalarQuery<'q>, d: &'q AgendaData) -> ScalarQuery<'q> {
    let n = |v: Option<usize>| v.map(|v| v as i64);
    q.bind(&d.topic)
        .bind(&d.speaker)
        .bind(&d.heard)
        .bind(&d.spoke)
        .bind(&d.decision)
        .bind(n(d.votes.map(|v| v.for_)))
        .bind(n(d.votes.map(|v| v.against)))
        .bind(n(d.votes.map(|v| v.abstained)))
}

/// Saves an agenda item; `version`: the item's version the edit was based on (a stale one is refused).
#[allow(clippy::too_many_arguments)]
pub async fn update_agenda(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    m: &Meeting,
    settings: &ProfileSettings,
    id: i64,
    d: &AgendaData,
    version: Option<i64>,
) -> Result<()> {
    // The meeting's row first, as every change of the meeting takes it (one order of locks).
    let m = &ensure_open(conn, m).await?;
    crate::bump_version(conn, "meeting_agenda", id, version).await?;
    check_votes(conn, m, settings, d).await?;
    let changed: Option<i64> = bind_agenda(
        sqlx::query_scalar(
            "UPDATE meeting_agenda SET topic = $1, speaker = $2, heard = $3, spoke = $4, decision = $5, votes_for = $6,
                votes_against = $7, votes_abstained = $8 WHERE meeting_id = $9 AND id = $10 RETURNING id",
        ),
        d,
    )
    .bind(m.id.get())
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    changed.ok_or(StoreError::NotFound)?;
    let new = serde_json::to_value(d).ok();
    let summary = format!("Изменён вопрос повестки заседания {}: «{}»", iso_date(m.held_on), d.topic);
    audit::record(conn, actor, a.scope(), "meeting_agenda", Some(id), "update", &summary, None, new.as_ref()).await
}

pub async fn remove_agenda(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    m: &Meeting,
    id: i64,
) -> Result<()> {
    let m = &ensure_open(conn, m).await?;
    let topic: String = sqlx::query_scalar("SELECT topic FROM meeting_agenda WHERE id = $1 AND meeting_id = $2")
        .bind(id)
        .bind(m.id.get())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let tasks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM action_items WHERE agenda_id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    if tasks > 0 {
        return Err(StoreError::Conflict("По этому вопросу есть поручения: сначала удалите их или перенесите".into()));
    }
    sqlx::query("DELETE FROM meeting_agenda WHERE id = $1").bind(id).execute(&mut *conn).await?;
    let summary = format!("Из повестки заседания {} исключено: «{topic}»", iso_date(m.held_on));
    audit::record(conn, actor, a.scope(), "meeting_agenda", Some(id), "delete", &summary, None, None).await
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Minutes {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub meeting_id: MeetingId,
    #[sqlx(try_from = "i64")]
    pub association_id: AssociationId,
    pub year: i64,
    pub number: i64,
    #[sqlx(try_from = "Text")]
    pub status: MinutesStatus,
    /// The signatory roles required, fixed when the minutes were drafted (stored, and recorded in
    /// the audit trail, as a JSON list of codes).
    #[sqlx(try_from = "Text")]
    #[serde(serialize_with = "signatories_json")]
    pub signatories: Signatories,
    pub drafted_at: String,
    pub signed_at: Option<String>,
    /// Signed on paper before Metoda and entered with the history import (no signatures here).
    #[sqlx(try_from = "crate::column::Flag")]
    pub paper: bool,
}

/// The signatory roles of minutes, as stored: a JSON list of codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signatories(pub Vec<Signatory>);

impl Signatories {
    /// The stored text: `["chair","secretary"]`.
    pub fn json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_default()
    }
}

impl TryFrom<Text> for Signatories {
    type Error = Undecodable;
    fn try_from(raw: Text) -> std::result::Result<Self, Undecodable> {
        serde_json::from_str(&raw.0)
            .map(Signatories)
            .map_err(|_| Undecodable { expected: "list of signatories (JSON)", value: raw.0 })
    }
}

fn signatories_json<S: serde::Serializer>(s: &Signatories, out: S) -> std::result::Result<S::Ok, S::Error> {
    out.serialize_str(&s.json())
}

impl Minutes {
    pub fn required(&self) -> &[Signatory] {
        &self.signatories.0
    }
    pub fn signed(&self) -> bool {
        self.status == MinutesStatus::Signed
    }
}

pub async fn minutes(conn: &mut AnyConnection, id: i64) -> Result<Minutes> {
    sqlx::query_as(
        "SELECT id, meeting_id, association_id, year, number, status, signatories, drafted_at, signed_at, paper
         FROM minutes WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// The secretary drafts the minutes of a held meeting: they get the next number of the year.
pub async fn draft_minutes(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    m: &Meeting,
    settings: &ProfileSettings,
) -> Result<Minutes> {
    let m = &lock(conn, m.id).await?;
    if m.minutes_id.is_some() {
        return Err(StoreError::Conflict("Протокол этого заседания уже составлен".into()));
    }
    if !m.is_held() {
        return Err(StoreError::invalid("attendance", "Протокол составляют после заседания: сначала отметьте явку"));
    }
    let topics: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM meeting_agenda WHERE meeting_id = $1")
        .bind(m.id.get())
        .fetch_one(&mut *conn)
        .await?;
    if topics == 0 {
        return Err(StoreError::invalid("topic", "В протоколе нет ни одного вопроса повестки"));
    }
    // numbered within the plan year the meeting was planned in
    let existing: Vec<i64> = sqlx::query_scalar("SELECT number FROM minutes WHERE association_id = $1 AND year = $2")
        .bind(a.id.get())
        .bind(m.year)
        .fetch_all(&mut *conn)
        .await?;
    let existing: Vec<(i32, u32)> = existing.iter().map(|n| (m.year as i32, *n as u32)).collect();
    let number = next_minutes_number(&existing, m.year as i32);
    let signatories = Signatories(required_signatories(&settings.minutes_signatories.value)).json();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO minutes (meeting_id, association_id, year, number, signatories, drafted_by, drafted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(m.id.get())
    .bind(a.id.get())
    .bind(m.year)
    .bind(i64::from(number))
    .bind(signatories)
    .bind(actor.user_id.map(i64::from))
    .bind(now())
    .fetch_one(&mut *conn)
    .await
    .map_err(crate::unique("Протокол только что составили; обновите страницу"))?;
    let n = minutes(conn, id).await?;
    let summary = format!("Составлен проект протокола № {number} заседания {}", iso_date(m.held_on));
    audit::record_change(conn, actor, a.scope(), "minutes", id, "create", &summary, None, &n).await?;
    // Each signatory: the holders of the association's roles that sign as a required signatory.
    let roles: Vec<Role> = [Role::AssociationHead, Role::Deputy, Role::Secretary]
        .into_iter()
        .filter(|r| n.required().iter().any(|s| signs_as(*r).contains(s)))
        .collect();
    let to: Vec<UserId> =
        users::holding(conn, Held::Association(a.id), &roles).await?.into_iter().map(|u| u.0).collect();
    let title = format!("Протокол № {number} заседания {} ждёт вашей подписи", ru_date(m.held_on));
    notify::notify_all(conn, &to, NotificationKind::SignatureAwaited, &title, Some(&format!("/meetings/{}", m.id)))
        .await?;
    Ok(n)
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Signature {
    pub id: i64,
    #[sqlx(try_from = "Text")]
    pub role: Signatory,
    #[sqlx(try_from = "i64")]
    pub user_id: UserId,
    pub name: String,
    pub at: String,
}

pub async fn signatures(conn: &mut AnyConnection, minutes_id: i64) -> Result<Vec<Signature>> {
    Ok(sqlx::query_as("SELECT id, role, user_id, name, at FROM minutes_signatures WHERE minutes_id = $1 ORDER BY id")
        .bind(minutes_id)
        .fetch_all(&mut *conn)
        .await?)
}

/// One member's mark on the attendance sheet.
#[derive(FromRow)]
struct AttendanceMark {
    #[sqlx(try_from = "Text")]
    status: Attendance,
}

/// The chair and the secretary named for the meeting whose signatures `required` asks for and who
/// are marked absent or excused: ("Председатель" | "Секретарь", name).
pub async fn absent_signers(
    conn: &mut AnyConnection,
    m: &Meeting,
    required: &[Signatory],
) -> Result<Vec<(&'static str, String)>> {
    let mut out = vec![];
    for (role, teacher, name, what) in [
        (Signatory::Chair, m.chair_teacher_id, &m.chair_name, "Председатель"),
        (Signatory::Secretary, m.secretary_teacher_id, &m.secretary_name, "Секретарь"),
    ] {
        let Some(t) = teacher.filter(|_| required.contains(&role)) else { continue };
        let status: Option<AttendanceMark> =
            sqlx::query_as("SELECT status FROM meeting_attendance WHERE meeting_id = $1 AND teacher_id = $2")
                .bind(m.id.get())
                .bind(t.get())
                .fetch_optional(&mut *conn)
                .await?;
        if status.is_some_and(|s| s.status != Attendance::Present) {
            out.push((what, name.clone().unwrap_or_default()));
        }
    }
    Ok(out)
}

/// The name under a user's signature in an association: the full name of the user's teacher record
/// among its members (past or present), if there is one.
pub async fn signer_name(
    conn: &mut AnyConnection,
    user_id: UserId,
    association_id: AssociationId,
) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT t.last_name || ' ' || t.first_name || COALESCE(' ' || t.middle_name, '') FROM teachers t
         JOIN association_members am ON am.teacher_id = t.id WHERE t.user_id = $1 AND am.association_id = $2 LIMIT 1",
    )
    .bind(user_id.get())
    .bind(association_id.get())
    .fetch_optional(&mut *conn)
    .await?)
}

/// Signs the minutes as `role` — the explicit act of the signing user (the caller checks the user
/// holds that role). The first signature fixes the quorum and the outcomes; the last one of the
/// required roles makes the minutes signed, and the members are notified.
pub async fn sign(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    m: &Meeting,
    settings: &ProfileSettings,
    role: Signatory,
    name: &str,
) -> Result<Minutes> {
    // one signature at a time: a concurrent signer waits and then sees this one
    let m = &lock(conn, m.id).await?;
    let minutes_id = m.minutes_id.ok_or_else(|| StoreError::Conflict("Протокол ещё не составлен".into()))?;
    let n = minutes(conn, minutes_id).await?;
    if n.paper {
        return Err(StoreError::Conflict(
            "Протокол подписан на бумаге до подключения к системе: подписывать его здесь не нужно".into(),
        ));
    }
    let required = n.required().to_vec();
    if !required.contains(&role) {
        return Err(StoreError::invalid("role", format!("По положению протокол подписывает: {}", labels(&required))));
    }
    let user_id = actor.user_id.ok_or_else(|| StoreError::invalid("role", "Подписать может только пользователь"))?;
    let done = signatures(conn, n.id).await?;
    if let Some(s) = done.iter().find(|s| s.role == role) {
        return Err(StoreError::Conflict(format!("Протокол уже подписан: {} — {}", role.label_ru(), s.name)));
    }
    if let Some(s) = done.iter().find(|s| s.user_id == user_id) {
        return Err(StoreError::Conflict(format!(
            "Протокол подписывают разные люди: вы уже подписали его как {}",
            s.role.label_ru()
        )));
    }
    // The chair and the secretary named for this meeting sign themselves.
    let mine: Vec<TeacherId> = crate::teachers::ids_of_user(conn, user_id).await?;
    let named = match role {
        Signatory::Chair => m.chair_teacher_id.map(|t| (t, m.chair_name.clone(), "председатель")),
        Signatory::Secretary => m.secretary_teacher_id.map(|t| (t, m.secretary_name.clone(), "секретарь")),
        Signatory::Head => None,
    };
    if let Some((t, who, what)) = named
        && !mine.contains(&t)
    {
        return Err(StoreError::invalid(
            "role",
            format!("Протокол подписывает {what} этого заседания — {}", who.unwrap_or_default()),
        ));
    }
    // Who signs was there: a named chair or secretary whose signature the minutes need must be
    // marked present (checked before any signature, which locks the meeting).
    if let Some((what, who)) = absent_signers(conn, m, &required).await?.into_iter().next() {
        return Err(StoreError::invalid(
            "role",
            format!(
                "{what} заседания {who} отмечен(а) отсутствующим: укажите в карточке заседания, кто из присутствовавших \
                 {}, и подпишите протокол",
                if what == "Секретарь" {
                    "вёл протокол"
                } else {
                    "председательствовал"
                }
            ),
        ));
    }
    let first = done.is_empty();
    if first {
        // fix what the minutes say before the first signature attests it
        let rows = agenda(conn, m, settings).await?;
        let (members, present, q) = quorum_of(conn, m, settings).await?;
        for r in &rows {
            if let Some(v) = r.votes() {
                decide(settings.majority.value, q, present, v).map_err(|e| {
                    StoreError::invalid("votes_for", format!("Вопрос «{}»: {} — исправьте голосование", r.topic, e.0))
                })?;
            }
        }
        for r in rows {
            sqlx::query("UPDATE meeting_agenda SET outcome = $1 WHERE id = $2")
                .bind(r.outcome.map(Outcome::code))
                .bind(r.id)
                .execute(&mut *conn)
                .await?;
        }
        sqlx::query("UPDATE minutes SET members_total = $1, present = $2, quorum = $3 WHERE id = $4")
            .bind(members as i64)
            .bind(present as i64)
            .bind(serde_json::to_string(&q).unwrap_or_default())
            .bind(n.id)
            .execute(&mut *conn)
            .await?;
    }
    let t = now();
    sqlx::query("INSERT INTO minutes_signatures (minutes_id, role, user_id, name, at) VALUES ($1, $2, $3, $4, $5)")
        .bind(n.id)
        .bind(role.code())
        .bind(user_id.get())
        .bind(name)
        .bind(&t)
        .execute(&mut *conn)
        .await
        .map_err(crate::unique("Протокол уже подписан в этой роли; обновите страницу"))?;
    let signed = signatures(conn, n.id).await?;
    let all = required.iter().all(|r| signed.iter().any(|s| s.role == *r));
    if all {
        sqlx::query("UPDATE minutes SET status = $1, signed_at = $2 WHERE id = $3")
            .bind(MinutesStatus::Signed.code())
            .bind(&t)
            .bind(n.id)
            .execute(&mut *conn)
            .await?;
        let title = format!("Опубликован протокол № {} заседания «{}» {}", n.number, a.name, ru_date(m.held_on));
        notify_members(conn, a.id, m.held_on, NotificationKind::MinutesPublished, &title, m.id).await?;
        if let Some(item) = m.plan_item_id {
            // The plan item the meeting carried out is done, with the meeting as its evidence.
            let done: Option<i64> = sqlx::query_scalar(
                "UPDATE plan_items SET status = 'done', fulfilled_meeting_id = $1, status_reason = NULL, updated_at = $2,
                    version = version + 1
                 WHERE id = $3 AND status IN ('planned', 'moved') RETURNING id",
            )
            .bind(m.id.get())
            .bind(&t)
            .bind(item)
            .fetch_optional(&mut *conn)
            .await?;
            if done.is_some() {
                let summary =
                    format!("«{}»: выполнено (протокол № {})", m.plan_item_title.as_deref().unwrap_or(""), n.number);
                let new = serde_json::json!({"status": "done", "fulfilled_meeting_id": m.id});
                audit::record(conn, actor, a.scope(), "plan_item", Some(item), "update", &summary, None, Some(&new))
                    .await?;
            }
        }
    }
    let new = minutes(conn, n.id).await?;
    let summary = format!("Протокол № {} подписан: {} — {name}", n.number, role.label_ru());
    audit::record_change(conn, actor, a.scope(), "minutes", n.id, "update", &summary, Some(&n), &new).await?;
    Ok(new)
}

fn labels(roles: &[Signatory]) -> String {
    roles.iter().map(|r| r.label_ru()).collect::<Vec<_>>().join(" и ")
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Addendum {
    pub id: i64,
    pub text: String,
    pub author: Option<String>,
    pub at: String,
}

pub async fn addenda(conn: &mut AnyConnection, minutes_id: i64) -> Result<Vec<Addendum>> {
    Ok(sqlx::query_as(
        "SELECT d.id, d.text, u.full_name AS author, d.at FROM minutes_addenda d LEFT JOIN users u ON u.id = d.user_id
         WHERE d.minutes_id = $1 ORDER BY d.id",
    )
    .bind(minutes_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Corrects signed minutes: the original stays as it was signed, the addendum follows it.
pub async fn add_addendum(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    m: &Meeting,
    text: &str,
) -> Result<Addendum> {
    let minutes_id = m.minutes_id.ok_or(StoreError::NotFound)?;
    if !locked(conn, m.id).await? {
        return Err(StoreError::Conflict("Протокол ещё не подписан: исправьте его текст, дополнение не нужно".into()));
    }
    let text = metoda_domain::values::optional_long_text("text", "Дополнение", text, 5000)
        .map_err(StoreError::from)?
        .ok_or_else(|| StoreError::invalid("text", "Дополнение: напишите, что исправляется"))?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO minutes_addenda (minutes_id, text, user_id, at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(minutes_id)
    .bind(&text)
    .bind(actor.user_id.map(i64::from))
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    let d = addenda(conn, minutes_id).await?.into_iter().find(|d| d.id == id).ok_or(StoreError::NotFound)?;
    let summary = format!("Дополнение к протоколу № {}", m.minutes_number.unwrap_or(0));
    audit::record_change(conn, actor, a.scope(), "minutes_addendum", id, "create", &summary, None, &d).await?;
    Ok(d)
}

/// A task decided at a meeting.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct ActionItem {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub meeting_id: MeetingId,
    #[sqlx(try_from = "i64")]
    pub association_id: AssociationId,
    pub association_name: String,
    #[sqlx(try_from = "Text")]
    #[serde(with = "iso_serde")]
    pub held_on: Date,
    pub agenda_id: Option<i64>,
    pub title: String,
    #[sqlx(try_from = "i64")]
    pub owner_teacher_id: TeacherId,
    pub owner_name: String,
    #[sqlx(try_from = "Text")]
    #[serde(with = "iso_serde")]
    pub due_on: Date,
    pub closed_at: Option<String>,
    pub closed_by_name: Option<String>,
}

impl ActionItem {
    pub fn overdue(&self, today: Date) -> bool {
        self.closed_at.is_none() && self.due_on < today
    }
}

fn select_actions() -> String {
    format!(
        "SELECT x.id, x.meeting_id, m.association_id, a.name AS association_name, m.held_on, x.agenda_id, x.title,
            x.owner_teacher_id, {NAME} AS owner_name, x.due_on, x.closed_at, u.full_name AS closed_by_name
         FROM action_items x JOIN meetings m ON m.id = x.meeting_id JOIN associations a ON a.id = m.association_id
         JOIN teachers t ON t.id = x.owner_teacher_id LEFT JOIN users u ON u.id = x.closed_by"
    )
}

pub async fn actions_of_meeting(conn: &mut AnyConnection, meeting_id: MeetingId) -> Result<Vec<ActionItem>> {
    Ok(sqlx::query_as(&format!("{} WHERE x.meeting_id = $1 ORDER BY x.due_on, x.id", select_actions()))
        .bind(meeting_id.get())
        .fetch_all(&mut *conn)
        .await?)
}

/// The tasks of the teachers linked to a user account: open ones first, by due date.
pub async fn actions_of_user(conn: &mut AnyConnection, user_id: UserId) -> Result<Vec<ActionItem>> {
    Ok(sqlx::query_as(&format!(
        "{} WHERE t.user_id = $1 ORDER BY CASE WHEN x.closed_at IS NULL THEN 0 ELSE 1 END, x.due_on, x.id LIMIT 200",
        select_actions()
    ))
    .bind(user_id.get())
    .fetch_all(&mut *conn)
    .await?)
}

/// The open tasks of these associations' meetings past their due date, oldest first, at most
/// `limit` of each association.
pub async fn overdue_of(
    conn: &mut AnyConnection,
    associations: &[AssociationId],
    today: Date,
    limit: i64,
) -> Result<Vec<ActionItem>> {
    Ok(sqlx::query_as(&format!(
        "{} WHERE x.id IN (SELECT id FROM (
            SELECT a.id, ROW_NUMBER() OVER (PARTITION BY mm.association_id ORDER BY a.due_on, a.id) AS n
            FROM action_items a JOIN meetings mm ON mm.id = a.meeting_id
            WHERE mm.association_id IN ({}) AND a.closed_at IS NULL AND a.due_on < $1) y WHERE n <= $2)
         ORDER BY x.due_on, x.id",
        select_actions(),
        id_list(associations)
    ))
    .bind(iso_date(today))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?)
}

pub async fn actions_of_teacher(conn: &mut AnyConnection, teacher_id: TeacherId) -> Result<Vec<ActionItem>> {
    Ok(sqlx::query_as(&format!(
        "{} WHERE x.owner_teacher_id = $1 ORDER BY CASE WHEN x.closed_at IS NULL THEN 0 ELSE 1 END, x.due_on, x.id LIMIT 200",
        select_actions()
    ))
    .bind(teacher_id.get())
    .fetch_all(&mut *conn)
    .await?)
}

pub async fn action(conn: &mut AnyConnection, id: i64) -> Result<ActionItem> {
    sqlx::query_as(&format!("{} WHERE x.id = $1", select_actions()))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)
}

#[allow(clippy::too_many_arguments)]
pub async fn add_action(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    m: &Meeting,
    agenda_id: Option<i64>,
    title: &str,
    owner_teacher_id: Option<TeacherId>,
    due_on: &str,
) -> Result<ActionItem> {
    let mut e = metoda_domain::values::Errors::new();
    let title = e.take(metoda_domain::values::required_text("title", "Поручение", title, 500));
    let due = e.take(metoda_domain::values::date("due_on", "Срок исполнения", due_on));
    if owner_teacher_id.is_none() {
        e.push(metoda_domain::FieldError::new("owner_teacher_id", "Ответственный: выберите члена объединения"));
    }
    e.finish(|| ()).map_err(StoreError::Invalid)?;
    let (title, due, owner) =
        (title.unwrap_or_default(), due.unwrap_or(Date::MIN), owner_teacher_id.unwrap_or(TeacherId(0)));
    let members = member_ids_on(conn, a.id, m.held_on).await?;
    if !members.contains(&owner) {
        return Err(StoreError::invalid("owner_teacher_id", "Ответственный: не член объединения на дату заседания"));
    }
    if let Some(ag) = agenda_id {
        let ok: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM meeting_agenda WHERE id = $1 AND meeting_id = $2")
            .bind(ag)
            .bind(m.id.get())
            .fetch_one(&mut *conn)
            .await?;
        if ok == 0 {
            return Err(StoreError::invalid("agenda_id", "Такого вопроса нет в повестке"));
        }
    }
    if due < m.held_on {
        return Err(StoreError::invalid("due_on", "Срок исполнения: не раньше дня заседания"));
    }
    if !m.is_held() {
        return Err(StoreError::Conflict("Поручения записывают по решениям проведённого заседания".into()));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO action_items (meeting_id, agenda_id, title, owner_teacher_id, due_on, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(m.id.get())
    .bind(agenda_id)
    .bind(&title)
    .bind(owner.get())
    .bind(iso_date(due))
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    let x = action(conn, id).await?;
    let owner_user: Option<i64> = sqlx::query_scalar("SELECT user_id FROM teachers WHERE id = $1")
        .bind(owner.get())
        .fetch_one(&mut *conn)
        .await?;
    if let Some(u) = owner_user {
        notify(
            conn,
            UserId(u),
            NotificationKind::ActionAssigned,
            &format!("Поручение до {}: {title}", ru_date(x.due_on)),
            Some(&format!("/meetings/{}", m.id)),
        )
        .await?;
    }
    let summary = format!("Поручение «{title}» — {}, до {}", x.owner_name, iso_date(x.due_on));
    audit::record_change(conn, actor, a.scope(), "action_item", id, "create", &summary, None, &x).await?;
    Ok(x)
}

/// Closes a task, recording who and when.
pub async fn close_action(conn: &mut AnyConnection, actor: &Actor, a: &Association, id: i64) -> Result<ActionItem> {
    let old = action(conn, id).await?;
    if old.closed_at.is_some() {
        return Err(StoreError::Conflict("Поручение уже закрыто".into()));
    }
    sqlx::query("UPDATE action_items SET closed_at = $1, closed_by = $2 WHERE id = $3 AND closed_at IS NULL")
        .bind(now())
        .bind(actor.user_id.map(i64::from))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let new = action(conn, id).await?;
    let summary = format!("Поручение «{}» выполнено", new.title);
    audit::record_change(conn, actor, a.scope(), "action_item", id, "update", &summary, Some(&old), &new).await?;
    Ok(new)
}

async fn notify_members(
    conn: &mut AnyConnection,
    association_id: AssociationId,
    on: Date,
    kind: NotificationKind,
    title: &str,
    meeting_id: MeetingId,
) -> Result<()> {
    // Members whose account holds a role in the association: only they can open the meeting (a
    // record's membership gives its account no rights of its own).
    let users: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT t.user_id FROM association_members am JOIN teachers t ON t.id = am.teacher_id
         WHERE am.association_id = $1 AND t.user_id IS NOT NULL AND am.joined_on <= $2
            AND (am.left_on IS NULL OR am.left_on > $2)
            AND EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = t.user_id AND g.association_id = am.association_id)",
    )
    .bind(association_id.get())
    .bind(iso_date(on))
    .fetch_all(&mut *conn)
    .await?;
    let link = format!("/meetings/{meeting_id}");
    for u in users {
        notify(conn, UserId(u), kind, title, Some(&link)).await?;
    }
    Ok(())
}

/// A meeting's date and status, its minutes' status, fixed quorum and attendance.
#[derive(FromRow)]
struct MeetingState {
    #[sqlx(try_from = "Text")]
    held_on: Date,
    #[sqlx(try_from = "Text")]
    status: MeetingStatus,
    #[sqlx(try_from = "OptText")]
    minutes_status: Option<MinutesStatus>,
    #[sqlx(try_from = "OptText")]
    quorum: Option<StoredQuorum>,
    present: Option<i64>,
}

/// A [`MeetingState`] with the meeting's association.
#[derive(FromRow)]
struct AssociationMeetingState {
    #[sqlx(try_from = "i64")]
    association_id: AssociationId,
    #[sqlx(flatten)]
    state: MeetingState,
}

/// The authority's control of one association and plan year, as of `today`.
pub async fn compliance(
    conn: &mut AnyConnection,
    association_id: AssociationId,
    settings: &ProfileSettings,
    year: i32,
    today: Date,
) -> Result<Compliance> {
    let rows: Vec<MeetingState> = sqlx::query_as(
        "SELECT m.held_on, m.status, n.status AS minutes_status, n.quorum, n.present
         FROM meetings m LEFT JOIN minutes n ON n.meeting_id = m.id
         WHERE m.association_id = $1 AND m.year = $2 AND m.status <> $3",
    )
    .bind(association_id.get())
    .bind(i64::from(year))
    .bind(MeetingStatus::Cancelled.code())
    .fetch_all(&mut *conn)
    .await?;
    Ok(tally(&rows, settings, year, today))
}

/// The compliance of the given associations (a page of a list), each under its profile's
/// settings, in one query: association → compliance (an association without meetings is not in
/// the map: [`compliance_without_meetings`]).
pub async fn compliance_of(
    conn: &mut AnyConnection,
    associations: &[(AssociationId, &ProfileSettings)],
    year: i32,
    today: Date,
) -> Result<std::collections::HashMap<i64, Compliance>> {
    if associations.is_empty() {
        return Ok(Default::default());
    }
    // Ids of the database, written as integers.
    let list: Vec<String> = associations.iter().map(|(a, _)| a.get().to_string()).collect();
    let rows: Vec<AssociationMeetingState> = sqlx::query_as(&format!(
        "SELECT m.association_id, m.held_on, m.status, n.status AS minutes_status, n.quorum, n.present
         FROM meetings m LEFT JOIN minutes n ON n.meeting_id = m.id
         WHERE m.association_id IN ({}) AND m.year = $1 AND m.status <> $2",
        list.join(", ")
    ))
    .bind(i64::from(year))
    .bind(MeetingStatus::Cancelled.code())
    .fetch_all(&mut *conn)
    .await?;
    let mut by: std::collections::HashMap<i64, Vec<MeetingState>> = std::collections::HashMap::new();
    for r in rows {
        by.entry(r.association_id.get()).or_default().push(r.state);
    }
    Ok(associations
        .iter()
        .filter_map(|(a, settings)| by.get(&a.get()).map(|rows| (a.get(), tally(rows, settings, year, today))))
        .collect())
}

/// The compliance of an association that has no meetings in the year.
pub fn compliance_without_meetings(settings: &ProfileSettings, year: i32, today: Date) -> Compliance {
    tally(&[], settings, year, today)
}

/// Counts a year's meetings (held on, status, minutes' status, quorum, present) against the minimum.
fn tally(rows: &[MeetingState], settings: &ProfileSettings, year: i32, today: Date) -> Compliance {
    let overdue_before = today - time::Duration::days(MINUTES_SIGN_DAYS);
    let mut c = Compliance {
        minimum: settings.min_meetings_per_year.value,
        valid_meetings: 0,
        planned_ahead: 0,
        days_left: 0,
        overdue_minutes: 0,
    };
    for r in rows {
        let held = r.status == MeetingStatus::Held;
        let signed = r.minutes_status == Some(MinutesStatus::Signed);
        // no quorum fixed: the minutes are not signed yet (and do not count)
        let q = r.quorum.as_ref().map_or(Quorum::NotRequired, |q| q.0);
        if counts_for_minimum(held, signed, r.present.unwrap_or(0).max(0) as usize, q) {
            c.valid_meetings += 1;
        }
        if r.status == MeetingStatus::Planned && r.held_on >= today {
            c.planned_ahead += 1;
        }
        // past its date and still not recorded, or its minutes not signed
        if !signed && r.held_on < overdue_before {
            c.overdue_minutes += 1;
        }
    }
    let (start, end) = year_bounds(settings.plan_period.value, year);
    c.days_left = if today > end { 0 } else { (end - today.max(start)).whole_days() + 1 };
    c
}
