//! The integration tests of this crate, one binary: each module was a test file of its own, and
//! linking one binary instead of one per file saves most of the link time (decision 0016).
//! Run one module with `cargo test -p metoda-store --test it <module>::`.

#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod bank;
mod events;
mod plans;
mod reports;
mod results;
mod store;
