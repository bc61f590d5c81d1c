-- Forward-only: a group's membership record is kept.
SELECT 1;
