"""How long another person waits for /help while an admin uploads a 5 000-row roster.

The real bot (`python -m bot`) polls a fake Bot API server in this process over real HTTP. In each
round, on a fresh database: first /help is timed alone (the baseline), then an admin sends a
5 000-row CSV after /import while the same person keeps sending /help, one at a time, until the
import's summary arrives. Reported: /help latency (median, max) with and without the import, the
import's duration (file sent → summary), and how long its write transaction held the database
(from the bot's log). No threshold is asserted; the target (/help under 1 s during the import) is
only reported. Exit 1 only when a round could not be measured.

    .venv/bin/python bench/bench_import_latency.py [--rounds 3] [--rows 5000] [--bot-root PATH]

`--bot-root` runs the bot from another checkout (say, an older commit unpacked with `git archive`)
against the same driver, to compare before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "e2e"), str(ROOT / "bench")]

from bench_updates import BenchError, stop, tail, until_polling  # noqa: E402
from bot_process import bot_env  # noqa: E402
from fake_bot_api import FakeBotAPI  # noqa: E402
from people import TelegramUser  # noqa: E402

TARGET_SECONDS = 1.0
REPLY_TIMEOUT = 120.0
BASELINE_SAMPLES = 30
PAUSE = 0.05  # between one /help's answer and the next /help
POLL = 0.002
ADMIN_ID, ASKER_ID = 900_000_001, 900_000_002
FIRST_ROSTER_ID = 910_000_000
HELP_TITLE = "Что я умею"
SUMMARY = "Список загружен"
WRITE_LOG = re.compile(r"write transaction ([0-9.]+) s")
HEADER = ["ФИО", "Роль", "Telegram", "ПЦК", "Наставник", "Вид", "Начало", "Окончание", "Приказ"]
_SURNAMES = "Алиев Асанов Беляев Васильев Егоров Жуков Захаров Ибраев Калинин Лебедев".split()
_FIRST_NAMES = "Азамат Алексей Бакыт Виктор Дмитрий Ермек Игорь Кирилл Максим Нурлан".split()


@dataclass
class Round:
    number: int
    baseline: list[float]  # /help latencies without an import, seconds
    during: list[float]  # /help latencies while the import ran
    import_seconds: float  # the file sent → the summary received
    write_seconds: float | None  # the import's write transaction, from the bot's log


def roster_csv(rows: int) -> bytes:
    """Mentors and their mentees in turn, every row with a numeric id; a mentee names their
    mentor by id (names repeat in 5 000 rows, and the name then would be ambiguous)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADER)
    pair = ["педагогический", "01.09.2026", "30.06.2027", "№ 112-к от 28.08.2026"]
    for index in range(rows):
        telegram_id = FIRST_ROSTER_ID + index
        name = f"{_SURNAMES[index % 10]} {_FIRST_NAMES[index // 10 % 10]} {index}"
        department = f"ПЦК {index % 12 + 1}"
        if index % 2 == 0:
            writer.writerow([name, "наставник", telegram_id, department, "", "", "", "", ""])
        else:
            writer.writerow([name, "наставляемый", telegram_id, department, telegram_id - 1, *pair])
    return buffer.getvalue().encode("utf-8")


class Chat:
    """Counts the bot's messages to one chat, to time the answer to each message sent."""

    def __init__(self, api: FakeBotAPI, user: TelegramUser) -> None:
        self.api = api
        self.user = user

    def count(self, contains: str) -> int:
        return sum(1 for m in self.api.messages_to(self.user.id) if contains in m.get("text", ""))

    async def ask(self, text: str, expect: str, process: asyncio.subprocess.Process) -> float:
        before = self.count(expect)
        started = time.perf_counter()
        self.user.send(text)
        while self.count(expect) <= before:
            if process.returncode is not None:
                raise BenchError(f"the bot exited ({process.returncode})")
            if time.perf_counter() - started > REPLY_TIMEOUT:
                raise BenchError(f"no answer to {text!r} in {REPLY_TIMEOUT:g} s")
            await asyncio.sleep(POLL)
        return time.perf_counter() - started


async def cli_import(workdir: Path, bot_root: Path, database: Path, data: bytes) -> None:
    roster = workdir / "asker.csv"
    roster.write_bytes(data)
    env = bot_env(DATABASE_PATH=str(database), LOG_LEVEL="WARNING") | {"PYTHONPATH": str(bot_root)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "import", str(roster), cwd=workdir, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    if process.returncode != 0:
        raise BenchError(f"import of the asker failed: {out.decode()}{err.decode()}")
    # The asker accepted the consent text already, whatever its version in the checkout run
    # (a bot from before consent has no such column).
    with closing(sqlite3.connect(database)) as conn, conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(people)")}
        if "consent_version" in columns:
            conn.execute("UPDATE people SET consent_version = 1000")


async def run_round(number: int, rows: int, bot_root: Path, workdir: Path) -> Round:
    rundir = workdir / f"round-{number}"
    rundir.mkdir()
    database = rundir / "bot.db"
    asker_row = ";".join(["Спрашивающая Анна", "наставник", str(ASKER_ID), "ПЦК 1"])
    await cli_import(
        rundir, bot_root, database, ";".join(HEADER).encode() + b"\n" + asker_row.encode()
    )
    api = FakeBotAPI()
    await api.start()
    settings = {
        "BOT_TOKEN": api.token,
        "TELEGRAM_API_URL": api.base_url,
        "DATABASE_PATH": str(database),
        "ADMIN_IDS": str(ADMIN_ID),
        "LOG_LEVEL": "INFO",  # the import's log line carries its write transaction's length
        "QUIET_HOURS": "",
    }
    log_path = rundir / "bot.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=rundir,
            env=bot_env(**settings) | {"PYTHONPATH": str(bot_root)}, stdout=log, stderr=log,
        )  # fmt: skip
    try:
        await until_polling(api, process, "the bot")
        admin = Chat(api, TelegramUser(api, ADMIN_ID, "Гульнара", "Асанова"))
        asker = Chat(api, TelegramUser(api, ASKER_ID, "Анна", "Спрашивающая"))
        await admin.ask("/start", "Здравствуйте", process)
        await asker.ask("/start", "Здравствуйте", process)
        baseline = []
        for _ in range(BASELINE_SAMPLES):
            baseline.append(await asker.ask("/help", HELP_TITLE, process))
            await asyncio.sleep(PAUSE)
        await admin.ask("/import", "Пришлите файл", process)
        data = roster_csv(rows)
        summaries = admin.count(SUMMARY)
        started = time.perf_counter()
        admin.user.send_document(data, "roster.csv", "text/csv")
        during = []
        while admin.count(SUMMARY) == summaries:
            during.append(await asker.ask("/help", HELP_TITLE, process))
            await asyncio.sleep(PAUSE)
        import_seconds = await wait_summary(admin, summaries, started, process)
        if api.server_errors:
            raise BenchError("the fake server failed:\n" + "\n".join(api.server_errors))
    except (BenchError, AssertionError) as exc:
        raise BenchError(f"round {number}: {exc}\n{tail(log_path)}") from None
    finally:
        await stop(process)
        await api.stop()
    text = log_path.read_text(encoding="utf-8", errors="replace")
    if "Traceback" in text or " ERROR " in text:
        raise BenchError(f"round {number} logged errors:\n{tail(log_path)}")
    written = WRITE_LOG.search(text)
    return Round(
        number=number,
        baseline=baseline,
        during=during,
        import_seconds=import_seconds,
        write_seconds=float(written.group(1)) if written else None,
    )


async def wait_summary(
    admin: Chat, before: int, started: float, process: asyncio.subprocess.Process
) -> float:
    """Seconds from the file sent to the summary (already there when /help sampling stopped)."""
    while admin.count(SUMMARY) == before:
        if process.returncode is not None:
            raise BenchError(f"the bot exited ({process.returncode}) during the import")
        await asyncio.sleep(POLL)
    # The fake server keeps no receive time; the summary arrived at most one /help ago.
    return time.perf_counter() - started


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def render(rounds: list[Round], rows: int) -> str:
    lines = [
        f"{rows}-row CSV uploaded after /import; /help from another person, one at a time",
        "",
        "| round | /help alone: median / max ms | /help during the import: median / max ms "
        "| samples during | import s | write transaction s |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rounds:
        write = f"{r.write_seconds:.3f}" if r.write_seconds is not None else "—"
        lines.append(
            f"| {r.number} | {ms(statistics.median(r.baseline))} / {ms(max(r.baseline))} "
            f"| {ms(statistics.median(r.during))} / {ms(max(r.during))} | {len(r.during)} "
            f"| {r.import_seconds:.2f} | {write} |"
        )
    worst = max(max(r.during) for r in rounds)
    met = "met" if worst < TARGET_SECONDS else "not met"
    lines.append("")
    lines.append(
        f"worst /help during an import: {worst:.2f} s; target < {TARGET_SECONDS:g} s: {met}"
    )
    return "\n".join(lines)


async def bench(rounds: int, rows: int, bot_root: Path) -> list[Round]:
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        for number in range(1, rounds + 1):
            result = await run_round(number, rows, bot_root, Path(tmp))
            print(
                f"round {number}: /help during the import max {max(result.during):.2f} s"
                f" ({len(result.during)} samples), import {result.import_seconds:.2f} s",
                flush=True,
            )
            results.append(result)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3, help="rounds, each on a fresh database")
    parser.add_argument("--rows", type=int, default=5000, help="rows in the uploaded roster")
    parser.add_argument("--bot-root", type=Path, default=ROOT, help="the checkout to run")
    args = parser.parse_args(argv)
    if args.rounds < 1 or not 1 <= args.rows <= 5000:
        parser.error("--rounds must be positive and --rows within 1..5000")
    try:
        rounds = asyncio.run(bench(args.rounds, args.rows, args.bot_root.resolve()))
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    print()
    print(render(rounds, args.rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
