//! The teacher bank in and out of spreadsheets: import from XLSX/CSV (a preview listing every
//! row's problem in Russian, then all-or-nothing on confirmation; re-importing updates, never
//! duplicates) and export to XLSX of what the user may see (an audited action).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use metoda_docs::export::{ExportRow, teachers_xlsx};
use metoda_docs::import::{ImportRow, read_teachers};
use metoda_domain::access::{Action, Resource, sees_personal_data_of_all_listed};
use metoda_domain::ids::{MunicipalityId, OrganizationId, TeacherId};
use metoda_domain::teachers::TeacherInput;
use metoda_store::Conn;
use metoda_store::audit::Scope;
use metoda_store::municipalities::{self, Municipality};
use metoda_store::organizations::{self, Organization};
use metoda_store::{imports, teachers};

use crate::AppState;
use crate::auth::{Current, Me};
use crate::error::{AppError, PageResult};
use crate::extract::{Path, Query};
use crate::features::teachers::{BankQuery, can, view};
use crate::pages::{Layout, redirect_with, render, render_status};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/teachers/import", get(upload_page).post(upload_submit))
        .route("/teachers/import/{id}/apply", post(apply_submit))
        .route("/teachers/export.xlsx", get(export))
}

/// Municipalities where the user may bring teachers in (create or update in some organization).
pub async fn importable(c: &mut Conn, me: &Current) -> Result<Vec<(Municipality, Vec<Organization>)>, AppError> {
    crate::features::teachers::organizations_where(c, |m, o| {
        me.may(Action::Create, &org_res(m, o.id.get())) && me.may(Action::Update, &org_res(m, o.id.get()))
    })
    .await
}

fn org_res(m: &Municipality, org: i64) -> Resource {
    Resource::Teacher {
        region_id: m.region_id,
        municipality_id: m.id,
        organization_id: Some(OrganizationId(org)),
        association_id: None,
        own: false,
    }
}

#[derive(Template)]
#[template(path = "teacher_import.html")]
struct UploadPage {
    l: Layout,
    municipalities: Vec<Municipality>,
    refusal: Option<String>,
    preview: Option<Preview>,
    /// The municipality chosen when the file was sent (it stays chosen).
    chosen: Option<i64>,
}

/// The checked file.
pub struct Preview {
    pub import_id: Option<i64>,
    pub file_name: String,
    pub rows: Vec<PreviewRow>,
    pub problems: usize,
    pub new_count: usize,
    pub update_count: usize,
    /// Columns of the file that Metoda does not read.
    pub ignored: Vec<String>,
}

pub struct PreviewRow {
    pub row: usize,
    pub name: String,
    pub organization: String,
    pub action: RowAction,
    pub problems: Vec<(String, String)>,
}

/// What applying the import does with a row of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAction {
    /// A new record of the bank.
    New,
    /// The record of the same person (name and birth date) is updated.
    Update,
    /// The row has problems and is not imported.
    Error,
}

impl RowAction {
    pub fn label_ru(self) -> &'static str {
        match self {
            RowAction::New => "новый",
            RowAction::Update => "обновление",
            RowAction::Error => "ошибка",
        }
    }
}

async fn upload_page(State(state): State<AppState>, Me(me, ctx): Me) -> PageResult {
    let mut c = state.db.conn().await?;
    let list = importable(&mut c, &me).await?;
    drop(c);
    if list.is_empty() {
        return Err(AppError::Forbidden);
    }
    let municipalities = list.into_iter().map(|(m, _)| m).collect();
    render(&UploadPage {
        l: Layout::new(&ctx, "Загрузка банка данных", "/teachers"),
        municipalities,
        refusal: None,
        preview: None,
        chosen: None,
    })
}

/// Names of organizations as an office writes them: case, ё, quotes and spaces do not matter.
fn norm(s: &str) -> String {
    s.to_lowercase()
        .replace('ё', "е")
        .chars()
        .filter(|c| !"«»\"'“”„".contains(*c))
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Column names of the fields `TeacherInput::parse` reports, as the file calls them.
fn column_of(field: &str) -> &'static str {
    match field {
        "last_name" | "first_name" | "middle_name" => "ФИО",
        "birth_date" => "Дата рождения",
        "organization_id" => "ОО",
        "position" => "Должность",
        "subjects" => "Предмет",
        "education" => "Образование",
        "edu_institution" => "Учебное заведение",
        "edu_specialty" => "Специальность",
        "edu_year" => "Год окончания",
        "category" => "Категория",
        "category_assigned_on" => "Дата присвоения",
        "category_expires_on" => "Категория до",
        "experience_start" => "Стаж",
        "phone" => "Телефон",
        "email" => "Электронная почта",
        "consent_on" => "Согласие на обработку ПД",
        _ => "",
    }
}

/// Checks every row: the file's own problems, the organization, the fields, the right to write.
async fn check(
    state: &AppState,
    me: &Current,
    m: &Municipality,
    orgs: &[Organization],
    rows: Vec<ImportRow>,
    mut file_problems: Vec<metoda_docs::import::CellProblem>,
) -> Result<(Vec<PreviewRow>, Vec<TeacherInput>), AppError> {
    let today = state.today(m.zone());
    let mut c = state.db.conn().await?;
    let all_orgs =
        organizations::list(&mut c, &organizations::Filter { municipality_id: Some(m.id), ..Default::default() })
            .await?;
    let mut out = vec![];
    let mut inputs = vec![];
    for r in rows {
        let mut problems: Vec<(String, String)> = vec![];
        problems.extend(file_problems.iter().filter(|p| p.row == r.row).map(|p| (p.column.clone(), p.message.clone())));
        file_problems.retain(|p| p.row != r.row);
        let key = norm(&r.organization);
        let org = all_orgs.iter().find(|o| norm(&o.short_name) == key || norm(&o.full_name) == key);
        let mut input = r.input.clone();
        match org {
            None => problems.push((
                "ОО".into(),
                format!("организация «{}» не найдена в муниципалитете {}", r.organization, m.name),
            )),
            Some(o) if !orgs.iter().any(|x| x.id == o.id) => {
                problems.push(("ОО".into(), format!("нет прав вести педагогов организации «{}»", o.short_name)))
            }
            Some(o) => input.organization_id = Some(o.id.get()),
        }
        let mut action = RowAction::New;
        match input.parse(today) {
            Err(errs) => {
                for e in errs {
                    if e.field == "organization_id" && org.is_none() {
                        continue;
                    }
                    // Messages name their field already ("Дата рождения: …"): keep the column apart.
                    let column = column_of(&e.field).to_owned();
                    let message = match e.message.split_once(": ") {
                        Some((_, rest)) if !column.is_empty() => rest.to_owned(),
                        _ => e.message,
                    };
                    problems.push((column, message));
                }
            }
            Ok(d) if problems.is_empty() => {
                if let Some(existing) = teachers::find_identity(&mut c, &d).await? {
                    let t = teachers::get(&mut c, existing).await?;
                    let ms = teachers::memberships(&mut c, existing).await?;
                    if can(me, Action::Update, &t, &ms) {
                        action = RowAction::Update;
                    } else {
                        problems.push(("ФИО".into(), "нет прав изменять запись этого педагога".into()));
                    }
                }
            }
            Ok(_) => {}
        }
        if !problems.is_empty() {
            action = RowAction::Error;
        }
        let name = format!("{} {} {}", input.last_name, input.first_name, input.middle_name).trim().to_owned();
        out.push(PreviewRow { row: r.row, name, organization: r.organization.clone(), action, problems });
        inputs.push(input);
    }
    // Problems of rows that produced no record (e.g. an unreadable row).
    for p in file_problems {
        out.push(PreviewRow {
            row: p.row,
            name: String::new(),
            organization: String::new(),
            action: RowAction::Error,
            problems: vec![(p.column, p.message)],
        });
    }
    out.sort_by_key(|r| r.row);
    Ok((out, inputs))
}

async fn upload_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    crate::extract::Multipart(mut mp): crate::extract::Multipart,
) -> PageResult {
    let mut c = state.db.conn().await?;
    let list = importable(&mut c, &me).await?;
    drop(c);
    let municipalities: Vec<Municipality> = list.iter().map(|(m, _)| m.clone()).collect();
    let form = crate::extract::read_upload(&mut mp, &["municipality_id"], "файл").await?;
    let municipality_id = form.text("municipality_id").trim().parse::<i64>().ok();
    let refuse = |message: String| {
        let page = UploadPage {
            l: Layout::new(&ctx, "Загрузка банка данных", "/teachers"),
            municipalities: municipalities.clone(),
            refusal: Some(message),
            preview: None,
            chosen: municipality_id,
        };
        render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
    };
    let chosen = match municipality_id {
        Some(id) => list.iter().find(|(m, _)| m.id == MunicipalityId(id)),
        None => list.first(),
    };
    let (m, orgs) = match chosen {
        Some(x) => x.clone(),
        None => return Err(AppError::Forbidden),
    };
    let Some((file_name, bytes)) = form.file else {
        return refuse("Выберите файл XLSX или CSV с банком данных педагогов".into());
    };
    let sheet = match read_teachers(&bytes, &file_name, state.today(m.zone())) {
        Ok(s) => s,
        Err(refusal) => return refuse(refusal.to_string()),
    };
    if sheet.rows.is_empty() && sheet.problems.is_empty() {
        return refuse("В файле нет ни одной строки с педагогом".into());
    }
    let sheet_ignored = sheet.ignored_columns.clone();
    let (rows, inputs) = check(&state, &me, &m, &orgs, sheet.rows, sheet.problems).await?;
    let problems = rows.iter().filter(|r| !r.problems.is_empty()).count();
    let new_count = rows.iter().filter(|r| r.action == RowAction::New).count();
    let update_count = rows.iter().filter(|r| r.action == RowAction::Update).count();
    let import_id = if problems == 0 {
        let mut c = state.db.conn().await?;
        Some(imports::save(&mut c, m.id, me.user.id, &file_name, &inputs, new_count, update_count).await?)
    } else {
        None
    };
    let status = if problems == 0 { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let preview = Preview { import_id, file_name, rows, problems, new_count, update_count, ignored: sheet_ignored };
    render_status(
        status,
        &UploadPage {
            l: Layout::new(&ctx, "Загрузка банка данных", "/teachers"),
            municipalities,
            refusal: None,
            preview: Some(preview),
            chosen: Some(m.id.get()),
        },
    )
}

async fn apply_submit(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<i64>) -> PageResult {
    let mut tx = state.db.begin().await?;
    let p = imports::get(&mut tx, id).await?;
    let m = municipalities::get(&mut tx, p.municipality_id).await?;
    let scope = Scope { region_id: Some(m.region_id), municipality_id: Some(m.id) };
    // The rows were checked against the user's rights in the preview (minutes ago, by this user);
    // here the user must still be able to bring teachers into this municipality.
    let list = importable(&mut tx, &me).await?;
    if !list.iter().any(|(x, _)| x.id == m.id) {
        return Err(AppError::Forbidden);
    }
    let done = imports::apply(&mut tx, &ctx.actor(), id, me.user.id, scope, state.today(m.zone())).await?;
    tx.commit().await?;
    Ok(redirect_with(
        &format!("/teachers?municipality_id={}", m.id),
        &format!("Банк данных загружен: добавлено {}, обновлено {}", done.created, done.updated),
        &ctx,
    ))
}

/// The bank as XLSX: the rows of the current filters the user may see, personal columns only
/// when the user may see them for every row. Recorded in the audit trail.
async fn export(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Query(q): Query<BankQuery>,
) -> Result<Response, AppError> {
    if metoda_domain::access::teacher_scope(&me.principal).is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut f = q.filter_for(&me);
    f.page = 1;
    f.per_page = 1000;
    let mut rows = vec![];
    let mut c = state.db.conn().await?;
    let today = crate::features::user_today(&state, &mut c, &me).await?;
    loop {
        let (page, total) = teachers::list(&mut c, &f, today).await?;
        let n = page.len();
        rows.extend(page);
        if rows.len() as i64 >= total || n == 0 || rows.len() >= 50_000 {
            break;
        }
        f.page += 1;
    }
    let ids: Vec<TeacherId> = rows.iter().map(|t| t.id).collect();
    let memberships = teachers::memberships_of(&mut c, &ids).await?;
    // The read connection goes back before the audit entry's transaction takes one.
    drop(c);
    let none = vec![];
    let personal = sees_personal_data_of_all_listed(&me.principal)
        && rows.iter().all(|t| can(&me, Action::ViewPersonal, t, memberships.get(&t.id).unwrap_or(&none)));
    let mut headers = vec!["ФИО", "ОО", "Должность", "Предметы", "Категория"];
    if personal {
        headers.extend([
            "Дата рождения",
            "Возраст",
            "Образование",
            "Учебное заведение",
            "Специальность",
            "Год окончания",
            "Дата присвоения",
            "Категория до",
            "Начало стажа",
            "Стаж",
            "Молодой специалист",
            "Телефон",
            "Электронная почта",
            "Согласие на обработку ПД",
        ]);
    }
    let out: Vec<ExportRow> = rows
        .iter()
        .map(|t| {
            let v = view(t, personal, today);
            let mut cells =
                vec![v.full_name, v.organization_name, v.position, v.subjects.unwrap_or_default(), v.category_label];
            if let Some(p) = v.personal {
                cells.extend([
                    p.birth_date,
                    p.age.to_string(),
                    p.education_label,
                    p.edu_institution.unwrap_or_default(),
                    p.edu_specialty.unwrap_or_default(),
                    p.edu_year.map(|y| y.to_string()).unwrap_or_default(),
                    p.category_assigned_on.unwrap_or_default(),
                    p.category_expires_on.unwrap_or_default(),
                    p.experience_start.unwrap_or_default(),
                    p.experience.unwrap_or_default(),
                    if p.young_specialist { "да".into() } else { "нет".into() },
                    p.phone.unwrap_or_default(),
                    p.email.unwrap_or_default(),
                    p.consent_on.unwrap_or_default(),
                ]);
            }
            ExportRow { cells }
        })
        .collect();
    let title = format!("Банк данных педагогов на {}", metoda_domain::values::ru_date(today));
    let bytes = teachers_xlsx(&title, &headers, &out).map_err(AppError::internal)?;
    let scope = me
        .grants
        .iter()
        .find(|g| g.municipality_id.is_some())
        .map_or(Scope::default(), |g| Scope { region_id: g.region_id, municipality_id: g.municipality_id });
    let n = i64::try_from(out.len()).unwrap_or(i64::MAX);
    let summary = format!(
        "Выгрузка банка данных в XLSX: {n} {}{}",
        metoda_domain::values::plural_ru(n, "педагог", "педагога", "педагогов"),
        if personal { ", с персональными данными" } else { "" }
    );
    let changes = serde_json::json!({"rows": out.len(), "personal": personal, "filters": serde_urlencoded::to_string(&q).unwrap_or_default()});
    let mut tx = state.db.begin().await?;
    metoda_store::audit::record(
        &mut tx,
        &ctx.actor(),
        scope,
        "teacher_export",
        None,
        "export",
        &summary,
        None,
        Some(&changes),
    )
    .await?;
    tx.commit().await?;
    let mut r = bytes.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    );
    r.headers_mut()
        .insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"teachers.xlsx\""));
    Ok(r)
}
