-- Exits: an admin may rescind an offered letter (`loi_rescinded`) or terminate a partnership
-- (`terminated`). Neither is live, so the group may apply for the city again; and a letter may
-- close as `rescinded`. Places are counted in store points from the letters' `stores` when they
-- are read, so no stored figure needs migrating.
DROP INDEX applications_one_live_idx;
CREATE UNIQUE INDEX applications_one_live_idx ON applications (dealer_group_id, city_code)
    WHERE status NOT IN ('rejected', 'withdrawn', 'loi_declined', 'loi_expired', 'loi_rescinded', 'terminated');

-- SQLite cannot change a CHECK constraint: the table is rebuilt, its rows copied as they are.
-- No table refers to lois, so dropping the old one checks no foreign key.
CREATE TABLE lois_new (
    application_id TEXT PRIMARY KEY REFERENCES applications (id),
    status TEXT NOT NULL
        CHECK (status IN ('offered', 'signed', 'declined', 'expired', 'withdrawn', 'rescinded')),
    valid_days INTEGER NOT NULL,
    stores INTEGER NOT NULL,
    terms_note TEXT,
    issued_by TEXT NOT NULL REFERENCES users (id),
    issued_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    document_html TEXT NOT NULL,
    document_sha256 TEXT NOT NULL,
    reminder_sent_at TIMESTAMP,
    signed_at TIMESTAMP,
    signer_user_id TEXT REFERENCES users (id),
    signer_name TEXT,
    signer_title TEXT,
    signer_address TEXT,
    signer_user_agent TEXT,
    closed_at TIMESTAMP
);
INSERT INTO lois_new (
    application_id, status, valid_days, stores, terms_note, issued_by, issued_at, expires_at,
    document_html, document_sha256, reminder_sent_at, signed_at, signer_user_id, signer_name,
    signer_title, signer_address, signer_user_agent, closed_at
)
SELECT
    application_id, status, valid_days, stores, terms_note, issued_by, issued_at, expires_at,
    document_html, document_sha256, reminder_sent_at, signed_at, signer_user_id, signer_name,
    signer_title, signer_address, signer_user_agent, closed_at
FROM lois;
DROP TABLE lois;
ALTER TABLE lois_new RENAME TO lois;
CREATE INDEX lois_open_expiry_idx ON lois (expires_at) WHERE status = 'offered';
