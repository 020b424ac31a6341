//! Drops a push that both sockets of a 64008 overlap delivered.
//!
//! Books need more than that: the two sockets deliver the same stream, but
//! the new one starts from its own snapshot and may run behind or ahead of
//! the old one. Mixing them would rewind the book to the new snapshot after
//! the old socket already moved past it. So each book is read from one socket
//! at a time and switches to the newer socket at the snapshot it sends.

use okx_book::Channel;
use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

/// Frames seen during the overlap, by hash, with the socket that brought them.
#[derive(Debug)]
pub(crate) struct Dedupe {
    seen: HashMap<u64, u64>,
    /// The socket that served every book before the overlap.
    base: u64,
    /// Books that switched to a newer socket, with that socket.
    books: HashMap<(Channel, String), u64>,
}

/// The overlap lasts seconds; this bounds memory if a feed is very busy.
const MAX_SEEN: usize = 200_000;

impl Dedupe {
    /// Starts an overlap in which `base` is the socket serving until now.
    pub(crate) fn new(base: u64) -> Self {
        Dedupe {
            seen: HashMap::new(),
            base,
            books: HashMap::new(),
        }
    }

    /// Whether a book frame from `socket` is to be applied: only frames of
    /// the socket the book is read from, until a newer socket's snapshot
    /// moves the book over to that socket.
    pub(crate) fn book_frame(
        &mut self,
        channel: Channel,
        inst_id: &str,
        snapshot: bool,
        socket: u64,
    ) -> bool {
        let current = self
            .books
            .get(&(channel, inst_id.to_owned()))
            .copied()
            .unwrap_or(self.base);
        if socket == current {
            return true;
        }
        if socket > current && snapshot {
            self.books.insert((channel, inst_id.to_owned()), socket);
            return true;
        }
        false
    }

    /// False when another socket already delivered this exact frame.
    pub(crate) fn fresh(&mut self, text: &str, socket: u64) -> bool {
        let mut h = DefaultHasher::new();
        text.hash(&mut h);
        let key = h.finish();
        match self.seen.get(&key) {
            Some(&from) => from == socket,
            None => {
                if self.seen.len() < MAX_SEEN {
                    self.seen.insert(key, socket);
                }
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_frame_from_the_other_socket_is_a_duplicate() {
        let mut d = Dedupe::new(1);
        assert!(d.fresh("a", 1));
        assert!(d.fresh("a", 1), "a socket repeating itself is not deduped");
        assert!(!d.fresh("a", 2));
        assert!(d.fresh("b", 2));
        assert!(!d.fresh("b", 1));
    }

    #[test]
    fn a_book_moves_to_the_new_socket_at_its_snapshot() {
        let mut d = Dedupe::new(1);
        let books = Channel::Books;
        assert!(
            d.book_frame(books, "BTC-USDT", false, 1),
            "old socket serves"
        );
        assert!(
            !d.book_frame(books, "BTC-USDT", false, 2),
            "no update before the new snapshot"
        );
        assert!(
            d.book_frame(books, "BTC-USDT", true, 2),
            "the new snapshot switches"
        );
        assert!(
            !d.book_frame(books, "BTC-USDT", false, 1),
            "old socket ignored from then on"
        );
        assert!(
            !d.book_frame(books, "BTC-USDT", true, 1),
            "even its snapshots"
        );
        assert!(d.book_frame(books, "BTC-USDT", false, 2));
        assert!(
            d.book_frame(books, "ETH-USDT", false, 1),
            "other books keep their socket"
        );
        assert!(
            d.book_frame(Channel::Books5, "BTC-USDT", false, 1),
            "per channel"
        );
    }
}
