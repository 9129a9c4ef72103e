"""The plan goes to the admins: the mentor submits it, every admin gets a copy with approve /
return buttons (the admin's view of the plan from the pair's card has them too), and the first
admin's decision wins. A decision names the plan and its submission, not the pair: a
reassignment moves the plan to the pair that takes over, and the decision follows it."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.context import Context
from bot.domain import fields
from bot.domain.bounded import clip
from bot.domain.fields import MAX_COMMENT_LENGTH, FieldError
from bot.domain.plan_approval import decide_submission, submit_to_admins
from bot.domain.plans import Found, PlanError
from bot.domain.rules import PairSide
from bot.i18n import as_sentence
from bot.notices import Button, Text
from handlers.filters import FreeText, shown
from handlers.forms import Draft, load_draft, start_draft
from handlers.keyboards import PlanCb, cancel_button
from handlers.links import LINKS
from handlers.plan.common import PlanDecision, PlanForm, find_plan, refused, stale
from handlers.plan.view import plan_view
from storage.db import Database
from storage.models import Person, Plan, PlanStatus

router = Router(name=__name__)


class PlanReturnDraft(Draft):
    """An admin returning submission `sub` of a plan (the comment is the form's one step)."""

    plan_id: int | None = None  # None: a form begun before decisions named the plan…
    pair_id: int = 0  # …names its pair instead (see _form_plan_id)
    sub: int = 0


NAME_CHARS_IN_ALERT = 80  # an alert holds 200 characters


def _plan_decision_buttons(plan: Plan) -> list[list[Button]]:
    """✅ / ↩️ on every admin's copy (decision_row's, labelled when the copy is sent)."""
    return [
        [
            Button(
                Text(key),
                data=PlanDecision(action=action, plan_id=plan.id, sub=plan.submission).pack(),
            )
            for key, action in (("plan-approve", "ok"), ("plan-return", "ret"))
        ]
    ]


async def _decided_note(ctx: Context, plan_id: int, sub: int) -> str:
    """Why a decision on this copy comes too late: who decided it, or that it is an old copy."""
    t = ctx.t
    async with ctx.db.read() as tx:
        plan = await tx.plans.get(plan_id)
        decider = await tx.people.get(plan.decided_by) if plan and plan.decided_by else None
    if plan is None or plan.submission < sub:
        return t.plain("stale-button")
    if plan.submission > sub:
        return t.plain("plan-copy-outdated")
    if decider is None or plan.status is PlanStatus.SUBMITTED:
        return as_sentence(t.plain("plan-refused-decided"))
    key = "plan-already-approved" if plan.status is PlanStatus.APPROVED else "plan-already-returned"
    return t.plain(key, admin=clip(decider.full_name, NAME_CHARS_IN_ALERT))


@router.callback_query(PlanCb.filter(F.action == "submit"))
async def submit(callback: CallbackQuery, callback_data: PlanCb, ctx: Context) -> None:
    person = ctx.person
    found = await find_plan(ctx.db, person, pair_id=callback_data.pair_id, side=PairSide.MENTOR)
    if found is None:
        await stale(callback, ctx.t)
        return
    now = ctx.now()
    try:
        async with ctx.db.transaction() as tx:
            plan = await submit_to_admins(tx, found.pair, found.plan, now, _plan_decision_buttons)
    except PlanError as exc:
        await refused(callback, ctx.t, exc)
        return
    ctx.told()
    refreshed = Found(found.pair, plan, found.side)
    text, markup = await plan_view(ctx, refreshed, 0)
    await shown(callback).edit_text(text, reply_markup=markup)
    await callback.answer(ctx.t("plan-submitted"))


async def _decide_plan(
    ctx: Context, *, plan_id: int, sub: int, approve: bool, admin: Person, comment: str | None
) -> Found:
    """Decide a submission of a plan, whichever pair it belongs to now: its people are told
    and every admin's copy is closed."""
    now = ctx.now()
    async with ctx.db.transaction() as tx:
        pair, decided = await decide_submission(
            tx, plan_id, sub, approve, admin, comment, now, LINKS
        )
    ctx.told()
    return Found(pair, decided, None)


@dataclass(frozen=True, slots=True)
class _Press:
    """A decision pressed, whichever button data carried it."""

    plan_id: int
    sub: int
    approve: bool
    on_view: bool


@router.callback_query(PlanDecision.filter(F.action.in_({"ok", "ret"})))
async def plan_decision(
    callback: CallbackQuery, callback_data: PlanDecision, state: FSMContext, ctx: Context
) -> None:
    press = _Press(
        callback_data.plan_id,
        callback_data.sub,
        callback_data.action == "ok",
        callback_data.view == 1,
    )
    await _on_decision(callback, press, state, ctx)


@router.callback_query(PlanCb.filter(F.action.in_({"ok", "ret"})))
async def plan_decision_by_pair(
    callback: CallbackQuery, callback_data: PlanCb, state: FSMContext, ctx: Context
) -> None:
    """A copy sent before decisions named the plan: its pair leads to the plan, also when a
    reassignment has moved it on since."""
    async with ctx.db.read() as tx:
        plan = await tx.plans.for_pair_or_successor(callback_data.pair_id)
    if plan is None or not ctx.is_admin:
        await stale(callback, ctx.t)
        return
    press = _Press(plan.id, callback_data.sub, callback_data.action == "ok", False)
    await _on_decision(callback, press, state, ctx)


async def _on_decision(
    callback: CallbackQuery, press: _Press, state: FSMContext, ctx: Context
) -> None:
    """The presser is an admin and the plan is on the admins' desk with this very submission;
    otherwise the press says why it changes nothing."""
    person, t = ctx.person, ctx.t
    if not ctx.is_admin or person is None:
        await stale(callback, t)
        return
    message = shown(callback)
    async with ctx.db.read() as tx:
        plan = await tx.plans.get(press.plan_id)
    if plan is None:
        await stale(callback, t)
        return
    if plan.status is not PlanStatus.SUBMITTED or plan.submission != press.sub:
        note = await _decided_note(ctx, press.plan_id, press.sub)
        await callback.answer(note, show_alert=True)
        return
    if not press.approve:
        draft = PlanReturnDraft(plan_id=press.plan_id, sub=press.sub)
        form = (await start_draft(state, PlanForm.plan_return_comment, draft)).form
        await message.answer(
            t("plan-ask-return-comment", max=MAX_COMMENT_LENGTH),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button(t, form)]]),
        )
        await callback.answer()
        return
    try:
        decided = await _decide_plan(
            ctx, plan_id=press.plan_id, sub=press.sub, approve=True, admin=person, comment=None
        )
    except PlanError:  # another admin was a moment faster
        note = await _decided_note(ctx, press.plan_id, press.sub)
        await callback.answer(note, show_alert=True)
        return
    if press.on_view:  # the admin's view shows the plan as it stands now
        text, markup = await plan_view(ctx, decided, 0)
        await message.edit_text(text, reply_markup=markup)
    # Every copy, this one too, is closed through the outbox; the plan above may already fill
    # a message: the decision is a message of its own.
    await message.answer(t("plan-decided-approved", admin=person.full_name))
    await callback.answer(t("done"))


@router.message(PlanForm.plan_return_comment, FreeText())
async def plan_return_comment(message: Message, state: FSMContext, ctx: Context) -> None:
    person, t = ctx.person, ctx.t
    try:
        comment = fields.comment(message.text)
    except FieldError as error:
        await message.answer(t(error.key, **error.values))
        return
    draft = await load_draft(state, PlanReturnDraft)
    await state.clear()
    plan_id = await _form_plan_id(ctx.db, draft)
    if not ctx.is_admin or person is None or plan_id is None:
        await message.answer(t("stale-button"))
        return
    sub = draft.sub
    try:
        await _decide_plan(
            ctx, plan_id=plan_id, sub=sub, approve=False, admin=person, comment=comment
        )
    except PlanError:
        note = await _decided_note(ctx, plan_id, sub)
        await message.answer(t("plan-refused", reason=note))
        return
    await message.answer(t("plan-decided-returned", admin=person.full_name))


async def _form_plan_id(db: Database, draft: PlanReturnDraft) -> int | None:
    """The plan a return form is about; a form begun before decisions named the plan names
    its pair (and may have outlived a reassignment)."""
    if draft.plan_id:
        return draft.plan_id
    async with db.read() as tx:
        plan = await tx.plans.for_pair_or_successor(draft.pair_id)
    return plan.id if plan else None
