-- Problems that did not fail a send but that a team lead must hear of, such as a lesson picture
-- shown as a link or its alt text because a scope or permission is missing. Counted per reason
-- until a lead is told; a reason that comes back after that is counted afresh.
CREATE TABLE setup_warnings (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    reason    TEXT NOT NULL,
    count     INTEGER NOT NULL,
    told      INTEGER NOT NULL DEFAULT 0,
    last_at   TEXT NOT NULL,
    PRIMARY KEY (tenant_id, reason)
);
