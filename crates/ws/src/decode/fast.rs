//! The hottest pushes (`tickers`, `trades`, `trades-all`, `orders`) in the
//! shape OKX sends them, `{"arg":{...},"data":[...]}`, read by
//! [`okx_models::fast`]: no serde_json tokenizer, no derive string visitors,
//! values handed to the same adapters the derived impls use. Whatever this
//! reader does not take on exactly (another channel, another member in the
//! envelope, escapes in a key, a row that does not fit) is `None`, and the
//! serde paths decide as before.

use crate::arg::Arg;
use crate::event::{Push, PushData};
use okx_models::fast::{Cursor, Fallback, FastRow, FieldValue, read_rows, read_rows_into};
use serde::Deserialize;

/// Decodes a push of one of the fast channels, or `None` to let the general
/// paths decide.
pub(crate) fn decode(text: &str) -> Option<Push> {
    read_push(&mut Cursor::new(text)).ok()
}

fn read_push(c: &mut Cursor<'_>) -> Result<Push, Fallback> {
    if !c.begin_object()? || c.key()? != "arg" {
        return Err(Fallback);
    }
    let arg = read_arg(c)?;
    if !c.next_member()? || c.key()? != "data" {
        return Err(Fallback);
    }
    let data = match arg.channel.as_str() {
        "tickers" => PushData::Tickers(read_rows(c)?),
        "trades" | "trades-all" => PushData::Trades(read_rows(c)?),
        "orders" => PushData::Orders(read_rows(c)?),
        _ => return Err(Fallback),
    };
    if c.next_member()? {
        // `action`, `eventType` and the like: the single-pass reader has them
        return Err(Fallback);
    }
    c.end()?;
    Ok(Push {
        arg,
        data,
        event_type: None,
        cur_page: None,
        last_page: None,
    })
}

/// [`decode`] into `push`, reusing what it holds on the heap: the text of
/// its arg and, when the channel's rows are the same type, the rows (a
/// trade's id included). `push` is to be decoded again after a fallback.
pub(crate) fn decode_into(text: &str, push: &mut Push) -> Result<(), Fallback> {
    let c = &mut Cursor::new(text);
    if !c.begin_object()? || c.key()? != "arg" {
        return Err(Fallback);
    }
    read_arg_into(c, &mut push.arg)?;
    if !c.next_member()? || c.key()? != "data" {
        return Err(Fallback);
    }
    fn rows<T: FastRow>(
        c: &mut Cursor<'_>,
        data: &mut PushData,
        held: fn(&mut PushData) -> Option<&mut Vec<T>>,
        make: fn(Vec<T>) -> PushData,
    ) -> Result<(), Fallback> {
        if held(data).is_none() {
            *data = make(Vec::new());
        }
        let rows = held(data).ok_or(Fallback)?;
        read_rows_into(c, rows)
    }
    match push.arg.channel.as_str() {
        "tickers" => rows(
            c,
            &mut push.data,
            |d| match d {
                PushData::Tickers(r) => Some(r),
                _ => None,
            },
            PushData::Tickers,
        )?,
        "trades" | "trades-all" => rows(
            c,
            &mut push.data,
            |d| match d {
                PushData::Trades(r) => Some(r),
                _ => None,
            },
            PushData::Trades,
        )?,
        "orders" => rows(
            c,
            &mut push.data,
            |d| match d {
                PushData::Orders(r) => Some(r),
                _ => None,
            },
            PushData::Orders,
        )?,
        _ => return Err(Fallback),
    }
    if c.next_member()? {
        return Err(Fallback);
    }
    c.end()?;
    push.event_type = None;
    push.cur_page = None;
    push.last_page = None;
    Ok(())
}

/// [`read_arg`] into `arg`, reusing the text it holds.
fn read_arg_into(c: &mut Cursor<'_>, arg: &mut Arg) -> Result<(), Fallback> {
    let mut seen = 0u8;
    let mut open = c.begin_object()?;
    while open {
        let key = c.key()?;
        let (bit, slot) = match key {
            "channel" => {
                if seen & 1 != 0 {
                    return Err(Fallback);
                }
                seen |= 1;
                // Required: `null` is refused, as by the derived impl.
                c.string_into(&mut arg.channel)?;
                open = c.next_member()?;
                continue;
            }
            "instId" => (2, &mut arg.inst_id),
            "instType" => (4, &mut arg.inst_type),
            "instFamily" => (8, &mut arg.inst_family),
            "ccy" => (16, &mut arg.ccy),
            "algoId" => (32, &mut arg.algo_id),
            "extraParams" => (64, &mut arg.extra_params),
            "uid" => (128, &mut arg.uid),
            _ => {
                c.skip_value()?;
                open = c.next_member()?;
                continue;
            }
        };
        if seen & bit != 0 {
            return Err(Fallback);
        }
        seen |= bit;
        c.opt_string_into(slot)?;
        open = c.next_member()?;
    }
    if seen & 1 == 0 {
        return Err(Fallback);
    }
    // Members the arg did not have: `None`, as the derived impl leaves them.
    let optional = [
        (2, &mut arg.inst_id),
        (4, &mut arg.inst_type),
        (8, &mut arg.inst_family),
        (16, &mut arg.ccy),
        (32, &mut arg.algo_id),
        (64, &mut arg.extra_params),
        (128, &mut arg.uid),
    ];
    for (bit, slot) in optional {
        if seen & bit == 0 {
            *slot = None;
        }
    }
    Ok(())
}

/// Stores a member's value; a second one for the same field falls back, as
/// serde's derive reports a duplicate field.
fn once<'a, T: Deserialize<'a>>(slot: &mut Option<T>, v: FieldValue<'a>) -> Result<(), Fallback> {
    if slot.is_some() {
        return Err(Fallback);
    }
    *slot = Some(T::deserialize(v)?);
    Ok(())
}

/// [`Arg`] as its derived `Deserialize` reads it: `channel` required, the
/// optional members `None` when missing or `null`, unknown members skipped.
fn read_arg(c: &mut Cursor<'_>) -> Result<Arg, Fallback> {
    let mut channel: Option<String> = None;
    let (mut inst_id, mut inst_type, mut inst_family, mut ccy) = (None, None, None, None);
    let (mut algo_id, mut extra_params, mut uid) = (None, None, None);
    if c.begin_object()? {
        loop {
            let key = c.key()?;
            match key {
                "channel" => once(&mut channel, c.value()?)?,
                "instId" => once(&mut inst_id, c.value()?)?,
                "instType" => once(&mut inst_type, c.value()?)?,
                "instFamily" => once(&mut inst_family, c.value()?)?,
                "ccy" => once(&mut ccy, c.value()?)?,
                "algoId" => once(&mut algo_id, c.value()?)?,
                "extraParams" => once(&mut extra_params, c.value()?)?,
                "uid" => once(&mut uid, c.value()?)?,
                _ => c.skip_value()?,
            }
            if !c.next_member()? {
                break;
            }
        }
    }
    Ok(Arg {
        channel: channel.ok_or(Fallback)?,
        inst_id: inst_id.flatten(),
        inst_type: inst_type.flatten(),
        inst_family: inst_family.flatten(),
        ccy: ccy.flatten(),
        algo_id: algo_id.flatten(),
        extra_params: extra_params.flatten(),
        uid: uid.flatten(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{Inbound, inbound_serde, inbound_with};
    use crate::event::WsEvent;
    use serde_json::value::RawValue;

    /// The fast path's push, checked against what the serde paths make of
    /// the same text: `None` when the fast path left the frame to them.
    fn fast_agrees(text: &str) -> Option<Push> {
        let fast = decode(text)?;
        let Inbound::Event(WsEvent::Push(serde)) = inbound_serde(text, false) else {
            panic!("fast path took a frame the serde paths do not decode: {text}");
        };
        assert_eq!(&fast, serde.as_ref(), "{text}");
        // `Decimal`'s `==` ignores the scale; `Debug` shows it
        assert_eq!(format!("{fast:?}"), format!("{serde:?}"), "{text}");
        Some(fast)
    }

    /// The frames of a fixture file, each as its original text.
    fn frames(text: &str) -> Vec<String> {
        if let Ok(all) = serde_json::from_str::<Vec<&RawValue>>(text) {
            return all.iter().map(|f| f.get().to_owned()).collect();
        }
        if let Ok(one) = serde_json::from_str::<&RawValue>(text) {
            return vec![one.get().to_owned()];
        }
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn fixture_pushes_decode_as_the_serde_paths_do() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/fixtures/okx/ws");
        if !dir.is_dir() {
            assert_ne!(
                std::env::var("CI").as_deref(),
                Ok("true"),
                "fixtures missing"
            );
            eprintln!("skipping: no fixtures at {}", dir.display());
            return;
        }
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        let (mut taken, mut rows) = (0, 0);
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            for frame in frames(&text) {
                // as recorded (compact or pretty), and compact with keys sorted
                let sorted = serde_json::from_str::<serde_json::Value>(&frame)
                    .map(|v| v.to_string())
                    .unwrap_or_default();
                for text in [frame.as_str(), sorted.as_str()] {
                    if let Some(push) = fast_agrees(text) {
                        taken += 1;
                        rows += match &push.data {
                            PushData::Tickers(r) => r.len(),
                            PushData::Trades(r) => r.len(),
                            PushData::Orders(r) => r.len(),
                            other => panic!("fast path made {other:?}"),
                        };
                    }
                }
            }
        }
        assert!(taken >= 200, "only {taken} frames took the fast path");
        assert!(rows >= 200, "only {rows} rows");
    }

    /// Every fixture frame decoded into one push kept across all of them
    /// (so it held another channel's rows, or the same channel's, before)
    /// gives what a fresh decode gives.
    #[test]
    fn fixture_pushes_decode_into_a_reused_push_as_afresh() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/fixtures/okx/ws");
        if !dir.is_dir() {
            assert_ne!(
                std::env::var("CI").as_deref(),
                Ok("true"),
                "fixtures missing"
            );
            eprintln!("skipping: no fixtures at {}", dir.display());
            return;
        }
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        let mut push = Push {
            arg: Arg {
                inst_type: Some("SPOT".into()),
                uid: Some("1".into()),
                ..Arg::new("orders")
            },
            data: PushData::Trades(Vec::new()),
            event_type: Some("snapshot".into()),
            cur_page: Some(1),
            last_page: Some(false),
        };
        let (mut reused, mut taken) = (0, 0);
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            for frame in frames(&text) {
                let sorted = serde_json::from_str::<serde_json::Value>(&frame)
                    .map(|v| v.to_string())
                    .unwrap_or_default();
                for text in [frame.as_str(), sorted.as_str()] {
                    let afresh = crate::decode::decode_push(text);
                    let in_place = decode_into(text, &mut push.clone()).is_ok();
                    let into = crate::decode::decode_push_into(text, &mut push);
                    match (&afresh, into) {
                        (WsEvent::Push(p), Ok(())) => {
                            // `Decimal`'s `==` ignores the scale; `Debug` shows it
                            assert_eq!(format!("{push:?}"), format!("{p:?}"), "{text}");
                            reused += 1;
                            taken += usize::from(in_place);
                        }
                        (other, Err(e)) => assert_eq!(format!("{other:?}"), format!("{e:?}")),
                        (p, Ok(())) => panic!("decoded into a push, afresh: {p:?}"),
                    }
                }
            }
        }
        assert!(reused >= 300, "only {reused} pushes");
        assert!(taken >= 200, "only {taken} were read in place");
    }

    #[test]
    fn other_shapes_are_left_to_the_serde_paths() {
        let row =
            r#"{"instId":"BTC-USDT","tradeId":"1","px":"1.0","sz":"2","side":"buy","ts":"1"}"#;
        let push =
            format!(r#"{{"arg":{{"channel":"trades","instId":"BTC-USDT"}},"data":[{row}]}}"#);
        let taken = fast_agrees(&push).expect("a plain push takes the fast path");
        assert_eq!(taken.arg.inst_id.as_deref(), Some("BTC-USDT"));
        assert!(matches!(&taken.data, PushData::Trades(t) if t[0].px.to_string() == "1.0"));
        // whitespace and unknown arg members are fine
        let spaced = format!(
            r#" {{ "arg" : {{ "channel" : "trades" , "instId" : null , "x" : [1] }} , "data" : [ {row} ] }} "#
        );
        let taken = fast_agrees(&spaced).expect("whitespace takes the fast path");
        assert_eq!(taken.arg.inst_id, None);

        for text in [
            // another member in the envelope, before or after
            format!(r#"{{"arg":{{"channel":"trades"}},"data":[{row}],"extra":1}}"#),
            format!(r#"{{"id":"1","arg":{{"channel":"trades"}},"data":[{row}]}}"#),
            format!(r#"{{"data":[{row}],"arg":{{"channel":"trades"}}}}"#),
            // a channel the fast path does not read, a missing channel
            r#"{"arg":{"channel":"books5"},"data":[]}"#.to_owned(),
            format!(r#"{{"arg":{{"instId":"X"}},"data":[{row}]}}"#),
            // duplicate or escaped arg keys
            format!(r#"{{"arg":{{"channel":"trades","channel":"tickers"}},"data":[{row}]}}"#),
            format!(r#"{{"arg":{{"chan\u006eel":"trades"}},"data":[{row}]}}"#),
            // a row serde refuses, text after the frame
            r#"{"arg":{"channel":"trades"},"data":[{"px":"abc"}]}"#.to_owned(),
            format!(r#"{{"arg":{{"channel":"trades"}},"data":[{row}]}}x"#),
        ] {
            assert!(decode(&text).is_none(), "fast path took {text}");
            // and the frame decodes exactly as it did before the fast path
            assert_eq!(
                format!("{:?}", inbound_with(&text, false)),
                format!("{:?}", inbound_serde(&text, false)),
                "{text}"
            );
        }
    }
}
