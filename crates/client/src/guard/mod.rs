//! The safety parts that know nothing of the client: the pre-trade
//! [`RiskGuard`] and the [`AuditLog`]. The kill switch and the dead man's
//! switch, which drive a client, live beside them; the public
//! `okx_client::safety` module gathers all four.

pub mod audit;
pub mod risk;

pub use audit::{AuditLog, Summary, summarize};
pub use risk::{
    Exposure, Limits, LimitsError, OrderFacts, RiskGuard, RiskLimits, RiskRejection, Rule,
};
