//! The scanner refuses what a JSON parser refuses, wherever it appears in a
//! push: a frame that serde_json would reject never reaches the book.

use okx_book::{BookFrame, OrderBook, ParseError};

/// A `books5` push with `field` (raw bytes) spliced in before `ts`.
fn books5_with(field: &[u8]) -> Vec<u8> {
    let mut out = br#"{"arg":{"channel":"books5","instId":"BTC-USDT"},"data":[{"asks":[["101","1","0","1"]],"bids":[["100","1","0","1"]],"#.to_vec();
    out.extend_from_slice(field);
    out.extend_from_slice(br#","ts":"1","checksum":0,"seqId":5,"prevSeqId":-1}]}"#);
    out
}

fn json_accepts(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(bytes).is_ok()
}

/// The book parse agrees with serde_json on whether the bytes are JSON.
fn assert_agrees(bytes: &[u8]) {
    let parsed = BookFrame::parse(bytes);
    assert_eq!(
        parsed.is_ok(),
        json_accepts(bytes),
        "{:?}: book {parsed:?}",
        String::from_utf8_lossy(bytes)
    );
}

#[test]
fn a_key_with_invalid_utf8_is_refused_not_skipped() {
    // "bids" spelt with a stray 0xff: once skipped as unknown, so the push
    // applied with an empty bid side and no error
    let frame = br#"{"arg":{"channel":"books5","instId":"BTC-USDT"},"data":[{"asks":[["101","1","0","1"]],"bi\xffds":[["100","1","0","1"]],"ts":"1"}]}"#;
    assert!(!json_accepts(frame));
    let err = BookFrame::parse(frame).expect_err("invalid utf-8 in a key");
    assert!(matches!(err, ParseError::Unexpected { .. }), "{err:?}");
    let mut book = OrderBook::new();
    assert!(book.apply_bytes(frame).is_err(), "never applied");
    assert!(book.best_bid().is_none() && book.best_ask().is_none());
    for key in [&b"\"\xc3\":1"[..], b"\"\xed\xa0\x80\":1", b"\"arg\xff\":{}"] {
        assert_agrees(&books5_with(key));
    }
}

#[test]
fn integers_with_leading_zeros_are_refused() {
    for field in [
        &br#""seqId":04826378794"#[..],
        br#""prevSeqId":-01"#,
        br#""checksum":00"#,
        br#""ts":0017"#,
    ] {
        let bytes = books5_with(field);
        assert!(!json_accepts(&bytes));
        let err = BookFrame::parse(&bytes).expect_err("leading zero");
        assert!(
            matches!(err, ParseError::BadNumber { .. }),
            "{}: {err:?}",
            String::from_utf8_lossy(field)
        );
    }
    for ok in [
        &br#""seqId":0"#[..],
        br#""prevSeqId":-0"#,
        br#""checksum":10"#,
    ] {
        assert_agrees(&books5_with(ok));
    }
}

#[test]
fn skipped_values_are_checked_as_json() {
    let cases: [&[u8]; 29] = [
        // numbers
        br#""x":012"#,
        br#""x":-"#,
        br#""x":1.2.3"#,
        br#""x":1e"#,
        br#""x":1.e5"#,
        br#""x":.5"#,
        br#""x":+1"#,
        br#""x":--1"#,
        br#""x":1-2"#,
        br#""x":1.5e-3"#,
        br#""x":-0"#,
        br#""x":0.25E+10"#,
        // literals
        br#""x":tru"#,
        br#""x":nulll"#,
        br#""x":true"#,
        br#""x":[null,false]"#,
        // strings
        b"\"x\":\"a\xffb\"",
        b"\"x\":\"\xe2\x82\"",
        br#""x":"\q""#,
        br#""x":"\u12g4""#,
        br#""x":"\u00e9\n\"\\\/""#,
        br#""x":"caf\u00e9""#,
        // UTF-16 surrogates: only a high one followed by a low one
        br#""x":"\ud800""#,
        br#""x":"\udc00""#,
        br#""x":"\ud800\u0041""#,
        br#""x":"\ud83d\ude00""#,
        br#""x":"\ud83d""#,
        // a stray byte inside a skipped object
        br#""x":{"a":1 2}"#,
        br#""x":{"a":[1,{"b":"c"}]}"#,
    ];
    for field in cases {
        assert_agrees(&books5_with(field));
    }
}

#[test]
fn a_level_padded_with_thousands_of_zeros_is_refused_as_okx_models_refuses_it() {
    let px = format!("{}30331.6", "0".repeat(5_000));
    let frame = format!(
        r#"{{"arg":{{"channel":"books5","instId":"BTC-USDT"}},"data":[{{"asks":[["30332","1","0","1"]],"bids":[["{px}","1","0","1"]],"ts":"1"}}]}}"#
    );
    let mut book = OrderBook::new();
    let err = book
        .apply_bytes(frame.as_bytes())
        .expect_err("absurd price");
    assert!(matches!(err, okx_book::BookError::BadLevel(_)), "{err:?}");
    assert!(!book.is_synced());
    // a price of ordinary length with a few padded zeros still reads
    let frame = frame.replace(&px, "0030331.6");
    book.apply_bytes(frame.as_bytes()).expect("short padding");
    assert_eq!(book.best_bid().map(|l| l.px), Some("0030331.6"));
}
