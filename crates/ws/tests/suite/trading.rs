use super::common::*;
use okx_models::ClOrdId;
use okx_models::trade::{AmendRequest, CancelRequest, OrderRequest};
use okx_models::{OkxCode, OrderState, Side};
use okx_testkit::ws::{Fault, WsServer};
use okx_ws::{Arg, PushData, WsClient, WsError, WsEvent};
use rust_decimal::Decimal;
use std::time::Duration;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

async fn trading_client(server: &WsServer) -> (WsClient, okx_ws::WsEvents) {
    server.add_instrument("BTC-USDT", 10459, "30000");
    server.add_instrument("ETH-USDT", 10460, "2000");
    let (client, events) = WsClient::new(private_config(server)).unwrap();
    client.set_inst_id_code("BTC-USDT", 10459);
    client.set_inst_id_code("ETH-USDT", 10460);
    client
        .subscribe([Arg::new("orders").inst_type("ANY")])
        .await
        .unwrap();
    (client, events)
}

#[tokio::test]
async fn concurrent_orders_each_get_their_own_response() {
    let server = WsServer::start().await.unwrap();
    let (client, _events) = trading_client(&server).await;
    server.inject(Fault::DelayResponses(Duration::from_millis(20)));
    let mut tasks = Vec::new();
    for i in 0..24 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let inst = if i % 2 == 0 { "BTC-USDT" } else { "ETH-USDT" };
            let order = OrderRequest::limit(inst, Side::Buy, dec("0.01"), dec("100"))
                .cl_ord_id(&format!("c{i}"))
                .unwrap();
            (i, client.trading().place(&order).await)
        }));
    }
    let mut ord_ids = Vec::new();
    for task in tasks {
        let (i, res) = task.await.unwrap();
        let ack = res.unwrap();
        assert_eq!(
            ack.cl_ord_id.map(ClOrdId::into_string),
            Some(format!("c{i}"))
        );
        ord_ids.push(ack.ord_id);
    }
    ord_ids.sort();
    ord_ids.dedup();
    assert_eq!(ord_ids.len(), 24);
}

#[tokio::test]
async fn a_market_order_is_acked_then_pushed_as_it_fills() {
    let server = WsServer::start().await.unwrap();
    let (client, mut events) = trading_client(&server).await;
    let ack = client
        .trading()
        .exp_time(i64::MAX)
        .place(
            &OrderRequest::market("BTC-USDT", Side::Sell, dec("0.5"))
                .cl_ord_id("m1")
                .unwrap(),
        )
        .await
        .unwrap();
    // It sweeps several bid levels of the simulated book: one push per
    // fill, each with its own trade, the last one `filled`.
    let mut states = Vec::new();
    let mut filled = Decimal::ZERO;
    while states.last() != Some(&OrderState::Filled) {
        let ev = wait_for(&mut events, Duration::from_secs(5), |e| {
            matches!(e, WsEvent::Push(_))
        })
        .await;
        let WsEvent::Push(push) = ev else {
            unreachable!()
        };
        let PushData::Orders(rows) = &push.data else {
            continue;
        };
        assert_eq!(rows[0].ord_id, ack.ord_id);
        assert!(!rows[0].trade_id.is_empty(), "every push carries its fill");
        filled += rows[0].fill_sz.unwrap_or_default();
        assert_eq!(rows[0].acc_fill_sz, filled, "fills add up");
        states.push(rows[0].state.clone());
    }
    assert!(states.len() > 1, "{states:?}");
    assert!(
        states[..states.len() - 1]
            .iter()
            .all(|s| *s == OrderState::PartiallyFilled)
    );
    assert_eq!(filled, dec("0.5"));
}

#[tokio::test]
async fn cancel_and_amend_resolve_by_id() {
    let server = WsServer::start().await.unwrap();
    let (client, _events) = trading_client(&server).await;
    let t = client.trading();
    let ack = t
        .place(&OrderRequest::limit(
            "BTC-USDT",
            Side::Buy,
            dec("1"),
            dec("10"),
        ))
        .await
        .unwrap();
    let amend = AmendRequest::by_ord_id("BTC-USDT", ack.ord_id.clone())
        .new_px(dec("11"))
        .req_id("r1")
        .unwrap();
    let amended = t.amend(&amend).await.unwrap();
    assert_eq!(amended.req_id, "r1");
    let cancel = CancelRequest::by_ord_id("BTC-USDT", ack.ord_id);
    t.cancel(&cancel).await.unwrap();
    let err = t.cancel(&cancel).await.unwrap_err();
    assert_eq!(
        err,
        WsError::Rejected {
            code: OkxCode::CANCEL_FAILED,
            msg:
                "Order cancellation failed as the order has been filled, canceled or does not exist."
                    .into(),
            sub_code: String::new(),
        }
    );
}

#[tokio::test]
async fn a_batch_returns_one_result_per_item_on_partial_failure() {
    let server = WsServer::start().await.unwrap();
    let (client, _events) = trading_client(&server).await;
    let orders = vec![
        OrderRequest::limit("BTC-USDT", Side::Buy, dec("1"), dec("10"))
            .cl_ord_id("a")
            .unwrap(),
        OrderRequest::limit("BTC-USDT", Side::Buy, dec("0"), dec("10"))
            .cl_ord_id("b")
            .unwrap(),
        OrderRequest::limit("ETH-USDT", Side::Sell, dec("2"), dec("20"))
            .cl_ord_id("c")
            .unwrap(),
    ];
    let results = client.trading().place_many(&orders).await.unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(
        results[0]
            .as_ref()
            .map(|a| a.cl_ord_id.as_ref().map(ClOrdId::as_str)),
        Ok(Some("a"))
    );
    let err = results[1].as_ref().unwrap_err();
    assert_eq!(err.code, OkxCode::PARAM_ERROR);
    assert_eq!(err.cl_ord_id, "b");
    assert!(results[2].is_ok());
    let cancels: Vec<CancelRequest> = results
        .iter()
        .flatten()
        .filter_map(|a| a.cl_ord_id.clone())
        .map(|cl| CancelRequest::by_cl_ord_id("BTC-USDT", cl))
        .collect();
    // "c" is an ETH order cancelled under BTC's code: that item fails alone.
    let out = client.trading().cancel_many(&cancels).await.unwrap();
    assert!(out[0].is_ok() && out[1].is_err());
}

#[tokio::test]
async fn a_missing_inst_id_code_is_a_local_error_and_nothing_is_sent() {
    let server = WsServer::start().await.unwrap();
    let (client, _events) = trading_client(&server).await;
    let err = client
        .trading()
        .place(&OrderRequest::limit(
            "SOL-USDT",
            Side::Buy,
            dec("1"),
            dec("10"),
        ))
        .await
        .unwrap_err();
    assert_eq!(err, WsError::MissingInstIdCode("SOL-USDT".into()));
    let batch = [
        OrderRequest::limit("BTC-USDT", Side::Buy, dec("1"), dec("10")),
        OrderRequest::limit("SOL-USDT", Side::Buy, dec("1"), dec("10")),
    ];
    let err = client.trading().place_many(&batch).await.unwrap_err();
    assert_eq!(err, WsError::MissingInstIdCode("SOL-USDT".into()));
    assert_eq!(server.stats().trade_ops, 0);
}

#[tokio::test]
async fn an_unanswered_order_times_out_as_outcome_unknown() {
    let server = WsServer::start().await.unwrap();
    let mut cfg = private_config(&server);
    cfg.request_timeout = Duration::from_millis(300);
    server.add_instrument("BTC-USDT", 10459, "30000");
    let (client, _events) = WsClient::new(cfg).unwrap();
    client.set_inst_id_code("BTC-USDT", 10459);
    client
        .subscribe([Arg::new("orders").inst_type("ANY")])
        .await
        .unwrap();
    server.inject(Fault::DelayResponses(Duration::from_secs(5)));
    let err = client
        .trading()
        .place(&OrderRequest::limit(
            "BTC-USDT",
            Side::Buy,
            dec("1"),
            dec("10"),
        ))
        .await
        .unwrap_err();
    assert_eq!(err, WsError::Timeout);
    assert!(err.outcome_unknown());
}

#[tokio::test(start_paused = true)]
async fn orders_beyond_sixty_per_two_seconds_wait_for_the_window() {
    let server = WsServer::start().await.unwrap();
    let (client, _events) = trading_client(&server).await;
    let start = tokio::time::Instant::now();
    for i in 0..65 {
        let order = OrderRequest::limit("BTC-USDT", Side::Buy, dec("1"), dec("10"))
            .cl_ord_id(&format!("r{i}"))
            .unwrap();
        client.trading().place(&order).await.unwrap();
    }
    assert!(
        start.elapsed() >= Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn an_order_behind_a_stuck_event_queue_times_out_and_is_never_sent() {
    let server = WsServer::start().await.unwrap();
    let mut cfg = private_config(&server);
    cfg.request_timeout = Duration::from_millis(300);
    cfg.lossless_capacity = 1;
    server.add_instrument("BTC-USDT", 10459, "30000");
    let (client, mut events) = WsClient::new(cfg).unwrap();
    client.set_inst_id_code("BTC-USDT", 10459);
    client
        .subscribe([Arg::new("orders").inst_type("ANY")])
        .await
        .unwrap();
    // Nobody reads events, so the connection task blocks on the full
    // lossless queue, like a strategy awaiting an order inside its event loop.
    for i in 0..4 {
        server.push(
            serde_json::json!({"channel": "orders", "instType": "SPOT", "uid": "44000000000001"}),
            serde_json::json!([{"instType": "SPOT", "instId": "BTC-USDT", "ordId": format!("{i}"),
                "clOrdId": "", "px": "1", "sz": "1", "ordType": "limit", "side": "buy",
                "tdMode": "cash", "state": "live", "accFillSz": "0", "cTime": "1", "uTime": "1"}]),
        );
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let order = OrderRequest::limit("BTC-USDT", Side::Buy, dec("1"), dec("10"));
    let res = tokio::time::timeout(Duration::from_secs(5), client.trading().place(&order))
        .await
        .expect("the call must not hang behind the event queue");
    assert_eq!(res.unwrap_err(), WsError::Timeout);
    // The queue drains; the abandoned order must not go out late.
    let _ = drain(&mut events, Duration::from_millis(500)).await;
    assert_eq!(server.stats().trade_ops, 0);
}

#[tokio::test]
async fn an_error_event_carrying_the_order_id_goes_to_that_caller() {
    let server = WsServer::start().await.unwrap();
    let (client, mut events) = trading_client(&server).await;
    server.inject(Fault::RejectOps(Some("60012")));
    let order = OrderRequest::limit("BTC-USDT", Side::Buy, dec("1"), dec("10"));
    let err = tokio::time::timeout(Duration::from_secs(5), client.trading().place(&order))
        .await
        .expect("answered, not left to time out")
        .unwrap_err();
    assert!(
        matches!(err, WsError::Api { code, .. } if code == OkxCode(60012)),
        "{err:?}"
    );
    // Not also reported as a connection-level error.
    let seen = drain(&mut events, Duration::from_millis(200)).await;
    assert!(
        !seen.iter().any(|e| matches!(e, WsEvent::Error { .. })),
        "{seen:?}"
    );
}

#[tokio::test]
async fn spread_orders_go_on_a_logged_in_business_connection() {
    let server = WsServer::start().await.unwrap();
    let (client, mut events) = trading_client(&server).await;
    assert_eq!(client.connections(), 1);
    let logins = server.stats().logins;
    // Like every WS order, a spread order needs its connection up.
    client.connect(okx_ws::Endpoint::Business).unwrap();
    wait_for(&mut events, Duration::from_secs(5), |e| {
        matches!(
            e,
            WsEvent::Connected {
                endpoint: okx_ws::Endpoint::Business,
                ..
            }
        )
    })
    .await;
    assert_eq!(
        server.stats().logins,
        logins + 1,
        "the business connection logged in"
    );
    let out = client
        .trading()
        .sprd_place_order(&okx_ws::SprdPlaceOrder::limit(
            "BTC-USDT_BTC-USDT-SWAP",
            Side::Buy,
            dec("1"),
            dec("10"),
        ))
        .await;
    assert_eq!(client.connections(), 2, "sent on the business connection");
    match out {
        Ok(ack) => assert!(!ack.ord_id.as_str().is_empty()),
        // The look-alike has no spread trading yet and refuses the op.
        Err(WsError::Api { code, .. }) => assert_eq!(code, OkxCode::WS_ILLEGAL_REQUEST),
        Err(e) => panic!("{e:?}"),
    }
}
