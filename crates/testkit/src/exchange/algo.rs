//! Algo orders: `conditional` (a TP and/or SL), `oco` (both, the first to
//! trigger cancels the other) and `trigger`. They wait off the book and,
//! when the last traded price crosses their trigger, place a market or
//! limit order. Changes are pushed on `orders-algo` (which sends no
//! snapshot on subscribe, as at OKX).

use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::World;
use super::feed::{About, data_only};
use super::instrument::Kind;
use super::matching::{Refusal, field, valid_cl_ord_id};

/// An algo order as the exchange keeps it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AlgoOrder {
    pub(crate) algo_id: u64,
    pub(crate) algo_cl_ord_id: String,
    pub(crate) account: usize,
    pub(crate) inst_id: String,
    pub(crate) kind: Kind,
    pub(crate) td_mode: String,
    pub(crate) buy: bool,
    pub(crate) pos_side: String,
    pub(crate) ord_type: String,
    pub(crate) sz: Decimal,
    pub(crate) tp: Option<(Decimal, Decimal)>,
    pub(crate) sl: Option<(Decimal, Decimal)>,
    /// `trigger`: price and order price (-1 market), and whether it fires
    /// on the way up.
    pub(crate) trigger: Option<(Decimal, Decimal, bool)>,
    pub(crate) reduce_only: bool,
    pub(crate) tag: String,
    /// `live`, `effective`, `canceled` or `order_failed`.
    pub(crate) state: &'static str,
    pub(crate) ord_id: String,
    pub(crate) fail_code: String,
    pub(crate) actual: Option<(Decimal, Decimal, &'static str)>,
    pub(crate) trigger_time: Option<i64>,
    pub(crate) c_time: i64,
    pub(crate) u_time: i64,
}

fn text(v: Decimal) -> String {
    v.normalize().to_string()
}

fn opt(v: Option<Decimal>) -> String {
    v.map(text).unwrap_or_default()
}

impl AlgoOrder {
    pub(crate) fn is_open(&self) -> bool {
        self.state == "live"
    }

    pub(crate) fn to_json(&self, last: Option<Decimal>) -> Value {
        let (actual_px, actual_sz, actual_side) = match self.actual {
            Some((px, sz, side)) => (text(px), text(sz), side),
            None => (String::new(), String::new(), ""),
        };
        json!({
            "instType": self.kind.as_str(), "instId": self.inst_id, "ccy": "", "ordId": self.ord_id,
            "ordIdList": if self.ord_id.is_empty() { Vec::new() } else { vec![self.ord_id.clone()] },
            "algoId": self.algo_id.to_string(), "clOrdId": "", "sz": text(self.sz), "closeFraction": "",
            "ordType": self.ord_type, "side": if self.buy { "buy" } else { "sell" }, "posSide": self.pos_side,
            "tdMode": self.td_mode, "tgtCcy": "", "state": self.state, "lever": "",
            "tpTriggerPx": opt(self.tp.map(|t| t.0)), "tpTriggerPxType": if self.tp.is_some() { "last" } else { "" },
            "tpOrdPx": opt(self.tp.map(|t| t.1)),
            "slTriggerPx": opt(self.sl.map(|t| t.0)), "slTriggerPxType": if self.sl.is_some() { "last" } else { "" },
            "slOrdPx": opt(self.sl.map(|t| t.1)),
            "triggerPx": opt(self.trigger.map(|t| t.0)), "triggerPxType": if self.trigger.is_some() { "last" } else { "" },
            "ordPx": opt(self.trigger.map(|t| t.1)), "actualSz": actual_sz, "actualPx": actual_px,
            "actualSide": actual_side, "tag": self.tag,
            "triggerTime": self.trigger_time.map(|t| t.to_string()).unwrap_or_default(),
            "pxVar": "", "pxSpread": "", "szLimit": "", "pxLimit": "", "timeInterval": "", "callbackRatio": "",
            "callbackSpread": "", "activePx": "", "moveTriggerPx": "",
            "reduceOnly": if self.reduce_only { "true" } else { "false" }, "quickMgnType": "",
            "last": opt(last), "failCode": self.fail_code, "algoClOrdId": self.algo_cl_ord_id,
            "amendPxOnTriggerType": "0", "attachAlgoOrds": [], "linkedOrd": {"ordId": ""},
            "cTime": self.c_time.to_string(), "uTime": self.u_time.to_string(), "isTradeBorrowMode": "",
            "chaseType": "", "chaseVal": "", "maxChaseType": "", "maxChaseVal": "", "tradeQuoteCcy": "",
            "notionalUsd": ""
        })
    }
}

fn price(req: &Map<String, Value>, key: &str) -> Result<Option<Decimal>, Refusal> {
    let t = field(req, key);
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<Decimal>()
        .map(Some)
        .map_err(|_| (51000, format!("Parameter {key} error")))
}

impl World {
    /// `POST /api/v5/trade/order-algo`.
    pub(crate) fn place_algo(
        &mut self,
        acct: usize,
        req: &Map<String, Value>,
    ) -> Result<u64, Refusal> {
        for key in ["instId", "tdMode", "side", "ordType"] {
            if field(req, key).is_empty() {
                return Err((50014, format!("Parameter {key} can not be empty")));
            }
        }
        let inst_id = field(req, "instId");
        let td_mode = field(req, "tdMode");
        let Some(spec) = self.spec_for(&inst_id, &td_mode).cloned() else {
            return Err((51001, "Instrument ID or Spread ID doesn't exist.".into()));
        };
        let buy = match field(req, "side").as_str() {
            "buy" => true,
            "sell" => false,
            _ => return Err((51000, "Parameter side error".into())),
        };
        let ord_type = field(req, "ordType");
        let cl = field(req, "algoClOrdId");
        if !cl.is_empty() && !valid_cl_ord_id(&cl) {
            return Err((51000, "Parameter algoClOrdId error".into()));
        }
        if !cl.is_empty()
            && self
                .algos
                .values()
                .any(|a| a.account == acct && a.is_open() && a.algo_cl_ord_id == cl)
        {
            return Err((51065, "algoClOrdId already exists.".into()));
        }
        let Some(sz) = price(req, "sz")?.filter(|s| *s > Decimal::ZERO) else {
            return Err((51000, "Parameter sz error".into()));
        };
        if !spec.lot_sz.is_zero() && !(sz % spec.lot_sz).is_zero() {
            return Err((
                51121,
                "Order quantity must be a multiple of the lot size.".into(),
            ));
        }
        let last = self.last_px(&inst_id);
        let pair = |trig: &str, px: &str| -> Result<Option<(Decimal, Decimal)>, Refusal> {
            match (price(req, trig)?, price(req, px)?) {
                (Some(t), Some(p)) => Ok(Some((t, p))),
                (None, None) => Ok(None),
                _ => Err((51000, format!("Parameter {px} error"))),
            }
        };
        let (mut tp, mut sl, mut trigger) = (None, None, None);
        match ord_type.as_str() {
            "conditional" | "oco" => {
                tp = pair("tpTriggerPx", "tpOrdPx")?;
                sl = pair("slTriggerPx", "slOrdPx")?;
                if tp.is_none() && sl.is_none()
                    || (ord_type == "oco" && (tp.is_none() || sl.is_none()))
                {
                    return Err((51000, "Parameter tpTriggerPx error".into()));
                }
            }
            "trigger" => {
                let Some((t, p)) = pair("triggerPx", "orderPx")? else {
                    return Err((51000, "Parameter triggerPx error".into()));
                };
                trigger = Some((t, p, t >= last));
            }
            _ => return Err((51000, "Parameter ordType error".into())),
        }
        let now = self.now();
        self.next_ord += 1;
        let algo_id = self.next_ord;
        let pos_side = if spec.kind.is_derivative() {
            match field(req, "posSide").as_str() {
                "" => "net".to_owned(),
                other => other.to_owned(),
            }
        } else {
            String::new()
        };
        let algo = AlgoOrder {
            algo_id,
            algo_cl_ord_id: cl,
            account: acct,
            inst_id,
            kind: spec.kind,
            td_mode,
            buy,
            pos_side,
            ord_type,
            sz,
            tp,
            sl,
            trigger,
            reduce_only: field(req, "reduceOnly") == "true",
            tag: field(req, "tag"),
            state: "live",
            ord_id: String::new(),
            fail_code: String::new(),
            actual: None,
            trigger_time: None,
            c_time: now,
            u_time: now,
        };
        self.algos.insert(algo_id, algo);
        self.push_algo(algo_id);
        Ok(algo_id)
    }

    /// `POST /api/v5/trade/cancel-algos` (one item).
    pub(crate) fn cancel_algo(
        &mut self,
        acct: usize,
        req: &Map<String, Value>,
    ) -> Result<u64, Refusal> {
        let id: u64 = field(req, "algoId").parse().unwrap_or(0);
        let now = self.now();
        match self.algos.get_mut(&id) {
            Some(a) if a.account == acct && a.is_open() && a.inst_id == field(req, "instId") => {
                a.state = "canceled";
                a.u_time = now;
                self.push_algo(id);
                Ok(id)
            }
            _ => Err((51400, "Order cancellation failed as the order has been filled, canceled or does not exist.".into())),
        }
    }

    fn last_px(&self, inst_id: &str) -> Decimal {
        self.markets.get(inst_id).map_or(Decimal::ZERO, |m| {
            m.last.map_or_else(|| m.fair_px(), |l| l.0)
        })
    }

    /// Fires the algo orders of `inst_id` whose trigger the last price
    /// crossed.
    pub(crate) fn check_algos(&mut self, inst_id: &str) {
        let last = self.last_px(inst_id);
        if last.is_zero() {
            return;
        }
        let due: Vec<(u64, Decimal, &'static str)> = self
            .algos
            .values()
            .filter(|a| a.is_open() && a.inst_id == inst_id)
            .filter_map(|a| {
                // A TP sells above (buys below), an SL sells below (buys above).
                let tp_hit =
                    a.tp.filter(|(t, _)| if a.buy { last <= *t } else { last >= *t });
                let sl_hit =
                    a.sl.filter(|(t, _)| if a.buy { last >= *t } else { last <= *t });
                let trig_hit = a
                    .trigger
                    .filter(|(t, _, up)| if *up { last >= *t } else { last <= *t });
                tp_hit
                    .map(|(_, p)| (a.algo_id, p, "tp"))
                    .or_else(|| sl_hit.map(|(_, p)| (a.algo_id, p, "sl")))
                    .or_else(|| trig_hit.map(|(_, p, _)| (a.algo_id, p, "")))
            })
            .collect();
        for (id, px, side) in due {
            self.fire_algo(id, px, side, last);
        }
    }

    fn fire_algo(&mut self, id: u64, px: Decimal, which: &'static str, last: Decimal) {
        let Some(a) = self.algos.get(&id).cloned() else {
            return;
        };
        let market = px == Decimal::NEGATIVE_ONE;
        let mut req = Map::new();
        req.insert("tdMode".into(), json!(a.td_mode));
        req.insert("side".into(), json!(if a.buy { "buy" } else { "sell" }));
        req.insert(
            "ordType".into(),
            json!(if market { "market" } else { "limit" }),
        );
        req.insert("sz".into(), json!(text(a.sz)));
        if !market {
            req.insert("px".into(), json!(text(px)));
        }
        if a.kind == Kind::Spot && market {
            req.insert("tgtCcy".into(), json!("base_ccy"));
        }
        if a.pos_side != "net" && !a.pos_side.is_empty() {
            req.insert("posSide".into(), json!(a.pos_side));
        }
        if a.reduce_only {
            req.insert("reduceOnly".into(), json!("true"));
        }
        req.insert("tag".into(), json!(a.tag));
        // Marked before its order goes in: placing settles and flushes,
        // which checks the algo orders again.
        if let Some(algo) = self.algos.get_mut(&id) {
            algo.state = "effective";
        }
        let result = self.place(a.account, &req, &a.inst_id, "");
        let now = self.now();
        if let Some(algo) = self.algos.get_mut(&id) {
            algo.trigger_time = Some(now);
            algo.u_time = now;
            algo.actual = Some((if market { last } else { px }, a.sz, which));
            match result {
                Ok(ord_id) => {
                    algo.state = "effective";
                    algo.ord_id = ord_id.to_string();
                }
                Err((code, _)) => {
                    algo.state = "order_failed";
                    algo.fail_code = code.to_string();
                }
            }
        }
        self.push_algo(id);
    }

    /// Pushes an algo order on `orders-algo`.
    pub(crate) fn push_algo(&self, id: u64) {
        let Some(a) = self.algos.get(&id) else { return };
        let about = About {
            kind: Some(a.kind),
            inst_id: &a.inst_id,
            family: "",
            ccy: "",
        };
        let data = json!([a.to_json(Some(self.last_px(&a.inst_id)))]);
        self.deliver(a.account, "orders-algo", &about, |_| {
            Some(data_only(data.clone()))
        });
    }

    /// Pending (`live`) or finished algo orders of an account, paged by
    /// `algoId` like OKX's lists.
    pub(crate) fn algos_of(&self, acct: usize, pending: bool, q: &AlgoQuery<'_>) -> Vec<Value> {
        let rows = self
            .algos
            .values()
            .filter(|a| a.account == acct && a.is_open() == pending)
            .filter(|a| q.ord_type.is_empty() || q.ord_type.split(',').any(|t| t == a.ord_type))
            .filter(|a| q.state.is_empty() || a.state == q.state)
            .filter(|a| q.algo_id.is_empty() || a.algo_id.to_string() == q.algo_id)
            .filter(|a| q.inst_type.is_empty() || a.kind.as_str() == q.inst_type)
            .filter(|a| q.inst_id.is_empty() || a.inst_id == q.inst_id)
            .map(|a| (a.algo_id, a.to_json(Some(self.last_px(&a.inst_id)))))
            .collect();
        super::queries::page(rows, q.after, q.before, q.limit)
    }
}

/// Filters of the algo order lists.
#[derive(Debug, Default)]
pub(crate) struct AlgoQuery<'a> {
    pub(crate) ord_type: &'a str,
    pub(crate) state: &'a str,
    pub(crate) algo_id: &'a str,
    pub(crate) inst_type: &'a str,
    pub(crate) inst_id: &'a str,
    pub(crate) after: &'a str,
    pub(crate) before: &'a str,
    pub(crate) limit: &'a str,
}
