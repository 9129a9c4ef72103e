-- People, pairs, invites, access requests, the outbox and the FSM store.
-- Times are ISO-8601 UTC strings ("2026-11-27T03:49:00+00:00"); dates are "YYYY-MM-DD".

CREATE TABLE people (
    id            INTEGER PRIMARY KEY,
    full_name     TEXT    NOT NULL,
    name_key      TEXT    NOT NULL,            -- full name, case and spaces normalised
    role          TEXT    NOT NULL CHECK (role IN ('mentee', 'mentor', 'admin')),
    is_admin      INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    department    TEXT,
    username      TEXT,                        -- lower case, without "@"
    telegram_id   INTEGER UNIQUE,
    language      TEXT,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    blocked_at    TEXT,                        -- the person blocked the bot: no pushes
    first_seen_at TEXT,                        -- first /start: the person has opened the bot
    commands_menu TEXT,                        -- the command menu last set for their chat
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX people_name_key ON people (name_key);
CREATE INDEX people_username ON people (username);

CREATE TABLE pairs (
    id               INTEGER PRIMARY KEY,
    mentor_id        INTEGER NOT NULL REFERENCES people (id),
    mentee_id        INTEGER NOT NULL REFERENCES people (id),
    kind             TEXT    NOT NULL CHECK (kind IN ('pedagogical', 'business')),
    start_date       TEXT    NOT NULL,
    end_date         TEXT    NOT NULL,
    order_ref        TEXT,
    status           TEXT    NOT NULL DEFAULT 'active'
                     CHECK (status IN ('active', 'completed', 'ended', 'reassigned')),
    closed_at        TEXT,
    close_reason     TEXT,
    previous_pair_id INTEGER REFERENCES pairs (id),  -- the pair this one took over (reassignment)
    created_by       INTEGER REFERENCES people (id),
    created_at       TEXT    NOT NULL,
    CHECK (mentor_id <> mentee_id),
    CHECK (end_date >= start_date)
);
-- A pair by the order: mentee, mentor and start. A continuation after a reassignment starts on
-- the day of the change and may repeat (A -> B -> A on one day corrects a slip).
CREATE UNIQUE INDEX pairs_identity ON pairs (mentee_id, mentor_id, start_date)
    WHERE previous_pair_id IS NULL;
CREATE UNIQUE INDEX pairs_one_active_per_kind ON pairs (mentee_id, kind) WHERE status = 'active';
CREATE INDEX pairs_mentor ON pairs (mentor_id, status);

CREATE TABLE invites (
    token       TEXT    PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people (id),
    created_by  INTEGER REFERENCES people (id),
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    used_at     TEXT
);
CREATE INDEX invites_person ON invites (person_id);

CREATE TABLE access_requests (
    id            INTEGER PRIMARY KEY,
    telegram_id   INTEGER NOT NULL UNIQUE,
    username      TEXT,
    display_name  TEXT    NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'approved', 'declined')),
    decided_by    INTEGER REFERENCES people (id),
    decided_at    TEXT,
    person_id     INTEGER REFERENCES people (id),
    created_at    TEXT    NOT NULL
);

-- The request message each admin got, so that all of them can be updated after a decision.
CREATE TABLE access_request_messages (
    request_id  INTEGER NOT NULL REFERENCES access_requests (id),
    chat_id     INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    PRIMARY KEY (request_id, chat_id)
);

-- Notifications: written in the transaction that causes them, sent once by the sender.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    key         TEXT    NOT NULL UNIQUE,
    person_id   INTEGER NOT NULL REFERENCES people (id),
    text        TEXT    NOT NULL,
    not_before  TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  TEXT    NOT NULL,
    sent_at     TEXT
);
CREATE INDEX outbox_due ON outbox (status, not_before);

-- aiogram FSM: the key never has NULL parts (NULLs never collide in a UNIQUE key).
CREATE TABLE fsm (
    key    TEXT PRIMARY KEY,
    state  TEXT,
    data   TEXT NOT NULL DEFAULT '{}'
);
