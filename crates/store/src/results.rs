//! Results of teachers and their students in an academic year (seed 002 §3.4 and appendix 1;
//! DOMAIN.md §4): students' results at olympiads, contests, competitions and conferences, ЕГЭ
//! scores, teachers' own results (professional competitions, presentations, publications,
//! assessment sets, organised municipal events for students, profile teaching); the municipality's
//! ЕГЭ thresholds; the list of organizations with signs of non-objective results.
//!
//! All results live in one table (`results`, by `family`: student | exam | teacher) with their
//! teachers joined (`result_teachers`): a student prepared by two teachers, a co-authored
//! publication, an event organised by several teachers is one record. The academic year is
//! computed from the result's date when written. A confirming scan is an attachment with owner
//! `result`. A curator confirms (a scan is required) or rejects (a comment is required) a result;
//! any edit sends it back to pending; only confirmed results count.
//!
//! [`facts`] reads, for an association and a year, the plain facts the yearly analysis needs.

use metoda_domain::ids::{AssociationId, MunicipalityId, OrganizationId, ResultId, TeacherId, UserId};
use metoda_domain::notify::NotificationKind;
use std::collections::HashMap;

use metoda_domain::analysis::Period;
use metoda_domain::meetings::{Attendance, MeetingStatus};
use metoda_domain::paging::Paging;
use metoda_domain::results::{
    Confirmation, ExamScoreData, ExamThreshold, Format, Level, NonObjectiveData, NonObjectiveSubject, Placement,
    PresentationForm, ResultFamily, ResultKind, StudentEvent, StudentResultData, TeacherResultData, TeacherResultKind,
    ege_thresholds,
};
use metoda_domain::teachers::{AcademicYear, Category, CourseKind, Education};
use metoda_domain::values::{iso_date, iso_serde};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use time::Date;

use crate::associations::NAME;
use crate::attachments::{self, Attachment, Content};
use crate::audit::{self, Scope};
use crate::column::OptId;
use crate::column::{OptText, Text, Undecodable};
use crate::{Actor, Among, Result, StoreError, now};

/// The owner of a result's scans in `attachments`.
pub const OWNER: metoda_domain::files::AttachmentOwner = metoda_domain::files::AttachmentOwner::Result;

/// A teacher of a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
pub struct ResultTeacher {
    #[sqlx(try_from = "i64")]
    pub teacher_id: TeacherId,
    pub full_name: String,
    #[sqlx(try_from = "i64")]
    pub organization_id: OrganizationId,
}

/// The `family` and `kind` columns as read, before they are read together as a [`ResultKind`]
/// (a kind is a code of its family's enumeration).
#[derive(FromRow)]
pub struct FamilyKind {
    family: String,
    kind: String,
}

impl TryFrom<FamilyKind> for ResultKind {
    type Error = Undecodable;
    fn try_from(raw: FamilyKind) -> std::result::Result<Self, Undecodable> {
        ResultKind::from_stored(&raw.family, &raw.kind)
            .ok_or(Undecodable { expected: "result family and kind", value: format!("{}/{}", raw.family, raw.kind) })
    }
}

/// A result of any family, with its teachers.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct ResultRecord {
    #[sqlx(try_from = "i64")]
    pub id: ResultId,
    #[sqlx(try_from = "i64")]
    pub municipality_id: MunicipalityId,
    /// The family (student | exam | teacher) with the kind within it; stored, and serialized, as
    /// `family` and `kind`.
    #[sqlx(flatten, try_from = "FamilyKind")]
    #[serde(flatten)]
    pub kind: ResultKind,
    #[sqlx(try_from = "Text")]
    #[serde(with = "iso_serde")]
    pub result_on: Date,
    /// The academic year of `result_on`, by its first calendar year.
    pub year: i64,
    pub title: Option<String>,
    pub subject: Option<String>,
    /// For a ВсОШ result, its stage (`OlympiadStage::of`).
    #[sqlx(try_from = "OptText")]
    pub level: Option<Level>,
    #[sqlx(try_from = "OptText")]
    pub placement: Option<Placement>,
    #[sqlx(try_from = "OptText")]
    pub format: Option<Format>,
    #[sqlx(try_from = "OptText")]
    pub form: Option<PresentationForm>,
    pub score: Option<i64>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub students: Option<i64>,
    /// A minor's name: show only to those who need it ([`ResultRecord::without_student_name`]).
    pub student_name: Option<String>,
    pub student_code: Option<String>,
    pub student_grade: Option<String>,
    #[sqlx(try_from = "OptId")]
    pub student_organization_id: Option<OrganizationId>,
    pub student_organization_name: Option<String>,
    #[sqlx(try_from = "Text")]
    pub status: Confirmation,
    pub decided_by: Option<i64>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<String>,
    pub decision_comment: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub archived_at: Option<String>,
    /// Raised by every change (an edit, a scan, a decision): send it back with an edit.
    pub version: i64,
    #[sqlx(skip)]
    pub teachers: Vec<ResultTeacher>,
}

impl ResultRecord {
    pub fn family(&self) -> ResultFamily {
        self.kind.family()
    }
    pub fn is_confirmed(&self) -> bool {
        self.status == Confirmation::Confirmed
    }
    pub fn teacher_ids(&self) -> Vec<TeacherId> {
        self.teachers.iter().map(|t| t.teacher_id).collect()
    }
    /// The record for a reader who may not see students' names (the code stays).
    pub fn without_student_name(mut self) -> Self {
        self.student_name = None;
        self
    }
    /// The kind in Russian.
    pub fn kind_label(&self) -> &'static str {
        self.kind.label_ru()
    }
    /// The result as its teacher reads it: «Всероссийская олимпиада школьников «Математика»
    /// (победитель), 12.11.2026».
    pub fn notice(&self) -> String {
        // An exam's subject is stored as its code: the preset table names it.
        let subject = self.subject.as_deref().map(metoda_domain::results::subject_label);
        let what = self.title.clone().or(subject).map(|w| format!(" «{w}»")).unwrap_or_default();
        let place = self.placement.map(|p| format!(" ({})", p.label_ru()));
        format!(
            "{}{what}{}, {}",
            self.kind_label(),
            place.unwrap_or_default(),
            metoda_domain::values::ru_date(self.result_on)
        )
    }
    /// The result in the audit trail: «ЕГЭ «математика (профильный уровень)», 72 балла, 20.06.2026».
    fn summary(&self) -> String {
        let subject = self.subject.as_deref().map(metoda_domain::results::subject_label);
        let what = self.title.clone().or(subject).unwrap_or_default();
        let place = self.placement.map(|p| format!(" ({})", p.label_ru()));
        let score = self
            .score
            .map(|n| format!(", {n} {}", metoda_domain::values::plural_ru(n, "балл", "балла", "баллов")))
            .unwrap_or_default();
        format!(
            "{} «{what}»{}{score}, {}",
            self.kind_label(),
            place.unwrap_or_default(),
            metoda_domain::values::ru_date(self.result_on)
        )
    }
}

const SELECT: &str =
    "SELECT r.id, r.municipality_id, r.family, r.kind, r.result_on, r.year, r.title, r.subject, r.level,
        r.placement, r.format, r.form, r.score, r.outlet, r.url, r.students, r.student_name, r.student_code,
        r.student_grade, r.student_organization_id, so.short_name AS student_organization_name, r.status, r.decided_by,
        du.full_name AS decided_by_name, r.decided_at, r.decision_comment, r.created_at, r.updated_at, r.archived_at,
        r.version
     FROM results r
     LEFT JOIN organizations so ON so.id = r.student_organization_id
     LEFT JOIN users du ON du.id = r.decided_by";

/// Fills the teachers of the records.
async fn with_teachers(conn: &mut AnyConnection, mut rows: Vec<ResultRecord>) -> Result<Vec<ResultRecord>> {
    let mut by_result: HashMap<ResultId, Vec<ResultTeacher>> = HashMap::new();
    for chunk in rows.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT rt.result_id, rt.teacher_id, {NAME} AS full_name, t.organization_id
             FROM result_teachers rt JOIN teachers t ON t.id = rt.teacher_id
             WHERE rt.result_id IN ({}) ORDER BY t.last_name, t.first_name, t.id",
            marks.join(", ")
        );
        let mut q = sqlx::query_as::<_, (i64, i64, String, i64)>(&sql);
        for r in chunk {
            q = q.bind(r.id.get());
        }
        for (result_id, teacher_id, full_name, organization_id) in q.fetch_all(&mut *conn).await? {
            by_result.entry(ResultId(result_id)).or_default().push(ResultTeacher {
                teacher_id: TeacherId(teacher_id),
                full_name,
                organization_id: OrganizationId(organization_id),
            });
        }
    }
    for r in &mut rows {
        r.teachers = by_result.remove(&r.id).unwrap_or_default();
    }
    Ok(rows)
}

pub async fn get(conn: &mut AnyConnection, id: ResultId) -> Result<ResultRecord> {
    let r: ResultRecord = sqlx::query_as(&format!("{SELECT} WHERE r.id = $1"))
        .bind(id.get())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(with_teachers(conn, vec![r]).await?.remove(0))
}

/// The live results of a teacher (of one academic year when given), newest first.
pub async fn for_teacher(
    conn: &mut AnyConnection,
    teacher_id: TeacherId,
    year: Option<i64>,
) -> Result<Vec<ResultRecord>> {
    let rows = sqlx::query_as(&format!(
        "{SELECT} WHERE r.archived_at IS NULL AND r.id IN (SELECT result_id FROM result_teachers WHERE teacher_id = $1)
            AND ($2 IS NULL OR r.year = $2)
         ORDER BY r.result_on DESC, r.id DESC"
    ))
    .bind(teacher_id.get())
    .bind(year)
    .fetch_all(&mut *conn)
    .await?;
    with_teachers(conn, rows).await
}

/// A teacher's live results of an academic year, newest first, at most `limit`, without their
/// co-teachers (the teacher's own list: one statement whatever it holds).
pub async fn own_of_year(
    conn: &mut AnyConnection,
    teacher_id: TeacherId,
    year: i64,
    limit: i64,
) -> Result<Vec<ResultRecord>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE r.archived_at IS NULL AND r.id IN (SELECT result_id FROM result_teachers WHERE teacher_id = $1)
            AND r.year = $2
         ORDER BY r.result_on DESC, r.id DESC LIMIT $3"
    ))
    .bind(teacher_id.get())
    .bind(year)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?)
}

/// The live results of an academic year of an association: those with a teacher who was a member
/// on the result's date (a membership counts from `joined_on` and ends on `left_on`). By family, date.
pub async fn for_association(
    conn: &mut AnyConnection,
    association_id: AssociationId,
    year: i64,
) -> Result<Vec<ResultRecord>> {
    let rows = sqlx::query_as(&format!(
        // driven from the association's members (result_teachers_teacher_ix), not from every result
        // of the year in the region: 0.2 ms instead of 340 ms at region scale (benches/analysis.rs)
        "{SELECT} WHERE r.id IN (SELECT rt2.result_id FROM association_members am2
                JOIN result_teachers rt2 ON rt2.teacher_id = am2.teacher_id WHERE am2.association_id = $1)
            AND r.archived_at IS NULL AND r.year = $2 AND EXISTS (
            SELECT 1 FROM result_teachers rt JOIN association_members am ON am.teacher_id = rt.teacher_id
            WHERE rt.result_id = r.id AND am.association_id = $1 AND am.joined_on <= r.result_on
              AND (am.left_on IS NULL OR am.left_on > r.result_on))
         ORDER BY r.family, r.result_on, r.id"
    ))
    .bind(association_id.get())
    .bind(year)
    .fetch_all(&mut *conn)
    .await?;
    with_teachers(conn, rows).await
}

/// Live results of a municipality waiting for a curator's decision, oldest first.
/// A page of a municipality's results waiting for a curator, oldest first, and how many wait.
pub async fn pending(
    conn: &mut AnyConnection,
    municipality_id: MunicipalityId,
    paging: Paging,
) -> Result<(Vec<ResultRecord>, i64)> {
    let pending = Confirmation::Pending.code();
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM results r WHERE r.archived_at IS NULL AND r.municipality_id = $1 AND r.status = '{pending}'"
    ))
    .bind(municipality_id.get())
    .fetch_one(&mut *conn)
    .await?;
    let rows = sqlx::query_as(&format!(
        "{SELECT} WHERE r.archived_at IS NULL AND r.municipality_id = $1 AND r.status = '{pending}'
         ORDER BY r.created_at, r.id LIMIT $2 OFFSET $3"
    ))
    .bind(municipality_id.get())
    .bind(paging.per_page)
    .bind(paging.offset())
    .fetch_all(&mut *conn)
    .await?;
    Ok((with_teachers(conn, rows).await?, total))
}

/// The confirming scans of many results at once, by result.
pub async fn scans_of(conn: &mut AnyConnection, ids: &[ResultId]) -> Result<HashMap<ResultId, Vec<Attachment>>> {
    let ids: Vec<i64> = ids.iter().map(|i| i.get()).collect();
    Ok(attachments::list_of_owners(conn, OWNER, &ids).await?.into_iter().map(|(k, v)| (ResultId(k), v)).collect())
}

/// The columns a result is written with, whatever its family.
struct Values {
    kind: ResultKind,
    on: Date,
    teacher_ids: Vec<TeacherId>,
    title: Option<String>,
    subject: Option<String>,
    level: Option<Level>,
    placement: Option<Placement>,
    format: Option<Format>,
    form: Option<PresentationForm>,
    score: Option<i64>,
    outlet: Option<String>,
    url: Option<String>,
    students: Option<i64>,
    student_name: Option<String>,
    student_code: Option<String>,
    student_grade: Option<String>,
    student_organization_id: Option<OrganizationId>,
}

impl Values {
    /// A result of `kind` on `on` by `teacher_ids`, every other column empty.
    fn new(kind: ResultKind, on: Date, teacher_ids: Vec<TeacherId>) -> Self {
        Values {
            kind,
            on,
            teacher_ids,
            title: None,
            subject: None,
            level: None,
            placement: None,
            format: None,
            form: None,
            score: None,
            outlet: None,
            url: None,
            students: None,
            student_name: None,
            student_code: None,
            student_grade: None,
            student_organization_id: None,
        }
    }
}

impl From<&StudentResultData> for Values {
    fn from(d: &StudentResultData) -> Self {
        Values {
            title: d.title.clone(),
            subject: d.subject.clone(),
            level: Some(d.level),
            placement: Some(d.placement),
            format: Some(d.format),
            student_name: d.student_name.clone(),
            student_code: d.student_code.clone(),
            student_grade: d.grade.clone(),
            student_organization_id: d.student_organization_id.map(OrganizationId),
            ..Values::new(ResultKind::Student(d.event), d.on, metoda_domain::ids::typed(d.teacher_ids.iter().copied()))
        }
    }
}

impl From<&ExamScoreData> for Values {
    fn from(d: &ExamScoreData) -> Self {
        Values {
            subject: Some(d.subject.clone()),
            score: Some(i64::from(d.score)),
            student_code: d.student_code.clone(),
            ..Values::new(ResultKind::Exam, d.on, vec![TeacherId(d.teacher_id)])
        }
    }
}

impl From<&TeacherResultData> for Values {
    fn from(d: &TeacherResultData) -> Self {
        Values {
            title: Some(d.title.clone()),
            level: d.level,
            placement: d.placement,
            format: d.format,
            form: d.form,
            outlet: d.outlet.clone(),
            url: d.url.clone(),
            students: d.students.map(i64::from),
            ..Values::new(ResultKind::Teacher(d.kind), d.on, metoda_domain::ids::typed(d.teacher_ids.iter().copied()))
        }
    }
}

async fn scope_of(conn: &mut AnyConnection, municipality_id: MunicipalityId) -> Result<Scope> {
    Ok(crate::municipalities::get(conn, municipality_id).await?.scope())
}

/// Checks the teachers (of the municipality; a new one must not be archived) and the student's organization.
async fn check(conn: &mut AnyConnection, municipality_id: MunicipalityId, v: &Values, old: &[TeacherId]) -> Result<()> {
    for id in &v.teacher_ids {
        let row: Option<(i64, Option<String>)> =
            sqlx::query_as("SELECT municipality_id, archived_at FROM teachers WHERE id = $1")
                .bind(id.get())
                .fetch_optional(&mut *conn)
                .await?;
        match row {
            Some((m, archived)) if m == municipality_id.get() && (archived.is_none() || old.contains(id)) => {}
            _ => {
                return Err(StoreError::invalid(
                    "teacher_ids",
                    "Педагоги: выберите педагогов из банка данных муниципалитета",
                ));
            }
        }
    }
    if let Some(org) = v.student_organization_id {
        let ok: Option<i64> = sqlx::query_scalar("SELECT id FROM organizations WHERE id = $1 AND municipality_id = $2")
            .bind(org.get())
            .bind(municipality_id.get())
            .fetch_optional(&mut *conn)
            .await?;
        if ok.is_none() {
            return Err(StoreError::invalid(
                "student_organization_id",
                "Организация обучающегося: выберите организацию муниципалитета",
            ));
        }
    }
    Ok(())
}

async fn set_teachers(conn: &mut AnyConnection, result_id: ResultId, teacher_ids: &[TeacherId]) -> Result<()> {
    sqlx::query("DELETE FROM result_teachers WHERE result_id = $1").bind(result_id.get()).execute(&mut *conn).await?;
    for t in teacher_ids {
        sqlx::query("INSERT INTO result_teachers (result_id, teacher_id) VALUES ($1, $2)")
            .bind(result_id.get())
            .bind(t.get())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

fn year_of(v: &Values) -> (String, i64) {
    (iso_date(v.on), i64::from(AcademicYear::containing(v.on).0))
}

async fn insert(
    conn: &mut AnyConnection,
    actor: &Actor,
    municipality_id: MunicipalityId,
    v: &Values,
) -> Result<ResultRecord> {
    let scope = scope_of(conn, municipality_id).await?;
    check(conn, municipality_id, v, &[]).await?;
    let (on, year) = year_of(v);
    let t = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO results (municipality_id, family, kind, result_on, year, title, subject, level, placement, format,
            form, score, outlet, url, students, student_name, student_code, student_grade, student_organization_id,
            created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $21)
         RETURNING id",
    )
    .bind(municipality_id.get())
    .bind(v.kind.family().code())
    .bind(v.kind.code())
    .bind(on)
    .bind(year)
    .bind(&v.title)
    .bind(&v.subject)
    .bind(v.level.map(Level::code))
    .bind(v.placement.map(Placement::code))
    .bind(v.format.map(Format::code))
    .bind(v.form.map(PresentationForm::code))
    .bind(v.score)
    .bind(&v.outlet)
    .bind(&v.url)
    .bind(v.students)
    .bind(&v.student_name)
    .bind(&v.student_code)
    .bind(&v.student_grade)
    .bind(v.student_organization_id.map(i64::from))
    .bind(actor.user_id.map(i64::from))
    .bind(&t)
    .fetch_one(&mut *conn)
    .await?;
    set_teachers(conn, ResultId(id), &v.teacher_ids).await?;
    let r = get(conn, ResultId(id)).await?;
    let summary = format!("Записан результат: {}", r.summary());
    audit::record_change(conn, actor, scope, "result", id, "create", &summary, None, &r).await?;
    Ok(r)
}

/// Locks the result's row for the rest of the transaction (an edit and a decision take turns).
/// Locks a result for a change and raises its version (`expected`: the version the change was
/// based on; a stale one is refused).
async fn lock(conn: &mut AnyConnection, id: ResultId, expected: Option<i64>) -> Result<ResultRecord> {
    crate::bump_version(conn, "results", id.get(), expected).await?;
    let r = get(conn, id).await?;
    if r.archived_at.is_some() {
        return Err(StoreError::Conflict("Результат удалён".into()));
    }
    Ok(r)
}

/// How a result is changed, as the access rule decided for the one who changes it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Change<'a> {
    /// The changer may change a confirmed result (the association's head or deputy, the
    /// authority's curator: `Resource::Results { confirmed: true, .. }`).
    pub confirmed_ok: bool,
    /// Why: required to change a confirmed result, recorded in the audit trail.
    pub reason: Option<&'a str>,
    /// The version the change was based on (a stale one is refused); None: no check.
    pub version: Option<i64>,
}

/// The message of a confirmed result a teacher may not change alone.
pub const CONFIRMED_LOCKED: &str = "Результат подтверждён куратором: изменить или удалить его может руководитель \
     объединения, его заместитель или куратор, указав причину";

/// Checks, under the row's lock, that a confirmed result is changed only by whom the rule allows
/// and with a reason; returns the reason to record.
fn check_change(locked: &ResultRecord, change: Change<'_>) -> Result<Option<String>> {
    if !locked.is_confirmed() {
        return Ok(change.reason.map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned));
    }
    if !change.confirmed_ok {
        return Err(StoreError::Conflict(CONFIRMED_LOCKED.into()));
    }
    match change.reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) if r.chars().count() <= 1000 => Ok(Some(r.to_owned())),
        Some(_) => Err(StoreError::invalid("reason", "Причина: не длиннее 1000 символов")),
        None => Err(StoreError::invalid("reason", "Причина: укажите, почему меняется подтверждённый результат")),
    }
}

/// Rewrites a result; it goes back to pending (a curator decides again).
async fn replace(
    conn: &mut AnyConnection,
    actor: &Actor,
    old: &ResultRecord,
    v: &Values,
    change: Change<'_>,
) -> Result<ResultRecord> {
    let old = &lock(conn, old.id, change.version).await?;
    if old.family() != v.kind.family() {
        return Err(StoreError::Conflict("Это результат другого вида".into()));
    }
    let reason = check_change(old, change)?;
    let scope = scope_of(conn, old.municipality_id).await?;
    check(conn, old.municipality_id, v, &old.teacher_ids()).await?;
    let (on, year) = year_of(v);
    sqlx::query(
        "UPDATE results SET kind = $1, result_on = $2, year = $3, title = $4, subject = $5, level = $6, placement = $7,
            format = $8, form = $9, score = $10, outlet = $11, url = $12, students = $13, student_name = $14,
            student_code = $15, student_grade = $16, student_organization_id = $17, status = $18,
            decided_by = NULL, decided_at = NULL, decision_comment = NULL, updated_at = $19
         WHERE id = $20",
    )
    .bind(v.kind.code())
    .bind(on)
    .bind(year)
    .bind(&v.title)
    .bind(&v.subject)
    .bind(v.level.map(Level::code))
    .bind(v.placement.map(Placement::code))
    .bind(v.format.map(Format::code))
    .bind(v.form.map(PresentationForm::code))
    .bind(v.score)
    .bind(&v.outlet)
    .bind(&v.url)
    .bind(v.students)
    .bind(&v.student_name)
    .bind(&v.student_code)
    .bind(&v.student_grade)
    .bind(v.student_organization_id.map(i64::from))
    .bind(Confirmation::Pending.code())
    .bind(now())
    .bind(old.id.get())
    .execute(&mut *conn)
    .await?;
    set_teachers(conn, old.id, &v.teacher_ids).await?;
    let new = get(conn, old.id).await?;
    let mut summary = format!("Изменён результат: {}", new.summary());
    if old.status != Confirmation::Pending {
        summary.push_str(" — снова ожидает подтверждения");
    }
    if let Some(r) = reason {
        summary.push_str(&format!("; причина: {r}"));
    }
    audit::record_change(conn, actor, scope, "result", old.id.get(), "update", &summary, Some(old), &new).await?;
    Ok(new)
}

/// Records a student's result.
pub async fn add_student(
    conn: &mut AnyConnection,
    actor: &Actor,
    municipality_id: MunicipalityId,
    d: &StudentResultData,
) -> Result<ResultRecord> {
    insert(conn, actor, municipality_id, &d.into()).await
}

pub async fn update_student(
    conn: &mut AnyConnection,
    actor: &Actor,
    old: &ResultRecord,
    d: &StudentResultData,
    change: Change<'_>,
) -> Result<ResultRecord> {
    replace(conn, actor, old, &d.into(), change).await
}

/// Records an ЕГЭ score (the subject was checked against [`thresholds`] when parsed).
pub async fn add_exam(
    conn: &mut AnyConnection,
    actor: &Actor,
    municipality_id: MunicipalityId,
    d: &ExamScoreData,
) -> Result<ResultRecord> {
    insert(conn, actor, municipality_id, &d.into()).await
}

pub async fn update_exam(
    conn: &mut AnyConnection,
    actor: &Actor,
    old: &ResultRecord,
    d: &ExamScoreData,
    change: Change<'_>,
) -> Result<ResultRecord> {
    replace(conn, actor, old, &d.into(), change).await
}

/// A recorded ЕГЭ score as an import compares it: teacher, subject, date, score and student code
/// ("" when none).
#[derive(Debug, Clone, PartialEq, Eq, Hash, FromRow)]
pub struct ExamKey {
    #[sqlx(try_from = "i64")]
    pub teacher_id: TeacherId,
    pub subject: String,
    #[sqlx(try_from = "Text")]
    pub result_on: Date,
    pub score: i64,
    pub student_code: String,
}

impl ExamKey {
    /// The key a score would be recorded under.
    pub fn of(d: &ExamScoreData) -> Self {
        ExamKey {
            teacher_id: TeacherId(d.teacher_id),
            subject: d.subject.clone(),
            result_on: d.on,
            score: i64::from(d.score),
            student_code: d.student_code.clone().unwrap_or_default(),
        }
    }
}

/// The live ЕГЭ scores of a municipality dated from `from` to `to`: what an import compares its
/// rows with, so that a file loaded twice does not record its scores twice.
pub async fn exam_keys(
    conn: &mut AnyConnection,
    municipality_id: MunicipalityId,
    from: Date,
    to: Date,
) -> Result<Vec<ExamKey>> {
    Ok(sqlx::query_as(&format!(
        "SELECT rt.teacher_id, COALESCE(r.subject, '') AS subject, r.result_on, COALESCE(r.score, 0) AS score,
            COALESCE(r.student_code, '') AS student_code
         FROM results r JOIN result_teachers rt ON rt.result_id = r.id
         WHERE r.municipality_id = $1 AND r.family = '{}' AND r.archived_at IS NULL
           AND r.result_on >= $2 AND r.result_on <= $3",
        ResultFamily::Exam.code()
    ))
    .bind(municipality_id.get())
    .bind(iso_date(from))
    .bind(iso_date(to))
    .fetch_all(&mut *conn)
    .await?)
}

/// Records a teacher's own result.
pub async fn add_teacher_result(
    conn: &mut AnyConnection,
    actor: &Actor,
    municipality_id: MunicipalityId,
    d: &TeacherResultData,
) -> Result<ResultRecord> {
    insert(conn, actor, municipality_id, &d.into()).await
}

pub async fn update_teacher_result(
    conn: &mut AnyConnection,
    actor: &Actor,
    old: &ResultRecord,
    d: &TeacherResultData,
    change: Change<'_>,
) -> Result<ResultRecord> {
    replace(conn, actor, old, &d.into(), change).await
}

/// Removes a result (archived: kept for the audit trail, counted nowhere, listed nowhere).
pub async fn archive(
    conn: &mut AnyConnection,
    actor: &Actor,
    old: &ResultRecord,
    change: Change<'_>,
) -> Result<ResultRecord> {
    let old = &lock(conn, old.id, change.version).await?;
    let reason = check_change(old, change)?;
    let scope = scope_of(conn, old.municipality_id).await?;
    sqlx::query("UPDATE results SET archived_at = $1, updated_at = $1 WHERE id = $2")
        .bind(now())
        .bind(old.id.get())
        .execute(&mut *conn)
        .await?;
    let new = get(conn, old.id).await?;
    let mut summary = format!("Удалён результат: {}", new.summary());
    if let Some(r) = reason {
        summary.push_str(&format!("; причина: {r}"));
    }
    audit::record_change(conn, actor, scope, "result", old.id.get(), "archive", &summary, Some(old), &new).await?;
    Ok(new)
}

/// The live scans of a result.
pub async fn scans(conn: &mut AnyConnection, result_id: ResultId) -> Result<Vec<Attachment>> {
    attachments::list(conn, OWNER, result_id.get(), None).await
}

/// Attaches a confirming scan (a checked file or a link) to a result. The decision stays as it is.
pub async fn attach_scan(
    conn: &mut AnyConnection,
    actor: &Actor,
    r: &ResultRecord,
    title: &str,
    content: Content<'_>,
) -> Result<Attachment> {
    let r = lock(conn, r.id, None).await?;
    let scope = scope_of(conn, r.municipality_id).await?;
    let title = if title.trim().is_empty() {
        "Скан подтверждающего документа"
    } else {
        title.trim()
    };
    attachments::add(
        conn,
        actor,
        scope,
        OWNER,
        r.id.get(),
        metoda_domain::files::AttachmentKind::Scan,
        Some(r.year),
        title,
        content,
    )
    .await
}

/// `by_record`: the decision is the system's, on its own record (a held event), not a curator's;
/// then a teacher of the result may be the one whose act made the record.
async fn decide(
    conn: &mut AnyConnection,
    actor: &Actor,
    old: &ResultRecord,
    to: Confirmation,
    comment: Option<&str>,
    by_record: bool,
) -> Result<ResultRecord> {
    let old = &lock(conn, old.id, None).await?;
    if old.status == to {
        return Err(StoreError::Conflict(format!("Результат уже {}", to.label_ru())));
    }
    // Checked again under the lock: nobody decides on a result they are a teacher of, even if
    // they were added to it a moment ago.
    if let Some(uid) = actor.user_id.filter(|_| !by_record) {
        let mine: Vec<TeacherId> = crate::teachers::ids_of_user(conn, uid).await?;
        if metoda_domain::access::is_own_result(&mine, &old.teacher_ids()) {
            return Err(StoreError::Conflict("Свой результат подтверждает или отклоняет другой куратор".into()));
        }
    }
    let scope = scope_of(conn, old.municipality_id).await?;
    sqlx::query(
        "UPDATE results SET status = $1, decided_by = $2, decided_at = $3, decision_comment = $4, updated_at = $3
         WHERE id = $5",
    )
    .bind(to.code())
    .bind(actor.user_id.map(i64::from))
    .bind(now())
    .bind(comment)
    .bind(old.id.get())
    .execute(&mut *conn)
    .await?;
    let new = get(conn, old.id).await?;
    let what = if to == Confirmation::Confirmed { "Подтверждён" } else { "Отклонён" };
    let summary = format!("{what} результат: {}", new.summary());
    audit::record_change(conn, actor, scope, "result", old.id.get(), "update", &summary, Some(old), &new).await?;
    // Its teachers who have accounts learn of it on their cards.
    let owners: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT t.id, t.user_id FROM result_teachers rt JOIN teachers t ON t.id = rt.teacher_id
         WHERE rt.result_id = $1 AND t.user_id IS NOT NULL ORDER BY t.id",
    )
    .bind(old.id.get())
    .fetch_all(&mut *conn)
    .await?;
    let (kind, title) = match (to, comment) {
        (Confirmation::Confirmed, _) => {
            (NotificationKind::ResultConfirmed, format!("Подтверждён ваш результат: {}", new.notice()))
        }
        (_, Some(c)) => {
            (NotificationKind::ResultRejected, format!("Отклонён ваш результат: {}. Причина: {c}", new.notice()))
        }
        (_, None) => (NotificationKind::ResultRejected, format!("Отклонён ваш результат: {}", new.notice())),
    };
    for (teacher, user) in owners {
        crate::notify::notify(conn, UserId(user), kind, &title, Some(&format!("/teachers/{teacher}"))).await?;
    }
    Ok(new)
}

/// A curator confirms a result: it needs a confirming scan; the comment is optional.
pub async fn confirm(
    conn: &mut AnyConnection,
    actor: &Actor,
    old: &ResultRecord,
    comment: Option<&str>,
) -> Result<ResultRecord> {
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if comment.is_some_and(|c| c.chars().count() > 1000) {
        return Err(StoreError::invalid("comment", "Комментарий: не длиннее 1000 символов"));
    }
    if scans(conn, old.id).await?.is_empty() {
        return Err(StoreError::invalid(
            "scan",
            "Нет скана подтверждающего документа: приложите его, затем подтвердите результат",
        ));
    }
    decide(conn, actor, old, Confirmation::Confirmed, comment, false).await
}

/// Confirms a result whose evidence is a record of the system itself (a held event's programme
/// names the speaker): no scan is needed; `record` says which record.
pub async fn confirm_by_record(
    conn: &mut AnyConnection,
    actor: &Actor,
    old: &ResultRecord,
    record: &str,
) -> Result<ResultRecord> {
    decide(conn, actor, old, Confirmation::Confirmed, Some(record), true).await
}

/// A curator rejects a result, saying why.
pub async fn reject(
    conn: &mut AnyConnection,
    actor: &Actor,
    old: &ResultRecord,
    comment: &str,
) -> Result<ResultRecord> {
    let comment = comment.trim();
    if comment.is_empty() {
        return Err(StoreError::invalid("comment", "Комментарий: укажите причину отклонения"));
    }
    if comment.chars().count() > 1000 {
        return Err(StoreError::invalid("comment", "Комментарий: не длиннее 1000 символов"));
    }
    decide(conn, actor, old, Confirmation::Rejected, Some(comment), false).await
}

// ---------------------------------------------------------------------------------------------
// Matching an imported file's teachers
// ---------------------------------------------------------------------------------------------

/// Names as people write them: case, «ё», dots and extra spaces do not matter.
pub fn name_words(s: &str) -> Vec<String> {
    s.to_lowercase().replace('ё', "е").replace('.', " ").split_whitespace().map(str::to_owned).collect()
}

/// Is a person of these names the one a file names by `words` ([`name_words`])? «Иванова Анна
/// Петровна», «Иванова Анна», «Иванова А. П.», «Иванова А.П.»
pub fn is_named(last_name: &str, first_name: &str, middle_name: Option<&str>, words: &[String]) -> bool {
    let word = |s: &str| name_words(s).join(" ");
    let part = |given: Option<&String>, name: &str| {
        let name = word(name);
        given.is_some_and(|g| *g == name || (g.chars().count() == 1 && name.starts_with(g.as_str())))
    };
    let middle = middle_name.unwrap_or("");
    words.len() >= 2
        && words.len() <= 3
        && words.first().is_some_and(|w| *w == word(last_name))
        && part(words.get(1), first_name)
        && (words.len() == 2 || (!middle.is_empty() && part(words.get(2), middle)))
}

/// «Фамилия Имя Отчество» (no trailing space without a middle name).
pub fn full_name(last_name: &str, first_name: &str, middle_name: Option<&str>) -> String {
    [last_name, first_name, middle_name.unwrap_or("")]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A teacher of the municipality's bank as the rows of a file are matched against.
#[derive(Debug, Clone, FromRow)]
pub struct BankName {
    #[sqlx(try_from = "i64")]
    pub teacher_id: TeacherId,
    pub last_name: String,
    pub first_name: String,
    pub middle_name: Option<String>,
    pub organization_short: String,
    pub organization_full: String,
    pub archived_at: Option<String>,
}

impl BankName {
    pub fn full_name(&self) -> String {
        full_name(&self.last_name, &self.first_name, self.middle_name.as_deref())
    }
    pub fn is_named(&self, words: &[String]) -> bool {
        is_named(&self.last_name, &self.first_name, self.middle_name.as_deref(), words)
    }
}

/// Every teacher of the municipality's bank (archived ones too) with the organization's names,
/// by name: what the rows of an imported membership history are matched against (one query).
pub async fn bank_names(conn: &mut AnyConnection, municipality_id: MunicipalityId) -> Result<Vec<BankName>> {
    Ok(sqlx::query_as(
        "SELECT t.id AS teacher_id, t.last_name, t.first_name, t.middle_name, o.short_name AS organization_short,
                o.full_name AS organization_full, t.archived_at
         FROM teachers t JOIN organizations o ON o.id = t.organization_id
         WHERE t.municipality_id = $1 ORDER BY t.last_name, t.first_name, t.id",
    )
    .bind(municipality_id.get())
    .fetch_all(&mut *conn)
    .await?)
}

/// A member's periods in the association, for matching the rows of a file.
#[derive(Debug, Clone, FromRow)]
pub struct Membership {
    #[sqlx(try_from = "i64")]
    pub teacher_id: TeacherId,
    pub last_name: String,
    pub first_name: String,
    pub middle_name: Option<String>,
    #[sqlx(try_from = "Text")]
    pub joined_on: Date,
    #[sqlx(try_from = "OptText")]
    pub left_on: Option<Date>,
    pub archived_at: Option<String>,
}

impl Membership {
    pub fn full_name(&self) -> String {
        full_name(&self.last_name, &self.first_name, self.middle_name.as_deref())
    }
    /// «Иванова Анна Петровна», «Иванова Анна», «Иванова А. П.», «Иванова А.П.»
    pub fn is_named(&self, words: &[String]) -> bool {
        is_named(&self.last_name, &self.first_name, self.middle_name.as_deref(), words)
    }
    pub fn member_on(&self, day: Date) -> bool {
        self.joined_on <= day && self.left_on.is_none_or(|l| l > day)
    }
}

/// Every membership period of the association with its teacher's name (members past and present,
/// archived teachers too): what the rows of an imported ЕГЭ file are matched against.
pub async fn memberships(conn: &mut AnyConnection, association_id: AssociationId) -> Result<Vec<Membership>> {
    Ok(sqlx::query_as(
        "SELECT am.teacher_id, t.last_name, t.first_name, t.middle_name, am.joined_on, am.left_on,
                t.archived_at
         FROM association_members am JOIN teachers t ON t.id = am.teacher_id
         WHERE am.association_id = $1 ORDER BY t.last_name, t.first_name, am.id",
    )
    .bind(association_id.get())
    .fetch_all(&mut *conn)
    .await?)
}

// ---------------------------------------------------------------------------------------------
// ЕГЭ thresholds
// ---------------------------------------------------------------------------------------------

/// The municipality's effective ЕГЭ table: the preset ([`ege_thresholds`]) with its overrides.
pub async fn thresholds(conn: &mut AnyConnection, municipality_id: MunicipalityId) -> Result<Vec<ExamThreshold>> {
    let overrides: Vec<(String, i64, i64)> =
        sqlx::query_as("SELECT subject, minimum, high FROM exam_thresholds WHERE municipality_id = $1")
            .bind(municipality_id.get())
            .fetch_all(&mut *conn)
            .await?;
    let mut table = ege_thresholds();
    for (subject, min, high) in overrides {
        let Some(t) = table.iter_mut().find(|t| t.subject == subject) else {
            return Err(undecodable("ЕГЭ subject", subject));
        };
        t.minimum = u32::try_from(min).map_err(|_| undecodable("ЕГЭ minimum score", min.to_string()))?;
        t.high = u32::try_from(high).map_err(|_| undecodable("ЕГЭ high score", high.to_string()))?;
    }
    Ok(table)
}

/// Sets a subject's thresholds for the municipality (parsed by `ThresholdInput`). Setting the
/// preset values removes the override.
pub async fn set_threshold(
    conn: &mut AnyConnection,
    actor: &Actor,
    municipality_id: MunicipalityId,
    t: &ExamThreshold,
) -> Result<Vec<ExamThreshold>> {
    let scope = scope_of(conn, municipality_id).await?;
    let Some(preset) = ege_thresholds().into_iter().find(|p| p.subject == t.subject) else {
        return Err(StoreError::invalid("subject", "Предмет: такого предмета ЕГЭ нет в списке"));
    };
    let old = thresholds(conn, municipality_id).await?.into_iter().find(|o| o.subject == t.subject);
    sqlx::query("DELETE FROM exam_thresholds WHERE municipality_id = $1 AND subject = $2")
        .bind(municipality_id.get())
        .bind(&t.subject)
        .execute(&mut *conn)
        .await?;
    if (t.minimum, t.high) != (preset.minimum, preset.high) {
        sqlx::query(
            "INSERT INTO exam_thresholds (municipality_id, subject, minimum, high, updated_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(municipality_id.get())
        .bind(&t.subject)
        .bind(i64::from(t.minimum))
        .bind(i64::from(t.high))
        .bind(actor.user_id.map(i64::from))
        .bind(now())
        .execute(&mut *conn)
        .await?;
    }
    let new = ExamThreshold { label: preset.label.clone(), ..t.clone() };
    let summary =
        format!("Пороги ЕГЭ, {}: минимальный балл {}, высокий балл от {}", preset.label, new.minimum, new.high);
    audit::record_change(
        conn,
        actor,
        scope,
        "exam_threshold",
        municipality_id.get(),
        "update",
        &summary,
        old.as_ref(),
        &new,
    )
    .await?;
    thresholds(conn, municipality_id).await
}

// ---------------------------------------------------------------------------------------------
// Organizations with signs of non-objective results
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
pub struct NonObjectiveEntry {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub organization_id: OrganizationId,
    pub organization_name: String,
    pub year: i64,
    #[sqlx(try_from = "Text")]
    pub subject: NonObjectiveSubject,
    pub created_at: String,
}

const NON_OBJECTIVE: &str =
    "SELECT n.id, n.organization_id, o.short_name AS organization_name, n.year, n.subject, n.created_at
     FROM non_objective_organizations n JOIN organizations o ON o.id = n.organization_id";

/// The list of a year in a municipality, by organization and subject.
pub async fn non_objective(
    conn: &mut AnyConnection,
    municipality_id: MunicipalityId,
    year: i64,
) -> Result<Vec<NonObjectiveEntry>> {
    Ok(sqlx::query_as(&format!(
        "{NON_OBJECTIVE} WHERE o.municipality_id = $1 AND n.year = $2 ORDER BY o.short_name, n.subject, n.id"
    ))
    .bind(municipality_id.get())
    .bind(year)
    .fetch_all(&mut *conn)
    .await?)
}

/// Puts an organization of the municipality on the year's list for a subject.
pub async fn add_non_objective(
    conn: &mut AnyConnection,
    actor: &Actor,
    municipality_id: MunicipalityId,
    d: &NonObjectiveData,
) -> Result<NonObjectiveEntry> {
    let scope = scope_of(conn, municipality_id).await?;
    let ok: Option<i64> = sqlx::query_scalar("SELECT id FROM organizations WHERE id = $1 AND municipality_id = $2")
        .bind(d.organization_id)
        .bind(municipality_id.get())
        .fetch_optional(&mut *conn)
        .await?;
    if ok.is_none() {
        return Err(StoreError::invalid("organization_id", "Организация: выберите организацию муниципалитета"));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO non_objective_organizations (organization_id, year, subject, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(d.organization_id)
    .bind(i64::from(d.year.0))
    .bind(d.subject.code())
    .bind(actor.user_id.map(i64::from))
    .bind(now())
    .fetch_one(&mut *conn)
    .await
    .map_err(crate::unique("Эта организация уже в списке на этот год по этому предмету"))?;
    let e: NonObjectiveEntry =
        sqlx::query_as(&format!("{NON_OBJECTIVE} WHERE n.id = $1")).bind(id).fetch_one(&mut *conn).await?;
    let summary = format!(
        "{} — в списке ОО с признаками необъективных результатов на {} учебный год ({})",
        e.organization_name,
        d.year.label(),
        e.subject.label_ru()
    );
    audit::record_change(conn, actor, scope, "non_objective_organization", id, "create", &summary, None, &e).await?;
    Ok(e)
}

/// Takes an entry off the list (of an organization of the municipality).
pub async fn remove_non_objective(
    conn: &mut AnyConnection,
    actor: &Actor,
    municipality_id: MunicipalityId,
    id: i64,
) -> Result<()> {
    let scope = scope_of(conn, municipality_id).await?;
    let e: NonObjectiveEntry = sqlx::query_as(&format!("{NON_OBJECTIVE} WHERE n.id = $1 AND o.municipality_id = $2"))
        .bind(id)
        .bind(municipality_id.get())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    sqlx::query("DELETE FROM non_objective_organizations WHERE id = $1").bind(id).execute(&mut *conn).await?;
    let summary = format!(
        "{} исключена из списка ОО с признаками необъективных результатов на {}/{} учебный год ({})",
        e.organization_name,
        e.year,
        e.year + 1,
        e.subject.label_ru()
    );
    let gone = serde_json::json!({});
    audit::record(
        conn,
        actor,
        scope,
        "non_objective_organization",
        Some(id),
        "delete",
        &summary,
        serde_json::to_value(&e).ok().as_ref(),
        Some(&gone),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Facts for the yearly analysis
// ---------------------------------------------------------------------------------------------

/// A membership period of a teacher in the association overlapping the year (a teacher may have several).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberFact {
    pub teacher_id: i64,
    pub full_name: String,
    pub organization_id: i64,
    pub joined: Date,
    /// From this day the teacher is no longer a member.
    pub left: Option<Date>,
    pub education: Education,
    pub category: Category,
}

/// A meeting held in the year, with the number of its minutes and the members present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingFact {
    pub id: i64,
    pub number: Option<i64>,
    pub held_on: Date,
    pub present: i64,
}

/// A course a member finished in the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CourseFact {
    pub id: i64,
    pub teacher_id: i64,
    pub kind: CourseKind,
    pub title: String,
    pub finished_on: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExamScoreFact {
    pub id: i64,
    pub teacher_id: i64,
    pub subject: String,
    pub score: u32,
    pub on: Date,
    pub confirmed: bool,
}

/// A student's result: one record, however many teachers prepared the student.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StudentResultFact {
    pub id: i64,
    pub teacher_ids: Vec<i64>,
    pub event: StudentEvent,
    pub title: Option<String>,
    pub subject: Option<String>,
    /// For ВсОШ, the stage.
    pub level: Level,
    pub placement: Placement,
    pub format: Format,
    pub on: Date,
    pub confirmed: bool,
}

/// A teacher result: one record (one publication, one assessment set, one organised event with
/// its students) with all its teachers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeacherResultFact {
    pub id: i64,
    pub teacher_ids: Vec<i64>,
    pub kind: TeacherResultKind,
    pub title: String,
    pub level: Option<Level>,
    pub placement: Option<Placement>,
    pub format: Option<Format>,
    pub form: Option<PresentationForm>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub students: Option<u32>,
    pub on: Date,
    pub confirmed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NonObjectiveFact {
    pub organization_id: i64,
    pub subject: NonObjectiveSubject,
}

/// What the analysis of an association for a period is computed from. Results are those of the
/// period with a teacher who was a member on the result's date (with all their teachers: the
/// analysis counts a result for each teacher who was a member then); courses are the members'
/// courses finished in the period; the non-objective list is the municipality's for the academic
/// year the period ends in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Facts {
    pub association_id: i64,
    pub municipality_id: i64,
    pub period: Period,
    pub members: Vec<MemberFact>,
    pub meetings: Vec<MeetingFact>,
    pub courses: Vec<CourseFact>,
    pub exam_scores: Vec<ExamScoreFact>,
    pub thresholds: Vec<ExamThreshold>,
    pub student_results: Vec<StudentResultFact>,
    pub teacher_results: Vec<TeacherResultFact>,
    pub non_objective: Vec<NonObjectiveFact>,
}

/// A stored value this build cannot read as what it should be (a fault, never a default).
fn undecodable(expected: &'static str, value: impl Into<String>) -> StoreError {
    StoreError::Other(Undecodable { expected, value: value.into() }.to_string())
}

/// A column a result of its family always has.
fn required<T>(r: &FactRow, what: &'static str, v: Option<T>) -> Result<T> {
    v.ok_or_else(|| undecodable(what, format!("none in result {}", r.id)))
}

/// A membership period as the facts read it.
#[derive(FromRow)]
struct MemberRow {
    association_id: i64,
    teacher_id: i64,
    full_name: String,
    organization_id: i64,
    #[sqlx(try_from = "Text")]
    joined_on: Date,
    #[sqlx(try_from = "OptText")]
    left_on: Option<Date>,
    #[sqlx(try_from = "Text")]
    education: Education,
    #[sqlx(try_from = "Text")]
    category: Category,
}

/// A held meeting as the facts read it.
#[derive(FromRow)]
struct MeetingRow {
    association_id: i64,
    id: i64,
    number: Option<i64>,
    #[sqlx(try_from = "Text")]
    held_on: Date,
    present: i64,
}

/// A member's course as the facts read it.
#[derive(FromRow)]
struct CourseRow {
    association_id: i64,
    id: i64,
    teacher_id: i64,
    #[sqlx(try_from = "Text")]
    kind: CourseKind,
    title: String,
    #[sqlx(try_from = "Text")]
    end_on: Date,
}

/// The facts of an association's period (an academic year — `AcademicYear` converts — or a
/// calendar year).
pub async fn facts(
    conn: &mut AnyConnection,
    association_id: AssociationId,
    period: impl Into<Period>,
) -> Result<Facts> {
    let a = crate::associations::get(conn, association_id).await?;
    let mut all =
        read_facts(conn, Among::Association(a.id.get()), &[a.id.get()], a.municipality_id, period.into()).await?;
    Ok(all.remove(0))
}

/// The facts of every association of a municipality (active or not) for a period, in the order of
/// their ids; the same as [`facts`] of each, read in a few queries.
pub async fn facts_of_municipality(
    conn: &mut AnyConnection,
    municipality_id: MunicipalityId,
    period: impl Into<Period>,
) -> Result<Vec<Facts>> {
    let period = period.into();
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM associations WHERE municipality_id = $1 ORDER BY id")
        .bind(municipality_id.get())
        .fetch_all(&mut *conn)
        .await?;
    read_facts(conn, Among::Municipality(municipality_id.get()), &ids, municipality_id, period).await
}

/// The facts of `associations` (all of them in `among`), one per association in that order.
async fn read_facts(
    conn: &mut AnyConnection,
    among: Among<'_>,
    associations: &[i64],
    municipality_id: MunicipalityId,
    period: Period,
) -> Result<Vec<Facts>> {
    let (start, end) = (iso_date(period.start()), iso_date(period.end()));
    // Members are read up to the day after the period: a calendar year's analysis counts them "as
    // of 1 January" (004 §6), the day after its end.
    let members_until = iso_date(period.end().next_day().unwrap_or(period.end()));
    let mut out: Vec<Facts> = associations
        .iter()
        .map(|&association_id| Facts {
            association_id,
            municipality_id: municipality_id.get(),
            period,
            members: vec![],
            meetings: vec![],
            courses: vec![],
            exam_scores: vec![],
            thresholds: vec![],
            student_results: vec![],
            teacher_results: vec![],
            non_objective: vec![],
        })
        .collect();
    let index: HashMap<i64, usize> = associations.iter().enumerate().map(|(i, a)| (*a, i)).collect();

    let rows: Vec<MemberRow> = sqlx::query_as(&format!(
        "SELECT am.association_id, am.teacher_id, {NAME} AS full_name, t.organization_id, am.joined_on, am.left_on,
            t.education, t.category
         FROM association_members am JOIN teachers t ON t.id = am.teacher_id
         WHERE {} AND am.joined_on <= $3 AND (am.left_on IS NULL OR am.left_on > $2)
         ORDER BY t.last_name, t.first_name, am.teacher_id, am.joined_on",
        among.sql("am.association_id")
    ))
    .bind(among.id())
    .bind(&start)
    .bind(&members_until)
    .fetch_all(&mut *conn)
    .await?;
    for m in rows {
        let Some(&i) = index.get(&m.association_id) else { continue };
        out[i].members.push(MemberFact {
            teacher_id: m.teacher_id,
            full_name: m.full_name,
            organization_id: m.organization_id,
            joined: m.joined_on,
            left: m.left_on,
            education: m.education,
            category: m.category,
        });
    }

    // The codes are constants of this build, written into the query as before they were typed.
    let rows: Vec<MeetingRow> = sqlx::query_as(&format!(
        "SELECT m.association_id, m.id, n.number, m.held_on,
            (SELECT COUNT(*) FROM meeting_attendance at WHERE at.meeting_id = m.id AND at.status = '{present}') AS present
         FROM meetings m LEFT JOIN minutes n ON n.meeting_id = m.id
         WHERE {among} AND m.status = '{held}' AND m.held_on >= $2 AND m.held_on <= $3
         ORDER BY m.held_on, m.id",
        present = Attendance::Present.code(),
        held = MeetingStatus::Held.code(),
        among = among.sql("m.association_id")
    ))
    .bind(among.id())
    .bind(&start)
    .bind(&end)
    .fetch_all(&mut *conn)
    .await?;
    for m in rows {
        let Some(&i) = index.get(&m.association_id) else { continue };
        out[i].meetings.push(MeetingFact { id: m.id, number: m.number, held_on: m.held_on, present: m.present });
    }

    // A course of a teacher who has ever been a member (the analysis keeps those of members on the
    // day the course ended).
    let rows: Vec<CourseRow> = sqlx::query_as(&format!(
        "SELECT DISTINCT am.association_id, c.id, c.teacher_id, c.kind, c.title, c.end_on
         FROM teacher_courses c JOIN association_members am ON am.teacher_id = c.teacher_id
         WHERE {} AND c.end_on >= $2 AND c.end_on <= $3
         ORDER BY c.end_on, c.id",
        among.sql("am.association_id")
    ))
    .bind(among.id())
    .bind(&start)
    .bind(&end)
    .fetch_all(&mut *conn)
    .await?;
    for c in rows {
        let Some(&i) = index.get(&c.association_id) else { continue };
        out[i].courses.push(CourseFact {
            id: c.id,
            teacher_id: c.teacher_id,
            kind: c.kind,
            title: c.title,
            finished_on: c.end_on,
        });
    }

    // The year's live results of anyone who has been a member, driven from the members
    // (result_teachers_teacher_ix), not from every result of the year in the region: 0.2 ms
    // instead of 340 ms for an association at region scale (benches/analysis.rs). A result is an
    // association's when one of its teachers was a member on its date, as [`for_association`] has it.
    let of_period = format!(
        "r.id IN (SELECT rt2.result_id FROM association_members am2
                JOIN result_teachers rt2 ON rt2.teacher_id = am2.teacher_id WHERE {})
            AND r.archived_at IS NULL AND r.result_on >= $2 AND r.result_on <= $3",
        among.sql("am2.association_id")
    );
    let rows: Vec<FactRow> = sqlx::query_as(&format!(
        "SELECT r.id, r.family, r.kind, r.result_on, r.title, r.subject, r.level, r.placement, r.format, r.form,
            r.score, r.outlet, r.url, r.students, r.status
         FROM results r WHERE {of_period} ORDER BY r.family, r.result_on, r.id"
    ))
    .bind(among.id())
    .bind(&start)
    .bind(&end)
    .fetch_all(&mut *conn)
    .await?;
    // Their teachers in one query over the same results (a few round trips of hundreds of
    // parameters each cost more on PostgreSQL).
    let links: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT rt.result_id, rt.teacher_id FROM result_teachers rt JOIN teachers t ON t.id = rt.teacher_id
         WHERE rt.result_id IN (SELECT r.id FROM results r WHERE {of_period})
         ORDER BY t.last_name, t.first_name, t.id"
    ))
    .bind(among.id())
    .bind(&start)
    .bind(&end)
    .fetch_all(&mut *conn)
    .await?;
    let mut teachers_of: HashMap<i64, Vec<i64>> = HashMap::new();
    for (result_id, teacher_id) in links {
        teachers_of.entry(result_id).or_default().push(teacher_id);
    }
    let records: Vec<(FactRow, Vec<i64>)> = rows
        .into_iter()
        .map(|r| {
            let teachers = teachers_of.remove(&r.id).unwrap_or_default();
            (r, teachers)
        })
        .collect();
    let mut memberships: HashMap<i64, Vec<(usize, Date, Option<Date>)>> = HashMap::new();
    for (i, f) in out.iter().enumerate() {
        for m in &f.members {
            memberships.entry(m.teacher_id).or_default().push((i, m.joined, m.left));
        }
    }
    for (r, teachers) in &records {
        let on = r.result_on;
        let mut owners: Vec<usize> = teachers
            .iter()
            .flat_map(|t| memberships.get(t).into_iter().flatten())
            .filter(|(_, joined, left)| *joined <= on && left.is_none_or(|l| l > on))
            .map(|(i, _, _)| *i)
            .collect();
        owners.sort_unstable();
        owners.dedup();
        for i in owners {
            push_result(&mut out[i], r, teachers, on)?;
        }
    }

    let thresholds = thresholds(conn, municipality_id).await?;
    let listed_in = i64::from(period.academic_year().0);
    let non_objective: Vec<NonObjectiveFact> = non_objective(conn, municipality_id, listed_in)
        .await?
        .into_iter()
        .map(|e| NonObjectiveFact { organization_id: e.organization_id.get(), subject: e.subject })
        .collect();
    for f in &mut out {
        f.thresholds.clone_from(&thresholds);
        f.non_objective.clone_from(&non_objective);
    }
    Ok(out)
}

/// The columns of a result the analysis reads (decoding all of [`ResultRecord`] for a whole
/// municipality's year cost more than the query).
#[derive(FromRow)]
struct FactRow {
    id: i64,
    #[sqlx(flatten, try_from = "FamilyKind")]
    kind: ResultKind,
    #[sqlx(try_from = "Text")]
    result_on: Date,
    title: Option<String>,
    subject: Option<String>,
    #[sqlx(try_from = "OptText")]
    level: Option<Level>,
    #[sqlx(try_from = "OptText")]
    placement: Option<Placement>,
    #[sqlx(try_from = "OptText")]
    format: Option<Format>,
    #[sqlx(try_from = "OptText")]
    form: Option<PresentationForm>,
    score: Option<i64>,
    outlet: Option<String>,
    url: Option<String>,
    students: Option<i64>,
    #[sqlx(try_from = "Text")]
    status: Confirmation,
}

/// Adds a result to the facts by its family.
fn push_result(f: &mut Facts, r: &FactRow, teachers: &[i64], on: Date) -> Result<()> {
    let confirmed = r.status == Confirmation::Confirmed;
    let teacher_ids = teachers.to_vec();
    match r.kind {
        ResultKind::Exam => {
            let score = required(r, "ЕГЭ score", r.score)?;
            f.exam_scores.push(ExamScoreFact {
                id: r.id,
                teacher_id: required(r, "teacher of an ЕГЭ score", teacher_ids.first().copied())?,
                subject: required(r, "ЕГЭ subject", r.subject.clone())?,
                score: u32::try_from(score).map_err(|_| undecodable("ЕГЭ score", score.to_string()))?,
                on,
                confirmed,
            })
        }
        ResultKind::Student(event) => f.student_results.push(StudentResultFact {
            id: r.id,
            teacher_ids,
            event,
            title: r.title.clone(),
            subject: r.subject.clone(),
            level: required(r, "level of a student's result", r.level)?,
            placement: required(r, "placement of a student's result", r.placement)?,
            format: required(r, "format of a student's result", r.format)?,
            on,
            confirmed,
        }),
        ResultKind::Teacher(kind) => f.teacher_results.push(TeacherResultFact {
            id: r.id,
            teacher_ids,
            kind,
            title: required(r, "title of a teacher's result", r.title.clone())?,
            level: r.level,
            placement: r.placement,
            format: r.format,
            form: r.form,
            outlet: r.outlet.clone(),
            url: r.url.clone(),
            students: r
                .students
                .map(|s| u32::try_from(s).map_err(|_| undecodable("number of students", s.to_string())))
                .transpose()?,
            on,
            confirmed,
        }),
    }
    Ok(())
}

impl Facts {
    /// The facts as the analysis reads them (`metoda_domain::analysis::Facts`): a teacher result
    /// with several teachers becomes one entry per teacher sharing a key (so a co-authored
    /// publication, an assessment set or an event counts once in its x.1 row).
    pub fn for_analysis(&self) -> metoda_domain::analysis::Facts {
        use metoda_domain::analysis as an;
        an::Facts {
            members: self
                .members
                .iter()
                .map(|m| an::Member {
                    teacher_id: m.teacher_id,
                    organization_id: m.organization_id,
                    joined: m.joined,
                    left: m.left,
                    education: m.education,
                    category: m.category,
                })
                .collect(),
            meetings: self
                .meetings
                .iter()
                .map(|m| an::Meeting {
                    id: m.id,
                    number: m.number.and_then(|n| u32::try_from(n).ok()),
                    held_on: m.held_on,
                    present: u32::try_from(m.present).unwrap_or(0),
                })
                .collect(),
            courses: self
                .courses
                .iter()
                .map(|c| an::Course { id: c.id, teacher_id: c.teacher_id, kind: c.kind, finished_on: c.finished_on })
                .collect(),
            exam_scores: self
                .exam_scores
                .iter()
                .map(|e| an::ExamScore {
                    id: e.id,
                    teacher_id: e.teacher_id,
                    subject: e.subject.clone(),
                    score: e.score,
                    on: e.on,
                    confirmed: e.confirmed,
                })
                .collect(),
            thresholds: self.thresholds.clone(),
            student_results: self
                .student_results
                .iter()
                .map(|r| an::StudentResult {
                    id: r.id,
                    teacher_ids: r.teacher_ids.clone(),
                    event: r.event,
                    level: r.level,
                    placement: r.placement,
                    format: r.format,
                    on: r.on,
                    student_key: String::new(),
                    confirmed: r.confirmed,
                })
                .collect(),
            teacher_results: self
                .teacher_results
                .iter()
                .flat_map(|r| {
                    r.teacher_ids.iter().map(move |t| an::TeacherResult {
                        id: r.id,
                        teacher_id: *t,
                        kind: r.kind,
                        level: r.level,
                        placement: r.placement,
                        format: r.format,
                        form: r.form,
                        on: r.on,
                        shared_key: Some(format!("tr:{}", r.id)),
                        students: r.students,
                        confirmed: r.confirmed,
                    })
                })
                .collect(),
            non_objective: self
                .non_objective
                .iter()
                .map(|n| an::NonObjective { organization_id: n.organization_id, year: self.period.academic_year() })
                .collect(),
        }
    }
}
