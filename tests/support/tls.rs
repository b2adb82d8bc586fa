//! Owns the per-test certificate authority and the rustls server configuration built from it.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// Host names and addresses the default server certificate is valid for.
pub const DEFAULT_SERVER_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// Distinguishes CAs made by one test process so no two share a subject name.
static CA_COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A freshly generated certificate authority plus one server certificate it signed.
///
/// The server certificate is for `localhost`, `127.0.0.1` and `::1` unless made with
/// [`TestCa::with_server_names`]. A second `TestCa::new()` is an independent, untrusted CA,
/// handy for "unknown issuer" tests.
#[derive(Clone)]
pub struct TestCa {
    ca_pem: String,
    server_cert: CertificateDer<'static>,
    server_key_pkcs8: Vec<u8>,
}

impl TestCa {
    /// Generates a new CA (ECDSA P-256) and a server certificate for the loopback names.
    pub fn new() -> TestCa {
        TestCa::with_server_names(&DEFAULT_SERVER_NAMES)
    }

    /// Generates a new CA and a server certificate whose subject alternative names are `names`
    /// (IP addresses become IP SANs, anything else a DNS SAN), e.g. for name-mismatch tests.
    pub fn with_server_names(names: &[&str]) -> TestCa {
        let ca_key = KeyPair::generate().expect("generate CA key");
        let ca_params = ca_params();
        let ca_cert = ca_params.self_signed(&ca_key).expect("self-sign CA");
        let issuer = Issuer::new(ca_params, ca_key);

        let server_key = KeyPair::generate().expect("generate server key");
        let server_cert = server_params(names)
            .signed_by(&server_key, &issuer)
            .expect("sign server certificate");

        TestCa {
            ca_pem: ca_cert.pem(),
            server_cert: server_cert.der().clone(),
            server_key_pkcs8: server_key.serialize_der(),
        }
    }

    /// PEM text of the CA certificate (what a client should trust).
    pub fn ca_pem(&self) -> String {
        self.ca_pem.clone()
    }

    /// Writes the CA certificate to `dir/ca.pem` and returns that path.
    pub fn write_ca_pem(&self, dir: &Path) -> PathBuf {
        let path = dir.join("ca.pem");
        fs::write(&path, &self.ca_pem).expect("write ca.pem");
        path
    }

    /// DER of the server certificate (signed by this CA).
    pub fn server_cert_der(&self) -> CertificateDer<'static> {
        self.server_cert.clone()
    }

    /// A rustls server configuration (ring provider, TLS 1.2 and 1.3) presenting the
    /// server certificate.
    pub fn server_config(&self) -> Arc<rustls::ServerConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.server_key_pkcs8.clone()));
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("ring supports the default TLS versions")
            .with_no_client_auth()
            .with_single_cert(vec![self.server_cert.clone()], key)
            .expect("server certificate and key match");
        Arc::new(config)
    }
}

impl Default for TestCa {
    fn default() -> Self {
        TestCa::new()
    }
}

/// Parameters of a CA certificate with a subject name unique within this process.
fn ca_params() -> CertificateParams {
    let serial = CA_COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut params = CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params.distinguished_name.push(
        DnType::CommonName,
        format!("ddnsup test CA {}-{serial}", std::process::id()),
    );
    params
        .distinguished_name
        .push(DnType::OrganizationName, "ddnsup tests");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params
}

/// Parameters of a TLS server certificate for `names`.
fn server_params(names: &[&str]) -> CertificateParams {
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let mut params = CertificateParams::new(names).expect("valid server names");
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, "ddnsup test server");
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    params
}
