-- Devices an account's owner has logged in from (issue 11, login throttling): a long-lived cookie
-- holds a random token, its hash is kept here with the account. A login from a known device is
-- not slowed by the failures of others on the same account or behind the same address.
CREATE TABLE known_devices (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_login_at INTEGER NOT NULL
);
CREATE INDEX known_devices_user ON known_devices(user_id);

-- The audit log is read by page and filtered by action and by actor (`/admin/audit`).
CREATE INDEX audit_log_action ON audit_log(action, id);
CREATE INDEX audit_log_actor ON audit_log(actor_user_id, id);
