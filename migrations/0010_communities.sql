-- Communities of practice: discussion threads the bot opens, the replies members post in them,
-- scheduled prompts, check-ins and digests, stories and questions, and topic suggestions with votes.

-- A message may ask for a thread under it once posted: the dispatcher opens it right after the send
-- and records where its replies live (Slack: the message's ts; Discord: the thread channel's id).
ALTER TABLE outbox ADD COLUMN thread_title TEXT;
ALTER TABLE outbox ADD COLUMN thread_channel TEXT;
ALTER TABLE outbox ADD COLUMN thread_key TEXT;
CREATE INDEX outbox_thread_key ON outbox (thread_key);

-- A thread the bot opened: a prompt, a check-in, a lesson's "discuss this", a story or a question.
CREATE TABLE discussions (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id),
    kind       TEXT NOT NULL CHECK (kind IN ('prompt', 'checkin', 'lesson', 'story', 'question')),
    channel    TEXT NOT NULL,
    title      TEXT NOT NULL,
    -- who started it (a story's or question's author, a moderator's one-off); NULL for schedules
    author_id  INTEGER REFERENCES members (id),
    course_id  TEXT,
    lesson_id  TEXT,
    -- a reply here completes `lesson_id` for its author
    reflection INTEGER NOT NULL DEFAULT 0,
    -- the starter message (its outbox row holds the thread once opened)
    outbox_id  INTEGER NOT NULL REFERENCES outbox (id),
    state      TEXT NOT NULL CHECK (state IN ('open', 'closed')),
    created_at TEXT NOT NULL,
    closed_at  TEXT,
    UNIQUE (outbox_id)
);
CREATE INDEX discussions_by_tenant ON discussions (tenant_id, created_at);

-- One member's reply in a discussion. The text is not kept: its length and times are enough.
-- `points` is what the reply holds in the ledger now; each change appends the difference as
-- ledger source `reply:<id>:<ledger_seq>`, so deletions and moderator removals are visible history.
CREATE TABLE discussion_replies (
    id             INTEGER PRIMARY KEY,
    discussion_id  INTEGER NOT NULL REFERENCES discussions (id),
    tenant_id      INTEGER NOT NULL REFERENCES tenants (id),
    member_id      INTEGER NOT NULL REFERENCES members (id),
    channel        TEXT NOT NULL,
    message_id     TEXT NOT NULL,
    length         INTEGER NOT NULL,
    -- the member's local date it was posted on, for the daily cap
    day            TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    edited_at      TEXT,
    deleted_at     TEXT,
    -- holds one of the member's daily paid slots
    counted        INTEGER NOT NULL DEFAULT 0,
    featured       INTEGER NOT NULL DEFAULT 0,
    -- a moderator took its points away
    points_removed INTEGER NOT NULL DEFAULT 0,
    points         INTEGER NOT NULL DEFAULT 0,
    ledger_seq     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, channel, message_id)
);
CREATE INDEX replies_by_discussion ON discussion_replies (discussion_id);
CREATE INDEX replies_by_member_day ON discussion_replies (tenant_id, member_id, day);

-- Scheduled prompts (a course's prompts.toml or the configured list), check-ins and digests.
CREATE TABLE community_schedules (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id),
    channel    TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('prompts', 'checkins', 'digest')),
    -- prompts: the course whose prompts.toml is used ('' for the configured list)
    course_id  TEXT NOT NULL DEFAULT '',
    cron       TEXT NOT NULL,
    time_zone  TEXT NOT NULL,
    next_at    TEXT,
    -- how many prompts it has posted (the next one is this index, wrapping around)
    position   INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (tenant_id, channel, kind, course_id)
);
CREATE INDEX community_schedules_next ON community_schedules (next_at);

-- Where stories (`/share`) and questions (`/ask`, per course or '' for any) are posted.
CREATE TABLE community_channels (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    role      TEXT NOT NULL CHECK (role IN ('stories', 'qa')),
    course_id TEXT NOT NULL DEFAULT '',
    channel   TEXT NOT NULL,
    PRIMARY KEY (tenant_id, role, course_id)
);

-- Topics members would like lessons on; the same topic twice is a vote.
CREATE TABLE suggestions (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id),
    member_id  INTEGER REFERENCES members (id),
    topic      TEXT NOT NULL,
    topic_key  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (tenant_id, topic_key)
);

CREATE TABLE suggestion_votes (
    suggestion_id INTEGER NOT NULL REFERENCES suggestions (id),
    member_id     INTEGER NOT NULL REFERENCES members (id),
    voted_at      TEXT NOT NULL,
    PRIMARY KEY (suggestion_id, member_id)
);
CREATE INDEX outbox_threads_to_open ON outbox (id) WHERE thread_title IS NOT NULL AND thread_key IS NULL;
