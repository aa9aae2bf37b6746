//! An association's past loaded at once through the real server (SQLite or PostgreSQL): the
//! membership history and the past meetings' attendance, each checked row by row — a file with a
//! bad row writes nothing and names every bad row (page and API), a good one writes every row; a
//! membership file loaded again adds nothing, an attendance file loaded again is refused (its days
//! have their meetings); only who may change the membership may load them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use crate::exam_import::upload;
use common::{TestApp, count};
use metoda_docs::export::{ExportRow, teachers_xlsx};
use reqwest::StatusCode;
use serde_json::Value;

async fn name_of(app: &TestApp, teacher_id: i64) -> String {
    let (l, f, m) = crate::exam_import::full_name(app, teacher_id).await;
    format!("{l} {f} {m}").trim().to_owned()
}

/// The association's membership periods (teacher, joined, left), sorted.
async fn periods(app: &TestApp, a: i64) -> Vec<(i64, String, Option<String>)> {
    let mut c = app.t.db.conn().await.unwrap();
    sqlx::query_as(
        "SELECT teacher_id, joined_on, left_on FROM association_members WHERE association_id = $1
         ORDER BY teacher_id, joined_on",
    )
    .bind(a)
    .fetch_all(&mut *c)
    .await
    .unwrap()
}

/// The members of the association on a day (`YYYY-MM-DD`).
async fn members_on(app: &TestApp, a: i64, day: &str) -> Vec<i64> {
    let mut c = app.t.db.conn().await.unwrap();
    sqlx::query_scalar(
        "SELECT teacher_id FROM association_members WHERE association_id = $1 AND joined_on <= $2
           AND (left_on IS NULL OR left_on > $2) ORDER BY teacher_id",
    )
    .bind(a)
    .bind(day)
    .fetch_all(&mut *c)
    .await
    .unwrap()
}

/// The number of the minutes of the association's meeting on a day (`YYYY-MM-DD`).
async fn minutes_number(app: &TestApp, a: i64, day: &str) -> i64 {
    let mut c = app.t.db.conn().await.unwrap();
    sqlx::query_scalar(
        "SELECT n.number FROM minutes n JOIN meetings m ON m.id = n.meeting_id WHERE m.association_id = $1 AND m.held_on = $2",
    )
    .bind(a)
    .bind(day)
    .fetch_one(&mut *c)
    .await
    .unwrap()
}

fn xlsx(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let rows: Vec<ExportRow> = rows.iter().map(|r| ExportRow { cells: r.clone() }).collect();
    teachers_xlsx("История объединения", headers, &rows).unwrap()
}

fn rows_of(b: &Value) -> Vec<u64> {
    let mut rows: Vec<u64> = b["rows"].as_array().unwrap().iter().map(|x| x["row"].as_u64().unwrap()).collect();
    rows.dedup();
    rows
}

#[tokio::test]
async fn a_membership_history_and_past_attendance_load_at_once_or_not_at_all() {
    let app = TestApp::start().await;
    let a = app.assoc_a;
    let spec = app.login("uo.specialist").await;
    let free = app.a_free_teacher;
    let free_name = name_of(&app, free).await;
    let head_name = name_of(&app, app.a_teacher).await;
    let before = periods(&app, a).await;
    let head_since = before.iter().find(|p| p.0 == app.a_teacher).unwrap().1.clone();
    let head_since = time::Date::parse(&head_since, time::macros::format_description!("[year]-[month]-[day]")).unwrap();
    let earlier = metoda_domain::values::ru_date(head_since - time::Duration::days(30));

    // The page offers both files and their templates.
    let page = spec.get(&format!("/associations/{a}/history")).await.text().await.unwrap();
    assert!(page.contains("История состава") && page.contains("Явка на прошедшие заседания"), "{page}");
    let r = spec.get(&format!("/associations/{a}/history/members-template.xlsx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    assert!(spec.get(&format!("/associations/{a}")).await.text().await.unwrap().contains("/history\""));

    // A file with bad rows among good ones: nothing is written, every bad row is named.
    let bad = format!(
        "Учитель;Дата включения;Дата выбытия\n\
         Неизвестный Педагог Иванович;01.09.2024;\n\
         {free_name};01.09.2024;31.05.2024\n\
         {free_name};01.09.2099;\n\
         {head_name};{earlier};\n\
         {free_name};01.09.2023;31.05.2024\n\
         {free_name};01.01.2024;\n"
    );
    let r =
        upload(&spec, &format!("/api/v1/associations/{a}/history/members"), "состав.csv", bad.as_bytes(), false).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let b: Value = r.json().await.unwrap();
    assert_eq!(rows_of(&b), vec![2, 3, 4, 5, 7], "{b}");
    let text = b.to_string();
    for needle in [
        "нет в банке данных",
        "раньше даты включения",
        "позже сегодняшнего дня",
        "не должны пересекаться",
        "(строка 6)",
    ] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
    assert_eq!(periods(&app, a).await, before);
    let r = upload(&spec, &format!("/associations/{a}/history/members"), "состав.csv", bad.as_bytes(), true).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("Ошибок в строках: 5") && page.contains("Ничего не загружено"), "{page}");

    // The good file (an XLSX with a title above the header): two past periods of the free teacher.
    let good = xlsx(
        &["ФИО педагога", "Дата вступления", "Дата выбытия"],
        &[
            vec![free_name.clone(), "01.09.2023".into(), "31.05.2024".into()],
            vec![free_name.to_uppercase(), "02.09.2024".into(), "30.06.2025".into()],
        ],
    );
    let r = upload(&spec, &format!("/associations/{a}/history/members"), "состав.xlsx", &good, true).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let page = spec.get(r.headers()["location"].to_str().unwrap()).await.text().await.unwrap();
    assert!(page.contains("добавлено периодов членства — 2"), "{page}");
    let after = periods(&app, a).await;
    assert_eq!(after.len(), before.len() + 2);
    assert!(after.contains(&(free, "2023-09-01".into(), Some("2024-05-31".into()))), "{after:?}");
    assert!(after.contains(&(free, "2024-09-02".into(), Some("2025-06-30".into()))), "{after:?}");
    // Loaded again: nothing new.
    let r = upload(&spec, &format!("/api/v1/associations/{a}/history/members"), "состав.xlsx", &good, false).await;
    assert_eq!(r.status(), StatusCode::OK);
    let b: Value = r.json().await.unwrap();
    assert_eq!((b["created"].as_u64(), b["skipped"].as_u64()), (Some(0), Some(2)), "{b}");
    assert_eq!(periods(&app, a).await, after);

    // A current period from the file, then a file that ends it and has the teacher rejoin (the
    // rejoin first: the rows' order does not matter).
    let open = format!("Учитель;Дата включения;Дата выбытия\n{free_name};01.09.2025;\n");
    let r =
        upload(&spec, &format!("/api/v1/associations/{a}/history/members"), "состав.csv", open.as_bytes(), false).await;
    assert_eq!(r.json::<Value>().await.unwrap()["created"], 1);
    let again =
        format!("Учитель;Дата включения;Дата выбытия\n{free_name};01.11.2025;\n{free_name};01.09.2025;15.10.2025\n");
    let r = upload(&spec, &format!("/api/v1/associations/{a}/history/members"), "состав.csv", again.as_bytes(), false)
        .await;
    let b: Value = r.json().await.unwrap();
    assert_eq!(
        (b["created"].as_u64(), b["closed"].as_u64(), b["skipped"].as_u64()),
        (Some(1), Some(1), Some(0)),
        "{b}"
    );
    let after = periods(&app, a).await;
    assert!(after.contains(&(free, "2025-09-01".into(), Some("2025-10-15".into()))), "{after:?}");
    assert!(after.contains(&(free, "2025-11-01".into(), None)), "{after:?}");

    // The attendance of two past meetings: every member of each date marked.
    let day1 = "2024-10-15";
    let day2 = "2025-03-12";
    let mut lines = vec!["Дата заседания;№ протокола;Вопрос повестки;Учитель;Явка".to_owned()];
    for (day, number, topic) in [(day1, "3", "О плане работы на год"), (day2, "", "Об итогах полугодия")]
    {
        for (i, t) in members_on(&app, a, day).await.into_iter().enumerate() {
            let mark = if t == free && day == day1 { "отсутствует" } else { "присутствует" };
            let number = if i == 0 { number } else { "" };
            lines.push(format!("{day};{number};{topic};{};{mark}", name_of(&app, t).await));
        }
    }
    let good = lines.join("\n");
    assert!(members_on(&app, a, day1).await.contains(&free));
    let meetings = count(&app, "meetings").await;
    // Bad rows: a mark nobody writes, a stranger, a date not yet past, a member left unmarked.
    let bad = format!(
        "{}\n{day1};;;{free_name};может быть\n{day1};;;Посторонний Человек Петрович;присутствует\n2099-01-01;;;{free_name};присутствует\n",
        lines[0]
    );
    let r =
        upload(&spec, &format!("/api/v1/associations/{a}/history/attendance"), "явка.csv", bad.as_bytes(), false).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let b: Value = r.json().await.unwrap();
    assert_eq!(rows_of(&b), vec![2, 3, 4], "{b}");
    let text = b.to_string();
    for needle in [
        "«может быть»",
        "нет среди членов объединения",
        "прошедшие до сегодняшнего дня",
        "не указана явка членов объединения",
    ] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
    assert_eq!(count(&app, "meetings").await, meetings);

    let r = upload(&spec, &format!("/associations/{a}/history/attendance"), "явка.csv", good.as_bytes(), true).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let page = spec.get(r.headers()["location"].to_str().unwrap()).await.text().await.unwrap();
    assert!(page.contains("Внесено прошедших заседаний: 2"), "{page}");
    assert_eq!(count(&app, "meetings").await, meetings + 2);
    let mut c = app.t.db.conn().await.unwrap();
    let (id, status, number, minutes, paper): (i64, String, i64, String, i64) = sqlx::query_as(
        "SELECT m.id, m.status, n.number, n.status, n.paper FROM meetings m JOIN minutes n ON n.meeting_id = m.id
         WHERE m.association_id = $1 AND m.held_on = $2",
    )
    .bind(a)
    .bind(day1)
    .fetch_one(&mut *c)
    .await
    .unwrap();
    assert_eq!((status.as_str(), number, minutes.as_str(), paper), ("held", 3, "signed", 1));
    let absent: String =
        sqlx::query_scalar("SELECT status FROM meeting_attendance WHERE meeting_id = $1 AND teacher_id = $2")
            .bind(id)
            .bind(free)
            .fetch_one(&mut *c)
            .await
            .unwrap();
    assert_eq!(absent, "absent");
    drop(c);
    let b: Value = spec.get(&format!("/api/v1/meetings/{id}")).await.json().await.unwrap();
    assert_eq!(b["meeting"]["minutes_on_paper"], true, "{b}");
    assert_eq!(b["meeting"]["minutes_status"], "signed");
    // Locked like signed minutes: the attendance is not entered again.
    let marks: Vec<Value> = b["roster"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| serde_json::json!({"teacher_id": r["teacher_id"], "status": "present"}))
        .collect();
    let r = spec
        .c
        .put(spec.url(&format!("/api/v1/meetings/{id}/attendance")))
        .header("x-csrf-token", &spec.csrf)
        .json(&serde_json::json!({"marks": marks, "version": b["meeting"]["version"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("Протокол подписан"));
    let page = spec.get(&format!("/meetings/{id}")).await.text().await.unwrap();
    assert!(page.contains("подписан на бумаге") && page.contains("О плане работы на год"), "{page}");
    assert!(!page.contains("id=\"draft-minutes\"") && !page.contains("id=\"sign-"), "{page}");
    // The same file again: those days have their meetings now.
    let r = upload(&spec, &format!("/api/v1/associations/{a}/history/attendance"), "явка.csv", good.as_bytes(), false)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("уже есть заседание"));
    assert_eq!(count(&app, "meetings").await, meetings + 2);
    // A minutes' number taken in the same plan year is named with the meeting that has it.
    let day3 = "2025-04-20";
    let mut lines = vec!["Дата заседания;№ протокола;Учитель;Явка".to_owned()];
    for t in members_on(&app, a, day3).await {
        lines.push(format!("{day3};3;{};присутствует", name_of(&app, t).await));
    }
    let r = upload(
        &spec,
        &format!("/api/v1/associations/{a}/history/attendance"),
        "явка.csv",
        lines.join("\n").as_bytes(),
        false,
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let b: Value = r.json().await.unwrap();
    assert!(b["rows"][0]["message"].as_str().unwrap().contains("у заседания 15.10.2024"), "{b}");
    // Without the number it takes the next free one of the year.
    let lines: Vec<String> = lines.iter().map(|l| l.replacen(";3;", ";;", 1)).collect();
    let r = upload(
        &spec,
        &format!("/api/v1/associations/{a}/history/attendance"),
        "явка.csv",
        lines.join("\n").as_bytes(),
        false,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_eq!(
        minutes_number(&app, a, day3).await,
        5,
        "after № 3 of 15.10.2024 and № 4 of 12.03.2025 (given the next one on loading)"
    );
    assert_eq!(minutes_number(&app, a, day2).await, 4);
    // Paper minutes are neither signed here nor printed as if they were.
    let r = spec.get(&format!("/api/v1/meetings/{id}/docx")).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // Who may not change the membership may not load its history.
    for login in ["teacher", "b.specialist"] {
        let s = app.login(login).await;
        let r = upload(
            &s,
            &format!("/api/v1/associations/{a}/history/members"),
            "состав.xlsx",
            &good_again(&free_name),
            false,
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{login}");
        assert_eq!(s.get(&format!("/associations/{a}/history")).await.status(), StatusCode::FORBIDDEN, "{login}");
        let r = upload(&s, &format!("/associations/{a}/history/attendance"), "явка.csv", good.as_bytes(), true).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{login}");
    }
    assert_eq!(count(&app, "meetings").await, meetings + 3);
    app.stop().await;
}

fn good_again(name: &str) -> Vec<u8> {
    xlsx(&["Учитель", "Дата включения"], &[vec![name.to_owned(), "01.09.2020".into()]])
}
