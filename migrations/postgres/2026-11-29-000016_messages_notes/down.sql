-- Forward-only: messages, read marks and internal notes are kept.
SELECT 1;
