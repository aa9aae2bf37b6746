//! The programme of an event («программа», 001 §6.1 among the event documents): its organiser,
//! what and when, where, and the items in order with their times and speakers.
//!
//! ```text
//!            Муниципальное методическое объединение учителей математики
//!                                ПРОГРАММА
//!                семинара-практикума «Формирующее оценивание»
//! 15.10.2026, 15:00                                     МБОУ «СОШ № 1», каб. 21
//!
//! | Время | Тема                        | Выступающий                      | Форма   |
//! | 15:10 | Приёмы оценивания           | Иванова Ирина Ивановна, СОШ № 1  | доклад  |
//! ```

use docx_rs::{Table, TableRow, WidthType};

use crate::order_docx::{body, header_row, lines, pack, table_cell, text_width};

/// One item of the programme. All texts are already formatted for the reader.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgrammeLine {
    /// "15:10", "12.02.2027, 15:10" (an event of several days), or empty.
    pub time: String,
    pub topic: String,
    /// The speaker's full name, and their organization after a comma.
    pub speaker: String,
    /// «доклад», «мастер-класс», …
    pub kind: String,
}

/// What goes into the programme.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgrammeDoc {
    /// The organiser's name (the association's or the authority's); line breaks start new lines.
    pub organiser: String,
    /// «семинара-практикума «Формирующее оценивание»»: after «ПРОГРАММА».
    pub what: String,
    /// "15.10.2026" or "15.10.2026 — 17.10.2026".
    pub dates: String,
    pub time: Option<String>,
    /// Where, in words.
    pub place: String,
    /// More about the event, one paragraph per line (its description); may be empty.
    pub about: String,
    pub items: Vec<ProgrammeLine>,
    /// The event lasts several days: the first column holds each item's day and time.
    pub several_days: bool,
}

/// Builds the DOCX. The error is a Russian sentence for the user.
pub fn programme_docx(doc: &ProgrammeDoc) -> Result<Vec<u8>, String> {
    let mut docx = crate::registration_docx::headed(
        &doc.organiser,
        "ПРОГРАММА",
        &doc.what,
        &doc.dates,
        doc.time.as_deref(),
        &doc.place,
    );
    for l in lines(&doc.about) {
        docx = docx.add_paragraph(body(l));
    }
    if doc.items.is_empty() {
        docx = docx.add_paragraph(body("Программа ещё не составлена."));
        return pack(docx);
    }
    let total = text_width();
    let widths = vec![total * 11 / 100, total * 40 / 100, total * 33 / 100, total - total * 84 / 100];
    let header = [if doc.several_days { "День, время" } else { "Время" }, "Тема", "Выступающий", "Форма"];
    let mut rows = vec![header_row(header.iter().zip(&widths).map(|(h, w)| table_cell(h, *w, true)).collect())];
    for item in &doc.items {
        let cells = [item.time.clone(), item.topic.clone(), item.speaker.clone(), item.kind.clone()];
        rows.push(
            TableRow::new(cells.iter().zip(&widths).map(|(c, w)| table_cell(c, *w, false)).collect()).cant_split(),
        );
    }
    docx = docx.add_table(Table::new(rows).set_grid(widths).width(total, WidthType::Dxa));
    pack(docx)
}
