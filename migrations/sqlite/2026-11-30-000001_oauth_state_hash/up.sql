-- Pending authorizations are keyed by the SHA-256 (lowercase hex) of their `state`, not the
-- state itself: a copy of this file holds nothing a callback would accept. Pending rows live
-- ten minutes and cannot be converted (only the digest is kept), so they are dropped: a user
-- midway through connecting starts again.
DROP TABLE oauth_states;

CREATE TABLE oauth_states (
    state_hash    TEXT NOT NULL PRIMARY KEY
        CHECK (length(state_hash) = 64 AND state_hash NOT GLOB '*[^0-9a-f]*'),
    user_id       TEXT NOT NULL,
    platform      TEXT NOT NULL
        CHECK (platform IN ('instagram', 'facebook', 'linkedin', 'x', 'pinterest', 'tiktok')),
    code_verifier TEXT,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL
) STRICT;

CREATE INDEX oauth_states_expires_at_idx ON oauth_states (expires_at);
-- Each new authorization trims its user's oldest beyond the cap.
CREATE INDEX oauth_states_user_id_created_at_idx ON oauth_states (user_id, created_at);
