//! List endpoints that page like OKX's: records newest-first, `after`
//! (older than), `before` (newer than) and `limit`.
//!
//! OKX answers `before` alone with the newest `limit` records newer than
//! the cursor, not the ones just after it, and `after` with `before` with
//! the newest `limit` records strictly between them. The look-alike does
//! the same, so a client that walks forward naively skips records here as
//! it would at OKX.

use serde_json::Value;

/// OKX's page size for most list endpoints: default and maximum.
const PAGE: usize = 100;

/// Paths whose `after`/`before` OKX documents as an inclusive begin / end
/// time filter: `after` keeps records at or after it, `before` those at or
/// before it.
const INCLUSIVE: &[&str] = &[
    "/api/v5/fiat/deposit-order-history",
    "/api/v5/fiat/withdrawal-order-history",
];

/// The records of one list endpoint.
#[derive(Debug, Clone, Default)]
pub(crate) struct List {
    /// The field every record's cursor is read from.
    pub(crate) cursor: String,
    pub(crate) records: Vec<Value>,
}

/// Orders numeric text: shorter is smaller.
fn key(c: &str) -> (usize, &str) {
    let c = c.trim_start_matches('0');
    (c.len(), c)
}

fn cursor_of<'a>(record: &'a Value, field: &str) -> &'a str {
    record.get(field).and_then(Value::as_str).unwrap_or("")
}

impl List {
    /// One page for `after` / `before` / `limit` (each empty when not sent).
    pub(crate) fn page(&self, path: &str, after: &str, before: &str, limit: &str) -> Vec<Value> {
        let inclusive = INCLUSIVE.contains(&path);
        let limit = limit.parse::<usize>().map_or(PAGE, |l| l.clamp(1, PAGE));
        let mut rows: Vec<&Value> = self
            .records
            .iter()
            .filter(|r| {
                let c = key(cursor_of(r, &self.cursor));
                if inclusive {
                    let from = after.is_empty() || c >= key(after);
                    let to = before.is_empty() || c <= key(before);
                    return from && to;
                }
                let older = after.is_empty() || c < key(after);
                let newer = before.is_empty() || c > key(before);
                older && newer
            })
            .collect();
        // Newest first, and the newest `limit` of the window.
        rows.sort_by(|a, b| key(cursor_of(b, &self.cursor)).cmp(&key(cursor_of(a, &self.cursor))));
        rows.into_iter().take(limit).cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Records with ids 1..=n.
    fn list(n: u32) -> List {
        List {
            cursor: "billId".to_owned(),
            records: (1..=n)
                .map(|i| json!({ "billId": i.to_string() }))
                .collect(),
        }
    }

    fn ids(page: &[Value]) -> Vec<u32> {
        page.iter()
            .map(|r| cursor_of(r, "billId").parse().unwrap_or(0))
            .collect()
    }

    const PATH: &str = "/api/v5/account/bills";

    #[test]
    fn newest_page_first_and_after_walks_back() {
        let l = list(250);
        assert_eq!(
            ids(&l.page(PATH, "", "", "")),
            (151..=250).rev().collect::<Vec<_>>()
        );
        assert_eq!(
            ids(&l.page(PATH, "151", "", "")),
            (51..=150).rev().collect::<Vec<_>>()
        );
        assert_eq!(
            ids(&l.page(PATH, "", "", "5")),
            vec![250, 249, 248, 247, 246]
        );
        assert_eq!(
            l.page(PATH, "", "", "1000").len(),
            100,
            "limit is capped at 100"
        );
    }

    #[test]
    fn before_alone_returns_the_latest_not_the_next() {
        let l = list(250);
        // Newer than 10: the newest 100 (151..=250), not 11..=110.
        assert_eq!(
            ids(&l.page(PATH, "", "10", "")),
            (151..=250).rev().collect::<Vec<_>>()
        );
        assert_eq!(
            ids(&l.page(PATH, "", "245", "")),
            vec![250, 249, 248, 247, 246]
        );
        assert!(l.page(PATH, "", "250", "").is_empty());
    }

    #[test]
    fn after_and_before_together_return_the_newest_between() {
        let l = list(250);
        assert_eq!(
            ids(&l.page(PATH, "151", "10", "")),
            (51..=150).rev().collect::<Vec<_>>()
        );
        assert_eq!(
            ids(&l.page(PATH, "51", "10", "")),
            (11..=50).rev().collect::<Vec<_>>()
        );
        assert!(l.page(PATH, "11", "10", "").is_empty());
    }

    #[test]
    fn fiat_histories_take_inclusive_bounds() {
        let l = list(20);
        let fiat = "/api/v5/fiat/deposit-order-history";
        assert_eq!(ids(&l.page(fiat, "3", "5", "")), vec![5, 4, 3]);
        assert_eq!(ids(&l.page(fiat, "18", "", "")), vec![20, 19, 18]);
        assert_eq!(ids(&l.page(fiat, "", "2", "")), vec![2, 1]);
        assert_eq!(ids(&l.page(PATH, "5", "3", "")), vec![4]);
    }
}
