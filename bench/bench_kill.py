"""SIGKILL the real bot at random moments of a daily mix, start it again each time, and check
what the crashes left behind.

The real bot (`python -m bot`) runs as a subprocess against a fake Bot API server in this
process, on a programme imported with `python -m bot import` (N pairs and a methodist). Every
pair goes through a day over and over, as people do, through the server's updates: the mentee
asks a question and the mentor answers it (the 💬 button, then the answer), the mentee proposes
a meeting (`/meet` with its moment, then a format button) and the mentor confirms it (✅), the
mentee reports a milestone (`/plan`, the milestone, ✅, what was done, «Без файла») and the
mentor accepts it. Between the steps of a form a person thinks for a moment; an answer that a
kill swallowed ends the pair's round (they /cancel and begin the next). Meanwhile the bot is
killed (SIGKILL) K times, each after polling for a random while (seeded), and started again at
once. When the kills are done the rounds under way finish, the outbox is left to drain, the bot
is stopped with SIGTERM, and the database and the server's record are checked:

- `PRAGMA integrity_check` is ok and no foreign key dangles;
- no update half-applied: every question has its mentor's copy in the outbox, every answer its
  mentee's copy, every meeting its invitation and every confirmed one its notice to the
  proposer, every milestone report its notice to the mentor and every accepted one its notice
  to the mentee; every such notice marked sent has its attempt recorded sent;
- forms go on after a restart: a form step sent after a kill that came while the person was
  between two steps is answered as the form's next step (never «form closed» or «I did not
  understand»), and at least one such step happened;
- every queued message is sent in the end (nothing due is pending, nothing failed), and none is
  sent twice beyond one per crash: the sends the server saw per outbox row (its chat and text)
  are counted, duplicates must be at most the kills, and each must be a send under way at a
  kill (an 'interrupted' attempt);
- no update went unanswered without a kill to explain it, and the bot logged no ERROR.

Exit 1 when a check fails or the run could not be made.

    .venv/bin/python bench/bench_kill.py [--pairs 30] [--kills 20] [--seed 1] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import platform
import random
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "e2e"), str(ROOT / "bench")]

from bench_updates import BenchError, accept_consent, import_roster, roster_people, stop, tail  # noqa: E402
from bot_process import bot_env  # noqa: E402
from fake_bot_api import FakeBotAPI  # noqa: E402
from people import TelegramUser  # noqa: E402

from bot.domain.plans import shipped_template  # noqa: E402

START_TIMEOUT = 60.0
UP_BEFORE_KILL = (1.0, 4.0)  # seconds the bot polls before it is killed, drawn per kill
THINK = (0.3, 2.0)  # a person's pause between two steps of a form
ANSWER_TIMEOUT = 20.0  # an update still unanswered after this, with no kill since, is a failure
AFTER_RESTART = 5.0  # an update sent before a kill is waited for this long after the restart
QUEUED_TIMEOUT = 40.0  # a message through the outbox (the mentor's copy) is waited this long
DRAIN_TIMEOUT = 120.0
POLL = 0.05
ROUNDS = len(shipped_template().milestones)  # one milestone reported a round, each in turn
SENDS = ("sendmessage", "sendphoto", "senddocument")
# What the bot says when a form step finds no form, or another step, waiting.
FORM_GONE = (
    "Я не понял",
    "форма уже закрыта",
    "Эта форма устарела",
    "Сейчас я жду другой ответ",
    "кнопка устарела",
)
TZ = ZoneInfo("Asia/Bishkek")  # the bot's default TIMEZONE


@dataclass
class Result:
    pairs: int
    kills: int
    seconds: float  # the load, from the first /start to the last round's end
    updates: int  # pushed to the server: messages and button presses
    messages: int  # sendMessage/sendPhoto/sendDocument the server carried out
    queued_sent: int  # outbox rows sent
    rounds_done: int
    rounds_cut: int  # rounds a kill cut short
    forms_across_kills: int  # form steps answered as the next step after a kill mid-form
    forms_lost: list[str]  # form steps after such a kill that found no form waiting
    unanswered: list[str]  # updates not answered with no kill to explain it
    unexpected: list[str]  # anything else the script did not expect
    interrupted: int  # sends under way at a kill ('interrupted' attempts)
    duplicates: int  # sends beyond one per outbox row, as the server saw them
    unexplained_duplicates: int  # duplicates of a row with no interrupted send
    pending_at_end: int  # queued, due and not sent after the drain
    failed_rows: int
    half_applied: dict[str, int]  # invariant → rows breaking it
    integrity: str
    foreign_key_errors: int
    in_flight_at_end: int  # attempts still marked in flight after the clean stop
    errors_logged: int

    def failures(self) -> list[str]:
        found = []
        if self.integrity != "ok" or self.foreign_key_errors:
            found.append(f"integrity {self.integrity}, {self.foreign_key_errors} foreign keys")
        if any(self.half_applied.values()):
            found.append(f"half-applied updates: {self.half_applied}")
        if self.forms_lost:
            found.append(f"forms lost after a restart: {self.forms_lost}")
        if self.kills and not self.forms_across_kills:
            found.append("no form step crossed a kill: the check did not happen")
        if self.pending_at_end or self.failed_rows:
            found.append(f"{self.pending_at_end} queued not sent, {self.failed_rows} failed")
        if self.duplicates > self.kills or self.unexplained_duplicates:
            found.append(
                f"{self.duplicates} duplicates for {self.kills} kills "
                f"({self.unexplained_duplicates} not a send under way at a kill)"
            )
        if self.in_flight_at_end:
            found.append(f"{self.in_flight_at_end} attempts left in flight by a clean stop")
        if self.unanswered:
            found.append(f"unanswered without a kill: {self.unanswered[:5]}")
        if self.errors_logged:
            found.append(f"the bot logged {self.errors_logged} errors")
        return found


# --- the bot, killed and started again ---------------------------------------------------------


class BotProcess:
    def __init__(self, api: FakeBotAPI, workdir: Path, database: Path, admin: int) -> None:
        self.api = api
        self.workdir = workdir
        self.database = database
        self.log = workdir / "bot.log"
        self.admin = admin
        self.process: asyncio.subprocess.Process | None = None
        self.kills = 0
        self.up_since: float | None = None  # None while it is down or starting

    def up_for(self) -> float:
        return 0.0 if self.up_since is None else time.monotonic() - self.up_since

    async def start(self) -> None:
        polls = len(self.api.calls("getUpdates"))
        with self.log.open("ab") as stderr:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                cwd=self.workdir,
                env=bot_env(
                    BOT_TOKEN=self.api.token,
                    TELEGRAM_API_URL=self.api.base_url,
                    DATABASE_PATH=str(self.database),
                    ADMIN_IDS=str(self.admin),
                    QUIET_HOURS="",
                    SCHEDULER_TICK_SECONDS="2",
                    LOG_LEVEL="WARNING",
                ),
                stderr=stderr,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while len(self.api.calls("getUpdates")) <= polls:
            if self.process.returncode is not None:
                raise BenchError(f"the bot exited ({self.process.returncode})\n{tail(self.log)}")
            if time.monotonic() > deadline:
                raise BenchError(f"the bot did not poll within {START_TIMEOUT:g} s")
            await asyncio.sleep(POLL)
        self.up_since = time.monotonic()

    async def kill(self) -> None:
        assert self.process is not None
        self.up_since = None
        self.kills += 1
        self.process.kill()
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None:
            await stop(self.process)


# --- the people --------------------------------------------------------------------------------


@dataclass
class Pair:
    number: int
    mentor: TelegramUser
    mentee: TelegramUser


@dataclass
class Tally:
    updates: int = 0
    rounds_done: int = 0
    rounds_cut: int = 0
    forms_across_kills: int = 0
    forms_lost: list[str] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)


def visible(message: dict[str, Any]) -> str:
    return str(message.get("text") or message.get("caption") or "")


class Day:
    """The pairs' day, step by step, each step waiting for its answer."""

    def __init__(self, api: FakeBotAPI, bot: BotProcess, chance: random.Random) -> None:
        self.api = api
        self.bot = bot
        self.chance = chance
        self.tally = Tally()
        # The kills counted when each person's latest answer reached the server.
        self.read_at: dict[int, int] = {}
        self.ending = asyncio.Event()  # the kills are done: finish the round under way

    async def run(self, pair: Pair) -> None:
        for number in range(1, ROUNDS + 1):
            if self.ending.is_set():
                return
            if await self.round(pair, number):
                self.tally.rounds_done += 1
            else:
                self.tally.rounds_cut += 1
                for person in (pair.mentee, pair.mentor):  # whatever form was open goes
                    await self.act(person, partial(person.send, "/cancel"), ("",), "/cancel")

    async def round(self, pair: Pair, number: int) -> bool:
        mentee, mentor, mark = pair.mentee, pair.mentor, f"[{pair.number}·{number}]"
        day = (datetime.now(TZ).date() + timedelta(days=10 + number)).strftime("%d.%m.%Y")
        since = self.api.seq
        question = f"/ask Вопрос {mark}: как оформить отчёт?"
        if not await self.act(mentee, lambda: mentee.send(question), ("Вопрос отправлен",), "ask"):
            return False
        copy = await self.receive(mentor, "Вопрос от", mark, since)
        if copy is None or not await self.act(
            mentor, lambda: mentor.press("💬 Ответить", copy), ("Напишите ответ",), "reply"
        ):
            return False
        if not await self.form_step(
            mentor, lambda: mentor.send(f"Ответ {mark}: по образцу."), ("Ответ отправлен",)
        ):
            return False
        if await self.receive(mentee, "Ответ от", mark, since) is None:
            return False

        since = self.api.seq
        meet = f"/meet {day} 10:00 Встреча {mark}"
        if not await self.act(mentee, lambda: mentee.send(meet), ("Форма работы",), "meet"):
            return False
        if not await self.form_step(
            mentee, lambda: mentee.press("консультация"), ("Приглашение отправлено",)
        ):
            return False
        invite = await self.receive(mentor, "приглашает на встречу", mark, since)
        if invite is None or not await self.act(
            mentor,
            lambda: mentor.press("✅ Подтвердить", invite),
            ("Встреча подтверждена", "уже подтверждена"),
            "confirm",
        ):
            return False
        if await self.receive(mentee, "подтвердил", mark, since) is None:
            return False

        since = self.api.seq
        plan = await self.act(
            mentee, lambda: mentee.send("/plan"), ("Индивидуальный план",), "plan"
        )
        if plan is None or not await self.act(
            mentee, lambda: mentee.press(f"{number}. ", plan, contains=True), ("Срок:",), "open"
        ):
            return False
        if not await self.act(
            mentee, lambda: mentee.press("✅ Отметить выполнение"), ("что сделано",), "report"
        ):
            return False
        if not await self.form_step(
            mentee, lambda: mentee.send(f"Сделано {mark}"), ("Приложите файл",)
        ) or not await self.form_step(
            mentee, lambda: mentee.press("Без файла"), ("Отчёт отправлен наставнику",)
        ):
            return False
        report = await self.receive(mentor, "этап выполненным", mark, since)
        if report is None or not await self.act(
            mentor, lambda: mentor.press("✅ Принять", report), ("✅ Принят",), "accept"
        ):
            return False
        return await self.receive(mentee, "принял", "", since) is not None

    async def form_step(
        self, who: TelegramUser, action: Callable[[], object], expect: Sequence[str]
    ) -> bool:
        """The next step of a form whose question the person has just read, after a pause."""
        kills = self.read_at[who.id]
        await asyncio.sleep(self.chance.uniform(*THINK))
        return await self.act(who, action, expect, "form step", form_from=kills) is not None

    async def act(
        self,
        who: TelegramUser,
        action: Callable[[], object],
        expect: Sequence[str],
        what: str,
        *,
        form_from: int | None = None,
    ) -> dict[str, Any] | None:
        """Send one update; its answer (a message sent or edited to the person with one of
        `expect`), or None when a kill swallowed it. `form_from`: the kills counted when the
        form's question was read; a kill since then makes this a step across a restart."""
        since, kills, pressed = self.api.seq, self.bot.kills, who.last_callback_id
        try:
            action()
        except AssertionError as exc:  # the button to press is not there
            self.tally.unexpected.append(f"{what}: {exc}"[:200])
            return None
        self.tally.updates += 1
        query = who.last_callback_id if who.last_callback_id != pressed else None
        across = form_from is not None and form_from != kills
        started, seen_at = time.monotonic(), kills
        while True:
            now_at = self.bot.kills  # an answer found now came before this many kills or fewer
            changed = self.api.changed_since(who.id, since)
            found = [m for m in changed if _has(visible(m), expect)]
            if found:
                self.tally.forms_across_kills += across
                # Came between the last look and this one: before any kill in between, since
                # a killed bot's successor takes seconds to answer anything.
                self.read_at[who.id] = seen_at
                return found[-1]
            seen_at = now_at
            said = [visible(m) for m in changed] + self._callback_answers(query)
            if gone := [text for text in said if _has(text, FORM_GONE)]:
                if across and self.bot.kills == kills:
                    self.tally.forms_lost.append(f"{who!r} {what}: {gone[-1][:80]}")
                elif self.bot.kills == kills:
                    self.tally.unexpected.append(f"{who!r} {what}: {gone[-1][:80]}")
                return None
            if self.bot.kills != kills:
                if self.bot.up_for() > AFTER_RESTART:
                    return None  # lost with the process that had it
            elif time.monotonic() - started > ANSWER_TIMEOUT:
                self.tally.unanswered.append(f"{who!r} {what}")
                return None
            await asyncio.sleep(POLL)

    async def receive(
        self, who: TelegramUser, contains: str, mark: str, since: int
    ) -> dict[str, Any] | None:
        """A message through the outbox (another person's action caused it)."""
        started, kills = time.monotonic(), self.bot.kills
        while True:
            for message in self.api.changed_since(who.id, since):
                if contains in visible(message) and mark in visible(message):
                    return message
            if self.bot.kills != kills:
                started, kills = time.monotonic(), self.bot.kills  # it waits out the restart
            if time.monotonic() - started > QUEUED_TIMEOUT:
                self.tally.unexpected.append(f"{who!r} never got {contains!r} {mark}")
                return None
            await asyncio.sleep(POLL)

    def _callback_answers(self, query: str | None) -> list[str]:
        if query is None:
            return []
        return [
            str(r.params.get("text", ""))
            for r in self.api.calls("answerCallbackQuery")
            if r.ok and r.params.get("callback_query_id") == query
        ]


def _has(text: str, marks: Sequence[str]) -> bool:
    return any(mark in text for mark in marks)


# --- the run -----------------------------------------------------------------------------------


def write_roster(path: Path, pairs: int) -> tuple[int, list[tuple[int, str, int, str]]]:
    """A methodist and the pairs, their period around today; (the methodist's id, the pairs as
    (mentor id, mentor's first name, mentee id, mentee's first name))."""
    people = roster_people()
    methodist, rest = people[0], people[4 : 4 + 2 * pairs]
    today = date.today()
    period = [
        "педагогический",
        (today - timedelta(days=60)).strftime("%d.%m.%Y"),
        (today + timedelta(days=200)).strftime("%d.%m.%Y"),
        "№ 7-к",
    ]
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow(
            ["ФИО", "Роль", "Telegram", "ПЦК", "Наставник", "Вид", "Начало", "Окончание", "Приказ"]
        )
        writer.writerow([methodist.full_name, "методист", methodist.telegram_id, "", ""] + [""] * 4)
        for person in rest:
            pair = period if person.mentor else [""] * 4
            writer.writerow(
                [person.full_name, person.role, person.telegram_id, "ПЦК ИТ", person.mentor, *pair]
            )
    couples = [
        (mentor.telegram_id, mentor.first_name, mentee.telegram_id, mentee.first_name)
        for mentor, mentee in zip(rest[::2], rest[1::2], strict=True)
    ]
    return methodist.telegram_id, couples


async def run(pairs: int, kills: int, seed: int) -> Result:
    chance = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="bench-kill-") as tmp:
        workdir = Path(tmp)
        database = workdir / "bot.db"
        admin, couples = write_roster(workdir / "roster.csv", pairs)
        await import_roster(workdir, workdir / "roster.csv", database)
        await accept_consent(database)
        api = FakeBotAPI()
        await api.start()
        bot = BotProcess(api, workdir, database, admin)
        try:
            await bot.start()
            day = Day(api, bot, chance)
            everyone = [
                Pair(
                    number,
                    TelegramUser(api, mentor_id, mentor_name, username=f"u{mentor_id}"),
                    TelegramUser(api, mentee_id, mentee_name, username=f"u{mentee_id}"),
                )
                for number, (mentor_id, mentor_name, mentee_id, mentee_name) in enumerate(
                    couples, 1
                )
            ]
            started = time.monotonic()
            for pair in everyone:
                for person in (pair.mentor, pair.mentee):
                    if await day.act(person, partial(person.send, "/start"), ("",), "/start"):
                        continue
                    raise BenchError(f"{person!r}: no answer to /start")
            load = [asyncio.create_task(day.run(pair)) for pair in everyone]
            for _ in range(kills):
                await asyncio.sleep(chance.uniform(*UP_BEFORE_KILL))
                await bot.kill()
                await bot.start()
            day.ending.set()
            await asyncio.gather(*load)
            seconds = time.monotonic() - started
            await drained(database, bot)
        finally:
            await bot.stop()
            await api.stop()
        log = bot.log.read_text(encoding="utf-8", errors="replace")
        return check(api, database, day.tally, bot.kills, pairs, seconds, log)


async def drained(database: Path, bot: BotProcess) -> None:
    """Wait until nothing queued is due and unsent."""
    deadline = time.monotonic() + DRAIN_TIMEOUT
    while due_unsent(database):
        if bot.process is not None and bot.process.returncode is not None:
            raise BenchError(f"the bot exited during the drain\n{tail(bot.log)}")
        if time.monotonic() > deadline:
            return  # reported as pending_at_end
        await asyncio.sleep(0.5)


def due_unsent(database: Path) -> int:
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        row = conn.execute(
            "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND held = 0 AND not_before <= ?",
            (now,),
        ).fetchone()
    finally:
        conn.close()
    return int(row[0])


# Each is a change and the notice it queues in the same transaction; a row is one left half.
HALF_APPLIED = {
    "question without its mentor's copy": "SELECT COUNT(*) FROM questions q WHERE NOT EXISTS"
    " (SELECT 1 FROM outbox o WHERE o.key LIKE 'question:' || q.id || ':%')",
    "answer without its mentee's copy": "SELECT COUNT(*) FROM questions q"
    " WHERE q.answered_at IS NOT NULL AND NOT EXISTS"
    " (SELECT 1 FROM outbox o WHERE o.key LIKE 'answer:' || q.id || ':%')",
    "meeting without its invitation": "SELECT COUNT(*) FROM meetings m WHERE m.logged = 0"
    " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.key LIKE 'meeting:' || m.id || ':%:invite:%')",
    "confirmed meeting without its notice": "SELECT COUNT(*) FROM meetings m"
    " WHERE m.status = 'confirmed' AND NOT EXISTS (SELECT 1 FROM outbox o"
    " WHERE o.key LIKE 'meeting:' || m.id || ':' || m.revision || ':answer:%')",
    "milestone report without its notice": "SELECT COUNT(*) FROM milestones s"
    " WHERE s.submission > 0 AND NOT EXISTS (SELECT 1 FROM outbox o"
    " WHERE o.key LIKE 'milestone-report:' || s.id || ':' || s.submission || ':%')",
    "accepted milestone without its notice": "SELECT COUNT(*) FROM milestones s"
    " WHERE s.status = 'accepted' AND NOT EXISTS (SELECT 1 FROM outbox o"
    " WHERE o.key LIKE 'milestone-decision:' || s.id || ':accepted:%')",
    "notice sent without its attempt recorded": "SELECT COUNT(*) FROM outbox o"
    " WHERE o.status = 'sent' AND o.kind IN ('question', 'answer', 'meeting',"
    " 'milestone-report', 'milestone-decision') AND NOT EXISTS (SELECT 1 FROM outbox_attempts a"
    " WHERE a.outbox_id = o.id AND a.outcome = 'sent')",
}


def check(
    api: FakeBotAPI, database: Path, tally: Tally, kills: int, pairs: int, seconds: float, log: str
) -> Result:
    sends = [r for r in api.requests if r.ok and r.method.lower() in SENDS]
    conn = sqlite3.connect(database)
    try:
        integrity = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        foreign = len(conn.execute("PRAGMA foreign_key_check").fetchall())
        half = {name: int(conn.execute(sql).fetchone()[0]) for name, sql in HALF_APPLIED.items()}
        statuses = dict(conn.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status"))
        rows = conn.execute(
            "SELECT key, sent_chat_id, sent_message_id FROM outbox WHERE status = 'sent'"
            " AND method = 'send' AND sent_message_id IS NOT NULL"
        ).fetchall()
        interrupted = {
            key
            for (key,) in conn.execute(
                "SELECT o.key FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id"
                " WHERE a.outcome = 'interrupted'"
            )
        }
        in_flight = int(
            conn.execute(
                "SELECT COUNT(*) FROM outbox_attempts WHERE outcome = 'in_flight'"
            ).fetchone()[0]
        )
    finally:
        conn.close()
    duplicates, unexplained = duplicated_sends(sends, rows, interrupted)
    return Result(
        pairs=pairs,
        kills=kills,
        seconds=round(seconds, 1),
        updates=tally.updates,
        messages=len(sends),
        queued_sent=statuses.get("sent", 0),
        rounds_done=tally.rounds_done,
        rounds_cut=tally.rounds_cut,
        forms_across_kills=tally.forms_across_kills,
        forms_lost=tally.forms_lost,
        unanswered=tally.unanswered,
        unexpected=tally.unexpected,
        interrupted=len(interrupted),
        duplicates=duplicates,
        unexplained_duplicates=unexplained,
        pending_at_end=due_unsent(database),
        failed_rows=statuses.get("failed", 0),
        half_applied=half,
        integrity=integrity,
        foreign_key_errors=foreign,
        in_flight_at_end=in_flight,
        errors_logged=sum(
            1 for line in log.splitlines() if " ERROR " in line or "Traceback" in line
        ),
    )


def duplicated_sends(
    sends: list[Any], rows: list[tuple[str, int, int]], interrupted: set[str]
) -> tuple[int, int]:
    """Sends beyond one per outbox row: each row is known at the server by the message its
    record names (its chat and text); a text sent to a chat more often than rows hold it went
    twice. The second figure: those of rows with no interrupted send."""
    text_of = {
        (r.params["chat_id"], (r.result or {}).get("message_id")): sent_text(r) for r in sends
    }
    at_server = Counter((r.params["chat_id"], sent_text(r)) for r in sends)
    keys: dict[tuple[int, str], list[str]] = {}
    for key, chat, message_id in rows:
        text = text_of.get((chat, message_id))
        if text is not None:
            keys.setdefault((chat, text), []).append(key)
    duplicates = unexplained = 0
    for sent, of_rows in keys.items():
        extra = at_server[sent] - len(of_rows)
        if extra > 0:
            duplicates += extra
            if not interrupted.intersection(of_rows):
                unexplained += extra
    return duplicates, unexplained


def sent_text(request: Any) -> str:
    return str(request.params.get("text") or request.params.get("caption") or "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=30)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1, help="of the kill moments and pauses")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    try:
        result = asyncio.run(run(args.pairs, args.kills, args.seed))
    except BenchError as exc:
        print(f"could not run: {exc}", file=sys.stderr)
        return 1
    print(
        f"{result.pairs} pairs, killed {result.kills} times over {result.seconds} s: "
        f"{result.updates} updates, {result.messages} messages sent "
        f"({result.queued_sent} through the outbox); rounds {result.rounds_done} done, "
        f"{result.rounds_cut} cut by a kill; form steps across a kill "
        f"{result.forms_across_kills}, lost {len(result.forms_lost)}; duplicates "
        f"{result.duplicates} (≤ kills {result.kills}; interrupted sends {result.interrupted}, "
        f"unexplained {result.unexplained_duplicates}); queued unsent {result.pending_at_end}, "
        f"failed {result.failed_rows}; half-applied {sum(result.half_applied.values())}; "
        f"integrity {result.integrity}; unanswered {len(result.unanswered)}; "
        f"unexpected {len(result.unexpected)}"
    )
    for line in result.unexpected[:10]:
        print(f"  unexpected: {line}")
    if args.json:
        report = {"python": platform.python_version(), "result": asdict(result)}
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    if failures := result.failures():
        for failure in failures:
            print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
