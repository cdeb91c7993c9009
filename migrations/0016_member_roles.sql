-- The roles the platform last gave each member (NULL: never looked up), so that a slow lookup after a
-- restart never downgrades a team lead or a moderator to what the configuration alone says.
ALTER TABLE members ADD COLUMN is_lead INTEGER;
ALTER TABLE members ADD COLUMN is_moderator INTEGER;
