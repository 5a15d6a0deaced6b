-- Undoes the publishing engine's schema, rebuilding the two tables as up.sql does (see there
-- for why in this order). The states and outcomes it added have no older equivalent: such jobs
-- become failed and such attempts failed or released, with their error code kept.

DROP TABLE idempotency_keys;

CREATE TABLE publish_jobs_old (
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

INSERT INTO publish_jobs_old (
    id, user_id, social_connection_id, platform, content_text, assets,
    platform_specific_options, status, scheduled_at, published_at, error_code, error_message,
    attempts, max_attempts, next_attempt_at, external_post_id, post_url, progress, locked_by,
    locked_until, created_at, updated_at
)
SELECT
    id, user_id, social_connection_id, platform, content_text, assets,
    platform_specific_options,
    CASE WHEN status IN ('missed', 'outcome_unknown') THEN 'failed' ELSE status END,
    scheduled_at, published_at, error_code, error_message, attempts, max_attempts,
    CASE WHEN status IN ('missed', 'outcome_unknown') THEN NULL ELSE next_attempt_at END,
    external_post_id, post_url, progress, locked_by, locked_until, created_at, updated_at
FROM publish_jobs;

CREATE TABLE job_attempts_old (
    id                  TEXT    NOT NULL PRIMARY KEY,
    job_id              TEXT    NOT NULL REFERENCES publish_jobs_old (id) ON DELETE CASCADE,
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

INSERT INTO job_attempts_old (
    id, job_id, attempt_number, worker, started_at, finished_at, outcome, http_status,
    platform_error_code, message
)
SELECT
    id, job_id, attempt_number, worker, started_at, finished_at,
    CASE outcome WHEN 'parked' THEN 'released' WHEN 'missed' THEN 'failed' ELSE outcome END,
    http_status, platform_error_code, message
FROM job_attempts;

DROP TABLE job_attempts;
DROP TABLE publish_jobs;
ALTER TABLE publish_jobs_old RENAME TO publish_jobs;
ALTER TABLE job_attempts_old RENAME TO job_attempts;

CREATE UNIQUE INDEX publish_jobs_idempotency_key_idx
    ON publish_jobs (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX publish_jobs_due_idx ON publish_jobs (status, next_attempt_at);
CREATE INDEX publish_jobs_lease_idx ON publish_jobs (locked_until) WHERE status = 'processing';
CREATE INDEX publish_jobs_user_created_idx ON publish_jobs (user_id, created_at DESC, id DESC);
CREATE INDEX job_attempts_job_idx ON job_attempts (job_id, attempt_number);

DROP TABLE posts;
