-- Ending an account's sessions (a password reset, a new role, deactivation, create-admin):
-- access tokens issued before this time (their `iat`, in whole seconds) are refused. NULL: never
-- ended.
ALTER TABLE users ADD COLUMN sessions_valid_after TIMESTAMP;
