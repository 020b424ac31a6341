//! The client against the testkit's OKX look-alike over loopback.

use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use okx_auth::Credentials;
use okx_models::trade::{AmendRequest, CancelRequest, OrderRequest};
use okx_models::{Candle, ClOrdId, Instrument, Side, TdMode, Ticker};
use okx_rest::api::trade::GetOrder;
use okx_rest::{
    Error, Invalid, LimitScope, LimitUnit, Method, OkxCode, Paginated, RateLimit, Request,
    RestClient, RestClientBuilder, WriteOutcome, oldest_first,
};
use okx_testkit::rest::{Fault, MockOkx};
use rust_decimal::Decimal;
use serde::Serialize;

#[path = "client/outcomes.rs"]
mod outcomes;

#[path = "client/body.rs"]
mod body;

#[path = "client/errors.rs"]
mod errors;

#[path = "client/proxy.rs"]
mod proxy;

#[path = "client/pinning.rs"]
mod pinning;

fn builder(okx: &MockOkx) -> RestClientBuilder {
    RestClient::builder()
        .base_url(okx.base_url())
        .credentials(Credentials::new(
            okx.api_key(),
            okx.secret(),
            okx.passphrase(),
        ))
        .retries(3, Duration::from_millis(20))
}

fn client(okx: &MockOkx) -> RestClient {
    builder(okx).build().expect("client builds")
}

fn dec(s: &str) -> Decimal {
    s.parse().expect("decimal literal")
}

fn limit_order(sz: &str) -> OrderRequest {
    // Below the simulated market (near 30000): the order rests.
    OrderRequest::limit("BTC-USDT", Side::Buy, dec(sz), dec("25000.5"))
}

fn with_id(order: OrderRequest, id: &str) -> OrderRequest {
    order.cl_ord_id(id).expect("a valid clOrdId")
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct GetTicker {
    inst_id: String,
}

impl Request for GetTicker {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v5/market/ticker";
    const SIGNED: bool = false;
    const RATE_LIMIT: RateLimit = RateLimit {
        count: 20,
        window_ms: 2000,
        unit: LimitUnit::Requests,
        scope: LimitScope::Ip,
    };
    type Response = Ticker;
}

fn ticker() -> GetTicker {
    GetTicker {
        inst_id: "BTC-USDT".into(),
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct HistoryCandles {
    inst_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    after: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    before: Option<String>,
    limit: Option<u32>,
}

impl Request for HistoryCandles {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v5/market/history-candles";
    const SIGNED: bool = false;
    const RATE_LIMIT: RateLimit = RateLimit {
        count: 20,
        window_ms: 2000,
        unit: LimitUnit::Requests,
        scope: LimitScope::Ip,
    };
    type Response = Candle;

    fn finish(data: &mut Vec<Candle>) {
        oldest_first(data, |c| c.ts);
    }
}

impl Paginated for HistoryCandles {
    fn set_after(&mut self, cursor: Option<String>) {
        self.after = cursor;
    }

    fn set_before(&mut self, cursor: Option<String>) {
        self.before = cursor;
    }

    fn cursor(&self, item: &Candle) -> Option<String> {
        Some(item.ts.to_string())
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct GetInstruments {
    inst_type: String,
}

impl Request for GetInstruments {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v5/public/instruments";
    const SIGNED: bool = false;
    const RATE_LIMIT: RateLimit = RateLimit {
        count: 20,
        window_ms: 2000,
        unit: LimitUnit::Requests,
        scope: LimitScope::IpInstType,
    };
    type Response = Instrument;
}

#[tokio::test]
async fn public_call_decodes_decimals_without_credentials() {
    let okx = MockOkx::start().await;
    let public = RestClient::builder()
        .base_url(okx.base_url())
        .demo(true)
        .build()
        .expect("builds");
    let t = public.send(&ticker()).await.expect("ticker");
    assert_eq!(t[0].inst_id.as_str(), "BTC-USDT");
    // No trade yet: the last price is where the simulated market started.
    assert_eq!(t[0].last, Some(dec("30000")));
    let log = okx.requests();
    assert_eq!(log[0].query, "instId=BTC-USDT");
    assert!(!log[0].signed);
    assert!(log[0].demo, "demo mode marks public calls too");
}

#[tokio::test]
async fn signed_place_is_accepted_with_exp_time() {
    let okx = MockOkx::start().await;
    let c = client(&okx);
    let ack = c
        .place(with_id(limit_order("0.01"), "tour1"))
        .await
        .expect("placed");
    assert_eq!(ack.cl_ord_id.as_ref().map(ClOrdId::as_str), Some("tour1"));
    assert!(!ack.ord_id.as_str().is_empty());
    let log = okx.requests();
    assert!(log[0].signed);
    let exp: i64 = log[0]
        .exp_time
        .as_deref()
        .and_then(|e| e.parse().ok())
        .expect("expTime header");
    assert!(exp > c.clock().now_millis());
    assert_eq!(okx.orders().len(), 1);
}

#[tokio::test]
async fn wrong_secret_is_a_typed_auth_error() {
    let okx = MockOkx::start().await;
    let bad = RestClient::builder()
        .base_url(okx.base_url())
        .credentials(Credentials::new(
            okx.api_key(),
            "not-the-secret",
            okx.passphrase(),
        ))
        .build()
        .expect("builds");
    let err = bad
        .place(limit_order("0.01"))
        .await
        .expect_err("bad signature");
    assert!(err.is_auth(), "{err}");
    assert_eq!(err.okx_code(), Some(OkxCode::INVALID_SIGNATURE));
    assert_eq!(err.http_status(), Some(401));
    assert_eq!(err.write_outcome(), WriteOutcome::Rejected);
    assert!(!err.is_retryable());
    assert!(okx.orders().is_empty());
}

#[tokio::test]
async fn private_call_without_credentials_sends_nothing() {
    let okx = MockOkx::start().await;
    let public = RestClient::builder()
        .base_url(okx.base_url())
        .build()
        .expect("builds");
    let err = public
        .place(limit_order("0.01"))
        .await
        .expect_err("no credentials");
    assert!(matches!(
        err,
        Error::MissingCredentials("/api/v5/trade/order")
    ));
    assert_eq!(err.write_outcome(), WriteOutcome::NotSent);
    assert!(okx.requests().is_empty());
}

#[tokio::test]
async fn clock_skew_resyncs_once_and_retries() {
    let okx = MockOkx::start().await;
    okx.set_clock_skew_ms(120_000);
    let c = client(&okx);
    let ack = c.place(limit_order("0.01")).await.expect("placed");
    assert!(!ack.ord_id.as_str().is_empty());
    let codes: Vec<(String, String)> = okx
        .requests()
        .into_iter()
        .map(|r| (r.path, r.code))
        .collect();
    assert_eq!(codes[0], ("/api/v5/trade/order".into(), "50102".into()));
    assert_eq!(codes[1].0, "/api/v5/public/time");
    assert_eq!(codes[2], ("/api/v5/trade/order".into(), "0".into()));
    let offset = c.clock().millis();
    assert!((offset - 120_000).abs() < 2_000, "offset {offset}");
    assert_eq!(okx.orders().len(), 1);
}

#[tokio::test]
async fn rate_limited_get_backs_off_and_retries() {
    let okx = MockOkx::start().await;
    okx.fail_next("/api/v5/market/ticker", Fault::RateLimit, 2);
    let t = client(&okx)
        .send(&ticker())
        .await
        .expect("third try passes");
    assert_eq!(t.len(), 1);
    assert_eq!(okx.count("GET", "/api/v5/market/ticker"), 3);
}

#[tokio::test]
async fn server_errors_on_reads_are_retried_but_not_on_writes() {
    let okx = MockOkx::start().await;
    let c = client(&okx);
    okx.fail_next("/api/v5/market/ticker", Fault::Status(502), 1);
    c.send(&ticker()).await.expect("retried after 502");
    assert_eq!(okx.count("GET", "/api/v5/market/ticker"), 2);
    okx.fail_next("/api/v5/trade/cancel-order", Fault::Status(503), 1);
    let err = c
        .cancel(CancelRequest::by_ord_id("BTC-USDT", "1"))
        .await
        .expect_err("503");
    assert!(err.is_retryable());
    assert_eq!(okx.count("POST", "/api/v5/trade/cancel-order"), 1);
}

#[tokio::test]
async fn the_limiter_waits_so_okx_never_says_429() {
    let okx = MockOkx::start().await;
    let window = Duration::from_millis(300);
    okx.set_rate_limit("GET /api/v5/market/ticker", 3, window, false);
    let c = builder(&okx)
        .rate_limit(
            "/api/v5/market/ticker",
            RateLimit {
                count: 3,
                window_ms: 300,
                unit: LimitUnit::Requests,
                scope: LimitScope::Ip,
            },
        )
        .retries(0, Duration::ZERO)
        .build()
        .expect("builds");
    let start = Instant::now();
    for _ in 0..9 {
        c.send(&ticker()).await.expect("waits for its turn");
    }
    assert!(start.elapsed() >= window * 2, "{:?}", start.elapsed());
    assert!(okx.requests().iter().all(|r| r.status == 200));
}

#[tokio::test]
async fn lost_answer_is_resolved_by_lookup_without_a_second_order() {
    let okx = MockOkx::start().await;
    okx.fail_next("/api/v5/trade/order", Fault::Timeout { processed: true }, 1);
    let c = builder(&okx)
        .timeout(Duration::from_millis(300))
        .exp_window(Duration::from_millis(500))
        .build()
        .expect("builds");
    let ack = c
        .place(with_id(limit_order("0.01"), "lost1"))
        .await
        .expect("found by clOrdId");
    assert_eq!(ack.cl_ord_id.as_ref().map(ClOrdId::as_str), Some("lost1"));
    assert_eq!(okx.orders().len(), 1, "exactly one order");
    assert_eq!(okx.count("POST", "/api/v5/trade/order"), 1, "never resent");
    assert!(okx.count("GET", "/api/v5/trade/order") >= 1);
}

#[tokio::test]
async fn dropped_request_is_resent_only_after_exp_time() {
    let okx = MockOkx::start().await;
    okx.fail_next(
        "/api/v5/trade/order",
        Fault::Timeout { processed: false },
        1,
    );
    let c = builder(&okx)
        .timeout(Duration::from_millis(300))
        .exp_window(Duration::from_millis(600))
        .build()
        .expect("builds");
    let ack = c.place(limit_order("0.01")).await.expect("placed");
    assert_eq!(okx.orders().len(), 1, "exactly one order");
    assert_eq!(
        Some(okx.orders()[0].cl_ord_id.as_str()),
        ack.cl_ord_id.as_ref().map(ClOrdId::as_str)
    );
    let log = okx.requests();
    let first_exp: i64 = log[0]
        .exp_time
        .as_deref()
        .and_then(|e| e.parse().ok())
        .expect("expTime");
    let lookups = log
        .iter()
        .filter(|r| r.method == "GET" && r.path == "/api/v5/trade/order")
        .count();
    assert!(lookups >= 2, "looked up before and after expTime");
    let resent = log.last().expect("resend logged");
    assert_eq!(resent.path, "/api/v5/trade/order");
    let resent_exp: i64 = resent
        .exp_time
        .as_deref()
        .and_then(|e| e.parse().ok())
        .expect("expTime");
    assert!(resent_exp > first_exp);
}

#[tokio::test]
async fn batch_with_one_failed_item_keeps_every_result() {
    let okx = MockOkx::start().await;
    okx.reject_orders_where(|o| {
        (o["sz"] == "7").then(|| (51008, "Order failed. Insufficient USDT balance".to_owned()))
    });
    let c = client(&okx);
    let out = c
        .place_many(vec![limit_order("1"), limit_order("7"), limit_order("2")])
        .await
        .expect("batch answered");
    assert_eq!(out.len(), 3);
    assert!(out[0].is_ok() && out[2].is_ok());
    let failed = out[1].as_ref().expect_err("second rejected");
    assert_eq!((failed.index, failed.code), (1, OkxCode(51008)));
    assert_eq!(okx.orders().len(), 2);
    assert_eq!(okx.requests()[0].code, "2");
}

#[tokio::test]
async fn amend_cancel_and_look_up() {
    let okx = MockOkx::start().await;
    let c = client(&okx);
    let ack = c.place(limit_order("0.5")).await.expect("placed");
    let cl = ack.cl_ord_id.clone().expect("every order gets a clOrdId");
    let amended = c
        .amend(
            AmendRequest::by_cl_ord_id("BTC-USDT", cl)
                .new_px(dec("24000"))
                .req_id("amend1")
                .expect("a valid reqId"),
        )
        .await
        .expect("amended");
    assert_eq!(amended.req_id, "amend1");
    let order = c
        .get_order(GetOrder::new("BTC-USDT").ord_id(ack.ord_id.as_str()))
        .await
        .expect("looked up")
        .expect("exists");
    assert_eq!(order.px, Some(dec("24000")));
    c.cancel(CancelRequest::by_ord_id("BTC-USDT", ack.ord_id.clone()))
        .await
        .expect("canceled");
    let err = c
        .cancel(CancelRequest::by_ord_id("BTC-USDT", ack.ord_id))
        .await
        .expect_err("already canceled");
    assert_eq!(err.okx_code(), Some(OkxCode::CANCEL_FAILED));
    assert_eq!(err.write_outcome(), WriteOutcome::Rejected);
}

#[tokio::test]
async fn candles_come_oldest_first_and_paginate_back_in_time() {
    let okx = MockOkx::start().await;
    // An instrument listed 450 minutes before the exchange's pinned clock.
    let newest: i64 = 1_700_000_040_000;
    okx.pin_clock(Some(newest + 30_000));
    let mut spec = okx_testkit::InstrumentSpec::spot(
        "CNDL-USDT",
        dec("0.1"),
        dec("0.0001"),
        dec("0.0001"),
        dec("100"),
    );
    spec.list_time = newest - 449 * 60_000;
    okx.list(spec);
    let c = client(&okx);
    let req = HistoryCandles {
        inst_id: "CNDL-USDT".into(),
        after: None,
        before: None,
        limit: Some(100),
    };
    let page = c.send(&req).await.expect("candles");
    assert_eq!(page.len(), 100);
    assert!(page.windows(2).all(|w| w[0].ts < w[1].ts), "oldest first");

    let pages: Vec<Vec<Candle>> = c
        .pages(req.clone())
        .map(|p| p.expect("page"))
        .collect()
        .await;
    assert_eq!(pages.len(), 5, "450 candles in pages of 100");
    for pair in pages.windows(2) {
        assert!(pair[1].last().map(|c| c.ts) < pair[0].first().map(|c| c.ts));
    }
    let all: Vec<Candle> = c.paginate(req).map(|c| c.expect("candle")).collect().await;
    assert_eq!(all.len(), 450);
    let mut ts: Vec<i64> = all.iter().map(|c| c.ts).collect();
    ts.sort_unstable();
    ts.dedup();
    assert_eq!(ts.len(), 450, "no candle twice");
}

#[tokio::test]
async fn local_checks_send_nothing() {
    let okx = MockOkx::start().await;
    let c = client(&okx);
    let mut no_px = limit_order("1");
    no_px.px = None;
    let err = c.place(no_px).await.expect_err("no price");
    assert!(matches!(err, Error::Invalid(Invalid::MissingPrice(_))));
    let err = c
        .place_many(vec![limit_order("1"), limit_order("0")])
        .await
        .expect_err("no size");
    assert!(matches!(err, Error::Invalid(Invalid::Size(_))));
    assert!(
        limit_order("1").cl_ord_id("has-dash").is_err(),
        "a bad clOrdId cannot even be set"
    );
    let err = c
        .place_many((0..21).map(|_| limit_order("1")).collect())
        .await
        .expect_err("too many");
    assert!(matches!(err, Error::Invalid(Invalid::BatchSize(21))));
    assert!(okx.requests().is_empty(), "nothing sent");

    let swap = c
        .send(&GetInstruments {
            inst_type: "SWAP".into(),
        })
        .await
        .expect("instruments")
        .remove(0);
    let before = okx.requests().len();
    let order = OrderRequest::limit("BTC-USDT-SWAP", Side::Sell, dec("0.015"), dec("1"))
        .td_mode(TdMode::Cross);
    let err = c.place_for(order, &swap).await.expect_err("lot size");
    assert!(
        matches!(err, Error::Invalid(Invalid::LotSize { .. })),
        "{err}"
    );
    assert_eq!(err.write_outcome(), WriteOutcome::NotSent);
    assert_eq!(okx.requests().len(), before, "nothing sent");
}

#[tokio::test]
async fn rate_limited_place_is_sent_again_with_the_same_cl_ord_id() {
    let okx = MockOkx::start().await;
    okx.fail_next("/api/v5/trade/order", Fault::RateLimit, 1);
    let ack = client(&okx)
        .place(limit_order("0.01"))
        .await
        .expect("second try passes");
    let posts: Vec<String> = okx
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.body)
        .collect();
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0], posts[1], "same order, same clOrdId");
    assert!(posts[0].contains(ack.cl_ord_id.as_ref().map_or("-", ClOrdId::as_str)));
    assert_eq!(okx.orders().len(), 1);
}

#[tokio::test]
async fn fail_policy_reports_the_wait_and_sends_nothing() {
    let okx = MockOkx::start().await;
    let c = builder(&okx)
        .limit_policy(okx_rest::LimitPolicy::Fail)
        .rate_limit(
            "/api/v5/market/ticker",
            RateLimit {
                count: 1,
                window_ms: 60_000,
                unit: LimitUnit::Requests,
                scope: LimitScope::Ip,
            },
        )
        .build()
        .expect("builds");
    c.send(&ticker()).await.expect("first fits");
    let err = c.send(&ticker()).await.expect_err("bucket full");
    match &err {
        Error::RateLimited { retry_after, .. } => assert!(*retry_after > Duration::from_secs(50)),
        other => panic!("unexpected {other}"),
    }
    assert_eq!(err.write_outcome(), WriteOutcome::NotSent);
    assert_eq!(okx.count("GET", "/api/v5/market/ticker"), 1);
}

#[tokio::test]
async fn debug_output_never_shows_the_secret_or_passphrase() {
    let okx = MockOkx::start().await;
    let b = builder(&okx);
    let shown = format!("{b:?} {:?}", b.clone().build().expect("builds"));
    assert!(shown.contains("RestAuth") || shown.contains("Credentials"));
    assert!(!shown.contains(okx.secret()));
    assert!(!shown.contains(okx.passphrase()));
}

#[tokio::test]
async fn pagination_stops_when_the_cursor_does_not_move() {
    // positions-history returns every record of one uTime even beyond
    // `limit`: a page whose oldest record is the cursor itself.
    let okx = MockOkx::start().await;
    let body = r#"{"code":"0","msg":"","data":[
        {"instType":"SWAP","instId":"BTC-USDT-SWAP","posId":"1","uTime":"1700000000000","cTime":"1690000000000"},
        {"instType":"SWAP","instId":"ETH-USDT-SWAP","posId":"2","uTime":"1700000000000","cTime":"1690000000000"}]}"#;
    okx.set_response("GET", "/api/v5/account/positions-history", 200, body);
    let c = client(&okx);
    let req = okx_rest::api::account::GetPositionsHistory::new();
    let pages = tokio::time::timeout(Duration::from_secs(10), c.pages(req).collect::<Vec<_>>())
        .await
        .expect("the stream ends instead of asking for the same page forever");
    assert_eq!(
        pages.len(),
        2,
        "the first page, then the repeat that stops it"
    );
    assert!(
        pages
            .iter()
            .all(|p| p.as_ref().map(Vec::len).ok() == Some(2))
    );
}

#[tokio::test]
async fn a_mixed_batch_counts_against_each_instrument() {
    const BATCH: &str = "/api/v5/trade/batch-orders";
    let okx = MockOkx::start().await;
    okx.set_rate_limit(&format!("POST {BATCH}"), 20, Duration::from_secs(60), true);
    let tight = RateLimit {
        count: 20,
        window_ms: 60_000,
        unit: LimitUnit::Orders,
        scope: LimitScope::UidInstIdOrFamily,
    };
    let eth = |n: usize| -> Vec<OrderRequest> {
        (0..n)
            .map(|_| OrderRequest::limit("ETH-USDT", Side::Buy, dec("1"), dec("3000")))
            .collect()
    };
    let mixed = || {
        let mut v: Vec<OrderRequest> = (0..10).map(|_| limit_order("0.01")).collect();
        v.extend(eth(10));
        v
    };
    let guarded = builder(&okx)
        .limit_policy(okx_rest::LimitPolicy::Fail)
        .rate_limit(BATCH, tight)
        .build()
        .expect("builds");
    guarded.place_many(eth(20)).await.expect("ETH's 20 fit");
    // BTC first, ETH full: refused locally although BTC has room.
    let err = guarded.place_many(mixed()).await.expect_err("ETH is full");
    assert!(matches!(err, Error::RateLimited { .. }), "{err}");
    assert_eq!(okx.count("POST", BATCH), 1, "nothing sent");
    // The look-alike counts the same way: sent anyway, it answers 50011.
    let unguarded = builder(&okx)
        .limit_policy(okx_rest::LimitPolicy::Off)
        .retries(0, Duration::from_millis(1))
        .build()
        .expect("builds");
    let err = unguarded.place_many(mixed()).await.expect_err("50011");
    assert_eq!(err.okx_code(), Some(OkxCode(50011)), "{err}");
    // BTC's bucket was not charged by either refusal.
    guarded
        .place_many((0..20).map(|_| limit_order("0.01")).collect())
        .await
        .expect("BTC's 20 fit");
}
