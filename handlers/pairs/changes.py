"""A pair's card changes the pair: a new mentor (with a reason), ended early (with a reason),
or completed. History is never overwritten: the pair is closed, a reassignment opens its
continuation with the new mentor."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.context import Context
from bot.domain import fields
from bot.domain.fields import FieldError
from bot.domain.pairing import PairError, close_pair, reassign_mentor
from bot.domain.rules import local_today
from bot.i18n import Html
from handlers.filters import AdminOnly, FreeText, shown
from handlers.forms import Draft, OfCurrentForm, form_id, load_draft, save_draft, start_draft
from handlers.keyboards import PairCard, PersonPick, cancel_button
from handlers.menu import pair_line
from handlers.pairs.common import (
    EndForm,
    ReassignForm,
    load_active_pair,
    notices_sent,
    people_to_pick,
    refusal_text,
)
from handlers.picker import last_search, remember_search
from storage.models import PairStatus, Role

router = Router(name=__name__)
router.message.filter(AdminOnly())
router.callback_query.filter(AdminOnly())


class PairChangeDraft(Draft):
    """A new mentor for a pair, or its early end: the pair, the new mentor (ReassignForm) and
    `query`, the search typed to find them (handlers/picker.py keeps it)."""

    pair_id: int
    new_mentor_id: int | None = None
    query: str | None = None


@router.callback_query(PairCard.filter(F.action == "reassign"))
async def start_reassign(
    callback: CallbackQuery, callback_data: PairCard, state: FSMContext, ctx: Context
) -> None:
    pair = await load_active_pair(callback, ctx, callback_data.pair_id)
    if pair is None:
        return
    draft = await start_draft(state, ReassignForm.mentor, PairChangeDraft(pair_id=pair.id))
    text, markup = await people_to_pick(ctx, "newmentor", Role.MENTOR, 0, None, draft.form)
    await shown(callback).answer(
        ctx.t("pair-reassign-step-mentor", mentee=pair.mentee_name, mentor=pair.mentor_name)
        + "\n"
        + text,
        reply_markup=markup,
    )
    await callback.answer()


@router.message(ReassignForm.mentor, FreeText())
async def search_new_mentor(message: Message, state: FSMContext, ctx: Context) -> None:
    query = await remember_search(state, message.text)
    form = await form_id(state)
    text, markup = await people_to_pick(ctx, "newmentor", Role.MENTOR, 0, query, form)
    await message.answer(text, reply_markup=markup)


@router.callback_query(
    ReassignForm.mentor, PersonPick.filter(F.purpose == "newmentor"), OfCurrentForm()
)
async def pick_new_mentor(
    callback: CallbackQuery, callback_data: PersonPick, state: FSMContext, ctx: Context
) -> None:
    message, t = shown(callback), ctx.t
    if callback_data.person_id == 0:
        text, markup = await people_to_pick(
            ctx,
            "newmentor",
            Role.MENTOR,
            callback_data.page,
            await last_search(state),
            callback_data.form,
        )
        await message.edit_text(text, reply_markup=markup)
        await callback.answer()
        return
    async with ctx.db.read() as tx:
        mentor = await tx.people.get(callback_data.person_id)
    if mentor is None or not mentor.active or mentor.role is not Role.MENTOR:
        await callback.answer(t("stale-button"), show_alert=True)
        return
    draft = await load_draft(state, PairChangeDraft)
    await save_draft(state, draft.model_copy(update={"new_mentor_id": mentor.id}))
    await state.set_state(ReassignForm.reason)
    await message.edit_text(
        t("pair-reassign-step-reason", mentor=mentor.full_name),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button(t, callback_data.form)]]),
    )
    await callback.answer()


async def _reason(message: Message, ctx: Context) -> str | None:
    """The typed reason, or None after telling the admin what is wrong with it."""
    try:
        return fields.pair_change_reason(message.text)
    except FieldError as error:
        await message.answer(ctx.t(error.key, **error.values))
        return None


@router.message(ReassignForm.reason, FreeText())
async def reassign_with_reason(message: Message, state: FSMContext, ctx: Context) -> None:
    reason = await _reason(message, ctx)
    if reason is None:
        return
    t, settings = ctx.t, ctx.settings
    draft = await load_draft(state, PairChangeDraft)
    now, me = ctx.now(), ctx.me  # before the try, whose LookupError means a closed pair
    try:
        async with ctx.db.transaction() as tx:
            pair = await reassign_mentor(
                tx,
                pair_id=draft.pair_id,
                new_mentor_id=draft.new_mentor_id or 0,
                reason=reason,
                today=local_today(now, settings.tz),
                now=now,
                max_mentees_per_mentor=settings.max_mentees_per_mentor,
                tz=settings.tz,
                changed_by=me.id,
            )
    except PairError as exc:
        await message.answer(t("pair-not-changed", reason=refusal_text(ctx, exc)))
        await state.clear()
        return
    except LookupError:
        await message.answer(t("pair-not-active"))
        await state.clear()
        return
    await state.clear()
    ctx.told()
    notices = Html(notices_sent(ctx))
    await message.answer(t("pair-reassigned", pair=pair_line(t, pair), notices=notices))


@router.callback_query(PairCard.filter(F.action == "end"))
async def start_end(
    callback: CallbackQuery, callback_data: PairCard, state: FSMContext, ctx: Context
) -> None:
    pair = await load_active_pair(callback, ctx, callback_data.pair_id)
    if pair is None:
        return
    t = ctx.t
    draft = await start_draft(state, EndForm.reason, PairChangeDraft(pair_id=pair.id))
    await shown(callback).answer(
        t("pair-end-step-reason", pair=pair_line(t, pair)),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button(t, draft.form)]]),
    )
    await callback.answer()


@router.message(EndForm.reason, FreeText())
async def end_with_reason(message: Message, state: FSMContext, ctx: Context) -> None:
    reason = await _reason(message, ctx)
    if reason is None:
        return
    t = ctx.t
    draft = await load_draft(state, PairChangeDraft)
    await state.clear()
    try:
        async with ctx.db.transaction() as tx:
            pair = await close_pair(
                tx,
                pair_id=draft.pair_id,
                status=PairStatus.ENDED,
                reason=reason,
                now=ctx.now(),
                tz=ctx.tz,
            )
    except LookupError:
        await message.answer(t("pair-not-active"))
        return
    ctx.told()
    await message.answer(t("pair-ended", pair=pair_line(t, pair)))


@router.callback_query(PairCard.filter(F.action == "complete"))
async def ask_complete(callback: CallbackQuery, callback_data: PairCard, ctx: Context) -> None:
    pair = await load_active_pair(callback, ctx, callback_data.pair_id)
    if pair is None:
        return
    t = ctx.t
    yes = PairCard(pair_id=pair.id, action="confirm").pack()
    back = PairCard(pair_id=pair.id).pack()
    await shown(callback).edit_text(
        t("pair-complete-confirm", pair=pair_line(t, pair)),
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[
                [InlineKeyboardButton(text=t("pair-complete-yes"), callback_data=yes)],
                [InlineKeyboardButton(text=t("button-back"), callback_data=back)],
            ]
        ),
    )
    await callback.answer()


@router.callback_query(PairCard.filter(F.action == "confirm"))
async def complete(callback: CallbackQuery, callback_data: PairCard, ctx: Context) -> None:
    t = ctx.t
    try:
        async with ctx.db.transaction() as tx:
            pair = await close_pair(
                tx,
                pair_id=callback_data.pair_id,
                status=PairStatus.COMPLETED,
                reason=None,
                now=ctx.now(),
                tz=ctx.tz,
            )
    except LookupError:
        await callback.answer(t("pair-not-active"), show_alert=True)
        return
    ctx.told()
    await shown(callback).edit_text(t("pair-completed", pair=pair_line(t, pair)))
    await callback.answer(t("done"))
