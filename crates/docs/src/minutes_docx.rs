//! The minutes of an association's meeting («протокол заседания») as a Word document, in the usual
//! Russian form:
//!
//! ```text
//!         Муниципальное методическое объединение учителей математики
//!
//!                               ПРОТОКОЛ № 3
//!
//! 15.10.2026, 15:00                                          МБОУ «СОШ № 1»
//!
//! Председатель: Иванова И. И.
//! Секретарь: Петрова А. А.
//! Присутствовали: 7 человек из 10 — Иванова И. И., Петрова А. А., …
//! Отсутствовали: 3 человека — Сидорова С. С. (уважительная причина), …
//! Приглашённые: Петров П. П., методист ИМЦ
//! Кворум имеется (присутствуют 7 из 10)
//!
//! ПОВЕСТКА ДНЯ:
//!     1. Об итогах ГИА-2026.
//!     2. …
//!
//!     1. СЛУШАЛИ: Иванова И. И. — summary of the report …
//!     ВЫСТУПИЛИ: Петров П. П. — …
//!     РЕШИЛИ: …
//!     Голосовали: «за» – 7, «против» – 0, «воздержались» – 1.
//!     Решение принято.
//!
//! ПОРУЧЕНИЯ:
//!     1. Провести пробный муниципальный этап — Петрова А. А., до 20.12.2026
//!
//! Председатель                                       _____________ / Иванова И. И.
//!                                                             подписано 16.10.2026
//!
//!                  Дополнение к протоколу № 3 от 15.10.2026
//!     Text of the addendum …
//! 20.10.2026                                                        Иванова И. И.
//! ```
//!
//! Portrait A4, Times New Roman 14 pt, the page and the helpers of [`crate::order_docx`]. Parts that
//! are empty are left out. The minutes themselves are never rewritten: corrections come as addenda
//! after the signatures.

use docx_rs::{AlignmentType, Paragraph, Run};

use crate::order_docx::{TABLE_SIZE, a4, body, centered_bold, empty_line, indented, left_right, lines, pack, spacing};

/// What goes into the minutes. All texts are already formatted for the reader.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MinutesDoc {
    /// The association's full name, «Муниципальное методическое объединение учителей математики»;
    /// line breaks start new lines.
    pub body: String,
    /// «ПРОТОКОЛ № {number}».
    pub number: u32,
    /// "15.10.2026".
    pub date: String,
    /// "15:00".
    pub time: Option<String>,
    /// The organization where the meeting took place, or the link of an online meeting.
    pub place: String,
    /// The chair's name, «Иванова И. И.» (a leading «Председатель:» is tolerated, not repeated).
    pub chair: Option<String>,
    /// The secretary's name (a leading «Секретарь:» is tolerated, not repeated).
    pub secretary: Option<String>,
    /// Members of the association on the date of the meeting.
    pub members_total: usize,
    /// Names of the members present.
    pub present: Vec<String>,
    /// Names of the members absent, with « (уважительная причина)» where excused.
    pub absent: Vec<String>,
    /// Invited persons, «Петров П. П., методист ИМЦ» (they are separated by semicolons).
    pub guests: Vec<String>,
    /// «Кворум имеется (присутствуют 7 из 10)», «Кворум не установлен положением», …
    pub quorum: String,
    pub items: Vec<MinutesItem>,
    /// Tasks given at the meeting: «Провести пробный этап — Иванова И. И., до 20.12.2026».
    pub actions: Vec<String>,
    pub signatures: Vec<MinutesSignature>,
    pub addenda: Vec<MinutesAddendum>,
}

/// One item of the agenda and what was said and decided on it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MinutesItem {
    /// The item as the agenda names it.
    pub topic: String,
    /// «СЛУШАЛИ: {speaker} — {heard}».
    pub speaker: Option<String>,
    /// The summary of the report; line breaks start new paragraphs.
    pub heard: Option<String>,
    /// «ВЫСТУПИЛИ:», each «Фамилия И. О. — text».
    pub spoke: Vec<String>,
    /// «РЕШИЛИ: …»; line breaks start new paragraphs.
    pub decision: Option<String>,
    /// Votes for, against and abstained.
    pub votes: Option<(u32, u32, u32)>,
    /// «Решение принято», «Решение не принято», «Решение не правомочно (нет кворума)».
    pub outcome: Option<String>,
}

/// A signature line at the end of the minutes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MinutesSignature {
    /// «Председатель», «Секретарь», «Руководитель ММО».
    pub role: String,
    pub name: String,
    /// «подписано 16.10.2026» once signed in the system.
    pub signed: Option<String>,
}

/// A correction or addition made after the minutes were signed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MinutesAddendum {
    /// "20.10.2026".
    pub date: String,
    /// Line breaks start new paragraphs.
    pub text: String,
    pub author: String,
}

/// A date (and time) and a place longer than this many characters together do not fit on one line of
/// 14 pt text; the place then goes to a line of its own.
const ONE_LINE: usize = 60;

/// Builds the DOCX. The error is a Russian sentence for the user.
pub fn minutes_docx(doc: &MinutesDoc) -> Result<Vec<u8>, String> {
    let mut docx = a4();

    for line in lines(&doc.body) {
        docx = docx.add_paragraph(centered_bold(line));
    }
    docx = docx
        .add_paragraph(empty_line())
        .add_paragraph(centered_bold(&format!("ПРОТОКОЛ № {}", doc.number)))
        .add_paragraph(empty_line());

    // the date (and time) on the left, the place on the right
    let when = match doc.time.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(time) if !doc.date.trim().is_empty() => format!("{}, {time}", doc.date.trim()),
        Some(time) => time.to_string(),
        None => doc.date.trim().to_string(),
    };
    let place = one_line(&doc.place);
    if !when.is_empty() && !place.is_empty() && when.chars().count() + place.chars().count() <= ONE_LINE {
        docx = docx.add_paragraph(left_right(&when, &place));
    } else {
        if !when.is_empty() {
            docx = docx.add_paragraph(text_line(&[(&when, false)]));
        }
        if !place.is_empty() {
            docx = docx.add_paragraph(right(&place));
        }
    }
    docx = docx.add_paragraph(empty_line());

    for (label, name) in [("Председатель", &doc.chair), ("Секретарь", &doc.secretary)] {
        if let Some(name) = name.as_deref().map(|n| without_label(n, label)).filter(|n| !n.is_empty()) {
            docx = docx.add_paragraph(text_line(&[(&format!("{label}:"), true), (&format!(" {name}"), false)]));
        }
    }
    docx = docx.add_paragraph(text_line(&[("Присутствовали:", true), (&format!(" {}", present(doc)), false)]));
    docx = docx.add_paragraph(text_line(&[("Отсутствовали:", true), (&format!(" {}", absent(doc)), false)]));
    let guests: Vec<String> = doc.guests.iter().map(|g| one_line(g)).filter(|g| !g.is_empty()).collect();
    if !guests.is_empty() {
        docx = docx.add_paragraph(text_line(&[("Приглашённые:", true), (&format!(" {}", guests.join("; ")), false)]));
    }
    let quorum = one_line(&doc.quorum);
    if !quorum.is_empty() {
        docx = docx.add_paragraph(text_line(&[(&quorum, false)]));
    }

    if !doc.items.is_empty() {
        docx = docx.add_paragraph(empty_line()).add_paragraph(text_line(&[("ПОВЕСТКА ДНЯ:", true)]));
        for (i, item) in doc.items.iter().enumerate() {
            docx = docx.add_paragraph(body(&format!("{}. {}", i + 1, one_line(&item.topic))));
        }
    }

    for (i, item) in doc.items.iter().enumerate() {
        docx = docx.add_paragraph(empty_line());
        for p in item_paragraphs(i + 1, item) {
            docx = docx.add_paragraph(p);
        }
    }

    let actions: Vec<String> = doc.actions.iter().map(|a| one_line(a)).filter(|a| !a.is_empty()).collect();
    if !actions.is_empty() {
        docx = docx.add_paragraph(empty_line()).add_paragraph(text_line(&[("ПОРУЧЕНИЯ:", true)]));
        for (i, a) in actions.iter().enumerate() {
            docx = docx.add_paragraph(body(&format!("{}. {a}", i + 1)));
        }
    }

    if !doc.signatures.is_empty() {
        docx = docx.add_paragraph(empty_line());
    }
    for signature in &doc.signatures {
        let name = one_line(&signature.name);
        let line = if name.is_empty() { "_____________".to_string() } else { format!("_____________ / {name}") };
        docx = docx.add_paragraph(empty_line()).add_paragraph(left_right(&one_line(&signature.role), &line));
        if let Some(signed) = signature.signed.as_deref().map(one_line).filter(|s| !s.is_empty()) {
            docx = docx.add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Right)
                    .line_spacing(spacing(0))
                    .add_run(Run::new().add_text(signed).italic().size(TABLE_SIZE)),
            );
        }
    }

    for addendum in &doc.addenda {
        let mut heading = format!("Дополнение к протоколу № {}", doc.number);
        if !doc.date.trim().is_empty() {
            heading = format!("{heading} от {}", doc.date.trim());
        }
        docx = docx.add_paragraph(empty_line()).add_paragraph(empty_line()).add_paragraph(centered_bold(&heading));
        for line in lines(&addendum.text) {
            docx = docx.add_paragraph(body(line));
        }
        docx = docx.add_paragraph(left_right(&one_line(&addendum.date), &one_line(&addendum.author)));
    }

    pack(docx)
}

/// СЛУШАЛИ, ВЫСТУПИЛИ, РЕШИЛИ, the votes and the outcome of one item, numbered `n`.
fn item_paragraphs(n: usize, item: &MinutesItem) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let number = format!("{n}. ");

    let speaker = item.speaker.as_deref().map(one_line).unwrap_or_default();
    let heard: Vec<&str> = item.heard.as_deref().map(|h| lines(h).collect()).unwrap_or_default();
    let topic = one_line(&item.topic);
    let first = match (speaker.is_empty(), heard.first()) {
        (false, Some(h)) => format!("{speaker} — {h}"),
        // who spoke, on the item of the agenda
        (false, None) if !topic.is_empty() => format!("{speaker} — {topic}"),
        (false, None) => speaker,
        (true, Some(h)) => (*h).to_string(),
        (true, None) => String::new(),
    };
    if first.is_empty() {
        // nobody was heard: the item still shows its topic
        out.push(body(&format!("{number}{topic}")));
    } else {
        out.push(labelled(&number, "СЛУШАЛИ:", &first));
        out.extend(heard.iter().skip(1).map(|h| body(h)));
    }

    let mut spoke = item.spoke.iter().flat_map(|s| lines(s)).peekable();
    if let Some(first) = spoke.next() {
        out.push(labelled("", "ВЫСТУПИЛИ:", first));
        out.extend(spoke.map(body));
    }

    if let Some(decision) = &item.decision {
        let mut decision = lines(decision);
        if let Some(first) = decision.next() {
            out.push(labelled("", "РЕШИЛИ:", first));
            out.extend(decision.map(body));
        }
    }

    if let Some((pro, contra, abstained)) = item.votes {
        out.push(body(&format!("Голосовали: «за» – {pro}, «против» – {contra}, «воздержались» – {abstained}.")));
    }
    if let Some(outcome) = item.outcome.as_deref().map(one_line).filter(|o| !o.is_empty()) {
        out.push(body(&sentence(outcome)));
    }
    out
}

/// «7 человек из 10 — Иванова И. И., Петров П. П.».
fn present(doc: &MinutesDoc) -> String {
    let names: Vec<String> = doc.present.iter().map(|n| one_line(n)).filter(|n| !n.is_empty()).collect();
    let count = doc.present.len();
    let mut text = format!("{count} {}", people(count));
    if doc.members_total > 0 {
        text = format!("{text} из {}", doc.members_total);
    }
    if !names.is_empty() {
        text = format!("{text} — {}", names.join(", "));
    }
    text
}

/// «3 человека — Сидорова С. С. (уважительная причина), …», or «нет».
fn absent(doc: &MinutesDoc) -> String {
    let names: Vec<String> = doc.absent.iter().map(|n| one_line(n)).filter(|n| !n.is_empty()).collect();
    let count = doc.absent.len();
    if count == 0 {
        return "нет".into();
    }
    let text = format!("{count} {}", people(count));
    if names.is_empty() { text } else { format!("{text} — {}", names.join(", ")) }
}

/// «человек» or «человека» after a number: 1, 5, 11, 21 человек; 2, 3, 4, 22 человека.
fn people(n: usize) -> &'static str {
    if (2..=4).contains(&(n % 10)) && !(12..=14).contains(&(n % 100)) { "человека" } else { "человек" }
}

/// The text without its line breaks.
fn one_line(text: &str) -> String {
    lines(text).collect::<Vec<_>>().join(" ")
}

/// «Председатель: Иванова И. И.» → «Иванова И. И.» for the label «Председатель».
fn without_label(text: &str, label: &str) -> String {
    let text = one_line(text);
    match text.strip_prefix(label) {
        Some(rest) if rest.trim_start().starts_with(':') => {
            rest.trim_start().trim_start_matches(':').trim().to_string()
        }
        _ => text,
    }
}

/// Ends the text with a full stop unless it already ends a sentence.
fn sentence(text: String) -> String {
    if text.ends_with(['.', '!', '?', '…']) { text } else { format!("{text}.") }
}

/// A justified paragraph without indent, of runs each bold or not.
fn text_line(parts: &[(&str, bool)]) -> Paragraph {
    let mut p = Paragraph::new().align(AlignmentType::Both).line_spacing(spacing(0));
    for (text, bold) in parts {
        let mut run = Run::new().add_text(*text);
        if *bold {
            run = run.bold();
        }
        p = p.add_run(run);
    }
    p
}

/// «1. СЛУШАЛИ: text»: an indented paragraph with the label in bold.
fn labelled(number: &str, label: &str, text: &str) -> Paragraph {
    let mut p = indented();
    if !number.is_empty() {
        p = p.add_run(Run::new().add_text(number));
    }
    p.add_run(Run::new().add_text(label).bold()).add_run(Run::new().add_text(format!(" {text}")))
}

fn right(text: &str) -> Paragraph {
    Paragraph::new().align(AlignmentType::Right).line_spacing(spacing(0)).add_run(Run::new().add_text(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_agrees_with_the_number() {
        for (n, word) in [(1, "человек"), (2, "человека"), (4, "человека"), (5, "человек"), (11, "человек")]
            .into_iter()
            .chain([(12, "человек"), (14, "человек"), (21, "человек"), (22, "человека"), (25, "человек")])
            .chain([(112, "человек"), (122, "человека"), (0, "человек")])
        {
            assert_eq!(people(n), word, "{n}");
        }
    }

    #[test]
    fn a_label_given_with_the_name_is_not_repeated() {
        assert_eq!(without_label("Председатель: Иванова И. И.", "Председатель"), "Иванова И. И.");
        assert_eq!(without_label(" Иванова И. И. ", "Председатель"), "Иванова И. И.");
        assert_eq!(without_label("Председательская Е. Е.", "Председатель"), "Председательская Е. Е.");
    }

    #[test]
    fn an_outcome_is_a_sentence() {
        assert_eq!(sentence("Решение принято".into()), "Решение принято.");
        assert_eq!(sentence("Решение не правомочно (нет кворума)".into()), "Решение не правомочно (нет кворума).");
        assert_eq!(sentence("Решение принято.".into()), "Решение принято.");
    }
}
