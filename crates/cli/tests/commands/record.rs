//! `okx record` into gzip files, then `okx replay book` and `okx replay
//! --speed` over them.

use crate::common::{exchange, okx_cmd, run, run_cmd, scratch};

#[tokio::test(flavor = "multi_thread")]
async fn records_then_replays_books_and_frames() {
    let okx = exchange().await;
    let dir = scratch("record");
    let out = dir.join("btc.rec.gz");
    let o = out.to_str().unwrap();
    let r = run(
        &okx,
        &[
            "record",
            "books:BTC-USDT",
            "trades:BTC-USDT",
            "candle1m:ETH-USDT",
            "--out",
            o,
            "--count",
            "25",
        ],
    )
    .await;
    r.ok();
    assert!(r.stderr.contains("25 frames in 1 file(s)"), "{}", r.stderr);
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "gzip");
    let frames = okx_cli::recfile::parse(&okx_cli::recfile::read_bytes(&out).unwrap()).unwrap();
    assert_eq!(frames.len(), 25);
    assert!(
        frames.iter().any(|f| f.endpoint == "business"),
        "candles come from the business endpoint"
    );
    assert!(frames.iter().any(|f| f.frame.contains("\"snapshot\"")));
    assert!(
        frames
            .windows(2)
            .all(|w| w[0].recv_ms <= w[1].recv_ms || w[0].endpoint != w[1].endpoint)
    );

    let home = scratch("replay-home");
    let mut cmd = okx_cmd(&home);
    cmd.args(["replay", "book", o, "--json"]);
    let r = run_cmd(cmd).await;
    let v: serde_json::Value = serde_json::from_str(r.ok()).unwrap();
    let book = &v["books"]["BTC-USDT"];
    assert_eq!(book["in_sync"], true, "{v}");
    assert_eq!(book["checksum_mismatches"], 0);
    assert_eq!(v["malformed"], serde_json::json!([]));

    // Played back at max speed: every frame, in order.
    let mut cmd = okx_cmd(&home);
    cmd.args(["replay", o, "--speed", "max"]);
    let r = run_cmd(cmd).await;
    let lines: Vec<&str> = r.ok().lines().collect();
    assert_eq!(lines.len(), 25);
    assert_eq!(lines[0], frames[0].frame);
    // Not a recording: exit 1 with a hint.
    let plain = dir.join("plain.json");
    std::fs::write(&plain, "{\"a\":1}\n").unwrap();
    let mut cmd = okx_cmd(&home);
    cmd.args(["replay", plain.to_str().unwrap()]);
    let r = run_cmd(cmd).await;
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("okx replay book"), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn rotates_by_size() {
    let okx = exchange().await;
    let dir = scratch("rotate");
    let out = dir.join("eth.rec.gz");
    // Book snapshots are several kB: a 1 MB threshold is not reached, so
    // use the smallest unit and many frames.
    let r = run(
        &okx,
        &[
            "record",
            "books:ETH-USDT",
            "--out",
            out.to_str().unwrap(),
            "--count",
            "40",
            "--rotate-mb",
            "0",
        ],
    )
    .await;
    r.ok();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 2, "{files:?}");
    assert!(files.iter().all(|f| {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        name.starts_with("eth-") && name.ends_with(".rec.gz")
    }));
    let total: usize = files
        .iter()
        .map(|f| {
            okx_cli::recfile::parse(&okx_cli::recfile::read_bytes(f).unwrap())
                .unwrap()
                .len()
        })
        .sum();
    assert_eq!(total, 40);
}

#[tokio::test(flavor = "multi_thread")]
async fn private_channels_and_bad_urls_are_refused() {
    let okx = exchange().await;
    let dir = scratch("record-bad");
    let o = dir.join("x.gz");
    let r = run(
        &okx,
        &["record", "orders:BTC-USDT", "--out", o.to_str().unwrap()],
    )
    .await;
    assert_eq!(r.code, 2, "{r:?}");
    let home = scratch("record-bad-home");
    let mut cmd = okx_cmd(&home);
    cmd.args([
        "record",
        "books:BTC-USDT",
        "--out",
        o.to_str().unwrap(),
        "--ws-url",
        "ws://127.0.0.1:9",
    ]);
    let r = run_cmd(cmd).await;
    assert_eq!(r.code, 5, "{r:?}");
}
