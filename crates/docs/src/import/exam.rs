//! ЕГЭ scores of an association's teachers from an XLSX or CSV file, and the template to fill.
//!
//! The file is read by the same readers as the teacher bank (size and content sniffing, the
//! zip-bomb guard, formulas refused, CSV encodings and delimiters): see the parent module. Its
//! columns are «Учитель» (the teacher's full name), «Предмет», «Балл», «Дата» (of the exam) and,
//! optionally, «Код ученика». Every non-empty row becomes an [`ExamRow`] of texts; matching the
//! teacher and the subject and checking the values stay with the caller
//! (`metoda_domain::results::ExamScoreInput::parse`), which reports each problem with the row.

use rust_xlsxwriter::{DataValidation, DataValidationErrorStyle, DataValidationRule, Format, Formula, Workbook};

use super::columns::compact;
use super::layout::{self, Layout};
use super::values::{self, Read};
use super::{CellProblem, RawRow, RawSheet, Refusal};

/// A column of the ЕГЭ file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Column {
    Teacher,
    Subject,
    Score,
    Date,
    StudentCode,
}

const SYNONYMS: &[(Column, &[&str])] = &[
    (
        Column::Teacher,
        &[
            "Учитель",
            "ФИО учителя",
            "Педагог",
            "ФИО педагога",
            "ФИО",
            "Преподаватель",
            "ФИО преподавателя",
            "Учитель ФИО",
        ],
    ),
    (Column::Subject, &["Предмет", "Предмет ЕГЭ", "Учебный предмет", "Экзамен"]),
    (Column::Score, &["Балл", "Баллы", "Балл ЕГЭ", "Тестовый балл", "Первичный балл", "Результат"]),
    (Column::Date, &["Дата", "Дата экзамена", "Дата ЕГЭ", "Дата проведения", "Дата сдачи"]),
    (
        Column::StudentCode,
        &["Код ученика", "Код обучающегося", "Код участника", "Код", "Код выпускника", "Шифр ученика"],
    ),
];

const REQUIRED: [Column; 4] = [Column::Teacher, Column::Subject, Column::Score, Column::Date];

/// The header row of the template (the first sheet of [`exam_template_xlsx`]).
pub const TEMPLATE_HEADERS: [&str; 5] = ["Учитель", "Предмет", "Балл", "Дата экзамена", "Код ученика"];

fn column_for(header: &str) -> Option<Column> {
    let key = compact(header);
    let key_plain = compact(header.split(['(', '[']).next().unwrap_or(header));
    [key, key_plain]
        .into_iter()
        .filter(|k| !k.is_empty())
        .find_map(|k| SYNONYMS.iter().find(|(_, names)| names.iter().any(|n| compact(n) == k)).map(|(c, _)| *c))
}

fn required_label(c: Column) -> &'static str {
    match c {
        Column::Teacher => "«Учитель» (ФИО учителя)",
        Column::Subject => "«Предмет»",
        Column::Score => "«Балл»",
        Column::Date => "«Дата» (экзамена)",
        Column::StudentCode => "«Код ученика»",
    }
}

/// One score as read from a row: the cells' texts (dates as «ДД.ММ.ГГГГ»).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExamRow {
    /// The row number as the user sees it in the spreadsheet.
    pub row: usize,
    /// The teacher's full name as written.
    pub teacher: String,
    pub subject: String,
    pub score: String,
    pub on: String,
    pub student_code: String,
}

/// What was read from an ЕГЭ file.
#[derive(Debug, Clone, Default)]
pub struct ExamSheet {
    pub rows: Vec<ExamRow>,
    /// Cells that could not be interpreted (the row is still produced).
    pub problems: Vec<CellProblem>,
    /// Headers that matched no known column and were skipped, as written in the file.
    pub ignored_columns: Vec<String>,
}

/// Reads ЕГЭ scores from an XLSX or CSV file (decided by content, not by `file_name`).
pub fn read_exam_scores(bytes: &[u8], file_name: &str) -> Result<ExamSheet, Refusal> {
    super::read_table(bytes, file_name, sheet)
}

/// The required columns a header lacks, as named in the refusal.
fn missing(layout: &Layout<Column>) -> Vec<String> {
    REQUIRED.iter().filter(|c| !layout.has(**c)).map(|c| required_label(*c).to_string()).collect()
}

fn sheet(raw: RawSheet) -> Result<ExamSheet, Refusal> {
    let (layout, data) = layout::table(&raw, column_for, missing)?;
    let mut out = ExamSheet {
        rows: Vec::with_capacity(data.len()),
        problems: Vec::new(),
        ignored_columns: layout.ignored.clone(),
    };
    for raw_row in data {
        if let Some(row) = exam_row(raw_row, &layout, &mut out.problems) {
            out.rows.push(row);
        }
    }
    if out.rows.is_empty() {
        return Err(Refusal::NoRows);
    }
    Ok(out)
}

fn exam_row(raw: &RawRow, layout: &Layout<Column>, problems: &mut Vec<CellProblem>) -> Option<ExamRow> {
    let mut out = ExamRow { row: raw.row, ..ExamRow::default() };
    let mut any = false;
    for (col, value) in &raw.cells {
        let Some(column) = layout.kinds.get(col) else { continue };
        let (slot, (text, problem)): (&mut String, Read) = match column {
            Column::Teacher => {
                let (t, p) = values::plain(value);
                (&mut out.teacher, (t.split_whitespace().collect::<Vec<_>>().join(" "), p))
            }
            Column::Subject => (&mut out.subject, values::plain(value)),
            Column::Score => (&mut out.score, values::plain(value)),
            Column::Date => (&mut out.on, values::date(value)),
            Column::StudentCode => (&mut out.student_code, values::plain(value)),
        };
        *slot = text;
        any = true;
        if let Some(message) = problem {
            problems.push(CellProblem { row: raw.row, column: layout.column_name(*col), message });
        }
    }
    any.then_some(out)
}

// ---------------------------------------------------------------------------------------------
// The template
// ---------------------------------------------------------------------------------------------

/// Rows of the template prepared with the date format and the drop-down lists.
const TEMPLATE_ROWS: u32 = 1000;

use super::template_fault as internal;

/// The template to fill: the first sheet «Баллы ЕГЭ» with the header row ([`TEMPLATE_HEADERS`]),
/// the date column formatted as dates, drop-down lists of `teachers` (a warning for another name)
/// and `subjects` (a stop), the score limited to 0–100; the second sheet «Справочник» lists both.
/// The error is a Russian sentence for the user.
pub fn exam_template_xlsx(teachers: &[String], subjects: &[String]) -> Result<Vec<u8>, String> {
    let mut workbook = Workbook::new();
    let header = super::template_header();
    let date = Format::new().set_num_format("dd.mm.yyyy");
    let text = Format::new().set_num_format("@");
    {
        let sheet = workbook.add_worksheet();
        sheet.set_name("Баллы ЕГЭ").map_err(internal)?;
        for (c, h) in TEMPLATE_HEADERS.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &header).map_err(internal)?;
        }
        for (c, width) in [40.0, 34.0, 8.0, 14.0, 16.0].into_iter().enumerate() {
            sheet.set_column_width(c as u16, width).map_err(internal)?;
        }
        sheet.set_column_format(3, &date).map_err(internal)?;
        sheet.set_column_format(4, &text).map_err(internal)?;
        sheet.set_freeze_panes(1, 0).map_err(internal)?;
        if !teachers.is_empty() {
            let v = DataValidation::new()
                .allow_list_formula(Formula::new(format!("='Справочник'!$A$2:$A${}", teachers.len() + 1)))
                .set_error_style(DataValidationErrorStyle::Warning)
                .set_error_message("Такого учителя нет среди членов объединения")
                .map_err(internal)?;
            sheet.add_data_validation(1, 0, TEMPLATE_ROWS, 0, &v).map_err(internal)?;
        }
        if !subjects.is_empty() {
            let v = DataValidation::new()
                .allow_list_formula(Formula::new(format!("='Справочник'!$B$2:$B${}", subjects.len() + 1)))
                .set_error_message("Выберите предмет ЕГЭ из списка")
                .map_err(internal)?;
            sheet.add_data_validation(1, 1, TEMPLATE_ROWS, 1, &v).map_err(internal)?;
        }
        let v = DataValidation::new()
            .allow_whole_number(DataValidationRule::Between(0, 100))
            .set_error_message("Балл: целое число от 0 до 100")
            .map_err(internal)?;
        sheet.add_data_validation(1, 2, TEMPLATE_ROWS, 2, &v).map_err(internal)?;
    }
    let lists = workbook.add_worksheet();
    lists.set_name("Справочник").map_err(internal)?;
    lists.write_string_with_format(0, 0, "Учителя (члены объединения)", &header).map_err(internal)?;
    lists.write_string_with_format(0, 1, "Предметы ЕГЭ", &header).map_err(internal)?;
    lists.set_column_width(0, 40.0).map_err(internal)?;
    lists.set_column_width(1, 34.0).map_err(internal)?;
    for (r, t) in teachers.iter().enumerate() {
        lists.write_string((r + 1) as u32, 0, t).map_err(internal)?;
    }
    for (r, s) in subjects.iter().enumerate() {
        lists.write_string((r + 1) as u32, 1, s).map_err(internal)?;
    }
    workbook.save_to_buffer().map_err(internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
        let mut wb = Workbook::new();
        let sheet = wb.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if let Ok(n) = v.parse::<f64>() {
                    sheet.write_number(r as u32, c as u16, n).unwrap();
                } else if !v.is_empty() {
                    sheet.write_string(r as u32, c as u16, *v).unwrap();
                }
            }
        }
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn headers_as_schools_write_them() {
        assert_eq!(column_for("ФИО учителя"), Some(Column::Teacher));
        assert_eq!(column_for("Учитель"), Some(Column::Teacher));
        assert_eq!(column_for("Балл (0–100)"), Some(Column::Score));
        assert_eq!(column_for("Дата экзамена"), Some(Column::Date));
        assert_eq!(column_for("код ученика"), Some(Column::StudentCode));
        assert_eq!(column_for("Организация"), None);
        assert_eq!(column_for(""), None);
    }

    #[test]
    fn every_synonym_is_unique() {
        let mut seen = std::collections::HashMap::new();
        for (c, names) in SYNONYMS {
            for n in *names {
                assert!(seen.insert(compact(n), *c).is_none(), "{n}");
            }
        }
    }

    #[test]
    fn reads_an_xlsx_with_a_title_block_and_a_numbered_row() {
        let bytes = xlsx(&[
            &["Результаты ЕГЭ 2026"],
            &["№", "ФИО учителя", "Предмет", "Балл", "Дата", "Код ученика", "Организация"],
            &["1", "2", "3", "4", "5", "6", "7"],
            &["1", "Иванова  Анна Петровна", "Русский язык", "85", "46188", "А-1", "СОШ"],
            &["2", "Петров П. П.", "физика", "72.5", "", "", ""],
            &[],
        ]);
        let s = read_exam_scores(&bytes, "егэ.xlsx").unwrap();
        assert_eq!(s.rows.len(), 2, "{:?}", s.rows);
        assert_eq!(s.rows[0].row, 4);
        assert_eq!(s.rows[0].teacher, "Иванова Анна Петровна");
        assert_eq!(s.rows[0].subject, "Русский язык");
        assert_eq!(s.rows[0].score, "85");
        assert_eq!(s.rows[0].on, "15.06.2026");
        assert_eq!(s.rows[0].student_code, "А-1");
        assert_eq!(s.rows[1].score, "72.5", "a fraction stays for the caller to refuse");
        assert_eq!(s.rows[1].on, "");
        assert_eq!(s.ignored_columns, vec!["№".to_string(), "Организация".to_string()]);
    }

    #[test]
    fn reads_a_csv_and_names_missing_columns() {
        let csv = "Учитель;Предмет;Балл;Дата\nИванова Анна;химия;90;2026-06-10\n";
        let s = read_exam_scores(csv.as_bytes(), "егэ.csv").unwrap();
        assert_eq!(s.rows[0].row, 2);
        assert_eq!(s.rows[0].on, "10.06.2026");
        let err = read_exam_scores("Учитель;Балл\nИванова;90\n".as_bytes(), "x.csv").unwrap_err();
        assert_eq!(
            err,
            Refusal::MissingColumns {
                missing: vec!["«Предмет»".into(), "«Дата» (экзамена)".into()]
            }
        );
        assert!(matches!(read_exam_scores(b"%PDF-1.4", "x.xlsx"), Err(Refusal::NotATable { .. })));
        assert!(matches!(read_exam_scores("Учитель;Предмет;Балл;Дата\n".as_bytes(), "x.csv"), Err(Refusal::NoRows)));
    }

    #[test]
    fn the_template_reads_back_with_its_header_only() {
        let bytes = exam_template_xlsx(&["Иванова Анна Петровна".into()], &["русский язык".into()]).unwrap();
        assert!(matches!(read_exam_scores(&bytes, "шаблон.xlsx"), Err(Refusal::NoRows)));
        let csv = format!("{}\nИванова Анна Петровна;русский язык;70;01.06.2026;\n", TEMPLATE_HEADERS.join(";"));
        let s = read_exam_scores(csv.as_bytes(), "шаблон.csv").unwrap();
        assert_eq!(s.rows.len(), 1);
        assert!(s.ignored_columns.is_empty());
    }
}
