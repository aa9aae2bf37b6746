//! The integration tests of this crate, one binary: each module was a test file of its own, and
//! linking one binary instead of one per file saves most of the link time (decision 0016).
//! Run one module with `cargo test -p metoda-web --test it <module>::`.

#[path = "../common/mod.rs"]
mod common;

mod access_matrix;
mod accounts;
mod analysis;
mod analysis_year;
mod api;
mod bank;
mod calendar;
mod events;
mod exam_import;
mod history_import;
mod local_time;
mod mail;
mod meetings;
mod menus;
mod openapi;
mod phone;
mod plans;
mod pool;
mod results;
mod russian;
mod signin;
mod teacher_years_api;
mod trust;
mod typed;
mod versions_admin;
mod versions_work;
mod worklists;
