-- The terms of the 2S partnership an applicant accepts (a JSON array of codes); applications
-- made before have accepted none and must tick them before they are submitted again.
ALTER TABLE applications ADD COLUMN acknowledgements TEXT NOT NULL DEFAULT '[]';

-- After a group's first submission its legal name and USCC change only through a request an
-- admin decides; each request keeps the identity it would replace.
CREATE TABLE identity_changes (
    id TEXT PRIMARY KEY,
    dealer_group_id TEXT NOT NULL REFERENCES dealer_groups (id),
    from_legal_name TEXT NOT NULL,
    from_uscc TEXT NOT NULL,
    legal_name TEXT NOT NULL,
    uscc TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    requested_by TEXT NOT NULL REFERENCES users (id),
    requested_at TIMESTAMP NOT NULL,
    decided_by TEXT REFERENCES users (id),
    decided_at TIMESTAMP,
    decision_reason TEXT
);
CREATE INDEX identity_changes_group_idx ON identity_changes (dealer_group_id, requested_at);
-- One pending request per group: two owners' tabs racing get one request and one 409.
CREATE UNIQUE INDEX identity_changes_one_pending_idx ON identity_changes (dealer_group_id)
    WHERE status = 'pending';
