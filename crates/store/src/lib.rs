//! Persistence of Metoda.
//!
//! A guided tour:
//! - [`Db`] wraps one sqlx `Any` pool and knows its [`Backend`]: SQLite (an embedded file, the
//!   default) or PostgreSQL (`postgres://…`, for several app servers).
//! - [`migrate`] applies the one migration set in `migrations/` to either backend.
//! - One module per entity (`regions`, `municipalities`, `organizations`, `profiles`, `users`,
//!   `sessions`, `audit`) holds its queries. Every function that changes data takes a connection
//!   inside a transaction and writes its audit entry in that same transaction.
//! - [`column`] turns raw columns into domain types while a row is read (`#[sqlx(try_from =
//!   "Text")]`): an unknown stored value is an error, never a default (decision 0015).
//! - [`archive`] exports the whole database as a JSON archive and imports it into an empty one.
//! - [`demo`] fills a demo municipality.
//!
//! SQL is written once for both backends: `$1`-style placeholders (SQLite reads `$N` as the N-th
//! argument), `RETURNING id`, TEXT timestamps. See docs/decisions/0002-sqlx-any.md.

pub mod archive;
pub mod associations;
pub mod attachments;
pub mod audit;
pub mod calendars;
pub mod column;
pub mod cyclograms;
pub mod demo;
pub mod events;
pub mod imports;
pub mod meetings;
pub mod memo;
pub mod migrate;
pub mod municipalities;
pub mod notify;
pub mod orders;
pub mod organizations;
pub mod plans;
pub mod profiles;
mod query;
pub mod regions;
pub mod reminders;
pub mod reports;
pub mod results;
pub mod scale;
pub mod sessions;
pub mod teacher_years;
pub mod teachers;
pub mod testkit;
pub mod users;
pub mod worklist;

use metoda_domain::ids::UserId;
use std::str::FromStr;
use std::time::Duration;

use metoda_domain::FieldError;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, ConnectOptions};
use time::OffsetDateTime;
use time::macros::format_description;

pub use sqlx::{Any, Transaction};

/// The database behind a [`Db`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A connection pool to either backend.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    memo: std::sync::Arc<memo::Memo>,
}

/// What can go wrong in the store. Messages of `Conflict` and `Invalid` are Russian and meant
/// for the user; `Db` is an internal error (logged, never shown).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("не найдено")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("ошибки в данных")]
    Invalid(Vec<FieldError>),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("{0}")]
    Other(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        StoreError::Invalid(vec![FieldError::new(field, message)])
    }
}

impl From<metoda_domain::FieldError> for StoreError {
    fn from(e: metoda_domain::FieldError) -> Self {
        StoreError::Invalid(vec![e])
    }
}

/// Whose records a summary reads: one association, or every association of a municipality at
/// once (the authority's lists and overviews, the region's roll-up: a handful of queries for a
/// municipality instead of a handful per association).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Among<'a> {
    Association(i64),
    Municipality(i64),
    /// A page of a list: these associations (ids of the database, written into the SQL as
    /// integers; $1 is bound to 0).
    Associations(&'a [i64]),
}

impl Among<'_> {
    /// The condition on an association id column, with the id bound as $1.
    fn sql(self, column: &str) -> String {
        match self {
            Among::Association(_) => format!("{column} = $1"),
            Among::Municipality(_) => format!("{column} IN (SELECT id FROM associations WHERE municipality_id = $1)"),
            Among::Associations([]) => "($1 = 0 AND 1 = 0)".to_owned(),
            Among::Associations(ids) => {
                let list: Vec<String> = ids.iter().map(i64::to_string).collect();
                format!("($1 = 0 AND {column} IN ({}))", list.join(", "))
            }
        }
    }
    fn id(self) -> i64 {
        match self {
            Among::Association(id) | Among::Municipality(id) => id,
            Among::Associations(_) => 0,
        }
    }
}

/// Where a roll-up reads: one municipality, or every municipality of a region (the region's
/// roll-up reads each kind of row once for the whole region, not once per municipality).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Within {
    Municipality(metoda_domain::ids::MunicipalityId),
    Region(metoda_domain::ids::RegionId),
}

impl Within {
    /// The condition on a municipality id column, with the id bound as $1.
    pub(crate) fn municipalities(self, column: &str) -> String {
        match self {
            Within::Municipality(_) => format!("{column} = $1"),
            Within::Region(_) => format!("{column} IN (SELECT id FROM municipalities WHERE region_id = $1)"),
        }
    }

    /// The condition on an association id column, with the id bound as $1.
    pub(crate) fn associations(self, column: &str) -> String {
        format!("{column} IN (SELECT id FROM associations WHERE {})", self.municipalities("municipality_id"))
    }

    pub(crate) fn id(self) -> i64 {
        match self {
            Within::Municipality(id) => id.get(),
            Within::Region(id) => id.get(),
        }
    }
}

/// Turns a unique-constraint violation into a [`StoreError::Conflict`] with `message`.
/// What a save based on an old version of a record is told (optimistic concurrency).
pub const STALE: &str = "Запись уже изменил другой пользователь, пока вы её редактировали. Ваши изменения не \
     сохранены: сверьте их с текущими данными и сохраните ещё раз";

/// Optimistic concurrency: raises the record's version if it is still `expected` (None: the caller
/// names no version, as an old API client, and the save goes through). Call it first in the
/// transaction of a save: it also locks the row until the transaction ends. `table` is a constant
/// of the store, never input.
pub(crate) async fn bump_version(conn: &mut AnyConnection, table: &str, id: i64, expected: Option<i64>) -> Result<()> {
    let sql = format!("UPDATE {table} SET version = version + 1 WHERE id = $1 AND ($2 IS NULL OR version = $2)");
    let n = sqlx::query(&sql).bind(id).bind(expected).execute(&mut *conn).await?.rows_affected();
    if n == 0 {
        let exists: Option<i64> = sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        return Err(if exists.is_some() { StoreError::Conflict(STALE.into()) } else { StoreError::NotFound });
    }
    Ok(())
}

/// Optimistic concurrency for a record that its first save creates (a section's text of an
/// analysis, a teacher's year): a record not written yet counts as version 0. `id`: the row, if
/// there is one. An edit based on "not written yet" (0) of a record someone has written since is
/// stale, as is one based on a version of a record that is not there; `expected` None: no check.
/// The insert of a new row must refuse a duplicate with [`STALE`] (two first saves at once).
pub(crate) async fn bump_or_new(
    conn: &mut AnyConnection,
    table: &str,
    id: Option<i64>,
    expected: Option<i64>,
) -> Result<()> {
    match (id, expected) {
        (Some(id), expected) => bump_version(conn, table, id, expected).await,
        (None, Some(v)) if v != 0 => Err(StoreError::Conflict(STALE.into())),
        (None, _) => Ok(()),
    }
}

pub(crate) fn unique(message: &str) -> impl FnOnce(sqlx::Error) -> StoreError + '_ {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(message.to_owned()),
        _ => StoreError::Db(e),
    }
}

/// Who changes data: written into the audit trail.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<UserId>,
    pub login: String,
    pub ip: Option<String>,
}

impl Actor {
    /// The command line (`metoda user create`, `demo-data`, `import`).
    pub fn cli(what: &str) -> Self {
        Actor { user_id: None, login: format!("cli:{what}"), ip: None }
    }
}

/// Current time as stored: RFC 3339 UTC with microseconds, fixed width so that text order is time order.
pub fn now() -> String {
    stamp(OffsetDateTime::now_utc())
}

/// A time as stored.
pub fn stamp(t: OffsetDateTime) -> String {
    let f = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
    t.to_offset(time::UtcOffset::UTC).format(f).unwrap_or_default()
}

/// Parses a stored time.
pub fn parse_stamp(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
}

impl Db {
    /// Connects to `url`: `sqlite://path/to/file.db` (created with its folder if missing) or
    /// `postgres://user@host:port/db`.
    pub async fn connect(url: &str) -> Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::Other(format!(
                "unsupported database URL (expected sqlite://… or postgres://…): {}",
                redact_url(url)
            )));
        };
        let url = if backend == Backend::Sqlite { prepare_sqlite_url(url)? } else { url.to_owned() };
        // Every statement is reported at TRACE (counted per request by metoda_web::telemetry,
        // printed only when the log asks for sqlx=trace); a statement slower than a second at WARN.
        let opts = AnyConnectOptions::from_str(&url)?
            .log_statements(log::LevelFilter::Trace)
            .log_slow_statements(log::LevelFilter::Warn, Duration::from_secs(1));
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 10 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        use sqlx::Executor;
                        conn.execute(
                            "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(opts)
            .await?;
        if backend == Backend::Sqlite {
            sqlx::raw_sql("PRAGMA journal_mode = WAL;").execute(&pool).await?;
        }
        Ok(Db { pool, backend, memo: Default::default() })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// What this process keeps computed (decision 0020).
    pub fn memo(&self) -> &memo::Memo {
        &self.memo
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// How many connections the pool holds at most (4 on SQLite, 10 on PostgreSQL). A request
    /// uses one at a time (docs/decisions/0008-one-connection-per-request.md).
    pub fn pool_size(&self) -> u32 {
        self.pool.options().get_max_connections()
    }

    /// Starts a transaction: every multi-row change runs in one. On SQLite it takes the write lock
    /// at once (`BEGIN IMMEDIATE`), so a transaction that reads and then writes waits for another
    /// writer (up to the busy timeout) instead of failing with "database is locked" when its
    /// snapshot turns stale.
    pub async fn begin(&self) -> Result<Transaction<'static, Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// A pooled connection for reads.
    pub async fn conn(&self) -> Result<sqlx::pool::PoolConnection<Any>> {
        Ok(self.pool.acquire().await?)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A URL with its password replaced by `***`, for logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

fn prepare_sqlite_url(url: &str) -> Result<String> {
    let rest = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path != ":memory:"
        && !path.is_empty()
        && let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)
            .map_err(|e| StoreError::Other(format!("cannot create {}: {e}", parent.display())))?;
    }
    let mut q: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    if !q.iter().any(|p| p.starts_with("mode=")) {
        q.push("mode=rwc");
    }
    Ok(format!("sqlite://{path}?{}", q.join("&")))
}

/// A connection as the store's functions take it: a pooled one (`&mut *db.conn().await?`) or a
/// transaction (`&mut tx`). Callers name this type, not sqlx's.
pub type Conn = AnyConnection;

/// The database driver's error, as committing a [`Transaction`] returns it; callers turn it into a
/// [`StoreError::Db`] (`StoreError::from`).
pub use sqlx::Error as DbError;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_sort_as_text() {
        let a = stamp(OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap());
        let b = stamp(OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_500_000_000).unwrap());
        assert!(a < b);
        assert_eq!(a.len(), b.len());
        assert_eq!(parse_stamp(&a).unwrap().unix_timestamp(), 1_700_000_000);
    }

    #[test]
    fn urls_are_redacted() {
        assert_eq!(redact_url("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite://data/metoda.db"), "sqlite://data/metoda.db");
    }
}
