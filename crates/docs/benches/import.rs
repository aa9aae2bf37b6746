//! The teacher bank of a large region: 20 000 rows read from XLSX and written to XLSX.
//!
//! `cargo bench -p metoda-docs` (about a minute after the release build).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use metoda_docs::export::{ExportRow, teachers_xlsx};
use metoda_docs::import::read_teachers;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use time::macros::date;

const ROWS: usize = 20_000;

const LAST_F: &[&str] = &["Иванова", "Петрова", "Сидорова", "Кузнецова", "Смирнова", "Попова", "Васильева", "Новикова"];
const LAST_M: &[&str] = &["Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Попов", "Васильев", "Новиков"];
const FIRST_F: &[&str] = &["Мария", "Анна", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана"];
const FIRST_M: &[&str] = &["Иван", "Сергей", "Алексей", "Дмитрий", "Андрей", "Михаил", "Николай", "Павел"];
const MIDDLE_F: &[&str] = &["Петровна", "Ивановна", "Сергеевна", "Александровна", "Николаевна", "Викторовна"];
const MIDDLE_M: &[&str] = &["Петрович", "Иванович", "Сергеевич", "Александрович", "Николаевич", "Викторович"];
const SCHOOLS: &[&str] = &[
    "МБОУ «Зональненская СОШ»",
    "МАОУ «Копыловская СОШ»",
    "МБОУ «Корниловская СОШ»",
    "МБДОУ «Детский сад № 5 п. Мирный»",
    "МБОУ ДО «ДДТ Томского района»",
];
const POSITIONS: &[(&str, &str)] = &[
    ("учитель математики", "математика"),
    ("учитель русского языка и литературы", "русский язык, литература"),
    ("учитель физики", "физика"),
    ("учитель начальных классов", "начальные классы"),
    ("воспитатель", "дошкольное образование"),
    ("социальный педагог", ""),
];
const EDUCATION: &[&str] = &["высшее", "высшее", "высшее", "среднее профессиональное"];
const CATEGORY: &[&str] = &["высшая", "первая", "первая", "соответствие занимаемой должности", "без категории"];

fn pick<'a>(list: &[&'a str], i: usize) -> &'a str {
    list[i % list.len()]
}

/// An office's bank: a title, a header, 20 000 teachers with real date cells.
fn bank_xlsx() -> Vec<u8> {
    let headers = [
        "№ п/п",
        "ФИО",
        "Дата рождения",
        "ОО",
        "Должность",
        "Предмет",
        "Образование",
        "ОУ окончил",
        "Специальность по диплому",
        "Год окончания",
        "Категория",
        "Дата присвоения",
        "Действует до",
        "Педагогический стаж",
        "Молодой специалист",
        "Телефон",
        "Email",
        "Согласие на обработку ПД",
    ];
    let mut wb = Workbook::new();
    let date_format = Format::new().set_num_format("dd.mm.yyyy");
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Банк данных педагогических работников на 01.09.2025").unwrap();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    let date = |y: usize, m: usize, d: usize| ExcelDateTime::from_ymd(y as u16, (m % 12 + 1) as u8, (d % 28 + 1) as u8);
    for i in 0..ROWS {
        let r = (i + 2) as u32;
        let female = i % 5 != 0;
        let (last, first, middle) = if female { (LAST_F, FIRST_F, MIDDLE_F) } else { (LAST_M, FIRST_M, MIDDLE_M) };
        let name = format!("{} {} {}", pick(last, i), pick(first, i / 7), pick(middle, i / 3));
        let birth_year = 1960 + i % 40;
        let (position, subject) = POSITIONS[i % POSITIONS.len()];
        let category = pick(CATEGORY, i / 2);
        ws.write_number(r, 0, (i + 1) as f64).unwrap();
        ws.write_string(r, 1, name).unwrap();
        ws.write_datetime_with_format(r, 2, date(birth_year, i, i / 12).unwrap(), &date_format).unwrap();
        ws.write_string(r, 3, pick(SCHOOLS, i / 11)).unwrap();
        ws.write_string(r, 4, position).unwrap();
        ws.write_string(r, 5, subject).unwrap();
        ws.write_string(r, 6, pick(EDUCATION, i)).unwrap();
        ws.write_string(r, 7, "Томский государственный педагогический университет").unwrap();
        ws.write_string(r, 8, position).unwrap();
        ws.write_number(r, 9, (birth_year + 22) as f64).unwrap();
        ws.write_string(r, 10, category).unwrap();
        if category != "без категории" {
            ws.write_datetime_with_format(r, 11, date(2021 + i % 4, i / 3, i).unwrap(), &date_format).unwrap();
            ws.write_datetime_with_format(r, 12, date(2026 + i % 4, i / 3, i).unwrap(), &date_format).unwrap();
        }
        if i % 2 == 0 {
            ws.write_datetime_with_format(r, 13, date(birth_year + 23, 8, 0).unwrap(), &date_format).unwrap();
        } else {
            ws.write_string(r, 13, format!("{} лет", (i % 35) + 1)).unwrap();
        }
        ws.write_string(r, 14, if i % 9 == 0 { "да" } else { "нет" }).unwrap();
        ws.write_string(r, 15, format!("+7 (3822) {:02}-{:02}-{:02}", i % 90 + 10, i % 89 + 10, i % 87 + 10)).unwrap();
        ws.write_string(r, 16, format!("teacher{i}@school.tomsk.ru")).unwrap();
        ws.write_datetime_with_format(r, 17, date(2025, 8, i).unwrap(), &date_format).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

fn export_rows(sheet: &metoda_docs::import::Sheet) -> Vec<ExportRow> {
    sheet
        .rows
        .iter()
        .map(|r| {
            let i = &r.input;
            ExportRow {
                cells: vec![
                    format!("{} {} {}", i.last_name, i.first_name, i.middle_name),
                    i.birth_date.clone(),
                    r.organization.clone(),
                    i.position.clone(),
                    i.subjects.clone(),
                    i.education.clone(),
                    i.edu_institution.clone(),
                    i.edu_specialty.clone(),
                    i.edu_year.clone(),
                    i.category.clone(),
                    i.category_assigned_on.clone(),
                    i.category_expires_on.clone(),
                    i.experience_start.clone(),
                    if i.young_specialist { "да".into() } else { "нет".into() },
                    i.phone.clone(),
                    i.email.clone(),
                    i.consent_on.clone(),
                ],
            }
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let today = date!(2026 - 03 - 31);
    let bytes = bank_xlsx();
    let sheet = read_teachers(&bytes, "bank.xlsx", today).unwrap();
    assert_eq!(sheet.rows.len(), ROWS);
    assert!(sheet.problems.is_empty(), "{:?}", sheet.problems.first());
    eprintln!("generated XLSX: {} KB, {ROWS} rows", bytes.len() / 1024);

    let mut group = c.benchmark_group("teacher_bank_20000");
    group.sample_size(10).measurement_time(Duration::from_secs(10)).warm_up_time(Duration::from_secs(1));
    group.bench_function("read_teachers_xlsx", |b| b.iter(|| read_teachers(black_box(&bytes), "bank.xlsx", today)));

    let headers = [
        "ФИО",
        "Дата рождения",
        "ОО",
        "Должность",
        "Предмет",
        "Образование",
        "Учебное заведение",
        "Специальность",
        "Год окончания",
        "Категория",
        "Дата присвоения",
        "Действует до",
        "Начало стажа",
        "Молодой специалист",
        "Телефон",
        "Email",
        "Дата согласия",
    ];
    let rows = export_rows(&sheet);
    group.bench_function("teachers_xlsx", |b| {
        b.iter(|| teachers_xlsx("Банк педагогов Томского района", black_box(&headers), black_box(&rows)))
    });
    group.finish();
}

criterion_group!(import, benches);
criterion_main!(import);
