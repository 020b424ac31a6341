//! Every recorded WS frame in ../shared/fixtures/okx/ws decodes: pushes of
//! known channels into typed rows, control frames into their kind.

use okx_ws::WsEvent;
use okx_ws::decode::{Inbound, inbound};
use std::path::PathBuf;

fn fixtures_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/fixtures/okx/ws"
    ));
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("fixtures missing at {}", dir.display());
    }
    eprintln!("skipping: no fixtures at {}", dir.display());
    None
}

fn frames(text: &str) -> Vec<String> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Array(items)) => items.iter().map(|v| v.to_string()).collect(),
        Ok(v) => vec![v.to_string()],
        // JSON Lines.
        Err(_) => text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect(),
    }
}

#[test]
fn every_ws_fixture_decodes() {
    let Some(dir) = fixtures_dir() else { return };
    let mut pushes = 0;
    let mut control = 0;
    let mut files = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        files += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        for frame in frames(&text) {
            match inbound(&frame) {
                Inbound::Event(WsEvent::Push(_)) => pushes += 1,
                Inbound::Event(WsEvent::DecodeError { channel, error, .. }) => {
                    panic!("{}: {channel}: {error}\n{frame}", path.display())
                }
                Inbound::Event(WsEvent::Unknown { channel, .. }) => {
                    // Spread channels are outside this client's typed set.
                    assert!(
                        channel.starts_with("sprd-"),
                        "{}: unknown {channel}",
                        path.display()
                    );
                }
                _ => control += 1,
            }
        }
    }
    assert!(files >= 20, "only {files} fixture files");
    assert!(pushes >= 50, "only {pushes} pushes decoded");
    assert!(control >= 5, "only {control} control frames");
}
