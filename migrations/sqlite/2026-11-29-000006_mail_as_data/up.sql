-- Mail is queued as data (a template and its parameters, as JSON, and the recipient's language)
-- and rendered by the worker when it is sent, outside the transaction that queued it. Rows
-- queued before this change keep their rendered subject and body. SQLite cannot relax NOT NULL
-- in place, so the table is rebuilt.
CREATE TABLE mail_outbox_new (
    id TEXT PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT,
    body_text TEXT,
    created_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    sent_at TIMESTAMP,
    failed_at TIMESTAMP,
    last_error TEXT,
    locale TEXT,
    message TEXT,
    CHECK (message IS NOT NULL OR (subject IS NOT NULL AND body_text IS NOT NULL))
);
INSERT INTO mail_outbox_new (id, recipient, subject, body_text, created_at, attempts,
        next_attempt_at, locked_until, sent_at, failed_at, last_error)
    SELECT id, recipient, subject, body_text, created_at, attempts, next_attempt_at,
        locked_until, sent_at, failed_at, last_error
    FROM mail_outbox;
DROP TABLE mail_outbox;
ALTER TABLE mail_outbox_new RENAME TO mail_outbox;
CREATE INDEX mail_outbox_pending_idx ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
