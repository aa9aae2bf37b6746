//! The words of the yearly analysis (seed 002 §3.4 and appendix 1, «структура анализа»; DOMAIN.md
//! §4): the 24 sections prefilled from the records, the records behind every indicator in words,
//! the unconfirmed records listed apart. No IO: the store reads the records into an [`Input`],
//! [`compose`] turns it into a [`Composition`], the web shows it (and freezes it when the report
//! is submitted).
//!
//! Sections 19–21 (network partners, scientific and methodological centres, consultations) take
//! their records from [`Input::partners`], [`Input::science_centres`] and
//! [`Input::consultations`]; while nothing records them the lists are empty and the sections say
//! so ([`NOT_KEPT`]).

use time::Date;

use super::{Analysis, ExamScore, Facts, Meeting, Period, Source, compute};
use crate::meetings::initials;
use crate::reports::{SECTIONS, SectionKind};
use crate::results::{Level, Placement, StudentEvent, TeacherResultKind, subject_label};
use crate::teachers::{CourseKind, DifficultyKind};
use crate::values::{plural_ru, ru_date};

// ---------------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------------

/// A member's name as the words of the analysis give it (a teacher with several membership
/// periods may be listed more than once; the first is used).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeacherName {
    pub teacher_id: i64,
    pub full_name: String,
}

/// A course a member finished (rows 3, 4), with its title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseRecord {
    pub id: i64,
    pub teacher_id: i64,
    pub kind: CourseKind,
    pub title: String,
    pub finished_on: Date,
}

/// A student's result as the words name it: one record, however many teachers prepared the
/// student (rows 8–17, sections 6–10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentRecord {
    pub id: i64,
    pub teacher_ids: Vec<i64>,
    pub event: StudentEvent,
    pub title: Option<String>,
    pub subject: Option<String>,
    /// For ВсОШ, the stage.
    pub level: Level,
    pub placement: Placement,
    pub on: Date,
    pub confirmed: bool,
}

/// A teacher result as the words name it: one record with all its teachers (rows 5, 18–28,
/// sections 5, 11–17).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeacherRecord {
    pub id: i64,
    pub teacher_ids: Vec<i64>,
    pub kind: TeacherResultKind,
    pub title: String,
    pub level: Option<Level>,
    pub placement: Option<Placement>,
    /// Where it was published or held.
    pub outlet: Option<String>,
    pub url: Option<String>,
    /// The students of an organised event.
    pub students: Option<u32>,
    pub confirmed: bool,
}

/// An organization by its short name (row 29's sources).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationName {
    pub id: i64,
    pub name: String,
}

/// The records behind the indicators, with the names and titles the words need.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Records {
    pub teachers: Vec<TeacherName>,
    pub meetings: Vec<Meeting>,
    pub courses: Vec<CourseRecord>,
    pub exam_scores: Vec<ExamScore>,
    pub student_results: Vec<StudentRecord>,
    pub teacher_results: Vec<TeacherRecord>,
    pub organizations: Vec<OrganizationName>,
}

/// A question on the agenda of a meeting held in the period (section 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingTopic {
    pub held_on: Date,
    pub topic: String,
}

/// A course finished in the period by a teacher who was a member on the day it ended (sections 3
/// and 4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseTaken {
    pub kind: CourseKind,
    /// The teacher's full name.
    pub teacher: String,
    pub title: String,
    pub provider: Option<String>,
}

/// A professional difficulty recorded for a member (section 22).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DifficultyNote {
    /// The teacher's full name.
    pub teacher: String,
    /// The kind as stored: a [`DifficultyKind`] code, or `custom:<name>` for a kind the
    /// municipality's profile adds.
    pub kind: String,
    pub note: Option<String>,
}

/// A member's self-education topic (section 23).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelfEducation {
    /// The teacher's full name.
    pub teacher: String,
    pub topic: String,
}

/// Network interaction (сетевое взаимодействие, DOMAIN.md §1 `Partnership`): a partner
/// organization and the topic of the work with it (section 19; a scientific or methodological
/// centre, section 20).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partnership {
    pub partner: String,
    /// What the work with the partner is about (may be empty).
    pub topic: String,
}

/// A logged consultation (DOMAIN.md §1 `Consultation`): its topic, who asked, who answered
/// (section 21).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consultation {
    pub on: Date,
    pub topic: String,
    /// The full name of the teacher who asked.
    pub asked_by: Option<String>,
    /// The full name of who answered.
    pub answered_by: Option<String>,
}

/// The head's text of a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionText {
    pub section: u8,
    /// Empty: the section was written and emptied (no text).
    pub text: String,
}

/// Everything the analysis of an association for a period is composed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub period: Period,
    /// The day rows 1 and 29 are counted on ([`super::analysis_date_for`]).
    pub date: Date,
    /// What the indicators count.
    pub facts: Facts,
    /// The same records with the names and titles the words need.
    pub records: Records,
    /// Section 2, in date order.
    pub meeting_topics: Vec<MeetingTopic>,
    /// Sections 3 and 4, in the order they finished.
    pub courses_taken: Vec<CourseTaken>,
    /// Section 22.
    pub difficulties: Vec<DifficultyNote>,
    /// Section 23.
    pub self_education: Vec<SelfEducation>,
    /// Section 19: network partners (none recorded yet).
    pub partners: Vec<Partnership>,
    /// Section 20: scientific, methodological and other centres (none recorded yet).
    pub science_centres: Vec<Partnership>,
    /// Section 21: consultations (none recorded yet).
    pub consultations: Vec<Consultation>,
    /// The head's texts.
    pub texts: Vec<SectionText>,
}

impl Input {
    /// An input with no records: the indicators of an empty year, the sections empty.
    pub fn new(period: Period, date: Date) -> Input {
        Input {
            period,
            date,
            facts: Facts::default(),
            records: Records::default(),
            meeting_topics: vec![],
            courses_taken: vec![],
            difficulties: vec![],
            self_education: vec![],
            partners: vec![],
            science_centres: vec![],
            consultations: vec![],
            texts: vec![],
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

/// One of the 24 sections, composed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposedSection {
    pub number: u8,
    pub title: &'static str,
    pub kind: SectionKind,
    /// What the data says.
    pub lines: Vec<String>,
    /// The head's text (none when not written or emptied).
    pub text: Option<String>,
}

/// The analysis composed from the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composition {
    pub analysis: Analysis,
    /// For each indicator row, its sources in words (teachers' names, records).
    pub explained: Vec<Vec<String>>,
    /// The unconfirmed records shown apart, in words, with the row they would count in.
    pub apart: Vec<String>,
    pub sections: Vec<ComposedSection>,
}

/// What sections 19–21 say while nothing records them: a fact, not a promise (the head adds
/// what is known by hand in the document).
pub const NOT_KEPT: &str = "Эти сведения в системе не учитываются.";

// ---------------------------------------------------------------------------------------------
// Composition
// ---------------------------------------------------------------------------------------------

/// The analysis of the input: the indicators, every source in words, the 24 sections with the
/// head's texts.
pub fn compose(input: &Input) -> Composition {
    let analysis = compute(input.period, input.date, &input.facts);
    let r = &input.records;
    let explained = analysis.indicators.iter().map(|i| i.sources.iter().map(|s| describe(s, r)).collect()).collect();
    let apart = analysis.apart.iter().map(|x| format!("{} — строка {}", describe(&x.source, r), x.row)).collect();
    let sections = SECTIONS
        .iter()
        .map(|&(number, title, kind)| ComposedSection {
            number,
            title,
            kind,
            lines: section_lines(input, &analysis, number),
            // an emptied section keeps its row (and version) with an empty text
            text: input.texts.iter().find(|t| t.section == number && !t.text.is_empty()).map(|t| t.text.clone()),
        })
        .collect();
    Composition { analysis, explained, apart, sections }
}

/// What the data says in section `n`: what the records fill it with, then the results that
/// belong to it.
pub fn section_lines(input: &Input, analysis: &Analysis, n: u8) -> Vec<String> {
    let mut lines = match n {
        1 => composition_lines(analysis),
        2 => meeting_topic_lines(&input.meeting_topics),
        3 => course_lines(&input.courses_taken, CourseKind::AdvancedTraining),
        4 => course_lines(&input.courses_taken, CourseKind::Retraining),
        19 => partnership_lines(&input.partners),
        20 => partnership_lines(&input.science_centres),
        21 => consultation_lines(&input.consultations),
        22 => difficulty_lines(&input.difficulties),
        23 => self_education_lines(&input.self_education),
        _ => vec![],
    };
    lines.extend(result_lines(&input.records, n));
    if lines.is_empty() && matches!(n, 19..=21) {
        lines.push(NOT_KEPT.into());
    }
    lines
}

/// Section 1: the members on the analysis date by education and category (rows 1–1.5).
pub fn composition_lines(an: &Analysis) -> Vec<String> {
    let v = |code: &str| an.get(code).map_or(0, |i| i.value);
    vec![
        format!("Педагогов в объединении на {}: {}", ru_date(an.date), v("1")),
        format!("высшее образование — {}, среднее профессиональное — {}", v("1.1"), v("1.2")),
        format!(
            "высшая категория — {}, первая — {}, соответствие занимаемой должности — {}",
            v("1.3"),
            v("1.4"),
            v("1.5")
        ),
    ]
}

/// Section 2: «30.09.2025 — topic», in the order given.
pub fn meeting_topic_lines(topics: &[MeetingTopic]) -> Vec<String> {
    topics.iter().map(|t| format!("{} — {}", ru_date(t.held_on), t.topic)).collect()
}

/// Sections 3 (advanced training) and 4 (retraining): «title (provider) — Surname I. O.».
pub fn course_lines(courses: &[CourseTaken], kind: CourseKind) -> Vec<String> {
    courses
        .iter()
        .filter(|c| c.kind == kind)
        .map(|c| match &c.provider {
            Some(p) => format!("{} ({p}) — {}", c.title, initials(&c.teacher)),
            None => format!("{} — {}", c.title, initials(&c.teacher)),
        })
        .collect()
}

/// A stored difficulty kind in words: the label of a known kind, the name of a kind the profile
/// adds (`custom:<name>`), else the stored text itself.
pub fn difficulty_label(kind: &str) -> String {
    DifficultyKind::from_code(kind)
        .map(|k| k.label_ru().to_owned())
        .unwrap_or_else(|| kind.strip_prefix("custom:").unwrap_or(kind).to_owned())
}

/// Section 22: «Surname I. O. — kind: note».
pub fn difficulty_lines(notes: &[DifficultyNote]) -> Vec<String> {
    notes
        .iter()
        .map(|d| {
            let note = d.note.as_ref().map(|n| format!(": {n}")).unwrap_or_default();
            format!("{} — {}{note}", initials(&d.teacher), difficulty_label(&d.kind))
        })
        .collect()
}

/// Section 23: «Surname I. O. — «topic»».
pub fn self_education_lines(topics: &[SelfEducation]) -> Vec<String> {
    topics.iter().map(|t| format!("{} — «{}»", initials(&t.teacher), t.topic)).collect()
}

/// Sections 19 and 20: «partner — topic» (the partner alone when no topic is given).
pub fn partnership_lines(partners: &[Partnership]) -> Vec<String> {
    partners
        .iter()
        .map(|p| match p.topic.trim() {
            "" => p.partner.clone(),
            topic => format!("{} — {topic}", p.partner),
        })
        .collect()
}

/// Section 21: «date — topic — who asked (консультант — who answered)».
pub fn consultation_lines(consultations: &[Consultation]) -> Vec<String> {
    consultations
        .iter()
        .map(|c| {
            let asked = c.asked_by.as_deref().map(|a| format!(" — {}", initials(a))).unwrap_or_default();
            let answered =
                c.answered_by.as_deref().map(|a| format!(" (консультант — {})", initials(a))).unwrap_or_default();
            format!("{} — {}{asked}{answered}", ru_date(c.on), c.topic)
        })
        .collect()
}

/// A member's full name, or «педагог № id» for a teacher the records do not name.
fn name_of(r: &Records, id: i64) -> String {
    r.teachers.iter().find(|m| m.teacher_id == id).map_or_else(|| format!("педагог № {id}"), |m| m.full_name.clone())
}

/// An exam score in words: «72 балла».
fn points(score: u32) -> String {
    format!("{score} {}", plural_ru(i64::from(score), "балл", "балла", "баллов"))
}

/// Words for one source of a number (an indicator's sources, a record listed apart).
pub fn describe(src: &Source, r: &Records) -> String {
    let teachers = |ids: &[i64]| ids.iter().map(|t| initials(&name_of(r, *t))).collect::<Vec<_>>().join(", ");
    match *src {
        Source::Teacher(id) => name_of(r, id),
        Source::Meeting(id) => r.meetings.iter().find(|m| m.id == id).map_or_else(String::new, |m| match m.number {
            Some(n) => format!("заседание {} (протокол № {n}), присутствовали {}", ru_date(m.held_on), m.present),
            None => format!("заседание {}, присутствовали {}", ru_date(m.held_on), m.present),
        }),
        Source::Course(id) => r.courses.iter().find(|c| c.id == id).map_or_else(String::new, |c| {
            let kind = if c.kind == CourseKind::Retraining { "переподготовка" } else { "КПК" };
            format!("{} — {kind} «{}», {}", initials(&name_of(r, c.teacher_id)), c.title, ru_date(c.finished_on))
        }),
        Source::ExamScore(id) => r.exam_scores.iter().find(|e| e.id == id).map_or_else(String::new, |e| {
            format!("{} — ЕГЭ, {}: {}", initials(&name_of(r, e.teacher_id)), subject_label(&e.subject), points(e.score))
        }),
        Source::StudentResult(id) => r.student_results.iter().find(|s| s.id == id).map_or_else(String::new, |s| {
            let what = match s.event {
                StudentEvent::Vsosh => {
                    format!("ВсОШ, {} этап, {}", s.level.label_ru(), s.subject.clone().unwrap_or_default())
                }
                e => format!("{} «{}», {}", e.label_ru(), s.title.clone().unwrap_or_default(), s.level.label_ru()),
            };
            format!("{what} — {} ({}, {})", s.placement.label_ru(), ru_date(s.on), teachers(&s.teacher_ids))
        }),
        Source::TeacherResult(id) => r.teacher_results.iter().find(|t| t.id == id).map_or_else(String::new, |t| {
            let level = t.level.map(|l| format!(", {}", l.label_ru())).unwrap_or_default();
            let place = t.placement.map(|p| format!(" — {}", p.label_ru())).unwrap_or_default();
            format!("{} «{}»{level}{place} ({})", t.kind.label_ru(), t.title, teachers(&t.teacher_ids))
        }),
        Source::Organization(id) => r
            .organizations
            .iter()
            .find(|o| o.id == id)
            .map_or_else(|| format!("организация № {id}"), |o| o.name.clone()),
    }
}

/// The lines the results give section `section` (5–17; none for the others): every record of
/// the period, the unconfirmed ones marked, with the initials of the members who prepared it.
pub fn result_lines(r: &Records, section: u8) -> Vec<String> {
    let counted = |confirmed: bool| if confirmed { "" } else { " (не подтверждено)" };
    let teachers = |ids: &[i64]| {
        ids.iter()
            .filter_map(|t| r.teachers.iter().find(|m| m.teacher_id == *t).map(|m| initials(&m.full_name)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let students = |pred: &dyn Fn(&StudentRecord) -> bool| -> Vec<String> {
        r.student_results
            .iter()
            .filter(|s| pred(s))
            .map(|s| {
                let what = match s.event {
                    StudentEvent::Vsosh => {
                        format!("ВсОШ ({} этап), {}", s.level.label_ru(), s.subject.clone().unwrap_or_default())
                    }
                    e => format!("{} «{}»", e.label_ru(), s.title.clone().unwrap_or_default()),
                };
                format!("{what}: {} — {}{}", s.placement.label_ru(), teachers(&s.teacher_ids), counted(s.confirmed))
            })
            .collect()
    };
    let own = |kind: TeacherResultKind, level: Option<Level>| -> Vec<String> {
        r.teacher_results
            .iter()
            .filter(|t| t.kind == kind && (level.is_none() || t.level == level))
            .map(|t| {
                let place = t.placement.map(|p| format!(" — {}", p.label_ru())).unwrap_or_default();
                let outlet = t.outlet.as_ref().map(|o| format!(", {o}")).unwrap_or_default();
                let url = t.url.as_ref().map(|u| format!(" ({u})")).unwrap_or_default();
                format!("«{}»{outlet}{url}{place} — {}{}", t.title, teachers(&t.teacher_ids), counted(t.confirmed))
            })
            .collect()
    };
    let all_russian = |l: Level| matches!(l, Level::AllRussian | Level::International);
    match section {
        5 => own(TeacherResultKind::ProfileTeaching, None),
        6 => {
            let mut out: Vec<String> = r
                .exam_scores
                .iter()
                .map(|e| {
                    let who = r.teachers.iter().find(|m| m.teacher_id == e.teacher_id).map(|m| initials(&m.full_name));
                    format!(
                        "ЕГЭ, {}: {} — {}{}",
                        subject_label(&e.subject),
                        points(e.score),
                        who.unwrap_or_default(),
                        counted(e.confirmed)
                    )
                })
                .collect();
            out.extend(students(&|s| s.event == StudentEvent::Vsosh && s.level == Level::Municipal));
            out
        }
        7 => students(&|s| s.event == StudentEvent::Vsosh && s.level == Level::Regional),
        8 => students(&|s| all_russian(s.level)),
        9 => students(&|s| s.event != StudentEvent::Vsosh && s.level == Level::Regional),
        10 => students(&|s| s.event != StudentEvent::Vsosh && s.level == Level::Municipal),
        11 => own(TeacherResultKind::Competition, None),
        12 => {
            let mut v = own(TeacherResultKind::Presentation, Some(Level::AllRussian));
            v.extend(own(TeacherResultKind::Presentation, Some(Level::International)));
            v
        }
        13 => own(TeacherResultKind::Presentation, Some(Level::Regional)),
        14 => own(TeacherResultKind::Presentation, Some(Level::Municipal)),
        15 => own(TeacherResultKind::Publication, None),
        16 => own(TeacherResultKind::AssessmentMaterials, None),
        17 => r
            .teacher_results
            .iter()
            .filter(|t| t.kind == TeacherResultKind::StudentEventOrganised)
            .map(|t| {
                let n = t.students.map(|n| format!(", участников: {n}")).unwrap_or_default();
                format!("«{}»{n} — {}{}", t.title, teachers(&t.teacher_ids), counted(t.confirmed))
            })
            .collect(),
        _ => vec![],
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::analysis::{Member, StudentResult, TeacherResult};
    use crate::results::{Format, ege_thresholds};
    use crate::teachers::{AcademicYear, Category, Education};

    const DAY: Date = date!(2025 - 11 - 20);
    const ON: Date = date!(2026 - 05 - 30);

    fn name(teacher_id: i64, full_name: &str) -> TeacherName {
        TeacherName { teacher_id, full_name: full_name.into() }
    }

    fn names() -> Vec<TeacherName> {
        vec![name(1, "Иванова Анна Петровна"), name(2, "Петров Борис Ильич")]
    }

    fn student(id: i64, teacher_ids: &[i64], event: StudentEvent, level: Level, placement: Placement) -> StudentRecord {
        StudentRecord {
            id,
            teacher_ids: teacher_ids.to_vec(),
            event,
            title: Some(format!("Событие {id}")),
            subject: Some("математика".into()),
            level,
            placement,
            on: DAY,
            confirmed: true,
        }
    }

    fn own(id: i64, teacher_ids: &[i64], kind: TeacherResultKind, level: Option<Level>) -> TeacherRecord {
        TeacherRecord {
            id,
            teacher_ids: teacher_ids.to_vec(),
            kind,
            title: format!("Работа {id}"),
            level,
            placement: None,
            outlet: None,
            url: None,
            students: None,
            confirmed: true,
        }
    }

    fn records() -> Records {
        Records { teachers: names(), ..Records::default() }
    }

    #[test]
    fn every_source_is_described_by_the_names_and_titles_of_its_record() {
        let r = Records {
            teachers: names(),
            meetings: vec![
                Meeting { id: 1, number: Some(3), held_on: DAY, present: 12 },
                Meeting { id: 2, number: None, held_on: ON, present: 9 },
            ],
            courses: vec![
                CourseRecord {
                    id: 1,
                    teacher_id: 1,
                    kind: CourseKind::AdvancedTraining,
                    title: "ФГОС".into(),
                    finished_on: DAY,
                },
                CourseRecord {
                    id: 2,
                    teacher_id: 2,
                    kind: CourseKind::Retraining,
                    title: "Физика".into(),
                    finished_on: ON,
                },
            ],
            exam_scores: vec![ExamScore {
                id: 1,
                teacher_id: 2,
                subject: "russian".into(),
                score: 92,
                on: ON,
                confirmed: true,
            }],
            student_results: vec![
                student(1, &[1, 2], StudentEvent::Vsosh, Level::Municipal, Placement::Winner),
                student(2, &[1], StudentEvent::Contest, Level::Regional, Placement::PrizeWinner),
            ],
            teacher_results: vec![TeacherRecord {
                placement: Some(Placement::Laureate),
                ..own(1, &[2, 1], TeacherResultKind::Competition, Some(Level::Regional))
            }],
            organizations: vec![OrganizationName { id: 10, name: "МБОУ СОШ № 1".into() }],
        };
        let d = |s: Source| describe(&s, &r);
        assert_eq!(d(Source::Teacher(1)), "Иванова Анна Петровна");
        assert_eq!(d(Source::Teacher(9)), "педагог № 9", "a teacher the records do not name");
        assert_eq!(d(Source::Meeting(1)), "заседание 20.11.2025 (протокол № 3), присутствовали 12");
        assert_eq!(d(Source::Meeting(2)), "заседание 30.05.2026, присутствовали 9");
        assert_eq!(d(Source::Meeting(7)), "");
        assert_eq!(d(Source::Course(1)), "Иванова А. П. — КПК «ФГОС», 20.11.2025");
        assert_eq!(d(Source::Course(2)), "Петров Б. И. — переподготовка «Физика», 30.05.2026");
        assert_eq!(d(Source::ExamScore(1)), "Петров Б. И. — ЕГЭ, русский язык: 92 балла");
        assert_eq!(
            d(Source::StudentResult(1)),
            "ВсОШ, муниципальный этап, математика — победитель (20.11.2025, Иванова А. П., Петров Б. И.)"
        );
        assert_eq!(
            d(Source::StudentResult(2)),
            "конкурс «Событие 2», региональный — призёр (20.11.2025, Иванова А. П.)"
        );
        assert_eq!(
            d(Source::TeacherResult(1)),
            "профессиональный конкурс «Работа 1», региональный — лауреат (Петров Б. И., Иванова А. П.)"
        );
        assert_eq!(d(Source::Organization(10)), "МБОУ СОШ № 1");
        assert_eq!(d(Source::Organization(11)), "организация № 11");
    }

    #[test]
    fn student_results_go_to_sections_6_to_10_by_event_and_level() {
        use Level::*;
        use Placement::*;
        use StudentEvent::*;
        let r = Records {
            exam_scores: vec![ExamScore {
                id: 1,
                teacher_id: 1,
                subject: "russian".into(),
                score: 95,
                on: ON,
                confirmed: false,
            }],
            student_results: vec![
                student(1, &[1], Vsosh, Municipal, Winner),
                student(2, &[2], Vsosh, Regional, PrizeWinner),
                student(3, &[1, 2], Olympiad, AllRussian, Winner),
                student(4, &[1], Vsosh, AllRussian, Participant),
                student(5, &[2], Contest, International, Laureate),
                student(6, &[1], Conference, Regional, Winner),
                student(7, &[2], Olympiad, Municipal, PrizeWinner),
                student(8, &[1], Olympiad, School, Winner),
                StudentRecord { confirmed: false, ..student(9, &[1, 7], Competition, Municipal, Winner) },
            ],
            ..records()
        };
        assert_eq!(
            result_lines(&r, 6),
            [
                "ЕГЭ, русский язык: 95 баллов — Иванова А. П. (не подтверждено)",
                "ВсОШ (муниципальный этап), математика: победитель — Иванова А. П.",
            ]
        );
        assert_eq!(result_lines(&r, 7), ["ВсОШ (региональный этап), математика: призёр — Петров Б. И."]);
        assert_eq!(
            result_lines(&r, 8),
            [
                "олимпиада «Событие 3»: победитель — Иванова А. П., Петров Б. И.",
                "ВсОШ (всероссийский этап), математика: участник — Иванова А. П.",
                "конкурс «Событие 5»: лауреат — Петров Б. И.",
            ],
            "all-Russian and international, ВсОШ's final stage too"
        );
        assert_eq!(result_lines(&r, 9), ["конференция «Событие 6»: победитель — Иванова А. П."], "ВсОШ apart");
        assert_eq!(
            result_lines(&r, 10),
            [
                "олимпиада «Событие 7»: призёр — Петров Б. И.",
                // a teacher the records do not name is left out of the initials
                "соревнование «Событие 9»: победитель — Иванова А. П. (не подтверждено)",
            ]
        );
        assert!(result_lines(&r, 1).is_empty() && result_lines(&r, 18).is_empty());
    }

    #[test]
    fn teacher_results_go_to_sections_5_and_11_to_17_by_kind_and_level() {
        use TeacherResultKind::*;
        let r = Records {
            teacher_results: vec![
                own(1, &[1], ProfileTeaching, None),
                TeacherRecord {
                    placement: Some(Placement::Winner),
                    ..own(2, &[2], Competition, Some(Level::Regional))
                },
                own(3, &[1], Presentation, Some(Level::International)),
                own(4, &[2], Presentation, Some(Level::AllRussian)),
                own(5, &[1], Presentation, Some(Level::Regional)),
                own(6, &[2], Presentation, Some(Level::Municipal)),
                TeacherRecord {
                    outlet: Some("Вестник".into()),
                    url: Some("https://example.org/a".into()),
                    confirmed: false,
                    ..own(7, &[1, 2], Publication, Some(Level::Regional))
                },
                own(8, &[1], AssessmentMaterials, Some(Level::Municipal)),
                TeacherRecord { students: Some(46), ..own(9, &[1, 2], StudentEventOrganised, None) },
                own(10, &[2], StudentEventOrganised, None),
            ],
            ..records()
        };
        assert_eq!(result_lines(&r, 5), ["«Работа 1» — Иванова А. П."]);
        assert_eq!(result_lines(&r, 11), ["«Работа 2» — победитель — Петров Б. И."]);
        assert_eq!(
            result_lines(&r, 12),
            ["«Работа 4» — Петров Б. И.", "«Работа 3» — Иванова А. П."],
            "all-Russian first, then international"
        );
        assert_eq!(result_lines(&r, 13), ["«Работа 5» — Иванова А. П."]);
        assert_eq!(result_lines(&r, 14), ["«Работа 6» — Петров Б. И."]);
        assert_eq!(
            result_lines(&r, 15),
            ["«Работа 7», Вестник (https://example.org/a) — Иванова А. П., Петров Б. И. (не подтверждено)"]
        );
        assert_eq!(result_lines(&r, 16), ["«Работа 8» — Иванова А. П."]);
        assert_eq!(
            result_lines(&r, 17),
            ["«Работа 9», участников: 46 — Иванова А. П., Петров Б. И.", "«Работа 10» — Петров Б. И."]
        );
    }

    #[test]
    fn the_prefilled_sections_read_their_records() {
        let topics = [
            MeetingTopic { held_on: DAY, topic: "Анализ работы за прошлый год".into() },
            MeetingTopic { held_on: ON, topic: "Итоги года".into() },
        ];
        assert_eq!(
            meeting_topic_lines(&topics),
            ["20.11.2025 — Анализ работы за прошлый год", "30.05.2026 — Итоги года"]
        );
        let course = |kind, title: &str, provider: Option<&str>| CourseTaken {
            kind,
            teacher: "Иванова Анна Петровна".into(),
            title: title.into(),
            provider: provider.map(str::to_owned),
        };
        let courses = [
            course(CourseKind::AdvancedTraining, "ФГОС", Some("ТОИПКРО")),
            course(CourseKind::Retraining, "Физика", None),
            course(CourseKind::AdvancedTraining, "Цифровая школа", None),
        ];
        assert_eq!(
            course_lines(&courses, CourseKind::AdvancedTraining),
            ["ФГОС (ТОИПКРО) — Иванова А. П.", "Цифровая школа — Иванова А. П."]
        );
        assert_eq!(course_lines(&courses, CourseKind::Retraining), ["Физика — Иванова А. П."]);
        let note = |kind: &str, note: Option<&str>| DifficultyNote {
            teacher: "Петров Борис Ильич".into(),
            kind: kind.into(),
            note: note.map(str::to_owned),
        };
        assert_eq!(
            difficulty_lines(&[note("digital", Some("электронный журнал")), note("custom:наставничество", None)]),
            [
                "Петров Б. И. — цифровые (электронные ресурсы, дистанционное обучение): электронный журнал",
                "Петров Б. И. — наставничество",
            ]
        );
        assert_eq!(difficulty_label("что-то своё"), "что-то своё");
        assert_eq!(
            self_education_lines(&[SelfEducation {
                teacher: "Петров Борис Ильич".into(), topic: "Проекты".into()
            }]),
            ["Петров Б. И. — «Проекты»"]
        );
    }

    #[test]
    fn section_1_gives_the_composition_on_the_analysis_date() {
        let m = |teacher_id, education, category| Member {
            teacher_id,
            organization_id: 10,
            joined: date!(2020 - 09 - 01),
            left: None,
            education,
            category,
        };
        let facts = Facts {
            members: vec![
                m(1, Education::Higher, Category::Highest),
                m(2, Education::Higher, Category::First),
                m(3, Education::Vocational, Category::First),
                m(4, Education::Other, Category::Conformity),
                m(5, Education::Vocational, Category::None),
            ],
            ..Facts::default()
        };
        let an = compute(AcademicYear(2025), ON, &facts);
        assert_eq!(
            composition_lines(&an),
            [
                "Педагогов в объединении на 30.05.2026: 5",
                "высшее образование — 2, среднее профессиональное — 2",
                "высшая категория — 1, первая — 2, соответствие занимаемой должности — 1",
            ]
        );
    }

    #[test]
    fn sections_19_to_21_show_their_records_and_say_when_none_are_kept() {
        let empty = compose(&Input::new(Period::academic(2025), ON));
        for n in 19..=21usize {
            assert_eq!(empty.sections[n - 1].lines, [NOT_KEPT], "section {n}");
        }
        let input = Input {
            partners: vec![
                Partnership {
                    partner: "МБОУ «Гимназия № 2»".into(), topic: "сетевые курсы по физике".into()
                },
                Partnership { partner: "Детский технопарк".into(), topic: " ".into() },
            ],
            science_centres: vec![Partnership {
                partner: "ТОИПКРО".into(),
                topic: "методическое сопровождение наставничества".into(),
            }],
            consultations: vec![
                Consultation {
                    on: DAY,
                    topic: "Подготовка к аттестации".into(),
                    asked_by: Some("Петров Борис Ильич".into()),
                    answered_by: Some("Иванова Анна Петровна".into()),
                },
                Consultation {
                    on: ON, topic: "Рабочая программа".into(), asked_by: None, answered_by: None
                },
            ],
            ..Input::new(Period::academic(2025), ON)
        };
        let c = compose(&input);
        let lines = |n: usize| c.sections[n - 1].lines.clone();
        assert_eq!(lines(19), ["МБОУ «Гимназия № 2» — сетевые курсы по физике", "Детский технопарк"]);
        assert_eq!(lines(20), ["ТОИПКРО — методическое сопровождение наставничества"]);
        assert_eq!(
            lines(21),
            [
                "20.11.2025 — Подготовка к аттестации — Петров Б. И. (консультант — Иванова А. П.)",
                "30.05.2026 — Рабочая программа",
            ]
        );
        assert_eq!(lines(22), Vec::<String>::new(), "other sections stay empty");
    }

    #[test]
    fn the_composition_has_24_sections_the_head_s_texts_and_every_source_in_words() {
        let facts = Facts {
            members: vec![Member {
                teacher_id: 1,
                organization_id: 10,
                joined: date!(2020 - 09 - 01),
                left: None,
                education: Education::Higher,
                category: Category::Highest,
            }],
            thresholds: ege_thresholds(),
            student_results: vec![StudentResult {
                id: 1,
                teacher_ids: vec![1],
                event: StudentEvent::Olympiad,
                level: Level::Regional,
                placement: Placement::Winner,
                format: Format::InPerson,
                on: DAY,
                student_key: String::new(),
                confirmed: true,
            }],
            teacher_results: vec![TeacherResult {
                id: 2,
                teacher_id: 1,
                kind: TeacherResultKind::Publication,
                level: Some(Level::Municipal),
                placement: None,
                format: Some(Format::InPerson),
                form: None,
                on: DAY,
                shared_key: None,
                students: None,
                confirmed: false,
            }],
            ..Facts::default()
        };
        let input = Input {
            facts,
            records: Records {
                teachers: vec![name(1, "Иванова Анна Петровна")],
                student_results: vec![student(1, &[1], StudentEvent::Olympiad, Level::Regional, Placement::Winner)],
                teacher_results: vec![TeacherRecord {
                    confirmed: false,
                    ..own(2, &[1], TeacherResultKind::Publication, Some(Level::Municipal))
                }],
                ..Records::default()
            },
            meeting_topics: vec![MeetingTopic { held_on: DAY, topic: "Планирование".into() }],
            texts: vec![
                SectionText { section: 24, text: "Провести выездной семинар".into() },
                SectionText { section: 6, text: String::new() },
            ],
            ..Input::new(Period::academic(2025), ON)
        };
        let c = compose(&input);
        assert_eq!(c.sections.len(), 24);
        assert!(c.sections.iter().enumerate().all(|(i, s)| usize::from(s.number) == i + 1));
        assert_eq!(c.sections[0].lines[0], "Педагогов в объединении на 30.05.2026: 1");
        assert_eq!(c.sections[1].lines, ["20.11.2025 — Планирование"]);
        assert_eq!(c.sections[8].lines, ["олимпиада «Событие 1»: победитель — Иванова А. П."]);
        assert_eq!(c.sections[14].lines, ["«Работа 2» — Иванова А. П. (не подтверждено)"]);
        assert_eq!(c.sections[23].text.as_deref(), Some("Провести выездной семинар"));
        assert_eq!((c.sections[23].kind, c.sections[0].kind), (SectionKind::Text, SectionKind::Data));
        assert_eq!(c.sections[5].text, None, "an emptied text is no text");
        let row = |code: &str| c.analysis.indicators.iter().position(|i| i.code == code).unwrap_or(usize::MAX);
        assert_eq!(c.explained.len(), c.analysis.indicators.len());
        assert_eq!(c.explained[row("14")], ["Иванова Анна Петровна"]);
        assert_eq!(
            c.explained[row("14.1")],
            ["олимпиада «Событие 1», региональный — победитель (20.11.2025, Иванова А. П.)"]
        );
        assert_eq!(c.apart, ["публикация «Работа 2», муниципальный (Иванова А. П.) — строка 26"]);
    }
}
