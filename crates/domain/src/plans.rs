//! The yearly plan (000 §4.4, 002 §3.2, 003 §3.2, 004 §4.2): its items — direction of activity,
//! form of work, date or month, who is responsible, venue, audience, expected result — and how an
//! item is executed (done, moved, cancelled, with a reason).

use serde::{Deserialize, Serialize};
use time::Date;

use crate::meetings::Evidence;
use crate::profile::PlanPeriod;
use crate::values::{self, Errors, FieldError};

/// The directions of activity every seed names (000 §3, 001 §4, 002 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityDirection {
    Analytical,
    Informational,
    OrganizationalMethodical,
    Consultative,
}

coded!(ActivityDirection {
    Analytical => "analytical", "аналитическая (экспертно-аналитическая)";
    Informational => "informational", "информационная";
    OrganizationalMethodical => "organizational_methodical", "организационно-методическая";
    Consultative => "consultative", "консультационная";
});

// The forms of work the seeds list (000 §3.3, 001 §4.5, 002 §4.3, 003 §3.4, 004 §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkForm {
    Meeting,
    Seminar,
    WorkshopSeminar,
    MasterClass,
    OpenLesson,
    RoundTable,
    Conference,
    PedagogicalReadings,
    Webinar,
    CreativeReport,
    BusinessGame,
    SubjectDecade,
    MutualVisits,
    Consultation,
    Contest,
    Olympiad,
    Festival,
    Monitoring,
    Other,
}

coded!(WorkForm {
    Meeting => "meeting", "заседание";
    Seminar => "seminar", "семинар";
    WorkshopSeminar => "workshop_seminar", "семинар-практикум";
    MasterClass => "master_class", "мастер-класс";
    OpenLesson => "open_lesson", "открытый урок (занятие)";
    RoundTable => "round_table", "круглый стол";
    Conference => "conference", "конференция";
    PedagogicalReadings => "pedagogical_readings", "педагогические чтения";
    Webinar => "webinar", "вебинар";
    CreativeReport => "creative_report", "творческий отчёт";
    BusinessGame => "business_game", "деловая игра";
    SubjectDecade => "subject_decade", "предметная декада";
    MutualVisits => "mutual_visits", "взаимопосещение уроков";
    Consultation => "consultation", "консультация";
    Contest => "contest", "конкурс";
    Olympiad => "olympiad", "олимпиада";
    Festival => "festival", "фестиваль";
    Monitoring => "monitoring", "мониторинг, анкетирование";
    Other => "other", "иное";
});

// How a plan item was executed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Planned,
    Done,
    Moved,
    Cancelled,
}

coded!(ItemStatus {
    Planned => "planned", "запланировано";
    Done => "done", "выполнено";
    Moved => "moved", "перенесено";
    Cancelled => "cancelled", "отменено";
});

// Where a plan stands on its approval path (`work_plans.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    /// A draft: its approval path is not finished.
    Draft,
    /// The last step of its approval path is taken; it changes only by amendments with a reason.
    Approved,
}

coded!(PlanStatus {
    Draft => "draft", "черновик";
    Approved => "approved", "утверждён";
});

/// The evidence an approval step was taken with is stored under its serde name
/// (`plan_steps.evidence`).
impl crate::Code for Evidence {
    fn all() -> &'static [Self] {
        &[
            Evidence::Draft,
            Evidence::MeetingDecision,
            Evidence::Order,
            Evidence::CabinetHead,
            Evidence::AuthorityHead,
            Evidence::Authority,
        ]
    }
    fn code(self) -> &'static str {
        match self {
            Evidence::Draft => "draft",
            Evidence::MeetingDecision => "meeting_decision",
            Evidence::Order => "order",
            Evidence::CabinetHead => "cabinet_head",
            Evidence::AuthorityHead => "authority_head",
            Evidence::Authority => "authority",
        }
    }
}

/// A plan item as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ItemInput {
    pub title: String,
    /// analytical | informational | organizational_methodical | consultative
    pub direction: String,
    /// meeting, seminar, master_class, … (see WorkForm)
    pub form: String,
    /// A date (ДД.ММ.ГГГГ or ГГГГ-ММ-ДД), or empty with a month.
    pub planned_on: String,
    /// 1–12 when only the month is planned.
    pub planned_month: String,
    pub responsible: String,
    pub venue_organization_id: Option<i64>,
    pub audience: String,
    pub expected_result: String,
    /// The version of the record the edit is based on; a save based on an older one is refused
    /// with 409. Left out: no check (and none for a new record).
    #[serde(deserialize_with = "crate::values::de_version")]
    pub version: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemData {
    pub title: String,
    pub direction: ActivityDirection,
    pub form: WorkForm,
    pub planned_on: Option<Date>,
    pub planned_month: Option<u8>,
    pub responsible: Option<String>,
    pub venue_organization_id: Option<i64>,
    pub audience: Option<String>,
    pub expected_result: Option<String>,
}

impl ItemInput {
    /// Validates an item of the plan whose year runs from `from` to `to` (inclusive).
    pub fn parse(&self, from: Date, to: Date) -> Result<ItemData, Vec<FieldError>> {
        let mut e = Errors::new();
        let title = e.take(values::required_text("title", "Содержание работы", &self.title, 500));
        let direction = ActivityDirection::from_code(&self.direction);
        if direction.is_none() {
            e.push(FieldError::new("direction", "Направление деятельности: выберите из списка"));
        }
        let form = WorkForm::from_code(&self.form);
        if form.is_none() {
            e.push(FieldError::new("form", "Форма работы: выберите из списка"));
        }
        let planned_on = if self.planned_on.trim().is_empty() {
            None
        } else {
            e.take(values::date("planned_on", "Срок", &self.planned_on))
        };
        if planned_on.is_some_and(|d| d < from || d > to) {
            e.push(FieldError::new(
                "planned_on",
                format!("Срок: дата должна быть в периоде плана ({} – {})", values::ru_date(from), values::ru_date(to)),
            ));
        }
        let planned_month = match self.planned_month.trim() {
            "" => None,
            m => match m.parse::<u8>() {
                Ok(v) if (1..=12).contains(&v) => Some(v),
                _ => {
                    e.push(FieldError::new("planned_month", "Месяц: число от 1 до 12"));
                    None
                }
            },
        };
        if planned_on.is_none() && planned_month.is_none() && self.planned_month.trim().is_empty() {
            e.push(FieldError::new("planned_on", "Срок: укажите дату или месяц"));
        }
        let responsible =
            e.take(values::optional_text("responsible", "Ответственные", &self.responsible, 300)).flatten();
        let audience =
            e.take(values::optional_text("audience", "Участники (аудитория)", &self.audience, 300)).flatten();
        let expected = e
            .take(values::optional_long_text("expected_result", "Ожидаемый результат", &self.expected_result, 2000))
            .flatten();
        e.finish(|| ItemData {
            title: title.unwrap_or_default(),
            direction: direction.unwrap_or(ActivityDirection::OrganizationalMethodical),
            form: form.unwrap_or(WorkForm::Other),
            planned_month: planned_month.or_else(|| planned_on.map(|d| d.month() as u8)),
            planned_on,
            responsible,
            venue_organization_id: self.venue_organization_id.filter(|v| *v > 0),
            audience,
            expected_result: expected,
        })
    }
}

/// A change of an item's execution, as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct StatusInput {
    /// done | moved | cancelled
    pub status: String,
    /// Why it was moved or cancelled (required for those).
    pub reason: String,
    /// The new date of a moved item.
    pub moved_to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusData {
    pub status: ItemStatus,
    pub reason: Option<String>,
    pub moved_to: Option<Date>,
}

impl StatusInput {
    pub fn parse(&self, to: Date) -> Result<StatusData, Vec<FieldError>> {
        let mut e = Errors::new();
        let status = ItemStatus::from_code(&self.status).filter(|s| *s != ItemStatus::Planned);
        if status.is_none() {
            e.push(FieldError::new("status", "Исполнение: выполнено, перенесено или отменено"));
        }
        let reason = e.take(values::optional_long_text("reason", "Причина", &self.reason, 1000)).flatten();
        if matches!(status, Some(ItemStatus::Moved | ItemStatus::Cancelled)) && reason.is_none() {
            e.push(FieldError::new("reason", "Причина: укажите, почему мероприятие перенесено или отменено"));
        }
        let moved_to = if status == Some(ItemStatus::Moved) {
            let d = e.take(values::date("moved_to", "Новый срок", &self.moved_to));
            if d.is_some_and(|d| d > to) {
                e.push(FieldError::new(
                    "moved_to",
                    "Новый срок: за пределами периода плана — внесите мероприятие в план следующего года",
                ));
            }
            d
        } else {
            None
        };
        e.finish(|| StatusData { status: status.unwrap_or(ItemStatus::Done), reason, moved_to })
    }
}

/// The months of the year by name (nominative), as plans head their sections.
const MONTHS: [&str; 12] = [
    "Январь",
    "Февраль",
    "Март",
    "Апрель",
    "Май",
    "Июнь",
    "Июль",
    "Август",
    "Сентябрь",
    "Октябрь",
    "Ноябрь",
    "Декабрь",
];

/// «Сентябрь» for 9; "" for a number that is not a month.
pub fn month_label(month: u8) -> &'static str {
    MONTHS.get(usize::from(month).wrapping_sub(1)).copied().unwrap_or("")
}

/// The months of a plan year in order: September to August for an academic year, January to
/// December for a calendar year.
pub fn months_of(period: PlanPeriod) -> [u8; 12] {
    let first = match period {
        PlanPeriod::AcademicYear => 9,
        PlanPeriod::CalendarYear => 1,
    };
    std::array::from_fn(|i| ((first - 1 + i as u8) % 12) + 1)
}

/// Where `month` stands in the plan year (0 = first month).
pub fn month_position(period: PlanPeriod, month: u8) -> usize {
    months_of(period).iter().position(|m| *m == month).unwrap_or(12)
}

/// The calendar year `month` falls in within the plan year `year` (named by the year it starts in).
pub fn calendar_year_of(period: PlanPeriod, year: i32, month: u8) -> i32 {
    match period {
        PlanPeriod::AcademicYear if month < 9 => year + 1,
        _ => year,
    }
}

/// Where an item of last year's plan goes in the plan of `year`: into the same month; an exact
/// date keeps its day in that month of the new year (a day the new year lacks, such as 29
/// February, or a date already moved out of its month, leaves the month alone).
pub fn carry_over(period: PlanPeriod, year: i32, planned_on: Option<Date>, month: u8) -> (Option<Date>, u8) {
    let date = planned_on.filter(|d| d.month() as u8 == month).and_then(|d| {
        let m = time::Month::try_from(month).ok()?;
        Date::from_calendar_date(calendar_year_of(period, year, month), m, d.day()).ok()
    });
    (date, month)
}

/// How a new plan is filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prefill {
    Empty,
    /// An item for every row of the association's cyclogram, in its month.
    Cyclogram,
    /// The items of last year's plan, in the same months, all planned again.
    PreviousYear,
}

coded!(Prefill {
    Empty => "empty", "пустой";
    Cyclogram => "cyclogram", "заполнить по циклограмме";
    PreviousYear => "previous_year", "копия плана прошлого года";
});

/// A new plan as asked for: the plan year (the year it starts in) and how to fill it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PlanInput {
    /// The year the plan year starts in (2026 for 2026/2027); empty: the current plan year.
    pub year: Option<i32>,
    /// empty | cyclogram | previous_year (default: empty)
    pub prefill: String,
}

impl PlanInput {
    /// The year (or `current` when none is given) and the way to fill the plan.
    pub fn parse(&self, current: i32) -> Result<(i32, Prefill), Vec<FieldError>> {
        let mut e = Errors::new();
        let year = self.year.unwrap_or(current);
        if !(2000..=2100).contains(&year) {
            e.push(FieldError::new("year", "Год плана: от 2000 до 2100"));
        }
        let prefill =
            if self.prefill.trim().is_empty() { Some(Prefill::Empty) } else { Prefill::from_code(&self.prefill) };
        if prefill.is_none() {
            e.push(FieldError::new("prefill", "Заполнение: пустой, по циклограмме или копия плана прошлого года"));
        }
        e.finish(|| (year, prefill.unwrap_or(Prefill::Empty)))
    }
}

/// Items of one month: how many there are and how they were executed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Progress {
    pub month: u8,
    pub total: u32,
    pub done: u32,
    pub moved: u32,
    pub cancelled: u32,
}

impl Progress {
    /// Items with no mark of execution yet.
    pub fn planned(&self) -> u32 {
        self.total - self.done - self.moved - self.cancelled
    }
    /// Per cent of the items done (0 when there are none).
    pub fn percent(&self) -> u32 {
        (self.done * 100).checked_div(self.total).unwrap_or(0)
    }
}

/// Execution of a plan by month in the order of its year (months without items are left out),
/// and the total (`month` 0).
pub fn progress(period: PlanPeriod, items: &[(Option<u8>, ItemStatus)]) -> (Vec<Progress>, Progress) {
    let mut by_month: Vec<Progress> =
        months_of(period).iter().map(|m| Progress { month: *m, ..Default::default() }).collect();
    let mut total = Progress::default();
    for (month, status) in items {
        let i = month.map_or(usize::MAX, |m| month_position(period, m));
        for p in by_month.get_mut(i).into_iter().chain(std::iter::once(&mut total)) {
            p.total += 1;
            match status {
                ItemStatus::Done => p.done += 1,
                ItemStatus::Moved => p.moved += 1,
                ItemStatus::Cancelled => p.cancelled += 1,
                ItemStatus::Planned => {}
            }
        }
    }
    by_month.retain(|p| p.total > 0);
    (by_month, total)
}

/// A row of the cyclogram, as typed: a recurring activity of every year in its month (001 §6.1).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CyclogramInput {
    /// 1–12.
    pub month: String,
    pub title: String,
    /// analytical | informational | organizational_methodical | consultative
    pub direction: String,
    /// meeting, seminar, master_class, … (see WorkForm)
    pub form: String,
    pub responsible: String,
    pub note: String,
    /// The version of the record the edit is based on; a save based on an older one is refused
    /// with 409. Left out: no check (and none for a new record).
    #[serde(deserialize_with = "crate::values::de_version")]
    pub version: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CyclogramData {
    pub month: u8,
    pub title: String,
    pub direction: ActivityDirection,
    pub form: WorkForm,
    pub responsible: Option<String>,
    pub note: Option<String>,
}

impl CyclogramInput {
    pub fn parse(&self) -> Result<CyclogramData, Vec<FieldError>> {
        let mut e = Errors::new();
        let month = match self.month.trim().parse::<u8>() {
            Ok(m) if (1..=12).contains(&m) => Some(m),
            _ => {
                e.push(FieldError::new("month", "Месяц: выберите из списка"));
                None
            }
        };
        let title = e.take(values::required_text("title", "Содержание работы", &self.title, 500));
        let direction = ActivityDirection::from_code(&self.direction);
        if direction.is_none() {
            e.push(FieldError::new("direction", "Направление деятельности: выберите из списка"));
        }
        let form = WorkForm::from_code(&self.form);
        if form.is_none() {
            e.push(FieldError::new("form", "Форма работы: выберите из списка"));
        }
        let responsible =
            e.take(values::optional_text("responsible", "Ответственные", &self.responsible, 300)).flatten();
        let note = e.take(values::optional_long_text("note", "Примечание", &self.note, 1000)).flatten();
        e.finish(|| CyclogramData {
            month: month.unwrap_or(1),
            title: title.unwrap_or_default(),
            direction: direction.unwrap_or(ActivityDirection::OrganizationalMethodical),
            form: form.unwrap_or(WorkForm::Other),
            responsible,
            note,
        })
    }
}

impl CyclogramData {
    /// The plan item this row becomes in a new plan: the same activity in its month.
    pub fn item(&self) -> ItemData {
        ItemData {
            title: self.title.clone(),
            direction: self.direction,
            form: self.form,
            planned_on: None,
            planned_month: Some(self.month),
            responsible: self.responsible.clone(),
            venue_organization_id: None,
            audience: None,
            expected_result: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const FROM: Date = date!(2026 - 09 - 01);
    const TO: Date = date!(2027 - 08 - 31);

    #[test]
    fn an_item_needs_content_direction_form_and_a_term_in_the_year() {
        let ok = ItemInput {
            title: "Семинар-практикум «Функциональная грамотность»".into(),
            direction: "organizational_methodical".into(),
            form: "workshop_seminar".into(),
            planned_on: "15.10.2026".into(),
            ..Default::default()
        }
        .parse(FROM, TO)
        .unwrap();
        assert_eq!(ok.planned_month, Some(10), "the month follows the date");
        let by_month = ItemInput {
            planned_on: String::new(),
            planned_month: "3".into(),
            ..ItemInput {
                title: "x".into(),
                direction: "informational".into(),
                form: "webinar".into(),
                ..Default::default()
            }
        };
        assert_eq!(by_month.parse(FROM, TO).unwrap().planned_month, Some(3));
        let errs = ItemInput { planned_on: "01.09.2027".into(), ..Default::default() }.parse(FROM, TO).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "direction", "form", "planned_on"]);
        assert!(
            ItemInput {
                title: "x".into(),
                direction: "consultative".into(),
                form: "consultation".into(),
                ..Default::default()
            }
            .parse(FROM, TO)
            .unwrap_err()[0]
                .message
                .contains("дату или месяц")
        );
        assert_eq!(WorkForm::from_code("мастер-класс"), Some(WorkForm::MasterClass));
    }

    #[test]
    fn moving_or_cancelling_needs_a_reason() {
        assert!(StatusInput { status: "done".into(), ..Default::default() }.parse(TO).is_ok());
        let errs = StatusInput { status: "moved".into(), moved_to: "01.10.2027".into(), ..Default::default() }
            .parse(TO)
            .unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["reason", "moved_to"]);
        assert!(
            StatusInput { status: "cancelled".into(), reason: "карантин".into(), ..Default::default() }
                .parse(TO)
                .is_ok()
        );
        assert!(StatusInput { status: "planned".into(), ..Default::default() }.parse(TO).is_err());
    }
    #[test]
    fn months_go_in_the_order_of_the_plan_year() {
        assert_eq!(months_of(PlanPeriod::AcademicYear), [9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(months_of(PlanPeriod::CalendarYear), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        assert_eq!(month_label(9), "Сентябрь");
        assert_eq!(month_label(0), "");
        assert_eq!(month_label(13), "");
    }

    #[test]
    fn last_years_items_keep_their_month_and_day() {
        let ay = PlanPeriod::AcademicYear;
        assert_eq!(carry_over(ay, 2026, Some(date!(2025 - 10 - 15)), 10), (Some(date!(2026 - 10 - 15)), 10));
        assert_eq!(carry_over(ay, 2026, Some(date!(2026 - 03 - 05)), 3), (Some(date!(2027 - 03 - 05)), 3));
        assert_eq!(carry_over(ay, 2026, None, 3), (None, 3));
        // 29 February 2028 has no day in 2029: the month stays, the date goes.
        assert_eq!(carry_over(ay, 2028, Some(date!(2028 - 02 - 29)), 2), (None, 2));
        // A moved item's date left its month: the month of the plan counts.
        assert_eq!(carry_over(ay, 2026, Some(date!(2026 - 01 - 20)), 12), (None, 12));
        let cy = PlanPeriod::CalendarYear;
        assert_eq!(carry_over(cy, 2027, Some(date!(2026 - 11 - 02)), 11), (Some(date!(2027 - 11 - 02)), 11));
    }

    #[test]
    fn a_new_plan_is_for_a_sensible_year_and_filled_one_of_three_ways() {
        assert_eq!(PlanInput::default().parse(2026).unwrap(), (2026, Prefill::Empty));
        let p = PlanInput { year: Some(2027), prefill: "cyclogram".into() };
        assert_eq!(p.parse(2026).unwrap(), (2027, Prefill::Cyclogram));
        let p = PlanInput { year: Some(27), prefill: "всё".into() };
        let fields: Vec<String> = p.parse(2026).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["year", "prefill"]);
        assert_eq!(Prefill::from_code("копия плана прошлого года"), Some(Prefill::PreviousYear));
    }

    #[test]
    fn progress_is_counted_by_month_in_the_order_of_the_year() {
        use ItemStatus::*;
        let items = [(Some(1), Done), (Some(9), Done), (Some(9), Moved), (Some(9), Planned), (Some(1), Cancelled)];
        let (months, total) = progress(PlanPeriod::AcademicYear, &items);
        assert_eq!(months.iter().map(|p| p.month).collect::<Vec<_>>(), [9, 1]);
        assert_eq!((months[0].total, months[0].done, months[0].moved, months[0].planned()), (3, 1, 1, 1));
        assert_eq!((months[1].done, months[1].cancelled, months[1].percent()), (1, 1, 50));
        assert_eq!((total.total, total.done, total.percent()), (5, 2, 40));
        assert_eq!(progress(PlanPeriod::CalendarYear, &[]).1.percent(), 0);
    }

    /// The stored code of every enumeration of a plan is its serde name, so the audit trail's
    /// JSON of a record keeps the codes the columns hold.
    #[test]
    fn stored_codes_are_the_serde_names() {
        fn check<T: crate::Code + Serialize>() {
            for v in T::all() {
                assert_eq!(serde_json::to_value(v).unwrap(), serde_json::Value::from(v.code()));
            }
        }
        check::<ActivityDirection>();
        check::<WorkForm>();
        check::<ItemStatus>();
        check::<PlanStatus>();
        check::<Evidence>();
        check::<PlanPeriod>();
        check::<crate::profile::ApprovalStep>();
        assert_eq!(crate::from_stored::<PlanStatus>("approved"), Some(PlanStatus::Approved));
        assert_eq!(crate::from_stored::<Evidence>("meeting_decision"), Some(Evidence::MeetingDecision));
        assert_eq!(crate::from_stored::<PlanStatus>("утверждён"), None, "a label is not a stored code");
    }

    #[test]
    fn a_cyclogram_row_needs_a_month_content_direction_and_form() {
        let errs = CyclogramInput { month: "13".into(), ..Default::default() }.parse().unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["month", "title", "direction", "form"]);
        let row = CyclogramInput {
            month: "5".into(),
            title: "Анализ работы за год".into(),
            direction: "analytical".into(),
            form: "meeting".into(),
            note: "  ".into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!((row.month, row.note.clone()), (5, None));
        assert_eq!(row.item().planned_month, Some(5));
    }
}
