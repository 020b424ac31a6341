//! A WebSocket peer on 127.0.0.1 that answers each request with whatever a
//! test scripts, for answers the look-alike has no reason to produce
//! (codes OKX never writes, successes without items).

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

/// Answers one request (`{"op":...,"id":...,"args":[...]}`) with frames.
pub type Script = Arc<dyn Fn(&Value) -> Vec<String> + Send + Sync>;

/// Starts the peer; it serves every connection until the test ends.
pub async fn start(script: impl Fn(&Value) -> Vec<String> + Send + Sync + 'static) -> SocketAddr {
    let script: Script = Arc::new(script);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let script = script.clone();
            tokio::spawn(async move {
                let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else {
                    return;
                };
                while let Some(Ok(msg)) = ws.next().await {
                    let Message::Text(text) = msg else { continue };
                    let replies = if text.as_str() == "ping" {
                        vec!["pong".to_owned()]
                    } else {
                        match serde_json::from_str::<Value>(text.as_str()) {
                            Ok(req) => script(&req),
                            Err(_) => Vec::new(),
                        }
                    };
                    for reply in replies {
                        if ws.send(Message::Text(reply)).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    addr
}

/// The usual answers: login accepted, every subscribe acked.
pub fn usual(req: &Value) -> Option<Vec<String>> {
    match req["op"].as_str()? {
        "login" => Some(vec![
            r#"{"event":"login","code":"0","msg":"","connId":"c1"}"#.to_owned(),
        ]),
        "subscribe" => Some(
            req["args"]
                .as_array()?
                .iter()
                .map(|arg| {
                    serde_json::json!({"id": req["id"], "event": "subscribe", "arg": arg, "connId": "c1"})
                        .to_string()
                })
                .collect(),
        ),
        _ => None,
    }
}
