-- When each application entered its current status: the staff queue's order and the start of
-- its SLA. Backfilled from the latest event into that status, else the last change.
ALTER TABLE applications ADD COLUMN status_since TIMESTAMP;
UPDATE applications SET status_since = COALESCE(
    (SELECT e.at FROM application_events e
      WHERE e.application_id = applications.id AND e.to_status = applications.status
      ORDER BY e.seq DESC LIMIT 1),
    updated_at);
ALTER TABLE applications ALTER COLUMN status_since SET NOT NULL;
CREATE INDEX applications_waiting_idx ON applications (status_since, id);

-- How many days staff have for an application in each status that waits on them; one version
-- for the whole document (every row carries it), admin-tunable.
CREATE TABLE sla_days (
    status TEXT PRIMARY KEY,
    days INTEGER NOT NULL CHECK (days BETWEEN 1 AND 365),
    version INTEGER NOT NULL,
    updated_by TEXT REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO sla_days (status, days, version, updated_at) VALUES
    ('submitted', 2, 1, CURRENT_TIMESTAMP AT TIME ZONE 'UTC'),
    ('under_review', 10, 1, CURRENT_TIMESTAMP AT TIME ZONE 'UTC'),
    ('shortlisted', 7, 1, CURRENT_TIMESTAMP AT TIME ZONE 'UTC'),
    ('loi_signed', 5, 1, CURRENT_TIMESTAMP AT TIME ZONE 'UTC');

-- The daily digest: whether staff want it, and the last China date whose digest was done, so
-- that of several processes only one sends a person's day.
ALTER TABLE users ADD COLUMN daily_digest BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN digest_sent_on DATE;
