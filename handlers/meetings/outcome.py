""" "Did it happen?" (asked by the scheduler after a confirmed meeting's time): ✅ held asks for
the details with the /meet form, ❌ not held is recorded, 🔁 moved records not held and opens
the form for a new meeting of the same kind and topic. The first answer of the two counts."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery

from bot.context import Context
from bot.domain.meeting_rules import Answer, MeetingError, MeetingRefusal, may_report_outcome
from bot.domain.meetings import load_for_press, record_outcome
from handlers.filters import Member, shown
from handlers.forms import start_draft
from handlers.keyboards import MeetingAct
from handlers.meetings.common import (
    MeetDraft,
    MeetForm,
    drop_meeting_buttons,
    press_of,
    refuse,
    show_done,
)
from handlers.meetings.form import advance
from storage.models import Role

router = Router(name=__name__)
router.callback_query.filter(Member(Role.MENTOR, Role.MENTEE))


@router.callback_query(MeetingAct.filter(F.action.in_({Answer.HELD, Answer.MOVED})))
async def held_or_moved(
    callback: CallbackQuery, callback_data: MeetingAct, state: FSMContext, ctx: Context
) -> None:
    message = shown(callback)
    now, mid, rev = ctx.now(), callback_data.meeting_id, callback_data.rev
    try:
        async with ctx.db.read() as tx:
            meeting, pair = await load_for_press(tx, mid, rev)
        if not may_report_outcome(meeting, pair, ctx.me.id, now):
            raise MeetingError(MeetingRefusal.NOT_NOW)
        if callback_data.action == Answer.HELD:
            # The details of the meeting that happened: the form asks only for those.
            held = MeetDraft(pair_id=pair.id, meeting_id=meeting.id, rev=meeting.revision)
            await start_draft(state, MeetForm.duration, held)
            await callback.answer()
            await drop_meeting_buttons(message, meeting.id)
            await advance(message, state, ctx)
            return
        # Moved: not held at that time; a new meeting of the same kind is proposed.
        async with ctx.db.transaction() as tx:
            await record_outcome(
                tx,
                meeting_id=mid,
                revision=rev,
                person_id=ctx.me.id,
                held=False,
                now=now,
                tz=ctx.tz,
                moved=True,
            )
    except MeetingError as error:
        await refuse(callback, ctx.t, error.refusal, press_of(ctx, callback_data))
        return
    ctx.told()
    await start_draft(state, MeetForm.date, MeetDraft.again(meeting))
    await callback.answer()
    await drop_meeting_buttons(message, meeting.id)
    await message.answer(ctx.t("meet-moved-ask"))
    await advance(message, state, ctx)


@router.callback_query(MeetingAct.filter(F.action == Answer.NOT_HELD))
async def not_held(callback: CallbackQuery, callback_data: MeetingAct, ctx: Context) -> None:
    try:
        async with ctx.db.transaction() as tx:
            meeting = await record_outcome(
                tx,
                meeting_id=callback_data.meeting_id,
                revision=callback_data.rev,
                person_id=ctx.me.id,
                held=False,
                now=ctx.now(),
                tz=ctx.tz,
            )
    except MeetingError as error:
        await refuse(callback, ctx.t, error.refusal, press_of(ctx, callback_data))
        return
    ctx.told()
    await callback.answer()
    await show_done(shown(callback), ctx.t, meeting, ctx.tz)
