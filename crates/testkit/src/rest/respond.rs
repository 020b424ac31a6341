//! Request handling: faults, authentication, rate limits, routing.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use wiremock::{Request, Respond, ResponseTemplate};

use super::{Fault, LoggedRequest, Shared, State, TEST_API_KEY, TEST_PASSPHRASE, TEST_SECRET};
use super::{bodies, lock, orders, samples};

/// How long a "timed out" answer is held.
const HELD: Duration = Duration::from_secs(60);

pub(crate) struct Responder {
    pub(crate) state: Shared,
}

struct Incoming<'a> {
    method: &'a str,
    path: &'a str,
    query: &'a str,
    body: &'a [u8],
    req: &'a Request,
}

impl Incoming<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.req.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn param(&self, name: &str) -> Option<String> {
        self.req
            .url
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

fn local_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl Respond for Responder {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let inc = Incoming {
            method: req.method.as_str(),
            path: req.url.path(),
            query: req.url.query().unwrap_or(""),
            body: &req.body,
            req,
        };
        let mut st = lock(&self.state);
        let fault = take_fault(&mut st, inc.path);
        let mut delay = st.latency;
        let (status, body) = match fault {
            Some(Fault::Timeout { processed: false }) => {
                delay = HELD;
                (0, String::new())
            }
            Some(Fault::Status(status)) => (status, status_body(status)),
            Some(Fault::RateLimit) => (429, bodies::TOO_MANY_REQUESTS.to_owned()),
            other => {
                match other {
                    Some(Fault::Timeout { processed: true }) => delay = HELD,
                    Some(Fault::Latency(d)) => delay += d,
                    _ => {}
                }
                handle(&mut st, &inc)
            }
        };
        if !st.log_on {
            return template(status, body, delay);
        }
        let code = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| {
                v.get("code")
                    .map(|c| c.as_str().map_or(c.to_string(), str::to_owned))
            })
            .unwrap_or_default();
        st.log.push(LoggedRequest {
            method: inc.method.to_owned(),
            path: inc.path.to_owned(),
            query: inc.query.to_owned(),
            body: String::from_utf8_lossy(inc.body).into_owned(),
            signed: inc.header("OK-ACCESS-SIGN").is_some(),
            exp_time: inc.header("expTime").map(str::to_owned),
            demo: inc.header("x-simulated-trading") == Some("1"),
            status,
            code,
        });
        template(status, body, delay)
    }
}

fn template(status: u16, body: String, delay: Duration) -> ResponseTemplate {
    // Status 0 marks a dropped request; its answer is held past any timeout.
    let t = ResponseTemplate::new(if status == 0 { 504 } else { status })
        .set_body_raw(body.into_bytes(), "application/json");
    if delay.is_zero() {
        t
    } else {
        t.set_delay(delay)
    }
}

fn status_body(status: u16) -> String {
    match status {
        503 => bodies::SERVICE_UNAVAILABLE.to_owned(),
        _ => format!("<html><body>{status}</body></html>"),
    }
}

fn take_fault(st: &mut State, path: &str) -> Option<Fault> {
    let slot = st.faults.iter_mut().find(|(p, _, n)| p == path && *n > 0)?;
    slot.2 -= 1;
    let fault = slot.1;
    st.faults.retain(|(_, _, n)| *n > 0);
    Some(fault)
}

fn is_public(path: &str) -> bool {
    [
        "/api/v5/market/",
        "/api/v5/public/",
        "/api/v5/rubik/",
        "/api/v5/system/",
        "/api/v5/support/",
    ]
    .iter()
    .any(|p| path.starts_with(p))
}

/// Unix ms of `YYYY-MM-DDTHH:MM:SS.mmmZ`.
fn parse_iso_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 24 || b[4] != b'-' || b[10] != b'T' || b[19] != b'.' || b[23] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss, ms) = (num(11..13)?, num(14..16)?, num(17..19)?, num(20..23)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + hh) * 60 + mm) * 60_000 + ss * 1000 + ms)
}

fn check_auth(inc: &Incoming<'_>, now: i64) -> Option<&'static str> {
    let key = inc.header("OK-ACCESS-KEY").unwrap_or("");
    if key.is_empty() {
        return Some(bodies::KEY_EMPTY);
    }
    if key != TEST_API_KEY {
        return Some(bodies::INVALID_KEY);
    }
    if inc.header("OK-ACCESS-PASSPHRASE") != Some(TEST_PASSPHRASE) {
        return Some(bodies::WRONG_PASSPHRASE);
    }
    let ts = inc.header("OK-ACCESS-TIMESTAMP").unwrap_or("");
    let Some(ts_ms) = parse_iso_ms(ts) else {
        return Some(bodies::BAD_TIMESTAMP);
    };
    if (ts_ms - now).abs() > 30_000 {
        return Some(bodies::TIMESTAMP_EXPIRED);
    }
    let mut request_path = inc.path.to_owned();
    if !inc.query.is_empty() {
        request_path.push('?');
        request_path.push_str(inc.query);
    }
    let sign = inc.header("OK-ACCESS-SIGN").unwrap_or("");
    if !crate::sign::verify(TEST_SECRET, ts, inc.method, &request_path, inc.body, sign) {
        return Some(bodies::INVALID_SIGN);
    }
    None
}

/// Sliding-window check; `false` when the call is over the limit. A
/// per-instrument limit counts each order of a batch against its own
/// instrument, as OKX does; the call is refused whole if any of them is
/// over.
/// The instrument a per-instrument limit counts against: OKX counts option
/// orders per instrument family (`BTC-USD-250328-90000-C` → `BTC-USD`).
fn limit_inst(inst: &str) -> String {
    let parts: Vec<&str> = inst.split('-').collect();
    let option = parts.len() == 5
        && matches!(parts[4], "C" | "P")
        && parts[2].len() == 6
        && parts[2].bytes().all(|b| b.is_ascii_digit());
    if option {
        format!("{}-{}", parts[0], parts[1])
    } else {
        inst.to_owned()
    }
}

/// OKX counts a batch of one order as that single order.
fn single_of(path: &str) -> Option<&'static str> {
    Some(match path {
        "/api/v5/trade/batch-orders" => "/api/v5/trade/order",
        "/api/v5/trade/cancel-batch-orders" => "/api/v5/trade/cancel-order",
        "/api/v5/trade/amend-batch-orders" => "/api/v5/trade/amend-order",
        _ => return None,
    })
}

fn within_limit(st: &mut State, inc: &Incoming<'_>, json: &Value) -> bool {
    let one = json.as_array().is_some_and(|a| a.len() == 1);
    let path = match single_of(inc.path) {
        Some(single) if one => single,
        _ => inc.path,
    };
    let endpoint = format!("{} {}", inc.method, path);
    let limit = st.limits.get(&endpoint).copied().unwrap_or(super::Limit {
        count: 20,
        window: Duration::from_secs(2),
        per_inst: false,
    });
    let inst_of =
        |v: &Value| limit_inst(v.get("instId").and_then(Value::as_str).unwrap_or_default());
    // (instrument, units) per bucket the call counts against.
    let mut costs: Vec<(String, u32)> = Vec::new();
    match (limit.per_inst, json.as_array()) {
        (true, Some(items)) => {
            for item in items {
                let inst = inst_of(item);
                match costs.iter_mut().find(|(i, _)| *i == inst) {
                    Some((_, n)) => *n += 1,
                    None => costs.push((inst, 1)),
                }
            }
        }
        (true, None) => costs.push((
            inc.param("instId")
                .map_or_else(|| inst_of(json), |i| limit_inst(&i)),
            1,
        )),
        (false, Some(items)) => costs.push((
            String::new(),
            u32::try_from(items.len()).unwrap_or(u32::MAX),
        )),
        (false, None) => costs.push((String::new(), 1)),
    }
    let api_key = inc.header("OK-ACCESS-KEY").unwrap_or("").to_owned();
    let key = |inst: &str| format!("{endpoint}|{inst}|{api_key}");
    let now = Instant::now();
    for (inst, cost) in &costs {
        let hits = st.hits.entry(key(inst)).or_default();
        hits.retain(|(at, _)| now.duration_since(*at) < limit.window);
        let used: u32 = hits.iter().map(|(_, c)| c).sum();
        if used + cost > limit.count {
            return false;
        }
    }
    for (inst, cost) in costs {
        st.hits.entry(key(&inst)).or_default().push((now, cost));
    }
    true
}

fn handle(st: &mut State, inc: &Incoming<'_>) -> (u16, String) {
    let now = local_ms() + st.skew_ms;
    let signed = inc.header("OK-ACCESS-KEY").is_some();
    let refused = (!is_public(inc.path) || signed)
        .then(|| check_auth(inc, now))
        .flatten();
    if let Some(body) = refused {
        return (401, body.to_owned());
    }
    let json: Value = if inc.body.is_empty() {
        Value::Null
    } else {
        match serde_json::from_slice(inc.body) {
            Ok(v) => v,
            Err(_) => return (400, bodies::error("50002", "JSON syntax error")),
        }
    };
    if st.limits_on && !within_limit(st, inc, &json) {
        return (429, bodies::TOO_MANY_REQUESTS.to_owned());
    }
    if let Some((status, body)) = st
        .overrides
        .get(&(inc.method.to_owned(), inc.path.to_owned()))
    {
        return (*status, body.clone());
    }
    let expired = inc
        .header("expTime")
        .and_then(|e| e.parse::<i64>().ok())
        .is_some_and(|exp| now > exp);
    if expired {
        return (200, bodies::error("50037", "Order expired"));
    }
    match route(st, inc, &json, now) {
        Some(body) => (200, body),
        None => (404, bodies::NOT_FOUND.to_owned()),
    }
}

fn items_of(json: &Value) -> Vec<Value> {
    match json {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    }
}

fn route(st: &mut State, inc: &Incoming<'_>, json: &Value, now: i64) -> Option<String> {
    let param = |name: &str| inc.param(name).unwrap_or_default();
    if inc.method == "GET"
        && inc.path == "/api/v5/market/history-trades"
        && param("type") == "2"
        && inc.param("before").is_some()
    {
        return Some(bodies::error(
            "50039",
            "Parameter before isn't supported for timestamp pagination",
        ));
    }
    if inc.method == "GET"
        && let Some(list) = st.lists.get(inc.path)
    {
        let page = list.page(inc.path, &param("after"), &param("before"), &param("limit"));
        return Some(bodies::ok(Value::Array(page)));
    }
    let book = &mut st.orders;
    let body = match (inc.method, inc.path) {
        ("GET", "/api/v5/public/time") => bodies::ok(json!([{ "ts": now.to_string() }])),
        ("GET", "/api/v5/public/instruments") => {
            bodies::ok(bodies::instruments(&param("instType")))
        }
        ("GET", "/api/v5/market/ticker") => bodies::ok(json!([bodies::ticker(&param("instId"))])),
        ("GET", "/api/v5/market/tickers") => bodies::ok(json!([
            bodies::ticker("BTC-USDT"),
            bodies::ticker("ETH-USDT")
        ])),
        ("GET", "/api/v5/market/books") => bodies::ok(json!([bodies::books(&param("instId"))])),
        ("GET", "/api/v5/market/candles" | "/api/v5/market/history-candles") => {
            let num = |name: &str| inc.param(name).and_then(|v| v.parse::<i64>().ok());
            let limit = num("limit").map_or(100, |l| l.clamp(1, 300));
            let limit = usize::try_from(limit).unwrap_or(100);
            bodies::ok(bodies::candles(num("after"), num("before"), limit))
        }
        ("POST", "/api/v5/trade/order" | "/api/v5/trade/batch-orders") => {
            let items = items_of(json);
            if items.len() > 20 {
                return Some(bodies::error("51000", "Parameter orders error"));
            }
            let out = items.iter().map(|o| book.place(o, now)).collect();
            orders::envelope(out, now)
        }
        ("POST", "/api/v5/trade/amend-order" | "/api/v5/trade/amend-batch-orders") => {
            let out = items_of(json).iter().map(|o| book.amend(o, now)).collect();
            orders::envelope(out, now)
        }
        ("POST", "/api/v5/trade/cancel-order" | "/api/v5/trade/cancel-batch-orders") => {
            let out = items_of(json).iter().map(|o| book.cancel(o, now)).collect();
            orders::envelope(out, now)
        }
        ("GET", "/api/v5/trade/order") => {
            match book.get(&param("instId"), &param("ordId"), &param("clOrdId")) {
                Some(o) => bodies::ok(json!([o.record])),
                None => bodies::error("51603", "Order does not exist"),
            }
        }
        ("GET", "/api/v5/trade/orders-pending") => {
            let (inst, after) = (param("instId"), param("after"));
            let live: Vec<Value> = book
                .list
                .iter()
                .rev()
                .filter(|o| o.state == "live" && (inst.is_empty() || o.inst_id == inst))
                .filter(|o| after.is_empty() || o.ord_id < after)
                .take(100)
                .map(|o| o.record.clone())
                .collect();
            bodies::ok(Value::Array(live))
        }
        (method, path) => samples::sample(method, path)?.to_owned(),
    };
    Some(body)
}

#[cfg(test)]
mod tests {
    use super::{limit_inst, parse_iso_ms, single_of};

    #[test]
    fn options_count_per_family_and_a_batch_of_one_as_one_order() {
        assert_eq!(limit_inst("BTC-USD-250328-90000-C"), "BTC-USD");
        assert_eq!(limit_inst("ETH-USD-250328-3000-P"), "ETH-USD");
        assert_eq!(limit_inst("BTC-USDT-SWAP"), "BTC-USDT-SWAP");
        assert_eq!(limit_inst("BTC-USD-250328"), "BTC-USD-250328");
        assert_eq!(
            single_of("/api/v5/trade/batch-orders"),
            Some("/api/v5/trade/order")
        );
        assert_eq!(single_of("/api/v5/trade/order"), None);
    }

    #[test]
    fn iso_timestamps() {
        assert_eq!(
            parse_iso_ms("2020-12-08T09:08:57.715Z"),
            Some(1_607_418_537_715)
        );
        assert_eq!(parse_iso_ms("1970-01-01T00:00:00.000Z"), Some(0));
        assert_eq!(parse_iso_ms("2020-12-08 09:08:57.715Z"), None);
        assert_eq!(parse_iso_ms("nonsense"), None);
    }
}
