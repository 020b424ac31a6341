//! Market data, no keys: `ticker`, `instruments`, `funding`, `status`,
//! `trades [--watch]`, `book [--watch]`.

use std::io::Write;
use std::time::Instant;

use okx::models::InstType;
use okx::rest::api::{market, public, status};
use okx::ws::{Arg, PushData, WsClient, WsEvent};
use serde_json::json;

use crate::conn::Settings;
use crate::fail::CliError;
use crate::out::{dec, json_line, opt, print, table, text};
use crate::time::{clock, iso};
use crate::view::{BookView, Rate, Screen};

/// `okx ticker INST...`.
pub async fn ticker(s: &Settings, insts: &[String], w: &mut dyn Write) -> Result<(), CliError> {
    let rest = s.rest()?;
    let mut rows = Vec::new();
    for inst in insts {
        let t = rest.send(&market::GetTicker::new(inst.clone())).await?;
        let Some(t) = t.into_iter().next() else {
            return Err(CliError::new(
                crate::fail::REFUSED,
                format!("OKX returned no ticker for {inst}"),
            ));
        };
        if s.json {
            json_line(w, &t)?;
        } else {
            rows.push(vec![
                t.inst_id.to_string(),
                dec(t.last),
                dec(t.bid_px),
                dec(t.ask_px),
                dec(t.open_24h),
                dec(t.high_24h),
                dec(t.low_24h),
                dec(t.vol_24h),
                clock(t.ts),
            ]);
        }
    }
    if !s.json {
        let head = [
            "inst", "last", "bid", "ask", "open24h", "high24h", "low24h", "vol24h", "time",
        ];
        print(w, &table(&head, &rows))?;
    }
    Ok(())
}

/// `okx instruments --type T [--family F]`.
pub async fn instruments(
    s: &Settings,
    inst_type: InstType,
    family: Option<String>,
    w: &mut dyn Write,
) -> Result<(), CliError> {
    let rest = s.rest()?;
    let mut req = public::GetInstruments::new(inst_type);
    if let Some(f) = family {
        req = req.inst_family(f);
    }
    let list = rest.send(&req).await?;
    if s.json {
        for i in &list {
            json_line(w, i)?;
        }
        return Ok(());
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|i| {
            vec![
                i.inst_id.to_string(),
                i.inst_type.to_string(),
                i.state.to_string(),
                dec(i.tick_sz),
                dec(i.lot_sz),
                dec(i.min_sz),
                dec(i.ct_val),
                text(&i.settle_ccy),
            ]
        })
        .collect();
    let head = [
        "inst", "type", "state", "tick", "lot", "min", "ctVal", "settle",
    ];
    print(w, &table(&head, &rows))?;
    print(w, &format!("{} instruments\n", list.len()))
}

/// A decimal for JSON: its exact text, as OKX writes numbers.
fn ds(v: Option<rust_decimal::Decimal>) -> Option<String> {
    v.map(|d| d.to_string())
}

/// `okx funding INST`.
pub async fn funding(s: &Settings, inst: &str, w: &mut dyn Write) -> Result<(), CliError> {
    let rest = s.rest()?;
    let rows = rest.send(&public::GetFundingRate::new(inst)).await?;
    if s.json {
        for r in &rows {
            let v = json!({
                "instId": r.inst_id, "fundingRate": ds(r.funding_rate),
                "fundingTime": r.funding_time, "nextFundingRate": ds(r.next_funding_rate),
                "nextFundingTime": r.next_funding_time, "minFundingRate": ds(r.min_funding_rate),
                "maxFundingRate": ds(r.max_funding_rate), "premium": ds(r.premium),
                "interestRate": ds(r.interest_rate), "ts": r.ts,
            });
            json_line(w, &v)?;
        }
        return Ok(());
    }
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.inst_id.clone(),
                dec(r.funding_rate),
                opt(r.funding_time.map(iso)),
                dec(r.next_funding_rate),
                opt(r.next_funding_time.map(iso)),
                dec(r.min_funding_rate),
                dec(r.max_funding_rate),
            ]
        })
        .collect();
    let head = [
        "inst",
        "rate",
        "fundingTime",
        "nextRate",
        "nextFundingTime",
        "min",
        "max",
    ];
    print(w, &table(&head, &rows))
}

/// `okx status`: OKX's system status (maintenance planned or under way).
pub async fn status(s: &Settings, w: &mut dyn Write) -> Result<(), CliError> {
    let rest = s.rest()?;
    let rows = rest.send(&status::GetStatus::new()).await?;
    if s.json {
        for r in &rows {
            let v = json!({
                "title": r.title, "state": r.state, "begin": r.begin, "end": r.end,
                "serviceType": r.service_type, "system": r.system, "href": r.href,
                "scheDesc": r.sche_desc, "maintType": r.maint_type, "env": r.env,
            });
            json_line(w, &v)?;
        }
        return Ok(());
    }
    if rows.is_empty() {
        return print(w, "no maintenance scheduled or under way\n");
    }
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let when = |t: &str| t.parse::<i64>().map(iso).unwrap_or_else(|_| text(t));
            vec![
                text(&r.state),
                text(&r.title),
                when(&r.begin),
                when(&r.end),
                text(&r.service_type),
                text(&r.system),
            ]
        })
        .collect();
    print(
        w,
        &table(
            &["state", "title", "begin", "end", "service", "system"],
            &rows,
        ),
    )
}

fn trade_row(t: &okx::models::Trade) -> Vec<String> {
    vec![
        clock(t.ts),
        t.inst_id.to_string(),
        t.side.to_string(),
        t.px.normalize().to_string(),
        t.sz.normalize().to_string(),
        t.trade_id.clone(),
    ]
}

const TRADE_HEAD: [&str; 6] = ["time", "inst", "side", "px", "sz", "tradeId"];

/// `okx trades INST [--limit N]`: the latest trades over REST.
pub async fn trades(
    s: &Settings,
    inst: &str,
    limit: u32,
    w: &mut dyn Write,
) -> Result<(), CliError> {
    let rest = s.rest()?;
    let mut list = rest
        .send(&market::GetTrades::new(inst).limit(limit.to_string()))
        .await?;
    list.sort_by_key(|t| t.ts);
    if s.json {
        for t in &list {
            json_line(w, t)?;
        }
        return Ok(());
    }
    let rows: Vec<Vec<String>> = list.iter().map(trade_row).collect();
    print(w, &table(&TRADE_HEAD, &rows))
}

/// Ctrl-C or SIGTERM.
pub async fn stop_signal() {
    #[cfg(unix)]
    {
        if let Ok(mut term) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {},
                _ = term.recv() => {},
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

fn connect_error(e: &okx::ws::DisconnectReason) -> CliError {
    CliError::new(
        crate::fail::NETWORK,
        format!("WebSocket connection failed: {e:?}"),
    )
    .hint("check the network, --ws-url and --region")
}

/// `okx trades INST --watch [--count N]`: the live tape; on a terminal the
/// last trades redraw in place, otherwise (and with `--json`) one line per
/// trade.
pub async fn trades_watch(s: &Settings, inst: &str, count: Option<u64>) -> Result<(), CliError> {
    let (ws, mut events) = WsClient::new(s.ws_config())?;
    let subscribe = ws.subscribe([Arg::new("trades").inst_id(inst)]);
    tokio::select! {
        r = subscribe => r?,
        _ = stop_signal() => return Ok(()),
    }
    let screen = if s.json { None } else { Some(Screen::open()) };
    let mut screen = screen.filter(Screen::is_tty);
    let mut tape: std::collections::VecDeque<Vec<String>> = Default::default();
    let mut seen = 0u64;
    let quit = crate::view::quit_key(screen.is_some());
    tokio::pin!(quit);
    let stdout = std::io::stdout();
    loop {
        let ev = tokio::select! {
            ev = events.recv() => ev,
            _ = &mut quit => break,
            _ = stop_signal() => break,
        };
        let Some(ev) = ev else { break };
        let rows = match ev {
            WsEvent::Push(p) => match p.data {
                PushData::Trades(rows) => rows,
                _ => continue,
            },
            WsEvent::Disconnected { reason, .. } if seen == 0 => {
                if matches!(reason, okx::ws::DisconnectReason::ConnectFailed(_)) {
                    return Err(connect_error(&reason));
                }
                continue;
            }
            _ => continue,
        };
        for t in rows {
            seen += 1;
            match &mut screen {
                Some(sc) => {
                    tape.push_front(trade_row(&t));
                    tape.truncate(30);
                    let mut frame = format!("{inst} trades  {seen} seen\n");
                    let rows: Vec<Vec<String>> = tape.iter().cloned().collect();
                    frame.push_str(&table(&TRADE_HEAD, &rows));
                    sc.draw(&frame, false)
                        .map_err(|e| CliError::other(format!("cannot draw: {e}")))?;
                }
                None if s.json => json_line(&mut stdout.lock(), &t)?,
                None => print(&mut stdout.lock(), &(trade_row(&t).join("  ") + "\n"))?,
            }
            if count.is_some_and(|n| seen >= n) {
                ws.close().await;
                return Ok(());
            }
        }
    }
    ws.close().await;
    Ok(())
}

/// `okx book INST` without `--watch`: one REST snapshot.
pub async fn book_once(
    s: &Settings,
    inst: &str,
    depth: usize,
    w: &mut dyn Write,
) -> Result<(), CliError> {
    let rest = s.rest()?;
    let books = rest
        .send(&market::GetBooks::new(inst).sz(depth.to_string()))
        .await?;
    let Some(b) = books.into_iter().next() else {
        return Err(CliError::new(
            crate::fail::REFUSED,
            format!("OKX returned no book for {inst}"),
        ));
    };
    if s.json {
        return json_line(w, &b);
    }
    let level = |l: &okx::models::BookLevel| (l.px.to_string(), l.sz.to_string());
    let view = BookView {
        inst_id: inst.to_owned(),
        channel: "rest".into(),
        bids: b.bids.iter().map(level).collect(),
        asks: b.asks.iter().map(level).collect(),
        in_sync: true,
        ..BookView::default()
    };
    let mut out = String::new();
    view.render(&mut out, depth);
    print(w, &out)
}

/// `okx book INST --watch`: the local book kept over the WebSocket, redrawn
/// in place; off a terminal (and with `--json`) one view per update.
pub async fn book_watch(
    s: &Settings,
    inst: &str,
    channel: &str,
    depth: usize,
    count: Option<u64>,
) -> Result<(), CliError> {
    if okx::book::Channel::from_name(channel).is_none() {
        return Err(CliError::usage(format!(
            "{channel} is not an order book channel (books, books5, bbo-tbt, books-l2-tbt, books50-l2-tbt)"
        )));
    }
    let mut cfg = s.ws_config();
    if let Ok(rest) = s.rest() {
        cfg = cfg.snapshot_source(okx::book_snapshots(rest));
    }
    let (ws, mut events) = WsClient::new(cfg)?;
    tokio::select! {
        r = ws.subscribe([Arg::new(channel).inst_id(inst)]) => r?,
        _ = stop_signal() => return Ok(()),
    }
    let mut screen = if s.json { None } else { Some(Screen::open()) };
    let tty = screen.as_ref().is_some_and(Screen::is_tty);
    let mut view = BookView {
        inst_id: inst.to_owned(),
        channel: channel.to_owned(),
        ..BookView::default()
    };
    let started = Instant::now();
    let mut rate = Rate::default();
    let quit = crate::view::quit_key(tty);
    tokio::pin!(quit);
    let stdout = std::io::stdout();
    let mut redraw = tokio::time::interval(std::time::Duration::from_millis(500));
    loop {
        let ev = tokio::select! {
            ev = events.recv() => Some(ev),
            _ = &mut quit => break,
            _ = stop_signal() => break,
            _ = redraw.tick(), if tty => None,
        };
        match ev {
            Some(None) => break,
            Some(Some(WsEvent::Book(u))) if u.inst_id.as_str() == inst => {
                view.updates += 1;
                rate.tick(Instant::now());
            }
            Some(Some(WsEvent::BookOutOfSync {
                inst_id, reason, ..
            })) if inst_id == inst => {
                view.resyncs += 1;
                view.last_resync = Some(reason);
            }
            Some(Some(WsEvent::Disconnected { reason, .. })) if view.updates == 0 => {
                if matches!(reason, okx::ws::DisconnectReason::ConnectFailed(_)) {
                    return Err(connect_error(&reason));
                }
                continue;
            }
            Some(Some(_)) => continue,
            None => {}
        }
        view.rate = rate.per_second(Instant::now(), started);
        let read = ws.book(channel, inst, |b| {
            let side = |side| {
                b.levels(side)
                    .take(depth)
                    .map(|l| (l.px.to_owned(), l.sz.to_owned()))
                    .collect::<Vec<_>>()
            };
            (
                side(okx::book::Side::Bid),
                side(okx::book::Side::Ask),
                b.seq_id(),
                b.is_synced(),
            )
        });
        if let Some((bids, asks, seq, synced)) = read {
            view.bids = bids;
            view.asks = asks;
            view.seq_id = seq;
            view.in_sync = synced;
        }
        if s.json {
            let v = json!({
                "instId": inst, "channel": channel, "seqId": view.seq_id,
                "inSync": view.in_sync, "resyncs": view.resyncs, "updates": view.updates,
                "updatesPerSec": (view.rate * 10.0).round() / 10.0,
                "bids": view.bids, "asks": view.asks,
            });
            json_line(&mut stdout.lock(), &v)?;
        } else if let Some(sc) = &mut screen {
            let mut frame = String::new();
            view.render(&mut frame, depth);
            sc.draw(&frame, false)
                .map_err(|e| CliError::other(format!("cannot draw: {e}")))?;
        }
        if count.is_some_and(|n| view.updates >= n) {
            break;
        }
    }
    drop(screen);
    ws.close().await;
    Ok(())
}
