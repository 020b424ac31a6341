//! What the SDK says in `tracing` during a login, an order and a
//! reconnect: the decisions a user wants to see afterwards, and never the
//! secret key, the passphrase or a signature.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

// Its own test binary: tracing decides per call site, process-wide, whether
// anyone listens, and tests on other threads touching the same call sites
// under no subscriber could leave them marked silent. Here the capture is
// the global default and no other test runs beside it.
#[path = "suite/common.rs"]
#[allow(dead_code)]
mod common;

use common::*;
use okx_client::{PrivateEvent, Route};
use okx_models::Side;
use okx_models::trade::OrderRequest;
use okx_testkit::ws::Fault;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// One span or event as recorded: where from, its name or message, and
/// every field as text.
#[derive(Debug, Clone)]
struct Line {
    kind: &'static str,
    target: String,
    level: tracing::Level,
    name: String,
    fields: HashMap<String, String>,
}

impl Line {
    fn message(&self) -> &str {
        self.fields.get("message").map_or("", String::as_str)
    }

    fn texts(&self) -> impl Iterator<Item = &str> {
        [self.name.as_str()]
            .into_iter()
            .chain(self.fields.values().map(String::as_str))
            .chain(self.fields.keys().map(String::as_str))
    }
}

struct Fields<'a>(&'a mut HashMap<String, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

/// A subscriber that keeps everything, at every level.
#[derive(Clone, Default)]
struct Capture {
    next: Arc<AtomicU64>,
    lines: Arc<Mutex<Vec<Line>>>,
}

impl Capture {
    fn push(
        &self,
        kind: &'static str,
        meta: &Metadata<'_>,
        name: String,
        fields: HashMap<String, String>,
    ) {
        self.lines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Line {
                kind,
                target: meta.target().to_owned(),
                level: *meta.level(),
                name,
                fields,
            });
    }

    fn lines(&self) -> Vec<Line> {
        self.lines.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let mut fields = HashMap::new();
        attrs.record(&mut Fields(&mut fields));
        self.push(
            "span",
            attrs.metadata(),
            attrs.metadata().name().to_owned(),
            fields,
        );
        Id::from_u64(self.next.fetch_add(1, Ordering::Relaxed) + 1)
    }

    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut fields = HashMap::new();
        values.record(&mut Fields(&mut fields));
        let line = Line {
            kind: "record",
            target: String::new(),
            level: tracing::Level::TRACE,
            name: String::new(),
            fields,
        };
        self.lines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(line);
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = HashMap::new();
        event.record(&mut Fields(&mut fields));
        self.push(
            "event",
            event.metadata(),
            event.metadata().name().to_owned(),
            fields,
        );
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// A token shaped like an HMAC-SHA256 signature in base64 (44 characters
/// ending in `=`), as OKX's `sign` and `OK-ACCESS-SIGN` are.
fn looks_like_signature(token: &str) -> bool {
    token.len() == 44
        && token.ends_with('=')
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

fn unix_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

#[tokio::test]
async fn login_order_and_reconnect_are_logged_without_secrets() {
    let capture = Capture::default();
    tracing::subscriber::set_global_default(capture.clone()).expect("the only subscriber");
    let started = unix_secs();

    let okx = still().await;
    let client = builder(&okx).connect().await.expect("connects");
    let mut private = client.private_events().expect("stream");
    let (bid, _) = okx.best_bid_ask("SOL-USDT").expect("book");
    let quote = |i: i64| {
        OrderRequest::limit(
            "SOL-USDT",
            Side::Buy,
            d("1"),
            bid - rust_decimal::Decimal::new(i, 2),
        )
    };
    client.place(quote(1)).await.expect("placed (WS)");
    client
        .place_via(quote(2), Route::Rest)
        .await
        .expect("placed (REST)");
    okx.ws()
        .inject(Fault::DropPrivate(okx_testkit::TEST_UID.into()));
    // The reconnect is done once it has been reconciled (the first
    // reconciliation, inside `connect`, came before the stream was taken).
    loop {
        let ev = until(&mut private, Duration::from_secs(10), |_| true).await;
        if let PrivateEvent::Reconciled(_) = ev {
            break;
        }
    }
    client.close().await;
    let ended = unix_secs();
    let lines = capture.lines();

    // What should be there, with its fields.
    let ours = |l: &&Line| {
        l.target.starts_with("okx_ws")
            || l.target.starts_with("okx_rest")
            || l.target.starts_with("okx_client")
    };
    let find = |target: &str, message: &str| {
        lines
            .iter()
            .filter(ours)
            .find(|l| l.target.starts_with(target) && l.message() == message)
            .unwrap_or_else(|| panic!("no {target} event {message:?}"))
            .clone()
    };
    let conn = lines
        .iter()
        .find(|l| {
            l.kind == "span"
                && l.name == "okx_ws_conn"
                && l.fields.get("endpoint").map(String::as_str) == Some("Private")
        })
        .expect("a span for the private connection");
    assert!(conn.fields.contains_key("conn"), "{conn:?}");
    assert_eq!(conn.level, tracing::Level::INFO);
    assert_eq!(find("okx_ws", "logged in").level, tracing::Level::INFO);
    assert_eq!(find("okx_ws", "connected").level, tracing::Level::INFO);
    let down = find("okx_ws", "disconnected");
    assert!(down.fields.contains_key("reason"), "{down:?}");
    let again = find("okx_ws", "reconnecting: connect, log in, resubscribe");
    assert_eq!(again.level, tracing::Level::INFO);
    assert!(again.fields.contains_key("attempt") && again.fields.contains_key("subscriptions"));
    let backoff = find("okx_ws", "backing off before reconnecting");
    assert!(backoff.fields.contains_key("wait_ms"), "{backoff:?}");
    assert_eq!(
        find("okx_ws", "reconnected and resubscribed").level,
        tracing::Level::INFO
    );
    let ws_order = find("okx_ws", "WS trading request");
    assert_eq!(ws_order.fields.get("op").map(String::as_str), Some("order"));
    assert_eq!(ws_order.level, tracing::Level::DEBUG);
    let rest_order = find("okx_rest", "placing an order over REST");
    assert_eq!(
        rest_order.fields.get("inst_id").map(String::as_str),
        Some("SOL-USDT")
    );
    let placing: Vec<&Line> = lines
        .iter()
        .filter(|l| l.target.starts_with("okx_client") && l.message() == "placing an order")
        .collect();
    let routes: Vec<&str> = placing
        .iter()
        .filter_map(|l| l.fields.get("route").map(String::as_str))
        .collect();
    assert_eq!(routes, ["ws", "rest"]);
    let rec = find("okx_client", "reconciled");
    assert!(rec.fields.contains_key("requests"), "{rec:?}");
    assert!(
        lines
            .iter()
            .filter(|l| l.target.starts_with("okx_client") && l.message() == "reconciled")
            .count()
            >= 2,
        "after the first connect and after the reconnect"
    );
    find("okx_client", "private connection up; reconciling");
    find("okx_client", "client connected");

    // What must never be there, in any span or event of any crate.
    let (key, secret, passphrase) = okx.credentials();
    let signer = okx_auth::Signer::new(secret.as_bytes());
    let logins: Vec<String> = (started - 120..=ended + 120)
        .map(|t| signer.sign_ws_login(&t.to_string()).as_str().to_owned())
        .collect();
    for line in &lines {
        for text in line.texts() {
            assert!(!text.contains(secret), "the secret key in {line:?}");
            assert!(!text.contains(passphrase), "the passphrase in {line:?}");
            assert!(
                !logins.iter().any(|s| text.contains(s.as_str())),
                "a login signature in {line:?}"
            );
            assert!(
                !text
                    .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')))
                    .any(looks_like_signature),
                "something shaped like a signature in {line:?}"
            );
        }
    }
    assert!(!key.is_empty());
    assert!(lines.len() > 20, "{} lines", lines.len());
}
