-- Review: the audit trail of every application's moves (hash-chained), reviewers assigned to
-- applications, their scorecards, and the events waiting for webhook delivery.

-- Insert-only. Each event's `hash` is SHA-256 over its canonical form and the previous event's
-- hash (`prev_hash`), in `seq` order across all applications, so editing or deleting a row
-- breaks the chain and `GET /audit/verify` finds it.
CREATE TABLE application_events (
    id TEXT PRIMARY KEY,
    seq BIGINT NOT NULL UNIQUE,
    application_id TEXT NOT NULL REFERENCES applications (id),
    at TIMESTAMP NOT NULL,
    actor_id TEXT,
    actor_role TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    reason_code TEXT,
    reason TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX application_events_application_idx ON application_events (application_id, seq);

-- The end of the chain. Appending locks this one row first, which orders concurrent appends
-- (PostgreSQL) and lets verify notice a deleted last event.
CREATE TABLE audit_chain_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL,
    last_event_id TEXT
);
INSERT INTO audit_chain_head (id, last_seq, last_hash, last_event_id)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', NULL);

CREATE TABLE application_assignees (
    application_id TEXT NOT NULL REFERENCES applications (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    assigned_by TEXT REFERENCES users (id),
    assigned_at TIMESTAMP NOT NULL,
    PRIMARY KEY (application_id, user_id)
);
CREATE INDEX application_assignees_user_idx ON application_assignees (user_id, application_id);

-- One scorecard per reviewer and application, each criterion scored 1..5.
CREATE TABLE scorecards (
    application_id TEXT NOT NULL REFERENCES applications (id),
    reviewer_id TEXT NOT NULL REFERENCES users (id),
    district_resources INTEGER NOT NULL CHECK (district_resources BETWEEN 1 AND 5),
    customer_resources INTEGER NOT NULL CHECK (customer_resources BETWEEN 1 AND 5),
    nev_experience INTEGER NOT NULL CHECK (nev_experience BETWEEN 1 AND 5),
    after_sales INTEGER NOT NULL CHECK (after_sales BETWEEN 1 AND 5),
    financial_strength INTEGER NOT NULL CHECK (financial_strength BETWEEN 1 AND 5),
    recommendation TEXT NOT NULL
        CHECK (recommendation IN ('strong_yes', 'yes', 'no', 'strong_no')),
    comment TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (application_id, reviewer_id)
);

-- Events for integrators, written in the transaction of the change they report; the webhook
-- dispatcher fans them out to subscriptions and marks them dispatched.
CREATE TABLE webhook_events (
    id TEXT PRIMARY KEY,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    dispatched_at TIMESTAMP
);
CREATE INDEX webhook_events_pending_idx ON webhook_events (created_at) WHERE dispatched_at IS NULL;
