//! ЕГЭ scores imported from XLSX/CSV through the real server (SQLite or PostgreSQL): a good file
//! creates pending scores; a file with bad rows writes nothing and names every bad row (page and
//! API); a teacher imports only their own scores; the template downloads, lists the members and
//! the subjects, and once filled imports cleanly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::io::{Read, Write};

use common::{Session, TestApp, count};
use metoda_docs::export::{ExportRow, teachers_xlsx};
use reqwest::StatusCode;
use serde_json::Value;

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

fn this_year() -> i32 {
    metoda_domain::teachers::AcademicYear::containing(today()).0
}

/// Sends a file as a page's form (with the CSRF field) or to the API (with the CSRF header).
pub(crate) async fn upload(s: &Session, path: &str, name: &str, bytes: &[u8], page: bool) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new();
    if page {
        form = form.text("_csrf", s.csrf.clone());
    }
    let form = form.part("file", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned()));
    let mut req = s.c.post(s.url(path)).multipart(form);
    if !page {
        req = req.header("x-csrf-token", &s.csrf);
    }
    req.send().await.unwrap()
}

/// An XLSX as a school would send it: a title in row 1, the header in row 2, the scores from row 3.
fn xlsx(rows: &[[&str; 5]]) -> Vec<u8> {
    let rows: Vec<ExportRow> =
        rows.iter().map(|r| ExportRow { cells: r.iter().map(|c| (*c).to_owned()).collect() }).collect();
    teachers_xlsx("Результаты ЕГЭ", &["Учитель", "Предмет", "Балл", "Дата", "Код ученика"], &rows).unwrap()
}

/// A teacher's last, first and middle name (empty when none).
pub(crate) async fn full_name(app: &TestApp, teacher_id: i64) -> (String, String, String) {
    let mut c = app.t.db.conn().await.unwrap();
    let (l, f, m): (String, String, Option<String>) =
        sqlx::query_as("SELECT last_name, first_name, middle_name FROM teachers WHERE id = $1")
            .bind(teacher_id)
            .fetch_one(&mut *c)
            .await
            .unwrap();
    (l, f, m.unwrap_or_default())
}

async fn own_teacher(app: &TestApp) -> i64 {
    let mut c = app.t.db.conn().await.unwrap();
    sqlx::query_scalar("SELECT id FROM teachers WHERE user_id = $1").bind(app.a_user).fetch_one(&mut *c).await.unwrap()
}

async fn exam_scores(s: &Session, a: i64) -> Vec<Value> {
    let b: Value = s.get(&format!("/api/v1/associations/{a}/results?year={}", this_year())).await.json().await.unwrap();
    b["results"].as_array().unwrap().iter().filter(|i| i["result"]["family"] == "exam").cloned().collect()
}

#[tokio::test]
async fn a_good_file_creates_pending_scores_and_a_bad_one_writes_nothing() {
    let app = TestApp::start().await;
    let a = app.assoc_a;
    let own = own_teacher(&app).await;
    let (ol, of, om) = full_name(&app, own).await;
    let own_name = format!("{ol} {of} {om}");
    let (hl, hf, hm) = full_name(&app, app.a_teacher).await;
    // The head's name with initials, as schools often write it.
    let head_initials = format!("{hl} {}.{}.", hf.chars().next().unwrap(), hm.chars().next().unwrap_or('X'));
    let day = metoda_domain::values::ru_date(today());
    let head = app.login("mmo.head").await;
    let before = exam_scores(&head, a).await.len();

    // The page: every row checked, all written in one go, back to the results with a message.
    let good = xlsx(&[
        [&own_name, "русский язык", "85", &day, "Е-1"],
        [&head_initials, "Математика (профильный уровень)", "72", &day, ""],
        [&own_name.to_uppercase(), "физика", "90", &day, "Е-3"],
    ]);
    let r = upload(&head, &format!("/associations/{a}/results/exam/import"), "егэ.xlsx", &good, true).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let page = head.get(r.headers()["location"].to_str().unwrap()).await.text().await.unwrap();
    assert!(page.contains("Загружено баллов ЕГЭ: 3"), "{page}");
    let scores = exam_scores(&head, a).await;
    assert_eq!(scores.len(), before + 3);
    let imported: Vec<&Value> =
        scores.iter().filter(|i| [85, 72, 90].iter().any(|s| i["result"]["score"] == *s)).collect();
    assert_eq!(imported.len(), 3);
    assert!(imported.iter().all(|i| i["result"]["status"] == "pending"), "{imported:?}");
    let math = scores.iter().find(|i| i["result"]["score"] == 72).unwrap();
    assert_eq!(math["result"]["subject"], "mathematics_profile");
    assert_eq!(math["result"]["teachers"][0]["teacher_id"], app.a_teacher);

    // One file with four bad rows among good ones: nothing is written, every bad row is named.
    let n = count(&app, "results").await;
    let bad = xlsx(&[
        [&own_name, "русский язык", "60", &day, ""],
        ["Неизвестная Учительница Петровна", "химия", "70", &day, ""],
        [&own_name, "астрология", "70", &day, ""],
        [&own_name, "химия", "120", &day, ""],
        [&own_name, "химия", "70", "31.02.2026", ""],
        [&own_name, "биология", "66", &day, ""],
    ]);
    let r = upload(&head, &format!("/associations/{a}/results/exam/import"), "плохой.xlsx", &bad, true).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("Ошибок в строках: 4") && page.contains("Ничего не загружено"), "{page}");
    for needle in [
        "<td>4</td><td>Учитель</td>",
        "не найден(а) среди членов объединения",
        "<td>5</td><td>Предмет</td>",
        "«астрология» — такого предмета ЕГЭ нет",
        "<td>6</td><td>Балл</td>",
        "целое число от 0 до 100",
        "<td>7</td><td>Дата</td>",
    ] {
        assert!(page.contains(needle), "{needle} in {page}");
    }
    assert!(!page.contains("<td>3</td>") && !page.contains("<td>8</td>"), "good rows are not listed");
    assert_eq!(count(&app, "results").await, n);

    // The API twin: the same refusal as JSON with the rows; then a good CSV.
    let r = upload(&head, &format!("/api/v1/associations/{a}/results/exam/import"), "плохой.xlsx", &bad, false).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["error"]["code"], "validation");
    let rows: Vec<u64> = b["rows"].as_array().unwrap().iter().map(|x| x["row"].as_u64().unwrap()).collect();
    assert_eq!(rows, vec![4, 5, 6, 7], "{b}");
    assert_eq!(b["rows"][2]["column"], "Балл");
    assert_eq!(count(&app, "results").await, n);
    let csv =
        format!("Учитель;Предмет;Балл;Дата\n{own_name};литература;77;{}\n", metoda_domain::values::iso_date(today()));
    let r =
        upload(&head, &format!("/api/v1/associations/{a}/results/exam/import"), "егэ.csv", csv.as_bytes(), false).await;
    assert_eq!(r.status(), StatusCode::OK);
    let b: Value = r.json().await.unwrap();
    assert_eq!((b["created"].as_u64(), b["skipped"].as_u64()), (Some(1), Some(0)));
    assert_eq!(b["results"][0]["status"], "pending");
    assert_eq!(b["results"][0]["subject"], "literature");

    // The same file again adds nothing; extended by a row (a second student with the same score,
    // no code), it adds only that row.
    let n = count(&app, "results").await;
    let r = upload(&head, &format!("/associations/{a}/results/exam/import"), "егэ.xlsx", &good, true).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = head.get(r.headers()["location"].to_str().unwrap()).await.text().await.unwrap();
    assert!(page.contains("Новых баллов ЕГЭ в файле нет; уже были внесены раньше и пропущены: 3"), "{page}");
    assert_eq!(count(&app, "results").await, n);
    let twice = format!(
        "Учитель;Предмет;Балл;Дата\n{own_name};литература;77;{d}\n{own_name};литература;77;{d}\n",
        d = metoda_domain::values::iso_date(today())
    );
    let r = upload(&head, &format!("/api/v1/associations/{a}/results/exam/import"), "егэ.csv", twice.as_bytes(), false)
        .await;
    let b: Value = r.json().await.unwrap();
    assert_eq!((b["created"].as_u64(), b["skipped"].as_u64()), (Some(1), Some(1)), "{b}");
    assert_eq!(count(&app, "results").await, n + 1);

    // Not a table, and missing columns: the whole file is refused with a Russian sentence.
    let r = upload(&head, &format!("/associations/{a}/results/exam/import"), "скан.pdf", b"%PDF-1.4", true).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Файл не принят"));
    let r = upload(
        &head,
        &format!("/api/v1/associations/{a}/results/exam/import"),
        "x.csv",
        "Учитель;Балл\nА;1\n".as_bytes(),
        false,
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let b: Value = r.json().await.unwrap();
    assert!(b["error"]["message"].as_str().unwrap().contains("«Предмет»"), "{b}");
    app.stop().await;
}

#[tokio::test]
async fn a_teacher_imports_only_their_own_scores() {
    let app = TestApp::start().await;
    let a = app.assoc_a;
    let own = own_teacher(&app).await;
    let (ol, of, om) = full_name(&app, own).await;
    let (hl, hf, hm) = full_name(&app, app.a_teacher).await;
    let day = metoda_domain::values::ru_date(today());
    let t = app.login("teacher").await;
    let path = format!("/api/v1/associations/{a}/results/exam/import");

    let r =
        upload(&t, &path, "мои.xlsx", &xlsx(&[[&format!("{ol} {of} {om}"), "химия", "88", &day, "Х-1"]]), false).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["created"], 1);

    // A colleague's score in the file: refused, nothing written (not even the own row).
    let n = count(&app, "results").await;
    let file = xlsx(&[
        [&format!("{ol} {of} {om}"), "химия", "89", &day, ""],
        [&format!("{hl} {hf} {hm}"), "химия", "91", &day, ""],
    ]);
    let r = upload(&t, &path, "чужие.xlsx", &file, false).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["error"]["code"], "forbidden");
    assert_eq!(b["rows"][0]["row"], 4);
    assert!(b["rows"][0]["message"].as_str().unwrap().contains("только свои результаты"), "{b}");
    let r = upload(&t, &format!("/associations/{a}/results/exam/import"), "чужие.xlsx", &file, true).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("только свои результаты"));
    assert_eq!(count(&app, "results").await, n);

    // The template of a teacher lists only themselves; a school administrator and another
    // municipality may not import at all.
    let r = t.get(&format!("/associations/{a}/results/exam/template.xlsx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let names = sheet_column(&r.bytes().await.unwrap(), "Справочник", 0);
    assert_eq!(names, vec![format!("{ol} {of} {om}").trim().to_owned()]);
    for login in ["org.admin", "b.specialist"] {
        let s = app.login(login).await;
        let r = upload(&s, &path, "мои.xlsx", &file, false).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{login}");
        assert_eq!(s.get(&format!("/associations/{a}/results/exam/import")).await.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(count(&app, "results").await, n);
    app.stop().await;
}

/// The texts of a column of a sheet (below its header).
fn sheet_column(bytes: &[u8], sheet: &str, col: usize) -> Vec<String> {
    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    range.rows().skip(1).filter_map(|r| r.get(col).map(|c| c.to_string())).filter(|s| !s.is_empty()).collect()
}

/// The template filled in as Excel would: names and subjects as text, the score and the date as
/// numbers (the date as a serial day) — written into the first sheet of the downloaded file.
fn fill(template: &[u8], rows: &[(&str, &str, u32, time::Date)]) -> Vec<u8> {
    let epoch = time::Date::from_calendar_date(1899, time::Month::December, 30).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(template.to_vec())).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let mut extra = String::new();
            for (i, (teacher, subject, score, on)) in rows.iter().enumerate() {
                let n = i + 2;
                let serial = (*on - epoch).whole_days();
                extra.push_str(&format!(
                    "<row r=\"{n}\"><c r=\"A{n}\" t=\"inlineStr\"><is><t>{teacher}</t></is></c>\
                     <c r=\"B{n}\" t=\"inlineStr\"><is><t>{subject}</t></is></c><c r=\"C{n}\"><v>{score}</v></c>\
                     <c r=\"D{n}\"><v>{serial}</v></c></row>"
                ));
            }
            let xml = String::from_utf8(data).unwrap();
            assert!(xml.contains("</sheetData>"), "{xml}");
            data = xml.replacen("</sheetData>", &format!("{extra}</sheetData>"), 1).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[tokio::test]
async fn the_template_downloads_and_imports_cleanly_once_filled() {
    let app = TestApp::start().await;
    let a = app.assoc_a;
    let head = app.login("mmo.head").await;
    let r = head.get(&format!("/associations/{a}/results/exam/template.xlsx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    let template = r.bytes().await.unwrap().to_vec();
    let teachers = sheet_column(&template, "Справочник", 0);
    let subjects = sheet_column(&template, "Справочник", 1);
    assert!(teachers.len() >= 2, "{teachers:?}");
    assert!(subjects.contains(&"русский язык".to_owned()), "{subjects:?}");
    // The page offers the form and the template.
    let page = head.get(&format!("/associations/{a}/results")).await.text().await.unwrap();
    assert!(page.contains("Импорт результатов ЕГЭ из XLSX") && page.contains("/results/exam/template.xlsx"));

    // Filled in with the lists' own values: imported as is.
    let n = count(&app, "results").await;
    let filled =
        fill(&template, &[(&teachers[0], &subjects[0], 64, today()), (&teachers[1], &subjects[2], 81, today())]);
    let r =
        upload(&head, &format!("/api/v1/associations/{a}/results/exam/import"), "шаблон.xlsx", &filled, false).await;
    let status = r.status();
    let b: Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(b["created"], 2);
    assert_eq!(b["results"][0]["score"], 64);
    assert_eq!(b["results"][0]["result_on"], metoda_domain::values::iso_date(today()));
    assert_eq!(count(&app, "results").await, n + 2);
    app.stop().await;
}
