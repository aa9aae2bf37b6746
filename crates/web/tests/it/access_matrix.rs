//! Every route × every role: who may, who may not, and that nobody of municipality A ever gets
//! data of municipality B (or the reverse). Runs on SQLite and PostgreSQL like every test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use metoda_domain::ids::*;

use std::collections::HashMap;

use common::{Session, TestApp};
use metoda_domain::access::{Place, Role};
use metoda_domain::directory::UserInput;
use metoda_domain::profile::{ProfileSettings, Signatory, preset};
use metoda_store::{Actor, profiles, users};
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// An attendance file of a past day of A's association that has no meeting yet, with every
/// member of the day present (each role that may load one gets a day of its own).
async fn past_attendance(app: &TestApp, skip: usize) -> String {
    let (on, names) = common::past_day_with_members(app, app.assoc_a, skip).await;
    let rows: Vec<String> = names.iter().map(|n| format!("{on};{n};присутствует")).collect();
    format!("Дата заседания;Учитель;Явка\n{}\n", rows.join("\n"))
}

/// Who signs in for the matrix; "" is the anonymous visitor.
const ROLES: &[&str] = &[
    "",
    "admin",
    "operator",
    "uo.head",
    "uo.specialist",
    "cabinet.head",
    "mmo.head",
    "mmo.deputy",
    "mmo.secretary",
    "teacher",
    "org.admin",
    "b.specialist",
    "b.head",
    "b.teacher",
    "b.orgadmin",
];

const A_ALL: &[&str] = &[
    "admin",
    "operator",
    "uo.head",
    "uo.specialist",
    "cabinet.head",
    "mmo.head",
    "mmo.deputy",
    "mmo.secretary",
    "teacher",
    "org.admin",
];
const B_ALL: &[&str] = &["admin", "operator", "b.specialist", "b.head", "b.teacher", "b.orgadmin"];
const SIGNED_IN: &[&str] = common::LOGINS;
const A_MANAGERS: &[&str] = &["admin", "uo.head", "uo.specialist"];
/// Who manages an account of A holding a member teacher's and an organization administrator's
/// roles: whoever holds every right of both there (not the region operator, who reads no
/// personal data).
const A_USER_MANAGERS: &[&str] = &["admin", "uo.head", "uo.specialist"];
const B_USER_MANAGERS: &[&str] = &["admin", "b.specialist", "b.head"];
/// Who gives A's roles of office (the authority's head, the cabinet head, an association's
/// officers): A's authority head, who appoints to them, and the administrator.
const A_APPOINTERS: &[&str] = &["admin", "uo.head"];
const REGION_MANAGERS: &[&str] = &["admin", "operator"];
/// Those who oversee municipality A's associations (the control of the associations).
const A_OVERSEERS: &[&str] = &["admin", "operator", "uo.head", "uo.specialist", "cabinet.head"];
const ADMIN: &[&str] = &["admin"];
/// Everyone whose grants let them list teachers (the region operator sums up, it does not list people).
const BANK: &[&str] = &[
    "admin",
    "uo.head",
    "uo.specialist",
    "cabinet.head",
    "mmo.head",
    "mmo.deputy",
    "mmo.secretary",
    "teacher",
    "org.admin",
    "b.specialist",
    "b.head",
    "b.teacher",
    "b.orgadmin",
];
const TEACHER_CREATORS: &[&str] = &[
    "admin",
    "uo.head",
    "uo.specialist",
    "mmo.head",
    "mmo.deputy",
    "org.admin",
    "b.specialist",
    "b.head",
    "b.orgadmin",
];
const A_TEACHER_CREATORS: &[&str] = &["admin", "uo.head", "uo.specialist", "mmo.head", "mmo.deputy", "org.admin"];
/// A's head teacher works at org_a (org.admin's) and heads A's association.
const A_TEACHER_READERS: &[&str] = &[
    "admin",
    "uo.head",
    "uo.specialist",
    "cabinet.head",
    "mmo.head",
    "mmo.deputy",
    "mmo.secretary",
    "teacher",
    "org.admin",
];
const A_TEACHER_EDITORS: &[&str] = &["admin", "uo.head", "uo.specialist", "mmo.head", "mmo.deputy", "org.admin"];
const A_TEACHER_ARCHIVERS: &[&str] = &["admin", "uo.head", "uo.specialist", "org.admin"];
const B_TEACHER_READERS: &[&str] = &["admin", "b.specialist", "b.head", "b.teacher", "b.orgadmin"];
/// Who sees the personal part of A's head teacher's card, and with it the per-year part (topics,
/// courses, difficulties, places of work): not a member colleague, not the secretary.
const A_TEACHER_PERSONAL: &[&str] =
    &["admin", "uo.head", "uo.specialist", "cabinet.head", "mmo.head", "mmo.deputy", "org.admin"];
const B_TEACHER_PERSONAL: &[&str] = &["admin", "b.specialist", "b.head", "b.orgadmin"];
/// Who agrees the topic of A's teacher account: the head and deputy of its association, A's
/// authority and cabinet head — never the teacher themself.
const OWNER_TOPIC_AGREERS: &[&str] = &["admin", "uo.head", "uo.specialist", "cabinet.head", "mmo.head", "mmo.deputy"];
const A_ASSOC_EDITORS: &[&str] = &["admin", "uo.head", "uo.specialist", "mmo.head"];
const B_MANAGERS: &[&str] = &["admin", "b.specialist", "b.head"];
const ORDER_REGISTRARS: &[&str] = &["admin", "uo.head", "uo.specialist", "b.specialist", "b.head"];
/// Who edits A's meetings: the association's head, deputy and secretary, and A's authority.
const A_MEETING_EDITORS: &[&str] = &["admin", "uo.head", "uo.specialist", "mmo.head", "mmo.deputy", "mmo.secretary"];
/// Seed 002 §3.3: the minutes are signed by the head — the head's own act.
const A_SIGNERS: &[&str] = &["mmo.head"];
/// The yearly analysis is written and submitted by the association's head or deputy.
const A_ANALYSIS_WRITERS: &[&str] = &["admin", "mmo.head", "mmo.deputy"];
/// A's authority accepts or returns the analyses of its associations.
const A_ANALYSIS_DECIDERS: &[&str] = &["admin", "uo.head", "uo.specialist"];
/// A task is closed by its owner (A's teacher account) or by whoever edits the meeting.
const A_TASK_CLOSERS: &[&str] =
    &["admin", "uo.head", "uo.specialist", "mmo.head", "mmo.deputy", "mmo.secretary", "teacher"];
/// Who edits the work of A's association (its plan, items, execution, cyclogram): its head,
/// deputy and secretary, and A's authority.
const A_WORK_EDITORS: &[&str] = &["admin", "uo.head", "uo.specialist", "mmo.head", "mmo.deputy", "mmo.secretary"];
/// Who takes the first step of a seed-002 plan («составляется руководителем объединения»).
const A_PLAN_DRAFTERS: &[&str] = &["admin", "uo.head", "uo.specialist", "mmo.head", "mmo.deputy"];
/// Who enters (edits, removes, attaches scans to) a result of A's teacher account: the teacher
/// (their own), the association's head and deputy, A's authority.
const A_RESULT_ENTRANTS: &[&str] = &["admin", "uo.head", "uo.specialist", "mmo.head", "mmo.deputy", "teacher"];
/// Who may open the ЕГЭ import and its template: whoever enters results in A's association, for
/// anyone or only for themselves (the secretary is a member teacher too).
const A_RESULT_IMPORTERS: &[&str] =
    &["admin", "uo.head", "uo.specialist", "mmo.head", "mmo.deputy", "mmo.secretary", "teacher"];
/// A result's scan shows the student's name: the result's teacher, the association's head and
/// deputy, the authority and the cabinet head (not the secretary, the school or the region).
const A_SCAN_READERS: &[&str] =
    &["admin", "uo.head", "uo.specialist", "cabinet.head", "mmo.head", "mmo.deputy", "teacher"];
/// Who organises A's association's events: its head, deputy and secretary, and A's authority.
const A_EVENT_ORGANISERS: &[&str] =
    &["admin", "uo.head", "uo.specialist", "cabinet.head", "mmo.head", "mmo.deputy", "mmo.secretary"];
/// Who may create an event somewhere: the organisers of A's and B's events.
const EVENT_CREATORS: &[&str] = &[
    "admin",
    "uo.head",
    "uo.specialist",
    "cabinet.head",
    "mmo.head",
    "mmo.deputy",
    "mmo.secretary",
    "b.specialist",
    "b.head",
];
/// Who registers themselves for A's municipal event: the accounts of A with a teacher record
/// (the association's officers and A's teacher account); others have nobody to register.
const A_SELF_REGISTRANTS: &[&str] = &["mmo.head", "mmo.deputy", "mmo.secretary", "teacher"];
/// A certificate is seen by its holder (A's teacher account) and the event's organisers.
const A_CERTIFICATE_READERS: &[&str] =
    &["admin", "uo.head", "uo.specialist", "cabinet.head", "mmo.head", "mmo.deputy", "mmo.secretary", "teacher"];
/// The curators who confirm or reject A's results and see the queue.
const A_CURATORS: &[&str] = &["admin", "uo.head", "uo.specialist", "cabinet.head"];

#[derive(Clone, Copy)]
enum Body {
    None,
    /// A page form: pairs (values may hold placeholders).
    Form(&'static [(&'static str, &'static str)]),
    /// The profile form of seed 002.
    ProfileForm,
    /// A JSON body (placeholders allowed).
    Json(&'static str),
    /// A's teacher as a page form / as JSON (its current data, unchanged).
    TeacherForm,
    TeacherJson,
    /// A multipart upload: text fields (placeholders allowed) and a file (name, bytes).
    Upload(&'static [(&'static str, &'static str)], &'static str, &'static [u8]),
    /// The attendance form of A's members today: everyone present.
    AttendanceForm,
}

struct Route {
    method: Method,
    path: &'static str,
    body: Body,
    allowed: &'static [&'static str],
}

fn r(method: Method, path: &'static str, body: Body, allowed: &'static [&'static str]) -> Route {
    Route { method, path, body, allowed }
}

fn routes() -> Vec<Route> {
    use Body::*;
    let (g, p, put, del) = (Method::GET, Method::POST, Method::PUT, Method::DELETE);
    vec![
        // events
        r(g.clone(), "/events", None, SIGNED_IN),
        r(g.clone(), "/events?municipality_id={muni_b}&view=month", None, B_ALL),
        r(g.clone(), "/events?view=week&association_id={assoc_a}&form=seminar&level=municipal", None, SIGNED_IN),
        r(g.clone(), "/events/new", None, EVENT_CREATORS),
        r(
            p.clone(),
            "/events",
            Form(&[
                ("association_id", "{assoc_a}"),
                ("title", "Семинар {tag}"),
                ("form", "seminar"),
                ("starts_on", "{today}"),
                ("place_note", "каб. 3"),
            ]),
            A_EVENT_ORGANISERS,
        ),
        r(g.clone(), "/events/{ev}", None, A_ALL),
        r(
            p.clone(),
            "/events/{ev}",
            Form(&[
                ("title", "Семинар матрицы"),
                ("form", "seminar"),
                ("reach", "municipality"),
                ("starts_on", "{today}"),
                ("place_note", "каб. 1"),
                ("registration_open", "1"),
            ]),
            A_EVENT_ORGANISERS,
        ),
        r(g.clone(), "/events/{ev}/sheet.docx", None, A_EVENT_ORGANISERS),
        r(g.clone(), "/events/{ev}/programme.docx", None, A_ALL),
        r(p.clone(), "/events/{e_draft}/status", Form(&[("action", "announce")]), A_EVENT_ORGANISERS),
        r(p.clone(), "/events/{e_ann}/register", None, A_SELF_REGISTRANTS),
        r(p.clone(), "/events/{e_ann}/registrations", Form(&[("guest_name", "Гость {tag}")]), A_EVENT_ORGANISERS),
        r(p.clone(), "/events/{e_ann}/sheet", Form(&[("attended_{e_ann_r}", "1")]), A_EVENT_ORGANISERS),
        r(p.clone(), "/events/{e_ann}/walk-ins", Form(&[("guest_name", "Пришедший {tag}")]), A_EVENT_ORGANISERS),
        r(p.clone(), "/events/{e_ann}/registrations/{e_ann_r}/cancel", None, A_EVENT_ORGANISERS),
        r(p.clone(), "/events/{e_held}/certificates", None, A_EVENT_ORGANISERS),
        r(p.clone(), "/events/{ev}/programme", Form(&[("topic", "Доклад {tag}"), ("speaker_name", "Гость")]), A_EVENT_ORGANISERS),
        r(p.clone(), "/events/{e_ann}/programme/{e_item}/delete", None, A_EVENT_ORGANISERS),
        r(p.clone(), "/events/{e_ann}/staff", Form(&[("teacher_id", "{a_free}"), ("role", "organiser")]), A_EVENT_ORGANISERS),
        r(p.clone(), "/events/{e_ann}/staff/{e_staff}/delete", None, A_EVENT_ORGANISERS),
        r(p.clone(), "/events/{e_ann}/materials/{e_mat}/delete", None, A_EVENT_ORGANISERS),
        r(p.clone(), "/events/{e_ann}/sessions", Form(&[("on", "{tomorrow}")]), A_EVENT_ORGANISERS),
        r(p.clone(), "/api/v1/events/{e_ann2}/sessions", Json(r#"{"on": "{tomorrow}"}"#), A_EVENT_ORGANISERS),
        r(p.clone(), "/events/{ev_h}/materials", Upload(&[("title", "Решение")], "f.pdf", b"%PDF-1.4 matrix"), A_EVENT_ORGANISERS),
        r(p.clone(), "/api/v1/events/{ev_h}/materials", Upload(&[], "t.pdf", b"%PDF-1.4 matrix"), A_EVENT_ORGANISERS),
        r(
            p.clone(),
            "/api/v1/events/{e_ann2}/staff",
            Json(r#"{"teacher_id": {a_free}, "role": "assessment_author"}"#),
            A_EVENT_ORGANISERS,
        ),
        r(del.clone(), "/api/v1/events/{e_ann2}/staff/{e_staff2}", None, A_EVENT_ORGANISERS),
        r(del.clone(), "/api/v1/events/{e_ann2}/materials/{e_mat2}", None, A_EVENT_ORGANISERS),
        r(
            p.clone(),
            "/events/{e_oly}/placements",
            Form(&[("registration_id", "{e_oly_r}"), ("placement", "winner"), ("teacher_id", "{a_teacher}")]),
            A_EVENT_ORGANISERS,
        ),
        r(p.clone(), "/events/{e_oly}/diplomas", None, A_EVENT_ORGANISERS),
        r(p.clone(), "/events/{e_oly}/speaker-certificates", None, A_EVENT_ORGANISERS),
        r(
            p.clone(),
            "/api/v1/events/{e_oly2}/placements",
            Json(r#"{"registration_id": {e_oly2_r}, "placement": "prize_winner", "teacher_id": {a_teacher}}"#),
            A_EVENT_ORGANISERS,
        ),
        r(p.clone(), "/api/v1/events/{e_oly2}/diplomas", None, A_EVENT_ORGANISERS),
        r(p.clone(), "/api/v1/events/{e_oly2}/speaker-certificates", None, A_EVENT_ORGANISERS),
        r(
            p.clone(),
            "/api/v1/events/{ev}/programme",
            Json(r#"{"topic": "Доклад {tag}", "speaker_name": "Гость"}"#),
            A_EVENT_ORGANISERS,
        ),
        r(del.clone(), "/api/v1/events/{e_ann2}/programme/{e_item2}", None, A_EVENT_ORGANISERS),
        r(g.clone(), "/certificates/{ev_c}", None, A_CERTIFICATE_READERS),
        r(p.clone(), "/events/{ev_h}/outcome", Form(&[("outcome", "Опыт рекомендован к распространению")]), A_EVENT_ORGANISERS),
        r(g.clone(), "/events/{ev_h}/note.docx", None, A_EVENT_ORGANISERS),
        r(g.clone(), "/events/{ev_h}/attendance.docx", None, A_EVENT_ORGANISERS),
        r(put.clone(), "/api/v1/events/{ev_h}/outcome", Json(r#"{"outcome": "Итоги {tag}"}"#), A_EVENT_ORGANISERS),
        r(g.clone(), "/api/v1/events/{ev_h}/note.docx", None, A_EVENT_ORGANISERS),
        // Only a participant marked present rates a held event: A's teacher account was there.
        r(p.clone(), "/events/{ev_h}/rating", Form(&[("score", "5"), ("comment", "Полезно")]), &["teacher"]),
        r(p.clone(), "/api/v1/events/{ev_h}/rating", Json(r#"{"score": 4, "anonymous": true}"#), &["teacher"]),
        r(p.clone(), "/certificates/{e_cert}/revoke", Form(&[("reason", "выдан по ошибке")]), A_EVENT_ORGANISERS),
        r(g.clone(), "/api/v1/events", None, SIGNED_IN),
        r(g.clone(), "/api/v1/events?municipality_id={muni_b}&view=month", None, B_ALL),
        r(
            p.clone(),
            "/api/v1/events",
            Json(r#"{"association_id": {assoc_a}, "title": "Семинар {tag}", "form": "seminar", "starts_on": "{today}", "place_note": "каб. 3"}"#),
            A_EVENT_ORGANISERS,
        ),
        r(g.clone(), "/api/v1/events/{ev}", None, A_ALL),
        r(
            put.clone(),
            "/api/v1/events/{ev}",
            Json(r#"{"title": "Семинар матрицы", "form": "seminar", "reach": "municipality", "starts_on": "{today}", "place_note": "каб. 1", "registration_open": "1"}"#),
            A_EVENT_ORGANISERS,
        ),
        r(p.clone(), "/api/v1/events/{e_draft2}/status", Json(r#"{"action": "announce"}"#), A_EVENT_ORGANISERS),
        r(p.clone(), "/api/v1/events/{e_ann2}/registrations", Json("{}"), A_SELF_REGISTRANTS),
        r(p.clone(), "/api/v1/events/{e_ann2}/registrations", Json(r#"{"guest_name": "Гость {tag}"}"#), A_EVENT_ORGANISERS),
        r(
            put.clone(),
            "/api/v1/events/{e_ann2}/attendance",
            Json(r#"{"marks": [{"registration_id": {e_ann2_r}, "attended": true}]}"#),
            A_EVENT_ORGANISERS,
        ),
        r(p.clone(), "/api/v1/events/{e_ann2}/walk-ins", Json(r#"{"guest_name": "Пришедший"}"#), A_EVENT_ORGANISERS),
        r(p.clone(), "/api/v1/events/{e_ann2}/registrations/{e_ann2_r}/cancel", None, A_EVENT_ORGANISERS),
        r(p.clone(), "/api/v1/events/{e_held2}/certificates", None, A_EVENT_ORGANISERS),
        r(p.clone(), "/api/v1/certificates/{e_cert2}/revoke", Json(r#"{"reason": "выдан по ошибке"}"#), A_EVENT_ORGANISERS),
        // pages
        r(g.clone(), "/", None, SIGNED_IN),
        r(g.clone(), "/password", None, SIGNED_IN),
        // A real change, to the same password: the next sign-in still works.
        r(
            p.clone(),
            "/password",
            Form(&[("current", common::PASSWORD), ("new", common::PASSWORD), ("repeat", common::PASSWORD)]),
            SIGNED_IN,
        ),
        r(g.clone(), "/tokens", None, SIGNED_IN),
        r(p.clone(), "/tokens", Form(&[("name", "матрица")]), SIGNED_IN),
        r(p.clone(), "/tokens/{token}/revoke", None, SIGNED_IN),
        r(g.clone(), "/regions", None, SIGNED_IN),
        r(p.clone(), "/regions", Form(&[("name", "Регион {tag}")]), ADMIN),
        r(p.clone(), "/regions/{region}", Form(&[("name", "Томская область"), ("code", "70")]), ADMIN),
        r(g.clone(), "/municipalities", None, SIGNED_IN),
        r(p.clone(), "/municipalities", Form(&[("region_id", "{region}"), ("name", "Район {tag}")]), REGION_MANAGERS),
        r(g.clone(), "/municipalities/{muni_a}", None, A_ALL),
        r(g.clone(), "/municipalities/{muni_b}", None, B_ALL),
        r(
            p.clone(),
            "/municipalities/{muni_a}",
            Form(&[("name", "Томский район"), ("authority_name", "Управление образования")]),
            REGION_MANAGERS,
        ),
        r(p.clone(), "/municipalities/{muni_b}", Form(&[("name", "Город Б")]), REGION_MANAGERS),
        r(p.clone(), "/municipalities/{muni_a}/archive", None, REGION_MANAGERS),
        r(p.clone(), "/municipalities/{muni_a}/restore", None, REGION_MANAGERS),
        r(p.clone(), "/municipalities/{muni_a}/profile", Form(&[("profile_id", "{preset}")]), A_MANAGERS),
        r(
            p.clone(),
            "/municipalities/{muni_b}/profile",
            Form(&[("profile_id", "{preset}")]),
            &["admin", "b.specialist", "b.head"],
        ),
        r(g.clone(), "/organizations", None, SIGNED_IN),
        r(g.clone(), "/organizations/new", None, &["admin", "uo.head", "uo.specialist", "b.specialist", "b.head"]),
        r(
            p.clone(),
            "/organizations",
            Form(&[
                ("municipality_id", "{muni_a}"),
                ("full_name", "Школа {tag}"),
                ("short_name", "Школа {tag}"),
                ("kind", "school"),
            ]),
            A_MANAGERS,
        ),
        r(
            p.clone(),
            "/organizations",
            Form(&[
                ("municipality_id", "{muni_b}"),
                ("full_name", "Школа {tag}"),
                ("short_name", "Школа {tag}"),
                ("kind", "school"),
            ]),
            &["admin", "b.specialist", "b.head"],
        ),
        r(g.clone(), "/organizations/{org_a}", None, A_ALL),
        r(g.clone(), "/organizations/{org_b}", None, B_ALL),
        r(
            p.clone(),
            "/organizations/{org_a}",
            Form(&[("full_name", "Школа А"), ("short_name", "МБОУ «Богашёвская СОШ»"), ("kind", "school")]),
            &["admin", "uo.head", "uo.specialist", "org.admin"],
        ),
        r(
            p.clone(),
            "/organizations/{org_b}",
            Form(&[("full_name", "Школа города Б"), ("short_name", "СОШ Б"), ("kind", "school")]),
            &["admin", "b.specialist", "b.head", "b.orgadmin"],
        ),
        r(p.clone(), "/organizations/{org_a2}/archive", None, A_MANAGERS),
        r(p.clone(), "/organizations/{org_a2}/restore", None, A_MANAGERS),
        r(p.clone(), "/organizations/{org_b}/archive", None, &["admin", "b.specialist", "b.head"]),
        r(p.clone(), "/organizations/{org_b}/restore", None, &["admin", "b.specialist", "b.head"]),
        r(g.clone(), "/profiles", None, SIGNED_IN),
        r(g.clone(), "/profiles/{preset}", None, SIGNED_IN),
        r(g.clone(), "/profiles/{own_a}", None, A_ALL),
        r(g.clone(), "/profiles/{own_b}", None, B_ALL),
        r(
            p.clone(),
            "/profiles/{preset}/copy",
            Form(&[("municipality_id", "{muni_a}"), ("name", "Копия {tag}")]),
            A_MANAGERS,
        ),
        r(
            p.clone(),
            "/profiles/{preset}/copy",
            Form(&[("municipality_id", "{muni_b}"), ("name", "Копия {tag}")]),
            &["admin", "b.specialist", "b.head"],
        ),
        r(g.clone(), "/profiles/{own_a}/edit", None, A_MANAGERS),
        r(p.clone(), "/profiles/{own_a}/edit", ProfileForm, A_MANAGERS),
        r(p.clone(), "/profiles/{own_b}/edit", ProfileForm, &["admin", "b.specialist", "b.head"]),
        r(
            g.clone(),
            "/users",
            None,
            &["admin", "operator", "uo.head", "uo.specialist", "cabinet.head", "b.specialist", "b.head"],
        ),
        r(
            p.clone(),
            "/users",
            Form(&[
                ("login", "u.{tag}"),
                ("full_name", "Новый {tag}"),
                ("password", "пароль-матрицы-1"),
                ("role", "member_teacher"),
                ("scope", "association:{assoc_a}"),
            ]),
            A_USER_MANAGERS,
        ),
        r(g.clone(), "/users/{target}", None, &["admin", "operator", "uo.head", "uo.specialist", "cabinet.head"]),
        r(g.clone(), "/users/{b_user}", None, &["admin", "operator", "b.specialist", "b.head"]),
        r(p.clone(), "/users/{target}", Form(&[("full_name", "Цель {tag}"), ("email", "")]), A_USER_MANAGERS),
        r(p.clone(), "/users/{b_user}", Form(&[("full_name", "Пользователь b.specialist")]), B_USER_MANAGERS),
        r(
            p.clone(),
            "/users/{target}/grants",
            Form(&[("role", "deputy"), ("scope", "association:{assoc_a}")]),
            A_APPOINTERS,
        ),
        // Nobody takes over more than they hold: the authority head's account is managed by the
        // head and the administrator alone, and only they make anyone the head.
        r(p.clone(), "/users/{uo_head}", Form(&[("full_name", "Максимова Ольга Александровна"), ("email", "")]), A_APPOINTERS),
        r(
            p.clone(),
            "/users/{target}/grants",
            Form(&[("role", "authority_head"), ("scope", "municipality:{muni_a}")]),
            A_APPOINTERS,
        ),
        r(p.clone(), "/users/{target}/grants/{gid1}/revoke", None, A_USER_MANAGERS),
        r(p.clone(), "/users/{target}/password", Form(&[("password", "другой-пароль-2")]), A_USER_MANAGERS),
        r(p.clone(), "/users/{target}/archive", None, A_USER_MANAGERS),
        r(p.clone(), "/users/{target}/restore", None, A_USER_MANAGERS),
        r(p.clone(), "/users/{b_user2}/archive", None, B_USER_MANAGERS),
        r(p.clone(), "/users/{b_user2}/restore", None, B_USER_MANAGERS),
        // The account's teacher record: whoever manages the account and may update the record.
        r(p.clone(), "/users/{target}/teacher", Form(&[("teacher_id", "{link_a}")]), A_MANAGERS),
        r(p.clone(), "/users/{target}/teacher/unlink", None, A_MANAGERS),
        r(g.clone(), "/audit", None, &["admin", "operator", "uo.head", "uo.specialist", "b.specialist", "b.head"]),
        r(g.clone(), "/audit?municipality_id={muni_b}", None, &["admin", "operator", "b.specialist", "b.head"]),
        // API
        // the teacher bank
        r(g.clone(), "/teachers", None, BANK),
        r(g.clone(), "/teachers?age=1&experience=2&q=%D0%B0", None, BANK),
        r(g.clone(), "/teachers/new", None, TEACHER_CREATORS),
        r(
            g.clone(),
            "/teachers/import",
            None,
            &["admin", "uo.head", "uo.specialist", "org.admin", "b.specialist", "b.head", "b.orgadmin"],
        ),
        r(
            p.clone(),
            "/teachers/import",
            Upload(&[("municipality_id", "{muni_a}")], "bank.csv", "ФИО;Дата рождения;ОО;Должность;Образование\nИмпортова{tag} Анна;01.01.1990;МБОУ «Богашёвская СОШ»;учитель;высшее\n".as_bytes()),
            &["admin", "uo.head", "uo.specialist", "org.admin"],
        ),
        // Applying a checked file of A (the role's own, empty): whoever brings teachers into A.
        r(p.clone(), "/teachers/import/{import}/apply", None, &["admin", "uo.head", "uo.specialist", "org.admin"]),
        r(
            p.clone(),
            "/associations/{assoc_a}/documents",
            Upload(&[("kind", "minutes")], "p.pdf", b"%PDF-1.4 matrix"),
            &["admin", "uo.head", "uo.specialist", "mmo.head"],
        ),
        r(p.clone(), "/orders/{a_order}/scan", Upload(&[], "s.pdf", b"%PDF-1.4 matrix"), A_MANAGERS),
        r(p.clone(), "/orders/{b_order}/scan", Upload(&[], "s.pdf", b"%PDF-1.4 matrix"), B_MANAGERS),
        r(g.clone(), "/teachers/export.xlsx", None, BANK),
        r(g.clone(), "/orders/{a_order}/docx", None, A_ALL),
        r(g.clone(), "/attachments/{att_a}", None, A_ALL),
        r(
            p.clone(),
            "/associations/{assoc_c}/subgroups",
            Form(&[("kind", "section"), ("name", "Секция {tag}")]),
            ADMIN,
        ),
        r(p.clone(), "/associations/{assoc_c}/subgroups/{sg_c}/members", Form(&[("teacher_id", "{c_member}")]), ADMIN),
        r(g.clone(), "/api/v1/associations/{assoc_c}/subgroups/{sg_c}/members", None, &["admin", "operator"]),
        r(
            p.clone(),
            "/api/v1/associations/{assoc_c}/subgroups/{sg_c}/members",
            Json(r#"{"teacher_id": {c_member2}}"#),
            ADMIN,
        ),
        r(p.clone(), "/api/v1/associations/{assoc_c}/subgroups/{sg_c}/members/{sgm_c}/leave", Json(r#"{}"#), ADMIN),
        r(p.clone(), "/associations/{assoc_c}/subgroups/{sg_c}/members/{sgm_c2}/leave", Form(&[]), ADMIN),
        r(
            p.clone(),
            "/api/v1/associations/{assoc_c}/subgroups",
            Json(r#"{"kind": "section", "name": "Секция API {tag}"}"#),
            ADMIN,
        ),
        r(g.clone(), "/attachments/{att_b}", None, B_ALL),
        r(g.clone(), "/orders/{b_order}/docx", None, B_ALL),
        r(
            p.clone(),
            "/teachers",
            Form(&[
                ("last_name", "Новая{tag}"),
                ("first_name", "Анна"),
                ("birth_date", "1990-05-01"),
                ("organization_id", "{org_a}"),
                ("position", "учитель"),
                ("education", "higher"),
                ("category", "none"),
            ]),
            A_TEACHER_CREATORS,
        ),
        r(g.clone(), "/teachers/{a_teacher}", None, A_TEACHER_READERS),
        r(g.clone(), "/teachers/{b_teacher}", None, B_TEACHER_READERS),
        r(p.clone(), "/teachers/{a_teacher}", TeacherForm, A_TEACHER_EDITORS),
        r(p.clone(), "/teachers/{a_teacher}/topic", Form(&[("topic", "Тема {tag}")]), A_TEACHER_EDITORS),
        r(
            p.clone(),
            "/teachers/{a_teacher}/topic/agree",
            None,
            &["admin", "uo.head", "uo.specialist", "cabinet.head", "mmo.deputy"],
        ),
        r(
            p.clone(),
            "/teachers/{a_teacher}/courses",
            Form(&[("kind", "retraining"), ("title", "Курс {tag}"), ("end_on", "2026-06-30")]),
            A_TEACHER_EDITORS,
        ),
        r(
            p.clone(),
            "/teachers/{a_teacher}/positions",
            Form(&[("organization_id", "{org_a2}"), ("position", "совместитель")]),
            A_TEACHER_EDITORS,
        ),
        r(
            p.clone(),
            "/teachers/{a_teacher}/difficulties",
            Form(&[("kind", "methodical"), ("note", "{tag}")]),
            A_TEACHER_EDITORS,
        ),
        r(
            p.clone(),
            "/teachers/{b_teacher}/topic",
            Form(&[("topic", "Тема {tag}")]),
            &["admin", "b.specialist", "b.head", "b.orgadmin"],
        ),
        r(p.clone(), "/teachers/{a_teacher}/archive", None, A_TEACHER_ARCHIVERS),
        r(p.clone(), "/teachers/{a_teacher}/restore", None, A_TEACHER_ARCHIVERS),
        // associations
        r(g.clone(), "/associations", None, SIGNED_IN),
        r(g.clone(), "/associations/{assoc_a}", None, A_ALL),
        r(g.clone(), "/associations/{assoc_b}", None, B_ALL),
        r(
            p.clone(),
            "/associations/{assoc_a}",
            Form(&[("description", "Описание {tag}"), ("social_url", "")]),
            A_ASSOC_EDITORS,
        ),
        r(
            p.clone(),
            "/associations/{assoc_a}/members",
            Form(&[("teacher_id", "{a_free}"), ("joined_on", "")]),
            A_ASSOC_EDITORS,
        ),
        r(p.clone(), "/associations/{assoc_a}/members/{a_free}/remove", Form(&[("left_on", "")]), A_ASSOC_EDITORS),
        // orders
        r(g.clone(), "/orders", None, SIGNED_IN),
        r(g.clone(), "/orders/new", None, ORDER_REGISTRARS),
        r(
            p.clone(),
            "/orders",
            Form(&[
                ("municipality_id", "{muni_a}"),
                ("kind", "other"),
                ("number", "М-{tag}"),
                ("date", "2026-09-01"),
                ("title", "Проверка"),
                ("body", "Провести проверку."),
            ]),
            A_MANAGERS,
        ),
        r(
            p.clone(),
            "/orders",
            Form(&[
                ("municipality_id", "{muni_b}"),
                ("kind", "other"),
                ("number", "М-{tag}"),
                ("date", "2026-09-01"),
                ("body", "Провести проверку."),
            ]),
            B_MANAGERS,
        ),
        r(g.clone(), "/orders/{a_order}", None, A_ALL),
        r(g.clone(), "/orders/{b_order}", None, B_ALL),
        // plans and the cyclogram
        r(p.clone(), "/associations/{assoc_a}/plans", Form(&[("year", "{year}"), ("prefill", "empty")]), A_WORK_EDITORS),
        r(g.clone(), "/plans/{plan_a}", None, A_ALL),
        r(g.clone(), "/plans/{plan_b}", None, B_ALL),
        r(g.clone(), "/plans/{plan_a}/items/{item_a}", None, A_ALL),
        r(
            p.clone(),
            "/plans/{plan_a}/items",
            Form(&[("title", "Семинар {tag}"), ("direction", "informational"), ("form", "seminar"), ("planned_month", "10")]),
            A_WORK_EDITORS,
        ),
        r(
            p.clone(),
            "/plans/{plan_a}/items/{item_a}",
            Form(&[("title", "Заседание {tag}"), ("direction", "analytical"), ("form", "meeting"), ("planned_month", "9")]),
            A_WORK_EDITORS,
        ),
        r(p.clone(), "/plans/{plan_a}/items/{item_a}/status", Form(&[("status", "done")]), A_WORK_EDITORS),
        r(p.clone(), "/plans/{plan_r}/steps", Form(&[("step", "drafted_by_head")]), A_PLAN_DRAFTERS),
        r(g.clone(), "/plans/{plan_a}/docx", None, A_ALL),
        r(g.clone(), "/plans/{plan_b}/docx", None, B_ALL),
        r(g.clone(), "/associations/{assoc_a}/cyclogram", None, A_ALL),
        r(g.clone(), "/associations/{assoc_b}/cyclogram", None, B_ALL),
        r(
            p.clone(),
            "/associations/{assoc_a}/cyclogram",
            Form(&[("month", "9"), ("title", "Цикл {tag}"), ("direction", "analytical"), ("form", "meeting")]),
            A_WORK_EDITORS,
        ),
        r(
            p.clone(),
            "/associations/{assoc_a}/cyclogram/{cyc_a}",
            Form(&[("month", "5"), ("title", "Анализ {tag}"), ("direction", "analytical"), ("form", "meeting")]),
            A_WORK_EDITORS,
        ),
        r(p.clone(), "/associations/{assoc_a}/cyclogram/{cyc_a2}/remove", None, A_WORK_EDITORS),
        // API
        r(g.clone(), "/api/v1/teachers", None, BANK),
        r(g.clone(), "/api/v1/teachers/composition", None, BANK),
        r(
            p.clone(),
            "/api/v1/teachers",
            Json(
                r#"{"last_name": "Апи{tag}", "first_name": "Анна", "birth_date": "1991-05-01", "organization_id": {org_a}, "position": "учитель", "education": "higher"}"#,
            ),
            A_TEACHER_CREATORS,
        ),
        r(g.clone(), "/api/v1/teachers/{a_teacher}", None, A_TEACHER_READERS),
        r(g.clone(), "/api/v1/teachers/{b_teacher}", None, B_TEACHER_READERS),
        r(put.clone(), "/api/v1/teachers/{a_teacher}", TeacherJson, A_TEACHER_EDITORS),
        r(p.clone(), "/api/v1/teachers/{a_teacher}/archive", None, A_TEACHER_ARCHIVERS),
        r(p.clone(), "/api/v1/teachers/{a_teacher}/restore", None, A_TEACHER_ARCHIVERS),
        // the per-year part of the card (as its forms above)
        r(g.clone(), "/api/v1/teachers/{a_teacher}/years", None, A_TEACHER_PERSONAL),
        r(g.clone(), "/api/v1/teachers/{b_teacher}/years", None, B_TEACHER_PERSONAL),
        r(put.clone(), "/api/v1/teachers/{a_teacher}/topic", Json(r#"{"topic": "Тема {tag}"}"#), A_TEACHER_EDITORS),
        r(
            put.clone(),
            "/api/v1/teachers/{b_teacher}/topic",
            Json(r#"{"topic": "Тема {tag}"}"#),
            &["admin", "b.specialist", "b.head", "b.orgadmin"],
        ),
        // A's teacher account's topic is proposed afresh before each role (see the loop).
        r(p.clone(), "/api/v1/teachers/{owner}/topic/agree", None, OWNER_TOPIC_AGREERS),
        r(
            p.clone(),
            "/api/v1/teachers/{a_teacher}/courses",
            Json(r#"{"kind": "retraining", "title": "Курс {tag}", "hours": 36, "end_on": "{today}"}"#),
            A_TEACHER_EDITORS,
        ),
        r(
            p.clone(),
            "/api/v1/teachers/{a_teacher}/difficulties",
            Json(r#"{"kind": "methodical", "note": "{tag}"}"#),
            A_TEACHER_EDITORS,
        ),
        // A place of work of its own (the form above adds {org_a2}); removed before each role.
        r(
            p.clone(),
            "/api/v1/teachers/{a_teacher}/positions",
            Json(r#"{"organization_id": {org_a3}, "position": "совместитель"}"#),
            A_TEACHER_EDITORS,
        ),
        r(g.clone(), "/api/v1/associations", None, SIGNED_IN),
        r(g.clone(), "/api/v1/associations/{assoc_a}", None, A_ALL),
        r(g.clone(), "/api/v1/associations/{assoc_b}", None, B_ALL),
        r(
            put.clone(),
            "/api/v1/associations/{assoc_a}",
            Json(r#"{"description": "Описание {tag}", "social_url": ""}"#),
            A_ASSOC_EDITORS,
        ),
        r(p.clone(), "/api/v1/associations/{assoc_a}/members", Json(r#"{"teacher_id": {a_free}}"#), A_ASSOC_EDITORS),
        r(p.clone(), "/api/v1/associations/{assoc_a}/members/{a_free}/remove", Json(r#"{}"#), A_ASSOC_EDITORS),
        r(g.clone(), "/api/v1/orders", None, SIGNED_IN),
        r(
            p.clone(),
            "/api/v1/orders",
            Json(
                r#"{"municipality_id": {muni_a}, "kind": "other", "number": "А-{tag}", "date": "01.09.2026", "body": "Провести проверку."}"#
            ),
            A_MANAGERS,
        ),
        r(g.clone(), "/api/v1/orders/{a_order}", None, A_ALL),
        r(g.clone(), "/api/v1/orders/{b_order}", None, B_ALL),
        r(g.clone(), "/api/v1/associations/{assoc_a}/plans", None, A_ALL),
        r(g.clone(), "/api/v1/associations/{assoc_b}/plans", None, B_ALL),
        r(p.clone(), "/api/v1/associations/{assoc_a}/plans", Json(r#"{"year": {year2}}"#), A_WORK_EDITORS),
        r(g.clone(), "/api/v1/plans/{plan_a}", None, A_ALL),
        r(g.clone(), "/api/v1/plans/{plan_b}", None, B_ALL),
        r(
            p.clone(),
            "/api/v1/plans/{plan_a}/items",
            Json(r#"{"title": "Вебинар {tag}", "direction": "consultative", "form": "webinar", "planned_month": "11"}"#),
            A_WORK_EDITORS,
        ),
        r(
            put.clone(),
            "/api/v1/plans/{plan_a}/items/{item_a}",
            Json(r#"{"title": "Заседание API {tag}", "direction": "analytical", "form": "meeting", "planned_month": "9"}"#),
            A_WORK_EDITORS,
        ),
        r(p.clone(), "/api/v1/plans/{plan_a}/items/{item_a}/status", Json(r#"{"status": "done"}"#), A_WORK_EDITORS),
        r(p.clone(), "/api/v1/plans/{plan_r2}/steps", Json(r#"{"step": "drafted_by_head"}"#), A_PLAN_DRAFTERS),
        r(g.clone(), "/api/v1/plans/{plan_a}/docx", None, A_ALL),
        r(g.clone(), "/api/v1/associations/{assoc_a}/cyclogram", None, A_ALL),
        r(g.clone(), "/api/v1/associations/{assoc_b}/cyclogram", None, B_ALL),
        r(
            p.clone(),
            "/api/v1/associations/{assoc_a}/cyclogram",
            Json(r#"{"month": "3", "title": "Цикл API {tag}", "direction": "informational", "form": "webinar"}"#),
            A_WORK_EDITORS,
        ),
        r(
            put.clone(),
            "/api/v1/associations/{assoc_a}/cyclogram/{cyc_a}",
            Json(r#"{"month": "5", "title": "Анализ API {tag}", "direction": "analytical", "form": "meeting"}"#),
            A_WORK_EDITORS,
        ),
        r(p.clone(), "/api/v1/associations/{assoc_a}/cyclogram/{cyc_a2}/remove", Json("{}"), A_WORK_EDITORS),
        r(g.clone(), "/api/v1/me", None, SIGNED_IN),
        r(g.clone(), "/api/v1/regions", None, SIGNED_IN),
        r(p.clone(), "/api/v1/regions", Json(r#"{"name": "Регион API {tag}"}"#), ADMIN),
        r(g.clone(), "/api/v1/municipalities", None, SIGNED_IN),
        r(
            p.clone(),
            "/api/v1/municipalities",
            Json(r#"{"region_id": {region}, "name": "Район API {tag}"}"#),
            REGION_MANAGERS,
        ),
        r(g.clone(), "/api/v1/municipalities/{muni_a}", None, A_ALL),
        r(g.clone(), "/api/v1/municipalities/{muni_b}", None, B_ALL),
        r(
            put.clone(),
            "/api/v1/municipalities/{muni_a}",
            Json(r#"{"name": "Томский район", "authority_name": "Управление образования"}"#),
            REGION_MANAGERS,
        ),
        r(put.clone(), "/api/v1/municipalities/{muni_b}", Json(r#"{"name": "Город Б"}"#), REGION_MANAGERS),
        r(p.clone(), "/api/v1/municipalities/{muni_b}/archive", None, REGION_MANAGERS),
        r(p.clone(), "/api/v1/municipalities/{muni_b}/restore", None, REGION_MANAGERS),
        r(put.clone(), "/api/v1/municipalities/{muni_a}/profile", Json(r#"{"profile_id": {preset}}"#), A_MANAGERS),
        r(
            put.clone(),
            "/api/v1/municipalities/{muni_b}/profile",
            Json(r#"{"profile_id": {preset}}"#),
            &["admin", "b.specialist", "b.head"],
        ),
        r(g.clone(), "/api/v1/organizations", None, SIGNED_IN),
        r(
            p.clone(),
            "/api/v1/organizations",
            Json(
                r#"{"municipality_id": {muni_a}, "full_name": "API {tag}", "short_name": "API {tag}", "kind": "school"}"#,
            ),
            A_MANAGERS,
        ),
        r(
            p.clone(),
            "/api/v1/organizations",
            Json(
                r#"{"municipality_id": {muni_b}, "full_name": "API {tag}", "short_name": "API {tag}", "kind": "school"}"#,
            ),
            &["admin", "b.specialist", "b.head"],
        ),
        r(g.clone(), "/api/v1/organizations/{org_a}", None, A_ALL),
        r(g.clone(), "/api/v1/organizations/{org_b}", None, B_ALL),
        r(
            put.clone(),
            "/api/v1/organizations/{org_a}",
            Json(r#"{"full_name": "Школа А", "short_name": "МБОУ «Богашёвская СОШ»", "kind": "school"}"#),
            &["admin", "uo.head", "uo.specialist", "org.admin"],
        ),
        r(
            put.clone(),
            "/api/v1/organizations/{org_b}",
            Json(r#"{"full_name": "Школа города Б", "short_name": "СОШ Б", "kind": "school"}"#),
            &["admin", "b.specialist", "b.head", "b.orgadmin"],
        ),
        r(p.clone(), "/api/v1/organizations/{org_a2}/archive", None, A_MANAGERS),
        r(p.clone(), "/api/v1/organizations/{org_a2}/restore", None, A_MANAGERS),
        r(p.clone(), "/api/v1/organizations/{org_b}/archive", None, &["admin", "b.specialist", "b.head"]),
        r(p.clone(), "/api/v1/organizations/{org_b}/restore", None, &["admin", "b.specialist", "b.head"]),
        r(g.clone(), "/api/v1/profiles", None, SIGNED_IN),
        r(g.clone(), "/api/v1/profiles/{preset}", None, SIGNED_IN),
        r(g.clone(), "/api/v1/profiles/{own_a}", None, A_ALL),
        r(g.clone(), "/api/v1/profiles/{own_b}", None, B_ALL),
        r(
            p.clone(),
            "/api/v1/profiles/{preset}/copy",
            Json(r#"{"municipality_id": {muni_a}, "name": "Копия API {tag}"}"#),
            A_MANAGERS,
        ),
        r(
            p.clone(),
            "/api/v1/profiles/{preset}/copy",
            Json(r#"{"municipality_id": {muni_b}}"#),
            &["admin", "b.specialist", "b.head"],
        ),
        r(put.clone(), "/api/v1/profiles/{own_a}", Json(r#"{"name": "Своё А", "settings": {settings}}"#), A_MANAGERS),
        r(
            put.clone(),
            "/api/v1/profiles/{own_b}",
            Json(r#"{"name": "Своё Б", "settings": {settings}}"#),
            &["admin", "b.specialist", "b.head"],
        ),
        r(g.clone(), "/api/v1/users", None, SIGNED_IN),
        r(
            p.clone(),
            "/api/v1/users",
            Json(
                r#"{"login": "api.{tag}", "full_name": "API {tag}", "password": "пароль-матрицы-1", "role": "member_teacher", "scope_id": {assoc_a}}"#,
            ),
            A_USER_MANAGERS,
        ),
        r(
            p.clone(),
            "/api/v1/users",
            Json(
                r#"{"login": "apib.{tag}", "full_name": "API {tag}", "password": "пароль-матрицы-1", "role": "member_teacher", "scope_id": {assoc_b}}"#,
            ),
            B_USER_MANAGERS,
        ),
        r(
            g.clone(),
            "/api/v1/users/{target}",
            None,
            &["admin", "operator", "uo.head", "uo.specialist", "cabinet.head"],
        ),
        r(g.clone(), "/api/v1/users/{b_user}", None, &["admin", "operator", "b.specialist", "b.head"]),
        r(put.clone(), "/api/v1/users/{target}", Json(r#"{"full_name": "Цель API {tag}"}"#), A_USER_MANAGERS),
        r(
            put.clone(),
            "/api/v1/users/{b_user}",
            Json(r#"{"full_name": "Пользователь b.specialist"}"#),
            B_USER_MANAGERS,
        ),
        r(
            p.clone(),
            "/api/v1/users/{target}/grants",
            Json(r#"{"role": "secretary", "scope_id": {assoc_a}}"#),
            A_APPOINTERS,
        ),
        r(
            p.clone(),
            "/api/v1/users/{target}/grants",
            Json(r#"{"role": "cabinet_head", "scope_id": {muni_a}}"#),
            A_APPOINTERS,
        ),
        r(put.clone(), "/api/v1/users/{uo_head}", Json(r#"{"full_name": "Максимова Ольга Александровна"}"#), A_APPOINTERS),
        r(del.clone(), "/api/v1/users/{target}/grants/{gid2}", None, A_USER_MANAGERS),
        r(put.clone(), "/api/v1/users/{target}/teacher", Json(r#"{"teacher_id": {link_a}}"#), A_MANAGERS),
        r(del.clone(), "/api/v1/users/{target}/teacher", None, A_MANAGERS),
        r(put.clone(), "/api/v1/users/{b_user2}/teacher", Json(r#"{"teacher_id": {b_teacher}}"#), B_MANAGERS),
        r(del.clone(), "/api/v1/users/{b_user2}/teacher", None, B_MANAGERS),
        r(
            g.clone(),
            "/api/v1/audit",
            None,
            &["admin", "operator", "uo.head", "uo.specialist", "b.specialist", "b.head"],
        ),
        r(
            g.clone(),
            "/api/v1/audit?municipality_id={muni_a}",
            None,
            &["admin", "operator", "uo.head", "uo.specialist"],
        ),
        r(g.clone(), "/api/v1/audit?municipality_id={muni_b}", None, &["admin", "operator", "b.specialist", "b.head"]),
        // meetings and minutes (A: seed 002; B has no profile, its meetings are not reachable)
        r(g.clone(), "/associations/{assoc_a}/meetings", None, A_ALL),
        r(g.clone(), "/associations/{assoc_b}/meetings", None, B_ALL),
        r(
            p.clone(),
            "/associations/{assoc_a}/meetings",
            Form(&[("held_on", "{today}"), ("place_note", "каб. {tag}")]),
            A_MEETING_EDITORS,
        ),
        r(g.clone(), "/meetings/{m_held}", None, A_ALL),
        r(p.clone(), "/meetings/{m_held}", Form(&[("held_on", "{today}"), ("place_note", "каб. 7")]), A_MEETING_EDITORS),
        r(p.clone(), "/meetings/{m_held}/attendance", AttendanceForm, A_MEETING_EDITORS),
        r(p.clone(), "/meetings/{m_held}/guests", Form(&[("name", "Гость {tag}")]), A_MEETING_EDITORS),
        r(p.clone(), "/meetings/{m_held}/guests/{m_guest}/delete", None, A_MEETING_EDITORS),
        r(p.clone(), "/meetings/{m_held}/agenda", Form(&[("topic", "Вопрос {tag}")]), A_MEETING_EDITORS),
        r(p.clone(), "/meetings/{m_held}/agenda/{m_item}", Form(&[("topic", "Вопрос")]), A_MEETING_EDITORS),
        r(p.clone(), "/meetings/{m_held}/agenda/{m_item2}/delete", None, A_MEETING_EDITORS),
        r(
            p.clone(),
            "/meetings/{m_held}/actions",
            Form(&[("title", "Поручение {tag}"), ("owner_teacher_id", "{owner}"), ("due_on", "{today}")]),
            A_MEETING_EDITORS,
        ),
        r(p.clone(), "/meetings/{m_draft}/minutes", None, A_MEETING_EDITORS),
        r(p.clone(), "/meetings/{m_sign}/sign", Form(&[("role", "head")]), A_SIGNERS),
        r(p.clone(), "/meetings/{m_signed}/addenda", Form(&[("text", "Дополнение {tag}")]), A_MEETING_EDITORS),
        r(g.clone(), "/meetings/{m_signed}/docx", None, A_ALL),
        r(g.clone(), "/meetings/{m_signed}/registration", None, A_ALL),
        r(p.clone(), "/actions/{m_action}/close", None, A_TASK_CLOSERS),
        r(p.clone(), "/meetings/{m_cancel}/cancel", Form(&[("reason", "болезнь")]), A_MEETING_EDITORS),
        r(g.clone(), "/notifications", None, SIGNED_IN),
        r(p.clone(), "/notifications", None, SIGNED_IN),
        r(g.clone(), "/notifications/settings", None, SIGNED_IN),
        r(p.clone(), "/notifications/settings", Form(&[("email_mode", "digest")]), SIGNED_IN),
        r(g.clone(), "/api/v1/me/email", None, SIGNED_IN),
        r(put.clone(), "/api/v1/me/email", Json(r#"{"email_mode": "immediate"}"#), SIGNED_IN),
        r(g.clone(), "/calendar", None, SIGNED_IN),
        r(p.clone(), "/calendar", Form(&[("association_id", "")]), SIGNED_IN),
        r(g.clone(), "/api/v1/me/calendars", None, SIGNED_IN),
        r(p.clone(), "/api/v1/me/calendars", Json("{}"), SIGNED_IN),
        r(g.clone(), "/api/v1/associations/{assoc_a}/meetings", None, A_ALL),
        r(g.clone(), "/api/v1/associations/{assoc_b}/meetings", None, B_ALL),
        r(g.clone(), "/api/v1/associations/{assoc_a}/compliance", None, A_ALL),
        r(
            p.clone(),
            "/api/v1/associations/{assoc_a}/meetings",
            Json(r#"{"held_on": "{today}", "place_note": "каб. {tag}"}"#),
            A_MEETING_EDITORS,
        ),
        r(g.clone(), "/api/v1/meetings/{m_held}", None, A_ALL),
        r(put.clone(), "/api/v1/meetings/{m_held}", Json(r#"{"held_on": "{today}", "place_note": "каб. 8"}"#), A_MEETING_EDITORS),
        r(put.clone(), "/api/v1/meetings/{m_held}/attendance", Json("{marks}"), A_MEETING_EDITORS),
        r(p.clone(), "/api/v1/meetings/{m_held}/guests", Json(r#"{"name": "Гость {tag}"}"#), A_MEETING_EDITORS),
        r(del.clone(), "/api/v1/meetings/{m_held}/guests/{m_guest2}", None, A_MEETING_EDITORS),
        r(p.clone(), "/api/v1/meetings/{m_held}/agenda", Json(r#"{"topic": "Вопрос {tag}"}"#), A_MEETING_EDITORS),
        r(put.clone(), "/api/v1/meetings/{m_held}/agenda/{m_item}", Json(r#"{"topic": "Вопрос"}"#), A_MEETING_EDITORS),
        r(del.clone(), "/api/v1/meetings/{m_held}/agenda/{m_item3}", None, A_MEETING_EDITORS),
        r(
            p.clone(),
            "/api/v1/meetings/{m_held}/actions",
            Json(r#"{"title": "Поручение {tag}", "owner_teacher_id": {owner}, "due_on": "{today}"}"#),
            A_MEETING_EDITORS,
        ),
        r(p.clone(), "/api/v1/meetings/{m_held}/minutes", Json("{}"), A_MEETING_EDITORS),
        r(p.clone(), "/api/v1/meetings/{m_sign2}/sign", Json(r#"{"role": "head"}"#), A_SIGNERS),
        r(p.clone(), "/api/v1/meetings/{m_signed}/addenda", Json(r#"{"text": "Дополнение {tag}"}"#), A_MEETING_EDITORS),
        r(g.clone(), "/api/v1/meetings/{m_signed}/docx", None, A_ALL),
        r(p.clone(), "/api/v1/actions/{m_action2}/close", Json("{}"), A_TASK_CLOSERS),
        r(p.clone(), "/api/v1/meetings/{m_cancel2}/cancel", Json(r#"{"reason": "карантин"}"#), A_MEETING_EDITORS),
        r(g.clone(), "/api/v1/notifications", None, SIGNED_IN),
        r(p.clone(), "/api/v1/notifications", Json("{}"), SIGNED_IN),
        // the yearly analysis: texts on a year never submitted, submissions and decisions on years of their own
        r(g.clone(), "/associations/{assoc_a}/analysis?year=2010", None, A_ALL),
        r(p.clone(), "/associations/{assoc_a}/analysis/2010/sections/24", Form(&[("text", "Предложения {tag}")]), A_ANALYSIS_WRITERS),
        r(p.clone(), "/associations/{assoc_a}/analysis/2010/sections", Form(&[("text24", "Предложения всех {tag}"), ("save", "24")]), A_ANALYSIS_WRITERS),
        r(p.clone(), "/associations/{assoc_a}/analysis/{ry}/submit", None, A_ANALYSIS_WRITERS),
        r(p.clone(), "/associations/{assoc_a}/analysis/{dy}/decision", Form(&[("accept", "0"), ("comment", "Доработать")]), A_ANALYSIS_DECIDERS),
        r(g.clone(), "/associations/{assoc_a}/analysis/2010/docx", None, A_ALL),
        r(g.clone(), "/associations/{assoc_a}/analysis/2010/xlsx", None, A_ALL),
        r(g.clone(), "/api/v1/associations/{assoc_a}/analysis?year=2010", None, A_ALL),
        r(put.clone(), "/api/v1/associations/{assoc_a}/analysis/2010/sections/23", Json(r#"{"text": "Темы {tag}"}"#), A_ANALYSIS_WRITERS),
        r(p.clone(), "/api/v1/associations/{assoc_a}/analysis/{ry2}/submit", Json("{}"), A_ANALYSIS_WRITERS),
        r(p.clone(), "/api/v1/associations/{assoc_a}/analysis/{dy2}/decision", Json(r#"{"accept": true}"#), A_ANALYSIS_DECIDERS),
        r(g.clone(), "/api/v1/associations/{assoc_a}/analysis/2010/docx", None, A_ALL),
        r(g.clone(), "/api/v1/associations/{assoc_a}/analysis/2010/xlsx", None, A_ALL),
        r(g.clone(), "/analysis?municipality_id={muni_a}&year=2010", None, A_ALL),
        r(g.clone(), "/analysis/summary.xlsx?municipality_id={muni_a}&year=2010", None, A_ALL),
        r(g.clone(), "/api/v1/analysis?municipality_id={muni_a}&year=2010", None, A_ALL),
        // results: entered by the teacher (own), the head, the deputy, the authority; confirmed by curators
        r(g.clone(), "/associations/{assoc_a}/results", None, A_ALL),
        r(g.clone(), "/associations/{assoc_b}/results", None, B_ALL),
        r(
            p.clone(),
            "/associations/{assoc_a}/results/student",
            Form(&[
                ("event", "contest"),
                ("title", "Конкурс {tag}"),
                ("level", "municipal"),
                ("placement", "winner"),
                ("format", "in_person"),
                ("student_code", "К-{tag}"),
                ("teacher_ids", "{owner}"),
                ("on", "{today}"),
            ]),
            A_RESULT_ENTRANTS,
        ),
        r(
            p.clone(),
            "/associations/{assoc_a}/results/exam",
            Form(&[("teacher_id", "{owner}"), ("subject", "russian"), ("score", "85"), ("on", "{today}")]),
            A_RESULT_ENTRANTS,
        ),
        r(
            p.clone(),
            "/associations/{assoc_a}/results/teacher",
            Form(&[
                ("kind", "publication"),
                ("title", "Статья {tag}"),
                ("level", "regional"),
                ("outlet", "Сборник"),
                ("teacher_ids", "{owner}"),
                ("on", "{today}"),
            ]),
            A_RESULT_ENTRANTS,
        ),
        r(p.clone(), "/associations/{assoc_a}/results/{res_a}/scan", Upload(&[], "s.pdf", b"%PDF-1.4 matrix"), A_RESULT_ENTRANTS),
        r(p.clone(), "/associations/{assoc_a}/results/{ra1}/archive", None, A_RESULT_ENTRANTS),
        r(g.clone(), "/associations/{assoc_a}/results/{res_a}/edit", None, A_RESULT_ENTRANTS),
        r(
            p.clone(),
            "/associations/{assoc_a}/results/{res_a}/edit",
            Form(&[
                ("event", "contest"),
                ("title", "Конкурс {tag}"),
                ("level", "municipal"),
                ("placement", "winner"),
                ("format", "in_person"),
                ("student_code", "К-{tag}"),
                ("teacher_ids", "{owner}"),
                ("on", "{today}"),
            ]),
            A_RESULT_ENTRANTS,
        ),
        r(g.clone(), "/associations/{assoc_a}/history", None, A_ASSOC_EDITORS),
        r(g.clone(), "/associations/{assoc_a}/history/members-template.xlsx", None, A_ASSOC_EDITORS),
        r(g.clone(), "/associations/{assoc_a}/history/attendance-template.xlsx", None, A_ASSOC_EDITORS),
        r(
            p.clone(),
            "/associations/{assoc_a}/history/members",
            Upload(&[], "history.csv", "Учитель;Дата включения;Дата выбытия\n{owner_name};01.09.2010;31.05.2011\n".as_bytes()),
            A_ASSOC_EDITORS,
        ),
        r(
            p.clone(),
            "/api/v1/associations/{assoc_a}/history/members",
            Upload(&[], "history.csv", "Учитель;Дата включения;Дата выбытия\n{owner_name};01.09.2012;31.05.2013\n".as_bytes()),
            A_ASSOC_EDITORS,
        ),
        r(p.clone(), "/associations/{assoc_a}/history/attendance", Upload(&[], "attendance.csv", b"{attendance_csv}"), A_ASSOC_EDITORS),
        r(
            p.clone(),
            "/api/v1/associations/{assoc_a}/history/attendance",
            Upload(&[], "attendance.csv", b"{attendance_csv2}"),
            A_ASSOC_EDITORS,
        ),
        r(g.clone(), "/associations/{assoc_a}/results/exam/import", None, A_RESULT_IMPORTERS),
        r(g.clone(), "/associations/{assoc_a}/results/exam/template.xlsx", None, A_RESULT_IMPORTERS),
        r(
            p.clone(),
            "/associations/{assoc_a}/results/exam/import",
            Upload(&[], "ege.csv", "Учитель;Предмет;Балл;Дата;Код ученика\n{owner_name};русский язык;80;{today};И-{tag}\n".as_bytes()),
            A_RESULT_ENTRANTS,
        ),
        r(g.clone(), "/results/pending", None, &["admin", "uo.head", "uo.specialist", "cabinet.head", "b.specialist", "b.head"]),
        r(g.clone(), "/results/pending?municipality_id={muni_a}", None, A_CURATORS),
        r(g.clone(), "/results/pending?municipality_id={muni_b}", None, &["admin", "b.specialist", "b.head"]),
        r(p.clone(), "/results/{rc1}/confirm", Form(&[("comment", "")]), A_CURATORS),
        r(p.clone(), "/results/{rr1}/reject", Form(&[("comment", "Нет печати")]), A_CURATORS),
        r(g.clone(), "/results/{res_a}/scans/{scan_a}", None, A_SCAN_READERS),
        r(g.clone(), "/municipalities/{muni_a}/exam-thresholds", None, A_ALL),
        r(g.clone(), "/municipalities/{muni_b}/exam-thresholds", None, B_ALL),
        r(
            p.clone(),
            "/municipalities/{muni_a}/exam-thresholds",
            Form(&[("subject", "physics"), ("minimum", "36"), ("high", "81")]),
            A_MANAGERS,
        ),
        r(g.clone(), "/municipalities/{muni_a}/non-objective?year=2025", None, A_ALL),
        r(
            p.clone(),
            "/municipalities/{muni_a}/non-objective",
            Form(&[("organization_id", "{org_a}"), ("year", "{year}"), ("subject", "mathematics")]),
            A_MANAGERS,
        ),
        r(p.clone(), "/municipalities/{muni_a}/non-objective/{no1}/remove", None, A_MANAGERS),
        r(g.clone(), "/api/v1/associations/{assoc_a}/results", None, A_ALL),
        r(g.clone(), "/api/v1/associations/{assoc_b}/results", None, B_ALL),
        r(
            p.clone(),
            "/api/v1/associations/{assoc_a}/results/student",
            Json(r#"{"event": "olympiad", "title": "Олимпиада {tag}", "level": "school", "placement": "participant", "format": "remote", "student_code": "О-{tag}", "teacher_ids": [{owner}], "on": "{today}"}"#),
            A_RESULT_ENTRANTS,
        ),
        r(
            p.clone(),
            "/api/v1/associations/{assoc_a}/results/exam",
            Json(r#"{"teacher_id": {owner}, "subject": "physics", "score": "70", "on": "{today}"}"#),
            A_RESULT_ENTRANTS,
        ),
        r(
            p.clone(),
            "/api/v1/associations/{assoc_a}/results/teacher",
            Json(r#"{"kind": "competition", "title": "Учитель года {tag}", "level": "municipal", "placement": "participant", "format": "in_person", "teacher_ids": [{owner}], "on": "{today}"}"#),
            A_RESULT_ENTRANTS,
        ),
        r(
            put.clone(),
            "/api/v1/results/{res_a}",
            Json(r#"{"event": "contest", "title": "Общий конкурс", "level": "municipal", "placement": "winner", "format": "in_person", "student_code": "О-1", "teacher_ids": [{owner}], "on": "{today}"}"#),
            A_RESULT_ENTRANTS,
        ),
        r(del.clone(), "/api/v1/results/{ra2}", None, A_RESULT_ENTRANTS),
        r(
            p.clone(),
            "/api/v1/associations/{assoc_a}/results/exam/import",
            Upload(&[], "ege.csv", "Учитель;Предмет;Балл;Дата\n{owner_name};химия;75;{today}\n".as_bytes()),
            A_RESULT_ENTRANTS,
        ),
        r(p.clone(), "/api/v1/results/{res_a}/scans", Upload(&[], "s.pdf", b"%PDF-1.4 matrix"), A_RESULT_ENTRANTS),
        r(p.clone(), "/api/v1/results/{rc2}/confirm", Json("{}"), A_CURATORS),
        r(p.clone(), "/api/v1/results/{rr2}/reject", Json(r#"{"comment": "Нет подписи"}"#), A_CURATORS),
        r(g.clone(), "/api/v1/results/pending?municipality_id={muni_a}", None, A_CURATORS),
        r(g.clone(), "/api/v1/results/pending?municipality_id={muni_b}", None, &["admin", "b.specialist", "b.head"]),
        r(g.clone(), "/api/v1/municipalities/{muni_a}/exam-thresholds", None, A_ALL),
        r(g.clone(), "/api/v1/municipalities/{muni_b}/exam-thresholds", None, B_ALL),
        r(
            put.clone(),
            "/api/v1/municipalities/{muni_a}/exam-thresholds",
            Json(r#"{"subject": "chemistry", "minimum": 36, "high": 81}"#),
            A_MANAGERS,
        ),
        r(g.clone(), "/api/v1/municipalities/{muni_a}/non-objective?year=2025", None, A_ALL),
        r(
            p.clone(),
            "/api/v1/municipalities/{muni_a}/non-objective",
            Json(r#"{"organization_id": {org_a}, "year": "{year}", "subject": "russian"}"#),
            A_MANAGERS,
        ),
        r(del.clone(), "/api/v1/municipalities/{muni_a}/non-objective/{no2}", None, A_MANAGERS),
        r(g.clone(), "/control?municipality_id={muni_a}", None, A_OVERSEERS),
        r(g.clone(), "/control.xlsx?municipality_id={muni_a}&year=2025", None, A_OVERSEERS),
        r(g.clone(), "/control?municipality_id={muni_b}", None, &["admin", "operator", "b.specialist", "b.head"]),
        r(g.clone(), "/analysis/region?region_id={region}&year=2010", None, REGION_MANAGERS),
        r(g.clone(), "/analysis/region.xlsx?region_id={region}&year=2010", None, REGION_MANAGERS),
        r(g.clone(), "/api/v1/analysis/region?region_id={region}&year=2010", None, REGION_MANAGERS),
    ]
}

/// A meeting of the association held today, everyone present, with one agenda item.
async fn held_meeting(
    tx: &mut sqlx::AnyConnection,
    a: &metoda_store::associations::Association,
    s: &ProfileSettings,
) -> metoda_store::meetings::Meeting {
    use metoda_domain::meetings::{AgendaInput, Attendance, MeetingInput};
    use metoda_store::meetings;
    let actor = Actor::cli("matrix");
    let today = time::OffsetDateTime::now_utc().date();
    let d = MeetingInput {
        held_on: metoda_domain::values::iso_date(today),
        place_note: "каб. 1".into(),
        ..Default::default()
    }
    .parse()
    .unwrap();
    let m = meetings::create(tx, &actor, a, s, &d).await.unwrap();
    let marks: Vec<(TeacherId, Attendance)> =
        meetings::roster(tx, &m).await.unwrap().iter().map(|r| (r.teacher_id, Attendance::Present)).collect();
    meetings::set_attendance(tx, &actor, a, &m, s, today, &marks, None).await.unwrap();
    let item = AgendaInput { topic: "Вопрос".into(), ..Default::default() }.parse().unwrap();
    meetings::add_agenda(tx, &actor, a, &m, s, &item).await.unwrap();
    meetings::get(tx, m.id).await.unwrap()
}

/// One role's own meetings, agenda items, guests and tasks (so one role's change never disturbs
/// another's check).
async fn meeting_fixtures(
    tx: &mut sqlx::AnyConnection,
    a: &metoda_store::associations::Association,
    s: &ProfileSettings,
    signed: &metoda_store::meetings::Meeting,
    owner: i64,
) -> HashMap<&'static str, i64> {
    use metoda_domain::meetings::{AgendaInput, MeetingInput};
    use metoda_store::meetings;
    let actor = Actor::cli("matrix");
    let today = metoda_domain::values::iso_date(time::OffsetDateTime::now_utc().date());
    let mut out = HashMap::new();
    let held = held_meeting(tx, a, s).await;
    out.insert("held", held.id.get());
    let item: i64 = sqlx::query_scalar("SELECT MIN(id) FROM meeting_agenda WHERE meeting_id = $1")
        .bind(held.id.get())
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    out.insert("item", item);
    for key in ["item2", "item3"] {
        let d = AgendaInput { topic: format!("Лишний вопрос {key}"), ..Default::default() }.parse().unwrap();
        out.insert(key, meetings::add_agenda(tx, &actor, a, &held, s, &d).await.unwrap());
    }
    for key in ["guest", "guest2"] {
        out.insert(key, meetings::add_guest(tx, &actor, a, &held, "Гость", "методист").await.unwrap().id);
    }
    out.insert("draft", held_meeting(tx, a, s).await.id.get());
    for key in ["sign", "sign2"] {
        let m = held_meeting(tx, a, s).await;
        meetings::draft_minutes(tx, &actor, a, &m, s).await.unwrap();
        out.insert(key, m.id.get());
    }
    for key in ["cancel", "cancel2"] {
        let d =
            MeetingInput { held_on: today.clone(), place_note: "каб. 2".into(), ..Default::default() }.parse().unwrap();
        out.insert(key, meetings::create(tx, &actor, a, s, &d).await.unwrap().id.get());
    }
    for key in ["action", "action2"] {
        let x =
            meetings::add_action(tx, &actor, a, signed, None, "Задача", Some(TeacherId(owner)), &today).await.unwrap();
        out.insert(key, x.id);
    }
    out
}

/// A draft seminar of A's association today, open for registration.
async fn matrix_event(
    tx: &mut sqlx::AnyConnection,
    a: &metoda_store::associations::Association,
) -> metoda_store::events::Event {
    let d = metoda_domain::events::EventInput {
        title: "Семинар матрицы".into(),
        form: "seminar".into(),
        reach: "municipality".into(),
        starts_on: metoda_domain::values::iso_date(time::OffsetDateTime::now_utc().date()),
        place_note: "каб. 1".into(),
        registration_open: "1".into(),
        hours: "2".into(),
        ..Default::default()
    }
    .parse()
    .unwrap();
    metoda_store::events::create(tx, &Actor::cli("matrix"), a.municipality_id, a.region_id, Some(a), &d).await.unwrap()
}

/// One role's own events of A's association, each in the state its route needs: drafts to
/// announce, announced ones to register for (and registrations to cancel), ones under way with
/// a registration to mark, held ones with someone present to certify, certificates to revoke.
async fn event_fixtures(
    tx: &mut sqlx::AnyConnection,
    a: &metoda_store::associations::Association,
) -> HashMap<&'static str, i64> {
    use metoda_domain::events::EventAction;
    use metoda_store::events::{self, Registrant};
    let actor = Actor::cli("matrix");
    let today = time::OffsetDateTime::now_utc().date();
    let mut out = HashMap::new();
    for key in ["draft", "draft2"] {
        out.insert(key, matrix_event(tx, a).await.id.get());
    }
    let guest = || Registrant::Guest { name: "Гость матрицы", organization: Some("Школа") };
    for (key, reg, item) in [("ann", "ann_r", "item"), ("ann2", "ann2_r", "item2")] {
        let e = matrix_event(tx, a).await;
        events::act(tx, &actor, a.region_id, e.id, EventAction::Announce, None).await.unwrap();
        let r = events::register(tx, &actor, e.id, guest(), false, today).await.unwrap();
        let d = metoda_domain::events::ProgrammeInput {
            topic: "Доклад".into(),
            speaker_name: "Гость".into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        let p = events::add_programme_item(tx, &actor, e.id, &d).await.unwrap();
        let role = metoda_domain::events::StaffRole::Organiser;
        let teacher: i64 =
            sqlx::query_scalar("SELECT MIN(teacher_id) FROM association_members WHERE association_id = $1")
                .bind(a.id.get())
                .fetch_one(&mut *tx)
                .await
                .unwrap();
        let s = events::add_staff(tx, &actor, e.id, TeacherId(teacher), role).await.unwrap();
        out.insert(if key == "ann" { "staff" } else { "staff2" }, s.id);
        out.insert(key, e.id.get());
        out.insert(reg, r.id);
        out.insert(item, p.id);
        let m = events::attach_material(
            tx,
            &actor,
            e.id,
            "Презентация матрицы",
            metoda_store::attachments::Content::Link("https://example.org/slides"),
        )
        .await
        .unwrap();
        out.insert(if key == "ann" { "mat" } else { "mat2" }, m.id);
    }
    for (key, reg) in [("held", "held_r"), ("held2", "held2_r")] {
        let e = matrix_event(tx, a).await;
        events::act(tx, &actor, a.region_id, e.id, EventAction::Announce, None).await.unwrap();
        let r = events::register(tx, &actor, e.id, guest(), false, today).await.unwrap();
        events::mark_attendance(tx, &actor, e.id, &[(r.id, true)]).await.unwrap();
        events::act(tx, &actor, a.region_id, e.id, EventAction::MarkHeld, None).await.unwrap();
        out.insert(key, e.id.get());
        out.insert(reg, r.id);
    }
    for (key, reg) in [("oly", "oly_r"), ("oly2", "oly2_r")] {
        let d = metoda_domain::events::EventInput {
            title: "Олимпиада матрицы".into(),
            form: "student_olympiad".into(),
            reach: "municipality".into(),
            starts_on: metoda_domain::values::iso_date(today),
            place_note: "каб. 1".into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        let e = events::create(tx, &actor, a.municipality_id, a.region_id, Some(a), &d).await.unwrap();
        events::act(tx, &actor, a.region_id, e.id, EventAction::Announce, None).await.unwrap();
        let student = Registrant::Guest { name: "Ученик матрицы", organization: Some("Школа") };
        let r = events::register(tx, &actor, e.id, student, false, today).await.unwrap();
        events::mark_attendance(tx, &actor, e.id, &[(r.id, true)]).await.unwrap();
        events::act(tx, &actor, a.region_id, e.id, EventAction::MarkHeld, None).await.unwrap();
        out.insert(key, e.id.get());
        out.insert(reg, r.id);
    }
    for key in ["cert", "cert2"] {
        let e = matrix_event(tx, a).await;
        events::act(tx, &actor, a.region_id, e.id, EventAction::Announce, None).await.unwrap();
        let r = events::register(tx, &actor, e.id, guest(), false, today).await.unwrap();
        events::mark_attendance(tx, &actor, e.id, &[(r.id, true)]).await.unwrap();
        events::act(tx, &actor, a.region_id, e.id, EventAction::MarkHeld, None).await.unwrap();
        events::issue_participant_certificates(tx, &actor, e.id).await.unwrap();
        out.insert(key, events::certificates(tx, e.id).await.unwrap()[0].id);
    }
    out
}

/// One role's own results of A's teacher account (a scan attached, pending) to confirm, reject
/// and remove, and entries of the non-objective list to remove.
async fn result_fixtures(
    tx: &mut sqlx::AnyConnection,
    municipality_id: i64,
    owner: i64,
    org: i64,
    i: usize,
) -> HashMap<&'static str, i64> {
    use metoda_domain::results::{NonObjectiveInput, StudentResultInput};
    use metoda_store::results;
    let actor = Actor::cli("matrix");
    let today = time::OffsetDateTime::now_utc().date();
    let mut out = HashMap::new();
    for key in ["rc1", "rc2", "rr1", "rr2", "ra1", "ra2"] {
        let d = StudentResultInput {
            event: "contest".into(),
            title: format!("Конкурс {key}"),
            level: "municipal".into(),
            placement: "winner".into(),
            format: "in_person".into(),
            student_code: format!("М-{i}-{key}"),
            teacher_ids: vec![owner],
            on: metoda_domain::values::iso_date(today),
            ..Default::default()
        }
        .parse(today)
        .unwrap();
        let r = results::add_student(tx, &actor, MunicipalityId(municipality_id), &d).await.unwrap();
        let file = metoda_store::attachments::Content::File {
            name: "s.pdf",
            content_type: "application/pdf",
            bytes: b"%PDF-1.4 matrix",
        };
        results::attach_scan(tx, &actor, &r, "", file).await.unwrap();
        out.insert(key, r.id.get());
    }
    for (key, subject) in [("no1", "mathematics"), ("no2", "russian")] {
        let d = NonObjectiveInput { organization_id: Some(org), year: (1990 + i).to_string(), subject: subject.into() }
            .parse()
            .unwrap();
        out.insert(key, results::add_non_objective(tx, &actor, MunicipalityId(municipality_id), &d).await.unwrap().id);
    }
    out
}

/// Names that only B's data carries, and only A's.
const B_MARKERS: &[&str] = &["СОШ Б", "ММО Б", "Город Б", "b.specialist", "Бэшкина", "Приказ города Б"];
const A_MARKERS: &[&str] = &["Богашёвская", "ММО учителей математики", "Томский район", "uo.specialist"];

fn settings_pairs() -> Vec<(String, String)> {
    common::profile_form(&preset("seed-002").unwrap().settings, "Своё")
}

#[tokio::test]
async fn every_route_for_every_role() {
    let app = TestApp::start().await;
    // Fixtures: a profile of each municipality, and per role a target user in A with two grants
    // (so revocations by one role never disturb another), and a token of each role to revoke.
    let actor = Actor::cli("matrix");
    let mut tx = app.t.db.begin().await.unwrap();
    let preset_id = profiles::by_code(&mut tx, "seed-002").await.unwrap().id;
    let own_a = profiles::copy(
        &mut tx,
        &actor,
        preset_id,
        Place { region_id: RegionId(app.region), municipality_id: Some(MunicipalityId(app.muni_a)) },
        "Своё А",
    )
    .await
    .unwrap()
    .id;
    let own_b = profiles::copy(
        &mut tx,
        &actor,
        preset_id,
        Place { region_id: RegionId(app.region), municipality_id: Some(MunicipalityId(app.muni_b)) },
        "Своё Б",
    )
    .await
    .unwrap()
    .id;
    let mut per_role: HashMap<&str, (i64, i64, i64)> = HashMap::new();
    // Meetings of A's association: a signed one shared by all, and a set of its own for each role.
    let a_assoc = metoda_store::associations::get(&mut tx, AssociationId(app.assoc_a)).await.unwrap();
    let a_settings = preset("seed-002").unwrap().settings;
    let (head_user, _) = users::by_login(&mut tx, "mmo.head").await.unwrap().unwrap();
    let head = Actor { user_id: Some(head_user.id), login: "mmo.head".into(), ip: None };
    let owner: i64 = sqlx::query_scalar("SELECT id FROM teachers WHERE user_id = $1")
        .bind(app.a_user)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    let signed = held_meeting(&mut tx, &a_assoc, &a_settings).await;
    metoda_store::meetings::draft_minutes(&mut tx, &actor, &a_assoc, &signed, &a_settings).await.unwrap();
    let signed = metoda_store::meetings::get(&mut tx, signed.id).await.unwrap();
    metoda_store::meetings::sign(&mut tx, &head, &a_assoc, &signed, &a_settings, Signatory::Head, "Орлова Е. П.")
        .await
        .unwrap();
    let mut meetings_per_role: HashMap<&str, HashMap<&str, i64>> = HashMap::new();
    let mut results_per_role: HashMap<&str, HashMap<&str, i64>> = HashMap::new();
    let mut events_per_role: HashMap<&str, HashMap<&str, i64>> = HashMap::new();
    // A's announced seminar everyone of A sees, and a held one whose certificate is A's teacher
    // account's.
    let (ev, ev_h, ev_c) = {
        use metoda_domain::events::EventAction;
        use metoda_store::events::{self, Registrant};
        let today = time::OffsetDateTime::now_utc().date();
        let ev = matrix_event(&mut tx, &a_assoc).await;
        events::act(&mut tx, &actor, a_assoc.region_id, ev.id, EventAction::Announce, None).await.unwrap();
        let held = matrix_event(&mut tx, &a_assoc).await;
        events::act(&mut tx, &actor, a_assoc.region_id, held.id, EventAction::Announce, None).await.unwrap();
        let r = events::register(&mut tx, &actor, held.id, Registrant::Teacher(TeacherId(owner)), false, today)
            .await
            .unwrap();
        events::mark_attendance(&mut tx, &actor, held.id, &[(r.id, true)]).await.unwrap();
        events::act(&mut tx, &actor, a_assoc.region_id, held.id, EventAction::MarkHeld, None).await.unwrap();
        events::issue_participant_certificates(&mut tx, &actor, held.id).await.unwrap();
        (ev.id.get(), held.id.get(), events::certificates(&mut tx, held.id).await.unwrap()[0].id)
    };
    // A result of A's teacher account with a scan, shared by the routes that may repeat.
    let (res_a, scan_a) = {
        let fx = result_fixtures(&mut tx, app.muni_a, owner, app.org_a, 99).await;
        let scan: i64 = sqlx::query_scalar("SELECT MIN(id) FROM attachments WHERE owner = 'result' AND owner_id = $1")
            .bind(fx["rc1"])
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        (fx["rc1"], scan)
    };
    for (i, login) in ROLES.iter().enumerate() {
        let d = UserInput {
            login: format!("target{i}"),
            full_name: format!("Цель {i}"),
            email: String::new(),
            password: "пароль-цели-123".into(),
        }
        .parse(true)
        .unwrap();
        let u = users::create(&mut tx, &actor, Some(RegionId(app.region)), Some(MunicipalityId(app.muni_a)), &d)
            .await
            .unwrap();
        let ids = users::resolve_scope(&mut tx, metoda_domain::access::ScopeKind::Association, Some(app.assoc_a))
            .await
            .unwrap();
        let g1 = users::add_grant(&mut tx, &actor, u.id, Role::MemberTeacher, ids).await.unwrap();
        let ids = users::resolve_scope(&mut tx, metoda_domain::access::ScopeKind::Organization, Some(app.org_a2))
            .await
            .unwrap();
        let g2 = users::add_grant(&mut tx, &actor, u.id, Role::OrgAdmin, ids).await.unwrap();
        per_role.insert(login, (u.id.get(), g1.id, g2.id));
        meetings_per_role.insert(login, meeting_fixtures(&mut tx, &a_assoc, &a_settings, &signed, owner).await);
        results_per_role.insert(login, result_fixtures(&mut tx, app.muni_a, owner, app.org_a, i).await);
        events_per_role.insert(login, event_fixtures(&mut tx, &a_assoc).await);
        // Two submitted analyses per role for the decision routes (years of their own).
        for year in [1900 + 2 * i as i32, 1901 + 2 * i as i32] {
            let r = metoda_store::reports::open(
                &mut tx,
                &actor,
                &a_assoc,
                &a_settings,
                metoda_domain::analysis::Period::academic(year),
            )
            .await
            .unwrap();
            metoda_store::reports::submit(
                &mut tx,
                &actor,
                &a_assoc,
                &r,
                &metoda_store::reports::Snapshot {
                    format: metoda_web::features::analysis::SNAPSHOT_FORMAT,
                    content: serde_json::from_str(include_str!("../fixtures/analysis_snapshot_v1.json")).unwrap(),
                },
                time::OffsetDateTime::now_utc().date(),
            )
            .await
            .unwrap();
        }
    }
    // A file of A's association and a scan of B's order.
    let pdf = b"%PDF-1.4 test".to_vec();
    let scope_a = metoda_store::audit::Scope {
        region_id: Some(RegionId(app.region)),
        municipality_id: Some(MunicipalityId(app.muni_a)),
    };
    let scope_b = metoda_store::audit::Scope {
        region_id: Some(RegionId(app.region)),
        municipality_id: Some(MunicipalityId(app.muni_b)),
    };
    let file =
        || metoda_store::attachments::Content::File { name: "a.pdf", content_type: "application/pdf", bytes: &pdf };
    let att_a = metoda_store::attachments::add(
        &mut tx,
        &actor,
        scope_a,
        metoda_domain::files::AttachmentOwner::Association,
        app.assoc_a,
        metoda_domain::files::AttachmentKind::Document(metoda_domain::profile::RequiredDocument::Minutes),
        Some(2026),
        "Протокол",
        file(),
    )
    .await
    .unwrap()
    .id;
    let att_b = metoda_store::attachments::add(
        &mut tx,
        &actor,
        scope_b,
        metoda_domain::files::AttachmentOwner::Order,
        app.b_order,
        metoda_domain::files::AttachmentKind::Scan,
        None,
        "Скан",
        file(),
    )
    .await
    .unwrap()
    .id;
    // A creative group of the МУМО without members yet, and a member of the МУМО to put in it.
    let assoc_c = metoda_store::associations::get(&mut tx, AssociationId(app.assoc_c)).await.unwrap();
    let c_member =
        metoda_store::associations::members(&mut tx, AssociationId(app.assoc_c), None).await.unwrap()[0].teacher_id;
    let sg_c = metoda_store::associations::create_subgroup(
        &mut tx,
        &actor,
        &assoc_c,
        "creative_group",
        "Пустая группа",
        None,
        "2026-09-01",
    )
    .await
    .unwrap()
    .id;
    // Two memberships of the group to end (page, API), and another member to put in it by the API.
    let c_members = metoda_store::associations::members(&mut tx, AssociationId(app.assoc_c), None).await.unwrap();
    let mut sgm_c = vec![];
    for m in &c_members[1..3] {
        let joined = m.joined_on.max(time::macros::date!(2026 - 09 - 01));
        sgm_c.push(
            metoda_store::associations::add_subgroup_member(
                &mut tx,
                &actor,
                &assoc_c,
                sg_c,
                m.teacher_id,
                joined,
                None,
            )
            .await
            .unwrap()
            .id,
        );
    }
    let c_member2 = c_members[3].teacher_id;
    // Plans: one of A with an item and one of B to read, and per role two fresh plans of A whose
    // first step each role may try (years far from the demo's plans of this and last year); a
    // cyclogram row of A to edit and one to remove.
    let a = metoda_store::associations::get(&mut tx, AssociationId(app.assoc_a)).await.unwrap();
    let b = metoda_store::associations::get(&mut tx, AssociationId(app.assoc_b)).await.unwrap();
    let s002 = profiles::get(&mut tx, preset_id).await.unwrap().settings().unwrap();
    let plan_a = metoda_store::plans::create(&mut tx, &actor, &a, &s002, 2040).await.unwrap();
    let plan_b = metoda_store::plans::create(&mut tx, &actor, &b, &s002, 2040).await.unwrap().id;
    let (from, to) = plan_a.bounds();
    let d = metoda_domain::plans::ItemInput {
        title: "Заседание".into(),
        direction: "analytical".into(),
        form: "meeting".into(),
        planned_month: "9".into(),
        ..Default::default()
    }
    .parse(from, to)
    .unwrap();
    let item_a = metoda_store::plans::add_item(&mut tx, &actor, &a, &plan_a, &d, None).await.unwrap().id;
    let mut plans_per_role: HashMap<&str, (i64, i64)> = HashMap::new();
    for (i, login) in ROLES.iter().enumerate() {
        let y = 2001 + i as i32;
        let p1 = metoda_store::plans::create(&mut tx, &actor, &a, &s002, y).await.unwrap().id;
        let p2 = metoda_store::plans::create(&mut tx, &actor, &a, &s002, y + 40).await.unwrap().id;
        plans_per_role.insert(login, (p1.get(), p2.get()));
    }
    let row = metoda_domain::plans::CyclogramInput {
        month: "5".into(),
        title: "Анализ".into(),
        direction: "analytical".into(),
        form: "meeting".into(),
        ..Default::default()
    }
    .parse()
    .unwrap();
    let cyc_a = metoda_store::cyclograms::add(&mut tx, &actor, &a, &row).await.unwrap().id;
    let cyc_a2 = metoda_store::cyclograms::add(&mut tx, &actor, &a, &row).await.unwrap().id;
    let plan_a = plan_a.id;
    tx.commit().await.unwrap();
    let settings_json = serde_json::to_string(&preset("seed-002").unwrap().settings).unwrap();
    // A's head teacher as a form and as JSON: the current data, so updates change nothing.
    let teacher_json: Value = {
        let admin = app.login("admin").await;
        let t: Value = admin.get(&format!("/api/v1/teachers/{}", app.a_teacher)).await.json().await.unwrap();
        let p = &t["personal"];
        let iso = |v: &Value| {
            let s = v.as_str().unwrap_or("");
            if s.len() == 10 { format!("{}-{}-{}", &s[6..10], &s[3..5], &s[0..2]) } else { String::new() }
        };
        serde_json::json!({
            "last_name": t["last_name"], "first_name": t["first_name"], "middle_name": t["middle_name"].as_str().unwrap_or(""),
            "birth_date": iso(&p["birth_date"]), "organization_id": t["organization_id"], "position": t["position"],
            "subjects": t["subjects"].as_str().unwrap_or(""), "education": p["education"], "category": t["category"],
            "category_assigned_on": iso(&p["category_assigned_on"]), "category_expires_on": iso(&p["category_expires_on"]),
            "experience_start": iso(&p["experience_start"]),
        })
    };
    let teacher_pairs: Vec<(String, String)> = teacher_json
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
        .collect();
    let profile_form = settings_pairs();
    let owner_name: String = {
        let mut c = app.t.db.conn().await.unwrap();
        let (l, f, m): (String, String, Option<String>) =
            sqlx::query_as("SELECT last_name, first_name, middle_name FROM teachers WHERE id = $1")
                .bind(owner)
                .fetch_one(&mut *c)
                .await
                .unwrap();
        format!("{l} {f} {}", m.unwrap_or_default())
    };
    let today = metoda_domain::values::iso_date(time::OffsetDateTime::now_utc().date());
    let a_members: Vec<i64> = {
        let mut c = app.t.db.conn().await.unwrap();
        metoda_store::associations::members(&mut c, AssociationId(app.assoc_a), Some(&today))
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.teacher_id.get())
            .collect()
    };
    let marks_json = serde_json::to_string(
        &a_members.iter().map(|t| serde_json::json!({"teacher_id": t, "status": "present"})).collect::<Vec<_>>(),
    )
    .unwrap();

    // A third organization of A, for a place of work of A's head teacher through the API.
    let org_a3: i64 = {
        let mut c = app.t.db.conn().await.unwrap();
        sqlx::query_scalar(
            "SELECT id FROM organizations WHERE municipality_id = $1 AND id <> $2 AND id <> $3 AND archived_at IS NULL
             ORDER BY id LIMIT 1",
        )
        .bind(app.muni_a)
        .bind(app.org_a)
        .bind(app.org_a2)
        .fetch_one(&mut *c)
        .await
        .unwrap()
    };

    // A teacher record of A without an account, linked to each role's target and unlinked again.
    let link_a: i64 = {
        let mut c = app.t.db.conn().await.unwrap();
        sqlx::query_scalar(
            "SELECT MAX(id) FROM teachers WHERE municipality_id = $1 AND user_id IS NULL AND archived_at IS NULL AND id <> $2",
        )
        .bind(app.muni_a)
        .bind(app.a_free_teacher)
        .fetch_one(&mut *c)
        .await
        .unwrap()
    };

    let mut failures = vec![];
    let mut checked = 0;
    let uo_head = {
        let mut c = app.t.db.conn().await.unwrap();
        users::by_login(&mut c, "uo.head").await.unwrap().unwrap().0.id
    };
    for (i, login) in ROLES.iter().enumerate() {
        let session: Option<Session> = if login.is_empty() { None } else { Some(app.login(login).await) };
        let (target, gid1, gid2) = per_role[login];
        let mf = &meetings_per_role[login];
        let rf = &results_per_role[login];
        let ef = &events_per_role[login];
        let (plan_r, plan_r2) = plans_per_role[login];
        // A token of this user, to revoke, and a checked (empty) teacher file of A of this user,
        // to apply.
        let (token_id, import_id) = match &session {
            Some(s) => {
                let me: Value = s.get("/api/v1/me").await.json().await.unwrap();
                let user_id = me["user"]["id"].as_i64().unwrap();
                let mut tx = app.t.db.begin().await.unwrap();
                let (_, t) =
                    metoda_store::sessions::create_token(&mut tx, &actor, UserId(user_id), "матрица").await.unwrap();
                let import = metoda_store::imports::save(
                    &mut tx,
                    MunicipalityId(app.muni_a),
                    UserId(user_id),
                    "matrix.csv",
                    &[],
                    0,
                    0,
                )
                .await
                .unwrap();
                tx.commit().await.unwrap();
                (t.id, import)
            }
            None => (1, 1),
        };
        // The per-year part: a topic of A's teacher account waiting to be agreed, and no further
        // place of work of A's head teacher in {org_a2} or {org_a3}, so each role's form and API
        // call may succeed (a second one in the same organization is refused).
        {
            let mut tx = app.t.db.begin().await.unwrap();
            let t = metoda_store::teachers::get(&mut tx, TeacherId(owner)).await.unwrap();
            let year = metoda_domain::teachers::AcademicYear::containing(time::OffsetDateTime::now_utc().date()).0;
            metoda_store::teacher_years::propose_topic(&mut tx, &actor, &t, i64::from(year), "Тема матрицы", None)
                .await
                .unwrap();
            sqlx::query("DELETE FROM teacher_positions WHERE teacher_id = $1 AND organization_id IN ($2, $3)")
                .bind(app.a_teacher)
                .bind(app.org_a2)
                .bind(org_a3)
                .execute(&mut *tx)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
        let tag = format!("r{i}");
        let values: HashMap<&str, String> = HashMap::from([
            ("attendance_csv", past_attendance(&app, 0).await),
            ("attendance_csv2", past_attendance(&app, 1).await),
            ("region", app.region.to_string()),
            ("muni_a", app.muni_a.to_string()),
            ("muni_b", app.muni_b.to_string()),
            ("org_a2", app.org_a2.to_string()),
            ("org_a3", org_a3.to_string()),
            ("org_a", app.org_a.to_string()),
            ("org_b", app.org_b.to_string()),
            ("assoc_a", app.assoc_a.to_string()),
            ("assoc_b", app.assoc_b.to_string()),
            ("preset", preset_id.to_string()),
            ("own_a", own_a.to_string()),
            ("own_b", own_b.to_string()),
            ("target", target.to_string()),
            ("gid1", gid1.to_string()),
            ("gid2", gid2.to_string()),
            ("b_user2", app.b_user2.to_string()),
            ("a_teacher", app.a_teacher.to_string()),
            ("a_free", app.a_free_teacher.to_string()),
            ("b_teacher", app.b_teacher.to_string()),
            ("link_a", link_a.to_string()),
            ("a_order", app.a_order.to_string()),
            ("att_a", att_a.to_string()),
            ("att_b", att_b.to_string()),
            ("assoc_c", app.assoc_c.to_string()),
            ("sg_c", sg_c.to_string()),
            ("c_member", c_member.to_string()),
            ("c_member2", c_member2.to_string()),
            ("sgm_c", sgm_c[0].to_string()),
            ("sgm_c2", sgm_c[1].to_string()),
            ("b_order", app.b_order.to_string()),
            ("b_user", app.b_user.to_string()),
            ("uo_head", uo_head.to_string()),
            ("token", token_id.to_string()),
            ("import", import_id.to_string()),
            ("settings", settings_json.clone()),
            ("plan_a", plan_a.to_string()),
            ("plan_b", plan_b.to_string()),
            ("plan_r2", plan_r2.to_string()),
            ("plan_r", plan_r.to_string()),
            ("item_a", item_a.to_string()),
            ("cyc_a2", cyc_a2.to_string()),
            ("cyc_a", cyc_a.to_string()),
            ("year2", (2080 + i).to_string()),
            ("year", (2060 + i).to_string()),
            ("m_signed", signed.id.to_string()),
            ("owner_name", owner_name.clone()),
            ("owner", owner.to_string()),
            ("today", today.clone()),
            (
                "tomorrow",
                metoda_domain::values::iso_date(time::OffsetDateTime::now_utc().date() + time::Duration::days(1)),
            ),
            ("marks", marks_json.clone()),
            ("m_held", mf["held"].to_string()),
            ("m_guest", mf["guest"].to_string()),
            ("m_guest2", mf["guest2"].to_string()),
            ("m_item", mf["item"].to_string()),
            ("m_item2", mf["item2"].to_string()),
            ("m_item3", mf["item3"].to_string()),
            ("m_draft", mf["draft"].to_string()),
            ("m_sign", mf["sign"].to_string()),
            ("m_sign2", mf["sign2"].to_string()),
            ("m_action", mf["action"].to_string()),
            ("m_action2", mf["action2"].to_string()),
            ("m_cancel", mf["cancel"].to_string()),
            ("m_cancel2", mf["cancel2"].to_string()),
            ("ry", (1950 + 2 * i).to_string()),
            ("ry2", (1951 + 2 * i).to_string()),
            ("dy", (1900 + 2 * i).to_string()),
            ("dy2", (1901 + 2 * i).to_string()),
            ("res_a", res_a.to_string()),
            ("scan_a", scan_a.to_string()),
            ("rc1", rf["rc1"].to_string()),
            ("rc2", rf["rc2"].to_string()),
            ("rr1", rf["rr1"].to_string()),
            ("rr2", rf["rr2"].to_string()),
            ("ra1", rf["ra1"].to_string()),
            ("ra2", rf["ra2"].to_string()),
            ("no1", rf["no1"].to_string()),
            ("no2", rf["no2"].to_string()),
            ("ev", ev.to_string()),
            ("ev_c", ev_c.to_string()),
            ("ev_h", ev_h.to_string()),
            ("e_draft", ef["draft"].to_string()),
            ("e_draft2", ef["draft2"].to_string()),
            ("e_ann", ef["ann"].to_string()),
            ("e_ann2", ef["ann2"].to_string()),
            ("e_ann_r", ef["ann_r"].to_string()),
            ("e_ann2_r", ef["ann2_r"].to_string()),
            ("e_item", ef["item"].to_string()),
            ("e_staff", ef["staff"].to_string()),
            ("e_staff2", ef["staff2"].to_string()),
            ("e_mat", ef["mat"].to_string()),
            ("e_mat2", ef["mat2"].to_string()),
            ("e_item2", ef["item2"].to_string()),
            ("e_oly", ef["oly"].to_string()),
            ("e_oly2", ef["oly2"].to_string()),
            ("e_oly_r", ef["oly_r"].to_string()),
            ("e_oly2_r", ef["oly2_r"].to_string()),
            ("e_held", ef["held"].to_string()),
            ("e_held2", ef["held2"].to_string()),
            ("e_cert", ef["cert"].to_string()),
            ("e_cert2", ef["cert2"].to_string()),
            ("tag", tag),
        ]);
        let fill = |s: &str| fill_in(s, &values);
        for route in routes() {
            let path = fill(route.path);
            let client = session.as_ref().map_or_else(TestApp::client, |s| s.c.clone());
            let csrf = session.as_ref().map(|s| s.csrf.clone()).unwrap_or_default();
            let mut req = client.request(route.method.clone(), app.url(&path));
            req = match route.body {
                Body::None if route.method != Method::GET => req.form(&[("_csrf", csrf.as_str())]),
                Body::None => req,
                Body::Form(fields) => {
                    let mut pairs = vec![("_csrf".to_owned(), csrf.clone())];
                    pairs.extend(fields.iter().map(|(k, v)| (fill(k), fill(v))));
                    req.form(&pairs)
                }
                Body::ProfileForm => {
                    let mut pairs = vec![("_csrf".to_owned(), csrf.clone())];
                    pairs.extend(profile_form.iter().cloned());
                    req.form(&pairs)
                }
                Body::Json(j) => {
                    req.header("x-csrf-token", &csrf).header("content-type", "application/json").body(fill(j))
                }
                Body::TeacherForm => {
                    let mut pairs = vec![("_csrf".to_owned(), csrf.clone())];
                    pairs.extend(teacher_pairs.iter().cloned());
                    req.form(&pairs)
                }
                Body::TeacherJson => req.header("x-csrf-token", &csrf).json(&teacher_json),
                Body::AttendanceForm => {
                    let mut pairs = vec![("_csrf".to_owned(), csrf.clone())];
                    pairs.extend(a_members.iter().map(|t| (format!("a_{t}"), "present".to_owned())));
                    req.form(&pairs)
                }
                Body::Upload(fields, name, bytes) => {
                    let mut form = reqwest::multipart::Form::new().text("_csrf", csrf.clone());
                    for (k, v) in fields {
                        form = form.text((*k).to_owned(), fill(v));
                    }
                    let body = fill(&String::from_utf8_lossy(bytes)).into_bytes();
                    req.multipart(
                        form.part("file", reqwest::multipart::Part::bytes(body).file_name((*name).to_owned())),
                    )
                }
            };
            let resp = req.send().await.unwrap();
            let status = resp.status();
            let location = resp.headers().get("location").map(|v| v.to_str().unwrap_or("").to_owned());
            let text = resp.text().await.unwrap_or_default();
            checked += 1;
            let what = format!("{} {} as {:?}", route.method, path, if login.is_empty() { "anonymous" } else { login });
            let allowed = !login.is_empty() && route.allowed.contains(login);
            let ok = if allowed {
                status.is_success() || status.is_redirection() && location.as_deref() != Some("/login")
            } else if login.is_empty() {
                matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
                    || location.as_deref() == Some("/login")
            } else {
                matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND)
            };
            if !ok {
                failures.push(format!(
                    "{what}: got {status} {location:?}, expected {}",
                    if allowed { "success" } else { "refusal" }
                ));
                continue;
            }
            if !allowed && path.starts_with("/api/") && !text.is_empty() {
                let v: Value = serde_json::from_str(&text).unwrap_or_default();
                if v["error"]["code"].as_str().is_none() {
                    failures.push(format!("{what}: a refusal without the JSON error envelope: {text:.200}"));
                }
            }
            // Never data of the other municipality.
            let markers: &[&str] = if B_ALL.contains(login) && !A_ALL.contains(login) {
                A_MARKERS
            } else if A_ALL.contains(login) && !B_ALL.contains(login) {
                B_MARKERS
            } else {
                &[]
            };
            for m in markers {
                if text.contains(m) {
                    failures.push(format!("{what}: the response shows «{m}» of the other municipality"));
                }
            }
        }
    }
    assert!(checked > 2000, "{checked}");
    assert!(failures.is_empty(), "{} of {checked} checks failed:\n{}", failures.len(), failures.join("\n"));
    app.stop().await;
}

/// Fills every `{name}` placeholder of `s` from `values` in one pass over the text: what is put in
/// is never read again, so no placeholder depends on the order of another. A `{` that does not
/// open a `{name}` (of letters, digits and `_`) stays as it is, so JSON bodies keep their braces;
/// a placeholder with no value is a mistake in the table.
fn fill_in(s: &str, values: &HashMap<&str, String>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let len = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
        if len > 0 && after[len..].starts_with('}') {
            let name = &after[..len];
            out.push_str(
                values.get(name).unwrap_or_else(|| panic!("no value for the placeholder {{{name}}} in {s:?}")),
            );
            rest = &after[len + 1..];
        } else {
            out.push('{');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn placeholders_are_filled_in_one_pass() {
    let values =
        HashMap::from([("plan_r", "1".to_owned()), ("plan_r2", "2".to_owned()), ("tag", "{plan_r}".to_owned())]);
    assert_eq!(fill_in("/plans/{plan_r2}/{plan_r}?t={tag}", &values), "/plans/2/1?t={plan_r}");
    assert_eq!(fill_in(r#"{"a": {plan_r}, "b": {}, "c": "{ x }"}"#, &values), r#"{"a": 1, "b": {}, "c": "{ x }"}"#);
    let unknown = std::panic::catch_unwind(|| fill_in("/plans/{plan_x}", &values)).unwrap_err();
    assert!(unknown.downcast_ref::<String>().unwrap().contains("{plan_x}"));
}

/// Routes the router serves that the matrix deliberately does not check, each with why. The
/// matrix expects the anonymous visitor to be refused everywhere, so what is open to everyone
/// has no row there (it is covered by its own tests).
const EXEMPT: &[(&str, &str)] = &[
    // The health probe answers anyone (load balancers and monitors do not sign in).
    ("GET", "/healthz"),
    // The liveness probe: answers anyone, reads nothing.
    ("GET", "/livez"),
    // The stylesheet and script: public, cacheable, no data.
    ("GET", "/static/app.css"),
    ("GET", "/static/app.js"),
    // A calendar feed answers its secret address, not a session; a revoked or forged one is 404
    // (tests/it/calendar.rs). Revoking a feed is the owner's only: another's answers 404 there too.
    ("GET", "/ical/{file}"),
    ("POST", "/calendar/{id}/revoke"),
    ("DELETE", "/api/v1/me/calendars/{id}"),
    // A certificate's public verification page answers its code, not a session: the name, the
    // event and the date only (tests/it/events.rs).
    ("GET", "/verify/{code}"),
    // The public calendar and its feed: open events only (reach «public», never a draft), no
    // personal data, no sign-in (tests/it/events.rs).
    ("GET", "/public/events"),
    ("GET", "/ical/public/{file}"),
    // The description of the API: public, no data.
    ("GET", "/api/openapi.json"),
    // Signing in is open to the anonymous visitor (tests/signin.rs, tests/api.rs).
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/api/v1/session"),
    // Signing out ends the session the matrix runs on (tests/signin.rs, tests/api.rs).
    ("POST", "/logout"),
    ("DELETE", "/api/v1/session"),
];

/// A route the router serves: its method, its path pattern as written (`/plans/{id}`), and where.
struct Served {
    method: String,
    path: String,
    at: String,
}

/// Every route the router serves, read from the web crate's source: each `.route("<path>",
/// <method>(handler).<method>(handler)…)` call in `src/**/*.rs`, the method routers plain or
/// qualified (`axum::routing::put`), over one line or several. axum cannot list its routes, so
/// this reads what builds them; anything it cannot read surely (`.nest`, `.route_service`, `any`,
/// `on`, a method router held in a variable) fails here rather than being skipped. It assumes
/// every feature's routes are merged at the root (`features::routes` merges them without prefix).
fn served_routes() -> Vec<Served> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![];
    let mut dirs = vec![root.join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut served = vec![];
    for file in files {
        let name = file.strip_prefix(root).unwrap().display().to_string();
        served.extend(routes_in(&std::fs::read_to_string(&file).unwrap(), &name));
    }
    assert!(served.len() > 100, "only {} routes read from the source", served.len());
    served
}

/// The routes of the `.route(…)` calls in one source file, `name`.
fn routes_in(source: &str, name: &str) -> Vec<Served> {
    let mut served = vec![];
    let code = without_comments(source);
    let line = |at: usize| code[..at].matches('\n').count() + 1;
    for unread in [".nest(", ".nest_service(", ".route_service(", ".fallback_service("] {
        if let Some(at) = code.find(unread) {
            panic!("{name}:{}: `{unread}…)` adds routes served_routes() cannot read; teach it", line(at));
        }
    }
    let mut from = 0;
    while let Some(found) = code[from..].find(".route(") {
        let start = from + found + ".route(".len();
        let end = closing(&code, start);
        let at = format!("{name}:{}", line(start));
        let args = code[start..end].trim();
        let Some(rest) = args.strip_prefix('"') else {
            panic!("{at}: a route path that is not a plain string literal")
        };
        let close = rest.find('"').unwrap();
        let path = &rest[..close];
        let Some(mut chain) = rest[close + 1..].trim_start().strip_prefix(',') else {
            panic!("{at}: cannot read .route({args})")
        };
        loop {
            chain = chain.trim_start();
            let len = chain.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')).unwrap_or(chain.len());
            let function = chain[..len].rsplit("::").next().unwrap();
            let method = function.strip_suffix("_service").unwrap_or(function);
            if !["get", "post", "put", "delete", "patch", "head", "options", "trace", "connect"].contains(&method) {
                panic!(
                    "{at}: `{function}` in .route(\"{path}\", …) is no method router served_routes() knows; teach it"
                );
            }
            let Some(open) = chain[len..].trim_start().strip_prefix('(') else {
                panic!("{at}: cannot read .route({args})")
            };
            let open_at = chain.len() - open.len() - 1;
            served.push(Served { method: method.to_uppercase(), path: path.to_owned(), at: at.clone() });
            chain = chain[closing(chain, open_at) + 1..].trim_start();
            match chain.strip_prefix('.') {
                Some(next) => chain = next,
                None if chain.is_empty() || chain == "," => break,
                None => panic!("{at}: cannot read .route({args})"),
            }
        }
        from = end;
    }
    served
}

#[test]
fn the_route_reader_reads_every_form_in_use() {
    let source = r##"
        // .route("/commented", get(nothing))
        /* .route("/blocked", get(nothing)) */
        Router::new()
            .route("/a/{id}", get(a).post(b))
            .route("/b", axum::routing::put(c).delete(d))
            .route(
                "/c/{id}/{n}",
                routing::patch(handler::<i64>)
                    .get(|| async { "text with ( and // and .route(\"/no\", get(x))" }),
            )
            .route("/d", delete(d)) // a comment .route("/e", get(e))
            .route_layer(layer);
        let quote = '"'; let not_a_char: &'static str = "\"";
        Router::new().route("/f", get(f));
    "##;
    let read: Vec<String> =
        routes_in(source, "x.rs").iter().map(|s| format!("{} {} {}", s.method, s.path, s.at)).collect();
    assert_eq!(
        read,
        [
            "GET /a/{id} x.rs:5",
            "POST /a/{id} x.rs:5",
            "PUT /b x.rs:6",
            "DELETE /b x.rs:6",
            "PATCH /c/{id}/{n} x.rs:7",
            "GET /c/{id}/{n} x.rs:7",
            "DELETE /d x.rs:12",
            "GET /f x.rs:15",
        ]
    );
    for unreadable in [r#".route("/x", any(h))"#, r#".route("/x", on(MethodFilter::GET, h))"#, r#".nest("/x", r)"#] {
        assert!(std::panic::catch_unwind(|| routes_in(unreadable, "x.rs")).is_err(), "{unreadable} read");
    }
}

/// Rust source with its comments blanked (each byte a space, lines kept), strings and characters
/// left as they are, so a `.route(` in a comment is no route and a `//` in a string no comment.
fn without_comments(code: &str) -> String {
    let b = code.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = code[i..].find('\n').map_or(b.len(), |n| i + n);
                blank(&mut out, i, end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let (mut depth, mut j) = (1, i + 2);
                while j < b.len() && depth > 0 {
                    if b[j..].starts_with(b"/*") {
                        depth += 1;
                        j += 2;
                    } else if b[j..].starts_with(b"*/") {
                        depth -= 1;
                        j += 2;
                    } else {
                        j += 1;
                    }
                }
                blank(&mut out, i, j);
                i = j;
            }
            _ => i = past_literal(code, i).unwrap_or(i + 1),
        }
    }
    String::from_utf8(out).unwrap()
}

/// If a string or character literal starts at byte `i` of `code` (`"…"`, `r#"…"#`, `b"…"`, `'x'`,
/// `'\n'`), the index just past it; a lifetime (`'a`) is none.
fn past_literal(code: &str, i: usize) -> Option<usize> {
    let b = code.as_bytes();
    let word_before = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
    let raw = [&b"r#"[..], b"r\"", b"br#", b"br\""].iter().any(|p| b[i..].starts_with(p));
    if raw && !word_before {
        let start = i + if b[i] == b'b' { 2 } else { 1 };
        let hashes = b[start..].iter().take_while(|&&c| c == b'#').count();
        if b.get(start + hashes) != Some(&b'"') {
            return None; // a raw identifier, r#type
        }
        let end = format!("\"{}", "#".repeat(hashes));
        let body = start + hashes + 1;
        return Some(body + code[body..].find(&end).unwrap() + end.len());
    }
    match b[i] {
        b'"' => {
            let mut j = i + 1;
            while b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            Some(j + 1)
        }
        b'\'' if b.get(i + 1) == Some(&b'\\') => Some(i + 3 + code[i + 3..].find('\'').unwrap() + 1),
        b'\'' => {
            let c = code[i + 1..].chars().next()?;
            (b.get(i + 1 + c.len_utf8()) == Some(&b'\'')).then_some(i + 2 + c.len_utf8())
        }
        _ => None,
    }
}

/// The index of the `)` closing the parenthesis opened just before `start` (or at `start`, when
/// `code[start]` is `(`), past strings and characters.
fn closing(code: &str, start: usize) -> usize {
    let b = code.as_bytes();
    let (mut depth, mut i) = (if b[start] == b'(' { 0 } else { 1 }, start);
    while i < b.len() {
        if let Some(next) = past_literal(code, i) {
            i = next;
            continue;
        }
        match b[i] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    panic!("an unclosed parenthesis at byte {start}")
}

/// Which of the served paths a table path reaches, the way axum's router picks: segment by
/// segment, a literal matches itself or a parameter, a table placeholder (`{muni_a}`) only a
/// parameter (`{id}`), a wildcard (`{*rest}`) the rest; where several match, the one with a
/// literal soonest wins. The query is no part of the path.
fn reached<'a>(table_path: &str, served: &[&'a str]) -> Option<&'a str> {
    let placeholder = |s: &str| s.starts_with('{') && s.ends_with('}');
    let path = table_path.split('?').next().unwrap();
    let wanted: Vec<&str> = path.split('/').collect();
    served
        .iter()
        .filter_map(|&pattern| {
            let mut rank = vec![];
            let segments: Vec<&str> = pattern.split('/').collect();
            for (n, s) in segments.iter().enumerate() {
                if s.starts_with("{*") {
                    if wanted.len() <= n {
                        return None;
                    }
                    rank.push(2);
                    return Some((rank, pattern));
                }
                let w = wanted.get(n)?;
                if placeholder(s) {
                    rank.push(1);
                } else if s == w {
                    rank.push(0);
                } else {
                    return None;
                }
            }
            (segments.len() == wanted.len()).then_some((rank, pattern))
        })
        .min()
        .map(|(_, pattern)| pattern)
}

#[test]
fn every_served_route_is_in_the_table() {
    let served = served_routes();
    let mut paths: Vec<&str> = served.iter().map(|s| s.path.as_str()).collect();
    paths.sort_unstable();
    paths.dedup();
    let answers = |method: &str, path: &str| served.iter().any(|s| s.method == method && s.path == path);
    let mut problems = vec![];
    let mut covered = std::collections::HashSet::new();
    for row in routes() {
        let method = row.method.as_str();
        match reached(row.path, &paths) {
            Some(path) if answers(method, path) => {
                covered.insert((method.to_owned(), path));
            }
            Some(path) => {
                problems.push(format!("the row {method} {} reaches {path}, which answers no {method}", row.path))
            }
            None => problems.push(format!("the row {method} {} reaches no route the router serves", row.path)),
        }
    }
    for s in &served {
        let exempt = EXEMPT.contains(&(s.method.as_str(), s.path.as_str()));
        let checked = covered.contains(&(s.method.clone(), s.path.as_str()));
        if !exempt && !checked {
            problems.push(format!(
                "{} {} ({}) is served but not in the access matrix: add a row to routes() with the roles allowed, or exempt it in EXEMPT saying why",
                s.method, s.path, s.at
            ));
        }
        if exempt && checked {
            problems.push(format!("{} {} is exempt and yet has a row in routes(): drop one", s.method, s.path));
        }
    }
    for (method, path) in EXEMPT {
        if !answers(method, path) {
            problems.push(format!("the exempt {method} {path} is served no more: drop it from EXEMPT"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s) with the access matrix's table:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
