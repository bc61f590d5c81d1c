-- Forward-only: acknowledgements given and identity changes decided are kept.
SELECT 1;
