use okx_auth::Credentials;
use okx_testkit::ws::WsServer;
use okx_ws::{WsConfig, WsEvent, WsEvents};
use std::time::Duration;

pub fn config(server: &WsServer) -> WsConfig {
    WsConfig::live().base_url(format!("ws://{}", server.addr()))
}

pub fn private_config(server: &WsServer) -> WsConfig {
    config(server).credentials(Credentials::new(
        okx_testkit::TEST_API_KEY,
        okx_testkit::TEST_SECRET,
        okx_testkit::TEST_PASSPHRASE,
    ))
}

/// The next event that `pred` accepts, within `within` (tokio time).
pub async fn wait_for(
    events: &mut WsEvents,
    within: Duration,
    mut pred: impl FnMut(&WsEvent) -> bool,
) -> WsEvent {
    let fut = async {
        loop {
            match events.recv().await {
                Some(ev) if pred(&ev) => return ev,
                Some(_) => {}
                None => panic!("event stream ended"),
            }
        }
    };
    match tokio::time::timeout(within, fut).await {
        Ok(ev) => ev,
        Err(_) => panic!("no matching event within {within:?}"),
    }
}

/// Every event available within `within`.
pub async fn drain(events: &mut WsEvents, within: Duration) -> Vec<WsEvent> {
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + within;
    while let Ok(Some(ev)) = tokio::time::timeout_at(deadline, events.recv()).await {
        out.push(ev);
    }
    out
}

pub fn tickers_data(inst_id: &str, last: &str) -> serde_json::Value {
    serde_json::json!([{"instType": "SPOT", "instId": inst_id, "last": last, "lastSz": "1",
        "askPx": last, "askSz": "1", "bidPx": last, "bidSz": "1", "open24h": "1", "high24h": "1",
        "low24h": "1", "sodUtc0": "1", "sodUtc8": "1", "volCcy24h": "1", "vol24h": "1",
        "ts": "1652459223003"}])
}
