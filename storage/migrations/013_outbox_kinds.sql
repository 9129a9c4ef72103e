-- Each row names its kind of notice (bot/domain/notify.py), so switching a kind off in /settings
-- cancels what is queued of it by that name rather than by a key's prefix; the reminders queued
-- before this had their kind only in their key ('remind:<kind>:…').
ALTER TABLE outbox ADD COLUMN kind TEXT;
UPDATE outbox SET kind = substr(key, 8, instr(substr(key, 8), ':') - 1)
    WHERE key LIKE 'remind:%:%';

-- A notice for someone who has never opened the bot is held until their first /start: Telegram
-- would refuse it (403) and the refusal would mark them as having blocked the bot. (An answer
-- to someone who asked for access goes: they wrote to the bot.)
ALTER TABLE outbox ADD COLUMN held INTEGER NOT NULL DEFAULT 0 CHECK (held IN (0, 1));
UPDATE outbox SET held = 1
    WHERE status = 'pending' AND method = 'send' AND key NOT LIKE 'access-request:%:answer'
      AND person_id IN (SELECT id FROM people WHERE first_seen_at IS NULL);

DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (status, held, not_before);
-- A person's rows: released at their first /start, cancelled when they switch a kind off.
CREATE INDEX outbox_person ON outbox (person_id, status);

-- Whoever switched a kind off is left out when notices are queued: read by kind.
CREATE INDEX reminder_switches_off ON reminder_switches (kind, person_id) WHERE enabled = 0;
