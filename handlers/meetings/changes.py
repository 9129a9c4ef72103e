"""Either side calls off (🚫) or moves (🔁) a meeting that is still ahead; the other side is
told. A press on 🔁 move is handled with 🕒 another time in answers.py: both ask for a moment."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot.config import Settings
from bot.domain.meeting_rules import Answer, MeetingError
from bot.domain.meetings import cancel_meeting
from bot.i18n import I18n, Translator
from handlers.filters import Member
from handlers.keyboards import MeetingAct
from handlers.meetings.common import refuse, show_done
from scheduler.clock import Clock
from scheduler.sender import OutboxSender
from storage.db import Database
from storage.models import Person, Role

router = Router(name=__name__)
router.callback_query.filter(Member(Role.MENTOR, Role.MENTEE))


@router.callback_query(MeetingAct.filter(F.action == Answer.CANCEL))
async def cancel_pressed(
    callback: CallbackQuery,
    callback_data: MeetingAct,
    db: Database,
    settings: Settings,
    clock: Clock,
    sender: OutboxSender,
    i18n: I18n,
    t: Translator,
    person: Person,
) -> None:
    if not isinstance(callback.message, Message):
        await callback.answer(t("stale-button"), show_alert=True)
        return
    try:
        async with db.transaction() as tx:
            meeting = await cancel_meeting(
                tx,
                meeting_id=callback_data.meeting_id,
                revision=callback_data.rev,
                person_id=person.id,
                now=clock.now(),
                tz=settings.tz,
            )
    except MeetingError as error:
        await refuse(callback, t, error.refusal)
        return
    sender.wake()
    await callback.answer()
    await show_done(callback.message, t, meeting, settings.tz)
