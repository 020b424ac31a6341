//! Every saved reproducer, run through its target: what the fuzzer once
//! found stays fixed. Each runs on a worker-sized stack, as decoding does
//! in a client.

use okx_fuzz::run::{WORKER_STACK, quiet_panics, regressions_dir, run_case};
use okx_fuzz::targets::TARGETS;

#[test]
fn every_reproducer_passes_its_target() {
    quiet_panics();
    let mut ran = 0;
    let mut failed = Vec::new();
    for target in TARGETS {
        let Ok(entries) = std::fs::read_dir(regressions_dir(target.name)) else {
            continue;
        };
        let mut files: Vec<_> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_none_or(|e| e != "why"))
            .collect();
        files.sort();
        for path in files {
            let input = std::fs::read(&path).expect("reproducer readable");
            let result = std::thread::Builder::new()
                .stack_size(WORKER_STACK)
                .spawn(move || run_case(target, &input))
                .expect("spawn")
                .join()
                .expect("the target catches panics");
            ran += 1;
            if let Err(why) = result {
                failed.push(format!("{}: {why}", path.display()));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {ran} reproducers fail:\n{}",
        failed.len(),
        failed.join("\n")
    );
    assert!(
        ran >= 5,
        "only {ran} reproducers: the committed corpus is missing"
    );
}

#[test]
fn every_target_has_seeds_when_the_fixtures_are_here() {
    if okx_fuzz::corpus::fixtures_dir().is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "fixtures missing under CI"
        );
        eprintln!("skipping: fixtures missing");
        return;
    }
    for target in TARGETS {
        let seeds = (target.seeds)();
        assert!(seeds.len() >= 4, "{}: {} seeds", target.name, seeds.len());
        // the seeds themselves are valid input: no check may fail on them
        for seed in seeds.iter().take(200) {
            if let Err(why) = (target.check)(seed) {
                panic!(
                    "{} fails its own seed: {why}\n{}",
                    target.name,
                    String::from_utf8_lossy(seed)
                );
            }
        }
    }
}
