//! WebSocket push decoding: frames per second decoded into typed events by
//! okx-ws beside a plain `serde_json::Value` parse of the same frame, in one run.
//!
//! ```text
//! cargo bench --bench ws_decode -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! Frames are fixture-shaped `tickers`, `trades` (3 rows) and `orders`
//! pushes. `typed` is `okx::ws::decode::decode_push`, the complete event
//! (`arg` and every field of every `Ticker` / `Trade` / `Order` row, numbers
//! as `Decimal` with their scale); for these channels it runs the fast row
//! reader of `okx_models::fast`, which reads the frame's bytes in place and
//! leaves anything unusual to the serde paths. `value` builds the
//! `serde_json::Value` tree and does nothing else with it;
//! `value_then_typed` is what a Value-first client does: the tree, then
//! `arg.channel` read from it and `data` converted into the same typed rows.
//! Target: typed at least 3x value.

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use okx::models::{Order, Ticker, Trade};
use okx::ws::WsEvent;
use okx::ws::decode::decode_push;
use serde_json::Value;

const TICKER: &str = r#"{"arg":{"channel":"tickers","instId":"BTC-USDT"},"data":[{"instType":"SPOT","instId":"BTC-USDT","last":"30236.1","lastSz":"0.00019","askPx":"30236.1","askSz":"0.51","bidPx":"30236","bidSz":"1.96","open24h":"29000.5","high24h":"30500","low24h":"28850","sodUtc0":"29500.1","sodUtc8":"29720.3","volCcy24h":"612355894.9912","vol24h":"20570.79911","ts":"1652459224818"}]}"#;

const TRADES: &str = r#"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"338476307","px":"30236","sz":"0.0002","side":"buy","ts":"1652459224818","count":"1","seqId":1234567},{"instId":"BTC-USDT","tradeId":"338476308","px":"30236.1","sz":"0.01","side":"sell","ts":"1652459224819","count":"2","seqId":1234568},{"instId":"BTC-USDT","tradeId":"338476309","px":"30235.9","sz":"1.2","side":"buy","ts":"1652459224820","count":"1","seqId":1234569}]}"#;

const ORDERS: &str = r#"{"arg":{"channel":"orders","instType":"SPOT","instId":"BTC-USDT","uid":"614488474791936"},"data":[{"accFillSz":"0.001","amendResult":"","avgPx":"31527.1","cTime":"1654084334977","category":"normal","ccy":"","clOrdId":"HamsterParty14","code":"0","execType":"M","fee":"-0.02522168","feeCcy":"USDT","fillFee":"-0.02522168","fillFeeCcy":"USDT","fillNotionalUsd":"31.50818374","fillPx":"31527.1","fillSz":"0.001","fillTime":"1654084353263","instId":"BTC-USDT","instType":"SPOT","lever":"0","msg":"","notionalUsd":"31.50818374","ordId":"452197707845865472","ordType":"limit","pnl":"0","posSide":"","px":"31527.1","rebate":"0","rebateCcy":"BTC","reduceOnly":"false","reqId":"","side":"sell","slOrdPx":"","slTriggerPx":"","slTriggerPxType":"last","source":"","state":"filled","sz":"0.001","tag":"","tdMode":"cash","tgtCcy":"","tpOrdPx":"","tpTriggerPx":"","tpTriggerPxType":"last","tradeId":"242589207","uTime":"1654084353264"}]}"#;

/// Decoding through a `Value` tree first, as many OKX clients do.
fn value_then_typed(frame: &str) -> Option<usize> {
    let mut v: Value = serde_json::from_str(frame).ok()?;
    let channel = v.get("arg")?.get("channel")?.as_str()?.to_owned();
    let data = v.get_mut("data")?.take();
    let n = match channel.as_str() {
        "tickers" => serde_json::from_value::<Vec<Ticker>>(data).ok()?.len(),
        "trades" => serde_json::from_value::<Vec<Trade>>(data).ok()?.len(),
        "orders" => serde_json::from_value::<Vec<Order>>(data).ok()?.len(),
        _ => 0,
    };
    Some(n)
}

fn check_decodes() {
    for frame in [TICKER, TRADES, ORDERS] {
        assert!(
            matches!(decode_push(frame), WsEvent::Push(_)),
            "bench frame does not decode: {frame}"
        );
        assert_eq!(value_then_typed(frame).map(|n| n > 0), Some(true));
    }
}

fn bench(c: &mut Criterion) {
    check_decodes();
    for (name, frame) in [("tickers", TICKER), ("trades", TRADES), ("orders", ORDERS)] {
        let mut group = c.benchmark_group(format!("ws_decode/{name}"));
        group.throughput(Throughput::Elements(1));
        group.bench_function("typed", |b| b.iter(|| decode_push(black_box(frame))));
        group.bench_function("value", |b| {
            b.iter(|| serde_json::from_str::<Value>(black_box(frame)).ok())
        });
        group.bench_function("value_then_typed", |b| {
            b.iter(|| value_then_typed(black_box(frame)))
        });
        group.finish();
    }
}

// A plain main: criterion_group! generates an undocumented public function
// that the workspace's missing_docs lint rejects.
fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion);
    criterion.final_summary();
}
