//! Not part of the API: a connection's handling of inbound frames, driven
//! without a socket, so the benchmarks (`benches/ws_book.rs` of the `okx`
//! package) and the allocation tests measure the client's own path from
//! frame bytes to an applied book and the event its user receives. It may
//! change without notice.

use super::{Conn, Endpoint, handle};
use crate::arg::Arg;
use crate::config::WsConfig;
use crate::event::WsEvent;
use crate::queue::{self, WsEvents};
use crate::shared::Ctx;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Waker};

/// A public connection that keeps books, subscribed to some args, fed
/// frames by hand.
pub struct FramePath {
    conn: Conn,
    events: WsEvents,
}

impl std::fmt::Debug for FramePath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FramePath").finish_non_exhaustive()
    }
}

impl FramePath {
    /// A connection subscribed to `args` (as if OKX had acked them), with
    /// the client's default configuration.
    pub fn new(args: impl IntoIterator<Item = Arg>) -> Self {
        let cfg = WsConfig::live();
        let (sinks, events) =
            queue::channel(cfg.market_capacity, cfg.lossless_capacity, cfg.overflow);
        let ctx = Arc::new(Ctx::new(cfg, None, sinks));
        let (mut conn, _, _) = Conn::new(ctx, Endpoint::Public, 0, false);
        conn.subs.extend(args);
        FramePath { conn, events }
    }

    /// Handles one text frame the way the connection does, then returns
    /// the next event its user would receive, if any.
    ///
    /// # Panics
    ///
    /// If handling the frame waits (a full queue under
    /// [`Overflow::Backpressure`](crate::Overflow::Backpressure), which the
    /// default configuration does not use).
    pub fn frame(&mut self, text: &str) -> Option<WsEvent> {
        let mut dedupe = None;
        // What the connection's `handle_text!` does, with the part that
        // needs no waiting called directly, as there.
        if let Err(later) = self.conn.on_text_now(text, 1, &mut dedupe) {
            let conn = &mut self.conn;
            let rest = pin!(async {
                match later {
                    handle::Later::Step(step) => conn.book_step(step, text).await,
                    handle::Later::Frame => conn.on_text(text, 1, &mut dedupe).await,
                }
            });
            if rest
                .poll(&mut Context::from_waker(Waker::noop()))
                .is_pending()
            {
                panic!("handling a frame waited");
            }
        }
        self.events.try_recv()
    }

    /// Reads a kept book, like [`WsClient::book`](crate::WsClient::book).
    pub fn book<R>(
        &self,
        channel: &str,
        inst_id: &str,
        f: impl FnOnce(&okx_book::OrderBook) -> R,
    ) -> Option<R> {
        let channel = okx_book::Channel::from_name(channel)?;
        let books = self.conn.ctx.books();
        books.get(channel).and_then(|set| set.get(inst_id)).map(f)
    }
}

/// The text of the WS `order` frame the client's
/// [`Trading::place`](crate::Trading::place) writes to the socket for
/// `order` (with its `instIdCode`), as request `id` with an optional
/// `expTime`: the last step of a tick-to-order path, without a socket.
pub fn order_frame(
    order: &okx_models::trade::OrderRequest,
    inst_id_code: i64,
    id: &str,
    exp_time: Option<i64>,
) -> String {
    crate::trade::op_frame(id, "order", vec![order.to_ws_arg(inst_id_code)], exp_time)
}
