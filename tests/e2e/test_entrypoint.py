"""The real entry point, `python -m bot`, run as a subprocess with settings from the environment."""

from __future__ import annotations

import asyncio
import shutil
import signal
import socket
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bot_process import bot_env
from conftest import webhook_settings
from fake_bot_api import FakeBotAPI

START_TIMEOUT = 60.0  # importing aiogram alone takes seconds on a busy CI machine
STOP_TIMEOUT = 10.0


def run_bot(cwd: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ARGS` to completion in `cwd` (a folder without `.env`)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=bot_env(**settings),
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
        check=False,
    )


def assert_one_line_naming(result: subprocess.CompletedProcess[str], name: str) -> None:
    """Exit 2 with a single stderr line that names the setting, and no traceback."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert name in lines[0]


def test_help_lists_the_subcommands_without_a_token(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "--help")

    assert result.returncode == 0, result.stderr
    assert "run" in result.stdout
    assert "import" in result.stdout


def test_missing_token_stops_start_up_with_one_line(tmp_path: Path) -> None:
    result = run_bot(tmp_path)

    assert_one_line_naming(result, "BOT_TOKEN")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ADMIN_IDS", "1,x"),
        ("TIMEZONE", "Mars/Base"),
        ("WEBHOOK_SECRET", "not allowed"),
        ("WEBHOOK_LISTEN", "8080"),
    ],
)
def test_invalid_setting_stops_start_up_naming_it(tmp_path: Path, name: str, value: str) -> None:
    result = run_bot(tmp_path, BOT_TOKEN="123456:TEST-token", **{name: value})

    assert_one_line_naming(result, name)


def test_a_webhook_url_without_a_secret_stops_start_up_with_one_line(tmp_path: Path) -> None:
    result = run_bot(
        tmp_path, BOT_TOKEN="123456:TEST-token", WEBHOOK_URL="https://bot.example.org/tg/x"
    )

    assert_one_line_naming(result, "WEBHOOK_SECRET")


def test_import_of_a_missing_file_needs_no_token(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "import", "missing.csv", DATABASE_PATH=str(tmp_path / "bot.db"))

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert "missing.csv" in result.stderr


def test_import_without_a_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "import")

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr, result.stderr


async def test_listed_admin_ids_are_accepted_and_sigterm_stops_cleanly(
    tmp_path: Path, fake_api: FakeBotAPI
) -> None:
    env = bot_env(
        BOT_TOKEN=fake_api.token,
        TELEGRAM_API_URL=fake_api.base_url,
        ADMIN_IDS="111,222",
        DATABASE_PATH=str(tmp_path / "data" / "bot.db"),
        SCHEDULER_TICK_SECONDS="0.2",
        QUIET_HOURS="",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await fake_api.wait_for(
            lambda: fake_api.calls("getUpdates") or process.returncode is not None,
            START_TIMEOUT,
            "the bot's first getUpdates",
        )
        if process.returncode is not None:
            _, early = await process.communicate()
            pytest.fail(f"the bot exited ({process.returncode}) before polling:\n{early.decode()}")
        process.send_signal(signal.SIGTERM)
        _, stderr_bytes = await asyncio.wait_for(process.communicate(), STOP_TIMEOUT)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    stderr = stderr_bytes.decode()

    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr, stderr
    assert fake_api.token not in stderr


async def test_a_token_telegram_refuses_stops_with_one_line(
    tmp_path: Path, fake_api: FakeBotAPI
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=bot_env(
            BOT_TOKEN="999:not-the-fake-servers-token",
            TELEGRAM_API_URL=fake_api.base_url,
            DATABASE_PATH=str(tmp_path / "bot.db"),
            LOG_LEVEL="WARNING",
        ),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), START_TIMEOUT)
    result = subprocess.CompletedProcess([], process.returncode or 0, "", stderr.decode())

    assert_one_line_naming(result, "BOT_TOKEN")


async def test_a_bot_api_error_that_is_not_an_outage_stops_with_one_line(
    tmp_path: Path, fake_api: FakeBotAPI
) -> None:
    fake_api.fail_next("getMe", None, 404, "Not Found")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=bot_env(
            BOT_TOKEN=fake_api.token,
            TELEGRAM_API_URL=fake_api.base_url,
            DATABASE_PATH=str(tmp_path / "bot.db"),
            LOG_LEVEL="WARNING",
        ),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr_bytes = await asyncio.wait_for(process.communicate(), START_TIMEOUT)
    stderr = stderr_bytes.decode()

    assert process.returncode == 1, stderr
    assert stderr.strip().splitlines() == [
        f"the Bot API at {fake_api.base_url} refused the bot: Not Found"
    ]


def closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on: connecting is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_an_unreachable_bot_api_is_waited_for_and_sigterm_stops_the_wait(
    tmp_path: Path,
) -> None:
    token = "123456:TEST-secret-token"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=bot_env(
            BOT_TOKEN=token,
            TELEGRAM_API_URL=f"http://127.0.0.1:{closed_port()}",
            DATABASE_PATH=str(tmp_path / "bot.db"),
            LOG_LEVEL="WARNING",
        ),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    try:
        first = await asyncio.wait_for(process.stderr.readline(), START_TIMEOUT)
        process.send_signal(signal.SIGTERM)
        rest, _ = await asyncio.wait_for(
            asyncio.gather(process.stderr.read(), process.wait()), STOP_TIMEOUT
        )
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    stderr = first.decode() + rest.decode()

    assert "WARNING bot.startup: getMe failed (TelegramNetworkError" in first.decode(), stderr
    assert "trying again in 1 s" in first.decode(), stderr
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr, stderr
    assert "secret" not in stderr


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "cannot read"),
        ("[[milestone]\ntitle = 'x'", "not valid TOML"),
        ("[[milestone]]\ntitle = 'Открытый урок'\n", "exactly one of due_months, due_fraction"),
        ("[[milestone]]\ntitle = 'Портфолио'\ndue_fraction = 1.5\n", "due_fraction"),
    ],
)
def test_a_bad_plan_template_stops_start_up_with_one_line(
    tmp_path: Path, content: str | None, problem: str
) -> None:
    template = tmp_path / "plan.toml"
    if content is not None:
        template.write_text(content, encoding="utf-8")

    result = run_bot(tmp_path, BOT_TOKEN="123456:TEST-token", PLAN_TEMPLATE=str(template))

    assert_one_line_naming(result, "PLAN_TEMPLATE")
    assert str(template) in result.stderr and problem in result.stderr


async def _start(
    tmp_path: Path, fake_api: FakeBotAPI, database: Path, **settings: str
) -> asyncio.subprocess.Process:
    """`python -m bot` on `database`, polling the fake server (or, given WEBHOOK_URL, served)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=tmp_path,
        env=bot_env(
            BOT_TOKEN=fake_api.token, TELEGRAM_API_URL=fake_api.base_url, ADMIN_IDS="111",
            DATABASE_PATH=str(database), QUIET_HOURS="", **settings,
        ),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    receiving = "setWebhook" if "WEBHOOK_URL" in settings else "getUpdates"
    await fake_api.wait_for(
        lambda: fake_api.calls(receiving) or process.returncode is not None,
        START_TIMEOUT,
        f"the bot's first {receiving}",
    )
    assert process.returncode is None, (await process.communicate())[1].decode()
    return process


async def _stop(process: asyncio.subprocess.Process) -> str:
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), STOP_TIMEOUT)
    return stderr.decode()


async def test_a_backup_made_while_the_bot_runs_restores_and_the_bot_starts_on_it(
    tmp_path: Path, fake_api: FakeBotAPI
) -> None:
    from people import TelegramUser

    database = tmp_path / "data" / "bot.db"
    roster = tmp_path / "roster.csv"
    roster.write_text("ФИО;Роль;Telegram\nИванова Анна Петровна;наставник;2001\n", encoding="utf-8")
    imported = await asyncio.to_thread(
        run_bot, tmp_path, "import", str(roster), DATABASE_PATH=str(database)
    )
    assert imported.returncode == 0, imported.stderr
    process = await _start(tmp_path, fake_api, database)
    try:
        mentor = TelegramUser(fake_api, 2001, "Анна", "Иванова")
        mentor.send("/start")
        await mentor.wait_message("Здравствуйте, Анна Петровна", timeout=30)
        copy = await asyncio.to_thread(
            run_bot, tmp_path, "backup", str(tmp_path / "backups"), DATABASE_PATH=str(database)
        )
    finally:
        stderr = await _stop(process)
    assert copy.returncode == 0, copy.stderr
    (line,) = copy.stdout.strip().splitlines()
    assert line.startswith(f"backup: {tmp_path / 'backups'}/nastavnik-") and "bytes" in line
    restored = tmp_path / "restored" / "bot.db"
    await asyncio.to_thread(restored.parent.mkdir)
    # The README's restore: the bot stopped, the copy put in place of the database.
    await asyncio.to_thread(shutil.copyfile, line.split(" ")[1], restored)

    again = FakeBotAPI()
    await again.start()
    try:
        process = await _start(tmp_path, again, restored)
        try:
            mentor = TelegramUser(again, 2001, "Анна", "Иванова")
            mentor.send("/help")  # known from the copy: no access request, her own help
            await mentor.wait_message("Что я умею", timeout=30)
            assert not any("доступ" in (m.get("text") or "") for m in mentor.messages())
        finally:
            stderr = await _stop(process)
    finally:
        await again.stop()
    assert "Traceback" not in stderr, stderr


def test_a_backup_of_no_database_fails_with_one_line(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "backup", str(tmp_path / "b.db"), DATABASE_PATH="none/x.db")
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert "backup failed: no database at none/x.db" in result.stderr


def test_a_database_of_a_newer_bot_is_refused_with_one_line(tmp_path: Path) -> None:
    import sqlite3

    database = tmp_path / "bot.db"
    roster = tmp_path / "roster.csv"
    roster.write_text("ФИО;Роль\nИванова Анна Петровна;наставник\n", encoding="utf-8")
    assert run_bot(tmp_path, "import", str(roster), DATABASE_PATH=str(database)).returncode == 0
    with sqlite3.connect(database) as conn:
        conn.execute("INSERT INTO schema_version VALUES (999, '999_future.sql', 'x')")
    for args, token in (((), "123:abc"), (("import", str(roster)), "")):
        result = run_bot(tmp_path, *args, DATABASE_PATH=str(database), BOT_TOKEN=token)
        assert result.returncode == 1, result.stderr
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith("database refused:") and "schema 999" in line, line
        assert "Traceback" not in result.stderr


async def test_health_says_whether_the_bot_runs_and_its_outbox_moves(
    tmp_path: Path, fake_api: FakeBotAPI
) -> None:
    import sqlite3
    from datetime import UTC, datetime, timedelta

    database = tmp_path / "bot.db"

    def health() -> subprocess.CompletedProcess[str]:
        return run_bot(tmp_path, "health", DATABASE_PATH=str(database))

    missing = await asyncio.to_thread(health)
    assert missing.returncode == 1 and "no database" in missing.stdout
    process = await _start(tmp_path, fake_api, database)
    try:
        await fake_api.wait_for(
            lambda: (
                database.exists()
                and sqlite3.connect(database)
                .execute("SELECT COUNT(*) FROM scheduler_marks WHERE name = 'reminders'")
                .fetchone()[0]
            ),
            START_TIMEOUT,
            "the first tick",
        )
        running = await asyncio.to_thread(health)
    finally:
        await _stop(process)
    assert running.returncode == 0, running.stdout
    assert running.stdout.startswith("ok: the scheduler ran")
    assert "getUpdates answered" in running.stdout

    long_ago = (datetime.now(UTC) - timedelta(minutes=10)).isoformat(timespec="seconds")
    with sqlite3.connect(database) as conn:
        conn.execute(
            "UPDATE scheduler_marks SET done_until = ? WHERE name = 'reminders'", (long_ago,)
        )
    stopped = await asyncio.to_thread(health)
    assert stopped.returncode == 1 and "has not run since" in stopped.stdout

    with sqlite3.connect(database) as conn:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        conn.execute("UPDATE scheduler_marks SET done_until = ?", (now,))  # polling too
        conn.execute(
            "INSERT INTO outbox (key, person_id, text, not_before, created_at, chat_id)"
            " VALUES ('stuck', NULL, 'x', ?, ?, 5)",
            (long_ago, long_ago),
        )
    stuck = await asyncio.to_thread(health)
    assert stuck.returncode == 1 and "1 messages due for over 10 minutes" in stuck.stdout


def _marks(database: Path) -> dict[str, datetime]:
    """The scheduler's marks as the bot wrote them: its last tick, getUpdates' last answer."""
    import sqlite3

    if not database.exists():
        return {}
    with closing(sqlite3.connect(database)) as conn:
        rows = conn.execute("SELECT name, done_until FROM scheduler_marks").fetchall()
    return {name: datetime.fromisoformat(moment) for name, moment in rows}


def _polling_silent(database: Path) -> float:
    """Seconds without an answer to getUpdates at the bot's last tick (0 before a tick)."""
    marks = _marks(database)
    if "reminders" not in marks or "polling" not in marks:
        return 0.0
    return (marks["reminders"] - marks["polling"]).total_seconds()


SILENT = 3.0


@pytest.mark.polling_only("the bot is deaf when getUpdates fails; runs no BotRunner")
async def test_health_says_the_bot_receives_no_updates_while_get_updates_fails(
    tmp_path: Path, fake_api: FakeBotAPI
) -> None:
    database = tmp_path / "bot.db"
    # Two bots polling with one token: Telegram refuses the second's getUpdates, for good.
    fake_api.fail_next(
        "getUpdates", None, 409, "Conflict: terminated by other getUpdates request", times=10**6
    )
    process = await _start(tmp_path, fake_api, database, SCHEDULER_TICK_SECONDS="0.5")
    # The default bound (POLLING_SILENT, 30 s) made short: the test waits seconds, not a minute.
    silent = ("health", "--polling-silent", str(SILENT))
    try:
        await fake_api.wait_for(
            lambda: _polling_silent(database) > SILENT,
            SILENT + 30,
            f"a tick that saw {SILENT} s of refused getUpdates",
        )
        deaf = await asyncio.to_thread(run_bot, tmp_path, *silent, DATABASE_PATH=str(database))
        fake_api.stop_failing()
        await fake_api.wait_for(  # the silence only grew while getUpdates failed
            lambda: _polling_silent(database) < SILENT,
            30,
            "a tick that saw getUpdates answered again",
        )
        again = await asyncio.to_thread(run_bot, tmp_path, *silent, DATABASE_PATH=str(database))
    finally:
        await _stop(process)

    assert deaf.returncode == 1, deaf.stdout
    (line,) = deaf.stdout.splitlines()
    assert line.startswith("unhealthy: getUpdates has not been answered since"), line
    assert "the bot receives no updates" in line
    assert again.returncode == 0, again.stdout
    assert again.stdout.startswith("ok: the scheduler ran")


def test_health_on_a_database_without_the_polling_mark_names_the_cause(tmp_path: Path) -> None:
    import sqlite3

    database = tmp_path / "bot.db"
    roster = tmp_path / "roster.csv"
    roster.write_text("ФИО;Роль\nИванова Анна Петровна;наставник\n", encoding="utf-8")
    assert run_bot(tmp_path, "import", str(roster), DATABASE_PATH=str(database)).returncode == 0
    with sqlite3.connect(database) as conn:  # as a bot of an older version leaves it, running
        now = datetime.now(UTC).isoformat(timespec="seconds")
        conn.execute("INSERT INTO scheduler_marks VALUES ('reminders', ?)", (now,))

    result = run_bot(tmp_path, "health", DATABASE_PATH=str(database))

    assert result.returncode == 1, result.stdout
    assert result.stdout.startswith("unhealthy: the bot has not recorded its polling (")


def _webhook_env() -> dict[str, str]:
    return {name.upper(): value for name, value in webhook_settings().items()}


async def test_webhook_mode_answers_and_sigterm_stops_it_cleanly(
    tmp_path: Path, fake_api: FakeBotAPI
) -> None:
    from people import TelegramUser

    database, webhook = tmp_path / "bot.db", _webhook_env()
    admin = TelegramUser(fake_api, 111, "Гульнара")
    process = await _start(tmp_path, fake_api, database, **webhook)
    try:
        admin.send("/cancel")  # one message, before the consent text or after
        await admin.wait_message("", timeout=START_TIMEOUT)
    finally:
        stderr = await _stop(process)

    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr, stderr
    assert "through the webhook" in stderr and "stopped" in stderr
    assert fake_api.token not in stderr and webhook["WEBHOOK_SECRET"] not in stderr
    assert [post.status for post in fake_api.webhook_posts] == [200]
    with pytest.raises(OSError):  # the port is released
        socket.create_connection(("127.0.0.1", int(webhook["WEBHOOK_LISTEN"].split(":")[1])), 1)


async def test_health_in_webhook_mode_asks_the_server_not_the_quiet(
    tmp_path: Path, fake_api: FakeBotAPI
) -> None:
    import sqlite3
    from datetime import timedelta

    from aiohttp import web

    database, webhook = tmp_path / "bot.db", _webhook_env()

    def health(**mode: str) -> subprocess.CompletedProcess[str]:
        # The bot's own settings: WEBHOOK_URL is http, allowed with a self-hosted Bot API server.
        return run_bot(
            tmp_path,
            "health",
            DATABASE_PATH=str(database),
            TELEGRAM_API_URL=fake_api.base_url,
            **mode,
        )

    process = await _start(tmp_path, fake_api, database, **webhook)
    try:
        await fake_api.wait_for(lambda: "polling" in _marks(database), what="the first tick")
        running = await asyncio.to_thread(health, **webhook)
    finally:
        await _stop(process)
    gone = await asyncio.to_thread(health, **webhook)
    # A quiet college: no update for five hours, the scheduler going, the server answering.
    with sqlite3.connect(database) as conn:
        now = datetime.now(UTC)
        conn.execute("UPDATE scheduler_marks SET done_until = ?", (now.isoformat(),))
        conn.execute(
            "UPDATE scheduler_marks SET done_until = ? WHERE name = 'polling'",
            ((now - timedelta(hours=5)).isoformat(),),
        )
    host, port = webhook["WEBHOOK_LISTEN"].split(":")
    stand_in = web.AppRunner(web.Application())  # answers on the port as the bot's server would
    await stand_in.setup()
    await web.TCPSite(stand_in, host, int(port)).start()
    try:
        quiet = await asyncio.to_thread(health, **webhook)
        polled = await asyncio.to_thread(health)  # the same marks, read as a polling bot's
    finally:
        await stand_in.cleanup()

    assert running.returncode == 0, running.stdout
    assert running.stdout.startswith("ok: the scheduler ran")
    assert f"the webhook server answers on {webhook['WEBHOOK_LISTEN']}" in running.stdout
    assert gone.returncode == 1, gone.stdout
    assert gone.stdout.startswith("unhealthy: the webhook server does not answer on")
    assert quiet.returncode == 0, quiet.stdout
    assert "the last update 18000 s before it" in quiet.stdout
    assert polled.returncode == 1 and "getUpdates has not been answered" in polled.stdout


async def test_a_taken_webhook_port_stops_start_up_with_one_line(
    tmp_path: Path, fake_api: FakeBotAPI
) -> None:
    webhook = _webhook_env()
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as taken:
        taken.bind(("127.0.0.1", int(webhook["WEBHOOK_LISTEN"].split(":")[1])))
        taken.listen()
        result = await asyncio.to_thread(
            run_bot,
            tmp_path,
            BOT_TOKEN=fake_api.token,
            TELEGRAM_API_URL=fake_api.base_url,
            DATABASE_PATH=str(tmp_path / "bot.db"),
            LOG_LEVEL="WARNING",
            **webhook,
        )

    assert_one_line_naming(result, "WEBHOOK_LISTEN")
    assert "cannot listen on" in result.stderr
