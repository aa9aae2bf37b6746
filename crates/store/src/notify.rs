//! In-app notifications and their e-mail (decision 0021).
//!
//! [`notify`] records a notification and, for a user who wants e-mail at once, its message in
//! the outbox — both in the caller's transaction, so a rolled-back step tells nobody. Users who
//! want a daily digest get one message a day ([`make_digests`], at most one per user and local
//! day whatever the number of app servers: a unique index). A sender ([`claim`], [`sent`],
//! [`failed`]) takes a batch for a while (a lease), sends each message and marks it at once; a
//! batch whose sender died is taken again once its lease runs out.

use metoda_domain::ids::UserId;
use metoda_domain::notify::{EmailMode, Item, Letter, NotificationKind, letter, retry_after};
use metoda_domain::time::LocalZone;
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use time::{Duration, OffsetDateTime};

use crate::column::Text;
use crate::{Result, StoreError, now, stamp};

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Notification {
    pub id: i64,
    #[sqlx(try_from = "Text")]
    pub kind: NotificationKind,
    pub title: String,
    pub link: Option<String>,
    pub created_at: String,
    pub read_at: Option<String>,
}

/// Records an in-app notification, and its e-mail when the user wants one at once and has an
/// address.
pub async fn notify(
    conn: &mut AnyConnection,
    user_id: UserId,
    kind: NotificationKind,
    title: &str,
    link: Option<&str>,
) -> Result<()> {
    let t = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO notifications (user_id, kind, title, link, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user_id.get())
    .bind(kind.code())
    .bind(title)
    .bind(link)
    .bind(&t)
    .fetch_one(&mut *conn)
    .await?;
    let mailed = sqlx::query(
        "INSERT INTO email_outbox (user_id, notification_id, created_at, next_attempt_at)
         SELECT id, $2, $3, $3 FROM users
         WHERE id = $1 AND email_mode = 'immediate' AND email IS NOT NULL AND email <> '' AND archived_at IS NULL",
    )
    .bind(user_id.get())
    .bind(id)
    .bind(&t)
    .execute(&mut *conn)
    .await?;
    if mailed.rows_affected() > 0 {
        sqlx::query("UPDATE notifications SET emailed_at = $1 WHERE id = $2")
            .bind(&t)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Notifies every user the query `users` selects (a column named `user_id`; its placeholders are
/// `$1…` bound from `args`), each once, in four statements whatever their number: the in-app
/// notifications, then the e-mail of those who want it at once, as [`notify`] does one by one.
/// Returns how many were notified.
pub(crate) async fn notify_selected(
    conn: &mut AnyConnection,
    users: &str,
    args: &[crate::query::Arg],
    kind: NotificationKind,
    title: &str,
    link: Option<&str>,
) -> Result<u64> {
    use crate::query::bind_all;
    let t = now();
    // The new rows are told from older ones of the same text by their ids above this floor and
    // their time of creation.
    let floor: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM notifications").fetch_one(&mut *conn).await?;
    let n = args.len();
    let (k, ti, l, c) = (n + 1, n + 2, n + 3, n + 4);
    let sql = format!(
        "INSERT INTO notifications (user_id, kind, title, link, created_at)
         SELECT DISTINCT s.user_id, ${k}, ${ti}, ${l}, ${c} FROM ({users}) s WHERE s.user_id IS NOT NULL"
    );
    let made = bind_all!(sqlx::query(&sql), args)
        .bind(kind.code())
        .bind(title)
        .bind(link)
        .bind(&t)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    let these = "n.id > $2 AND n.created_at = $1 AND n.kind = $3 AND n.title = $4 AND COALESCE(n.link, '') = $5";
    let mail = format!(
        "INSERT INTO email_outbox (user_id, notification_id, created_at, next_attempt_at)
         SELECT n.user_id, n.id, $1, $1 FROM notifications n JOIN users u ON u.id = n.user_id
         WHERE {these} AND u.email_mode = 'immediate' AND u.email IS NOT NULL AND u.email <> ''
           AND u.archived_at IS NULL"
    );
    let mark = format!(
        "UPDATE notifications SET emailed_at = $1 WHERE id IN (
            SELECT n.id FROM notifications n JOIN email_outbox o ON o.notification_id = n.id
            WHERE {these} AND o.created_at = $1)"
    );
    // The e-mail of those who want it at once, then those notifications marked as mailed.
    for sql in [mail, mark] {
        sqlx::query(&sql)
            .bind(&t)
            .bind(floor)
            .bind(kind.code())
            .bind(title)
            .bind(link.unwrap_or(""))
            .execute(&mut *conn)
            .await?;
    }
    Ok(made)
}

/// Notifies each of `users` once.
pub async fn notify_all(
    conn: &mut AnyConnection,
    users: &[UserId],
    kind: NotificationKind,
    title: &str,
    link: Option<&str>,
) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for u in users {
        if seen.insert(*u) {
            notify(conn, *u, kind, title, link).await?;
        }
    }
    Ok(())
}

pub async fn notifications(conn: &mut AnyConnection, user_id: UserId, limit: i64) -> Result<Vec<Notification>> {
    Ok(sqlx::query_as(
        "SELECT id, kind, title, link, created_at, read_at FROM notifications WHERE user_id = $1
         ORDER BY CASE WHEN read_at IS NULL THEN 0 ELSE 1 END, id DESC LIMIT $2",
    )
    .bind(user_id.get())
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?)
}

pub async fn unread(conn: &mut AnyConnection, user_id: UserId) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
        .bind(user_id.get())
        .fetch_one(&mut *conn)
        .await?)
}

/// Marks one (or, with None, every) notification of the user read.
pub async fn mark_read(conn: &mut AnyConnection, user_id: UserId, id: Option<i64>) -> Result<()> {
    sqlx::query(
        "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND ($3 IS NULL OR id = $3) AND read_at IS NULL",
    )
    .bind(now())
    .bind(user_id.get())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// How the user wants notifications by e-mail.
pub async fn email_mode(conn: &mut AnyConnection, user_id: UserId) -> Result<EmailMode> {
    let code: Option<String> = sqlx::query_scalar("SELECT email_mode FROM users WHERE id = $1")
        .bind(user_id.get())
        .fetch_optional(&mut *conn)
        .await?;
    let code = code.ok_or(StoreError::NotFound)?;
    EmailMode::from_code(&code).ok_or_else(|| StoreError::Other(format!("unknown email_mode {code:?}")))
}

/// Sets how the user wants notifications by e-mail. Switching away from the digest leaves the
/// notifications not yet mailed in Metoda only.
pub async fn set_email_mode(conn: &mut AnyConnection, user_id: UserId, mode: EmailMode) -> Result<()> {
    sqlx::query("UPDATE users SET email_mode = $1 WHERE id = $2")
        .bind(mode.code())
        .bind(user_id.get())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The offset of a user's local time, the rule of `web::features::user_zone`: their home
/// municipality's; a region-level user's region's most common (ties: the smaller); for an
/// account without a home, its first grant's municipality's, else that region's; else UTC.
const USER_OFFSET: &str = "COALESCE(m.utc_offset_minutes,
    (SELECT m2.utc_offset_minutes FROM municipalities m2 WHERE m2.region_id = u.region_id AND m2.archived_at IS NULL
     GROUP BY m2.utc_offset_minutes ORDER BY COUNT(*) DESC, m2.utc_offset_minutes LIMIT 1),
    (SELECT m3.utc_offset_minutes FROM role_grants g JOIN municipalities m3 ON m3.id = g.municipality_id
     WHERE g.user_id = u.id AND u.region_id IS NULL ORDER BY g.id LIMIT 1),
    (SELECT m4.utc_offset_minutes FROM role_grants g JOIN municipalities m4 ON m4.region_id = g.region_id
     WHERE g.user_id = u.id AND u.region_id IS NULL AND m4.archived_at IS NULL
     GROUP BY g.id, m4.utc_offset_minutes ORDER BY g.id, COUNT(*) DESC, m4.utc_offset_minutes LIMIT 1), 0)";

/// Makes the day's digest of every user who wants one, has an address and has notifications
/// not mailed yet, once it is past [`DIGEST_HOUR`](metoda_domain::notify::DIGEST_HOUR) where
/// the user works. Returns how many digests were made. Safe on several app servers at once: a
/// digest of a user and day that another server made first is skipped.
pub async fn make_digests(conn: &mut AnyConnection, at: OffsetDateTime) -> Result<u64> {
    let due: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT u.id, {USER_OFFSET} FROM users u LEFT JOIN municipalities m ON m.id = u.municipality_id
         WHERE u.email_mode = 'digest' AND u.email IS NOT NULL AND u.email <> '' AND u.archived_at IS NULL
           AND EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = u.id AND n.emailed_at IS NULL)"
    ))
    .fetch_all(&mut *conn)
    .await?;
    let mut made = 0;
    for (user, offset) in due {
        let zone = LocalZone::stored(offset);
        if (at + Duration::minutes(zone.minutes())).hour() < metoda_domain::notify::DIGEST_HOUR {
            continue;
        }
        let day = metoda_domain::values::iso_date(zone.today(at));
        let t = stamp(at);
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        // Another server's digest of the day makes this one insert nothing.
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO email_outbox (user_id, digest_on, created_at, next_attempt_at) VALUES ($1, $2, $3, $3)
             ON CONFLICT (user_id, digest_on) WHERE digest_on IS NOT NULL DO NOTHING RETURNING id",
        )
        .bind(user)
        .bind(&day)
        .bind(&t)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else { continue };
        sqlx::query(
            "UPDATE notifications SET emailed_at = $1, outbox_id = $2 WHERE user_id = $3 AND emailed_at IS NULL",
        )
        .bind(&t)
        .bind(id)
        .bind(user)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        made += 1;
    }
    Ok(made)
}

/// Gives up the messages never tried that were written before `before` (while no mail server
/// was configured, say): their news is stale. Returns how many.
pub async fn expire(conn: &mut AnyConnection, before: OffsetDateTime) -> Result<u64> {
    let r = sqlx::query(
        "UPDATE email_outbox SET failed_at = $1, last_error = 'устарело: не отправлено вовремя'
         WHERE sent_at IS NULL AND failed_at IS NULL AND attempts = 0 AND claimed_by IS NULL AND created_at < $2",
    )
    .bind(now())
    .bind(stamp(before))
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected())
}

/// A message claimed for sending.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: i64,
    pub to: String,
    pub letter: Letter,
    /// Tries before this one.
    pub attempts: i64,
}

/// Claims up to `limit` messages due at `at` for `sender` until `at + lease`, and composes them
/// (links made absolute with `base`). Messages whose recipient has no address any more, or has
/// turned e-mail off, are dropped (marked failed with the reason).
pub async fn claim(
    conn: &mut AnyConnection,
    sender: &str,
    at: OffsetDateTime,
    lease: Duration,
    limit: i64,
    base: &str,
) -> Result<Vec<Outgoing>> {
    let t = stamp(at);
    let lock = if conn.backend_name().eq_ignore_ascii_case("postgres") { "FOR UPDATE SKIP LOCKED" } else { "" };
    // The outer conditions are checked again on the row as it is when updated: two senders that
    // chose the same row cannot both claim it.
    let ids: Vec<i64> = sqlx::query_scalar(&format!(
        "UPDATE email_outbox SET claimed_by = $1, claimed_until = $2
         WHERE id IN (SELECT id FROM email_outbox
                      WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $3
                        AND (claimed_until IS NULL OR claimed_until < $3)
                      ORDER BY id LIMIT $4 {lock})
           AND sent_at IS NULL AND failed_at IS NULL AND (claimed_until IS NULL OR claimed_until < $3)
         RETURNING id"
    ))
    .bind(sender)
    .bind(stamp(at + lease))
    .bind(&t)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = vec![];
    for id in ids {
        match compose(conn, id, base).await? {
            Ok(o) => out.push(o),
            Err(reason) => give_up(conn, id, sender, at, &reason).await?,
        }
    }
    out.sort_by_key(|o| o.id);
    Ok(out)
}

#[derive(FromRow)]
struct Row {
    full_name: String,
    email: Option<String>,
    email_mode: String,
    notification_id: Option<i64>,
    attempts: i64,
    offset: i64,
}

/// The message of an outbox row, or why it cannot be sent.
async fn compose(conn: &mut AnyConnection, id: i64, base: &str) -> Result<std::result::Result<Outgoing, String>> {
    let r: Row = sqlx::query_as(&format!(
        "SELECT u.full_name, u.email, u.email_mode, o.notification_id, o.attempts, {USER_OFFSET} AS \"offset\"
         FROM email_outbox o JOIN users u ON u.id = o.user_id LEFT JOIN municipalities m ON m.id = u.municipality_id
         WHERE o.id = $1"
    ))
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let Some(to) = r.email.filter(|e| !e.trim().is_empty()) else {
        return Ok(Err("у пользователя нет адреса".into()));
    };
    if r.email_mode == EmailMode::Off.code() {
        return Ok(Err("пользователь отключил письма".into()));
    }
    let rows: Vec<(String, Option<String>, String)> = match r.notification_id {
        Some(n) => {
            sqlx::query_as("SELECT title, link, created_at FROM notifications WHERE id = $1")
                .bind(n)
                .fetch_all(&mut *conn)
                .await?
        }
        None => {
            sqlx::query_as("SELECT title, link, created_at FROM notifications WHERE outbox_id = $1 ORDER BY id")
                .bind(id)
                .fetch_all(&mut *conn)
                .await?
        }
    };
    if rows.is_empty() {
        return Ok(Err("нечего отправлять".into()));
    }
    let zone = LocalZone::stored(r.offset);
    let items: Vec<Item> =
        rows.into_iter().map(|(title, link, at)| Item { title, link, at: zone.format(&at) }).collect();
    Ok(Ok(Outgoing {
        id,
        to,
        letter: letter(&r.full_name, &items, r.notification_id.is_none(), base),
        attempts: r.attempts,
    }))
}

/// Marks a claimed message sent. False when the claim was lost (the lease ran out and another
/// sender took it): the caller's copy went out too, and nothing more can be done about it.
pub async fn sent(conn: &mut AnyConnection, id: i64, sender: &str, at: OffsetDateTime) -> Result<bool> {
    let r = sqlx::query("UPDATE email_outbox SET sent_at = $1, attempts = attempts + 1 WHERE id = $2 AND claimed_by = $3 AND sent_at IS NULL")
        .bind(stamp(at))
        .bind(id)
        .bind(sender)
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Records a failed try: the message is tried again later ([`retry_after`]), or given up when
/// `permanent` or after the last try.
pub async fn failed(
    conn: &mut AnyConnection,
    id: i64,
    sender: &str,
    at: OffsetDateTime,
    error: &str,
    permanent: bool,
) -> Result<()> {
    let attempts: i64 =
        sqlx::query_scalar("SELECT attempts FROM email_outbox WHERE id = $1").bind(id).fetch_one(&mut *conn).await?;
    match retry_after(attempts + 1).filter(|_| !permanent) {
        Some(wait) => {
            sqlx::query(
                "UPDATE email_outbox SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2,
                    claimed_by = NULL, claimed_until = NULL WHERE id = $3 AND claimed_by = $4",
            )
            .bind(stamp(at + wait))
            .bind(error)
            .bind(id)
            .bind(sender)
            .execute(&mut *conn)
            .await?;
        }
        None => {
            sqlx::query("UPDATE email_outbox SET attempts = attempts + 1 WHERE id = $1 AND claimed_by = $2")
                .bind(id)
                .bind(sender)
                .execute(&mut *conn)
                .await?;
            give_up(conn, id, sender, at, error).await?;
        }
    }
    Ok(())
}

async fn give_up(conn: &mut AnyConnection, id: i64, sender: &str, at: OffsetDateTime, reason: &str) -> Result<()> {
    sqlx::query("UPDATE email_outbox SET failed_at = $1, last_error = $2 WHERE id = $3 AND claimed_by = $4")
        .bind(stamp(at))
        .bind(reason)
        .bind(id)
        .bind(sender)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The outbox at a glance, for the administrator: waiting, sent in the last day, given up.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct OutboxState {
    pub waiting: i64,
    pub sent_today: i64,
    pub failed: i64,
}

pub async fn outbox_state(conn: &mut AnyConnection, at: OffsetDateTime) -> Result<OutboxState> {
    let (waiting, sent_today, failed): (i64, i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN sent_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN sent_at >= $1 THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END), 0)
         FROM email_outbox",
    )
    .bind(stamp(at - Duration::days(1)))
    .fetch_one(&mut *conn)
    .await?;
    Ok(OutboxState { waiting, sent_today, failed })
}
