-- Post metrics (PostgreSQL; the SQLite twin in migrations/sqlite has the same columns and
-- constraints). Each published job gets three reads of its engagement, at +1 h, +24 h and
-- +7 d, parked here until due and claimed by the publishing workers like jobs; a row holds
-- the read's schedule and then its reading. Who, where and when are copied from the job so
-- that a claim reads one table.
CREATE TABLE post_metrics (
    job_id           uuid        NOT NULL REFERENCES publish_jobs (id) ON DELETE CASCADE,
    checkpoint       text        NOT NULL CHECK (checkpoint IN ('1h', '24h', '7d')),
    user_id          text        NOT NULL,
    connection_id    uuid        NOT NULL,
    platform         text        NOT NULL,
    external_post_id text        NOT NULL,
    published_at     timestamptz NOT NULL,
    -- While due: when a worker may claim it (a claim moves it on by the lease).
    due_at           timestamptz NOT NULL,
    attempts         integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    state            text        NOT NULL DEFAULT 'due'
        CHECK (state IN ('due', 'read', 'unavailable')),
    read_at          timestamptz,
    likes            bigint      CHECK (likes >= 0),
    comments         bigint      CHECK (comments >= 0),
    shares           bigint      CHECK (shares >= 0),
    saves            bigint      CHECK (saves >= 0),
    views            bigint      CHECK (views >= 0),
    -- Why the last try failed, or why the read is unavailable.
    note             text,
    PRIMARY KEY (job_id, checkpoint),
    CHECK ((state = 'read') = (read_at IS NOT NULL))
);

-- The workers' claim walks this in due order; read rows leave it.
CREATE INDEX post_metrics_due_idx ON post_metrics (due_at, job_id) WHERE state = 'due';
-- A connection's readings, newest posts first (best times learn from them).
CREATE INDEX post_metrics_connection_idx ON post_metrics (connection_id, published_at)
    WHERE state = 'read';
