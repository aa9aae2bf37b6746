//! The whole database as a versioned JSON archive (docs/archive-format.md), and back.
//!
//! `export` writes every table of [`TABLES`] in dependency order; `import` loads an archive into
//! an empty, migrated database in one transaction. Every later feature appends its tables to
//! [`TABLES`]; a test compares this list with the real schema so none is forgotten.

use serde_json::{Value, json};
use sqlx::{AnyConnection, Row};

use crate::{Backend, Db, Result, StoreError, migrate, now};

/// A column's stored type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Int,
    Text,
    /// Bytes, written as standard base64 text.
    Blob,
}

pub struct TableSpec {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Ty)],
    /// Columns that point forward to a table loaded later (a reference cycle: an association's
    /// creating order names the association): imported as NULL first, set once every table is in.
    pub deferred: &'static [&'static str],
}

use Ty::{Blob, Int, Text};

/// The archived tables, parents before children. Sessions and sign-in failures are ephemeral and
/// not archived. (Column names and types; `:i` columns are BIGINT, the rest TEXT.)
#[rustfmt::skip]
pub const TABLES: &[TableSpec] = &[
    TableSpec { name: "regions", deferred: &[], columns: &[("id", Int), ("name", Text), ("code", Text), ("created_at", Text), ("updated_at", Text), ("archived_at", Text)] },
    TableSpec { name: "regulation_profiles", deferred: &[], columns: &[("id", Int), ("code", Text), ("name", Text), ("source", Text), ("is_preset", Int), ("region_id", Int), ("municipality_id", Int), ("based_on_id", Int), ("settings", Text), ("created_at", Text), ("updated_at", Text), ("archived_at", Text), ("version", Int)] },
    TableSpec { name: "municipalities", deferred: &[], columns: &[("id", Int), ("region_id", Int), ("name", Text), ("authority_name", Text), ("profile_id", Int), ("created_at", Text), ("updated_at", Text), ("archived_at", Text), ("utc_offset_minutes", Int), ("version", Int)] },
    TableSpec { name: "organizations", deferred: &[], columns: &[("id", Int), ("municipality_id", Int), ("full_name", Text), ("short_name", Text), ("kind", Text), ("address", Text), ("head_name", Text), ("phone", Text), ("email", Text), ("website", Text), ("created_at", Text), ("updated_at", Text), ("archived_at", Text), ("version", Int)] },
    TableSpec { name: "associations", deferred: &["created_order_id"], columns: &[("id", Int), ("municipality_id", Int), ("name", Text), ("created_at", Text), ("updated_at", Text), ("archived_at", Text), ("body_name", Text), ("direction", Text), ("status", Text), ("created_order_id", Int), ("description", Text), ("social_url", Text), ("liquidated_at", Text), ("version", Int)] },
    TableSpec { name: "users", deferred: &[], columns: &[("id", Int), ("login", Text), ("full_name", Text), ("email", Text), ("password_hash", Text), ("region_id", Int), ("municipality_id", Int), ("created_at", Text), ("updated_at", Text), ("password_changed_at", Text), ("archived_at", Text), ("version", Int), ("email_mode", Text)] },
    TableSpec { name: "role_grants", deferred: &[], columns: &[("id", Int), ("user_id", Int), ("role", Text), ("region_id", Int), ("municipality_id", Int), ("association_id", Int), ("organization_id", Int), ("created_at", Text)] },
    TableSpec { name: "api_tokens", deferred: &[], columns: &[("id", Int), ("user_id", Int), ("name", Text), ("token_hash", Text), ("created_at", Text), ("last_used_at", Text), ("revoked_at", Text)] },
    TableSpec { name: "teachers", deferred: &[], columns: &[("id", Int), ("municipality_id", Int), ("last_name", Text), ("first_name", Text), ("middle_name", Text), ("birth_date", Text), ("organization_id", Int), ("position", Text), ("subjects", Text), ("education", Text), ("edu_institution", Text), ("edu_specialty", Text), ("edu_year", Int), ("category", Text), ("category_assigned_on", Text), ("category_expires_on", Text), ("experience_start", Text), ("young_specialist", Int), ("phone", Text), ("email", Text), ("consent_on", Text), ("user_id", Int), ("search_text", Text), ("created_at", Text), ("updated_at", Text), ("archived_at", Text), ("version", Int)] },
    TableSpec { name: "teacher_positions", deferred: &[], columns: &[("id", Int), ("teacher_id", Int), ("organization_id", Int), ("position", Text), ("created_at", Text)] },
    TableSpec { name: "teacher_years", deferred: &[], columns: &[("id", Int), ("teacher_id", Int), ("year", Int), ("self_education", Text), ("topic_status", Text), ("topic_agreed_by", Int), ("topic_agreed_at", Text), ("created_at", Text), ("updated_at", Text), ("version", Int)] },
    TableSpec { name: "teacher_courses", deferred: &[], columns: &[("id", Int), ("teacher_id", Int), ("kind", Text), ("title", Text), ("provider", Text), ("hours", Int), ("start_on", Text), ("end_on", Text), ("certificate", Text), ("created_at", Text)] },
    TableSpec { name: "teacher_difficulties", deferred: &[], columns: &[("id", Int), ("teacher_id", Int), ("year", Int), ("kind", Text), ("note", Text), ("created_at", Text)] },
    TableSpec { name: "orders", deferred: &[], columns: &[("id", Int), ("municipality_id", Int), ("number", Text), ("order_date", Text), ("year", Int), ("kind", Text), ("title", Text), ("body", Text), ("signed_by", Text), ("association_id", Int), ("payload", Text), ("created_by", Int), ("created_at", Text)] },
    TableSpec { name: "association_officers", deferred: &[], columns: &[("id", Int), ("association_id", Int), ("role", Text), ("teacher_id", Int), ("user_id", Int), ("from_on", Text), ("to_on", Text), ("order_id", Int), ("created_at", Text)] },
    TableSpec { name: "association_members", deferred: &[], columns: &[("id", Int), ("association_id", Int), ("teacher_id", Int), ("joined_on", Text), ("left_on", Text), ("order_id", Int), ("created_at", Text)] },
    TableSpec { name: "composition_snapshots", deferred: &[], columns: &[("id", Int), ("order_id", Int), ("association_id", Int), ("teacher_id", Int), ("full_name", Text), ("organization_name", Text), ("position", Text), ("role", Text)] },
    TableSpec { name: "association_subgroups", deferred: &[], columns: &[("id", Int), ("association_id", Int), ("kind", Text), ("name", Text), ("head_teacher_id", Int), ("created_at", Text), ("updated_at", Text), ("archived_at", Text)] },
    TableSpec { name: "subgroup_members", deferred: &[], columns: &[("id", Int), ("subgroup_id", Int), ("teacher_id", Int), ("joined_on", Text), ("left_on", Text), ("created_at", Text)] },
    TableSpec { name: "work_plans", deferred: &[], columns: &[("id", Int), ("association_id", Int), ("year", Int), ("period", Text), ("title", Text), ("steps", Text), ("status", Text), ("version", Int), ("approved_at", Text), ("created_at", Text), ("updated_at", Text), ("archived_at", Text)] },
    TableSpec { name: "plan_steps", deferred: &[], columns: &[("id", Int), ("plan_id", Int), ("step", Text), ("evidence", Text), ("meeting_id", Int), ("order_id", Int), ("user_id", Int), ("note", Text), ("at", Text)] },
    TableSpec { name: "plan_items", deferred: &[], columns: &[("id", Int), ("plan_id", Int), ("title", Text), ("direction", Text), ("form", Text), ("planned_on", Text), ("planned_month", Int), ("responsible", Text), ("venue_organization_id", Int), ("audience", Text), ("expected_result", Text), ("status", Text), ("status_reason", Text), ("moved_to", Text), ("fulfilled_meeting_id", Int), ("created_at", Text), ("updated_at", Text), ("archived_at", Text), ("version", Int)] },
    TableSpec { name: "plan_amendments", deferred: &[], columns: &[("id", Int), ("plan_id", Int), ("version", Int), ("item_id", Int), ("reason", Text), ("changes", Text), ("user_id", Int), ("at", Text)] },
    TableSpec { name: "cyclogram_items", deferred: &[], columns: &[("id", Int), ("association_id", Int), ("month", Int), ("title", Text), ("direction", Text), ("form", Text), ("responsible", Text), ("note", Text), ("created_at", Text), ("updated_at", Text), ("archived_at", Text), ("version", Int)] },
    TableSpec { name: "meetings", deferred: &[], columns: &[("id", Int), ("association_id", Int), ("year", Int), ("plan_item_id", Int), ("held_on", Text), ("starts_at", Text), ("venue_organization_id", Int), ("online_url", Text), ("place_note", Text), ("chair_teacher_id", Int), ("secretary_teacher_id", Int), ("status", Text), ("cancel_reason", Text), ("created_by", Int), ("created_at", Text), ("updated_at", Text), ("version", Int)] },
    TableSpec { name: "meeting_agenda", deferred: &[], columns: &[("id", Int), ("meeting_id", Int), ("position", Int), ("topic", Text), ("speaker", Text), ("heard", Text), ("spoke", Text), ("decision", Text), ("votes_for", Int), ("votes_against", Int), ("votes_abstained", Int), ("outcome", Text), ("version", Int)] },
    TableSpec { name: "meeting_attendance", deferred: &[], columns: &[("id", Int), ("meeting_id", Int), ("teacher_id", Int), ("status", Text), ("note", Text)] },
    TableSpec { name: "meeting_guests", deferred: &[], columns: &[("id", Int), ("meeting_id", Int), ("name", Text), ("position", Text)] },
    TableSpec { name: "minutes", deferred: &[], columns: &[("id", Int), ("meeting_id", Int), ("association_id", Int), ("year", Int), ("number", Int), ("status", Text), ("signatories", Text), ("members_total", Int), ("present", Int), ("quorum", Text), ("drafted_by", Int), ("drafted_at", Text), ("signed_at", Text), ("paper", Int)] },
    TableSpec { name: "minutes_signatures", deferred: &[], columns: &[("id", Int), ("minutes_id", Int), ("role", Text), ("user_id", Int), ("name", Text), ("at", Text)] },
    TableSpec { name: "minutes_addenda", deferred: &[], columns: &[("id", Int), ("minutes_id", Int), ("text", Text), ("user_id", Int), ("at", Text)] },
    TableSpec { name: "action_items", deferred: &[], columns: &[("id", Int), ("meeting_id", Int), ("agenda_id", Int), ("title", Text), ("owner_teacher_id", Int), ("due_on", Text), ("closed_at", Text), ("closed_by", Int), ("created_at", Text)] },
    TableSpec { name: "notifications", deferred: &["outbox_id"], columns: &[("id", Int), ("user_id", Int), ("kind", Text), ("title", Text), ("link", Text), ("created_at", Text), ("read_at", Text), ("emailed_at", Text), ("outbox_id", Int)] },
    TableSpec { name: "calendar_feeds", deferred: &[], columns: &[("id", Int), ("token_hash", Text), ("user_id", Int), ("association_id", Int), ("created_at", Text), ("revoked_at", Text)] },
    TableSpec { name: "reminders_sent", deferred: &[], columns: &[("id", Int), ("user_id", Int), ("key", Text), ("created_at", Text)] },
    TableSpec { name: "email_outbox", deferred: &[], columns: &[("id", Int), ("user_id", Int), ("notification_id", Int), ("digest_on", Text), ("created_at", Text), ("attempts", Int), ("next_attempt_at", Text), ("claimed_by", Text), ("claimed_until", Text), ("sent_at", Text), ("failed_at", Text), ("last_error", Text)] },
    TableSpec { name: "analysis_reports", deferred: &[], columns: &[("id", Int), ("association_id", Int), ("year", Int), ("status", Text), ("version", Int), ("due_on", Text), ("submitted_at", Text), ("late", Int), ("decided_at", Text), ("decided_by", Int), ("comment", Text), ("created_at", Text), ("updated_at", Text), ("period", Text)] },
    TableSpec { name: "analysis_texts", deferred: &[], columns: &[("id", Int), ("report_id", Int), ("section", Int), ("text", Text), ("updated_by", Int), ("updated_at", Text), ("version", Int)] },
    TableSpec { name: "analysis_versions", deferred: &[], columns: &[("id", Int), ("report_id", Int), ("version", Int), ("snapshot", Text), ("late", Int), ("submitted_by", Int), ("submitted_at", Text)] },
    TableSpec { name: "attachments", deferred: &[], columns: &[("id", Int), ("municipality_id", Int), ("owner", Text), ("owner_id", Int), ("kind", Text), ("year", Int), ("title", Text), ("file_name", Text), ("content_type", Text), ("size", Int), ("sha256", Text), ("content", Blob), ("url", Text), ("uploaded_by", Int), ("uploaded_at", Text), ("archived_at", Text)] },
    TableSpec { name: "audit_log", deferred: &[], columns: &[("id", Int), ("at", Text), ("user_id", Int), ("actor", Text), ("region_id", Int), ("municipality_id", Int), ("entity", Text), ("entity_id", Int), ("action", Text), ("summary", Text), ("changes", Text), ("ip", Text), ("search_text", Text)] },
    TableSpec { name: "results", deferred: &[], columns: &[("id", Int), ("municipality_id", Int), ("family", Text), ("kind", Text), ("result_on", Text), ("year", Int), ("title", Text), ("subject", Text), ("level", Text), ("placement", Text), ("format", Text), ("form", Text), ("score", Int), ("outlet", Text), ("url", Text), ("students", Int), ("student_name", Text), ("student_code", Text), ("student_grade", Text), ("student_organization_id", Int), ("status", Text), ("decided_by", Int), ("decided_at", Text), ("decision_comment", Text), ("created_by", Int), ("created_at", Text), ("updated_at", Text), ("archived_at", Text), ("version", Int)] },
    TableSpec { name: "result_teachers", deferred: &[], columns: &[("id", Int), ("result_id", Int), ("teacher_id", Int)] },
    TableSpec { name: "exam_thresholds", deferred: &[], columns: &[("id", Int), ("municipality_id", Int), ("subject", Text), ("minimum", Int), ("high", Int), ("updated_by", Int), ("updated_at", Text)] },
    TableSpec { name: "non_objective_organizations", deferred: &[], columns: &[("id", Int), ("organization_id", Int), ("year", Int), ("subject", Text), ("created_by", Int), ("created_at", Text)] },
    TableSpec { name: "events", deferred: &["series_id"], columns: &[("id", Int), ("municipality_id", Int), ("association_id", Int), ("subgroup_id", Int), ("plan_item_id", Int), ("title", Text), ("form", Text), ("audience", Text), ("level", Text), ("format", Text), ("reach", Text), ("starts_on", Text), ("starts_at", Text), ("ends_on", Text), ("venue_organization_id", Int), ("place_note", Text), ("online_url", Text), ("hours", Int), ("description", Text), ("registration_open", Int), ("cap", Int), ("registration_deadline", Text), ("status", Text), ("outcome", Text), ("cancel_reason", Text), ("created_by", Int), ("created_at", Text), ("updated_at", Text), ("announced_at", Text), ("held_at", Text), ("cancelled_at", Text), ("version", Int), ("series_id", Int)] },
    TableSpec { name: "event_registrations", deferred: &[], columns: &[("id", Int), ("event_id", Int), ("teacher_id", Int), ("guest_name", Text), ("guest_organization", Text), ("status", Text), ("walk_in", Int), ("attended", Int), ("registered_by", Int), ("created_at", Text), ("updated_at", Text)] },
    TableSpec { name: "event_programme", deferred: &[], columns: &[("id", Int), ("event_id", Int), ("position", Int), ("starts_at", Text), ("topic", Text), ("kind", Text), ("speaker_teacher_id", Int), ("speaker_name", Text), ("speaker_organization", Text), ("result_id", Int), ("created_at", Text), ("updated_at", Text), ("on_date", Text)] },
    TableSpec { name: "event_certificates", deferred: &[], columns: &[("id", Int), ("event_id", Int), ("registration_id", Int), ("programme_id", Int), ("kind", Text), ("seq", Int), ("number", Text), ("code", Text), ("issued_by", Int), ("issued_at", Text), ("revoked_at", Text), ("revoke_reason", Text)] },
    TableSpec { name: "event_placements", deferred: &[], columns: &[("id", Int), ("event_id", Int), ("registration_id", Int), ("placement", Text), ("subject", Text), ("grade", Text), ("teacher_id", Int), ("result_id", Int), ("created_by", Int), ("created_at", Text)] },
    TableSpec { name: "event_ratings", deferred: &[], columns: &[("id", Int), ("event_id", Int), ("registration_id", Int), ("score", Int), ("comment", Text), ("anonymous", Int), ("created_at", Text), ("updated_at", Text)] },
    TableSpec { name: "event_staff", deferred: &[], columns: &[("id", Int), ("event_id", Int), ("teacher_id", Int), ("role", Text), ("result_id", Int), ("created_at", Text)] },
    TableSpec { name: "event_coorganisers", deferred: &[], columns: &[("id", Int), ("event_id", Int), ("association_id", Int), ("created_at", Text)] },
];

/// Tables that exist but are deliberately not archived.
/// (`change_counters` is derived: an import counts as a change of everything.)
pub const NOT_ARCHIVED: &[&str] =
    &["schema_migrations", "sessions", "login_failures", "teacher_imports", "change_counters"];

pub const FORMAT: &str = "metoda-archive";
pub const FORMAT_VERSION: i64 = 1;

/// The whole database as an archive.
pub async fn export(db: &Db) -> Result<Value> {
    // One transaction, so the archive is a consistent snapshot even while the server runs.
    let mut conn = db.begin().await?;
    if db.backend() == Backend::Postgres {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(&mut *conn).await?;
    }
    let mut tables = vec![];
    for t in TABLES {
        let cols: Vec<&str> = t.columns.iter().map(|(c, _)| *c).collect();
        let sql = format!("SELECT {} FROM {} ORDER BY id", cols.join(", "), t.name);
        let rows = sqlx::query(&sql).fetch_all(&mut *conn).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let mut vals = Vec::with_capacity(cols.len());
            for (i, (_, ty)) in t.columns.iter().enumerate() {
                vals.push(match ty {
                    Int => r.try_get::<Option<i64>, _>(i)?.map_or(Value::Null, Value::from),
                    Text => r.try_get::<Option<String>, _>(i)?.map_or(Value::Null, Value::from),
                    Blob => {
                        use base64::Engine;
                        r.try_get::<Option<Vec<u8>>, _>(i)?
                            .map_or(Value::Null, |b| Value::from(base64::engine::general_purpose::STANDARD.encode(b)))
                    }
                });
            }
            out.push(Value::Array(vals));
        }
        tables.push(json!({"name": t.name, "columns": cols, "rows": out}));
    }
    conn.commit().await?;
    Ok(json!({
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_version": migrate::current_version(db).await?,
        "exported_at": now(),
        "source_backend": db.backend().name(),
        "tables": tables,
    }))
}

fn bad(msg: impl Into<String>) -> StoreError {
    StoreError::Other(format!("archive: {}", msg.into()))
}

/// Loads an archive into an empty, migrated database: all of it or nothing. Returns the number of rows.
pub async fn import(db: &Db, archive: &Value) -> Result<u64> {
    if archive.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(bad("not a Metoda archive (field \"format\" is not \"metoda-archive\")"));
    }
    let fv = archive.get("format_version").and_then(Value::as_i64).unwrap_or(0);
    if fv != FORMAT_VERSION {
        return Err(bad(format!("format_version {fv} is not supported (this program reads {FORMAT_VERSION})")));
    }
    let sv = archive.get("schema_version").and_then(Value::as_i64).unwrap_or(0);
    let have = migrate::current_version(db).await?;
    if sv != have {
        return Err(bad(format!(
            "the archive has schema version {sv}, the database {have}; use the Metoda version that wrote it"
        )));
    }
    let tables = archive.get("tables").and_then(Value::as_array).ok_or_else(|| bad("no \"tables\" list"))?;
    for t in tables {
        let name = t.get("name").and_then(Value::as_str).unwrap_or("");
        if !TABLES.iter().any(|s| s.name == name) {
            return Err(bad(format!("unknown table {name:?}")));
        }
    }
    let mut tx = db.begin().await?;
    ensure_empty(&mut tx).await?;
    // The presets installed by `migrate` are replaced by the archive's own rows (same codes).
    sqlx::query("DELETE FROM regulation_profiles WHERE is_preset = 1").execute(&mut *tx).await?;
    let mut count = 0u64;
    // (table, column, id, value) set after every table is in.
    let mut later: Vec<(&str, &str, i64, i64)> = vec![];
    for spec in TABLES {
        let t = tables
            .iter()
            .find(|t| t.get("name").and_then(Value::as_str) == Some(spec.name))
            .ok_or_else(|| bad(format!("table {} is missing", spec.name)))?;
        let cols: Vec<&str> = t
            .get("columns")
            .and_then(Value::as_array)
            .ok_or_else(|| bad(format!("{}: no columns", spec.name)))?
            .iter()
            .map(|c| c.as_str().unwrap_or(""))
            .collect();
        let mut types = Vec::with_capacity(cols.len());
        for c in &cols {
            let ty = spec.columns.iter().find(|(n, _)| n == c).map(|(_, t)| *t);
            types.push(ty.ok_or_else(|| bad(format!("{}: unknown column {c}", spec.name)))?);
        }
        let placeholders: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
        let sql = format!("INSERT INTO {} ({}) VALUES ({})", spec.name, cols.join(", "), placeholders.join(", "));
        let rows = t.get("rows").and_then(Value::as_array).ok_or_else(|| bad(format!("{}: no rows", spec.name)))?;
        for (n, row) in rows.iter().enumerate() {
            let vals = row
                .as_array()
                .filter(|v| v.len() == cols.len())
                .ok_or_else(|| bad(format!("{} row {}: expected {} values", spec.name, n + 1, cols.len())))?;
            let id = cols.iter().position(|c| *c == "id").and_then(|i| vals.get(i)).and_then(Value::as_i64);
            let mut q = sqlx::query(&sql);
            for ((v, ty), col) in vals.iter().zip(&types).zip(&cols) {
                if spec.deferred.contains(col) {
                    if let (Some(id), Some(x)) = (id, v.as_i64()) {
                        later.push((
                            spec.name,
                            spec.deferred.iter().find(|d| *d == col).copied().unwrap_or_default(),
                            id,
                            x,
                        ));
                    }
                    q = q.bind(None::<i64>);
                    continue;
                }
                q = match (ty, v) {
                    (Int, Value::Null) => q.bind(None::<i64>),
                    (Text, Value::Null) => q.bind(None::<String>),
                    (Int, Value::Number(x)) if x.is_i64() => q.bind(x.as_i64()),
                    (Text, Value::String(s)) => q.bind(s.clone()),
                    (Blob, Value::Null) => q.bind(None::<Vec<u8>>),
                    (Blob, Value::String(s)) => {
                        use base64::Engine;
                        let bytes = base64::engine::general_purpose::STANDARD
                            .decode(s)
                            .map_err(|_| bad(format!("{} row {}: bad base64", spec.name, n + 1)))?;
                        q.bind(bytes)
                    }
                    _ => return Err(bad(format!("{} row {}: a value of the wrong type", spec.name, n + 1))),
                };
            }
            q.execute(&mut *tx).await?;
            count += 1;
        }
    }
    for (table, column, id, value) in later {
        sqlx::query(&format!("UPDATE {table} SET {column} = $1 WHERE id = $2"))
            .bind(value)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    if db.backend() == Backend::Postgres {
        for spec in TABLES {
            sqlx::query(&migrate::continue_ids(spec.name)).execute(&mut *tx).await?;
        }
    }
    // Rows written outside the audit trail: what a server kept computed is void (decision 0020).
    crate::memo::changed(&mut tx, None).await?;
    tx.commit().await?;
    Ok(count)
}

async fn ensure_empty(conn: &mut AnyConnection) -> Result<()> {
    for spec in TABLES {
        let filter = if spec.name == "regulation_profiles" { " WHERE is_preset = 0" } else { "" };
        let n: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {}{filter}", spec.name)).fetch_one(&mut *conn).await?;
        if n > 0 {
            return Err(bad(format!(
                "the database is not empty (table {} has {n} rows); import needs an empty database",
                spec.name
            )));
        }
    }
    Ok(())
}

/// The tables and columns of the live schema, for checking [`TABLES`] against it.
pub async fn schema_columns(db: &Db) -> Result<Vec<(String, Vec<String>)>> {
    let mut conn = db.conn().await?;
    let tables: Vec<String> = match db.backend() {
        Backend::Sqlite => sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .fetch_all(&mut *conn)
        .await?,
        Backend::Postgres => sqlx::query_scalar(
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name",
        )
        .fetch_all(&mut *conn)
        .await?,
    };
    let mut out = vec![];
    for t in tables {
        let cols: Vec<String> = match db.backend() {
            Backend::Sqlite => {
                sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{t}') ORDER BY cid"))
                    .fetch_all(&mut *conn)
                    .await?
            }
            Backend::Postgres => {
                sqlx::query_scalar(
                    "SELECT CAST(column_name AS TEXT) FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                )
                .bind(&t)
                .fetch_all(&mut *conn)
                .await?
            }
        };
        out.push((t, cols));
    }
    Ok(out)
}
