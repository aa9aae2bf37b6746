//! Server-side sessions, sign-in throttling and personal API tokens.
//!
//! A session or API token is a random secret handed to the client; the database keeps only its
//! SHA-256, so a copy of the database does not let anyone sign in.

use metoda_domain::ids::UserId;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, FromRow, Row};
use time::{Duration, OffsetDateTime};

use crate::audit;
use crate::users::{self, User};
use crate::{Actor, Result, StoreError, now, stamp};

/// A random secret: 32 bytes as hex, with a prefix that tells what it is.
pub fn secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    format!("{prefix}{}", hex::encode(bytes))
}

pub fn sha256(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

#[derive(Debug, Clone, FromRow)]
pub struct Session {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub user_id: UserId,
    pub csrf_token: String,
    pub expires_at: String,
    pub last_seen_at: String,
}

/// Starts a session; returns the token for the cookie.
pub async fn create(
    conn: &mut AnyConnection,
    user_id: UserId,
    ttl: Duration,
    ip: Option<&str>,
    user_agent: Option<&str>,
) -> Result<(String, Session)> {
    let token = secret("");
    let csrf = secret("");
    let t = OffsetDateTime::now_utc();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent)
         VALUES ($1, $2, $3, $4, $4, $5, $6, $7) RETURNING id",
    )
    .bind(sha256(&token))
    .bind(user_id.get())
    .bind(&csrf)
    .bind(stamp(t))
    .bind(stamp(t + ttl))
    .bind(ip)
    .bind(user_agent.map(|u| u.chars().take(300).collect::<String>()))
    .fetch_one(&mut *conn)
    .await?;
    let s = Session { id, user_id, csrf_token: csrf, expires_at: stamp(t + ttl), last_seen_at: stamp(t) };
    Ok((token, s))
}

/// The live session of a token, extended (sliding expiry) when it was last seen over a minute ago.
/// Sessions of archived users are not live.
pub async fn lookup(conn: &mut AnyConnection, token: &str, ttl: Duration) -> Result<Option<Session>> {
    Ok(lookup_with_user(conn, token, ttl).await?.map(|(s, _)| s))
}

/// [`lookup`] with the session's user, read in the same statement (every signed-in request
/// starts with it).
pub async fn lookup_with_user(conn: &mut AnyConnection, token: &str, ttl: Duration) -> Result<Option<(Session, User)>> {
    let t = OffsetDateTime::now_utc();
    let row = sqlx::query(&format!(
        "SELECT s.id AS session_id, s.csrf_token, s.expires_at, s.last_seen_at, {} FROM sessions s
         JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.archived_at IS NULL",
        users::cols_of("u")
    ))
    .bind(sha256(token))
    .bind(stamp(t))
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let user = User::from_row(&row)?;
    let s = Session {
        id: row.try_get("session_id")?,
        user_id: user.id,
        csrf_token: row.try_get("csrf_token")?,
        expires_at: row.try_get("expires_at")?,
        last_seen_at: row.try_get("last_seen_at")?,
    };
    if s.last_seen_at < stamp(t - Duration::minutes(1)) {
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3")
            .bind(stamp(t))
            .bind(stamp(t + ttl))
            .bind(s.id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(Some((s, user)))
}

pub async fn delete(conn: &mut AnyConnection, token: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(sha256(token)).execute(&mut *conn).await?;
    Ok(())
}

/// Ends every session of a user but `keep`.
pub async fn delete_others(conn: &mut AnyConnection, user_id: UserId, keep: Option<i64>) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(user_id.get())
        .bind(keep.unwrap_or(-1))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Removes expired sessions and old sign-in failures.
pub async fn sweep(conn: &mut AnyConnection) -> Result<u64> {
    let t = OffsetDateTime::now_utc();
    let a = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(stamp(t)).execute(&mut *conn).await?;
    let b = sqlx::query("DELETE FROM login_failures WHERE at < $1")
        .bind(stamp(t - Duration::days(1)))
        .execute(&mut *conn)
        .await?;
    let c = crate::imports::sweep(conn).await?;
    Ok(a.rows_affected() + b.rows_affected() + c)
}

// Sign-in throttling (docs/decisions/0006-signin-throttling.md). Failed sign-ins are kept in
// `login_failures` with the login and the client address. After `FREE_FAILURES_PER_LOGIN`
// failures of one login from one address within `THROTTLE_WINDOW`, that address must wait before
// its next try for that login; after `FREE_FAILURES_PER_ADDRESS` failures from one address,
// whatever the logins, the address must wait before any try. The wait starts at `FIRST_DELAY`
// and doubles with every further failure, up to `MAX_DELAY`. Nothing is ever locked: the owner
// signing in from another address is not slowed at all.

/// How far back failures count.
pub const THROTTLE_WINDOW: Duration = Duration::hours(1);
/// Failures of one login from one address answered without delay.
pub const FREE_FAILURES_PER_LOGIN: i64 = 3;
/// Failures from one address, across logins, answered without delay.
pub const FREE_FAILURES_PER_ADDRESS: i64 = 20;
/// The wait after the first failure over the free ones; it doubles with each further one.
pub const FIRST_DELAY: Duration = Duration::seconds(10);
/// The longest wait.
pub const MAX_DELAY: Duration = Duration::minutes(15);

/// The wait after the last of `failures` failures when `free` of them cost nothing.
pub fn throttle_delay(failures: i64, free: i64) -> Duration {
    if failures < free {
        return Duration::ZERO;
    }
    let doublings = u32::try_from((failures - free).min(16)).unwrap_or(16);
    let seconds = FIRST_DELAY.whole_seconds().saturating_mul(1i64 << doublings);
    Duration::seconds(seconds).min(MAX_DELAY)
}

/// A sign-in attempt under way: registered (as a failure, until it succeeds) before the
/// password is checked, so that parallel guesses count against each other.
#[derive(Debug)]
pub struct Attempt {
    id: i64,
    login: String,
    address: String,
}

/// Whether an attempt may go ahead.
#[derive(Debug)]
pub enum Admission {
    Go(Attempt),
    /// Too many failures: try again after this long.
    Wait(Duration),
}

/// Registers a sign-in attempt of `login` from `address`, unless earlier failures make it wait.
/// The statements run on their own (not in a caller's transaction), so other app servers see
/// the attempt at once.
pub async fn begin_attempt(conn: &mut AnyConnection, login: &str, address: &str) -> Result<Admission> {
    let t = OffsetDateTime::now_utc();
    let id: i64 = sqlx::query_scalar("INSERT INTO login_failures (login, at, ip) VALUES ($1, $2, $3) RETURNING id")
        .bind(login)
        .bind(stamp(t))
        .bind(address)
        .fetch_one(&mut *conn)
        .await?;
    let since = stamp(t - THROTTLE_WINDOW);
    // Only the attempts before this one count (the in-flight ones of parallel requests included).
    let (pair, pair_last): (i64, Option<String>) = sqlx::query_as(
        "SELECT COUNT(*), MAX(at) FROM login_failures WHERE login = $1 AND ip = $2 AND at > $3 AND id < $4",
    )
    .bind(login)
    .bind(address)
    .bind(&since)
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let (all, all_last): (i64, Option<String>) =
        sqlx::query_as("SELECT COUNT(*), MAX(at) FROM login_failures WHERE ip = $1 AND at > $2 AND id < $3")
            .bind(address)
            .bind(&since)
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    let until = |last: Option<String>, n: i64, free: i64| {
        last.as_deref().and_then(crate::parse_stamp).map(|l| l + throttle_delay(n, free))
    };
    let open_at = [until(pair_last, pair, FREE_FAILURES_PER_LOGIN), until(all_last, all, FREE_FAILURES_PER_ADDRESS)]
        .into_iter()
        .flatten()
        .max();
    match open_at {
        Some(at) if at > t => {
            // A refused attempt checks no password, so it is not a failure.
            sqlx::query("DELETE FROM login_failures WHERE id = $1").bind(id).execute(&mut *conn).await?;
            Ok(Admission::Wait(at - t))
        }
        _ => Ok(Admission::Go(Attempt { id, login: login.to_owned(), address: address.to_owned() })),
    }
}

/// The attempt signed in: the failures of its login from its address are forgiven (those from
/// the address for other logins still count).
pub async fn attempt_succeeded(conn: &mut AnyConnection, attempt: Attempt) -> Result<()> {
    sqlx::query("DELETE FROM login_failures WHERE (login = $1 AND ip = $2) OR id = $3")
        .bind(&attempt.login)
        .bind(&attempt.address)
        .bind(attempt.id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Forgets every failure of a login (a new password was set for it).
pub async fn clear_failures(conn: &mut AnyConnection, login: &str) -> Result<()> {
    sqlx::query("DELETE FROM login_failures WHERE login = $1").bind(login).execute(&mut *conn).await?;
    Ok(())
}

/// A personal API token as listed (never with its secret).
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct ApiToken {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub user_id: UserId,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// Creates a token for a user; returns the secret (shown once) and the record.
pub async fn create_token(
    conn: &mut AnyConnection,
    actor: &Actor,
    user_id: UserId,
    name: &str,
) -> Result<(String, ApiToken)> {
    let u = crate::users::get(conn, user_id).await?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(StoreError::invalid("name", "Название токена: от 1 до 100 символов"));
    }
    let token = secret("mt_");
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(user_id.get())
    .bind(name)
    .bind(sha256(&token))
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    let t = token_by_id(conn, id).await?;
    audit::record_change(
        conn,
        actor,
        u.scope(),
        "api_token",
        id,
        "create",
        &format!("Создан API-токен «{}» пользователя {}", name, u.login),
        None,
        &t,
    )
    .await?;
    Ok((token, t))
}

async fn token_by_id(conn: &mut AnyConnection, id: i64) -> Result<ApiToken> {
    sqlx::query_as("SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn tokens(conn: &mut AnyConnection, user_id: UserId) -> Result<Vec<ApiToken>> {
    Ok(sqlx::query_as(
        "SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC",
    )
    .bind(user_id.get())
    .fetch_all(&mut *conn)
    .await?)
}

/// The user of a live token, read in the same statement (marks the token used).
pub async fn token_user(conn: &mut AnyConnection, token: &str) -> Result<Option<User>> {
    let row = sqlx::query(&format!(
        "SELECT t.id AS token_id, t.last_used_at AS token_used_at, {} FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.archived_at IS NULL",
        users::cols_of("u")
    ))
    .bind(sha256(token))
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let id: i64 = row.try_get("token_id")?;
    let last: Option<String> = row.try_get("token_used_at")?;
    // «Last used» to the minute, as a session's last_seen_at: a script's every call does not write.
    let t = OffsetDateTime::now_utc();
    if last.as_deref().is_none_or(|l| l < stamp(t - Duration::minutes(1)).as_str()) {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(stamp(t))
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(Some(User::from_row(&row)?))
}

/// Revokes a token of `user_id`.
pub async fn revoke_token(conn: &mut AnyConnection, actor: &Actor, user_id: UserId, id: i64) -> Result<()> {
    let t = token_by_id(conn, id).await?;
    if t.user_id != user_id {
        return Err(StoreError::NotFound);
    }
    let u = crate::users::get(conn, user_id).await?;
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let n = token_by_id(conn, id).await?;
    let summary = format!("Отозван API-токен «{}» пользователя {}", t.name, u.login);
    audit::record_change(conn, actor, u.scope(), "api_token", id, "archive", &summary, Some(&t), &n).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_grows_from_the_first_delay_to_the_cap() {
        assert_eq!(throttle_delay(2, 3), Duration::ZERO);
        assert_eq!(throttle_delay(3, 3), FIRST_DELAY);
        assert_eq!(throttle_delay(4, 3), FIRST_DELAY * 2);
        assert_eq!(throttle_delay(5, 3), FIRST_DELAY * 4);
        assert_eq!(throttle_delay(50, 3), MAX_DELAY);
        assert_eq!(throttle_delay(i64::MAX, 0), MAX_DELAY);
    }
}
