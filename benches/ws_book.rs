//! A book frame through the WebSocket client, against the book's own apply,
//! in one run.
//!
//! ```text
//! cargo bench --bench ws_book -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! - `book`: `OrderBook::apply_bytes` of the frame (parse, apply,
//!   checksum): the floor;
//! - `client`: the frame handed to a public connection of the WebSocket
//!   client as it comes off the socket (not over a socket: the client's
//!   `__bench::FramePath` runs the connection's own frame handling), through
//!   to the book applied and the `WsEvent::Book` its user receives from the
//!   event queue.
//!
//! Frames: a 10-level `books` update on a 400-level book (two updates
//! alternate, the second undoing the first, so every one changes the book
//! and verifies a real checksum), and a 400-level snapshot.
//!
//! Target: the client within 1.2x of the book's own apply, for updates
//! and for snapshots.
//!
//! Measured (2-core machine, load 1.4 to 3, interleaved medians): update
//! 0.69-0.72 µs against 0.58-0.61 µs, 1.18-1.19x (before: the frame read
//! three times, 2.75-3.45 µs against 0.80-1.31 µs); snapshot 1.02x.

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use okx::book::OrderBook;
use okx::ws::__bench::FramePath;
use okx::ws::{Arg, WsEvent};

mod common;
use common::books::{DEPTH, frames};

fn client() -> FramePath {
    FramePath::new([Arg::new("books").inst_id("BTC-USDT")])
}

/// Hands `frame` to the client and checks it saw the book event.
fn through_client(path: &mut FramePath, frame: &str) {
    match path.frame(black_box(frame)) {
        Some(WsEvent::Book(update)) => {
            black_box(update);
        }
        other => panic!("expected a book event, got {other:?}"),
    }
}

fn through_book(book: &mut OrderBook, frame: &str) {
    let applied = book.apply_bytes(black_box(frame.as_bytes()));
    assert!(applied.is_ok_and(|a| a.checksum_verified));
}

fn bench(c: &mut Criterion) {
    let f = frames(DEPTH);
    let mut g = c.benchmark_group("ws_book/update");
    g.throughput(Throughput::Elements(1));
    let mut book = OrderBook::new();
    through_book(&mut book, &f.snapshot);
    let mut flip = false;
    g.bench_function("book", |b| {
        b.iter(|| {
            flip = !flip;
            through_book(&mut book, if flip { &f.update_a } else { &f.update_b });
        })
    });
    let mut path = client();
    through_client(&mut path, &f.snapshot);
    let mut flip = false;
    g.bench_function("client", |b| {
        b.iter(|| {
            flip = !flip;
            through_client(&mut path, if flip { &f.update_a } else { &f.update_b });
        })
    });
    g.finish();

    let mut g = c.benchmark_group("ws_book/snapshot");
    g.throughput(Throughput::Bytes(f.snapshot.len() as u64));
    let mut book = OrderBook::new();
    g.bench_function("book", |b| b.iter(|| through_book(&mut book, &f.snapshot)));
    let mut path = client();
    g.bench_function("client", |b| {
        b.iter(|| through_client(&mut path, &f.snapshot))
    });
    g.finish();
}

/// The same, the two contenders interleaved (see `common`).
fn side_by_side() {
    let f = frames(DEPTH);
    if common::measuring("ws_book/update") {
        let (mut book, mut path) = (OrderBook::new(), client());
        through_book(&mut book, &f.snapshot);
        through_client(&mut path, &f.snapshot);
        let (mut flip_book, mut flip_client) = (false, false);
        common::interleaved(
            "ws_book/update",
            300,
            100_000.0,
            &mut [
                ("book", &mut || {
                    flip_book = !flip_book;
                    let frame = if flip_book { &f.update_a } else { &f.update_b };
                    through_book(&mut book, frame);
                }),
                ("client", &mut || {
                    flip_client = !flip_client;
                    let frame = if flip_client {
                        &f.update_a
                    } else {
                        &f.update_b
                    };
                    through_client(&mut path, frame);
                }),
            ],
        );
    }
    if common::measuring("ws_book/snapshot") {
        let (mut book, mut path) = (OrderBook::new(), client());
        common::interleaved(
            "ws_book/snapshot",
            200,
            200_000.0,
            &mut [
                ("book", &mut || through_book(&mut book, &f.snapshot)),
                ("client", &mut || through_client(&mut path, &f.snapshot)),
            ],
        );
    }
}

// A plain main instead of criterion_group!/criterion_main!, whose generated
// public function has no doc comment for the workspace's missing_docs lint.
fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion);
    side_by_side();
    criterion.final_summary();
}
