//! Account and orders, with keys: `balance`, `positions`, `orders`,
//! `fills`, `order place|amend|cancel|cancel-all` (`watch orders` is in
//! [`crate::watch`]).
//!
//! Reads go over REST; order entry goes through [`okx::Client`], so an
//! order is checked against its instrument, placed exactly once (by
//! `clOrdId`), and routed over the WebSocket when the private connection
//! is up.

use std::io::{BufRead, IsTerminal, Write};

use okx::models::trade::{AmendRequest, CancelRequest, OrderAck, OrderRequest};
use okx::models::{ClOrdId, InstType, Order, PosSide, Side, TdMode};
use okx::rest::api::{account, trade};
use rust_decimal::Decimal;
use serde_json::json;

use crate::conn::Settings;
use crate::fail::{CliError, NOT_CONFIRMED};
use crate::out::{dec, json_line, opt, print, table, text};
use crate::time::iso;

/// `okx balance`.
pub async fn balance(s: &Settings, w: &mut dyn Write) -> Result<(), CliError> {
    let rows = s.rest()?.send(&account::GetBalance::new()).await?;
    if s.json {
        for b in &rows {
            json_line(w, b)?;
        }
        return Ok(());
    }
    let mut table_rows = Vec::new();
    for b in &rows {
        for d in &b.details {
            table_rows.push(vec![
                d.ccy.clone(),
                dec(d.eq),
                dec(d.cash_bal),
                dec(d.avail_bal),
                dec(d.frozen_bal),
                dec(d.upl),
            ]);
        }
    }
    let head = ["ccy", "equity", "cash", "available", "frozen", "upl"];
    print(w, &table(&head, &table_rows))?;
    if let Some(b) = rows.first() {
        print(w, &format!("total equity (USD): {}\n", dec(b.total_eq)))?;
    }
    Ok(())
}

/// `okx positions`.
pub async fn positions(s: &Settings, w: &mut dyn Write) -> Result<(), CliError> {
    let rows = s.rest()?.send(&account::GetPositions::new()).await?;
    if s.json {
        for p in &rows {
            json_line(w, p)?;
        }
        return Ok(());
    }
    if rows.is_empty() {
        return print(w, "no open positions\n");
    }
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|p| {
            vec![
                p.inst_id.to_string(),
                p.pos_side.to_string(),
                p.mgn_mode.to_string(),
                dec(p.pos),
                dec(p.avg_px),
                dec(p.mark_px),
                dec(p.upl),
                dec(p.lever),
            ]
        })
        .collect();
    let head = [
        "inst", "posSide", "mgnMode", "pos", "avgPx", "markPx", "upl", "lever",
    ];
    print(w, &table(&head, &rows))
}

fn order_row(o: &Order) -> Vec<String> {
    vec![
        iso(o.c_time),
        o.inst_id.to_string(),
        o.ord_id.to_string(),
        opt(o.cl_ord_id.as_ref()),
        o.side.to_string(),
        o.ord_type.to_string(),
        dec(o.px),
        o.sz.normalize().to_string(),
        o.acc_fill_sz.normalize().to_string(),
        o.state.to_string(),
    ]
}

const ORDER_HEAD: [&str; 10] = [
    "created", "inst", "ordId", "clOrdId", "side", "type", "px", "sz", "filled", "state",
];

/// `okx orders [--history --type T] [--inst I]`.
pub async fn orders(
    s: &Settings,
    history: Option<InstType>,
    inst: Option<String>,
    w: &mut dyn Write,
) -> Result<(), CliError> {
    let rest = s.rest()?;
    let list = match history.clone() {
        Some(t) => {
            let mut req = trade::GetOrdersHistory::new(t);
            if let Some(i) = inst {
                req = req.inst_id(i);
            }
            rest.send(&req).await?
        }
        None => {
            let mut req = trade::GetOrdersPending::new();
            if let Some(i) = inst {
                req = req.inst_id(i);
            }
            rest.send(&req).await?
        }
    };
    if s.json {
        for o in &list {
            json_line(w, o)?;
        }
        return Ok(());
    }
    if list.is_empty() {
        let what = if history.is_some() {
            "no orders in the last 7 days"
        } else {
            "no open orders"
        };
        return print(w, &format!("{what}\n"));
    }
    let rows: Vec<Vec<String>> = list.iter().map(order_row).collect();
    print(w, &table(&ORDER_HEAD, &rows))
}

/// `okx fills [--inst I]`: the last 3 days' fills.
pub async fn fills(s: &Settings, inst: Option<String>, w: &mut dyn Write) -> Result<(), CliError> {
    let mut req = trade::GetFills::new();
    if let Some(i) = inst {
        req = req.inst_id(i);
    }
    let list = s.rest()?.send(&req).await?;
    if s.json {
        for f in &list {
            json_line(w, f)?;
        }
        return Ok(());
    }
    if list.is_empty() {
        return print(w, "no fills in the last 3 days\n");
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|f| {
            vec![
                iso(f.ts),
                f.inst_id.to_string(),
                f.side.to_string(),
                f.fill_px.normalize().to_string(),
                f.fill_sz.normalize().to_string(),
                dec(f.fee),
                text(&f.fee_ccy),
                f.ord_id.to_string(),
                f.trade_id.clone(),
            ]
        })
        .collect();
    let head = [
        "time", "inst", "side", "px", "sz", "fee", "feeCcy", "ordId", "tradeId",
    ];
    print(w, &table(&head, &rows))
}

/// The instrument type an id's shape says (for the client's instrument
/// cache): `-SWAP`; an option's `-C`/`-P` strike suffix; a dated future;
/// else spot.
pub fn inst_type_of(inst_id: &str) -> InstType {
    let parts: Vec<&str> = inst_id.split('-').collect();
    match parts.as_slice() {
        [.., "SWAP"] => InstType::Swap,
        [_, _, _, _, "C" | "P"] => InstType::Option,
        [_, _, date] if date.bytes().all(|b| b.is_ascii_digit()) => InstType::Futures,
        _ => InstType::Spot,
    }
}

/// What `okx order place` sends.
#[derive(Debug, Clone)]
pub struct Place {
    /// Instrument.
    pub inst: String,
    /// buy or sell.
    pub side: Side,
    /// Size.
    pub sz: Decimal,
    /// Limit price; none for a market order.
    pub px: Option<Decimal>,
    /// Post-only (maker only).
    pub post_only: bool,
    /// Immediate-or-cancel.
    pub ioc: bool,
    /// Trade mode; `cash` for spot unless set.
    pub td_mode: Option<TdMode>,
    /// Position side (long/short mode).
    pub pos_side: Option<PosSide>,
    /// Client order id.
    pub cl_ord_id: Option<String>,
    /// Reduce only.
    pub reduce_only: bool,
}

impl Place {
    /// The order request, or why it cannot be one.
    pub fn request(&self) -> Result<OrderRequest, CliError> {
        let mut o = match self.px {
            Some(px) => OrderRequest::limit(self.inst.as_str(), self.side.clone(), self.sz, px),
            None if self.post_only => {
                return Err(CliError::usage("--post-only needs --px"));
            }
            None => OrderRequest::market(self.inst.as_str(), self.side.clone(), self.sz),
        };
        if self.post_only {
            o = o.post_only();
        }
        if self.ioc {
            o = o.ioc();
        }
        let td = self
            .td_mode
            .clone()
            .unwrap_or(match inst_type_of(&self.inst) {
                InstType::Spot => TdMode::Cash,
                _ => TdMode::Cross,
            });
        o = o.td_mode(td);
        if let Some(p) = &self.pos_side {
            o = o.pos_side(p.clone());
        }
        if self.reduce_only {
            o = o.reduce_only();
        }
        if let Some(id) = &self.cl_ord_id {
            o = o
                .cl_ord_id(id)
                .map_err(|e| CliError::usage(format!("--cl-ord-id: {e}")))?;
        }
        Ok(o)
    }

    /// One line saying what the order does, for the confirmation prompt.
    pub fn describe(&self) -> String {
        let price = self
            .px
            .map_or_else(|| "at market".to_owned(), |p| format!("limit {p}"));
        let flags = [
            (self.post_only, " post-only"),
            (self.ioc, " ioc"),
            (self.reduce_only, " reduce-only"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, t)| *t)
        .collect::<String>();
        format!("{} {} {} {price}{flags}", self.side, self.sz, self.inst)
    }
}

/// Asks on the terminal before a live write. `yes` skips it. Without a
/// terminal to ask on, the write is refused (exit 7) rather than done
/// unasked.
pub fn confirm(s: &Settings, yes: bool, what: &str) -> Result<(), CliError> {
    if yes || !s.is_live() {
        return Ok(());
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(CliError::new(
            NOT_CONFIRMED,
            format!("{what} on LIVE trading needs confirmation and there is no terminal to ask"),
        )
        .hint("add --yes to confirm, or --demo for demo trading"));
    }
    eprint!(
        "{what} on LIVE trading ({}). Type y to confirm: ",
        s.rest_base()
    );
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .map_err(|e| CliError::other(format!("cannot read the answer: {e}")))?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "YES") {
        Ok(())
    } else {
        Err(CliError::new(
            NOT_CONFIRMED,
            format!("not confirmed: {what} not sent"),
        ))
    }
}

pub(crate) async fn client(s: &Settings, inst: Option<&str>) -> Result<okx::Client, CliError> {
    let mut types = vec![InstType::Spot];
    if let Some(i) = inst {
        let t = inst_type_of(i);
        if t == InstType::Option {
            return Err(CliError::usage(
                "options are not supported by `okx order` yet",
            ));
        }
        if !types.contains(&t) {
            types.push(t);
        }
    }
    Ok(s.client().instrument_types(&types).connect().await?)
}

fn print_ack(s: &Settings, what: &str, ack: &OrderAck, w: &mut dyn Write) -> Result<(), CliError> {
    if s.json {
        let v = json!({
            "op": what, "ordId": ack.ord_id.as_str(),
            "clOrdId": ack.cl_ord_id.as_ref().map(|c| c.as_str()),
            "ts": ack.ts,
        });
        return json_line(w, &v);
    }
    let cl = ack
        .cl_ord_id
        .as_ref()
        .map(|c| format!(" clOrdId {c}"))
        .unwrap_or_default();
    print(w, &format!("{what}: ordId {}{cl}\n", ack.ord_id))
}

/// `okx order place`.
pub async fn place(s: &Settings, p: &Place, yes: bool, w: &mut dyn Write) -> Result<(), CliError> {
    let req = p.request()?;
    confirm(s, yes, &format!("place {}", p.describe()))?;
    let c = client(s, Some(&p.inst)).await?;
    let result = c.place(req).await;
    c.close().await;
    print_ack(s, "placed", &result?, w)
}

/// Which order: by `ordId` or `clOrdId`.
#[derive(Debug, Clone)]
pub enum OrderRef {
    /// OKX's id.
    Ord(String),
    /// The client's id.
    Cl(String),
}

fn cl(id: &str) -> Result<ClOrdId, CliError> {
    ClOrdId::new(id).map_err(|e| CliError::usage(format!("--cl-ord-id: {e}")))
}

/// `okx order amend`.
pub async fn amend(
    s: &Settings,
    inst: &str,
    which: OrderRef,
    new_px: Option<Decimal>,
    new_sz: Option<Decimal>,
    yes: bool,
    w: &mut dyn Write,
) -> Result<(), CliError> {
    if new_px.is_none() && new_sz.is_none() {
        return Err(CliError::usage("give --new-px, --new-sz or both"));
    }
    let mut req = match &which {
        OrderRef::Ord(id) => AmendRequest::by_ord_id(inst, id.as_str()),
        OrderRef::Cl(id) => AmendRequest::by_cl_ord_id(inst, cl(id)?),
    };
    if let Some(px) = new_px {
        req = req.new_px(px);
    }
    if let Some(sz) = new_sz {
        req = req.new_sz(sz);
    }
    confirm(s, yes, &format!("amend {which:?} of {inst}"))?;
    let c = client(s, Some(inst)).await?;
    let result = c.amend(req).await;
    c.close().await;
    print_ack(s, "amended", &result?, w)
}

/// `okx order cancel`.
pub async fn cancel(
    s: &Settings,
    inst: &str,
    which: OrderRef,
    w: &mut dyn Write,
) -> Result<(), CliError> {
    let req = match &which {
        OrderRef::Ord(id) => CancelRequest::by_ord_id(inst, id.as_str()),
        OrderRef::Cl(id) => CancelRequest::by_cl_ord_id(inst, cl(id)?),
    };
    let c = client(s, Some(inst)).await?;
    let result = c.cancel(req).await;
    c.close().await;
    print_ack(s, "cancelled", &result?, w)
}

/// `okx order cancel-all [INST]`: every open order (of one instrument).
pub async fn cancel_all(
    s: &Settings,
    inst: Option<&str>,
    w: &mut dyn Write,
) -> Result<(), CliError> {
    let c = client(s, inst).await?;
    let result = c.cancel_all(inst).await;
    c.close().await;
    let n = result?;
    if s.json {
        return json_line(w, &json!({"op": "cancel-all", "cancelled": n}));
    }
    print(w, &format!("cancelled {n} order(s)\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inst_types_by_shape() {
        assert_eq!(inst_type_of("BTC-USDT"), InstType::Spot);
        assert_eq!(inst_type_of("BTC-USDT-SWAP"), InstType::Swap);
        assert_eq!(inst_type_of("BTC-USD-250328"), InstType::Futures);
        assert_eq!(inst_type_of("BTC-USD-250328-60000-C"), InstType::Option);
    }

    #[test]
    fn place_request_and_description() {
        let p = Place {
            inst: "BTC-USDT-SWAP".into(),
            side: Side::Buy,
            sz: Decimal::ONE,
            px: Some(Decimal::from(30000)),
            post_only: true,
            ioc: false,
            td_mode: None,
            pos_side: None,
            cl_ord_id: Some("abc1".into()),
            reduce_only: false,
        };
        let req = p.request().expect("valid");
        assert_eq!(req.td_mode, TdMode::Cross);
        assert_eq!(req.cl_ord_id.as_ref().map(|c| c.as_str()), Some("abc1"));
        assert_eq!(p.describe(), "buy 1 BTC-USDT-SWAP limit 30000 post-only");
        let market_post = Place { px: None, ..p };
        assert!(market_post.request().is_err());
    }
}
