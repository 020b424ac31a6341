//! `okx audit summarize` and `okx testkit serve` end to end, through the
//! built binary.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::Value;

fn okx(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_okx"))
        .args(args)
        .output()
        .expect("the okx binary runs")
}

#[test]
fn audit_summarize_counts_and_percentiles() {
    let path = std::env::temp_dir().join(format!("okx-audit-cli-{}.jsonl", std::process::id()));
    let lines = [
        r#"{"ts":1,"kind":"request","op":"place","clOrdId":"a"}"#,
        r#"{"ts":2,"kind":"response","outcome":"ok","latencyMs":12,"inTime":1000,"outTime":1150}"#,
        r#"{"ts":3,"kind":"request","op":"place","clOrdId":"b"}"#,
        r#"{"ts":4,"kind":"response","outcome":"rejected","code":"51008","latencyMs":30}"#,
        r#"{"ts":5,"kind":"risk_reject","rule":"price_band"}"#,
    ];
    std::fs::write(&path, lines.join("\n")).expect("written");
    let out = okx(&[
        "audit",
        "summarize",
        path.to_str().unwrap_or_default(),
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["ack_ms"], serde_json::json!([30, 30, 30, 30]));
    assert_eq!(v["gateway_us"], serde_json::json!([150, 150, 150, 150]));
    let rejects = v["rejects"].to_string();
    assert!(
        rejects.contains("51008") && rejects.contains("risk:price_band"),
        "{rejects}"
    );
    let table = okx(&["audit", "summarize", path.to_str().unwrap_or_default()]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("send to answer: p50 30 ms"), "{text}");
    std::fs::write(&path, "not json\n").expect("written");
    assert!(
        !okx(&["audit", "summarize", path.to_str().unwrap_or_default()])
            .status
            .success()
    );
    let missing = okx(&["audit", "summarize", "/nonexistent/audit.jsonl"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn testkit_serve_prints_its_urls_and_serves_until_stopped() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_okx"))
        .args([
            "testkit",
            "serve",
            "--seed",
            "9",
            "--step-ms",
            "0",
            "--balance",
            "USDT=777",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("one line");
    let v: Value = serde_json::from_str(&line).expect("JSON line");
    assert_eq!(v["seed"], 9);
    let rest = v["rest_url"].as_str().expect("rest url").to_owned();
    assert!(
        v["ws_public"]
            .as_str()
            .is_some_and(|u| u.starts_with("ws://127.0.0.1:") && u.ends_with("/ws/v5/public"))
    );
    // A plain HTTP GET: the server answers OKX's time endpoint.
    let addr = rest.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).expect("connects");
    use std::io::{Read, Write};
    write!(
        stream,
        "GET /api/v5/public/time HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("answer");
    assert!(answer.contains("\"code\":\"0\""), "{answer}");
    // SIGTERM (what `kill` sends) stops it cleanly.
    let pid = child.id().to_string();
    let status = Command::new("kill").arg(&pid).status().expect("kill runs");
    assert!(status.success());
    let out = child.wait_with_output().expect("exits");
    assert!(out.status.success(), "exit {:?}", out.status);
    assert!(String::from_utf8_lossy(&out.stderr).contains("stopped"));
}
