//! Running a target: a worker loop in this process, and a supervisor that
//! runs workers as child processes so that even a crash no panic handler
//! sees (a stack overflow aborts) or a hang ends in a saved reproducer.
//!
//! Cases are generated from `(seed, index)` alone, so the supervisor finds
//! the input that killed a worker by running the cases since its last
//! checkpoint again, in a child that writes each input to a file before
//! running it.

use std::io::{BufRead, BufReader, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::mutate;
use crate::targets::Target;

/// The stack of a tokio worker thread, where the SDK decodes in real use.
pub const WORKER_STACK: usize = 2 * 1024 * 1024;

/// How long a worker may say nothing before it counts as hung.
const HANG: Duration = Duration::from_secs(30);

/// Where reproducers are kept: one folder per target, replayed by
/// `tests/regressions.rs`.
pub fn regressions_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("regressions")
        .join(target)
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// Saves a reproducer and returns its path.
pub fn save(target: &str, input: &[u8], why: &str) -> std::io::Result<PathBuf> {
    let dir = regressions_dir(target);
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("crash-{:016x}", fnv(input)));
    std::fs::write(&path, input)?;
    let mut note = why.to_owned();
    note.truncate(4000);
    std::fs::write(path.with_extension("why"), note)?;
    Ok(path)
}

static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

/// Keeps panic messages for findings instead of printing them.
pub fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = info.to_string();
        }
    }));
}

/// Runs one input, turning a panic into an `Err`.
pub fn run_case(target: &Target, input: &[u8]) -> Result<(), String> {
    match catch_unwind(AssertUnwindSafe(|| (target.check)(input))) {
        Ok(result) => result,
        Err(_) => Err(format!(
            "panic: {}",
            LAST_PANIC.lock().map(|m| m.clone()).unwrap_or_default()
        )),
    }
}

/// What a worker is asked to do.
#[derive(Debug, Clone)]
pub struct Work {
    /// Run seed.
    pub seed: u64,
    /// First case index.
    pub from: u64,
    /// Stop after this many cases.
    pub count: u64,
    /// Stop after this long.
    pub time: Duration,
    /// Write each input here before running it.
    pub write_each: Option<PathBuf>,
}

/// The worker loop, on a thread with a worker-sized stack. Prints `at N`
/// checkpoints, `finding N PATH` lines and `done CASES` on stdout.
pub fn worker(target: &'static Target, work: Work) -> u64 {
    quiet_panics();
    let seeds = (target.seeds)();
    let run = move || {
        let out = std::io::stdout();
        let started = Instant::now();
        let mut last_note = Instant::now();
        let mut cases = 0u64;
        let mut i = work.from;
        while cases < work.count && started.elapsed() < work.time {
            let input = mutate::case(&seeds, work.seed, i);
            if let Some(file) = &work.write_each {
                let _ = std::fs::write(file, &input);
            }
            if let Err(why) = run_case(target, &input) {
                let saved = save(target.name, &input, &why)
                    .map_or_else(|e| format!("(not saved: {e})"), |p| p.display().to_string());
                let first = why.lines().next().unwrap_or_default();
                let _ = writeln!(out.lock(), "finding {i} {saved} {first}");
            }
            cases += 1;
            i += 1;
            if cases.is_multiple_of(256) || last_note.elapsed() > Duration::from_millis(500) {
                let _ = writeln!(out.lock(), "at {i}");
                let _ = out.lock().flush();
                last_note = Instant::now();
            }
        }
        let _ = writeln!(out.lock(), "done {cases}");
        let _ = out.lock().flush();
        cases
    };
    std::thread::Builder::new()
        .stack_size(WORKER_STACK)
        .spawn(run)
        .and_then(|h| {
            h.join()
                .map_err(|_| std::io::Error::other("worker thread died"))
        })
        .unwrap_or(0)
}

/// What a supervised run found.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// Cases run.
    pub cases: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// Reproducers saved.
    pub findings: Vec<String>,
}

/// How one child process ended.
enum Ended {
    Done,
    Died(String),
}

/// Runs a worker child for `work`, collecting its lines; returns how it
/// ended, the cases it reported and the last checkpoint.
fn child(exe: &Path, target: &str, work: &Work, report: &mut Report) -> (Ended, u64) {
    let mut cmd = Command::new(exe);
    cmd.args(["worker", "--target", target])
        .args([
            "--seed",
            &work.seed.to_string(),
            "--from",
            &work.from.to_string(),
        ])
        .args(["--count", &work.count.to_string()])
        .args(["--millis", &work.time.as_millis().to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(file) = &work.write_each {
        cmd.arg("--write-each").arg(file);
    }
    let Ok(mut proc) = cmd.spawn() else {
        return (Ended::Died("cannot start a worker".into()), work.from);
    };
    let Some(stdout) = proc.stdout.take() else {
        return (Ended::Died("no worker output".into()), work.from);
    };
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut checkpoint = work.from;
    let ended = loop {
        match rx.recv_timeout(HANG) {
            Ok(line) => {
                let mut words = line.splitn(3, ' ');
                match (words.next(), words.next(), words.next()) {
                    (Some("at"), Some(n), _) => checkpoint = n.parse().unwrap_or(checkpoint),
                    (Some("finding"), Some(_), Some(rest)) => report.findings.push(rest.to_owned()),
                    (Some("done"), Some(n), _) => {
                        report.cases += n.parse::<u64>().unwrap_or(0);
                        break Ended::Done;
                    }
                    _ => {}
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = proc.kill();
                break Ended::Died(format!("no progress for {HANG:?} (hang)"));
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let status = proc.wait().map(|s| s.to_string()).unwrap_or_default();
                break Ended::Died(format!("worker died: {status}"));
            }
        }
    };
    let _ = proc.wait();
    (ended, checkpoint)
}

/// Runs `target` for `time` in worker processes, saving a reproducer for
/// every failed check, panic, crash or hang.
pub fn supervise(exe: &Path, target: &'static Target, seed: u64, time: Duration) -> Report {
    let started = Instant::now();
    let mut report = Report::default();
    let mut from = 0;
    while started.elapsed() < time {
        let work = Work {
            seed,
            from,
            count: u64::MAX,
            time: time.saturating_sub(started.elapsed()),
            write_each: None,
        };
        let (ended, checkpoint) = child(exe, target.name, &work, &mut report);
        let Ended::Died(why) = ended else { break };
        // Run the cases since the checkpoint again, each written out first:
        // the file then holds the input the worker died on.
        let file =
            std::env::temp_dir().join(format!("okx-fuzz-{}-{}", target.name, std::process::id()));
        let again = Work {
            seed,
            from: checkpoint,
            count: 4096,
            time: HANG * 2,
            write_each: Some(file.clone()),
        };
        let mut scratch = Report::default();
        let (ended_again, _) = child(exe, target.name, &again, &mut scratch);
        report.findings.extend(scratch.findings);
        let input = std::fs::read(&file).unwrap_or_default();
        let _ = std::fs::remove_file(&file);
        match ended_again {
            Ended::Died(_) => {
                let saved = save(target.name, &input, &why)
                    .map_or_else(|e| format!("(not saved: {e})"), |p| p.display().to_string());
                report.findings.push(format!("{saved} {why}"));
            }
            Ended::Done => report
                .findings
                .push(format!("{why}; not reproduced from case {checkpoint}")),
        }
        // Go on after the cases just replayed.
        from = checkpoint + 4096;
        report.cases += 1;
    }
    report.elapsed = started.elapsed();
    report
}
