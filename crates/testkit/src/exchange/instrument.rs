//! The instruments the exchange lists: every OKX instrument type, with the
//! fields OKX publishes (`instIdCode`, tick, lot, minimum size, contract
//! value, state, ...).

use rust_decimal::Decimal;
use serde_json::{Value, json};

/// OKX's instrument types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `SPOT`.
    Spot,
    /// `MARGIN`: the spot book traded with borrowed funds.
    Margin,
    /// `SWAP`: perpetual futures.
    Swap,
    /// `FUTURES`: expiry futures.
    Futures,
    /// `OPTION`.
    Option,
}

impl Kind {
    /// OKX's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Spot => "SPOT",
            Kind::Margin => "MARGIN",
            Kind::Swap => "SWAP",
            Kind::Futures => "FUTURES",
            Kind::Option => "OPTION",
        }
    }

    /// The type named by OKX's text.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "SPOT" => Kind::Spot,
            "MARGIN" => Kind::Margin,
            "SWAP" => Kind::Swap,
            "FUTURES" => Kind::Futures,
            "OPTION" => Kind::Option,
            _ => return None,
        })
    }

    /// Contracts (sizes in contracts, positions, margin) rather than coins.
    pub fn is_derivative(self) -> bool {
        matches!(self, Kind::Swap | Kind::Futures | Kind::Option)
    }
}

/// One listed instrument. Build with the constructors, adjust the public
/// fields, and hand it to [`OkxBuilder::instrument`](crate::OkxBuilder::instrument)
/// or [`Okx::list`](crate::Okx::list).
#[derive(Debug, Clone, PartialEq)]
pub struct InstrumentSpec {
    /// Instrument type.
    pub kind: Kind,
    /// `BTC-USDT`, `BTC-USDT-SWAP`, `BTC-USD-261225`, `BTC-USD-261225-30000-C`.
    pub inst_id: String,
    /// OKX's integer code for the instrument (WS orders name instruments by
    /// it). `0` lets the exchange assign one; relisting assigns a new one,
    /// as OKX does.
    pub inst_id_code: i64,
    /// Base currency (SPOT/MARGIN).
    pub base_ccy: String,
    /// Quote currency (SPOT/MARGIN).
    pub quote_ccy: String,
    /// Settlement and margin currency (derivatives).
    pub settle_ccy: String,
    /// Instrument family / underlying (derivatives), e.g. `BTC-USDT`.
    pub inst_family: String,
    /// Contract value (derivatives).
    pub ct_val: Decimal,
    /// Contract multiplier (derivatives).
    pub ct_mult: Decimal,
    /// Currency of the contract value.
    pub ct_val_ccy: String,
    /// `linear` or `inverse` (SWAP/FUTURES).
    pub inverse: bool,
    /// Tick size.
    pub tick_sz: Decimal,
    /// Lot size.
    pub lot_sz: Decimal,
    /// Minimum order size.
    pub min_sz: Decimal,
    /// Maximum leverage.
    pub max_lever: u32,
    /// Expiry (FUTURES/OPTION), Unix ms.
    pub exp_time: Option<i64>,
    /// Option type `C`/`P`.
    pub opt_type: String,
    /// Option strike.
    pub stk: Decimal,
    /// Listing time, Unix ms.
    pub list_time: i64,
    /// `live`, `suspend`, `preopen` or `test`.
    pub state: String,
    /// Where the simulated market starts (and where its history ends).
    pub start_px: Decimal,
}

fn d(text: &str) -> Decimal {
    text.parse().unwrap_or(Decimal::ZERO)
}

impl InstrumentSpec {
    fn base(kind: Kind, inst_id: &str, tick: Decimal, lot: Decimal, min: Decimal) -> Self {
        InstrumentSpec {
            kind,
            inst_id: inst_id.to_owned(),
            inst_id_code: 0,
            base_ccy: String::new(),
            quote_ccy: String::new(),
            settle_ccy: String::new(),
            inst_family: String::new(),
            ct_val: Decimal::ZERO,
            ct_mult: Decimal::ZERO,
            ct_val_ccy: String::new(),
            inverse: false,
            tick_sz: tick,
            lot_sz: lot,
            min_sz: min,
            max_lever: 10,
            exp_time: None,
            opt_type: String::new(),
            stk: Decimal::ZERO,
            list_time: 1_548_133_413_000,
            state: "live".into(),
            start_px: Decimal::ONE_HUNDRED,
        }
    }

    /// A spot pair such as `BTC-USDT`.
    pub fn spot(inst_id: &str, tick: Decimal, lot: Decimal, min: Decimal, px: Decimal) -> Self {
        let mut parts = inst_id.splitn(2, '-');
        let base = parts.next().unwrap_or_default().to_owned();
        let quote = parts.next().unwrap_or_default().to_owned();
        InstrumentSpec {
            base_ccy: base,
            quote_ccy: quote,
            start_px: px,
            ..Self::base(Kind::Spot, inst_id, tick, lot, min)
        }
    }

    /// The MARGIN twin of a spot pair: same book, traded with `cross` or
    /// `isolated` margin.
    pub fn margin_of(spot: &InstrumentSpec) -> Self {
        InstrumentSpec {
            kind: Kind::Margin,
            inst_id_code: 0,
            max_lever: 10,
            ..spot.clone()
        }
    }

    /// A perpetual swap: `BTC-USDT-SWAP` is linear (settled in USDT, `ct_val`
    /// in BTC), `BTC-USD-SWAP` inverse (settled in BTC, `ct_val` in USD).
    pub fn swap(inst_id: &str, ct_val: Decimal, tick: Decimal, lot: Decimal, px: Decimal) -> Self {
        Self::contract(Kind::Swap, inst_id, ct_val, tick, lot, px)
    }

    /// An expiry future such as `BTC-USDT-261225`, expiring at `exp_time`.
    pub fn futures(
        inst_id: &str,
        ct_val: Decimal,
        tick: Decimal,
        lot: Decimal,
        px: Decimal,
        exp_time: i64,
    ) -> Self {
        InstrumentSpec {
            exp_time: Some(exp_time),
            ..Self::contract(Kind::Futures, inst_id, ct_val, tick, lot, px)
        }
    }

    fn contract(
        kind: Kind,
        inst_id: &str,
        ct_val: Decimal,
        tick: Decimal,
        lot: Decimal,
        px: Decimal,
    ) -> Self {
        let parts: Vec<&str> = inst_id.split('-').collect();
        let family = format!(
            "{}-{}",
            parts.first().copied().unwrap_or_default(),
            parts.get(1).copied().unwrap_or_default()
        );
        let base = parts.first().copied().unwrap_or_default().to_owned();
        let quote = parts.get(1).copied().unwrap_or_default().to_owned();
        let inverse = quote == "USD";
        InstrumentSpec {
            inst_family: family,
            settle_ccy: if inverse { base.clone() } else { quote.clone() },
            ct_val_ccy: if inverse { quote } else { base },
            ct_val,
            ct_mult: Decimal::ONE,
            inverse,
            max_lever: 100,
            start_px: px,
            ..Self::base(kind, inst_id, tick, lot, lot)
        }
    }

    /// A coin-margined option such as `BTC-USD-261225-30000-C`: priced in
    /// the base coin per unit of underlying, one contract is
    /// `ct_val * ct_mult` of it.
    pub fn option(inst_id: &str, exp_time: i64, px: Decimal) -> Self {
        let parts: Vec<&str> = inst_id.split('-').collect();
        let base = parts.first().copied().unwrap_or_default().to_owned();
        InstrumentSpec {
            inst_family: format!("{}-{}", base, parts.get(1).copied().unwrap_or_default()),
            settle_ccy: base.clone(),
            ct_val_ccy: base,
            ct_val: Decimal::ONE,
            ct_mult: d("0.01"),
            stk: d(parts.get(3).copied().unwrap_or("0")),
            opt_type: parts.get(4).copied().unwrap_or_default().to_owned(),
            exp_time: Some(exp_time),
            max_lever: 1,
            start_px: px,
            ..Self::base(
                Kind::Option,
                inst_id,
                d("0.0001"),
                Decimal::ONE,
                Decimal::ONE,
            )
        }
    }

    /// The contract's size in its value currency (`ct_val * ct_mult`).
    pub fn contract_size(&self) -> Decimal {
        if self.kind == Kind::Option {
            self.ct_val * self.ct_mult
        } else {
            self.ct_val
        }
    }

    /// The instrument as `GET /api/v5/public/instruments` lists it.
    pub fn to_json(&self) -> Value {
        let text = |v: Decimal| {
            if v.is_zero() {
                String::new()
            } else {
                v.normalize().to_string()
            }
        };
        let derivative = self.kind.is_derivative();
        let spotlike = !derivative;
        let ct_type = match (self.kind, self.inverse) {
            (Kind::Swap | Kind::Futures, true) => "inverse",
            (Kind::Swap | Kind::Futures, false) => "linear",
            _ => "",
        };
        json!({
            "alias": "", "auctionEndTime": "", "contTdSwTime": "", "openType": "",
            "baseCcy": if spotlike { self.base_ccy.as_str() } else { "" },
            "quoteCcy": if spotlike { self.quote_ccy.as_str() } else { "" },
            "category": "1",
            "ctMult": if derivative { text(self.ct_mult) } else { String::new() },
            "ctType": ct_type,
            "ctVal": if derivative { text(self.ct_val) } else { String::new() },
            "ctValCcy": if derivative { self.ct_val_ccy.as_str() } else { "" },
            "expTime": self.exp_time.map(|t| t.to_string()).unwrap_or_default(),
            "futureSettlement": false,
            "instFamily": self.inst_family,
            "instId": self.inst_id,
            "instIdCode": self.inst_id_code,
            "instType": self.kind.as_str(),
            "lever": match self.kind { Kind::Spot | Kind::Option => String::new(), _ => self.max_lever.to_string() },
            "listTime": self.list_time.to_string(),
            "lotSz": text(self.lot_sz),
            "maxIcebergSz": "9999999999.0000000000000000",
            "maxLmtAmt": "20000000",
            "maxLmtSz": "9999999999",
            "maxMktAmt": if spotlike { "1000000" } else { "" },
            "maxMktSz": "1000000",
            "maxStopSz": "1000000",
            "maxTriggerSz": "9999999999.0000000000000000",
            "maxTwapSz": "9999999999.0000000000000000",
            "minSz": text(self.min_sz),
            "optType": self.opt_type,
            "ruleType": "normal",
            "settleCcy": if derivative { self.settle_ccy.as_str() } else { "" },
            "state": self.state,
            "stk": text(self.stk),
            "tickSz": text(self.tick_sz),
            "tradeQuoteCcyList": if spotlike { vec![self.quote_ccy.clone()] } else { Vec::new() },
            "uly": self.inst_family,
        })
    }
}

/// Unix ms of 08:00 UTC on the first Friday at least `days` days after `from_ms`.
pub(crate) fn friday_after(from_ms: i64, days: i64) -> i64 {
    const DAY: i64 = 86_400_000;
    let mut day = (from_ms / DAY) + days;
    // 1970-01-01 was a Thursday: day 1 is a Friday.
    while (day - 1).rem_euclid(7) != 0 {
        day += 1;
    }
    day * DAY + 8 * 3_600_000
}

/// `YYMMDD` of a Unix ms instant (UTC).
pub(crate) fn yymmdd(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(86_400_000));
    format!("{:02}{:02}{:02}", y.rem_euclid(100), m, d)
}

/// Year, month, day of a day count since 1970-01-01 (Hinnant's algorithm).
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The instruments a fresh exchange lists, expiries placed after `now_ms`:
/// three spot pairs with their MARGIN twins, linear and inverse swaps, a
/// linear and an inverse future, and six BTC options.
pub fn default_instruments(now_ms: i64) -> Vec<InstrumentSpec> {
    let mut out = Vec::new();
    for (id, tick, lot, min, px) in [
        ("BTC-USDT", "0.1", "0.00000001", "0.00001", "30000"),
        ("ETH-USDT", "0.01", "0.000001", "0.0001", "2000"),
        ("SOL-USDT", "0.01", "0.0001", "0.01", "100"),
    ] {
        let spot = InstrumentSpec::spot(id, d(tick), d(lot), d(min), d(px));
        out.push(InstrumentSpec::margin_of(&spot));
        out.push(spot);
    }
    out.push(InstrumentSpec::swap(
        "BTC-USDT-SWAP",
        d("0.01"),
        d("0.1"),
        d("0.01"),
        d("30000"),
    ));
    out.push(InstrumentSpec::swap(
        "ETH-USDT-SWAP",
        d("0.1"),
        d("0.01"),
        d("0.01"),
        d("2000"),
    ));
    out.push(InstrumentSpec::swap(
        "BTC-USD-SWAP",
        d("100"),
        d("0.1"),
        d("1"),
        d("30000"),
    ));
    let expiry = friday_after(now_ms, 28);
    let date = yymmdd(expiry);
    out.push(InstrumentSpec::futures(
        &format!("BTC-USDT-{date}"),
        d("0.01"),
        d("0.1"),
        d("0.1"),
        d("30100"),
        expiry,
    ));
    out.push(InstrumentSpec::futures(
        &format!("BTC-USD-{date}"),
        d("100"),
        d("0.1"),
        d("1"),
        d("30100"),
        expiry,
    ));
    for (strike, call, put) in [
        ("28000", "0.075", "0.0085"),
        ("30000", "0.041", "0.04"),
        ("32000", "0.012", "0.078"),
    ] {
        for (kind, px) in [("C", call), ("P", put)] {
            out.push(InstrumentSpec::option(
                &format!("BTC-USD-{date}-{strike}-{kind}"),
                expiry,
                d(px),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_defaults() {
        // 2020-12-08 was a Tuesday; the first Friday 28+ days later is 2021-01-08.
        let from = 1_607_418_537_715;
        let fri = friday_after(from, 28);
        assert_eq!(yymmdd(fri), "210108");
        assert_eq!(fri % 86_400_000, 8 * 3_600_000);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        let all = default_instruments(from);
        for kind in [
            Kind::Spot,
            Kind::Margin,
            Kind::Swap,
            Kind::Futures,
            Kind::Option,
        ] {
            assert!(all.iter().any(|i| i.kind == kind), "{kind:?}");
        }
        let opt = all
            .iter()
            .find(|i| i.kind == Kind::Option)
            .map(InstrumentSpec::to_json);
        let opt = opt.unwrap_or_default();
        assert_eq!(opt["instFamily"], "BTC-USD");
        assert_eq!(opt["stk"], "28000");
        assert_eq!(opt["optType"], "C");
        let inverse = all
            .iter()
            .find(|i| i.inst_id == "BTC-USD-SWAP")
            .map(InstrumentSpec::to_json);
        let inverse = inverse.unwrap_or_default();
        assert_eq!(inverse["ctType"], "inverse");
        assert_eq!(inverse["settleCcy"], "BTC");
        assert_eq!(inverse["ctValCcy"], "USD");
    }
}
