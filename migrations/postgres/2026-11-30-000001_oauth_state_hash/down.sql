-- Back to the raw state as key; the digests cannot be reversed, so pending rows are dropped.
DROP TABLE oauth_states;

CREATE TABLE oauth_states (
    state         text        PRIMARY KEY,
    user_id       text        NOT NULL,
    platform      text        NOT NULL
        CHECK (platform IN ('instagram', 'facebook', 'linkedin', 'x', 'pinterest', 'tiktok')),
    code_verifier text,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL
);

CREATE INDEX oauth_states_expires_at_idx ON oauth_states (expires_at);
