//! okx-client against the simulated exchange (okx-testkit): REST and WS
//! over one state, so what the client reports can be compared with what
//! the exchange did.

mod suite;
