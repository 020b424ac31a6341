//! Account state: balances (`GET /api/v5/account/balance`, WS `account`) and
//! positions (`GET /api/v5/account/positions`, WS `positions`).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::enums::{InstType, MgnMode, PosSide, TriggerPxType};
use crate::ids::InstId;

/// The trading account's balance: account-level totals in USD and one
/// [`BalanceDetail`] per currency.
///
/// Docs: <https://www.okx.com/docs-v5/en/#trading-account-rest-api-get-balance>
///
/// ```json
/// {"uTime":"1705474164160","totalEq":"55.39","adjEq":"55.44","imr":"0","mmr":"0",
///  "details":[{"ccy":"USDT","eq":"55.39","cashBal":"55.39","availBal":"55.39", ...}], ...}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Balance {
    /// Update time, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub u_time: Option<i64>,
    /// Total equity in USD.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub total_eq: Option<Decimal>,
    /// Isolated margin equity in USD.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub iso_eq: Option<Decimal>,
    /// Adjusted (effective) equity in USD.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub adj_eq: Option<Decimal>,
    /// Account-level available equity in USD.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub avail_eq: Option<Decimal>,
    /// Cross margin frozen for pending orders, USD.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub ord_froz: Option<Decimal>,
    /// Initial margin requirement, USD.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub imr: Option<Decimal>,
    /// Maintenance margin requirement, USD.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub mmr: Option<Decimal>,
    /// Potential borrowing IMR, USD.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub borrow_froz: Option<Decimal>,
    /// Margin ratio.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub mgn_ratio: Option<Decimal>,
    /// Notional value of positions, USD.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub notional_usd: Option<Decimal>,
    /// Notional value of borrowings, USD.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub notional_usd_for_borrow: Option<Decimal>,
    /// Notional value of SWAP positions, USD.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub notional_usd_for_swap: Option<Decimal>,
    /// Notional value of FUTURES positions, USD.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub notional_usd_for_futures: Option<Decimal>,
    /// Notional value of OPTION positions, USD.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub notional_usd_for_option: Option<Decimal>,
    /// Unrealized profit and loss at account level, USD.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub upl: Option<Decimal>,
    /// Per-currency balances.
    #[serde(default)]
    pub details: Vec<BalanceDetail>,
}

/// One currency's balance inside [`Balance`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BalanceDetail {
    /// Currency.
    #[serde(default)]
    pub ccy: String,
    /// Equity of the currency.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub eq: Option<Decimal>,
    /// Cash balance.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub cash_bal: Option<Decimal>,
    /// Update time, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub u_time: Option<i64>,
    /// Isolated margin equity.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub iso_eq: Option<Decimal>,
    /// Available equity.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub avail_eq: Option<Decimal>,
    /// Discounted equity in USD.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub dis_eq: Option<Decimal>,
    /// Frozen balance for dip/peak sniper.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub fixed_bal: Option<Decimal>,
    /// Available balance.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub avail_bal: Option<Decimal>,
    /// Frozen balance.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub frozen_bal: Option<Decimal>,
    /// Margin frozen for open orders.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub ord_frozen: Option<Decimal>,
    /// Liabilities (positive).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub liab: Option<Decimal>,
    /// Unrealized profit and loss.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub upl: Option<Decimal>,
    /// Liabilities due to unrealized loss.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub upl_liab: Option<Decimal>,
    /// Cross liabilities.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub cross_liab: Option<Decimal>,
    /// Trial fund balance.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub reward_bal: Option<Decimal>,
    /// Isolated liabilities.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub iso_liab: Option<Decimal>,
    /// Cross margin ratio of the currency.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub mgn_ratio: Option<Decimal>,
    /// Cross initial margin requirement.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub imr: Option<Decimal>,
    /// Cross maintenance margin requirement.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub mmr: Option<Decimal>,
    /// Accrued interest.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub interest: Option<Decimal>,
    /// Auto-repayment risk indicator, `0` to `5`.
    #[serde(default)]
    pub twap: String,
    /// Maximum loan.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub max_loan: Option<Decimal>,
    /// Equity in USD.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub eq_usd: Option<Decimal>,
    /// Potential borrowing IMR, USD.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub borrow_froz: Option<Decimal>,
    /// Leverage of the currency.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub notional_lever: Option<Decimal>,
    /// Price index in USD (WS).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub coin_usd_price: Option<Decimal>,
    /// Strategy equity.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub stgy_eq: Option<Decimal>,
    /// Isolated unrealized profit and loss.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub iso_upl: Option<Decimal>,
    /// Spot in use amount (portfolio margin).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub spot_in_use_amt: Option<Decimal>,
    /// User-defined spot risk offset amount.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub cl_spot_in_use_amt: Option<Decimal>,
    /// Maximum possible spot risk offset amount (REST).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub max_spot_in_use: Option<Decimal>,
    /// Maximum possible spot risk offset amount (WS).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub max_spot_in_use_amt: Option<Decimal>,
    /// Spot isolated balance (copy trading).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub spot_iso_bal: Option<Decimal>,
    /// Smart sync equity (copy trading).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub smt_sync_eq: Option<Decimal>,
    /// Spot smart sync equity.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub spot_copy_trading_eq: Option<Decimal>,
    /// Spot balance.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub spot_bal: Option<Decimal>,
    /// Spot average cost price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub open_avg_px: Option<Decimal>,
    /// Spot accumulated cost price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub acc_avg_px: Option<Decimal>,
    /// Spot unrealized profit and loss.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub spot_upl: Option<Decimal>,
    /// Spot unrealized profit and loss ratio.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub spot_upl_ratio: Option<Decimal>,
    /// Spot accumulated profit and loss.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub total_pnl: Option<Decimal>,
    /// Spot accumulated profit and loss ratio.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub total_pnl_ratio: Option<Decimal>,
    /// Platform-level collateral restriction status, `0` to `3`.
    #[serde(default)]
    pub col_res: String,
    /// Auto-conversion risk indicator, `0` to `5`.
    #[serde(default)]
    pub col_borr_auto_conversion: String,
    /// Whether the currency is restricted as collateral (deprecated by OKX).
    #[serde(default, with = "crate::num::opt_bool")]
    pub collateral_restrict: Option<bool>,
    /// Whether the currency is enabled as collateral (JSON bool).
    #[serde(default, with = "crate::num::opt_bool")]
    pub collateral_enabled: Option<bool>,
    /// Auto-lend status: `unsupported`, `off`, `pending`, `active`.
    #[serde(default)]
    pub auto_lend_status: String,
    /// Auto-lend matched amount.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub auto_lend_mt_amt: Option<Decimal>,
}

/// An open position.
///
/// Docs: <https://www.okx.com/docs-v5/en/#trading-account-rest-api-get-positions>
///
/// ```json
/// {"instType":"SWAP","instId":"BTC-USDT-SWAP","mgnMode":"cross","posId":"1","posSide":"long",
///  "pos":"1","avgPx":"43000","markPx":"43100.5","upl":"1.005","lever":"10", ...}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Position {
    /// Instrument type.
    pub inst_type: InstType,
    /// Margin mode.
    pub mgn_mode: MgnMode,
    /// Position id.
    #[serde(default)]
    pub pos_id: String,
    /// Position side.
    pub pos_side: PosSide,
    /// Position quantity (negative for short in net mode).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub pos: Option<Decimal>,
    /// Base currency balance (MARGIN; deprecated by OKX).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub base_bal: Option<Decimal>,
    /// Quote currency balance (MARGIN; deprecated by OKX).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub quote_bal: Option<Decimal>,
    /// Base currency borrowed (deprecated by OKX).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub base_borrowed: Option<Decimal>,
    /// Base interest (deprecated by OKX).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub base_interest: Option<Decimal>,
    /// Quote currency borrowed (deprecated by OKX).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub quote_borrowed: Option<Decimal>,
    /// Quote interest (deprecated by OKX).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub quote_interest: Option<Decimal>,
    /// Position currency (MARGIN).
    #[serde(default)]
    pub pos_ccy: String,
    /// Position that can be closed.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub avail_pos: Option<Decimal>,
    /// Average open price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub avg_px: Option<Decimal>,
    /// Non-settlement entry price (FUTURES cross).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub non_settle_avg_px: Option<Decimal>,
    /// Mark price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub mark_px: Option<Decimal>,
    /// Unrealized profit and loss at mark price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub upl: Option<Decimal>,
    /// Unrealized profit and loss ratio at mark price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub upl_ratio: Option<Decimal>,
    /// Unrealized profit and loss at last price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub upl_last_px: Option<Decimal>,
    /// Unrealized profit and loss ratio at last price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub upl_ratio_last_px: Option<Decimal>,
    /// Instrument id.
    pub inst_id: InstId,
    /// Leverage.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub lever: Option<Decimal>,
    /// Estimated liquidation price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub liq_px: Option<Decimal>,
    /// Initial margin requirement (cross).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub imr: Option<Decimal>,
    /// Margin (isolated).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub margin: Option<Decimal>,
    /// Maintenance margin ratio.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub mgn_ratio: Option<Decimal>,
    /// Maintenance margin requirement.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub mmr: Option<Decimal>,
    /// Liabilities (MARGIN).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub liab: Option<Decimal>,
    /// Liabilities currency.
    #[serde(default)]
    pub liab_ccy: String,
    /// Interest accrued.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub interest: Option<Decimal>,
    /// Latest trade id.
    #[serde(default)]
    pub trade_id: String,
    /// Option value.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub opt_val: Option<Decimal>,
    /// Liabilities of pending close orders.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub pending_close_ord_liab_val: Option<Decimal>,
    /// Notional value in USD.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub notional_usd: Option<Decimal>,
    /// Auto-deleveraging indicator, `1` (low) to `5` (high).
    #[serde(default, with = "crate::num::opt_int")]
    pub adl: Option<i64>,
    /// Margin currency.
    #[serde(default)]
    pub ccy: String,
    /// Last traded price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub last: Option<Decimal>,
    /// Index price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub idx_px: Option<Decimal>,
    /// USD price of the margin currency (options).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub usd_px: Option<Decimal>,
    /// Breakeven price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub be_px: Option<Decimal>,
    /// Black-Scholes delta (options).
    #[serde(rename = "deltaBS", default, with = "crate::num::opt_decimal")]
    pub delta_bs: Option<Decimal>,
    /// Delta in coins (options).
    #[serde(rename = "deltaPA", default, with = "crate::num::opt_decimal")]
    pub delta_pa: Option<Decimal>,
    /// Black-Scholes gamma (options).
    #[serde(rename = "gammaBS", default, with = "crate::num::opt_decimal")]
    pub gamma_bs: Option<Decimal>,
    /// Gamma in coins (options).
    #[serde(rename = "gammaPA", default, with = "crate::num::opt_decimal")]
    pub gamma_pa: Option<Decimal>,
    /// Black-Scholes theta (options).
    #[serde(rename = "thetaBS", default, with = "crate::num::opt_decimal")]
    pub theta_bs: Option<Decimal>,
    /// Theta in coins (options).
    #[serde(rename = "thetaPA", default, with = "crate::num::opt_decimal")]
    pub theta_pa: Option<Decimal>,
    /// Black-Scholes vega (options).
    #[serde(rename = "vegaBS", default, with = "crate::num::opt_decimal")]
    pub vega_bs: Option<Decimal>,
    /// Vega in coins (options).
    #[serde(rename = "vegaPA", default, with = "crate::num::opt_decimal")]
    pub vega_pa: Option<Decimal>,
    /// Spot in use amount (portfolio margin).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub spot_in_use_amt: Option<Decimal>,
    /// Spot in use currency.
    #[serde(default)]
    pub spot_in_use_ccy: String,
    /// User-defined spot risk offset amount.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub cl_spot_in_use_amt: Option<Decimal>,
    /// Maximum possible spot risk offset amount.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub max_spot_in_use_amt: Option<Decimal>,
    /// External business id.
    #[serde(default)]
    pub biz_ref_id: String,
    /// External business type.
    #[serde(default)]
    pub biz_ref_type: String,
    /// Realized profit and loss.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub realized_pnl: Option<Decimal>,
    /// Accumulated settled profit and loss (FUTURES cross).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub settled_pnl: Option<Decimal>,
    /// Accumulated closed-position profit and loss.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub pnl: Option<Decimal>,
    /// Accumulated fee; negative when charged.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub fee: Option<Decimal>,
    /// Accumulated funding fee.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub funding_fee: Option<Decimal>,
    /// Accumulated liquidation penalty.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub liq_penalty: Option<Decimal>,
    /// Close-position algo orders (TP/SL on the whole position).
    #[serde(default)]
    pub close_order_algo: Vec<CloseOrderAlgo>,
    /// Creation time, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub c_time: Option<i64>,
    /// Update time, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub u_time: Option<i64>,
    /// Push time, Unix ms (WS).
    #[serde(default, with = "crate::num::opt_int")]
    pub p_time: Option<i64>,
}

/// A close-position algo order attached to a position (`closeOrderAlgo[]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CloseOrderAlgo {
    /// Algo id.
    #[serde(default)]
    pub algo_id: String,
    /// Stop-loss trigger price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub sl_trigger_px: Option<Decimal>,
    /// Stop-loss trigger price type.
    #[serde(default, with = "crate::wire::opt")]
    pub sl_trigger_px_type: Option<TriggerPxType>,
    /// Take-profit trigger price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub tp_trigger_px: Option<Decimal>,
    /// Take-profit trigger price type.
    #[serde(default, with = "crate::wire::opt")]
    pub tp_trigger_px_type: Option<TriggerPxType>,
    /// Fraction of the position to close (`1` = all).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub close_fraction: Option<Decimal>,
}
