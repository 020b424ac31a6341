//! Drops a push that both sockets of a 64008 overlap delivered.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

/// Frames seen during the overlap, by hash, with the socket that brought them.
#[derive(Debug, Default)]
pub(crate) struct Dedupe {
    seen: HashMap<u64, u64>,
}

/// The overlap lasts seconds; this bounds memory if a feed is very busy.
const MAX_SEEN: usize = 200_000;

impl Dedupe {
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
        let mut d = Dedupe::default();
        assert!(d.fresh("a", 1));
        assert!(d.fresh("a", 1), "a socket repeating itself is not deduped");
        assert!(!d.fresh("a", 2));
        assert!(d.fresh("b", 2));
        assert!(!d.fresh("b", 1));
    }
}
