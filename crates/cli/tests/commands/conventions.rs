//! Global options: credentials from env or profile, permissions, secrets,
//! help and exit codes.

use crate::common::{exchange, keys, okx_cmd, run_cmd, run_env, scratch};

#[tokio::test(flavor = "multi_thread")]
async fn help_documents_exit_codes_and_credentials() {
    let home = scratch("help");
    let mut cmd = okx_cmd(&home);
    cmd.arg("--help");
    let r = run_cmd(cmd).await;
    let out = r.ok();
    assert!(out.contains("Exit codes:"), "{out}");
    assert!(out.contains("4  refused"), "{out}");
    assert!(out.contains("config.toml"), "{out}");
    for flag in [
        "--json",
        "--demo",
        "--region",
        "--profile",
        "--base-url",
        "--ws-url",
    ] {
        assert!(out.contains(flag), "{flag} missing from help");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn keyed_command_without_keys_exits_3() {
    let okx = exchange().await;
    let r = run_env(&okx, &["balance"], &[]).await;
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("OKX_API_KEY"), "{}", r.stderr);
    let partial = run_env(&okx, &["balance"], &[("OKX_API_KEY", "k")]).await;
    assert_eq!(partial.code, 3, "{partial:?}");
    assert!(
        partial.stderr.contains("OKX_SECRET_KEY"),
        "{}",
        partial.stderr
    );
}

fn write_profile(home: &std::path::Path, text: &str, mode: u32) -> std::path::PathBuf {
    let dir = home.join("okx");
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("config.toml");
    std::fs::write(&path, text).expect("written");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }
    #[cfg(not(unix))]
    let _ = mode;
    path
}

#[tokio::test(flavor = "multi_thread")]
async fn profile_file_gives_credentials_and_is_refused_when_others_can_read_it() {
    let okx = exchange().await;
    let (k, s, p) = okx.credentials();
    let home = scratch("profile");
    let text = format!(
        "[default]\napi_key = \"nope\"\nsecret_key = \"nope\"\npassphrase = \"nope\"\n\n[sim]\napi_key = \"{k}\"\nsecret_key = \"{s}\"\npassphrase = \"{p}\"\n"
    );
    let path = write_profile(&home, &text, 0o600);
    let cmd = |args: &[&str]| {
        let mut c = okx_cmd(&home);
        c.args(args)
            .args(["--base-url", &okx.rest_url(), "--ws-url", &okx.ws_url()]);
        c
    };
    let r = run_cmd(cmd(&["balance", "--profile", "sim", "--json"])).await;
    assert!(r.ok().contains("USDT"), "{r:?}");
    // The default profile's keys are wrong: OKX's code, exit 4.
    let r = run_cmd(cmd(&["balance"])).await;
    assert_eq!(r.code, 4, "{r:?}");
    assert!(r.stderr.contains("OKX error 50"), "{}", r.stderr);
    let r = run_cmd(cmd(&["balance", "--profile", "missing"])).await;
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("no profile [missing]"), "{}", r.stderr);
    #[cfg(unix)]
    {
        write_profile(&home, &text, 0o644);
        let r = run_cmd(cmd(&["balance", "--profile", "sim"])).await;
        assert_eq!(r.code, 3, "{r:?}");
        assert!(r.stderr.contains("readable by others"), "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!("chmod 600 {}", path.display())),
            "{}",
            r.stderr
        );
        assert!(!r.stderr.contains(s) && !r.stderr.contains(p));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn verbose_never_prints_secrets() {
    let okx = exchange().await;
    let (_, secret, passphrase) = okx.credentials();
    let r = run_env(&okx, &["balance", "--verbose"], &keys(&okx)).await;
    r.ok();
    assert!(r.stderr.contains("from environment"), "{}", r.stderr);
    for text in [&r.stdout, &r.stderr] {
        assert!(!text.contains(secret), "secret printed");
        assert!(!text.contains(passphrase), "passphrase printed");
    }
    // A malformed profile's error does not quote the line holding the secret.
    let home = scratch("badtoml");
    write_profile(&home, "[default]\nsecret_key = \"TOPSECRET\nx\n", 0o600);
    let mut c = okx_cmd(&home);
    c.args(["balance", "--base-url", &okx.rest_url()]);
    let r = run_cmd(c).await;
    assert_eq!(r.code, 3, "{r:?}");
    assert!(!r.stderr.contains("TOPSECRET"), "{}", r.stderr);
}
