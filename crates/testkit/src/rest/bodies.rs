//! Small realistic OKX bodies, compiled in, shaped after recorded answers.

use serde_json::{Value, json};

/// OKX's answer to a bad signature (HTTP 401).
pub const INVALID_SIGN: &str = r#"{"msg":"Invalid Sign","code":"50113"}"#;
/// OKX's answer to a timestamp more than 30 s off (HTTP 401).
pub const TIMESTAMP_EXPIRED: &str = r#"{"msg":"Timestamp request expired","code":"50102"}"#;
/// OKX's answer to an unknown API key (HTTP 401).
pub const INVALID_KEY: &str = r#"{"msg":"Invalid OK-ACCESS-KEY","code":"50111"}"#;
/// OKX's answer to a missing API key on a private endpoint (HTTP 401).
pub const KEY_EMPTY: &str =
    r#"{"msg":"Request header OK-ACCESS-KEY can not be empty.","code":"50103"}"#;
/// OKX's answer to a wrong passphrase (HTTP 401).
pub const WRONG_PASSPHRASE: &str = r#"{"msg":"OK-ACCESS-PASSPHRASE incorrect.","code":"50105"}"#;
/// OKX's answer to a malformed timestamp (HTTP 401).
pub const BAD_TIMESTAMP: &str = r#"{"msg":"Invalid OK-ACCESS-TIMESTAMP","code":"50112"}"#;
/// OKX's per-endpoint rate-limit answer (HTTP 429).
pub const TOO_MANY_REQUESTS: &str = r#"{"msg":"Too Many Requests","code":"50011"}"#;
/// The gateway's answer to an unknown path (HTTP 404).
pub const NOT_FOUND: &str = r#"{"code":404,"data":{},"detailMsg":"","error_code":"404","error_message":"Not Found","msg":"Not Found"}"#;
/// OKX's answer when the service is unavailable (HTTP 503).
pub const SERVICE_UNAVAILABLE: &str =
    r#"{"msg":"Service temporarily unavailable, please try again later.","code":"50001"}"#;

/// The envelope of a successful answer.
pub fn ok(data: Value) -> String {
    json!({"code": "0", "msg": "", "data": data}).to_string()
}

/// An envelope with a top-level error code and no data.
pub fn error(code: &str, msg: &str) -> String {
    json!({"code": code, "msg": msg, "data": []}).to_string()
}

/// `GET /api/v5/market/ticker` for `inst_id`.
pub fn ticker(inst_id: &str) -> Value {
    json!({
        "instType": inst_type_of(inst_id), "instId": inst_id,
        "last": "73384.8", "lastSz": "0.00007722",
        "askPx": "73384.8", "askSz": "0.40193728", "bidPx": "73384.7", "bidSz": "0.0655768",
        "open24h": "72166.8", "high24h": "73625.6", "low24h": "68600",
        "volCcy24h": "1519926359.597266598", "vol24h": "21266.19145051",
        "ts": "1710328243709", "sodUtc0": "71450", "sodUtc8": "71702"
    })
}

/// `GET /api/v5/market/books` for `inst_id`.
pub fn books(_inst_id: &str) -> Value {
    json!({
        "asks": [["67973.4", "1.40848059", "0", "7"], ["67975.9", "0.08292002", "0", "1"]],
        "bids": [["67973.3", "0.05", "0", "1"], ["67973.2", "0.00725939", "0", "1"]],
        "ts": "1712265035051"
    })
}

/// `GET /api/v5/public/instruments`: a spot and a swap instrument.
pub fn instruments(inst_type: &str) -> Value {
    let spot = json!({
        "alias": "", "auctionEndTime": "", "baseCcy": "BTC", "category": "1", "ctMult": "",
        "ctType": "", "ctVal": "", "ctValCcy": "", "expTime": "", "instFamily": "",
        "instId": "BTC-USDT", "instType": "SPOT", "lever": "10", "listTime": "1548133413000",
        "lotSz": "0.00000001", "maxIcebergSz": "9999999999.0000000000000000",
        "maxLmtAmt": "20000000", "maxLmtSz": "9999999999", "maxMktAmt": "1000000",
        "maxMktSz": "1000000", "maxStopSz": "1000000", "maxTriggerSz": "9999999999.0000000000000000",
        "maxTwapSz": "9999999999.0000000000000000", "minSz": "0.00001", "optType": "",
        "quoteCcy": "USDT", "ruleType": "normal", "settleCcy": "", "state": "live", "stk": "",
        "tickSz": "0.1", "uly": ""
    });
    let swap = json!({
        "alias": "", "auctionEndTime": "", "baseCcy": "", "category": "1", "ctMult": "1",
        "ctType": "linear", "ctVal": "0.01", "ctValCcy": "BTC", "expTime": "",
        "instFamily": "BTC-USDT", "instId": "BTC-USDT-SWAP", "instType": "SWAP", "lever": "100",
        "listTime": "1573557408000", "lotSz": "0.01", "maxIcebergSz": "100000000.0000000000000000",
        "maxLmtAmt": "20000000", "maxLmtSz": "100000000", "maxMktAmt": "", "maxMktSz": "12000",
        "maxStopSz": "12000", "maxTriggerSz": "100000000.0000000000000000",
        "maxTwapSz": "100000000.0000000000000000", "minSz": "0.01", "optType": "", "quoteCcy": "",
        "ruleType": "normal", "settleCcy": "USDT", "state": "live", "stk": "", "tickSz": "0.1",
        "uly": "BTC-USDT"
    });
    match inst_type {
        "SWAP" => json!([swap]),
        "SPOT" | "" => json!([spot]),
        _ => json!([]),
    }
}

const ORDER_TEMPLATE: &str = r#"{
"accFillSz": "0", "algoClOrdId": "", "algoId": "", "attachAlgoClOrdId": "",
"attachAlgoOrds": [], "avgPx": "", "cTime": "", "cancelSource": "",
"cancelSourceReason": "", "category": "normal", "ccy": "", "clOrdId": "", "fee": "0",
"feeCcy": "", "fillPx": "", "fillSz": "0", "fillTime": "", "instId": "",
"instType": "SPOT", "isTpLimit": "false", "lever": "", "linkedAlgoOrd": {"algoId": ""},
"ordId": "", "ordType": "limit", "pnl": "0", "posSide": "net", "px": "", "pxType": "",
"pxUsd": "", "pxVol": "", "quickMgnType": "", "rebate": "0", "rebateCcy": "",
"reduceOnly": "false", "side": "buy", "slOrdPx": "", "slTriggerPx": "",
"slTriggerPxType": "", "source": "", "state": "live", "stpId": "",
"stpMode": "cancel_maker", "sz": "0", "tag": "", "tdMode": "cash", "tgtCcy": "",
"tpOrdPx": "", "tpTriggerPx": "", "tpTriggerPxType": "", "tradeId": "", "uTime": ""
    }"#;

/// One full order record as `GET /api/v5/trade/order` returns it.
pub fn order_record(fields: &Value) -> Value {
    let mut base: Value = serde_json::from_str(ORDER_TEMPLATE).unwrap_or_default();
    if let (Some(b), Some(f)) = (base.as_object_mut(), fields.as_object()) {
        for (k, v) in f {
            b.insert(k.clone(), v.clone());
        }
    }
    base
}

/// OKX's instrument type, guessed from the id's shape.
pub fn inst_type_of(inst_id: &str) -> &'static str {
    let parts = inst_id.split('-').count();
    if inst_id.ends_with("-SWAP") {
        "SWAP"
    } else if parts >= 5 {
        "OPTION"
    } else if parts == 3 {
        "FUTURES"
    } else {
        "SPOT"
    }
}

/// The newest synthetic 1m candle's open time.
pub const CANDLES_NEWEST: i64 = 1_700_000_040_000;
/// How many synthetic candles exist (pagination ends after them).
pub const CANDLES_TOTAL: i64 = 450;
const MINUTE: i64 = 60_000;

/// Synthetic 1m candles, newest-first as OKX sends them, honouring
/// `after` (older than), `before` (newer than) and `limit`.
pub fn candles(after: Option<i64>, before: Option<i64>, limit: usize) -> Value {
    let oldest = CANDLES_NEWEST - (CANDLES_TOTAL - 1) * MINUTE;
    let mut rows = Vec::new();
    let mut ts = CANDLES_NEWEST;
    while ts >= oldest && rows.len() < limit {
        let fits = after.is_none_or(|a| ts < a) && before.is_none_or(|b| ts > b);
        if fits {
            let i = (ts - oldest) / MINUTE;
            let open = 42_000 + i;
            rows.push(json!([
                ts.to_string(),
                format!("{open}.1"),
                format!("{}.5", open + 3),
                format!("{}.2", open - 2),
                format!("{}.4", open + 1),
                "12.5",
                "525000.3",
                "525000.3",
                if ts == CANDLES_NEWEST { "0" } else { "1" }
            ]));
        }
        ts -= MINUTE;
    }
    Value::Array(rows)
}
