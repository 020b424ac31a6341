//! One client connection: the handshake, then a loop over the socket, the
//! server's outbound queue, the idle timer and scheduled closes.

use super::{ConnEntry, Endpoint, Out, ops};
use crate::exchange::Exchange;
use futures_util::{SinkExt, StreamExt};
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

fn close(code: u16, reason: &'static str) -> Message {
    Message::Close(Some(CloseFrame {
        code: CloseCode::from(code),
        reason: reason.into(),
    }))
}

#[allow(
    clippy::result_large_err,
    reason = "the handshake callback's error type is tungstenite's"
)]
pub(crate) async fn serve(exchange: Arc<Exchange>, id: u64, stream: TcpStream, idle: Duration) {
    // Replies are small frames; Nagle would delay each second one by ~40 ms.
    let _ = stream.set_nodelay(true);
    let mut path = String::new();
    let callback = |req: &Request, resp: Response| {
        path = req.uri().path().to_owned();
        Ok(resp)
    };
    let Ok(ws) = tokio_tungstenite::accept_hdr_async(stream, callback).await else {
        return;
    };
    let (mut sink, mut stream) = ws.split();
    let Some(endpoint) = Endpoint::from_path(&path) else {
        let _ = sink.send(close(4002, "Invalid request")).await;
        return;
    };
    let (tx, mut rx) = mpsc::channel::<Out>(4096);
    let silent = Arc::new(AtomicBool::new(false));
    let lag = {
        let mut world = exchange.lock();
        world.ws.stats.connections += 1;
        world.ws.conns.insert(
            id,
            ConnEntry {
                endpoint,
                tx: tx.clone(),
                subs: Vec::new(),
                account: None,
                uid: None,
                silent: silent.clone(),
                muted: false,
                muted_inst: Vec::new(),
            },
        );
        world.ws.lag_new
    };
    // Frames held back by `Fault::LagNewConnections`, with when they go out.
    let mut lagged: VecDeque<(Instant, Message)> = VecDeque::new();
    let mut last_activity = Instant::now();
    let mut close_at: Option<Instant> = None;
    loop {
        let idle_deadline = last_activity + idle;
        let far = Instant::now() + Duration::from_secs(86_400);
        tokio::select! {
            msg = stream.next() => match msg {
                Some(Ok(Message::Text(text))) => {
                    last_activity = Instant::now();
                    if silent.load(Ordering::Relaxed) {
                        continue;
                    }
                    if text == "ping" {
                        if !lag.is_zero() {
                            lagged.push_back((Instant::now() + lag, Message::Text("pong".into())));
                        } else if sink.send(Message::Text("pong".into())).await.is_err() {
                            break;
                        }
                        continue;
                    }
                    let (replies, delay) = ops::handle(&exchange, id, &text);
                    if delay.is_zero() && !lag.is_zero() {
                        let due = Instant::now() + lag;
                        lagged.extend(replies.into_iter().map(|r| (due, Message::Text(r))));
                    } else if delay.is_zero() {
                        let mut failed = false;
                        for reply in replies {
                            failed |= sink.feed(Message::Text(reply)).await.is_err();
                        }
                        if failed || sink.flush().await.is_err() {
                            break;
                        }
                    } else {
                        let tx = tx.clone();
                        tokio::spawn(async move {
                            tokio::time::sleep(delay).await;
                            for reply in replies {
                                let _ = tx.send(Out::Text(reply.into())).await;
                            }
                        });
                    }
                }
                Some(Ok(Message::Ping(payload))) => {
                    let _ = sink.send(Message::Pong(payload)).await;
                }
                Some(Ok(Message::Close(_))) => {
                    // tungstenite queued the echo of the client's close
                    // frame; flushing sends it, completing the handshake.
                    let _ = sink.flush().await;
                    break;
                }
                Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            out = rx.recv() => match out {
                Some(Out::Text(text)) => {
                    if silent.load(Ordering::Relaxed) {
                        continue;
                    }
                    last_activity = Instant::now();
                    if !lag.is_zero() {
                        lagged.push_back((last_activity + lag, Message::Text(text.to_string())));
                    } else if sink.send(Message::Text(text.to_string())).await.is_err() {
                        break;
                    }
                }
                Some(Out::Close(code, reason)) => {
                    let _ = sink.send(close(code, reason)).await;
                    break;
                }
                Some(Out::CloseAfter(delay)) => close_at = Some(Instant::now() + delay),
                Some(Out::Abort) | None => break,
            },
            _ = sleep_until(lagged.front().map_or(far, |l| l.0)), if !lagged.is_empty() => {
                let now = Instant::now();
                let mut failed = false;
                while lagged.front().is_some_and(|l| l.0 <= now) {
                    if let Some((_, msg)) = lagged.pop_front() {
                        failed |= sink.feed(msg).await.is_err();
                    }
                }
                if failed || sink.flush().await.is_err() {
                    break;
                }
            }
            _ = sleep_until(idle_deadline) => {
                let _ = sink.send(close(4004, "No data received in 30s.")).await;
                break;
            }
            _ = sleep_until(close_at.unwrap_or(far)), if close_at.is_some() => {
                let _ = sink.send(close(1001, "service upgrade")).await;
                break;
            }
        }
    }
    let mut world = exchange.lock();
    if let Some(entry) = world.ws.conns.remove(&id) {
        for sub in &entry.subs {
            world.ws.count_interest(sub, false);
        }
    }
}
