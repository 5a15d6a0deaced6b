-- Post metrics (SQLite; the twin of migrations/postgres, which explains the table): the
-- +1 h, +24 h and +7 d reads of each published job, parked until due, then their readings.
CREATE TABLE post_metrics (
    job_id           TEXT    NOT NULL REFERENCES publish_jobs (id) ON DELETE CASCADE,
    checkpoint       TEXT    NOT NULL CHECK (checkpoint IN ('1h', '24h', '7d')),
    user_id          TEXT    NOT NULL,
    connection_id    TEXT    NOT NULL,
    platform         TEXT    NOT NULL,
    external_post_id TEXT    NOT NULL,
    published_at     TEXT    NOT NULL,
    due_at           TEXT    NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    state            TEXT    NOT NULL DEFAULT 'due'
        CHECK (state IN ('due', 'read', 'unavailable')),
    read_at          TEXT,
    likes            INTEGER CHECK (likes >= 0),
    comments         INTEGER CHECK (comments >= 0),
    shares           INTEGER CHECK (shares >= 0),
    saves            INTEGER CHECK (saves >= 0),
    views            INTEGER CHECK (views >= 0),
    note             TEXT,
    PRIMARY KEY (job_id, checkpoint),
    CHECK ((state = 'read') = (read_at IS NOT NULL))
) STRICT;

CREATE INDEX post_metrics_due_idx ON post_metrics (due_at, job_id) WHERE state = 'due';
CREATE INDEX post_metrics_connection_idx ON post_metrics (connection_id, published_at)
    WHERE state = 'read';
