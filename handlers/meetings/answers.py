"""The invited side answers a meeting: ✅ confirm, ❌ decline, 🕒 another time (typed, then
sent back the other way). Every press loads the meeting afresh: a forged, foreign, stale or
doubled press changes nothing and says why."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.config import Settings
from bot.domain.dates import parse_date
from bot.domain.meeting_rules import Answer, MeetingError, MeetingRefusal, local_moment, parse_time
from bot.domain.meetings import answer_meeting, propose_other_time
from bot.i18n import Html, I18n, Translator
from handlers.filters import FreeText, Member
from handlers.keyboards import MeetingAct
from handlers.links import LINKS
from handlers.meetings.common import (
    OtherTimeForm,
    ask_other_time,
    describe,
    own_proposal_buttons,
    refusal_text,
    refuse,
    show_done,
)
from scheduler.clock import Clock
from scheduler.sender import OutboxSender
from storage.db import Database
from storage.models import Person, Role

router = Router(name=__name__)
router.message.filter(Member(Role.MENTOR, Role.MENTEE))
router.callback_query.filter(Member(Role.MENTOR, Role.MENTEE))


@router.callback_query(MeetingAct.filter(F.action.in_({Answer.CONFIRM, Answer.DECLINE})))
async def confirm_or_decline(
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
            meeting = await answer_meeting(
                tx,
                meeting_id=callback_data.meeting_id,
                revision=callback_data.rev,
                person_id=person.id,
                confirm=callback_data.action == Answer.CONFIRM,
                now=clock.now(),
                tz=settings.tz,
                links=LINKS,
            )
    except MeetingError as error:
        await refuse(callback, t, error.refusal)
        return
    sender.wake()
    await callback.answer()
    await show_done(callback.message, t, meeting, settings.tz)


# 🕒 another time (the invited side) and 🔁 move (either side, later): both ask for a moment.
@router.callback_query(MeetingAct.filter(F.action.in_({Answer.OTHER_TIME, Answer.MOVE})))
async def other_time_pressed(
    callback: CallbackQuery,
    callback_data: MeetingAct,
    state: FSMContext,
    db: Database,
    clock: Clock,
    t: Translator,
    person: Person,
) -> None:
    if not isinstance(callback.message, Message):
        await callback.answer(t("stale-button"), show_alert=True)
        return
    await ask_other_time(
        callback, callback.message, state, db, t, person, callback_data, clock.now()
    )


@router.message(OtherTimeForm.moment, FreeText())
async def other_time_typed(
    message: Message,
    state: FSMContext,
    db: Database,
    settings: Settings,
    clock: Clock,
    sender: OutboxSender,
    i18n: I18n,
    t: Translator,
    person: Person,
) -> None:
    """The new moment of 🕒 another time or 🔁 move: to the other side, to confirm again."""
    words = (message.text or "").split()
    day = parse_date(words[0]) if len(words) == 2 else None
    at = parse_time(words[1]) if day is not None else None
    if day is None or at is None:
        await message.answer(t("meet-other-time-invalid"))
        return
    data = await state.get_data()
    try:
        async with db.transaction() as tx:
            meeting = await propose_other_time(
                tx,
                meeting_id=int(data["meeting_id"]),
                revision=int(data["revision"]),
                person_id=person.id,
                starts_at=local_moment(day, at, settings.tz),
                now=clock.now(),
                tz=settings.tz,
                links=LINKS,
            )
    except MeetingError as error:
        await message.answer(refusal_text(t, error.refusal))
        if error.refusal is MeetingRefusal.NOT_NOW:
            await state.clear()
        return
    sender.wake()
    await state.clear()
    await message.answer(
        t("meet-other-time-sent", meeting=Html(describe(t, meeting, settings.tz))),
        reply_markup=own_proposal_buttons(t, meeting),
    )
