"""Property-based fuzzing of the real bot: arbitrary input, from every kind of person.

Whatever comes in — a command with any text after it, any text typed into a form's step, any
callback data, any file or photo — the bot raises nothing (the fixtures fail a test on an ERROR
log), asks Telegram for nothing it would refuse (the fake server fails it), and answers the
person: a message, an edit or a callback answer.

Starting the bot and building the programme (`authorization_world.build_world`) takes seconds,
so each test does it once and replays many inputs against it. Hypothesis draws the inputs, but
not as a `@given` test: an async `@given` would need a fresh bot per example, so an inner *sync*
`@given` function only collects what it is given (`derandomize=True`, no example database), and
the async test then sends each input to the running bot. Hypothesis still brings its edge cases
(empty and huge strings, odd Unicode) and the inputs are the same on every run, so a failure
names an input that fails again; what is lost is shrinking, and the examples of one test share
the world (an earlier input may have changed it — as people do). Each test runs
`DEFAULT_EXAMPLES` inputs of a kind; `HYPOTHESIS_EXAMPLES=N` runs N of each for a longer soak
(`HYPOTHESIS_EXAMPLES=500 pytest tests/e2e/test_fuzz.py -s`; the timeout grows with N).
A failing input found here stays as a plain regression test at the end of this module.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from authorization_world import NOW, Actor, World, build_world
from conftest import BotRunner
from fake_bot_api import BOT_USER, FakeBotAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from people import TelegramUser, start_everyone
from routes import routed_commands_and_buttons

from bot.domain.feedback import COMMENT, ITEMS, SCORE
from bot.domain.rules import PairSide
from handlers.keyboards import FeedbackCb, MilestoneCb, PersonCard, QuestionAction
from scheduler.clock import Clock, ManualClock

T = TypeVar("T")

DEFAULT_EXAMPLES = 40  # of each kind, in CI: all the fuzz tests together take ~40 s on 2 cores
EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES") or DEFAULT_EXAMPLES)
pytestmark = pytest.mark.timeout(120 + 3 * EXAMPLES)

COMMANDS, BUTTONS = routed_commands_and_buttons()
BOT_NAME = str(BOT_USER["username"])


def drawn(strategy: st.SearchStrategy[T], count: int = EXAMPLES) -> list[T]:
    """`count` values of the strategy, the same on every run (see the module's docstring)."""
    values: list[T] = []

    @settings(
        max_examples=count,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: T) -> None:
        values.append(value)

    collect()
    return values


# --- what people may type ------------------------------------------------------------------------

# Any character Telegram can carry (a lone surrogate cannot be in its JSON).
_CHARACTER = st.characters(exclude_categories=("Cs",))
_PIECES = st.sampled_from(
    [
        "<b>", "</b>", "<i>x</i>", "&", "&amp;", "&lt;", "<", ">", '"', "'", "<a href='x'>",
        "\u200b", "\u200d", "\u200e", "\u200f", "\u202e", "\u2066", "\ufeff", "\u00ad",
        "🙂", "👩‍🏫", "🇰🇬", "Иванова Анна Петровна", "Ёжик", "ПЦК ИТ", "ﷺ", "עברית", "مرحبا",
        "\n", "\r\n", " ", "\t", "  ", "/", ":", ";", "@", "#", "%", "{", "}", "{ $name }",
        "10.12.2026", "31.02.2027", "15:00", "25:61", "0", "-1", "99999999999999999999",
    ]
)  # fmt: skip
_SHORT = st.text(_CHARACTER, max_size=40)
_MIXED = st.lists(st.one_of(_PIECES, st.text(_CHARACTER, max_size=8)), max_size=30).map("".join)
_LONG = st.builds(
    lambda chunk, size: (chunk * (size // len(chunk) + 1))[:size],
    st.one_of(_PIECES, st.text(_CHARACTER, min_size=1, max_size=12)),
    st.integers(1000, 5000),
)
TEXT = st.one_of(_SHORT, _MIXED, _LONG)


def _typed(text: str) -> str:
    """What a person can send: never empty, nor only blanks (Telegram sends no such message)."""
    return text if text.strip() else text + "x"


TYPED = TEXT.map(_typed)
CAPTION = st.one_of(st.none(), TEXT.map(lambda text: text[:1024]))  # Telegram's caption limit


def _command(command: str, form: int, tail: str) -> str:
    head = [
        f"/{command}",
        f"/{command}@{BOT_NAME}",
        f"/{command}@other_bot",
        f"/{command.upper()}",
    ][form]
    return f"{head} {tail}" if tail else head


COMMAND_INPUTS = st.tuples(
    st.sampled_from(list(Actor)),
    st.one_of(
        st.builds(
            _command,
            st.sampled_from(sorted(COMMANDS)),
            st.sampled_from([0, 0, 0, 1, 2, 3]),
            st.one_of(st.just(""), TEXT),
        ),
        st.builds(lambda name, tail: f"/{name} {tail}", _SHORT, TEXT),  # no such command
    ),
)

# --- callback data ----------------------------------------------------------------------------

# The words the buttons' fields carry, so a forged press reaches past the parsing.
_WORDS = [
    "show", "open", "list", "page", "back", "end", "complete", "confirm", "reassign", "feedback",
    "admin", "dept", "name", "role", "link", "left", "approve", "decline", "adm", "admf", "acc",
    "ret", "rm", "done", "nofile", "title", "due", "file", "view", "add", "submit", "ok", "no",
    "other", "cancel", "move", "held", "answer", "resolve", "noop", "yes", "mentor", "mentee",
    "invite", "newmentor", "meet", "ask", "plan", "journal", "all", "active", "ended", "depts",
    "score", "focus", "comment", "share", "QUESTION_REMIND", "overdue", "1", "0", "",
]  # fmt: skip


def _fits(data: str) -> str:
    """At most 64 bytes and not empty, as Telegram keeps a button's data."""
    cut = data.encode()[:64].decode(errors="ignore")
    return cut or "x"


_INTEGER = st.one_of(st.integers(-3, 40), st.integers(-(2**70), 2**70))
_PART = st.one_of(_INTEGER.map(str), st.sampled_from(_WORDS), st.text(_CHARACTER, max_size=10))


def _field(annotation: Any) -> st.SearchStrategy[str]:
    return _INTEGER.map(str) if annotation in (int, "int") else _PART


def _typed_press(prefix: str) -> st.SearchStrategy[str]:
    """A button's prefix with a value of its field's type (mostly) in each field."""
    fields = BUTTONS[prefix].model_fields.values()
    parts = st.tuples(*(_field(field.annotation) for field in fields))
    return parts.map(lambda values: _fits(":".join([prefix, *values])))


CALLBACK_INPUTS = st.tuples(
    st.sampled_from(list(Actor)),
    st.one_of(
        st.text(_CHARACTER, min_size=1, max_size=64).map(_fits),
        st.builds(
            lambda prefix, parts: _fits(":".join([prefix, *parts])),
            st.sampled_from(sorted(BUTTONS)),
            st.lists(_PART, max_size=7),
        ),
        st.sampled_from(sorted(BUTTONS)).flatmap(_typed_press),
    ),
)

# --- files --------------------------------------------------------------------------------------

_EXTENSIONS = [
    "", ".csv", ".CSV", ".xlsx", ".xls", ".pdf", ".docx", ".doc", ".jpg", ".png", ".txt",
    ".exe", ".tar.gz", ".json", ".",
]  # fmt: skip
_MIME = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "text/csv",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/pdf",
            "image/jpeg",
            "application/octet-stream",
            "text/plain; charset=windows-1251",
        ]
    ),
    _SHORT,
)
_ROSTER_HEAD = "ФИО;Роль;Telegram;ПЦК;Наставник;Вид;Начало;Окончание;Приказ\n"
_BYTES = st.one_of(
    st.binary(max_size=3000),
    st.binary(max_size=2000).map(lambda data: b"PK\x03\x04" + data),  # a broken XLSX (a zip)
    st.tuples(TEXT, st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "utf-16"])).map(
        lambda given: (_ROSTER_HEAD + given[0]).encode(given[1], errors="ignore")
    ),
)


@dataclass(frozen=True)
class Upload:
    target: str  # where it is sent: import, ask, report or none (outside any form)
    name: str
    mime: str | None
    data: bytes
    caption: str | None
    claimed: int | None  # a file_size other than the data's
    photo: bool


FILE_INPUTS = st.builds(
    Upload,
    target=st.sampled_from(["import", "ask", "report", "none"]),
    name=st.builds(lambda stem, ext: stem + ext, _SHORT, st.sampled_from(_EXTENSIONS)),
    mime=_MIME,
    data=_BYTES,
    caption=CAPTION,
    claimed=st.one_of(st.none(), st.none(), st.integers(0, 30 * 1024 * 1024)),
    photo=st.booleans(),
)

# --- the world ------------------------------------------------------------------------------------


@pytest.fixture
def bot_clock() -> Clock:
    return ManualClock(NOW)


@pytest.fixture
async def world(bot_runner: BotRunner, fake_api: FakeBotAPI) -> World:
    return await build_world(bot_runner, fake_api)


def _one(world: World, query: str, *args: Any) -> Any:
    with closing(sqlite3.connect(world.database)) as conn:
        row = conn.execute(query, args).fetchone()
    return row[0] if row else None


async def _write(world: World, query: str, *args: Any) -> None:
    assert world.runner.app is not None
    async with world.runner.app.db.transaction() as tx:
        await tx.conn.execute(query, args)


async def send_answered(
    world: World, user: TelegramUser, act: Callable[[], object], what: object = None
) -> None:
    """Do the act, wait until the bot has handled it, and check it answered the person; a
    failure names the input (`what`)."""
    since = len(world.api.requests)
    act()
    try:
        await world.runner.settle(30)
    except AssertionError as error:
        raise AssertionError(f"input {_shown(what)} by {user!r}: {error}") from None
    query = user.last_callback_id

    def to_them(params: dict[str, Any]) -> bool:
        if query is not None and params.get("callback_query_id") == query:
            return True
        return str(params.get("chat_id")) == str(user.id)

    assert any(to_them(r.params) for r in world.api.requests[since:]), (
        f"the bot did not answer {user!r}: {_shown(what)}"
    )


def _shown(what: object) -> str:
    text = repr(what)
    return text if len(text) < 400 else text[:300] + f"… ({len(text)} characters)"


async def cancel(world: World, user: TelegramUser) -> None:
    user.send("/cancel")
    await world.runner.settle(30)


# How each actor gets to a form's step where they type: (who, how, the prompt's words).
Enter = Callable[[World], Awaitable[None]]


async def _command_prompt(world: World, actor: Actor, command: str, prompt: str) -> None:
    user = world.users[actor]
    user.send(command)
    await user.wait_message(prompt, 30)


async def _press_prompt(world: World, actor: Actor, data: str, prompt: str) -> None:
    user = world.users[actor]
    user.press_data(data, world.anchor[actor])
    await user.wait_message(prompt, 30)


async def _person_card_form(world: World, action: str, prompt: str) -> None:
    """The admin opens /people and, on that list, a person's card's form (Орлов's, of pair C)."""
    admin = world.users[Actor.ADMIN]
    admin.send("/people")
    listing = await admin.wait_message("В списке", 30)
    orlov = _one(world, "SELECT id FROM people WHERE telegram_id = 3002")
    admin.press_data(PersonCard(person_id=orlov, action=action).pack(), listing["message_id"])
    await admin.wait_message(prompt, 30)


async def _report(world: World) -> None:
    """The mentee starts reporting a milestone of pair A's plan (all reopened once reported)."""
    query = (
        "SELECT id FROM milestones WHERE plan_id = ? AND id != ? "
        "AND status IN ('planned', 'returned') ORDER BY id"
    )
    milestone = _one(world, query, world.plan_a, world.milestone_a)
    if milestone is None:
        await _write(
            world,
            "UPDATE milestones SET status = 'returned' WHERE plan_id = ? AND id != ?",
            world.plan_a,
            world.milestone_a,
        )
        milestone = _one(world, query, world.plan_a, world.milestone_a)
    data = MilestoneCb(action="done", milestone_id=milestone).pack()
    await _press_prompt(world, Actor.MENTEE, data, "что сделано")


async def _report_file(world: World) -> None:
    await _report(world)
    mentee = world.users[Actor.MENTEE]
    mentee.send("Провела открытый урок")
    await mentee.wait_message("Приложите файл", 30)


async def _feedback_comment(world: World) -> None:
    """The mentee's questionnaire, every item rated, reopened if an earlier comment closed it."""
    await _write(
        world,
        "UPDATE feedback_forms SET status = 'open', comment = NULL, answered_at = NULL "
        "WHERE id = ?",
        world.feedback_mentee,
    )
    data = FeedbackCb(form=world.feedback_mentee, act=COMMENT).pack()
    await _press_prompt(world, Actor.MENTEE, data, "Напишите комментарий")


async def _answer(world: World) -> None:
    """The mentor answers pair A's newest open question (the mentee asks one if none is)."""
    query = "SELECT id FROM questions WHERE pair_id = ? AND status = 'open' ORDER BY id DESC"
    question = _one(world, query, world.pair_a)
    if question is None:
        await _command_prompt(world, Actor.MENTEE, "/ask Как заполнить журнал?", "Вопрос отправлен")
        question = _one(world, query, world.pair_a)
    data = QuestionAction(action="answer", question_id=question).pack()
    await _press_prompt(world, Actor.MENTOR, data, "Вопрос от")


FORMS: dict[str, tuple[Actor, Enter]] = {
    "ask": (Actor.MENTEE, lambda w: _command_prompt(w, Actor.MENTEE, "/ask", "Напишите вопрос")),
    "meet": (Actor.MENTEE, lambda w: _command_prompt(w, Actor.MENTEE, "/meet", "Выберите день")),
    "pair": (Actor.ADMIN, lambda w: _command_prompt(w, Actor.ADMIN, "/pair", "наставника")),
    "invite": (Actor.ADMIN, lambda w: _command_prompt(w, Actor.ADMIN, "/invite", "Для кого")),
    "people-department": (Actor.ADMIN, lambda w: _person_card_form(w, "dept", "Выберите ПЦК")),
    "people-name": (Actor.ADMIN, lambda w: _person_card_form(w, "name", "Пришлите ФИО")),
    "report-comment": (Actor.MENTEE, _report),
    "report-file": (Actor.MENTEE, _report_file),
    "feedback-comment": (Actor.MENTEE, _feedback_comment),
    "answer": (Actor.MENTOR, _answer),
    "import": (Actor.ADMIN, lambda w: _command_prompt(w, Actor.ADMIN, "/import", "Пришлите файл")),
}


async def _rate_everything(world: World) -> None:
    """The mentee rates every item of their questionnaire, so its comment may be written."""
    mentee = world.users[Actor.MENTEE]
    for item in range(len(ITEMS[PairSide.MENTEE])):
        data = FeedbackCb(form=world.feedback_mentee, act=SCORE, item=item, score=4).pack()
        await send_answered(
            world, mentee, lambda d=data: mentee.press_data(d, world.anchor[Actor.MENTEE])
        )


# --- the properties -------------------------------------------------------------------------------


async def test_any_command_with_any_text_by_anyone(world: World) -> None:
    # Every command by every kind of person once, with drawn text after it; then drawn ones.
    every = [(command, actor) for command in sorted(COMMANDS) for actor in Actor]
    tails = drawn(TEXT, len(every))
    inputs = [
        (actor, _command(command, 0, tails[n % len(tails)]))
        for n, (command, actor) in enumerate(every)
    ]
    inputs += drawn(COMMAND_INPUTS)
    for actor, text in inputs:
        user = world.users[actor]
        user.last_callback_id = None
        await send_answered(world, user, lambda u=user, t=text: u.send(t), text)
    print(f"fuzz: {len(inputs)} inputs (commands)")


async def test_any_text_typed_into_any_form(world: World) -> None:
    await _rate_everything(world)
    inputs = drawn(st.tuples(st.sampled_from(sorted(set(FORMS) - {"import"})), TYPED))
    for form, text in inputs:
        actor, enter = FORMS[form]
        user = world.users[actor]
        await enter(world)
        user.last_callback_id = None
        await send_answered(world, user, lambda u=user, t=text: u.send(t), (form, text))
        await cancel(world, user)
    # A meeting's topic given with /meet, then its format pressed: the invitation carries it.
    topics = drawn(TYPED)
    mentee = world.users[Actor.MENTEE]
    proposed = 0
    for n, topic in enumerate(topics):  # each at a moment of its own: no two clash
        moment = NOW + timedelta(days=7 + n % 150, hours=(n // 150) % 8 - 1)
        command = f"/meet {moment:%d.%m.%Y %H:%M} {topic}"
        await send_answered(world, mentee, lambda c=command: mentee.send(c), command)
        if "консультация" in mentee.inline_buttons(mentee.last_message()):
            await send_answered(world, mentee, lambda: mentee.press("консультация"), topic)
            proposed += 1
        await cancel(world, mentee)
    print(f"fuzz: {len(inputs) + len(topics)} inputs (form steps; {proposed} meetings proposed)")


async def test_any_callback_data_by_anyone(world: World) -> None:
    inputs = drawn(CALLBACK_INPUTS, EXAMPLES * 2)
    for actor, data in inputs:
        user = world.users[actor]
        await send_answered(
            world, user, lambda u=user, d=data, a=actor: u.press_data(d, world.anchor[a]), data
        )
        answers = [
            r
            for r in world.api.calls("answerCallbackQuery")
            if r.params.get("callback_query_id") == user.last_callback_id
        ]
        assert answers, f"{data!r} by {actor}: the button was left spinning"
    print(f"fuzz: {len(inputs)} inputs (callback data)")


async def test_any_file_or_photo_anywhere(world: World) -> None:
    inputs = drawn(FILE_INPUTS)
    who = {"import": Actor.ADMIN, "ask": Actor.MENTEE, "report": Actor.MENTEE}
    enter = {"import": "import", "ask": "ask", "report": "report-file"}
    for n, upload in enumerate(inputs):
        actor = who.get(upload.target) or list(Actor)[n % len(Actor)]
        user = world.users[actor]
        if upload.target in enter:
            await FORMS[enter[upload.target]][1](world)
        user.last_callback_id = None
        if upload.photo:
            act: Callable[[], object] = lambda u=user, f=upload: u.send_photo(  # noqa: E731
                f.data or b"\xff\xd8", f.caption
            )
        else:
            act = lambda u=user, f=upload: u.send_document(  # noqa: E731
                f.data, f.name, f.mime, f.claimed, f.caption
            )
        await send_answered(world, user, act, upload)
        await cancel(world, user)
    print(f"fuzz: {len(inputs)} inputs (files and photos)")


# --- inputs the fuzzing found: plain regression tests ---------------------------------------------


async def test_a_press_that_shows_what_the_message_shows_edits_nothing(
    bot_runner: BotRunner, admin: TelegramUser
) -> None:
    # Found: 'pq:reassign:-2248:8' pressed on a message already listing the departments made
    # the bot ask Telegram for an edit it refuses ("message is not modified"); a double tap does.
    await start_everyone(admin)  # the consent text accepted and the greeting read first
    admin.send("/pairs")
    listing = await admin.wait_message("")
    for _ in range(2):
        admin.press_data("pq:reassign:-2248:8", listing["message_id"])
        assert (await admin.wait_answer_callback()).get("text") is None
    assert "Пары какой ПЦК" in admin.messages()[-1]["text"]


async def test_a_questionnaire_comment_is_counted_as_telegram_counts_it(world: World) -> None:
    # Found: a comment of 2000 characters outside the BMP (each two UTF-16 units) passed the
    # 2000-character limit, and the form's message quoting it was over 4096: Telegram refused it.
    mentee = world.users[Actor.MENTEE]
    await _rate_everything(world)
    await _feedback_comment(world)
    mentee.send("𠠰" * 2000)
    await mentee.wait_message("Комментарий длиннее")
    mentee.send("😀" * 1000)
    await mentee.wait_message("Ваш комментарий")
