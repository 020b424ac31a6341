//! The subcommands of the `okx` command, as a library so that their pure
//! parts (views rendered to a `String`, date parsing, resuming a candle
//! file, the recorded-file format) are tested directly, and the fuzz
//! harness feeds [`sign::sign_lines`] mutated input without starting a
//! process. See the crate's README for the command itself.

pub mod account;
pub mod candles;
pub mod conn;
pub mod fail;
pub mod market;
pub mod out;
pub mod recfile;
pub mod record;
pub mod replay;
pub mod sign;
pub mod time;
pub mod view;
pub mod watch;
