//! Reminders of what comes due: an association's yearly analysis a month and a week before its
//! profile's deadline (to its head and deputies), a teacher's qualification category six months
//! before it expires (to the teacher and their organization's administrators). Each reminder is
//! given once per user: `reminders_sent` holds the keys given, so every app server may run the
//! pass (hourly) and a server that was down on the day still reminds late rather than never.

use metoda_domain::access::Role;
use metoda_domain::ids::UserId;
use metoda_domain::notify::{NotificationKind, deadlines_ahead, in_days};
use metoda_domain::values::{iso_date, ru_date};
use sqlx::AnyConnection;
use time::OffsetDateTime;

use crate::column::Text;
use crate::notify::notify;
use crate::{Result, now};

/// Gives the reminder `key` to `user` unless it was given; true when given now. Call inside the
/// transaction that writes the notification.
async fn first_time(conn: &mut AnyConnection, user: UserId, key: &str) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO reminders_sent (user_id, key, created_at) VALUES ($1, $2, $3) ON CONFLICT (user_id, key) DO NOTHING",
    )
    .bind(user.get())
    .bind(key)
    .bind(now())
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// What one pass reminded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reminded {
    pub deadlines: u64,
    pub categories: u64,
}

#[derive(sqlx::FromRow)]
struct Open {
    association_id: i64,
    name: String,
    user_id: i64,
}

#[derive(sqlx::FromRow)]
struct Expiring {
    teacher_id: i64,
    name: String,
    #[sqlx(try_from = "Text")]
    expires_on: time::Date,
    user_id: i64,
    /// The teacher's own account (else an administrator of the organization).
    own: i64,
}

/// Runs every reminder due at `at` (each municipality's local day) and returns how many were
/// given. Each municipality in its own transaction.
pub async fn run(conn: &mut AnyConnection, at: OffsetDateTime) -> Result<Reminded> {
    let mut done = Reminded::default();
    let munis: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT id, region_id, utc_offset_minutes FROM municipalities WHERE archived_at IS NULL ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (m, _region, offset) in munis {
        let today = metoda_domain::time::LocalZone::stored(offset).today(at);
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        if let Some(settings) =
            crate::profiles::municipality_settings(&mut tx, metoda_domain::ids::MunicipalityId(m)).await?
        {
            for (period, due, mark) in deadlines_ahead(&settings.analysis_deadlines.value, today) {
                // Active associations without a submitted or accepted report for the period, with
                // their heads and deputies.
                let open: Vec<Open> = sqlx::query_as(
                    "SELECT a.id AS association_id, a.name, g.user_id FROM associations a
                     JOIN role_grants g ON g.association_id = a.id AND g.role IN ($2, $3)
                     JOIN users u ON u.id = g.user_id AND u.archived_at IS NULL
                     WHERE a.municipality_id = $1 AND a.status = 'active' AND a.archived_at IS NULL
                       AND a.id NOT IN (SELECT r.association_id FROM analysis_reports r
                                        WHERE r.period = $4 AND r.year = $5 AND r.status IN ('submitted', 'accepted'))
                     ORDER BY a.id, g.user_id",
                )
                .bind(m)
                .bind(Role::AssociationHead.code())
                .bind(Role::Deputy.code())
                .bind(period.kind.code())
                .bind(i64::from(period.year))
                .fetch_all(&mut *tx)
                .await?;
                for o in open {
                    let key = format!("analysis:{}:{}:{}:{mark}", o.association_id, period.kind.code(), period.year);
                    if first_time(&mut tx, UserId(o.user_id), &key).await? {
                        let left = (due - today).whole_days();
                        let title = format!(
                            "Срок сдачи анализа работы «{}» за {} — {} ({})",
                            o.name,
                            period.label_ru(),
                            ru_date(due),
                            in_days(left)
                        );
                        let link = format!("/associations/{}/analysis", o.association_id);
                        notify(&mut tx, UserId(o.user_id), NotificationKind::DeadlineApproaching, &title, Some(&link))
                            .await?;
                        done.deadlines += 1;
                    }
                }
            }
        }
        // Categories expiring within six months: the teacher (with an account) and the
        // administrators of the teacher's organization.
        let until = metoda_domain::teachers::add_months(today, 6);
        let expiring: Vec<Expiring> = sqlx::query_as(
            "SELECT t.id AS teacher_id, t.last_name || ' ' || t.first_name || COALESCE(' ' || t.middle_name, '') AS name,
                    t.category_expires_on AS expires_on, t.user_id, CAST(1 AS BIGINT) AS own
             FROM teachers t JOIN users u ON u.id = t.user_id AND u.archived_at IS NULL
             WHERE t.municipality_id = $1 AND t.archived_at IS NULL AND t.category <> 'none'
               AND t.category_expires_on >= $2 AND t.category_expires_on <= $3
             UNION ALL
             SELECT t.id, t.last_name || ' ' || t.first_name || COALESCE(' ' || t.middle_name, ''),
                    t.category_expires_on, g.user_id, CAST(0 AS BIGINT)
             FROM teachers t JOIN role_grants g ON g.organization_id = t.organization_id AND g.role = $4
                  JOIN users u ON u.id = g.user_id AND u.archived_at IS NULL
             WHERE t.municipality_id = $1 AND t.archived_at IS NULL AND t.category <> 'none'
               AND t.category_expires_on >= $2 AND t.category_expires_on <= $3
             ORDER BY 1, 4",
        )
        .bind(m)
        .bind(iso_date(today))
        .bind(iso_date(until))
        .bind(Role::OrgAdmin.code())
        .fetch_all(&mut *tx)
        .await?;
        for e in expiring {
            let key = format!("category:{}:{}", e.teacher_id, iso_date(e.expires_on));
            if first_time(&mut tx, UserId(e.user_id), &key).await? {
                let title = if e.own == 1 {
                    format!(
                        "Ваша квалификационная категория действует до {}: пора готовиться к аттестации",
                        ru_date(e.expires_on)
                    )
                } else {
                    format!("Квалификационная категория педагога {} действует до {}", e.name, ru_date(e.expires_on))
                };
                let link = format!("/teachers/{}", e.teacher_id);
                notify(&mut tx, UserId(e.user_id), NotificationKind::CategoryExpiring, &title, Some(&link)).await?;
                done.categories += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(done)
}
