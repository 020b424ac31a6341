//! Order entry: one vocabulary, two routes, local checks, exactly once.

use std::time::Duration;

use super::common::*;
use okx_client::{CheckError, ClientError, Outcome, PrivateEvent, Route, Source};
use okx_models::trade::{AmendRequest, CancelRequest, OrderRequest};
use okx_models::{OrderState, Side};
use okx_testkit::rest::Fault;

#[tokio::test]
async fn orders_go_over_ws_when_it_is_up_and_the_tracker_follows_them() {
    let okx = still().await;
    let client = builder(&okx).connect().await.expect("connects");
    let mut private = client.private_events().expect("first take");
    assert!(client.private_events().is_none(), "taken once");
    assert!(client.private_connected());
    let code = client
        .instruments()
        .code("BTC-USDT")
        .expect("instIdCode loaded");
    assert_eq!(Some(code), okx.inst_id_code("BTC-USDT"));
    let (bid, _) = okx.best_bid_ask("BTC-USDT").expect("book");
    let quote = OrderRequest::limit("BTC-USDT", Side::Buy, d("0.01"), bid).post_only();
    let ack = client.place(quote).await.expect("placed");
    assert!(ack.cl_ord_id.is_some(), "every order gets a clOrdId");
    assert!(
        okx.rest().count("POST", "/api/v5/trade/order") == 0,
        "it went over the WebSocket"
    );
    let ev = until(&mut private, Duration::from_secs(5), |e| {
        matches!(e, PrivateEvent::Order { .. })
    })
    .await;
    let PrivateEvent::Order { order, source } = ev else {
        unreachable!()
    };
    assert_eq!(
        (order.ord_id.as_str(), source),
        (ack.ord_id.as_str(), Source::Live)
    );
    assert_eq!(order.state, OrderState::Live);
    let amended = client
        .amend(AmendRequest::by_ord_id("BTC-USDT", ack.ord_id.clone()).new_sz(d("0.02")))
        .await
        .expect("amended");
    assert_eq!(amended.ord_id, ack.ord_id);
    client
        .cancel(CancelRequest::by_ord_id("BTC-USDT", ack.ord_id.clone()))
        .await
        .expect("cancelled");
    let done = tokio::time::timeout(
        Duration::from_secs(5),
        client.tracker().wait_terminal(ack.ord_id.as_str()),
    )
    .await
    .expect("terminal in time");
    assert_eq!(done.state, OrderState::Canceled);
    assert_eq!(done.sz, d("0.02"));
    // Forced over REST, the same vocabulary.
    let ack = client
        .place_via(
            OrderRequest::limit("BTC-USDT", Side::Buy, d("0.01"), bid - d("100")),
            Route::Rest,
        )
        .await
        .expect("placed over REST");
    assert_eq!(okx.rest().count("POST", "/api/v5/trade/order"), 1);
    let o = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let Some(t) = client.tracker().order(ack.ord_id.as_str()) {
                return t;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the REST order's push reaches the tracker");
    assert_eq!(o.order.state, OrderState::Live);
}

#[tokio::test]
async fn orders_that_do_not_fit_are_refused_locally() {
    let okx = still().await;
    let client = builder(&okx).connect().await.expect("connects");
    let cases = [
        OrderRequest::limit("BTC-USDT", Side::Buy, d("0.01"), d("20000.05")),
        OrderRequest::limit("BTC-USDT", Side::Buy, d("0.000001"), d("20000")),
        OrderRequest::limit("BTC-USDT", Side::Buy, d("0.000011111"), d("20000")),
        OrderRequest::limit("NOPE-USDT", Side::Buy, d("1"), d("1")),
    ];
    for order in cases {
        let err = client.place(order.clone()).await.expect_err("refused");
        assert!(matches!(err, ClientError::Check(_)), "{order:?}: {err}");
        assert_eq!(err.outcome(), Outcome::NotSent);
    }
    let err = client
        .place(OrderRequest::limit(
            "BTC-USDT",
            Side::Buy,
            d("0.01"),
            d("20000.05"),
        ))
        .await
        .expect_err("refused");
    assert!(matches!(err, ClientError::Check(CheckError::Tick { .. })));
    assert_eq!(
        okx.ws().stats().trade_ops,
        0,
        "nothing reached the exchange"
    );
    assert!(okx.rest().orders().is_empty());
    assert_eq!(
        client
            .instruments()
            .round_price("BTC-USDT", d("20000.06"), okx_client::Rounding::Down)
            .ok(),
        Some(d("20000.0"))
    );
}

#[tokio::test]
async fn an_order_whose_ws_answer_never_comes_is_settled_over_rest_exactly_once() {
    let okx = still().await;
    let client = builder(&okx)
        .configure_ws(|mut cfg| {
            cfg.request_timeout = Duration::from_millis(300);
            cfg.connections_per_second = 1000;
            cfg
        })
        .connect()
        .await
        .expect("connects");
    // The exchange takes the order but its answer comes too late.
    okx.ws()
        .inject(okx_testkit::ws::Fault::DelayResponses(Duration::from_secs(
            2,
        )));
    let (bid, _) = okx.best_bid_ask("BTC-USDT").expect("book");
    let order = OrderRequest::limit("BTC-USDT", Side::Buy, d("0.01"), bid - d("50"))
        .cl_ord_id("lostanswer1")
        .expect("valid id");
    let ack = client.place(order).await.expect("settled");
    okx.ws()
        .inject(okx_testkit::ws::Fault::DelayResponses(Duration::ZERO));
    let mine: Vec<_> = okx
        .rest()
        .orders()
        .into_iter()
        .filter(|o| o.cl_ord_id == "lostanswer1")
        .collect();
    assert_eq!(mine.len(), 1, "one order at the exchange");
    assert_eq!(mine[0].ord_id, ack.ord_id.as_str());
    assert!(
        okx.rest().count("GET", "/api/v5/trade/order") >= 1,
        "looked up over REST"
    );
}

#[tokio::test]
async fn a_lost_rest_answer_never_duplicates_an_order() {
    let okx = still().await;
    let client = builder(&okx)
        .route(Route::Rest)
        .configure_rest(|b| b.timeout(Duration::from_millis(400)))
        .connect()
        .await
        .expect("connects");
    okx.rest()
        .fail_next("/api/v5/trade/order", Fault::Timeout { processed: true }, 1);
    let (bid, _) = okx.best_bid_ask("BTC-USDT").expect("book");
    let ack = client
        .place(OrderRequest::limit(
            "BTC-USDT",
            Side::Buy,
            d("0.01"),
            bid - d("50"),
        ))
        .await
        .expect("settled");
    let orders = okx.rest().orders();
    assert_eq!(orders.len(), 1, "the lost answer was looked up, not resent");
    assert_eq!(orders[0].ord_id, ack.ord_id.as_str());
}
