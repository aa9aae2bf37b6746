//! The yearly analysis as a report against a real database (SQLite, or PostgreSQL with
//! METODA_TEST_DATABASE): draft → submitted → returned → resubmitted (late) → accepted, each
//! submission frozen as a version.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use metoda_domain::ids::*;

use common::actor;
use metoda_domain::analysis::Period;
use metoda_domain::analysis::composition::{compose, meeting_topic_lines};
use metoda_domain::reports::ReportStatus;
use metoda_store::testkit::TestDb;
use metoda_store::{Actor, StoreError, associations, demo, municipalities, profiles, reports};
use serde_json::json;

#[tokio::test]
async fn a_report_is_submitted_returned_resubmitted_late_and_accepted_with_every_version_kept() {
    let t = TestDb::new().await.unwrap();
    let loaded = demo::load(&t.db, false).await.unwrap();
    let mut c = t.db.begin().await.unwrap();
    let a = associations::get(&mut c, loaded.association_id).await.unwrap();
    let m = municipalities::get(&mut c, a.municipality_id).await.unwrap();
    let settings = profiles::get(&mut c, m.profile_id.unwrap()).await.unwrap().settings().unwrap();
    // The demo's past academic year (e.g. the past year); seed 002: its analysis is due by 30 May.
    let last = metoda_domain::teachers::AcademicYear::containing(time::OffsetDateTime::now_utc().date()).0 - 1;
    let may30 = time::Date::from_calendar_date(last + 1, time::Month::May, 30).unwrap();
    let r = reports::open(&mut c, &actor(), &a, &settings, Period::academic(last)).await.unwrap();
    let due = format!("{}-05-30", last + 1);
    assert_eq!((r.status, r.version, r.due_on), (ReportStatus::Draft, 0, Some(may30)));
    let again = reports::open(&mut c, &actor(), &a, &settings, Period::academic(last)).await.unwrap();
    assert_eq!(again.id, r.id, "one report a year");
    // The calendar year is another report (seed 002 sets no deadline for it).
    let calendar = reports::open(&mut c, &actor(), &a, &settings, Period::calendar(last)).await.unwrap();
    assert_ne!(calendar.id, r.id);
    assert_eq!((calendar.covers(), calendar.due_on), (Period::calendar(last), None));
    assert_eq!(r.covers(), Period::academic(last));
    let e = reports::set_text(&mut c, &actor(), &a, &r, 25, "текст", None).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref v) if v[0].field == "section"), "{e:?}");
    reports::set_text(&mut c, &actor(), &a, &r, 24, "Провести выездной семинар", None).await.unwrap();

    let first = json!({"indicators": [{"code": "1", "value": 13}], "sections": {"24": "Провести выездной семинар"}});
    let first = reports::Snapshot { format: 1, content: first };
    let r = reports::submit(&mut c, &actor(), &a, &r, &first, may30).await.unwrap();
    assert_eq!((r.status, r.version, r.late), (ReportStatus::Submitted, 1, false), "on the day is in time");
    let e = reports::set_text(&mut c, &actor(), &a, &r, 24, "другое", None).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "a submitted report is frozen: {e:?}");
    let e = reports::submit(&mut c, &actor(), &a, &r, &first, may30).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");

    // Returned only with a comment; then corrected and resubmitted after the deadline.
    let e = reports::decide(&mut c, &actor(), &a, &r, false, Some(" ")).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref v) if v[0].field == "comment"), "{e:?}");
    let r = reports::decide(&mut c, &actor(), &a, &r, false, Some("Дополните раздел 6")).await.unwrap();
    assert_eq!((r.status, r.comment.as_deref()), (ReportStatus::Returned, Some("Дополните раздел 6")));
    reports::set_text(&mut c, &actor(), &a, &r, 6, "Результаты ГИА выше районных", None).await.unwrap();
    let second = json!({"indicators": [{"code": "1", "value": 14}], "sections": {"6": "Результаты ГИА выше районных"}});
    let second = reports::Snapshot { format: 1, content: second };
    let r = reports::submit(&mut c, &actor(), &a, &r, &second, may30 + time::Duration::days(3)).await.unwrap();
    assert_eq!((r.status, r.version, r.late), (ReportStatus::Submitted, 2, true));
    let r = reports::decide(&mut c, &actor(), &a, &r, true, None).await.unwrap();
    assert_eq!(r.status, ReportStatus::Accepted);
    let e = reports::decide(&mut c, &actor(), &a, &r, false, Some("ещё")).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");

    // Both submissions are kept as they were.
    let v = reports::versions(&mut c, r.id).await.unwrap();
    assert_eq!(v.len(), 2);
    // Stored in the envelope that names the format.
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&v[0].snapshot).unwrap(),
        json!({"format": 1, "content": first.content})
    );
    assert_eq!(reports::Snapshot::parse(&v[0].snapshot).unwrap(), first);
    assert_eq!((v[0].late, v[1].late), (false, true));
    let texts = reports::texts(&mut c, r.id).await.unwrap();
    assert_eq!(texts.iter().map(|t| t.section).collect::<Vec<_>>(), [6, 24]);

    // The authority's list: every active association of the municipality, begun or not.
    let lines =
        reports::of_within(&mut c, metoda_store::Within::Municipality(a.municipality_id), Period::academic(last))
            .await
            .unwrap();
    assert_eq!(lines.len(), 1, "the others have not begun");
    let mine = &lines[0];
    assert_eq!((mine.association_id, mine.status, mine.version, mine.late), (a.id, ReportStatus::Accepted, 2, true));
    let frozen = reports::frozen_of_within(
        &mut c,
        metoda_store::Within::Municipality(a.municipality_id),
        Period::academic(last),
    )
    .await
    .unwrap();
    assert_eq!(frozen.len(), 1);
    assert_eq!(reports::Snapshot::parse(&frozen[0].1).unwrap(), second, "the last version");
    let calendar =
        reports::of_within(&mut c, metoda_store::Within::Municipality(a.municipality_id), Period::calendar(last))
            .await
            .unwrap();
    assert_eq!(calendar.iter().map(|r| r.status).collect::<Vec<_>>(), [ReportStatus::Draft], "the calendar year's own");
    // The sections the records fill: the demo's meetings of the past year and their topics, in date order.
    let pre = reports::prefill(&mut c, a.id, Period::academic(last)).await.unwrap();
    let topics = meeting_topic_lines(&pre.meeting_topics);
    assert_eq!(topics.len(), 10, "five meetings of two questions: {topics:?}");
    assert!(topics[0].ends_with("— Анализ работы объединения за прошлый учебный год"), "{topics:?}");
    assert!(pre.meeting_topics.windows(2).all(|w| w[0].held_on <= w[1].held_on), "in date order");
    // What the analysis is composed from: the same facts, the records' words, the texts written.
    let input = reports::composition_input(&mut c, &a, Period::academic(last), may30, Some(&r)).await.unwrap();
    assert_eq!(input.meeting_topics, pre.meeting_topics);
    assert_eq!(input.texts.iter().map(|t| t.section).collect::<Vec<_>>(), [6, 24]);
    assert!(input.partners.is_empty() && input.science_centres.is_empty() && input.consultations.is_empty());
    let composed = compose(&input);
    assert_eq!(composed.sections[1].lines, topics);
    assert_eq!(composed.sections[23].text.as_deref(), Some("Провести выездной семинар"));
    // The indicators of the past year from the association's facts: five meetings held, the members on
    // 30 May, the participants of the first meeting as entered.
    let facts = metoda_store::results::facts(&mut c, a.id, Period::academic(last)).await.unwrap();
    let year = metoda_domain::teachers::AcademicYear(last);
    let on = metoda_domain::analysis::analysis_date_by_profile(year, &settings.analysis_deadlines.value);
    assert_eq!(on, may30);
    let an = metoda_domain::analysis::compute(year, on, &facts.for_analysis());
    assert_eq!(an.get("2").unwrap().value, 5);
    let members = associations::members(&mut c, a.id, Some(&due)).await.unwrap().len() as u32;
    assert_eq!(an.get("1").unwrap().value, members);
    let first: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM meeting_attendance t JOIN meetings m ON m.id = t.meeting_id
         WHERE m.association_id = $1 AND m.held_on >= $2 AND t.status = 'present'
           AND m.held_on = (SELECT MIN(held_on) FROM meetings WHERE association_id = $1 AND held_on >= $2)",
    )
    .bind(a.id.get())
    .bind(format!("{last}-09-01"))
    .fetch_one(&mut *c)
    .await
    .unwrap();
    assert_eq!(i64::from(an.get("2.1").unwrap().value), first);
    // The demo's confirmed results: a ВсОШ municipal winner (8), one high ЕГЭ score and one below the
    // minimum (6, 7), a municipal contest won with two teachers (16: two teachers, one winner); the
    // remote olympiad counts nowhere; the unconfirmed publication is listed apart.
    let v = |code: &str| an.get(code).unwrap().value;
    assert_eq!((v("8"), v("8.1"), v("10"), v("10.1")), (1, 1, 1, 1));
    assert_eq!((v("6"), v("6.1"), v("7"), v("7.1")), (1, 1, 1, 1));
    assert_eq!((v("16"), v("16.1"), v("13")), (2, 1, 0));
    assert_eq!((v("24"), v("25"), v("25.1"), v("26")), (0, 2, 1, 0), "a co-authored regional publication");
    assert_eq!((v("18"), v("22"), v("23"), v("5")), (1, 1, 1, 1));
    assert_eq!((v("27"), v("27.1"), v("28"), v("28.1")), (1, 1, 2, 46));
    assert_eq!(an.apart.len(), 1, "{:?}", an.apart);
    c.commit().await.unwrap();
    t.drop_db().await;
}

#[tokio::test]
async fn nobody_decides_on_a_result_they_are_a_teacher_of() {
    let t = TestDb::new().await.unwrap();
    demo::load(&t.db, false).await.unwrap();
    let mut c = t.db.begin().await.unwrap();
    // The demo's waiting publication, and its teacher given an account of a curator.
    let id: i64 = sqlx::query_scalar("SELECT id FROM results WHERE status = 'pending' ORDER BY id LIMIT 1")
        .fetch_one(&mut *c)
        .await
        .unwrap();
    let r = metoda_store::results::get(&mut c, ResultId(id)).await.unwrap();
    let teacher = r.teacher_ids()[0];
    let (spec, _) = metoda_store::users::by_login(&mut c, "uo.specialist").await.unwrap().unwrap();
    sqlx::query("UPDATE teachers SET user_id = $1 WHERE id = $2")
        .bind(spec.id.get())
        .bind(teacher.get())
        .execute(&mut *c)
        .await
        .unwrap();
    let me = Actor { user_id: Some(spec.id), login: "uo.specialist".into(), ip: None };
    let e = metoda_store::results::confirm(&mut c, &me, &r, None).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(ref m) if m.contains("другой куратор")), "{e:?}");
    let e = metoda_store::results::reject(&mut c, &me, &r, "нет").await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
    let (admin, _) = metoda_store::users::by_login(&mut c, "admin").await.unwrap().unwrap();
    let other = Actor { user_id: Some(admin.id), login: "admin".into(), ip: None };
    assert!(metoda_store::results::confirm(&mut c, &other, &r, None).await.unwrap().is_confirmed());
    c.commit().await.unwrap();
    t.drop_db().await;
}

/// The authority's overview reads a whole municipality's facts at once; they are the same facts as
/// read association by association, including a result whose teacher is a member of two
/// associations (it is each one's).
#[tokio::test]
async fn a_municipality_s_facts_at_once_are_each_association_s_facts() {
    let t = TestDb::new().await.unwrap();
    let loaded = demo::load(&t.db, false).await.unwrap();
    let mut c = t.db.conn().await.unwrap();
    let last = metoda_domain::teachers::AcademicYear::containing(time::OffsetDateTime::now_utc().date()).0 - 1;
    let (first, second) = (loaded.associations[0], loaded.associations[1]);
    // A member of the first association also joins the second for the whole year.
    let teacher: i64 = sqlx::query_scalar(
        "SELECT rt.teacher_id FROM result_teachers rt JOIN results r ON r.id = rt.result_id
         JOIN association_members am ON am.teacher_id = rt.teacher_id AND am.association_id = $1
         WHERE r.year = $2 AND r.archived_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM association_members x
                           WHERE x.teacher_id = rt.teacher_id AND x.association_id = $3 AND x.left_on IS NULL)
         ORDER BY rt.teacher_id LIMIT 1",
    )
    .bind(first.get())
    .bind(i64::from(last))
    .bind(second.get())
    .fetch_one(&mut *c)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO association_members (association_id, teacher_id, joined_on, created_at) VALUES ($1, $2, $3, $3)",
    )
    .bind(second.get())
    .bind(teacher)
    .bind(format!("{}-09-01", last - 1))
    .execute(&mut *c)
    .await
    .unwrap();
    let all = metoda_store::results::facts_of_municipality(&mut c, loaded.municipality_id, Period::academic(last))
        .await
        .unwrap();
    let ids: Vec<AssociationId> = all.iter().map(|f| AssociationId(f.association_id)).collect();
    assert!(ids.contains(&first) && ids.contains(&second), "{ids:?}");
    for f in &all {
        let one = metoda_store::results::facts(&mut c, AssociationId(f.association_id), Period::academic(last))
            .await
            .unwrap();
        assert_eq!(&one, f, "association {}", f.association_id);
    }
    let of = |id: i64| all.iter().find(|f| f.association_id == id).unwrap();
    let shared = |f: &metoda_store::results::Facts| {
        f.student_results.iter().filter(|r| r.teacher_ids.contains(&teacher)).count()
    };
    assert!(shared(of(first.get())) > 0, "the teacher's results are the first association's");
    assert_eq!(
        shared(of(first.get())),
        shared(of(second.get())),
        "and the second's, where the teacher is a member too"
    );
    assert!(!of(first.get()).members.is_empty() && !of(first.get()).meetings.is_empty());
    t.drop_db().await;
}

/// A snapshot stored before the envelope (the bare content) reads as the legacy format; an
/// envelope reads as its own format; anything else is an error, never a guess.
#[test]
fn snapshots_name_their_format() {
    let bare = r#"{"analysis": {"indicators": []}, "explained": [], "apart": [], "sections": []}"#;
    let s = reports::Snapshot::parse(bare).unwrap();
    assert_eq!(s.format, reports::Snapshot::LEGACY_FORMAT);
    assert_eq!(s.content, serde_json::from_str::<serde_json::Value>(bare).unwrap());
    let enveloped = reports::Snapshot { format: 7, content: json!({"x": 1}) };
    assert_eq!(reports::Snapshot::parse(&enveloped.to_text()).unwrap(), enveloped);
    for bad in ["", "{", "[1, 2]", "42", r#"{"format": "один", "content": {}}"#, r#"{"format": 2}"#] {
        assert!(reports::Snapshot::parse(bad).is_err(), "{bad:?}");
    }
}
