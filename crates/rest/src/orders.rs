//! Typed order entry that never duplicates an order.
//!
//! Every place carries a `clOrdId` (generated when the caller gives none)
//! and an `expTime` header. When the answer is lost (timeout, dropped
//! connection, gateway 5xx, OKX's own 50004/51149), the client asks OKX for
//! the order by `clOrdId` before it sends anything again. OKX keeps
//! `clOrdId`s unique only among live orders (a filled IOC's id can be used
//! again), so "not found" is trusted only once `expTime` has passed: after
//! that OKX can no longer act on the lost request.
//!
//! The requests are the SDK's one order vocabulary,
//! [`okx_models::trade`]; this module holds the rate-limit rules, the ids
//! and the local checks. The methods that run the protocol are on
//! [`RestClient`](crate::RestClient): `place`, `place_for`, `place_many`,
//! `amend`, `cancel` and `get_order`.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use okx_models::trade::OrderRequest;
use okx_models::wire::WireStr;
use okx_models::{ClOrdId, Instrument, TgtCcy};
use rust_decimal::Decimal;

use crate::error::Invalid;
use crate::request::{Applies, ExtraLimit, LimitScope, LimitUnit, RateLimit};

/// OKX's largest batch.
pub const MAX_BATCH: usize = 20;

pub(crate) const PER_INSTRUMENT: RateLimit = RateLimit {
    count: 60,
    window_ms: 2000,
    unit: LimitUnit::Requests,
    scope: LimitScope::UidInstIdOrFamily,
};

/// Lead traders' limit on lead instruments for place and amend: 4
/// requests per 2 s per instrument.
pub(crate) const LEAD_REQUESTS: &[ExtraLimit] = &[ExtraLimit {
    limit: RateLimit {
        count: 4,
        window_ms: 2000,
        unit: LimitUnit::Requests,
        scope: LimitScope::UidInstIdOrFamily,
    },
    applies: Applies::LeadTrader,
}];

/// The same for batch place: 4 orders per 2 s per instrument.
pub(crate) const LEAD_ORDERS: &[ExtraLimit] = &[ExtraLimit {
    limit: RateLimit {
        count: 4,
        window_ms: 2000,
        unit: LimitUnit::Orders,
        scope: LimitScope::UidInstIdOrFamily,
    },
    applies: Applies::LeadTrader,
}];

/// A fresh `clOrdId`: the time the process first made one and the process
/// id, then a process counter, in base 36, so ids differ across calls,
/// clients and restarts. The prefix is made once: valuing the time in
/// base 36 (128-bit divisions) cost more than the rest of the id.
pub fn new_cl_ord_id() -> ClOrdId {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static PREFIX: OnceLock<String> = OnceLock::new();
    let prefix = PREFIX.get_or_init(|| {
        // Nanoseconds since 1970 fit 64 bits until the year 2554.
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        let mut prefix = String::with_capacity(32);
        prefix.push('r');
        push_base36(&mut prefix, nanos);
        push_base36(&mut prefix, u64::from(std::process::id()));
        prefix
    });
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut id = String::with_capacity(32);
    id.push_str(prefix);
    push_base36(&mut id, n);
    id.truncate(32);
    // Letters and digits only, at most 32: valid by construction.
    ClOrdId::from_wire(&id)
}

fn push_base36(out: &mut String, mut v: u64) {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut buf = [0u8; 13];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = DIGITS[(v % 36) as usize];
        v /= 36;
        if v == 0 {
            break;
        }
    }
    out.extend(buf[i..].iter().map(|&b| char::from(b)));
}

/// The checks OKX would make that need no account state: a price where
/// the type needs one, a positive size and, with the instrument, the same
/// instrument and a whole number of lots. The `clOrdId` needs no check
/// here: [`ClOrdId`](okx_models::ClOrdId) holds only valid ones.
pub(crate) fn check(order: &OrderRequest, instrument: Option<&Instrument>) -> Result<(), Invalid> {
    let priced = order.px.is_some() || order.px_usd.is_some() || order.px_vol.is_some();
    if order.needs_price() && !priced {
        return Err(Invalid::MissingPrice(order.ord_type.as_str().to_owned()));
    }
    if order.sz <= Decimal::ZERO {
        return Err(Invalid::Size(order.sz.to_string()));
    }
    if let Some(inst) = instrument {
        if inst.inst_id != order.inst_id {
            return Err(Invalid::Instrument {
                order: order.inst_id.as_str().to_owned(),
                instrument: inst.inst_id.as_str().to_owned(),
            });
        }
        // Spot orders sized in quote currency are not counted in lots.
        let in_quote = order.tgt_ccy == Some(TgtCcy::QuoteCcy);
        let lot = inst.lot_sz.filter(|l| *l > Decimal::ZERO && !in_quote);
        if let Some(lot) = lot.filter(|lot| !(order.sz % *lot).is_zero()) {
            return Err(Invalid::LotSize {
                sz: order.sz.to_string(),
                lot_sz: lot.to_string(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use okx_models::Side;

    #[test]
    fn generated_ids_are_valid_and_distinct() {
        let ids: Vec<ClOrdId> = (0..10_000).map(|_| new_cl_ord_id()).collect();
        let distinct: std::collections::HashSet<&ClOrdId> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len());
        for id in &ids {
            ClOrdId::new(id.as_str()).expect("valid");
        }
        let digits = |v| {
            let mut s = String::new();
            push_base36(&mut s, v);
            s
        };
        assert_eq!(digits(0), "0");
        assert_eq!(digits(35), "z");
        assert_eq!(digits(36), "10");
        assert_eq!(digits(u64::MAX), "3w5e11264sgsf");
    }

    #[test]
    fn local_checks() {
        let one = Decimal::ONE;
        let mut o = OrderRequest::limit("BTC-USDT", Side::Buy, one, one);
        o.px = None;
        assert_eq!(check(&o, None), Err(Invalid::MissingPrice("limit".into())));
        o.px_usd = Some(one);
        assert_eq!(check(&o, None), Ok(()), "an option priced in USD");
        let o = OrderRequest::limit("BTC-USDT", Side::Buy, Decimal::ZERO, one);
        assert!(matches!(check(&o, None), Err(Invalid::Size(_))));
        let m = OrderRequest::market("BTC-USDT", Side::Buy, one);
        assert_eq!(check(&m, None), Ok(()));
    }
}
