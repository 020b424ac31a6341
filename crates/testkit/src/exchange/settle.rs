//! What a fill does to money: the order's fill fields, balances, frozen
//! amounts, positions, fees, bills and fill records.

use rust_decimal::Decimal;

use super::World;
use super::account::{Account, Position};
use super::instrument::{InstrumentSpec, Kind};
use super::order::{Bill, FILLED, FillRecord, LastFill, PARTIAL};

/// The instrument facts settlement needs, copied out of the spec.
#[derive(Debug, Clone)]
pub(crate) struct Terms {
    pub(crate) kind: Kind,
    pub(crate) base: String,
    pub(crate) quote: String,
    pub(crate) settle: String,
    pub(crate) contract: Decimal,
    pub(crate) inverse: bool,
}

impl Terms {
    pub(crate) fn of(spec: &InstrumentSpec) -> Self {
        Terms {
            kind: spec.kind,
            base: spec.base_ccy.clone(),
            quote: spec.quote_ccy.clone(),
            settle: spec.settle_ccy.clone(),
            contract: spec.contract_size(),
            inverse: spec.inverse,
        }
    }

    /// Margin (or premium) an order of `sz` at `px` ties up, and in what.
    pub(crate) fn margin(&self, sz: Decimal, px: Decimal, lever: u32) -> Decimal {
        let lever = Decimal::from(lever.max(1));
        match (self.kind, self.inverse) {
            (Kind::Option, _) => sz * self.contract * px,
            (_, true) if !px.is_zero() => sz * self.contract / px / lever,
            (_, true) => Decimal::ZERO,
            _ => sz * self.contract * px / lever,
        }
    }

    /// Profit of closing `closed` contracts opened at `avg` at `px`, for a
    /// long (`dir` 1) or short (`dir` -1) position.
    pub(crate) fn pnl(&self, closed: Decimal, avg: Decimal, px: Decimal, dir: Decimal) -> Decimal {
        if self.inverse {
            if avg.is_zero() || px.is_zero() {
                return Decimal::ZERO;
            }
            closed * self.contract * (Decimal::ONE / avg - Decimal::ONE / px) * dir
        } else {
            closed * self.contract * (px - avg) * dir
        }
    }

    /// Fee base of a fill: what the rate is applied to.
    fn fee_base(&self, q: Decimal, px: Decimal, buy: bool) -> (Decimal, String) {
        match self.kind {
            Kind::Spot | Kind::Margin if buy => (q, self.base.clone()),
            Kind::Spot | Kind::Margin => (q * px, self.quote.clone()),
            Kind::Option => (q * self.contract * px, self.settle.clone()),
            _ if self.inverse && !px.is_zero() => (q * self.contract / px, self.settle.clone()),
            _ => (q * self.contract * px, self.settle.clone()),
        }
    }
}

/// One fill to settle.
#[derive(Debug, Clone)]
pub(crate) struct FillArgs {
    pub(crate) ord_id: u64,
    pub(crate) px: Decimal,
    pub(crate) q: Decimal,
    pub(crate) maker: bool,
    pub(crate) trade_id: String,
    pub(crate) ts: i64,
}

fn round(v: Decimal) -> Decimal {
    v.round_dp(16).normalize()
}

impl World {
    /// Settles one fill of a user order and pushes its `orders` and `fills`
    /// updates. Returns whether the order is now complete.
    pub(crate) fn settle_fill(&mut self, f: &FillArgs) -> bool {
        let Some(order) = self.orders.get(&f.ord_id) else {
            return false;
        };
        let Some(spec) = self.spec_for(&order.inst_id, &order.td_mode) else {
            return false;
        };
        let terms = Terms::of(spec);
        let (acct_ix, buy, pos_side, td_mode) = (
            order.account,
            order.buy,
            order.pos_side.clone(),
            order.td_mode.clone(),
        );
        let (inst_id, cl_ord_id, tag) = (
            order.inst_id.clone(),
            order.cl_ord_id.clone(),
            order.tag.clone(),
        );
        let quote_sized = order.quote_sized();
        let remaining_before = order.remaining();
        let (frozen, frozen_ccy) = (order.frozen, order.frozen_ccy.clone());
        let used = if quote_sized { f.q * f.px } else { f.q };
        let release = if remaining_before.is_zero() {
            frozen
        } else {
            (frozen * used / remaining_before).min(frozen)
        };

        let acct = &mut self.accounts[acct_ix];
        let rate = if f.maker {
            acct.maker_fee
        } else {
            acct.taker_fee
        };
        let (fee_base, fee_ccy) = terms.fee_base(f.q, f.px, buy);
        let fee = round(fee_base * rate);
        let mut changes: Vec<(String, Decimal)> = Vec::new();
        let mut pnl = Decimal::ZERO;
        match terms.kind {
            Kind::Spot | Kind::Margin => {
                let notional = f.q * f.px;
                if buy {
                    changes.push((terms.quote.clone(), -notional));
                    changes.push((terms.base.clone(), f.q - fee));
                } else {
                    changes.push((terms.base.clone(), -f.q));
                    changes.push((terms.quote.clone(), notional - fee));
                }
            }
            Kind::Option => {
                let premium = f.q * terms.contract * f.px;
                pnl = update_position(
                    acct,
                    &terms,
                    &f.clone(),
                    buy,
                    &pos_side,
                    &td_mode,
                    &inst_id,
                    &mut self.next_pos,
                );
                let flow = if buy { -premium } else { premium };
                changes.push((terms.settle.clone(), flow - fee));
            }
            Kind::Swap | Kind::Futures => {
                pnl = update_position(
                    acct,
                    &terms,
                    &f.clone(),
                    buy,
                    &pos_side,
                    &td_mode,
                    &inst_id,
                    &mut self.next_pos,
                );
                changes.push((terms.settle.clone(), pnl - fee));
            }
        }
        if !release.is_zero() {
            let bal = acct.bal(&frozen_ccy);
            bal.frozen = (bal.frozen - release).max(Decimal::ZERO);
        }
        let mut bill_rows = Vec::new();
        for (ccy, chg) in &changes {
            let bal = acct.bal(ccy);
            bal.cash += *chg;
            bal.u_time = f.ts;
            bill_rows.push((ccy.clone(), *chg, bal.cash));
        }
        let dirty = self.dirty.accounts.entry(acct_ix).or_default();
        dirty.event = "filled";
        for (ccy, _) in &changes {
            dirty.ccys.insert(ccy.clone());
        }
        if !frozen_ccy.is_empty() {
            dirty.ccys.insert(frozen_ccy.clone());
        }
        if terms.kind.is_derivative() {
            dirty.positions.insert((inst_id.clone(), pos_side.clone()));
        }
        dirty.trades.push((inst_id.clone(), f.trade_id.clone()));

        let Some(order) = self.orders.get_mut(&f.ord_id) else {
            return false;
        };
        order.frozen -= release;
        order.acc_fill_sz += f.q;
        order.fill_value += f.q * f.px;
        order.fill_quote += f.q * f.px;
        order.fee -= fee;
        order.fee_ccy = fee_ccy.clone();
        order.pnl += pnl;
        order.ever_filled = true;
        order.u_time = f.ts;
        order.amend = None;
        order.last_fill = Some(LastFill {
            px: f.px,
            sz: f.q,
            trade_id: f.trade_id.clone(),
            time: f.ts,
            fee: -fee,
            fee_ccy: fee_ccy.clone(),
            maker: f.maker,
            pnl,
        });
        let done = order.remaining().is_zero()
            || (quote_sized && order.remaining() < f.px * Decimal::new(1, 8));
        order.state = if done { FILLED } else { PARTIAL };
        if done {
            let leftover = order.frozen;
            order.frozen = Decimal::ZERO;
            if !leftover.is_zero() {
                let bal = self.accounts[acct_ix].bal(&frozen_ccy);
                bal.frozen = (bal.frozen - leftover).max(Decimal::ZERO);
            }
        }
        let kind = order.kind;
        let pos_side_out = order.pos_side.clone();
        for (ccy, chg, bal) in bill_rows {
            self.next_bill += 1;
            self.bills.push(Bill {
                account: acct_ix,
                bill_id: self.next_bill,
                ccy,
                kind,
                inst_id: inst_id.clone(),
                ord_id: f.ord_id,
                cl_ord_id: cl_ord_id.clone(),
                trade_id: f.trade_id.clone(),
                bal_chg: chg,
                bal,
                fee: -fee,
                pnl,
                px: f.px,
                sz: f.q,
                maker: f.maker,
                ts: f.ts,
            });
        }
        let rec = FillRecord {
            account: acct_ix,
            kind,
            inst_id,
            trade_id: f.trade_id.clone(),
            ord_id: f.ord_id,
            cl_ord_id,
            bill_id: self.next_bill,
            tag,
            px: f.px,
            sz: f.q,
            buy,
            pos_side: pos_side_out,
            maker: f.maker,
            fee: -fee,
            fee_ccy,
            fee_rate: rate,
            pnl,
            ts: f.ts,
        };
        self.push_fill(&rec);
        self.fills.push(rec);
        self.push_order(f.ord_id);
        done
    }
}

/// Moves the position a derivative fill works on; returns realized PnL.
#[allow(
    clippy::too_many_arguments,
    reason = "the fill's facts, taken apart once by the caller"
)]
fn update_position(
    acct: &mut Account,
    terms: &Terms,
    f: &FillArgs,
    buy: bool,
    pos_side: &str,
    td_mode: &str,
    inst_id: &str,
    next_pos: &mut u64,
) -> Decimal {
    let lever = acct.lever_of(inst_id);
    if acct.position_mut(inst_id, pos_side, td_mode).is_none() {
        *next_pos += 1;
        acct.positions.push(Position {
            pos_id: *next_pos,
            inst_id: inst_id.to_owned(),
            kind: terms.kind,
            mgn_mode: td_mode.to_owned(),
            pos_side: pos_side.to_owned(),
            pos: Decimal::ZERO,
            avg_px: Decimal::ZERO,
            realized_pnl: Decimal::ZERO,
            fee: Decimal::ZERO,
            lever,
            trade_id: String::new(),
            c_time: f.ts,
            u_time: f.ts,
            open_max: Decimal::ZERO,
            close_total: Decimal::ZERO,
            close_value: Decimal::ZERO,
        });
    }
    let Some(pos) = acct.position_mut(inst_id, pos_side, td_mode) else {
        return Decimal::ZERO;
    };
    // Signed change of the position, in the position's own sign convention.
    let delta = match pos_side {
        "long" if buy => f.q,
        "long" => -f.q,
        "short" if buy => -f.q,
        "short" => f.q,
        _ if buy => f.q,
        _ => -f.q,
    };
    let dir = match pos_side {
        "short" => -Decimal::ONE,
        "long" => Decimal::ONE,
        _ if pos.pos < Decimal::ZERO => -Decimal::ONE,
        _ => Decimal::ONE,
    };
    let mut pnl = Decimal::ZERO;
    if pos.pos.is_zero() {
        // A fresh position: its history starts now.
        pos.c_time = f.ts;
        pos.realized_pnl = Decimal::ZERO;
        pos.open_max = Decimal::ZERO;
        pos.close_total = Decimal::ZERO;
        pos.close_value = Decimal::ZERO;
    }
    let opening = pos.pos.is_zero() || (pos.pos > Decimal::ZERO) == (delta > Decimal::ZERO);
    let mut closed_now = None;
    if opening {
        let old = pos.pos.abs();
        let total = old + delta.abs();
        if !total.is_zero() {
            pos.avg_px = round((old * pos.avg_px + delta.abs() * f.px) / total);
        }
        pos.pos += delta;
    } else {
        let closed = pos.pos.abs().min(delta.abs());
        pnl = round(terms.pnl(closed, pos.avg_px, f.px, dir));
        pos.close_total += closed;
        pos.close_value += closed * f.px;
        let open_avg = pos.avg_px;
        pos.pos += delta;
        if pos.pos.is_zero() || (pos.pos > Decimal::ZERO) == (delta > Decimal::ZERO) {
            closed_now = Some(open_avg);
        }
        if pos.pos.is_zero() {
            pos.avg_px = Decimal::ZERO;
        } else if (pos.pos > Decimal::ZERO) == (delta > Decimal::ZERO) {
            // Net mode turned through zero: the rest opened at this price.
            pos.avg_px = f.px;
        }
    }
    pos.open_max = pos.open_max.max(pos.pos.abs());
    pos.realized_pnl += pnl;
    pos.trade_id = f.trade_id.clone();
    pos.u_time = f.ts;
    if let Some(open_avg) = closed_now {
        let row = closed_row(pos, terms, open_avg, dir);
        acct.closed.push(row);
    }
    // Option premium moves cash on every trade; their PnL is only reported.
    if terms.kind == Kind::Option {
        return Decimal::ZERO;
    }
    pnl
}

/// A closed position as `positions-history` lists it.
fn closed_row(p: &Position, terms: &Terms, open_avg: Decimal, dir: Decimal) -> serde_json::Value {
    let text = |v: Decimal| v.normalize().to_string();
    let close_avg = if p.close_total.is_zero() {
        Decimal::ZERO
    } else {
        round(p.close_value / p.close_total)
    };
    let direction = if dir < Decimal::ZERO { "short" } else { "long" };
    serde_json::json!({
        "instType": p.kind.as_str(), "instId": p.inst_id, "mgnMode": p.mgn_mode, "type": "2",
        "cTime": p.c_time.to_string(), "uTime": p.u_time.to_string(), "openAvgPx": text(open_avg),
        "nonSettleAvgPx": "", "closeAvgPx": text(close_avg), "posId": p.pos_id.to_string(),
        "openMaxPos": text(p.open_max), "closeTotalPos": text(p.close_total),
        "realizedPnl": text(p.realized_pnl), "settledPnl": "", "pnlRatio": "", "fee": text(p.fee),
        "fundingFee": "0", "liqPenalty": "0", "pnl": text(p.realized_pnl), "posSide": p.pos_side,
        "lever": p.lever.to_string(), "direction": direction, "triggerPx": "", "uly": "",
        "ccy": terms.settle
    })
}
