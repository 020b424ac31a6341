//! The instrument cache: what the account trades, with `instIdCode`
//! (WebSocket orders need it), tick, lot, minimum size and contract value,
//! loaded over REST and kept current from the `instruments` channel. It is
//! where prices and sizes are rounded and orders checked before they go
//! out, like ccxt's `load_markets` and `price_to_precision`.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use okx_models::trade::OrderRequest;
use okx_models::{InstState, InstType, Instrument, OrdType, TgtCcy};
use rust_decimal::Decimal;

/// Why an order does not fit its instrument.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    /// The instrument is not in the cache (not loaded, or not listed).
    #[error("unknown instrument {0}: load its type first")]
    Unknown(String),
    /// It is listed but does not trade now.
    #[error("{inst_id} is {state}, not live")]
    NotLive {
        /// Instrument.
        inst_id: String,
        /// Its state.
        state: String,
    },
    /// The price is not a multiple of the tick size.
    #[error("price {px} of {inst_id} is not a multiple of the tick size {tick}")]
    Tick {
        /// Instrument.
        inst_id: String,
        /// The price.
        px: Decimal,
        /// Its tick size.
        tick: Decimal,
    },
    /// The size does not fit the lot or minimum size.
    #[error("{inst_id}: {source}")]
    Size {
        /// Instrument.
        inst_id: String,
        /// What is wrong with it.
        #[source]
        source: okx_models::SizeError,
    },
    /// A limit-type order without a price.
    #[error("a {0} order needs a price")]
    NoPrice(String),
}

/// How to round a price onto the tick grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// The nearest tick.
    Nearest,
    /// Down (a buy that must not pay more).
    Down,
    /// Up (a sell that must not get less).
    Up,
}

#[derive(Debug, Default)]
struct Map {
    by_id: HashMap<String, Instrument>,
}

/// The cache. Cloning shares it.
#[derive(Debug, Clone, Default)]
pub struct Instruments {
    map: Arc<RwLock<Map>>,
}

impl Instruments {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, Map> {
        self.map.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Map> {
        self.map.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes instruments (a REST answer or an `instruments` push); returns
    /// the `instIdCode`s among them, for the WebSocket order map. A SPOT
    /// pair and its MARGIN twin share one entry (same book, same rules).
    pub fn load(&self, list: &[Instrument]) -> Vec<(String, i64)> {
        let mut map = self.write();
        let mut codes = Vec::new();
        for inst in list {
            let id = inst.inst_id.to_string();
            if let Some(code) = inst.inst_id_code {
                codes.push((id.clone(), code));
            }
            let keep_spot = inst.inst_type == InstType::Margin
                && map
                    .by_id
                    .get(&id)
                    .is_some_and(|i| i.inst_type == InstType::Spot);
            if !keep_spot {
                map.by_id.insert(id, inst.clone());
            }
        }
        codes
    }

    /// One instrument.
    pub fn get(&self, inst_id: &str) -> Option<Instrument> {
        self.read().by_id.get(inst_id).cloned()
    }

    /// Its `instIdCode`.
    pub fn code(&self, inst_id: &str) -> Option<i64> {
        self.read().by_id.get(inst_id).and_then(|i| i.inst_id_code)
    }

    /// How many instruments are cached.
    pub fn len(&self) -> usize {
        self.read().by_id.len()
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A price on the instrument's tick grid.
    pub fn round_price(
        &self,
        inst_id: &str,
        px: Decimal,
        how: Rounding,
    ) -> Result<Decimal, CheckError> {
        let inst = self
            .get(inst_id)
            .ok_or_else(|| CheckError::Unknown(inst_id.to_owned()))?;
        Ok(match how {
            Rounding::Nearest => inst.round_price(px),
            Rounding::Down => inst.floor_price(px),
            Rounding::Up => inst.ceil_price(px),
        })
    }

    /// A size rounded down to the lot size.
    pub fn round_size(&self, inst_id: &str, sz: Decimal) -> Result<Decimal, CheckError> {
        let inst = self
            .get(inst_id)
            .ok_or_else(|| CheckError::Unknown(inst_id.to_owned()))?;
        Ok(inst.round_size(sz))
    }

    /// Checks an order against its instrument: listed and live, a price on
    /// the tick grid where a price is needed, a size that fits the lot and
    /// minimum (except a SPOT market order sized in the quote currency).
    pub fn check(&self, order: &OrderRequest) -> Result<(), CheckError> {
        let id = order.inst_id.as_str();
        let inst = self
            .get(id)
            .ok_or_else(|| CheckError::Unknown(id.to_owned()))?;
        if inst.state != InstState::Live {
            return Err(CheckError::NotLive {
                inst_id: id.to_owned(),
                state: inst.state.to_string(),
            });
        }
        let needs_px = !matches!(order.ord_type, OrdType::Market | OrdType::OptimalLimitIoc);
        match order.px {
            None if needs_px && order.px_usd.is_none() && order.px_vol.is_none() => {
                return Err(CheckError::NoPrice(order.ord_type.to_string()));
            }
            Some(px) => {
                if let Some(tick) = inst.tick_sz.filter(|t| *t > Decimal::ZERO)
                    && px.checked_rem(tick).is_none_or(|r| !r.is_zero())
                {
                    return Err(CheckError::Tick {
                        inst_id: id.to_owned(),
                        px,
                        tick,
                    });
                }
            }
            None => {}
        }
        let spot_like = matches!(inst.inst_type, InstType::Spot | InstType::Margin);
        let quote_sized = order.ord_type == OrdType::Market
            && spot_like
            && match &order.tgt_ccy {
                Some(t) => *t == TgtCcy::QuoteCcy,
                None => order.side == okx_models::Side::Buy,
            };
        if !quote_sized {
            inst.check_size(order.sz)
                .map_err(|source| CheckError::Size {
                    inst_id: id.to_owned(),
                    source,
                })?;
        }
        Ok(())
    }
}
