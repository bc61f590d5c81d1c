-- Affiliations: a group may name the company it belongs to (its parent); an admin confirms the
-- relation after checking the evidence, and a confirmed parent on the ranking list verifies the
-- group's top-100 standing. Staff look for related groups by parent, name, phone and e-mail, so
-- those are columns with indexes (the contact is JSON text otherwise).
ALTER TABLE dealer_groups
    ADD COLUMN parent_legal_name TEXT,
    ADD COLUMN parent_uscc TEXT,
    -- How `rank_verified` was reached: 'self' (the group's own listing) or 'parent'.
    ADD COLUMN rank_verified_via TEXT CHECK (rank_verified_via IN ('self', 'parent')),
    ADD COLUMN affiliation_verified_at TIMESTAMP,
    ADD COLUMN affiliation_verified_by TEXT REFERENCES users (id),
    ADD COLUMN affiliation_note TEXT,
    -- The contact's phone without `+86` and e-mail in lower case, as the Rust side writes them.
    ADD COLUMN contact_phone TEXT,
    ADD COLUMN contact_email TEXT;

UPDATE dealer_groups SET rank_verified_via = 'self' WHERE rank_verified;
UPDATE dealer_groups
SET contact_phone = CASE
        WHEN substr(contact::json ->> 'phone', 1, 3) = '+86' THEN substr(contact::json ->> 'phone', 4)
        ELSE contact::json ->> 'phone'
    END,
    contact_email = lower(contact::json ->> 'email');
ALTER TABLE dealer_groups
    ALTER COLUMN contact_phone SET NOT NULL,
    ALTER COLUMN contact_email SET NOT NULL;

CREATE INDEX dealer_groups_parent_uscc_idx ON dealer_groups (parent_uscc);
CREATE INDEX dealer_groups_contact_phone_idx ON dealer_groups (contact_phone);
CREATE INDEX dealer_groups_contact_email_idx ON dealer_groups (contact_email);

-- Applicants upload the evidence of a relation like any other document.
ALTER TABLE documents DROP CONSTRAINT documents_kind_check;
ALTER TABLE documents ADD CONSTRAINT documents_kind_check CHECK (
    kind IN ('business_license', 'financial_statement', 'site_lease', 'relationship_evidence', 'other')
);
