//! The dispatcher: one task reads the WebSocket client's events, keeps the
//! tracker, the instrument cache and the book handles current, starts a
//! reconciliation whenever the private connection comes (back) up, and
//! hands market events and the account's events to their streams.

use std::sync::Weak;
use std::sync::atomic::Ordering;

use okx_ws::{Endpoint, PushData, WsEvent, WsEvents};

use crate::events::{PrivateEvent, Source};
use crate::inner::Inner;

pub(crate) fn spawn(inner: Weak<Inner>, mut events: WsEvents) {
    tokio::spawn(async move {
        while let Some(ev) = events.recv().await {
            let Some(inner) = inner.upgrade() else {
                return;
            };
            handle(&inner, ev);
        }
    });
}

fn handle(inner: &std::sync::Arc<Inner>, ev: WsEvent) {
    match &ev {
        WsEvent::Push(push) => {
            let private = match &push.data {
                PushData::Orders(rows) => {
                    for order in rows {
                        let out = inner.tracker.apply_order(order.clone(), Source::Live);
                        inner.emit(out);
                    }
                    true
                }
                PushData::Positions(rows) => {
                    let snapshot = push.event_type.as_deref() == Some("snapshot");
                    inner.tracker.apply_positions(rows, snapshot);
                    inner.emit(vec![PrivateEvent::Positions {
                        positions: rows.clone(),
                        snapshot,
                    }]);
                    true
                }
                PushData::Account(rows) => {
                    inner.tracker.apply_account(rows);
                    inner.emit(vec![PrivateEvent::Balances {
                        balances: rows.clone(),
                    }]);
                    true
                }
                // Its cash and position changes also come, in full, on
                // `account` and `positions`.
                PushData::BalanceAndPosition(_) | PushData::Fills(_) | PushData::AlgoOrders(_) => {
                    true
                }
                PushData::Tickers(rows) => {
                    let mut prices = inner.prices.write().unwrap_or_else(|e| e.into_inner());
                    for t in rows {
                        if let (Some(b), Some(a)) = (t.bid_px, t.ask_px) {
                            prices.entry(t.inst_id.to_string()).or_default().mid =
                                Some((b + a) / rust_decimal::Decimal::TWO);
                        }
                    }
                    false
                }
                PushData::MarkPrice(rows) => {
                    let mut prices = inner.prices.write().unwrap_or_else(|e| e.into_inner());
                    for m in rows {
                        prices.entry(m.inst_id.to_string()).or_default().mark = Some(m.mark_px);
                    }
                    false
                }
                PushData::Instruments(rows) => {
                    let codes = inner.instruments.load(rows);
                    inner.ws.set_inst_id_codes(codes);
                    false
                }
                _ => false,
            };
            if private {
                return;
            }
        }
        WsEvent::Book(update) => {
            inner
                .books
                .update(update.channel.name(), update.inst_id.as_str(), true)
        }
        WsEvent::BookOutOfSync {
            channel, inst_id, ..
        } => inner.books.update(channel, inst_id, false),
        WsEvent::Connected {
            endpoint: Endpoint::Private,
            ..
        }
        | WsEvent::Reconnected {
            endpoint: Endpoint::Private,
            ..
        } => {
            inner.private_up.store(true, Ordering::Relaxed);
            tracing::info!("private connection up; reconciling");
            inner.emit(vec![PrivateEvent::Connected]);
            let inner = inner.clone();
            tokio::spawn(async move {
                let _ = crate::reconcile::run(&inner).await;
            });
        }
        WsEvent::Disconnected {
            endpoint: Endpoint::Private,
            reason,
            ..
        } => {
            inner.private_up.store(false, Ordering::Relaxed);
            tracing::warn!(?reason, "private connection down");
            inner.emit(vec![PrivateEvent::Disconnected {
                reason: format!("{reason:?}"),
            }]);
        }
        _ => {}
    }
    let tx = inner.market_tx.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(tx) = tx.as_ref()
        && tx.try_send(ev).is_err()
    {
        inner.lagged.fetch_add(1, Ordering::Relaxed);
    }
}
