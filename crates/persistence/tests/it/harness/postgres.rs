//! A fresh PostgreSQL database per test, created on the server the environment names and
//! dropped (`WITH (FORCE)`) when the guard goes, even when the test panics.

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use socialpub_persistence::{Database, PoolSettings};

use super::{Repos, TestBackend};

const DEFAULT_SERVER: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The server to create test databases on: `TEST_DATABASE_URL`, else `DATABASE_URL` when it
/// names PostgreSQL, else the local default.
pub fn server_url() -> String {
    let is_postgres =
        |url: &String| url.starts_with("postgres://") || url.starts_with("postgresql://");
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
        .or_else(|| std::env::var("DATABASE_URL").ok().filter(is_postgres))
        .unwrap_or_else(|| DEFAULT_SERVER.to_owned())
}

/// An admin connection to the server. Fails the test, naming the URL, when it is unreachable.
pub async fn admin_connection() -> AsyncPgConnection {
    let url = server_url();
    AsyncPgConnection::establish(&url)
        .await
        .unwrap_or_else(|error| {
            panic!(
                "PostgreSQL is required for these tests and cannot be reached at {}: {error}. \
                 Set TEST_DATABASE_URL, or start the local server with \
                 `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`.",
                without_password(&url)
            )
        })
}

/// `url` fit for a test failure message.
fn without_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// `url` with its database (the path) replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let mut parsed = url::Url::parse(url).unwrap_or_else(|error| panic!("bad URL {url}: {error}"));
    parsed.set_path(name);
    parsed.to_string()
}

pub struct PostgresBackend {
    database: Option<Database>,
    name: String,
    url: String,
}

impl PostgresBackend {
    /// A new, migrated database with the given pool settings.
    pub async fn with_settings(settings: PoolSettings) -> Self {
        let guard = Self::empty(settings).await;
        guard
            .database()
            .run_migrations()
            .await
            .unwrap_or_else(|error| panic!("cannot migrate {}: {error:?}", guard.name));
        guard
    }

    /// A new database with no tables yet.
    pub async fn empty(settings: PoolSettings) -> Self {
        let name = format!("socialpub_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = admin_connection().await;
        create_database(&mut admin, &name).await;
        let url = with_database(&server_url(), &name);
        let database = Database::connect(&url, settings)
            .unwrap_or_else(|error| panic!("cannot open {name}: {error}"));
        Self {
            database: Some(database),
            name,
            url,
        }
    }

    pub fn database(&self) -> &Database {
        self.database
            .as_ref()
            .expect("the database lives as long as the guard")
    }

    /// The test database's name, as `pg_stat_activity.datname` shows it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The test database's URL, for a second, independent connection.
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// `CREATE DATABASE` copies `template1` and fails while another session is briefly connected
/// to it; that is worth a few quick retries, anything else is not.
async fn create_database(admin: &mut AsyncPgConnection, name: &str) {
    let mut tries = 0;
    loop {
        match admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
        {
            Ok(()) => return,
            Err(error)
                if tries < 5 && error.to_string().contains("being accessed by other users") =>
            {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(50 * tries)).await;
            }
            Err(error) => panic!("cannot create test database {name}: {error}"),
        }
    }
}

impl TestBackend for PostgresBackend {
    async fn start() -> Self {
        Self::with_settings(PoolSettings::default()).await
    }

    fn repos(&self) -> Repos {
        Repos::of(self.database())
    }
}

impl Drop for PostgresBackend {
    fn drop(&mut self) {
        // The pool goes first, here, inside the test's runtime; the drop itself runs on a
        // runtime of its own on another thread, since this one may be a current-thread runtime
        // busy with this very drop.
        if let Some(database) = self.database.take() {
            database.close();
            drop(database);
        }
        let name = std::mem::take(&mut self.name);
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|error| error.to_string())?;
            runtime.block_on(async {
                let mut admin = AsyncPgConnection::establish(&server_url())
                    .await
                    .map_err(|error| error.to_string())?;
                admin
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .map_err(|error| format!("cannot drop {name}: {error}"))
            })
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(error)) => eprintln!("test database left behind: {error}"),
            Err(_) => eprintln!("test database left behind: the drop thread panicked"),
        }
    }
}
