//! Accounts: API keys (several per account, demo or live), sub-accounts,
//! balances per currency, positions (net or long/short mode) and fees.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;

use super::instrument::Kind;

/// An API key of an account. `Debug` never prints the secret or passphrase.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// The key.
    pub api_key: String,
    /// The secret signatures are checked with.
    pub secret: String,
    /// The passphrase.
    pub passphrase: String,
    /// A demo-trading key: REST requests must carry `x-simulated-trading: 1`
    /// (a live key must not), as OKX checks with 50101.
    pub demo: bool,
    /// Whether the key may trade (`trade` permission); read-only otherwise.
    pub trade: bool,
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKey")
            .field("api_key", &self.api_key)
            .field("demo", &self.demo)
            .field("trade", &self.trade)
            .finish_non_exhaustive()
    }
}

impl ApiKey {
    /// A live key with trade permission.
    pub fn new(api_key: &str, secret: &str, passphrase: &str) -> Self {
        ApiKey {
            api_key: api_key.to_owned(),
            secret: secret.to_owned(),
            passphrase: passphrase.to_owned(),
            demo: false,
            trade: true,
        }
    }

    /// The same key for demo trading.
    pub fn demo(mut self) -> Self {
        self.demo = true;
        self
    }

    /// The same key without trade permission.
    pub fn read_only(mut self) -> Self {
        self.trade = false;
        self
    }
}

/// Position mode of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PosMode {
    /// One position per instrument, signed (`posSide` `net`).
    #[default]
    Net,
    /// Separate long and short positions (`posSide` `long` / `short`).
    LongShort,
}

impl PosMode {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            PosMode::Net => "net_mode",
            PosMode::LongShort => "long_short_mode",
        }
    }
}

/// An account to create on the exchange.
#[derive(Debug, Clone)]
pub struct AccountSpec {
    /// `uid`; empty lets the exchange assign one.
    pub uid: String,
    /// Label (sub-account name for sub-accounts).
    pub label: String,
    /// Its API keys.
    pub keys: Vec<ApiKey>,
    /// Starting balances.
    pub balances: Vec<(String, Decimal)>,
    /// Position mode.
    pub pos_mode: PosMode,
    /// `uid` of the master account, for a sub-account.
    pub master: Option<String>,
    /// Maker fee rate (positive: charged), e.g. `0.0008`.
    pub maker_fee: Decimal,
    /// Taker fee rate, e.g. `0.001`.
    pub taker_fee: Decimal,
}

impl AccountSpec {
    /// An account with one live key and OKX's regular-user fees
    /// (0.08% maker, 0.1% taker).
    pub fn new(key: ApiKey) -> Self {
        AccountSpec {
            uid: String::new(),
            label: String::new(),
            keys: vec![key],
            balances: Vec::new(),
            pos_mode: PosMode::Net,
            master: None,
            maker_fee: Decimal::new(8, 4),
            taker_fee: Decimal::new(1, 3),
        }
    }

    /// Adds a starting balance.
    pub fn balance(mut self, ccy: &str, amount: Decimal) -> Self {
        self.balances.push((ccy.to_owned(), amount));
        self
    }

    /// Sets the position mode.
    pub fn pos_mode(mut self, mode: PosMode) -> Self {
        self.pos_mode = mode;
        self
    }

    /// Makes it a sub-account of the account with this `uid`.
    pub fn sub_account_of(mut self, master_uid: &str, label: &str) -> Self {
        self.master = Some(master_uid.to_owned());
        self.label = label.to_owned();
        self
    }

    /// Sets the `uid`.
    pub fn uid(mut self, uid: &str) -> Self {
        self.uid = uid.to_owned();
        self
    }
}

/// Cash and order-frozen amount of one currency.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Bal {
    pub(crate) cash: Decimal,
    pub(crate) frozen: Decimal,
    pub(crate) u_time: i64,
}

/// An open position.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Position {
    pub(crate) pos_id: u64,
    pub(crate) inst_id: String,
    pub(crate) kind: Kind,
    pub(crate) mgn_mode: String,
    /// `net`, `long` or `short`.
    pub(crate) pos_side: String,
    /// Contracts; signed in net mode, positive otherwise.
    pub(crate) pos: Decimal,
    pub(crate) avg_px: Decimal,
    pub(crate) realized_pnl: Decimal,
    pub(crate) fee: Decimal,
    pub(crate) lever: u32,
    pub(crate) trade_id: String,
    pub(crate) c_time: i64,
    pub(crate) u_time: i64,
    /// Largest size held since it opened.
    pub(crate) open_max: Decimal,
    /// Size closed since it opened, and its price × size, for the history.
    pub(crate) close_total: Decimal,
    pub(crate) close_value: Decimal,
}

/// An account on the exchange.
#[derive(Debug, Clone)]
pub(crate) struct Account {
    pub(crate) uid: String,
    pub(crate) label: String,
    pub(crate) master: Option<String>,
    pub(crate) keys: Vec<ApiKey>,
    pub(crate) balances: BTreeMap<String, Bal>,
    pub(crate) positions: Vec<Position>,
    pub(crate) pos_mode: PosMode,
    pub(crate) maker_fee: Decimal,
    pub(crate) taker_fee: Decimal,
    /// Leverage per instrument (default 10).
    pub(crate) lever: BTreeMap<String, u32>,
    /// `cancel-all-after` deadlines, exchange ms, per tag (`""` for all).
    pub(crate) dead_man: BTreeMap<String, i64>,
    /// Positions closed, newest last, as `positions-history` lists them.
    pub(crate) closed: Vec<serde_json::Value>,
}

impl Account {
    pub(crate) fn from_spec(spec: AccountSpec, uid: String, now: i64) -> Self {
        let mut balances = BTreeMap::new();
        for (ccy, amount) in spec.balances {
            balances.insert(
                ccy,
                Bal {
                    cash: amount,
                    frozen: Decimal::ZERO,
                    u_time: now,
                },
            );
        }
        Account {
            uid,
            label: spec.label,
            master: spec.master,
            keys: spec.keys,
            balances,
            positions: Vec::new(),
            pos_mode: spec.pos_mode,
            maker_fee: spec.maker_fee,
            taker_fee: spec.taker_fee,
            lever: BTreeMap::new(),
            dead_man: BTreeMap::new(),
            closed: Vec::new(),
        }
    }

    pub(crate) fn bal(&mut self, ccy: &str) -> &mut Bal {
        self.balances.entry(ccy.to_owned()).or_default()
    }

    pub(crate) fn cash(&self, ccy: &str) -> Decimal {
        self.balances.get(ccy).map_or(Decimal::ZERO, |b| b.cash)
    }

    pub(crate) fn available(&self, ccy: &str) -> Decimal {
        self.balances
            .get(ccy)
            .map_or(Decimal::ZERO, |b| b.cash - b.frozen)
    }

    pub(crate) fn lever_of(&self, inst_id: &str) -> u32 {
        self.lever.get(inst_id).copied().unwrap_or(10)
    }

    /// The position an order on `inst_id` with `pos_side` works on.
    pub(crate) fn position_mut(
        &mut self,
        inst_id: &str,
        pos_side: &str,
        mgn_mode: &str,
    ) -> Option<&mut Position> {
        self.positions
            .iter_mut()
            .find(|p| p.inst_id == inst_id && p.pos_side == pos_side && p.mgn_mode == mgn_mode)
    }
}
