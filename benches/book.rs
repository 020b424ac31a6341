//! Benchmark book: being written.

fn main() {}
