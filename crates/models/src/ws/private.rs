//! Private channel pushes with no REST twin: `fills`, `balance_and_position`,
//! `liquidation-warning` and `orders-algo`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::enums::{
    AlgoOrdType, AlgoState, ExecType, InstType, MgnMode, PosSide, Side, TdMode, TriggerPxType,
};

/// `fills` push row (VIP5+; order-book fills only).
///
/// ```json
/// {"instId":"BTC-USDT-SWAP","fillSz":"100","fillPx":"70000","side":"buy","ts":"1705449605015",
///  "ordId":"680800019749904384","clOrdId":"1234567890","tradeId":"12345","execType":"T","count":"10"}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FillPush {
    /// Instrument id.
    pub inst_id: String,
    /// Filled size (aggregated over `count` fills).
    #[serde(with = "crate::num::decimal")]
    pub fill_sz: Decimal,
    /// Last fill price.
    #[serde(with = "crate::num::decimal")]
    pub fill_px: Decimal,
    /// Order side.
    pub side: Side,
    /// Fill time, Unix ms.
    #[serde(with = "crate::num::int")]
    pub ts: i64,
    /// Order id.
    pub ord_id: String,
    /// Client order id.
    #[serde(default)]
    pub cl_ord_id: String,
    /// Last trade id of the aggregation.
    #[serde(default)]
    pub trade_id: String,
    /// `T` taker or `M` maker.
    #[serde(default, with = "crate::wire::opt")]
    pub exec_type: Option<ExecType>,
    /// Number of fills aggregated.
    #[serde(default, with = "crate::num::opt_int")]
    pub count: Option<i64>,
}

/// `balance_and_position` push row: cash balance and position deltas of one event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BalanceAndPosition {
    /// Push time, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub p_time: Option<i64>,
    /// `snapshot`, `filled`, `delivered`, `transferred`, `funding_fee`, ...
    #[serde(default)]
    pub event_type: String,
    /// Balances that changed.
    #[serde(default)]
    pub bal_data: Vec<BalPosBalance>,
    /// Positions that changed.
    #[serde(default)]
    pub pos_data: Vec<BalPosPosition>,
    /// Trades behind a `filled` event.
    #[serde(default)]
    pub trades: Vec<BalPosTrade>,
}

/// A balance in [`BalanceAndPosition`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BalPosBalance {
    /// Currency.
    pub ccy: String,
    /// Cash balance.
    #[serde(with = "crate::num::decimal")]
    pub cash_bal: Decimal,
    /// Update time, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub u_time: Option<i64>,
}

/// A position in [`BalanceAndPosition`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BalPosPosition {
    /// Position id.
    #[serde(default)]
    pub pos_id: String,
    /// Last trade id.
    #[serde(default)]
    pub trade_id: String,
    /// Instrument id.
    pub inst_id: String,
    /// Instrument type.
    #[serde(default, with = "crate::wire::opt")]
    pub inst_type: Option<InstType>,
    /// Margin mode.
    #[serde(default, with = "crate::wire::opt")]
    pub mgn_mode: Option<MgnMode>,
    /// Average open price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub avg_px: Option<Decimal>,
    /// Margin currency.
    #[serde(default)]
    pub ccy: String,
    /// Position side.
    #[serde(default, with = "crate::wire::opt")]
    pub pos_side: Option<PosSide>,
    /// Quantity of positions.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub pos: Option<Decimal>,
    /// Base currency balance (MARGIN).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub base_bal: Option<Decimal>,
    /// Quote currency balance (MARGIN).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub quote_bal: Option<Decimal>,
    /// Position currency (MARGIN).
    #[serde(default)]
    pub pos_ccy: String,
    /// Average open price not yet settled.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub non_settle_avg_px: Option<Decimal>,
    /// Accumulated settled P&L.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub settled_pnl: Option<Decimal>,
    /// Update time, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub u_time: Option<i64>,
}

/// A trade in [`BalanceAndPosition`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BalPosTrade {
    /// Instrument id.
    pub inst_id: String,
    /// Trade id.
    pub trade_id: String,
}

/// `liquidation-warning` push row: a position close to liquidation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LiquidationWarning {
    /// Instrument type.
    #[serde(default, with = "crate::wire::opt")]
    pub inst_type: Option<InstType>,
    /// Margin mode.
    #[serde(default, with = "crate::wire::opt")]
    pub mgn_mode: Option<MgnMode>,
    /// Position id.
    #[serde(default)]
    pub pos_id: String,
    /// Position side.
    #[serde(default, with = "crate::wire::opt")]
    pub pos_side: Option<PosSide>,
    /// Quantity of positions.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub pos: Option<Decimal>,
    /// Position currency (MARGIN).
    #[serde(default)]
    pub pos_ccy: String,
    /// Instrument id.
    pub inst_id: String,
    /// Leverage.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub lever: Option<Decimal>,
    /// Mark price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub mark_px: Option<Decimal>,
    /// Margin ratio.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub mgn_ratio: Option<Decimal>,
    /// Margin currency.
    #[serde(default)]
    pub ccy: String,
    /// Creation time, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub c_time: Option<i64>,
    /// Update time, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub u_time: Option<i64>,
    /// Push time, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub p_time: Option<i64>,
}

/// `orders-algo` push row (business endpoint): a trigger, conditional, OCO
/// or similar algo order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AlgoOrderPush {
    /// Instrument type.
    #[serde(default, with = "crate::wire::opt")]
    pub inst_type: Option<InstType>,
    /// Instrument id.
    pub inst_id: String,
    /// Margin currency.
    #[serde(default)]
    pub ccy: String,
    /// Algo order id.
    pub algo_id: String,
    /// Client-supplied algo id.
    #[serde(default)]
    pub algo_cl_ord_id: String,
    /// Order id of the order sent when triggered (`""` before).
    #[serde(default)]
    pub ord_id: String,
    /// Order ids sent when triggered.
    #[serde(default)]
    pub ord_id_list: Vec<String>,
    /// Quantity.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub sz: Option<Decimal>,
    /// Algo order type.
    #[serde(default, with = "crate::wire::opt")]
    pub ord_type: Option<AlgoOrdType>,
    /// Order side.
    #[serde(default, with = "crate::wire::opt")]
    pub side: Option<Side>,
    /// Position side.
    #[serde(default, with = "crate::wire::opt")]
    pub pos_side: Option<PosSide>,
    /// Trade mode.
    #[serde(default, with = "crate::wire::opt")]
    pub td_mode: Option<TdMode>,
    /// Leverage.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub lever: Option<Decimal>,
    /// Algo order state.
    #[serde(default, with = "crate::wire::opt")]
    pub state: Option<AlgoState>,
    /// Take-profit trigger price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub tp_trigger_px: Option<Decimal>,
    /// Take-profit trigger price type.
    #[serde(default, with = "crate::wire::opt")]
    pub tp_trigger_px_type: Option<TriggerPxType>,
    /// Take-profit order price (`-1` = market).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub tp_ord_px: Option<Decimal>,
    /// Stop-loss trigger price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub sl_trigger_px: Option<Decimal>,
    /// Stop-loss trigger price type.
    #[serde(default, with = "crate::wire::opt")]
    pub sl_trigger_px_type: Option<TriggerPxType>,
    /// Stop-loss order price (`-1` = market).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub sl_ord_px: Option<Decimal>,
    /// Trigger price (trigger orders).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub trigger_px: Option<Decimal>,
    /// Trigger price type.
    #[serde(default, with = "crate::wire::opt")]
    pub trigger_px_type: Option<TriggerPxType>,
    /// Order price (trigger orders).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub ord_px: Option<Decimal>,
    /// Actual quantity sent when triggered.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub actual_sz: Option<Decimal>,
    /// Actual price sent when triggered.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub actual_px: Option<Decimal>,
    /// `tp` or `sl`: which side triggered.
    #[serde(default)]
    pub actual_side: String,
    /// Trigger time, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub trigger_time: Option<i64>,
    /// Order tag.
    #[serde(default)]
    pub tag: String,
    /// Failure code when triggering failed.
    #[serde(default)]
    pub fail_code: String,
    /// Amend request id.
    #[serde(default)]
    pub req_id: String,
    /// Amend result: `-1` failed, `0` ok.
    #[serde(default)]
    pub amend_result: String,
    /// Creation time, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub c_time: Option<i64>,
    /// Update time, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub u_time: Option<i64>,
}
