//! Public channel pushes: mark-price, index-tickers, funding-rate,
//! open-interest, price-limit, liquidation-orders, status and the book
//! channels' rows.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::enums::{InstType, PosSide, Side};
use crate::market::BookLevel;

/// `mark-price` push row.
///
/// ```json
/// {"instType":"SWAP","instId":"BTC-USDT-SWAP","markPx":"42310.6","ts":"1630049139746"}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MarkPrice {
    /// Instrument type.
    #[serde(default, with = "crate::wire::opt")]
    pub inst_type: Option<InstType>,
    /// Instrument id.
    pub inst_id: String,
    /// Mark price.
    #[serde(with = "crate::num::decimal")]
    pub mark_px: Decimal,
    /// Data time, Unix ms.
    #[serde(with = "crate::num::int")]
    pub ts: i64,
}

/// `index-tickers` push row.
///
/// ```json
/// {"instId":"BTC-USDT","idxPx":"0.1","high24h":"0.5","low24h":"0.1","open24h":"0.1",
///  "sodUtc0":"0.1","sodUtc8":"0.1","ts":"1597026383085"}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct IndexTicker {
    /// Index, e.g. `BTC-USDT`.
    pub inst_id: String,
    /// Index price.
    #[serde(with = "crate::num::decimal")]
    pub idx_px: Decimal,
    /// Open price 24 hours ago.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub open_24h: Option<Decimal>,
    /// Highest price in 24 hours.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub high_24h: Option<Decimal>,
    /// Lowest price in 24 hours.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub low_24h: Option<Decimal>,
    /// Open price at 00:00 UTC.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub sod_utc0: Option<Decimal>,
    /// Open price at 00:00 UTC+8.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub sod_utc8: Option<Decimal>,
    /// Data time, Unix ms.
    #[serde(with = "crate::num::int")]
    pub ts: i64,
}

/// `funding-rate` push row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FundingRatePush {
    /// Instrument type (SWAP).
    #[serde(default, with = "crate::wire::opt")]
    pub inst_type: Option<InstType>,
    /// Instrument id.
    pub inst_id: String,
    /// `current_period` or `next_period`.
    #[serde(default)]
    pub method: String,
    /// `noRate` or `withRate`.
    #[serde(default)]
    pub formula_type: String,
    /// Current funding rate.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub funding_rate: Option<Decimal>,
    /// Forecast next funding rate.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub next_funding_rate: Option<Decimal>,
    /// Settlement time, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub funding_time: Option<i64>,
    /// Next settlement time, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub next_funding_time: Option<i64>,
    /// Lower bound of the rate.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub min_funding_rate: Option<Decimal>,
    /// Upper bound of the rate.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub max_funding_rate: Option<Decimal>,
    /// Interest rate.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub interest_rate: Option<Decimal>,
    /// Depth-weighted amount.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub impact_value: Option<Decimal>,
    /// `processing` or `settled`.
    #[serde(default)]
    pub sett_state: String,
    /// Funding rate being settled.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub sett_funding_rate: Option<Decimal>,
    /// Premium index.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub premium: Option<Decimal>,
    /// Data time, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub ts: Option<i64>,
}

/// `open-interest` push row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OpenInterestPush {
    /// Instrument type.
    #[serde(default, with = "crate::wire::opt")]
    pub inst_type: Option<InstType>,
    /// Instrument id.
    pub inst_id: String,
    /// Open interest in contracts.
    #[serde(with = "crate::num::decimal")]
    pub oi: Decimal,
    /// Open interest in currency.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub oi_ccy: Option<Decimal>,
    /// Open interest in USD.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub oi_usd: Option<Decimal>,
    /// Data time, Unix ms.
    #[serde(with = "crate::num::int")]
    pub ts: i64,
}

/// `price-limit` push row. When `enabled` is false the limits are `None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PriceLimit {
    /// Instrument type.
    #[serde(default, with = "crate::wire::opt")]
    pub inst_type: Option<InstType>,
    /// Instrument id.
    pub inst_id: String,
    /// Highest buy price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub buy_lmt: Option<Decimal>,
    /// Lowest sell price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub sell_lmt: Option<Decimal>,
    /// Whether the limit is in force.
    #[serde(default, with = "crate::num::opt_bool")]
    pub enabled: Option<bool>,
    /// Data time, Unix ms.
    #[serde(with = "crate::num::int")]
    pub ts: i64,
}

/// `liquidation-orders` push row: one instrument with its liquidations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LiquidationOrder {
    /// Instrument type.
    #[serde(default, with = "crate::wire::opt")]
    pub inst_type: Option<InstType>,
    /// Instrument id.
    pub inst_id: String,
    /// Underlying.
    #[serde(default)]
    pub uly: String,
    /// Instrument family.
    #[serde(default)]
    pub inst_family: String,
    /// The liquidations.
    #[serde(default)]
    pub details: Vec<LiquidationDetail>,
}

/// One liquidation in a [`LiquidationOrder`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LiquidationDetail {
    /// Order side.
    #[serde(default, with = "crate::wire::opt")]
    pub side: Option<Side>,
    /// Position side.
    #[serde(default, with = "crate::wire::opt")]
    pub pos_side: Option<PosSide>,
    /// Bankruptcy price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub bk_px: Option<Decimal>,
    /// Quantity (contracts, or base currency for MARGIN).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub sz: Option<Decimal>,
    /// Bankruptcy loss.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub bk_loss: Option<Decimal>,
    /// Liquidation currency (MARGIN).
    #[serde(default)]
    pub ccy: String,
    /// Liquidation time, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub ts: Option<i64>,
}

/// `status` push row: planned or ongoing system maintenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SystemStatus {
    /// Title of the event.
    #[serde(default)]
    pub title: String,
    /// `scheduled`, `ongoing`, `pre_open`, `completed` or `canceled`.
    #[serde(default)]
    pub state: String,
    /// Planned start, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub begin: Option<i64>,
    /// Planned end, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub end: Option<i64>,
    /// Start of the pre-open phase, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub pre_open_begin: Option<i64>,
    /// Link to details.
    #[serde(default)]
    pub href: String,
    /// Service type code.
    #[serde(default)]
    pub service_type: String,
    /// `classic` or `unified`.
    #[serde(default)]
    pub system: String,
    /// Rescheduled description.
    #[serde(default)]
    pub sche_desc: String,
    /// Maintenance type.
    #[serde(default)]
    pub maint_type: String,
    /// Environment.
    #[serde(default)]
    pub env: String,
    /// Push time, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub ts: Option<i64>,
}

/// A book channel row (`books`, `books5`, `bbo-tbt`, `books50-l2-tbt`,
/// `books-l2-tbt`). Levels keep their received text scale, which the checksum
/// depends on. `checksum` 0 means "not provided".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BookPush {
    /// Ask levels (ascending).
    #[serde(default)]
    pub asks: Vec<BookLevel>,
    /// Bid levels (descending).
    #[serde(default)]
    pub bids: Vec<BookLevel>,
    /// Data time, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub ts: Option<i64>,
    /// Signed CRC-32 of the top 25 levels (absent on books5/bbo-tbt).
    #[serde(default)]
    pub checksum: Option<i64>,
    /// Sequence id of this push.
    #[serde(default)]
    pub seq_id: Option<i64>,
    /// Sequence id of the previous push (-1 on a snapshot).
    #[serde(default)]
    pub prev_seq_id: Option<i64>,
    /// Instrument id (books5 pushes carry it in the row).
    #[serde(default)]
    pub inst_id: Option<String>,
}

/// An `event-contract-markets` push row (2026; `instType` `EVENTS`): one
/// market of an event contract and its state.
///
/// ```json
/// {"seriesId":"BTC-ABOVE-DAILY","eventId":"BTC-ABOVE-DAILY-260224-1600",
///  "instId":"BTC-ABOVE-DAILY-260224-1600-65000","listTime":"1771900800000",
///  "fixTime":"","expTime":"1771920000000","state":"live","outcome":"0",
///  "floorStrike":"65000","capStrike":"INF","settleValue":"","disputed":false,"hitDir":""}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EventContractMarket {
    /// Series id, e.g. `BTC-ABOVE-DAILY`.
    #[serde(default)]
    pub series_id: String,
    /// Event id.
    #[serde(default)]
    pub event_id: String,
    /// Instrument id of the market.
    #[serde(default)]
    pub inst_id: String,
    /// Listing time, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub list_time: Option<i64>,
    /// When the strike was fixed, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub fix_time: Option<i64>,
    /// Expiry, Unix ms (updated at settlement).
    #[serde(default, with = "crate::num::opt_int")]
    pub exp_time: Option<i64>,
    /// `preopen`, `live`, `settling` or `expired`.
    #[serde(default)]
    pub state: String,
    /// `0` undecided, `1` YES, `2` NO (decided once `expired`).
    #[serde(default)]
    pub outcome: String,
    /// Lowest expiry value that resolves YES.
    #[serde(default)]
    pub floor_strike: String,
    /// Highest expiry value that resolves YES (`INF`: no cap).
    #[serde(default)]
    pub cap_strike: String,
    /// Settlement value, once expired.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub settle_value: Option<Decimal>,
    /// Whether the outcome is disputed.
    #[serde(default, with = "crate::num::opt_bool")]
    pub disputed: Option<bool>,
    /// `up` or `dn` for markets settled on a touch.
    #[serde(default)]
    pub hit_dir: String,
}
