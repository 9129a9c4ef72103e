-- A pair entered in the bot after it began (the roster imported at deployment, pairs that started
-- in September) is counted from the day it was entered: its meetings and plan before that are on
-- paper. The rule is bot/domain/attention.py `counted_from` (the local day); this column, the
-- same by the UTC day, only narrows the tick's reads to candidates by an index, a day wider on
-- each side, and the rule in Python decides.
ALTER TABLE pairs ADD COLUMN counted_from TEXT
    GENERATED ALWAYS AS (MAX(start_date, date(created_at))) VIRTUAL;
CREATE INDEX pairs_status_counted ON pairs (status, counted_from);
