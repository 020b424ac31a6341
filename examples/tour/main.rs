//! The offline tour of the SDK. Everything runs on this machine: the REST and
//! WebSocket servers are the `okx-testkit` look-alikes on 127.0.0.1.
//!
//! ```text
//! cargo run --example tour
//! ```

mod book;
mod client;
mod models;
mod rest;
mod sign;
mod ws;

type TourResult = Result<(), Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() -> TourResult {
    println!("== okx tour: okx::Client against the simulated OKX exchange ==");
    client::run().await?;
    println!("\n== okx tour: signing ==");
    sign::run()?;
    println!("\n== okx tour: decoding OKX payloads ==");
    models::run()?;
    println!("\n== okx tour: order book ==");
    book::run()?;
    println!("\n== okx tour: REST against the local OKX look-alike ==");
    rest::run().await?;
    println!("\n== okx tour: WebSocket against the local OKX look-alike ==");
    ws::run().await?;
    println!("\ntour finished");
    Ok(())
}
