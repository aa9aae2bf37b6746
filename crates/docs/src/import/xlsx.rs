//! XLSX: the zip-bomb guard, then the first worksheet streamed cell by cell.
//!
//! calamine's `worksheet_range` would build a dense grid spanning every used cell, so one stray
//! value at `XFD1048576` would ask for 17 billion cells; the cell reader used here keeps only the
//! non-empty cells, row by row, and sees each cell's formula in the same pass.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{DataRef, Reader, SheetType, Xlsx};

use super::{
    MAX_COMPRESSION_RATIO, MAX_UNPACKED_BYTES, RawRow, RawSheet, Refusal, STORED_ROWS_CAP, Value, cell_address,
};

/// Entries smaller than this are not judged by their compression ratio: they cannot hurt, and
/// the total is capped anyway.
const RATIO_CHECK_FROM_BYTES: u64 = 1024 * 1024;

fn damaged(file_name: &str, detail: impl std::fmt::Display) -> Refusal {
    Refusal::Damaged { file_name: file_name.to_string(), detail: detail.to_string() }
}

/// Walks the ZIP central directory (no decompression): refuses archives that unpack to more than
/// [`MAX_UNPACKED_BYTES`] or hold an entry compressed more than [`MAX_COMPRESSION_RATIO`] times,
/// and ZIP files that are not workbooks.
fn guard(bytes: &[u8], file_name: &str) -> Result<(), Refusal> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(file_name, e))?;
    let mut total: u64 = 0;
    let mut has_workbook = false;
    let mut open_document = false;
    for i in 0..archive.len() {
        let entry = archive.by_index_data(i).map_err(|e| damaged(file_name, e))?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let size = entry.size();
        total = total.saturating_add(size);
        if size >= RATIO_CHECK_FROM_BYTES {
            let ratio = size / entry.compressed_size().max(1);
            if ratio > MAX_COMPRESSION_RATIO {
                return Err(Refusal::SuspiciousCompression { file_name: file_name.to_string(), entry: name, ratio });
            }
        }
        let lower = name.to_ascii_lowercase();
        has_workbook |= lower == "xl/workbook.xml" || lower.ends_with("/workbook.xml");
        open_document |= lower == "mimetype" || lower == "content.xml";
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(Refusal::TooLargeUnpacked { file_name: file_name.to_string(), unpacked: total });
    }
    if !has_workbook {
        return Err(if open_document {
            Refusal::OpenDocument { file_name: file_name.to_string() }
        } else {
            Refusal::NotATable { file_name: file_name.to_string() }
        });
    }
    Ok(())
}

pub(super) fn read(bytes: &[u8], file_name: &str) -> Result<RawSheet, Refusal> {
    guard(bytes, file_name)?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| damaged(file_name, e))?;
    let sheet_name = workbook
        .sheets_metadata()
        .iter()
        .find(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .ok_or_else(|| Refusal::NoWorksheet { file_name: file_name.to_string() })?;
    let mut cells_reader = workbook.worksheet_cells_reader(&sheet_name).map_err(|e| damaged(file_name, e))?;

    let mut rows: BTreeMap<u32, Vec<(usize, Value)>> = BTreeMap::new();
    let mut uncounted_rows = 0;
    let mut last_uncounted: Option<u32> = None;
    while let Some(cell) = cells_reader.next_cell_with_formula_metadata().map_err(|e| damaged(file_name, e))? {
        let (r, c) = cell.pos;
        if cell.formula.is_some() {
            return Err(Refusal::Formula { cell: cell_address(r as usize, c as usize) });
        }
        let Some(value) = convert(cell.value) else { continue };
        if let Some(cells) = rows.get_mut(&r) {
            cells.push((c as usize, value));
        } else if rows.len() < STORED_ROWS_CAP {
            rows.insert(r, vec![(c as usize, value)]);
        } else if last_uncounted != Some(r) {
            uncounted_rows += 1; // beyond what we keep: only counted for the message
            last_uncounted = Some(r);
        }
    }
    let rows = rows
        .into_iter()
        .map(|(r, mut cells)| {
            cells.sort_by_key(|(c, _)| *c);
            cells.dedup_by_key(|(c, _)| *c);
            RawRow { row: r as usize + 1, cells }
        })
        .collect();
    Ok(RawSheet { rows, uncounted_rows, guessed_encoding: false })
}

/// The cell's value, or `None` for an empty (or blank text) cell.
fn convert(v: DataRef<'_>) -> Option<Value> {
    Some(match v {
        DataRef::Empty => return None,
        DataRef::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                return None;
            }
            if t.len() == s.len() { Value::Text(s) } else { Value::Text(t.to_string()) }
        }
        DataRef::SharedString(s) => {
            let t = s.trim();
            if t.is_empty() {
                return None;
            }
            Value::Text(t.to_string())
        }
        DataRef::Int(i) => Value::Int(i),
        DataRef::Float(f) => Value::Float(f),
        DataRef::Bool(b) => Value::Bool(b),
        DataRef::DateTime(dt) => Value::DateTime(dt),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Value::DateIso(s),
        DataRef::Error(e) => Value::Error(e.to_string()),
    })
}
