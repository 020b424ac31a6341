//! OKX's 2026 book modes: `checksum: 0` on every push (the sequence is the
//! only check, and the book claims nothing more), and a book started from
//! a REST snapshot with the updates buffered while it was fetched.

use okx_book::{AppliedKind, BookError, BookFrame, Integrity, OrderBook, Side};

fn frame(channel: &str, action: &str, seq: i64, prev: i64, checksum: i64, bids: &str) -> String {
    format!(
        r#"{{"arg":{{"channel":"{channel}","instId":"BTC-USDT"}},"action":"{action}","data":[{{"asks":[["101","2","0","1"]],"bids":[{bids}],"ts":"1","checksum":{checksum},"seqId":{seq},"prevSeqId":{prev}}}]}}"#
    )
}

fn update(seq: i64, prev: i64, bids: &str) -> String {
    frame("books", "update", seq, prev, 0, bids)
}

/// The REST snapshot as a book frame: `GET /api/v5/market/books` gives no
/// `prevSeqId`, only the `seqId` of the last change it holds.
fn rest_snapshot(seq: i64) -> String {
    format!(
        r#"{{"arg":{{"channel":"books","instId":"BTC-USDT"}},"action":"snapshot","data":[{{"asks":[["101","2","0","1"]],"bids":[["100","1","0","1"]],"ts":"1","seqId":{seq}}}]}}"#
    )
}

#[test]
fn checksum_zero_is_neither_an_alarm_nor_a_claim() {
    let mut book = OrderBook::new();
    let a = book
        .apply_bytes(frame("books", "snapshot", 10, -1, 0, r#"["100","1","0","1"]"#).as_bytes())
        .unwrap();
    assert!(!a.checksum_verified);
    assert_eq!(book.integrity(), Integrity::Sequenced);
    assert!(!book.checksum_verified());
    // A change that a real checksum would have to reflect: with 0, nothing
    // is compared, and the sequence carries the book.
    let a = book
        .apply_bytes(update(11, 10, r#"["99","5","0","1"]"#).as_bytes())
        .unwrap();
    assert_eq!((a.kind, a.checksum_verified), (AppliedKind::Update, false));
    assert_eq!(book.depth(Side::Bid), 2);
    assert_eq!(book.integrity(), Integrity::Sequenced);
    // The sequence still catches a lost push.
    let err = book.apply_bytes(update(14, 12, "").as_bytes()).unwrap_err();
    assert_eq!(
        err,
        BookError::SequenceGap {
            expected: 11,
            got: 12
        }
    );
    assert_eq!(book.integrity(), Integrity::Unchecked);
}

#[test]
fn a_real_checksum_is_still_checked_and_claimed() {
    let mut book = OrderBook::new();
    book.apply_bytes(frame("books", "snapshot", 10, -1, 0, r#"["100","1","0","1"]"#).as_bytes())
        .unwrap();
    let sum = book.checksum();
    let a = book
        .apply_bytes(frame("books", "update", 11, 10, i64::from(sum), "").as_bytes())
        .unwrap();
    assert!(a.checksum_verified);
    assert_eq!(book.integrity(), Integrity::Checksummed);
    // Back to 0 (the 2026-06-23 switch): no longer claimed.
    book.apply_bytes(update(12, 11, "").as_bytes()).unwrap();
    assert_eq!(book.integrity(), Integrity::Sequenced);
    // A wrong non-zero checksum is still an alarm.
    let err = book
        .apply_bytes(frame("books", "update", 13, 12, 12345, "").as_bytes())
        .unwrap_err();
    assert!(matches!(
        err,
        BookError::ChecksumMismatch {
            expected: 12345,
            ..
        }
    ));
}

#[test]
fn whole_book_channels_say_so() {
    let mut book = OrderBook::new();
    let bbo = r#"{"arg":{"channel":"bbo-tbt","instId":"BTC-USDT"},"data":[{"asks":[["101","2","0","1"]],"bids":[["100","1","0","1"]],"ts":"1","seqId":7}]}"#;
    book.apply_bytes(bbo.as_bytes()).unwrap();
    assert_eq!(book.integrity(), Integrity::WholeBook);
}

#[test]
fn a_rest_snapshot_stitches_with_the_buffered_updates() {
    // Buffered while the snapshot (seqId 20) was fetched: 18 and 20 are in
    // it; 21 straddles it (prevSeqId 20 <= 20 < 21); 23 follows 21.
    let buffered = [
        update(18, 17, r#"["90","1","0","1"]"#),
        update(20, 18, r#"["91","1","0","1"]"#),
        update(21, 20, r#"["99","4","0","2"]"#),
        update(23, 21, r#"["98","6","0","1"]"#),
    ];
    let snap = rest_snapshot(20);
    let mut book = OrderBook::new();
    let a = book
        .apply_rest_snapshot(&BookFrame::parse(snap.as_bytes()).unwrap())
        .unwrap();
    assert_eq!(a.kind, AppliedKind::Snapshot);
    let kinds: Vec<AppliedKind> = buffered
        .iter()
        .map(|f| book.apply_bytes(f.as_bytes()).unwrap().kind)
        .collect();
    assert_eq!(
        kinds,
        [
            AppliedKind::Skipped,
            AppliedKind::Skipped,
            AppliedKind::Update,
            AppliedKind::Update
        ]
    );
    assert!(book.is_synced());
    assert_eq!(book.seq_id(), Some(23));
    let bids: Vec<&str> = book.levels(Side::Bid).map(|l| l.px).collect();
    assert_eq!(
        bids,
        ["100", "99", "98"],
        "skipped updates did not touch the book"
    );
    assert_eq!(book.integrity(), Integrity::Sequenced);
}

#[test]
fn the_first_update_may_straddle_the_snapshot_from_below() {
    // OKX's rule is prevSeqId <= snapshot seqId < seqId, not equality.
    let mut book = OrderBook::new();
    book.apply_rest_snapshot(&BookFrame::parse(rest_snapshot(20).as_bytes()).unwrap())
        .unwrap();
    let a = book
        .apply_bytes(update(22, 19, r#"["99","4","0","2"]"#).as_bytes())
        .unwrap();
    assert_eq!(a.kind, AppliedKind::Update);
    // After the link, the chain is exact again.
    let err = book.apply_bytes(update(25, 23, "").as_bytes()).unwrap_err();
    assert_eq!(
        err,
        BookError::SequenceGap {
            expected: 22,
            got: 23
        }
    );
}

#[test]
fn a_gap_after_the_snapshot_needs_a_newer_one() {
    let mut book = OrderBook::new();
    book.apply_rest_snapshot(&BookFrame::parse(rest_snapshot(20).as_bytes()).unwrap())
        .unwrap();
    // 21..=24 were lost: the first update after the snapshot starts at 24.
    let err = book.apply_bytes(update(26, 24, "").as_bytes()).unwrap_err();
    assert_eq!(
        err,
        BookError::SequenceGap {
            expected: 20,
            got: 24
        }
    );
    assert!(!book.is_synced());
    // A newer snapshot heals it.
    let a = book
        .apply_rest_snapshot(&BookFrame::parse(rest_snapshot(26).as_bytes()).unwrap())
        .unwrap();
    assert!(a.resynced);
    assert!(book.apply_bytes(update(27, 26, "").as_bytes()).is_ok());
}

#[test]
fn a_rest_snapshot_needs_its_seq_id() {
    let no_seq = r#"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot","data":[{"asks":[],"bids":[],"ts":"1"}]}"#;
    let mut book = OrderBook::new();
    assert!(
        book.apply_rest_snapshot(&BookFrame::parse(no_seq.as_bytes()).unwrap())
            .is_err()
    );
    assert!(!book.is_synced());
}

#[test]
fn elp_and_rpi_books_are_kept() {
    for channel in ["books-elp", "books-rpi"] {
        let mut book = OrderBook::new();
        // books-rpi's third element is the non-RPI size, not the "0" of the others.
        let snap = format!(
            r#"{{"arg":{{"channel":"{channel}","instId":"BTC-USDT"}},"action":"snapshot","data":[{{"asks":[["101","2","1.5","1"]],"bids":[["100","3","0.5","2"]],"ts":"1","checksum":0,"seqId":5,"prevSeqId":-1}}]}}"#
        );
        book.apply_bytes(snap.as_bytes()).unwrap();
        assert_eq!(
            book.best_bid().map(|l| (l.px, l.sz)),
            Some(("100", "3")),
            "{channel}"
        );
        assert_eq!(book.integrity(), Integrity::Sequenced);
        let upd = frame(channel, "update", 6, 5, 0, r#"["100","0","0","0"]"#);
        book.apply_bytes(upd.as_bytes()).unwrap();
        assert_eq!(book.depth(Side::Bid), 0, "{channel}");
    }
}
