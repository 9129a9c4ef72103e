"""003: names normalised as bot.text now does (NFKC, every kind of space one space, zero-width
and bidirectional controls removed): recompute people.full_name and name_key.

Python, not SQL: SQLite has no Unicode normalisation. It uses today's clean_name, which is the
point: the stored keys must match the keys the bot computes for what people type.
"""

from __future__ import annotations

import aiosqlite

from bot.text import clean_name, name_key


async def upgrade(conn: aiosqlite.Connection) -> None:
    async with conn.execute("SELECT id, full_name, name_key FROM people") as cursor:
        people = await cursor.fetchall()
    changed = []
    for person_id, full_name, key in people:
        cleaned = clean_name(full_name) or full_name  # a name of invisible characters only stays
        if (cleaned, name_key(cleaned)) != (full_name, key):
            changed.append((cleaned, name_key(cleaned), person_id))
    await conn.executemany("UPDATE people SET full_name = ?, name_key = ? WHERE id = ?", changed)
