"""The mentor edits the plan: adds, renames, moves and removes milestones; on an approved plan
each change asks for a reason and goes into the plan's history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.domain.dates import parse_date
from bot.domain.plans import (
    DEADLINE_OUTSIDE_PAIR,
    MAX_MILESTONE_TITLE,
    MAX_REASON_LENGTH,
    PlanError,
    add_milestone,
    change_needs_reason,
    edit_milestone,
    load_plan,
    milestone_removable,
    plan_editable,
    reason_given,
    remove_milestone,
)
from bot.domain.rules import PairSide
from bot.i18n import Html, Translator, as_sentence
from handlers.filters import FreeText
from handlers.forms import form_id, start_form
from handlers.keyboards import MilestoneCb, PlanCb, cancel_button
from handlers.plan.common import PlanForm, find_plan, stale
from scheduler.clock import Clock
from storage.db import Database
from storage.models import Person

router = Router(name=__name__)

# --- the mentor edits the plan -----------------------------------------------------------------
# Every edit ends in a change (add / title / due / remove) applied by `_apply`; an approved plan
# asks for the reason first, and the change goes into the plan's history with it.


def _cancel_only(t: Translator, form: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[cancel_button(t, form)]])


@router.callback_query(PlanCb.filter(F.action == "add"))
async def add_start(
    callback: CallbackQuery,
    callback_data: PlanCb,
    state: FSMContext,
    db: Database,
    person: Person | None,
    t: Translator,
) -> None:
    found = (
        await find_plan(db, person, pair_id=callback_data.pair_id, side=PairSide.MENTOR)
        if person
        else None
    )
    if found is None or not isinstance(callback.message, Message):
        await stale(callback, t)
        return
    if not plan_editable(found.plan):
        await callback.answer(as_sentence(t.plain("plan-refused-not-editable")), show_alert=True)
        return
    form = await start_form(state, PlanForm.add_title, pair_id=found.pair.id)
    await callback.message.answer(
        t("plan-ask-title", max=MAX_MILESTONE_TITLE), reply_markup=_cancel_only(t, form)
    )
    await callback.answer()


def _title(text: str | None) -> str | None:
    title = " ".join((text or "").split())
    return title if title and len(title) <= MAX_MILESTONE_TITLE else None


@router.message(PlanForm.add_title, FreeText())
async def add_title(
    message: Message, state: FSMContext, db: Database, person: Person, t: Translator
) -> None:
    title = _title(message.text)
    if title is None:
        await message.answer(t("plan-title-too-long", max=MAX_MILESTONE_TITLE))
        return
    data = await state.get_data()
    found = await find_plan(db, person, pair_id=int(data.get("pair_id", 0)), side=PairSide.MENTOR)
    if found is None:
        await state.clear()
        await message.answer(t("stale-button"))
        return
    await state.update_data(title=title)
    await state.set_state(PlanForm.add_due)
    await message.answer(
        t("plan-ask-due", start=t.date(found.pair.start), end=t.date(found.pair.end)),
        reply_markup=_cancel_only(t, int(data["form"])),
    )


@router.message(PlanForm.add_due, FreeText())
@router.message(PlanForm.edit_due, FreeText())
async def milestone_due(
    message: Message,
    state: FSMContext,
    db: Database,
    person: Person,
    clock: Clock,
    t: Translator,
) -> None:
    due = parse_date(message.text or "")
    if due is None:
        await message.answer(t("date-invalid"))
        return
    data = await state.get_data()
    if await state.get_state() == PlanForm.add_due.state:
        change = {"kind": "add", "pair_id": data.get("pair_id", 0), "title": data.get("title")}
    else:
        change = {"kind": "due", "milestone_id": data.get("milestone_id", 0)}
    await _propose(message, state, db, person, clock, t, {**change, "due": due.isoformat()})


@router.callback_query(MilestoneCb.filter(F.action.in_({"title", "due"})))
async def edit_start(
    callback: CallbackQuery,
    callback_data: MilestoneCb,
    state: FSMContext,
    db: Database,
    person: Person | None,
    t: Translator,
) -> None:
    found = (
        await find_plan(db, person, milestone_id=callback_data.milestone_id, side=PairSide.MENTOR)
        if person
        else None
    )
    if found is None or not isinstance(callback.message, Message):
        await stale(callback, t)
        return
    if not plan_editable(found.plan):
        await callback.answer(as_sentence(t.plain("plan-refused-not-editable")), show_alert=True)
        return
    title = callback_data.action == "title"
    form = await start_form(
        state,
        PlanForm.edit_title if title else PlanForm.edit_due,
        milestone_id=callback_data.milestone_id,
    )
    prompt = (
        t("plan-ask-title", max=MAX_MILESTONE_TITLE)
        if title
        else t("plan-ask-due", start=t.date(found.pair.start), end=t.date(found.pair.end))
    )
    await callback.message.answer(prompt, reply_markup=_cancel_only(t, form))
    await callback.answer()


@router.message(PlanForm.edit_title, FreeText())
async def edit_title(
    message: Message,
    state: FSMContext,
    db: Database,
    person: Person,
    clock: Clock,
    t: Translator,
) -> None:
    title = _title(message.text)
    if title is None:
        await message.answer(t("plan-title-too-long", max=MAX_MILESTONE_TITLE))
        return
    data = await state.get_data()
    change = {"kind": "title", "milestone_id": data.get("milestone_id", 0), "title": title}
    await _propose(message, state, db, person, clock, t, change)


@router.callback_query(MilestoneCb.filter(F.action == "rm"))
async def remove(
    callback: CallbackQuery,
    callback_data: MilestoneCb,
    state: FSMContext,
    db: Database,
    person: Person | None,
    clock: Clock,
    t: Translator,
) -> None:
    found = (
        await find_plan(db, person, milestone_id=callback_data.milestone_id, side=PairSide.MENTOR)
        if person
        else None
    )
    if found is None or found.milestone is None or not isinstance(callback.message, Message):
        await stale(callback, t)
        return
    if not milestone_removable(found.milestone) or not plan_editable(found.plan):
        refusal = "milestone-refused-not-removable"
        if not plan_editable(found.plan):
            refusal = "plan-refused-not-editable"
        await callback.answer(as_sentence(t.plain(refusal)), show_alert=True)
        return
    assert person is not None
    await start_form(state, PlanForm.change_reason)
    change = {"kind": "remove", "milestone_id": found.milestone.id}
    await _propose(callback.message, state, db, person, clock, t, change)
    await callback.answer()


async def _propose(
    message: Message,
    state: FSMContext,
    db: Database,
    person: Person,
    clock: Clock,
    t: Translator,
    change: dict[str, Any],
) -> None:
    """Apply a change now, or, on an approved plan, ask for its reason first."""
    found = await find_plan(
        db,
        person,
        pair_id=int(change.get("pair_id", 0)),
        milestone_id=int(change.get("milestone_id", 0)),
        side=PairSide.MENTOR,
    )
    if found is None:
        await state.clear()
        await message.answer(t("stale-button"))
        return
    if change_needs_reason(found.plan):
        await state.set_state(PlanForm.change_reason)
        await state.update_data(change=change)
        form = await form_id(state)
        await message.answer(
            t("plan-ask-reason", max=MAX_REASON_LENGTH), reply_markup=_cancel_only(t, form)
        )
        return
    await _apply_and_answer(message, state, db, person, clock, t, change, None)


@router.message(PlanForm.change_reason, FreeText())
async def change_reason(
    message: Message,
    state: FSMContext,
    db: Database,
    person: Person,
    clock: Clock,
    t: Translator,
) -> None:
    reason = " ".join((message.text or "").split())
    if len(reason) > MAX_REASON_LENGTH:
        await message.answer(t("milestone-comment-too-long", max=MAX_REASON_LENGTH))
        return
    if not reason_given(reason):  # the form stays: an approved plan changes only with a reason
        form = await form_id(state)
        await message.answer(
            t("plan-reason-empty", max=MAX_REASON_LENGTH), reply_markup=_cancel_only(t, form)
        )
        return
    change = dict((await state.get_data()).get("change") or {})
    await _apply_and_answer(message, state, db, person, clock, t, change, reason)


async def _apply_and_answer(
    message: Message,
    state: FSMContext,
    db: Database,
    person: Person,
    clock: Clock,
    t: Translator,
    change: dict[str, Any],
    reason: str | None,
) -> None:
    try:
        answer = await _apply(db, t, person, change, reason, clock.now())
    except LookupError:
        await state.clear()
        await message.answer(t("stale-button"))
        return
    except PlanError as exc:
        if exc.refusal is not DEADLINE_OUTSIDE_PAIR:
            await state.clear()  # a deadline can be typed again; other refusals end the form
        await message.answer(t("plan-refused", reason=Html(t(str(exc.refusal)))))
        return
    await state.clear()
    await message.answer(answer)


async def _apply(
    db: Database,
    t: Translator,
    person: Person,
    change: dict[str, Any],
    reason: str | None,
    now: datetime,
) -> str:
    """Apply a change against fresh state; returns the answer. LookupError: stale."""
    kind = str(change.get("kind"))
    due = date.fromisoformat(change["due"]) if change.get("due") else None
    async with db.transaction() as tx:
        found = await load_plan(
            tx,
            person,
            pair_id=int(change.get("pair_id", 0)),
            milestone_id=int(change.get("milestone_id", 0)),
        )
        if found is None or found.side is not PairSide.MENTOR:
            raise LookupError("no such plan")
        common: dict[str, Any] = {"author_id": person.id, "now": now, "reason": reason}
        if kind == "add" and due is not None:
            title = str(change["title"])
            await add_milestone(tx, found.plan, found.pair, title, due, **common)
            return t("plan-milestone-added", title=title, due=t.date(due))
        milestone = found.milestone
        if milestone is None:
            raise LookupError("no such milestone")
        if kind == "remove":
            await remove_milestone(tx, found.plan, milestone, **common)
            return t("milestone-removed")
        new_title = change.get("title")
        await edit_milestone(
            tx, found.plan, found.pair, milestone, title=new_title, due=due, **common
        )
        return t("plan-milestone-changed", title=new_title or milestone.title,
                 due=t.date(due or milestone.due))  # fmt: skip
