//! Demo data: one municipality under the seed-002 profile (Томский район), its organizations,
//! one association and a user for every role. `metoda demo-data` calls [`load`].

use metoda_domain::access::{Role, ScopeKind};
use metoda_domain::directory::{MunicipalityInput, OrganizationInput, RegionInput, UserInput};

use crate::{Actor, Db, Result, StoreError, municipalities, now, organizations, profiles, regions, users};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "metoda-demo-2026";
pub const DEMO_REGION: &str = "Томская область";
pub const DEMO_MUNICIPALITY: &str = "Томский район";
pub const DEMO_ASSOCIATION: &str = "ММО учителей математики";

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
    DemoUser { login: "mmo.deputy", full_name: "Кузнецов Андрей Игоревич", role: Role::Deputy },
    DemoUser {
        login: "mmo.secretary", full_name: "Смирнова Татьяна Юрьевна", role: Role::Secretary
    },
    DemoUser {
        login: "teacher", full_name: "Васильева Анна Дмитриевна", role: Role::MemberTeacher
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
    pub region_id: i64,
    pub municipality_id: i64,
    pub association_id: i64,
    pub organizations: usize,
    pub users: Vec<(&'static str, Role)>,
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
    let t = now();
    let association_id: i64 = sqlx::query_scalar(
        "INSERT INTO associations (municipality_id, name, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id",
    )
    .bind(muni.id)
    .bind(DEMO_ASSOCIATION)
    .bind(&t)
    .fetch_one(&mut *tx)
    .await?;
    crate::audit::record(
        &mut tx,
        &actor,
        muni.scope(),
        "association",
        Some(association_id),
        "create",
        &format!("Создано объединение «{DEMO_ASSOCIATION}» (демо-данные)"),
        None,
        Some(&serde_json::json!({"name": DEMO_ASSOCIATION, "municipality_id": muni.id})),
    )
    .await?;

    let mut made = vec![];
    for u in DEMO_USERS {
        if users::by_login(&mut tx, u.login).await?.is_some() {
            continue;
        }
        let (home_region, home_muni, scope_id) = match u.role.scope_kind() {
            ScopeKind::System => (None, None, None),
            ScopeKind::Region => (Some(region.id), None, Some(region.id)),
            ScopeKind::Municipality => (Some(region.id), Some(muni.id), Some(muni.id)),
            ScopeKind::Association => (Some(region.id), Some(muni.id), Some(association_id)),
            ScopeKind::Organization => (Some(region.id), Some(muni.id), org_ids.first().copied()),
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
        let ids = users::resolve_scope(&mut tx, u.role.scope_kind(), scope_id).await?;
        users::add_grant(&mut tx, &actor, user.id, u.role, ids).await?;
        made.push((u.login, u.role));
    }
    tx.commit().await?;
    Ok(Loaded {
        region_id: region.id,
        municipality_id: muni.id,
        association_id,
        organizations: org_ids.len(),
        users: made,
    })
}
