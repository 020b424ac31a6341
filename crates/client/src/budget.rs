//! One order-rate budget for both routes. OKX counts REST and WS order
//! operations together (per instrument, or per family for options, and
//! place, amend and cancel apart), so the client takes a slot here before
//! an order leaves by either route.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// OKX's window for order operations.
const WINDOW: Duration = Duration::from_secs(2);

/// Which counter an operation draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Op {
    Place,
    Amend,
    Cancel,
}

/// The key OKX counts an order against: the instrument, or the family
/// for options (`BTC-USD-261225-30000-C` → `BTC-USD`).
pub(crate) fn bucket(inst_id: &str) -> String {
    let parts: Vec<&str> = inst_id.split('-').collect();
    if parts.len() == 5 && matches!(parts[4], "C" | "P") {
        format!("{}-{}", parts[0], parts[1])
    } else {
        inst_id.to_owned()
    }
}

#[derive(Debug)]
pub(crate) struct Budget {
    /// Operations per window and key (OKX: 60 per 2 s).
    per_key: usize,
    hits: Mutex<HashMap<(Op, String), VecDeque<Instant>>>,
}

impl Budget {
    pub(crate) fn new(per_key: usize) -> Self {
        Budget {
            per_key,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// Waits until `n` operations of `op` on `inst_id` fit, and takes them.
    pub(crate) async fn take(&self, op: Op, inst_id: &str, n: usize) {
        let key = (op, bucket(inst_id));
        loop {
            let wait = {
                let mut hits = self.hits.lock().unwrap_or_else(|e| e.into_inner());
                let q = hits.entry(key.clone()).or_default();
                let now = Instant::now();
                while q.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
                    q.pop_front();
                }
                if q.len() + n <= self.per_key.max(n) {
                    q.extend(std::iter::repeat_n(now, n));
                    None
                } else {
                    let oldest = q.get(q.len() + n - self.per_key.max(n) - 1).copied();
                    oldest.map(|t| (t + WINDOW).saturating_duration_since(now))
                }
            };
            match wait {
                None => return,
                Some(d) => {
                    tracing::debug!(
                        inst_id,
                        wait_ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX),
                        "order budget full; waiting"
                    );
                    tokio::time::sleep(d.max(Duration::from_millis(1))).await;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_full_budget_waits_for_the_window() {
        let b = Budget::new(3);
        let start = Instant::now();
        for _ in 0..3 {
            b.take(Op::Place, "BTC-USDT", 1).await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
        b.take(Op::Cancel, "BTC-USDT", 1).await;
        b.take(Op::Place, "ETH-USDT", 1).await;
        assert_eq!(start.elapsed(), Duration::ZERO, "other counters are apart");
        b.take(Op::Place, "BTC-USDT", 1).await;
        assert_eq!(
            start.elapsed(),
            WINDOW,
            "the fourth waits for the first to age out"
        );
        assert_eq!(bucket("BTC-USD-261225-30000-C"), "BTC-USD");
    }
}
