-- Undoes the publishing engine's schema. The states and outcomes it added have no older
-- equivalent: such jobs become failed and such attempts failed or released, with their error
-- code kept.
DROP TABLE idempotency_keys;

ALTER TABLE job_attempts DROP COLUMN step;
ALTER TABLE job_attempts DROP CONSTRAINT job_attempts_outcome_check;
UPDATE job_attempts SET outcome = 'released' WHERE outcome = 'parked';
UPDATE job_attempts SET outcome = 'failed' WHERE outcome = 'missed';
ALTER TABLE job_attempts ADD CONSTRAINT job_attempts_outcome_check
    CHECK (outcome IN ('running', 'published', 'retrying', 'failed', 'content_rejected',
                       'released', 'outcome_unknown'));

DROP INDEX publish_jobs_due_idx;
CREATE INDEX publish_jobs_due_idx ON publish_jobs (status, next_attempt_at);

DROP INDEX publish_jobs_post_idx;
ALTER TABLE publish_jobs
    DROP COLUMN post_id,
    DROP COLUMN time_zone,
    DROP COLUMN metadata,
    DROP COLUMN user_action;

ALTER TABLE publish_jobs ADD COLUMN idempotency_key text;
CREATE UNIQUE INDEX publish_jobs_idempotency_key_idx
    ON publish_jobs (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

ALTER TABLE publish_jobs DROP CONSTRAINT publish_jobs_status_check;
UPDATE publish_jobs SET status = 'failed', next_attempt_at = NULL
    WHERE status IN ('missed', 'outcome_unknown');
ALTER TABLE publish_jobs ADD CONSTRAINT publish_jobs_status_check
    CHECK (status IN ('scheduled', 'pending', 'processing', 'published', 'failed',
                      'content_rejected', 'cancelled'));

DROP TABLE posts;
