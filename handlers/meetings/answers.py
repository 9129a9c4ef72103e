"""The invited side answers a meeting: ✅ confirm, ❌ decline, 🕒 another time (typed, then
sent back the other way). Every press loads the meeting afresh: a forged, foreign, stale or
doubled press changes nothing and says why."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.context import Context
from bot.domain import fields
from bot.domain.fields import FieldError
from bot.domain.meeting_rules import Answer, MeetingError, MeetingRefusal, local_moment
from bot.domain.meetings import answer_meeting, propose_other_time
from bot.i18n import Html
from handlers.filters import FreeText, Member, shown
from handlers.forms import load_draft
from handlers.keyboards import MeetingAct
from handlers.links import LINKS
from handlers.meetings.common import (
    OtherTimeDraft,
    OtherTimeForm,
    ask_other_time,
    describe,
    own_proposal_buttons,
    press_of,
    refusal_text,
    refuse,
    show_done,
)
from storage.models import Role

router = Router(name=__name__)
router.message.filter(Member(Role.MENTOR, Role.MENTEE))
router.callback_query.filter(Member(Role.MENTOR, Role.MENTEE))


@router.callback_query(MeetingAct.filter(F.action.in_({Answer.CONFIRM, Answer.DECLINE})))
async def confirm_or_decline(
    callback: CallbackQuery, callback_data: MeetingAct, ctx: Context
) -> None:
    try:
        async with ctx.db.transaction() as tx:
            meeting = await answer_meeting(
                tx,
                meeting_id=callback_data.meeting_id,
                revision=callback_data.rev,
                person_id=ctx.me.id,
                confirm=callback_data.action == Answer.CONFIRM,
                now=ctx.now(),
                tz=ctx.tz,
                links=LINKS,
            )
    except MeetingError as error:
        await refuse(callback, ctx.t, error.refusal, press_of(ctx, callback_data))
        return
    ctx.told()
    await callback.answer()
    await show_done(shown(callback), ctx.t, meeting, ctx.tz)


# 🕒 another time (the invited side) and 🔁 move (either side, later): both ask for a moment.
@router.callback_query(MeetingAct.filter(F.action.in_({Answer.OTHER_TIME, Answer.MOVE})))
async def other_time_pressed(
    callback: CallbackQuery, callback_data: MeetingAct, state: FSMContext, ctx: Context
) -> None:
    await ask_other_time(callback, shown(callback), state, ctx, callback_data)


@router.message(OtherTimeForm.moment, FreeText())
async def other_time_typed(message: Message, state: FSMContext, ctx: Context) -> None:
    """The new moment of 🕒 another time or 🔁 move: to the other side, to confirm again."""
    words = (message.text or "").split()
    try:
        if len(words) != 2:
            raise FieldError("meet-other-time-invalid")
        day, at = fields.meeting_day(words[0]), fields.meeting_time(words[1])
    except FieldError:
        await message.answer(ctx.t("meet-other-time-invalid"))
        return
    draft = await load_draft(state, OtherTimeDraft)
    try:
        async with ctx.db.transaction() as tx:
            meeting = await propose_other_time(
                tx,
                meeting_id=draft.meeting_id,
                revision=draft.revision,
                person_id=ctx.me.id,
                starts_at=local_moment(day, at, ctx.tz),
                now=ctx.now(),
                tz=ctx.tz,
                links=LINKS,
            )
    except MeetingError as error:
        await message.answer(refusal_text(ctx.t, error.refusal))
        if error.refusal is MeetingRefusal.NOT_NOW:
            await state.clear()
        return
    ctx.told()
    await state.clear()
    await message.answer(
        ctx.t("meet-other-time-sent", meeting=Html(describe(ctx.t, meeting, ctx.tz))),
        reply_markup=own_proposal_buttons(ctx.t, meeting),
    )
