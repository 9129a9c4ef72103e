"""Which pair a press names: only an active pair of the person who pressed, on the side asked."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.domain.rules import PairSide, may_work_in_pair, side_in_pair
from bot.i18n import I18n
from handlers.keyboards import WhichPair
from handlers.pair_choice import pair_choice
from storage.models import Pair, PairKind, PairStatus, Person, Role

PAIR = Pair(
    id=7,
    mentor_id=1,
    mentee_id=2,
    kind=PairKind.BUSINESS,
    start=date(2026, 9, 1),
    end=date(2027, 6, 30),
    order_ref=None,
    status=PairStatus.ACTIVE,
    close_reason=None,
    previous_pair_id=None,
    mentor_name="Иванова Анна Петровна",
    mentee_name="Сидорова Мария Ивановна",
)


def test_each_person_is_on_their_side_and_nobody_else_is_in_the_pair() -> None:
    assert side_in_pair(PAIR, 1) is PairSide.MENTOR
    assert side_in_pair(PAIR, 2) is PairSide.MENTEE
    assert side_in_pair(PAIR, 3) is None


def test_only_the_two_people_of_an_active_pair_work_in_it() -> None:
    assert may_work_in_pair(PAIR, 1) and may_work_in_pair(PAIR, 2)
    assert not may_work_in_pair(PAIR, 3)
    assert not may_work_in_pair(replace(PAIR, status=PairStatus.ENDED), 1)
    assert may_work_in_pair(PAIR, 1, PairSide.MENTOR)
    assert not may_work_in_pair(PAIR, 2, PairSide.MENTOR)


def test_the_choice_names_the_other_side_and_pages_within_telegrams_limits() -> None:
    t = I18n("ru").get("ru")
    mentor = Person(
        1, "Иванова Анна Петровна", Role.MENTOR, False, None, None, 1, None, True, False, True
    )
    pairs = [
        replace(PAIR, id=n, mentee_name=f"Наставляемый {n:02d} " + "я" * 180) for n in range(1, 30)
    ]

    markup = pair_choice(t, pairs, mentor, "meet", page=3, form=2**31 - 1)

    rows = markup.inline_keyboard
    buttons = [b for row in rows for b in row]
    assert len(buttons) <= 100
    assert all(len((b.callback_data or "").encode()) <= 64 for b in buttons)
    assert rows[0][0].text.startswith("Наставляемый 25")
    assert rows[0][0].text.endswith("· бизнес-наставничество")
    assert WhichPair.unpack(rows[0][0].callback_data or "").pair_id == 25
