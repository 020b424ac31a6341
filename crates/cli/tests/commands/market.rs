//! Market data commands: no keys.

use crate::common::{exchange, run};

#[tokio::test(flavor = "multi_thread")]
async fn ticker_table_and_json() {
    let okx = exchange().await;
    let r = run(&okx, &["ticker", "BTC-USDT", "ETH-USDT"]).await;
    let out = r.ok();
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("inst") && lines[0].contains("last"),
        "{out}"
    );
    assert!(lines[1].starts_with("BTC-USDT "), "{out}");
    assert!(lines[2].starts_with("ETH-USDT "), "{out}");
    let r = run(&okx, &["ticker", "BTC-USDT", "--json"]).await;
    let v = r.json_lines();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0]["instId"], "BTC-USDT");
    let (bid, ask) = okx.best_bid_ask("BTC-USDT").expect("book");
    let last: f64 = v[0]["last"]
        .as_str()
        .expect("last")
        .parse()
        .expect("number");
    let (bid, ask): (f64, f64) = (
        bid.to_string().parse().unwrap(),
        ask.to_string().parse().unwrap(),
    );
    assert!(
        last > bid * 0.9 && last < ask * 1.1,
        "{last} vs {bid}/{ask}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_instrument_is_one_line_with_code_hint_and_exit_4() {
    let okx = exchange().await;
    let r = run(&okx, &["ticker", "NOPE-USDT"]).await;
    assert_eq!(r.code, 4, "{r:?}");
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("okx ticker: OKX error 51001: "),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("hint: "), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_exchange_exits_5() {
    let home = crate::common::scratch("unreachable");
    let mut cmd = crate::common::okx_cmd(&home);
    // Port 9 on loopback: nothing listens (discard is not served).
    cmd.args(["status", "--base-url", "http://127.0.0.1:9"]);
    let r = crate::common::run_cmd(cmd).await;
    assert_eq!(r.code, 5, "{r:?}");
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn instruments_of_a_type() {
    let okx = exchange().await;
    let r = run(&okx, &["instruments", "--type", "swap"]).await;
    let out = r.ok();
    assert!(out.contains("BTC-USDT-SWAP"), "{out}");
    assert!(!out.contains("BTC-USDT "), "spot listed among swaps: {out}");
    assert!(out.trim_end().ends_with("3 instruments"), "{out}");
    let v = run(&okx, &["instruments", "--type", "SPOT", "--json"])
        .await
        .json_lines();
    assert!(v.iter().all(|i| i["instType"] == "SPOT"));
    assert!(v.iter().any(|i| i["instId"] == "SOL-USDT"));
    let bad = run(&okx, &["instruments", "--type", "STOCKS"]).await;
    assert_eq!(bad.code, 2, "{bad:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn funding_and_status() {
    let okx = exchange().await;
    let v = run(&okx, &["funding", "BTC-USDT-SWAP", "--json"])
        .await
        .json_lines();
    assert_eq!(v[0]["instId"], "BTC-USDT-SWAP");
    assert!(v[0]["fundingRate"].is_string());
    let out = run(&okx, &["funding", "BTC-USDT-SWAP"]).await;
    assert!(
        out.ok()
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("BTC-USDT-SWAP"))
    );
    let r = run(&okx, &["status"]).await;
    assert_eq!(r.ok(), "no maintenance scheduled or under way\n");
    assert_eq!(run(&okx, &["status", "--json"]).await.ok(), "");
}

#[tokio::test(flavor = "multi_thread")]
async fn trades_recent_and_watched() {
    let okx = exchange().await;
    okx.step_market(20);
    let v = run(&okx, &["trades", "BTC-USDT", "--limit", "5", "--json"])
        .await
        .json_lines();
    assert!(!v.is_empty() && v.len() <= 5);
    let ts: Vec<i64> = v
        .iter()
        .map(|t| t["ts"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(ts.windows(2).all(|w| w[0] <= w[1]), "oldest first: {ts:?}");
    let r = run(
        &okx,
        &["trades", "BTC-USDT", "--watch", "--count", "3", "--json"],
    )
    .await;
    let v = r.json_lines();
    assert_eq!(v.len(), 3, "{r:?}");
    assert!(v.iter().all(|t| t["instId"] == "BTC-USDT"));
    let r = run(&okx, &["trades", "BTC-USDT", "--watch", "--count", "2"]).await;
    assert_eq!(r.ok().lines().count(), 2, "{r:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn book_snapshot_and_watch() {
    let okx = exchange().await;
    let r = run(&okx, &["book", "BTC-USDT", "--depth", "3"]).await;
    let out = r.ok();
    assert!(out.contains("bid price | ask price"), "{out}");
    assert_eq!(out.lines().count(), 6, "{out}");
    let r = run(
        &okx,
        &[
            "book", "BTC-USDT", "--watch", "--count", "3", "--depth", "5", "--json",
        ],
    )
    .await;
    let v = r.json_lines();
    assert_eq!(v.len(), 3, "{r:?}");
    let last = &v[2];
    assert_eq!(last["inSync"], true);
    assert_eq!(last["updates"], 3);
    assert_eq!(last["resyncs"], 0);
    assert!(last["seqId"].as_i64().is_some());
    assert_eq!(last["bids"].as_array().map(Vec::len), Some(5));
    let bid: f64 = last["bids"][0][0].as_str().unwrap().parse().unwrap();
    let ask: f64 = last["asks"][0][0].as_str().unwrap().parse().unwrap();
    assert!(bid < ask);
    // Off a terminal, the view is printed once per update.
    let r = run(
        &okx,
        &[
            "book", "BTC-USDT", "--watch", "--count", "2", "--depth", "2",
        ],
    )
    .await;
    let out = r.ok();
    assert_eq!(out.matches("IN SYNC").count(), 2, "{out}");
    let bad = run(
        &okx,
        &["book", "BTC-USDT", "--watch", "--channel", "tickers"],
    )
    .await;
    assert_eq!(bad.code, 2, "{bad:?}");
}
