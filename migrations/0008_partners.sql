-- Accountability partners: pools per channel, their members, private avoid lists, and every round's
-- groups with their check-in outcome (kept for good, so rounds are explainable).

CREATE TABLE partner_pools (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants (id),
    channel       TEXT NOT NULL,
    -- weekly | biweekly | monthly | a cron expression
    cadence       TEXT NOT NULL,
    time_zone     TEXT NOT NULL,
    group_size    INTEGER NOT NULL CHECK (group_size IN (2, 3)),
    -- set for mentor mode: pairs learners who need help with this course with those who mastered it
    mentor_course TEXT,
    state         TEXT NOT NULL CHECK (state IN ('active', 'stopped')),
    next_round_at TEXT,
    rounds        INTEGER NOT NULL DEFAULT 0,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    UNIQUE (tenant_id, channel)
);
CREATE INDEX partner_pools_next ON partner_pools (next_round_at);

CREATE TABLE partner_members (
    pool_id      INTEGER NOT NULL REFERENCES partner_pools (id),
    member_id    INTEGER NOT NULL REFERENCES members (id),
    joined_at    TEXT NOT NULL,
    paused_until TEXT,
    -- NULL while in the pool
    left_at      TEXT,
    PRIMARY KEY (pool_id, member_id)
);

-- Private and permanent: the member never meets the avoided one.
CREATE TABLE partner_avoids (
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id),
    member_id  INTEGER NOT NULL REFERENCES members (id),
    avoided_id INTEGER NOT NULL REFERENCES members (id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (member_id, avoided_id)
);

CREATE TABLE partner_rounds (
    id         INTEGER PRIMARY KEY,
    pool_id    INTEGER NOT NULL REFERENCES partner_pools (id),
    number     INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    -- when the "did you meet?" check-in goes out; NULL once it has
    checkin_at TEXT,
    UNIQUE (pool_id, number)
);
CREATE INDEX partner_rounds_checkin ON partner_rounds (checkin_at);

CREATE TABLE partner_groups (
    id         INTEGER PRIMARY KEY,
    round_id   INTEGER NOT NULL REFERENCES partner_rounds (id),
    pool_id    INTEGER NOT NULL REFERENCES partner_pools (id),
    -- met | not_yet | skip, from the first check-in answer
    outcome    TEXT CHECK (outcome IN ('met', 'not_yet', 'skip')),
    outcome_at TEXT,
    outcome_by INTEGER REFERENCES members (id)
);

CREATE TABLE partner_group_members (
    group_id  INTEGER NOT NULL REFERENCES partner_groups (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    PRIMARY KEY (group_id, member_id)
);
CREATE INDEX partner_group_members_by_member ON partner_group_members (member_id);
