//! The client's hot paths allocate nothing once warm: a book push from
//! frame to applied book and the event its user receives, and a ticker or
//! trades push decoded into a reused event. A counting global allocator
//! sees every allocation in this test binary, so it lives alone here.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use okx_book::checksum_levels;
use okx_ws::__bench::FramePath;
use okx_ws::decode::{decode_push, decode_push_into};
use okx_ws::{Arg, PushData, WsEvent};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// The unsafe here is the GlobalAlloc contract, forwarded unchanged to System.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: same layout contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` and returns how many allocations happened during it. The test
/// harness may allocate on other threads, so everything is measured in one
/// test, and each measurement repeats until it sees a quiet window.
fn allocations_during(mut f: impl FnMut()) -> usize {
    (0..5)
        .map(|_| {
            let before = ALLOCATIONS.load(Ordering::SeqCst);
            f();
            ALLOCATIONS.load(Ordering::SeqCst) - before
        })
        .min()
        .unwrap_or(usize::MAX)
}

/// `(price, size)` text of a side, best first.
type Side = Vec<(String, String)>;

fn push(
    action: &str,
    bids: &[(String, String)],
    asks: &[(String, String)],
    checksum: i32,
) -> String {
    let side = |levels: &[(String, String)]| {
        levels
            .iter()
            .map(|(px, sz)| format!(r#"["{px}","{sz}","0","2"]"#))
            .collect::<Vec<_>>()
            .join(",")
    };
    format!(
        r#"{{"arg":{{"channel":"books","instId":"BTC-USDT"}},"action":"{action}","data":[{{"asks":[{}],"bids":[{}],"ts":"1700000000000","checksum":{checksum}}}]}}"#,
        side(asks),
        side(bids)
    )
}

/// A 400-level snapshot and two updates, the second undoing the first
/// (a size change at the touch, a delete and an insert on each side),
/// each with its real checksum, so applying them in turn changes the book
/// every time and verifies it.
fn frames() -> (String, String, String) {
    let px = |tenths: u32| format!("{}.{}", tenths / 10, tenths % 10);
    let bids: Side = (0..400)
        .map(|i| (px(300_000 - 3 * i), format!("{}.5", i % 7 + 1)))
        .collect();
    let asks: Side = (0..400)
        .map(|i| (px(300_001 + 3 * i), format!("{}.25", i % 5 + 1)))
        .collect();
    fn text(side: &Side) -> Vec<(&str, &str)> {
        side.iter().map(|(p, z)| (p.as_str(), z.as_str())).collect()
    }
    let sum = |bids: &Side, asks: &Side| checksum_levels(text(bids), text(asks));
    let snapshot = push("snapshot", &bids, &asks, sum(&bids, &asks));
    let (mut b2, mut a2) = (bids.clone(), asks.clone());
    b2[0].1 = "9".into();
    b2.remove(3);
    b2.insert(1, (px(299_999), "4".into()));
    a2[0].1 = "7".into();
    a2.remove(2);
    a2.insert(1, (px(300_002), "6".into()));
    let change_b = [
        (bids[0].0.clone(), "9".into()),
        (bids[3].0.clone(), "0".into()),
        (px(299_999), "4".into()),
    ];
    let change_a = [
        (asks[0].0.clone(), "7".into()),
        (asks[2].0.clone(), "0".into()),
        (px(300_002), "6".into()),
    ];
    let update_a = push("update", &change_b, &change_a, sum(&b2, &a2));
    let undo_b = [
        (bids[0].0.clone(), bids[0].1.clone()),
        bids[3].clone(),
        (px(299_999), "0".into()),
    ];
    let undo_a = [
        (asks[0].0.clone(), asks[0].1.clone()),
        asks[2].clone(),
        (px(300_002), "0".into()),
    ];
    let update_b = push("update", &undo_b, &undo_a, sum(&bids, &asks));
    (snapshot, update_a, update_b)
}

#[test]
fn the_client_allocates_nothing_per_book_update() {
    let (snapshot, update_a, update_b) = frames();
    let updates = [update_a.as_str(), update_b.as_str()];

    // Sanity: the counter does see allocations.
    assert!(allocations_during(|| drop(std::hint::black_box(vec![1u8; 16]))) >= 1);

    // The client's own handling of each frame (parse once, apply, check
    // the sequence and checksum, queue the event) and the user receiving it.
    let mut client = FramePath::new([Arg::new("books").inst_id("BTC-USDT")]);
    assert!(matches!(client.frame(&snapshot), Some(WsEvent::Book(b)) if b.snapshot));
    let apply = |client: &mut FramePath| {
        for update in updates.iter().cycle().take(1000) {
            match client.frame(update) {
                Some(WsEvent::Book(b)) => assert!(!b.snapshot && b.inst_id == "BTC-USDT"),
                other => panic!("expected a book update, got {other:?}"),
            }
        }
    };
    apply(&mut client);
    let n = allocations_during(|| apply(&mut client));
    assert_eq!(
        n, 0,
        "1000 book updates through the client allocated {n} times"
    );
    let best = client.book("books", "BTC-USDT", |b| {
        b.best_bid().map(|l| l.px.to_owned())
    });
    assert_eq!(best.flatten().as_deref(), Some("30000.0"));
}

const TICKER: &str = r#"{"arg":{"channel":"tickers","instId":"BTC-USDT"},"data":[{"instType":"SPOT","instId":"BTC-USDT","last":"30236.1","lastSz":"0.00019","askPx":"30236.1","askSz":"0.51","bidPx":"30236","bidSz":"1.96","open24h":"29000.5","high24h":"30500","low24h":"28850","sodUtc0":"29500.1","sodUtc8":"29720.3","volCcy24h":"612355894.9912","vol24h":"20570.79911","ts":"1652459224818"}]}"#;

const TRADES: &str = r#"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"338476307","px":"30236","sz":"0.0002","side":"buy","ts":"1652459224818","count":"1","seqId":1234567},{"instId":"BTC-USDT","tradeId":"338476308","px":"30236.1","sz":"0.01","side":"sell","ts":"1652459224819","count":"2","seqId":1234568}]}"#;

#[test]
fn ticker_and_trades_pushes_decode_into_a_reused_push_without_allocating() {
    for (frame, rows) in [(TICKER, 1), (TRADES, 2)] {
        let WsEvent::Push(mut push) = decode_push(frame) else {
            panic!("a push: {frame}");
        };
        let decode = |push: &mut okx_ws::Push| {
            for _ in 0..1000 {
                decode_push_into(frame, push).expect("a push");
                let n = match &push.data {
                    PushData::Tickers(r) => r.len(),
                    PushData::Trades(r) => r.len(),
                    other => panic!("unexpected rows {other:?}"),
                };
                assert_eq!(n, rows);
            }
        };
        decode(&mut push);
        let n = allocations_during(|| decode(&mut push));
        assert_eq!(
            n, 0,
            "1000 pushes decoded into a reused push allocated {n} times: {frame}"
        );
        // A fresh decode allocates: the counter would see a regression.
        assert!(allocations_during(|| drop(std::hint::black_box(decode_push(frame)))) > 0);
    }
}
