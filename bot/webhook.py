"""Webhook mode: Telegram posts each update to WEBHOOK_URL, a reverse proxy terminates TLS and
passes it to the bot's own HTTP server on WEBHOOK_LISTEN, and aiogram's SimpleRequestHandler
hands it to the same dispatcher (middlewares, handlers) as polling does."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from pydantic import ValidationError

from bot.config import Settings

log = logging.getLogger(__name__)

# A request is answered as soon as its update is taken (the update is handled in the
# background), so a stopping server waits only for answers being written.
ANSWER_GRACE_SECONDS = 2.0


class WebhookListenError(Exception):
    """WEBHOOK_LISTEN cannot be listened on (the port is taken, or no such address)."""


class UpdateEndpoint(SimpleRequestHandler):
    """aiogram's handler for one bot: a request without WEBHOOK_SECRET in its
    X-Telegram-Bot-Api-Secret-Token header is answered 401 before its body is read, so nothing
    is handled; a taken update is answered 200 at once and handled in a task of its own, one
    per update as in polling (a person's updates one after another, by the dispatcher's
    events isolation)."""

    def __init__(
        self, dp: Dispatcher, bot: Bot, secret: str, on_update: Callable[[], None]
    ) -> None:
        super().__init__(dp, bot, handle_in_background=True, secret_token=secret)
        self.on_update = on_update

    @property
    def tasks(self) -> set[asyncio.Task[Any]]:
        """The updates being handled."""
        return self._background_feed_update_tasks

    async def handle(self, request: web.Request) -> web.Response:
        response = await super().handle(request)
        if response.status == 200:
            self.on_update()
        return response

    async def _background_feed_update(self, bot: Bot, update: dict[str, Any]) -> None:
        try:
            await super()._background_feed_update(bot, update)
        except ValidationError:
            log.exception("an update the bot cannot read")
        except Exception:
            # Logged by aiogram's dispatcher, as in polling; raised on, the task's exception
            # would be reported a second time, as never retrieved.
            pass


class WebhookServer:
    """The bot's HTTP server: one route, POST on WEBHOOK_URL's path."""

    def __init__(
        self, settings: Settings, dp: Dispatcher, bot: Bot, on_update: Callable[[], None]
    ) -> None:
        if settings.webhook_secret is None:
            raise ValueError("webhook mode needs WEBHOOK_SECRET")  # settings refuse it earlier
        self.host, self.port = settings.webhook_address
        self.endpoint = UpdateEndpoint(
            dp, bot, settings.webhook_secret.get_secret_value(), on_update
        )
        app = web.Application()
        # Not endpoint.register(): its shutdown hook would close the bot's session under the
        # updates still being handled and the outbox sender.
        app.router.add_post(settings.webhook_path, self.endpoint.handle)
        # No access log: every request would be a line, and the path is half a secret.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=ANSWER_GRACE_SECONDS)
        self._listening = False

    async def start(self) -> None:
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, self.host, self.port).start()
        except OSError as exc:
            await self._runner.cleanup()
            raise WebhookListenError(
                f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}"
            ) from None
        self._listening = True

    async def stop(self, grace: float) -> None:
        """Take no more updates; give those being handled up to `grace` seconds to finish."""
        if self._listening:
            self._listening = False
            await self._runner.cleanup()
        if self.endpoint.tasks:
            _, late = await asyncio.wait(set(self.endpoint.tasks), timeout=grace)
            if late:
                log.warning("%s updates still running at shutdown", len(late))
