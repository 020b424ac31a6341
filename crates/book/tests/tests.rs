//! Integration tests of okx-book: recorded OKX data and a model-based property test.

mod fixtures;
mod mode2026;
mod model;
mod replay;
mod rules;
mod strict;
