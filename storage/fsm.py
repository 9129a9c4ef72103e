"""aiogram FSM storage in the bot's own database, so a form in progress survives a restart."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey

from storage.db import Database
from storage.sql import fetch_one


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
    """Writes go to the database at once; states read once are kept in memory as well, since
    aiogram asks for the state of every update and only this process writes them."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._states: dict[str, str | None] = {}

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        text_key = _key(key)
        async with self.db.transaction(bookkeeping=True) as tx:
            await tx.conn.execute(
                "INSERT INTO fsm (key, state) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET state = excluded.state",
                (text_key, value),
            )
        self._states[text_key] = value

    async def get_state(self, key: StorageKey) -> str | None:
        text_key = _key(key)
        if text_key in self._states:
            return self._states[text_key]
        async with self.db.read() as tx:
            row = await fetch_one(tx.conn, "SELECT state FROM fsm WHERE key = ?", (text_key,))
        state = row[0] if row else None
        self._states[text_key] = state
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        # json.dumps refuses what would not come back the same, instead of losing it later.
        text = json.dumps(dict(data), ensure_ascii=False)
        async with self.db.transaction(bookkeeping=True) as tx:
            await tx.conn.execute(
                "INSERT INTO fsm (key, data) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET data = excluded.data",
                (_key(key), text),
            )

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self.db.read() as tx:
            row = await fetch_one(tx.conn, "SELECT data FROM fsm WHERE key = ?", (_key(key),))
        return dict(json.loads(row[0])) if row else {}

    async def close(self) -> None:
        """The database is closed by its owner."""
