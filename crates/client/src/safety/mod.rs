//! The safety layer a bot opts into: a pre-trade [`RiskGuard`] every order
//! path passes through, a [`KillSwitch`] that halts and flattens on its own,
//! a [`DeadMansSwitch`] on OKX's `cancel-all-after`, and an [`AuditLog`].

pub mod audit;
pub mod deadman;
pub mod kill;
pub mod risk;

pub use audit::{AuditLog, Summary, summarize};
pub use deadman::DeadMansSwitch;
pub use kill::{KillState, KillSwitch, KillSwitchConfig};
pub use risk::{
    Exposure, Limits, LimitsError, OrderFacts, RiskGuard, RiskLimits, RiskRejection, Rule,
};

/// The safety parts a client uses.
#[derive(Debug, Default)]
pub(crate) struct Safety {
    pub(crate) guard: Option<RiskGuard>,
    pub(crate) audit: Option<AuditLog>,
    pub(crate) kill: Option<KillSwitch>,
}
