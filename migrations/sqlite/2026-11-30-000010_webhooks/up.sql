-- Webhooks (SQLite; the twin of migrations/postgres): users' endpoints, the outbox of
-- lifecycle events (written in the same transaction as the change that causes them), and one
-- delivery per event and endpoint, claimed by workers with a lease.

CREATE TABLE webhook_endpoints (
    id                    TEXT    NOT NULL PRIMARY KEY,
    user_id               TEXT    NOT NULL,
    url                   TEXT    NOT NULL,
    description           TEXT,
    events                TEXT    NOT NULL
        CHECK (json_valid(events) AND json_type(events) = 'array'),
    secret                TEXT    NOT NULL,
    previous_secret       TEXT,
    previous_secret_until TEXT,
    enabled               INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    failing_since         TEXT,
    disabled_note         TEXT,
    created_at            TEXT    NOT NULL,
    updated_at            TEXT    NOT NULL
) STRICT;
CREATE INDEX webhook_endpoints_user_idx ON webhook_endpoints (user_id, created_at);

CREATE TABLE webhook_events (
    id          TEXT NOT NULL PRIMARY KEY,
    user_id     TEXT NOT NULL,
    event_type  TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    payload     TEXT NOT NULL
) STRICT;

CREATE TABLE webhook_deliveries (
    id               TEXT    NOT NULL PRIMARY KEY,
    event_id         TEXT    NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    endpoint_id      TEXT    NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    user_id          TEXT    NOT NULL,
    event_type       TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_status      INTEGER CHECK (last_status BETWEEN 100 AND 599),
    last_error       TEXT,
    last_response_ms INTEGER,
    next_attempt_at  TEXT,
    locked_by        TEXT,
    locked_until     TEXT,
    created_at       TEXT    NOT NULL,
    delivered_at     TEXT,
    UNIQUE (event_id, endpoint_id)
) STRICT;
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at, id)
    WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at);
