//! Client-side rate limiting by OKX's own rules.
//!
//! Each endpoint has a bucket (its path, plus the instrument, currency or tag
//! when the rule is keyed by one). Place, amend and cancel are separate
//! endpoints and so separate buckets. Batch endpoints are counted in orders,
//! each order against its own instrument's bucket (a batch naming two
//! instruments draws from both); a batch of exactly one order is counted
//! against the single-order endpoint, as OKX does. Place and amend
//! (single and batch) also draw on the account-wide sub-account limit
//! (1,000 orders per 2 s). Secondary limits ([`ExtraLimit`]) are separate
//! buckets drawn from at the same time: the per-pair limit of convert
//! quotes always, the lead-trader order limits when the client is
//! configured as a lead trader ([`LeadTrader`]).
//!
//! A call takes from all its buckets at once or from none, under one lock,
//! so a batch never holds part of its units while it waits for the rest.
//!
//! The buckets are sliding-window logs: a call fits when the units spent in
//! the last window plus its own cost stay within the limit. That is never
//! looser than OKX's counter, whatever its window alignment.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::Error;
use crate::request::{Applies, ExtraLimit, LimitScope, LimitUnit, OrderOp, RateLimit, Request};

/// Whether the client trades as a copy-trading lead trader. OKX limits a
/// lead trader's orders on lead instruments more tightly (4 place or amend
/// requests, or 4 batch orders, per 2 s; 1 algo order per 2 s, per
/// instrument), on top of the usual limits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum LeadTrader {
    /// Not a lead trader (the default).
    #[default]
    No,
    /// A lead trader; every instrument is treated as a lead instrument.
    All,
    /// A lead trader with these lead instruments (`instId`s).
    Instruments(Vec<String>),
}

impl LeadTrader {
    fn covers(&self, inst_id: &str) -> bool {
        match self {
            LeadTrader::No => false,
            LeadTrader::All => true,
            LeadTrader::Instruments(list) => list.iter().any(|i| i == inst_id),
        }
    }
}

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

/// `a == b`, usable where the paths are constants: the checks on an
/// endpoint's path below are then made once, when the request type is
/// compiled, instead of by string comparisons on every call.
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Batch endpoint → the single-order endpoint a batch of one counts against.
const fn single_for_batch(path: &str) -> Option<&'static str> {
    if same(path, "/api/v5/trade/batch-orders") {
        Some("/api/v5/trade/order")
    } else if same(path, "/api/v5/trade/cancel-batch-orders") {
        Some("/api/v5/trade/cancel-order")
    } else if same(path, "/api/v5/trade/amend-batch-orders") {
        Some("/api/v5/trade/amend-order")
    } else {
        None
    }
}

const SUB_ACCOUNT_BUCKET: &str = "sub-account order rate";

#[derive(Debug, Clone, Eq)]
struct Key {
    path: &'static str,
    /// 0 for the endpoint's main limit, `i + 1` for its `i`-th extra.
    extra: usize,
    by: String,
}

impl std::hash::Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.path.hash(state);
        self.extra.hash(state);
        self.by.hash(state);
    }
}

/// Compared inline: a call to `memcmp` for each of these short texts,
/// on every lookup, cost more on this hot path than the lookup itself.
impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.extra == other.extra
            && short_eq(self.path.as_bytes(), other.path.as_bytes())
            && short_eq(self.by.as_bytes(), other.by.as_bytes())
    }
}

#[inline]
fn short_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut a8, mut b8) = (a.chunks_exact(8), b.chunks_exact(8));
    for (x, y) in (&mut a8).zip(&mut b8) {
        let word = |c: &[u8]| u64::from_ne_bytes(c.try_into().unwrap_or_default());
        if word(x) != word(y) {
            return false;
        }
    }
    let mut rest = a8.remainder().iter().zip(b8.remainder());
    rest.all(|(x, y)| x == y)
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
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Draw {
    key: Key,
    limit: RateLimit,
    cost: u32,
    /// Where the bucket is in [`Buckets::windows`], found once by
    /// [`Limiter::plan`] so that taking (and retaking) needs no lookup.
    slot: usize,
}

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

/// The place and amend endpoints (single and batch): the orders OKX counts
/// towards the sub-account limit, and the requests that take `expTime`.
pub(crate) const fn places_or_amends(path: &str) -> bool {
    same(path, "/api/v5/trade/order")
        || same(path, "/api/v5/trade/batch-orders")
        || same(path, "/api/v5/trade/amend-order")
        || same(path, "/api/v5/trade/amend-batch-orders")
}

/// The bucket key of one raw key under a scope.
fn bucket_key(scope: LimitScope, raw: &str) -> String {
    match scope {
        LimitScope::Ip | LimitScope::Uid | LimitScope::MasterUid => String::new(),
        LimitScope::UidInstIdOrFamily => inst_or_family(raw).to_owned(),
        _ => raw.to_owned(),
    }
}

/// Groups `(raw key, units)` into one draw per bucket of `limit`.
fn draws_for(
    out: &mut Vec<Draw>,
    path: &'static str,
    extra: usize,
    limit: RateLimit,
    keys: &[(&str, u32)],
) {
    let first = out.len();
    for &(raw, units) in keys {
        let by = bucket_key(limit.scope, raw);
        let cost = match limit.unit {
            LimitUnit::Orders => units,
            // A request counts once in each bucket it touches.
            LimitUnit::Requests => 1,
        };
        match out[first..].iter_mut().find(|d| d.key.by == by) {
            Some(d) if limit.unit == LimitUnit::Orders => d.cost += cost,
            Some(_) => {}
            None => out.push(Draw {
                key: Key { path, extra, by },
                limit,
                cost,
                slot: usize::MAX,
            }),
        }
    }
}

impl Limiter {
    /// The buckets `req` draws on, worked out before it is sent.
    pub(crate) fn plan<R: Request>(&self, req: &R) -> Vec<Draw> {
        let mut path = R::PATH;
        let mut limit = self.limit_of(path, R::RATE_LIMIT);
        let orders = req.cost().max(1);
        let batch_of_one =
            R::ORDER_OP != OrderOp::None && limit.unit == LimitUnit::Orders && orders == 1;
        if let Some(single) = const { single_for_batch(R::PATH) }.filter(|_| batch_of_one) {
            path = single;
            limit = self.limit_of(single, SINGLE_ORDER_LIMIT);
        }
        // Each raw key (instrument, currency, tag) with the units it carries.
        let items = req.item_keys();
        let keys: Vec<(&str, u32)> = if items.is_empty() {
            vec![(req.limit_key().unwrap_or_default(), orders)]
        } else {
            items.into_iter().map(|k| (k, 1)).collect()
        };
        let mut draws = Vec::with_capacity(keys.len() + 2);
        draws_for(&mut draws, path, 0, limit, &keys);
        for (i, extra) in R::EXTRA_LIMITS.iter().enumerate() {
            self.extra_draws(&mut draws, req, path, i + 1, extra, &keys);
        }
        if const { places_or_amends(R::PATH) } {
            let limit = self.limit_of(SUB_ACCOUNT_BUCKET, SUB_ACCOUNT_LIMIT);
            draws.push(Draw {
                key: Key {
                    path: SUB_ACCOUNT_BUCKET,
                    extra: 0,
                    by: String::new(),
                },
                limit,
                cost: orders,
                slot: usize::MAX,
            });
        }
        let mut buckets = self.buckets();
        for d in &mut draws {
            d.slot = buckets.slot(&d.key, d.limit);
        }
        draws
    }

    fn extra_draws<R: Request>(
        &self,
        out: &mut Vec<Draw>,
        req: &R,
        path: &'static str,
        index: usize,
        extra: &ExtraLimit,
        keys: &[(&str, u32)],
    ) {
        match extra.applies {
            Applies::LeadTrader => {
                let lead: Vec<(&str, u32)> = keys
                    .iter()
                    .copied()
                    .filter(|(inst, _)| self.lead.covers(inst))
                    .collect();
                draws_for(out, path, index, extra.limit, &lead);
            }
            _ => match req.extra_key() {
                Some(key) => {
                    let units = keys.iter().map(|(_, n)| n).sum();
                    draws_for(out, path, index, extra.limit, &[(key.as_str(), units)]);
                }
                None => draws_for(out, path, index, extra.limit, keys),
            },
        }
    }
}

/// Every bucket used so far: its window, and where it is by key.
#[derive(Debug, Default)]
struct Buckets {
    slots: HashMap<Key, usize, BuildHasherDefault<KeyHasher>>,
    windows: Vec<Window>,
}

/// A multiply-rotate hash (as in rustc's FxHash) for bucket keys, which
/// are an endpoint's path and the caller's own instrument or currency, not
/// text from an adversary: SipHash's protection against chosen collisions
/// buys nothing here and cost more than the rest of the rate limiting.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
}

impl Buckets {
    /// The slot of `key`'s bucket, created (with `limit`) on first use.
    fn slot(&mut self, key: &Key, limit: RateLimit) -> usize {
        if let Some(&slot) = self.slots.get(key) {
            return slot;
        }
        self.windows.push(Window::new(limit));
        let slot = self.windows.len() - 1;
        self.slots.insert(key.clone(), slot);
        slot
    }
}

/// The shared limiter of one client (one API key, one IP).
#[derive(Debug, Default)]
pub(crate) struct Limiter {
    policy: LimitPolicy,
    /// The limits the user set, by path: a few at most, so a list.
    overrides: Vec<(&'static str, RateLimit)>,
    lead: LeadTrader,
    buckets: Mutex<Buckets>,
}

impl Limiter {
    pub(crate) fn new(
        policy: LimitPolicy,
        overrides: HashMap<&'static str, RateLimit>,
        lead: LeadTrader,
    ) -> Self {
        Limiter {
            policy,
            overrides: overrides.into_iter().collect(),
            lead,
            buckets: Mutex::new(Buckets::default()),
        }
    }

    /// The limit of `path`: the user's, else `default`.
    fn limit_of(&self, path: &str, default: RateLimit) -> RateLimit {
        self.overrides
            .iter()
            .find(|(p, _)| short_eq(p.as_bytes(), path.as_bytes()))
            .map_or(default, |&(_, limit)| limit)
    }

    fn buckets(&self) -> std::sync::MutexGuard<'_, Buckets> {
        // A poisoned lock only means another call panicked mid-update; the
        // counters are still usable.
        self.buckets.lock().unwrap_or_else(|p| p.into_inner())
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
        if let Some(d) = draws.iter().find(|d| d.cost > d.limit.count.max(1)) {
            return Err(Error::Invalid(crate::Invalid::OverRateLimit {
                path,
                cost: d.cost,
                limit: d.limit.count,
            }));
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
            tracing::debug!(
                path,
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                "rate limit: waiting"
            );
            tokio::time::sleep(wait).await;
        }
    }

    fn try_take(&self, draws: &[Draw]) -> Duration {
        let now = Instant::now();
        let mut buckets = self.buckets();
        let mut wait = Duration::ZERO;
        for d in draws {
            // Every draw comes from `plan`, which made its bucket.
            if let Some(w) = buckets.windows.get_mut(d.slot) {
                wait = wait.max(w.wait_for(now, d.cost));
            }
        }
        if wait.is_zero() {
            for d in draws {
                if let Some(w) = buckets.windows.get_mut(d.slot) {
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
    use crate::api::algo::PlaceAlgoOrder;
    use crate::api::asset::{ConvertEstimateQuote, FiatBuySellQuote};
    use crate::entry::OrderBatch;
    use okx_models::trade::OrderRequest;
    use okx_models::{AlgoOrdType, Side, TdMode};
    use rust_decimal::Decimal;

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

    fn limiter(policy: LimitPolicy) -> Limiter {
        Limiter::new(policy, HashMap::new(), LeadTrader::No)
    }

    fn order(inst: &str) -> OrderRequest {
        OrderRequest::limit(inst, Side::Buy, Decimal::ONE, Decimal::ONE)
    }

    /// A batch of `n` orders on each of the given instruments, in turn.
    fn batch(parts: &[(&str, usize)]) -> OrderBatch {
        OrderBatch(
            parts
                .iter()
                .flat_map(|&(inst, n)| (0..n).map(move |_| order(inst)))
                .collect(),
        )
    }

    /// `(path, extra, by, cost)` of each draw.
    fn shape(draws: &[Draw]) -> Vec<(&'static str, usize, String, u32)> {
        draws
            .iter()
            .map(|d| (d.key.path, d.key.extra, d.key.by.clone(), d.cost))
            .collect()
    }

    const BATCH: &str = "/api/v5/trade/batch-orders";

    #[test]
    fn batch_of_one_counts_as_single_order() {
        let l = limiter(LimitPolicy::Wait);
        let d = l.plan(&batch(&[("BTC-USDT", 1)]));
        assert_eq!(d[0].key.path, "/api/v5/trade/order");
        assert_eq!(d[0].limit.count, 60);
        assert_eq!(d[1].key.path, SUB_ACCOUNT_BUCKET);
        let d = l.plan(&batch(&[("BTC-USDT", 7)]));
        assert_eq!(
            shape(&d),
            vec![
                (BATCH, 0, "BTC-USDT".into(), 7),
                (SUB_ACCOUNT_BUCKET, 0, String::new(), 7)
            ]
        );
    }

    #[test]
    fn a_mixed_batch_draws_each_order_from_its_own_instrument() {
        let l = limiter(LimitPolicy::Wait);
        let mixed = batch(&[("BTC-USDT", 2), ("ETH-USDT", 3), ("BTC-USDT", 1)]);
        assert_eq!(
            shape(&l.plan(&mixed)),
            vec![
                (BATCH, 0, "BTC-USDT".into(), 3),
                (BATCH, 0, "ETH-USDT".into(), 3),
                (SUB_ACCOUNT_BUCKET, 0, String::new(), 6)
            ]
        );
        // Two options of one family are one bucket, not two.
        let opts = batch(&[("BTC-USD-250328-90000-C", 2), ("BTC-USD-250328-80000-P", 1)]);
        assert_eq!(shape(&l.plan(&opts))[0], (BATCH, 0, "BTC-USD".into(), 3));
    }

    #[tokio::test(start_paused = true)]
    async fn a_mixed_batch_takes_all_or_nothing() {
        let l = limiter(LimitPolicy::Fail);
        // ETH's batch bucket full: 15 batches of 20.
        for _ in 0..15 {
            l.acquire("p", &l.plan(&batch(&[("ETH-USDT", 20)])))
                .await
                .expect("room for 300 ETH orders");
        }
        let mixed = batch(&[("BTC-USDT", 10), ("ETH-USDT", 10)]);
        let err = l
            .acquire("p", &l.plan(&mixed))
            .await
            .expect_err("ETH is full");
        assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
        // Nothing was taken from BTC's bucket by the refused batch: all 300
        // BTC orders still fit.
        for _ in 0..15 {
            l.acquire("p", &l.plan(&batch(&[("BTC-USDT", 20)])))
                .await
                .expect("BTC untouched");
        }
        // Under the wait policy the mixed batch goes once ETH's window has
        // passed, and not before.
        let w = limiter(LimitPolicy::Wait);
        for _ in 0..15 {
            w.acquire("p", &w.plan(&batch(&[("ETH-USDT", 20)])))
                .await
                .expect("wait never fails");
        }
        let start = Instant::now();
        w.acquire("p", &w.plan(&mixed)).await.expect("waits");
        let took = start.elapsed();
        assert!(took >= Duration::from_secs(2), "{took:?}");
        assert!(took < Duration::from_secs(3), "{took:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn waits_for_the_window_instead_of_failing() {
        let l = limiter(LimitPolicy::Wait);
        let start = Instant::now();
        for _ in 0..300 {
            l.acquire("p", &l.plan(&order("BTC-USDT")))
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
        let l = limiter(LimitPolicy::Fail);
        for i in 0..50 {
            let inst = format!("I{i}");
            l.acquire("p", &l.plan(&batch(&[(&inst, 20)])))
                .await
                .expect("each instrument has room for 20");
        }
        // 50 × 20 = 1,000 orders: the sub-account limit is now full.
        let err = l
            .acquire("p", &l.plan(&batch(&[("OTHER", 2)])))
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
        l.acquire("p", &l.plan(&batch(&[("OTHER", 2)])))
            .await
            .expect("window moved on");
    }

    #[test]
    fn algo_orders_do_not_count_towards_the_sub_account_limit() {
        let l = limiter(LimitPolicy::Wait);
        let algo = PlaceAlgoOrder::new(
            "BTC-USDT",
            TdMode::Cash,
            Side::Buy,
            AlgoOrdType::Conditional,
        );
        let d = l.plan(&algo);
        assert_eq!(
            shape(&d),
            vec![("/api/v5/trade/order-algo", 0, "BTC-USDT".into(), 1)]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn lead_traders_get_four_orders_per_two_seconds_on_lead_instruments() {
        let lead = Limiter::new(
            LimitPolicy::Fail,
            HashMap::new(),
            LeadTrader::Instruments(vec!["BTC-USDT-SWAP".into()]),
        );
        for _ in 0..4 {
            lead.acquire("p", &lead.plan(&order("BTC-USDT-SWAP")))
                .await
                .expect("four fit");
        }
        let err = lead
            .acquire("p", &lead.plan(&order("BTC-USDT-SWAP")))
            .await
            .expect_err("the fifth does not");
        match err {
            Error::RateLimited { retry_after, .. } => {
                assert!(retry_after >= Duration::from_secs(2), "{retry_after:?}");
            }
            other => panic!("unexpected {other:?}"),
        }
        // Not a lead instrument: only the usual 60.
        for _ in 0..60 {
            lead.acquire("p", &lead.plan(&order("ETH-USDT-SWAP")))
                .await
                .expect("not a lead instrument");
        }
        // A batch counts only its lead-instrument orders there.
        let mixed = batch(&[("ETH-USDT-SWAP", 3), ("BTC-USDT-SWAP", 2)]);
        let d = lead.plan(&mixed);
        assert!(
            shape(&d).contains(&(BATCH, 1, "BTC-USDT-SWAP".into(), 2)),
            "{:?}",
            shape(&d)
        );
        assert!(!shape(&d).iter().any(|s| s.1 == 1 && s.2 == "ETH-USDT-SWAP"));
        // The same client without the setting never draws a lead bucket.
        let plain = limiter(LimitPolicy::Fail);
        for _ in 0..60 {
            plain
                .acquire("p", &plain.plan(&order("BTC-USDT-SWAP")))
                .await
                .expect("not a lead trader");
        }
        let all = Limiter::new(LimitPolicy::Fail, HashMap::new(), LeadTrader::All);
        assert!(
            shape(&all.plan(&order("ANY-USDT")))
                .iter()
                .any(|s| s.1 == 1)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_batch_larger_than_a_whole_window_fails_at_once() {
        // Five orders on one lead instrument can never fit 4 per 2 s: a
        // local error, not a wait (or a pass) that OKX would refuse anyway.
        for policy in [LimitPolicy::Fail, LimitPolicy::Wait] {
            let lead = Limiter::new(policy, HashMap::new(), LeadTrader::All);
            let five = batch(&[("BTC-USDT-SWAP", 5)]);
            let err = lead
                .acquire(BATCH, &lead.plan(&five))
                .await
                .expect_err("cannot fit");
            assert!(
                matches!(
                    err,
                    Error::Invalid(crate::Invalid::OverRateLimit {
                        cost: 5,
                        limit: 4,
                        ..
                    })
                ),
                "{err:?}"
            );
            // Nothing was taken: four still fit.
            lead.acquire(BATCH, &lead.plan(&batch(&[("BTC-USDT-SWAP", 4)])))
                .await
                .expect("four fit");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_quote_pair_is_limited_to_one_per_five_seconds() {
        let l = limiter(LimitPolicy::Fail);
        let quote = |base: &str, quote: &str| {
            ConvertEstimateQuote::new(base, quote, Side::Buy, Decimal::ONE, quote)
        };
        l.acquire("p", &l.plan(&quote("BTC", "USDT")))
            .await
            .expect("first");
        let err = l
            .acquire("p", &l.plan(&quote("BTC", "USDT")))
            .await
            .expect_err("same pair within 5 s");
        match err {
            Error::RateLimited { retry_after, .. } => {
                assert!(retry_after >= Duration::from_secs(5), "{retry_after:?}");
            }
            other => panic!("unexpected {other:?}"),
        }
        l.acquire("p", &l.plan(&quote("ETH", "USDT")))
            .await
            .expect("other pair");
        tokio::time::advance(Duration::from_millis(5300)).await;
        l.acquire("p", &l.plan(&quote("BTC", "USDT")))
            .await
            .expect("window passed");
        // A fiat buy and sell quote of one pair share the pair's bucket.
        let buy = FiatBuySellQuote::new(Side::Buy, "USD", "BTC", Decimal::ONE, "USD");
        let sell = FiatBuySellQuote::new(Side::Sell, "BTC", "USD", Decimal::ONE, "BTC");
        l.acquire("p", &l.plan(&buy)).await.expect("buy quote");
        assert!(l.acquire("p", &l.plan(&sell)).await.is_err(), "same pair");
    }

    #[tokio::test(start_paused = true)]
    async fn off_never_limits() {
        let l = limiter(LimitPolicy::Off);
        for _ in 0..10_000 {
            l.acquire("p", &l.plan(&batch(&[("X", 20)])))
                .await
                .expect("off");
        }
    }
}
