"""Which pair a person means: a mentee with a pedagogical and a business mentor chooses the
mentor, a mentor with several mentees chooses the mentee. Every journey that works inside one
pair (/ask, /meet, /plan, /journal) starts here, and every press is checked again: the pair
must be active and the person one of its two people, whatever the callback data says."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from bot.domain.rules import PairSide, may_work_in_pair, side_in_pair
from bot.i18n import Translator
from handlers.keyboards import WhichPair, cancel_button, page_slice, paged_choices
from storage.db import Database
from storage.models import Pair, Person


async def pairs_to_choose(db: Database, person: Person, side: PairSide | None = None) -> list[Pair]:
    """The person's active pairs, on one side of them if `side` is given."""
    async with db.read() as tx:
        pairs = await tx.pairs.active_for_person(person.id)
    return [pair for pair in pairs if side in (None, side_in_pair(pair, person.id))]


async def chosen_pair(
    db: Database, person: Person, pair_id: int, side: PairSide | None = None
) -> Pair | None:
    """The pair a press names, if this person may work in it now; None for a forged, foreign
    or ended pair."""
    async with db.read() as tx:
        pair = await tx.pairs.get(pair_id)
    if pair is None or not may_work_in_pair(pair, person.id, side):
        return None
    return pair


def pair_choice(
    t: Translator,
    pairs: list[Pair],
    person: Person,
    purpose: str,
    *,
    page: int = 0,
    form: int = 0,
) -> InlineKeyboardMarkup:
    """A page of the person's pairs as buttons, each named by the other side and the kind."""
    shown, page = page_slice(pairs, page)
    choices = [
        (
            t.plain("pair-choice-label", name=pair.other_name(person.id), kind=pair.kind.value),
            WhichPair(purpose=purpose, pair_id=pair.id, page=page, form=form).pack(),
        )
        for pair in shown
    ]
    return paged_choices(
        t,
        choices,
        page,
        len(pairs),
        lambda n: WhichPair(purpose=purpose, page=n, form=form).pack(),
        tail=(cancel_button(t, form),),
    )
