"""Smoke test: the real app answers an admin's /help over the fake Bot API server."""

from __future__ import annotations

from pathlib import Path

import pytest
from people import TelegramUser

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not (ROOT / "handlers" / "start.py").exists(), reason="handlers/start.py is not written yet"
)


@pytest.mark.usefixtures("bot_runner")
async def test_help_from_an_admin_gets_a_reply(admin: TelegramUser) -> None:
    admin.send("/help")

    reply = await admin.wait_message("")

    assert reply["chat"]["id"] == admin.id
