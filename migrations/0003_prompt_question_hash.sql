-- The question's fingerprint (kind, options, right answers) when its quiz card was posted: a click on
-- a card whose question has since changed is refused rather than graded against different options.
ALTER TABLE quiz_prompts ADD COLUMN question_hash TEXT;
