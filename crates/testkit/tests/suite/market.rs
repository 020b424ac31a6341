//! The simulated market: deterministic by seed, OKX's book channels and
//! REST market data derived from one book.

use std::collections::BTreeMap;

use super::common::*;
use okx_testkit::{InstrumentSpec, Okx};
use rust_decimal::Decimal;
use serde_json::{Value, json};

async fn seeded(seed: u64) -> Okx {
    Okx::builder()
        .seed(seed)
        .market_motion(None)
        .start()
        .await
        .expect("starts")
}

#[tokio::test]
async fn the_same_seed_gives_the_same_market() {
    let (a, b, c) = (seeded(5).await, seeded(5).await, seeded(6).await);
    for okx in [&a, &b, &c] {
        okx.step_market(300);
    }
    let book = |okx: &Okx| {
        let rest = Rest::new(okx, Key::default_account());
        async move {
            let v = rest
                .data("/api/v5/market/books?instId=BTC-USDT&sz=400")
                .await;
            (v[0]["bids"].clone(), v[0]["asks"].clone())
        }
    };
    let (ba, bb, bc) = (book(&a).await, book(&b).await, book(&c).await);
    assert_eq!(ba, bb);
    assert_ne!(ba, bc);
    assert_eq!(
        ba.0.as_array().map(Vec::len),
        Some(400),
        "400 levels, as OKX's books"
    );
    let candles = |okx: &Okx| {
        let rest = Rest::new(okx, Key::default_account());
        async move {
            rest.data("/api/v5/market/history-candles?instId=ETH-USDT&bar=1H&after=1700000000000&limit=50")
                .await
        }
    };
    assert_eq!(
        candles(&a).await,
        candles(&b).await,
        "history from the seed"
    );
    assert_ne!(candles(&a).await, candles(&c).await);
}

#[tokio::test]
async fn books_honours_sz_and_candles_cover_any_past_range() {
    let okx = seeded(1).await;
    let rest = Rest::new(&okx, Key::default_account());
    for sz in [1usize, 5, 50, 400] {
        let v = rest
            .data(&format!("/api/v5/market/books?instId=BTC-USDT&sz={sz}"))
            .await;
        assert_eq!(v[0]["bids"].as_array().map(Vec::len), Some(sz));
        assert_eq!(v[0]["asks"].as_array().map(Vec::len), Some(sz));
    }
    // A day of hourly candles from a year ago, in two pages, no gap.
    let end: i64 = 1_700_006_400_000; // a whole UTC hour
    let first = rest
        .data(&format!(
            "/api/v5/market/history-candles?instId=BTC-USDT&bar=1H&after={end}&limit=12"
        ))
        .await;
    let older = first
        .last()
        .and_then(|c| c[0].as_str())
        .unwrap_or_default()
        .to_owned();
    let second = rest
        .data(&format!(
            "/api/v5/market/history-candles?instId=BTC-USDT&bar=1H&after={older}&limit=12"
        ))
        .await;
    let ts: Vec<i64> = first
        .iter()
        .chain(second.iter())
        .map(|c| c[0].as_str().and_then(|t| t.parse().ok()).unwrap_or(0))
        .collect();
    let want: Vec<i64> = (1..=24).map(|i| end - i * 3_600_000).collect();
    assert_eq!(ts, want);
    for c in first.iter().chain(second.iter()) {
        let (o, h, l, cl) = (dec(&c[1]), dec(&c[2]), dec(&c[3]), dec(&c[4]));
        assert!(l <= o && o <= h && l <= cl && cl <= h, "{c}");
        assert_eq!(c[8], "1", "past candles are confirmed");
    }
    let v = rest
        .get("/api/v5/market/candles?instId=BTC-USDT&bar=7m")
        .await;
    assert_eq!(v["code"], "51000");
}

#[tokio::test]
async fn every_instrument_type_with_its_code_family_and_underlying() {
    let okx = seeded(1).await;
    let rest = Rest::new(&okx, Key::default_account());
    for kind in ["SPOT", "MARGIN", "SWAP", "FUTURES"] {
        let rows = rest
            .data(&format!("/api/v5/public/instruments?instType={kind}"))
            .await;
        assert!(!rows.is_empty(), "{kind}");
        assert!(
            rows.iter()
                .all(|r| r["instIdCode"].as_i64().is_some_and(|c| c > 0))
        );
    }
    let fut = rest
        .data("/api/v5/public/instruments?instType=FUTURES&instFamily=BTC-USD")
        .await;
    assert_eq!(fut.len(), 1);
    assert_eq!(fut[0]["ctType"], "inverse");
    let opts = rest
        .data("/api/v5/public/instruments?instType=OPTION&uly=BTC-USD")
        .await;
    assert_eq!(opts.len(), 6);
    assert!(
        opts.iter()
            .all(|o| o["optType"] == "C" || o["optType"] == "P")
    );
    let v = rest.get("/api/v5/public/instruments?instType=OPTION").await;
    assert_eq!(v["code"], "51000", "options need a family: {v}");
}

/// A local book from pushes: price → (size text, count text).
#[derive(Default)]
struct Local {
    bids: BTreeMap<Decimal, (String, String)>,
    asks: BTreeMap<Decimal, (String, String)>,
}

impl Local {
    fn apply(&mut self, data: &Value) {
        for (side, key) in [(&mut self.bids, "bids"), (&mut self.asks, "asks")] {
            for level in data[key].as_array().into_iter().flatten() {
                let px = dec(&level[0]);
                if dec(&level[1]).is_zero() {
                    side.remove(&px);
                } else {
                    side.insert(
                        px,
                        (
                            level[1].as_str().unwrap_or("").into(),
                            level[3].as_str().unwrap_or("").into(),
                        ),
                    );
                }
            }
        }
    }

    fn checksum(&self) -> i32 {
        let bids: Vec<_> = self.bids.iter().rev().take(25).collect();
        let asks: Vec<_> = self.asks.iter().take(25).collect();
        let mut parts = Vec::new();
        for i in 0..25 {
            for side in [&bids, &asks] {
                if let Some((px, (sz, _))) = side.get(i) {
                    parts.push(format!("{}:{sz}", px.normalize()));
                }
            }
        }
        crc(parts.join(":").as_bytes()) as i32
    }

    fn top(&self, n: usize) -> (Vec<Decimal>, Vec<Decimal>) {
        (
            self.bids.keys().rev().take(n).copied().collect(),
            self.asks.keys().take(n).copied().collect(),
        )
    }
}

fn crc(bytes: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in bytes {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 == 1 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

#[tokio::test]
async fn book_channels_chain_sequence_ids_and_checksums_as_the_market_moves() {
    let okx = seeded(3).await;
    let mut ws = Ws::connect(&format!("{}/ws/v5/public", okx.ws_url())).await;
    ws.login(&Key::default_account()).await;
    ws.subscribe(json!([{"channel": "books", "instId": "BTC-USDT"}, {"channel": "books50-l2-tbt", "instId": "BTC-USDT"},
        {"channel": "books5", "instId": "BTC-USDT"}, {"channel": "bbo-tbt", "instId": "BTC-USDT"}]))
        .await;
    let mut books = Local::default();
    let mut fifty = Local::default();
    let (mut last_books, mut last_fifty) = (None::<i64>, None::<i64>);
    let mut updates = 0;
    let mut seen5 = 0;
    for round in 0..40 {
        if round > 0 {
            okx.step_market(1);
        }
        for frame in ws.drain(std::time::Duration::from_millis(60)).await {
            let data = &frame["data"][0];
            match channel(&frame) {
                "books" | "books50-l2-tbt" => {
                    let (local, last) = if channel(&frame) == "books" {
                        (&mut books, &mut last_books)
                    } else {
                        (&mut fifty, &mut last_fifty)
                    };
                    if frame["action"] == "snapshot" {
                        assert_eq!(data["prevSeqId"], -1);
                    } else {
                        assert_eq!(data["prevSeqId"].as_i64(), *last, "chained: {frame}");
                        updates += 1;
                    }
                    *last = data["seqId"].as_i64();
                    local.apply(data);
                    assert_eq!(
                        data["checksum"].as_i64(),
                        Some(i64::from(local.checksum())),
                        "checksum of {}",
                        channel(&frame)
                    );
                }
                "books5" => {
                    seen5 += 1;
                    let asks: Vec<Decimal> = data["asks"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|l| dec(&l[0]))
                        .collect();
                    assert_eq!(asks.len(), 5);
                    assert!(data.get("checksum").is_none() && data.get("prevSeqId").is_none());
                }
                "bbo-tbt" => assert_eq!(data["bids"].as_array().map(Vec::len), Some(1)),
                _ => {}
            }
        }
    }
    assert!(updates > 30, "the book moved: {updates} updates");
    assert!(seen5 > 5);
    assert_eq!(books.top(50), fifty.top(50), "books50 is the top of books");
    let (bid, ask) = okx.best_bid_ask("BTC-USDT").expect("book");
    assert_eq!(books.top(1), (vec![bid], vec![ask]));
}

#[tokio::test]
async fn checksum_zero_and_no_snapshot_modes() {
    let okx = Okx::builder()
        .market_motion(None)
        .checksum_zero(true)
        .no_book_snapshot(true)
        .start()
        .await
        .expect("starts");
    let mut ws = Ws::connect(&format!("{}/ws/v5/public", okx.ws_url())).await;
    ws.subscribe(json!([{"channel": "books", "instId": "BTC-USDT"}]))
        .await;
    assert!(
        ws.drain(std::time::Duration::from_millis(200))
            .await
            .is_empty(),
        "no snapshot on subscribe"
    );
    okx.step_market(5);
    let update = ws.until(5 * SECOND, |v| channel(v) == "books").await;
    assert_eq!(update["action"], "update");
    assert_eq!(update["data"][0]["checksum"], 0);
    // The REST snapshot to start from, and updates chaining on after it.
    let rest = Rest::new(&okx, Key::default_account());
    let snap = rest
        .data("/api/v5/market/books?instId=BTC-USDT&sz=400")
        .await;
    assert!(!snap[0]["bids"].as_array().is_some_and(Vec::is_empty));
}

#[tokio::test]
async fn listing_and_delisting_are_pushed_and_a_relisting_gets_a_new_code() {
    let okx = seeded(1).await;
    let mut ws = Ws::connect(&format!("{}/ws/v5/public", okx.ws_url())).await;
    ws.subscribe(json!([{"channel": "instruments", "instType": "SPOT"}]))
        .await;
    let d = |s: &str| s.parse::<Decimal>().unwrap_or_default();
    let code = okx.list(InstrumentSpec::spot(
        "NEW-USDT",
        d("0.001"),
        d("0.01"),
        d("0.1"),
        d("2.5"),
    ));
    let push = ws.until(5 * SECOND, |v| channel(v) == "instruments").await;
    assert_eq!(push["data"][0]["instId"], "NEW-USDT");
    assert_eq!(push["data"][0]["instIdCode"], code);
    assert!(okx.delist("NEW-USDT"));
    let push = ws.until(5 * SECOND, |v| channel(v) == "instruments").await;
    assert_eq!(push["data"][0]["state"], "suspend");
    let rest = Rest::new(&okx, Key::default_account());
    let listed = rest
        .data("/api/v5/public/instruments?instType=SPOT&instId=NEW-USDT")
        .await;
    assert!(listed.is_empty(), "REST no longer lists it");
    let again = okx.list(InstrumentSpec::spot(
        "NEW-USDT",
        d("0.001"),
        d("0.01"),
        d("0.1"),
        d("2.5"),
    ));
    assert_ne!(again, code, "relisting changes instIdCode, as at OKX");
}
