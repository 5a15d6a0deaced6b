-- Sealed secrets cannot be opened in SQL: the endpoints go, as on the way up.
DELETE FROM webhook_endpoints;
ALTER TABLE webhook_endpoints
    DROP COLUMN secret_encrypted,
    DROP COLUMN previous_secret_encrypted,
    ADD COLUMN secret text NOT NULL,
    ADD COLUMN previous_secret text;
