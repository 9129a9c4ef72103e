-- A person's consent to what the bot stores about them: the version of the text they accepted
-- (bot/domain/rules.py CONSENT_VERSION; 0: none yet) and when. Until they accept the current
-- version, nothing is sent to them and only /start, /mydata and /cancel answer (/help shows the text).
ALTER TABLE people ADD COLUMN consent_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN consent_at TEXT;
