//! Finding the header row of a raw sheet and the data rows under it, for any kind of table: the
//! teacher bank (columns of kind [`super::columns::Field`]) and the ЕГЭ scores (`exam::Column`).
//! Each import supplies how a header text is recognised and which required columns are missing.

use std::collections::BTreeMap;

use super::values;
use super::{MAX_ROWS, RawRow, RawSheet, Refusal};

/// The header is looked for among this many first non-empty rows (a sheet often has a title
/// block above it: «Банк данных педагогических работников … на 01.09.2026»).
pub(super) const HEADER_SEARCH_ROWS: usize = 10;

/// The columns found in a header row; `F` is the kind of column the import knows.
pub(super) struct Layout<F> {
    /// Index into the raw rows of the header row.
    pub(super) header_index: usize,
    /// Column → its kind, for recognised columns.
    pub(super) kinds: BTreeMap<usize, F>,
    /// Column → header text as written.
    pub(super) headers: BTreeMap<usize, String>,
    /// Headers that are unknown or repeat a kind already found, as written.
    pub(super) ignored: Vec<String>,
}

impl<F: Copy + PartialEq> Layout<F> {
    /// The layout the row at `header_index` would give as the header.
    pub(super) fn of(rows: &[RawRow], header_index: usize, recognise: impl Fn(&str) -> Option<F>) -> Self {
        let mut kinds = BTreeMap::new();
        let mut headers = BTreeMap::new();
        let mut ignored = Vec::new();
        if let Some(row) = rows.get(header_index) {
            for (col, v) in &row.cells {
                let text = values::plain(v).0;
                match recognise(&text) {
                    // the first column of a kind wins; a duplicate is ignored like an unknown one
                    Some(f) if !kinds.values().any(|x| *x == f) => {
                        kinds.insert(*col, f);
                    }
                    _ => ignored.push(text.clone()),
                }
                headers.insert(*col, text);
            }
        }
        Layout { header_index, kinds, headers, ignored }
    }

    pub(super) fn has(&self, f: F) -> bool {
        self.kinds.values().any(|x| *x == f)
    }
}

impl<F> Layout<F> {
    /// How a cell's column is named in a [`super::CellProblem`]: its header, else its letters.
    pub(super) fn column_name(&self, col: usize) -> String {
        self.headers.get(&col).cloned().unwrap_or_else(|| super::column_letters(col))
    }

    /// A text guessed to be Windows-1251 is trusted only if a recognised header reads as Cyrillic:
    /// a wrong guess turns the headers into gibberish that recognises nothing.
    fn has_cyrillic_header(&self) -> bool {
        self.kinds
            .keys()
            .any(|c| self.headers.get(c).is_some_and(|h| h.chars().any(|ch| matches!(ch, 'А'..='я' | 'Ё' | 'ё'))))
    }
}

/// The header row: the first of the first rows that names the required columns (`missing` gives
/// none); failing that, the one that names the most columns, so the refusal lists what the
/// likeliest header lacks.
pub(super) fn find_layout<F: Copy + PartialEq>(
    rows: &[RawRow],
    recognise: impl Fn(&str) -> Option<F>,
    missing: impl Fn(&Layout<F>) -> Vec<String>,
) -> Layout<F> {
    let mut best: Option<Layout<F>> = None;
    for i in 0..rows.len().min(HEADER_SEARCH_ROWS) {
        let layout = Layout::of(rows, i, &recognise);
        if missing(&layout).is_empty() {
            return layout;
        }
        if best.as_ref().is_none_or(|b| layout.kinds.len() > b.kinds.len()) {
            best = Some(layout);
        }
    }
    best.unwrap_or_else(|| Layout::of(rows, 0, &recognise))
}

/// The checks every import makes before reading its rows: the header's layout and the data rows
/// under it (the column-numbering row skipped), or why the sheet is refused.
pub(super) fn table<F: Copy + PartialEq>(
    raw: &RawSheet,
    recognise: impl Fn(&str) -> Option<F>,
    missing: impl Fn(&Layout<F>) -> Vec<String>,
) -> Result<(Layout<F>, &[RawRow]), Refusal> {
    if raw.rows.is_empty() {
        return Err(Refusal::NoRows);
    }
    let layout = find_layout(&raw.rows, recognise, &missing);
    if raw.guessed_encoding && !layout.has_cyrillic_header() {
        return Err(Refusal::Encoding);
    }
    let missing = missing(&layout);
    if !missing.is_empty() {
        return Err(Refusal::MissingColumns { missing });
    }
    let mut data = raw.rows.get(layout.header_index + 1..).unwrap_or_default();
    // Russian forms often number the columns under the header («1 | 2 | 3 …»): not a data row.
    if let Some((first, rest)) = data.split_first()
        && is_column_numbering(first)
    {
        data = rest;
    }
    // The rows past the storage cap were only counted, but they count against the limit too.
    let total = data.len() + raw.uncounted_rows;
    if total > MAX_ROWS {
        return Err(Refusal::TooManyRows { rows: total });
    }
    Ok((layout, data))
}

/// A row of consecutive numbers 1, 2, 3 … (at least three of them).
fn is_column_numbering(row: &RawRow) -> bool {
    row.cells.len() >= 3 && row.cells.iter().enumerate().all(|(i, (_, v))| values::plain(v).0 == (i + 1).to_string())
}
