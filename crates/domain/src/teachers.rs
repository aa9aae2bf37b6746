//! The teacher data bank's rules: academic years, age and pedagogical experience on a date,
//! qualification categories and their expiry, the bands the composition chart counts by, and the
//! minimum-members rule of a profile.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::values::{self, Errors, FieldError};

/// An academic year, 1 September – 31 August, named by the year it starts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AcademicYear(pub i32);

impl AcademicYear {
    /// The academic year a date falls in.
    pub fn containing(d: Date) -> AcademicYear {
        if d.month() as u8 >= 9 { AcademicYear(d.year()) } else { AcademicYear(d.year() - 1) }
    }
    pub fn start(self) -> Date {
        Date::from_calendar_date(self.0, Month::September, 1).unwrap_or(Date::MIN)
    }
    pub fn end(self) -> Date {
        Date::from_calendar_date(self.0 + 1, Month::August, 31).unwrap_or(Date::MAX)
    }
    pub fn contains(self, d: Date) -> bool {
        self.start() <= d && d <= self.end()
    }
    /// "2025/2026".
    pub fn label(self) -> String {
        format!("{}/{}", self.0, self.0 + 1)
    }
    /// Parses "2025/2026", "2025-2026" or "2025".
    pub fn parse(s: &str) -> Option<AcademicYear> {
        let s = s.trim();
        let first: i32 = s.split(['/', '-']).next()?.trim().parse().ok()?;
        if let Some(second) = s.split(['/', '-']).nth(1)
            && second.trim().parse::<i32>().ok()? != first + 1
        {
            return None;
        }
        (1990..=2100).contains(&first).then_some(AcademicYear(first))
    }
}

/// Whole years between two dates (the age on `on` of someone born on `from`).
pub fn whole_years(from: Date, on: Date) -> i32 {
    if on < from {
        return 0;
    }
    let mut y = on.year() - from.year();
    if (on.month() as u8, on.day()) < (from.month() as u8, from.day()) {
        y -= 1;
    }
    y
}

/// Age on a date.
pub fn age_on(birth: Date, on: Date) -> i32 {
    whole_years(birth, on)
}

/// Pedagogical experience on a date: (years, months) since the start date.
pub fn experience_on(start: Date, on: Date) -> (i32, i32) {
    if on < start {
        return (0, 0);
    }
    let mut months = (on.year() - start.year()) * 12 + (on.month() as i32 - start.month() as i32);
    if on.day() < start.day() {
        months -= 1;
    }
    (months / 12, months % 12)
}

/// Russian: "12 лет 3 мес."
pub fn experience_label(years: i32, months: i32) -> String {
    let y = match (years % 10, years % 100) {
        (1, n) if n != 11 => "год",
        (2..=4, n) if !(12..=14).contains(&n) => "года",
        _ => "лет",
    };
    if months == 0 { format!("{years} {y}") } else { format!("{years} {y} {months} мес.") }
}

/// Education of a teacher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Education {
    Higher,
    Vocational,
    Other,
}

/// The qualification category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Highest,
    First,
    Conformity,
    None,
}

coded!(Education {
    Higher => "higher", "высшее";
    Vocational => "vocational", "среднее профессиональное";
    Other => "other", "иное";
});

coded!(Category {
    Highest => "highest", "высшая";
    First => "first", "первая";
    Conformity => "conformity", "соответствие занимаемой должности";
    None => "none", "без категории";
});

/// How a category stands on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CategoryState {
    /// No category, or no expiry date recorded.
    NoExpiry,
    Valid,
    /// Expires within [`EXPIRY_WARNING_MONTHS`] months.
    ExpiringSoon,
    Expired,
}

pub const EXPIRY_WARNING_MONTHS: u8 = 6;

/// The date `months` months after `d` (clamped to the month's last day).
pub fn add_months(d: Date, months: u8) -> Date {
    let total = d.month() as i32 - 1 + i32::from(months);
    let year = d.year() + total / 12;
    let month = Month::try_from((total % 12 + 1) as u8).unwrap_or(Month::December);
    let last = month.length(year);
    Date::from_calendar_date(year, month, d.day().min(last)).unwrap_or(d)
}

pub fn category_state(category: Category, expires: Option<Date>, today: Date) -> CategoryState {
    match (category, expires) {
        (Category::None, _) | (_, None) => CategoryState::NoExpiry,
        (_, Some(e)) if e < today => CategoryState::Expired,
        (_, Some(e)) if e <= add_months(today, EXPIRY_WARNING_MONTHS) => CategoryState::ExpiringSoon,
        _ => CategoryState::Valid,
    }
}

/// The experience bands of the composition chart, in years: [from, to).
pub const EXPERIENCE_BANDS: &[(i32, i32, &str)] =
    &[(0, 3, "до 3 лет"), (3, 5, "3–5 лет"), (5, 10, "5–10 лет"), (10, 20, "10–20 лет"), (20, 200, "20 лет и более")];

/// The age bands of the composition chart, in years: [from, to).
pub const AGE_BANDS: &[(i32, i32, &str)] = &[
    (0, 30, "до 30 лет"),
    (30, 40, "30–39 лет"),
    (40, 50, "40–49 лет"),
    (50, 60, "50–59 лет"),
    (60, 200, "60 лет и старше"),
];

/// The index of the band `years` falls in.
pub fn band(bands: &[(i32, i32, &str)], years: i32) -> usize {
    bands.iter().position(|(a, b, _)| (*a..*b).contains(&years)).unwrap_or(bands.len().saturating_sub(1))
}

/// The minimum-members rule of a profile (seed 000 §1.2): Err with the reason when short.
pub fn check_min_members(minimum: Option<u32>, members: usize, body_name: &str) -> Result<(), String> {
    match minimum {
        Some(min) if members < min as usize => Err(format!(
            "По положению {body_name} создаётся при наличии не менее {min} педагогов; в составе {members}. \
             Добавьте педагогов в состав или выберите другой профиль положения."
        )),
        _ => Ok(()),
    }
}

/// A teacher as typed in a form, a JSON body or a spreadsheet row (every field a string).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TeacherInput {
    pub last_name: String,
    pub first_name: String,
    pub middle_name: String,
    /// ДД.ММ.ГГГГ or ГГГГ-ММ-ДД
    pub birth_date: String,
    /// The main place of work.
    pub organization_id: Option<i64>,
    pub position: String,
    pub subjects: String,
    /// higher | vocational | other (or the Russian words)
    pub education: String,
    pub edu_institution: String,
    pub edu_specialty: String,
    pub edu_year: String,
    /// highest | first | conformity | none (or the Russian words)
    pub category: String,
    pub category_assigned_on: String,
    pub category_expires_on: String,
    /// The start of pedagogical experience.
    pub experience_start: String,
    pub young_specialist: bool,
    pub phone: String,
    pub email: String,
    /// The date of the consent to personal-data processing (152-ФЗ).
    pub consent_on: String,
    /// The version of the record the edit is based on (from the card or `GET`); a save based on
    /// an older one is refused with 409. Left out: no check.
    #[serde(deserialize_with = "crate::values::de_version")]
    pub version: Option<i64>,
}

/// A validated teacher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeacherData {
    pub last_name: String,
    pub first_name: String,
    pub middle_name: Option<String>,
    pub birth_date: Date,
    pub organization_id: i64,
    pub position: String,
    pub subjects: Option<String>,
    pub education: Education,
    pub edu_institution: Option<String>,
    pub edu_specialty: Option<String>,
    pub edu_year: Option<i32>,
    pub category: Category,
    pub category_assigned_on: Option<Date>,
    pub category_expires_on: Option<Date>,
    pub experience_start: Option<Date>,
    pub young_specialist: bool,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub consent_on: Option<Date>,
}

fn optional_date(field: &str, label: &str, raw: &str) -> Result<Option<Date>, FieldError> {
    if raw.trim().is_empty() { Ok(None) } else { values::date(field, label, raw).map(Some) }
}

impl TeacherInput {
    /// Validates against `today` (no birth or start dates in the future, a plausible age).
    pub fn parse(&self, today: Date) -> Result<TeacherData, Vec<FieldError>> {
        let mut e = Errors::new();
        let last_name = e.take(values::required_text("last_name", "Фамилия", &self.last_name, 100));
        let first_name = e.take(values::required_text("first_name", "Имя", &self.first_name, 100));
        let middle_name = e.take(values::optional_text("middle_name", "Отчество", &self.middle_name, 100));
        let birth = e.take(values::date("birth_date", "Дата рождения", &self.birth_date));
        if let Some(b) = birth {
            let age = age_on(b, today);
            if !(16..=100).contains(&age) || b > today {
                e.push(FieldError::new("birth_date", "Дата рождения: возраст педагога должен быть от 16 до 100 лет"));
            }
        }
        if self.organization_id.is_none_or(|id| id <= 0) {
            e.push(FieldError::new("organization_id", "Организация: выберите место работы"));
        }
        let position = e.take(values::required_text("position", "Должность", &self.position, 200));
        let subjects = e.take(values::optional_text("subjects", "Предметы / направление", &self.subjects, 300));
        let education = Education::from_code(&self.education);
        if education.is_none() {
            e.push(FieldError::new("education", "Образование: высшее, среднее профессиональное или иное"));
        }
        let edu_institution =
            e.take(values::optional_text("edu_institution", "Учебное заведение", &self.edu_institution, 300));
        let edu_specialty =
            e.take(values::optional_text("edu_specialty", "Специальность по диплому", &self.edu_specialty, 300));
        let edu_year = match self.edu_year.trim() {
            "" => None,
            y => match y.parse::<i32>() {
                Ok(v) if (1950..=today.year()).contains(&v) => Some(v),
                _ => {
                    e.push(FieldError::new("edu_year", format!("Год окончания: число от 1950 до {}", today.year())));
                    None
                }
            },
        };
        let category =
            if self.category.trim().is_empty() { Some(Category::None) } else { Category::from_code(&self.category) };
        if category.is_none() {
            e.push(FieldError::new(
                "category",
                "Категория: высшая, первая, соответствие занимаемой должности или без категории",
            ));
        }
        let assigned = e
            .take(optional_date("category_assigned_on", "Дата присвоения категории", &self.category_assigned_on))
            .flatten();
        let expires =
            e.take(optional_date("category_expires_on", "Категория действует до", &self.category_expires_on)).flatten();
        if let (Some(a), Some(x)) = (assigned, expires)
            && x <= a
        {
            e.push(FieldError::new(
                "category_expires_on",
                "Категория действует до: дата должна быть позже даты присвоения",
            ));
        }
        if let Some(a) = assigned
            && a > today
        {
            e.push(FieldError::new("category_assigned_on", "Дата присвоения категории не может быть в будущем"));
        }
        let start =
            e.take(optional_date("experience_start", "Начало педагогического стажа", &self.experience_start)).flatten();
        if let Some(s) = start {
            if s > today {
                e.push(FieldError::new("experience_start", "Начало педагогического стажа не может быть в будущем"));
            } else if birth.is_some_and(|b| whole_years(b, s) < 14) {
                e.push(FieldError::new(
                    "experience_start",
                    "Начало педагогического стажа: слишком рано для этой даты рождения",
                ));
            }
        }
        let phone = e.take(values::optional_phone("phone", &self.phone));
        let email = e.take(values::optional_email("email", &self.email));
        let consent = e
            .take(optional_date("consent_on", "Дата согласия на обработку персональных данных", &self.consent_on))
            .flatten();
        e.finish(|| TeacherData {
            last_name: last_name.unwrap_or_default(),
            first_name: first_name.unwrap_or_default(),
            middle_name: middle_name.flatten(),
            birth_date: birth.unwrap_or(Date::MIN),
            organization_id: self.organization_id.unwrap_or_default(),
            position: position.unwrap_or_default(),
            subjects: subjects.flatten(),
            education: education.unwrap_or(Education::Other),
            edu_institution: edu_institution.flatten(),
            edu_specialty: edu_specialty.flatten(),
            edu_year,
            category: category.unwrap_or(Category::None),
            category_assigned_on: assigned,
            category_expires_on: expires,
            experience_start: start,
            young_specialist: self.young_specialist,
            phone: phone.flatten(),
            email: email.flatten(),
            consent_on: consent,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn academic_years_run_from_september_to_august() {
        assert_eq!(AcademicYear::containing(date!(2025 - 09 - 01)), AcademicYear(2025));
        assert_eq!(AcademicYear::containing(date!(2026 - 08 - 31)), AcademicYear(2025));
        assert_eq!(AcademicYear::containing(date!(2026 - 09 - 01)), AcademicYear(2026));
        assert_eq!(AcademicYear(2025).label(), "2025/2026");
        assert!(AcademicYear(2025).contains(date!(2026 - 05 - 30)));
        assert_eq!(AcademicYear::parse("2025/2026"), Some(AcademicYear(2025)));
        assert_eq!(AcademicYear::parse("2025-2027"), None);
    }

    #[test]
    fn age_counts_whole_years_and_birthdays() {
        let b = date!(1980 - 03 - 15);
        assert_eq!(age_on(b, date!(2026 - 03 - 14)), 45);
        assert_eq!(age_on(b, date!(2026 - 03 - 15)), 46);
        // Born on 29 February: a year older on 1 March of a common year.
        assert_eq!(age_on(date!(2000 - 02 - 29), date!(2026 - 02 - 28)), 25);
        assert_eq!(age_on(date!(2000 - 02 - 29), date!(2026 - 03 - 01)), 26);
    }

    #[test]
    fn experience_counts_years_and_months_on_any_date() {
        let s = date!(2010 - 09 - 01);
        assert_eq!(experience_on(s, date!(2026 - 08 - 31)), (15, 11));
        assert_eq!(experience_on(s, date!(2026 - 09 - 01)), (16, 0));
        assert_eq!(experience_on(s, date!(2009 - 01 - 01)), (0, 0));
        assert_eq!(experience_label(21, 0), "21 год");
        assert_eq!(experience_label(3, 2), "3 года 2 мес.");
        assert_eq!(experience_label(11, 0), "11 лет");
        assert_eq!(experience_label(14, 0), "14 лет");
    }

    #[test]
    fn categories_expiring_within_six_months_are_flagged() {
        let today = date!(2026 - 11 - 23);
        assert_eq!(category_state(Category::Highest, Some(date!(2027 - 05 - 23)), today), CategoryState::ExpiringSoon);
        assert_eq!(category_state(Category::Highest, Some(date!(2027 - 05 - 24)), today), CategoryState::Valid);
        assert_eq!(category_state(Category::First, Some(date!(2026 - 11 - 22)), today), CategoryState::Expired);
        assert_eq!(category_state(Category::None, Some(date!(2026 - 12 - 01)), today), CategoryState::NoExpiry);
        assert_eq!(add_months(date!(2026 - 08 - 31), 6), date!(2027 - 02 - 28));
    }

    #[test]
    fn bands() {
        assert_eq!(EXPERIENCE_BANDS[band(EXPERIENCE_BANDS, 2)].2, "до 3 лет");
        assert_eq!(EXPERIENCE_BANDS[band(EXPERIENCE_BANDS, 3)].2, "3–5 лет");
        assert_eq!(AGE_BANDS[band(AGE_BANDS, 65)].2, "60 лет и старше");
    }

    #[test]
    fn the_minimum_members_rule() {
        assert!(check_min_members(Some(10), 10, "ММО").is_ok());
        let e = check_min_members(Some(10), 9, "ММО").unwrap_err();
        assert!(e.contains("не менее 10") && e.contains("в составе 9"));
        assert!(check_min_members(None, 0, "МУМО").is_ok());
    }

    #[test]
    fn a_teacher_is_validated_whole() {
        let today = date!(2026 - 11 - 23);
        let ok = TeacherInput {
            last_name: "Иванова".into(),
            first_name: "Мария".into(),
            middle_name: "Петровна".into(),
            birth_date: "15.03.1980".into(),
            organization_id: Some(1),
            position: "учитель математики".into(),
            education: "высшее".into(),
            category: "Первая".into(),
            category_assigned_on: "2022-04-01".into(),
            category_expires_on: "2027-04-01".into(),
            experience_start: "01.09.2002".into(),
            ..Default::default()
        }
        .parse(today)
        .unwrap();
        assert_eq!(ok.category, Category::First);
        assert_eq!(ok.education, Education::Higher);
        let errs = TeacherInput {
            birth_date: "31.02.1980".into(),
            category: "шестая".into(),
            experience_start: "01.01.2030".into(),
            ..Default::default()
        }
        .parse(today)
        .unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "last_name",
            "first_name",
            "birth_date",
            "organization_id",
            "position",
            "education",
            "category",
            "experience_start",
        ] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
    }
}

/// A course taken: advanced training (КПК) or retraining.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CourseKind {
    AdvancedTraining,
    Retraining,
}

coded!(CourseKind {
    AdvancedTraining => "advanced_training", "повышение квалификации (КПК)";
    Retraining => "retraining", "профессиональная переподготовка";
});

/// The kinds of professional difficulties and needs (004 §6; 002 §4.1 «затруднения»).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DifficultyKind {
    Methodical,
    Subject,
    Psychological,
    Digital,
    SpecialNeeds,
    Assessment,
    Attestation,
    Other,
}

coded!(DifficultyKind {
    Methodical => "methodical", "методические (технологии, формы, методы обучения)";
    Subject => "subject", "предметные (содержание предмета, сложные темы)";
    Psychological => "psychological", "психолого-педагогические (мотивация, дисциплина, работа с родителями)";
    Digital => "digital", "цифровые (электронные ресурсы, дистанционное обучение)";
    SpecialNeeds => "special_needs", "работа с детьми с ОВЗ и одарёнными детьми";
    Assessment => "assessment", "оценивание, подготовка к ГИА и ВПР";
    Attestation => "attestation", "подготовка к аттестации, конкурсам";
    Other => "other", "иное";
});

/// The kind of a recorded difficulty or need: one of Metoda's list, or a kind the municipality's
/// profile adds (`extra_need_kinds`), stored as `custom:<kind>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NeedKind {
    Listed(DifficultyKind),
    Own(String),
}

impl NeedKind {
    /// The prefix of a kind the municipality's profile adds.
    pub const CUSTOM: &'static str = "custom:";

    /// The stored (and sent) code: a listed kind's code, or `custom:<kind>`.
    pub fn code(&self) -> String {
        match self {
            NeedKind::Listed(k) => k.code().to_owned(),
            NeedKind::Own(own) => format!("{}{own}", Self::CUSTOM),
        }
    }

    /// The kind in Russian: the listed kind's label, or the profile's own words.
    pub fn label_ru(&self) -> &str {
        match self {
            NeedKind::Listed(k) => k.label_ru(),
            NeedKind::Own(own) => own,
        }
    }

    /// A stored code read back: exactly a listed code or `custom:<kind>` (no label, no case folding).
    pub fn from_stored(code: &str) -> Option<NeedKind> {
        match code.strip_prefix(Self::CUSTOM) {
            Some(own) => Some(NeedKind::Own(own.to_owned())),
            None => crate::from_stored(code).map(NeedKind::Listed),
        }
    }

    /// A kind as chosen: a listed kind (by code or label), or `custom:<kind>` for one of the
    /// profile's `extra` kinds; None for anything else.
    pub fn parse(chosen: &str, extra: &[String]) -> Option<NeedKind> {
        match chosen.strip_prefix(Self::CUSTOM) {
            Some(own) => extra.iter().any(|e| e == own).then(|| NeedKind::Own(own.to_owned())),
            None => DifficultyKind::from_code(chosen).map(NeedKind::Listed),
        }
    }
}

/// Serialized as its code, as the column holds it.
impl Serialize for NeedKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

/// Where a self-education topic stands (`teacher_years.topic_status`, 002 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TopicStatus {
    /// Proposed by the teacher (or whoever keeps the record), not agreed yet.
    Proposed,
    /// Agreed by the association's head (or the authority).
    Agreed,
}

coded!(TopicStatus {
    Proposed => "proposed", "предложена";
    Agreed => "agreed", "согласована";
});

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CourseInput {
    /// advanced_training | retraining
    pub kind: String,
    pub title: String,
    pub provider: String,
    pub hours: String,
    pub start_on: String,
    pub end_on: String,
    pub certificate: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CourseData {
    pub kind: CourseKind,
    pub title: String,
    pub provider: Option<String>,
    pub hours: Option<i64>,
    pub start_on: Option<Date>,
    pub end_on: Date,
    pub certificate: Option<String>,
}

impl CourseInput {
    pub fn parse(&self, today: Date) -> Result<CourseData, Vec<FieldError>> {
        let mut e = Errors::new();
        let kind = CourseKind::from_code(&self.kind);
        if kind.is_none() {
            e.push(FieldError::new("kind", "Вид: повышение квалификации или переподготовка"));
        }
        let title = e.take(values::required_text("title", "Название курса", &self.title, 500));
        let provider =
            e.take(values::optional_text("provider", "Организация, проводившая курс", &self.provider, 300)).flatten();
        let hours = match self.hours.trim() {
            "" => None,
            h => match h.parse::<i64>() {
                Ok(v) if (1..=3000).contains(&v) => Some(v),
                _ => {
                    e.push(FieldError::new("hours", "Часы: целое число от 1 до 3000"));
                    None
                }
            },
        };
        let start = e.take(optional_date("start_on", "Начало", &self.start_on)).flatten();
        let end = e.take(values::date("end_on", "Окончание", &self.end_on));
        if let (Some(s), Some(x)) = (start, end)
            && x < s
        {
            e.push(FieldError::new("end_on", "Окончание не может быть раньше начала"));
        }
        if end.is_some_and(|x| x > today) {
            e.push(FieldError::new("end_on", "Окончание: курс ещё не завершён — запишите его после окончания"));
        }
        let certificate = e
            .take(values::optional_text("certificate", "Номер удостоверения (диплома)", &self.certificate, 100))
            .flatten();
        e.finish(|| CourseData {
            kind: kind.unwrap_or(CourseKind::AdvancedTraining),
            title: title.unwrap_or_default(),
            provider,
            hours,
            start_on: start,
            end_on: end.unwrap_or(today),
            certificate,
        })
    }
}

#[cfg(test)]
mod course_tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn courses_are_finished_and_dated() {
        let today = date!(2026 - 11 - 23);
        let ok = CourseInput {
            kind: "КПК".into(),
            title: "Функциональная грамотность".into(),
            hours: "72".into(),
            end_on: "20.10.2026".into(),
            ..Default::default()
        };
        assert!(ok.parse(today).is_err(), "КПК is not a code nor the full label");
        let ok = CourseInput { kind: "advanced_training".into(), ..ok };
        assert_eq!(ok.parse(today).unwrap().hours, Some(72));
        let errs = CourseInput {
            kind: "retraining".into(),
            title: "x".into(),
            hours: "0".into(),
            start_on: "01.12.2026".into(),
            end_on: "01.11.2026".into(),
            ..Default::default()
        }
        .parse(today)
        .unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["hours", "end_on"]);
        assert_eq!(DifficultyKind::from_code("digital"), Some(DifficultyKind::Digital));
    }
}

#[cfg(test)]
mod teacher_year_tests {
    use super::*;

    #[test]
    fn a_need_kind_is_listed_or_the_profiles_own() {
        let extra = vec!["наставничество".to_owned()];
        assert_eq!(NeedKind::parse("digital", &extra), Some(NeedKind::Listed(DifficultyKind::Digital)));
        assert_eq!(NeedKind::parse("custom:наставничество", &extra), Some(NeedKind::Own("наставничество".into())));
        assert_eq!(NeedKind::parse("custom:другое", &extra), None, "not a kind of the profile");
        assert_eq!(NeedKind::parse("phd", &extra), None);
        let own = NeedKind::Own("наставничество".into());
        assert_eq!((own.code().as_str(), own.label_ru()), ("custom:наставничество", "наставничество"));
        assert_eq!(NeedKind::from_stored(&own.code()), Some(own.clone()));
        assert_eq!(NeedKind::from_stored("subject"), Some(NeedKind::Listed(DifficultyKind::Subject)));
        assert_eq!(NeedKind::from_stored("иное"), None, "a label is not a stored code");
        assert_eq!(serde_json::to_value(&own).unwrap(), serde_json::json!("custom:наставничество"));
    }

    #[test]
    fn a_topic_is_proposed_then_agreed() {
        assert_eq!(crate::from_stored::<TopicStatus>("agreed"), Some(TopicStatus::Agreed));
        for s in TopicStatus::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::Value::from(s.code()));
        }
    }
}
