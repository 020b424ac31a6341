//! The field rules and overrides: the one place that decides what the docs'
//! all-`String` types really are, how endpoints are named and grouped, and
//! which rate-limit rule maps to which `LimitScope`.

use super::spec::{Endpoint, Kind};

/// Catalog group → Rust module (the same name in okx-rest and okx-models),
/// in catalog order. A group may split into several modules by path prefix
/// (affiliate, status and announcements share one catalog group).
pub const MODULES: &[(&str, &str, Option<&str>)] = &[
    ("Market data", "market", None),
    ("Public data", "public", None),
    ("Trading account", "account", None),
    ("Trade", "trade", None),
    ("Algo orders", "algo", None),
    ("Funding / asset", "asset", None),
    ("Sub-account", "subaccount", None),
    ("Trading statistics", "rubik", None),
    ("Trading bots", "bot", None),
    ("Copy trading", "copytrading", None),
    ("Spread trading", "spread", None),
    ("Block trading / RFQ", "rfq", None),
    ("Financial products", "finance", None),
    (AFFILIATE_GROUP, "affiliate", Some("/api/v5/affiliate/")),
    (AFFILIATE_GROUP, "status", Some("/api/v5/system/")),
    (AFFILIATE_GROUP, "announcement", Some("/api/v5/support/")),
];

/// The group `endpoints.json` gives the endpoints outside the tsv catalog.
pub const AFFILIATE_GROUP: &str = "Affiliate / status / announcements";

/// The module of an endpoint, if its group is covered.
pub fn module_of(ep: &Endpoint) -> Option<&'static str> {
    MODULES
        .iter()
        .find(|(g, _, prefix)| *g == ep.group && prefix.is_none_or(|p| ep.path.starts_with(p)))
        .map(|(_, m, _)| *m)
}

/// The catalog group of an endpoint only the 2026 docs list, by its path.
pub fn group_of_path(path: &str) -> Option<&'static str> {
    let rest = path.strip_prefix("/api/v5/")?;
    let first = rest.split('/').next()?;
    Some(match first {
        "market" if rest.starts_with("market/sprd-") => "Spread trading",
        "market" => "Market data",
        "public" => "Public data",
        "account" | "users" if !rest.starts_with("users/subaccount") => "Trading account",
        "users" => "Sub-account",
        "trade" => "Trade",
        "asset" | "fiat" => "Funding / asset",
        "rubik" => "Trading statistics",
        "tradingBot" => "Trading bots",
        "copytrading" => "Copy trading",
        "sprd" => "Spread trading",
        "rfq" => "Block trading / RFQ",
        "finance" => "Financial products",
        "affiliate" | "system" | "support" => AFFILIATE_GROUP,
        _ => return None,
    })
}

/// Endpoints whose success is not JSON: the SBE book snapshot.
pub fn binary(ep: &Endpoint) -> bool {
    ep.path == "/api/v5/market/books-sbe"
}

/// Whether requests are signed: the public market, public-data and
/// statistics groups never are; elsewhere the endpoints OKX counts by IP
/// (the "(public)" ones of bots, copy trading, spreads, RFQ, earn) are
/// public too. Announcements sign only to get the residence-based list, so
/// they are sent unsigned.
pub fn signed(ep: &Endpoint) -> bool {
    let module = module_of(ep).unwrap_or("");
    if matches!(
        module,
        "market" | "public" | "rubik" | "status" | "announcement"
    ) {
        return false;
    }
    let original = MODULES[..8].iter().any(|(g, _, _)| *g == ep.group);
    let rule = ep
        .rate_limit
        .as_ref()
        .and_then(|r| r.rule.as_deref())
        .unwrap_or("");
    original || !rule.starts_with("IP")
}

/// Text of numbers that are money, prices, sizes, rates, ratios or greeks:
/// `Decimal` (responses: `Option<Decimal>`, `""` is `None`).
#[rustfmt::skip]
const DECIMAL: &[&str] = &[
    "accAvgPx", "accBorrowed", "accFillSz", "acctAvailEq", "acctLever", "activePx", "actualPx",
    "actualSz", "adjEq", "adjEqChg", "allAcctRemainingQuota", "amt", "askPx", "askSz", "askVol",
    "autoLendMtAmt", "availBal", "availBalChg", "availBuy", "availEq", "availLoan", "availPos",
    "availSell", "avgPx", "avgRate", "bal", "balChg", "balance", "baseBal", "baseBorrowed",
    "baseCcyMax", "baseCcyMin", "baseInterest", "baseMaxLoan", "baseSz", "bePx", "bidPx", "bidSz",
    "bidVol", "borrowFroz", "borrowImr", "borrowMmr", "burningFeeRate", "buyLmt", "buyVol", "c",
    "callBlockVol", "callBuyVol", "callOI", "callSellVol", "callVol", "callbackRatio",
    "callbackSpread", "cashBal", "chaseVal", "clSpotInUseAmt", "classic", "closeAvgPx",
    "closeFraction", "cnvPx", "cnvtPx", "crossLiab", "ctMult", "ctVal", "curAcctRemainingQuota",
    "dailyLimit", "dailyLimitRemaining", "debt", "debtAmt", "decRate", "delta", "deltaBS",
    "deltaPA", "depQuotaFixed", "depQuoteDailyLayer2", "derivMmr", "disCcyEq", "disEq",
    "discountRate", "earn", "eq", "eqPx", "eqUsd", "estAvailQuoteTrans", "estAvailTrans",
    "estLiqPx", "estMaxAmt", "estMgn", "estQuoteMaxAmt", "estQuoteMgn", "estSettlePx", "fee",
    "feeRate", "fillBaseSz", "fillDebtSz", "fillFromAmt", "fillFromSz", "fillFwdPx", "fillIdxPx",
    "fillMarkPx", "fillMarkVol", "fillPnl", "fillPx", "fillPxUsd", "fillPxVol", "fillQuoteSz",
    "fillRatio", "fillRepaySz", "fillSz", "fillToAmt", "fillToSz", "fillVol", "fixedBal",
    "fixedPxDailyLimit", "fixedPxRemainingDailyQuota", "floatPnl", "fromAmt", "frozenBal",
    "funding", "fundingFee", "fundingRate", "fwdPx", "gamma", "gammaBS", "gammaPA", "h", "high24h",
    "idxPx", "idxVol", "impactValue", "imr", "imrBf", "imrChg", "interest", "interestFreeLiab",
    "interestRate", "irDiscount", "isoEq", "isoLiab", "isoUpl", "l", "last", "lastSz", "lever",
    "leverage", "liab", "liabChg", "lifetimeLimit", "liqPenalty", "liqPenaltyRate", "liqPx",
    "liqPxDiff", "liqPxDiffRatio", "loanQuota", "loanQuotaCoef", "longShortAcctRatio",
    "longShortPosRatio", "lotSz", "low24h", "mainFillRatio", "maker", "makerU", "makerUSDC",
    "margin", "marginRatio", "markPx", "markPxBf", "markVol", "matchedSz", "max", "maxAmt",
    "maxBal", "maxBuy", "maxChaseVal", "maxFee", "maxFeeForCtAddr", "maxFundingRate",
    "maxIcebergSz", "maxLever", "maxLmtAmt", "maxLmtSz", "maxLoan", "maxMktAmt", "maxMktSz",
    "maxPx", "maxSell", "maxSpotInUse", "maxSpotInUseAmt", "maxStopSz", "maxSz", "maxTriggerSz",
    "maxTwapSz", "maxWd", "maxWdEx", "mgnRatio", "mgnRatioChg", "min", "minAmt", "minDep",
    "minDiscountRate", "minFee", "minFeeForCtAddr", "minFundingRate", "minInternal", "minLever",
    "minPx", "minSz", "minWd", "mmr", "mmrBf", "mmrChg", "mmrRatio", "monthlyLimit",
    "monthlyLimitRemaining", "moveTriggerPx", "mr1", "mr2", "mr3", "mr4", "mr5", "mr6", "mr7",
    "mr8", "mr9", "newPx", "newPxUsd", "newPxVol", "newSlOrdPx", "newSlTriggerPx", "newSz",
    "newTpOrdPx", "newTpTriggerPx", "nextFundingRate", "nonSettleAvgPx", "notionalCcy",
    "notionalLever", "notionalUsd", "notionalUsdForBorrow", "notionalUsdForFutures",
    "notionalUsdForOption", "notionalUsdForSwap", "o", "oi", "oiCcy", "oiRatio", "oiUsd",
    "open24h", "openAvgPx", "openMaxPos", "optMgnFactor", "optVal", "ordFroz", "ordFrozen",
    "ordPx", "origRfqSz", "pendingCloseOrdLiabVal", "platRemainingQuota", "pnl", "pnlRatio", "pos",
    "posBal", "posBalChg", "posLoan", "potentialBorrowingAmt", "premium", "putBlockVol",
    "putBuyVol", "putOI", "putSellVol", "putVol", "px", "pxLimit", "pxSpread", "pxUsd", "pxVar",
    "pxVol", "qtyLimit", "quota", "quoteBal", "quoteBorrowed", "quoteCcyMax", "quoteCcyMin",
    "quoteFromAmt", "quoteInterest", "quoteMaxLoan", "quotePx", "quoteSz", "quoteToAmt", "rate",
    "ratio", "realVol", "realizedPnl", "realizedRate", "rebate", "repayAmt", "rewardBal", "rfqAmt",
    "rfqSz", "sellLmt", "sellVol", "settFundingRate", "settlePx", "settledPnl", "shockFactor",
    "singleTradeMax", "singleTradeMin", "slOrdPx", "slTriggerPx", "smtSyncEq", "sodUtc0",
    "sodUtc8", "spotBal", "spotCopyTradingEq", "spotInUse", "spotInUseAmt", "spotIsoBal",
    "spotOffsetMaxWd", "spotOffsetMaxWdEx", "spotShock", "spotUpl", "spotUplRatio", "stgyEq",
    "strike", "surplusLmt", "symPx", "sz", "szLimit", "taker", "takerU", "takerUSDC", "theta",
    "thetaBS", "thetaPA", "tickSz", "total", "totalAsset", "totalBal", "totalEq", "totalImr",
    "totalLiab", "totalMmr", "totalPnl", "totalPnlRatio", "tpOrdPx", "tpTriggerPx", "trading",
    "triggerPx", "unmatchedSz", "upl", "uplLastPx", "uplLiab", "uplRatio", "uplRatioLastPx",
    "usdCny", "usdPx", "usedDepQuotaFixed", "usedLmt", "usedLoan", "usedWdQuota", "vega", "vegaBS",
    "vegaPA", "vol", "vol24h", "volCcy", "volCcy24h", "volCcyQuote", "volCny", "volRatio",
    "volUsd", "wdQuota", "wdTickSz", "weeklyLimit", "weeklyLimitRemaining", "wgt",
    "orderPx", "newOrdPx", "newTriggerPx",
    // trading bots, copy trading, spreads, RFQ, earn, loans, affiliate
    "accFee", "adlBal", "adlRate", "adlRecBal", "adlRecRate", "annualizedRate", "apy",
    "arbitragePnL", "aum", "avgAmt", "avgAmtUsd",
    "avgSubPosNotional", "canceledSz", "collateralNotionalUsd", "copyAmt", "copyRatio",
    "copyTotalAmt", "copyTotalPnl", "copyTraderNumChgRatio", "curBaseSz", "curCopyTraderPnl",
    "curLTV", "curQuoteSz", "depAmt", "earnings", "estRate", "fastRedemptionAvail",
    "fastRedemptionDailyLimit", "floatProfit", "gridProfit", "initOrdAmt", "investAmt",
    "investment", "investmentAmt", "inviteeRebateRate", "latestInterestAccrual", "liqLTV",
    "loanAmt", "loanNotionalUsd", "marginCallLTV", "maxBlockSz", "maxCopyAmt", "maxCopyRatio",
    "maxCopyTotalAmt", "maxRedeemAmt", "maxSlRatio", "maxTpRatio", "minCopyAmt", "minCopyRatio",
    "minInvestment", "pendingAmt", "pendingFillSz", "pendingSettleSz", "perGridProfitRatio",
    "perMaxProfitRate", "perMinProfitRate", "preRate", "profitSharingAmt", "pxSteps",
    "pxStepsMult", "realizedEarnings", "redeemingAmt", "remainingQuota", "runPx",
    "safetyOrdAmt", "singleAmt", "slPct", "slRatio", "slTotalAmt", "szCont", "todayPnl",
    "totalAnnRate", "totalAnnualizedRate", "totalCommission", "totalFundingFee",
    "totalInterestAccrual", "totalProfitSharingAmt", "totalUnrealizedProfitSharingAmt", "tpPct",
    "tpRatio", "transferInMargin", "unrealizedProfitSharingAmt", "volMonth", "volMult",
    "winRatio",
];

/// Millisecond timestamps and plain counters: `i64` (responses only; request
/// cursors and time bounds stay text, as OKX takes them).
#[rustfmt::skip]
const INT: &[&str] = &[
    "ts", "cTime", "uTime", "fillTime", "listTime", "expTime", "contTdSwTime", "auctionEndTime",
    "fundingTime", "nextFundingTime", "nextSettleTime", "triggerTime", "quoteTime", "inTime",
    "outTime", "depEstOpenTime", "wdEstOpenTime", "nextDiscountTime", "nextInterestTime",
    "maxBalTs", "mmpFrozenUntil", "ttlMs", "accRateLimit", "nextAccRateLimit", "instIdCode",
    "timeInterval", "frozenInterval", "date", "refDate",
    // trading bots, copy trading, spreads, RFQ, earn, loans, affiliate
    "accCopyTraderNum", "activeOrdNum", "beginCopyTime", "beginTs", "closeTime", "completedTime",
    "copyTraderNum", "eventCtime", "eventUtime", "firstTradeTime", "joinTime", "kycTime",
    "leadDays", "lossDays", "maxCopyTraderNum", "maxGridQty", "nextInvestTime", "openTime",
    "pTime", "profitDays", "profitSharingTs", "purchasedTime", "redeemedTime", "requestTime",
    "totalPage", "tradeNum", "triggerNum", "validUntil",
];

/// Flags the docs type as String that OKX sends as `"true"`/`"false"` text
/// or as JSON bools (`nonTradableAsset` of the withdrawal-info push).
const BOOL_TEXT: &[&str] = &["reduceOnly", "isTpLimit", "nonTradableAsset"];

/// A leaf field's Rust type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    Str,
    Dec,
    Int,
    Bool,
    /// A wire enum from `okx_models::enums`.
    Enum(&'static str),
}

fn enum_of(name: &str, ep: &Endpoint) -> Option<&'static str> {
    let algo = ep.group == "Algo orders";
    Some(match name {
        "instType" => "InstType",
        "side" => "Side",
        "posSide" => "PosSide",
        "tdMode" => "TdMode",
        "ordType" if algo => "AlgoOrdType",
        "ordType" => "OrdType",
        "mgnMode" => "MgnMode",
        "tgtCcy" => "TgtCcy",
        "optType" => "OptType",
        "ctType" => "CtType",
        "execType" => "ExecType",
        "posMode" => "PosMode",
        "stpMode" | "acctStpMode" => "StpMode",
        "triggerPxType" | "tpTriggerPxType" | "slTriggerPxType" | "newTpTriggerPxType"
        | "newSlTriggerPxType" | "newTriggerPxType" => "TriggerPxType",
        "tpOrdKind" | "newTpOrdKind" => "TpOrdKind",
        "ruleType" => "RuleType",
        "bar" => "Bar",
        "state" => state_enum(ep)?,
        _ => return None,
    })
}

/// `state` means something different on every page; only three are wire enums.
fn state_enum(ep: &Endpoint) -> Option<&'static str> {
    match ep.path.as_str() {
        "/api/v5/public/instruments" | "/api/v5/account/instruments" => Some("InstState"),
        "/api/v5/trade/order"
        | "/api/v5/trade/orders-pending"
        | "/api/v5/trade/orders-history"
        | "/api/v5/trade/orders-history-archive" => Some("OrderState"),
        "/api/v5/trade/order-algo"
        | "/api/v5/trade/orders-algo-pending"
        | "/api/v5/trade/orders-algo-history" => Some("AlgoState"),
        _ => None,
    }
}

/// Per-endpoint corrections where a name-wide rule does not fit; a path
/// ending in `*` covers every path it starts.
const FIELD_OVERRIDES: &[(&str, &str, Scalar)] = &[
    // Documented as Boolean; OKX sends "turn_on" / "turn_off".
    ("/api/v5/account/set-auto-earn", "action", Scalar::Str),
    // Dual investment names a currency here, not a notional amount.
    ("/api/v5/finance/sfp/dcd/*", "notionalCcy", Scalar::Str),
    // A `yyyy-MM-dd` day, not the Unix-ms `date` of other pages.
    ("/api/v5/users/glp/*", "date", Scalar::Str),
];

fn field_override(name: &str, ep: &Endpoint) -> Option<Scalar> {
    FIELD_OVERRIDES
        .iter()
        .find(|(p, n, _)| {
            *n == name
                && match p.strip_suffix('*') {
                    Some(prefix) => ep.path.starts_with(prefix),
                    None => *p == ep.path,
                }
        })
        .map(|(_, _, s)| *s)
}

/// Objects the docs type as `Object` without listing their fields, whose
/// values nest further than a map of strings: kept as JSON.
const RAW_JSON: &[(&str, &str)] = &[
    ("/api/v5/users/glp/today-performance", "daily"),
    ("/api/v5/users/glp/today-performance", "mtd"),
    ("/api/v5/users/glp/historical-performance", "volume"),
    ("/api/v5/users/glp/historical-performance", "share"),
];

/// Whether a field without documented children is kept as raw JSON.
pub fn raw_json(name: &str, ep: &Endpoint) -> bool {
    RAW_JSON.iter().any(|(p, n)| *p == ep.path && *n == name)
}

/// The type of a response leaf.
pub fn response_scalar(name: &str, kind: Kind, ep: &Endpoint) -> Scalar {
    if let Some(s) = field_override(name, ep) {
        return s;
    }
    if kind == Kind::Bool || BOOL_TEXT.contains(&name) {
        return Scalar::Bool;
    }
    if kind == Kind::Int || INT.contains(&name) {
        return Scalar::Int;
    }
    if let Some(e) = enum_of(name, ep) {
        return Scalar::Enum(e);
    }
    if DECIMAL.contains(&name) {
        return Scalar::Dec;
    }
    Scalar::Str
}

/// The type of a request leaf.
pub fn request_scalar(name: &str, kind: Kind, ep: &Endpoint) -> Scalar {
    if let Some(s @ (Scalar::Str | Scalar::Bool)) = field_override(name, ep) {
        return s;
    }
    if kind == Kind::Bool {
        return Scalar::Bool;
    }
    if let Some(e) = enum_of(name, ep) {
        // `state` filters take values that are not the item's state enum.
        if name != "state" {
            return Scalar::Enum(e);
        }
    }
    // The book depth parameter is a level count, not a size.
    if name == "sz" && ep.path.starts_with("/api/v5/market/books") {
        return Scalar::Str;
    }
    if DECIMAL.contains(&name) {
        return Scalar::Dec;
    }
    Scalar::Str
}

/// The core models okx-models exports at its root so far; an endpoint maps to
/// one only once it exists.
const CORE_AVAILABLE: &[&str] = &[
    "Ticker",
    "OrderBook",
    "Candle",
    "Trade",
    "Instrument",
    "Order",
    "Fill",
    "Balance",
    "Position",
];

/// Responses that are core models of okx-models instead of generated structs.
pub fn core_response(ep: &Endpoint) -> Option<&'static str> {
    core_candidate(ep).filter(|c| CORE_AVAILABLE.contains(c))
}

fn core_candidate(ep: &Endpoint) -> Option<&'static str> {
    let p = ep.path.as_str();
    Some(match (ep.method.as_str(), p) {
        ("GET", "/api/v5/market/tickers" | "/api/v5/market/ticker") => "Ticker",
        ("GET", "/api/v5/market/books" | "/api/v5/market/books-full") => "OrderBook",
        ("GET", "/api/v5/market/candles" | "/api/v5/market/history-candles") => "Candle",
        (
            "GET",
            "/api/v5/market/index-candles"
            | "/api/v5/market/history-index-candles"
            | "/api/v5/market/mark-price-candles"
            | "/api/v5/market/history-mark-price-candles",
        ) => "Candle",
        ("GET", "/api/v5/market/trades" | "/api/v5/market/history-trades") => "Trade",
        ("GET", "/api/v5/public/instruments") => "Instrument",
        (
            "GET",
            "/api/v5/trade/order"
            | "/api/v5/trade/orders-pending"
            | "/api/v5/trade/orders-history"
            | "/api/v5/trade/orders-history-archive",
        ) => "Order",
        ("GET", "/api/v5/trade/fills" | "/api/v5/trade/fills-history") => "Fill",
        ("GET", "/api/v5/account/balance") => "Balance",
        ("GET", "/api/v5/account/positions") => "Position",
        _ => return None,
    })
}

/// OKX's rate-limit rule text → `LimitScope` variant and the request field
/// that keys the bucket.
pub fn scope_of(rule: &str) -> Result<(&'static str, Option<&'static str>), String> {
    Ok(match rule {
        // Status gives no rule; announcements are sent unsigned, so by IP.
        "IP" | "" | "User ID(Private) or IP(Public)" => ("Ip", None),
        "IP + instIdCode" => ("IpInstId", Some("instIdCode")),
        "IP + Instrument ID" => ("IpInstId", Some("instId")),
        "IP + Instrument Type" => ("IpInstType", Some("instType")),
        "IP + (Instrument Type + instFamily)" => ("IpInstTypeFamily", Some("instFamily")),
        "IP + (Instrument Family)" | "IP + instFamily" => ("IpInstFamily", Some("instFamily")),
        "User ID" => ("Uid", None),
        "Master account User ID" | "Master account UserID" => ("MasterUid", None),
        "User ID + Instrument ID" => ("UidInstId", Some("instId")),
        "User ID + Instrument Type" => ("UidInstType", Some("instType")),
        "User ID + Currency" => ("UidCcy", Some("ccy")),
        "User ID + tag" => ("UidTag", Some("tag")),
        "User ID + Instrument ID (except Options); User ID + Instrument Family (Options only)" => {
            ("UidInstIdOrFamily", Some("instId"))
        }
        other => return Err(format!("unmapped rate-limit rule {other:?}")),
    })
}

/// How a list endpoint's `after` / `before` cursor is read from its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CursorRule {
    /// The response field holding the cursor.
    pub field: &'static str,
    /// `(parameter, value, field)`: with the request parameter at that
    /// value, the endpoint pages by this other field instead.
    pub alt: Option<(&'static str, &'static str, &'static str)>,
    /// The cursor sits in the items of this array field (one response item
    /// holds several records).
    pub nested: Option<&'static str>,
    /// `after` / `before` are an inclusive time filter, not cursors: the
    /// docs call `after` the begin and `before` the end timestamp, so
    /// `after` keeps records at or after it (newer) and `before` those at
    /// or before it (older), the reverse of OKX's cursor meaning.
    pub inclusive: bool,
    /// OKX's usual cursors, but documented as including the cursor's own
    /// record ("(included)"): the stream moves them one millisecond past it.
    pub cursor_included: bool,
    /// Items carry `confirm`: only confirmed ones are final (candles).
    pub confirm: bool,
    /// `(parameter, value)`: with it, OKX refuses `before`.
    pub no_before: Option<(&'static str, &'static str)>,
}

const fn plain(field: &'static str) -> CursorRule {
    CursorRule {
        field,
        alt: None,
        nested: None,
        inclusive: false,
        cursor_included: false,
        confirm: false,
        no_before: None,
    }
}

/// The cursor of every covered list endpoint that takes `after` and
/// `before`, checked against the docs' parameter and response tables (OKX
/// pages back in time with `after`). The codegen refuses an endpoint with
/// both parameters that is missing here.
pub fn cursor_rule(ep: &Endpoint) -> Option<CursorRule> {
    if ep.method != "GET" {
        return None;
    }
    let p = ep.path.as_str();
    Some(match p {
        "/api/v5/account/positions-history"
        | "/api/v5/trade/easy-convert-history"
        | "/api/v5/trade/one-click-repay-history" => plain("uTime"),
        "/api/v5/account/bills"
        | "/api/v5/account/bills-archive"
        | "/api/v5/trade/fills"
        | "/api/v5/trade/fills-history" => plain("billId"),
        // "prior to the requested bill ID creation time": a timestamp.
        "/api/v5/asset/subaccount/bills" | "/api/v5/asset/subaccount/managed-subaccount-bills" => {
            plain("ts")
        }
        // "earlier than the requested ts (included)".
        "/api/v5/account/spot-borrow-repay-history"
        | "/api/v5/trade/one-click-repay-history-v2" => CursorRule {
            cursor_included: true,
            ..plain("ts")
        },
        // `pagingType` 1 (the default) pages by `ts`, 2 by `billId`.
        "/api/v5/asset/bills" | "/api/v5/asset/bills-history" => CursorRule {
            alt: Some(("pagingType", "2", "billId")),
            ..plain("ts")
        },
        "/api/v5/trade/orders-pending"
        | "/api/v5/trade/orders-history"
        | "/api/v5/trade/orders-history-archive" => plain("ordId"),
        "/api/v5/trade/orders-algo-pending" | "/api/v5/trade/orders-algo-history" => {
            plain("algoId")
        }
        // `type` 1 (the default) pages by `tradeId`, 2 by `ts`, where OKX
        // refuses `before` (50039).
        "/api/v5/market/history-trades" => CursorRule {
            alt: Some(("type", "2", "ts")),
            no_before: Some(("type", "2")),
            ..plain("tradeId")
        },
        "/api/v5/public/funding-rate-history" => plain("fundingTime"),
        "/api/v5/public/economic-calendar" => plain("date"),
        "/api/v5/public/insurance-fund" => CursorRule {
            nested: Some("details"),
            ..plain("ts")
        },
        // Documented as an inclusive begin (`after`) / end (`before`) filter
        // on the creation time.
        "/api/v5/fiat/deposit-order-history" | "/api/v5/fiat/withdrawal-order-history" => {
            CursorRule {
                inclusive: true,
                ..plain("cTime")
            }
        }
        "/api/v5/account/interest-accrued"
        | "/api/v5/public/delivery-exercise-history"
        | "/api/v5/public/settlement-history"
        | "/api/v5/public/premium-history"
        | "/api/v5/asset/deposit-history"
        | "/api/v5/asset/withdrawal-history"
        | "/api/v5/asset/convert/history"
        | "/api/v5/users/subaccount/list" => plain("ts"),
        // Trading bots: the docs name the id each list pages by.
        "/api/v5/tradingBot/grid/orders-algo-pending"
        | "/api/v5/tradingBot/grid/orders-algo-history"
        | "/api/v5/tradingBot/recurring/orders-algo-pending"
        | "/api/v5/tradingBot/recurring/orders-algo-history" => plain("algoId"),
        "/api/v5/tradingBot/grid/sub-orders" | "/api/v5/tradingBot/signal/sub-orders" => {
            plain("ordId")
        }
        // The docs say `algoId` here, but every sub-order of a bot shares
        // it, so such a cursor could never move: the sub-order's own id is
        // what pages, as on the grid and signal sub-order lists.
        "/api/v5/tradingBot/recurring/sub-orders" => plain("ordId"),
        "/api/v5/tradingBot/signal/signals" => plain("signalChanId"),
        "/api/v5/tradingBot/signal/positions-history" => plain("uTime"),
        "/api/v5/tradingBot/signal/event-history" => plain("eventCtime"),
        "/api/v5/copytrading/current-subpositions"
        | "/api/v5/copytrading/subpositions-history"
        | "/api/v5/copytrading/public-current-subpositions"
        | "/api/v5/copytrading/public-subpositions-history" => plain("subPosId"),
        "/api/v5/copytrading/profit-sharing-details" => plain("profitSharingId"),
        "/api/v5/finance/staking-defi/orders-history" => plain("ordId"),
        "/api/v5/finance/staking-defi/eth/purchase-redeem-history"
        | "/api/v5/finance/staking-defi/sol/purchase-redeem-history" => plain("requestTime"),
        "/api/v5/finance/savings/lending-history"
        | "/api/v5/finance/savings/lending-rate-history" => plain("ts"),
        "/api/v5/finance/flexible-loan/loan-history"
        | "/api/v5/finance/flexible-loan/interest-accrued" => plain("refId"),
        // Only in the 2026 docs.
        "/api/v5/public/event-contract/events" | "/api/v5/public/event-contract/markets" => {
            plain("expTime")
        }
        "/api/v5/tradingBot/dca/ongoing-list" | "/api/v5/tradingBot/dca/history-list" => {
            plain("algoId")
        }
        "/api/v5/tradingBot/dca/orders" => plain("ordId"),
        "/api/v5/tradingBot/dca/cycle-list" => plain("cycleId"),
        _ if is_candles(ep) => CursorRule {
            confirm: true,
            ..plain("ts")
        },
        _ => return None,
    })
}

/// The request fields naming the currency pair that keys an endpoint's
/// per-"Instrument ID" secondary limit (convert and fiat quotes).
pub fn pair_fields(ep: &Endpoint) -> Option<(&'static str, &'static str)> {
    match ep.path.as_str() {
        "/api/v5/asset/convert/estimate-quote" => Some(("baseCcy", "quoteCcy")),
        "/api/v5/fiat/buy-sell/quote" => Some(("fromCcy", "toCcy")),
        _ => None,
    }
}

/// Candle endpoints: their items are sorted oldest-first for the user.
pub fn is_candles(ep: &Endpoint) -> bool {
    ep.method == "GET" && ep.path.starts_with("/api/v5/market/") && ep.path.ends_with("candles")
}

/// Which trading counter an endpoint feeds.
pub fn order_op(ep: &Endpoint) -> Option<&'static str> {
    if ep.method != "POST" {
        return None;
    }
    Some(match ep.path.as_str() {
        "/api/v5/trade/order" | "/api/v5/trade/batch-orders" | "/api/v5/trade/order-algo" => {
            "Place"
        }
        "/api/v5/trade/amend-order"
        | "/api/v5/trade/amend-batch-orders"
        | "/api/v5/trade/amend-algos" => "Amend",
        "/api/v5/trade/cancel-order"
        | "/api/v5/trade/cancel-batch-orders"
        | "/api/v5/trade/cancel-algos" => "Cancel",
        _ => return None,
    })
}

/// Request type names that the path alone would name badly.
fn name_override(ep: &Endpoint) -> Option<&'static str> {
    Some(match (ep.method.as_str(), ep.path.as_str()) {
        ("POST", "/api/v5/trade/order") => "PlaceOrder",
        ("POST", "/api/v5/trade/batch-orders") => "PlaceBatchOrders",
        ("POST", "/api/v5/trade/order-algo") => "PlaceAlgoOrder",
        ("GET", "/api/v5/trade/order-algo") => "GetAlgoOrder",
        ("GET", "/api/v5/trade/order") => "GetOrder",
        ("POST", "/api/v5/account/mmp-config") => "SetMmpConfig",
        ("POST", "/api/v5/account/bills-history-archive") => "ApplyBillsHistoryArchive",
        ("POST", "/api/v5/asset/monthly-statement") => "ApplyMonthlyStatement",
        ("POST", "/api/v5/users/subaccount/apikey") => "CreateSubaccountApikey",
        ("POST", "/api/v5/asset/transfer") => "FundsTransfer",
        ("GET", "/api/v5/account/subaccount/balances") => "GetSubaccountTradingBalances",
        ("GET", "/api/v5/asset/subaccount/balances") => "GetSubaccountFundingBalances",
        ("GET", "/api/v5/asset/balances") => "GetFundingBalances",
        ("POST", "/api/v5/asset/subaccount/transfer") => "SubaccountTransfer",
        ("GET", "/api/v5/public/time") => "GetSystemTime",
        _ => return None,
    })
}

/// The request type name: an override, else `Get` + the path for reads and
/// the path alone for writes (OKX write paths mostly start with a verb).
pub fn type_name(ep: &Endpoint) -> String {
    if let Some(n) = name_override(ep) {
        return n.to_owned();
    }
    let rest = ep.path.trim_start_matches("/api/v5/");
    let mut segs: Vec<&str> = rest.split('/').collect();
    let drop = match segs.first().copied() {
        Some("rubik") => 2,
        Some(
            "market" | "public" | "account" | "trade" | "asset" | "users" | "tradingBot"
            | "copytrading" | "rfq" | "finance" | "affiliate" | "system" | "support",
        ) => 1,
        _ => 0,
    };
    segs.drain(..drop);
    let base: String = segs.iter().map(|s| pascal(s)).collect();
    if ep.method == "GET" {
        format!("Get{base}")
    } else {
        base
    }
}

/// `one-click-repay` / `riskOffset` → `OneClickRepay` / `RiskOffset`.
pub fn pascal(s: &str) -> String {
    let mut out = String::new();
    for part in s.split(['-', '_', ' ']) {
        let mut cs = part.chars();
        if let Some(c) = cs.next() {
            out.push(c.to_ascii_uppercase());
            out.extend(cs);
        }
    }
    out
}

/// `instId` → `inst_id`, `makerUSDC` → `maker_usdc`, `callOI` → `call_oi`.
pub fn snake(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            let prev_upper = i > 0 && chars[i - 1].is_ascii_uppercase();
            if i > 0 && (prev_lower || (prev_upper && next_lower)) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    match out.as_str() {
        "type" => "r#type".to_owned(),
        _ => out,
    }
}

/// A readable one-line description of a wire field name, for doc comments.
pub fn describe(name: &str) -> String {
    #[rustfmt::skip]
    const WORDS: &[(&str, &str)] = &[
        ("inst", "instrument"), ("ccy", "currency"), ("px", "price"), ("sz", "size"),
        ("ord", "order"), ("ords", "orders"), ("cl", "client"), ("td", "trade"),
        ("mgn", "margin"), ("pos", "position"), ("avg", "average"), ("acc", "accumulated"),
        ("ts", "timestamp (Unix ms)"), ("amt", "amount"), ("bal", "balance"), ("eq", "equity"),
        ("upl", "unrealized PnL"), ("imr", "initial margin requirement"),
        ("mmr", "maintenance margin requirement"), ("liab", "liability"), ("lever", "leverage"),
        ("tgt", "target"), ("vol", "volume"), ("acct", "account"), ("chg", "change"),
        ("id", "ID"), ("uid", "user ID"), ("liq", "liquidation"), ("idx", "index"),
        ("tp", "take-profit"), ("sl", "stop-loss"), ("oi", "open interest"), ("iso", "isolated"),
        ("avail", "available"), ("froz", "frozen"), ("opt", "option"), ("ct", "contract"),
        ("val", "value"), ("mult", "multiplier"), ("lmt", "limit"), ("mkt", "market"),
        ("max", "maximum"), ("min", "minimum"), ("wd", "withdrawal"), ("dep", "deposit"),
        ("addr", "address"), ("sub", "sub"), ("algo", "algo"), ("tick", "tick"),
        ("lot", "lot"), ("cnt", "count"), ("num", "number"), ("pnl", "PnL"), ("usd", "USD"),
        ("stp", "self-trade prevention"), ("exp", "expiry"), ("cxl", "cancel"),
        ("tx", "transaction"), ("bf", "before"), ("aft", "after"), ("sod", "start of day"),
        ("uly", "underlying"), ("fwd", "forward"), ("mmp", "market maker protection"),
        ("rfq", "RFQ"), ("sett", "settlement"), ("est", "estimated"), ("info", "info"),
        ("pmt", "payment"), ("rcvr", "receiver"), ("exch", "exchange"), ("stk", "strike"),
        ("ratio", "ratio"), ("qty", "quantity"), ("cnv", "conversion"), ("cnvt", "conversion"),
        ("trans", "transfer"), ("req", "request"), ("adl", "auto-deleveraging"),
        ("bs", "(Black-Scholes)"), ("pa", "(in coins)"), ("func", "functions"),
        ("lv", "level"),
    ];
    // Names the word table would misread: `Vol` here is volatility.
    let whole = match name {
        "pxVol" | "newPxVol" => Some("Price in implied volatility (1 = 100%)"),
        "fillPxVol" => Some("Fill price in implied volatility"),
        "markVol" | "fillMarkVol" => Some("Mark implied volatility"),
        "realVol" => Some("Realized volatility"),
        "idxVol" => Some("Index volatility"),
        "o" => Some("Open price"),
        "h" => Some("Highest price"),
        "l" => Some("Lowest price"),
        "c" => Some("Close price"),
        "sCode" => Some("Per-item result code, `0` for success"),
        "sMsg" => Some("Per-item result message"),
        _ => None,
    };
    if let Some(text) = whole {
        return format!("{text} (`{name}`).");
    }
    let words: Vec<String> = split_words(name)
        .into_iter()
        .map(|w| {
            let lw = w.to_ascii_lowercase();
            match (w.as_str(), WORDS.iter().find(|(k, _)| *k == lw)) {
                ("c", _) => "creation".to_owned(),
                ("u", _) => "update".to_owned(),
                (_, Some((_, v))) => (*v).to_owned(),
                _ => lw,
            }
        })
        .collect();
    let mut text = words.join(" ");
    if let Some(first) = text.get(..1) {
        text = first.to_ascii_uppercase() + &text[1..];
    }
    format!("{text} (`{name}`).")
}

fn split_words(s: &str) -> Vec<String> {
    snake(s)
        .trim_start_matches("r#")
        .split('_')
        .map(str::to_owned)
        .collect()
}

/// A plausible wire value for a field, used for synthesized samples and for
/// the required fields of requests built in tests.
pub fn sample_value(name: &str, scalar: Scalar) -> String {
    match scalar {
        Scalar::Bool => "false".to_owned(),
        Scalar::Int => match name {
            "accRateLimit" | "nextAccRateLimit" => "2000".to_owned(),
            "instIdCode" => "10459".to_owned(),
            "timeInterval" | "frozenInterval" | "ttlMs" => "10".to_owned(),
            _ => "1700000000000".to_owned(),
        },
        Scalar::Enum(e) => match e {
            "InstType" => "SPOT",
            "Side" => "buy",
            "PosSide" => "net",
            "TdMode" => "cash",
            "OrdType" => "limit",
            "AlgoOrdType" => "conditional",
            "MgnMode" => "cross",
            "TgtCcy" => "base_ccy",
            "OptType" => "C",
            "CtType" => "linear",
            "ExecType" => "T",
            "PosMode" => "net_mode",
            "StpMode" => "cancel_maker",
            "TriggerPxType" => "last",
            "TpOrdKind" => "condition",
            "RuleType" => "normal",
            "Bar" => "1m",
            "InstState" => "live",
            "OrderState" => "live",
            "AlgoState" => "live",
            _ => "",
        }
        .to_owned(),
        Scalar::Dec => match name {
            "px" | "last" | "askPx" | "bidPx" | "avgPx" | "markPx" | "idxPx" | "o" | "h" | "l"
            | "c" | "open24h" | "high24h" | "low24h" | "fillPx" | "triggerPx" | "orderPx"
            | "tpTriggerPx" | "slTriggerPx" => "43250.5",
            "sz" | "lastSz" | "askSz" | "bidSz" | "fillSz" | "accFillSz" | "minSz" | "lotSz" => {
                "0.01"
            }
            "tickSz" => "0.1",
            "lever" | "leverage" | "maxLever" => "5",
            n if n.contains("Rate") || n.contains("rate") || n.contains("Ratio") => "0.0001",
            n if n.contains("Fee") || n.contains("fee") => "-0.002",
            _ => "12.5",
        }
        .to_owned(),
        Scalar::Str => match name {
            "instId" | "toInstId" => "BTC-USDT",
            "instFamily" | "uly" => "BTC-USD",
            "ccy" | "fromCcy" | "baseCcy" | "feeCcy" | "rebateCcy" | "settleCcy" | "mgnCcy"
            | "posCcy" | "liabCcy" | "ctValCcy" | "debtCcy" | "repayCcy" => "BTC",
            "toCcy" | "quoteCcy" => "USDT",
            "ordId" | "algoId" | "billId" | "tradeId" | "posId" | "subUid" | "uid" => {
                "590908157585625111"
            }
            "clOrdId" | "algoClOrdId" | "attachAlgoClOrdId" => "b15",
            "sCode" | "code" => "0",
            "subAcct" => "test00001",
            "amt" => "1.5",
            "lever" => "5",
            "chain" => "USDT-TRC20",
            "addr" | "toAddr" => "TYCoRs3Tck2cdC4k5LUXEBJvpBu7bfsvD7",
            "from" | "to" => "6",
            "type" => "0",
            "apiKey" => "75d7a9f7-3c5b-4a4d-8f4f-1d2c2a8b9e3f",
            "label" => "api-trading",
            "perm" => "read_only,trade",
            "ip" => "127.0.0.1",
            "passphrase" | "pwd" => "Passphrase123!",
            "quoteId" => "quoterETH-USDT16461885104612381",
            "side" => "buy",
            "rfqSzCcy" => "USDT",
            "state" => "2",
            "tag" => "",
            _ => "",
        }
        .to_owned(),
    }
}

/// What the rows of a WebSocket channel decode into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WsRows {
    /// A type generated into `okx_models::ws` (its name); the `PushData`
    /// variant is the name without `Push`.
    Generated(&'static str),
    /// A hand-written model, under this `PushData` variant.
    Model(&'static str),
    /// Book rows (`BookPush`) with the push's `action`, under this variant.
    Book(&'static str),
}

impl WsRows {
    /// The `okx_ws::PushData` variant.
    pub fn variant(self) -> &'static str {
        match self {
            WsRows::Generated(ty) => ty.strip_suffix("Push").unwrap_or(ty),
            WsRows::Model(v) | WsRows::Book(v) => v,
        }
    }

    pub fn is_book(self) -> bool {
        matches!(self, WsRows::Book(_))
    }
}

/// Every channel of `ws_channels.json` (patterns as written there) and its
/// rows. The codegen refuses a channel missing here.
pub fn ws_rows(channel: &str) -> Option<WsRows> {
    use WsRows::{Book, Generated, Model};
    Some(match channel {
        "tickers" => Model("Tickers"),
        "trades" | "trades-all" => Model("Trades"),
        "candle{bar}" | "mark-price-candle{bar}" | "index-candle{bar}" => Model("Candles"),
        "mark-price" => Model("MarkPrice"),
        "index-tickers" => Model("IndexTickers"),
        "funding-rate" => Model("FundingRate"),
        "open-interest" => Model("OpenInterest"),
        "price-limit" => Model("PriceLimit"),
        "instruments" => Model("Instruments"),
        "liquidation-orders" => Model("LiquidationOrders"),
        "status" => Model("Status"),
        "orders" => Model("Orders"),
        "account" => Model("Account"),
        "positions" => Model("Positions"),
        "balance_and_position" => Model("BalanceAndPosition"),
        "fills" => Model("Fills"),
        "orders-algo" => Model("AlgoOrders"),
        "liquidation-warning" => Model("LiquidationWarning"),
        "sprd-candle{bar}" => Model("SprdCandles"),
        "books" | "books5" | "bbo-tbt" | "books50-l2-tbt" | "books-l2-tbt" => Book("Books"),
        "sprd-bbo-tbt" | "sprd-books5" | "sprd-books-l2-tbt" => Book("SprdBooks"),
        "account-greeks" => Generated("AccountGreeksPush"),
        "algo-advance" => Generated("AlgoAdvancePush"),
        "grid-orders-spot" => Generated("GridOrdersSpotPush"),
        "grid-orders-contract" => Generated("GridOrdersContractPush"),
        "grid-positions" => Generated("GridPositionsPush"),
        "grid-sub-orders" => Generated("GridSubOrdersPush"),
        "algo-recurring-buy" => Generated("AlgoRecurringBuyPush"),
        "copytrading-lead-notification" => Generated("CopytradingLeadNotificationPush"),
        "option-trades" => Generated("OptionTradesPush"),
        "call-auction-details" => Generated("CallAuctionDetailsPush"),
        "rfqs" => Generated("RfqsPush"),
        "quotes" => Generated("QuotesPush"),
        "struc-block-trades" => Generated("StrucBlockTradesPush"),
        "public-struc-block-trades" => Generated("PublicStrucBlockTradesPush"),
        "public-block-trades" => Generated("PublicBlockTradesPush"),
        "block-tickers" => Generated("BlockTickersPush"),
        "sprd-orders" => Generated("SprdOrdersPush"),
        "sprd-trades" => Generated("SprdTradesPush"),
        "sprd-public-trades" => Generated("SprdPublicTradesPush"),
        "sprd-tickers" => Generated("SprdTickersPush"),
        "opt-summary" => Generated("OptSummaryPush"),
        "estimated-price" => Generated("EstimatedPricePush"),
        "adl-warning" => Generated("AdlWarningPush"),
        "economic-calendar" => Generated("EconomicCalendarPush"),
        "deposit-info" => Generated("DepositInfoPush"),
        "withdrawal-info" => Generated("WithdrawalInfoPush"),
        _ => return None,
    })
}
