//! TLS for PostgreSQL, chosen by the database URL's libpq parameters `sslmode` and
//! `sslrootcert`, on rustls with the ring provider.
//!
//! | `sslmode`            | encrypted                          | certificate checked          |
//! |----------------------|------------------------------------|------------------------------|
//! | `disable`            | never                              | -                            |
//! | `prefer` (default)   | when the server offers TLS         | no                           |
//! | `require`            | always                             | no                           |
//! | `verify-ca`          | always                             | chain, not the host name     |
//! | `verify-full`        | always                             | chain and host name          |
//!
//! The chain is checked against the Mozilla roots built in (`webpki-roots`), or, with
//! `sslrootcert=<path>`, against the PEM certificates in that file alone. As with libpq, a
//! `sslrootcert` file makes `prefer` and `require` check the chain too. Unlike libpq, `prefer`
//! does not retry without TLS when the TLS handshake itself fails, and `allow` is refused.

use std::path::PathBuf;
use std::sync::Arc;

use diesel::{ConnectionError, ConnectionResult};
use diesel_async::AsyncPgConnection;
use percent_encoding::percent_decode_str;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{WebPkiServerVerifier, verify_server_cert_signed_by_trust_anchor};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres::config::SslMode;
use tokio_postgres_rustls::MakeRustlsConnect;

/// The URL's `sslmode`, with libpq's meaning (see the module table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TlsMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl TlsMode {
    /// The mode an `sslmode` value names; the reason it is refused otherwise.
    fn parse(value: &str) -> Result<Self, String> {
        match value {
            "disable" => Ok(TlsMode::Disable),
            "prefer" => Ok(TlsMode::Prefer),
            "require" => Ok(TlsMode::Require),
            "verify-ca" => Ok(TlsMode::VerifyCa),
            "verify-full" => Ok(TlsMode::VerifyFull),
            "allow" => Err("sslmode `allow` is not supported: use `prefer` or `disable`".into()),
            other => Err(format!(
                "unknown sslmode `{other}`: expected disable, prefer, require, verify-ca or \
                 verify-full"
            )),
        }
    }

    /// What the driver is told: it only knows whether TLS is off, optional or required.
    fn driver_mode(self) -> SslMode {
        match self {
            TlsMode::Disable => SslMode::Disable,
            TlsMode::Prefer => SslMode::Prefer,
            TlsMode::Require | TlsMode::VerifyCa | TlsMode::VerifyFull => SslMode::Require,
        }
    }
}

/// The trust anchors named by `sslrootcert`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RootCert {
    /// The PEM certificates in this file, and nothing else.
    File(PathBuf),
    /// `sslrootcert=system`: the built-in Mozilla roots, as when `sslrootcert` is absent.
    System,
}

/// A `postgres://` URL split into what the driver reads and the TLS settings read here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PostgresUrl {
    /// The URL without `sslmode` and `sslrootcert`, which the driver would refuse or misread.
    pub(crate) url: String,
    pub(crate) mode: TlsMode,
    pub(crate) root_cert: Option<RootCert>,
}

impl PostgresUrl {
    /// Takes `sslmode` and `sslrootcert` out of the query string (the last one wins, as in the
    /// driver); every other parameter is left as written. The error is the reason, without
    /// any part of the URL.
    pub(crate) fn parse(url: &str) -> Result<Self, String> {
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut mode = TlsMode::Prefer;
        let mut root_cert = None;
        let mut kept = Vec::new();
        for pair in query.split('&').filter(|pair| !pair.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |text: &str| {
                percent_decode_str(text)
                    .decode_utf8()
                    .map(|decoded| decoded.into_owned())
                    .map_err(|_| format!("the `{key}` parameter is not valid UTF-8"))
            };
            match key {
                "sslmode" => mode = TlsMode::parse(&decode(value)?)?,
                "sslrootcert" => {
                    let value = decode(value)?;
                    root_cert = match value.as_str() {
                        "" => None,
                        "system" => Some(RootCert::System),
                        path => Some(RootCert::File(PathBuf::from(path))),
                    };
                }
                _ => kept.push(pair),
            }
        }
        let url = if kept.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        Ok(Self {
            url,
            mode,
            root_cert,
        })
    }
}

/// Opens PostgreSQL connections with the URL's TLS settings; shared by every connection of a
/// pool.
pub(crate) struct Connector {
    config: tokio_postgres::Config,
    tls: MakeRustlsConnect,
}

/// Why a [`Connector`] cannot be built.
#[derive(Debug)]
pub(crate) enum ConnectorError {
    /// The driver refuses the URL.
    Url(tokio_postgres::Error),
    /// The `sslrootcert` file cannot be read or holds no usable certificate.
    RootCert(String),
    /// rustls refuses the configuration.
    Tls(rustls::Error),
}

impl Connector {
    pub(crate) fn new(url: &PostgresUrl) -> Result<Self, ConnectorError> {
        let mut config: tokio_postgres::Config = url.url.parse().map_err(ConnectorError::Url)?;
        config.ssl_mode(url.mode.driver_mode());
        let client = client_config(url.mode, url.root_cert.as_ref())?;
        Ok(Self {
            config,
            tls: MakeRustlsConnect::new(client),
        })
    }

    /// A new connection, encrypted as the URL asks.
    pub(crate) async fn connect(&self) -> ConnectionResult<AsyncPgConnection> {
        let (client, connection) = self
            .config
            .connect(self.tls.clone())
            .await
            .map_err(|error| ConnectionError::BadConnection(with_causes(&error)))?;
        AsyncPgConnection::try_from_client_and_connection(client, connection).await
    }
}

/// The driver's error with its causes, which its own message leaves out ("error performing
/// TLS handshake" says nothing of the certificate).
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !message.ends_with(&cause_text) {
            message.push_str(": ");
            message.push_str(&cause_text);
        }
        source = cause.source();
    }
    message
}

/// The rustls configuration for `mode`. `disable` gets one too; the driver never uses it.
fn client_config(
    mode: TlsMode,
    root_cert: Option<&RootCert>,
) -> Result<ClientConfig, ConnectorError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let algorithms = provider.signature_verification_algorithms;
    let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(ConnectorError::Tls)?;
    // As in libpq, a CA file makes the weaker modes check the chain as well.
    let mode = match (mode, root_cert) {
        (TlsMode::Prefer | TlsMode::Require, Some(RootCert::File(_))) => TlsMode::VerifyCa,
        _ => mode,
    };
    let verifier: Arc<dyn ServerCertVerifier> = match mode {
        TlsMode::Disable | TlsMode::Prefer | TlsMode::Require => {
            Arc::new(AnyCertificate { algorithms })
        }
        TlsMode::VerifyCa => Arc::new(ChainOnly {
            roots: Arc::new(roots(root_cert)?),
            algorithms,
        }),
        TlsMode::VerifyFull => {
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots(root_cert)?), provider)
                .build()
                .map_err(|error| ConnectorError::Tls(rustls::Error::General(error.to_string())))?
        }
    };
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

/// The trust anchors: the `sslrootcert` file's certificates, else the Mozilla roots.
fn roots(root_cert: Option<&RootCert>) -> Result<RootCertStore, ConnectorError> {
    let Some(RootCert::File(path)) = root_cert else {
        return Ok(RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        });
    };
    let unreadable = |reason: String| {
        ConnectorError::RootCert(format!(
            "cannot read sslrootcert `{}`: {reason}",
            path.display()
        ))
    };
    let certificates = CertificateDer::pem_file_iter(path)
        .map_err(|error| unreadable(error.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| unreadable(error.to_string()))?;
    let mut store = RootCertStore::empty();
    let (added, _ignored) = store.add_parsable_certificates(certificates);
    if added == 0 {
        return Err(unreadable("no usable PEM certificate in it".into()));
    }
    Ok(store)
}

/// `require` and `prefer` without a CA file: encrypted, but any certificate is accepted (as
/// in libpq). The handshake signatures are still checked, so the server holds the key of the
/// certificate it shows.
#[derive(Debug)]
struct AnyCertificate {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// `verify-ca`: the certificate must chain to a trusted root, whatever host name it is for.
#[derive(Debug)]
struct ChainOnly {
    roots: Arc<RootCertStore>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let certificate = ParsedCertificate::try_from(end_entity)?;
        verify_server_cert_signed_by_trust_anchor(
            &certificate,
            &self.roots,
            intermediates,
            now,
            self.algorithms.all,
        )?;
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(url: &str) -> PostgresUrl {
        PostgresUrl::parse(url).unwrap_or_else(|reason| panic!("{url}: {reason}"))
    }

    #[test]
    fn without_sslmode_tls_is_preferred_and_the_url_is_unchanged() {
        let url = "postgres://app:pw@db:5432/sp";
        assert_eq!(
            parse(url),
            PostgresUrl {
                url: url.into(),
                mode: TlsMode::Prefer,
                root_cert: None
            }
        );
    }

    #[test]
    fn every_libpq_mode_is_read() {
        for (value, mode) in [
            ("disable", TlsMode::Disable),
            ("prefer", TlsMode::Prefer),
            ("require", TlsMode::Require),
            ("verify-ca", TlsMode::VerifyCa),
            ("verify-full", TlsMode::VerifyFull),
        ] {
            assert_eq!(
                parse(&format!("postgres://h/db?sslmode={value}")).mode,
                mode
            );
        }
    }

    #[test]
    fn the_tls_parameters_are_taken_out_and_the_others_kept_as_written() {
        let parsed = parse(
            "postgresql://u@h/db?application_name=a%20b&sslmode=verify-full\
             &sslrootcert=%2Fetc%2Fca%2Bx.pem&connect_timeout=3",
        );
        assert_eq!(
            parsed.url,
            "postgresql://u@h/db?application_name=a%20b&connect_timeout=3"
        );
        assert_eq!(parsed.mode, TlsMode::VerifyFull);
        assert_eq!(
            parsed.root_cert,
            Some(RootCert::File("/etc/ca+x.pem".into()))
        );
        let only_tls = parse("postgres://h/db?sslmode=require&sslrootcert=system");
        assert_eq!(only_tls.url, "postgres://h/db");
        assert_eq!(only_tls.root_cert, Some(RootCert::System));
    }

    #[test]
    fn the_last_sslmode_wins() {
        assert_eq!(
            parse("postgres://h/db?sslmode=disable&sslmode=require").mode,
            TlsMode::Require
        );
    }

    #[test]
    fn an_unknown_or_unsupported_sslmode_is_refused_by_name() {
        let reason = PostgresUrl::parse("postgres://u:hunter2@h/db?sslmode=verify_full")
            .expect_err("verify_full is not a mode");
        assert!(reason.contains("sslmode `verify_full`"), "{reason}");
        assert!(!reason.contains("hunter2"), "{reason}");
        let reason = PostgresUrl::parse("postgres://h/db?sslmode=allow").expect_err("allow");
        assert!(reason.contains("allow"), "{reason}");
        assert!(PostgresUrl::parse("postgres://h/db?sslmode=").is_err());
    }

    #[test]
    fn the_driver_accepts_what_is_left() {
        let parsed = parse("postgres://u@h:5433/db?sslmode=verify-ca&sslrootcert=system");
        let connector = Connector::new(&parsed).unwrap_or_else(|error| panic!("{error:?}"));
        assert_eq!(connector.config.get_ssl_mode(), SslMode::Require);
        assert_eq!(connector.config.get_ports(), [5433]);
    }

    #[test]
    fn a_missing_root_certificate_file_is_named() {
        let parsed = parse("postgres://h/db?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem");
        match Connector::new(&parsed) {
            Err(ConnectorError::RootCert(reason)) => {
                assert!(reason.contains("/nonexistent/ca.pem"), "{reason}");
            }
            other => panic!("expected a root certificate error, got {:?}", other.err()),
        }
    }

    #[test]
    fn disable_needs_no_root_certificate_file() {
        let parsed = parse("postgres://h/db?sslmode=disable&sslrootcert=/nonexistent/ca.pem");
        assert!(Connector::new(&parsed).is_ok());
    }
}
