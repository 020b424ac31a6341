//! The seam between the client's own work and the network.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// Sends a request the [`RestClient`](crate::RestClient) built (encoded,
/// rate-limited, signed) and hands back the answer, which the client then
/// reads and decodes.
///
/// `reqwest::Client` is one; pass yours to
/// [`RestClientBuilder::transport`](crate::RestClientBuilder::transport) to
/// choose its proxy, TLS and pool settings. A test or a benchmark can
/// implement it to answer in memory, building the answer with
/// `reqwest::Response::from(http::Response<_>)`.
pub trait Transport: fmt::Debug + Send + Sync + 'static {
    /// Sends `request`; the answer's body is read by the caller.
    fn execute(
        &self,
        request: reqwest::Request,
    ) -> Pin<Box<dyn Future<Output = Result<reqwest::Response, reqwest::Error>> + Send + '_>>;
}

impl Transport for reqwest::Client {
    fn execute(
        &self,
        request: reqwest::Request,
    ) -> Pin<Box<dyn Future<Output = Result<reqwest::Response, reqwest::Error>> + Send + '_>> {
        Box::pin(reqwest::Client::execute(self, request))
    }
}
