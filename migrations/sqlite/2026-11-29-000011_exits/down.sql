-- Forward-only: applications that left by an exit have no status to go back to.
SELECT 1;
