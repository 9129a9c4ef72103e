-- How a person's Telegram account was linked matters for admin rights: a bare @username proves
-- nothing (anyone can register one), so a file never makes such a person an admin.
ALTER TABLE people ADD COLUMN linked_by_username INTEGER NOT NULL DEFAULT 0
    CHECK (linked_by_username IN (0, 1));
