//! Pure rules of Metoda: no IO, no database, no HTTP.
//!
//! A guided tour:
//! - [`profile`] — regulation profiles: the settings of a municipal regulation, the five seed presets.
//! - [`access`] — roles, their scopes and the one function that answers "may this user do this to that".
//! - [`values`] — validated values parsed at the boundary (names, logins, passwords, e-mails, dates).
//! - [`audit`] — what changed between two versions of a record.
//! - [`teachers`] — the teacher data bank: academic years, age, experience, categories, bands.
//! - [`orders`] — orders of the authority and their effects on associations.
//! - [`time`] — a municipality's time zone: its local "today" and local times of stored UTC stamps.

/// The code, the Russian label and the list of a plain enumeration: `coded!(Enum { Variant => "code",
/// "label"; … })`. `from_code` also takes the label, in any case, as an office's spreadsheet spells it.
macro_rules! coded {
    ($t:ty { $($v:ident => $code:literal, $label:literal;)* }) => {
        impl $t {
            pub const ALL: &'static [$t] = &[$(<$t>::$v),*];
            pub fn code(self) -> &'static str { match self { $(<$t>::$v => $code),* } }
            pub fn label_ru(self) -> &'static str { match self { $(<$t>::$v => $label),* } }
            /// By code or by the Russian label (any case), as an office's spreadsheet spells it.
            pub fn from_code(s: &str) -> Option<$t> {
                let s = s.trim().to_lowercase();
                Self::ALL.iter().copied().find(|v| v.code() == s || v.label_ru().to_lowercase() == s)
            }
        }
        impl $crate::Code for $t {
            fn all() -> &'static [Self] { Self::ALL }
            fn code(self) -> &'static str { <$t>::code(self) }
        }
    };
}

/// An enumeration stored in the database under a stable code (its serde name as well).
pub trait Code: Copy + 'static {
    /// Every variant.
    fn all() -> &'static [Self];
    /// The code stored in the database and sent in JSON.
    fn code(self) -> &'static str;
}

/// `Code` for an enumeration that has its own `ALL` and `code`.
macro_rules! stored_code {
    ($($t:ty),*) => {$(
        impl $crate::Code for $t {
            fn all() -> &'static [Self] { <$t>::ALL }
            fn code(self) -> &'static str { <$t>::code(self) }
        }
    )*};
}

stored_code!(
    access::Role,
    access::ScopeKind,
    directory::OrganizationKind,
    orders::OrderKind,
    orders::OfficerRole,
    meetings::Outcome
);

/// The variant stored under exactly `code` (no label, no case folding: a value read back from the
/// database is either a code this build knows or a fault).
pub fn from_stored<T: Code>(code: &str) -> Option<T> {
    T::all().iter().copied().find(|v| v.code() == code)
}

pub mod access;
pub mod analysis;
pub mod audit;
pub mod calendar;
pub mod directory;
pub mod documents;
pub mod events;
pub mod files;
pub mod ids;
pub mod meetings;
pub mod notify;
pub mod orders;
pub mod paging;
pub mod plans;
pub mod profile;
pub mod reports;
pub mod results;
pub mod teachers;
pub mod time;
pub mod values;

pub use values::FieldError;
