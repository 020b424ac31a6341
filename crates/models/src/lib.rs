//! # okx-models
//!
//! OKX V5 wire types. Work in progress.

pub mod api;
pub mod ws;
