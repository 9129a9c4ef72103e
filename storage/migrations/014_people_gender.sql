-- The gender texts agree with when a person's patronymic does not tell it (bot/names.py): 'f' or
-- 'm', from the roster's role word («наставляемая») or set on the person's card; NULL: not known.
ALTER TABLE people ADD COLUMN gender TEXT CHECK (gender IN ('f', 'm'));
-- 1 while the person's name is the one Telegram gave at their first /start (an admin of
-- ADMIN_IDS, an approved request): a roster row for the same account replaces it with the full
-- name without counting as a rename. The people recorded before this keep 0: which of their names
-- came from Telegram is not known.
ALTER TABLE people ADD COLUMN name_from_telegram INTEGER NOT NULL DEFAULT 0;
