//! The examples, run to completion against the simulated exchange: each
//! example's body is a function of its file, included here by path, so
//! the test runs the same code `cargo run --example NAME` does (without
//! a `cargo run` per example), always offline whatever the environment.

// Each example includes examples/common/mod.rs itself, so that it builds
// on its own with `cargo run --example`; here they are compiled together,
// and the shared file is a module of each.
#![allow(clippy::duplicate_mod)]

use std::time::Duration;

#[allow(dead_code)]
#[path = "../examples/signer_only.rs"]
mod signer_only;

#[allow(dead_code)]
#[path = "../examples/candles_to_csv.rs"]
mod candles_to_csv;

#[allow(dead_code)]
#[path = "../examples/recorder.rs"]
mod recorder;

#[allow(dead_code)]
#[path = "../examples/market_maker.rs"]
mod market_maker;

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("okx-examples-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn signer_only_signs_like_plain_hmac_and_hides_the_passphrase() {
    use base64::Engine as _;
    use hmac::Mac as _;
    let (ts, method, path, body) = (
        "2020-12-08T09:08:57.715Z",
        "GET",
        "/api/v5/account/balance",
        "",
    );
    let ours = signer_only::signature("SECRET", ts, method, path, body);
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"SECRET").expect("any key");
    mac.update(format!("{ts}{method}{path}{body}").as_bytes());
    let plain = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    assert_eq!(ours, plain);
    let creds = okx::auth::Credentials::new("key", "SECRET", "PASSPHRASE");
    let headers = signer_only::signed_headers(creds, 1_700_000_000_000);
    assert!(
        headers
            .iter()
            .any(|(n, v)| *n == "OK-ACCESS-TIMESTAMP" && v == "2023-11-14T22:13:20.000Z")
    );
    assert!(
        headers
            .iter()
            .all(|(_, v)| !v.contains("PASSPHRASE") && !v.contains("SECRET"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn candles_to_csv_writes_confirmed_candles_oldest_first() {
    let venue = candles_to_csv::common::Venue::simulated()
        .await
        .expect("venue");
    let out = scratch("candles").join("btc.csv");
    let n = candles_to_csv::run(&venue, &out, 2).await.expect("runs");
    // 120 minutes; one more if a minute turned between the example's
    // clock reading and the exchange's.
    assert!((120..=121).contains(&n), "{n}");
    let text = std::fs::read_to_string(&out).expect("written");
    let ts: Vec<i64> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(ts.len(), n);
    assert!(ts.windows(2).all(|w| w[1] - w[0] == 60_000));
}

#[tokio::test(flavor = "multi_thread")]
async fn recorder_survives_a_dropped_connection() {
    let venue = recorder::common::Venue::simulated().await.expect("venue");
    let dir = scratch("recorder");
    let report = recorder::run(
        &venue,
        &["BTC-USDT", "ETH-USDT"],
        &dir,
        Duration::from_secs(4),
    )
    .await
    .expect("runs");
    assert!(report.reconnects >= 1, "{report:?}");
    for inst in ["BTC-USDT", "ETH-USDT"] {
        assert!(
            report.tops.get(inst).copied().unwrap_or(0) > 2,
            "{report:?}"
        );
        let top = std::fs::read_to_string(dir.join(format!("{inst}-top.csv"))).expect("file");
        assert!(top.lines().count() > 2);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn market_maker_quotes_under_its_guard_and_leaves_nothing_open() {
    let venue = market_maker::common::Venue::simulated()
        .await
        .expect("venue");
    let cfg = market_maker::Config {
        run_for: Duration::from_secs(5),
        ..market_maker::Config::default()
    };
    let report = market_maker::run(&venue, &cfg).await.expect("runs");
    assert!(report.placed >= 2, "{report:?}");
    assert_eq!(report.open_at_end, 0, "{report:?}");
    assert!(
        report.inventory.abs() <= cfg.max_inventory + cfg.size,
        "{report:?}"
    );
}
