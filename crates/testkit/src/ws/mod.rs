//! The WebSocket half of the look-alike. Work in progress.
