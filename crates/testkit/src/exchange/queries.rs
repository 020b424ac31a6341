//! What REST reads: balances, positions, orders, fills and bills derived
//! from the state, with OKX's paging and retention rules; and the account
//! JSON the private channels share with REST.

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::World;
use super::account::Position;
use super::instrument::Kind;
use super::order::{CANCELED, Order};
use super::settle::Terms;

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

/// OKX's list paging over records keyed by an increasing id, newest first:
/// `after` keeps ids below it, `before` ids above it, and the newest
/// `limit` (default and maximum 100) of what is left are returned, so
/// `before` alone answers the newest page rather than the next one.
pub(crate) fn page<T>(mut rows: Vec<(u64, T)>, after: &str, before: &str, limit: &str) -> Vec<T> {
    let after: Option<u64> = after.parse().ok();
    let before: Option<u64> = before.parse().ok();
    let limit = limit.parse::<usize>().map_or(100, |l| l.clamp(1, 100));
    rows.retain(|(id, _)| after.is_none_or(|a| *id < a) && before.is_none_or(|b| *id > b));
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    rows.into_iter().take(limit).map(|(_, r)| r).collect()
}

fn text(v: Decimal) -> String {
    v.normalize().to_string()
}

/// Filters a query names with `instType`, `instFamily`, `instId`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filter {
    pub(crate) inst_type: String,
    pub(crate) family: String,
    pub(crate) inst_id: String,
    pub(crate) ord_type: String,
    pub(crate) state: String,
    pub(crate) ord_id: String,
    pub(crate) begin: Option<i64>,
    pub(crate) end: Option<i64>,
}

impl Filter {
    fn order(&self, o: &Order) -> bool {
        (self.inst_type.is_empty() || o.kind.as_str() == self.inst_type)
            && (self.inst_id.is_empty() || o.inst_id == self.inst_id)
            && (self.family.is_empty() || o.inst_id.starts_with(&format!("{}-", self.family)))
            && (self.ord_type.is_empty() || o.ord_type == self.ord_type)
            && (self.state.is_empty() || o.state == self.state)
            && self.begin.is_none_or(|b| o.c_time >= b)
            && self.end.is_none_or(|e| o.c_time <= e)
    }
}

impl World {
    /// Whether an order is still visible: OKX keeps cancelled orders that
    /// never filled for 2 hours only.
    pub(crate) fn retained(&self, o: &Order, now: i64) -> bool {
        !(o.state == CANCELED && !o.ever_filled && now - o.u_time > 2 * HOUR)
    }

    /// `GET /api/v5/trade/order`.
    pub(crate) fn order_of(
        &self,
        acct: usize,
        inst_id: &str,
        ord_id: &str,
        cl: &str,
    ) -> Option<Value> {
        let now = self.now();
        self.order_log
            .iter()
            .rev()
            .filter_map(|id| self.orders.get(id))
            .filter(|o| o.account == acct && o.inst_id == inst_id && self.retained(o, now))
            .find(|o| {
                if ord_id.is_empty() {
                    !cl.is_empty() && o.cl_ord_id == cl
                } else {
                    o.ord_id.to_string() == ord_id
                }
            })
            .map(|o| o.to_json(false))
    }

    /// `orders-pending`.
    pub(crate) fn pending(
        &self,
        acct: usize,
        f: &Filter,
        after: &str,
        before: &str,
        limit: &str,
    ) -> Vec<Value> {
        let rows = self
            .orders
            .values()
            .filter(|o| o.account == acct && o.is_open() && f.order(o))
            .map(|o| (o.ord_id, o.to_json(false)))
            .collect();
        page(rows, after, before, limit)
    }

    /// `orders-history` (7 days) and `orders-history-archive` (3 months):
    /// finished orders, filtered by creation time, paged by `ordId`.
    pub(crate) fn history(
        &self,
        acct: usize,
        f: &Filter,
        days: i64,
        after: &str,
        before: &str,
        limit: &str,
    ) -> Vec<Value> {
        let now = self.now();
        let rows = self
            .orders
            .values()
            .filter(|o| o.account == acct && !o.is_open() && f.order(o))
            .filter(|o| o.c_time >= now - days * DAY && self.retained(o, now))
            .map(|o| (o.ord_id, o.to_json(false)))
            .collect();
        page(rows, after, before, limit)
    }

    /// `fills` (3 days) and `fills-history` (3 months), paged by `billId`.
    pub(crate) fn fills_of(
        &self,
        acct: usize,
        f: &Filter,
        days: i64,
        after: &str,
        before: &str,
        limit: &str,
    ) -> Vec<Value> {
        let now = self.now();
        let rows = self
            .fills
            .iter()
            .filter(|r| r.account == acct && r.ts >= now - days * DAY)
            .filter(|r| f.inst_type.is_empty() || r.kind.as_str() == f.inst_type)
            .filter(|r| f.inst_id.is_empty() || r.inst_id == f.inst_id)
            .filter(|r| f.family.is_empty() || r.inst_id.starts_with(&format!("{}-", f.family)))
            .filter(|r| f.ord_id.is_empty() || r.ord_id.to_string() == f.ord_id)
            .filter(|r| f.begin.is_none_or(|b| r.ts >= b) && f.end.is_none_or(|e| r.ts <= e))
            .map(|r| (r.bill_id, r.to_json()))
            .collect();
        page(rows, after, before, limit)
    }

    /// `account/bills` (7 days), paged by `billId`.
    pub(crate) fn bills_of(
        &self,
        acct: usize,
        f: &Filter,
        ccy: &str,
        after: &str,
        before: &str,
        limit: &str,
    ) -> Vec<Value> {
        let now = self.now();
        let rows = self
            .bills
            .iter()
            .filter(|b| b.account == acct && b.ts >= now - 7 * DAY)
            .filter(|b| ccy.is_empty() || b.ccy == ccy)
            .filter(|b| f.inst_type.is_empty() || b.kind.as_str() == f.inst_type)
            .filter(|b| f.inst_id.is_empty() || b.inst_id == f.inst_id)
            .map(|b| {
                let td = self
                    .orders
                    .get(&b.ord_id)
                    .map(|o| o.td_mode.clone())
                    .unwrap_or_default();
                (b.bill_id, b.to_json(&td))
            })
            .collect();
        page(rows, after, before, limit)
    }

    /// The mark price of an instrument (the fair price of its market).
    pub(crate) fn mark(&self, inst_id: &str) -> Decimal {
        self.markets
            .get(inst_id)
            .map_or(Decimal::ZERO, super::market::Market::fair_px)
    }

    fn terms_of(&self, p: &Position) -> Option<Terms> {
        self.spec_for(&p.inst_id, &p.mgn_mode).map(Terms::of)
    }

    /// Unrealized PnL and initial margin of a position, in its settlement
    /// currency.
    pub(crate) fn upl_imr(&self, p: &Position) -> (Decimal, Decimal) {
        let Some(terms) = self.terms_of(p) else {
            return (Decimal::ZERO, Decimal::ZERO);
        };
        let mark = self.mark(&p.inst_id);
        let dir = if p.pos_side == "short" || p.pos < Decimal::ZERO {
            -Decimal::ONE
        } else {
            Decimal::ONE
        };
        let size = p.pos.abs();
        let upl = terms.pnl(size, p.avg_px, mark, dir);
        let imr = if terms.kind == Kind::Option {
            Decimal::ZERO
        } else {
            terms.margin(size, mark, p.lever)
        };
        (upl.round_dp(12), imr.round_dp(12))
    }

    /// What an account can still use of a currency: cash less what orders
    /// freeze and positions tie up, plus their unrealized PnL.
    pub(crate) fn available(&self, acct: usize, ccy: &str) -> Decimal {
        let account = &self.accounts[acct];
        let mut avail = account.available(ccy);
        for p in account.positions.iter().filter(|p| !p.pos.is_zero()) {
            if self.terms_of(p).is_some_and(|t| t.settle == ccy) {
                let (upl, imr) = self.upl_imr(p);
                avail += upl - imr;
            }
        }
        avail
    }

    /// One currency of `account/balance` (and the `account` channel).
    pub(crate) fn balance_detail(&self, acct: usize, ccy: &str) -> Value {
        let account = &self.accounts[acct];
        let bal = account.balances.get(ccy).cloned().unwrap_or_default();
        let upl: Decimal = account
            .positions
            .iter()
            .filter(|p| !p.pos.is_zero() && self.terms_of(p).is_some_and(|t| t.settle == ccy))
            .map(|p| self.upl_imr(p).0)
            .sum();
        let eq = bal.cash + upl;
        let avail = self.available(acct, ccy);
        let liab = if bal.cash < Decimal::ZERO {
            -bal.cash
        } else {
            Decimal::ZERO
        };
        json!({
            "ccy": ccy, "eq": text(eq), "cashBal": text(bal.cash), "uTime": bal.u_time.to_string(),
            "isoEq": "0", "availEq": text(avail), "disEq": text(eq * self.usd_price(ccy)),
            "fixedBal": "0", "availBal": text(avail), "frozenBal": text(bal.frozen + (bal.cash - bal.frozen - avail).max(Decimal::ZERO)),
            "ordFrozen": text(bal.frozen), "liab": text(liab), "upl": text(upl), "uplLiab": "0",
            "crossLiab": text(liab), "rewardBal": "0", "isoLiab": "0", "mgnRatio": "", "imr": "", "mmr": "",
            "interest": "0", "twap": "0", "maxLoan": "", "eqUsd": text((eq * self.usd_price(ccy)).round_dp(8)),
            "borrowFroz": "0", "notionalLever": "0", "stgyEq": "0", "isoUpl": "0", "spotInUseAmt": "",
            "clSpotInUseAmt": "", "maxSpotInUse": "", "spotIsoBal": "0", "smtSyncEq": "0",
            "spotCopyTradingEq": "0", "spotBal": "", "openAvgPx": "", "accAvgPx": "", "spotUpl": "",
            "spotUplRatio": "", "totalPnl": "", "totalPnlRatio": "", "colRes": "0",
            "colBorrAutoConversion": "0", "collateralRestrict": false, "collateralEnabled": false,
            "autoLendStatus": "off", "autoLendMtAmt": "0"
        })
    }

    /// The account-level fields of `account/balance`, without `details`.
    pub(crate) fn balance_summary(&self, acct: usize) -> Value {
        let account = &self.accounts[acct];
        let mut total = Decimal::ZERO;
        let mut frozen = Decimal::ZERO;
        for (ccy, bal) in &account.balances {
            let px = self.usd_price(ccy);
            total += bal.cash * px;
            frozen += bal.frozen * px;
        }
        let mut upl = Decimal::ZERO;
        let mut imr = Decimal::ZERO;
        for p in account.positions.iter().filter(|p| !p.pos.is_zero()) {
            let (u, i) = self.upl_imr(p);
            let px = self
                .terms_of(p)
                .map_or(Decimal::ZERO, |t| self.usd_price(&t.settle));
            upl += u * px;
            imr += i * px;
        }
        let eq = (total + upl).round_dp(8);
        json!({
            "uTime": self.now().to_string(), "totalEq": text(eq), "isoEq": "0", "adjEq": text(eq),
            "availEq": text((eq - frozen - imr).round_dp(8)), "ordFroz": text(frozen.round_dp(8)),
            "imr": text(imr.round_dp(8)), "mmr": text((imr / Decimal::TWO).round_dp(8)), "borrowFroz": "0",
            "mgnRatio": "", "notionalUsd": "", "notionalUsdForBorrow": "0", "notionalUsdForSwap": "",
            "notionalUsdForFutures": "", "notionalUsdForOption": "", "upl": text(upl.round_dp(8)),
            "details": []
        })
    }

    /// `GET /api/v5/account/balance`.
    pub(crate) fn balance_json(&self, acct: usize, ccys: &str) -> Value {
        let wanted: Vec<&str> = ccys.split(',').filter(|c| !c.is_empty()).collect();
        let details: Vec<Value> = self.accounts[acct]
            .balances
            .keys()
            .filter(|c| wanted.is_empty() || wanted.contains(&c.as_str()))
            .map(|c| self.balance_detail(acct, c))
            .collect();
        let mut summary = self.balance_summary(acct);
        summary["details"] = Value::Array(details);
        summary
    }

    /// A position in the shape of `account/positions` and the `positions`
    /// channel.
    pub(crate) fn position_json(&self, acct: usize, p: &Position) -> Value {
        let (upl, imr) = self.upl_imr(p);
        let terms = self.terms_of(p);
        let settle = terms.as_ref().map(|t| t.settle.clone()).unwrap_or_default();
        let mark = self.mark(&p.inst_id);
        let margin_base = if p.avg_px.is_zero() {
            Decimal::ZERO
        } else {
            imr
        };
        let ratio = if margin_base.is_zero() {
            Decimal::ZERO
        } else {
            (upl / margin_base).round_dp(8)
        };
        let _ = acct;
        json!({
            "instType": p.kind.as_str(), "mgnMode": p.mgn_mode, "posId": p.pos_id.to_string(),
            "posSide": p.pos_side, "pos": text(p.pos), "baseBal": "", "quoteBal": "", "baseBorrowed": "",
            "baseInterest": "", "quoteBorrowed": "", "quoteInterest": "", "posCcy": "",
            "availPos": text(p.pos.abs()), "avgPx": text(p.avg_px), "upl": text(upl),
            "uplRatio": text(ratio), "uplLastPx": text(upl), "uplRatioLastPx": text(ratio),
            "instId": p.inst_id, "lever": p.lever.to_string(), "liqPx": "", "markPx": text(mark),
            "imr": text(imr), "margin": if p.mgn_mode == "isolated" { text(imr) } else { String::new() },
            "mgnRatio": "", "mmr": text((imr / Decimal::TWO).round_dp(12)), "liab": "", "liabCcy": "",
            "interest": "0", "tradeId": p.trade_id, "notionalUsd": "", "optVal": "", "pendingCloseOrdLiabVal": "",
            "adl": "1", "bizRefId": "", "bizRefType": "", "ccy": settle, "last": text(mark),
            "idxPx": text(mark), "usdPx": "", "bePx": "", "deltaBS": "", "deltaPA": "", "gammaBS": "",
            "gammaPA": "", "thetaBS": "", "thetaPA": "", "vegaBS": "", "vegaPA": "", "spotInUseAmt": "",
            "spotInUseCcy": "", "clSpotInUseAmt": "", "maxSpotInUseAmt": "", "realizedPnl": text(p.realized_pnl),
            "pnl": text(p.realized_pnl), "fee": text(p.fee), "fundingFee": "0", "liqPenalty": "0",
            "closeOrderAlgo": [], "cTime": p.c_time.to_string(), "uTime": p.u_time.to_string(),
            "pTime": p.u_time.to_string(), "nonSettleAvgPx": "", "settledPnl": ""
        })
    }

    /// A position row of `balance_and_position`.
    pub(crate) fn balpos_position(&self, p: &Position) -> Value {
        let ccy = self.terms_of(p).map(|t| t.settle).unwrap_or_default();
        json!({"posId": p.pos_id.to_string(), "tradeId": p.trade_id, "instId": p.inst_id,
            "instType": p.kind.as_str(), "mgnMode": p.mgn_mode, "posSide": p.pos_side,
            "pos": text(p.pos), "ccy": ccy, "posCcy": "", "avgPx": text(p.avg_px),
            "nonSettleAvgPx": "", "settledPnl": "", "uTime": p.u_time.to_string()})
    }

    /// Open positions of an account (`account/positions`).
    pub(crate) fn positions_json(&self, acct: usize, inst_type: &str, inst_id: &str) -> Vec<Value> {
        self.accounts[acct]
            .positions
            .iter()
            .filter(|p| !p.pos.is_zero())
            .filter(|p| inst_type.is_empty() || p.kind.as_str() == inst_type)
            .filter(|p| inst_id.is_empty() || inst_id.split(',').any(|i| i == p.inst_id))
            .map(|p| self.position_json(acct, p))
            .collect()
    }

    /// `account/max-size`: the largest buy and sell an order could have now.
    pub(crate) fn max_size(
        &self,
        acct: usize,
        inst_id: &str,
        td_mode: &str,
        px: Option<Decimal>,
    ) -> Option<Value> {
        let spec = self.spec_for(inst_id, td_mode)?;
        let terms = Terms::of(spec);
        let market = self.markets.get(inst_id)?;
        let px = px.unwrap_or_else(|| market.fair_px());
        let lot = spec.lot_sz;
        let floor = |v: Decimal| {
            if lot.is_zero() {
                v
            } else {
                (v / lot).floor() * lot
            }
        };
        let (buy, sell, ccy) = match spec.kind {
            Kind::Spot | Kind::Margin => {
                let lever = if spec.kind == Kind::Margin {
                    Decimal::from(self.accounts[acct].lever_of(inst_id))
                } else {
                    Decimal::ONE
                };
                let quote = self.available(acct, &terms.quote) * lever;
                let base = self.available(acct, &terms.base) * lever;
                (
                    if px.is_zero() {
                        Decimal::ZERO
                    } else {
                        floor(quote / px)
                    },
                    floor(base),
                    terms.base.clone(),
                )
            }
            _ => {
                let unit = terms.margin(Decimal::ONE, px, self.accounts[acct].lever_of(inst_id));
                let avail = self.available(acct, &terms.settle);
                let n = if unit.is_zero() {
                    Decimal::ZERO
                } else {
                    floor(avail / unit)
                };
                (n, n, terms.settle.clone())
            }
        };
        Some(
            json!({"ccy": ccy, "instId": inst_id, "maxBuy": text(buy.max(Decimal::ZERO)), "maxSell": text(sell.max(Decimal::ZERO))}),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::page;

    #[test]
    fn paging_is_newest_first_with_exclusive_cursors() {
        let rows: Vec<(u64, u64)> = (1..=250).map(|i| (i, i)).collect();
        assert_eq!(page(rows.clone(), "", "", "")[0], 250);
        assert_eq!(page(rows.clone(), "", "", "").len(), 100);
        assert_eq!(page(rows.clone(), "151", "", "")[0], 150);
        assert_eq!(
            page(rows.clone(), "", "10", "5"),
            vec![250, 249, 248, 247, 246]
        );
        assert_eq!(
            page(rows.clone(), "51", "10", ""),
            (11..=50).rev().collect::<Vec<_>>()
        );
        assert!(page(rows, "11", "10", "").is_empty());
    }
}
