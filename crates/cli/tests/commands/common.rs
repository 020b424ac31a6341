//! Running the `okx` binary against a simulated exchange.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use okx::testkit::Okx;

/// The simulated exchange, started for one test.
pub async fn exchange() -> Okx {
    Okx::builder().start().await.expect("testkit starts")
}

/// What a run of `okx` gave.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Asserts success and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(
            self.code, 0,
            "stderr: {}\nstdout: {}",
            self.stderr, self.stdout
        );
        &self.stdout
    }

    /// Stdout as JSON lines.
    #[track_caller]
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.ok()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }
}

/// A scratch directory of its own for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("okx-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// A command with a clean environment: no OKX_* variables, and a config
/// home of its own so no real profile is read.
pub fn okx_cmd(config_home: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_okx"));
    for var in [
        "OKX_API_KEY",
        "OKX_SECRET_KEY",
        "OKX_PASSPHRASE",
        "OKX_PROFILE",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("XDG_CONFIG_HOME", config_home)
        .env("HOME", config_home)
        .stdin(Stdio::null());
    cmd
}

/// Runs `okx` with `args` pointed at `okx`'s REST and WS, off the async
/// runtime (the exchange keeps serving meanwhile).
pub async fn run(okx: &Okx, args: &[&str]) -> Run {
    run_env(okx, args, &[]).await
}

/// [`run`] with extra environment variables.
pub async fn run_env(okx: &Okx, args: &[&str], env: &[(&str, &str)]) -> Run {
    let home = scratch(&format!("home-{}", unique()));
    let mut cmd = okx_cmd(&home);
    cmd.args(args)
        .args(["--base-url", &okx.rest_url(), "--ws-url", &okx.ws_url()]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_cmd(cmd).await
}

/// Runs a prepared command off the runtime.
pub async fn run_cmd(mut cmd: Command) -> Run {
    let out = tokio::task::spawn_blocking(move || cmd.output().expect("okx runs"))
        .await
        .expect("joined");
    Run::from(out)
}

/// The test account's credentials as environment variables.
pub fn keys(okx: &Okx) -> Vec<(&'static str, &'static str)> {
    let (k, s, p) = okx.credentials();
    vec![
        ("OKX_API_KEY", k),
        ("OKX_SECRET_KEY", s),
        ("OKX_PASSPHRASE", p),
    ]
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}
