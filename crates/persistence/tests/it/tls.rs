//! TLS to PostgreSQL (`sslmode`, `sslrootcert`), checked from the server's side through
//! `pg_stat_ssl`, against the server's own certificate (on Debian, the self-signed "snakeoil"
//! one, which is its own CA).
//!
//! These tests need a server with `ssl = on` whose certificate file (`ssl_cert_file`) this
//! process can read; otherwise they fail, naming what is missing, rather than skip.

use std::net::ToSocketAddrs;
use std::path::PathBuf;

use diesel::QueryableByName;
use diesel::sql_types::{Bool, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use socialpub_domain::Platform;
use socialpub_persistence::{Database, PersistenceError, PoolSettings};
use x509_cert::der::Decode;
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::GeneralName;

use crate::contract::fixtures::{T0, connection, user};
use crate::harness::postgres::{PostgresBackend, admin_connection};

#[derive(QueryableByName)]
struct Setting {
    #[diesel(sql_type = Text)]
    value: String,
}

#[derive(QueryableByName)]
struct Session {
    #[diesel(sql_type = Bool)]
    ssl: bool,
}

async fn setting(admin: &mut AsyncPgConnection, name: &str) -> String {
    diesel::sql_query("SELECT current_setting($1) AS value")
        .bind::<Text, _>(name)
        .get_result::<Setting>(admin)
        .await
        .unwrap_or_else(|error| panic!("cannot read the server setting {name}: {error}"))
        .value
}

/// The server's certificate file, after checking that the server speaks TLS at all.
async fn server_certificate() -> PathBuf {
    let mut admin = admin_connection().await;
    assert_eq!(
        setting(&mut admin, "ssl").await,
        "on",
        "the TLS tests need a PostgreSQL server with `ssl = on` (Debian's packages enable it \
         with the snakeoil certificate)"
    );
    let mut file = PathBuf::from(setting(&mut admin, "ssl_cert_file").await);
    if file.is_relative() {
        file = PathBuf::from(setting(&mut admin, "data_directory").await).join(file);
    }
    assert!(
        std::fs::File::open(&file).is_ok(),
        "the TLS tests need to read the server's certificate `{}` (ssl_cert_file)",
        file.display()
    );
    file
}

/// Whether each session open on database `name` is encrypted, as the server sees it.
async fn sessions_encrypted(name: &str) -> Vec<bool> {
    let mut admin = admin_connection().await;
    diesel::sql_query(
        "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
         WHERE a.datname = $1",
    )
    .bind::<Text, _>(name)
    .load::<Session>(&mut admin)
    .await
    .unwrap()
    .into_iter()
    .map(|session| session.ssl)
    .collect()
}

/// `url` with these query parameters added.
fn with_params(url: &str, params: &[(&str, &str)]) -> String {
    let mut parsed = url::Url::parse(url).unwrap();
    parsed.query_pairs_mut().extend_pairs(params);
    parsed.to_string()
}

/// `url` asking for the host `name` (what TLS checks the certificate against) while still
/// connecting to the server's address through `hostaddr`.
fn as_host(url: &str, name: &str) -> String {
    let mut parsed = url::Url::parse(url).unwrap();
    let host = parsed.host_str().unwrap().to_owned();
    let port = parsed.port().unwrap_or(5432);
    let address = (host.as_str(), port)
        .to_socket_addrs()
        .unwrap_or_else(|error| panic!("cannot resolve {host}: {error}"))
        .next()
        .unwrap()
        .ip();
    parsed.set_host(Some(name)).unwrap();
    parsed
        .query_pairs_mut()
        .append_pair("hostaddr", &address.to_string());
    parsed.to_string()
}

/// The DNS names the certificate is for.
fn dns_names(file: &PathBuf) -> Vec<String> {
    let der = CertificateDer::from_pem_file(file).unwrap();
    let certificate = x509_cert::Certificate::from_der(&der).unwrap();
    let Some((_, SubjectAltName(names))) =
        certificate.tbs_certificate.get::<SubjectAltName>().unwrap()
    else {
        return Vec::new();
    };
    names
        .into_iter()
        .filter_map(|name| match name {
            GeneralName::DnsName(name) => Some(name.to_string()),
            _ => None,
        })
        .collect()
}

/// The error and all its sources, for matching on the cause.
fn chain(error: &dyn std::error::Error) -> String {
    let mut message = format!("{error} {error:?}");
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(&format!(" / {cause}"));
        source = cause.source();
    }
    message
}

/// Opens `url` and uses it: migrations (on a connection of their own) and a round trip
/// through a repository.
async fn use_database(url: &str) -> Database {
    let database = Database::connect(url, PoolSettings::default()).unwrap();
    database
        .run_migrations()
        .await
        .unwrap_or_else(|error| panic!("{}", chain(&error)));
    let alice = user("alice");
    let saved = connection(&alice, Platform::X, "42", T0);
    database.connections().save(&saved).await.unwrap();
    assert_eq!(
        database.connections().get(&alice, saved.id).await.unwrap(),
        Some(saved)
    );
    database
}

/// `database` on `url` is refused at connection time for a certificate problem.
async fn assert_certificate_refused(url: &str, why: &str) {
    let database = Database::connect(url, PoolSettings::default()).unwrap();
    let error = database.ping().await.unwrap_err();
    let message = chain(&error);
    assert!(
        matches!(error, PersistenceError::Unavailable { .. }),
        "{message}"
    );
    assert!(message.contains("invalid peer certificate"), "{message}");
    assert!(message.contains(why), "{message}");
}

#[tokio::test]
async fn require_encrypts_every_connection_including_the_migrations_one() {
    server_certificate().await;
    let backend = PostgresBackend::empty(PoolSettings::default()).await;
    let database = use_database(&with_params(backend.url(), &[("sslmode", "require")])).await;

    let sessions = sessions_encrypted(backend.name()).await;
    assert!(!sessions.is_empty(), "the pool keeps its connections open");
    assert!(sessions.iter().all(|&ssl| ssl), "{sessions:?}");
    database.close();
}

#[tokio::test]
async fn without_sslmode_tls_is_used_when_the_server_offers_it() {
    server_certificate().await;
    let backend = PostgresBackend::empty(PoolSettings::default()).await;
    let database = use_database(backend.url()).await;

    let sessions = sessions_encrypted(backend.name()).await;
    assert!(!sessions.is_empty());
    assert!(sessions.iter().all(|&ssl| ssl), "{sessions:?}");
    database.close();
}

#[tokio::test]
async fn disable_connects_in_the_clear() {
    server_certificate().await;
    let backend = PostgresBackend::empty(PoolSettings::default()).await;
    let database = use_database(&with_params(backend.url(), &[("sslmode", "disable")])).await;

    let sessions = sessions_encrypted(backend.name()).await;
    assert!(!sessions.is_empty());
    assert!(sessions.iter().all(|&ssl| !ssl), "{sessions:?}");
    database.close();
}

#[tokio::test]
async fn verify_full_refuses_a_certificate_the_built_in_roots_do_not_vouch_for() {
    server_certificate().await;
    let backend = PostgresBackend::empty(PoolSettings::default()).await;
    let url = with_params(backend.url(), &[("sslmode", "verify-full")]);
    assert_certificate_refused(&url, "UnknownIssuer").await;
    let url = with_params(backend.url(), &[("sslmode", "verify-ca")]);
    assert_certificate_refused(&url, "UnknownIssuer").await;
}

#[tokio::test]
async fn verify_ca_trusts_the_sslrootcert_file_whatever_the_host_name() {
    let certificate = server_certificate().await;
    let backend = PostgresBackend::empty(PoolSettings::default()).await;
    let root = certificate.to_str().unwrap();
    let url = with_params(
        &as_host(backend.url(), "not-the-server.invalid"),
        &[("sslmode", "verify-ca"), ("sslrootcert", root)],
    );
    let database = use_database(&url).await;

    let sessions = sessions_encrypted(backend.name()).await;
    assert!(!sessions.is_empty());
    assert!(sessions.iter().all(|&ssl| ssl), "{sessions:?}");
    database.close();
}

#[tokio::test]
async fn verify_full_checks_the_host_name_against_the_sslrootcert_certificate() {
    let certificate = server_certificate().await;
    let backend = PostgresBackend::empty(PoolSettings::default()).await;
    let root = certificate.to_str().unwrap();
    let verify_full = [("sslmode", "verify-full"), ("sslrootcert", root)];

    let wrong_name = with_params(
        &as_host(backend.url(), "not-the-server.invalid"),
        &verify_full,
    );
    assert_certificate_refused(&wrong_name, "not valid for name").await;
    // As in libpq, a CA file makes `require` check the chain, but not the host name.
    let require = with_params(
        &as_host(backend.url(), "not-the-server.invalid"),
        &[("sslmode", "require"), ("sslrootcert", root)],
    );
    use_database(&require).await.close();

    let name = dns_names(&certificate)
        .into_iter()
        .next()
        .unwrap_or_else(|| {
            panic!(
                "the server certificate `{}` names no DNS host",
                certificate.display()
            )
        });
    let right_name = with_params(&as_host(backend.url(), &name), &verify_full);
    let database = Database::connect(&right_name, PoolSettings::default()).unwrap();
    database
        .ping()
        .await
        .unwrap_or_else(|error| panic!("{}", chain(&error)));
    database.close();
}

#[test]
fn an_unknown_sslmode_is_refused_up_front_without_the_password() {
    let error = Database::connect(
        "postgres://app:hunter2@127.0.0.1:1/db?sslmode=verify_full",
        PoolSettings::default(),
    )
    .unwrap_err();
    let message = chain(&error);
    assert!(
        matches!(error, PersistenceError::InvalidUrl { .. }),
        "{message}"
    );
    assert!(message.contains("sslmode `verify_full`"), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
}

#[test]
fn an_unreadable_sslrootcert_is_refused_up_front() {
    let error = Database::connect(
        "postgres://app:hunter2@127.0.0.1:1/db?sslmode=verify-ca&sslrootcert=/nonexistent/ca.pem",
        PoolSettings::default(),
    )
    .unwrap_err();
    let message = chain(&error);
    assert!(matches!(error, PersistenceError::Tls { .. }), "{message}");
    assert!(message.contains("/nonexistent/ca.pem"), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
}

#[test]
fn a_parameter_the_driver_does_not_know_is_refused_up_front() {
    let error = Database::connect(
        "postgres://app:hunter2@127.0.0.1:1/db?sslcert=/client.pem",
        PoolSettings::default(),
    )
    .unwrap_err();
    let message = chain(&error);
    assert!(
        matches!(error, PersistenceError::InvalidUrl { .. }),
        "{message}"
    );
    assert!(message.contains("sslcert"), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
}
