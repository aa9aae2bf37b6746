//! ЕГЭ scores imported from an XLSX or CSV file: all rows or none, every bad row named.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use metoda_domain::access::Action;
use metoda_domain::ids::{AssociationId, TeacherId};
use metoda_domain::results::ExamScoreInput;
use metoda_store::associations::{self, Association};
use metoda_store::municipalities::Municipality;
use metoda_store::results::{self, ResultRecord};
use serde::Serialize;

use crate::AppState;
use crate::auth::{ApiMe, Ctx, Current, Me};
use crate::error::{AppError, PageResult};
use crate::extract::Path;
use crate::features::row_import::{ImportFailure, ImportProblem, read_file};
use crate::pages::{Layout, redirect_with, render_status};

use super::{association, my_teachers, read_upload, res, views, year_or_today};

// ---- ЕГЭ scores imported from XLSX/CSV ----

/// The column of the file for a field `ExamScoreInput::parse` reports.
fn exam_column(field: &str) -> &'static str {
    match field {
        "teacher_id" => "Учитель",
        "subject" => "Предмет",
        "score" => "Балл",
        "on" => "Дата",
        "student_code" => "Код ученика",
        _ => "",
    }
}

/// Reads, checks every row, and writes all the scores in one transaction — or nothing.
async fn import_exam(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    aid: AssociationId,
    file: Option<(String, Vec<u8>)>,
) -> Result<(Vec<ResultRecord>, usize), ImportFailure> {
    let (a, m) = association(state, me, aid).await?;
    let any = me.may(Action::Create, &res(m.region_id, m.id, Some(a.id), false));
    let own_only = !any && me.may(Action::Create, &res(m.region_id, m.id, Some(a.id), true));
    if !any && !own_only {
        return Err(AppError::Forbidden.into());
    }
    if !a.is_active() {
        return Err(AppError::Conflict("Объединение ликвидировано: его результаты не меняются".into()).into());
    }
    let sheet = read_file(file, "с баллами ЕГЭ", metoda_docs::import::exam::read_exam_scores)?;
    let today = state.today(m.zone());
    let mut c = state.db.conn().await?;
    let thresholds = results::thresholds(&mut c, m.id).await?;
    let mine = my_teachers(&mut c, me).await?;
    let members = results::memberships(&mut c, a.id).await?;
    drop(c);
    let mut problems: Vec<ImportProblem> = sheet.problems.iter().map(ImportProblem::from).collect();
    let mut forbidden = false;
    let mut checked = vec![];
    for row in &sheet.rows {
        let mut here: Vec<ImportProblem> = vec![];
        let n = row.row;
        let say = |here: &mut Vec<ImportProblem>, column: &str, message: String| {
            here.push(ImportProblem { row: n, column: column.to_owned(), message })
        };
        let day = metoda_domain::values::date("on", "Дата", &row.on).ok();
        let words = results::name_words(&row.teacher);
        let named: Vec<&results::Membership> = members.iter().filter(|x| x.is_named(&words)).collect();
        let mut ids: Vec<i64> = named.iter().map(|x| x.teacher_id.get()).collect();
        ids.dedup();
        let mut teacher_id = None;
        if row.teacher.is_empty() {
            say(&mut here, "Учитель", "укажите ФИО учителя".into());
        } else if ids.is_empty() {
            say(&mut here, "Учитель", format!("«{}» не найден(а) среди членов объединения «{}»", row.teacher, a.name));
        } else if let Some(day) = day {
            let mut on_day: Vec<&&results::Membership> = named.iter().filter(|x| x.member_on(day)).collect();
            on_day.dedup_by_key(|x| x.teacher_id);
            match on_day.as_slice() {
                [] => say(
                    &mut here,
                    "Учитель",
                    format!(
                        "«{}» не состоял(а) в объединении на дату экзамена; указывайте только членов объединения на \
                         дату результата",
                        row.teacher
                    ),
                ),
                [one] if one.archived_at.is_some() => {
                    say(&mut here, "Учитель", format!("запись педагога «{}» в архиве банка данных", one.full_name()))
                }
                [one] => teacher_id = Some(one.teacher_id),
                _ => say(
                    &mut here,
                    "Учитель",
                    format!(
                        "в объединении несколько педагогов «{}» — укажите фамилию, имя и отчество полностью",
                        row.teacher
                    ),
                ),
            }
        }
        if let Some(t) = teacher_id
            && !any
            && !mine.contains(&t)
        {
            forbidden = true;
            let message = "вы можете загружать только свои результаты; баллы коллег вносят руководитель объединения \
                           или его заместитель";
            say(&mut here, "Учитель", message.into());
        }
        let input = ExamScoreInput {
            teacher_id: Some(teacher_id.unwrap_or(TeacherId(0)).get()),
            subject: row.subject.clone(),
            score: row.score.clone(),
            student_code: row.student_code.clone(),
            on: row.on.clone(),
        };
        match input.parse(today, &thresholds) {
            Ok(d) if here.is_empty() => checked.push(d),
            Ok(_) => {}
            Err(errs) => {
                for e in errs {
                    let column = exam_column(&e.field);
                    if e.field == "teacher_id"
                        || problems
                            .iter()
                            .any(|p| p.row == n && p.column.to_lowercase().starts_with(&column.to_lowercase()))
                    {
                        continue;
                    }
                    let message = if e.field == "subject" && !row.subject.is_empty() {
                        format!("«{}» — такого предмета ЕГЭ нет в таблице порогов муниципалитета", row.subject)
                    } else {
                        e.message.split_once(": ").map_or(e.message.clone(), |(_, rest)| rest.to_owned())
                    };
                    say(&mut here, column, message);
                }
            }
        }
        problems.extend(here);
    }
    if !problems.is_empty() {
        return Err(ImportFailure::rows(problems, forbidden));
    }
    let mut tx = state.db.begin().await?;
    // A score already recorded (same teacher, subject, date, score and student code) is not
    // recorded again: a file loaded twice, or a list extended and loaded again, adds only what is
    // new. Identical rows count as many times as they occur (two students without codes may have
    // the same score).
    let mut known: std::collections::HashMap<results::ExamKey, usize> = Default::default();
    if let (Some(from), Some(to)) = (checked.iter().map(|d| d.on).min(), checked.iter().map(|d| d.on).max()) {
        for key in results::exam_keys(&mut tx, m.id, from, to).await? {
            *known.entry(key).or_default() += 1;
        }
    }
    let mut out = Vec::with_capacity(checked.len());
    let mut skipped = 0;
    for d in &checked {
        let key = results::ExamKey::of(d);
        if let Some(n) = known.get_mut(&key).filter(|n| **n > 0) {
            *n -= 1;
            skipped += 1;
            continue;
        }
        out.push(results::add_exam(&mut tx, &ctx.actor(), m.id, d).await?);
    }
    tx.commit().await?;
    Ok((out, skipped))
}

/// The file of an import form (the same reader as a scan's).
async fn read_file_field(mp: &mut axum::extract::Multipart) -> Result<Option<(String, Vec<u8>)>, AppError> {
    Ok(read_upload(mp).await?.map(|u| (u.name, u.bytes)))
}

#[derive(Template)]
#[template(path = "results_exam_import.html")]
struct ExamImportPage {
    l: Layout,
    a: Association,
    /// The whole file was refused.
    refusal: Option<String>,
    problems: Vec<ImportProblem>,
    bad_rows: usize,
    file_name: String,
}

/// May the user import ЕГЭ scores here (for anyone, or only their own)?
async fn importer(
    state: &AppState,
    me: &Current,
    aid: AssociationId,
) -> Result<(Association, Municipality, bool), AppError> {
    let (a, m) = association(state, me, aid).await?;
    let any = me.may(Action::Create, &res(m.region_id, m.id, Some(a.id), false));
    if !a.is_active() || !(any || me.may(Action::Create, &res(m.region_id, m.id, Some(a.id), true))) {
        return Err(AppError::Forbidden);
    }
    Ok((a, m, any))
}

pub(super) async fn exam_import_page(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(aid): Path<AssociationId>,
) -> PageResult {
    let (a, _, _) = importer(&state, &me, AssociationId(aid.get())).await?;
    render_status(
        StatusCode::OK,
        &ExamImportPage {
            l: Layout::new(&ctx, "Импорт результатов ЕГЭ из XLSX", "/associations"),
            a,
            refusal: None,
            problems: vec![],
            bad_rows: 0,
            file_name: String::new(),
        },
    )
}

pub(super) async fn exam_import_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(aid): Path<AssociationId>,
    crate::extract::Multipart(mut mp): crate::extract::Multipart,
) -> PageResult {
    let file = read_file_field(&mut mp).await?;
    let file_name = file.as_ref().map(|(n, _)| n.clone()).unwrap_or_default();
    let (status, refusal, problems, bad_rows) = match import_exam(&state, &me, &ctx, AssociationId(aid.get()), file)
        .await
    {
        Ok((list, skipped)) => {
            let year = year_or_today(&state, &me, list.first().and_then(|r| i32::try_from(r.year).ok())).await?;
            let already = if skipped > 0 {
                format!("; уже были внесены раньше и пропущены: {skipped}")
            } else {
                String::new()
            };
            let message = if list.is_empty() {
                format!("Новых баллов ЕГЭ в файле нет{already}")
            } else {
                format!(
                    "Загружено баллов ЕГЭ: {}{already}; они ожидают подтверждения — приложите сканы подтверждающих документов",
                    list.len()
                )
            };
            return Ok(redirect_with(&format!("/associations/{aid}/results?year={year}"), &message, &ctx));
        }
        Err(failure) => failure.for_page()?,
    };
    let (a, _) = association(&state, &me, aid).await?;
    render_status(
        status,
        &ExamImportPage {
            l: Layout::new(&ctx, "Импорт результатов ЕГЭ из XLSX", "/associations"),
            a,
            refusal,
            problems,
            bad_rows,
            file_name,
        },
    )
}

/// The template: the header row, and lists of the members (only oneself for a teacher) and subjects.
pub(super) async fn exam_template(
    State(state): State<AppState>,
    Me(me, _): Me,
    Path(aid): Path<AssociationId>,
) -> Result<Response, AppError> {
    let (a, m, any) = importer(&state, &me, AssociationId(aid.get())).await?;
    let mut c = state.db.conn().await?;
    let mine = my_teachers(&mut c, &me).await?;
    // the exams of June are filled in after it: the members of this academic year and the last
    let today = state.today(m.zone());
    let this = metoda_domain::teachers::AcademicYear::containing(today);
    let (from, to) = (metoda_domain::teachers::AcademicYear(this.0 - 1).start(), today);
    let from = metoda_domain::values::iso_date(from);
    let teachers: Vec<String> = associations::members_during(&mut c, a.id, &from, &metoda_domain::values::iso_date(to))
        .await?
        .into_iter()
        .filter(|x| any || mine.contains(&x.teacher_id))
        .map(|x| x.full_name)
        .collect();
    let subjects: Vec<String> = results::thresholds(&mut c, m.id).await?.into_iter().map(|t| t.label).collect();
    let bytes = metoda_docs::import::exam::exam_template_xlsx(&teachers, &subjects).map_err(AppError::internal)?;
    Ok(crate::pages::download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ege-template.xlsx",
    ))
}

/// What an import wrote.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ExamImported {
    pub created: usize,
    /// Rows already recorded (same teacher, subject, date, score and student code), not recorded again.
    pub skipped: usize,
    /// The new scores, pending a curator's decision.
    pub results: Vec<views::ResultRecord>,
}

/// Import ЕГЭ scores from an XLSX or CSV file: multipart with `file`; columns «Учитель» (full
/// name of a member on the exam date), «Предмет», «Балл», «Дата», optional «Код ученика». All
/// rows are written or none: a bad row refuses the file (422, or 403 when a row names a teacher
/// the user may not enter results for), listing every bad row.
#[utoipa::path(post, path = "/api/v1/associations/{id}/results/exam/import", tag = "results", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", content = Object),
    responses((status = 200, body = ExamImported), (status = 403, body = crate::features::row_import::ImportErrorBody), (status = 422, body = crate::features::row_import::ImportErrorBody)))]
pub async fn api_import_exam(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(aid): Path<AssociationId>,
    crate::extract::Multipart(mut mp): crate::extract::Multipart,
) -> Response {
    use axum::response::IntoResponse;
    let file = match read_file_field(&mut mp).await {
        Ok(f) => f,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    match import_exam(&state, &me, &ctx, AssociationId(aid.get()), file).await {
        Ok((list, skipped)) => Json(ExamImported {
            created: list.len(),
            skipped,
            results: list.iter().map(views::ResultRecord::from).collect(),
        })
        .into_response(),
        Err(failure) => failure.into_response(),
    }
}
