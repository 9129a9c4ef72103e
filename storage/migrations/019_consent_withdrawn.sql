-- When a person withdrew their consent themselves (/mydata; bot/domain/consent.py withdraw); NULL
-- while it stands. Withdrawing sets consent_version back to 0, so they are asked anew, and holds
-- what is queued for them (storage/outbox.py) until they accept again, which clears this.
ALTER TABLE people ADD COLUMN consent_withdrawn_at TEXT;
