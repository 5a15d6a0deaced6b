ALTER TABLE social_connections DROP COLUMN expiry_noticed_for;
