//! Running the exchange as a standalone server (`okx testkit serve`), for
//! bots in any language.
//!
//! [`serve`] starts it and returns the [`Okx`] and the one JSON line that
//! tells a client where to connect:
//!
//! ```text
//! {"rest_url":"http://127.0.0.1:8080","ws_url":"ws://127.0.0.1:8081",
//!  "ws_public":"ws://127.0.0.1:8081/ws/v5/public",...,"api_key":"...","secret_key":"...","passphrase":"..."}
//! ```
//!
//! Pointing other clients at it (checked with python-okx 0.4.4 and ccxt
//! 4.5.90, REST and WebSocket sessions: market data, balance, place / get /
//! amend / cancel / list orders, fills, tickers, books, private orders):
//!
//! * **python-okx**: `okx.Trade.TradeAPI(key, secret, passphrase,
//!   flag="0", domain=rest_url)` (the same for `MarketData.MarketAPI`,
//!   `PublicData.PublicAPI`, `Account.AccountAPI`). The flag must be `"0"`:
//!   python-okx sends it as `x-simulated-trading`, and the default key is a
//!   live key (a demo header gets OKX's 50101). For WebSockets pass
//!   `url=ws_public` / `url=ws_private` to `okx.websocket.WsPublicAsync` /
//!   `WsPrivateAsync`. Its login sends the timestamp as a JSON number,
//!   which the exchange accepts, as OKX does. With websockets 14 or later
//!   python-okx's `WebSocketFactory` passes an `ssl` context even for
//!   `ws://` URLs, which websockets refuses; replace its `connect` with one
//!   that calls `websockets.connect(self.url)` when testing over `ws://`.
//! * **ccxt**: `ex = ccxt.okx({"apiKey": key, "secret": secret,
//!   "password": passphrase})`, then `ex.urls["api"] = {"rest": rest_url}`;
//!   for ccxt.pro also `"ws": ws_url + "/ws/v5"` (ccxt appends `/public`,
//!   `/private`, `/business`). Do not call `set_sandbox_mode(True)`: it
//!   sends the demo header. `load_markets()` first, as usual.
//!
//! Endpoints the exchange does not simulate answer 50005 (HTTP 410) and
//! say so; `--samples` makes them answer OKX's documented example instead.
//!
//! The `/testkit/...` control routes on the REST port script faults from
//! any language: `POST /testkit/fault` with
//! `{"door":"ws","fault":"drop_private","uid":"44000000000001"}` or
//! `{"door":"rest","path":"/api/v5/trade/order","fault":"lost_answer","times":1}`,
//! `POST /testkit/clock {"skew_ms":-40000}`, `POST /testkit/step {"n":10}`,
//! `POST /testkit/list`, `POST /testkit/delist {"instId":"SOL-USDT"}`,
//! `POST /testkit/account`, `GET /testkit/state`.

use std::time::Duration;

use rust_decimal::Decimal;
use serde_json::json;

use crate::exchange::account::AccountSpec;
use crate::exchange::instrument::default_instruments;
use crate::ws::Endpoint;
use crate::{Okx, TEST_UID, default_account};

/// Options of a standalone exchange.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// REST port (0: a free one).
    pub rest_port: u16,
    /// WS port (0: a free one).
    pub ws_port: u16,
    /// Market seed.
    pub seed: u64,
    /// Only these instruments of the default set (empty: all of them).
    pub instruments: Vec<String>,
    /// Starting balances of the default account (replacing its defaults
    /// currency by currency).
    pub balances: Vec<(String, Decimal)>,
    /// OKX's 2026 behaviour: `checksum` always 0 in book pushes.
    pub checksum_zero: bool,
    /// OKX's announced behaviour: no snapshot on book subscribe.
    pub no_book_snapshot: bool,
    /// Latency added to every REST answer.
    pub latency: Duration,
    /// How often the market moves (`None`: still).
    pub motion: Option<Duration>,
    /// Answer endpoints it does not simulate with OKX's documented example
    /// instead of 50005.
    pub samples: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            rest_port: 0,
            ws_port: 0,
            seed: 1,
            instruments: Vec::new(),
            balances: Vec::new(),
            checksum_zero: false,
            no_book_snapshot: false,
            latency: Duration::ZERO,
            motion: Some(Duration::from_millis(200)),
            samples: false,
        }
    }
}

/// Why the exchange could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// An instrument the options name is not in the default set.
    #[error(
        "unknown instrument {0}: the default set has BTC-USDT, ETH-USDT, SOL-USDT, their swaps, BTC futures and options"
    )]
    UnknownInstrument(String),
    /// A port could not be bound.
    #[error("cannot listen: {0}")]
    Io(#[from] std::io::Error),
}

/// Starts the exchange for `opts`; returns it and the JSON line that
/// describes it.
pub async fn serve(opts: &ServeOptions) -> Result<(Okx, String), ServeError> {
    let now = crate::exchange::clock::wall_ms();
    let mut instruments = default_instruments(now);
    if !opts.instruments.is_empty() {
        for wanted in &opts.instruments {
            if !instruments.iter().any(|i| &i.inst_id == wanted) {
                return Err(ServeError::UnknownInstrument(wanted.clone()));
            }
        }
        instruments.retain(|i| opts.instruments.contains(&i.inst_id));
    }
    let mut account: AccountSpec = default_account();
    for (ccy, amount) in &opts.balances {
        account.balances.retain(|(c, _)| c != ccy);
        account.balances.push((ccy.clone(), *amount));
    }
    let okx = Okx::builder()
        .seed(opts.seed)
        .instruments(instruments)
        .replace_default_account(account)
        .checksum_zero(opts.checksum_zero)
        .no_book_snapshot(opts.no_book_snapshot)
        .latency(opts.latency)
        .market_motion(opts.motion)
        .samples(opts.samples)
        .bind(
            &format!("127.0.0.1:{}", opts.rest_port),
            &format!("127.0.0.1:{}", opts.ws_port),
        )
        .start()
        .await?;
    let (key, secret, passphrase) = okx.credentials();
    let line = json!({
        "rest_url": okx.rest_url(),
        "ws_url": okx.ws_url(),
        "ws_public": okx.ws_endpoint(Endpoint::Public),
        "ws_private": okx.ws_endpoint(Endpoint::Private),
        "ws_business": okx.ws_endpoint(Endpoint::Business),
        "api_key": key,
        "secret_key": secret,
        "passphrase": passphrase,
        "uid": TEST_UID,
        "seed": opts.seed,
    })
    .to_string();
    Ok((okx, line))
}
