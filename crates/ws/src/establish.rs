//! Opening one connection: connect (within the connection rate), log in,
//! subscribe everything that should be subscribed, and keep whatever pushes
//! arrive meanwhile so none is lost.

use crate::arg::Arg;
use crate::decode::{Inbound, inbound};
use crate::endpoint::Endpoint;
use crate::error::permanent_login_failure;
use crate::limits::Window;
use crate::shared::Ctx;
use futures_util::{SinkExt, StreamExt};
use okx_models::OkxCode;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::{Instant, timeout_at};
use tokio_tungstenite::tungstenite::Message;

pub(crate) use crate::net::Socket;

pub(crate) const HOUR: Duration = Duration::from_secs(3600);

/// Why a connection could not be set up.
#[derive(Debug)]
pub(crate) enum EstablishError {
    /// Login refused for good.
    Permanent(OkxCode, String),
    /// Login refused for a reason a retry may fix.
    Login(OkxCode, String),
    /// Network, handshake or timeout.
    Transient(String),
}

pub(crate) struct Established {
    pub(crate) ws: Socket,
    /// Frames that arrived during setup that were not setup answers.
    pub(crate) early: Vec<String>,
    pub(crate) ops: Window,
    /// Resubscriptions OKX refused: (args, code, msg).
    pub(crate) refused: Vec<(Vec<Arg>, OkxCode, String)>,
}

/// Splits args into subscribe requests no bigger than `max_bytes`.
pub(crate) fn chunk_args(args: &[Arg], max_bytes: usize) -> Vec<Vec<Arg>> {
    // `{"id":"<=32","op":"unsubscribe","args":[...]}` costs under 64 bytes.
    let budget = max_bytes.saturating_sub(64);
    let mut chunks: Vec<Vec<Arg>> = Vec::new();
    let mut size = 0;
    for arg in args {
        let len = serde_json::to_string(arg).map(|s| s.len() + 1).unwrap_or(0);
        match chunks.last_mut() {
            Some(chunk) if size + len <= budget => chunk.push(arg.clone()),
            _ => {
                chunks.push(vec![arg.clone()]);
                size = 0;
            }
        }
        size += len;
    }
    chunks
}

pub(crate) fn request(id: &str, op: &str, args: &[Arg]) -> String {
    json!({"id": id, "op": op, "args": args}).to_string()
}

async fn next_text(ws: &mut Socket, deadline: Instant) -> Result<String, EstablishError> {
    loop {
        let msg = timeout_at(deadline, ws.next())
            .await
            .map_err(|_| EstablishError::Transient("setup timed out".into()))?;
        match msg {
            Some(Ok(Message::Text(t))) => return Ok(t.to_string()),
            Some(Ok(Message::Close(Some(frame)))) if u16::from(frame.code) == 4001 => {
                // OKX's "login failed" close, sometimes without an error event.
                let msg = format!("closed with 4001 {}", frame.reason);
                return Err(EstablishError::Login(OkxCode(60009), msg));
            }
            Some(Ok(Message::Close(frame))) => {
                let why = frame.map(|f| format!("{} {}", u16::from(f.code), f.reason));
                return Err(EstablishError::Transient(format!(
                    "closed during setup: {}",
                    why.unwrap_or_default()
                )));
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(EstablishError::Transient(e.to_string())),
            None => return Err(EstablishError::Transient("closed during setup".into())),
        }
    }
}

/// Connects, logs in when `login`, subscribes `subs`.
pub(crate) async fn establish(
    ctx: Arc<Ctx>,
    endpoint: Endpoint,
    login: bool,
    subs: Vec<Arg>,
) -> Result<Established, EstablishError> {
    let cfg = &ctx.cfg;
    ctx.connect_limiter
        .acquire(
            "connect",
            cfg.connections_per_second,
            Duration::from_secs(1),
            1,
        )
        .await;
    let url = cfg.url(endpoint);
    tracing::debug!(url = %url, "opening the socket");
    let deadline = Instant::now() + cfg.request_timeout;
    let connect = async {
        let tcp = crate::net::open(&url, cfg.proxy.as_ref()).await?;
        crate::net::handshake(&url, tcp, &cfg.pins, &cfg.roots).await
    };
    let (mut ws, _) = timeout_at(deadline, connect)
        .await
        .map_err(|_| EstablishError::Transient("connect timed out".into()))?
        .map_err(EstablishError::Transient)?;
    let mut ops = Window::new(cfg.ops_per_hour, HOUR);
    let mut early = Vec::new();
    let send = |text: String| Message::Text(text);
    if let (true, Some(auth)) = (login, ctx.auth.as_ref()) {
        let args = auth.ws_login();
        let frame = json!({"op": "login", "args": [{
            "apiKey": args.api_key, "passphrase": args.passphrase,
            "timestamp": args.timestamp, "sign": args.sign.as_str()
        }]});
        let _ = ops.try_take(1, Instant::now());
        ws.send(send(frame.to_string()))
            .await
            .map_err(|e| EstablishError::Transient(e.to_string()))?;
        loop {
            let text = next_text(&mut ws, deadline).await?;
            match inbound(&text) {
                Inbound::Login { code, .. } if code.is_ok() => {
                    // The login frame itself (key, passphrase, sign) is never logged.
                    tracing::info!("logged in");
                    break;
                }
                Inbound::Login { code, msg }
                | Inbound::Error {
                    id: None,
                    code,
                    msg,
                } => {
                    return Err(if permanent_login_failure(code) {
                        EstablishError::Permanent(code, msg)
                    } else {
                        EstablishError::Login(code, msg)
                    });
                }
                Inbound::BadCode {
                    event: Some(event),
                    id,
                    error,
                } if event == "login" || (event == "error" && id.is_none()) => {
                    // Say what arrived now rather than "setup timed out" later.
                    return Err(EstablishError::Transient(format!(
                        "unreadable login answer ({error}): {}",
                        shorten(&text)
                    )));
                }
                Inbound::Pong => {}
                _ => early.push(text),
            }
        }
    }
    // Per request id, the args not acked yet: OKX acks per arg but refuses
    // per request, so only these are refused.
    let mut pending: HashMap<String, Vec<Arg>> = HashMap::new();
    if !subs.is_empty() {
        tracing::debug!(subscriptions = subs.len(), "subscribing");
    }
    for chunk in chunk_args(&subs, cfg.max_subscribe_bytes) {
        let id = ctx.next_id();
        ws.send(send(request(&id, "subscribe", &chunk)))
            .await
            .map_err(|e| EstablishError::Transient(e.to_string()))?;
        let _ = ops.try_take(1, Instant::now());
        pending.insert(id, chunk);
    }
    let mut refused = Vec::new();
    let deadline = Instant::now() + cfg.request_timeout;
    while !pending.is_empty() {
        let text = next_text(&mut ws, deadline).await?;
        match inbound(&text) {
            Inbound::Ack { id: Some(id), arg } if pending.contains_key(&id) => {
                if let Some(left) = pending.get_mut(&id) {
                    take_acked(left, arg);
                    if left.is_empty() {
                        pending.remove(&id);
                    }
                }
            }
            Inbound::Error {
                id: Some(id),
                code,
                msg,
            } if pending.contains_key(&id) => {
                if let Some(args) = pending.remove(&id) {
                    refused.push((args, code, msg));
                }
            }
            Inbound::Pong => {}
            _ => early.push(text),
        }
    }
    Ok(Established {
        ws,
        early,
        ops,
        refused,
    })
}

/// The start of a frame, for an error message.
fn shorten(text: &str) -> &str {
    const SHOWN: usize = 200;
    let cut = (0..=SHOWN.min(text.len()))
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    &text[..cut]
}

/// Removes the arg an ack names from the args still waiting; an ack whose
/// arg matches none (OKX echoing it differently) still counts for one.
pub(crate) fn take_acked(left: &mut Vec<Arg>, acked: Option<Arg>) {
    let at = acked
        .map(|a| a.key())
        .and_then(|a| left.iter().position(|l| *l == a))
        .unwrap_or(0);
    if at < left.len() {
        left.remove(at);
    }
}

/// Whether OKX refusing a subscription means it can never succeed as asked
/// (bad channel or args, wrong URL, fee tier too low), as opposed to a
/// passing condition (60014 too frequent, 64007 internal error, ...).
pub(crate) fn refused_for_good(code: OkxCode) -> bool {
    matches!(
        code.0,
        60008
            | 60012
            | 60013
            | 60018
            | 60019
            | 60027
            | 60028
            | 60029
            | 60030
            | 64000
            | 64001
            | 64002
            | 64003
            | 64004
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every subscribe carries an `id` OKX echoes in its answer (optional
    /// since 2025-05-29, 1-32 letters or digits), which is how acks and
    /// refusals find their request.
    #[test]
    fn subscribe_requests_carry_an_id_okx_accepts() {
        let text = request(
            "17",
            "subscribe",
            &[Arg::new("tickers").inst_id("BTC-USDT")],
        );
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let id = v["id"].as_str().unwrap();
        assert!((1..=32).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(v["op"], "subscribe");
    }

    #[test]
    fn subscribe_requests_stay_under_the_size_limit() {
        let args: Vec<Arg> = (0..2000)
            .map(|i| Arg::new("tickers").inst_id(format!("COIN{i}-USDT")))
            .collect();
        let chunks = chunk_args(&args, 64 * 1024);
        assert!(chunks.len() > 1);
        assert_eq!(chunks.iter().map(Vec::len).sum::<usize>(), 2000);
        for chunk in &chunks {
            let id = "a".repeat(32);
            assert!(request(&id, "unsubscribe", chunk).len() <= 64 * 1024);
        }
    }
}
