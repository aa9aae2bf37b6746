//! The yearly work plan of an association as a Word document, in the usual Russian form:
//!
//! ```text
//!                                              УТВЕРЖДАЮ
//!                                              Начальник Управления образования
//!                                              ____________ О. А. Максимова
//!                                              приказ от 01.09.2026 № 150-ОД
//!
//!                      ПЛАН РАБОТЫ
//!          ММО учителей математики на 2026/2027 учебный год
//! ┌───┬──────────────────┬─────────┬───────┬──────────────┬──────────────┐
//! │ № │ Содержание работы│ Форма   │ Срок  │ Ответственные│ Ожидаемый    │
//! ├───┴──────────────────┴─────────┴───────┴──────────────┴──────────────┤
//! │                           Сентябрь                                   │
//! │ 1 │ …                                                                │
//! ```
//!
//! A landscape A4 page (the table is wide); the font and table cells are those of
//! [`crate::order_docx`].

use docx_rs::{AlignmentType, Docx, Paragraph, Run, Table, TableCell, TableRow, WidthType};

use crate::order_docx::{
    TABLE_SIZE, a4_landscape, centered_bold, empty_line, landscape_text_width as text_width, lines, pack, spacing,
    table_cell,
};

/// The «УТВЕРЖДАЮ» (or «СОГЛАСОВАНО») block in the upper right corner.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Approval {
    /// «УТВЕРЖДАЮ» or «СОГЛАСОВАНО».
    pub heading: String,
    /// «Начальник Управления образования»; line breaks are kept.
    pub position: String,
    /// «О. А. Максимова».
    pub name: String,
    /// «приказ от 01.09.2026 № 150-ОД», or a date line «"01" сентября 2026 г.».
    pub reference: Option<String>,
}

/// One row of the plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanRow {
    pub title: String,
    pub form: String,
    /// «15.10.2026» or «в течение месяца».
    pub when: String,
    pub responsible: String,
    pub expected_result: String,
    /// «выполнено», «перенесено на 20.11.2026», … — an extra column when any row has it.
    pub execution: String,
}

/// The rows of one month (or of a section such as «В течение года»).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanSection {
    pub label: String,
    pub rows: Vec<PlanRow>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanDoc {
    pub approvals: Vec<Approval>,
    /// «ПЛАН РАБОТЫ».
    pub title: String,
    /// «ММО учителей математики на 2026/2027 учебный год»; line breaks start new lines.
    pub subtitle: String,
    pub sections: Vec<PlanSection>,
}

const HEADERS: [&str; 6] = ["№ п/п", "Содержание работы", "Форма", "Срок", "Ответственные", "Ожидаемый результат"];
/// Shares of the text width, in per cent, of the columns above (and of «Исполнение»).
const SHARES: [usize; 7] = [5, 31, 13, 13, 19, 19, 0];
const SHARES_WITH_EXECUTION: [usize; 7] = [5, 23, 12, 12, 18, 15, 15];

/// Builds the DOCX. The error is a Russian sentence for the user.
pub fn plan_docx(doc: &PlanDoc) -> Result<Vec<u8>, String> {
    let mut docx = a4_landscape();
    for approval in &doc.approvals {
        docx = add_approval(docx, approval);
    }
    docx = docx.add_paragraph(empty_line());
    for line in lines(&doc.title) {
        docx = docx.add_paragraph(centered_bold(&line.to_uppercase()));
    }
    for line in lines(&doc.subtitle) {
        docx = docx.add_paragraph(centered_bold(line));
    }
    docx = docx.add_paragraph(empty_line());

    let with_execution = doc.sections.iter().flat_map(|s| &s.rows).any(|r| !r.execution.trim().is_empty());
    let shares: &[usize] = if with_execution { &SHARES_WITH_EXECUTION } else { &SHARES[..6] };
    let widths: Vec<usize> = shares.iter().map(|s| text_width() * s / 100).collect();
    let mut headers: Vec<&str> = HEADERS.to_vec();
    if with_execution {
        headers.push("Отметка об исполнении");
    }
    let mut rows = vec![TableRow::new(headers.iter().zip(&widths).map(|(h, w)| table_cell(h, *w, true)).collect())];
    let mut number = 0;
    for section in &doc.sections {
        let span = TableCell::new().width(widths.iter().sum(), WidthType::Dxa).grid_span(widths.len()).add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .line_spacing(spacing(0))
                .add_run(Run::new().add_text(section.label.trim()).bold().italic().size(TABLE_SIZE)),
        );
        rows.push(TableRow::new(vec![span]).cant_split());
        for row in &section.rows {
            number += 1;
            let mut texts = vec![
                format!("{number}."),
                row.title.clone(),
                row.form.clone(),
                row.when.clone(),
                row.responsible.clone(),
                row.expected_result.clone(),
            ];
            if with_execution {
                texts.push(row.execution.clone());
            }
            let cells = texts.iter().zip(&widths).map(|(t, w)| table_cell(t, *w, false)).collect();
            rows.push(TableRow::new(cells).cant_split());
        }
    }
    docx = docx.add_table(Table::new(rows).set_grid(widths).width(text_width(), WidthType::Dxa));
    pack(docx)
}

/// The block sits in the right half of the page, its lines left-aligned.
fn add_approval(mut docx: Docx, a: &Approval) -> Docx {
    let indent = i32::try_from(text_width() / 2).unwrap_or(0);
    let line = |text: &str, bold: bool| {
        let mut run = Run::new().add_text(text);
        if bold {
            run = run.bold();
        }
        Paragraph::new().indent(Some(indent), None, None, None).line_spacing(spacing(0)).add_run(run)
    };
    docx = docx.add_paragraph(line(a.heading.trim(), true));
    for l in lines(&a.position) {
        docx = docx.add_paragraph(line(l, false));
    }
    docx = docx.add_paragraph(line(&format!("____________ {}", a.name.trim()), false));
    if let Some(r) = a.reference.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        docx = docx.add_paragraph(line(r, false));
    }
    docx.add_paragraph(empty_line())
}
