"""What every part of /plan shares: the callback data, the form's states, and loading the
pair, plan (and milestone) a press names for the person pressing."""

from __future__ import annotations

from datetime import date

from aiogram import Bot
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup

from bot.config import Settings
from bot.domain.plans import Found, PlanError, load_plan, lookup_plan
from bot.domain.rules import PairSide, local_today
from bot.i18n import Translator, as_sentence
from handlers.forms import admins_only
from scheduler.clock import Clock
from storage.db import Database
from storage.models import Pair, Person, Plan


class PlanDecision(CallbackData, prefix="pd"):
    """An admin's ✅ / ↩️ on a submission: it names the plan, not the pair, so it still works
    after a reassignment moved the plan to the pair that took over."""

    action: str  # ok | ret
    plan_id: int
    sub: int  # the plan's submission the decision is about
    view: int = 0  # 1: pressed on the admin's view of the plan (from the pair's card)


# An admin's read-only view of a pair's plan, opened from the pair's card.
ADMIN_VIEW = "adm"
ADMIN_FILE = "admf"


class PlanForm(StatesGroup):
    add_title = State()
    add_due = State()
    edit_title = State()
    edit_due = State()
    report_comment = State()
    report_file = State()
    return_comment = State()
    plan_return_comment = State()
    change_reason = State()


admins_only(PlanForm.plan_return_comment)


def decision_row(t: Translator, plan: Plan, *, view: bool = False) -> list[InlineKeyboardButton]:
    """✅ / ↩️ on a submission: on every admin's copy, and on the admin's view of the plan."""
    return [
        InlineKeyboardButton(
            text=t(key),
            callback_data=PlanDecision(
                action=action, plan_id=plan.id, sub=plan.submission, view=int(view)
            ).pack(),
        )
        for key, action in (("plan-approve", "ok"), ("plan-return", "ret"))
    ]


def as_json(markup: InlineKeyboardMarkup) -> str:
    return markup.model_dump_json(exclude_none=True)


async def find_plan_for_admin(
    db: Database, *, pair_id: int = 0, milestone_id: int = 0
) -> tuple[Pair | None, Found | None]:
    """The pair a press names (any status) and, if it has a plan, the admin's read-only view of
    it; the caller checks that the person is an admin."""
    async with db.read() as tx:
        pair, plan, milestone = await lookup_plan(tx, pair_id, milestone_id)
    if pair is None or plan is None:
        return pair, None
    return pair, Found(pair, plan, None, milestone)


async def find_plan(
    db: Database,
    person: Person | None,
    *,
    pair_id: int = 0,
    milestone_id: int = 0,
    side: PairSide | None = None,
) -> Found | None:
    """The plan (and milestone) a press names, if the person is a side of its pair (`side`,
    when given); None for anyone else, someone unknown included."""
    if person is None:
        return None
    async with db.read() as tx:
        found = await load_plan(tx, person, pair_id=pair_id, milestone_id=milestone_id)
    if found is None or side not in (None, found.side):
        return None
    return found


async def stale(callback: CallbackQuery, t: Translator) -> None:
    await callback.answer(t("stale-button"), show_alert=True)


async def refused(callback: CallbackQuery, t: Translator, error: PlanError) -> None:
    await callback.answer(as_sentence(t.plain(str(error.refusal))), show_alert=True)


def local_day(clock: Clock, settings: Settings) -> date:
    return local_today(clock.now(), settings.tz)


async def send_report_file(bot: Bot, chat_id: int, t: Translator, found: Found) -> None:
    """A report's file sent again, by its file_id, with a caption saying whose report and which
    milestone: on its own in the chat, it would say neither."""
    milestone = found.milestone
    assert milestone is not None and milestone.file_id is not None
    caption = t("milestone-file-caption", mentee=found.pair.mentee_name, title=milestone.title)
    if milestone.file_kind == "photo":
        await bot.send_photo(chat_id, milestone.file_id, caption=caption)
    else:
        await bot.send_document(chat_id, milestone.file_id, caption=caption)
