//! A whole node in process, started the way `serve` starts it: loaded from its file, listening
//! on port 0, then one HTTPS request, one syslog message and one RELP session through real TLS,
//! a graceful stop, and the store read back.

use super::*;
use crate::test_support::{config_text, raws, stored_events, wait_until, TempDir, KEY, PATIENCE};
use rustls::pki_types::ServerName;
use std::future::Future;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

/// A client trusting the CA the node generated in its data directory.
fn connector(ca: &std::path::Path) -> TlsConnector {
    let pem = std::fs::read(ca).expect("the generated CA");
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
        roots.add(cert.expect("a certificate")).expect("trust the CA");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

async fn connect(tls: &TlsConnector, addr: SocketAddr) -> TlsStream<TcpStream> {
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let name = ServerName::try_from("localhost").expect("a name");
    tls.connect(name, tcp).await.expect("TLS handshake")
}

/// Writes `request`, then reads until the server closes.
async fn exchange(stream: &mut TlsStream<TcpStream>, request: &str) -> String {
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("read to the end");
    answer
}

async fn within<T>(what: &str, f: impl Future<Output = T>) -> T {
    tokio::time::timeout(PATIENCE, f)
        .await
        .unwrap_or_else(|_| panic!("waited {PATIENCE:?} for {what}"))
}

/// Protects the split of loading from running: `load` + `start` on port 0 serve every protocol,
/// and a graceful stop leaves every answered event in the store and no listener open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_https_syslog_and_relp_then_stops_with_everything_stored() {
    let dir = TempDir::new("server");
    let path = dir.path().join("intakes.toml");
    std::fs::write(&path, config_text("")).expect("write the configuration");
    let any = Some(SocketAddr::from(([127, 0, 0, 1], 0)));
    let overrides = Overrides {
        https: any,
        syslog: any,
        relp: any,
        admin: any,
        data_dir: None,
    };
    let node = load(path, overrides).expect("the node loads");
    let db = node.config.store_path();
    let shutdown = CancellationToken::new();
    let server = node.start(shutdown.clone()).await.expect("the listeners bind");
    let tls = connector(&dir.path().join("data/tls/ca.pem"));

    let body = "over https";
    let request = format!(
        "POST /plain HTTP/1.1\r\nHost: localhost\r\nX-SEKOIAIO-INTAKE-KEY: {KEY}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut https = connect(&tls, server.https_addr).await;
    let answer = within("the HTTPS answer", exchange(&mut https, &request)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"event_id\""), "{answer}");

    let message = format!("<13>1 2026-11-23T10:00:00Z host app - - [SEKOIA@53288 intake_key=\"{KEY}\"] over syslog");
    let mut syslog = connect(&tls, server.syslog_addr.expect("syslog enabled")).await;
    syslog
        .write_all(format!("{} {message}", message.len()).as_bytes())
        .await
        .expect("write");
    syslog.shutdown().await.expect("close");
    // Syslog has no answer: the message is there once the store has it.
    let stored = || stored_events(&db).iter().any(|e| e.raw == "over syslog");
    wait_until("the syslog message to be stored", stored).await;

    let message = message.replace("over syslog", "over relp");
    let offers = "relp_version=0\nrelp_software=test\ncommands=syslog";
    let request = format!(
        "1 open {} {offers}\n2 syslog {} {message}\n3 close 0\n",
        offers.len(),
        message.len()
    );
    let mut relp = connect(&tls, server.relp_addr.expect("RELP enabled")).await;
    let answer = within("the RELP answers", exchange(&mut relp, &request)).await;
    assert!(answer.starts_with("1 rsp "), "{answer}");
    assert!(
        answer.ends_with("\n2 rsp 6 200 OK\n3 rsp 0\n0 serverclose 0\n"),
        "{answer}"
    );

    let https_addr = server.https_addr;
    shutdown.cancel();
    within("the graceful stop", server.run_until_shutdown()).await;
    assert!(TcpStream::connect(https_addr).await.is_err(), "still listening");
    let events = stored_events(&db);
    assert_eq!(raws(&events), ["over https", "over syslog", "over relp"]);
    let protocols: Vec<&str> = events.iter().map(|e| e.protocol.as_str()).collect();
    assert_eq!(protocols, ["https", "syslog", "relp"]);
}
