//! `fast`: okx-models' fast row reader against serde_json on the same rows.
//! The input is `Type\nrows`. Whatever rows the fast reader takes, serde_json
//! must take too and build the same values, scale of every decimal included.

use std::fmt::Debug;

use okx_models::fast::{Cursor, FastRow, read_rows};
use okx_models::{Order, Ticker, Trade};
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use super::ensure;
use crate::corpus;

fn same<T: FastRow + DeserializeOwned + Debug>(text: &str) -> Result<(), String> {
    let mut c = Cursor::new(text);
    let Ok(fast) = read_rows::<T>(&mut c).and_then(|rows| c.end().map(|()| rows)) else {
        return Ok(());
    };
    let serde: Vec<T> = serde_json::from_str(text)
        .map_err(|e| format!("fast reader took rows serde_json refuses: {e}"))?;
    let (a, b) = (format!("{fast:?}"), format!("{serde:?}"));
    ensure(a == b, || format!("fast {a}\nserde {b}"))
}

/// The `data` arrays of the recorded tickers, trades and orders pushes.
pub fn seeds() -> Vec<Vec<u8>> {
    #[derive(serde::Deserialize)]
    struct Push<'a> {
        #[serde(borrow)]
        arg: Option<&'a RawValue>,
        #[serde(borrow)]
        data: Option<&'a RawValue>,
    }
    let mut seeds = Vec::new();
    for frame in corpus::ws_frames(|_| true) {
        let Ok(push) = serde_json::from_slice::<Push<'_>>(&frame) else {
            continue;
        };
        let (Some(arg), Some(data)) = (push.arg, push.data) else {
            continue;
        };
        let channel = serde_json::from_str::<Value>(arg.get())
            .ok()
            .and_then(|a| a["channel"].as_str().map(str::to_owned))
            .unwrap_or_default();
        let kind = match channel.as_str() {
            "tickers" => "Ticker",
            "trades" | "trades-all" => "Trade",
            "orders" => "Order",
            _ => continue,
        };
        seeds.push(format!("{kind}\n{}", data.get()).into_bytes());
    }
    seeds
}

/// Runs one `Type\nrows` input.
pub fn check(input: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(input);
    let (kind, rows) = text.split_once('\n').unwrap_or(("", &text));
    match kind {
        "Ticker" => same::<Ticker>(rows),
        "Trade" => same::<Trade>(rows),
        "Order" => same::<Order>(rows),
        // a mangled type name: try each
        _ => same::<Ticker>(rows)
            .and_then(|()| same::<Trade>(rows))
            .and_then(|()| same::<Order>(rows)),
    }
}
