//! The columns an education office's sheet has, and how their headers are recognised.
//!
//! A header is compared after normalisation: lower case, «ё» as «е», every character that is
//! not a letter or a digit dropped («Ф.И.О.» = «ФИО», «E-mail» = «email»). A header with a
//! remark in brackets («Дата рождения (ДД.ММ.ГГГГ)») is tried whole first, then without it.
//! Matching is exact after that, so «Категория до» is never taken for «Категория».

/// A field of the teacher bank a column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Field {
    FullName,
    LastName,
    FirstName,
    MiddleName,
    BirthDate,
    Organization,
    Position,
    Subjects,
    Education,
    EduInstitution,
    EduSpecialty,
    EduYear,
    Category,
    CategoryAssigned,
    CategoryExpires,
    Experience,
    YoungSpecialist,
    Phone,
    Email,
    Consent,
}

const SYNONYMS: &[(Field, &[&str])] = &[
    (
        Field::FullName,
        &[
            "ФИО",
            "Фамилия Имя Отчество",
            "ФИО педагога",
            "ФИО педагогического работника",
            "ФИО работника",
            "ФИО учителя",
            "ФИО полностью",
            "Фамилия Имя Отчество педагога",
        ],
    ),
    (Field::LastName, &["Фамилия"]),
    (Field::FirstName, &["Имя"]),
    (Field::MiddleName, &["Отчество"]),
    (Field::BirthDate, &["Дата рождения", "Дата рожд", "Число месяц год рождения"]),
    (
        Field::Organization,
        &[
            "ОО",
            "ОУ",
            "Образовательная организация",
            "Организация",
            "Место работы",
            "Основное место работы",
            "Наименование ОО",
            "Наименование организации",
            "Наименование образовательной организации",
            "Образовательное учреждение",
            "Учреждение",
            "Школа",
        ],
    ),
    (Field::Position, &["Должность", "Занимаемая должность", "Наименование должности"]),
    (
        Field::Subjects,
        &[
            "Предмет",
            "Предметы",
            "Направление",
            "Преподаваемый предмет",
            "Преподаваемые предметы",
            "Предмет направление",
        ],
    ),
    (Field::Education, &["Образование", "Уровень образования"]),
    (
        Field::EduInstitution,
        &[
            "Учебное заведение",
            "ОУ окончил",
            "Окончил",
            "Что окончил",
            "Какое учебное заведение окончил",
            "Наименование учебного заведения",
            "Образовательное учреждение окончил",
        ],
    ),
    (Field::EduSpecialty, &["Специальность", "Специальность по диплому", "Специальность квалификация по диплому"]),
    (Field::EduYear, &["Год окончания", "Год окончания учебного заведения", "Год окончания ОУ"]),
    (Field::Category, &["Категория", "Квалификационная категория"]),
    (Field::CategoryAssigned, &["Дата присвоения", "Дата присвоения категории", "Дата аттестации"]),
    (
        Field::CategoryExpires,
        &[
            "Категория до",
            "Действует до",
            "Категория действует до",
            "Дата окончания категории",
            "Срок действия категории",
        ],
    ),
    (
        Field::Experience,
        &[
            "Стаж",
            "Педагогический стаж",
            "Пед стаж",
            "Стаж педагогической работы",
            "Начало стажа",
            "Дата начала стажа",
            "Дата начала педагогического стажа",
        ],
    ),
    (Field::YoungSpecialist, &["Молодой специалист"]),
    (Field::Phone, &["Телефон", "Контактный телефон", "Номер телефона"]),
    (Field::Email, &["Email", "Электронная почта", "Адрес электронной почты", "Эл почта"]),
    (
        Field::Consent,
        &[
            "Согласие на обработку ПД",
            "Согласие на обработку персональных данных",
            "Дата согласия",
            "Дата согласия на обработку ПД",
            "Дата согласия на обработку персональных данных",
            "Согласие",
        ],
    ),
];

/// Lower case, «ё» → «е», letters and digits only.
pub(super) fn compact(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The text without bracketed remarks: «Стаж (лет)» → «Стаж ».
fn without_brackets(s: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn lookup(key: &str) -> Option<Field> {
    if key.is_empty() {
        return None;
    }
    SYNONYMS.iter().find(|(_, names)| names.iter().any(|n| compact(n) == key)).map(|(f, _)| *f)
}

/// The field a header names, if any.
pub(super) fn field_for(header: &str) -> Option<Field> {
    lookup(&compact(header)).or_else(|| lookup(&compact(&without_brackets(header))))
}

/// How a missing required column is named in the refusal.
pub(super) fn required_label(field: Field) -> &'static str {
    match field {
        Field::FullName | Field::LastName | Field::FirstName => "«ФИО» (или «Фамилия» и «Имя»)",
        Field::BirthDate => "«Дата рождения»",
        Field::Organization => "«ОО» (образовательная организация)",
        Field::Position => "«Должность»",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_as_offices_write_them() {
        assert_eq!(field_for("Ф.И.О."), Some(Field::FullName));
        assert_eq!(field_for("  фамилия, имя, отчество "), Some(Field::FullName));
        assert_eq!(field_for("Дата рождения (ДД.ММ.ГГГГ)"), Some(Field::BirthDate));
        assert_eq!(field_for("КАТЕГОРИЯ"), Some(Field::Category));
        assert_eq!(field_for("Категория до"), Some(Field::CategoryExpires));
        assert_eq!(field_for("E-mail"), Some(Field::Email));
        assert_eq!(field_for("e-mail"), Some(Field::Email));
        assert_eq!(field_for("Электронная  почта"), Some(Field::Email));
        assert_eq!(field_for("ОУ окончил"), Some(Field::EduInstitution));
        assert_eq!(field_for("ОУ"), Some(Field::Organization));
        assert_eq!(field_for("Образовательное учреждение (окончил)"), Some(Field::EduInstitution));
        assert_eq!(field_for("Педагогический стаж (лет)"), Some(Field::Experience));
        assert_eq!(field_for("Согласие на обработку ПД"), Some(Field::Consent));
        assert_eq!(field_for("Учёная степень"), None);
        assert_eq!(field_for("№ п/п"), None);
        assert_eq!(field_for(""), None);
    }

    #[test]
    fn every_synonym_is_unique() {
        let mut seen = std::collections::HashMap::new();
        for (field, names) in SYNONYMS {
            for n in *names {
                if let Some(other) = seen.insert(compact(n), *field) {
                    panic!("{n} maps to {other:?} and {field:?}");
                }
            }
        }
    }
}
