-- Forward-only: when applications entered their status, the SLA settings and who reads a digest are kept.
SELECT 1;
