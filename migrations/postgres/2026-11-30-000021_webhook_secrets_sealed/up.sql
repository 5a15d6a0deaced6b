-- Webhook signing secrets are stored sealed (AES-256-GCM under the token key ring, bound to
-- the endpoint id), like platform tokens: no column holds a secret in clear, and neither does
-- the one a rotation keeps signing during its grace period.
--
-- SQL cannot seal, so endpoints stored in clear cannot be converted: they are removed (their
-- deliveries go with them; events stay) and must be registered again. Webhooks reached no
-- release before this migration.
DELETE FROM webhook_endpoints;
ALTER TABLE webhook_endpoints
    DROP COLUMN secret,
    DROP COLUMN previous_secret,
    ADD COLUMN secret_encrypted bytea NOT NULL,
    ADD COLUMN previous_secret_encrypted bytea;
