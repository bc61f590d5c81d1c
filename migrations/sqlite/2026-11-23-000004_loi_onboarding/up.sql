-- From shortlist to an open store: the applicant's documents, the letter of intent with its
-- signature evidence, and the onboarding checklist.

-- The bytes live under UPLOAD_DIR, named by their SHA-256; this row is what the upload said.
CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id),
    kind TEXT NOT NULL
        CHECK (kind IN ('business_license', 'financial_statement', 'site_lease', 'other')),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX documents_application_idx ON documents (application_id, created_at, id);
CREATE INDEX documents_sha256_idx ON documents (sha256);

-- One letter of intent per application. The document's bytes are fixed when it is offered and
-- its hash is what the applicant signs.
CREATE TABLE lois (
    application_id TEXT PRIMARY KEY REFERENCES applications (id),
    status TEXT NOT NULL CHECK (status IN ('offered', 'signed', 'declined', 'expired', 'withdrawn')),
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
CREATE INDEX lois_open_expiry_idx ON lois (expires_at) WHERE status = 'offered';

CREATE TABLE onboarding_tasks (
    application_id TEXT NOT NULL REFERENCES applications (id),
    code TEXT NOT NULL,
    position INTEGER NOT NULL,
    owner TEXT NOT NULL CHECK (owner IN ('partner', 'maker')),
    due_on DATE NOT NULL,
    done_at TIMESTAMP,
    done_by TEXT REFERENCES users (id),
    note TEXT,
    PRIMARY KEY (application_id, code)
);
