//! Replay edge cases: unreadable pushes, several channels of one
//! instrument, and inputs that are neither clean JSON Lines nor an array.

use okx_book::Channel;
use okx_book::replay::replay;

fn snapshot(channel: &str, seq: i64, bid: &str) -> String {
    format!(
        r#"{{"arg":{{"channel":"{channel}","instId":"BTC-USDT"}},"action":"snapshot","data":[{{"asks":[["200","1","0","1"]],"bids":[["{bid}","1","0","1"]],"ts":"1","checksum":0,"seqId":{seq},"prevSeqId":-1}}]}}"#
    )
}

fn update(seq: i64, bid: &str) -> String {
    format!(
        r#"{{"arg":{{"channel":"books","instId":"BTC-USDT"}},"action":"update","data":[{{"asks":[],"bids":[["{bid}","2","0","1"]],"ts":"2","checksum":0,"seqId":{seq},"prevSeqId":{}}}]}}"#,
        seq - 1
    )
}

#[test]
fn an_unreadable_push_puts_its_book_out_of_sync_at_that_message() {
    let lines = [
        snapshot("books", 10, "100"),
        update(11, "101"),
        update(12, "102"),
        update(13, "103"),
        update(14, "104"),
        update(15, "1e-5"),
        update(16, "106"),
        snapshot("books", 20, "100"),
        update(21, "121"),
    ]
    .join("\n");
    let report = replay(lines.as_bytes()).expect("report");
    assert_eq!(report.malformed.len(), 1);
    assert_eq!(report.malformed[0].index, 5);
    let stats = report.book("BTC-USDT").expect("book");
    assert_eq!(stats.out_of_sync_at, vec![5]);
    assert_eq!(stats.malformed, 1);
    assert_eq!(stats.refused, 1, "the update after the lost one is refused");
    assert_eq!(stats.resyncs, 1);
    assert!(stats.book.is_synced());
    assert_eq!(stats.book.best_bid().map(|l| l.px), Some("121"));
}

#[test]
fn channels_of_one_instrument_keep_separate_books() {
    let bbo = r#"{"arg":{"channel":"bbo-tbt","instId":"BTC-USDT"},"data":[{"asks":[["150","3","0","1"]],"bids":[["149","3","0","1"]],"ts":"3","seqId":99}]}"#;
    let lines = [
        bbo.to_owned(),
        snapshot("books", 10, "100"),
        bbo.to_owned(),
        update(11, "101"),
    ]
    .join("\n");
    let report = replay(lines.as_bytes()).expect("report");
    assert_eq!(report.books.len(), 1);
    let main = report.book("BTC-USDT").expect("book");
    assert_eq!(main.channel, Channel::Books);
    assert_eq!(main.applied, 2);
    assert!(main.out_of_sync_at.is_empty());
    assert_eq!(main.book.depth(okx_book::Side::Bid), 2);
    assert_eq!(main.book.best_bid().map(|l| l.px), Some("101"));
    let bbo = report
        .channel_book("BTC-USDT", Channel::BboTbt)
        .expect("bbo book");
    assert_eq!(bbo.applied, 2);
    assert_eq!(bbo.book.best_bid().map(|l| l.px), Some("149"));
    assert_eq!(main.channels.len(), 1);
}

#[test]
fn a_json_lines_file_starting_with_a_bracket_is_read_by_line() {
    let lines = ["[garbage".to_owned(), snapshot("books", 10, "100")].join("\n");
    let report = replay(lines.as_bytes()).expect("report");
    assert_eq!(report.messages, 2);
    assert_eq!(report.malformed.len(), 1);
    assert_eq!(report.malformed[0].index, 0);
    assert_eq!(report.book("BTC-USDT").map(|s| s.applied), Some(1));
}

#[test]
fn a_truncated_array_still_gives_a_report() {
    let text = format!(
        "[{},\n{},\n{}",
        snapshot("books", 10, "100"),
        update(11, "101"),
        &update(12, "102")[..80]
    );
    let report = replay(text.as_bytes()).expect("report");
    assert_eq!(report.messages, 3);
    let indices: Vec<usize> = report.malformed.iter().map(|m| m.index).collect();
    assert_eq!(indices, vec![2]);
    let stats = report.book("BTC-USDT").expect("book");
    assert_eq!(stats.applied, 2);
    assert_eq!(
        stats.out_of_sync_at,
        vec![2],
        "the cut push may hold a change"
    );

    // An array on one line cut short: one malformed message, still a report.
    let whole = format!("[{}", snapshot("books", 10, "100"));
    let report = replay(&whole.as_bytes()[..whole.len() - 5]).expect("report");
    assert_eq!((report.messages, report.malformed.len()), (1, 1));
}
