"""003: names normalised as storage.names now does (NFKC, every kind of space one space, zero-width
and bidirectional controls removed): recompute people.full_name and name_key; departments and
orders lose the invisible characters too (clean_text), so a re-import of the same file finds
them unchanged.

Python, not SQL: SQLite has no Unicode normalisation. It uses today's clean_name, which is the
point: the stored keys must match the keys the bot computes for what people type.
"""

from __future__ import annotations

import aiosqlite

from storage.names import clean_name, clean_text, name_key


async def upgrade(conn: aiosqlite.Connection) -> None:
    async with conn.execute("SELECT id, full_name, name_key FROM people") as cursor:
        people = await cursor.fetchall()
    changed = []
    for person_id, full_name, key in people:
        cleaned = clean_name(full_name) or full_name  # a name of invisible characters only stays
        if (cleaned, name_key(cleaned)) != (full_name, key):
            changed.append((cleaned, name_key(cleaned), person_id))
    await conn.executemany("UPDATE people SET full_name = ?, name_key = ? WHERE id = ?", changed)
    async with conn.execute("SELECT id, department FROM people WHERE department IS NOT NULL") as c:
        departments = await c.fetchall()
    await conn.executemany(
        "UPDATE people SET department = ? WHERE id = ?",
        [(clean_text(name) or None, i) for i, name in departments if clean_text(name) != name],
    )
    async with conn.execute("SELECT id, order_ref FROM pairs WHERE order_ref IS NOT NULL") as c:
        orders = await c.fetchall()
    await conn.executemany(
        "UPDATE pairs SET order_ref = ? WHERE id = ?",
        [(clean_text(ref) or None, i) for i, ref in orders if clean_text(ref) != ref],
    )
