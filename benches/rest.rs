//! Benchmark rest: being written.

fn main() {}
