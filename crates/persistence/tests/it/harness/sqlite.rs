//! A fresh SQLite file per test, in its own temporary directory, removed afterwards.

use std::path::{Path, PathBuf};

use socialpub_persistence::{Database, PoolSettings};

use super::{Repos, TestBackend};

pub struct SqliteBackend {
    database: Option<Database>,
    directory: PathBuf,
}

impl SqliteBackend {
    /// A migrated database file with the given pool settings.
    pub async fn with_settings(settings: PoolSettings) -> Self {
        let directory =
            std::env::temp_dir().join(format!("socialpub-test-{}", uuid::Uuid::new_v4().simple()));
        // A subdirectory that does not exist yet: connect must create it.
        let url = format!("sqlite://{}", directory.join("data/socialpub.db").display());
        let database = Database::connect(&url, settings)
            .unwrap_or_else(|error| panic!("cannot open {url}: {error}"));
        database
            .run_migrations()
            .await
            .unwrap_or_else(|error| panic!("cannot migrate {url}: {error:?}"));
        Self {
            database: Some(database),
            directory,
        }
    }

    pub fn database(&self) -> &Database {
        self.database
            .as_ref()
            .expect("the database lives as long as the guard")
    }

    pub fn file(&self) -> PathBuf {
        self.directory.join("data/socialpub.db")
    }
}

impl TestBackend for SqliteBackend {
    async fn start() -> Self {
        Self::with_settings(PoolSettings::default()).await
    }

    fn repos(&self) -> Repos {
        Repos::of(self.database())
    }
}

impl Drop for SqliteBackend {
    fn drop(&mut self) {
        if let Some(database) = self.database.take() {
            database.close();
        }
        remove(&self.directory);
    }
}

fn remove(directory: &Path) {
    if let Err(error) = std::fs::remove_dir_all(directory) {
        eprintln!("could not remove {}: {error}", directory.display());
    }
}
