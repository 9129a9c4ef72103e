-- A reminder that no longer holds after a moment ("in an hour" once the meeting began,
-- "tomorrow" on the day itself): the sender skips a row whose stale_at has passed, whether
-- quiet hours held it or the bot was down. NULL: it holds whenever it goes.
ALTER TABLE outbox ADD COLUMN stale_at TEXT;   -- UTC
