"""The real entry point, `python -m bot`, run as a subprocess with settings from the environment."""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from bot_process import bot_env
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
    [("ADMIN_IDS", "1,x"), ("TIMEZONE", "Mars/Base")],
)
def test_invalid_setting_stops_start_up_naming_it(tmp_path: Path, name: str, value: str) -> None:
    result = run_bot(tmp_path, BOT_TOKEN="123456:TEST-token", **{name: value})

    assert_one_line_naming(result, name)


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
