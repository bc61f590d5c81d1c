-- Finer integrator scopes: reading an application's timeline, documents and messages used to come
-- with `applications:read`; clients that held it keep what they could read.
UPDATE api_clients
SET scopes = scopes || ' events:read documents:read messages:read'
WHERE (' ' || scopes || ' ') LIKE '% applications:read %';

-- The change feed (`GET /api/v1/changes`) lists the events queued for webhooks in the order the
-- dispatcher publishes them: `feed_seq` is given when an event is fanned out, under the lock of
-- the single `change_feed` row, so a reader never sees a later number before an earlier one
-- commits. `pruned_through` is the last number forgotten (events are kept at least 30 days).
ALTER TABLE webhook_events ADD COLUMN feed_seq BIGINT;

UPDATE webhook_events
SET feed_seq = published.n
FROM (
    SELECT id, ROW_NUMBER() OVER (ORDER BY created_at, id) AS n
    FROM webhook_events
    WHERE dispatched_at IS NOT NULL
) AS published
WHERE webhook_events.id = published.id;

-- After the numbering, so that it does not maintain them row by row.
CREATE UNIQUE INDEX webhook_events_feed_seq_idx ON webhook_events (feed_seq);
CREATE INDEX webhook_events_created_idx ON webhook_events (created_at);
-- Events fanned out but not numbered yet: a server of the previous release, still running beside
-- this one during a rolling upgrade, dispatches without numbering; the next dispatch numbers them.
CREATE INDEX webhook_events_unnumbered_idx ON webhook_events (created_at, id) WHERE feed_seq IS NULL;
-- Pruning deletes deliveries by event.
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id);

CREATE TABLE change_feed (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq BIGINT NOT NULL,
    pruned_through BIGINT NOT NULL
);
INSERT INTO change_feed (id, last_seq, pruned_through)
SELECT 1, COALESCE(MAX(feed_seq), 0), 0 FROM webhook_events;
