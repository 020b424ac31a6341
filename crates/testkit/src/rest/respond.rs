//! Request handling: faults, authentication, rate limits, logging; the
//! routes themselves are in `route.rs`.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use wiremock::{Request, Respond, ResponseTemplate};

use super::{Fault, LoggedRequest, RestState, bodies};
use crate::exchange::limits::single_of;
use crate::exchange::{Exchange, World};

/// How long a "timed out" answer is held.
const HELD: Duration = Duration::from_secs(60);

pub(crate) struct Responder {
    pub(crate) exchange: Arc<Exchange>,
}

/// One incoming request.
pub(crate) struct Incoming<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) query: &'a str,
    pub(crate) body: &'a [u8],
    pub(crate) req: &'a Request,
}

impl Incoming<'_> {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.req.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub(crate) fn param(&self, name: &str) -> Option<String> {
        self.req
            .url
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    /// A query parameter, `""` when absent.
    pub(crate) fn p(&self, name: &str) -> String {
        self.param(name).unwrap_or_default()
    }
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
        let mut world = self.exchange.lock();
        let fault = take_fault(&mut world.rest, inc.path);
        let mut delay = world.rest.latency;
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
                handle(&mut world, &inc)
            }
        };
        if world.rest.log_off {
            return template(status, body, delay);
        }
        let code = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| {
                v.get("code")
                    .map(|c| c.as_str().map_or(c.to_string(), str::to_owned))
            })
            .unwrap_or_default();
        world.rest.log.push(LoggedRequest {
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

fn take_fault(st: &mut RestState, path: &str) -> Option<Fault> {
    let slot = st.faults.iter_mut().find(|(p, _, n)| p == path && *n > 0)?;
    slot.2 -= 1;
    let fault = slot.1;
    st.faults.retain(|(_, _, n)| *n > 0);
    Some(fault)
}

/// Whether a request needs no signature: OKX's public endpoints (the
/// catalog's, across every group: market data, but also the public lists
/// of bots, copy trading, spreads, RFQ and earn) and the test controls.
fn is_public(method: &str, path: &str) -> bool {
    path.starts_with("/testkit/") || super::samples::unsigned(method, path)
}

/// Unix ms of `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub(crate) fn parse_iso_ms(s: &str) -> Option<i64> {
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

/// Checks the `OK-ACCESS-*` headers as OKX's gateway does; the account
/// index on success, OKX's HTTP status and body otherwise.
fn check_auth(world: &World, inc: &Incoming<'_>) -> Result<usize, (u16, &'static str)> {
    let key = inc.header("OK-ACCESS-KEY").unwrap_or("");
    if key.is_empty() {
        return Err((401, bodies::KEY_EMPTY));
    }
    let Some((acct, api_key)) = world.key(key) else {
        return Err((401, bodies::INVALID_KEY));
    };
    let passphrase = inc.header("OK-ACCESS-PASSPHRASE").unwrap_or("");
    if passphrase.is_empty() {
        return Err((401, bodies::PASSPHRASE_EMPTY));
    }
    if passphrase != api_key.passphrase {
        return Err((401, bodies::WRONG_PASSPHRASE));
    }
    let ts = inc.header("OK-ACCESS-TIMESTAMP").unwrap_or("");
    let Some(ts_ms) = parse_iso_ms(ts) else {
        return Err((401, bodies::BAD_TIMESTAMP));
    };
    if (ts_ms - world.clock.auth_ms()).abs() > 30_000 {
        return Err((401, bodies::TIMESTAMP_EXPIRED));
    }
    let mut request_path = inc.path.to_owned();
    if !inc.query.is_empty() {
        request_path.push('?');
        request_path.push_str(inc.query);
    }
    let sign = inc.header("OK-ACCESS-SIGN").unwrap_or("");
    if !crate::sign::verify(
        &api_key.secret,
        ts,
        inc.method,
        &request_path,
        inc.body,
        sign,
    ) {
        return Err((401, bodies::INVALID_SIGN));
    }
    let demo = inc.header("x-simulated-trading") == Some("1");
    if demo != api_key.demo {
        return Err((401, bodies::WRONG_ENVIRONMENT));
    }
    let writes = inc.method == "POST" && inc.path.starts_with("/api/v5/trade/");
    if writes && !api_key.trade {
        return Err((200, bodies::NO_PERMISSION));
    }
    Ok(acct)
}

/// The instruments of the items of a body, one per item.
fn item_insts(json: &Value, inc: &Incoming<'_>) -> Vec<String> {
    let inst = |v: &Value| {
        v.get("instId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    match json {
        Value::Array(items) => items.iter().map(inst).collect(),
        Value::Object(_) => vec![inst(json)],
        _ => vec![inc.p("instId")],
    }
}

fn handle(world: &mut World, inc: &Incoming<'_>) -> (u16, String) {
    if let Some(answer) = super::admin::route(world, inc) {
        return answer;
    }
    let signed = inc.header("OK-ACCESS-KEY").is_some();
    let acct = if !is_public(inc.method, inc.path) || signed {
        match check_auth(world, inc) {
            Ok(acct) => Some(acct),
            Err((status, body)) => return (status, body.to_owned()),
        }
    } else {
        None
    };
    let json: Value = if inc.body.is_empty() {
        Value::Null
    } else {
        match serde_json::from_slice(inc.body) {
            Ok(v) => v,
            Err(_) => return (400, bodies::error("50002", "JSON syntax error")),
        }
    };
    let one = json.as_array().is_some_and(|a| a.len() == 1);
    let path = match single_of(inc.path) {
        Some(single) if one => single,
        _ => inc.path,
    };
    let endpoint = format!("{} {}", inc.method, path);
    let who = acct
        .map(|a| world.accounts[a].uid.clone())
        .unwrap_or_default();
    let insts = item_insts(&json, inc);
    if !world.limits.admit(&endpoint, &who, &insts) {
        return (429, bodies::TOO_MANY_REQUESTS.to_owned());
    }
    if let Some((status, body)) = world
        .rest
        .overrides
        .get(&(inc.method.to_owned(), inc.path.to_owned()))
    {
        return (*status, body.clone());
    }
    let expired = inc
        .header("expTime")
        .and_then(|e| e.parse::<i64>().ok())
        .is_some_and(|exp| world.clock.auth_ms() > exp);
    if expired {
        return (200, bodies::error("50037", "Order expired"));
    }
    match super::route::route(world, inc, &json, acct) {
        Some(answer) => answer,
        None => (404, bodies::NOT_FOUND.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_iso_ms;

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
