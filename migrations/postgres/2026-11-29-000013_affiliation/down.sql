-- Forward-only: confirmed affiliations and relationship evidence stay.
SELECT 1;
