//! The note on an event's results: a Word document with every part, read back.

use std::io::Read;

use metoda_docs::event_docx::{EventNote, event_note_docx};

fn text(bytes: Vec<u8>) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml").expect("document.xml").read_to_string(&mut xml).expect("utf-8");
    xml.split("</w:p>")
        .map(|p| p.split('<').filter_map(|x| x.split_once('>').map(|(_, t)| t)).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_note_has_its_facts_programme_placements_outcome_and_signature() {
    let doc = EventNote {
        organiser: "ММО учителей математики".into(),
        what: "семинара-практикума «Формирующее оценивание»".into(),
        facts: vec!["Дата проведения: 15.10.2026, 15:00.".into(), "Присутствовали: 12 человек.".into()],
        programme: vec!["15:10 «Приёмы оценивания» — Иванова Ирина Ивановна".into()],
        placements: vec!["Победитель: Белов Артём, 6 класс".into()],
        outcome: "Опыт рекомендован к распространению.\nПровести практикум в марте.".into(),
        signer_post: "Руководитель ММО".into(),
        signer_name: "Е. П. Орлова".into(),
    };
    let t = text(event_note_docx(&doc).expect("a document"));
    for part in [
        "СПРАВКА",
        "по итогам проведения семинара-практикума «Формирующее оценивание»",
        "Присутствовали: 12 человек.",
        "1. 15:10 «Приёмы оценивания» — Иванова Ирина Ивановна",
        "Победитель: Белов Артём, 6 класс",
        "Провести практикум в марте.",
        "Е. П. Орлова",
    ] {
        assert!(t.contains(part), "«{part}» is missing:\n{t}");
    }
    // Without conclusions yet, a line to write them by hand.
    let blank = text(event_note_docx(&EventNote { outcome: String::new(), ..doc }).expect("a document"));
    assert!(blank.contains("Итоги: ____"), "{blank}");
}

#[test]
fn the_programme_lists_its_items_in_a_table_and_says_when_there_are_none() {
    use metoda_docs::programme_docx::{ProgrammeDoc, ProgrammeLine, programme_docx};
    let doc = ProgrammeDoc {
        organiser: "ММО учителей математики".into(),
        what: "мероприятия «Формирующее оценивание» (семинар-практикум)".into(),
        dates: "15.10.2026".into(),
        time: Some("15:00".into()),
        place: "МБОУ «СОШ № 1», каб. 21".into(),
        about: "Для учителей 5–9 классов.".into(),
        items: vec![ProgrammeLine {
            time: "15:10".into(),
            topic: "Приёмы оценивания".into(),
            speaker: "Иванова Ирина Ивановна, МБОУ «СОШ № 1»".into(),
            kind: "доклад".into(),
        }],
        several_days: false,
    };
    let t = text(programme_docx(&doc).expect("a document"));
    for part in ["ПРОГРАММА", "15.10.2026, 15:00", "Для учителей 5–9 классов.", "Приёмы оценивания", "доклад"]
    {
        assert!(t.contains(part), "«{part}» is missing:\n{t}");
    }
    let empty = text(programme_docx(&ProgrammeDoc { items: vec![], ..doc }).expect("a document"));
    assert!(empty.contains("Программа ещё не составлена."), "{empty}");
}

#[test]
fn the_filled_sheet_has_the_marks_instead_of_signatures_and_no_blank_rows() {
    use metoda_docs::registration_docx::{RegistrationDoc, registration_docx};
    let doc = RegistrationDoc {
        body: "ММО учителей математики".into(),
        what: "участников мероприятия".into(),
        date: "15.10.2026".into(),
        people: vec![("Иванова Ирина Ивановна".into(), "СОШ № 1".into()), ("Петров Пётр".into(), String::new())],
        blank_rows: 5,
        marks: vec!["присутствовал(а)".into(), "не явился(-ась)".into()],
        summary: "Зарегистрировано: 2 человека; присутствовали: 1 человек.".into(),
        ..Default::default()
    };
    let t = text(registration_docx(&doc).expect("a document"));
    for part in ["Отметка о присутствии", "присутствовал(а)", "не явился(-ась)", "присутствовали: 1 человек"]
    {
        assert!(t.contains(part), "«{part}» is missing:\n{t}");
    }
    assert!(!t.contains("Подпись") && !t.contains("\n3\n"), "{t}");
    let to_sign = text(registration_docx(&RegistrationDoc { marks: vec![], summary: String::new(), ..doc }).unwrap());
    assert!(to_sign.contains("Подпись") && to_sign.contains("7"), "{to_sign}");
}
