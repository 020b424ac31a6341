//! Where the examples trade: the simulated exchange on this machine by
//! default, or OKX's demo trading when `OKX_API_KEY`, `OKX_SECRET_KEY` and
//! `OKX_PASSPHRASE` are set. Shared by the examples (each includes it with
//! `#[path]`); not an example itself.

#![allow(dead_code)]

use okx::auth::Credentials;
use okx::ws::WsConfig;

/// The examples' error type.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// An exchange to run against.
pub struct Venue {
    /// The simulated exchange, kept alive while the example runs.
    sim: Option<okx_testkit::Okx>,
    credentials: Credentials,
}

impl Venue {
    /// OKX demo trading with keys from the environment, else the simulated
    /// exchange.
    pub async fn from_env() -> Result<Venue, BoxError> {
        match Credentials::from_env() {
            Ok(credentials) => {
                println!("venue: OKX demo trading (keys from the environment)");
                Ok(Venue {
                    sim: None,
                    credentials,
                })
            }
            Err(_) => {
                println!(
                    "venue: the simulated exchange on 127.0.0.1 (set OKX_API_KEY etc. for OKX demo)"
                );
                Venue::simulated().await
            }
        }
    }

    /// The simulated exchange, whatever the environment says.
    pub async fn simulated() -> Result<Venue, BoxError> {
        let sim = okx_testkit::Okx::start().await?;
        let (k, s, p) = sim.credentials();
        Ok(Venue {
            credentials: Credentials::new(k, s, p),
            sim: Some(sim),
        })
    }

    /// The simulated exchange, when that is where this runs.
    pub fn sim(&self) -> Option<&okx_testkit::Okx> {
        self.sim.as_ref()
    }

    /// A client builder pointed at the venue, with its keys.
    pub fn client(&self) -> okx::client::ClientBuilder {
        let b = okx::Client::builder().credentials(self.credentials.clone());
        match &self.sim {
            Some(sim) => b.rest_url(sim.rest_url()).ws_url(sim.ws_url()),
            None => b.demo(true),
        }
    }

    /// A REST client pointed at the venue (no keys: market data).
    pub fn rest(&self) -> Result<okx::rest::RestClient, BoxError> {
        let mut b = okx::rest::RestClient::builder();
        b = match &self.sim {
            Some(sim) => b.base_url(sim.rest_url()),
            None => b.demo(true),
        };
        Ok(b.build()?)
    }

    /// A WebSocket configuration pointed at the venue (no keys).
    pub fn ws(&self) -> WsConfig {
        match &self.sim {
            Some(sim) => WsConfig::live().base_url(sim.ws_url()),
            None => WsConfig::demo(),
        }
    }
}
