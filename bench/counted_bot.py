"""The real bot (`python -m bot`) with a way to read, from outside, how many people its
in-memory structures hold: SIGUSR1 writes, as JSON to the path given, the keys the FSM storage
caches (and its bound, if it has one) and the per-key locks of the event isolation.
bench_steady.py signals it at rest, to show that neither grows with every person ever seen.

    python bench/counted_bot.py /tmp/counts.json
"""

from __future__ import annotations

import json
import runpy
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any

from aiogram import Dispatcher

import bot.app

path = Path(sys.argv.pop(1))
dispatchers: list[Dispatcher] = []
_create_dispatcher = bot.app.create_dispatcher


def create_dispatcher(*args: Any, **kwargs: Any) -> Dispatcher:
    dp = _create_dispatcher(*args, **kwargs)
    dispatchers.append(dp)
    return dp


def report(signum: int, frame: FrameType | None) -> None:
    storage, isolation = dispatchers[-1].fsm.storage, dispatchers[-1].fsm.events_isolation
    # Private attributes, read by name: the same names before and after the bounded versions
    # (aiogram's SimpleEventIsolation keeps `_locks` too), so a bench of an older commit reads.
    counts = {
        "fsm_cached": len(getattr(storage, "_forms")),  # noqa: B009
        "fsm_bound": getattr(storage, "max_cached", None),
        "locks": len(getattr(isolation, "_locks")),  # noqa: B009
    }
    written = path.with_name(path.name + ".partial")
    written.write_text(json.dumps(counts))
    written.replace(path)


# create_app (bot.app) calls create_dispatcher by its module's name: the wrapped one keeps it.
bot.app.create_dispatcher = create_dispatcher
signal.signal(signal.SIGUSR1, report)
runpy.run_module("bot", run_name="__main__", alter_sys=True)
