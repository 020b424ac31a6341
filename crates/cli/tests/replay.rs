//! `okx replay book` end to end, through the built binary.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn okx(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_okx"))
        .args(args)
        .output()
        .expect("the okx binary runs")
}

fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON object")
}

/// A scratch file unique to this test process.
fn scratch(name: &str, text: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("okx-replay-{}-{name}", std::process::id()));
    std::fs::write(&path, text).expect("write scratch file");
    path
}

#[test]
fn recorded_sequence_as_json() {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/fixtures/okx/ws/books_sequence_BTC-USDT_2022.json"
    ));
    if !path.exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "fixtures missing"
        );
        eprintln!("skipping: {} not found", path.display());
        return;
    }
    let out = okx(&[
        "replay",
        "book",
        path.to_str().expect("utf-8 path"),
        "--json",
    ]);
    let v = json_of(&out);
    assert_eq!(v["messages"], 98);
    let book = &v["books"]["BTC-USDT"];
    assert_eq!(book["applied"], 98);
    assert_eq!(book["checksums_verified"], 98);
    assert_eq!(book["checksum_mismatches"], 0);
    assert_eq!(book["seq_gaps"], 0);
    assert_eq!(book["out_of_sync_at"], serde_json::json!([]));
    assert_eq!(
        book["best_bid"],
        serde_json::json!(["30236.1", "0.18050747"])
    );
    assert_eq!(book["best_ask"], serde_json::json!(["30236.2", "0.001"]));
}

const SNAPSHOT: &str = r#"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot","data":[{"asks":[["3366.8","9","0","1"],["3368","8","0","1"]],"bids":[["3366.1","7","0","1"],["3366","6","0","1"]],"ts":"1","checksum":-1881014294,"seqId":10,"prevSeqId":-1}]}"#;
const UPDATE: &str = r#"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[{"asks":[["3372","8","0","1"]],"bids":[["3366","0","0","0"]],"ts":"2","checksum":831078360,"seqId":11,"prevSeqId":10}]}"#;

#[test]
fn json_lines_with_a_gap_a_bad_line_and_a_resync() {
    let gap = UPDATE.replace(r#""prevSeqId":10"#, r#""prevSeqId":9"#);
    let lines = [
        SNAPSHOT,
        r#"{"event":"subscribe","arg":{"channel":"books","instId":"BTC-USDT"},"connId":"a"}"#,
        &gap,
        "{not json",
        "",
        SNAPSHOT,
        UPDATE,
    ]
    .join("\n");
    let path = scratch("lines.jsonl", &lines);
    let v = json_of(&okx(&[
        "replay",
        "book",
        path.to_str().expect("utf-8"),
        "--json",
    ]));
    assert_eq!(v["messages"], 6);
    assert_eq!(v["malformed"][0]["index"], 3);
    let book = &v["books"]["BTC-USDT"];
    assert_eq!(book["applied"], 3);
    assert_eq!(book["seq_gaps"], 1);
    assert_eq!(book["out_of_sync_at"], serde_json::json!([2]));
    assert_eq!(book["checksums_verified"], 3);
    assert_eq!(book["resyncs"], 1);
    assert_eq!(book["best_bid"], serde_json::json!(["3366.1", "7"]));
    assert_eq!(book["best_ask"], serde_json::json!(["3366.8", "9"]));

    let text = okx(&["replay", "book", path.to_str().expect("utf-8")]);
    assert!(text.status.success());
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("BTC-USDT [books]: in sync"), "{text}");
    assert!(text.contains("malformed message 3"), "{text}");
    let _ = std::fs::remove_file(path);
}

#[test]
fn an_unreadable_file_fails_cleanly() {
    let out = okx(&["replay", "book", "/nonexistent/frames.jsonl", "--json"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
    assert!(out.stdout.is_empty());
}

#[test]
fn other_channels_of_an_instrument_are_reported_apart() {
    let bbo = r#"{"arg":{"channel":"bbo-tbt","instId":"BTC-USDT"},"data":[{"asks":[["3400","1","0","1"]],"bids":[["3300","1","0","1"]],"ts":"3","seqId":5}]}"#;
    let lines = [bbo, SNAPSHOT, bbo, UPDATE].join("\n");
    let path = scratch("channels.jsonl", &lines);
    let v = json_of(&okx(&[
        "replay",
        "book",
        path.to_str().expect("utf-8"),
        "--json",
    ]));
    let book = &v["books"]["BTC-USDT"];
    assert_eq!(book["channel"], "books");
    assert_eq!(book["applied"], 2);
    assert_eq!(book["checksum_mismatches"], 0);
    assert_eq!(book["out_of_sync_at"], serde_json::json!([]));
    assert_eq!(book["best_bid"], serde_json::json!(["3366.1", "7"]));
    let bbo = &book["channels"]["bbo-tbt"];
    assert_eq!(bbo["applied"], 2);
    assert_eq!(bbo["best_bid"], serde_json::json!(["3300", "1"]));
    let help = okx(&["replay", "book", "--help"]);
    assert!(
        String::from_utf8_lossy(&help.stdout).contains("books.<instId>.channels.<channel>"),
        "help documents the channels field"
    );
    let _ = std::fs::remove_file(path);
}

#[test]
fn an_unreadable_push_is_reported_where_it_happens() {
    let bad = UPDATE.replace(r#"["3372","8","0","1"]"#, r#"["1e-5","8","0","1"]"#);
    let lines = ["[garbage", SNAPSHOT, &bad, UPDATE].join("\n");
    let path = scratch("bad.jsonl", &lines);
    let v = json_of(&okx(&[
        "replay",
        "book",
        path.to_str().expect("utf-8"),
        "--json",
    ]));
    assert_eq!(v["messages"], 4);
    assert_eq!(v["malformed"][0]["index"], 0);
    assert_eq!(v["malformed"][1]["index"], 2);
    let book = &v["books"]["BTC-USDT"];
    assert_eq!(book["out_of_sync_at"], serde_json::json!([2]));
    assert_eq!(book["malformed"], 1);
    assert_eq!(book["in_sync"], false);
    let _ = std::fs::remove_file(path);
}

fn okx_stdin(args: &[&str], stdin: &[u8]) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_okx"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the okx binary runs");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(stdin)
        .expect("write stdin");
    child.wait_with_output().expect("okx finishes")
}

#[test]
fn every_message_malformed_is_a_failure() {
    let path = scratch("all-bad.jsonl", "{not json\n[1,\n\"x\n");
    let out = okx(&["replay", "book", path.to_str().expect("utf-8"), "--json"]);
    assert_eq!(out.status.code(), Some(1), "nothing could be replayed");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("all 3 messages are malformed"), "{stderr}");
    // the report still says what was wrong with each
    let v: Value = serde_json::from_slice(&out.stdout).expect("report on stdout");
    assert_eq!(v["malformed"].as_array().map(Vec::len), Some(3));
    let _ = std::fs::remove_file(path);

    let empty = scratch("empty.jsonl", "\n\n");
    let out = okx(&["replay", "book", empty.to_str().expect("utf-8")]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "an empty recording replays nothing"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("no messages"));
    let _ = std::fs::remove_file(empty);
}

#[test]
fn a_dash_reads_the_frames_from_stdin() {
    let lines = [SNAPSHOT, UPDATE].join("\n");
    let out = okx_stdin(&["replay", "book", "-", "--json"], lines.as_bytes());
    let v = json_of(&out);
    assert_eq!(v["messages"], 2);
    assert_eq!(v["books"]["BTC-USDT"]["applied"], 2);
    let out = okx_stdin(&["replay", "book", "-"], b"{not json\n");
    assert_eq!(out.status.code(), Some(1));
}
