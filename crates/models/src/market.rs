//! Market data: tickers, book levels, order books, candles and public trades.

use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::enums::{InstType, Side};
use crate::ids::InstId;

/// A ticker (`GET /api/v5/market/ticker(s)`, WS `tickers`).
///
/// Docs: <https://www.okx.com/docs-v5/en/#order-book-trading-market-data-get-ticker>
///
/// ```json
/// {"instType":"SPOT","instId":"BTC-USDT","last":"43000.1","lastSz":"0.01","askPx":"43000.2",
///  "askSz":"1.2","bidPx":"43000.1","bidSz":"0.5","open24h":"42000","high24h":"43500",
///  "low24h":"41800","volCcy24h":"123456789.1","vol24h":"2870.5","sodUtc0":"42500",
///  "sodUtc8":"42300","ts":"1597026383085"}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Ticker {
    /// Instrument type.
    #[serde(default, with = "crate::wire::opt")]
    pub inst_type: Option<InstType>,
    /// Instrument id.
    pub inst_id: InstId,
    /// Last traded price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub last: Option<Decimal>,
    /// Last traded size.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub last_sz: Option<Decimal>,
    /// Best ask price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub ask_px: Option<Decimal>,
    /// Best ask size.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub ask_sz: Option<Decimal>,
    /// Best bid price.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub bid_px: Option<Decimal>,
    /// Best bid size.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub bid_sz: Option<Decimal>,
    /// Open price 24 hours ago.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub open_24h: Option<Decimal>,
    /// Highest price in the last 24 hours.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub high_24h: Option<Decimal>,
    /// Lowest price in the last 24 hours.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub low_24h: Option<Decimal>,
    /// 24h volume in currency (quote for SPOT, base for derivatives).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub vol_ccy_24h: Option<Decimal>,
    /// 24h volume (base for SPOT, contracts for derivatives).
    #[serde(default, with = "crate::num::opt_decimal")]
    pub vol_24h: Option<Decimal>,
    /// Open price at 00:00 UTC.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub sod_utc0: Option<Decimal>,
    /// Open price at 00:00 UTC+8.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub sod_utc8: Option<Decimal>,
    /// Data time, Unix ms.
    #[serde(with = "crate::num::int")]
    pub ts: i64,
}

crate::fast::fast_row! {
    Ticker {
        inst_type: "instType" => default(crate::wire::opt::deserialize),
        inst_id: "instId" => required(InstId::deserialize),
        last: "last" => default(opt_decimal),
        last_sz: "lastSz" => default(opt_decimal),
        ask_px: "askPx" => default(opt_decimal),
        ask_sz: "askSz" => default(opt_decimal),
        bid_px: "bidPx" => default(opt_decimal),
        bid_sz: "bidSz" => default(opt_decimal),
        open_24h: "open24h" => default(opt_decimal),
        high_24h: "high24h" => default(opt_decimal),
        low_24h: "low24h" => default(opt_decimal),
        sod_utc0: "sodUtc0" => default(opt_decimal),
        sod_utc8: "sodUtc8" => default(opt_decimal),
        vol_ccy_24h: "volCcy24h" => default(opt_decimal),
        vol_24h: "vol24h" => default(opt_decimal),
        ts: "ts" => required(int),
    }
}

/// One book level, the 4-element string array `[px, sz, "0", numOrders]`.
///
/// The third element is a deprecated liquidation count, always `"0"`; it is
/// read and dropped. Spread books send the 3-element form `[px, sz, numOrders]`,
/// which is read too. Price and size keep the received scale, which the book
/// checksum depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BookLevel {
    /// Price.
    pub px: Decimal,
    /// Size (contracts for derivatives, base currency for SPOT/MARGIN); `0` deletes the level.
    pub sz: Decimal,
    /// Number of orders at this price, when sent.
    pub num_orders: Option<i64>,
}

impl Serialize for BookLevel {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(4))?;
        seq.serialize_element(&DecimalText(&self.px))?;
        seq.serialize_element(&DecimalText(&self.sz))?;
        seq.serialize_element("0")?;
        match self.num_orders {
            Some(n) => seq.serialize_element(&IntText(n))?,
            None => seq.serialize_element("")?,
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for BookLevel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = BookLevel;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a book level [px, sz, \"0\", numOrders]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<BookLevel, A::Error> {
                let px = next_decimal(&mut seq, 0)?;
                let sz = next_decimal(&mut seq, 1)?;
                let third = seq.next_element::<OptInt>()?.map(|v| v.0);
                let fourth = seq.next_element::<OptInt>()?.map(|v| v.0);
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                // 4 elements: the count is last; 3 elements (spread books): the count is third
                let num_orders = match fourth {
                    Some(n) => n,
                    None => third.flatten(),
                };
                Ok(BookLevel { px, sz, num_orders })
            }
        }
        d.deserialize_seq(V)
    }
}

/// An order book (`GET /api/v5/market/books` data item, and the data item of
/// WS book channels).
///
/// ```json
/// {"asks":[["41006.8","0.60038921","0","1"]],"bids":[["41006.3","0.30178218","0","2"]],
///  "ts":"1629966436396"}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OrderBook {
    /// Asks, best (lowest) first.
    #[serde(default)]
    pub asks: Vec<BookLevel>,
    /// Bids, best (highest) first.
    #[serde(default)]
    pub bids: Vec<BookLevel>,
    /// Book time, Unix ms.
    #[serde(with = "crate::num::int")]
    pub ts: i64,
    /// Instrument id (only in some WS pushes, e.g. `books5`).
    #[serde(
        default,
        with = "crate::wire::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub inst_id: Option<InstId>,
    /// CRC32 checksum of the top 25 levels, signed (WS `books`, `books-l2-tbt`, ...).
    #[serde(
        default,
        with = "crate::num::opt_int_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub checksum: Option<i64>,
    /// Sequence id of this push (WS).
    #[serde(
        default,
        with = "crate::num::opt_int_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub seq_id: Option<i64>,
    /// Sequence id of the previous push; `-1` on a snapshot (WS).
    #[serde(
        default,
        with = "crate::num::opt_int_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub prev_seq_id: Option<i64>,
}

/// A candle: `[ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]`, or the
/// 6-element form `[ts, o, h, l, c, confirm]` of index and mark-price candles.
///
/// Serializes back to the form it was read from: 9 elements when any volume is
/// present, else 6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Candle {
    /// Open time, Unix ms.
    pub ts: i64,
    /// Open.
    pub o: Decimal,
    /// High.
    pub h: Decimal,
    /// Low.
    pub l: Decimal,
    /// Close.
    pub c: Decimal,
    /// Volume (contracts for derivatives, base for SPOT/MARGIN); absent on index/mark candles.
    pub vol: Option<Decimal>,
    /// Volume in currency (base for derivatives, quote for SPOT/MARGIN).
    pub vol_ccy: Option<Decimal>,
    /// Volume in quote currency.
    pub vol_ccy_quote: Option<Decimal>,
    /// Whether the candle is closed (`"1"`) or still forming (`"0"`).
    pub confirm: bool,
}

impl Candle {
    /// A closed candle with these prices and no volumes (an index or
    /// mark-price candle); set the volumes and `confirm` as needed.
    pub fn new(ts: i64, o: Decimal, h: Decimal, l: Decimal, c: Decimal) -> Self {
        Self {
            ts,
            o,
            h,
            l,
            c,
            vol: None,
            vol_ccy: None,
            vol_ccy_quote: None,
            confirm: true,
        }
    }
}

impl Serialize for Candle {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let with_volume =
            self.vol.is_some() || self.vol_ccy.is_some() || self.vol_ccy_quote.is_some();
        let mut seq = s.serialize_seq(Some(if with_volume { 9 } else { 6 }))?;
        seq.serialize_element(&IntText(self.ts))?;
        for v in [&self.o, &self.h, &self.l, &self.c] {
            seq.serialize_element(&DecimalText(v))?;
        }
        if with_volume {
            for v in [&self.vol, &self.vol_ccy, &self.vol_ccy_quote] {
                match v {
                    Some(d) => seq.serialize_element(&DecimalText(d))?,
                    None => seq.serialize_element("")?,
                }
            }
        }
        seq.serialize_element(if self.confirm { "1" } else { "0" })?;
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Candle {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Candle;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a candle array of 6 or 9 elements")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Candle, A::Error> {
                let ts = seq
                    .next_element::<OptInt>()?
                    .and_then(|v| v.0)
                    .ok_or_else(|| de::Error::custom("candle has no timestamp"))?;
                let o = next_decimal(&mut seq, 1)?;
                let h = next_decimal(&mut seq, 2)?;
                let l = next_decimal(&mut seq, 3)?;
                let c = next_decimal(&mut seq, 4)?;
                let mut rest: [Option<OptDecimal>; 4] = [None, None, None, None];
                let mut len = 5;
                for slot in &mut rest {
                    match seq.next_element::<OptDecimal>()? {
                        Some(v) => {
                            *slot = Some(v);
                            len += 1;
                        }
                        None => break,
                    }
                }
                while seq.next_element::<de::IgnoredAny>()?.is_some() {
                    len += 1;
                }
                let flag = |v: Option<Decimal>| match v {
                    Some(d) if d == Decimal::ONE => Ok(true),
                    Some(d) if d.is_zero() => Ok(false),
                    _ => Err(de::Error::custom("candle confirm must be \"0\" or \"1\"")),
                };
                let val = |i: usize| rest[i].and_then(|v| v.0);
                let (vol, vol_ccy, vol_ccy_quote, confirm) = match len {
                    6 => (None, None, None, flag(val(0))?),
                    l if l >= 9 => (val(0), val(1), val(2), flag(val(3))?),
                    other => {
                        return Err(de::Error::custom(format_args!(
                            "candle has {other} elements, expected 6 or 9"
                        )));
                    }
                };
                Ok(Candle {
                    ts,
                    o,
                    h,
                    l,
                    c,
                    vol,
                    vol_ccy,
                    vol_ccy_quote,
                    confirm,
                })
            }
        }
        d.deserialize_seq(V)
    }
}

/// A public trade (`GET /api/v5/market/trades`, WS `trades`, `trades-all`).
///
/// ```json
/// {"instId":"BTC-USDT","tradeId":"242720720","px":"30170.6","sz":"0.001","side":"buy",
///  "ts":"1654161646974"}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Trade {
    /// Instrument id.
    pub inst_id: InstId,
    /// Trade id.
    pub trade_id: String,
    /// Price.
    #[serde(with = "crate::num::decimal")]
    pub px: Decimal,
    /// Size.
    #[serde(with = "crate::num::decimal")]
    pub sz: Decimal,
    /// Taker side.
    pub side: Side,
    /// Trade time, Unix ms.
    #[serde(with = "crate::num::int")]
    pub ts: i64,
    /// Number of trades aggregated into this one (WS `trades`).
    #[serde(
        default,
        with = "crate::num::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub count: Option<i64>,
    /// Sequence id (WS `trades`).
    #[serde(
        default,
        with = "crate::num::opt_int_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub seq_id: Option<i64>,
}

crate::fast::fast_row! {
    Trade {
        inst_id: "instId" => required(InstId::deserialize),
        trade_id: "tradeId" => required(string),
        px: "px" => required(decimal),
        sz: "sz" => required(decimal),
        side: "side" => required(Side::deserialize),
        ts: "ts" => required(int),
        count: "count" => default(opt_int),
        seq_id: "seqId" => default(crate::num::opt_int_number::deserialize),
    }
}

/// Writes a decimal as a JSON string without an intermediate allocation.
struct DecimalText<'a>(&'a Decimal);

impl Serialize for DecimalText<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self.0)
    }
}

struct IntText(i64);

impl Serialize for IntText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// An array element read through [`crate::num::opt_decimal`].
#[derive(Clone, Copy)]
struct OptDecimal(Option<Decimal>);

impl<'de> Deserialize<'de> for OptDecimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::num::opt_decimal::deserialize(d).map(Self)
    }
}

/// An array element read through [`crate::num::opt_int`].
struct OptInt(Option<i64>);

impl<'de> Deserialize<'de> for OptInt {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::num::opt_int::deserialize(d).map(Self)
    }
}

fn next_decimal<'de, A: SeqAccess<'de>>(seq: &mut A, index: usize) -> Result<Decimal, A::Error> {
    seq.next_element::<OptDecimal>()?
        .and_then(|v| v.0)
        .ok_or_else(|| de::Error::custom(format_args!("missing number at position {index}")))
}
