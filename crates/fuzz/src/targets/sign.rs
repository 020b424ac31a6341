//! `sign`: input lines for `okx sign` through `okx_cli::sign::sign_lines`.
//! Checked: every signature written is the one the plain `hmac` crate gives
//! for that line's fields; every non-blank line is either signed or
//! reported, never both; no report quotes a secret.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use okx_cli::sign::{LineRules, check_timestamp, sign_lines};
use serde_json::Value;
use sha2::Sha256;

use super::ensure;

const DEFAULT_SECRET: &str = "fuzz-default-secret-7f3a9c";

/// Lines in every shape the command takes.
pub fn seeds() -> Vec<Vec<u8>> {
    [
        r#"{"secret":"22582BD0CFF14C41EDBF1AB98506286D","timestamp":"2020-12-08T09:08:57.715Z","method":"GET","path":"/api/v5/account/balance?ccy=BTC","body":""}"#,
        r#"{"timestamp":"1538054050","method":"get","path":"/users/self/verify"}"#,
        r#"{"secret":"chNOOS4KvNXR_Xq4k4c9qsfoKWvnDecLATCRlcBwyKDYnWgO","timestamp":"2020-12-08T09:08:57.715Z","method":"POST","path":"/api/v5/account/set-leverage","body":"{\"instId\":\"BTC-USDT\",\"lever\":\"5\",\"mgnMode\":\"isolated\"}"}"#,
        "{\"timestamp\":\"1538054050\",\"method\":\"GET\",\"path\":\"/\"}\n\n{\"timestamp\":\"2024-02-29T23:59:59.999Z\",\"method\":\"DELETE\",\"path\":\"/x?a=b&c=\u{e9}\",\"body\":null}\r\n",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect()
}

/// The signature of one line by the plain crates, or `None` if the command
/// must refuse the line.
fn expected(line: &str) -> Option<String> {
    let Value::Object(fields) = serde_json::from_str::<Value>(line).ok()? else {
        return None;
    };
    let text = |name: &str| -> Option<Option<&str>> {
        match fields.get(name) {
            None | Some(Value::Null) => Some(None),
            Some(Value::String(s)) => Some(Some(s.as_str())),
            Some(_) => None,
        }
    };
    let timestamp = text("timestamp")??;
    check_timestamp(timestamp).ok()?;
    let method = text("method")??.to_ascii_uppercase();
    let path = text("path")??;
    let body = text("body")?.unwrap_or("");
    let secret = text("secret")?.unwrap_or(DEFAULT_SECRET);
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(format!("{timestamp}{method}{path}{body}").as_bytes());
    Some(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

/// Runs one input of lines.
pub fn check(input: &[u8]) -> Result<(), String> {
    let mut out = Vec::new();
    let mut reports = Vec::new();
    sign_lines(
        input,
        &mut out,
        Some(DEFAULT_SECRET),
        LineRules::default(),
        &mut |m| reports.push(m),
    );
    let out = String::from_utf8(out).map_err(|_| "output is not utf-8".to_owned())?;
    let mut signed = std::collections::BTreeMap::new();
    for line in out.lines() {
        let v: Value = serde_json::from_str(line).map_err(|e| format!("output {line:?}: {e}"))?;
        let n = v["line"]
            .as_u64()
            .ok_or_else(|| format!("output without a line number: {line}"))?;
        let sig = v["signature"]
            .as_str()
            .ok_or_else(|| format!("output without a signature: {line}"))?;
        signed.insert(n, sig.to_owned());
    }
    let reported: std::collections::BTreeSet<u64> = reports
        .iter()
        .filter_map(|r| r.strip_prefix("line ")?.split(':').next()?.parse().ok())
        .collect();
    for (i, raw) in input.split_inclusive(|&b| b == b'\n').enumerate() {
        let n = i as u64 + 1;
        let line = std::str::from_utf8(raw)
            .ok()
            .map(|l| l.trim_end_matches(['\n', '\r']));
        if line.is_some_and(|l| l.trim().is_empty()) {
            ensure(!signed.contains_key(&n) && !reported.contains(&n), || {
                format!("blank line {n} handled")
            })?;
            continue;
        }
        let too_long =
            raw.strip_suffix(b"\n").unwrap_or(raw).len() > LineRules::default().max_line_bytes;
        let want = line.filter(|_| !too_long).and_then(expected);
        match (signed.get(&n), want) {
            (Some(got), Some(want)) => ensure(*got == want, || {
                format!("line {n}: signed {got}, hmac says {want}")
            })?,
            (Some(got), None) => {
                return Err(format!(
                    "line {n}: signed ({got}) though it must be refused"
                ));
            }
            (None, Some(want)) => return Err(format!("line {n}: not signed, hmac gives {want}")),
            (None, None) => ensure(reported.contains(&n), || {
                format!("line {n}: neither signed nor reported")
            })?,
        }
        ensure(!(signed.contains_key(&n) && reported.contains(&n)), || {
            format!("line {n}: signed and reported")
        })?;
    }
    for report in &reports {
        ensure(!report.contains(DEFAULT_SECRET), || {
            format!("a report quotes the secret: {report}")
        })?;
    }
    Ok(())
}
