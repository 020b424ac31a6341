//! # okx-testkit
//!
//! A simulated OKX exchange on 127.0.0.1, for tests and offline runs: one
//! exchange state (accounts with API keys and sub-accounts, every
//! instrument type with `instIdCode`, a seeded moving market, a matching
//! engine, balances, positions, fees, order and fill history) served over
//! OKX's REST API (a wiremock server) and its WebSocket API at once.
//!
//! Both doors check signatures and timestamps the way OKX does — with the
//! plain `hmac` crate, never with `okx-auth`, so a bug in the SDK's signer
//! cannot hide behind its own double — answer with OKX's real error bodies,
//! enforce rate limits (order operations share their counters across REST
//! and WS, as at OKX) and inject faults on demand. A client tested against
//! it is tested against OKX's rules rather than against a fake of itself.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let okx = okx_testkit::Okx::start().await?;
//! println!("REST {} WS {}", okx.rest_url(), okx.ws_url());
//! // point a client at these with okx.credentials(), place an order over
//! // REST, and its `orders` push arrives on the private WS channel
//! # Ok(()) }
//! ```
//!
//! From a shell, `okx testkit serve` runs the same exchange until Ctrl-C
//! and prints its URLs and credentials as one JSON line, so bots in any
//! language (python-okx, ccxt, ...) can be pointed at it; see [`serve`].
//!
//! What it does not do: liquidations, funding payments, expiry settlement
//! of futures and options, interest on borrowed margin, algo orders beyond
//! the sample bodies, and portfolio-margin risk. Margin checks are
//! simplified (cash less frozen amounts and position margin at the chosen
//! leverage).

#![recursion_limit = "256"]

pub(crate) mod exchange;
mod okx;
pub mod rest;
pub mod serve;
pub mod sign;
pub mod ws;

pub use exchange::account::{AccountSpec, ApiKey, PosMode};
pub use exchange::instrument::{InstrumentSpec, Kind, default_instruments};
pub use exchange::{
    OrderRule, TEST_API_KEY, TEST_PASSPHRASE, TEST_SECRET, TEST_UID, default_account,
};
pub use okx::{Okx, OkxBuilder};
pub(crate) use okx::{script_book, script_update, set_inst_id_code, spawn_timers};
