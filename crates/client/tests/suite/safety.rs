//! The safety layer against the simulated exchange. `cargo test risk`,
//! `cargo test kill`, `cargo test dead_man` and `cargo test audit` each
//! run their part.

use std::time::Duration;

use super::common::*;
use okx_client::ClientError;
use okx_client::safety::{
    AuditLog, DeadMansSwitch, KillSwitch, KillSwitchConfig, Limits, RiskGuard, RiskLimits, Rule,
};
use okx_models::trade::{AmendRequest, OrderRequest};
use okx_models::{AlgoOrdType, OrderState, Side, TdMode};
use okx_rest::api::algo::PlaceAlgoOrder;
use serde_json::Value;

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "okx-safety-{}-{name}-{}",
        std::process::id(),
        okx_client::safety::audit::now_ms()
    ));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

fn risk_rule(e: &ClientError) -> Option<Rule> {
    match e {
        ClientError::Risk(r) => Some(r.rule),
        _ => None,
    }
}

#[tokio::test]
async fn risk_refusals_never_reach_the_exchange() {
    let okx = still().await;
    let client = builder(&okx).connect().await.expect("connects");
    let mut per = std::collections::HashMap::new();
    per.insert(
        "BTC-USDT-SWAP".to_owned(),
        Limits {
            max_position: Some(d("3")),
            ..Limits::default()
        },
    );
    let guard = RiskGuard::new(RiskLimits {
        global: Limits {
            max_order_size: Some(d("5")),
            price_band: Some(d("0.05")),
            ..Limits::default()
        },
        per_instrument: per,
        ..RiskLimits::default()
    });
    client.set_risk_guard(guard);
    let (bid, ask) = okx.best_bid_ask("BTC-USDT-SWAP").expect("book");
    // A position of 2 contracts.
    client
        .place(
            OrderRequest::limit("BTC-USDT-SWAP", Side::Buy, d("2"), ask + d("1"))
                .td_mode(TdMode::Cross),
        )
        .await
        .expect("within limits");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sent_before = (
        okx.rest().count("POST", "/api/v5/trade/order"),
        okx.ws().stats().trade_ops,
    );
    let fat_finger = OrderRequest::limit(
        "BTC-USDT-SWAP",
        Side::Buy,
        d("1"),
        (bid * d("1.2")).round_dp(1),
    )
    .td_mode(TdMode::Cross);
    let oversized =
        OrderRequest::limit("BTC-USDT-SWAP", Side::Buy, d("6"), bid).td_mode(TdMode::Cross);
    let past_position =
        OrderRequest::limit("BTC-USDT-SWAP", Side::Buy, d("2"), bid).td_mode(TdMode::Cross);
    for (order, rule) in [
        (fat_finger, Rule::PriceBand),
        (oversized, Rule::MaxOrderSize),
        (past_position, Rule::MaxPosition),
    ] {
        let err = client.place(order).await.expect_err("refused");
        assert_eq!(risk_rule(&err), Some(rule), "{err}");
        assert!(err.to_string().contains("limit"), "names the limit: {err}");
    }
    // A batch with one bad order sends nothing.
    let batch = vec![
        OrderRequest::limit("BTC-USDT-SWAP", Side::Sell, d("1"), ask + d("10"))
            .td_mode(TdMode::Cross),
        OrderRequest::limit("BTC-USDT-SWAP", Side::Sell, d("9"), ask + d("10"))
            .td_mode(TdMode::Cross),
    ];
    assert_eq!(
        risk_rule(&client.place_many(batch).await.expect_err("refused")),
        Some(Rule::MaxOrderSize)
    );
    // An algo order with a fat-finger trigger.
    let mut algo = PlaceAlgoOrder::new(
        "BTC-USDT-SWAP",
        TdMode::Cross,
        Side::Sell,
        AlgoOrdType::Conditional,
    );
    algo.sz = Some(d("1"));
    algo.sl_trigger_px = Some((bid * d("0.5")).round_dp(1));
    algo.sl_ord_px = Some(d("-1"));
    assert_eq!(
        risk_rule(&client.place_algo(algo).await.expect_err("refused")),
        Some(Rule::PriceBand)
    );
    assert_eq!(
        (
            okx.rest().count("POST", "/api/v5/trade/order"),
            okx.ws().stats().trade_ops
        ),
        sent_before,
        "nothing reached the exchange"
    );
    assert_eq!(okx.rest().count("POST", "/api/v5/trade/order-algo"), 0);
    assert_eq!(okx.rest().count("POST", "/api/v5/trade/batch-orders"), 0);
    // An amend to an oversized size is refused too.
    let resting = client
        .place(
            OrderRequest::limit("BTC-USDT-SWAP", Side::Sell, d("1"), ask + d("5"))
                .td_mode(TdMode::Cross),
        )
        .await
        .expect("placed");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let err = client
        .amend(AmendRequest::by_ord_id("BTC-USDT-SWAP", resting.ord_id.clone()).new_sz(d("7")))
        .await
        .expect_err("refused");
    assert_eq!(risk_rule(&err), Some(Rule::MaxOrderSize));
}

#[tokio::test]
async fn risk_limits_reload_from_a_file_without_a_restart() {
    let okx = still().await;
    let client = builder(&okx).connect().await.expect("connects");
    let dir = tmp("limits");
    let file = dir.join("risk.toml");
    std::fs::write(&file, "[global]\nmax_order_size = \"0.01\"\n").expect("written");
    let guard = RiskGuard::new(RiskLimits::from_file(&file).expect("parses"));
    let _watch = guard.watch_file(&file, Duration::from_millis(50));
    client.set_risk_guard(guard.clone());
    let (bid, _) = okx.best_bid_ask("BTC-USDT").expect("book");
    let order = || OrderRequest::limit("BTC-USDT", Side::Buy, d("0.02"), bid - d("100"));
    assert_eq!(
        risk_rule(&client.place(order()).await.expect_err("refused")),
        Some(Rule::MaxOrderSize)
    );
    // Some file systems keep mtime in whole seconds.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    std::fs::write(&file, "[global]\nmax_order_size = \"1\"\n").expect("written");
    tokio::time::timeout(Duration::from_secs(5), async {
        while guard.limits().global.max_order_size != Some(d("1")) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("reloaded");
    client
        .place(order())
        .await
        .expect("the new limit lets it through");
    // A broken file leaves the limits as they were.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    std::fs::write(&file, "[global]\nmax_order_size = 0.5\n").expect("written");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(guard.limits().global.max_order_size, Some(d("1")));
}

fn open_at_exchange(okx: &okx_testkit::Okx) -> usize {
    okx.orders_of(okx_testkit::TEST_UID)
        .iter()
        .filter(|o| matches!(o["state"].as_str(), Some("live" | "partially_filled")))
        .count()
}

#[tokio::test]
async fn kill_switch_trips_on_daily_loss_flattens_and_stays_halted_after_a_restart() {
    let okx = still().await;
    let state_file = tmp("kill").join("kill.json");
    let client = builder(&okx).connect().await.expect("connects");
    let guard = RiskGuard::new(RiskLimits::default());
    client.set_risk_guard(guard.clone());
    let kill = KillSwitch::start(
        &client,
        guard.clone(),
        KillSwitchConfig {
            daily_loss: Some(d("2")),
            state_file: Some(state_file.clone()),
            ..KillSwitchConfig::default()
        },
    )
    .await
    .expect("starts");
    let mut tripped = kill.changes();
    let (bid, ask) = okx.best_bid_ask("BTC-USDT").expect("book");
    for i in 0..3 {
        client
            .place(OrderRequest::limit(
                "BTC-USDT",
                Side::Buy,
                d("0.01"),
                bid - d("50") - rust_decimal::Decimal::from(i),
            ))
            .await
            .expect("resting order");
    }
    let mut algo = PlaceAlgoOrder::new(
        "BTC-USDT",
        TdMode::Cash,
        Side::Sell,
        AlgoOrdType::Conditional,
    );
    algo.sz = Some(d("0.01"));
    algo.sl_trigger_px = Some(bid - d("500"));
    algo.sl_ord_px = Some(d("-1"));
    client.place_algo(algo).await.expect("algo order");
    assert_eq!(open_at_exchange(&okx), 3);
    // A long swap position: its taker fee and the spread take equity
    // down past 2 USD.
    client
        .place(OrderRequest::market("BTC-USDT-SWAP", Side::Buy, d("20")).td_mode(TdMode::Cross))
        .await
        .expect("bought");
    let _ = ask;
    tokio::time::timeout(Duration::from_secs(10), tripped.wait_for(Option::is_some))
        .await
        .expect("tripped in time")
        .expect("open");
    let reason = kill.halted().expect("halted");
    assert!(reason.contains("daily loss"), "{reason}");
    tokio::time::timeout(Duration::from_secs(5), async {
        while open_at_exchange(&okx) > 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("every open order cancelled at the exchange");
    let algos = client
        .rest()
        .send(&okx_rest::api::algo::GetOrdersAlgoPending::new(
            AlgoOrdType::Conditional,
        ))
        .await
        .expect("read");
    assert!(algos.is_empty(), "algo orders cancelled too");
    // New risk is refused; reducing the position is not.
    let err = client
        .place(OrderRequest::market("BTC-USDT-SWAP", Side::Buy, d("1")).td_mode(TdMode::Cross))
        .await
        .expect_err("halted");
    assert_eq!(risk_rule(&err), Some(Rule::Halted));
    client
        .place(
            OrderRequest::market("BTC-USDT-SWAP", Side::Sell, d("1"))
                .td_mode(TdMode::Cross)
                .reduce_only(),
        )
        .await
        .expect("reduce-only passes");
    // A restarted bot reads the state file and stays halted.
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(&state_file).expect("state file"))
            .expect("json");
    assert!(
        saved["halted"]
            .as_str()
            .is_some_and(|r| r.contains("daily loss"))
    );
    drop(kill);
    let restarted = builder(&okx).connect().await.expect("connects again");
    let guard2 = RiskGuard::new(RiskLimits::default());
    restarted.set_risk_guard(guard2.clone());
    let kill2 = KillSwitch::start(
        &restarted,
        guard2.clone(),
        KillSwitchConfig {
            state_file: Some(state_file.clone()),
            ..KillSwitchConfig::default()
        },
    )
    .await
    .expect("starts");
    assert!(guard2.is_halted() && kill2.halted().is_some());
    let err = restarted
        .place(OrderRequest::limit(
            "BTC-USDT",
            Side::Buy,
            d("0.01"),
            bid - d("50"),
        ))
        .await
        .expect_err("still halted");
    assert_eq!(risk_rule(&err), Some(Rule::Halted));
    kill2.reset();
    restarted
        .place(OrderRequest::limit(
            "BTC-USDT",
            Side::Buy,
            d("0.01"),
            bid - d("50"),
        ))
        .await
        .expect("a person reset it");
}

#[tokio::test]
async fn kill_switch_trips_after_n_refused_orders() {
    let okx = still().await;
    let client = builder(&okx)
        .route(okx_client::Route::Rest)
        .connect()
        .await
        .expect("connects");
    let guard = RiskGuard::new(RiskLimits::default());
    client.set_risk_guard(guard.clone());
    let kill = KillSwitch::start(
        &client,
        guard,
        KillSwitchConfig {
            max_rejects: Some((3, Duration::from_secs(10))),
            ..KillSwitchConfig::default()
        },
    )
    .await
    .expect("starts");
    let mut tripped = kill.changes();
    for _ in 0..3 {
        // More USDT than the account holds: OKX refuses with 51008.
        let err = client
            .place(OrderRequest::limit(
                "BTC-USDT",
                Side::Buy,
                d("100"),
                d("20000"),
            ))
            .await
            .expect_err("refused");
        assert_eq!(err.okx_code().map(|c| c.0), Some(51008), "{err}");
    }
    tokio::time::timeout(Duration::from_secs(5), tripped.wait_for(Option::is_some))
        .await
        .expect("tripped")
        .expect("open");
    assert!(kill.halted().is_some_and(|r| r.contains("refused")));
}

#[tokio::test]
async fn dead_man_switch_cancels_when_the_strategy_stops_beating_not_while_it_beats() {
    let okx = still().await;
    let client = builder(&okx).connect().await.expect("connects");
    let (bid, _) = okx.best_bid_ask("BTC-USDT").expect("book");
    let ack = client
        .place(OrderRequest::limit(
            "BTC-USDT",
            Side::Buy,
            d("0.01"),
            bid - d("50"),
        ))
        .await
        .expect("placed");
    let t0 = okx.now_ms();
    okx.pin_clock(Some(t0));
    let dms = std::sync::Arc::new(
        DeadMansSwitch::start(&client, Duration::from_secs(10), Duration::from_secs(2))
            .await
            .expect("armed"),
    );
    // The strategy beats every 200 ms.
    let beater = {
        let dms = dms.clone();
        tokio::spawn(async move {
            loop {
                dms.heartbeat();
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
    };
    // The exchange clock moves 8 s at a time, each time after the switch
    // re-armed OKX's 10 s countdown.
    for step in 1..=4 {
        tokio::time::sleep(Duration::from_millis(1300)).await;
        okx.pin_clock(Some(t0 + step * 8_000));
        tokio::time::sleep(Duration::from_millis(1300)).await;
        assert_eq!(open_at_exchange(&okx), 1, "still beating at step {step}");
    }
    beater.abort();
    // The strategy stops beating: no more refreshes, OKX's countdown runs out.
    tokio::time::sleep(Duration::from_millis(3500)).await;
    okx.pin_clock(Some(t0 + 32_000 + 11_000));
    let done = tokio::time::timeout(
        Duration::from_secs(5),
        client.tracker().wait_terminal(ack.ord_id.as_str()),
    )
    .await
    .expect("cancelled by the exchange");
    assert_eq!(done.state, OrderState::Canceled);
    assert_eq!(done.cancel_source, "20", "cancel-all-after fired");
    assert!(
        DeadMansSwitch::start(&client, Duration::from_secs(5), Duration::from_secs(1))
            .await
            .is_err(),
        "OKX takes 10-120 s"
    );
}

#[tokio::test]
async fn audit_log_has_one_request_and_one_outcome_per_order_and_no_secret() {
    let okx = still().await;
    let dir = tmp("audit");
    let client = builder(&okx)
        .configure_rest(|b| b.timeout(Duration::from_millis(400)))
        .connect()
        .await
        .expect("connects");
    client.set_audit_log(AuditLog::open(&dir).expect("opens"));
    let (bid, ask) = okx.best_bid_ask("SOL-USDT").expect("book");
    for i in 0..12 {
        if i % 4 == 1 {
            okx.rest().fail_next(
                "/api/v5/trade/order",
                okx_testkit::rest::Fault::Timeout { processed: true },
                1,
            );
        }
        if i % 5 == 2 {
            okx.ws().inject(okx_testkit::ws::Fault::DropPrivate(
                okx_testkit::TEST_UID.into(),
            ));
        }
        let px = if i % 3 == 0 {
            ask + d("1")
        } else {
            bid - d("1")
        };
        let route = if i % 2 == 0 {
            okx_client::Route::Rest
        } else {
            okx_client::Route::Auto
        };
        let _ = client
            .place_via(
                OrderRequest::limit("SOL-USDT", Side::Buy, d("1"), px),
                route,
            )
            .await;
    }
    // A refusal from OKX and one from nobody (bad clOrdId never leaves).
    let _ = client
        .place(OrderRequest::limit("SOL-USDT", Side::Buy, d("100000"), bid))
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let path = client.audit().expect("log").path();
    let text = std::fs::read_to_string(&path).expect("readable");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    let count = |kind: &str, cl: &str| {
        lines
            .iter()
            .filter(|l| l["kind"] == kind && l["clOrdId"] == cl)
            .count()
    };
    let orders = okx.orders_of(okx_testkit::TEST_UID);
    assert!(orders.len() >= 12);
    for o in &orders {
        let cl = o["clOrdId"].as_str().unwrap_or_default();
        assert_eq!(
            (count("request", cl), count("response", cl)),
            (1, 1),
            "order {cl}"
        );
    }
    assert!(
        lines
            .iter()
            .any(|l| l["kind"] == "response" && l["outcome"] == "rejected" && l["code"] == "51008")
    );
    assert!(lines.iter().any(|l| l["kind"] == "fill"), "fills recorded");
    assert!(
        lines
            .iter()
            .filter(|l| l["kind"] == "response" && l["outcome"] == "ok")
            .all(|l| l["latencyMs"].as_i64().is_some())
    );
    assert!(
        lines.iter().any(|l| l["inTime"].as_i64().is_some()),
        "gateway times kept"
    );
    for secret in [
        okx_testkit::TEST_SECRET,
        okx_testkit::TEST_PASSPHRASE,
        "OK-ACCESS-SIGN",
        "\"sign\"",
    ] {
        assert!(!text.contains(secret), "the audit log holds {secret}");
    }
    let summary = okx_client::safety::summarize(&path).expect("summarized");
    assert_eq!(summary.bad_lines, 0);
    assert!(summary.ack_ms.is_some() && summary.gateway_us.is_some());
}
