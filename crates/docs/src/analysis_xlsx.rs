//! The indicators of the yearly analysis («приложение к анализу») to XLSX: one association's
//! indicators ([`indicators_xlsx`]) and the roll-up of several associations, or of municipalities for
//! the region ([`summary_xlsx`]).
//!
//! Layout: a bold title in A1, a bold header row in row 2 with the panes frozen below it, then a row
//! per indicator. Codes and labels are strings («1.1» stays «1.1», never the number 1.1), counts are
//! numbers, so that Excel can add them up; no cell is a formula.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

pub use crate::analysis_docx::IndicatorLine;

/// One row of the roll-up: an indicator and its value in each column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SummaryRow {
    /// "1", "1.1", "2.3".
    pub code: String,
    pub label: String,
    /// One per column, in the order of the columns.
    pub values: Vec<u32>,
}

pub const INDICATORS_SHEET: &str = "Показатели";
pub const SUMMARY_SHEET: &str = "Свод";
/// The header of the indicators sheet.
pub const INDICATOR_HEADERS: [&str; 3] = ["№", "Показатель", "Количество"];
/// The header of the last column of the roll-up.
pub const TOTAL: &str = "Итого";

/// Excel's limit on the characters in one cell.
const MAX_CELL_CHARS: usize = 32_767;
/// Excel's limits on rows and columns.
const MAX_SHEET_ROWS: usize = 1_048_576;
const MAX_SHEET_COLS: usize = 16_384;
/// Column widths, in characters.
const CODE_WIDTH: f64 = 7.0;
const LABEL_MIN_WIDTH: usize = 30;
const LABEL_MAX_WIDTH: usize = 80;
const VALUE_MIN_WIDTH: usize = 12;
const VALUE_MAX_WIDTH: usize = 24;

fn internal(e: XlsxError) -> String {
    format!("Не удалось сформировать файл Excel (внутренняя ошибка: {e}).")
}

/// The formats of the sheets.
struct Formats {
    title: Format,
    header: Format,
    code: Format,
    label: Format,
    sub_label: Format,
    value: Format,
    total: Format,
}

impl Formats {
    fn new() -> Self {
        let cell = Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            header: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xDD_EB_F7)),
            code: cell.clone().set_align(FormatAlign::Center),
            label: cell.clone().set_text_wrap(),
            sub_label: cell.clone().set_text_wrap().set_indent(2),
            value: cell.clone().set_num_format("0"),
            total: cell.set_num_format("0").set_bold(),
        }
    }
}

/// A workbook with the sheet «Показатели»: `title` (row 1), «№ | Показатель | Количество» (row 2),
/// then a row per indicator, sub-rows («1.1») indented. The error is a Russian sentence for the user.
pub fn indicators_xlsx(title: &str, lines: &[IndicatorLine]) -> Result<Vec<u8>, String> {
    check_rows(lines.len())?;
    let f = Formats::new();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(INDICATORS_SHEET).map_err(internal)?;
    head(sheet, &f, title, &INDICATOR_HEADERS)?;
    for (r, line) in lines.iter().enumerate() {
        let r = (r + 2) as u32;
        write_indicator(sheet, &f, r, &line.code, &line.label, line.is_sub_row())?;
        sheet.write_number_with_format(r, 2, f64::from(line.value), &f.value).map_err(internal)?;
    }
    sheet.set_freeze_panes(2, 0).map_err(internal)?;
    sheet.set_column_width(0, CODE_WIDTH).map_err(internal)?;
    sheet.set_column_width(1, label_width(lines.iter().map(|l| l.label.as_str()))).map_err(internal)?;
    sheet.set_column_width(2, value_width(INDICATOR_HEADERS[2])).map_err(internal)?;
    workbook.save_to_buffer().map_err(internal)
}

/// A workbook with the sheet «Свод»: `title` (row 1), «№ | Показатель | column … | Итого» (row 2),
/// then a row per indicator with its value in each column and their sum under «Итого».
///
/// The sum is a plain sum of the row, so the caller passes rows where a sum makes sense. Rows that
/// count distinct teachers are summed too: a teacher who is a member of two associations counts
/// twice in «Итого» — that is how the municipal totals of the form are added up (each association
/// reports its own members), not a count of distinct people in the municipality.
///
/// Every row must have one value per column; anything else is refused (a programming error, told
/// as a Russian sentence).
pub fn summary_xlsx(title: &str, columns: &[String], rows: &[SummaryRow]) -> Result<Vec<u8>, String> {
    check_rows(rows.len())?;
    if columns.len() + 3 > MAX_SHEET_COLS {
        return Err(format!(
            "Слишком много столбцов для листа Excel: {}; помещается не более {}.",
            columns.len(),
            MAX_SHEET_COLS - 3
        ));
    }
    if let Some(row) = rows.iter().find(|r| r.values.len() != columns.len()) {
        return Err(format!(
            "Не удалось сформировать свод: в строке «{} {}» {} значений при {} столбцах (внутренняя ошибка).",
            row.code.trim(),
            row.label.trim(),
            row.values.len(),
            columns.len()
        ));
    }

    let f = Formats::new();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(SUMMARY_SHEET).map_err(internal)?;
    let mut headers: Vec<&str> = vec![INDICATOR_HEADERS[0], INDICATOR_HEADERS[1]];
    headers.extend(columns.iter().map(String::as_str));
    headers.push(TOTAL);
    head(sheet, &f, title, &headers)?;
    let total_column = (columns.len() + 2) as u16;
    for (r, row) in rows.iter().enumerate() {
        let r = (r + 2) as u32;
        write_indicator(sheet, &f, r, &row.code, &row.label, is_sub_row(&row.code))?;
        for (c, value) in row.values.iter().enumerate() {
            sheet.write_number_with_format(r, (c + 2) as u16, f64::from(*value), &f.value).map_err(internal)?;
        }
        let total: u64 = row.values.iter().map(|v| u64::from(*v)).sum();
        sheet.write_number_with_format(r, total_column, total as f64, &f.total).map_err(internal)?;
    }
    // the codes and labels stay in sight when scrolling across many associations
    sheet.set_freeze_panes(2, 2).map_err(internal)?;
    sheet.set_column_width(0, CODE_WIDTH).map_err(internal)?;
    sheet.set_column_width(1, label_width(rows.iter().map(|r| r.label.as_str()))).map_err(internal)?;
    for (c, name) in columns.iter().enumerate() {
        sheet.set_column_width((c + 2) as u16, value_width(name)).map_err(internal)?;
    }
    sheet.set_column_width(total_column, value_width(TOTAL)).map_err(internal)?;
    workbook.save_to_buffer().map_err(internal)
}

fn check_rows(rows: usize) -> Result<(), String> {
    if rows + 2 > MAX_SHEET_ROWS {
        return Err(format!(
            "Слишком много строк для одного листа Excel: {rows}; помещается не более {}.",
            MAX_SHEET_ROWS - 2
        ));
    }
    Ok(())
}

/// The title in A1 and the header row 2.
fn head(sheet: &mut Worksheet, f: &Formats, title: &str, headers: &[&str]) -> Result<(), String> {
    sheet.write_string_with_format(0, 0, clip(&one_line(title)), &f.title).map_err(internal)?;
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(1, c as u16, clip(h.trim()), &f.header).map_err(internal)?;
    }
    Ok(())
}

/// The code and the label of row `r`, a sub-row's label indented.
fn write_indicator(
    sheet: &mut Worksheet,
    f: &Formats,
    r: u32,
    code: &str,
    label: &str,
    sub: bool,
) -> Result<(), String> {
    sheet.write_string_with_format(r, 0, clip(code.trim()), &f.code).map_err(internal)?;
    let format = if sub { &f.sub_label } else { &f.label };
    sheet.write_string_with_format(r, 1, clip(&one_line(label)), format).map_err(internal)?;
    Ok(())
}

fn is_sub_row(code: &str) -> bool {
    code.trim().contains('.')
}

/// The text without its line breaks.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Excel refuses longer cells; the tail is dropped rather than the whole workbook.
fn clip(s: &str) -> &str {
    match s.char_indices().nth(MAX_CELL_CHARS) {
        Some((i, _)) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

/// The label column fits its longest label within [LABEL_MIN_WIDTH, LABEL_MAX_WIDTH]; longer
/// labels wrap.
fn label_width<'a>(labels: impl Iterator<Item = &'a str>) -> f64 {
    let longest = labels.map(|l| one_line(l).chars().count() + 3).max().unwrap_or(0);
    longest.clamp(LABEL_MIN_WIDTH, LABEL_MAX_WIDTH) as f64
}

/// A value column is as wide as its header, within [VALUE_MIN_WIDTH, VALUE_MAX_WIDTH]; a longer
/// header (an association's full name) wraps.
fn value_width(header: &str) -> f64 {
    (one_line(header).chars().count() + 2).clamp(VALUE_MIN_WIDTH, VALUE_MAX_WIDTH) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_fitted_and_capped() {
        assert_eq!(label_width(["ВО", "СПО"].into_iter()), LABEL_MIN_WIDTH as f64);
        assert_eq!(label_width(["я".repeat(200).as_str()].into_iter()), LABEL_MAX_WIDTH as f64);
        assert_eq!(value_width("Итого"), VALUE_MIN_WIDTH as f64);
        assert_eq!(value_width("ММО учителей русского языка и литературы"), VALUE_MAX_WIDTH as f64);
    }

    #[test]
    fn long_cells_are_clipped_on_a_char_boundary() {
        let long = "я".repeat(MAX_CELL_CHARS + 10);
        assert_eq!(clip(&long).chars().count(), MAX_CELL_CHARS);
        assert_eq!(clip("коротко"), "коротко");
    }
}
