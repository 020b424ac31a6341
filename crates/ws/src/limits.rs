//! Sliding-window limits: OKX's connection rate, per-connection op budget and
//! the order-operation rate limits WS trading shares with REST.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// At most `limit` units per `period`, counted over a sliding window.
#[derive(Debug)]
pub(crate) struct Window {
    limit: usize,
    period: Duration,
    times: VecDeque<Instant>,
}

impl Window {
    pub(crate) fn new(limit: usize, period: Duration) -> Self {
        Window {
            limit,
            period,
            times: VecDeque::new(),
        }
    }

    fn expire(&mut self, now: Instant) {
        while let Some(&t) = self.times.front() {
            if now.duration_since(t) >= self.period {
                self.times.pop_front();
            } else {
                break;
            }
        }
    }

    /// Units still free now.
    pub(crate) fn remaining(&mut self, now: Instant) -> usize {
        self.expire(now);
        self.limit.saturating_sub(self.times.len())
    }

    /// Takes `n` units, or says when enough will be free.
    pub(crate) fn try_take(&mut self, n: usize, now: Instant) -> Result<(), Instant> {
        self.expire(now);
        let n = n.min(self.limit);
        if self.times.len() + n <= self.limit {
            self.times.extend(std::iter::repeat_n(now, n));
            return Ok(());
        }
        let must_free = self.times.len() + n - self.limit;
        let at = self.times.get(must_free - 1).copied().unwrap_or(now);
        Err(at + self.period)
    }
}

/// Keyed windows that callers wait on.
#[derive(Debug, Default)]
pub(crate) struct Limiter {
    windows: Mutex<HashMap<String, Window>>,
}

impl Limiter {
    /// Waits until `n` units of the `key` window (`limit` per `period`) are free.
    pub(crate) async fn acquire(&self, key: &str, limit: usize, period: Duration, n: usize) {
        loop {
            let wait = {
                let mut map = self.windows.lock().unwrap_or_else(|e| e.into_inner());
                let w = map
                    .entry(key.to_owned())
                    .or_insert_with(|| Window::new(limit, period));
                match w.try_take(n, Instant::now()) {
                    Ok(()) => return,
                    Err(at) => at,
                }
            };
            let wait_ms = wait.saturating_duration_since(Instant::now()).as_millis();
            tracing::debug!(
                key,
                limit,
                n,
                wait_ms = u64::try_from(wait_ms).unwrap_or(u64::MAX),
                "rate limit: waiting"
            );
            tokio::time::sleep_until(wait).await;
        }
    }
}

/// OKX's order-operation limits (SPEC §3, §6.5), shared with REST.
pub(crate) fn order_rule(op: &str, items: usize) -> (usize, Duration) {
    let two = Duration::from_secs(2);
    match op {
        "mass-cancel" | "sprd-mass-cancel" => (5, two),
        // Spread orders: 20 per 2 s per user and operation.
        "sprd-order" | "sprd-amend-order" | "sprd-cancel-order" => (20, two),
        // A batch with one order counts against the single-order rule.
        op if op.starts_with("batch-") && items > 1 => (300, two),
        _ => (60, two),
    }
}

/// The counter a request uses: independent per operation kind, keyed by
/// instrument for single orders.
pub(crate) fn order_key(op: &str, items: usize, inst_id: &str) -> String {
    let single = match op {
        "batch-orders" if items == 1 => "order",
        "batch-cancel-orders" if items == 1 => "cancel-order",
        "batch-amend-orders" if items == 1 => "amend-order",
        other => other,
    };
    if single.starts_with("batch-")
        || single.ends_with("mass-cancel")
        || single.starts_with("sprd-")
    {
        single.to_owned()
    } else {
        format!("{single}:{inst_id}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn window_waits_for_the_oldest_to_expire() {
        let mut w = Window::new(3, Duration::from_secs(1));
        let t0 = Instant::now();
        assert!(w.try_take(3, t0).is_ok());
        assert_eq!(w.try_take(1, t0), Err(t0 + Duration::from_secs(1)));
        assert_eq!(w.remaining(t0 + Duration::from_secs(1)), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn limiter_spaces_out_the_sixty_first_order() {
        let limiter = Limiter::default();
        let start = Instant::now();
        for _ in 0..61 {
            let (limit, period) = order_rule("order", 1);
            limiter
                .acquire(&order_key("order", 1, "BTC-USDT"), limit, period, 1)
                .await;
        }
        assert!(start.elapsed() >= Duration::from_secs(2));
        // Another instrument has its own counter.
        let before = Instant::now();
        limiter
            .acquire(
                &order_key("order", 1, "ETH-USDT"),
                60,
                Duration::from_secs(2),
                1,
            )
            .await;
        assert_eq!(before.elapsed(), Duration::ZERO);
    }

    #[test]
    fn one_item_batches_count_as_single_orders() {
        assert_eq!(order_key("batch-orders", 1, "X"), "order:X");
        assert_eq!(order_key("batch-orders", 2, "X"), "batch-orders");
        assert_eq!(order_rule("batch-orders", 2).0, 300);
        assert_eq!(order_rule("mass-cancel", 1).0, 5);
    }

    #[test]
    fn spread_orders_count_per_user_and_operation() {
        assert_eq!(order_rule("sprd-order", 1), (20, Duration::from_secs(2)));
        assert_eq!(order_rule("sprd-mass-cancel", 1).0, 5);
        assert_eq!(
            order_key("sprd-order", 1, "BTC-USDT_BTC-USDT-SWAP"),
            "sprd-order"
        );
        assert_eq!(order_key("sprd-cancel-order", 1, ""), "sprd-cancel-order");
    }
}
