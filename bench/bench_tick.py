"""One reminders' tick over 1 000, 3 000 and 10 000 active pairs: time and memory per tick, how
they grow with the pairs, and the query plan of every statement the tick runs.

For each size a fresh database is seeded through storage (executemany): 10 milestones a pair
(deadlines spread over the year, past ones mostly accepted, some on review, some overdue), about
11 meetings a pair (held, one confirmed ahead, some proposals, some cancelled), 5 questions a
pair (some open), switches and earlier outbox rows. Then the real `scheduler.tick.ReminderTick`
runs, its clock moved by hand:
- quiet: a tick a minute after the last one that finds nothing new (14:0x local);
- crossing: a tick whose minute crosses 09:00 local, when the deadline reminders fall due.
Each is timed over several ticks (median), then run again under tracemalloc for its peak of
Python allocations (SQLite's own page cache is not counted). The growth from the smallest to the
largest size is reported per 10x of pairs: at most 10 is linear or better.

Every SELECT the tick ran is shown with its `EXPLAIN QUERY PLAN`; the run fails (exit 1) when
one scans a table, or searches nothing but a status (every active pair), instead of searching an
index, unless `EXPECTED_SCANS` names it with the reason. The plans do not depend on the sizes,
so the test command's small run (`tests/bench/test_benchmarks.py`) checks them too. No time
threshold is asserted.

    .venv/bin/python bench/bench_tick.py [--sizes 1000,3000,10000] [--ticks 7] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from bot.domain.notify import NoticeKind  # noqa: E402
from bot.domain.reminders import CATCH_UP  # noqa: E402
from handlers.links import LINKS  # noqa: E402
from scheduler.clock import ManualClock  # noqa: E402
from scheduler.sender import OutboxSender  # noqa: E402
from scheduler.tick import MARK, ReminderTick  # noqa: E402
from storage.db import Database, open_database  # noqa: E402
from storage.models import Pair, PairKind, PairStatus, Person, Role, to_db_time  # noqa: E402

TZ = ZoneInfo("Asia/Bishkek")
TODAY = date(2027, 1, 20)  # a Wednesday in the middle of the programme's year
START, END = date(2026, 9, 1), date(2027, 6, 30)
FIRST_DUE = date(2026, 9, 15)
DUE_SPAN = (END - FIRST_DUE).days
MILESTONES = 10
QUESTIONS = 5
HELD_MEETINGS = 9
ADMINS = 3  # the methodists: escalations, late plans and quiet pairs go to them
EARLIER_NOTICES = 10  # outbox rows per pair already sent before the bench
SEED = 20270120


class _NoSender:
    """The tick only wakes the sender; the bench measures the tick alone."""

    def wake(self) -> None:
        pass


@dataclass
class Measure:
    pairs: int
    milestones: int
    meetings: int
    seed_seconds: float
    quiet_ms: float  # median wall time of the timed quiet ticks
    quiet_cpu_ms: float  # median CPU time of this process (every thread: aiosqlite's too)
    quiet_queued: int
    quiet_peak_kib: float
    crossing_ms: float
    crossing_cpu_ms: float
    crossing_min_cpu_ms: float  # the least disturbed tick (the machine is shared)
    crossing_queued: int  # median notices a crossing tick queued
    crossing_peak_kib: float
    quiet_ticks_ms: list[float] = field(default_factory=list)
    crossing_ticks_ms: list[float] = field(default_factory=list)


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ).astimezone(UTC)


def _quarter(rng: random.Random, day: date) -> datetime:
    """A moment on a quarter hour of a working day (meetings and reports are on quarters, so a
    tick at :x1–:x4 finds nothing new)."""
    return _local(day, rng.randrange(8, 18), 15 * rng.randrange(4))


async def seed(db: Database, pairs: int) -> tuple[int, int]:
    """Seed the programme; returns (milestones, meetings)."""
    rng = random.Random(SEED + pairs)
    now = _local(TODAY, 7)
    mentors = max(pairs // 2, 1)
    people = [
        Person(
            id=n,
            full_name=f"Наставник {n}" if n <= mentors else f"Наставляемый {n}",
            role=Role.MENTOR if n <= mentors else Role.MENTEE,
            is_admin=False,
            department=f"ПЦК {n % 12 + 1}",
            username=None,
            telegram_id=800_000_000 + n,
            language=None,
            active=True,
            blocked=False,
            seen=True,
        )
        for n in range(1, mentors + pairs + 1)
    ] + [
        Person(
            id=n,
            full_name=f"Методист {n}",
            role=Role.ADMIN,
            is_admin=True,
            department=None,
            username=None,
            telegram_id=800_000_000 + n,
            language=None,
            active=True,
            blocked=False,
            seen=True,
        )
        for n in range(mentors + pairs + 1, mentors + pairs + 1 + ADMINS)
    ]
    pair_rows = [
        Pair(
            id=i,
            mentor_id=(i - 1) % mentors + 1,
            mentee_id=mentors + i,
            kind=PairKind.PEDAGOGICAL,
            start=START,
            end=END,
            order_ref="№ 112-к",
            status=PairStatus.ACTIVE,
            close_reason=None,
            previous_pair_id=None,
            mentor_name="",
            mentee_name="",
        )
        for i in range(1, pairs + 1)
    ]
    plans = [
        (
            i,
            sorted(
                (f"Этап {k + 1}", FIRST_DUE + timedelta(days=(i * 37 + k * 29) % DUE_SPAN))
                for k in range(MILESTONES)
            ),
        )
        for i in range(1, pairs + 1)
    ]
    async with db.transaction() as tx:
        await tx.people.add_many(people, now)
        await tx.pairs.add_many(pair_rows, now, created_by=None)
        await tx.plans.add_many([(i, [(t, d) for t, d in ms]) for i, ms in plans], now)
        # What a year of work left: past deadlines mostly accepted, some on review, some overdue.
        rows = await tx.conn.execute_fetchall("SELECT id, due_date FROM milestones")
        updates: list[tuple[str, int, str | None, str | None, int]] = []
        for milestone_id, due_text in rows:
            due = date.fromisoformat(due_text)
            roll = rng.random()
            if due < TODAY and roll < 0.75:
                updates.append(("accepted", 1, None, to_db_time(now), milestone_id))
            elif roll < (0.85 if due < TODAY else 0.03):
                submitted = _quarter(rng, TODAY - timedelta(days=rng.randrange(1, 10)))
                updates.append(("submitted", 1, to_db_time(submitted), None, milestone_id))
        await tx.conn.executemany(
            "UPDATE milestones SET status = ?, submission = ?, submitted_at = ?,"
            " decided_at = ? WHERE id = ?",
            updates,
        )
        meetings = []
        for i in range(1, pairs + 1):
            mentor_id, mentee_id = (i - 1) % mentors + 1, mentors + i
            for k in range(HELD_MEETINGS):
                at = _quarter(rng, TODAY - timedelta(days=14 * k + rng.randrange(1, 14)))
                meetings.append((i, mentor_id, at, "held", at))
            ahead = _quarter(rng, TODAY + timedelta(days=rng.randrange(1, 15)))
            meetings.append((i, mentee_id, ahead, "confirmed", now))
            if rng.random() < 0.1:
                changed = _quarter(rng, TODAY - timedelta(days=rng.randrange(0, 3)))
                meetings.append((i, mentee_id, ahead + timedelta(days=2), "proposed", changed))
            if rng.random() < 0.2:
                meetings.append((i, mentor_id, ahead - timedelta(days=3), "cancelled", now))
        await tx.conn.executemany(
            "INSERT INTO meetings (pair_id, proposed_by, starts_at, format, topic, status,"
            " created_at, updated_at) VALUES (?, ?, ?, 'consultation', 'Разбор урока', ?, ?, ?)",
            [
                (p, by, to_db_time(at), s, to_db_time(at), to_db_time(ch))
                for p, by, at, s, ch in meetings
            ],
        )
        questions: list[tuple[int, str, str, str | None]] = []
        for i in range(1, pairs + 1):
            for _ in range(QUESTIONS):
                asked = _quarter(rng, TODAY - timedelta(days=rng.randrange(0, 120)))
                if rng.random() < 0.15 and asked > _local(TODAY - timedelta(days=5), 0):
                    questions.append((i, "open", to_db_time(asked), None))
                else:
                    answered = to_db_time(asked + timedelta(hours=3))
                    questions.append((i, "resolved", to_db_time(asked), answered))
        await tx.conn.executemany(
            "INSERT INTO questions (pair_id, text, status, asked_at, answered_at)"
            " VALUES (?, 'Как оформить КТП?', ?, ?, ?)",
            questions,
        )
        kinds = [kind for kind in NoticeKind if kind.switchable]
        for person in rng.sample(people, max(len(people) * 3 // 100, 1)):
            await tx.reminders.set_switch(person.id, rng.choice(kinds).value, False)
        await tx.conn.executemany(
            "INSERT INTO outbox (key, person_id, text, not_before, status, created_at, sent_at)"
            " VALUES (?, ?, 'Раньше', ?, 'sent', ?, ?)",
            [
                (f"earlier:{i}:{k}", mentors + i, to_db_time(now), to_db_time(now), to_db_time(now))
                for i in range(1, pairs + 1)
                for k in range(EARLIER_NOTICES)
            ],
        )
    return len(list(rows)), len(meetings)


# --- the query plans ---------------------------------------------------------------------------

_TABLE = re.compile(r"\b(?:FROM|JOIN)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?", re.IGNORECASE)
_SCAN = re.compile(r"^SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?")
# A search on nothing but the status reads every row in that status: every active pair.
_STATUS_ONLY = re.compile(r"^SEARCH (\w+) USING (?:COVERING )?INDEX \w+ \(status=\?\)$")
# Tables that stay a few rows whatever the programme's size: a scan of them is fine.
SMALL_BY_NATURE = {"scheduler_marks", "schema_version", "json_each"}
# Queries for which every active pair is a candidate by nature, each with why: a fragment of
# the SQL → the reason. None in the tick today; a new one must be named here to pass.
EXPECTED_SCANS: dict[str, str] = {}


async def _partial_indexes(db: Database) -> set[str]:
    """Indexes with a WHERE: scanning one reads only its few rows (the admins, say)."""
    async with db.bulk_read() as tx:
        rows = await tx.conn.execute_fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '% WHERE %'"
        )
    return {str(row[0]) for row in rows}


async def check_plans(db: Database, statements: list[str]) -> list[str]:
    """Print each SELECT's plan; returns the scans found. The plans do not depend on the
    tables' sizes (no ANALYZE is run), so a small run finds what a large one would."""
    partial = await _partial_indexes(db)
    problems = []
    seen = set()
    for sql in statements:
        if not sql.lstrip().upper().startswith("SELECT") or sql in seen:
            continue
        seen.add(sql)
        expected = [why for fragment, why in EXPECTED_SCANS.items() if fragment in sql]
        aliases: dict[str, str] = {}
        for table, alias in _TABLE.findall(sql):
            if alias.upper() not in ("", "ON", "WHERE", "JOIN", "ORDER", "LEFT"):
                aliases[alias] = table
            aliases[table] = table
        async with db.bulk_read() as tx:
            plan = await tx.conn.execute_fetchall(f"EXPLAIN QUERY PLAN {sql}")
        shown = re.sub(r"\s+", " ", sql)
        print(f"\n  {shown[:160]}…")
        if expected:
            print(f"    (expected to read every active pair: {expected[0]})")
        for row in plan:
            detail = str(row[3])
            print(f"    {detail}")
            scan = _SCAN.match(detail) or _STATUS_ONLY.match(detail)
            if scan is None or "CONSTANT ROW" in detail or expected:
                continue
            table = str(aliases.get(scan.group(1), scan.group(1)))
            index = scan.group(2) if scan.re is _SCAN else None
            if table in SMALL_BY_NATURE or index in partial:
                continue
            problems.append(f"{detail} ({table}) in: {shown[:120]}…")
    return problems


# --- the ticks ---------------------------------------------------------------------------------


@dataclass
class Tick:
    wall_ms: float
    cpu_ms: float  # of this process, every thread (the machine is shared: steadier than wall)
    queued: int
    peak_kib: float  # Python allocations above the start; 0 when not traced


async def _timed(run: Callable[[], Awaitable[int]], memory: bool) -> Tick:
    if memory:
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
    began, cpu = time.perf_counter(), time.process_time()
    queued = await run()
    elapsed, cpu_used = time.perf_counter() - began, time.process_time() - cpu
    peak = 0.0
    if memory:
        peak = (tracemalloc.get_traced_memory()[1] - base) / 1024
        tracemalloc.stop()
    return Tick(elapsed * 1000, cpu_used * 1000, queued, peak)


async def measure(pairs: int, ticks: int, explain: bool) -> tuple[Measure, list[str]]:
    with tempfile.TemporaryDirectory(prefix="bench-tick-") as folder:
        db = await open_database(Path(folder) / "bench.db")
        try:
            began = time.perf_counter()
            milestones, meetings = await seed(db, pairs)
            seeded = time.perf_counter() - began
            clock = ManualClock(_local(TODAY, 13, 59))
            tick = ReminderTick(db, clock, TZ, cast(OutboxSender, _NoSender()), LINKS)
            await tick.run()  # the first tick ever: it starts now

            async def quiet(minute_of_hour: int, hour: int = 14) -> int:
                clock.set(_local(TODAY, hour, minute_of_hour))
                return await tick.run()

            async def crossing(day: date, down: timedelta = timedelta(minutes=1)) -> int:
                async with db.transaction() as tx:
                    await tx.reminders.set_done_until(MARK, _local(day, 9) - down)
                clock.set(_local(day, 9, 0))
                return await tick.run()

            statements: list[str] = []
            if explain:
                # A tick after the bot was down for a week too: every kind of reminder falls
                # due in its window, so every query the tick has is explained.
                await db.conn.set_trace_callback(statements.append)
                await quiet(1)
                await crossing(TODAY + timedelta(days=1), down=CATCH_UP)
                await db.conn.set_trace_callback(None)  # type: ignore[arg-type]
            else:
                await quiet(1)
                await crossing(TODAY + timedelta(days=1))
            quiet_runs = [
                await _timed(partial(quiet, minute), False) for minute in range(2, 2 + ticks)
            ]
            crossing_runs = [
                await _timed(partial(crossing, TODAY + timedelta(days=d)), False)
                for d in range(2, 2 + ticks)
            ]
            quiet_peak = (await _timed(lambda: quiet(2, hour=15), True)).peak_kib
            crossing_peak = (
                await _timed(lambda: crossing(TODAY + timedelta(days=2 + ticks)), True)
            ).peak_kib
            problems = await check_plans(db, statements) if explain else []
        finally:
            await db.close()
    result = Measure(
        pairs=pairs,
        milestones=milestones,
        meetings=meetings,
        seed_seconds=round(seeded, 2),
        quiet_ms=round(statistics.median(r.wall_ms for r in quiet_runs), 2),
        quiet_cpu_ms=round(statistics.median(r.cpu_ms for r in quiet_runs), 2),
        quiet_queued=max(r.queued for r in quiet_runs),
        quiet_peak_kib=round(quiet_peak, 1),
        crossing_ms=round(statistics.median(r.wall_ms for r in crossing_runs), 2),
        crossing_cpu_ms=round(statistics.median(r.cpu_ms for r in crossing_runs), 2),
        crossing_min_cpu_ms=round(min(r.cpu_ms for r in crossing_runs), 2),
        crossing_queued=int(statistics.median(r.queued for r in crossing_runs)),
        crossing_peak_kib=round(crossing_peak, 1),
        quiet_ticks_ms=[round(r.wall_ms, 2) for r in quiet_runs],
        crossing_ticks_ms=[round(r.wall_ms, 2) for r in crossing_runs],
    )
    return result, problems


def per_notice(r: Measure) -> float:
    """CPU µs of the least disturbed crossing tick per notice it queued."""
    return 1000 * r.crossing_min_cpu_ms / max(r.crossing_queued, 1)


def _growth(small: float, large: float, factor: float) -> float:
    """How much the figure grows per 10x of pairs (10 = linear)."""
    import math

    if small <= 0 or large <= 0 or factor <= 1:
        return float("nan")
    return float(10 ** (math.log10(large / small) / math.log10(factor)))


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,3000,10000")
    parser.add_argument("--ticks", type=int, default=7, help="timed ticks of each kind per size")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    problems: list[str] = []
    for size in sizes:
        explain = size == max(sizes)
        if explain:
            print(f"\nEXPLAIN QUERY PLAN of every SELECT a tick ran ({size} pairs):")
        found, bad = await measure(size, args.ticks, explain)
        results.append(found)
        problems += bad
    print(
        "\n| pairs | milestones | meetings | seed s | quiet: queued | ms | CPU ms | peak KiB"
        " | crossing 09:00: queued | ms | CPU ms | min CPU ms | CPU µs/notice | peak KiB |"
    )
    print("| ---: " * 14 + "|")
    for r in results:
        print(
            f"| {r.pairs} | {r.milestones} | {r.meetings} | {r.seed_seconds} |"
            f" {r.quiet_queued} | {r.quiet_ms} | {r.quiet_cpu_ms} | {r.quiet_peak_kib} |"
            f" {r.crossing_queued} | {r.crossing_ms} | {r.crossing_cpu_ms} |"
            f" {r.crossing_min_cpu_ms} | {per_notice(r):.0f} |"
            f" {r.crossing_peak_kib} |"
        )
    first, last = results[0], results[-1]
    print(
        "\nCPU µs per notice queued, per size (flat = linear):",
        ", ".join(f"{per_notice(r):.0f}" for r in results),
    )
    factor = last.pairs / first.pairs
    growth = {
        "quiet_ms": _growth(first.quiet_ms, last.quiet_ms, factor),
        "quiet_cpu_ms": _growth(first.quiet_cpu_ms, last.quiet_cpu_ms, factor),
        "crossing_ms": _growth(first.crossing_ms, last.crossing_ms, factor),
        "crossing_cpu_ms": _growth(first.crossing_cpu_ms, last.crossing_cpu_ms, factor),
        "crossing_min_cpu_ms": _growth(first.crossing_min_cpu_ms, last.crossing_min_cpu_ms, factor),
        "quiet_peak": _growth(first.quiet_peak_kib, last.quiet_peak_kib, factor),
        "crossing_peak": _growth(first.crossing_peak_kib, last.crossing_peak_kib, factor),
    }
    if len(results) > 1:
        print(f"\nGrowth per 10x of pairs ({first.pairs} → {last.pairs}; 10 = linear):")
    for name, value in growth.items() if len(results) > 1 else ():
        verdict = "linear or better" if value <= 10 * 1.15 else "worse than linear"
        print(f"  {name}: {value:.2f} ({verdict})")
    if args.json:
        args.json.write_text(
            json.dumps({"results": [asdict(r) for r in results], "growth": growth}, indent=2)
        )
    if problems:
        print("\nFAIL: queries that scan a table (or every active pair) instead of an index:")
        for problem in problems:
            print(f"  {problem}")
        return 1
    print("\nEvery query of the tick searches an index: ok")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
