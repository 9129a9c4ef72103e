"""Latency at a steady rate, and memory that stays bounded: the real bot over a programme of
1 000 pairs beside the echo bot, driven the same way with the same chats in the same run.

The programme: a roster of mentors and mentees (a pair each) imported with `python -m bot
import`, which forms the pairs and their plans. The real bot (`python -m bot`, through
counted_bot.py) polls a fake Bot API server in this process over real HTTP. Untimed first: the
people who will act send /start (and a mentee /plan, whose milestone button they press later),
then a wait for the command menus the first /start sets in the background.

Timed: `--rate` updates a second for `--seconds`, pushed **open loop** (each at its moment,
whether or not the earlier ones were answered, so queueing shows in the latency). A rolling set
of `--active` people (as many as `--rate`) acts in turn, so each acts about once a second: a
mentee sends /start, /plan, /ask with a question, a quick /meet (the bot asks for the format)
and presses the first milestone of their plan; a mentor /start, /plan, /mentees. One admin
sends /digest every `--digest-every` s (10), another /stats every `--stats-every` s (15; /stats
counts and draws in a child process, ~1.5 s). An update's latency runs from its push to the
bot's reply call at the server (a sendMessage of its kind to its chat, or answerCallbackQuery
for a press). The conversational mix is reported apart from /stats, and split by whether a
/stats was in flight when it was pushed. This process's garbage collector is off meanwhile: a
full collection of the fake server's records would stall the pushes and the server's clock.

Memory, from /proc: each bot's resting RSS after start (after the warm-up) and after the load.
Then `--people` strangers (accounts unknown to the programme, /start or /help in turn, each
answered with the access request or the stranger's help) are pushed, at most WINDOW unanswered
at a time: RSS after a tenth of them and after all, and the bot's FSM cache and per-person locks
(counted_bot.py) at those moments.

Its own check (exit 1): an update unanswered or answered twice, a press that did not open its
milestone, a refused call or an error in a log; the FSM cache over its bound or a lock left at
rest; and the targets — the mix's p95 under `--p95-ms` (50; 0 reports it only), resting RSS
after start and after the load under `--rss-ratio` (1.3) of the echo bot's, and RSS after all
the strangers under `--growth` (1.05) of RSS after a tenth of them.

    .venv/bin/python bench/bench_steady.py [--pairs 1000] [--seconds 60] [--rate 50]
        [--people 20000] [--json results.json] [--log-level INFO --keep /tmp/steady]

`--json` holds every update's kind, moment and latency too; `--log-level INFO` makes the bot
log each update's handling time, and `--keep DIR` keeps the bots' logs and databases.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench_import_latency import FIRST_ROSTER_ID, roster_csv
from bench_mix import MEET_IN_DAYS, MILESTONE_CARD, NOTICE, OPEN_MILESTONE, PRESS, menus_settled
from bench_mix import kind_of as mix_kind_of
from bench_updates import (
    ECHO,
    NASTAVNIK,
    ROOT,
    BenchError,
    Replies,
    accept_consent,
    mark_notices_sent,
    proc_cpu_seconds,
    proc_status_mib,
    stop,
    tail,
    until_polling,
)
from bot_process import bot_env
from fake_bot_api import FakeBotAPI
from people import TelegramUser

from bot.config import Settings

WARM_UP_TIMEOUT = 120.0
DRAIN_TIMEOUT = 60.0  # after the last push, for the answers still due
STRANGERS_TIMEOUT = 600.0
POLL = 0.005
SETTLE = 1.0  # after the last answer, before reading the resting memory
COUNTS_TIMEOUT = 10.0
WINDOW = 50  # strangers' updates unanswered at a time
DIGEST_ADMIN, STATS_ADMIN = 990_000_001, 990_000_002
FIRST_STRANGER = 800_000_000
DIGEST, STATS = "/digest", "/stats"
# How the bot's answers to the admins' commands begin (bot/locales/ru/digest.ftl, stats.ftl).
ADMIN_MARKS = ((DIGEST, "Сводка по наставничеству"), (STATS, "<b>Наставничество за "))
KIND_ORDER = ("/start", "/plan", "/ask", "/meet", PRESS, "/mentees", DIGEST, STATS)


def kind_of(text: str) -> str:
    """Which command a message answers (bench_mix's marks, and the admins' two)."""
    for kind, mark in ADMIN_MARKS:
        if mark in text and not text.startswith("/"):
            return kind
    return mix_kind_of(text)


@dataclass
class Update:
    """One pushed update and when its answer came (time.monotonic, as the server stamps calls)."""

    kind: str
    chat: int
    text: str  # a message, or a press's callback data
    at: float  # seconds after the first push, as scheduled
    message_id: int = 0  # the message a press is on
    pushed: float = 0.0
    answered: float | None = None
    during_stats: bool = False  # pushed while a /stats was waiting for its answer

    @property
    def latency(self) -> float:
        assert self.answered is not None
        return self.answered - self.pushed


@dataclass
class Percentiles:
    count: int
    p50: float  # ms
    p95: float
    p99: float
    max: float

    @staticmethod
    def of(seconds: list[float]) -> Percentiles:
        ms = sorted(s * 1000 for s in seconds) or [0.0]
        if len(ms) == 1:
            return Percentiles(len(seconds), ms[0], ms[0], ms[0], ms[0])
        cuts = statistics.quantiles(ms, n=100, method="inclusive")
        return Percentiles(len(seconds), cuts[49], cuts[94], cuts[98], ms[-1])

    def row(self) -> str:
        return f"{self.p50:.1f} | {self.p95:.1f} | {self.p99:.1f} | {self.max:.1f}"


@dataclass
class Counts:
    fsm_cached: int
    fsm_bound: int | None
    locks: int


@dataclass
class Point:
    """The bot's memory (and, for the real bot, what it holds per person) at one moment."""

    rss_mib: float
    counts: Counts | None = None


@dataclass
class Run:
    bot: str
    updates: int
    answered: int
    push_lag_max_ms: float  # the latest push after its moment: the driver kept the rate
    cpu_ms_per_update: float  # the bot's process over the timed window (not /stats' child)
    load: tuple[float, float]  # the machine's 1-minute load average before and after the load
    mix: Percentiles
    stats: Percentiles
    mix_during_stats: Percentiles
    mix_otherwise: Percentiles
    kinds: dict[str, Percentiles]
    notices: int  # messages to someone else than the sender (a question to the mentor)
    ready: Point
    rest_after_start: Point
    rest_after_load: Point
    strangers: dict[int, Point] = field(default_factory=dict)  # after n of them
    strangers_seconds: float = 0.0  # for all of them, the pauses to read memory left out
    peak_rss_mib: float = 0.0
    # Every update: its kind, its moment (s from the first push) and its latency (ms); --json.
    timeline: list[tuple[str, float, float]] = field(default_factory=list)


# --- the programme and the schedule -------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    telegram_id: int
    role: str  # "mentor" or "mentee"
    index: int  # in the roster


def programme(pairs: int) -> list[Member]:
    """roster_csv's people: mentors and their mentees in turn, a numeric id each."""
    return [
        Member(FIRST_ROSTER_ID + i, "mentor" if i % 2 == 0 else "mentee", i)
        for i in range(pairs * 2)
    ]


def turn(member: Member) -> list[tuple[str, str]]:
    """A person's turn of the daily mix: (kind, text); a press's data is found at warm-up."""
    if member.role == "mentor":
        return [("/start", "/start"), ("/plan", "/plan"), ("/mentees", "/mentees")]
    tz = ZoneInfo(Settings.model_fields["timezone"].default)
    # A distinct slot per mentee (a meeting clashes only with its own people's: one is enough).
    day = (datetime.now(tz) + timedelta(days=MEET_IN_DAYS + member.index // 1200)).strftime(
        "%d.%m.%Y"
    )
    minute = member.index // 2 % 600
    at = f"{day} {8 + minute // 60:02d}:{minute % 60:02d}"
    return [
        ("/start", "/start"),
        ("/plan", "/plan"),
        ("/ask", "/ask Как оформить отчёт по первому этапу?"),
        ("/meet", f"/meet {at} Открытый урок"),
        (PRESS, ""),
    ]


def schedule(
    members: list[Member], seconds: float, rate: float, active: int, stats_every: float,
    digest_every: float,
) -> tuple[list[Update], list[Member]]:  # fmt: skip
    """The timed updates in order, and the members who act in them. A rolling set of `active`
    people acts in turn; the admins' commands take their slots at even intervals."""
    count = int(seconds * rate)
    admin_slots: dict[int, tuple[int, str]] = {}
    for every, admin, kind, phase in (
        (digest_every, DIGEST_ADMIN, DIGEST, 0.25),
        (stats_every, STATS_ADMIN, STATS, 0.5),
    ):
        times = max(1, round(seconds / every))
        for k in range(times):
            slot = int((k + phase) * count / times)
            while slot in admin_slots:  # the other admin's command is there: the next one
                slot += 1
            admin_slots[slot] = (admin, kind)
    order = iter(random.Random(15).sample(members, len(members)))
    rolling: deque[tuple[Member, list[tuple[str, str]]]] = deque()
    acting: list[Member] = []
    updates: list[Update] = []
    for slot in range(count):
        at = slot / rate
        if slot in admin_slots:
            admin, kind = admin_slots[slot]
            updates.append(Update(kind, admin, kind, at))
            continue
        while len(rolling) < active:
            member = next(order, None)
            if member is None:
                break
            acting.append(member)
            rolling.append((member, turn(member)))
        if not rolling:
            raise BenchError(f"{len(members) // 2} pairs are too few for {count} updates")
        member, steps = rolling.popleft()
        kind, text = steps.pop(0)
        updates.append(Update(kind, member.telegram_id, text, at))
        if steps:
            rolling.append((member, steps))
    return updates, acting


# --- answers ------------------------------------------------------------------------------------


class Answers:
    """Matches the bot's calls at the server to the updates pushed: a sendMessage to the oldest
    unanswered update of its kind in its chat, an answerCallbackQuery to its press."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api
        self.waiting: dict[tuple[int, str], deque[Update]] = {}
        self.presses: dict[str, Update] = {}
        self.notices = 0
        self.extra: list[str] = []  # a reply with no update waiting for it: answered twice
        self._seen = len(api.requests)

    def expect(self, update: Update, query_id: str | None = None) -> None:
        if query_id is not None:
            self.presses[query_id] = update
        else:
            self.waiting.setdefault((update.chat, update.kind), deque()).append(update)

    def collect(self) -> None:
        requests = self.api.requests
        for request in requests[self._seen :]:
            method = request.method.lower()
            if not request.ok or method not in ("sendmessage", "answercallbackquery"):
                continue
            if method == "answercallbackquery":
                update = self.presses.pop(request.params["callback_query_id"], None)
                if update is None or "text" in request.params:  # a stale button's alert
                    self.extra.append(f"press answered {request.params}")
                    continue
            else:
                text = str(request.params.get("text", ""))
                kind = kind_of(text)
                if kind == NOTICE:
                    self.notices += 1
                    continue
                waiting = self.waiting.get((request.params["chat_id"], kind))
                if not waiting:
                    self.extra.append(f"chat {request.params['chat_id']}: {text[:80]!r}")
                    continue
                update = waiting.popleft()
            update.answered = request.at
        self._seen = len(requests)

    def all_answered(self, updates: list[Update]) -> bool:
        self.collect()
        return all(u.answered is not None for u in updates)


# --- one bot ------------------------------------------------------------------------------------


async def read_counts(process: asyncio.subprocess.Process, path: Path) -> Counts:
    """What the real bot holds per person, written by counted_bot.py on SIGUSR1."""
    _written(path, remove=True)
    process.send_signal(signal.SIGUSR1)
    started = time.perf_counter()
    while (counts := _written(path)) is None:
        if time.perf_counter() - started > COUNTS_TIMEOUT:
            raise BenchError("counted_bot.py wrote no counts")
        await asyncio.sleep(POLL)
    return counts


def _written(path: Path, *, remove: bool = False) -> Counts | None:
    if remove:
        path.unlink(missing_ok=True)
    return Counts(**json.loads(path.read_text())) if path.exists() else None


async def wait_for(
    done: Callable[[], bool], process: asyncio.subprocess.Process, limit: float, what: str,
    api: FakeBotAPI,
) -> None:  # fmt: skip
    started = time.perf_counter()
    while not done():
        if process.returncode is not None:
            raise BenchError(f"the bot exited ({process.returncode}) during {what}")
        if time.perf_counter() - started > limit:
            raise BenchError(f"{what}: not done after {limit:g} s\n{api.describe_recent()}")
        await asyncio.sleep(POLL)


class Driver:
    """One bot's run: warm-up, the steady load, the strangers."""

    def __init__(
        self, bot: str, api: FakeBotAPI, process: asyncio.subprocess.Process, counts: Path | None
    ) -> None:
        self.bot, self.api, self.process, self.counts_path = bot, api, process, counts
        self.users: dict[int, TelegramUser] = {}
        self.buttons: dict[int, tuple[str, int]] = {}  # mentee -> (callback data, message id)
        self.strangers_seconds = 0.0

    def user(self, telegram_id: int) -> TelegramUser:
        if telegram_id not in self.users:
            self.users[telegram_id] = TelegramUser(
                self.api, telegram_id, "Гульнара", "Асанова", username=f"bench_{telegram_id}"
            )
        return self.users[telegram_id]

    async def point(self) -> Point:
        await asyncio.sleep(SETTLE)
        rss = proc_status_mib(self.process.pid, "VmRSS")
        counts = None
        if self.counts_path is not None:
            counts = await read_counts(self.process, self.counts_path)
        return Point(round(rss, 1), counts)

    async def warm_up(self, acting: list[Member]) -> None:
        """Everyone's first /start (and a mentee's /plan, whose button they press later)."""
        replies = Replies(self.api)
        expected: Counter[int] = Counter()
        for telegram_id in (DIGEST_ADMIN, STATS_ADMIN):
            self.user(telegram_id).send("/start")
            expected[telegram_id] += 1
        for member in acting:
            self.user(member.telegram_id).send("/start")
            expected[member.telegram_id] += 1
            if member.role == "mentee":
                self.user(member.telegram_id).send("/plan")
                expected[member.telegram_id] += 1
        await wait_for(
            lambda: not replies.missing(expected), self.process, WARM_UP_TIMEOUT, "warm-up",
            self.api,
        )  # fmt: skip
        for member in acting:
            if member.role == "mentee":
                self.buttons[member.telegram_id] = self._button_to_press(member.telegram_id)
        await menus_settled(self.api, self.process)

    def _button_to_press(self, telegram_id: int) -> tuple[str, int]:
        """The first milestone button of the plan sent at warm-up (for the echo bot, which has
        no buttons, the same kind of data on its echo of /plan)."""
        for message in reversed(self.user(telegram_id).messages()):
            text = str(message.get("text", ""))
            if self.bot == ECHO and text == "/plan":
                return f"{OPEN_MILESTONE}1", message["message_id"]
            rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
            for button in (b for row in rows for b in row):
                if str(button.get("callback_data", "")).startswith(OPEN_MILESTONE):
                    return button["callback_data"], message["message_id"]
        raise BenchError(f"{telegram_id}: no plan with a milestone button to press")

    async def steady(self, updates: list[Update]) -> tuple[Answers, float]:
        """Push each update at its moment; wait for the answers still due. Returns the answers
        and the latest push after its moment (s)."""
        answers = Answers(self.api)
        # The fake server's records make a big heap: a full collection of it would stall the
        # pushes and the server's clock for a good part of a second.
        gc.collect()
        gc.disable()
        try:
            lag = await self._push(updates, answers)
            await wait_for(
                lambda: answers.all_answered(updates), self.process, DRAIN_TIMEOUT, "the load",
                self.api,
            )  # fmt: skip
        except BenchError:
            missing = [u for u in updates if u.answered is None]
            raise BenchError(
                f"{len(missing)} of {len(updates)} updates unanswered, e.g. "
                f"{[(u.kind, u.chat) for u in missing[:10]]}\n{self.api.describe_recent()}"
            ) from None
        finally:
            gc.enable()
        return answers, lag

    async def _push(self, updates: list[Update], answers: Answers) -> float:
        """Open loop: each update at its moment, whatever is still unanswered."""
        loop = asyncio.get_running_loop()
        start = loop.time() + 0.1
        lag = 0.0
        for update in updates:
            delay = start + update.at - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            lag = max(lag, loop.time() - start - update.at)
            person = self.user(update.chat)
            if update.kind == PRESS:
                data, message_id = self.buttons[update.chat]
                update.text, update.message_id = data, message_id
                update.pushed = time.monotonic()
                query = person.press_data(data, message_id)
                answers.expect(update, query["id"])
            else:
                update.pushed = time.monotonic()
                person.send(update.text)
                answers.expect(update)
            if self.process.returncode is not None:
                raise BenchError(f"the bot exited ({self.process.returncode}) during the load")
        return lag

    def check_presses(self, updates: list[Update]) -> None:
        if self.bot == ECHO:
            return
        for update in updates:
            if update.kind == PRESS:
                pressed = self.api.message(update.chat, update.message_id) or {}
                if MILESTONE_CARD not in str(pressed.get("text", "")):
                    raise BenchError(f"{update.chat}: the press did not open the milestone")

    async def strangers(self, count: int) -> dict[int, Point]:
        """`count` unknown accounts, /start and /help in turn, at most WINDOW unanswered at a
        time; the memory after a tenth of them and after all."""
        checkpoints = sorted({max(1, count // 10), count})
        answered: set[int] = set()
        twice: list[int] = []
        seen = len(self.api.requests)

        def collect() -> int:
            nonlocal seen
            requests = self.api.requests
            for request in requests[seen:]:
                if request.ok and request.method.lower() == "sendmessage":
                    chat = request.params["chat_id"]
                    if FIRST_STRANGER <= chat < FIRST_STRANGER + count:
                        if chat in answered:
                            twice.append(chat)
                        answered.add(chat)
            seen = len(requests)
            return len(answered)

        points: dict[int, Point] = {}
        sent = 0
        self.strangers_seconds = 0.0
        for checkpoint in checkpoints:
            started = time.perf_counter()
            while collect() < checkpoint:
                while sent < checkpoint and sent - len(answered) < WINDOW:
                    stranger = TelegramUser(self.api, FIRST_STRANGER + sent, "Гость")
                    stranger.send("/start" if sent % 2 == 0 else "/help")
                    sent += 1
                if self.process.returncode is not None:
                    raise BenchError(f"the bot exited ({self.process.returncode}) with strangers")
                if time.perf_counter() - started > STRANGERS_TIMEOUT:
                    raise BenchError(f"strangers: {len(answered)} of {checkpoint} answered")
                await asyncio.sleep(POLL)
            self.strangers_seconds += time.perf_counter() - started
            points[checkpoint] = await self.point()
        collect()
        if twice:
            raise BenchError(f"strangers answered twice: {twice[:10]}")
        return points


async def run_bot(
    bot: str, template: Path, workdir: Path, members: list[Member], args: argparse.Namespace
) -> Run:
    updates, acting = schedule(
        members, args.seconds, args.rate, args.active or round(args.rate), args.stats_every,
        args.digest_every,
    )  # fmt: skip
    api = FakeBotAPI()
    await api.start()
    rundir = workdir / bot
    rundir.mkdir()
    settings = {"BOT_TOKEN": api.token, "TELEGRAM_API_URL": api.base_url}
    counts_path = None
    if bot == NASTAVNIK:
        for source in template.parent.glob(template.name + "*"):  # with -wal, -shm if any
            (rundir / source.name).write_bytes(source.read_bytes())
        settings |= {
            "DATABASE_PATH": str(rundir / template.name),
            "ADMIN_IDS": f"{DIGEST_ADMIN},{STATS_ADMIN}",
            "LOG_LEVEL": args.log_level,
            "QUIET_HOURS": "",
        }
        counts_path = rundir / "counts.json"
        command = [sys.executable, str(ROOT / "bench" / "counted_bot.py"), str(counts_path)]
    else:
        command = [sys.executable, str(ROOT / "bench" / "echo_bot.py")]
    log_path = rundir / "bot.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            *command, cwd=rundir, env=bot_env(**settings), stdout=log, stderr=log
        )
    driver = Driver(bot, api, process, counts_path)
    try:
        await until_polling(api, process, bot)
        ready = Point(round(proc_status_mib(process.pid, "VmRSS"), 1))
        await driver.warm_up(acting)
        rest_after_start = await driver.point()
        load_before, cpu_before = os.getloadavg()[0], proc_cpu_seconds(process.pid)
        answers, lag = await driver.steady(updates)
        cpu = proc_cpu_seconds(process.pid) - cpu_before
        load = (round(load_before, 2), round(os.getloadavg()[0], 2))
        driver.check_presses(updates)
        if answers.extra:
            raise BenchError(f"answers with no update waiting: {answers.extra[:10]}")
        rest_after_load = await driver.point()
        strangers = await driver.strangers(args.people)
        peak = proc_status_mib(process.pid, "VmHWM")
        if api.server_errors or api.refusals:
            raise BenchError(
                "the fake server failed or refused:\n" + "\n".join(api.server_errors + api.refusals)
            )
    except (BenchError, AssertionError) as exc:
        raise BenchError(f"{bot}: {exc}\n{tail(log_path)}") from None
    finally:
        await stop(process)
        await api.stop()
    text = log_path.read_text(encoding="utf-8", errors="replace")
    if "Traceback" in text or " ERROR " in text:
        raise BenchError(f"{bot} logged errors:\n{tail(log_path)}")
    run = summarise(bot, updates, answers, lag, ready, rest_after_start, rest_after_load,
                    strangers, peak)  # fmt: skip
    run.strangers_seconds = round(driver.strangers_seconds, 1)
    run.cpu_ms_per_update, run.load = round(cpu * 1000 / len(updates), 2), load
    return run


def summarise(
    bot: str, updates: list[Update], answers: Answers, lag: float, ready: Point,
    rest_after_start: Point, rest_after_load: Point, strangers: dict[int, Point], peak: float,
) -> Run:  # fmt: skip
    stats = [u for u in updates if u.kind == STATS]
    for update in updates:
        update.during_stats = any(
            s.pushed <= update.pushed < (s.answered or s.pushed) for s in stats
        )
    mix = [u for u in updates if u.kind != STATS and u.answered is not None]
    kinds = sorted({u.kind for u in updates}, key=KIND_ORDER.index)
    return Run(
        bot=bot,
        updates=len(updates),
        answered=sum(1 for u in updates if u.answered is not None),
        push_lag_max_ms=round(lag * 1000, 1),
        cpu_ms_per_update=0.0,
        load=(0.0, 0.0),
        mix=Percentiles.of([u.latency for u in mix]),
        stats=Percentiles.of([u.latency for u in stats if u.answered is not None]),
        mix_during_stats=Percentiles.of([u.latency for u in mix if u.during_stats]),
        mix_otherwise=Percentiles.of([u.latency for u in mix if not u.during_stats]),
        kinds={
            k: Percentiles.of([u.latency for u in updates if u.kind == k and u.answered])
            for k in kinds
        },
        notices=answers.notices,
        ready=ready,
        rest_after_start=rest_after_start,
        rest_after_load=rest_after_load,
        strangers=strangers,
        peak_rss_mib=round(peak, 1),
        timeline=[
            (u.kind, round(u.at, 3), round(u.latency * 1000, 1))
            for u in updates
            if u.answered is not None
        ],
    )


# --- the report and the check -------------------------------------------------------------------


def render(runs: dict[str, Run], args: argparse.Namespace) -> str:
    bot, echo = runs[NASTAVNIK], runs[ECHO]
    lines = [
        f"{args.pairs} pairs; {args.rate:g} updates/s for {args.seconds:g} s, open loop "
        f"({bot.updates} updates, {bot.stats.count} /stats)",
        "",
        "| bot | answered | mix p50 ms | p95 | p99 | max | /stats p50 ms | p95 | p99 | max "
        "| push lag max ms | bot CPU ms/update | load average |",
        "| --- " + "| ---: " * 11 + "| --- |",
    ]
    for run in (bot, echo):
        lines.append(
            f"| {run.bot} | {run.answered}/{run.updates} | {run.mix.row()} | {run.stats.row()} "
            f"| {run.push_lag_max_ms:.1f} | {run.cpu_ms_per_update:.2f} "
            f"| {run.load[0]:.1f} → {run.load[1]:.1f} |"
        )
    lines += [
        "",
        "| kind | updates | nastavnik p50 ms | p95 | p99 | max | echo p50 ms | p95 | p99 | max |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, percentiles in bot.kinds.items():
        lines.append(
            f"| `{kind}` | {percentiles.count} | {percentiles.row()} | {echo.kinds[kind].row()} |"
        )
    lines += [
        "",
        "| the mix (nastavnik), pushed | updates | p50 ms | p95 | p99 | max |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        f"| while a /stats was in flight | {bot.mix_during_stats.count} "
        f"| {bot.mix_during_stats.row()} |",
        f"| otherwise | {bot.mix_otherwise.count} | {bot.mix_otherwise.row()} |",
        "",
        f"questions delivered to mentors meanwhile (the outbox): {bot.notices}",
        f"strangers answered in {bot.strangers_seconds:g} s (echo: {echo.strangers_seconds:g} s)",
        "",
        "| memory, MiB | nastavnik | echo | nastavnik / echo | FSM cached | locks |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    rows = [
        ("ready (first getUpdates)", bot.ready, echo.ready),
        ("at rest after start (warm-up)", bot.rest_after_start, echo.rest_after_start),
        ("at rest after the load", bot.rest_after_load, echo.rest_after_load),
    ]
    rows += [
        (f"after {n} strangers", point, echo.strangers[n]) for n, point in bot.strangers.items()
    ]
    for label, b, e in rows:
        counts = b.counts
        held = f"{counts.fsm_cached} | {counts.locks}" if counts else "— | —"
        lines.append(f"| {label} | {b.rss_mib:.1f} | {e.rss_mib:.1f} | "
                     f"{b.rss_mib / e.rss_mib:.2f} | {held} |")  # fmt: skip
    lines.append(f"| peak (VmHWM) | {bot.peak_rss_mib:.1f} | {echo.peak_rss_mib:.1f} | "
                 f"{bot.peak_rss_mib / echo.peak_rss_mib:.2f} | | |")  # fmt: skip
    return "\n".join(lines)


def check(runs: dict[str, Run], args: argparse.Namespace) -> list[str]:
    """The targets and bounds; each line says met or NOT met."""
    bot, echo = runs[NASTAVNIK], runs[ECHO]
    verdicts: list[tuple[bool, str]] = []
    if args.p95_ms > 0:
        verdicts.append((
            bot.mix.p95 < args.p95_ms,
            f"the mix's p95 {bot.mix.p95:.1f} ms < {args.p95_ms:g} ms (echo: {echo.mix.p95:.1f})",
        ))  # fmt: skip
    for label, b, e in (
        ("after start", bot.rest_after_start, echo.rest_after_start),
        ("after the load", bot.rest_after_load, echo.rest_after_load),
    ):
        ratio = b.rss_mib / e.rss_mib
        verdicts.append(
            (ratio < args.rss_ratio, f"resting RSS {label} {ratio:.2f}x echo's < {args.rss_ratio}")
        )
    first, last = min(bot.strangers), max(bot.strangers)
    few, many = bot.strangers[first], bot.strangers[last]
    growth = many.rss_mib / few.rss_mib
    echo_growth = echo.strangers[last].rss_mib / echo.strangers[first].rss_mib
    verdicts.append((
        growth <= args.growth,
        f"RSS after {last} strangers / after {first}: {growth:.3f} "
        f"({many.rss_mib - few.rss_mib:+.1f} MiB; echo {echo_growth:.3f}) <= {args.growth}",
    ))  # fmt: skip
    counts = many.counts
    assert counts is not None
    bounded = counts.fsm_bound is not None and counts.fsm_cached <= counts.fsm_bound
    verdicts.append((bounded, f"FSM cache {counts.fsm_cached} keys within its bound "
                              f"{counts.fsm_bound} after {last} strangers"))  # fmt: skip
    verdicts.append((counts.locks == 0, f"{counts.locks} per-person locks left at rest"))
    return [f"{'met' if ok else 'NOT met'}: {text}" for ok, text in verdicts]


async def bench(args: argparse.Namespace) -> dict[str, Run]:
    members = programme(args.pairs)
    with tempfile.TemporaryDirectory(prefix="bench-steady-") as tmp:
        workdir = Path(tmp) if args.keep is None else args.keep
        workdir.mkdir(parents=True, exist_ok=True)
        roster = workdir / "roster.csv"
        roster.write_bytes(roster_csv(args.pairs * 2))
        template = workdir / "template" / "bot.db"
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "import", str(roster), cwd=workdir,
            env=bot_env(DATABASE_PATH=str(template), LOG_LEVEL="WARNING"),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await process.communicate()
        if process.returncode != 0:
            raise BenchError(f"import failed: {out.decode()}{err.decode()}")
        await mark_notices_sent(template)
        await accept_consent(template)
        runs: dict[str, Run] = {}
        for bot in (NASTAVNIK, ECHO):
            runs[bot] = await run_bot(bot, template, workdir, members, args)
            run = runs[bot]
            print(
                f"{bot:<9} answered {run.answered}/{run.updates}; mix p50/p95/p99/max "
                f"{run.mix.row().replace(' | ', ' / ')} ms; /stats p50 {run.stats.p50:.0f} ms; "
                f"RSS after load {run.rest_after_load.rss_mib:.1f} MiB",
                flush=True,
            )
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--pairs", type=int, default=1000, help="pairs in the programme")
    parser.add_argument("--seconds", type=float, default=60.0, help="of the steady load")
    parser.add_argument("--rate", type=float, default=50.0, help="updates a second")
    parser.add_argument("--active", type=int, default=0, help="people acting in turn (--rate)")
    parser.add_argument("--stats-every", type=float, default=15.0, help="s between /stats")
    parser.add_argument("--digest-every", type=float, default=10.0, help="s between /digest")
    parser.add_argument("--people", type=int, default=20000, help="strangers in the memory pass")
    parser.add_argument("--p95-ms", type=float, default=50.0, help="the target; 0: report only")
    parser.add_argument("--rss-ratio", type=float, default=1.3, help="resting RSS vs echo's")
    parser.add_argument("--growth", type=float, default=1.05, help="RSS after all strangers / "
                        "after a tenth")  # fmt: skip
    parser.add_argument("--json", type=Path, help="write both runs and the verdicts here")
    parser.add_argument(
        "--log-level", default="WARNING", help="the bot's (INFO: each update's handling time)"
    )
    parser.add_argument("--keep", type=Path, help="work in this new folder and keep it (logs)")
    args = parser.parse_args(argv)
    if not 1 <= args.pairs <= 2500 or args.seconds <= 0 or args.rate <= 0 or args.people < 10:
        parser.error("--pairs within 1..2500, --seconds and --rate positive, --people ≥ 10")
    try:
        runs = asyncio.run(bench(args))
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    print()
    print(render(runs, args))
    verdicts = check(runs, args)
    print()
    print("\n".join(verdicts))
    if args.json:
        result = {
            "date": date.today().isoformat(),
            "options": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
            "runs": {bot: asdict(run) for bot, run in runs.items()},
            "verdicts": verdicts,
        }
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return 0 if all(v.startswith("met") for v in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
