"""The authorization matrix: every command and every kind of button × every kind of person.

What the spec allows passes; the rest is refused, changes no row, and shows nobody's name the
person may not see. The commands and the kinds of buttons are read from the routers, so a new
command or a new kind of button without its row here fails `test_the_matrix_covers_every_...`.

A button's row lists presses aimed at pair A (Иванова — Сидорова) the way a forged or replayed
callback would be: the real data of its buttons, pressed by everyone. A press that changes
something is only pressed by those it is refused to (that the right person's press works is
each journey's own test); a press that only shows something is pressed by everyone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from authorization_world import (
    EVERYONE,
    MEMBERS,
    NOW,
    Actor,
    World,
    build_world,
    changed_tables,
    foreign_names,
    snapshot,
    texts,
)
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from routes import routed_commands_and_buttons

from bot.domain.feedback import COMMENT, DONE, FOCUS, OPEN, SCORE, SHARE
from bot.domain.meeting_rules import Answer
from bot.domain.rules import CONSENT_VERSION
from handlers.calendar import CalendarPress
from handlers.guide import Guide
from handlers.keyboards import (
    AccessDecision,
    AttentionPage,
    Choice,
    ConsentCb,
    ConsentWithdrawal,
    DeclineAll,
    DepartmentPick,
    DigestPage,
    FeedbackCb,
    MeetingAct,
    MilestoneCb,
    Nav,
    PairCard,
    PairReportCb,
    PairsDepartments,
    PairsList,
    PeopleList,
    PersonCard,
    PersonPick,
    PlanCb,
    QuestionAction,
    RequestsPage,
    WhichPair,
)
from handlers.meetings.journal import JournalPage, PairJournal
from handlers.plan.common import PlanDecision
from handlers.settings import ReminderSwitch
from scheduler.clock import Clock, ManualClock

A, E = Actor, EVERYONE
ADMIN = frozenset({A.ADMIN})
NOBODY: frozenset[Actor] = frozenset()
PAIR_A = frozenset({A.MENTEE, A.MENTOR})
MENTORS = frozenset({A.MENTOR, A.OTHER_MENTOR, A.ENDED_MENTOR, A.DEMOTED_ADMIN})
MENTEES = frozenset({A.MENTEE, A.OTHER_MENTEE})
IN_A_PAIR = frozenset({A.MENTEE, A.OTHER_MENTEE, A.MENTOR, A.OTHER_MENTOR})

# --- commands: who may use each ------------------------------------------------------------------

COMMANDS: dict[str, frozenset[Actor]] = {
    "start": E,
    "help": E,
    "cancel": E,
    "mydata": E,  # a stranger sees their access request, someone who left their record
    "settings": MEMBERS,
    "ask": MENTEES,
    "plan": IN_A_PAIR,
    "meet": IN_A_PAIR,
    "journal": IN_A_PAIR,
    "mentees": frozenset({A.MENTOR, A.OTHER_MENTOR}),
    "questions": MENTORS,  # each sees the questions of their own pairs
    "people": ADMIN,
    "invite": ADMIN,
    "pair": ADMIN,
    "pairs": ADMIN,
    "digest": ADMIN,
    "stats": ADMIN,
    "overdue": ADMIN,
    "inactive": ADMIN,
    "export": ADMIN,
    "report": ADMIN,
    "import": ADMIN,
}

# The first words of every refusal a command or a button may get.
REFUSALS = (
    "Эта команда доступна только администраторам",
    "Эта кнопка устарела или недоступна вам",
    "Я — бот программы наставничества колледжа",  # a stranger: how to get access
    "Ваша учётная запись в программе наставничества закрыта",  # someone who left
    "У вас нет действующей пары",
    "У вас пока нет действующих пар",
    "Задавать вопросы наставнику могут наставляемые",
    "Список наставляемых — для наставников",
    "Список вопросов — для наставников",
    "Команда /",  # a command of another role (mentors' and mentees' work)
    "Эта форма уже закрыта",  # a form's Cancel outside its form
    "Это не ваш вопрос",
    "Вы уже приняли эти условия",  # the consent text's ✅ once more
)


def refused(text: str) -> bool:
    return text.startswith(REFUSALS)


# --- buttons: presses aimed at pair A, and who may press each -------------------------------------


@dataclass(frozen=True)
class Press:
    data: Callable[[World], str]
    allowed: frozenset[Actor]
    changes: bool = False  # pressed only by those it is refused to


def _p(data: Callable[[World], str], allowed: frozenset[Actor], changes: bool = False) -> Press:
    return Press(data, allowed, changes)


def _meeting(action: Answer) -> Callable[[World], str]:
    return lambda w: MeetingAct(meeting_id=w.meeting_a, rev=w.meeting_rev, action=action).pack()


def _milestone(action: str) -> Callable[[World], str]:
    return lambda w: MilestoneCb(
        action=action, milestone_id=w.milestone_a, sub=w.milestone_sub
    ).pack()


def _feedback(side: str, act: str, item: int = 0, score: int = 0) -> Callable[[World], str]:
    def data(w: World) -> str:
        form = w.feedback_mentee if side == "mentee" else w.feedback_mentor
        return FeedbackCb(form=form, act=act, item=item, score=score).pack()

    return data


def _card(action: str) -> Callable[[World], str]:
    return lambda w: PairCard(pair_id=w.pair_a, action=action).pack()


BUTTONS: dict[str, list[Press]] = {
    # A form's buttons carry the form run they belong to: outside it they are stale for
    # everyone (that they work inside it is each form's own test).
    "nav": [
        _p(lambda w: Nav(action="noop").pack(), E),
        _p(lambda w: Nav(action="cancel", form=987654).pack(), NOBODY),
    ],
    "ch": [_p(lambda w: Choice(step="confirm", value="yes", form=987654).pack(), NOBODY, True)],
    "pk": [
        _p(
            lambda w: PersonPick(purpose="mentee", person_id=w.person_mentee, form=9876).pack(),
            NOBODY,
            True,
        )
    ],
    "dp": [_p(lambda w: DepartmentPick(code="0011223344", form=987654).pack(), NOBODY, True)],
    "cl": [
        _p(lambda w: CalendarPress(purpose="meet", year=2026, month=12, form=98765).pack(), NOBODY)
    ],
    "wp": [_p(lambda w: WhichPair(purpose="ask", pair_id=w.pair_a, form=98765).pack(), NOBODY)],
    # The admins' lists and cards.
    "ar": [
        _p(lambda w: AccessDecision(request_id=w.request_id, action="decline").pack(), ADMIN, True),
        _p(lambda w: AccessDecision(request_id=w.request_id, action="approve").pack(), ADMIN),
        _p(lambda w: AccessDecision(request_id=w.request_id, action="show").pack(), ADMIN),
    ],
    "rq": [_p(lambda w: RequestsPage(page=0).pack(), ADMIN)],
    "rx": [
        _p(lambda w: DeclineAll(up_to=w.request_id, act="ask").pack(), ADMIN),
        _p(lambda w: DeclineAll(up_to=w.request_id, act="yes").pack(), ADMIN, True),
    ],
    "pl": [_p(lambda w: PeopleList().pack(), ADMIN)],
    "pc": [
        _p(lambda w: PersonCard(person_id=w.person_mentee).pack(), ADMIN),
        _p(lambda w: PersonCard(person_id=w.person_mentee, action="open").pack(), ADMIN),
        _p(
            lambda w: PersonCard(person_id=w.person_mentee, action="admin", value="1").pack(),
            ADMIN,
            True,
        ),
        _p(
            lambda w: PersonCard(person_id=w.person_mentee, action="anon", value="1").pack(),
            ADMIN,
            True,
        ),
    ],
    "pp": [_p(lambda w: PairsList(status="all").pack(), ADMIN)],
    "pq": [_p(lambda w: PairsDepartments().pack(), ADMIN)],
    "pa": [
        _p(_card("show"), ADMIN),
        _p(_card("end"), ADMIN, True),
        _p(_card("complete"), ADMIN, True),
        _p(_card("feedback"), ADMIN, True),
    ],
    "at": [_p(lambda w: AttentionPage(concern="overdue").pack(), ADMIN)],
    "dg": [_p(lambda w: DigestPage(page=0).pack(), ADMIN)],
    "ja": [_p(lambda w: PairJournal(pair_id=w.pair_a).pack(), ADMIN)],
    "rp": [_p(lambda w: PairReportCb(pair_id=w.pair_a).pack(), frozenset({A.ADMIN, A.MENTOR}))],
    "pd": [
        _p(
            lambda w: PlanDecision(action="ok", plan_id=w.plan_a, sub=w.plan_sub).pack(),
            ADMIN,
            True,
        )
    ],
    # A pair's own buttons.
    "pn": [
        _p(lambda w: PlanCb(action="show", pair_id=w.pair_a).pack(), PAIR_A),
        _p(lambda w: PlanCb(action="adm", pair_id=w.pair_a).pack(), ADMIN),
        _p(lambda w: PlanCb(action="add", pair_id=w.pair_a).pack(), frozenset({A.MENTOR}), True),
        _p(lambda w: PlanCb(action="submit", pair_id=w.pair_a).pack(), frozenset({A.MENTOR}), True),
    ],
    "ml": [
        _p(_milestone("open"), PAIR_A),
        _p(_milestone("adm"), ADMIN),
        _p(_milestone("acc"), frozenset({A.MENTOR}), True),
        _p(_milestone("ret"), frozenset({A.MENTOR}), True),
        _p(_milestone("rm"), frozenset({A.MENTOR}), True),
        _p(_milestone("done"), frozenset({A.MENTEE}), True),
    ],
    "jr": [_p(lambda w: JournalPage(pair_id=w.pair_a).pack(), PAIR_A)],
    "mt": [
        _p(_meeting(Answer.CONFIRM), frozenset({A.MENTOR}), True),
        _p(_meeting(Answer.DECLINE), frozenset({A.MENTOR}), True),
        _p(_meeting(Answer.CANCEL), PAIR_A, True),  # either side calls a meeting off
        _p(_meeting(Answer.HELD), PAIR_A, True),
    ],
    "qs": [
        _p(
            lambda w: QuestionAction(action="answer", question_id=w.question_a).pack(),
            frozenset({A.MENTOR}),
            True,
        ),
        _p(
            lambda w: QuestionAction(action="resolve", question_id=w.question_a).pack(),
            frozenset({A.MENTEE}),
            True,
        ),
        _p(lambda w: QuestionAction(action="page", page=0).pack(), MENTORS),
    ],
    "fb": [
        _p(_feedback("mentee", OPEN), frozenset({A.MENTEE})),
        _p(_feedback("mentee", SCORE, 0, 5), frozenset({A.MENTEE}), True),
        _p(_feedback("mentee", FOCUS, 1), frozenset({A.MENTEE}), True),
        _p(_feedback("mentee", COMMENT), frozenset({A.MENTEE}), True),
        _p(_feedback("mentee", DONE), frozenset({A.MENTEE}), True),
        _p(_feedback("mentee", SHARE), frozenset({A.MENTEE}), True),
        _p(_feedback("mentor", SCORE, 0, 1), frozenset({A.MENTOR}), True),
    ],
    # Everyone's own: the guides and their reminders' switches.
    "gd": [_p(lambda w: Guide(name="admin").pack(), ADMIN)],
    # Everyone here accepted the consent text at their first /start: once is enough.
    "cs": [
        _p(lambda w: ConsentCb(act="yes", version=CONSENT_VERSION).pack(), NOBODY),
        _p(lambda w: ConsentCb(act="no", version=CONSENT_VERSION).pack(), NOBODY),
    ],
    # One's own consent, withdrawn from /mydata: the data names nobody, so a press acts on the
    # presser alone (that the withdrawal works is tests/e2e/test_consent_withdrawal.py's).
    "cw": [
        _p(lambda w: ConsentWithdrawal(act="ask").pack(), MEMBERS),
        _p(lambda w: ConsentWithdrawal(act="no").pack(), MEMBERS),
        _p(lambda w: ConsentWithdrawal(act="yes").pack(), MEMBERS, True),
    ],
    "rs": [_p(lambda w: ReminderSwitch(kind="QUESTION_REMIND", on=0).pack(), MEMBERS, True)],
}


def _routers_commands_and_buttons() -> tuple[set[str], set[str]]:
    """The commands and the callback data prefixes the dispatcher's handlers filter on."""
    commands, buttons = routed_commands_and_buttons()
    return commands, set(buttons)


def test_the_matrix_covers_every_command_and_every_kind_of_button() -> None:
    commands, prefixes = _routers_commands_and_buttons()
    assert set(COMMANDS) == commands
    assert set(BUTTONS) == prefixes


@pytest.fixture
def bot_clock() -> Clock:
    return ManualClock(NOW)


@pytest.fixture
async def world(bot_runner: BotRunner, fake_api: FakeBotAPI) -> World:
    return await build_world(bot_runner, fake_api)


async def _replies(world: World, actor: Actor) -> str:
    """What the bot sent or edited for the actor since their last act, and the answer to it."""
    await world.runner.settle(30)
    user = world.users[actor]
    shown = texts(world.api.changed_since(user.id, user.mark))
    answers = [
        str(r.params.get("text", ""))
        for r in world.api.calls("answerCallbackQuery")
        if user.last_callback_id and r.params.get("callback_query_id") == user.last_callback_id
    ]
    return "\n".join([*answers, shown]).strip()


async def test_every_command_for_every_kind_of_person(world: World) -> None:
    wrong = []
    for command, allowed in COMMANDS.items():
        for actor in Actor:
            user = world.users[actor]
            before = snapshot(world.database)
            user.send(f"/{command}")
            user.last_callback_id = None
            reply = await _replies(world, actor)
            changed = changed_tables(before, snapshot(world.database))
            names = foreign_names(actor, reply)
            if names:
                wrong.append(f"/{command} by {actor}: shows {names}: {reply[:80]!r}")
            # (/start and /help are a stranger's and a leaver's too: their answer says so.)
            if actor in allowed and refused(reply) and allowed is not EVERYONE:
                wrong.append(f"/{command} by {actor}: refused: {reply[:80]!r}")
            if actor not in allowed and not refused(reply):
                wrong.append(f"/{command} by {actor}: not refused: {reply[:80]!r}")
            if actor not in allowed and changed:
                wrong.append(f"/{command} by {actor}: changed {changed}")
            if "fsm" in changed:
                user.send("/cancel")
                await world.runner.settle(30)
    assert wrong == [], "\n".join(wrong)


async def test_every_kind_of_button_for_every_kind_of_person(world: World) -> None:
    wrong = []
    for prefix, presses in BUTTONS.items():
        for n, press in enumerate(presses):
            data = press.data(world)
            assert len(data.encode()) <= 64
            for actor in Actor:
                if actor in press.allowed and press.changes:
                    continue
                user = world.users[actor]
                before = snapshot(world.database)
                user.press_data(data, world.anchor[actor])
                reply = await _replies(world, actor)
                changed = changed_tables(before, snapshot(world.database))
                what = f"{prefix}#{n} {data!r} by {actor}"
                names = foreign_names(actor, reply)
                if names:
                    wrong.append(f"{what}: shows {names}: {reply[:80]!r}")
                if actor in press.allowed and refused(reply):
                    wrong.append(f"{what}: refused: {reply[:80]!r}")
                if actor not in press.allowed and not refused(reply):
                    wrong.append(f"{what}: not refused: {reply[:80]!r}")
                if actor not in press.allowed and changed:
                    wrong.append(f"{what}: changed {changed}")
                if "fsm" in changed:
                    user.send("/cancel")
                    await world.runner.settle(30)
    assert wrong == [], "\n".join(wrong)
