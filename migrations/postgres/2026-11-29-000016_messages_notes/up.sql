-- Messages between a group's members and the city's staff about one application, and staff's
-- internal notes on it. Neither is an audit event: they are not on the hash chain.

-- `seq` numbers an application's messages in the order they were committed (the writer holds
-- the application's row lock), so that a read mark is a number and not a time.
CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id),
    seq BIGINT NOT NULL,
    author_id TEXT NOT NULL REFERENCES users (id),
    author_side TEXT NOT NULL CHECK (author_side IN ('applicant', 'maker')),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (application_id, seq)
);

-- The application's documents a message points to. No foreign key to `documents`: the owner
-- may still remove a document while the application is editable, and it then drops out of the
-- messages that named it.
CREATE TABLE message_documents (
    message_id TEXT NOT NULL REFERENCES messages (id),
    document_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (message_id, document_id)
);

-- How far each person has read an application's messages: the `seq` of the last one.
CREATE TABLE message_reads (
    application_id TEXT NOT NULL REFERENCES applications (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    last_seq BIGINT NOT NULL,
    read_at TIMESTAMP NOT NULL,
    PRIMARY KEY (application_id, user_id)
);

-- Staff's notes on an application, for staff alone. Append-only.
CREATE TABLE internal_notes (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id),
    author_id TEXT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX internal_notes_application_idx ON internal_notes (application_id, created_at, id);
