//! The teacher bank, orders and associations against a real database (SQLite, or PostgreSQL with
//! METODA_TEST_DATABASE).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use metoda_domain::ids::*;

use common::actor;
use metoda_domain::access::TeacherScope;
use metoda_domain::directory::AssociationStatus;
use metoda_domain::meetings::Attendance;
use metoda_domain::orders::{OfficerRole, OrderInput};
use metoda_domain::teachers::{Category, TeacherInput};
use metoda_store::meetings::PastMeeting;
use metoda_store::testkit::TestDb;
use metoda_store::{Actor, StoreError, associations, municipalities, orders, profiles, teachers};
use time::macros::date;

const TODAY: time::Date = date!(2026 - 11 - 23);

struct Fixture {
    t: TestDb,
    muni: MunicipalityId,
    orgs: Vec<OrganizationId>,
}

async fn fixture() -> Fixture {
    let (t, munis) = common::municipalities(&["Район"]).await;
    let mut c = t.db.conn().await.unwrap();
    let mut orgs = vec![];
    for n in 1..=3 {
        orgs.push(common::school(&mut c, munis[0], n).await);
    }
    drop(c);
    Fixture { t, muni: munis[0], orgs }
}

async fn teacher(f: &Fixture, last: &str, birth: &str, org: OrganizationId, category: &str, start: &str) -> TeacherId {
    let mut c = f.t.db.conn().await.unwrap();
    common::teacher(&mut c, f.muni, org, last, birth, category, start).await
}

fn all() -> TeacherScope {
    TeacherScope { all: true, ..Default::default() }
}

#[tokio::test]
async fn the_bank_filters_counts_and_pages_on_the_database() {
    let f = fixture().await;
    // Ages on 23.11.2026: 25, 35, 45, 55, 65; experience 2, 8, 15, 25, 40 years.
    let ids = [
        teacher(&f, "Алексеева", "01.01.2001", f.orgs[0], "none", "01.09.2024").await,
        teacher(&f, "Борисова", "01.01.1991", f.orgs[0], "first", "01.09.2018").await,
        teacher(&f, "Васильева", "01.01.1981", f.orgs[1], "highest", "01.09.2011").await,
        teacher(&f, "Григорьева", "01.01.1971", f.orgs[1], "highest", "01.09.2001").await,
        teacher(&f, "Дмитриева", "01.01.1961", f.orgs[2], "conformity", "01.09.1986").await,
    ];
    let mut c = f.t.db.conn().await.unwrap();
    let base = teachers::Filter { scope: all(), per_page: 2, page: 1, ..Default::default() };
    let (rows, total) = teachers::list(&mut c, &base, TODAY).await.unwrap();
    assert_eq!(total, 5);
    assert_eq!(rows.iter().map(|t| t.last_name.as_str()).collect::<Vec<_>>(), ["Алексеева", "Борисова"]);
    let (rows, _) = teachers::list(&mut c, &teachers::Filter { page: 3, ..base.clone() }, TODAY).await.unwrap();
    assert_eq!(rows[0].last_name, "Дмитриева");
    for (filter, expected) in [
        (teachers::Filter { category: Some(Category::Highest), ..base.clone() }, 2),
        (teachers::Filter { organization_id: Some(f.orgs[1]), ..base.clone() }, 2),
        (teachers::Filter { age_band: Some(1), ..base.clone() }, 1), // 30–39
        (teachers::Filter { experience_band: Some(0), ..base.clone() }, 1), // under 3 years
        (teachers::Filter { experience_band: Some(4), ..base.clone() }, 2), // 20 and more
        (teachers::Filter { expiring: Some(6), ..base.clone() }, 4), // expire 01.03.2027
        (teachers::Filter { text: Some("ВАСИЛЬ".into()), ..base.clone() }, 1),
        (teachers::Filter { text: Some("%".into()), ..base.clone() }, 0),
        (teachers::Filter { scope: TeacherScope::default(), ..base.clone() }, 0),
        (
            teachers::Filter {
                scope: TeacherScope { organizations: vec![f.orgs[0]], ..Default::default() },
                ..base.clone()
            },
            2,
        ),
    ] {
        let mut c3 = f.t.db.conn().await.unwrap();
        assert_eq!(teachers::list(&mut c3, &filter, TODAY).await.unwrap().1, expected, "{filter:?}");
    }
    let comp = teachers::composition(&mut c, &base, TODAY).await.unwrap();
    assert_eq!(comp.total, 5);
    assert_eq!(comp.category.iter().map(|x| x.1).collect::<Vec<_>>(), [2, 1, 1, 1]);
    assert_eq!(comp.age.iter().map(|x| x.1).collect::<Vec<_>>(), [1, 1, 1, 1, 1]);
    assert_eq!(comp.experience.iter().map(|x| x.1).collect::<Vec<_>>(), [1, 0, 1, 1, 2]);
    assert_eq!(comp.education[0].1, 5);
    assert_eq!(comp.expiring, 4);
    // A duplicate identity is refused; archiving takes a teacher out of the bank's list.
    let dup = TeacherInput {
        last_name: "Алексеева".into(),
        first_name: "Анна".into(),
        middle_name: "Ивановна".into(),
        birth_date: "01.01.2001".into(),
        organization_id: Some(f.orgs[0].get()),
        position: "учитель".into(),
        education: "higher".into(),
        ..Default::default()
    }
    .parse(TODAY)
    .unwrap();
    assert!(matches!(teachers::create(&mut c, &actor(), f.muni, &dup).await, Err(StoreError::Conflict(_))));
    teachers::set_archived(&mut c, &actor(), ids[0], true).await.unwrap();
    assert_eq!(teachers::list(&mut c, &base, TODAY).await.unwrap().1, 4);
    drop(c);
    f.t.drop_db().await;
}

async fn register(f: &Fixture, input: OrderInput) -> Result<orders::Order, StoreError> {
    let mut tx = f.t.db.begin().await.unwrap();
    let m = municipalities::get(&mut tx, f.muni).await.unwrap();
    let settings = match m.profile_id {
        Some(p) => Some(profiles::get(&mut tx, p).await.unwrap().settings().unwrap()),
        None => None,
    };
    let d = input.parse(TODAY).map_err(StoreError::Invalid)?;
    let r = orders::register(&mut tx, &actor(), &m, settings.as_ref(), &d).await;
    if r.is_ok() {
        tx.commit().await.unwrap();
    }
    r
}

#[tokio::test]
async fn orders_create_associations_appoint_officers_and_fix_the_composition() {
    let f = fixture().await;
    let mut ids = vec![];
    for (i, name) in ["Аксёнова", "Белова", "Власова", "Голубева", "Дорофеева"].iter().enumerate()
    {
        ids.push(teacher(&f, name, "01.01.1985", f.orgs[i % 3], "first", "01.09.2010").await);
    }
    let create = OrderInput {
        number: "57".into(),
        date: "01.09.2026".into(),
        kind: "create_association".into(),
        name: "ММО учителей физики".into(),
        direction: "физика".into(),
        head_teacher_id: Some(ids[0].get()),
        member_ids: ids[1..4].iter().map(|t| t.get()).collect(),
        ..Default::default()
    };
    let o = register(&f, create.clone()).await.unwrap();
    let aid = o.association_id.unwrap();
    let mut c = f.t.db.conn().await.unwrap();
    let a = associations::get(&mut c, aid).await.unwrap();
    assert_eq!(
        (a.members, a.body_name.as_deref(), a.head_name.as_deref()),
        (4, Some("ММО"), Some("Аксёнова Анна Ивановна"))
    );
    assert_eq!(a.created_order_id, Some(o.id));
    // The same number in the same year is refused, and nothing of it stays.
    let e = register(&f, OrderInput { name: "ММО учителей химии".into(), ..create.clone() }).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(ref m) if m.contains("№ 57")), "{e:?}");
    assert_eq!(
        associations::list(&mut c, Some(f.muni)).await.unwrap().iter().filter(|a| a.name.contains("химии")).count(),
        0
    );
    // Appoint a secretary from the members; a stranger cannot be appointed.
    let appoint = OrderInput {
        number: "58".into(),
        date: "02.09.2026".into(),
        kind: "appoint_officer".into(),
        association_id: Some(aid.get()),
        officer_role: "secretary".into(),
        officer_teacher_id: Some(ids[1].get()),
        ..Default::default()
    };
    register(&f, appoint.clone()).await.unwrap();
    let e = register(&f, OrderInput { number: "59".into(), officer_teacher_id: Some(ids[4].get()), ..appoint.clone() })
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e:?}");
    // A new head ends the old head's term.
    register(
        &f,
        OrderInput {
            number: "60".into(),
            officer_role: "head".into(),
            officer_teacher_id: Some(ids[2].get()),
            ..appoint.clone()
        },
    )
    .await
    .unwrap();
    let officers = associations::officers(&mut c, aid).await.unwrap();
    let heads: Vec<_> = officers.iter().filter(|o| o.role == OfficerRole::Head).collect();
    assert_eq!(heads.len(), 2);
    assert!(heads.iter().any(|h| h.teacher_id == Some(ids[2]) && h.to_on.is_none()));
    assert!(heads.iter().any(|h| h.teacher_id == Some(ids[0]) && h.to_on == Some(time::macros::date!(2026 - 09 - 02))));
    // Fix the yearly composition; later changes do not alter the snapshot.
    let comp = register(&f, OrderInput { number: "61".into(), kind: "approve_composition".into(), ..appoint.clone() })
        .await
        .unwrap();
    let a = associations::get(&mut c, aid).await.unwrap();
    associations::add_member(&mut c, &actor(), &a, ids[4], "2026-10-01", None).await.unwrap();
    associations::remove_member(&mut c, &actor(), &a, ids[3], "2026-10-15").await.unwrap();
    let snap = orders::snapshot(&mut c, comp.id).await.unwrap();
    assert_eq!(snap.len(), 4);
    assert!(snap.iter().any(|s| s.teacher_id == ids[3]));
    assert!(snap.iter().any(|s| s.role == Some(OfficerRole::Secretary)));
    // Members on a date.
    assert_eq!(associations::members(&mut c, aid, Some("2026-09-15")).await.unwrap().len(), 4);
    assert_eq!(associations::members(&mut c, aid, Some("2026-10-20")).await.unwrap().len(), 4);
    assert_eq!(associations::members(&mut c, aid, Some("2026-08-31")).await.unwrap().len(), 0);
    assert!(associations::members(&mut c, aid, None).await.unwrap().iter().any(|m| m.teacher_id == ids[4]));
    // Liquidation: the association stays readable, further orders on it are refused.
    register(&f, OrderInput { number: "62".into(), kind: "liquidate_association".into(), ..appoint.clone() })
        .await
        .unwrap();
    let a = associations::get(&mut c, aid).await.unwrap();
    assert_eq!((a.status, a.liquidated_at.as_deref()), (AssociationStatus::Liquidated, Some("2026-09-02")));
    let e = register(&f, OrderInput { number: "63".into(), kind: "approve_composition".into(), ..appoint })
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(ref m) if m.contains("ликвидировано")), "{e:?}");
    assert_eq!(orders::list(&mut c, Some(f.muni), Some(aid)).await.unwrap().len(), 5);
    drop(c);
    f.t.drop_db().await;
}

/// Issue 15: an order registered after later changes is reckoned on its own date — the composition
/// it approves is the members and officers of that day, an officer appointed back-dated is a member
/// then and takes their place among the role's terms by date.
#[tokio::test]
async fn an_order_registered_late_is_reckoned_on_its_own_date() {
    let f = fixture().await;
    let mut ids = vec![];
    for (i, name) in ["Аксёнова", "Белова", "Власова", "Голубева", "Дорофеева"].iter().enumerate()
    {
        ids.push(teacher(&f, name, "01.01.1985", f.orgs[i % 3], "first", "01.09.2010").await);
    }
    let o = register(
        &f,
        OrderInput {
            number: "1".into(),
            date: "01.09.2025".into(),
            kind: "create_association".into(),
            name: "ММО учителей физики".into(),
            direction: "физика".into(),
            head_teacher_id: Some(ids[0].get()),
            member_ids: ids[1..4].iter().map(|t| t.get()).collect(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let aid = o.association_id.unwrap();
    let mut c = f.t.db.conn().await.unwrap();
    let a = associations::get(&mut c, aid).await.unwrap();
    // Entered first: the later year — Дорофеева joins in November, Белова leaves in December, and
    // Дорофеева becomes deputy in March.
    associations::add_member(&mut c, &actor(), &a, ids[4], "2025-11-01", None).await.unwrap();
    associations::remove_member(&mut c, &actor(), &a, ids[1], "2025-12-01").await.unwrap();
    drop(c);
    let order = |number: &str, date: &str, kind: &str| OrderInput {
        number: number.into(),
        date: date.into(),
        kind: kind.into(),
        association_id: Some(aid.get()),
        ..Default::default()
    };
    let deputy = |number: &str, date: &str, t: TeacherId| OrderInput {
        officer_role: "deputy".into(),
        officer_teacher_id: Some(t.get()),
        ..order(number, date, "appoint_officer")
    };
    register(&f, deputy("2", "01.03.2026", ids[4])).await.unwrap();
    // Then the earlier orders: the October composition names Белова (a member then) and not
    // Дорофеева (not yet); a deputy appointed in January is Власова's term until March.
    let comp = register(&f, order("3", "01.10.2025", "approve_composition")).await.unwrap();
    // Дорофеева was no member in October: not appointed then.
    let e = register(&f, deputy("4", "15.10.2025", ids[4])).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e:?}");
    register(&f, deputy("5", "15.01.2026", ids[2])).await.unwrap();
    let mut c = f.t.db.conn().await.unwrap();
    let snap = orders::snapshot(&mut c, comp.id).await.unwrap();
    let mut names: Vec<TeacherId> = snap.iter().map(|s| s.teacher_id).collect();
    names.sort();
    assert_eq!(names, vec![ids[0], ids[1], ids[2], ids[3]], "the members of 01.10.2025");
    assert_eq!(snap.iter().find(|s| s.teacher_id == ids[0]).unwrap().role, Some(OfficerRole::Head));
    let deputies: Vec<(Option<TeacherId>, time::Date, Option<time::Date>)> = associations::officers(&mut c, aid)
        .await
        .unwrap()
        .into_iter()
        .filter(|o| o.role == OfficerRole::Deputy)
        .map(|o| (o.teacher_id, o.from_on, o.to_on))
        .collect();
    assert!(deputies.contains(&(Some(ids[2]), date!(2026 - 01 - 15), Some(date!(2026 - 03 - 01)))), "{deputies:?}");
    assert!(deputies.contains(&(Some(ids[4]), date!(2026 - 03 - 01), None)), "{deputies:?}");
    assert_eq!(deputies.len(), 2);
    // A composition of April names the deputy of April.
    let april = register(&f, order("6", "01.04.2026", "approve_composition")).await.unwrap();
    let snap = orders::snapshot(&mut c, april.id).await.unwrap();
    assert_eq!(snap.iter().find(|s| s.teacher_id == ids[4]).unwrap().role, Some(OfficerRole::Deputy));
    assert!(!snap.iter().any(|s| s.teacher_id == ids[1]), "Белова left in December");
    // Entered last: Ершова joined in mid-September and Голубева left before October. Both orders'
    // annexes are written again on their own dates.
    let late = teacher(&f, "Ершова", "01.01.1990", f.orgs[0], "first", "01.09.2015").await;
    let a = associations::get(&mut c, aid).await.unwrap();
    associations::add_member(&mut c, &actor(), &a, late, "2025-09-15", None).await.unwrap();
    associations::remove_member(&mut c, &actor(), &a, ids[3], "2025-09-20").await.unwrap();
    let october: Vec<TeacherId> =
        orders::snapshot(&mut c, comp.id).await.unwrap().iter().map(|s| s.teacher_id).collect();
    assert!(october.contains(&late) && !october.contains(&ids[3]), "{october:?}");
    assert_eq!(october.len(), 4);
    let april: Vec<TeacherId> =
        orders::snapshot(&mut c, april.id).await.unwrap().iter().map(|s| s.teacher_id).collect();
    assert!(april.contains(&late) && !april.contains(&ids[3]), "{april:?}");
    drop(c);
    f.t.drop_db().await;
}

/// Switches the municipality to seed 000 and adds ten teachers; returns the profile id and them.
async fn under_seed_000(f: &Fixture) -> (i64, Vec<TeacherId>) {
    let mut c = f.t.db.conn().await.unwrap();
    let p000 = profiles::by_code(&mut c, "seed-000").await.unwrap();
    municipalities::set_profile(&mut c, &actor(), f.muni, p000.id).await.unwrap();
    drop(c);
    let mut ids = vec![];
    for i in 0..10 {
        ids.push(teacher(f, &format!("Педагог{i}"), "01.01.1980", f.orgs[i % 3], "first", "01.09.2005").await);
    }
    (p000.id, ids)
}

#[tokio::test]
async fn the_profile_minimum_refuses_a_small_association() {
    let f = fixture().await;
    // Seed 000: an ММО needs at least 10 teachers (000 §1.2).
    let (_, ids) = under_seed_000(&f).await;
    let input = OrderInput {
        number: "7".into(),
        date: "01.09.2026".into(),
        kind: "create_association".into(),
        name: "ММО учителей истории".into(),
        direction: "история".into(),
        head_teacher_id: Some(ids[0].get()),
        member_ids: ids[1..9].iter().map(|t| t.get()).collect(),
        ..Default::default()
    };
    let e = register(&f, input.clone()).await.unwrap_err();
    match e {
        StoreError::Invalid(errs) => {
            assert!(errs[0].message.contains("не менее 10") && errs[0].message.contains("в составе 9"))
        }
        other => panic!("{other:?}"),
    }
    let mut c = f.t.db.conn().await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders").fetch_one(&mut *c).await.unwrap();
    assert_eq!(n, 0, "the refused order is not registered either");
    drop(c);
    let o = register(&f, OrderInput { member_ids: ids[1..].iter().map(|t| t.get()).collect(), ..input }).await.unwrap();
    let mut c = f.t.db.conn().await.unwrap();
    assert_eq!(associations::get(&mut c, o.association_id.unwrap()).await.unwrap().members, 10);
    drop(c);
    f.t.drop_db().await;
}

/// Takes a plan step with the evidence its kind requires.
async fn step(
    c: &mut sqlx::AnyConnection,
    a: &associations::Association,
    plan: &metoda_store::plans::WorkPlan,
    s: metoda_domain::profile::ApprovalStep,
    refs: metoda_store::plans::StepRefs<'_>,
) -> Result<metoda_store::plans::WorkPlan, StoreError> {
    metoda_store::plans::take_step(c, &actor(), a, plan, s, metoda_domain::meetings::evidence(s), refs).await
}

/// Plans a meeting on `on` and enters the attendance: the first `present` members on the date are
/// present, the rest absent (the last of them excused).
async fn hold(
    c: &mut sqlx::AnyConnection,
    a: &associations::Association,
    settings: &metoda_domain::profile::ProfileSettings,
    on: time::Date,
    present: usize,
    today: time::Date,
) -> metoda_store::meetings::Meeting {
    use metoda_domain::meetings::{Attendance, MeetingInput};
    use metoda_store::meetings;
    let d = MeetingInput {
        held_on: metoda_domain::values::iso_date(on),
        starts_at: "15:00".into(),
        place_note: "МБОУ СОШ № 1, каб. 21".into(),
        ..Default::default()
    }
    .parse()
    .unwrap();
    let m = meetings::create(c, &actor(), a, settings, &d).await.unwrap();
    let roster = meetings::roster(c, &m).await.unwrap();
    let n = roster.len();
    let marks: Vec<(TeacherId, Attendance)> = roster
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let s = match i {
                i if i < present => Attendance::Present,
                i if i + 1 == n => Attendance::Excused,
                _ => Attendance::Absent,
            };
            (r.teacher_id, s)
        })
        .collect();
    meetings::set_attendance(c, &actor(), a, &m, settings, today, &marks, None).await.unwrap();
    meetings::get(c, m.id).await.unwrap()
}

#[tokio::test]
async fn a_plan_goes_along_the_profile_path_and_changes_after_approval_only_by_amendment() {
    use metoda_domain::plans::{ItemInput, StatusInput};
    use metoda_domain::profile::ApprovalStep as S;
    use metoda_store::plans::{self, StepRefs};
    let f = fixture().await;
    // Seed 000: drafted by the head → considered at a meeting → approved by an order (000 §4.4).
    let (p000, ids) = under_seed_000(&f).await;
    let o = register(
        &f,
        OrderInput {
            number: "8".into(),
            date: "01.09.2026".into(),
            kind: "create_association".into(),
            name: "ММО учителей биологии".into(),
            direction: "биология".into(),
            head_teacher_id: Some(ids[0].get()),
            member_ids: ids[1..].iter().map(|t| t.get()).collect(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut c = f.t.db.conn().await.unwrap();
    let a = associations::get(&mut c, o.association_id.unwrap()).await.unwrap();
    let settings = profiles::get(&mut c, p000).await.unwrap().settings().unwrap();
    let plan = plans::create(&mut c, &actor(), &a, &settings, 2026).await.unwrap();
    assert_eq!((plan.status.code(), plan.version), ("draft", 1));
    assert_eq!(plan.approval_steps(), [S::DraftedByHead, S::ConsideredAtMeeting, S::ApprovedByAuthorityOrder]);
    let e = plans::create(&mut c, &actor(), &a, &settings, 2026).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");

    let (from, to) = plan.bounds();
    let item = |title: &str, on: &str, month: &str| ItemInput {
        title: title.into(),
        direction: "organizational_methodical".into(),
        form: "seminar".into(),
        planned_on: on.into(),
        planned_month: month.into(),
        ..Default::default()
    };
    // A date outside the plan's year is refused before anything is written.
    let errs = item("Семинар", "15.09.2028", "").parse(from, to).unwrap_err();
    assert_eq!(errs[0].field, "planned_on");
    let d1 = item("Семинар «Функциональная грамотность»", "", "1").parse(from, to).unwrap();
    let d2 = item("Заседание № 1", "", "9").parse(from, to).unwrap();
    let i1 = plans::add_item(&mut c, &actor(), &a, &plan, &d1, None).await.unwrap();
    let i2 = plans::add_item(&mut c, &actor(), &a, &plan, &d2, None).await.unwrap();
    // September comes before January in an academic year.
    let listed: Vec<i64> = plans::items(&mut c, &plan).await.unwrap().iter().map(|i| i.id).collect();
    assert_eq!(listed, [i2.id, i1.id]);

    // Steps go in the profile's order, each with its evidence.
    let e = step(&mut c, &a, &plan, S::ConsideredAtMeeting, StepRefs::default()).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(ref m) if m.contains("составляется руководителем")), "{e:?}");
    let plan = step(&mut c, &a, &plan, S::DraftedByHead, StepRefs::default()).await.unwrap();
    let e = step(&mut c, &a, &plan, S::ConsideredAtMeeting, StepRefs::default()).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "a meeting decision needs the meeting: {e:?}");
    // The evidence must be a held meeting of this association.
    let refs = StepRefs { meeting_id: Some(MeetingId(999)), ..Default::default() };
    let e = step(&mut c, &a, &plan, S::ConsideredAtMeeting, refs).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref v) if v[0].field == "meeting_id"), "{e:?}");
    let held = hold(&mut c, &a, &settings, date!(2026 - 09 - 10), 8, TODAY).await;
    let refs = StepRefs { meeting_id: Some(held.id), ..Default::default() };
    let plan = step(&mut c, &a, &plan, S::ConsideredAtMeeting, refs).await.unwrap();
    assert_eq!(plan.status.code(), "draft");
    let refs = StepRefs { order_id: Some(o.id), ..Default::default() };
    let plan = step(&mut c, &a, &plan, S::ApprovedByAuthorityOrder, refs).await.unwrap();
    assert_eq!(plan.status.code(), "approved");
    assert!(plan.approved_at.is_some());
    assert_eq!(plans::steps(&mut c, plan.id).await.unwrap().len(), 3);
    let e = step(&mut c, &a, &plan, S::ApprovedByAuthorityOrder, refs).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(ref m) if m.contains("уже утверждён")), "{e:?}");

    // After approval: a change without a reason is refused, with a reason it is an amendment.
    let d1b = item("Семинар «Функциональная грамотность»", "", "2").parse(from, to).unwrap();
    let e = plans::update_item(&mut c, &actor(), &a, &plan, i1.id, &d1b, Some("  "), None).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e:?}");
    assert_eq!(plans::items(&mut c, &plan).await.unwrap()[1].planned_month, Some(1), "nothing changed");
    plans::update_item(&mut c, &actor(), &a, &plan, i1.id, &d1b, Some("Совпадение с ГИА"), None).await.unwrap();
    let plan = plans::get(&mut c, plan.id).await.unwrap();
    assert_eq!(plan.version, 2);
    let am = plans::amendments(&mut c, plan.id).await.unwrap();
    assert_eq!((am.len(), am[0].version, am[0].reason.as_str()), (1, 2, "Совпадение с ГИА"));
    assert!(am[0].changes.contains("planned_month"), "{}", am[0].changes);

    // Execution is not an amendment: a cancelled item needs a reason, the version stays.
    let bad = StatusInput { status: "cancelled".into(), ..Default::default() }.parse(to).unwrap_err();
    assert_eq!(bad[0].field, "reason");
    let s = StatusInput { status: "done".into(), ..Default::default() }.parse(to).unwrap();
    let done = plans::set_status(&mut c, &actor(), &a, &plan, i2.id, &s, Some(held.id)).await.unwrap();
    assert_eq!((done.status.code(), done.fulfilled_meeting_id), ("done", Some(held.id)));
    assert_eq!(plans::get(&mut c, plan.id).await.unwrap().version, 2);
    drop(c);
    f.t.drop_db().await;
}

#[tokio::test]
async fn meetings_count_quorum_on_their_date_and_signed_minutes_are_locked_and_corrected_by_addendum() {
    use metoda_domain::meetings::{
        AgendaInput, Attendance, MeetingInput, MeetingStatus, MinutesStatus, Outcome, Quorum,
    };
    use metoda_domain::profile::Signatory;
    use metoda_store::meetings;
    let f = fixture().await;
    let (_, ids) = under_seed_000(&f).await;
    let o = register(
        &f,
        OrderInput {
            number: "9".into(),
            date: "01.09.2026".into(),
            kind: "create_association".into(),
            name: "ММО учителей химии".into(),
            direction: "химия".into(),
            head_teacher_id: Some(ids[0].get()),
            member_ids: ids[1..].iter().map(|t| t.get()).collect(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut c = f.t.db.conn().await.unwrap();
    let a = associations::get(&mut c, o.association_id.unwrap()).await.unwrap();
    // Seed 004's rules: more than half of the members, a simple majority of those present,
    // signed by the chair and the secretary (004 §4.4).
    let s004 = profiles::by_code(&mut c, "seed-004").await.unwrap().settings().unwrap();
    // A member who joins on 1 October does not count at a September meeting.
    let late = teacher(&f, "Поздняя", "01.01.1990", f.orgs[0], "none", "01.09.2015").await;
    associations::add_member(&mut c, &actor(), &a, late, "2026-10-01", None).await.unwrap();
    // The head has an account: the notifications reach them.
    let u = metoda_store::users::create(
        &mut c,
        &actor(),
        None,
        Some(f.muni),
        &metoda_domain::directory::UserInput {
            login: "head".into(),
            full_name: "Педагог0 Анна Ивановна".into(),
            email: String::new(),
            password: "Длинный-пароль-1".into(),
        }
        .parse(true)
        .unwrap(),
    )
    .await
    .unwrap();
    sqlx::query("UPDATE teachers SET user_id = $1 WHERE id = $2")
        .bind(u.id.get())
        .bind(ids[0].get())
        .execute(&mut *c)
        .await
        .unwrap();
    // The account holds the head's role in the association: members are told of meetings only
    // where their account may open them.
    sqlx::query(
        "INSERT INTO role_grants (user_id, role, municipality_id, association_id, created_at)
         VALUES ($1, 'association_head', $2, $3, $4)",
    )
    .bind(u.id.get())
    .bind(f.muni.get())
    .bind(a.id.get())
    .bind(metoda_store::now())
    .execute(&mut *c)
    .await
    .unwrap();

    let d = MeetingInput { held_on: "20.09.2026".into(), place_note: "каб. 5".into(), ..Default::default() }
        .parse()
        .unwrap();
    let m1 = meetings::create(&mut c, &actor(), &a, &s004, &d).await.unwrap();
    assert_eq!((m1.status, m1.year), (MeetingStatus::Planned, 2026));
    let notes = metoda_store::notify::notifications(&mut c, u.id, 10).await.unwrap();
    assert!(notes[0].title.starts_with("Запланировано: Заседание «ММО учителей химии» 20.09.2026"), "{notes:?}");
    let roster = meetings::roster(&mut c, &m1).await.unwrap();
    assert_eq!(roster.len(), 10, "the member who joined later is not on the September roster");
    assert!(!roster.iter().any(|r| r.teacher_id == late));
    // Attendance names every member on the date, nobody else, and not before the day.
    let mut marks: Vec<(TeacherId, Attendance)> = roster.iter().map(|r| (r.teacher_id, Attendance::Absent)).collect();
    let e = meetings::set_attendance(&mut c, &actor(), &a, &m1, &s004, date!(2026 - 09 - 19), &marks, None)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e:?}");
    let mut with_late = marks.clone();
    with_late.push((TeacherId(late.get()), Attendance::Present));
    let e = meetings::set_attendance(&mut c, &actor(), &a, &m1, &s004, TODAY, &with_late, None).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref v) if v[0].message.contains("не член")), "{e:?}");
    // Exactly half present is not a quorum.
    for m in marks.iter_mut().take(5) {
        m.1 = Attendance::Present;
    }
    meetings::set_attendance(&mut c, &actor(), &a, &m1, &s004, TODAY, &marks, None).await.unwrap();
    let m1 = meetings::get(&mut c, m1.id).await.unwrap();
    let (members, present, q) = meetings::quorum_of(&mut c, &m1, &s004).await.unwrap();
    assert_eq!((members, present), (10, 5));
    assert_eq!(q, Quorum::NotReached { present: 5, members: 10, needed: 6 });
    let vote = |topic: &str, f: &str, a: &str, b: &str| {
        AgendaInput {
            topic: topic.into(),
            speaker: "Педагог0 А. И.".into(),
            decision: "Принять к сведению".into(),
            votes_for: f.into(),
            votes_against: a.into(),
            votes_abstained: b.into(),
            ..Default::default()
        }
        .parse()
        .unwrap()
    };
    meetings::add_agenda(&mut c, &actor(), &a, &m1, &s004, &vote("О плане", "5", "0", "0")).await.unwrap();
    let e = meetings::add_agenda(&mut c, &actor(), &a, &m1, &s004, &vote("Лишние голоса", "5", "1", "0"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref v) if v[0].message.contains("больше")), "{e:?}");
    let ag = meetings::agenda(&mut c, &m1, &s004).await.unwrap();
    assert_eq!(ag[0].outcome, Some(Outcome::Invalid), "without a quorum decisions are not valid");

    // A meeting with quorum: 6 of 10; a tie is not adopted.
    let m2 = hold(&mut c, &a, &s004, date!(2026 - 10 - 15), 7, TODAY).await;
    let (members, present, q) = meetings::quorum_of(&mut c, &m2, &s004).await.unwrap();
    assert_eq!((members, present, q.valid()), (11, 7, true), "the October roster has the new member");
    let first =
        meetings::add_agenda(&mut c, &actor(), &a, &m2, &s004, &vote("О семинаре", "4", "2", "1")).await.unwrap();
    meetings::add_agenda(&mut c, &actor(), &a, &m2, &s004, &vote("О конкурсе", "3", "3", "1")).await.unwrap();
    let ag = meetings::agenda(&mut c, &m2, &s004).await.unwrap();
    let outcomes: Vec<_> = ag.iter().map(|i| i.outcome.unwrap()).collect();
    assert_eq!(outcomes, [Outcome::Adopted, Outcome::NotAdopted]);

    // Minutes are numbered within the year, in the order they are drafted.
    let m1 = meetings::get(&mut c, m1.id).await.unwrap();
    let n1 = meetings::draft_minutes(&mut c, &actor(), &a, &m1, &s004).await.unwrap();
    let m2 = meetings::get(&mut c, m2.id).await.unwrap();
    let n2 = meetings::draft_minutes(&mut c, &actor(), &a, &m2, &s004).await.unwrap();
    assert_eq!((n1.number, n2.number), (1, 2));
    let m2 = meetings::get(&mut c, m2.id).await.unwrap();
    let again = meetings::draft_minutes(&mut c, &actor(), &a, &m2, &s004).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))));
    // A meeting of the next academic year starts again at No. 1.
    let next = hold(&mut c, &a, &s004, date!(2027 - 09 - 10), 8, date!(2027 - 09 - 10)).await;
    assert_eq!(next.year, 2027);
    meetings::add_agenda(&mut c, &actor(), &a, &next, &s004, &vote("О плане на год", "8", "0", "0")).await.unwrap();
    let n3 = meetings::draft_minutes(&mut c, &actor(), &a, &next, &s004).await.unwrap();
    assert_eq!(n3.number, 1);

    // Signing: only the profile's signatories; the first signature locks the meeting.
    let head_actor = Actor { user_id: Some(u.id), login: "head".into(), ip: None };
    let m2 = meetings::get(&mut c, m2.id).await.unwrap();
    let e = meetings::sign(&mut c, &head_actor, &a, &m2, &s004, Signatory::Head, "Педагог0 А. И.").await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref v) if v[0].message.contains("председатель и секретарь")), "{e:?}");
    let n = meetings::sign(&mut c, &head_actor, &a, &m2, &s004, Signatory::Chair, "Педагог0 А. И.").await.unwrap();
    assert_eq!(n.status, MinutesStatus::Draft, "the secretary has not signed yet");
    let e = meetings::update_agenda(&mut c, &actor(), &a, &m2, &s004, first, &vote("О семинаре", "7", "0", "0"), None)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(ref m) if m.contains("дополнением")), "{e:?}");
    let m1 = meetings::get(&mut c, m1.id).await.unwrap();
    let e = meetings::add_addendum(&mut c, &actor(), &a, &m1, "x").await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "unsigned minutes are edited, not amended: {e:?}");
    // The same person cannot sign as both chair and secretary.
    let e =
        meetings::sign(&mut c, &head_actor, &a, &m2, &s004, Signatory::Secretary, "Педагог0 А. И.").await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(ref m) if m.contains("разные люди")), "{e:?}");
    let sec = metoda_store::users::create(
        &mut c,
        &actor(),
        None,
        Some(f.muni),
        &metoda_domain::directory::UserInput {
            login: "sec".into(),
            full_name: "Педагог1 Анна Ивановна".into(),
            email: String::new(),
            password: "Длинный-пароль-2".into(),
        }
        .parse(true)
        .unwrap(),
    )
    .await
    .unwrap();
    let sec_actor = Actor { user_id: Some(sec.id), login: "sec".into(), ip: None };
    let n = meetings::sign(&mut c, &sec_actor, &a, &m2, &s004, Signatory::Secretary, "Педагог1 А. И.").await.unwrap();
    assert_eq!(n.status, MinutesStatus::Signed);
    assert!(n.signed_at.is_some());
    let e = meetings::sign(&mut c, &sec_actor, &a, &m2, &s004, Signatory::Secretary, "x").await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
    let notes = metoda_store::notify::notifications(&mut c, u.id, 10).await.unwrap();
    assert!(notes.iter().any(|n| n.title.starts_with("Опубликован протокол № 2")), "{notes:?}");
    // The outcome is fixed: a later profile (no majority rule: 4 > 2 still, 3 = 3 still) cannot move it,
    // and a changed attendance cannot either.
    let s000 = profiles::by_code(&mut c, "seed-000").await.unwrap().settings().unwrap();
    let ag = meetings::agenda(&mut c, &m2, &s000).await.unwrap();
    assert_eq!(ag[1].outcome, Some(Outcome::NotAdopted));
    let (_, _, q) = meetings::quorum_of(&mut c, &m2, &s000).await.unwrap();
    assert_eq!(q, Quorum::Reached { present: 7, members: 11 }, "the quorum fixed at signing");
    let d = meetings::add_addendum(&mut c, &actor(), &a, &m2, "В п. 1 читать «семинар-практикум»").await.unwrap();
    assert_eq!(meetings::addenda(&mut c, n.id).await.unwrap()[0].id, d.id);
    assert_eq!(meetings::agenda(&mut c, &m2, &s004).await.unwrap()[0].topic, "О семинаре", "the original is kept");

    // Action items: an owner among the members, a due date, overdue marked, closed with who and when.
    let x =
        meetings::add_action(&mut c, &actor(), &a, &m2, Some(first), "Провести семинар", Some(ids[0]), "2026-11-01")
            .await
            .unwrap();
    assert!(x.overdue(TODAY));
    let e = meetings::add_action(&mut c, &actor(), &a, &m2, None, "Чужой", Some(TeacherId(999_999)), "2026-11-01")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)));
    assert_eq!(meetings::actions_of_user(&mut c, u.id).await.unwrap().len(), 1);
    let closed = meetings::close_action(&mut c, &head_actor, &a, x.id).await.unwrap();
    assert!(closed.closed_at.is_some() && !closed.overdue(TODAY));
    assert_eq!(closed.closed_by_name.as_deref(), Some("Педагог0 Анна Ивановна"));

    // Compliance of 2026/27 (004: at least 2): the meeting without quorum does not count, the
    // unsigned minutes of 20 September are overdue on 23 November.
    let cpl = meetings::compliance(&mut c, a.id, &s004, 2026, TODAY).await.unwrap();
    assert_eq!((cpl.minimum, cpl.valid_meetings, cpl.overdue_minutes), (Some(2), 1, 1));
    assert!(cpl.behind());
    assert_eq!(cpl.days_left, 282);
    drop(c);
    f.t.drop_db().await;
}

/// An association founded on 01.09.2025 by order `number`, headed by `ids[0]` with the rest as members.
async fn founded(f: &Fixture, number: &str, name: &str, ids: &[TeacherId]) -> AssociationId {
    let o = register(
        f,
        OrderInput {
            number: number.into(),
            date: "01.09.2025".into(),
            kind: "create_association".into(),
            name: name.into(),
            direction: "методика".into(),
            head_teacher_id: Some(ids[0].get()),
            member_ids: ids[1..].iter().map(|t| t.get()).collect(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    o.association_id.unwrap()
}

/// One record of an association's year, as a municipality brings it in after the fact.
#[derive(Clone, Debug)]
enum Past {
    /// A membership period: teacher (index), joined, left.
    Member(usize, &'static str, Option<&'static str>),
    /// A subgroup membership: teacher, joined, left.
    Sub(usize, &'static str, Option<&'static str>),
    /// An order of the association: number, date, kind, deputy (index) for an appointment.
    Order(&'static str, &'static str, &'static str, Option<usize>),
    /// A meeting held: date, the teachers absent (the rest of the members on the date present).
    Meeting(&'static str, &'static [usize]),
}

impl Past {
    fn day(&self) -> &'static str {
        match self {
            Past::Member(_, d, _) | Past::Sub(_, d, _) | Past::Order(_, d, _, _) | Past::Meeting(d, _) => d,
        }
    }
}

/// An order's composition annex: each member with the office they held.
type Annex = Vec<(TeacherId, Option<OfficerRole>)>;

/// What an association's history comes to: the membership periods, the subgroup periods, the
/// officers' terms, each order's composition annex, and the analysis of the year (code, value).
#[derive(Debug, PartialEq)]
struct Outcome {
    members: Vec<(TeacherId, time::Date, Option<time::Date>)>,
    subgroup: Vec<(TeacherId, time::Date, Option<time::Date>)>,
    officers: Vec<(OfficerRole, Option<TeacherId>, time::Date, Option<time::Date>)>,
    annexes: Vec<(String, Annex)>,
    analysis: Vec<(String, u32)>,
}

/// Enters `history` into a new association of `ids[0..3]` (head `ids[0]`, created on 01.09.2025
/// by order `prefix`-0) in the order given: a period that ends is entered as joining and, when
/// `chronological`, a separate leave on its date (as it happened), else at once with its end (as
/// the history import does). Returns what the association comes to.
async fn enter(f: &Fixture, prefix: &str, ids: &[TeacherId], history: &[Past], chronological: bool) -> Outcome {
    let aid = founded(f, &format!("{prefix}-0"), &format!("ММО {prefix}"), &ids[..3]).await;
    let mut c = f.t.db.conn().await.unwrap();
    let a = associations::get(&mut c, aid).await.unwrap();
    let sub =
        associations::create_subgroup(&mut c, &actor(), &a, "creative_group", "Творческая группа", None, "2025-09-01")
            .await
            .unwrap();
    let m = municipalities::get(&mut c, f.muni).await.unwrap();
    let settings = profiles::get(&mut c, m.profile_id.unwrap()).await.unwrap().settings().unwrap();
    drop(c);
    let iso = |s: &str| time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).unwrap();
    // the leaves still to enter, by date (chronological entry only)
    let mut leaves: Vec<(&str, TeacherId)> = vec![];
    let mut orders_made = vec![];
    for p in history {
        let mut c = f.t.db.conn().await.unwrap();
        let a = associations::get(&mut c, aid).await.unwrap();
        if chronological {
            leaves.sort();
            while leaves.first().is_some_and(|(d, _)| *d <= p.day()) {
                let (d, t) = leaves.remove(0);
                associations::remove_member(&mut c, &actor(), &a, t, d).await.unwrap();
            }
        }
        match p {
            Past::Member(t, joined, left) => {
                let left = if chronological {
                    if let Some(l) = left {
                        leaves.push((l, ids[*t]));
                    }
                    None
                } else {
                    *left
                };
                associations::record_membership(&mut c, &actor(), &a, ids[*t], joined, left, None).await.unwrap();
            }
            Past::Sub(t, joined, left) => {
                associations::add_subgroup_member(&mut c, &actor(), &a, sub.id, ids[*t], iso(joined), left.map(iso))
                    .await
                    .unwrap();
            }
            Past::Order(number, date, kind, deputy) => {
                let date = metoda_domain::values::ru_date(iso(date));
                drop(c);
                let o = register(
                    f,
                    OrderInput {
                        number: format!("{prefix}-{number}"),
                        date,
                        kind: (*kind).into(),
                        association_id: Some(aid.get()),
                        officer_role: if deputy.is_some() { "deputy".into() } else { String::new() },
                        officer_teacher_id: deputy.map(|d| ids[d].get()),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
                orders_made.push((number.to_string(), o.id));
                continue;
            }
            Past::Meeting(day, absent) => {
                let on = iso(day);
                let members = associations::members(&mut c, aid, Some(day)).await.unwrap();
                let marks = members
                    .iter()
                    .map(|m| {
                        let absent = absent.iter().any(|i| ids[*i] == m.teacher_id);
                        (m.teacher_id, if absent { Attendance::Absent } else { Attendance::Present })
                    })
                    .collect();
                let past =
                    PastMeeting { held_on: on, number: None, topics: vec![format!("Вопрос {day}")], marks };
                metoda_store::meetings::record_past(&mut c, &actor(), &a, &settings, TODAY, &past).await.unwrap();
            }
        }
    }
    let mut c = f.t.db.conn().await.unwrap();
    let a = associations::get(&mut c, aid).await.unwrap();
    leaves.sort();
    for (d, t) in leaves {
        associations::remove_member(&mut c, &actor(), &a, t, d).await.unwrap();
    }
    let mut members: Vec<_> = metoda_store::results::memberships(&mut c, aid)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.teacher_id, m.joined_on, m.left_on))
        .collect();
    members.sort();
    let mut subgroup: Vec<_> = associations::subgroup_memberships(&mut c, sub.id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.teacher_id, m.joined_on, m.left_on))
        .collect();
    subgroup.sort();
    let mut officers: Vec<_> = associations::officers(&mut c, aid)
        .await
        .unwrap()
        .into_iter()
        .map(|o| (o.role, o.teacher_id, o.from_on, o.to_on))
        .collect();
    officers.sort_by_key(|o| (o.2, o.1));
    orders_made.sort();
    let mut annexes = vec![];
    for (number, id) in orders_made {
        let mut rows: Vec<_> =
            orders::snapshot(&mut c, id).await.unwrap().into_iter().map(|s| (s.teacher_id, s.role)).collect();
        rows.sort_by_key(|r| r.0);
        annexes.push((number, rows));
    }
    let year = metoda_domain::teachers::AcademicYear(2025);
    let facts =
        metoda_store::results::facts(&mut c, aid, metoda_domain::analysis::Period::academic(2025)).await.unwrap();
    let on = metoda_domain::analysis::analysis_date_by_profile(year, &settings.analysis_deadlines.value);
    let analysis = metoda_domain::analysis::compute(year, on, &facts.for_analysis())
        .indicators
        .into_iter()
        .map(|i| (i.code, i.value))
        .collect();
    Outcome { members, subgroup, officers, annexes, analysis }
}

#[tokio::test]
async fn a_year_entered_latest_first_comes_to_the_same_as_entered_in_order() {
    let f = fixture().await;
    let mut ids = vec![];
    for (i, name) in ["Артемьева", "Баранова", "Валиева", "Гусева", "Евсеева", "Жукова"].iter().enumerate()
    {
        ids.push(teacher(&f, name, "01.01.1984", f.orgs[i % 3], "first", "01.09.2009").await);
    }
    // The year 2025/26: two join in autumn (one leaves in February), one joins in January; the
    // creative group gathers members in turn; a composition is approved in October and in March,
    // a deputy appointed in November; five meetings.
    let year = [
        Past::Member(3, "2025-09-15", Some("2026-02-10")),
        Past::Sub(1, "2025-09-20", Some("2025-12-31")),
        Past::Meeting("2025-09-25", &[]),
        Past::Sub(3, "2025-10-01", Some("2026-02-10")),
        Past::Order("1", "2025-10-01", "approve_composition", None),
        Past::Member(4, "2025-10-15", None),
        Past::Order("2", "2025-11-10", "appoint_officer", Some(4)),
        Past::Meeting("2025-11-20", &[2]),
        Past::Member(5, "2026-01-12", None),
        Past::Sub(5, "2026-01-20", None),
        Past::Meeting("2026-01-28", &[3, 5]),
        Past::Order("3", "2026-03-02", "approve_composition", None),
        Past::Meeting("2026-03-18", &[]),
        Past::Meeting("2026-05-20", &[1]),
    ];
    let in_order = enter(&f, "А", &ids, &year, true).await;
    // Latest first: the orders (the compositions are registered before the memberships they list),
    // then the memberships, the appointment, the subgroup and the meetings, each latest first.
    let rank = |p: &Past| match p {
        Past::Order(_, _, "approve_composition", _) => 0,
        Past::Member(..) => 1,
        Past::Order(..) => 2,
        Past::Sub(..) => 3,
        Past::Meeting(..) => 4,
    };
    let mut reversed = year.to_vec();
    reversed.sort_by(|x, y| rank(x).cmp(&rank(y)).then(y.day().cmp(x.day())));
    let latest_first = enter(&f, "Б", &ids, &reversed, false).await;
    assert_eq!(in_order, latest_first);
    // And what it came to is the year as it was.
    assert!(in_order.members.contains(&(ids[3], date!(2025 - 09 - 15), Some(date!(2026 - 02 - 10)))));
    assert!(
        in_order.subgroup.contains(&(ids[3], date!(2025 - 10 - 01), Some(date!(2026 - 02 - 10)))),
        "{:?}",
        in_order.subgroup
    );
    let october = &in_order.annexes[0].1;
    assert_eq!(
        october.iter().map(|r| r.0).collect::<Vec<_>>(),
        ids[0..4].to_vec(),
        "01.10.2025: Гусева, not yet Евсеева"
    );
    let march = &in_order.annexes[2].1;
    assert!(march.contains(&(ids[4], Some(OfficerRole::Deputy))) && !march.iter().any(|r| r.0 == ids[3]), "{march:?}");
    let value = |code: &str| in_order.analysis.iter().find(|(c, _)| c == code).unwrap().1;
    assert_eq!(value("2"), 5, "five meetings held");
    assert_eq!(value("2.2"), 4, "20.11.2025: five members, one absent");
    assert_eq!(value("1"), 5, "the members on the analysis date");
    f.t.drop_db().await;
}

#[tokio::test]
async fn a_leave_entered_after_the_fact_is_checked_against_what_followed_it() {
    let f = fixture().await;
    let mut ids = vec![];
    for (i, name) in ["Зуева", "Ильина", "Карпова", "Лаптева"].iter().enumerate() {
        ids.push(teacher(&f, name, "01.01.1986", f.orgs[i % 3], "first", "01.09.2011").await);
    }
    let aid = founded(&f, "1", "ММО учителей химии", &ids).await;
    register(
        &f,
        OrderInput {
            number: "2".into(),
            date: "01.12.2025".into(),
            kind: "appoint_officer".into(),
            association_id: Some(aid.get()),
            officer_role: "deputy".into(),
            officer_teacher_id: Some(ids[2].get()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut c = f.t.db.conn().await.unwrap();
    let a = associations::get(&mut c, aid).await.unwrap();
    let sub = associations::create_subgroup(&mut c, &actor(), &a, "creative_group", "Группа", None, "2025-09-01")
        .await
        .unwrap();
    associations::add_subgroup_member(&mut c, &actor(), &a, sub.id, ids[1], date!(2025 - 11 - 01), None).await.unwrap();
    // Ильина left in October, as found out later: her subgroup membership from November could not
    // have been, and goes; the leave is entered.
    associations::remove_member(&mut c, &actor(), &a, ids[1], "2025-10-01").await.unwrap();
    assert!(associations::subgroup_memberships(&mut c, sub.id).await.unwrap().iter().all(|m| m.teacher_id != ids[1]));
    // Карпова was appointed deputy in December: she cannot have left in November.
    let e = associations::remove_member(&mut c, &actor(), &a, ids[2], "2025-11-01").await.unwrap_err();
    assert!(format!("{e:?}").contains("назначен на должность в объединении с 01.12.2025"), "{e:?}");
    // Лаптева attended the meeting of 20.11.2025 as a member: she left after it, not on that day.
    let m = municipalities::get(&mut c, f.muni).await.unwrap();
    let settings = profiles::get(&mut c, m.profile_id.unwrap()).await.unwrap().settings().unwrap();
    let marks = associations::members(&mut c, aid, Some("2025-11-20"))
        .await
        .unwrap()
        .iter()
        .map(|m| (m.teacher_id, Attendance::Present))
        .collect();
    let past = PastMeeting { held_on: date!(2025 - 11 - 20), number: None, topics: vec![], marks };
    metoda_store::meetings::record_past(&mut c, &actor(), &a, &settings, TODAY, &past).await.unwrap();
    let e = associations::remove_member(&mut c, &actor(), &a, ids[3], "2025-11-20").await.unwrap_err();
    assert!(format!("{e:?}").contains("отмечен в явке на заседании 20.11.2025"), "{e:?}");
    associations::remove_member(&mut c, &actor(), &a, ids[3], "2025-11-21").await.unwrap();
    let left: Option<String> =
        sqlx::query_scalar("SELECT left_on FROM association_members WHERE association_id = $1 AND teacher_id = $2")
            .bind(aid.get())
            .bind(ids[2].get())
            .fetch_one(&mut *c)
            .await
            .unwrap();
    assert_eq!(left, None, "the refused leave wrote nothing");
    drop(c);
    f.t.drop_db().await;
}
