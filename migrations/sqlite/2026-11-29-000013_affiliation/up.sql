-- Affiliations: a group may name the company it belongs to (its parent); an admin confirms the
-- relation after checking the evidence, and a confirmed parent on the ranking list verifies the
-- group's top-100 standing. Staff look for related groups by parent, name, phone and e-mail, so
-- those are columns with indexes (the contact is JSON text otherwise).
ALTER TABLE dealer_groups ADD COLUMN parent_legal_name TEXT;
ALTER TABLE dealer_groups ADD COLUMN parent_uscc TEXT;
-- How `rank_verified` was reached: 'self' (the group's own listing) or 'parent'.
ALTER TABLE dealer_groups ADD COLUMN rank_verified_via TEXT
    CHECK (rank_verified_via IN ('self', 'parent'));
ALTER TABLE dealer_groups ADD COLUMN affiliation_verified_at TIMESTAMP;
ALTER TABLE dealer_groups ADD COLUMN affiliation_verified_by TEXT REFERENCES users (id);
ALTER TABLE dealer_groups ADD COLUMN affiliation_note TEXT;
-- The contact's phone without `+86` and e-mail in lower case, as the Rust side writes them.
-- (SQLite adds a NOT NULL column only with a default; every row gets its value just below.)
ALTER TABLE dealer_groups ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE dealer_groups ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';

UPDATE dealer_groups SET rank_verified_via = 'self' WHERE rank_verified;
UPDATE dealer_groups
SET contact_phone = CASE
        WHEN substr(json_extract(contact, '$.phone'), 1, 3) = '+86'
            THEN substr(json_extract(contact, '$.phone'), 4)
        ELSE json_extract(contact, '$.phone')
    END,
    contact_email = lower(json_extract(contact, '$.email'));

CREATE INDEX dealer_groups_parent_uscc_idx ON dealer_groups (parent_uscc);
CREATE INDEX dealer_groups_contact_phone_idx ON dealer_groups (contact_phone);
CREATE INDEX dealer_groups_contact_email_idx ON dealer_groups (contact_email);

-- Applicants upload the evidence of a relation like any other document. SQLite cannot change a
-- CHECK, so the table is rebuilt (nothing references it; foreign keys are checked at commit).
PRAGMA defer_foreign_keys = ON;
CREATE TABLE documents_new (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id),
    kind TEXT NOT NULL CHECK (
        kind IN ('business_license', 'financial_statement', 'site_lease', 'relationship_evidence', 'other')
    ),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
INSERT INTO documents_new (id, application_id, kind, filename, content_type, size_bytes, sha256, uploaded_by, created_at)
SELECT id, application_id, kind, filename, content_type, size_bytes, sha256, uploaded_by, created_at
FROM documents;
DROP TABLE documents;
ALTER TABLE documents_new RENAME TO documents;
CREATE INDEX documents_application_idx ON documents (application_id, created_at, id);
CREATE INDEX documents_sha256_idx ON documents (sha256);
