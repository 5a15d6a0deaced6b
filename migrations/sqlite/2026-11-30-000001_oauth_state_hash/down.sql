-- Back to the raw state as key; the digests cannot be reversed, so pending rows are dropped.
DROP TABLE oauth_states;

CREATE TABLE oauth_states (
    state         TEXT NOT NULL PRIMARY KEY,
    user_id       TEXT NOT NULL,
    platform      TEXT NOT NULL
        CHECK (platform IN ('instagram', 'facebook', 'linkedin', 'x', 'pinterest', 'tiktok')),
    code_verifier TEXT,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL
) STRICT;

CREATE INDEX oauth_states_expires_at_idx ON oauth_states (expires_at);
