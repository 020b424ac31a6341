//! `ws`: one inbound frame through okx-ws's decoder. Checked: no panic; the
//! fast path (tickers, trades, orders) gives exactly what the serde paths
//! give; text serde_json refuses is never taken for anything but a decode
//! error; book frames left raw for the engine are read the same way.

use okx_ws::WsEvent;
use okx_ws::decode::{Inbound, inbound, inbound_with, inbound_without_fast_path};
use serde::de::IgnoredAny;

use super::ensure;
use crate::corpus;

/// Every recorded WS frame, and the control frames OKX sends.
pub fn seeds() -> Vec<Vec<u8>> {
    let mut seeds = corpus::ws_frames(|_| true);
    for control in [
        "pong",
        r#"{"event":"login","code":"0","msg":"","connId":"a4d3ae55"}"#,
        r#"{"event":"error","code":"60009","msg":"Login failed.","connId":"a4d3ae55"}"#,
        r#"{"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade.","connId":"a4d3ae55"}"#,
        r#"{"event":"channel-conn-count","channel":"orders","connCount":"2","connId":"abcd1234"}"#,
        r#"{"id":"1512","op":"order","code":"0","msg":"","data":[{"clOrdId":"","ordId":"12345689","tag":"","ts":"1695190491421","sCode":"0","sMsg":""}],"inTime":"1695190491421339","outTime":"1695190491423240"}"#,
    ] {
        seeds.push(control.as_bytes().to_vec());
    }
    seeds
}

fn is_decode_error(inbound: &Inbound<'_>) -> bool {
    matches!(inbound, Inbound::Event(WsEvent::DecodeError { .. }))
}

/// Runs one frame.
pub fn check(input: &[u8]) -> Result<(), String> {
    // A WebSocket text frame is UTF-8 by the protocol; other bytes are
    // still run, with their invalid sequences replaced.
    let text = String::from_utf8_lossy(input);
    let with_fast = inbound(&text);
    let serde_only = inbound_without_fast_path(&text, false);
    // `Decimal`'s `==` ignores the scale; `Debug` shows it.
    let (a, b) = (format!("{with_fast:?}"), format!("{serde_only:?}"));
    ensure(a == b, || format!("fast path {a}\nserde paths {b}"))?;
    let raw = inbound_with(&text, true);
    let raw_serde = inbound_without_fast_path(&text, true);
    let (a, b) = (format!("{raw:?}"), format!("{raw_serde:?}"));
    ensure(a == b, || {
        format!("raw books: fast path {a}\nserde paths {b}")
    })?;
    let is_json = serde_json::from_str::<IgnoredAny>(&text).is_ok();
    if !is_json && text != "pong" {
        for decoded in [&with_fast, &raw] {
            ensure(is_decode_error(decoded), || {
                format!("serde_json refuses the frame, the decoder took it: {decoded:?}")
            })?;
        }
    }
    Ok(())
}
