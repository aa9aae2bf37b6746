//! The per-year part of the teacher card: the self-education topic (the teacher or whoever keeps
//! the record proposes it; the association head — or the authority — agrees it, 002 §6), courses
//! taken, professional difficulties and needs (004 §6).

use axum::Router;
use axum::extract::State;
use axum::routing::post;
use metoda_domain::FieldError;
use metoda_domain::access::{Action, Role};
use metoda_domain::teachers::{AcademicYear, CourseInput, DifficultyKind};
use metoda_domain::values;
use metoda_store::teacher_years;
use metoda_store::teachers::{self, Teacher};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{Current, Me};
use crate::error::{AppError, PageResult};
use crate::extract::{Form, Path};
use crate::features::teachers::{can, today};
use crate::pages::redirect_with;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/teachers/{id}/topic", post(topic_submit))
        .route("/teachers/{id}/topic/agree", post(agree_submit))
        .route("/teachers/{id}/courses", post(course_submit))
        .route("/teachers/{id}/difficulties", post(difficulty_submit))
        .route("/teachers/{id}/positions", post(position_submit))
}

/// Who may write the per-year part: the teacher (own record) and whoever may update the record.
pub fn may_write(me: &Current, t: &Teacher, memberships: &[i64]) -> bool {
    t.user_id == Some(me.user.id) || can(me, Action::Update, t, memberships)
}

/// Who may agree a topic: the head (or deputy) of the teacher's association, or the authority —
/// never the teacher themself.
pub fn may_agree(me: &Current, t: &Teacher, memberships: &[i64]) -> bool {
    t.user_id != Some(me.user.id)
        && me.principal.grants.iter().any(|g| match g.role {
            Role::AssociationHead | Role::Deputy => g.association_id.is_some_and(|a| memberships.contains(&a)),
            Role::AuthorityHead | Role::AuthoritySpecialist | Role::CabinetHead => {
                g.municipality_id == Some(t.municipality_id)
            }
            Role::Administrator => true,
            _ => false,
        })
}

async fn load(state: &AppState, id: i64) -> Result<(Teacher, Vec<i64>), AppError> {
    let mut c = state.db.conn().await?;
    let t = teachers::get(&mut c, id).await?;
    let m = teachers::memberships(&mut c, id).await?;
    Ok((t, m))
}

fn current_year() -> i64 {
    i64::from(AcademicYear::containing(today()).0)
}

/// Failures come back to the card as a one-line message (the card shows the forms again).
fn back(id: i64, ctx: &crate::auth::Ctx, r: Result<String, AppError>) -> PageResult {
    match r {
        Ok(m) => Ok(redirect_with(&format!("/teachers/{id}"), &m, ctx)),
        Err(AppError::Validation(errs)) => Ok(redirect_with(
            &format!("/teachers/{id}"),
            &format!("Не сохранено: {}", errs.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; ")),
            ctx,
        )),
        Err(AppError::Conflict(m)) => Ok(redirect_with(&format!("/teachers/{id}"), &format!("Не сохранено: {m}"), ctx)),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TopicForm {
    topic: String,
}

async fn topic_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<i64>,
    Form(f): Form<TopicForm>,
) -> PageResult {
    let (t, m) = load(&state, id).await?;
    if !may_write(&me, &t, &m) {
        return Err(AppError::Forbidden);
    }
    let r = async {
        let topic = values::required_text("topic", "Тема самообразования", &f.topic, 500)
            .map_err(|e| AppError::Validation(vec![e]))?;
        let mut tx = state.db.begin().await?;
        teacher_years::propose_topic(&mut tx, &ctx.actor(), &t, current_year(), &topic).await?;
        tx.commit().await?;
        Ok("Тема самообразования записана; её согласует руководитель объединения".to_owned())
    }
    .await;
    back(id, &ctx, r)
}

async fn agree_submit(State(state): State<AppState>, Me(me, ctx): Me, Path(id): Path<i64>) -> PageResult {
    let (t, m) = load(&state, id).await?;
    if !may_agree(&me, &t, &m) {
        return Err(AppError::Forbidden);
    }
    let r = async {
        let mut tx = state.db.begin().await?;
        teacher_years::agree_topic(&mut tx, &ctx.actor(), &t, current_year(), me.user.id).await?;
        tx.commit().await?;
        Ok("Тема самообразования согласована".to_owned())
    }
    .await;
    back(id, &ctx, r)
}

async fn course_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<i64>,
    Form(f): Form<CourseInput>,
) -> PageResult {
    let (t, m) = load(&state, id).await?;
    if !may_write(&me, &t, &m) {
        return Err(AppError::Forbidden);
    }
    let r = async {
        let d = f.parse(today()).map_err(AppError::Validation)?;
        let mut tx = state.db.begin().await?;
        let c = teacher_years::add_course(&mut tx, &ctx.actor(), &t, &d).await?;
        tx.commit().await?;
        Ok(format!("Курс «{}» записан", c.title))
    }
    .await;
    back(id, &ctx, r)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DifficultyForm {
    kind: String,
    note: String,
}

async fn difficulty_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<i64>,
    Form(f): Form<DifficultyForm>,
) -> PageResult {
    let (t, m) = load(&state, id).await?;
    if !may_write(&me, &t, &m) {
        return Err(AppError::Forbidden);
    }
    let r = async {
        let extra = extra_kinds(&state, &t).await?;
        let unknown = || AppError::Validation(vec![FieldError::new("kind", "Вид затруднения: выберите из списка")]);
        let kind = match f.kind.strip_prefix(teacher_years::CUSTOM) {
            Some(own) if extra.iter().any(|e| e == own) => f.kind.clone(),
            Some(_) => return Err(unknown()),
            None => DifficultyKind::from_code(&f.kind).map(|k| k.code().to_owned()).ok_or_else(unknown)?,
        };
        let note = values::optional_long_text("note", "Пояснение", &f.note, 2000)
            .map_err(|e| AppError::Validation(vec![e]))?;
        let mut tx = state.db.begin().await?;
        teacher_years::add_difficulty(&mut tx, &ctx.actor(), &t, current_year(), &kind, note.as_deref()).await?;
        tx.commit().await?;
        Ok("Затруднение записано".to_owned())
    }
    .await;
    back(id, &ctx, r)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PositionForm {
    organization_id: String,
    position: String,
}

async fn position_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(id): Path<i64>,
    Form(f): Form<PositionForm>,
) -> PageResult {
    let (t, m) = load(&state, id).await?;
    if !can(&me, Action::Update, &t, &m) {
        return Err(AppError::Forbidden);
    }
    let r = async {
        let org: i64 = f.organization_id.trim().parse().map_err(|_| {
            AppError::Validation(vec![FieldError::new("organization_id", "Организация: выберите из списка")])
        })?;
        let position = values::required_text("position", "Должность", &f.position, 200)
            .map_err(|e| AppError::Validation(vec![e]))?;
        let mut tx = state.db.begin().await?;
        let p = teacher_years::add_position(&mut tx, &ctx.actor(), &t, org, &position).await?;
        tx.commit().await?;
        Ok(format!("Добавлено место работы: {}", p.organization_name))
    }
    .await;
    back(id, &ctx, r)
}

/// The difficulty kinds the teacher's municipality's profile adds to Metoda's list.
pub async fn extra_kinds(state: &AppState, t: &Teacher) -> Result<Vec<String>, AppError> {
    let mut c = state.db.conn().await?;
    let m = metoda_store::municipalities::get(&mut c, t.municipality_id).await?;
    Ok(match m.profile_id {
        Some(p) => metoda_store::profiles::get(&mut c, p).await?.settings()?.extra_need_kinds.value,
        None => vec![],
    })
}
