//! Books for many instruments, keyed by `instId`.

use std::collections::HashMap;

use crate::record::FrameRecord;
use crate::{Applied, BookError, BookFrame, OrderBook};

/// One [`OrderBook`] per `arg.instId`, created on first sight.
///
/// Use one set per channel: a `books5` push for an instrument would replace
/// the `books` book of the same instrument.
#[derive(Debug, Clone, Default)]
pub struct BookSet {
    books: HashMap<String, OrderBook>,
    /// What [`BookSet::apply_bytes`] read of the levels while parsing.
    record: FrameRecord,
}

impl BookSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Routes a push to its instrument's book (allocating only the first
    /// time an instrument is seen).
    pub fn apply(&mut self, frame: &BookFrame<'_>) -> Result<Applied, BookError> {
        self.book_mut(frame.inst_id).apply(frame)
    }

    /// Parses a raw frame and applies it; returns the instrument with the outcome.
    ///
    /// Like [`OrderBook::apply_bytes`], the levels are read once.
    pub fn apply_bytes<'a>(
        &mut self,
        bytes: &'a [u8],
    ) -> Result<(&'a str, Result<Applied, BookError>), BookError> {
        let frame = BookFrame::parse_recorded(bytes, &mut self.record)?;
        let applied =
            book_in(&mut self.books, frame.inst_id).apply_with(&frame, Some(&self.record));
        Ok((frame.inst_id, applied))
    }

    /// The book of an instrument, created empty if it is new.
    pub fn book_mut(&mut self, inst_id: &str) -> &mut OrderBook {
        book_in(&mut self.books, inst_id)
    }

    /// The book of an instrument, if one was seen.
    pub fn get(&self, inst_id: &str) -> Option<&OrderBook> {
        self.books.get(inst_id)
    }

    /// Drops an instrument's book (after unsubscribing).
    pub fn remove(&mut self, inst_id: &str) -> Option<OrderBook> {
        self.books.remove(inst_id)
    }

    /// All books, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &OrderBook)> {
        self.books.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Number of instruments.
    pub fn len(&self) -> usize {
        self.books.len()
    }

    /// `true` if no instrument was seen.
    pub fn is_empty(&self) -> bool {
        self.books.is_empty()
    }
}

/// The book of `inst_id` in `books`, created empty if it is new.
fn book_in<'b>(books: &'b mut HashMap<String, OrderBook>, inst_id: &str) -> &'b mut OrderBook {
    if !books.contains_key(inst_id) {
        books.insert(inst_id.to_owned(), OrderBook::new());
    }
    // Looking up by &str first keeps the steady state allocation-free;
    // the entry API would need an owned key on every call.
    books
        .get_mut(inst_id)
        .expect("the book was inserted just above")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bbo(inst: &str, bid: &str) -> String {
        format!(
            r#"{{"arg":{{"channel":"bbo-tbt","instId":"{inst}"}},"data":[{{"asks":[],"bids":[["{bid}","1","0","1"]],"ts":"1","seqId":1}}]}}"#
        )
    }

    #[test]
    fn routes_by_inst_id() {
        let mut set = BookSet::new();
        let first = bbo("BTC-USDT", "100");
        let (inst, applied) = set.apply_bytes(first.as_bytes()).expect("frame");
        assert_eq!(inst, "BTC-USDT");
        assert!(applied.is_ok());
        set.apply_bytes(bbo("ETH-USDT", "5").as_bytes())
            .expect("frame")
            .1
            .expect("applied");
        set.apply_bytes(bbo("BTC-USDT", "101").as_bytes())
            .expect("frame")
            .1
            .expect("applied");
        assert_eq!(set.len(), 2);
        let best = |inst| {
            set.get(inst)
                .and_then(|b| b.best_bid())
                .map(|l| l.px.to_owned())
        };
        assert_eq!(best("BTC-USDT").as_deref(), Some("101"));
        assert_eq!(best("ETH-USDT").as_deref(), Some("5"));
        assert!(set.remove("ETH-USDT").is_some());
        assert!(set.get("ETH-USDT").is_none());
        assert!(matches!(set.apply_bytes(b"{}"), Err(BookError::Parse(_))));
    }
}
