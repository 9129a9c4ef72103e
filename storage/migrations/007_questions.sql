-- Questions of a mentee to their mentor, and an outbox that can send a file by Telegram's
-- file_id (a question or an answer with a photo or a document) as a reply to a message.

ALTER TABLE outbox ADD COLUMN file_id TEXT;
ALTER TABLE outbox ADD COLUMN file_kind TEXT CHECK (file_kind IN ('photo', 'document'));
ALTER TABLE outbox ADD COLUMN reply_to_message_id INTEGER;  -- in the recipient's chat

CREATE TABLE questions (
    id                  INTEGER PRIMARY KEY,
    pair_id             INTEGER NOT NULL REFERENCES pairs (id),
    text                TEXT    NOT NULL,
    file_id             TEXT,                   -- a photo or a document, kept by Telegram
    file_kind           TEXT CHECK (file_kind IN ('photo', 'document')),
    ask_message_id      INTEGER,                -- the mentee's own message, the answer replies to it
    status              TEXT    NOT NULL DEFAULT 'open'
                        CHECK (status IN ('open', 'answered', 'resolved')),
    asked_at            TEXT    NOT NULL,       -- UTC
    answer_text         TEXT,
    answer_file_id      TEXT,
    answer_file_kind    TEXT CHECK (answer_file_kind IN ('photo', 'document')),
    answered_by         INTEGER REFERENCES people (id),
    answered_at         TEXT,                   -- UTC
    resolved_at         TEXT,                   -- UTC
    CHECK ((file_id IS NULL) = (file_kind IS NULL)),
    CHECK ((answer_file_id IS NULL) = (answer_file_kind IS NULL)),
    CHECK (status = 'open' OR answered_at IS NOT NULL OR resolved_at IS NOT NULL)
);

-- "Open and asked before X" for the reminders, set-based; the digest counts by asked_at.
CREATE INDEX questions_due ON questions (status, asked_at);
-- A mentor's open questions, oldest first, and a pair's questions.
CREATE INDEX questions_pair ON questions (pair_id, status, asked_at);
