//! The exported workbook, read back the way Excel would show it.

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use metoda_docs::export::{ExportRow, teachers_xlsx};
use metoda_docs::import::read_teachers;

use crate::TODAY;

const HEADERS: &[&str] = &["ФИО", "Дата рождения", "ОО", "Должность", "Телефон", "Примечание"];

fn rows() -> Vec<ExportRow> {
    let row = |cells: &[&str]| ExportRow { cells: cells.iter().map(|s| s.to_string()).collect() };
    vec![
        row(&[
            "Иванова Мария Петровна",
            "15.03.1980",
            "МБОУ «СОШ № 1»",
            "учитель математики",
            "+7 (3822) 12-34-56",
            "=1+2",
        ]),
        row(&["Петров Иван", "01.01.1990", "СОШ № 2", "учитель", "-5", "@SUM(A1)"]),
        row(&["Сидорова Анна", "02.02.1985", "СОШ № 3", "учитель"]), // a short row
    ]
}

#[test]
fn cells_come_back_as_written_and_never_as_formulas() {
    let bytes = teachers_xlsx("Банк педагогов Томского района", HEADERS, &rows()).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    let range = wb.worksheet_range("Педагоги").unwrap();
    assert_eq!(range.get_value((0, 0)), Some(&Data::String("Банк педагогов Томского района".into())));
    for (c, h) in HEADERS.iter().enumerate() {
        assert_eq!(range.get_value((1, c as u32)), Some(&Data::String(h.to_string())));
    }
    for (r, row) in rows().iter().enumerate() {
        for (c, cell) in row.cells.iter().enumerate() {
            assert_eq!(range.get_value((r as u32 + 2, c as u32)), Some(&Data::String(cell.clone())), "{r}:{c}");
        }
    }
    let formulas = wb.worksheet_formula("Педагоги").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formulas");

    // the frozen header, the filter over the table and the widths
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    archive.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut xml).unwrap();
    assert!(xml.contains(r#"<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>"#), "{xml}");
    assert!(xml.contains(r#"<autoFilter ref="A2:F5"/>"#), "{xml}");
    assert!(xml.contains("<cols>"));
    assert!(!xml.contains("<f>"));
}

#[test]
fn an_export_imports_back() {
    let bytes = teachers_xlsx("Банк педагогов", &HEADERS[..5], &rows()[..1]).unwrap();
    let sheet = read_teachers(&bytes, "export.xlsx", TODAY).unwrap();
    assert_eq!(sheet.rows.len(), 1);
    let r = &sheet.rows[0];
    assert_eq!(r.row, 3);
    assert_eq!(r.input.last_name, "Иванова");
    assert_eq!(r.input.birth_date, "15.03.1980");
    assert_eq!(r.organization, "МБОУ «СОШ № 1»");
    assert_eq!(r.input.phone, "+7 (3822) 12-34-56");
}

#[test]
fn an_empty_table_still_makes_a_workbook() {
    let bytes = teachers_xlsx("Пусто", &[], &[]).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(range.get_value((0, 0)), Some(&Data::String("Пусто".into())));
}
