//! The kill switch (circuit breaker). It runs in its own task, from its own
//! private WebSocket connection (account, positions, orders), so a strategy
//! that hangs or panics does not stop it. It trips on:
//!
//! * a daily loss (realized and unrealized: the fall of total equity since
//!   the start of the day, at a configured UTC hour) past a limit;
//! * a drawdown from the day's peak equity past a limit;
//! * N orders refused by OKX within a window;
//! * a call to [`KillSwitch::trip`] (or SIGUSR1 on Unix, when asked).
//!
//! Tripping halts new risk (the risk guard lets only reduce-only orders
//! through), cancels every open order and algo order (in batches per
//! instrument, checking until none remain), optionally closes positions
//! with reduce-only market orders, records why in the audit log, and
//! writes the halt to a state file, so a restarted bot stays halted until
//! a person calls [`KillSwitch::reset`].

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use okx_models::trade::{CancelRequest, OrderRequest};
use okx_models::{AlgoOrdType, Decimal, PosSide, Side, TdMode};
use okx_rest::Request;
use okx_rest::api::algo::{CancelAlgos, CancelAlgosItem, GetOrdersAlgoPending};
use okx_ws::{Endpoint, PushData, WsClient, WsEvent};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::channel::Channel;
use crate::client::Client;
use crate::error::ClientError;
use crate::guard::risk::RiskGuard;
use crate::requests::{OrderPage, PendingOrders};

/// When the kill switch trips.
#[derive(Debug, Clone, Default)]
pub struct KillSwitchConfig {
    /// Trip when equity has fallen this much (USD) since the start of the day.
    pub daily_loss: Option<Decimal>,
    /// Trip when equity is this much (USD) below the day's peak.
    pub max_drawdown: Option<Decimal>,
    /// Trip after this many refused orders within the window.
    pub max_rejects: Option<(usize, Duration)>,
    /// The hour (UTC) a trading day starts.
    pub day_start_hour_utc: u32,
    /// Where the halt is kept across restarts.
    pub state_file: Option<PathBuf>,
    /// Close positions (reduce-only market orders) when it trips.
    pub close_positions: bool,
    /// Trip on SIGUSR1 (Unix).
    pub trip_on_sigusr1: bool,
}

/// The persisted state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KillState {
    /// Halted, and why.
    pub halted: Option<String>,
    /// When it tripped, Unix ms.
    pub tripped_at: Option<i64>,
    /// The trading day the equity figures belong to (`YYYY-MM-DD`).
    pub day: String,
    /// Equity at the day's start.
    #[serde(default, with = "okx_models::num::opt_decimal")]
    pub day_start_equity: Option<Decimal>,
    /// The day's highest equity.
    #[serde(default, with = "okx_models::num::opt_decimal")]
    pub day_peak_equity: Option<Decimal>,
}

struct Shared {
    state: Mutex<KillState>,
    file: Option<PathBuf>,
    guard: RiskGuard,
    client: Client,
    close_positions: bool,
    tripped: watch::Sender<Option<String>>,
}

impl Shared {
    fn save(&self) {
        let Some(path) = &self.file else { return };
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner()).clone();
        match serde_json::to_vec_pretty(&state) {
            Ok(bytes) => {
                let tmp = path.with_extension("tmp");
                let ok = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
                if let Err(e) = ok {
                    tracing::error!(error = %e, path = %path.display(), "kill switch state not saved");
                }
            }
            Err(e) => tracing::error!(error = %e, "kill switch state not encoded"),
        }
    }
}

/// A running kill switch. Cloning shares it.
#[derive(Clone)]
pub struct KillSwitch {
    shared: Arc<Shared>,
    rejects: mpsc::UnboundedSender<()>,
}

impl std::fmt::Debug for KillSwitch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KillSwitch")
            .field("halted", &self.halted())
            .finish_non_exhaustive()
    }
}

fn day_of(ms: i64, start_hour: u32) -> String {
    crate::guard::audit::utc_day(ms - i64::from(start_hour) * 3_600_000)
}

impl KillSwitch {
    /// Starts the switch for `client`, halting through `guard` (which the
    /// client must use: see [`Client::set_risk_guard`]). A state file that
    /// says halted halts at once.
    pub async fn start(
        client: &Client,
        guard: RiskGuard,
        cfg: KillSwitchConfig,
    ) -> Result<Self, ClientError> {
        let mut state = match &cfg.state_file {
            Some(path) if path.exists() => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    ClientError::Config(format!("cannot read {}: {e}", path.display()))
                })?;
                serde_json::from_str::<KillState>(&text).map_err(|e| {
                    ClientError::Config(format!(
                        "{} is not a kill switch state: {e}",
                        path.display()
                    ))
                })?
            }
            _ => KillState::default(),
        };
        if let Some(reason) = &state.halted {
            tracing::warn!(%reason, "kill switch state says halted; staying halted until reset");
            guard.halt();
        }
        let today = day_of(crate::guard::audit::now_ms(), cfg.day_start_hour_utc);
        if state.day != today {
            state.day = today;
            state.day_start_equity = None;
            state.day_peak_equity = None;
        }
        let (tripped, _) = watch::channel(state.halted.clone());
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            file: cfg.state_file.clone(),
            guard,
            client: client.clone(),
            close_positions: cfg.close_positions,
            tripped,
        });
        shared.save();
        let (rejects, rx) = mpsc::unbounded_channel();
        let ks = KillSwitch { shared, rejects };
        client
            .inner
            .safety
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .rejects = Some(ks.rejects.clone());
        // Its own connection: independent of the strategy and its events.
        let (ws, events) = WsClient::new(client.inner.ws_config.clone())?;
        ws.subscribe([
            Channel::account().into_arg(),
            Channel::positions(okx_models::InstType::Any).into_arg(),
        ])
        .await?;
        tokio::spawn(watch_account(ks.clone(), ws, events, cfg.clone(), rx));
        #[cfg(unix)]
        if cfg.trip_on_sigusr1 {
            let ks = ks.clone();
            let mut sig =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::user_defined1())
                    .map_err(|e| ClientError::Config(format!("cannot listen for SIGUSR1: {e}")))?;
            tokio::spawn(async move {
                while sig.recv().await.is_some() {
                    ks.trip("SIGUSR1").await;
                }
            });
        }
        Ok(ks)
    }

    /// Whether trading is halted, and why.
    pub fn halted(&self) -> Option<String> {
        self.shared
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .halted
            .clone()
    }

    /// A receiver that changes when the switch trips or is reset.
    pub fn changes(&self) -> watch::Receiver<Option<String>> {
        self.shared.tripped.subscribe()
    }

    /// The persisted state.
    pub fn state(&self) -> KillState {
        self.shared
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Trips now: halt, cancel everything (and close positions if so
    /// configured), record why. Tripping again while halted cancels again.
    pub async fn trip(&self, reason: &str) {
        let first = {
            let mut st = self.shared.state.lock().unwrap_or_else(|e| e.into_inner());
            let first = st.halted.is_none();
            if first {
                st.halted = Some(reason.to_owned());
                st.tripped_at = Some(crate::guard::audit::now_ms());
            }
            first
        };
        self.shared.guard.halt();
        self.shared.save();
        tracing::error!(%reason, "kill switch tripped");
        if let Some(audit) = self.shared.client.audit() {
            let mut f = serde_json::Map::new();
            f.insert("reason".into(), json!(reason));
            f.insert("first".into(), json!(first));
            let _ = audit.record("kill_switch", f);
        }
        self.shared.tripped.send_replace(Some(reason.to_owned()));
        if let Err(e) = flatten(&self.shared.client, self.shared.close_positions).await {
            tracing::error!(error = %e, "kill switch could not cancel everything; tripping keeps trying on each trip");
        }
    }

    /// A person lifts the halt: new risk is allowed again.
    pub fn reset(&self) {
        {
            let mut st = self.shared.state.lock().unwrap_or_else(|e| e.into_inner());
            st.halted = None;
            st.tripped_at = None;
        }
        self.shared.guard.resume();
        self.shared.save();
        self.shared.tripped.send_replace(None);
        tracing::warn!("kill switch reset");
    }
}

/// Cancels every open order and algo order (until none remain), then closes
/// positions if asked.
async fn flatten(client: &Client, close: bool) -> Result<(), ClientError> {
    let rest = client.rest();
    for round in 0..5 {
        let req = PendingOrders(OrderPage {
            limit: Some("100".into()),
            ..OrderPage::default()
        });
        let open: Vec<okx_models::Order> = Box::pin(rest.paginate(req))
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect::<Result<_, _>>()?;
        let mut algos = Vec::new();
        for t in [
            AlgoOrdType::Conditional,
            AlgoOrdType::Oco,
            AlgoOrdType::Trigger,
            AlgoOrdType::MoveOrderStop,
            AlgoOrdType::Iceberg,
            AlgoOrdType::Twap,
        ] {
            for a in rest.send(&GetOrdersAlgoPending::new(t)).await? {
                algos.push(CancelAlgosItem::new(a.algo_id, a.inst_id));
            }
        }
        if open.is_empty() && algos.is_empty() {
            if round > 0 {
                tracing::info!(rounds = round, "kill switch: nothing open any more");
            }
            break;
        }
        let mut by_inst: HashMap<String, Vec<CancelRequest>> = HashMap::new();
        for o in &open {
            by_inst
                .entry(o.inst_id.to_string())
                .or_default()
                .push(CancelRequest::by_ord_id(
                    o.inst_id.clone(),
                    o.ord_id.clone(),
                ));
        }
        for cancels in by_inst.into_values() {
            for chunk in cancels.chunks(20) {
                let _ = rest.send_items(&CancelBatch(chunk.to_vec())).await?;
            }
        }
        for chunk in algos.chunks(10) {
            let _ = rest.send_items(&CancelAlgos::new(chunk.to_vec())).await?;
        }
    }
    if close {
        for p in client.tracker().positions() {
            let Some(pos) = p.pos.filter(|v| !v.is_zero()) else {
                continue;
            };
            let side = match (&p.pos_side, pos > Decimal::ZERO) {
                (PosSide::Long, _) | (PosSide::Net, true) => Side::Sell,
                _ => Side::Buy,
            };
            let mut order = OrderRequest::market(p.inst_id.clone(), side, pos.abs()).reduce_only();
            order.td_mode = match p.mgn_mode.to_string().as_str() {
                "isolated" => TdMode::Isolated,
                _ => TdMode::Cross,
            };
            if p.pos_side != PosSide::Net {
                order.pos_side = Some(p.pos_side.clone());
            }
            if let Err(e) = client.place_via(order, crate::route::Route::Rest).await {
                tracing::error!(error = %e, inst = %p.inst_id, "kill switch could not close a position");
            }
        }
    }
    Ok(())
}

/// `POST /api/v5/trade/cancel-batch-orders` in the shared vocabulary.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
struct CancelBatch(Vec<CancelRequest>);

impl Request for CancelBatch {
    const METHOD: okx_rest::Method = okx_rest::Method::Post;
    const PATH: &'static str = "/api/v5/trade/cancel-batch-orders";
    const SIGNED: bool = true;
    const RATE_LIMIT: okx_rest::RateLimit = okx_rest::RateLimit {
        count: 300,
        window_ms: 2000,
        unit: okx_rest::LimitUnit::Orders,
        scope: okx_rest::LimitScope::UidInstIdOrFamily,
    };
    const ORDER_OP: okx_rest::OrderOp = okx_rest::OrderOp::Cancel;
    type Response = okx_models::trade::OrderAck;

    fn limit_key(&self) -> Option<&str> {
        self.0.first().map(|c| c.inst_id.as_str())
    }

    fn item_keys(&self) -> Vec<&str> {
        self.0.iter().map(|c| c.inst_id.as_str()).collect()
    }

    fn cost(&self) -> u32 {
        u32::try_from(self.0.len()).unwrap_or(u32::MAX)
    }
}

/// The switch's own loop: equity from its `account` subscription, refused
/// orders from the client.
async fn watch_account(
    ks: KillSwitch,
    ws: WsClient,
    mut events: okx_ws::WsEvents,
    cfg: KillSwitchConfig,
    mut rejects: mpsc::UnboundedReceiver<()>,
) {
    let _keep = ws;
    let mut recent: VecDeque<Instant> = VecDeque::new();
    loop {
        tokio::select! {
            ev = events.recv() => {
                let Some(ev) = ev else { return };
                match ev {
                    WsEvent::Push(push) => {
                        if let PushData::Account(rows) = &push.data
                            && let Some(eq) = rows.first().and_then(|b| b.total_eq)
                            && let Some(reason) = ks.on_equity(eq, &cfg)
                        {
                            ks.trip(&reason).await;
                        }
                    }
                    WsEvent::Disconnected { endpoint: Endpoint::Private, reason, .. } => {
                        tracing::warn!(?reason, "kill switch connection down; it reconnects by itself");
                    }
                    _ => {}
                }
            }
            r = rejects.recv() => {
                if r.is_none() {
                    continue;
                }
                let Some((n, window)) = cfg.max_rejects else { continue };
                let now = Instant::now();
                recent.push_back(now);
                while recent.front().is_some_and(|t| now.duration_since(*t) > window) {
                    recent.pop_front();
                }
                if recent.len() >= n {
                    recent.clear();
                    ks.trip(&format!("{n} orders refused within {window:?}")).await;
                }
            }
        }
    }
}

impl KillSwitch {
    /// Takes a new equity figure; a reason to trip, if a limit is passed.
    fn on_equity(&self, eq: Decimal, cfg: &KillSwitchConfig) -> Option<String> {
        let reason = {
            let mut st = self.shared.state.lock().unwrap_or_else(|e| e.into_inner());
            let today = day_of(crate::guard::audit::now_ms(), cfg.day_start_hour_utc);
            if st.day != today {
                st.day = today;
                st.day_start_equity = None;
                st.day_peak_equity = None;
            }
            let start = *st.day_start_equity.get_or_insert(eq);
            let peak = st.day_peak_equity.map_or(eq, |p| p.max(eq));
            st.day_peak_equity = Some(peak);
            let loss = start - eq;
            let drawdown = peak - eq;
            let daily = cfg.daily_loss.filter(|m| loss > *m).map(|max| {
                format!(
                    "daily loss {} past the limit {max}",
                    loss.round_dp(8).normalize()
                )
            });
            let dd = cfg.max_drawdown.filter(|m| drawdown > *m).map(|max| {
                format!(
                    "drawdown {} from the day's peak past the limit {max}",
                    drawdown.round_dp(8).normalize()
                )
            });
            if st.halted.is_some() {
                None
            } else {
                daily.or(dd)
            }
        };
        self.shared.save();
        reason
    }
}
