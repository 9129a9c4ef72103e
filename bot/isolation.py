"""One person's updates handled one after another, with no lock kept for anyone idle."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey


@dataclass
class _KeyLock:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0  # updates holding or waiting for the lock


class PerKeyIsolation(BaseEventIsolation):
    """aiogram's SimpleEventIsolation keeps a lock for every key (a person in a chat) it ever
    saw, for as long as the process lives; here a key's lock lives only while an update holds
    it or waits for it. The next update of an idle person gets a fresh lock: nobody held the
    old one, so their updates are still handled in order, one at a time."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, _KeyLock] = {}

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        entry = self._locks.get(key)
        if entry is None:
            entry = self._locks[key] = _KeyLock()
        entry.users += 1
        try:
            async with entry.lock:
                yield
        finally:
            # Also when cancelled while waiting: a waiter that never got the lock leaves too.
            entry.users -= 1
            if entry.users == 0 and self._locks.get(key) is entry:
                del self._locks[key]

    @property
    def held(self) -> int:
        """Keys with a lock now: those of updates being handled or waiting."""
        return len(self._locks)

    async def close(self) -> None:
        self._locks.clear()
