//! The registration sheet of a meeting («лист регистрации»), printed before the meeting and
//! signed on paper by each participant:
//!
//! ```text
//!         Муниципальное методическое объединение учителей математики
//!                         ЛИСТ РЕГИСТРАЦИИ
//!                     участников заседания
//! 15.10.2026, 15:00                                          МБОУ «СОШ № 1»
//!
//! | № | Фамилия, имя, отчество | Образовательная организация | Подпись |
//! | 1 | Иванова Ирина Ивановна | МБОУ «СОШ № 1»              |         |
//! …  then empty rows for guests
//! ```
//!
//! Portrait A4, Times New Roman, the header row repeated on every page. After an event the same
//! sheet comes filled: each person's mark in place of the signature and a summary under it.

use docx_rs::{Table, TableRow, WidthType};

use crate::order_docx::{
    a4, body, centered_bold, empty_line, header_row, left_right, lines, pack, table_cell, text_width,
};

/// What goes on the sheet. All texts are already formatted for the reader.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistrationDoc {
    /// The association's full name; line breaks start new lines.
    pub body: String,
    /// Whose sheet, under its title: «участников заседания», «участников семинара «…»».
    pub what: String,
    /// "15.10.2026".
    pub date: String,
    /// "15:00".
    pub time: Option<String>,
    /// Where: «МБОУ «СОШ № 1», каб. 12» or «дистанционно: https://…».
    pub place: String,
    /// The participants expected: (full name, organization).
    pub people: Vec<(String, String)>,
    /// Empty rows for those who come unexpected (guests).
    pub blank_rows: usize,
    /// The filled sheet, after the event: each person's mark («присутствовал», «не явился», «без
    /// регистрации»), in the order of `people`, in place of the signature column; and a summary
    /// line under the table. Empty: the sheet to sign.
    pub marks: Vec<String>,
    pub summary: String,
}

/// Builds the DOCX. The error is a Russian sentence for the user.
pub fn registration_docx(doc: &RegistrationDoc) -> Result<Vec<u8>, String> {
    let mut docx = headed(&doc.body, "ЛИСТ РЕГИСТРАЦИИ", &doc.what, &doc.date, doc.time.as_deref(), &doc.place);

    let total = text_width();
    let widths = vec![total * 7 / 100, total * 38 / 100, total * 33 / 100, total - total * 78 / 100];
    let filled = !doc.marks.is_empty();
    let last = if filled { "Отметка о присутствии" } else { "Подпись" };
    let header = ["№", "Фамилия, имя, отчество", "Образовательная организация", last];
    let mut rows = vec![header_row(header.iter().zip(&widths).map(|(h, w)| table_cell(h, *w, true)).collect())];
    let blank = (String::new(), String::new());
    let blanks = if filled { 0 } else { doc.blank_rows };
    for (i, (name, org)) in doc.people.iter().chain(std::iter::repeat_n(&blank, blanks)).enumerate() {
        let mark = doc.marks.get(i).cloned().unwrap_or_default();
        let cells = [format!("{}", i + 1), name.clone(), org.clone(), mark];
        rows.push(
            TableRow::new(cells.iter().zip(&widths).map(|(c, w)| table_cell(c, *w, false)).collect())
                .cant_split()
                .row_height(560.0),
        );
    }
    docx = docx.add_table(Table::new(rows).set_grid(widths).width(total, WidthType::Dxa));
    if !doc.summary.trim().is_empty() {
        docx = docx.add_paragraph(empty_line()).add_paragraph(body(doc.summary.trim()));
    }
    pack(docx)
}

/// A new A4 document headed as an event's and a meeting's papers are: the organiser's name (a
/// line each), the title and what it is of, then the date and time on the left and the place on
/// the right.
pub(crate) fn headed(
    organiser: &str,
    title: &str,
    what: &str,
    date: &str,
    time: Option<&str>,
    place: &str,
) -> docx_rs::Docx {
    let mut docx = a4();
    for line in lines(organiser) {
        docx = docx.add_paragraph(centered_bold(line));
    }
    docx = docx
        .add_paragraph(empty_line())
        .add_paragraph(centered_bold(title))
        .add_paragraph(centered_bold(what.trim()))
        .add_paragraph(empty_line());
    let when = match time.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => format!("{}, {t}", date.trim()),
        None => date.trim().to_owned(),
    };
    docx.add_paragraph(left_right(&when, place.trim())).add_paragraph(empty_line())
}
