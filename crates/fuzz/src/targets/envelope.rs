//! `envelope`: a REST body through the `{code,msg,data}` envelope into one
//! typed response. The input is `decoder name\nbody`; an unknown name picks
//! a decoder by its hash, so a mutated name still runs one.
//!
//! Checked: no panic in any decoder or in `api_error_from_body`; for the
//! core models, which are also written back, a decoded value written as
//! JSON and read again is the same value, scale of every decimal included.

use std::fmt::Debug;

use okx_models::{Envelope, api_error_from_body};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::ensure;
use crate::corpus;

/// A decoder by name: `(name, check)`.
type Decoder = (&'static str, fn(&[u8]) -> Result<(), String>);

include!(concat!(env!("OUT_DIR"), "/responses.rs"));

/// The core models, each checked to read back what it writes.
const CORE: &[Decoder] = &[
    ("core:Ticker", round_trip::<okx_models::Ticker>),
    ("core:Candle", round_trip::<okx_models::Candle>),
    ("core:Trade", round_trip::<okx_models::Trade>),
    ("core:OrderBook", round_trip::<okx_models::OrderBook>),
    ("core:Instrument", round_trip::<okx_models::Instrument>),
    ("core:Order", round_trip::<okx_models::Order>),
    ("core:Fill", round_trip::<okx_models::Fill>),
    ("core:Balance", round_trip::<okx_models::Balance>),
    ("core:Position", round_trip::<okx_models::Position>),
    ("core:ItemResult", round_trip::<okx_models::ItemResult>),
    ("core:MarkPrice", round_trip::<okx_models::ws::MarkPrice>),
    (
        "core:FundingRatePush",
        round_trip::<okx_models::ws::FundingRatePush>,
    ),
    ("core:BookPush", round_trip::<okx_models::ws::BookPush>),
    ("core:FillPush", round_trip::<okx_models::ws::FillPush>),
    (
        "core:BalanceAndPosition",
        round_trip::<okx_models::ws::BalanceAndPosition>,
    ),
    (
        "core:AlgoOrderPush",
        round_trip::<okx_models::ws::AlgoOrderPush>,
    ),
];

fn decode_only<T: DeserializeOwned + Debug>(body: &[u8]) -> Result<(), String> {
    if let Ok(env) = Envelope::<T>::from_slice(body) {
        // formatting walks every field
        let _ = format!("{env:?}");
        let _ = env.into_result();
    }
    Ok(())
}

fn round_trip<T: DeserializeOwned + Serialize + Debug>(body: &[u8]) -> Result<(), String> {
    let Ok(env) = Envelope::<T>::from_slice(body) else {
        return Ok(());
    };
    let written =
        serde_json::to_string(&env.data).map_err(|e| format!("cannot write back: {e}"))?;
    let again: Vec<T> = serde_json::from_str(&written)
        .map_err(|e| format!("cannot read back what was written: {e}\n{written}"))?;
    // `Decimal`'s `==` ignores the scale; `Debug` shows it.
    let (first, second) = (format!("{:?}", env.data), format!("{again:?}"));
    ensure(first == second, || {
        format!("read back differs:\n{first}\n{second}\n{written}")
    })
}

/// Every decoder: the REST responses, then the core models.
fn decoders() -> impl Iterator<Item = &'static Decoder> {
    RESPONSES.iter().chain(CORE)
}

/// A testkit sample per endpoint, and every REST fixture for each core model.
pub fn seeds() -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for info in okx_rest::api::CATALOG {
        if let Some(body) = okx_testkit::rest::samples::sample(info.method.as_str(), info.path) {
            seeds.push(format!("{}\n{body}", info.type_name).into_bytes());
        }
    }
    for body in corpus::rest_bodies() {
        for (name, _) in CORE {
            let mut seed = format!("{name}\n").into_bytes();
            seed.extend_from_slice(&body);
            seeds.push(seed);
        }
    }
    seeds
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// Runs one `name\nbody` input.
pub fn check(input: &[u8]) -> Result<(), String> {
    let split = input
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(input.len());
    let (name, body) = (&input[..split], input.get(split + 1..).unwrap_or_default());
    let decoder = decoders()
        .find(|(n, _)| n.as_bytes() == name)
        .or_else(|| {
            let count = RESPONSES.len() + CORE.len();
            decoders().nth((fnv(name) % count as u64) as usize)
        })
        .ok_or("no decoders")?;
    let _ = api_error_from_body(body).map(|e| e.to_string());
    (decoder.1)(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_entry_has_a_decoder() {
        for info in okx_rest::api::CATALOG {
            assert!(
                RESPONSES.iter().any(|(n, _)| *n == info.type_name),
                "{} has no decoder",
                info.type_name
            );
        }
    }
}
