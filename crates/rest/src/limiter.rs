//! Client-side rate limiting by OKX's own rules.
//!
//! Each endpoint has a bucket (its path, plus the instrument, currency or tag
//! when the rule is keyed by one). Place, amend and cancel are separate
//! endpoints and so separate buckets. Batch endpoints are counted in orders;
//! a batch of exactly one order is counted against the single-order endpoint,
//! as OKX does. Place and amend also draw on the account-wide sub-account
//! limit (1,000 orders per 2 s).
//!
//! The buckets are sliding-window logs: a call fits when the units spent in
//! the last window plus its own cost stay within the limit. That is never
//! looser than OKX's counter, whatever its window alignment.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::Error;
use crate::request::{LimitScope, LimitUnit, OrderOp, RateLimit, Request};

/// What a call does when its bucket is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LimitPolicy {
    /// Wait for its turn (the default).
    #[default]
    Wait,
    /// Fail at once with [`Error::RateLimited`].
    Fail,
    /// No client-side limiting (OKX still enforces its limits).
    Off,
}

/// OKX's sub-account order-rate limit: new and amended orders, REST and
/// WebSocket together.
pub const SUB_ACCOUNT_LIMIT: RateLimit = RateLimit {
    count: 1000,
    window_ms: 2000,
    unit: LimitUnit::Orders,
    scope: LimitScope::Uid,
};

const SINGLE_ORDER_LIMIT: RateLimit = RateLimit {
    count: 60,
    window_ms: 2000,
    unit: LimitUnit::Requests,
    scope: LimitScope::UidInstIdOrFamily,
};

/// Batch endpoint → the single-order endpoint a batch of one counts against.
fn single_for_batch(path: &str) -> Option<&'static str> {
    match path {
        "/api/v5/trade/batch-orders" => Some("/api/v5/trade/order"),
        "/api/v5/trade/cancel-batch-orders" => Some("/api/v5/trade/cancel-order"),
        "/api/v5/trade/amend-batch-orders" => Some("/api/v5/trade/amend-order"),
        _ => None,
    }
}

const SUB_ACCOUNT_BUCKET: &str = "sub-account order rate";

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    path: &'static str,
    by: String,
}

#[derive(Debug)]
struct Window {
    limit: u32,
    window: Duration,
    used: u32,
    log: VecDeque<(Instant, u32)>,
}

impl Window {
    fn new(limit: RateLimit) -> Self {
        // OKX counts arrivals, we count departures: network jitter can bring
        // two requests closer together on the way, so keep a small margin.
        let ms = u64::from(limit.window_ms);
        let margin = (ms / 20).max(20);
        Window {
            limit: limit.count.max(1),
            window: Duration::from_millis(ms + margin),
            used: 0,
            log: VecDeque::new(),
        }
    }

    fn prune(&mut self, now: Instant) {
        while let Some(&(at, cost)) = self.log.front() {
            if now.duration_since(at) >= self.window {
                self.used -= cost;
                self.log.pop_front();
            } else {
                break;
            }
        }
    }

    /// How long until `cost` more units fit; zero when they fit now.
    fn wait_for(&mut self, now: Instant, cost: u32) -> Duration {
        self.prune(now);
        let cost = cost.min(self.limit);
        if self.used + cost <= self.limit {
            return Duration::ZERO;
        }
        let mut still_used = self.used;
        for &(at, c) in &self.log {
            still_used -= c;
            if still_used + cost <= self.limit {
                return (at + self.window).saturating_duration_since(now);
            }
        }
        self.window
    }

    fn record(&mut self, now: Instant, cost: u32) {
        let cost = cost.min(self.limit);
        self.used += cost;
        self.log.push_back((now, cost));
    }
}

/// One bucket a call draws on.
#[derive(Debug, Clone)]
pub(crate) struct Draw {
    key: Key,
    limit: RateLimit,
    cost: u32,
}

/// The buckets a request draws on, worked out before it is sent.
/// OKX counts option orders per instrument family and every other order per
/// instrument: `BTC-USD-250328-90000-C` draws from `BTC-USD`'s bucket.
fn inst_or_family(inst_id: &str) -> &str {
    if !(inst_id.ends_with("-C") || inst_id.ends_with("-P")) || inst_id.matches('-').count() < 4 {
        return inst_id;
    }
    // Drop `-<expiry>-<strike>-<C|P>`.
    let mut end = inst_id.len();
    for _ in 0..3 {
        end = inst_id[..end].rfind('-').unwrap_or(0);
    }
    &inst_id[..end]
}

pub(crate) fn plan<R: Request>(req: &R, overrides: &HashMap<&'static str, RateLimit>) -> Vec<Draw> {
    let mut path = R::PATH;
    let mut limit = overrides.get(path).copied().unwrap_or(R::RATE_LIMIT);
    let orders = req.cost().max(1);
    let mut cost = match limit.unit {
        LimitUnit::Orders => orders,
        LimitUnit::Requests => 1,
    };
    let batch_of_one =
        R::ORDER_OP != OrderOp::None && limit.unit == LimitUnit::Orders && orders == 1;
    if let Some(single) = single_for_batch(path).filter(|_| batch_of_one) {
        path = single;
        limit = overrides.get(single).copied().unwrap_or(SINGLE_ORDER_LIMIT);
        cost = 1;
    }
    let by = match limit.scope {
        LimitScope::Ip | LimitScope::Uid | LimitScope::MasterUid => String::new(),
        LimitScope::UidInstIdOrFamily => {
            inst_or_family(req.limit_key().unwrap_or_default()).to_owned()
        }
        _ => req.limit_key().unwrap_or_default().to_owned(),
    };
    let mut draws = vec![Draw {
        key: Key { path, by },
        limit,
        cost,
    }];
    if matches!(R::ORDER_OP, OrderOp::Place | OrderOp::Amend) {
        let limit = overrides
            .get(SUB_ACCOUNT_BUCKET)
            .copied()
            .unwrap_or(SUB_ACCOUNT_LIMIT);
        draws.push(Draw {
            key: Key {
                path: SUB_ACCOUNT_BUCKET,
                by: String::new(),
            },
            limit,
            cost: orders,
        });
    }
    draws
}

/// The shared limiter of one client (one API key, one IP).
#[derive(Debug, Default)]
pub(crate) struct Limiter {
    policy: LimitPolicy,
    buckets: Mutex<HashMap<Key, Window>>,
}

impl Limiter {
    pub(crate) fn new(policy: LimitPolicy) -> Self {
        Limiter {
            policy,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Name under which [`crate::RestClientBuilder::rate_limit`] overrides
    /// the sub-account order-rate limit (OKX raises it by fill ratio).
    pub(crate) const SUB_ACCOUNT: &'static str = SUB_ACCOUNT_BUCKET;

    /// Takes the units of every draw at once, waiting (or failing, per the
    /// policy) until all of them fit.
    pub(crate) async fn acquire(&self, path: &'static str, draws: &[Draw]) -> Result<(), Error> {
        if self.policy == LimitPolicy::Off {
            return Ok(());
        }
        loop {
            let wait = self.try_take(draws);
            if wait.is_zero() {
                return Ok(());
            }
            if self.policy == LimitPolicy::Fail {
                return Err(Error::RateLimited {
                    path,
                    retry_after: wait,
                });
            }
            tracing::debug!(path, ?wait, "waiting for the rate limit");
            tokio::time::sleep(wait).await;
        }
    }

    fn try_take(&self, draws: &[Draw]) -> Duration {
        let now = Instant::now();
        // A poisoned lock only means another call panicked mid-update; the
        // counters are still usable.
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = Duration::ZERO;
        for d in draws {
            let w = buckets
                .entry(d.key.clone())
                .or_insert_with(|| Window::new(d.limit))
                .wait_for(now, d.cost);
            wait = wait.max(w);
        }
        if wait.is_zero() {
            for d in draws {
                if let Some(w) = buckets.get_mut(&d.key) {
                    w.record(now, d.cost);
                }
            }
        }
        wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_share_their_family_bucket() {
        assert_eq!(inst_or_family("BTC-USD-250328-90000-C"), "BTC-USD");
        assert_eq!(inst_or_family("ETH-USD-250328-3000-P"), "ETH-USD");
        assert_eq!(inst_or_family("BTC-USD_UM-250328-90000-C"), "BTC-USD_UM");
        assert_eq!(inst_or_family("BTC-USDT"), "BTC-USDT");
        assert_eq!(inst_or_family("BTC-USDT-SWAP"), "BTC-USDT-SWAP");
        assert_eq!(inst_or_family("BTC-USD-250328"), "BTC-USD-250328");
        assert_eq!(inst_or_family("ABC-C"), "ABC-C");
        assert_eq!(inst_or_family(""), "");
    }
    use crate::request::Method;
    use serde::Serialize;

    #[derive(Serialize)]
    struct Place {
        inst_id: String,
        n: u32,
    }
    impl Request for Place {
        const METHOD: Method = Method::Post;
        const PATH: &'static str = "/api/v5/trade/batch-orders";
        const SIGNED: bool = true;
        const RATE_LIMIT: RateLimit = RateLimit {
            count: 300,
            window_ms: 2000,
            unit: LimitUnit::Orders,
            scope: LimitScope::UidInstIdOrFamily,
        };
        const ORDER_OP: OrderOp = OrderOp::Place;
        type Response = ();
        fn limit_key(&self) -> Option<&str> {
            Some(&self.inst_id)
        }
        fn cost(&self) -> u32 {
            self.n
        }
    }

    fn place(inst: &str, n: u32) -> Place {
        Place {
            inst_id: inst.into(),
            n,
        }
    }

    #[test]
    fn batch_of_one_counts_as_single_order() {
        let none = HashMap::new();
        let d = plan(&place("BTC-USDT", 1), &none);
        assert_eq!(d[0].key.path, "/api/v5/trade/order");
        assert_eq!(d[0].limit.count, 60);
        assert_eq!(d[1].key.path, SUB_ACCOUNT_BUCKET);
        let d = plan(&place("BTC-USDT", 7), &none);
        assert_eq!(d[0].key.path, "/api/v5/trade/batch-orders");
        assert_eq!((d[0].cost, d[1].cost), (7, 7));
        assert_eq!(d[0].key.by, "BTC-USDT");
    }

    #[tokio::test(start_paused = true)]
    async fn waits_for_the_window_instead_of_failing() {
        let limiter = Limiter::new(LimitPolicy::Wait);
        let none = HashMap::new();
        let start = Instant::now();
        for _ in 0..300 {
            limiter
                .acquire("p", &plan(&place("BTC-USDT", 1), &none))
                .await
                .expect("wait policy never fails");
        }
        // 60 per 2 s on the single-order bucket: 300 calls need 4 full windows.
        let took = start.elapsed();
        assert!(took >= Duration::from_secs(8), "{took:?}");
        assert!(took < Duration::from_secs(10), "{took:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn instruments_have_separate_buckets_but_share_the_sub_account() {
        let limiter = Limiter::new(LimitPolicy::Fail);
        let none = HashMap::new();
        for i in 0..50 {
            let inst = format!("I{i}");
            limiter
                .acquire("p", &plan(&place(&inst, 20), &none))
                .await
                .expect("each instrument has room for 20");
        }
        // 50 × 20 = 1,000 orders: the sub-account limit is now full.
        let err = limiter
            .acquire("p", &plan(&place("OTHER", 2), &none))
            .await
            .expect_err("sub-account limit is full");
        match err {
            Error::RateLimited { retry_after, .. } => {
                assert!(retry_after >= Duration::from_secs(2), "{retry_after:?}");
                assert!(
                    retry_after <= Duration::from_millis(2100),
                    "{retry_after:?}"
                );
            }
            other => panic!("unexpected {other:?}"),
        }
        tokio::time::advance(Duration::from_millis(2100)).await;
        limiter
            .acquire("p", &plan(&place("OTHER", 2), &none))
            .await
            .expect("window moved on");
    }

    #[tokio::test(start_paused = true)]
    async fn off_never_limits() {
        let limiter = Limiter::new(LimitPolicy::Off);
        let none = HashMap::new();
        for _ in 0..10_000 {
            limiter
                .acquire("p", &plan(&place("X", 20), &none))
                .await
                .expect("off");
        }
    }
}
