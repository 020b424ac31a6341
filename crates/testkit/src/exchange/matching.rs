//! Order entry and matching: place, amend, cancel, mass cancel and the dead
//! man's switch, one price-time-priority matching loop for user orders and
//! for the simulated market's own takers.

use rust_decimal::Decimal;
use serde_json::{Map, Value};

use super::World;
use super::book::BookSide;
use super::instrument::Kind;
use super::market::ticks_of;
use super::order::{CANCELED, FILLED, LIVE, Order, cancel_source};
use super::settle::{FillArgs, Terms};

/// An item refused: OKX's `sCode` and `sMsg`.
pub(crate) type Refusal = (u32, String);

fn refuse<T>(code: u32, msg: impl Into<String>) -> Result<T, Refusal> {
    Err((code, msg.into()))
}

/// A request field as text (OKX takes numbers as strings, and lenient
/// clients send JSON numbers; both are read).
pub(crate) fn field(req: &Map<String, Value>, key: &str) -> String {
    match req.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn flag(req: &Map<String, Value>, key: &str) -> bool {
    matches!(field(req, key).as_str(), "true")
}

fn decimal(req: &Map<String, Value>, key: &str) -> Result<Option<Decimal>, Refusal> {
    let text = field(req, key);
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<Decimal>() {
        Ok(v) if v > Decimal::ZERO => Ok(Some(v)),
        _ => refuse(51000, format!("Parameter {key} error")),
    }
}

fn multiple_of(v: Decimal, step: Decimal) -> bool {
    step.is_zero() || (v % step).is_zero()
}

/// Valid `clOrdId`: 1 to 32 letters and digits.
pub(crate) fn valid_cl_ord_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 32 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// What is left to take: base units, or quote currency for a SPOT market
/// buy sized in quote.
#[derive(Debug, Clone, Copy)]
enum Budget {
    Base(Decimal),
    Quote(Decimal),
}

impl World {
    /// Places one order for account `acct`. `inst_id` is already resolved
    /// (REST names it, WS sends its `instIdCode`). Returns the order id.
    pub(crate) fn place(
        &mut self,
        acct: usize,
        req: &Map<String, Value>,
        inst_id: &str,
        source: &str,
    ) -> Result<u64, Refusal> {
        let item = Value::Object(req.clone());
        if let Some((code, msg)) = self.rules.iter().find_map(|r| r(&item)) {
            return Err((code, msg));
        }
        for key in ["tdMode", "side", "ordType", "sz"] {
            if field(req, key).is_empty() {
                return refuse(50014, format!("Parameter {key} can not be empty"));
            }
        }
        if inst_id.is_empty() {
            return refuse(50014, "Parameter instId can not be empty");
        }
        let cl = field(req, "clOrdId");
        if !cl.is_empty() && !valid_cl_ord_id(&cl) {
            return refuse(51000, "Parameter clOrdId error");
        }
        let td_mode = field(req, "tdMode");
        if !matches!(
            td_mode.as_str(),
            "cash" | "cross" | "isolated" | "spot_isolated"
        ) {
            return refuse(51000, "Parameter tdMode error");
        }
        let Some(spec) = self.spec_for(inst_id, &td_mode) else {
            return refuse(51001, "Instrument ID or Spread ID doesn't exist.");
        };
        if spec.state != "live" {
            return refuse(51022, "Contract suspended.");
        }
        let spec = spec.clone();
        if spec.kind.is_derivative() && td_mode == "cash" {
            return refuse(51000, "Parameter tdMode error");
        }
        let buy = match field(req, "side").as_str() {
            "buy" => true,
            "sell" => false,
            _ => return refuse(51000, "Parameter side error"),
        };
        let ord_type = field(req, "ordType");
        if !matches!(
            ord_type.as_str(),
            "market" | "limit" | "post_only" | "fok" | "ioc" | "optimal_limit_ioc" | "rpi"
        ) {
            return refuse(51000, "Parameter ordType error");
        }
        // Only takers reach RPI liquidity: the flag means nothing on a
        // maker-only order.
        let rpi_taker = flag(req, "rpiTakerAccess");
        if rpi_taker && matches!(ord_type.as_str(), "post_only" | "rpi") {
            return refuse(51000, "Parameter rpiTakerAccess error");
        }
        let market = matches!(ord_type.as_str(), "market" | "optimal_limit_ioc");
        let Some(sz) = decimal(req, "sz")? else {
            return refuse(51000, "Parameter sz error");
        };
        let px = if market { None } else { decimal(req, "px")? };
        if !market && px.is_none() {
            return refuse(51000, "Parameter px error");
        }
        if let Some(px) = px
            && !multiple_of(px, spec.tick_sz)
        {
            return refuse(51000, "Parameter px error");
        }
        let spot_like = !spec.kind.is_derivative();
        let mut tgt_ccy = field(req, "tgtCcy");
        if spot_like && ord_type == "market" && tgt_ccy.is_empty() {
            tgt_ccy = if buy { "quote_ccy" } else { "base_ccy" }.to_owned();
        }
        if !spot_like || ord_type != "market" {
            tgt_ccy.clear();
        }
        let quote_sized = tgt_ccy == "quote_ccy";
        if !quote_sized {
            if !multiple_of(sz, spec.lot_sz) {
                return refuse(51121, "Order quantity must be a multiple of the lot size.");
            }
            if sz < spec.min_sz {
                return refuse(
                    51020,
                    "Your order should meet or exceed the minimum order amount.",
                );
            }
        }
        let account = &self.accounts[acct];
        let pos_side = match (
            spec.kind.is_derivative(),
            account.pos_mode,
            field(req, "posSide").as_str(),
        ) {
            (false, _, _) => String::new(),
            (true, super::account::PosMode::Net, "" | "net") => "net".to_owned(),
            (true, super::account::PosMode::LongShort, side @ ("long" | "short")) => {
                side.to_owned()
            }
            _ => return refuse(51000, "Parameter posSide error"),
        };
        if !cl.is_empty()
            && self
                .orders
                .values()
                .any(|o| o.account == acct && o.is_open() && o.cl_ord_id == cl)
        {
            return refuse(51016, "Client order ID already exists.");
        }
        let reduce_only = flag(req, "reduceOnly");
        let closable = self.closable(acct, inst_id, &pos_side, &td_mode, buy);
        if reduce_only {
            if spec.kind == Kind::Spot {
                return refuse(
                    51139,
                    "Reduce-only feature is unavailable for the spot transactions by spot mode.",
                );
            }
            if spec.kind.is_derivative() {
                if closable.is_zero() {
                    let msg = if pos_side == "net" {
                        "Order failed because you don't have any positions in this direction for this contract to reduce or close."
                    } else {
                        "Failed to place order. A reduce-only order can't be the same trading direction as your existing positions."
                    };
                    return refuse(if pos_side == "net" { 51169 } else { 51170 }, msg);
                }
                if sz > closable {
                    return refuse(
                        51112,
                        "Close order size exceeds available size for this position.",
                    );
                }
            }
        }
        let lever = account.lever_of(inst_id);
        let terms = Terms::of(&spec);
        let ref_px = px.or_else(|| {
            let side = if buy { BookSide::Asks } else { BookSide::Bids };
            self.markets.get(inst_id).and_then(|m| m.book.best(side))
        });
        let (freeze, freeze_ccy) = match spec.kind {
            Kind::Spot if buy => (
                if quote_sized {
                    sz
                } else {
                    sz * ref_px.unwrap_or_default()
                },
                terms.quote.clone(),
            ),
            Kind::Spot => (sz, terms.base.clone()),
            Kind::Margin => (Decimal::ZERO, String::new()),
            Kind::Option if !buy && closable.is_zero() => {
                (sz * terms.contract, terms.settle.clone())
            }
            _ => {
                let opening = (sz - closable).max(Decimal::ZERO);
                (
                    terms.margin(opening, ref_px.unwrap_or_default(), lever),
                    terms.settle.clone(),
                )
            }
        };
        if spec.kind == Kind::Margin {
            let (ccy, need) = if buy {
                (terms.quote.clone(), sz * ref_px.unwrap_or_default())
            } else {
                (terms.base.clone(), sz)
            };
            if self.available(acct, &ccy) * Decimal::from(lever) < need {
                return refuse(
                    51008,
                    format!("Order failed. Insufficient {ccy} margin in account"),
                );
            }
        } else if !freeze.is_zero() && self.available(acct, &freeze_ccy) < freeze {
            let what = if spec.kind.is_derivative() {
                "margin"
            } else {
                "balance"
            };
            return refuse(
                51008,
                format!("Order failed. Insufficient {freeze_ccy} {what} in account"),
            );
        }
        let now = self.now();
        self.next_ord += 1;
        let ord_id = self.next_ord;
        if !freeze.is_zero() {
            let bal = self.accounts[acct].bal(&freeze_ccy);
            bal.frozen += freeze;
            bal.u_time = now;
            self.mark_ccy(acct, &freeze_ccy);
        }
        let stp_mode = match field(req, "stpMode").as_str() {
            "" => "cancel_maker".to_owned(),
            other => other.to_owned(),
        };
        let order = Order {
            ord_id,
            cl_ord_id: cl,
            tag: field(req, "tag"),
            account: acct,
            inst_id: inst_id.to_owned(),
            kind: spec.kind,
            td_mode,
            buy,
            pos_side,
            ord_type: ord_type.clone(),
            px,
            sz,
            tgt_ccy,
            reduce_only,
            stp_mode,
            state: LIVE,
            acc_fill_sz: Decimal::ZERO,
            fill_value: Decimal::ZERO,
            fill_quote: Decimal::ZERO,
            fee: Decimal::ZERO,
            fee_ccy: String::new(),
            pnl: Decimal::ZERO,
            last_fill: None,
            c_time: now,
            u_time: now,
            cancel_source: String::new(),
            amend: None,
            // python-okx sends `null`; OKX answers an array either way.
            attach_algo_ords: req
                .get("attachAlgoOrds")
                .filter(|v| v.is_array())
                .cloned()
                .unwrap_or(Value::Array(Vec::new())),
            lever: if spec.kind.is_derivative() {
                lever.to_string()
            } else {
                String::new()
            },
            frozen: freeze,
            frozen_ccy: freeze_ccy,
            resting: None,
            ever_filled: false,
            source: source.to_owned(),
            rpi_taker,
        };
        self.orders.insert(ord_id, order);
        self.order_log.push(ord_id);
        self.run_order(ord_id);
        self.flush();
        Ok(ord_id)
    }

    /// Contracts an order on this side would close rather than open.
    fn closable(
        &self,
        acct: usize,
        inst_id: &str,
        pos_side: &str,
        td_mode: &str,
        buy: bool,
    ) -> Decimal {
        let account = &self.accounts[acct];
        let pos = account
            .positions
            .iter()
            .find(|p| p.inst_id == inst_id && p.pos_side == pos_side && p.mgn_mode == td_mode)
            .map_or(Decimal::ZERO, |p| p.pos);
        match pos_side {
            "long" if !buy => pos,
            "short" if buy => pos,
            "net" if buy && pos < Decimal::ZERO => -pos,
            "net" if !buy && pos > Decimal::ZERO => pos,
            _ => Decimal::ZERO,
        }
    }

    /// Runs a new (or re-priced) order against the book, then rests or
    /// cancels what is left, as its type says.
    fn run_order(&mut self, ord_id: u64) {
        let Some(o) = self.orders.get(&ord_id) else {
            return;
        };
        let (inst_id, buy, px, ord_type) = (o.inst_id.clone(), o.buy, o.px, o.ord_type.clone());
        let maker_only = matches!(ord_type.as_str(), "post_only" | "rpi");
        let rpi_taker = o.rpi_taker;
        let opposite = if buy { BookSide::Asks } else { BookSide::Bids };
        let Some(market) = self.markets.get(&inst_id) else {
            return;
        };
        // A maker-only order must not cross anything resting, RPI orders
        // included; a taker crosses what it may trade with.
        let best = market.book.best_for(opposite, maker_only || rpi_taker);
        let crosses = match (best, px) {
            (Some(best), Some(px)) => {
                if buy {
                    px >= best
                } else {
                    px <= best
                }
            }
            (Some(_), None) => true,
            (None, _) => false,
        };
        if maker_only && crosses {
            self.finish(ord_id, cancel_source::POST_ONLY);
            return;
        }
        if ord_type == "fok" {
            let want = o.remaining();
            let side = market.book.side(opposite);
            let within = |k: &Decimal| px.is_none_or(|p| if buy { *k <= p } else { *k >= p });
            let available: Decimal = side
                .iter()
                .filter(|(k, _)| within(k))
                .map(|(_, l)| l.reachable(rpi_taker))
                .sum();
            if available < want {
                self.finish(ord_id, cancel_source::FOK);
                return;
            }
        }
        let stopped_by_stp = if crosses {
            self.take(&inst_id, buy, px, Some(ord_id), Budget::Base(Decimal::ZERO))
        } else {
            false
        };
        let Some(o) = self.orders.get(&ord_id) else {
            return;
        };
        if !o.is_open() {
            return;
        }
        if stopped_by_stp {
            self.finish(ord_id, cancel_source::SELF_TRADE);
            return;
        }
        let remaining = o.remaining();
        match (ord_type.as_str(), px) {
            ("limit" | "post_only" | "rpi", Some(px)) if !remaining.is_zero() => {
                let text = px.normalize().to_string();
                let side = if buy { BookSide::Bids } else { BookSide::Asks };
                let fresh = o.acc_fill_sz.is_zero();
                if let Some(m) = self.markets.get_mut(&inst_id) {
                    m.book
                        .add_order(side, px, &text, ord_id, remaining, ord_type == "rpi");
                    self.dirty.markets.insert(inst_id.clone());
                }
                if let Some(o) = self.orders.get_mut(&ord_id) {
                    o.resting = Some(px);
                }
                if fresh {
                    self.push_order(ord_id);
                }
            }
            _ if o.quote_sized() && o.ever_filled => {
                // The unspendable rest of a quote-sized market buy is dust.
                self.finish_filled(ord_id);
            }
            _ => self.finish(ord_id, cancel_source::IOC),
        }
    }

    /// Marks an order without a resting rest as filled (quote dust).
    fn finish_filled(&mut self, ord_id: u64) {
        let Some(o) = self.orders.get_mut(&ord_id) else {
            return;
        };
        o.state = FILLED;
        let (acct, ccy, left) = (o.account, o.frozen_ccy.clone(), o.frozen);
        o.frozen = Decimal::ZERO;
        o.u_time = self.clock.now_ms();
        self.release(acct, &ccy, left);
        self.push_order(ord_id);
    }

    fn release(&mut self, acct: usize, ccy: &str, amount: Decimal) {
        if amount.is_zero() || ccy.is_empty() {
            return;
        }
        let bal = self.accounts[acct].bal(ccy);
        bal.frozen = (bal.frozen - amount).max(Decimal::ZERO);
        self.mark_ccy(acct, ccy);
    }

    pub(crate) fn mark_ccy(&mut self, acct: usize, ccy: &str) {
        let d = self.dirty.accounts.entry(acct).or_default();
        if d.event.is_empty() {
            d.event = "filled";
        }
        d.ccys.insert(ccy.to_owned());
    }

    /// Cancels an order (or the unfilled rest of one) with `source`.
    fn finish(&mut self, ord_id: u64, source: &str) {
        self.cancel_order(ord_id, source);
    }

    /// Cancels an open order: off the book, frozen funds released, pushed.
    pub(crate) fn cancel_order(&mut self, ord_id: u64, source: &str) -> bool {
        let now = self.now();
        let Some(o) = self.orders.get_mut(&ord_id) else {
            return false;
        };
        if !o.is_open() {
            return false;
        }
        o.state = CANCELED;
        o.cancel_source = source.to_owned();
        o.u_time = now;
        o.amend = None;
        let (acct, ccy, left, resting) =
            (o.account, o.frozen_ccy.clone(), o.frozen, o.resting.take());
        let (inst_id, buy, remaining) = (o.inst_id.clone(), o.buy, o.remaining());
        o.frozen = Decimal::ZERO;
        if let Some(px) = resting {
            let side = if buy { BookSide::Bids } else { BookSide::Asks };
            if let Some(m) = self.markets.get_mut(&inst_id) {
                m.book.reduce_order(side, px, ord_id, remaining, true);
            }
            self.dirty.markets.insert(inst_id);
        }
        self.release(acct, &ccy, left);
        self.push_order(ord_id);
        true
    }

    /// The matching loop. A user taker (`user`) takes until its own size is
    /// done; an anonymous one until `budget` is. Returns whether self-trade
    /// prevention stopped the taker.
    fn take(
        &mut self,
        inst_id: &str,
        buy: bool,
        limit: Option<Decimal>,
        user: Option<u64>,
        mut budget: Budget,
    ) -> bool {
        let side = if buy { BookSide::Asks } else { BookSide::Bids };
        let mut trades: Vec<(Decimal, Decimal, String, i64)> = Vec::new();
        let mut stopped = false;
        // The market's own (anonymous, retail-like) flow reaches RPI
        // orders; a user's order only with `rpiTakerAccess`.
        let (taker_acct, stp, rpi_ok) = match user.and_then(|id| self.orders.get(&id)) {
            Some(o) => (Some(o.account), o.stp_mode.clone(), o.rpi_taker),
            None => (None, String::new(), true),
        };
        loop {
            if let Some(id) = user {
                match self.orders.get(&id) {
                    Some(o) if o.is_open() => {
                        budget = if o.quote_sized() {
                            Budget::Quote(o.remaining())
                        } else {
                            Budget::Base(o.remaining())
                        };
                    }
                    _ => break,
                }
            }
            let Some(market) = self.markets.get(inst_id) else {
                break;
            };
            let Some(best) = market.book.best_for(side, rpi_ok) else {
                break;
            };
            if limit.is_some_and(|p| if buy { best > p } else { best < p }) {
                break;
            }
            let lot = market.lot;
            let want = match budget {
                Budget::Base(b) => b,
                Budget::Quote(q) if best.is_zero() => q,
                Budget::Quote(q) => {
                    let base = q / best;
                    if lot.is_zero() {
                        base
                    } else {
                        (base / lot).floor() * lot
                    }
                }
            };
            if want <= Decimal::ZERO {
                break;
            }
            let Some(level) = market.book.side(side).get(&best) else {
                break;
            };
            let ts = self.clock.now_ms();
            if !level.bg.is_zero() {
                let q = want.min(level.bg);
                let left = level.bg - q;
                let text = level.px_text.clone();
                let Some(market) = self.markets.get_mut(inst_id) else {
                    break;
                };
                market.book.set_bg(side, best, &text, left, None);
                let trade_id = market.trade_id();
                if let Some(id) = user {
                    self.settle_fill(&FillArgs {
                        ord_id: id,
                        px: best,
                        q,
                        maker: false,
                        trade_id: trade_id.clone(),
                        ts,
                    });
                }
                trades.push((best, q, trade_id, ts));
                budget = spend(budget, q, best);
                continue;
            }
            let Some(maker_id) = level.first_maker(rpi_ok) else {
                break;
            };
            let Some(maker) = self.orders.get(&maker_id) else {
                break;
            };
            if taker_acct == Some(maker.account) {
                match stp.as_str() {
                    "cancel_taker" => {
                        stopped = true;
                        break;
                    }
                    "cancel_both" => {
                        self.cancel_order(maker_id, cancel_source::SELF_TRADE);
                        stopped = true;
                        break;
                    }
                    _ => {
                        self.cancel_order(maker_id, cancel_source::SELF_TRADE);
                        continue;
                    }
                }
            }
            let q = want.min(maker.remaining());
            let Some(market) = self.markets.get_mut(inst_id) else {
                break;
            };
            let trade_id = market.trade_id();
            let done = self.settle_fill(&FillArgs {
                ord_id: maker_id,
                px: best,
                q,
                maker: true,
                trade_id: trade_id.clone(),
                ts,
            });
            if let Some(m) = self.markets.get_mut(inst_id) {
                m.book.reduce_order(side, best, maker_id, q, done);
            }
            if done && let Some(o) = self.orders.get_mut(&maker_id) {
                o.resting = None;
            }
            if let Some(id) = user {
                self.settle_fill(&FillArgs {
                    ord_id: id,
                    px: best,
                    q,
                    maker: false,
                    trade_id: trade_id.clone(),
                    ts,
                });
            }
            trades.push((best, q, trade_id, ts));
            budget = spend(budget, q, best);
        }
        if !trades.is_empty() {
            self.record_trades(inst_id, buy, &trades);
        }
        stopped
    }

    /// Amends an open order's size and/or price.
    pub(crate) fn amend(
        &mut self,
        acct: usize,
        req: &Map<String, Value>,
        inst_id: &str,
    ) -> Result<u64, Refusal> {
        let id = self.find_open(acct, req, inst_id);
        let cxl_on_fail = flag(req, "cxlOnFail");
        let result = id
            .ok_or((
                51503,
                "Your order has already been filled or canceled.".to_owned(),
            ))
            .and_then(|id| self.try_amend(id, req));
        if result.is_err()
            && cxl_on_fail
            && let Some(id) = id
        {
            self.cancel_order(id, cancel_source::USER);
        }
        self.flush();
        result
    }

    fn try_amend(&mut self, id: u64, req: &Map<String, Value>) -> Result<u64, Refusal> {
        let new_sz = decimal(req, "newSz")?;
        let new_px = decimal(req, "newPx")?;
        if new_sz.is_none() && new_px.is_none() {
            return refuse(51500, "You must enter a price, quantity, or TP/SL");
        }
        let Some(o) = self.orders.get(&id) else {
            return refuse(51503, "Your order has already been filled or canceled.");
        };
        let Some(spec) = self.spec_for(&o.inst_id, &o.td_mode).cloned() else {
            return refuse(51001, "Instrument ID or Spread ID doesn't exist.");
        };
        if o.px.is_none() {
            return refuse(51000, "Parameter newPx error");
        }
        if let Some(sz) = new_sz
            && (sz <= o.acc_fill_sz || !multiple_of(sz, spec.lot_sz))
        {
            return refuse(51000, "Parameter newSz error");
        }
        if let Some(px) = new_px
            && !multiple_of(px, spec.tick_sz)
        {
            return refuse(51000, "Parameter newPx error");
        }
        let (buy, inst_id) = (o.buy, o.inst_id.clone());
        let px = new_px.or(o.px).unwrap_or_default();
        let sz = new_sz.unwrap_or(o.sz);
        if matches!(o.ord_type.as_str(), "post_only" | "rpi") {
            let opposite = if buy { BookSide::Asks } else { BookSide::Bids };
            let best = self
                .markets
                .get(&inst_id)
                .and_then(|m| m.book.best(opposite));
            if best.is_some_and(|b| if buy { px >= b } else { px <= b }) {
                return refuse(
                    51511,
                    "Modification failed as the order price did not meet the requirement for Post Only.",
                );
            }
        }
        // What the unfilled rest ties up after the change.
        let remaining = sz - o.acc_fill_sz;
        let terms = Terms::of(&spec);
        let lever = self.accounts[o.account].lever_of(&inst_id);
        let need = match spec.kind {
            Kind::Spot if buy => remaining * px,
            Kind::Spot => remaining,
            Kind::Margin => Decimal::ZERO,
            _ => terms.margin(remaining, px, lever),
        };
        let extra = need - o.frozen;
        let (acct, ccy) = (o.account, o.frozen_ccy.clone());
        if extra > Decimal::ZERO && !ccy.is_empty() && self.available(acct, &ccy) < extra {
            return refuse(
                51502,
                "Unable to edit order: insufficient balance or margin.",
            );
        }
        let req_id = field(req, "reqId");
        let same_priority = new_px.is_none_or(|p| Some(p) == o.px) && sz <= o.sz;
        let old_px = o.resting;
        let old_rem = o.remaining();
        let side = if buy { BookSide::Bids } else { BookSide::Asks };
        if let (Some(m), Some(at)) = (self.markets.get_mut(&inst_id), old_px) {
            // A smaller size at the same price keeps its place in the queue.
            if same_priority {
                m.book
                    .reduce_order(side, at, id, old_rem - remaining, false);
            } else {
                m.book.reduce_order(side, at, id, old_rem, true);
            }
        }
        self.dirty.markets.insert(inst_id.clone());
        if !ccy.is_empty() {
            let bal = self.accounts[acct].bal(&ccy);
            bal.frozen = (bal.frozen + extra).max(Decimal::ZERO);
            self.mark_ccy(acct, &ccy);
        }
        let now = self.now();
        let Some(o) = self.orders.get_mut(&id) else {
            return refuse(51503, "Your order has already been filled or canceled.");
        };
        o.px = Some(px);
        o.sz = sz;
        o.frozen = need;
        o.u_time = now;
        o.amend = Some((req_id, "0".to_owned()));
        if same_priority && old_px.is_some() {
            self.push_order(id);
            return Ok(id);
        }
        o.resting = None;
        self.push_order(id);
        if let Some(o) = self.orders.get_mut(&id) {
            o.amend = None;
        }
        self.rerun(id);
        Ok(id)
    }

    /// Runs an amended order again: it may now cross, then rests.
    fn rerun(&mut self, id: u64) {
        let Some(o) = self.orders.get(&id) else {
            return;
        };
        let (inst_id, buy, px) = (o.inst_id.clone(), o.buy, o.px);
        let (rpi, rpi_taker) = (o.ord_type == "rpi", o.rpi_taker);
        let opposite = if buy { BookSide::Asks } else { BookSide::Bids };
        let best = self
            .markets
            .get(&inst_id)
            .and_then(|m| m.book.best_for(opposite, rpi_taker));
        let crosses = match (best, px) {
            (Some(b), Some(p)) => {
                if buy {
                    p >= b
                } else {
                    p <= b
                }
            }
            _ => false,
        };
        if crosses && self.take(&inst_id, buy, px, Some(id), Budget::Base(Decimal::ZERO)) {
            self.finish(id, cancel_source::SELF_TRADE);
            return;
        }
        let Some(o) = self.orders.get_mut(&id) else {
            return;
        };
        if !o.is_open() {
            return;
        }
        let remaining = o.remaining();
        if let Some(px) = o.px {
            o.resting = Some(px);
            let side = if buy { BookSide::Bids } else { BookSide::Asks };
            let text = px.normalize().to_string();
            if let Some(m) = self.markets.get_mut(&inst_id) {
                m.book.add_order(side, px, &text, id, remaining, rpi);
            }
        }
    }

    /// The open order a request names by `ordId` (which wins) or `clOrdId`.
    fn find_open(&self, acct: usize, req: &Map<String, Value>, inst_id: &str) -> Option<u64> {
        let (ord_id, cl) = (field(req, "ordId"), field(req, "clOrdId"));
        self.orders
            .values()
            .filter(|o| o.account == acct && o.inst_id == inst_id && o.is_open())
            .find(|o| {
                if ord_id.is_empty() {
                    !cl.is_empty() && o.cl_ord_id == cl
                } else {
                    o.ord_id.to_string() == ord_id
                }
            })
            .map(|o| o.ord_id)
    }

    /// Cancels one order.
    pub(crate) fn cancel(
        &mut self,
        acct: usize,
        req: &Map<String, Value>,
        inst_id: &str,
    ) -> Result<u64, Refusal> {
        if field(req, "ordId").is_empty() && field(req, "clOrdId").is_empty() {
            return refuse(51000, "Parameter ordId error");
        }
        let Some(id) = self.find_open(acct, req, inst_id) else {
            return refuse(
                51400,
                "Order cancellation failed as the order has been filled, canceled or does not exist.",
            );
        };
        self.cancel_order(id, cancel_source::USER);
        self.flush();
        Ok(id)
    }

    /// Cancels every open order of an account on an instrument family and
    /// type (OKX's `mass-cancel`, for options).
    pub(crate) fn mass_cancel(&mut self, acct: usize, inst_type: &str, family: &str) -> usize {
        let ids: Vec<u64> = self
            .orders
            .values()
            .filter(|o| o.account == acct && o.is_open())
            .filter(|o| inst_type.is_empty() || o.kind.as_str() == inst_type)
            .filter(|o| family.is_empty() || o.inst_id.starts_with(&format!("{family}-")))
            .map(|o| o.ord_id)
            .collect();
        for id in &ids {
            self.cancel_order(*id, cancel_source::USER);
        }
        self.flush();
        ids.len()
    }

    /// `cancel-all-after`: arms (10–120 s), re-arms or disarms (0) the dead
    /// man's switch of an account (and tag). Returns the trigger time (Unix
    /// seconds, 0 when disarmed).
    pub(crate) fn cancel_all_after(
        &mut self,
        acct: usize,
        timeout: &str,
        tag: &str,
    ) -> Result<i64, Refusal> {
        let secs: i64 = match timeout.parse() {
            Ok(s) if s == 0 || (10..=120).contains(&s) => s,
            _ => return refuse(51000, "Parameter timeOut error"),
        };
        let now = self.now();
        let account = &mut self.accounts[acct];
        if secs == 0 {
            account.dead_man.remove(tag);
            return Ok(0);
        }
        let deadline = now + secs * 1000;
        account.dead_man.insert(tag.to_owned(), deadline);
        Ok(deadline / 1000)
    }

    /// Cancels the orders of every account whose dead man's switch expired.
    pub(crate) fn fire_dead_man_switches(&mut self) {
        let now = self.now();
        let mut due: Vec<(usize, String)> = Vec::new();
        for (i, account) in self.accounts.iter_mut().enumerate() {
            let expired: Vec<String> = account
                .dead_man
                .iter()
                .filter(|(_, at)| **at <= now)
                .map(|(tag, _)| tag.clone())
                .collect();
            for tag in expired {
                account.dead_man.remove(&tag);
                due.push((i, tag));
            }
        }
        for (acct, tag) in due {
            let ids: Vec<u64> = self
                .orders
                .values()
                .filter(|o| o.account == acct && o.is_open() && (tag.is_empty() || o.tag == tag))
                .map(|o| o.ord_id)
                .collect();
            for id in ids {
                self.cancel_order(id, cancel_source::CANCEL_ALL_AFTER);
            }
        }
    }

    /// One step of one market's motion: anonymous liquidity moves with the
    /// fair price, resting user orders the market moved through are filled
    /// at their price, and anonymous takers trade.
    pub(crate) fn step_market(&mut self, inst_id: &str) {
        let Some(market) = self.markets.get_mut(inst_id) else {
            return;
        };
        let takers = market.step();
        let fair = market.fair_px();
        self.dirty.markets.insert(inst_id.to_owned());
        // User orders priced through the fair price trade with the market.
        for (side, taker_buy) in [(BookSide::Bids, false), (BookSide::Asks, true)] {
            let through: Vec<Decimal> = match self.markets.get(inst_id) {
                Some(m) => m
                    .book
                    .prices(side)
                    .into_iter()
                    .filter(|p| if taker_buy { *p < fair } else { *p > fair })
                    .filter(|p| {
                        m.book
                            .side(side)
                            .get(p)
                            .is_some_and(|l| !l.queue.is_empty())
                    })
                    .collect(),
                None => Vec::new(),
            };
            for px in through {
                let user_sz = self
                    .markets
                    .get(inst_id)
                    .and_then(|m| m.book.side(side).get(&px))
                    .map_or(Decimal::ZERO, |l| l.user_sz);
                if let Some(m) = self.markets.get_mut(inst_id) {
                    // The market's own size at a crossed price is gone.
                    let text = px.normalize().to_string();
                    m.book.set_bg(side, px, &text, Decimal::ZERO, None);
                }
                self.take(inst_id, taker_buy, Some(px), None, Budget::Base(user_sz));
            }
        }
        for (buy, sz) in takers {
            let Some(m) = self.markets.get(inst_id) else {
                return;
            };
            let side = if buy { BookSide::Asks } else { BookSide::Bids };
            // Anonymous takers sweep at most a few ticks.
            let limit = m.book.best(side).map(|b| {
                let ticks = ticks_of(b, m.tick) + if buy { 3 } else { -3 };
                m.px_of(ticks)
            });
            self.take(inst_id, buy, limit, None, Budget::Base(sz));
        }
        if let Some(m) = self.markets.get_mut(inst_id) {
            m.refill();
        }
    }
}

fn spend(budget: Budget, q: Decimal, px: Decimal) -> Budget {
    match budget {
        Budget::Base(b) => Budget::Base(b - q),
        Budget::Quote(v) => Budget::Quote(v - q * px),
    }
}

impl World {
    /// Fills a resting order completely at its price, as if the market took
    /// it (a test's way to make a fill happen now).
    pub(crate) fn fill_resting(&mut self, ord_id: u64) -> bool {
        let Some(o) = self.orders.get(&ord_id) else {
            return false;
        };
        let (Some(px), true) = (o.resting, o.is_open()) else {
            return false;
        };
        let (inst_id, buy, remaining) = (o.inst_id.clone(), o.buy, o.remaining());
        let side = if buy { BookSide::Bids } else { BookSide::Asks };
        let ts = self.now();
        let Some(market) = self.markets.get_mut(&inst_id) else {
            return false;
        };
        let trade_id = market.trade_id();
        let done = self.settle_fill(&FillArgs {
            ord_id,
            px,
            q: remaining,
            maker: true,
            trade_id: trade_id.clone(),
            ts,
        });
        if let Some(m) = self.markets.get_mut(&inst_id) {
            m.book.reduce_order(side, px, ord_id, remaining, done);
        }
        if let Some(o) = self.orders.get_mut(&ord_id) {
            o.resting = None;
        }
        self.dirty.markets.insert(inst_id.clone());
        self.record_trades(&inst_id, !buy, &[(px, remaining, trade_id, ts)]);
        true
    }
}
