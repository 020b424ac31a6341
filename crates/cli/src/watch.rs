//! `okx watch orders`: the account's orders and fills from the client's
//! private stream, live and recovered after a reconnect (marked).

use okx::client::{PrivateEvent, Source};
use serde_json::json;

use crate::conn::Settings;
use crate::fail::CliError;
use crate::out::{dec, print};
use crate::time::iso;

/// One private event as a line (table-ish text or JSON); `None` for
/// events not worth a line.
pub fn event_line(ev: &PrivateEvent, as_json: bool) -> Option<String> {
    let mark = |source: &Source| matches!(source, Source::Recovered);
    let v = match ev {
        PrivateEvent::Order { order, source } => {
            if !as_json {
                let tag = if mark(source) { " [recovered]" } else { "" };
                return Some(format!(
                    "order {} {} {} {} {} px {} filled {}/{} {}{tag}",
                    iso(order.u_time),
                    order.inst_id,
                    order.ord_id,
                    order.side,
                    order.ord_type,
                    dec(order.px),
                    order.acc_fill_sz.normalize(),
                    order.sz.normalize(),
                    order.state,
                ));
            }
            let mut v = serde_json::to_value(order).ok()?;
            v["event"] = json!("order");
            v["recovered"] = json!(mark(source));
            v
        }
        PrivateEvent::Fill { fill, source } => {
            if !as_json {
                let tag = if mark(source) { " [recovered]" } else { "" };
                return Some(format!(
                    "fill  {} {} {} {} {} @ {} fee {} {}{tag}",
                    iso(fill.ts),
                    fill.inst_id,
                    fill.ord_id,
                    fill.side,
                    fill.sz.normalize(),
                    fill.px.normalize(),
                    dec(fill.fee),
                    fill.fee_ccy,
                ));
            }
            json!({
                "event": "fill", "instId": fill.inst_id.as_str(), "tradeId": fill.trade_id,
                "ordId": fill.ord_id.as_str(),
                "clOrdId": fill.cl_ord_id.as_ref().map(|c| c.as_str()),
                "side": fill.side.to_string(), "px": fill.px.to_string(),
                "sz": fill.sz.to_string(), "fee": fill.fee.map(|f| f.to_string()),
                "feeCcy": fill.fee_ccy, "maker": fill.maker, "ts": fill.ts,
                "recovered": mark(source),
            })
        }
        PrivateEvent::Connected => {
            if !as_json {
                return Some("private stream connected".into());
            }
            json!({"event": "connected"})
        }
        PrivateEvent::Disconnected { reason } => {
            if !as_json {
                return Some(format!("private stream down ({reason}); reconnecting"));
            }
            json!({"event": "disconnected", "reason": reason})
        }
        PrivateEvent::Reconciled(r) => {
            if !as_json {
                return Some(format!(
                    "reconciled: {} order update(s), {} fill(s) recovered",
                    r.orders, r.fills
                ));
            }
            json!({"event": "reconciled", "orders": r.orders, "fills": r.fills})
        }
        PrivateEvent::ReconcileFailed { error } => {
            if !as_json {
                return Some(format!("reconciliation failed: {error}"));
            }
            json!({"event": "reconcile_failed", "error": error})
        }
        _ => return None,
    };
    Some(v.to_string())
}

/// `okx watch orders [--count N]`: the account's orders and fills as they
/// happen, live and recovered after a reconnect (marked).
pub async fn watch_orders(s: &Settings, count: Option<u64>) -> Result<(), CliError> {
    use futures_util::StreamExt as _;
    let c = crate::account::client(s, None).await?;
    let Some(mut events) = c.private_events() else {
        return Err(CliError::other("the private stream was already taken"));
    };
    eprintln!("okx watch orders: watching (Ctrl-C to stop)");
    let stdout = std::io::stdout();
    let mut seen = 0u64;
    loop {
        let ev = tokio::select! {
            ev = events.next() => ev,
            _ = crate::market::stop_signal() => break,
        };
        let Some(ev) = ev else { break };
        let counted = matches!(ev, PrivateEvent::Order { .. } | PrivateEvent::Fill { .. });
        if let Some(line) = event_line(&ev, s.json) {
            print(&mut stdout.lock(), &(line + "\n"))?;
        }
        if counted {
            seen += 1;
            if count.is_some_and(|n| seen >= n) {
                break;
            }
        }
    }
    c.close().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use okx::models::Side;
    use rust_decimal::Decimal;

    #[test]
    fn recovered_events_are_marked() {
        let fill = okx::client::FillEvent {
            inst_id: "BTC-USDT".into(),
            trade_id: "7".into(),
            ord_id: "123".into(),
            cl_ord_id: None,
            side: Side::Sell,
            px: Decimal::from(30000),
            sz: Decimal::new(5, 3),
            fee: Some(Decimal::new(-1, 2)),
            fee_ccy: "USDT".into(),
            maker: Some(true),
            ts: 1_700_000_000_000,
        };
        let live = PrivateEvent::Fill {
            fill: fill.clone(),
            source: Source::Live,
        };
        let recovered = PrivateEvent::Fill {
            fill,
            source: Source::Recovered,
        };
        let text = event_line(&recovered, false).expect("a line");
        assert!(text.ends_with(" [recovered]"), "{text}");
        assert!(text.contains("sell 0.005 @ 30000"), "{text}");
        assert!(
            !event_line(&live, false)
                .expect("a line")
                .contains("recovered")
        );
        let v: serde_json::Value =
            serde_json::from_str(&event_line(&recovered, true).expect("json")).expect("valid");
        assert_eq!(v["recovered"], true);
        assert_eq!(v["event"], "fill");
        assert_eq!(v["sz"], "0.005");
    }
}
