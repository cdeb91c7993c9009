-- Failed sends a team lead has been told about (a missing scope or permission, a channel nibble is
-- not in): the next team lead who uses nibble hears of the others, once. Failures from before this
-- migration are history, not news.
ALTER TABLE outbox ADD COLUMN problem_told INTEGER NOT NULL DEFAULT 0;
UPDATE outbox SET problem_told = 1 WHERE state = 'failed';
CREATE INDEX outbox_untold_failures ON outbox (tenant_id) WHERE state = 'failed' AND problem_told = 0;
