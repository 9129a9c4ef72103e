"""Shared pytest configuration for unit and end-to-end tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.i18n import I18n
from storage.db import Database, open_database


def pytest_configure(config: pytest.Config) -> None:
    """Register the suite's markers."""
    config.addinivalue_line(
        "markers",
        "allow_errors: the test expects ERROR log records while the bot runs "
        "(otherwise any such record fails an end-to-end test)",
    )
    config.addinivalue_line(
        "markers",
        "allow_refusals: the test expects Bot API calls that Telegram refuses with 400 "
        "(otherwise any such refusal fails an end-to-end test)",
    )
    config.addinivalue_line(
        "markers",
        "bot_settings(**overrides): settings for the bot that the bot_runner fixture starts",
    )


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database of the test's own."""
    database = await open_database(tmp_path / "t.db")
    yield database
    await database.close()


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return I18n("ru")
