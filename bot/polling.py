"""Whether the bot is receiving updates: when Telegram last answered its getUpdates or, in
webhook mode, last posted an update to it.

Kept in memory, as a request middleware of the bot's session: an idle long poll is answered
every POLLING_TIMEOUT_SECONDS and a busy one at once, too often for a database write each. The
scheduler's tick writes it down once per tick (scheduler/tick.py) for `python -m bot health`.

The bound differs by mode. Polling: the mark is never older than a long poll's timeout while
Telegram answers, so its age says whether the bot hears Telegram. Webhook: Telegram calls only
when someone acts, and a quiet college leaves the mark hours old on a healthy bot (at night, in
the holidays), so its age proves nothing and health does not judge by it there (bot/__main__.py);
it is kept for the operator to read."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType

from scheduler.clock import Clock

if TYPE_CHECKING:
    from aiogram import Bot


class PollingWatch(BaseRequestMiddleware):
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.last_answer: datetime | None = None  # None: polling has not started

    def polling_starts(self) -> None:
        # Until the first long poll is answered the bot is starting, not deaf: the start counts.
        self.last_answer = self.clock.now()

    def update_received(self) -> None:
        """Webhook mode: Telegram posted an update (or accepted setWebhook, at start)."""
        self.last_answer = self.clock.now()

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        response = await make_request(bot, method)  # an error answer raises: not counted
        if isinstance(method, GetUpdates):
            self.last_answer = self.clock.now()
        return response
