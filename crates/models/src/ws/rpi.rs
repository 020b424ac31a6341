//! The `books-rpi` channel: the book with retail-price-improvement orders,
//! whose levels carry two sizes.

use std::borrow::Cow;
use std::fmt;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

/// One level of `books-rpi`: `[px, totalQty, nonRpiQty, count]`.
///
/// Where the other book channels send a deprecated `"0"` third element,
/// this one sends the size that is not RPI, so the RPI part of a level is
/// `total_qty - non_rpi_qty` (only API takers with `rpiTakerAccess` reach it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RpiLevel {
    /// Price.
    pub px: Decimal,
    /// Size at this price, RPI orders included; `0` deletes the level.
    pub total_qty: Decimal,
    /// Size at this price from orders that are not RPI.
    pub non_rpi_qty: Decimal,
    /// Number of orders at this price.
    pub count: Option<i64>,
}

impl RpiLevel {
    /// The size only RPI-access takers can reach.
    pub fn rpi_qty(&self) -> Decimal {
        self.total_qty - self.non_rpi_qty
    }
}

impl<'de> Deserialize<'de> for RpiLevel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RpiLevel;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RPI book level [px, totalQty, nonRpiQty, count]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RpiLevel, A::Error> {
                let mut next = |i: usize| -> Result<Cow<'de, str>, A::Error> {
                    seq.next_element::<Cow<'de, str>>()?
                        .ok_or_else(|| de::Error::invalid_length(i, &"4 elements"))
                };
                let dec = |s: &str, what: &str| {
                    crate::num::parse_decimal(s)
                        .ok_or_else(|| de::Error::custom(format_args!("invalid {what} {s:?}")))
                };
                let px = dec(&next(0)?, "price")?;
                let total_qty = dec(&next(1)?, "totalQty")?;
                let non_rpi_qty = dec(&next(2)?, "nonRpiQty")?;
                let count = next(3)?;
                let count = if count.is_empty() {
                    None
                } else {
                    Some(count.parse().map_err(|_| {
                        de::Error::custom(format_args!("invalid order count {count:?}"))
                    })?)
                };
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(RpiLevel {
                    px,
                    total_qty,
                    non_rpi_qty,
                    count,
                })
            }
        }
        d.deserialize_seq(V)
    }
}

/// A `books-rpi` push row: a snapshot or an update like `books`, sequenced
/// by `seqId`/`prevSeqId`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RpiBookPush {
    /// Ask levels (ascending).
    #[serde(default)]
    pub asks: Vec<RpiLevel>,
    /// Bid levels (descending).
    #[serde(default)]
    pub bids: Vec<RpiLevel>,
    /// Data time, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub ts: Option<i64>,
    /// Checksum (0: not provided).
    #[serde(default)]
    pub checksum: Option<i64>,
    /// Sequence id of this push.
    #[serde(default)]
    pub seq_id: Option<i64>,
    /// Sequence id of the previous push (-1 on a snapshot).
    #[serde(default)]
    pub prev_seq_id: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_keep_both_sizes() {
        let rows: Vec<RpiBookPush> = serde_json::from_str(
            r#"[{"asks":[["41006.8","1.5","0.4","3"]],"bids":[["41006.3","2","2",""]],"ts":"1629966436396","checksum":0,"prevSeqId":-1,"seqId":5}]"#,
        )
        .unwrap();
        let ask = rows[0].asks[0];
        assert_eq!(ask.total_qty.to_string(), "1.5");
        assert_eq!(ask.non_rpi_qty.to_string(), "0.4");
        assert_eq!(ask.rpi_qty().to_string(), "1.1");
        assert_eq!(ask.count, Some(3));
        assert_eq!(rows[0].bids[0].count, None);
        assert_eq!((rows[0].prev_seq_id, rows[0].seq_id), (Some(-1), Some(5)));
    }

    #[test]
    fn a_bad_level_is_an_error() {
        assert!(serde_json::from_str::<RpiLevel>(r#"["1","x","0","1"]"#).is_err());
        assert!(serde_json::from_str::<RpiLevel>(r#"["1","2"]"#).is_err());
    }
}
