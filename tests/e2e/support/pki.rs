//! A throwaway PKI minted with rcgen: a CA, a server certificate for localhost/127.0.0.1 and a
//! client certificate (for syslog/RELP senders when the host verifies client certificates).

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};
use std::path::{Path, PathBuf};

/// PEM files of a test CA and of the certificates it signed.
#[derive(Debug, Clone)]
pub struct Pki {
    /// The CA certificate clients trust (`curl --cacert`, `requests verify=`).
    pub ca: PathBuf,
    /// The server certificate chain (leaf, then CA).
    pub cert: PathBuf,
    pub key: PathBuf,
    /// A client certificate (CN and SAN `client.test`, clientAuth) and its key.
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
}

impl Pki {
    /// Mints a CA, a `localhost`/`127.0.0.1` server certificate and a client certificate into `dir`.
    pub fn mint(dir: &Path) -> Pki {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "intake-edge e2e test CA");
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_key = KeyPair::generate().expect("CA key");
        let ca = ca_params.self_signed(&ca_key).expect("self-signed CA");
        let issuer = Issuer::new(ca_params, ca_key);

        let mut params =
            CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).expect("server parameters");
        params.distinguished_name.push(DnType::CommonName, "intake-edge e2e");
        let key = KeyPair::generate().expect("server key");
        let cert = params.signed_by(&key, &issuer).expect("server certificate");

        let mut client_params = CertificateParams::new(vec!["client.test".to_string()]).expect("client parameters");
        client_params.distinguished_name.push(DnType::CommonName, "client.test");
        client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        client_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let client_key = KeyPair::generate().expect("client key");
        let client = client_params
            .signed_by(&client_key, &issuer)
            .expect("client certificate");

        std::fs::create_dir_all(dir).expect("PKI directory");
        let pki = Pki {
            ca: dir.join("ca.pem"),
            cert: dir.join("server.pem"),
            key: dir.join("server.key"),
            client_cert: dir.join("client.pem"),
            client_key: dir.join("client.key"),
        };
        std::fs::write(&pki.ca, ca.pem()).expect("write ca.pem");
        std::fs::write(&pki.cert, format!("{}{}", cert.pem(), ca.pem())).expect("write server.pem");
        std::fs::write(&pki.key, key.serialize_pem()).expect("write server.key");
        std::fs::write(&pki.client_cert, format!("{}{}", client.pem(), ca.pem())).expect("write client.pem");
        std::fs::write(&pki.client_key, client_key.serialize_pem()).expect("write client.key");
        pki
    }
}
