"""End-to-end fixtures: the fake Bot API server, settings aimed at it, the real app polling it
(or taking its updates through a webhook the fake server posts to: E2E_MODE, below)."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fake_bot_api import FakeBotAPI
from people import ADMIN_ID, TelegramUser

from bot.config import Settings
from bot.i18n import I18n
from scheduler.clock import Clock

if TYPE_CHECKING:
    from bot.app import App

SettingsFactory = Callable[..., Settings]
START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0
# How the bots that the bot_runner fixture starts take their updates: "polling" (the default),
# "webhook", or "both": then each test that starts one runs twice, `[polling]` and `[webhook]`
# (scripts/test.sh). A test that starts no bot_runner does the same in any mode and runs once;
# a test marked polling_only (it tests getUpdates itself) never runs in webhook mode.
E2E_MODES = {"polling": ("polling",), "webhook": ("webhook",), "both": ("polling", "webhook")}
E2E_MODE = os.environ.get("E2E_MODE", "").strip().lower() or "polling"


def pytest_configure(config: pytest.Config) -> None:
    if E2E_MODE not in E2E_MODES:
        raise pytest.UsageError(f"E2E_MODE: expected polling, webhook or both, got {E2E_MODE!r}")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "e2e_mode" not in metafunc.fixturenames:
        return
    modes = E2E_MODES[E2E_MODE]
    if metafunc.definition.get_closest_marker("polling_only") is not None:
        modes = tuple(mode for mode in modes if mode == "polling")
    if not modes:  # webhook mode: a test of getUpdates has nothing to run
        skip = pytest.mark.skip(reason="polling only: it tests getUpdates")
        metafunc.parametrize("e2e_mode", [pytest.param("polling", marks=skip)])
    elif len(modes) > 1:  # one mode needs no parameter: the fixture says which
        metafunc.parametrize("e2e_mode", modes)


def webhook_settings() -> dict[str, str]:
    """Webhook mode on a free port of 127.0.0.1, its path and secret made up for the test."""
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return {
        "webhook_url": f"http://127.0.0.1:{port}/tg/{secrets.token_hex(4)}",
        "webhook_secret": secrets.token_urlsafe(24),
        "webhook_listen": f"127.0.0.1:{port}",
    }


class LogGuard(logging.Handler):
    """Collects every ERROR (or worse) log record while a test runs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self._reported = 0
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def unreported(self) -> str | None:
        """The records not reported yet, with their tracebacks; None when there are none."""
        fresh = self.records[self._reported :]
        self._reported = len(self.records)
        return "\n".join(self.format(record) for record in fresh) or None


@pytest.fixture(autouse=True)
def log_guard(request: pytest.FixtureRequest) -> Iterator[LogGuard]:
    """Fail the test if anything logged an ERROR (a swallowed handler exception, say)."""
    guard = LogGuard()
    root = logging.getLogger()
    root.addHandler(guard)
    try:
        yield guard
    finally:
        root.removeHandler(guard)
    if request.node.get_closest_marker("allow_errors") is None and (problem := guard.unreported()):
        pytest.fail(
            f"ERROR logged during the test (mark it allow_errors if expected):\n{problem}",
            pytrace=False,
        )


@pytest.fixture
async def fake_api(
    request: pytest.FixtureRequest, log_guard: LogGuard
) -> AsyncIterator[FakeBotAPI]:
    """A started fake Bot API server; waits end early when an ERROR is logged."""
    api = FakeBotAPI()
    if request.node.get_closest_marker("allow_errors") is None:
        api.add_abort_check(log_guard.unreported)
    strict = request.node.get_closest_marker("allow_refusals") is None
    reported = 0

    def unreported_refusals() -> str | None:
        nonlocal reported
        fresh, reported = api.refusals[reported:], len(api.refusals)
        return "Telegram would refuse: " + "; ".join(fresh) if fresh else None

    if strict:
        api.add_abort_check(unreported_refusals)
    await api.start()
    try:
        yield api
    finally:
        await api.stop()
    if api.server_errors:
        pytest.fail("the fake Bot API server failed:\n" + "\n".join(api.server_errors))
    if strict and api.refusals:
        pytest.fail(
            "the bot made calls Telegram refuses (mark the test allow_refusals if expected):\n"
            + "\n".join(api.refusals),
            pytrace=False,
        )


@pytest.fixture
def settings_factory(
    tmp_path: Path, fake_api: FakeBotAPI, monkeypatch: pytest.MonkeyPatch
) -> SettingsFactory:
    """Build Settings aimed at the fake server, ignoring `.env` and the developer's environment."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
        monkeypatch.delenv(name, raising=False)

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "bot_token": fake_api.token,
            "telegram_api_url": fake_api.base_url,
            "database_path": tmp_path / "bot.db",
            "admin_ids": [ADMIN_ID],
            "scheduler_tick_seconds": 0.2,
            "quiet_hours": "",
            # The tests press at machine speed; tests/e2e/test_abuse.py checks the real budget.
            "presses_per_second": 10_000.0,
            **overrides,
        }
        return Settings(_env_file=None, **values)

    return make


@pytest.fixture
def admin(fake_api: FakeBotAPI) -> TelegramUser:
    """The methodist whose id is in ADMIN_IDS of the default settings."""
    return TelegramUser(fake_api, ADMIN_ID, "Гульнара", "Асанова", username="metodist_gulnara")


class BotRunner:
    """The real app polling the fake server in a task (or, in webhook mode, served by it);
    restartable on the same database."""

    def __init__(
        self,
        api: FakeBotAPI,
        make_settings: SettingsFactory,
        clock: Clock | None = None,
        i18n: I18n | None = None,
        mode: str = "polling",
    ) -> None:
        self.api = api
        self.clock = clock
        self.i18n = i18n
        self.app: App | None = None
        self._make_settings = make_settings
        self._overrides: dict[str, Any] = {}
        # Kept across restarts, as a deployment's; a test's overrides win (webhook_url="": poll).
        self._mode_settings: dict[str, Any] = webhook_settings() if mode == "webhook" else {}
        self._task: asyncio.Task[None] | None = None
        api.add_abort_check(self._crash)

    @property
    def settings(self) -> Settings:
        if self.app is None:
            raise RuntimeError("the bot is not running")
        return self.app.settings

    async def start(self, **overrides: Any) -> App:
        """Create the app (settings: the factory's, then earlier and these overrides) and run it
        until it polls or, in webhook mode, has set its webhook."""
        from bot.app import create_app  # late: the app's modules are still being written

        if self.app is not None:
            raise RuntimeError("the bot is already running")
        self._overrides.update(overrides)
        settings = self._make_settings(**{**self._mode_settings, **self._overrides})
        webhook = bool(settings.webhook_url)
        before = self._receiving_calls(webhook)
        self.app = await create_app(settings, clock=self.clock, i18n=self.i18n)
        task = asyncio.create_task(self.app.run(handle_signals=False), name="bot")
        self._task = task
        await self.api.wait_for(
            lambda: task.done() or self._receiving_calls(webhook) > before,
            START_TIMEOUT,
            "the bot's setWebhook" if webhook else "the bot's first getUpdates",
        )
        if task.done():
            await self.stop()
            raise RuntimeError("the bot stopped before it was receiving updates")
        return self.app

    def _receiving_calls(self, webhook: bool) -> int:
        if webhook:
            return sum(call.ok for call in self.api.calls("setWebhook"))
        return len(self.api.calls("getUpdates"))

    async def stop(self) -> None:
        """Stop polling and wait until the app has closed its database and session."""
        app, task = self.app, self._task
        self.app, self._task = None, None
        if app is None or task is None:
            return
        if not task.done():
            try:
                await app.stop()
            except RuntimeError:  # polling never started: nothing to stop gracefully
                task.cancel()
        try:
            await asyncio.wait_for(task, STOP_TIMEOUT)
        except asyncio.CancelledError:
            pass

    async def restart(self, **overrides: Any) -> App:
        """Let the bot finish what it was given, stop it, and start a new app on the same data."""
        await self.settle()
        await self.stop()
        return await self.start(**overrides)

    async def settle(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has fetched every pushed update and its handlers have returned."""
        await self.api.wait_for(
            lambda: not self.api.pending_updates and not self._handler_tasks(),
            timeout,
            "the bot to handle every pushed update",
        )

    def _handler_tasks(self) -> set[asyncio.Task[Any]]:
        if self.app is None:
            return set()
        # aiogram keeps no public handle on the per-update tasks of start_polling.
        polled: set[asyncio.Task[Any]] = getattr(self.app.dp, "_handle_update_tasks", set())
        posted = self.app.webhook.endpoint.tasks if self.app.webhook is not None else set()
        return polled | posted

    def _crash(self) -> str | None:
        task = self._task
        if task is None or not task.done():
            return None
        error = None if task.cancelled() else task.exception()
        return f"the bot stopped by itself ({error!r})"


@pytest.fixture
def bot_clock() -> Clock | None:
    """The app's clock: None is the system clock; override with a ManualClock to move time."""
    return None


@pytest.fixture
def bot_i18n() -> I18n | None:
    """The app's catalogs: None is the shipped ones; override to add a language in a test."""
    return None


@pytest.fixture
def e2e_mode(request: pytest.FixtureRequest) -> str:
    """How this test's bot takes its updates (pytest_generate_tests parametrizes it)."""
    return str(getattr(request, "param", E2E_MODES[E2E_MODE][0]))


@pytest.fixture
async def bot_runner(
    request: pytest.FixtureRequest,
    fake_api: FakeBotAPI,
    settings_factory: SettingsFactory,
    bot_clock: Clock | None,
    bot_i18n: I18n | None,
    e2e_mode: str,
) -> AsyncIterator[BotRunner]:
    """The real app, started (settings from `@pytest.mark.bot_settings(...)`) and polling, or
    served by the fake server's webhook (`e2e_mode`)."""
    marker = request.node.get_closest_marker("bot_settings")
    runner = BotRunner(fake_api, settings_factory, bot_clock, bot_i18n, e2e_mode)
    try:
        await runner.start(**(marker.kwargs if marker else {}))
        yield runner
    finally:
        await runner.stop()
