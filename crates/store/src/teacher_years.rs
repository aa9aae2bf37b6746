//! The per-year part of a teacher's record: the self-education topic (proposed, then agreed by
//! the association head — 002 §6), courses taken (КПК, retraining), professional difficulties and
//! needs (004 §6). Years are academic years named by their starting year.

use metoda_domain::ids::{OrganizationId, TeacherId, UserId};
use metoda_domain::teachers::{CourseData, CourseKind, NeedKind, TopicStatus};
use metoda_domain::values::{iso_date, iso_serde};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use time::Date;

use crate::audit;
use crate::column::{OptText, Text, Undecodable};
use crate::teachers::Teacher;
use crate::{Actor, Result, StoreError, now};

/// The self-education topic of a teacher's year (`teacher_years`).
#[derive(Debug, Clone, FromRow)]
pub struct TopicYear {
    pub year: i64,
    pub self_education: Option<String>,
    #[sqlx(try_from = "Text")]
    pub topic_status: TopicStatus,
    pub agreed_by_name: Option<String>,
    pub topic_agreed_at: Option<String>,
    /// Raised by every change of the year's record: send it back with a topic (an older one gets
    /// 409; 0 stands for a year not written yet).
    pub version: i64,
}

impl TopicYear {
    pub fn agreed(&self) -> bool {
        self.topic_status == TopicStatus::Agreed
    }
}

pub async fn topics(conn: &mut AnyConnection, teacher_id: TeacherId) -> Result<Vec<TopicYear>> {
    Ok(sqlx::query_as(
        "SELECT y.year, y.self_education, y.topic_status, u.full_name AS agreed_by_name, y.topic_agreed_at, y.version
         FROM teacher_years y LEFT JOIN users u ON u.id = y.topic_agreed_by WHERE y.teacher_id = $1 ORDER BY y.year DESC",
    )
    .bind(teacher_id.get())
    .fetch_all(&mut *conn)
    .await?)
}

/// The row of a teacher's year, if written.
async fn year_row(conn: &mut AnyConnection, teacher_id: TeacherId, year: i64) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM teacher_years WHERE teacher_id = $1 AND year = $2")
        .bind(teacher_id.get())
        .bind(year)
        .fetch_optional(&mut *conn)
        .await?)
}

/// Proposes (or changes) the topic of a year; a changed topic needs agreeing again. `version`:
/// the year's version the edit was based on, 0 for a year not written yet (see
/// [`crate::bump_or_new`]); a stale one is refused.
pub async fn propose_topic(
    conn: &mut AnyConnection,
    actor: &Actor,
    t: &Teacher,
    year: i64,
    topic: &str,
    version: Option<i64>,
) -> Result<()> {
    let row = year_row(conn, t.id, year).await?;
    crate::bump_or_new(conn, "teacher_years", row, version).await?;
    let old = topics(conn, t.id).await?.into_iter().find(|y| y.year == year);
    let stamp = now();
    match &old {
        Some(_) => {
            sqlx::query(
                "UPDATE teacher_years SET self_education = $1, topic_status = $2, topic_agreed_by = NULL,
                    topic_agreed_at = NULL, updated_at = $3 WHERE teacher_id = $4 AND year = $5",
            )
            .bind(topic)
            .bind(TopicStatus::Proposed.code())
            .bind(&stamp)
            .bind(t.id.get())
            .bind(year)
            .execute(&mut *conn)
            .await?;
        }
        None => {
            sqlx::query(
                "INSERT INTO teacher_years (teacher_id, year, self_education, topic_status, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $5)",
            )
            .bind(t.id.get())
            .bind(year)
            .bind(topic)
            .bind(TopicStatus::Proposed.code())
            .bind(&stamp)
            .execute(&mut *conn)
            .await
            .map_err(crate::unique(crate::STALE))?;
        }
    }
    let summary = format!("Тема самообразования {} на {}/{} учебный год: «{topic}»", t.full_name(), year, year + 1);
    let o = old.map(|y| serde_json::json!({"self_education": y.self_education, "topic_status": y.topic_status}));
    let n = serde_json::json!({"self_education": topic, "topic_status": TopicStatus::Proposed});
    audit::record(conn, actor, t.scope(), "teacher_year", Some(t.id.get()), "update", &summary, o.as_ref(), Some(&n))
        .await
}

/// The association head agrees the proposed topic.
pub async fn agree_topic(
    conn: &mut AnyConnection,
    actor: &Actor,
    t: &Teacher,
    year: i64,
    user_id: UserId,
) -> Result<()> {
    // Not a form edit, but it changes the year's record: a topic typed before it is refused.
    if let Some(id) = year_row(conn, t.id, year).await? {
        crate::bump_version(conn, "teacher_years", id, None).await?;
    }
    let y = topics(conn, t.id).await?.into_iter().find(|y| y.year == year).ok_or(StoreError::NotFound)?;
    if y.self_education.is_none() {
        return Err(StoreError::Conflict("Тема самообразования ещё не предложена".into()));
    }
    if y.agreed() {
        return Err(StoreError::Conflict("Тема уже согласована".into()));
    }
    sqlx::query("UPDATE teacher_years SET topic_status = $1, topic_agreed_by = $2, topic_agreed_at = $3, updated_at = $3 WHERE teacher_id = $4 AND year = $5")
        .bind(TopicStatus::Agreed.code())
        .bind(user_id.get())
        .bind(now())
        .bind(t.id.get())
        .bind(year)
        .execute(&mut *conn)
        .await?;
    let summary = format!("Согласована тема самообразования {} на {}/{} учебный год", t.full_name(), year, year + 1);
    let o = serde_json::json!({"topic_status": y.topic_status});
    let n = serde_json::json!({"topic_status": TopicStatus::Agreed});
    audit::record(conn, actor, t.scope(), "teacher_year", Some(t.id.get()), "update", &summary, Some(&o), Some(&n))
        .await
}

/// A course a teacher took (`teacher_courses`).
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Course {
    pub id: i64,
    #[sqlx(try_from = "Text")]
    pub kind: CourseKind,
    pub title: String,
    pub provider: Option<String>,
    pub hours: Option<i64>,
    #[sqlx(try_from = "OptText")]
    #[serde(with = "iso_serde::option")]
    pub start_on: Option<Date>,
    #[sqlx(try_from = "Text")]
    #[serde(with = "iso_serde")]
    pub end_on: Date,
    pub certificate: Option<String>,
}

impl Course {
    pub fn kind_label(&self) -> &'static str {
        self.kind.label_ru()
    }
}

pub async fn courses(conn: &mut AnyConnection, teacher_id: TeacherId) -> Result<Vec<Course>> {
    Ok(sqlx::query_as(
        "SELECT id, kind, title, provider, hours, start_on, end_on, certificate FROM teacher_courses WHERE teacher_id = $1 ORDER BY end_on DESC, id DESC",
    )
    .bind(teacher_id.get())
    .fetch_all(&mut *conn)
    .await?)
}

pub async fn add_course(conn: &mut AnyConnection, actor: &Actor, t: &Teacher, d: &CourseData) -> Result<Course> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO teacher_courses (teacher_id, kind, title, provider, hours, start_on, end_on, certificate, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(t.id.get())
    .bind(d.kind.code())
    .bind(&d.title)
    .bind(&d.provider)
    .bind(d.hours)
    .bind(d.start_on.map(iso_date))
    .bind(iso_date(d.end_on))
    .bind(&d.certificate)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    let c = courses(conn, t.id).await?.into_iter().find(|c| c.id == id).ok_or(StoreError::NotFound)?;
    let summary = format!("{}: записан курс «{}» ({})", t.full_name(), c.title, c.kind_label());
    audit::record_change(conn, actor, t.scope(), "teacher_course", id, "create", &summary, None, &c).await?;
    Ok(c)
}

/// A professional difficulty or need of a teacher's year (`teacher_difficulties`).
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Difficulty {
    pub id: i64,
    pub year: i64,
    #[sqlx(try_from = "Text")]
    pub kind: NeedKind,
    pub note: Option<String>,
}

impl Difficulty {
    /// The kind in Russian: Metoda's own list, or a kind the municipality's profile added.
    pub fn kind_label(&self) -> &str {
        self.kind.label_ru()
    }
}

/// The prefix of a difficulty kind the municipality's profile added (`custom:<name>`).
pub const CUSTOM: &str = NeedKind::CUSTOM;

impl TryFrom<Text> for NeedKind {
    type Error = Undecodable;
    fn try_from(raw: Text) -> std::result::Result<Self, Undecodable> {
        NeedKind::from_stored(&raw.0).ok_or(Undecodable { expected: "difficulty kind", value: raw.0 })
    }
}

pub async fn difficulties(conn: &mut AnyConnection, teacher_id: TeacherId) -> Result<Vec<Difficulty>> {
    Ok(sqlx::query_as(
        "SELECT id, year, kind, note FROM teacher_difficulties WHERE teacher_id = $1 ORDER BY year DESC, id",
    )
    .bind(teacher_id.get())
    .fetch_all(&mut *conn)
    .await?)
}

pub async fn add_difficulty(
    conn: &mut AnyConnection,
    actor: &Actor,
    t: &Teacher,
    year: i64,
    kind: &NeedKind,
    note: Option<&str>,
) -> Result<Difficulty> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO teacher_difficulties (teacher_id, year, kind, note, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(t.id.get())
    .bind(year)
    .bind(kind.code())
    .bind(note)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    let d = difficulties(conn, t.id).await?.into_iter().find(|d| d.id == id).ok_or(StoreError::NotFound)?;
    let summary =
        format!("{}: записано затруднение «{}» на {}/{} учебный год", t.full_name(), d.kind_label(), year, year + 1);
    audit::record_change(conn, actor, t.scope(), "teacher_difficulty", id, "create", &summary, None, &d).await?;
    Ok(d)
}

/// A further place of work (the main one is on the teacher record).
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Position {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub organization_id: OrganizationId,
    pub organization_name: String,
    pub position: String,
}

pub async fn positions(conn: &mut AnyConnection, teacher_id: TeacherId) -> Result<Vec<Position>> {
    Ok(sqlx::query_as(
        "SELECT p.id, p.organization_id, o.short_name AS organization_name, p.position FROM teacher_positions p
         JOIN organizations o ON o.id = p.organization_id WHERE p.teacher_id = $1 ORDER BY o.short_name",
    )
    .bind(teacher_id.get())
    .fetch_all(&mut *conn)
    .await?)
}

/// Adds a further place of work in an organization of the teacher's municipality.
pub async fn add_position(
    conn: &mut AnyConnection,
    actor: &Actor,
    t: &Teacher,
    organization_id: OrganizationId,
    position: &str,
) -> Result<Position> {
    let ok: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM organizations WHERE id = $1 AND municipality_id = $2 AND archived_at IS NULL",
    )
    .bind(organization_id.get())
    .bind(t.municipality_id.get())
    .fetch_optional(&mut *conn)
    .await?;
    if ok.is_none() {
        return Err(StoreError::invalid(
            "organization_id",
            "Организация: выберите действующую организацию этого муниципалитета",
        ));
    }
    if organization_id == t.organization_id
        || positions(conn, t.id).await?.iter().any(|p| p.organization_id == organization_id)
    {
        return Err(StoreError::Conflict("Эта организация уже указана как место работы педагога".into()));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO teacher_positions (teacher_id, organization_id, position, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(t.id.get())
    .bind(organization_id.get())
    .bind(position)
    .bind(now())
    .fetch_one(&mut *conn)
    .await
    .map_err(crate::unique("Эта организация уже указана как место работы педагога"))?;
    let p = positions(conn, t.id).await?.into_iter().find(|p| p.id == id).ok_or(StoreError::NotFound)?;
    let summary =
        format!("{}: место работы по совместительству — {}, {}", t.full_name(), p.organization_name, p.position);
    audit::record_change(conn, actor, t.scope(), "teacher_position", id, "create", &summary, None, &p).await?;
    Ok(p)
}
