-- A message posted into a thread may close it behind itself: after the send the platform locks the
-- thread where it can (Discord), so nobody replies to a discussion a moderator closed.
ALTER TABLE outbox ADD COLUMN lock_thread INTEGER NOT NULL DEFAULT 0;
