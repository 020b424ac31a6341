//! Where to connect and how the client behaves: hosts, timers, queue sizes
//! and OKX's WebSocket limits.

use crate::codes::InstrumentSource;
use crate::endpoint::Endpoint;
use crate::error::WsError;
use crate::snapshot::SnapshotSource;
use okx_auth::{ClockOffset, Credentials};
use std::sync::Arc;
use std::time::Duration;

/// The OKX site an account belongs to; each has its own WebSocket hosts.
///
/// The URLs carry no port: OKX retires port 8443 for WebSocket on
/// 2026-10-31, while the default port 443 works before and after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Host {
    /// www.okx.com accounts: `ws.okx.com` (demo `wspap.okx.com`).
    #[default]
    Global,
    /// my.okx.com (EEA) accounts: `wseea.okx.com` (demo `wseeapap.okx.com`).
    Eea,
    /// app.okx.com (US) accounts: `wsus.okx.com` (demo `wsuspap.okx.com`).
    Us,
}

impl Host {
    fn base(self, demo: bool) -> &'static str {
        match (self, demo) {
            (Host::Global, false) => "wss://ws.okx.com",
            (Host::Global, true) => "wss://wspap.okx.com",
            (Host::Eea, false) => "wss://wseea.okx.com",
            (Host::Eea, true) => "wss://wseeapap.okx.com",
            (Host::Us, false) => "wss://wsus.okx.com",
            (Host::Us, true) => "wss://wsuspap.okx.com",
        }
    }
}

/// What happens to market data when the consumer falls behind.
///
/// Private channels (orders, fills, account, positions, ...) and connection
/// events are never dropped whatever the policy: when their queue is full the
/// connection stops reading until the consumer catches up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Overflow {
    /// Drop the oldest queued market event and report how many were dropped
    /// with [`WsEvent::Lagged`](crate::WsEvent::Lagged).
    #[default]
    DropOldest,
    /// Stop reading the socket until there is room (OKX may then close the
    /// connection with 4005 "buffer full", and the client reconnects).
    Backpressure,
}

/// Client configuration. Start from [`WsConfig::live`] or [`WsConfig::demo`].
///
/// `Debug` does not print the credentials.
#[derive(Clone)]
#[must_use = "a configuration does nothing until a client is made of it"]
pub struct WsConfig {
    pub(crate) host: Host,
    pub(crate) demo: bool,
    pub(crate) base_url: Option<String>,
    pub(crate) credentials: Option<Credentials>,
    pub(crate) clock: ClockOffset,
    pub(crate) proxy: Option<crate::net::Proxy>,
    pub(crate) pins: Vec<okx_tls::Pin>,
    pub(crate) roots: Vec<Vec<u8>>,
    /// Send `ping` after this long without any frame (must be under 30 s).
    pub ping_after: Duration,
    /// The connection is dead when `pong` (or anything) does not arrive this soon after `ping`.
    pub pong_timeout: Duration,
    /// A book subscription that delivered nothing for this long is stale
    /// (OKX sends an idle book a heartbeat about every 60 s): it is
    /// resubscribed, and when every book of a connection is stale the
    /// connection is replaced. `None` turns the check off.
    pub book_stale_after: Option<Duration>,
    /// Replace a connection that has subscriptions but received no push at
    /// all for this long, though it still answers `ping`. Off (`None`) by
    /// default, since an illiquid instrument or a quiet account can be
    /// silent for hours; set it for feeds that are never quiet.
    pub push_timeout: Option<Duration>,
    /// How long a login, subscribe or trading request waits for its answer.
    pub request_timeout: Duration,
    /// First reconnect delay; doubles per failed attempt, with jitter.
    pub backoff_initial: Duration,
    /// Longest reconnect delay.
    pub backoff_max: Duration,
    /// Consecutive logins refused with a reason that says nothing (60009
    /// "login failed", or a bare 4001 close) after which the connection
    /// gives up. `None` (the default) never gives up: after
    /// [`SLOW_LOGIN_RETRY_AFTER`](crate::SLOW_LOGIN_RETRY_AFTER) such failures
    /// it retries at [`backoff_max`](Self::backoff_max), because an outage of
    /// OKX's login service looks the same and must not stop a bot for good.
    /// Refusals that retrying cannot fix (bad key, passphrase, signature,
    /// expired key) stop at once whatever this says.
    pub max_login_failures: Option<u32>,
    /// Queue size for market data events.
    pub market_capacity: usize,
    /// Queue size for private data and connection events (never dropped).
    pub lossless_capacity: usize,
    /// Policy when the market data queue is full.
    pub overflow: Overflow,
    /// Subscriptions per connection before another connection is opened.
    pub max_subs_per_connection: usize,
    /// subscribe + unsubscribe + login requests per hour per connection (OKX: 480).
    pub ops_per_hour: usize,
    /// Largest subscribe request in bytes (OKX: 64 KB).
    pub max_subscribe_bytes: usize,
    /// New connections per second (OKX: 3 per IP).
    pub connections_per_second: usize,
    /// Keep local order books for the book channels (see [`crate::books`]).
    pub maintain_books: bool,
    /// How long a new `books`/`books-l2-tbt`/`books50-l2-tbt`/`books-elp`/
    /// `books-rpi` subscription waits for OKX's snapshot before the book is
    /// started from a REST snapshot (see [`WsConfig::snapshot_source`]).
    pub snapshot_wait: Duration,
    /// Levels a side asked of the REST snapshot (`sz`, OKX's maximum 400).
    pub rest_snapshot_depth: u32,
    pub(crate) snapshot_source: Option<Arc<dyn SnapshotSource>>,
    pub(crate) instrument_source: Option<Arc<dyn InstrumentSource>>,
}

impl std::fmt::Debug for WsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WsConfig")
            .field("host", &self.host)
            .field("demo", &self.demo)
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials.as_ref().map(|_| "<set>"))
            .field("proxy", &self.proxy)
            .field("pins", &self.pins)
            .field("ping_after", &self.ping_after)
            .field("pong_timeout", &self.pong_timeout)
            .field("overflow", &self.overflow)
            .field("snapshot_wait", &self.snapshot_wait)
            .field(
                "snapshot_source",
                &self.snapshot_source.as_ref().map(|_| "<set>"),
            )
            .finish_non_exhaustive()
    }
}

impl WsConfig {
    /// Live trading on the global site.
    pub fn live() -> Self {
        WsConfig {
            host: Host::Global,
            demo: false,
            base_url: None,
            credentials: None,
            clock: ClockOffset::new(),
            proxy: None,
            pins: Vec::new(),
            roots: Vec::new(),
            ping_after: Duration::from_secs(20),
            pong_timeout: Duration::from_secs(8),
            book_stale_after: Some(Duration::from_secs(90)),
            push_timeout: None,
            request_timeout: Duration::from_secs(10),
            backoff_initial: Duration::from_millis(250),
            backoff_max: Duration::from_secs(30),
            max_login_failures: None,
            market_capacity: 8192,
            lossless_capacity: 1024,
            overflow: Overflow::DropOldest,
            max_subs_per_connection: 240,
            ops_per_hour: 480,
            max_subscribe_bytes: 64 * 1024,
            connections_per_second: 3,
            maintain_books: true,
            snapshot_wait: Duration::from_secs(2),
            rest_snapshot_depth: 400,
            snapshot_source: None,
            instrument_source: None,
        }
    }

    /// Demo trading (`wspap` hosts).
    pub fn demo() -> Self {
        WsConfig {
            demo: true,
            ..Self::live()
        }
    }

    /// Picks the site (global, EEA, US).
    pub fn host(mut self, host: Host) -> Self {
        self.host = host;
        self
    }

    /// Replaces the scheme and host, e.g. `ws://127.0.0.1:4000`; the
    /// `/ws/v5/...` paths are appended. For tests and proxies.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into().trim_end_matches('/').to_owned());
        self
    }

    /// Connects through an HTTP proxy with CONNECT: `http://host:port`, or
    /// `http://user:password@host:port` for Basic credentials (which
    /// `Debug` does not print). TLS to OKX runs inside the tunnel, so the
    /// proxy sees only the host and port. Fails for any other form.
    pub fn proxy(mut self, url: &str) -> Result<Self, WsError> {
        self.proxy = Some(crate::net::Proxy::parse(url)?);
        Ok(self)
    }

    /// Pins a public key: a `wss://` connection is refused unless a
    /// certificate of the chain the server presents carries a pinned key
    /// (see [`okx_tls::Pin`]); the chain is still verified as usual.
    pub fn pin_public_key(mut self, pin: okx_tls::Pin) -> Self {
        self.pins.push(pin);
        self
    }

    /// Trusts this root certificate (DER) as well as Mozilla's.
    pub fn add_root_certificate(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.roots.push(der.into());
        self
    }

    /// Credentials for the private and business endpoints.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The clock offset shared with the REST client (login timestamps use it).
    pub fn clock(mut self, clock: ClockOffset) -> Self {
        self.clock = clock;
        self
    }

    /// Where books get a snapshot when subscribing brings none within
    /// [`WsConfig::snapshot_wait`]: `GET /api/v5/market/books`, typically
    /// through okx-rest (the facade's `okx::book_snapshots`). Without one,
    /// such a book is reported out of sync and waits.
    pub fn snapshot_source(mut self, source: impl SnapshotSource + 'static) -> Self {
        self.snapshot_source = Some(Arc::new(source));
        self
    }

    /// Where a WS order looks an instrument up when its `instIdCode` is
    /// unknown or stale (the instrument was listed again): `GET
    /// /api/v5/public/instruments`, typically through okx-rest (the
    /// facade's `okx::instrument_lookup`). Without one such an order fails
    /// locally.
    pub fn instrument_source(mut self, source: impl InstrumentSource + 'static) -> Self {
        self.instrument_source = Some(Arc::new(source));
        self
    }

    /// Whether a [`WsConfig::snapshot_source`] is set.
    pub fn has_snapshot_source(&self) -> bool {
        self.snapshot_source.is_some()
    }

    /// Whether this configuration targets demo trading.
    pub fn is_demo(&self) -> bool {
        self.demo
    }

    /// The full URL of an endpoint.
    pub fn url(&self, endpoint: Endpoint) -> String {
        let base = self
            .base_url
            .as_deref()
            .unwrap_or(self.host.base(self.demo));
        format!("{base}{}", endpoint.path())
    }

    pub(crate) fn validate(&self) -> Result<(), WsError> {
        let bad = |what: &str| Err(WsError::Config(what.to_owned()));
        if self.ping_after.is_zero() || self.ping_after >= Duration::from_secs(30) {
            return bad("ping_after must be above zero and under 30 s");
        }
        if self.pong_timeout.is_zero() || self.request_timeout.is_zero() {
            return bad("timeouts must be above zero");
        }
        if self.market_capacity == 0 || self.lossless_capacity == 0 {
            return bad("queue capacities must be above zero");
        }
        if self
            .book_stale_after
            .is_some_and(|d| d < Duration::from_secs(1))
            || self
                .push_timeout
                .is_some_and(|d| d < Duration::from_secs(1))
        {
            return bad("stale-feed limits must be at least 1 s");
        }
        if self.max_login_failures == Some(0) {
            return bad("max_login_failures must be above zero (or None)");
        }
        if self.max_subs_per_connection == 0 || self.ops_per_hour < 2 {
            return bad("per-connection limits are too small");
        }
        if self.max_subscribe_bytes < 256 || self.connections_per_second == 0 {
            return bad("subscribe size or connection rate is too small");
        }
        if self.snapshot_wait.is_zero() || !(1..=400).contains(&self.rest_snapshot_depth) {
            return bad("snapshot_wait must be above zero and rest_snapshot_depth 1 to 400");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_per_site_and_environment() {
        assert_eq!(
            WsConfig::live().url(Endpoint::Public),
            "wss://ws.okx.com/ws/v5/public"
        );
        assert_eq!(
            WsConfig::demo().url(Endpoint::Private),
            "wss://wspap.okx.com/ws/v5/private"
        );
        assert_eq!(
            WsConfig::live().host(Host::Eea).url(Endpoint::Business),
            "wss://wseea.okx.com/ws/v5/business"
        );
        assert_eq!(
            WsConfig::demo().host(Host::Us).url(Endpoint::Public),
            "wss://wsuspap.okx.com/ws/v5/public"
        );
        assert_eq!(
            WsConfig::live()
                .base_url("ws://127.0.0.1:9/")
                .url(Endpoint::Business),
            "ws://127.0.0.1:9/ws/v5/business"
        );
    }

    /// Port 8443 is retired on 2026-10-31: no default URL may name it.
    #[test]
    fn no_default_url_names_port_8443() {
        for host in [Host::Global, Host::Eea, Host::Us] {
            for cfg in [WsConfig::live(), WsConfig::demo()] {
                for ep in [Endpoint::Public, Endpoint::Private, Endpoint::Business] {
                    let url = cfg.clone().host(host).url(ep);
                    assert!(url.starts_with("wss://"), "{url}");
                    let authority = url["wss://".len()..].split('/').next().unwrap_or("");
                    assert!(!authority.contains(':'), "{url} names a port");
                }
            }
        }
    }

    #[test]
    fn ping_interval_must_stay_under_thirty_seconds() {
        let mut cfg = WsConfig::live();
        cfg.ping_after = Duration::from_secs(30);
        assert!(cfg.validate().is_err());
        cfg.ping_after = Duration::from_secs(29);
        assert!(cfg.validate().is_ok());
    }

    #[test]
    fn a_login_failure_limit_of_zero_is_refused() {
        let mut cfg = WsConfig::live();
        cfg.max_login_failures = Some(0);
        assert!(matches!(cfg.validate(), Err(WsError::Config(_))));
        cfg.max_login_failures = Some(1);
        assert!(cfg.validate().is_ok());
    }

    #[test]
    fn debug_hides_credentials() {
        let cfg = WsConfig::live().credentials(Credentials::new("k", "s3cr3t", "p4ss"));
        let text = format!("{cfg:?}");
        assert!(!text.contains("s3cr3t") && !text.contains("p4ss"));
    }
}
