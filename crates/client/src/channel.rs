//! Typed subscriptions: `Channel::books("BTC-USDT")` rather than
//! `Arg::new("books").inst_id("BTC-USDT")`. [`Channel::raw`] remains for
//! what OKX adds tomorrow.

use okx_models::InstType;
use okx_ws::Arg;

/// A candle bar size (OKX's names; the `utc` forms align to UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Bar {
    /// 1 second.
    S1,
    /// 1 minute.
    M1,
    /// 3 minutes.
    M3,
    /// 5 minutes.
    M5,
    /// 15 minutes.
    M15,
    /// 30 minutes.
    M30,
    /// 1 hour.
    H1,
    /// 2 hours.
    H2,
    /// 4 hours.
    H4,
    /// 6 hours (Hong Kong time).
    H6,
    /// 12 hours (Hong Kong time).
    H12,
    /// 1 day (Hong Kong time).
    D1,
    /// 1 week (Hong Kong time).
    W1,
    /// 1 month (Hong Kong time).
    Mo1,
    /// 6 hours, UTC.
    H6Utc,
    /// 12 hours, UTC.
    H12Utc,
    /// 1 day, UTC.
    D1Utc,
    /// 1 week, UTC.
    W1Utc,
    /// 1 month, UTC.
    Mo1Utc,
}

impl Bar {
    /// OKX's name (`1m`, `1H`, `1Dutc`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Bar::S1 => "1s",
            Bar::M1 => "1m",
            Bar::M3 => "3m",
            Bar::M5 => "5m",
            Bar::M15 => "15m",
            Bar::M30 => "30m",
            Bar::H1 => "1H",
            Bar::H2 => "2H",
            Bar::H4 => "4H",
            Bar::H6 => "6H",
            Bar::H12 => "12H",
            Bar::D1 => "1D",
            Bar::W1 => "1W",
            Bar::Mo1 => "1M",
            Bar::H6Utc => "6Hutc",
            Bar::H12Utc => "12Hutc",
            Bar::D1Utc => "1Dutc",
            Bar::W1Utc => "1Wutc",
            Bar::Mo1Utc => "1Mutc",
        }
    }
}

/// One WebSocket subscription.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Channel(Arg);

impl Channel {
    fn inst(channel: &str, inst_id: &str) -> Self {
        Channel(Arg::new(channel).inst_id(inst_id))
    }

    /// `books`: 400 levels, a snapshot then updates every 100 ms; the
    /// client keeps the local book.
    pub fn books(inst_id: &str) -> Self {
        Self::inst("books", inst_id)
    }

    /// `books5`: the top 5 levels, whole, every 100 ms.
    pub fn books5(inst_id: &str) -> Self {
        Self::inst("books5", inst_id)
    }

    /// `bbo-tbt`: best bid and offer, tick by tick.
    pub fn bbo_tbt(inst_id: &str) -> Self {
        Self::inst("bbo-tbt", inst_id)
    }

    /// `books50-l2-tbt`: 50 levels tick by tick (VIP4+, login needed).
    pub fn books50_l2_tbt(inst_id: &str) -> Self {
        Self::inst("books50-l2-tbt", inst_id)
    }

    /// `books-l2-tbt`: 400 levels tick by tick (VIP4+, login needed).
    pub fn books_l2_tbt(inst_id: &str) -> Self {
        Self::inst("books-l2-tbt", inst_id)
    }

    /// `tickers`.
    pub fn tickers(inst_id: &str) -> Self {
        Self::inst("tickers", inst_id)
    }

    /// `trades`: aggregated per taker order and price.
    pub fn trades(inst_id: &str) -> Self {
        Self::inst("trades", inst_id)
    }

    /// `trades-all`: every trade (business endpoint).
    pub fn trades_all(inst_id: &str) -> Self {
        Self::inst("trades-all", inst_id)
    }

    /// `candle{bar}` (business endpoint).
    pub fn candles(bar: Bar, inst_id: &str) -> Self {
        Self::inst(&format!("candle{}", bar.as_str()), inst_id)
    }

    /// `mark-price`.
    pub fn mark_price(inst_id: &str) -> Self {
        Self::inst("mark-price", inst_id)
    }

    /// `funding-rate`.
    pub fn funding_rate(inst_id: &str) -> Self {
        Self::inst("funding-rate", inst_id)
    }

    /// `instruments` of one type: listings, delistings and changes.
    pub fn instruments(inst_type: InstType) -> Self {
        Channel(Arg::new("instruments").inst_type(inst_type.to_string()))
    }

    /// `orders` of one instrument type (`InstType::Any` for all).
    pub fn orders(inst_type: InstType) -> Self {
        Channel(Arg::new("orders").inst_type(inst_type.to_string()))
    }

    /// `orders-algo` of one instrument type (business endpoint).
    pub fn algo_orders(inst_type: InstType) -> Self {
        Channel(Arg::new("orders-algo").inst_type(inst_type.to_string()))
    }

    /// `positions` of one instrument type.
    pub fn positions(inst_type: InstType) -> Self {
        Channel(Arg::new("positions").inst_type(inst_type.to_string()))
    }

    /// `account`: balances (all currencies).
    pub fn account() -> Self {
        Channel(Arg::new("account"))
    }

    /// `balance_and_position`: cash and position changes together.
    pub fn balance_and_position() -> Self {
        Channel(Arg::new("balance_and_position"))
    }

    /// `fills` (VIP tiers only at OKX; fills otherwise come from `orders`).
    pub fn fills() -> Self {
        Channel(Arg::new("fills"))
    }

    /// Any channel, spelled as OKX spells it.
    pub fn raw(arg: Arg) -> Self {
        Channel(arg)
    }

    /// The subscription argument.
    pub fn arg(&self) -> &Arg {
        &self.0
    }

    /// The channel name.
    pub fn name(&self) -> &str {
        &self.0.channel
    }

    pub(crate) fn into_arg(self) -> Arg {
        self.0
    }
}

impl From<Channel> for Arg {
    fn from(c: Channel) -> Arg {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_channels_spell_okx_args() {
        let b = Channel::books("BTC-USDT");
        assert_eq!(
            (b.name(), b.arg().inst_id.as_deref()),
            ("books", Some("BTC-USDT"))
        );
        assert_eq!(Channel::candles(Bar::H1, "ETH-USDT").name(), "candle1H");
        assert_eq!(
            Channel::candles(Bar::D1Utc, "ETH-USDT").name(),
            "candle1Dutc"
        );
        let o = Channel::orders(InstType::Any);
        assert_eq!(o.arg().inst_type.as_deref(), Some("ANY"));
        assert_eq!(
            Channel::positions(InstType::Swap)
                .arg()
                .inst_type
                .as_deref(),
            Some("SWAP")
        );
    }
}
