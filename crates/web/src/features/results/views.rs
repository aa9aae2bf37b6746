//! The JSON the results API sends: views built from the store's rows, with the fields and schema
//! names the API has always had (codes as strings, dates as "YYYY-MM-DD"), so the store's typed
//! rows are never serialized to clients.

use metoda_domain::values::iso_date;
use metoda_store::results as store;
use serde::Serialize;

/// A teacher of a result.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ResultTeacher {
    pub teacher_id: i64,
    pub full_name: String,
    pub organization_id: i64,
}

impl From<&store::ResultTeacher> for ResultTeacher {
    fn from(t: &store::ResultTeacher) -> Self {
        ResultTeacher {
            teacher_id: t.teacher_id.get(),
            full_name: t.full_name.clone(),
            organization_id: t.organization_id.get(),
        }
    }
}

/// A result of any family, with its teachers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ResultRecord {
    pub id: i64,
    pub municipality_id: i64,
    /// student | exam | teacher
    pub family: String,
    /// A `StudentEvent` code (student), `ege` (exam), a `TeacherResultKind` code (teacher).
    pub kind: String,
    pub result_on: String,
    /// The academic year of `result_on`, by its first calendar year.
    pub year: i64,
    pub title: Option<String>,
    pub subject: Option<String>,
    pub level: Option<String>,
    pub placement: Option<String>,
    pub format: Option<String>,
    pub form: Option<String>,
    pub score: Option<i64>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub students: Option<i64>,
    /// A minor's name: show only to those who need it ([`ResultRecord::without_student_name`]).
    pub student_name: Option<String>,
    pub student_code: Option<String>,
    pub student_grade: Option<String>,
    pub student_organization_id: Option<i64>,
    pub student_organization_name: Option<String>,
    /// pending | confirmed | rejected
    pub status: String,
    pub decided_by: Option<i64>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<String>,
    pub decision_comment: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub archived_at: Option<String>,
    /// Raised by every change (an edit, a scan, a decision): send it back with an edit.
    pub version: i64,
    pub teachers: Vec<ResultTeacher>,
}

impl From<&store::ResultRecord> for ResultRecord {
    fn from(r: &store::ResultRecord) -> Self {
        ResultRecord {
            id: r.id.get(),
            municipality_id: r.municipality_id.get(),
            family: r.family().code().to_owned(),
            kind: r.kind.code().to_owned(),
            result_on: iso_date(r.result_on),
            year: r.year,
            title: r.title.clone(),
            subject: r.subject.clone(),
            level: r.level.map(|v| v.code().to_owned()),
            placement: r.placement.map(|v| v.code().to_owned()),
            format: r.format.map(|v| v.code().to_owned()),
            form: r.form.map(|v| v.code().to_owned()),
            score: r.score,
            outlet: r.outlet.clone(),
            url: r.url.clone(),
            students: r.students,
            student_name: r.student_name.clone(),
            student_code: r.student_code.clone(),
            student_grade: r.student_grade.clone(),
            student_organization_id: r.student_organization_id.map(i64::from),
            student_organization_name: r.student_organization_name.clone(),
            status: r.status.code().to_owned(),
            decided_by: r.decided_by,
            decided_by_name: r.decided_by_name.clone(),
            decided_at: r.decided_at.clone(),
            decision_comment: r.decision_comment.clone(),
            created_at: r.created_at.clone(),
            updated_at: r.updated_at.clone(),
            archived_at: r.archived_at.clone(),
            version: r.version,
            teachers: r.teachers.iter().map(ResultTeacher::from).collect(),
        }
    }
}

/// A result with its scans, as the lists show it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ResultItem {
    pub result: ResultRecord,
    pub scans: Vec<crate::features::attachments::Attachment>,
}

impl From<super::Listed> for ResultItem {
    fn from(i: super::Listed) -> Self {
        ResultItem { result: ResultRecord::from(&i.result), scans: crate::views::all(&i.scans) }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NonObjectiveEntry {
    pub id: i64,
    pub organization_id: i64,
    pub organization_name: String,
    pub year: i64,
    /// mathematics | russian
    pub subject: String,
    pub created_at: String,
}

impl From<&store::NonObjectiveEntry> for NonObjectiveEntry {
    fn from(e: &store::NonObjectiveEntry) -> Self {
        NonObjectiveEntry {
            id: e.id,
            organization_id: e.organization_id.get(),
            organization_name: e.organization_name.clone(),
            year: e.year,
            subject: e.subject.code().to_owned(),
            created_at: e.created_at.clone(),
        }
    }
}
