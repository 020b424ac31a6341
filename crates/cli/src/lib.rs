//! The subcommands of the `okx` command, as a library so that their input
//! handling can be exercised directly (the fuzz harness feeds
//! [`sign::sign_lines`] mutated input without starting a process).

pub mod replay;
pub mod sign;
