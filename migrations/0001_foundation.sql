-- Foundation schema. Timestamps are UTC RFC 3339 text; ids are integers the database assigns.
-- Portable SQL: a PostgreSQL backend would use BIGINT identity columns for the INTEGER PRIMARY KEYs.

CREATE TABLE tenants (
    id          INTEGER PRIMARY KEY,
    platform    TEXT NOT NULL,
    external_id TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (platform, external_id)
);

CREATE TABLE members (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    external_id  TEXT NOT NULL,
    display_name TEXT NOT NULL,
    time_zone    TEXT,
    created_at   TEXT NOT NULL,
    UNIQUE (tenant_id, external_id)
);

CREATE TABLE courses (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    loaded_at  TEXT NOT NULL
);

CREATE TABLE lessons (
    id           TEXT PRIMARY KEY,
    course_id    TEXT NOT NULL REFERENCES courses (id),
    position     INTEGER NOT NULL,
    title        TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    loaded_at    TEXT NOT NULL
);

-- Every version of a lesson ever loaded, so a delivery can say which text it sent.
CREATE TABLE lesson_versions (
    lesson_id    TEXT NOT NULL REFERENCES lessons (id),
    content_hash TEXT NOT NULL,
    first_seen   TEXT NOT NULL,
    PRIMARY KEY (lesson_id, content_hash)
);

-- One lesson sent to one recipient (a member by DM, or a channel) for one origin
-- ('learn' for pulls, 'demo', 'campaign:<id>' later).
CREATE TABLE deliveries (
    id             INTEGER PRIMARY KEY,
    tenant_id      INTEGER NOT NULL REFERENCES tenants (id),
    origin         TEXT NOT NULL,
    lesson_id      TEXT NOT NULL,
    recipient_kind TEXT NOT NULL CHECK (recipient_kind IN ('member', 'channel')),
    recipient      TEXT NOT NULL,
    member_id      INTEGER REFERENCES members (id),
    content_hash   TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    UNIQUE (tenant_id, origin, lesson_id, recipient_kind, recipient)
);
CREATE INDEX deliveries_by_member ON deliveries (tenant_id, member_id);

-- A posted quiz question. Its id is what button payloads carry: opaque and verified server-side.
CREATE TABLE quiz_prompts (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    delivery_id INTEGER NOT NULL REFERENCES deliveries (id),
    lesson_id   TEXT NOT NULL,
    question_id TEXT NOT NULL,
    -- set for a DM quiz: only this member may answer it
    member_id   INTEGER REFERENCES members (id),
    UNIQUE (delivery_id, question_id)
);

-- The first answer per member and question counts.
CREATE TABLE answers (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    member_id   INTEGER NOT NULL REFERENCES members (id),
    lesson_id   TEXT NOT NULL,
    question_id TEXT NOT NULL,
    prompt_id   INTEGER NOT NULL REFERENCES quiz_prompts (id),
    choice      TEXT NOT NULL,
    -- NULL for a poll (no right answer)
    correct     INTEGER,
    answered_at TEXT NOT NULL,
    UNIQUE (tenant_id, member_id, lesson_id, question_id)
);

CREATE TABLE lesson_completions (
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    member_id    INTEGER NOT NULL REFERENCES members (id),
    lesson_id    TEXT NOT NULL,
    course_id    TEXT NOT NULL,
    completed_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, member_id, lesson_id)
);

-- Append-only; one row per source, so no event can award twice.
CREATE TABLE points_ledger (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id),
    member_id  INTEGER NOT NULL REFERENCES members (id),
    reason     TEXT NOT NULL,
    amount     INTEGER NOT NULL,
    source     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (tenant_id, member_id, source)
);

-- Derived from the ledger in the same transaction as each award.
CREATE TABLE point_totals (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    total     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, member_id)
);

-- Incoming platform events already handled (event_id, envelope_id, interaction id).
CREATE TABLE processed_events (
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    event_key    TEXT NOT NULL,
    processed_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, event_key)
);

-- Messages to send, written in the same transaction as the change that produced them.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants (id),
    dedupe_key      TEXT NOT NULL UNIQUE,
    destination     TEXT NOT NULL,
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    platform_ref    TEXT,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
