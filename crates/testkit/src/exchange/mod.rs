//! The simulated exchange: one state that the REST door
//! ([`crate::rest::MockOkx`]) and the WebSocket door ([`crate::ws::WsServer`])
//! both serve, so an order placed over REST is pushed on the `orders`
//! channel, fills move balances and positions, and what REST reports is what
//! happened.
//!
//! Everything lives in one [`World`] behind one mutex: the markets, the
//! accounts, the orders, and the doors' own bookkeeping (connections,
//! subscriptions, request log, rate-limit counters). An operation takes the
//! lock, changes the state and queues every push it causes before letting
//! go, so pushes leave in the order the changes happened.

pub(crate) mod account;
pub(crate) mod algo;
pub(crate) mod answer;
pub(crate) mod book;
pub(crate) mod clock;
pub(crate) mod doors;
pub(crate) mod feed;
pub(crate) mod history;
pub(crate) mod instrument;
pub(crate) mod limits;
pub(crate) mod lists;
pub(crate) mod market;
pub(crate) mod matching;
pub(crate) mod order;
pub(crate) mod queries;
pub(crate) mod rng;
mod settle;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rust_decimal::Decimal;
use serde_json::Value;

use account::{Account, AccountSpec, ApiKey};
use clock::Clock;
use instrument::{InstrumentSpec, Kind};
use market::Market;
use order::{Bill, FillRecord, Order};

/// The API key of the account every exchange starts with.
pub const TEST_API_KEY: &str = "0d4c6f2e-okx-testkit-api-key";
/// Its secret.
pub const TEST_SECRET: &str = "5F1C2D3E4A5B6C7D8E9FA0B1C2D3E4F5";
/// Its passphrase.
pub const TEST_PASSPHRASE: &str = "testkit-passphrase";
/// Its `uid`.
pub const TEST_UID: &str = "44000000000001";

/// A rule that rejects order items before the exchange looks at them: gets
/// the item's JSON, returns the `sCode` and `sMsg` to answer with, or `None`.
pub type OrderRule = Arc<dyn Fn(&Value) -> Option<(u32, String)> + Send + Sync>;

/// How the exchange behaves; set through [`crate::OkxBuilder`].
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) seed: u64,
    /// OKX's behaviour from 2026-06-23: `checksum` is always 0.
    pub(crate) checksum_zero: bool,
    /// OKX's announced behaviour: subscribing to a book sends no snapshot.
    pub(crate) no_snapshot: bool,
    /// The market moves by itself every this long (`None`: only when told).
    pub(crate) motion: Option<Duration>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            seed: 1,
            checksum_zero: false,
            no_snapshot: false,
            motion: None,
        }
    }
}

/// What an operation changed that pushes must report once it is done.
#[derive(Debug, Default)]
pub(crate) struct Dirty {
    /// Markets whose book (and ticker) may have changed.
    pub(crate) markets: BTreeSet<String>,
    /// Per account: currencies and positions that changed, trades that did it.
    pub(crate) accounts: BTreeMap<usize, AccountDirty>,
}

#[derive(Debug, Default)]
pub(crate) struct AccountDirty {
    pub(crate) ccys: BTreeSet<String>,
    pub(crate) positions: BTreeSet<(String, String)>,
    pub(crate) trades: Vec<(String, String)>,
    /// `balance_and_position`'s `eventType`.
    pub(crate) event: &'static str,
}

/// The whole simulated world.
pub(crate) struct World {
    pub(crate) settings: Settings,
    pub(crate) clock: Arc<Clock>,
    pub(crate) specs: Vec<InstrumentSpec>,
    pub(crate) next_code: i64,
    pub(crate) markets: BTreeMap<String, Market>,
    pub(crate) accounts: Vec<Account>,
    pub(crate) orders: HashMap<u64, Order>,
    pub(crate) algos: std::collections::BTreeMap<u64, algo::AlgoOrder>,
    /// Order ids in creation order.
    pub(crate) order_log: Vec<u64>,
    pub(crate) fills: Vec<FillRecord>,
    pub(crate) bills: Vec<Bill>,
    pub(crate) next_ord: u64,
    pub(crate) next_bill: u64,
    pub(crate) next_pos: u64,
    pub(crate) rules: Vec<OrderRule>,
    pub(crate) dirty: Dirty,
    pub(crate) limits: limits::Limits,
    pub(crate) ws: doors::WsState,
    pub(crate) rest: doors::RestState,
    /// Books take the next update with a sequence gap (`SkipBookSeq`).
    pub(crate) skip_seq: bool,
}

/// The exchange shared by the doors.
pub(crate) struct Exchange {
    world: Mutex<World>,
    pub(crate) clock: Arc<Clock>,
    pub(crate) next_conn: AtomicU64,
}

impl std::fmt::Debug for Exchange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exchange").finish_non_exhaustive()
    }
}

impl Exchange {
    /// An exchange of its own for a door started alone: defaults, the
    /// default account, a still market.
    pub(crate) fn standalone() -> Arc<Self> {
        Self::new(Settings::default(), None, vec![default_account()])
    }

    /// `accounts` are opened in order (the first is usually
    /// [`default_account`]).
    pub(crate) fn new(
        settings: Settings,
        instruments: Option<Vec<InstrumentSpec>>,
        accounts: Vec<AccountSpec>,
    ) -> Arc<Self> {
        let clock = Arc::new(Clock::new());
        let now = clock.now_ms();
        let mut world = World {
            settings,
            clock: clock.clone(),
            specs: Vec::new(),
            next_code: 10_000,
            markets: BTreeMap::new(),
            accounts: Vec::new(),
            orders: HashMap::new(),
            algos: BTreeMap::new(),
            order_log: Vec::new(),
            fills: Vec::new(),
            bills: Vec::new(),
            next_ord: 1_900_000_000_000_000_000 + (now as u64 % 1_000_000) * 1_000,
            next_bill: 1_800_000_000_000_000_000,
            next_pos: 1_700_000_000_000_000_000,
            rules: Vec::new(),
            dirty: Dirty::default(),
            limits: limits::Limits::default(),
            ws: doors::WsState::default(),
            rest: doors::RestState::default(),
            skip_seq: false,
        };
        let instruments = instruments.unwrap_or_else(|| instrument::default_instruments(now));
        for spec in instruments {
            world.list(spec);
        }
        for spec in accounts {
            world.add_account(spec);
        }
        world.dirty = Dirty::default();
        Arc::new(Exchange {
            world: Mutex::new(world),
            clock,
            next_conn: AtomicU64::new(1),
        })
    }

    /// Locks the world. A panic while holding the lock must not wedge every
    /// other task, so a poisoned lock is taken over.
    pub(crate) fn lock(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn d(text: &str) -> Decimal {
    text.parse().unwrap_or_default()
}

/// The account every exchange starts with ([`TEST_API_KEY`]): 100,000
/// USDT, 2 BTC, 20 ETH and 200 SOL.
pub fn default_account() -> AccountSpec {
    AccountSpec::new(ApiKey::new(TEST_API_KEY, TEST_SECRET, TEST_PASSPHRASE))
        .uid(TEST_UID)
        .balance("USDT", d("100000"))
        .balance("BTC", d("2"))
        .balance("ETH", d("20"))
        .balance("SOL", d("200"))
}

impl World {
    pub(crate) fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Lists an instrument (a new `instIdCode` when it has none), opens its
    /// market if new, and pushes it on `instruments`.
    pub(crate) fn list(&mut self, mut spec: InstrumentSpec) -> i64 {
        let twin = self
            .specs
            .iter()
            .find(|s| s.inst_id == spec.inst_id)
            .map(|s| s.inst_id_code);
        if spec.inst_id_code == 0 {
            // A SPOT pair and its MARGIN twin share one code, as at OKX.
            spec.inst_id_code = twin.unwrap_or_else(|| {
                self.next_code += 1;
                self.next_code
            });
        } else {
            self.next_code = self.next_code.max(spec.inst_id_code);
        }
        let code = spec.inst_id_code;
        self.specs
            .retain(|s| !(s.inst_id == spec.inst_id && s.kind == spec.kind));
        if !self.markets.contains_key(&spec.inst_id) {
            let start = self.clock.start_ms();
            let market = Market::new(&spec, self.settings.seed, start);
            self.markets.insert(spec.inst_id.clone(), market);
        }
        self.push_instrument(&spec);
        self.specs.push(spec);
        code
    }

    /// Takes an instrument off the list: its open orders are cancelled, the
    /// `instruments` channel is told, and REST no longer lists it.
    pub(crate) fn delist(&mut self, inst_id: &str) -> bool {
        let gone: Vec<InstrumentSpec> = self
            .specs
            .iter()
            .filter(|s| s.inst_id == inst_id)
            .cloned()
            .collect();
        if gone.is_empty() {
            return false;
        }
        self.specs.retain(|s| s.inst_id != inst_id);
        let open: Vec<u64> = self
            .orders
            .values()
            .filter(|o| o.inst_id == inst_id && o.is_open())
            .map(|o| o.ord_id)
            .collect();
        for id in open {
            self.cancel_order(id, order::cancel_source::SYSTEM);
        }
        let now = self.now();
        for mut spec in gone {
            spec.state = "suspend".into();
            spec.exp_time = Some(now);
            self.push_instrument(&spec);
        }
        self.flush();
        true
    }

    /// The listed instrument an order with this `tdMode` trades.
    pub(crate) fn spec_for(&self, inst_id: &str, td_mode: &str) -> Option<&InstrumentSpec> {
        let margin = matches!(td_mode, "cross" | "isolated");
        let mut found = self.specs.iter().filter(|s| s.inst_id == inst_id);
        let first = found.clone().next()?;
        if first.kind.is_derivative() {
            return Some(first);
        }
        let want = if margin { Kind::Margin } else { Kind::Spot };
        found.find(|s| s.kind == want)
    }

    pub(crate) fn spec_by_code(&self, code: i64) -> Option<&InstrumentSpec> {
        self.specs.iter().find(|s| s.inst_id_code == code)
    }

    pub(crate) fn add_account(&mut self, spec: AccountSpec) -> String {
        let uid = if spec.uid.is_empty() {
            format!("4400000000{:04}", self.accounts.len() + 1)
        } else {
            spec.uid.clone()
        };
        let now = self.now();
        self.accounts
            .push(Account::from_spec(spec, uid.clone(), now));
        uid
    }

    /// The account and key of an API key.
    pub(crate) fn key(&self, api_key: &str) -> Option<(usize, &ApiKey)> {
        self.accounts
            .iter()
            .enumerate()
            .find_map(|(i, a)| a.keys.iter().find(|k| k.api_key == api_key).map(|k| (i, k)))
    }

    pub(crate) fn account_by_uid(&self, uid: &str) -> Option<usize> {
        self.accounts.iter().position(|a| a.uid == uid)
    }

    /// USD value of one unit of a currency, from the markets.
    pub(crate) fn usd_price(&self, ccy: &str) -> Decimal {
        if matches!(ccy, "USDT" | "USDC" | "USD") {
            return Decimal::ONE;
        }
        self.markets
            .get(&format!("{ccy}-USDT"))
            .map_or(Decimal::ZERO, Market::fair_px)
    }

    /// One step of market motion for every moving market, then what is due:
    /// book heartbeats and `cancel-all-after` deadlines.
    pub(crate) fn tick_market(&mut self) {
        let ids: Vec<String> = self
            .markets
            .iter()
            .filter(|(_, m)| !m.scripted)
            .map(|(id, _)| id.clone())
            .collect();
        for id in ids {
            self.step_market(&id);
        }
        self.flush();
    }

    /// Housekeeping that runs on a timer even when nothing moves.
    pub(crate) fn tick_timers(&mut self) {
        self.fire_dead_man_switches();
        self.book_heartbeats();
        self.flush();
    }
}
