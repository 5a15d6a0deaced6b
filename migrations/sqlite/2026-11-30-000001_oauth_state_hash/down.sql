-- Back to the raw state as key; digests cannot be reversed, so pending rows are dropped.
DROP INDEX oauth_states_user_id_created_at_idx;
DELETE FROM oauth_states;
ALTER TABLE oauth_states RENAME COLUMN state_hash TO state;
