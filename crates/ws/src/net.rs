//! Opening the TCP stream a WebSocket runs over: straight to the host, or
//! through an HTTP proxy's CONNECT tunnel. TLS and the WebSocket handshake
//! then run over it as they would over a direct connection.

use base64::Engine as _;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::handshake::client::Response;
use tokio_tungstenite::tungstenite::http::Uri;

use crate::error::WsError;

/// A WebSocket over TCP, with TLS or without.
pub(crate) type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

/// An HTTP proxy that tunnels with CONNECT.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Proxy {
    /// `host:port` of the proxy.
    addr: String,
    /// The `Proxy-Authorization` value, for Basic credentials.
    auth: Option<String>,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy")
            .field("addr", &self.addr)
            .field("auth", &self.auth.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl Proxy {
    /// Reads `http://[user:password@]host[:port]` (port 80 by default).
    pub(crate) fn parse(url: &str) -> Result<Self, WsError> {
        let bad = |why: &str| WsError::Config(format!("proxy: {why}"));
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| bad("only http:// proxies (CONNECT) are supported"))?;
        let rest = rest.trim_end_matches('/');
        let (auth, host) = match rest.rsplit_once('@') {
            Some((user, host)) => {
                let token = base64::engine::general_purpose::STANDARD.encode(user);
                (Some(format!("Basic {token}")), host)
            }
            None => (None, rest),
        };
        if host.is_empty() || host.contains('/') {
            return Err(bad("expected http://[user:password@]host[:port]"));
        }
        let has_port = host
            .rsplit_once(':')
            .is_some_and(|(_, p)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        let addr = if has_port {
            host.to_owned()
        } else {
            format!("{host}:80")
        };
        Ok(Proxy { addr, auth })
    }
}

/// The `host:port` a WebSocket URL names.
fn target(url: &str) -> Result<String, String> {
    let uri: Uri = url.parse().map_err(|e| format!("bad url {url}: {e}"))?;
    let host = uri.host().ok_or_else(|| format!("no host in {url}"))?;
    let port = uri.port_u16().unwrap_or(match uri.scheme_str() {
        Some("wss") => 443,
        _ => 80,
    });
    Ok(format!("{host}:{port}"))
}

/// A TCP stream to the host of `url`, through `proxy` if one is set, with
/// Nagle off (it would hold small frames, pings and orders, for up to 40 ms).
pub(crate) async fn open(url: &str, proxy: Option<&Proxy>) -> Result<TcpStream, String> {
    let target = target(url)?;
    let Some(proxy) = proxy else {
        let tcp = TcpStream::connect(&target)
            .await
            .map_err(|e| format!("cannot connect to {target}: {e}"))?;
        let _ = tcp.set_nodelay(true);
        return Ok(tcp);
    };
    let mut tcp = TcpStream::connect(&proxy.addr)
        .await
        .map_err(|e| format!("cannot connect to the proxy {}: {e}", proxy.addr))?;
    let _ = tcp.set_nodelay(true);
    let mut request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if let Some(auth) = &proxy.auth {
        request.push_str(&format!("Proxy-Authorization: {auth}\r\n"));
    }
    request.push_str("\r\n");
    tcp.write_all(request.as_bytes())
        .await
        .map_err(|e| format!("proxy {}: {e}", proxy.addr))?;
    let head = read_head(&mut tcp)
        .await
        .map_err(|e| format!("proxy {}: {e}", proxy.addr))?;
    let status = head.lines().next().unwrap_or_default();
    let code = status.split_whitespace().nth(1).unwrap_or_default();
    if !code.starts_with('2') {
        return Err(format!(
            "proxy {} refused CONNECT to {target}: {status}",
            proxy.addr
        ));
    }
    Ok(tcp)
}

/// The WebSocket handshake over `tcp`, with TLS first for `wss://`; with
/// pins or extra roots, TLS runs on okx-tls's configuration.
#[cfg(any(feature = "webpki-roots", feature = "native-roots"))]
pub(crate) async fn handshake(
    url: &str,
    tcp: TcpStream,
    pins: &[okx_tls::Pin],
    roots: &[Vec<u8>],
) -> Result<(Socket, Response), String> {
    let connector = if pins.is_empty() && roots.is_empty() {
        None
    } else {
        let config = okx_tls::client_config(roots, pins, &[]).map_err(|e| e.to_string())?;
        Some(tokio_tungstenite::Connector::Rustls(std::sync::Arc::new(
            config,
        )))
    };
    tokio_tungstenite::client_async_tls_with_config(url, tcp, None, connector)
        .await
        .map_err(|e| e.to_string())
}

/// The WebSocket handshake over `tcp`: built without TLS, only `ws://`.
#[cfg(not(any(feature = "webpki-roots", feature = "native-roots")))]
pub(crate) async fn handshake(
    url: &str,
    tcp: TcpStream,
    _pins: &[okx_tls::Pin],
    _roots: &[Vec<u8>],
) -> Result<(Socket, Response), String> {
    if url.starts_with("wss:") {
        return Err("wss:// needs the webpki-roots or native-roots feature of okx-ws".into());
    }
    let stream = tokio_tungstenite::MaybeTlsStream::Plain(tcp);
    tokio_tungstenite::client_async_with_config(url, stream, None)
        .await
        .map_err(|e| e.to_string())
}

/// The proxy's answer head, up to the blank line, read a byte at a time so
/// nothing of the tunnel after it is consumed.
async fn read_head(tcp: &mut TcpStream) -> Result<String, String> {
    const MAX: usize = 16 * 1024;
    let mut head = Vec::with_capacity(256);
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() >= MAX {
            return Err(format!("answer head longer than {MAX} bytes"));
        }
        let byte = tcp.read_u8().await.map_err(|e| e.to_string())?;
        head.push(byte);
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_urls_read_and_credentials_never_print() {
        let p = Proxy::parse("http://alice:s3cret@proxy.local:3128").expect("parses");
        assert_eq!(p.addr, "proxy.local:3128");
        assert_eq!(p.auth.as_deref(), Some("Basic YWxpY2U6czNjcmV0"));
        assert!(!format!("{p:?}").contains("s3cret") && !format!("{p:?}").contains("YWxp"));
        assert_eq!(
            Proxy::parse("http://10.0.0.1/").expect("parses").addr,
            "10.0.0.1:80"
        );
        for bad in [
            "socks5://h:1",
            "https://h:1",
            "http://",
            "http://h:1/path",
            "h:1",
        ] {
            assert!(Proxy::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn targets_take_the_scheme_port() {
        assert_eq!(
            target("wss://ws.okx.com:8443/ws/v5/public").as_deref(),
            Ok("ws.okx.com:8443")
        );
        assert_eq!(
            target("wss://ws.okx.com/ws/v5/public").as_deref(),
            Ok("ws.okx.com:443")
        );
        assert_eq!(target("ws://127.0.0.1/ws").as_deref(), Ok("127.0.0.1:80"));
    }
}
