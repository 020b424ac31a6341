//! `okx candles`: download, resume, skip before the listing.

use crate::common::{exchange, run, scratch};

fn ts_of(text: &str) -> Vec<i64> {
    text.lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn downloads_oldest_first_and_resumes_without_duplicates() {
    let okx = exchange().await;
    let dir = scratch("candles");
    let out = dir.join("btc.csv");
    let out_s = out.to_str().unwrap();
    // Five hours of 1m candles that ended an hour ago: three pages.
    let now = okx.now_ms() / 60_000 * 60_000;
    let from = (now - 6 * 3_600_000).to_string();
    let mid = (now - 3_600_000 - 2 * 3_600_000).to_string();
    let to = (now - 3_600_000).to_string();
    let r = run(
        &okx,
        &[
            "candles", "BTC-USDT", "--bar", "1m", "--from", &from, "--to", &mid, "--out", out_s,
        ],
    )
    .await;
    r.ok();
    assert!(r.stderr.contains("wrote 180 candles"), "{}", r.stderr);
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        text.lines().next(),
        Some("ts,time,open,high,low,close,vol,volCcy,volCcyQuote")
    );
    let ts = ts_of(&text);
    assert_eq!(ts.len(), 180);
    assert_eq!(ts[0], from.parse::<i64>().unwrap());
    assert!(
        ts.windows(2).all(|w| w[1] - w[0] == 60_000),
        "oldest first, no gap"
    );
    // A run killed mid-write leaves a torn line; the re-run cuts it, then
    // continues after the last complete candle up to the new --to.
    std::fs::write(&out, format!("{text}1796999,2026-")).unwrap();
    let r = run(
        &okx,
        &[
            "candles", "BTC-USDT", "--bar", "1m", "--from", &from, "--to", &to, "--out", out_s,
        ],
    )
    .await;
    r.ok();
    assert!(r.stderr.contains("resuming after"), "{}", r.stderr);
    assert!(r.stderr.contains("wrote 120 candles"), "{}", r.stderr);
    let ts = ts_of(&std::fs::read_to_string(&out).unwrap());
    assert_eq!(ts.len(), 300);
    assert!(
        ts.windows(2).all(|w| w[1] - w[0] == 60_000),
        "no duplicate, no gap"
    );
    assert!(*ts.last().unwrap() < to.parse::<i64>().unwrap());
    // Up to date: nothing more.
    let r = run(
        &okx,
        &[
            "candles", "BTC-USDT", "--bar", "1m", "--from", &from, "--to", &to, "--out", out_s,
        ],
    )
    .await;
    r.ok();
    assert!(r.stderr.contains("up to date"), "{}", r.stderr);
    assert_eq!(ts_of(&std::fs::read_to_string(&out).unwrap()).len(), 300);
}

#[tokio::test(flavor = "multi_thread")]
async fn skips_to_the_listing_and_writes_ndjson() {
    let okx = exchange().await;
    let dir = scratch("candles-listing");
    let out = dir.join("btc.ndjson");
    // BTC-USDT is listed at 2019-01-22T05:03:33Z in the simulation.
    let r = run(
        &okx,
        &[
            "candles",
            "BTC-USDT",
            "--bar",
            "1H",
            "--from",
            "2018-06-01",
            "--to",
            "2019-01-23T00:00:00Z",
            "--out",
            out.to_str().unwrap(),
            "--format",
            "ndjson",
        ],
    )
    .await;
    r.ok();
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["ts"], 1_548_133_200_000_i64);
    assert_eq!(lines.len(), 19, "05:00 to 23:00");
    assert!(
        lines
            .iter()
            .all(|c| c["o"].is_string() && c["c"].is_string())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_ranges_and_bars_are_usage_errors() {
    let okx = exchange().await;
    let out = scratch("candles-bad").join("x.csv");
    let o = out.to_str().unwrap();
    let r = run(
        &okx,
        &[
            "candles",
            "BTC-USDT",
            "--from",
            "2024-02-01",
            "--to",
            "2024-01-01",
            "--out",
            o,
        ],
    )
    .await;
    assert_eq!(r.code, 2, "{r:?}");
    let r = run(
        &okx,
        &[
            "candles",
            "BTC-USDT",
            "--bar",
            "1M",
            "--from",
            "2024-01-01",
            "--out",
            o,
        ],
    )
    .await;
    assert_eq!(r.code, 2, "{r:?}");
    let r = run(
        &okx,
        &["candles", "BTC-USDT", "--from", "yesterday", "--out", o],
    )
    .await;
    assert_eq!(r.code, 2, "{r:?}");
}
