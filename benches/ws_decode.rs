//! Benchmark ws_decode: being written.

fn main() {}
