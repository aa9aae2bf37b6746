//! Documents in and out, checked the way a user would: the rows read from a spreadsheet, the
//! cells of the exported workbook, the paragraphs of the order.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod analysis;
mod event;
mod export;
mod import_csv;
mod import_xlsx;
mod minutes;
mod order;
mod plan;
mod robustness;

use std::io::{Cursor, Read};

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use time::Date;
use time::macros::date;

/// The "today" every import test uses.
pub const TODAY: Date = date!(2026 - 03 - 31);

/// A cell of a test workbook.
#[derive(Clone, Debug)]
pub enum C {
    S(&'static str),
    Own(String),
    N(f64),
    /// A real Excel date (a serial with a date format).
    D(u16, u8, u8),
    F(&'static str),
    Bool(bool),
}

/// An XLSX with one sheet; `rows[0]` is spreadsheet row 1.
pub fn xlsx(rows: &[Vec<C>]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let date_format = Format::new().set_num_format("dd.mm.yyyy");
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                C::S("") => {}
                C::S(s) => {
                    ws.write_string(r, c, *s).unwrap();
                }
                C::Own(s) => {
                    ws.write_string(r, c, s).unwrap();
                }
                C::N(n) => {
                    ws.write_number(r, c, *n).unwrap();
                }
                C::D(y, m, d) => {
                    ws.write_datetime_with_format(r, c, ExcelDateTime::from_ymd(*y, *m, *d).unwrap(), &date_format)
                        .unwrap();
                }
                C::F(f) => {
                    ws.write_formula(r, c, *f).unwrap();
                }
                C::Bool(b) => {
                    ws.write_boolean(r, c, *b).unwrap();
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

/// Strings to a row of cells.
pub fn srow(cells: &[&'static str]) -> Vec<C> {
    cells.iter().map(|s| C::S(s)).collect()
}

/// A part of a DOCX (a zip), as text.
pub fn part(docx: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
    let mut xml = String::new();
    archive.by_name(name).unwrap().read_to_string(&mut xml).unwrap();
    xml
}

/// The texts of the `<w:t>` elements, in document order, unescaped.
pub fn texts(xml: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find("<w:t") {
        let after = &rest[start + 4..];
        // <w:t> or <w:t xml:space="preserve">, not <w:tbl>, <w:tc> …
        if !(after.starts_with('>') || after.starts_with(' ')) {
            rest = after;
            continue;
        }
        let open_end = after.find('>').unwrap();
        let body = &after[open_end + 1..];
        let close = body.find("</w:t>").unwrap();
        out.push(
            body[..close]
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&"),
        );
        rest = &body[close..];
    }
    out
}
