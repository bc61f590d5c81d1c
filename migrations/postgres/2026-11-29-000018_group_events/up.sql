-- Every change of a group's membership (invitations, joining, role changes, removals, leaving),
-- kept with the group itself: a group without an application has no timeline to record it in.
-- `subject` is the member's account id, or the invited address for an invitation.
CREATE TABLE group_events (
    id TEXT PRIMARY KEY,
    dealer_group_id TEXT NOT NULL REFERENCES dealer_groups (id),
    at TIMESTAMP NOT NULL,
    actor_id TEXT REFERENCES users (id),
    actor_group_role TEXT,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT
);
CREATE INDEX group_events_group_idx ON group_events (dealer_group_id, at, id);
