-- Marks a database that `nibble demo` created: the demo replaces only a file carrying this row, never
-- a real nibble database or another program's. Empty in every other database.
CREATE TABLE demo_marker (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    created_at TEXT NOT NULL
);
