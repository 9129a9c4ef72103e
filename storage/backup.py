"""A consistent copy of the database while the bot runs: SQLite's online backup API reads the
pages of one snapshot (WAL: writers go on meanwhile), and the copy is checked with
`PRAGMA integrity_check` before it counts. Plain sqlite3, for the command line and the daily
job alike (the job runs it off the event loop)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

PAGES_PER_STEP = 1024  # the backup copies this many pages at a time, letting writers in between
NAME_PREFIX = "nastavnik-"


class BackupFailed(Exception):
    """The copy could not be made or did not check out; the message says why."""


def backup_name(now: datetime) -> str:
    return f"{NAME_PREFIX}{now:%Y%m%d-%H%M%S}.db"


def make_backup(source: Path, target: Path, now: datetime) -> Path:
    """Copy the database at `source` to `target` (a file, or a folder to put a dated copy in:
    one that exists, or a path without a suffix, created);
    returns the copy's path. The copy is written beside its final name and moved there only
    once it checks out, so a failed or interrupted backup never leaves a half copy."""
    if not source.exists():
        raise BackupFailed(f"no database at {source}")
    folder = target.is_dir() or not target.suffix
    final = target / backup_name(now) if folder else target
    partial = final.with_name(final.name + ".partial")
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        with (
            closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src,
            closing(sqlite3.connect(partial)) as dst,
        ):
            src.backup(dst, pages=PAGES_PER_STEP)
            checked = dst.execute("PRAGMA integrity_check").fetchone()
        if not checked or checked[0] != "ok":
            raise BackupFailed(f"the copy does not check out: {checked}")
        partial.replace(final)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        raise BackupFailed(str(exc)) from exc
    except BackupFailed:
        partial.unlink(missing_ok=True)
        raise
    return final


def prune_backups(folder: Path, keep: int) -> list[Path]:
    """Remove all but the `keep` newest dated copies in `folder`; returns the removed ones."""
    copies = sorted(folder.glob(f"{NAME_PREFIX}*.db"))
    removed = copies[:-keep] if keep > 0 else copies
    for path in removed:
        path.unlink(missing_ok=True)
    return removed
