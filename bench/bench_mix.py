"""Updates per second of the bot answering a mix of a pair's daily work, as a ratio of the echo bot.

The same bots, roster, fake server, rounds and report as bench_updates.py (whose functions this
reuses); only what is sent differs. Untimed: everyone's first /start and each mentee's /plan
(the message whose button they press later), then the warm-up people's mix, then a wait for the
command menus that the first /start sets in the background. Timed: one turn of the mix per person
of the 98 measured pairs, pushed at once. Everyone sends /start again; a mentee then sends /plan,
/ask with a question, a quick /meet with date, time and topic (the bot then asks for the format),
and presses the first milestone button of their earlier plan; a mentor sends /plan and /mentees.
The echo bot gets the same updates (it echoes texts and answers presses). An update counts as
answered by its own kind of reply to its own chat (or answerCallbackQuery for a press), so the
question the bot sends the mentor is not taken for an answer; afterwards every update must have
exactly one. `--only KIND,…` sends only those kinds (where the time goes).

    .venv/bin/python bench/bench_mix.py [--rounds 3] [--json results.json] [--only /plan,press]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench_updates import (
    BATCH_TIMEOUT,
    ECHO,
    POLL_INTERVAL,
    BenchError,
    Replies,
    bench,
    render,
    roster_people,
    write_json,
)
from fake_bot_api import FakeBotAPI
from people import TelegramUser

from bot.config import Settings

PRESS, NOTICE, OTHER = "press", "notice", "other"
KINDS = ("/start", "/plan", "/ask", "/meet", PRESS, "/mentees")
# How the real bot's answer to each command begins (bot/locales/ru/*.ftl, the HTML it sends).
ANSWER_MARKS = (
    ("/start", "Здравствуйте, <b>"),  # start-greeting
    ("/plan", "<b>Индивидуальный план</b>"),  # plan-head
    ("/mentees", "<b>Мои наставляемые</b>"),  # mentees-head
    ("/ask", "Вопрос отправлен"),  # question-sent
    ("/meet", "<b>Форма работы?</b>"),  # meet-step-format
)
NOTICE_MARK = "<b>Вопрос от"  # question-to-mentor: the outbox's message to the other side
MILESTONE_CARD = "Срок:"  # the milestone card the press turns the plan message into
OPEN_MILESTONE = "ml:open:"  # handlers/plan MilestoneCb(action="open")
MEET_IN_DAYS = 20  # a future day inside every pair's period (01.09.2026–30.06.2027)


def kind_of(text: str) -> str:
    """Which command a message answers: the echo bot's echo starts with it, the bot's has a mark."""
    if text.startswith("/"):
        return text.split(maxsplit=1)[0]
    for kind, mark in ANSWER_MARKS:
        if mark in text:
            return kind
    return NOTICE if NOTICE_MARK in text else OTHER


@dataclass(frozen=True)
class Action:
    person: TelegramUser
    kind: str  # a command, or PRESS
    text: str  # the message, or a press's callback data
    message_id: int = 0  # the message a press is on


class Answers:
    """The bot's replies since it was made, per (chat, kind); a press is counted for the chat of
    the person who pressed, by its query id."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api
        self.per_chat: Counter[tuple[int, str]] = Counter()
        self.texts: dict[tuple[int, str], list[str]] = {}
        self.queries: dict[str, int] = {}  # callback query id -> the presser's id
        self.press_answers: dict[str, list[dict[str, Any]]] = {}
        self._seen = len(api.requests)

    def collect(self) -> None:
        requests = self.api.requests
        for request in requests[self._seen :]:
            method = request.method.lower()
            if not request.ok:
                continue
            if method == "sendmessage":
                key = (request.params["chat_id"], kind_of(request.params.get("text", "")))
                self.per_chat[key] += 1
                self.texts.setdefault(key, []).append(request.params.get("text", ""))
            elif method == "answercallbackquery":
                query_id = request.params["callback_query_id"]
                self.per_chat[(self.queries.get(query_id, 0), PRESS)] += 1
                self.press_answers.setdefault(query_id, []).append(request.params)
        self._seen = len(requests)

    def missing(self, expected: Counter[tuple[int, str]]) -> int:
        self.collect()
        return sum(max(count - self.per_chat[key], 0) for key, count in expected.items())


class Mix:
    """The workload of bench_updates.run_bot: see the module's docstring."""

    def __init__(self, only: frozenset[str] = frozenset()) -> None:
        self.only = only  # the kinds of update to send (all when empty): --only
        roster = roster_people()
        self.roles = {p.telegram_id: p.role for p in roster}
        mentees = [p.telegram_id for p in roster if p.role == "наставляемый"]
        tz = ZoneInfo(Settings.model_fields["timezone"].default)
        day = (datetime.now(tz) + timedelta(days=MEET_IN_DAYS)).strftime("%d.%m.%Y")
        # A distinct minute per mentee, from 09:00, so that no two meetings could clash.
        self.meet_at = {
            telegram_id: f"{day} {9 + n // 60:02d}:{n % 60:02d}"
            for n, telegram_id in enumerate(mentees)
        }
        self.buttons: dict[int, tuple[str, int]] = {}  # mentee -> (callback data, message id)
        self.actions: list[Action] = []
        self.answers: Answers | None = None

    def is_mentee(self, person: TelegramUser) -> bool:
        return self.roles[person.id] == "наставляемый"

    def is_mentor(self, person: TelegramUser) -> bool:
        return self.roles[person.id] == "наставник"

    async def warm_up(
        self,
        api: FakeBotAPI,
        bot: str,
        measured: list[TelegramUser],
        warm_up: list[TelegramUser],
        process: asyncio.subprocess.Process,
    ) -> None:
        everyone = measured + warm_up
        replies = Replies(api)
        replies.collect()
        expected = Counter({p.id: replies.per_chat[p.id] for p in everyone})
        started = time.perf_counter()
        for person in everyone:
            person.send("/start")
            expected[person.id] += 1
            if self.is_mentee(person):
                person.send("/plan")
                expected[person.id] += 1
        await wait_until(lambda: replies.missing(expected), api, process, started, "first /start")
        for person in everyone:
            if self.is_mentee(person):
                self.buttons[person.id] = self._button_to_press(bot, person)
        await self._send_mix(api, warm_up, process)
        await menus_settled(api, process)

    async def timed(
        self,
        api: FakeBotAPI,
        bot: str,
        measured: list[TelegramUser],
        process: asyncio.subprocess.Process,
    ) -> tuple[int, float]:
        seconds = await self._send_mix(api, measured, process)
        return len(self.actions), seconds

    def check(self, api: FakeBotAPI, bot: str, measured: list[TelegramUser]) -> None:
        """Exactly one answer of the expected kind per update, nothing unexpected to anyone."""
        assert self.answers is not None, "timed first"
        self.answers.collect()
        expected = Counter((a.person.id, a.kind) for a in self.actions)
        for (chat, kind), count in sorted(self.answers.per_chat.items()):
            if kind == NOTICE and self.roles.get(chat) == "наставник":
                continue  # the mentee's question, delivered to the mentor
            if count != expected[(chat, kind)]:
                texts = self.answers.texts.get((chat, kind), [])
                raise BenchError(
                    f"chat {chat}: {count} answers of kind {kind!r}, expected "
                    f"{expected[(chat, kind)]}: {[t[:80] for t in texts]}"
                )
        missing = [key for key, count in expected.items() if self.answers.per_chat[key] < count]
        if missing:
            raise BenchError(f"unanswered: {missing[:10]}")
        for query_id, params in self.answers.press_answers.items():
            if len(params) != 1 or "text" in params[0]:
                raise BenchError(f"press {query_id} answered {params} (a stale button?)")
        if bot == ECHO:
            return
        for action in self.actions:
            if action.kind == PRESS:
                pressed = api.message(action.person.id, action.message_id) or {}
                if MILESTONE_CARD not in str(pressed.get("text", "")):
                    raise BenchError(f"{action.person!r}: the press did not open the milestone")

    # --- internals ----------------------------------------------------------------------------

    def _button_to_press(self, bot: str, person: TelegramUser) -> tuple[str, int]:
        """The first milestone button of the plan the bot sent this mentee (for the echo bot,
        which has no buttons, the same kind of data on its echo of /plan)."""
        for message in reversed(person.messages()):
            text = str(message.get("text", ""))
            if bot == ECHO and text == "/plan":
                return f"{OPEN_MILESTONE}1", message["message_id"]
            rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
            for button in (b for row in rows for b in row):
                if str(button.get("callback_data", "")).startswith(OPEN_MILESTONE):
                    return button["callback_data"], message["message_id"]
        raise BenchError(f"{person!r}: no plan with a milestone button to press")

    def _mix(self, people: list[TelegramUser]) -> list[Action]:
        """Each person's turn, interleaved step by step as people acting at the same time."""
        turns: list[list[Action]] = []
        for person in people:
            if self.is_mentee(person):
                data, message_id = self.buttons[person.id]
                turns.append(
                    [
                        Action(person, "/start", "/start"),
                        Action(person, "/plan", "/plan"),
                        Action(person, "/ask", "/ask Как оформить отчёт по первому этапу?"),
                        Action(person, "/meet", f"/meet {self.meet_at[person.id]} Открытый урок"),
                        Action(person, PRESS, data, message_id),
                    ]
                )
            elif self.is_mentor(person):
                turns.append(
                    [
                        Action(person, "/start", "/start"),
                        Action(person, "/plan", "/plan"),
                        Action(person, "/mentees", "/mentees"),
                    ]
                )
        if self.only:
            turns = [[a for a in turn if a.kind in self.only] for turn in turns]
            turns = [turn for turn in turns if turn]
        steps = max(len(turn) for turn in turns)
        return [turn[step] for step in range(steps) for turn in turns if step < len(turn)]

    async def _send_mix(
        self, api: FakeBotAPI, people: list[TelegramUser], process: asyncio.subprocess.Process
    ) -> float:
        """Push everyone's turn at once; the seconds until each update has its answer."""
        actions = self._mix(people)
        answers = Answers(api)
        expected = Counter((a.person.id, a.kind) for a in actions)
        started = time.perf_counter()
        for action in actions:
            if action.kind == PRESS:
                query = action.person.press_data(action.text, action.message_id)
                answers.queries[query["id"]] = action.person.id
            else:
                action.person.send(action.text)
        await wait_until(lambda: answers.missing(expected), api, process, started, "the mix")
        self.actions, self.answers = actions, answers
        return time.perf_counter() - started


async def menus_settled(api: FakeBotAPI, process: asyncio.subprocess.Process) -> None:
    """The per-chat command menus the first /start sets in the background (handlers/menu.py)
    are untimed work: wait until no setMyCommands came for a second (or 30 s passed)."""
    started, count, quiet_since = time.perf_counter(), -1, time.perf_counter()
    while time.perf_counter() - started < BATCH_TIMEOUT:
        if process.returncode is not None:
            raise BenchError(f"the bot exited ({process.returncode}) while menus were set")
        now_count = len(api.calls("setMyCommands"))
        if now_count != count:
            count, quiet_since = now_count, time.perf_counter()
        elif time.perf_counter() - quiet_since >= 1.0:
            return
        await asyncio.sleep(POLL_INTERVAL)


async def wait_until(
    missing: Any, api: FakeBotAPI, process: asyncio.subprocess.Process, started: float, what: str
) -> None:
    """Poll until `missing()` is 0, failing if the bot exits or the batch times out."""
    while left := missing():
        if process.returncode is not None:
            raise BenchError(f"the bot exited ({process.returncode}) during {what}")
        if time.perf_counter() - started > BATCH_TIMEOUT:
            raise BenchError(
                f"{left} updates of {what} unanswered after {BATCH_TIMEOUT:g} s\n"
                f"{api.describe_recent()}"
            )
        await asyncio.sleep(POLL_INTERVAL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each bot, alternating")
    parser.add_argument("--json", type=Path, help="write the runs and the summary here")
    parser.add_argument(
        "--only",
        default="",
        help=f"send only these kinds, comma-separated: {', '.join(KINDS)} (where the time goes)",
    )
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be positive")
    only = frozenset(k for k in args.only.split(",") if k)
    if only - set(KINDS):
        parser.error(f"--only takes {', '.join(KINDS)}")
    try:
        runs, summary = asyncio.run(bench(Mix(only), args.rounds))
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    print()
    print(render(summary))
    if args.json:
        write_json(args.json, {"workload": "mix", "rounds": args.rounds}, runs, summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
