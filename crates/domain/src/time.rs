//! A municipality's time zone. Russia has kept no daylight-saving time since 2014, so a zone is a
//! fixed offset from UTC: one of the eleven Russian time zones. Timestamps are stored in UTC; the
//! zone turns them into the local date and time at the edges (pages, documents, deadlines).

use ::time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};
use serde::Serialize;

/// The eleven time zones of Russia: offset from UTC in minutes and the Russian name.
pub const RUSSIAN_ZONES: &[(i64, &str)] = &[
    (120, "Калининградское время (UTC+2)"),
    (180, "Московское время (UTC+3)"),
    (240, "Самарское время (UTC+4)"),
    (300, "Екатеринбургское время (UTC+5)"),
    (360, "Омское время (UTC+6)"),
    (420, "Красноярское время (UTC+7)"),
    (480, "Иркутское время (UTC+8)"),
    (540, "Якутское время (UTC+9)"),
    (600, "Владивостокское время (UTC+10)"),
    (660, "Магаданское время (UTC+11)"),
    (720, "Камчатское время (UTC+12)"),
];

/// A fixed offset from UTC, in minutes (UTC itself for places not tied to a municipality).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LocalZone {
    minutes: i64,
}

impl Default for LocalZone {
    /// Moscow time, the default of a new municipality.
    fn default() -> Self {
        LocalZone { minutes: 180 }
    }
}

impl LocalZone {
    /// UTC: where no municipality is involved.
    pub const UTC: LocalZone = LocalZone { minutes: 0 };
    /// Красноярское время (UTC+7): Томская область.
    pub const UTC7: LocalZone = LocalZone { minutes: 420 };

    /// One of the Russian zones by its offset in minutes.
    pub fn russian(minutes: i64) -> Option<LocalZone> {
        RUSSIAN_ZONES.iter().any(|(m, _)| *m == minutes).then_some(LocalZone { minutes })
    }

    /// A zone as stored; an unknown offset (only from a hand-edited database) is taken as it is
    /// when it is a valid offset, else as UTC.
    pub fn stored(minutes: i64) -> LocalZone {
        if (-23 * 60..=23 * 60).contains(&minutes) { LocalZone { minutes } } else { LocalZone::UTC }
    }

    pub fn minutes(self) -> i64 {
        self.minutes
    }

    /// The Russian name, e.g. «Красноярское время (UTC+7)».
    pub fn label_ru(self) -> String {
        RUSSIAN_ZONES.iter().find(|(m, _)| *m == self.minutes).map_or_else(
            || format!("UTC{:+}:{:02}", self.minutes / 60, (self.minutes % 60).abs()),
            |(_, l)| (*l).to_owned(),
        )
    }

    fn offset(self) -> UtcOffset {
        i32::try_from(self.minutes * 60)
            .ok()
            .and_then(|s| UtcOffset::from_whole_seconds(s).ok())
            .unwrap_or(UtcOffset::UTC)
    }

    /// The local date at the instant `now`.
    pub fn today(self, now: OffsetDateTime) -> Date {
        now.to_offset(self.offset()).date()
    }

    /// The instant a local day begins (its 00:00 here), for bounds on stored UTC timestamps.
    pub fn day_start(self, d: Date) -> OffsetDateTime {
        PrimitiveDateTime::new(d, ::time::Time::MIDNIGHT).assume_offset(self.offset()).to_offset(UtcOffset::UTC)
    }

    /// A stored UTC timestamp (RFC 3339) as local date and time; None when it is not a timestamp.
    pub fn local(self, stored: &str) -> Option<PrimitiveDateTime> {
        let t = OffsetDateTime::parse(stored.trim(), &::time::format_description::well_known::Rfc3339).ok()?;
        let l = t.to_offset(self.offset());
        Some(PrimitiveDateTime::new(l.date(), l.time()))
    }

    /// A stored UTC timestamp as a Russian reader expects it, local: `23.11.2026 18:59`. Text
    /// that is not a timestamp is returned as it is.
    pub fn format(self, stored: &str) -> String {
        let f = ::time::macros::format_description!("[day].[month].[year] [hour]:[minute]");
        self.local(stored).and_then(|l| l.format(f).ok()).unwrap_or_else(|| stored.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::time::macros::{date, datetime};

    #[test]
    fn a_local_day_in_utc7_begins_at_17_utc_the_day_before() {
        assert_eq!(LocalZone::UTC7.day_start(date!(2026 - 05 - 31)), datetime!(2026-05-30 17:00 UTC));
        assert_eq!(LocalZone::UTC.day_start(date!(2026 - 05 - 31)), datetime!(2026-05-31 00:00 UTC));
    }

    #[test]
    fn late_evening_utc_is_already_tomorrow_in_utc7() {
        let z = LocalZone::UTC7;
        assert_eq!(z.today(datetime!(2026-05-30 23:30 UTC)), date!(2026 - 05 - 31));
        assert_eq!(z.today(datetime!(2026-05-30 16:59 UTC)), date!(2026 - 05 - 30));
        assert_eq!(z.today(datetime!(2026-05-30 17:00 UTC)), date!(2026 - 05 - 31));
        assert_eq!(LocalZone::UTC.today(datetime!(2026-05-30 23:30 UTC)), date!(2026 - 05 - 30));
    }

    #[test]
    fn stored_times_show_local() {
        let z = LocalZone::UTC7;
        assert_eq!(z.format("2026-11-23T05:16:00.000000Z"), "23.11.2026 12:16");
        assert_eq!(z.format("2026-11-23T23:30:00Z"), "24.11.2026 06:30");
        assert_eq!(LocalZone::UTC.format("2026-11-23T05:16:00.000000Z"), "23.11.2026 05:16");
        assert_eq!(LocalZone::default().format("2026-11-23T05:16:00Z"), "23.11.2026 08:16");
        assert_eq!(z.format("не время"), "не время");
    }

    #[test]
    fn only_russian_zones() {
        assert_eq!(RUSSIAN_ZONES.len(), 11);
        assert_eq!(LocalZone::russian(420), Some(LocalZone::UTC7));
        assert_eq!(LocalZone::russian(0), None);
        assert_eq!(LocalZone::russian(210), None);
        assert_eq!(LocalZone::UTC7.label_ru(), "Красноярское время (UTC+7)");
    }
}
