-- A file the bot makes itself (the weekly digest's chart) is queued with the outbox rows that
-- send it: its bytes here, uploaded by the first row sent, then sent on by the file_id
-- Telegram gave it (a chart for twenty admins is uploaded once).
CREATE TABLE uploads (
    id         INTEGER PRIMARY KEY,
    data       BLOB    NOT NULL,
    filename   TEXT    NOT NULL,
    file_id    TEXT,                -- Telegram's, once uploaded
    created_at TEXT    NOT NULL
);
ALTER TABLE outbox ADD COLUMN upload_id INTEGER REFERENCES uploads (id);  -- sent as a photo
