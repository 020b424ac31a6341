//! The dead man's switch, on OKX's `cancel-all-after`: while the strategy
//! calls [`DeadMansSwitch::heartbeat`] within its own deadline, the switch
//! re-arms OKX's countdown about once a second (OKX allows one request per
//! second). When the strategy stops beating — it hangs, or the process
//! dies — the countdown runs out and OKX cancels every open order by
//! itself.

use std::sync::Arc;
use std::time::Duration;

use okx_rest::api::trade::CancelAllAfter;
use tokio::sync::watch;
use tokio::time::Instant;

use crate::client::Client;
use crate::error::ClientError;

/// A running dead man's switch. Dropping it stops re-arming (OKX's
/// countdown then runs out); [`DeadMansSwitch::disarm`] switches it off.
#[derive(Debug)]
pub struct DeadMansSwitch {
    beat: Arc<watch::Sender<Instant>>,
    task: tokio::task::JoinHandle<()>,
    client: Client,
}

impl DeadMansSwitch {
    /// Arms OKX's countdown for `timeout` (10 to 120 s) and keeps it armed
    /// while [`heartbeat`](Self::heartbeat) is called at least every
    /// `deadline`.
    pub async fn start(
        client: &Client,
        timeout: Duration,
        deadline: Duration,
    ) -> Result<Self, ClientError> {
        let secs = timeout.as_secs();
        if !(10..=120).contains(&secs) {
            return Err(ClientError::Config(format!(
                "cancel-all-after takes 10 to 120 s, not {secs} s"
            )));
        }
        client
            .rest()
            .send(&CancelAllAfter::new(secs.to_string()))
            .await?;
        let (tx, mut rx) = watch::channel(Instant::now());
        let beat = Arc::new(tx);
        let rest = client.rest().clone();
        let task = tokio::spawn(async move {
            let mut armed = true;
            loop {
                tokio::time::sleep(Duration::from_millis(1050)).await;
                let last = *rx.borrow_and_update();
                if last.elapsed() > deadline {
                    if armed {
                        tracing::warn!(
                            ?deadline,
                            "strategy stopped beating; letting OKX's countdown run out"
                        );
                        armed = false;
                    }
                    continue;
                }
                armed = true;
                if let Err(e) = rest.send(&CancelAllAfter::new(secs.to_string())).await {
                    tracing::warn!(error = %e, "cancel-all-after refresh failed");
                }
            }
        });
        Ok(DeadMansSwitch {
            beat,
            task,
            client: client.clone(),
        })
    }

    /// The strategy is alive.
    pub fn heartbeat(&self) {
        self.beat.send_replace(Instant::now());
    }

    /// Stops re-arming and switches OKX's countdown off (`timeOut` 0).
    pub async fn disarm(self) -> Result<(), ClientError> {
        self.task.abort();
        self.client.rest().send(&CancelAllAfter::new("0")).await?;
        Ok(())
    }
}

impl Drop for DeadMansSwitch {
    fn drop(&mut self) {
        self.task.abort();
    }
}
