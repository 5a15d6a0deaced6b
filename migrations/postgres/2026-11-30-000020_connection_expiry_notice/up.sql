-- The end (refresh token's, or access token's without one) for which `connection.expiring`
-- was emitted: the sweep's once-only marker, written in the transaction that stores the event.
-- A reconnect moves the end, so the new end is noticed again.
ALTER TABLE social_connections ADD COLUMN expiry_noticed_for timestamptz;
