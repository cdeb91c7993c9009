-- Each member's DM channel with the bot, as the platform opened it: a campaign opens a DM once,
-- ever (Slack's conversations.open is a Tier 3 method; Discord throttles DM creation).
CREATE TABLE dm_channels (
    member_id  INTEGER NOT NULL PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
    tenant_id  INTEGER NOT NULL REFERENCES tenants(id),
    channel    TEXT NOT NULL,
    opened_at  TEXT NOT NULL
);
