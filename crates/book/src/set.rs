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
    /// The books, with their instrument.
    books: Vec<(String, OrderBook)>,
    /// Where each instrument's book is in `books`: one hash per frame finds
    /// it (a map of books would need two to create one on first sight
    /// without an owned key per frame).
    index: HashMap<String, usize>,
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
        let book = slot(&mut self.books, &mut self.index, frame.inst_id);
        Ok((frame.inst_id, book.apply_with(&frame, Some(&self.record))))
    }

    /// The book of an instrument, created empty if it is new.
    pub fn book_mut(&mut self, inst_id: &str) -> &mut OrderBook {
        slot(&mut self.books, &mut self.index, inst_id)
    }

    /// The book of an instrument, if one was seen.
    pub fn get(&self, inst_id: &str) -> Option<&OrderBook> {
        let &i = self.index.get(inst_id)?;
        self.books.get(i).map(|(_, book)| book)
    }

    /// Drops an instrument's book (after unsubscribing).
    pub fn remove(&mut self, inst_id: &str) -> Option<OrderBook> {
        let i = self.index.remove(inst_id)?;
        let (_, book) = self.books.swap_remove(i);
        // The last book took its place.
        if let Some((moved, _)) = self.books.get(i)
            && let Some(at) = self.index.get_mut(moved.as_str())
        {
            *at = i;
        }
        Some(book)
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
fn slot<'b>(
    books: &'b mut Vec<(String, OrderBook)>,
    index: &mut HashMap<String, usize>,
    inst_id: &str,
) -> &'b mut OrderBook {
    let i = match index.get(inst_id) {
        Some(&i) => i,
        None => {
            books.push((inst_id.to_owned(), OrderBook::new()));
            index.insert(inst_id.to_owned(), books.len() - 1);
            books.len() - 1
        }
    };
    &mut books.get_mut(i).expect("the index points into the books").1
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
    fn removing_a_book_keeps_the_others_found() {
        let mut set = BookSet::new();
        for (inst, bid) in [("A", "1"), ("B", "2"), ("C", "3"), ("D", "4")] {
            set.apply_bytes(bbo(inst, bid).as_bytes())
                .expect("frame")
                .1
                .expect("applied");
        }
        // The first, then the last, then one in the middle.
        for gone in ["A", "D", "B"] {
            assert!(set.remove(gone).is_some(), "{gone}");
            assert!(set.remove(gone).is_none(), "{gone} twice");
        }
        assert_eq!(set.len(), 1);
        let best = set.get("C").and_then(|b| b.best_bid()).map(|l| l.px);
        assert_eq!(best, Some("3"));
        assert_eq!(set.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["C"]);
        set.book_mut("E");
        assert_eq!(set.len(), 2);
        assert!(set.get("E").is_some_and(|b| b.best_bid().is_none()));
        assert!(set.get("C").is_some_and(|b| b.best_bid().is_some()));
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
        let best = set.get("BTC-USDT").and_then(|b| b.best_bid()).map(|l| l.px);
        assert_eq!(best, Some("101"));
        assert!(matches!(set.apply_bytes(b"{}"), Err(BookError::Parse(_))));
    }
}
