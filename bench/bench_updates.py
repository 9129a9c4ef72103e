"""Updates per second of the bot answering /start and /help, as a ratio of a bare aiogram echo bot.

Both bots run as subprocesses (so that RSS is per bot) polling a fake Bot API server in this
process over real HTTP, one after the other, alternating, several rounds in the same run: the
machines are shared and noisy, so only the ratio between bots measured side by side means
anything. Start-up and a warm-up batch are left out of the timing. No threshold is asserted:
the target is only reported, and the exit status is 0 whenever the runs complete (1 when a run
could not be measured: a bot crashed, logged an error, or answered wrongly).

    .venv/bin/python bench/bench_updates.py [--updates 600] [--rounds 3] [--json results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import importlib.metadata
import json
import os
import platform
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "e2e")]

from bot_process import bot_env  # noqa: E402
from fake_bot_api import FakeBotAPI  # noqa: E402
from people import TelegramUser  # noqa: E402

TARGET_RATIO = 0.5
# BENCH_PROFILE=/tmp/prof profiles the real bot's timed batch (bench/profiled_bot.py), writing
# /tmp/prof.<round>.
PROFILE_ENV = "BENCH_PROFILE"
START_TIMEOUT = 60.0  # importing aiogram alone takes seconds on a busy machine
BATCH_TIMEOUT = 120.0
STOP_TIMEOUT = 10.0
POLL_INTERVAL = 0.005
MEASURED_PEOPLE = 200  # 4 methodists and 98 pairs; the rest of the roster warms the bot up
WARM_UP_PEOPLE = 20
WARM_UP_UPDATES = 60
FIRST_TELEGRAM_ID = 700_000_000
NASTAVNIK, ECHO = "nastavnik", "echo"
HELP_TITLE = "Что я умею"  # help-title in bot/locales/ru/common.ftl, as a person sees it

_SURNAMES = (
    "Абдрахманов Алиев Асанов Байтиков Беляев Васильев Григорьев Дмитриев Егоров Жуков Захаров"
    " Ибраев Калинин Ковалёв Лебедев Макаров Никитин Осипов Попов Романов"
).split()
_FIRST_NAMES = (
    "Азамат Алексей Бакыт Виктор Дмитрий Ермек Игорь Кирилл Максим Нурлан Олег Тимур".split()
)
_PATRONYMICS = ("Андреевич", "Борисович", "Сергеевич")


@dataclass(frozen=True)
class RosterPerson:
    telegram_id: int
    surname: str
    first_name: str
    patronymic: str
    role: str
    mentor: str = ""  # the mentor's full name, for a mentee

    @property
    def full_name(self) -> str:
        return f"{self.surname} {self.first_name} {self.patronymic}"


@dataclass
class Run:
    bot: str
    round: int
    updates: int
    seconds: float
    updates_per_s: float
    bot_cpu_ms_per_update: float  # the bot's process, during the timed batch
    server_cpu_ms_per_update: float  # this process (the fake server), during the timed batch
    rss_ready_mib: float  # after start-up, before any update
    rss_after_mib: float  # after the timed batch
    peak_rss_mib: float  # VmHWM after the timed batch


class BenchError(Exception):
    """A run did not complete (a crash, a timeout, a wrong answer): no number to report."""


# --- the roster ---------------------------------------------------------------------------------


def roster_people() -> list[RosterPerson]:
    """The measured people first, then the warm-up ones; every mentee follows their mentor."""
    names = (
        (surname, first, patronymic)
        for patronymic in _PATRONYMICS
        for first in _FIRST_NAMES
        for surname in _SURNAMES
    )
    people: list[RosterPerson] = []
    methodists = 4
    for index in range(MEASURED_PEOPLE + WARM_UP_PEOPLE):
        surname, first, patronymic = next(names)
        telegram_id = FIRST_TELEGRAM_ID + index
        if index < methodists:
            role, mentor = "методист", ""
        elif (index - methodists) % 2 == 0:
            role, mentor = "наставник", ""
        else:
            role, mentor = "наставляемый", people[-1].full_name
        people.append(RosterPerson(telegram_id, surname, first, patronymic, role, mentor))
    return people


def write_roster(path: Path, people: list[RosterPerson]) -> None:
    """The roster as examples/roster.csv has it, with numeric Telegram ids."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow(
            ["ФИО", "Роль", "Telegram", "ПЦК", "Наставник", "Вид", "Начало", "Окончание", "Приказ"]
        )
        for person in people:
            pair = ["педагогический", "01.09.2026", "30.06.2027", "№ 112-к от 28.08.2026"]
            writer.writerow(
                [
                    person.full_name,
                    person.role,
                    str(person.telegram_id),
                    "ПЦК информационных технологий",
                    person.mentor,
                    *(pair if person.mentor else ["", "", "", ""]),
                ]
            )


async def import_roster(workdir: Path, roster: Path, database: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "import",
        str(roster),
        cwd=workdir,
        env=bot_env(DATABASE_PATH=str(database), LOG_LEVEL="WARNING"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        raise BenchError(
            f"roster import failed ({process.returncode}):\n{out.decode()}{err.decode()}"
        )


async def mark_notices_sent(database: Path) -> int:
    """The import queues a notice for everyone in a pair, which the bot sends at 25 a second from
    its start: mark them sent, so that what the timed batch measures is the answers alone."""
    from storage.db import open_database

    db = await open_database(database)
    try:
        now = datetime.now(UTC)
        async with db.transaction() as tx:
            # Held ones too: they would go at each person's first /start, inside the batch.
            cursor = await tx.conn.execute(
                "UPDATE outbox SET status = 'sent', sent_at = ? WHERE status = 'pending'",
                (now.isoformat(),),
            )
            marked = cursor.rowcount
    finally:
        await db.close()
    return marked


async def accept_consent(database: Path) -> None:
    """Everyone in the roster accepted the consent text already: the benchmarks time answers,
    not the one tap each person makes at their first /start (tests/e2e/test_consent.py)."""
    from bot.domain.rules import CONSENT_VERSION
    from storage.db import open_database

    db = await open_database(database)
    try:
        async with db.transaction() as tx:
            await tx.conn.execute(
                "UPDATE people SET consent_version = ?, consent_at = ?",
                (CONSENT_VERSION, datetime.now(UTC).isoformat()),
            )
    finally:
        await db.close()


# --- one run ------------------------------------------------------------------------------------


class Replies:
    """Counts the bot's sendMessage calls per chat as they arrive, scanning only new requests."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api
        self.per_chat: Counter[int] = Counter()
        self._seen = 0

    def collect(self) -> None:
        requests = self.api.requests
        for request in requests[self._seen :]:
            if request.ok and request.method.lower() == "sendmessage":
                self.per_chat[request.params["chat_id"]] += 1
        self._seen = len(requests)

    def missing(self, expected: Counter[int]) -> int:
        self.collect()
        return sum(max(count - self.per_chat[chat], 0) for chat, count in expected.items())


def updates_for(people: list[TelegramUser], count: int) -> Iterator[tuple[TelegramUser, str]]:
    """Round-robin over the people, each one's messages alternating /start and /help, so that
    everyone's first message is a /start (the one that records them as seen, with a username)."""
    for index in range(count):
        turn, person = divmod(index, len(people))
        yield people[person], "/start" if turn % 2 == 0 else "/help"


async def send_batch(
    api: FakeBotAPI,
    replies: Replies,
    people: list[TelegramUser],
    count: int,
    process: asyncio.subprocess.Process,
) -> float:
    """Push `count` updates at once; the seconds until the last of them is answered."""
    replies.collect()
    expected = Counter({chat: replies.per_chat[chat] for chat in (p.id for p in people)})
    started = time.perf_counter()
    for person, text in updates_for(people, count):
        person.send(text)
        expected[person.id] += 1
    while replies.missing(expected):
        if process.returncode is not None:
            raise BenchError(f"the bot exited ({process.returncode}) during the batch")
        if time.perf_counter() - started > BATCH_TIMEOUT:
            raise BenchError(
                f"{replies.missing(expected)} of {count} updates unanswered after "
                f"{BATCH_TIMEOUT:g} s\n{api.describe_recent()}"
            )
        await asyncio.sleep(POLL_INTERVAL)
    return time.perf_counter() - started


def proc_status_mib(pid: int, field: str) -> float:
    """A memory line of /proc/<pid>/status (VmRSS, VmHWM) in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024  # reported in kB
    raise BenchError(f"no {field} in /proc/{pid}/status")


def proc_cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # after the command name, which may hold spaces
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def check_answers(api: FakeBotAPI, bot: str, people: list[TelegramUser], count: int) -> None:
    """The timed path is the intended one: a greeting by name for /start, the help for /help."""
    sent: dict[int, Counter[str]] = {p.id: Counter() for p in people}
    for person, text in updates_for(people, count):
        sent[person.id][text] += 1
    for person in people:
        texts = [m.get("text", "") for m in person.messages()]
        if len(texts) != sum(sent[person.id].values()):
            raise BenchError(f"{person!r}: {len(texts)} messages for {sent[person.id]}: {texts}")
        if bot == ECHO:
            answered = Counter(texts)
            if answered != sent[person.id]:
                raise BenchError(f"{person!r}: echoed {answered}, sent {sent[person.id]}")
            continue
        name = person.user["first_name"]  # greeted as «Имя Отчество»
        greetings = sum(1 for text in texts if name in text and "/help" in text)
        helps = sum(1 for text in texts if text.startswith(HELP_TITLE))
        if greetings != sent[person.id]["/start"] or helps != sent[person.id]["/help"]:
            raise BenchError(
                f"{person!r}: {greetings} greetings and {helps} help texts for {sent[person.id]};"
                f" got {texts}"
            )


class Workload(Protocol):
    """What a run sends: an untimed warm-up, the timed batch, and the check of the answers."""

    async def warm_up(
        self,
        api: FakeBotAPI,
        bot: str,
        measured: list[TelegramUser],
        warm_up: list[TelegramUser],
        process: asyncio.subprocess.Process,
    ) -> None: ...

    async def timed(
        self,
        api: FakeBotAPI,
        bot: str,
        measured: list[TelegramUser],
        process: asyncio.subprocess.Process,
    ) -> tuple[int, float]:
        """Send the timed batch; the number of updates and the seconds until all are answered."""
        ...

    def check(self, api: FakeBotAPI, bot: str, measured: list[TelegramUser]) -> None: ...


class StartHelp:
    """`updates` updates round-robin over the measured people, alternating /start and /help."""

    def __init__(self, updates: int) -> None:
        self.updates = updates
        self.replies: Replies | None = None

    async def warm_up(
        self,
        api: FakeBotAPI,
        bot: str,
        measured: list[TelegramUser],
        warm_up: list[TelegramUser],
        process: asyncio.subprocess.Process,
    ) -> None:
        self.replies = Replies(api)
        await send_batch(api, self.replies, warm_up, WARM_UP_UPDATES, process)

    async def timed(
        self,
        api: FakeBotAPI,
        bot: str,
        measured: list[TelegramUser],
        process: asyncio.subprocess.Process,
    ) -> tuple[int, float]:
        assert self.replies is not None, "warm_up first"
        return self.updates, await send_batch(api, self.replies, measured, self.updates, process)

    def check(self, api: FakeBotAPI, bot: str, measured: list[TelegramUser]) -> None:
        check_answers(api, bot, measured, self.updates)


async def run_bot(
    bot: str,
    round_number: int,
    roster: list[RosterPerson],
    template_db: Path,
    workdir: Path,
    workload: Workload,
) -> Run:
    """Start one bot on a fresh server (and a fresh copy of the roster database), warm it up,
    time one batch, read its memory, stop it."""
    api = FakeBotAPI()
    await api.start()
    rundir = workdir / f"{bot}-{round_number}"
    rundir.mkdir()
    settings = {"BOT_TOKEN": api.token, "TELEGRAM_API_URL": api.base_url}
    if bot == NASTAVNIK:
        for source in template_db.parent.glob(template_db.name + "*"):  # with -wal, -shm if any
            shutil.copy(source, rundir / source.name)
        settings |= {
            "DATABASE_PATH": str(rundir / template_db.name),
            "ADMIN_IDS": str(roster[0].telegram_id),  # the first methodist
            "LOG_LEVEL": "WARNING",
            "SCHEDULER_TICK_SECONDS": "60",  # the default: the timed batch is the bot's only work
            "QUIET_HOURS": "",
        }
        command = [sys.executable, "-m", "bot"]
        if profile := os.environ.get(PROFILE_ENV):  # where the time goes: cProfile per round
            profiled = ROOT / "bench" / "profiled_bot.py"
            command[1:] = [str(profiled), f"{profile}.{round_number}"]
    else:
        command = [sys.executable, str(ROOT / "bench" / "echo_bot.py")]
    log_path = rundir / "bot.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            *command, cwd=rundir, env=bot_env(**settings), stdout=log, stderr=log
        )
    try:
        await until_polling(api, process, bot)
        people = [
            TelegramUser(
                api, p.telegram_id, p.first_name, p.surname, username=f"bench_{p.telegram_id}"
            )
            for p in roster
        ]
        measured, warm_up = people[:MEASURED_PEOPLE], people[MEASURED_PEOPLE:]
        rss_ready = proc_status_mib(process.pid, "VmRSS")
        await workload.warm_up(api, bot, measured, warm_up, process)
        profiling = bot == NASTAVNIK and bool(os.environ.get(PROFILE_ENV))
        if profiling:
            process.send_signal(signal.SIGUSR1)
        cpu_before, server_before = proc_cpu_seconds(process.pid), time.process_time()
        updates, seconds = await workload.timed(api, bot, measured, process)
        bot_cpu = proc_cpu_seconds(process.pid) - cpu_before
        if profiling:
            process.send_signal(signal.SIGUSR2)
        server_cpu = time.process_time() - server_before
        peak, rss_after = (
            proc_status_mib(process.pid, "VmHWM"),
            proc_status_mib(process.pid, "VmRSS"),
        )
        workload.check(api, bot, measured)
        if api.server_errors:
            raise BenchError("the fake server failed:\n" + "\n".join(api.server_errors))
        if api.refusals:
            raise BenchError("the fake server refused calls:\n" + "\n".join(api.refusals))
    except (BenchError, AssertionError) as exc:
        raise BenchError(f"{bot}, round {round_number}: {exc}\n{tail(log_path)}") from None
    finally:
        await stop(process)
        await api.stop()
    if b"Traceback" in log_path.read_bytes() or b" ERROR " in log_path.read_bytes():
        raise BenchError(f"{bot}, round {round_number} logged errors:\n{tail(log_path)}")
    return Run(
        bot=bot,
        round=round_number,
        updates=updates,
        seconds=round(seconds, 3),
        updates_per_s=round(updates / seconds, 1),
        bot_cpu_ms_per_update=round(bot_cpu * 1000 / updates, 3),
        server_cpu_ms_per_update=round(server_cpu * 1000 / updates, 3),
        rss_ready_mib=round(rss_ready, 1),
        rss_after_mib=round(rss_after, 1),
        peak_rss_mib=round(peak, 1),
    )


async def until_polling(api: FakeBotAPI, process: asyncio.subprocess.Process, name: str) -> None:
    """Wait for a bot's first getUpdates; BenchError if it exits before."""
    await api.wait_for(
        lambda: api.calls("getUpdates") or process.returncode is not None,
        START_TIMEOUT,
        f"{name}'s first getUpdates",
    )
    if process.returncode is not None:
        raise BenchError(f"{name} exited ({process.returncode}) before polling")


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
    except TimeoutError:
        process.kill()
        await process.wait()


def tail(path: Path, lines: int = 30) -> str:
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
    return f"--- last lines of {path.name} ---\n" + "\n".join(text) if text else "(empty log)"


# --- the report ---------------------------------------------------------------------------------


def summarise(runs: list[Run]) -> dict[str, Any]:
    by_bot = {bot: [r for r in runs if r.bot == bot] for bot in (NASTAVNIK, ECHO)}
    bots = {
        bot: {
            "median_updates_per_s": round(statistics.median(r.updates_per_s for r in rs), 1),
            "min_updates_per_s": min(r.updates_per_s for r in rs),
            "max_updates_per_s": max(r.updates_per_s for r in rs),
            "median_bot_cpu_ms_per_update": round(
                statistics.median(r.bot_cpu_ms_per_update for r in rs), 3
            ),
            "median_server_cpu_ms_per_update": round(
                statistics.median(r.server_cpu_ms_per_update for r in rs), 3
            ),
            "max_peak_rss_mib": max(r.peak_rss_mib for r in rs),
            "median_rss_after_mib": round(statistics.median(r.rss_after_mib for r in rs), 1),
            "median_rss_ready_mib": round(statistics.median(r.rss_ready_mib for r in rs), 1),
        }
        for bot, rs in by_bot.items()
    }
    ratios = [
        round(a.updates_per_s / b.updates_per_s, 3)
        for a, b in zip(by_bot[NASTAVNIK], by_bot[ECHO], strict=True)
    ]
    median = round(statistics.median(ratios), 3)
    return {
        "bots": bots,
        "ratios_per_round": ratios,
        "median_ratio": median,
        "target_ratio": TARGET_RATIO,
        "target_met": median >= TARGET_RATIO,
    }


def render(summary: dict[str, Any]) -> str:
    header = (
        "| bot | median updates/s | min–max | bot CPU ms/update | server CPU ms/update "
        "| RSS ready MiB | RSS after MiB | peak RSS MiB |"
    )
    lines = [header, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for bot, s in summary["bots"].items():
        lines.append(
            f"| {bot} | {s['median_updates_per_s']:.1f} "
            f"| {s['min_updates_per_s']:.1f}–{s['max_updates_per_s']:.1f} "
            f"| {s['median_bot_cpu_ms_per_update']:.2f} "
            f"| {s['median_server_cpu_ms_per_update']:.2f} "
            f"| {s['median_rss_ready_mib']:.1f} | {s['median_rss_after_mib']:.1f} "
            f"| {s['max_peak_rss_mib']:.1f} |"
        )
    ratios = ", ".join(f"{r:.2f}" for r in summary["ratios_per_round"])
    lines.append("")
    lines.append(f"ratio nastavnik/echo per round: {ratios}; median {summary['median_ratio']:.2f}")
    met = "met" if summary["target_met"] else "not met"
    lines.append(f"target ≥ {TARGET_RATIO}: {met}")
    return "\n".join(lines)


async def bench(workload: Workload, rounds: int) -> tuple[list[Run], dict[str, Any]]:
    roster = roster_people()
    with tempfile.TemporaryDirectory(prefix="bench-updates-") as tmp:
        workdir = Path(tmp)
        roster_path = workdir / "roster.csv"
        write_roster(roster_path, roster)
        template_db = workdir / "template" / "bot.db"
        await import_roster(workdir, roster_path, template_db)
        await mark_notices_sent(template_db)
        await accept_consent(template_db)
        runs: list[Run] = []
        for round_number in range(1, rounds + 1):
            for bot in (NASTAVNIK, ECHO):
                run = await run_bot(bot, round_number, roster, template_db, workdir, workload)
                print(
                    f"round {round_number} {bot:<9} {run.updates_per_s:7.1f} updates/s "
                    f"({run.seconds:.2f} s), bot CPU {run.bot_cpu_ms_per_update:.2f} ms/update, "
                    f"peak RSS {run.peak_rss_mib:.1f} MiB",
                    flush=True,
                )
                runs.append(run)
    return runs, summarise(runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--updates", type=int, default=600, help="timed updates per run")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each bot, alternating")
    parser.add_argument("--json", type=Path, help="write the runs and the summary here")
    args = parser.parse_args(argv)
    if args.updates < 1 or args.rounds < 1:
        parser.error("--updates and --rounds must be positive")
    try:
        runs, summary = asyncio.run(bench(StartHelp(args.updates), args.rounds))
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    print()
    print(render(summary))
    if args.json:
        write_json(args.json, {"updates": args.updates, "rounds": args.rounds}, runs, summary)
    return 0


def write_json(
    path: Path, options: dict[str, Any], runs: list[Run], summary: dict[str, Any]
) -> None:
    result = {
        "date": date.today().isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "aiogram": importlib.metadata.version("aiogram"),
        },
        "options": options,
        "runs": [asdict(r) for r in runs],
        "summary": summary,
    }
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(main())
