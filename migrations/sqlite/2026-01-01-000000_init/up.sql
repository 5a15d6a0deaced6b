-- Socialpub's initial schema for SQLite, the twin of migrations/postgres: same tables, columns
-- and constraints. SQLite has no uuid, timestamptz or jsonb, so the persistence crate stores
-- ids as hyphenated text, instants as fixed-width UTC text (`2026-01-02T03:04:05.000000Z`, which
-- sorts and compares like the instant) and documents as JSON text. STRICT tables keep SQLite
-- from storing a value of the wrong type.

CREATE TABLE social_connections (
    id                      TEXT    NOT NULL PRIMARY KEY,
    user_id                 TEXT    NOT NULL,
    platform                TEXT    NOT NULL
        CHECK (platform IN ('instagram', 'facebook', 'linkedin', 'x', 'pinterest', 'tiktok')),
    external_user_id        TEXT    NOT NULL,
    external_display_name   TEXT    NOT NULL,
    access_token_encrypted  BLOB    NOT NULL,
    refresh_token_encrypted BLOB,
    expires_at              TEXT,
    refresh_expires_at      TEXT,
    scopes                  TEXT    NOT NULL DEFAULT '[]'
        CHECK (json_valid(scopes) AND json_type(scopes) = 'array'),
    status                  TEXT    NOT NULL CHECK (status IN ('active', 'needs_reauth')),
    refresh_locked_by       TEXT,
    refresh_locked_until    TEXT,
    created_at              TEXT    NOT NULL,
    updated_at              TEXT    NOT NULL,
    CONSTRAINT social_connections_account_key UNIQUE (user_id, platform, external_user_id)
) STRICT;

CREATE INDEX social_connections_user_created_idx
    ON social_connections (user_id, created_at, id);
CREATE INDEX social_connections_expiring_idx
    ON social_connections (expires_at) WHERE status = 'active';

CREATE TABLE oauth_states (
    state         TEXT NOT NULL PRIMARY KEY,
    user_id       TEXT NOT NULL,
    platform      TEXT NOT NULL
        CHECK (platform IN ('instagram', 'facebook', 'linkedin', 'x', 'pinterest', 'tiktok')),
    code_verifier TEXT,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL
) STRICT;

CREATE INDEX oauth_states_expires_at_idx ON oauth_states (expires_at);

CREATE TABLE publish_jobs (
    id                        TEXT    NOT NULL PRIMARY KEY,
    user_id                   TEXT    NOT NULL,
    social_connection_id      TEXT    NOT NULL,
    platform                  TEXT    NOT NULL
        CHECK (platform IN ('instagram', 'facebook', 'linkedin', 'x', 'pinterest', 'tiktok')),
    content_text              TEXT    NOT NULL,
    assets                    TEXT    NOT NULL DEFAULT '[]'
        CHECK (json_valid(assets) AND json_type(assets) = 'array'),
    platform_specific_options TEXT    NOT NULL DEFAULT '{}'
        CHECK (json_valid(platform_specific_options)
               AND json_type(platform_specific_options) = 'object'),
    status                    TEXT    NOT NULL
        CHECK (status IN ('scheduled', 'pending', 'processing', 'published', 'failed',
                          'content_rejected', 'cancelled')),
    scheduled_at              TEXT,
    published_at              TEXT,
    error_code                TEXT,
    error_message             TEXT,
    attempts                  INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts              INTEGER NOT NULL CHECK (max_attempts >= 1),
    next_attempt_at           TEXT,
    external_post_id          TEXT,
    post_url                  TEXT,
    idempotency_key           TEXT,
    progress                  TEXT    NOT NULL DEFAULT '{}'
        CHECK (json_valid(progress) AND json_type(progress) = 'object'),
    locked_by                 TEXT,
    locked_until              TEXT,
    created_at                TEXT    NOT NULL,
    updated_at                TEXT    NOT NULL
) STRICT;

CREATE UNIQUE INDEX publish_jobs_idempotency_key_idx
    ON publish_jobs (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX publish_jobs_due_idx ON publish_jobs (status, next_attempt_at);
CREATE INDEX publish_jobs_lease_idx ON publish_jobs (locked_until) WHERE status = 'processing';
CREATE INDEX publish_jobs_user_created_idx ON publish_jobs (user_id, created_at DESC, id DESC);

CREATE TABLE job_attempts (
    id                  TEXT    NOT NULL PRIMARY KEY,
    job_id              TEXT    NOT NULL REFERENCES publish_jobs (id) ON DELETE CASCADE,
    attempt_number      INTEGER NOT NULL CHECK (attempt_number >= 0),
    worker              TEXT    NOT NULL,
    started_at          TEXT    NOT NULL,
    finished_at         TEXT,
    outcome             TEXT    NOT NULL
        CHECK (outcome IN ('running', 'published', 'retrying', 'failed', 'content_rejected',
                           'released', 'outcome_unknown')),
    http_status         INTEGER CHECK (http_status BETWEEN 0 AND 65535),
    platform_error_code TEXT,
    message             TEXT
) STRICT;

CREATE INDEX job_attempts_job_idx ON job_attempts (job_id, attempt_number);
