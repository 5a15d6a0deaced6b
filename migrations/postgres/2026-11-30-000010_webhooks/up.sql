-- Webhooks (PostgreSQL; the SQLite twin has the same tables, columns and constraints): users'
-- endpoints, the outbox of lifecycle events (written in the same transaction as the change
-- that causes them), and one delivery per event and endpoint, claimed by workers with a lease.

CREATE TABLE webhook_endpoints (
    id                    uuid        PRIMARY KEY,
    user_id               text        NOT NULL,
    url                   text        NOT NULL,
    description           text,
    -- The event type names it wants, or ["*"].
    events                jsonb       NOT NULL CHECK (jsonb_typeof(events) = 'array'),
    -- Standard Webhooks secrets (whsec_...): the current one, and the one a rotation
    -- replaced, which keeps signing until previous_secret_until.
    secret                text        NOT NULL,
    previous_secret       text,
    previous_secret_until timestamptz,
    enabled               boolean     NOT NULL DEFAULT true,
    -- Since when every delivery failed; cleared by a success. Too long disables it.
    failing_since         timestamptz,
    disabled_note         text,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL
);
CREATE INDEX webhook_endpoints_user_idx ON webhook_endpoints (user_id, created_at);

CREATE TABLE webhook_events (
    id          uuid        PRIMARY KEY,
    user_id     text        NOT NULL,
    event_type  text        NOT NULL,
    occurred_at timestamptz NOT NULL,
    -- The exact body sent (and signed).
    payload     text        NOT NULL
);

CREATE TABLE webhook_deliveries (
    id               uuid        PRIMARY KEY,
    event_id         uuid        NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    endpoint_id      uuid        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    user_id          text        NOT NULL,
    event_type       text        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_status      integer     CHECK (last_status BETWEEN 100 AND 599),
    last_error       text,
    last_response_ms integer,
    next_attempt_at  timestamptz,
    locked_by        text,
    locked_until     timestamptz,
    created_at       timestamptz NOT NULL,
    delivered_at     timestamptz,
    UNIQUE (event_id, endpoint_id)
);
-- The deliverers' due query walks this in order.
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at, id)
    WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at);
