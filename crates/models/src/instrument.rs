//! Instruments (`GET /api/v5/public/instruments`, WS `instruments`) and the
//! price/size helpers that use their increments.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::enums::{CtType, InstState, InstType, OptType, RuleType};
use crate::ids::InstId;

/// An instrument. Fields are those of OKX's instrument table; numbers that may
/// be `""` (pre-listing entries leave most fields empty) are `Option`.
///
/// Docs: <https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments>
///
/// ```json
/// {"instType":"SPOT","instId":"BTC-USDT","baseCcy":"BTC","quoteCcy":"USDT","tickSz":"0.1",
///  "lotSz":"0.00000001","minSz":"0.00001","state":"live","listTime":"1606468572000", ...}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Instrument {
    /// Instrument type.
    pub inst_type: InstType,
    /// Instrument id.
    pub inst_id: InstId,
    /// Underlying, e.g. `BTC-USD` (derivatives).
    #[serde(default)]
    pub uly: String,
    /// Instrument family, e.g. `BTC-USD` (derivatives).
    #[serde(default)]
    pub inst_family: String,
    /// Currency category (deprecated by OKX).
    #[serde(default)]
    pub category: String,
    /// Base currency (SPOT/MARGIN).
    #[serde(default)]
    pub base_ccy: String,
    /// Quote currency (SPOT/MARGIN).
    #[serde(default)]
    pub quote_ccy: String,
    /// Settlement and margin currency (derivatives).
    #[serde(default)]
    pub settle_ccy: String,
    /// Contract value (derivatives).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub ct_val: Option<Decimal>,
    /// Contract multiplier (derivatives).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub ct_mult: Option<Decimal>,
    /// Currency of the contract value (derivatives).
    #[serde(default)]
    pub ct_val_ccy: String,
    /// Call or put (OPTION).
    #[serde(default, with = "crate::wire::opt")]
    pub opt_type: Option<OptType>,
    /// Strike price (OPTION).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub stk: Option<Decimal>,
    /// Listing time, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub list_time: Option<i64>,
    /// End of the call auction, Unix ms (deprecated by OKX; use `contTdSwTime`).
    #[serde(default, with = "crate::num::opt_int")]
    pub auction_end_time: Option<i64>,
    /// Switch time from call auction (or pre-quote) to continuous trading, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub cont_td_sw_time: Option<i64>,
    /// Opening type: `fix_price`, `pre_quote`, `call_auction` (SPOT/MARGIN).
    #[serde(default)]
    pub open_type: String,
    /// Expiry time, Unix ms (FUTURES/OPTION).
    #[serde(default, with = "crate::num::opt_int")]
    pub exp_time: Option<i64>,
    /// Maximum leverage (not for SPOT/OPTION).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub lever: Option<Decimal>,
    /// Price increment.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub tick_sz: Option<Decimal>,
    /// Size increment.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub lot_sz: Option<Decimal>,
    /// Minimum order size.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub min_sz: Option<Decimal>,
    /// Linear or inverse (FUTURES/SWAP).
    #[serde(default, with = "crate::wire::opt")]
    pub ct_type: Option<CtType>,
    /// FUTURES alias such as `this_week` (discouraged by OKX; use `expTime`).
    #[serde(default)]
    pub alias: String,
    /// Instrument state.
    pub state: InstState,
    /// Trading rule type.
    #[serde(default, with = "crate::wire::opt")]
    pub rule_type: Option<RuleType>,
    /// Maximum size of a limit order.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub max_lmt_sz: Option<Decimal>,
    /// Maximum size of a market order (USDT for SPOT/MARGIN).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub max_mkt_sz: Option<Decimal>,
    /// Maximum USD amount of a limit order.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub max_lmt_amt: Option<Decimal>,
    /// Maximum USD amount of a market order.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub max_mkt_amt: Option<Decimal>,
    /// Maximum size of a TWAP order.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub max_twap_sz: Option<Decimal>,
    /// Maximum size of an iceberg order.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub max_iceberg_sz: Option<Decimal>,
    /// Maximum size of a trigger order.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub max_trigger_sz: Option<Decimal>,
    /// Maximum size of a stop order.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub max_stop_sz: Option<Decimal>,
    /// Whether the futures contract settles daily (JSON bool).
    #[serde(default, with = "crate::num::opt_bool")]
    pub future_settlement: Option<bool>,
    /// Quote currencies usable for trading this instrument.
    #[serde(default)]
    pub trade_quote_ccy_list: Vec<String>,
    /// Numeric instrument code (JSON number; differs between live and
    /// demo). WS orders and SBE feeds name instruments by it; it survives a
    /// rename but changes when the instrument is listed again.
    #[serde(default, with = "crate::num::opt_int_number")]
    pub inst_id_code: Option<i64>,
    /// Asset class of the underlying (2026; commodities moved from `1` to
    /// `4` on 2026-04-22); `None` when OKX sends `""`.
    #[serde(default, with = "crate::wire::opt")]
    pub inst_category: Option<InstCategory>,
    /// Fee group id.
    #[serde(default)]
    pub group_id: String,
    /// Event-contract series (`EVENTS` only).
    #[serde(default)]
    pub series_id: String,
    /// When a pre-market contract switches to normal trading, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub pre_mkt_sw_time: Option<i64>,
    /// Price limit band for the first 10 minutes after listing (0.05 = 5%).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub init_px_lmt_pct: Option<Decimal>,
    /// Floating price limit band in regular trading.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub float_px_lmt_pct: Option<Decimal>,
    /// Hard cap of an order price's distance from the index.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub max_px_lmt_pct: Option<Decimal>,
    /// Parameters about to change (`tickSz`, `minSz`, `maxMktSz`, ...).
    #[serde(default)]
    pub upc_chg: Vec<UpcomingChange>,
}

crate::wire::wire_enum! {
    /// Asset class of an instrument's underlying (`instCategory`).
    InstCategory {
        /// Crypto.
        Crypto => "1",
        /// Stocks.
        Stocks => "3",
        /// Commodities (`1` before 2026-04-22).
        Commodities => "4",
        /// Foreign exchange.
        Forex => "5",
        /// Bonds.
        Bonds => "6",
    }
}

/// A parameter of an instrument about to change (`upcChg`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UpcomingChange {
    /// Which parameter (`tickSz`, `minSz`, `maxMktSz`, ...).
    #[serde(default)]
    pub param: String,
    /// Its new value, as sent.
    #[serde(default)]
    pub new_value: String,
    /// When it takes effect, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub eff_time: Option<i64>,
}

/// Why an order size does not fit an instrument.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SizeError {
    /// The size is zero or negative.
    #[error("size {sz} is not positive")]
    NotPositive {
        /// The size checked.
        sz: Decimal,
    },
    /// The size is below `minSz`.
    #[error("size {sz} is below the minimum {min_sz}")]
    BelowMin {
        /// The size checked.
        sz: Decimal,
        /// The instrument's `minSz`.
        min_sz: Decimal,
    },
    /// The size is not a whole number of `lotSz`.
    #[error("size {sz} is not a multiple of the lot size {lot_sz}")]
    NotLotMultiple {
        /// The size checked.
        sz: Decimal,
        /// The instrument's `lotSz`.
        lot_sz: Decimal,
    },
}

impl Instrument {
    /// Rounds a price to the nearest multiple of `tickSz` (halves away from
    /// zero), with the tick's scale (`43000.123` with tick `0.1` → `43000.1`).
    /// Returns `px` unchanged when the instrument has no tick size.
    pub fn round_price(&self, px: Decimal) -> Decimal {
        round_to_step(px, self.tick_sz, RoundingStrategy::MidpointAwayFromZero)
    }

    /// Rounds a price down to a multiple of `tickSz` (a buy that must not pay more).
    pub fn floor_price(&self, px: Decimal) -> Decimal {
        round_to_step(px, self.tick_sz, RoundingStrategy::ToNegativeInfinity)
    }

    /// Rounds a price up to a multiple of `tickSz` (a sell that must not get less).
    pub fn ceil_price(&self, px: Decimal) -> Decimal {
        round_to_step(px, self.tick_sz, RoundingStrategy::ToPositiveInfinity)
    }

    /// Rounds a size down (toward zero) to a multiple of `lotSz`, so the
    /// result never exceeds what was asked. Returns `sz` unchanged when the
    /// instrument has no lot size.
    pub fn round_size(&self, sz: Decimal) -> Decimal {
        round_to_step(sz, self.lot_sz, RoundingStrategy::ToZero)
    }

    /// Checks that a size is positive, at least `minSz` and a multiple of
    /// `lotSz`. Checks whose increment the instrument does not state are skipped.
    pub fn check_size(&self, sz: Decimal) -> Result<(), SizeError> {
        if sz <= Decimal::ZERO {
            return Err(SizeError::NotPositive { sz });
        }
        if let Some(min_sz) = self.min_sz
            && sz < min_sz
        {
            return Err(SizeError::BelowMin { sz, min_sz });
        }
        if let Some(lot_sz) = self.lot_sz.filter(|l| *l > Decimal::ZERO)
            && sz.checked_rem(lot_sz).is_none_or(|r| !r.is_zero())
        {
            return Err(SizeError::NotLotMultiple { sz, lot_sz });
        }
        Ok(())
    }
}

fn round_to_step(v: Decimal, step: Option<Decimal>, strategy: RoundingStrategy) -> Decimal {
    let Some(step) = step.filter(|s| *s > Decimal::ZERO) else {
        return v;
    };
    let Some(steps) = v.checked_div(step) else {
        return v;
    };
    let whole = steps.round_dp_with_strategy(0, strategy);
    match whole.checked_mul(step) {
        Some(mut out) => {
            out.rescale(step.scale());
            out
        }
        None => v,
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    /// The 2026 schema: `instCategory` (commodities now `4`), price-limit
    /// bands, upcoming changes; `""` for what does not apply.
    #[test]
    fn reads_the_2026_instrument_fields() {
        let i: Instrument = serde_json::from_str(
            r#"{"instType":"SWAP","instId":"XAU-USDT-SWAP","state":"live","instIdCode":20001,
                "instCategory":"4","groupId":"6","seriesId":"","preMktSwTime":"",
                "initPxLmtPct":"0.05","floatPxLmtPct":"0.03","maxPxLmtPct":"",
                "upcChg":[{"param":"tickSz","newValue":"0.01","effTime":"1750000000000"}]}"#,
        )
        .unwrap();
        assert_eq!(i.inst_category, Some(InstCategory::Commodities));
        assert_eq!(i.init_px_lmt_pct, Some(d("0.05")));
        assert_eq!(i.max_px_lmt_pct, None);
        assert_eq!(i.upc_chg[0].eff_time, Some(1750000000000));
        assert_eq!(i.pre_mkt_sw_time, None);
        let old: Instrument = serde_json::from_str(
            r#"{"instType":"SPOT","instId":"BTC-USDT","state":"live","instCategory":""}"#,
        )
        .unwrap();
        assert_eq!(old.inst_category, None);
        let unknown: Instrument = serde_json::from_str(
            r#"{"instType":"SPOT","instId":"X-Y","state":"live","instCategory":"9"}"#,
        )
        .unwrap();
        assert_eq!(unknown.inst_category, Some(InstCategory::Other("9".into())));
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn spot() -> Instrument {
        serde_json::from_str(
            r#"{"instType":"SPOT","instId":"BTC-USDT","tickSz":"0.1","lotSz":"0.0001",
                "minSz":"0.001","state":"live"}"#,
        )
        .unwrap()
    }

    #[test]
    fn rounds_price_to_tick() {
        let i = spot();
        assert_eq!(i.round_price(d("43000.14")).to_string(), "43000.1");
        assert_eq!(i.round_price(d("43000.15")).to_string(), "43000.2");
        assert_eq!(i.round_price(d("43000")).to_string(), "43000.0");
        assert_eq!(i.floor_price(d("43000.19")).to_string(), "43000.1");
        assert_eq!(i.ceil_price(d("43000.11")).to_string(), "43000.2");
        assert_eq!(i.ceil_price(d("43000.1")).to_string(), "43000.1");
    }

    #[test]
    fn rounds_size_down_to_lot() {
        let i = spot();
        assert_eq!(i.round_size(d("0.123456")).to_string(), "0.1234");
        assert_eq!(i.round_size(d("0.00009")).to_string(), "0.0000");
    }

    #[test]
    fn checks_size() {
        let i = spot();
        assert_eq!(i.check_size(d("0.0012")), Ok(()));
        assert!(matches!(
            i.check_size(d("0.0005")),
            Err(SizeError::BelowMin { .. })
        ));
        assert!(matches!(
            i.check_size(d("0.00123")),
            Err(SizeError::NotLotMultiple { .. })
        ));
        assert!(matches!(
            i.check_size(Decimal::ZERO),
            Err(SizeError::NotPositive { .. })
        ));
    }

    #[test]
    fn missing_increments_pass_through() {
        let i: Instrument =
            serde_json::from_str(r#"{"instType":"SPOT","instId":"NEW-USDT","tickSz":"","lotSz":"","minSz":"","state":"preopen"}"#)
                .unwrap();
        assert_eq!(i.tick_sz, None);
        assert_eq!(i.round_price(d("1.23456")), d("1.23456"));
        assert_eq!(i.check_size(d("7")), Ok(()));
    }
}
