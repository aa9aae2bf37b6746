//! XLSX as an education office keeps its teacher bank.

use metoda_docs::import::{MAX_ROWS, Refusal, read_teachers};

use crate::{C, TODAY, srow, xlsx};

fn office_sheet() -> Vec<u8> {
    xlsx(&[
        // a title block above the header, as offices do
        srow(&["Банк данных педагогических работников Томского района на 01.09.2025"]),
        vec![],
        srow(&[
            "№ п/п",
            "Ф.И.О.",
            "Дата рождения",
            "ОО",
            "Должность",
            "Предмет",
            "Образование",
            "ОУ окончил",
            "Специальность по диплому",
            "Год окончания",
            "Квалификационная категория",
            "Дата присвоения категории",
            "Действует до",
            "Педагогический стаж",
            "Молодой специалист",
            "Телефон",
            "E-mail",
            "Согласие на обработку ПД",
            "Примечание",
        ]),
        vec![
            C::N(1.0),
            C::S("  Иванова   Мария Петровна "),
            C::D(1980, 3, 15),
            C::S("МБОУ «Зональненская СОШ»"),
            C::S("учитель математики"),
            C::S("математика"),
            C::S("Высшее профессиональное"),
            C::S("ТГПУ"),
            C::S("учитель математики и информатики"),
            C::N(2002.0),
            C::S("Первая"),
            C::D(2022, 4, 1),
            C::D(2027, 4, 1),
            C::D(2002, 9, 1),
            C::S("нет"),
            C::S("+7 (3822) 12-34-56"),
            C::S("ivanova@school.ru"),
            C::D(2025, 9, 1),
            C::S("—"),
        ],
        // an empty row in the middle (only the running number): skipped
        vec![C::N(2.0)],
        vec![
            C::N(3.0),
            C::S("Петров Иван"),
            C::S("05.11.1999"),
            C::S("МАОУ СОШ № 3"),
            C::S("учитель физики"),
            C::S(""),
            C::S("ВО"),
            C::S(""),
            C::S(""),
            C::S(""),
            C::S("б/к"),
            C::S(""),
            C::S(""),
            C::S("2,5"),
            C::S("да"),
        ],
        vec![],
    ])
}

#[test]
fn an_office_sheet_reads_into_teacher_inputs() {
    let sheet = read_teachers(&office_sheet(), "bank.xlsx", TODAY).unwrap();
    assert_eq!(sheet.rows.len(), 2, "{:?}", sheet.rows);
    assert!(sheet.problems.is_empty(), "{:?}", sheet.problems);
    assert_eq!(sheet.ignored_columns, vec!["№ п/п".to_string(), "Примечание".to_string()]);

    let first = &sheet.rows[0];
    assert_eq!(first.row, 4); // the header is in row 3 of this sheet
    assert_eq!(first.organization, "МБОУ «Зональненская СОШ»");
    let i = &first.input;
    assert_eq!((i.last_name.as_str(), i.first_name.as_str(), i.middle_name.as_str()), ("Иванова", "Мария", "Петровна"));
    assert_eq!(i.birth_date, "15.03.1980");
    assert_eq!(i.organization_id, None);
    assert_eq!(i.position, "учитель математики");
    assert_eq!(i.subjects, "математика");
    assert_eq!(i.education, "высшее");
    assert_eq!(i.edu_institution, "ТГПУ");
    assert_eq!(i.edu_specialty, "учитель математики и информатики");
    assert_eq!(i.edu_year, "2002");
    assert_eq!(i.category, "первая");
    assert_eq!(i.category_assigned_on, "01.04.2022");
    assert_eq!(i.category_expires_on, "01.04.2027");
    assert_eq!(i.experience_start, "01.09.2002");
    assert!(!i.young_specialist);
    assert_eq!(i.phone, "+7 (3822) 12-34-56");
    assert_eq!(i.email, "ivanova@school.ru");
    assert_eq!(i.consent_on, "01.09.2025");

    let second = &sheet.rows[1];
    assert_eq!(second.row, 6);
    assert_eq!(second.input.middle_name, "");
    assert_eq!(second.input.birth_date, "05.11.1999");
    assert_eq!(second.input.category, "без категории");
    assert_eq!(second.input.experience_start, "30.09.2023"); // 2,5 years before 31.03.2026
    assert!(second.input.young_specialist);

    // what the caller does next: match the organization, then the domain's own validation
    for row in &sheet.rows {
        let mut input = row.input.clone();
        input.organization_id = Some(1);
        input.parse(TODAY).unwrap();
    }
}

#[test]
fn separate_name_columns_a_header_in_row_one_and_column_numbers_under_it() {
    let bytes = xlsx(&[
        srow(&["Фамилия", "Имя", "Отчество", "Дата рождения", "Образовательная организация", "Должность", "Стаж"]),
        // the column numbers Russian forms put under the header
        (1..=7).map(|n| C::N(f64::from(n))).collect(),
        vec![
            C::S("Сидорова"),
            C::S("Анна"),
            C::S("Игоревна"),
            C::N(29295.0), // a date serial without a date format
            C::S("СОШ № 1"),
            C::S("учитель"),
            C::N(12.0),
        ],
    ]);
    let sheet = read_teachers(&bytes, "x.xlsx", TODAY).unwrap();
    assert_eq!(sheet.rows.len(), 1);
    let r = &sheet.rows[0];
    assert_eq!(r.row, 3);
    assert_eq!((r.input.last_name.as_str(), r.input.first_name.as_str()), ("Сидорова", "Анна"));
    assert_eq!(r.input.middle_name, "Игоревна");
    assert_eq!(r.input.birth_date, "15.03.1980");
    assert_eq!(r.input.experience_start, "31.03.2014");
}

#[test]
fn a_bad_date_cell_is_a_problem_of_its_row_and_column() {
    let bytes = xlsx(&[
        srow(&["ФИО", "Дата рождения", "ОО", "Должность", "Молодой специалист"]),
        vec![C::S("Иванова Мария Петровна"), C::N(99_999_999.0), C::S("СОШ № 1"), C::S("учитель"), C::Bool(true)],
        vec![C::S("Петров Иван Ильич"), C::D(1990, 1, 2), C::S("СОШ № 1"), C::S("учитель"), C::S("может быть")],
    ]);
    let sheet = read_teachers(&bytes, "x.xlsx", TODAY).unwrap();
    assert_eq!(sheet.rows.len(), 2, "rows with problems are still produced");
    assert_eq!(sheet.problems.len(), 2, "{:?}", sheet.problems);
    let p = &sheet.problems[0];
    assert_eq!((p.row, p.column.as_str()), (2, "Дата рождения"));
    assert!(p.message.contains("99999999"), "{}", p.message);
    assert_eq!(sheet.rows[0].input.birth_date, "99999999");
    assert!(sheet.rows[0].input.young_specialist);
    let p = &sheet.problems[1];
    assert_eq!((p.row, p.column.as_str()), (3, "Молодой специалист"));
    assert!(p.message.contains("«да» или «нет»"));
}

#[test]
fn a_formula_refuses_the_file_naming_the_cell() {
    let mut rows = vec![srow(&["ФИО", "Дата рождения", "ОО", "Должность"])];
    for _ in 0..3 {
        rows.push(srow(&["Иванова Мария Петровна", "15.03.1980", "СОШ № 1", "учитель"]));
    }
    rows.push(vec![C::S("Петров Иван"), C::S("01.01.1990"), C::F("=A2&\"!\""), C::S("учитель")]);
    let err = read_teachers(&xlsx(&rows), "x.xlsx", TODAY).unwrap_err();
    assert_eq!(err, Refusal::Formula { cell: "C5".into() });
    assert_eq!(err.to_string(), "Ячейка C5 содержит формулу. Сохраните таблицу со значениями вместо формул.");
}

#[test]
fn missing_required_columns_are_named() {
    let bytes = xlsx(&[srow(&["Фамилия", "Должность", "Телефон"]), srow(&["Иванова", "учитель", "123"])]);
    let err = read_teachers(&bytes, "x.xlsx", TODAY).unwrap_err();
    let Refusal::MissingColumns { missing } = &err else { panic!("{err:?}") };
    assert_eq!(missing.len(), 3, "{missing:?}");
    let text = err.to_string();
    for needle in ["«ФИО» (или «Фамилия» и «Имя»)", "«Дата рождения»", "«ОО»"]
    {
        assert!(text.contains(needle), "{text}");
    }
    assert!(!text.contains("«Должность»"));
}

#[test]
fn a_header_without_rows_is_refused() {
    let bytes = xlsx(&[srow(&["ФИО", "Дата рождения", "ОО", "Должность"])]);
    assert_eq!(read_teachers(&bytes, "x.xlsx", TODAY).unwrap_err(), Refusal::NoRows);
}

#[test]
fn more_than_the_limit_of_rows_is_refused() {
    let mut rows = vec![srow(&["ФИО", "Дата рождения", "ОО", "Должность"])];
    rows.extend((0..=MAX_ROWS).map(|_| srow(&["Иванова Мария"])));
    let err = read_teachers(&xlsx(&rows), "x.xlsx", TODAY).unwrap_err();
    assert_eq!(err.to_string(), "В файле 50 001 строк; за один раз можно загрузить не более 50 000.");
}

#[test]
fn a_stray_cell_far_away_costs_nothing() {
    let mut rows: Vec<Vec<C>> = vec![
        srow(&["ФИО", "Дата рождения", "ОО", "Должность"]),
        srow(&["Иванова Мария", "15.03.1980", "СОШ № 1", "учитель"]),
    ];
    // a value at XFD1048576 would make a dense grid of 17 billion cells
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.drain(..).enumerate() {
        for (c, cell) in row.into_iter().enumerate() {
            if let C::S(s) = cell {
                ws.write_string(r as u32, c as u16, s).unwrap();
            }
        }
    }
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let sheet = read_teachers(&bytes, "x.xlsx", TODAY).unwrap();
    assert_eq!(sheet.rows.len(), 1);
}
