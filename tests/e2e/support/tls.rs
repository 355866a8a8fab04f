//! A byte-level TLS client (blocking rustls) for the syslog and RELP listeners: the test writes
//! exactly the bytes it wants, and reads exactly what the server answers.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a test waits for an answer that must come.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

/// A client configuration trusting `ca`, optionally with a client certificate.
pub fn client_config(ca: &Path, client_cert: Option<(&Path, &Path)>) -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca).expect("read the CA") {
        roots.add(cert.expect("a CA certificate")).expect("trust the CA");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots);
    let config = match client_cert {
        None => builder.with_no_client_auth(),
        Some((cert, key)) => {
            let chain = CertificateDer::pem_file_iter(cert)
                .expect("read the client certificate")
                .map(|c| c.expect("a client certificate"))
                .collect();
            let key = PrivateKeyDer::from_pem_file(key).expect("read the client key");
            builder.with_client_auth_cert(chain, key).expect("client certificate")
        }
    };
    Arc::new(config)
}

/// How a read loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The server sent close_notify (a clean TLS close).
    CloseNotify,
    /// The TCP connection ended without close_notify (FIN or reset).
    Dropped,
    /// Still open (the time was up, or the reader had what it wanted).
    Open,
}

impl End {
    pub fn closed(self) -> bool {
        self != End::Open
    }
}

/// One TLS connection to a listener, handshake done.
pub struct TlsClient {
    tls: StreamOwned<ClientConnection, TcpStream>,
}

impl TlsClient {
    /// Connects to `addr` (`127.0.0.1:PORT`) trusting `ca`, as `localhost`; panics on failure.
    pub fn connect(addr: &str, ca: &Path) -> TlsClient {
        Self::try_connect(addr, client_config(ca, None))
            .unwrap_or_else(|e| panic!("TLS connection to {addr} failed: {e}"))
    }

    /// Connects and completes the handshake, or says why not.
    pub fn try_connect(addr: &str, config: Arc<ClientConfig>) -> std::io::Result<TlsClient> {
        Self::try_connect_with(addr, config, None, None)
    }

    /// Like [`TlsClient::try_connect`], from the source address `from` (e.g. `127.0.0.2`:
    /// every 127/8 address is the loopback interface).
    pub fn try_connect_from(
        addr: &str,
        config: Arc<ClientConfig>,
        from: Option<std::net::IpAddr>,
    ) -> std::io::Result<TlsClient> {
        Self::try_connect_with(addr, config, from, None)
    }

    /// Like [`TlsClient::try_connect_from`], with a socket receive buffer of `recv_buffer`
    /// bytes (set before connecting, so that the TCP window stays that small).
    pub fn try_connect_with(
        addr: &str,
        config: Arc<ClientConfig>,
        from: Option<std::net::IpAddr>,
        recv_buffer: Option<usize>,
    ) -> std::io::Result<TlsClient> {
        let target: std::net::SocketAddr = addr.parse().map_err(std::io::Error::other)?;
        let socket = socket2::Socket::new(socket2::Domain::for_address(target), socket2::Type::STREAM, None)?;
        if let Some(ip) = from {
            socket.bind(&std::net::SocketAddr::new(ip, 0).into())?;
        }
        if let Some(bytes) = recv_buffer {
            socket.set_recv_buffer_size(bytes)?;
        }
        socket.connect(&target.into())?;
        let mut tcp: TcpStream = socket.into();
        tcp.set_nodelay(true)?;
        tcp.set_read_timeout(Some(ANSWER_TIMEOUT))?;
        tcp.set_write_timeout(Some(ANSWER_TIMEOUT))?;
        let name = ServerName::try_from("localhost").expect("a server name");
        let mut conn = ClientConnection::new(config, name).map_err(std::io::Error::other)?;
        while conn.is_handshaking() {
            conn.complete_io(&mut tcp)?;
        }
        // TLS 1.3: the server's verdict on a client certificate comes after the client's last
        // handshake flight; a refusal shows up as an alert on the first read.
        Ok(TlsClient {
            tls: StreamOwned::new(conn, tcp),
        })
    }

    /// Writes all of `bytes` (one TLS record per call, flushed); panics on failure.
    pub fn send(&mut self, bytes: &[u8]) {
        self.try_send(bytes)
            .unwrap_or_else(|e| panic!("sending {} bytes failed: {e}", bytes.len()));
    }

    pub fn try_send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.tls.write_all(bytes)?;
        self.tls.flush()
    }

    /// Reads until `pred(bytes so far)` holds, the connection ends, or `timeout` passes.
    pub fn read_until(&mut self, timeout: Duration, pred: impl Fn(&[u8]) -> bool) -> (Vec<u8>, End) {
        let deadline = Instant::now() + timeout;
        let mut got = Vec::new();
        let mut buf = [0u8; 16 * 1024];
        loop {
            if pred(&got) {
                return (got, End::Open);
            }
            let now = Instant::now();
            if now >= deadline {
                return (got, End::Open);
            }
            let _ = self.tls.sock.set_read_timeout(Some(deadline - now));
            match self.tls.read(&mut buf) {
                Ok(0) => return (got, End::CloseNotify),
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return (got, End::Dropped),
            }
        }
    }

    /// Reads exactly `n` bytes; panics (with what came) if the connection ends or times out first.
    pub fn read_exactly(&mut self, n: usize) -> Vec<u8> {
        let (got, end) = self.read_until(ANSWER_TIMEOUT, |b| b.len() >= n);
        assert!(
            got.len() >= n,
            "expected {n} bytes, got {} ({end:?}): {:?}",
            got.len(),
            String::from_utf8_lossy(&got)
        );
        assert_eq!(
            got.len(),
            n,
            "more bytes than expected: {:?}",
            String::from_utf8_lossy(&got)
        );
        got
    }

    /// Asserts that the server sends exactly `expected` next (and nothing more right away).
    pub fn expect(&mut self, expected: &[u8]) {
        let got = self.read_exactly(expected.len());
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(expected),
            "unexpected answer"
        );
    }

    /// Reads everything until the server closes the connection (or `timeout`).
    pub fn read_to_end(&mut self, timeout: Duration) -> (Vec<u8>, End) {
        self.read_until(timeout, |_| false)
    }

    /// Asserts that the server closes the connection within `timeout` after sending exactly
    /// `expected`.
    pub fn expect_closed_after(&mut self, expected: &[u8], timeout: Duration) -> End {
        let (got, end) = self.read_to_end(timeout);
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(expected),
            "unexpected bytes before the close ({end:?})"
        );
        assert!(
            end.closed(),
            "the server did not close the connection within {timeout:?}"
        );
        end
    }

    /// Whether the server has closed the connection (waits up to `timeout`); any bytes read
    /// are returned.
    pub fn closed_within(&mut self, timeout: Duration) -> (bool, Vec<u8>) {
        let (got, end) = self.read_to_end(timeout);
        (end.closed(), got)
    }

    /// A clean close: close_notify, then the write side of the TCP connection.
    pub fn close(mut self) {
        self.tls.conn.send_close_notify();
        let _ = self.tls.flush();
        let _ = self.tls.sock.shutdown(Shutdown::Write);
        // The server closes its side once the last frame is handled (events committed).
        let (got, end) = self.read_to_end(ANSWER_TIMEOUT);
        assert!(
            end.closed(),
            "the server did not close the connection within {ANSWER_TIMEOUT:?} of ours; it sent {:?}",
            String::from_utf8_lossy(&got)
        );
    }

    /// Ends the session with a TCP FIN but no close_notify, then reads until the server
    /// closes: whether it did (within [`ANSWER_TIMEOUT`]), and what it sent.
    pub fn fin_without_close_notify(mut self) -> (bool, Vec<u8>) {
        let _ = self.tls.sock.shutdown(Shutdown::Write);
        self.closed_within(ANSWER_TIMEOUT)
    }
}
