//! OKX's rate limits, counted once for both doors: REST and WS order
//! operations share their counters, as at OKX.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

/// One endpoint's limit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limit {
    pub(crate) count: u32,
    pub(crate) window: Duration,
    /// Counted per instrument (option orders per instrument family).
    pub(crate) per_inst: bool,
}

#[derive(Debug)]
pub(crate) struct Limits {
    pub(crate) on: bool,
    pub(crate) table: HashMap<String, Limit>,
    hits: HashMap<String, Vec<(Instant, u32)>>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            on: true,
            table: default_limits(),
            hits: HashMap::new(),
        }
    }
}

/// OKX's limits for the endpoints the look-alike acts on; others get
/// 20 per 2 s.
fn default_limits() -> HashMap<String, Limit> {
    let ip = |count, ms| Limit {
        count,
        window: Duration::from_millis(ms),
        per_inst: false,
    };
    let inst = |count, ms| Limit {
        count,
        window: Duration::from_millis(ms),
        per_inst: true,
    };
    [
        ("GET /api/v5/public/time", ip(10, 2000)),
        ("GET /api/v5/public/instruments", ip(20, 2000)),
        ("GET /api/v5/market/ticker", ip(20, 2000)),
        ("GET /api/v5/market/tickers", ip(20, 2000)),
        ("GET /api/v5/market/books", ip(40, 2000)),
        ("GET /api/v5/market/candles", ip(40, 2000)),
        ("GET /api/v5/market/history-candles", ip(20, 2000)),
        ("POST /api/v5/trade/order", inst(60, 2000)),
        ("POST /api/v5/trade/batch-orders", inst(300, 2000)),
        ("POST /api/v5/trade/amend-order", inst(60, 2000)),
        ("POST /api/v5/trade/amend-batch-orders", inst(300, 2000)),
        ("POST /api/v5/trade/cancel-order", inst(60, 2000)),
        ("POST /api/v5/trade/cancel-batch-orders", inst(300, 2000)),
        ("POST /api/v5/trade/mass-cancel", ip(5, 2000)),
        ("POST /api/v5/trade/cancel-all-after", ip(1, 1000)),
        ("GET /api/v5/trade/order", inst(60, 2000)),
        ("GET /api/v5/trade/orders-pending", ip(60, 2000)),
        ("GET /api/v5/trade/orders-history", ip(40, 2000)),
        ("GET /api/v5/trade/orders-history-archive", ip(20, 2000)),
        ("GET /api/v5/trade/fills", ip(60, 2000)),
        ("GET /api/v5/trade/fills-history", ip(10, 2000)),
        ("GET /api/v5/account/balance", ip(10, 2000)),
        ("GET /api/v5/account/positions", ip(10, 2000)),
        ("GET /api/v5/account/bills", ip(5, 1000)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// The instrument a per-instrument limit counts against: OKX counts option
/// orders per instrument family (`BTC-USD-250328-90000-C` → `BTC-USD`).
pub(crate) fn limit_inst(inst: &str) -> String {
    let parts: Vec<&str> = inst.split('-').collect();
    let option = parts.len() == 5
        && matches!(parts[4], "C" | "P")
        && parts[2].len() == 6
        && parts[2].bytes().all(|b| b.is_ascii_digit());
    if option {
        format!("{}-{}", parts[0], parts[1])
    } else {
        inst.to_owned()
    }
}

/// OKX counts a batch of one order as that single order.
pub(crate) fn single_of(path: &str) -> Option<&'static str> {
    Some(match path {
        "/api/v5/trade/batch-orders" => "/api/v5/trade/order",
        "/api/v5/trade/cancel-batch-orders" => "/api/v5/trade/cancel-order",
        "/api/v5/trade/amend-batch-orders" => "/api/v5/trade/amend-order",
        _ => return None,
    })
}

impl Limits {
    /// Counts a call against `METHOD path` for `who` (uid, or `""` for an
    /// IP-limited public call); `insts` are the instruments of its items
    /// (one entry per order of a batch). `false` when the call is over the
    /// limit, in which case nothing is counted: OKX refuses the call whole.
    pub(crate) fn admit(&mut self, endpoint: &str, who: &str, insts: &[String]) -> bool {
        if !self.on {
            return true;
        }
        let limit = self.table.get(endpoint).copied().unwrap_or(Limit {
            count: 20,
            window: Duration::from_secs(2),
            per_inst: false,
        });
        let mut costs: Vec<(String, u32)> = Vec::new();
        if limit.per_inst {
            for inst in insts {
                let inst = limit_inst(inst);
                match costs.iter_mut().find(|(i, _)| *i == inst) {
                    Some((_, n)) => *n += 1,
                    None => costs.push((inst, 1)),
                }
            }
        }
        if costs.is_empty() {
            costs.push((
                String::new(),
                u32::try_from(insts.len().max(1)).unwrap_or(u32::MAX),
            ));
        }
        let key = |inst: &str| format!("{endpoint}|{inst}|{who}");
        let now = Instant::now();
        for (inst, cost) in &costs {
            let hits = self.hits.entry(key(inst)).or_default();
            hits.retain(|(at, _)| now.duration_since(*at) < limit.window);
            let used: u32 = hits.iter().map(|(_, c)| c).sum();
            if used + cost > limit.count {
                return false;
            }
        }
        for (inst, cost) in costs {
            self.hits.entry(key(&inst)).or_default().push((now, cost));
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_count_per_family_and_a_batch_of_one_as_one_order() {
        assert_eq!(limit_inst("BTC-USD-250328-90000-C"), "BTC-USD");
        assert_eq!(limit_inst("ETH-USD-250328-3000-P"), "ETH-USD");
        assert_eq!(limit_inst("BTC-USDT-SWAP"), "BTC-USDT-SWAP");
        assert_eq!(limit_inst("BTC-USD-250328"), "BTC-USD-250328");
        assert_eq!(
            single_of("/api/v5/trade/batch-orders"),
            Some("/api/v5/trade/order")
        );
        assert_eq!(single_of("/api/v5/trade/order"), None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_call_over_the_limit_is_refused_whole_and_counts_nothing() {
        let mut limits = Limits::default();
        let ep = "POST /api/v5/trade/order";
        let one = vec!["BTC-USDT".to_owned()];
        for _ in 0..60 {
            assert!(limits.admit(ep, "u1", &one));
        }
        assert!(!limits.admit(ep, "u1", &one));
        assert!(limits.admit(ep, "u2", &one), "counted per user");
        assert!(
            limits.admit(ep, "u1", &["ETH-USDT".to_owned()]),
            "and per instrument"
        );
        tokio::time::advance(Duration::from_secs(2)).await;
        assert!(limits.admit(ep, "u1", &one));
    }
}
