//! Behaviour of okx-auth through its public API only.

mod headers;
mod redaction;
mod vectors;
