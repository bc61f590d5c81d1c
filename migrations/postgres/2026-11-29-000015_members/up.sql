-- A group has members, each in a role (owner, editor, signatory) and maybe with a job title;
-- whoever belonged to a group until now was its one owner. `dealer_groups.owner_id` stays as
-- the group's founder.
ALTER TABLE users ADD COLUMN group_role TEXT CHECK (group_role IN ('owner', 'editor', 'signatory'));
ALTER TABLE users ADD COLUMN group_title TEXT;
ALTER TABLE users ADD COLUMN group_joined_at TIMESTAMP;
UPDATE users SET group_role = 'owner',
    group_joined_at = (SELECT created_at FROM dealer_groups WHERE dealer_groups.id = users.dealer_group_id)
    WHERE dealer_group_id IS NOT NULL;
-- A member has a role, and only a member has one. (SQLite cannot add this to a table it has;
-- there the code keeps the two together.)
ALTER TABLE users ADD CONSTRAINT users_group_role_iff_group
    CHECK ((group_role IS NULL) = (dealer_group_id IS NULL));

-- An owner invites an address into the group in a role; the token mailed is stored hashed.
CREATE TABLE group_invitations (
    id TEXT PRIMARY KEY,
    dealer_group_id TEXT NOT NULL REFERENCES dealer_groups (id),
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'signatory')),
    title TEXT,
    token_hash TEXT NOT NULL UNIQUE,
    invited_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    accepted_by TEXT REFERENCES users (id),
    revoked_at TIMESTAMP
);
-- One pending invitation per address and group: inviting again replaces it.
CREATE UNIQUE INDEX group_invitations_one_pending_idx ON group_invitations (dealer_group_id, email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;
