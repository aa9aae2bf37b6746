//! An association's past loaded at once (issue 15): its membership history and its past
//! meetings' attendance from XLSX or CSV files, each checked row by row and written in one
//! transaction — every row or none.

use std::collections::{BTreeMap, HashSet};

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use metoda_domain::access::Action;
use metoda_domain::ids::{AssociationId, TeacherId};
use metoda_domain::meetings::Attendance;
use metoda_domain::values::{iso_date, ru_date};
use metoda_store::StoreError;
use metoda_store::associations::{self, Association, leave_refused};
use metoda_store::meetings::{self, PastMeeting};
use metoda_store::results::{self, BankName, Membership};
use serde::Serialize;
use serde_json::{Value, json};
use time::Date;

use crate::AppState;
use crate::auth::{ApiMe, Ctx, Current, Me};
use crate::error::{AppError, PageResult};
use crate::extract::Path;
use crate::features::row_import::{ImportFailure, ImportProblem, read_file};
use crate::pages::{Layout, redirect_with, render_status};

use super::load;

/// Which of the two files.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Members,
    Attendance,
}

/// What a membership history wrote.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct MembershipImported {
    /// Membership periods added.
    pub created: usize,
    /// Current memberships given the leaving date the file names.
    pub closed: usize,
    /// Rows already recorded (the same teacher, joined and left), not recorded again.
    pub skipped: usize,
}

/// What an attendance file wrote.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct AttendanceImported {
    /// Past meetings entered, each held, with its attendance and its paper minutes.
    pub meetings: usize,
    /// Members' marks entered.
    pub marks: usize,
}

/// The association whose history the user may load: they may change its membership, and it is
/// not liquidated.
async fn loader(state: &AppState, me: &Current, aid: AssociationId) -> Result<Association, AppError> {
    let a = load(state, me, aid, Action::Update).await?;
    if !a.is_active() {
        return Err(AppError::Conflict("Объединение ликвидировано: его история не меняется".into()));
    }
    Ok(a)
}

/// «МБОУ «СОШ № 1»» → «мбоусош1»: organization names compared as written by hand.
fn squeeze(s: &str) -> String {
    s.to_lowercase().replace('ё', "е").chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The one teacher of the bank a row names, or the problem.
fn bank_teacher<'a>(bank: &'a [BankName], teacher: &str, organization: &str) -> Result<&'a BankName, String> {
    if teacher.is_empty() {
        return Err("укажите ФИО педагога".into());
    }
    let words = results::name_words(teacher);
    let named: Vec<&BankName> = bank.iter().filter(|b| b.is_named(&words)).collect();
    // the organization tells namesakes apart (a teacher named alone is theirs whatever school
    // the row gives: they may have worked elsewhere then)
    let org = squeeze(organization);
    let here: Vec<&BankName> = if org.is_empty() || named.len() == 1 {
        named.clone()
    } else {
        named
            .iter()
            .copied()
            .filter(|b| squeeze(&b.organization_short) == org || squeeze(&b.organization_full) == org)
            .collect()
    };
    match (here.as_slice(), named.is_empty()) {
        ([one], _) => Ok(one),
        ([], true) => Err(format!("«{teacher}» нет в банке данных педагогов муниципалитета")),
        ([], false) => Err(format!("«{teacher}» нет в банке данных среди работников организации «{organization}»")),
        _ => Err(format!(
            "в банке данных несколько педагогов «{teacher}» — укажите фамилию, имя и отчество полностью и организацию"
        )),
    }
}

/// A date cell of row `n`: the date, or None with its problem in `here` — the cell is empty
/// (`missing`), not a date, or after `latest` (`later`).
fn date_cell(
    here: &mut Vec<ImportProblem>,
    n: usize,
    column: &str,
    raw: &str,
    missing: &str,
    latest: Date,
    later: &str,
) -> Option<Date> {
    let problem = match metoda_domain::values::date("", column, raw) {
        Ok(d) if d <= latest => return Some(d),
        Ok(_) => later.to_owned(),
        Err(_) if raw.is_empty() => missing.to_owned(),
        Err(e) => e.message.split_once(": ").map_or(e.message.clone(), |x| x.1.to_owned()),
    };
    here.push(ImportProblem::new(n, column, problem));
    None
}

/// What to do with a row of the membership history.
enum Step {
    /// A new period (teacher, joined, left).
    Add(TeacherId, Date, Option<Date>),
    /// The current period that began on the same day ends on the date.
    Close(TeacherId, Date),
}

/// The problem a store refusal is for a row.
fn store_message(e: StoreError) -> Result<String, ImportFailure> {
    match e {
        StoreError::Conflict(m) => Ok(m),
        StoreError::Invalid(fields) => Ok(fields.into_iter().map(|f| f.message).collect::<Vec<_>>().join("; ")),
        e => Err(e.into()),
    }
}

/// A row of the membership history once its cells are read: (row, teacher, joined, left).
type Period<'a> = (usize, &'a BankName, Date, Option<Date>);

/// Reads, checks every row, and writes the membership history in one transaction — or nothing.
async fn import_members(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    aid: AssociationId,
    file: Option<(String, Vec<u8>)>,
) -> Result<MembershipImported, ImportFailure> {
    let a = loader(state, me, aid).await?;
    let sheet = read_file(file, "с историей состава", metoda_docs::import::history::read_membership_history)?;
    let mut c = state.db.conn().await?;
    let today = crate::features::local_today(state, &mut c, a.municipality_id).await?;
    let bank = results::bank_names(&mut c, a.municipality_id).await?;
    let known = results::memberships(&mut c, a.id).await?;
    let mut problems: Vec<ImportProblem> = sheet.problems.iter().map(ImportProblem::from).collect();
    // 1. Each row's cells.
    let mut read: Vec<Period> = vec![];
    for row in &sheet.rows {
        let n = row.row;
        let mut here = vec![];
        let teacher = bank_teacher(&bank, &row.teacher, &row.organization)
            .map_err(|m| here.push(ImportProblem::new(n, "Учитель", m)))
            .ok();
        let joined = date_cell(
            &mut here,
            n,
            "Дата включения",
            &row.joined,
            "укажите дату включения в состав",
            today,
            "дата позже сегодняшнего дня",
        );
        let later = "дата позже сегодняшнего дня: выбытие отмечают, когда оно произошло";
        let left = match row.left.is_empty() {
            true => None,
            false => date_cell(&mut here, n, "Дата выбытия", &row.left, "", today, later),
        };
        if let (Some(l), Some(j)) = (left, joined)
            && l < j
        {
            here.push(ImportProblem::new(n, "Дата выбытия", "дата выбытия раньше даты включения"));
        }
        if let (Some(t), Some(joined), true) = (teacher, joined, here.is_empty()) {
            if t.archived_at.is_some() && left.is_none() {
                here.push(ImportProblem::new(
                    n,
                    "Дата выбытия",
                    format!("запись педагога «{}» в архиве банка данных: укажите дату выбытия", t.full_name()),
                ));
            } else {
                read.push((n, t, joined, left));
            }
        }
        problems.extend(here);
    }
    // 2. The periods as they will be: the recorded ones, those the file ends (a leaving date for
    // a current period that began the same day), then each new one checked against them all.
    let mut spans: Vec<(TeacherId, Date, Option<Date>, Option<usize>)> =
        known.iter().map(|k| (k.teacher_id, k.joined_on, k.left_on, None)).collect();
    let mut steps: Vec<(usize, Step)> = vec![];
    let mut skipped = 0;
    let mut fresh = vec![];
    for (n, t, joined, left) in read {
        let same = spans.iter_mut().find(|s| s.0 == t.teacher_id && s.1 == joined && s.3.is_none());
        match (same, left) {
            (Some(s), _) if s.2 == left => skipped += 1,
            (Some(s), Some(l)) if s.2.is_none() => {
                match leave_refused(&mut c, &a, t.teacher_id, &iso_date(l)).await? {
                    Some(why) => problems.push(ImportProblem::new(n, "Дата выбытия", why)),
                    None => steps.push((n, Step::Close(t.teacher_id, l))),
                }
                s.2 = Some(l);
                s.3 = Some(n);
            }
            _ => fresh.push((n, t, joined, left)),
        }
    }
    drop(c);
    for (n, t, joined, left) in fresh {
        let overlaps = |j: Date, l: Option<Date>| left.is_none_or(|x| j < x) && l.is_none_or(|x| joined < x);
        match spans.iter().find(|s| s.0 == t.teacher_id && overlaps(s.1, s.2)) {
            Some((_, j, l, from_row)) => {
                let period = match l {
                    Some(l) => format!("состоял(а) в объединении с {} по {}", ru_date(*j), ru_date(*l)),
                    None => format!("состоит в объединении с {}", ru_date(*j)),
                };
                let whence = from_row.map(|r| format!(" (строка {r})")).unwrap_or_default();
                problems.push(ImportProblem::new(
                    n,
                    "Дата включения",
                    format!("«{}» {period}{whence}: периоды членства не должны пересекаться", t.full_name()),
                ));
            }
            None => steps.push((n, Step::Add(t.teacher_id, joined, left))),
        }
        spans.push((t.teacher_id, joined, left, Some(n)));
    }
    if !problems.is_empty() {
        return Err(ImportFailure::rows(problems, false));
    }
    // in date order, so that each composition annex is written once as of the last change
    steps.sort_by_key(|(_, s)| match s {
        Step::Add(_, j, _) => *j,
        Step::Close(_, l) => *l,
    });
    let mut out = MembershipImported { skipped, ..Default::default() };
    let mut tx = state.db.begin().await?;
    for (n, step) in &steps {
        let (done, column) = match step {
            Step::Add(t, j, l) => {
                let r = associations::record_membership(
                    &mut tx,
                    &ctx.actor(),
                    &a,
                    *t,
                    &iso_date(*j),
                    l.map(iso_date).as_deref(),
                    None,
                )
                .await;
                (r.map(|_| out.created += 1), "Дата включения")
            }
            Step::Close(t, l) => {
                let r = associations::remove_member(&mut tx, &ctx.actor(), &a, *t, &iso_date(*l)).await;
                (r.map(|_| out.closed += 1), "Дата выбытия")
            }
        };
        if let Err(e) = done {
            // the transaction is dropped unfinished: nothing of the file stays
            return Err(ImportFailure::rows(vec![ImportProblem::new(*n, column, store_message(e)?)], false));
        }
    }
    tx.commit().await?;
    Ok(out)
}

/// A mark as people write it.
fn mark(raw: &str) -> Option<Attendance> {
    let s = raw.trim().to_lowercase().replace('ё', "е");
    let s = s.trim_end_matches('.');
    if s.starts_with("уваж") || s.starts_with("ув") || s == "у" || s.starts_with("по уваж") || s.contains("уважительн")
    {
        return Some(Attendance::Excused);
    }
    match s {
        "присутствует"
        | "присутствовал"
        | "присутствовала"
        | "присутствовал(а)"
        | "да"
        | "+"
        | "1"
        | "п"
        | "был"
        | "была"
        | "был(а)" => Some(Attendance::Present),
        "отсутствует"
        | "отсутствовал"
        | "отсутствовала"
        | "отсутствовал(а)"
        | "нет"
        | "-"
        | "–"
        | "—"
        | "0"
        | "н"
        | "не был"
        | "не была"
        | "не был(а)" => Some(Attendance::Absent),
        _ => None,
    }
}

/// One meeting of the file as its rows give it.
#[derive(Default)]
struct Gathered {
    first_row: usize,
    number: Option<(usize, i64)>,
    topics: Vec<String>,
    marks: Vec<(TeacherId, Attendance)>,
    /// teacher → the row that marked them
    rows: BTreeMap<TeacherId, usize>,
}

/// Reads, checks every row, and enters the past meetings in one transaction — or nothing.
async fn import_attendance(
    state: &AppState,
    me: &Current,
    ctx: &Ctx,
    aid: AssociationId,
    file: Option<(String, Vec<u8>)>,
) -> Result<AttendanceImported, ImportFailure> {
    let a = loader(state, me, aid).await?;
    let sheet = read_file(file, "с явкой на заседания", metoda_docs::import::history::read_attendance)?;
    let mut c = state.db.conn().await?;
    let today = crate::features::local_today(state, &mut c, a.municipality_id).await?;
    let settings = crate::features::meetings::settings_for(&mut c, &a).await?;
    let known = results::memberships(&mut c, a.id).await?;
    let taken: HashSet<Date> = meetings::for_association(&mut c, a.id, None)
        .await?
        .into_iter()
        .filter(|m| !m.is_cancelled())
        .map(|m| m.held_on)
        .collect();
    // (plan year, minutes' number) → the date of the meeting that has it
    let mut numbered: BTreeMap<(i64, i64), Date> =
        meetings::minutes_numbers(&mut c, a.id).await?.into_iter().map(|(y, n, d)| ((y, n), d)).collect();
    drop(c);
    let mut problems: Vec<ImportProblem> = sheet.problems.iter().map(ImportProblem::from).collect();
    let mut by_day: BTreeMap<Date, Gathered> = BTreeMap::new();
    for row in &sheet.rows {
        let n = row.row;
        let mut here = vec![];
        let past =
            "из файла вносят заседания, прошедшие до сегодняшнего дня; явку текущего отмечают на странице заседания";
        let on = date_cell(
            &mut here,
            n,
            "Дата заседания",
            &row.on,
            "укажите дату заседания",
            today.previous_day().unwrap_or(today),
            past,
        )
        .filter(|d| {
            let free = !taken.contains(d);
            if !free {
                let message = format!(
                    "на {} у объединения уже есть заседание в системе: явку отмечают на его странице",
                    ru_date(*d)
                );
                here.push(ImportProblem::new(n, "Дата заседания", message));
            }
            free
        });
        let status = mark(&row.mark);
        if status.is_none() {
            let m = if row.mark.is_empty() {
                "укажите явку: «присутствует», «отсутствует» или «уважительная причина»".to_owned()
            } else {
                format!("«{}» — укажите «присутствует», «отсутствует» или «уважительная причина»", row.mark)
            };
            here.push(ImportProblem::new(n, "Явка", m));
        }
        let number = match row.number.trim().trim_start_matches('№').trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(x) if (1..=1000).contains(&x) => Some(x),
                _ => {
                    here.push(ImportProblem::new(
                        n,
                        "№ протокола",
                        format!("«{}» — укажите номер протокола числом", row.number),
                    ));
                    None
                }
            },
        };
        let mut teacher = None;
        if row.teacher.is_empty() {
            here.push(ImportProblem::new(n, "Учитель", "укажите ФИО члена объединения"));
        } else if let Some(on) = on {
            let words = results::name_words(&row.teacher);
            let mut ids: Vec<TeacherId> =
                known.iter().filter(|k| k.is_named(&words) && k.member_on(on)).map(|k| k.teacher_id).collect();
            ids.dedup();
            match ids.as_slice() {
                [one] => teacher = Some(*one),
                [] if known.iter().any(|k| k.is_named(&words)) => here.push(ImportProblem::new(
                    n,
                    "Учитель",
                    format!(
                        "«{}» не состоял(а) в объединении на {}; сначала загрузите историю состава",
                        row.teacher,
                        ru_date(on)
                    ),
                )),
                [] => here.push(ImportProblem::new(
                    n,
                    "Учитель",
                    format!("«{}» нет среди членов объединения «{}»", row.teacher, a.name),
                )),
                _ => here.push(ImportProblem::new(
                    n,
                    "Учитель",
                    format!("в объединении несколько педагогов «{}» — укажите ФИО полностью", row.teacher),
                )),
            }
        }
        if let Some(on) = on {
            let g = by_day.entry(on).or_insert_with(|| Gathered { first_row: n, ..Default::default() });
            match (number, g.number) {
                (Some(x), Some((r, y))) if x != y => here.push(ImportProblem::new(
                    n,
                    "№ протокола",
                    format!("у заседания {} в строке {r} указан протокол № {y}", ru_date(on)),
                )),
                (Some(x), None) => g.number = Some((n, x)),
                _ => {}
            }
            let topic = row.topic.trim();
            if !topic.is_empty() && !g.topics.iter().any(|t| t == topic) {
                g.topics.push(topic.to_owned());
            }
            if let (Some(t), Some(s)) = (teacher, status) {
                if let Some(r) = g.rows.get(&t) {
                    here.push(ImportProblem::new(
                        n,
                        "Учитель",
                        format!("явка этого педагога на заседании {} уже указана в строке {r}", ru_date(on)),
                    ));
                } else {
                    g.rows.insert(t, n);
                    g.marks.push((t, s));
                }
            }
        }
        problems.extend(here);
    }
    // every member on the date is marked, and a minutes' number is free in its plan year
    for (on, g) in &by_day {
        if let Some((row, number)) = g.number {
            let year = i64::from(metoda_domain::meetings::year_of(settings.plan_period.value, *on));
            match numbered.get(&(year, number)) {
                Some(other) => problems.push(ImportProblem::new(
                    row,
                    "№ протокола",
                    format!(
                        "протокол № {number} за этот год уже есть — у заседания {}; проверьте номер или оставьте его \
                         пустым: протокол получит следующий свободный номер",
                        ru_date(*other)
                    ),
                )),
                None => {
                    numbered.insert((year, number), *on);
                }
            }
        }
        let mut missing: Vec<String> = known
            .iter()
            .filter(|k| k.member_on(*on) && !g.rows.contains_key(&k.teacher_id))
            .map(Membership::full_name)
            .collect();
        missing.dedup();
        if !missing.is_empty() {
            problems.push(ImportProblem::new(
                g.first_row,
                "Учитель",
                format!("не указана явка членов объединения на заседании {}: {}", ru_date(*on), missing.join(", ")),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(ImportFailure::rows(problems, false));
    }
    let mut out = AttendanceImported::default();
    let mut tx = state.db.begin().await?;
    for (on, g) in by_day {
        // a meeting without a number takes the next one of its year after those the file claims
        let year = i64::from(metoda_domain::meetings::year_of(settings.plan_period.value, on));
        let number = g.number.map_or_else(
            || numbered.keys().filter(|(y, _)| *y == year).map(|(_, n)| *n).max().unwrap_or(0) + 1,
            |x| x.1,
        );
        numbered.insert((year, number), on);
        let past = PastMeeting { held_on: on, number: Some(number), topics: g.topics, marks: g.marks };
        if let Err(e) = meetings::record_past(&mut tx, &ctx.actor(), &a, &settings, today, &past).await {
            let row = g.number.map_or(g.first_row, |x| x.0);
            return Err(ImportFailure::rows(vec![ImportProblem::new(row, "№ протокола", store_message(e)?)], false));
        }
        out.meetings += 1;
        out.marks += past.marks.len();
    }
    tx.commit().await?;
    Ok(out)
}

async fn read_file_field(mp: &mut axum::extract::Multipart) -> Result<Option<(String, Vec<u8>)>, AppError> {
    Ok(crate::extract::read_upload(mp, &[], "файл").await?.file)
}

#[derive(Template)]
#[template(path = "association_history.html")]
struct HistoryPage {
    l: Layout,
    a: Association,
    /// Which file the result below is about.
    members: bool,
    refusal: Option<String>,
    problems: Vec<ImportProblem>,
    bad_rows: usize,
    file_name: String,
}

fn page(ctx: &Ctx, a: Association, kind: Kind) -> HistoryPage {
    HistoryPage {
        l: Layout::new(ctx, "История объединения из XLSX", "/associations"),
        a,
        members: kind == Kind::Members,
        refusal: None,
        problems: vec![],
        bad_rows: 0,
        file_name: String::new(),
    }
}

pub(super) async fn history_page(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(aid): Path<AssociationId>,
) -> PageResult {
    let a = loader(&state, &me, aid).await?;
    render_status(StatusCode::OK, &page(&ctx, a, Kind::Members))
}

async fn submit(
    state: AppState,
    me: Current,
    ctx: Ctx,
    aid: AssociationId,
    kind: Kind,
    mut mp: axum::extract::Multipart,
) -> PageResult {
    let file = read_file_field(&mut mp).await?;
    let file_name = file.as_ref().map(|(n, _)| n.clone()).unwrap_or_default();
    let failure = match kind {
        Kind::Members => match import_members(&state, &me, &ctx, aid, file).await {
            Ok(done) => {
                let message = format!(
                    "История состава загружена: добавлено периодов членства — {}, отмечено выбытие — {}, уже были внесены — {}",
                    done.created, done.closed, done.skipped
                );
                return Ok(redirect_with(&format!("/associations/{aid}#members"), &message, &ctx));
            }
            Err(f) => f,
        },
        Kind::Attendance => match import_attendance(&state, &me, &ctx, aid, file).await {
            Ok(done) => {
                let message = format!("Внесено прошедших заседаний: {}, отметок явки: {}", done.meetings, done.marks);
                return Ok(redirect_with(&format!("/associations/{aid}#meetings"), &message, &ctx));
            }
            Err(f) => f,
        },
    };
    let (status, refusal, problems, bad_rows) = failure.for_page()?;
    let a = load(&state, &me, aid, Action::Update).await?;
    render_status(status, &HistoryPage { refusal, problems, bad_rows, file_name, ..page(&ctx, a, kind) })
}

pub(super) async fn members_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(aid): Path<AssociationId>,
    crate::extract::Multipart(mp): crate::extract::Multipart,
) -> PageResult {
    submit(state, me, ctx, aid, Kind::Members, mp).await
}

pub(super) async fn attendance_submit(
    State(state): State<AppState>,
    Me(me, ctx): Me,
    Path(aid): Path<AssociationId>,
    crate::extract::Multipart(mp): crate::extract::Multipart,
) -> PageResult {
    submit(state, me, ctx, aid, Kind::Attendance, mp).await
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The membership template with the municipality's teachers to copy from.
pub(super) async fn members_template(
    State(state): State<AppState>,
    Me(me, _): Me,
    Path(aid): Path<AssociationId>,
) -> Result<Response, AppError> {
    let a = loader(&state, &me, aid).await?;
    let mut c = state.db.conn().await?;
    let list: Vec<(String, String)> = results::bank_names(&mut c, a.municipality_id)
        .await?
        .into_iter()
        .map(|b| {
            let archived = if b.archived_at.is_some() { " (в архиве банка данных)" } else { "" };
            (b.full_name(), format!("{}{archived}", b.organization_short))
        })
        .collect();
    let bytes = metoda_docs::import::history::membership_template_xlsx(&list).map_err(AppError::internal)?;
    Ok(crate::pages::download(bytes, XLSX, "history-members-template.xlsx"))
}

/// The attendance template with the association's members, past and present, to copy from.
pub(super) async fn attendance_template(
    State(state): State<AppState>,
    Me(me, _): Me,
    Path(aid): Path<AssociationId>,
) -> Result<Response, AppError> {
    let a = loader(&state, &me, aid).await?;
    let mut c = state.db.conn().await?;
    let ids: HashSet<TeacherId> = results::memberships(&mut c, a.id).await?.into_iter().map(|k| k.teacher_id).collect();
    let list: Vec<(String, String)> = results::bank_names(&mut c, a.municipality_id)
        .await?
        .into_iter()
        .filter(|b| ids.contains(&b.teacher_id))
        .map(|b| (b.full_name(), b.organization_short.clone()))
        .collect();
    let bytes = metoda_docs::import::history::attendance_template_xlsx(&list).map_err(AppError::internal)?;
    Ok(crate::pages::download(bytes, XLSX, "history-attendance-template.xlsx"))
}

/// Load an association's membership history from an XLSX or CSV file: multipart with `file`;
/// columns «Учитель» (full name of a teacher of the municipality's bank), «Организация» (optional,
/// tells namesakes apart), «Дата включения», «Дата выбытия» (empty: still a member). Periods may
/// not overlap; a row that gives a leaving date to a current membership that began the same day
/// ends it; a row already recorded is skipped. All rows are written or none (422 lists every bad
/// row).
#[utoipa::path(post, path = "/api/v1/associations/{id}/history/members", tag = "associations", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", content = Object),
    responses((status = 200, body = MembershipImported), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::features::row_import::ImportErrorBody)))]
pub async fn api_history_members(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(aid): Path<AssociationId>,
    crate::extract::Multipart(mp): crate::extract::Multipart,
) -> Response {
    api_import(state, me, ctx, aid, Kind::Members, mp).await
}

/// The API's answer to either file: what was written, or the refusal with every bad row.
async fn api_import(
    state: AppState,
    me: Current,
    ctx: Ctx,
    aid: AssociationId,
    kind: Kind,
    mut mp: axum::extract::Multipart,
) -> Response {
    let file = match read_file_field(&mut mp).await {
        Ok(f) => f,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let answer =
        |r: Result<Value, ImportFailure>| r.map_or_else(IntoResponse::into_response, |v| Json(v).into_response());
    match kind {
        Kind::Members => answer(import_members(&state, &me, &ctx, aid, file).await.map(|d| json!(d))),
        Kind::Attendance => answer(import_attendance(&state, &me, &ctx, aid, file).await.map(|d| json!(d))),
    }
}

/// Enter past meetings' attendance from an XLSX or CSV file: multipart with `file`; one row per
/// member and meeting: «Дата заседания», «Учитель», «Явка» («присутствует», «отсутствует»,
/// «уважительная причина»), optional «№ протокола» and «Вопрос повестки». Each date becomes a
/// held meeting with every member of that date marked and its minutes signed on paper. All rows
/// are written or none (422 lists every bad row).
#[utoipa::path(post, path = "/api/v1/associations/{id}/history/attendance", tag = "associations", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", content = Object),
    responses((status = 200, body = AttendanceImported), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::features::row_import::ImportErrorBody)))]
pub async fn api_history_attendance(
    State(state): State<AppState>,
    ApiMe(me, ctx): ApiMe,
    Path(aid): Path<AssociationId>,
    crate::extract::Multipart(mp): crate::extract::Multipart,
) -> Response {
    api_import(state, me, ctx, aid, Kind::Attendance, mp).await
}
