//! Subscription args (`{"channel": ..., "instId": ...}`) and which endpoint
//! serves each channel.

use crate::endpoint::Endpoint;
use serde::{Deserialize, Serialize};

/// One subscription arg, also the `arg` of every push.
///
/// ```
/// use okx_ws::Arg;
/// let arg = Arg::new("tickers").inst_id("BTC-USDT");
/// assert_eq!(serde_json::to_string(&arg).unwrap(), r#"{"channel":"tickers","instId":"BTC-USDT"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Arg {
    /// Channel name, e.g. `tickers`, `books`, `candle1m`, `orders`.
    pub channel: String,
    /// Instrument id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inst_id: Option<String>,
    /// Instrument type (`SPOT`, `SWAP`, ..., `ANY`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inst_type: Option<String>,
    /// Instrument family.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inst_family: Option<String>,
    /// Currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ccy: Option<String>,
    /// Algo id (algo channels).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algo_id: Option<String>,
    /// Channel options as OKX's JSON-in-a-string, e.g. `{"updateInterval":"0"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_params: Option<String>,
    /// The account's uid; only in private pushes, never sent.
    #[serde(default, skip_serializing)]
    pub uid: Option<String>,
}

impl Arg {
    /// An arg for `channel` with no parameters.
    pub fn new(channel: impl Into<String>) -> Self {
        Arg {
            channel: channel.into(),
            ..Default::default()
        }
    }

    /// Sets `instId`.
    pub fn inst_id(mut self, inst_id: impl Into<String>) -> Self {
        self.inst_id = Some(inst_id.into());
        self
    }

    /// Sets `instType`.
    pub fn inst_type(mut self, inst_type: impl Into<String>) -> Self {
        self.inst_type = Some(inst_type.into());
        self
    }

    /// Sets `instFamily`.
    pub fn inst_family(mut self, family: impl Into<String>) -> Self {
        self.inst_family = Some(family.into());
        self
    }

    /// Sets `ccy`.
    pub fn ccy(mut self, ccy: impl Into<String>) -> Self {
        self.ccy = Some(ccy.into());
        self
    }

    /// Sets `extraParams` (raw JSON text).
    pub fn extra_params(mut self, params: impl Into<String>) -> Self {
        self.extra_params = Some(params.into());
        self
    }

    /// The endpoint that serves this channel.
    pub fn endpoint(&self) -> Endpoint {
        channel_endpoint(&self.channel)
    }

    /// Whether the channel needs a logged-in connection.
    pub fn needs_login(&self) -> bool {
        needs_login(&self.channel)
    }

    /// The same arg without the push-only `uid`, as it was subscribed.
    pub(crate) fn key(&self) -> Arg {
        Arg {
            uid: None,
            ..self.clone()
        }
    }
}

const PRIVATE: &[&str] = &[
    "account",
    "positions",
    "balance_and_position",
    "orders",
    "fills",
    "liquidation-warning",
    "account-greeks",
];

const BUSINESS_LOGIN: &[&str] = &[
    "orders-algo",
    "algo-advance",
    "deposit-info",
    "withdrawal-info",
    "sprd-orders",
    "sprd-trades",
    "grid-orders-spot",
    "grid-orders-contract",
    "grid-positions",
    "grid-sub-orders",
    "algo-recurring-buy",
    "copytrading-lead-notification",
    "rfqs",
    "quotes",
    "struc-block-trades",
    "economic-calendar",
];

/// The endpoint that serves a channel (SPEC §6.4).
pub fn channel_endpoint(channel: &str) -> Endpoint {
    if PRIVATE.contains(&channel) {
        Endpoint::Private
    } else if BUSINESS_LOGIN.contains(&channel)
        || channel == "trades-all"
        || channel.starts_with("candle")
        || channel.starts_with("mark-price-candle")
        || channel.starts_with("index-candle")
        || channel.starts_with("sprd-")
        || channel.ends_with("block-trades")
        || channel == "block-tickers"
    {
        Endpoint::Business
    } else {
        Endpoint::Public
    }
}

/// The endpoint that takes a WS trading operation: spread orders go to
/// `/ws/v5/business`, the others to `/ws/v5/private`.
pub fn op_endpoint(op: &str) -> Endpoint {
    if op.starts_with("sprd-") {
        Endpoint::Business
    } else {
        Endpoint::Private
    }
}

/// Whether a channel needs login on its connection.
pub fn needs_login(channel: &str) -> bool {
    PRIVATE.contains(&channel)
        || BUSINESS_LOGIN.contains(&channel)
        || channel == "books-l2-tbt"
        || channel == "books50-l2-tbt"
}

/// Private account and order data: never dropped on overflow.
pub(crate) fn is_private_data(channel: &str) -> bool {
    PRIVATE.contains(&channel) || BUSINESS_LOGIN.contains(&channel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_route_to_their_endpoint() {
        assert_eq!(channel_endpoint("tickers"), Endpoint::Public);
        assert_eq!(channel_endpoint("books-l2-tbt"), Endpoint::Public);
        assert_eq!(channel_endpoint("candle1m"), Endpoint::Business);
        assert_eq!(channel_endpoint("candle1Dutc"), Endpoint::Business);
        assert_eq!(channel_endpoint("trades-all"), Endpoint::Business);
        assert_eq!(channel_endpoint("orders-algo"), Endpoint::Business);
        assert_eq!(channel_endpoint("orders"), Endpoint::Private);
        assert_eq!(channel_endpoint("balance_and_position"), Endpoint::Private);
        assert!(needs_login("orders") && needs_login("orders-algo"));
        assert!(!needs_login("candle1m") && !needs_login("tickers"));
    }

    /// The audit of OKX's WebSocket catalog (`ws_channels.json`): every
    /// channel routes to the endpoint OKX serves it on, logs in where OKX
    /// requires it, is never dropped when it is account data, and has typed
    /// rows (the generated `channels` test decodes each one's documented push).
    #[test]
    fn every_catalog_channel_is_routed_and_typed() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/okx-v5/ws_channels.json"
        );
        let Ok(text) = std::fs::read_to_string(path) else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{path} is missing; CI needs ../shared beside the checkout"
            );
            eprintln!("skipping: {path} not found");
            return;
        };
        let entries: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap_or_default();
        // VIP-tier books OKX serves on /public only to logged-in connections,
        // though the catalog marks them public.
        const LOGIN_ANYWAY: &[&str] = &["books-l2-tbt", "books50-l2-tbt"];
        let mut checked = 0;
        for e in entries.iter().filter(|e| e["kind"] == "channel") {
            let pattern = e["channel"].as_str().unwrap_or_default();
            let names: Vec<&str> = match e["variants"].as_array() {
                Some(v) if pattern.contains('{') => v.iter().filter_map(|n| n.as_str()).collect(),
                _ => vec![pattern],
            };
            let url = e["url_path"].as_str().unwrap_or_default();
            let login = e["login_required"].as_bool().unwrap_or(false);
            for name in names {
                checked += 1;
                assert_eq!(
                    channel_endpoint(name).path(),
                    url,
                    "{name} is served on {url}"
                );
                assert_eq!(
                    needs_login(name),
                    login || LOGIN_ANYWAY.contains(&name),
                    "{name}: login"
                );
                if login {
                    assert!(
                        is_private_data(name),
                        "{name} is account data, never dropped"
                    );
                }
                let frame = format!(r#"{{"arg":{{"channel":"{name}"}},"data":[]}}"#);
                match crate::decode::decode_push(&frame) {
                    crate::WsEvent::Push(_) => {}
                    other => panic!("{name} has no typed rows: {other:?}"),
                }
            }
        }
        for e in entries.iter().filter(|e| e["kind"] == "operation") {
            let op = e["op"].as_str().unwrap_or_default();
            assert_eq!(
                op_endpoint(op).path(),
                e["url_path"],
                "{op} is taken on its endpoint"
            );
            checked += 1;
        }
        // 52 channels, the {bar} variants of 4 patterns, 11 operations.
        assert!(
            checked > 52 + 4 * 20,
            "only {checked} channel names checked"
        );
        for name in ["books-elp", "books-rpi", "event-contract-markets"] {
            assert_eq!(channel_endpoint(name), Endpoint::Public);
            let frame = format!(r#"{{"arg":{{"channel":"{name}"}},"data":[]}}"#);
            assert!(matches!(
                crate::decode::decode_push(&frame),
                crate::WsEvent::Push(_)
            ));
        }
    }

    #[test]
    fn uid_is_never_sent() {
        let mut arg = Arg::new("orders").inst_type("ANY");
        arg.uid = Some("1".into());
        let text = serde_json::to_string(&arg).unwrap_or_default();
        assert_eq!(text, r#"{"channel":"orders","instType":"ANY"}"#);
    }
}
