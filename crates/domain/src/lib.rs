//! Pure rules of Metoda: no IO, no database, no HTTP.
//!
//! A guided tour:
//! - [`profile`] — regulation profiles: the settings of a municipal regulation, the five seed presets.
//! - [`access`] — roles, their scopes and the one function that answers "may this user do this to that".
//! - [`values`] — validated values parsed at the boundary (names, logins, passwords, e-mails, dates).
//! - [`audit`] — what changed between two versions of a record.
//! - [`teachers`] — the teacher data bank: academic years, age, experience, categories, bands.
//! - [`orders`] — orders of the authority and their effects on associations.

pub mod access;
pub mod audit;
pub mod directory;
pub mod documents;
pub mod files;
pub mod meetings;
pub mod orders;
pub mod plans;
pub mod profile;
pub mod teachers;
pub mod values;

pub use values::FieldError;
