-- Socialpub's initial schema for PostgreSQL. The SQLite twin in migrations/sqlite has the same
-- tables, columns and constraints in SQLite's types; keep the two in step.

-- One connected, publishable account of one user.
CREATE TABLE social_connections (
    id                      uuid        PRIMARY KEY,
    user_id                 text        NOT NULL,
    platform                text        NOT NULL
        CHECK (platform IN ('instagram', 'facebook', 'linkedin', 'x', 'pinterest', 'tiktok')),
    external_user_id        text        NOT NULL,
    external_display_name   text        NOT NULL,
    -- Token ciphertext from the token cipher; never plaintext.
    access_token_encrypted  bytea       NOT NULL,
    refresh_token_encrypted bytea,
    expires_at              timestamptz,
    refresh_expires_at      timestamptz,
    scopes                  jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(scopes) = 'array'),
    status                  text        NOT NULL CHECK (status IN ('active', 'needs_reauth')),
    -- Cross-process refresh lock: only the holder may spend a (rotating) refresh token.
    refresh_locked_by       text,
    refresh_locked_until    timestamptz,
    created_at              timestamptz NOT NULL,
    updated_at              timestamptz NOT NULL,
    CONSTRAINT social_connections_account_key UNIQUE (user_id, platform, external_user_id)
);

CREATE INDEX social_connections_user_created_idx
    ON social_connections (user_id, created_at, id);
-- The background refresh sweep's work list.
CREATE INDEX social_connections_expiring_idx
    ON social_connections (expires_at) WHERE status = 'active';

-- Pending OAuth authorizations, single use, keyed by the random state value.
CREATE TABLE oauth_states (
    state         text        PRIMARY KEY,
    user_id       text        NOT NULL,
    platform      text        NOT NULL
        CHECK (platform IN ('instagram', 'facebook', 'linkedin', 'x', 'pinterest', 'tiktok')),
    code_verifier text,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL
);

CREATE INDEX oauth_states_expires_at_idx ON oauth_states (expires_at);

-- Publish jobs, which are also the work queue. No foreign key to social_connections: a job's
-- history outlives the connection it was published through.
CREATE TABLE publish_jobs (
    id                        uuid        PRIMARY KEY,
    user_id                   text        NOT NULL,
    social_connection_id      uuid        NOT NULL,
    platform                  text        NOT NULL
        CHECK (platform IN ('instagram', 'facebook', 'linkedin', 'x', 'pinterest', 'tiktok')),
    content_text              text        NOT NULL,
    assets                    jsonb       NOT NULL DEFAULT '[]'
        CHECK (jsonb_typeof(assets) = 'array'),
    platform_specific_options jsonb       NOT NULL DEFAULT '{}'
        CHECK (jsonb_typeof(platform_specific_options) = 'object'),
    status                    text        NOT NULL
        CHECK (status IN ('scheduled', 'pending', 'processing', 'published', 'failed',
                          'content_rejected', 'cancelled')),
    scheduled_at              timestamptz,
    published_at              timestamptz,
    error_code                text,
    error_message             text,
    attempts                  integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts              integer     NOT NULL CHECK (max_attempts >= 1),
    next_attempt_at           timestamptz,
    external_post_id          text,
    post_url                  text,
    idempotency_key           text,
    -- Completed steps of a multi-step publish, so a retry resumes instead of posting twice.
    progress                  jsonb       NOT NULL DEFAULT '{}'
        CHECK (jsonb_typeof(progress) = 'object'),
    -- The lease of the worker processing the job.
    locked_by                 text,
    locked_until              timestamptz,
    created_at                timestamptz NOT NULL,
    updated_at                timestamptz NOT NULL
);

-- A retried request with the same Idempotency-Key finds the first job; the index also makes
-- two concurrent retries race safely.
CREATE UNIQUE INDEX publish_jobs_idempotency_key_idx
    ON publish_jobs (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- The workers' due-job query.
CREATE INDEX publish_jobs_due_idx ON publish_jobs (status, next_attempt_at);
-- The expired-lease sweep.
CREATE INDEX publish_jobs_lease_idx ON publish_jobs (locked_until) WHERE status = 'processing';
-- A user's job list, newest first.
CREATE INDEX publish_jobs_user_created_idx ON publish_jobs (user_id, created_at DESC, id DESC);

-- One row per attempt at a job: what a user sees when asking why a job failed.
CREATE TABLE job_attempts (
    id                  uuid        PRIMARY KEY,
    job_id              uuid        NOT NULL REFERENCES publish_jobs (id) ON DELETE CASCADE,
    attempt_number      integer     NOT NULL CHECK (attempt_number >= 0),
    worker              text        NOT NULL,
    started_at          timestamptz NOT NULL,
    finished_at         timestamptz,
    outcome             text        NOT NULL
        CHECK (outcome IN ('running', 'published', 'retrying', 'failed', 'content_rejected',
                           'released', 'outcome_unknown')),
    http_status         integer     CHECK (http_status BETWEEN 0 AND 65535),
    platform_error_code text,
    message             text
);

CREATE INDEX job_attempts_job_idx ON job_attempts (job_id, attempt_number);
