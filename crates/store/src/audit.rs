//! The audit trail: every create, update and archive records who, when, what, and old → new.

use metoda_domain::ids::{MunicipalityId, RegionId, UserId};
use serde::Serialize;
use serde_json::Value;
use sqlx::{AnyConnection, FromRow};
use time::OffsetDateTime;

use crate::column::OptId;
use crate::{Actor, Result, now};

/// Where an entry belongs, for scoping who may read it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope {
    pub region_id: Option<RegionId>,
    pub municipality_id: Option<MunicipalityId>,
}

/// Records one change. `old`/`new` are the JSON of the record before and after (None for a
/// create's old side); fields in `hidden` are recorded as changed without values.
#[allow(clippy::too_many_arguments)]
pub async fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    scope: Scope,
    entity: &str,
    entity_id: Option<i64>,
    action: &str,
    summary: &str,
    old: Option<&Value>,
    new: Option<&Value>,
) -> Result<()> {
    let changes = metoda_domain::audit::diff(old, new, &["password_hash", "token_hash"]);
    sqlx::query(
        "INSERT INTO audit_log (at, user_id, actor, region_id, municipality_id, entity, entity_id, action, summary, changes, ip, search_text)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(now())
    .bind(actor.user_id.map(i64::from))
    .bind(&actor.login)
    .bind(scope.region_id.map(i64::from))
    .bind(scope.municipality_id.map(i64::from))
    .bind(entity)
    .bind(entity_id)
    .bind(action)
    .bind(summary)
    .bind(changes.to_string())
    .bind(actor.ip.as_deref())
    .bind(format!("{} {}", summary, actor.login).to_lowercase())
    .execute(&mut *conn)
    .await?;
    crate::memo::changed(conn, scope.municipality_id).await
}

/// Records a create (`old` None), update or archive of a record, serialising both versions.
#[allow(clippy::too_many_arguments)]
pub async fn record_change<T: Serialize>(
    conn: &mut AnyConnection,
    actor: &Actor,
    scope: Scope,
    entity: &str,
    entity_id: i64,
    action: &str,
    summary: &str,
    old: Option<&T>,
    new: &T,
) -> Result<()> {
    let old = old.and_then(|o| serde_json::to_value(o).ok());
    let new = serde_json::to_value(new).ok();
    record(conn, actor, scope, entity, Some(entity_id), action, summary, old.as_ref(), new.as_ref()).await
}

/// An audit entry as shown.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Entry {
    pub id: i64,
    pub at: String,
    #[sqlx(try_from = "OptId")]
    pub user_id: Option<UserId>,
    pub actor: String,
    #[sqlx(try_from = "OptId")]
    pub region_id: Option<RegionId>,
    #[sqlx(try_from = "OptId")]
    pub municipality_id: Option<MunicipalityId>,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub action: String,
    pub summary: String,
    pub changes: String,
    pub ip: Option<String>,
}

/// Filters of the audit page. `region_id`/`municipality_id` are the reader's scope, set by the
/// caller from the reader's grants; the rest are what the reader chose.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub region_id: Option<RegionId>,
    pub municipality_id: Option<MunicipalityId>,
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub action: Option<String>,
    pub actor: Option<String>,
    /// Entries at or after this instant.
    pub since: Option<OffsetDateTime>,
    /// Entries before this instant.
    pub before: Option<OffsetDateTime>,
    pub text: Option<String>,
    /// Entities whose summaries the text search leaves out (summaries the reader may not see).
    pub text_skips: Vec<String>,
    pub page: i64,
    pub per_page: i64,
}

/// One page of entries, newest first, and the total count.
pub async fn list(conn: &mut AnyConnection, f: &Filter) -> Result<(Vec<Entry>, i64)> {
    let mut wh = vec!["1=1".to_owned()];
    let mut args: Vec<Value> = vec![];
    let mut push = |cond: &str, v: Value, args: &mut Vec<Value>| {
        args.push(v);
        wh.push(cond.replace('?', &format!("${}", args.len())));
    };
    if let Some(r) = f.region_id {
        push("region_id = ?", r.get().into(), &mut args);
    }
    if let Some(m) = f.municipality_id {
        push("municipality_id = ?", m.get().into(), &mut args);
    }
    if let Some(e) = &f.entity {
        push("entity = ?", e.as_str().into(), &mut args);
    }
    if let Some(id) = f.entity_id {
        push("entity_id = ?", id.into(), &mut args);
    }
    if let Some(a) = &f.action {
        push("action = ?", a.as_str().into(), &mut args);
    }
    if let Some(a) = &f.actor {
        push("actor = ?", a.as_str().into(), &mut args);
    }
    // Stored stamps have a fixed width, so their text order is their time order.
    if let Some(t) = f.since {
        push("at >= ?", crate::stamp(t).into(), &mut args);
    }
    if let Some(t) = f.before {
        push("at < ?", crate::stamp(t).into(), &mut args);
    }
    if let Some(t) = &f.text {
        push("search_text LIKE ?", format!("%{}%", t.trim().to_lowercase()).into(), &mut args);
        // A summary hidden from the reader must not be found by its words either.
        for e in &f.text_skips {
            push("entity <> ?", e.as_str().into(), &mut args);
        }
    }
    let where_sql = wh.join(" AND ");
    let count_sql = format!("SELECT COUNT(*) FROM audit_log WHERE {where_sql}");
    let mut q = sqlx::query_scalar::<_, i64>(&count_sql);
    for a in &args {
        q = bind_json(q, a);
    }
    let total = q.fetch_one(&mut *conn).await?;
    let per_page = f.per_page.clamp(1, 500);
    // A page far past the end is simply empty, not an overflow.
    let offset = (f.page.max(1) - 1).saturating_mul(per_page);
    let sql = format!(
        "SELECT id, at, user_id, actor, region_id, municipality_id, entity, entity_id, action, summary, changes, ip
         FROM audit_log WHERE {where_sql} ORDER BY id DESC LIMIT {per_page} OFFSET {offset}"
    );
    let mut q = sqlx::query_as::<_, Entry>(&sql);
    for a in &args {
        q = bind_json_as(q, a);
    }
    Ok((q.fetch_all(&mut *conn).await?, total))
}

fn bind_json<'q, O>(
    q: sqlx::query::QueryScalar<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    v: &Value,
) -> sqlx::query::QueryScalar<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    match v {
        Value::Number(n) => q.bind(n.as_i64()),
        Value::String(s) => q.bind(s.clone()),
        _ => q.bind(None::<String>),
    }
}

fn bind_json_as<'q, O>(
    q: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    v: &Value,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    match v {
        Value::Number(n) => q.bind(n.as_i64()),
        Value::String(s) => q.bind(s.clone()),
        _ => q.bind(None::<String>),
    }
}

/// The entity names that appear in the trail (for the filter's list).
pub async fn entities(conn: &mut AnyConnection) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT DISTINCT entity FROM audit_log ORDER BY entity").fetch_all(&mut *conn).await?)
}
