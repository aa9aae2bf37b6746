//! The minutes as Word shows them: the heading, who was there, the agenda, each item with its own
//! votes and outcome, the signatures and the addenda after them — read back paragraph by paragraph.

use std::io::Cursor;

use docx_rs::{DocumentChild, ParagraphChild, RunChild};
use metoda_docs::minutes_docx::{MinutesAddendum, MinutesDoc, MinutesItem, MinutesSignature, minutes_docx};

use crate::{part, texts};

/// A guest whose organization has quotes, an ampersand and angle brackets in its name.
const GUEST: &str = r#"Петров П. П., методист АНО "Учёба & <Труд>""#;

fn minutes() -> MinutesDoc {
    let s = |v: &str| v.to_string();
    MinutesDoc {
        body: s("Муниципальное методическое объединение учителей математики"),
        number: 3,
        date: s("15.10.2026"),
        time: Some(s("15:00")),
        place: s("МБОУ «СОШ № 1»"),
        chair: Some(s("Иванова И. И.")),
        secretary: Some(s("Секретарь: Петрова А. А.")),
        members_total: 10,
        present: vec![
            s("Иванова И. И."),
            s("Петрова А. А."),
            s("О'Коннор Д. Р."),
            s("Смирнова Е. В."),
            s("Васильев А. Н."),
            s("Никитина О. Л."),
            s("Фёдорова Т. М."),
        ],
        absent: vec![s("Сидорова С. С. (уважительная причина)"), s("Кузнецов К. К."), s("Орлова Н. Н.")],
        guests: vec![s(GUEST), s("Лебедева М. А., заместитель директора МБОУ «СОШ № 1»")],
        quorum: s("Кворум имеется (присутствуют 7 из 10)"),
        items: vec![
            MinutesItem {
                topic: s("Об итогах ГИА-2026 по математике."),
                speaker: Some(s("Иванова И. И.")),
                heard: Some(s("Средний балл ЕГЭ вырос на 3,2 балла.\nОсновные ошибки — в задачах с параметром.")),
                spoke: vec![s("Смирнова Е. В. — предложила провести практикум."), s("Васильев А. Н. — поддержал.")],
                decision: Some(s("1. Принять информацию к сведению.\n2. Провести практикум в ноябре.")),
                votes: Some((7, 0, 1)),
                outcome: Some(s("Решение принято")),
            },
            MinutesItem {
                topic: s("О переходе на новый учебник & <пособия>."),
                speaker: Some(s("Петрова А. А.")),
                heard: Some(s("Предложила перейти на учебник \"Алгебра 7\".")),
                spoke: vec![],
                decision: Some(s("Перейти на новый учебник с 2027 года.")),
                votes: Some((3, 3, 1)),
                outcome: Some(s("Решение не принято")),
            },
        ],
        actions: vec![s("Провести пробный муниципальный этап — Петрова А. А., до 20.12.2026")],
        signatures: vec![
            MinutesSignature {
                role: s("Председатель"),
                name: s("Иванова И. И."),
                signed: Some(s("подписано 16.10.2026")),
            },
            MinutesSignature { role: s("Секретарь"), name: s("Петрова А. А."), signed: None },
        ],
        addenda: vec![MinutesAddendum {
            date: s("20.10.2026"),
            text: s("В пункте 2 решения по первому вопросу следует читать: «в декабре»."),
            author: s("Иванова И. И."),
        }],
    }
}

/// The paragraphs of document.xml as text: the `<w:t>` of each, a run's `<w:tab/>` as "\t".
fn paragraphs(xml: &str) -> Vec<String> {
    xml.split("</w:p>")
        .filter(|p| p.contains("<w:p>") || p.contains("<w:p "))
        .map(|p| {
            // the text of a paragraph, its run tabs kept (a tab stop in <w:tabs> has attributes)
            let p = p.replace("<w:tab />", "<w:t>\t</w:t>").replace("<w:tab/>", "<w:t>\t</w:t>");
            texts(&p).concat()
        })
        .collect()
}

/// The paragraphs as docx-rs's reader (quick-xml underneath) parses them back.
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

/// A strict check of well-formedness: tags balanced and named alike, entities known, attribute
/// values quoted.
fn well_formed(xml: &str) -> Result<(), String> {
    fn check_text(text: &str) -> Result<(), String> {
        let mut rest = text;
        while let Some(amp) = rest.find('&') {
            let entity = &rest[amp + 1..];
            let end = entity.find(';').ok_or_else(|| format!("a bare & in {text:?}"))?;
            let name = &entity[..end];
            let numeric = name.strip_prefix("#x").map_or_else(
                || name.strip_prefix('#').is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit())),
                |h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()),
            );
            if !(numeric || ["amp", "lt", "gt", "quot", "apos"].contains(&name)) {
                return Err(format!("unknown entity &{name}; in {text:?}"));
            }
            rest = &entity[end + 1..];
        }
        if text.contains('<') { Err(format!("a bare < in {text:?}")) } else { Ok(()) }
    }
    let mut stack: Vec<String> = Vec::new();
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        check_text(&rest[..lt])?;
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<?") {
            rest = &after[after.find("?>").ok_or("an unclosed <?")? + 2..];
            continue;
        }
        // the end of the tag, outside quoted attribute values
        let mut quote = None;
        let end = rest
            .char_indices()
            .find(|&(_, c)| match quote {
                Some(q) => {
                    if c == q {
                        quote = None;
                    }
                    false
                }
                None if c == '"' || c == '\'' => {
                    quote = Some(c);
                    false
                }
                None => c == '>',
            })
            .map(|(i, _)| i)
            .ok_or("an unclosed tag")?;
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack.pop().ok_or_else(|| format!("</{name}> closes nothing"))?;
            if open != name.trim() {
                return Err(format!("<{open}> closed by </{name}>"));
            }
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name = tag.split_whitespace().next().ok_or("an empty tag")?;
        // attributes: name="value" pairs
        let mut attrs = tag[name.len()..].trim();
        while !attrs.is_empty() {
            let eq = attrs.find('=').ok_or_else(|| format!("an attribute without a value in <{tag}>"))?;
            let value = attrs[eq + 1..].trim_start();
            let q = value.chars().next().filter(|c| *c == '"' || *c == '\'').ok_or("an unquoted attribute")?;
            let close = value[1..].find(q).ok_or("an unclosed attribute value")?;
            check_text(&value[1..=close])?;
            attrs = value[close + 2..].trim_start();
        }
        if !self_closing {
            stack.push(name.to_string());
        }
    }
    check_text(rest)?;
    if stack.is_empty() { Ok(()) } else { Err(format!("unclosed elements: {stack:?}")) }
}

/// The index of the only paragraph that starts with `start`.
fn find(paras: &[String], start: &str) -> usize {
    let found: Vec<usize> = (0..paras.len()).filter(|&i| paras[i].starts_with(start)).collect();
    assert_eq!(found.len(), 1, "one paragraph starting with «{start}» in {paras:#?}");
    found[0]
}

#[test]
fn heading_attendance_and_agenda() {
    let doc = minutes();
    let bytes = minutes_docx(&doc).unwrap();
    let paras = paragraphs(&part(&bytes, "word/document.xml"));

    let body = find(&paras, "Муниципальное методическое объединение учителей математики");
    let title = find(&paras, "ПРОТОКОЛ");
    assert_eq!(paras[title], "ПРОТОКОЛ № 3");
    assert!(body < title);
    let date = find(&paras, "15.10.2026");
    assert_eq!(paras[date], "15.10.2026, 15:00\tМБОУ «СОШ № 1»", "date and time left, place right");
    assert!(title < date);

    assert_eq!(paras[find(&paras, "Председатель:")], "Председатель: Иванова И. И.");
    assert_eq!(paras[find(&paras, "Секретарь:")], "Секретарь: Петрова А. А.", "the label is not doubled");

    let present = &paras[find(&paras, "Присутствовали:")];
    assert!(present.starts_with("Присутствовали: 7 человек из 10 — "), "{present}");
    for name in &doc.present {
        assert!(present.contains(name.as_str()), "{name} in «{present}»");
    }
    let absent = &paras[find(&paras, "Отсутствовали:")];
    assert_eq!(
        absent,
        "Отсутствовали: 3 человека — Сидорова С. С. (уважительная причина), Кузнецов К. К., Орлова Н. Н."
    );
    for name in ["Сидорова", "Кузнецов", "Орлова"] {
        assert!(!present.contains(name), "{name} is not present: «{present}»");
    }
    for name in ["Иванова", "Смирнова"] {
        assert!(!absent.contains(name), "{name} is not absent: «{absent}»");
    }
    assert_eq!(
        paras[find(&paras, "Приглашённые:")],
        format!("Приглашённые: {GUEST}; Лебедева М. А., заместитель директора МБОУ «СОШ № 1»"),
        "guests are separated by semicolons, their commas belong to them"
    );
    let quorum = find(&paras, "Кворум");
    assert_eq!(paras[quorum], "Кворум имеется (присутствуют 7 из 10)");

    let agenda = find(&paras, "ПОВЕСТКА ДНЯ:");
    assert!(quorum < agenda);
    assert_eq!(paras[agenda + 1], "1. Об итогах ГИА-2026 по математике.");
    assert_eq!(paras[agenda + 2], "2. О переходе на новый учебник & <пособия>.");

    // The tasks given at the meeting follow the items, before the signatures.
    let tasks = find(&paras, "ПОРУЧЕНИЯ:");
    assert!(agenda < tasks && paras[tasks..].iter().any(|p| p.starts_with("Председатель\t")));
    assert_eq!(paras[tasks + 1], "1. Провести пробный муниципальный этап — Петрова А. А., до 20.12.2026");
}

#[test]
fn each_item_has_its_own_votes_and_outcome() {
    let bytes = minutes_docx(&minutes()).unwrap();
    let paras = paragraphs(&part(&bytes, "word/document.xml"));

    let first = find(&paras, "1. СЛУШАЛИ:");
    let second = find(&paras, "2. СЛУШАЛИ:");
    let signatures = find(&paras, "Председатель\t");
    assert!(find(&paras, "ПОВЕСТКА ДНЯ:") < first && first < second && second < signatures);

    let item1: Vec<&str> = paras[first..second].iter().map(String::as_str).filter(|p| !p.is_empty()).collect();
    assert_eq!(
        item1,
        [
            "1. СЛУШАЛИ: Иванова И. И. — Средний балл ЕГЭ вырос на 3,2 балла.",
            "Основные ошибки — в задачах с параметром.",
            "ВЫСТУПИЛИ: Смирнова Е. В. — предложила провести практикум.",
            "Васильев А. Н. — поддержал.",
            "РЕШИЛИ: 1. Принять информацию к сведению.",
            "2. Провести практикум в ноябре.",
            "Голосовали: «за» – 7, «против» – 0, «воздержались» – 1.",
            "Решение принято.",
        ]
    );
    let tasks = find(&paras, "ПОРУЧЕНИЯ:");
    let item2: Vec<&str> =
        paras[second..tasks.min(signatures)].iter().map(String::as_str).filter(|p| !p.is_empty()).collect();
    assert_eq!(
        item2,
        [
            "2. СЛУШАЛИ: Петрова А. А. — Предложила перейти на учебник \"Алгебра 7\".",
            "РЕШИЛИ: Перейти на новый учебник с 2027 года.",
            "Голосовали: «за» – 3, «против» – 3, «воздержались» – 1.",
            "Решение не принято.",
        ],
        "no ВЫСТУПИЛИ when nobody spoke"
    );
}

#[test]
fn signatures_then_the_addendum() {
    let bytes = minutes_docx(&minutes()).unwrap();
    let paras = paragraphs(&part(&bytes, "word/document.xml"));

    let chair = find(&paras, "Председатель\t");
    assert_eq!(paras[chair], "Председатель\t_____________ / Иванова И. И.");
    assert_eq!(paras[chair + 1], "подписано 16.10.2026", "the note of the signature under it");
    let secretary = find(&paras, "Секретарь\t");
    assert_eq!(paras[secretary], "Секретарь\t_____________ / Петрова А. А.");
    assert!(chair < secretary);
    assert!(!paras[secretary + 1..].iter().any(|p| p.starts_with("подписано")), "the secretary has not signed");

    let addendum = find(&paras, "Дополнение к протоколу");
    assert_eq!(paras[addendum], "Дополнение к протоколу № 3 от 15.10.2026");
    assert!(secretary < addendum, "the addendum comes after the signatures");
    assert_eq!(paras[addendum + 1], "В пункте 2 решения по первому вопросу следует читать: «в декабре».");
    assert_eq!(paras[addendum + 2], "20.10.2026\tИванова И. И.");
    // the original decision is unchanged
    assert!(paras.contains(&"2. Провести практикум в ноябре.".to_string()));
}

#[test]
fn special_characters_are_escaped_and_read_back() {
    let bytes = minutes_docx(&minutes()).unwrap();
    let xml = part(&bytes, "word/document.xml");
    well_formed(&xml).unwrap();
    assert!(xml.contains("АНО &quot;Учёба &amp; &lt;Труд&gt;&quot;"), "escaped in the XML");
    assert!(xml.contains("О&apos;Коннор"), "an apostrophe too");
    assert!(!xml.contains("& <"), "no raw ampersand");

    let ours = paragraphs(&xml);
    assert!(ours.iter().any(|p| p.contains(GUEST)));
    assert!(ours.iter().any(|p| p.contains("О'Коннор Д. Р.")));
    // an XML parser reads the same paragraphs back
    assert_eq!(parsed_paragraphs(&bytes), ours);

    if let Ok(dir) = std::env::var("METODA_ARTIFACTS") {
        std::fs::write(std::path::Path::new(&dir).join("minutes.docx"), &bytes).unwrap();
    }
}

#[test]
fn page_and_font_are_those_of_the_order() {
    let bytes = minutes_docx(&minutes()).unwrap();
    let xml = part(&bytes, "word/document.xml");
    assert!(xml.contains(r#"<w:pgSz w:w="11906" w:h="16838""#), "A4");
    assert!(!xml.contains("landscape"), "portrait");
    assert!(xml.contains(r#"w:top="1134" w:right="850" w:bottom="1134" w:left="1701""#), "margins 2/1.5/2/3 cm");
    let styles = part(&bytes, "word/styles.xml");
    assert!(styles.contains(r#"w:ascii="Times New Roman""#));
    assert!(styles.contains(r#"<w:sz w:val="28""#), "14 pt");
}

#[test]
fn an_item_without_a_decision_still_shows_its_topic() {
    let doc = MinutesDoc {
        number: 4,
        date: "10.11.2026".into(),
        items: vec![
            MinutesItem { topic: "Разное.".into(), ..Default::default() },
            MinutesItem {
                topic: "О конкурсе «Учитель года».".into(),
                speaker: Some("Иванова И. И.".into()),
                outcome: Some("Решение не правомочно (нет кворума)".into()),
                ..Default::default()
            },
        ],
        ..Default::default()
    };
    let bytes = minutes_docx(&doc).unwrap();
    let paras = paragraphs(&part(&bytes, "word/document.xml"));
    let agenda = find(&paras, "ПОВЕСТКА ДНЯ:");
    let first = (agenda + 3..paras.len()).find(|&i| paras[i] == "1. Разное.").expect("the first item after the agenda");
    let second = find(&paras, "2. СЛУШАЛИ:");
    assert_eq!(paras[second], "2. СЛУШАЛИ: Иванова И. И. — О конкурсе «Учитель года».");
    assert!(first < second);
    assert_eq!(paras[second + 1], "Решение не правомочно (нет кворума).");
    assert!(!paras.iter().any(|p| p.starts_with("РЕШИЛИ") || p.starts_with("Голосовали")));
}

#[test]
fn a_minimal_protocol_is_a_valid_docx() {
    let doc = MinutesDoc { number: 1, date: "02.09.2026".into(), ..Default::default() };
    let bytes = minutes_docx(&doc).unwrap();

    let mut archive = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
    for name in ["[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml"] {
        assert!(archive.by_name(name).is_ok(), "{name} in the zip");
    }
    let xml = part(&bytes, "word/document.xml");
    well_formed(&xml).unwrap();
    let paras = parsed_paragraphs(&bytes);
    assert_eq!(paras, paragraphs(&xml));

    let text: Vec<&str> = paras.iter().map(String::as_str).filter(|p| !p.is_empty()).collect();
    assert_eq!(text, ["ПРОТОКОЛ № 1", "02.09.2026", "Присутствовали: 0 человек", "Отсутствовали: нет"]);
}

#[test]
fn the_well_formedness_check_catches_broken_xml() {
    assert!(well_formed(r#"<?xml version="1.0"?><a x="1"><b/>t &amp; u</a>"#).is_ok());
    for broken in ["<a><b></a></b>", "<a>", "<a>&</a>", "<a>&nbsp;</a>", "<a x=1/>", "</a>", "<a x=\"<\"/>"] {
        assert!(well_formed(broken).is_err(), "{broken}");
    }
}
