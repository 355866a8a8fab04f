//! The HTTP/1.1 client that sends the pollers' requests (after `egress.rs` checked them) and
//! the host's own token requests: one connection per request, TLS by rustls with the system's
//! roots plus the intake's `ca_file`, every wait bounded, the response body capped.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Frame, Incoming};
use hyper::{Request, Response};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::TcpStream;
use wasmtime_wasi_http::Error;

/// The TLS settings of one polling intake.
pub fn tls_config(ca_file: Option<&std::path::Path>) -> Result<Arc<rustls::ClientConfig>, String> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    if let Some(path) = ca_file {
        let pem = std::fs::read(path).map_err(|e| format!("ca_file {}: {e}", path.display()))?;
        let mut reader = std::io::BufReader::new(&pem[..]);
        let mut n = 0;
        for cert in rustls_pemfile::certs(&mut reader) {
            let cert = cert.map_err(|e| format!("ca_file {}: {e}", path.display()))?;
            roots
                .add(cert)
                .map_err(|e| format!("ca_file {}: {e}", path.display()))?;
            n += 1;
        }
        if n == 0 {
            return Err(format!("ca_file {}: no certificate in it", path.display()));
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// How long each step may take.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub first_byte: Duration,
    pub between_bytes: Duration,
}

/// Sends `req` (absolute URI) and returns the response with its body capped at `max_body`
/// bytes and `between_bytes` apart.
pub async fn send(
    tls: &Arc<rustls::ClientConfig>,
    req: Request<Full<Bytes>>,
    timeouts: Timeouts,
    max_body: u64,
) -> Result<Response<LimitedBody>, Error> {
    let uri = req.uri().clone();
    let https = uri.scheme_str() == Some("https");
    let host = uri
        .host()
        .ok_or(Error::HttpRequestUriInvalid)?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
    let connect = async {
        let tcp = TcpStream::connect((host.as_str(), port))
            .await
            .map_err(Error::Connect)?;
        let _ = tcp.set_nodelay(true);
        if https {
            let name =
                rustls::pki_types::ServerName::try_from(host.clone()).map_err(|_| Error::HttpRequestUriInvalid)?;
            let tls = tokio_rustls::TlsConnector::from(tls.clone())
                .connect(name, tcp)
                .await
                .map_err(Error::Tls)?;
            handshake(tls).await
        } else {
            handshake(tcp).await
        }
    };
    let mut sender = tokio::time::timeout(timeouts.connect, connect)
        .await
        .map_err(|_| Error::ConnectionTimeout)??;
    let (mut parts, body) = req.into_parts();
    // The request line carries the path only (an absolute URI is for proxies).
    parts.uri = uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/")
        .parse()
        .map_err(|_| Error::HttpRequestUriInvalid)?;
    let res = tokio::time::timeout(
        timeouts.first_byte,
        sender.send_request(Request::from_parts(parts, body)),
    )
    .await
    .map_err(|_| Error::ConnectionReadTimeout)??;
    Ok(res.map(|incoming| LimitedBody::new(incoming, max_body, timeouts.between_bytes)))
}

async fn handshake<S>(io: S) -> Result<hyper::client::conn::http1::SendRequest<Full<Bytes>>, Error>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin + 'static,
{
    let (sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(io)).await?;
    // The connection is driven by its own task, which ends with the response body.
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

/// A response body that fails past `max` bytes, or when the next piece is late.
pub struct LimitedBody {
    inner: Incoming,
    max: u64,
    seen: u64,
    between: Duration,
    timer: Pin<Box<tokio::time::Sleep>>,
}

impl LimitedBody {
    fn new(inner: Incoming, max: u64, between: Duration) -> LimitedBody {
        LimitedBody {
            inner,
            max,
            seen: 0,
            between,
            timer: Box::pin(tokio::time::sleep(between)),
        }
    }

    /// The whole body, as bytes (for the host's own requests).
    pub async fn bytes(self) -> Result<Bytes, Error> {
        Ok(self.collect().await?.to_bytes())
    }
}

impl Body for LimitedBody {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.seen += data.len() as u64;
                    if this.seen > this.max {
                        return Poll::Ready(Some(Err(Error::HttpResponseBodySize(Some(this.seen)))));
                    }
                }
                let deadline = tokio::time::Instant::now() + this.between;
                this.timer.as_mut().reset(deadline);
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(Error::from(e)))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => match this.timer.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(Error::ConnectionReadTimeout))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }
}
