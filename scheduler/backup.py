"""The optional daily backup (BACKUP_DIR, BACKUP_KEEP, BACKUP_CRON): a dated copy of the
database by storage/backup.py, off the event loop, then the oldest copies beyond BACKUP_KEEP
removed. A failed backup is logged and tried again at the next firing; the bot goes on."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from scheduler.clock import Clock
from storage.backup import make_backup, prune_backups

log = logging.getLogger(__name__)


class DailyBackup:
    def __init__(self, source: Path, folder: Path, keep: int, clock: Clock) -> None:
        self.source, self.folder, self.keep, self.clock = source, folder, keep, clock

    async def run(self) -> Path:
        made = await asyncio.to_thread(make_backup, self.source, self.folder, self.clock.now())
        removed = await asyncio.to_thread(prune_backups, self.folder, self.keep)
        log.info("backup: %s (%s older copies removed)", made, len(removed))
        return made
