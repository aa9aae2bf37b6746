//! The cyclogram of an association and new plans filled from it or from last year's plan, against
//! a real database (SQLite, or PostgreSQL with METODA_TEST_DATABASE).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::actor;
use metoda_domain::plans::{CyclogramInput, ItemInput, ItemStatus, Prefill, StatusInput, WorkForm};
use metoda_domain::profile::ProfileSettings;
use metoda_domain::values::iso_date;
use metoda_store::associations::{self, Association};
use metoda_store::plans::{self, StepRefs};
use metoda_store::testkit::TestDb;
use metoda_store::{StoreError, cyclograms, municipalities, profiles};

struct Fixture {
    t: TestDb,
    a: Association,
    other: Association,
    settings: ProfileSettings,
}

/// A municipality under seed 002 (academic year; drafted by the head → approved) with two associations.
async fn fixture() -> Fixture {
    let (t, munis) = common::municipalities(&["Район"]).await;
    let mut c = t.db.conn().await.unwrap();
    let mut ids = vec![];
    for name in ["ММО учителей географии", "ММО учителей музыки"] {
        ids.push(common::association(&mut c, munis[0], name).await);
    }
    let a = associations::get(&mut c, ids[0]).await.unwrap();
    let other = associations::get(&mut c, ids[1]).await.unwrap();
    let settings = profiles::by_code(&mut c, "seed-002").await.unwrap().settings().unwrap();
    drop(c);
    Fixture { t, a, other, settings }
}

fn row(month: &str, title: &str, form: &str) -> CyclogramInput {
    CyclogramInput {
        month: month.into(),
        title: title.into(),
        direction: "organizational_methodical".into(),
        form: form.into(),
        responsible: "Руководитель ММО".into(),
        note: String::new(),
        version: None,
    }
}

async fn audit_count(c: &mut sqlx::AnyConnection, entity: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = $1")
        .bind(entity)
        .fetch_one(&mut *c)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_cyclogram_is_kept_by_month_changed_and_removed_with_an_audit_trail() {
    let f = fixture().await;
    let mut c = f.t.db.conn().await.unwrap();
    let may = cyclograms::add(&mut c, &actor(), &f.a, &row("5", "Анализ работы за год", "meeting").parse().unwrap())
        .await
        .unwrap();
    let aug = cyclograms::add(&mut c, &actor(), &f.a, &row("8", "Августовская секция", "conference").parse().unwrap())
        .await
        .unwrap();
    let sep =
        cyclograms::add(&mut c, &actor(), &f.a, &row("9", "Заседание № 1", "meeting").parse().unwrap()).await.unwrap();
    let months: Vec<i64> = cyclograms::list(&mut c, f.a.id).await.unwrap().iter().map(|r| r.month).collect();
    assert_eq!(months, [5, 8, 9]);
    assert!(cyclograms::list(&mut c, f.other.id).await.unwrap().is_empty());

    // Changed: the note and the month; another association's row is not found.
    let mut changed = row("6", "Анализ работы за год", "round_table");
    changed.note = "по итогам ГИА".into();
    let may2 = cyclograms::update(&mut c, &actor(), &f.a, may.id, &changed.parse().unwrap(), None).await.unwrap();
    assert_eq!((may2.month, may2.form.code(), may2.note.as_deref()), (6, "round_table", Some("по итогам ГИА")));
    let e = cyclograms::update(&mut c, &actor(), &f.other, may.id, &changed.parse().unwrap(), None).await.unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");

    // Removed rows are archived, not deleted; removing twice changes nothing; a removed row is not edited.
    let gone = cyclograms::remove(&mut c, &actor(), &f.a, aug.id).await.unwrap();
    assert!(gone.archived_at.is_some());
    cyclograms::remove(&mut c, &actor(), &f.a, aug.id).await.unwrap();
    let e = cyclograms::update(&mut c, &actor(), &f.a, aug.id, &row("8", "x", "other").parse().unwrap(), None)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
    let ids: Vec<i64> = cyclograms::list(&mut c, f.a.id).await.unwrap().iter().map(|r| r.id).collect();
    assert_eq!(ids, [may.id, sep.id]);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cyclogram_items").fetch_one(&mut *c).await.unwrap();
    assert_eq!(n, 3);
    assert_eq!(audit_count(&mut c, "cyclogram_item").await, 5, "three added, one changed, one removed");

    // A liquidated association's cyclogram does not change.
    sqlx::query("UPDATE associations SET status = 'liquidated' WHERE id = $1")
        .bind(f.a.id.get())
        .execute(&mut *c)
        .await
        .unwrap();
    let dead = associations::get(&mut c, f.a.id).await.unwrap();
    let e = cyclograms::add(&mut c, &actor(), &dead, &row("1", "x", "other").parse().unwrap()).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
    drop(c);
    f.t.drop_db().await;
}

#[tokio::test]
async fn a_new_plan_is_filled_from_the_cyclogram_in_its_months() {
    let f = fixture().await;
    let mut c = f.t.db.conn().await.unwrap();
    // An empty cyclogram fills nothing: refused, and no plan is made.
    let e = plans::create_from(&mut c, &actor(), &f.a, &f.settings, 2026, Prefill::Cyclogram).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref v) if v[0].field == "prefill"), "{e:?}");
    assert!(plans::for_association(&mut c, f.a.id).await.unwrap().is_empty());

    for (m, t, form) in
        [("1", "Семинар по ФГОС", "seminar"), ("9", "Заседание № 1", "meeting"), ("5", "Анализ", "meeting")]
    {
        cyclograms::add(&mut c, &actor(), &f.a, &row(m, t, form).parse().unwrap()).await.unwrap();
    }
    let removed =
        cyclograms::add(&mut c, &actor(), &f.a, &row("10", "Удалённое", "other").parse().unwrap()).await.unwrap();
    cyclograms::remove(&mut c, &actor(), &f.a, removed.id).await.unwrap();

    let mut tx = f.t.db.begin().await.unwrap();
    let (plan, n) = plans::create_from(&mut tx, &actor(), &f.a, &f.settings, 2026, Prefill::Cyclogram).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(n, 3, "removed rows are not carried into the plan");
    let items = plans::items(&mut c, &plan).await.unwrap();
    let got: Vec<(&str, Option<i64>, Option<String>, &str)> = items
        .iter()
        .map(|i| (i.title.as_str(), i.planned_month, i.planned_on.map(iso_date), i.status.code()))
        .collect();
    assert_eq!(
        got,
        [
            ("Заседание № 1", Some(9), None, "planned"),
            ("Семинар по ФГОС", Some(1), None, "planned"),
            ("Анализ", Some(5), None, "planned"),
        ],
        "in the order of the academic year"
    );
    assert_eq!(items[0].responsible.as_deref(), Some("Руководитель ММО"));
    assert_eq!(items[0].form, WorkForm::Meeting);
    assert_eq!(audit_count(&mut c, "plan_item").await, 3);
    // A second plan of the same year is refused whatever the filling.
    let e = plans::create_from(&mut c, &actor(), &f.a, &f.settings, 2026, Prefill::Empty).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
    drop(c);
    f.t.drop_db().await;
}

#[tokio::test]
async fn last_years_plan_is_copied_into_the_same_months_and_planned_again() {
    use metoda_domain::profile::ApprovalStep as S;
    let f = fixture().await;
    let mut c = f.t.db.conn().await.unwrap();
    // Nothing to copy yet.
    let e = plans::create_from(&mut c, &actor(), &f.a, &f.settings, 2026, Prefill::PreviousYear).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref v) if v[0].message.contains("прошлого года")), "{e:?}");

    let (last, _) = plans::create_from(&mut c, &actor(), &f.a, &f.settings, 2025, Prefill::Empty).await.unwrap();
    let (from, to) = last.bounds();
    let item = |title: &str, on: &str, month: &str| ItemInput {
        title: title.into(),
        direction: "informational".into(),
        form: "seminar".into(),
        planned_on: on.into(),
        planned_month: month.into(),
        audience: "учителя географии".into(),
        expected_result: "рекомендации".into(),
        ..Default::default()
    };
    let dated = item("Семинар «Карты»", "15.10.2025", "").parse(from, to).unwrap();
    let monthly = item("Открытые уроки", "", "3").parse(from, to).unwrap();
    let moved = item("Круглый стол", "20.11.2025", "").parse(from, to).unwrap();
    let leap = item("Декада географии", "", "2").parse(from, to).unwrap();
    let i1 = plans::add_item(&mut c, &actor(), &f.a, &last, &dated, None).await.unwrap();
    plans::add_item(&mut c, &actor(), &f.a, &last, &monthly, None).await.unwrap();
    let i3 = plans::add_item(&mut c, &actor(), &f.a, &last, &moved, None).await.unwrap();
    plans::add_item(&mut c, &actor(), &f.a, &last, &leap, None).await.unwrap();
    // Last year's plan was approved and executed: done, moved to January.
    let last = plans::take_step(
        &mut c,
        &actor(),
        &f.a,
        &last,
        S::DraftedByHead,
        evidence(S::DraftedByHead),
        StepRefs::default(),
    )
    .await
    .unwrap();
    let last = plans::take_step(&mut c, &actor(), &f.a, &last, S::Approved, evidence(S::Approved), StepRefs::default())
        .await
        .unwrap();
    assert!(last.approved());
    let done = StatusInput { status: "done".into(), ..Default::default() }.parse(to).unwrap();
    plans::set_status(&mut c, &actor(), &f.a, &last, i1.id, &done, None).await.unwrap();
    let mv = StatusInput { status: "moved".into(), reason: "карантин".into(), moved_to: "20.01.2026".into() }
        .parse(to)
        .unwrap();
    plans::set_status(&mut c, &actor(), &f.a, &last, i3.id, &mv, None).await.unwrap();

    let mut tx = f.t.db.begin().await.unwrap();
    let (plan, n) =
        plans::create_from(&mut tx, &actor(), &f.a, &f.settings, 2026, Prefill::PreviousYear).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(n, 4);
    assert_eq!((plan.year, plan.status.code(), plan.version), (2026, "draft", 1));
    let items = plans::items(&mut c, &plan).await.unwrap();
    let got: Vec<(&str, Option<i64>, Option<String>, &str)> = items
        .iter()
        .map(|i| (i.title.as_str(), i.planned_month, i.planned_on.map(iso_date), i.status.code()))
        .collect();
    assert_eq!(
        got,
        [
            ("Семинар «Карты»", Some(10), Some("2026-10-15".into()), "planned"),
            // moved last year to January: planned again in November, as a month
            ("Круглый стол", Some(11), None, "planned"),
            ("Декада географии", Some(2), None, "planned"),
            ("Открытые уроки", Some(3), None, "planned"),
        ]
    );
    assert!(
        items.iter().all(|i| i.status_reason.is_none() && i.moved_to.is_none() && i.fulfilled_meeting_id.is_none())
    );
    assert_eq!(items[0].audience.as_deref(), Some("учителя географии"));
    assert_eq!(items[0].expected_result.as_deref(), Some("рекомендации"));
    // Last year's plan is untouched.
    let last = plans::get(&mut c, last.id).await.unwrap();
    let old = plans::items(&mut c, &last).await.unwrap();
    assert_eq!(old.iter().filter(|i| i.status != ItemStatus::Planned).count(), 2);

    // A rolled-back transaction leaves neither the plan nor its items.
    let mut tx = f.t.db.begin().await.unwrap();
    plans::create_from(&mut tx, &actor(), &f.a, &f.settings, 2027, Prefill::PreviousYear).await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(plans::for_association(&mut c, f.a.id).await.unwrap().len(), 2);
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM plan_items").fetch_one(&mut *c).await.unwrap();
    assert_eq!(total, 8);
    drop(c);
    f.t.drop_db().await;
}

fn evidence(s: metoda_domain::profile::ApprovalStep) -> metoda_domain::meetings::Evidence {
    metoda_domain::meetings::evidence(s)
}

#[tokio::test]
async fn an_approving_order_must_be_of_the_associations_municipality() {
    use metoda_domain::directory::MunicipalityInput;
    use metoda_domain::orders::OrderInput;
    use metoda_domain::profile::ApprovalStep as S;
    let f = fixture().await;
    let mut c = f.t.db.conn().await.unwrap();
    // Seed 000's path ends with an order of the authority.
    let p000 = profiles::by_code(&mut c, "seed-000").await.unwrap();
    let s000 = p000.settings().unwrap();
    let plan = plans::create(&mut c, &actor(), &f.a, &s000, 2026).await.unwrap();
    let other = municipalities::create(
        &mut c,
        &actor(),
        f.a.region_id,
        &MunicipalityInput { name: "Соседний район".into(), ..Default::default() }.parse().unwrap(),
    )
    .await
    .unwrap();
    let today = time::macros::date!(2026 - 09 - 01);
    let od = OrderInput {
        number: "5".into(),
        date: "01.09.2026".into(),
        kind: "other".into(),
        title: "Об утверждении плана".into(),
        body: "Утвердить план работы.".into(),
        ..Default::default()
    }
    .parse(today)
    .unwrap();
    let foreign = metoda_store::orders::register(&mut c, &actor(), &other, None, &od).await.unwrap();
    let plan = plans::take_step(
        &mut c,
        &actor(),
        &f.a,
        &plan,
        S::DraftedByHead,
        evidence(S::DraftedByHead),
        StepRefs::default(),
    )
    .await
    .unwrap();
    // The meeting step is skipped here by writing it directly: this test is about the order.
    sqlx::query("INSERT INTO plan_steps (plan_id, step, evidence, at) VALUES ($1, 'considered_at_meeting', 'meeting_decision', $2)")
        .bind(plan.id.get())
        .bind(metoda_store::now())
        .execute(&mut *c)
        .await
        .unwrap();
    let refs = StepRefs { order_id: Some(foreign.id), ..Default::default() };
    let step = S::ApprovedByAuthorityOrder;
    let e = plans::take_step(&mut c, &actor(), &f.a, &plan, step, evidence(step), refs).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref v) if v[0].message.contains("другого муниципалитета")), "{e:?}");
    let muni = municipalities::get(&mut c, f.a.municipality_id).await.unwrap();
    let own = metoda_store::orders::register(&mut c, &actor(), &muni, None, &od).await.unwrap();
    let refs = StepRefs { order_id: Some(own.id), ..Default::default() };
    let plan = plans::take_step(&mut c, &actor(), &f.a, &plan, step, evidence(step), refs).await.unwrap();
    assert!(plan.approved());
    let steps = plans::steps(&mut c, plan.id).await.unwrap();
    assert_eq!(steps.last().unwrap().order_id, Some(own.id));
    drop(c);
    f.t.drop_db().await;
}
