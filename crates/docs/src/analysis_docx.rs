//! The yearly analysis of an association's work («анализ деятельности ММО», seed 002, appendix 1)
//! as a Word document:
//!
//! ```text
//!   Анализ деятельности ММО учителей математики за 2025/2026 учебный год
//!                 Томский район, версия 2, представлен 28.05.2026
//!
//! 1. Общие сведения о составе ММО
//!         –  Педагогов в ММО: 12
//!         –  Высшее образование: 11
//!     The head's text …
//! 2. Тематики заседаний ММО
//!         Нет данных
//! …
//! ────────────────────────── new page ──────────────────────────────
//!                        Приложение к анализу
//! ┌──────┬──────────────────────────────────────────┬────────────┐
//! │  №   │ показатель                               │ количество │
//! │  1   │ количество педагогов ММО                 │     12     │
//! │ 1.1  │     ВО                                   │     11     │
//! └──────┴──────────────────────────────────────────┴────────────┘
//!
//! Руководитель ММО ______ / Орлова Е. П.
//! ```
//!
//! Portrait A4, Times New Roman 14 pt (12 pt in the table), the page and the helpers of
//! [`crate::order_docx`]. The software fills the data lines of each section; the head writes only
//! what no data can say (problems found, ways to solve them, proposals): that is the section's text.

use docx_rs::{AlignmentType, Paragraph, Run, SpecialIndentType, Table, TableCell, TableRow, WidthType};

use crate::order_docx::{
    TABLE_SIZE, a4, body, cell_for, centered_bold, empty_line, header_row, indented, lines, pack, spacing, table_cell,
    text_width, twips,
};

/// What goes into the analysis. All texts are already formatted for the reader.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnalysisDoc {
    /// «Анализ деятельности ММО учителей математики за 2025/2026 учебный год»; line breaks start
    /// new lines.
    pub title: String,
    /// The municipality and the status of this version, «Томский район, версия 2, представлен
    /// 28.05.2026»; line breaks start new lines.
    pub subtitle: Option<String>,
    /// The sections of the narrative part, in the order they are printed (the form has 24).
    pub sections: Vec<AnalysisSection>,
    /// The rows of «Приложение к анализу», in the order they are printed.
    pub indicators: Vec<IndicatorLine>,
    /// «Руководитель ММО ______ / Орлова Е. П.»; line breaks start new lines.
    pub signature: Option<String>,
}

/// One section of the narrative part.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnalysisSection {
    /// The number of the section on the form, 1 to 24.
    pub number: u8,
    /// «Общие сведения о составе ММО (количество педагогов, уровень образования, …)».
    pub title: String,
    /// What the data says, one item of the list each («Педагогов в ММО: 12»); a line break inside an
    /// item continues it on a new line.
    pub lines: Vec<String>,
    /// The head's own text (problems found, ways to solve them, proposals); line breaks start new
    /// paragraphs.
    pub text: Option<String>,
}

/// One row of the indicators table («приложение к анализу»); also a row of the indicators
/// workbook of [`crate::analysis_xlsx`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndicatorLine {
    /// "1", "1.1", "2.3": a code with a dot is a sub-row and is indented under its row.
    pub code: String,
    /// «количество педагогов ММО», «ВО».
    pub label: String,
    pub value: u32,
}

impl IndicatorLine {
    /// A sub-row such as "1.1" (it counts within the row above it).
    pub fn is_sub_row(&self) -> bool {
        self.code.trim().contains('.')
    }
}

/// Shown in italics for a section with neither data nor text.
pub const NO_DATA: &str = "Нет данных";
/// The heading of the indicators table.
pub const APPENDIX_HEADING: &str = "Приложение к анализу";
/// The header row of the indicators table.
pub const TABLE_HEADERS: [&str; 3] = ["№", "показатель", "количество"];
/// Shares of the text width, in per cent, of the columns above.
const SHARES: [usize; 3] = [12, 68, 20];
/// The indent of the items of a section's list and of the sub-rows of the table.
const LIST_INDENT: f64 = 1.25;
const DASH_WIDTH: f64 = 0.5;
const SUB_ROW_INDENT: f64 = 0.6;

/// Builds the DOCX. The error is a Russian sentence for the user.
pub fn analysis_docx(doc: &AnalysisDoc) -> Result<Vec<u8>, String> {
    let mut docx = a4();

    for line in lines(&doc.title) {
        docx = docx.add_paragraph(centered_bold(line));
    }
    if let Some(subtitle) = &doc.subtitle {
        for line in lines(subtitle) {
            docx = docx.add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .line_spacing(spacing(0))
                    .add_run(Run::new().add_text(line)),
            );
        }
    }

    for section in &doc.sections {
        docx = docx.add_paragraph(empty_line()).add_paragraph(section_heading(section));
        let items: Vec<Vec<&str>> =
            section.lines.iter().map(|l| lines(l).collect::<Vec<_>>()).filter(|l| !l.is_empty()).collect();
        let text: Vec<&str> = section.text.as_deref().map(|t| lines(t).collect()).unwrap_or_default();
        if items.is_empty() && text.is_empty() {
            docx = docx.add_paragraph(indented().add_run(Run::new().add_text(NO_DATA).italic()));
            continue;
        }
        for item in &items {
            for p in list_item(item) {
                docx = docx.add_paragraph(p);
            }
        }
        for line in text {
            docx = docx.add_paragraph(body(line));
        }
    }

    // the indicators on a page of their own, as the form has them
    let heading = centered_bold(APPENDIX_HEADING).page_break_before(!doc.sections.is_empty()).keep_next(true);
    docx = docx.add_paragraph(heading).add_paragraph(empty_line());
    if doc.indicators.is_empty() {
        docx = docx.add_paragraph(indented().add_run(Run::new().add_text(NO_DATA).italic()));
    } else {
        docx = docx.add_table(indicators_table(&doc.indicators));
    }

    if let Some(signature) = &doc.signature {
        let mut signature = lines(signature).peekable();
        if signature.peek().is_some() {
            docx = docx.add_paragraph(empty_line()).add_paragraph(empty_line());
        }
        for line in signature {
            docx = docx.add_paragraph(Paragraph::new().line_spacing(spacing(0)).add_run(Run::new().add_text(line)));
        }
    }

    pack(docx)
}

/// «1. Общие сведения о составе ММО», bold, kept with what follows it.
fn section_heading(section: &AnalysisSection) -> Paragraph {
    let title = lines(&section.title).collect::<Vec<_>>().join(" ");
    Paragraph::new()
        .align(AlignmentType::Left)
        .line_spacing(spacing(60))
        .keep_next(true)
        .add_run(Run::new().add_text(format!("{}. {title}", section.number)).bold())
}

/// «–⇥item»: a dash in the hanging indent, the text (and its continuation lines) aligned after it.
fn list_item(parts: &[&str]) -> Vec<Paragraph> {
    let left = twips(LIST_INDENT + DASH_WIDTH);
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            let p = Paragraph::new().align(AlignmentType::Both).line_spacing(spacing(0));
            if i == 0 {
                p.indent(Some(left), Some(SpecialIndentType::Hanging(twips(DASH_WIDTH))), None, None)
                    .add_run(Run::new().add_text("–").add_tab().add_text(*part))
            } else {
                p.indent(Some(left), None, None, None).add_run(Run::new().add_text(*part))
            }
        })
        .collect()
}

/// «№ | показатель | количество», a row per indicator.
fn indicators_table(indicators: &[IndicatorLine]) -> Table {
    let widths: Vec<usize> = SHARES.iter().map(|s| text_width() * s / 100).collect();
    let mut rows = vec![header_row(TABLE_HEADERS.iter().zip(&widths).map(|(h, w)| table_cell(h, *w, true)).collect())];
    for line in indicators {
        let label_indent = if line.is_sub_row() { twips(SUB_ROW_INDENT) } else { 0 };
        let cells = vec![
            cell(line.code.trim(), widths[0], AlignmentType::Center, 0),
            cell(&line.label, widths[1], AlignmentType::Left, label_indent),
            cell(&line.value.to_string(), widths[2], AlignmentType::Center, 0),
        ];
        rows.push(TableRow::new(cells).cant_split());
    }
    Table::new(rows).set_grid(widths).width(text_width(), WidthType::Dxa)
}

/// A table cell of 12 pt text, a paragraph per line, aligned and indented from the left.
fn cell(text: &str, width: usize, align: AlignmentType, indent: i32) -> TableCell {
    let paragraph = || {
        let p = Paragraph::new().align(align).line_spacing(spacing(0));
        if indent > 0 { p.indent(Some(indent), None, None, None) } else { p }
    };
    let mut cell = cell_for(text, width);
    let mut parts = lines(text).peekable();
    if parts.peek().is_none() {
        return cell.add_paragraph(paragraph());
    }
    for part in parts {
        cell = cell.add_paragraph(paragraph().add_run(Run::new().add_text(part).size(TABLE_SIZE)));
    }
    cell
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_rows_have_a_dot_in_their_code() {
        let line = |code: &str| IndicatorLine { code: code.into(), ..Default::default() };
        assert!(line("1.1").is_sub_row());
        assert!(line(" 27.1 ").is_sub_row());
        assert!(!line("1").is_sub_row());
        assert!(!line("29").is_sub_row());
    }

    #[test]
    fn the_columns_fill_the_text_width() {
        assert_eq!(SHARES.iter().sum::<usize>(), 100);
    }
}
