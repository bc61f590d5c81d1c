ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_rendered_or_data;
DELETE FROM mail_outbox WHERE subject IS NULL OR body_text IS NULL;
ALTER TABLE mail_outbox
    DROP COLUMN message,
    DROP COLUMN locale,
    ALTER COLUMN body_text SET NOT NULL,
    ALTER COLUMN subject SET NOT NULL;
