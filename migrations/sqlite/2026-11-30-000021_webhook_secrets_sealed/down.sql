-- Sealed secrets cannot be opened in SQL: the endpoints go, as on the way up.
DELETE FROM webhook_deliveries;
DELETE FROM webhook_endpoints;
DROP TABLE webhook_endpoints;
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
