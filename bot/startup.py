"""Start-up calls to the Bot API: an outage is waited out with back-off, a refusal is not."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from aiogram.exceptions import ClientDecodeError, TelegramRetryAfter

from bot.telegram_errors import is_transient as is_transient  # re-exported: start-up's rule

log = logging.getLogger(__name__)

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]

FIRST_DELAY = 1.0  # seconds before the first retry; doubled after every failure
MAX_DELAY = 60.0  # an outage of any length costs one request a minute


class StopRequested(Exception):
    """Asked to stop (SIGTERM, Ctrl-C, App.stop) while start-up waited on the Bot API."""


def retry_delay(exc: BaseException, failures: int) -> float:
    """Seconds before the next try: Telegram's own `retry_after`, else 1, 2, 4 … up to 60."""
    if isinstance(exc, TelegramRetryAfter):
        return float(exc.retry_after)
    doublings = min(failures - 1, 30)  # 2.0 ** 1024 overflows; an outage may last for days
    return min(FIRST_DELAY * 2.0**doublings, MAX_DELAY)


def describe(exc: BaseException) -> str:
    """One line about a failure, without the answer's body (a proxy's page may be long)."""
    if isinstance(exc, TelegramRetryAfter):
        return f"flood wait of {exc.retry_after} s"
    if isinstance(exc, ClientDecodeError):
        return f"an answer that is not the Bot API's ({type(exc.original).__name__})"
    message = getattr(exc, "message", None) or str(exc)
    return f"{type(exc).__name__}: {message.splitlines()[0] if message else ''}"


@dataclass
class Retrying:
    """Calls the Bot API until it answers, waiting out outages; stops when `stop` is set."""

    stop: asyncio.Event
    sleep: Sleep = asyncio.sleep
    secret: str = ""  # never printed: aiohttp's errors may quote the URL, which holds the token

    async def call(self, what: str, request: Callable[[], Awaitable[T]]) -> T:
        failures = 0
        while True:
            try:
                return await self._unless_stopped(request())
            except Exception as exc:
                if not is_transient(exc):
                    raise
                failures += 1
                delay = retry_delay(exc, failures)
                reason = describe(exc)
                if self.secret:
                    reason = reason.replace(self.secret, "<BOT_TOKEN>")
                log.warning("%s failed (%s); trying again in %g s", what, reason, delay)
            await self._unless_stopped(self.sleep(delay))

    async def _unless_stopped(self, awaitable: Awaitable[T]) -> T:
        """The awaitable's result, or StopRequested as soon as `stop` is set (it is cancelled)."""
        work = asyncio.ensure_future(awaitable)
        if self.stop.is_set():
            work.cancel()
        stopped = asyncio.ensure_future(self.stop.wait())
        try:
            await asyncio.wait((work, stopped), return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
            if not work.done():
                work.cancel()
                await asyncio.wait((work,))
        if work.cancelled():
            raise StopRequested
        return work.result()
