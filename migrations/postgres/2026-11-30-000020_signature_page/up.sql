-- The signature page of a signed letter of intent: made when the letter is signed, kept as fixed
-- bytes with their SHA-256, like the letter itself. Letters signed before have none.
ALTER TABLE lois ADD COLUMN signature_page_html TEXT;
ALTER TABLE lois ADD COLUMN signature_page_sha256 TEXT;
-- The parties as the letter names them (the maker's identity, the group's legal name and USCC,
-- as JSON), kept when it is offered, so that its signature page names the same parties even if
-- the group's identity or the maker's settings change before it is signed.
ALTER TABLE lois ADD COLUMN parties TEXT;
