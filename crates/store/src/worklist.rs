//! What waits on people: the reads behind the home pages' work lists and the authority's control
//! of its associations. Each reads one kind of row for a whole set of associations (a person's,
//! or a municipality's) in one statement, so a home page costs the same whatever the data.

use std::collections::HashMap;

use metoda_domain::ids::{AssociationId, MeetingId, TeacherId, UserId};
use metoda_domain::meetings::MinutesStatus;
use metoda_domain::plans::PlanStatus;
use metoda_domain::profile::ApprovalStep;
use metoda_domain::profile::Signatory;
use metoda_domain::values::{iso_date, iso_serde};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use time::Date;

use crate::column::Text;
use crate::meetings::{ActionItem, Meeting, Signatories};
use crate::plans::WorkPlan;
use crate::{Among, Result};

fn among(ids: &[i64]) -> Among<'_> {
    Among::Associations(ids)
}

fn raw(ids: &[AssociationId]) -> Vec<i64> {
    ids.iter().map(|a| a.get()).collect()
}

/// Minutes drafted and not yet signed by everyone: what each still needs.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Unsigned {
    pub minutes_id: i64,
    #[sqlx(try_from = "i64")]
    pub meeting_id: MeetingId,
    #[sqlx(try_from = "i64")]
    pub association_id: AssociationId,
    pub association_name: String,
    pub number: i64,
    #[sqlx(try_from = "Text")]
    #[serde(with = "iso_serde")]
    pub held_on: Date,
    #[sqlx(try_from = "Text")]
    #[serde(skip)]
    pub signatories: Signatories,
    /// The chair and the secretary named for the meeting (they sign in those roles themselves).
    pub chair_teacher_id: Option<i64>,
    pub secretary_teacher_id: Option<i64>,
    /// The roles that have signed, and who (filled after the read).
    #[sqlx(skip)]
    pub signed: Vec<(Signatory, i64)>,
}

impl Unsigned {
    /// The required roles not signed yet.
    pub fn waiting(&self) -> Vec<Signatory> {
        self.signatories.0.iter().copied().filter(|s| !self.signed.iter().any(|(r, _)| r == s)).collect()
    }
    /// Whether the minutes wait for `user`, who signs in `roles` and whose teacher records are
    /// `teachers`: a role still to sign that is theirs — the chair and the secretary only as the
    /// ones named for the meeting — and no signature of theirs yet (one person signs once), as
    /// `meetings::sign` accepts.
    pub fn awaits(&self, user: UserId, roles: &[Signatory], teachers: &[TeacherId]) -> bool {
        if self.signed.iter().any(|(_, u)| *u == user.get()) {
            return false;
        }
        let named = |t: Option<i64>| t.is_none_or(|t| teachers.iter().any(|x| x.get() == t));
        self.waiting().iter().any(|r| {
            roles.contains(r)
                && match r {
                    Signatory::Chair => named(self.chair_teacher_id),
                    Signatory::Secretary => named(self.secretary_teacher_id),
                    Signatory::Head => true,
                }
        })
    }
}

/// The unsigned minutes of these associations, oldest meeting first.
pub async fn unsigned_minutes(conn: &mut AnyConnection, ids: &[AssociationId]) -> Result<Vec<Unsigned>> {
    let ids = raw(ids);
    let w = among(&ids).sql("n.association_id");
    let mut rows: Vec<Unsigned> = sqlx::query_as(&format!(
        "SELECT n.id AS minutes_id, n.meeting_id, n.association_id, a.name AS association_name, n.number, m.held_on,
                n.signatories, m.chair_teacher_id, m.secretary_teacher_id
         FROM minutes n JOIN meetings m ON m.id = n.meeting_id JOIN associations a ON a.id = n.association_id
         WHERE {w} AND n.status <> $2 ORDER BY m.held_on, n.id"
    ))
    .bind(among(&ids).id())
    .bind(MinutesStatus::Signed.code())
    .fetch_all(&mut *conn)
    .await?;
    let signed: Vec<(i64, Text, i64)> = sqlx::query_as(&format!(
        "SELECT s.minutes_id, s.role, s.user_id FROM minutes_signatures s JOIN minutes n ON n.id = s.minutes_id
         WHERE {w} AND n.status <> $2"
    ))
    .bind(among(&ids).id())
    .bind(MinutesStatus::Signed.code())
    .fetch_all(&mut *conn)
    .await?;
    let mut by: HashMap<i64, Vec<(Signatory, i64)>> = HashMap::new();
    for (m, role, user) in signed {
        by.entry(m).or_default().push((role.try_into().map_err(crate::column::fault)?, user));
    }
    for r in &mut rows {
        r.signed = by.remove(&r.minutes_id).unwrap_or_default();
    }
    Ok(rows)
}

/// The planned meetings of these associations from `from` on, nearest first, at most `limit` of
/// each association.
pub async fn next_meetings(
    conn: &mut AnyConnection,
    ids: &[AssociationId],
    from: Date,
    limit: i64,
) -> Result<Vec<Meeting>> {
    crate::meetings::planned_from(conn, ids, from, limit).await
}

/// The open tasks of these associations' meetings that are past their due date, oldest first, at
/// most `limit` of each association.
pub async fn overdue_actions(
    conn: &mut AnyConnection,
    ids: &[AssociationId],
    today: Date,
    limit: i64,
) -> Result<Vec<ActionItem>> {
    crate::meetings::overdue_of(conn, ids, today, limit).await
}

/// A plan of the year, with the steps taken.
#[derive(Debug, Clone)]
pub struct DraftPlan {
    pub plan: WorkPlan,
    pub association_name: String,
    pub done: Vec<ApprovalStep>,
}

impl DraftPlan {
    /// The next step of its path (None: approved, none left).
    pub fn next(&self) -> Option<ApprovalStep> {
        if self.plan.status == PlanStatus::Approved {
            return None;
        }
        let mut path = metoda_domain::meetings::PlanPath::new(&self.plan.steps.0);
        path.done = self.done.clone();
        path.next()
    }
}

#[derive(FromRow)]
struct PlanRow {
    #[sqlx(flatten)]
    plan: WorkPlan,
    association_name: String,
}

/// The plans of the plan year `year` of these associations, approved or not.
pub async fn plans_of_year(conn: &mut AnyConnection, ids: &[AssociationId], year: i32) -> Result<Vec<DraftPlan>> {
    let ids = raw(ids);
    let w = among(&ids).sql("p.association_id");
    let plans: Vec<PlanRow> = sqlx::query_as(&format!(
        "SELECT p.id, p.association_id, p.year, p.period, p.title, p.steps, p.status, p.version, p.approved_at,
                p.created_at, p.updated_at, a.name AS association_name
         FROM work_plans p JOIN associations a ON a.id = p.association_id
         WHERE {w} AND p.year = $2 ORDER BY a.name, p.id"
    ))
    .bind(among(&ids).id())
    .bind(i64::from(year))
    .fetch_all(&mut *conn)
    .await?;
    let steps: Vec<(i64, Text)> = sqlx::query_as(&format!(
        "SELECT s.plan_id, s.step FROM plan_steps s JOIN work_plans p ON p.id = s.plan_id
         WHERE {w} AND p.year = $2 ORDER BY s.id"
    ))
    .bind(among(&ids).id())
    .bind(i64::from(year))
    .fetch_all(&mut *conn)
    .await?;
    let mut by: HashMap<i64, Vec<ApprovalStep>> = HashMap::new();
    for (p, s) in steps {
        by.entry(p).or_default().push(s.try_into().map_err(crate::column::fault)?);
    }
    Ok(plans
        .into_iter()
        .map(|r| DraftPlan {
            done: by.remove(&r.plan.id.get()).unwrap_or_default(),
            plan: r.plan,
            association_name: r.association_name,
        })
        .collect())
}

/// Results waiting for a curator's decision, by association: those of the association's current
/// members (a result of two members of one association counts once).
pub async fn pending_results(conn: &mut AnyConnection, ids: &[AssociationId]) -> Result<HashMap<AssociationId, i64>> {
    let ids = raw(ids);
    let rows: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT am.association_id, COUNT(DISTINCT r.id) FROM results r
         JOIN result_teachers rt ON rt.result_id = r.id
         JOIN association_members am ON am.teacher_id = rt.teacher_id AND am.left_on IS NULL
         WHERE {} AND r.archived_at IS NULL AND r.status = 'pending'
         GROUP BY am.association_id",
        among(&ids).sql("am.association_id")
    ))
    .bind(among(&ids).id())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(a, n)| (AssociationId(a), n)).collect())
}

/// Results of a municipality waiting for a curator's decision.
pub async fn pending_in(conn: &mut AnyConnection, m: metoda_domain::ids::MunicipalityId) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM results WHERE municipality_id = $1 AND archived_at IS NULL AND status = 'pending'",
    )
    .bind(m.get())
    .fetch_one(&mut *conn)
    .await?)
}

/// Current members whose qualification category has expired or expires by `until`, by association.
pub async fn expiring_categories(
    conn: &mut AnyConnection,
    ids: &[AssociationId],
    until: Date,
) -> Result<HashMap<AssociationId, i64>> {
    let ids = raw(ids);
    let rows: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT am.association_id, COUNT(DISTINCT t.id) FROM association_members am
         JOIN teachers t ON t.id = am.teacher_id
         WHERE {} AND am.left_on IS NULL AND t.archived_at IS NULL AND t.category <> 'none'
           AND t.category_expires_on IS NOT NULL AND t.category_expires_on <= $2
         GROUP BY am.association_id",
        among(&ids).sql("am.association_id")
    ))
    .bind(among(&ids).id())
    .bind(iso_date(until))
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(a, n)| (AssociationId(a), n)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minutes(required: Vec<Signatory>, chair: Option<i64>, secretary: Option<i64>) -> Unsigned {
        Unsigned {
            minutes_id: 1,
            meeting_id: MeetingId(1),
            association_id: AssociationId(5),
            association_name: "ММО".into(),
            number: 1,
            held_on: time::macros::date!(2026 - 11 - 20),
            signatories: Signatories(required),
            chair_teacher_id: chair,
            secretary_teacher_id: secretary,
            signed: vec![],
        }
    }

    #[test]
    fn minutes_wait_only_for_those_who_can_sign_them() {
        use Signatory::{Chair, Head, Secretary};
        // 004 §4.4: the chair and the secretary sign; teacher 1 chaired, teacher 3 kept the minutes.
        let mut m = minutes(vec![Chair, Secretary], Some(1), Some(3));
        let deputy = (UserId(20), [Chair], [TeacherId(2)]);
        assert!(!m.awaits(deputy.0, &deputy.1, &deputy.2), "the deputy did not chair this meeting");
        let head = (UserId(10), [Head, Chair], [TeacherId(1)]);
        assert!(m.awaits(head.0, &head.1, &head.2), "the head chaired it");
        let secretary = (UserId(30), [Secretary], [TeacherId(3)]);
        assert!(m.awaits(secretary.0, &secretary.1, &secretary.2));
        // Signed as chair: the head's part is done, one person signs once.
        m.signed.push((Chair, 10));
        assert!(!m.awaits(head.0, &head.1, &head.2));
        assert!(m.awaits(secretary.0, &secretary.1, &secretary.2));
        // 002 §3.3: the head signs, whoever chaired.
        let m = minutes(vec![Head], Some(1), Some(3));
        assert!(m.awaits(UserId(10), &[Head, Chair], &[TeacherId(9)]));
        assert!(!m.awaits(UserId(30), &[Secretary], &[TeacherId(3)]));
    }
}
