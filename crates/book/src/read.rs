//! Derived read access: spread, mid, cumulative size, cost to fill, copies.

use rust_decimal::Decimal;

use crate::{OrderBook, Side};

/// An owned copy of a level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    /// Price.
    pub price: Decimal,
    /// Size.
    pub size: Decimal,
    /// Number of orders.
    pub orders: u32,
    /// Price text as received.
    pub px: String,
    /// Size text as received.
    pub sz: String,
}

/// An owned copy of the top of a book.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TopOfBook {
    /// Best bids, best first.
    pub bids: Vec<Level>,
    /// Best asks, best first.
    pub asks: Vec<Level>,
}

/// The result of walking one side to fill a quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fill {
    /// How much could be filled (less than asked if the side ran out).
    pub filled: Decimal,
    /// Total price × size over the filled quantity.
    pub notional: Decimal,
    /// Volume-weighted average price of the filled quantity.
    pub vwap: Decimal,
    /// The last (worst) price touched.
    pub worst_price: Decimal,
    /// Number of levels touched.
    pub levels: usize,
}

impl Fill {
    /// `true` if the side had enough size for the whole quantity.
    pub fn is_complete(&self, qty: Decimal) -> bool {
        self.filled >= qty
    }
}

impl OrderBook {
    /// Best ask minus best bid (negative during a crossed call auction).
    pub fn spread(&self) -> Option<Decimal> {
        self.best_ask()?
            .price()
            .checked_sub(self.best_bid()?.price())
    }

    /// The midpoint of best bid and best ask.
    pub fn mid(&self) -> Option<Decimal> {
        let sum = self
            .best_ask()?
            .price()
            .checked_add(self.best_bid()?.price())?;
        sum.checked_div(Decimal::TWO).map(|m| m.normalize())
    }

    /// Total size of the best `levels` levels of a side (saturating).
    pub fn cumulative_size(&self, side: Side, levels: usize) -> Decimal {
        self.levels(side)
            .take(levels)
            .fold(Decimal::ZERO, |acc, l| acc.saturating_add(l.size()))
    }

    /// Walks a side from the best price to fill `qty`: use [`Side::Ask`] to
    /// price a buy and [`Side::Bid`] to price a sell. `None` if the side is
    /// empty, `qty` is not positive or the arithmetic overflows.
    pub fn fill(&self, side: Side, qty: Decimal) -> Option<Fill> {
        if qty <= Decimal::ZERO {
            return None;
        }
        let mut filled = Decimal::ZERO;
        let mut notional = Decimal::ZERO;
        let mut worst_price = None;
        let mut levels = 0;
        for level in self.levels(side) {
            if filled >= qty {
                break;
            }
            let price = level.price();
            let take = level.size().min(qty - filled);
            filled = filled.checked_add(take)?;
            notional = notional.checked_add(take.checked_mul(price)?)?;
            worst_price = Some(price);
            levels += 1;
        }
        let worst_price = worst_price?;
        Some(Fill {
            filled,
            notional,
            vwap: notional.checked_div(filled)?,
            worst_price,
            levels,
        })
    }

    /// An owned copy of the best `n` levels of each side.
    pub fn top(&self, n: usize) -> TopOfBook {
        let copy = |side| {
            self.levels(side)
                .take(n)
                .map(|l| Level {
                    price: l.price(),
                    size: l.size(),
                    orders: l.orders,
                    px: l.px.to_owned(),
                    sz: l.sz.to_owned(),
                })
                .collect()
        };
        TopOfBook {
            bids: copy(Side::Bid),
            asks: copy(Side::Ask),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    fn book() -> OrderBook {
        let mut book = OrderBook::new();
        book.apply_bytes(
            br#"{"arg":{"channel":"books","instId":"X"},"action":"snapshot","data":[{
            "bids":[["99","2","0","1"],["100","1","0","3"]],
            "asks":[["101","1.5","0","1"],["102.50","4","0","2"]]}]}"#,
        )
        .expect("snapshot");
        book
    }

    #[test]
    fn touch_spread_mid() {
        let book = book();
        assert_eq!(book.best_bid().map(|l| l.px), Some("100"));
        assert_eq!(book.best_ask().map(|l| (l.px, l.orders)), Some(("101", 1)));
        assert_eq!(book.spread(), Some(dec("1")));
        assert_eq!(book.mid(), Some(dec("100.5")));
        assert_eq!(book.cumulative_size(Side::Ask, 5), dec("5.5"));
        let top = book.top(1);
        assert_eq!(top.bids.len(), 1);
        assert_eq!(top.asks[0].size, dec("1.5"));
    }

    #[test]
    fn fill_walks_levels() {
        let book = book();
        let fill = book.fill(Side::Ask, dec("2.5")).expect("asks");
        assert_eq!(fill.filled, dec("2.5"));
        assert_eq!(fill.notional, dec("254"));
        assert_eq!(fill.worst_price, dec("102.5"));
        assert_eq!(fill.levels, 2);
        assert_eq!(fill.vwap, dec("101.6"));
        let short = book.fill(Side::Bid, dec("10")).expect("bids");
        assert!(!short.is_complete(dec("10")));
        assert_eq!(short.filled, dec("3"));
        assert_eq!(book.fill(Side::Bid, Decimal::ZERO), None);
    }
}
