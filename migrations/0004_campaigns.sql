-- Drip campaigns: a course sent a lesson at a time on a schedule, to a channel or to members by DM.
-- Dates (starts_on, ends_on, due_on) are local calendar dates in the campaign's time zone.
CREATE TABLE campaigns (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    name         TEXT NOT NULL,
    course_id    TEXT NOT NULL,
    -- 'channel': one post per slot in the channel; 'members': each member by DM, at their own pace
    target_kind  TEXT NOT NULL CHECK (target_kind IN ('channel', 'members')),
    channel      TEXT,
    cron         TEXT NOT NULL,
    time_zone    TEXT NOT NULL,
    -- 1: each learner's slots are in their own time zone when the platform knows it
    learner_zone INTEGER NOT NULL DEFAULT 0,
    starts_on    TEXT NOT NULL,
    ends_on      TEXT,
    due_on       TEXT,
    state        TEXT NOT NULL CHECK (state IN ('draft', 'active', 'paused', 'finished')),
    when_done    TEXT NOT NULL CHECK (when_done IN ('finish', 'wait')),
    catch_up     TEXT NOT NULL CHECK (catch_up IN ('skip', 'once')),
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    -- DM campaigns with a channel: when its current members were enrolled (NULL: not yet)
    roster_synced_at TEXT,
    UNIQUE (tenant_id, name)
);

-- One row per channel or member a campaign sends to: its own cursor and its next fire time
-- (the scheduler's persisted jobs: it sleeps until the earliest next_due_at).
CREATE TABLE campaign_recipients (
    id               INTEGER PRIMARY KEY,
    campaign_id      INTEGER NOT NULL REFERENCES campaigns (id),
    recipient_kind   TEXT NOT NULL CHECK (recipient_kind IN ('member', 'channel')),
    recipient        TEXT NOT NULL,
    member_id        INTEGER REFERENCES members (id),
    state            TEXT NOT NULL CHECK (state IN ('active', 'done')),
    next_due_at      TEXT,
    last_sent_at     TEXT,
    lessons_sent     INTEGER NOT NULL DEFAULT 0,
    next_reminder_at TEXT,
    reminders_sent   INTEGER NOT NULL DEFAULT 0,
    enrolled_at      TEXT NOT NULL,
    UNIQUE (campaign_id, recipient_kind, recipient)
);
CREATE INDEX campaign_recipients_due ON campaign_recipients (next_due_at);
CREATE INDEX campaign_recipients_reminder ON campaign_recipients (next_reminder_at);

-- A learner's own holds on campaign DMs (/nibble pause, /nibble snooze).
ALTER TABLE members ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN snoozed_until TEXT;

-- Per-tenant settings changed from chat; NULL means the configured default.
CREATE TABLE tenant_settings (
    tenant_id   INTEGER PRIMARY KEY REFERENCES tenants (id),
    quiet_hours TEXT
);

-- Which delivery an outbox row belongs to, so a fan-out's progress can be counted.
ALTER TABLE outbox ADD COLUMN delivery_id INTEGER REFERENCES deliveries (id);
CREATE INDEX outbox_by_delivery ON outbox (delivery_id);
