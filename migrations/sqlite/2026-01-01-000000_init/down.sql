-- Undoes the initial schema; indexes and constraints go with their tables.
DROP TABLE job_attempts;
DROP TABLE publish_jobs;
DROP TABLE oauth_states;
DROP TABLE social_connections;
