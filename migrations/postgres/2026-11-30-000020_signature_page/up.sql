-- The signature page of a signed letter of intent: made when the letter is signed, kept as fixed
-- bytes with their SHA-256, like the letter itself. Letters signed before have none.
ALTER TABLE lois ADD COLUMN signature_page_html TEXT;
ALTER TABLE lois ADD COLUMN signature_page_sha256 TEXT;
