//! State shared by the client handle and its connection tasks.

use crate::arg::Arg;
use crate::codes::CodeBook;
use crate::config::WsConfig;
use crate::error::WsError;
use crate::limits::Limiter;
use crate::queue::Sinks;
use okx_auth::RestAuth;
use okx_book::{BookSet, Channel};
use okx_models::OkxCode;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, RwLock};
use tokio::sync::oneshot;

/// Books kept per channel, then per instrument.
pub(crate) type Books = Mutex<BookSets>;

/// The kept books of each channel. There are a handful of book channels,
/// so a list is searched faster than a map is hashed.
#[derive(Debug, Default)]
pub(crate) struct BookSets(Vec<(Channel, BookSet)>);

impl BookSets {
    pub(crate) fn get(&self, channel: Channel) -> Option<&BookSet> {
        self.0
            .iter()
            .find(|(c, _)| *c == channel)
            .map(|(_, set)| set)
    }

    pub(crate) fn get_mut(&mut self, channel: Channel) -> Option<&mut BookSet> {
        self.0
            .iter_mut()
            .find(|(c, _)| *c == channel)
            .map(|(_, set)| set)
    }

    /// The set of `channel`, created empty if it is new.
    pub(crate) fn entry(&mut self, channel: Channel) -> &mut BookSet {
        let i = match self.0.iter().position(|(c, _)| *c == channel) {
            Some(i) => i,
            None => {
                self.0.push((channel, BookSet::new()));
                self.0.len() - 1
            }
        };
        &mut self.0.get_mut(i).expect("found or pushed above").1
    }
}

pub(crate) struct Ctx {
    pub(crate) cfg: WsConfig,
    pub(crate) auth: Option<RestAuth>,
    pub(crate) sinks: Sinks,
    pub(crate) connect_limiter: Limiter,
    pub(crate) books: Books,
    /// Args a connection gave up on (OKX refused them for good on a
    /// resubscribe); the client forgets their routing before its next call.
    pub(crate) dropped: Mutex<Vec<Arg>>,
    /// instId → `instIdCode` for WS orders, learned from instrument pushes too.
    pub(crate) codes: RwLock<CodeBook>,
    next_id: AtomicU64,
}

impl Ctx {
    pub(crate) fn new(cfg: WsConfig, auth: Option<RestAuth>, sinks: Sinks) -> Self {
        Ctx {
            cfg,
            auth,
            sinks,
            connect_limiter: Limiter::default(),
            books: Mutex::new(BookSets::default()),
            dropped: Mutex::new(Vec::new()),
            codes: RwLock::new(CodeBook::default()),
            next_id: AtomicU64::new(1),
        }
    }

    pub(crate) fn codes(&self) -> std::sync::RwLockWriteGuard<'_, CodeBook> {
        self.codes.write().unwrap_or_else(|e| e.into_inner())
    }

    /// A fresh request id (OKX: up to 32 alphanumerics).
    pub(crate) fn next_id(&self) -> String {
        self.next_id.fetch_add(1, Ordering::Relaxed).to_string()
    }

    pub(crate) fn books(&self) -> MutexGuard<'_, BookSets> {
        self.books.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What a connection task publishes about itself for the client's routing.
#[derive(Debug, Default)]
pub(crate) struct ConnState {
    pub(crate) subs: AtomicUsize,
    pub(crate) ops_left: AtomicUsize,
    pub(crate) stopped: AtomicBool,
    /// Why the connection gave up for good (a login OKX refused for good).
    pub(crate) fatal: Mutex<Option<WsError>>,
}

impl ConnState {
    pub(crate) fn fatal(&self) -> Option<WsError> {
        self.fatal.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// The answer to a WS trading request.
#[derive(Debug, Clone)]
pub(crate) struct OpReply {
    pub(crate) code: OkxCode,
    pub(crate) msg: String,
    pub(crate) data: String,
}

pub(crate) type Reply<T> = oneshot::Sender<Result<T, WsError>>;

pub(crate) enum Cmd {
    Subscribe {
        args: Vec<Arg>,
        reply: Reply<()>,
    },
    Unsubscribe {
        args: Vec<Arg>,
        reply: Reply<()>,
    },
    Trade {
        id: String,
        frame: String,
        reply: Reply<OpReply>,
    },
    Close,
}

impl Cmd {
    /// Answers the command with an error without running it.
    pub(crate) fn fail(self, err: WsError) {
        match self {
            Cmd::Subscribe { reply, .. } | Cmd::Unsubscribe { reply, .. } => {
                let _ = reply.send(Err(err));
            }
            Cmd::Trade { reply, .. } => {
                let _ = reply.send(Err(err));
            }
            Cmd::Close => {}
        }
    }
}
