-- The running daemon's claim on this database (at most one row): who holds it, and its heartbeat.
-- A second daemon refuses to start while the heartbeat is fresh; a stale one (a crashed daemon) is
-- taken over.
CREATE TABLE daemon_lock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    token TEXT NOT NULL,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL
);
