-- Recognition: learning days (streaks), badges, leaderboard standings derived from the points ledger.

-- The learner's local calendar day of each learning activity, fixed when it is recorded: changing a
-- time zone later never rewrites past days, so never breaks a streak retroactively.
CREATE TABLE learning_days (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    day       TEXT NOT NULL,
    PRIMARY KEY (tenant_id, member_id, day)
);

CREATE TABLE badges_awarded (
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id),
    member_id  INTEGER NOT NULL REFERENCES members (id),
    badge_id   TEXT NOT NULL,
    awarded_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, member_id, badge_id)
);

ALTER TABLE members ADD COLUMN leaderboard_hidden INTEGER NOT NULL DEFAULT 0;
-- Where the points were earned (a channel quiz), for per-channel leaderboards; NULL for DMs.
ALTER TABLE points_ledger ADD COLUMN channel TEXT;
CREATE INDEX ledger_by_channel ON points_ledger (tenant_id, channel, created_at);

-- Per-tenant settings team leads change from chat (NULL: the configured default).
ALTER TABLE tenant_settings ADD COLUMN time_zone TEXT;
ALTER TABLE tenant_settings ADD COLUMN leaderboards_off INTEGER;
ALTER TABLE tenant_settings ADD COLUMN exclude_weekends INTEGER;

-- Points per member and period ("w2026-03-02" weeks and "m2026-03" months in the tenant's zone,
-- "all"), folded from the ledger after each batch of work (never on the click's own path).
CREATE TABLE standings (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    period    TEXT NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members (id),
    points    INTEGER NOT NULL,
    hidden    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, period, member_id)
);
-- The top of a board in order: most points first, ties to the member who joined first.
CREATE INDEX standings_ranked ON standings (tenant_id, period, hidden, points DESC, member_id);

-- How many visible members have each points value, per period: a rank is a sum over a few hundred
-- values instead of a count over every member above.
CREATE TABLE standings_histogram (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    period    TEXT NOT NULL,
    points    INTEGER NOT NULL,
    members   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, period, points)
);

-- How far the ledger and the answers have been folded into standings, days and badges.
CREATE TABLE recognition_cursor (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    ledger_id      INTEGER NOT NULL,
    answer_id      INTEGER NOT NULL,
    completion_at  TEXT NOT NULL
);
INSERT INTO recognition_cursor (id, ledger_id, answer_id, completion_at) VALUES (1, 0, 0, '');
