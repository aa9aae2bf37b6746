//! The teacher bank, orders and associations through the real server (SQLite or PostgreSQL).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{TestApp, count};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn personal_data_is_shown_by_role() {
    let app = TestApp::start().await;
    let path = format!("/api/v1/teachers/{}", app.a_teacher);
    // The association head and the authority see the birth date; a member sees the name only.
    for (login, personal) in [
        ("mmo.head", true),
        ("uo.specialist", true),
        ("cabinet.head", true),
        ("teacher", false),
        ("mmo.secretary", false),
    ] {
        let s = app.login(login).await;
        let v: Value = s.get(&path).await.json().await.unwrap();
        assert_eq!(v["personal"].is_object(), personal, "{login}: {v}");
        assert!(v["full_name"].as_str().unwrap().len() > 5);
    }
    // A member cannot narrow the bank by age to guess a colleague's age: the filter is ignored.
    let s = app.login("teacher").await;
    let all: Value = s.get("/api/v1/teachers").await.json().await.unwrap();
    let young: Value = s.get("/api/v1/teachers?age=0").await.json().await.unwrap();
    assert_eq!(all["total"], young["total"]);
    let own: i64 = {
        let mut c = app.t.db.conn().await.unwrap();
        sqlx::query_scalar("SELECT id FROM teachers WHERE user_id = $1")
            .bind(app.a_user)
            .fetch_one(&mut *c)
            .await
            .unwrap()
    };
    for t in all["teachers"].as_array().unwrap() {
        assert_eq!(t["personal"].is_object(), t["id"] == own, "only the own record carries personal data: {t}");
    }
    let page = s.get("/teachers").await.text().await.unwrap();
    assert!(!page.contains("<figcaption>Возраст"), "no age chart for a member");
    assert!(!page.contains("id=\"f-g\""), "no age filter for a member");
    // Nor through the counts, nor by sorting by age.
    let comp: Value = s.get("/api/v1/teachers/composition").await.json().await.unwrap();
    assert_eq!(comp["age"], json!([]));
    assert_eq!(comp["experience"], json!([]));
    assert_eq!(comp["education"], json!([]));
    assert!(comp["category"].as_array().unwrap().len() == 4);
    let names =
        |v: &Value| v["teachers"].as_array().unwrap().iter().map(|t| t["full_name"].clone()).collect::<Vec<_>>();
    let by_age: Value = s.get("/api/v1/teachers?sort=age").await.json().await.unwrap();
    assert_eq!(names(&by_age), names(&all), "sorting by age is not offered to a member");
    // A teacher sees their own record in full.
    let mine: Value = s.get(&format!("/api/v1/teachers/{own}")).await.json().await.unwrap();
    assert!(mine["personal"]["birth_date"].is_string(), "{mine}");
    // The region operator sees the association, not the people in it; an organization's
    // administrator sees the members working in that organization.
    let op = app.login("operator").await;
    let a: Value = op.get(&format!("/api/v1/associations/{}", app.assoc_a)).await.json().await.unwrap();
    assert!(a["association"]["members"].as_i64().unwrap() > 0);
    assert_eq!(a["members"], json!([]));
    let page = op.get(&format!("/associations/{}", app.assoc_a)).await.text().await.unwrap();
    assert!(!page.contains("figure class=\"chart\""), "no charts over people the operator may not see");
    let oa = app.login("org.admin").await;
    let a: Value = oa.get(&format!("/api/v1/associations/{}", app.assoc_a)).await.json().await.unwrap();
    let orgs: Vec<i64> =
        a["members"].as_array().unwrap().iter().map(|m| m["organization_id"].as_i64().unwrap()).collect();
    assert!(!orgs.is_empty() && orgs.iter().all(|o| *o == app.org_a), "{orgs:?}");
    // The authority's bank filters by age.
    let a = app.login("uo.specialist").await;
    let all: Value = a.get("/api/v1/teachers").await.json().await.unwrap();
    let young: Value = a.get("/api/v1/teachers?age=0").await.json().await.unwrap();
    assert_eq!(all["total"], 60);
    assert!(young["total"].as_i64().unwrap() < 60);
    let comp: Value = a.get("/api/v1/teachers/composition").await.json().await.unwrap();
    assert_eq!(comp["total"], 60);
    app.stop().await;
}

#[tokio::test]
async fn a_teacher_record_with_bad_input_is_refused_in_russian() {
    let app = TestApp::start().await;
    let s = app.login("org.admin").await;
    let before = count(&app, "teachers").await;
    let org = app.org_a.to_string();
    let r = s
        .form(
            "/teachers",
            &[
                ("last_name", ""),
                ("first_name", "Анна"),
                ("birth_date", "31.02.1990"),
                ("organization_id", &org),
                ("position", "учитель"),
                ("education", "higher"),
                ("category", "шестая"),
                ("email", "нет"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    for m in [
        "Фамилия: поле обязательно",
        "Дата рождения: укажите существующую дату",
        "Категория: высшая, первая",
        "Электронная почта",
    ] {
        assert!(html.contains(m), "missing «{m}»");
    }
    // An organization administrator keeps only the own organization's staff.
    let other = app.org_a2.to_string();
    let r = s
        .form(
            "/teachers",
            &[
                ("last_name", "Чужая"),
                ("first_name", "Анна"),
                ("birth_date", "1990-01-01"),
                ("organization_id", &other),
                ("position", "учитель"),
                ("education", "higher"),
                ("category", "none"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = s
        .form(
            "/teachers",
            &[
                ("last_name", "Своя"),
                ("first_name", "Анна"),
                ("birth_date", "1990-01-01"),
                ("organization_id", &org),
                ("position", "учитель"),
                ("education", "higher"),
                ("category", "none"),
                ("young_specialist", "true"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "teachers").await, before + 1);
    app.stop().await;
}

#[tokio::test]
async fn an_order_creates_an_association_with_its_head_and_members() {
    let app = TestApp::start().await;
    let s = app.login("uo.specialist").await;
    let free: Vec<i64> = {
        let mut c = app.t.db.conn().await.unwrap();
        sqlx::query_scalar(
            "SELECT t.id FROM teachers t WHERE t.municipality_id = $1 AND NOT EXISTS (SELECT 1 FROM association_members m WHERE m.teacher_id = t.id) ORDER BY t.id LIMIT 4",
        )
        .bind(app.muni_a)
        .fetch_all(&mut *c)
        .await
        .unwrap()
    };
    let ids: Vec<String> = free.iter().map(i64::to_string).collect();
    let mut form: Vec<(&str, &str)> = vec![
        ("municipality_id", "0"),
        ("kind", "create_association"),
        ("number", "200-ОД"),
        ("date", "2026-09-05"),
        ("body", "Создать ММО учителей физики.\nНазначить руководителем Васильева А. И."),
        ("signed_by", "Начальник Управления образования О. А. Максимова"),
        ("name", "ММО учителей физики"),
        ("direction", "физика"),
        ("head_teacher_id", &ids[0]),
    ];
    let mid = app.muni_a.to_string();
    form[0].1 = &mid;
    for id in &ids[1..] {
        form.push(("member_ids", id));
    }
    let r = s.form("/orders", &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap_or_default());
    let order_page = s.get(r.headers()["location"].to_str().unwrap()).await.text().await.unwrap();
    assert!(order_page.contains("Приказ № 200-ОД зарегистрирован и применён"));
    assert!(order_page.contains("Назначить руководителем Васильева А. И."));
    let list: Value = s.get("/api/v1/associations").await.json().await.unwrap();
    let physics = list["associations"].as_array().unwrap().iter().find(|a| a["name"] == "ММО учителей физики").unwrap();
    assert_eq!(physics["members"], 4);
    assert_eq!(physics["body_name"], "ММО");
    assert!(physics["head_name"].is_string());
    let aid = physics["id"].as_i64().unwrap();
    // The same number again is refused on the form, with the reason.
    let r = s.form("/orders", &form).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("Приказ № 200-ОД за 2026 год уже зарегистрирован"));
    // Fix the composition by order (API), then see the document present on the association page.
    let r = s.post_json("/api/v1/orders", json!({"municipality_id": app.muni_a, "kind": "approve_composition", "number": "201-ОД", "date": "06.09.2026", "association_id": aid})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["composition"].as_array().unwrap().len(), 4);
    let page = s.get(&format!("/associations/{aid}")).await.text().await.unwrap();
    assert!(page.contains("банк данных: 4 педагогов"), "the documents register of seed 002 counts the bank");
    assert!(page.contains("Протоколы заседаний") || page.contains("протоколы"), "and lists the minutes as required");
    assert!(page.contains("Квалификационная категория"), "the composition chart");
    // A member added later does not change the fixed composition.
    let r = s
        .post_json(
            &format!("/api/v1/associations/{aid}/members"),
            json!({"teacher_id": app.a_teacher, "joined_on": "2026-10-01"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let order: Value = s.get(&format!("/api/v1/orders/{}", body["order"]["id"])).await.json().await.unwrap();
    assert_eq!(order["composition"].as_array().unwrap().len(), 4);
    // B's specialist sees none of it.
    let b = app.login("b.specialist").await;
    assert_eq!(b.get(&format!("/api/v1/associations/{aid}")).await.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn the_minimum_of_the_profile_refuses_a_small_association_on_the_page() {
    let app = TestApp::start().await;
    let s = app.login("uo.head").await;
    let list: Value = s.get("/api/v1/profiles").await.json().await.unwrap();
    let p000 = list.as_array().unwrap().iter().find(|p| p["code"] == "seed-000").unwrap()["id"].as_i64().unwrap();
    let r = s.put_json(&format!("/api/v1/municipalities/{}/profile", app.muni_a), json!({"profile_id": p000})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let before = count(&app, "orders").await;
    let mid = app.muni_a.to_string();
    let head = app.a_free_teacher.to_string();
    let r = s
        .form(
            "/orders",
            &[
                ("municipality_id", &mid),
                ("kind", "create_association"),
                ("number", "300"),
                ("date", "2026-09-01"),
                ("name", "ММО учителей химии"),
                ("direction", "химия"),
                ("head_teacher_id", &head),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("не менее 10 педагогов; в составе 1"), "the reason is shown");
    assert_eq!(count(&app, "orders").await, before, "nothing was registered");
    // The authority's list shows the existing associations against the new minimum.
    let page = s.get("/associations").await.text().await.unwrap();
    assert!(page.contains("из не менее 10"), "members are shown against the minimum of seed 000");
    app.stop().await;
}

async fn upload(s: &common::Session, name: &str, bytes: Vec<u8>, municipality_id: i64) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("_csrf", s.csrf.clone())
        .text("municipality_id", municipality_id.to_string())
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
    s.c.post(s.url("/teachers/import")).multipart(form).send().await.unwrap()
}

fn apply_path(html: &str) -> String {
    let i = html.find("/teachers/import/").expect("an apply form");
    html[i..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn importing_a_spreadsheet_previews_then_applies_whole_and_reimporting_updates() {
    let app = TestApp::start().await;
    let s = app.login("uo.specialist").await;
    let before = count(&app, "teachers").await;
    let csv = "ФИО;Дата рождения;ОО;Должность;Образование;Категория;Стаж\n\
               Петрова Мария Ивановна;12.03.1985;МБОУ «Богашёвская СОШ»;учитель физики;высшее;первая;12\n\
               Сидоров Иван Петрович;01.10.1979;мбоу богашевская сош;учитель истории;высшее;высшая;01.09.2001\n";
    // A file with a bad row: every problem listed, nothing saved.
    let bad = format!("{csv}Лунный Пётр;31.02.1990;Школа на Луне;учитель;высшее;шестая;3\n");
    let r = upload(&s, "bank.csv", bad.into_bytes(), app.muni_a).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("организация «Школа на Луне» не найдена"), "{html}");
    assert!(html.contains("укажите существующую дату"));
    assert!(!html.contains("/apply"), "no way to apply a file with errors");
    assert_eq!(count(&app, "teachers").await, before);
    // A clean file: preview, then apply.
    let r = upload(&s, "bank.csv", csv.as_bytes().to_vec(), app.muni_a).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("Будет добавлено: <strong>2</strong>, обновлено: <strong>0</strong>"), "{html}");
    let apply = apply_path(&html);
    // Another user cannot apply it.
    let other = app.login("uo.head").await;
    assert_eq!(other.form(&apply, &[]).await.status(), StatusCode::NOT_FOUND);
    let r = s.form(&apply, &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "teachers").await, before + 2);
    assert_eq!(s.form(&apply, &[]).await.status(), StatusCode::CONFLICT, "an import is applied once");
    // The same file again updates, never duplicates; a changed position is taken over.
    let changed = csv.replace("учитель физики", "учитель физики и астрономии");
    let r = upload(&s, "bank.csv", changed.into_bytes(), app.muni_a).await;
    let html = r.text().await.unwrap();
    assert!(html.contains("Будет добавлено: <strong>0</strong>, обновлено: <strong>2</strong>"), "{html}");
    assert_eq!(s.form(&apply_path(&html), &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "teachers").await, before + 2);
    let found: Value = s.get("/api/v1/teachers?q=Петрова%20Мария").await.json().await.unwrap();
    assert_eq!(found["teachers"][0]["position"], "учитель физики и астрономии");
    // The experience given in years became a start date.
    assert!(found["teachers"][0]["personal"]["experience"].as_str().unwrap().starts_with("12 лет"));
    let a: Value = s.get("/api/v1/audit?entity=teacher_import").await.json().await.unwrap();
    assert_eq!(a["total"], 2);
    app.stop().await;
}

#[tokio::test]
async fn hostile_files_are_refused_with_a_reason() {
    let app = TestApp::start().await;
    let s = app.login("uo.specialist").await;
    let before = count(&app, "teachers").await;
    for (name, bytes, needle) in [
        ("scan.pdf", b"%PDF-1.4 not a table".to_vec(), "не похож"),
        (
            "bank.csv",
            "ФИО;Дата рождения;ОО;Должность\n=HYPERLINK(\"http://x\");01.01.1980;СОШ;учитель\n".as_bytes().to_vec(),
            "формул",
        ),
        ("bank.xlsx", b"PK\x03\x04broken zip".to_vec(), ""),
        ("bank.csv", "Имя;Возраст\nАнна;40\n".as_bytes().to_vec(), "Дата рождения"),
    ] {
        let r = upload(&s, name, bytes, app.muni_a).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let html = r.text().await.unwrap();
        assert!(html.contains("Файл не принят"), "{name}: {html}");
        assert!(html.contains(needle), "{name}: «{needle}» in {html}");
    }
    assert_eq!(count(&app, "teachers").await, before);
    app.stop().await;
}

fn xlsx_rows(bytes: Vec<u8>) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
}

#[tokio::test]
async fn the_export_holds_what_the_reader_may_see_and_is_audited() {
    let app = TestApp::start().await;
    let head = app.login("uo.specialist").await;
    let r = head.get("/teachers/export.xlsx?category=highest").await;
    assert_eq!(r.status(), StatusCode::OK);
    let rows = xlsx_rows(r.bytes().await.unwrap().to_vec());
    let header = rows.iter().find(|r| r.first().is_some_and(|c| c == "ФИО")).unwrap();
    assert!(header.contains(&"Дата рождения".to_owned()));
    let data = rows.iter().skip_while(|r| r.first().is_none_or(|c| c != "ФИО")).skip(1).count();
    let api: Value = head.get("/api/v1/teachers?category=highest").await.json().await.unwrap();
    assert_eq!(data as i64, api["total"].as_i64().unwrap(), "every filtered teacher, not one page");
    // A member gets colleagues' names and categories only.
    let t = app.login("teacher").await;
    let rows = xlsx_rows(t.get("/teachers/export.xlsx").await.bytes().await.unwrap().to_vec());
    let header = rows.iter().find(|r| r.first().is_some_and(|c| c == "ФИО")).unwrap();
    assert!(!header.contains(&"Дата рождения".to_owned()), "{header:?}");
    assert!(!rows.iter().flatten().any(|c| c.contains("Бэшкина")), "nothing of municipality B");
    let a: Value = head.get("/api/v1/audit?action=export").await.json().await.unwrap();
    assert!(a["total"].as_i64().unwrap() >= 1);
    // The operator reads no teacher records at all.
    let op = app.login("operator").await;
    assert_eq!(op.get("/teachers/export.xlsx").await.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn an_order_downloads_as_a_word_document_with_its_text() {
    use std::io::Read;
    let app = TestApp::start().await;
    let s = app.login("mmo.head").await;
    let list: Value = s.get("/api/v1/orders").await.json().await.unwrap();
    let composition = list["orders"].as_array().unwrap().iter().find(|o| o["kind"] == "approve_composition").unwrap();
    let r = s.get(&format!("/orders/{}/docx", composition["id"])).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().contains("wordprocessingml"));
    let bytes = r.bytes().await.unwrap().to_vec();
    // .ci/run opens this file with LibreOffice to prove Word-compatible software reads it.
    if let Ok(dir) = std::env::var("METODA_ARTIFACTS") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(format!("{dir}/order.docx"), &bytes).unwrap();
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    let text: String = xml.split('<').filter_map(|p| p.split_once('>').map(|(_, t)| t)).collect();
    for needle in [
        "ПРИКАЗ",
        &format!("№ {}", composition["number"].as_str().unwrap()),
        "ПРИКАЗЫВАЮ",
        "Орлова Елена Павловна",
        "руководитель (председатель)",
    ] {
        assert!(text.contains(needle), "«{needle}» in the document");
    }
    let b = app.login("b.specialist").await;
    assert_eq!(b.get(&format!("/orders/{}/docx", composition["id"])).await.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn subgroups_exist_only_where_the_profile_allows_them() {
    let app = TestApp::start().await;
    let admin = app.login("admin").await;
    let list: Value = admin.get("/api/v1/associations").await.json().await.unwrap();
    let mumo = list["associations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "МУМО учителей начальных классов")
        .unwrap();
    assert_eq!(mumo["body_name"], "МУМО", "seed 004 names the body МУМО");
    let page = admin.get(&format!("/associations/{}", mumo["id"])).await.text().await.unwrap();
    assert!(page.contains("РМО учителей начальных классов сельских школ"), "the demo's subgroups");
    let r = admin
        .post_json(
            &format!("/api/v1/associations/{}/subgroups", mumo["id"]),
            json!({"kind": "section", "name": "Секция ОРКСЭ"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "seed 004 §2.5 allows sections");
    let r = admin
        .post_json(
            &format!("/api/v1/associations/{}/subgroups", mumo["id"]),
            json!({"kind": "working_group", "name": "Рабочая"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "a kind the profile does not list");
    // Томский район runs under seed 002, which has no subgroups.
    let r = admin
        .post_json(&format!("/api/v1/associations/{}/subgroups", app.assoc_a), json!({"kind": "rmo", "name": "РМО"}))
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.json::<Value>().await.unwrap()["error"]["message"].as_str().unwrap().contains("не предусматривает"));
    // Only those who keep an association change it: not a member, not another municipality.
    for login in ["teacher", "b.specialist", "operator"] {
        let s = app.login(login).await;
        let r = s
            .post_json(
                &format!("/api/v1/associations/{}/subgroups", mumo["id"]),
                json!({"kind": "rmo", "name": "Чужая"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{login}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_topic_is_proposed_by_the_teacher_and_agreed_by_the_head_courses_and_needs_are_recorded() {
    let app = TestApp::start().await;
    let own: i64 = {
        let mut c = app.t.db.conn().await.unwrap();
        sqlx::query_scalar("SELECT id FROM teachers WHERE user_id = $1")
            .bind(app.a_user)
            .fetch_one(&mut *c)
            .await
            .unwrap()
    };
    let teacher = app.login("teacher").await;
    let r = teacher
        .form(
            &format!("/teachers/{own}/topic"),
            &[("topic", "Формирование функциональной грамотности на уроках математики")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let card = teacher.get(&format!("/teachers/{own}")).await.text().await.unwrap();
    assert!(card.contains("предложена, ждёт согласования"), "{card}");
    // The teacher cannot agree their own topic; the association head can.
    assert_eq!(teacher.form(&format!("/teachers/{own}/topic/agree"), &[]).await.status(), StatusCode::FORBIDDEN);
    let head = app.login("mmo.head").await;
    assert_eq!(head.form(&format!("/teachers/{own}/topic/agree"), &[]).await.status(), StatusCode::SEE_OTHER);
    let card = head.get(&format!("/teachers/{own}")).await.text().await.unwrap();
    assert!(card.contains("согласована: Орлова Елена Павловна"), "{card}");
    // A course that has not ended yet is not recorded; a finished one is.
    let r = teacher
        .form(
            &format!("/teachers/{own}/courses"),
            &[("kind", "advanced_training"), ("title", "Будущий курс"), ("end_on", "2099-01-01")],
        )
        .await;
    // Refused: the card again with the reason at the form and the course as typed.
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let card = r.text().await.unwrap();
    assert!(card.contains("Окончание: курс ещё не завершён"), "the reason comes back");
    assert!(card.contains("value=\"Будущий курс\"") && !card.contains("Будущий курс</td>"));
    let r = teacher
        .form(
            &format!("/teachers/{own}/courses"),
            &[
                ("kind", "advanced_training"),
                ("title", "Функциональная грамотность"),
                ("provider", "ТОИПКРО"),
                ("hours", "72"),
                ("end_on", "2026-10-20"),
                ("certificate", "700800123456"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = teacher
        .form(&format!("/teachers/{own}/difficulties"), &[("kind", "digital"), ("note", "электронный журнал")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let card = head.get(&format!("/teachers/{own}")).await.text().await.unwrap();
    assert!(card.contains("Функциональная грамотность</td>") && card.contains("700800123456"));
    assert!(card.contains("цифровые (электронные ресурсы") && card.contains("электронный журнал"));
    // A further place of work: the head adds it; the teacher may not; twice is refused.
    let second = app.org_a2.to_string();
    assert_eq!(
        teacher
            .form(
                &format!("/teachers/{own}/positions"),
                &[("organization_id", &second), ("position", "педагог дополнительного образования")]
            )
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        head.form(
            &format!("/teachers/{own}/positions"),
            &[("organization_id", &second), ("position", "педагог дополнительного образования")]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let r = head
        .form(&format!("/teachers/{own}/positions"), &[("organization_id", &second), ("position", "ещё раз")])
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let card = r.text().await.unwrap();
    assert!(card.contains("— педагог дополнительного образования"), "{card}");
    assert!(card.contains("Эта организация уже указана") && card.contains("value=\"ещё раз\""));
    // A colleague sees none of it; another municipality writes nothing.
    let colleague = app.login("mmo.secretary").await;
    let card = colleague.get(&format!("/teachers/{own}")).await.text().await.unwrap();
    assert!(!card.contains("700800123456"), "courses are part of the personal record");
    let b = app.login("b.specialist").await;
    assert_eq!(b.form(&format!("/teachers/{own}/topic"), &[("topic", "x")]).await.status(), StatusCode::FORBIDDEN);
    let spec = app.login("uo.specialist").await;
    let a: Value = spec.get("/api/v1/audit?entity=teacher_course").await.json().await.unwrap();
    assert_eq!(a["total"], 1, "the course is in the audit trail");
    app.stop().await;
}

async fn upload_doc(
    s: &common::Session,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new().text("_csrf", s.csrf.clone());
    for (k, v) in fields {
        form = form.text((*k).to_owned(), (*v).to_owned());
    }
    if let Some((name, bytes)) = file {
        form = form.part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
    }
    s.c.post(s.url(path)).multipart(form).send().await.unwrap()
}

#[tokio::test]
async fn documents_of_the_register_and_order_scans_are_uploaded_checked_and_guarded() {
    let app = TestApp::start().await;
    let head = app.login("mmo.head").await;
    let path = format!("/associations/{}/documents", app.assoc_a);
    let page = head.get(&format!("/associations/{}", app.assoc_a)).await.text().await.unwrap();
    assert!(page.contains("протоколы заседаний"));
    // A program disguised as a PDF is refused by its content.
    let r = upload_doc(&head, &path, &[("kind", "minutes")], Some(("протокол.pdf", b"MZ\x90\x00 not a pdf".to_vec())))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("тип определяется по содержимому"));
    // A real PDF is taken; the minutes become present in the register.
    let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec();
    let r = upload_doc(
        &head,
        &path,
        &[("kind", "minutes"), ("title", "Протокол № 1 от 28.08")],
        Some(("протокол 1.pdf", pdf.clone())),
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let a: Value = head.get(&format!("/api/v1/associations/{}", app.assoc_a)).await.json().await.unwrap();
    let minutes = a["documents"].as_array().unwrap().iter().find(|d| d["code"] == "minutes").unwrap();
    assert_eq!(minutes["present"], true, "{minutes}");
    // A scan of several megabytes goes through (axum's own 2 MB default is raised).
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(3 * 1024 * 1024, b'0');
    let r =
        upload_doc(&head, &path, &[("kind", "annual_analysis"), ("title", "Анализ (скан)")], Some(("анализ.pdf", big)))
            .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap_or_default());
    // A link works too.
    let r =
        upload_doc(&head, &path, &[("kind", "work_plan"), ("url", "https://school.example.ru/plan.pdf")], None).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = head.get(&format!("/associations/{}", app.assoc_a)).await.text().await.unwrap();
    let i = page.find("/attachments/").unwrap();
    let link = page[i..].split('"').next().unwrap().to_owned();
    // Download: the member of the association may, another municipality may not.
    let teacher = app.login("teacher").await;
    let mut ids: Vec<String> =
        page.match_indices("/attachments/").map(|(i, _)| page[i..].split('"').next().unwrap().to_owned()).collect();
    ids.dedup();
    let mut got_pdf = false;
    for l in &ids {
        let r = teacher.get(l).await;
        if r.status() == StatusCode::OK {
            assert_eq!(r.headers()["content-type"], "application/pdf");
            // A scan opens in the browser, sandboxed, under its Russian name.
            let disposition = r.headers()["content-disposition"].to_str().unwrap().to_owned();
            assert!(disposition.starts_with("inline;") && disposition.contains("filename*=UTF-8''"), "{disposition}");
            assert_eq!(r.headers()["content-security-policy"], "sandbox");
            let body = r.bytes().await.unwrap().to_vec();
            if body == pdf {
                assert!(
                    disposition.ends_with("%D0%BF%D1%80%D0%BE%D1%82%D0%BE%D0%BA%D0%BE%D0%BB%201.pdf"),
                    "«протокол 1.pdf»: {disposition}"
                );
            }
            assert!(
                body.len() == 3 * 1024 * 1024 || body == pdf,
                "a downloaded file differs from the upload ({} bytes)",
                body.len()
            );
            got_pdf |= body == pdf;
        } else {
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "the link redirects");
        }
    }
    assert!(got_pdf);
    let b = app.login("b.specialist").await;
    assert_eq!(b.get(&link).await.status(), StatusCode::NOT_FOUND);
    // A member cannot upload.
    let r = upload_doc(&teacher, &path, &[("kind", "minutes")], Some(("p.pdf", pdf.clone()))).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The scan of an order: the registrar attaches it, a wrong type is refused.
    let spec = app.login("uo.specialist").await;
    let order = format!("/orders/{}/scan", app.a_order);
    let r = upload_doc(&spec, &order, &[], Some(("скан.docx", b"PK\x03\x04 word/document.xml".to_vec()))).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = spec.get(&format!("/orders/{}", app.a_order)).await.text().await.unwrap();
    assert!(page.contains("Скан не принят: нужен PDF, JPEG или PNG"));
    let r = upload_doc(&spec, &order, &[], Some(("скан.pdf", pdf))).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = spec.get(&format!("/orders/{}", app.a_order)).await.text().await.unwrap();
    assert!(page.contains("Скан приказа №"), "{page}");
    assert_eq!(upload_doc(&teacher, &order, &[], None).await.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn a_profile_extends_the_list_of_difficulties() {
    let app = TestApp::start().await;
    let uo = app.login("uo.head").await;
    let list: Value = uo.get("/api/v1/profiles").await.json().await.unwrap();
    let p002 = list.as_array().unwrap().iter().find(|p| p["code"] == "seed-002").unwrap()["id"].as_i64().unwrap();
    let copy: Value = uo
        .post_json(
            &format!("/api/v1/profiles/{p002}/copy"),
            json!({"municipality_id": app.muni_a, "name": "Наше положение"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = copy["id"].as_i64().unwrap();
    let mut settings = copy["settings"].clone();
    settings["extra_need_kinds"] = json!({"value": ["наставничество молодых педагогов"], "clause": "п. 6"});
    let r =
        uo.put_json(&format!("/api/v1/profiles/{id}"), json!({"name": "Наше положение", "settings": settings})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = uo.get(&format!("/profiles/{id}")).await.text().await.unwrap();
    assert!(page.contains("наставничество молодых педагогов"), "the profile page lists the added kind");
    uo.put_json(&format!("/api/v1/municipalities/{}/profile", app.muni_a), json!({"profile_id": id})).await;
    let own: i64 = {
        let mut c = app.t.db.conn().await.unwrap();
        sqlx::query_scalar("SELECT id FROM teachers WHERE user_id = $1")
            .bind(app.a_user)
            .fetch_one(&mut *c)
            .await
            .unwrap()
    };
    let teacher = app.login("teacher").await;
    let card = teacher.get(&format!("/teachers/{own}")).await.text().await.unwrap();
    assert!(card.contains("value=\"custom:наставничество молодых педагогов\""), "offered on the card");
    teacher
        .form(&format!("/teachers/{own}/difficulties"), &[("kind", "custom:наставничество молодых педагогов")])
        .await;
    let r = teacher.form(&format!("/teachers/{own}/difficulties"), &[("kind", "custom:выдуманное")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Вид затруднения"), "a kind no list holds is refused");
    let card = teacher.get(&format!("/teachers/{own}")).await.text().await.unwrap();
    assert!(card.contains(": наставничество молодых педагогов</li>"), "{card}");
    app.stop().await;
}

/// The teacher's card lists their results of every year, with the confirmation and a link to the
/// association's results of that year; a reader who may not see the card's personal part sees none.
#[tokio::test]
async fn the_teacher_card_lists_the_teacher_s_results() {
    let app = TestApp::start().await;
    let head = app.login("mmo.head").await;
    let last = metoda_domain::teachers::AcademicYear::containing(time::OffsetDateTime::now_utc().date()).0 - 1;
    let list: Value =
        head.get(&format!("/api/v1/associations/{}/results?year={last}", app.assoc_a)).await.json().await.unwrap();
    let item = list["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["result"]["status"] == "confirmed" && i["result"]["title"].is_string())
        .unwrap_or_else(|| panic!("a confirmed result in the demo: {list}"));
    let teacher = item["result"]["teachers"][0]["teacher_id"].as_i64().unwrap();
    let title = item["result"]["title"].as_str().unwrap();
    let page = head.get(&format!("/teachers/{teacher}")).await.text().await.unwrap();
    let part = &page[page.find("id=\"teacher-results\"").expect("the results part")..];
    assert!(part.contains(title) && part.contains("подтверждён"), "{part}");
    assert!(part.contains(&format!("/associations/{}/results?year={last}", app.assoc_a)), "{part}");
    app.stop().await;
}

/// The authority's list reads its columns municipality by municipality; every row says what the
/// association's own page and API say: meetings against the minimum, the plan, missing documents.
#[tokio::test]
async fn the_list_shows_each_association_as_its_own_page_does() {
    let app = TestApp::start().await;
    let admin = app.login("admin").await;
    let list: Value = admin.get("/api/v1/associations").await.json().await.unwrap();
    let rows = list["associations"].as_array().unwrap();
    assert!(rows.len() >= 4, "{list}");
    let (mut with_compliance, mut with_missing, mut with_plan) = (0, 0, 0);
    for row in rows {
        let id = row["id"].as_i64().unwrap();
        let one: Value = admin.get(&format!("/api/v1/associations/{id}")).await.json().await.unwrap();
        let missing: Vec<&Value> = one["documents"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["present"] == false)
            .map(|d| &d["label"])
            .collect();
        let listed: Vec<&Value> = row["missing_documents"].as_array().unwrap().iter().collect();
        if row["status"] == "active" {
            assert_eq!(listed, missing, "association {id}");
        }
        with_missing += usize::from(!listed.is_empty());
        if row["compliance"].is_null() {
            continue;
        }
        with_compliance += 1;
        let cp: Value = admin.get(&format!("/api/v1/associations/{id}/compliance")).await.json().await.unwrap();
        for key in ["minimum", "valid_meetings", "planned_ahead", "days_left", "overdue_minutes"] {
            assert_eq!(row["compliance"][key], cp[key], "association {id}, {key}: {cp}");
        }
        with_plan += usize::from(row["plan_status"].is_string());
    }
    assert!(with_compliance >= 4 && with_plan >= 4, "the demo's associations have plans and meetings: {list}");
    assert!(with_missing >= 1, "some document is missing somewhere in the demo: {list}");
    app.stop().await;
}

/// Issue 12: background and long work on several app servers at once. The same import applied
/// through two servers of one database at the same moment, and two uploads of the same file
/// applied through both: each file is applied once, and no teacher is written twice.
#[tokio::test]
async fn an_import_applied_through_two_servers_at_once_is_applied_once() {
    let app = TestApp::start().await;
    let s = app.login("uo.specialist").await;
    let other = metoda_web::spawn(
        metoda_web::AppState { db: app.t.db.clone(), config: Default::default(), clock: metoda_web::Clock::system() },
        "127.0.0.1:0",
    )
    .await
    .unwrap();
    // The same session on the second server (sessions live in the database).
    let b = common::Session { c: s.c.clone(), csrf: s.csrf.clone(), base: format!("http://{}", other.addr) };
    let before = count(&app, "teachers").await;
    let csv = "ФИО;Дата рождения;ОО;Должность;Образование;Категория;Стаж\n\
               Ершова Дарья Олеговна;02.04.1991;МБОУ «Богашёвская СОШ»;учитель химии;высшее;первая;9\n\
               Жуков Олег Ильич;15.06.1983;МБОУ «Богашёвская СОШ»;учитель ОБЗР;высшее;высшая;17\n";
    let r = upload(&s, "bank.csv", csv.as_bytes().to_vec(), app.muni_a).await;
    assert_eq!(r.status(), StatusCode::OK);
    let apply = apply_path(&r.text().await.unwrap());
    let (ra, rb) = tokio::join!(s.form(&apply, &[]), b.form(&apply, &[]));
    let mut codes = [ra.status(), rb.status()];
    codes.sort();
    assert_eq!(codes, [StatusCode::SEE_OTHER, StatusCode::CONFLICT], "one applies, the other is told");
    assert_eq!(count(&app, "teachers").await, before + 2);
    // Two uploads of one file, applied through both servers at once: the teachers exist once.
    let csv2 = csv.replace("Ершова", "Зуева").replace("Жуков", "Исаев");
    let r = upload(&s, "bank2.csv", csv2.as_bytes().to_vec(), app.muni_a).await;
    let first = apply_path(&r.text().await.unwrap());
    let r = upload(&b, "bank2.csv", csv2.as_bytes().to_vec(), app.muni_a).await;
    let second = apply_path(&r.text().await.unwrap());
    assert_ne!(first, second);
    let (ra, rb) = tokio::join!(s.form(&first, &[]), b.form(&second, &[]));
    assert!(ra.status().is_redirection() || ra.status() == StatusCode::CONFLICT, "{}", ra.status());
    assert!(rb.status().is_redirection() || rb.status() == StatusCode::CONFLICT, "{}", rb.status());
    assert_eq!(count(&app, "teachers").await, before + 4, "every teacher once");
    other.handle.abort();
    app.stop().await;
}

/// Issue 12: the association page offers teachers to add by a name search, not the whole bank; a
/// name with LIKE's own characters is taken literally.
#[tokio::test]
async fn the_association_page_finds_a_teacher_to_add_by_name() {
    let app = TestApp::start().await;
    let s = app.login("uo.head").await;
    let free: Value = s.get(&format!("/api/v1/teachers/{}", app.a_free_teacher)).await.json().await.unwrap();
    let last = free["last_name"].as_str().unwrap().to_owned();
    let page = |q: String| {
        let s = &s;
        let a = app.assoc_a;
        async move { s.get(&format!("/associations/{a}?candidate={q}")).await.text().await.unwrap() }
    };
    let option = format!("<option value=\"{}\">", app.a_free_teacher);
    let found = page(percent(&last)).await;
    assert!(found.contains(&option), "the teacher is offered when searched by name");
    assert!(found.contains(&format!("value=\"{last}\"")), "the search box keeps what was typed");
    // Unescaped, "%" would match every name.
    let none = page(percent("%")).await;
    assert!(!none.contains(&option), "LIKE's own characters are taken literally");
    assert!(none.contains("Не найдено педагогов"), "{none}");
    app.stop().await;
}

fn percent(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}
