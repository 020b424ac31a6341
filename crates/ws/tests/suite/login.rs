use super::common::*;
use okx_auth::Credentials;
use okx_models::OkxCode;
use okx_testkit::ws::{Fault, WsServer};
use okx_ws::{Arg, WsClient, WsError, WsEvent};
use std::time::Duration;

#[tokio::test(start_paused = true)]
async fn a_wrong_passphrase_stops_retrying_and_reports_it() {
    let server = WsServer::start().await.unwrap();
    let cfg = config(&server).credentials(Credentials::new(
        okx_testkit::TEST_API_KEY,
        okx_testkit::TEST_SECRET,
        "wrong",
    ));
    let (client, mut events) = WsClient::new(cfg).unwrap();
    let err = client
        .subscribe([Arg::new("orders").inst_type("ANY")])
        .await
        .unwrap_err();
    assert!(
        matches!(err, WsError::LoginRejected { code, .. } if code == OkxCode(60024)),
        "{err:?}"
    );
    let ev = wait_for(&mut events, Duration::from_secs(5), |e| {
        matches!(e, WsEvent::LoginFailed { .. })
    })
    .await;
    assert!(
        matches!(ev, WsEvent::LoginFailed { permanent: true, code, .. } if code == OkxCode(60024))
    );
    // A minute later: still exactly one attempt, and calls fail fast.
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert_eq!(server.stats().login_failures, 1);
    assert_eq!(server.stats().logins, 0);
    let err = client
        .subscribe([Arg::new("positions").inst_type("ANY")])
        .await
        .unwrap_err();
    assert!(matches!(err, WsError::LoginRejected { .. }), "{err:?}");
    let order = okx_models::trade::OrderRequest::market(
        "BTC-USDT",
        okx_models::Side::Buy,
        rust_decimal::Decimal::ONE,
    );
    client.set_inst_id_code("BTC-USDT", 1);
    let err = client.trading().place(&order).await.unwrap_err();
    assert!(matches!(err, WsError::LoginRejected { .. }), "{err:?}");
    assert_eq!(
        server.stats().connections,
        1,
        "no new connection retries a refused key"
    );
}

#[tokio::test(start_paused = true)]
async fn a_wrong_secret_is_an_invalid_sign_and_permanent() {
    let server = WsServer::start().await.unwrap();
    let cfg = config(&server).credentials(Credentials::new(
        okx_testkit::TEST_API_KEY,
        "not-the-secret",
        okx_testkit::TEST_PASSPHRASE,
    ));
    let (client, _events) = WsClient::new(cfg).unwrap();
    let err = client
        .subscribe([Arg::new("orders").inst_type("ANY")])
        .await
        .unwrap_err();
    assert!(
        matches!(err, WsError::LoginRejected { code, .. } if code == OkxCode(60007)),
        "{err:?}"
    );
    let err = client.subscribe([Arg::new("account")]).await.unwrap_err();
    assert!(matches!(err, WsError::LoginRejected { .. }));
}

#[tokio::test(start_paused = true)]
async fn a_transient_login_failure_is_retried_until_it_works() {
    let server = WsServer::start().await.unwrap();
    server.inject(Fault::RejectLogin(Some("60009")));
    let (client, mut events) = WsClient::new(private_config(&server)).unwrap();
    client.connect(okx_ws::Endpoint::Private).unwrap();
    let ev = wait_for(&mut events, Duration::from_secs(10), |e| {
        matches!(e, WsEvent::LoginFailed { .. })
    })
    .await;
    assert!(matches!(
        ev,
        WsEvent::LoginFailed {
            permanent: false,
            ..
        }
    ));
    server.inject(Fault::RejectLogin(None));
    wait_for(&mut events, Duration::from_secs(60), |e| {
        matches!(e, WsEvent::Connected { .. })
    })
    .await;
    assert!(server.stats().login_failures >= 1);
    assert_eq!(server.stats().logins, 1);
    client
        .subscribe([Arg::new("orders").inst_type("ANY")])
        .await
        .unwrap();
}

#[tokio::test(start_paused = true)]
async fn an_unknown_key_after_a_reconnect_stops_the_connection() {
    let server = WsServer::start().await.unwrap();
    let (client, mut events) = WsClient::new(private_config(&server)).unwrap();
    client
        .subscribe([Arg::new("orders").inst_type("ANY")])
        .await
        .unwrap();
    // The key gets deleted: OKX closes with 4007 and refuses the next login.
    server.inject(Fault::RejectLogin(Some("60005")));
    server.inject(Fault::Close(4007));
    let ev = wait_for(&mut events, Duration::from_secs(30), |e| {
        matches!(e, WsEvent::LoginFailed { .. })
    })
    .await;
    assert!(
        matches!(
            ev,
            WsEvent::LoginFailed {
                permanent: true,
                ..
            }
        ),
        "{ev:?}"
    );
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert_eq!(server.stats().login_failures, 1);
}

#[tokio::test(start_paused = true)]
async fn an_unexplained_login_failure_is_retried_slowly_and_forever() {
    let server = WsServer::start().await.unwrap();
    server.inject(Fault::RejectLogin(Some("60009")));
    let mut cfg = private_config(&server);
    cfg.request_timeout = Duration::from_secs(2);
    cfg.backoff_initial = Duration::from_millis(100);
    cfg.backoff_max = Duration::from_secs(20);
    let (client, mut events) = WsClient::new(cfg).unwrap();
    // Queued while the connection cannot log in: answered after
    // request_timeout, not held until some login works. (Its own task, so
    // the failures below are timed as they happen.)
    let queued = {
        let client = client.clone();
        tokio::spawn(async move {
            tokio::time::timeout(
                Duration::from_secs(3),
                client.subscribe([Arg::new("orders").inst_type("ANY")]),
            )
            .await
        })
    };

    // Well past SLOW_LOGIN_RETRY_AFTER failures nothing is given up.
    let mut failed_at = Vec::new();
    while failed_at.len() < okx_ws::SLOW_LOGIN_RETRY_AFTER as usize + 4 {
        let ev = wait_for(&mut events, Duration::from_secs(60), |e| {
            matches!(e, WsEvent::LoginFailed { .. })
        })
        .await;
        assert!(
            matches!(ev, WsEvent::LoginFailed { permanent: false, code, .. } if code == OkxCode(60009)),
            "{ev:?}"
        );
        failed_at.push(tokio::time::Instant::now());
    }
    let err = queued
        .await
        .unwrap()
        .expect("a queued subscribe must time out")
        .unwrap_err();
    assert_eq!(err, WsError::Timeout);
    // Early retries double from 100 ms; once slow, each retry waits at
    // least half of backoff_max (the jitter spreads it over [max/2, max])
    // and never more than max plus the connect and login time.
    let gaps: Vec<Duration> = failed_at.windows(2).map(|w| w[1] - w[0]).collect();
    let slow = okx_ws::SLOW_LOGIN_RETRY_AFTER as usize - 1;
    assert!(
        gaps[..slow].iter().all(|g| *g < Duration::from_secs(2)),
        "early retries are quick: {gaps:?}"
    );
    assert!(
        gaps[slow..]
            .iter()
            .all(|g| *g >= Duration::from_secs(10) && *g <= Duration::from_secs(25)),
        "{gaps:?}"
    );

    // OKX's login comes back: the connection logs in and works.
    server.inject(Fault::RejectLogin(None));
    wait_for(&mut events, Duration::from_secs(60), |e| {
        matches!(e, WsEvent::Connected { .. })
    })
    .await;
    client
        .subscribe([Arg::new("orders").inst_type("ANY")])
        .await
        .unwrap();
    assert_eq!(server.stats().logins, 1);
}

#[tokio::test(start_paused = true)]
async fn a_login_failure_limit_stops_and_later_calls_fail_fast() {
    let server = WsServer::start().await.unwrap();
    server.inject(Fault::RejectLogin(Some("60009")));
    let mut cfg = private_config(&server);
    cfg.max_login_failures = Some(3);
    let (client, mut events) = WsClient::new(cfg).unwrap();
    client.connect(okx_ws::Endpoint::Private).unwrap();
    let mut seen = Vec::new();
    loop {
        let ev = wait_for(&mut events, Duration::from_secs(300), |e| {
            matches!(e, WsEvent::LoginFailed { .. })
        })
        .await;
        let WsEvent::LoginFailed { permanent, .. } = ev else {
            unreachable!()
        };
        seen.push(permanent);
        if permanent {
            break;
        }
    }
    assert_eq!(seen, [false, false, true]);
    let failures = server.stats().login_failures;
    assert_eq!(failures, 3);
    tokio::time::sleep(Duration::from_secs(120)).await;
    assert_eq!(server.stats().login_failures, failures, "no more attempts");
    let err = client.subscribe([Arg::new("account")]).await.unwrap_err();
    assert!(matches!(err, WsError::LoginRejected { .. }), "{err:?}");
}

#[tokio::test(start_paused = true)]
async fn a_login_closed_with_4001_and_no_error_event_counts_as_a_failed_login() {
    let server = WsServer::start().await.unwrap();
    server.inject(Fault::RejectLogin(Some("60009")));
    server.inject(Fault::CloseOnLoginFailure(true));
    let mut cfg = private_config(&server);
    cfg.max_login_failures = Some(2);
    let (client, mut events) = WsClient::new(cfg).unwrap();
    client.connect(okx_ws::Endpoint::Private).unwrap();
    let ev = wait_for(&mut events, Duration::from_secs(300), |e| {
        matches!(
            e,
            WsEvent::LoginFailed {
                permanent: true,
                ..
            }
        )
    })
    .await;
    assert!(
        matches!(&ev, WsEvent::LoginFailed { msg, .. } if msg.contains("4001")),
        "{ev:?}"
    );
}
