//! What a process keeps computed, and how it knows it is still true (decision 0020).
//!
//! The overview of a municipality's analyses and the region's roll-up sum the yearly analysis of
//! every association: reading a municipality's facts and computing a hundred analyses takes about
//! a hundred milliseconds, the region's ten municipalities a second. The figures change only when
//! the data does, and every change of the data is recorded in the audit trail, whose
//! [`audit::record`](crate::audit::record) calls [`changed`] in the same transaction: it adds one
//! to the municipality's row of `change_counters`. A reader takes the counters first, then the
//! data; what it computes is kept under the counters it took. The next reader whose counters are
//! the same uses it; a change in between makes the counters differ and the analyses are computed
//! again. Counters are rows updated in place (not sequence values): a writer that commits later
//! always leaves a larger counter, so no commit order can hide a change. Each app server keeps
//! its own memo; the counters they compare with are shared.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use metoda_domain::analysis::{self, Analysis, Period};
use metoda_domain::ids::{AssociationId, MunicipalityId};
use sqlx::AnyConnection;
use time::Date;

use crate::{Db, Result, results};

/// The counter row of changes outside any municipality.
const OUTSIDE: i64 = 0;
/// At most this many municipalities × periods × dates are kept; the oldest goes first.
const CAPACITY: usize = 256;

/// The analyses of a municipality's associations, figures only (no sources), by association.
pub type Analyses = Arc<HashMap<AssociationId, Analysis>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    municipality_id: MunicipalityId,
    period: Period,
    date: Date,
}

/// The counters a computation was made under: the municipality's and the one outside any.
type Versions = (i64, i64);

#[derive(Debug, Default)]
struct Kept {
    entries: HashMap<Key, (Versions, u64, Analyses)>,
    /// Incremented on every insert; the smallest stamp is evicted first.
    stamp: u64,
}

/// The process's memo; one per [`Db`].
#[derive(Debug, Default)]
pub struct Memo {
    analyses: Mutex<Kept>,
}

/// Adds one to the change counter of a municipality (or of the outside of any): called by the
/// audit trail for every change it records, in the change's transaction.
pub async fn changed(conn: &mut AnyConnection, municipality_id: Option<MunicipalityId>) -> Result<()> {
    sqlx::query(
        "INSERT INTO change_counters (municipality_id, version) VALUES ($1, 1)
         ON CONFLICT (municipality_id) DO UPDATE SET version = change_counters.version + 1",
    )
    .bind(municipality_id.map_or(OUTSIDE, i64::from))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The change counters of municipalities, each with the one of the outside of any.
async fn versions(conn: &mut AnyConnection, municipalities: &[MunicipalityId]) -> Result<Vec<Versions>> {
    let mut rows: Vec<(i64, i64)> = vec![];
    for chunk in municipalities.chunks(500) {
        let marks: Vec<String> = (2..=chunk.len() + 1).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT municipality_id, version FROM change_counters WHERE municipality_id IN ($1, {})",
            marks.join(", ")
        );
        let mut q = sqlx::query_as::<_, (i64, i64)>(&sql).bind(OUTSIDE);
        for m in chunk {
            q = q.bind(m.get());
        }
        rows.extend(q.fetch_all(&mut *conn).await?);
    }
    let of = |id: i64| rows.iter().find(|(m, _)| *m == id).map_or(0, |(_, v)| *v);
    Ok(municipalities.iter().map(|m| (of(m.get()), of(OUTSIDE))).collect())
}

/// The live analysis of every association that has facts in the period, as of its date, with the
/// indicators' figures only, for each (municipality, period, date) in order: computed from the
/// facts ([`results::facts_of_municipality`]) unless this process computed them under the same
/// change counters. The counters of all of them are read in one query, the facts only of those
/// whose analyses are not kept.
pub async fn analyses_of_municipalities(
    db: &Db,
    conn: &mut AnyConnection,
    wanted: &[(MunicipalityId, Period, Date)],
) -> Result<Vec<Analyses>> {
    let ids: Vec<MunicipalityId> = wanted.iter().map(|w| w.0).collect();
    let now = versions(conn, &ids).await?;
    let mut out = vec![];
    for (&(municipality_id, period, date), version) in wanted.iter().zip(now) {
        let key = Key { municipality_id, period, date };
        let hit = {
            let kept = db.memo().analyses.lock().unwrap_or_else(PoisonError::into_inner);
            kept.entries.get(&key).filter(|(v, _, _)| *v == version).map(|(_, _, a)| a.clone())
        };
        if let Some(a) = hit {
            out.push(a);
            continue;
        }
        let computed: HashMap<AssociationId, Analysis> = results::facts_of_municipality(conn, municipality_id, period)
            .await?
            .into_iter()
            .map(|f| (AssociationId(f.association_id), analysis::compute(period, date, &f.for_analysis()).figures()))
            .collect();
        let computed = Arc::new(computed);
        let mut kept = db.memo().analyses.lock().unwrap_or_else(PoisonError::into_inner);
        kept.stamp += 1;
        let stamp = kept.stamp;
        kept.entries.insert(key, (version, stamp, computed.clone()));
        if kept.entries.len() > CAPACITY
            && let Some(oldest) = kept.entries.iter().min_by_key(|(_, (_, s, _))| *s).map(|(k, _)| *k)
        {
            kept.entries.remove(&oldest);
        }
        out.push(computed);
    }
    Ok(out)
}
