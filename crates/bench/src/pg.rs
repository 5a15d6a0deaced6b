//! A fresh PostgreSQL database per case, on the server the environment names, and the plain
//! client the ceilings and the checks use.

use anyhow::Context as _;
use tokio_postgres::{Client, NoTls};

const DEFAULT_SERVER: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// `TEST_DATABASE_URL`, else `DATABASE_URL` when it names PostgreSQL, else the local server:
/// the same rule as the test suites.
pub fn server_url() -> String {
    let is_postgres =
        |url: &String| url.starts_with("postgres://") || url.starts_with("postgresql://");
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
        .or_else(|| std::env::var("DATABASE_URL").ok().filter(is_postgres))
        .unwrap_or_else(|| DEFAULT_SERVER.to_owned())
}

/// A plain client, its connection driven on the runtime.
pub async fn connect(url: &str) -> anyhow::Result<Client> {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .with_context(|| format!("connecting to PostgreSQL at {}", without_password(url)))?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(client)
}

fn without_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// A database made for one case and dropped after it ([`FreshDatabase::drop_now`]).
pub struct FreshDatabase {
    /// Without TLS, as the ceiling's client connects: both sides pay the same per round trip.
    pub url: String,
    name: String,
    server: String,
}

impl FreshDatabase {
    pub async fn create(tag: &str) -> anyhow::Result<Self> {
        let server = server_url();
        let name = format!(
            "socialpub_bench_{tag}_{}",
            uuid::Uuid::new_v4()
                .simple()
                .to_string()
                .get(..8)
                .unwrap_or("0")
        );
        let admin = connect(&server).await?;
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .with_context(|| format!("creating database {name}"))?;
        let mut url = url::Url::parse(&server).context("parsing the PostgreSQL URL")?;
        url.set_path(&name);
        url.query_pairs_mut().append_pair("sslmode", "disable");
        Ok(Self {
            url: url.to_string(),
            name,
            server,
        })
    }

    pub async fn drop_now(self) -> anyhow::Result<()> {
        let admin = connect(&self.server).await?;
        admin
            .batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .await
            .with_context(|| format!("dropping database {}", self.name))?;
        Ok(())
    }
}
