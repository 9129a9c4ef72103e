-- Meetings of a pair: proposed, then confirmed | declined | cancelled, and after their time
-- held | not_held. Only held meetings count in the journal and its hours.
CREATE TABLE meetings (
    id           INTEGER PRIMARY KEY,
    pair_id      INTEGER NOT NULL REFERENCES pairs (id),
    proposed_by  INTEGER NOT NULL REFERENCES people (id),  -- who waits for the other's answer
    starts_at    TEXT    NOT NULL,                          -- UTC
    duration_min INTEGER NOT NULL DEFAULT 60 CHECK (duration_min BETWEEN 1 AND 720),
    format       TEXT    NOT NULL CHECK (format IN ('consultation', 'mentee_visit',
                 'mentor_visit', 'open_lesson', 'analysis', 'other')),
    topic        TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'confirmed',
                 'declined', 'cancelled', 'held', 'not_held')),
    logged       INTEGER NOT NULL DEFAULT 0 CHECK (logged IN (0, 1)),  -- logged after the fact
    content      TEXT,                                      -- what was done
    result       TEXT,                                      -- result / recommendations
    task         TEXT,                                      -- the task given to the mentee
    revision     INTEGER NOT NULL DEFAULT 0,                -- bumped on each change: old buttons go stale
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);
-- What the scheduler looks for: confirmed meetings by time (reminders, "did it happen?").
CREATE INDEX meetings_status_time ON meetings (status, starts_at);
CREATE INDEX meetings_pair_time ON meetings (pair_id, starts_at);
