ALTER TABLE social_connections DROP COLUMN login;
ALTER TABLE oauth_states DROP COLUMN login;
