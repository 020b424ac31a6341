//! The three OKX WebSocket endpoints, a type of its own: subscription args,
//! the configuration and the errors all name it.

/// The three OKX WebSocket endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Endpoint {
    /// `/ws/v5/public`: market data.
    Public,
    /// `/ws/v5/private`: account and order channels, WS trading; login required.
    Private,
    /// `/ws/v5/business`: candles, trades-all, algo orders.
    Business,
}

impl Endpoint {
    /// The URL path.
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::Public => "/ws/v5/public",
            Endpoint::Private => "/ws/v5/private",
            Endpoint::Business => "/ws/v5/business",
        }
    }
}
