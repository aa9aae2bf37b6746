//! Reading the teacher bank from an XLSX or CSV file.
//!
//! The flow of [`read_teachers`]:
//! 1. size and content sniffing: XLSX is recognised by the ZIP magic, everything else must be text
//!    (CSV); the file name only decorates the messages;
//! 2. [`xlsx`] guards against zip bombs, then streams the first worksheet cell by cell (never a
//!    dense grid, so a stray cell at `XFD1048576` costs nothing) and refuses formulas;
//!    [`csv`] decodes UTF-8 / UTF-16 / Windows-1251, detects the delimiter and refuses formula
//!    injection;
//! 3. [`layout`] finds the header row and the data rows under it, [`build`] maps the columns (see
//!    [`columns`]) and turns every non-empty row into an [`ImportRow`], converting Excel dates and
//!    «стаж» in years (see [`values`]).
//!
//! The ЕГЭ scores ([`exam`]) are read by the same steps 1 and 2 and the same [`layout`].
//!
//! What cannot be read at all is a [`Refusal`]; what is odd in a single cell is a [`CellProblem`]
//! and the row is still produced.

mod build;
mod columns;
mod csv;
pub mod exam;
pub mod history;
mod layout;
mod values;
mod xlsx;

use std::panic::{AssertUnwindSafe, catch_unwind};

use metoda_domain::teachers::TeacherInput;
use serde::Serialize;
use time::Date;

/// The most data rows one file may hold.
pub const MAX_ROWS: usize = 50_000;
/// The largest file accepted.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
/// The most an XLSX (a ZIP archive) may unpack to.
pub const MAX_UNPACKED_BYTES: u64 = 200 * 1024 * 1024;
/// The highest compression ratio of a single ZIP entry; real spreadsheets stay far below it.
pub const MAX_COMPRESSION_RATIO: u64 = 100;

/// One teacher as read from a row of the file.
#[derive(Debug, Clone)]
pub struct ImportRow {
    /// The row number as the user sees it in the spreadsheet (header is row 1 → first data row is 2).
    pub row: usize,
    /// The organization as written in the file (short or full name); matched to an id by the caller.
    pub organization: String,
    /// Every field but `organization_id` (None); dates as "ДД.ММ.ГГГГ" text.
    pub input: TeacherInput,
}

/// A cell that could not be interpreted. The row is still produced (with the cell's raw text in
/// the field, so `TeacherInput::parse` complains too); the caller should treat the row as invalid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CellProblem {
    pub row: usize,
    /// The column's header as written in the file.
    pub column: String,
    /// In Russian, for the user.
    pub message: String,
}

/// What was read from a file.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub rows: Vec<ImportRow>,
    pub problems: Vec<CellProblem>,
    /// Headers that matched no known column and were skipped (as written in the file), so the
    /// page can say «столбцы … не распознаны».
    pub ignored_columns: Vec<String>,
}

/// Why a whole file is refused. `Display` is a Russian sentence for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("Файл «{file_name}» пуст.")]
    Empty { file_name: String },
    #[error("Файл «{file_name}» слишком большой ({}); можно загрузить не более {}.", megabytes(*.bytes), megabytes(MAX_BYTES))]
    TooLarge { file_name: String, bytes: usize },
    #[error(
        "Файл «{file_name}» не похож на таблицу Excel (XLSX) или CSV. Сохраните таблицу в Excel как «Книга Excel (*.xlsx)» или «CSV UTF-8 (разделитель — запятая)» и загрузите снова."
    )]
    NotATable { file_name: String },
    #[error(
        "Файл «{file_name}» сохранён в старом формате Excel (XLS) или защищён паролем. Откройте его в Excel и сохраните как «Книга Excel (*.xlsx)» без пароля."
    )]
    OldExcel { file_name: String },
    #[error(
        "Файл «{file_name}» — таблица OpenDocument (ODS). Сохраните её как «Книга Excel (*.xlsx)» и загрузите снова."
    )]
    OpenDocument { file_name: String },
    #[error(
        "Файл «{file_name}» повреждён или не читается как таблица Excel. Откройте его в Excel, сохраните заново как «Книга Excel (*.xlsx)» и загрузите снова."
    )]
    Damaged {
        file_name: String,
        /// The reader's own (English) words, for the log only.
        detail: String,
    },
    #[error(
        "Файл «{file_name}» распаковывается в {} — больше допустимых {}; обычная таблица столько не занимает.",
        megabytes_u64(*.unpacked), megabytes_u64(MAX_UNPACKED_BYTES)
    )]
    TooLargeUnpacked { file_name: String, unpacked: u64 },
    #[error(
        "Файл «{file_name}» сжат подозрительно сильно (часть «{entry}» — в {ratio} раз); такой архив не похож на обычную таблицу и не будет открыт."
    )]
    SuspiciousCompression { file_name: String, entry: String, ratio: u64 },
    #[error("В файле «{file_name}» нет ни одного листа с таблицей.")]
    NoWorksheet { file_name: String },
    #[error("В файле {} строк; за один раз можно загрузить не более {}.", thousands(*.rows), thousands(MAX_ROWS))]
    TooManyRows { rows: usize },
    #[error("Ячейка {cell} содержит формулу. Сохраните таблицу со значениями вместо формул.")]
    Formula { cell: String },
    #[error("Не удалось определить кодировку файла: сохраните его в UTF-8 (в Excel: «CSV UTF-8»).")]
    Encoding,
    #[error(
        "В таблице не найдены обязательные столбцы: {}. Первая строка таблицы должна содержать заголовки столбцов.",
        .missing.join(", ")
    )]
    MissingColumns {
        /// Russian names of the missing columns, each in «».
        missing: Vec<String>,
    },
    #[error("В таблице нет ни одной строки с данными под заголовками.")]
    NoRows,
}

fn megabytes(bytes: usize) -> String {
    megabytes_u64(bytes as u64)
}

fn megabytes_u64(bytes: u64) -> String {
    let tenths = bytes.saturating_mul(10) / (1024 * 1024);
    if tenths.is_multiple_of(10) {
        format!("{} МБ", tenths / 10)
    } else {
        format!("{},{} МБ", tenths / 10, tenths % 10)
    }
}

/// 50000 → "50 000".
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}

/// A cell value as read, before it is given to a field.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// An Excel date/time: (serial, is_duration); converted by [`values`].
    DateTime(calamine::ExcelDateTime),
    /// An ISO 8601 date/time text as stored by some writers.
    DateIso(String),
    /// An Excel error like `#N/A`.
    Error(String),
}

/// A non-empty row: its user-visible number (1-based) and its non-empty cells by 0-based column.
#[derive(Debug, Clone, PartialEq)]
struct RawRow {
    row: usize,
    cells: Vec<(usize, Value)>,
}

/// The non-empty rows of the first sheet, in order.
#[derive(Debug, Default)]
struct RawSheet {
    rows: Vec<RawRow>,
    /// Non-empty rows seen after the storage cap was reached (only counted).
    uncounted_rows: usize,
    /// True when the text was decoded as Windows-1251 by guess: the header must then be recognisable.
    guessed_encoding: bool,
}

/// Rows kept in memory at most: the limit plus room for a title block above the header.
const STORED_ROWS_CAP: usize = MAX_ROWS + layout::HEADER_SEARCH_ROWS + 1;

/// The header cells of an import's template: bold, wrapped, shaded, framed.
fn template_header() -> rust_xlsxwriter::Format {
    use rust_xlsxwriter::{Color, Format, FormatBorder};
    Format::new().set_bold().set_text_wrap().set_background_color(Color::RGB(0xDD_EB_F7)).set_border(FormatBorder::Thin)
}

/// A template that could not be written, as the user reads it.
fn template_fault(e: rust_xlsxwriter::XlsxError) -> String {
    format!("Не удалось сформировать файл Excel (внутренняя ошибка: {e}).")
}

/// Reads the teacher bank from an XLSX or CSV file (decided by content, not by `file_name`).
/// `today` turns «стаж» given in years into a start date.
pub fn read_teachers(bytes: &[u8], file_name: &str, today: Date) -> Result<Sheet, Refusal> {
    read_table(bytes, file_name, |raw| build::sheet(raw, today))
}

/// Reads the first sheet of an XLSX or CSV file and turns its raw rows into an import's rows with
/// `rows`; what every import shares.
fn read_table<T>(
    bytes: &[u8],
    file_name: &str,
    rows: impl FnOnce(RawSheet) -> Result<T, Refusal>,
) -> Result<T, Refusal> {
    // The readers below are written not to panic; this is the belt to those braces, so that a bug
    // in a third-party parser on a hostile file becomes a refusal, not a crashed request.
    match catch_unwind(AssertUnwindSafe(|| read_raw(bytes, file_name).and_then(rows))) {
        Ok(result) => result,
        Err(_) => Err(Refusal::Damaged { file_name: file_name.to_string(), detail: "reader panicked".into() }),
    }
}

/// The non-empty rows of the file's first sheet, by the reader its content calls for.
fn read_raw(bytes: &[u8], file_name: &str) -> Result<RawSheet, Refusal> {
    let file_name = display_name(file_name);
    if bytes.len() > MAX_BYTES {
        return Err(Refusal::TooLarge { file_name, bytes: bytes.len() });
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Refusal::Empty { file_name });
    }
    match sniff(bytes) {
        Kind::Xlsx => xlsx::read(bytes, &file_name),
        Kind::Text => csv::read(bytes, &file_name),
        Kind::OldExcel => Err(Refusal::OldExcel { file_name }),
        Kind::Other => Err(Refusal::NotATable { file_name }),
    }
}

/// The name as shown in messages: the last path component, without control characters, short.
fn display_name(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name).trim();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    if clean.is_empty() { "без имени".to_string() } else { clean }
}

#[derive(Debug, PartialEq, Eq)]
enum Kind {
    Xlsx,
    Text,
    OldExcel,
    Other,
}

fn sniff(bytes: &[u8]) -> Kind {
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(b"PK\x03\x04") {
        return Kind::Xlsx;
    }
    if bytes.starts_with(OLE) {
        return Kind::OldExcel;
    }
    if bytes.starts_with(b"PK") || bytes.starts_with(b"%PDF") || bytes.starts_with(b"{\\rtf") {
        return Kind::Other;
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Kind::Text; // UTF-16 with a BOM ("Unicode text" from Excel)
    }
    let head = bytes.get(..bytes.len().min(8192)).unwrap_or(bytes);
    if head.contains(&0) {
        return Kind::Other;
    }
    let start = String::from_utf8_lossy(head.get(..head.len().min(64)).unwrap_or(head)).trim_start().to_lowercase();
    let start = start.trim_start_matches('\u{feff}');
    if start.starts_with("<!doctype") || start.starts_with("<html") || start.starts_with("<?xml") {
        return Kind::Other; // an HTML or XML page saved with a spreadsheet's extension
    }
    Kind::Text
}

/// "C5" for 0-based (row 4, column 2).
fn cell_address(row0: usize, col0: usize) -> String {
    format!("{}{}", column_letters(col0), row0 + 1)
}

/// 0 → "A", 25 → "Z", 26 → "AA".
fn column_letters(col0: usize) -> String {
    let mut n = col0 + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(cell_address(4, 2), "C5");
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16383), "XFD");
    }

    #[test]
    fn numbers_in_messages() {
        assert_eq!(thousands(50_000), "50 000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1 234 567");
        assert_eq!(megabytes(20 * 1024 * 1024), "20 МБ");
        assert_eq!(megabytes(25 * 1024 * 1024 + 600 * 1024), "25,5 МБ");
        assert_eq!(
            Refusal::TooManyRows { rows: 60_000 }.to_string(),
            "В файле 60 000 строк; за один раз можно загрузить не более 50 000."
        );
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Kind::Xlsx);
        assert_eq!(sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]), Kind::OldExcel);
        assert_eq!(sniff(b"%PDF-1.7"), Kind::Other);
        assert_eq!(sniff(b"<html><table>"), Kind::Other);
        assert_eq!(sniff("ФИО;ОО".as_bytes()), Kind::Text);
        assert_eq!(sniff(b"a\0b"), Kind::Other);
        assert_eq!(display_name("C:\\Users\\x\\Банк.xlsx"), "Банк.xlsx");
        assert_eq!(display_name(""), "без имени");
    }
}
