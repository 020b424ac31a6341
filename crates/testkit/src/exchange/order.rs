//! Orders, fills and bills as the exchange keeps them, and their JSON in
//! OKX's shapes (the same record serves REST and the `orders` channel).

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::instrument::Kind;

/// Order states, as OKX names them.
pub(crate) const LIVE: &str = "live";
pub(crate) const PARTIAL: &str = "partially_filled";
pub(crate) const FILLED: &str = "filled";
pub(crate) const CANCELED: &str = "canceled";

/// `cancelSource` codes OKX documents.
pub(crate) mod cancel_source {
    /// Cancelled by the user.
    pub(crate) const USER: &str = "1";
    /// Cancelled by the system (delisting, expiry).
    pub(crate) const SYSTEM: &str = "0";
    /// A FOK order that could not fill completely.
    pub(crate) const FOK: &str = "13";
    /// The unfilled rest of an IOC (or market) order.
    pub(crate) const IOC: &str = "14";
    /// `cancel-all-after` fired.
    pub(crate) const CANCEL_ALL_AFTER: &str = "20";
    /// A post-only order that would have taken liquidity.
    pub(crate) const POST_ONLY: &str = "31";
    /// Self-trade prevention.
    pub(crate) const SELF_TRADE: &str = "32";
}

/// The latest fill of an order (what the `orders` push describes).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LastFill {
    pub(crate) px: Decimal,
    pub(crate) sz: Decimal,
    pub(crate) trade_id: String,
    pub(crate) time: i64,
    pub(crate) fee: Decimal,
    pub(crate) fee_ccy: String,
    pub(crate) maker: bool,
    pub(crate) pnl: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Order {
    pub(crate) ord_id: u64,
    pub(crate) cl_ord_id: String,
    pub(crate) tag: String,
    pub(crate) account: usize,
    pub(crate) inst_id: String,
    pub(crate) kind: Kind,
    pub(crate) td_mode: String,
    pub(crate) buy: bool,
    pub(crate) pos_side: String,
    pub(crate) ord_type: String,
    pub(crate) px: Option<Decimal>,
    pub(crate) sz: Decimal,
    /// `base_ccy` / `quote_ccy` for SPOT market orders (`""` otherwise).
    pub(crate) tgt_ccy: String,
    pub(crate) reduce_only: bool,
    pub(crate) stp_mode: String,
    pub(crate) state: &'static str,
    pub(crate) acc_fill_sz: Decimal,
    /// Sum of price × size over the fills, for `avgPx`.
    pub(crate) fill_value: Decimal,
    /// Quote spent or received (SPOT market orders sized in quote).
    pub(crate) fill_quote: Decimal,
    pub(crate) fee: Decimal,
    pub(crate) fee_ccy: String,
    pub(crate) pnl: Decimal,
    pub(crate) last_fill: Option<LastFill>,
    pub(crate) c_time: i64,
    pub(crate) u_time: i64,
    pub(crate) cancel_source: String,
    /// `(reqId, amendResult)` of the amend that caused the current push.
    pub(crate) amend: Option<(String, String)>,
    pub(crate) attach_algo_ords: Value,
    pub(crate) lever: String,
    /// What is frozen for the unfilled rest, and in which currency.
    pub(crate) frozen: Decimal,
    pub(crate) frozen_ccy: String,
    /// The price it rests at in the book, if it rests.
    pub(crate) resting: Option<Decimal>,
    /// Whether any fill happened (for the 2-hour retention of cancelled
    /// orders without fills).
    pub(crate) ever_filled: bool,
    /// `inTime`/`outTime` style gateway stamp of the request that made it.
    pub(crate) source: String,
    /// `rpiTakerAccess`: as a taker it may trade with RPI orders.
    pub(crate) rpi_taker: bool,
}

fn text(v: Decimal) -> String {
    v.normalize().to_string()
}

fn opt_text(v: Option<Decimal>) -> String {
    v.map(text).unwrap_or_default()
}

impl Order {
    pub(crate) fn is_open(&self) -> bool {
        self.state == LIVE || self.state == PARTIAL
    }

    /// Size not yet filled, in the order's own unit.
    pub(crate) fn remaining(&self) -> Decimal {
        if self.quote_sized() {
            (self.sz - self.fill_quote).max(Decimal::ZERO)
        } else {
            (self.sz - self.acc_fill_sz).max(Decimal::ZERO)
        }
    }

    /// A SPOT/MARGIN market order whose `sz` is in the quote currency.
    pub(crate) fn quote_sized(&self) -> bool {
        self.tgt_ccy == "quote_ccy"
    }

    pub(crate) fn avg_px(&self) -> Option<Decimal> {
        if self.acc_fill_sz.is_zero() {
            return None;
        }
        let mut avg = self.fill_value / self.acc_fill_sz;
        avg = avg.round_dp(12);
        Some(avg)
    }

    /// The order record, as `GET /api/v5/trade/order` returns it, or with
    /// `push` as the `orders` channel pushes it (with the latest fill's
    /// fields).
    pub(crate) fn to_json(&self, push: bool) -> Value {
        let fill = self.last_fill.as_ref();
        let (req_id, amend_result) = self.amend.clone().unwrap_or_default();
        let mut v = json!({
            "instType": self.kind.as_str(),
            "instId": self.inst_id,
            "tgtCcy": self.tgt_ccy,
            "ccy": "",
            "ordId": self.ord_id.to_string(),
            "clOrdId": self.cl_ord_id,
            "tag": self.tag,
            "px": opt_text(self.px),
            "pxUsd": "", "pxVol": "", "pxType": "",
            "sz": text(self.sz),
            "pnl": text(self.pnl),
            "ordType": self.ord_type,
            "side": if self.buy { "buy" } else { "sell" },
            "posSide": self.pos_side,
            "tdMode": self.td_mode,
            "accFillSz": text(self.acc_fill_sz),
            "fillPx": fill.map(|f| text(f.px)).unwrap_or_default(),
            "tradeId": fill.map(|f| f.trade_id.clone()).unwrap_or_default(),
            "fillSz": fill.map(|f| text(f.sz)).unwrap_or_else(|| "0".into()),
            "fillTime": fill.map(|f| f.time.to_string()).unwrap_or_default(),
            "avgPx": opt_text(self.avg_px()),
            "state": self.state,
            "stpId": "",
            "stpMode": self.stp_mode,
            "lever": self.lever,
            "attachAlgoClOrdId": "",
            "tpTriggerPx": "", "tpTriggerPxType": "", "tpOrdPx": "",
            "slTriggerPx": "", "slTriggerPxType": "", "slOrdPx": "",
            "attachAlgoOrds": self.attach_algo_ords.clone(),
            "linkedAlgoOrd": {"algoId": ""},
            "feeCcy": self.fee_ccy,
            "fee": text(self.fee),
            "rebateCcy": self.fee_ccy,
            "rebate": "0",
            "source": self.source,
            "category": "normal",
            "reduceOnly": if self.reduce_only { "true" } else { "false" },
            "isTpLimit": "false",
            "cancelSource": self.cancel_source,
            "cancelSourceReason": "",
            "quickMgnType": "",
            "algoClOrdId": "",
            "algoId": "",
            "tradeQuoteCcy": "",
            "uTime": self.u_time.to_string(),
            "cTime": self.c_time.to_string(),
        });
        if push && let Some(obj) = v.as_object_mut() {
            // The `orders` channel says "0" where REST says "" (no fill yet).
            if self.acc_fill_sz.is_zero() {
                obj.insert("avgPx".into(), json!("0"));
            }
            let fill_fee = fill.map(|f| text(f.fee)).unwrap_or_else(|| "0".into());
            let fill_ccy = fill.map(|f| f.fee_ccy.clone()).unwrap_or_default();
            for (k, val) in [
                ("fillFee", json!(fill_fee)),
                ("fillFeeCcy", json!(fill_ccy)),
                (
                    "fillPnl",
                    json!(fill.map(|f| text(f.pnl)).unwrap_or_else(|| "0".into())),
                ),
                (
                    "execType",
                    json!(
                        fill.map(|f| if f.maker { "M" } else { "T" })
                            .unwrap_or_default()
                    ),
                ),
                ("fillNotionalUsd", json!("")),
                ("notionalUsd", json!("")),
                ("fillPxVol", json!("")),
                ("fillPxUsd", json!("")),
                ("fillMarkVol", json!("")),
                ("fillFwdPx", json!("")),
                ("fillMarkPx", json!("")),
                ("fillIdxPx", json!("")),
                ("amendSource", json!("")),
                ("reqId", json!(req_id)),
                ("amendResult", json!(amend_result)),
                ("lastPx", json!("")),
                ("code", json!("0")),
                ("msg", json!("")),
            ] {
                obj.insert(k.to_owned(), val);
            }
        }
        v
    }
}

/// One fill of one order (`GET /api/v5/trade/fills`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FillRecord {
    pub(crate) account: usize,
    pub(crate) kind: Kind,
    pub(crate) inst_id: String,
    pub(crate) trade_id: String,
    pub(crate) ord_id: u64,
    pub(crate) cl_ord_id: String,
    pub(crate) bill_id: u64,
    pub(crate) tag: String,
    pub(crate) px: Decimal,
    pub(crate) sz: Decimal,
    pub(crate) buy: bool,
    pub(crate) pos_side: String,
    pub(crate) maker: bool,
    pub(crate) fee: Decimal,
    pub(crate) fee_ccy: String,
    pub(crate) fee_rate: Decimal,
    pub(crate) pnl: Decimal,
    pub(crate) ts: i64,
}

impl FillRecord {
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "instType": self.kind.as_str(), "instId": self.inst_id, "tradeId": self.trade_id,
            "ordId": self.ord_id.to_string(), "clOrdId": self.cl_ord_id,
            "billId": self.bill_id.to_string(), "subType": if self.buy { "1" } else { "2" },
            "tag": self.tag, "fillPx": text(self.px), "fillSz": text(self.sz),
            "fillIdxPx": "", "fillPnl": text(self.pnl), "fillPxVol": "", "fillPxUsd": "",
            "fillMarkVol": "", "fillFwdPx": "", "fillMarkPx": "",
            "side": if self.buy { "buy" } else { "sell" }, "posSide": self.pos_side,
            "execType": if self.maker { "M" } else { "T" }, "feeCcy": self.fee_ccy,
            "fee": text(self.fee), "ts": self.ts.to_string(), "fillTime": self.ts.to_string(),
            "feeRate": text(-self.fee_rate), "tradeQuoteCcy": ""
        })
    }

    /// The `fills` channel item.
    pub(crate) fn to_push(&self) -> Value {
        json!({
            "instId": self.inst_id, "fillSz": text(self.sz), "fillPx": text(self.px),
            "side": if self.buy { "buy" } else { "sell" }, "ts": self.ts.to_string(),
            "ordId": self.ord_id.to_string(), "clOrdId": self.cl_ord_id,
            "tradeId": self.trade_id, "execType": if self.maker { "M" } else { "T" },
            "count": "1"
        })
    }
}

/// One balance change (`GET /api/v5/account/bills`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bill {
    pub(crate) account: usize,
    pub(crate) bill_id: u64,
    pub(crate) ccy: String,
    pub(crate) kind: Kind,
    pub(crate) inst_id: String,
    pub(crate) ord_id: u64,
    pub(crate) cl_ord_id: String,
    pub(crate) trade_id: String,
    pub(crate) bal_chg: Decimal,
    pub(crate) bal: Decimal,
    pub(crate) fee: Decimal,
    pub(crate) pnl: Decimal,
    pub(crate) px: Decimal,
    pub(crate) sz: Decimal,
    pub(crate) maker: bool,
    pub(crate) ts: i64,
}

impl Bill {
    pub(crate) fn to_json(&self, td_mode: &str) -> Value {
        json!({
            "bal": text(self.bal), "balChg": text(self.bal_chg), "billId": self.bill_id.to_string(),
            "ccy": self.ccy, "clOrdId": self.cl_ord_id, "execType": if self.maker { "M" } else { "T" },
            "fee": text(self.fee), "fillFwdPx": "", "fillIdxPx": "", "fillMarkPx": "",
            "fillMarkVol": "", "fillPxUsd": "", "fillPxVol": "", "fillTime": self.ts.to_string(),
            "from": "", "instId": self.inst_id, "instType": self.kind.as_str(), "interest": "0",
            "mgnMode": if td_mode == "cash" { "" } else { td_mode }, "notes": "",
            "ordId": self.ord_id.to_string(), "pnl": text(self.pnl), "posBal": "0", "posBalChg": "0",
            "px": text(self.px), "subType": "1", "sz": text(self.sz), "tag": "", "to": "",
            "tradeId": self.trade_id, "ts": self.ts.to_string(), "type": "2"
        })
    }
}
