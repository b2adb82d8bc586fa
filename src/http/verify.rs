//! Server certificate checks: the chain up to a trust anchor, the name (or address), and the
//! handshake signature, with every algorithm rustls checks except Ed25519, which no public CA
//! issues: leaving it out (with X25519, see conn.rs) keeps curve25519 out of the router binary.
use rustls::client::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::{
    Certificate, CertificateError, DigitallySignedStruct, Error, ServerName, SignatureScheme,
};
use rustls21 as rustls;
use std::time::SystemTime;
use webpki::{
    ECDSA_P256_SHA256, ECDSA_P256_SHA384, ECDSA_P384_SHA256, ECDSA_P384_SHA384,
    RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_2048_8192_SHA384, RSA_PKCS1_2048_8192_SHA512,
    RSA_PKCS1_3072_8192_SHA384, RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
    RSA_PSS_2048_8192_SHA384_LEGACY_KEY, RSA_PSS_2048_8192_SHA512_LEGACY_KEY, SignatureAlgorithm,
};

/// What a certificate in the chain may be signed with.
static CHAIN_ALGS: &[&SignatureAlgorithm] = &[
    &ECDSA_P256_SHA256,
    &ECDSA_P256_SHA384,
    &ECDSA_P384_SHA256,
    &ECDSA_P384_SHA384,
    &RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
    &RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
    &RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
    &RSA_PKCS1_2048_8192_SHA256,
    &RSA_PKCS1_2048_8192_SHA384,
    &RSA_PKCS1_2048_8192_SHA512,
    &RSA_PKCS1_3072_8192_SHA384,
];

/// The handshake signature schemes offered, each with the algorithms that may check it. In
/// TLS 1.2 an ECDSA scheme names only the hash, so either curve; TLS 1.3 binds the curve and
/// has no PKCS#1 v1.5 (RFC 8446 §4.2.3).
static TLS12_SCHEMES: &[(SignatureScheme, &[&SignatureAlgorithm])] = &[
    (
        SignatureScheme::ECDSA_NISTP384_SHA384,
        &[&ECDSA_P384_SHA384, &ECDSA_P256_SHA384],
    ),
    (
        SignatureScheme::ECDSA_NISTP256_SHA256,
        &[&ECDSA_P256_SHA256, &ECDSA_P384_SHA256],
    ),
    (
        SignatureScheme::RSA_PSS_SHA512,
        &[&RSA_PSS_2048_8192_SHA512_LEGACY_KEY],
    ),
    (
        SignatureScheme::RSA_PSS_SHA384,
        &[&RSA_PSS_2048_8192_SHA384_LEGACY_KEY],
    ),
    (
        SignatureScheme::RSA_PSS_SHA256,
        &[&RSA_PSS_2048_8192_SHA256_LEGACY_KEY],
    ),
    (
        SignatureScheme::RSA_PKCS1_SHA512,
        &[&RSA_PKCS1_2048_8192_SHA512],
    ),
    (
        SignatureScheme::RSA_PKCS1_SHA384,
        &[&RSA_PKCS1_2048_8192_SHA384],
    ),
    (
        SignatureScheme::RSA_PKCS1_SHA256,
        &[&RSA_PKCS1_2048_8192_SHA256],
    ),
];
static TLS13_SCHEMES: &[(SignatureScheme, &[&SignatureAlgorithm])] = &[
    (
        SignatureScheme::ECDSA_NISTP384_SHA384,
        &[&ECDSA_P384_SHA384],
    ),
    (
        SignatureScheme::ECDSA_NISTP256_SHA256,
        &[&ECDSA_P256_SHA256],
    ),
    (
        SignatureScheme::RSA_PSS_SHA512,
        &[&RSA_PSS_2048_8192_SHA512_LEGACY_KEY],
    ),
    (
        SignatureScheme::RSA_PSS_SHA384,
        &[&RSA_PSS_2048_8192_SHA384_LEGACY_KEY],
    ),
    (
        SignatureScheme::RSA_PSS_SHA256,
        &[&RSA_PSS_2048_8192_SHA256_LEGACY_KEY],
    ),
];

/// A trusted root, owned (the built-in ones and those of a CA bundle file alike).
pub struct Anchor {
    pub subject: Vec<u8>,
    pub spki: Vec<u8>,
    pub name_constraints: Option<Vec<u8>>,
}

impl Anchor {
    pub fn new(subject: &[u8], spki: &[u8], name_constraints: Option<&[u8]>) -> Anchor {
        Anchor {
            subject: subject.to_vec(),
            spki: spki.to_vec(),
            name_constraints: name_constraints.map(<[u8]>::to_vec),
        }
    }
}

pub struct Verifier {
    pub anchors: Vec<Anchor>,
}

fn pki_error(e: webpki::Error) -> Error {
    use webpki::Error as E;
    Error::InvalidCertificate(match e {
        E::BadDer | E::BadDerTime => CertificateError::BadEncoding,
        E::CertNotValidYet => CertificateError::NotValidYet,
        E::CertExpired | E::InvalidCertValidity => CertificateError::Expired,
        E::UnknownIssuer => CertificateError::UnknownIssuer,
        E::CertNotValidForName => CertificateError::NotValidForName,
        E::CertRevoked => CertificateError::Revoked,
        E::InvalidSignatureForPublicKey
        | E::UnsupportedSignatureAlgorithm
        | E::UnsupportedSignatureAlgorithmForPublicKey => CertificateError::BadSignature,
        other => CertificateError::Other(std::sync::Arc::new(other)),
    })
}

/// Checks `dss` over `message` with the first of the scheme's algorithms that fits the key.
fn verify_signed(
    schemes: &[(SignatureScheme, &[&SignatureAlgorithm])],
    message: &[u8],
    cert: &Certificate,
    dss: &DigitallySignedStruct,
) -> Result<HandshakeSignatureValid, Error> {
    let Some((_, algs)) = schemes.iter().find(|(s, _)| *s == dss.scheme) else {
        return Err(Error::PeerMisbehaved(
            rustls::PeerMisbehaved::SignedHandshakeWithUnadvertisedSigScheme,
        ));
    };
    let cert = webpki::EndEntityCert::try_from(cert.0.as_ref()).map_err(pki_error)?;
    let mut last = webpki::Error::UnsupportedSignatureAlgorithmForPublicKey;
    for alg in *algs {
        match cert.verify_signature(alg, message, dss.signature()) {
            Ok(()) => return Ok(HandshakeSignatureValid::assertion()),
            Err(webpki::Error::UnsupportedSignatureAlgorithmForPublicKey) => {}
            Err(e) => last = e,
        }
    }
    Err(pki_error(last))
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &Certificate,
        intermediates: &[Certificate],
        server_name: &ServerName,
        _scts: &mut dyn Iterator<Item = &[u8]>,
        _ocsp_response: &[u8],
        now: SystemTime,
    ) -> Result<ServerCertVerified, Error> {
        let cert = webpki::EndEntityCert::try_from(end_entity.0.as_ref()).map_err(pki_error)?;
        let chain: Vec<&[u8]> = intermediates.iter().map(|c| c.0.as_ref()).collect();
        let anchors: Vec<webpki::TrustAnchor> = self
            .anchors
            .iter()
            .map(|a| webpki::TrustAnchor {
                subject: &a.subject,
                spki: &a.spki,
                name_constraints: a.name_constraints.as_deref(),
            })
            .collect();
        let time = webpki::Time::try_from(now).map_err(|_| Error::FailedToGetCurrentTime)?;
        let usage = webpki::KeyUsage::server_auth();
        cert.verify_for_usage(CHAIN_ALGS, &anchors, &chain, time, usage, &[])
            .map_err(pki_error)?;
        let not_for_name = || Error::InvalidCertificate(CertificateError::NotValidForName);
        match server_name {
            ServerName::DnsName(name) => {
                let dns = webpki::DnsNameRef::try_from_ascii_str(name.as_ref())
                    .map_err(|_| not_for_name())?;
                cert.verify_is_valid_for_subject_name(webpki::SubjectNameRef::DnsName(dns))
            }
            ServerName::IpAddress(ip) => {
                let ip = webpki::IpAddr::from(*ip);
                cert.verify_is_valid_for_subject_name(webpki::SubjectNameRef::IpAddress(
                    webpki::IpAddrRef::from(&ip),
                ))
            }
            _ => return Err(not_for_name()),
        }
        .map_err(pki_error)?;
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &Certificate,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_signed(TLS12_SCHEMES, message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &Certificate,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_signed(TLS13_SCHEMES, message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        TLS12_SCHEMES.iter().map(|(s, _)| *s).collect()
    }
}
