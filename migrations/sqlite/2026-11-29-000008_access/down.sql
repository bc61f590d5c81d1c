DROP TABLE scorecard_versions;
ALTER TABLE scorecards DROP COLUMN locked_at;
