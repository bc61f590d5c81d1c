-- The audit trail becomes one hash chain per application, anchored in a global chain of
-- checkpoints, so that appends to different applications no longer queue on one head row.
--
-- Events so far form the one global chain of before; it is kept as it is, ends at the frozen
-- `audit_chain_head`, and is still walked by `GET /audit/verify`. Each event now also has its
-- place in its application's chain (`app_seq`, from 1); an application's later events link to its
-- own previous event, whichever chain that one was made in.
ALTER TABLE application_events ADD COLUMN app_seq BIGINT NOT NULL DEFAULT 0;
UPDATE application_events SET app_seq = numbered.app_seq
FROM (
    SELECT id, row_number() OVER (PARTITION BY application_id ORDER BY seq) AS app_seq
    FROM application_events
) AS numbered
WHERE numbered.id = application_events.id;
CREATE UNIQUE INDEX application_events_app_seq_idx ON application_events (application_id, app_seq);

-- The end of each application's chain. Appending locks only this row, and verify notices a
-- removed newest event by it.
CREATE TABLE audit_heads (
    application_id TEXT PRIMARY KEY REFERENCES applications (id),
    last_app_seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL,
    last_event_id TEXT NOT NULL
);
INSERT INTO audit_heads (application_id, last_app_seq, last_hash, last_event_id)
SELECT e.application_id, e.app_seq, e.hash, e.id
FROM application_events e
WHERE e.app_seq = (SELECT max(x.app_seq) FROM application_events x WHERE x.application_id = e.application_id);

-- Every so often (housekeeping) a checkpoint seals the events up to `through_seq`: for each
-- application with events since the previous checkpoint, its newest one (`audit_checkpoint_heads`).
-- Each checkpoint's hash covers those and the previous checkpoint's hash (the first one's, the
-- frozen global chain's head), so removing an application's newest events and rewinding its head
-- still breaks a sealed checkpoint.
CREATE TABLE audit_checkpoints (
    seq BIGINT PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    through_seq BIGINT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE audit_checkpoint_heads (
    checkpoint_seq BIGINT NOT NULL REFERENCES audit_checkpoints (seq),
    application_id TEXT NOT NULL,
    app_seq BIGINT NOT NULL,
    event_id TEXT NOT NULL,
    event_hash TEXT NOT NULL,
    PRIMARY KEY (checkpoint_seq, application_id)
);
