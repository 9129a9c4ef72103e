"""The mentor edits the plan: adds, renames, moves and removes milestones; on an approved plan
each change asks for a reason and goes into the plan's history.

Every edit is a typed draft of one change (PlanChangeDraft: add / title / due / remove) filled
step by step, each field by its parser in bot/domain/fields.py, and applied by `_apply` against
fresh state; an approved plan asks for the reason first."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.context import Context
from bot.domain import fields
from bot.domain.fields import MAX_MILESTONE_TITLE, MAX_REASON_LENGTH, FieldError
from bot.domain.plans import (
    DEADLINE_OUTSIDE_PAIR,
    Found,
    PlanError,
    add_milestone,
    change_needs_reason,
    edit_milestone,
    load_plan,
    milestone_removable,
    plan_editable,
    remove_milestone,
)
from bot.domain.rules import PairSide
from bot.i18n import Html, as_sentence
from handlers.filters import FreeText, shown
from handlers.forms import Draft, load_draft, save_draft, start_draft
from handlers.keyboards import MilestoneCb, PlanCb, cancel_button
from handlers.links import LINKS
from handlers.plan.common import PlanForm, find_plan, stale

router = Router(name=__name__)


class PlanChangeDraft(Draft):
    """One change to a plan: what it is, on what, and its new title or deadline so far."""

    change: Literal["add", "title", "due", "remove"]
    pair_id: int = 0  # add: the plan's pair
    milestone_id: int = 0  # title, due, remove: the milestone
    title: str | None = None
    due: date | None = None


def _cancel_only(ctx: Context, form: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[cancel_button(ctx.t, form)]])


async def _editable(
    callback: CallbackQuery, ctx: Context, *, pair_id: int = 0, milestone_id: int = 0
) -> Found | None:
    """The plan a mentor's press would change, if it is theirs and may be changed now; None,
    with the press answered why not, otherwise."""
    found = await find_plan(
        ctx.db, ctx.person, pair_id=pair_id, milestone_id=milestone_id, side=PairSide.MENTOR
    )
    if found is None:
        await stale(callback, ctx.t)
        return None
    if not plan_editable(found.plan):
        refusal = as_sentence(ctx.t.plain("plan-refused-not-editable"))
        await callback.answer(refusal, show_alert=True)
        return None
    return found


async def _parsed(message: Message, ctx: Context, parse: Any) -> Any:
    """What was typed, read by the field's parser; None, with what is wrong said, if refused."""
    try:
        return parse(message.text)
    except FieldError as error:
        await message.answer(ctx.t(error.key, **error.values))
        return None


@router.callback_query(PlanCb.filter(F.action == "add"))
async def add_start(
    callback: CallbackQuery, callback_data: PlanCb, state: FSMContext, ctx: Context
) -> None:
    found = await _editable(callback, ctx, pair_id=callback_data.pair_id)
    if found is None:
        return
    draft = PlanChangeDraft(change="add", pair_id=found.pair.id)
    draft = await start_draft(state, PlanForm.add_title, draft)
    await shown(callback).answer(
        ctx.t("plan-ask-title", max=MAX_MILESTONE_TITLE), reply_markup=_cancel_only(ctx, draft.form)
    )
    await callback.answer()


@router.message(PlanForm.add_title, FreeText())
async def add_title(message: Message, state: FSMContext, ctx: Context) -> None:
    title = await _parsed(message, ctx, fields.milestone_title)
    if title is None:
        return
    draft = await load_draft(state, PlanChangeDraft)
    found = await find_plan(ctx.db, ctx.me, pair_id=draft.pair_id, side=PairSide.MENTOR)
    if found is None:
        await state.clear()
        await message.answer(ctx.t("stale-button"))
        return
    await save_draft(state, draft.model_copy(update={"title": title}))
    await state.set_state(PlanForm.add_due)
    t = ctx.t
    await message.answer(
        t("plan-ask-due", start=t.date(found.pair.start), end=t.date(found.pair.end)),
        reply_markup=_cancel_only(ctx, draft.form),
    )


@router.message(PlanForm.add_due, FreeText())
@router.message(PlanForm.edit_due, FreeText())
async def milestone_due(message: Message, state: FSMContext, ctx: Context) -> None:
    due = await _parsed(message, ctx, fields.milestone_due)
    if due is None:
        return
    draft = await load_draft(state, PlanChangeDraft)
    await _propose(message, state, ctx, draft.model_copy(update={"due": due}))


@router.callback_query(MilestoneCb.filter(F.action.in_({"title", "due"})))
async def edit_start(
    callback: CallbackQuery, callback_data: MilestoneCb, state: FSMContext, ctx: Context
) -> None:
    found = await _editable(callback, ctx, milestone_id=callback_data.milestone_id)
    if found is None:
        return
    title = callback_data.action == "title"
    draft = PlanChangeDraft(
        change="title" if title else "due", milestone_id=callback_data.milestone_id
    )
    draft = await start_draft(state, PlanForm.edit_title if title else PlanForm.edit_due, draft)
    t = ctx.t
    prompt = (
        t("plan-ask-title", max=MAX_MILESTONE_TITLE)
        if title
        else t("plan-ask-due", start=t.date(found.pair.start), end=t.date(found.pair.end))
    )
    await shown(callback).answer(prompt, reply_markup=_cancel_only(ctx, draft.form))
    await callback.answer()


@router.message(PlanForm.edit_title, FreeText())
async def edit_title(message: Message, state: FSMContext, ctx: Context) -> None:
    title = await _parsed(message, ctx, fields.milestone_title)
    if title is None:
        return
    draft = await load_draft(state, PlanChangeDraft)
    await _propose(message, state, ctx, draft.model_copy(update={"title": title}))


@router.callback_query(MilestoneCb.filter(F.action == "rm"))
async def remove(
    callback: CallbackQuery, callback_data: MilestoneCb, state: FSMContext, ctx: Context
) -> None:
    found = await _editable(callback, ctx, milestone_id=callback_data.milestone_id)
    if found is None:
        return
    if found.milestone is None:
        await stale(callback, ctx.t)
        return
    if not milestone_removable(found.milestone):
        refusal = as_sentence(ctx.t.plain("milestone-refused-not-removable"))
        await callback.answer(refusal, show_alert=True)
        return
    draft = PlanChangeDraft(change="remove", milestone_id=found.milestone.id)
    draft = await start_draft(state, PlanForm.change_reason, draft)
    await _propose(shown(callback), state, ctx, draft)
    await callback.answer()


async def _propose(
    message: Message, state: FSMContext, ctx: Context, draft: PlanChangeDraft
) -> None:
    """Apply a change now, or, on an approved plan, ask for its reason first."""
    found = await find_plan(
        ctx.db,
        ctx.me,
        pair_id=draft.pair_id,
        milestone_id=draft.milestone_id,
        side=PairSide.MENTOR,
    )
    if found is None:
        await state.clear()
        await message.answer(ctx.t("stale-button"))
        return
    if change_needs_reason(found.plan):
        await save_draft(state, draft)
        await state.set_state(PlanForm.change_reason)
        await message.answer(
            ctx.t("plan-ask-reason", max=MAX_REASON_LENGTH),
            reply_markup=_cancel_only(ctx, draft.form),
        )
        return
    await _apply_and_answer(message, state, ctx, draft, None)


@router.message(PlanForm.change_reason, FreeText())
async def change_reason(message: Message, state: FSMContext, ctx: Context) -> None:
    draft = await load_draft(state, PlanChangeDraft)
    try:
        reason = fields.change_reason(message.text)
    except FieldError as error:
        # The form stays: an approved plan changes only with a reason.
        markup = _cancel_only(ctx, draft.form) if error.key == "plan-reason-empty" else None
        await message.answer(ctx.t(error.key, **error.values), reply_markup=markup)
        return
    await _apply_and_answer(message, state, ctx, draft, reason)


async def _apply_and_answer(
    message: Message, state: FSMContext, ctx: Context, draft: PlanChangeDraft, reason: str | None
) -> None:
    try:
        answer, pair_id = await _apply(ctx, draft, reason)
    except LookupError:
        await state.clear()
        await message.answer(ctx.t("stale-button"))
        return
    except PlanError as exc:
        if exc.refusal is not DEADLINE_OUTSIDE_PAIR:
            await state.clear()  # a deadline can be typed again; other refusals end the form
        t = ctx.t
        await message.answer(t("plan-refused", reason=Html(t(str(exc.refusal)))))
        return
    await state.clear()
    # Every change ends with the way back to the plan it changed.
    back = InlineKeyboardButton(
        text=ctx.t.plain("plan-back"),
        callback_data=PlanCb(action="show", pair_id=pair_id).pack(),
    )
    await message.answer(answer, reply_markup=InlineKeyboardMarkup(inline_keyboard=[[back]]))


async def _apply(ctx: Context, draft: PlanChangeDraft, reason: str | None) -> tuple[str, int]:
    """Apply the change against fresh state; returns the answer and the pair whose plan it
    changed. LookupError: stale."""
    t, person = ctx.t, ctx.me
    async with ctx.db.transaction() as tx:
        found = await load_plan(tx, person, pair_id=draft.pair_id, milestone_id=draft.milestone_id)
        if found is None or found.side is not PairSide.MENTOR:
            raise LookupError("no such plan")
        common: dict[str, Any] = {"author_id": person.id, "now": ctx.now(), "reason": reason}
        if draft.change == "add" and draft.due is not None and draft.title is not None:
            await add_milestone(tx, found.plan, found.pair, draft.title, draft.due, **common)
            added = t("plan-milestone-added", title=draft.title, due=t.date(draft.due))
            return added, found.pair.id
        milestone = found.milestone
        if milestone is None:
            raise LookupError("no such milestone")
        if draft.change == "remove":
            await remove_milestone(tx, found.plan, milestone, **common)
            return t("milestone-removed"), found.pair.id
        await edit_milestone(
            tx,
            found.plan,
            found.pair,
            milestone,
            title=draft.title,
            due=draft.due,
            links=LINKS,
            **common,
        )
        changed = t("plan-milestone-changed", title=draft.title or milestone.title,
                    due=t.date(draft.due or milestone.due))  # fmt: skip
        return changed, found.pair.id
