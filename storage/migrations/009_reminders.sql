-- What to say, rendered at send time: an outbox row may hold a catalog key with its arguments
-- and its buttons (label keys) instead of ready text, so it reaches a person in the language
-- they have when it is sent. `text` stays '' for such rows.
ALTER TABLE outbox ADD COLUMN text_key TEXT;
ALTER TABLE outbox ADD COLUMN text_args TEXT;   -- JSON object of the key's arguments
ALTER TABLE outbox ADD COLUMN buttons TEXT;     -- JSON rows of {label, args, data | url}

-- The reminders a person switched off, per kind: checked inside each set-based "what is due"
-- query (NOT EXISTS on the primary key), so a switch costs no query per person.
CREATE TABLE reminder_switches (
    person_id INTEGER NOT NULL REFERENCES people (id),
    kind      TEXT    NOT NULL,
    enabled   INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    PRIMARY KEY (person_id, kind)
) WITHOUT ROWID;

-- Where the scheduler's tick got to: the next tick looks for what fell due since then, so a
-- bot stopped for a day finds that day's work and a tick with nothing new reads nothing.
CREATE TABLE scheduler_marks (
    name        TEXT PRIMARY KEY,
    done_until  TEXT NOT NULL                    -- UTC: everything due up to here is queued
) WITHOUT ROWID;

-- Milestones on review for days, and proposals left unanswered, found by moment.
CREATE INDEX milestones_submitted ON milestones (status, submitted_at);
CREATE INDEX meetings_status_updated ON meetings (status, updated_at);
