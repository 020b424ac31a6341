//! Frame decoding without a `serde_json::Value` tree, fastest first:
//!
//! 1. `tickers`, `trades` and `orders` pushes in OKX's own shape are read by
//!    the fast row reader of `okx_models::fast`;
//! 2. any push with `arg` first is decoded in one serde pass, its `data`
//!    read straight into the typed rows its channel calls for;
//! 3. everything else is classified by its envelope (`event`, `op`, `id`,
//!    `arg`, `action`) with `data` kept as a raw slice.
//!
//! The first two give up rather than guess, so each frame ends with the
//! result (or error) the general path gives.

use crate::arg::Arg;
use crate::event::{Push, PushData, WsEvent};
use okx_models::OkxCode;
use okx_models::wire::WireStr;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;

mod fast;
mod single_pass;

use single_pass::Found;

#[derive(Deserialize)]
struct Frame<'a> {
    #[serde(borrow, default)]
    event: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    op: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(default)]
    code: Option<Code>,
    #[serde(borrow, default)]
    msg: Option<Cow<'a, str>>,
    #[serde(default)]
    arg: Option<Arg>,
    #[serde(borrow, default)]
    action: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
    #[serde(borrow, default, rename = "eventType")]
    event_type: Option<Cow<'a, str>>,
    #[serde(default, rename = "curPage")]
    cur_page: Option<i64>,
    #[serde(default, rename = "lastPage")]
    last_page: Option<bool>,
    #[serde(borrow, default)]
    channel: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "connCount")]
    conn_count: Option<Cow<'a, str>>,
}

/// A top-level `code` as read by okx-models' one rule (a string of digits,
/// or a non-zero number from a gateway), or why it could not be: a frame
/// with an unreadable code is still classified, so the caller waiting for
/// it hears what arrived instead of waiting for a timeout.
struct Code(Result<OkxCode, String>);

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        Ok(Code(
            okx_models::error::strict_code(&value).map_err(|e| e.to_string()),
        ))
    }
}

/// One inbound frame, classified by SPEC §6.3's dispatch rule.
#[derive(Debug)]
pub enum Inbound<'a> {
    /// The text `pong`.
    Pong,
    /// `{"event":"login",...}`.
    Login {
        /// `code`.
        code: OkxCode,
        /// `msg`.
        msg: String,
    },
    /// A subscribe or unsubscribe ack.
    Ack {
        /// Echoed request id.
        id: Option<String>,
        /// The acknowledged arg.
        arg: Option<Arg>,
    },
    /// `{"event":"error",...}`.
    Error {
        /// Echoed request id.
        id: Option<String>,
        /// `code`.
        code: OkxCode,
        /// `msg`.
        msg: String,
    },
    /// `{"event":"notice",...}`.
    Notice {
        /// `code`.
        code: OkxCode,
        /// `msg`.
        msg: String,
    },
    /// `channel-conn-count` or `channel-conn-count-error`.
    ConnCount {
        /// Channel.
        channel: String,
        /// Connection count.
        count: u32,
        /// The error form.
        over_limit: bool,
    },
    /// A WS trading response (`op` + `id`, no `arg`).
    OpResponse {
        /// Echoed request id.
        id: String,
        /// `code` ("0" ok, "1" all failed, "2" partial, or a request error).
        code: OkxCode,
        /// `msg`.
        msg: String,
        /// The per-item rows, raw.
        data: Option<&'a RawValue>,
    },
    /// A login answer, trading response, error or notice whose `code` is
    /// missing where OKX always sends one, or is not a code OKX writes (a
    /// numeric `0`, `"zz"`): nothing can be concluded from it.
    BadCode {
        /// `event`, if any (`login`, `error`, ...).
        event: Option<String>,
        /// Echoed request id, if any.
        id: Option<String>,
        /// What was wrong with the code.
        error: String,
    },
    /// A push, decoded.
    Event(WsEvent),
    /// A book push left raw for `okx-book` (see [`inbound_with`]).
    RawBook(Arg),
}

/// Classifies and decodes one text frame.
pub fn inbound(text: &str) -> Inbound<'_> {
    inbound_with(text, false)
}

/// Like [`inbound`]; with `raw_books`, book pushes are not decoded into rows
/// but returned as [`Inbound::RawBook`] for the book engine to scan.
pub fn inbound_with(text: &str, raw_books: bool) -> Inbound<'_> {
    if text == "pong" {
        return Inbound::Pong;
    }
    if let Some(push) = fast::decode(text) {
        return Inbound::Event(WsEvent::Push(Box::new(push)));
    }
    inbound_serde(text, raw_books)
}

/// [`inbound_with`] without the fast path: what the serde paths alone make
/// of `text`. The fast path must agree with it on every frame it takes;
/// this is how tests and the fuzz harness check that it does.
#[doc(hidden)]
pub fn inbound_without_fast_path(text: &str, raw_books: bool) -> Inbound<'_> {
    if text == "pong" {
        return Inbound::Pong;
    }
    inbound_serde(text, raw_books)
}

/// [`decode_push`] into a [`Push`] kept from an earlier call, for a
/// consumer that handles one push at a time and wants its buffers back:
/// `tickers`, `trades` and `orders` pushes in OKX's shape are read into
/// the rows `push` holds (once it has held that channel's rows, a ticker
/// or trades push is decoded without allocating). Any other frame is
/// decoded by [`decode_push`]: a push replaces `push`, and anything else
/// (a control frame, an unknown channel, rows that do not decode) is
/// returned as the event `decode_push` gives, with `push` unspecified.
///
/// ```
/// use okx_ws::{PushData, WsEvent, decode::{decode_push, decode_push_into}};
///
/// let ticker = |last: &str| format!(r#"{{"arg":{{"channel":"tickers","instId":"BTC-USDT"}},
///   "data":[{{"instType":"SPOT","instId":"BTC-USDT","last":"{last}","ts":"1652459224818"}}]}}"#);
/// let WsEvent::Push(mut push) = decode_push(&ticker("30236.1")) else { panic!("a push") };
/// for last in ["30236.2", "30236.35"] {
///     decode_push_into(&ticker(last), &mut push).expect("a ticker push");
///     let PushData::Tickers(rows) = &push.data else { panic!("not tickers") };
///     assert_eq!(rows[0].last.map(|d| d.to_string()).as_deref(), Some(last));
/// }
/// ```
pub fn decode_push_into(text: &str, push: &mut Push) -> Result<(), WsEvent> {
    if fast::decode_into(text, push).is_ok() {
        return Ok(());
    }
    match decode_push(text) {
        WsEvent::Push(decoded) => {
            *push = *decoded;
            Ok(())
        }
        other => Err(other),
    }
}

/// [`decode_push`] without the fast row reader: the single-pass serde
/// decode (and the general path behind it). Not part of the API: the
/// benchmarks measure each fast path against the path it saves.
#[doc(hidden)]
pub fn decode_push_serde(text: &str) -> WsEvent {
    match inbound_serde(text, false) {
        Inbound::Event(ev) => ev,
        _ => WsEvent::Unknown {
            channel: String::new(),
            raw: text.to_owned(),
        },
    }
}

/// [`inbound_with`] without the fast path: the serde paths alone.
fn inbound_serde(text: &str, raw_books: bool) -> Inbound<'_> {
    match single_pass::decode(text, raw_books) {
        Some(Found::Push(push)) => return Inbound::Event(WsEvent::Push(Box::new(push))),
        Some(Found::RawBook(arg)) => return Inbound::RawBook(arg),
        Some(Found::Unknown(arg)) => {
            return Inbound::Event(WsEvent::Unknown {
                channel: arg.channel,
                raw: text.to_owned(),
            });
        }
        None => {}
    }
    let frame: Frame<'_> = match serde_json::from_str(text) {
        Ok(frame) => frame,
        Err(e) => {
            return Inbound::Event(WsEvent::DecodeError {
                channel: String::new(),
                error: e.to_string(),
                raw: text.to_owned(),
            });
        }
    };
    let msg = || frame.msg.as_deref().unwrap_or("").to_owned();
    let is_op_response = frame.op.is_some() && frame.id.is_some() && frame.arg.is_none();
    let event = frame.event.as_deref();
    // Success must be said: a login answer or trading response without a
    // code, or with one OKX does not write, is reported as such.
    let code = match (frame.code, event) {
        (Some(Code(Ok(code))), _) => code,
        (Some(Code(Err(error))), Some("login" | "error" | "notice")) => {
            return bad_code(&frame.event, &frame.id, error);
        }
        (Some(Code(Err(error))), None) if is_op_response => {
            return bad_code(&frame.event, &frame.id, error);
        }
        (None, Some("login")) => {
            return bad_code(&frame.event, &frame.id, "no code".to_owned());
        }
        (None, None) if is_op_response => {
            return bad_code(&frame.event, &frame.id, "no code".to_owned());
        }
        _ => OkxCode::default(),
    };
    if let Some(event) = event {
        return match event {
            "login" => Inbound::Login { code, msg: msg() },
            "subscribe" | "unsubscribe" => Inbound::Ack {
                id: frame.id.map(Cow::into_owned),
                arg: frame.arg,
            },
            "error" => Inbound::Error {
                id: frame.id.as_deref().map(str::to_owned),
                code,
                msg: msg(),
            },
            "notice" => Inbound::Notice { code, msg: msg() },
            "channel-conn-count" | "channel-conn-count-error" => Inbound::ConnCount {
                channel: frame.channel.as_deref().unwrap_or("").to_owned(),
                count: frame
                    .conn_count
                    .as_deref()
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(0),
                over_limit: event.ends_with("error"),
            },
            _ => Inbound::Event(WsEvent::Unknown {
                channel: String::new(),
                raw: text.to_owned(),
            }),
        };
    }
    if let (Some(_), Some(id), None) = (&frame.op, &frame.id, &frame.arg) {
        return Inbound::OpResponse {
            id: id.clone().into_owned(),
            code,
            msg: msg(),
            data: frame.data,
        };
    }
    match (frame.arg, frame.data) {
        (Some(arg), Some(_)) if raw_books && is_book_channel(&arg.channel) => Inbound::RawBook(arg),
        (Some(arg), Some(data)) => {
            let extra = Extra {
                action: frame.action.as_deref(),
                event_type: frame.event_type.map(Cow::into_owned),
                cur_page: frame.cur_page,
                last_page: frame.last_page,
            };
            Inbound::Event(push_event(arg, data, extra, text))
        }
        (arg, _) => Inbound::Event(WsEvent::Unknown {
            channel: arg.map(|a| a.channel).unwrap_or_default(),
            raw: text.to_owned(),
        }),
    }
}

fn bad_code<'a>(
    event: &Option<Cow<'_, str>>,
    id: &Option<Cow<'_, str>>,
    error: String,
) -> Inbound<'a> {
    Inbound::BadCode {
        event: event.as_deref().map(str::to_owned),
        id: id.as_deref().map(str::to_owned),
        error,
    }
}

struct Extra<'a> {
    action: Option<&'a str>,
    event_type: Option<String>,
    cur_page: Option<i64>,
    last_page: Option<bool>,
}

/// Whether `text` starts like a push of a book channel `okx-book` keeps,
/// in the shape OKX sends (`{"arg":{"channel":"books",...`): such a frame
/// goes straight to the book engine, which reads it once. Anything else,
/// including a book push in another shape, takes the general path.
pub(crate) fn book_push(text: &str) -> bool {
    const ARG: &[u8] = br#"{"arg":{"channel":""#;
    let bytes = text.as_bytes();
    // Compared inline: on every frame, a call to `memcmp` costs more.
    let starts = |at: usize, with: &[u8]| {
        bytes
            .get(at..at + with.len())
            .is_some_and(|b| b.iter().zip(with).all(|(x, y)| x == y))
    };
    if !starts(0, ARG) {
        return false;
    }
    let names: [&[u8]; 5] = [
        b"books\"",
        b"books-l2-tbt\"",
        b"books50-l2-tbt\"",
        b"books5\"",
        b"bbo-tbt\"",
    ];
    names.iter().any(|name| starts(ARG.len(), name))
}

/// Whether `channel` carries order book levels.
pub fn is_book_channel(channel: &str) -> bool {
    matches!(
        channel,
        "books"
            | "books5"
            | "bbo-tbt"
            | "books50-l2-tbt"
            | "books-l2-tbt"
            | "books-elp"
            | "books-rpi"
    )
}

fn push_data(
    channel: &str,
    data: &RawValue,
    action: Option<&str>,
) -> Option<serde_json::Result<PushData>> {
    let mut de = serde_json::Deserializer::from_str(data.get());
    match single_pass::decode_rows(channel, &mut de) {
        Ok(Some(mut rows)) => {
            rows.set_action(action.map(okx_models::BookAction::from_wire));
            Some(Ok(rows))
        }
        Ok(None) => None,
        Err(e) => Some(Err(e)),
    }
}

fn push_event(arg: Arg, data: &RawValue, extra: Extra<'_>, text: &str) -> WsEvent {
    match push_data(&arg.channel, data, extra.action) {
        Some(Ok(data)) => WsEvent::Push(Box::new(Push {
            arg,
            data,
            event_type: extra.event_type,
            cur_page: extra.cur_page,
            last_page: extra.last_page,
        })),
        Some(Err(e)) => WsEvent::DecodeError {
            channel: arg.channel,
            error: e.to_string(),
            raw: text.to_owned(),
        },
        None => WsEvent::Unknown {
            channel: arg.channel,
            raw: text.to_owned(),
        },
    }
}

/// Decodes a push frame into an event: [`WsEvent::Push`] for known
/// channels, [`WsEvent::Unknown`] for others, [`WsEvent::DecodeError`] when
/// a known channel's rows do not fit. Control frames come back as `Unknown`.
///
/// ```
/// use okx_ws::{WsEvent, PushData, decode::decode_push};
/// let ev = decode_push(r#"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[
///   {"instId":"BTC-USDT","tradeId":"1","px":"30236","sz":"0.0002","side":"buy","ts":"1652459224818"}]}"#);
/// let WsEvent::Push(push) = ev else { panic!("not a push") };
/// assert!(matches!(&push.data, PushData::Trades(t) if t[0].px.to_string() == "30236"));
/// ```
pub fn decode_push(text: &str) -> WsEvent {
    match inbound(text) {
        Inbound::Event(ev) => ev,
        _ => WsEvent::Unknown {
            channel: String::new(),
            raw: text.to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn book_pushes_in_okx_shape_are_told_by_their_start() {
        let push = |channel: &str| {
            format!(
                r#"{{"arg":{{"channel":"{channel}","instId":"BTC-USDT"}},"action":"update","data":[]}}"#
            )
        };
        for channel in [
            "books",
            "books-l2-tbt",
            "books50-l2-tbt",
            "books5",
            "bbo-tbt",
        ] {
            assert!(book_push(&push(channel)), "{channel}");
        }
        for channel in [
            "books-elp",
            "books50",
            "bookss",
            "book",
            "tickers",
            "bbo-tbt2",
            "",
        ] {
            assert!(!book_push(&push(channel)), "{channel}");
        }
        // Another shape goes to the general path, which still finds it.
        assert!(!book_push(
            r#"{ "arg":{"channel":"books","instId":"X"},"data":[]}"#
        ));
        assert!(!book_push(
            r#"{"data":[],"arg":{"channel":"books","instId":"X"}}"#
        ));
        assert!(!book_push(r#"{"arg":{"channel":"books"#));
        assert!(!book_push(""));
    }

    #[test]
    fn classifies_control_frames() {
        assert!(matches!(inbound("pong"), Inbound::Pong));
        assert!(matches!(
            inbound(r#"{"event":"login","code":"0","msg":"","connId":"a4d3ae55"}"#),
            Inbound::Login { code, .. } if code == OkxCode::OK
        ));
        assert!(matches!(
            inbound(r#"{"id":"7","event":"error","code":"60012","msg":"Invalid request","connId":"a"}"#),
            Inbound::Error { id: Some(id), code, .. } if id == "7" && code.0 == 60012
        ));
        assert!(matches!(
            inbound(r#"{"event":"notice","code":"64008","msg":"upgrade","connId":"a"}"#),
            Inbound::Notice { code, .. } if code.0 == 64008
        ));
        assert!(matches!(
            inbound(
                r#"{"event":"channel-conn-count-error","channel":"orders","connCount":"30","connId":"a"}"#
            ),
            Inbound::ConnCount {
                count: 30,
                over_limit: true,
                ..
            }
        ));
        assert!(matches!(
            inbound(r#"{"id":"1512","op":"order","code":"0","msg":"","data":[{"sCode":"0"}],"inTime":"1","outTime":"2"}"#),
            Inbound::OpResponse { id, .. } if id == "1512"
        ));
    }

    /// Success must be said in the one way OKX says it: a string "0".
    #[test]
    fn login_and_op_answers_with_unreadable_codes_are_classified_as_such() {
        for (text, id) in [
            (r#"{"event":"login","code":"zz","msg":""}"#, None),
            (r#"{"event":"login","code":0,"msg":""}"#, None),
            (r#"{"event":"login","code":"","msg":""}"#, None),
            (r#"{"event":"login","msg":""}"#, None),
            (r#"{"event":"error","code":"x1","msg":""}"#, None),
            (
                r#"{"id":"9","op":"order","code":"zz","data":[]}"#,
                Some("9"),
            ),
            (r#"{"id":"9","op":"order","code":0,"data":[]}"#, Some("9")),
            (r#"{"id":"9","op":"order","data":[]}"#, Some("9")),
        ] {
            match inbound(text) {
                Inbound::BadCode { id: got, .. } => assert_eq!(got.as_deref(), id, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
        // the gateway's numeric non-zero codes still read as codes
        assert!(matches!(
            inbound(r#"{"event":"error","code":60012,"msg":"Invalid request"}"#),
            Inbound::Error { code, .. } if code.0 == 60012
        ));
    }

    #[test]
    fn unknown_channels_and_fields_do_not_break_decoding() {
        let ev = decode_push(
            r#"{"arg":{"channel":"new-thing","instId":"X"},"data":[{"a":1}],"extra":true}"#,
        );
        assert!(matches!(ev, WsEvent::Unknown { channel, .. } if channel == "new-thing"));
        let ev = decode_push(
            r#"{"arg":{"channel":"mark-price","instId":"BTC-USDT-SWAP","future":1},"data":[{"instType":"SWAP","instId":"BTC-USDT-SWAP","markPx":"1.5","ts":"1","newField":"x"}]}"#,
        );
        assert!(
            matches!(ev, WsEvent::Push(p) if matches!(&p.data, PushData::MarkPrice(m) if m.len() == 1))
        );
    }

    #[test]
    fn bad_rows_are_a_decode_error_not_a_panic() {
        let ev = decode_push(r#"{"arg":{"channel":"trades","instId":"X"},"data":[{"px":"abc"}]}"#);
        assert!(matches!(ev, WsEvent::DecodeError { channel, .. } if channel == "trades"));
        let ev = decode_push(r#"{"arg":{"chan"#);
        assert!(matches!(ev, WsEvent::DecodeError { .. }));
    }

    /// Ten thousand padded zeros once overflowed a 2 MiB worker stack in
    /// rust_decimal's parser; every decode path now refuses the number.
    #[test]
    fn absurdly_long_numbers_are_decode_errors_on_a_worker_stack() {
        let padded = format!("{}30331.6", "0".repeat(10_000));
        let frames = [
            format!(
                r#"{{"arg":{{"channel":"tickers","instId":"BTC-USDT"}},"data":[{{"instType":"SPOT","instId":"BTC-USDT","last":"{padded}","ts":"1"}}]}}"#
            ),
            format!(
                r#"{{"arg":{{"channel":"books","instId":"BTC-USDT"}},"action":"snapshot","data":[{{"asks":[["{padded}","1","0","1"]],"bids":[],"ts":"1","checksum":0,"seqId":1,"prevSeqId":-1}}]}}"#
            ),
            format!(
                r#"{{"arg":{{"channel":"mark-price","instId":"X"}},"data":[{{"instId":"X","markPx":"{padded}","ts":"1"}}]}}"#
            ),
        ];
        let outcomes = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || {
                frames
                    .iter()
                    .flat_map(|f| [decode_push(f), inbound_event(f)])
                    .collect::<Vec<_>>()
            })
            .expect("spawn")
            .join()
            .expect("decoding panicked");
        for ev in outcomes {
            match ev {
                WsEvent::DecodeError { error, .. } => {
                    assert!(error.contains("too long"), "{error}");
                }
                other => panic!("expected a decode error, got {other:?}"),
            }
        }
    }

    fn inbound_event(text: &str) -> WsEvent {
        match inbound(text) {
            Inbound::Event(ev) => ev,
            other => panic!("not an event: {other:?}"),
        }
    }
}
