//! The SQL statements of each request, counted: the operator's request log says how many a
//! request ran, the load benchmark reports them per page, and a test fails when a page's count
//! grows with the data (an N+1 is a defect).
//!
//! sqlx reports every statement as a `tracing` event with the target `sqlx::query`, from inside
//! the span that was current when the statement was sent (the SQLite driver carries that span to
//! its worker thread). [`QueryCounter`] is a `tracing_subscriber` layer that keeps a counter in
//! each request span (opened by the request log, [`REQUEST_TARGET`]) and adds one for every such
//! event inside it; [`queries_of`] reads the counter back. Without the layer installed nothing is
//! counted and [`queries_of`] answers `None`.

use std::sync::atomic::{AtomicU32, Ordering};

use tracing::span;
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{FilterFn, Filtered};
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;

/// The target of the request span and of the request log line.
pub const REQUEST_TARGET: &str = "metoda_web::request";
/// The target sqlx reports statements under.
const SQLX_TARGET: &str = "sqlx::query";

/// The counter kept in a request span's extensions.
struct Statements(AtomicU32);

/// Counts sqlx statements per request span; install with [`query_counter`].
pub struct QueryCounter;

impl<S> Layer<S> for QueryCounter
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
        if attrs.metadata().target() == REQUEST_TARGET
            && let Some(span) = ctx.span(id)
        {
            span.extensions_mut().insert(Statements(AtomicU32::new(0)));
        }
    }

    fn on_event(&self, event: &tracing::Event<'_>, ctx: Context<'_, S>) {
        if event.metadata().target() != SQLX_TARGET {
            return;
        }
        if is_connection_setup(event) {
            return;
        }
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope {
                if let Some(n) = span.extensions().get::<Statements>() {
                    n.0.fetch_add(1, Ordering::Relaxed);
                    return;
                }
            }
        }
    }
}

/// A `PRAGMA`: the setup of a new SQLite connection (`metoda_store::Db::connect`), run by
/// whichever request happened to open the connection, is not that request's work.
fn is_connection_setup(event: &tracing::Event<'_>) -> bool {
    struct Summary(bool);
    impl tracing::field::Visit for Summary {
        fn record_str(&mut self, f: &tracing::field::Field, v: &str) {
            if f.name() == "summary" {
                self.0 = v.trim_start().to_ascii_uppercase().starts_with("PRAGMA");
            }
        }
        fn record_debug(&mut self, f: &tracing::field::Field, v: &dyn std::fmt::Debug) {
            if f.name() == "summary" {
                self.0 = format!("{v:?}").trim_start_matches('"').to_ascii_uppercase().starts_with("PRAGMA");
            }
        }
    }
    let mut s = Summary(false);
    event.record(&mut s);
    s.0
}

/// The counter as a layer filtered to what it needs (sqlx's statements and the request spans),
/// whatever the other layers log.
pub fn query_counter<S>() -> Filtered<QueryCounter, FilterFn, S>
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
{
    QueryCounter.with_filter(tracing_subscriber::filter::filter_fn(|m| {
        m.target() == SQLX_TARGET || (m.is_span() && m.target() == REQUEST_TARGET)
    }))
}

/// The statements counted so far in a request span; `None` when nothing counts them.
pub fn queries_of(span: &tracing::Span) -> Option<u32> {
    span.with_subscriber(|(id, dispatch)| {
        let registry = dispatch.downcast_ref::<tracing_subscriber::Registry>()?;
        let span = registry.span(id)?;
        span.extensions().get::<Statements>().map(|n| n.0.load(Ordering::Relaxed))
    })
    .flatten()
}
