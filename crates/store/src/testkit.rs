//! Fresh databases for tests: a temporary SQLite file, or — when `METODA_TEST_DATABASE` names a
//! PostgreSQL server — a new database on it, created per test and dropped afterwards.
//!
//! Databases left behind by a crashed test run carry the dead process's id in their name
//! (`metoda_t_<pid>_<random>`) and are dropped by the next run.
//!
//! A [`Template`] is a database prepared once per test process (migrated, seeded) and copied for
//! each test: a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL. Copying costs a
//! few milliseconds where seeding (password hashes, the demo's hundreds of rows) costs seconds.

use std::path::PathBuf;

use sqlx::{Connection, Executor};

use crate::{Db, Result, StoreError, migrate, profiles};

/// The environment variable naming the PostgreSQL server for the PostgreSQL pass.
pub const ENV: &str = "METODA_TEST_DATABASE";

/// A migrated database that disappears with this value.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Postgres {
        admin_url: String,
        name: String,
    },
    /// Kept as a template: not removed with the value.
    Kept,
}

/// The admin URL of the PostgreSQL pass, if this run is one.
pub fn postgres_url() -> Option<String> {
    std::env::var(ENV).ok().filter(|u| u.starts_with("postgres"))
}

fn random_suffix() -> String {
    let mut b = [0u8; 6];
    rand::fill(&mut b);
    hex::encode(b)
}

impl TestDb {
    /// A new, empty, migrated database with the presets installed (a copy of one migrated once
    /// per process).
    pub async fn new() -> Result<TestDb> {
        static MIGRATED: tokio::sync::OnceCell<Template> = tokio::sync::OnceCell::const_new();
        let template = MIGRATED.get_or_try_init(Template::migrated).await?;
        template.instance().await
    }

    /// A new, migrated SQLite database, whatever the environment says (for cross-backend tests).
    pub async fn sqlite() -> Result<TestDb> {
        let t = Self::create(None).await?;
        t.prepare().await?;
        Ok(t)
    }

    /// A new, migrated PostgreSQL database on the server of `admin_url`.
    pub async fn postgres(admin_url: &str) -> Result<TestDb> {
        let t = Self::create(Some(admin_url.to_owned())).await?;
        t.prepare().await?;
        Ok(t)
    }

    async fn prepare(&self) -> Result<()> {
        migrate::run(&self.db).await?;
        let mut conn = self.db.conn().await?;
        profiles::install_presets(&mut conn).await
    }

    /// A new database with nothing in it.
    pub async fn unmigrated() -> Result<TestDb> {
        Self::create(postgres_url()).await
    }

    async fn create(postgres: Option<String>) -> Result<TestDb> {
        match postgres {
            Some(admin_url) => {
                let mut admin = sqlx::PgConnection::connect(&admin_url).await?;
                drop_orphans(&mut admin).await?;
                let name = pg_name();
                admin.execute(format!("CREATE DATABASE {name}").as_str()).await?;
                admin.close().await?;
                let url = replace_db_name(&admin_url, &name)?;
                let db = Db::connect(&url).await?;
                Ok(TestDb { db, url, cleanup: Cleanup::Postgres { admin_url, name } })
            }
            None => {
                remove_orphan_files();
                let path = sqlite_path();
                let url = format!("sqlite://{}", path.display());
                let db = Db::connect(&url).await?;
                Ok(TestDb { db, url, cleanup: Cleanup::File(path) })
            }
        }
    }

    /// Closes the pool and removes the database.
    pub async fn drop_db(self) {
        self.db.close().await;
        match &self.cleanup {
            Cleanup::File(p) => remove_sqlite(p),
            Cleanup::Postgres { admin_url, name } => {
                if let Ok(mut admin) = sqlx::PgConnection::connect(admin_url).await {
                    let _ = admin.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await;
                }
            }
            Cleanup::Kept => {}
        }
    }
}

fn remove_sqlite(p: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
    }
}

/// `postgres://u@h:5432/test?x=y` with the database name replaced.
fn replace_db_name(url: &str, name: &str) -> Result<String> {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let slash = base[scheme_end..].find('/').map(|i| i + scheme_end);
    let host_part = match slash {
        Some(i) => &base[..i],
        None => base,
    };
    if host_part.is_empty() {
        return Err(StoreError::Other(format!("bad {ENV}")));
    }
    Ok(match query {
        Some(q) => format!("{host_part}/{name}?{q}"),
        None => format!("{host_part}/{name}"),
    })
}

/// Whether the process of this id has ended (its databases are orphans).
fn dead(pid: Option<u32>) -> bool {
    !pid.is_some_and(|p| std::path::Path::new(&format!("/proc/{p}")).exists())
}

/// Removes the SQLite files of test processes that have ended (templates are never removed by
/// their own process).
fn remove_orphan_files() {
    let Ok(dir) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for entry in dir.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix("metoda-test-") else { continue };
        if dead(rest.split('-').next().and_then(|p| p.parse().ok())) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

async fn drop_orphans(admin: &mut sqlx::PgConnection) -> Result<()> {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname::text FROM pg_database WHERE datname LIKE 'metoda_t_%'")
            .fetch_all(&mut *admin)
            .await?;
    for n in names {
        if dead(n.split('_').nth(2).and_then(|p| p.parse::<u32>().ok())) {
            let _ = admin.execute(format!("DROP DATABASE IF EXISTS {n} WITH (FORCE)").as_str()).await;
        }
    }
    Ok(())
}

/// A prepared database that tests copy; it is never opened again once prepared.
pub struct Template {
    source: Source,
}

enum Source {
    File(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl Template {
    /// A template of a migrated database with the presets and nothing else.
    async fn migrated() -> Result<Template> {
        let t = TestDb::unmigrated().await?;
        t.prepare().await?;
        Template::keep(t).await
    }

    /// Prepares a template: a new migrated database (with the presets), filled by `seed`. The
    /// value `seed` returns (the ids of what it made, say) is handed back with the template.
    pub async fn build<T, F, Fut>(seed: F) -> Result<(Template, T)>
    where
        F: FnOnce(Db) -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        let t = TestDb::new().await?;
        let value = seed(t.db.clone()).await?;
        Ok((Template::keep(t).await?, value))
    }

    /// Closes a prepared database and keeps it, unopened, as a template. It stays until the
    /// process ends; the next run removes it with the other orphans.
    async fn keep(mut t: TestDb) -> Result<Template> {
        if t.db.backend() == crate::Backend::Sqlite {
            // Everything into the main file, so that copying the file copies the database.
            sqlx::raw_sql("PRAGMA wal_checkpoint(TRUNCATE);").execute(&t.db.pool).await?;
        }
        t.db.close().await;
        let source = match std::mem::replace(&mut t.cleanup, Cleanup::Kept) {
            Cleanup::File(p) => Source::File(p),
            Cleanup::Postgres { admin_url, name } => Source::Postgres { admin_url, name },
            Cleanup::Kept => return Err(StoreError::Other("a template kept twice".into())),
        };
        Ok(Template { source })
    }

    /// A new database with the template's content, removed with the value.
    pub async fn instance(&self) -> Result<TestDb> {
        match &self.source {
            Source::File(template) => {
                let path = sqlite_path();
                std::fs::copy(template, &path).map_err(|e| StoreError::Other(format!("copying the template: {e}")))?;
                let url = format!("sqlite://{}", path.display());
                let db = Db::connect(&url).await?;
                Ok(TestDb { db, url, cleanup: Cleanup::File(path) })
            }
            Source::Postgres { admin_url, name: template } => {
                let mut admin = sqlx::PgConnection::connect(admin_url).await?;
                let name = pg_name();
                admin.execute(format!("CREATE DATABASE {name} TEMPLATE {template}").as_str()).await?;
                admin.close().await?;
                let url = replace_db_name(admin_url, &name)?;
                let db = Db::connect(&url).await?;
                Ok(TestDb { db, url, cleanup: Cleanup::Postgres { admin_url: admin_url.clone(), name } })
            }
        }
    }
}

fn sqlite_path() -> PathBuf {
    std::env::temp_dir().join(format!("metoda-test-{}-{}.db", std::process::id(), random_suffix()))
}

fn pg_name() -> String {
    format!("metoda_t_{}_{}", std::process::id(), random_suffix())
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Cleanup::File(p) = &self.cleanup {
            remove_sqlite(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_are_replaced() {
        assert_eq!(
            replace_db_name("postgres://postgres@127.0.0.1:5432/test", "x").unwrap(),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            replace_db_name("postgres://u:p@h/test?sslmode=disable", "x").unwrap(),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(replace_db_name("postgres://h", "x").unwrap(), "postgres://h/x");
    }
}
