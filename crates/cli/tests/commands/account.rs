//! Account and order commands, with the test account's keys.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::common::{exchange, keys, okx_cmd, run_env, scratch};

#[tokio::test(flavor = "multi_thread")]
async fn balance_positions_orders_fills() {
    let okx = exchange().await;
    let k = keys(&okx);
    let r = run_env(&okx, &["balance"], &k).await;
    let out = r.ok();
    assert!(
        out.lines().next().is_some_and(|l| l.starts_with("ccy")),
        "{out}"
    );
    assert!(out.lines().any(|l| l.starts_with("USDT ")), "{out}");
    assert!(out.contains("total equity (USD):"), "{out}");
    let v = run_env(&okx, &["positions", "--json"], &k).await;
    assert_eq!(v.ok(), "");
    let r = run_env(&okx, &["positions"], &k).await;
    assert_eq!(r.ok(), "no open positions\n");
    assert_eq!(
        run_env(&okx, &["orders"], &k).await.ok(),
        "no open orders\n"
    );
    assert_eq!(
        run_env(&okx, &["fills"], &k).await.ok(),
        "no fills in the last 3 days\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn place_amend_cancel_and_cancel_all() {
    let okx = exchange().await;
    let k = keys(&okx);
    let (bid, _) = okx.best_bid_ask("BTC-USDT").expect("book");
    let px = (bid * rust_decimal::Decimal::new(9, 1))
        .round_dp(1)
        .to_string();
    // A look-alike base URL is not live: no confirmation needed, none asked.
    let r = run_env(
        &okx,
        &[
            "order",
            "place",
            "BTC-USDT",
            "buy",
            "0.001",
            "--px",
            &px,
            "--post-only",
            "--cl-ord-id",
            "cli1",
            "--json",
        ],
        &k,
    )
    .await;
    let v = r.json_lines();
    assert_eq!(v[0]["op"], "placed");
    assert_eq!(v[0]["clOrdId"], "cli1");
    let ord_id = v[0]["ordId"].as_str().expect("ordId").to_owned();
    let open = run_env(&okx, &["orders", "--json"], &k).await.json_lines();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["ordId"], ord_id.as_str());
    assert_eq!(open[0]["px"], px.as_str());
    let table = run_env(&okx, &["orders"], &k).await;
    assert!(table.ok().contains(&ord_id), "{table:?}");

    let new_px = (bid * rust_decimal::Decimal::new(8, 1))
        .round_dp(1)
        .to_string();
    let r = run_env(
        &okx,
        &[
            "order",
            "amend",
            "BTC-USDT",
            "--cl-ord-id",
            "cli1",
            "--new-px",
            &new_px,
        ],
        &k,
    )
    .await;
    assert!(
        r.ok().starts_with(&format!("amended: ordId {ord_id}")),
        "{r:?}"
    );
    let open = run_env(&okx, &["orders", "--json"], &k).await.json_lines();
    assert_eq!(open[0]["px"], new_px.as_str());

    let r = run_env(
        &okx,
        &["order", "cancel", "BTC-USDT", "--ord-id", &ord_id],
        &k,
    )
    .await;
    assert!(r.ok().starts_with("cancelled: "), "{r:?}");
    assert_eq!(
        run_env(&okx, &["orders"], &k).await.ok(),
        "no open orders\n"
    );
    // Cancelling it again: OKX's code, exit 4, one line.
    let r = run_env(
        &okx,
        &["order", "cancel", "BTC-USDT", "--ord-id", &ord_id],
        &k,
    )
    .await;
    assert_eq!(r.code, 4, "{r:?}");
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("OKX error 5"), "{}", r.stderr);

    for i in 0..2 {
        let id = format!("all{i}");
        run_env(
            &okx,
            &[
                "order",
                "place",
                "BTC-USDT",
                "buy",
                "0.001",
                "--px",
                &px,
                "--cl-ord-id",
                &id,
            ],
            &k,
        )
        .await
        .ok();
    }
    let r = run_env(&okx, &["order", "cancel-all", "BTC-USDT", "--json"], &k).await;
    assert_eq!(r.json_lines()[0]["cancelled"], 2, "{r:?}");
    let hist = run_env(&okx, &["orders", "--history", "--json"], &k)
        .await
        .json_lines();
    assert_eq!(hist.len(), 3);
    assert!(hist.iter().all(|o| o["state"] == "canceled"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_market_order_fills_and_shows_in_fills() {
    let okx = exchange().await;
    let k = keys(&okx);
    run_env(&okx, &["order", "place", "BTC-USDT", "buy", "0.001"], &k)
        .await
        .ok();
    let fills = run_env(&okx, &["fills", "--json"], &k).await.json_lines();
    assert!(!fills.is_empty());
    assert!(
        fills
            .iter()
            .all(|f| f["instId"] == "BTC-USDT" && f["side"] == "buy")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn local_refusal_and_live_confirmation() {
    let okx = exchange().await;
    let k = keys(&okx);
    // Below the instrument's minimum size: refused before sending, exit 4.
    let r = run_env(
        &okx,
        &[
            "order",
            "place",
            "BTC-USDT",
            "buy",
            "0.000000001",
            "--px",
            "1000",
        ],
        &k,
    )
    .await;
    assert_eq!(r.code, 4, "{r:?}");
    assert!(r.stderr.contains("nothing was sent"), "{}", r.stderr);
    // Live (no --base-url, no --demo) without a terminal and without --yes:
    // refused before any connection, exit 7.
    let home = scratch("live");
    let mut cmd = okx_cmd(&home);
    cmd.args(["order", "place", "BTC-USDT", "buy", "1", "--px", "1"]);
    for (key, val) in &k {
        cmd.env(key, val);
    }
    let r = crate::common::run_cmd(cmd).await;
    assert_eq!(r.code, 7, "{r:?}");
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
    let bad = run_env(&okx, &["order", "place", "BTC-USDT", "hold", "1"], &k).await;
    assert_eq!(bad.code, 2, "{bad:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_orders_streams_the_account() {
    let okx = exchange().await;
    // Wait until it is watching, then place an order.
    let child = watch_orders(&okx, "watch").await;
    let (bid, _) = okx.best_bid_ask("BTC-USDT").expect("book");
    let px = (bid * rust_decimal::Decimal::new(9, 1))
        .round_dp(1)
        .to_string();
    let r = run_env(
        &okx,
        &["order", "place", "BTC-USDT", "buy", "0.001", "--px", &px],
        &keys(&okx),
    )
    .await;
    r.ok();
    let (_, order) = first_order_event(child).await;
    assert_eq!(order["instId"], "BTC-USDT");
    assert_eq!(order["recovered"], false);
    assert_eq!(order["state"], "live");
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_orders_marks_what_it_recovers_after_a_drop() {
    let okx = exchange().await;
    let child = watch_orders(&okx, "watch-recovered").await;
    // The sockets drop; an order is placed over REST while they are down.
    okx.ws().inject(okx::testkit::ws::Fault::Drop);
    let (k, s, p) = okx.credentials();
    let rest = okx::rest::RestClient::builder()
        .base_url(okx.rest_url())
        .credentials(okx::auth::Credentials::new(k, s, p))
        .build()
        .expect("client");
    let (bid, _) = okx.best_bid_ask("BTC-USDT").expect("book");
    let px = (bid * rust_decimal::Decimal::new(9, 1)).round_dp(1);
    let order = okx::models::trade::OrderRequest::limit(
        "BTC-USDT",
        okx::models::Side::Buy,
        rust_decimal::Decimal::new(1, 3),
        px,
    );
    let ack = rest.place(order).await.expect("placed");
    let (text, order) = first_order_event(child).await;
    assert_eq!(order["ordId"], ack.ord_id.as_str());
    assert_eq!(order["recovered"], true, "{text}");
    assert!(text.contains("\"event\":\"disconnected\""), "{text}");
}

/// `okx watch orders --count 1 --json` against `okx`, returned once it
/// says on stderr that it is watching.
async fn watch_orders(okx: &okx::testkit::Okx, scratch_name: &str) -> std::process::Child {
    let home = scratch(scratch_name);
    let mut cmd = okx_cmd(&home);
    cmd.args(["watch", "orders", "--count", "1", "--json"])
        .args(["--base-url", &okx.rest_url(), "--ws-url", &okx.ws_url()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, val) in keys(okx) {
        cmd.env(key, val);
    }
    let mut child = cmd.spawn().expect("starts");
    let stderr = child.stderr.take().expect("stderr");
    let ready = tokio::task::spawn_blocking(move || {
        let mut lines = BufReader::new(stderr).lines();
        lines.next().and_then(Result::ok).unwrap_or_default()
    })
    .await
    .expect("joined");
    assert!(ready.contains("watching"), "{ready}");
    child
}

/// Waits for the watcher to exit successfully; its stdout and the first
/// `order` event in it.
async fn first_order_event(child: std::process::Child) -> (String, serde_json::Value) {
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().expect("exits"))
        .await
        .expect("joined");
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let order = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["event"] == "order")
        .unwrap_or_else(|| panic!("no order event in {text}"));
    (text, order)
}
