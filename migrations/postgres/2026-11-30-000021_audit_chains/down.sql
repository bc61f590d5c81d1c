-- Forward-only: the per-application chains and their checkpoints are kept.
SELECT 1;
