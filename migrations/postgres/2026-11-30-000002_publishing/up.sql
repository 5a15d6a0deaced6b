-- The publishing engine (PostgreSQL; the SQLite twin in migrations/sqlite has the same tables,
-- columns and constraints): multi-target posts, final states `missed` and `outcome_unknown`,
-- what the user should do about a failed job, and a generic per-request idempotency store
-- (which replaces the per-job idempotency key).

-- One piece of content sent to several connections; each target is a job with its post_id.
CREATE TABLE posts (
    id           uuid        PRIMARY KEY,
    user_id      text        NOT NULL,
    scheduled_at timestamptz,
    -- The author's IANA time zone, for local-time views of scheduled_at.
    time_zone    text,
    metadata     jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    created_at   timestamptz NOT NULL
);

ALTER TABLE publish_jobs DROP CONSTRAINT publish_jobs_status_check;
ALTER TABLE publish_jobs ADD CONSTRAINT publish_jobs_status_check
    CHECK (status IN ('scheduled', 'pending', 'processing', 'published', 'failed',
                      'content_rejected', 'cancelled', 'missed', 'outcome_unknown'));

DROP INDEX publish_jobs_idempotency_key_idx;
ALTER TABLE publish_jobs DROP COLUMN idempotency_key;

ALTER TABLE publish_jobs
    ADD COLUMN post_id     uuid  REFERENCES posts (id),
    ADD COLUMN time_zone   text,
    ADD COLUMN metadata    jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    ADD COLUMN user_action text
        CHECK (user_action IN ('reconnect', 'grant_permissions', 'edit_content', 'shorten_text',
                               'change_media', 'wait', 'check_account', 'retry'));

-- A post's targets.
CREATE INDEX publish_jobs_post_idx ON publish_jobs (post_id) WHERE post_id IS NOT NULL;

-- The workers' due-job query walks this index in claim order and stops after a batch, and the
-- idle worker's "when is the next job due" reads its first entry. The queries spell the
-- statuses as literals so that the planner can use the partial index.
DROP INDEX publish_jobs_due_idx;
CREATE INDEX publish_jobs_due_idx ON publish_jobs (next_attempt_at, id)
    WHERE status IN ('scheduled', 'pending');

ALTER TABLE job_attempts DROP CONSTRAINT job_attempts_outcome_check;
ALTER TABLE job_attempts ADD CONSTRAINT job_attempts_outcome_check
    CHECK (outcome IN ('running', 'published', 'retrying', 'failed', 'content_rejected',
                       'released', 'outcome_unknown', 'parked', 'missed'));
-- The step an attempt was at when it ended (upload_media, create_post...).
ALTER TABLE job_attempts ADD COLUMN step text;

-- Requests made with an Idempotency-Key, per user: a claim while the first request runs
-- (locked_until), then its answer, replayed to retries until expires_at.
CREATE TABLE idempotency_keys (
    user_id         text        NOT NULL,
    key             text        NOT NULL,
    -- Method, path and a hash of the body: the same key with another request is refused.
    fingerprint     text        NOT NULL,
    response_status integer     CHECK (response_status BETWEEN 100 AND 599),
    response_body   text,
    locked_until    timestamptz,
    expires_at      timestamptz NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (user_id, key),
    CHECK ((response_status IS NULL) = (response_body IS NULL))
);

CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at);
