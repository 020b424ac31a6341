//! Terminal views that redraw in place: the local book of `okx book
//! --watch` and the tape of `okx trades --watch`.
//!
//! A view is plain data rendered into a `String` ([`BookView::render`]),
//! so it is tested without a terminal; [`Screen`] puts it on the terminal
//! (alternate screen, cursor home, clear) and reads `q` / Ctrl-C.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use rust_decimal::Decimal;

/// What `okx book --watch` shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BookView {
    /// Instrument.
    pub inst_id: String,
    /// Channel the book comes from (`books`, `books5`, ...).
    pub channel: String,
    /// Bids, best first: (price, size) as OKX wrote them.
    pub bids: Vec<(String, String)>,
    /// Asks, best first.
    pub asks: Vec<(String, String)>,
    /// The book's `seqId`.
    pub seq_id: Option<i64>,
    /// Whether the book is in sync with OKX's.
    pub in_sync: bool,
    /// Times the book lost sync and was rebuilt.
    pub resyncs: u64,
    /// Updates applied since the view started.
    pub updates: u64,
    /// Updates per second, over the last few seconds.
    pub rate: f64,
    /// Why the book last went out of sync, if it did.
    pub last_resync: Option<String>,
}

impl BookView {
    /// The spread and mid, when both sides have a level.
    pub fn spread(&self) -> Option<(Decimal, Decimal)> {
        let bid: Decimal = self.bids.first()?.0.parse().ok()?;
        let ask: Decimal = self.asks.first()?.0.parse().ok()?;
        Some((ask - bid, (ask + bid) / Decimal::TWO))
    }

    /// Renders the view, `depth` levels a side, into `out`.
    pub fn render(&self, out: &mut String, depth: usize) {
        let state = if self.in_sync {
            "IN SYNC"
        } else {
            "OUT OF SYNC"
        };
        let seq = self
            .seq_id
            .map_or_else(|| "-".to_owned(), |s| s.to_string());
        let _ = writeln!(
            out,
            "{} [{}]  seqId {seq}  {state}  resyncs {}  updates {}  {:.1} upd/s",
            self.inst_id, self.channel, self.resyncs, self.updates, self.rate
        );
        match self.spread() {
            Some((spread, mid)) if !mid.is_zero() => {
                let bps = (spread / mid * Decimal::from(10_000)).round_dp(2);
                let _ = writeln!(out, "spread {spread} ({bps} bps)  mid {}", mid.normalize());
            }
            _ => out.push_str("spread -\n"),
        }
        if let Some(why) = &self.last_resync {
            let _ = writeln!(out, "last resync: {why}");
        }
        let w = |side: &[(String, String)], f: fn(&(String, String)) -> &str| {
            side.iter()
                .take(depth)
                .map(|l| f(l).len())
                .max()
                .unwrap_or(0)
        };
        let (bpw, bsw) = (
            w(&self.bids, |l| &l.0).max(9),
            w(&self.bids, |l| &l.1).max(8),
        );
        let (apw, asw) = (
            w(&self.asks, |l| &l.0).max(9),
            w(&self.asks, |l| &l.1).max(8),
        );
        let _ = writeln!(
            out,
            "{:>bsw$}  {:>bpw$} | {:<apw$}  {:<asw$}",
            "bid size", "bid price", "ask price", "ask size"
        );
        for i in 0..depth {
            let bid = self.bids.get(i);
            let ask = self.asks.get(i);
            if bid.is_none() && ask.is_none() {
                break;
            }
            let (bp, bs) = bid.map_or(("", ""), |l| (l.0.as_str(), l.1.as_str()));
            let (ap, az) = ask.map_or(("", ""), |l| (l.0.as_str(), l.1.as_str()));
            let line = format!("{bs:>bsw$}  {bp:>bpw$} | {ap:<apw$}  {az:<asw$}");
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
}

/// A rate over a sliding window of a few seconds.
#[derive(Debug)]
pub struct Rate {
    window: Duration,
    times: VecDeque<Instant>,
}

impl Default for Rate {
    fn default() -> Self {
        Rate {
            window: Duration::from_secs(5),
            times: VecDeque::new(),
        }
    }
}

impl Rate {
    /// Counts one event now.
    pub fn tick(&mut self, now: Instant) {
        self.times.push_back(now);
        self.trim(now);
    }

    fn trim(&mut self, now: Instant) {
        while self
            .times
            .front()
            .is_some_and(|t| now.duration_since(*t) > self.window)
        {
            self.times.pop_front();
        }
    }

    /// Events per second over the window.
    pub fn per_second(&mut self, now: Instant, started: Instant) -> f64 {
        self.trim(now);
        // At least a second: two updates in the first millisecond are not
        // a rate of two thousand a second.
        let span = now
            .duration_since(started)
            .clamp(Duration::from_secs(1), self.window)
            .as_secs_f64();
        self.times.len() as f64 / span
    }
}

/// The terminal while a view is on it: alternate screen and raw mode
/// (so `q` needs no Enter), restored when dropped. Off a terminal it does
/// nothing and views are printed one after another.
#[derive(Debug)]
pub struct Screen {
    tty: bool,
    last: Option<Instant>,
}

/// How often a view is redrawn at most.
const FRAME: Duration = Duration::from_millis(100);

impl Screen {
    /// Takes the terminal when stdout and stdin are terminals.
    pub fn open() -> Screen {
        let tty = std::io::stdout().is_terminal() && std::io::stdin().is_terminal();
        if tty {
            // Without raw mode `q` waits for Enter; the view still works.
            let _ = crossterm::terminal::enable_raw_mode();
            let mut out = std::io::stdout();
            // Alternate screen, hidden cursor.
            let _ = out.write_all(b"\x1b[?1049h\x1b[?25l");
            let _ = out.flush();
        }
        Screen { tty, last: None }
    }

    /// Whether the view redraws in place.
    pub fn is_tty(&self) -> bool {
        self.tty
    }

    /// Draws a frame: in place on a terminal (at most every 100 ms unless
    /// `force`), else printed as it is.
    pub fn draw(&mut self, frame: &str, force: bool) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        if !self.tty {
            out.write_all(frame.as_bytes())?;
            out.write_all(b"\n")?;
            return out.flush();
        }
        let now = Instant::now();
        if !force && self.last.is_some_and(|t| now.duration_since(t) < FRAME) {
            return Ok(());
        }
        self.last = Some(now);
        // Home, then each line followed by erase-to-end-of-line; in raw mode
        // a newline does not return the carriage, so write \r\n.
        out.write_all(b"\x1b[H")?;
        for line in frame.lines() {
            out.write_all(line.as_bytes())?;
            out.write_all(b"\x1b[K\r\n")?;
        }
        out.write_all(b"(q or Ctrl-C to quit)\x1b[K\r\n\x1b[J")?;
        out.flush()
    }

    /// Waits for `q`, Esc or Ctrl-C on the terminal (never resolves off a
    /// terminal: Ctrl-C is then a signal, awaited elsewhere).
    pub async fn quit_key(&self) {
        quit_key(self.tty).await;
    }
}

/// Waits for `q`, Esc or Ctrl-C on a terminal in raw mode (`tty`); never
/// resolves otherwise.
pub async fn quit_key(tty: bool) {
    {
        if !tty {
            return std::future::pending().await;
        }
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        // crossterm's reader blocks: it gets a thread of its own.
        std::thread::spawn(move || {
            use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, poll, read};
            loop {
                if tx.is_closed() {
                    return;
                }
                match poll(Duration::from_millis(200)) {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(_) => return,
                }
                if let Ok(Event::Key(k)) = read() {
                    let quit = k.kind != KeyEventKind::Release
                        && (matches!(
                            k.code,
                            KeyCode::Char('q') | KeyCode::Char('Q') | KeyCode::Esc
                        ) || (k.code == KeyCode::Char('c')
                            && k.modifiers.contains(KeyModifiers::CONTROL)));
                    if quit {
                        let _ = tx.send(());
                        return;
                    }
                }
            }
        });
        let _ = rx.await;
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        if self.tty {
            let _ = crossterm::terminal::disable_raw_mode();
            let mut out = std::io::stdout();
            let _ = out.write_all(b"\x1b[?25h\x1b[?1049l");
            let _ = out.flush();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> BookView {
        BookView {
            inst_id: "BTC-USDT".into(),
            channel: "books".into(),
            bids: vec![
                ("30000.1".into(), "1.5".into()),
                ("30000".into(), "0.25".into()),
            ],
            asks: vec![("30000.3".into(), "2".into())],
            seq_id: Some(42),
            in_sync: true,
            resyncs: 1,
            updates: 10,
            rate: 2.5,
            last_resync: None,
        }
    }

    #[test]
    fn renders_header_spread_and_levels() {
        let mut out = String::new();
        view().render(&mut out, 5);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[0],
            "BTC-USDT [books]  seqId 42  IN SYNC  resyncs 1  updates 10  2.5 upd/s"
        );
        assert_eq!(lines[1], "spread 0.2 (0.07 bps)  mid 30000.2");
        assert_eq!(lines[2], "bid size  bid price | ask price  ask size");
        assert_eq!(lines[3], "     1.5    30000.1 | 30000.3    2");
        assert_eq!(lines[4], "    0.25      30000 |");
        assert_eq!(lines.len(), 5);
    }

    #[test]
    fn depth_limits_rows_and_out_of_sync_shows() {
        let mut v = view();
        v.in_sync = false;
        v.last_resync = Some("seqId gap".into());
        let mut out = String::new();
        v.render(&mut out, 1);
        assert!(out.contains("OUT OF SYNC"));
        assert!(out.contains("last resync: seqId gap"));
        assert_eq!(out.lines().count(), 5);
    }

    #[test]
    fn rate_counts_within_the_window() {
        let start = Instant::now();
        let mut r = Rate::default();
        for i in 0..10 {
            r.tick(start + Duration::from_millis(i * 100));
        }
        let per = r.per_second(start + Duration::from_secs(2), start);
        assert!((per - 5.0).abs() < 1e-9, "{per}");
    }
}
