//! What a connection does while it has no socket.

use super::{Conn, Wait};
use crate::error::WsError;
use crate::shared::Cmd;
use std::time::Duration;
use tokio::time::{Instant, sleep_until};

impl Conn {
    /// While there is no socket: trading fails fast, subscriptions wait for
    /// the next connection. Returns at `until` (never, with `None`).
    pub(super) async fn wait_offline(&mut self, until: Option<Instant>) -> Wait {
        let far = Instant::now() + Duration::from_secs(365 * 86_400);
        let deadline = until.unwrap_or(far);
        loop {
            let answer_by = self
                .deferred
                .iter()
                .filter_map(|(t, _)| *t)
                .min()
                .unwrap_or(far);
            tokio::select! {
                _ = sleep_until(deadline) => return Wait::Done,
                cmd = self.cmds.recv() => match cmd {
                    None | Some(Cmd::Close) => return Wait::Shutdown,
                    Some(cmd @ Cmd::Trade { .. }) => cmd.fail(WsError::NotConnected),
                    Some(cmd) => self.defer(cmd),
                },
                _ = sleep_until(answer_by), if answer_by < far => self.answer_late(),
            }
        }
    }

    pub(super) fn defer(&mut self, cmd: Cmd) {
        let answer_by = Instant::now() + self.ctx.cfg.request_timeout;
        self.deferred.push_back((Some(answer_by), cmd));
    }

    /// Callers of commands queued too long get `Timeout`; the commands stay
    /// queued and run on the next connection, as a timed-out one would.
    pub(super) fn answer_late(&mut self) {
        let now = Instant::now();
        for (answer_by, cmd) in &mut self.deferred {
            if answer_by.is_some_and(|t| t <= now) {
                *answer_by = None;
                if let Cmd::Subscribe { reply, .. } | Cmd::Unsubscribe { reply, .. } = cmd {
                    let (unheard, _) = tokio::sync::oneshot::channel();
                    let _ = std::mem::replace(reply, unheard).send(Err(WsError::Timeout));
                }
            }
        }
    }
}
