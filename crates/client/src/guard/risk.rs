//! The pre-trade risk guard: every order path of the client asks it before
//! anything leaves the process (REST and WS, single and batch, amends with
//! their new size and price, algo orders). A refusal names the rule, the
//! limit and the value.
//!
//! Limits come from code ([`RiskLimits`]) or a TOML file, which
//! [`RiskGuard::watch_file`] reloads when it changes, without a restart:
//!
//! ```toml
//! [global]
//! max_order_notional = "50000"   # quote / USD value of one order
//! max_order_size = "10"
//! price_band = "0.05"            # 5% around the mark or mid price
//! max_open_orders = 50
//! max_orders_per_second = 20
//! allowed_instruments = ["BTC-USDT", "ETH-USDT", "BTC-USDT-SWAP"]
//!
//! [instruments."BTC-USDT-SWAP"]
//! max_order_size = "100"
//! max_position = "300"           # contracts, counting pending orders
//! ```
//!
//! Decimals are written as strings (or integers): a float in a risk file
//! would be rounded before anyone noticed.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use rust_decimal::Decimal;
use serde::Deserialize;
use tokio::time::Instant;

/// The rules a guard applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// Trading halted by the kill switch: only reduce-only orders pass.
    Halted,
    /// The instrument is not on the allowed list.
    InstrumentNotAllowed,
    /// An order's size.
    MaxOrderSize,
    /// An order's value (price × size × contract value).
    MaxOrderNotional,
    /// The price strays too far from the mark or mid price (fat finger).
    PriceBand,
    /// The position after the order, counting what is pending.
    MaxPosition,
    /// Open orders at once.
    MaxOpenOrders,
    /// Orders per second.
    MaxOrderRate,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rule::Halted => "halted",
            Rule::InstrumentNotAllowed => "allowed_instruments",
            Rule::MaxOrderSize => "max_order_size",
            Rule::MaxOrderNotional => "max_order_notional",
            Rule::PriceBand => "price_band",
            Rule::MaxPosition => "max_position",
            Rule::MaxOpenOrders => "max_open_orders",
            Rule::MaxOrderRate => "max_orders_per_second",
        })
    }
}

/// An order the guard refused; it never left the process.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("risk guard refused an order on {inst_id}: {rule} limit {limit}, order has {value}")]
pub struct RiskRejection {
    /// The rule.
    pub rule: Rule,
    /// Its limit, as configured.
    pub limit: String,
    /// What the order had.
    pub value: String,
    /// The instrument.
    pub inst_id: String,
}

fn decimal<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Num {
        Text(String),
        Int(i64),
        Float(f64),
    }
    match Option::<Num>::deserialize(d)? {
        None => Ok(None),
        Some(Num::Text(t)) => t
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("{t:?} is not a decimal"))),
        Some(Num::Int(i)) => Ok(Some(Decimal::from(i))),
        Some(Num::Float(v)) => Err(serde::de::Error::custom(format!(
            "write {v} as a string (\"{v}\"): a float would be rounded"
        ))),
    }
}

/// Limits of one scope (global, or one instrument). Each is optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Largest order value (price × size × contract value).
    #[serde(default, deserialize_with = "decimal")]
    pub max_order_notional: Option<Decimal>,
    /// Largest order size (in the order's own unit).
    #[serde(default, deserialize_with = "decimal")]
    pub max_order_size: Option<Decimal>,
    /// Largest distance from the reference price, as a fraction (0.05 = 5%).
    #[serde(default, deserialize_with = "decimal")]
    pub price_band: Option<Decimal>,
    /// Largest absolute position after the order, counting pending orders.
    #[serde(default, deserialize_with = "decimal")]
    pub max_position: Option<Decimal>,
    /// Most open orders at once.
    #[serde(default)]
    pub max_open_orders: Option<usize>,
}

impl Limits {
    /// This scope's limits, falling back to `outer`'s.
    fn or(&self, outer: &Limits) -> Limits {
        Limits {
            max_order_notional: self.max_order_notional.or(outer.max_order_notional),
            max_order_size: self.max_order_size.or(outer.max_order_size),
            price_band: self.price_band.or(outer.price_band),
            max_position: self.max_position.or(outer.max_position),
            max_open_orders: self.max_open_orders.or(outer.max_open_orders),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct GlobalFile {
    #[serde(flatten)]
    limits: Limits,
    #[serde(default)]
    max_orders_per_second: Option<u32>,
    #[serde(default)]
    allowed_instruments: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    global: GlobalFile,
    #[serde(default)]
    instruments: HashMap<String, Limits>,
}

/// Every limit a guard applies.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RiskLimits {
    /// Limits for every instrument.
    pub global: Limits,
    /// Limits for one instrument (each falls back to the global one).
    pub per_instrument: HashMap<String, Limits>,
    /// Only these instruments may be traded (`None`: any).
    pub allowed_instruments: Option<Vec<String>>,
    /// Most orders per second, all instruments together.
    pub max_orders_per_second: Option<u32>,
}

/// Why a limits file could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LimitsError {
    /// It could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// It is not valid limits TOML.
    #[error("invalid risk limits: {0}")]
    Parse(String),
}

impl RiskLimits {
    /// Limits from TOML text.
    pub fn from_toml(text: &str) -> Result<Self, LimitsError> {
        let file: File = toml::from_str(text).map_err(|e| LimitsError::Parse(e.to_string()))?;
        Ok(RiskLimits {
            global: file.global.limits,
            per_instrument: file.instruments,
            allowed_instruments: file.global.allowed_instruments,
            max_orders_per_second: file.global.max_orders_per_second,
        })
    }

    /// Limits from a TOML file.
    pub fn from_file(path: &Path) -> Result<Self, LimitsError> {
        let text = std::fs::read_to_string(path).map_err(|source| LimitsError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_toml(&text)
    }

    fn for_inst(&self, inst_id: &str) -> Limits {
        match self.per_instrument.get(inst_id) {
            Some(l) => l.or(&self.global),
            None => self.global.clone(),
        }
    }
}

/// What the guard needs to know about an order.
#[derive(Debug, Clone, Default)]
pub struct OrderFacts {
    /// Instrument.
    pub inst_id: String,
    /// Buy (`true`) or sell.
    pub buy: bool,
    /// Size in the order's unit.
    pub sz: Decimal,
    /// Limit price, if any.
    pub px: Option<Decimal>,
    /// Value of one unit of size at price 1 (contract value for
    /// derivatives, 1 for spot).
    pub unit_value: Decimal,
    /// An inverse contract: its value is `sz × contract value`, whatever
    /// the price.
    pub inverse: bool,
    /// Reduce-only.
    pub reduce_only: bool,
    /// A new order (not an amend of one already counted).
    pub new_order: bool,
}

/// The account around the order.
#[derive(Debug, Clone, Default)]
pub struct Exposure {
    /// The mark or mid price, if known.
    pub reference_px: Option<Decimal>,
    /// The position now, signed (positive long).
    pub position: Decimal,
    /// Open orders' remaining size on this instrument, signed.
    pub pending: Decimal,
    /// Open orders, all instruments.
    pub open_orders: usize,
}

/// The guard. Cloning shares it.
#[derive(Debug, Clone)]
pub struct RiskGuard {
    limits: Arc<RwLock<RiskLimits>>,
    halted: Arc<AtomicBool>,
    sent: Arc<Mutex<VecDeque<Instant>>>,
}

impl RiskGuard {
    /// A guard applying `limits`.
    pub fn new(limits: RiskLimits) -> Self {
        RiskGuard {
            limits: Arc::new(RwLock::new(limits)),
            halted: Arc::new(AtomicBool::new(false)),
            sent: Arc::new(Mutex::new(VecDeque::new())),
        }
    }

    /// The limits now.
    pub fn limits(&self) -> RiskLimits {
        self.limits
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Replaces the limits; orders checked from now on use them.
    pub fn set_limits(&self, limits: RiskLimits) {
        *self.limits.write().unwrap_or_else(|e| e.into_inner()) = limits;
    }

    /// Halts new risk: from now on only reduce-only orders pass.
    pub fn halt(&self) {
        self.halted.store(true, Ordering::SeqCst);
    }

    /// Lets every order through the halt again.
    pub fn resume(&self) {
        self.halted.store(false, Ordering::SeqCst);
    }

    /// Whether trading is halted.
    pub fn is_halted(&self) -> bool {
        self.halted.load(Ordering::SeqCst)
    }

    /// Reloads the limits from `path` whenever it changes (checked every
    /// `every`), until the returned handle is dropped. A file that does not
    /// parse leaves the old limits in force and is reported in the log.
    pub fn watch_file(
        &self,
        path: impl Into<PathBuf>,
        every: Duration,
    ) -> tokio::task::JoinHandle<()> {
        let path = path.into();
        let guard = self.clone();
        tokio::spawn(async move {
            let mut last = None;
            loop {
                let stamp = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
                if stamp.is_some() && stamp != last {
                    last = stamp;
                    match RiskLimits::from_file(&path) {
                        Ok(limits) => {
                            tracing::info!(path = %path.display(), "risk limits loaded");
                            guard.set_limits(limits);
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "risk limits not reloaded; the old ones stay")
                        }
                    }
                }
                tokio::time::sleep(every).await;
            }
        })
    }

    /// Checks an order. On success the order counts against the order rate.
    pub fn check(&self, order: &OrderFacts, around: &Exposure) -> Result<(), RiskRejection> {
        let refuse = |rule: Rule, limit: String, value: String| {
            Err(RiskRejection {
                rule,
                limit,
                value,
                inst_id: order.inst_id.clone(),
            })
        };
        if self.is_halted() && !order.reduce_only {
            return refuse(
                Rule::Halted,
                "reduce-only".into(),
                "an order that adds risk".into(),
            );
        }
        let all = self.limits();
        if let Some(allowed) = &all.allowed_instruments
            && !allowed.iter().any(|i| i == &order.inst_id)
        {
            return refuse(
                Rule::InstrumentNotAllowed,
                allowed.join(","),
                order.inst_id.clone(),
            );
        }
        let limits = all.for_inst(&order.inst_id);
        if let Some(max) = limits.max_order_size
            && order.sz > max
        {
            return refuse(Rule::MaxOrderSize, max.to_string(), order.sz.to_string());
        }
        let px = order.px.or(around.reference_px);
        if let Some(max) = limits.max_order_notional {
            let value = if order.inverse {
                Some(order.sz * order.unit_value)
            } else {
                px.map(|p| order.sz * order.unit_value * p)
            };
            match value {
                Some(v) if v > max => {
                    return refuse(
                        Rule::MaxOrderNotional,
                        max.to_string(),
                        v.normalize().to_string(),
                    );
                }
                Some(_) => {}
                None => {
                    return refuse(
                        Rule::MaxOrderNotional,
                        max.to_string(),
                        "no price to value it at".into(),
                    );
                }
            }
        }
        if let (Some(band), Some(px)) = (limits.price_band, order.px) {
            let Some(reference) = around.reference_px.filter(|r| !r.is_zero()) else {
                return refuse(
                    Rule::PriceBand,
                    band.to_string(),
                    "no reference price".into(),
                );
            };
            let off = ((px - reference) / reference).abs();
            if off > band {
                return refuse(
                    Rule::PriceBand,
                    format!("{band} of {reference}"),
                    format!("{px} ({} off)", off.round_dp(4).normalize()),
                );
            }
        }
        if let Some(max) = limits.max_position
            && !order.reduce_only
        {
            let signed = if order.buy { order.sz } else { -order.sz };
            let after = around.position + around.pending + signed;
            if after.abs() > max {
                return refuse(
                    Rule::MaxPosition,
                    max.to_string(),
                    after.abs().normalize().to_string(),
                );
            }
        }
        if let Some(max) = limits.max_open_orders
            && order.new_order
            && around.open_orders >= max
        {
            return refuse(
                Rule::MaxOpenOrders,
                max.to_string(),
                (around.open_orders + 1).to_string(),
            );
        }
        if let Some(max) = all.max_orders_per_second {
            let mut sent = self.sent.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            while sent
                .front()
                .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
            {
                sent.pop_front();
            }
            if sent.len() >= max as usize {
                return refuse(
                    Rule::MaxOrderRate,
                    max.to_string(),
                    (sent.len() + 1).to_string(),
                );
            }
            sent.push_back(now);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    fn order(sz: &str, px: &str) -> OrderFacts {
        OrderFacts {
            inst_id: "BTC-USDT".into(),
            buy: true,
            sz: d(sz),
            px: Some(d(px)),
            unit_value: Decimal::ONE,
            new_order: true,
            ..OrderFacts::default()
        }
    }

    #[test]
    fn risk_limits_from_toml_with_per_instrument_overrides() {
        let limits = RiskLimits::from_toml(
            r#"
            [global]
            max_order_notional = "50000"
            max_order_size = 10
            price_band = "0.05"
            max_orders_per_second = 5
            allowed_instruments = ["BTC-USDT", "ETH-USDT"]
            [instruments."BTC-USDT"]
            max_order_size = "0.5"
            "#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(limits.for_inst("BTC-USDT").max_order_size, Some(d("0.5")));
        assert_eq!(
            limits.for_inst("BTC-USDT").max_order_notional,
            Some(d("50000"))
        );
        assert_eq!(limits.for_inst("ETH-USDT").max_order_size, Some(d("10")));
        let float = RiskLimits::from_toml("[global]\nprice_band = 0.05\n");
        assert!(matches!(float, Err(LimitsError::Parse(m)) if m.contains("as a string")));
        let typo = RiskLimits::from_toml("[global]\nmax_order_sz = \"1\"\n");
        assert!(
            typo.is_err(),
            "an unknown key is an error, not a silent no-limit"
        );
    }

    #[test]
    fn risk_rules_name_the_limit_and_the_value() {
        let guard = RiskGuard::new(RiskLimits {
            global: Limits {
                max_order_notional: Some(d("10000")),
                max_order_size: Some(d("1")),
                price_band: Some(d("0.05")),
                max_position: Some(d("2")),
                max_open_orders: Some(3),
            },
            allowed_instruments: Some(vec!["BTC-USDT".into()]),
            ..RiskLimits::default()
        });
        let around = Exposure {
            reference_px: Some(d("5000")),
            ..Exposure::default()
        };
        assert!(guard.check(&order("1", "5000"), &around).is_ok());
        let err = guard.check(&order("1.5", "5000"), &around).err();
        assert_eq!(
            err.map(|e| (e.rule, e.limit, e.value)),
            Some((Rule::MaxOrderSize, "1".into(), "1.5".into()))
        );
        let err = guard.check(&order("1", "6000"), &around).err();
        assert_eq!(
            err.map(|e| e.rule),
            Some(Rule::PriceBand),
            "a fat finger 20% off"
        );
        let err = guard
            .check(
                &order("1", "5100"),
                &Exposure {
                    reference_px: Some(d("5000")),
                    position: d("1.5"),
                    ..Exposure::default()
                },
            )
            .err();
        assert_eq!(
            err.map(|e| (e.rule, e.value)),
            Some((Rule::MaxPosition, "2.5".into()))
        );
        let mut big = order("0.9", "5000");
        big.unit_value = d("3");
        let err = guard.check(&big, &around).err();
        assert_eq!(
            err.map(|e| (e.rule, e.value)),
            Some((Rule::MaxOrderNotional, "13500".into()))
        );
        let mut eth = order("1", "5000");
        eth.inst_id = "ETH-USDT".into();
        assert_eq!(
            guard.check(&eth, &around).err().map(|e| e.rule),
            Some(Rule::InstrumentNotAllowed)
        );
        let busy = Exposure {
            open_orders: 3,
            ..around.clone()
        };
        assert_eq!(
            guard
                .check(&order("1", "5000"), &busy)
                .err()
                .map(|e| e.rule),
            Some(Rule::MaxOpenOrders)
        );
        let no_ref = Exposure::default();
        assert_eq!(
            guard
                .check(&order("1", "5000"), &no_ref)
                .err()
                .map(|e| (e.rule, e.value)),
            Some((Rule::PriceBand, "no reference price".into()))
        );
        guard.halt();
        assert_eq!(
            guard
                .check(&order("1", "5000"), &around)
                .err()
                .map(|e| e.rule),
            Some(Rule::Halted)
        );
        let mut reduce = order("1", "5000");
        reduce.reduce_only = true;
        assert!(
            guard.check(&reduce, &around).is_ok(),
            "reduce-only passes a halt"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn risk_order_rate_is_per_second() {
        let guard = RiskGuard::new(RiskLimits {
            max_orders_per_second: Some(2),
            ..RiskLimits::default()
        });
        let around = Exposure::default();
        let o = OrderFacts {
            px: None,
            ..order("1", "1")
        };
        assert!(guard.check(&o, &around).is_ok());
        assert!(guard.check(&o, &around).is_ok());
        assert_eq!(
            guard.check(&o, &around).err().map(|e| e.rule),
            Some(Rule::MaxOrderRate)
        );
        tokio::time::advance(Duration::from_millis(1001)).await;
        assert!(guard.check(&o, &around).is_ok());
    }
}
