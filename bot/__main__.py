"""`python -m bot`: run the bot; `python -m bot import FILE`: import a roster;
`python -m bot backup PATH`: a consistent copy of the database."""

from __future__ import annotations

import argparse
import asyncio
import html
import logging
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import POLLING_TIMEOUT_SECONDS, Settings, SettingsError, load_settings

if TYPE_CHECKING:  # imported when used: `--help` answers without loading the bot
    from bot.domain.roster_import import ImportSummary
    from bot.i18n import Translator
    from storage.health import Health

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line on stderr, exit 2, as for a bad setting.
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m bot",
        description="Наставник: a Telegram bot for the college's mentorship programme. "
        "With no subcommand it runs the bot (by long polling, or through the webhook when"
        " WEBHOOK_URL is set).",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="run the bot (the default)")
    importer = commands.add_parser(
        "import", help="import a staff roster (CSV or XLSX); the bot may be running"
    )
    importer.add_argument("file", type=Path, help="the roster file")
    backup = commands.add_parser(
        "backup", help="copy the database consistently (the bot may be running)"
    )
    backup.add_argument(
        "path", type=Path, help="the copy's file (name.db), or a folder for a dated copy in it"
    )
    health = commands.add_parser(
        "health",
        help="exit 0 when the bot's scheduler is running, it receives updates (polling: getUpdates"
        " is answered; webhook: its HTTP server answers) and its outbox moves, else 1",
    )
    health.add_argument(
        "--polling-silent",
        type=float,
        default=None,
        metavar="SECONDS",
        help="how long getUpdates may go unanswered before the bot counts as deaf (default: 30;"
        " polling only: in webhook mode health asks whether the bot's HTTP server answers)",
    )
    return parser


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # aiohttp's access and client logs would print request URLs, which carry the token.
    logging.getLogger("aiohttp").setLevel(logging.WARNING)
    # aiogram's own line per update names the bot, not the person: bot.middlewares.UpdateLog
    # writes the one line per update.
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    # APScheduler logs two INFO lines per job run (the tick: every minute); only for DEBUG.
    logging.getLogger("apscheduler").setLevel(
        logging.DEBUG if settings.log_level == "DEBUG" else logging.WARNING
    )


async def _run(settings: Settings) -> None:
    from bot.app import create_app

    app = await create_app(settings)
    await app.run(handle_signals=True)


async def _import(settings: Settings, path: Path, data: bytes) -> int:
    from bot.domain.roster import parse_roster
    from bot.domain.roster_file import RosterRefused
    from bot.domain.roster_import import import_roster
    from bot.domain.rules import local_today
    from bot.i18n import I18n
    from handlers.links import LINKS
    from storage.db import open_database

    t = I18n(settings.default_language).get(None)
    try:
        roster = parse_roster(data, path.name)
    except RosterRefused as exc:
        print(f"{path}: {t(exc.key, **exc.args)}", file=sys.stderr)
        return EXIT_REFUSED
    db = await open_database(settings.database_path)
    try:
        now = datetime.now(UTC)
        summary = await import_roster(
            db,
            roster,
            now=now,
            today=local_today(now, settings.tz),
            max_mentees_per_mentor=settings.max_mentees_per_mentor,
            template=settings.template,
            links=LINKS,  # the pairs' notices open the plan, as the bot's own import
        )
    finally:
        await db.close()
    for line in render_cli(t, summary):
        print(line)
    return EXIT_OK


def render_cli(t: Translator, summary: ImportSummary) -> list[str]:
    """The command line's report; the first line's format is a contract scripts rely on."""
    lines = [
        f"added: {summary.added}, updated: {summary.updated}, unchanged: {summary.unchanged},"
        f" pairs formed: {summary.pairs_formed}, errors: {len(summary.errors)}"
    ]
    for error in summary.errors:
        lines.append(f"line {error.line}: {html.unescape(t(error.key, **error.args))}")
    return lines


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        if args.command in (None, "run"):
            settings.require_token()
    except SettingsError as exc:
        print(f"settings error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    _configure_logging(settings)
    if args.command == "import":
        return _import_command(settings, args.file)
    if args.command == "backup":
        return _backup_command(settings, args.path)
    if args.command == "health":
        return _health_command(settings, args.polling_silent or POLLING_SILENT)
    return _run_command(settings)


# The bot is taken for stopped when its tick is this many periods late (one minute at least);
# a message due this long and not sent means the outbox is not moving.
TICKS_LATE = 3
OUTBOX_STUCK = 10  # minutes
# The bot is taken for deaf when, at its last tick, getUpdates had not been answered for this
# long: an idle long poll is answered every POLLING_TIMEOUT_SECONDS and aiogram retries a failed
# one within 5 s, so three long polls without an answer is more than a blip.
POLLING_SILENT = 3 * POLLING_TIMEOUT_SECONDS  # seconds
WEBHOOK_ANSWER_SECONDS = 5.0  # the bot's HTTP server answers at once, whatever it handles


def _health_command(settings: Settings, polling_silent: float) -> int:
    """One line: `ok: …`, or what is wrong (exit 1)."""
    from datetime import timedelta

    from storage.health import read_health

    now = datetime.now(UTC)
    try:
        health = read_health(settings.database_path, now, timedelta(minutes=OUTBOX_STUCK))
    except (OSError, sqlite3.Error) as exc:
        print(f"unhealthy: {exc}")
        return EXIT_REFUSED
    late = timedelta(seconds=max(TICKS_LATE * settings.scheduler_tick_seconds, 60))
    if health.last_tick is None or now - health.last_tick > late:
        when = health.last_tick.isoformat(timespec="seconds") if health.last_tick else "never"
        print(f"unhealthy: the scheduler has not run since {when} (the bot is not running?)")
        return EXIT_REFUSED
    if settings.webhook_url:
        problem, receiving = _webhook_health(settings, health)
    else:
        problem, receiving = _polling_health(health, polling_silent)
    if problem is None and health.overdue_messages:
        problem = (
            f"{health.overdue_messages} messages due for over {OUTBOX_STUCK} minutes"
            " are not sent (Telegram unreachable? see the bot's log)"
        )
    if problem is not None:
        print(f"unhealthy: {problem}")
        return EXIT_REFUSED
    age = int((now - health.last_tick).total_seconds())
    print(f"ok: the scheduler ran {age} s ago, {receiving}, no message waits past its time")
    return EXIT_OK


def _polling_health(health: Health, polling_silent: float) -> tuple[str | None, str]:
    """What is wrong with the bot's polling (None: nothing), and what is right."""
    if health.last_tick is None or health.last_poll is None:
        return "the bot has not recorded its polling (an older version? restart it)", ""
    # Measured at the bot's last tick, which wrote both marks: the caller checked it is recent.
    silent = int((health.last_tick - health.last_poll).total_seconds())
    if silent > polling_silent:
        return (
            f"getUpdates has not been answered since"
            f" {health.last_poll.isoformat(timespec='seconds')} ({silent} s before the"
            " scheduler's last run): the bot receives no updates (the network, or another bot"
            " polling with this token? see the bot's log)"
        ), ""
    return None, f"getUpdates answered {max(silent, 0)} s before it"


def _webhook_health(settings: Settings, health: Health) -> tuple[str | None, str]:
    """Webhook mode: whether the bot's HTTP server answers on WEBHOOK_LISTEN. Not how long ago
    the last update came: Telegram posts only when someone acts, and a quiet college leaves a
    healthy bot without an update for hours, so that age is reported, never judged."""
    import http.client

    host, port = settings.webhook_address
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    connection = http.client.HTTPConnection(host, port, timeout=WEBHOOK_ANSWER_SECONDS)
    try:
        # The route takes only POST: a GET is answered 405 and hands nothing to the bot.
        connection.request("GET", settings.webhook_path)
        connection.getresponse().read()
    except (OSError, http.client.HTTPException) as exc:
        return (
            f"the webhook server does not answer on {settings.webhook_listen} ({exc}):"
            " Telegram cannot deliver updates (see the bot's log)"
        ), ""
    finally:
        connection.close()
    if health.last_tick is None or health.last_poll is None:
        last = "no update recorded yet"
    else:
        quiet = int((health.last_tick - health.last_poll).total_seconds())
        last = f"the last update {max(quiet, 0)} s before it"
    return None, f"the webhook server answers on {settings.webhook_listen} ({last})"


def _backup_command(settings: Settings, path: Path) -> int:
    """One line: the copy made, or why not (exit 1)."""
    from storage.backup import BackupFailed, make_backup

    try:
        made = make_backup(settings.database_path, path, datetime.now(UTC))
    except BackupFailed as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    print(f"backup: {made} ({made.stat().st_size} bytes)")
    return EXIT_OK


def _import_command(settings: Settings, path: Path) -> int:
    # No aiogram on this path: an import from the shell starts in a fraction of a second.
    from storage.db import DatabaseNewer, DatabaseUnavailable

    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"{path}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return asyncio.run(_import(settings, path, data))
    except DatabaseNewer as exc:
        print(f"database refused: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except DatabaseUnavailable as exc:
        print(f"settings error: DATABASE_PATH: cannot open {exc}", file=sys.stderr)
        return EXIT_USAGE


def _run_command(settings: Settings) -> int:
    from aiogram.exceptions import TelegramAPIError, TelegramUnauthorizedError

    from bot.webhook import WebhookListenError
    from storage.db import DatabaseNewer, DatabaseUnavailable

    try:
        asyncio.run(_run(settings))
    except DatabaseNewer as exc:
        print(f"database refused: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except DatabaseUnavailable as exc:
        print(f"settings error: DATABASE_PATH: cannot open {exc}", file=sys.stderr)
        return EXIT_USAGE
    except TelegramUnauthorizedError:
        print("settings error: BOT_TOKEN: Telegram refused the token", file=sys.stderr)
        return EXIT_USAGE
    except WebhookListenError as exc:
        print(f"settings error: WEBHOOK_LISTEN: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except TelegramAPIError as exc:  # refused for good at start-up (an outage is waited out)
        where = settings.telegram_api_url or "Telegram"
        print(f"the Bot API at {where} refused the bot: {exc.message}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        pass
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
