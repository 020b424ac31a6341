//! Reconciliation: after the private connection comes (back) up, read over
//! REST what happened while nobody was listening, and emit it as
//! `Recovered` events (the tracker drops what it already knows).
//!
//! Following what OKX sends and keeps:
//! 1. `orders-pending`: what is open now;
//! 2. every order known to be open (or placed by this client but never
//!    seen) that is not pending any more, by its id — `orders-history`
//!    filters by creation time, so an order created before the gap and
//!    cancelled during it would be missed otherwise;
//! 3. `orders-history` of each instrument type in use, created since the
//!    newest `uTime` seen (orders made elsewhere that already finished);
//! 4. `trade/fills` forward from the last `billId` read.

use std::collections::HashSet;

use futures_util::StreamExt;
use okx_models::OrdId;
use okx_rest::api::trade::GetOrder;

use crate::error::ClientError;
use crate::events::{PrivateEvent, ReconcileReport, Source};
use crate::inner::Inner;
use crate::requests::{Fills, OrderHistory, OrderPage, PendingOrders};

/// Runs one reconciliation (or, if one is running, makes it run once more
/// when it ends).
pub(crate) async fn run(inner: &Inner) -> Result<ReconcileReport, ClientError> {
    use std::sync::atomic::Ordering::SeqCst;
    inner.reconcile_again.store(true, SeqCst);
    let mut total = ReconcileReport::default();
    loop {
        // Whoever holds the lock runs until nobody asked again; a request
        // that came in while it let go is picked up by the next turn.
        let Ok(guard) = inner.reconcile_lock.try_lock() else {
            return Ok(total);
        };
        while inner.reconcile_again.swap(false, SeqCst) {
            match once(inner).await {
                Ok(r) => {
                    total.orders += r.orders;
                    total.fills += r.fills;
                    total.requests += r.requests;
                    tracing::info!(
                        orders = r.orders,
                        fills = r.fills,
                        requests = r.requests,
                        "reconciled"
                    );
                    inner.emit(vec![PrivateEvent::Reconciled(r)]);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "reconciliation failed");
                    inner.emit(vec![PrivateEvent::ReconcileFailed {
                        error: e.to_string(),
                    }]);
                    inner.reconciled.send_modify(|n| *n += 1);
                    return Err(e);
                }
            }
        }
        inner.reconciled.send_modify(|n| *n += 1);
        drop(guard);
        if !inner.reconcile_again.load(SeqCst) {
            return Ok(total);
        }
    }
}

fn count(report: &mut ReconcileReport, events: &[PrivateEvent]) {
    for ev in events {
        match ev {
            PrivateEvent::Order { .. } => report.orders += 1,
            PrivateEvent::Fill { .. } => report.fills += 1,
            _ => {}
        }
    }
}

async fn once(inner: &Inner) -> Result<ReconcileReport, ClientError> {
    let mut report = ReconcileReport::default();
    let tracker = &inner.tracker;
    // 1. What is open now.
    let mut pending_ids: HashSet<OrdId> = HashSet::new();
    let req = PendingOrders(OrderPage {
        limit: Some("100".into()),
        ..OrderPage::default()
    });
    let mut pages = Box::pin(inner.rest.pages(req));
    while let Some(page) = pages.next().await {
        report.requests += 1;
        for order in page? {
            pending_ids.insert(order.ord_id.clone());
            let out = tracker.apply_order(order, Source::Recovered);
            count(&mut report, &out);
            inner.emit(out);
        }
    }
    // 2. Orders thought open, or placed and never seen, that are not
    // pending any more: ask for each by id.
    let to_check: Vec<(String, OrdId)> = {
        let st = tracker.lock();
        st.orders
            .values()
            .filter(|t| !t.is_terminal())
            .map(|t| (t.order.inst_id.to_string(), t.order.ord_id.clone()))
            .chain(
                st.expected
                    .iter()
                    .map(|(id, inst)| (inst.to_string(), id.clone())),
            )
            .filter(|(_, id)| !pending_ids.contains(id))
            .collect()
    };
    for (inst_id, ord_id) in to_check {
        report.requests += 1;
        let query = GetOrder::new(inst_id).ord_id(ord_id.as_str());
        if let Some(order) = inner.rest.get_order(query).await? {
            let out = tracker.apply_order(order, Source::Recovered);
            count(&mut report, &out);
            inner.emit(out);
        }
    }
    // 3. Finished orders created since the newest update seen.
    let since = tracker.lock().max_u_time;
    if since > 0 {
        for inst_type in &inner.inst_types {
            let req = OrderHistory(OrderPage {
                inst_type: Some(inst_type.clone()),
                begin: Some((since - 60_000).to_string()),
                limit: Some("100".into()),
                ..OrderPage::default()
            });
            let mut pages = Box::pin(inner.rest.pages(req));
            while let Some(page) = pages.next().await {
                report.requests += 1;
                for order in page? {
                    let out = tracker.apply_order(order, Source::Recovered);
                    count(&mut report, &out);
                    inner.emit(out);
                }
            }
        }
    }
    // 4. Fills since the last billId read; the first time, only where to
    // start from.
    let cursor = tracker.lock().bill_cursor.clone();
    match cursor {
        None => {
            report.requests += 1;
            let newest = inner
                .rest
                .send(&Fills {
                    limit: Some("1".into()),
                    ..Fills::default()
                })
                .await?;
            let mut st = tracker.lock();
            st.bill_cursor = Some(
                newest
                    .first()
                    .map_or_else(|| "0".to_owned(), |f| f.bill_id.clone()),
            );
        }
        Some(cursor) => {
            let req = Fills {
                limit: Some("100".into()),
                ..Fills::default()
            };
            let mut pages = Box::pin(inner.rest.pages_forward(req, cursor));
            while let Some(page) = pages.next().await {
                report.requests += 1;
                for fill in page? {
                    if let Some(ev) = tracker.apply_fill(&fill) {
                        count(&mut report, std::slice::from_ref(&ev));
                        inner.emit(vec![ev]);
                    }
                }
            }
        }
    }
    Ok(report)
}
