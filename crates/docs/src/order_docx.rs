//! An order of the authority («приказ») as a Word document, in the usual Russian layout:
//!
//! ```text
//!            УПРАВЛЕНИЕ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ ТОМСКОГО РАЙОНА
//!                                 ПРИКАЗ
//! от 01.09.2026                                              № 149-ОД
//!                               Томский район
//!
//!                   О создании ММО учителей математики
//!
//!     Preamble …
//! ПРИКАЗЫВАЮ:
//!     1. …
//!     2. …
//!
//! Начальник Управления образования                     О. А. Максимова
//! ────────────────────────── new page ──────────────────────────────
//!                                                         Приложение
//!                                   к приказу от 01.09.2026 № 149-ОД
//!                          Title of the appendix
//! ┌───┬──────────────┬──────────┐  (borders, bold header row, 12 pt)
//! ```
//!
//! Times New Roman 14 pt (12 pt in the table), A4, margins: top 2 cm, right 1.5 cm, bottom 2 cm,
//! left 3 cm.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, Docx, HeightRule, LineSpacing, LineSpacingType, PageMargin, Paragraph, Run, RunFonts,
    SpecialIndentType, Tab, TabValueType, Table, TableCell, TableRow, TextDirectionType, VAlignType, WidthType,
};

/// What goes into an order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderDoc {
    /// «Управление образования Администрации Томского района».
    pub authority: String,
    /// «Томский район».
    pub municipality: String,
    pub number: String,
    /// "01.09.2026".
    pub date: String,
    /// «О создании ММО учителей математики».
    pub title: String,
    /// The text before «ПРИКАЗЫВАЮ:»; line breaks start new paragraphs.
    pub preamble: Option<String>,
    /// The numbered points after «ПРИКАЗЫВАЮ:», without their numbers.
    pub points: Vec<String>,
    /// «Начальник Управления образования О. А. Максимова»: the position goes left, the name (found
    /// by its initials) right, with room for the signature between.
    pub signed_by: Option<String>,
    /// A table on a new page, e.g. the composition of an association.
    pub appendix: Option<Appendix>,
}

/// A table appended to the order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Appendix {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

// Sizes: twentieths of a point (twips) for lengths, half-points for font sizes.
pub(crate) const CM: f64 = 566.93;
pub(crate) const A4_WIDTH: u32 = 11_906;
pub(crate) const A4_HEIGHT: u32 = 16_838;
const MARGIN_TOP: f64 = 2.0;
const MARGIN_RIGHT: f64 = 1.5;
const MARGIN_BOTTOM: f64 = 2.0;
const MARGIN_LEFT: f64 = 3.0;
pub(crate) const BODY_SIZE: usize = 28;
pub(crate) const TABLE_SIZE: usize = 24;
const FIRST_LINE_INDENT: i32 = 709; // 1.25 cm, the paragraph indent of Russian office documents
pub(crate) const FONT: &str = "Times New Roman";

pub(crate) fn twips(cm: f64) -> i32 {
    (cm * CM).round() as i32
}

/// The width of the text between the margins.
pub(crate) fn text_width() -> usize {
    (A4_WIDTH as i32 - twips(MARGIN_LEFT) - twips(MARGIN_RIGHT)).max(1) as usize
}

pub(crate) fn fonts() -> RunFonts {
    RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT).east_asia(FONT)
}

pub(crate) fn spacing(after: u32) -> LineSpacing {
    LineSpacing::new().line_rule(LineSpacingType::Auto).before(0).after(after).line(240)
}

pub(crate) fn centered_bold(text: &str) -> Paragraph {
    Paragraph::new().align(AlignmentType::Center).line_spacing(spacing(0)).add_run(Run::new().add_text(text).bold())
}

pub(crate) fn empty_line() -> Paragraph {
    Paragraph::new().line_spacing(spacing(0))
}

/// A justified paragraph with the first-line indent, its runs still to be added.
pub(crate) fn indented() -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(FIRST_LINE_INDENT)), None, None)
        .line_spacing(spacing(0))
}

/// A justified paragraph with the first-line indent.
pub(crate) fn body(text: &str) -> Paragraph {
    indented().add_run(Run::new().add_text(text))
}

/// Left text and right text on one line, by a right tab stop at the margin.
pub(crate) fn left_right(left: &str, right: &str) -> Paragraph {
    Paragraph::new()
        .line_spacing(spacing(0))
        .add_tab(Tab::new().val(TabValueType::Right).pos(text_width()))
        .add_run(Run::new().add_text(left).add_tab().add_text(right))
}

pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// An empty A4 document with the margins, font and size of Russian office documents.
pub(crate) fn a4() -> Docx {
    a4_page(A4_WIDTH, A4_HEIGHT)
}

/// The same page turned sideways, for wide tables such as a yearly plan.
pub(crate) fn a4_landscape() -> Docx {
    a4_page(A4_HEIGHT, A4_WIDTH).page_orient(docx_rs::PageOrientationType::Landscape)
}

/// The width of the text between the margins of a landscape page.
pub(crate) fn landscape_text_width() -> usize {
    (A4_HEIGHT as i32 - twips(MARGIN_LEFT) - twips(MARGIN_RIGHT)).max(1) as usize
}

fn a4_page(width: u32, height: u32) -> Docx {
    let margins = PageMargin::new()
        .top(twips(MARGIN_TOP))
        .right(twips(MARGIN_RIGHT))
        .bottom(twips(MARGIN_BOTTOM))
        .left(twips(MARGIN_LEFT))
        .header(twips(1.25))
        .footer(twips(1.25));
    Docx::new().page_size(width, height).page_margin(margins).default_fonts(fonts()).default_size(BODY_SIZE)
}

/// Whether a cell's text is a number, a date or a numbered code («12», «1.1», «01.09.2026», «3/4»):
/// such text must not break across lines.
pub(crate) fn is_number(text: &str) -> bool {
    let t = text.trim();
    t.chars().any(|c| c.is_ascii_digit()) && t.chars().all(|c| c.is_ascii_digit() || " .,:/-–%№".contains(c))
}

/// A table cell of `width` twips, centred vertically; a number in it never wraps ([`no_wrap`]).
pub(crate) fn cell_for(text: &str, width: usize) -> TableCell {
    let cell = TableCell::new().width(width, WidthType::Dxa).vertical_align(VAlignType::Center);
    if is_number(text) { no_wrap(cell) } else { cell }
}

/// A cell whose text stays on one line (`<w:noWrap/>`, which docx-rs cannot write: the cell is
/// marked with a text direction no cell of ours uses, and [`pack`] turns the mark into noWrap).
pub(crate) fn no_wrap(cell: TableCell) -> TableCell {
    cell.text_direction(TextDirectionType::TbRlV)
}

/// How docx-rs writes the mark of a [`no_wrap`] cell.
const NO_WRAP_MARK: &str = r#"<w:textDirection w:val="tbRlV" />"#;

/// Turns each [`NO_WRAP_MARK`] into `<w:noWrap />` in its place in the cell's properties (before
/// `<w:vAlign>`, as the schema orders them).
fn with_no_wrap(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(at) = rest.find(NO_WRAP_MARK) {
        let mut before = rest[..at].to_owned();
        let props = before.rfind("<w:tcPr>").unwrap_or(0);
        match before[props..].find("<w:vAlign").map(|i| props + i) {
            Some(valign) => before.insert_str(valign, "<w:noWrap />"),
            None => before.push_str("<w:noWrap />"),
        }
        out.push_str(&before);
        rest = &rest[at + NO_WRAP_MARK.len()..];
    }
    out.push_str(rest);
    out
}

/// A table cell of 12 pt text, a paragraph per line; a bold cell is a centred header.
pub(crate) fn table_cell(text: &str, width: usize, bold: bool) -> TableCell {
    let mut cell = cell_for(text, width);
    let mut parts = text.lines().peekable();
    if parts.peek().is_none() {
        return cell.add_paragraph(Paragraph::new().line_spacing(spacing(0)));
    }
    for part in parts {
        let mut run = Run::new().add_text(part.trim()).size(TABLE_SIZE);
        if bold {
            run = run.bold();
        }
        let mut p = Paragraph::new().line_spacing(spacing(0)).add_run(run);
        if bold {
            p = p.align(AlignmentType::Center);
        }
        cell = cell.add_paragraph(p);
    }
    cell
}

/// Packs the document; the error is a Russian sentence for the user.
pub(crate) fn pack(docx: Docx) -> Result<Vec<u8>, String> {
    let mut out = Cursor::new(Vec::new());
    let mut xml = docx.build();
    // docx-rs cannot mark a header row: rows made by [`header_row`] carry a height no row needs,
    // which becomes `<w:tblHeader/>` (in its place in the row's properties, after cantSplit).
    xml.document =
        with_no_wrap(&String::from_utf8_lossy(&xml.document).replace(HEADER_MARK, "<w:tblHeader />")).into_bytes();
    xml.pack(&mut out).map_err(|e| format!("Не удалось сформировать документ Word (внутренняя ошибка: {e})."))?;
    Ok(out.into_inner())
}

/// How docx-rs writes the height of a [`header_row`].
const HEADER_MARK: &str = r#"<w:trHeight w:val="1" w:hRule="atLeast" />"#;

/// A table's header row: repeated at the top of every page the table runs onto.
pub(crate) fn header_row(cells: Vec<TableCell>) -> TableRow {
    TableRow::new(cells).cant_split().row_height(1.0).height_rule(HeightRule::AtLeast)
}

/// Builds the DOCX. The error is a Russian sentence for the user.
pub fn order_docx(doc: &OrderDoc) -> Result<Vec<u8>, String> {
    let mut docx = a4();

    for line in lines(&doc.authority) {
        docx = docx.add_paragraph(centered_bold(&line.to_uppercase()));
    }
    docx = docx.add_paragraph(empty_line()).add_paragraph(centered_bold("ПРИКАЗ")).add_paragraph(empty_line());
    docx = docx.add_paragraph(left_right(&format!("от {}", doc.date.trim()), &format!("№ {}", doc.number.trim())));
    if !doc.municipality.trim().is_empty() {
        docx = docx.add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .line_spacing(spacing(0))
                .add_run(Run::new().add_text(doc.municipality.trim())),
        );
    }
    docx = docx.add_paragraph(empty_line());
    for line in lines(&doc.title) {
        docx = docx.add_paragraph(centered_bold(line));
    }
    docx = docx.add_paragraph(empty_line());
    if let Some(preamble) = &doc.preamble {
        for line in lines(preamble) {
            docx = docx.add_paragraph(body(line));
        }
    }
    if doc.preamble.as_deref().is_some_and(|p| !p.trim().is_empty()) {
        docx = docx.add_paragraph(empty_line());
    }
    docx = docx
        .add_paragraph(Paragraph::new().line_spacing(spacing(0)).add_run(Run::new().add_text("ПРИКАЗЫВАЮ:").bold()));
    for (i, point) in doc.points.iter().enumerate() {
        for (j, line) in lines(point).enumerate() {
            let text = if j == 0 { format!("{}. {line}", i + 1) } else { line.to_string() };
            docx = docx.add_paragraph(body(&text));
        }
    }
    if let Some(signed_by) = doc.signed_by.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let (position, name) = split_signature(signed_by);
        docx = docx.add_paragraph(empty_line()).add_paragraph(empty_line()).add_paragraph(left_right(&position, &name));
    }
    if let Some(appendix) = &doc.appendix {
        docx = add_appendix(docx, doc, appendix);
    }

    pack(docx)
}

fn add_appendix(mut docx: Docx, doc: &OrderDoc, appendix: &Appendix) -> Docx {
    let right = |text: String| {
        Paragraph::new().align(AlignmentType::Right).line_spacing(spacing(0)).add_run(Run::new().add_text(text))
    };
    docx = docx
        .add_paragraph(right("Приложение".into()).page_break_before(true))
        .add_paragraph(right(format!("к приказу от {} № {}", doc.date.trim(), doc.number.trim())))
        .add_paragraph(empty_line());
    for line in lines(&appendix.title) {
        docx = docx.add_paragraph(centered_bold(line));
    }
    docx = docx.add_paragraph(empty_line());

    let columns = appendix.rows.iter().map(Vec::len).max().unwrap_or(0).max(appendix.headers.len());
    if columns == 0 {
        return docx;
    }
    let widths = table_widths(appendix, columns);
    let width = |c: usize| widths.get(c).copied().unwrap_or(0);
    let cell = table_cell;
    let mut rows = Vec::with_capacity(appendix.rows.len() + 1);
    if !appendix.headers.is_empty() {
        let cells =
            (0..columns).map(|c| cell(appendix.headers.get(c).map_or("", String::as_str), width(c), true)).collect();
        rows.push(header_row(cells));
    }
    for row in &appendix.rows {
        let cells = (0..columns).map(|c| cell(row.get(c).map_or("", String::as_str), width(c), false)).collect();
        rows.push(TableRow::new(cells).cant_split());
    }
    docx.add_table(Table::new(rows).set_grid(widths.clone()).width(text_width(), WidthType::Dxa))
}

/// Column widths in twips: each column at least as wide as its longest word or number (so a number
/// never breaks and a «№» column is not squeezed to nothing), the rest of the text width shared in
/// proportion to the longest text of each column (a name column gets room).
fn table_widths(appendix: &Appendix, columns: usize) -> Vec<usize> {
    let texts =
        |c: usize| appendix.headers.get(c).into_iter().chain(appendix.rows.iter().filter_map(move |r| r.get(c)));
    let longest = |c: usize| {
        let header =
            appendix.headers.get(c).map_or(0, |h| h.split_whitespace().map(|w| w.chars().count()).max().unwrap_or(0));
        let body = appendix.rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0);
        header.max(body).clamp(3, 40)
    };
    let word = |c: usize| texts(c).flat_map(|t| t.split_whitespace()).map(|w| w.chars().count()).max().unwrap_or(1);
    let total = text_width();
    // 12 pt: about 130 twips a character, and the cell's margins
    let mut min: Vec<usize> = (0..columns).map(|c| (word(c) * 130 + 230).min(total / 2)).collect();
    let floor: usize = min.iter().sum();
    if floor > total {
        min = min.iter().map(|m| m * total / floor).collect();
        return min;
    }
    let weights: Vec<usize> = (0..columns).map(longest).collect();
    let sum: usize = weights.iter().sum::<usize>().max(1);
    let spare = total - floor;
    min.iter().zip(&weights).map(|(m, w)| m + spare * w / sum).collect()
}

/// «Начальник Управления образования О. А. Максимова» → («Начальник Управления образования»,
/// «О. А. Максимова»); «Начальник УО Максимова О.А.» → («Начальник УО», «Максимова О.А.»).
/// Without initials the whole text is the position.
fn split_signature(s: &str) -> (String, String) {
    let words: Vec<&str> = s.split_whitespace().collect();
    let is_initials = |w: &str| {
        let mut chars = w.chars();
        let mut count = 0;
        loop {
            match (chars.next(), chars.next()) {
                (Some(letter), Some('.')) if letter.is_uppercase() => count += 1,
                (None, _) => return count > 0,
                _ => return false,
            }
        }
    };
    let Some(first) = words.iter().position(|w| is_initials(w)) else {
        return (s.to_string(), String::new());
    };
    let mut end = first;
    while words.get(end).is_some_and(|w| is_initials(w)) {
        end += 1;
    }
    // initials before the surname («О. А. Максимова») or after it («Максимова О. А.»)
    let start = if end < words.len() || first == 0 { first } else { first - 1 };
    let position = words.get(..start).unwrap_or_default().join(" ");
    let name = words.get(start..).unwrap_or_default().join(" ");
    (position, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_split_at_the_initials() {
        assert_eq!(
            split_signature("Начальник Управления образования О. А. Максимова"),
            ("Начальник Управления образования".into(), "О. А. Максимова".into())
        );
        assert_eq!(split_signature("Начальник УО О.А. Максимова"), ("Начальник УО".into(), "О.А. Максимова".into()));
        assert_eq!(split_signature("Начальник УО Максимова О.А."), ("Начальник УО".into(), "Максимова О.А.".into()));
        assert_eq!(split_signature("Начальник УО Максимова О. А."), ("Начальник УО".into(), "Максимова О. А.".into()));
        assert_eq!(split_signature("Начальник Управления"), ("Начальник Управления".into(), String::new()));
    }

    #[test]
    fn numbers_and_dates_do_not_wrap() {
        assert!(is_number("12") && is_number("1.1") && is_number("01.09.2026") && is_number(" 3/4 "));
        assert!(!is_number("№") && !is_number("Иванова") && !is_number("149-ОД") && !is_number(""));
        let doc = order_docx(&OrderDoc {
            number: "1".into(),
            date: "02.09.2026".into(),
            title: "О составе".into(),
            appendix: Some(Appendix {
                title: "Состав".into(),
                headers: vec!["№".into(), "ФИО".into()],
                rows: vec![vec!["1".into(), "Иванова Мария Петровна".into()]],
            }),
            ..Default::default()
        })
        .unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(doc)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
        assert!(!xml.contains(NO_WRAP_MARK) && !xml.contains("textDirection"), "{xml}");
        // the number's cell, and only it, keeps to one line; noWrap comes before vAlign
        assert_eq!(xml.matches("<w:noWrap />").count(), 1, "{xml}");
        let cell = xml.split("<w:tc>").find(|c| c.contains("<w:noWrap />")).unwrap();
        assert!(cell.find("<w:noWrap />") < cell.find("<w:vAlign"), "{cell}");
        assert!(cell.contains(">1</w:t>"), "{cell}");
    }

    #[test]
    fn widths_fill_the_text_width() {
        let a = Appendix {
            title: String::new(),
            headers: vec!["№".into(), "ФИО".into(), "Должность".into()],
            rows: vec![vec!["1".into(), "Иванова Мария Петровна".into(), "учитель математики".into()]],
        };
        let w = table_widths(&a, 3);
        assert!(w[0] < w[1]);
        // «№» has room for its number and the cell's margins
        assert!(w[0] >= 130 + 230, "{w:?}");
        assert!(w.iter().sum::<usize>() <= text_width());
        assert!(w.iter().sum::<usize>() > text_width() - 10);
    }
}
