//! Typed columns: rows decode into domain types when they are read.
//!
//! The schema keeps portable TEXT and BIGINT (decision 0002); a store struct still has
//! `Education`, `time::Date` or `bool` fields. A field names the column's raw type and the
//! conversion runs while the row is decoded:
//!
//! ```ignore
//! #[sqlx(try_from = "Text")]    pub education: Education,
//! #[sqlx(try_from = "OptText")] pub level: Option<Level>,
//! #[sqlx(try_from = "Text")]    pub birth_date: Date,
//! #[sqlx(try_from = "Flag")]    pub young_specialist: bool,
//! ```
//!
//! A value this build does not know (a code no enumeration has, a malformed date, a flag other
//! than 0/1) fails the query with [`Undecodable`], naming the type and the value: it is a fault to
//! look at, never a silent default.

use std::fmt;

use metoda_domain::Code;
use sqlx::any::{Any, AnyTypeInfo, AnyValueRef};
use sqlx::decode::Decode;
use sqlx::error::BoxDynError;
use sqlx::types::Type;
use time::Date;

/// A TEXT column as read, before it becomes a domain value.
pub struct Text(pub String);

/// A nullable TEXT column as read.
pub struct OptText(pub Option<String>);

/// A BIGINT 0/1 column as read.
pub struct Flag(pub i64);

/// A nullable BIGINT id column as read, before it becomes an id type of `metoda_domain::ids`
/// (a NOT NULL one needs no wrapper: `#[sqlx(try_from = "i64")]`).
pub struct OptId(pub Option<i64>);

macro_rules! raw_column {
    ($wrapper:ident, $inner:ty, $decoded:ty) => {
        impl Type<Any> for $wrapper {
            fn type_info() -> AnyTypeInfo {
                <$decoded as Type<Any>>::type_info()
            }
            fn compatible(ty: &AnyTypeInfo) -> bool {
                <$decoded as Type<Any>>::compatible(ty)
            }
        }
        impl<'r> Decode<'r, Any> for $wrapper {
            fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
                Ok($wrapper(<$inner as Decode<'r, Any>>::decode(value)?))
            }
        }
    };
}

raw_column!(Text, String, String);
raw_column!(OptText, Option<String>, String);
raw_column!(Flag, i64, i64);
raw_column!(OptId, Option<i64>, i64);

/// `From<OptId>` for each id type (the derive's `try_from` takes it through the blanket `TryFrom`).
macro_rules! opt_ids {
    ($($t:ident),* $(,)?) => {$(
        impl From<OptId> for Option<metoda_domain::ids::$t> {
            fn from(raw: OptId) -> Self {
                raw.0.map(metoda_domain::ids::$t)
            }
        }
    )*};
}

opt_ids!(
    RegionId,
    MunicipalityId,
    OrganizationId,
    AssociationId,
    TeacherId,
    UserId,
    MeetingId,
    ResultId,
    PlanId,
    OrderId
);

/// A stored value this build cannot read as its type.
#[derive(Debug)]
pub struct Undecodable {
    pub expected: &'static str,
    pub value: String,
}

impl fmt::Display for Undecodable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "stored value {:?} is not a {}", self.value, self.expected)
    }
}

impl std::error::Error for Undecodable {}

/// A value read outside a row struct (a tuple of a query) that did not decode: the query's error.
pub fn fault(e: Undecodable) -> crate::StoreError {
    crate::StoreError::Db(sqlx::Error::Decode(Box::new(e)))
}

fn code<T: Code>(raw: String) -> Result<T, Undecodable> {
    metoda_domain::from_stored(&raw).ok_or(Undecodable { expected: std::any::type_name::<T>(), value: raw })
}

fn date(raw: String) -> Result<Date, Undecodable> {
    metoda_domain::values::stored_date(&raw)
        .filter(|d| metoda_domain::values::iso_date(*d) == raw)
        .ok_or(Undecodable { expected: "date YYYY-MM-DD", value: raw })
}

/// `TryFrom<Text>` and `TryFrom<OptText>` for each listed type, through `$read`.
macro_rules! from_text {
    ($read:ident: $($t:ty),* $(,)?) => {$(
        impl TryFrom<Text> for $t {
            type Error = Undecodable;
            fn try_from(raw: Text) -> Result<Self, Undecodable> {
                $read(raw.0)
            }
        }
        impl TryFrom<OptText> for Option<$t> {
            type Error = Undecodable;
            fn try_from(raw: OptText) -> Result<Self, Undecodable> {
                raw.0.map($read).transpose()
            }
        }
    )*};
}

from_text!(date: Date);

/// The enumerations stored in columns: `from_text!` for each, and a test that each one's serde
/// name (what the audit trail's JSON of a row holds) is its stored code.
macro_rules! stored_codes {
    ($($t:ty),* $(,)?) => {
        from_text!(code: $($t),*);

        #[cfg(test)]
        fn serde_names_that_are_not_codes() -> Vec<String> {
            let mut wrong = vec![];
            $(
                for v in <$t as Code>::all() {
                    if serde_json::to_value(v).ok() != Some(serde_json::Value::from(v.code())) {
                        wrong.push(format!("{}::{}", stringify!($t), v.code()));
                    }
                }
            )*
            wrong
        }
    };
}

stored_codes!(
    metoda_domain::access::Role,
    metoda_domain::access::ScopeKind,
    metoda_domain::directory::AssociationStatus,
    metoda_domain::directory::OrganizationKind,
    metoda_domain::meetings::Attendance,
    metoda_domain::meetings::MeetingStatus,
    metoda_domain::meetings::Outcome,
    metoda_domain::orders::OfficerRole,
    metoda_domain::orders::OrderKind,
    metoda_domain::plans::ActivityDirection,
    metoda_domain::plans::ItemStatus,
    metoda_domain::plans::WorkForm,
    metoda_domain::profile::SubgroupKind,
    metoda_domain::reports::ReportStatus,
    metoda_domain::results::Confirmation,
    metoda_domain::results::Format,
    metoda_domain::results::Level,
    metoda_domain::results::Placement,
    metoda_domain::results::PresentationForm,
    metoda_domain::results::StudentEvent,
    metoda_domain::results::TeacherResultKind,
    metoda_domain::teachers::Category,
    metoda_domain::teachers::CourseKind,
    metoda_domain::teachers::DifficultyKind,
    metoda_domain::teachers::Education,
    metoda_domain::files::AttachmentKind,
    metoda_domain::files::AttachmentOwner,
    metoda_domain::meetings::MinutesStatus,
    metoda_domain::notify::NotificationKind,
    metoda_domain::notify::EmailMode,
    metoda_domain::profile::Signatory,
    metoda_domain::meetings::Evidence,
    metoda_domain::plans::PlanStatus,
    metoda_domain::profile::ApprovalStep,
    metoda_domain::profile::PlanPeriod,
    metoda_domain::teachers::TopicStatus,
    metoda_domain::results::NonObjectiveSubject,
    metoda_domain::events::EventForm,
    metoda_domain::events::Audience,
    metoda_domain::events::EventFormat,
    metoda_domain::events::Reach,
    metoda_domain::events::EventStatus,
    metoda_domain::events::RegistrationStatus,
    metoda_domain::events::CertificateKind,
    metoda_domain::events::ProgrammeKind,
    metoda_domain::events::StaffRole,
);

impl TryFrom<Flag> for bool {
    type Error = Undecodable;
    fn try_from(raw: Flag) -> Result<Self, Undecodable> {
        match raw.0 {
            0 => Ok(false),
            1 => Ok(true),
            v => Err(Undecodable { expected: "flag 0/1", value: v.to_string() }),
        }
    }
}

#[cfg(test)]
mod tests {
    use metoda_domain::teachers::Education;

    use super::*;

    #[test]
    fn every_stored_enumeration_serializes_as_its_code() {
        assert_eq!(serde_names_that_are_not_codes(), Vec::<String>::new());
    }

    #[test]
    fn known_values_decode_and_unknown_ones_are_faults() {
        assert_eq!(Education::try_from(Text("higher".into())).unwrap(), Education::Higher);
        assert!(Education::try_from(Text("высшее".into())).is_err(), "a label is not a stored code");
        assert!(Education::try_from(Text("phd".into())).is_err());
        assert_eq!(Option::<Education>::try_from(OptText(None)).unwrap(), None);
        assert_eq!(
            Option::<Date>::try_from(OptText(Some("2026-05-30".into()))).unwrap(),
            Some(time::macros::date!(2026 - 05 - 30))
        );
        assert!(Date::try_from(Text("30.05.2026".into())).is_err(), "stored dates are ISO only");
        assert!(Date::try_from(Text("2026-02-30".into())).is_err());
        assert!(bool::try_from(Flag(1)).unwrap());
        assert!(bool::try_from(Flag(2)).is_err());
    }
}
