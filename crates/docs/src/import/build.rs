//! From the raw rows of a sheet to teacher rows: find the header, map the columns, convert cells.

use std::collections::BTreeMap;

use metoda_domain::teachers::TeacherInput;
use time::Date;

use super::columns::{self, Field};
use super::values::{self, Read};
use super::{CellProblem, ImportRow, MAX_ROWS, RawRow, RawSheet, Refusal, Sheet};

/// The header is looked for among this many first non-empty rows (a sheet often has a title
/// block above it: «Банк данных педагогических работников … на 01.09.2026»).
pub(super) const HEADER_SEARCH_ROWS: usize = 10;

/// The columns found in the header row.
struct Layout {
    /// Index into the raw rows of the header row.
    header_index: usize,
    /// Column → field, for recognised columns.
    fields: BTreeMap<usize, Field>,
    /// Column → header text as written.
    headers: BTreeMap<usize, String>,
    ignored: Vec<String>,
}

impl Layout {
    fn has(&self, f: Field) -> bool {
        self.fields.values().any(|x| *x == f)
    }

    fn missing_required(&self) -> Vec<String> {
        let mut missing = Vec::new();
        let has_name = self.has(Field::FullName) || (self.has(Field::LastName) && self.has(Field::FirstName));
        if !has_name {
            missing.push(columns::required_label(Field::FullName).to_string());
        }
        for f in [Field::BirthDate, Field::Organization, Field::Position] {
            if !self.has(f) {
                missing.push(columns::required_label(f).to_string());
            }
        }
        missing
    }
}

fn layout_of(rows: &[RawRow], header_index: usize) -> Layout {
    let mut fields = BTreeMap::new();
    let mut headers = BTreeMap::new();
    let mut ignored = Vec::new();
    if let Some(row) = rows.get(header_index) {
        for (col, v) in &row.cells {
            let text = values::plain(v).0;
            match columns::field_for(&text) {
                // the first column of a kind wins; a duplicate is ignored like an unknown one
                Some(f) if !fields.values().any(|x| *x == f) => {
                    fields.insert(*col, f);
                }
                _ => ignored.push(text.clone()),
            }
            headers.insert(*col, text);
        }
    }
    Layout { header_index, fields, headers, ignored }
}

/// The header row: the first of the first rows that names the required columns; failing that, the
/// one that names the most columns.
fn find_layout(rows: &[RawRow]) -> Layout {
    let mut best: Option<Layout> = None;
    for i in 0..rows.len().min(HEADER_SEARCH_ROWS) {
        let layout = layout_of(rows, i);
        if layout.missing_required().is_empty() {
            return layout;
        }
        if best.as_ref().is_none_or(|b| layout.fields.len() > b.fields.len()) {
            best = Some(layout);
        }
    }
    best.unwrap_or_else(|| layout_of(rows, 0))
}

pub(super) fn sheet(raw: RawSheet, today: Date) -> Result<Sheet, Refusal> {
    if raw.rows.is_empty() {
        return Err(Refusal::NoRows);
    }
    let layout = find_layout(&raw.rows);
    // A text guessed to be Windows-1251 is trusted only if a recognised header reads as Cyrillic.
    let cyrillic_header = layout
        .fields
        .keys()
        .any(|c| layout.headers.get(c).is_some_and(|h| h.chars().any(|ch| matches!(ch, 'А'..='я' | 'Ё' | 'ё'))));
    if raw.guessed_encoding && !cyrillic_header {
        return Err(Refusal::Encoding);
    }
    let missing = layout.missing_required();
    if !missing.is_empty() {
        return Err(Refusal::MissingColumns { missing });
    }
    let mut data = raw.rows.get(layout.header_index + 1..).unwrap_or_default();
    // Russian forms often number the columns under the header («1 | 2 | 3 …»): not a teacher.
    if let Some((first, rest)) = data.split_first()
        && is_column_numbering(first)
    {
        data = rest;
    }
    let total = data.len() + raw.uncounted_rows;
    if total > MAX_ROWS {
        return Err(Refusal::TooManyRows { rows: total });
    }
    let mut out = Sheet { rows: Vec::with_capacity(data.len()), problems: Vec::new(), ignored_columns: layout.ignored };
    for raw_row in data {
        if let Some(row) = teacher_row(raw_row, &layout.fields, &layout.headers, today, &mut out.problems) {
            out.rows.push(row);
        }
    }
    if out.rows.is_empty() {
        return Err(Refusal::NoRows);
    }
    Ok(out)
}

/// A row of consecutive numbers 1, 2, 3 … (at least three of them).
fn is_column_numbering(row: &RawRow) -> bool {
    row.cells.len() >= 3 && row.cells.iter().enumerate().all(|(i, (_, v))| values::plain(v).0 == (i + 1).to_string())
}

fn teacher_row(
    raw: &RawRow,
    fields: &BTreeMap<usize, Field>,
    headers: &BTreeMap<usize, String>,
    today: Date,
    problems: &mut Vec<CellProblem>,
) -> Option<ImportRow> {
    let mut input = TeacherInput::default();
    let mut organization = String::new();
    let mut full_name: Option<(String, String, String)> = None;
    let mut separate: [Option<String>; 3] = [None, None, None];
    let mut any = false;
    for (col, value) in &raw.cells {
        let Some(field) = fields.get(col) else { continue };
        any = true;
        let mut report = |message: Option<String>| {
            if let Some(message) = message {
                let column = headers.get(col).cloned().unwrap_or_else(|| super::column_letters(*col));
                problems.push(CellProblem { row: raw.row, column, message });
            }
        };
        let mut set = |slot: &mut String, (text, problem): Read| {
            *slot = text;
            report(problem);
        };
        match field {
            Field::FullName => {
                let (text, problem) = values::plain(value);
                full_name = Some(values::split_full_name(&text));
                report(problem);
            }
            Field::LastName | Field::FirstName | Field::MiddleName => {
                let (text, problem) = values::plain(value);
                let idx = match field {
                    Field::LastName => 0,
                    Field::FirstName => 1,
                    _ => 2,
                };
                if let Some(slot) = separate.get_mut(idx) {
                    *slot = Some(text.split_whitespace().collect::<Vec<_>>().join(" "));
                }
                report(problem);
            }
            Field::BirthDate => set(&mut input.birth_date, values::date(value)),
            Field::Organization => set(&mut organization, values::plain(value)),
            Field::Position => set(&mut input.position, values::plain(value)),
            Field::Subjects => set(&mut input.subjects, values::plain(value)),
            Field::Education => set(&mut input.education, values::education(value)),
            Field::EduInstitution => set(&mut input.edu_institution, values::plain(value)),
            Field::EduSpecialty => set(&mut input.edu_specialty, values::plain(value)),
            Field::EduYear => set(&mut input.edu_year, values::year(value)),
            Field::Category => set(&mut input.category, values::category(value)),
            Field::CategoryAssigned => set(&mut input.category_assigned_on, values::date(value)),
            Field::CategoryExpires => set(&mut input.category_expires_on, values::date(value)),
            Field::Experience => set(&mut input.experience_start, values::experience(value, today)),
            Field::YoungSpecialist => {
                let (yes, problem) = values::yes_no(value);
                input.young_specialist = yes;
                report(problem);
            }
            Field::Phone => set(&mut input.phone, values::plain(value)),
            Field::Email => set(&mut input.email, values::plain(value)),
            Field::Consent => set(&mut input.consent_on, values::consent(value)),
        }
    }
    if !any {
        return None; // only unrecognised columns (a «№ п/п» of an empty template row)
    }
    if let Some((last, first, middle)) = full_name {
        input.last_name = last;
        input.first_name = first;
        input.middle_name = middle;
    }
    let [last, first, middle] = separate;
    for (slot, value) in
        [(&mut input.last_name, last), (&mut input.first_name, first), (&mut input.middle_name, middle)]
    {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            *slot = v;
        }
    }
    Some(ImportRow { row: raw.row, organization, input })
}
