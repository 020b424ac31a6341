//! Signing allocates nothing on the heap. A counting global allocator sees
//! every allocation in this test binary, so it lives alone here.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use okx_auth::{ClockOffset, Credentials, IsoTimestamp, RestAuth, Signer};

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
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` and returns how many allocations happened during it. The test
/// harness may allocate on other threads, so the counter is read in one test
/// that does everything, and each measurement repeats until it sees a quiet
/// window.
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

#[test]
fn signing_does_not_allocate() {
    let signer = Signer::new(b"22582BD0CFF14C41EDBF1AB98506286D");
    let body = br#"{"instId":"BTC-USDT","tdMode":"cash","clOrdId":"b15","side":"buy","ordType":"limit","px":"2.15","sz":"2"}"#.repeat(3);
    let auth = RestAuth::new(Credentials::new("k", "s", "p"), ClockOffset::new(), true);

    // Sanity: the counter does see allocations.
    assert!(allocations_during(|| drop(std::hint::black_box(vec![1u8; 16]))) >= 1);

    let n = allocations_during(|| {
        for i in 0..1000 {
            let ts = IsoTimestamp::from_unix_millis(1_607_418_537_715 + i);
            let sig = signer.sign(ts.as_str(), "POST", "/api/v5/trade/order", &body);
            std::hint::black_box(sig.as_str());
            std::hint::black_box(signer.sign_ws_login("1538054050"));
        }
    });
    assert_eq!(n, 0, "signing 2000 times allocated {n} times");

    let n = allocations_during(|| {
        for i in 0..1000 {
            let headers = auth.headers_at(
                1_607_418_537_715 + i,
                "GET",
                "/api/v5/account/balance?ccy=BTC",
                b"",
            );
            for header in headers.iter() {
                std::hint::black_box(header);
            }
        }
    });
    assert_eq!(n, 0, "building 1000 header sets allocated {n} times");
}
