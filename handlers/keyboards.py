"""Callback data factories (short prefixes) and the keyboards built from data."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from functools import lru_cache
from typing import TypeVar

from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Translator
from storage.models import Person, Role


class KeyboardBuilder(InlineKeyboardBuilder):
    """aiogram's builder, without the deep copy of every button on export (a third of the cost
    of a plan page's keyboard): the buttons are never changed once added."""

    def export(self) -> list[list[InlineKeyboardButton]]:
        return [list(row) for row in self._markup]


PAGE_SIZE = 8  # buttons of data per page: with filters, pager and Cancel, far below 100
MAX_PAGE = 100_000  # a forged page number never reaches the database as a huge offset
T = TypeVar("T")
MENU_KEYS = (
    "menu-my-pairs",
    "menu-plan",
    "menu-meet",
    "menu-journal",
    "menu-ask",
    "menu-questions",
    "menu-help",
    "menu-people",
    "menu-pairs",
    "menu-new-pair",
    "menu-invite",
    "menu-import",
)


class Nav(CallbackData, prefix="nav"):
    action: str  # "cancel" leaves the form; "noop" is a label
    form: int = 0  # the form run a Cancel belongs to (handlers.forms)


class AccessDecision(CallbackData, prefix="ar"):
    request_id: int
    action: str  # approve | decline | role | list | back | link | page | show
    value: str = ""


class PersonPick(CallbackData, prefix="pk"):
    purpose: str  # which form asked: mentor, mentee, invite, newmentor, link
    person_id: int = 0
    page: int = 0
    form: int = 0  # the form run the picker belongs to (handlers.forms)


class ConsentCb(CallbackData, prefix="cs"):
    """✅ / ❌ under the consent text (handlers/consent.py)."""

    act: str  # yes | no
    version: int  # of the text the buttons were shown with


class ConsentWithdrawal(CallbackData, prefix="cw"):
    """🚫 under /mydata, then its confirmation (handlers/consent.py). It names nobody: a press
    acts on whoever pressed it."""

    act: str  # ask (the confirmation) | yes | no


class RequestsPage(CallbackData, prefix="rq"):
    """A page of the pending access requests (sent instead of a copy of each, in a flood)."""

    page: int = 0


class DeclineAll(CallbackData, prefix="rx"):
    """«❌ Отклонить все» under the list of access requests, then its confirmation. It carries
    the newest request the list showed: one that comes later is never declined unseen."""

    up_to: int  # the id of the newest pending request when the list was shown
    act: str  # ask (show the question) | yes (decline)
    page: int = 0  # of the list, for «↩️ Назад к списку»


class Choice(CallbackData, prefix="ch"):
    step: str
    value: str
    form: int = 0


class PeopleList(CallbackData, prefix="pl"):
    role: str = ""  # "" = everyone
    dept: str = ""  # department_code of the department; "" = every department
    page: int = 0
    action: str = "list"  # list | depts (choose the department filter)


class PersonCard(CallbackData, prefix="pc"):
    person_id: int
    action: str = "show"
    value: str = ""


class DepartmentPick(CallbackData, prefix="dp"):
    code: str = ""  # department_code of the department; "" = show `page` of the list
    page: int = 0
    form: int = 0  # the form run the choice belongs to (handlers.forms)


class PairsList(CallbackData, prefix="pp"):
    page: int = 0
    # The filters (a button from before they existed reads as the active pairs of any kind).
    status: str = "active"  # active | completed | ended | all
    kind: str = ""  # "" = any | pedagogical | business
    dept: str = ""  # department_code of the mentee's department; "" = any


class PairsDepartments(CallbackData, prefix="pq"):
    """The /pairs department filter's list of departments (a page), keeping the other filters."""

    status: str = "active"
    kind: str = ""
    page: int = 0


class PairCard(CallbackData, prefix="pa"):
    pair_id: int
    action: str = "show"  # show | open (as a new message) | reassign | end | complete | confirm


# --- the targets of the buttons the core builds (handlers/links.py packs them) ------------------


class AttentionPage(CallbackData, prefix="at"):
    """A page of /overdue or /inactive."""

    concern: str  # bot.domain.digest.Concern
    page: int = 0


class MeetingAct(CallbackData, prefix="mt"):
    """A button on a meeting (bot.domain.meeting_rules.Answer)."""

    meeting_id: int
    rev: int
    action: str  # bot.domain.meetings.Answer


# The action of a notice's button that opens a plan or a milestone as a new message (the
# notice, and whatever else it says, stays as it is).
VIEW = "view"


class MilestoneCb(CallbackData, prefix="ml"):
    # open | view | done | nofile | title | due | rm | acc | ret | file; an admin's: adm | admf
    action: str
    milestone_id: int
    sub: int = 0  # the report a decision is about
    form: int = 0


class PlanCb(CallbackData, prefix="pn"):
    # show | view | add | submit; an admin's: adm (the read-only view); ok | ret only on copies sent
    # before decisions named the plan (PlanDecision)
    action: str
    pair_id: int
    page: int = 0
    sub: int = 0  # the plan's submission a decision is about
    form: int = 0


class QuestionAction(CallbackData, prefix="qs"):
    action: str  # answer | resolve | page
    question_id: int = 0
    page: int = 0


class WhichPair(CallbackData, prefix="wp"):
    purpose: str  # the journey that asked: ask, meet, plan, journal …
    pair_id: int = 0  # 0 with `page`: turn the page
    page: int = 0
    form: int = 0  # the form run the choice belongs to (handlers.forms)


class FeedbackCb(CallbackData, prefix="fb"):
    """A questionnaire form's button (bot.domain.feedback: SCORE, FOCUS, COMMENT…)."""

    form: int
    act: str
    item: int = 0
    score: int = 0


class PairReportCb(CallbackData, prefix="rp"):
    """The pair's report for the council (a DOCX): its admins and its mentor."""

    pair_id: int


class DigestPage(CallbackData, prefix="dg"):
    """A page of the weekly digest's list of pairs that need attention."""

    page: int


def department_code(name: str) -> str:
    """A short stand-in for a department's name in callback data (64 bytes would not hold a
    long Cyrillic name); a button keeps meaning its department when the list changes."""
    return hashlib.blake2s(name.encode("utf-8"), digest_size=5).hexdigest()


def find_department(departments: Sequence[str], code: str) -> str | None:
    return next((name for name in departments if department_code(name) == code), None)


def cancel_button(t: Translator, form: int = 0) -> InlineKeyboardButton:
    data = Nav(action="cancel", form=form).pack()
    return InlineKeyboardButton(text=t("button-cancel"), callback_data=data)


def last_page(total: int, size: int = PAGE_SIZE) -> int:
    return max((total + size - 1) // size, 1) - 1


async def fetch_page(
    fetch: Callable[[int, int], Awaitable[tuple[list[T], int]]], page: int
) -> tuple[list[T], int, int]:
    """One page of a list read as `fetch(offset, limit) -> (items, total)`: the items, the
    total and the page shown, which is the last one when `page` is past the end (the list
    shrank, or the button was forged)."""
    page = min(max(page, 0), MAX_PAGE)
    items, total = await fetch(page * PAGE_SIZE, PAGE_SIZE)
    if page > last_page(total):
        page = last_page(total)
        items, total = await fetch(page * PAGE_SIZE, PAGE_SIZE)
    return items, total, page


def page_slice(items: Sequence[T], page: int, size: int = PAGE_SIZE) -> tuple[list[T], int]:
    """One page of a list held in memory and the page shown (clamped like `fetch_page`)."""
    page = min(max(page, 0), last_page(len(items), size))
    return list(items[page * size : (page + 1) * size]), page


def pager(
    builder: InlineKeyboardBuilder,
    t: Translator,
    page: int,
    total: int,
    make: Callable[[int], str],
    size: int = PAGE_SIZE,
) -> None:
    """Add ◀️ / ▶️ buttons when the list has more than one page."""
    pages = last_page(total, size) + 1
    if pages == 1:
        return
    row = []
    if page > 0:
        row.append(InlineKeyboardButton(text=t("button-prev"), callback_data=make(page - 1)))
    row.append(
        InlineKeyboardButton(
            text=t("page-of", page=page + 1, pages=pages), callback_data=Nav(action="noop").pack()
        )
    )
    if page + 1 < pages:
        row.append(InlineKeyboardButton(text=t("button-next"), callback_data=make(page + 1)))
    builder.row(*row)


def paged_choices(
    t: Translator,
    choices: Sequence[tuple[str, str]],
    page: int,
    total: int,
    make_page: Callable[[int], str],
    *,
    head: Sequence[InlineKeyboardButton] = (),
    tail: Sequence[InlineKeyboardButton] = (),
) -> InlineKeyboardMarkup:
    """One page of a list of choices, `(label, callback data)` a row each, with the pager;
    `head` and `tail` are rows of one button above and below (All, Back, Cancel)."""
    builder = KeyboardBuilder()
    for button in head:
        builder.row(button)
    for label, data in choices:
        builder.row(InlineKeyboardButton(text=label, callback_data=data))
    pager(builder, t, page, total, make_page)
    for button in tail:
        builder.row(button)
    return builder.as_markup()


def person_picker(
    t: Translator,
    purpose: str,
    people: Sequence[Person],
    page: int,
    total: int,
    labels: dict[int, str] | None = None,
    form: int = 0,
) -> InlineKeyboardMarkup:
    choices = [
        (
            (labels or {}).get(person.id, person.full_name),
            PersonPick(purpose=purpose, person_id=person.id, page=page, form=form).pack(),
        )
        for person in people
    ]
    return paged_choices(
        t,
        choices,
        page,
        total,
        lambda n: PersonPick(purpose=purpose, page=n, form=form).pack(),
        tail=[cancel_button(t, form)],
    )


def department_picker(
    t: Translator,
    departments: Sequence[str],
    page: int,
    choose: Callable[[str], str],
    make_page: Callable[[int], str],
    *,
    head: Sequence[InlineKeyboardButton] = (),
    tail: Sequence[InlineKeyboardButton] = (),
) -> InlineKeyboardMarkup:
    """A page of departments; `choose(code)` is a department's button data (its code, since
    64 bytes would not hold a long name)."""
    shown, page = page_slice(departments, page)
    choices = [(name, choose(department_code(name))) for name in shown]
    return paged_choices(t, choices, page, len(departments), make_page, head=head, tail=tail)


def main_menu(t: Translator, person: Person | None, is_admin: bool) -> ReplyKeyboardMarkup | None:
    """The persistent reply keyboard of a person's role; every button is also a command."""
    keys: list[tuple[str, ...]] = []
    if person is not None and person.active and person.role is Role.MENTEE:
        keys.extend(
            [
                ("menu-plan", "menu-meet"),
                ("menu-ask", "menu-journal"),
                ("menu-my-pairs", "menu-help"),
            ]
        )
    elif person is not None and person.active and person.role is Role.MENTOR:
        keys.extend(
            [
                ("menu-plan", "menu-meet"),
                ("menu-questions", "menu-journal"),
                ("menu-my-pairs", "menu-help"),
            ]
        )
    if is_admin:
        keys.extend([("menu-people", "menu-pairs"), ("menu-new-pair", "menu-invite")])
        keys.append(
            ("menu-import",) if keys[0][-1] == "menu-help" else ("menu-import", "menu-help")
        )
    return _reply_keyboard(t, tuple(keys)) if keys else None


@lru_cache(maxsize=64)
def _reply_keyboard(t: Translator, keys: tuple[tuple[str, ...], ...]) -> ReplyKeyboardMarkup:
    # A handful of role menus per language, built once rather than on every answer.
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=t(key)) for key in row] for row in keys],
        resize_keyboard=True,
        is_persistent=True,
    )
