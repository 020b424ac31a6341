//! Push types of the WebSocket channels that have no REST twin, or whose
//! push differs from the REST row (the `fills` push, book pushes with
//! sequence numbers, `balance_and_position`). The rows of the other
//! channels of OKX's catalog (bots, copy trading, RFQ, spreads, earn,
//! funding, ...) are generated from the docs' field tables (`channels`).
//!
//! Channels whose push has the REST shape use the core types: `tickers` →
//! [`Ticker`](crate::Ticker), `trades`/`trades-all` → [`Trade`](crate::Trade),
//! `candle*` → [`Candle`](crate::Candle), `orders` → [`Order`](crate::Order),
//! `account` → [`Balance`](crate::Balance), `positions` →
//! [`Position`](crate::Position), `instruments` →
//! [`Instrument`](crate::Instrument).
//!
//! ```
//! use okx_models::ws::MarkPrice;
//!
//! let rows: Vec<MarkPrice> = serde_json::from_str(
//!     r#"[{"instType":"SWAP","instId":"BTC-USDT-SWAP","markPx":"42310.6","ts":"1630049139746"}]"#,
//! )?;
//! assert_eq!(rows[0].mark_px.to_string(), "42310.6");
//! # Ok::<(), serde_json::Error>(())
//! ```

mod channels;
mod private;
mod public;
mod rpi;

pub use channels::*;
pub use rpi::{RpiBookPush, RpiLevel};

/// A `sprd-candle{bar}` push row: `[ts, o, h, l, c, vol, confirm]`, the
/// shape of the spread candles REST returns.
pub type SprdCandle = crate::api::spread::GetSprdCandlesResponse;

pub use private::{
    AlgoOrderPush, BalPosBalance, BalPosPosition, BalPosTrade, BalanceAndPosition, FillPush,
    LiquidationWarning,
};
pub use public::{
    BookPush, EventContractMarket, FundingRatePush, IndexTicker, LiquidationDetail,
    LiquidationOrder, MarkPrice, OpenInterestPush, PriceLimit, SystemStatus,
};

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn public_rows_decode_from_doc_examples() {
        let r: Vec<IndexTicker> = serde_json::from_str(
            r#"[{"instId":"BTC-USDT","idxPx":"0.1","high24h":"0.5","low24h":"0.1","open24h":"0.1","sodUtc0":"0.1","sodUtc8":"0.1","ts":"1597026383085"}]"#,
        ).unwrap();
        assert_eq!(r[0].idx_px, dec("0.1"));
        let r: Vec<FundingRatePush> = serde_json::from_str(
            r#"[{"formulaType":"noRate","fundingRate":"0.0001875391284828","fundingTime":"1700726400000","impactValue":"","instId":"BTC-USD-SWAP","instType":"SWAP","interestRate":"","maxFundingRate":"0.00375","method":"current_period","minFundingRate":"-0.00375","nextFundingRate":"","nextFundingTime":"1700755200000","premium":"0.0001233824646391","settFundingRate":"0.0001699799259033","settState":"settled","ts":"1700724675402"}]"#,
        ).unwrap();
        assert_eq!(r[0].next_funding_rate, None);
        assert_eq!(r[0].funding_time, Some(1700726400000));
        let r: Vec<OpenInterestPush> = serde_json::from_str(
            r#"[{"instId":"LTC-USD-SWAP","instType":"SWAP","oi":"5000","oiCcy":"555.55","oiUsd":"50000","ts":"1597026383085"}]"#,
        ).unwrap();
        assert_eq!(r[0].oi, dec("5000"));
        let r: Vec<PriceLimit> = serde_json::from_str(
            r#"[{"instId":"LTC-USD-190628","buyLmt":"300","sellLmt":"200","ts":"1597026383085","enabled":true}]"#,
        ).unwrap();
        assert_eq!((r[0].buy_lmt, r[0].enabled), (Some(dec("300")), Some(true)));
        let r: Vec<LiquidationOrder> = serde_json::from_str(
            r#"[{"details":[{"bkLoss":"0","bkPx":"0.007831","ccy":"","posSide":"short","side":"buy","sz":"13","ts":"1692266434010"}],"instFamily":"IOST-USDT","instId":"IOST-USDT-SWAP","instType":"SWAP","uly":"IOST-USDT"}]"#,
        ).unwrap();
        assert_eq!(r[0].details[0].sz, Some(dec("13")));
        let r: Vec<SystemStatus> = serde_json::from_str(
            r#"[{"begin":"1672823400000","end":"1672825980000","href":"","preOpenBegin":"","scheDesc":"","serviceType":"0","state":"completed","system":"unified","maintType":"1","env":"1","title":"Trading account WebSocket system upgrade","ts":"1672826038470"}]"#,
        ).unwrap();
        assert_eq!(r[0].pre_open_begin, None);
        let r: Vec<BookPush> = serde_json::from_str(
            r#"[{"asks":[["8476.98","415","0","13"]],"bids":[["8476.97","256","0","12"]],"ts":"1597026383085","checksum":-855196043,"prevSeqId":-1,"seqId":123456}]"#,
        ).unwrap();
        assert_eq!((r[0].prev_seq_id, r[0].seq_id), (Some(-1), Some(123456)));
    }

    #[test]
    fn event_contract_markets_decode() {
        let r: Vec<EventContractMarket> = serde_json::from_str(
            r#"[{"seriesId":"BTC-ABOVE-DAILY","eventId":"BTC-ABOVE-DAILY-260224-1600","instId":"BTC-ABOVE-DAILY-260224-1600-65000","listTime":"1771900800000","fixTime":"","expTime":"1771920000000","state":"expired","outcome":"1","floorStrike":"65000","capStrike":"INF","settleValue":"65321.5","disputed":false,"hitDir":""}]"#,
        )
        .unwrap();
        assert_eq!(
            (r[0].outcome.as_str(), r[0].cap_strike.as_str()),
            ("1", "INF")
        );
        assert_eq!(
            (r[0].settle_value, r[0].fix_time),
            (Some(dec("65321.5")), None)
        );
        assert_eq!(r[0].disputed, Some(false));
    }

    #[test]
    fn private_rows_decode_from_doc_examples() {
        let r: Vec<BalanceAndPosition> = serde_json::from_str(
            r#"[{"pTime":"1597026383085","eventType":"snapshot","balData":[{"ccy":"BTC","cashBal":"1","uTime":"1597026383085"}],"posData":[{"posId":"1111111111","tradeId":"2","instId":"BTC-USD-191018","instType":"FUTURES","mgnMode":"cross","posSide":"long","pos":"10","ccy":"BTC","posCcy":"","avgPx":"3320","nonSettleAvgPx":"","settledPnl":"","uTime":"1597026383085"}],"trades":[{"instId":"BTC-USD-191018","tradeId":"2"}]}]"#,
        ).unwrap();
        assert_eq!(r[0].bal_data[0].cash_bal, dec("1"));
        assert_eq!(r[0].pos_data[0].pos, Some(dec("10")));
        let r: Vec<FillPush> = serde_json::from_str(
            r#"[{"instId":"BTC-USDT-SWAP","fillSz":"100","fillPx":"70000","side":"buy","ts":"1705449605015","ordId":"680800019749904384","clOrdId":"1234567890","tradeId":"12345","execType":"T","count":"10"}]"#,
        ).unwrap();
        assert_eq!((r[0].fill_px, r[0].count), (dec("70000"), Some(10)));
        let r: Vec<LiquidationWarning> = serde_json::from_str(
            r#"[{"cTime":"1619507758793","ccy":"ETH","instId":"ETH-USD-210430","instType":"FUTURES","lever":"10","markPx":"2353.849","mgnMode":"isolated","mgnRatio":"11.731726509588816","pTime":"1619507761462","pos":"1","posCcy":"","posId":"307173036051017730","posSide":"long","uTime":"1619507761462"}]"#,
        ).unwrap();
        assert_eq!(r[0].mark_px, Some(dec("2353.849")));
        let r: Vec<AlgoOrderPush> = serde_json::from_str(
            r#"[{"actualPx":"0","actualSide":"","actualSz":"0","algoClOrdId":"","algoId":"581878926302093312","amendResult":"","cTime":"1685002746818","ccy":"","instId":"BTC-USDT","instType":"SPOT","lever":"","notionalUsd":"","ordId":"","ordIdList":[],"ordPx":"-1","ordType":"trigger","posSide":"","reduceOnly":"false","reqId":"","side":"buy","sz":"0.00001","tag":"","tdMode":"cash","tgtCcy":"","triggerPx":"100","triggerPxType":"last","triggerTime":"","uTime":"1685002746818","state":"live","someNewField":"x"}]"#,
        ).unwrap();
        assert_eq!(r[0].trigger_px, Some(dec("100")));
        assert_eq!(r[0].ord_px, Some(dec("-1")));
    }
}
