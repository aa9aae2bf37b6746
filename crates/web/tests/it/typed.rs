//! Never lose input (issue 13): every page form refused with a validation error is shown again
//! with everything the user typed, in the form that was sent, and the error at its place (inside
//! that form). Each test posts one bad field and distinctive values in the others, then reads the
//! refused page's form back: every typed value is there as an input's value, a textarea's text or
//! a chosen option. Passwords are never shown again. Runs on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use crate::versions_work::{meeting_of_today, plan_with_item};
use common::{Session, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn today() -> String {
    metoda_domain::values::iso_date(time::OffsetDateTime::now_utc().date())
}

// ---- reading a form back out of a page ----

/// One tag of a page: its name (lower case, `/form` for a closing one), attributes and where it
/// ends in the page.
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
    end: usize,
}

impl Tag {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
    fn has(&self, key: &str) -> bool {
        self.attrs.iter().any(|(k, _)| k == key)
    }
}

/// The text of an attribute or element as askama escapes it, unescaped.
fn unescape(s: &str) -> String {
    s.replace("&#34;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// The tags of `html` from `from` on (comments and text skipped; quoted attribute values may
/// hold `>`).
fn tags(html: &str) -> Vec<(usize, Tag)> {
    let b = html.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        let start = i + off;
        let mut j = start + 1;
        if html[j..].starts_with("!--") {
            i = html[j..].find("-->").map_or(b.len(), |e| j + e + 3);
            continue;
        }
        let name_start = j;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'/' || b[j] == b'!') {
            j += 1;
        }
        let name = html[name_start..j].to_ascii_lowercase();
        let mut attrs = vec![];
        loop {
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                break;
            }
            if b[j] == b'/' {
                j += 1;
                continue;
            }
            let k0 = j;
            while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'=' && b[j] != b'>' {
                j += 1;
            }
            let key = html[k0..j].to_ascii_lowercase();
            let mut value = String::new();
            if j < b.len() && b[j] == b'=' {
                j += 1;
                if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                    let q = b[j];
                    let v0 = j + 1;
                    j = v0;
                    while j < b.len() && b[j] != q {
                        j += 1;
                    }
                    value = unescape(&html[v0..j.min(b.len())]);
                    j += 1;
                } else {
                    let v0 = j;
                    while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                        j += 1;
                    }
                    value = unescape(&html[v0..j]);
                }
            }
            attrs.push((key, value));
        }
        let end = (j + 1).min(b.len());
        if !name.is_empty() {
            out.push((start, Tag { name, attrs, end }));
        }
        i = end;
    }
    out
}

/// The page's forms that post to `action` (each its HTML, up to its `</form>`).
fn forms<'a>(html: &'a str, action: &str) -> Vec<&'a str> {
    let mut out = vec![];
    for (start, t) in tags(html) {
        if t.name == "form" && t.attr("action") == Some(action) && t.attr("method") == Some("post") {
            let close = html[t.end..].find("</form>").map_or(html.len(), |e| t.end + e + "</form>".len());
            out.push(&html[start..close]);
        }
    }
    out
}

/// The page's form that posts to `action`: the only one, or the one holding `marker` when a page
/// has one such form per row.
fn form<'a>(html: &'a str, action: &str) -> &'a str {
    form_with(html, action, "")
}

fn form_with<'a>(html: &'a str, action: &str, marker: &str) -> &'a str {
    let all = forms(html, action);
    all.into_iter().find(|f| f.contains(marker)).unwrap_or_else(|| panic!("no form posts to {action}:\n{html}"))
}

/// What a form shows for the field `name`: the value of a text input, of each checked radio or
/// checkbox, of each selected option of a select, the text of a textarea.
fn shown(form: &str, name: &str) -> Vec<String> {
    let all = tags(form);
    let mut out = vec![];
    let mut k = 0;
    while k < all.len() {
        let (_, t) = &all[k];
        if t.attr("name") == Some(name) {
            match t.name.as_str() {
                "input" => {
                    let kind = t.attr("type").unwrap_or("text");
                    if !matches!(kind, "radio" | "checkbox") || t.has("checked") {
                        out.push(t.attr("value").unwrap_or("").to_owned());
                    }
                }
                "textarea" => {
                    let close = form[t.end..].find("</textarea>").map_or(form.len(), |e| t.end + e);
                    let text = &form[t.end..close];
                    out.push(unescape(text.strip_prefix('\n').unwrap_or(text)));
                }
                "select" => {
                    k += 1;
                    while k < all.len() && all[k].1.name != "/select" {
                        let o = &all[k].1;
                        if o.name == "option" && o.has("selected") {
                            out.push(o.attr("value").unwrap_or("").to_owned());
                        }
                        k += 1;
                    }
                }
                _ => {}
            }
        }
        k += 1;
    }
    out
}

/// The refused page: `status` (422 unless said), the message inside the form that was sent (at
/// the place of the error), every typed value but those of `skip` back in that form.
async fn refused(
    s: &Session,
    path: &str,
    action: &str,
    typed: &[(&str, &str)],
    skip: &[&str],
    message: &str,
) -> String {
    refused_with(s, path, action, typed, skip, message, StatusCode::UNPROCESSABLE_ENTITY).await
}

async fn refused_with(
    s: &Session,
    path: &str,
    action: &str,
    typed: &[(&str, &str)],
    skip: &[&str],
    message: &str,
    status: StatusCode,
) -> String {
    let r = s.form(path, typed).await;
    let got = r.status();
    let html = r.text().await.unwrap();
    assert_eq!(got, status, "{path}:\n{html}");
    check(&html, action, typed, skip, message);
    html
}

/// The message in the form posting to `action`, and every typed value there.
fn check(html: &str, action: &str, typed: &[(&str, &str)], skip: &[&str], message: &str) {
    let f = form(html, action);
    assert!(f.contains(message), "«{message}» is not at its form {action}:\n{f}\n---page---\n{html}");
    for (k, v) in typed {
        if skip.contains(k) || v.is_empty() {
            continue;
        }
        let values = shown(f, k);
        assert!(values.iter().any(|x| x == v), "{action}: {k} = «{v}» lost (the form shows {values:?}):\n{f}");
    }
}

async fn one(app: &TestApp, sql: &str, bind: i64) -> i64 {
    let mut c = app.t.db.conn().await.unwrap();
    sqlx::query_scalar(sql).bind(bind).fetch_one(&mut *c).await.unwrap()
}

/// Members of an association (teacher ids), by id.
async fn members(app: &TestApp, association: i64) -> Vec<i64> {
    let mut c = app.t.db.conn().await.unwrap();
    sqlx::query_scalar(
        "SELECT teacher_id FROM association_members WHERE association_id = $1 AND left_on IS NULL ORDER BY teacher_id",
    )
    .bind(association)
    .fetch_all(&mut *c)
    .await
    .unwrap()
}

async fn user_id(app: &TestApp, login: &str) -> i64 {
    let mut c = app.t.db.conn().await.unwrap();
    sqlx::query_scalar("SELECT id FROM users WHERE login = $1").bind(login).fetch_one(&mut *c).await.unwrap()
}

/// A held meeting of today (everyone present) with one agenda item; its id and the item's.
async fn held_meeting(app: &TestApp, head: &Session) -> (i64, i64) {
    let id = meeting_of_today(app, head).await;
    crate::meetings::all_present(head, id).await;
    let r = head.post_json(&format!("/api/v1/meetings/{id}/agenda"), json!({"topic": "О плане работы"})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let item = r.json::<Value>().await.unwrap()["agenda"][0]["id"].as_i64().unwrap();
    (id, item)
}

// ---- the teacher bank ----

#[tokio::test]
async fn the_teacher_forms_keep_what_was_typed() {
    let app = TestApp::start().await;
    let s = app.login("uo.specialist").await;
    let (org2, muni) = (app.org_a2.to_string(), app.muni_a.to_string());
    let card = [
        ("first_name", "Уникальное-Имя-42"),
        ("middle_name", "Уникальное-Отчество-42"),
        ("birth_date", "1990-05-01"),
        ("organization_id", org2.as_str()),
        ("position", "Уникальная-должность-42"),
        ("subjects", "Уникальные-предметы-42"),
        ("education", "vocational"),
        ("edu_institution", "Уникальный-колледж-42"),
        ("edu_specialty", "Уникальная-специальность-42"),
        ("edu_year", "2011"),
        ("category", "first"),
        ("category_assigned_on", "2020-03-01"),
        ("category_expires_on", "2030-03-01"),
        ("experience_start", "2012-09-01"),
        ("young_specialist", "true"),
        ("phone", "+7 999 000-42-42"),
        ("municipality_id", muni.as_str()),
    ];
    // A new teacher without a surname.
    let mut typed = vec![("last_name", "")];
    typed.extend_from_slice(&card);
    typed.push(("email", "уникальная@example.org"));
    typed.push(("consent_on", "2026-01-15"));
    refused(&s, "/teachers", "/teachers", &typed, &[], "Фамилия: поле обязательно для заполнения").await;
    // The card of A's teacher with a bad address.
    let path = format!("/teachers/{}", app.a_teacher);
    let mut typed = vec![("last_name", "Уникальная-Фамилия-42"), ("email", "не-почта")];
    typed.extend_from_slice(&card);
    refused(&s, &path, &path, &typed, &[], "Электронная почта: укажите адрес").await;
    app.stop().await;
}

#[tokio::test]
async fn the_teacher_year_forms_keep_what_was_typed() {
    let app = TestApp::start().await;
    let s = app.login("uo.specialist").await;
    let t = app.a_teacher;
    // Topic: too long is refused; what was typed stays.
    let long = "Тема-42 ".repeat(70);
    let at = format!("/teachers/{t}/topic");
    refused(&s, &at, &at, &[("topic", long.trim_end())], &[], "не длиннее 500 символов").await;
    // A course that has not ended yet.
    let at = format!("/teachers/{t}/courses");
    let typed = [
        ("kind", "retraining"),
        ("title", "Уникальный-курс-42"),
        ("provider", "Уникальный-институт-42"),
        ("hours", "72"),
        ("start_on", "2026-01-10"),
        ("end_on", "2099-01-01"),
        ("certificate", "Удостоверение-42"),
    ];
    let html = refused(&s, &at, &at, &typed, &[], "курс ещё не завершён").await;
    assert!(html.contains("action=\"/teachers/"), "the card comes back");
    // A difficulty of a kind no list holds: the note stays.
    let at = format!("/teachers/{t}/difficulties");
    refused(
        &s,
        &at,
        &at,
        &[("kind", "custom:выдуманное"), ("note", "Уникальное-пояснение-42")],
        &["kind"],
        "Вид затруднения",
    )
    .await;
    // A further place of work without the position: the organization stays chosen.
    let at = format!("/teachers/{t}/positions");
    let org2 = app.org_a2.to_string();
    refused(&s, &at, &at, &[("organization_id", &org2), ("position", "")], &[], "Должность: поле обязательно").await;
    // The teacher's own card (no edit form of the record): the topic form comes back there too.
    let own = common::teacher_of_account(&app, app.a_user).await;
    let teacher = app.login("teacher").await;
    let at = format!("/teachers/{own}/courses");
    let html = refused(&teacher, &at, &at, &typed, &[], "курс ещё не завершён").await;
    assert!(!html.contains(&format!("action=\"/teachers/{own}\"")), "the teacher does not edit the record");
    app.stop().await;
}

// ---- orders ----

#[tokio::test]
async fn the_order_form_keeps_each_kind_s_fields() {
    let app = TestApp::start().await;
    let s = app.login("uo.specialist").await;
    let (muni, assoc) = (app.muni_a.to_string(), app.assoc_a.to_string());
    let (head, member) = (app.a_teacher.to_string(), app.a_free_teacher.to_string());
    let curator = user_id(&app, "uo.specialist").await.to_string();
    for kind in [
        "create_association",
        "reorganize_association",
        "liquidate_association",
        "appoint_officer",
        "approve_composition",
        "approve_plan",
        "other",
    ] {
        let typed = [
            ("municipality_id", muni.as_str()),
            ("kind", kind),
            ("number", "№ плохой!"),
            ("date", "2025-09-01"),
            ("title", "Уникальный-заголовок-42"),
            ("body", "Уникальный-пункт-1\nУникальный-пункт-2"),
            ("signed_by", "Уникальный-подписант-42"),
            ("association_id", assoc.as_str()),
            ("name", "Уникальное-объединение-42"),
            ("direction", "Уникальное-направление-42"),
            ("description", "Уникальное-описание-42"),
            ("head_teacher_id", head.as_str()),
            ("member_ids", head.as_str()),
            ("member_ids", member.as_str()),
            ("officer_role", "deputy"),
            ("officer_teacher_id", member.as_str()),
            ("officer_user_id", curator.as_str()),
        ];
        refused(&s, "/orders", "/orders", &typed, &[], "Номер приказа").await;
    }
    app.stop().await;
}

// ---- meetings ----

#[tokio::test]
async fn the_meeting_forms_keep_what_was_typed() {
    let app = TestApp::start().await;
    let head = app.login("mmo.head").await;
    let ms = members(&app, app.assoc_a).await;
    let (chair, secretary) = (ms[0].to_string(), ms[1].to_string());
    let org2 = app.org_a2.to_string();
    let details = |held_on: &'static str| {
        vec![
            ("held_on", held_on),
            ("starts_at", "16:45"),
            ("venue_organization_id", org2.as_str()),
            ("place_note", "Уникальный-кабинет-42"),
            ("online_url", "ftp://не-ссылка"),
            ("chair_teacher_id", chair.as_str()),
            ("secretary_teacher_id", secretary.as_str()),
        ]
    };
    // Planning.
    let at = format!("/associations/{}/meetings", app.assoc_a);
    let t = today();
    let mut typed = details("");
    typed[0].1 = &t;
    refused(&head, &at, &at, &typed, &[], "https://").await;
    // Editing a planned meeting's details.
    let id = meeting_of_today(&app, &head).await;
    let at = format!("/meetings/{id}");
    refused(&head, &at, &at, &typed, &[], "https://").await;
    // A guest without a name.
    let at = format!("/meetings/{id}/guests");
    refused(&head, &at, &at, &[("name", ""), ("position", "Уникальная-должность-гостя-42")], &[], "Приглашённый").await;
    // Cancelling without a reason.
    let at = format!("/meetings/{id}/cancel");
    refused(&head, &at, &at, &[("reason", "  ")], &["reason"], "Причина отмены").await;
    // A task without a title: the item, owner and date stay.
    let (held, item) = held_meeting(&app, &head).await;
    let at = format!("/meetings/{held}/actions");
    let item = item.to_string();
    let typed = [
        ("title", ""),
        ("agenda_id", item.as_str()),
        ("owner_teacher_id", secretary.as_str()),
        ("due_on", "2031-05-20"),
    ];
    refused(&head, &at, &at, &typed, &[], "Поручение: поле обязательно").await;
    // A held meeting is not cancelled: the reason typed stays.
    let at = format!("/meetings/{held}/cancel");
    refused_with(
        &head,
        &at,
        &at,
        &[("reason", "Уникальная-причина-42")],
        &[],
        "отменить его нельзя",
        StatusCode::CONFLICT,
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn an_addendum_too_long_is_kept() {
    let app = TestApp::start().await;
    let head = app.login("mmo.head").await;
    let signed =
        one(&app, "SELECT MIN(meeting_id) FROM minutes WHERE association_id = $1 AND status = 'signed'", app.assoc_a)
            .await;
    let at = format!("/meetings/{signed}/addenda");
    let long = "Дополнение-42 ".repeat(400);
    refused(&head, &at, &at, &[("text", long.trim_end())], &[], "не длиннее 5000 символов").await;
    app.stop().await;
}

// ---- plans and the cyclogram ----

#[tokio::test]
async fn the_plan_forms_keep_what_was_typed() {
    let app = TestApp::start().await;
    let head = app.login("mmo.head").await;
    // A new plan: a way to fill it that does not exist; the year chosen stays.
    let page = format!("/associations/{}", app.assoc_a);
    let html = head.get(&page).await.text().await.unwrap();
    let at = format!("/associations/{}/plans", app.assoc_a);
    let years: Vec<String> = tags(form(&html, &at))
        .into_iter()
        .filter(|(_, t)| t.name == "option")
        .map(|(_, t)| t.attr("value").unwrap().to_owned())
        .collect();
    let year = years.last().unwrap().clone();
    refused(&head, &at, &at, &[("year", &year), ("prefill", "выдуманное")], &["prefill"], "Заполнение").await;
    let (plan, item) = plan_with_item(&app, &head).await;
    let item = item["id"].as_i64().unwrap();
    // An item without a title.
    let org2 = app.org_a2.to_string();
    let fields = |title: &'static str| {
        vec![
            ("title", title),
            ("direction", "informational"),
            ("form", "seminar"),
            ("planned_month", "12"),
            ("responsible", "Уникальные-ответственные-42"),
            ("venue_organization_id", org2.as_str()),
            ("audience", "Уникальные-участники-42"),
            ("expected_result", "Уникальный-результат-42"),
        ]
    };
    let at = format!("/plans/{plan}/items");
    refused(&head, &at, &at, &fields(""), &[], "поле обязательно").await;
    let at = format!("/plans/{plan}/items/{item}");
    refused(&head, &at, &at, &fields(""), &[], "поле обязательно").await;
    // Execution moved without a date: the reason stays.
    let at = format!("/plans/{plan}/items/{item}/status");
    refused(
        &head,
        &at,
        &at,
        &[("status", "moved"), ("moved_to", ""), ("reason", "Уникальная-причина-переноса-42")],
        &[],
        "Новый срок",
    )
    .await;
    // The next step with a step that does not exist: the note stays.
    let at = format!("/plans/{plan}/steps");
    refused(
        &head,
        &at,
        &at,
        &[("step", "выдуманный"), ("note", "Уникальное-примечание-42")],
        &["step"],
        "Шаг утверждения",
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn the_cyclogram_forms_keep_what_was_typed() {
    let app = TestApp::start().await;
    let head = app.login("mmo.head").await;
    let a = app.assoc_a;
    let r = head
        .post_json(
            &format!("/api/v1/associations/{a}/cyclogram"),
            json!({"month": "3", "title": "Цикл", "direction": "informational", "form": "webinar"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let row = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let typed = [
        ("month", "4"),
        ("title", ""),
        ("direction", "analytical"),
        ("form", "meeting"),
        ("responsible", "Уникальные-ответственные-42"),
        ("note", "Уникальное-примечание-42"),
    ];
    let at = format!("/associations/{a}/cyclogram");
    refused(&head, &at, &at, &typed, &[], "поле обязательно").await;
    let at = format!("/associations/{a}/cyclogram/{row}");
    refused(&head, &at, &at, &typed, &[], "поле обязательно").await;
    app.stop().await;
}

// ---- results ----

#[tokio::test]
async fn the_results_forms_keep_what_was_typed() {
    let app = TestApp::start().await;
    let head = app.login("mmo.head").await;
    let a = app.assoc_a;
    let ms = members(&app, a).await;
    let (t1, t2) = (ms[0].to_string(), ms[1].to_string());
    let org2 = app.org_a2.to_string();
    let t = today();
    let student = |title: &'static str| {
        vec![
            ("event", "olympiad"),
            ("title", title),
            ("subject", "Уникальный-предмет-42"),
            ("level", "municipal"),
            ("placement", "prize_winner"),
            ("format", "in_person"),
            ("student_code", "Код-42"),
            ("grade", "9Б"),
            ("student_organization_id", org2.as_str()),
            ("teacher_ids", t1.as_str()),
            ("teacher_ids", t2.as_str()),
        ]
    };
    let mut typed = student("");
    typed.push(("on", &t));
    let at = format!("/associations/{a}/results/student");
    refused(&head, &at, &at, &typed, &[], "поле обязательно").await;
    let at = format!("/associations/{a}/results/exam");
    let typed = [
        ("teacher_id", t1.as_str()),
        ("subject", "russian"),
        ("score", "101"),
        ("student_code", "Код-ЕГЭ-42"),
        ("on", &t),
    ];
    refused(&head, &at, &at, &typed, &[], "Балл").await;
    let at = format!("/associations/{a}/results/teacher");
    let typed = [
        ("kind", "publication"),
        ("title", "Уникальная-статья-42"),
        ("level", "regional"),
        ("form", "seminar"),
        ("outlet", "Уникальный-сборник-42"),
        ("url", "ftp://не-ссылка"),
        ("teacher_ids", t1.as_str()),
        ("on", &t),
    ];
    refused(&head, &at, &at, &typed, &[], "https://").await;
    // A result of its own, edited with the title cleared.
    let mut ok = student("Уникальная-олимпиада-42");
    ok.push(("on", &t));
    let r = head.form(&format!("/associations/{a}/results/student"), &ok).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let rid = one(&app, "SELECT MAX(id) FROM results WHERE municipality_id = $1", app.muni_a).await;
    let at = format!("/associations/{a}/results/{rid}/edit");
    let mut typed = student("");
    typed.push(("on", &t));
    refused(&head, &at, &at, &typed, &[], "поле обязательно").await;
    app.stop().await;
}

#[tokio::test]
async fn the_curators_forms_keep_what_was_typed() {
    let app = TestApp::start().await;
    let s = app.login("uo.specialist").await;
    let m = app.muni_a;
    // A threshold where the high score is below the minimum.
    let at = format!("/municipalities/{m}/exam-thresholds");
    let r = s.form(&at, &[("subject", "physics"), ("minimum", "47"), ("high", "33")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let row = form_with(&html, &at, "value=\"physics\"");
    assert!(row.contains("Высокий балл"), "{row}");
    assert_eq!((shown(row, "minimum"), shown(row, "high")), (vec!["47".to_owned()], vec!["33".to_owned()]));
    // A non-objective organization without a subject… or without the organization: the subject stays.
    let at = format!("/municipalities/{m}/non-objective");
    let year = metoda_domain::teachers::AcademicYear::containing(time::OffsetDateTime::now_utc().date()).0.to_string();
    refused(&s, &at, &at, &[("year", &year), ("organization_id", ""), ("subject", "russian")], &[], "Организация")
        .await;
    // A confirmation refused (no scan): the comment stays at its result.
    let head = app.login("mmo.head").await;
    let t1 = members(&app, app.assoc_a).await[0].to_string();
    let t = today();
    let r = head
        .form(
            &format!("/associations/{}/results/exam", app.assoc_a),
            &[("teacher_id", t1.as_str()), ("subject", "russian"), ("score", "77"), ("on", &t)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let rid = one(&app, "SELECT MAX(id) FROM results WHERE municipality_id = $1", m).await;
    let path = format!("/results/{rid}/confirm");
    let r = s.form(&path, &[("comment", "Уникальный-комментарий-42")]).await;
    let status = r.status();
    let html = r.text().await.unwrap();
    assert!(status == StatusCode::UNPROCESSABLE_ENTITY || status == StatusCode::CONFLICT, "{status}: {html}");
    check(&html, &path, &[("comment", "Уникальный-комментарий-42")], &[], "скан");
    app.stop().await;
}

#[tokio::test]
async fn removing_a_confirmed_result_keeps_the_reason() {
    let app = TestApp::start().await;
    let head = app.login("mmo.head").await;
    let spec = app.login("uo.specialist").await;
    let a = app.assoc_a;
    let t1 = members(&app, a).await[0].to_string();
    let t = today();
    let r = head
        .form(
            &format!("/associations/{a}/results/exam"),
            &[("teacher_id", t1.as_str()), ("subject", "russian"), ("score", "77"), ("on", &t)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let rid = one(&app, "SELECT MAX(id) FROM results WHERE municipality_id = $1", app.muni_a).await;
    let part = reqwest::multipart::Part::bytes(b"%PDF-1.4 scan".to_vec()).file_name("scan.pdf");
    let form = reqwest::multipart::Form::new().text("_csrf", head.csrf.clone()).part("file", part);
    let r =
        head.c.post(head.url(&format!("/associations/{a}/results/{rid}/scan"))).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(spec.form(&format!("/results/{rid}/confirm"), &[("comment", "")]).await.status(), StatusCode::SEE_OTHER);
    let version = one(&app, "SELECT version FROM results WHERE id = $1", rid).await.to_string();
    let at = format!("/associations/{a}/results/{rid}/archive");
    let long = "Причина-42 ".repeat(100);
    refused(&head, &at, &at, &[("version", &version), ("reason", long.trim_end())], &[], "не длиннее 1000 символов")
        .await;
    app.stop().await;
}

// ---- profiles ----

#[tokio::test]
async fn the_profile_forms_keep_what_was_typed() {
    let app = TestApp::start().await;
    let s = app.login("uo.specialist").await;
    let preset =
        one(&app, "SELECT MIN(id) FROM regulation_profiles WHERE municipality_id IS NULL AND id > $1", 0).await;
    // A copy without a municipality: the name stays.
    let at = format!("/profiles/{preset}/copy");
    refused(&s, &at, &at, &[("municipality_id", ""), ("name", "Уникальная-копия-42")], &[], "Муниципалитет").await;
    // The copy's settings with a number out of range: everything else stays.
    let muni = app.muni_a.to_string();
    let r = s.form(&at, &[("municipality_id", &muni), ("name", "Своя копия")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let own: i64 = r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/profiles/")
        .trim_end_matches("/edit")
        .parse()
        .unwrap();
    let mut c = app.t.db.conn().await.unwrap();
    let p = metoda_store::profiles::get(&mut c, own).await.unwrap();
    drop(c);
    let mut pairs = common::profile_form(&p.settings().unwrap(), "Уникальное-название-42");
    let number = p
        .settings()
        .unwrap()
        .form_fields()
        .into_iter()
        .find(|f| matches!(f.kind, metoda_domain::profile::FieldKind::Number { .. }))
        .unwrap()
        .key;
    for (k, v) in &mut pairs {
        if k == number {
            *v = "100000".into();
        } else if k.ends_with("_clause") && v.is_empty() {
            *v = "п. 42".into();
        }
    }
    let typed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let at = format!("/profiles/{own}/edit");
    refused(&s, &at, &at, &typed, &[], "введите целое число от").await;
    app.stop().await;
}

// ---- accounts ----

#[tokio::test]
async fn the_account_forms_keep_what_was_typed_and_never_a_password() {
    let app = TestApp::start().await;
    let s = app.login("uo.specialist").await;
    let scope = format!("association:{}", app.assoc_a);
    let typed = [
        ("full_name", "Уникальный-Пользователь-42"),
        ("login", "плохой логин"),
        ("email", "unique42@example.org"),
        ("password", "Секретный-пароль-42"),
        ("role", "member_teacher"),
        ("scope", scope.as_str()),
    ];
    let html = refused(&s, "/users", "/users", &typed, &["password"], "Логин").await;
    assert!(!html.contains("Секретный-пароль-42"), "a password is never shown again");
    // The administrator, whose list offers no association until a municipality is chosen: the
    // association typed stays chosen.
    let admin = app.login("admin").await;
    let typed = [
        ("full_name", "Уникальный-Пользователь-42"),
        ("login", "u.typed42"),
        ("email", "не-почта"),
        ("password", "Секретный-пароль-42"),
        ("role", "member_teacher"),
        ("scope", scope.as_str()),
    ];
    let html = refused(&admin, "/users", "/users", &typed, &["password"], "Электронная почта").await;
    assert!(!html.contains("Секретный-пароль-42"));
    // An account's card.
    let target = user_id(&app, "mmo.secretary").await;
    let at = format!("/users/{target}");
    refused(&admin, &at, &at, &[("full_name", "Уникальное-ФИО-42"), ("email", "не-почта")], &[], "Электронная почта")
        .await;
    // A role of the wrong scope's kind: the role and the scope chosen stay.
    let at = format!("/users/{target}/grants");
    let org = format!("organization:{}", app.org_a);
    refused(&admin, &at, &at, &[("role", "member_teacher"), ("scope", &org)], &[], "назначается в области").await;
    // A password set for the account: refused, not shown again.
    let at = format!("/users/{target}/password");
    let html = refused(&admin, &at, &at, &[("password", "12345678901")], &["password"], "только из цифр").await;
    assert!(!html.contains("12345678901"));
    // One's own password: refused, none shown again.
    let typed = [("current", "Неверный-текущий-42"), ("new", "Новый-секрет-4242"), ("repeat", "Новый-секрет-4243")];
    let html = refused(&s, "/password", "/password", &typed, &["current", "new", "repeat"], "Текущий пароль").await;
    for (_, secret) in typed {
        assert!(!html.contains(secret), "a password is never shown again");
    }
    // Signing in: the login stays, the password does not.
    let (_, r) = app.login_form("uo.specialist", "Неверный-пароль-42").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let html = r.text().await.unwrap();
    assert!(shown(form(&html, "/login"), "login").contains(&"uo.specialist".to_owned()));
    assert!(!html.contains("Неверный-пароль-42"));
    // An API token's name too long stays.
    let long = "Токен-42 ".repeat(20);
    refused(&s, "/tokens", "/tokens", &[("name", long.trim_end())], &[], "от 1 до 100 символов").await;
    app.stop().await;
}

#[tokio::test]
async fn settings_refused_come_back_at_their_form() {
    let app = TestApp::start().await;
    let s = app.login("teacher").await;
    refused(
        &s,
        "/notifications/settings",
        "/notifications/settings",
        &[("email_mode", "weekly")],
        &["email_mode"],
        "Выберите",
    )
    .await;
    refused(&s, "/calendar", "/calendar", &[("association_id", "999999")], &["association_id"], "своего объединения")
        .await;
    app.stop().await;
}

// ---- the directory ----

#[tokio::test]
async fn the_directory_forms_keep_what_was_typed() {
    let app = TestApp::start().await;
    let admin = app.login("admin").await;
    let region = app.region.to_string();
    refused(&admin, "/regions", "/regions", &[("name", ""), ("code", "К42")], &[], "Название региона").await;
    let at = format!("/regions/{region}");
    refused(&admin, &at, &at, &[("name", ""), ("code", "К42")], &[], "Название региона").await;
    let op = app.login("operator").await;
    let typed = [
        ("region_id", region.as_str()),
        ("name", ""),
        ("authority_name", "Уникальный-орган-42"),
        ("utc_offset_minutes", "420"),
    ];
    refused(&op, "/municipalities", "/municipalities", &typed, &[], "поле обязательно").await;
    let at = format!("/municipalities/{}", app.muni_a);
    refused(&op, &at, &at, &typed[1..], &[], "поле обязательно").await;
    let spec = app.login("uo.specialist").await;
    let muni = app.muni_a.to_string();
    let typed = [
        ("municipality_id", muni.as_str()),
        ("full_name", "Уникальная-школа-42"),
        ("short_name", "Уникальная-42"),
        ("kind", "kindergarten"),
        ("address", "Уникальный-адрес-42"),
        ("head_name", "Уникальный-директор-42"),
        ("phone", "+7 999 000-42-42"),
        ("email", "не-почта"),
        ("website", "https://example.org/42"),
    ];
    refused(&spec, "/organizations", "/organizations", &typed, &[], "Электронная почта").await;
    let at = format!("/organizations/{}", app.org_a2);
    refused(&spec, &at, &at, &typed[1..], &[], "Электронная почта").await;
    app.stop().await;
}

/// A file refused: the municipality chosen for it stays chosen (the file itself a browser cannot
/// be given back).
#[tokio::test]
async fn a_refused_import_keeps_its_municipality() {
    let app = TestApp::start().await;
    let admin = app.login("admin").await;
    let muni = app.muni_b.to_string();
    let sent = reqwest::multipart::Form::new().text("_csrf", admin.csrf.clone()).text("municipality_id", muni.clone());
    let r = admin.c.post(admin.url("/teachers/import")).multipart(sent).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("Выберите файл"), "{html}");
    assert_eq!(shown(form(&html, "/teachers/import"), "municipality_id"), vec![muni]);
    app.stop().await;
}

// ---- the association page ----

#[tokio::test]
async fn the_association_forms_keep_what_was_typed() {
    let app = TestApp::start().await;
    let s = app.login("uo.specialist").await;
    let a = app.assoc_a;
    // The details.
    let at = format!("/associations/{a}");
    refused(
        &s,
        &at,
        &at,
        &[("description", "Уникальное-описание-42"), ("social_url", "ftp://не-ссылка")],
        &[],
        "https://",
    )
    .await;
    // A member added from a date out of range: the teacher stays chosen.
    let at = format!("/associations/{a}/members");
    let free = app.a_free_teacher.to_string();
    refused(&s, &at, &at, &[("teacher_id", &free), ("joined_on", "1800-01-01")], &[], "Дата включения").await;
    // A member removed on a date out of range: the date stays in that member's form.
    let member = members(&app, a).await[2];
    let at = format!("/associations/{a}/members/{member}/remove");
    refused(&s, &at, &at, &[("left_on", "1800-01-01")], &[], "Дата выхода").await;
    // A document with a bad link: its kind and title stay.
    let at = format!("/associations/{a}/documents");
    let form_ = reqwest::multipart::Form::new()
        .text("_csrf", s.csrf.clone())
        .text("kind", "minutes")
        .text("title", "Уникальный-документ-42")
        .text("url", "ftp://не-ссылка");
    let r = s.c.post(s.url(&at)).multipart(form_).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    check(
        &html,
        &at,
        &[("kind", "minutes"), ("title", "Уникальный-документ-42"), ("url", "ftp://не-ссылка")],
        &[],
        "https://",
    );
    // A subgroup without a name (Асиновский район's profile has them; the administrator).
    let admin = app.login("admin").await;
    let c = app.assoc_c;
    let head = members(&app, c).await[0].to_string();
    let at = format!("/associations/{c}/subgroups");
    refused(
        &admin,
        &at,
        &at,
        &[("kind", "section"), ("name", ""), ("head_teacher_id", &head)],
        &[],
        "Название подразделения",
    )
    .await;
    // A subgroup's member not chosen: the reason at that subgroup's form.
    let sg = one(&app, "SELECT MIN(id) FROM association_subgroups WHERE association_id = $1", c).await;
    let at = format!("/associations/{c}/subgroups/{sg}/members");
    refused(&admin, &at, &at, &[("teacher_id", "")], &[], "Педагог: выберите члена объединения").await;
    app.stop().await;
}

#[tokio::test]
async fn an_analysis_decision_refused_comes_back_at_its_form() {
    let app = TestApp::start().await;
    let a = app.assoc_a;
    let head = app.login("mmo.head").await;
    let r = head.post_json(&format!("/api/v1/associations/{a}/analysis/1990/submit"), json!({})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let s = app.login("uo.head").await;
    let at = format!("/associations/{a}/analysis/1990/decision");
    let r = s.form(&at, &[("accept", "0"), ("comment", "  ")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert_eq!(forms(&html, &at).len(), 2, "both decision forms are back");
    let back = form_with(&html, &at, "name=\"comment\"");
    assert!(back.contains("без комментария анализ не возвращают"), "{back}");
    app.stop().await;
}
