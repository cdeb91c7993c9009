-- Retention: spaced-repetition review cards and their answers, learners' review times and vacations,
-- diagnostic answers and the lessons they let a learner skip.

-- One card per learner and graded question, with its FSRS memory state.
CREATE TABLE review_cards (
    id             INTEGER PRIMARY KEY,
    tenant_id      INTEGER NOT NULL REFERENCES tenants (id),
    member_id      INTEGER NOT NULL REFERENCES members (id),
    lesson_id      TEXT NOT NULL,
    question_id    TEXT NOT NULL,
    state          INTEGER NOT NULL,
    stability      REAL NOT NULL,
    difficulty     REAL NOT NULL,
    elapsed_days   INTEGER NOT NULL,
    scheduled_days INTEGER NOT NULL,
    reps           INTEGER NOT NULL,
    lapses         INTEGER NOT NULL,
    due_at         TEXT NOT NULL,
    last_review_at TEXT NOT NULL,
    -- set once the card is stable enough that it is no longer reviewed
    retired_at     TEXT,
    UNIQUE (tenant_id, member_id, lesson_id, question_id)
);
-- A member's due cards are read through the unique index's (tenant_id, member_id) prefix: a learner
-- has at most a few hundred, and one index less keeps the fold's inserts cheap.

-- A card sent for review; its id is what the review buttons carry.
CREATE TABLE review_prompts (
    id        INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    card_id   INTEGER NOT NULL REFERENCES review_cards (id),
    -- the learner's local date it was sent on (the daily cap counts these)
    sent_on   TEXT NOT NULL,
    sent_at   TEXT NOT NULL,
    -- the question's fingerprint when sent: a click after its options changed is refused
    question_hash TEXT NOT NULL
);
CREATE INDEX review_prompts_by_member ON review_prompts (member_id, sent_on);

-- Append-only: one answer per review prompt (the recognition fold reads it past its cursor).
CREATE TABLE review_answers (
    id             INTEGER PRIMARY KEY,
    tenant_id      INTEGER NOT NULL REFERENCES tenants (id),
    member_id      INTEGER NOT NULL REFERENCES members (id),
    prompt_id      INTEGER NOT NULL UNIQUE REFERENCES review_prompts (id),
    card_id        INTEGER NOT NULL REFERENCES review_cards (id),
    choice         TEXT NOT NULL,
    correct        INTEGER NOT NULL,
    -- the interval (days) the card got from this review
    scheduled_days INTEGER NOT NULL,
    answered_at    TEXT NOT NULL
);

-- When each learner with cards gets their daily review DM.
CREATE TABLE review_schedules (
    member_id    INTEGER PRIMARY KEY REFERENCES members (id),
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    -- HH:MM in the learner's zone; NULL: the configured default
    review_time  TEXT,
    -- NULL: the learner turned reviews off
    next_at      TEXT,
    last_sent_on TEXT
);
CREATE INDEX review_schedules_next ON review_schedules (next_at);

-- Vacations hold reviews and streaks: local dates in the learner's calendar, both ends included.
CREATE TABLE vacations (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    first_day TEXT NOT NULL,
    last_day  TEXT NOT NULL,
    ends_at   TEXT NOT NULL,
    PRIMARY KEY (member_id, first_day)
);

-- Diagnostic answers (first answer counts), kept apart from lesson answers so they do not count as
-- learning or accuracy.
CREATE TABLE diagnostic_answers (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    member_id   INTEGER NOT NULL REFERENCES members (id),
    course_id   TEXT NOT NULL,
    question_id TEXT NOT NULL,
    prompt_id   INTEGER NOT NULL REFERENCES quiz_prompts (id),
    choice      TEXT NOT NULL,
    correct     INTEGER NOT NULL,
    answered_at TEXT NOT NULL,
    UNIQUE (tenant_id, member_id, course_id, question_id)
);

-- Lessons a diagnostic showed the learner already masters: campaigns and /learn pass over them.
CREATE TABLE lesson_skips (
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id),
    member_id  INTEGER NOT NULL REFERENCES members (id),
    lesson_id  TEXT NOT NULL,
    course_id  TEXT NOT NULL,
    skipped_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, member_id, lesson_id)
);

ALTER TABLE recognition_cursor ADD COLUMN review_answer_id INTEGER NOT NULL DEFAULT 0;
