//! Statements whose conditions are assembled at run time: numbered placeholders, arguments
//! bound in order, and a `LIKE` pattern that takes the typed text literally.

/// An argument of an assembled statement.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    I(i64),
    S(String),
}

/// The conditions of a `WHERE`, joined by `AND`, and their arguments in placeholder order.
#[derive(Debug, Default)]
pub(crate) struct Where {
    pub sql: Vec<String>,
    pub args: Vec<Arg>,
}

impl Where {
    /// Adds a condition whose one `?` takes `arg`.
    pub fn push(&mut self, cond: &str, arg: Arg) {
        let mark = self.mark(arg);
        self.sql.push(cond.replace('?', &mark));
    }
    /// Adds an argument; returns its placeholder.
    pub fn mark(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }
    /// `column IN (…)` over `ids`, their arguments added.
    pub fn ids<T: Into<i64> + Copy>(&mut self, column: &str, ids: &[T]) -> String {
        let parts: Vec<String> = ids.iter().map(|id| self.mark(Arg::I((*id).into()))).collect();
        format!("{column} IN ({})", parts.join(", "))
    }
}

/// Binds `args` to a query in order.
macro_rules! bind_all {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                $crate::query::Arg::I(i) => q.bind(*i),
                $crate::query::Arg::S(s) => q.bind(s.clone()),
            };
        }
        q
    }};
}
pub(crate) use bind_all;

/// `%text%` for `LIKE … ESCAPE '\'`, with `%`, `_` and `\` in the text taken literally.
pub(crate) fn like_pattern(text: &str) -> String {
    format!("%{}%", text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
}
