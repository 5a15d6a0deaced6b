-- Webhook signing secrets are stored sealed (AES-256-GCM under the token key ring, bound to
-- the endpoint id), like platform tokens: no column holds a secret in clear, and neither does
-- the one a rotation keeps signing during its grace period. (The twin of migrations/postgres.)
--
-- SQL cannot seal, so endpoints stored in clear cannot be converted: they are removed (their
-- deliveries go with them; events stay) and must be registered again. Webhooks reached no
-- release before this migration. SQLite cannot add a NOT NULL column without a default, so
-- the emptied table is made again; webhook_deliveries refers to it by name.
DELETE FROM webhook_deliveries;
DELETE FROM webhook_endpoints;
DROP TABLE webhook_endpoints;
CREATE TABLE webhook_endpoints (
    id                        TEXT    NOT NULL PRIMARY KEY,
    user_id                   TEXT    NOT NULL,
    url                       TEXT    NOT NULL,
    description               TEXT,
    events                    TEXT    NOT NULL
        CHECK (json_valid(events) AND json_type(events) = 'array'),
    secret_encrypted          BLOB    NOT NULL,
    previous_secret_encrypted BLOB,
    previous_secret_until     TEXT,
    enabled                   INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    failing_since             TEXT,
    disabled_note             TEXT,
    created_at                TEXT    NOT NULL,
    updated_at                TEXT    NOT NULL
) STRICT;
CREATE INDEX webhook_endpoints_user_idx ON webhook_endpoints (user_id, created_at);
