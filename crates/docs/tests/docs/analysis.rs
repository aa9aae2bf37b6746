//! The yearly analysis as Word shows it — the sections with their data and the head's text, the
//! indicators table row by row — and the indicator workbooks read back cell by cell.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use docx_rs::{DocumentChild, ParagraphChild, RunChild};
use metoda_docs::analysis_docx::{AnalysisDoc, AnalysisSection, IndicatorLine, analysis_docx};
use metoda_docs::analysis_xlsx::{SummaryRow, indicators_xlsx, summary_xlsx};

use crate::{part, texts};

const TITLE: &str = "Анализ деятельности ММО учителей математики за 2025/2026 учебный год";
/// A proposal with quotes, an ampersand, angle brackets and an apostrophe.
const PROPOSAL: &str = r#"Провести семинар "Задачи с параметром & <модулем>" на базе школы О'Коннора."#;

fn s(v: &str) -> String {
    v.to_string()
}

fn indicators() -> Vec<IndicatorLine> {
    let line = |code: &str, label: &str, value: u32| IndicatorLine { code: s(code), label: s(label), value };
    vec![
        line("1", "количество педагогов ММО", 12),
        line("1.1", "ВО", 11),
        line("1.2", "СПО", 1),
        line("2", "посещаемость заседаний ММО", 4),
        line("2.1", "количество участников заседания ММО №1", 10),
        line("2.2", "количество участников заседания ММО №2", 9),
        line("6", "количество педагогов, подготовивших высокобалльников ЕГЭ & <ОГЭ>", 3),
        line("29", "количество ОО с признаками необъективных результатов", 0),
    ]
}

fn analysis() -> AnalysisDoc {
    AnalysisDoc {
        title: s(TITLE),
        subtitle: Some(s("Томский район\nверсия 2, представлен 28.05.2026")),
        sections: vec![
            AnalysisSection {
                number: 1,
                title: s("Общие сведения о составе ММО (количество педагогов, уровень образования, категории)"),
                lines: vec![s("Педагогов в ММО: 12"), s("Высшее образование: 11"), s("Высшая категория: 4")],
                text: None,
            },
            AnalysisSection {
                number: 2,
                title: s("Тематики заседаний ММО"),
                lines: vec![
                    s("28.08.2025 — «Анализ ГИА-2025 & задачи на год»"),
                    s("15.10.2025 — Решение задач с параметром\n(практикум)"),
                ],
                text: None,
            },
            AnalysisSection {
                number: 6,
                title: s("Результаты подготовки обучающихся к ГИА"),
                lines: vec![s("Высокобалльных результатов ЕГЭ: 5")],
                text: Some(s(
                    "Выявленные проблемы: задачи с параметром.\n\n  Пути решения: практикумы в каждом округе.  \nИтог: рост среднего балла.",
                )),
            },
            AnalysisSection {
                number: 7, title: s("Результаты регионального этапа ВсОШ"), lines: vec![], text: None
            },
            AnalysisSection {
                number: 24,
                title: s("Предложения по повышению эффективности методической работы"),
                lines: vec![],
                text: Some(s(PROPOSAL)),
            },
        ],
        indicators: indicators(),
        signature: Some(s("Руководитель ММО ______ / Орлова Е. П.")),
    }
}

/// The paragraphs of document.xml outside tables as text: the `<w:t>` of each, a tab as "\t".
fn paragraphs(xml: &str) -> Vec<String> {
    let mut outside = String::new();
    let mut rest = xml;
    while let Some(start) = rest.find("<w:tbl>") {
        outside.push_str(&rest[..start]);
        rest = &rest[start + rest[start..].find("</w:tbl>").unwrap() + "</w:tbl>".len()..];
    }
    outside.push_str(rest);
    outside
        .split("</w:p>")
        .filter(|p| p.contains("<w:p>") || p.contains("<w:p "))
        .map(|p| {
            let p = p.replace("<w:tab />", "<w:t>\t</w:t>").replace("<w:tab/>", "<w:t>\t</w:t>");
            texts(&p).concat()
        })
        .collect()
}

/// The rows of the tables of document.xml: each row its cells' texts, and the row's XML.
fn table_rows(xml: &str) -> Vec<(Vec<String>, String)> {
    xml.split("</w:tr>")
        .filter_map(|r| r.find("<w:tr").map(|i| &r[i..]))
        .map(|r| {
            let cells = r.split("</w:tc>").filter(|c| c.contains("<w:tc>")).map(|c| texts(c).join("\n")).collect();
            (cells, r.to_string())
        })
        .collect()
}

/// The paragraphs outside tables as docx-rs's reader parses them back (and so, that the XML parses).
fn parsed_paragraphs(bytes: &[u8]) -> Vec<String> {
    let docx = docx_rs::read_docx(bytes).unwrap();
    let mut out = Vec::new();
    for child in &docx.document.children {
        let DocumentChild::Paragraph(p) = child else { continue };
        let mut text = String::new();
        for c in &p.children {
            let ParagraphChild::Run(run) = c else { continue };
            for r in &run.children {
                match r {
                    RunChild::Text(t) => text.push_str(&t.text),
                    RunChild::Tab(_) => text.push('\t'),
                    _ => {}
                }
            }
        }
        out.push(text);
    }
    out
}

/// The index of the only paragraph equal to `text`.
fn find(paras: &[String], text: &str) -> usize {
    let found: Vec<usize> = (0..paras.len()).filter(|&i| paras[i] == text).collect();
    assert_eq!(found.len(), 1, "one paragraph «{text}» in {paras:#?}");
    found[0]
}

/// The non-empty paragraphs from `from` up to (not including) `to`.
fn between(paras: &[String], from: usize, to: usize) -> Vec<&str> {
    paras[from + 1..to].iter().map(String::as_str).filter(|p| !p.is_empty()).collect()
}

#[test]
fn analysis_title_and_sections_with_their_lines_in_order() {
    let bytes = analysis_docx(&analysis()).unwrap();
    let paras = paragraphs(&part(&bytes, "word/document.xml"));

    let title = find(&paras, TITLE);
    assert_eq!(paras[title + 1], "Томский район");
    assert_eq!(paras[title + 2], "версия 2, представлен 28.05.2026");

    let headings = [
        "1. Общие сведения о составе ММО (количество педагогов, уровень образования, категории)",
        "2. Тематики заседаний ММО",
        "6. Результаты подготовки обучающихся к ГИА",
        "7. Результаты регионального этапа ВсОШ",
        "24. Предложения по повышению эффективности методической работы",
        "Приложение к анализу",
    ];
    let at: Vec<usize> = headings.iter().map(|h| find(&paras, h)).collect();
    assert!(title < at[0], "the title first");
    assert!(at.windows(2).all(|w| w[0] < w[1]), "the headings in order: {at:?}");

    assert_eq!(
        between(&paras, at[0], at[1]),
        ["–\tПедагогов в ММО: 12", "–\tВысшее образование: 11", "–\tВысшая категория: 4"]
    );
    assert_eq!(
        between(&paras, at[1], at[2]),
        [
            "–\t28.08.2025 — «Анализ ГИА-2025 & задачи на год»",
            "–\t15.10.2025 — Решение задач с параметром",
            "(практикум)",
        ],
        "a line break inside an item continues it without a new dash"
    );
    let signature = find(&paras, "Руководитель ММО ______ / Орлова Е. П.");
    assert!(at[5] < signature, "the signature after the appendix");
}

#[test]
fn analysis_heads_text_is_paragraphs_and_an_empty_section_says_so() {
    let bytes = analysis_docx(&analysis()).unwrap();
    let xml = part(&bytes, "word/document.xml");
    let paras = paragraphs(&xml);
    let six = find(&paras, "6. Результаты подготовки обучающихся к ГИА");
    let seven = find(&paras, "7. Результаты регионального этапа ВсОШ");
    let last = find(&paras, "24. Предложения по повышению эффективности методической работы");
    let appendix = find(&paras, "Приложение к анализу");

    assert_eq!(
        between(&paras, six, seven),
        [
            "–\tВысокобалльных результатов ЕГЭ: 5",
            "Выявленные проблемы: задачи с параметром.",
            "Пути решения: практикумы в каждом округе.",
            "Итог: рост среднего балла.",
        ],
        "the data first, then the head's text a paragraph per line, blank lines dropped"
    );
    assert_eq!(between(&paras, seven, last), ["Нет данных"]);
    assert_eq!(between(&paras, last, appendix), [PROPOSAL], "text without data is not «Нет данных»");
    assert_eq!(paras.iter().filter(|p| *p == "Нет данных").count(), 1);

    // «Нет данных» is in italics
    let no_data = xml.split("</w:p>").find(|p| p.contains(">Нет данных<")).unwrap();
    assert!(no_data.contains("<w:i />") || no_data.contains("<w:i/>"), "{no_data}");
    // the appendix begins a page
    let heading = xml.split("</w:p>").find(|p| p.contains(">Приложение к анализу<")).unwrap();
    assert!(heading.contains("pageBreakBefore"), "{heading}");
}

#[test]
fn analysis_indicator_rows_keep_code_label_and_value_together() {
    let bytes = analysis_docx(&analysis()).unwrap();
    let rows = table_rows(&part(&bytes, "word/document.xml"));
    assert_eq!(rows.len(), 1 + 8, "the header and a row per indicator");
    assert_eq!(rows[0].0, ["№", "показатель", "количество"]);
    // The header row repeats on every page the table runs onto; no other row does.
    assert!(rows[0].1.contains("<w:tblHeader />") && !rows[0].1.contains("<w:trHeight"), "{}", rows[0].1);
    assert!(rows[1..].iter().all(|(_, xml)| !xml.contains("tblHeader")));
    let expected = indicators();
    for ((cells, row_xml), line) in rows[1..].iter().zip(&expected) {
        assert_eq!(cells, &[line.code.clone(), line.label.clone(), line.value.to_string()], "one row");
        // the label cell of a sub-row is indented, of a row not
        let label_cell = row_xml.split("</w:tc>").nth(1).unwrap();
        assert_eq!(label_cell.contains("<w:ind w:left="), line.code.contains('.'), "{}: {label_cell}", line.code);
    }
    let codes: Vec<&str> = rows[1..].iter().map(|(c, _)| c[0].as_str()).collect();
    assert_eq!(codes, ["1", "1.1", "1.2", "2", "2.1", "2.2", "6", "29"]);
}

#[test]
fn analysis_special_characters_are_escaped_and_read_back() {
    let bytes = analysis_docx(&analysis()).unwrap();
    let xml = part(&bytes, "word/document.xml");
    assert!(xml.contains("&quot;Задачи с параметром &amp; &lt;модулем&gt;&quot;"), "escaped in the XML");
    assert!(xml.contains("О&apos;Коннора"), "an apostrophe too");
    assert!(xml.contains("высокобалльников ЕГЭ &amp; &lt;ОГЭ&gt;"), "in the table as well");
    assert!(!xml.contains("& <"), "no raw ampersand");

    let ours = paragraphs(&xml);
    assert!(ours.iter().any(|p| p == PROPOSAL));
    // an XML parser reads the same paragraphs back
    assert_eq!(parsed_paragraphs(&bytes), ours);

    if let Ok(dir) = std::env::var("METODA_ARTIFACTS") {
        std::fs::write(std::path::Path::new(&dir).join("analysis.docx"), &bytes).unwrap();
    }
}

#[test]
fn analysis_page_and_font_are_those_of_the_order() {
    let bytes = analysis_docx(&analysis()).unwrap();
    let xml = part(&bytes, "word/document.xml");
    assert!(xml.contains(r#"<w:pgSz w:w="11906" w:h="16838""#), "A4");
    assert!(!xml.contains("landscape"), "portrait");
    let styles = part(&bytes, "word/styles.xml");
    assert!(styles.contains(r#"w:ascii="Times New Roman""#));
    assert!(styles.contains(r#"<w:sz w:val="28""#), "14 pt");
}

#[test]
fn analysis_minimal_is_a_valid_docx() {
    let doc = AnalysisDoc { title: s(TITLE), ..Default::default() };
    let bytes = analysis_docx(&doc).unwrap();
    let paras = parsed_paragraphs(&bytes);
    assert_eq!(paras, paragraphs(&part(&bytes, "word/document.xml")));
    let text: Vec<&str> = paras.iter().map(String::as_str).filter(|p| !p.is_empty()).collect();
    assert_eq!(text, [TITLE, "Приложение к анализу", "Нет данных"]);
}

/// The cell at (row, column) of a sheet.
fn cell(range: &calamine::Range<Data>, r: u32, c: u32) -> Data {
    range.get_value((r, c)).cloned().unwrap_or(Data::Empty)
}

fn string(v: &str) -> Data {
    Data::String(v.to_string())
}

#[test]
fn indicators_workbook_cell_by_cell() {
    let title = "Показатели ММО учителей математики за 2025/2026 учебный год";
    let bytes = indicators_xlsx(title, &indicators()).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(wb.sheet_names(), ["Показатели"]);
    let range = wb.worksheet_range("Показатели").unwrap();
    assert_eq!(cell(&range, 0, 0), string(title));
    assert_eq!(
        [cell(&range, 1, 0), cell(&range, 1, 1), cell(&range, 1, 2)],
        [string("№"), string("Показатель"), string("Количество")]
    );
    for (i, line) in indicators().iter().enumerate() {
        let r = i as u32 + 2;
        assert_eq!(cell(&range, r, 0), string(&line.code), "row {r}: the code is text, «1.1» is not 1.1");
        assert_eq!(cell(&range, r, 1), string(&line.label), "row {r}");
        assert_eq!(cell(&range, r, 2), Data::Float(f64::from(line.value)), "row {r}: the count is a number");
    }
    assert_eq!(range.get_size(), (2 + 8, 3), "nothing else on the sheet");
    let formulas = wb.worksheet_formula("Показатели").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formulas");

    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<cols>"), "column widths set");
    assert!(sheet.contains(r#"state="frozen""#), "the header stays in sight");

    if let Ok(dir) = std::env::var("METODA_ARTIFACTS") {
        std::fs::write(std::path::Path::new(&dir).join("analysis.xlsx"), &bytes).unwrap();
    }
}

#[test]
fn summary_workbook_totals_each_row() {
    let columns =
        vec![s("ММО учителей математики"), s("ММО учителей русского языка и литературы"), s("ММО учителей физики")];
    let row = |code: &str, label: &str, values: [u32; 3]| SummaryRow {
        code: s(code),
        label: s(label),
        values: values.to_vec(),
    };
    let rows = vec![
        row("1", "количество педагогов ММО", [12, 15, 6]),
        row("1.1", "ВО", [11, 15, 5]),
        row("6", "количество педагогов, подготовивших высокобалльников ЕГЭ", [3, 4, 0]),
        row("6.1", "количество высокобалльных результатов", [5, 7, 0]),
        row("29", "количество ОО с признаками необъективных результатов", [0, 0, 0]),
    ];
    let title = "Свод показателей ММО Томского района за 2025/2026 учебный год";
    let bytes = summary_xlsx(title, &columns, &rows).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(wb.sheet_names(), ["Свод"]);
    let range = wb.worksheet_range("Свод").unwrap();
    assert_eq!(cell(&range, 0, 0), string(title));
    let header: Vec<Data> = (0..6).map(|c| cell(&range, 1, c)).collect();
    assert_eq!(
        header,
        [
            string("№"),
            string("Показатель"),
            string("ММО учителей математики"),
            string("ММО учителей русского языка и литературы"),
            string("ММО учителей физики"),
            string("Итого"),
        ]
    );
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 2;
        assert_eq!(cell(&range, r, 0), string(&row.code), "row {r}");
        assert_eq!(cell(&range, r, 1), string(&row.label), "row {r}");
        for (c, v) in row.values.iter().enumerate() {
            assert_eq!(cell(&range, r, c as u32 + 2), Data::Float(f64::from(*v)), "row {r}, column {c}");
        }
        let total: u32 = row.values.iter().sum();
        assert_eq!(cell(&range, r, 5), Data::Float(f64::from(total)), "row {r}: «Итого» is the sum of the row");
    }
    assert_eq!(cell(&range, 2, 5), Data::Float(33.0));
    assert_eq!(range.get_size(), (2 + 5, 6), "nothing else on the sheet");
    let formulas = wb.worksheet_formula("Свод").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formulas");

    if let Ok(dir) = std::env::var("METODA_ARTIFACTS") {
        std::fs::write(std::path::Path::new(&dir).join("summary.xlsx"), &bytes).unwrap();
    }
}

#[test]
fn summary_without_associations_has_only_the_total() {
    let rows =
        vec![SummaryRow { code: s("1"), label: s("количество педагогов ММО"), values: vec![] }];
    let bytes = summary_xlsx("Свод", &[], &rows).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let range = wb.worksheet_range("Свод").unwrap();
    assert_eq!(cell(&range, 1, 2), string("Итого"));
    assert_eq!(cell(&range, 2, 2), Data::Float(0.0));
}

#[test]
fn summary_refuses_a_row_with_the_wrong_number_of_values() {
    let rows = vec![SummaryRow { code: s("1.1"), label: s("ВО"), values: vec![1, 2] }];
    let err = summary_xlsx("Свод", &[s("ММО учителей математики")], &rows).unwrap_err();
    assert!(err.contains("«1.1 ВО»") && err.contains("2 значений при 1 столбцах"), "{err}");
}
