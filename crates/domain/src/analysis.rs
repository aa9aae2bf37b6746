//! The 29 indicators of the yearly analysis of one association (seed 002, appendix 1, «приложение к
//! анализу»; DOMAIN.md §4), computed from plain facts the store reads with simple queries. No IO.
//! The words of the analysis (its 24 sections, every number's sources) are [`composition`]; the
//! sums of many analyses (a municipality's overview, a region's roll-up) are [`summary`].
//!
//! The counting rules, as DOMAIN.md §4 fixes them:
//! - The period is the academic year, 1 September – 31 August, both days included, or, for a
//!   report for the calendar year (004 §2.3: to РУМО by 1 March), 1 January – 31 December
//!   ([`Period`]). "The year" below is the period.
//! - Row 1 counts members on the analysis date ([`analysis_date`]); row 29 counts the organizations
//!   where members work on that date and that are on that year's list.
//! - Every other row takes a record (course, exam score, result) only when it is dated inside the year
//!   and its teacher was a member on its date (a membership ends on its `left` day, as in
//!   [`crate::meetings::members_on`]). A student result with several teachers counts for each of
//!   them who was a member then.
//! - "Teachers who …" rows count distinct teachers; x.1 rows count the results themselves.
//! - Rows 8–10 are ВсОШ only: municipal-stage winners, regional-stage winners, regional-stage
//!   prize-winners. Every other student result goes by level and placement into rows 11–17; school
//!   level is in no row. See [`student_row`].
//! - Rows 11–23 count in-person results only.
//! - Results that are not confirmed (no confirmed scan) are counted in no row and listed apart
//!   ([`Analysis::apart`]).
//!
//! Decisions on what the form leaves open (each has a test):
//! - International results are counted with the all-Russian ones (rows 11–13, 21, 24): the form has
//!   no international row, and an international result is at least all-Russian.
//! - A student's *laureate* counts as a prize-winner (rows 12, 15, 17); a student's *finalist* is in no
//!   row (participants rows take placement *participant* only).
//! - Conferences go into rows 11–17 like olympiads and contests (DOMAIN.md: "other olympiads,
//!   contests, competitions, conferences"); the form names them in row 13 only.
//! - Professional competitions (rows 18–20) are counted at any level; a *prize-winner* of one counts
//!   with laureates and finalists (row 19).
//! - Row 23 takes municipal seminars, master classes and conferences, and pedagogical readings and
//!   association meetings at any level (the form names those in row 23 only). A presentation without
//!   a form counts by its level like a seminar. Rows 18–23 need `format == Some(InPerson)`.
//! - Row 2 is the number of meetings held in the year; 2.1 … 2.N are their participants, in date order.
//! - Row 27.1 is the number of distinct assessment sets; 28.1 the students of each event once (the
//!   largest number given for it). Records of the same thing done by several teachers share a
//!   [`TeacherResult::shared_key`]; the same key also makes a co-authored publication one publication
//!   in 24.1–26.1.
//! - Two student-result records with the same non-empty [`StudentResult::student_key`] are one result
//!   (entered once by each of its teachers): it counts once in x.1 and for each teacher.
//! - Profile teaching (row 5) is a teacher result too: it needs confirmation like the others.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use time::Date;

use crate::meetings::year_bounds;
use crate::profile::{AnalysisDeadline, MonthDay, PlanPeriod};
use crate::results::{ExamThreshold, Format, Level, Placement, PresentationForm, StudentEvent, TeacherResultKind};
use crate::teachers::{AcademicYear, Category, CourseKind, Education};

pub mod composition;
pub mod summary;

// ---------------------------------------------------------------------------------------------
// Facts
// ---------------------------------------------------------------------------------------------

/// One membership period of a teacher in the association (a teacher may have several), with the
/// teacher's education, category and organization as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub teacher_id: i64,
    pub organization_id: i64,
    pub joined: Date,
    /// The day the membership ended: from that day the teacher is no longer a member.
    pub left: Option<Date>,
    pub education: Education,
    pub category: Category,
}

impl Member {
    /// A member on `d`: joined on or before it and not left by it.
    pub fn is_member_on(&self, d: Date) -> bool {
        self.joined <= d && self.left.is_none_or(|l| l > d)
    }
}

/// A meeting held (the store passes held meetings only; those outside the year are ignored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub id: i64,
    /// The number of its minutes, when known (shown in the label).
    pub number: Option<u32>,
    pub held_on: Date,
    /// Participants present.
    pub present: u32,
}

/// A course a teacher completed (rows 3, 4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Course {
    pub id: i64,
    pub teacher_id: i64,
    pub kind: CourseKind,
    pub finished_on: Date,
}

/// One ЕГЭ score of a teacher's student (rows 6, 7): one record per score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamScore {
    pub id: i64,
    pub teacher_id: i64,
    /// An [`ExamThreshold::subject`]; a subject without a threshold is in no row.
    pub subject: String,
    pub score: u32,
    pub on: Date,
    pub confirmed: bool,
}

/// A student's result at an olympiad, contest, competition or conference (rows 8–17).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentResult {
    pub id: i64,
    /// The teachers who prepared the student.
    pub teacher_ids: Vec<i64>,
    pub event: StudentEvent,
    /// For ВсОШ, the stage (the final stage is all-Russian).
    pub level: Level,
    pub placement: Placement,
    pub format: Format,
    pub on: Date,
    /// Identifies one student's result across duplicate records (e.g. the normalised name, the
    /// event and the subject): records with the same non-empty key are one result. Empty: the
    /// record is a result of its own.
    pub student_key: String,
    pub confirmed: bool,
}

/// A teacher's own result (rows 5, 18–28).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeacherResult {
    pub id: i64,
    pub teacher_id: i64,
    pub kind: TeacherResultKind,
    pub level: Option<Level>,
    pub placement: Option<Placement>,
    pub format: Option<Format>,
    pub form: Option<PresentationForm>,
    pub on: Date,
    /// Records of the same kind with the same key are one thing done by several teachers: one
    /// publication (24.1–26.1), one assessment set (27.1), one event (28.1). None: its own.
    pub shared_key: Option<String>,
    /// Students who took part in the organised event (28.1).
    pub students: Option<u32>,
    pub confirmed: bool,
}

/// An organization on the list of those with signs of non-objective results for a year (row 29).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NonObjective {
    pub organization_id: i64,
    pub year: AcademicYear,
}

/// Everything the indicators are computed from. The store may pass more than the year's records:
/// what is outside the year or by a non-member is ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    pub members: Vec<Member>,
    pub meetings: Vec<Meeting>,
    pub courses: Vec<Course>,
    pub exam_scores: Vec<ExamScore>,
    /// The municipality's ЕГЭ thresholds ([`crate::results::ege_thresholds`] by default).
    pub thresholds: Vec<ExamThreshold>,
    pub student_results: Vec<StudentResult>,
    pub teacher_results: Vec<TeacherResult>,
    pub non_objective: Vec<NonObjective>,
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

/// A record behind a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Source {
    Teacher(i64),
    Meeting(i64),
    Course(i64),
    ExamScore(i64),
    StudentResult(i64),
    TeacherResult(i64),
    Organization(i64),
}

/// One row of the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    /// "1", "1.1", …, "2.1" … "2.N", …, "29".
    pub code: String,
    /// The Russian label, as in the form.
    pub label: String,
    pub value: u32,
    /// What the number counts: the teachers of a "teachers who …" row (as many as the value), the
    /// organizations of row 29, the records of any other row (the value is their count, except 2.k:
    /// the meeting whose participants it is; 27.1, 28.1 and duplicate entries: see the module).
    pub sources: Vec<Source>,
    /// For a "teachers who …" row: the records through which its teachers count; otherwise empty.
    pub records: Vec<Source>,
}

/// A record that would count in `row` but is not confirmed: shown apart, counted in no row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Apart {
    pub source: Source,
    /// The row ("6", "14", …) it will count in once confirmed.
    pub row: String,
}

/// The indicators of one association for one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analysis {
    /// The period's first calendar year.
    pub year: i32,
    /// Academic or calendar year (snapshots frozen before there was a choice have none: academic).
    #[serde(default = "academic")]
    pub period: PlanPeriod,
    /// The day row 1 and row 29 are counted on.
    #[serde(with = "crate::values::iso_serde")]
    pub date: Date,
    /// Rows 1 … 29 in the order of the form.
    pub indicators: Vec<Indicator>,
    /// Unconfirmed records by members in the year, in the order of their rows.
    pub apart: Vec<Apart>,
}

fn academic() -> PlanPeriod {
    PlanPeriod::AcademicYear
}

impl Analysis {
    /// The figures only: every row's value without the records behind it, nothing apart (what
    /// a summary adds up, kept in memory for many associations at once).
    pub fn figures(mut self) -> Analysis {
        for i in &mut self.indicators {
            i.sources = vec![];
            i.records = vec![];
        }
        self.apart = vec![];
        self
    }

    /// The period it covers.
    pub fn covers(&self) -> Period {
        Period { kind: self.period, year: self.year }
    }
    /// The row with this code.
    pub fn get(&self, code: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.code == code)
    }
}

// ---------------------------------------------------------------------------------------------
// Periods and dates
// ---------------------------------------------------------------------------------------------

/// The period an analysis covers, by its first calendar year: an academic year (2025: 1 September
/// 2025 – 31 August 2026) or a calendar year (2025: 1 January – 31 December 2025).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    pub kind: PlanPeriod,
    pub year: i32,
}

impl Period {
    pub const fn academic(year: i32) -> Period {
        Period { kind: PlanPeriod::AcademicYear, year }
    }
    pub const fn calendar(year: i32) -> Period {
        Period { kind: PlanPeriod::CalendarYear, year }
    }
    /// The period of this kind whose reporting work is still open on `today`, the default of every
    /// page that reports: a calendar year is reported on after it ends (the year before today's);
    /// an academic year is written up at its end and accepted and summed up over the autumn, so
    /// from September to December it is the year that has just ended, from January the running one.
    pub fn open(kind: PlanPeriod, today: Date) -> Period {
        let year = match kind {
            PlanPeriod::AcademicYear => {
                let running = AcademicYear::containing(today).0;
                if today.month() as u8 >= 9 { running - 1 } else { running }
            }
            PlanPeriod::CalendarYear => today.year() - 1,
        };
        Period { kind, year }
    }
    pub fn start(self) -> Date {
        year_bounds(self.kind, self.year).0
    }
    pub fn end(self) -> Date {
        year_bounds(self.kind, self.year).1
    }
    pub fn contains(self, d: Date) -> bool {
        self.start() <= d && d <= self.end()
    }
    /// The academic year whose lists apply (row 29): the one the period ends in.
    pub fn academic_year(self) -> AcademicYear {
        AcademicYear::containing(self.end())
    }
    /// "2025/2026 учебный год", "2025 календарный год".
    pub fn label_ru(self) -> String {
        match self.kind {
            PlanPeriod::AcademicYear => format!("{}/{} учебный год", self.year, self.year + 1),
            PlanPeriod::CalendarYear => format!("{} календарный год", self.year),
        }
    }
}

impl From<AcademicYear> for Period {
    fn from(y: AcademicYear) -> Period {
        Period::academic(y.0)
    }
}

/// The periods a profile's associations report for (its deadlines' periods, the academic year
/// first); the academic year when the profile names none.
pub fn periods(deadlines: &[AnalysisDeadline]) -> Vec<PlanPeriod> {
    let mut out = vec![];
    for kind in [PlanPeriod::AcademicYear, PlanPeriod::CalendarYear] {
        if deadlines.iter().any(|d| d.period == kind) {
            out.push(kind);
        }
    }
    if out.is_empty() {
        out.push(PlanPeriod::AcademicYear);
    }
    out
}

/// The day an analysis of `period` counts members on, by the profile: for the academic year as
/// [`analysis_date_by_profile`]; for a calendar year, 1 January of the next year when the profile
/// takes the analysis "as of 1 January" (004 §6: «по состоянию на 1 января и на 1 июля»), else
/// 31 December.
pub fn analysis_date_for(period: Period, deadlines: &[AnalysisDeadline], snapshots: &[MonthDay]) -> Date {
    match period.kind {
        PlanPeriod::AcademicYear => analysis_date_by_profile(AcademicYear(period.year), deadlines),
        PlanPeriod::CalendarYear => {
            let end = period.end();
            if snapshots.iter().any(|d| d.month == 1 && d.day == 1) { end.next_day().unwrap_or(end) } else { end }
        }
    }
}

/// The day row 1 counts members on: `deadline` when it falls inside the year, otherwise the last
/// day of the year (31 August).
pub fn analysis_date(year: AcademicYear, deadline: Option<Date>) -> Date {
    deadline.filter(|d| year.contains(*d)).unwrap_or_else(|| year.end())
}

/// [`analysis_date`] by a profile's deadlines: the first deadline for the academic year, on its day in
/// that year (September–December in the year's first calendar year, January–August in its second,
/// as `crate::reports::due_date` reckons it); deadlines for a calendar year are not the analysis's.
pub fn analysis_date_by_profile(year: AcademicYear, deadlines: &[AnalysisDeadline]) -> Date {
    let due = deadlines
        .iter()
        .find(|d| d.period == PlanPeriod::AcademicYear)
        .and_then(|d| crate::reports::due_date(d, year.0));
    analysis_date(year, due)
}

// ---------------------------------------------------------------------------------------------
// Classification
// ---------------------------------------------------------------------------------------------

/// The row (8–17) a student result goes into, or None (school level, a remote result outside
/// rows 8–10, a finalist, a participant below the all-Russian level).
pub fn student_row(event: StudentEvent, level: Level, placement: Placement, format: Format) -> Option<u8> {
    use Level::*;
    use Placement::*;
    if let Some(stage) = crate::results::OlympiadStage::of(event, level) {
        match (stage, placement) {
            (crate::results::OlympiadStage::Municipal, Winner) => return Some(8),
            (crate::results::OlympiadStage::Regional, Winner) => return Some(9),
            (crate::results::OlympiadStage::Regional, PrizeWinner) => return Some(10),
            _ => {}
        }
    }
    if format != Format::InPerson {
        return None;
    }
    match (level, placement) {
        (AllRussian | International, Winner) => Some(11),
        (AllRussian | International, PrizeWinner | Laureate) => Some(12),
        (AllRussian | International, Participant) => Some(13),
        (Regional, Winner) => Some(14),
        (Regional, PrizeWinner | Laureate) => Some(15),
        (Municipal, Winner) => Some(16),
        (Municipal, PrizeWinner | Laureate) => Some(17),
        _ => None,
    }
}

/// The row (5, 18–28) a teacher's own result goes into, or None.
pub fn teacher_row(
    kind: TeacherResultKind,
    level: Option<Level>,
    placement: Option<Placement>,
    format: Option<Format>,
    form: Option<PresentationForm>,
) -> Option<u8> {
    use TeacherResultKind as K;
    let in_person = format == Some(Format::InPerson);
    match kind {
        K::ProfileTeaching => Some(5),
        K::Competition if in_person => match placement? {
            Placement::Winner => Some(18),
            Placement::Laureate | Placement::Finalist | Placement::PrizeWinner => Some(19),
            Placement::Participant => Some(20),
        },
        K::Presentation if in_person => match (form, level) {
            (Some(PresentationForm::PedagogicalReadings | PresentationForm::AssociationMeeting), _) => Some(23),
            (_, Some(Level::AllRussian | Level::International)) => Some(21),
            (_, Some(Level::Regional)) => Some(22),
            (_, Some(Level::Municipal)) => Some(23),
            _ => None,
        },
        K::Competition | K::Presentation => None,
        K::Publication => match level? {
            Level::AllRussian | Level::International => Some(24),
            Level::Regional => Some(25),
            Level::Municipal => Some(26),
            Level::School => None,
        },
        K::AssessmentMaterials => Some(27),
        K::StudentEventOrganised => Some(28),
    }
}

/// The row of an exam score: 6 (high: `score >= high`), 7 (below the minimum: `score < minimum`), or
/// None (in between, or a subject without a threshold).
pub fn exam_row(subject: &str, score: u32, thresholds: &[ExamThreshold]) -> Option<u8> {
    let t = thresholds.iter().find(|t| t.subject == subject)?;
    if score >= t.high {
        Some(6)
    } else if score < t.minimum {
        Some(7)
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------------
// Labels
// ---------------------------------------------------------------------------------------------

const PREPARED: &str = "количество педагогов, подготовивших";
const IN_PERSON: &str = "очных олимпиад, конкурсов, соревнований";
const IN_PERSON_CONF: &str = "очных олимпиад, конкурсов, соревнований, конференций";
const KIM: &str =
    "контрольно - измерительных материалов для проведения муниципальных олимпиад, игр, конкурсов, конференций";

fn label(code: &str) -> String {
    let s = match code {
        "1" => "количество педагогов ММО",
        "1.1" => "ВО",
        "1.2" => "СПО",
        "1.3" => "высшую квалификационную категорию",
        "1.4" => "первую квалификационную категорию",
        "1.5" => "соответствие",
        "2" => "посещаемость заседаний ММО (проведено заседаний за учебный год)",
        "3" => "количество педагогов, прошедших КПК за учебный год",
        "4" => "количество педагогов, прошедших курсы переподготовки за учебный год",
        "5" => "количество педагогов, преподающих в профильных классах/ группах",
        "6" => "количество педагогов, подготовивших высококачественных ЕГЭ",
        "6.1" => "количество высококачественных",
        "7" => "количество педагогов, обучающихся которых не набрали минимальный порог ЕГЭ",
        "7.1" => "количество ненабранных минимальный порог ЕГЭ",
        "8" => return format!("{PREPARED} победителей муниципального этапа ВсОШ"),
        "8.1" => "количество победителей муниципального этапа ВсОШ",
        "9" => return format!("{PREPARED} победителей регионального этапа ВсОШ"),
        "9.1" => "количество победителей регионального этапа ВсОШ",
        "10" => return format!("{PREPARED} призеров регионального этапа ВсОШ"),
        "10.1" => "количество призеров регионального этапа ВсОШ",
        "11" => return format!("{PREPARED} победителей {IN_PERSON} Всероссийского уровня"),
        "11.1" => return format!("количество победителей {IN_PERSON} Всероссийского уровня"),
        "12" => return format!("{PREPARED} призеров {IN_PERSON} Всероссийского уровня"),
        "12.1" => return format!("количество призеров {IN_PERSON} Всероссийского уровня"),
        "13" => return format!("{PREPARED} участников {IN_PERSON_CONF} Всероссийского уровня"),
        "13.1" => return format!("количество участников {IN_PERSON_CONF} Всероссийского уровня"),
        "14" => return format!("{PREPARED} победителей {IN_PERSON} регионального уровня"),
        "14.1" => return format!("количество победителей {IN_PERSON} регионального уровня"),
        "15" => return format!("{PREPARED} призеров {IN_PERSON} регионального уровня"),
        "15.1" => return format!("количество призеров {IN_PERSON} регионального уровня"),
        "16" => return format!("{PREPARED} победителей {IN_PERSON} муниципального уровня"),
        "16.1" => return format!("количество победителей {IN_PERSON} муниципального уровня"),
        "17" => return format!("{PREPARED} призеров {IN_PERSON} муниципального уровня"),
        "17.1" => return format!("количество призеров {IN_PERSON} муниципального уровня"),
        "18" => "количество педагогов - победителей очных профессиональных конкурсов",
        "19" => "количество педагогов - лауреатов/ финалистов очных профессиональных конкурсов",
        "20" => "количество педагогов - участников очных профессиональных конкурсов",
        "21" => {
            "количество педагогов, представивших опыт работы на очных семинарах, мастер - классах, конференциях Всероссийского уровня"
        }
        "22" => {
            "количество педагогов, представивших опыт работы на очных семинарах, мастер - классах, конференциях регионального уровня"
        }
        "23" => {
            "количество педагогов, представивших опыт работы на очных семинарах, мастер - классах, конференциях, педагогических чтениях, заседаниях ММО"
        }
        "24" => "количество педагогов, опубликовавших опыт работы на Всероссийском уровне",
        "24.1" => "количество публикаций на Всероссийском уровне",
        "25" => "количество педагогов, опубликовавших опыт работы на региональном уровне",
        "25.1" => "количество публикаций на региональном уровне",
        "26" => "количество педагогов, опубликовавших опыт работы на муниципальном уровне",
        "26.1" => "количество публикаций на муниципальном уровне",
        "27" => return format!("количество педагогов, принявших участие в разработке {KIM}"),
        "27.1" => {
            return format!(
                "количество разработанных комплектов {KIM} (в форме строка повторяет строку 27; считаются различные комплекты)"
            );
        }
        "28" => {
            "количество педагогов, принявших участие в организации и проведении олимпиад, конкурсов, соревнований, конференций муниципального уровня для обучающихся"
        }
        "28.1" => {
            "количество обучающихся, принявших участие в олимпиадах, конкурсах, соревнованиях, конференциях муниципального уровня"
        }
        "29" => "количество ОО, попавших в перечень ОО с признаками необъективности (по математике, русскому языку)",
        _ => "",
    };
    s.to_owned()
}

// ---------------------------------------------------------------------------------------------
// Computation
// ---------------------------------------------------------------------------------------------

/// The records that count in one row.
#[derive(Default)]
struct Row {
    teachers: BTreeSet<i64>,
    records: BTreeSet<Source>,
    /// Distinct things counted by the x.1 row (results, publications, sets).
    keys: BTreeSet<String>,
    /// 28.1: the students of each event (the largest number given for it).
    students: BTreeMap<String, u32>,
}

fn teachers_row(code: &str, row: &Row) -> Indicator {
    Indicator {
        code: code.to_owned(),
        label: label(code),
        value: count(row.teachers.len()),
        sources: row.teachers.iter().map(|t| Source::Teacher(*t)).collect(),
        records: row.records.iter().copied().collect(),
    }
}

fn records_row(code: &str, value: u32, row: &Row) -> Indicator {
    Indicator {
        code: code.to_owned(),
        label: label(code),
        value,
        sources: row.records.iter().copied().collect(),
        records: Vec::new(),
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The 29 rows of one association for `period` (an academic year, or a [`Period`]), members
/// counted on `date` ([`analysis_date`], [`analysis_date_for`]).
pub fn compute(period: impl Into<Period>, date: Date, facts: &Facts) -> Analysis {
    let year: Period = period.into();
    let member_on = |teacher: i64, d: Date| facts.members.iter().any(|m| m.teacher_id == teacher && m.is_member_on(d));
    let mut rows: BTreeMap<u8, Row> = BTreeMap::new();
    let mut apart: Vec<(u8, Source)> = Vec::new();
    let mut indicators = Vec::new();

    // Row 1: distinct members on the date (the first period found gives the attributes).
    let mut on_date: BTreeMap<i64, &Member> = BTreeMap::new();
    for m in facts.members.iter().filter(|m| m.is_member_on(date)) {
        on_date.entry(m.teacher_id).or_insert(m);
    }
    type Keep = fn(&Member) -> bool;
    let composition: [(&str, Keep); 6] = [
        ("1", |_| true),
        ("1.1", |m| m.education == Education::Higher),
        ("1.2", |m| m.education == Education::Vocational),
        ("1.3", |m| m.category == Category::Highest),
        ("1.4", |m| m.category == Category::First),
        ("1.5", |m| m.category == Category::Conformity),
    ];
    for (code, keep) in composition {
        let row =
            Row { teachers: on_date.values().filter(|m| keep(m)).map(|m| m.teacher_id).collect(), ..Row::default() };
        indicators.push(teachers_row(code, &row));
    }

    // Row 2: the meetings of the year in date order.
    let mut meetings: Vec<&Meeting> = facts.meetings.iter().filter(|m| year.contains(m.held_on)).collect();
    meetings.sort_by_key(|m| (m.held_on, m.id));
    indicators.push(Indicator {
        code: "2".into(),
        label: label("2"),
        value: count(meetings.len()),
        sources: meetings.iter().map(|m| Source::Meeting(m.id)).collect(),
        records: Vec::new(),
    });
    for (i, m) in meetings.iter().enumerate() {
        let held = format!("{:02}.{:02}.{}", m.held_on.day(), m.held_on.month() as u8, m.held_on.year());
        let when = match m.number {
            Some(n) => format!("протокол №{n} от {held}"),
            None => held,
        };
        indicators.push(Indicator {
            code: format!("2.{}", i + 1),
            label: format!("количество участников заседания ММО №{} ({when})", i + 1),
            value: m.present,
            sources: vec![Source::Meeting(m.id)],
            records: Vec::new(),
        });
    }

    // Rows 3, 4: courses completed in the year by members.
    for c in facts.courses.iter().filter(|c| year.contains(c.finished_on) && member_on(c.teacher_id, c.finished_on)) {
        let n = match c.kind {
            CourseKind::AdvancedTraining => 3,
            CourseKind::Retraining => 4,
        };
        let row = rows.entry(n).or_default();
        row.teachers.insert(c.teacher_id);
        row.records.insert(Source::Course(c.id));
    }

    // Rows 6, 7: exam scores.
    for s in facts.exam_scores.iter().filter(|s| year.contains(s.on) && member_on(s.teacher_id, s.on)) {
        let Some(n) = exam_row(&s.subject, s.score, &facts.thresholds) else { continue };
        if !s.confirmed {
            apart.push((n, Source::ExamScore(s.id)));
            continue;
        }
        let row = rows.entry(n).or_default();
        row.teachers.insert(s.teacher_id);
        row.records.insert(Source::ExamScore(s.id));
        row.keys.insert(format!("#{}", s.id));
    }

    // Rows 8–17: student results, for each teacher who was a member on the result's date.
    for r in facts.student_results.iter().filter(|r| year.contains(r.on)) {
        let teachers: Vec<i64> = r.teacher_ids.iter().copied().filter(|t| member_on(*t, r.on)).collect();
        if teachers.is_empty() {
            continue;
        }
        let Some(n) = student_row(r.event, r.level, r.placement, r.format) else { continue };
        if !r.confirmed {
            apart.push((n, Source::StudentResult(r.id)));
            continue;
        }
        let row = rows.entry(n).or_default();
        row.teachers.extend(teachers);
        row.records.insert(Source::StudentResult(r.id));
        let key = r.student_key.trim();
        row.keys.insert(if key.is_empty() { format!("#{}", r.id) } else { format!("s:{key}") });
    }

    // Rows 5, 18–28: teachers' own results.
    for r in facts.teacher_results.iter().filter(|r| year.contains(r.on) && member_on(r.teacher_id, r.on)) {
        let Some(n) = teacher_row(r.kind, r.level, r.placement, r.format, r.form) else { continue };
        if !r.confirmed {
            apart.push((n, Source::TeacherResult(r.id)));
            continue;
        }
        let row = rows.entry(n).or_default();
        row.teachers.insert(r.teacher_id);
        row.records.insert(Source::TeacherResult(r.id));
        let key = match r.shared_key.as_deref().map(str::trim) {
            Some(k) if !k.is_empty() => format!("k:{k}"),
            _ => format!("#{}", r.id),
        };
        let students = row.students.entry(key.clone()).or_insert(0);
        *students = (*students).max(r.students.unwrap_or(0));
        row.keys.insert(key);
    }

    let empty = Row::default();
    for n in 3u8..=28 {
        let row = rows.get(&n).unwrap_or(&empty);
        let code = n.to_string();
        indicators.push(teachers_row(&code, row));
        let sub = format!("{n}.1");
        match n {
            6..=17 | 24..=27 => indicators.push(records_row(&sub, count(row.keys.len()), row)),
            28 => indicators.push(records_row(&sub, row.students.values().sum(), row)),
            _ => {}
        }
    }

    // Row 29: organizations of members on the date that are on the year's list.
    let listed: BTreeSet<i64> =
        facts.non_objective.iter().filter(|o| o.year == year.academic_year()).map(|o| o.organization_id).collect();
    let orgs: BTreeSet<i64> = on_date.values().map(|m| m.organization_id).filter(|o| listed.contains(o)).collect();
    indicators.push(Indicator {
        code: "29".into(),
        label: label("29"),
        value: count(orgs.len()),
        sources: orgs.into_iter().map(Source::Organization).collect(),
        records: Vec::new(),
    });

    apart.sort();
    let apart = apart.into_iter().map(|(n, source)| Apart { source, row: n.to_string() }).collect();
    if year.kind == PlanPeriod::CalendarYear {
        // rows 2–4 name the academic year; a calendar year's report names its own
        for i in &mut indicators {
            i.label = i.label.replace("за учебный год", "за календарный год");
        }
    }
    Analysis { year: year.year, period: year.kind, date, indicators, apart }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::profile::{AnalysisRecipient, MonthDay};
    use crate::results::ege_thresholds;

    const Y: AcademicYear = AcademicYear(2025);
    const ON: Date = date!(2026 - 05 - 30);

    #[test]
    fn the_open_period_is_the_ended_academic_year_through_the_autumn() {
        let open = |d| Period::open(PlanPeriod::AcademicYear, d).year;
        assert_eq!(open(date!(2026 - 12 - 03)), 2025, "December: 2025/26 is still being accepted");
        assert_eq!(open(date!(2026 - 09 - 01)), 2025);
        assert_eq!(open(date!(2026 - 08 - 31)), 2025, "the year itself, to its last day");
        assert_eq!(open(date!(2027 - 01 - 01)), 2026, "from January the running year");
        assert_eq!(Period::open(PlanPeriod::CalendarYear, date!(2026 - 12 - 03)).year, 2025);
        assert_eq!(Period::open(PlanPeriod::CalendarYear, date!(2027 - 01 - 10)).year, 2026);
    }
    const DAY: Date = date!(2025 - 11 - 20);

    fn member(teacher_id: i64, organization_id: i64) -> Member {
        Member {
            teacher_id,
            organization_id,
            joined: date!(2020 - 09 - 01),
            left: None,
            education: Education::Higher,
            category: Category::Highest,
        }
    }

    fn members(ids: &[i64]) -> Vec<Member> {
        ids.iter().map(|t| member(*t, 100 + t)).collect()
    }

    fn student(id: i64, teachers: &[i64], event: StudentEvent, level: Level, placement: Placement) -> StudentResult {
        StudentResult {
            id,
            teacher_ids: teachers.to_vec(),
            event,
            level,
            placement,
            format: Format::InPerson,
            on: DAY,
            student_key: String::new(),
            confirmed: true,
        }
    }

    fn olympiad(id: i64, teachers: &[i64], level: Level, placement: Placement) -> StudentResult {
        student(id, teachers, StudentEvent::Olympiad, level, placement)
    }

    fn own(id: i64, teacher_id: i64, kind: TeacherResultKind) -> TeacherResult {
        TeacherResult {
            id,
            teacher_id,
            kind,
            level: Some(Level::Municipal),
            placement: None,
            format: Some(Format::InPerson),
            form: None,
            on: DAY,
            shared_key: None,
            students: None,
            confirmed: true,
        }
    }

    fn competition(id: i64, teacher_id: i64, placement: Placement) -> TeacherResult {
        TeacherResult { placement: Some(placement), ..own(id, teacher_id, TeacherResultKind::Competition) }
    }

    fn presentation(id: i64, teacher_id: i64, level: Option<Level>, form: Option<PresentationForm>) -> TeacherResult {
        TeacherResult { level, form, ..own(id, teacher_id, TeacherResultKind::Presentation) }
    }

    fn deadline(period: PlanPeriod, month: u8, day: u8) -> AnalysisDeadline {
        AnalysisDeadline { recipient: AnalysisRecipient::Authority, period, due: MonthDay { month, day }, form: None }
    }

    fn run(facts: &Facts) -> Analysis {
        compute(Y, ON, facts)
    }

    fn value(a: &Analysis, code: &str) -> u32 {
        a.get(code).unwrap_or_else(|| panic!("no row {code}")).value
    }

    fn sources(a: &Analysis, code: &str) -> Vec<Source> {
        a.get(code).unwrap_or_else(|| panic!("no row {code}")).sources.clone()
    }

    fn teachers(ids: &[i64]) -> Vec<Source> {
        ids.iter().map(|t| Source::Teacher(*t)).collect()
    }

    fn students(ids: &[i64]) -> Vec<Source> {
        ids.iter().map(|t| Source::StudentResult(*t)).collect()
    }

    fn owns(ids: &[i64]) -> Vec<Source> {
        ids.iter().map(|t| Source::TeacherResult(*t)).collect()
    }

    /// The values of rows 8 … 17.1 as (code, value) pairs that are not zero.
    fn student_rows(a: &Analysis) -> Vec<(String, u32)> {
        a.indicators
            .iter()
            .filter(|i| i.value > 0)
            .filter(|i| {
                i.code.split('.').next().and_then(|n| n.parse::<u8>().ok()).is_some_and(|n| (8..=17).contains(&n))
            })
            .map(|i| (i.code.clone(), i.value))
            .collect()
    }

    fn pairs(p: &[(&str, u32)]) -> Vec<(String, u32)> {
        p.iter().map(|(c, v)| ((*c).to_owned(), *v)).collect()
    }

    #[test]
    fn analysis_date_is_the_deadline_inside_the_year_else_31_august() {
        assert_eq!(analysis_date(Y, Some(ON)), ON);
        assert_eq!(analysis_date(Y, None), date!(2026 - 08 - 31));
        assert_eq!(analysis_date(Y, Some(date!(2026 - 09 - 01))), date!(2026 - 08 - 31), "after the year");
        assert_eq!(analysis_date(Y, Some(date!(2025 - 08 - 31))), date!(2026 - 08 - 31), "before the year");
        assert_eq!(analysis_date_by_profile(Y, &[deadline(PlanPeriod::AcademicYear, 5, 30)]), ON, "002: 30 May");
        let seed_004 = [deadline(PlanPeriod::CalendarYear, 3, 1), deadline(PlanPeriod::AcademicYear, 7, 1)];
        assert_eq!(analysis_date_by_profile(Y, &seed_004), date!(2026 - 07 - 01), "004: 1 July, not 1 March");
        assert_eq!(analysis_date_by_profile(Y, &[deadline(PlanPeriod::CalendarYear, 3, 1)]), date!(2026 - 08 - 31));
        assert_eq!(analysis_date_by_profile(Y, &[]), date!(2026 - 08 - 31));
    }

    #[test]
    fn row_1_counts_distinct_members_on_the_analysis_date_by_education_and_category() {
        let facts = Facts {
            members: vec![
                // Teacher 1: two periods, counted once.
                Member { left: Some(date!(2022 - 01 - 01)), ..member(1, 10) },
                Member { joined: date!(2023 - 01 - 01), ..member(1, 10) },
                Member { education: Education::Vocational, category: Category::First, ..member(2, 10) },
                Member { education: Education::Other, category: Category::Conformity, ..member(3, 10) },
                Member { category: Category::None, ..member(4, 10) },
                // Left on the analysis date: no longer a member.
                Member { left: Some(ON), ..member(5, 10) },
                // Joined after the date.
                Member { joined: date!(2026 - 06 - 01), ..member(6, 10) },
            ],
            ..Facts::default()
        };
        let a = run(&facts);
        assert_eq!(a.date, ON);
        assert_eq!(value(&a, "1"), 4);
        assert_eq!(sources(&a, "1"), teachers(&[1, 2, 3, 4]));
        assert_eq!(sources(&a, "1.1"), teachers(&[1, 4]));
        assert_eq!(sources(&a, "1.2"), teachers(&[2]));
        assert_eq!(sources(&a, "1.3"), teachers(&[1]));
        assert_eq!(sources(&a, "1.4"), teachers(&[2]));
        assert_eq!(sources(&a, "1.5"), teachers(&[3]));
        assert_eq!(
            sources(&compute(Y, date!(2026 - 08 - 31), &facts), "1"),
            teachers(&[1, 2, 3, 4, 6]),
            "5 gone, 6 in"
        );
    }

    #[test]
    fn row_2_lists_every_meeting_of_the_year_in_date_order() {
        let m = |id, held_on, present, number| Meeting { id, number, held_on, present };
        let facts = Facts {
            meetings: vec![
                m(3, date!(2026 - 01 - 15), 12, Some(3)),
                m(1, date!(2025 - 09 - 01), 20, Some(1)),
                m(9, date!(2025 - 08 - 31), 99, None),
                m(2, date!(2025 - 11 - 10), 15, None),
                m(4, date!(2026 - 03 - 20), 11, Some(4)),
                m(5, date!(2026 - 08 - 31), 7, Some(5)),
            ],
            ..Facts::default()
        };
        let a = run(&facts);
        assert_eq!(value(&a, "2"), 5);
        let sub: Vec<(String, u32, Vec<Source>)> = a
            .indicators
            .iter()
            .filter(|i| i.code.starts_with("2."))
            .map(|i| (i.code.clone(), i.value, i.sources.clone()))
            .collect();
        let expected: Vec<(String, u32, Vec<Source>)> = [(1, 20, 1), (2, 15, 2), (3, 12, 3), (4, 11, 4), (5, 7, 5)]
            .into_iter()
            .map(|(k, v, id)| (format!("2.{k}"), v, vec![Source::Meeting(id)]))
            .collect();
        assert_eq!(sub, expected);
        assert_eq!(
            a.get("2.3").map(|i| i.label.as_str()),
            Some("количество участников заседания ММО №3 (протокол №3 от 15.01.2026)")
        );
        assert_eq!(a.get("2.2").map(|i| i.label.as_str()), Some("количество участников заседания ММО №2 (10.11.2025)"));
    }

    #[test]
    fn rows_3_and_4_count_distinct_teachers_with_courses_completed_in_the_year() {
        let c = |id, teacher_id, kind, finished_on| Course { id, teacher_id, kind, finished_on };
        let facts = Facts {
            members: members(&[1, 2, 3]),
            courses: vec![
                c(1, 1, CourseKind::AdvancedTraining, DAY),
                c(2, 1, CourseKind::AdvancedTraining, date!(2026 - 03 - 01)),
                c(3, 2, CourseKind::AdvancedTraining, date!(2025 - 08 - 31)),
                c(4, 2, CourseKind::Retraining, date!(2026 - 08 - 31)),
                c(5, 9, CourseKind::Retraining, DAY),
            ],
            ..Facts::default()
        };
        let a = run(&facts);
        assert_eq!(value(&a, "3"), 1);
        assert_eq!(sources(&a, "3"), teachers(&[1]));
        assert_eq!(a.get("3").map(|i| i.records.clone()), Some(vec![Source::Course(1), Source::Course(2)]));
        assert_eq!(sources(&a, "4"), teachers(&[2]));
        assert!(a.get("3.1").is_none(), "rows 3 and 4 have no sub-row");
    }

    #[test]
    fn row_5_counts_teachers_teaching_profile_classes() {
        let facts = Facts {
            members: members(&[1, 2]),
            teacher_results: vec![
                TeacherResult { level: None, format: None, ..own(1, 1, TeacherResultKind::ProfileTeaching) },
                own(2, 1, TeacherResultKind::ProfileTeaching),
                own(3, 2, TeacherResultKind::ProfileTeaching),
            ],
            ..Facts::default()
        };
        let a = run(&facts);
        assert_eq!(value(&a, "5"), 2);
        assert_eq!(sources(&a, "5"), teachers(&[1, 2]));
        assert_eq!(a.get("5").map(|i| i.records.clone()), Some(owns(&[1, 2, 3])));
    }

    #[test]
    fn rows_6_and_7_count_exam_scores_by_the_thresholds() {
        let s = |id, teacher_id, subject: &str, score| ExamScore {
            id,
            teacher_id,
            subject: subject.into(),
            score,
            on: date!(2026 - 06 - 10),
            confirmed: true,
        };
        let facts = Facts {
            members: members(&[1, 2, 3]),
            thresholds: ege_thresholds(),
            exam_scores: vec![
                s(1, 1, "russian", 81),
                s(2, 1, "russian", 95),
                s(3, 1, "mathematics_profile", 100),
                s(4, 2, "russian", 80),
                s(5, 2, "russian", 23),
                s(6, 3, "russian", 24),
                s(7, 3, "physics", 35),
                s(8, 3, "astrology", 100),
            ],
            ..Facts::default()
        };
        let a = run(&facts);
        assert_eq!((value(&a, "6"), value(&a, "6.1")), (1, 3));
        assert_eq!(sources(&a, "6"), teachers(&[1]));
        assert_eq!(sources(&a, "6.1"), vec![Source::ExamScore(1), Source::ExamScore(2), Source::ExamScore(3)]);
        assert_eq!((value(&a, "7"), value(&a, "7.1")), (2, 2));
        assert_eq!(sources(&a, "7"), teachers(&[2, 3]));
        assert_eq!(sources(&a, "7.1"), vec![Source::ExamScore(5), Source::ExamScore(7)]);
        assert_eq!(exam_row("astrology", 100, &facts.thresholds), None);
    }

    #[test]
    fn rows_8_to_10_take_vsosh_only_in_any_format() {
        use Level::*;
        use Placement::*;
        let facts = Facts {
            members: members(&[1, 2, 3]),
            student_results: vec![
                StudentResult { format: Format::Remote, ..student(1, &[1], StudentEvent::Vsosh, Municipal, Winner) },
                student(2, &[2], StudentEvent::Vsosh, Regional, Winner),
                student(3, &[3], StudentEvent::Vsosh, Regional, PrizeWinner),
                // Not ВсОШ: rows 16, 14, 15, never 8–10.
                olympiad(4, &[1], Municipal, Winner),
                student(5, &[2], StudentEvent::Contest, Regional, Winner),
                student(6, &[3], StudentEvent::Competition, Regional, PrizeWinner),
            ],
            ..Facts::default()
        };
        let a = run(&facts);
        assert_eq!(
            student_rows(&a),
            pairs(&[
                ("8", 1),
                ("8.1", 1),
                ("9", 1),
                ("9.1", 1),
                ("10", 1),
                ("10.1", 1),
                ("14", 1),
                ("14.1", 1),
                ("15", 1),
                ("15.1", 1),
                ("16", 1),
                ("16.1", 1)
            ])
        );
        assert_eq!(sources(&a, "8.1"), students(&[1]));
        assert_eq!(sources(&a, "9"), teachers(&[2]));
        assert_eq!(sources(&a, "10.1"), students(&[3]));
        assert_eq!(sources(&a, "16.1"), students(&[4]));
        assert_eq!(sources(&a, "14.1"), students(&[5]));
        assert_eq!(sources(&a, "15.1"), students(&[6]));
    }

    #[test]
    fn vsosh_results_rows_8_to_10_do_not_take_go_by_level_and_placement() {
        use Level::*;
        use Placement::*;
        let v = |p, l| student_row(StudentEvent::Vsosh, l, p, Format::InPerson);
        assert_eq!(v(PrizeWinner, Municipal), Some(17), "municipal-stage prize-winner");
        assert_eq!(v(Winner, AllRussian), Some(11), "final-stage winner");
        assert_eq!(v(PrizeWinner, AllRussian), Some(12), "final-stage prize-winner");
        assert_eq!(v(Participant, AllRussian), Some(13), "final-stage participant");
        assert_eq!(v(Participant, Regional), None);
        assert_eq!(v(Participant, Municipal), None);
        assert_eq!(v(Winner, School), None);
        assert_eq!(
            student_row(StudentEvent::Vsosh, Municipal, PrizeWinner, Format::Remote),
            None,
            "remote: 11–17 are in-person"
        );
        let facts = Facts {
            members: members(&[1]),
            student_results: vec![
                student(1, &[1], StudentEvent::Vsosh, Municipal, PrizeWinner),
                student(2, &[1], StudentEvent::Vsosh, AllRussian, Winner),
            ],
            ..Facts::default()
        };
        let a = run(&facts);
        assert_eq!(student_rows(&a), pairs(&[("11", 1), ("11.1", 1), ("17", 1), ("17.1", 1)]));
        assert_eq!(sources(&a, "11.1"), students(&[2]));
        assert_eq!(sources(&a, "17.1"), students(&[1]));
    }

    #[test]
    fn one_teacher_with_three_winners_is_one_teacher_and_three_winners() {
        let facts = Facts {
            members: members(&[1]),
            student_results: (1..=3).map(|id| olympiad(id, &[1], Level::Regional, Placement::Winner)).collect(),
            ..Facts::default()
        };
        let a = run(&facts);
        assert_eq!((value(&a, "14"), value(&a, "14.1")), (1, 3));
        assert_eq!(sources(&a, "14"), teachers(&[1]));
        assert_eq!(sources(&a, "14.1"), students(&[1, 2, 3]));
        assert_eq!(a.get("14").map(|i| i.records.clone()), Some(students(&[1, 2, 3])));
    }

    #[test]
    fn a_result_prepared_by_two_teachers_counts_once_and_for_each_teacher() {
        let facts = Facts {
            members: members(&[1, 2]),
            student_results: vec![olympiad(1, &[1, 2], Level::Municipal, Placement::PrizeWinner)],
            ..Facts::default()
        };
        let a = run(&facts);
        assert_eq!((value(&a, "17"), value(&a, "17.1")), (2, 1));
        assert_eq!(sources(&a, "17"), teachers(&[1, 2]));
        assert_eq!(sources(&a, "17.1"), students(&[1]));
    }

    #[test]
    fn records_of_one_student_result_entered_by_each_teacher_count_once() {
        let keyed = |id, teacher, key: &str| StudentResult {
            student_key: key.into(),
            ..olympiad(id, &[teacher], Level::Municipal, Placement::Winner)
        };
        let facts = Facts {
            members: members(&[1, 2]),
            student_results: vec![
                keyed(1, 1, "иванов иван|олимпиада по физике"),
                keyed(2, 2, "иванов иван|олимпиада по физике"),
                keyed(3, 2, "петров пётр|олимпиада по физике"),
                keyed(4, 2, ""),
                keyed(5, 2, " "),
            ],
            ..Facts::default()
        };
        let a = run(&facts);
        assert_eq!((value(&a, "16"), value(&a, "16.1")), (2, 4));
        assert_eq!(sources(&a, "16.1"), students(&[1, 2, 3, 4, 5]));
    }

    #[test]
    fn rows_11_to_23_count_in_person_results_only() {
        use Level::*;
        use Placement::*;
        let remote = |r: StudentResult| StudentResult { format: Format::Remote, ..r };
        let remote_own = |r: TeacherResult| TeacherResult { format: Some(Format::Remote), ..r };
        let facts = Facts {
            members: members(&[1]),
            student_results: vec![
                remote(olympiad(1, &[1], AllRussian, Winner)),
                remote(olympiad(2, &[1], AllRussian, PrizeWinner)),
                remote(olympiad(3, &[1], AllRussian, Participant)),
                remote(olympiad(4, &[1], Regional, Winner)),
                remote(olympiad(5, &[1], Regional, PrizeWinner)),
                remote(olympiad(6, &[1], Municipal, Winner)),
                remote(olympiad(7, &[1], Municipal, PrizeWinner)),
            ],
            teacher_results: vec![
                remote_own(competition(1, 1, Winner)),
                remote_own(competition(2, 1, Laureate)),
                remote_own(competition(3, 1, Participant)),
                remote_own(presentation(4, 1, Some(AllRussian), None)),
                remote_own(presentation(5, 1, Some(Regional), None)),
                remote_own(presentation(6, 1, Some(Municipal), Some(PresentationForm::PedagogicalReadings))),
                TeacherResult { format: None, ..competition(7, 1, Winner) },
                // Publications are not in rows 11–23: a remote one counts.
                remote_own(TeacherResult { level: Some(AllRussian), ..own(8, 1, TeacherResultKind::Publication) }),
            ],
            ..Facts::default()
        };
        let a = run(&facts);
        let counted: Vec<String> = a.indicators.iter().filter(|i| i.value > 0).map(|i| i.code.clone()).collect();
        assert_eq!(counted, ["1", "1.1", "1.3", "24", "24.1"]);
        assert!(a.apart.is_empty());
    }

    #[test]
    fn international_results_count_with_the_all_russian_ones() {
        use Level::International;
        let facts = Facts {
            members: members(&[1]),
            student_results: vec![
                olympiad(1, &[1], International, Placement::Winner),
                olympiad(2, &[1], International, Placement::PrizeWinner),
                student(3, &[1], StudentEvent::Conference, International, Placement::Participant),
            ],
            teacher_results: vec![
                presentation(4, 1, Some(International), Some(PresentationForm::MasterClass)),
                TeacherResult { level: Some(International), ..own(5, 1, TeacherResultKind::Publication) },
            ],
            ..Facts::default()
        };
        let a = run(&facts);
        assert_eq!(student_rows(&a), pairs(&[("11", 1), ("11.1", 1), ("12", 1), ("12.1", 1), ("13", 1), ("13.1", 1)]));
        assert_eq!(sources(&a, "13.1"), students(&[3]));
        assert_eq!(sources(&a, "21"), teachers(&[1]));
        assert_eq!(sources(&a, "24.1"), owns(&[5]));
    }

    #[test]
    fn participants_rows_13_and_20_take_participants_only_and_13_takes_conferences() {
        use Level::*;
        use Placement::*;
        let facts = Facts {
            members: members(&[1, 2, 3]),
            student_results: vec![
                student(1, &[1], StudentEvent::Conference, AllRussian, Participant),
                student(2, &[1], StudentEvent::Contest, AllRussian, Participant),
                olympiad(3, &[2], AllRussian, Winner),
                student(4, &[3], StudentEvent::Conference, AllRussian, Winner),
                olympiad(5, &[3], AllRussian, Finalist),
                // A participant below the all-Russian level is in no row.
                olympiad(6, &[2], Regional, Participant),
                olympiad(7, &[2], Municipal, Participant),
            ],
            teacher_results: vec![
                competition(1, 1, Participant),
                competition(2, 2, Winner),
                competition(3, 3, Finalist),
                TeacherResult { placement: None, ..competition(4, 3, Participant) },
            ],
            ..Facts::default()
        };
        let a = run(&facts);
        assert_eq!((value(&a, "13"), value(&a, "13.1")), (1, 2));
        assert_eq!(sources(&a, "13.1"), students(&[1, 2]));
        assert_eq!(sources(&a, "11.1"), students(&[3, 4]), "a conference winner is a winner (row 11)");
        assert_eq!(sources(&a, "20"), teachers(&[1]));
        assert_eq!(a.get("20").map(|i| i.records.clone()), Some(owns(&[1])));
    }

    #[test]
    fn a_calendar_year_takes_january_to_december_and_the_list_of_the_academic_year_it_ends_in() {
        use Placement::*;
        let dated = |id, on| StudentResult { on, ..olympiad(id, &[1], Level::Municipal, Winner) };
        let facts = Facts {
            members: members(&[1]),
            student_results: vec![
                dated(1, date!(2024 - 12 - 31)),
                dated(2, date!(2025 - 01 - 01)),
                dated(3, date!(2025 - 08 - 31)),
                dated(4, date!(2025 - 09 - 01)),
                dated(5, date!(2025 - 12 - 31)),
                dated(6, date!(2026 - 01 - 01)),
            ],
            non_objective: vec![
                NonObjective { organization_id: 101, year: AcademicYear(2025) },
                NonObjective { organization_id: 101, year: AcademicYear(2024) },
            ],
            ..Facts::default()
        };
        let calendar = compute(Period::calendar(2025), date!(2026 - 01 - 01), &facts);
        assert_eq!((calendar.year, calendar.period), (2025, PlanPeriod::CalendarYear));
        assert_eq!(sources(&calendar, "16.1"), students(&[2, 3, 4, 5]), "1 January – 31 December");
        assert_eq!(value(&calendar, "29"), 1, "the list of 2025/2026, the academic year 31 December is in");
        let academic = compute(Y, ON, &facts);
        assert_eq!(sources(&academic, "16.1"), students(&[4, 5, 6]), "1 September – 31 August");
        assert_eq!(academic.covers(), Period::academic(2025));
        assert!(calendar.get("3").is_some_and(|i| i.label.ends_with("за календарный год")));
        assert!(academic.get("3").is_some_and(|i| i.label.ends_with("за учебный год")));
        // A member from 1 January is a member "as of 1 January" (row 1), with no record of 2025.
        let joined = Member { joined: date!(2026 - 01 - 01), ..member(2, 102) };
        let facts = Facts { members: vec![member(1, 101), joined], ..Facts::default() };
        assert_eq!(value(&compute(Period::calendar(2025), date!(2026 - 01 - 01), &facts), "1"), 2);
        let only_last_year =
            Facts { non_objective: vec![NonObjective { organization_id: 101, year: AcademicYear(2024) }], ..facts };
        assert_eq!(value(&compute(Period::calendar(2025), date!(2026 - 01 - 01), &only_last_year), "29"), 0);
    }

    #[test]
    fn seed_004_reports_for_both_years_as_of_1_january_and_1_july() {
        let seed_004 = [deadline(PlanPeriod::CalendarYear, 3, 1), deadline(PlanPeriod::AcademicYear, 7, 1)];
        let snapshots = [MonthDay { month: 1, day: 1 }, MonthDay { month: 7, day: 1 }];
        assert_eq!(periods(&seed_004), [PlanPeriod::AcademicYear, PlanPeriod::CalendarYear]);
        assert_eq!(periods(&[]), [PlanPeriod::AcademicYear]);
        assert_eq!(analysis_date_for(Period::academic(2025), &seed_004, &snapshots), date!(2026 - 07 - 01));
        assert_eq!(analysis_date_for(Period::calendar(2025), &seed_004, &snapshots), date!(2026 - 01 - 01));
        assert_eq!(analysis_date_for(Period::calendar(2025), &seed_004, &[]), date!(2025 - 12 - 31));
        assert_eq!(Period::calendar(2025).label_ru(), "2025 календарный год");
        assert_eq!(Period::academic(2025).label_ru(), "2025/2026 учебный год");
    }

    #[test]
    fn a_snapshot_frozen_before_periods_reads_as_the_academic_year() {
        let mut old =
            serde_json::to_value(compute(AcademicYear(2024), date!(2025 - 05 - 30), &Facts::default())).expect("json");
        old.as_object_mut().expect("an object").remove("period").expect("the period is written");
        assert_eq!(old["date"], "2025-05-30", "the date as ISO");
        old["date"] = serde_json::json!([2025, 150]);
        let a: Analysis = serde_json::from_value(old).expect("an old snapshot");
        assert_eq!(a.covers(), Period::academic(2024));
        assert_eq!(a.date, date!(2025 - 05 - 30), "the date as time wrote it before");
    }

    #[test]
    fn school_level_results_are_in_no_row() {
        use Placement::*;
        let facts = Facts {
            members: members(&[1]),
            student_results: vec![
                olympiad(1, &[1], Level::School, Winner),
                student(2, &[1], StudentEvent::Vsosh, Level::School, Winner),
            ],
            teacher_results: vec![
                presentation(3, 1, Some(Level::School), Some(PresentationForm::Seminar)),
                presentation(4, 1, None, None),
                TeacherResult { level: Some(Level::School), ..own(5, 1, TeacherResultKind::Publication) },
                TeacherResult { level: None, ..own(6, 1, TeacherResultKind::Publication) },
            ],
            ..Facts::default()
        };
        let a = run(&facts);
        let counted: Vec<String> = a.indicators.iter().filter(|i| i.value > 0).map(|i| i.code.clone()).collect();
        assert_eq!(counted, ["1", "1.1", "1.3"]);
    }

    #[test]
    fn a_students_laureate_is_a_prize_winner_and_a_finalist_is_in_no_row() {
        use Level::*;
        use Placement::*;
        let r = |l, p| student_row(StudentEvent::Contest, l, p, Format::InPerson);
        assert_eq!(
            [r(AllRussian, Laureate), r(Regional, Laureate), r(Municipal, Laureate)],
            [Some(12), Some(15), Some(17)]
        );
        assert_eq!([r(AllRussian, Finalist), r(Regional, Finalist), r(Municipal, Finalist)], [None, None, None]);
    }

    #[test]
    fn rows_14_to_17_by_level_and_placement() {
        use Level::*;
        use Placement::*;
        let facts = Facts {
            members: members(&[1, 2, 3, 4]),
            student_results: vec![
                olympiad(1, &[1], Regional, Winner),
                olympiad(2, &[1, 2], Regional, PrizeWinner),
                olympiad(3, &[3], Regional, PrizeWinner),
                olympiad(4, &[3], Municipal, Winner),
                olympiad(5, &[4], Municipal, Winner),
                olympiad(6, &[4], Municipal, PrizeWinner),
            ],
            ..Facts::default()
        };
        let a = run(&facts);
        assert_eq!(
            student_rows(&a),
            pairs(&[("14", 1), ("14.1", 1), ("15", 3), ("15.1", 2), ("16", 2), ("16.1", 2), ("17", 1), ("17.1", 1)])
        );
        assert_eq!(sources(&a, "15"), teachers(&[1, 2, 3]));
        assert_eq!(sources(&a, "16"), teachers(&[3, 4]));
    }

    #[test]
    fn the_academic_year_is_1_september_to_31_august_inclusive() {
        let at = |id, on| StudentResult { on, ..olympiad(id, &[1], Level::Municipal, Placement::Winner) };
        let facts = Facts {
            members: members(&[1]),
            student_results: vec![
                at(1, date!(2025 - 08 - 31)),
                at(2, date!(2025 - 09 - 01)),
                at(3, date!(2026 - 08 - 31)),
                at(4, date!(2026 - 09 - 01)),
            ],
            ..Facts::default()
        };
        assert_eq!(sources(&run(&facts), "16.1"), students(&[2, 3]));
        assert_eq!(sources(&compute(AcademicYear(2024), date!(2025 - 05 - 30), &facts), "16.1"), students(&[1]));
        assert_eq!(sources(&compute(AcademicYear(2026), date!(2027 - 05 - 30), &facts), "16.1"), students(&[4]));
    }

    #[test]
    fn a_result_counts_only_for_teachers_who_were_members_on_its_date() {
        let facts = Facts {
            members: vec![
                member(1, 10),
                Member { left: Some(date!(2025 - 10 - 01)), ..member(2, 10) },
                Member { joined: date!(2026 - 01 - 01), ..member(3, 10) },
                Member { left: Some(DAY), ..member(4, 10) },
            ],
            student_results: vec![
                olympiad(1, &[1, 2], Level::Regional, Placement::Winner),
                olympiad(2, &[2], Level::Regional, Placement::Winner),
                olympiad(3, &[3], Level::Regional, Placement::Winner),
                olympiad(4, &[4], Level::Regional, Placement::Winner),
                olympiad(5, &[7], Level::Regional, Placement::Winner),
                StudentResult { on: date!(2026 - 02 - 01), ..olympiad(6, &[3], Level::Regional, Placement::Winner) },
            ],
            teacher_results: vec![competition(1, 2, Placement::Winner), competition(2, 1, Placement::Winner)],
            ..Facts::default()
        };
        let a = run(&facts);
        assert_eq!(sources(&a, "14"), teachers(&[1, 3]));
        assert_eq!(sources(&a, "14.1"), students(&[1, 6]));
        assert_eq!(sources(&a, "18"), teachers(&[1]));
    }

    #[test]
    fn unconfirmed_results_are_counted_in_no_row_and_listed_apart() {
        let unconfirmed = |r: StudentResult| StudentResult { confirmed: false, ..r };
        let facts = Facts {
            members: members(&[1, 2]),
            thresholds: ege_thresholds(),
            exam_scores: vec![ExamScore {
                id: 1,
                teacher_id: 1,
                subject: "russian".into(),
                score: 90,
                on: date!(2026 - 06 - 10),
                confirmed: false,
            }],
            student_results: vec![
                unconfirmed(olympiad(1, &[1], Level::Regional, Placement::Winner)),
                olympiad(2, &[2], Level::Regional, Placement::Winner),
                // Would count nowhere even when confirmed: not listed apart.
                unconfirmed(olympiad(3, &[1], Level::School, Placement::Winner)),
                // By a non-member: not the association's.
                unconfirmed(olympiad(4, &[9], Level::Regional, Placement::Winner)),
                unconfirmed(student(5, &[1], StudentEvent::Vsosh, Level::Municipal, Placement::Winner)),
            ],
            teacher_results: vec![TeacherResult { confirmed: false, ..competition(6, 2, Placement::Winner) }],
            ..Facts::default()
        };
        let a = run(&facts);
        assert_eq!(sources(&a, "14"), teachers(&[2]));
        assert_eq!(sources(&a, "14.1"), students(&[2]));
        assert_eq!((value(&a, "6"), value(&a, "6.1"), value(&a, "8"), value(&a, "18")), (0, 0, 0, 0));
        let apart: Vec<(Source, &str)> = a.apart.iter().map(|x| (x.source, x.row.as_str())).collect();
        assert_eq!(
            apart,
            [
                (Source::ExamScore(1), "6"),
                (Source::StudentResult(5), "8"),
                (Source::StudentResult(1), "14"),
                (Source::TeacherResult(6), "18")
            ]
        );
    }

    #[test]
    fn rows_18_to_20_count_teachers_by_their_placement_in_professional_competitions() {
        use Placement::*;
        let facts = Facts {
            members: members(&[1, 2, 3, 4]),
            teacher_results: vec![
                competition(1, 1, Winner),
                TeacherResult { level: Some(Level::AllRussian), ..competition(2, 1, Winner) },
                competition(3, 2, Laureate),
                competition(4, 3, Finalist),
                competition(5, 4, PrizeWinner),
                competition(6, 4, Participant),
            ],
            ..Facts::default()
        };
        let a = run(&facts);
        assert_eq!(sources(&a, "18"), teachers(&[1]));
        assert_eq!(a.get("18").map(|i| i.records.clone()), Some(owns(&[1, 2])));
        assert_eq!(sources(&a, "19"), teachers(&[2, 3, 4]));
        assert_eq!(sources(&a, "20"), teachers(&[4]));
    }

    #[test]
    fn rows_21_to_23_count_teachers_who_presented_their_experience() {
        use Level::*;
        use PresentationForm::*;
        let facts = Facts {
            members: members(&[1, 2, 3, 4, 5, 6]),
            teacher_results: vec![
                presentation(1, 1, Some(AllRussian), Some(Conference)),
                presentation(2, 2, Some(Regional), Some(Seminar)),
                presentation(3, 3, Some(Municipal), Some(MasterClass)),
                presentation(4, 4, Some(Regional), Some(PedagogicalReadings)),
                presentation(5, 5, None, Some(AssociationMeeting)),
                presentation(6, 6, Some(Municipal), None),
                presentation(7, 6, Some(School), Some(Seminar)),
            ],
            ..Facts::default()
        };
        let a = run(&facts);
        assert_eq!(sources(&a, "21"), teachers(&[1]));
        assert_eq!(sources(&a, "22"), teachers(&[2]));
        assert_eq!(sources(&a, "23"), teachers(&[3, 4, 5, 6]));
        assert_eq!(a.get("23").map(|i| i.records.clone()), Some(owns(&[3, 4, 5, 6])));
    }

    #[test]
    fn rows_24_to_26_count_teachers_and_publications() {
        let publication = |id, teacher_id, level, key: Option<&str>| TeacherResult {
            level: Some(level),
            shared_key: key.map(str::to_owned),
            ..own(id, teacher_id, TeacherResultKind::Publication)
        };
        let facts = Facts {
            members: members(&[1, 2, 3]),
            teacher_results: vec![
                publication(1, 1, Level::AllRussian, None),
                publication(2, 1, Level::AllRussian, None),
                publication(3, 1, Level::AllRussian, None),
                // One article by two co-authors.
                publication(4, 2, Level::Regional, Some("doi:10.1/x")),
                publication(5, 3, Level::Regional, Some("doi:10.1/x")),
                publication(6, 3, Level::Municipal, None),
            ],
            ..Facts::default()
        };
        let a = run(&facts);
        assert_eq!((value(&a, "24"), value(&a, "24.1")), (1, 3));
        assert_eq!(sources(&a, "24.1"), owns(&[1, 2, 3]));
        assert_eq!((value(&a, "25"), value(&a, "25.1")), (2, 1));
        assert_eq!(sources(&a, "25"), teachers(&[2, 3]));
        assert_eq!(sources(&a, "25.1"), owns(&[4, 5]));
        assert_eq!((value(&a, "26"), value(&a, "26.1")), (1, 1));
    }

    #[test]
    fn row_27_1_counts_distinct_assessment_sets() {
        let set = |id, teacher_id, key: Option<&str>| TeacherResult {
            shared_key: key.map(str::to_owned),
            ..own(id, teacher_id, TeacherResultKind::AssessmentMaterials)
        };
        let facts = Facts {
            members: members(&[1, 2, 3]),
            teacher_results: vec![
                set(1, 1, Some("КИМ муниципальной олимпиады 7 кл.")),
                set(2, 2, Some("КИМ муниципальной олимпиады 7 кл.")),
                set(3, 3, Some("КИМ муниципальной олимпиады 7 кл.")),
                set(4, 1, Some("КИМ игры «Эрудит»")),
                set(5, 2, None),
            ],
            ..Facts::default()
        };
        let a = run(&facts);
        assert_eq!((value(&a, "27"), value(&a, "27.1")), (3, 3));
        assert_eq!(sources(&a, "27.1"), owns(&[1, 2, 3, 4, 5]));
        assert!(a.get("27.1").is_some_and(|i| i.label.contains("различные комплекты")));
    }

    #[test]
    fn row_28_1_counts_the_students_of_each_event_once() {
        let event = |id, teacher_id, key: Option<&str>, students| TeacherResult {
            shared_key: key.map(str::to_owned),
            students,
            ..own(id, teacher_id, TeacherResultKind::StudentEventOrganised)
        };
        let facts = Facts {
            members: members(&[1, 2, 3]),
            teacher_results: vec![
                event(1, 1, Some("игра-1"), Some(40)),
                event(2, 2, Some("игра-1"), Some(40)),
                event(3, 3, Some("игра-1"), Some(42)),
                event(4, 1, Some("конференция"), Some(25)),
                event(5, 2, None, Some(10)),
                event(6, 3, None, None),
            ],
            ..Facts::default()
        };
        let a = run(&facts);
        assert_eq!(value(&a, "28"), 3);
        assert_eq!(value(&a, "28.1"), 42 + 25 + 10);
        assert_eq!(sources(&a, "28.1"), owns(&[1, 2, 3, 4, 5, 6]));
    }

    #[test]
    fn row_29_counts_listed_organizations_where_members_work_on_the_date() {
        let listed = |organization_id, year| NonObjective { organization_id, year };
        let facts = Facts {
            members: vec![
                member(1, 10),
                member(2, 10),
                member(3, 20),
                member(4, 30),
                Member { left: Some(date!(2026 - 01 - 01)), ..member(5, 40) },
            ],
            non_objective: vec![listed(10, Y), listed(20, AcademicYear(2024)), listed(40, Y), listed(50, Y)],
            ..Facts::default()
        };
        let a = run(&facts);
        assert_eq!(value(&a, "29"), 1);
        assert_eq!(sources(&a, "29"), vec![Source::Organization(10)]);
    }

    #[test]
    fn every_row_of_the_form_is_there_in_order() {
        let m = |id, day| Meeting { id, number: None, held_on: day, present: 1 };
        let facts = Facts { meetings: vec![m(1, DAY), m(2, ON)], ..Facts::default() };
        let a = run(&facts);
        let codes: Vec<&str> = a.indicators.iter().map(|i| i.code.as_str()).collect();
        let mut expected = vec!["1", "1.1", "1.2", "1.3", "1.4", "1.5", "2", "2.1", "2.2", "3", "4", "5"];
        expected.extend([
            "6", "6.1", "7", "7.1", "8", "8.1", "9", "9.1", "10", "10.1", "11", "11.1", "12", "12.1", "13", "13.1",
            "14", "14.1", "15", "15.1", "16", "16.1", "17", "17.1", "18", "19", "20", "21", "22", "23", "24", "24.1",
            "25", "25.1", "26", "26.1", "27", "27.1", "28", "28.1", "29",
        ]);
        assert_eq!(codes, expected);
        assert!(a.indicators.iter().all(|i| !i.label.is_empty()));
        assert_eq!(
            a.get("11").map(|i| i.label.as_str()),
            Some(
                "количество педагогов, подготовивших победителей очных олимпиад, конкурсов, соревнований Всероссийского уровня"
            )
        );
        let json = serde_json::to_string(&a.get("2.1").map(|i| i.sources.clone())).unwrap_or_default();
        assert_eq!(json, r#"[{"kind":"meeting","id":1}]"#);
    }
}
