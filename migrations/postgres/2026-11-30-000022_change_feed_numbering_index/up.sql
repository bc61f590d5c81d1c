-- The dispatcher numbers the events it has fanned out and not numbered yet, once per event
-- (`change_feed::publish`). The index of the unnumbered events also holds those waiting to be
-- fanned out, so under a burst of writes each numbering read the whole backlog.
CREATE INDEX webhook_events_to_number_idx ON webhook_events (created_at, id)
    WHERE feed_seq IS NULL AND dispatched_at IS NOT NULL;
