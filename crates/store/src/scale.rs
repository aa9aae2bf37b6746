//! Region-scale data for measuring a real server: `metoda demo-data --scale region` and the
//! store's benchmarks call [`generate`]. A region of ten municipalities (each under one of the five
//! seed profiles in turn), 200 organizations, 20 000 teachers with realistic Russian names, 1 000
//! associations created by orders with a head and a secretary, memberships that change over five
//! academic years (some join late, some leave, each association has two members from its
//! neighbour), meetings with attendance and signed minutes, courses, results of every family
//! (students' contests and olympiads, exam scores, teachers' own) in every status, ten events per
//! association (10 000: most held, with registrations, the attendance and participants'
//! certificates; some announced, some cancelled) — and a user for every role, with the demo
//! password.
//!
//! The big tables are written as multi-row INSERTs of literal rows inside one transaction, which
//! fills the region in well under a minute on either backend; the directory, the profiles and the
//! accounts go through the store's own functions. Rows dated after `today` are not written.

use metoda_domain::access::{Role, ScopeKind};
use metoda_domain::directory::{MunicipalityInput, RegionInput, UserInput};
use metoda_domain::ids::{AssociationId, MunicipalityId, OrganizationId, RegionId, TeacherId};
use metoda_domain::orders::Effect;
use sqlx::{AnyConnection, Executor};
use time::Date;

use crate::demo::{DEMO_PASSWORD, FIRST_F, FIRST_M, LAST, MIDDLE};
use crate::{Actor, Backend, Db, Result, StoreError, municipalities, profiles, regions, users};

/// How big a region to make.
#[derive(Debug, Clone)]
pub struct Scale {
    pub municipalities: i64,
    pub organizations_per_municipality: i64,
    /// Teachers of each association as its own members (each teacher is the own member of one
    /// association; the bank holds `associations × members` teachers).
    pub members: i64,
    pub associations_per_municipality: i64,
    /// Results per association and academic year (half students', a quarter exam scores, a quarter
    /// teachers' own).
    pub results_per_year: i64,
    /// Academic years written: the one `today` falls in and the `years - 1` before it.
    pub years: i64,
    /// Nothing dated after this day is written.
    pub today: Date,
}

impl Scale {
    /// The region of the load benchmark: 10 municipalities, 200 organizations, 20 000 teachers,
    /// 1 000 associations of 22 members, five academic years, 40 results per association and year.
    pub fn region(today: Date) -> Scale {
        Scale {
            municipalities: 10,
            organizations_per_municipality: 20,
            members: 20,
            associations_per_municipality: 100,
            results_per_year: 40,
            years: 5,
            today,
        }
    }

    /// A hundredth of the region (2 municipalities, 200 teachers): the same shape, for tests that
    /// compare a page's cost at two sizes.
    pub fn small(today: Date) -> Scale {
        Scale {
            municipalities: 2,
            organizations_per_municipality: 4,
            members: 10,
            associations_per_municipality: 10,
            results_per_year: 8,
            years: 2,
            today,
        }
    }

    pub fn teachers(&self) -> i64 {
        self.municipalities * self.teachers_per_municipality()
    }

    pub fn associations(&self) -> i64 {
        self.municipalities * self.associations_per_municipality
    }

    pub fn teachers_per_municipality(&self) -> i64 {
        self.associations_per_municipality * self.members
    }

    /// The municipality (1-based, as generated) of association `a`.
    pub fn municipality_of(&self, a: i64) -> i64 {
        (a - 1) / self.associations_per_municipality + 1
    }

    /// The j-th own member (teacher id) of association `a`.
    pub fn member(&self, a: i64, j: i64) -> i64 {
        let m = self.municipality_of(a);
        let k = (a - 1) % self.associations_per_municipality;
        (m - 1) * self.teachers_per_municipality() + k * self.members + j.rem_euclid(self.members) + 1
    }

    /// The organization a teacher works in.
    pub fn organization_of(&self, teacher: i64) -> i64 {
        let m = (teacher - 1) / self.teachers_per_municipality() + 1;
        (m - 1) * self.organizations_per_municipality + (teacher - 1) % self.organizations_per_municipality + 1
    }

    /// The academic years written, oldest first (the year each starts in).
    pub fn academic_years(&self) -> std::ops::RangeInclusive<i64> {
        let current = i64::from(metoda_domain::teachers::AcademicYear::containing(self.today).0);
        current - self.years + 1..=current
    }
}

/// What [`generate`] wrote.
#[derive(Debug, Default, Clone)]
pub struct Generated {
    pub region_id: i64,
    pub municipalities: usize,
    pub organizations: usize,
    pub teachers: usize,
    pub associations: usize,
    pub memberships: usize,
    pub orders: usize,
    pub meetings: usize,
    pub attendance: usize,
    pub minutes: usize,
    pub courses: usize,
    pub results: usize,
    pub result_teachers: usize,
    pub events: usize,
    pub event_registrations: usize,
    pub event_certificates: usize,
    /// (login, role) of every account made.
    pub users: Vec<(String, Role)>,
}

impl Generated {
    /// One line for a person: what is in the database now.
    pub fn summary_ru(&self) -> String {
        format!(
            "муниципалитетов {}, организаций {}, педагогов {}, объединений {}, членств {}, приказов {}, заседаний {} \
             (отметок посещения {}, протоколов {}), курсов {}, результатов {} (связей с педагогами {}), мероприятий {} \
             (регистраций {}, сертификатов {})",
            self.municipalities,
            self.organizations,
            self.teachers,
            self.associations,
            self.memberships,
            self.orders,
            self.meetings,
            self.attendance,
            self.minutes,
            self.courses,
            self.results,
            self.result_teachers,
            self.events,
            self.event_registrations,
            self.event_certificates
        )
    }
}

/// Districts of Томская область, for the municipalities' names.
const DISTRICTS: &[(&str, &str)] = &[
    ("Асиновский район", "Асиновского района"),
    ("Бакчарский район", "Бакчарского района"),
    ("Верхнекетский район", "Верхнекетского района"),
    ("Зырянский район", "Зырянского района"),
    ("Каргасокский район", "Каргасокского района"),
    ("Кожевниковский район", "Кожевниковского района"),
    ("Колпашевский район", "Колпашевского района"),
    ("Кривошеинский район", "Кривошеинского района"),
    ("Молчановский район", "Молчановского района"),
    ("Парабельский район", "Парабельского района"),
    ("Первомайский район", "Первомайского района"),
    ("Тегульдетский район", "Тегульдетского района"),
    ("Томский район", "Томского района"),
    ("Чаинский район", "Чаинского района"),
    ("Шегарский район", "Шегарского района"),
];

/// (direction, the association's name after «ММО»/«МУМО», the members' position)
const DIRECTIONS: &[(&str, &str, &str)] = &[
    ("математика", "учителей математики", "учитель математики"),
    ("русский язык и литература", "учителей русского языка и литературы", "учитель русского языка и литературы"),
    ("физика", "учителей физики", "учитель физики"),
    ("химия", "учителей химии", "учитель химии"),
    ("биология", "учителей биологии", "учитель биологии"),
    ("география", "учителей географии", "учитель географии"),
    ("история и обществознание", "учителей истории и обществознания", "учитель истории и обществознания"),
    ("английский язык", "учителей английского языка", "учитель английского языка"),
    ("немецкий язык", "учителей немецкого языка", "учитель немецкого языка"),
    ("информатика", "учителей информатики", "учитель информатики"),
    ("физическая культура", "учителей физической культуры", "учитель физической культуры"),
    ("музыка", "учителей музыки", "учитель музыки"),
    ("изобразительное искусство", "учителей изобразительного искусства", "учитель изобразительного искусства"),
    ("технология", "учителей технологии", "учитель технологии"),
    ("ОБЗР", "учителей основ безопасности и защиты Родины", "учитель ОБЗР"),
    ("начальные классы", "учителей начальных классов", "учитель начальных классов"),
    ("классное руководство", "классных руководителей", "учитель, классный руководитель"),
    ("психолого-педагогическое сопровождение", "педагогов-психологов", "педагог-психолог"),
    ("логопедия", "учителей-логопедов", "учитель-логопед"),
    ("дошкольное образование", "воспитателей дошкольных групп", "воспитатель"),
];

const CLUSTERS: &[&str] =
    &["Центральный куст", "Северный куст", "Южный куст", "Восточный куст", "Западный куст", "Заречный куст"];

/// Multi-row INSERTs of literal rows, `CHUNK` rows per statement.
struct Bulk {
    head: String,
    rows: Vec<String>,
    total: usize,
}

const CHUNK: usize = 400;

impl Bulk {
    fn new(table: &str, columns: &str) -> Bulk {
        Bulk { head: format!("INSERT INTO {table} ({columns}) VALUES "), rows: vec![], total: 0 }
    }

    async fn push(&mut self, conn: &mut AnyConnection, row: String) -> Result<()> {
        self.rows.push(row);
        if self.rows.len() >= CHUNK {
            self.flush(conn).await?;
        }
        Ok(())
    }

    /// Rows kept for a later flush (children flushed after their parents).
    fn keep(&mut self, row: String) {
        self.rows.push(row);
    }

    async fn flush(&mut self, conn: &mut AnyConnection) -> Result<()> {
        for chunk in self.rows.chunks(CHUNK) {
            let sql = format!("{}{}", self.head, chunk.join(", "));
            conn.execute(sql.as_str()).await?;
            self.total += chunk.len();
        }
        self.rows.clear();
        Ok(())
    }
}

/// A text literal.
fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn opt(s: Option<&str>) -> String {
    s.map_or_else(|| "NULL".to_owned(), q)
}

fn idx(i: i64) -> usize {
    usize::try_from(i.rem_euclid(1 << 30)).unwrap_or(0)
}

fn pick<T: Copy>(list: &[T], i: i64) -> T {
    list[idx(i) % list.len()]
}

/// Fills an empty database with a region of the given scale. Refuses a database that already has
/// users. Everything is written in one transaction: on an error nothing stays.
pub async fn generate(db: &Db, scale: &Scale) -> Result<Generated> {
    if scale.municipalities < 1
        || scale.associations_per_municipality < 1
        || scale.members < 3
        || scale.organizations_per_municipality < 1
        || scale.years < 1
    {
        return Err(StoreError::Other("the scale needs at least one of everything and three members".into()));
    }
    let actor = Actor::cli("demo-data --scale");
    let mut tx = db.begin().await?;
    let n = users::count(&mut tx).await?;
    if n > 0 {
        return Err(StoreError::Conflict(format!(
            "в базе уже есть пользователи ({n}); данные масштаба региона загружаются только в пустую базу"
        )));
    }
    let stamp = crate::now();
    let c: &mut AnyConnection = &mut tx;
    let mut out = Generated::default();

    let region = regions::create(
        c,
        &actor,
        &RegionInput { name: "Томская область".into(), code: "70".into() }.parse().map_err(StoreError::Invalid)?,
    )
    .await?;
    out.region_id = region.id.get();

    // Municipalities through the store, each under a seed profile in turn.
    let mut muni_ids = vec![];
    let mut body_names = vec![];
    for m in 1..=scale.municipalities {
        let (name, genitive) = pick(DISTRICTS, m - 1);
        let name = if m > i64::try_from(DISTRICTS.len()).unwrap_or(0) { format!("{name} {m}") } else { name.into() };
        let d = MunicipalityInput {
            name,
            authority_name: format!("Управление образования Администрации {genitive}"),
            utc_offset_minutes: Some(420),
            version: None,
        }
        .parse()
        .map_err(StoreError::Invalid)?;
        let muni = municipalities::create(c, &actor, region.id, &d).await?;
        let preset = profiles::by_code(c, &format!("seed-00{}", (m - 1) % 5)).await?;
        municipalities::set_profile(c, &actor, muni.id, preset.id).await?;
        body_names.push(preset.settings()?.body_name.value.clone());
        muni_ids.push(muni.id.get());
    }
    out.municipalities = muni_ids.len();
    // Generated rows use ids computed from their position: municipality k (1-based) is muni_ids[k-1].
    let muni = |k: i64| muni_ids[idx(k - 1)];

    let mut b =
        Bulk::new("organizations", "id, municipality_id, full_name, short_name, kind, address, created_at, updated_at");
    for o in 1..=scale.municipalities * scale.organizations_per_municipality {
        let m = (o - 1) / scale.organizations_per_municipality + 1;
        let k = (o - 1) % scale.organizations_per_municipality + 1;
        let (_, genitive) = pick(DISTRICTS, m - 1);
        let (short, full, kind) = if k % 5 == 0 {
            (
                format!("МБДОУ «Детский сад № {k}»"),
                format!("Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад № {k}» {genitive}"),
                "kindergarten",
            )
        } else {
            (
                format!("МБОУ «СОШ № {k}»"),
                format!(
                    "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № {k}» {genitive}"
                ),
                "school",
            )
        };
        b.push(
            c,
            format!(
                "({o}, {}, {}, {}, '{kind}', {}, '{stamp}', '{stamp}')",
                muni(m),
                q(&full),
                q(&short),
                q(&format!("ул. Школьная, {k}"))
            ),
        )
        .await?;
    }
    b.flush(c).await?;
    out.organizations = b.total;

    let today = scale.today;
    let years = scale.academic_years();
    let first_year = *years.start();
    let mut b = Bulk::new(
        "teachers",
        "id, municipality_id, last_name, first_name, middle_name, birth_date, organization_id, position, subjects,
         education, edu_institution, category, category_assigned_on, category_expires_on, experience_start,
         young_specialist, consent_on, search_text, created_at, updated_at",
    );
    let base_birth = time::macros::date!(1962 - 01 - 01);
    for i in 1..=scale.teachers() {
        let m = (i - 1) / scale.teachers_per_municipality() + 1;
        let association = (i - 1) / scale.members + 1;
        let (_, _, position) = pick(DIRECTIONS, (association - 1) % scale.associations_per_municipality);
        let female = i % 5 != 2;
        let (lm, lf) = pick(LAST, i * 7 + i / 13);
        let first = if female { pick(FIRST_F, i / 3 + i % 7) } else { pick(FIRST_M, i / 3 + i % 5) };
        let (mm, mf) = pick(MIDDLE, i / 11 + i % 4);
        let (last, middle) = if female { (lf, mf) } else { (lm, mm) };
        // Unique within an organization: its teachers are i, i + orgs, i + 2·orgs, …
        let birth = base_birth + time::Duration::days((i / scale.organizations_per_municipality) * 97 % 14_000);
        let experience_years = ((i * 11) % 38).min(i64::from(today.year() - birth.year()) - 22).max(0);
        let start_year = i64::from(today.year()) - experience_years - 1;
        let category = pick(&["highest", "first", "first", "conformity", "none"], i);
        let (assigned, expires) = if category == "none" {
            ("NULL".to_owned(), "NULL".to_owned())
        } else {
            let y = i64::from(today.year()) - 1 - i % 5;
            (format!("'{y}-{:02}-15'", 1 + i % 12), format!("'{}-{:02}-15'", y + 5, 1 + i % 12))
        };
        let search = format!("{last} {first} {middle}").to_lowercase();
        b.push(
            c,
            format!(
                "({i}, {}, {}, {}, {}, '{birth}', {}, {}, {}, '{}', {}, '{category}', {assigned}, {expires},
                 '{start_year}-09-01', {}, '{}-09-01', {}, '{stamp}', '{stamp}')",
                muni(m),
                q(last),
                q(first),
                q(middle),
                scale.organization_of(i),
                q(position),
                q(position.trim_start_matches("учитель ")),
                if i % 9 == 4 { "vocational" } else { "higher" },
                q(if i % 2 == 0 {
                    "Томский государственный педагогический университет"
                } else {
                    "Томский государственный университет"
                }),
                i64::from(experience_years < 3),
                first_year,
                q(&search),
            ),
        )
        .await?;
    }
    b.flush(c).await?;
    out.teachers = b.total;

    // Associations, each created by an order of its authority dated a year before the first
    // academic year written; the head and the secretary appointed by the same order.
    let created_on = format!("{}-08-25", first_year);
    let mut orders = Bulk::new(
        "orders",
        "id, municipality_id, number, order_date, year, kind, title, signed_by, association_id, payload, created_at",
    );
    let mut associations = Bulk::new(
        "associations",
        "id, municipality_id, name, body_name, direction, status, created_order_id, created_at, updated_at",
    );
    let mut officers =
        Bulk::new("association_officers", "association_id, role, teacher_id, from_on, order_id, created_at");
    for a in 1..=scale.associations() {
        let m = scale.municipality_of(a);
        let k = (a - 1) % scale.associations_per_municipality;
        let (direction, of_whom, _) = pick(DIRECTIONS, k);
        let body = &body_names[idx(m - 1)];
        let name = if scale.associations_per_municipality > i64::try_from(DIRECTIONS.len()).unwrap_or(0) {
            let cluster = pick(CLUSTERS, k / i64::try_from(DIRECTIONS.len()).unwrap_or(1));
            format!("{body} {of_whom} ({cluster})")
        } else {
            format!("{body} {of_whom}")
        };
        let members: Vec<i64> = (0..scale.members).map(|j| scale.member(a, j)).collect();
        let effect = Effect::CreateAssociation {
            name: name.clone(),
            direction: direction.into(),
            description: None,
            head_teacher_id: members[0],
            member_ids: members,
        };
        let payload = serde_json::to_string(&effect).map_err(|e| StoreError::Other(e.to_string()))?;
        orders.keep(format!(
            "({a}, {}, '{}-ОД', '{created_on}', {first_year}, 'create_association', {}, 'Начальник управления образования',
              NULL, {}, '{stamp}')",
            muni(m),
            k + 1,
            q(&format!("О создании методического объединения «{name}»")),
            q(&payload),
        ));
        associations.keep(format!(
            "({a}, {}, {}, {}, {}, 'active', {a}, '{stamp}', '{stamp}')",
            muni(m),
            q(&name),
            q(body),
            q(direction)
        ));
        officers.keep(format!("({a}, 'head', {}, '{created_on}', {a}, '{stamp}')", scale.member(a, 0)));
        officers.keep(format!("({a}, 'secretary', {}, '{created_on}', {a}, '{stamp}')", scale.member(a, 1)));
    }
    orders.flush(c).await?;
    associations.flush(c).await?;
    officers.flush(c).await?;
    sqlx::query("UPDATE orders SET association_id = id").execute(&mut *c).await?;
    out.orders = orders.total;
    out.associations = associations.total;

    // Own members (some joined late, some left), and two members from the neighbouring association.
    let late = format!("{}-01-15", first_year + 1);
    let left = format!("{}-03-01", first_year + (scale.years + 1) / 2);
    let mut b = Bulk::new("association_members", "association_id, teacher_id, joined_on, left_on, created_at");
    for a in 1..=scale.associations() {
        for j in 0..scale.members {
            let joined = if j % 7 == 3 { late.as_str() } else { created_on.as_str() };
            let left = (j % 10 == 9).then_some(left.as_str());
            b.push(c, format!("({a}, {}, '{joined}', {}, '{stamp}')", scale.member(a, j), opt(left))).await?;
        }
        let neighbour = if a % scale.associations_per_municipality == 0 { a - 1 } else { a + 1 };
        if neighbour >= 1 && scale.municipality_of(neighbour) == scale.municipality_of(a) {
            for j in 2..4 {
                b.push(c, format!("({a}, {}, '{created_on}', NULL, '{stamp}')", scale.member(neighbour, j))).await?;
            }
        }
    }
    b.flush(c).await?;
    out.memberships = b.total;

    let mut meetings = Bulk::new("meetings", "id, association_id, year, held_on, status, created_at, updated_at");
    let mut attendance = Bulk::new("meeting_attendance", "meeting_id, teacher_id, status");
    let mut minutes = Bulk::new(
        "minutes",
        "meeting_id, association_id, year, number, status, signatories, members_total, present, drafted_at, signed_at",
    );
    let mut courses = Bulk::new("teacher_courses", "teacher_id, kind, title, hours, end_on, created_at");
    let mut results = Bulk::new(
        "results",
        "id, municipality_id, family, kind, result_on, year, title, subject, level, placement, format, form, score,
         outlet, url, students, student_code, student_grade, status, created_at, updated_at",
    );
    let mut result_teachers = Bulk::new("result_teachers", "result_id, teacher_id");
    let (mut meeting_id, mut result_id) = (0i64, 0i64);
    let months = ["10-15", "12-15", "02-15", "04-15", "06-15"];
    let result_days =
        ["09-20", "10-10", "11-05", "11-25", "12-10", "01-20", "02-10", "03-05", "03-25", "04-15", "05-10", "06-01"];
    let events = ["vsosh", "olympiad", "contest", "competition", "conference"];
    let levels = ["school", "municipal", "regional", "all_russian"];
    let placements = ["winner", "prize_winner", "laureate", "participant", "participant"];
    let subjects = ["russian", "mathematics_profile", "physics", "history", "social_studies", "informatics"];
    let kinds = ["competition", "presentation", "publication", "assessment_materials", "student_event_organised"];
    let forms = ["seminar", "master_class", "conference", "pedagogical_readings", "association_meeting"];
    let course_titles = [
        "Реализация требований обновлённых ФГОС",
        "Формирование функциональной грамотности обучающихся",
        "Цифровая образовательная среда: инструменты учителя",
        "Подготовка обучающихся к государственной итоговой аттестации",
        "Профессиональная переподготовка «Педагогическое образование»",
    ];
    let today_text = today.to_string();
    let on_or_before_today = |d: &str| d <= today_text.as_str();
    for a in 1..=scale.associations() {
        let m = muni(scale.municipality_of(a));
        for y in years.clone() {
            for (n, md) in months.iter().enumerate() {
                let n = i64::try_from(n).unwrap_or(0);
                let held_on = format!("{}-{md}", if n < 2 { y } else { y + 1 });
                if !on_or_before_today(&held_on) {
                    continue;
                }
                meeting_id += 1;
                meetings.keep(format!("({meeting_id}, {a}, {y}, '{held_on}', 'held', '{stamp}', '{stamp}')"));
                let mut present = 0;
                for j in 0..scale.members {
                    let here = (j + n + a) % 5 != 0;
                    present += i64::from(here);
                    let status = if here { "present" } else { "absent" };
                    attendance.keep(format!("({meeting_id}, {}, '{status}')", scale.member(a, j)));
                }
                minutes.keep(format!(
                    "({meeting_id}, {a}, {y}, {}, 'signed', '[\"head\",\"secretary\"]', {}, {present},
                      '{stamp}', '{stamp}')",
                    n + 1,
                    scale.members
                ));
            }
            for k in 0..5i64 {
                let end = format!(
                    "{}-{}",
                    if k < 2 { y } else { y + 1 },
                    ["11-30", "12-20", "03-15", "04-30", "06-20"][idx(k)]
                );
                if !on_or_before_today(&end) {
                    continue;
                }
                let kind = if k == 4 { "retraining" } else { "advanced_training" };
                let hours = if k == 4 { 250 } else { 36 + 36 * (k % 2) };
                courses.keep(format!(
                    "({}, '{kind}', {}, {hours}, '{end}', '{stamp}')",
                    scale.member(a, k * 4 + y),
                    q(course_titles[idx(k)])
                ));
            }
            for i in 0..scale.results_per_year {
                let md = pick(&result_days, i);
                let on = format!("{}-{md}", if md < "09" { y + 1 } else { y });
                let exam = i >= scale.results_per_year / 2 && i < scale.results_per_year * 3 / 4;
                let on = if exam { format!("{}-06-20", y + 1) } else { on };
                if !on_or_before_today(&on) {
                    continue;
                }
                result_id += 1;
                let status = match i % 9 {
                    7 => "pending",
                    8 if i % 2 == 0 => "rejected",
                    _ => "confirmed",
                };
                let mut teachers = vec![scale.member(a, i + y)];
                let row = if i < scale.results_per_year / 2 {
                    // a student's result, prepared by one or two teachers
                    if i % 3 == 0 {
                        teachers.push(scale.member(a, i + y + 1));
                    }
                    let event = pick(&events, i);
                    let subject = (event == "vsosh").then_some("математика");
                    let title = (event != "vsosh").then(|| {
                        pick(
                            &[
                                "Муниципальный конкурс исследовательских работ «Открытие»",
                                "Региональная олимпиада школьников",
                                "Конкурс чтецов «Живая классика»",
                                "Научно-практическая конференция «Шаг в будущее»",
                            ],
                            i,
                        )
                    });
                    format!(
                        "({result_id}, {m}, 'student', '{event}', '{on}', {y}, {}, {}, '{}', '{}', '{}', NULL, NULL,
                          NULL, NULL, NULL, 'S-{result_id}', '{}', '{status}', '{stamp}', '{stamp}')",
                        opt(title),
                        opt(subject),
                        pick(&levels, i / 5),
                        pick(&placements, i),
                        if i % 4 == 3 { "remote" } else { "in_person" },
                        5 + i % 7,
                    )
                } else if exam {
                    // an ЕГЭ score of a teacher's student
                    format!(
                        "({result_id}, {m}, 'exam', 'ege', '{on}', {y}, NULL, '{}', NULL, NULL, NULL, NULL, {},
                          NULL, NULL, NULL, NULL, NULL, '{status}', '{stamp}', '{stamp}')",
                        pick(&subjects, i),
                        20 + (i * 7 + y + a) % 80,
                    )
                } else {
                    // a teacher's own result, some with a co-author
                    if i % 4 == 0 {
                        teachers.push(scale.member(a, i + y + 3));
                    }
                    let kind = pick(&kinds, i);
                    let (level, placement, format, form, outlet, url, students) = match kind {
                        "competition" => (
                            Some(pick(&levels, i)),
                            Some(pick(&placements, i)),
                            Some("in_person"),
                            None,
                            None,
                            None,
                            None,
                        ),
                        "presentation" => {
                            (Some(pick(&levels, i)), None, Some("in_person"), Some(pick(&forms, i)), None, None, None)
                        }
                        "publication" => (
                            Some("regional"),
                            None,
                            None,
                            None,
                            Some("Вестник Томского областного института повышения квалификации"),
                            Some("https://example.org/publication"),
                            None,
                        ),
                        "student_event_organised" => {
                            (Some("municipal"), None, Some("in_person"), None, None, None, Some(30 + i))
                        }
                        _ => (Some("municipal"), None, None, None, None, None, None),
                    };
                    format!(
                        "({result_id}, {m}, 'teacher', '{kind}', '{on}', {y}, {}, NULL, {}, {}, {}, {}, NULL,
                          {}, {}, {}, NULL, NULL, '{status}', '{stamp}', '{stamp}')",
                        q(pick(
                            &[
                                "Методическая разработка урока",
                                "Педагогический опыт: проектная деятельность",
                                "Рабочая программа элективного курса",
                                "Сборник заданий для подготовки к ОГЭ",
                            ],
                            i
                        )),
                        opt(level),
                        opt(placement),
                        opt(format),
                        opt(form),
                        opt(outlet),
                        opt(url),
                        students.map_or_else(|| "NULL".to_owned(), |s| s.to_string()),
                    )
                };
                results.keep(row);
                teachers.dedup();
                for t in teachers {
                    result_teachers.keep(format!("({result_id}, {t})"));
                }
            }
        }
        // Parents before children, one association at a time.
        for b in [&mut meetings, &mut attendance, &mut minutes, &mut courses, &mut results, &mut result_teachers] {
            b.flush(c).await?;
        }
    }
    out.meetings = meetings.total;
    out.attendance = attendance.total;
    out.minutes = minutes.total;
    out.courses = courses.total;
    out.results = results.total;
    out.result_teachers = result_teachers.total;

    write_events(c, scale, &muni_ids, &mut out).await?;

    let mut b = Bulk::new("non_objective_organizations", "organization_id, year, subject, created_at");
    for m in 1..=scale.municipalities {
        for y in years.clone() {
            for (k, subject) in ["mathematics", "russian"].iter().enumerate() {
                let k = i64::try_from(k).unwrap_or(0);
                let org =
                    (m - 1) * scale.organizations_per_municipality + 1 + (y + k) % scale.organizations_per_municipality;
                b.push(c, format!("({org}, {y}, '{subject}', '{stamp}')")).await?;
            }
        }
    }
    b.flush(c).await?;
    let mut b = Bulk::new("exam_thresholds", "municipality_id, subject, minimum, high, updated_at");
    for m in &muni_ids {
        b.keep(format!("({m}, 'russian', 36, 80, '{stamp}')"));
    }
    b.flush(c).await?;

    if db.backend() == Backend::Postgres {
        // Explicit ids were written: move the identity sequences past them.
        for table in [
            "organizations",
            "teachers",
            "associations",
            "orders",
            "meetings",
            "results",
            "events",
            "event_registrations",
        ] {
            c.execute(crate::migrate::continue_ids(table).as_str()).await?;
        }
    }

    out.users = accounts(c, &actor, scale, region.id, &muni_ids).await?;
    // Rows written outside the audit trail: what a server kept computed is void (decision 0020).
    crate::memo::changed(c, None).await?;
    tx.commit().await?;
    let mut conn = db.conn().await?;
    conn.execute("ANALYZE").await?;
    Ok(out)
}

/// Events an association holds over the years written.
const EVENTS_PER_ASSOCIATION: i64 = 10;

/// The ten kinds of event each association holds over the years, one of each (form, hours,
/// titles); "student" and "final" are chosen per association.
const EVENT_SLOTS: &[(&str, i64, &[&str])] = &[
    (
        "seminar",
        4,
        &[
            "Обновлённые ФГОС: рабочая программа и тематическое планирование",
            "Формирование функциональной грамотности обучающихся",
            "Подготовка к государственной итоговой аттестации: анализ типичных ошибок",
        ],
    ),
    (
        "master_class",
        2,
        &[
            "Приёмы смыслового чтения на уроке",
            "Цифровые инструменты учителя: интерактивные задания",
            "Игровые технологии на уроке",
        ],
    ),
    (
        "open_lesson",
        1,
        &[
            "Открытый урок: технология развития критического мышления",
            "Открытый урок-исследование",
            "Открытое занятие с ресурсами ФГИС «Моя школа»",
        ],
    ),
    (
        "practical_seminar",
        4,
        &[
            "Проектная и исследовательская деятельность обучающихся",
            "Оценивание образовательных результатов: критерии и инструменты",
        ],
    ),
    (
        "round_table",
        2,
        &["Наставничество: опыт работы с молодыми педагогами", "Индивидуальный проект обучающегося: от темы до защиты"],
    ),
    ("seminar", 4, &["Обучающиеся с ОВЗ в общеобразовательном классе", "Воспитательный потенциал урока"]),
    ("master_class", 2, &["Формирующее оценивание: приёмы обратной связи", "Технология «перевёрнутый класс»"]),
    ("student", 0, &[]),
    (
        "webinar",
        2,
        &["Федеральная образовательная платформа в работе учителя", "Библиотека цифрового образовательного контента"],
    ),
    ("final", 0, &[]),
];

/// SplitMix64: a bijection of u64, for certificate codes that look random and never repeat.
fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A stored time on day `d` at `hm` ("15:00").
fn at(d: Date, hm: &str) -> String {
    format!("{d}T{hm}:00.000000Z")
}

/// Ten events per association spread over the academic years written (none after `today`): most
/// held, with about fifteen registrations each (the association's members, for a municipal or
/// public event also the neighbouring association's), the attendance marked and participants'
/// certificates issued to those present; one in five associations has an event announced in the
/// last days (its day come, the sheet not filled yet); a few cancelled; in the first year some
/// archived; one in four co-organised with the neighbouring association. Students' contests and
/// olympiads take no registrations.
async fn write_events(c: &mut AnyConnection, scale: &Scale, muni_ids: &[i64], out: &mut Generated) -> Result<()> {
    use time::{Duration, Month, Weekday};
    let today = scale.today;
    let first_year = *scale.academic_years().start();
    let start = Date::from_calendar_date(i32::try_from(first_year).unwrap_or(2000), Month::September, 1)
        .map_err(|e| StoreError::Other(e.to_string()))?;
    let span = (today - start).whole_days().max(EVENTS_PER_ASSOCIATION);
    let slot = span / EVENTS_PER_ASSOCIATION;
    let second_year = start + Duration::days(365);
    let mut events = Bulk::new(
        "events",
        "id, municipality_id, association_id, title, form, audience, level, format, reach, starts_on, starts_at,
         ends_on, venue_organization_id, place_note, online_url, hours, description, registration_open, cap,
         registration_deadline, status, outcome, cancel_reason, created_at, updated_at, announced_at, held_at,
         cancelled_at",
    );
    let mut registrations = Bulk::new(
        "event_registrations",
        "id, event_id, teacher_id, guest_name, guest_organization, status, walk_in, attended, created_at, updated_at",
    );
    let mut certificates =
        Bulk::new("event_certificates", "event_id, registration_id, kind, seq, number, code, issued_at");
    let mut coorganisers = Bulk::new("event_coorganisers", "event_id, association_id, created_at");
    let (mut event_id, mut registration_id) = (0i64, 0i64);
    for a in 1..=scale.associations() {
        let m = scale.municipality_of(a);
        let k_in_muni = (a - 1) % scale.associations_per_municipality;
        let (direction, of_whom, _) = pick(DIRECTIONS, k_in_muni);
        let neighbour = if a % scale.associations_per_municipality == 0 { a - 1 } else { a + 1 };
        let neighbour = (neighbour >= 1 && scale.municipality_of(neighbour) == m).then_some(neighbour);
        for k in 0..EVENTS_PER_ASSOCIATION {
            event_id += 1;
            let announced = k == EVENTS_PER_ASSOCIATION - 1 && a % 5 == 0;
            let on = if announced {
                today - Duration::days((a / 5) % 4)
            } else {
                let d = start + Duration::days(k * slot + (a * 37 + k * 11) % slot);
                // Not in the summer holidays, not at the weekend.
                let d = match d.month() {
                    Month::July => d - Duration::days(40),
                    Month::August if d + Duration::days(31) < today => d + Duration::days(31),
                    Month::August => d - Duration::days(70),
                    _ => d,
                };
                let d = match d.weekday() {
                    Weekday::Saturday => d - Duration::days(1),
                    Weekday::Sunday => d - Duration::days(2),
                    _ => d,
                };
                // A span shorter than ten days (the year just begun) crowds them up to yesterday.
                d.min(today - Duration::days(1))
            };
            let (form, hours, titles) = pick(EVENT_SLOTS, k + a);
            let (form, hours, title) = match form {
                "student" if a % 2 == 0 => {
                    ("student_olympiad", 0, format!("Муниципальная олимпиада школьников ({direction})"))
                }
                "student" => ("student_contest", 0, "Конкурс исследовательских работ «Первые шаги в науке»".to_owned()),
                "final" => match a % 3 {
                    0 => (
                        "conference",
                        6,
                        "Научно-практическая конференция «Современный урок: опыт, проблемы, перспективы»".to_owned(),
                    ),
                    1 => (
                        "pedagogical_readings",
                        4,
                        "Педагогические чтения «Традиции и новации в образовании»".to_owned(),
                    ),
                    _ => ("professional_contest", 3, "Конкурс методических разработок «Мой лучший урок»".to_owned()),
                },
                _ => (form, hours, format!("{} ({direction})", pick(titles, a / 7 + k))),
            };
            let students = form.starts_with("student");
            let reach = match (a * 3 + k) % 10 {
                _ if students => "municipality",
                0 | 1 => "members",
                2 => "public",
                _ => "municipality",
            };
            let format = match form {
                "webinar" => "remote",
                "conference" => "mixed",
                _ => "in_person",
            };
            let venue = (format != "remote").then(|| {
                (m - 1) * scale.organizations_per_municipality + 1 + (a + k) % scale.organizations_per_municipality
            });
            let url = (format != "in_person").then(|| format!("https://example.org/events/{event_id}"));
            let place_note =
                venue.map(|_| if k % 3 == 0 { "Актовый зал" } else { "Кабинет информатики" });
            let open = reach != "members" && !students;
            let cap = (form == "master_class").then_some(15i64);
            let deadline = open.then(|| on - Duration::days(2));
            let cancelled = !announced && (a * 7 + k * 3) % 29 == 5;
            let status = if announced {
                "announced"
            } else if cancelled {
                "cancelled"
            } else if on < second_year && a % 3 == 0 {
                "archived"
            } else {
                "held"
            };
            let created = at(on - Duration::days(30), "10:00");
            let announced_at = at(on - Duration::days(20), "10:00");
            let finished = at(on, "18:00");
            let cancelled_at = at(on - Duration::days(3), "12:00");
            let (held_at, cancelled_at, updated) = match status {
                "announced" => (None, None, &announced_at),
                "cancelled" => (None, Some(&cancelled_at), &cancelled_at),
                _ => (Some(&finished), None, &finished),
            };
            // One event in four is co-organised with the neighbouring association.
            if let Some(nb) = neighbour.filter(|_| k % 4 == 1) {
                coorganisers.keep(format!("({event_id}, {nb}, '{created}')"));
            }
            // Who registered: the members (in turn), then the neighbour's, and a guest at a public
            // event; the first `cap` hold places, the rest wait.
            let mut people: Vec<Option<i64>> = vec![];
            if !students && !cancelled {
                let wanted = 12 + (a + k) % 7;
                let own = wanted.min(scale.members);
                people.extend((0..own).map(|i| Some(scale.member(a, k + i))));
                if let Some(nb) = neighbour.filter(|_| reach != "members") {
                    people.extend((0..(wanted - own).min(scale.members)).map(|i| Some(scale.member(nb, k + i))));
                }
                if reach == "public" {
                    people.push(None);
                }
            }
            let mut present = 0i64;
            let mut seq = 0i64;
            for (i, teacher) in people.iter().enumerate() {
                let i = i64::try_from(i).unwrap_or(0);
                registration_id += 1;
                let placed = cap.is_none_or(|cap| i < cap);
                let attended = match status {
                    _ if !placed => "NULL",
                    "announced" => "NULL",
                    _ if (i + a + k) % 7 == 3 => "0",
                    _ => "1",
                };
                let (guest, guest_org) = match teacher {
                    Some(_) => (None, None),
                    None => (Some("Иванова Анна Петровна"), Some("МАОУ «Гимназия № 6» г. Томска")),
                };
                registrations.keep(format!(
                    "({registration_id}, {event_id}, {}, {}, {}, '{}', 0, {attended}, '{}', '{}')",
                    teacher.map_or_else(|| "NULL".to_owned(), |t| t.to_string()),
                    opt(guest),
                    opt(guest_org),
                    if placed { "registered" } else { "waitlisted" },
                    at(on - Duration::days(10 - i % 7), "09:00"),
                    if status == "announced" { at(on - Duration::days(10 - i % 7), "09:00") } else { finished.clone() },
                ));
                if attended == "1" {
                    present += 1;
                    seq += 1;
                    let code = format!(
                        "{:016x}{:016x}",
                        splitmix(registration_id.unsigned_abs()),
                        splitmix(registration_id.unsigned_abs() ^ 0x5a5a_5a5a)
                    );
                    certificates.keep(format!(
                        "({event_id}, {registration_id}, 'participant', {seq}, '{}', '{code}', '{finished}')",
                        metoda_domain::events::certificate_number(event_id, seq)
                    ));
                }
            }
            let outcome = matches!(status, "held" | "archived").then(|| {
                if students {
                    format!("Проведено. Участвовали обучающиеся {} образовательных организаций.", 3 + a % 5)
                } else {
                    format!("Проведено. Присутствовали {present} чел.; материалы размещены на странице объединения.")
                }
            });
            events.keep(format!(
                "({event_id}, {}, {a}, {}, '{form}', '{}', 'municipal', '{format}', '{reach}', '{on}', '{}', '{on}',
                  {}, {}, {}, {hours}, {}, {}, {}, {}, '{status}', {}, {}, '{created}', '{updated}', '{announced_at}',
                  {}, {})",
                muni_ids[idx(m - 1)],
                q(&title),
                if students { "students" } else { "teachers" },
                if k % 2 == 0 { "15:00" } else { "14:30" },
                venue.map_or_else(|| "NULL".to_owned(), |v| v.to_string()),
                opt(place_note),
                opt(url.as_deref()),
                q(&if students {
                    format!("Для обучающихся 5–11 классов; организатор — объединение {of_whom}.")
                } else {
                    format!("Для {of_whom} муниципалитета; направление — {direction}.")
                }),
                i64::from(open),
                cap.map_or_else(|| "NULL".to_owned(), |c| c.to_string()),
                deadline.map_or_else(|| "NULL".to_owned(), |d| format!("'{d}'")),
                opt(outcome.as_deref()),
                opt(cancelled.then(|| pick(
                    &[
                        "Карантин по ОРВИ в образовательных организациях",
                        "Болезнь ведущего; мероприятие будет перенесено",
                        "Совпадение с муниципальным этапом всероссийской олимпиады школьников",
                    ],
                    a + k
                ))),
                opt(held_at.map(String::as_str)),
                opt(cancelled_at.map(String::as_str)),
            ));
        }
    }
    events.flush(c).await?;
    registrations.flush(c).await?;
    certificates.flush(c).await?;
    coorganisers.flush(c).await?;
    out.events = events.total;
    out.event_registrations = registrations.total;
    out.event_certificates = certificates.total;
    Ok(())
}

/// A user for every role, with the demo password: `admin`, `operator` (the region), per
/// municipality k `uo{k}.head` and `uo{k}.specialist`; in the first municipality `cabinet.head`,
/// `org.admin` (its first organization), and the first association's `mmo.head`, `mmo.secretary`
/// and a member `teacher` (the association's sixth member, who has results in every year), each
/// linked to their teacher record.
async fn accounts(
    c: &mut AnyConnection,
    actor: &Actor,
    scale: &Scale,
    region_id: RegionId,
    muni_ids: &[i64],
) -> Result<Vec<(String, Role)>> {
    let first_muni = MunicipalityId(muni_ids[0]);
    let name =
        |t: i64| format!("(SELECT last_name || ' ' || first_name || ' ' || middle_name FROM teachers WHERE id = {t})");
    let mut wanted: Vec<(String, Role, Option<i64>, Option<i64>)> = vec![
        ("admin".into(), Role::Administrator, None, None),
        ("operator".into(), Role::RegionOperator, Some(region_id.get()), None),
    ];
    for (k, m) in muni_ids.iter().enumerate() {
        wanted.push((format!("uo{}.head", k + 1), Role::AuthorityHead, Some(*m), None));
        wanted.push((format!("uo{}.specialist", k + 1), Role::AuthoritySpecialist, Some(*m), None));
    }
    wanted.push(("cabinet.head".into(), Role::CabinetHead, Some(first_muni.get()), None));
    wanted.push(("org.admin".into(), Role::OrgAdmin, Some(OrganizationId(1).get()), None));
    wanted.push(("mmo.head".into(), Role::AssociationHead, Some(AssociationId(1).get()), Some(scale.member(1, 0))));
    wanted.push(("mmo.secretary".into(), Role::Secretary, Some(AssociationId(1).get()), Some(scale.member(1, 1))));
    wanted.push(("teacher".into(), Role::MemberTeacher, Some(AssociationId(1).get()), Some(scale.member(1, 5))));
    let people = [
        "Соколова Марина Викторовна",
        "Максимова Ольга Александровна",
        "Козлова Ирина Николаевна",
        "Белова Наталья Сергеевна",
        "Григорьев Павел Олегович",
        "Егорова Светлана Андреевна",
        "Захаров Виктор Павлович",
    ];
    let mut made = vec![];
    for (n, (login, role, scope_id, teacher)) in wanted.into_iter().enumerate() {
        let full_name = match teacher {
            Some(t) => {
                let row: (String,) = sqlx::query_as(&format!("SELECT {}", name(t))).fetch_one(&mut *c).await?;
                row.0
            }
            None if role == Role::Administrator => "Администратор системы".to_owned(),
            None => pick(&people, i64::try_from(n).unwrap_or(0)).to_owned(),
        };
        let d = UserInput { login: login.clone(), full_name, email: String::new(), password: DEMO_PASSWORD.into() }
            .parse(true)
            .map_err(StoreError::Invalid)?;
        let ids = users::resolve_scope(c, role.scope_kind(), scope_id).await?;
        let (home_region, home_muni) = match role.scope_kind() {
            ScopeKind::System => (None, None),
            ScopeKind::Region => (Some(region_id), None),
            _ => (Some(region_id), ids.1.or(Some(first_muni))),
        };
        let user = users::create(c, actor, home_region, home_muni, &d).await?;
        if let Some(t) = teacher {
            sqlx::query("UPDATE teachers SET user_id = $1 WHERE id = $2")
                .bind(user.id.get())
                .bind(TeacherId(t).get())
                .execute(&mut *c)
                .await?;
        }
        users::add_grant(c, actor, user.id, role, ids).await?;
        made.push((login, role));
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::testkit::TestDb;
    use time::macros::date;

    /// Events at a small scale: ten per association, nothing after `today`, the certificates those
    /// present hold, numbered and coded as the store numbers them; event 1 is association 1's,
    /// held, for the municipality.
    #[tokio::test]
    async fn events_of_a_small_region() {
        for today in [date!(2026 - 11 - 20), date!(2026 - 09 - 03)] {
            let t = TestDb::new().await.unwrap();
            let scale =
                Scale { years: if today.month() == time::Month::September { 1 } else { 2 }, ..Scale::small(today) };
            let started = std::time::Instant::now();
            let g = generate(&t.db, &scale).await.unwrap();
            let elapsed = started.elapsed();
            assert_eq!(g.events, 200, "{today}");
            assert!(g.event_registrations > 2_000 && g.event_certificates > 1_500, "{g:?}");
            let mut c = t.db.conn().await.unwrap();
            let day = today.to_string();
            let (after,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM events WHERE ends_on > $1 OR starts_on > $1 OR SUBSTR(held_at, 1, 10) > $1",
            )
            .bind(&day)
            .fetch_one(&mut *c)
            .await
            .unwrap();
            assert_eq!(after, 0, "{today}");
            let statuses: Vec<(String, i64)> =
                sqlx::query_as("SELECT status, COUNT(*) FROM events GROUP BY status ORDER BY status")
                    .fetch_all(&mut *c)
                    .await
                    .unwrap();
            let names: Vec<&str> = statuses.iter().map(|(s, _)| s.as_str()).collect();
            assert!(
                names.contains(&"held") && names.contains(&"announced") && names.contains(&"cancelled"),
                "{statuses:?}"
            );
            let (present, certs, codes): (i64, i64, i64) = sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM event_registrations WHERE status = 'registered' AND attended = 1),
                        (SELECT COUNT(*) FROM event_certificates),
                        (SELECT COUNT(DISTINCT code) FROM event_certificates WHERE LENGTH(code) = 32)",
            )
            .fetch_one(&mut *c)
            .await
            .unwrap();
            assert_eq!((present, codes), (certs, certs));
            let first: (i64, String, String, String) =
                sqlx::query_as("SELECT association_id, status, reach, form FROM events WHERE id = 1")
                    .fetch_one(&mut *c)
                    .await
                    .unwrap();
            assert_eq!((first.0, first.1.as_str(), first.2.as_str()), (1, "held", "municipality"), "{first:?}");
            let number: String =
                sqlx::query_scalar("SELECT number FROM event_certificates WHERE event_id = 1 AND seq = 1")
                    .fetch_one(&mut *c)
                    .await
                    .unwrap();
            assert_eq!(number, "М-000001-0001");
            let e = crate::events::get(&mut c, metoda_domain::ids::EventId(1)).await.unwrap();
            assert!(e.registered >= 12, "{e:?}");
            assert_eq!(
                crate::events::certificates(&mut c, e.id).await.unwrap().len(),
                usize::try_from(e.registered).unwrap()
                    - crate::events::registrations(&mut c, e.id)
                        .await
                        .unwrap()
                        .iter()
                        .filter(|r| r.attended == Some(0))
                        .count()
            );
            println!("{today}: {} in {elapsed:?}", g.summary_ru());
            drop(c);
            t.drop_db().await;
        }
    }
}
