"""The real bot (`python -m bot`) with cProfile switched on only while a bench times it:
SIGUSR1 starts the profiler, SIGUSR2 stops it and writes the stats to the path given, so
start-up and warm-up stay out of the profile (bench_updates.py sends both around `timed`).

    python bench/profiled_bot.py /tmp/prof.1
"""

from __future__ import annotations

import cProfile
import runpy
import signal
import sys
from types import FrameType

path = sys.argv.pop(1)
profiler = cProfile.Profile()


def start(signum: int, frame: FrameType | None) -> None:
    profiler.enable()


def stop(signum: int, frame: FrameType | None) -> None:
    profiler.disable()
    profiler.dump_stats(path)


signal.signal(signal.SIGUSR1, start)
signal.signal(signal.SIGUSR2, stop)
runpy.run_module("bot", run_name="__main__", alter_sys=True)
