//! What the client tells its user: connection events, typed pushes, book
//! events and reports of a slow consumer.

use crate::arg::Arg;
use crate::endpoint::Endpoint;
use crate::error::Cause;
use okx_models::ws::{
    AccountGreeksPush, AdlWarningPush, AlgoAdvancePush, AlgoOrderPush, AlgoRecurringBuyPush,
    BalanceAndPosition, BlockTickersPush, BookPush, CallAuctionDetailsPush,
    CopytradingLeadNotificationPush, DepositInfoPush, EconomicCalendarPush, EstimatedPricePush,
    EventContractMarket, FillPush, FundingRatePush, GridOrdersContractPush, GridOrdersSpotPush,
    GridPositionsPush, GridSubOrdersPush, IndexTicker, LiquidationOrder, LiquidationWarning,
    MarkPrice, OpenInterestPush, OptSummaryPush, OptionTradesPush, PriceLimit,
    PublicBlockTradesPush, PublicStrucBlockTradesPush, QuotesPush, RfqsPush, RpiBookPush,
    SprdCandle, SprdOrdersPush, SprdPublicTradesPush, SprdTickersPush, SprdTradesPush,
    StrucBlockTradesPush, SystemStatus, WithdrawalInfoPush,
};
use okx_models::{
    Balance, BookAction, Candle, InstId, Instrument, OkxCode, Order, Position, Ticker, Trade,
};

/// Why a connection went down.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DisconnectReason {
    /// The server closed the socket (with OKX's close code when it sent one,
    /// e.g. 4004 "no data received in 30s").
    Closed {
        /// WebSocket close code.
        code: Option<u16>,
        /// Close reason text.
        reason: String,
    },
    /// A transport error (the socket, TLS, the WebSocket protocol).
    Error(Cause),
    /// Nothing, not even `pong`, came back after a `ping`.
    PongTimeout,
    /// The socket still answered `ping` but its pushes stopped (see
    /// [`WsConfig::book_stale_after`](crate::WsConfig::book_stale_after) and
    /// [`WsConfig::push_timeout`](crate::WsConfig::push_timeout)).
    StaleFeed {
        /// How long nothing arrived.
        silent_for: std::time::Duration,
    },
    /// Connecting, the handshake or login did not succeed.
    ConnectFailed(String),
    /// The client was closed.
    Shutdown,
}

/// A decoded push: the subscription arg and the typed rows.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Push {
    /// The `arg` of the push (private pushes also carry `uid`).
    pub arg: Arg,
    /// The typed rows.
    pub data: PushData,
    /// `eventType` of account/positions pushes (`snapshot`, `event_update`).
    pub event_type: Option<String>,
    /// `curPage` of paged account/positions snapshots.
    pub cur_page: Option<i64>,
    /// `lastPage` of paged account/positions snapshots.
    pub last_page: Option<bool>,
}

/// The rows of a push, by channel: one variant for every channel of OKX's
/// WebSocket catalog (`ws_channels.json`, audited by the generated
/// `channels` test and the routing audit), plus the 2026 channels
/// `books-elp`, `books-rpi` and `event-contract-markets`. A channel OKX adds later arrives as
/// [`WsEvent::Unknown`] with the frame text until it gets its variant.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PushData {
    /// `tickers`.
    Tickers(Vec<Ticker>),
    /// `trades` and `trades-all`.
    Trades(Vec<Trade>),
    /// `books`, `books5`, `bbo-tbt`, `books50-l2-tbt`, `books-l2-tbt` (when the
    /// client does not keep the books itself; see [`WsConfig::maintain_books`](crate::WsConfig::maintain_books)).
    Books {
        /// `snapshot` or `update`; `None` on full-book channels.
        action: Option<BookAction>,
        /// The rows.
        rows: Vec<BookPush>,
    },
    /// `candle{bar}`, `mark-price-candle{bar}`, `index-candle{bar}`.
    Candles(Vec<Candle>),
    /// `mark-price`.
    MarkPrice(Vec<MarkPrice>),
    /// `index-tickers`.
    IndexTickers(Vec<IndexTicker>),
    /// `funding-rate`.
    FundingRate(Vec<FundingRatePush>),
    /// `open-interest`.
    OpenInterest(Vec<OpenInterestPush>),
    /// `price-limit`.
    PriceLimit(Vec<PriceLimit>),
    /// `instruments`.
    Instruments(Vec<Instrument>),
    /// `liquidation-orders`.
    LiquidationOrders(Vec<LiquidationOrder>),
    /// `status`.
    Status(Vec<SystemStatus>),
    /// `orders`.
    Orders(Vec<Order>),
    /// `account`.
    Account(Vec<Balance>),
    /// `positions`.
    Positions(Vec<Position>),
    /// `balance_and_position`.
    BalanceAndPosition(Vec<BalanceAndPosition>),
    /// `fills`.
    Fills(Vec<FillPush>),
    /// `orders-algo`.
    AlgoOrders(Vec<AlgoOrderPush>),
    /// `liquidation-warning`.
    LiquidationWarning(Vec<LiquidationWarning>),
    /// `account-greeks`.
    AccountGreeks(Vec<AccountGreeksPush>),
    /// `algo-advance` (iceberg, TWAP, trailing stop).
    AlgoAdvance(Vec<AlgoAdvancePush>),
    /// `grid-orders-spot`.
    GridOrdersSpot(Vec<GridOrdersSpotPush>),
    /// `grid-orders-contract`.
    GridOrdersContract(Vec<GridOrdersContractPush>),
    /// `grid-positions`.
    GridPositions(Vec<GridPositionsPush>),
    /// `grid-sub-orders`.
    GridSubOrders(Vec<GridSubOrdersPush>),
    /// `algo-recurring-buy`.
    AlgoRecurringBuy(Vec<AlgoRecurringBuyPush>),
    /// `copytrading-lead-notification`.
    CopytradingLeadNotification(Vec<CopytradingLeadNotificationPush>),
    /// `option-trades`.
    OptionTrades(Vec<OptionTradesPush>),
    /// `call-auction-details`.
    CallAuctionDetails(Vec<CallAuctionDetailsPush>),
    /// `rfqs` (block trading).
    Rfqs(Vec<RfqsPush>),
    /// `quotes` (block trading).
    Quotes(Vec<QuotesPush>),
    /// `struc-block-trades`.
    StrucBlockTrades(Vec<StrucBlockTradesPush>),
    /// `public-struc-block-trades`.
    PublicStrucBlockTrades(Vec<PublicStrucBlockTradesPush>),
    /// `public-block-trades`.
    PublicBlockTrades(Vec<PublicBlockTradesPush>),
    /// `block-tickers`.
    BlockTickers(Vec<BlockTickersPush>),
    /// `sprd-orders`.
    SprdOrders(Vec<SprdOrdersPush>),
    /// `sprd-trades`.
    SprdTrades(Vec<SprdTradesPush>),
    /// `sprd-public-trades`.
    SprdPublicTrades(Vec<SprdPublicTradesPush>),
    /// `sprd-tickers`.
    SprdTickers(Vec<SprdTickersPush>),
    /// `sprd-bbo-tbt`, `sprd-books5`, `sprd-books-l2-tbt`: spread books are
    /// delivered as rows; the client keeps no local spread book (their
    /// `arg` names a `sprdId`, and OKX sends no checksum for them to verify).
    SprdBooks {
        /// `snapshot` or `update`.
        action: Option<BookAction>,
        /// The rows.
        rows: Vec<BookPush>,
    },
    /// `sprd-candle{bar}`.
    SprdCandles(Vec<SprdCandle>),
    /// `opt-summary`.
    OptSummary(Vec<OptSummaryPush>),
    /// `estimated-price`.
    EstimatedPrice(Vec<EstimatedPricePush>),
    /// `adl-warning` (since 2026-06-09 pushed only in `warning`/`adl`
    /// states, with the insurance-fund fields blank).
    AdlWarning(Vec<AdlWarningPush>),
    /// `economic-calendar`.
    EconomicCalendar(Vec<EconomicCalendarPush>),
    /// `deposit-info`.
    DepositInfo(Vec<DepositInfoPush>),
    /// `withdrawal-info`.
    WithdrawalInfo(Vec<WithdrawalInfoPush>),
    /// `event-contract-markets` (2026, event contracts).
    EventContractMarkets(Vec<EventContractMarket>),
    /// `books-rpi`: levels `[px, totalQty, nonRpiQty, count]`. With
    /// [`WsConfig::maintain_books`](crate::WsConfig::maintain_books) the
    /// client also keeps the local book (by total size) and reports it
    /// with [`WsEvent::Book`].
    RpiBooks {
        /// `snapshot` or `update`.
        action: Option<BookAction>,
        /// The rows.
        rows: Vec<RpiBookPush>,
    },
}

impl PushData {
    /// Sets the `action` of book rows (it sits beside `data` in the frame).
    pub(crate) fn set_action(&mut self, value: Option<BookAction>) {
        match self {
            PushData::Books { action, .. }
            | PushData::SprdBooks { action, .. }
            | PushData::RpiBooks { action, .. } => *action = value,
            _ => {}
        }
    }
}

/// A change to a local order book kept by the client.
///
/// Made without allocating (the channel is a `Copy` enum, the instrument
/// id is stored inline), since one is sent for every book push.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BookUpdate {
    /// Channel (`books`, `books5`, ...; its OKX name is
    /// [`Channel::name`](okx_book::Channel::name)).
    pub channel: okx_book::Channel,
    /// Instrument id.
    pub inst_id: InstId,
    /// Whether the frame was a snapshot (a fresh book).
    pub snapshot: bool,
    /// The book's sequence id after the frame.
    pub seq_id: Option<i64>,
    /// What the book's integrity rests on now: since OKX sends `checksum`
    /// 0 (2026-06-23) it is [`Integrity::Sequenced`](okx_book::Integrity),
    /// the `seqId` chain alone.
    pub integrity: okx_book::Integrity,
    /// Whether this frame carried a non-zero checksum the book matched
    /// (never claimed for `checksum: 0`).
    pub checksum_verified: bool,
}

/// Everything the client reports, in arrival order per queue (see
/// [`WsEvents`](crate::WsEvents)).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum WsEvent {
    /// A connection is up for the first time (logged in and subscribed).
    Connected {
        /// Endpoint.
        endpoint: Endpoint,
        /// Connection number within the client.
        conn: usize,
    },
    /// A connection is back after a drop, logged in again and resubscribed.
    Reconnected {
        /// Endpoint.
        endpoint: Endpoint,
        /// Connection number within the client.
        conn: usize,
    },
    /// A connection went down; the client reconnects unless the reason is
    /// [`DisconnectReason::Shutdown`] or login was rejected for good.
    Disconnected {
        /// Endpoint.
        endpoint: Endpoint,
        /// Connection number within the client.
        conn: usize,
        /// Why.
        reason: DisconnectReason,
    },
    /// Login failed. With `permanent` the connection stopped retrying: OKX
    /// named a reason retrying cannot fix (bad key, passphrase, signature,
    /// expired key), or [`WsConfig::max_login_failures`](crate::WsConfig::max_login_failures)
    /// was reached. Otherwise it tries again after a backoff.
    LoginFailed {
        /// Endpoint.
        endpoint: Endpoint,
        /// Connection number within the client.
        conn: usize,
        /// OKX's code.
        code: OkxCode,
        /// OKX's message.
        msg: String,
        /// Whether retrying was given up.
        permanent: bool,
    },
    /// OKX refused to subscribe `arg` again after a reconnect for a reason
    /// retrying cannot fix; it is no longer subscribed. A later
    /// [`WsClient::subscribe`](crate::WsClient::subscribe) sends it anew.
    SubscriptionDropped {
        /// Endpoint.
        endpoint: Endpoint,
        /// The arg OKX refused.
        arg: Arg,
        /// OKX's code.
        code: OkxCode,
        /// OKX's message.
        msg: String,
    },
    /// A connection's subscribe/unsubscribe budget (OKX: 480 per hour per
    /// connection) cannot cover resubscribing `arg`, whose local book is out
    /// of sync. The client opens a replacement connection (with a budget of
    /// its own) that subscribes everything afresh before this one is let
    /// go, like a 64008 upgrade; [`WsEvent::Reconnected`] follows, then the
    /// book's new snapshot. A replacement that fails is tried again with
    /// backoff; this is reported once per book until one succeeds.
    OpBudgetExhausted {
        /// Endpoint.
        endpoint: Endpoint,
        /// Connection number within the client.
        conn: usize,
        /// The book subscription that needed the ops.
        arg: Arg,
    },
    /// A typed push.
    Push(Box<Push>),
    /// A local book changed; read it with [`WsClient::book`](crate::WsClient::book).
    Book(BookUpdate),
    /// A local book lost sync (sequence gap or checksum mismatch); the client
    /// resubscribes to get a fresh snapshot.
    BookOutOfSync {
        /// Channel.
        channel: String,
        /// Instrument id.
        inst_id: String,
        /// What went wrong.
        reason: String,
    },
    /// The consumer fell behind and this many market data events were dropped
    /// (policy [`Overflow::DropOldest`](crate::Overflow::DropOldest)).
    Lagged {
        /// Events dropped since the last report.
        dropped: u64,
    },
    /// An OKX `notice` (64008 service upgrade is handled by the client).
    Notice {
        /// Endpoint.
        endpoint: Endpoint,
        /// OKX's code.
        code: OkxCode,
        /// OKX's message.
        msg: String,
    },
    /// `channel-conn-count` / `channel-conn-count-error` (30-connection cap
    /// per private channel).
    ChannelConnCount {
        /// Channel.
        channel: String,
        /// Connections on that channel.
        count: u32,
        /// True for `channel-conn-count-error`: the newest subscription was dropped.
        over_limit: bool,
    },
    /// An `error` event no pending request claimed.
    Error {
        /// Endpoint.
        endpoint: Endpoint,
        /// OKX's code.
        code: OkxCode,
        /// OKX's message.
        msg: String,
    },
    /// A push on a channel this client has no type for, kept raw.
    Unknown {
        /// Channel (empty when the frame had none).
        channel: String,
        /// The frame text.
        raw: String,
    },
    /// A push on a known channel whose rows did not decode.
    DecodeError {
        /// Channel.
        channel: String,
        /// The decoder's message.
        error: String,
        /// The frame text.
        raw: String,
    },
}
