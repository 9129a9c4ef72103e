"""aiogram FSM storage in the bot's own database, so a form in progress survives a restart."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey

from storage.db import Database


def _key(key: StorageKey) -> str:
    # Every part is non-null: NULLs never collide in SQLite's UNIQUE key.
    return ":".join(
        str(part)
        for part in (
            key.bot_id,
            key.chat_id,
            key.user_id,
            key.thread_id or 0,
            key.business_connection_id or "",
            key.destiny,
        )
    )


class SQLiteStorage(BaseStorage):
    def __init__(self, db: Database) -> None:
        self.db = db

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        async with self.db.transaction() as tx:
            await tx.conn.execute(
                "INSERT INTO fsm (key, state) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET state = excluded.state",
                (_key(key), value),
            )

    async def get_state(self, key: StorageKey) -> str | None:
        async with self.db.snapshot() as tx:
            async with tx.conn.execute("SELECT state FROM fsm WHERE key = ?", (_key(key),)) as cur:
                row = await cur.fetchone()
        return row[0] if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        # json.dumps refuses what would not come back the same, instead of losing it later.
        text = json.dumps(dict(data), ensure_ascii=False)
        async with self.db.transaction() as tx:
            await tx.conn.execute(
                "INSERT INTO fsm (key, data) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET data = excluded.data",
                (_key(key), text),
            )

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self.db.snapshot() as tx:
            async with tx.conn.execute("SELECT data FROM fsm WHERE key = ?", (_key(key),)) as cur:
                row = await cur.fetchone()
        return dict(json.loads(row[0])) if row else {}

    async def close(self) -> None:
        """The database is closed by its owner."""
