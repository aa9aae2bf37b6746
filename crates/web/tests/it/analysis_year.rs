//! A whole academic year of one association built through the HTTP API (SQLite or PostgreSQL),
//! then its yearly analysis (seed 002, appendix 1; DOMAIN.md §4) checked row by row: a new
//! «ММО учителей физики и астрономии» of Томский район created by order with six teachers of the
//! bank (one joining later, one leaving in the middle of the year), its meetings held with
//! attendance and signed minutes, courses, ЕГЭ scores, students' and teachers' results with scans
//! confirmed by the curator (one left unconfirmed); the analysis computed, written, submitted
//! (late), frozen, returned, resubmitted as version 2, accepted; the DOCX and the XLSX read back
//! and compared with the API cell by cell.
//!
//! Everything is entered through the API; nothing is written to the database directly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::io::Read;

use common::{Session, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

/// A 1×1 transparent PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0A, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00,
    0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

const NAME: &str = "ММО учителей физики и астрономии";

/// The body of a 200 answer (the whole answer in the message otherwise).
async fn ok(r: reqwest::Response, what: &str) -> Value {
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{what}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// Attaches a confirming scan to a result through the API.
async fn scan(s: &Session, id: i64, name: &str, bytes: &[u8]) {
    let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned());
    let form = reqwest::multipart::Form::new().part("file", part);
    let r =
        s.c.post(s.url(&format!("/api/v1/results/{id}/scans")))
            .header("x-csrf-token", &s.csrf)
            .multipart(form)
            .send()
            .await
            .unwrap();
    ok(r, &format!("scan of result {id}")).await;
}

/// Records a result of `family` (student | exam | teacher) and attaches its scan; returns its id.
async fn result(s: &Session, aid: i64, family: &str, body: Value) -> i64 {
    let what = format!("{family} result {body}");
    let r = ok(s.post_json(&format!("/api/v1/associations/{aid}/results/{family}"), body).await, &what).await;
    assert_eq!(r["status"], "pending", "{r}");
    let id = r["id"].as_i64().unwrap();
    // Both kinds of scan the curator accepts: a PDF or an image.
    if id % 2 == 0 {
        scan(s, id, "диплом.pdf", PDF).await;
    } else {
        scan(s, id, "грамота.png", PNG).await;
    }
    id
}

async fn confirm(curator: &Session, id: i64) {
    let r = ok(
        curator.post_json(&format!("/api/v1/results/{id}/confirm"), json!({"comment": "Скан в порядке"})).await,
        &format!("confirm {id}"),
    )
    .await;
    assert_eq!(r["status"], "confirmed", "{r}");
}

/// Holds a meeting: planned, attendance marked, one agenda item decided, minutes drafted and
/// signed by the head (seed 002 §3.3). Returns the meeting's id.
async fn hold(head: &Session, aid: i64, org: i64, on: &str, marks: &[(i64, &str)], topic: &str) -> i64 {
    let m = ok(
        head.post_json(
            &format!("/api/v1/associations/{aid}/meetings"),
            json!({"held_on": on, "starts_at": "15:00", "venue_organization_id": org}),
        )
        .await,
        &format!("meeting of {on}"),
    )
    .await;
    let id = m["id"].as_i64().unwrap();
    let body = ok(head.get(&format!("/api/v1/meetings/{id}")).await, "meeting").await;
    let mut roster: Vec<i64> =
        body["roster"].as_array().unwrap().iter().map(|r| r["teacher_id"].as_i64().unwrap()).collect();
    roster.sort_unstable();
    let mut marked: Vec<i64> = marks.iter().map(|(t, _)| *t).collect();
    marked.sort_unstable();
    assert_eq!(roster, marked, "the members on {on} are the roster");
    let marks: Vec<Value> = marks.iter().map(|(t, s)| json!({"teacher_id": t, "status": s})).collect();
    let body = ok(head.put_json(&format!("/api/v1/meetings/{id}/attendance"), json!(marks)).await, "attendance").await;
    let present = body["present"].as_u64().unwrap();
    assert_eq!(body["meeting"]["status"], "held");
    ok(
        head.post_json(
            &format!("/api/v1/meetings/{id}/agenda"),
            json!({"topic": topic, "speaker": "Абрамова А. С.", "heard": "Руководитель объединения",
                   "decision": "Принять к сведению", "votes_for": present.to_string(), "votes_against": "0",
                   "votes_abstained": "0"}),
        )
        .await,
        "agenda",
    )
    .await;
    ok(head.post_json(&format!("/api/v1/meetings/{id}/minutes"), json!({})).await, "minutes").await;
    ok(head.post_json(&format!("/api/v1/meetings/{id}/sign"), json!({"role": "head"})).await, "signature").await;
    let body = ok(head.get(&format!("/api/v1/meetings/{id}")).await, "meeting").await;
    assert_eq!((body["minutes"]["status"].as_str(), body["locked"].as_bool()), (Some("signed"), Some(true)), "{body}");
    id
}

/// Records a course through the API.
async fn course(s: &Session, teacher: i64, kind: &str, title: &str, end_on: &str) {
    let r = s
        .post_json(
            &format!("/api/v1/teachers/{teacher}/courses"),
            json!({"kind": kind, "title": title, "provider": "ТОИПКРО", "hours": 72, "end_on": end_on}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{title}");
    let c: Value = r.json().await.unwrap();
    assert_eq!(c["title"], title);
}

/// The codes of the form's rows, in order, with `meetings` rows 2.k.
fn all_codes(meetings: usize) -> Vec<String> {
    let mut out: Vec<String> = ["1", "1.1", "1.2", "1.3", "1.4", "1.5", "2"].iter().map(|s| (*s).to_owned()).collect();
    out.extend((1..=meetings).map(|k| format!("2.{k}")));
    for n in 3..=28 {
        out.push(n.to_string());
        if (6..=17).contains(&n) || (24..=28).contains(&n) {
            out.push(format!("{n}.1"));
        }
    }
    out.push("29".into());
    out
}

fn indicators(b: &Value) -> &Vec<Value> {
    b["composed"]["analysis"]["indicators"].as_array().unwrap()
}

fn value(b: &Value, code: &str) -> u64 {
    indicators(b).iter().find(|i| i["code"] == code).unwrap_or_else(|| panic!("no row {code}"))["value"]
        .as_u64()
        .unwrap()
}

/// Every row of the form, in order, has the expected value (0 where none is given).
fn check_rows(b: &Value, expected: &[(&str, u64)], when: &str) {
    let codes: Vec<String> = indicators(b).iter().map(|i| i["code"].as_str().unwrap().to_owned()).collect();
    assert_eq!(codes, all_codes(3), "{when}: the rows of the form");
    let wrong: Vec<String> = indicators(b)
        .iter()
        .filter_map(|i| {
            let code = i["code"].as_str().unwrap();
            let want = expected.iter().find(|(c, _)| *c == code).map_or(0, |(_, v)| *v);
            let got = i["value"].as_u64().unwrap();
            (got != want).then(|| format!("row {code}: {got}, expected {want}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{when}: {wrong:#?}");
}

/// What a row's records are, in words.
fn explained<'a>(b: &'a Value, code: &str) -> Vec<&'a str> {
    let i = indicators(b).iter().position(|i| i["code"] == code).unwrap();
    b["composed"]["explained"][i].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect()
}

/// Whether a record is among the sources or records of `v`.
fn cites(v: &Value, kind: &str, id: i64) -> bool {
    v.to_string().contains(&json!({"kind": kind, "id": id}).to_string())
}

fn section(b: &Value, n: u64) -> &Value {
    b["composed"]["sections"].as_array().unwrap().iter().find(|s| s["number"] == n).unwrap()
}

fn lines(b: &Value, n: u64) -> Vec<String> {
    section(b, n)["lines"].as_array().unwrap().iter().map(|l| l.as_str().unwrap().to_owned()).collect()
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// The text of a piece of WordprocessingML (tags dropped).
fn text_of(xml: &str) -> String {
    unescape(&xml.split('<').filter_map(|p| p.split_once('>').map(|(_, t)| t)).collect::<String>())
}

/// The rows of the tables of a document, each as its cells' texts.
fn table_rows(xml: &str) -> Vec<Vec<String>> {
    let mut rows: Vec<&str> = xml.split("</w:tr>").collect();
    rows.pop();
    rows.iter()
        .map(|row| {
            row.split("<w:tc>")
                .skip(1)
                .map(|cell| text_of(&format!(">{}", cell.split("</w:tc>").next().unwrap())))
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn a_year_built_through_the_api_is_analysed_submitted_returned_accepted_and_downloaded() {
    let app = TestApp::start().await;
    let today = time::OffsetDateTime::now_utc().date();
    // The past academic year: 1 September Y – 31 August Y+1; its 30 May deadline has passed.
    let y = metoda_domain::teachers::AcademicYear::containing(today).0 - 1;
    let y1 = y + 1;
    let spec = app.login("uo.specialist").await;

    // ---- 1. The teachers, the association by order, its head --------------------------------
    let orgs = ok(spec.get(&format!("/api/v1/organizations?municipality_id={}", app.muni_a)).await, "orgs").await;
    let org_c = orgs
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .find(|id| *id != app.org_a && *id != app.org_a2)
        .expect("a third organization of the demo");
    // (last name, first, middle, organization, education, category)
    let people = [
        ("Абрамова", "Анна", "Сергеевна", app.org_a, "higher", "highest"),
        ("Борисов", "Глеб", "Игоревич", app.org_a, "higher", "first"),
        ("Власова", "Дина", "Петровна", app.org_a2, "vocational", "first"),
        ("Григорьев", "Егор", "Олегович", app.org_a2, "higher", "conformity"),
        ("Дмитриева", "Зоя", "Ильинична", org_c, "higher", "highest"),
        ("Ефимова", "Ирина", "Львовна", app.org_a2, "vocational", "none"),
    ];
    let mut ids = vec![];
    for (i, (last, first, middle, org, education, category)) in people.iter().enumerate() {
        let t = ok(
            spec.post_json(
                "/api/v1/teachers",
                json!({"last_name": last, "first_name": first, "middle_name": middle,
                       "birth_date": format!("{}-03-1{i}", 1970 + i), "organization_id": org,
                       "position": "учитель физики", "subjects": "физика, астрономия", "education": education,
                       "category": category, "experience_start": "2000-09-01", "consent_on": "2024-09-01"}),
            )
            .await,
            &format!("teacher {last}"),
        )
        .await;
        assert_eq!(t["category"], *category);
        ids.push(t["id"].as_i64().unwrap());
    }
    // The head, three members, and Дмитриева who leaves on 31 January; Ефимова joins on 1 October.
    let [abramova, borisov, vlasova, grigoriev, dmitrieva, efimova] = ids[..] else { unreachable!() };
    let created_on = format!("{y}-08-25");
    let order = ok(
        spec.post_json(
            "/api/v1/orders",
            json!({"municipality_id": app.muni_a, "kind": "create_association", "number": "777-ОД",
                   "date": created_on, "title": "О создании ММО учителей физики и астрономии",
                   "body": "Создать ММО учителей физики и астрономии.\nНазначить руководителем Абрамову А. С.",
                   "signed_by": "Начальник Управления образования О. А. Максимова",
                   "name": NAME, "direction": "физика, астрономия", "head_teacher_id": abramova,
                   "member_ids": [borisov, vlasova, grigoriev, dmitrieva]}),
        )
        .await,
        "the creating order",
    )
    .await;
    assert_eq!(order["order"]["number"], "777-ОД");
    let list = ok(spec.get("/api/v1/associations").await, "associations").await;
    let aid = list["associations"].as_array().unwrap().iter().find(|a| a["name"] == NAME).expect("created")["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/associations/{aid}/members");
    ok(spec.post_json(&path, json!({"teacher_id": efimova, "joined_on": format!("{y}-10-01")})).await, "join").await;
    let a = ok(spec.get(&format!("/api/v1/associations/{aid}")).await, "association").await;
    assert_eq!(a["association"]["head_name"], "Абрамова Анна Сергеевна", "{a}");
    assert_eq!(a["association"]["members"], 6);
    let joined: Vec<(i64, String)> = a["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["teacher_id"].as_i64().unwrap(), m["joined_on"].as_str().unwrap().to_owned()))
        .collect();
    assert!(joined.contains(&(dmitrieva, created_on.clone())) && joined.contains(&(efimova, format!("{y}-10-01"))));
    // The authority's head appoints the association's head (the specialist may not: decision 0009).
    let u = ok(
        app.login("uo.head")
            .await
            .post_json(
                "/api/v1/users",
                json!({"login": "phys.head", "full_name": "Абрамова Анна Сергеевна", "email": "",
                   "password": common::PASSWORD, "role": "association_head", "scope_id": aid}),
            )
            .await,
        "the head's account",
    )
    .await;
    assert_eq!(u["grants"][0]["role"], "association_head");
    let head = app.login("phys.head").await;

    // Row 29: the non-objective lists of the year (the demo's may already name some).
    let m = app.muni_a;
    for (org, year) in [(app.org_a2, y), (org_c, y), (app.org_a, y1)] {
        let r = spec
            .post_json(
                &format!("/api/v1/municipalities/{m}/non-objective"),
                json!({"organization_id": org, "year": year.to_string(), "subject": "mathematics"}),
            )
            .await;
        assert!(matches!(r.status(), StatusCode::OK | StatusCode::CONFLICT), "{}", r.text().await.unwrap());
    }
    let listed = ok(spec.get(&format!("/api/v1/municipalities/{m}/non-objective?year={y}")).await, "list").await;
    let mut listed: Vec<i64> =
        listed.as_array().unwrap().iter().map(|e| e["organization_id"].as_i64().unwrap()).collect();
    listed.sort_unstable();
    listed.dedup();
    // Дмитриева's school (org_c) is listed but she is no member on 30 May: only the others' count.
    let row29 = [app.org_a, app.org_a2].iter().filter(|o| listed.contains(o)).count() as u64;
    assert!(row29 >= 1 && listed.contains(&org_c), "{listed:?}");

    // ---- 2. Дмитриева's results, then her leaving -------------------------------------------
    // Her result dated after she left is entered while the leaving is not yet recorded (a late
    // record of it, as happens); once she has left it counts nowhere.
    let thresholds = ok(spec.get(&format!("/api/v1/municipalities/{m}/exam-thresholds")).await, "thr").await;
    let physics = thresholds.as_array().unwrap().iter().find(|t| t["subject"] == "physics").unwrap().clone();
    let (minimum, high) = (physics["minimum"].as_u64().unwrap(), physics["high"].as_u64().unwrap());
    let before_leaving = result(
        &head,
        aid,
        "teacher",
        json!({"kind": "presentation", "title": "Региональный семинар учителей физики", "level": "regional",
               "format": "in_person", "form": "seminar", "teacher_ids": [dmitrieva], "on": format!("{y}-12-10")}),
    )
    .await;
    let after_leaving = result(
        &head,
        aid,
        "student",
        json!({"event": "vsosh", "subject": "физика", "level": "municipal", "placement": "winner",
               "format": "in_person", "student_name": "Кузьмин Артём", "grade": "10",
               "teacher_ids": [dmitrieva], "on": format!("{y1}-03-01")}),
    )
    .await;
    ok(
        spec.post_json(
            &format!("/api/v1/associations/{aid}/members/{dmitrieva}/remove"),
            json!({"left_on": format!("{y1}-01-31")}),
        )
        .await,
        "leaving",
    )
    .await;
    // Once the leaving is recorded, a new result of hers after that date is refused.
    let r = head
        .post_json(
            &format!("/api/v1/associations/{aid}/results/student"),
            json!({"event": "olympiad", "title": "Олимпиада", "level": "municipal", "placement": "winner",
                   "format": "in_person", "student_name": "Кузьмин Артём", "teacher_ids": [dmitrieva],
                   "on": format!("{y1}-03-02")}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // ---- 3. Meetings -----------------------------------------------------------------------
    let org = app.org_a;
    let m1 = hold(
        &head,
        aid,
        org,
        &format!("{y}-09-20"),
        &[
            (abramova, "present"),
            (borisov, "present"),
            (vlasova, "present"),
            (grigoriev, "absent"),
            (dmitrieva, "present"),
        ],
        "Об анализе работы и плане на учебный год",
    )
    .await;
    let m2 = hold(
        &head,
        aid,
        org,
        &format!("{y1}-02-20"),
        &[
            (abramova, "present"),
            (borisov, "present"),
            (vlasova, "excused"),
            (grigoriev, "absent"),
            (efimova, "present"),
        ],
        "О подготовке к региональному этапу ВсОШ",
    )
    .await;
    let all_five = [
        (abramova, "present"),
        (borisov, "present"),
        (vlasova, "present"),
        (grigoriev, "present"),
        (efimova, "present"),
    ];
    let m3 = hold(&head, aid, org, &format!("{y1}-04-10"), &all_five, "О подготовке к ЕГЭ по физике").await;
    // 1 September of Y+1 is the next year: not this analysis's meeting.
    hold(&head, aid, org, &format!("{y1}-09-01"), &all_five, "О плане на новый учебный год").await;

    // ---- 4. Results of the others, and courses ----------------------------------------------
    let vsosh = result(
        &head,
        aid,
        "student",
        json!({"event": "vsosh", "subject": "физика", "level": "municipal", "placement": "winner",
               "format": "in_person", "student_name": "Сергеев Максим", "grade": "9",
               "teacher_ids": [abramova, borisov], "on": format!("{y}-11-25")}),
    )
    .await;
    let regional = result(
        &head,
        aid,
        "student",
        json!({"event": "olympiad", "title": "Олимпиада «Физтех» (региональный тур)", "subject": "физика",
               "level": "regional", "placement": "prize_winner", "format": "in_person",
               "student_code": "Ф-17", "teacher_ids": [borisov], "on": format!("{y1}-01-20")}),
    )
    .await;
    let remote = result(
        &head,
        aid,
        "student",
        json!({"event": "contest", "title": "Всероссийский дистанционный конкурс «Квант»", "level": "all_russian",
               "placement": "winner", "format": "remote", "student_name": "Лебедева Ольга",
               "teacher_ids": [vlasova], "on": format!("{y1}-03-05")}),
    )
    .await;
    let exam_high = result(
        &head,
        aid,
        "exam",
        json!({"teacher_id": abramova, "subject": "physics", "score": high, "on": format!("{y1}-06-20")}),
    )
    .await;
    let exam_low = result(
        &head,
        aid,
        "exam",
        json!({"teacher_id": grigoriev, "subject": "physics", "score": (minimum - 1).to_string(),
               "on": format!("{y1}-06-20")}),
    )
    .await;
    // At the minimum exactly: neither high nor below the minimum.
    let exam_mid = result(
        &head,
        aid,
        "exam",
        json!({"teacher_id": borisov, "subject": "physics", "score": minimum.to_string(), "on": format!("{y1}-06-20")}),
    )
    .await;
    let publication = result(
        &head,
        aid,
        "teacher",
        json!({"kind": "publication", "title": "Цифровая лаборатория на уроках физики", "level": "regional",
               "outlet": "Сборник ТОИПКРО", "url": "https://toipkro.example.ru/sbornik",
               "teacher_ids": [abramova, vlasova], "on": format!("{y1}-02-10")}),
    )
    .await;
    let competition = result(
        &head,
        aid,
        "teacher",
        json!({"kind": "competition", "title": "Учитель года", "level": "municipal", "placement": "winner",
               "format": "in_person", "teacher_ids": [grigoriev], "on": format!("{y1}-03-20")}),
    )
    .await;
    let last_day = result(
        &head,
        aid,
        "student",
        json!({"event": "olympiad", "title": "Летняя олимпиада по физике", "level": "municipal",
               "placement": "winner", "format": "in_person", "student_name": "Орлов Денис",
               "teacher_ids": [efimova], "on": format!("{y1}-08-31")}),
    )
    .await;
    let next_year = result(
        &head,
        aid,
        "student",
        json!({"event": "olympiad", "title": "Осенняя олимпиада по физике", "level": "municipal",
               "placement": "winner", "format": "in_person", "student_name": "Орлов Денис",
               "teacher_ids": [efimova], "on": format!("{y1}-09-01")}),
    )
    .await;
    let unconfirmed = result(
        &head,
        aid,
        "student",
        json!({"event": "contest", "title": "Конкурс исследовательских работ", "level": "regional",
               "placement": "winner", "format": "in_person", "student_name": "Белова Ксения",
               "teacher_ids": [vlasova], "on": format!("{y1}-04-15")}),
    )
    .await;
    for id in [
        before_leaving,
        after_leaving,
        vsosh,
        regional,
        remote,
        exam_high,
        exam_low,
        exam_mid,
        publication,
        competition,
        last_day,
        next_year,
    ] {
        confirm(&spec, id).await;
    }
    let pending = ok(spec.get(&format!("/api/v1/results/pending?municipality_id={m}")).await, "pending").await;
    assert!(pending["results"].as_array().unwrap().iter().any(|i| i["result"]["id"] == unconfirmed), "{pending}");
    course(&spec, borisov, "advanced_training", "Методика решения олимпиадных задач по физике", &format!("{y1}-03-01"))
        .await;
    course(&spec, vlasova, "advanced_training", "Цифровые лаборатории в школе", &format!("{y1}-08-31")).await;
    course(&spec, dmitrieva, "advanced_training", "Курс после выхода из объединения", &format!("{y1}-04-01")).await;
    course(&spec, grigoriev, "advanced_training", "Курс прошлого года", &format!("{y}-08-31")).await;
    course(&spec, efimova, "retraining", "Педагогика и методика преподавания физики", &format!("{y1}-06-15")).await;

    // ---- 5. The analysis, row by row --------------------------------------------------------
    let analysis = format!("/api/v1/associations/{aid}/analysis?year={y}");
    let mut expected: Vec<(&str, u64)> = vec![
        // members on 30 May of Y+1: Абрамова, Борисов, Власова, Григорьев, Ефимова
        ("1", 5),
        ("1.1", 3),
        ("1.2", 2),
        ("1.3", 1),
        ("1.4", 2),
        ("1.5", 1),
        // three meetings in the year, with 4, 3 and 5 present
        ("2", 3),
        ("2.1", 4),
        ("2.2", 3),
        ("2.3", 5),
        // КПК: Борисов, Власова (on 31 August); retraining: Ефимова
        ("3", 2),
        ("4", 1),
        // ЕГЭ: a high score (Абрамова), one below the minimum (Григорьев)
        ("6", 1),
        ("6.1", 1),
        ("7", 1),
        ("7.1", 1),
        // the ВсОШ municipal winner prepared by two teachers
        ("8", 2),
        ("8.1", 1),
        // the regional prize-winner of an olympiad
        ("15", 1),
        ("15.1", 1),
        // the winner of 31 August (the one of 1 September is next year's)
        ("16", 1),
        ("16.1", 1),
        // the professional competition won in person
        ("18", 1),
        // Дмитриева's seminar before she left
        ("22", 1),
        // the co-authored regional publication: two teachers, one publication
        ("25", 2),
        ("25.1", 1),
        ("29", row29),
    ];
    let b = ok(head.get(&analysis).await, "the analysis").await;
    assert_eq!((b["live"].as_bool(), b["report"].is_null()), (Some(true), true), "{}", b["report"]);
    assert_eq!(b["due_on"], format!("{y1}-05-30"));
    assert_eq!(b["composed"]["analysis"]["date"], format!("{y1}-05-30"), "members are counted on the deadline");
    check_rows(&b, &expected, "live");
    // Only the unconfirmed result is apart, with the row it would count in.
    let apart: Vec<&str> = b["composed"]["apart"].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect();
    assert_eq!(apart.len(), 1, "{apart:?}");
    assert!(apart[0].contains("Конкурс исследовательских работ") && apart[0].ends_with("строка 14"), "{apart:?}");
    // Every number opens the records behind it.
    assert_eq!(explained(&b, "8"), ["Абрамова Анна Сергеевна", "Борисов Глеб Игоревич"]);
    assert_eq!(explained(&b, "25"), ["Абрамова Анна Сергеевна", "Власова Дина Петровна"]);
    assert_eq!(explained(&b, "22"), ["Дмитриева Зоя Ильинична"]);
    assert_eq!(explained(&b, "2.1"), [format!("заседание 20.09.{y} (протокол № 1), присутствовали 4")]);
    assert_eq!(explained(&b, "2.3"), [format!("заседание 10.04.{y1} (протокол № 3), присутствовали 5")]);
    let label = |code: &str| indicators(&b).iter().find(|i| i["code"] == code).unwrap()["label"].clone();
    assert_eq!(label("2.2"), format!("количество участников заседания ММО №2 (протокол №2 от 20.02.{y1})"));
    // The sections the data fills.
    assert_eq!(
        lines(&b, 1),
        [
            format!("Педагогов в объединении на 30.05.{y1}: 5"),
            "высшее образование — 3, среднее профессиональное — 2".to_owned(),
            "высшая категория — 1, первая — 2, соответствие занимаемой должности — 1".to_owned(),
        ]
    );
    assert_eq!(
        lines(&b, 2),
        [
            format!("20.09.{y} — Об анализе работы и плане на учебный год"),
            format!("20.02.{y1} — О подготовке к региональному этапу ВсОШ"),
            format!("10.04.{y1} — О подготовке к ЕГЭ по физике"),
        ]
    );
    let kpk = lines(&b, 3);
    assert!(
        kpk.contains(&"Методика решения олимпиадных задач по физике (ТОИПКРО) — Борисов Г. И.".to_owned()),
        "{kpk:?}"
    );
    assert!(kpk.contains(&"Цифровые лаборатории в школе (ТОИПКРО) — Власова Д. П.".to_owned()), "{kpk:?}");
    assert!(!kpk.iter().any(|l| l.contains("Курс прошлого года")), "{kpk:?}");
    // The course Дмитриева finished after leaving is not the association's (as in row 3).
    assert!(!kpk.iter().any(|l| l.contains("Курс после выхода")), "{kpk:?}");
    assert_eq!(lines(&b, 4), ["Педагогика и методика преподавания физики (ТОИПКРО) — Ефимова И. Л."]);
    let publications = lines(&b, 15);
    assert_eq!(
        publications,
        [
            "«Цифровая лаборатория на уроках физики», Сборник ТОИПКРО (https://toipkro.example.ru/sbornik) — Абрамова А. С., Власова Д. П."
        ]
    );
    let exams = lines(&b, 6);
    let points = metoda_domain::values::plural_ru(high as i64, "балл", "балла", "баллов");
    assert!(exams.contains(&format!("ЕГЭ, физика: {high} {points} — Абрамова А. С.")), "{exams:?}");
    assert!(
        exams
            .iter()
            .any(|l| l.starts_with("ВсОШ (муниципальный этап), физика: победитель — Абрамова А. С., Борисов Г. И.")),
        "{exams:?}"
    );
    assert!(
        !exams.iter().any(|l| l.contains("Дмитриева")),
        "her result after leaving is not the association's: {exams:?}"
    );
    let regional_lines = lines(&b, 9);
    assert!(
        regional_lines
            .iter()
            .any(|l| l.contains("Конкурс исследовательских работ") && l.ends_with("(не подтверждено)")),
        "{regional_lines:?}"
    );
    for (code, meeting) in [("2.1", m1), ("2.2", m2), ("2.3", m3)] {
        let row = indicators(&b).iter().find(|i| i["code"] == code).unwrap();
        assert_eq!(row["sources"], json!([{"kind": "meeting", "id": meeting}]), "{code}");
    }
    // The remote all-Russian winner is listed in section 8, counted in no row (in person only).
    assert!(lines(&b, 8).iter().any(|l| l.contains("«Квант»")), "{:?}", lines(&b, 8));
    let records = |code: &str| indicators(&b).iter().find(|i| i["code"] == code).unwrap()["records"].clone();
    assert!(cites(&records("8"), "student_result", vsosh) && !cites(&records("8"), "student_result", after_leaving));
    assert!(cites(&records("16"), "student_result", last_day) && !cites(&records("16"), "student_result", next_year));
    assert!(!cites(&b["composed"]["analysis"], "student_result", remote), "the remote result counts nowhere");

    // ---- 6. Written, submitted (late), frozen ------------------------------------------------
    let text = |n: u8| format!("/api/v1/associations/{aid}/analysis/{y}/sections/{n}");
    let proposals = "Провести муниципальный семинар «Цифровая лаборатория на уроках физики»";
    let b = ok(head.put_json(&text(24), json!({"text": proposals})).await, "section 24").await;
    assert_eq!(section(&b, 24)["text"], proposals);
    ok(head.put_json(&text(9), json!({"text": "Региональный уровень: один призёр олимпиады."})).await, "s. 9").await;
    let submit = format!("/api/v1/associations/{aid}/analysis/{y}/submit");
    let r = ok(head.post_json(&submit, json!({})).await, "submit").await;
    assert_eq!(
        (r["status"].as_str(), r["version"].as_i64(), r["late"].as_i64()),
        (Some("submitted"), Some(1), Some(1)),
        "after 30 May: late: {r}"
    );
    // A new confirmed result of the year (Борисов, a participant of a professional competition,
    // row 20) changes the data, not the submitted version.
    let participant = result(
        &head,
        aid,
        "teacher",
        json!({"kind": "competition", "title": "Педагогический дебют", "level": "regional", "placement": "participant",
               "format": "in_person", "teacher_ids": [borisov], "on": format!("{y1}-05-15")}),
    )
    .await;
    confirm(&spec, participant).await;
    let b = ok(spec.get(&analysis).await, "the submitted analysis").await;
    assert_eq!((b["live"].as_bool(), b["report"]["status"].as_str()), (Some(false), Some("submitted")));
    check_rows(&b, &expected, "frozen version 1");
    let r = head.put_json(&text(24), json!({"text": "другое"})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "no writing while submitted");

    // ---- 7. Returned with a comment, edited, resubmitted as version 2, accepted -------------
    let decision = format!("/api/v1/associations/{aid}/analysis/{y}/decision");
    assert_eq!(head.post_json(&decision, json!({"accept": true})).await.status(), StatusCode::FORBIDDEN);
    let r = ok(
        spec.post_json(&decision, json!({"accept": false, "comment": "Дополните раздел 9 и предложения"})).await,
        "return",
    )
    .await;
    assert_eq!(
        (r["status"].as_str(), r["comment"].as_str()),
        (Some("returned"), Some("Дополните раздел 9 и предложения"))
    );
    let b = ok(head.get(&analysis).await, "the returned analysis").await;
    assert_eq!(b["live"], true, "a returned report shows the data again");
    expected.push(("20", 1));
    check_rows(&b, &expected, "returned (live)");
    let proposals2 = "Провести муниципальный семинар и открыть школьную лабораторию робототехники";
    let regional_text = "Региональный уровень: один призёр олимпиады «Физтех»; конкурс работ ждёт подтверждения.";
    ok(head.put_json(&text(24), json!({"text": proposals2})).await, "section 24 again").await;
    ok(head.put_json(&text(9), json!({"text": regional_text})).await, "section 9 again").await;
    let r = ok(head.post_json(&submit, json!({})).await, "resubmit").await;
    assert_eq!(
        (r["status"].as_str(), r["version"].as_i64(), r["late"].as_i64()),
        (Some("submitted"), Some(2), Some(1))
    );
    let r = ok(spec.post_json(&decision, json!({"accept": true})).await, "accept").await;
    assert_eq!((r["status"].as_str(), r["version"].as_i64()), (Some("accepted"), Some(2)));
    // Accepted: a member added now with a date in the year changes nothing of it.
    ok(
        spec.post_json(&path, json!({"teacher_id": app.a_free_teacher, "joined_on": format!("{y}-09-01")})).await,
        "a late record of a member",
    )
    .await;
    let b = ok(head.get(&analysis).await, "the accepted analysis").await;
    assert_eq!(
        (b["live"].as_bool(), b["report"]["status"].as_str(), b["report"]["version"].as_i64()),
        (Some(false), Some("accepted"), Some(2))
    );
    check_rows(&b, &expected, "accepted version 2");
    assert_eq!(section(&b, 24)["text"], proposals2);
    assert_eq!(section(&b, 9)["text"], regional_text);
    assert_eq!(b["composed"]["apart"].as_array().unwrap().len(), 1);
    let codes: Vec<(String, String, u64)> = indicators(&b)
        .iter()
        .map(|i| {
            (
                i["code"].as_str().unwrap().to_owned(),
                i["label"].as_str().unwrap().to_owned(),
                i["value"].as_u64().unwrap(),
            )
        })
        .collect();
    let title = format!("Анализ деятельности: {NAME} за {y}/{y1} учебный год");

    // ---- 8. The DOCX ------------------------------------------------------------------------
    let r = spec.get(&format!("/api/v1/associations/{aid}/analysis/{y}/docx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().contains("wordprocessingml"));
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains(&format!("analysis-{aid}-{y}.docx")));
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    let paragraphs: Vec<String> = xml.split("</w:p>").map(text_of).collect();
    let has = |s: &str| paragraphs.iter().any(|p| p.trim() == s);
    assert!(has(&title), "the title: {paragraphs:#?}");
    assert!(paragraphs.iter().any(|p| p.starts_with("принят, версия 2")), "{paragraphs:#?}");
    assert!(has(proposals2) && has(regional_text) && !has(proposals), "the texts of version 2");
    assert!(has("Приложение к анализу"));
    assert!(paragraphs.iter().any(|p| p.contains(&format!("20.09.{y} — Об анализе работы и плане на учебный год"))));
    assert!(paragraphs.iter().any(|p| p.contains("«Цифровая лаборатория на уроках физики», Сборник ТОИПКРО")));
    assert!(has("Руководитель объединения ______________ / Абрамова А. С."), "the signature");
    let rows = table_rows(&xml);
    assert_eq!(rows[0], ["№", "показатель", "количество"], "the table's header");
    assert_eq!(rows.len(), codes.len() + 1, "a row per indicator");
    for ((code, label, value), row) in codes.iter().zip(&rows[1..]) {
        assert_eq!(row, &[code.clone(), label.clone(), value.to_string()], "the DOCX row {code}");
    }
    for (code, value) in
        [("1", "5"), ("2", "3"), ("2.1", "4"), ("8", "2"), ("8.1", "1"), ("25", "2"), ("25.1", "1"), ("20", "1")]
    {
        let row = rows.iter().find(|r| r[0] == code).unwrap();
        assert_eq!(row[2], value, "DOCX row {code}");
    }

    // ---- 9. The XLSX, cell by cell ----------------------------------------------------------
    let r = spec.get(&format!("/api/v1/associations/{aid}/analysis/{y}/xlsx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    let bytes = r.bytes().await.unwrap().to_vec();
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("Показатели").unwrap();
    assert_eq!(sheet.start(), Some((0, 0)));
    let cells: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(cells[0][0], title);
    assert_eq!(cells[1], ["№", "Показатель", "Количество"]);
    assert_eq!(cells.len(), codes.len() + 2, "the title, the header and a row per indicator");
    for ((code, label, value), row) in codes.iter().zip(&cells[2..]) {
        assert_eq!(row, &[code.clone(), label.clone(), value.to_string()], "the XLSX row {code}");
    }
    for (i, (code, _, v)) in codes.iter().enumerate() {
        let cell = sheet.get((i + 2, 2)).unwrap();
        assert!(
            matches!(cell, calamine::Data::Float(f) if (f - *v as f64).abs() < 0.5),
            "row {code} is the number {v}: {cell:?}"
        );
        assert_eq!(*v, value(&b, code));
    }
    app.stop().await;
}
