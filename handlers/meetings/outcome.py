""" "Did it happen?" (asked by the scheduler after a confirmed meeting's time): ✅ held asks for
the details with the /meet form, ❌ not held is recorded, 🔁 moved records not held and opens
the form for a new meeting of the same kind and topic. The first answer of the two counts."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.config import Settings
from bot.domain.meeting_rules import Answer, MeetingError, MeetingRefusal, may_report_outcome
from bot.domain.meetings import load_for_press, record_outcome
from bot.i18n import I18n, Translator
from handlers.filters import Member
from handlers.forms import start_form
from handlers.keyboards import MeetingAct
from handlers.meetings.common import MeetForm, duration_choices, refuse, show_done
from handlers.meetings.form import advance
from scheduler.clock import Clock
from scheduler.sender import OutboxSender
from storage.db import Database
from storage.models import Person, Role

router = Router(name=__name__)
router.callback_query.filter(Member(Role.MENTOR, Role.MENTEE))


@router.callback_query(MeetingAct.filter(F.action.in_({Answer.HELD, Answer.MOVED})))
async def held_or_moved(
    callback: CallbackQuery,
    callback_data: MeetingAct,
    state: FSMContext,
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
    now, mid, rev = clock.now(), callback_data.meeting_id, callback_data.rev
    try:
        async with db.read() as tx:
            meeting, pair = await load_for_press(tx, mid, rev)
        if not may_report_outcome(meeting, pair, person.id, now):
            raise MeetingError(MeetingRefusal.NOT_NOW)
        if callback_data.action == Answer.HELD:
            form = await start_form(
                state,
                MeetForm.duration,
                pair_id=pair.id,
                meeting_id=meeting.id,
                rev=meeting.revision,
            )
            await callback.answer()
            await callback.message.edit_reply_markup(reply_markup=None)
            await callback.message.answer(
                t("meet-step-duration"), reply_markup=duration_choices(t, form)
            )
            return
        # Moved: not held at that time; a new meeting of the same kind is proposed.
        async with db.transaction() as tx:
            await record_outcome(
                tx,
                meeting_id=mid,
                revision=rev,
                person_id=person.id,
                held=False,
                now=now,
                tz=settings.tz,
                moved=True,
            )
    except MeetingError as error:
        await refuse(callback, t, error.refusal)
        return
    sender.wake()
    await start_form(
        state, MeetForm.date, pair_id=pair.id, format=meeting.format.value, topic=meeting.topic
    )
    await callback.answer()
    await callback.message.edit_reply_markup(reply_markup=None)
    await callback.message.answer(t("meet-moved-ask"))
    await advance(callback.message, state, db, settings, clock, sender, i18n, t, person)


@router.callback_query(MeetingAct.filter(F.action == Answer.NOT_HELD))
async def not_held(
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
            meeting = await record_outcome(
                tx,
                meeting_id=callback_data.meeting_id,
                revision=callback_data.rev,
                person_id=person.id,
                held=False,
                now=clock.now(),
                tz=settings.tz,
            )
    except MeetingError as error:
        await refuse(callback, t, error.refusal)
        return
    sender.wake()
    await callback.answer()
    await show_done(callback.message, t, meeting, settings.tz)
