-- The effectiveness questionnaires (regulation/practice.md, "Effectiveness"): one form per pair,
-- round and side. A round is 'mid' (mid-period), 'final' (a week before the end) or
-- 'asked:<local date>' (an admin asked from the pair's card). The mentee rates the mentor's
-- support, the mentor the mentee's progress; the items are bot/domain/feedback.py's.
CREATE TABLE feedback_forms (
    id          INTEGER PRIMARY KEY,
    pair_id     INTEGER NOT NULL REFERENCES pairs (id),
    round       TEXT    NOT NULL,
    side        TEXT    NOT NULL CHECK (side IN ('mentee', 'mentor')),
    person_id   INTEGER NOT NULL REFERENCES people (id),  -- who answers it
    status      TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    comment     TEXT,
    shared      INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),  -- the mentor may read it
    opened_at   TEXT    NOT NULL,                            -- UTC
    answered_at TEXT,                                        -- UTC, when done
    UNIQUE (pair_id, round, side)
);
CREATE INDEX feedback_forms_open ON feedback_forms (status, opened_at);
CREATE INDEX feedback_forms_answered ON feedback_forms (answered_at);

CREATE TABLE feedback_scores (
    form_id INTEGER NOT NULL REFERENCES feedback_forms (id),
    item    TEXT    NOT NULL,
    score   INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    PRIMARY KEY (form_id, item)
);

-- A pair's middle day, when its mid-period round opens: bot/domain/feedback.py `mid_day` (the
-- start plus half its days, rounded down) in SQL, as tests/unit/test_rules_sql.py checks; a
-- virtual column with an index, so the tick finds the pairs whose day it is by a range.
ALTER TABLE pairs ADD COLUMN midpoint TEXT GENERATED ALWAYS AS (
    date(start_date, '+' || CAST((julianday(end_date) - julianday(start_date)) / 2 AS INTEGER)
    || ' days')
) VIRTUAL;
CREATE INDEX pairs_status_midpoint ON pairs (status, midpoint);
