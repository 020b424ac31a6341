//! okx-ws against the okx-testkit WebSocket server on 127.0.0.1.

mod suite;
