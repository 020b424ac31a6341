//! Keeping a book allocates nothing per update once it is warm. A counting
//! global allocator sees every allocation in this test binary, so it lives
//! alone here.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use okx_book::{BookSet, FrameReader, OrderBook, checksum_levels};

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
fn book_updates_do_not_allocate() {
    let (snapshot, update_a, update_b) = frames();
    let updates = [update_a.as_bytes(), update_b.as_bytes()];

    // Sanity: the counter does see allocations.
    assert!(allocations_during(|| drop(std::hint::black_box(vec![1u8; 16]))) >= 1);

    let mut book = OrderBook::new();
    book.apply_bytes(snapshot.as_bytes()).expect("snapshot");
    let apply = |book: &mut OrderBook| {
        for update in updates.iter().cycle().take(1000) {
            let applied = book.apply_bytes(update).expect("in sync");
            assert!(applied.checksum_verified);
        }
    };
    apply(&mut book);
    let n = allocations_during(|| apply(&mut book));
    assert_eq!(
        n, 0,
        "1000 updates through OrderBook::apply_bytes allocated {n} times"
    );

    let mut set = BookSet::new();
    set.apply_bytes(snapshot.as_bytes())
        .expect("a frame")
        .1
        .expect("snapshot");
    let apply = |set: &mut BookSet| {
        for update in updates.iter().cycle().take(1000) {
            let (_, applied) = set.apply_bytes(update).expect("a frame");
            assert!(applied.expect("in sync").checksum_verified);
        }
    };
    apply(&mut set);
    let n = allocations_during(|| apply(&mut set));
    assert_eq!(
        n, 0,
        "1000 updates through BookSet::apply_bytes allocated {n} times"
    );

    let (mut reader, mut book) = (FrameReader::new(), OrderBook::new());
    let parsed = reader.parse(snapshot.as_bytes()).expect("a frame");
    book.apply_parsed(&parsed).expect("snapshot");
    let apply = |reader: &mut FrameReader, book: &mut OrderBook| {
        for update in updates.iter().cycle().take(1000) {
            let parsed = reader.parse(update).expect("a frame");
            assert!(
                book.apply_parsed(&parsed)
                    .expect("in sync")
                    .checksum_verified
            );
        }
    };
    apply(&mut reader, &mut book);
    let n = allocations_during(|| apply(&mut reader, &mut book));
    assert_eq!(
        n, 0,
        "1000 updates through a FrameReader allocated {n} times"
    );
}
