"""The heavy jobs bot/offload.py runs in a child process: each opens the database read-only
itself (one snapshot), so the rows never pass through the bot's own memory, counts or writes
what it must, and returns only the result — a file's bytes, or figures. Everything here is a
plain function of plain, picklable arguments."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.chart import LABELS as CHART_LABELS
from bot.chart import draw
from bot.documents import pair_report, programme_report
from bot.domain.export import pair_figures, tables
from bot.domain.rules import local_today
from bot.domain.stats import (
    Period,
    Stats,
    academic_year,
    build_stats,
    match_department,
    narrowed,
    weekly,
    worked_in,
)
from bot.i18n import I18n
from bot.spreadsheet import csv_zip, xlsx
from storage.db import read_snapshot
from storage.export import ExportRows
from storage.repos import Repos

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class NoSuchDepartment:
    """The department asked for is none of these."""

    names: list[str]


def _read(database: Path, reading: Callable[[Repos], Awaitable[T]]) -> T:
    """`reading` over one read-only snapshot of the database, in this (the child) process."""

    async def run() -> T:
        async with read_snapshot(database) as tx:
            return await reading(tx)

    return asyncio.run(run())


def _export_rows(tx: Repos, period: Period, tz: ZoneInfo) -> Awaitable[ExportRows]:
    return tx.export.rows(period.first, period.last, *period.bounds(tz))


def export_file(
    database: Path,
    period: Period,
    department: str | None,
    labels: dict[str, str],
    tz_name: str,
    today: date,
    kind: str,
) -> tuple[bytes, str | None] | NoSuchDepartment:
    """The export's file ("xlsx", or "csv": a zip) and the department it covers (as named in
    the data), or the departments there are when the one typed matches none."""
    tz = ZoneInfo(tz_name)
    rows = _read(database, lambda tx: _export_rows(tx, period, tz))
    found = None
    if department is not None:
        names = sorted({p.department for p in rows.pairs if p.department})
        found = match_department(department, names)
        if found is None:
            return NoSuchDepartment(names)
    built = tables(rows, period, found, labels, tz, today)
    return (xlsx(built) if kind == "xlsx" else csv_zip(built)), found


@dataclass(frozen=True, slots=True)
class StatsMade:
    stats: Stats
    chart: bytes | None  # a PNG; None when the period has nothing to draw


def _chart(stats: Stats, period: Period, labels: dict[str, str]) -> bytes | None:
    settled = sorted(
        (d for d in stats.departments if d.completion is not None), key=lambda d: -d.due
    )
    completion = [(d.name or labels["digest-no-department"], d.completion or 0) for d in settled]
    if not stats.total.meetings and not completion:
        return None
    return draw(weekly(stats.total, period), completion, labels)


def stats_with_chart(
    database: Path,
    period: Period,
    department: str | None,
    labels: dict[str, str],
    tz_name: str,
    now: datetime,
) -> StatsMade | NoSuchDepartment:
    """/stats's figures (of one department, when one is asked for) and its chart."""
    stats = _read(database, lambda tx: build_stats(tx, period, now, ZoneInfo(tz_name)))
    if department is not None:
        names = [d.name for d in stats.departments if d.name]
        found = match_department(department, names)
        if found is None:
            return NoSuchDepartment(names)
        stats = narrowed(stats, found)
    return StatsMade(stats, _chart(stats, period, labels))


def pair_report_file(
    database: Path, pair_id: int, admin: bool, language: str, tz_name: str, now: datetime
) -> bytes | None:
    """The pair's report for the council (DOCX); None when there is no such pair."""
    tz = ZoneInfo(tz_name)
    found = _read(database, lambda tx: tx.export.of_pair(pair_id))
    if found is None:
        return None
    t = I18n().get(language)
    return pair_report(found, t, tz, local_today(now, tz), admin=admin)


def programme_report_file(
    database: Path, period: Period, language: str, tz_name: str, now: datetime
) -> bytes:
    """The programme's report for the council (DOCX): /stats's figures, the chart, the pairs
    that worked in the period with their completion."""
    tz = ZoneInfo(tz_name)
    today = local_today(now, tz)

    async def both(tx: Repos) -> tuple[Stats, ExportRows]:
        return await build_stats(tx, period, now, tz), await _export_rows(tx, period, tz)

    stats, rows = _read(database, both)
    t = I18n().get(language)
    labels = {key: t.plain(key) for key in CHART_LABELS}
    figures = pair_figures(rows.milestones, rows.meetings, today, tz)
    pairs = [
        (p, figures[p.pair_id])
        for p in rows.pairs
        if p.status != "reassigned" and worked_in(p.start, p.closed_at, period, tz)
    ]
    return programme_report(stats, pairs, _chart(stats, period, labels), t, tz)


def digest_chart(database: Path, language: str, tz_name: str, now: datetime) -> bytes | None:
    """The chart sent with the weekly digest: /stats's, over the academic year so far."""
    tz = ZoneInfo(tz_name)
    period = academic_year(local_today(now, tz))
    stats = _read(database, lambda tx: build_stats(tx, period, now, tz))
    t = I18n().get(language)
    return _chart(stats, period, {key: t.plain(key) for key in CHART_LABELS})
