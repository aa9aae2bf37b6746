//! Pending imports of the teacher bank: rows checked in a preview wait here until the user
//! confirms, then are applied in one transaction — all of them or none. Re-importing the same
//! file updates the same teachers (matched on name + birth date + organization), never duplicates.

use metoda_domain::ids::{MunicipalityId, UserId};
use metoda_domain::teachers::TeacherInput;
use metoda_domain::values::iso_date;
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use time::Date;

use crate::audit::{self, Scope};
use crate::{Actor, Result, StoreError, now, teachers};

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct PendingImport {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub municipality_id: MunicipalityId,
    #[sqlx(try_from = "i64")]
    pub user_id: UserId,
    pub file_name: String,
    pub rows: String,
    pub new_count: i64,
    pub update_count: i64,
    pub created_at: String,
    pub applied_at: Option<String>,
}

/// Keeps checked rows (each with its organization id set) for confirmation.
pub async fn save(
    conn: &mut AnyConnection,
    municipality_id: MunicipalityId,
    user_id: UserId,
    file_name: &str,
    rows: &[TeacherInput],
    new_count: usize,
    update_count: usize,
) -> Result<i64> {
    let json = serde_json::to_string(rows).map_err(|e| StoreError::Other(e.to_string()))?;
    Ok(sqlx::query_scalar(
        "INSERT INTO teacher_imports (municipality_id, user_id, file_name, rows, new_count, update_count, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(municipality_id.get())
    .bind(user_id.get())
    .bind(file_name.chars().take(200).collect::<String>())
    .bind(json)
    .bind(new_count as i64)
    .bind(update_count as i64)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<PendingImport> {
    sqlx::query_as(
        "SELECT id, municipality_id, user_id, file_name, rows, new_count, update_count, created_at, applied_at
         FROM teacher_imports WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// What an applied import did.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Applied {
    pub created: usize,
    pub updated: usize,
}

/// Applies a pending import of `user_id`. Run inside a transaction: any failing row fails all.
pub async fn apply(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    user_id: UserId,
    scope: Scope,
    today: Date,
) -> Result<Applied> {
    let p = get(conn, id).await?;
    if p.user_id != user_id {
        return Err(StoreError::NotFound);
    }
    // Claim the file: of two parallel applications only one finds it not yet applied.
    let claimed = sqlx::query("UPDATE teacher_imports SET applied_at = $1 WHERE id = $2 AND applied_at IS NULL")
        .bind(crate::now())
        .bind(id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if p.applied_at.is_some() || claimed == 0 {
        return Err(StoreError::Conflict("Этот файл уже загружен".into()));
    }
    let rows: Vec<TeacherInput> =
        serde_json::from_str(&p.rows).map_err(|e| StoreError::Other(format!("pending import {id}: {e}")))?;
    let mut done = Applied::default();
    for (i, input) in rows.iter().enumerate() {
        let d = input.parse(today).map_err(|errs| {
            StoreError::Invalid(
                errs.into_iter()
                    .map(|e| metoda_domain::FieldError::new(e.field, format!("Строка {}: {}", i + 1, e.message)))
                    .collect(),
            )
        })?;
        match teachers::find_identity(conn, &d).await? {
            Some(existing) => {
                // An empty cell keeps what is stored: a file with fewer columns never wipes data.
                let stored = teachers::get(conn, existing).await?;
                let merged = keep_stored(input.clone(), &stored).parse(today).map_err(StoreError::Invalid)?;
                teachers::update(conn, actor, existing, &merged, None).await?;
                done.updated += 1;
            }
            None => {
                teachers::create(conn, actor, p.municipality_id, &d).await?;
                done.created += 1;
            }
        }
    }
    sqlx::query("UPDATE teacher_imports SET applied_at = $1 WHERE id = $2")
        .bind(now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let summary = format!(
        "Загрузка банка данных из файла «{}»: добавлено {}, обновлено {}",
        p.file_name, done.created, done.updated
    );
    let changes = serde_json::json!({"file": p.file_name, "created": done.created, "updated": done.updated});
    audit::record(conn, actor, scope, "teacher_import", Some(id), "import", &summary, None, Some(&changes)).await?;
    Ok(done)
}

/// Forgets pending imports older than a day.
pub async fn sweep(conn: &mut AnyConnection) -> Result<u64> {
    let cutoff = crate::stamp(time::OffsetDateTime::now_utc() - time::Duration::days(1));
    Ok(sqlx::query("DELETE FROM teacher_imports WHERE created_at < $1")
        .bind(cutoff)
        .execute(&mut *conn)
        .await?
        .rows_affected())
}

/// The row with its empty optional fields taken from the stored record.
fn keep_stored(mut i: TeacherInput, t: &teachers::Teacher) -> TeacherInput {
    fn fill(field: &mut String, stored: &Option<String>) {
        if field.trim().is_empty()
            && let Some(v) = stored
        {
            *field = v.clone();
        }
    }
    fill(&mut i.middle_name, &t.middle_name);
    fill(&mut i.subjects, &t.subjects);
    fill(&mut i.edu_institution, &t.edu_institution);
    fill(&mut i.edu_specialty, &t.edu_specialty);
    fill(&mut i.edu_year, &t.edu_year.map(|y| y.to_string()));
    fill(&mut i.category_assigned_on, &t.category_assigned_on.map(iso_date));
    fill(&mut i.category_expires_on, &t.category_expires_on.map(iso_date));
    fill(&mut i.experience_start, &t.experience_start.map(iso_date));
    fill(&mut i.phone, &t.phone);
    fill(&mut i.email, &t.email);
    fill(&mut i.consent_on, &t.consent_on.map(iso_date));
    i.young_specialist |= t.young_specialist;
    i
}
