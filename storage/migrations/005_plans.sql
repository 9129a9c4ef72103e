-- Individual development plans: one per pair, milestones with deadlines, the mentee's reports
-- (a file kept as Telegram's file_id) and the decisions on them.

CREATE TABLE plans (
    id          INTEGER PRIMARY KEY,
    pair_id     INTEGER NOT NULL UNIQUE REFERENCES pairs (id),
    status      TEXT    NOT NULL DEFAULT 'draft'
                CHECK (status IN ('draft', 'submitted', 'approved', 'returned')),
    submission  INTEGER NOT NULL DEFAULT 0,   -- times sent to the admins
    comment     TEXT,                         -- the admin's comment when returned
    decided_by  INTEGER REFERENCES people (id),
    decided_at  TEXT,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX plans_status ON plans (status, updated_at);

CREATE TABLE milestones (
    id             INTEGER PRIMARY KEY,
    plan_id        INTEGER NOT NULL REFERENCES plans (id),
    position       INTEGER NOT NULL,
    title          TEXT    NOT NULL,
    due_date       TEXT    NOT NULL,            -- local date, YYYY-MM-DD
    status         TEXT    NOT NULL DEFAULT 'planned'
                   CHECK (status IN ('planned', 'submitted', 'accepted', 'returned')),
    submission     INTEGER NOT NULL DEFAULT 0,  -- the mentee's reports so far
    comment        TEXT,                        -- the mentee's latest report
    file_id        TEXT,
    file_kind      TEXT CHECK (file_kind IN ('photo', 'document')),
    mentor_comment TEXT,
    submitted_at   TEXT,
    decided_at     TEXT
);
CREATE INDEX milestones_plan ON milestones (plan_id, due_date, position);
-- Deadlines due or overdue, and milestones accepted per week, found set-based by the scheduler.
CREATE INDEX milestones_due ON milestones (status, due_date);
CREATE INDEX milestones_decided ON milestones (status, decided_at);

-- Changes made to a plan after its approval: what, by whom and why. Never overwritten.
CREATE TABLE plan_history (
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER NOT NULL REFERENCES plans (id),
    person_id   INTEGER NOT NULL REFERENCES people (id),
    change      TEXT    NOT NULL CHECK (change IN ('add', 'title', 'due', 'remove')),
    title       TEXT    NOT NULL,
    old_value   TEXT,
    new_value   TEXT,
    reason      TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
);
CREATE INDEX plan_history_plan ON plan_history (plan_id, id);
