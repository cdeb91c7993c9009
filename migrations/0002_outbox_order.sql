-- Messages to one destination are sent in order: the claim looks for earlier unsent rows per destination.
CREATE INDEX outbox_by_destination ON outbox (tenant_id, destination, id);
