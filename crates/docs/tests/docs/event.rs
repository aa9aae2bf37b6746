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
