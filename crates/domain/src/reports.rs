//! The yearly analysis as a report: its 24 sections (seed 002, appendix 1), its workflow (draft →
//! submitted → accepted, or returned with the authority's comment → resubmitted as a new version)
//! and its deadline by the profile (002 §3.4: 30 May; 004 §2.3: 1 July for the academic year and
//! 1 March to the region for the calendar year). The indicators are `crate::analysis`.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::analysis::Period;
use crate::profile::{AnalysisDeadline, AnalysisRecipient, PlanPeriod};

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Draft,
    Submitted,
    Accepted,
    /// Returned by the authority with a comment; the association corrects and resubmits.
    Returned,
}

coded!(ReportStatus {
    Draft => "draft", "черновик";
    Submitted => "submitted", "представлен";
    Accepted => "accepted", "принят";
    Returned => "returned", "возвращён на доработку";
});

/// What is done to a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportAction {
    /// The association head submits (a resubmission makes a new version).
    Submit,
    /// The authority accepts.
    Accept,
    /// The authority returns it with a comment.
    Return,
}

/// The next status, or why the action is not possible now.
pub fn transition(status: ReportStatus, action: ReportAction, comment: Option<&str>) -> Result<ReportStatus, String> {
    use ReportAction::*;
    use ReportStatus::*;
    match (status, action) {
        (Draft | Returned, Submit) => Ok(Submitted),
        (Submitted, Accept) => Ok(Accepted),
        (Submitted, Return) if comment.is_some_and(|c| !c.trim().is_empty()) => Ok(Returned),
        (Submitted, Return) => Err("Укажите, что нужно доработать: без комментария анализ не возвращают".into()),
        (Submitted, Submit) => Err("Анализ уже представлен и ждёт решения органа управления".into()),
        (Accepted, _) => Err("Анализ уже принят".into()),
        (Draft | Returned, Accept | Return) => Err("Анализ ещё не представлен".into()),
    }
}

/// The day a report for `year` is due by `deadline`: an academic year (1 Sep `year` – 31 Aug
/// `year + 1`) is reported in its own months (30 May, 1 July of `year + 1`); a calendar year is
/// reported after it ends (1 March of `year + 1`).
pub fn due_date(deadline: &AnalysisDeadline, year: i32) -> Option<Date> {
    let y = match deadline.period {
        PlanPeriod::AcademicYear if deadline.due.month >= 9 => year,
        PlanPeriod::AcademicYear | PlanPeriod::CalendarYear => year + 1,
    };
    Date::from_calendar_date(y, Month::try_from(deadline.due.month).ok()?, deadline.due.day).ok()
}

/// The profile's deadline for a report on `period`: the first of its `deadlines` for that kind of
/// year, one to the authority first (004: the academic year by 1 July to the authority, the
/// calendar year by 1 March to РУМО). None when the profile sets none for it.
pub fn deadline_of(deadlines: &[AnalysisDeadline], period: Period) -> Option<Date> {
    let d = deadlines
        .iter()
        .find(|d| d.recipient == AnalysisRecipient::Authority && d.period == period.kind)
        .or_else(|| deadlines.iter().find(|d| d.period == period.kind))?;
    due_date(d, period.year)
}

/// Whether the analyses of this kind of period go to the region's association rather than to the
/// authority (004 §2.3: the calendar year's, to РУМО): every deadline of the kind names it.
pub fn to_region(deadlines: &[AnalysisDeadline], kind: crate::profile::PlanPeriod) -> bool {
    deadlines.iter().any(|d| d.period == kind)
        && deadlines
            .iter()
            .filter(|d| d.period == kind)
            .all(|d| d.recipient == crate::profile::AnalysisRecipient::RegionalAssociation)
}

/// A submission after the day it was due is late.
pub fn is_late(submitted_on: Date, due: Option<Date>) -> bool {
    due.is_some_and(|d| submitted_on > d)
}

/// How a section of the analysis is filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// Filled from the data.
    Data,
    /// Data, plus the head's text on problems found and ways to solve them.
    DataAndText,
    /// The head's text only.
    Text,
}

/// The 24 sections of the analysis (seed 002, appendix 1, «структура анализа»).
pub const SECTIONS: [(u8, &str, SectionKind); 24] = [
    (
        1,
        "Общие сведения о составе ММО (количество педагогов, уровень образования, квалификационные категории)",
        SectionKind::Data,
    ),
    (2, "Тематики заседаний ММО", SectionKind::Data),
    (3, "Тематики пройденных КПК педагогами", SectionKind::Data),
    (4, "Тематики курсов переподготовки, пройденных педагогами", SectionKind::Data),
    (
        5,
        "Состояние предпрофильной подготовки и профильного обучения по курируемому направлению",
        SectionKind::DataAndText,
    ),
    (6, "Результаты подготовки обучающихся к ГИА; результаты муниципального этапа ВсОШ", SectionKind::DataAndText),
    (7, "Результаты регионального этапа ВсОШ", SectionKind::DataAndText),
    (
        8,
        "Результаты подготовки обучающихся к олимпиадам, конкурсам, конференциям, соревнованиям всероссийского уровня",
        SectionKind::DataAndText,
    ),
    (
        9,
        "Результаты подготовки обучающихся к олимпиадам, конкурсам, конференциям, соревнованиям регионального уровня",
        SectionKind::DataAndText,
    ),
    (
        10,
        "Результаты подготовки обучающихся к олимпиадам, конкурсам, конференциям, соревнованиям муниципального уровня",
        SectionKind::DataAndText,
    ),
    (11, "Результаты участия педагогов в профессиональных конкурсах", SectionKind::DataAndText),
    (12, "Результаты участия педагогов в мероприятиях всероссийского уровня", SectionKind::DataAndText),
    (13, "Результаты участия педагогов в мероприятиях регионального уровня", SectionKind::DataAndText),
    (14, "Результаты участия педагогов в мероприятиях муниципального уровня", SectionKind::DataAndText),
    (15, "Перечень публикаций (ссылки)", SectionKind::Data),
    (
        16,
        "Разработка контрольно-измерительных материалов для проведения муниципальных олимпиад, игр, конкурсов, конференций",
        SectionKind::Data,
    ),
    (
        17,
        "Результаты проведения олимпиад, конкурсов, соревнований, конференций муниципального уровня для обучающихся",
        SectionKind::DataAndText,
    ),
    (18, "Результаты подготовки к ВПР", SectionKind::DataAndText),
    (19, "Организация сетевого взаимодействия (организации, тематики взаимодействия)", SectionKind::Data),
    (20, "Организация взаимодействия с научными, методическими и другими центрами", SectionKind::Data),
    (21, "Тематики консультирования педагогов", SectionKind::Data),
    (22, "Перечень выявленных затруднений педагогов", SectionKind::Data),
    (23, "Перечень тем самообразования педагогов", SectionKind::Data),
    (24, "Предложения по повышению эффективности методической работы", SectionKind::Text),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::MonthDay;
    use time::macros::date;

    fn deadline(period: PlanPeriod, day: u8, month: u8) -> AnalysisDeadline {
        AnalysisDeadline {
            recipient: AnalysisRecipient::Authority,
            period,
            due: MonthDay::new(month, day).unwrap(),
            form: None,
        }
    }

    #[test]
    fn a_report_goes_draft_submitted_returned_resubmitted_accepted() {
        use ReportAction::*;
        use ReportStatus::*;
        let s = transition(Draft, Submit, None).unwrap();
        assert_eq!(s, Submitted);
        assert!(transition(s, Return, Some("  ")).is_err(), "a return needs a comment");
        let s = transition(s, Return, Some("Не заполнен раздел 6")).unwrap();
        assert_eq!(s, Returned);
        let s = transition(s, Submit, None).unwrap();
        assert_eq!(transition(s, Accept, None), Ok(Accepted));
        assert!(transition(Accepted, Submit, None).is_err());
        assert!(transition(Draft, Accept, None).is_err());
        assert!(transition(Submitted, Submit, None).is_err());
    }

    #[test]
    fn deadlines_fall_in_the_right_year() {
        // 002: by 30 May of the academic year 2025/26.
        let d = due_date(&deadline(PlanPeriod::AcademicYear, 30, 5), 2025);
        assert_eq!(d, Some(date!(2026 - 05 - 30)));
        // 004: 1 July for the academic year, 1 March of the next year for the calendar year.
        assert_eq!(due_date(&deadline(PlanPeriod::AcademicYear, 1, 7), 2025), Some(date!(2026 - 07 - 01)));
        assert_eq!(due_date(&deadline(PlanPeriod::CalendarYear, 1, 3), 2025), Some(date!(2026 - 03 - 01)));
        // A deadline in the autumn of an academic year falls in its first calendar year.
        assert_eq!(due_date(&deadline(PlanPeriod::AcademicYear, 25, 12), 2025), Some(date!(2025 - 12 - 25)));
        assert!(!is_late(date!(2026 - 05 - 30), d), "on the day is in time");
        assert!(is_late(date!(2026 - 05 - 31), d));
        assert!(!is_late(date!(2026 - 06 - 30), None), "no deadline, never late");
    }

    #[test]
    fn a_period_s_deadline_is_the_authority_s_first() {
        let to = |recipient, period, day, month| AnalysisDeadline { recipient, ..deadline(period, day, month) };
        // 004: the calendar year to РУМО by 1 March, the academic year to the authority by 1 July.
        let seed_004 = [
            to(AnalysisRecipient::RegionalAssociation, PlanPeriod::CalendarYear, 1, 3),
            to(AnalysisRecipient::RegionalAssociation, PlanPeriod::AcademicYear, 15, 7),
            to(AnalysisRecipient::Authority, PlanPeriod::AcademicYear, 1, 7),
        ];
        assert_eq!(deadline_of(&seed_004, Period::academic(2025)), Some(date!(2026 - 07 - 01)), "the authority's");
        assert_eq!(deadline_of(&seed_004, Period::calendar(2025)), Some(date!(2026 - 03 - 01)), "else the first");
        assert_eq!(deadline_of(&seed_004[2..], Period::calendar(2025)), None, "none for that year");
        assert_eq!(deadline_of(&[], Period::academic(2025)), None);
    }

    #[test]
    fn the_form_has_24_sections_in_order() {
        for (i, (n, title, _)) in SECTIONS.iter().enumerate() {
            assert_eq!(usize::from(*n), i + 1);
            assert!(!title.is_empty());
        }
        assert_eq!(SECTIONS[23].2, SectionKind::Text, "proposals are the head's text");
    }
}
