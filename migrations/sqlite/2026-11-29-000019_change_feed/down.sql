-- Forward-only: the feed's numbering is kept.
SELECT 1;
