//! CSV as Excel saves it: `;` and Windows-1251, «CSV UTF-8» with a BOM, tabs.

use encoding_rs::WINDOWS_1251;
use metoda_docs::import::{MAX_ROWS, Refusal, read_teachers};

use crate::TODAY;

const HEADER: &str = "ФИО;Дата рождения;ОО;Должность;Категория;Стаж;Телефон";

#[test]
fn semicolons_in_windows_1251() {
    let text = format!(
        "{HEADER}\r\nИванова Мария Петровна;15.03.1980;СОШ № 1;учитель математики;высшая;12 лет;+7 (3822) 12-34-56\r\n"
    );
    let (bytes, _, _) = WINDOWS_1251.encode(&text);
    assert!(std::str::from_utf8(&bytes).is_err());
    let sheet = read_teachers(&bytes, "bank.csv", TODAY).unwrap();
    let r = &sheet.rows[0];
    assert_eq!(r.row, 2);
    assert_eq!(r.input.last_name, "Иванова");
    assert_eq!(r.organization, "СОШ № 1");
    assert_eq!(r.input.category, "высшая");
    assert_eq!(r.input.experience_start, "31.03.2014");
    assert_eq!(r.input.phone, "+7 (3822) 12-34-56");
}

#[test]
fn utf8_with_a_bom_and_commas_and_quotes() {
    let text = "\u{feff}Фамилия,Имя,Отчество,Дата рождения,Место работы,Должность\n\
                Иванова,Мария,Петровна,1980-03-15,\"МБОУ \"\"СОШ № 1\"\", г. Томск\",учитель\n";
    let sheet = read_teachers(text.as_bytes(), "bank.txt", TODAY).unwrap();
    let r = &sheet.rows[0];
    assert_eq!(r.organization, "МБОУ \"СОШ № 1\", г. Томск");
    assert_eq!(r.input.birth_date, "15.03.1980");
    assert_eq!(r.input.middle_name, "Петровна");
}

#[test]
fn tabs_and_rows_as_the_user_sees_them() {
    // a blank line and a quoted field spanning two lines: Excel shows them as rows 3 and 4–…
    let text = "ФИО\tДата рождения\tОО\tДолжность\n\
                Иванова Мария\t15.03.1980\t\"СОШ\n№ 1\"\tучитель\n\
                \n\
                Петров Иван\t01.01.1990\tСОШ № 2\tучитель\n";
    let sheet = read_teachers(text.as_bytes(), "bank.tsv", TODAY).unwrap();
    assert_eq!(sheet.rows.len(), 2);
    assert_eq!(sheet.rows[0].row, 2);
    assert_eq!(sheet.rows[1].row, 4);
}

#[test]
fn formula_injection_is_refused_with_the_cell() {
    let text = format!(
        "{HEADER}\nИванова Мария;15.03.1980;СОШ № 1;учитель;;;\nПетров Иван;01.01.1990;=HYPERLINK(\"x\");учитель;;;\n"
    );
    let err = read_teachers(text.as_bytes(), "bank.csv", TODAY).unwrap_err();
    assert_eq!(err.to_string(), "Ячейка C3 содержит формулу. Сохраните таблицу со значениями вместо формул.");
    let text = format!("{HEADER}\nИванова Мария;15.03.1980;СОШ № 1;учитель;;;-cmd|' /C calc'!A0\n");
    assert_eq!(read_teachers(text.as_bytes(), "bank.csv", TODAY).unwrap_err(), Refusal::Formula { cell: "G2".into() });
}

#[test]
fn an_unknown_encoding_is_refused() {
    // KOI8-R bytes are not UTF-8, and read as Windows-1251 they name no known column
    let (bytes, _, _) = encoding_rs::KOI8_R.encode("ФИО;Дата рождения;ОО;Должность\nИванова;15.03.1980;СОШ;учитель\n");
    assert_eq!(read_teachers(&bytes, "bank.csv", TODAY).unwrap_err(), Refusal::Encoding);
    // a Latin header recognised, but the rest is not UTF-8: still no proof of Windows-1251
    assert_eq!(read_teachers(b"Email;x\n\xE8\xE2\xE0\n", "bank.csv", TODAY).unwrap_err(), Refusal::Encoding);
    assert!(Refusal::Encoding.to_string().starts_with("Не удалось определить кодировку файла: сохраните его в UTF-8"));
}

#[test]
fn too_many_rows() {
    let mut text = String::from("ФИО;Дата рождения;ОО;Должность\n");
    for i in 0..MAX_ROWS + 5 {
        text.push_str(&format!("Педагог {i};01.01.1990;СОШ;учитель\n"));
    }
    let err = read_teachers(text.as_bytes(), "bank.csv", TODAY).unwrap_err();
    assert_eq!(err, Refusal::TooManyRows { rows: MAX_ROWS + 5 });
    // exactly at the limit is fine
    let mut text = String::from("ФИО;Дата рождения;ОО;Должность\n");
    for i in 0..MAX_ROWS {
        text.push_str(&format!("Педагог {i};01.01.1990;СОШ;учитель\n"));
    }
    assert_eq!(read_teachers(text.as_bytes(), "bank.csv", TODAY).unwrap().rows.len(), MAX_ROWS);
}
