//! The last hours of 1-minute candles into a CSV file, oldest first,
//! through `RestClient::pages_forward` (confirmed candles only, every page
//! complete, within OKX's rate limit).
//!
//! ```text
//! cargo run --example candles_to_csv -- [OUT.csv] [HOURS]
//! ```
//!
//! For a resumable download of any range, `okx candles` does the same from
//! the command line.

#[path = "common/mod.rs"]
pub mod common;

use std::io::Write;

use futures_util::StreamExt;
use okx::models::Bar;
use okx::rest::api::market::GetHistoryCandles;

use common::{BoxError, Venue};

/// Writes `hours` hours of BTC-USDT 1m candles that ended before now to
/// `out`; returns how many.
pub async fn run(venue: &Venue, out: &std::path::Path, hours: i64) -> Result<usize, BoxError> {
    let rest = venue.rest()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis() as i64;
    let since = (now - hours * 3_600_000) / 60_000 * 60_000;
    let req = GetHistoryCandles::new("BTC-USDT").bar(Bar::M1).limit("100");
    // `since` is exclusive: start one millisecond before the first candle.
    let mut pages = std::pin::pin!(rest.pages_forward(req, (since - 1).to_string()));
    let mut file = std::io::BufWriter::new(std::fs::File::create(out)?);
    writeln!(file, "ts,open,high,low,close,vol")?;
    let mut n = 0;
    while let Some(page) = pages.next().await {
        for c in page? {
            let vol = c.vol.map(|v| v.to_string()).unwrap_or_default();
            writeln!(file, "{},{},{},{},{},{vol}", c.ts, c.o, c.h, c.l, c.c)?;
            n += 1;
        }
    }
    file.flush()?;
    Ok(n)
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .map_or_else(|| std::env::temp_dir().join("btc-usdt-1m.csv"), Into::into);
    let hours: i64 = args.next().map_or(Ok(3), |h| h.parse())?;
    let venue = Venue::from_env().await?;
    let n = run(&venue, &out, hours).await?;
    println!("wrote {n} candles to {}", out.display());
    Ok(())
}
