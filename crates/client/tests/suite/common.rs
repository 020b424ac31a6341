use std::time::Duration;

use okx_auth::Credentials;
use okx_client::{Client, ClientBuilder, PrivateEvent, PrivateEvents};
use okx_models::InstType;
use okx_testkit::Okx;

/// A builder pointed at the exchange, with quick reconnects.
pub fn builder(okx: &Okx) -> ClientBuilder {
    let (key, secret, pass) = okx.credentials();
    Client::builder()
        .rest_url(okx.rest_url())
        .ws_url(okx.ws_url())
        .credentials(Credentials::new(key, secret, pass))
        .instrument_types(&[InstType::Spot, InstType::Swap])
        .configure_ws(|mut cfg| {
            cfg.backoff_initial = Duration::from_millis(20);
            cfg.backoff_max = Duration::from_millis(100);
            cfg.connections_per_second = 1000;
            cfg.request_timeout = Duration::from_secs(2);
            cfg
        })
}

pub async fn still() -> Okx {
    Okx::builder()
        .market_motion(None)
        .start()
        .await
        .expect("exchange starts")
}

pub fn d(s: &str) -> rust_decimal::Decimal {
    s.parse().unwrap_or_default()
}

/// Private events that arrive within `within`.
pub async fn drain(events: &mut PrivateEvents, within: Duration) -> Vec<PrivateEvent> {
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + within;
    while let Ok(Some(ev)) = tokio::time::timeout_at(deadline, events.recv()).await {
        out.push(ev);
    }
    out
}

/// Waits for the first event `pred` accepts.
pub async fn until(
    events: &mut PrivateEvents,
    within: Duration,
    mut pred: impl FnMut(&PrivateEvent) -> bool,
) -> PrivateEvent {
    let fut = async {
        loop {
            match events.recv().await {
                Some(ev) if pred(&ev) => return ev,
                Some(_) => {}
                None => panic!("private stream ended"),
            }
        }
    };
    tokio::time::timeout(within, fut)
        .await
        .unwrap_or_else(|_| panic!("no matching private event within {within:?}"))
}
