//! Calendar feeds in iCalendar (RFC 5545): events in the municipality's time zone, given as a
//! `VTIMEZONE` with its fixed offset (Russia keeps no daylight-saving time) under its IANA name.

use time::{Date, OffsetDateTime, PrimitiveDateTime};

use crate::time::LocalZone;

/// When an event happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    /// All day (a meeting without a start time, a deadline).
    Day(Date),
    /// Whole days, the first to the last (an event of several days).
    Days { first: Date, last: Date },
    /// From a local time, for so many minutes.
    At { start: PrimitiveDateTime, minutes: i64 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalEvent {
    /// Unique and stable for the thing it shows (`meeting-12@metoda`).
    pub uid: String,
    pub summary: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub url: Option<String>,
    pub when: When,
    pub cancelled: bool,
}

/// The IANA name of a Russian zone offset (minutes east of UTC).
pub fn iana(minutes: i64) -> Option<&'static str> {
    Some(match minutes {
        120 => "Europe/Kaliningrad",
        180 => "Europe/Moscow",
        240 => "Europe/Samara",
        300 => "Asia/Yekaterinburg",
        360 => "Asia/Omsk",
        420 => "Asia/Krasnoyarsk",
        480 => "Asia/Irkutsk",
        540 => "Asia/Yakutsk",
        600 => "Asia/Vladivostok",
        660 => "Asia/Magadan",
        720 => "Asia/Kamchatka",
        _ => return None,
    })
}

/// A text value escaped (RFC 5545 §3.3.11).
fn text(s: &str) -> String {
    s.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace("\r\n", "\\n").replace('\n', "\\n")
}

/// Appends a content line, folded at 75 octets (never inside a UTF-8 character), with CRLF.
fn line(out: &mut String, l: &str) {
    let mut width = 0;
    for ch in l.chars() {
        let n = ch.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += n;
    }
    out.push_str("\r\n");
}

fn date(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), u8::from(d.month()), d.day())
}

fn local(t: PrimitiveDateTime) -> String {
    format!("{}T{:02}{:02}{:02}", date(t.date()), t.hour(), t.minute(), t.second())
}

fn utc(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!("{}T{:02}{:02}{:02}Z", date(t.date()), t.hour(), t.minute(), t.second())
}

/// The feed: a calendar named `name` of `events`, in `zone`, made at `now`.
pub fn ics(name: &str, zone: LocalZone, events: &[CalEvent], now: OffsetDateTime) -> String {
    let mut out = String::new();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Metoda//Metoda calendar//RU",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        line(&mut out, l);
    }
    line(&mut out, &format!("X-WR-CALNAME:{}", text(name)));
    let minutes = zone.minutes();
    let tzid = iana(minutes)
        .map(str::to_owned)
        .unwrap_or_else(|| format!("UTC{:+03}:{:02}", minutes / 60, (minutes % 60).abs()));
    let offset = format!("{}{:02}{:02}", if minutes < 0 { '-' } else { '+' }, minutes.abs() / 60, minutes.abs() % 60);
    line(&mut out, &format!("X-WR-TIMEZONE:{tzid}"));
    for l in [
        "BEGIN:VTIMEZONE".to_owned(),
        format!("TZID:{tzid}"),
        "BEGIN:STANDARD".to_owned(),
        "DTSTART:19700101T000000".to_owned(),
        format!("TZOFFSETFROM:{offset}"),
        format!("TZOFFSETTO:{offset}"),
        format!("TZNAME:{}", &offset[..3]),
        "END:STANDARD".to_owned(),
        "END:VTIMEZONE".to_owned(),
    ] {
        line(&mut out, &l);
    }
    for e in events {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", e.uid));
        line(&mut out, &format!("DTSTAMP:{}", utc(now)));
        match &e.when {
            When::Day(d) => {
                line(&mut out, &format!("DTSTART;VALUE=DATE:{}", date(*d)));
                line(&mut out, &format!("DTEND;VALUE=DATE:{}", date(d.next_day().unwrap_or(*d))));
            }
            When::Days { first, last } => {
                line(&mut out, &format!("DTSTART;VALUE=DATE:{}", date(*first)));
                line(&mut out, &format!("DTEND;VALUE=DATE:{}", date(last.next_day().unwrap_or(*last))));
            }
            When::At { start, minutes } => {
                line(&mut out, &format!("DTSTART;TZID={tzid}:{}", local(*start)));
                line(&mut out, &format!("DTEND;TZID={tzid}:{}", local(*start + time::Duration::minutes(*minutes))));
            }
        }
        line(&mut out, &format!("SUMMARY:{}", text(&e.summary)));
        if let Some(d) = &e.description {
            line(&mut out, &format!("DESCRIPTION:{}", text(d)));
        }
        if let Some(l) = &e.location {
            line(&mut out, &format!("LOCATION:{}", text(l)));
        }
        if let Some(u) = &e.url {
            line(&mut out, &format!("URL:{u}"));
        }
        line(&mut out, if e.cancelled { "STATUS:CANCELLED" } else { "STATUS:CONFIRMED" });
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn a_feed_has_its_zone_escaped_text_and_folded_lines() {
        let e = CalEvent {
            uid: "meeting-1@metoda".into(),
            summary: "Заседание ММО учителей математики; вопрос 1, вопрос 2".into(),
            description: Some("Повестка:\n1. Итоги олимпиады".into()),
            location: None,
            url: Some("https://metoda.example.ru/meetings/1".into()),
            when: When::At { start: datetime!(2026-12-10 15:00), minutes: 90 },
            cancelled: false,
        };
        let day = CalEvent { uid: "d@metoda".into(), when: When::Day(date!(2027 - 05 - 30)), ..e.clone() };
        let s = ics("Метода", LocalZone::stored(420), &[e, day], datetime!(2026-12-03 12:00 UTC));
        assert!(s.contains("TZID:Asia/Krasnoyarsk\r\n") && s.contains("TZOFFSETTO:+0700\r\n"));
        assert!(s.contains(
            "DTSTART;TZID=Asia/Krasnoyarsk:20261210T150000\r\nDTEND;TZID=Asia/Krasnoyarsk:20261210T163000\r\n"
        ));
        assert!(s.contains("DTSTART;VALUE=DATE:20270530\r\nDTEND;VALUE=DATE:20270531\r\n"));
        assert!(s.contains("вопрос 1\\, вопрос 2") && s.contains("учителей математики\\;"));
        assert!(s.contains("Повестка:\\n1."));
        assert!(s.split("\r\n").all(|l| l.len() <= 75), "{s}");
        assert!(s.ends_with("END:VCALENDAR\r\n"));
    }
}
