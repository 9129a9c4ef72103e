"""Either side calls off (🚫) or moves (🔁) a meeting that is still ahead; the other side is
told. A press on 🔁 move is handled with 🕒 another time in answers.py: both ask for a moment."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery

from bot.context import Context
from bot.domain.meeting_rules import Answer, MeetingError
from bot.domain.meetings import cancel_meeting
from handlers.filters import Member, shown
from handlers.keyboards import MeetingAct
from handlers.meetings.common import press_of, refuse, show_done
from storage.models import Role

router = Router(name=__name__)
router.callback_query.filter(Member(Role.MENTOR, Role.MENTEE))


@router.callback_query(MeetingAct.filter(F.action == Answer.CANCEL))
async def cancel_pressed(callback: CallbackQuery, callback_data: MeetingAct, ctx: Context) -> None:
    try:
        async with ctx.db.transaction() as tx:
            meeting = await cancel_meeting(
                tx,
                meeting_id=callback_data.meeting_id,
                revision=callback_data.rev,
                person_id=ctx.me.id,
                now=ctx.now(),
                tz=ctx.tz,
            )
    except MeetingError as error:
        await refuse(callback, ctx.t, error.refusal, press_of(ctx, callback_data))
        return
    ctx.told()
    await callback.answer()
    await show_done(shown(callback), ctx.t, meeting, ctx.tz)
