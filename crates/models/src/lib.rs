//! # okx-models
//!
//! The wire types of the OKX V5 API: decimal-typed models (instruments,
//! tickers, book levels, candles, trades, orders, fills, balances, positions),
//! wire enums that keep unknown values, id newtypes, the `{code,msg,data}`
//! response envelope and the API error with per-item `sCode`/`sMsg` results.
//!
//! This crate is pure data: it does no I/O, holds no credentials and pulls no
//! async runtime. Sending requests is `okx-rest`'s job, streaming is `okx-ws`'s,
//! and maintaining a local book is `okx-book`'s.
//!
//! Money is [`rust_decimal::Decimal`], never a float. OKX sends `""` for an
//! absent number; that reads as `None`.
//!
//! ```
//! use okx_models::{Envelope, OkxCode};
//! use rust_decimal::Decimal;
//!
//! #[derive(serde::Deserialize)]
//! struct Px {
//!     #[serde(rename = "markPx", with = "okx_models::num::decimal")]
//!     mark_px: Decimal,
//! }
//!
//! let body = br#"{"code":"0","msg":"","data":[{"markPx":"43000.10"}]}"#;
//! let rows = Envelope::<Px>::from_slice(body)?.into_result()?;
//! assert_eq!(rows[0].mark_px.to_string(), "43000.10");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod account;
pub mod api;
pub mod enums;
pub mod envelope;
pub mod error;
pub mod fast;
pub mod ids;
pub mod instrument;
pub mod market;
pub mod num;
pub mod order;
pub mod trade;
pub mod wire;
pub mod ws;

pub use account::{Balance, BalanceDetail, CloseOrderAlgo, Position};
pub use enums::{
    AlgoOrdType, AlgoState, Bar, BookAction, CtType, ExecType, InstState, InstType, MgnMode,
    OptType, OrdType, OrderCategory, OrderState, PosMode, PosSide, RuleType, Side, StpMode, TdMode,
    TgtCcy, TpOrdKind, TriggerPxType,
};
pub use envelope::{Envelope, api_error_from_body};
pub use error::{ApiError, CodeClass, ItemResult, ItemStatus, OkxCode};
pub use ids::{ClOrdId, ClOrdIdError, InstId, OrdId};
pub use instrument::{InstCategory, Instrument, SizeError, UpcomingChange};
pub use market::{BookLevel, Candle, OrderBook, Ticker, Trade};
pub use order::{AttachAlgoOrd, Fill, LinkedAlgoOrd, Order};
pub use rust_decimal::Decimal;

// Models and errors cross threads inside events and results: checked when
// the crate compiles.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<ApiError>();
    send_sync::<Order>();
    send_sync::<Fill>();
    send_sync::<Ticker>();
    send_sync::<Position>();
    send_sync::<Balance>();
    send_sync::<Instrument>();
    send_sync::<ClOrdIdError>();
    send_sync::<SizeError>();
};
