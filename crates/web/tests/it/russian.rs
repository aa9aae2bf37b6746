//! Documents and pages speak Russian, not code (issue 13). Each demo role signs in and crawls
//! every page reachable by links from `/` (same-origin GET links only), downloads every linked
//! Word and Excel document, extracts the text a person sees and fails on Latin code tokens
//! (`mathematics_profile`, `seed-002`, `None`, `Some(`, `{{`…), on placeholder sentences
//! («Сведения об этом появятся…», «заглушка»…), on a number followed by the wrong form of a
//! counted noun («72 баллов»), on an order whose «ПРИКАЗЫВАЮ:» has no point and on a number in a
//! Word table that may wrap. Error pages a link leads to are read too; such links are listed.
//! Runs on SQLite and PostgreSQL like every test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};
use std::io::Read;
use std::sync::{Arc, Mutex};

use common::{Session, TestApp};
use reqwest::StatusCode;

/// The bound of each role's crawl.
const MAX_PAGES: usize = 400;

/// Latin words a Russian page or document may show, and why. Everything else Latin is code.
const ALLOWED: &[(&str, &str)] = &[
    // Formats of the files the system reads and writes, named on buttons and in hints as
    // Russian office workers name them.
    ("DOCX", "file format"),
    ("XLSX", "file format"),
    ("XLS", "file format"),
    ("CSV", "file format"),
    ("PDF", "file format"),
    ("JPEG", "file format"),
    ("JPG", "file format"),
    ("PNG", "file format"),
    ("PPTX", "file format (a presentation)"),
    ("ODT", "file format"),
    ("Word", "the word processor, «документ Word»"),
    ("Excel", "the spreadsheet, «таблица Excel»"),
    ("iCal", "calendar subscription format"),
    ("ICS", "calendar file format"),
    ("API", "the programming interface; «API-токены» are for scripts"),
    ("UTC", "time zones are offsets from UTC"),
    ("e-mail", "the usual Russian name of electronic mail"),
    ("URL", "a web address"),
    ("Ctrl", "the key held to choose several items of a list"),
    ("Google", "a calendar service the feed is added to, «Google Календарь»"),
    ("Outlook", "a calendar program the feed is added to"),
    ("Authorization", "the HTTP header a script sends its API token in; typed as is"),
    ("Bearer", "the scheme of that header; typed as is"),
    ("ivanova.ai", "the example login of the new user form: logins are Latin by rule"),
];

/// Extensions of the files people upload and download, seen in their names («скан.pdf»).
const EXTENSIONS: &[&str] = &["pdf", "docx", "xlsx", "xls", "csv", "odt", "jpg", "jpeg", "png", "ics"];

/// Sentences of an unfinished page.
const PLACEHOLDERS: &[&str] = &[
    "сведения об этом появятся",
    "появятся позже",
    "появится позже",
    "будет доступно позже",
    "заглушка",
    "placeholder",
    "lorem",
    "ipsum",
    "todo",
    "fixme",
];

/// Fragments of program code that no Russian sentence contains.
const CODE: &[&str] = &["{{", "}}", "{%", "%}", "Some(", "None", "Err(", "Ok(", "\\n", "undefined", "NaN", "null"];

/// Counted nouns and their three forms (1, 2–4, 5–20): «72 балла», «5 баллов», «21 балл».
const NOUNS: &[[&str; 3]] = &[
    ["балл", "балла", "баллов"],
    ["час", "часа", "часов"],
    ["день", "дня", "дней"],
    ["педагог", "педагога", "педагогов"],
    ["участник", "участника", "участников"],
    ["член", "члена", "членов"],
    ["заседание", "заседания", "заседаний"],
    ["мероприятие", "мероприятия", "мероприятий"],
    ["приказ", "приказа", "приказов"],
    ["объединение", "объединения", "объединений"],
    ["уведомление", "уведомления", "уведомлений"],
    ["результат", "результата", "результатов"],
    ["ученик", "ученика", "учеников"],
    ["обучающийся", "обучающихся", "обучающихся"],
];

/// Words after which a number takes the genitive of its noun whatever it is («из 100 баллов»).
const GOVERNING: &[&str] =
    &["из", "до", "от", "более", "менее", "свыше", "около", "порог", "не", "минимум", "максимум"];

/// Findings accepted for now, each with its reason: (token, a fragment of its context).
const ACCEPTED: &[(&str, &str)] = &[];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Finding {
    what: &'static str,
    token: String,
    context: String,
}

fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic()
}

fn context(text: &str, start: usize, end: usize) -> String {
    let before: String = text[..start].chars().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect();
    let after: String = text[end..].chars().take(40).collect();
    format!("…{before}[{}]{after}…", &text[start..end]).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Blanks web addresses and e-mail addresses (values a person typed or reads as such).
fn without_addresses(text: &str) -> String {
    text.split_inclusive(char::is_whitespace)
        .map(|w| {
            let t = w.trim();
            let address = t.contains("://") || (t.contains('@') && t.contains('.')) || t.starts_with("www.");
            if address { " ".repeat(w.len()) } else { w.to_owned() }
        })
        .collect()
}

/// What of this text is code, a placeholder or a wrong plural. `logins` are the accounts' login
/// names, shown as such on the users' pages.
fn detect(text: &str, logins: &HashSet<String>) -> Vec<Finding> {
    let mut out = vec![];
    let text = without_addresses(text);
    let lower = text.to_lowercase();
    for p in PLACEHOLDERS {
        for (i, _) in lower.match_indices(p) {
            // the lowercase text keeps the byte offsets of Cyrillic and Latin letters
            if text.is_char_boundary(i) && text.is_char_boundary(i + p.len()) {
                out.push(Finding { what: "placeholder", token: (*p).into(), context: context(&text, i, i + p.len()) });
            }
        }
    }
    for c in CODE {
        for (i, _) in text.match_indices(c) {
            let word_start = i == 0 || !text[..i].ends_with(|c: char| c.is_alphanumeric());
            let word_end = !text[i + c.len()..].starts_with(|c: char| c.is_alphanumeric());
            if !c.chars().all(is_latin) || (word_start && word_end) {
                out.push(Finding { what: "code", token: (*c).into(), context: context(&text, i, i + c.len()) });
            }
        }
    }
    // Latin words: runs of Latin letters, digits and `_ . -` with a Latin letter in them.
    let part = |c: char| c.is_ascii_alphanumeric() || "_.-".contains(c);
    let mut i = 0;
    while i < text.len() {
        let c = text[i..].chars().next().unwrap();
        if !part(c) {
            i += c.len_utf8();
            continue;
        }
        let end = text[i..].find(|c: char| !part(c)).map_or(text.len(), |n| i + n);
        // a word glued to Cyrillic letters («API-токены») ends at the hyphen
        let run = &text[i..end];
        let lead = run.len() - run.trim_start_matches(['.', '-']).len();
        let token = run.trim_matches(['.', '-']);
        let start = i + lead;
        i = end;
        if !token.chars().any(is_latin) {
            continue;
        }
        let roman = token.chars().all(|c| "IVXLC".contains(c));
        // the extension of a file's name («скан.pdf»)
        let extension = run.starts_with('.') && EXTENSIONS.contains(&token.to_lowercase().as_str());
        let allowed = ALLOWED.iter().any(|(a, _)| *a == token) || logins.contains(token) || roman || extension;
        if !allowed {
            let what = if token.contains('_') { "code identifier" } else { "Latin word" };
            out.push(Finding { what, token: token.into(), context: context(&text, start, start + token.len()) });
        }
    }
    out.extend(wrong_plurals(&text));
    out
}

/// «72 баллов», «1 баллов», «3 дней»: a whole number followed by the wrong form of its noun.
fn wrong_plurals(text: &str) -> Vec<Finding> {
    let words: Vec<(usize, &str)> = text
        .split_inclusive(|c: char| !c.is_alphanumeric() && c != ',' && c != '.')
        .scan(0, |pos, w| {
            let at = *pos;
            *pos += w.len();
            Some((at, w))
        })
        .collect();
    let mut out = vec![];
    for k in 1..words.len() {
        let (at, w) = words[k];
        let noun = w.trim_end_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
        let Some(forms) = NOUNS.iter().find(|f| f.contains(&noun.as_str())) else { continue };
        let number = words[k - 1].1;
        if !number.ends_with(' ') {
            continue;
        }
        let number = number.trim_end();
        if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        // a number that names, not counts («протокол № 5 заседания»)
        if text[..words[k - 1].0].trim_end().ends_with('№') {
            continue;
        }
        // a fraction («4,5 балла») or a number governed by a preposition («из 100 баллов»)
        let before = &words[..k - 1];
        if before.last().is_some_and(|(_, p)| p.ends_with([',', '.']) && p.chars().any(|c| c.is_ascii_digit())) {
            continue;
        }
        let previous = before.iter().rev().map(|(_, p)| p.trim().to_lowercase()).find(|p| !p.is_empty());
        if previous.is_some_and(|p| GOVERNING.contains(&p.trim_end_matches(|c: char| !c.is_alphanumeric()))) {
            continue;
        }
        let n: i64 = number.parse().unwrap_or(0);
        let right = metoda_domain::values::plural_ru(n, forms[0], forms[1], forms[2]);
        if noun != right && !(forms[1] == forms[2] && noun == forms[1]) {
            let start = words[k - 1].0;
            out.push(Finding {
                what: "wrong plural",
                token: format!("{number} {noun}"),
                context: context(text, start, at + noun.len()),
            });
        }
    }
    out
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(semi) = rest.find(';').filter(|n| *n < 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..semi];
        let c = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ if name.starts_with("#x") => u32::from_str_radix(&name[2..], 16).ok().and_then(char::from_u32),
            _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A tag's name and attributes.
fn parse_tag(tag: &str) -> (String, Vec<(String, String)>) {
    let tag = tag.trim_end_matches('/');
    let name_end = tag.find(|c: char| c.is_whitespace()).unwrap_or(tag.len());
    let name = tag[..name_end].to_ascii_lowercase();
    let mut attrs = vec![];
    let mut rest = tag[name_end..].trim_start();
    while !rest.is_empty() {
        let key_end = rest.find(|c: char| c.is_whitespace() || c == '=').unwrap_or(rest.len());
        let key = rest[..key_end].to_ascii_lowercase();
        rest = rest[key_end..].trim_start();
        let mut value = String::new();
        if let Some(r) = rest.strip_prefix('=') {
            let r = r.trim_start();
            let (v, after) = match r.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let end = r[1..].find(q).map_or(r.len(), |n| n + 1);
                    (&r[1..end], r.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = r.find(char::is_whitespace).unwrap_or(r.len());
                    (&r[..end], &r[end..])
                }
            };
            value = decode_entities(v);
            rest = after.trim_start();
        }
        if !key.is_empty() {
            attrs.push((key, value));
        }
    }
    (name, attrs)
}

/// The text a person sees on an HTML page (with the visible attributes: titles, placeholders,
/// captions of buttons, the confirmation questions) and the targets of its links.
fn html_text_and_links(html: &str) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut links = vec![];
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        text.push_str(&decode_entities(&rest[..lt]));
        rest = &rest[lt..];
        if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.find("-->").map_or("", |n| &r[n + 3..]);
            continue;
        }
        let Some(gt) = find_tag_end(rest) else { break };
        let (name, attrs) = parse_tag(&rest[1..gt]);
        rest = &rest[gt + 1..];
        text.push(' ');
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            rest = rest.find(&close).map_or("", |n| &rest[n..]);
            continue;
        }
        let attr = |k: &str| attrs.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str());
        for key in ["title", "placeholder", "alt", "aria-label", "data-confirm"] {
            if let Some(v) = attr(key) {
                text.push_str(v);
                text.push(' ');
            }
        }
        if name == "input" {
            let kind = attr("type").unwrap_or("text").to_ascii_lowercase();
            if !["hidden", "password", "checkbox", "radio", "file"].contains(&kind.as_str()) {
                text.push_str(attr("value").unwrap_or(""));
                text.push(' ');
            }
        }
        if name == "a"
            && let Some(href) = attr("href")
        {
            links.push(href.to_owned());
        }
    }
    text.push_str(&decode_entities(rest));
    (text, links)
}

/// The `>` closing a tag that starts at 0, past quoted attribute values.
fn find_tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// The text of the `<w:t>` runs of an Office XML part (paragraphs on lines) or, for a
/// spreadsheet's strings, of its `<t>` elements.
fn xml_text(xml: &str, text_tag: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for piece in xml.split('<').skip(1) {
        let (tag, after) = piece.split_once('>').unwrap_or((piece, ""));
        let name = tag.split_whitespace().next().unwrap_or("").trim_end_matches('/');
        if name == text_tag && !tag.ends_with('/') {
            inside = true;
        } else if name == format!("/{text_tag}") {
            inside = false;
        } else if name == "/w:p" || name == "/si" || name == "/row" || name == "/is" {
            out.push('\n');
        } else if name == "w:tab" {
            out.push(' ');
        }
        if inside {
            out.push_str(&decode_entities(after));
        }
    }
    out
}

/// The user-visible text of a DOCX (body, headers, footers) or an XLSX (shared and inline
/// strings, the names of the sheets).
fn office_text(bytes: &[u8]) -> Result<String, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| format!("not a zip: {e}"))?;
    let names: Vec<String> = zip.file_names().filter_map(|n| n.ok().map(|n| n.into_owned())).collect();
    let mut out = String::new();
    for name in names {
        let docx = name == "word/document.xml"
            || (name.starts_with("word/header") || name.starts_with("word/footer")) && name.ends_with(".xml");
        let strings = name == "xl/sharedStrings.xml" || name.starts_with("xl/worksheets/") && name.ends_with(".xml");
        let book = name == "xl/workbook.xml";
        if !(docx || strings || book) {
            continue;
        }
        let mut xml = String::new();
        zip.by_name(&name).unwrap().read_to_string(&mut xml).map_err(|e| format!("{name}: {e}"))?;
        if docx {
            out.push_str(&xml_text(&xml, "w:t"));
        } else if strings {
            out.push_str(&xml_text(&xml, "t"));
        } else {
            for piece in xml.split("<sheet ").skip(1) {
                let (_, attrs) = parse_tag(&format!("sheet {}", piece.split('>').next().unwrap_or("")));
                if let Some((_, v)) = attrs.iter().find(|(k, _)| k == "name") {
                    out.push_str(v);
                    out.push('\n');
                }
            }
        }
        out.push('\n');
    }
    Ok(out)
}

/// What a Word document's layout gets wrong: an order's «ПРИКАЗЫВАЮ:» with no point after it; a
/// table cell holding a number or a date that may wrap (no `<w:noWrap/>`).
fn docx_layout(bytes: &[u8]) -> Vec<Finding> {
    let mut out = vec![];
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else { return out };
    let mut xml = String::new();
    if zip.by_name("word/document.xml").map(|mut f| f.read_to_string(&mut xml)).is_err() {
        return out;
    }
    let text = xml_text(&xml, "w:t");
    if let Some((_, after)) = text.split_once("ПРИКАЗЫВАЮ:") {
        let first = after.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
        if !first.starts_with("1. ") {
            let context = format!("ПРИКАЗЫВАЮ: [{}]", first.chars().take(60).collect::<String>());
            out.push(Finding { what: "order without operative part", token: "ПРИКАЗЫВАЮ:".into(), context });
        }
    }
    for cell in xml.split("<w:tc>").skip(1) {
        let cell = cell.split("</w:tc>").next().unwrap_or("");
        let value = xml_text(cell, "w:t");
        let value = value.trim();
        let numeric = !value.is_empty()
            && value.chars().any(|c| c.is_ascii_digit())
            && value.chars().all(|c| c.is_ascii_digit() || " .,:/-–%№".contains(c));
        if numeric && !cell.contains("<w:noWrap") {
            // one finding per shape of number («9.9»), not per value
            let shape: String = value.chars().map(|c| if c.is_ascii_digit() { '9' } else { c }).collect();
            let context = format!("table cell «{value}» without <w:noWrap/>");
            out.push(Finding { what: "number may wrap", token: shape, context });
        }
    }
    out
}

/// A link worth following from `from`: same origin, a GET without side effects, not a feed or the
/// API, no page of a list beyond the second. The path and query, without the fragment.
fn follow(from: &str, href: &str) -> Option<String> {
    let href = href.split('#').next().unwrap_or("").trim();
    let target = if href.starts_with('/') && !href.starts_with("//") {
        href.to_owned()
    } else if href.starts_with('?') {
        format!("{}{href}", from.split('?').next().unwrap_or(from))
    } else {
        return None;
    };
    let path = target.split('?').next().unwrap_or("");
    let skip = ["/logout", "/ical/", "/api/", "/static/", "/healthz", "/livez"];
    if skip.iter().any(|p| path.starts_with(p)) {
        return None;
    }
    let query = target.split_once('?').map_or("", |(_, q)| q);
    let far_page =
        query.split('&').filter_map(|kv| kv.strip_prefix("page=")).any(|n| n.parse::<u32>().is_ok_and(|n| n > 2));
    (!far_page).then_some(target)
}

#[derive(Default)]
struct Crawl {
    pages: usize,
    documents: usize,
    /// (where, finding)
    findings: Vec<(String, Finding)>,
    /// Links that answered neither a page nor a document: (where from, link, status).
    broken: Vec<(String, String, u16)>,
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// One role's crawl from `/`. `documents` are the documents read by any role (the same link gives
/// the same file to whoever may download it).
async fn crawl(
    login: &str,
    s: Session,
    logins: Arc<HashSet<String>>,
    documents: Arc<Mutex<BTreeSet<String>>>,
) -> Crawl {
    let mut out = Crawl::default();
    let mut seen: HashSet<String> = HashSet::from(["/".to_owned()]);
    let mut queue: VecDeque<(String, String)> = VecDeque::from([("/".to_owned(), String::new())]);
    while let Some((path, from)) = queue.pop_front() {
        if out.pages >= MAX_PAGES {
            break;
        }
        let kind_of_document = documents.lock().unwrap().contains(&path);
        if kind_of_document {
            continue;
        }
        let r = s.get(&path).await;
        let status = r.status();
        if status.is_redirection() {
            let to = r.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or("").to_owned();
            if let Some(next) = follow(&path, &to)
                && seen.insert(next.clone())
            {
                queue.push_back((next, path.clone()));
            }
            continue;
        }
        let ct = r.headers().get("content-type").and_then(|c| c.to_str().ok()).unwrap_or("").to_owned();
        let place = format!("{login} {path}");
        if status != StatusCode::OK {
            // the error page is read too: it is what the person sees
            out.broken.push((from, path, status.as_u16()));
            if ct.starts_with("text/html") {
                let (text, _) = html_text_and_links(&r.text().await.unwrap());
                out.findings.extend(detect(&text, &logins).into_iter().map(|f| (place.clone(), f)));
            }
            continue;
        }
        if ct.starts_with("text/html") {
            out.pages += 1;
            let (text, links) = html_text_and_links(&r.text().await.unwrap());
            out.findings.extend(detect(&text, &logins).into_iter().map(|f| (place.clone(), f)));
            for href in links {
                if let Some(next) = follow(&path, &href)
                    && seen.insert(next.clone())
                {
                    queue.push_back((next, path.clone()));
                }
            }
        } else if ct.starts_with(DOCX) || ct.starts_with(XLSX) {
            if !documents.lock().unwrap().insert(path.clone()) {
                continue;
            }
            out.documents += 1;
            let bytes = r.bytes().await.unwrap();
            if ct.starts_with(DOCX) {
                out.findings.extend(docx_layout(&bytes).into_iter().map(|f| (place.clone(), f)));
            }
            match office_text(&bytes) {
                Ok(text) => out.findings.extend(detect(&text, &logins).into_iter().map(|f| (place.clone(), f))),
                Err(e) => out
                    .findings
                    .push((place.clone(), Finding { what: "unreadable document", token: e, context: String::new() })),
            }
        }
    }
    out
}

#[tokio::test]
async fn every_page_and_document_of_every_role_speaks_russian() {
    let app = TestApp::start().await;
    let logins: HashSet<String> = {
        let mut c = app.t.db.conn().await.unwrap();
        sqlx::query_scalar::<_, String>("SELECT login FROM users")
            .fetch_all(&mut *c)
            .await
            .unwrap()
            .into_iter()
            .collect()
    };
    let logins = Arc::new(logins);
    let documents = Arc::new(Mutex::new(BTreeSet::new()));
    let mut tasks = tokio::task::JoinSet::new();
    // The demo's people of municipality A, one per role.
    for login in metoda_store::demo::DEMO_USERS.iter().map(|u| u.login) {
        let s = app.login(login).await;
        let (logins, documents) = (logins.clone(), documents.clone());
        tasks.spawn(async move { (login, crawl(login, s, logins, documents).await) });
    }
    let mut results: BTreeMap<&str, Crawl> = BTreeMap::new();
    while let Some(r) = tasks.join_next().await {
        let (login, c) = r.unwrap();
        results.insert(login, c);
    }

    // What was read: every role some pages; every kind of the demo's documents by someone.
    let mut report = String::new();
    for (login, c) in &results {
        report.push_str(&format!("{login}: {} pages, {} documents read first\n", c.pages, c.documents));
        assert!(c.pages > 5, "{login} reached only {} pages", c.pages);
    }
    let read = documents.lock().unwrap().clone();
    report.push_str(&format!("{} documents in all\n", read.len()));
    eprintln!("{report}");
    for kind in [
        "/orders/*/docx",
        "/meetings/*/docx",
        "/meetings/*/registration",
        "/plans/*/docx",
        "/analysis/*/docx",
        "/analysis/*/xlsx",
        "/teachers/export.xlsx",
        "/results/exam/template.xlsx",
        "/analysis/summary.xlsx",
    ] {
        let parts: Vec<&str> = kind.split('*').collect();
        let found = read.iter().any(|p| {
            let p = p.split('?').next().unwrap_or("");
            p.contains(parts[0]) && parts.last().is_some_and(|l| p.ends_with(l))
        });
        assert!(found, "no document {kind} was linked for any role; read: {read:?}");
    }

    // The findings, each kind and token once: where and in what words it was first seen.
    let mut grouped: BTreeMap<(&str, String), (String, String, usize)> = BTreeMap::new();
    for (_, c) in results.iter() {
        for (place, f) in &c.findings {
            if ACCEPTED.iter().any(|(t, ctx)| *t == f.token && f.context.contains(ctx)) {
                continue;
            }
            grouped.entry((f.what, f.token.clone())).or_insert_with(|| (place.clone(), f.context.clone(), 0)).2 += 1;
        }
    }
    let broken: Vec<String> = results
        .iter()
        .flat_map(|(login, c)| {
            c.broken.iter().map(move |(from, to, st)| format!("{login}: {to} answers {st} (linked from {from})"))
        })
        .collect();
    // Links a role is shown but may not follow are another matter (access, not language): their
    // error pages were read above; the links are listed for whoever reads the output.
    if !broken.is_empty() {
        eprintln!("links answering an error ({}):\n{}", broken.len(), broken.join("\n"));
    }
    let problems: Vec<String> = grouped
        .iter()
        .map(|((what, token), (place, context, n))| format!("{what} «{token}» at {place} (+{} more): {context}", n - 1))
        .collect();
    assert!(problems.is_empty(), "{} problems:\n{}\n{report}", problems.len(), problems.join("\n"));
    app.stop().await;
}

#[test]
fn the_detector_finds_code_placeholders_and_wrong_plurals() {
    let logins: HashSet<String> = ["uo.head".to_owned()].into();
    let tokens = |t: &str| detect(t, &logins).into_iter().map(|f| f.token).collect::<Vec<_>>();
    // Latin code
    assert_eq!(tokens("ЕГЭ, mathematics_profile: 72 балла"), ["mathematics_profile"]);
    assert_eq!(tokens("Профиль seed-002 и seed 002"), ["seed-002", "seed"]);
    assert_eq!(tokens("Учебный год: academic_year"), ["academic_year"]);
    assert_eq!(tokens("Значение: None"), ["None", "None"]);
    assert_eq!(tokens("Some(5)"), ["Some(", "Some"]);
    assert_eq!(tokens("Привет, {{ name }}"), ["{{", "}}", "name"]);
    assert_eq!(tokens("Ошибка Err(x)"), ["Err(", "Err", "x"]);
    assert_eq!(tokens("Вид: create_association"), ["create_association"]);
    // placeholders
    assert_eq!(tokens("Сведения об этом появятся позже."), ["сведения об этом появятся", "появятся позже"]);
    assert_eq!(tokens("Здесь заглушка"), ["заглушка"]);
    assert_eq!(tokens("TODO: дописать"), ["todo", "TODO"]);
    // wrong plurals, but not after a preposition or a fraction
    assert_eq!(tokens("ЕГЭ: 72 баллов"), ["72 баллов"]);
    assert_eq!(tokens("1 баллов, 5 балла"), ["1 баллов", "5 балла"]);
    assert!(tokens("72 балла, 21 балл, 5 баллов, 11 баллов, из 100 баллов, 4,5 балла, 3 обучающихся").is_empty());
    assert!(tokens("протокол № 5 заседания").is_empty());
    // legitimate Latin: formats, logins, addresses, Roman numerals
    assert!(tokens("Скачать (DOCX), таблица XLSX, API-токены; вход uo.head; файл скан.pdf").is_empty());
    assert_eq!(tokens("формат pdf"), ["pdf"]);
    assert!(tokens("Ссылка https://example.org/x_y, почта a.b@example.org, II полугодие").is_empty());
    assert!(tokens("№ 149-ОД от 01.09.2026, 8,5 %").is_empty());
}

#[test]
fn pages_give_their_visible_text_and_links() {
    let html = r#"<html><head><title>Т</title><style>a{color:red}</style><script>var x_y = 1;</script></head>
<body><a href="/orders?page=2&amp;x=1" title="Подсказка">Приказы</a><!-- comment_x -->
<input type="hidden" name="_csrf" value="abc_def"><input type="submit" value="Сохранить">
<button data-confirm="Подписать?">Подписать</button><select><option value="create_association">О создании</option></select></body></html>"#;
    let (text, links) = html_text_and_links(html);
    let words: Vec<&str> = text.split_whitespace().collect();
    assert_eq!(words, ["Т", "Подсказка", "Приказы", "Сохранить", "Подписать?", "Подписать", "О", "создании"]);
    assert_eq!(links, ["/orders?page=2&x=1"]);
    assert_eq!(follow("/orders", "?page=3").as_deref(), None);
    assert_eq!(follow("/orders", "?page=2#top").as_deref(), Some("/orders?page=2"));
    assert_eq!(follow("/", "/logout"), None);
    assert_eq!(follow("/", "https://example.org/"), None);
    assert_eq!(
        xml_text(r#"<w:p><w:r><w:t xml:space="preserve">1 &amp; 2</w:t><w:tab/><w:t>три</w:t></w:r></w:p>"#, "w:t"),
        "1 & 2 три\n"
    );
}
