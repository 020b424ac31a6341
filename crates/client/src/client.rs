//! [`Client`]: REST and WebSocket composed for a bot, built once.

use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use okx_auth::{ClockOffset, Credentials};
use okx_models::InstType;
use okx_rest::{RestClient, RestClientBuilder};
use okx_ws::{WsClient, WsConfig};
use tokio::sync::{mpsc, watch};

use crate::book::{BookHandle, BookWatch};
use crate::budget::Budget;
use crate::channel::Channel;
use crate::error::ClientError;
use crate::inner::Inner;
use crate::instruments::Instruments;
use crate::route::Route;
use crate::stream::{Events, PrivateEvents};
use crate::tracker::OrderTracker;

/// OKX's sites; each has its own REST and WebSocket hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Region {
    /// www.okx.com accounts.
    #[default]
    Global,
    /// my.okx.com (EEA) accounts.
    Eea,
    /// app.okx.com (US) accounts.
    Us,
}

/// Builds a [`Client`].
#[must_use]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    region: Region,
    demo: bool,
    rest_url: Option<String>,
    ws_url: Option<String>,
    inst_types: Vec<InstType>,
    option_families: Vec<String>,
    route: Route,
    ws_tweak: Option<Box<dyn FnOnce(WsConfig) -> WsConfig + Send>>,
    rest_tweak: Option<Box<dyn FnOnce(RestClientBuilder) -> RestClientBuilder + Send>>,
    order_budget: usize,
    market_capacity: usize,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials.as_ref().map(|_| "<set>"))
            .field("region", &self.region)
            .field("demo", &self.demo)
            .field("rest_url", &self.rest_url)
            .field("ws_url", &self.ws_url)
            .field("inst_types", &self.inst_types)
            .field("route", &self.route)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The account's API key.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Credentials from `OKX_API_KEY`, `OKX_SECRET_KEY` and
    /// `OKX_PASSPHRASE`; an error names the first one missing.
    pub fn credentials_from_env(mut self) -> Result<Self, ClientError> {
        let get = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .ok_or_else(|| ClientError::Config(format!("{name} is not set")))
        };
        let creds = Credentials::new(
            get("OKX_API_KEY")?,
            get("OKX_SECRET_KEY")?,
            get("OKX_PASSPHRASE")?,
        );
        self.credentials = Some(creds);
        Ok(self)
    }

    /// The account's site.
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// Demo trading.
    pub fn demo(mut self, demo: bool) -> Self {
        self.demo = demo;
        self
    }

    /// Another REST base URL (a proxy, or `okx-testkit`).
    pub fn rest_url(mut self, url: impl Into<String>) -> Self {
        self.rest_url = Some(url.into());
        self
    }

    /// Another WebSocket base URL (`/ws/v5/...` is appended).
    pub fn ws_url(mut self, url: impl Into<String>) -> Self {
        self.ws_url = Some(url.into());
        self
    }

    /// The instrument types the bot trades: their instruments are loaded
    /// (and kept current) in the cache, and reconciliation reads their
    /// order history. Default: SPOT.
    pub fn instrument_types(mut self, types: &[InstType]) -> Self {
        self.inst_types = types.to_vec();
        self
    }

    /// An option family to load (`BTC-USD`); OKX lists options per family.
    pub fn option_family(mut self, family: impl Into<String>) -> Self {
        self.option_families.push(family.into());
        if !self.inst_types.contains(&InstType::Option) {
            self.inst_types.push(InstType::Option);
        }
        self
    }

    /// The default route of orders.
    pub fn route(mut self, route: Route) -> Self {
        self.route = route;
        self
    }

    /// Adjusts the WebSocket configuration (timers, backoff, queues).
    ///
    /// The configuration handed to `f` already has this client's REST half
    /// as its [`snapshot_source`](WsConfig::snapshot_source) (books whose
    /// subscription brings no snapshot start from `GET
    /// /api/v5/market/books`) and its
    /// [`instrument_source`](WsConfig::instrument_source) (`instIdCode`s
    /// for WS orders); set either here to replace it.
    pub fn configure_ws(mut self, f: impl FnOnce(WsConfig) -> WsConfig + Send + 'static) -> Self {
        self.ws_tweak = Some(Box::new(f));
        self
    }

    /// Adjusts the REST client (timeouts, retries, rate-limit policy).
    pub fn configure_rest(
        mut self,
        f: impl FnOnce(RestClientBuilder) -> RestClientBuilder + Send + 'static,
    ) -> Self {
        self.rest_tweak = Some(Box::new(f));
        self
    }

    /// Order operations per 2 s and instrument, both routes together
    /// (OKX: 60).
    pub fn order_budget(mut self, per_two_seconds: usize) -> Self {
        self.order_budget = per_two_seconds.max(1);
        self
    }

    /// Connects: syncs the clock, loads instruments, opens the WebSocket
    /// and, with credentials, subscribes the private channels and
    /// reconciles the account before returning.
    pub async fn connect(self) -> Result<Client, ClientError> {
        let clock = ClockOffset::new();
        let rest_host = match self.region {
            Region::Global => okx_rest::Host::Global,
            Region::Eea => okx_rest::Host::Eea,
            Region::Us => okx_rest::Host::Us,
        };
        let ws_host = match self.region {
            Region::Global => okx_ws::Host::Global,
            Region::Eea => okx_ws::Host::Eea,
            Region::Us => okx_ws::Host::Us,
        };
        let mut rest = RestClient::builder()
            .host(rest_host)
            .demo(self.demo)
            .clock(clock.clone());
        if let Some(url) = &self.rest_url {
            rest = rest.base_url(url.clone());
        }
        if let Some(c) = &self.credentials {
            rest = rest.credentials(c.clone());
        }
        if let Some(tweak) = self.rest_tweak {
            rest = tweak(rest);
        }
        let rest = rest.build()?;
        let mut ws_cfg = if self.demo {
            WsConfig::demo()
        } else {
            WsConfig::live()
        };
        ws_cfg = ws_cfg.host(ws_host).clock(clock);
        if let Some(url) = &self.ws_url {
            ws_cfg = ws_cfg.base_url(url.clone());
        }
        if let Some(c) = &self.credentials {
            ws_cfg = ws_cfg.credentials(c.clone());
        }
        // okx-ws's REST needs, from this client's REST half (its clock,
        // limits and host); set before the user's tweak, so a source set
        // through `configure_ws` wins.
        ws_cfg = ws_cfg
            .snapshot_source(crate::sources::book_snapshots(rest.clone()))
            .instrument_source(crate::sources::instrument_lookup(rest.clone()));
        if let Some(tweak) = self.ws_tweak {
            ws_cfg = tweak(ws_cfg);
        }
        if let Err(e) = rest.sync_clock().await {
            tracing::warn!(error = %e, "clock sync failed; signing with the local clock");
        }
        let (ws, ws_events) = WsClient::new(ws_cfg.clone())?;
        let inst_types = if self.inst_types.is_empty() {
            vec![InstType::Spot]
        } else {
            self.inst_types
        };
        let (reconciled, _) = watch::channel(0u64);
        let inner = Arc::new(Inner {
            rest,
            ws,
            instruments: Instruments::default(),
            tracker: OrderTracker::default(),
            books: BookWatch::default(),
            budget: Budget::new(self.order_budget),
            private_up: AtomicBool::new(false),
            has_credentials: self.credentials.is_some(),
            route: self.route,
            inst_types,
            option_families: self.option_families,
            market_tx: Mutex::new(None),
            private_tx: Mutex::new(None),
            market_capacity: self.market_capacity,
            lagged: Arc::new(AtomicU64::new(0)),
            reconcile_lock: tokio::sync::Mutex::new(()),
            reconcile_again: AtomicBool::new(false),
            reconciled,
            ws_config: ws_cfg,
            safety: std::sync::RwLock::new(crate::inner::Safety::default()),
            prices: std::sync::RwLock::new(std::collections::HashMap::new()),
        });
        let client = Client { inner };
        client.load_instruments().await?;
        crate::dispatch::spawn(Arc::downgrade(&client.inner), ws_events);
        let mut public: Vec<okx_ws::Arg> = client
            .inner
            .inst_types
            .iter()
            .map(|t| Channel::instruments(t.clone()).into_arg())
            .collect();
        if client.inner.has_credentials {
            let mut first = client.inner.reconciled.subscribe();
            let private = [
                Channel::orders(InstType::Any),
                Channel::positions(InstType::Any),
                Channel::account(),
                Channel::balance_and_position(),
            ];
            client
                .inner
                .ws
                .subscribe(private.into_iter().map(Channel::into_arg))
                .await?;
            // The first reconciliation primes the tracker with what is open.
            let wait =
                tokio::time::timeout(Duration::from_secs(30), first.wait_for(|n| *n > 0)).await;
            if wait.is_err() {
                tracing::warn!("first reconciliation did not finish within 30 s");
            }
        }
        public.dedup();
        client.inner.ws.subscribe(public).await?;
        tracing::info!(
            region = ?self.region,
            demo = self.demo,
            private = client.inner.has_credentials,
            instruments = client.inner.instruments.len(),
            "client connected"
        );
        Ok(client)
    }
}

/// One client for a trading bot: REST and WebSocket sharing one clock, one
/// set of credentials and one order-rate budget; an instrument cache; one
/// order vocabulary routed over either; a private stream reconciled after
/// every reconnect; an order tracker; book handles. Cloning shares it.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("instruments", &self.inner.instruments.len())
            .field("private_up", &self.inner.private_up())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder: live trading on the global site, SPOT instruments, orders
    /// routed automatically.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            credentials: None,
            region: Region::Global,
            demo: false,
            rest_url: None,
            ws_url: None,
            inst_types: Vec::new(),
            option_families: Vec::new(),
            route: Route::Auto,
            ws_tweak: None,
            rest_tweak: None,
            order_budget: 60,
            market_capacity: 8192,
        }
    }

    /// The REST client underneath (every endpoint, typed).
    pub fn rest(&self) -> &RestClient {
        &self.inner.rest
    }

    /// The WebSocket client underneath.
    pub fn ws(&self) -> &WsClient {
        &self.inner.ws
    }

    /// The instrument cache.
    pub fn instruments(&self) -> &Instruments {
        &self.inner.instruments
    }

    /// The order tracker.
    pub fn tracker(&self) -> &OrderTracker {
        &self.inner.tracker
    }

    /// Whether the private WebSocket is up (orders then go over it).
    pub fn private_connected(&self) -> bool {
        self.inner.private_up()
    }

    /// (Re)loads the instruments of the types in use over REST.
    pub async fn load_instruments(&self) -> Result<usize, ClientError> {
        let mut n = 0;
        for t in &self.inner.inst_types {
            let families: Vec<Option<String>> = if *t == InstType::Option {
                self.inner
                    .option_families
                    .iter()
                    .cloned()
                    .map(Some)
                    .collect()
            } else {
                vec![None]
            };
            for family in families {
                let req = crate::requests::Instruments::new(t.clone(), family);
                let list = self.inner.rest.send(&req).await?;
                n += list.len();
                let codes = self.inner.instruments.load(&list);
                self.inner.ws.set_inst_id_codes(codes);
            }
        }
        tracing::info!(instruments = n, "instruments loaded");
        Ok(n)
    }

    /// Subscribes to channels.
    pub async fn subscribe(
        &self,
        channels: impl IntoIterator<Item = Channel>,
    ) -> Result<(), ClientError> {
        self.inner
            .ws
            .subscribe(channels.into_iter().map(Channel::into_arg))
            .await?;
        Ok(())
    }

    /// Unsubscribes from channels.
    pub async fn unsubscribe(
        &self,
        channels: impl IntoIterator<Item = Channel>,
    ) -> Result<(), ClientError> {
        self.inner
            .ws
            .unsubscribe(channels.into_iter().map(Channel::into_arg))
            .await?;
        Ok(())
    }

    /// A handle on the local `books` book of an instrument, subscribing to
    /// it if needed. The client keeps it in sync by itself.
    pub async fn book(&self, inst_id: &str) -> Result<BookHandle, ClientError> {
        let channel = Channel::books(inst_id);
        let rx = self.inner.books.receiver(channel.name(), inst_id);
        self.subscribe([channel]).await?;
        Ok(BookHandle::new(self.inner.ws.clone(), "books", inst_id, rx))
    }

    /// The market and connection events (everything but the account's own
    /// data, which goes to [`Client::private_events`]). Taken once: later
    /// calls return `None`. Events before it is taken are not kept.
    pub fn events(&self) -> Option<Events> {
        let mut slot = self
            .inner
            .market_tx
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if slot.is_some() {
            return None;
        }
        let (tx, rx) = mpsc::channel(self.inner.market_capacity.max(16));
        *slot = Some(tx);
        Some(Events::new(rx, self.inner.lagged.clone()))
    }

    /// The account's orders, fills, positions and balances, live and
    /// recovered, with nothing lost or repeated. Taken once: later calls
    /// return `None`. Take it before placing orders; the tracker is kept
    /// either way.
    pub fn private_events(&self) -> Option<PrivateEvents> {
        let mut slot = self
            .inner
            .private_tx
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if slot.is_some() {
            return None;
        }
        let (tx, rx) = mpsc::unbounded_channel();
        *slot = Some(tx);
        Some(PrivateEvents::new(rx))
    }

    /// Reconciles now: reads over REST what the private stream may have
    /// missed and emits it as recovered events.
    pub async fn reconcile(&self) -> Result<crate::events::ReconcileReport, ClientError> {
        crate::reconcile::run(&self.inner).await
    }

    /// Puts every order path of this client through `guard` from now on.
    pub fn set_risk_guard(&self, guard: crate::guard::RiskGuard) {
        self.inner
            .safety
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .guard = Some(guard);
    }

    /// Records every order request, answer and push in `log` from now on.
    pub fn set_audit_log(&self, log: crate::guard::AuditLog) {
        self.inner
            .safety
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .audit = Some(log);
    }

    /// The risk guard in use.
    pub fn risk_guard(&self) -> Option<crate::guard::RiskGuard> {
        self.inner
            .safety
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .guard
            .clone()
    }

    /// The audit log in use.
    pub fn audit(&self) -> Option<crate::guard::AuditLog> {
        self.inner
            .safety
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .audit
            .clone()
    }

    /// Closes the WebSocket connections.
    pub async fn close(&self) {
        self.inner.ws.close().await;
    }
}
