//! A small market maker on `okx::Client`: post-only quotes on both sides
//! of the mid, skewed against the inventory it builds up; quotes are
//! cancelled and replaced when the book moves away from them; the order
//! tracker follows every order and a risk guard checks each one before it
//! leaves; at the end (or on Ctrl-C) it cancels what it has open and
//! checks that nothing is left.
//!
//! ```text
//! cargo run --example market_maker -- [SECONDS]
//! ```
//!
//! Offline it trades on the simulated exchange; with OKX_API_KEY,
//! OKX_SECRET_KEY and OKX_PASSPHRASE set it trades on OKX demo trading.
//! It is a teaching example, not a strategy.

#[path = "common/mod.rs"]
pub mod common;

use std::time::Duration;

use futures_util::StreamExt;
use okx::Client;
use okx::client::safety::{RiskGuard, RiskLimits};
use okx::client::{ClientError, Outcome, PrivateEvent, Rounding};
use okx::models::trade::{CancelRequest, OrderRequest};
use okx::models::{Decimal, InstType, OrdId, Side};

use common::{BoxError, Venue};

/// The quoting rules.
#[derive(Debug, Clone)]
pub struct Config {
    /// Instrument (spot).
    pub inst: &'static str,
    /// Size of each quote.
    pub size: Decimal,
    /// Distance of each quote from the mid, in ticks.
    pub half_spread_ticks: i64,
    /// How far the quotes shift per unit of inventory, in ticks (against
    /// the inventory: long means lower quotes, to sell more and buy less).
    pub skew_ticks_per_unit: Decimal,
    /// Largest inventory either way; beyond it that side is not quoted.
    pub max_inventory: Decimal,
    /// A quote this many ticks off its target is replaced.
    pub requote_ticks: i64,
    /// How long to run.
    pub run_for: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            inst: "BTC-USDT",
            size: Decimal::new(1, 3),
            half_spread_ticks: 2,
            skew_ticks_per_unit: Decimal::from(1000),
            max_inventory: Decimal::new(3, 3),
            requote_ticks: 2,
            run_for: Duration::from_secs(8),
        }
    }
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Report {
    /// Quotes placed.
    pub placed: usize,
    /// Quotes cancelled to be replaced.
    pub replaced: usize,
    /// Quotes the risk guard refused.
    pub refused: usize,
    /// Fills received.
    pub fills: usize,
    /// Inventory at the end (base currency).
    pub inventory: Decimal,
    /// Orders still open after shutdown (should be 0).
    pub open_at_end: usize,
}

/// The risk limits the quoter runs under (the same TOML a file would hold).
fn limits(cfg: &Config) -> Result<RiskLimits, BoxError> {
    let text = format!(
        "[global]\nmax_order_size = \"{}\"\nprice_band = \"0.02\"\nmax_open_orders = 4\n\
         max_orders_per_second = 20\nallowed_instruments = [\"{}\"]\n\
         [instruments.\"{}\"]\nmax_position = \"{}\"\n",
        cfg.size,
        cfg.inst,
        cfg.inst,
        cfg.max_inventory + cfg.size * Decimal::TWO,
    );
    Ok(RiskLimits::from_toml(&text)?)
}

/// One side's resting quote.
#[derive(Debug, Default)]
struct Slot {
    order: Option<(OrdId, Decimal)>,
}

struct Quoter<'a> {
    client: &'a Client,
    cfg: &'a Config,
    report: Report,
}

impl Quoter<'_> {
    /// Keeps `slot` at `target` (or empty for `None`).
    async fn keep(&mut self, slot: &mut Slot, side: Side, target: Option<Decimal>, tick: Decimal) {
        if let Some((ord_id, px)) = &slot.order {
            let off = target
                .is_none_or(|t| (t - *px).abs() >= tick * Decimal::from(self.cfg.requote_ticks));
            if !off {
                return;
            }
            let cancel = CancelRequest::by_ord_id(self.cfg.inst, ord_id.clone());
            match self.client.cancel(cancel).await {
                Ok(_) => self.report.replaced += 1,
                // Filled or gone meanwhile: the private stream says which.
                Err(e) if e.outcome() == Outcome::Rejected => {}
                Err(e) => {
                    println!("cancel failed ({e}); keeping the slot until the stream says");
                    return;
                }
            }
            slot.order = None;
        }
        let Some(px) = target else { return };
        let quote = OrderRequest::limit(self.cfg.inst, side.clone(), self.cfg.size, px).post_only();
        match self.client.place(quote).await {
            Ok(ack) => {
                self.report.placed += 1;
                slot.order = Some((ack.ord_id, px));
            }
            Err(ClientError::Risk(r)) => {
                self.report.refused += 1;
                println!("risk guard refused a {side} quote: {r}");
            }
            Err(e) => println!("{side} quote at {px} not placed: {e}"),
        }
    }
}

/// Quotes for `cfg.run_for`, then cancels everything it has open.
pub async fn run(venue: &Venue, cfg: &Config) -> Result<Report, BoxError> {
    let client = venue
        .client()
        .instrument_types(&[InstType::Spot])
        .connect()
        .await?;
    client.set_risk_guard(RiskGuard::new(limits(cfg)?));
    let mut private = client
        .private_events()
        .ok_or("private stream already taken")?;
    let mut book = client.book(cfg.inst).await?;
    let tick = client
        .instruments()
        .get(cfg.inst)
        .and_then(|i| i.tick_sz)
        .ok_or("instrument has no tick size")?;
    let mut q = Quoter {
        client: &client,
        cfg,
        report: Report::default(),
    };
    let (mut bid_slot, mut ask_slot) = (Slot::default(), Slot::default());
    let mut inventory = Decimal::ZERO;
    let deadline = tokio::time::Instant::now() + cfg.run_for;
    let mut throttle = tokio::time::interval(Duration::from_millis(150));
    loop {
        tokio::select! {
            _ = tokio::time::sleep_until(deadline) => break,
            _ = tokio::signal::ctrl_c() => break,
            ev = private.next() => match ev {
                Some(PrivateEvent::Fill { fill, source }) if fill.inst_id.as_str() == cfg.inst => {
                    q.report.fills += 1;
                    inventory += if fill.side == Side::Buy { fill.sz } else { -fill.sz };
                    println!("fill ({source:?}): {} {} @ {}; inventory {inventory}", fill.side, fill.sz, fill.px);
                }
                Some(PrivateEvent::Order { order, .. }) if okx::client::is_terminal(&order.state) => {
                    for slot in [&mut bid_slot, &mut ask_slot] {
                        if slot.order.as_ref().is_some_and(|(id, _)| *id == order.ord_id) {
                            slot.order = None;
                        }
                    }
                    continue;
                }
                Some(_) => continue,
                None => break,
            },
            r = book.changed() => { r?; }
        }
        throttle.tick().await;
        let Some(mid) = book.mid() else { continue };
        let skew = inventory * cfg.skew_ticks_per_unit * tick;
        let spread = tick * Decimal::from(cfg.half_spread_ticks);
        let ins = client.instruments();
        let bid = ins.round_price(cfg.inst, mid - spread - skew, Rounding::Down)?;
        let ask = ins.round_price(cfg.inst, mid + spread - skew, Rounding::Up)?;
        let bid = (inventory < cfg.max_inventory).then_some(bid);
        let ask = (inventory > -cfg.max_inventory).then_some(ask);
        q.keep(&mut bid_slot, Side::Buy, bid, tick).await;
        q.keep(&mut ask_slot, Side::Sell, ask, tick).await;
    }
    // Clean shutdown: cancel what is open, then check with OKX.
    let cancelled = client.cancel_all(Some(cfg.inst)).await?;
    println!("shutdown: cancelled {cancelled} open quote(s)");
    let mut report = q.report;
    report.inventory = inventory;
    let open = client
        .rest()
        .send(&okx::rest::api::trade::GetOrdersPending::new().inst_id(cfg.inst))
        .await?;
    report.open_at_end = open.len();
    client.close().await;
    Ok(report)
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let secs: u64 = std::env::args().nth(1).map_or(Ok(8), |s| s.parse())?;
    let venue = Venue::from_env().await?;
    let cfg = Config {
        run_for: Duration::from_secs(secs),
        ..Config::default()
    };
    let report = run(&venue, &cfg).await?;
    println!("{report:?}");
    if report.open_at_end > 0 {
        return Err(format!("{} order(s) still open after shutdown", report.open_at_end).into());
    }
    Ok(())
}
