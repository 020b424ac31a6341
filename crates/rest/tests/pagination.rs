//! Pagination back and forward in time against the testkit's list
//! endpoints, which page like OKX (`before` alone returns the newest page).
//! More records than one page each time, so a skipped or repeated record
//! shows.

use std::time::Duration;

use futures_util::{Stream, StreamExt as _};
use okx_auth::Credentials;
use okx_rest::api::{account, asset, market};
use okx_rest::{Error, Invalid, Paginated, RestClient};
use okx_testkit::rest::MockOkx;
use serde_json::{Value, json};

const BILLS: &str = "/api/v5/account/bills";

fn client(okx: &MockOkx) -> RestClient {
    RestClient::builder()
        .base_url(okx.base_url())
        .credentials(Credentials::new(
            okx.api_key(),
            okx.secret(),
            okx.passphrase(),
        ))
        .build()
        .expect("client builds")
}

/// Bills with ids `from..to`, one second apart.
fn bills(from: u64, to: u64) -> Vec<Value> {
    (from..to)
        .map(|id| {
            json!({
                "billId": id.to_string(),
                "ts": (1_700_000_000_000 + id * 1000).to_string(),
                "instId": "BTC-USDT", "ccy": "USDT", "balChg": "-1.5", "type": "2"
            })
        })
        .collect()
}

async fn start(records: Vec<Value>) -> (MockOkx, RestClient) {
    let okx = MockOkx::builder().rate_limits(false).start().await;
    okx.serve_list(BILLS, "billId", records);
    let c = client(&okx);
    (okx, c)
}

fn ids(items: &[okx_models::api::account::GetBillsResponse]) -> Vec<u64> {
    items
        .iter()
        .map(|b| b.bill_id.parse().expect("numeric id"))
        .collect()
}

async fn collect<T>(s: impl Stream<Item = Result<T, Error>>) -> Vec<T> {
    s.map(|r| r.expect("no error")).collect().await
}

#[tokio::test]
async fn before_alone_returns_the_newest_page_so_a_naive_walk_would_skip() {
    let (_okx, c) = start(bills(1000, 1450)).await;
    let page = c
        .send(&account::GetBills::new().before("1009").limit("100"))
        .await
        .expect("page");
    assert_eq!(ids(&page), (1350..1450).rev().collect::<Vec<_>>());
}

#[tokio::test]
async fn forward_delivers_every_newer_record_once_oldest_first() {
    let (okx, c) = start(bills(1000, 1450)).await;
    let req = account::GetBills::new().limit("100");
    let pages = collect(c.pages_forward(req, "1009".into())).await;
    let all: Vec<u64> = pages.iter().flat_map(|p| ids(p)).collect();
    assert_eq!(all, (1010..1450).collect::<Vec<_>>(), "all 440, in order");
    for p in &pages {
        assert!(
            ids(p).windows(2).all(|w| w[0] < w[1]),
            "each page oldest first"
        );
    }
    // The newest page and four more filling the gap down to the cursor;
    // the last, short (40 < 100), proves the round complete, and one round
    // gets everything, so nothing more is asked.
    assert_eq!(okx.count("GET", BILLS), 5);
    let last = okx.requests().pop().expect("logged");
    assert!(last.query.contains("before=1009"), "{}", last.query);
    assert!(last.query.contains("after=1050"), "{}", last.query);
}

#[tokio::test]
async fn forward_without_a_limit_asks_until_a_page_is_empty() {
    let (okx, c) = start(bills(1000, 1450)).await;
    let items = collect(c.paginate_forward(account::GetBills::new(), "1009".into())).await;
    assert_eq!(ids(&items), (1010..1450).collect::<Vec<_>>());
    // Without a known page size a short page is not proof: one more ask
    // per round (after=1010&before=1009 answers empty).
    assert_eq!(okx.count("GET", BILLS), 6);
}

#[tokio::test]
async fn a_limit_above_what_okx_serves_does_not_end_a_round_early() {
    // The look-alike, like OKX's bills, serves at most 100 per page: a full
    // page of 100 under `limit=300` is not a short, final page.
    let (_okx, c) = start(bills(1000, 1450)).await;
    let req = account::GetBills::new().limit("300");
    let items = collect(c.paginate_forward(req, "1009".into())).await;
    assert_eq!(ids(&items), (1010..1450).collect::<Vec<_>>());
}

#[tokio::test]
async fn forward_from_the_newest_record_ends_at_once() {
    let (okx, c) = start(bills(1000, 1450)).await;
    let items =
        collect(c.paginate_forward(account::GetBills::new().limit("100"), "1449".into())).await;
    assert!(items.is_empty());
    assert_eq!(okx.count("GET", BILLS), 1);
}

#[tokio::test]
async fn back_in_time_walks_every_record_once() {
    let (_okx, c) = start(bills(1000, 1450)).await;
    let items = collect(c.paginate(account::GetBills::new().limit("100"))).await;
    assert_eq!(ids(&items), (1000..1450).rev().collect::<Vec<_>>());
}

#[tokio::test]
async fn follow_picks_up_records_that_arrive_later() {
    let (okx, c) = start(bills(1000, 1450)).await;
    let req = account::GetBills::new().limit("100");
    let mut s = Box::pin(c.follow(req, "1449".into(), Duration::from_millis(20)));
    okx.push_list(BILLS, bills(1450, 1700));
    let mut got = Vec::new();
    let mut next = async |got: &mut Vec<u64>, want: usize| {
        while got.len() < want {
            let page = tokio::time::timeout(Duration::from_secs(10), s.next())
                .await
                .expect("a page arrives")
                .expect("the stream goes on")
                .expect("no error");
            got.extend(ids(&page));
        }
    };
    next(&mut got, 250).await;
    okx.push_list(BILLS, bills(1700, 1730));
    next(&mut got, 280).await;
    assert_eq!(got, (1450..1730).collect::<Vec<_>>(), "each once, in order");
}

#[tokio::test]
async fn follow_waits_its_interval_even_while_records_keep_arriving() {
    let (okx, c) = start(bills(1000, 1010)).await;
    let okx = std::sync::Arc::new(okx);
    let feeder = {
        let okx = okx.clone();
        tokio::spawn(async move {
            for id in 1010..1060 {
                okx.push_list(BILLS, bills(id, id + 1));
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let req = account::GetBills::new().limit("100");
    let every = Duration::from_millis(400);
    let s = c.follow(req, "1009".into(), every);
    let got: Vec<u64> = s
        .take_until(tokio::time::sleep(Duration::from_millis(1000)))
        .flat_map(|p| futures_util::stream::iter(ids(&p.expect("page"))))
        .collect()
        .await;
    feeder.abort();
    // A round fetches everything newer than the cursor, so the next one
    // waits `every`: about 1000 / 400 + 1 polls of one request each, not
    // one poll per new record.
    let polls = okx.count("GET", BILLS);
    assert!((2..=4).contains(&polls), "{polls} requests in 1 s");
    assert!(
        got.windows(2).all(|w| w[1] == w[0] + 1),
        "in order, no gap: {got:?}"
    );
}

#[tokio::test]
async fn timestamp_paged_trades_refuse_before_locally() {
    let okx = MockOkx::builder().rate_limits(false).start().await;
    let c = client(&okx);
    let req = market::GetHistoryTrades::new("BTC-USDT").r#type("2");
    let out: Vec<_> = c.pages_forward(req, "1700000000000".into()).collect().await;
    assert_eq!(out.len(), 1);
    assert!(
        matches!(out[0], Err(Error::Invalid(Invalid::Pagination(_)))),
        "{:?}",
        out[0]
    );
    assert!(okx.requests().is_empty(), "nothing sent");
    // OKX itself (and the look-alike) refuse it with 50039.
    let err = c
        .send(
            &market::GetHistoryTrades::new("BTC-USDT")
                .r#type("2")
                .before("1"),
        )
        .await
        .expect_err("refused");
    assert_eq!(err.okx_code().map(|c| c.0), Some(50039), "{err}");
}

#[tokio::test]
async fn candles_forward_come_oldest_first_without_a_gap() {
    let okx = MockOkx::builder().rate_limits(false).start().await;
    // The exchange's clock held just after the newest candle opened.
    let newest: i64 = 1_700_000_040_000;
    okx.pin_clock(Some(newest + 30_000));
    let c = client(&okx);
    let since = newest - 400 * 60_000;
    let req = market::GetHistoryCandles::new("BTC-USDT").limit("100");
    let candles = collect(c.paginate_forward(req, since.to_string())).await;
    let ts: Vec<i64> = candles.iter().map(|c| c.ts).collect();
    // The newest candle is still forming (`confirm` 0): held back until it
    // closes, so the forward stream never hands out a candle that changes.
    let want: Vec<i64> = (1..400).map(|i| since + i * 60_000).collect();
    assert_eq!(ts, want);
    assert!(candles.iter().all(|c| c.confirm));
}

#[tokio::test]
async fn fiat_history_begin_end_filter_pages_without_gaps_or_duplicates() {
    const FIAT: &str = "/api/v5/fiat/deposit-order-history";
    let okx = MockOkx::builder().rate_limits(false).start().await;
    let t0: u64 = 1_700_000_000_000;
    let records = (0..250u64)
        .map(|i| {
            json!({"ordId": format!("0240{i:04}"), "cTime": (t0 + i * 1000).to_string(),
                   "uTime": (t0 + i * 1000).to_string(), "ccy": "TRY", "amt": "10", "state": "completed"})
        })
        .collect();
    okx.serve_list(FIAT, "cTime", records);
    let c = client(&okx);
    let req = asset::GetFiatDepositOrderHistory::new().limit("100");
    let back = collect(c.paginate(req.clone())).await;
    let times = |v: &[okx_models::api::asset::GetFiatDepositOrderHistoryResponse]| -> Vec<u64> {
        v.iter().map(|o| o.c_time.expect("cTime") as u64).collect()
    };
    assert_eq!(
        times(&back),
        (0..250).rev().map(|i| t0 + i * 1000).collect::<Vec<_>>()
    );
    let since = (t0 + 9 * 1000).to_string();
    let fwd = collect(c.paginate_forward(req, since)).await;
    assert_eq!(
        times(&fwd),
        (10..250).map(|i| t0 + i * 1000).collect::<Vec<_>>()
    );
}

#[test]
fn asset_bills_cursor_follows_the_paging_type() {
    let item: okx_models::api::asset::GetBillsResponse =
        serde_json::from_value(json!({"billId": "12345", "ts": "1700000000000"})).expect("item");
    let by_ts = asset::GetBills::new();
    assert_eq!(by_ts.cursor(&item).as_deref(), Some("1700000000000"));
    let by_id = asset::GetBills::new().paging_type("2");
    assert_eq!(by_id.cursor(&item).as_deref(), Some("12345"));
}

#[test]
fn insurance_fund_cursor_spans_its_details() {
    let item: okx_models::api::public::GetInsuranceFundResponse = serde_json::from_value(json!({
        "total": "1", "instType": "SWAP", "instFamily": "BTC-USD",
        "details": [{"ts": "1700000300000"}, {"ts": "1700000100000"}, {"ts": "1700000200000"}]
    }))
    .expect("item");
    let req = okx_rest::api::public::GetInsuranceFund::new(okx_models::InstType::Swap);
    assert_eq!(req.cursor(&item).as_deref(), Some("1700000100000"));
    assert_eq!(req.newest_cursor(&item).as_deref(), Some("1700000300000"));
}

#[test]
fn sub_account_transfer_histories_page_by_creation_time() {
    // "records prior to the requested bill ID creation time": `ts`, not `billId`.
    let item: okx_models::api::subaccount::GetSubaccountBillsResponse =
        serde_json::from_value(json!({"billId": "89887150", "ts": "1700000000000"})).expect("item");
    let req = okx_rest::api::subaccount::GetSubaccountBills::new();
    assert_eq!(req.cursor(&item).as_deref(), Some("1700000000000"));
}

#[test]
fn included_cursors_move_one_millisecond_past_the_record() {
    // spot-borrow-repay-history documents `after`/`before` as "(included)".
    let mut req = account::GetSpotBorrowRepayHistory::new();
    req.set_after(Some("1700000000000".into()));
    req.set_before(Some("1600000000000".into()));
    assert_eq!(req.after.as_deref(), Some("1699999999999"));
    assert_eq!(req.before.as_deref(), Some("1600000000001"));
}
