//! TLS server configuration (rustls, TLS 1.2 and 1.3) and the first-run self-signed certificate.

use crate::config::TlsSettings;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ServerConfig;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {path}: {reason}")]
    Read { path: PathBuf, reason: String },
    #[error("{path}: {reason}")]
    Pem { path: PathBuf, reason: String },
    #[error("cannot generate the self-signed certificate in {dir}: {reason}")]
    Generate { dir: PathBuf, reason: String },
    #[error("invalid certificate or key: {0}")]
    Config(String),
}

/// A certificate chain and its key, and where they came from.
pub struct Identity {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
    /// Set when the identity was generated: the CA file clients should trust.
    pub generated_ca: Option<PathBuf>,
}

impl Identity {
    /// SHA-256 fingerprint of the leaf certificate, `AB:CD:...`.
    pub fn fingerprint(&self) -> String {
        let der = self.chain.first().map(|c| c.as_ref()).unwrap_or_default();
        Sha256::digest(der)
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":")
    }
}

/// Loads the configured PEM files, or the self-signed pair in `<data_dir>/tls/`, generating it
/// on first use.
pub fn load_identity(settings: &TlsSettings, data_dir: &Path) -> Result<Identity, TlsError> {
    match &settings.cert_and_key {
        Some((cert, key)) => Ok(Identity {
            chain: read_certs(cert)?,
            key: read_key(key)?,
            generated_ca: None,
        }),
        None => self_signed(&data_dir.join("tls")),
    }
}

/// How the server treats client certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientCerts {
    /// Never asked for (HTTPS: keys authenticate senders).
    Ignore,
    /// Asked for and verified against `tls.client_ca`; optional or required per config.
    FromConfig,
}

/// A rustls server config offering `alpn` (e.g. `h2`, `http/1.1`).
pub fn server_config(
    identity: &Identity,
    settings: &TlsSettings,
    alpn: &[&[u8]],
    client_certs: ClientCerts,
) -> Result<Arc<ServerConfig>, TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| TlsError::Config(e.to_string()))?;
    let builder = match (&settings.client_ca, client_certs) {
        (Some(ca), ClientCerts::FromConfig) => {
            let mut roots = rustls::RootCertStore::empty();
            for cert in read_certs(ca)? {
                roots.add(cert).map_err(|e| TlsError::Pem {
                    path: ca.clone(),
                    reason: e.to_string(),
                })?;
            }
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider);
            let verifier = if settings.require_client_cert {
                verifier
            } else {
                verifier.allow_unauthenticated()
            };
            builder.with_client_cert_verifier(verifier.build().map_err(|e| TlsError::Config(e.to_string()))?)
        }
        _ => builder.with_no_client_auth(),
    };
    let mut config = builder
        .with_single_cert(identity.chain.clone(), identity.key.clone_key())
        .map_err(|e| TlsError::Config(e.to_string()))?;
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    if client_certs == ClientCerts::FromConfig {
        // Stream senders such as loggen never read from the socket: unread TLS 1.3 session
        // tickets make their close() send a reset, and the kernel drops the tail they sent.
        config.send_tls13_tickets = 0;
    }
    Ok(Arc::new(config))
}

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let bytes = std::fs::read(path).map_err(|e| TlsError::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let certs = rustls_pemfile::certs(&mut bytes.as_slice())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::Pem {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(TlsError::Pem {
            path: path.to_path_buf(),
            reason: "no CERTIFICATE block found".into(),
        });
    }
    Ok(certs)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    let bytes = std::fs::read(path).map_err(|e| TlsError::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    rustls_pemfile::private_key(&mut bytes.as_slice())
        .map_err(|e| TlsError::Pem {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?
        .ok_or_else(|| TlsError::Pem {
            path: path.to_path_buf(),
            reason: "no PRIVATE KEY block found".into(),
        })
}

/// A private CA and a leaf for localhost and this host's name; the CA key is thrown away, so
/// nothing else can ever be signed with it.
fn self_signed(dir: &Path) -> Result<Identity, TlsError> {
    let (ca_path, cert_path, key_path) = (dir.join("ca.pem"), dir.join("server.pem"), dir.join("server.key"));
    if !(cert_path.is_file() && key_path.is_file()) {
        generate(dir, &ca_path, &cert_path, &key_path).map_err(|reason| TlsError::Generate {
            dir: dir.to_path_buf(),
            reason,
        })?;
    }
    Ok(Identity {
        chain: read_certs(&cert_path)?,
        key: read_key(&key_path)?,
        generated_ca: Some(ca_path),
    })
}

fn generate(dir: &Path, ca_path: &Path, cert_path: &Path, key_path: &Path) -> Result<(), String> {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(|e| e.to_string())?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "intake-edge local CA");
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_key = KeyPair::generate().map_err(|e| e.to_string())?;
    let ca = ca_params.self_signed(&ca_key).map_err(|e| e.to_string())?;
    let issuer = rcgen::Issuer::new(ca_params, ca_key);

    let mut names = vec!["localhost".to_string(), "127.0.0.1".to_string(), "::1".to_string()];
    if let Ok(host) = std::fs::read_to_string("/etc/hostname") {
        let host = host.trim();
        if !host.is_empty() && host != "localhost" {
            names.push(host.to_string());
        }
    }
    let mut params = CertificateParams::new(names).map_err(|e| e.to_string())?;
    params.distinguished_name.push(DnType::CommonName, "intake-edge");
    let key = KeyPair::generate().map_err(|e| e.to_string())?;
    let cert = params.signed_by(&key, &issuer).map_err(|e| e.to_string())?;

    write_private(key_path, key.serialize_pem().as_bytes())?;
    std::fs::write(cert_path, cert.pem()).map_err(|e| e.to_string())?;
    std::fs::write(ca_path, ca.pem()).map_err(|e| e.to_string())?;
    Ok(())
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| e.to_string())?;
    f.write_all(bytes).map_err(|e| e.to_string())
}
