-- Mail is queued as data (a template and its parameters, as JSON, and the recipient's language)
-- and rendered by the worker when it is sent, outside the transaction that queued it. Rows
-- queued before this change keep their rendered subject and body.
ALTER TABLE mail_outbox
    ALTER COLUMN subject DROP NOT NULL,
    ALTER COLUMN body_text DROP NOT NULL,
    ADD COLUMN locale TEXT,
    ADD COLUMN message TEXT,
    ADD CONSTRAINT mail_outbox_rendered_or_data
        CHECK (message IS NOT NULL OR (subject IS NOT NULL AND body_text IS NOT NULL));
