-- How far learning events have been exported as xAPI statements (answers, ledger completions and
-- lesson deliveries are read past these ids, so the export never blocks the bot and resumes after
-- a restart where it stopped).
CREATE TABLE xapi_cursor (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    answer_id   INTEGER NOT NULL,
    ledger_id   INTEGER NOT NULL,
    delivery_id INTEGER NOT NULL
);
INSERT INTO xapi_cursor (id, answer_id, ledger_id, delivery_id) VALUES (1, 0, 0, 0);
