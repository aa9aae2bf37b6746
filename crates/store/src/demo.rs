//! Demo data: Томский район under the seed-002 profile with ten organizations, sixty teachers,
//! three associations created by orders and a user for every role; and Асиновский район under
//! seed 004 with an МУМО and its РМО (no users of its own: sign in as admin or operator).
//! `metoda demo-data` calls [`load`].

use metoda_domain::access::{Role, ScopeKind};
use metoda_domain::directory::{MunicipalityInput, OrganizationInput, RegionInput, UserInput};
use metoda_domain::ids::{AssociationId, MunicipalityId, OrganizationId, RegionId, TeacherId, UserId};
use metoda_domain::orders::OfficerRole;

use crate::{Actor, Db, Result, StoreError, municipalities, organizations, profiles, regions, users};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "metoda-demo-2026";
pub const DEMO_REGION: &str = "Томская область";
pub const DEMO_MUNICIPALITY: &str = "Томский район";
pub const DEMO_ASSOCIATION: &str = "ММО учителей математики";
/// The second municipality (seed 004: МУМО with РМО inside).
pub const DEMO_MUNICIPALITY_2: &str = "Асиновский район";
pub const DEMO_ASSOCIATION_2: &str = "МУМО учителей начальных классов";

/// A demo account: login, full name, role.
pub struct DemoUser {
    pub login: &'static str,
    pub full_name: &'static str,
    pub role: Role,
}

pub const DEMO_USERS: &[DemoUser] = &[
    DemoUser { login: "admin", full_name: "Администратор системы", role: Role::Administrator },
    DemoUser {
        login: "operator", full_name: "Соколова Марина Викторовна", role: Role::RegionOperator
    },
    DemoUser {
        login: "uo.head", full_name: "Максимова Ольга Александровна", role: Role::AuthorityHead
    },
    DemoUser {
        login: "uo.specialist", full_name: "Козлова Ирина Николаевна", role: Role::AuthoritySpecialist
    },
    DemoUser {
        login: "cabinet.head", full_name: "Белова Наталья Сергеевна", role: Role::CabinetHead
    },
    DemoUser { login: "mmo.head", full_name: "Орлова Елена Павловна", role: Role::AssociationHead },
    DemoUser {
        login: "mmo.deputy", full_name: "Кузнецова Татьяна Игоревна", role: Role::Deputy
    },
    DemoUser { login: "mmo.secretary", full_name: "Смирнова Анна Юрьевна", role: Role::Secretary },
    DemoUser {
        login: "teacher", full_name: "Васильев Алексей Павлович", role: Role::MemberTeacher
    },
    DemoUser { login: "org.admin", full_name: "Григорьев Павел Олегович", role: Role::OrgAdmin },
];

/// (short name, full name, kind, address, head)
const ORGS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "МБОУ «Богашёвская СОШ»",
        "Муниципальное бюджетное общеобразовательное учреждение «Богашёвская средняя общеобразовательная школа имени А. И. Федорова» Томского района",
        "school",
        "с. Богашёво, ул. Советская, 4",
        "Петров Игорь Викторович",
    ),
    (
        "МАОУ «Зональненская СОШ»",
        "Муниципальное автономное общеобразовательное учреждение «Зональненская средняя общеобразовательная школа» Томского района",
        "school",
        "п. Зональная Станция, ул. Виталия Грачёва, 1",
        "Иванова Светлана Петровна",
    ),
    (
        "МБОУ «Корниловская СОШ»",
        "Муниципальное бюджетное общеобразовательное учреждение «Корниловская средняя общеобразовательная школа» Томского района",
        "school",
        "с. Корнилово, ул. Гагарина, 29",
        "Сидоров Алексей Николаевич",
    ),
    (
        "МБОУ «Моряковская СОШ»",
        "Муниципальное бюджетное общеобразовательное учреждение «Моряковская средняя общеобразовательная школа» Томского района",
        "school",
        "с. Моряковский Затон, ул. Чапаева, 2",
        "Фёдорова Галина Ивановна",
    ),
    (
        "МАОУ «Мирненская СОШ»",
        "Муниципальное автономное общеобразовательное учреждение «Мирненская средняя общеобразовательная школа» Томского района",
        "school",
        "п. Мирный, ул. Трудовая, 2",
        "Николаев Денис Сергеевич",
    ),
    (
        "МБОУ «Калтайская СОШ»",
        "Муниципальное бюджетное общеобразовательное учреждение «Калтайская средняя общеобразовательная школа» Томского района",
        "school",
        "с. Калтай, ул. Крылова, 1",
        "Михайлова Ольга Геннадьевна",
    ),
    (
        "МБДОУ «Детский сад с. Корнилово»",
        "Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад общеразвивающего вида с. Корнилово» Томского района",
        "kindergarten",
        "с. Корнилово, ул. Школьная, 5",
        "Егорова Марина Васильевна",
    ),
    (
        "МАДОУ «Детский сад п. Зональная Станция»",
        "Муниципальное автономное дошкольное образовательное учреждение «Детский сад общеразвивающего вида п. Зональная Станция» Томского района",
        "kindergarten",
        "п. Зональная Станция, ул. Королёва, 10",
        "Павлова Ирина Андреевна",
    ),
    (
        "МБДОУ «Детский сад с. Богашёво»",
        "Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад с. Богашёво» Томского района",
        "kindergarten",
        "с. Богашёво, ул. Новостройка, 1",
        "Романова Елена Викторовна",
    ),
    (
        "МБУ ДО «ДДТ Томского района»",
        "Муниципальное бюджетное учреждение дополнительного образования «Дом детского творчества» Томского района",
        "additional_education",
        "с. Корнилово, ул. Гагарина, 31",
        "Захаров Виктор Павлович",
    ),
];

/// What [`load`] made.
pub struct Loaded {
    pub region_id: RegionId,
    pub municipality_id: MunicipalityId,
    /// The first association (ММО учителей математики); all three in `associations`.
    pub association_id: AssociationId,
    pub associations: Vec<AssociationId>,
    pub teachers: usize,
    pub organizations: usize,
    pub users: Vec<(&'static str, Role)>,
}

/// Gives the demo's accounts addresses in the reserved domain example.org (`login@example.org`),
/// so a demo run with a mail server configured mails its notifications to a test mailbox.
/// Nothing is delivered to real people: example.org accepts no mail.
pub async fn example_emails(db: &Db) -> Result<u64> {
    let mut tx = db.begin().await?;
    let mut n = 0;
    for u in DEMO_USERS {
        n += sqlx::query("UPDATE users SET email = $1 WHERE login = $2 AND (email IS NULL OR email = '')")
            .bind(format!("{}@example.org", u.login))
            .bind(u.login)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    }
    tx.commit().await?;
    Ok(n)
}

/// Fills the demo. Refuses when the database has users, unless `force`; refuses twice always.
pub async fn load(db: &Db, force: bool) -> Result<Loaded> {
    let actor = Actor::cli("demo-data");
    let mut tx = db.begin().await?;
    let n = users::count(&mut tx).await?;
    if n > 0 && !force {
        return Err(StoreError::Conflict(format!(
            "в базе уже есть пользователи ({n}); демо-данные загружаются только в пустую базу (или с --force)"
        )));
    }
    let region = match regions::list(&mut tx, None).await?.into_iter().find(|r| r.name == DEMO_REGION) {
        Some(r) => r,
        None => {
            let d = RegionInput { name: DEMO_REGION.into(), code: "70".into() }.parse().map_err(StoreError::Invalid)?;
            regions::create(&mut tx, &actor, &d).await?
        }
    };
    let md = MunicipalityInput {
        name: DEMO_MUNICIPALITY.into(),
        authority_name: "Управление образования Администрации Томского района".into(),
        // Томская область: Красноярское время (UTC+7).
        utc_offset_minutes: Some(420),
        version: None,
    }
    .parse()
    .map_err(StoreError::Invalid)?;
    let muni = municipalities::create(&mut tx, &actor, region.id, &md).await.map_err(|e| match e {
        StoreError::Conflict(_) => StoreError::Conflict("демо-данные уже загружены в эту базу".into()),
        e => e,
    })?;
    let preset = profiles::by_code(&mut tx, "seed-002").await?;
    municipalities::set_profile(&mut tx, &actor, muni.id, preset.id).await?;

    let mut org_ids = vec![];
    for (short, full, kind, address, head) in ORGS {
        let d = OrganizationInput {
            full_name: (*full).into(),
            short_name: (*short).into(),
            kind: (*kind).into(),
            address: (*address).into(),
            head_name: (*head).into(),
            ..Default::default()
        }
        .parse()
        .map_err(StoreError::Invalid)?;
        org_ids.push(organizations::create(&mut tx, &actor, muni.id, &d).await?.id);
    }
    let teacher_ids = load_teachers(&mut tx, &actor, muni.id, &org_ids, 60, 0).await?;
    let settings = preset.settings()?;
    let muni = municipalities::get(&mut tx, muni.id).await?;
    let associations = load_associations(&mut tx, &actor, &muni, &settings, &teacher_ids).await?;
    let mut associations = associations;
    associations.push(AssociationId(load_second_municipality(&mut tx, &actor, region.id).await?));
    let association_id = associations[0];

    let mut made = vec![];
    for u in DEMO_USERS {
        if users::by_login(&mut tx, u.login).await?.is_some() {
            continue;
        }
        let (home_region, home_muni, scope_id) = match u.role.scope_kind() {
            ScopeKind::System => (None, None, None),
            ScopeKind::Region => (Some(region.id), None, Some(region.id.get())),
            ScopeKind::Municipality => (Some(region.id), Some(muni.id), Some(muni.id.get())),
            ScopeKind::Association => (Some(region.id), Some(muni.id), Some(association_id.get())),
            ScopeKind::Organization => (Some(region.id), Some(muni.id), org_ids.first().map(|o| o.get())),
        };
        let d = UserInput {
            login: u.login.into(),
            full_name: u.full_name.into(),
            email: String::new(),
            password: DEMO_PASSWORD.into(),
        }
        .parse(true)
        .map_err(StoreError::Invalid)?;
        let user = users::create(&mut tx, &actor, home_region, home_muni, &d).await?;
        // The association's officers and the demo teacher are teachers of the bank too, under the
        // same names (the bank's first four generated teachers; `a_demo_account_is_named_as_its_teacher_record`).
        let linked = match u.login {
            "mmo.head" => Some(teacher_ids[0]),
            "mmo.deputy" => Some(teacher_ids[1]),
            "mmo.secretary" => Some(teacher_ids[2]),
            "teacher" => Some(teacher_ids[3]),
            _ => None,
        };
        if let Some(tid) = linked {
            sqlx::query("UPDATE teachers SET user_id = $1 WHERE id = $2")
                .bind(user.id.get())
                .bind(tid.get())
                .execute(&mut *tx)
                .await?;
        }
        let ids = users::resolve_scope(&mut tx, u.role.scope_kind(), scope_id).await?;
        users::add_grant(&mut tx, &actor, user.id, u.role, ids).await?;
        made.push((u.login, u.role));
    }
    load_work(&mut tx, &actor, &associations).await?;
    load_results(&mut tx, &actor, &associations).await?;
    load_events(&mut tx, &actor, &associations).await?;
    tx.commit().await?;
    Ok(Loaded {
        region_id: region.id,
        municipality_id: muni.id,
        association_id,
        associations,
        teachers: teacher_ids.len(),
        organizations: org_ids.len(),
        users: made,
    })
}

pub(crate) const LAST: &[(&str, &str)] = &[
    ("Орлов", "Орлова"),
    ("Кузнецов", "Кузнецова"),
    ("Смирнов", "Смирнова"),
    ("Васильев", "Васильева"),
    ("Попов", "Попова"),
    ("Соколов", "Соколова"),
    ("Лебедев", "Лебедева"),
    ("Козлов", "Козлова"),
    ("Новиков", "Новикова"),
    ("Морозов", "Морозова"),
    ("Петров", "Петрова"),
    ("Волков", "Волкова"),
    ("Соловьёв", "Соловьёва"),
    ("Зайцев", "Зайцева"),
    ("Павлов", "Павлова"),
    ("Семёнов", "Семёнова"),
    ("Голубев", "Голубева"),
    ("Виноградов", "Виноградова"),
    ("Богданов", "Богданова"),
    ("Воробьёв", "Воробьёва"),
];
pub(crate) const FIRST_F: &[&str] =
    &["Елена", "Татьяна", "Анна", "Ольга", "Наталья", "Ирина", "Светлана", "Марина", "Юлия", "Екатерина"];
pub(crate) const FIRST_M: &[&str] = &["Андрей", "Сергей", "Дмитрий", "Алексей", "Павел"];
pub(crate) const MIDDLE: &[(&str, &str)] = &[
    ("Павлович", "Павловна"),
    ("Игоревич", "Игоревна"),
    ("Юрьевич", "Юрьевна"),
    ("Дмитриевич", "Дмитриевна"),
    ("Сергеевич", "Сергеевна"),
    ("Александрович", "Александровна"),
];
const SUBJECTS: &[&str] =
    &["математика", "русский язык и литература", "классное руководство", "физика", "история", "начальные классы"];

/// About sixty teachers spread over the demo schools, with every category, experience and age band.
async fn load_teachers(
    tx: &mut sqlx::AnyConnection,
    actor: &Actor,
    municipality_id: MunicipalityId,
    org_ids: &[OrganizationId],
    count: usize,
    offset: usize,
) -> Result<Vec<TeacherId>> {
    use metoda_domain::teachers::TeacherInput;
    let today = time::OffsetDateTime::now_utc().date();
    let schools: Vec<OrganizationId> = org_ids.iter().copied().take(6).collect();
    let mut ids = vec![];
    for i in offset..offset + count {
        let female = i % 4 != 3;
        let (lm, lf) = LAST[i % LAST.len()];
        let first = if female { FIRST_F[(i + i / 20) % FIRST_F.len()] } else { FIRST_M[(i + i / 20) % FIRST_M.len()] };
        let (mm, mf) = MIDDLE[(i / 20 + i % 3) % MIDDLE.len()];
        let age = 24 + (i * 7) % 40;
        let birth_year = today.year() - age as i32;
        let birth = format!("{:02}.{:02}.{birth_year}", 1 + (i * 3) % 28, 1 + (i * 5) % 12);
        let exp_years = (age - 22).min((i * 11) % 38);
        let start = format!("01.09.{}", today.year() - exp_years as i32 - 1);
        let category = ["highest", "first", "first", "conformity", "none"][i % 5];
        // Some categories run out within six months, to show the highlight.
        let (assigned, expires) = match category {
            "none" => (String::new(), String::new()),
            _ => {
                let y = today.year() - 1 - (i % 4) as i32;
                let expires = if i % 7 == 0 {
                    metoda_domain::teachers::add_months(today, 3)
                } else {
                    time::Date::from_calendar_date(y + 5, time::Month::January, 1).unwrap_or(today)
                };
                (format!("01.{:02}.{y}", 1 + i % 12), metoda_domain::values::ru_date(expires))
            }
        };
        let subject = SUBJECTS[i % SUBJECTS.len()];
        let d = TeacherInput {
            last_name: if female { lf } else { lm }.into(),
            first_name: first.into(),
            middle_name: if female { mf } else { mm }.into(),
            birth_date: birth,
            organization_id: Some(schools[(i - offset) % schools.len()].get()),
            position: if subject == "классное руководство" {
                "учитель, классный руководитель".into()
            } else {
                format!("учитель ({subject})")
            },
            subjects: subject.into(),
            education: if i % 9 == 4 { "vocational" } else { "higher" }.into(),
            edu_institution: if i % 2 == 0 {
                "Томский государственный педагогический университет"
            } else {
                "Томский государственный университет"
            }
            .into(),
            edu_year: (today.year() - exp_years as i32 - 1).to_string(),
            category: category.into(),
            category_assigned_on: assigned,
            category_expires_on: expires,
            experience_start: start,
            young_specialist: exp_years < 3,
            consent_on: format!("01.09.{}", today.year() - 1),
            ..Default::default()
        }
        .parse(today)
        .map_err(StoreError::Invalid)?;
        ids.push(crate::teachers::create(tx, actor, municipality_id, &d).await?.id);
    }
    Ok(ids)
}

/// Three associations created by orders of the authority, with officers and (for the first) the
/// yearly composition fixed by order.
async fn load_associations(
    tx: &mut sqlx::AnyConnection,
    actor: &Actor,
    muni: &municipalities::Municipality,
    settings: &metoda_domain::profile::ProfileSettings,
    teacher_ids: &[TeacherId],
) -> Result<Vec<AssociationId>> {
    use metoda_domain::orders::OrderInput;
    let today = time::OffsetDateTime::now_utc().date();
    let year = metoda_domain::teachers::AcademicYear::containing(today);
    let date =
        |days: i64| metoda_domain::values::ru_date(year.start().saturating_add(time::Duration::days(days)).min(today));
    let signed = "Начальник Управления образования О. А. Максимова";
    // (name, direction, subject index: the subject's teachers are the members)
    let plan = [
        (DEMO_ASSOCIATION, "математика", 0usize),
        ("ММО учителей русского языка и литературы", "русский язык и литература", 1),
        ("ММО классных руководителей", "классные руководители", 2),
    ];
    let mut ids = vec![];
    let mut number = 101;
    for (name, direction, subject) in plan {
        let mut members: Vec<TeacherId> =
            teacher_ids.iter().enumerate().filter(|(i, _)| i % SUBJECTS.len() == subject).map(|(_, id)| *id).collect();
        // The demo's officers and teacher (teachers 0–3) belong to the mathematics association.
        if subject == 0 {
            members.extend_from_slice(&teacher_ids[..4]);
            members.sort_unstable();
            members.dedup();
        }
        let d = OrderInput {
            number: format!("{number}-ОД"),
            // a year ago: the demo shows the association's past year of work too
            date: metoda_domain::values::ru_date(year.start().replace_year(year.0 - 1).unwrap_or(year.start())),
            kind: "create_association".into(),
            title: format!("О создании {name}"),
            // no text typed: the order's points are the standard ones of its kind, with the head named
            signed_by: signed.into(),
            name: name.into(),
            direction: direction.into(),
            head_teacher_id: members.first().map(|t| t.get()),
            member_ids: metoda_domain::ids::plain(members.iter().copied()),
            ..Default::default()
        }
        .parse(today)
        .map_err(StoreError::Invalid)?;
        number += 1;
        let o = crate::orders::register(tx, actor, muni, Some(settings), &d).await?;
        ids.push(o.association_id.ok_or_else(|| StoreError::Other("the order made no association".into()))?);
    }
    let math = ids[0];
    for (role, who) in [("deputy", teacher_ids[1]), ("secretary", teacher_ids[2])] {
        let d = OrderInput {
            number: format!("{number}-ОД"),
            date: date(1),
            kind: "appoint_officer".into(),
            signed_by: signed.into(),
            association_id: Some(math.get()),
            officer_role: role.into(),
            officer_teacher_id: Some(who.get()),
            ..Default::default()
        }
        .parse(today)
        .map_err(StoreError::Invalid)?;
        number += 1;
        crate::orders::register(tx, actor, muni, Some(settings), &d).await?;
    }
    let d = OrderInput {
        number: format!("{number}-ОД"),
        date: date(2),
        kind: "approve_composition".into(),
        title: format!("Об утверждении состава {DEMO_ASSOCIATION} на {} учебный год", year.label()),
        signed_by: signed.into(),
        association_id: Some(math.get()),
        ..Default::default()
    }
    .parse(today)
    .map_err(StoreError::Invalid)?;
    crate::orders::register(tx, actor, muni, Some(settings), &d).await?;
    Ok(ids)
}

/// A second municipality of the region under seed 004 (Майский район's regulation): one МУМО of
/// primary-school teachers with its РМО and a creative group (004 §2.5).
async fn load_second_municipality(tx: &mut sqlx::AnyConnection, actor: &Actor, region_id: RegionId) -> Result<i64> {
    use metoda_domain::orders::OrderInput;
    let today = time::OffsetDateTime::now_utc().date();
    let d = MunicipalityInput {
        name: DEMO_MUNICIPALITY_2.into(),
        authority_name: "Управление образования администрации Асиновского района".into(),
        utc_offset_minutes: Some(420),
        version: None,
    }
    .parse()
    .map_err(StoreError::Invalid)?;
    let m = municipalities::create(tx, actor, region_id, &d).await?;
    let p004 = profiles::by_code(tx, "seed-004").await?;
    let m = municipalities::set_profile(tx, actor, m.id, p004.id).await?;
    let mut orgs = vec![];
    for (short, full) in [
        (
            "МАОУ СОШ № 1 г. Асино",
            "Муниципальное автономное общеобразовательное учреждение «Средняя общеобразовательная школа № 1 г. Асино»",
        ),
        (
            "МБОУ «СОШ с. Ново-Кусково»",
            "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа с. Ново-Кусково»",
        ),
        (
            "МБОУ «ООШ д. Феоктистовка»",
            "Муниципальное бюджетное общеобразовательное учреждение «Основная общеобразовательная школа д. Феоктистовка»",
        ),
    ] {
        let d = OrganizationInput {
            full_name: full.into(),
            short_name: short.into(),
            kind: "school".into(),
            ..Default::default()
        }
        .parse()
        .map_err(StoreError::Invalid)?;
        orgs.push(organizations::create(tx, actor, m.id, &d).await?.id);
    }
    let teachers = load_teachers(tx, actor, m.id, &orgs, 12, 60).await?;
    let settings = p004.settings()?;
    let year = metoda_domain::teachers::AcademicYear::containing(today);
    let d = OrderInput {
        number: "12-ОД".into(),
        date: metoda_domain::values::ru_date(year.start().replace_year(year.0 - 1).unwrap_or(year.start())),
        kind: "create_association".into(),
        title: "О создании муниципального учебно-методического объединения учителей начальных классов".into(),
        signed_by: "Начальник Управления образования Т. В. Ефремова".into(),
        name: DEMO_ASSOCIATION_2.into(),
        direction: "начальное общее образование".into(),
        head_teacher_id: teachers.first().copied().map(i64::from),
        member_ids: metoda_domain::ids::plain(teachers.iter().copied()),
        ..Default::default()
    }
    .parse(today)
    .map_err(StoreError::Invalid)?;
    let o = crate::orders::register(tx, actor, &m, Some(&settings), &d).await?;
    let aid = o.association_id.ok_or_else(|| StoreError::Other("the order made no association".into()))?;
    // Its secretary (004 §2.4 keeps the minutes), appointed a day after the creation; the head
    // and the secretary have accounts, so the МУМО's minutes are signed by the chair and the
    // secretary (004 §4.4) as themselves.
    let d = OrderInput {
        number: "13-ОД".into(),
        date: metoda_domain::values::ru_date(
            year.start().replace_year(year.0 - 1).unwrap_or(year.start()) + time::Duration::days(1),
        ),
        kind: "appoint_officer".into(),
        signed_by: "Начальник Управления образования Т. В. Ефремова".into(),
        association_id: Some(aid.get()),
        officer_role: "secretary".into(),
        officer_teacher_id: Some(teachers[1].get()),
        ..Default::default()
    }
    .parse(today)
    .map_err(StoreError::Invalid)?;
    crate::orders::register(tx, actor, &m, Some(&settings), &d).await?;
    for (login, role, teacher) in
        [("mumo.head", Role::AssociationHead, teachers[0]), ("mumo.secretary", Role::Secretary, teachers[1])]
    {
        let t = crate::teachers::get(tx, teacher).await?;
        let d = UserInput {
            login: login.into(),
            full_name: t.full_name(),
            email: String::new(),
            password: DEMO_PASSWORD.into(),
        }
        .parse(true)
        .map_err(StoreError::Invalid)?;
        let user = users::create(tx, actor, Some(region_id), Some(m.id), &d).await?;
        sqlx::query("UPDATE teachers SET user_id = $1 WHERE id = $2")
            .bind(user.id.get())
            .bind(teacher.get())
            .execute(&mut *tx)
            .await?;
        let ids = users::resolve_scope(tx, role.scope_kind(), Some(aid.get())).await?;
        users::add_grant(tx, actor, user.id, role, ids).await?;
    }
    let a = crate::associations::get(tx, aid).await?;
    let on = metoda_domain::values::iso_date(year.start().min(today));
    // Two РМО by place and a creative group, each with its members.
    for (kind, name, head, members) in [
        ("rmo", "РМО учителей начальных классов городских школ", 0usize, 0..6usize),
        ("rmo", "РМО учителей начальных классов сельских школ", 6, 6..12),
        ("creative_group", "Творческая группа «Функциональная грамотность младших школьников»", 1, 1..4),
    ] {
        let s = crate::associations::create_subgroup(tx, actor, &a, kind, name, Some(teachers[head]), &on).await?;
        for i in members {
            if i != head {
                crate::associations::add_subgroup_member(
                    tx,
                    actor,
                    &a,
                    s.id,
                    teachers[i],
                    year.start().min(today),
                    None,
                )
                .await?;
            }
        }
    }
    Ok(aid.get())
}

/// The yearly rhythm of a demo association: (month, title, form, direction, agenda of a meeting).
const DEMO_PLAN: &[(u8, &str, &str, &str, &[&str])] = &[
    (
        9,
        "Заседание: анализ работы за прошлый год, рассмотрение плана на год",
        "meeting",
        "analytical",
        &["Анализ работы объединения за прошлый учебный год", "О плане работы объединения на учебный год"],
    ),
    (
        10,
        "Семинар-практикум «Функциональная грамотность на уроке»",
        "workshop_seminar",
        "organizational_methodical",
        &[],
    ),
    (
        11,
        "Заседание: итоги школьного этапа всероссийской олимпиады школьников",
        "meeting",
        "analytical",
        &["Итоги школьного этапа олимпиады", "Подготовка к муниципальному этапу"],
    ),
    (12, "Открытые уроки молодых педагогов", "open_lesson", "organizational_methodical", &[]),
    (
        1,
        "Заседание: подготовка обучающихся к государственной итоговой аттестации",
        "meeting",
        "consultative",
        &["Анализ пробных экзаменов", "Планирование консультаций для обучающихся"],
    ),
    (2, "Мастер-класс «Цифровые инструменты учителя»", "master_class", "informational", &[]),
    (
        3,
        "Заседание: обобщение опыта работы педагогов",
        "meeting",
        "organizational_methodical",
        &["Творческие отчёты педагогов", "О конкурсе методических разработок"],
    ),
    (4, "Конкурс методических разработок", "contest", "organizational_methodical", &[]),
    (
        5,
        "Заседание: итоги учебного года",
        "meeting",
        "analytical",
        &["Итоги работы объединения за год", "Предложения в план на следующий год"],
    ),
];

/// Each demo association gets the plan of the last year (approved, executed, its meetings held with
/// signed minutes) and the approved plan of this year with the meetings held so far; the next
/// meeting is planned. Runs after the demo users exist, so the officers sign as themselves.
async fn load_work(tx: &mut sqlx::AnyConnection, actor: &Actor, association_ids: &[AssociationId]) -> Result<()> {
    use crate::{associations, meetings, plans};
    use metoda_domain::meetings::{AgendaInput, Attendance, MeetingInput, evidence, year_of};
    use metoda_domain::plans::{ItemInput, StatusInput};
    use metoda_domain::profile::{PlanPeriod, Signatory};
    let today = time::OffsetDateTime::now_utc().date();
    let admin: Option<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE login = 'admin'").fetch_optional(&mut *tx).await?;
    let mut order_no = 1;
    for &aid in association_ids {
        let a = associations::get(tx, aid).await?;
        let muni = municipalities::get(tx, a.municipality_id).await?;
        let Some(settings) = profiles::municipality_settings(tx, muni.id).await? else { continue };
        let period = settings.plan_period.value;
        let current = year_of(period, today);
        // The recurring yearly rhythm of the association (001 §6.1's cyclogram).
        for (month, title, form, direction, _) in DEMO_PLAN {
            let d = metoda_domain::plans::CyclogramInput {
                month: month.to_string(),
                title: (*title).into(),
                direction: (*direction).into(),
                form: (*form).into(),
                responsible: "руководитель объединения".into(),
                note: String::new(),
                version: None,
            }
            .parse()
            .map_err(StoreError::Invalid)?;
            crate::cyclograms::add(tx, actor, &a, &d).await?;
        }
        for year in [current - 1, current] {
            let plan = plans::create(tx, actor, &a, &settings, year).await?;
            let (from, to) = plan.bounds();
            let date_of = |month: u8, day: u8| -> Result<time::Date> {
                let y = match period {
                    PlanPeriod::AcademicYear if month < 9 => year + 1,
                    _ => year,
                };
                let m = time::Month::try_from(month).map_err(|e| StoreError::Other(e.to_string()))?;
                time::Date::from_calendar_date(y, m, day).map_err(|e| StoreError::Other(e.to_string()))
            };
            let mut first_meeting = None;
            for (i, (month, title, form, direction, agenda)) in DEMO_PLAN.iter().enumerate() {
                let d = ItemInput {
                    title: (*title).into(),
                    direction: (*direction).into(),
                    form: (*form).into(),
                    planned_month: month.to_string(),
                    responsible: a.head_name.clone().unwrap_or_default(),
                    audience: "члены объединения".into(),
                    expected_result: "повышение профессиональной компетентности педагогов".into(),
                    ..Default::default()
                }
                .parse(from, to)
                .map_err(StoreError::Invalid)?;
                let item = plans::add_item(tx, actor, &a, &plan, &d, None).await?;
                let on = date_of(*month, 12 + (i as u8 % 5))?;
                if agenda.is_empty() {
                    if on < today {
                        let s = StatusInput { status: "done".into(), ..Default::default() }
                            .parse(to)
                            .map_err(StoreError::Invalid)?;
                        plans::set_status(tx, actor, &a, &plan, item.id, &s, None).await?;
                    }
                    continue;
                }
                let officers = associations::officers(tx, aid).await?;
                let in_office = |role: OfficerRole| {
                    officers.iter().find(|o| o.role == role && o.in_office_on(on)).and_then(|o| o.teacher_id)
                };
                let md = MeetingInput {
                    held_on: metoda_domain::values::iso_date(on),
                    starts_at: "15:00".into(),
                    place_note: "методический кабинет".into(),
                    plan_item_id: Some(item.id),
                    chair_teacher_id: in_office(OfficerRole::Head).map(i64::from),
                    secretary_teacher_id: in_office(OfficerRole::Secretary).map(i64::from),
                    ..Default::default()
                }
                .parse()
                .map_err(StoreError::Invalid)?;
                let m = meetings::create(tx, actor, &a, &settings, &md).await?;
                if on >= today {
                    // the next meeting stays planned; later ones are not planned yet
                    break;
                }
                let roster = meetings::roster(tx, &m).await?;
                let marks: Vec<(TeacherId, Attendance)> = roster
                    .iter()
                    .enumerate()
                    .map(|(j, r)| {
                        // the chair and the secretary were there: they sign the minutes
                        let officer =
                            Some(r.teacher_id) == m.chair_teacher_id || Some(r.teacher_id) == m.secretary_teacher_id;
                        let s = match (j + i) % 9 {
                            _ if officer => Attendance::Present,
                            4 => Attendance::Absent,
                            7 => Attendance::Excused,
                            _ => Attendance::Present,
                        };
                        (r.teacher_id, s)
                    })
                    .collect();
                let present = marks.iter().filter(|(_, s)| *s == Attendance::Present).count();
                meetings::set_attendance(tx, actor, &a, &m, &settings, on, &marks, None).await?;
                let m = meetings::get(tx, m.id).await?;
                for (k, topic) in agenda.iter().enumerate() {
                    let d = AgendaInput {
                        topic: (*topic).into(),
                        speaker: a.head_name.as_deref().map(metoda_domain::meetings::initials).unwrap_or_default(),
                        heard: format!("Доклад по вопросу «{topic}»."),
                        decision: "Принять информацию к сведению и руководству в работе.".into(),
                        votes_for: (present - k).to_string(),
                        votes_against: "0".into(),
                        votes_abstained: k.to_string(),
                        ..Default::default()
                    }
                    .parse()
                    .map_err(StoreError::Invalid)?;
                    meetings::add_agenda(tx, actor, &a, &m, &settings, &d).await?;
                }
                meetings::draft_minutes(tx, actor, &a, &m, &settings).await?;
                let m = meetings::get(tx, m.id).await?;
                for role in metoda_domain::meetings::required_signatories(&settings.minutes_signatories.value) {
                    let office = match role {
                        Signatory::Secretary => OfficerRole::Secretary,
                        _ => OfficerRole::Head,
                    };
                    // the officer in office on the day, else the head
                    let o = officers
                        .iter()
                        .find(|o| o.role == office && o.in_office_on(m.held_on))
                        .or_else(|| officers.iter().find(|o| o.role == OfficerRole::Head));
                    let name = o.map(|o| metoda_domain::meetings::initials(&o.name)).unwrap_or_default();
                    let user: Option<i64> = match o.and_then(|o| o.teacher_id) {
                        Some(t) => {
                            sqlx::query_scalar("SELECT user_id FROM teachers WHERE id = $1")
                                .bind(t.get())
                                .fetch_one(&mut *tx)
                                .await?
                        }
                        None => None,
                    };
                    let Some(user_id) = user.or(admin) else { continue };
                    let signer = Actor { user_id: Some(UserId(user_id)), login: actor.login.clone(), ip: None };
                    meetings::sign(tx, &signer, &a, &m, &settings, role, &name).await?;
                }
                // signing the minutes marked the plan item done, with this meeting as its evidence
                if first_meeting.is_none() {
                    first_meeting = Some(m.id);
                    // the plan goes along the profile's path once it was considered at this meeting
                    let mut plan_now = plans::get(tx, plan.id).await?;
                    for step in plan_now.approval_steps() {
                        let ev = evidence(step);
                        let mut refs = plans::StepRefs { meeting_id: None, order_id: None, note: None };
                        match ev {
                            metoda_domain::meetings::Evidence::MeetingDecision => refs.meeting_id = Some(m.id),
                            metoda_domain::meetings::Evidence::Order => {
                                let od = metoda_domain::orders::OrderInput {
                                    number: format!("{order_no}-П"),
                                    date: metoda_domain::values::ru_date(on),
                                    kind: "other".into(),
                                    title: format!("Об утверждении плана работы {}", a.name),
                                    body: format!(
                                        "Утвердить {}.\n{}",
                                        plan_now.title.replacen("План", "план", 1),
                                        metoda_domain::orders::CONTROL_POINT
                                    ),
                                    ..Default::default()
                                }
                                .parse(today)
                                .map_err(StoreError::Invalid)?;
                                order_no += 1;
                                refs.order_id =
                                    Some(crate::orders::register(tx, actor, &muni, Some(&settings), &od).await?.id);
                            }
                            _ => {}
                        }
                        plan_now = plans::take_step(tx, actor, &a, &plan_now, step, ev, refs).await?;
                    }
                }
            }
        }
    }
    // The demo users start with an empty inbox: what the loader "notified" is history.
    sqlx::query("UPDATE notifications SET read_at = created_at WHERE read_at IS NULL").execute(&mut *tx).await?;
    Ok(())
}

/// A minimal PDF: the demo's confirming scans.
const DEMO_SCAN: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// Last year's results of each demo association's members, confirmed by the authority with a scan
/// (one publication left waiting, to show what is listed apart), so the demo has a filled analysis.
/// The students on the demo olympiads' sheets.
const STUDENTS: &[(&str, &str)] = &[
    ("Белов", "Артём"),
    ("Комарова", "Дарья"),
    ("Фёдоров", "Максим"),
    ("Лаптева", "Софья"),
    ("Гришин", "Никита"),
    ("Журавлёва", "Полина"),
];

/// The demo's events (issue 14), for every association: a series of a standing seminar held this
/// autumn with its programme (a member speaks: a presentation result from the event), its
/// registration sheets and participants' certificates, an open lesson held, a
/// municipal olympiad for students held, a master class announced with open registration and
/// few places, a seminar in draft; and the authority's public contest announced.
async fn load_events(tx: &mut sqlx::AnyConnection, actor: &Actor, association_ids: &[AssociationId]) -> Result<()> {
    use crate::{associations, events};
    use metoda_domain::events::{EventAction, EventInput};
    use time::Duration;
    let today = time::OffsetDateTime::now_utc().date();
    let day = |d: i64| metoda_domain::values::iso_date(today + Duration::days(d));
    // (days from today, title, form, reach, hours, cap, what becomes of it)
    #[derive(Clone, Copy, PartialEq)]
    enum Fate {
        Held,
        Announced,
        Draft,
    }
    const PLAN: &[(i64, &str, &str, &str, &str, &str, Fate)] = &[
        (-70, "Постоянно действующий семинар «{topic}»: занятие 1", "standing_seminar", "members", "2", "", Fate::Held),
        (-42, "Постоянно действующий семинар «{topic}»: занятие 2", "standing_seminar", "members", "2", "", Fate::Held),
        (-14, "Постоянно действующий семинар «{topic}»: занятие 3", "standing_seminar", "members", "2", "", Fate::Held),
        (-28, "Открытый урок «{lesson}»", "open_lesson", "municipality", "1", "", Fate::Held),
        (
            -21,
            "Муниципальная олимпиада для обучающихся 5–6 классов: {topic}",
            "student_olympiad",
            "municipality",
            "0",
            "",
            Fate::Held,
        ),
        (9, "Мастер-класс «{master}»", "master_class", "municipality", "3", "12", Fate::Announced),
        (30, "Семинар-практикум «{practice}»", "practical_seminar", "members", "4", "", Fate::Draft),
    ];
    // Each association's own topics (the seminar series, the open lesson, the master class, the
    // practical seminar), and its own days.
    const TOPICS: &[(&str, &str, &str, &str)] = &[
        (
            "Функциональная грамотность",
            "Проектная задача в 6 классе",
            "Цифровые инструменты формирующего оценивания",
            "Наставничество молодых педагогов",
        ),
        (
            "Смысловое чтение на уроках",
            "Анализ художественного текста в 8 классе",
            "Подготовка к итоговому сочинению",
            "Речевые ошибки в письменных работах",
        ),
        (
            "Воспитательная работа в классе",
            "Классный час «Мой край»",
            "Профилактика конфликтов в классе",
            "Работа с родителями",
        ),
        (
            "Естественнонаучная грамотность",
            "Лабораторная работа «Сила трения»",
            "Виртуальные лаборатории",
            "Задачи с практическим содержанием",
        ),
        (
            "Историческое мышление",
            "Урок-исследование «Томская губерния»",
            "Работа с историческими источниками",
            "Подготовка к ВПР по истории",
        ),
    ];
    for (k, &aid) in association_ids.iter().enumerate() {
        let a = associations::get(tx, aid).await?;
        let region = a.region_id;
        let (topic, lesson, master, practice) = TOPICS[k % TOPICS.len()];
        let shift = k as i64 % 4;
        let members = associations::members(tx, aid, None).await?;
        let venue: Option<i64> =
            sqlx::query_scalar("SELECT MIN(id) FROM organizations WHERE municipality_id = $1 AND archived_at IS NULL")
                .bind(a.municipality_id.get())
                .fetch_one(&mut *tx)
                .await?;
        let mut series_head: Option<i64> = None;
        for (n, (days, title, form, reach, hours, cap, fate)) in PLAN.iter().enumerate() {
            let days = &(days + shift);
            let title = title
                .replace("{topic}", topic)
                .replace("{lesson}", lesson)
                .replace("{master}", master)
                .replace("{practice}", practice);
            let d = EventInput {
                title,
                form: (*form).into(),
                reach: (*reach).into(),
                starts_on: day(*days),
                starts_at: "15:00".into(),
                venue_organization_id: venue,
                place_note: "актовый зал".into(),
                hours: (*hours).into(),
                registration_open: "1".into(),
                cap: (*cap).into(),
                registration_deadline: if *fate == Fate::Announced { day(days - 2) } else { String::new() },
                ..Default::default()
            }
            .parse()
            .map_err(StoreError::Invalid)?;
            let e = events::create(tx, actor, a.municipality_id, region, Some(&a), &d).await?;
            // The standing seminar's sessions are one series (its first session names it).
            if *form == "standing_seminar" {
                let head = *series_head.get_or_insert(e.id.get());
                sqlx::query("UPDATE events SET series_id = $1 WHERE id IN ($1, $2)")
                    .bind(head)
                    .bind(e.id.get())
                    .execute(&mut *tx)
                    .await?;
            }
            if *fate == Fate::Draft {
                continue;
            }
            events::act(tx, actor, region, e.id, EventAction::Announce, None).await?;
            // Members register: most for a held event, a few for the one announced (its places
            // are not all taken, so a teacher of the demo can still register).
            let count = if *fate == Fate::Held { members.len().min(14) } else { members.len().min(5) };
            let mut present = vec![];
            let students = *form == "student_olympiad";
            if students {
                // The olympiad's sheet is of students, by name.
                for (i, (last, first)) in STUDENTS.iter().enumerate() {
                    let name = format!("{last} {first}");
                    let who = events::Registrant::Guest {
                        name: &name, organization: Some("МБОУ «Богашёвская СОШ»")
                    };
                    let r = events::register(tx, actor, e.id, who, false, today).await?;
                    present.push((r.id, i != STUDENTS.len() - 1));
                }
            }
            for (i, m) in members.iter().skip(n % 3).take(if students { 0 } else { count }).enumerate() {
                let r = events::register(
                    tx,
                    actor,
                    e.id,
                    events::Registrant::Teacher(m.teacher_id),
                    false,
                    today + Duration::days(*days),
                )
                .await?;
                present.push((r.id, i % 7 != 6));
            }
            // The programme: a member speaks at each session, the open lesson is a member's.
            if let Some(m) = members.get(1 + n % 4).filter(|_| *fate != Fate::Draft) {
                let (topic, kind) = match *form {
                    "open_lesson" => ("Открытый урок и его самоанализ", "open_lesson"),
                    "student_olympiad" => ("Разбор заданий олимпиады", "talk"),
                    "master_class" => ("Показ приёмов работы", "master_class"),
                    _ => ("Из опыта работы", "talk"),
                };
                let d = metoda_domain::events::ProgrammeInput {
                    starts_at: "15:10".into(),
                    topic: topic.into(),
                    kind: kind.into(),
                    speaker_teacher_id: Some(m.teacher_id.get()),
                    ..Default::default()
                }
                .parse()
                .map_err(StoreError::Invalid)?;
                events::add_programme_item(tx, actor, e.id, &d).await?;
            }
            if *fate == Fate::Held {
                events::mark_attendance(tx, actor, e.id, &present).await?;
                events::act(tx, actor, region, e.id, EventAction::MarkHeld, None).await?;
                if hours != &"0" {
                    events::issue_participant_certificates(tx, actor, e.id).await?;
                    events::issue_speaker_certificates(tx, actor, e.id).await?;
                    // The speaker's slides, as a link to where the association keeps them.
                    let slides = crate::attachments::Content::Link("https://disk.yandex.ru/d/metoda-demo-slides");
                    events::attach_material(tx, actor, e.id, "Презентация выступления", slides).await?;
                }
                if students && let Some(m) = members.first() {
                    // A winner and two prize-winners, prepared by members: students' results
                    // waiting for the curator, and their diplomas.
                    for (i, (rid, _)) in present.iter().take(3).enumerate() {
                        let d = events::PlacementData {
                            registration_id: *rid,
                            placement: if i == 0 {
                                metoda_domain::results::Placement::Winner
                            } else {
                                metoda_domain::results::Placement::PrizeWinner
                            },
                            subject: String::new(),
                            grade: "6".into(),
                            teacher_id: Some(members.get(i).unwrap_or(m).teacher_id.get()),
                        };
                        events::record_placement(tx, actor, e.id, &d, today).await?;
                    }
                    events::issue_diplomas(tx, actor, e.id).await?;
                }
            }
        }
    }
    // The authority's public contest, announced for the whole municipality.
    if let Some(&first) = association_ids.first() {
        let a = associations::get(tx, first).await?;
        let d = EventInput {
            title: "Муниципальный конкурс профессионального мастерства «Педагог года»".into(),
            form: "professional_contest".into(),
            reach: "public".into(),
            starts_on: day(45),
            ends_on: day(47),
            starts_at: "10:00".into(),
            place_note: "Дом культуры, ул. Советская, 10".into(),
            hours: "18".into(),
            description: "Конкурс проводится в три тура: «Визитная карточка», «Учебное занятие», «Мастер-класс». \
                Заявки принимает орган управления образованием."
                .into(),
            ..Default::default()
        }
        .parse()
        .map_err(StoreError::Invalid)?;
        let e = events::create(tx, actor, a.municipality_id, a.region_id, None, &d).await?;
        events::act(tx, actor, a.region_id, e.id, EventAction::Announce, None).await?;
    }
    // The announcements of events held long ago were read back then.
    sqlx::query(
        "UPDATE notifications SET read_at = created_at WHERE kind = 'event_announced' AND read_at IS NULL
           AND link IN (SELECT '/events/' || CAST(id AS TEXT) FROM events WHERE status = 'held')",
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn load_results(tx: &mut sqlx::AnyConnection, actor: &Actor, association_ids: &[AssociationId]) -> Result<()> {
    use crate::{associations, results};
    use metoda_domain::results::{ExamScoreInput, StudentResultInput, TeacherResultInput};
    let today = time::OffsetDateTime::now_utc().date();
    let last = metoda_domain::teachers::AcademicYear::containing(today).0 - 1;
    let on = |month: u8, day: u8| -> String {
        let y = if month >= 9 { last } else { last + 1 };
        format!("{y}-{month:02}-{day:02}")
    };
    for &aid in association_ids {
        let a = associations::get(tx, aid).await?;
        let members: Vec<TeacherId> =
            associations::members(tx, aid, Some(&on(3, 1))).await?.into_iter().map(|m| m.teacher_id).collect();
        if members.len() < 4 {
            continue;
        }
        let (t0, t1, t2, t3) = (members[0], members[1], members[2], members[3]);
        let mut made = vec![];
        let student = |event: &str,
                       title: &str,
                       subject: &str,
                       level: &str,
                       placement: &str,
                       format: &str,
                       code: &str,
                       teachers: Vec<i64>,
                       date: String| StudentResultInput {
            event: event.into(),
            title: title.into(),
            subject: subject.into(),
            level: level.into(),
            placement: placement.into(),
            format: format.into(),
            student_code: code.into(),
            grade: "9".into(),
            teacher_ids: teachers,
            on: date,
            ..Default::default()
        };
        for input in [
            student("vsosh", "", "математика", "municipal", "winner", "in_person", "У-01", vec![t0.get()], on(11, 20)),
            student(
                "vsosh",
                "",
                "математика",
                "regional",
                "prize_winner",
                "in_person",
                "У-01",
                vec![t0.get()],
                on(1, 25),
            ),
            student(
                "contest",
                "Конкурс исследовательских работ «Шаг в науку»",
                "",
                "regional",
                "prize_winner",
                "in_person",
                "У-07",
                vec![t1.get()],
                on(2, 14),
            ),
            student(
                "contest",
                "Муниципальный конкурс проектов",
                "",
                "municipal",
                "winner",
                "in_person",
                "У-12",
                vec![t0.get(), t3.get()],
                on(3, 12),
            ),
            student(
                "olympiad",
                "Олимпиада «Формула Единства»",
                "",
                "all_russian",
                "participant",
                "remote",
                "У-15",
                vec![t2.get()],
                on(12, 5),
            ),
        ] {
            let d = input.parse(today).map_err(StoreError::Invalid)?;
            made.push(results::add_student(tx, actor, a.municipality_id, &d).await?);
        }
        let thresholds = results::thresholds(tx, a.municipality_id).await?;
        for (score, code) in [(86, "В-01"), (72, "В-02"), (25, "В-03")] {
            let d = ExamScoreInput {
                teacher_id: Some(t0.get()),
                subject: "mathematics_profile".into(),
                score: score.to_string(),
                student_code: code.into(),
                on: on(6, 20),
            }
            .parse(today, &thresholds)
            .map_err(StoreError::Invalid)?;
            made.push(results::add_exam(tx, actor, a.municipality_id, &d).await?);
        }
        let teacher = |kind: &str,
                       teachers: Vec<i64>,
                       title: &str,
                       level: &str,
                       placement: &str,
                       format: &str,
                       form: &str,
                       outlet: &str,
                       students: &str,
                       date: String| TeacherResultInput {
            kind: kind.into(),
            teacher_ids: teachers,
            title: title.into(),
            level: level.into(),
            placement: placement.into(),
            format: format.into(),
            form: form.into(),
            outlet: outlet.into(),
            students: students.into(),
            on: date,
            ..Default::default()
        };
        let mut pending = None;
        for input in [
            teacher(
                "competition",
                vec![t1.get()],
                "Учитель года",
                "municipal",
                "winner",
                "in_person",
                "",
                "",
                "",
                on(2, 20),
            ),
            teacher(
                "presentation",
                vec![t2.get()],
                "Формирующее оценивание на уроке",
                "municipal",
                "",
                "in_person",
                "seminar",
                "",
                "",
                on(10, 18),
            ),
            teacher(
                "presentation",
                vec![t0.get()],
                "Задачи с параметром",
                "regional",
                "",
                "in_person",
                "master_class",
                "",
                "",
                on(3, 27),
            ),
            teacher(
                "publication",
                vec![t0.get(), t1.get()],
                "Проектные задачи в основной школе",
                "regional",
                "",
                "",
                "",
                "сборник ТОИПКРО",
                "",
                on(4, 10),
            ),
            teacher(
                "assessment_materials",
                vec![t3.get()],
                "Задания муниципальной олимпиады, 5–6 классы",
                "",
                "",
                "",
                "",
                "",
                "",
                on(10, 30),
            ),
            teacher(
                "student_event_organised",
                vec![t0.get(), t3.get()],
                "Муниципальная математическая регата",
                "",
                "",
                "",
                "",
                "",
                "46",
                on(4, 18),
            ),
            teacher(
                "profile_teaching",
                vec![t0.get()],
                "Профильный 10 класс (физико-математический)",
                "",
                "",
                "",
                "",
                "",
                "",
                on(9, 1),
            ),
            teacher(
                "publication",
                vec![t2.get()],
                "Опыт сетевого урока",
                "municipal",
                "",
                "",
                "",
                "сайт Управления образования",
                "",
                on(5, 12),
            ),
        ] {
            let d = input.parse(today).map_err(StoreError::Invalid)?;
            let r = results::add_teacher_result(tx, actor, a.municipality_id, &d).await?;
            if r.title.as_deref() == Some("Опыт сетевого урока") {
                pending = Some(r.id);
            }
            made.push(r);
        }
        // The authority's specialist confirms each with its scan (the administrator where the
        // municipality has no authority user); one publication still waits.
        let curator: Option<i64> = sqlx::query_scalar(
            "SELECT u.id FROM users u JOIN role_grants g ON g.user_id = u.id
             WHERE g.role = 'authority_specialist' AND g.municipality_id = $1 ORDER BY u.id LIMIT 1",
        )
        .bind(a.municipality_id.get())
        .fetch_optional(&mut *tx)
        .await?;
        let admin: Option<i64> =
            sqlx::query_scalar("SELECT id FROM users WHERE login = 'admin'").fetch_optional(&mut *tx).await?;
        let Some(curator) = curator.or(admin) else { continue };
        let by = Actor { user_id: Some(UserId(curator)), login: actor.login.clone(), ip: None };
        for r in made {
            let content = crate::attachments::Content::File {
                name: "скан.pdf",
                content_type: "application/pdf",
                bytes: DEMO_SCAN,
            };
            results::attach_scan(tx, actor, &r, "Скан грамоты", content).await?;
            if Some(r.id) != pending {
                let r = results::get(tx, r.id).await?;
                results::confirm(tx, &by, &r, None).await?;
            }
        }
    }
    Ok(())
}
