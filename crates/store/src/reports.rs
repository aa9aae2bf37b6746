//! The yearly analysis of an association as a report (`AnnualAnalysis`, DOMAIN.md §1): the head's
//! section texts, submission by the profile's deadline as a frozen version, the authority's
//! acceptance or return with a comment (`metoda_domain::reports`). What the snapshot holds
//! (indicators, prefilled sections) is composed by `metoda_domain::analysis::composition` from the
//! records [`composition_input`] reads; this module keeps it as it was submitted, in a
//! [`Snapshot`] envelope that names its format (docs/decisions/0007-analysis-snapshot-format.md).

use metoda_domain::analysis::Period;
use metoda_domain::analysis::composition::{
    CourseRecord, CourseTaken, DifficultyNote, Input, MeetingTopic, OrganizationName, Records, SectionText,
    SelfEducation, StudentRecord, TeacherName, TeacherRecord,
};
use metoda_domain::ids::{AssociationId, UserId};
use metoda_domain::profile::{PlanPeriod, ProfileSettings};
use metoda_domain::reports::{ReportAction, ReportStatus, SECTIONS, deadline_of, is_late, transition};
use metoda_domain::teachers::CourseKind;
use metoda_domain::values::{iso_date, iso_serde};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use time::Date;

use crate::associations::Association;
use crate::audit;
use crate::column::{Flag, OptText, Text};
use crate::notify;
use crate::users::{self, Held};
use crate::{Actor, Result, StoreError, Within, now};
use metoda_domain::access::Role;
use metoda_domain::notify::NotificationKind;
use metoda_domain::orders::may_be_curator;

/// The yearly analysis of an association for a period, as a report (`analysis_reports`).
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct AnnualAnalysis {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub association_id: AssociationId,
    /// The period's first calendar year.
    #[sqlx(try_from = "i64")]
    pub year: i32,
    #[sqlx(try_from = "Text")]
    pub status: ReportStatus,
    /// The number of submissions (0: never submitted).
    pub version: i64,
    #[sqlx(try_from = "OptText")]
    #[serde(with = "iso_serde::option")]
    pub due_on: Option<Date>,
    pub submitted_at: Option<String>,
    /// The last submission came after the deadline.
    #[sqlx(try_from = "Flag")]
    pub late: bool,
    pub decided_at: Option<String>,
    pub comment: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    #[sqlx(try_from = "Text")]
    pub period: PlanPeriod,
}

impl AnnualAnalysis {
    /// The period the report covers.
    pub fn covers(&self) -> Period {
        Period { kind: self.period, year: self.year }
    }
    /// The head may still write: a draft or a returned report.
    pub fn editable(&self) -> bool {
        matches!(self.status, ReportStatus::Draft | ReportStatus::Returned)
    }
}

const COLS: &str = "id, association_id, year, status, version, due_on, submitted_at, late, decided_at, comment, created_at, updated_at, period";

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<AnnualAnalysis> {
    sqlx::query_as(&format!("SELECT {COLS} FROM analysis_reports WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn find(
    conn: &mut AnyConnection,
    association_id: AssociationId,
    period: Period,
) -> Result<Option<AnnualAnalysis>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM analysis_reports WHERE association_id = $1 AND year = $2 AND period = $3"
    ))
    .bind(association_id.get())
    .bind(i64::from(period.year))
    .bind(period.kind.code())
    .fetch_optional(&mut *conn)
    .await?)
}

/// The reports of a municipality's associations for the period.
pub async fn of_within(conn: &mut AnyConnection, within: Within, period: Period) -> Result<Vec<AnnualAnalysis>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM analysis_reports WHERE year = $2 AND period = $3 AND {}",
        within.associations("association_id")
    ))
    .bind(within.id())
    .bind(i64::from(period.year))
    .bind(period.kind.code())
    .fetch_all(&mut *conn)
    .await?)
}

/// The reports of a municipality's associations submitted and waiting for a decision, of any
/// period (a report of last year still undecided stays on the authority's list), oldest first.
pub async fn submitted_within(conn: &mut AnyConnection, within: Within) -> Result<Vec<AnnualAnalysis>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM analysis_reports WHERE status = $2 AND {} ORDER BY submitted_at, id",
        within.associations("association_id")
    ))
    .bind(within.id())
    .bind(ReportStatus::Submitted.code())
    .fetch_all(&mut *conn)
    .await?)
}

/// The last submitted version's snapshot of each report of the associations of a municipality (or
/// a region) for the year that is submitted or accepted (what the authority reads instead of the
/// live data): (association, snapshot).
pub async fn frozen_of_within(conn: &mut AnyConnection, within: Within, period: Period) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(&format!(
        "SELECT r.association_id, v.snapshot FROM analysis_reports r
         JOIN analysis_versions v ON v.report_id = r.id AND v.version = r.version
         WHERE r.year = $2 AND r.period = $3 AND r.status IN ($4, $5) AND {}",
        within.associations("r.association_id")
    ))
    .bind(within.id())
    .bind(i64::from(period.year))
    .bind(period.kind.code())
    .bind(ReportStatus::Submitted.code())
    .bind(ReportStatus::Accepted.code())
    .fetch_all(&mut *conn)
    .await?)
}

/// The report of an association for a year, made (as a draft) on first use.
pub async fn open(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    settings: &ProfileSettings,
    period: Period,
) -> Result<AnnualAnalysis> {
    if let Some(r) = find(conn, a.id, period).await? {
        return Ok(r);
    }
    let t = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO analysis_reports (association_id, year, period, due_on, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(a.id.get())
    .bind(i64::from(period.year))
    .bind(period.kind.code())
    .bind(deadline_of(&settings.analysis_deadlines.value, period).map(iso_date))
    .bind(&t)
    .fetch_one(&mut *conn)
    .await
    .map_err(crate::unique("Анализ за этот год уже начат; обновите страницу"))?;
    let r = get(conn, id).await?;
    let summary = format!("Начат анализ деятельности «{}» за {}", a.name, period.label_ru());
    audit::record_change(conn, actor, a.scope(), "analysis_report", id, "create", &summary, None, &r).await?;
    Ok(r)
}

/// The head's text of a section as written, with its version (an emptied section keeps its row
/// with an empty text, so that its version goes on rising).
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Written {
    #[sqlx(try_from = "i64")]
    pub section: u8,
    pub text: String,
    pub version: i64,
}

/// The head's texts of a report by section number.
pub async fn texts(conn: &mut AnyConnection, report_id: i64) -> Result<Vec<Written>> {
    Ok(sqlx::query_as("SELECT section, text, version FROM analysis_texts WHERE report_id = $1 ORDER BY section")
        .bind(report_id)
        .fetch_all(&mut *conn)
        .await?)
}

/// Writes the head's text of a section (empty text removes it). Only a draft or returned report.
/// `version`: the section's version the edit was based on, 0 for a section not written yet (see
/// [`crate::bump_or_new`]); a stale one is refused. The row is kept when the text is emptied (its
/// text is then empty), so a section's version never starts again from 1.
#[allow(clippy::too_many_arguments)]
pub async fn set_text(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    r: &AnnualAnalysis,
    section: u8,
    text: &str,
    version: Option<i64>,
) -> Result<()> {
    let r = lock(conn, r.id).await?;
    if !r.editable() {
        return Err(StoreError::Conflict(
            "Анализ представлен: текст меняют, только если его вернули на доработку".into(),
        ));
    }
    if !SECTIONS.iter().any(|(n, _, _)| *n == section) {
        return Err(StoreError::invalid("section", "Такого раздела в анализе нет (разделы 1–24)"));
    }
    let text =
        metoda_domain::values::optional_long_text("text", "Текст раздела", text, 20_000).map_err(StoreError::from)?;
    let row: Option<i64> = sqlx::query_scalar("SELECT id FROM analysis_texts WHERE report_id = $1 AND section = $2")
        .bind(r.id)
        .bind(i64::from(section))
        .fetch_optional(&mut *conn)
        .await?;
    crate::bump_or_new(conn, "analysis_texts", row, version).await?;
    let stored = text.clone().unwrap_or_default();
    match row {
        Some(id) => {
            sqlx::query("UPDATE analysis_texts SET text = $1, updated_by = $2, updated_at = $3 WHERE id = $4")
                .bind(&stored)
                .bind(actor.user_id.map(i64::from))
                .bind(now())
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
        // nothing written, nothing to write
        None if text.is_none() => {}
        None => {
            sqlx::query(
                "INSERT INTO analysis_texts (report_id, section, text, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(r.id)
            .bind(i64::from(section))
            .bind(&stored)
            .bind(actor.user_id.map(i64::from))
            .bind(now())
            .execute(&mut *conn)
            .await
            .map_err(crate::unique(crate::STALE))?;
        }
    }
    let summary = format!("Анализ за {}: раздел {section}", r.covers().label_ru());
    let new = serde_json::json!({"section": section, "text": text});
    audit::record(conn, actor, a.scope(), "analysis_report", Some(r.id), "update", &summary, None, Some(&new)).await
}

/// Locks the report's row for the rest of the transaction and returns it as it is now (a text
/// saved and a submission take turns).
pub async fn lock(conn: &mut AnyConnection, id: i64) -> Result<AnnualAnalysis> {
    sqlx::query("UPDATE analysis_reports SET updated_at = updated_at WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    get(conn, id).await
}

/// A frozen version's content with the format it was written in. Stored as
/// `{"format": N, "content": …}`; what the content of each format is, and how it is read, is the
/// caller's (the web's analysis); this module only keeps the number beside it.
///
/// A snapshot stored before formats were recorded is the content alone (an object without a
/// `format` key): it reads as [`Snapshot::LEGACY_FORMAT`].
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub format: u32,
    pub content: serde_json::Value,
}

impl Snapshot {
    /// The format of the snapshots written before the envelope (the analysis of 2026, format 1).
    pub const LEGACY_FORMAT: u32 = 1;

    /// The text stored in `analysis_versions.snapshot`.
    pub fn to_text(&self) -> String {
        serde_json::json!({"format": self.format, "content": self.content}).to_string()
    }

    /// Reads a stored snapshot: the envelope, or the bare content of the legacy format. Never
    /// guesses: text that is not JSON, an envelope without a numeric format or without content is
    /// an error (in words, for the log).
    pub fn parse(text: &str) -> std::result::Result<Snapshot, String> {
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let serde_json::Value::Object(mut map) = v else {
            return Err("not a JSON object".into());
        };
        match map.remove("format") {
            None => Ok(Snapshot { format: Self::LEGACY_FORMAT, content: serde_json::Value::Object(map) }),
            Some(f) => {
                let format = f
                    .as_u64()
                    .and_then(|f| u32::try_from(f).ok())
                    .ok_or_else(|| format!("format is not a number: {f}"))?;
                let content = map.remove("content").ok_or_else(|| format!("format {format} without content"))?;
                Ok(Snapshot { format, content })
            }
        }
    }
}

/// Submits the report with its frozen `snapshot` (the indicators and sections as they are now);
/// a resubmission after a return makes the next version. Late when after the deadline.
pub async fn submit(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    r: &AnnualAnalysis,
    snapshot: &Snapshot,
    today: Date,
) -> Result<AnnualAnalysis> {
    let old = lock(conn, r.id).await?;
    let status = transition(old.status, ReportAction::Submit, None).map_err(StoreError::Conflict)?;
    let late = is_late(today, old.due_on);
    let version = old.version + 1;
    let t = now();
    sqlx::query(
        "INSERT INTO analysis_versions (report_id, version, snapshot, late, submitted_by, submitted_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(old.id)
    .bind(version)
    .bind(snapshot.to_text())
    .bind(i64::from(late))
    .bind(actor.user_id.map(i64::from))
    .bind(&t)
    .execute(&mut *conn)
    .await
    .map_err(crate::unique("Анализ только что представили; обновите страницу"))?;
    sqlx::query(
        "UPDATE analysis_reports SET status = $1, version = $2, submitted_at = $3, late = $4, updated_at = $3 WHERE id = $5",
    )
    .bind(status.code())
    .bind(version)
    .bind(&t)
    .bind(i64::from(late))
    .bind(old.id)
    .execute(&mut *conn)
    .await?;
    let new = get(conn, old.id).await?;
    let summary = format!(
        "Анализ за {} представлен (версия {version}){}",
        old.covers().label_ru(),
        if late { ", с опозданием" } else { "" }
    );
    audit::record_change(conn, actor, a.scope(), "analysis_report", old.id, "update", &summary, Some(&old), &new)
        .await?;
    // The authority's people who accept or return it.
    let curators: Vec<Role> = Role::ALL.iter().copied().filter(|r| may_be_curator(*r)).collect();
    let to: Vec<UserId> = users::holding(conn, Held::Municipality(a.municipality_id), &curators)
        .await?
        .into_iter()
        .map(|u| u.0)
        .collect();
    let title = format!(
        "«{}» представило анализ работы за {}{}",
        a.name,
        old.covers().label_ru(),
        if late { " (с опозданием)" } else { "" }
    );
    let link = format!("/associations/{}/analysis", a.id);
    notify::notify_all(conn, &to, NotificationKind::AnalysisSubmitted, &title, Some(&link)).await?;
    Ok(new)
}

/// The authority accepts the submitted report, or returns it with a comment.
pub async fn decide(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &Association,
    r: &AnnualAnalysis,
    accept: bool,
    comment: Option<&str>,
) -> Result<AnnualAnalysis> {
    let old = lock(conn, r.id).await?;
    let action = if accept { ReportAction::Accept } else { ReportAction::Return };
    let status = transition(old.status, action, comment).map_err(|m| {
        if accept || old.status != ReportStatus::Submitted {
            StoreError::Conflict(m)
        } else {
            StoreError::invalid("comment", m)
        }
    })?;
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    let t = now();
    sqlx::query("UPDATE analysis_reports SET status = $1, decided_at = $2, decided_by = $3, comment = $4, updated_at = $2 WHERE id = $5")
        .bind(status.code())
        .bind(&t)
        .bind(actor.user_id.map(i64::from))
        .bind(comment)
        .bind(old.id)
        .execute(&mut *conn)
        .await?;
    let new = get(conn, old.id).await?;
    let summary = format!("Анализ за {}: {}", old.covers().label_ru(), status.label_ru());
    audit::record_change(conn, actor, a.scope(), "analysis_report", old.id, "update", &summary, Some(&old), &new)
        .await?;
    // The association's head and deputies, who submit it again or learn it is done.
    let heads: Vec<UserId> = users::holding(conn, Held::Association(a.id), &[Role::AssociationHead, Role::Deputy])
        .await?
        .into_iter()
        .map(|u| u.0)
        .collect();
    let (kind, title) = if accept {
        (
            NotificationKind::AnalysisAccepted,
            format!("Анализ работы «{}» за {} принят", a.name, old.covers().label_ru()),
        )
    } else {
        (
            NotificationKind::AnalysisReturned,
            format!(
                "Анализ работы «{}» за {} возвращён на доработку: {}",
                a.name,
                old.covers().label_ru(),
                comment.unwrap_or_default()
            ),
        )
    };
    let link = format!("/associations/{}/analysis", a.id);
    notify::notify_all(conn, &heads, kind, &title, Some(&link)).await?;
    Ok(new)
}

/// A submission of a report, frozen (`analysis_versions`).
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Version {
    pub version: i64,
    /// The JSON of the indicators and sections as submitted, in its envelope (read it with
    /// [`Snapshot::parse`]).
    pub snapshot: String,
    #[sqlx(try_from = "Flag")]
    pub late: bool,
    pub submitted_at: String,
}

pub async fn versions(conn: &mut AnyConnection, report_id: i64) -> Result<Vec<Version>> {
    Ok(sqlx::query_as(
        "SELECT version, snapshot, late, submitted_at FROM analysis_versions WHERE report_id = $1 ORDER BY version",
    )
    .bind(report_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The teachers who were members of the association at some time in the period.
const MEMBERS_OF_YEAR: &str = "SELECT DISTINCT am.teacher_id FROM association_members am
    WHERE am.association_id = $1 AND am.joined_on <= $3 AND (am.left_on IS NULL OR am.left_on > $2)";

/// The records of the sections the association's own records fill: meeting topics (2), courses
/// and retraining (3, 4), difficulties (22), self-education topics (23).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prefill {
    pub meeting_topics: Vec<MeetingTopic>,
    pub courses_taken: Vec<CourseTaken>,
    pub difficulties: Vec<DifficultyNote>,
    pub self_education: Vec<SelfEducation>,
}

#[derive(FromRow)]
struct TopicRow {
    #[sqlx(try_from = "Text")]
    held_on: Date,
    topic: String,
}

#[derive(FromRow)]
struct CourseRow {
    #[sqlx(try_from = "Text")]
    kind: CourseKind,
    teacher: String,
    title: String,
    provider: Option<String>,
}

#[derive(FromRow)]
struct DifficultyRow {
    teacher: String,
    kind: String,
    note: Option<String>,
}

#[derive(FromRow)]
struct TopicOfTeacherRow {
    teacher: String,
    topic: String,
}

/// The records of the sections the association's own records fill, for the period.
pub async fn prefill(conn: &mut AnyConnection, association_id: AssociationId, period: Period) -> Result<Prefill> {
    let (from, to) = (iso_date(period.start()), iso_date(period.end()));
    // difficulties and self-education topics are kept per academic year: those of the academic
    // years the period touches (one for an academic year, two for a calendar year)
    let years = (
        i64::from(metoda_domain::teachers::AcademicYear::containing(period.start()).0),
        i64::from(period.academic_year().0),
    );
    let name = crate::associations::NAME;
    // 2: the topics of the meetings held, by date
    let topics: Vec<TopicRow> = sqlx::query_as(
        "SELECT m.held_on AS held_on, g.topic AS topic FROM meetings m JOIN meeting_agenda g ON g.meeting_id = m.id
         WHERE m.association_id = $1 AND m.status = 'held' AND m.held_on >= $2 AND m.held_on <= $3
         ORDER BY m.held_on, g.position, g.id",
    )
    .bind(association_id.get())
    .bind(&from)
    .bind(&to)
    .fetch_all(&mut *conn)
    .await?;
    // 3, 4: courses and retraining finished in the year by a member on the day they finished (as
    // rows 3 and 4 count them)
    let courses: Vec<CourseRow> = sqlx::query_as(&format!(
        "SELECT c.kind AS kind, {name} AS teacher, c.title AS title, c.provider AS provider
         FROM teacher_courses c JOIN teachers t ON t.id = c.teacher_id
         WHERE c.end_on >= $2 AND c.end_on <= $3
           -- driven from the association's members (an EXISTS alone made SQLite scan every course)
           AND c.teacher_id IN (SELECT teacher_id FROM association_members WHERE association_id = $1)
           AND EXISTS (SELECT 1 FROM association_members am
                WHERE am.association_id = $1 AND am.teacher_id = c.teacher_id AND am.joined_on <= c.end_on
                  AND (am.left_on IS NULL OR am.left_on > c.end_on))
         ORDER BY c.end_on, c.id"
    ))
    .bind(association_id.get())
    .bind(&from)
    .bind(&to)
    .fetch_all(&mut *conn)
    .await?;
    // 22: difficulties of the year; 23: self-education topics of the year
    let needs: Vec<DifficultyRow> = sqlx::query_as(&format!(
        "SELECT {name} AS teacher, d.kind AS kind, d.note AS note FROM teacher_difficulties d
         JOIN teachers t ON t.id = d.teacher_id
         WHERE d.teacher_id IN ({MEMBERS_OF_YEAR}) AND d.year >= $4 AND d.year <= $5 ORDER BY t.last_name, d.id"
    ))
    .bind(association_id.get())
    .bind(&from)
    .bind(&to)
    .bind(years.0)
    .bind(years.1)
    .fetch_all(&mut *conn)
    .await?;
    let own_topics: Vec<TopicOfTeacherRow> = sqlx::query_as(&format!(
        "SELECT {name} AS teacher, y.self_education AS topic FROM teacher_years y JOIN teachers t ON t.id = y.teacher_id
         WHERE y.teacher_id IN ({MEMBERS_OF_YEAR}) AND y.year >= $4 AND y.year <= $5
           AND y.self_education IS NOT NULL
         ORDER BY t.last_name, t.first_name, y.year"
    ))
    .bind(association_id.get())
    .bind(&from)
    .bind(&to)
    .bind(years.0)
    .bind(years.1)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Prefill {
        meeting_topics: topics.into_iter().map(|t| MeetingTopic { held_on: t.held_on, topic: t.topic }).collect(),
        courses_taken: courses
            .into_iter()
            .map(|c| CourseTaken { kind: c.kind, teacher: c.teacher, title: c.title, provider: c.provider })
            .collect(),
        difficulties: needs
            .into_iter()
            .map(|d| DifficultyNote { teacher: d.teacher, kind: d.kind, note: d.note })
            .collect(),
        self_education: own_topics.into_iter().map(|t| SelfEducation { teacher: t.teacher, topic: t.topic }).collect(),
    })
}

/// The records behind the indicators with the names and titles the analysis's words need (`an`:
/// the same facts as the indicators read them, [`crate::results::Facts::for_analysis`]).
pub fn records_of(
    f: &crate::results::Facts,
    an: &metoda_domain::analysis::Facts,
    organizations: Vec<OrganizationName>,
) -> Records {
    Records {
        teachers: f
            .members
            .iter()
            .map(|m| TeacherName { teacher_id: m.teacher_id, full_name: m.full_name.clone() })
            .collect(),
        meetings: an.meetings.clone(),
        courses: f
            .courses
            .iter()
            .map(|c| CourseRecord {
                id: c.id,
                teacher_id: c.teacher_id,
                kind: c.kind,
                title: c.title.clone(),
                finished_on: c.finished_on,
            })
            .collect(),
        exam_scores: an.exam_scores.clone(),
        student_results: f
            .student_results
            .iter()
            .map(|r| StudentRecord {
                id: r.id,
                teacher_ids: r.teacher_ids.clone(),
                event: r.event,
                title: r.title.clone(),
                subject: r.subject.clone(),
                level: r.level,
                placement: r.placement,
                on: r.on,
                confirmed: r.confirmed,
            })
            .collect(),
        teacher_results: f
            .teacher_results
            .iter()
            .map(|r| TeacherRecord {
                id: r.id,
                teacher_ids: r.teacher_ids.clone(),
                kind: r.kind,
                title: r.title.clone(),
                level: r.level,
                placement: r.placement,
                outlet: r.outlet.clone(),
                url: r.url.clone(),
                students: r.students,
                confirmed: r.confirmed,
            })
            .collect(),
        organizations,
    }
}

/// Everything the analysis of an association for a period is composed from, as the data is now
/// (on `conn`: the submitting transaction freezes what it reads itself): the facts and records of
/// the period, the municipality's organizations, the prefilled sections' records, the head's
/// texts of `report`. Partners, scientific centres and consultations (sections 19–21) are not
/// recorded yet: their lists are empty. `date`: the day rows 1 and 29 are counted on.
pub async fn composition_input(
    conn: &mut AnyConnection,
    a: &Association,
    period: Period,
    date: Date,
    report: Option<&AnnualAnalysis>,
) -> Result<Input> {
    let facts = crate::results::facts(&mut *conn, a.id, period).await?;
    let organizations = crate::organizations::list(
        &mut *conn,
        &crate::organizations::Filter {
            municipality_id: Some(a.municipality_id),
            include_archived: true,
            ..Default::default()
        },
    )
    .await?
    .into_iter()
    .map(|o| OrganizationName { id: o.id.get(), name: o.short_name })
    .collect();
    let prefill = prefill(&mut *conn, a.id, period).await?;
    let texts = match report {
        Some(r) => texts(&mut *conn, r.id).await?,
        None => vec![],
    };
    let counted = facts.for_analysis();
    Ok(Input {
        records: records_of(&facts, &counted, organizations),
        facts: counted,
        meeting_topics: prefill.meeting_topics,
        courses_taken: prefill.courses_taken,
        difficulties: prefill.difficulties,
        self_education: prefill.self_education,
        texts: texts.into_iter().map(|t| SectionText { section: t.section, text: t.text }).collect(),
        ..Input::new(period, date)
    })
}
