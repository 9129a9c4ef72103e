"""aiogram FSM storage in the bot's own database, so a form in progress survives a restart."""

from __future__ import annotations

import contextvars
import itertools
import json
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey

from storage.db import Database
from storage.sql import fetch_one

EMPTY = "{}"
# Keys (a person in a chat) kept in memory: a college's people several times over. One used less
# recently than these is read again at its next update (one read by primary key).
CACHED_KEYS = 4096


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


@dataclass
class _Form:
    state: str | None = None
    data: str = EMPTY  # JSON text, as stored: a reader gets its own copy
    stored: tuple[str | None, str] = (None, EMPTY)  # what the database holds

    @property
    def current(self) -> tuple[str | None, str]:
        return self.state, self.data


@dataclass
class _Batch:
    keys: set[str] = field(default_factory=set)
    open: bool = True


# The writes of the update being handled (each update runs in its own task and context).
_batch: contextvars.ContextVar[_Batch | None] = contextvars.ContextVar("fsm_batch", default=None)


class SQLiteStorage(BaseStorage):
    """The keys read or written most recently (up to `max_cached`) are kept in memory as well,
    since aiogram asks for the state of every update and only this process writes them; beyond
    that the least recently used are dropped, but never one with a write still due, so memory
    does not grow with every person who ever wrote. Inside `batch()` (the handling of one
    update) the writes reach the database once, at its end, in one transaction: a form step
    that sets its state and updates its data three times costs one write, not four."""

    def __init__(self, db: Database, max_cached: int = CACHED_KEYS) -> None:
        self.db = db
        self.max_cached = max_cached
        self._forms: OrderedDict[str, _Form] = OrderedDict()  # least recently used first
        self._unsaved: set[str] = set()  # changed and not written yet: kept in memory

    @asynccontextmanager
    async def batch(self) -> AsyncIterator[None]:
        batch = _Batch()
        token = _batch.set(batch)
        try:
            yield
        finally:
            # Written even when the handler failed: memory already holds these values, and
            # the database must not disagree with it.
            batch.open = False
            _batch.reset(token)
            await self._write(batch.keys)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        text_key = _key(key)
        form = await self._form(text_key)
        if form.state != value:  # /plan clears a form that is mostly not there: no write
            form.state = value
            await self._changed(text_key)

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._form(_key(key))).state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        # json.dumps refuses what would not come back the same, instead of losing it later.
        text = json.dumps(dict(data), ensure_ascii=False)
        text_key = _key(key)
        form = await self._form(text_key)
        if form.data != text:
            form.data = text
            await self._changed(text_key)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return dict(json.loads((await self._form(_key(key))).data))

    @property
    def cached(self) -> int:
        """Keys held in memory now."""
        return len(self._forms)

    async def close(self) -> None:
        """The database is closed by its owner."""

    async def _form(self, text_key: str) -> _Form:
        form = self._forms.get(text_key)
        if form is not None:
            self._forms.move_to_end(text_key)
            return form
        async with self.db.read() as tx:
            row = await fetch_one(tx.conn, "SELECT state, data FROM fsm WHERE key = ?", (text_key,))
        # Another task of the same key may have filled it while this one waited.
        form = self._forms.get(text_key)
        if form is not None:
            self._forms.move_to_end(text_key)
            return form
        form = self._forms[text_key] = _Form(row[0], row[1], (row[0], row[1])) if row else _Form()
        self._evict(keep=text_key)
        return form

    def _evict(self, keep: str) -> None:
        """Drop the least recently used keys beyond the bound; what memory holds of them is
        what the database holds, so the next read finds the same."""
        over = len(self._forms) - self.max_cached
        if over <= 0:
            return
        idle = (k for k in self._forms if k not in self._unsaved and k != keep)
        for k in list(itertools.islice(idle, over)):
            del self._forms[k]

    async def _changed(self, text_key: str) -> None:
        self._unsaved.add(text_key)
        batch = _batch.get()
        if batch is not None and batch.open:
            batch.keys.add(text_key)
        else:
            await self._write({text_key})

    async def _write(self, keys: set[str]) -> None:
        # A key no longer in memory was dropped clean: the database holds what it held.
        forms = {k: form for k in sorted(keys) if (form := self._forms.get(k)) is not None}
        try:
            # A form opened and closed in one update (a quick /ask) ends as it began: no write.
            changed = {k: form.current for k, form in forms.items() if form.current != form.stored}
            if not changed:
                return
            async with self.db.transaction(bookkeeping=True) as tx:
                await tx.conn.executemany(
                    "INSERT INTO fsm (key, state, data) VALUES (?, ?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET state = excluded.state, data = excluded.data",
                    [(k, state, data) for k, (state, data) in changed.items()],
                )
            for k, now in changed.items():
                forms[k].stored = now
        finally:
            # A failed write leaves them unsaved (memory ahead of the database, as before).
            self._unsaved.difference_update(
                k for k, form in forms.items() if form.current == form.stored
            )
