//! Events (issue 14, `metoda_domain::events`): created by an association or the authority,
//! announced, registered for with a cap and a waiting list, held, cancelled. Every change is in the
//! audit trail; the people an event concerns are notified in the change's own transaction.
//!
//! The cap holds under concurrency: a registration first takes the event's row for writing (an
//! `UPDATE` of it), so registrations of one event are counted and written one after another on
//! both databases (SQLite's `BEGIN IMMEDIATE`, PostgreSQL's row lock). The lock lasts as long as
//! the transaction: every change here is called inside one (`Db::begin`), never in autocommit.

use metoda_domain::events::{
    Audience, EventAction, EventData, EventForm, EventFormat, EventStatus, Reach, Registration, RegistrationStatus,
    transition,
};
use metoda_domain::ids::{AssociationId, EventId, MunicipalityId, OrganizationId, TeacherId, UserId};
use metoda_domain::notify::NotificationKind;
use metoda_domain::paging::Paging;
use metoda_domain::results::Level;
use metoda_domain::values::capitalized;
use metoda_domain::values::{iso_date, iso_serde, ru_date};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use time::Date;

use crate::associations::{Association, NAME};
use crate::column::{Flag, OptId, OptText, Text};
use crate::query::{Arg, Where, bind_all};
use crate::{Actor, Result, StoreError, audit, notify, now};

/// An event as stored, with its organiser's name and its registrations counted.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Event {
    #[sqlx(try_from = "i64")]
    pub id: EventId,
    #[sqlx(try_from = "i64")]
    pub municipality_id: MunicipalityId,
    #[sqlx(try_from = "OptId")]
    pub association_id: Option<AssociationId>,
    /// The organising association's name (None: the authority's event).
    pub association_name: Option<String>,
    pub subgroup_id: Option<i64>,
    pub plan_item_id: Option<i64>,
    pub title: String,
    #[sqlx(try_from = "Text")]
    pub form: EventForm,
    #[sqlx(try_from = "Text")]
    pub audience: Audience,
    #[sqlx(try_from = "Text")]
    pub level: Level,
    #[sqlx(try_from = "Text")]
    pub format: EventFormat,
    #[sqlx(try_from = "Text")]
    pub reach: Reach,
    #[sqlx(try_from = "Text")]
    #[serde(with = "iso_serde")]
    pub starts_on: Date,
    pub starts_at: Option<String>,
    #[sqlx(try_from = "Text")]
    #[serde(with = "iso_serde")]
    pub ends_on: Date,
    #[sqlx(try_from = "OptId")]
    pub venue_organization_id: Option<OrganizationId>,
    pub venue_name: Option<String>,
    pub place_note: Option<String>,
    pub online_url: Option<String>,
    pub hours: i64,
    pub description: Option<String>,
    #[sqlx(try_from = "Flag")]
    pub registration_open: bool,
    pub cap: Option<i64>,
    #[sqlx(try_from = "OptText")]
    #[serde(with = "iso_serde::option")]
    pub registration_deadline: Option<Date>,
    #[sqlx(try_from = "Text")]
    pub status: EventStatus,
    pub outcome: Option<String>,
    pub cancel_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Raised by every change of the event: send it back with an edit (an older one gets 409).
    pub version: i64,
    /// Registrations holding a place.
    pub registered: i64,
    /// Registrations on the waiting list.
    pub waiting: i64,
    /// The first session of the series the event is a session of (None: not in a series).
    pub series_id: Option<i64>,
}

impl Event {
    pub fn registration(&self) -> Registration {
        Registration {
            open: self.registration_open,
            cap: self.cap.and_then(|c| u32::try_from(c).ok()),
            deadline: self.registration_deadline,
        }
    }
    /// «12.02.2027» or «12.02.2027 — 21.02.2027».
    pub fn dates(&self) -> String {
        if self.ends_on == self.starts_on {
            ru_date(self.starts_on)
        } else {
            format!("{} — {}", ru_date(self.starts_on), ru_date(self.ends_on))
        }
    }
    /// Places left (None: no cap).
    pub fn places_left(&self) -> Option<i64> {
        self.cap.map(|c| (c - self.registered).max(0))
    }
}

fn select() -> String {
    "SELECT e.id, e.municipality_id, e.association_id, a.name AS association_name, e.subgroup_id, e.plan_item_id,
        e.title, e.form, e.audience, e.level, e.format, e.reach, e.starts_on, e.starts_at, e.ends_on,
        e.venue_organization_id, o.short_name AS venue_name, e.place_note, e.online_url, e.hours, e.description,
        e.registration_open, e.cap, e.registration_deadline, e.status, e.outcome, e.cancel_reason,
        e.created_at, e.updated_at, e.version,
        (SELECT COUNT(*) FROM event_registrations r WHERE r.event_id = e.id AND r.status = 'registered') AS registered,
        (SELECT COUNT(*) FROM event_registrations r WHERE r.event_id = e.id AND r.status = 'waitlisted') AS waiting,
        e.series_id
     FROM events e
     LEFT JOIN associations a ON a.id = e.association_id
     LEFT JOIN organizations o ON o.id = e.venue_organization_id"
        .to_owned()
}

pub async fn get(conn: &mut AnyConnection, id: EventId) -> Result<Event> {
    sqlx::query_as(&format!("{} WHERE e.id = $1", select()))
        .bind(id.get())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Takes the event's row for writing until the transaction ends, and reads it.
async fn lock(conn: &mut AnyConnection, id: EventId) -> Result<Event> {
    let n = sqlx::query("UPDATE events SET version = version WHERE id = $1")
        .bind(id.get())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    get(conn, id).await
}

/// What the calendar shows: a municipality's events over a span, narrowed by the filters, and
/// only those the reader may see.
#[derive(Debug, Clone)]
pub struct CalendarFilter {
    pub municipality_id: MunicipalityId,
    pub from: Date,
    pub to: Date,
    pub association_id: Option<AssociationId>,
    pub form: Option<EventForm>,
    pub audience: Option<Audience>,
    pub level: Option<Level>,
    /// None: the reader sees every event of the municipality (the authority, the region); else
    /// the events for members only of these associations (the reader's own) besides the
    /// municipal and public ones.
    pub members_of: Option<Vec<AssociationId>>,
    /// None: drafts of every organiser are shown (the authority); else only these associations'
    /// drafts (the reader organises them).
    pub drafts_of: Option<Vec<AssociationId>>,
    /// Only events open to the public (the public calendar).
    pub public_only: bool,
    /// Only announced events this teacher may still register for themselves (open registration,
    /// the deadline not passed by `from`) and has not.
    pub open_for: Option<TeacherId>,
}

impl CalendarFilter {
    fn conditions(&self) -> Where {
        let mut w = Where::default();
        w.push("e.municipality_id = ?", Arg::I(self.municipality_id.get()));
        w.push("e.ends_on >= ?", Arg::S(iso_date(self.from)));
        // No event lasts longer than MAX_DAYS: this bound lets the index on the first day stop
        // at the span instead of reading the municipality's whole history.
        let earliest = self.from - time::Duration::days(metoda_domain::events::MAX_DAYS);
        w.push("e.starts_on >= ?", Arg::S(iso_date(earliest)));
        w.push("e.starts_on <= ?", Arg::S(iso_date(self.to)));
        if let Some(a) = self.association_id {
            let a = w.mark(Arg::I(a.get()));
            w.sql.push(format!(
                "(e.association_id = {a} OR e.id IN (SELECT c.event_id FROM event_coorganisers c WHERE c.association_id = {a}))"
            ));
        }
        if let Some(f) = self.form {
            w.push("e.form = ?", Arg::S(f.code().into()));
        }
        if let Some(a) = self.audience {
            w.push("e.audience = ?", Arg::S(a.code().into()));
        }
        if let Some(l) = self.level {
            w.push("e.level = ?", Arg::S(l.code().into()));
        }
        if self.public_only {
            w.sql.push("e.reach = 'public' AND e.status IN ('announced', 'held', 'archived')".into());
        }
        if let Some(t) = self.open_for {
            w.sql.push("e.status = 'announced' AND e.registration_open = 1".into());
            w.push("(e.registration_deadline IS NULL OR e.registration_deadline >= ?)", Arg::S(iso_date(self.from)));
            w.push(
                "NOT EXISTS (SELECT 1 FROM event_registrations r WHERE r.event_id = e.id AND r.teacher_id = ?
                   AND r.status <> 'cancelled')",
                Arg::I(t.get()),
            );
        }
        if let Some(own) = &self.members_of {
            let mine = if own.is_empty() {
                "0 = 1".to_owned()
            } else {
                let lead = w.ids("e.association_id", own);
                let co = w.ids("c.association_id", own);
                format!("{lead} OR e.id IN (SELECT c.event_id FROM event_coorganisers c WHERE {co})")
            };
            w.sql.push(format!("(e.reach <> 'members' OR {mine})"));
        }
        if let Some(own) = &self.drafts_of {
            let mine = if own.is_empty() { "0 = 1".to_owned() } else { w.ids("e.association_id", own) };
            w.sql.push(format!("(e.status <> 'draft' OR {mine})"));
        }
        w
    }
}

/// A page of the calendar (by first day, then time), and how many events it has in all.
pub async fn calendar(conn: &mut AnyConnection, f: &CalendarFilter, paging: Paging) -> Result<(Vec<Event>, i64)> {
    let w = f.conditions();
    let cond = w.sql.join(" AND ");
    let count = format!("SELECT COUNT(*) FROM events e WHERE {cond}");
    let total: i64 = bind_all!(sqlx::query_scalar(&count), &w.args).fetch_one(&mut *conn).await?;
    let n = w.args.len();
    let sql =
        format!("{} WHERE {cond} ORDER BY e.starts_on, e.starts_at, e.id LIMIT ${} OFFSET ${}", select(), n + 1, n + 2);
    let rows = bind_all!(sqlx::query_as(&sql), &w.args)
        .bind(paging.per_page)
        .bind(paging.offset())
        .fetch_all(&mut *conn)
        .await?;
    Ok((rows, total))
}

/// The events of these associations that wait on their organisers on `today`: announced ones
/// whose day has come (the registration sheet, then «held»), and held ones with someone present
/// still without a certificate. At most `limit`, oldest first.
pub async fn waiting_on_organisers(
    conn: &mut AnyConnection,
    associations: &[AssociationId],
    today: Date,
    limit: i64,
) -> Result<Vec<Event>> {
    if associations.is_empty() {
        return Ok(vec![]);
    }
    let mut w = Where::default();
    let within = w.ids("e.association_id", associations);
    let day = w.mark(Arg::S(iso_date(today)));
    let sql = format!(
        "{} WHERE {within} AND (
            (e.status = 'announced' AND e.starts_on <= {day})
            OR (e.status = 'held' AND e.hours > 0 AND EXISTS (
                SELECT 1 FROM event_registrations r WHERE r.event_id = e.id AND r.status = 'registered'
                  AND r.attended = 1 AND NOT EXISTS (
                    SELECT 1 FROM event_certificates c WHERE c.registration_id = r.id AND c.kind = 'participant'))))
         ORDER BY e.starts_on, e.id LIMIT {}",
        select(),
        w.mark(Arg::I(limit))
    );
    Ok(bind_all!(sqlx::query_as(&sql), &w.args).fetch_all(&mut *conn).await?)
}

/// The events (not drafts) of these associations over a span, and those of any organiser a
/// teacher is registered for, by date: what calendar feeds show. At most 1 000.
pub async fn for_feed(
    conn: &mut AnyConnection,
    associations: &[AssociationId],
    registered: Option<TeacherId>,
    from: Date,
    to: Date,
) -> Result<Vec<Event>> {
    let mut w = Where::default();
    let mut whose = vec![];
    if !associations.is_empty() {
        whose.push(w.ids("e.association_id", associations));
        let co = w.ids("c.association_id", associations);
        whose.push(format!("e.id IN (SELECT c.event_id FROM event_coorganisers c WHERE {co})"));
    }
    if let Some(t) = registered {
        let t = w.mark(Arg::I(t.get()));
        whose.push(format!(
            "e.id IN (SELECT r.event_id FROM event_registrations r WHERE r.teacher_id = {t} AND r.status <> 'cancelled')"
        ));
    }
    if whose.is_empty() {
        return Ok(vec![]);
    }
    let (a, b) = (w.mark(Arg::S(iso_date(from))), w.mark(Arg::S(iso_date(to))));
    let earliest = w.mark(Arg::S(iso_date(from - time::Duration::days(metoda_domain::events::MAX_DAYS))));
    let sql = format!(
        "{} WHERE ({}) AND e.status <> 'draft' AND e.ends_on >= {a} AND e.starts_on <= {b} AND e.starts_on >= {earliest}
         ORDER BY e.starts_on, e.id LIMIT 1000",
        select(),
        whose.join(" OR ")
    );
    Ok(bind_all!(sqlx::query_as(&sql), &w.args).fetch_all(&mut *conn).await?)
}

/// A teacher's live registrations of events ending on or after `from`, with the events, by date
/// (two statements whatever their number).
pub async fn of_teacher(
    conn: &mut AnyConnection,
    teacher_id: TeacherId,
    from: Date,
    limit: i64,
) -> Result<Vec<(Event, EventRegistration)>> {
    let cond = "e.ends_on >= $2 AND e.status IN ('announced', 'held')
        AND e.id IN (SELECT r.event_id FROM event_registrations r WHERE r.teacher_id = $1 AND r.status <> 'cancelled')";
    let events: Vec<Event> =
        sqlx::query_as(&format!("{} WHERE {cond} ORDER BY e.starts_on, e.starts_at, e.id LIMIT $3", select()))
            .bind(teacher_id.get())
            .bind(iso_date(from))
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?;
    let regs: Vec<EventRegistration> = sqlx::query_as(&format!(
        "{} WHERE r.teacher_id = $1 AND r.status <> 'cancelled'
           AND r.event_id IN (SELECT e.id FROM events e WHERE {cond})",
        select_registrations()
    ))
    .bind(teacher_id.get())
    .bind(iso_date(from))
    .fetch_all(&mut *conn)
    .await?;
    Ok(events
        .into_iter()
        .filter_map(|e| {
            let r = regs.iter().find(|r| r.event_id == e.id)?.clone();
            Some((e, r))
        })
        .collect())
}

/// Checks what an event refers to: the plan item and the subgroup are the association's, the
/// venue is an organization of the municipality.
async fn check_refs(
    conn: &mut AnyConnection,
    municipality_id: MunicipalityId,
    association: Option<&Association>,
    d: &EventData,
) -> Result<()> {
    if let Some(item) = d.plan_item_id {
        let owner: Option<i64> = sqlx::query_scalar(
            "SELECT p.association_id FROM plan_items i JOIN work_plans p ON p.id = i.plan_id WHERE i.id = $1",
        )
        .bind(item)
        .fetch_optional(&mut *conn)
        .await?;
        if owner.is_none() || owner != association.map(|a| a.id.get()) {
            return Err(StoreError::invalid("plan_item_id", "Пункт плана: выберите пункт плана этого объединения"));
        }
    }
    if let Some(sg) = d.subgroup_id {
        let owner: Option<i64> = sqlx::query_scalar("SELECT association_id FROM association_subgroups WHERE id = $1")
            .bind(sg)
            .fetch_optional(&mut *conn)
            .await?;
        if owner.is_none() || owner != association.map(|a| a.id.get()) {
            return Err(StoreError::invalid("subgroup_id", "Подразделение: выберите подразделение этого объединения"));
        }
    }
    if let Some(v) = d.venue_organization_id {
        let m: Option<i64> =
            sqlx::query_scalar("SELECT municipality_id FROM organizations WHERE id = $1 AND archived_at IS NULL")
                .bind(v)
                .fetch_optional(&mut *conn)
                .await?;
        if m != Some(municipality_id.get()) {
            return Err(StoreError::invalid(
                "venue_organization_id",
                "Площадка: выберите организацию этого муниципалитета",
            ));
        }
    }
    Ok(())
}

/// Sets the co-organisers of an event: active associations of its municipality other than its
/// organiser.
async fn set_coorganisers(conn: &mut AnyConnection, e: &Event, ids: &[i64]) -> Result<()> {
    if ids.iter().any(|id| Some(*id) == e.association_id.map(AssociationId::get)) {
        return Err(StoreError::invalid(
            "coorganiser_ids",
            "Соорганизаторы: организатор не бывает своим соорганизатором",
        ));
    }
    if !ids.is_empty() {
        let mut w = Where::default();
        let within = w.ids("id", &ids.iter().map(|i| AssociationId(*i)).collect::<Vec<_>>());
        let m = w.mark(Arg::I(e.municipality_id.get()));
        let sql =
            format!("SELECT COUNT(*) FROM associations WHERE {within} AND municipality_id = {m} AND status = 'active'");
        let found: i64 = bind_all!(sqlx::query_scalar(&sql), &w.args).fetch_one(&mut *conn).await?;
        if found != ids.len() as i64 {
            return Err(StoreError::invalid(
                "coorganiser_ids",
                "Соорганизаторы: выберите действующие объединения этого муниципалитета",
            ));
        }
    }
    sqlx::query("DELETE FROM event_coorganisers WHERE event_id = $1").bind(e.id.get()).execute(&mut *conn).await?;
    let t = now();
    for a in ids {
        sqlx::query("INSERT INTO event_coorganisers (event_id, association_id, created_at) VALUES ($1, $2, $3)")
            .bind(e.id.get())
            .bind(a)
            .bind(&t)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The co-organisers of an event: (association, its name), by name.
pub async fn coorganisers(conn: &mut AnyConnection, id: EventId) -> Result<Vec<(AssociationId, String)>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT a.id, a.name FROM event_coorganisers c JOIN associations a ON a.id = c.association_id
         WHERE c.event_id = $1 ORDER BY a.name, a.id",
    )
    .bind(id.get())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(a, n)| (AssociationId(a), n)).collect())
}

/// Whether one of these associations co-organises the event.
pub async fn coorganised_by(conn: &mut AnyConnection, id: EventId, associations: &[AssociationId]) -> Result<bool> {
    if associations.is_empty() {
        return Ok(false);
    }
    let mut w = Where::default();
    let within = w.ids("association_id", associations);
    let e = w.mark(Arg::I(id.get()));
    let sql = format!("SELECT COUNT(*) FROM event_coorganisers WHERE event_id = {e} AND {within}");
    let n: i64 = bind_all!(sqlx::query_scalar(&sql), &w.args).fetch_one(&mut *conn).await?;
    Ok(n > 0)
}

fn scope_of(municipality_id: MunicipalityId, region_id: metoda_domain::ids::RegionId) -> crate::audit::Scope {
    crate::audit::Scope { region_id: Some(region_id), municipality_id: Some(municipality_id) }
}

/// The columns of an event's own fields, in the order [`bind_data`] binds them.
const DATA_COLUMNS: &str = "subgroup_id, plan_item_id, title, form, audience, level, format, reach, starts_on, \
    starts_at, ends_on, venue_organization_id, place_note, online_url, hours, description, registration_open, cap, \
    registration_deadline";

/// Binds an event's own fields as the next parameters, in the order of [`DATA_COLUMNS`].
fn bind_data<'q, O>(
    q: sqlx::query::QueryScalar<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    d: &'q EventData,
) -> sqlx::query::QueryScalar<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    q.bind(d.subgroup_id)
        .bind(d.plan_item_id)
        .bind(&d.title)
        .bind(d.form.code())
        .bind(d.audience.code())
        .bind(d.level.code())
        .bind(d.format.code())
        .bind(d.reach.code())
        .bind(iso_date(d.starts_on))
        .bind(d.starts_at.as_deref())
        .bind(iso_date(d.ends_on))
        .bind(d.venue_organization_id)
        .bind(d.place_note.as_deref())
        .bind(d.online_url.as_deref())
        .bind(i64::from(d.hours))
        .bind(d.description.as_deref())
        .bind(i64::from(d.registration.open))
        .bind(d.registration.cap.map(i64::from))
        .bind(d.registration.deadline.map(iso_date))
}

/// Creates an event (a draft) of an association, or of the authority when `association` is None.
pub async fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    municipality_id: MunicipalityId,
    region_id: metoda_domain::ids::RegionId,
    association: Option<&Association>,
    d: &EventData,
) -> Result<Event> {
    check_refs(conn, municipality_id, association, d).await?;
    let t = now();
    // The event's own fields are $1–$19 (`bind_data`), then where it belongs and who made it.
    let sql = format!(
        "INSERT INTO events ({DATA_COLUMNS}, municipality_id, association_id, status, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
            $20, $21, $22, $23, $24, $24) RETURNING id"
    );
    let id: i64 = bind_data(sqlx::query_scalar(&sql), d)
        .bind(municipality_id.get())
        .bind(association.map(|a| a.id.get()))
        .bind(EventStatus::Draft.code())
        .bind(actor.user_id.map(i64::from))
        .bind(&t)
        .fetch_one(&mut *conn)
        .await?;
    let e = get(conn, EventId(id)).await?;
    set_coorganisers(conn, &e, &d.coorganisers).await?;
    let summary = format!("Создано мероприятие «{}» ({}), {}", e.title, e.form.label_ru(), e.dates());
    audit::record_change(conn, actor, scope_of(municipality_id, region_id), "event", id, "create", &summary, None, &e)
        .await?;
    Ok(e)
}

/// Adds a session to the series of event `id` (making it one): a new draft on day `on` with the
/// event's own fields, subgroup and co-organisers, to be announced and held as any event. Not to
/// a cancelled event; the day is the series' own (no two sessions on one day).
pub async fn add_session(
    conn: &mut AnyConnection,
    actor: &Actor,
    region_id: metoda_domain::ids::RegionId,
    id: EventId,
    on: Date,
) -> Result<Event> {
    let e = lock(conn, id).await?;
    if e.status == EventStatus::Cancelled {
        return Err(StoreError::Conflict("Мероприятие отменено: занятия к нему не добавляют".into()));
    }
    let series = e.series_id.unwrap_or(e.id.get());
    let taken: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM events WHERE (series_id = $1 OR id = $1) AND starts_on = $2 AND status <> 'cancelled'",
    )
    .bind(series)
    .bind(iso_date(on))
    .fetch_one(&mut *conn)
    .await?;
    if taken > 0 {
        return Err(StoreError::invalid(
            "on",
            format!("День: на {} занятие серии уже есть", metoda_domain::values::ru_date(on)),
        ));
    }
    let t = now();
    let new: i64 = sqlx::query_scalar(
        "INSERT INTO events (municipality_id, association_id, subgroup_id, title, form, audience, level, format, reach,
            starts_on, starts_at, ends_on, venue_organization_id, place_note, online_url, hours, description,
            registration_open, cap, status, created_by, created_at, updated_at, series_id)
         SELECT municipality_id, association_id, subgroup_id, title, form, audience, level, format, reach,
            $1, starts_at, $1, venue_organization_id, place_note, online_url, hours, description,
            registration_open, cap, 'draft', $2, $3, $3, $4
         FROM events WHERE id = $5 RETURNING id",
    )
    .bind(iso_date(on))
    .bind(actor.user_id.map(i64::from))
    .bind(&t)
    .bind(series)
    .bind(id.get())
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO event_coorganisers (event_id, association_id, created_at)
         SELECT $1, association_id, $2 FROM event_coorganisers WHERE event_id = $3",
    )
    .bind(new)
    .bind(&t)
    .bind(id.get())
    .execute(&mut *conn)
    .await?;
    if e.series_id.is_none() {
        sqlx::query("UPDATE events SET series_id = id WHERE id = $1").bind(id.get()).execute(&mut *conn).await?;
    }
    let created = get(conn, EventId(new)).await?;
    let summary = format!("«{}»: добавлено занятие серии на {}", created.title, created.dates());
    let scope = scope_of(created.municipality_id, region_id);
    audit::record_change(conn, actor, scope, "event", new, "create", &summary, None, &created).await?;
    Ok(created)
}

/// The sessions of a series by day (cancelled ones too, marked by their status).
pub async fn series(conn: &mut AnyConnection, series_id: i64) -> Result<Vec<Event>> {
    Ok(sqlx::query_as(&format!("{} WHERE e.series_id = $1 ORDER BY e.starts_on, e.id", select()))
        .bind(series_id)
        .fetch_all(&mut *conn)
        .await?)
}

/// Who came to the sessions of a series: each person marked present, and at how many sessions.
/// By the number of sessions, most first, then by name.
pub async fn series_attendance(conn: &mut AnyConnection, series_id: i64) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as(&format!(
        "SELECT COALESCE({NAME}, r.guest_name) AS name, COUNT(*) AS sessions
         FROM event_registrations r JOIN events e ON e.id = r.event_id LEFT JOIN teachers t ON t.id = r.teacher_id
         WHERE e.series_id = $1 AND r.attended = 1 AND r.status = 'registered'
         GROUP BY r.teacher_id, COALESCE({NAME}, r.guest_name)
         ORDER BY sessions DESC, name"
    ))
    .bind(series_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Changes an announced or draft event; the registered are told of the change.
pub async fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    region_id: metoda_domain::ids::RegionId,
    association: Option<&Association>,
    id: EventId,
    d: &EventData,
    version: Option<i64>,
) -> Result<Event> {
    let old = lock(conn, id).await?;
    crate::bump_version(conn, "events", id.get(), version).await?;
    if !matches!(old.status, EventStatus::Draft | EventStatus::Announced) {
        return Err(StoreError::Conflict(format!("Мероприятие {}: его уже не меняют", old.status.label_ru())));
    }
    check_refs(conn, old.municipality_id, association, d).await?;
    if let Some(cap) = d.registration.cap
        && i64::from(cap) < old.registered
    {
        return Err(StoreError::invalid(
            "cap",
            format!("Число мест: уже зарегистрировано {}, меньше нельзя — отмените лишние регистрации", old.registered),
        ));
    }
    let set: Vec<String> = DATA_COLUMNS.split(", ").enumerate().map(|(k, c)| format!("{c} = ${}", k + 1)).collect();
    let sql = format!("UPDATE events SET {}, updated_at = $20 WHERE id = $21 RETURNING id", set.join(", "));
    let _: i64 = bind_data(sqlx::query_scalar(&sql), d).bind(now()).bind(id.get()).fetch_one(&mut *conn).await?;
    set_coorganisers(conn, &old, &d.coorganisers).await?;
    // A raised cap makes room for the waiting.
    promote(conn, id).await?;
    let new = get(conn, id).await?;
    let summary = format!("Изменено мероприятие «{}»", new.title);
    audit::record_change(
        conn,
        actor,
        scope_of(new.municipality_id, region_id),
        "event",
        id.get(),
        "update",
        &summary,
        Some(&old),
        &new,
    )
    .await?;
    let moved = (old.starts_on, &old.starts_at, old.ends_on) != (new.starts_on, &new.starts_at, new.ends_on)
        || old.venue_organization_id != new.venue_organization_id
        || old.place_note != new.place_note
        || old.online_url != new.online_url;
    if old.status == EventStatus::Announced && moved {
        let title = format!("Мероприятие «{}» изменено: {}{}", new.title, new.dates(), at(&new));
        tell_registered(conn, &new, NotificationKind::EventChanged, &title).await?;
    }
    Ok(new)
}

/// « в 15:00» or nothing.
fn at(e: &Event) -> String {
    e.starts_at.as_ref().map(|t| format!(" в {t}")).unwrap_or_default()
}

/// The accounts of the teachers registered (or waiting) for the event.
async fn registered_users(conn: &mut AnyConnection, id: EventId) -> Result<Vec<UserId>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT t.user_id FROM event_registrations r JOIN teachers t ON t.id = r.teacher_id
         WHERE r.event_id = $1 AND r.status <> 'cancelled' AND t.user_id IS NOT NULL",
    )
    .bind(id.get())
    .fetch_all(&mut *conn)
    .await?;
    Ok(ids.into_iter().map(UserId).collect())
}

async fn tell_registered(conn: &mut AnyConnection, e: &Event, kind: NotificationKind, title: &str) -> Result<()> {
    let to = registered_users(conn, e.id).await?;
    notify::notify_all(conn, &to, kind, title, Some(&format!("/events/{}", e.id))).await
}

/// The accounts an announcement reaches, as a query of `user_id`s and its arguments: the members
/// of the organiser and its co-organisers (or, for the authority's events and a municipality-wide
/// or public reach, every teacher of the municipality with an account).
fn reached_users(e: &Event) -> (String, Vec<Arg>) {
    match (e.reach, e.association_id) {
        (Reach::Members, Some(a)) => (
            "SELECT t.user_id FROM association_members am JOIN teachers t ON t.id = am.teacher_id
             WHERE (am.association_id = $1
                    OR am.association_id IN (SELECT c.association_id FROM event_coorganisers c WHERE c.event_id = $2))
               AND am.left_on IS NULL AND t.user_id IS NOT NULL AND t.archived_at IS NULL"
                .into(),
            vec![Arg::I(a.get()), Arg::I(e.id.get())],
        ),
        _ => (
            "SELECT user_id FROM teachers WHERE municipality_id = $1 AND user_id IS NOT NULL AND archived_at IS NULL"
                .into(),
            vec![Arg::I(e.municipality_id.get())],
        ),
    }
}

/// Announces, marks held, cancels (with a reason) or archives the event. Announcing tells those
/// the announcement reaches; cancelling tells the registered.
pub async fn act(
    conn: &mut AnyConnection,
    actor: &Actor,
    region_id: metoda_domain::ids::RegionId,
    id: EventId,
    action: EventAction,
    reason: Option<&str>,
) -> Result<Event> {
    let old = lock(conn, id).await?;
    let status = transition(old.status, action).map_err(StoreError::Conflict)?;
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if action == EventAction::Cancel && reason.is_none() {
        return Err(StoreError::invalid("reason", "Причина отмены: укажите её — её увидят зарегистрированные"));
    }
    let t = now();
    let column = match action {
        EventAction::Announce => "announced_at",
        EventAction::MarkHeld => "held_at",
        EventAction::Cancel => "cancelled_at",
        EventAction::Archive => "updated_at",
    };
    sqlx::query(&format!(
        "UPDATE events SET status = $1, {column} = $2, updated_at = $2, cancel_reason = COALESCE($3, cancel_reason),
            version = version + 1 WHERE id = $4"
    ))
    .bind(status.code())
    .bind(&t)
    .bind(reason)
    .bind(id.get())
    .execute(&mut *conn)
    .await?;
    let new = get(conn, id).await?;
    let summary = format!("Мероприятие «{}»: {}", new.title, status.label_ru());
    audit::record_change(
        conn,
        actor,
        scope_of(new.municipality_id, region_id),
        "event",
        id.get(),
        "update",
        &summary,
        Some(&old),
        &new,
    )
    .await?;
    match action {
        EventAction::Announce => {
            let (to, args) = reached_users(&new);
            let title = format!("{}: «{}», {}{}", capitalized(new.form.label_ru()), new.title, new.dates(), at(&new));
            let link = format!("/events/{id}");
            notify::notify_selected(conn, &to, &args, NotificationKind::EventAnnounced, &title, Some(&link)).await?;
        }
        EventAction::Cancel => {
            let title = format!("Мероприятие «{}» {} отменено: {}", new.title, new.dates(), reason.unwrap_or_default());
            tell_registered(conn, &new, NotificationKind::EventChanged, &title).await?;
        }
        EventAction::MarkHeld => {
            speaker_results(conn, actor, &new).await?;
            staff_results(conn, actor, &new).await?;
            if let Some(item) = new.plan_item_id {
                // The plan item the event carries out is done; the event (its `plan_item_id`) is
                // the evidence.
                let done: Option<i64> = sqlx::query_scalar(
                    "UPDATE plan_items SET status = 'done', status_reason = NULL, updated_at = $1, version = version + 1
                     WHERE id = $2 AND status IN ('planned', 'moved') RETURNING id",
                )
                .bind(&t)
                .bind(item)
                .fetch_optional(&mut *conn)
                .await?;
                if done.is_some() {
                    let summary = format!("Пункт плана выполнен: проведено мероприятие «{}»", new.title);
                    let after = serde_json::json!({"status": "done", "event_id": new.id});
                    let scope = scope_of(new.municipality_id, region_id);
                    audit::record(conn, actor, scope, "plan_item", Some(item), "update", &summary, None, Some(&after))
                        .await?;
                }
            }
        }
        EventAction::Archive => {}
    }
    Ok(new)
}

/// A registration of an event.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct EventRegistration {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub event_id: EventId,
    #[sqlx(try_from = "OptId")]
    pub teacher_id: Option<TeacherId>,
    /// The teacher's full name, or the guest's.
    pub name: String,
    /// The teacher's organization, or the guest's.
    pub organization: Option<String>,
    #[sqlx(try_from = "Text")]
    pub status: RegistrationStatus,
    #[sqlx(try_from = "Flag")]
    pub walk_in: bool,
    pub attended: Option<i64>,
    pub created_at: String,
}

fn select_registrations() -> String {
    format!(
        "SELECT r.id, r.event_id, r.teacher_id, COALESCE({NAME}, r.guest_name) AS name,
            COALESCE(o.short_name, r.guest_organization) AS organization, r.status, r.walk_in, r.attended, r.created_at
         FROM event_registrations r LEFT JOIN teachers t ON t.id = r.teacher_id
         LEFT JOIN organizations o ON o.id = t.organization_id"
    )
}

/// The live registrations of an event: the registered in order, then the waiting list in order.
pub async fn registrations(conn: &mut AnyConnection, id: EventId) -> Result<Vec<EventRegistration>> {
    Ok(sqlx::query_as(&format!(
        "{} WHERE r.event_id = $1 AND r.status <> 'cancelled'
         ORDER BY CASE r.status WHEN 'registered' THEN 0 ELSE 1 END, r.id",
        select_registrations()
    ))
    .bind(id.get())
    .fetch_all(&mut *conn)
    .await?)
}

/// Who registers.
#[derive(Debug, Clone)]
pub enum Registrant<'a> {
    Teacher(TeacherId),
    /// A person outside the bank (another municipality's teacher, a guest), by name.
    Guest {
        name: &'a str,
        organization: Option<&'a str>,
    },
}

/// A registrant as the registration's columns: the teacher, or the guest's name and organization
/// (checked).
#[allow(clippy::type_complexity)]
fn columns_of(who: Registrant<'_>) -> Result<(Option<i64>, Option<String>, Option<String>)> {
    match who {
        Registrant::Teacher(t) => Ok((Some(t.get()), None, None)),
        Registrant::Guest { name, organization } => {
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 200 {
                return Err(StoreError::invalid("guest_name", "Фамилия, имя, отчество гостя: от 1 до 200 символов"));
            }
            let org = organization.map(str::trim).filter(|o| !o.is_empty()).map(str::to_owned);
            Ok((None, Some(name.to_owned()), org))
        }
    }
}

/// Registers a teacher or a guest: a place while there is one, else the waiting list. `by_self`:
/// the person registers themselves (refused when registration is closed or past its deadline, or
/// the event is not announced); organisers register people on an announced event at any time.
pub async fn register(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: EventId,
    who: Registrant<'_>,
    by_self: bool,
    today: Date,
) -> Result<EventRegistration> {
    let e = lock(conn, id).await?;
    if by_self {
        if let Some(why) = e.registration().refuses_self(e.status, today) {
            return Err(StoreError::Conflict(why.into()));
        }
    } else if e.status != EventStatus::Announced {
        return Err(StoreError::Conflict("Регистрация открыта только на объявленное мероприятие".into()));
    }
    let status = e.registration().admit(u32::try_from(e.registered).unwrap_or(u32::MAX));
    let (teacher, guest, org) = columns_of(who)?;
    let t = now();
    let rid: i64 = sqlx::query_scalar(
        "INSERT INTO event_registrations (event_id, teacher_id, guest_name, guest_organization, status, registered_by,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(id.get())
    .bind(teacher)
    .bind(guest)
    .bind(org)
    .bind(status.code())
    .bind(actor.user_id.map(i64::from))
    .bind(&t)
    .fetch_one(&mut *conn)
    .await
    .map_err(crate::unique("Этот педагог уже зарегистрирован на мероприятие"))?;
    let r = registration(conn, rid).await?;
    let summary = format!("{} — «{}»: {}", r.name, e.title, status.label_ru());
    let scope = event_scope(conn, &e).await?;
    audit::record_change(conn, actor, scope, "event_registration", rid, "create", &summary, None, &r).await?;
    Ok(r)
}

async fn event_scope(conn: &mut AnyConnection, e: &Event) -> Result<crate::audit::Scope> {
    let region: i64 = sqlx::query_scalar("SELECT region_id FROM municipalities WHERE id = $1")
        .bind(e.municipality_id.get())
        .fetch_one(&mut *conn)
        .await?;
    Ok(scope_of(e.municipality_id, metoda_domain::ids::RegionId(region)))
}

pub async fn registration(conn: &mut AnyConnection, rid: i64) -> Result<EventRegistration> {
    sqlx::query_as(&format!("{} WHERE r.id = $1", select_registrations()))
        .bind(rid)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Cancels a registration; a place it held goes to the first on the waiting list, who is told.
pub async fn cancel_registration(conn: &mut AnyConnection, actor: &Actor, rid: i64) -> Result<EventRegistration> {
    let event_id = registration(conn, rid).await?.event_id;
    let e = lock(conn, event_id).await?;
    // Read again under the lock: two cancellations at once cancel once.
    let old = registration(conn, rid).await?;
    if old.status == RegistrationStatus::Cancelled {
        return Err(StoreError::Conflict("Регистрация уже отменена".into()));
    }
    if !matches!(e.status, EventStatus::Draft | EventStatus::Announced) {
        return Err(StoreError::Conflict(format!("Мероприятие {}: регистрацию уже не отменяют", e.status.label_ru())));
    }
    sqlx::query("UPDATE event_registrations SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(RegistrationStatus::Cancelled.code())
        .bind(now())
        .bind(rid)
        .execute(&mut *conn)
        .await?;
    let new = registration(conn, rid).await?;
    let summary = format!("{} — «{}»: регистрация отменена", new.name, e.title);
    let scope = event_scope(conn, &e).await?;
    audit::record_change(conn, actor, scope, "event_registration", rid, "update", &summary, Some(&old), &new).await?;
    promote(conn, e.id).await?;
    Ok(new)
}

/// Moves the first of the waiting list up into the places free (the event's row is locked by the
/// caller), and tells each promoted teacher.
async fn promote(conn: &mut AnyConnection, id: EventId) -> Result<()> {
    let e = get(conn, id).await?;
    let n = e
        .registration()
        .promotions(u32::try_from(e.registered).unwrap_or(u32::MAX), u32::try_from(e.waiting).unwrap_or(u32::MAX));
    if n == 0 {
        return Ok(());
    }
    let first: Vec<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT r.id, t.user_id FROM event_registrations r LEFT JOIN teachers t ON t.id = r.teacher_id
         WHERE r.event_id = $1 AND r.status = 'waitlisted' ORDER BY r.id LIMIT $2",
    )
    .bind(id.get())
    .bind(i64::from(n))
    .fetch_all(&mut *conn)
    .await?;
    let t = now();
    for (rid, user) in first {
        sqlx::query("UPDATE event_registrations SET status = 'registered', updated_at = $1 WHERE id = $2")
            .bind(&t)
            .bind(rid)
            .execute(&mut *conn)
            .await?;
        if let Some(u) = user {
            let title = format!("Освободилось место: вы зарегистрированы на «{}», {}{}", e.title, e.dates(), at(&e));
            notify::notify(
                conn,
                UserId(u),
                NotificationKind::RegistrationConfirmed,
                &title,
                Some(&format!("/events/{id}")),
            )
            .await?;
        }
    }
    Ok(())
}

/// Marks the registration sheet: present or absent, per registration of the event. Only a
/// registration holding a place is marked (the waiting list did not come in), and only while the
/// event is announced (on its day) or held.
pub async fn mark_attendance(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: EventId,
    marks: &[(i64, bool)],
) -> Result<Event> {
    let e = lock(conn, id).await?;
    sheet_open(&e)?;
    let live = registrations(conn, id).await?;
    for (rid, _) in marks {
        match live.iter().find(|r| r.id == *rid) {
            Some(r) if r.status == RegistrationStatus::Registered => {}
            Some(r) => {
                return Err(StoreError::invalid(
                    "attended",
                    format!("{}: {} — отмечают только зарегистрированных", r.name, r.status.label_ru()),
                ));
            }
            None => return Err(StoreError::invalid("attended", "В листе нет такой регистрации; обновите страницу")),
        }
    }
    let t = now();
    for (rid, present) in marks {
        sqlx::query("UPDATE event_registrations SET attended = $1, updated_at = $2 WHERE id = $3")
            .bind(i64::from(*present))
            .bind(&t)
            .bind(rid)
            .execute(&mut *conn)
            .await?;
    }
    let present = marks.iter().filter(|(_, p)| *p).count();
    let summary = format!("Лист регистрации «{}»: присутствовали {present} из {}", e.title, marks.len());
    let scope = event_scope(conn, &e).await?;
    audit::record_change(conn, actor, scope, "event", id.get(), "update", &summary, None, &marks.to_vec()).await?;
    get(conn, id).await
}

/// The registration sheet is filled while the event is announced (on its day) or held.
fn sheet_open(e: &Event) -> Result<()> {
    if !matches!(e.status, EventStatus::Announced | EventStatus::Held) {
        return Err(StoreError::Conflict(format!(
            "Мероприятие {}: лист регистрации не заполняют",
            e.status.label_ru()
        )));
    }
    Ok(())
}

/// Adds someone who came without registering (a walk-in): registered and present at once, beyond
/// the cap (they are in the room).
pub async fn add_walk_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: EventId,
    who: Registrant<'_>,
) -> Result<EventRegistration> {
    let e = lock(conn, id).await?;
    sheet_open(&e)?;
    let (teacher, guest, org) = columns_of(who)?;
    let t = now();
    let rid: i64 = sqlx::query_scalar(
        "INSERT INTO event_registrations (event_id, teacher_id, guest_name, guest_organization, status, walk_in,
            attended, registered_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 1, 1, $6, $7, $7) RETURNING id",
    )
    .bind(id.get())
    .bind(teacher)
    .bind(guest)
    .bind(org)
    .bind(RegistrationStatus::Registered.code())
    .bind(actor.user_id.map(i64::from))
    .bind(&t)
    .fetch_one(&mut *conn)
    .await
    .map_err(crate::unique("Этот педагог уже в листе регистрации"))?;
    let r = registration(conn, rid).await?;
    let summary = format!("{} — «{}»: пришёл без регистрации", r.name, e.title);
    let scope = event_scope(conn, &e).await?;
    audit::record_change(conn, actor, scope, "event_registration", rid, "create", &summary, None, &r).await?;
    Ok(r)
}

/// A certificate as its public verification page shows it: whose, of what, when — nothing else.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Certificate {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub event_id: EventId,
    /// The registration certified (a participant's certificate, a diploma).
    pub registration_id: Option<i64>,
    /// The programme item certified (a speaker's certificate).
    pub programme_id: Option<i64>,
    #[sqlx(try_from = "Text")]
    pub kind: metoda_domain::events::CertificateKind,
    pub number: String,
    pub code: String,
    /// The holder's full name.
    pub name: String,
    /// The holder's card in the bank (none for a guest).
    #[sqlx(try_from = "OptId")]
    pub teacher_id: Option<TeacherId>,
    /// A speaker's topic.
    pub topic: Option<String>,
    pub event_title: String,
    #[sqlx(try_from = "Text")]
    #[serde(with = "iso_serde")]
    pub starts_on: Date,
    #[sqlx(try_from = "Text")]
    #[serde(with = "iso_serde")]
    pub ends_on: Date,
    pub hours: i64,
    pub issued_at: String,
    pub revoked_at: Option<String>,
}

fn select_certificates() -> String {
    format!(
        "SELECT c.id, c.event_id, c.registration_id, c.programme_id, c.kind, c.number, c.code,
            COALESCE({NAME}, r.guest_name, p.speaker_name) AS name, t.id AS teacher_id, p.topic,
            e.title AS event_title, e.starts_on, e.ends_on, e.hours, c.issued_at, c.revoked_at
         FROM event_certificates c LEFT JOIN event_registrations r ON r.id = c.registration_id
         LEFT JOIN event_programme p ON p.id = c.programme_id
         JOIN events e ON e.id = c.event_id LEFT JOIN teachers t ON t.id = COALESCE(r.teacher_id, p.speaker_teacher_id)"
    )
}

/// The certificates of an event, by number.
pub async fn certificates(conn: &mut AnyConnection, id: EventId) -> Result<Vec<Certificate>> {
    Ok(sqlx::query_as(&format!("{} WHERE c.event_id = $1 ORDER BY c.seq", select_certificates()))
        .bind(id.get())
        .fetch_all(&mut *conn)
        .await?)
}

/// A certificate by its id.
pub async fn certificate(conn: &mut AnyConnection, id: i64) -> Result<Certificate> {
    sqlx::query_as(&format!("{} WHERE c.id = $1", select_certificates()))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// A certificate by its verification code (the public page), revoked ones included.
pub async fn verify(conn: &mut AnyConnection, code: &str) -> Result<Option<Certificate>> {
    Ok(sqlx::query_as(&format!("{} WHERE c.code = $1", select_certificates()))
        .bind(code)
        .fetch_optional(&mut *conn)
        .await?)
}

/// Issues the participants' certificates of a held event: one to each registration marked
/// present that has none yet; numbered in order, each with its own verification code. Returns
/// how many were issued.
pub async fn issue_participant_certificates(conn: &mut AnyConnection, actor: &Actor, id: EventId) -> Result<usize> {
    use metoda_domain::events::CertificateKind;
    let e = lock(conn, id).await?;
    held(&e, "Сертификаты выдают после проведения: отметьте мероприятие проведённым")?;
    let kind = CertificateKind::Participant;
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT r.id FROM event_registrations r WHERE r.event_id = $1 AND r.status = 'registered' AND r.attended = 1
           AND NOT EXISTS (SELECT 1 FROM event_certificates c WHERE c.registration_id = r.id AND c.kind = $2)
         ORDER BY r.id",
    )
    .bind(id.get())
    .bind(kind.code())
    .fetch_all(&mut *conn)
    .await?;
    let due: Vec<(Holder, CertificateKind)> = due.into_iter().map(|r| (Holder::Registration(r), kind)).collect();
    issue(conn, actor, &e, &due, "сертификатов участника").await
}

/// Issues the speakers' certificates («свидетельство выступающего») of a held event: one to each
/// item of its programme that has none yet — a speaker of the bank or a guest, certified for what
/// they presented without being counted among the participants. Returns how many were issued.
pub async fn issue_speaker_certificates(conn: &mut AnyConnection, actor: &Actor, id: EventId) -> Result<usize> {
    use metoda_domain::events::CertificateKind;
    let e = lock(conn, id).await?;
    held(&e, "Свидетельства выступающих выдают после проведения: отметьте мероприятие проведённым")?;
    let kind = CertificateKind::Speaker;
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT p.id FROM event_programme p WHERE p.event_id = $1
           AND NOT EXISTS (SELECT 1 FROM event_certificates c WHERE c.programme_id = p.id AND c.kind = $2)
         ORDER BY p.position, p.id",
    )
    .bind(id.get())
    .bind(kind.code())
    .fetch_all(&mut *conn)
    .await?;
    let due: Vec<(Holder, CertificateKind)> = due.into_iter().map(|p| (Holder::Programme(p), kind)).collect();
    issue(conn, actor, &e, &due, "свидетельств выступающего").await
}

/// Whom a certificate is issued to.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(tag = "to", content = "id", rename_all = "snake_case")]
enum Holder {
    /// A registration: a participant's certificate or a diploma.
    Registration(i64),
    /// A programme item: a speaker's certificate.
    Programme(i64),
}

/// Issues the diplomas of a held contest or olympiad: a winner's or a prize-winner's to each
/// placement that has none yet. Returns how many were issued.
pub async fn issue_diplomas(conn: &mut AnyConnection, actor: &Actor, id: EventId) -> Result<usize> {
    use metoda_domain::events::CertificateKind;
    let e = lock(conn, id).await?;
    held(&e, "Дипломы выдают после проведения: отметьте мероприятие проведённым")?;
    let due: Vec<(i64, String)> = sqlx::query_as(
        "SELECT p.registration_id, p.placement FROM event_placements p WHERE p.event_id = $1
           AND NOT EXISTS (SELECT 1 FROM event_certificates c WHERE c.registration_id = p.registration_id
                             AND c.kind IN ('winner', 'prizewinner'))
         ORDER BY p.id",
    )
    .bind(id.get())
    .fetch_all(&mut *conn)
    .await?;
    let due: Vec<(Holder, CertificateKind)> = due
        .into_iter()
        .map(|(r, p)| {
            (
                Holder::Registration(r),
                if p == "winner" { CertificateKind::Winner } else { CertificateKind::Prizewinner },
            )
        })
        .collect();
    issue(conn, actor, &e, &due, "дипломов").await
}

fn held(e: &Event, why: &str) -> Result<()> {
    if e.status != EventStatus::Held {
        return Err(StoreError::Conflict(why.into()));
    }
    Ok(())
}

/// Writes the certificates `due` (registration, kind) of a held event, numbered on from the
/// event's last, each with its own verification code; `what` names them in the audit trail.
async fn issue(
    conn: &mut AnyConnection,
    actor: &Actor,
    e: &Event,
    due: &[(Holder, metoda_domain::events::CertificateKind)],
    what: &str,
) -> Result<usize> {
    let mut seq: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM event_certificates WHERE event_id = $1")
        .bind(e.id.get())
        .fetch_one(&mut *conn)
        .await?;
    let t = now();
    for (holder, kind) in due {
        seq += 1;
        // The code: 16 random bytes as hex, the key of the public page.
        let code = crate::sessions::secret("").chars().take(32).collect::<String>();
        let (registration, item) = match *holder {
            Holder::Registration(r) => (Some(r), None),
            Holder::Programme(p) => (None, Some(p)),
        };
        sqlx::query(
            "INSERT INTO event_certificates
                (event_id, registration_id, programme_id, kind, seq, number, code, issued_by, issued_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(e.id.get())
        .bind(registration)
        .bind(item)
        .bind(kind.code())
        .bind(seq)
        .bind(metoda_domain::events::certificate_number(e.id.get(), seq))
        .bind(code)
        .bind(actor.user_id.map(i64::from))
        .bind(&t)
        .execute(&mut *conn)
        .await?;
    }
    if !due.is_empty() {
        let summary = format!("«{}»: выдано {what} — {}", e.title, due.len());
        let scope = event_scope(conn, e).await?;
        let to: Vec<Holder> = due.iter().map(|(h, _)| *h).collect();
        audit::record_change(conn, actor, scope, "event", e.id.get(), "update", &summary, None, &to).await?;
    }
    Ok(due.len())
}

/// Revokes a certificate with a reason; its page then says it is revoked.
pub async fn revoke_certificate(
    conn: &mut AnyConnection,
    actor: &Actor,
    certificate_id: i64,
    reason: &str,
) -> Result<()> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(StoreError::invalid("reason", "Причина отзыва: укажите её"));
    }
    let n = sqlx::query(
        "UPDATE event_certificates SET revoked_at = $1, revoke_reason = $2 WHERE id = $3 AND revoked_at IS NULL",
    )
    .bind(now())
    .bind(reason)
    .bind(certificate_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Conflict("Сертификат уже отозван или не найден".into()));
    }
    let (event_id, number): (i64, String) =
        sqlx::query_as("SELECT event_id, number FROM event_certificates WHERE id = $1")
            .bind(certificate_id)
            .fetch_one(&mut *conn)
            .await?;
    let e = get(conn, EventId(event_id)).await?;
    let scope = event_scope(conn, &e).await?;
    let summary = format!("Отозван сертификат № {number} («{}»): {reason}", e.title);
    audit::record_change(conn, actor, scope, "event_certificate", certificate_id, "update", &summary, None, &reason)
        .await?;
    Ok(())
}

/// Attaches a material or a photograph to an event (a talk, a presentation, a decision; 001 §6.1
/// event documents), in the academic year of its first day. Not to a cancelled event.
pub async fn attach_material(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: EventId,
    title: &str,
    content: crate::attachments::Content<'_>,
) -> Result<crate::attachments::Attachment> {
    use metoda_domain::files::{AttachmentKind, AttachmentOwner};
    let e = lock(conn, id).await?;
    if e.status == EventStatus::Cancelled {
        return Err(StoreError::Conflict("Мероприятие отменено: материалы к нему не прикладывают".into()));
    }
    let scope = event_scope(conn, &e).await?;
    let year = metoda_domain::teachers::AcademicYear::containing(e.starts_on).0;
    crate::attachments::add(
        conn,
        actor,
        scope,
        AttachmentOwner::Event,
        id.get(),
        AttachmentKind::Document(metoda_domain::profile::RequiredDocument::EventDocuments),
        Some(i64::from(year)),
        title,
        content,
    )
    .await
}

/// The live materials and photographs of an event, newest first.
pub async fn materials(conn: &mut AnyConnection, id: EventId) -> Result<Vec<crate::attachments::Attachment>> {
    crate::attachments::list(conn, metoda_domain::files::AttachmentOwner::Event, id.get(), None).await
}

/// Removes (archives) a material of an event.
pub async fn remove_material(conn: &mut AnyConnection, actor: &Actor, id: EventId, attachment_id: i64) -> Result<()> {
    let e = lock(conn, id).await?;
    let scope = event_scope(conn, &e).await?;
    crate::attachments::archive(
        conn,
        actor,
        scope,
        metoda_domain::files::AttachmentOwner::Event,
        id.get(),
        attachment_id,
    )
    .await?;
    Ok(())
}

/// An item of an event's programme.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct ProgrammeItem {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub event_id: EventId,
    pub position: i64,
    /// The day of the item, in an event of several days.
    #[sqlx(try_from = "OptText")]
    #[serde(with = "iso_serde::option")]
    pub on_date: Option<Date>,
    pub starts_at: Option<String>,
    pub topic: String,
    #[sqlx(try_from = "Text")]
    pub kind: metoda_domain::events::ProgrammeKind,
    #[sqlx(try_from = "OptId")]
    pub speaker_teacher_id: Option<TeacherId>,
    /// The speaker's full name: the teacher's, or the guest's.
    pub speaker: String,
    /// The speaker's organization.
    pub organization: Option<String>,
    /// The speaker's presentation result this item gave or linked (once the event is held).
    pub result_id: Option<i64>,
}

/// The programme of an event, in order.
pub async fn programme(conn: &mut AnyConnection, id: EventId) -> Result<Vec<ProgrammeItem>> {
    Ok(sqlx::query_as(&format!(
        "SELECT p.id, p.event_id, p.position, p.on_date, p.starts_at, p.topic, p.kind, p.speaker_teacher_id,
            COALESCE({NAME}, p.speaker_name) AS speaker, COALESCE(o.short_name, p.speaker_organization) AS organization,
            p.result_id
         FROM event_programme p LEFT JOIN teachers t ON t.id = p.speaker_teacher_id
         LEFT JOIN organizations o ON o.id = t.organization_id
         WHERE p.event_id = $1 ORDER BY COALESCE(p.on_date, ''), p.position, p.id"
    ))
    .bind(id.get())
    .fetch_all(&mut *conn)
    .await?)
}

/// Adds an item to the programme (the speaker a teacher of the event's municipality, or a guest).
/// On a held event the speaker of the bank has their presentation result at once.
pub async fn add_programme_item(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: EventId,
    d: &metoda_domain::events::ProgrammeData,
) -> Result<ProgrammeItem> {
    let e = lock(conn, id).await?;
    if matches!(e.status, EventStatus::Cancelled | EventStatus::Archived) {
        return Err(StoreError::Conflict(format!("Мероприятие {}: программу не меняют", e.status.label_ru())));
    }
    if let Some(t) = d.speaker_teacher_id {
        let m: Option<i64> = sqlx::query_scalar("SELECT municipality_id FROM teachers WHERE id = $1")
            .bind(t)
            .fetch_optional(&mut *conn)
            .await?;
        if m != Some(e.municipality_id.get()) {
            return Err(StoreError::invalid(
                "speaker_teacher_id",
                "Выступающий: педагог не найден в банке муниципалитета; гостя впишите по имени",
            ));
        }
    }
    if let Some(on) = d.on
        && !(e.starts_on..=e.ends_on).contains(&on)
    {
        return Err(StoreError::invalid("on", format!("День: в дни мероприятия, {}", e.dates())));
    }
    // The day is kept only where the event has several.
    let on = d.on.filter(|_| e.ends_on > e.starts_on).map(iso_date);
    let position: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) + 1 FROM event_programme WHERE event_id = $1")
            .bind(id.get())
            .fetch_one(&mut *conn)
            .await?;
    let t = now();
    let pid: i64 = sqlx::query_scalar(
        "INSERT INTO event_programme (event_id, position, starts_at, topic, kind, speaker_teacher_id, speaker_name,
            speaker_organization, created_at, updated_at, on_date)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id",
    )
    .bind(id.get())
    .bind(position)
    .bind(d.starts_at.as_deref())
    .bind(&d.topic)
    .bind(d.kind.code())
    .bind(d.speaker_teacher_id)
    .bind(d.speaker_name.as_deref())
    .bind(d.speaker_organization.as_deref())
    .bind(&t)
    .bind(on)
    .fetch_one(&mut *conn)
    .await?;
    if e.status == EventStatus::Held {
        speaker_results(conn, actor, &e).await?;
    }
    let item = programme(conn, id).await?.into_iter().find(|p| p.id == pid).ok_or(StoreError::NotFound)?;
    let summary = format!("«{}»: в программе — {} «{}»", e.title, item.speaker, item.topic);
    let scope = event_scope(conn, &e).await?;
    audit::record_change(conn, actor, scope, "event_programme", pid, "create", &summary, None, &item).await?;
    Ok(item)
}

/// Removes an item from the programme of an event not yet held (a held event's programme is
/// its record: its speakers' results stand on it).
pub async fn remove_programme_item(conn: &mut AnyConnection, actor: &Actor, id: EventId, pid: i64) -> Result<()> {
    let e = lock(conn, id).await?;
    if !matches!(e.status, EventStatus::Draft | EventStatus::Announced) {
        return Err(StoreError::Conflict(format!(
            "Мероприятие {}: его программа — часть записи о нём и не меняется",
            e.status.label_ru()
        )));
    }
    let old = programme(conn, id).await?.into_iter().find(|p| p.id == pid).ok_or(StoreError::NotFound)?;
    sqlx::query("DELETE FROM event_programme WHERE id = $1").bind(pid).execute(&mut *conn).await?;
    let summary = format!("«{}»: из программы убрано — {} «{}»", e.title, old.speaker, old.topic);
    let scope = event_scope(conn, &e).await?;
    let before = serde_json::to_value(&old).map_err(|e| StoreError::Other(e.to_string()))?;
    audit::record(conn, actor, scope, "event_programme", Some(pid), "delete", &summary, Some(&before), None).await?;
    Ok(())
}

/// Gives each speaker of the bank on a held event's programme their presentation result, once:
/// the speaker's own record of a presentation within the event's days (not yet linked to another
/// item) is linked instead of a new one, and confirmed by the event's record; otherwise a result
/// is made from the event (its level, in person or remote, the form) and confirmed so.
async fn speaker_results(conn: &mut AnyConnection, actor: &Actor, e: &Event) -> Result<()> {
    use metoda_domain::results::{TeacherResultData, TeacherResultKind};
    let due: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT id, speaker_teacher_id, topic FROM event_programme
         WHERE event_id = $1 AND speaker_teacher_id IS NOT NULL AND result_id IS NULL ORDER BY position, id",
    )
    .bind(e.id.get())
    .fetch_all(&mut *conn)
    .await?;
    let record = format!("Подтверждено записью мероприятия «{}» ({})", e.title, e.dates());
    for (pid, teacher, topic) in due {
        let own: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(r.id) FROM results r JOIN result_teachers rt ON rt.result_id = r.id
             WHERE rt.teacher_id = $1 AND r.family = 'teacher' AND r.kind = 'presentation' AND r.archived_at IS NULL
               AND r.status <> 'rejected' AND r.result_on >= $2 AND r.result_on <= $3
               AND NOT EXISTS (SELECT 1 FROM event_programme p WHERE p.result_id = r.id)",
        )
        .bind(teacher)
        .bind(iso_date(e.starts_on))
        .bind(iso_date(e.ends_on))
        .fetch_one(&mut *conn)
        .await?;
        let result = match own {
            Some(r) => crate::results::get(conn, metoda_domain::ids::ResultId(r)).await?,
            None => {
                let d = TeacherResultData {
                    kind: TeacherResultKind::Presentation,
                    teacher_ids: vec![teacher],
                    title: format!("«{topic}» — {} «{}»", e.form.label_ru(), e.title),
                    level: Some(e.level),
                    placement: None,
                    format: Some(e.format.presentation_format()),
                    form: Some(e.form.presentation_form()),
                    outlet: None,
                    url: None,
                    students: None,
                    on: e.starts_on,
                };
                crate::results::add_teacher_result(conn, actor, e.municipality_id, &d).await?
            }
        };
        if result.status != metoda_domain::results::Confirmation::Confirmed {
            crate::results::confirm_by_record(conn, actor, &result, &record).await?;
        }
        sqlx::query("UPDATE event_programme SET result_id = $1, updated_at = $2 WHERE id = $3")
            .bind(result.id.get())
            .bind(now())
            .bind(pid)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A placement at a held contest or olympiad.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Placed {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub event_id: EventId,
    pub registration_id: i64,
    /// The participant's full name (the student's, or the teacher's at a professional contest).
    pub name: String,
    pub organization: Option<String>,
    #[sqlx(try_from = "Text")]
    pub placement: metoda_domain::results::Placement,
    pub subject: Option<String>,
    pub grade: Option<String>,
    #[sqlx(try_from = "OptId")]
    pub teacher_id: Option<TeacherId>,
    /// Who prepared the student.
    pub teacher_name: Option<String>,
    /// The result the placement became.
    pub result_id: Option<i64>,
}

/// The placements of an event: winners first, then by name.
pub async fn placements(conn: &mut AnyConnection, id: EventId) -> Result<Vec<Placed>> {
    Ok(sqlx::query_as(&format!(
        "SELECT p.id, p.event_id, p.registration_id, COALESCE(rt.last_name || ' ' || rt.first_name
                || COALESCE(' ' || rt.middle_name, ''), r.guest_name) AS name,
            COALESCE(ro.short_name, r.guest_organization) AS organization, p.placement, p.subject, p.grade,
            p.teacher_id, CASE WHEN t.id IS NULL THEN NULL ELSE {NAME} END AS teacher_name, p.result_id
         FROM event_placements p JOIN event_registrations r ON r.id = p.registration_id
         LEFT JOIN teachers rt ON rt.id = r.teacher_id LEFT JOIN organizations ro ON ro.id = rt.organization_id
         LEFT JOIN teachers t ON t.id = p.teacher_id
         WHERE p.event_id = $1 ORDER BY CASE p.placement WHEN 'winner' THEN 0 ELSE 1 END, p.id"
    ))
    .bind(id.get())
    .fetch_all(&mut *conn)
    .await?)
}

/// A placement as checked by the caller's form.
#[derive(Debug, Clone)]
pub struct PlacementData {
    pub registration_id: i64,
    pub placement: metoda_domain::results::Placement,
    pub subject: String,
    pub grade: String,
    /// Who prepared the student (required for students' events).
    pub teacher_id: Option<i64>,
}

/// Records a winner or prize-winner of a held contest or olympiad among those marked present,
/// and makes the result it is: a student's result of the teacher who prepared them (rows 8,
/// 16–17), or the teacher's own at a professional contest (rows 18–19) — waiting for a curator's
/// confirmation like any other.
pub async fn record_placement(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: EventId,
    d: &PlacementData,
    today: Date,
) -> Result<Placed> {
    use metoda_domain::results::{Placement, StudentResultInput, TeacherResultInput};
    let e = lock(conn, id).await?;
    if !e.form.has_placements() {
        return Err(StoreError::Conflict(format!(
            "{}: победителей и призёров не определяют",
            capitalized(e.form.label_ru())
        )));
    }
    held(&e, "Победителей и призёров записывают после проведения: отметьте мероприятие проведённым")?;
    if !matches!(d.placement, Placement::Winner | Placement::PrizeWinner) {
        return Err(StoreError::invalid("placement", "Место: победитель или призёр"));
    }
    let r = registration(conn, d.registration_id).await.map_err(|e| match e {
        StoreError::NotFound => StoreError::invalid("registration_id", "Участник: такой регистрации нет"),
        e => e,
    })?;
    if r.event_id != id || r.status != RegistrationStatus::Registered || r.attended != Some(1) {
        return Err(StoreError::invalid(
            "registration_id",
            "Участник: выберите отмеченного присутствовавшим по листу регистрации",
        ));
    }
    let to_invalid = |errors: Vec<metoda_domain::FieldError>| StoreError::Invalid(errors);
    let result = match e.audience {
        Audience::Students => {
            let Some(teacher) = d.teacher_id else {
                return Err(StoreError::invalid("teacher_id", "Кто подготовил: выберите педагога"));
            };
            let (event, level) = match e.form {
                EventForm::VsoshMunicipalStage => ("vsosh", "municipal"),
                EventForm::StudentConference => ("conference", e.level.code()),
                EventForm::StudentContest => ("contest", e.level.code()),
                _ => ("olympiad", e.level.code()),
            };
            let input = StudentResultInput {
                event: event.into(),
                title: e.title.clone(),
                subject: d.subject.clone(),
                level: level.into(),
                placement: d.placement.code().into(),
                format: e.format.presentation_format().code().into(),
                student_name: r.name.clone(),
                grade: d.grade.clone(),
                teacher_ids: vec![teacher],
                on: iso_date(e.starts_on),
                ..Default::default()
            };
            let data = input.parse(today).map_err(to_invalid)?;
            crate::results::add_student(conn, actor, e.municipality_id, &data).await?
        }
        Audience::Teachers => {
            let Some(teacher) = r.teacher_id else {
                return Err(StoreError::invalid(
                    "registration_id",
                    "Участник: место на профессиональном конкурсе присваивают педагогу из банка данных",
                ));
            };
            let input = TeacherResultInput {
                kind: "competition".into(),
                teacher_ids: vec![teacher.get()],
                title: e.title.clone(),
                level: e.level.code().into(),
                placement: d.placement.code().into(),
                format: e.format.presentation_format().code().into(),
                on: iso_date(e.starts_on),
                ..Default::default()
            };
            let data = input.parse(today).map_err(to_invalid)?;
            crate::results::add_teacher_result(conn, actor, e.municipality_id, &data).await?
        }
    };
    let t = now();
    let pid: i64 = sqlx::query_scalar(
        "INSERT INTO event_placements (event_id, registration_id, placement, subject, grade, teacher_id, result_id,
            created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(id.get())
    .bind(d.registration_id)
    .bind(d.placement.code())
    .bind(Some(d.subject.trim()).filter(|s| !s.is_empty()))
    .bind(Some(d.grade.trim()).filter(|s| !s.is_empty()))
    .bind(d.teacher_id.filter(|_| e.audience == Audience::Students))
    .bind(result.id.get())
    .bind(actor.user_id.map(i64::from))
    .bind(&t)
    .fetch_one(&mut *conn)
    .await
    .map_err(crate::unique("Этому участнику место уже присвоено"))?;
    let placed = placements(conn, id).await?.into_iter().find(|p| p.id == pid).ok_or(StoreError::NotFound)?;
    let summary = format!("«{}»: {} — {}", e.title, placed.name, placed.placement.label_ru());
    let scope = event_scope(conn, &e).await?;
    audit::record_change(conn, actor, scope, "event_placement", pid, "create", &summary, None, &placed).await?;
    Ok(placed)
}

/// A participant's rating of a held event; `name` is None when the participant rated anonymously.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Rating {
    pub id: i64,
    pub registration_id: i64,
    pub score: i64,
    pub comment: Option<String>,
    pub name: Option<String>,
    pub updated_at: String,
}

/// The ratings of an event, the latest first.
pub async fn ratings(conn: &mut AnyConnection, id: EventId) -> Result<Vec<Rating>> {
    Ok(sqlx::query_as(&format!(
        "SELECT x.id, x.registration_id, x.score, x.comment,
            CASE WHEN x.anonymous = 1 THEN NULL ELSE COALESCE({NAME}, r.guest_name) END AS name, x.updated_at
         FROM event_ratings x JOIN event_registrations r ON r.id = x.registration_id
         LEFT JOIN teachers t ON t.id = r.teacher_id
         WHERE x.event_id = $1 ORDER BY x.updated_at DESC, x.id DESC"
    ))
    .bind(id.get())
    .fetch_all(&mut *conn)
    .await?)
}

/// Rates a held event as the participant of `registration` (marked present): a score from 1 to 5
/// and a comment; a second rating replaces the first.
pub async fn rate(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: EventId,
    registration_id: i64,
    score: i64,
    comment: Option<&str>,
    anonymous: bool,
) -> Result<()> {
    let e = get(conn, id).await?;
    if !matches!(e.status, EventStatus::Held | EventStatus::Archived) {
        return Err(StoreError::Conflict("Оценить можно проведённое мероприятие".into()));
    }
    if !(1..=5).contains(&score) {
        return Err(StoreError::invalid("score", "Оценка: от 1 до 5"));
    }
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if comment.is_some_and(|c| c.chars().count() > 2000) {
        return Err(StoreError::invalid("comment", "Отзыв: не длиннее 2000 символов"));
    }
    let t = now();
    let n = sqlx::query(
        "UPDATE event_ratings SET score = $1, comment = $2, anonymous = $3, updated_at = $4 WHERE registration_id = $5",
    )
    .bind(score)
    .bind(comment)
    .bind(i64::from(anonymous))
    .bind(&t)
    .bind(registration_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        sqlx::query(
            "INSERT INTO event_ratings (event_id, registration_id, score, comment, anonymous, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(id.get())
        .bind(registration_id)
        .bind(score)
        .bind(comment)
        .bind(i64::from(anonymous))
        .bind(&t)
        .execute(&mut *conn)
        .await
        .map_err(crate::unique("Оценка уже сохранена; обновите страницу"))?;
    }
    // The audit trail keeps that a rating was given, not whose it is when it is anonymous.
    let summary = format!("«{}»: оценка участника — {score} из 5", e.title);
    let scope = event_scope(conn, &e).await?;
    let after = serde_json::json!({"score": score});
    let who = if anonymous { Actor { user_id: None, login: "participant".into(), ip: None } } else { actor.clone() };
    audit::record(conn, &who, scope, "event", Some(id.get()), "update", &summary, None, Some(&after)).await?;
    Ok(())
}

/// A teacher's part in organising an event.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Staff {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub teacher_id: TeacherId,
    pub name: String,
    #[sqlx(try_from = "Text")]
    pub role: metoda_domain::events::StaffRole,
    /// The result the role's teachers share once the event is held.
    pub result_id: Option<i64>,
}

/// The organisers and assessment authors of an event, by role and name.
pub async fn staff(conn: &mut AnyConnection, id: EventId) -> Result<Vec<Staff>> {
    Ok(sqlx::query_as(&format!(
        "SELECT s.id, s.teacher_id, {NAME} AS name, s.role, s.result_id
         FROM event_staff s JOIN teachers t ON t.id = s.teacher_id
         WHERE s.event_id = $1 ORDER BY s.role DESC, t.last_name, t.first_name, s.id"
    ))
    .bind(id.get())
    .fetch_all(&mut *conn)
    .await?)
}

/// Names a teacher of the event's municipality an organiser or an assessment author (before the
/// event is held: then the list is its record).
pub async fn add_staff(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: EventId,
    teacher_id: TeacherId,
    role: metoda_domain::events::StaffRole,
) -> Result<Staff> {
    let e = lock(conn, id).await?;
    staff_open(&e)?;
    let m: Option<i64> = sqlx::query_scalar("SELECT municipality_id FROM teachers WHERE id = $1")
        .bind(teacher_id.get())
        .fetch_optional(&mut *conn)
        .await?;
    if m != Some(e.municipality_id.get()) {
        return Err(StoreError::invalid("teacher_id", "Педагог: выберите педагога из банка данных муниципалитета"));
    }
    let sid: i64 = sqlx::query_scalar(
        "INSERT INTO event_staff (event_id, teacher_id, role, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(id.get())
    .bind(teacher_id.get())
    .bind(role.code())
    .bind(now())
    .fetch_one(&mut *conn)
    .await
    .map_err(crate::unique("Этот педагог уже назван в этой роли"))?;
    let s = staff(conn, id).await?.into_iter().find(|s| s.id == sid).ok_or(StoreError::NotFound)?;
    let summary = format!("«{}»: {} — {}", e.title, s.name, role.label_ru());
    let scope = event_scope(conn, &e).await?;
    audit::record_change(conn, actor, scope, "event_staff", sid, "create", &summary, None, &s).await?;
    Ok(s)
}

/// Removes a teacher from the event's organisers or authors (before it is held).
pub async fn remove_staff(conn: &mut AnyConnection, actor: &Actor, id: EventId, sid: i64) -> Result<()> {
    let e = lock(conn, id).await?;
    staff_open(&e)?;
    let old = staff(conn, id).await?.into_iter().find(|s| s.id == sid).ok_or(StoreError::NotFound)?;
    sqlx::query("DELETE FROM event_staff WHERE id = $1").bind(sid).execute(&mut *conn).await?;
    let summary = format!("«{}»: {} — больше не {}", e.title, old.name, old.role.label_ru());
    let before = serde_json::to_value(&old).map_err(|e| StoreError::Other(e.to_string()))?;
    let scope = event_scope(conn, &e).await?;
    audit::record(conn, actor, scope, "event_staff", Some(sid), "delete", &summary, Some(&before), None).await?;
    Ok(())
}

fn staff_open(e: &Event) -> Result<()> {
    if !matches!(e.status, EventStatus::Draft | EventStatus::Announced) {
        return Err(StoreError::Conflict(format!(
            "Мероприятие {}: организаторы и разработчики заданий — часть записи о нём и не меняются",
            e.status.label_ru()
        )));
    }
    Ok(())
}

/// When a municipal event for students is held: its organisers share one result «organised a
/// municipal event for students» with the students present on its sheet (rows 28, 28.1), its
/// assessment authors one «assessment set» result (rows 27, 27.1); each confirmed by the event's
/// record.
async fn staff_results(conn: &mut AnyConnection, actor: &Actor, e: &Event) -> Result<()> {
    use metoda_domain::events::StaffRole;
    use metoda_domain::results::TeacherResultInput;
    if e.audience != Audience::Students || e.level != Level::Municipal {
        return Ok(());
    }
    let all = staff(conn, e.id).await?;
    let present: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM event_registrations WHERE event_id = $1 AND status = 'registered' AND attended = 1",
    )
    .bind(e.id.get())
    .fetch_one(&mut *conn)
    .await?;
    let record = format!("Подтверждено записью мероприятия «{}» ({})", e.title, e.dates());
    for role in [StaffRole::Organiser, StaffRole::AssessmentAuthor] {
        let teachers: Vec<i64> =
            all.iter().filter(|s| s.role == role && s.result_id.is_none()).map(|s| s.teacher_id.get()).collect();
        if teachers.is_empty() || (role == StaffRole::Organiser && present == 0) {
            continue;
        }
        let input = match role {
            StaffRole::Organiser => TeacherResultInput {
                kind: "student_event_organised".into(),
                teacher_ids: teachers,
                title: e.title.clone(),
                level: "municipal".into(),
                students: present.to_string(),
                on: iso_date(e.starts_on),
                ..Default::default()
            },
            StaffRole::AssessmentAuthor => TeacherResultInput {
                kind: "assessment_materials".into(),
                teacher_ids: teachers,
                title: format!("Задания: {}", e.title),
                level: "municipal".into(),
                on: iso_date(e.starts_on),
                ..Default::default()
            },
        };
        let d = input.parse(e.ends_on).map_err(StoreError::Invalid)?;
        let r = crate::results::add_teacher_result(conn, actor, e.municipality_id, &d).await?;
        crate::results::confirm_by_record(conn, actor, &r, &record).await?;
        sqlx::query("UPDATE event_staff SET result_id = $1 WHERE event_id = $2 AND role = $3 AND result_id IS NULL")
            .bind(r.id.get())
            .bind(e.id.get())
            .bind(role.code())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Writes the organisers' conclusions of a held event (the note on its results); `version`: the
/// event's version the text was based on (an older one is refused).
pub async fn set_outcome(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: EventId,
    outcome: &str,
    version: Option<i64>,
) -> Result<Event> {
    let old = lock(conn, id).await?;
    crate::bump_version(conn, "events", id.get(), version).await?;
    if !matches!(old.status, EventStatus::Held | EventStatus::Archived) {
        return Err(StoreError::Conflict("Итоги записывают после проведения мероприятия".into()));
    }
    let text = outcome.trim();
    if text.chars().count() > 10_000 {
        return Err(StoreError::invalid("outcome", "Итоги: не длиннее 10 000 символов"));
    }
    sqlx::query("UPDATE events SET outcome = $1, updated_at = $2 WHERE id = $3")
        .bind(Some(text).filter(|t| !t.is_empty()))
        .bind(now())
        .bind(id.get())
        .execute(&mut *conn)
        .await?;
    let new = get(conn, id).await?;
    let summary = format!("«{}»: записаны итоги", new.title);
    let scope = event_scope(conn, &new).await?;
    audit::record_change(conn, actor, scope, "event", id.get(), "update", &summary, Some(&old), &new).await?;
    Ok(new)
}
