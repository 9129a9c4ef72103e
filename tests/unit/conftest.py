"""Fixtures the unit tests share: a migrated database of their own, the Russian texts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.i18n import I18n
from storage.db import Database, open_database


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_database(tmp_path / "t.db")
    yield database
    await database.close()


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return I18n("ru")
