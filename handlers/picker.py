"""The person picker that forms share: a page of people as buttons, or a search by surname."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardMarkup

from bot.i18n import Translator
from handlers.keyboards import cancel_button, fetch_page, person_picker
from storage.db import Database
from storage.models import Role


async def people_page(
    db: Database,
    t: Translator,
    *,
    purpose: str,
    page: int,
    query: str | None,
    empty_key: str,
    role: Role | None = None,
    unseen: bool = False,
    max_mentees: int | None = None,
    mark_mentored: bool = False,
    form: int = 0,
) -> tuple[str, InlineKeyboardMarkup]:
    """People to pick from (with each mentor's load when `max_mentees` is given, each mentee's
    mentor when `mark_mentored`); `empty_key` explains an empty list that was not searched."""
    async with db.read() as tx:
        people, total, page = await fetch_page(
            lambda offset, limit: tx.people.page(
                role=role, unseen=unseen, name_part=query, offset=offset, limit=limit
            ),
            page,
        )
        labels = {}
        if max_mentees is not None:
            for person in people:
                load = await tx.pairs.active_mentee_count(person.id)
                labels[person.id] = t.plain(
                    "pair-mentor-load", name=person.full_name, load=load, max=max_mentees
                )
        if mark_mentored:
            for person in people:
                kinds = {pair.kind.value for pair in await tx.pairs.active_for_person(person.id)}
                if kinds:  # still pickable: a pair of the other kind may be meant
                    kind = kinds.pop() if len(kinds) == 1 else "both"
                    labels[person.id] = t.plain(
                        "pair-mentee-mentored", name=person.full_name, kind=kind
                    )
    if not people:
        text = t("search-nothing-found") if query else t(empty_key)
        return text, InlineKeyboardMarkup(inline_keyboard=[[cancel_button(t, form)]])
    return t("search-hint"), person_picker(t, purpose, people, page, total, labels, form)


QUERY_KEY = "query"


def search_query(text: str | None) -> str:
    """What a person typed to search by, bounded."""
    return " ".join((text or "").split())[:100]


async def remember_search(state: FSMContext, text: str | None) -> str:
    """The search typed, kept in the form so that the other pages of its results stay searched."""
    query = search_query(text)
    await state.update_data({QUERY_KEY: query})
    return query


async def last_search(state: FSMContext) -> str | None:
    """The search the list on screen shows, if any (None once the step has changed)."""
    return (await state.get_data()).get(QUERY_KEY) or None
