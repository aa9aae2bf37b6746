//! Results of teachers and students, ЕГЭ thresholds and the non-objective list against a real
//! database (SQLite, or PostgreSQL with METODA_TEST_DATABASE).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use metoda_domain::ids::*;

use common::actor;
use metoda_domain::results::{
    Confirmation, ExamScoreInput, Format, Level, NonObjectiveInput, NonObjectiveSubject, Placement, ResultKind,
    StudentResultInput, TeacherResultInput, TeacherResultKind, ThresholdInput, ege_thresholds,
};
use metoda_domain::teachers::AcademicYear;
use metoda_store::attachments::Content;
use metoda_store::results::{self, ResultRecord};
use metoda_store::testkit::TestDb;
use metoda_store::{Actor, StoreError};
use sqlx::AnyConnection;
use time::macros::date;

const TODAY: time::Date = date!(2026 - 06 - 30);

struct Fixture {
    t: TestDb,
    muni: MunicipalityId,
    other_muni: MunicipalityId,
    orgs: Vec<OrganizationId>,
    /// Three teachers of the municipality.
    teachers: Vec<TeacherId>,
    /// A teacher of the other municipality.
    stranger: TeacherId,
    association: AssociationId,
    curator: Actor,
}

async fn teacher(c: &mut AnyConnection, muni: MunicipalityId, org: OrganizationId, last: &str) -> TeacherId {
    common::teacher(c, muni, org, last, "01.01.1980", "first", "01.09.2005").await
}

async fn fixture() -> Fixture {
    let (t, munis) = common::municipalities(&["Район", "Другой район"]).await;
    let mut c = t.db.conn().await.unwrap();
    let mut orgs = vec![];
    for (n, m) in [(1, munis[0]), (2, munis[0]), (3, munis[1])] {
        orgs.push(common::school(&mut c, m, n).await);
    }
    let teachers = vec![
        teacher(&mut c, munis[0], orgs[0], "Алексеева").await,
        teacher(&mut c, munis[0], orgs[1], "Борисова").await,
        teacher(&mut c, munis[0], orgs[1], "Васильева").await,
    ];
    let stranger = teacher(&mut c, munis[1], orgs[2], "Чужая").await;
    let association = common::association(&mut c, munis[0], "ММО учителей математики").await;
    let curator_id: i64 = sqlx::query_scalar(
        "INSERT INTO users (login, full_name, password_hash, municipality_id, created_at, updated_at)
         VALUES ('curator', 'Куратор Мария Петровна', 'x', $1, $2, $2) RETURNING id",
    )
    .bind(munis[0].get())
    .bind(metoda_store::now())
    .fetch_one(&mut *c)
    .await
    .unwrap();
    drop(c);
    Fixture {
        t,
        muni: munis[0],
        other_muni: munis[1],
        orgs,
        teachers,
        stranger,
        association,
        curator: Actor { user_id: Some(UserId(curator_id)), login: "curator".into(), ip: None },
    }
}

async fn member(
    c: &mut AnyConnection,
    association: AssociationId,
    teacher: TeacherId,
    joined: &str,
    left: Option<&str>,
) {
    sqlx::query(
        "INSERT INTO association_members (association_id, teacher_id, joined_on, left_on, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(association.get())
    .bind(teacher.get())
    .bind(joined)
    .bind(left)
    .bind(metoda_store::now())
    .execute(&mut *c)
    .await
    .unwrap();
}

fn student(teachers: &[TeacherId], on: &str) -> StudentResultInput {
    StudentResultInput {
        event: "vsosh".into(),
        subject: "математика".into(),
        level: "regional".into(),
        placement: "winner".into(),
        format: "in_person".into(),
        student_name: "Петров Иван".into(),
        grade: "10".into(),
        teacher_ids: teachers.iter().map(|t| t.get()).collect(),
        on: on.into(),
        ..Default::default()
    }
}

fn teacher_result(kind: &str, teachers: &[TeacherId], on: &str) -> TeacherResultInput {
    let mut d = TeacherResultInput {
        kind: kind.into(),
        teacher_ids: teachers.iter().map(|t| t.get()).collect(),
        title: format!("Результат: {kind}"),
        on: on.into(),
        ..Default::default()
    };
    match kind {
        "competition" => {
            d.level = "regional".into();
            d.placement = "laureate".into();
            d.format = "in_person".into();
        }
        "presentation" => {
            d.level = "municipal".into();
            d.format = "in_person".into();
            d.form = "master_class".into();
        }
        "publication" => {
            d.level = "all_russian".into();
            d.outlet = "Педагогический журнал".into();
            d.url = "https://example.ru/article".into();
        }
        "student_event_organised" => d.students = "45".into(),
        _ => {}
    }
    d
}

async fn count(c: &mut AnyConnection, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&mut *c).await.unwrap()
}

async fn scan(c: &mut AnyConnection, r: &ResultRecord) {
    let bytes = b"%PDF-1.4 scan";
    let content = Content::File { name: "диплом.pdf", content_type: "application/pdf", bytes };
    results::attach_scan(c, &actor(), r, "", content).await.unwrap();
}

#[tokio::test]
async fn every_kind_of_result_is_recorded_in_its_academic_year_with_an_audit_trail() {
    let f = fixture().await;
    let mut c = f.t.db.conn().await.unwrap();
    let t = f.teachers[0];
    let s = results::add_student(&mut c, &actor(), f.muni, &student(&[t], "15.03.2026").parse(TODAY).unwrap())
        .await
        .unwrap();
    assert_eq!(
        (s.family().code(), s.kind.code(), s.year, s.result_on),
        ("student", "vsosh", 2025, date!(2026 - 03 - 15))
    );
    assert_eq!(
        (s.level, s.placement, s.status),
        (Some(Level::Regional), Some(Placement::Winner), Confirmation::Pending)
    );
    assert_eq!(s.student_name.as_deref(), Some("Петров Иван"));
    assert_eq!(s.clone().without_student_name().student_name, None);
    let table = results::thresholds(&mut c, f.muni).await.unwrap();
    let exam = ExamScoreInput {
        teacher_id: Some(t.get()),
        subject: "Русский язык".into(),
        score: "92".into(),
        student_code: "Р-17".into(),
        on: "2025-06-03".into(),
    };
    let e = results::add_exam(&mut c, &actor(), f.muni, &exam.parse(TODAY, &table).unwrap()).await.unwrap();
    assert_eq!((e.kind, e.subject.as_deref(), e.score, e.year), (ResultKind::Exam, Some("russian"), Some(92), 2024));
    let kinds = [
        ("competition", "01.09.2025"),
        ("presentation", "2025-10-10"),
        ("publication", "2025-11-11"),
        ("assessment_materials", "2025-12-12"),
        ("student_event_organised", "2026-01-20"),
        ("profile_teaching", "2026-08-31"),
    ];
    for (kind, on) in kinds {
        let d = teacher_result(kind, &[t], on).parse(TODAY.replace_year(2027).unwrap()).unwrap();
        let r = results::add_teacher_result(&mut c, &actor(), f.muni, &d).await.unwrap();
        assert_eq!((r.family().code(), r.kind.code(), r.year), ("teacher", kind, 2025), "{kind}");
        assert_eq!(r.teachers.len(), 1);
    }
    let all = results::for_teacher(&mut c, t, Some(2025)).await.unwrap();
    assert_eq!(all.len(), 7, "the exam of June 2025 is in 2024/2025");
    let teacher = |k| ResultKind::Teacher(k);
    assert_eq!(all[0].kind, teacher(TeacherResultKind::ProfileTeaching), "newest first");
    let r = all.iter().find(|r| r.kind == teacher(TeacherResultKind::Competition)).unwrap();
    assert_eq!(
        (r.level, r.placement, r.format),
        (Some(Level::Regional), Some(Placement::Laureate), Some(Format::InPerson))
    );
    let r = all.iter().find(|r| r.kind == teacher(TeacherResultKind::Publication)).unwrap();
    assert_eq!(
        (r.outlet.as_deref(), r.url.as_deref()),
        (Some("Педагогический журнал"), Some("https://example.ru/article"))
    );
    let r = all.iter().find(|r| r.kind == teacher(TeacherResultKind::AssessmentMaterials)).unwrap();
    assert_eq!(r.level, Some(Level::Municipal), "assessment sets are for municipal events");
    let r = all.iter().find(|r| r.kind == teacher(TeacherResultKind::StudentEventOrganised)).unwrap();
    assert_eq!(r.students, Some(45));
    assert_eq!(results::for_teacher(&mut c, t, None).await.unwrap().len(), 8);
    assert!(results::for_teacher(&mut c, f.teachers[1], None).await.unwrap().is_empty());
    assert_eq!(count(&mut c, "SELECT COUNT(*) FROM audit_log WHERE entity = 'result' AND action = 'create'").await, 8);
    // Removed: archived, listed nowhere, audited.
    let gone = results::archive(&mut c, &actor(), &s, Default::default()).await.unwrap();
    assert!(gone.archived_at.is_some());
    assert_eq!(results::for_teacher(&mut c, t, None).await.unwrap().len(), 7);
    assert_eq!(count(&mut c, "SELECT COUNT(*) FROM results").await, 8);
    assert_eq!(count(&mut c, "SELECT COUNT(*) FROM audit_log WHERE entity = 'result' AND action = 'archive'").await, 1);
    let e = results::update_student(
        &mut c,
        &actor(),
        &gone,
        &student(&[t], "15.03.2026").parse(TODAY).unwrap(),
        Default::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
    drop(c);
    f.t.drop_db().await;
}

fn fields(r: Result<impl std::fmt::Debug, Vec<metoda_domain::FieldError>>) -> Vec<String> {
    r.unwrap_err().into_iter().map(|e| e.field).collect()
}

#[tokio::test]
async fn bad_input_is_refused_with_field_messages_and_nothing_is_written() {
    let f = fixture().await;
    let mut c = f.t.db.conn().await.unwrap();
    let t = f.teachers[0];
    // A student's placement cannot be laureate; a date must be given; a student must be named or coded.
    let bad = StudentResultInput {
        placement: "лауреат".into(),
        student_name: String::new(),
        on: String::new(),
        ..student(&[t], "")
    };
    let errs = bad.parse(TODAY).unwrap_err();
    let by = |f: &str| errs.iter().find(|e| e.field == f).map(|e| e.message.clone()).unwrap_or_default();
    assert!(by("placement").contains("победитель, призёр или участник"), "{errs:?}");
    assert!(by("on").contains("укажите дату"), "{errs:?}");
    assert!(by("student_name").contains("ФИО или код"), "{errs:?}");
    assert_eq!(fields(StudentResultInput { on: "31.02.2026".into(), ..student(&[t], "") }.parse(TODAY)), ["on"]);
    assert_eq!(fields(student(&[t], "01.07.2026").parse(TODAY)), ["on"], "not yet happened");
    assert_eq!(fields(student(&[], "01.03.2026").parse(TODAY)), ["teacher_ids"]);
    assert_eq!(fields(student(&[t, t], "01.03.2026").parse(TODAY)), ["teacher_ids"]);
    assert_eq!(
        fields(StudentResultInput { level: "international".into(), ..student(&[t], "01.03.2026") }.parse(TODAY)),
        ["level"],
        "ВсОШ has no international stage"
    );
    assert_eq!(
        fields(StudentResultInput { event: "contest".into(), ..student(&[t], "01.03.2026") }.parse(TODAY)),
        ["title"],
        "a contest is named"
    );
    // Placement fits the kind: laureate only for teachers' competitions, no placement elsewhere.
    let mut d = teacher_result("presentation", &[t], "01.03.2026");
    d.placement = "winner".into();
    assert_eq!(fields(d.parse(TODAY)), ["placement"]);
    let mut d = teacher_result("competition", &[t], "01.03.2026");
    d.placement = String::new();
    d.format = String::new();
    assert_eq!(fields(d.parse(TODAY)), ["placement", "format"]);
    let mut d = teacher_result("student_event_organised", &[t], "01.03.2026");
    d.students = String::new();
    assert_eq!(fields(d.parse(TODAY)), ["students"]);
    let mut d = teacher_result("assessment_materials", &[t], "01.03.2026");
    d.level = "regional".into();
    assert_eq!(fields(d.parse(TODAY)), ["level"]);
    let mut d = teacher_result("publication", &[t], "01.03.2026");
    d.outlet = String::new();
    d.url = "ftp://x".into();
    assert_eq!(fields(d.parse(TODAY)), ["url", "outlet"]);
    assert_eq!(
        fields(TeacherResultInput { kind: "award".into(), ..teacher_result("x", &[t], "01.03.2026") }.parse(TODAY)),
        ["kind"]
    );
    let table = results::thresholds(&mut c, f.muni).await.unwrap();
    let exam = ExamScoreInput {
        teacher_id: None,
        subject: "астрономия".into(),
        score: "101".into(),
        student_code: String::new(),
        on: "01.03.2026".into(),
    };
    assert_eq!(fields(exam.parse(TODAY, &table)), ["teacher_id", "subject", "score"]);
    // The store refuses teachers of another municipality and a student's organization elsewhere.
    let e =
        results::add_student(&mut c, &actor(), f.muni, &student(&[t, f.stranger], "01.03.2026").parse(TODAY).unwrap())
            .await
            .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref v) if v[0].field == "teacher_ids"), "{e:?}");
    let d = StudentResultInput { student_organization_id: Some(f.orgs[2].get()), ..student(&[t], "01.03.2026") };
    let e = results::add_student(&mut c, &actor(), f.muni, &d.parse(TODAY).unwrap()).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref v) if v[0].field == "student_organization_id"), "{e:?}");
    drop(c);
    // Inside a transaction the refused add leaves nothing behind.
    let mut tx = f.t.db.begin().await.unwrap();
    let e = results::add_teacher_result(
        &mut tx,
        &actor(),
        f.muni,
        &teacher_result("publication", &[f.stranger], "01.03.2026").parse(TODAY).unwrap(),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e:?}");
    drop(tx);
    let mut c = f.t.db.conn().await.unwrap();
    assert_eq!(count(&mut c, "SELECT COUNT(*) FROM results").await, 0);
    assert_eq!(count(&mut c, "SELECT COUNT(*) FROM result_teachers").await, 0);
    assert_eq!(count(&mut c, "SELECT COUNT(*) FROM audit_log WHERE entity = 'result'").await, 0);
    drop(c);
    f.t.drop_db().await;
}

#[tokio::test]
async fn a_result_prepared_by_two_teachers_is_one_record_listed_for_both() {
    let f = fixture().await;
    let mut c = f.t.db.conn().await.unwrap();
    let (a, b) = (f.teachers[0], f.teachers[1]);
    let d = StudentResultInput { student_organization_id: Some(f.orgs[1].get()), ..student(&[a, b], "2026-02-10") };
    let r = results::add_student(&mut c, &actor(), f.muni, &d.parse(TODAY).unwrap()).await.unwrap();
    assert_eq!(r.teacher_ids().len(), 2);
    assert_eq!(r.student_organization_name.as_deref(), Some("СОШ 2"));
    assert_eq!(results::for_teacher(&mut c, a, Some(2025)).await.unwrap()[0].id, r.id);
    assert_eq!(results::for_teacher(&mut c, b, Some(2025)).await.unwrap()[0].id, r.id);
    assert_eq!(count(&mut c, "SELECT COUNT(*) FROM results").await, 1);
    // An event organised by two teachers is one event with its students.
    let ev = results::add_teacher_result(
        &mut c,
        &actor(),
        f.muni,
        &teacher_result("student_event_organised", &[a, b], "2026-04-01").parse(TODAY).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!((ev.teachers.len(), ev.students), (2, Some(45)));
    // The teachers change: the third replaces the second.
    let d = StudentResultInput { ..student(&[a, f.teachers[2]], "2026-02-10") };
    let r2 = results::update_student(&mut c, &actor(), &r, &d.parse(TODAY).unwrap(), Default::default()).await.unwrap();
    let mut ids = r2.teacher_ids();
    ids.sort_unstable();
    assert_eq!(ids, [a, f.teachers[2]]);
    assert_eq!(results::for_teacher(&mut c, b, None).await.unwrap().len(), 1, "only the event is left for b");
    drop(c);
    f.t.drop_db().await;
}

#[tokio::test]
async fn a_curator_confirms_or_rejects_and_an_edit_sends_the_result_back_to_pending() {
    let f = fixture().await;
    let mut c = f.t.db.conn().await.unwrap();
    let t = f.teachers[0];
    let d = teacher_result("publication", &[t], "2026-03-01").parse(TODAY).unwrap();
    let r = results::add_teacher_result(&mut c, &actor(), f.muni, &d).await.unwrap();
    assert_eq!(
        results::pending(&mut c, f.muni, metoda_domain::paging::Paging::new(None, 50)).await.unwrap().0.len(),
        1
    );
    // No scan: not confirmed.
    let e = results::confirm(&mut c, &f.curator, &r, None).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref v) if v[0].field == "scan"), "{e:?}");
    scan(&mut c, &r).await;
    assert_eq!(results::scans(&mut c, r.id).await.unwrap()[0].owner.code(), "result");
    let ok = results::confirm(&mut c, &f.curator, &r, Some("  ")).await.unwrap();
    assert_eq!(ok.status, Confirmation::Confirmed);
    assert!(ok.is_confirmed());
    assert_eq!(ok.decided_by, f.curator.user_id.map(i64::from));
    assert_eq!(ok.decided_by_name.as_deref(), Some("Куратор Мария Петровна"));
    assert!(ok.decided_at.is_some());
    assert_eq!(ok.decision_comment, None);
    assert!(results::pending(&mut c, f.muni, metoda_domain::paging::Paging::new(None, 50)).await.unwrap().0.is_empty());
    let e = results::confirm(&mut c, &f.curator, &ok, None).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
    // A confirmed result is not changed by whoever may not change a confirmed one, nor without a
    // reason, nor removed so.
    let mut d2 = teacher_result("publication", &[t], "2026-03-01");
    d2.title = "Исправленное название".into();
    let parsed = d2.parse(TODAY).unwrap();
    let e = results::update_teacher_result(&mut c, &actor(), &ok, &parsed, Default::default()).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(ref m) if m == results::CONFIRMED_LOCKED), "{e:?}");
    let e = results::archive(&mut c, &actor(), &ok, Default::default()).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
    let head = results::Change { confirmed_ok: true, reason: Some("  "), version: None };
    let e = results::update_teacher_result(&mut c, &actor(), &ok, &parsed, head).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref v) if v[0].field == "reason"), "{e:?}");
    // An edit with a reason sends it back to pending, the decision cleared; the scan stays.
    let head =
        results::Change { confirmed_ok: true, reason: Some("опечатка в названии"), version: None };
    let edited = results::update_teacher_result(&mut c, &actor(), &ok, &parsed, head).await.unwrap();
    let why: String =
        sqlx::query_scalar("SELECT summary FROM audit_log WHERE entity = 'result' ORDER BY id DESC LIMIT 1")
            .fetch_one(&mut *c)
            .await
            .unwrap();
    assert!(why.ends_with("причина: опечатка в названии"), "{why}");
    assert_eq!((edited.status, edited.decided_by, edited.decided_at.as_deref()), (Confirmation::Pending, None, None));
    assert_eq!(results::scans(&mut c, r.id).await.unwrap().len(), 1);
    // A rejection needs a comment.
    let e = results::reject(&mut c, &f.curator, &edited, " ").await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref v) if v[0].field == "comment"), "{e:?}");
    let no = results::reject(&mut c, &f.curator, &edited, "Скан нечитаем").await.unwrap();
    assert_eq!((no.status, no.decision_comment.as_deref()), (Confirmation::Rejected, Some("Скан нечитаем")));
    // A rejected result edited is pending again too; a family cannot be changed by an edit.
    let again = results::update_teacher_result(&mut c, &actor(), &no, &d2.parse(TODAY).unwrap(), Default::default())
        .await
        .unwrap();
    assert_eq!((again.status, again.decision_comment.as_deref()), (Confirmation::Pending, None));
    let e = results::update_student(
        &mut c,
        &actor(),
        &again,
        &student(&[t], "2026-03-01").parse(TODAY).unwrap(),
        Default::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
    let n = count(&mut c, "SELECT COUNT(*) FROM audit_log WHERE entity = 'result' AND action = 'update'").await;
    assert_eq!(n, 4, "confirmed, edited, rejected, edited");
    drop(c);
    f.t.drop_db().await;
}

#[tokio::test]
async fn the_association_counts_results_dated_while_the_teacher_was_a_member() {
    let f = fixture().await;
    let mut c = f.t.db.conn().await.unwrap();
    let (a, b, x) = (f.teachers[0], f.teachers[1], f.teachers[2]);
    // a: a member all year; b: from 01.12.2025 until 01.03.2026 (left that day); x: never.
    member(&mut c, f.association, a, "2024-09-01", None).await;
    member(&mut c, f.association, b, "2025-12-01", Some("2026-03-01")).await;
    let add = |teachers: Vec<TeacherId>, on: &'static str| student(&teachers, on).parse(TODAY).unwrap();
    let in_a = results::add_student(&mut c, &actor(), f.muni, &add(vec![a], "2025-10-01")).await.unwrap();
    let b_before = results::add_student(&mut c, &actor(), f.muni, &add(vec![b], "2025-11-30")).await.unwrap();
    let b_in = results::add_student(&mut c, &actor(), f.muni, &add(vec![b], "2025-12-01")).await.unwrap();
    let b_left = results::add_student(&mut c, &actor(), f.muni, &add(vec![b], "2026-03-01")).await.unwrap();
    let x_only = results::add_student(&mut c, &actor(), f.muni, &add(vec![x], "2026-01-15")).await.unwrap();
    let x_and_a = results::add_student(&mut c, &actor(), f.muni, &add(vec![x, a], "2026-01-16")).await.unwrap();
    let last_year = results::add_student(&mut c, &actor(), f.muni, &add(vec![a], "2025-08-31")).await.unwrap();
    let ids: Vec<ResultId> =
        results::for_association(&mut c, f.association, 2025).await.unwrap().iter().map(|r| r.id).collect();
    assert_eq!(ids, [in_a.id, b_in.id, x_and_a.id]);
    for gone in [b_before.id, b_left.id, x_only.id, last_year.id] {
        assert!(!ids.contains(&gone));
    }
    assert_eq!(results::for_association(&mut c, f.association, 2024).await.unwrap()[0].id, last_year.id);

    // The facts of the year.
    let exam_table = results::thresholds(&mut c, f.muni).await.unwrap();
    let exam = ExamScoreInput {
        teacher_id: Some(a.get()),
        subject: "physics".into(),
        score: "30".into(),
        student_code: String::new(),
        on: "2026-06-05".into(),
    };
    let ex = results::add_exam(&mut c, &actor(), f.muni, &exam.parse(TODAY, &exam_table).unwrap()).await.unwrap();
    scan(&mut c, &ex).await;
    results::confirm(&mut c, &f.curator, &ex, None).await.unwrap();
    let set = results::add_teacher_result(
        &mut c,
        &actor(),
        f.muni,
        &teacher_result("assessment_materials", &[a, b], "2026-02-02").parse(TODAY).unwrap(),
    )
    .await
    .unwrap();
    let course = metoda_domain::teachers::CourseInput {
        kind: "advanced_training".into(),
        title: "Функциональная грамотность".into(),
        end_on: "2026-04-01".into(),
        ..Default::default()
    };
    let tt = metoda_store::teachers::get(&mut c, a).await.unwrap();
    metoda_store::teacher_years::add_course(&mut c, &actor(), &tt, &course.parse(TODAY).unwrap()).await.unwrap();
    let mid: i64 = sqlx::query_scalar(
        "INSERT INTO meetings (association_id, year, held_on, status, created_at, updated_at)
         VALUES ($1, 2025, '2025-10-20', 'held', $2, $2) RETURNING id",
    )
    .bind(f.association.get())
    .bind(metoda_store::now())
    .fetch_one(&mut *c)
    .await
    .unwrap();
    sqlx::query("INSERT INTO meeting_attendance (meeting_id, teacher_id, status) VALUES ($1, $2, 'present')")
        .bind(mid)
        .bind(a.get())
        .execute(&mut *c)
        .await
        .unwrap();
    let no = NonObjectiveInput {
        organization_id: Some(f.orgs[0].get()),
        year: "2025/2026".into(),
        subject: "russian".into(),
    };
    results::add_non_objective(&mut c, &actor(), f.muni, &no.parse().unwrap()).await.unwrap();

    let facts = results::facts(&mut c, f.association, AcademicYear(2025)).await.unwrap();
    assert_eq!(facts.period, AcademicYear(2025).into());
    assert_eq!(facts.members.len(), 2);
    let mb = facts.members.iter().find(|m| m.teacher_id == b.get()).unwrap();
    assert_eq!((mb.joined, mb.left), (date!(2025 - 12 - 01), Some(date!(2026 - 03 - 01))));
    assert_eq!(mb.organization_id, f.orgs[1].get());
    assert_eq!(mb.category, metoda_domain::teachers::Category::First);
    assert_eq!(facts.meetings.len(), 1);
    assert_eq!((facts.meetings[0].held_on, facts.meetings[0].present), (date!(2025 - 10 - 20), 1));
    assert_eq!(facts.courses.len(), 1);
    assert_eq!(facts.courses[0].finished_on, date!(2026 - 04 - 01));
    assert_eq!(facts.exam_scores.len(), 1);
    assert_eq!(
        (facts.exam_scores[0].teacher_id, facts.exam_scores[0].score, facts.exam_scores[0].confirmed),
        (a.get(), 30, true)
    );
    assert_eq!(facts.student_results.len(), 3);
    assert!(facts.student_results.iter().all(|s| !s.confirmed));
    let two = facts.student_results.iter().find(|s| s.id == x_and_a.id.get()).unwrap();
    assert_eq!(two.teacher_ids.len(), 2, "all the teachers, the analysis picks the members");
    assert_eq!(facts.teacher_results.len(), 1);
    assert_eq!(facts.teacher_results[0].id, set.id.get());
    assert_eq!(facts.thresholds.iter().find(|t| t.subject == "physics").unwrap().minimum, 36);
    assert_eq!(facts.non_objective.len(), 1);
    assert_eq!(facts.non_objective[0].organization_id, f.orgs[0].get());
    drop(c);
    f.t.drop_db().await;
}

#[tokio::test]
async fn exam_thresholds_are_preset_and_overridden_per_municipality() {
    let f = fixture().await;
    let mut c = f.t.db.conn().await.unwrap();
    assert_eq!(results::thresholds(&mut c, f.muni).await.unwrap(), ege_thresholds());
    let bad = ThresholdInput { subject: "физика".into(), minimum: "90".into(), high: "80".into() };
    assert_eq!(fields(bad.parse()), ["high"]);
    let bad = ThresholdInput { subject: "астрономия".into(), minimum: "x".into(), high: "80".into() };
    assert_eq!(fields(bad.parse()), ["subject", "minimum"]);
    let d = ThresholdInput { subject: "физика".into(), minimum: "40".into(), high: "85".into() }.parse().unwrap();
    let table = results::set_threshold(&mut c, &actor(), f.muni, &d).await.unwrap();
    let phys = table.iter().find(|t| t.subject == "physics").unwrap();
    assert_eq!((phys.minimum, phys.high, phys.label.as_str()), (40, 85, "физика"));
    assert_eq!(table.len(), ege_thresholds().len());
    assert_eq!(count(&mut c, "SELECT COUNT(*) FROM exam_thresholds").await, 1, "only the override is stored");
    assert_eq!(results::thresholds(&mut c, f.other_muni).await.unwrap(), ege_thresholds(), "per municipality");
    // Changed again, then back to the preset: the override goes.
    let d = ThresholdInput { subject: "physics".into(), minimum: "38".into(), high: "85".into() }.parse().unwrap();
    results::set_threshold(&mut c, &actor(), f.muni, &d).await.unwrap();
    assert_eq!(count(&mut c, "SELECT COUNT(*) FROM exam_thresholds").await, 1);
    let d = ThresholdInput { subject: "physics".into(), minimum: "36".into(), high: "81".into() }.parse().unwrap();
    assert_eq!(results::set_threshold(&mut c, &actor(), f.muni, &d).await.unwrap(), ege_thresholds());
    assert_eq!(count(&mut c, "SELECT COUNT(*) FROM exam_thresholds").await, 0);
    assert_eq!(count(&mut c, "SELECT COUNT(*) FROM audit_log WHERE entity = 'exam_threshold'").await, 3);
    drop(c);
    f.t.drop_db().await;
}

#[tokio::test]
async fn the_non_objective_list_is_kept_per_organization_year_and_subject() {
    let f = fixture().await;
    let mut c = f.t.db.conn().await.unwrap();
    let input = |org: i64, year: &str, subject: &str| NonObjectiveInput {
        organization_id: Some(org),
        year: year.into(),
        subject: subject.into(),
    };
    assert_eq!(fields(NonObjectiveInput::default().parse()), ["organization_id", "year", "subject"]);
    assert_eq!(fields(input(f.orgs[0].get(), "2025/2027", "физика").parse()), ["year", "subject"]);
    let m = results::add_non_objective(
        &mut c,
        &actor(),
        f.muni,
        &input(f.orgs[0].get(), "2025/2026", "математика").parse().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!((m.subject, m.year, m.organization_name.as_str()), (NonObjectiveSubject::Mathematics, 2025, "СОШ 1"));
    results::add_non_objective(&mut c, &actor(), f.muni, &input(f.orgs[0].get(), "2025", "russian").parse().unwrap())
        .await
        .unwrap();
    results::add_non_objective(
        &mut c,
        &actor(),
        f.muni,
        &input(f.orgs[1].get(), "2024/2025", "russian").parse().unwrap(),
    )
    .await
    .unwrap();
    let e = results::add_non_objective(
        &mut c,
        &actor(),
        f.muni,
        &input(f.orgs[0].get(), "2025", "mathematics").parse().unwrap(),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(ref s) if s.contains("уже в списке")), "{e:?}");
    let e = results::add_non_objective(
        &mut c,
        &actor(),
        f.muni,
        &input(f.orgs[2].get(), "2025", "mathematics").parse().unwrap(),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref v) if v[0].field == "organization_id"), "{e:?}");
    let list = results::non_objective(&mut c, f.muni, 2025).await.unwrap();
    assert_eq!(list.iter().map(|e| e.subject.label_ru()).collect::<Vec<_>>(), ["математика", "русский язык"]);
    assert_eq!(results::non_objective(&mut c, f.muni, 2024).await.unwrap().len(), 1);
    assert!(results::non_objective(&mut c, f.other_muni, 2025).await.unwrap().is_empty());
    let e = results::remove_non_objective(&mut c, &actor(), f.other_muni, m.id).await.unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");
    results::remove_non_objective(&mut c, &actor(), f.muni, m.id).await.unwrap();
    assert_eq!(results::non_objective(&mut c, f.muni, 2025).await.unwrap().len(), 1);
    assert_eq!(count(&mut c, "SELECT COUNT(*) FROM audit_log WHERE entity = 'non_objective_organization'").await, 4);
    drop(c);
    f.t.drop_db().await;
}

#[tokio::test]
async fn stored_codes_are_read_against_their_types_and_an_unknown_one_is_a_fault() {
    let f = fixture().await;
    let mut c = f.t.db.conn().await.unwrap();
    let t = f.teachers[0];
    member(&mut c, f.association, t, "2024-09-01", None).await;
    let r = results::add_student(&mut c, &actor(), f.muni, &student(&[t], "15.03.2026").parse(TODAY).unwrap())
        .await
        .unwrap();
    // The audit trail keeps the record's JSON as it was: family and kind as codes, dates as ISO.
    let changes: String = sqlx::query_scalar(
        "SELECT changes FROM audit_log WHERE entity = 'result' AND entity_id = $1 AND action = 'create'",
    )
    .bind(r.id.get())
    .fetch_one(&mut *c)
    .await
    .unwrap();
    for part in [r#""family""#, r#""student""#, r#""kind""#, r#""vsosh""#, r#""2026-03-15""#, r#""regional""#] {
        assert!(changes.contains(part), "{part} in {changes}");
    }
    // A kind read against another family's enumeration, a status or a date this build does not
    // know: the read fails, nothing is guessed.
    // (A date in another form falls outside every period the facts read, as before.)
    let broken = [
        ("UPDATE results SET family = 'teacher' WHERE id = $1", true),
        ("UPDATE results SET status = 'approved' WHERE id = $1", true),
        ("UPDATE results SET level = 'district' WHERE id = $1", true),
        ("UPDATE results SET result_on = '15.03.2026' WHERE id = $1", false),
    ];
    for (sql, in_facts) in broken {
        let mut tx = f.t.db.begin().await.unwrap();
        sqlx::query(sql).bind(r.id.get()).execute(&mut *tx).await.unwrap();
        assert!(results::get(&mut tx, r.id).await.is_err(), "{sql}");
        if in_facts {
            assert!(results::facts(&mut tx, f.association, AcademicYear(2025)).await.is_err(), "{sql}");
        }
        tx.rollback().await.unwrap();
    }
    assert_eq!(results::get(&mut c, r.id).await.unwrap().kind.code(), "vsosh");
    let listed =
        NonObjectiveInput { organization_id: Some(f.orgs[0].get()), year: "2025".into(), subject: "russian".into() };
    results::add_non_objective(&mut c, &actor(), f.muni, &listed.parse().unwrap()).await.unwrap();
    sqlx::query("UPDATE non_objective_organizations SET subject = 'physics'").execute(&mut *c).await.unwrap();
    assert!(results::non_objective(&mut c, f.muni, 2025).await.is_err());
    drop(c);
    f.t.drop_db().await;
}
