//! Pages of a long list: every list that grows with the region is read a page at a time, so a
//! page costs the same with 20 000 teachers as with 200 (issue 12).

use serde::{Deserialize, Serialize};

/// A page of a list: its number (from 1) and its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Paging {
    /// The page asked for (the first when none or a nonsense one was asked), `per_page` long.
    pub fn new(page: Option<i64>, per_page: i64) -> Paging {
        Paging { page: page.unwrap_or(1).max(1), per_page: per_page.max(1) }
    }

    /// Rows to skip.
    pub fn offset(self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }

    /// How many pages `total` rows make (at least one, empty).
    pub fn pages(self, total: i64) -> i64 {
        ((total + self.per_page - 1) / self.per_page).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_offsets() {
        let p = Paging::new(None, 50);
        assert_eq!((p.page, p.offset()), (1, 0));
        assert_eq!(Paging::new(Some(-3), 50).page, 1);
        assert_eq!(Paging::new(Some(3), 50).offset(), 100);
        assert_eq!(p.pages(0), 1);
        assert_eq!(p.pages(50), 1);
        assert_eq!(p.pages(51), 2);
    }
}
