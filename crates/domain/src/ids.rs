//! Identifiers of the main entities, one type each, so that an association's id cannot be passed
//! where a teacher's is expected. In JSON and in the database they are the plain integer.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// The integer as stored.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl From<i64> for $name {
            fn from(v: i64) -> Self {
                $name(v)
            }
        }

        impl From<$name> for i64 {
            fn from(v: $name) -> i64 {
                v.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().map($name)
            }
        }
    )*};
}

ids! {
    /// A region (субъект РФ).
    RegionId;
    /// A municipality.
    MunicipalityId;
    /// An educational organization.
    OrganizationId;
    /// A methodological association.
    AssociationId;
    /// A teacher of the data bank.
    TeacherId;
    /// A user account.
    UserId;
    /// A meeting of an association.
    MeetingId;
    /// A result of teachers and their students.
    ResultId;
    /// A work plan.
    PlanId;
    /// An order of the authority.
    OrderId;
    /// An event (seminar, master class, open lesson, contest, olympiad…).
    EventId;
}

/// Plain integers (a scalar query's column, a form's list) as ids of one type.
pub fn typed<T: From<i64>>(ids: impl IntoIterator<Item = i64>) -> Vec<T> {
    ids.into_iter().map(T::from).collect()
}

/// Ids as the plain integers a form carries.
pub fn plain<T: Into<i64>>(ids: impl IntoIterator<Item = T>) -> Vec<i64> {
    ids.into_iter().map(Into::into).collect()
}

/// A pick list of (id, label) with plain ids, as a page's `<select>` compares them with what a
/// form typed.
pub fn plain_choices<T: Into<i64>>(choices: impl IntoIterator<Item = (T, String)>) -> Vec<(i64, String)> {
    choices.into_iter().map(|(id, label)| (id.into(), label)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_its_integer_in_json_and_text() {
        assert_eq!(serde_json::to_string(&TeacherId(7)).unwrap(), "7");
        assert_eq!(serde_json::from_str::<AssociationId>("12").unwrap(), AssociationId(12));
        assert_eq!(" 5 ".parse::<MeetingId>().unwrap(), MeetingId(5));
        assert!("x".parse::<MeetingId>().is_err());
        assert_eq!(TeacherId(3).to_string(), "3");
    }

    #[test]
    fn lists_convert_both_ways() {
        let ids: Vec<TeacherId> = typed([1, 2]);
        assert_eq!(ids, [TeacherId(1), TeacherId(2)]);
        assert_eq!(plain(ids), [1, 2]);
        assert_eq!(plain_choices([(OrderId(4), "№ 4".to_owned())]), [(4, "№ 4".to_owned())]);
    }
}
