//! The `instIdCode` of each instrument, which WS order entry must send
//! (OKX ignores `instId` there since 2026-03/04).
//!
//! A code survives renames but changes when an instrument is delisted and
//! listed again (the 2026 docs' SBE notes). The book learns codes from
//! instruments fetched over REST ([`WsClient::load_instruments`]) and from
//! every `instruments` push the client receives; a push that shows a new
//! listing (`listTime` changed) replaces the code, or, when it has none yet
//! (OKX pre-announces listings with partial fields), makes the old one
//! unusable. Before such a code is used, it is refreshed through an
//! [`InstrumentSource`] when one is set; otherwise the order fails locally
//! ([`WsError::StaleInstIdCode`]) instead of going out with a code that now
//! names nothing, or something else.
//!
//! [`WsClient::load_instruments`]: crate::WsClient::load_instruments

use crate::error::WsError;
use okx_models::{InstState, Instrument};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

/// What an [`InstrumentSource`] returns: the instrument as `GET
/// /api/v5/public/instruments` lists it, with its `instIdCode`.
pub type InstrumentFuture = Pin<Box<dyn Future<Output = Result<Instrument, String>> + Send>>;

/// Looks one instrument up over REST, to refresh a code a relisting made
/// stale. Any `Fn(String) -> impl Future<Output = Result<Instrument, String>>`
/// is one; the facade's `okx::instrument_lookup` runs it on okx-rest.
pub trait InstrumentSource: Send + Sync {
    /// Starts looking `inst_id` up.
    fn lookup(&self, inst_id: &str) -> InstrumentFuture;
}

impl<F, Fut> InstrumentSource for F
where
    F: Fn(String) -> Fut + Send + Sync,
    Fut: Future<Output = Result<Instrument, String>> + Send + 'static,
{
    fn lookup(&self, inst_id: &str) -> InstrumentFuture {
        Box::pin(self(inst_id.to_owned()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    code: i64,
    /// The listing the code belongs to, when known.
    list_time: Option<i64>,
    /// A relisting or an OKX refusal made the code unusable until refreshed.
    stale: bool,
}

/// instId → its code.
#[derive(Debug, Default)]
pub(crate) struct CodeBook {
    map: HashMap<String, Entry>,
}

impl CodeBook {
    /// Sets a code the caller knows (no listing attached).
    pub(crate) fn set(&mut self, inst_id: String, code: i64) {
        self.map.insert(
            inst_id,
            Entry {
                code,
                list_time: None,
                stale: false,
            },
        );
    }

    /// Learns from an instrument row (REST list or `instruments` push).
    /// Returns true when it changed what an order would send.
    pub(crate) fn learn(&mut self, inst: &Instrument) -> bool {
        let inst_id = inst.inst_id.as_str();
        let known = self.map.get(inst_id).copied();
        let relisted = match (known.and_then(|e| e.list_time), inst.list_time) {
            (Some(old), Some(new)) => old != new,
            _ => false,
        };
        match (inst.inst_id_code, known) {
            (Some(code), _) => {
                let entry = Entry {
                    code,
                    list_time: inst.list_time.or(known.and_then(|e| e.list_time)),
                    stale: false,
                };
                let changed = known != Some(entry);
                if changed && known.is_some_and(|k| k.code != code) {
                    tracing::info!(inst_id, old = ?known.map(|k| k.code), new = code, "instIdCode changed");
                }
                self.map.insert(inst_id.to_owned(), entry);
                changed
            }
            // A new listing announced before its code: the old code is
            // the old listing's.
            (None, Some(k)) if relisted || inst.state == InstState::Expired => {
                let was = k.stale;
                self.map.insert(
                    inst_id.to_owned(),
                    Entry {
                        stale: true,
                        list_time: inst.list_time.or(k.list_time),
                        ..k
                    },
                );
                !was
            }
            _ => false,
        }
    }

    /// Marks a code OKX refused (51001: no such instrument).
    pub(crate) fn mark_stale(&mut self, inst_id: &str) {
        if let Some(e) = self.map.get_mut(inst_id) {
            e.stale = true;
        }
    }

    /// The code to send for `inst_id`.
    pub(crate) fn get(&self, inst_id: &str) -> Result<i64, WsError> {
        match self.map.get(inst_id) {
            None => Err(WsError::MissingInstIdCode(inst_id.to_owned())),
            Some(e) if e.stale => Err(WsError::StaleInstIdCode(inst_id.to_owned())),
            Some(e) => Ok(e.code),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inst(code: Option<i64>, list_time: i64, state: &str) -> Instrument {
        let code = code
            .map(|c| format!(r#","instIdCode":{c}"#))
            .unwrap_or_default();
        serde_json::from_str(&format!(
            r#"{{"instType":"SPOT","instId":"XAU-USDT","listTime":"{list_time}","state":"{state}"{code}}}"#
        ))
        .unwrap()
    }

    #[test]
    fn a_relisting_replaces_the_code() {
        let mut book = CodeBook::default();
        assert!(book.learn(&inst(Some(100), 1, "live")));
        assert_eq!(book.get("XAU-USDT"), Ok(100));
        // The same row again changes nothing.
        assert!(!book.learn(&inst(Some(100), 1, "live")));
        assert!(book.learn(&inst(Some(200), 2, "live")));
        assert_eq!(book.get("XAU-USDT"), Ok(200));
    }

    #[test]
    fn a_relisting_announced_without_a_code_makes_the_old_one_unusable() {
        let mut book = CodeBook::default();
        book.learn(&inst(Some(100), 1, "live"));
        assert!(book.learn(&inst(None, 2, "preopen")));
        assert_eq!(
            book.get("XAU-USDT"),
            Err(WsError::StaleInstIdCode("XAU-USDT".into()))
        );
        book.learn(&inst(Some(300), 2, "live"));
        assert_eq!(book.get("XAU-USDT"), Ok(300));
    }

    #[test]
    fn an_expired_listing_and_a_refusal_make_the_code_unusable() {
        let mut book = CodeBook::default();
        book.learn(&inst(Some(100), 1, "live"));
        book.learn(&inst(None, 1, "expired"));
        assert!(book.get("XAU-USDT").is_err());
        book.set("BTC-USDT".into(), 1);
        book.mark_stale("BTC-USDT");
        assert_eq!(
            book.get("BTC-USDT"),
            Err(WsError::StaleInstIdCode("BTC-USDT".into()))
        );
        assert_eq!(
            book.get("ETH-USDT"),
            Err(WsError::MissingInstIdCode("ETH-USDT".into()))
        );
    }
}
