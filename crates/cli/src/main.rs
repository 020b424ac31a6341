//! The `okx` command: tools built on the OKX V5 SDK.
//!
//! Each subcommand's work lives in a module of the `okx_cli` library; this
//! file holds the command line (clap) and hands each command its settings,
//! a runtime and stdout. Errors end as one line on stderr and an exit code
//! from [`okx_cli::fail`].

use std::future::Future;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::path::PathBuf;

use okx::models::{Bar, InstType, PosSide, Side, TdMode};
use rust_decimal::Decimal;

mod audit;
mod testkit;

use okx_cli::conn::{GlobalOpts, Settings};
use okx_cli::fail::{CliError, EXIT_CODES_HELP};
use okx_cli::{account, candles, market, record, replay, sign};

/// Tools for the OKX V5 API: market data, the local book, candle
/// downloads, account and orders, record and replay, signing.
#[derive(Debug, Parser)]
#[command(name = "okx", version, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    global: GlobalOpts,
    #[command(subcommand)]
    command: Command,
}

const CREDENTIALS_HELP: &str = "\
Credentials: OKX_API_KEY, OKX_SECRET_KEY and OKX_PASSPHRASE, or a profile
([NAME] with api_key, secret_key, passphrase, and optionally demo, region)
in $XDG_CONFIG_HOME/okx/config.toml (~/.config/okx/config.toml), which must
not be readable by group or others (chmod 600). Secrets are never printed.
";

#[derive(Debug, Subcommand)]
enum Command {
    /// Last price, best bid/ask and 24 h figures of instruments.
    Ticker {
        /// Instrument ids, e.g. BTC-USDT BTC-USDT-SWAP.
        #[arg(required = true)]
        inst: Vec<String>,
    },
    /// Instruments of a type, with tick, lot and minimum sizes.
    Instruments {
        /// SPOT, MARGIN, SWAP, FUTURES or OPTION.
        #[arg(long = "type", default_value = "SPOT", value_parser = inst_type)]
        inst_type: InstType,
        /// Instrument family (required by OKX for OPTION), e.g. BTC-USD.
        #[arg(long)]
        family: Option<String>,
    },
    /// Current and next funding rate of a perpetual swap.
    Funding {
        /// A SWAP instrument, e.g. BTC-USDT-SWAP.
        inst: String,
    },
    /// OKX's system status: maintenance scheduled or under way.
    Status,
    /// Latest trades, or the live tape with --watch.
    Trades {
        /// Instrument id.
        inst: String,
        /// Follow the live trades over the WebSocket.
        #[arg(long)]
        watch: bool,
        /// How many recent trades (without --watch).
        #[arg(long, default_value_t = 20)]
        limit: u32,
        /// With --watch: stop after this many trades.
        #[arg(long)]
        count: Option<u64>,
    },
    /// The order book: a REST snapshot, or with --watch the local book kept
    /// live (levels, spread, seqId, sync state, resyncs, updates/s); q quits.
    Book {
        /// Instrument id.
        inst: String,
        /// Keep the book live and redraw it in place.
        #[arg(long)]
        watch: bool,
        /// Levels shown per side.
        #[arg(long, default_value_t = 10)]
        depth: usize,
        /// Book channel: books, books5, bbo-tbt, books-l2-tbt, books50-l2-tbt.
        #[arg(long, default_value = "books")]
        channel: String,
        /// With --watch: stop after this many updates.
        #[arg(long)]
        count: Option<u64>,
    },
    /// Download confirmed candles, oldest first, into a CSV or NDJSON file;
    /// a re-run continues after the file's last candle.
    Candles {
        /// Instrument id.
        inst: String,
        /// Bar: 1s, 1m, 3m, 5m, 15m, 30m, 1H, 2H, 4H, 6H, 12H, 1D, 2D, 3D, 5D, 1W (and ...utc).
        #[arg(long, default_value = "1m", value_parser = bar)]
        bar: Bar,
        /// First candle (open time), ISO 8601 (2024-01-31, 2024-01-31T08:00Z) or Unix ms.
        #[arg(long, value_parser = date)]
        from: i64,
        /// End, exclusive; default now.
        #[arg(long, value_parser = date)]
        to: Option<i64>,
        /// Output file (appended to, and resumed from, if it exists).
        #[arg(long)]
        out: PathBuf,
        /// File format.
        #[arg(long, value_enum, default_value = "csv")]
        format: candles::Format,
    },
    /// Balances of the trading account (keys).
    Balance,
    /// Open positions (keys).
    Positions,
    /// Open orders, or with --history those of the last 7 days (keys).
    Orders {
        /// Orders of the last 7 days instead of open ones.
        #[arg(long)]
        history: bool,
        /// Instrument type (for --history).
        #[arg(long = "type", default_value = "SPOT", value_parser = inst_type)]
        inst_type: InstType,
        /// Only this instrument.
        #[arg(long)]
        inst: Option<String>,
    },
    /// Fills of the last 3 days (keys).
    Fills {
        /// Only this instrument.
        #[arg(long)]
        inst: Option<String>,
    },
    /// Place, amend or cancel orders (keys); live orders ask for confirmation.
    #[command(subcommand)]
    Order(OrderCmd),
    /// Follow the account as it changes (keys).
    #[command(subcommand)]
    Watch(WatchCmd),
    /// Record raw WebSocket frames with receive times into gzip files:
    /// `okx record books:BTC-USDT trades:BTC-USDT --out btc.rec.gz`.
    Record {
        /// Subscriptions as CHANNEL:INST (public channels), e.g. books:BTC-USDT.
        #[arg(required = true)]
        subs: Vec<record::Sub>,
        /// Output file; with rotation, files are named <stem>-<start time>-<n><ext>.
        #[arg(long)]
        out: PathBuf,
        /// Start a new file after this many MB (uncompressed).
        #[arg(long, value_name = "MB")]
        rotate_mb: Option<u64>,
        /// Start a new file every UTC hour.
        #[arg(long)]
        rotate_hourly: bool,
        /// Stop after this many seconds.
        #[arg(long, value_name = "SECS")]
        duration: Option<u64>,
        /// Stop after this many frames.
        #[arg(long)]
        count: Option<u64>,
    },
    /// Sign requests the way OKX checks them: JSON lines on stdin, or one request from flags.
    Sign(sign::SignArgs),
    /// Replay recorded frames: `okx replay FILE --speed 10x` prints them at
    /// the recorded pace; `okx replay book FILE [--json]` runs them through
    /// the book engine.
    Replay(replay::ReplayArgs),
    /// Audit logs: `okx audit summarize FILE [--json]`.
    Audit(audit::AuditArgs),
    /// The simulated OKX exchange: `okx testkit serve [--seed N] [--rest-port P] ...`.
    Testkit(testkit::TestkitArgs),
}

#[derive(Debug, Subcommand)]
enum OrderCmd {
    /// Place an order: `okx order place BTC-USDT buy 0.01 --px 30000 [--post-only]`
    /// (no --px: a market order). On live trading it asks first unless --yes.
    Place {
        /// Instrument id.
        inst: String,
        /// buy or sell.
        #[arg(value_parser = side)]
        side: Side,
        /// Size (base currency for spot, contracts for derivatives).
        sz: Decimal,
        /// Limit price; without it, a market order.
        #[arg(long)]
        px: Option<Decimal>,
        /// Post-only: rest as maker or be cancelled.
        #[arg(long, conflicts_with = "ioc")]
        post_only: bool,
        /// Immediate-or-cancel.
        #[arg(long)]
        ioc: bool,
        /// Trade mode: cash, cross or isolated (default: cash for spot, cross otherwise).
        #[arg(long, value_parser = td_mode)]
        td_mode: Option<TdMode>,
        /// Position side in long/short mode: long or short.
        #[arg(long, value_parser = pos_side)]
        pos_side: Option<PosSide>,
        /// Client order id (1-32 letters and digits); one is made up otherwise.
        #[arg(long)]
        cl_ord_id: Option<String>,
        /// Only reduce a position.
        #[arg(long)]
        reduce_only: bool,
        /// Do not ask for confirmation on live trading.
        #[arg(long)]
        yes: bool,
    },
    /// Amend an order's price or size.
    Amend {
        /// Instrument id.
        inst: String,
        #[command(flatten)]
        which: Which,
        /// New price.
        #[arg(long)]
        new_px: Option<Decimal>,
        /// New size.
        #[arg(long)]
        new_sz: Option<Decimal>,
        /// Do not ask for confirmation on live trading.
        #[arg(long)]
        yes: bool,
    },
    /// Cancel an order.
    Cancel {
        /// Instrument id.
        inst: String,
        #[command(flatten)]
        which: Which,
    },
    /// Cancel every open order, or those of one instrument.
    CancelAll {
        /// Instrument id.
        inst: Option<String>,
    },
}

#[derive(Debug, clap::Args)]
#[group(required = true, multiple = false)]
struct Which {
    /// OKX's order id.
    #[arg(long)]
    ord_id: Option<String>,
    /// The client order id.
    #[arg(long)]
    cl_ord_id: Option<String>,
}

impl Which {
    fn get(self) -> account::OrderRef {
        match (self.ord_id, self.cl_ord_id) {
            (Some(id), _) => account::OrderRef::Ord(id),
            (None, Some(id)) => account::OrderRef::Cl(id),
            // clap's group makes one of them required.
            (None, None) => account::OrderRef::Ord(String::new()),
        }
    }
}

#[derive(Debug, Subcommand)]
enum WatchCmd {
    /// The account's orders and fills as they happen; events recovered
    /// after a reconnect are marked [recovered] ("recovered": true in JSON).
    Orders {
        /// Stop after this many order and fill events.
        #[arg(long)]
        count: Option<u64>,
    },
}

fn bar(text: &str) -> Result<Bar, String> {
    let b: Bar = text.parse().map_err(|_| format!("{text:?} is not a bar"))?;
    if b.is_other() {
        return Err(format!("{text:?} is not a bar (1m, 1H, 1D, ...)"));
    }
    Ok(b)
}

fn date(text: &str) -> Result<i64, String> {
    okx_cli::time::parse_date(text)
}

fn side(text: &str) -> Result<Side, String> {
    match text.to_ascii_lowercase().as_str() {
        "buy" => Ok(Side::Buy),
        "sell" => Ok(Side::Sell),
        _ => Err(format!("{text:?} is not buy or sell")),
    }
}

fn td_mode(text: &str) -> Result<TdMode, String> {
    match text {
        "cash" => Ok(TdMode::Cash),
        "cross" => Ok(TdMode::Cross),
        "isolated" => Ok(TdMode::Isolated),
        _ => Err(format!("{text:?} is not cash, cross or isolated")),
    }
}

fn pos_side(text: &str) -> Result<PosSide, String> {
    match text {
        "long" => Ok(PosSide::Long),
        "short" => Ok(PosSide::Short),
        _ => Err(format!("{text:?} is not long or short")),
    }
}

fn inst_type(text: &str) -> Result<InstType, String> {
    let t: InstType = text
        .to_ascii_uppercase()
        .parse()
        .map_err(|_| format!("{text:?} is not an instrument type"))?;
    if t.is_other() || t == InstType::Any {
        return Err(format!(
            "{text:?} is not an instrument type (SPOT, MARGIN, SWAP, FUTURES, OPTION)"
        ));
    }
    Ok(t)
}

/// Runs an async command on a runtime of its own and reports its error.
fn run<F, Fut>(name: &str, global: &GlobalOpts, need_keys: bool, f: F) -> ExitCode
where
    F: FnOnce(Settings) -> Fut,
    Fut: Future<Output = Result<(), CliError>>,
{
    let settings = match Settings::resolve(global, need_keys) {
        Ok(s) => s,
        Err(e) => return e.report(name),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return CliError::other(format!("cannot start the runtime: {e}")).report(name),
    };
    match runtime.block_on(f(settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report(name),
    }
}

fn main() -> ExitCode {
    let matches = Cli::command()
        .after_help(format!("{CREDENTIALS_HELP}\n{EXIT_CODES_HELP}"))
        .get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let g = &cli.global;
    let stdout = std::io::stdout;
    match cli.command {
        Command::Ticker { inst } => run("ticker", g, false, |s| async move {
            market::ticker(&s, &inst, &mut stdout().lock()).await
        }),
        Command::Instruments { inst_type, family } => {
            run("instruments", g, false, |s| async move {
                market::instruments(&s, inst_type, family, &mut stdout().lock()).await
            })
        }
        Command::Funding { inst } => run("funding", g, false, |s| async move {
            market::funding(&s, &inst, &mut stdout().lock()).await
        }),
        Command::Status => run("status", g, false, |s| async move {
            market::status(&s, &mut stdout().lock()).await
        }),
        Command::Trades {
            inst,
            watch,
            limit,
            count,
        } => run("trades", g, false, |s| async move {
            if watch {
                market::trades_watch(&s, &inst, count).await
            } else {
                market::trades(&s, &inst, limit, &mut stdout().lock()).await
            }
        }),
        Command::Book {
            inst,
            watch,
            depth,
            channel,
            count,
        } => run("book", g, false, |s| async move {
            if watch {
                market::book_watch(&s, &inst, &channel, depth, count).await
            } else {
                market::book_once(&s, &inst, depth, &mut stdout().lock()).await
            }
        }),
        Command::Candles {
            inst,
            bar,
            from,
            to,
            out,
            format,
        } => {
            let job = candles::Job {
                inst,
                bar,
                from,
                to,
                out,
                format,
            };
            run("candles", g, false, |s| async move {
                candles::download(&s, &job).await
            })
        }
        Command::Balance => run("balance", g, true, |s| async move {
            account::balance(&s, &mut stdout().lock()).await
        }),
        Command::Positions => run("positions", g, true, |s| async move {
            account::positions(&s, &mut stdout().lock()).await
        }),
        Command::Orders {
            history,
            inst_type,
            inst,
        } => run("orders", g, true, |s| async move {
            let history = history.then_some(inst_type);
            account::orders(&s, history, inst, &mut stdout().lock()).await
        }),
        Command::Fills { inst } => run("fills", g, true, |s| async move {
            account::fills(&s, inst, &mut stdout().lock()).await
        }),
        Command::Order(cmd) => order(g, cmd),
        Command::Watch(WatchCmd::Orders { count }) => {
            run("watch orders", g, true, |s| async move {
                okx_cli::watch::watch_orders(&s, count).await
            })
        }
        Command::Record {
            subs,
            out,
            rotate_mb,
            rotate_hourly,
            duration,
            count,
        } => {
            let job = record::RecordJob {
                subs,
                out,
                rotation: record::Rotation {
                    bytes: rotate_mb.map(|mb| mb * 1_000_000),
                    hourly: rotate_hourly,
                },
                duration: duration.map(std::time::Duration::from_secs),
                count,
            };
            run("record", g, false, |s| async move {
                record::record(&s, &job).await.map(drop)
            })
        }
        Command::Sign(args) => args.run(),
        Command::Replay(args) => args.run(g.json),
        Command::Testkit(args) => args.run(),
        Command::Audit(args) => args.run(g.json),
    }
}

fn order(g: &GlobalOpts, cmd: OrderCmd) -> ExitCode {
    let stdout = std::io::stdout;
    match cmd {
        OrderCmd::Place {
            inst,
            side,
            sz,
            px,
            post_only,
            ioc,
            td_mode,
            pos_side,
            cl_ord_id,
            reduce_only,
            yes,
        } => {
            let p = account::Place {
                inst,
                side,
                sz,
                px,
                post_only,
                ioc,
                td_mode,
                pos_side,
                cl_ord_id,
                reduce_only,
            };
            run("order place", g, true, |s| async move {
                account::place(&s, &p, yes, &mut stdout().lock()).await
            })
        }
        OrderCmd::Amend {
            inst,
            which,
            new_px,
            new_sz,
            yes,
        } => run("order amend", g, true, |s| async move {
            let w = &mut stdout().lock();
            account::amend(&s, &inst, which.get(), new_px, new_sz, yes, w).await
        }),
        OrderCmd::Cancel { inst, which } => run("order cancel", g, true, |s| async move {
            account::cancel(&s, &inst, which.get(), &mut stdout().lock()).await
        }),
        OrderCmd::CancelAll { inst } => run("order cancel-all", g, true, |s| async move {
            account::cancel_all(&s, inst.as_deref(), &mut stdout().lock()).await
        }),
    }
}
