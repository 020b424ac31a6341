//! The hot path: a push whose `arg` comes first (OKX always sends it so) is
//! decoded in one pass, its `data` read straight into the typed rows its
//! channel calls for as the parser reaches it.

use super::is_book_channel;
use crate::arg::Arg;
use crate::event::{Push, PushData};
use okx_models::BookAction;
use okx_models::wire::WireStr;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// Decodes the rows of `channel`; `None` (rows skipped) for a channel this
/// crate has no type for.
pub(crate) fn decode_rows<'de, D: Deserializer<'de>>(
    channel: &str,
    d: D,
) -> Result<Option<PushData>, D::Error> {
    fn v<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Vec<T>, D::Error> {
        Vec::<T>::deserialize(d)
    }
    let data = match channel {
        "tickers" => PushData::Tickers(v(d)?),
        "trades" | "trades-all" => PushData::Trades(v(d)?),
        // Its third level element is a size, not the deprecated "0".
        "books-rpi" => PushData::RpiBooks {
            action: None,
            rows: v(d)?,
        },
        c if is_book_channel(c) => PushData::Books {
            action: None,
            rows: v(d)?,
        },
        "sprd-bbo-tbt" | "sprd-books5" | "sprd-books-l2-tbt" => PushData::SprdBooks {
            action: None,
            rows: v(d)?,
        },
        c if c.starts_with("sprd-candle") => PushData::SprdCandles(v(d)?),
        c if c.starts_with("candle")
            || c.starts_with("mark-price-candle")
            || c.starts_with("index-candle") =>
        {
            PushData::Candles(v(d)?)
        }
        "mark-price" => PushData::MarkPrice(v(d)?),
        "index-tickers" => PushData::IndexTickers(v(d)?),
        "funding-rate" => PushData::FundingRate(v(d)?),
        "open-interest" => PushData::OpenInterest(v(d)?),
        "price-limit" => PushData::PriceLimit(v(d)?),
        "instruments" => PushData::Instruments(v(d)?),
        "liquidation-orders" => PushData::LiquidationOrders(v(d)?),
        "status" => PushData::Status(v(d)?),
        "orders" => PushData::Orders(v(d)?),
        "account" => PushData::Account(v(d)?),
        "positions" => PushData::Positions(v(d)?),
        "balance_and_position" => PushData::BalanceAndPosition(v(d)?),
        "fills" => PushData::Fills(v(d)?),
        "orders-algo" => PushData::AlgoOrders(v(d)?),
        "liquidation-warning" => PushData::LiquidationWarning(v(d)?),
        "account-greeks" => PushData::AccountGreeks(v(d)?),
        "algo-advance" => PushData::AlgoAdvance(v(d)?),
        "grid-orders-spot" => PushData::GridOrdersSpot(v(d)?),
        "grid-orders-contract" => PushData::GridOrdersContract(v(d)?),
        "grid-positions" => PushData::GridPositions(v(d)?),
        "grid-sub-orders" => PushData::GridSubOrders(v(d)?),
        "algo-recurring-buy" => PushData::AlgoRecurringBuy(v(d)?),
        "copytrading-lead-notification" => PushData::CopytradingLeadNotification(v(d)?),
        "option-trades" => PushData::OptionTrades(v(d)?),
        "call-auction-details" => PushData::CallAuctionDetails(v(d)?),
        "rfqs" => PushData::Rfqs(v(d)?),
        "quotes" => PushData::Quotes(v(d)?),
        "struc-block-trades" => PushData::StrucBlockTrades(v(d)?),
        "public-struc-block-trades" => PushData::PublicStrucBlockTrades(v(d)?),
        "public-block-trades" => PushData::PublicBlockTrades(v(d)?),
        "block-tickers" => PushData::BlockTickers(v(d)?),
        "sprd-orders" => PushData::SprdOrders(v(d)?),
        "sprd-trades" => PushData::SprdTrades(v(d)?),
        "sprd-public-trades" => PushData::SprdPublicTrades(v(d)?),
        "sprd-tickers" => PushData::SprdTickers(v(d)?),
        "opt-summary" => PushData::OptSummary(v(d)?),
        "estimated-price" => PushData::EstimatedPrice(v(d)?),
        "adl-warning" => PushData::AdlWarning(v(d)?),
        "economic-calendar" => PushData::EconomicCalendar(v(d)?),
        "deposit-info" => PushData::DepositInfo(v(d)?),
        "withdrawal-info" => PushData::WithdrawalInfo(v(d)?),
        "event-contract-markets" => PushData::EventContractMarkets(v(d)?),
        _ => {
            IgnoredAny::deserialize(d)?;
            return Ok(None);
        }
    };
    Ok(Some(data))
}

/// A key or short string, borrowed from the frame when it has no escapes.
struct Text<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

struct Rows<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for Rows<'_> {
    type Value = Option<PushData>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        decode_rows(self.0, d)
    }
}

/// What the single pass found.
pub(crate) enum Found {
    Push(Push),
    RawBook(Arg),
    Unknown(Arg),
}

struct PushVisitor {
    raw_books: bool,
}

impl<'de> Visitor<'de> for PushVisitor {
    type Value = Found;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a push frame with arg before data")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Found, A::Error> {
        let mut arg: Option<Arg> = None;
        let mut data: Option<PushData> = None;
        let (mut action, mut event_type, mut cur_page, mut last_page) = (None, None, None, None);
        let (mut seen_data, mut raw_book) = (false, false);
        while let Some(key) = map.next_key::<Text<'de>>()? {
            match key.0.as_ref() {
                "arg" => arg = Some(map.next_value()?),
                "data" => {
                    let Some(a) = &arg else {
                        return Err(de::Error::custom("data before arg"));
                    };
                    seen_data = true;
                    if self.raw_books && is_book_channel(&a.channel) {
                        map.next_value::<IgnoredAny>()?;
                        raw_book = true;
                    } else {
                        data = map.next_value_seed(Rows(&a.channel))?;
                    }
                }
                "action" => {
                    action = map
                        .next_value::<Option<Text<'de>>>()?
                        .map(|t| BookAction::from_wire(&t.0));
                }
                "eventType" => {
                    event_type = map
                        .next_value::<Option<Text<'de>>>()?
                        .map(|t| t.0.into_owned())
                }
                "curPage" => cur_page = map.next_value()?,
                "lastPage" => last_page = map.next_value()?,
                "event" | "op" => return Err(de::Error::custom("not a push")),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let (Some(arg), true) = (arg, seen_data) else {
            return Err(de::Error::custom("not a push"));
        };
        if raw_book {
            return Ok(Found::RawBook(arg));
        }
        let Some(mut data) = data else {
            return Ok(Found::Unknown(arg));
        };
        data.set_action(action);
        Ok(Found::Push(Push {
            arg,
            data,
            event_type,
            cur_page,
            last_page,
        }))
    }
}

/// Decodes a push in one pass; `None` when the frame is not a push with
/// `arg` first or does not decode (the general path then says why).
pub(crate) fn decode(text: &str, raw_books: bool) -> Option<Found> {
    if !text.starts_with("{\"arg\":") {
        return None;
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let found = de.deserialize_map(PushVisitor { raw_books }).ok()?;
    de.end().ok()?;
    Some(found)
}
