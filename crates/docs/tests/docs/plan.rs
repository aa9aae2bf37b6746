//! The plan as Word shows it: the approval block, the title, the months and the numbered rows.

use metoda_docs::plan_docx::{Approval, PlanDoc, PlanRow, PlanSection, plan_docx};

use crate::{part, texts};

fn plan(with_execution: bool) -> PlanDoc {
    let row = |title: &str, when: &str, execution: &str| PlanRow {
        title: title.into(),
        form: "семинар".into(),
        when: when.into(),
        responsible: "Иванова М. П.".into(),
        expected_result: "методические рекомендации".into(),
        execution: if with_execution { execution.into() } else { String::new() },
    };
    PlanDoc {
        approvals: vec![Approval {
            heading: "УТВЕРЖДАЮ".into(),
            position: "Начальник Управления образования".into(),
            name: "О. А. Максимова".into(),
            reference: Some("приказ от 01.09.2026 № 150-ОД".into()),
        }],
        title: "План работы".into(),
        subtitle: "ММО учителей математики\nна 2026/2027 учебный год".into(),
        sections: vec![
            PlanSection {
                label: "Сентябрь".into(),
                rows: vec![row("Заседание № 1 «Анализ работы за год» & <план>", "15.09.2026", "выполнено")],
            },
            PlanSection {
                label: "Январь".into(),
                rows: vec![
                    row("Семинар «Функциональная грамотность»", "в течение месяца", "перенесено на 10.02.2027"),
                    row("Открытый урок", "20.01.2027", ""),
                ],
            },
        ],
    }
}

#[test]
fn approval_title_months_and_numbered_rows_in_order() {
    let bytes = plan_docx(&plan(false)).unwrap();
    let all = texts(&part(&bytes, "word/document.xml")).join("\n");
    let expected = [
        "УТВЕРЖДАЮ",
        "Начальник Управления образования",
        "____________ О. А. Максимова",
        "приказ от 01.09.2026 № 150-ОД",
        "ПЛАН РАБОТЫ",
        "ММО учителей математики",
        "на 2026/2027 учебный год",
        "№ п/п",
        "Содержание работы",
        "Ожидаемый результат",
        "Сентябрь",
        "1.",
        "Заседание № 1 «Анализ работы за год» & <план>",
        "15.09.2026",
        "Январь",
        "2.",
        "Семинар «Функциональная грамотность»",
        "в течение месяца",
        "3.",
        "Открытый урок",
    ];
    let mut at = 0;
    for e in expected {
        let found = all[at..].find(e).unwrap_or_else(|| panic!("«{e}» after byte {at} in:\n{all}"));
        at += found + e.len();
    }
    assert!(!all.contains("Отметка об исполнении"), "no execution column in a plan not yet executed");
    let xml = part(&bytes, "word/document.xml");
    assert_eq!(xml.matches(r#"<w:gridSpan w:val="6""#).count(), 2, "a month row spans the table");
    assert!(xml.contains(r#"<w:pgSz w:w="16838" w:h="11906" w:orient="landscape""#), "landscape A4: {xml}");
}

#[test]
fn an_executed_plan_has_the_execution_column() {
    let bytes = plan_docx(&plan(true)).unwrap();
    let all = texts(&part(&bytes, "word/document.xml"));
    assert!(all.contains(&"Отметка об исполнении".to_string()));
    assert!(all.contains(&"перенесено на 10.02.2027".to_string()));
    assert_eq!(part(&bytes, "word/document.xml").matches(r#"<w:gridSpan w:val="7""#).count(), 2);
    if let Ok(dir) = std::env::var("METODA_ARTIFACTS") {
        std::fs::write(std::path::Path::new(&dir).join("plan.docx"), &bytes).unwrap();
    }
}
