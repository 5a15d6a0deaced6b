-- Pending authorizations are keyed by the SHA-256 (lowercase hex) of their `state`, not the
-- state itself: a copy of this table holds nothing a callback would accept. Pending rows live
-- ten minutes and cannot be converted (only the digest is kept), so they are dropped: a user
-- midway through connecting starts again.
DELETE FROM oauth_states;
ALTER TABLE oauth_states RENAME COLUMN state TO state_hash;
ALTER TABLE oauth_states ADD CONSTRAINT oauth_states_state_hash_is_a_digest
    CHECK (state_hash ~ '^[0-9a-f]{64}$');
-- Each new authorization trims its user's oldest beyond the cap.
CREATE INDEX oauth_states_user_id_created_at_idx ON oauth_states (user_id, created_at);
