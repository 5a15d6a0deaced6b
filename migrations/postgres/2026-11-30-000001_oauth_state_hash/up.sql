-- Pending authorizations are keyed by the SHA-256 (lowercase hex) of their `state`, not the
-- state itself: a copy of this table holds nothing a callback would accept. Pending rows live
-- ten minutes and cannot be converted (only the digest is kept), so they are dropped: a user
-- midway through connecting starts again.
DROP TABLE oauth_states;

CREATE TABLE oauth_states (
    state_hash    text        PRIMARY KEY CHECK (state_hash ~ '^[0-9a-f]{64}$'),
    user_id       text        NOT NULL,
    platform      text        NOT NULL
        CHECK (platform IN ('instagram', 'facebook', 'linkedin', 'x', 'pinterest', 'tiktok')),
    code_verifier text,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL
);

CREATE INDEX oauth_states_expires_at_idx ON oauth_states (expires_at);
-- Each new authorization trims its user's oldest beyond the cap.
CREATE INDEX oauth_states_user_id_created_at_idx ON oauth_states (user_id, created_at);
