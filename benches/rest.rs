//! REST client overhead per request, against the testkit on loopback.
//!
//! ```text
//! cargo bench --bench rest -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! Three ways to fetch the same ticker from the same look-alike, in one run:
//! - `bare_reqwest`: `reqwest` GET of the URL, body read into bytes, nothing
//!   decoded — the floor;
//! - `client_public`: `RestClient::send` of a ticker request: encode the
//!   query, pass the rate limiter, send, decode the envelope into a
//!   decimal-typed `Ticker`;
//! - `client_signed`: the same with signing (the look-alike verifies the
//!   signature on every call).
//!
//! Target: the client within 1.15x of `bare_reqwest`. The look-alike's rate
//! limits are off and the client's ticker limit is raised, so the limiter
//! runs but never waits.
//!
//! `client_signed` also makes the look-alike verify a signature (a freshly
//! keyed HMAC and header parsing per request), so its fair floor is
//! `bare_reqwest_signed`: the same GET with OK-ACCESS-* headers signed once
//! beforehand (valid for OKX's 30 s window), which costs the server the same
//! work and the client none.

use std::time::{Duration, Instant};

use criterion::{Criterion, black_box};
use okx::auth::Credentials;
use okx::models::Ticker;
use okx::rest::{LimitScope, LimitUnit, Method, RateLimit, Request, RestClient};
use okx_testkit::rest::MockOkx;
use serde::Serialize;

const PATH: &str = "/api/v5/market/ticker";
const UNLIMITED: RateLimit = RateLimit {
    count: u32::MAX / 2,
    window_ms: 1000,
    unit: LimitUnit::Requests,
    scope: LimitScope::Ip,
};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GetTicker {
    inst_id: &'static str,
}

impl Request for GetTicker {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = PATH;
    const SIGNED: bool = false;
    const RATE_LIMIT: RateLimit = UNLIMITED;
    type Response = Ticker;
}

/// The same endpoint, signed: the look-alike then checks the signature.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignedTicker {
    inst_id: &'static str,
}

impl Request for SignedTicker {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = PATH;
    const SIGNED: bool = true;
    const RATE_LIMIT: RateLimit = UNLIMITED;
    type Response = Ticker;
}

/// OK-ACCESS-* headers for `GET {PATH}?instId=BTC-USDT`, signed now with the
/// testkit's plain-HMAC reference (not the SDK's signer).
fn presigned(okx: &MockOkx) -> reqwest::header::HeaderMap {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let ts = okx::auth::IsoTimestamp::from_unix_millis(now);
    let path = format!("{PATH}?instId=BTC-USDT");
    let sign = okx_testkit::sign::okx_signature(okx.secret(), ts.as_str(), "GET", &path, b"");
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in [
        ("OK-ACCESS-KEY", okx.api_key()),
        ("OK-ACCESS-SIGN", sign.as_str()),
        ("OK-ACCESS-TIMESTAMP", ts.as_str()),
        ("OK-ACCESS-PASSPHRASE", okx.passphrase()),
    ] {
        match reqwest::header::HeaderValue::from_str(value) {
            Ok(v) => {
                headers.insert(name, v);
            }
            Err(e) => panic!("header {name}: {e}"),
        }
    }
    headers
}

fn rest(c: &mut Criterion) {
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => panic!("tokio runtime: {e}"),
    };
    let okx = rt.block_on(
        MockOkx::builder()
            .rate_limits(false)
            .log_requests(false)
            .start(),
    );
    let client = match RestClient::builder()
        .base_url(okx.base_url())
        .credentials(Credentials::new(
            okx.api_key(),
            okx.secret(),
            okx.passphrase(),
        ))
        .rate_limit(PATH, UNLIMITED)
        .build()
    {
        Ok(c) => c,
        Err(e) => panic!("client: {e}"),
    };
    let bare = reqwest::Client::new();
    let url = format!("{}{PATH}?instId=BTC-USDT", okx.base_url());

    // The floor with the client's own reqwest settings (timeouts, user
    // agent), to tell the SDK's cost from reqwest's timer cost.
    let bare_cfg = match reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(5))
        .user_agent("okx-rs/0.1.0")
        .build()
    {
        Ok(c) => c,
        Err(e) => panic!("reqwest: {e}"),
    };
    paired(&rt, &client, [&bare, &bare_cfg], &presigned(&okx), &url);

    let mut group = c.benchmark_group("rest_ticker");
    group.bench_function("bare_reqwest", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let resp = bare.get(&url).send().await;
                    let bytes = match resp {
                        Ok(r) => r.bytes().await.map(|b| b.len()).unwrap_or(0),
                        Err(_) => 0,
                    };
                    black_box(bytes);
                }
                start.elapsed()
            })
        });
    });
    group.bench_function("bare_reqwest_signed", |b| {
        b.iter_custom(|iters| {
            let headers = presigned(&okx);
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let resp = bare.get(&url).headers(headers.clone()).send().await;
                    let bytes = match resp {
                        Ok(r) => r.bytes().await.map(|b| b.len()).unwrap_or(0),
                        Err(_) => 0,
                    };
                    black_box(bytes);
                }
                start.elapsed()
            })
        });
    });
    group.bench_function("client_public", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let t = client
                        .send(&GetTicker {
                            inst_id: "BTC-USDT",
                        })
                        .await;
                    black_box(t.map(|v| v.len()).unwrap_or(0));
                }
                start.elapsed()
            })
        });
    });
    group.bench_function("client_signed", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let t = client
                        .send(&SignedTicker {
                            inst_id: "BTC-USDT",
                        })
                        .await;
                    black_box(t.map(|v| v.len()).unwrap_or(0));
                }
                start.elapsed()
            })
        });
    });
    group.finish();
    drop(okx);
}

/// The calls in turn, round after round, so all of them see the same
/// machine load; prints the median of each and the ratios. On a shared
/// machine this is steadier than criterion's one-after-the-other groups.
fn paired(
    rt: &tokio::runtime::Runtime,
    client: &RestClient,
    bare: [&reqwest::Client; 2],
    signed_headers: &reqwest::header::HeaderMap,
    url: &str,
) {
    const ROUNDS: usize = 3000;
    let mut times: [Vec<Duration>; 5] = Default::default();
    rt.block_on(async {
        for _ in 0..ROUNDS {
            for (i, bare) in bare.iter().enumerate() {
                let t = Instant::now();
                if let Ok(r) = bare.get(url).send().await {
                    black_box(r.bytes().await.map(|b| b.len()).unwrap_or(0));
                }
                times[i * 3].push(t.elapsed());
            }
            let t = Instant::now();
            if let Ok(r) = bare[0]
                .get(url)
                .headers(signed_headers.clone())
                .send()
                .await
            {
                black_box(r.bytes().await.map(|b| b.len()).unwrap_or(0));
            }
            times[4].push(t.elapsed());
            let t = Instant::now();
            let v = client
                .send(&GetTicker {
                    inst_id: "BTC-USDT",
                })
                .await;
            black_box(v.map(|v| v.len()).unwrap_or(0));
            times[1].push(t.elapsed());
            let t = Instant::now();
            let v = client
                .send(&SignedTicker {
                    inst_id: "BTC-USDT",
                })
                .await;
            black_box(v.map(|v| v.len()).unwrap_or(0));
            times[2].push(t.elapsed());
        }
    });
    let median = |v: &mut Vec<Duration>| {
        v.sort_unstable();
        v[v.len() / 2]
    };
    let [bare_t, public_t, signed_t, cfg_t, bare_signed_t] = times.each_mut().map(median);
    let ratio = |d: Duration, floor: Duration| d.as_secs_f64() / floor.as_secs_f64().max(1e-9);
    println!(
        "paired medians over {ROUNDS} rounds: bare_reqwest {bare_t:?}, \
         bare_reqwest_same_config {cfg_t:?} ({:.3}x), client_public {public_t:?} ({:.3}x), \
         bare_reqwest_signed {bare_signed_t:?}, client_signed {signed_t:?} \
         ({:.3}x of bare_reqwest_signed, {:.3}x of bare_reqwest)",
        ratio(cfg_t, bare_t),
        ratio(public_t, bare_t),
        ratio(signed_t, bare_signed_t),
        ratio(signed_t, bare_t)
    );
}

// A plain main instead of criterion_group!/criterion_main!, whose generated
// public function has no doc comment for the workspace's missing_docs lint.
fn main() {
    let mut criterion = Criterion::default()
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    rest(&mut criterion);
    criterion.final_summary();
}
