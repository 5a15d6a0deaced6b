-- The publishing engine (SQLite; the twin of migrations/postgres): multi-target posts, final
-- states `missed` and `outcome_unknown`, what the user should do about a failed job, and a
-- generic per-request idempotency store (which replaces the per-job idempotency key).
--
-- SQLite cannot change a CHECK constraint, so publish_jobs and job_attempts are rebuilt: new
-- tables, rows copied, old tables dropped, new ones renamed. Migrations run in a transaction
-- with foreign keys on, so the order matters: the new job_attempts references the new
-- publish_jobs (the rename rewrites that reference), and the old job_attempts goes before the
-- old publish_jobs, whose drop would otherwise cascade into attempts.

CREATE TABLE posts (
    id           TEXT NOT NULL PRIMARY KEY,
    user_id      TEXT NOT NULL,
    scheduled_at TEXT,
    time_zone    TEXT,
    metadata     TEXT NOT NULL DEFAULT '{}'
        CHECK (json_valid(metadata) AND json_type(metadata) = 'object'),
    created_at   TEXT NOT NULL
) STRICT;

CREATE TABLE publish_jobs_new (
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
                          'content_rejected', 'cancelled', 'missed', 'outcome_unknown')),
    scheduled_at              TEXT,
    published_at              TEXT,
    error_code                TEXT,
    error_message             TEXT,
    attempts                  INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts              INTEGER NOT NULL CHECK (max_attempts >= 1),
    next_attempt_at           TEXT,
    external_post_id          TEXT,
    post_url                  TEXT,
    progress                  TEXT    NOT NULL DEFAULT '{}'
        CHECK (json_valid(progress) AND json_type(progress) = 'object'),
    locked_by                 TEXT,
    locked_until              TEXT,
    created_at                TEXT    NOT NULL,
    updated_at                TEXT    NOT NULL,
    post_id                   TEXT    REFERENCES posts (id),
    time_zone                 TEXT,
    metadata                  TEXT    NOT NULL DEFAULT '{}'
        CHECK (json_valid(metadata) AND json_type(metadata) = 'object'),
    user_action               TEXT
        CHECK (user_action IN ('reconnect', 'grant_permissions', 'edit_content', 'shorten_text',
                               'change_media', 'wait', 'check_account', 'retry'))
) STRICT;

INSERT INTO publish_jobs_new (
    id, user_id, social_connection_id, platform, content_text, assets,
    platform_specific_options, status, scheduled_at, published_at, error_code, error_message,
    attempts, max_attempts, next_attempt_at, external_post_id, post_url, progress, locked_by,
    locked_until, created_at, updated_at
)
SELECT
    id, user_id, social_connection_id, platform, content_text, assets,
    platform_specific_options, status, scheduled_at, published_at, error_code, error_message,
    attempts, max_attempts, next_attempt_at, external_post_id, post_url, progress, locked_by,
    locked_until, created_at, updated_at
FROM publish_jobs;

CREATE TABLE job_attempts_new (
    id                  TEXT    NOT NULL PRIMARY KEY,
    job_id              TEXT    NOT NULL REFERENCES publish_jobs_new (id) ON DELETE CASCADE,
    attempt_number      INTEGER NOT NULL CHECK (attempt_number >= 0),
    worker              TEXT    NOT NULL,
    started_at          TEXT    NOT NULL,
    finished_at         TEXT,
    outcome             TEXT    NOT NULL
        CHECK (outcome IN ('running', 'published', 'retrying', 'failed', 'content_rejected',
                           'released', 'outcome_unknown', 'parked', 'missed')),
    http_status         INTEGER CHECK (http_status BETWEEN 0 AND 65535),
    platform_error_code TEXT,
    message             TEXT,
    step                TEXT
) STRICT;

INSERT INTO job_attempts_new (
    id, job_id, attempt_number, worker, started_at, finished_at, outcome, http_status,
    platform_error_code, message
)
SELECT
    id, job_id, attempt_number, worker, started_at, finished_at, outcome, http_status,
    platform_error_code, message
FROM job_attempts;

DROP TABLE job_attempts;
DROP TABLE publish_jobs;
ALTER TABLE publish_jobs_new RENAME TO publish_jobs;
ALTER TABLE job_attempts_new RENAME TO job_attempts;

CREATE INDEX publish_jobs_post_idx ON publish_jobs (post_id) WHERE post_id IS NOT NULL;
CREATE INDEX publish_jobs_due_idx ON publish_jobs (next_attempt_at, id)
    WHERE status IN ('scheduled', 'pending');
CREATE INDEX publish_jobs_lease_idx ON publish_jobs (locked_until) WHERE status = 'processing';
CREATE INDEX publish_jobs_user_created_idx ON publish_jobs (user_id, created_at DESC, id DESC);
CREATE INDEX job_attempts_job_idx ON job_attempts (job_id, attempt_number);

CREATE TABLE idempotency_keys (
    user_id         TEXT    NOT NULL,
    key             TEXT    NOT NULL,
    fingerprint     TEXT    NOT NULL,
    response_status INTEGER CHECK (response_status BETWEEN 100 AND 599),
    response_body   TEXT,
    locked_until    TEXT,
    expires_at      TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    PRIMARY KEY (user_id, key),
    CHECK ((response_status IS NULL) = (response_body IS NULL))
) STRICT;

CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at);
