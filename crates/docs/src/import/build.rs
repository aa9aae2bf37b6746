//! From the raw rows of a sheet to teacher rows: find the header, map the columns, convert cells.

use metoda_domain::teachers::TeacherInput;
use time::Date;

use super::columns::{self, Field};
use super::layout::{self, Layout};
use super::values::{self, Read};
use super::{CellProblem, ImportRow, RawRow, RawSheet, Refusal, Sheet};

/// The required columns a header lacks, as named in the refusal.
fn missing_required(layout: &Layout<Field>) -> Vec<String> {
    let mut missing = Vec::new();
    let has_name = layout.has(Field::FullName) || (layout.has(Field::LastName) && layout.has(Field::FirstName));
    if !has_name {
        missing.push(columns::required_label(Field::FullName).to_string());
    }
    for f in [Field::BirthDate, Field::Organization, Field::Position] {
        if !layout.has(f) {
            missing.push(columns::required_label(f).to_string());
        }
    }
    missing
}

pub(super) fn sheet(raw: RawSheet, today: Date) -> Result<Sheet, Refusal> {
    let (layout, data) = layout::table(&raw, columns::field_for, missing_required)?;
    let mut out = Sheet { rows: Vec::with_capacity(data.len()), problems: Vec::new(), ignored_columns: Vec::new() };
    for raw_row in data {
        if let Some(row) = teacher_row(raw_row, &layout, today, &mut out.problems) {
            out.rows.push(row);
        }
    }
    if out.rows.is_empty() {
        return Err(Refusal::NoRows);
    }
    out.ignored_columns = layout.ignored;
    Ok(out)
}

fn teacher_row(
    raw: &RawRow,
    layout: &Layout<Field>,
    today: Date,
    problems: &mut Vec<CellProblem>,
) -> Option<ImportRow> {
    let mut input = TeacherInput::default();
    let mut organization = String::new();
    let mut full_name: Option<(String, String, String)> = None;
    let mut separate: [Option<String>; 3] = [None, None, None];
    let mut any = false;
    for (col, value) in &raw.cells {
        let Some(field) = layout.kinds.get(col) else { continue };
        any = true;
        let mut report = |message: Option<String>| {
            if let Some(message) = message {
                problems.push(CellProblem { row: raw.row, column: layout.column_name(*col), message });
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
