-- The login an authorization was started with, and the one a connection was made through.
-- NULL is the platform's own login (every row from before there was a choice); 'facebook' is
-- Facebook Login, which Instagram accounts linked to a Facebook Page can connect through. The
-- pending authorization keeps it so that the callback never has to trust a query parameter;
-- the connection keeps it so that refresh and revocation go to the same login's endpoints.
-- (The twin of migrations/postgres.)
ALTER TABLE oauth_states ADD COLUMN login TEXT CHECK (login IN ('facebook'));
ALTER TABLE social_connections ADD COLUMN login TEXT CHECK (login IN ('facebook'));
