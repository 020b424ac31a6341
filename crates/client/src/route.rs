//! Which way an order goes.

/// Which way an order goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Route {
    /// Over the WebSocket while the private connection is up and the
    /// instrument's `instIdCode` is known; over REST otherwise.
    #[default]
    Auto,
    /// Always over the WebSocket.
    Ws,
    /// Always over REST.
    Rest,
}
