//! PostgreSQL and SQLite storage on diesel-async.
