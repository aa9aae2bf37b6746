//! Events (issue 14) against a real database (SQLite, or PostgreSQL with METODA_TEST_DATABASE):
//! their life, registration with a cap and a waiting list that moves up in order, and the cap
//! holding when many register for the last place at once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::actor;
use metoda_domain::events::{EventAction, EventInput, EventStatus, RegistrationStatus};
use metoda_domain::ids::{EventId, TeacherId};
use metoda_store::associations::{self, Association};
use metoda_store::events::{self, Registrant};
use metoda_store::testkit::TestDb;
use metoda_store::{StoreError, municipalities};
use time::macros::date;

struct Fixture {
    t: TestDb,
    a: Association,
    teachers: Vec<TeacherId>,
}

/// A municipality under seed 002 with a school, an association and `n` teachers.
async fn fixture(n: usize) -> Fixture {
    let (t, munis) = common::municipalities(&["Район"]).await;
    let mut c = t.db.conn().await.unwrap();
    let school = common::school(&mut c, munis[0], 1).await;
    let a = common::association(&mut c, munis[0], "ММО учителей физики").await;
    let a = associations::get(&mut c, a).await.unwrap();
    let mut teachers = vec![];
    for i in 0..n {
        teachers.push(
            common::teacher(&mut c, munis[0], school, &format!("Учителева{i}"), "1980-01-01", "first", "2005-09-01")
                .await,
        );
    }
    drop(c);
    Fixture { t, a, teachers }
}

fn seminar(cap: &str) -> EventInput {
    EventInput {
        title: "Лабораторный практикум по физике".into(),
        form: "practical_seminar".into(),
        starts_on: "12.02.2027".into(),
        starts_at: "15:00".into(),
        place_note: "СОШ 1, кабинет физики".into(),
        hours: "4".into(),
        cap: cap.into(),
        registration_open: "1".into(),
        registration_deadline: "10.02.2027".into(),
        ..Default::default()
    }
}

async fn announced(f: &Fixture, cap: &str) -> EventId {
    let mut tx = f.t.db.begin().await.unwrap();
    let region = municipalities::get(&mut tx, f.a.municipality_id).await.unwrap().region_id;
    let e = events::create(&mut tx, &actor(), f.a.municipality_id, region, Some(&f.a), &seminar(cap).parse().unwrap())
        .await
        .unwrap();
    assert_eq!(e.status, EventStatus::Draft);
    let e = events::act(&mut tx, &actor(), region, e.id, EventAction::Announce, None).await.unwrap();
    tx.commit().await.unwrap();
    e.id
}

const TODAY: time::Date = date!(2027 - 02 - 01);

#[tokio::test]
async fn places_then_the_waiting_list_which_moves_up_in_order() {
    let f = fixture(4).await;
    let id = announced(&f, "2").await;
    let mut got = vec![];
    for t in &f.teachers {
        let mut tx = f.t.db.begin().await.unwrap();
        got.push(events::register(&mut tx, &actor(), id, Registrant::Teacher(*t), true, TODAY).await.unwrap());
        tx.commit().await.unwrap();
    }
    let states: Vec<RegistrationStatus> = got.iter().map(|r| r.status).collect();
    use RegistrationStatus::{Registered as R, Waitlisted as W};
    assert_eq!(states, [R, R, W, W]);
    // Twice is refused.
    let mut tx = f.t.db.begin().await.unwrap();
    let again = events::register(&mut tx, &actor(), id, Registrant::Teacher(f.teachers[0]), true, TODAY).await;
    assert!(matches!(again, Err(StoreError::Conflict(m)) if m.contains("уже зарегистрирован")));
    drop(tx);
    // The first registered cancels: the first waiting moves up, the second still waits.
    let mut tx = f.t.db.begin().await.unwrap();
    events::cancel_registration(&mut tx, &actor(), got[0].id).await.unwrap();
    tx.commit().await.unwrap();
    let mut c = f.t.db.conn().await.unwrap();
    let list = events::registrations(&mut c, id).await.unwrap();
    let states: Vec<(i64, RegistrationStatus)> = list.iter().map(|r| (r.id, r.status)).collect();
    assert_eq!(states, [(got[1].id, R), (got[2].id, R), (got[3].id, W)]);
    let e = events::get(&mut c, id).await.unwrap();
    assert_eq!((e.registered, e.waiting, e.places_left()), (2, 1, Some(0)));
    // A guest by name waits too; a guest without a name is refused.
    drop(c);
    let mut tx = f.t.db.begin().await.unwrap();
    let g = events::register(
        &mut tx,
        &actor(),
        id,
        Registrant::Guest {
            name: "Петров Пётр Петрович", organization: Some("Гимназия № 1 г. Томска")
        },
        false,
        TODAY,
    )
    .await
    .unwrap();
    assert_eq!((g.status, g.organization.as_deref()), (W, Some("Гимназия № 1 г. Томска")));
    let bad =
        events::register(&mut tx, &actor(), id, Registrant::Guest { name: " ", organization: None }, false, TODAY)
            .await;
    assert!(matches!(bad, Err(StoreError::Invalid(e)) if e[0].field == "guest_name"));
    tx.commit().await.unwrap();
    // After the deadline a teacher cannot register themselves; the organisers still can.
    let mut tx = f.t.db.begin().await.unwrap();
    let late = date!(2027 - 02 - 11);
    let r = events::register(&mut tx, &actor(), id, Registrant::Teacher(f.teachers[0]), true, late).await;
    assert!(matches!(r, Err(StoreError::Conflict(m)) if m == "Срок регистрации прошёл"));
    let r = events::register(&mut tx, &actor(), id, Registrant::Teacher(f.teachers[0]), false, late).await.unwrap();
    assert_eq!(r.status, W);
    tx.commit().await.unwrap();
    // Held: registrations are no longer cancelled; a held event is not cancelled.
    let mut tx = f.t.db.begin().await.unwrap();
    let region = municipalities::get(&mut tx, f.a.municipality_id).await.unwrap().region_id;
    events::act(&mut tx, &actor(), region, id, EventAction::MarkHeld, None).await.unwrap();
    let r = events::cancel_registration(&mut tx, &actor(), got[1].id).await;
    assert!(matches!(r, Err(StoreError::Conflict(_))));
    let r = events::act(&mut tx, &actor(), region, id, EventAction::Cancel, Some("болезнь")).await;
    assert!(matches!(r, Err(StoreError::Conflict(m)) if m.contains("не отменяют")));
    tx.commit().await.unwrap();
    f.t.drop_db().await;
}

#[tokio::test]
async fn many_registering_for_the_last_place_at_once_leave_exactly_one_registered() {
    const N: usize = 8;
    let f = fixture(N).await;
    let id = announced(&f, "1").await;
    let mut tasks = vec![];
    for t in f.teachers.clone() {
        let db = f.t.db.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = db.begin().await.unwrap();
            let r = events::register(&mut tx, &actor(), id, Registrant::Teacher(t), true, TODAY).await.unwrap();
            tx.commit().await.unwrap();
            r.status
        }));
    }
    let mut states = vec![];
    for t in tasks {
        states.push(t.await.unwrap());
    }
    let registered = states.iter().filter(|s| **s == RegistrationStatus::Registered).count();
    assert_eq!((registered, states.len() - registered), (1, N - 1), "{states:?}");
    let mut c = f.t.db.conn().await.unwrap();
    let e = events::get(&mut c, id).await.unwrap();
    assert_eq!((e.registered, e.waiting), (1, i64::try_from(N).unwrap() - 1));
    drop(c);
    f.t.drop_db().await;
}

#[tokio::test]
async fn an_event_refers_only_to_its_own_association_s_plan_and_its_municipality_s_venues() {
    let f = fixture(0).await;
    let (t2, other) = common::municipalities(&["Другой район"]).await;
    drop(t2);
    let mut tx = f.t.db.begin().await.unwrap();
    let region = municipalities::get(&mut tx, f.a.municipality_id).await.unwrap().region_id;
    let foreign = common::school(&mut tx, f.a.municipality_id, 2).await;
    let _ = other;
    let d = EventInput { venue_organization_id: Some(foreign.get() + 1000), ..seminar("") }.parse().unwrap();
    let r = events::create(&mut tx, &actor(), f.a.municipality_id, region, Some(&f.a), &d).await;
    assert!(matches!(r, Err(StoreError::Invalid(e)) if e[0].field == "venue_organization_id"));
    let d = EventInput { plan_item_id: Some(999_999), ..seminar("") }.parse().unwrap();
    let r = events::create(&mut tx, &actor(), f.a.municipality_id, region, Some(&f.a), &d).await;
    assert!(matches!(r, Err(StoreError::Invalid(e)) if e[0].field == "plan_item_id"));
    // Cancelling asks for the reason the registered will read.
    let e = events::create(&mut tx, &actor(), f.a.municipality_id, region, Some(&f.a), &seminar("").parse().unwrap())
        .await
        .unwrap();
    let r = events::act(&mut tx, &actor(), region, e.id, EventAction::Cancel, Some("  ")).await;
    assert!(matches!(r, Err(StoreError::Invalid(e)) if e[0].field == "reason"));
    let e = events::act(&mut tx, &actor(), region, e.id, EventAction::Cancel, Some("Карантин в школах")).await.unwrap();
    assert_eq!((e.status, e.cancel_reason.as_deref()), (EventStatus::Cancelled, Some("Карантин в школах")));
    tx.commit().await.unwrap();
    f.t.drop_db().await;
}

#[tokio::test]
async fn the_sheet_then_certificates_for_those_present_each_verified_by_its_code() {
    let f = fixture(3).await;
    let id = announced(&f, "2").await;
    let mut tx = f.t.db.begin().await.unwrap();
    let mut regs = vec![];
    for t in &f.teachers {
        regs.push(events::register(&mut tx, &actor(), id, Registrant::Teacher(*t), true, TODAY).await.unwrap());
    }
    assert_eq!(regs[2].status, RegistrationStatus::Waitlisted);
    // The waiting list did not come in: it is not marked.
    let r = events::mark_attendance(&mut tx, &actor(), id, &[(regs[2].id, true)]).await;
    assert!(matches!(r, Err(StoreError::Invalid(e)) if e[0].message.contains("в листе ожидания")));
    events::mark_attendance(&mut tx, &actor(), id, &[(regs[0].id, true), (regs[1].id, false)]).await.unwrap();
    let walk_in = events::add_walk_in(
        &mut tx,
        &actor(),
        id,
        Registrant::Guest {
            name: "Сидорова Мария Петровна", organization: Some("Лицей № 7")
        },
    )
    .await
    .unwrap();
    assert_eq!((walk_in.status, walk_in.walk_in, walk_in.attended), (RegistrationStatus::Registered, true, Some(1)));
    // Certificates wait for the event to be held.
    let r = events::issue_participant_certificates(&mut tx, &actor(), id).await;
    assert!(matches!(r, Err(StoreError::Conflict(_))));
    let region = municipalities::get(&mut tx, f.a.municipality_id).await.unwrap().region_id;
    events::act(&mut tx, &actor(), region, id, EventAction::MarkHeld, None).await.unwrap();
    assert_eq!(events::issue_participant_certificates(&mut tx, &actor(), id).await.unwrap(), 2);
    assert_eq!(events::issue_participant_certificates(&mut tx, &actor(), id).await.unwrap(), 0, "once each");
    tx.commit().await.unwrap();
    let mut c = f.t.db.conn().await.unwrap();
    let certs = events::certificates(&mut c, id).await.unwrap();
    let numbers: Vec<&str> = certs.iter().map(|c| c.number.as_str()).collect();
    assert_eq!(numbers, [format!("М-{:06}-0001", id.get()), format!("М-{:06}-0002", id.get())]);
    assert_eq!(
        (certs[0].name.as_str(), certs[1].name.as_str()),
        ("Учителева0 Анна Ивановна", "Сидорова Мария Петровна")
    );
    assert_ne!(certs[0].code, certs[1].code);
    assert_eq!(certs[0].code.len(), 32);
    // The public page's key finds the certificate with what it shows; a made-up one nothing.
    let v = events::verify(&mut c, &certs[1].code).await.unwrap().unwrap();
    assert_eq!(
        (v.event_title.as_str(), v.hours, v.revoked_at.is_none()),
        ("Лабораторный практикум по физике", 4, true)
    );
    assert!(events::verify(&mut c, "0123456789abcdef0123456789abcdef").await.unwrap().is_none());
    drop(c);
    // Revoked with a reason: the page says so; not twice.
    let mut tx = f.t.db.begin().await.unwrap();
    let r = events::revoke_certificate(&mut tx, &actor(), certs[1].id, " ").await;
    assert!(matches!(r, Err(StoreError::Invalid(_))));
    events::revoke_certificate(&mut tx, &actor(), certs[1].id, "Выдан по ошибке").await.unwrap();
    assert!(matches!(
        events::revoke_certificate(&mut tx, &actor(), certs[1].id, "ещё").await,
        Err(StoreError::Conflict(_))
    ));
    tx.commit().await.unwrap();
    let mut c = f.t.db.conn().await.unwrap();
    assert!(events::verify(&mut c, &certs[1].code).await.unwrap().unwrap().revoked_at.is_some());
    drop(c);
    f.t.drop_db().await;
}

#[tokio::test]
async fn a_change_keeps_the_registered_and_a_raised_cap_moves_the_waiting_up() {
    let f = fixture(3).await;
    let id = announced(&f, "1").await;
    let mut tx = f.t.db.begin().await.unwrap();
    for t in &f.teachers {
        events::register(&mut tx, &actor(), id, Registrant::Teacher(*t), true, TODAY).await.unwrap();
    }
    let region = municipalities::get(&mut tx, f.a.municipality_id).await.unwrap().region_id;
    let e = events::get(&mut tx, id).await.unwrap();
    // Two places: the first waiting moves up; the title and the time change with it.
    let d = EventInput {
        title: "Практикум, перенесён".into(), starts_at: "16:00".into(), ..seminar("2")
    };
    let e =
        events::update(&mut tx, &actor(), region, Some(&f.a), id, &d.parse().unwrap(), Some(e.version)).await.unwrap();
    assert_eq!(
        (e.title.as_str(), e.starts_at.as_deref(), e.registered, e.waiting),
        ("Практикум, перенесён", Some("16:00"), 2, 1)
    );
    // Not below the registered; not from a stale version.
    let r = events::update(&mut tx, &actor(), region, Some(&f.a), id, &seminar("1").parse().unwrap(), Some(e.version))
        .await;
    assert!(matches!(r, Err(StoreError::Invalid(e)) if e[0].field == "cap"));
    tx.commit().await.unwrap();
    let mut tx = f.t.db.begin().await.unwrap();
    let r =
        events::update(&mut tx, &actor(), region, Some(&f.a), id, &seminar("5").parse().unwrap(), Some(e.version - 1))
            .await;
    assert!(matches!(r, Err(StoreError::Conflict(_))), "stale");
    drop(tx);
    f.t.drop_db().await;
}

#[tokio::test]
async fn an_announcement_tells_each_member_with_an_account_once_and_mails_who_wants_it_at_once() {
    let f = fixture(4).await;
    let mut tx = f.t.db.begin().await.unwrap();
    // Three of four members have accounts; the first wants e-mail at once, the others by digest.
    for (i, t) in f.teachers.iter().enumerate() {
        associations::add_member(&mut tx, &actor(), &f.a, *t, "2026-09-01", None).await.unwrap();
        if i == 3 {
            continue;
        }
        let mode = if i == 0 { "immediate" } else { "digest" };
        let user: i64 = sqlx::query_scalar(
            "INSERT INTO users (login, full_name, email, password_hash, created_at, updated_at, email_mode)
             VALUES ($1, $2, $3, 'x', '2026-09-01T00:00:00Z', '2026-09-01T00:00:00Z', $4) RETURNING id",
        )
        .bind(format!("member{i}"))
        .bind(format!("Учителева{i}"))
        .bind(format!("member{i}@school.example"))
        .bind(mode)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        sqlx::query("UPDATE teachers SET user_id = $1 WHERE id = $2")
            .bind(user)
            .bind(t.get())
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let members_only = EventInput { reach: "members".into(), ..seminar("") };
    let mut tx = f.t.db.begin().await.unwrap();
    let region = municipalities::get(&mut tx, f.a.municipality_id).await.unwrap().region_id;
    let e = events::create(&mut tx, &actor(), f.a.municipality_id, region, Some(&f.a), &members_only.parse().unwrap())
        .await
        .unwrap();
    events::act(&mut tx, &actor(), region, e.id, EventAction::Announce, None).await.unwrap();
    tx.commit().await.unwrap();
    let mut c = f.t.db.conn().await.unwrap();
    let link = format!("/events/{}", e.id);
    let told: Vec<(i64, Option<String>)> = sqlx::query_as(
        "SELECT user_id, emailed_at FROM notifications WHERE link = $1 AND kind = 'event_announced' ORDER BY user_id",
    )
    .bind(&link)
    .fetch_all(&mut *c)
    .await
    .unwrap();
    assert_eq!(told.len(), 3, "{told:?}");
    assert_eq!(told.iter().filter(|(_, e)| e.is_some()).count(), 1, "only the one who wants e-mail at once: {told:?}");
    let outbox: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM email_outbox o JOIN notifications n ON n.id = o.notification_id WHERE n.link = $1",
    )
    .bind(&link)
    .fetch_one(&mut *c)
    .await
    .unwrap();
    assert_eq!(outbox, 1);
}

#[tokio::test]
async fn a_series_counts_each_person_s_sessions_attended() {
    let f = fixture(3).await;
    let first = announced(&f, "").await;
    let mut tx = f.t.db.begin().await.unwrap();
    let region = municipalities::get(&mut tx, f.a.municipality_id).await.unwrap().region_id;
    let second = events::add_session(&mut tx, &actor(), region, first, date!(2027 - 03 - 12)).await.unwrap();
    assert_eq!(second.series_id, Some(first.get()));
    assert_eq!(second.status, EventStatus::Draft);
    let err = events::add_session(&mut tx, &actor(), region, second.id, date!(2027 - 03 - 12)).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "one session a day: {err:?}");
    events::act(&mut tx, &actor(), region, second.id, EventAction::Announce, None).await.unwrap();
    // The first teacher comes to both sessions, the second to the first only, the third to none.
    for (e, day, present) in
        [(first, TODAY, vec![true, true, false]), (second.id, date!(2027 - 03 - 01), vec![true, false, false])]
    {
        let mut marks = vec![];
        for (t, p) in f.teachers.iter().zip(present) {
            let r = events::register(&mut tx, &actor(), e, Registrant::Teacher(*t), false, day).await.unwrap();
            marks.push((r.id, p));
        }
        sqlx::query("UPDATE events SET starts_on = '2026-01-01', ends_on = '2026-01-01' WHERE id = $1")
            .bind(e.get())
            .execute(&mut *tx)
            .await
            .unwrap();
        events::mark_attendance(&mut tx, &actor(), e, &marks).await.unwrap();
    }
    let got = events::series_attendance(&mut tx, first.get()).await.unwrap();
    let counts: Vec<i64> = got.iter().map(|(_, n)| *n).collect();
    assert_eq!(counts, [2, 1], "{got:?}");
    assert!(got[0].0.starts_with("Учителева0"), "{got:?}");
    assert_eq!(events::series(&mut tx, first.get()).await.unwrap().len(), 2);
}
