"""Heavy work (writing a workbook, a chart, a report) in a child process of its own, started
for the job and gone after it: the event loop keeps answering others (no GIL shared with it),
and the libraries the job loads (openpyxl, matplotlib, python-docx) never stay in the bot's
memory. At most `PARALLEL` jobs at once; the others wait their turn."""

from __future__ import annotations

import asyncio
import multiprocessing
import weakref
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

PARALLEL = 2
# "spawn": a fresh interpreter, not a fork of one with threads (aiosqlite's, the scheduler's).
_CONTEXT = multiprocessing.get_context("spawn")
# One semaphore per event loop (a test runs each in its own).
_turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def _semaphore() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    found = _turns.get(loop)
    if found is None:
        found = _turns[loop] = asyncio.Semaphore(PARALLEL)
    return found


async def in_child(job: Callable[..., T], *args: Any) -> T:
    """`job(*args)` in a new process; its arguments and result cross by pickle."""
    async with _semaphore():
        pool = ProcessPoolExecutor(max_workers=1, mp_context=_CONTEXT)
        try:
            result = await asyncio.get_running_loop().run_in_executor(pool, job, *args)
        except asyncio.CancelledError:
            # The bot is stopping: no waiting for the child, which ends with its job.
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        except BaseException:
            await asyncio.to_thread(pool.shutdown)
            raise
        # Joining the finished process takes a moment: not on the event loop.
        await asyncio.to_thread(pool.shutdown)
        return result
