//! Orders (`GET /api/v5/trade/order`, `orders-pending`, `orders-history`, WS
//! `orders`) and fills (`GET /api/v5/trade/fills`).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::enums::{
    ExecType, InstType, OrdType, OrderCategory, OrderState, PosSide, Side, StpMode, TdMode, TgtCcy,
    TpOrdKind, TriggerPxType,
};
use crate::ids::{ClOrdId, InstId, OrdId};

/// An order. One type serves the REST order endpoints and the WS `orders`
/// channel; the fill fields (`fillPx`, `fillSz`, `fillFee`, `execType`, ...)
/// describe the latest fill and the request fields (`reqId`, `amendResult`,
/// `code`, `msg`) are set only on WS pushes caused by an amend.
///
/// Docs: <https://www.okx.com/docs-v5/en/#order-book-trading-trade-get-order-details>,
/// <https://www.okx.com/docs-v5/en/#order-book-trading-trade-ws-order-channel>
///
/// ```json
/// {"instType":"SPOT","instId":"BTC-USDT","ordId":"452197707845865472","clOrdId":"b15",
///  "px":"31527.1","sz":"0.001","ordType":"limit","side":"sell","tdMode":"cash",
///  "accFillSz":"0.001","avgPx":"31527.1","state":"filled","fee":"-0.02522168",
///  "feeCcy":"USDT","cTime":"1654084334977","uTime":"1654084353264", ...}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Order {
    /// Instrument type.
    pub inst_type: InstType,
    /// Instrument id.
    pub inst_id: InstId,
    /// Unit of `sz` for SPOT market orders.
    #[serde(default, with = "crate::wire::opt")]
    pub tgt_ccy: Option<TgtCcy>,
    /// Margin currency (MARGIN cross orders).
    #[serde(default)]
    pub ccy: String,
    /// Order id.
    pub ord_id: OrdId,
    /// Client order id; `None` when the order was placed without one.
    #[serde(default, with = "crate::wire::opt")]
    pub cl_ord_id: Option<ClOrdId>,
    /// Order tag.
    #[serde(default)]
    pub tag: String,
    /// Price; `None` for market orders.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub px: Option<Decimal>,
    /// Options price in USD.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub px_usd: Option<Decimal>,
    /// Options implied volatility (1 = 100%).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub px_vol: Option<Decimal>,
    /// Options price type: `px`, `pxVol` or `pxUsd`.
    #[serde(default)]
    pub px_type: String,
    /// Order size.
    #[serde(with = "crate::num::decimal")]
    pub sz: Decimal,
    /// Profit and loss (on closing fills).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub pnl: Option<Decimal>,
    /// Order type.
    pub ord_type: OrdType,
    /// Side.
    pub side: Side,
    /// Position side; `None` on SPOT.
    #[serde(default, with = "crate::wire::opt")]
    pub pos_side: Option<PosSide>,
    /// Trade mode.
    pub td_mode: TdMode,
    /// Accumulated filled size.
    #[serde(with = "crate::num::decimal")]
    pub acc_fill_sz: Decimal,
    /// Price of the latest fill.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub fill_px: Option<Decimal>,
    /// Trade id of the latest fill.
    #[serde(default)]
    pub trade_id: String,
    /// Size of the latest fill.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub fill_sz: Option<Decimal>,
    /// Time of the latest fill, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub fill_time: Option<i64>,
    /// Average fill price; `None` (REST) or `0` (WS) when nothing filled.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub avg_px: Option<Decimal>,
    /// Order state.
    pub state: OrderState,
    /// Self-trade prevention id (deprecated by OKX).
    #[serde(default)]
    pub stp_id: String,
    /// Self-trade prevention mode.
    #[serde(default, with = "crate::wire::opt")]
    pub stp_mode: Option<StpMode>,
    /// Leverage.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub lever: Option<Decimal>,
    /// Client id of the attached TP/SL order.
    #[serde(default)]
    pub attach_algo_cl_ord_id: String,
    /// Take-profit trigger price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub tp_trigger_px: Option<Decimal>,
    /// Take-profit trigger price type.
    #[serde(default, with = "crate::wire::opt")]
    pub tp_trigger_px_type: Option<TriggerPxType>,
    /// Take-profit order price; `-1` means market.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub tp_ord_px: Option<Decimal>,
    /// Stop-loss trigger price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub sl_trigger_px: Option<Decimal>,
    /// Stop-loss trigger price type.
    #[serde(default, with = "crate::wire::opt")]
    pub sl_trigger_px_type: Option<TriggerPxType>,
    /// Stop-loss order price; `-1` means market.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub sl_ord_px: Option<Decimal>,
    /// Attached TP/SL orders.
    #[serde(default)]
    pub attach_algo_ords: Vec<AttachAlgoOrd>,
    /// The algo order linked to this one (one-cancels-the-other TP/SL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linked_algo_ord: Option<LinkedAlgoOrd>,
    /// Fee currency (or rebate currency when `fee` is positive).
    #[serde(default)]
    pub fee_ccy: String,
    /// Accumulated fee; negative when charged.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub fee: Option<Decimal>,
    /// Rebate currency.
    #[serde(default)]
    pub rebate_ccy: String,
    /// Order source code (`6` trigger, `7` TP/SL, `13` algo, `25` trailing, `34` chase).
    #[serde(default)]
    pub source: String,
    /// Rebate accrued.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub rebate: Option<Decimal>,
    /// Order category.
    #[serde(default, with = "crate::wire::opt")]
    pub category: Option<OrderCategory>,
    /// Reduce-only (sent as `"true"`/`"false"`).
    #[serde(default, with = "crate::num::opt_bool_str")]
    pub reduce_only: Option<bool>,
    /// Whether the take-profit is a limit order (sent as `"true"`/`"false"`).
    #[serde(default, with = "crate::num::opt_bool_str")]
    pub is_tp_limit: Option<bool>,
    /// Cancel source code (`0` system, `1` user, ...).
    #[serde(default)]
    pub cancel_source: String,
    /// Cancel reason text.
    #[serde(default)]
    pub cancel_source_reason: String,
    /// Quick margin type (MARGIN).
    #[serde(default)]
    pub quick_mgn_type: String,
    /// Client id of the algo order that created this order.
    #[serde(default)]
    pub algo_cl_ord_id: String,
    /// Id of the algo order that created this order.
    #[serde(default)]
    pub algo_id: String,
    /// Update time, Unix ms.
    #[serde(with = "crate::num::int")]
    pub u_time: i64,
    /// Creation time, Unix ms.
    #[serde(with = "crate::num::int")]
    pub c_time: i64,
    /// Quote currency used for trading.
    #[serde(default)]
    pub trade_quote_ccy: String,

    // WS `orders` channel extras
    /// Estimated notional value in USD (WS).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub notional_usd: Option<Decimal>,
    /// Profit and loss of the latest fill (WS).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub fill_pnl: Option<Decimal>,
    /// Fee of the latest fill; negative when charged (WS).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub fill_fee: Option<Decimal>,
    /// Fee currency of the latest fill (WS).
    #[serde(default)]
    pub fill_fee_ccy: String,
    /// Implied volatility of the latest fill (options, WS).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub fill_px_vol: Option<Decimal>,
    /// USD price of the latest fill (options, WS).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub fill_px_usd: Option<Decimal>,
    /// Mark volatility at the latest fill (options, WS).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub fill_mark_vol: Option<Decimal>,
    /// Forward price at the latest fill (options, WS).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub fill_fwd_px: Option<Decimal>,
    /// Mark price at the latest fill (WS).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub fill_mark_px: Option<Decimal>,
    /// Index price at the latest fill (WS).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub fill_idx_px: Option<Decimal>,
    /// Liquidity of the latest fill (WS).
    #[serde(default, with = "crate::wire::opt")]
    pub exec_type: Option<ExecType>,
    /// Notional value of the latest fill in USD (WS).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub fill_notional_usd: Option<Decimal>,
    /// Source of the latest amend (WS).
    #[serde(default)]
    pub amend_source: String,
    /// Client request id of the amend that caused this push (WS).
    #[serde(default)]
    pub req_id: String,
    /// Amend result: `-1` failed, `0` succeeded, `1` auto-cancelled after failing (WS).
    #[serde(default)]
    pub amend_result: String,
    /// Last traded price (WS).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub last_px: Option<Decimal>,
    /// Error code of the amend (WS; `"0"` on success).
    #[serde(default)]
    pub code: String,
    /// Error message of the amend (WS).
    #[serde(default)]
    pub msg: String,
}

crate::fast::fast_row! {
    Order {
        acc_fill_sz: "accFillSz" => required(decimal),
        algo_cl_ord_id: "algoClOrdId" => default(String::deserialize),
        algo_id: "algoId" => default(String::deserialize),
        amend_result: "amendResult" => default(String::deserialize),
        amend_source: "amendSource" => default(String::deserialize),
        attach_algo_cl_ord_id: "attachAlgoClOrdId" => default(String::deserialize),
        attach_algo_ords: "attachAlgoOrds" => default(<Vec<AttachAlgoOrd>>::deserialize),
        avg_px: "avgPx" => default(opt_decimal),
        c_time: "cTime" => required(int),
        cancel_source: "cancelSource" => default(String::deserialize),
        cancel_source_reason: "cancelSourceReason" => default(String::deserialize),
        category: "category" => default(crate::wire::opt::deserialize),
        ccy: "ccy" => default(String::deserialize),
        cl_ord_id: "clOrdId" => default(crate::wire::opt::deserialize),
        code: "code" => default(String::deserialize),
        exec_type: "execType" => default(crate::wire::opt::deserialize),
        fee: "fee" => default(opt_decimal),
        fee_ccy: "feeCcy" => default(String::deserialize),
        fill_fee: "fillFee" => default(opt_decimal),
        fill_fee_ccy: "fillFeeCcy" => default(String::deserialize),
        fill_fwd_px: "fillFwdPx" => default(opt_decimal),
        fill_idx_px: "fillIdxPx" => default(opt_decimal),
        fill_mark_px: "fillMarkPx" => default(opt_decimal),
        fill_mark_vol: "fillMarkVol" => default(opt_decimal),
        fill_notional_usd: "fillNotionalUsd" => default(opt_decimal),
        fill_pnl: "fillPnl" => default(opt_decimal),
        fill_px: "fillPx" => default(opt_decimal),
        fill_px_usd: "fillPxUsd" => default(opt_decimal),
        fill_px_vol: "fillPxVol" => default(opt_decimal),
        fill_sz: "fillSz" => default(opt_decimal),
        fill_time: "fillTime" => default(opt_int),
        inst_id: "instId" => required(InstId::deserialize),
        inst_type: "instType" => required(InstType::deserialize),
        is_tp_limit: "isTpLimit" => default(crate::num::opt_bool_str::deserialize),
        last_px: "lastPx" => default(opt_decimal),
        lever: "lever" => default(opt_decimal),
        linked_algo_ord: "linkedAlgoOrd" => default(<Option<LinkedAlgoOrd>>::deserialize),
        msg: "msg" => default(String::deserialize),
        notional_usd: "notionalUsd" => default(opt_decimal),
        ord_id: "ordId" => required(OrdId::deserialize),
        ord_type: "ordType" => required(OrdType::deserialize),
        pnl: "pnl" => default(opt_decimal),
        pos_side: "posSide" => default(crate::wire::opt::deserialize),
        px: "px" => default(opt_decimal),
        px_type: "pxType" => default(String::deserialize),
        px_usd: "pxUsd" => default(opt_decimal),
        px_vol: "pxVol" => default(opt_decimal),
        quick_mgn_type: "quickMgnType" => default(String::deserialize),
        rebate: "rebate" => default(opt_decimal),
        rebate_ccy: "rebateCcy" => default(String::deserialize),
        reduce_only: "reduceOnly" => default(crate::num::opt_bool_str::deserialize),
        req_id: "reqId" => default(String::deserialize),
        side: "side" => required(Side::deserialize),
        sl_ord_px: "slOrdPx" => default(opt_decimal),
        sl_trigger_px: "slTriggerPx" => default(opt_decimal),
        sl_trigger_px_type: "slTriggerPxType" => default(crate::wire::opt::deserialize),
        source: "source" => default(String::deserialize),
        state: "state" => required(OrderState::deserialize),
        stp_id: "stpId" => default(String::deserialize),
        stp_mode: "stpMode" => default(crate::wire::opt::deserialize),
        sz: "sz" => required(decimal),
        tag: "tag" => default(String::deserialize),
        td_mode: "tdMode" => required(TdMode::deserialize),
        tgt_ccy: "tgtCcy" => default(crate::wire::opt::deserialize),
        tp_ord_px: "tpOrdPx" => default(opt_decimal),
        tp_trigger_px: "tpTriggerPx" => default(opt_decimal),
        tp_trigger_px_type: "tpTriggerPxType" => default(crate::wire::opt::deserialize),
        trade_id: "tradeId" => default(String::deserialize),
        trade_quote_ccy: "tradeQuoteCcy" => default(String::deserialize),
        u_time: "uTime" => required(int),
    }
}

impl Order {
    /// Whether the order can no longer change (filled or canceled).
    pub fn is_terminal(&self) -> bool {
        self.state.is_terminal()
    }

    /// Size not yet filled, in the unit of `sz`, or `None` when `sz` and
    /// `accFillSz` are in different units and the difference means nothing.
    ///
    /// That is the case for SPOT/MARGIN market orders sized in quote currency:
    /// SPOT market orders with `tgtCcy` `quote_ccy`, SPOT market buys with no
    /// `tgtCcy` (OKX's default for buys is quote currency) and every MARGIN
    /// market buy. `accFillSz` is always in base currency there.
    pub fn remaining_sz(&self) -> Option<Decimal> {
        if self.sz_in_quote_ccy() {
            return None;
        }
        Some((self.sz - self.acc_fill_sz).max(Decimal::ZERO))
    }

    fn sz_in_quote_ccy(&self) -> bool {
        if self.ord_type != OrdType::Market {
            return false;
        }
        match self.inst_type {
            InstType::Spot => match &self.tgt_ccy {
                Some(TgtCcy::QuoteCcy) => true,
                Some(TgtCcy::BaseCcy) => false,
                None => self.side == Side::Buy,
                // An unknown unit: refuse to guess.
                Some(_) => true,
            },
            InstType::Margin => self.side == Side::Buy,
            _ => false,
        }
    }
}

/// A take-profit/stop-loss order attached to an order (`attachAlgoOrds[]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AttachAlgoOrd {
    /// Algo id assigned by OKX.
    #[serde(default)]
    pub attach_algo_id: String,
    /// Client id of the TP/SL order.
    #[serde(default)]
    pub attach_algo_cl_ord_id: String,
    /// TP order kind.
    #[serde(default, with = "crate::wire::opt")]
    pub tp_ord_kind: Option<TpOrdKind>,
    /// Take-profit trigger price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub tp_trigger_px: Option<Decimal>,
    /// Take-profit trigger price type.
    #[serde(default, with = "crate::wire::opt")]
    pub tp_trigger_px_type: Option<TriggerPxType>,
    /// Take-profit order price; `-1` means market.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub tp_ord_px: Option<Decimal>,
    /// Stop-loss trigger price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub sl_trigger_px: Option<Decimal>,
    /// Stop-loss trigger price type.
    #[serde(default, with = "crate::wire::opt")]
    pub sl_trigger_px_type: Option<TriggerPxType>,
    /// Stop-loss order price; `-1` means market.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub sl_ord_px: Option<Decimal>,
    /// Size (split TPs).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub sz: Option<Decimal>,
    /// Whether the SL trigger moves to cost after a TP fills (`"0"`/`"1"`).
    #[serde(default)]
    pub amend_px_on_trigger_type: String,
    /// Error code when the TP/SL could not be placed.
    #[serde(default)]
    pub fail_code: String,
    /// Error text when the TP/SL could not be placed.
    #[serde(default)]
    pub fail_reason: String,
}

/// The linked algo order (`linkedAlgoOrd`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LinkedAlgoOrd {
    /// Algo id; empty when there is none.
    #[serde(default)]
    pub algo_id: String,
}

/// A private fill (`GET /api/v5/trade/fills`, `fills-history`).
///
/// Docs: <https://www.okx.com/docs-v5/en/#order-book-trading-trade-get-transaction-details-last-3-days>
///
/// ```json
/// {"instType":"SPOT","instId":"ETH-USDT","tradeId":"52958394","ordId":"680774009896992768",
///  "clOrdId":"","billId":"680774009913769984","tag":"","fillPx":"3474.72","fillSz":"0.01",
///  "side":"sell","posSide":"","execType":"T","feeCcy":"USDT","fee":"-0.0347472",
///  "ts":"1709106052000","fillTime":"1709106052000", ...}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Fill {
    /// Instrument type.
    pub inst_type: InstType,
    /// Instrument id.
    pub inst_id: InstId,
    /// Trade id.
    pub trade_id: String,
    /// Order id.
    pub ord_id: OrdId,
    /// Client order id; `None` when the order had none.
    #[serde(default, with = "crate::wire::opt")]
    pub cl_ord_id: Option<ClOrdId>,
    /// Bill id.
    #[serde(default)]
    pub bill_id: String,
    /// Bill subtype code.
    #[serde(default)]
    pub sub_type: String,
    /// Order tag.
    #[serde(default)]
    pub tag: String,
    /// Fill price.
    #[serde(with = "crate::num::decimal")]
    pub fill_px: Decimal,
    /// Fill size.
    #[serde(with = "crate::num::decimal")]
    pub fill_sz: Decimal,
    /// Index price at the fill.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub fill_idx_px: Option<Decimal>,
    /// Profit and loss of the fill.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub fill_pnl: Option<Decimal>,
    /// Implied volatility of the fill (options).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub fill_px_vol: Option<Decimal>,
    /// USD price of the fill (options).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub fill_px_usd: Option<Decimal>,
    /// Mark volatility at the fill (options).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub fill_mark_vol: Option<Decimal>,
    /// Forward price at the fill (options).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub fill_fwd_px: Option<Decimal>,
    /// Mark price at the fill.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub fill_mark_px: Option<Decimal>,
    /// Order side.
    pub side: Side,
    /// Position side; `None` on SPOT.
    #[serde(default, with = "crate::wire::opt")]
    pub pos_side: Option<PosSide>,
    /// Maker or taker.
    #[serde(default, with = "crate::wire::opt")]
    pub exec_type: Option<ExecType>,
    /// Fee currency.
    #[serde(default)]
    pub fee_ccy: String,
    /// Fee; negative when charged, positive for a rebate.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub fee: Option<Decimal>,
    /// Data generation time, Unix ms.
    #[serde(with = "crate::num::int")]
    pub ts: i64,
    /// Trade time, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub fill_time: Option<i64>,
    /// Fee rate.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub fee_rate: Option<Decimal>,
    /// Quote currency used for trading.
    #[serde(default)]
    pub trade_quote_ccy: String,
}
