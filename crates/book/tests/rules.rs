//! SPEC §7.3 sequence rules and frame parsing edge cases.

use okx_book::{
    Action, AppliedKind, BookError, BookFrame, Channel, OrderBook, OutOfSyncReason, ParseError,
    Side,
};

fn push(action: &str, seq: i64, prev: i64, bids: &str, asks: &str) -> String {
    format!(
        r#"{{"arg":{{"channel":"books-l2-tbt","instId":"BTC-USDT"}},"action":"{action}","data":[{{"asks":[{asks}],"bids":[{bids}],"ts":"1","checksum":0,"seqId":{seq},"prevSeqId":{prev}}}]}}"#
    )
}

fn kind(book: &mut OrderBook, frame: &str) -> Result<AppliedKind, BookError> {
    book.apply_bytes(frame.as_bytes()).map(|a| a.kind)
}

#[test]
fn docs_sequence_example_is_accepted() {
    // Snapshot (-1, 10), update (10, 15), idle (15, 15), reset (15, 3), update (3, 5).
    let mut book = OrderBook::new();
    let bid = r#"["100","1","0","1"]"#;
    let ask = r#"["101","2","0","1"]"#;
    assert_eq!(
        kind(&mut book, &push("snapshot", 10, -1, bid, ask)),
        Ok(AppliedKind::Snapshot)
    );
    assert_eq!(
        kind(
            &mut book,
            &push("update", 15, 10, r#"["99.5","3","0","1"]"#, "")
        ),
        Ok(AppliedKind::Update)
    );
    assert_eq!(
        kind(&mut book, &push("update", 15, 15, "", "")),
        Ok(AppliedKind::Heartbeat)
    );
    assert_eq!(
        kind(&mut book, &push("update", 3, 15, "", ask)),
        Ok(AppliedKind::SeqReset)
    );
    assert_eq!(
        kind(
            &mut book,
            &push("update", 5, 3, r#"["100","0","0","0"]"#, "")
        ),
        Ok(AppliedKind::Update)
    );
    assert_eq!(book.seq_id(), Some(5));
    assert_eq!(book.best_bid().map(|l| l.px), Some("99.5"));
    assert_eq!(book.depth(Side::Bid), 1);
}

#[test]
fn a_gap_refuses_updates_until_a_snapshot() {
    let mut book = OrderBook::new();
    let level = r#"["100","1","0","1"]"#;
    assert_eq!(
        kind(&mut book, &push("update", 2, 1, level, "")),
        Err(BookError::OutOfSync(OutOfSyncReason::AwaitingSnapshot))
    );
    kind(&mut book, &push("snapshot", 10, -1, level, level)).expect("snapshot");
    assert_eq!(
        kind(&mut book, &push("update", 12, 11, "", "")),
        Err(BookError::SequenceGap {
            expected: 10,
            got: 11
        })
    );
    // Even the update that would have followed is refused now.
    assert_eq!(
        kind(&mut book, &push("update", 13, 12, "", "")),
        Err(BookError::OutOfSync(OutOfSyncReason::SequenceGap {
            expected: 10,
            got: 11
        }))
    );
    let applied = book
        .apply_bytes(push("snapshot", 20, -1, level, level).as_bytes())
        .expect("snapshot");
    assert!(applied.resynced);
    assert!(book.is_synced());
    assert_eq!(
        kind(&mut book, &push("update", 21, 20, "", "")),
        Ok(AppliedKind::Update)
    );
}

#[test]
fn a_snapshot_must_start_the_chain() {
    let mut book = OrderBook::new();
    assert_eq!(
        kind(&mut book, &push("snapshot", 10, 7, "", "")),
        Err(BookError::SequenceGap {
            expected: -1,
            got: 7
        })
    );
    assert!(!book.is_synced());
}

#[test]
fn an_unholdable_level_marks_the_book_out_of_sync() {
    let mut book = OrderBook::new();
    kind(&mut book, &push("snapshot", 1, -1, r#"["1","1"]"#, "")).expect("snapshot");
    let tiny = r#"["0.0000000000000000001","1","0","1"]"#;
    assert!(matches!(
        kind(&mut book, &push("update", 2, 1, tiny, "")),
        Err(BookError::BadLevel(_))
    ));
    assert_eq!(book.sync_state(), Err(OutOfSyncReason::BadLevel));
}

#[test]
fn full_replace_channels_replace_the_book() {
    let bbo = |bid: &str, ask: &str| {
        format!(
            r#"{{"arg":{{"channel":"bbo-tbt","instId":"BTC-JPY"}},"data":[{{"asks":[["{ask}","1","0","1"]],"bids":[["{bid}","2","0","1"]],"ts":"1","seqId":7}}]}}"#
        )
    };
    let mut book = OrderBook::new();
    book.apply_bytes(bbo("100", "101").as_bytes())
        .expect("first");
    book.apply_bytes(bbo("99", "100.5").as_bytes())
        .expect("second");
    assert_eq!(book.depth(Side::Bid), 1);
    assert_eq!(book.best_bid().map(|l| l.px), Some("99"));
    assert_eq!(book.best_ask().map(|l| l.px), Some("100.5"));
}

#[test]
fn parse_reads_fields_in_any_order() {
    let frame = br#" { "data" : [ { "ts" : "1700000000000", "unknown": {"a":[1,{"b":null}],"c":"x\"y"},
        "prevSeqId": -1, "seqId": 42, "checksum": -5,
        "asks": [ ["1.5", "2", "0", "3"] ], "bids": [] } ],
        "action": "snapshot", "arg": { "instType": "SPOT", "instId": "ETH-USDT", "channel": "books50-l2-tbt" } } "#;
    let frame = BookFrame::parse(frame).expect("valid");
    assert_eq!(frame.channel, Channel::Books50L2Tbt);
    assert_eq!(frame.action, Action::Snapshot);
    assert_eq!(frame.inst_id, "ETH-USDT");
    assert_eq!((frame.seq_id, frame.prev_seq_id), (Some(42), Some(-1)));
    assert_eq!(
        (frame.checksum, frame.ts),
        (Some(-5), Some(1_700_000_000_000))
    );
    assert!(frame.bids.is_empty());
    let asks: Vec<_> = frame.asks.iter().collect();
    assert_eq!((asks[0].px, asks[0].sz, asks[0].orders), ("1.5", "2", 3));
}

#[test]
fn parse_errors_are_typed() {
    let cases: [(&[u8], ParseError); 7] = [
        (b"", ParseError::Eof { expected: "'{'" }),
        (br#"{"event":"subscribe","arg":{"channel":"books"}}"#, ParseError::NotAPush),
        (
            br#"{"arg":{"channel":"tickers","instId":"X"},"data":[{}]}"#,
            ParseError::NotABookChannel("tickers".into()),
        ),
        (
            br#"{"arg":{"channel":"books","instId":"X"},"action":"snapshot","data":[{},{}]}"#,
            ParseError::DataCount(2),
        ),
        (
            br#"{"arg":{"channel":"books","instId":"X"},"action":"partial","data":[{}]}"#,
            ParseError::UnknownAction("partial".into()),
        ),
        (
            br#"{"arg":{"channel":"books","instId":"X"},"action":"update","data":[{"bids":[["1e5","1"]]}]}"#,
            ParseError::BadNumber { at: 77 },
        ),
        (br#"{"arg":{}} x"#, ParseError::Trailing { at: 11 }),
    ];
    for (input, want) in cases {
        assert_eq!(
            BookFrame::parse(input),
            Err(want),
            "{}",
            String::from_utf8_lossy(input)
        );
    }
    let deep = format!(r#"{{"x":{}{}}}"#, "[".repeat(100), "]".repeat(100));
    assert!(matches!(
        BookFrame::parse(deep.as_bytes()),
        Err(ParseError::TooDeep { .. })
    ));
    let level =
        br#"{"arg":{"channel":"books","instId":"X"},"action":"update","data":[{"bids":[["1"]]}]}"#;
    assert!(matches!(
        BookFrame::parse(level),
        Err(ParseError::BadLevel { .. })
    ));
}

#[test]
fn a_sequenced_book_refuses_an_update_without_prev_seq_id() {
    let level = r#"["100","1","0","1"]"#;
    let no_prev = |seq: &str| {
        format!(
            r#"{{"arg":{{"channel":"books","instId":"BTC-USDT"}},"action":"update","data":[{{"asks":[],"bids":[["101","1","0","1"]],"ts":"2","checksum":0{seq}}}]}}"#
        )
    };
    for seq in [r#","seqId":11"#, ""] {
        let mut book = OrderBook::new();
        kind(&mut book, &push("snapshot", 10, -1, level, level)).expect("snapshot");
        assert_eq!(
            kind(&mut book, &no_prev(seq)),
            Err(BookError::MissingSequence { expected: 10 }),
            "{seq}"
        );
        assert_eq!(
            book.sync_state(),
            Err(OutOfSyncReason::MissingSequence { expected: 10 })
        );
        assert_eq!(book.best_bid().map(|l| l.px), Some("100"));
    }
    // A snapshot without seqId (old recordings): only the checksum applies.
    let mut book = OrderBook::new();
    let old = r#"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot","data":[{"asks":[],"bids":[["100","1","0","1"]],"ts":"1","checksum":0}]}"#;
    kind(&mut book, old).expect("snapshot");
    assert_eq!(kind(&mut book, &no_prev("")), Ok(AppliedKind::Update));
    assert_eq!(book.best_bid().map(|l| l.px), Some("101"));
}

#[test]
fn an_unholdable_size_marks_the_book_out_of_sync() {
    for sz in ["0.0000000000000000001", "123456789012345678901234567890"] {
        let mut book = OrderBook::new();
        kind(&mut book, &push("snapshot", 1, -1, r#"["1","1"]"#, "")).expect("snapshot");
        let level = format!(r#"["2","{sz}","0","1"]"#);
        assert_eq!(
            kind(&mut book, &push("update", 2, 1, &level, "")),
            Err(BookError::BadLevel("size out of range")),
            "{sz}"
        );
        assert_eq!(book.sync_state(), Err(OutOfSyncReason::BadLevel));
        assert!(book.levels(Side::Bid).all(|l| l.px != "2"), "{sz}");
    }
}

#[test]
fn escaped_keys_are_malformed() {
    let frames = [
        r#"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot","data":[{"b\u0069ds":[["1","1"]],"asks":[]}]}"#,
        r#"{"arg":{"ch\u0061nnel":"books","instId":"BTC-USDT"},"action":"snapshot","data":[{"bids":[],"asks":[]}]}"#,
        r#"{"\u0061rg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot","data":[{"bids":[],"asks":[]}]}"#,
    ];
    for frame in frames {
        assert!(
            matches!(
                BookFrame::parse(frame.as_bytes()),
                Err(ParseError::Unexpected { .. })
            ),
            "{frame}"
        );
    }
}

#[test]
fn peek_arg_names_the_book_of_an_unreadable_push() {
    let bad = r#"{"action":"update","data":[{"bids":[["1e-5","1"]]}],"arg":{"channel":"bbo-tbt","instId":"ETH-USDT"}}"#;
    assert!(BookFrame::parse(bad.as_bytes()).is_err());
    assert_eq!(
        okx_book::peek_arg(bad.as_bytes()),
        Some((Channel::BboTbt, "ETH-USDT"))
    );
    assert_eq!(okx_book::peek_arg(br#"{"data":[{"#), None);
    assert_eq!(
        okx_book::peek_arg(br#"{"arg":{"channel":"trades","instId":"X"}}"#),
        None
    );
}
