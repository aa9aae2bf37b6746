//! The teacher data bank: records, the bank's filters and paging, and the composition counts.

use metoda_domain::access::TeacherScope;
use metoda_domain::ids::{AssociationId, MunicipalityId, OrganizationId, RegionId, TeacherId, UserId};
use metoda_domain::teachers::{AGE_BANDS, Category, EXPERIENCE_BANDS, Education, TeacherData, add_months};
use metoda_domain::values::{iso_date, iso_serde};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use time::Date;

use crate::audit::{self, Scope};
use crate::column::OptId;
use crate::column::{Flag, OptText, Text};
use crate::query::{Arg, Where, bind_all, like_pattern};
use crate::{Actor, Result, StoreError, now};

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Teacher {
    #[sqlx(try_from = "i64")]
    pub id: TeacherId,
    #[sqlx(try_from = "i64")]
    pub municipality_id: MunicipalityId,
    #[sqlx(try_from = "i64")]
    pub region_id: RegionId,
    pub last_name: String,
    pub first_name: String,
    pub middle_name: Option<String>,
    #[sqlx(try_from = "Text")]
    #[serde(with = "iso_serde")]
    pub birth_date: Date,
    #[sqlx(try_from = "i64")]
    pub organization_id: OrganizationId,
    pub organization_name: String,
    pub position: String,
    pub subjects: Option<String>,
    #[sqlx(try_from = "Text")]
    pub education: Education,
    pub edu_institution: Option<String>,
    pub edu_specialty: Option<String>,
    pub edu_year: Option<i64>,
    #[sqlx(try_from = "Text")]
    pub category: Category,
    #[sqlx(try_from = "OptText")]
    #[serde(with = "iso_serde::option")]
    pub category_assigned_on: Option<Date>,
    #[sqlx(try_from = "OptText")]
    #[serde(with = "iso_serde::option")]
    pub category_expires_on: Option<Date>,
    #[sqlx(try_from = "OptText")]
    #[serde(with = "iso_serde::option")]
    pub experience_start: Option<Date>,
    #[sqlx(try_from = "Flag")]
    pub young_specialist: bool,
    pub phone: Option<String>,
    pub email: Option<String>,
    #[sqlx(try_from = "OptText")]
    #[serde(with = "iso_serde::option")]
    pub consent_on: Option<Date>,
    #[sqlx(try_from = "OptId")]
    pub user_id: Option<UserId>,
    pub created_at: String,
    pub updated_at: String,
    pub archived_at: Option<String>,
    /// Raised by every save: an edit based on an older version is refused.
    pub version: i64,
}

impl Teacher {
    pub fn full_name(&self) -> String {
        match &self.middle_name {
            Some(m) => format!("{} {} {}", self.last_name, self.first_name, m),
            None => format!("{} {}", self.last_name, self.first_name),
        }
    }
    pub fn scope(&self) -> Scope {
        Scope { region_id: Some(self.region_id), municipality_id: Some(self.municipality_id) }
    }
}

const SELECT: &str =
    "SELECT t.id, t.municipality_id, m.region_id, t.last_name, t.first_name, t.middle_name, t.birth_date,
        t.organization_id, o.short_name AS organization_name, t.position, t.subjects, t.education, t.edu_institution,
        t.edu_specialty, t.edu_year, t.category, t.category_assigned_on, t.category_expires_on, t.experience_start,
        t.young_specialist, t.phone, t.email, t.consent_on, t.user_id, t.created_at, t.updated_at, t.archived_at,
        t.version
    FROM teachers t JOIN municipalities m ON m.id = t.municipality_id JOIN organizations o ON o.id = t.organization_id";

/// A `LIKE … ESCAPE '\\'` pattern matching names that contain `text` (lower-cased as
/// `search_text` is; `%`, `_` and `\\` taken literally).
fn search_text(d: &TeacherData) -> String {
    format!("{} {} {}", d.last_name, d.first_name, d.middle_name.as_deref().unwrap_or("")).to_lowercase()
}

pub async fn get(conn: &mut AnyConnection, id: TeacherId) -> Result<Teacher> {
    sqlx::query_as(&format!("{SELECT} WHERE t.id = $1"))
        .bind(id.get())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Every membership of a teacher, past and current: (association, joined on, left on), oldest first.
pub async fn membership_periods(
    conn: &mut AnyConnection,
    teacher_id: TeacherId,
) -> Result<Vec<(i64, String, Option<String>)>> {
    Ok(sqlx::query_as(
        "SELECT association_id, joined_on, left_on FROM association_members WHERE teacher_id = $1 ORDER BY joined_on, id",
    )
    .bind(teacher_id.get())
    .fetch_all(&mut *conn)
    .await?)
}

/// The associations a teacher is a current member of.
pub async fn memberships(conn: &mut AnyConnection, teacher_id: TeacherId) -> Result<Vec<AssociationId>> {
    Ok(metoda_domain::ids::typed(
        sqlx::query_scalar("SELECT association_id FROM association_members WHERE teacher_id = $1 AND left_on IS NULL")
            .bind(teacher_id.get())
            .fetch_all(&mut *conn)
            .await?,
    ))
}

/// The associations a teacher was a member of on `on` (an ISO date); with None, every association
/// the teacher is or ever was a member of.
pub async fn associations_on(
    conn: &mut AnyConnection,
    teacher_id: TeacherId,
    on: Option<&str>,
) -> Result<Vec<AssociationId>> {
    Ok(metoda_domain::ids::typed(
        sqlx::query_scalar(
            "SELECT DISTINCT association_id FROM association_members WHERE teacher_id = $1
               AND ($2 IS NULL OR (joined_on <= $2 AND (left_on IS NULL OR left_on > $2)))",
        )
        .bind(teacher_id.get())
        .bind(on)
        .fetch_all(&mut *conn)
        .await?,
    ))
}

/// The teacher with the same identity (name + birth date + organization), if any: what an import matches on.
pub async fn find_identity(conn: &mut AnyConnection, d: &TeacherData) -> Result<Option<TeacherId>> {
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM teachers WHERE last_name = $1 AND first_name = $2 AND COALESCE(middle_name, '') = $3
           AND birth_date = $4 AND organization_id = $5 ORDER BY id LIMIT 1",
    )
    .bind(&d.last_name)
    .bind(&d.first_name)
    .bind(d.middle_name.as_deref().unwrap_or(""))
    .bind(iso_date(d.birth_date))
    .bind(d.organization_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(id.map(TeacherId))
}

fn opt_date(d: Option<Date>) -> Option<String> {
    d.map(iso_date)
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds a record's fields as `$1`…`$20` in the order create and update both name them:
/// last_name … consent_on, then the search text.
fn bind_fields<'q>(q: Query<'q>, d: &'q TeacherData) -> Query<'q> {
    q.bind(&d.last_name)
        .bind(&d.first_name)
        .bind(&d.middle_name)
        .bind(iso_date(d.birth_date))
        .bind(d.organization_id)
        .bind(&d.position)
        .bind(&d.subjects)
        .bind(d.education.code())
        .bind(&d.edu_institution)
        .bind(&d.edu_specialty)
        .bind(d.edu_year.map(i64::from))
        .bind(d.category.code())
        .bind(opt_date(d.category_assigned_on))
        .bind(opt_date(d.category_expires_on))
        .bind(opt_date(d.experience_start))
        .bind(i64::from(d.young_specialist))
        .bind(&d.phone)
        .bind(&d.email)
        .bind(opt_date(d.consent_on))
        .bind(search_text(d))
}

/// The rule the index `teachers_identity_uq` holds.
const DUPLICATE: &str = "Педагог с такими ФИО и датой рождения в этой организации уже есть в банке данных";

/// Adds a teacher to the bank of a municipality. The organization must belong to it.
pub async fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    municipality_id: MunicipalityId,
    d: &TeacherData,
) -> Result<Teacher> {
    check_organization(conn, municipality_id, OrganizationId(d.organization_id)).await?;
    if find_identity(conn, d).await?.is_some() {
        return Err(StoreError::Conflict(DUPLICATE.into()));
    }
    let t = now();
    let row = bind_fields(
        sqlx::query(
            "INSERT INTO teachers (last_name, first_name, middle_name, birth_date, organization_id, position, subjects,
                education, edu_institution, edu_specialty, edu_year, category, category_assigned_on, category_expires_on,
                experience_start, young_specialist, phone, email, consent_on, search_text, municipality_id, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22)
             RETURNING id",
        ),
        d,
    )
    .bind(municipality_id.get())
    .bind(&t)
    .fetch_one(&mut *conn)
    .await
    .map_err(crate::unique(DUPLICATE))?;
    let id: i64 = sqlx::Row::try_get(&row, 0)?;
    let teacher = get(conn, TeacherId(id)).await?;
    let summary = format!("Педагог {} добавлен в банк данных", teacher.full_name());
    audit::record_change(conn, actor, teacher.scope(), "teacher", id, "create", &summary, None, &teacher).await?;
    Ok(teacher)
}

async fn check_organization(
    conn: &mut AnyConnection,
    municipality_id: MunicipalityId,
    organization_id: OrganizationId,
) -> Result<()> {
    let ok: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM organizations WHERE id = $1 AND municipality_id = $2 AND archived_at IS NULL",
    )
    .bind(organization_id.get())
    .bind(municipality_id.get())
    .fetch_optional(&mut *conn)
    .await?;
    ok.map(|_| ()).ok_or_else(|| {
        StoreError::invalid("organization_id", "Организация: выберите действующую организацию этого муниципалитета")
    })
}

/// Saves a teacher record; `version`: the version the edit was based on (a stale one is refused).
pub async fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: TeacherId,
    d: &TeacherData,
    version: Option<i64>,
) -> Result<Teacher> {
    crate::bump_version(conn, "teachers", id.get(), version).await?;
    let old = get(conn, id).await?;
    check_organization(conn, old.municipality_id, OrganizationId(d.organization_id)).await?;
    if find_identity(conn, d).await?.is_some_and(|other| other != id) {
        return Err(StoreError::Conflict(DUPLICATE.into()));
    }
    bind_fields(
        sqlx::query(
            "UPDATE teachers SET last_name = $1, first_name = $2, middle_name = $3, birth_date = $4, organization_id = $5,
                position = $6, subjects = $7, education = $8, edu_institution = $9, edu_specialty = $10, edu_year = $11,
                category = $12, category_assigned_on = $13, category_expires_on = $14, experience_start = $15,
                young_specialist = $16, phone = $17, email = $18, consent_on = $19, search_text = $20, updated_at = $21
             WHERE id = $22",
        ),
        d,
    )
    .bind(now())
    .bind(id.get())
    .execute(&mut *conn)
    .await
    .map_err(crate::unique(DUPLICATE))?;
    let t = get(conn, id).await?;
    let summary = format!("Изменена запись педагога {}", t.full_name());
    audit::record_change(conn, actor, t.scope(), "teacher", id.get(), "update", &summary, Some(&old), &t).await?;
    Ok(t)
}

/// Archives (a teacher who left the municipality) or restores a record. Nothing is deleted.
pub async fn set_archived(conn: &mut AnyConnection, actor: &Actor, id: TeacherId, archived: bool) -> Result<Teacher> {
    crate::bump_version(conn, "teachers", id.get(), None).await?;
    let old = get(conn, id).await?;
    sqlx::query("UPDATE teachers SET archived_at = $1, updated_at = $2 WHERE id = $3")
        .bind(archived.then(now))
        .bind(now())
        .bind(id.get())
        .execute(&mut *conn)
        .await
        .map_err(crate::unique(DUPLICATE))?;
    let t = get(conn, id).await?;
    let (action, verb) = if archived {
        ("archive", "перенесена в архив")
    } else {
        ("restore", "восстановлена")
    };
    let summary = format!("Запись педагога {} {verb}", t.full_name());
    audit::record_change(conn, actor, t.scope(), "teacher", id.get(), action, &summary, Some(&old), &t).await?;
    Ok(t)
}

/// How the bank is sorted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Name,
    Organization,
    Category,
    Experience,
    Age,
}

impl Sort {
    pub fn parse(s: &str) -> Sort {
        match s {
            "organization" => Sort::Organization,
            "category" => Sort::Category,
            "experience" => Sort::Experience,
            "age" => Sort::Age,
            _ => Sort::Name,
        }
    }
    fn sql(self) -> &'static str {
        match self {
            Sort::Name => "t.last_name, t.first_name, t.id",
            Sort::Organization => "o.short_name, t.last_name, t.first_name, t.id",
            Sort::Category => {
                "CASE t.category WHEN 'highest' THEN 0 WHEN 'first' THEN 1 WHEN 'conformity' THEN 2 ELSE 3 END, t.last_name, t.id"
            }
            // Longest experience first: the earliest start; no start date last.
            Sort::Experience => {
                "CASE WHEN t.experience_start IS NULL THEN 1 ELSE 0 END, t.experience_start, t.last_name, t.id"
            }
            Sort::Age => "t.birth_date, t.last_name, t.id",
        }
    }
}

/// The bank's filters. `scope` comes from the reader's grants, the rest from the page.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub scope: TeacherScope,
    pub municipality_id: Option<MunicipalityId>,
    pub organization_id: Option<OrganizationId>,
    pub association_id: Option<AssociationId>,
    pub category: Option<Category>,
    pub education: Option<Education>,
    /// An index into EXPERIENCE_BANDS.
    pub experience_band: Option<usize>,
    /// An index into AGE_BANDS.
    pub age_band: Option<usize>,
    /// Categories expired or expiring within this many months.
    pub expiring: Option<u8>,
    pub young: bool,
    pub text: Option<String>,
    pub include_archived: bool,
    pub sort: Sort,
    pub page: i64,
    pub per_page: i64,
}

/// The dates `years` years before `today` (for band filters over stored dates).
fn years_before(today: Date, years: i32) -> String {
    let y = today.year() - years;
    let d = Date::from_calendar_date(y, today.month(), today.day().min(today.month().length(y))).unwrap_or(Date::MIN);
    iso_date(d)
}

fn where_of(f: &Filter, today: Date) -> Where {
    let mut w = Where { sql: vec![], args: vec![] };
    // Scope first: what the reader may list at all.
    if !f.scope.all {
        let mut any = vec![];
        if !f.scope.municipalities.is_empty() {
            any.push(w.ids("t.municipality_id", &f.scope.municipalities));
        }
        if !f.scope.organizations.is_empty() {
            any.push(w.ids("t.organization_id", &f.scope.organizations));
        }
        if !f.scope.associations.is_empty() {
            let inner = w.ids("am.association_id", &f.scope.associations);
            any.push(format!(
                "t.id IN (SELECT am.teacher_id FROM association_members am WHERE am.left_on IS NULL AND {inner})"
            ));
        }
        if any.is_empty() {
            any.push("1 = 0".into());
        }
        w.sql.push(format!("({})", any.join(" OR ")));
    }
    if let Some(m) = f.municipality_id {
        w.push("t.municipality_id = ?", Arg::I(m.get()));
    }
    if let Some(o) = f.organization_id {
        w.push("t.organization_id = ?", Arg::I(o.get()));
    }
    if let Some(a) = f.association_id {
        w.push(
            // Driven from the association's members (an EXISTS made SQLite scan the whole bank).
            "t.id IN (SELECT am2.teacher_id FROM association_members am2 WHERE am2.left_on IS NULL AND am2.association_id = ?)",
            Arg::I(a.get()),
        );
    }
    if let Some(c) = f.category {
        w.push("t.category = ?", Arg::S(c.code().into()));
    }
    if let Some(e) = f.education {
        w.push("t.education = ?", Arg::S(e.code().into()));
    }
    if let Some((from, to, _)) = f.experience_band.and_then(|i| EXPERIENCE_BANDS.get(i)) {
        // experience in [from, to) years  <=>  start in (today - to, today - from]
        w.push("t.experience_start IS NOT NULL AND t.experience_start <= ?", Arg::S(years_before(today, *from)));
        w.push("t.experience_start > ?", Arg::S(years_before(today, *to)));
    }
    if let Some((from, to, _)) = f.age_band.and_then(|i| AGE_BANDS.get(i)) {
        w.push("t.birth_date <= ?", Arg::S(years_before(today, *from)));
        w.push("t.birth_date > ?", Arg::S(years_before(today, *to)));
    }
    if let Some(months) = f.expiring {
        w.push(
            "t.category <> 'none' AND t.category_expires_on IS NOT NULL AND t.category_expires_on <= ?",
            Arg::S(iso_date(add_months(today, months))),
        );
    }
    if f.young {
        w.push("t.young_specialist = ?", Arg::I(1));
    }
    if let Some(t) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        w.push("t.search_text LIKE ? ESCAPE '\\'", Arg::S(like_pattern(&t.to_lowercase())));
    }
    if !f.include_archived {
        w.sql.push("t.archived_at IS NULL".into());
    }
    if w.sql.is_empty() {
        w.sql.push("1 = 1".into());
    }
    w
}

/// One page of the bank and the number of teachers matching.
pub async fn list(conn: &mut AnyConnection, f: &Filter, today: Date) -> Result<(Vec<Teacher>, i64)> {
    let w = where_of(f, today);
    let cond = w.sql.join(" AND ");
    let count_sql =
        format!("SELECT COUNT(*) FROM teachers t JOIN organizations o ON o.id = t.organization_id WHERE {cond}");
    let total: i64 = bind_all!(sqlx::query_scalar(&count_sql), &w.args).fetch_one(&mut *conn).await?;
    let per_page = f.per_page.clamp(1, 1000);
    // A page far past the end is simply empty, not an overflow.
    let offset = (f.page.max(1) - 1).saturating_mul(per_page);
    let sql = format!("{SELECT} WHERE {cond} ORDER BY {} LIMIT {per_page} OFFSET {offset}", f.sort.sql());
    let rows = bind_all!(sqlx::query_as::<_, Teacher>(&sql), &w.args).fetch_all(&mut *conn).await?;
    Ok((rows, total))
}

/// The composition of a set of teachers: counts by education, category, experience and age band.
#[derive(Debug, Clone, Default)]
pub struct Composition {
    pub total: i64,
    /// (label, count) in the order of the domain's lists.
    pub education: Vec<(String, i64)>,
    pub category: Vec<(String, i64)>,
    pub experience: Vec<(String, i64)>,
    pub age: Vec<(String, i64)>,
    pub expiring: i64,
    pub young: i64,
}

/// Counts over the whole filtered set (not just the page), in one query.
pub async fn composition(conn: &mut AnyConnection, f: &Filter, today: Date) -> Result<Composition> {
    let mut w = where_of(f, today);
    let mut cols = vec!["COUNT(*)".to_owned()];
    let mut sum = |cond: String, w: &mut Where, args: Vec<Arg>| {
        for a in args {
            w.args.push(a);
        }
        cols.push(format!("SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)"));
    };
    // Each CASE takes its own arguments, numbered after the WHERE's.
    let next = |w: &Where, k: usize| w.args.len() + k;
    for e in Education::ALL {
        let n = next(&w, 1);
        sum(format!("t.education = ${n}"), &mut w, vec![Arg::S(e.code().into())]);
    }
    for c in Category::ALL {
        let n = next(&w, 1);
        sum(format!("t.category = ${n}"), &mut w, vec![Arg::S(c.code().into())]);
    }
    for (from, to, _) in EXPERIENCE_BANDS {
        let (a, b) = (next(&w, 1), next(&w, 2));
        sum(
            format!("t.experience_start IS NOT NULL AND t.experience_start <= ${a} AND t.experience_start > ${b}"),
            &mut w,
            vec![Arg::S(years_before(today, *from)), Arg::S(years_before(today, *to))],
        );
    }
    for (from, to, _) in AGE_BANDS {
        let (a, b) = (next(&w, 1), next(&w, 2));
        sum(
            format!("t.birth_date <= ${a} AND t.birth_date > ${b}"),
            &mut w,
            vec![Arg::S(years_before(today, *from)), Arg::S(years_before(today, *to))],
        );
    }
    let n = next(&w, 1);
    sum(
        format!("t.category <> 'none' AND t.category_expires_on IS NOT NULL AND t.category_expires_on <= ${n}"),
        &mut w,
        vec![Arg::S(iso_date(add_months(today, 6)))],
    );
    sum("t.young_specialist = 1".into(), &mut w, vec![]);
    let cond = w.sql.join(" AND ");
    let sql = format!(
        "SELECT {} FROM teachers t JOIN organizations o ON o.id = t.organization_id WHERE {cond}",
        cols.iter().map(|c| format!("CAST(COALESCE({c}, 0) AS BIGINT)")).collect::<Vec<_>>().join(", ")
    );
    // The CASE arguments were pushed after the WHERE's, and the WHERE's placeholders come first.
    let row = bind_all!(sqlx::query(&sql), &w.args).fetch_one(&mut *conn).await?;
    use sqlx::Row;
    let v = |i: usize| row.try_get::<i64, _>(i);
    let mut i = 1;
    let mut take = |labels: Vec<String>| -> Result<Vec<(String, i64)>> {
        labels
            .into_iter()
            .map(|l| {
                let r = (l, v(i)?);
                i += 1;
                Ok(r)
            })
            .collect()
    };
    let education = take(Education::ALL.iter().map(|e| e.label_ru().to_owned()).collect())?;
    let category = take(Category::ALL.iter().map(|c| c.label_ru().to_owned()).collect())?;
    let experience = take(EXPERIENCE_BANDS.iter().map(|b| b.2.to_owned()).collect())?;
    let age = take(AGE_BANDS.iter().map(|b| b.2.to_owned()).collect())?;
    let expiring = v(i)?;
    let young = v(i + 1)?;
    Ok(Composition { total: v(0)?, education, category, experience, age, expiring, young })
}

/// Current memberships of many teachers at once (teacher id → association ids), for per-row checks.
pub async fn memberships_of(
    conn: &mut AnyConnection,
    ids: &[TeacherId],
) -> Result<std::collections::HashMap<TeacherId, Vec<AssociationId>>> {
    let mut out: std::collections::HashMap<TeacherId, Vec<AssociationId>> = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        if chunk.is_empty() {
            continue;
        }
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT teacher_id, association_id FROM association_members WHERE left_on IS NULL AND teacher_id IN ({})",
            marks.join(", ")
        );
        let mut q = sqlx::query_as::<_, (i64, i64)>(&sql);
        for id in chunk {
            q = q.bind(id.get());
        }
        for (t, a) in q.fetch_all(&mut *conn).await? {
            out.entry(TeacherId(t)).or_default().push(AssociationId(a));
        }
    }
    Ok(out)
}

/// Teachers of a municipality for pick lists (name and organization), active only.
pub async fn choices(conn: &mut AnyConnection, municipality_id: MunicipalityId) -> Result<Vec<(TeacherId, String)>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT t.id, t.last_name || ' ' || t.first_name || COALESCE(' ' || t.middle_name, ''), o.short_name
         FROM teachers t JOIN organizations o ON o.id = t.organization_id
         WHERE t.municipality_id = $1 AND t.archived_at IS NULL ORDER BY t.last_name, t.first_name, t.id",
    )
    .bind(municipality_id.get())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id, name, org)| (TeacherId(id), format!("{name} ({org})"))).collect())
}

/// Teachers of a municipality who are not current members of an association, to add to it: at
/// most `limit`, by name, those whose name contains `text` when one is given (the bank may hold
/// thousands: the page asks for a name rather than listing them all).
pub async fn candidates(
    conn: &mut AnyConnection,
    municipality_id: MunicipalityId,
    association_id: AssociationId,
    text: Option<&str>,
    limit: i64,
) -> Result<Vec<(TeacherId, String)>> {
    let pattern = text.map(str::trim).filter(|t| !t.is_empty()).map(|t| like_pattern(&t.to_lowercase()));
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT t.id, t.last_name || ' ' || t.first_name || COALESCE(' ' || t.middle_name, ''), o.short_name
         FROM teachers t JOIN organizations o ON o.id = t.organization_id
         WHERE t.municipality_id = $1 AND t.archived_at IS NULL
           AND t.id NOT IN (SELECT am.teacher_id FROM association_members am
                            WHERE am.association_id = $2 AND am.left_on IS NULL)
           AND ($3 IS NULL OR t.search_text LIKE $3 ESCAPE '\\')
         ORDER BY t.last_name, t.first_name, t.id LIMIT $4",
    )
    .bind(municipality_id.get())
    .bind(association_id.get())
    .bind(pattern)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id, name, org)| (TeacherId(id), format!("{name} ({org})"))).collect())
}

/// The ids of the teacher records linked to a user account (a user may be a teacher of the bank).
pub async fn ids_of_user(conn: &mut AnyConnection, user_id: UserId) -> Result<Vec<TeacherId>> {
    Ok(metoda_domain::ids::typed(
        sqlx::query_scalar("SELECT id FROM teachers WHERE user_id = $1")
            .bind(user_id.get())
            .fetch_all(&mut *conn)
            .await?,
    ))
}

/// The user account linked to a teacher record (None: the teacher has no account).
pub async fn user_of(conn: &mut AnyConnection, teacher_id: TeacherId) -> Result<Option<UserId>> {
    let user: Option<i64> = sqlx::query_scalar("SELECT user_id FROM teachers WHERE id = $1")
        .bind(teacher_id.get())
        .fetch_one(&mut *conn)
        .await?;
    Ok(user.map(UserId))
}

/// The teacher record linked to a user account, if any.
pub async fn of_user(conn: &mut AnyConnection, user_id: UserId) -> Result<Option<Teacher>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE t.user_id = $1")).bind(user_id.get()).fetch_optional(&mut *conn).await?)
}

/// Active teachers of a municipality without an account, ordered by name, for the link select:
/// (id, "ФИО (организация)").
pub async fn without_account(
    conn: &mut AnyConnection,
    municipality_id: MunicipalityId,
) -> Result<Vec<(TeacherId, String)>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT t.id, t.last_name || ' ' || t.first_name || COALESCE(' ' || t.middle_name, ''), o.short_name
         FROM teachers t JOIN organizations o ON o.id = t.organization_id
         WHERE t.municipality_id = $1 AND t.archived_at IS NULL AND t.user_id IS NULL
         ORDER BY t.last_name, t.first_name, t.middle_name, t.id",
    )
    .bind(municipality_id.get())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id, name, org)| (TeacherId(id), format!("{name} ({org})"))).collect())
}

/// Links a user account to a teacher record of the same municipality, so that the account counts
/// as that teacher (their own card, topic, results, signatures). A record has at most one account
/// and an account at most one record: linking either a second time is refused (unlink first).
/// Linking the pair already linked changes nothing. Run inside the caller's transaction.
pub async fn link_account(
    conn: &mut AnyConnection,
    actor: &Actor,
    teacher_id: TeacherId,
    user_id: UserId,
) -> Result<Teacher> {
    let old = get(conn, teacher_id).await?;
    let user = crate::users::get(conn, user_id).await?;
    if old.user_id == Some(user_id) {
        return Ok(old);
    }
    if user.archived_at.is_some() {
        return Err(StoreError::invalid(
            "user_id",
            format!("Учётная запись {} заблокирована: её нельзя привязать к записи педагога", user.login),
        ));
    }
    if old.archived_at.is_some() {
        return Err(StoreError::invalid(
            "teacher_id",
            format!("Запись педагога {} в архиве: к ней нельзя привязать учётную запись", old.full_name()),
        ));
    }
    if user.municipality_id != Some(old.municipality_id) {
        return Err(StoreError::invalid(
            "teacher_id",
            "Запись педагога: выберите педагога того же муниципалитета, что и учётная запись",
        ));
    }
    if let Some(other) = old.user_id {
        let login = crate::users::get(conn, other).await.map(|u| u.login).unwrap_or_else(|_| format!("№ {other}"));
        return Err(StoreError::Conflict(format!(
            "Запись педагога {} уже привязана к учётной записи {login}; сначала отвяжите её",
            old.full_name()
        )));
    }
    if let Some(linked) = of_user(conn, user_id).await? {
        return Err(StoreError::Conflict(format!(
            "Учётная запись {} уже привязана к записи педагога {}; сначала отвяжите её",
            user.login,
            linked.full_name()
        )));
    }
    // The unique index on teachers.user_id catches a concurrent link of the same account.
    sqlx::query("UPDATE teachers SET user_id = $1, updated_at = $2 WHERE id = $3 AND user_id IS NULL")
        .bind(user_id.get())
        .bind(now())
        .bind(teacher_id.get())
        .execute(&mut *conn)
        .await
        .map_err(crate::unique("Учётная запись уже привязана к другой записи педагога; сначала отвяжите её"))?;
    let t = get(conn, teacher_id).await?;
    if t.user_id != Some(user_id) {
        return Err(StoreError::Conflict(format!(
            "Запись педагога {} уже привязана к другой учётной записи; сначала отвяжите её",
            t.full_name()
        )));
    }
    let summary = format!("Учётная запись {} привязана к записи педагога {}", user.login, t.full_name());
    audit::record_change(conn, actor, t.scope(), "teacher", t.id.get(), "link_account", &summary, Some(&old), &t)
        .await?;
    Ok(t)
}

/// Unlinks a user account from its teacher record; returns the record as it is now. Refused when
/// the account is linked to none. Run inside the caller's transaction.
pub async fn unlink_account(conn: &mut AnyConnection, actor: &Actor, user_id: UserId) -> Result<Teacher> {
    let user = crate::users::get(conn, user_id).await?;
    let old = of_user(conn, user_id)
        .await?
        .ok_or_else(|| StoreError::Conflict(format!("Учётная запись {} не привязана к записи педагога", user.login)))?;
    sqlx::query("UPDATE teachers SET user_id = NULL, updated_at = $1 WHERE id = $2")
        .bind(now())
        .bind(old.id.get())
        .execute(&mut *conn)
        .await?;
    let t = get(conn, old.id).await?;
    let summary = format!("Учётная запись {} отвязана от записи педагога {}", user.login, t.full_name());
    audit::record_change(conn, actor, t.scope(), "teacher", t.id.get(), "unlink_account", &summary, Some(&old), &t)
        .await?;
    Ok(t)
}
