//! Push types of the WebSocket channels that have no REST twin, or whose
//! push differs from the REST row (the `fills` push, book pushes with
//! sequence numbers, `balance_and_position`).
//!
//! Channels whose push has the REST shape use the core types: `tickers` →
//! [`Ticker`](crate::Ticker), `trades`/`trades-all` → [`Trade`](crate::Trade),
//! `candle*` → [`Candle`](crate::Candle), `orders` → [`Order`](crate::Order),
//! `account` → [`Balance`](crate::Balance), `positions` →
//! [`Position`](crate::Position), `instruments` →
//! [`Instrument`](crate::Instrument).
//!
//! ```
//! use okx_models::ws::MarkPrice;
//!
//! let rows: Vec<MarkPrice> = serde_json::from_str(
//!     r#"[{"instType":"SWAP","instId":"BTC-USDT-SWAP","markPx":"42310.6","ts":"1630049139746"}]"#,
//! )?;
//! assert_eq!(rows[0].mark_px.to_string(), "42310.6");
//! # Ok::<(), serde_json::Error>(())
//! ```

mod private;
mod public;

pub use private::{
    AlgoOrderPush, BalPosBalance, BalPosPosition, BalPosTrade, BalanceAndPosition, FillPush,
    LiquidationWarning,
};
pub use public::{
    BookPush, FundingRatePush, IndexTicker, LiquidationDetail, LiquidationOrder, MarkPrice,
    OpenInterestPush, PriceLimit, SystemStatus,
};
