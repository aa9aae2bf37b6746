//! Notifications: what they are about, how each user wants them by e-mail, and the text of a
//! message (decision 0021).

use serde::Serialize;

/// What an in-app notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// A meeting of the member's association is planned.
    MeetingPlanned,
    /// The minutes of a meeting are signed by everyone and published.
    MinutesPublished,
    /// A task decided at a meeting is given to the member.
    ActionAssigned,
    /// Minutes wait for this signatory's signature.
    SignatureAwaited,
    /// An association's yearly analysis was submitted to the authority.
    AnalysisSubmitted,
    /// The authority returned the analysis for changes.
    AnalysisReturned,
    /// The authority accepted the analysis.
    AnalysisAccepted,
    /// A result of the teacher was confirmed.
    ResultConfirmed,
    /// A result of the teacher was rejected.
    ResultRejected,
    /// A plan's next approval step waits on this user.
    PlanStepAwaited,
    /// The deadline of the association's yearly analysis is a month or a week away.
    DeadlineApproaching,
    /// A teacher's qualification category expires within six months.
    CategoryExpiring,
    /// An event was announced to the teacher.
    EventAnnounced,
    /// An event the user registered for changed, or was cancelled.
    EventChanged,
    /// A place freed up: the user moved from the waiting list to the registered.
    RegistrationConfirmed,
}

coded!(NotificationKind {
    MeetingPlanned => "meeting_planned", "запланировано заседание";
    MinutesPublished => "minutes_published", "опубликован протокол";
    ActionAssigned => "action_assigned", "поручение";
    SignatureAwaited => "signature_awaited", "протокол ждёт подписи";
    AnalysisSubmitted => "analysis_submitted", "анализ сдан";
    AnalysisReturned => "analysis_returned", "анализ возвращён";
    AnalysisAccepted => "analysis_accepted", "анализ принят";
    ResultConfirmed => "result_confirmed", "результат подтверждён";
    ResultRejected => "result_rejected", "результат отклонён";
    PlanStepAwaited => "plan_step_awaited", "план ждёт шага";
    DeadlineApproaching => "deadline_approaching", "приближается срок";
    CategoryExpiring => "category_expiring", "истекает категория";
    EventAnnounced => "event_announced", "объявлено мероприятие";
    EventChanged => "event_changed", "мероприятие изменено";
    RegistrationConfirmed => "registration_confirmed", "регистрация подтверждена";
});

/// How notifications reach a user's mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EmailMode {
    /// A message for each notification, at once.
    #[default]
    Immediate,
    /// One message a day with the day's notifications.
    Digest,
    /// None: the notifications stay in Metoda.
    Off,
}

coded!(EmailMode {
    Immediate => "immediate", "сразу, отдельным письмом";
    Digest => "digest", "раз в день, одной сводкой";
    Off => "off", "не присылать";
});

/// The local hour after which the day's digest is made.
pub const DIGEST_HOUR: u8 = 7;

/// One notification in a message: its title, the page it leads to, when it came.
#[derive(Debug, Clone)]
pub struct Item {
    pub title: String,
    pub link: Option<String>,
    /// Local date and time, as shown («03.12.2026 09:15»).
    pub at: String,
}

/// A message ready to send: subject and plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub subject: String,
    pub body: String,
}

/// The message of one notification (`items` of one) or of a day's digest, to `name`. Links are
/// made absolute with `base` (the server's public address); every message ends with where to
/// change how notifications come.
pub fn letter(name: &str, items: &[Item], digest: bool, base: &str) -> Letter {
    let base = base.trim_end_matches('/');
    let mut body = format!("Здравствуйте, {name}!\n\n");
    let subject = match (digest, items) {
        (false, [one]) => {
            body.push_str(&format!("{}\n", one.title));
            if let Some(l) = &one.link {
                body.push_str(&format!("\nОткрыть в Методе: {base}{l}\n"));
            }
            format!("Метода: {}", one.title)
        }
        _ => {
            let count = notifications(items.len());
            body.push_str(&format!("Уведомления Методы за сутки — {count}:\n\n"));
            for i in items {
                body.push_str(&format!("— {} ({})\n", i.title, i.at));
                if let Some(l) = &i.link {
                    body.push_str(&format!("  {base}{l}\n"));
                }
            }
            format!("Метода: сводка за день, {count}")
        }
    };
    body.push_str(&format!(
        "\n—\nЭто письмо прислала Метода. Как присылать уведомления (сразу, раз в день или не присылать), \
         можно выбрать здесь: {base}/notifications/settings\n"
    ));
    Letter { subject, body }
}

/// «1 уведомление», «2 уведомления», «5 уведомлений».
fn notifications(n: usize) -> String {
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    format!("{n} {}", crate::values::plural_ru(n, "уведомление", "уведомления", "уведомлений"))
}

/// How many days ahead of an analysis deadline the head is reminded: a month, then a week.
pub const DEADLINE_REMINDERS: [i64; 2] = [30, 7];

/// The analysis periods whose deadline (by `deadlines`, [`crate::reports::deadline_of`]) is
/// `today` or within a month: (period, due date, the reminder due: 30 or 7 days ahead).
pub fn deadlines_ahead(
    deadlines: &[crate::profile::AnalysisDeadline],
    today: time::Date,
) -> Vec<(crate::analysis::Period, time::Date, i64)> {
    let mut out = vec![];
    for kind in [crate::profile::PlanPeriod::AcademicYear, crate::profile::PlanPeriod::CalendarYear] {
        for year in today.year() - 2..=today.year() {
            let period = crate::analysis::Period { kind, year };
            let Some(due) = crate::reports::deadline_of(deadlines, period) else { continue };
            let left = (due - today).whole_days();
            if (0..=DEADLINE_REMINDERS[0]).contains(&left) {
                let mark =
                    DEADLINE_REMINDERS.iter().copied().filter(|d| left <= *d).min().unwrap_or(DEADLINE_REMINDERS[0]);
                out.push((period, due, mark));
            }
        }
    }
    out
}

/// «через 5 дней», «через 1 день», «сегодня».
pub fn in_days(n: i64) -> String {
    match n {
        0 => "сегодня".into(),
        1 => "завтра".into(),
        n => format!("через {n} {}", crate::values::plural_ru(n, "день", "дня", "дней")),
    }
}

/// When to try again after `attempts` failed tries: 1 minute, then 5, 30, 2 hours, 12 hours;
/// None after the sixth failure (the message is given up).
pub fn retry_after(attempts: i64) -> Option<time::Duration> {
    match attempts {
        ..=1 => Some(time::Duration::minutes(1)),
        2 => Some(time::Duration::minutes(5)),
        3 => Some(time::Duration::minutes(30)),
        4 => Some(time::Duration::hours(2)),
        5 => Some(time::Duration::hours(12)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(t: &str) -> Item {
        Item { title: t.into(), link: Some("/meetings/5".into()), at: "03.12.2026 09:15".into() }
    }

    #[test]
    fn one_notification_makes_a_message_with_its_link_and_the_settings_link() {
        let l = letter(
            "Иванова Анна Петровна",
            &[item("Протокол ждёт вашей подписи")],
            false,
            "https://metoda.example.ru/",
        );
        assert_eq!(l.subject, "Метода: Протокол ждёт вашей подписи");
        assert!(l.body.starts_with("Здравствуйте, Иванова Анна Петровна!"));
        assert!(l.body.contains("Открыть в Методе: https://metoda.example.ru/meetings/5"));
        assert!(l.body.contains("https://metoda.example.ru/notifications/settings"));
    }

    #[test]
    fn a_digest_counts_its_notifications_in_russian() {
        let two = letter("А", &[item("Первое"), item("Второе")], true, "http://x");
        assert_eq!(two.subject, "Метода: сводка за день, 2 уведомления");
        assert!(two.body.contains("— Первое (03.12.2026 09:15)\n  http://x/meetings/5"));
        let five: Vec<Item> = (0..5).map(|i| item(&i.to_string())).collect();
        assert_eq!(letter("А", &five, true, "http://x").subject, "Метода: сводка за день, 5 уведомлений");
        let twenty_one: Vec<Item> = (0..21).map(|i| item(&i.to_string())).collect();
        assert_eq!(letter("А", &twenty_one, true, "http://x").subject, "Метода: сводка за день, 21 уведомление");
    }

    #[test]
    fn a_deadline_is_reminded_a_month_and_a_week_ahead() {
        use crate::profile::{AnalysisDeadline, AnalysisRecipient, MonthDay, PlanPeriod};
        let d = [AnalysisDeadline {
            period: PlanPeriod::AcademicYear,
            due: MonthDay { day: 30, month: 5 },
            recipient: AnalysisRecipient::Authority,
            form: None,
        }];
        let on = |m: time::Month, day: u8| time::Date::from_calendar_date(2026, m, day).unwrap();
        assert!(deadlines_ahead(&d, on(time::Month::April, 29)).is_empty(), "31 days ahead: not yet");
        let a = deadlines_ahead(&d, on(time::Month::April, 30));
        assert_eq!(a, vec![(crate::analysis::Period::academic(2025), on(time::Month::May, 30), 30)]);
        assert_eq!(deadlines_ahead(&d, on(time::Month::May, 23))[0].2, 7);
        assert_eq!(deadlines_ahead(&d, on(time::Month::May, 30))[0].2, 7, "the day itself");
        assert!(deadlines_ahead(&d, on(time::Month::May, 31)).is_empty(), "past");
        assert_eq!(in_days(5), "через 5 дней");
        assert_eq!(in_days(21), "через 21 день");
        assert_eq!(in_days(1), "завтра");
    }

    #[test]
    fn retries_back_off_and_stop() {
        assert_eq!(retry_after(1), Some(time::Duration::minutes(1)));
        assert_eq!(retry_after(5), Some(time::Duration::hours(12)));
        assert_eq!(retry_after(6), None);
    }
}
