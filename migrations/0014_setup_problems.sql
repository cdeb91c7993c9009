-- The last failed outbox row a team lead has been told about: failed sends since then (a missing
-- scope or permission, a channel nibble is not in) are shown to the next team lead who uses nibble.
ALTER TABLE tenant_settings ADD COLUMN problems_shown_through INTEGER;
