//! User accounts, their passwords (argon2id) and their role grants.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use metoda_domain::access::{Grant, Principal, Role, ScopeKind};
use metoda_domain::directory::UserData;
use metoda_domain::ids::{AssociationId, MunicipalityId, OrganizationId, RegionId, UserId};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow, Row};

use crate::audit::{self, Scope};
use crate::column::OptId;
use crate::column::Text;
use crate::query::{Arg, Where, bind_all, like_pattern};
use crate::{Actor, Result, StoreError, now, unique};

/// An account as shown (never with its password hash).
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct User {
    #[sqlx(try_from = "i64")]
    pub id: UserId,
    pub login: String,
    pub full_name: String,
    pub email: Option<String>,
    #[sqlx(try_from = "OptId")]
    pub region_id: Option<RegionId>,
    #[sqlx(try_from = "OptId")]
    pub municipality_id: Option<MunicipalityId>,
    pub created_at: String,
    pub updated_at: String,
    pub password_changed_at: Option<String>,
    pub archived_at: Option<String>,
    /// Raised by every change of the account (its card, its password, blocking, its roles): send
    /// it back with an edit (an older one gets 409).
    pub version: i64,
}

impl User {
    pub fn scope(&self) -> Scope {
        Scope { region_id: self.region_id, municipality_id: self.municipality_id }
    }
}

/// A role grant with the name of its scope, for display.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct GrantRow {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub user_id: UserId,
    #[sqlx(try_from = "Text")]
    pub role: Role,
    #[sqlx(try_from = "OptId")]
    pub region_id: Option<RegionId>,
    #[sqlx(try_from = "OptId")]
    pub municipality_id: Option<MunicipalityId>,
    #[sqlx(try_from = "OptId")]
    pub association_id: Option<AssociationId>,
    #[sqlx(try_from = "OptId")]
    pub organization_id: Option<OrganizationId>,
    pub scope_name: String,
    pub created_at: String,
}

impl GrantRow {
    pub fn role_label(&self) -> &'static str {
        self.role.label_ru()
    }
    pub fn grant(&self) -> Grant {
        Grant {
            role: self.role,
            region_id: self.region_id,
            municipality_id: self.municipality_id,
            association_id: self.association_id,
            organization_id: self.organization_id,
        }
    }
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String> {
    let mut bytes = [0u8; 16];
    rand::fill(&mut bytes);
    let salt = SaltString::encode_b64(&bytes).map_err(|e| StoreError::Other(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Other(e.to_string()))
}

/// Checks a password against a stored hash.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// The hash of a random password made like every real one (same algorithm and cost): a sign-in
/// with an unknown login is checked against it, so that it takes as long as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| hash_password(&crate::sessions::secret("")).unwrap_or_default());
    &DUMMY
}

/// Checks a sign-in password against the account's stored hash or, when there is no account,
/// against [`dummy_hash`] — and then says no. Either way one argon2 verification runs, so the
/// time of the answer does not tell whether the login exists.
pub fn check_password(stored: Option<&str>, password: &str) -> bool {
    match stored {
        Some(hash) => verify_password(hash, password),
        None => {
            let _ = verify_password(dummy_hash(), password);
            false
        }
    }
}

const COLS: &str = "id, login, full_name, email, region_id, municipality_id, created_at, updated_at, password_changed_at, archived_at, version";

/// The columns of [`User`] qualified by a table alias, for reading a user joined to another table.
pub(crate) fn cols_of(alias: &str) -> String {
    COLS.split(", ").map(|c| format!("{alias}.{c}")).collect::<Vec<_>>().join(", ")
}

pub async fn get(conn: &mut AnyConnection, id: UserId) -> Result<User> {
    sqlx::query_as(&format!("SELECT {COLS} FROM users WHERE id = $1"))
        .bind(id.get())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// A user by login, with the password hash (for signing in).
pub async fn by_login(conn: &mut AnyConnection, login: &str) -> Result<Option<(User, String)>> {
    let row = sqlx::query(&format!("SELECT {COLS}, password_hash FROM users WHERE login = $1"))
        .bind(login.trim().to_lowercase())
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        None => Ok(None),
        Some(r) => {
            let user = User::from_row(&r)?;
            let hash: String = r.try_get("password_hash")?;
            Ok(Some((user, hash)))
        }
    }
}

pub async fn count(conn: &mut AnyConnection) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&mut *conn).await?)
}

/// Users whose home is in the region / municipality (all when both are None).
pub async fn list(
    conn: &mut AnyConnection,
    region_id: Option<RegionId>,
    municipality_id: Option<MunicipalityId>,
) -> Result<Vec<User>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM users WHERE ($1 IS NULL OR region_id = $1) AND ($2 IS NULL OR municipality_id = $2)
         ORDER BY archived_at IS NOT NULL, full_name"
    ))
    .bind(region_id.map(i64::from))
    .bind(municipality_id.map(i64::from))
    .fetch_all(&mut *conn)
    .await?)
}

/// Whose accounts a list may show: homes in these municipalities, region-level homes in these
/// regions, and (for an administrator) accounts with no home.
#[derive(Debug, Clone, Default)]
pub struct Homes {
    pub municipalities: Vec<MunicipalityId>,
    pub regions: Vec<RegionId>,
    pub homeless: bool,
}

/// A page of the accounts whose home is among `homes` (of one municipality when given; whose
/// login or name contains `text` when given), active first, by name; and how many there are.
pub async fn page(
    conn: &mut AnyConnection,
    homes: &Homes,
    municipality_id: Option<MunicipalityId>,
    text: Option<&str>,
    paging: metoda_domain::paging::Paging,
) -> Result<(Vec<User>, i64)> {
    let mut w = Where::default();
    let mut home = vec![];
    if !homes.municipalities.is_empty() {
        home.push(w.ids("municipality_id", &homes.municipalities));
    }
    if !homes.regions.is_empty() {
        home.push(format!("(municipality_id IS NULL AND {})", w.ids("region_id", &homes.regions)));
    }
    if homes.homeless {
        home.push("region_id IS NULL".into());
    }
    if home.is_empty() {
        return Ok((vec![], 0));
    }
    w.sql.push(format!("({})", home.join(" OR ")));
    if let Some(m) = municipality_id {
        w.push("municipality_id = ?", Arg::I(m.get()));
    }
    if let Some(t) = text.map(str::trim).filter(|t| !t.is_empty()) {
        // SQLite folds the case of Latin letters only: a name is matched as typed, in lower
        // case and with a capital first letter (as Russian names are written).
        let lower = t.to_lowercase();
        let mut rest = lower.chars();
        let capital: String = rest.next().map(|c| c.to_uppercase().chain(rest).collect()).unwrap_or_default();
        let ors: Vec<String> =
            [("login", lower.clone()), ("full_name", t.to_owned()), ("full_name", lower), ("full_name", capital)]
                .into_iter()
                .map(|(col, v)| format!("{col} LIKE {} ESCAPE '\\'", w.mark(Arg::S(like_pattern(&v)))))
                .collect();
        w.sql.push(format!("({})", ors.join(" OR ")));
    }
    let cond = w.sql.join(" AND ");
    let count = format!("SELECT COUNT(*) FROM users WHERE {cond}");
    let total: i64 = bind_all!(sqlx::query_scalar(&count), &w.args).fetch_one(&mut *conn).await?;
    let limit = w.mark(Arg::I(paging.per_page));
    let offset = w.mark(Arg::I(paging.offset()));
    let sql = format!(
        "SELECT {COLS} FROM users WHERE {cond} ORDER BY archived_at IS NOT NULL, full_name, id LIMIT {limit} OFFSET {offset}"
    );
    let rows = bind_all!(sqlx::query_as::<_, User>(&sql), &w.args).fetch_all(&mut *conn).await?;
    Ok((rows, total))
}

/// Creates an account with its home. The password must already be validated.
pub async fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    region_id: Option<RegionId>,
    municipality_id: Option<MunicipalityId>,
    d: &UserData,
) -> Result<User> {
    let password = d
        .password
        .as_deref()
        .ok_or_else(|| StoreError::invalid("password", "Пароль: поле обязательно для заполнения"))?;
    let hash = hash_password(password)?;
    let t = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (login, full_name, email, password_hash, region_id, municipality_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(&d.login)
    .bind(&d.full_name)
    .bind(&d.email)
    .bind(hash)
    .bind(region_id.map(i64::from))
    .bind(municipality_id.map(i64::from))
    .bind(&t)
    .fetch_one(&mut *conn)
    .await
    .map_err(unique("Пользователь с таким логином уже есть"))?;
    let u = get(conn, UserId(id)).await?;
    audit::record_change(
        conn,
        actor,
        u.scope(),
        "user",
        id,
        "create",
        &format!("Создан пользователь {} ({})", u.full_name, u.login),
        None,
        &u,
    )
    .await?;
    Ok(u)
}

/// Changes the name and e-mail of an account (and its password when given); `version`: the
/// version the edit was based on (a stale one is refused).
pub async fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: UserId,
    d: &UserData,
    version: Option<i64>,
) -> Result<User> {
    crate::bump_version(conn, "users", id.get(), version).await?;
    let old = get(conn, id).await?;
    sqlx::query("UPDATE users SET full_name = $1, email = $2, updated_at = $3 WHERE id = $4")
        .bind(&d.full_name)
        .bind(&d.email)
        .bind(now())
        .bind(id.get())
        .execute(&mut *conn)
        .await?;
    let u = get(conn, id).await?;
    audit::record_change(
        conn,
        actor,
        u.scope(),
        "user",
        id.get(),
        "update",
        &format!("Изменён пользователь {} ({})", u.full_name, u.login),
        Some(&old),
        &u,
    )
    .await?;
    if let Some(p) = &d.password {
        write_password(conn, actor, &u, p).await?;
        return get(conn, id).await;
    }
    Ok(u)
}

/// Sets a new (validated) password and ends the account's other sessions.
pub async fn set_password(conn: &mut AnyConnection, actor: &Actor, id: UserId, password: &str) -> Result<()> {
    crate::bump_version(conn, "users", id.get(), None).await?;
    let u = get(conn, id).await?;
    write_password(conn, actor, &u, password).await
}

/// Writes a password (the version is raised by the caller).
async fn write_password(conn: &mut AnyConnection, actor: &Actor, u: &User, password: &str) -> Result<()> {
    let id = u.id;
    let hash = hash_password(password)?;
    let t = now();
    sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2, updated_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(&t)
        .bind(id.get())
        .execute(&mut *conn)
        .await?;
    // A new password also forgives the login's failed sign-ins (sign-in throttling).
    crate::sessions::clear_failures(conn, &u.login).await?;
    let changes = serde_json::json!({"password_hash": "changed"});
    audit::record(
        conn,
        actor,
        u.scope(),
        "user",
        Some(id.get()),
        "set_password",
        &format!("Изменён пароль пользователя {}", u.login),
        Some(&serde_json::json!({})),
        Some(&changes),
    )
    .await?;
    Ok(())
}

/// Archives (blocks) or restores an account; archiving ends its sessions and revokes its tokens.
pub async fn set_archived(conn: &mut AnyConnection, actor: &Actor, id: UserId, archived: bool) -> Result<User> {
    crate::bump_version(conn, "users", id.get(), None).await?;
    let old = get(conn, id).await?;
    let t = now();
    sqlx::query("UPDATE users SET archived_at = $1, updated_at = $2 WHERE id = $3")
        .bind(archived.then_some(&t))
        .bind(&t)
        .bind(id.get())
        .execute(&mut *conn)
        .await?;
    if archived {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id.get()).execute(&mut *conn).await?;
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
            .bind(&t)
            .bind(id.get())
            .execute(&mut *conn)
            .await?;
    }
    let u = get(conn, id).await?;
    let (action, verb) =
        if archived { ("archive", "заблокирован") } else { ("restore", "разблокирован") };
    let summary = format!("Пользователь {} {verb}", u.login);
    audit::record_change(conn, actor, u.scope(), "user", id.get(), action, &summary, Some(&old), &u).await?;
    Ok(u)
}

const GRANT_SELECT: &str =
    "SELECT g.id, g.user_id, g.role, g.region_id, g.municipality_id, g.association_id, g.organization_id,
        COALESCE(o.short_name, a.name, m.name, r.name, 'вся система') AS scope_name, g.created_at
    FROM role_grants g
    LEFT JOIN regions r ON r.id = g.region_id
    LEFT JOIN municipalities m ON m.id = g.municipality_id
    LEFT JOIN associations a ON a.id = g.association_id
    LEFT JOIN organizations o ON o.id = g.organization_id";

pub async fn grants(conn: &mut AnyConnection, user_id: UserId) -> Result<Vec<GrantRow>> {
    Ok(sqlx::query_as(&format!("{GRANT_SELECT} WHERE g.user_id = $1 ORDER BY g.id"))
        .bind(user_id.get())
        .fetch_all(&mut *conn)
        .await?)
}

/// Where a role is held, for [`holding`].
#[derive(Debug, Clone, Copy)]
pub enum Held {
    /// In the municipality itself (not in one of its associations or organizations).
    Municipality(MunicipalityId),
    Association(AssociationId),
}

/// Active accounts holding one of `roles` at `at`: (id, name), by name.
pub async fn holding(conn: &mut AnyConnection, at: Held, roles: &[Role]) -> Result<Vec<(UserId, String)>> {
    if roles.is_empty() {
        return Ok(vec![]);
    }
    let (place, id) = match at {
        Held::Municipality(m) => {
            ("g.municipality_id = $1 AND g.association_id IS NULL AND g.organization_id IS NULL", m.get())
        }
        Held::Association(a) => ("g.association_id = $1", a.get()),
    };
    let marks: Vec<String> = (2..roles.len() + 2).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT u.id, u.full_name FROM users u WHERE u.archived_at IS NULL AND u.id IN (
            SELECT g.user_id FROM role_grants g WHERE {place} AND g.role IN ({}))
         ORDER BY u.full_name, u.id",
        marks.join(", ")
    );
    let mut q = sqlx::query_as::<_, (i64, String)>(&sql).bind(id);
    for r in roles {
        q = q.bind(r.code());
    }
    Ok(q.fetch_all(&mut *conn).await?.into_iter().map(|(id, name)| (UserId(id), name)).collect())
}

pub async fn grant(conn: &mut AnyConnection, id: i64) -> Result<GrantRow> {
    sqlx::query_as(&format!("{GRANT_SELECT} WHERE g.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The ids of a scope and of every scope enclosing it: (region, municipality, association, organization).
/// The region, municipality, association and organization of a grant's scope.
pub type ScopeIds = (Option<RegionId>, Option<MunicipalityId>, Option<AssociationId>, Option<OrganizationId>);

/// Resolves the scope a role is granted in from the id of its own scope.
pub async fn resolve_scope(conn: &mut AnyConnection, kind: ScopeKind, scope_id: Option<i64>) -> Result<ScopeIds> {
    let missing = || StoreError::invalid("scope_id", format!("Не найдено: {} с таким номером", kind.label_ru()));
    let id = match (kind, scope_id) {
        (ScopeKind::System, _) => return Ok((None, None, None, None)),
        (_, Some(id)) => id,
        (_, None) => return Err(missing()),
    };
    let row: Option<(i64, Option<i64>)> = match kind {
        ScopeKind::System => None,
        ScopeKind::Region => sqlx::query_as("SELECT id, CAST(NULL AS BIGINT) FROM regions WHERE id = $1").bind(id).fetch_optional(&mut *conn).await?,
        ScopeKind::Municipality => {
            sqlx::query_as("SELECT region_id, id FROM municipalities WHERE id = $1").bind(id).fetch_optional(&mut *conn).await?
        }
        ScopeKind::Association => sqlx::query_as(
            "SELECT m.region_id, m.id FROM associations a JOIN municipalities m ON m.id = a.municipality_id WHERE a.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?,
        ScopeKind::Organization => sqlx::query_as(
            "SELECT m.region_id, m.id FROM organizations o JOIN municipalities m ON m.id = o.municipality_id WHERE o.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?,
    };
    let (region, muni) = row.ok_or_else(missing)?;
    Ok(match kind {
        ScopeKind::System => (None, None, None, None),
        ScopeKind::Region => (Some(RegionId(region)), None, None, None),
        ScopeKind::Municipality => (Some(RegionId(region)), muni.map(MunicipalityId), None, None),
        ScopeKind::Association => (Some(RegionId(region)), muni.map(MunicipalityId), Some(AssociationId(id)), None),
        ScopeKind::Organization => (Some(RegionId(region)), muni.map(MunicipalityId), None, Some(OrganizationId(id))),
    })
}

/// Grants `role` in the resolved scope.
pub async fn add_grant(
    conn: &mut AnyConnection,
    actor: &Actor,
    user_id: UserId,
    role: Role,
    ids: ScopeIds,
) -> Result<GrantRow> {
    // A change of the account: an edit based on it before the grant is refused.
    crate::bump_version(conn, "users", user_id.get(), None).await?;
    let u = get(conn, user_id).await?;
    let (r, m, a, o) = ids;
    let exists: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM role_grants WHERE user_id = $1 AND role = $2
           AND COALESCE(region_id, 0) = COALESCE($3, 0) AND COALESCE(municipality_id, 0) = COALESCE($4, 0)
           AND COALESCE(association_id, 0) = COALESCE($5, 0) AND COALESCE(organization_id, 0) = COALESCE($6, 0)",
    )
    .bind(user_id.get())
    .bind(role.code())
    .bind(r.map(i64::from))
    .bind(m.map(i64::from))
    .bind(a.map(i64::from))
    .bind(o.map(i64::from))
    .fetch_one(&mut *conn)
    .await?;
    if exists > 0 {
        return Err(StoreError::Conflict("У пользователя уже есть эта роль".into()));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO role_grants (user_id, role, region_id, municipality_id, association_id, organization_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(user_id.get())
    .bind(role.code())
    .bind(r.map(i64::from))
    .bind(m.map(i64::from))
    .bind(a.map(i64::from))
    .bind(o.map(i64::from))
    .bind(now())
    .fetch_one(&mut *conn)
    .await
    .map_err(unique("У пользователя уже есть эта роль"))?;
    let g = grant(conn, id).await?;
    let summary = format!("Пользователю {} назначена роль «{}» ({})", u.login, role.label_ru(), g.scope_name);
    let scope = Scope { region_id: r.or(u.region_id), municipality_id: m.or(u.municipality_id) };
    audit::record_change(conn, actor, scope, "role_grant", id, "create", &summary, None, &g).await?;
    Ok(g)
}

/// Withdraws a grant (the audit trail keeps it).
pub async fn remove_grant(conn: &mut AnyConnection, actor: &Actor, grant_id: i64) -> Result<()> {
    let g = grant(conn, grant_id).await?;
    crate::bump_version(conn, "users", g.user_id.get(), None).await?;
    let u = get(conn, g.user_id).await?;
    sqlx::query("DELETE FROM role_grants WHERE id = $1").bind(grant_id).execute(&mut *conn).await?;
    let old = serde_json::to_value(&g).ok();
    let summary = format!("У пользователя {} снята роль «{}» ({})", u.login, g.role_label(), g.scope_name);
    let scope =
        Scope { region_id: g.region_id.or(u.region_id), municipality_id: g.municipality_id.or(u.municipality_id) };
    audit::record(conn, actor, scope, "role_grant", Some(grant_id), "archive", &summary, old.as_ref(), None).await?;
    Ok(())
}

/// The user and their grants, for the access rule.
pub async fn principal(conn: &mut AnyConnection, user_id: UserId) -> Result<Principal> {
    let grants = grants(conn, user_id).await?.iter().map(GrantRow::grant).collect();
    Ok(Principal { user_id, grants })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_login_is_checked_against_a_hash_of_the_same_cost() {
        let real = hash_password("a-real-password-1").unwrap();
        let (r, d) = (PasswordHash::new(&real).unwrap(), PasswordHash::new(dummy_hash()).unwrap());
        assert_eq!((r.algorithm, r.version, r.params.to_string()), (d.algorithm, d.version, d.params.to_string()));
        assert_ne!(r.salt, d.salt);
        assert!(check_password(Some(&real), "a-real-password-1"));
        assert!(!check_password(Some(&real), "a-wrong-password"));
        assert!(!check_password(None, "a-real-password-1"));
    }
}
