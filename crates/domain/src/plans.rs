//! The yearly plan (000 §4.4, 002 §3.2, 003 §3.2, 004 §4.2): its items — direction of activity,
//! form of work, date or month, who is responsible, venue, audience, expected result — and how an
//! item is executed (done, moved, cancelled, with a reason).

use serde::{Deserialize, Serialize};
use time::Date;

use crate::values::{self, Errors, FieldError};

// The directions of activity every seed names (000 §3, 001 §4, 002 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Analytical,
    Informational,
    OrganizationalMethodical,
    Consultative,
}

coded!(Direction {
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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemData {
    pub title: String,
    pub direction: Direction,
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
        let direction = Direction::from_code(&self.direction);
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
            direction: direction.unwrap_or(Direction::OrganizationalMethodical),
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
}
