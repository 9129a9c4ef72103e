-- The outbox learns to reach a chat that is no person yet (a stranger's access request), to edit
-- a message it sent (every admin's copy of a request), to carry buttons, and to tell a message
-- between people (delivered at once, silently in quiet hours) from a notice (waits till morning).
-- The copies of access requests move here from access_request_messages.

CREATE TABLE outbox_new (
    id              INTEGER PRIMARY KEY,
    key             TEXT    NOT NULL UNIQUE,
    person_id       INTEGER REFERENCES people (id),   -- the recipient, when they are a person
    chat_id         INTEGER,                          -- else the chat itself
    method          TEXT    NOT NULL DEFAULT 'send' CHECK (method IN ('send', 'edit')),
    edit_of         INTEGER REFERENCES outbox_new (id), -- an edit: the message sent by that row
    subject         TEXT,                             -- what it is about, e.g. 'access-request:7'
    personal        INTEGER NOT NULL DEFAULT 0 CHECK (personal IN (0, 1)),
    text            TEXT    NOT NULL,
    markup          TEXT,                             -- an inline keyboard, as JSON
    not_before      TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'failed', 'skipped', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    created_at      TEXT    NOT NULL,
    sent_at         TEXT,
    sent_chat_id    INTEGER,                          -- where it went, for a later edit
    sent_message_id INTEGER,
    CHECK (person_id IS NOT NULL OR chat_id IS NOT NULL),
    CHECK (method = 'send' OR edit_of IS NOT NULL)
);

INSERT INTO outbox_new (id, key, person_id, text, not_before, status, attempts, last_error,
                        created_at, sent_at)
    SELECT id, key, person_id, text, not_before, status, attempts, last_error, created_at, sent_at
    FROM outbox;

INSERT INTO outbox_new (key, person_id, chat_id, subject, personal, text, not_before, status,
                        attempts, created_at, sent_at, sent_chat_id, sent_message_id)
    SELECT 'access-request:' || m.request_id || ':' || m.chat_id,
           (SELECT p.id FROM people p WHERE p.telegram_id = m.chat_id),
           m.chat_id, 'access-request:' || m.request_id, 1, '', r.created_at, 'sent', 1,
           r.created_at, r.created_at, m.chat_id, m.message_id
    FROM access_request_messages m JOIN access_requests r ON r.id = m.request_id
    WHERE m.message_id <> 0;

DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
DROP TABLE access_request_messages;

CREATE INDEX outbox_due ON outbox (status, not_before);
CREATE INDEX outbox_subject ON outbox (subject) WHERE subject IS NOT NULL;
