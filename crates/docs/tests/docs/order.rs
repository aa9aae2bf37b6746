//! The order as Word shows it: the texts in their order, the page and the font.

use metoda_docs::order_docx::{Appendix, OrderDoc, order_docx};

use crate::{part, texts};

fn order() -> OrderDoc {
    OrderDoc {
        authority: "Управление образования Администрации Томского района".into(),
        municipality: "Томский район".into(),
        number: "149-ОД".into(),
        date: "01.09.2026".into(),
        title: "О создании ММО учителей математики".into(),
        preamble: Some(
            "В соответствии с Положением о муниципальном методическом объединении & в целях повышения качества <образования>"
                .into(),
        ),
        points: vec![
            "Создать муниципальное методическое объединение учителей математики.".into(),
            "Назначить руководителем ММО Иванову Марию Петровну, учителя математики МБОУ «СОШ № 1».".into(),
            "Утвердить состав ММО (приложение).".into(),
            "Контроль исполнения приказа оставляю за собой.".into(),
        ],
        signed_by: Some("Начальник Управления образования О. А. Максимова".into()),
        appendix: Some(Appendix {
            title: "Состав ММО учителей математики".into(),
            headers: vec!["№".into(), "ФИО".into(), "Должность, ОО".into()],
            rows: vec![
                vec!["1".into(), "Иванова Мария Петровна".into(), "учитель математики, МБОУ «СОШ № 1»".into()],
                vec!["2".into(), "Петров Иван Ильич".into(), "учитель математики, МАОУ СОШ № 3".into()],
            ],
        }),
    }
}

#[test]
fn the_texts_are_there_in_order() {
    let doc = order();
    let bytes = order_docx(&doc).unwrap();
    let all = texts(&part(&bytes, "word/document.xml")).join("\n");
    let mut expected: Vec<String> = vec![
        "УПРАВЛЕНИЕ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ ТОМСКОГО РАЙОНА".into(),
        "ПРИКАЗ".into(),
        "от 01.09.2026".into(),
        "№ 149-ОД".into(),
        "Томский район".into(),
        "О создании ММО учителей математики".into(),
        "Положением о муниципальном методическом объединении & в целях повышения качества <образования>".into(),
        "ПРИКАЗЫВАЮ:".into(),
    ];
    for (i, p) in doc.points.iter().enumerate() {
        expected.push(format!("{}. {p}", i + 1));
    }
    expected.extend(
        [
            "Начальник Управления образования",
            "О. А. Максимова",
            "Приложение",
            "к приказу от 01.09.2026 № 149-ОД",
            "Состав ММО учителей математики",
            "№",
            "ФИО",
            "Должность, ОО",
            "Иванова Мария Петровна",
            "учитель математики, МБОУ «СОШ № 1»",
            "Петров Иван Ильич",
        ]
        .map(String::from),
    );
    let mut at = 0;
    for e in &expected {
        let found = all[at..].find(e.as_str()).unwrap_or_else(|| panic!("«{e}» after byte {at} in:\n{all}"));
        at += found + e.len();
    }
}

#[test]
fn page_font_and_table() {
    let bytes = order_docx(&order()).unwrap();
    let doc = part(&bytes, "word/document.xml");
    assert!(doc.contains(r#"<w:pgSz w:w="11906" w:h="16838""#), "A4");
    assert!(doc.contains(r#"w:top="1134" w:right="850" w:bottom="1134" w:left="1701""#), "margins 2/1.5/2/3 cm");
    assert!(doc.contains("<w:tbl>"), "the appendix table");
    assert!(doc.contains(r#"<w:pageBreakBefore"#), "the appendix on a new page");
    assert!(doc.contains(r#"<w:sz w:val="24""#), "12 pt in the table");
    let styles = part(&bytes, "word/styles.xml");
    assert!(styles.contains(r#"w:ascii="Times New Roman""#));
    assert!(styles.contains(r#"<w:sz w:val="28""#), "14 pt");
}

#[test]
fn a_minimal_order() {
    let doc =
        OrderDoc { number: "1".into(), date: "02.09.2026".into(), title: "О плане".into(), ..Default::default() };
    let bytes = order_docx(&doc).unwrap();
    let all = texts(&part(&bytes, "word/document.xml"));
    assert!(all.contains(&"ПРИКАЗ".to_string()));
    assert!(all.contains(&"ПРИКАЗЫВАЮ:".to_string()));
    assert!(!all.iter().any(|t| t.contains("Приложение")));
}
