//! An association's past loaded at once (issue 15): its membership history and its past meetings'
//! attendance, from XLSX or CSV files, and the templates to fill.
//!
//! The files are read by the same readers as the teacher bank (size and content sniffing, the
//! zip-bomb guard, formulas refused, CSV encodings and delimiters) and the same header search.
//! Every non-empty row becomes a row of texts (dates as «ДД.ММ.ГГГГ»); matching the teachers,
//! checking the dates against the records and writing stay with the caller, which reports each
//! problem with its row.
//!
//! - The membership history ([`read_membership_history`]): «Учитель» (full name), «Организация»
//!   (optional, tells namesakes apart), «Дата включения», «Дата выбытия» (empty: still a member).
//! - The attendance ([`read_attendance`]): one row per member and meeting: «Дата заседания»,
//!   «Учитель», «Явка», and optionally «№ протокола» and «Вопрос повестки» (each distinct one
//!   becomes an item of that meeting's agenda).

use rust_xlsxwriter::{DataValidation, Format, Workbook};

use super::columns::compact;
use super::layout::{self, Layout};
use super::values;
use super::{CellProblem, RawRow, RawSheet, Refusal};

/// A column of either file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Column {
    Teacher,
    Organization,
    Joined,
    Left,
    MeetingDate,
    Number,
    Topic,
    Mark,
}

const SYNONYMS: &[(Column, &[&str])] = &[
    (
        Column::Teacher,
        &["Учитель", "ФИО учителя", "Педагог", "ФИО педагога", "ФИО", "Член объединения", "ФИО члена объединения"],
    ),
    (Column::Organization, &["Организация", "Образовательная организация", "ОО", "Школа", "Место работы"]),
    (Column::Joined, &["Дата включения", "Включён", "Дата вступления", "В составе с", "Дата начала", "С"]),
    (
        Column::Left,
        &["Дата выбытия", "Выбыл", "Дата выхода", "Дата исключения", "В составе по", "Дата окончания", "По"],
    ),
    (Column::MeetingDate, &["Дата заседания", "Заседание", "Дата проведения"]),
    (Column::Number, &["№ протокола", "Номер протокола", "Протокол"]),
    (Column::Topic, &["Вопрос повестки", "Тема", "Тема заседания", "Повестка", "Вопрос"]),
    (Column::Mark, &["Явка", "Присутствие", "Отметка", "Присутствовал"]),
];

fn column_for(header: &str, allowed: &[Column]) -> Option<Column> {
    let key = compact(header);
    let key_plain = compact(header.split(['(', '[']).next().unwrap_or(header));
    [key, key_plain].into_iter().filter(|k| !k.is_empty()).find_map(|k| {
        SYNONYMS
            .iter()
            .filter(|(c, _)| allowed.contains(c))
            .find(|(_, names)| names.iter().any(|n| compact(n) == k))
            .map(|(c, _)| *c)
    })
}

fn label(c: Column) -> &'static str {
    match c {
        Column::Teacher => "«Учитель» (ФИО)",
        Column::Organization => "«Организация»",
        Column::Joined => "«Дата включения»",
        Column::Left => "«Дата выбытия»",
        Column::MeetingDate => "«Дата заседания»",
        Column::Number => "«№ протокола»",
        Column::Topic => "«Вопрос повестки»",
        Column::Mark => "«Явка»",
    }
}

/// One membership period as read from a row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MembershipRow {
    /// The row number as the user sees it in the spreadsheet.
    pub row: usize,
    /// The teacher's full name as written (spaces collapsed).
    pub teacher: String,
    pub organization: String,
    pub joined: String,
    /// Empty: still a member.
    pub left: String,
}

/// One member's mark at one meeting as read from a row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttendanceRow {
    pub row: usize,
    pub on: String,
    pub number: String,
    pub topic: String,
    pub teacher: String,
    pub mark: String,
}

/// What was read from a file.
#[derive(Debug, Clone, Default)]
pub struct Rows<T> {
    pub rows: Vec<T>,
    /// Cells that could not be interpreted (the row is still produced).
    pub problems: Vec<CellProblem>,
    /// Headers that matched no known column and were skipped, as written in the file.
    pub ignored_columns: Vec<String>,
}

const MEMBERSHIP_COLUMNS: [Column; 4] = [Column::Teacher, Column::Organization, Column::Joined, Column::Left];
const MEMBERSHIP_REQUIRED: [Column; 2] = [Column::Teacher, Column::Joined];
const ATTENDANCE_COLUMNS: [Column; 5] =
    [Column::MeetingDate, Column::Number, Column::Topic, Column::Teacher, Column::Mark];
const ATTENDANCE_REQUIRED: [Column; 3] = [Column::MeetingDate, Column::Teacher, Column::Mark];

/// The header row of the membership template.
pub const MEMBERSHIP_HEADERS: [&str; 4] = ["Учитель", "Организация", "Дата включения", "Дата выбытия"];
/// The header row of the attendance template.
pub const ATTENDANCE_HEADERS: [&str; 5] = ["Дата заседания", "№ протокола", "Вопрос повестки", "Учитель", "Явка"];

/// Reads an association's membership history from an XLSX or CSV file.
pub fn read_membership_history(bytes: &[u8], file_name: &str) -> Result<Rows<MembershipRow>, Refusal> {
    super::read_table(bytes, file_name, |raw| {
        read(&raw, &MEMBERSHIP_COLUMNS, &MEMBERSHIP_REQUIRED, |row, cells| MembershipRow {
            row,
            teacher: take(cells, Column::Teacher),
            organization: take(cells, Column::Organization),
            joined: take(cells, Column::Joined),
            left: take(cells, Column::Left),
        })
    })
}

/// Reads past meetings' attendance from an XLSX or CSV file.
pub fn read_attendance(bytes: &[u8], file_name: &str) -> Result<Rows<AttendanceRow>, Refusal> {
    super::read_table(bytes, file_name, |raw| {
        read(&raw, &ATTENDANCE_COLUMNS, &ATTENDANCE_REQUIRED, |row, cells| AttendanceRow {
            row,
            on: take(cells, Column::MeetingDate),
            number: take(cells, Column::Number),
            topic: take(cells, Column::Topic),
            teacher: take(cells, Column::Teacher),
            mark: take(cells, Column::Mark),
        })
    })
}

fn take(cells: &mut Vec<(Column, String)>, c: Column) -> String {
    cells.iter().position(|(x, _)| *x == c).map(|i| cells.swap_remove(i).1).unwrap_or_default()
}

/// The rows of a sheet with the `columns` of one file, each turned into a `T` by `make`.
fn read<T>(
    raw: &RawSheet,
    columns: &[Column],
    required: &[Column],
    make: impl Fn(usize, &mut Vec<(Column, String)>) -> T,
) -> Result<Rows<T>, Refusal> {
    let missing = |l: &Layout<Column>| -> Vec<String> {
        required.iter().filter(|c| !l.has(**c)).map(|c| label(*c).to_string()).collect()
    };
    let (layout, data) = layout::table(raw, |h| column_for(h, columns), missing)?;
    let mut out =
        Rows { rows: Vec::with_capacity(data.len()), problems: vec![], ignored_columns: layout.ignored.clone() };
    for raw_row in data {
        if let Some(mut cells) = cells(raw_row, &layout, &mut out.problems) {
            out.rows.push(make(raw_row.row, &mut cells));
        }
    }
    if out.rows.is_empty() {
        return Err(Refusal::NoRows);
    }
    Ok(out)
}

/// The texts of a row's recognised cells, or None for a row with none.
fn cells(raw: &RawRow, layout: &Layout<Column>, problems: &mut Vec<CellProblem>) -> Option<Vec<(Column, String)>> {
    let mut out = vec![];
    for (col, value) in &raw.cells {
        let Some(column) = layout.kinds.get(col) else { continue };
        let (text, problem) = match column {
            Column::Joined | Column::Left | Column::MeetingDate => values::date(value),
            Column::Teacher => {
                let (t, p) = values::plain(value);
                (t.split_whitespace().collect::<Vec<_>>().join(" "), p)
            }
            _ => values::plain(value),
        };
        if let Some(message) = problem {
            problems.push(CellProblem { row: raw.row, column: layout.column_name(*col), message });
        }
        if !text.is_empty() {
            out.push((*column, text));
        }
    }
    (!out.is_empty()).then_some(out)
}

// ---------------------------------------------------------------------------------------------
// The templates
// ---------------------------------------------------------------------------------------------

/// Rows of a template prepared with the date format and the drop-down lists.
const TEMPLATE_ROWS: u32 = 1000;

use super::template_fault as internal;

/// The membership template: the header row, the date columns formatted as dates, and the
/// municipality's `teachers` («ФИО — организация» on the second sheet) to copy from.
pub fn membership_template_xlsx(teachers: &[(String, String)]) -> Result<Vec<u8>, String> {
    template("Состав", &MEMBERSHIP_HEADERS, &[2, 3], &[40.0, 30.0, 16.0, 16.0], None, teachers)
}

/// The attendance template: the header row, the date column as dates, the marks as a drop-down
/// list, and the association's members to copy from.
pub fn attendance_template_xlsx(members: &[(String, String)]) -> Result<Vec<u8>, String> {
    template("Явка", &ATTENDANCE_HEADERS, &[0], &[16.0, 12.0, 40.0, 40.0, 30.0], Some(4), members)
}

fn template(
    name: &str,
    headers: &[&str],
    date_columns: &[u16],
    widths: &[f64],
    mark_column: Option<u16>,
    teachers: &[(String, String)],
) -> Result<Vec<u8>, String> {
    let mut workbook = Workbook::new();
    let header = super::template_header();
    let date = Format::new().set_num_format("dd.mm.yyyy");
    {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name).map_err(internal)?;
        for (c, h) in headers.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &header).map_err(internal)?;
        }
        for (c, w) in widths.iter().enumerate() {
            sheet.set_column_width(c as u16, *w).map_err(internal)?;
        }
        for c in date_columns {
            sheet.set_column_format(*c, &date).map_err(internal)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(internal)?;
        if let Some(c) = mark_column {
            let v = DataValidation::new()
                .allow_list_strings(&["присутствует", "отсутствует", "уважительная причина"])
                .map_err(internal)?
                .set_error_message("Явка: «присутствует», «отсутствует» или «уважительная причина»")
                .map_err(internal)?;
            sheet.add_data_validation(1, c, TEMPLATE_ROWS, c, &v).map_err(internal)?;
        }
    }
    let lists = workbook.add_worksheet();
    lists.set_name("Справочник").map_err(internal)?;
    lists.write_string_with_format(0, 0, "Педагог", &header).map_err(internal)?;
    lists.write_string_with_format(0, 1, "Организация", &header).map_err(internal)?;
    lists.set_column_width(0, 40.0).map_err(internal)?;
    lists.set_column_width(1, 30.0).map_err(internal)?;
    for (r, (t, o)) in teachers.iter().enumerate() {
        lists.write_string((r + 1) as u32, 0, t).map_err(internal)?;
        lists.write_string((r + 1) as u32, 1, o).map_err(internal)?;
    }
    workbook.save_to_buffer().map_err(internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_synonym_is_unique_within_a_file() {
        for columns in [&MEMBERSHIP_COLUMNS[..], &ATTENDANCE_COLUMNS[..]] {
            let mut seen = std::collections::HashMap::new();
            for (c, names) in SYNONYMS.iter().filter(|(c, _)| columns.contains(c)) {
                for n in *names {
                    assert!(seen.insert(compact(n), *c).is_none(), "{n}");
                }
            }
        }
    }

    #[test]
    fn reads_a_membership_history_with_its_dates() {
        let csv = "История состава ММО\nФИО педагога;Школа;Дата вступления;Дата выбытия;Примечание\n\
                   Иванова  Анна Петровна;СОШ № 1;01.09.2024;2025-05-31;\n\
                   Петров П. П.;;1.9.2024;;перевёлся\n;;;;\n";
        let s = read_membership_history(csv.as_bytes(), "состав.csv").unwrap();
        assert_eq!(s.rows.len(), 2);
        assert_eq!(
            s.rows[0],
            MembershipRow {
                row: 3,
                teacher: "Иванова Анна Петровна".into(),
                organization: "СОШ № 1".into(),
                joined: "01.09.2024".into(),
                left: "31.05.2025".into(),
            }
        );
        assert_eq!(s.rows[1].left, "");
        assert_eq!(s.ignored_columns, vec!["Примечание".to_string()]);
        let err = read_membership_history("ФИО;Дата выбытия\nИванова;01.01.2025\n".as_bytes(), "x.csv").unwrap_err();
        assert_eq!(err, Refusal::MissingColumns { missing: vec!["«Дата включения»".into()] });
    }

    #[test]
    fn reads_attendance_and_its_template_back() {
        let csv = format!(
            "{}\n12.10.2025;1;О плане работы;Иванова Анна Петровна;присутствует\n12.10.2025;;;Петров Пётр;отсутствует\n",
            ATTENDANCE_HEADERS.join(";")
        );
        let s = read_attendance(csv.as_bytes(), "явка.csv").unwrap();
        assert_eq!(s.rows.len(), 2);
        assert_eq!(s.rows[0].on, "12.10.2025");
        assert_eq!(s.rows[0].number, "1");
        assert_eq!(s.rows[0].topic, "О плане работы");
        assert_eq!(s.rows[1].mark, "отсутствует");
        assert!(s.ignored_columns.is_empty());
        let bytes = attendance_template_xlsx(&[("Иванова Анна Петровна".into(), "СОШ № 1".into())]).unwrap();
        assert!(matches!(read_attendance(&bytes, "шаблон.xlsx"), Err(Refusal::NoRows)));
        let bytes = membership_template_xlsx(&[]).unwrap();
        assert!(matches!(read_membership_history(&bytes, "шаблон.xlsx"), Err(Refusal::NoRows)));
        // a membership file is not an attendance file
        let err = read_attendance("Учитель;Дата включения\nИванова;01.09.2024\n".as_bytes(), "x.csv").unwrap_err();
        assert!(matches!(err, Refusal::MissingColumns { .. }));
    }
}
