//! okx-fuzz: mutation fuzzing of the SDK's input handling on the stable
//! toolchain, without coverage instrumentation: recorded OKX payloads are
//! mutated (bit flips, splices, truncation, number mangling, deep nesting)
//! and run through targets that check properties, not just the absence of
//! a panic. Run it with `cargo xtask fuzz --seconds N [--target NAME]`;
//! anything it finds is saved under `regressions/<target>/`, which
//! `tests/regressions.rs` replays on every `cargo test`.

pub mod corpus;
pub mod mutate;
pub mod rng;
pub mod run;
pub mod targets;
