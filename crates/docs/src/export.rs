//! The teacher bank (or any table of text) to XLSX.
//!
//! Layout: a bold title in A1, a bold header row in row 2 with an autofilter and the panes frozen
//! below it, then the rows. Every cell is written as a string, so a value like «=1+2» or
//! «+7 (3822) …» is shown as typed and never runs as a formula.

use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, XlsxError};

/// One row of the table: its cells, left to right.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportRow {
    pub cells: Vec<String>,
}

/// Excel's limit on the characters in one cell.
const MAX_CELL_CHARS: usize = 32_767;
/// Excel's limits on rows and columns.
const MAX_SHEET_ROWS: usize = 1_048_576;
const MAX_SHEET_COLS: usize = 16_384;
/// Column widths, in characters.
const MIN_WIDTH: usize = 6;
const MAX_WIDTH: usize = 60;
/// Rows looked at when fitting the widths (enough to be representative, cheap on big tables).
const WIDTH_SAMPLE_ROWS: usize = 5_000;

const SHEET_NAME: &str = "Педагоги";

fn internal(e: XlsxError) -> String {
    format!("Не удалось сформировать файл Excel (внутренняя ошибка: {e}).")
}

/// A workbook with one sheet «Педагоги»: `title` (row 1), `headers` (row 2), then `rows`.
/// The error is a Russian sentence for the user.
pub fn teachers_xlsx(title: &str, headers: &[&str], rows: &[ExportRow]) -> Result<Vec<u8>, String> {
    table_xlsx(SHEET_NAME, title, headers, rows)
}

/// A workbook with one sheet named `sheet_name`: `title` (row 1), `headers` (row 2), then `rows`.
/// The error is a Russian sentence for the user.
pub fn table_xlsx(sheet_name: &str, title: &str, headers: &[&str], rows: &[ExportRow]) -> Result<Vec<u8>, String> {
    if rows.len() + 2 > MAX_SHEET_ROWS {
        return Err(format!(
            "Слишком много строк для одного листа Excel: {}; помещается не более {}.",
            rows.len(),
            MAX_SHEET_ROWS - 2
        ));
    }
    let columns = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0).max(headers.len());
    if columns > MAX_SHEET_COLS {
        return Err(format!(
            "Слишком много столбцов для листа Excel: {columns}; помещается не более {MAX_SHEET_COLS}."
        ));
    }

    let mut workbook = Workbook::new();
    let title_format = Format::new().set_bold().set_font_size(14);
    let header_format = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(Color::RGB(0xDD_EB_F7))
        .set_border(FormatBorder::Thin);
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name).map_err(internal)?;
    sheet.write_string_with_format(0, 0, clip(title), &title_format).map_err(internal)?;
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(1, c as u16, clip(h), &header_format).map_err(internal)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = (r + 2) as u32;
        for (c, value) in row.cells.iter().enumerate() {
            if !value.is_empty() {
                sheet.write_string(r, c as u16, clip(value)).map_err(internal)?;
            }
        }
    }
    if columns > 0 {
        let last_row = (rows.len() + 1) as u32;
        sheet.autofilter(1, 0, last_row, (columns - 1) as u16).map_err(internal)?;
        sheet.set_freeze_panes(2, 0).map_err(internal)?;
    }
    for (c, width) in column_widths(headers, rows, columns).into_iter().enumerate() {
        sheet.set_column_width(c as u16, width as f64).map_err(internal)?;
    }
    workbook.save_to_buffer().map_err(internal)
}

/// Excel refuses longer cells; the tail is dropped rather than the whole export.
fn clip(s: &str) -> &str {
    match s.char_indices().nth(MAX_CELL_CHARS) {
        Some((i, _)) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

/// The width of each column in characters: its longest line (the header counts, plus room for
/// the filter button), within [MIN_WIDTH, MAX_WIDTH].
fn column_widths(headers: &[&str], rows: &[ExportRow], columns: usize) -> Vec<usize> {
    let longest_line = |s: &str| s.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    let mut widths = vec![0usize; columns];
    for (w, h) in widths.iter_mut().zip(headers) {
        *w = longest_line(h) + 3;
    }
    for row in rows.iter().take(WIDTH_SAMPLE_ROWS) {
        for (w, cell) in widths.iter_mut().zip(&row.cells) {
            *w = (*w).max(longest_line(cell) + 1);
        }
    }
    widths.into_iter().map(|w| w.clamp(MIN_WIDTH, MAX_WIDTH)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_fitted_and_capped() {
        let rows = vec![ExportRow { cells: vec!["Иванова".into(), "x".repeat(200), String::new()] }];
        assert_eq!(column_widths(&["ФИО", "Примечание"], &rows, 3), vec![8, 60, 6]);
    }

    #[test]
    fn long_cells_are_clipped_on_a_char_boundary() {
        let long = "я".repeat(MAX_CELL_CHARS + 10);
        assert_eq!(clip(&long).chars().count(), MAX_CELL_CHARS);
        assert_eq!(clip("коротко"), "коротко");
    }
}
