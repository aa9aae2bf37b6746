//! Calendar feeds at secret addresses (issue 13): a user's own or an association's. Only the
//! SHA-256 of the secret is kept; the address is shown once, when made.

use metoda_domain::ids::{AssociationId, UserId};
use sqlx::{AnyConnection, FromRow};

use crate::column::OptId;
use crate::sessions::{secret, sha256};
use crate::{Result, StoreError, now};

#[derive(Debug, Clone, FromRow)]
pub struct Feed {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub user_id: UserId,
    #[sqlx(try_from = "OptId")]
    pub association_id: Option<AssociationId>,
    pub association_name: Option<String>,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

const SELECT: &str = "SELECT f.id, f.user_id, f.association_id, a.name AS association_name, f.created_at, f.revoked_at
    FROM calendar_feeds f LEFT JOIN associations a ON a.id = f.association_id";

/// Makes a feed of `user` (of an association when given); returns it and its secret.
pub async fn create(
    conn: &mut AnyConnection,
    user: UserId,
    association: Option<AssociationId>,
) -> Result<(Feed, String)> {
    let token = secret("cal_");
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO calendar_feeds (token_hash, user_id, association_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(sha256(&token))
    .bind(user.get())
    .bind(association.map(i64::from))
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    Ok((get(conn, id).await?, token))
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Feed> {
    sqlx::query_as(&format!("{SELECT} WHERE f.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The live feed of a secret, whose owner is not blocked.
pub async fn by_token(conn: &mut AnyConnection, token: &str) -> Result<Option<Feed>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} JOIN users u ON u.id = f.user_id WHERE f.token_hash = $1 AND f.revoked_at IS NULL AND u.archived_at IS NULL"
    ))
    .bind(sha256(token))
    .fetch_optional(&mut *conn)
    .await?)
}

/// The user's live feeds, newest first.
pub async fn of_user(conn: &mut AnyConnection, user: UserId) -> Result<Vec<Feed>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE f.user_id = $1 AND f.revoked_at IS NULL ORDER BY f.id DESC"))
        .bind(user.get())
        .fetch_all(&mut *conn)
        .await?)
}

/// Revokes a feed of `user`; NotFound for another's.
pub async fn revoke(conn: &mut AnyConnection, user: UserId, id: i64) -> Result<()> {
    let r =
        sqlx::query("UPDATE calendar_feeds SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
            .bind(now())
            .bind(id)
            .bind(user.get())
            .execute(&mut *conn)
            .await?;
    if r.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

/// The associations a user's own feed covers: those whose current member the user's teacher
/// record is, and those where the user holds a role.
pub async fn associations_of(conn: &mut AnyConnection, user: UserId) -> Result<Vec<AssociationId>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT am.association_id FROM association_members am JOIN teachers t ON t.id = am.teacher_id
         WHERE t.user_id = $1 AND am.left_on IS NULL
         UNION SELECT g.association_id FROM role_grants g WHERE g.user_id = $1 AND g.association_id IS NOT NULL
         ORDER BY 1",
    )
    .bind(user.get())
    .fetch_all(&mut *conn)
    .await?;
    Ok(ids.into_iter().map(AssociationId).collect())
}
