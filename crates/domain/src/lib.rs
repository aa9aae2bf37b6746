//! Pure rules of Metoda: no IO, no database, no HTTP.
//!
//! A guided tour:
//! - [`profile`] — regulation profiles: the settings of a municipal regulation, the five seed presets.
//! - [`access`] — roles, their scopes and the one function that answers "may this user do this to that".
//! - [`values`] — validated values parsed at the boundary (names, logins, passwords, e-mails, dates).
//! - [`audit`] — what changed between two versions of a record.

pub mod access;
pub mod audit;
pub mod directory;
pub mod profile;
pub mod values;

pub use values::FieldError;
