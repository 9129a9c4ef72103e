"""/stats, /export and /report over a big programme: how long each takes, the bot's memory at
rest before and after them and at its peak (against the echo bot's), and how long another
person waits for /help meanwhile.

The programme: a roster of mentors and mentees imported with `python -m bot import` (1 000 pairs
by default), then 30 meetings held, 5 questions and the plan's milestones settled per pair,
written straight into the database (the bench's own SQL: the bot's forms would take hours). The
real bot (`python -m bot`) polls a fake Bot API server in this process over real HTTP. An admin
sends each command in turn while another person keeps sending /help, one at a time, until the
answer arrives; the answer is checked (the figures in /stats, the workbook and the zip read back
with their rows, the programme's report with its pairs and chart). Memory from /proc: the bot's
RSS at rest before the first command and after the last one (the libraries that write the
files must not stay), and its peak (VmHWM).

The bench fails (exit 1) when an answer is missing or wrong, or when the bot's resting memory
after the commands exceeds its resting memory before them by more than `--rest-growth` (the
share, 0.15 by default): that is its own check, kept by the test suite's small run.

    .venv/bin/python bench/bench_reports.py [--pairs 1000] [--meetings 30] [--rounds 1]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "e2e"), str(ROOT / "bench")]

from bench_import_latency import roster_csv  # noqa: E402
from bench_updates import (  # noqa: E402
    BenchError,
    accept_consent,
    mark_notices_sent,
    proc_status_mib,
    stop,
    tail,
    until_polling,
)
from bot_process import bot_env  # noqa: E402
from fake_bot_api import FakeBotAPI  # noqa: E402
from people import TelegramUser  # noqa: E402

START_TIMEOUT = 60.0
REPLY_TIMEOUT = 300.0
POLL = 0.005
PAUSE = 0.05
BASELINE_SAMPLES = 20
SETTLE = 1.0  # after the last answer, before reading the resting memory
ADMIN_ID = 990_000_001
HELP_TITLE = "Что я умею"
FORMATS = ("consultation", "mentee_visit", "mentor_visit", "open_lesson", "analysis", "other")


@dataclass
class Command:
    text: str
    seconds: float = 0.0
    rss_after: float = 0.0  # MiB, the bot's, a moment after the answer
    during: list[float] = field(default_factory=list)  # /help latencies meanwhile


@dataclass
class Memory:
    ready: float  # MiB: RSS once polling
    rest_before: float  # at rest before the first command
    rest_after: float  # at rest after the last
    peak: float  # VmHWM


def fill(database: Path, meetings_per_pair: int) -> tuple[int, int]:
    """Meetings held, questions and settled milestones for every pair; returns
    (pairs, meetings)."""
    rng = random.Random(7)
    conn = sqlite3.connect(database)
    try:
        pairs = conn.execute("SELECT id, mentor_id FROM pairs").fetchall()
        start = datetime(2026, 9, 2, 4, 0, tzinfo=UTC)
        stamp = start.isoformat(timespec="seconds")
        meetings = []
        questions = []
        for pair_id, mentor_id in pairs:
            for n in range(meetings_per_pair):
                at = start + timedelta(days=rng.randrange(90), minutes=30 * rng.randrange(16))
                meetings.append(
                    (
                        pair_id, mentor_id, at.isoformat(timespec="seconds"),
                        rng.choice((45, 60, 90)), FORMATS[n % len(FORMATS)],
                        f"Тема встречи {n}", "Разобрали урок", "Рекомендации", "Задание",
                        stamp, stamp,
                    )
                )  # fmt: skip
            for n in range(5):
                asked = start + timedelta(days=rng.randrange(90), hours=rng.randrange(10))
                answered = asked + timedelta(minutes=rng.randrange(20, 3000)) if n < 4 else None
                questions.append(
                    (
                        pair_id, f"Вопрос {n}", "answered" if answered else "open",
                        asked.isoformat(timespec="seconds"), "Ответ" if answered else None,
                        answered.isoformat(timespec="seconds") if answered else None,
                    )
                )  # fmt: skip
        conn.executemany(
            "INSERT INTO meetings (pair_id, proposed_by, starts_at, duration_min, format, topic,"
            " status, content, result, task, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 'held', ?, ?, ?, ?, ?)",
            meetings,
        )
        conn.executemany(
            "INSERT INTO questions (pair_id, text, status, asked_at, answer_text, answered_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            questions,
        )
        # The first four milestones of every plan fell due this autumn; most were accepted.
        conn.execute(
            "UPDATE milestones SET due_date = '2026-10-' || printf('%02d', position + 1),"
            " status = CASE WHEN id % 5 = 0 THEN 'returned' ELSE 'accepted' END,"
            " submitted_at = '2026-10-0' || (position % 9 + 1) || 'T05:00:00+00:00',"
            " decided_at = '2026-10-15T05:00:00+00:00' WHERE position <= 4"
        )
        conn.commit()
        return len(pairs), len(meetings)
    finally:
        conn.close()


class Chat:
    def __init__(self, api: FakeBotAPI, user: TelegramUser) -> None:
        self.api, self.user = api, user

    def texts(self, contains: str) -> int:
        return sum(
            1
            for m in self.api.messages_to(self.user.id)
            if contains in (m.get("text") or m.get("caption") or "")
        )

    async def ask(self, text: str, expect: str, process: asyncio.subprocess.Process) -> float:
        before = self.texts(expect)
        started = time.perf_counter()
        self.user.send(text)
        while self.texts(expect) <= before:
            if process.returncode is not None:
                raise BenchError(f"the bot exited ({process.returncode})")
            if time.perf_counter() - started > REPLY_TIMEOUT:
                raise BenchError(f"no answer to {text!r} in {REPLY_TIMEOUT:g} s")
            await asyncio.sleep(POLL)
        return time.perf_counter() - started


def check_answer(command: str, api: FakeBotAPI, pairs: int, meetings: int) -> None:
    """The answer is the right one, read back as a person's program would."""
    if command == "/stats":
        text = next(
            m["text"]
            for m in reversed(api.messages_to(ADMIN_ID))
            if "Наставничество за" in (m.get("text") or "")
        )
        text = re.sub(r"(?<=\d)\s(?=\d)", "", text)  # Fluent groups digits: 30 060
        if f"{pairs} активн" not in text or f"проведено встреч: {meetings} " not in text:
            raise BenchError(f"/stats does not say {pairs} pairs and {meetings} meetings:\n{text}")
        return
    sent = api.documents_to(ADMIN_ID)[-1]
    if command == "/report":
        import docx

        document = docx.Document(io.BytesIO(sent.data))
        listed = len(document.tables[-1].rows) - 1
        if listed != pairs or len(document.inline_shapes) != 1:
            raise BenchError(f"/report lists {listed} pairs, not {pairs}, or has no chart")
        return
    if command == "/export":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(sent.data), read_only=True)
        rows = sum(1 for _ in book["Журнал"].iter_rows(min_row=2, values_only=True))
        listed = sum(1 for _ in book["Пары"].iter_rows(min_row=2, values_only=True))
    else:
        archive = zipfile.ZipFile(io.BytesIO(sent.data))
        read = archive.read("journal.csv").decode("utf-8-sig")
        rows = len(list(csv.reader(io.StringIO(read), delimiter=";"))) - 1
        listed = archive.read("pairs.csv").decode("utf-8-sig").count("\n") - 1
    if rows != meetings or listed != pairs:
        raise BenchError(f"{command}: {rows} meetings and {listed} pairs, not {meetings}, {pairs}")


async def echo_memory(workdir: Path) -> tuple[float, float]:
    """The echo bot's RSS once polling and its peak after a few answers: the baseline."""
    api = FakeBotAPI()
    await api.start()
    settings = {"BOT_TOKEN": api.token, "TELEGRAM_API_URL": api.base_url}
    log_path = workdir / "echo.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "bench" / "echo_bot.py"), cwd=workdir,
            env=bot_env(**settings), stdout=log, stderr=log,
        )  # fmt: skip
    try:
        await api.wait_for(lambda: api.calls("getUpdates"), START_TIMEOUT, "echo's getUpdates")
        chat = Chat(api, TelegramUser(api, ADMIN_ID, "Гульнара", "Асанова"))
        for _ in range(BASELINE_SAMPLES):
            await chat.ask("/help", "/help", process)
        await asyncio.sleep(SETTLE)
        return proc_status_mib(process.pid, "VmRSS"), proc_status_mib(process.pid, "VmHWM")
    finally:
        await stop(process)
        await api.stop()


async def run(
    workdir: Path, pairs_wanted: int, meetings_per_pair: int
) -> tuple[list[Command], list[float], Memory, int, int]:
    database = workdir / "bot.db"
    roster = workdir / "roster.csv"
    roster.write_bytes(roster_csv(pairs_wanted * 2))
    env = bot_env(DATABASE_PATH=str(database), LOG_LEVEL="WARNING") | {"PYTHONPATH": str(ROOT)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "import", str(roster), cwd=workdir, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    if process.returncode != 0:
        raise BenchError(f"import failed: {out.decode()}{err.decode()}")
    await mark_notices_sent(database)
    await accept_consent(database)
    pairs, meetings = fill(database, meetings_per_pair)
    asker_id = int(sqlite3.connect(database).execute(
        "SELECT telegram_id FROM people WHERE role = 'mentor' ORDER BY id LIMIT 1"
    ).fetchone()[0])  # fmt: skip

    api = FakeBotAPI()
    await api.start()
    settings = {
        "BOT_TOKEN": api.token,
        "TELEGRAM_API_URL": api.base_url,
        "DATABASE_PATH": str(database),
        "ADMIN_IDS": str(ADMIN_ID),
        "LOG_LEVEL": "WARNING",
        "QUIET_HOURS": "",
    }
    log_path = workdir / "bot.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=workdir,
            env=bot_env(**settings) | {"PYTHONPATH": str(ROOT)}, stdout=log, stderr=log,
        )  # fmt: skip
    commands = [
        Command("/stats"), Command("/export"), Command("/export csv"), Command("/report"),
    ]  # fmt: skip
    expects = {
        "/stats": "Встречи по неделям",
        "/export": "Выгрузка за",
        "/export csv": "архив CSV",
        "/report": "Отчёт о программе наставничества",
    }
    try:
        await until_polling(api, process, "the bot")
        ready = proc_status_mib(process.pid, "VmRSS")
        admin = Chat(api, TelegramUser(api, ADMIN_ID, "Гульнара", "Асанова"))
        asker = Chat(api, TelegramUser(api, asker_id, "Азамат", "Алиев"))
        await admin.ask("/start", "Здравствуйте", process)
        await asker.ask("/start", "Здравствуйте", process)
        baseline = []
        for _ in range(BASELINE_SAMPLES):
            baseline.append(await asker.ask("/help", HELP_TITLE, process))
            await asyncio.sleep(PAUSE)
        await asyncio.sleep(SETTLE)
        rest_before = proc_status_mib(process.pid, "VmRSS")
        for command in commands:
            expect = expects[command.text]
            before = admin.texts(expect)
            started = time.perf_counter()
            admin.user.send(command.text)
            while admin.texts(expect) == before:
                command.during.append(await asker.ask("/help", HELP_TITLE, process))
                await asyncio.sleep(PAUSE)
                if time.perf_counter() - started > REPLY_TIMEOUT:
                    raise BenchError(f"no answer to {command.text} in {REPLY_TIMEOUT:g} s")
            # Sampled one /help at a time: the answer came at most one /help ago.
            command.seconds = time.perf_counter() - started
            check_answer(command.text, api, pairs, meetings)
            await asyncio.sleep(SETTLE)
            command.rss_after = proc_status_mib(process.pid, "VmRSS")
        await asyncio.sleep(SETTLE)
        memory = Memory(
            ready, rest_before, proc_status_mib(process.pid, "VmRSS"),
            proc_status_mib(process.pid, "VmHWM"),
        )  # fmt: skip
        if api.server_errors or api.refusals:
            raise BenchError("the fake server failed or refused:\n" + "\n".join(
                api.server_errors + api.refusals))  # fmt: skip
    except (BenchError, AssertionError) as exc:
        raise BenchError(f"{exc}\n{tail(log_path)}") from None
    finally:
        await stop(process)
        await api.stop()
    text = log_path.read_text(encoding="utf-8", errors="replace")
    if "Traceback" in text or " ERROR " in text:
        raise BenchError(f"the bot logged errors:\n{tail(log_path)}")
    return commands, baseline, memory, pairs, meetings


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def render(
    commands: list[Command], baseline: list[float], memory: Memory, echo: tuple[float, float],
    pairs: int, meetings: int,
) -> str:  # fmt: skip
    lines = [
        f"{pairs} pairs, {meetings} meetings held; /help from another person, one at a time",
        "",
        "| command | answered in s | /help meanwhile: median / max ms | samples "
        "| bot RSS after, MiB |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| (none) | — | {ms(statistics.median(baseline))} / {ms(max(baseline))} "
        f"| {len(baseline)} | {memory.rest_before:.1f} |",
    ]
    for c in commands:
        during = c.during or [0.0]
        lines.append(
            f"| `{c.text}` | {c.seconds:.2f} | {ms(statistics.median(during))} / "
            f"{ms(max(during))} | {len(c.during)} | {c.rss_after:.1f} |"
        )
    lines += [
        "",
        "| memory, MiB | bot | echo bot | bot / echo |",
        "| --- | ---: | ---: | ---: |",
        f"| at rest before the commands | {memory.rest_before:.1f} | {echo[0]:.1f} "
        f"| {memory.rest_before / echo[0]:.2f} |",
        f"| at rest after them | {memory.rest_after:.1f} | {echo[0]:.1f} "
        f"| {memory.rest_after / echo[0]:.2f} |",
        f"| peak (VmHWM) | {memory.peak:.1f} | {echo[1]:.1f} | {memory.peak / echo[1]:.2f} |",
    ]
    return "\n".join(lines)


async def bench(pairs: int, meetings: int, rest_growth: float) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        workdir = Path(tmp)
        echo = await echo_memory(workdir)
        commands, baseline, memory, made, held = await run(workdir, pairs, meetings)
    print(render(commands, baseline, memory, echo, made, held))
    growth = memory.rest_after / memory.rest_before - 1
    verdict = "met" if growth <= rest_growth else "NOT met"
    print(f"\nresting memory after / before: {1 + growth:.3f}; at most {1 + rest_growth:.2f}: "
          f"{verdict}")  # fmt: skip
    return 0 if growth <= rest_growth else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--pairs", type=int, default=1000, help="pairs in the programme")
    parser.add_argument("--meetings", type=int, default=30, help="meetings held per pair")
    parser.add_argument("--rest-growth", type=float, default=0.15)
    args = parser.parse_args(argv)
    if not 1 <= args.pairs <= 2500 or args.meetings < 1:
        parser.error("--pairs within 1..2500 (the roster's 5 000 rows), --meetings positive")
    try:
        return asyncio.run(bench(args.pairs, args.meetings, args.rest_growth))
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
