//! The exchange's two clocks.
//!
//! OKX checks request timestamps against its own wall clock, and a client
//! signs with its wall clock plus the offset it learned from
//! `/api/v5/public/time`; so signature and login checks here run on the wall
//! clock too (plus an injectable skew).
//!
//! Everything the exchange *does* in time (order and fill timestamps, candle
//! bars, the 2-hour retention of cancelled orders, `cancel-all-after`
//! deadlines, market motion) runs on the exchange clock: the wall time when
//! the exchange started plus tokio's elapsed time since then. Outside a
//! paused runtime the two agree; under `#[tokio::test(start_paused = true)]`
//! the exchange clock jumps with tokio's, so a test can live through hours
//! of exchange time in milliseconds while signatures still verify.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Wall-clock Unix milliseconds.
pub fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[derive(Debug)]
pub(crate) struct Clock {
    start_wall_ms: i64,
    start: tokio::time::Instant,
    skew_ms: AtomicI64,
    /// A test pinned the exchange clock here (`i64::MIN`: not pinned).
    pinned_ms: AtomicI64,
}

impl Clock {
    pub(crate) fn new() -> Self {
        Clock {
            start_wall_ms: wall_ms(),
            start: tokio::time::Instant::now(),
            skew_ms: AtomicI64::new(0),
            pinned_ms: AtomicI64::new(i64::MIN),
        }
    }

    /// Exchange time in Unix ms: start wall time plus tokio's elapsed time,
    /// plus the injected skew.
    pub(crate) fn now_ms(&self) -> i64 {
        let pinned = self.pinned_ms.load(Ordering::Relaxed);
        if pinned != i64::MIN {
            return pinned;
        }
        let elapsed = tokio::time::Instant::now().duration_since(self.start);
        self.start_wall_ms
            + i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX / 2)
            + self.skew_ms.load(Ordering::Relaxed)
    }

    /// The clock request timestamps are checked against (and that
    /// `/api/v5/public/time` reports): the wall clock plus the skew.
    pub(crate) fn auth_ms(&self) -> i64 {
        wall_ms() + self.skew_ms.load(Ordering::Relaxed)
    }

    pub(crate) fn set_skew_ms(&self, ms: i64) {
        self.skew_ms.store(ms, Ordering::Relaxed);
    }

    /// Holds the exchange clock at `ms` (`None` lets it run again).
    pub(crate) fn pin(&self, ms: Option<i64>) {
        self.pinned_ms
            .store(ms.unwrap_or(i64::MIN), Ordering::Relaxed);
    }

    /// When the exchange started, exchange time.
    pub(crate) fn start_ms(&self) -> i64 {
        self.start_wall_ms
    }
}
