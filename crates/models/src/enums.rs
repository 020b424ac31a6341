//! OKX wire enums. Every enum is `#[non_exhaustive]` and keeps values it does
//! not know in `Other(String)`, so a value OKX adds tomorrow decodes today and
//! serializes back unchanged. Values are from SPEC §5 and the OKX field tables.
//!
//! ```
//! use okx_models::{InstType, Side};
//!
//! let t: InstType = serde_json::from_str("\"SWAP\"")?;
//! assert_eq!(t, InstType::Swap);
//! let new: InstType = serde_json::from_str("\"EVENTS2\"")?;
//! assert_eq!(new, InstType::Other("EVENTS2".into()));
//! assert_eq!(serde_json::to_string(&new)?, "\"EVENTS2\"");
//! assert_eq!(Side::Buy.as_str(), "buy");
//! # Ok::<(), serde_json::Error>(())
//! ```

use crate::wire::wire_enum;

wire_enum! {
    /// Instrument type (`instType`).
    InstType {
        /// Spot.
        Spot => "SPOT",
        /// Margin (spot with borrowing).
        Margin => "MARGIN",
        /// Perpetual swap.
        Swap => "SWAP",
        /// Expiry futures.
        Futures => "FUTURES",
        /// Options.
        Option => "OPTION",
        /// Event contracts (2026).
        Events => "EVENTS",
        /// Any type; only in WS subscription args.
        Any => "ANY",
    }
}

wire_enum! {
    /// Trade mode (`tdMode`).
    TdMode {
        /// Non-margin trading.
        Cash => "cash",
        /// Cross margin.
        Cross => "cross",
        /// Isolated margin.
        Isolated => "isolated",
        /// Spot isolated (SPOT lead trading only).
        SpotIsolated => "spot_isolated",
    }
}

wire_enum! {
    /// Order side (`side`).
    Side {
        /// Buy.
        Buy => "buy",
        /// Sell.
        Sell => "sell",
    }
}

wire_enum! {
    /// Position side (`posSide`).
    PosSide {
        /// Long, in long/short mode.
        Long => "long",
        /// Short, in long/short mode.
        Short => "short",
        /// Net mode.
        Net => "net",
    }
}

wire_enum! {
    /// Order type (`ordType`) of a regular order.
    OrdType {
        /// Market order.
        Market => "market",
        /// Limit order.
        Limit => "limit",
        /// Post-only limit order.
        PostOnly => "post_only",
        /// Fill-or-kill.
        Fok => "fok",
        /// Immediate-or-cancel.
        Ioc => "ioc",
        /// Market order with immediate-or-cancel (FUTURES/SWAP).
        OptimalLimitIoc => "optimal_limit_ioc",
        /// Market maker protection (options).
        Mmp => "mmp",
        /// Market maker protection and post-only (options).
        MmpAndPostOnly => "mmp_and_post_only",
        /// Simple options fill-or-kill.
        OpFok => "op_fok",
        /// Enhanced liquidity program order (2025-11; ELP is being replaced
        /// by RPI, kept while OKX documents it).
        Elp => "elp",
        /// Retail price improvement order (post-only, matched only against
        /// non-API takers and API takers that opt in with `rpiTakerAccess`).
        Rpi => "rpi",
    }
}

wire_enum! {
    /// Order state (`state`) of a regular order.
    OrderState {
        /// Resting, nothing filled.
        Live => "live",
        /// Partially filled, still resting.
        PartiallyFilled => "partially_filled",
        /// Completely filled.
        Filled => "filled",
        /// Canceled.
        Canceled => "canceled",
        /// Canceled by market maker protection.
        MmpCanceled => "mmp_canceled",
    }
}

impl OrderState {
    /// Whether the order can no longer change (filled or canceled).
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Filled | Self::Canceled | Self::MmpCanceled)
    }
}

wire_enum! {
    /// Algo order type (`ordType` of algo orders).
    AlgoOrdType {
        /// One-way stop (take-profit and/or stop-loss).
        Conditional => "conditional",
        /// One-cancels-the-other.
        Oco => "oco",
        /// Chase order.
        Chase => "chase",
        /// Trigger order.
        Trigger => "trigger",
        /// Trailing stop.
        MoveOrderStop => "move_order_stop",
        /// Iceberg order.
        Iceberg => "iceberg",
        /// Time-weighted average price order.
        Twap => "twap",
    }
}

wire_enum! {
    /// Algo order state (`state` of algo orders).
    AlgoState {
        /// Waiting for its trigger.
        Live => "live",
        /// Paused.
        Pause => "pause",
        /// Partially effective.
        PartiallyEffective => "partially_effective",
        /// Triggered and placed.
        Effective => "effective",
        /// Canceled.
        Canceled => "canceled",
        /// Placing the order failed.
        OrderFailed => "order_failed",
        /// Placing some orders failed.
        PartiallyFailed => "partially_failed",
    }
}

wire_enum! {
    /// Unit of `sz` for SPOT market orders (`tgtCcy`).
    TgtCcy {
        /// Size in base currency.
        BaseCcy => "base_ccy",
        /// Size in quote currency.
        QuoteCcy => "quote_ccy",
    }
}

wire_enum! {
    /// Margin mode (`mgnMode`).
    MgnMode {
        /// Cross margin.
        Cross => "cross",
        /// Isolated margin.
        Isolated => "isolated",
        /// No margin (cash), seen on some position-history rows.
        Cash => "cash",
    }
}

wire_enum! {
    /// Position mode (`posMode`).
    PosMode {
        /// Long/short mode.
        LongShortMode => "long_short_mode",
        /// Net mode.
        NetMode => "net_mode",
    }
}

wire_enum! {
    /// Instrument state (`state` of an instrument).
    InstState {
        /// Trading.
        Live => "live",
        /// Suspended.
        Suspend => "suspend",
        /// Before listing.
        Preopen => "preopen",
        /// Test instrument; cannot trade.
        Test => "test",
        /// Expired (delivered futures/options).
        Expired => "expired",
    }
}

wire_enum! {
    /// Contract type (`ctType`) of FUTURES/SWAP.
    CtType {
        /// Linear (margined in quote).
        Linear => "linear",
        /// Inverse (margined in base).
        Inverse => "inverse",
    }
}

wire_enum! {
    /// Option type (`optType`).
    OptType {
        /// Call.
        Call => "C",
        /// Put.
        Put => "P",
    }
}

wire_enum! {
    /// Liquidity of a fill (`execType`).
    ExecType {
        /// Taker.
        Taker => "T",
        /// Maker.
        Maker => "M",
    }
}

wire_enum! {
    /// Price a trigger watches (`tpTriggerPxType`, `slTriggerPxType`, `triggerPxType`).
    TriggerPxType {
        /// Last traded price.
        Last => "last",
        /// Index price.
        Index => "index",
        /// Mark price.
        Mark => "mark",
    }
}

wire_enum! {
    /// Self-trade prevention mode (`stpMode`).
    StpMode {
        /// Cancel the maker order.
        CancelMaker => "cancel_maker",
        /// Cancel the taker order.
        CancelTaker => "cancel_taker",
        /// Cancel both.
        CancelBoth => "cancel_both",
    }
}

wire_enum! {
    /// Kind of a take-profit order (`tpOrdKind`).
    TpOrdKind {
        /// Placed when triggered.
        Condition => "condition",
        /// Limit order resting from the start.
        Limit => "limit",
    }
}

wire_enum! {
    /// Action of a book push (`action`).
    BookAction {
        /// Full book: replace.
        Snapshot => "snapshot",
        /// Delta: apply level by level.
        Update => "update",
    }
}

wire_enum! {
    /// Order category (`category`).
    OrderCategory {
        /// Normal order.
        Normal => "normal",
        /// TWAP child order.
        Twap => "twap",
        /// Auto-deleveraging.
        Adl => "adl",
        /// Full liquidation.
        FullLiquidation => "full_liquidation",
        /// Partial liquidation.
        PartialLiquidation => "partial_liquidation",
        /// Delivery.
        Delivery => "delivery",
        /// Delta dynamic hedge.
        Ddh => "ddh",
        /// Auto conversion.
        AutoConversion => "auto_conversion",
    }
}

wire_enum! {
    /// Instrument rule type (`ruleType`).
    RuleType {
        /// Normal trading.
        Normal => "normal",
        /// Pre-market trading.
        PreMarket => "pre_market",
    }
}

wire_enum! {
    /// Candle interval (`bar`). `…utc` variants open at 00:00 UTC instead of
    /// Hong Kong time.
    Bar {
        /// 1 second.
        S1 => "1s",
        /// 1 minute.
        M1 => "1m",
        /// 3 minutes.
        M3 => "3m",
        /// 5 minutes.
        M5 => "5m",
        /// 15 minutes.
        M15 => "15m",
        /// 30 minutes.
        M30 => "30m",
        /// 1 hour.
        H1 => "1H",
        /// 2 hours.
        H2 => "2H",
        /// 4 hours.
        H4 => "4H",
        /// 6 hours.
        H6 => "6H",
        /// 12 hours.
        H12 => "12H",
        /// 1 day.
        D1 => "1D",
        /// 2 days.
        D2 => "2D",
        /// 3 days.
        D3 => "3D",
        /// 5 days.
        D5 => "5D",
        /// 1 week.
        W1 => "1W",
        /// 1 month.
        Mo1 => "1M",
        /// 3 months.
        Mo3 => "3M",
        /// 6 hours, UTC.
        H6Utc => "6Hutc",
        /// 12 hours, UTC.
        H12Utc => "12Hutc",
        /// 1 day, UTC.
        D1Utc => "1Dutc",
        /// 2 days, UTC.
        D2Utc => "2Dutc",
        /// 3 days, UTC.
        D3Utc => "3Dutc",
        /// 5 days, UTC.
        D5Utc => "5Dutc",
        /// 1 week, UTC.
        W1Utc => "1Wutc",
        /// 1 month, UTC.
        Mo1Utc => "1Mutc",
        /// 3 months, UTC.
        Mo3Utc => "3Mutc",
        /// 1 year, UTC (mark-price candles).
        Y1Utc => "1Yutc",
    }
}

impl Bar {
    /// The interval length in milliseconds, for fixed-length bars.
    /// Months and years vary in length and return `None`, as do unknown bars.
    pub fn duration_ms(&self) -> Option<i64> {
        const MIN: i64 = 60_000;
        const HOUR: i64 = 60 * MIN;
        const DAY: i64 = 24 * HOUR;
        Some(match self {
            Self::S1 => 1_000,
            Self::M1 => MIN,
            Self::M3 => 3 * MIN,
            Self::M5 => 5 * MIN,
            Self::M15 => 15 * MIN,
            Self::M30 => 30 * MIN,
            Self::H1 => HOUR,
            Self::H2 => 2 * HOUR,
            Self::H4 => 4 * HOUR,
            Self::H6 | Self::H6Utc => 6 * HOUR,
            Self::H12 | Self::H12Utc => 12 * HOUR,
            Self::D1 | Self::D1Utc => DAY,
            Self::D2 | Self::D2Utc => 2 * DAY,
            Self::D3 | Self::D3Utc => 3 * DAY,
            Self::D5 | Self::D5Utc => 5 * DAY,
            Self::W1 | Self::W1Utc => 7 * DAY,
            _ => return None,
        })
    }
}
