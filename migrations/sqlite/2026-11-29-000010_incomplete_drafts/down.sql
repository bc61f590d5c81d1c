-- Forward-only: drafts saved incomplete cannot be made complete again.
SELECT 1;
