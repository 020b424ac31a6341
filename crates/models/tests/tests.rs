//! Integration tests of okx-models: fixture conformance, round trips and wire rules.

mod common;
mod conformance;
mod envelope;
mod fast;
mod hostile;
mod props;
mod rules;
mod schema2026;
mod trade;
mod wire;
