//! Validated values: everything a user types is parsed here once, at the boundary, into a value
//! that is known to be good, or into a [`FieldError`] with a Russian message naming the field.

use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::format_description;

/// Reads the version an edit was based on from a JSON number, or from the string of a form's
/// hidden field (also inside a flattened form, where every value arrives as a string); an empty
/// or unreadable value counts as none given.
pub fn de_version<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Number(i64),
        Text(String),
        Nothing(()),
    }
    Ok(match Option::<Raw>::deserialize(d)? {
        Some(Raw::Number(n)) => Some(n),
        Some(Raw::Text(s)) => s.trim().parse().ok(),
        Some(Raw::Nothing(())) | None => None,
    })
}

/// One problem with one input field. `field` is the form/JSON field name, `message` is Russian.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// Collects field errors while a form is parsed; `finish` turns them into a result.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn new() -> Self {
        Self::default()
    }
    /// Keeps the value of `r`, remembering its error.
    pub fn take<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }
    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<FieldError>> {
        if self.0.is_empty() { Ok(value()) } else { Err(self.0) }
    }
}

fn has_control(s: &str) -> bool {
    s.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
}

/// A required one-line text: trimmed, inner runs of spaces folded, 1..=`max` characters, no
/// control characters. `label` is the Russian field name used in the message.
pub fn required_text(field: &str, label: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    match optional_text(field, label, raw, max)? {
        Some(v) => Ok(v),
        None => Err(FieldError::new(field, format!("{label}: поле обязательно для заполнения"))),
    }
}

/// An optional one-line text: empty (after trimming) is `None`.
pub fn optional_text(field: &str, label: &str, raw: &str, max: usize) -> Result<Option<String>, FieldError> {
    let folded = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.is_empty() {
        return Ok(None);
    }
    if has_control(raw) || raw.contains('\n') {
        return Err(FieldError::new(field, format!("{label}: недопустимые символы")));
    }
    let n = folded.chars().count();
    if n > max {
        return Err(FieldError::new(field, format!("{label}: не длиннее {max} символов (сейчас {n})")));
    }
    Ok(Some(folded))
}

/// An optional multi-line text (descriptions): trimmed, at most `max` characters.
pub fn optional_long_text(field: &str, label: &str, raw: &str, max: usize) -> Result<Option<String>, FieldError> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if has_control(t) {
        return Err(FieldError::new(field, format!("{label}: недопустимые символы")));
    }
    let n = t.chars().count();
    if n > max {
        return Err(FieldError::new(field, format!("{label}: не длиннее {max} символов (сейчас {n})")));
    }
    Ok(Some(t.replace("\r\n", "\n")))
}

/// A login: 3–64 characters, Latin letters, digits, dot, hyphen, underscore; stored lower-case.
pub fn login(field: &str, raw: &str) -> Result<String, FieldError> {
    let v = raw.trim().to_lowercase();
    let ok_chars = v.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if v.len() < 3 || v.len() > 64 || !ok_chars {
        return Err(FieldError::new(
            field,
            "Логин: от 3 до 64 символов — латинские буквы, цифры, точка, дефис, подчёркивание",
        ));
    }
    Ok(v)
}

/// A new password: 10–128 characters, not only digits, not equal to the login.
pub fn new_password(field: &str, raw: &str, login: &str) -> Result<String, FieldError> {
    let n = raw.chars().count();
    if n < 10 {
        return Err(FieldError::new(field, "Пароль: не короче 10 символов"));
    }
    if n > 128 {
        return Err(FieldError::new(field, "Пароль: не длиннее 128 символов"));
    }
    if raw.chars().all(|c| c.is_ascii_digit()) {
        return Err(FieldError::new(field, "Пароль не может состоять только из цифр"));
    }
    if raw.eq_ignore_ascii_case(login) {
        return Err(FieldError::new(field, "Пароль не должен совпадать с логином"));
    }
    Ok(raw.to_owned())
}

/// An optional e-mail address (a light check: one `@`, a dot in the domain, no spaces).
pub fn optional_email(field: &str, raw: &str) -> Result<Option<String>, FieldError> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let bad = || FieldError::new(field, "Электронная почта: укажите адрес вида name@example.ru");
    let (local, domain) = v.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || v.chars().any(char::is_whitespace)
        || v.len() > 254
    {
        return Err(bad());
    }
    Ok(Some(v.to_owned()))
}

/// An optional phone number: digits, spaces, `+ ( ) -`, with 5 to 20 digits.
pub fn optional_phone(field: &str, raw: &str) -> Result<Option<String>, FieldError> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let ok = v.chars().all(|c| c.is_ascii_digit() || " +()-".contains(c));
    if !ok || !(5..=20).contains(&digits) || v.len() > 40 {
        return Err(FieldError::new(
            field,
            "Телефон: только цифры, пробелы и знаки + ( ) -, например +7 (3822) 40-12-34",
        ));
    }
    Ok(Some(v.to_owned()))
}

/// An optional web address: must start with http:// or https://.
pub fn optional_url(field: &str, label: &str, raw: &str) -> Result<Option<String>, FieldError> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let rest = v.strip_prefix("https://").or_else(|| v.strip_prefix("http://"));
    match rest {
        Some(r) if !r.is_empty() && !v.chars().any(char::is_whitespace) && v.len() <= 500 => Ok(Some(v.to_owned())),
        _ => Err(FieldError::new(field, format!("{label}: укажите адрес, начинающийся с https://"))),
    }
}

/// The first date any date field accepts (the oldest birth date, career start or document).
pub const DATE_MIN: Date = time::macros::date!(1900 - 01 - 01);
/// The last date any date field accepts (the farthest deadline or plan).
pub const DATE_MAX: Date = time::macros::date!(2100 - 12 - 31);

/// The one parser of a typed date: `ДД.ММ.ГГГГ` or `ГГГГ-ММ-ДД` (what `<input type=date>` sends),
/// an existing day between [`DATE_MIN`] and [`DATE_MAX`]. Every date field of every input (the
/// forms, the API's JSON, query filters, imported rows) goes through here; a field that needs a
/// narrower range (a plan's year, a birth date's plausible age) checks it on top. `label` is the
/// Russian name of the field used in the message.
pub fn date(field: &str, label: &str, raw: &str) -> Result<Date, FieldError> {
    let d = calendar_date(raw)
        .ok_or_else(|| FieldError::new(field, format!("{label}: укажите существующую дату в виде ДД.ММ.ГГГГ")))?;
    if !(DATE_MIN..=DATE_MAX).contains(&d) {
        return Err(FieldError::new(
            field,
            format!("{label}: укажите дату между {} и {}", ru_date(DATE_MIN), ru_date(DATE_MAX)),
        ));
    }
    Ok(d)
}

/// A date as stored (`YYYY-MM-DD`), read back without the input's range: what was written is
/// shown as it is (a date stored before the range was enforced still reads).
pub fn stored_date(s: &str) -> Option<Date> {
    calendar_date(s)
}

/// Either spelling, any existing day.
fn calendar_date(raw: &str) -> Option<Date> {
    let v = raw.trim();
    let iso = format_description!("[year]-[month]-[day]");
    let ru = format_description!("[day].[month].[year]");
    Date::parse(v, iso).or_else(|_| Date::parse(v, ru)).ok()
}

/// A date as stored (ISO `YYYY-MM-DD`).
pub fn iso_date(d: Date) -> String {
    let iso = format_description!("[year]-[month]-[day]");
    d.format(iso).unwrap_or_default()
}

/// A date in JSON as `"2026-05-30"` (`#[serde(with = "crate::values::iso_serde")]`); reads the
/// `[2026, 150]` (year, day of the year) that `time`'s default wrote too, so JSON stored before
/// (a frozen analysis) still reads.
pub mod iso_serde {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::iso_date(*d))
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Iso(String),
        Ordinal(i32, u16),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        match Stored::deserialize(d)? {
            Stored::Iso(s) => super::stored_date(&s).ok_or_else(|| serde::de::Error::custom(format!("bad date {s:?}"))),
            Stored::Ordinal(y, n) => Date::from_ordinal_date(y, n).map_err(serde::de::Error::custom),
        }
    }

    /// The same for an optional date (`null` when absent).
    pub mod option {
        use serde::{Deserialize, Deserializer, Serializer};
        use time::Date;

        pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => super::serialize(d, s),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
            #[derive(Deserialize)]
            struct Wrap(#[serde(with = "super")] Date);
            Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
        }
    }
}

/// A date as a Russian reader expects it (`ДД.ММ.ГГГГ`).
pub fn ru_date(d: Date) -> String {
    let ru = format_description!("[day].[month].[year]");
    d.format(ru).unwrap_or_default()
}

/// A number field of an input that keeps what was typed as text: JSON sends a number (or, as the
/// page forms do, a numeric string), a form sends a string; `null` is the empty field. Validation
/// happens later, on the text, with the field's Russian message.
pub fn number_as_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct Visitor;
    impl serde::de::Visitor<'_> for Visitor {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an integer or a string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<String, E> {
            Ok(String::new())
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<String, E> {
            Ok(String::new())
        }
    }
    d.deserialize_any(Visitor)
}

/// The Russian form of a noun after a number: `plural_ru(1, "балл", "балла", "баллов")` is
/// «балл», 2–4 «балла», 5–20 and 11–14 «баллов», 21 «балл» …
/// The text with its first letter capitalised («семинар» → «Семинар»): a label starting a sentence.
pub fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

pub fn plural_ru<'a>(n: i64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    let n = n.unsigned_abs();
    match (n % 10, n % 100) {
        (_, 11..=14) => many,
        (1, _) => one,
        (2..=4, _) => few,
        _ => many,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_forms_follow_the_number() {
        let f = |n| plural_ru(n, "балл", "балла", "баллов");
        assert_eq!(
            [f(1), f(2), f(4), f(5), f(11), f(12), f(14), f(21), f(22), f(63), f(100), f(111)],
            [
                "балл",
                "балла",
                "балла",
                "баллов",
                "баллов",
                "баллов",
                "баллов",
                "балл",
                "балла",
                "балла",
                "баллов",
                "баллов"
            ]
        );
    }

    #[test]
    fn text_is_trimmed_folded_and_bounded() {
        assert_eq!(required_text("name", "Название", "  Школа   № 1 ", 10).unwrap(), "Школа № 1");
        let e = required_text("name", "Название", "   ", 10).unwrap_err();
        assert_eq!(e.field, "name");
        assert!(e.message.contains("обязательно"));
        let long = "я".repeat(11);
        assert!(required_text("name", "Название", &long, 10).unwrap_err().message.contains("не длиннее 10"));
        assert!(required_text("name", "Название", "a\u{0}b", 10).is_err());
        assert_eq!(optional_text("x", "X", "", 5).unwrap(), None);
    }

    #[test]
    fn logins() {
        assert_eq!(login("login", " Ivanova.A ").unwrap(), "ivanova.a");
        assert!(login("login", "ab").is_err());
        assert!(login("login", "иванова").is_err());
        assert!(login("login", "a b c").is_err());
    }

    #[test]
    fn passwords() {
        assert!(new_password("p", "short", "x").is_err());
        assert!(new_password("p", "1234567890", "x").is_err());
        assert!(new_password("p", "ivanova.a1", "ivanova.a1").is_err());
        assert!(new_password("p", "Надёжный-пароль-1", "x").is_ok());
    }

    #[test]
    fn emails_phones_urls() {
        assert_eq!(optional_email("e", "").unwrap(), None);
        assert!(optional_email("e", "uo@tomsk.ru").unwrap().is_some());
        for bad in ["uo", "uo@", "@tomsk.ru", "u o@tomsk.ru", "uo@tomsk", "a@b@c.ru"] {
            assert!(optional_email("e", bad).is_err(), "{bad}");
        }
        assert!(optional_phone("p", "+7 (3822) 40-12-34").unwrap().is_some());
        assert!(optional_phone("p", "call me").is_err());
        assert!(optional_phone("p", "12").is_err());
        assert!(optional_url("u", "Сайт", "https://school1.ru").unwrap().is_some());
        assert!(optional_url("u", "Сайт", "javascript:alert(1)").is_err());
    }

    #[test]
    fn dates_in_both_spellings() {
        let d = date("d", "Дата", "30.05.2026").unwrap();
        assert_eq!(iso_date(d), "2026-05-30");
        assert_eq!(ru_date(date("d", "Дата", "2026-05-30").unwrap()), "30.05.2026");
        assert!(date("d", "Дата", "31.02.2026").is_err());
        assert!(date("d", "Дата", "вчера").is_err());
    }

    #[test]
    fn dates_are_between_1900_and_2100() {
        for ok in ["01.01.1900", "1900-01-01", "31.12.2100", "2100-12-31", "29.02.2000"] {
            assert!(date("held_on", "Дата заседания", ok).is_ok(), "{ok}");
        }
        for far in ["0001-01-01", "9999-12-31", "31.12.1899", "1899-12-31", "01.01.2101", "2101-01-01"] {
            let e = date("held_on", "Дата заседания", far).unwrap_err();
            assert_eq!(e.field, "held_on", "{far}");
            assert_eq!(e.message, "Дата заседания: укажите дату между 01.01.1900 и 31.12.2100", "{far}");
        }
        // Not a date at all says so, naming the field too.
        let e = date("birth_date", "Дата рождения", "31.02.2026").unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            ("birth_date", "Дата рождения: укажите существующую дату в виде ДД.ММ.ГГГГ")
        );
    }

    #[test]
    fn stored_dates_read_back_whatever_their_year() {
        assert_eq!(stored_date("0001-01-01").map(iso_date).as_deref(), Some("0001-01-01"));
        assert_eq!(stored_date("2026-05-30").map(ru_date).as_deref(), Some("30.05.2026"));
        assert_eq!(stored_date("вчера"), None);
    }

    #[test]
    fn a_number_field_takes_a_number_a_numeric_string_or_null() {
        #[derive(serde::Deserialize)]
        struct B {
            #[serde(deserialize_with = "super::number_as_text")]
            n: String,
        }
        let n = |j: &str| serde_json::from_str::<B>(j).map(|b| b.n).ok();
        assert_eq!(n(r#"{"n": 85}"#).as_deref(), Some("85"));
        assert_eq!(n(r#"{"n": "85"}"#).as_deref(), Some("85"));
        assert_eq!(n(r#"{"n": null}"#).as_deref(), Some(""));
        assert_eq!(n(r#"{"n": true}"#), None);
    }
}
