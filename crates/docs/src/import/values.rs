//! Turning one cell into the text of one field: Excel dates to «ДД.ММ.ГГГГ», «стаж» in years to a
//! start date, yes/no words, and the usual spellings of education and category.
//!
//! Each function returns the text for `TeacherInput` and, when the cell could not be interpreted,
//! a Russian message for a `CellProblem` (the text then keeps the cell's raw value, so the caller's
//! validation reports it too). Field values are not validated here.

use calamine::{ExcelDateTime, ExcelDateTimeType};
use time::{Date, Month};

use super::Value;

/// A result: the field's text and, maybe, a problem with the cell.
pub(super) type Read = (String, Option<String>);

fn ok(s: impl Into<String>) -> Read {
    (s.into(), None)
}

/// Excel's serial day numbers cover 1900-01-01 … 9999-12-31.
const SERIAL_MIN: f64 = 1.0;
const SERIAL_END: f64 = 2_958_466.0;
/// More years of experience than this is not a number of years.
const MAX_EXPERIENCE_YEARS: f64 = 80.0;

/// The value as plain text: numbers without a spurious ".0", dates as «ДД.ММ.ГГГГ».
pub(super) fn plain(v: &Value) -> Read {
    match v {
        Value::Text(s) => ok(s.trim()),
        Value::Int(i) => ok(i.to_string()),
        Value::Float(f) => ok(float_text(*f)),
        Value::Bool(b) => ok(if *b { "да" } else { "нет" }),
        Value::DateTime(dt) => match excel_date(dt) {
            Ok(d) => ok(ru_date(d)),
            Err(msg) => (float_text(dt.as_f64()), Some(msg)),
        },
        Value::DateIso(s) => ok(iso_to_ru(s).unwrap_or_else(|| s.trim().to_string())),
        Value::Error(e) => (String::new(), Some(error_message(e))),
    }
}

fn error_message(e: &str) -> String {
    format!("В ячейке ошибка Excel ({e}); введите значение вместо неё")
}

fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { f.to_string() }
}

/// «15.03.1980».
pub(super) fn ru_date(d: Date) -> String {
    format!("{:02}.{:02}.{:04}", d.day(), d.month() as u8, d.year())
}

/// An Excel date serial (1900 or 1904 system, as the workbook says) as a date.
fn excel_date(dt: &ExcelDateTime) -> Result<Date, String> {
    if dt.is_duration() {
        return Err("Ожидалась дата, а в ячейке промежуток времени".into());
    }
    let v = dt.as_f64();
    if !(SERIAL_MIN..SERIAL_END).contains(&v) {
        return Err(format!("Не удалось распознать дату: число {} вне допустимого диапазона", float_text(v)));
    }
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    Month::try_from(m)
        .ok()
        .and_then(|month| Date::from_calendar_date(i32::from(y), month, d).ok())
        .ok_or_else(|| format!("Не удалось распознать дату: число {} не соответствует дате", float_text(v)))
}

/// A plain number in a date column, read as an Excel serial of the 1900 system.
fn serial_date(v: f64) -> Result<Date, String> {
    excel_date(&ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false))
}

/// "1980-03-15" or "1980-03-15T00:00:00" → "15.03.1980".
fn iso_to_ru(s: &str) -> Option<String> {
    let s = s.trim();
    let day = s.get(..10)?;
    let rest = s.get(10..)?;
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return None;
    }
    let mut parts = day.split('-');
    let y: i32 = parts.next()?.parse().ok()?;
    let m: u8 = parts.next()?.parse().ok()?;
    let d: u8 = parts.next()?.parse().ok()?;
    let date = Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()?;
    Some(ru_date(date))
}

/// Date text as typed, trimmed, with the clutter spreadsheets add removed:
/// "15.03.1980 0:00:00" → "15.03.1980", "15.03.1980 г." → "15.03.1980".
fn date_text(s: &str) -> String {
    let s = s.trim();
    if let Some(ru) = iso_to_ru(s) {
        return ru;
    }
    let mut words = s.split_whitespace();
    let (Some(first), rest) = (words.next(), words.collect::<Vec<_>>()) else {
        return String::new();
    };
    let clutter =
        |w: &str| w == "г." || w == "г" || (w.contains(':') && w.chars().all(|c| c.is_ascii_digit() || c == ':'));
    if !rest.is_empty() && rest.iter().all(|w| clutter(w)) {
        return first.trim_end_matches("г.").to_string();
    }
    s.trim_end_matches("г.").trim_end().to_string()
}

/// A date column: birth date, category dates.
pub(super) fn date(v: &Value) -> Read {
    match v {
        Value::Text(s) => ok(date_text(s)),
        Value::DateIso(s) => ok(iso_to_ru(s).unwrap_or_else(|| s.trim().to_string())),
        Value::DateTime(dt) => match excel_date(dt) {
            Ok(d) => ok(ru_date(d)),
            Err(msg) => (float_text(dt.as_f64()), Some(msg)),
        },
        Value::Int(i) => number_as_date(*i as f64),
        Value::Float(f) => number_as_date(*f),
        Value::Bool(b) => (plain(&Value::Bool(*b)).0, Some("Ожидалась дата, а в ячейке логическое значение".into())),
        Value::Error(e) => (String::new(), Some(error_message(e))),
    }
}

fn number_as_date(v: f64) -> Read {
    match serial_date(v) {
        Ok(d) => ok(ru_date(d)),
        Err(msg) => (float_text(v), Some(msg)),
    }
}

const YES: &[&str] =
    &["да", "д", "+", "1", "yes", "y", "true", "истина", "есть", "является", "мс", "молодой специалист"];
const NO: &[&str] = &["нет", "н", "-", "0", "no", "n", "false", "ложь", "не является", "—", "–"];

/// «Согласие на обработку ПД»: a date; «нет» is no consent; a bare «да» lacks the date.
pub(super) fn consent(v: &Value) -> Read {
    if let Value::Text(s) = v {
        let key = s.trim().to_lowercase();
        if NO.contains(&key.as_str()) {
            return ok("");
        }
        if YES.contains(&key.as_str()) || key == "получено" || key == "имеется" {
            return (String::new(), Some(format!("Укажите дату согласия (ДД.ММ.ГГГГ), а не отметку «{}»", s.trim())));
        }
    }
    if let Value::Bool(b) = v {
        return if *b {
            (String::new(), Some("Укажите дату согласия (ДД.ММ.ГГГГ), а не отметку «да»".into()))
        } else {
            ok("")
        };
    }
    date(v)
}

/// «Молодой специалист»: да/нет/1/0/+/-; empty is no.
pub(super) fn yes_no(v: &Value) -> (bool, Option<String>) {
    match v {
        Value::Bool(b) => (*b, None),
        Value::Int(1) => (true, None),
        Value::Int(0) => (false, None),
        Value::Float(f) if *f == 1.0 => (true, None),
        Value::Float(f) if *f == 0.0 => (false, None),
        Value::Text(s) => {
            let key = s.trim().to_lowercase().replace('ё', "е");
            let key = key.trim_end_matches('.');
            if key.is_empty() || NO.contains(&key) {
                (false, None)
            } else if YES.contains(&key) {
                (true, None)
            } else {
                (false, Some(format!("Не удалось понять «{}»: укажите «да» или «нет»", s.trim())))
            }
        }
        Value::Error(e) => (false, Some(error_message(e))),
        other => (false, Some(format!("Не удалось понять «{}»: укажите «да» или «нет»", plain(other).0))),
    }
}

/// «Год окончания»: a year; a date cell gives its year.
pub(super) fn year(v: &Value) -> Read {
    match v {
        Value::DateTime(dt) => match excel_date(dt) {
            Ok(d) => ok(d.year().to_string()),
            Err(msg) => (float_text(dt.as_f64()), Some(msg)),
        },
        Value::Text(s) => {
            let t = s.trim();
            let t = t.strip_suffix("г.").or_else(|| t.strip_suffix('г')).unwrap_or(t);
            ok(t.trim())
        }
        other => plain(other),
    }
}

/// «Стаж»: either the start date or a number of years ("12", "12,5", "12 лет", "12 лет 3 мес.",
/// an Excel number) counted back from `today`.
pub(super) fn experience(v: &Value, today: Date) -> Read {
    match v {
        Value::Int(i) => number_experience(*i as f64, today),
        Value::Float(f) => number_experience(*f, today),
        Value::Text(s) => match years_text(s) {
            Some(Ok(months)) => ok(ru_date(months_back(today, months))),
            Some(Err(msg)) => (s.trim().to_string(), Some(msg)),
            None => ok(date_text(s)),
        },
        other => date(other),
    }
}

fn number_experience(v: f64, today: Date) -> Read {
    if (0.0..=MAX_EXPERIENCE_YEARS).contains(&v) {
        ok(ru_date(months_back(today, (v * 12.0).round() as u32)))
    } else if v >= 1000.0 {
        number_as_date(v) // a date serial that lost its format
    } else {
        (float_text(v), Some(too_long_experience(&float_text(v))))
    }
}

fn too_long_experience(raw: &str) -> String {
    format!("Стаж «{raw}»: укажите дату начала стажа (ДД.ММ.ГГГГ) или число лет (не больше 80)")
}

/// Parses «12», «12,5», «12 лет», «1 год», «12 л. 3 мес.», «6 мес.» into months; `None` when the
/// text is not a number of years (then it is a date); `Some(Err)` when it is, but implausible.
fn years_text(s: &str) -> Option<Result<u32, String>> {
    let lower = s.trim().to_lowercase().replace(',', ".");
    let (first, rest) = leading_number(&lower)?;
    let rest = rest.trim_start();
    let (years, months_part) = if rest.is_empty() {
        (first, "")
    } else if rest.starts_with('л') || rest.starts_with('г') {
        // skip the word (лет, года, год, л., г.) and look for months after it
        let after = rest.trim_start_matches(|c: char| c.is_alphabetic() || c == '.').trim_start();
        (first, after)
    } else if rest.starts_with('м') {
        (0.0, lower.as_str()) // «6 мес.»: months only; parsed again below
    } else {
        return None;
    };
    let mut months = 0.0;
    if !months_part.is_empty() {
        let (m, tail) = leading_number(months_part)?;
        if !tail.trim_start().starts_with('м') {
            return None;
        }
        months = m;
    }
    if years > MAX_EXPERIENCE_YEARS || months > 1200.0 {
        return Some(Err(too_long_experience(s.trim())));
    }
    Some(Ok((years * 12.0 + months).round() as u32))
}

/// "12.5 лет" → (12.5, " лет"); a number with at most one decimal point.
fn leading_number(s: &str) -> Option<(f64, &str)> {
    let mut end = 0;
    let mut dots = 0;
    for (i, c) in s.char_indices() {
        if c.is_ascii_digit() {
            end = i + 1;
        } else if c == '.' && dots == 0 && end > 0 {
            dots += 1;
        } else {
            break;
        }
    }
    if end == 0 {
        return None;
    }
    let (num, rest) = s.split_at(end);
    // "01.09.2002": the second dot makes it a date, not years
    if rest.starts_with('.') && rest.chars().nth(1).is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    Some((num.parse().ok()?, rest))
}

/// The date `months` months before `today`, the day clamped to the month's length.
fn months_back(today: Date, months: u32) -> Date {
    let total = today.year() * 12 + (today.month() as i32 - 1) - months as i32;
    let year = total.div_euclid(12);
    let month = Month::try_from((total.rem_euclid(12) + 1) as u8).unwrap_or(Month::January);
    let day = today.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(today)
}

/// The usual spellings of education, mapped to the words `TeacherInput::parse` knows; anything
/// else is passed through unchanged (and reported by the parse).
pub(super) fn education(v: &Value) -> Read {
    let (text, problem) = plain(v);
    let key = text.to_lowercase().replace('ё', "е");
    let key = key.trim().trim_end_matches('.');
    let mapped = if key == "во" || key.starts_with("высш") {
        "высшее"
    } else if key == "спо"
        || key.starts_with("среднее проф")
        || key.starts_with("среднее спец")
        || key.starts_with("средне-спец")
        || key.starts_with("среднее педагог")
        || key.starts_with("сред. проф")
        || key.starts_with("ср. проф")
        || key.starts_with("ср. спец")
    {
        "среднее профессиональное"
    } else if key == "иное" || key == "другое" {
        "иное"
    } else {
        return (text, problem);
    };
    (mapped.to_string(), problem)
}

/// The usual spellings of the qualification category, mapped to the words `TeacherInput::parse`
/// knows; anything else is passed through unchanged.
pub(super) fn category(v: &Value) -> Read {
    let (text, problem) = plain(v);
    let key = text.to_lowercase().replace('ё', "е");
    let key = key.trim().trim_end_matches('.');
    let mapped = if key.starts_with("высш") || key == "вкк" || key == "в" {
        "высшая"
    } else if key.starts_with("перв") || matches!(key, "1" | "i" | "1 категория" | "1 кк" | "1кк" | "первая кк")
    {
        "первая"
    } else if key.starts_with("соотв") || key == "сзд" {
        "соответствие занимаемой должности"
    } else if key.starts_with("без") || matches!(key, "нет" | "б/к" | "бк" | "-" | "—" | "не имеет")
    {
        "без категории"
    } else {
        return (text, problem);
    };
    (mapped.to_string(), problem)
}

/// «Иванова Мария Петровна» → (last, first, middle); the rest after the second word is the middle
/// name («Оглы», double patronymics).
pub(super) fn split_full_name(s: &str) -> (String, String, String) {
    let mut words = s.split_whitespace();
    let last = words.next().unwrap_or_default().to_string();
    let first = words.next().unwrap_or_default().to_string();
    let middle = words.collect::<Vec<_>>().join(" ");
    (last, first, middle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }

    #[test]
    fn excel_serials() {
        // 29295 = 15.03.1980 in the 1900 system
        assert_eq!(date(&Value::Float(29295.0)), ok("15.03.1980"));
        assert_eq!(date(&Value::Int(29295)), ok("15.03.1980"));
        let dt = ExcelDateTime::new(29295.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(date(&Value::DateTime(dt)), ok("15.03.1980"));
        let (text, problem) = date(&Value::DateTime(ExcelDateTime::new(5e7, ExcelDateTimeType::DateTime, false)));
        assert_eq!(text, "50000000");
        assert!(problem.unwrap().contains("вне допустимого диапазона"));
        assert!(date(&Value::Float(-3.0)).1.is_some());
        assert!(date(&Value::Float(f64::NAN)).1.is_some());
        // Excel's phantom 29.02.1900
        assert!(date(&Value::Float(60.0)).1.is_some());
        let dur = ExcelDateTime::new(0.5, ExcelDateTimeType::TimeDelta, false);
        assert!(date(&Value::DateTime(dur)).1.is_some());
    }

    #[test]
    fn text_dates_pass_through_trimmed() {
        assert_eq!(date(&t(" 15.03.1980 ")), ok("15.03.1980"));
        assert_eq!(date(&t("15.03.1980 0:00:00")), ok("15.03.1980"));
        assert_eq!(date(&t("15.03.1980 г.")), ok("15.03.1980"));
        assert_eq!(date(&t("1980-03-15")), ok("15.03.1980"));
        assert_eq!(date(&Value::DateIso("1980-03-15T00:00:00".into())), ok("15.03.1980"));
        assert_eq!(date(&t("31.02.1980")), ok("31.02.1980")); // the parse reports it
        assert_eq!(date(&t("весной")), ok("весной"));
    }

    #[test]
    fn experience_in_years_or_as_a_date() {
        let today = date!(2026 - 03 - 31);
        assert_eq!(experience(&t("12"), today), ok("31.03.2014"));
        assert_eq!(experience(&t("12,5"), today), ok("30.09.2013"));
        assert_eq!(experience(&t("12 лет"), today), ok("31.03.2014"));
        assert_eq!(experience(&t("1 год"), today), ok("31.03.2025"));
        assert_eq!(experience(&t("12 л. 1 мес."), today), ok("28.02.2014"));
        assert_eq!(experience(&t("6 мес."), today), ok("30.09.2025"));
        assert_eq!(experience(&Value::Int(3), today), ok("31.03.2023"));
        assert_eq!(experience(&Value::Float(0.5), today), ok("30.09.2025"));
        assert_eq!(experience(&t("01.09.2002"), today), ok("01.09.2002"));
        assert_eq!(experience(&t("2002-09-01"), today), ok("01.09.2002"));
        assert_eq!(experience(&Value::Float(37500.0), today), ok("01.09.2002"));
        assert!(experience(&t("200 лет"), today).1.is_some());
        assert!(experience(&Value::Int(500), today).1.is_some());
    }

    #[test]
    fn yes_no_words() {
        for y in ["да", "Да", "+", "1", "ДА.", "yes", "истина"] {
            assert_eq!(yes_no(&t(y)), (true, None), "{y}");
        }
        for n in ["нет", "", "-", "0", "Нет"] {
            assert_eq!(yes_no(&t(n)), (false, None), "{n}");
        }
        assert_eq!(yes_no(&Value::Bool(true)), (true, None));
        assert_eq!(yes_no(&Value::Int(1)), (true, None));
        assert!(yes_no(&t("возможно")).1.is_some());
    }

    #[test]
    fn spellings_of_education_and_category() {
        assert_eq!(education(&t("Высшее профессиональное")).0, "высшее");
        assert_eq!(education(&t("ВО")).0, "высшее");
        assert_eq!(education(&t("СПО")).0, "среднее профессиональное");
        assert_eq!(education(&t("среднее специальное")).0, "среднее профессиональное");
        assert_eq!(education(&t("неполное высшее")).0, "неполное высшее");
        assert_eq!(category(&t("Высшая квалификационная категория")).0, "высшая");
        assert_eq!(category(&t("1 категория")).0, "первая");
        assert_eq!(category(&t("СЗД")).0, "соответствие занимаемой должности");
        assert_eq!(category(&t("б/к")).0, "без категории");
        assert_eq!(category(&t("вторая")).0, "вторая");
    }

    #[test]
    fn consent_needs_a_date() {
        assert_eq!(consent(&t("01.09.2025")), ok("01.09.2025"));
        assert_eq!(consent(&t("нет")), ok(""));
        assert!(consent(&t("да")).1.unwrap().contains("дату согласия"));
        assert_eq!(consent(&Value::Float(45901.0)), ok("01.09.2025"));
    }

    #[test]
    fn full_names() {
        assert_eq!(split_full_name(" Иванова  Мария Петровна "), ("Иванова".into(), "Мария".into(), "Петровна".into()));
        assert_eq!(split_full_name("Алиев Рустам Ильхам оглы").2, "Ильхам оглы");
        assert_eq!(split_full_name("Петров"), ("Петров".into(), String::new(), String::new()));
    }

    #[test]
    fn plain_numbers() {
        assert_eq!(plain(&Value::Float(2005.0)), ok("2005"));
        assert_eq!(plain(&Value::Float(79131234567.0)), ok("79131234567"));
        assert_eq!(plain(&Value::Float(1.5)), ok("1.5"));
        assert_eq!(year(&t("2005 г.")), ok("2005"));
    }
}
