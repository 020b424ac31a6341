//! Every `okx` command run as a process against the simulated exchange
//! (`okx_testkit::Okx` on loopback), asserting on output and exit codes.

mod account;
mod candles;
mod common;
mod conventions;
mod market;
mod record;
