//! Shared by the benchmarks: ratios measured side by side.
//!
//! On this shared 2-core machine the load moves between criterion's
//! back-to-back groups, which skews a ratio taken from two of them. Here the
//! contenders run in turn, a short batch each, round after round, so every
//! one sees the same load; the medians per batch and their ratios to the
//! first contender are printed.

#![allow(dead_code)]

pub mod books;

use std::hint::black_box;
use std::time::Instant;

/// A contender: its name and one call of it.
pub type Contender<'a> = (&'static str, &'a mut dyn FnMut());

/// Whether this is a measuring run (`cargo bench`), not a smoke test
/// (`cargo test --benches`) or criterion's `--profile-time`, and the filter
/// given on the command line (if any) lets `name` through. Criterion reads
/// the filter as a regex; alternatives (`a|b`) and substrings are honoured
/// here, which is what these benches' names need.
pub fn measuring(name: &str) -> bool {
    // Criterion options that take a value (the value is not a filter).
    const WITH_VALUE: [&str; 12] = [
        "--warm-up-time",
        "--measurement-time",
        "--sample-size",
        "--save-baseline",
        "--baseline",
        "--baseline-lenient",
        "--noise-threshold",
        "--confidence-level",
        "--significance-level",
        "--nresamples",
        "--output-format",
        "--color",
    ];
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.iter().any(|a| a == "--bench") || args.iter().any(|a| a == "--profile-time") {
        return false;
    }
    let mut filters = Vec::new();
    let mut skip = false;
    for arg in &args {
        if std::mem::take(&mut skip) {
            continue;
        }
        if arg.starts_with('-') {
            skip = WITH_VALUE.contains(&arg.as_str());
        } else {
            filters.push(arg.as_str());
        }
    }
    filters.is_empty()
        || filters
            .iter()
            .flat_map(|f| f.split('|'))
            .any(|f| name.contains(f))
}

/// Runs the contenders in turn for `rounds` rounds of about `batch_ns`
/// each, prints their medians (ns per call) and ratios to the first, and
/// returns the medians.
pub fn interleaved(
    title: &str,
    rounds: usize,
    batch_ns: f64,
    contenders: &mut [Contender<'_>],
) -> Vec<f64> {
    // Calls per batch from a first timing, so a batch lasts about batch_ns.
    let iters: Vec<u32> = contenders
        .iter_mut()
        .map(|(_, f)| {
            let per = ns_per_call(200, f).max(1.0);
            ((batch_ns / per) as u32).clamp(1, 1_000_000)
        })
        .collect();
    let mut times = vec![Vec::with_capacity(rounds); contenders.len()];
    for _ in 0..rounds {
        for ((_, f), (n, t)) in contenders
            .iter_mut()
            .zip(iters.iter().zip(times.iter_mut()))
        {
            t.push(ns_per_call(*n, f));
        }
    }
    let medians: Vec<f64> = times.into_iter().map(median).collect();
    println!("\n{title}: interleaved medians over {rounds} rounds");
    for ((name, _), m) in contenders.iter().zip(&medians) {
        println!(
            "  {name:<28} {:>12} {:>8.3}x",
            human(*m),
            m / medians[0].max(1e-9)
        );
    }
    medians
}

fn ns_per_call(iters: u32, f: &mut dyn FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..iters {
        f();
        black_box(());
    }
    start.elapsed().as_secs_f64() * 1e9 / f64::from(iters)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn human(ns: f64) -> String {
    if ns >= 1000.0 {
        format!("{:.2} µs", ns / 1000.0)
    } else {
        format!("{ns:.1} ns")
    }
}
