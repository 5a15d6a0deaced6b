-- Pending authorizations are keyed by the SHA-256 (lowercase hex) of their `state`, not the
-- state itself: a copy of this file holds nothing a callback would accept. Pending rows live
-- ten minutes and cannot be converted (only the digest is kept), so they are dropped: a user
-- midway through connecting starts again. (SQLite cannot add a CHECK to a table; PostgreSQL's
-- migration checks the digest's shape.)
DELETE FROM oauth_states;
ALTER TABLE oauth_states RENAME COLUMN state TO state_hash;
-- Each new authorization trims its user's oldest beyond the cap.
CREATE INDEX oauth_states_user_id_created_at_idx ON oauth_states (user_id, created_at);
