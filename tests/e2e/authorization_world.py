"""The programme the authorization matrix presses against: three pairs (one of them ended), a
question, a meeting, a reported milestone and an open questionnaire in pair A, an access request,
an admin who lost the rights and a person who left — each actor a Telegram account."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser, start_everyone
from roster_seed import seed
from test_meetings import _propose
from test_plan import _report_first_milestone

from bot.domain.feedback import ask_now
from bot.domain.pairing import close_pair
from bot.domain.staff import set_active, set_admin_rights
from handlers.links import LINKS
from storage.models import PairStatus

BISHKEK = ZoneInfo("Asia/Bishkek")
NOW = datetime(2026, 12, 4, 10, 0, tzinfo=BISHKEK)
_PERIOD = "педагогическое;01.09.2026;30.06.2027;№ 7"
ROSTER = f"""ФИО;Роль;Telegram;ПЦК;Наставник;Вид;Начало;Окончание;Приказ
Иванова Анна Петровна;наставник;2001;ПЦК ИТ;;;;;
Смирнов Алексей Николаевич;наставник;2002;ПЦК электротехники;;;;;
Белов Дмитрий Игоревич;наставник;2003;ПЦК ИТ;;;;;
Петров Олег Викторович;наставник;2004;ПЦК ИТ;;;;;
Сидорова Мария Ивановна;наставляемая;3001;ПЦК ИТ;Иванова Анна Петровна;{_PERIOD}
Зайцева Ксения Андреевна;наставляемая;3003;ПЦК электротехники;Смирнов Алексей Николаевич;{_PERIOD}
Орлов Илья Сергеевич;наставляемый;3002;ПЦК ИТ;Белов Дмитрий Игоревич;{_PERIOD}
Кузнецова Вера Павловна;наставляемая;3004;ПЦК ИТ;;;;;
"""


class Actor(StrEnum):
    UNKNOWN = "unknown"  # not in the programme; /start only asks for access
    MENTEE = "mentee"  # Сидорова, pair A
    OTHER_MENTEE = "other-mentee"  # Зайцева, pair B
    MENTOR = "mentor"  # Иванова, pair A
    OTHER_MENTOR = "other-mentor"  # Смирнов, pair B
    ENDED_MENTOR = "ended-mentor"  # Белов, whose pair C with Орлов has ended
    ADMIN = "admin"  # by ADMIN_IDS
    DEMOTED_ADMIN = "demoted-admin"  # Петров, a mentor once granted the rights, then not
    LEFT = "left"  # Кузнецова, marked as having left the college


EVERYONE = frozenset(Actor)
MEMBERS = EVERYONE - {Actor.UNKNOWN, Actor.LEFT}

_ACCOUNTS = {
    Actor.UNKNOWN: (9901, "Незнакомец", "Случайный"),
    Actor.MENTEE: (3001, "Мария", "Сидорова"),
    Actor.OTHER_MENTEE: (3003, "Ксения", "Зайцева"),
    Actor.MENTOR: (2001, "Анна", "Иванова"),
    Actor.OTHER_MENTOR: (2002, "Алексей", "Смирнов"),
    Actor.ENDED_MENTOR: (2003, "Дмитрий", "Белов"),
    Actor.ADMIN: (1001, "Гульнара", "Асанова"),
    Actor.DEMOTED_ADMIN: (2004, "Олег", "Петров"),
    Actor.LEFT: (3004, "Вера", "Кузнецова"),
}
# Each person's surname and given name by their stems, as any declension starts (Иванов-ой Анн-е);
# a name shows when both do, in either order, or the surname with the initial (Зайцева К. А.).
_NAMES = {
    "Иванова": ("Иванов", "Анн"),
    "Сидорова": ("Сидоров", "Мари"),
    "Смирнов": ("Смирнов", "Алексе"),
    "Зайцева": ("Зайцев", "Ксени"),
    "Белов": ("Белов", "Дмитри"),
    "Орлов": ("Орлов", "Иль"),
    "Петров": ("Петров", "Олег"),
    "Кузнецова": ("Кузнецов", "Вер"),
    "Случайный": ("Случайн", "Незнаком"),
}
_NAME_PATTERNS = {
    surname: re.compile(
        rf"{stem}\w*\s+({given}\w*|{given[0]}\.)|{given}\w*\s+{stem}", re.IGNORECASE
    )
    for surname, (stem, given) in _NAMES.items()
}
# Whose names each actor may see: their own and their pairs' (of any status); admins everyone's.
_SEES = {
    Actor.UNKNOWN: {"Случайный"},
    Actor.MENTEE: {"Сидорова", "Иванова"},
    Actor.OTHER_MENTEE: {"Зайцева", "Смирнов"},
    Actor.MENTOR: {"Иванова", "Сидорова"},
    Actor.OTHER_MENTOR: {"Смирнов", "Зайцева"},
    Actor.ENDED_MENTOR: {"Белов", "Орлов"},
    Actor.ADMIN: set(_NAMES),
    Actor.DEMOTED_ADMIN: {"Петров"},
    Actor.LEFT: {"Кузнецова"},
}


def foreign_names(actor: Actor, text: str) -> list[str]:
    """The people named in `text` whom this actor may not see."""
    hidden = set(_NAMES) - _SEES[actor]
    return sorted(name for name in hidden if _NAME_PATTERNS[name].search(text))


@dataclass
class World:
    runner: BotRunner
    api: FakeBotAPI
    users: dict[Actor, TelegramUser]
    pair_a: int
    pair_b: int
    pair_c: int
    plan_a: int
    milestone_a: int
    milestone_sub: int
    plan_sub: int
    question_a: int
    meeting_a: int
    meeting_rev: int
    feedback_mentee: int
    feedback_mentor: int
    request_id: int
    person_mentee: int
    # The message each actor presses its forged buttons on (the bot's last message to them).
    anchor: dict[Actor, int] = field(default_factory=dict)

    @property
    def database(self) -> Path:
        return self.runner.settings.database_path


async def build_world(runner: BotRunner, api: FakeBotAPI) -> World:
    assert runner.app is not None
    app = runner.app
    await seed(app, ROSTER)
    users = {actor: TelegramUser(api, *account) for actor, account in _ACCOUNTS.items()}
    await start_everyone(*(users[a] for a in MEMBERS))
    users[Actor.LEFT].send("/start")
    await users[Actor.LEFT].wait_message("Здравствуйте")
    unknown = users[Actor.UNKNOWN]
    unknown.send("/start")
    await unknown.wait_message("")
    now = app.clock.now()
    tz = app.settings.tz

    mentee = users[Actor.MENTEE]
    mentee.send("/ask Как оформить КТП?")
    await mentee.wait_message("Вопрос отправлен")
    await _propose(mentee, "10.12.2026 15:00 Разбор урока")
    await _report_first_milestone(mentee, "Изучила положение", file=False)
    await runner.settle()

    async with app.db.transaction() as tx:
        by_tg = {a: await tx.people.by_telegram_id(users[a].id) for a in _ACCOUNTS}
        admin = by_tg[Actor.ADMIN]
        assert admin is not None
        ids = {a: p.id for a, p in by_tg.items() if p is not None}
        pairs = {}
        for actor in (Actor.MENTOR, Actor.OTHER_MENTOR, Actor.ENDED_MENTOR):
            (pair,) = await tx.pairs.active_for_person(ids[actor])
            pairs[actor] = pair
        await close_pair(
            tx,
            pair_id=pairs[Actor.ENDED_MENTOR].id,
            status=PairStatus.ENDED,
            reason="Перевод",
            now=now,
            tz=tz,
        )
        forms = await ask_now(tx, pairs[Actor.MENTOR], now, tz, LINKS)
        plan = await tx.plans.for_pair(pairs[Actor.MENTOR].id)
        assert plan is not None
        milestone = (await tx.plans.milestones(plan.id))[0]
    for granted in (True, False):
        assert await set_admin_rights(app.db, ids[Actor.DEMOTED_ADMIN], granted, admin, now) is None
    assert await set_active(app.db, ids[Actor.LEFT], False, admin, now) is None
    world_ids = await _ids(runner, pairs[Actor.MENTOR].id)
    by_side = {form.person_id: form.id for form in forms}
    world = World(
        runner=runner,
        api=api,
        users=users,
        pair_a=pairs[Actor.MENTOR].id,
        pair_b=pairs[Actor.OTHER_MENTOR].id,
        pair_c=pairs[Actor.ENDED_MENTOR].id,
        plan_a=plan.id,
        milestone_a=milestone.id,
        milestone_sub=milestone.submission,
        plan_sub=plan.submission,
        question_a=world_ids["question"],
        meeting_a=world_ids["meeting"],
        meeting_rev=world_ids["rev"],
        feedback_mentee=by_side[ids[Actor.MENTEE]],
        feedback_mentor=by_side[ids[Actor.MENTOR]],
        request_id=world_ids["request"],
        person_mentee=ids[Actor.MENTEE],
    )
    app.sender.wake()
    await api.wait_for(lambda: _queue_empty(world.database), 10, "every queued message sent")
    await runner.settle()
    for actor, user in users.items():
        user.send("/help")
        await runner.settle()
        world.anchor[actor] = user.last_message()["message_id"]
    return world


def _queue_empty(database: Path) -> bool:
    with closing(sqlite3.connect(database)) as conn:
        pending = conn.execute(
            "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND held = 0"
        ).fetchone()
    return not pending[0]


async def _ids(runner: BotRunner, pair_id: int) -> dict[str, int]:
    with closing(sqlite3.connect(runner.settings.database_path)) as conn:
        question = conn.execute("SELECT id FROM questions WHERE pair_id = ?", (pair_id,)).fetchone()
        meeting = conn.execute(
            "SELECT id, revision FROM meetings WHERE pair_id = ?", (pair_id,)
        ).fetchone()
        request = conn.execute("SELECT id FROM access_requests").fetchone()
    return {
        "question": question[0],
        "meeting": meeting[0],
        "rev": meeting[1],
        "request": request[0],
    }


# Written by the bot on its own while the matrix runs, whatever anyone presses: the scheduler's
# marks, and the delivery columns of queued messages (their rows are compared by id).
_VOLATILE_TABLES = {"scheduler_marks", "uploads", "outbox_attempts"}
_OUTBOX_KEY = "SELECT id, kind, chat_id FROM outbox ORDER BY id"


def snapshot(database: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row the bot keeps, table by table (the outbox by its messages, not their delivery)."""
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        rows = {}
        for table in tables:
            if table in _VOLATILE_TABLES:
                continue
            query = _OUTBOX_KEY if table == "outbox" else f"SELECT * FROM {table} ORDER BY 1"
            rows[table] = conn.execute(query).fetchall()
    return rows


def changed_tables(
    before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]
) -> list[str]:
    return sorted(table for table in after if before.get(table) != after[table])


def texts(messages: Iterable[dict[str, Any]]) -> str:
    return "\n".join(
        str(m.get("text") or m.get("caption") or "")
        + " "
        + " ".join(
            b.get("text", "")
            for row in (m.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row
        )
        for m in messages
    )
