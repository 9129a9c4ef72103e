-- The reminders' tick reads the active pairs that start, end or fell quiet in its window, and
-- the admins who want a kind of warning: each by an index rather than a scan of every pair or
-- person (bench/bench_tick.py fails on a scan).
CREATE INDEX pairs_status_start ON pairs (status, start_date);
CREATE INDEX pairs_status_end ON pairs (status, end_date);
CREATE INDEX people_admins ON people (id) WHERE active = 1 AND (is_admin = 1 OR role = 'admin');
