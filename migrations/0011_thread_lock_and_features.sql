-- A message posted into a thread may close it behind itself: after the send the platform locks the
-- thread where it can (Discord), so nobody replies to a discussion a moderator closed.
ALTER TABLE outbox ADD COLUMN lock_thread INTEGER NOT NULL DEFAULT 0;

-- Who features a reply: a moderator's reaction (its name) or a command ('command'). The reply stays
-- featured while any remains, so one moderator taking their star back leaves another's standing.
CREATE TABLE reply_features (
    reply_id  INTEGER NOT NULL REFERENCES discussion_replies (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    reaction  TEXT NOT NULL,
    PRIMARY KEY (reply_id, member_id, reaction)
);

-- Messages deleted in a discussion's channel before their own event was handled (events are
-- handled concurrently): a reply arriving after its deletion is recorded as deleted.
CREATE TABLE deleted_messages (
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id),
    channel    TEXT NOT NULL,
    message_id TEXT NOT NULL,
    deleted_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, channel, message_id)
);
