-- Every call the sender makes for an outbox row, and what came of it: recorded in the
-- transaction that changes the row's status. A row 'in_flight' was being sent when the bot
-- stopped: at the next start it becomes 'interrupted' and the row is sent again.

CREATE TABLE outbox_attempts (
    id          INTEGER PRIMARY KEY,
    outbox_id   INTEGER NOT NULL REFERENCES outbox (id),
    at          TEXT    NOT NULL,                 -- when the call was made, UTC
    outcome     TEXT    NOT NULL CHECK (outcome IN (
                    'in_flight', 'sent', 'retry_after', 'server_error', 'network', 'refused',
                    'blocked', 'error', 'interrupted')),
    retry_after INTEGER,                          -- the flood wait Telegram asked for, seconds
    error       TEXT CHECK (length(error) <= 300) -- what Telegram (or the network) said
);
CREATE INDEX outbox_attempts_row ON outbox_attempts (outbox_id);
CREATE INDEX outbox_attempts_in_flight ON outbox_attempts (outcome) WHERE outcome = 'in_flight';
