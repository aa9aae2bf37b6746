//! Server-side sessions, the sign-in lock and personal API tokens.
//!
//! A session or API token is a random secret handed to the client; the database keeps only its
//! SHA-256, so a copy of the database does not let anyone sign in.

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, FromRow};
use time::{Duration, OffsetDateTime};

use crate::audit;
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
    pub user_id: i64,
    pub csrf_token: String,
    pub expires_at: String,
    pub last_seen_at: String,
}

/// Starts a session; returns the token for the cookie.
pub async fn create(
    conn: &mut AnyConnection,
    user_id: i64,
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
    .bind(user_id)
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
    let t = OffsetDateTime::now_utc();
    let s: Option<Session> = sqlx::query_as(
        "SELECT s.id, s.user_id, s.csrf_token, s.expires_at, s.last_seen_at FROM sessions s
         JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.archived_at IS NULL",
    )
    .bind(sha256(token))
    .bind(stamp(t))
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(s) = &s
        && s.last_seen_at < stamp(t - Duration::minutes(1))
    {
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3")
            .bind(stamp(t))
            .bind(stamp(t + ttl))
            .bind(s.id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(s)
}

pub async fn delete(conn: &mut AnyConnection, token: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(sha256(token)).execute(&mut *conn).await?;
    Ok(())
}

/// Ends every session of a user but `keep`.
pub async fn delete_others(conn: &mut AnyConnection, user_id: i64, keep: Option<i64>) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(user_id)
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

/// The sign-in lock: after `LOCK_FAILURES` failures within `LOCK_WINDOW` a login is refused until
/// the oldest of them leaves the window.
pub const LOCK_FAILURES: i64 = 5;
pub const LOCK_WINDOW: Duration = Duration::minutes(15);

/// When the login is locked, the time it opens again.
pub async fn locked_until(conn: &mut AnyConnection, login: &str) -> Result<Option<OffsetDateTime>> {
    let since = stamp(OffsetDateTime::now_utc() - LOCK_WINDOW);
    let times: Vec<String> =
        sqlx::query_scalar("SELECT at FROM login_failures WHERE login = $1 AND at > $2 ORDER BY at DESC")
            .bind(login)
            .bind(since)
            .fetch_all(&mut *conn)
            .await?;
    if (times.len() as i64) < LOCK_FAILURES {
        return Ok(None);
    }
    // The window opens when the LOCK_FAILURES-th newest failure is older than the window.
    let pivot = times.get(LOCK_FAILURES as usize - 1).and_then(|s| crate::parse_stamp(s));
    Ok(pivot.map(|p| p + LOCK_WINDOW))
}

pub async fn record_failure(conn: &mut AnyConnection, login: &str, ip: Option<&str>) -> Result<()> {
    sqlx::query("INSERT INTO login_failures (login, at, ip) VALUES ($1, $2, $3)")
        .bind(login)
        .bind(now())
        .bind(ip)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn clear_failures(conn: &mut AnyConnection, login: &str) -> Result<()> {
    sqlx::query("DELETE FROM login_failures WHERE login = $1").bind(login).execute(&mut *conn).await?;
    Ok(())
}

/// A personal API token as listed (never with its secret).
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// Creates a token for a user; returns the secret (shown once) and the record.
pub async fn create_token(
    conn: &mut AnyConnection,
    actor: &Actor,
    user_id: i64,
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
    .bind(user_id)
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

pub async fn tokens(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<ApiToken>> {
    Ok(sqlx::query_as(
        "SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The user of a live token (marks it used).
pub async fn token_user(conn: &mut AnyConnection, token: &str) -> Result<Option<i64>> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT t.id, t.user_id FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.archived_at IS NULL",
    )
    .bind(sha256(token))
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((id, _)) = row {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now())
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(row.map(|(_, u)| u))
}

/// Revokes a token of `user_id`.
pub async fn revoke_token(conn: &mut AnyConnection, actor: &Actor, user_id: i64, id: i64) -> Result<()> {
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
