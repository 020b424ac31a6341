//! The client: one generic `send` with signing, rate limiting, clock sync
//! and the retries that are safe.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use okx_auth::{ClockOffset, Credentials, RestAuth};
use serde::Deserialize;

use crate::error::{Error, ItemResult, OkxCode, TransportError};
use crate::limiter::{LeadTrader, LimitPolicy, Limiter};
use crate::outgoing::{known_header, request_url};
use crate::request::{LimitScope, LimitUnit, Method, RateLimit, Request};
use crate::transport::Transport;
use crate::wire::{Encoded, decode, decode_items, encode};
use reqwest::header::{CONTENT_TYPE, HeaderName, HeaderValue};

/// Which OKX site the client talks to.
///
/// The default is `openapi.okx.com`, the REST host OKX's 2026 docs name for
/// global accounts (fully equivalent to `www.okx.com`, which stays up).
/// Accounts registered on my.okx.com (EEA) or app.okx.com (US, Australia)
/// must use their own site's host: their keys are refused elsewhere (50119).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Host {
    /// `https://www.okx.com` (global accounts; the pre-2026 default).
    Global,
    /// `https://openapi.okx.com`, the dedicated API host for global accounts.
    #[default]
    GlobalOpenApi,
    /// `https://eea.okx.com` (accounts registered on my.okx.com).
    Eea,
    /// `https://us.okx.com` (accounts registered on app.okx.com).
    Us,
    /// `https://tr.okx.com` (accounts of the Turkish site).
    Tr,
}

impl Host {
    /// The REST base URL, without a trailing slash. Demo trading uses the
    /// same host with the `x-simulated-trading: 1` header.
    pub const fn base_url(self) -> &'static str {
        match self {
            Host::Global => "https://www.okx.com",
            Host::GlobalOpenApi => "https://openapi.okx.com",
            Host::Eea => "https://eea.okx.com",
            Host::Us => "https://us.okx.com",
            Host::Tr => "https://tr.okx.com",
        }
    }
}

/// Which requests may be sent again after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repeat {
    /// Reads: repeat after rate limits, 5xx, busy codes and network errors.
    Any,
    /// Writes guarded by a `clOrdId`: repeat only after answers that prove
    /// nothing was done (rate limits, busy).
    Rejected,
    /// Other writes: never repeat.
    Never,
}

/// Configures a [`RestClient`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct RestClientBuilder {
    transport: Option<Arc<dyn Transport>>,
    base_url: String,
    demo: bool,
    credentials: Option<Credentials>,
    clock: ClockOffset,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    policy: LimitPolicy,
    overrides: HashMap<&'static str, RateLimit>,
    lead: LeadTrader,
    retries: u32,
    backoff: Duration,
    exp_window: Duration,
    max_body_bytes: usize,
    proxy: Option<ProxyUrl>,
    pins: Vec<okx_tls::Pin>,
    roots: Vec<Vec<u8>>,
}

/// A proxy URL whose `Debug` hides its credentials.
#[derive(Clone)]
struct ProxyUrl(String);

impl std::fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.rsplit_once('@') {
            Some((_, host)) => write!(f, "\"<redacted>@{host}\""),
            None => write!(f, "{:?}", self.0),
        }
    }
}

/// The default cap on a response body: 16 MiB, several times the largest
/// answer OKX gives (the full option instrument list is a few MiB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

impl Default for RestClientBuilder {
    fn default() -> Self {
        RestClientBuilder {
            transport: None,
            base_url: Host::default().base_url().to_owned(),
            demo: false,
            credentials: None,
            clock: ClockOffset::new(),
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            user_agent: concat!("okx-rs/", env!("CARGO_PKG_VERSION")).to_owned(),
            policy: LimitPolicy::Wait,
            overrides: HashMap::new(),
            lead: LeadTrader::No,
            retries: 3,
            backoff: Duration::from_millis(250),
            exp_window: Duration::from_secs(10),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            proxy: None,
            pins: Vec::new(),
            roots: Vec::new(),
        }
    }
}

impl RestClientBuilder {
    /// One of OKX's hosts.
    pub fn host(mut self, host: Host) -> Self {
        self.base_url = host.base_url().to_owned();
        self
    }

    /// Any base URL, e.g. the testkit's `http://127.0.0.1:PORT`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into().trim_end_matches('/').to_owned();
        self
    }

    /// Demo trading: every request carries `x-simulated-trading: 1`.
    pub fn demo(mut self, demo: bool) -> Self {
        self.demo = demo;
        self
    }

    /// API credentials; without them only public endpoints work.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Shares a clock offset, e.g. with a WebSocket client.
    pub fn clock(mut self, clock: ClockOffset) -> Self {
        self.clock = clock;
        self
    }

    /// Whole-request timeout (default 10 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connect timeout (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// What a call does when its rate-limit bucket is full (default: wait).
    pub fn limit_policy(mut self, policy: LimitPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Replaces the catalog's limit of one endpoint (by path), e.g. a
    /// higher tier. [`SUB_ACCOUNT_BUCKET`] names the sub-account order-rate
    /// limit, which OKX raises with the fill ratio.
    pub fn rate_limit(mut self, path: &'static str, limit: RateLimit) -> Self {
        self.overrides.insert(path, limit);
        self
    }

    /// Trade as a copy-trading lead trader: orders on lead instruments
    /// also draw from OKX's tighter lead-trader limits (default: not a
    /// lead trader).
    pub fn lead_trader(mut self, lead: LeadTrader) -> Self {
        self.lead = lead;
        self
    }

    /// How often a safe request is repeated after a rate limit, a busy
    /// answer or a network error (default 3), and the first backoff
    /// (default 250 ms, doubled each time).
    pub fn retries(mut self, retries: u32, backoff: Duration) -> Self {
        self.retries = retries;
        self.backoff = backoff;
        self
    }

    /// How long a place or amend stays valid at OKX (`expTime` header,
    /// default 10 s). A lost answer is resolved only after this passes.
    pub fn exp_window(mut self, window: Duration) -> Self {
        self.exp_window = window;
        self
    }

    /// What sends the requests: your own `reqwest::Client` (a proxy, TLS
    /// or pool settings of your choice), or any [`Transport`] (a test or
    /// benchmark can answer in memory). The client still encodes, limits,
    /// signs and decodes every call; [`timeout`](Self::timeout),
    /// [`connect_timeout`](Self::connect_timeout) and
    /// [`user_agent`](Self::user_agent), [`proxy`](Self::proxy),
    /// [`pin_public_key`](Self::pin_public_key) and
    /// [`add_root_certificate`](Self::add_root_certificate) then do not
    /// apply, the transport's own settings do.
    ///
    /// ```no_run
    /// # fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let http = reqwest::Client::builder()
    ///     .proxy(reqwest::Proxy::all("http://proxy.local:3128")?)
    ///     .build()?;
    /// let client = okx_rest::RestClient::builder().transport(http).build()?;
    /// # Ok(()) }
    /// ```
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// The largest response body read (default [`DEFAULT_MAX_BODY_BYTES`]).
    /// A longer one is refused with [`Error::BodyTooLarge`] as soon as its
    /// `Content-Length`, or the bytes read so far, pass the cap, so a
    /// hostile or broken peer cannot make the client buffer without end.
    pub fn max_body_bytes(mut self, max: usize) -> Self {
        self.max_body_bytes = max;
        self
    }

    /// Sends every request through this proxy: `http://host:port` (plain
    /// HTTP requests are forwarded, HTTPS ones tunnelled with CONNECT),
    /// with `user:password@` for Basic credentials; `socks5://` and
    /// `socks5h://` with the `socks` feature. Without it, the client
    /// follows the usual `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` variables.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(ProxyUrl(url.into()));
        self
    }

    /// Pins a public key: the connection is refused unless a certificate of
    /// the chain the server presents carries a pinned key (see
    /// [`okx_tls::Pin`]). Pin a key of OKX's chain and a backup; the chain is
    /// still verified against the roots as usual.
    pub fn pin_public_key(mut self, pin: okx_tls::Pin) -> Self {
        self.pins.push(pin);
        self
    }

    /// Trusts this root certificate (DER) as well as Mozilla's, e.g. a
    /// company proxy's own root.
    pub fn add_root_certificate(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.roots.push(der.into());
        self
    }

    /// Builds the client. Fails if the proxy URL cannot be used.
    pub fn build(self) -> Result<RestClient, Error> {
        let unusable = |source| Error::Transport {
            path: "",
            maybe_sent: false,
            source: TransportError::new(source),
        };
        let mut http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent);
        if let Some(ProxyUrl(url)) = &self.proxy {
            http = http.proxy(reqwest::Proxy::all(url).map_err(unusable)?);
        }
        if !self.pins.is_empty() || !self.roots.is_empty() {
            let tls = okx_tls::client_config(&self.roots, &self.pins, &[b"http/1.1"])
                .map_err(|e| crate::error::Invalid::Tls(e.to_string()))?;
            http = http.use_preconfigured_tls(tls);
        }
        let http = http.build().map_err(unusable)?;
        let auth = self
            .credentials
            .map(|c| RestAuth::new(c, self.clock.clone(), self.demo));
        let transport = match self.transport {
            Some(transport) => transport,
            None => Arc::new(http.clone()),
        };
        // Parsed once; each request only sets its path and query. A base
        // the URL parser cannot take as one is joined as text per request.
        let base = reqwest::Url::parse(&self.base_url)
            .ok()
            .filter(|u| !u.cannot_be_a_base() && u.query().is_none() && u.fragment().is_none());
        Ok(RestClient {
            inner: Arc::new(Inner {
                http,
                transport,
                base,
                base_url: self.base_url,
                demo: self.demo,
                auth,
                clock: self.clock,
                limiter: Limiter::new(self.policy, self.overrides, self.lead),
                retries: self.retries,
                backoff: self.backoff,
                exp_window: self.exp_window,
                max_body_bytes: self.max_body_bytes,
            }),
        })
    }
}

/// Name of the sub-account order-rate bucket for
/// [`RestClientBuilder::rate_limit`].
pub const SUB_ACCOUNT_BUCKET: &str = Limiter::SUB_ACCOUNT;

#[derive(Debug)]
struct Inner {
    /// Builds the requests (whatever sends them).
    http: reqwest::Client,
    transport: Arc<dyn Transport>,
    /// `base_url` parsed, when it parses as a base.
    base: Option<reqwest::Url>,
    base_url: String,
    demo: bool,
    auth: Option<RestAuth>,
    clock: ClockOffset,
    limiter: Limiter,
    retries: u32,
    backoff: Duration,
    exp_window: Duration,
    max_body_bytes: usize,
}

/// OKX V5 REST client. Cheap to clone; clones share the connection pool,
/// the rate limiter and the clock offset.
#[derive(Debug, Clone)]
pub struct RestClient {
    inner: Arc<Inner>,
}

impl RestClient {
    /// A builder with the defaults: the global API host
    /// (`openapi.okx.com`), live trading, no credentials, waiting rate
    /// limiter.
    pub fn builder() -> RestClientBuilder {
        RestClientBuilder::default()
    }

    /// A public-only client on the global API host.
    pub fn new() -> Result<Self, Error> {
        Self::builder().build()
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The shared clock offset (server minus local, ms).
    pub fn clock(&self) -> &ClockOffset {
        &self.inner.clock
    }

    /// Whether the client has credentials.
    pub fn has_credentials(&self) -> bool {
        self.inner.auth.is_some()
    }

    /// How long a place or amend stays valid at OKX.
    pub fn exp_window(&self) -> Duration {
        self.inner.exp_window
    }

    /// Sends one request and returns the items of `data`.
    ///
    /// GETs are repeated after rate limits, busy answers and network
    /// errors; writes are not (see [`RestClient::place`] for the safe
    /// write path). A signed call that hits 50102 resyncs the clock once and
    /// is sent again. A partly failed batch is an [`Error::Api`] that keeps
    /// every item; [`RestClient::send_items`] returns them one by one.
    pub async fn send<R: Request>(&self, req: &R) -> Result<Vec<R::Response>, Error> {
        let repeat = match R::METHOD {
            Method::Get => Repeat::Any,
            Method::Post => Repeat::Never,
        };
        let mut exp = self.exp_time_for::<R>();
        self.send_with(req, repeat, &mut exp, |status, bytes| {
            let mut data = decode::<R::Response>(status, R::PATH, bytes)?;
            R::finish(&mut data);
            Ok(data)
        })
        .await
    }

    /// Sends a request whose success is not OKX's JSON envelope and returns
    /// the body as received: `GET /api/v5/market/books-sbe` answers with an
    /// SBE message (schema template 1006). A JSON answer with a non-zero
    /// `code` is the usual [`Error::Api`]. Repeated like [`RestClient::send`].
    pub async fn send_raw<R: Request>(&self, req: &R) -> Result<Vec<u8>, Error> {
        let repeat = match R::METHOD {
            Method::Get => Repeat::Any,
            Method::Post => Repeat::Never,
        };
        let mut exp = self.exp_time_for::<R>();
        self.send_with(req, repeat, &mut exp, |status, bytes| {
            crate::wire::decode_raw(status, R::PATH, bytes)
        })
        .await
    }

    /// Sends an order-type request (place, amend, cancel, their batch forms)
    /// and returns one result per item: the item's data, or its
    /// `sCode`/`sMsg`.
    pub async fn send_items<R: Request>(
        &self,
        req: &R,
    ) -> Result<Vec<Result<R::Response, ItemResult>>, Error> {
        let mut exp = self.exp_time_for::<R>();
        self.send_with(req, Repeat::Never, &mut exp, |status, bytes| {
            decode_items::<R::Response>(status, R::PATH, bytes)
        })
        .await
    }

    fn exp_time_for<R: Request>(&self) -> Option<i64> {
        const { crate::limiter::places_or_amends(R::PATH) }.then(|| self.new_exp_time())
    }

    pub(crate) fn new_exp_time(&self) -> i64 {
        let window = i64::try_from(self.inner.exp_window.as_millis()).unwrap_or(i64::MAX);
        self.inner.clock.now_millis().saturating_add(window)
    }

    /// The common path: check, encode, limit, sign, send, decode, and
    /// repeat when that is safe. `exp_time` is `Some` when the request
    /// carries an `expTime` header; each send sets it afresh (from the
    /// clock reading it signs with, so also after a clock resync), and it
    /// holds the deadline last sent.
    pub(crate) async fn send_with<R, T, F>(
        &self,
        req: &R,
        repeat: Repeat,
        exp_time: &mut Option<i64>,
        decode: F,
    ) -> Result<T, Error>
    where
        R: Request,
        F: Fn(u16, &[u8]) -> Result<T, Error>,
    {
        if R::SIGNED && self.inner.auth.is_none() {
            return Err(Error::MissingCredentials(R::PATH));
        }
        let encoded = encode(req)?;
        let draws = self.inner.limiter.plan(req);
        let mut resynced = false;
        let mut attempt = 0u32;
        loop {
            self.inner.limiter.acquire(R::PATH, &draws).await?;
            let err = match self
                .round_trip::<R, T, F>(&encoded, exp_time, &decode)
                .await
            {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            if R::SIGNED && !resynced && err.okx_code() == Some(OkxCode::TIMESTAMP_EXPIRED) {
                // The gateway refused it before acting, so sending it again is safe.
                resynced = true;
                tracing::info!(path = R::PATH, "timestamp expired; resyncing the clock");
                // The next send computes its deadline from the new clock.
                self.sync_clock().await?;
                continue;
            }
            if attempt < self.inner.retries && may_repeat(&err, repeat) {
                let wait = self.inner.backoff.saturating_mul(1 << attempt.min(6));
                attempt += 1;
                tracing::debug!(
                    path = R::PATH,
                    attempt,
                    wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                    error = %err,
                    "retrying"
                );
                tokio::time::sleep(wait).await;
                continue;
            }
            return Err(err);
        }
    }

    /// One HTTP exchange. Signs at the last moment so the timestamp is fresh
    /// even after a wait for the rate limiter; an `expTime` deadline is
    /// counted from the same clock reading (and stored in `exp_time`).
    async fn round_trip<R, T, F>(
        &self,
        encoded: &Encoded,
        exp_time: &mut Option<i64>,
        decode: &F,
    ) -> Result<T, Error>
    where
        R: Request,
        F: Fn(u16, &[u8]) -> Result<T, Error>,
    {
        let inner = &*self.inner;
        let method = match R::METHOD {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
        };
        let mut builder = match request_url(inner.base.as_ref(), &encoded.path_and_query) {
            Some(url) => inner.http.request(method, url),
            None => {
                let mut url = inner.base_url.clone();
                url.push_str(&encoded.path_and_query);
                inner.http.request(method, url)
            }
        };
        if R::METHOD == Method::Post {
            builder = builder
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(encoded.body.clone());
        }
        let now = (R::SIGNED || exp_time.is_some()).then(|| inner.clock.now_millis());
        if R::SIGNED {
            if let (Some(auth), Some(now)) = (&inner.auth, now) {
                let method = R::METHOD.as_str();
                let headers = auth.headers_at(now, method, &encoded.path_and_query, &encoded.body);
                for (name, value) in headers.iter() {
                    builder = match known_header(name) {
                        Some(name) => builder.header(name, value),
                        None => builder.header(name, value),
                    };
                }
            }
        } else if inner.demo {
            builder = builder.header(okx_auth::HEADER_SIMULATED, "1");
        }
        if let (Some(exp), Some(now)) = (exp_time.as_mut(), now) {
            let window = i64::try_from(inner.exp_window.as_millis()).unwrap_or(i64::MAX);
            *exp = now.saturating_add(window);
            builder = builder.header(HeaderName::from_static("exptime"), *exp);
        }
        let request = builder.build().map_err(|e| transport(R::PATH, e))?;
        let response = inner
            .transport
            .execute(request)
            .await
            .map_err(|e| transport(R::PATH, e))?;
        let status = response.status().as_u16();
        let bytes = read_body(response, R::PATH, inner.max_body_bytes).await?;
        decode(status, &bytes)
    }

    /// Measures the offset to OKX's clock from `GET /api/v5/public/time`,
    /// taking the server time to be at the middle of the round trip, and
    /// stores it in the shared [`ClockOffset`]. Returns the offset in ms.
    pub async fn sync_clock(&self) -> Result<i64, Error> {
        let req = ServerTime {};
        let draws = self.inner.limiter.plan(&req);
        self.inner.limiter.acquire(ServerTime::PATH, &draws).await?;
        let encoded = encode(&req)?;
        let sent = local_millis();
        let data = self
            .round_trip::<ServerTime, _, _>(&encoded, &mut None, &|status, bytes: &[u8]| {
                decode::<ServerTimeData>(status, ServerTime::PATH, bytes)
            })
            .await?;
        let received = local_millis();
        let ts = data
            .first()
            .and_then(|d| d.ts.parse::<i64>().ok())
            .ok_or(Error::Decode {
                path: ServerTime::PATH,
                source: crate::error::DecodeError::shape("no server time in the answer"),
            })?;
        let offset = ts - (sent + received) / 2;
        self.inner.clock.set_millis(offset);
        tracing::debug!(offset, rtt = received - sent, "clock synced");
        Ok(offset)
    }
}

/// Reads a body of at most `max` bytes, chunk by chunk, refusing it as
/// soon as it is known to be longer.
async fn read_body(
    mut response: reqwest::Response,
    path: &'static str,
    max: usize,
) -> Result<Vec<u8>, Error> {
    let status = response.status().as_u16();
    let too_large = || Error::BodyTooLarge {
        path,
        status,
        limit: max,
    };
    let declared = response.content_length();
    if declared.is_some_and(|len| len > max as u64) {
        return Err(too_large());
    }
    // Trust a declared length only as a hint for the first allocation.
    let hint = declared.map_or(0, |len| usize::try_from(len).unwrap_or(max).min(max));
    let mut body = Vec::with_capacity(hint.min(1024 * 1024));
    while let Some(chunk) = response.chunk().await.map_err(|e| transport(path, e))? {
        if body.len() + chunk.len() > max {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn may_repeat(err: &Error, repeat: Repeat) -> bool {
    match repeat {
        Repeat::Never => false,
        Repeat::Rejected => err.api().is_some_and(|e| e.is_rate_limit()),
        Repeat::Any => err.is_retryable() && !matches!(err, Error::RateLimited { .. }),
    }
}

fn transport(path: &'static str, e: reqwest::Error) -> Error {
    // A refused connection never carried the request; anything later may have.
    let maybe_sent = !(e.is_connect() || e.is_builder());
    Error::Transport {
        path,
        maybe_sent,
        source: TransportError::new(e),
    }
}

fn local_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// `GET /api/v5/public/time`, kept private so clock sync does not depend on
/// the generated endpoint types.
#[derive(serde::Serialize)]
struct ServerTime {}

#[derive(Deserialize)]
struct ServerTimeData {
    ts: String,
}

impl Request for ServerTime {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v5/public/time";
    const SIGNED: bool = false;
    const RATE_LIMIT: RateLimit = RateLimit {
        count: 10,
        window_ms: 2000,
        unit: LimitUnit::Requests,
        scope: LimitScope::Ip,
    };
    type Response = ServerTimeData;
}

#[cfg(test)]
mod host_tests {
    use super::*;

    #[test]
    fn the_default_host_is_the_one_the_2026_docs_name() {
        let client = RestClient::new().expect("client");
        assert_eq!(client.base_url(), "https://openapi.okx.com");
        assert_eq!(Host::default(), Host::GlobalOpenApi);
    }

    #[test]
    fn every_site_stays_selectable() {
        let url = |h| {
            RestClient::builder()
                .host(h)
                .build()
                .expect("client")
                .base_url()
                .to_owned()
        };
        assert_eq!(url(Host::Global), "https://www.okx.com");
        assert_eq!(url(Host::Eea), "https://eea.okx.com");
        assert_eq!(url(Host::Us), "https://us.okx.com");
        assert_eq!(url(Host::Tr), "https://tr.okx.com");
        let local = RestClient::builder()
            .base_url("http://127.0.0.1:9/")
            .build()
            .expect("client");
        assert_eq!(local.base_url(), "http://127.0.0.1:9");
    }
}
