-- The dispatcher claims the oldest pending rows in id order. An index in (state, id) order lets the
-- claim stop after a batch instead of sorting every pending row (a 50,000-message fan-out made each
-- claim read them all while holding the write lock). next_attempt_at rides along for the due check.
DROP INDEX outbox_due;
CREATE INDEX outbox_claim ON outbox (state, id, next_attempt_at);
