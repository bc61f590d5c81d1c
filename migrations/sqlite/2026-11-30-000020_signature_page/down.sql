-- Forward-only: signature pages are kept.
SELECT 1;
