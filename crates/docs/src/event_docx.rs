//! The note on an event's results («справка по итогам проведения», 001 §6.1 among the event
//! documents): what, when, where, who organised it, how many took part, its programme, its
//! winners and prize-winners, and the organisers' conclusions, signed by the organiser.
//!
//! ```text
//!            Муниципальное методическое объединение учителей математики
//!                                 СПРАВКА
//!       по итогам проведения семинара-практикума «Формирующее оценивание»
//! Дата: 15.10.2026, 15:00. Место: МБОУ «СОШ № 1», каб. 21. Форма: очно.
//! Зарегистрировано: 14, присутствовали: 12 …
//! Программа: 1. 15:10 «…» — Иванова И. И. …
//! Итоги: …
//! Руководитель ММО                                              Е. П. Орлова
//! ```

use crate::order_docx::{a4, body, centered_bold, empty_line, left_right, lines, pack};

/// What goes into the note. All texts are already formatted for the reader.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventNote {
    /// The organiser's name (the association's or the authority's); line breaks start new lines.
    pub organiser: String,
    /// «семинара-практикума «Формирующее оценивание»»: what the note is about, after «по итогам
    /// проведения».
    pub what: String,
    /// Facts, one paragraph each: «Дата проведения: …», «Место: …», «Участники: …».
    pub facts: Vec<String>,
    /// The programme, one line each.
    pub programme: Vec<String>,
    /// Winners and prize-winners, one line each.
    pub placements: Vec<String>,
    /// The organisers' conclusions (paragraphs separated by line breaks); empty: not written yet.
    pub outcome: String,
    /// Who signs (a post) and their name.
    pub signer_post: String,
    pub signer_name: String,
}

/// Builds the DOCX. The error is a Russian sentence for the user.
pub fn event_note_docx(doc: &EventNote) -> Result<Vec<u8>, String> {
    let mut docx = a4();
    for line in lines(&doc.organiser) {
        docx = docx.add_paragraph(centered_bold(line));
    }
    docx = docx
        .add_paragraph(empty_line())
        .add_paragraph(centered_bold("СПРАВКА"))
        .add_paragraph(centered_bold(&format!("по итогам проведения {}", doc.what.trim())))
        .add_paragraph(empty_line());
    for f in &doc.facts {
        docx = docx.add_paragraph(body(f));
    }
    if !doc.programme.is_empty() {
        docx = docx.add_paragraph(empty_line()).add_paragraph(body("Программа:"));
        for (i, p) in doc.programme.iter().enumerate() {
            docx = docx.add_paragraph(body(&format!("{}. {p}", i + 1)));
        }
    }
    if !doc.placements.is_empty() {
        docx = docx.add_paragraph(empty_line()).add_paragraph(body("Победители и призёры:"));
        for p in &doc.placements {
            docx = docx.add_paragraph(body(p));
        }
    }
    docx = docx.add_paragraph(empty_line());
    if lines(&doc.outcome).next().is_none() {
        docx = docx.add_paragraph(body("Итоги: ________________________________________________"));
    } else {
        docx = docx.add_paragraph(body("Итоги и решения:"));
        for l in lines(&doc.outcome) {
            docx = docx.add_paragraph(body(l));
        }
    }
    docx = docx
        .add_paragraph(empty_line())
        .add_paragraph(empty_line())
        .add_paragraph(left_right(doc.signer_post.trim(), &format!("__________ {}", doc.signer_name.trim())));
    pack(docx)
}
