"""One person's updates one at a time (a double tap must not act twice), others alongside, and
no lock kept for a person no update holds or waits for."""

from __future__ import annotations

import asyncio

from aiogram.fsm.storage.base import StorageKey

from bot.isolation import PerKeyIsolation


def key(n: int) -> StorageKey:
    return StorageKey(bot_id=1, chat_id=n, user_id=n)


async def handle(
    isolation: PerKeyIsolation, n: int, log: list[str], name: str, pause: float = 0.01
) -> None:
    async with isolation.lock(key(n)):
        log.append(f"{name} in")
        await asyncio.sleep(pause)
        log.append(f"{name} out")


async def test_one_persons_updates_run_one_after_another() -> None:
    isolation = PerKeyIsolation()
    log: list[str] = []
    await asyncio.gather(*(handle(isolation, 1, log, name) for name in "abc"))
    assert log == ["a in", "a out", "b in", "b out", "c in", "c out"]


async def test_different_people_are_handled_alongside() -> None:
    isolation = PerKeyIsolation()
    log: list[str] = []
    await asyncio.gather(handle(isolation, 1, log, "a"), handle(isolation, 2, log, "b"))
    assert log[:2] == ["a in", "b in"]


async def test_no_lock_is_kept_once_no_update_holds_or_waits_for_it() -> None:
    isolation = PerKeyIsolation()
    log: list[str] = []
    await asyncio.gather(*(handle(isolation, n, log, str(n), pause=0) for n in range(1000)))
    assert isolation.held == 0
    first = asyncio.create_task(handle(isolation, 1, log, "first"))
    second = asyncio.create_task(handle(isolation, 1, log, "second"))
    await asyncio.sleep(0)
    assert isolation.held == 1  # one lock for the holder and the one who waits
    await asyncio.gather(first, second)
    assert isolation.held == 0


async def test_a_waiter_cancelled_leaves_and_the_order_still_holds() -> None:
    isolation = PerKeyIsolation()
    log: list[str] = []
    holder = asyncio.create_task(handle(isolation, 1, log, "holder", pause=0.02))
    await asyncio.sleep(0)
    gone = asyncio.create_task(handle(isolation, 1, log, "gone"))
    waiter = asyncio.create_task(handle(isolation, 1, log, "waiter", pause=0.02))
    await asyncio.sleep(0)
    gone.cancel()
    await asyncio.sleep(0.03)  # the holder is done, the waiter holds the lock now
    late = asyncio.create_task(handle(isolation, 1, log, "late"))
    await asyncio.gather(holder, waiter, late, return_exceptions=True)
    assert log == ["holder in", "holder out", "waiter in", "waiter out", "late in", "late out"]
    assert isolation.held == 0
