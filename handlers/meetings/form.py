"""The /meet form (mentor and mentee): a future moment proposes a meeting, a past one logs a
meeting that happened; the quick form `/meet DD.MM.YYYY HH:MM topic` skips what it gives and
the form asks only for what is missing. The details of a held meeting ("did it happen?" →
held) are asked by the same form."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.config import Settings
from bot.domain.bounded import clip
from bot.domain.dates import parse_date
from bot.domain.meeting_rules import (
    DEFAULT_DURATION,
    MAX_NOTE_LENGTH,
    MAX_TOPIC_LENGTH,
    MeetingError,
    MeetingRefusal,
    is_past,
    local_day,
    local_moment,
    parse_duration,
    parse_time,
)
from bot.domain.meetings import add_meeting, check_new_moment, record_outcome
from bot.i18n import Html, I18n, Translator
from handlers.calendar import CalendarPress, calendar_markup, pressed_date
from handlers.filters import FreeText, Member, MenuButton
from handlers.forms import FORM_KEY, OfCurrentForm, start_form
from handlers.keyboards import Choice, WhichPair, cancel_button
from handlers.links import LINKS
from handlers.meetings.common import (
    TIME_BUTTONS,
    MeetForm,
    choices,
    describe,
    duration_choices,
    own_proposal_buttons,
    refusal_text,
)
from handlers.pair_choice import chosen_pair, pair_choice, pairs_to_choose
from scheduler.clock import Clock
from scheduler.sender import OutboxSender
from storage.db import Database
from storage.models import MeetingFormat, Pair, Person, Role

router = Router(name=__name__)
router.message.filter(Member(Role.MENTOR, Role.MENTEE))
router.callback_query.filter(Member(Role.MENTOR, Role.MENTEE))


# --- the form: asks only for what is missing -------------------------------------------------


async def _pair_of_form(db: Database, person: Person, data: dict[str, Any]) -> Pair | None:
    return await chosen_pair(db, person, int(data.get("pair_id", 0)))


def _moment(data: dict[str, Any], settings: Settings) -> datetime | None:
    if not data.get("day") or not data.get("at"):
        return None
    at = parse_time(str(data["at"]))
    assert at is not None
    return local_moment(date.fromisoformat(data["day"]), at, settings.tz)


async def advance(
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
    """Ask for the first thing the form still lacks, or save the meeting when nothing is."""
    data = await state.get_data()
    form = int(data[FORM_KEY])
    held = bool(data.get("meeting_id"))  # "did it happen?" answered: only the details
    if not held and not data.get("day"):
        await state.set_state(MeetForm.date)
        today = local_day(clock.now(), settings.tz)
        await message.answer(
            t("meet-step-date"),
            reply_markup=calendar_markup(t, "meet", form, today.year, today.month),
        )
        return
    if not held and not data.get("at"):
        await state.set_state(MeetForm.time)
        options = [
            (t.plain("meet-button-time", time=at), at.replace(":", "")) for at in TIME_BUTTONS
        ]
        await message.answer(
            t("meet-step-time", date=t.date(date.fromisoformat(data["day"]))),
            reply_markup=choices(t, form, "mt-at", options),
        )
        return
    if not held and not data.get("format"):
        await state.set_state(MeetForm.format)
        options = [(t.plain(f"meet-format-{f.value}"), f.value) for f in MeetingFormat]
        await message.answer(
            t("meet-step-format"), reply_markup=choices(t, form, "mt-fmt", options)
        )
        return
    if not held and not data.get("topic"):
        await state.set_state(MeetForm.topic)
        await message.answer(
            t("meet-step-topic"),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button(t, form)]]),
        )
        return
    moment = None if held else _moment(data, settings)
    past = held or (moment is not None and is_past(moment, clock.now()))
    if past and not data.get("duration"):
        await state.set_state(MeetForm.duration)
        await message.answer(t("meet-step-duration"), reply_markup=duration_choices(t, form))
        return
    if past and not data.get("content"):
        await state.set_state(MeetForm.content)
        await message.answer(
            t("meet-step-content"),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button(t, form)]]),
        )
        return
    if past and "result" not in data:
        await state.set_state(MeetForm.result)
        await message.answer(
            t("meet-step-result"),
            reply_markup=choices(t, form, "mt-res", [(t.plain("meet-skip-result"), "-")]),
        )
        return
    if past and "task" not in data:
        await state.set_state(MeetForm.task)
        await message.answer(
            t("meet-step-task"),
            reply_markup=choices(t, form, "mt-task", [(t.plain("meet-no-task"), "-")]),
        )
        return
    await _save(message, state, db, settings, clock, sender, i18n, t, person, data, moment)


async def _save(
    message: Message,
    state: FSMContext,
    db: Database,
    settings: Settings,
    clock: Clock,
    sender: OutboxSender,
    i18n: I18n,
    t: Translator,
    person: Person,
    data: dict[str, Any],
    moment: datetime | None,
) -> None:
    pair = await _pair_of_form(db, person, data)
    if pair is None:
        await state.clear()
        await message.answer(t("stale-button"))
        return
    now = clock.now()
    try:
        if data.get("meeting_id"):  # "did it happen?" answered: held, with the details
            async with db.transaction() as tx:
                meeting = await record_outcome(
                    tx,
                    meeting_id=int(data["meeting_id"]),
                    revision=int(data["rev"]),
                    person_id=person.id,
                    held=True,
                    now=now,
                    tz=settings.tz,
                    duration_min=int(data["duration"]),
                    content=data.get("content"),
                    result=data.get("result") or None,
                    task=data.get("task") or None,
                )
            key = "meet-done-held"
        else:
            assert moment is not None
            async with db.transaction() as tx:
                meeting = await add_meeting(
                    tx,
                    pair=pair,
                    by=person.id,
                    starts_at=moment,
                    format=MeetingFormat(data["format"]),
                    topic=data["topic"],
                    now=now,
                    tz=settings.tz,
                    links=LINKS,
                    duration_min=data.get("duration"),
                    content=data.get("content"),
                    result=data.get("result") or None,
                    task=data.get("task") or None,
                )
            key = "meet-logged" if meeting.logged else "meet-proposed"
    except MeetingError as error:
        await message.answer(refusal_text(t, error.refusal))
        if error.refusal is MeetingRefusal.NOT_NOW:
            await state.clear()
        return
    sender.wake()
    await state.clear()
    other = pair.mentee_name if pair.mentor_id == person.id else pair.mentor_name
    await message.answer(
        t(key, other=other, meeting=Html(describe(t, meeting, settings.tz))),
        reply_markup=own_proposal_buttons(t, meeting),
    )


async def _set_day(
    message: Message, state: FSMContext, db: Database, person: Person, t: Translator, day: date
) -> bool:
    pair = await _pair_of_form(db, person, await state.get_data())
    if pair is None:
        await state.clear()
        await message.answer(t("stale-button"))
        return False
    if not pair.start <= day <= pair.end:
        await message.answer(refusal_text(t, MeetingRefusal.OUTSIDE_PERIOD))
        return False
    await state.update_data(day=day.isoformat())
    return True


async def _set_time(
    message: Message,
    state: FSMContext,
    db: Database,
    settings: Settings,
    clock: Clock,
    person: Person,
    t: Translator,
    at: str,
) -> bool:
    """Take a time if the moment is clear of both people's meetings (and within the period)."""
    data = await state.get_data()
    pair = await _pair_of_form(db, person, data)
    if pair is None:
        await state.clear()
        await message.answer(t("stale-button"))
        return False
    moment = _moment({**data, "at": at}, settings)
    assert moment is not None
    async with db.read() as tx:
        refusal = await check_new_moment(
            tx, pair, moment, DEFAULT_DURATION, now=clock.now(), tz=settings.tz, future=False
        )
    if refusal is not None:
        await message.answer(refusal_text(t, refusal))
        return False
    await state.update_data(at=at)
    return True


@router.message(Command("meet"))
@router.message(MenuButton("menu-meet"))
async def meet_command(
    message: Message,
    state: FSMContext,
    db: Database,
    settings: Settings,
    clock: Clock,
    sender: OutboxSender,
    i18n: I18n,
    t: Translator,
    person: Person,
    command: CommandObject | None = None,  # None from the menu button
) -> None:
    pairs = await pairs_to_choose(db, person)
    if not pairs:
        await message.answer(t("pair-choice-no-pair"))
        return
    args = (command.args or "") if command is not None else ""
    form = await start_form(state, MeetForm.pair, args=args)
    if len(pairs) > 1:
        await message.answer(
            t("meet-choose-pair"), reply_markup=pair_choice(t, pairs, person, "meet", form=form)
        )
        return
    await state.update_data(pair_id=pairs[0].id)
    await _take_quick_args(message, state, db, settings, clock, sender, i18n, t, person)


async def _take_quick_args(
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
    """`/meet DD.MM.YYYY HH:MM topic`: take what it gives, then ask for the rest."""
    words = str((await state.get_data()).get("args", "")).split(maxsplit=2)
    await state.update_data(args="")
    if words:
        day = parse_date(words[0])
        if day is None:
            await message.answer(t("meet-date-invalid"))
        elif await _set_day(message, state, db, person, t, day) and len(words) > 1:
            at = parse_time(words[1])
            if at is None:
                await message.answer(t("meet-time-invalid"))
            elif (
                await _set_time(
                    message, state, db, settings, clock, person, t, at.strftime("%H:%M")
                )
                and len(words) > 2
            ):
                await state.update_data(topic=clip(words[2].strip(), MAX_TOPIC_LENGTH))
    if await state.get_state() is not None:
        await advance(message, state, db, settings, clock, sender, i18n, t, person)


@router.callback_query(MeetForm.pair, WhichPair.filter(F.purpose == "meet"), OfCurrentForm())
async def meet_pair_chosen(
    callback: CallbackQuery,
    callback_data: WhichPair,
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
        return
    if callback_data.pair_id == 0:
        pairs = await pairs_to_choose(db, person)
        markup = pair_choice(
            t, pairs, person, "meet", page=callback_data.page, form=callback_data.form
        )
        await callback.message.edit_reply_markup(reply_markup=markup)
        await callback.answer()
        return
    if await chosen_pair(db, person, callback_data.pair_id) is None:
        await callback.answer(t("stale-button"), show_alert=True)
        return
    await state.update_data(pair_id=callback_data.pair_id)
    await callback.message.edit_reply_markup(reply_markup=None)
    await callback.answer()
    await _take_quick_args(callback.message, state, db, settings, clock, sender, i18n, t, person)


@router.callback_query(
    MeetForm.date, CalendarPress.filter((F.purpose == "meet") & (F.day > 0)), OfCurrentForm()
)
async def meet_day_pressed(
    callback: CallbackQuery,
    callback_data: CalendarPress,
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
        return
    day = pressed_date(callback_data)
    if day is None:
        await callback.answer(t("stale-button"), show_alert=True)
        return
    await callback.answer()
    if await _set_day(callback.message, state, db, person, t, day):
        await callback.message.edit_reply_markup(reply_markup=None)
        await advance(callback.message, state, db, settings, clock, sender, i18n, t, person)


@router.callback_query(MeetForm.time, Choice.filter(F.step == "mt-at"), OfCurrentForm())
@router.callback_query(MeetForm.format, Choice.filter(F.step == "mt-fmt"), OfCurrentForm())
@router.callback_query(MeetForm.duration, Choice.filter(F.step == "mt-dur"), OfCurrentForm())
@router.callback_query(MeetForm.result, Choice.filter(F.step == "mt-res"), OfCurrentForm())
@router.callback_query(MeetForm.task, Choice.filter(F.step == "mt-task"), OfCurrentForm())
async def meet_choice_pressed(
    callback: CallbackQuery,
    callback_data: Choice,
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
        return
    step, value = callback_data.step, callback_data.value
    taken = True
    if step == "mt-at":
        at = parse_time(value[:2] + ":" + value[2:]) if len(value) == 4 else None
        if at is None:
            await callback.answer(t("stale-button"), show_alert=True)
            return
        await callback.answer()
        taken = await _set_time(
            callback.message, state, db, settings, clock, person, t, at.strftime("%H:%M")
        )
    elif step == "mt-fmt":
        if value not in {f.value for f in MeetingFormat}:
            await callback.answer(t("stale-button"), show_alert=True)
            return
        await callback.answer()
        await state.update_data(format=value)
    elif step == "mt-dur":
        minutes = parse_duration(value)
        if minutes is None:
            await callback.answer(t("stale-button"), show_alert=True)
            return
        await callback.answer()
        await state.update_data(duration=minutes)
    else:  # "skip" of an optional field: the result or the task
        await callback.answer()
        await state.update_data({"result" if step == "mt-res" else "task": ""})
    if taken:
        await callback.message.edit_reply_markup(reply_markup=None)
        await advance(callback.message, state, db, settings, clock, sender, i18n, t, person)


@router.message(MeetForm.date, FreeText())
@router.message(MeetForm.time, FreeText())
@router.message(MeetForm.topic, FreeText())
@router.message(MeetForm.duration, FreeText())
@router.message(MeetForm.content, FreeText())
@router.message(MeetForm.result, FreeText())
@router.message(MeetForm.task, FreeText())
async def meet_text(
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
    text = (message.text or "").strip()
    current = await state.get_state()
    if current == MeetForm.date.state:
        day = parse_date(text)
        if day is None:
            await message.answer(t("meet-date-invalid"))
            return
        if not await _set_day(message, state, db, person, t, day):
            return
    elif current == MeetForm.time.state:
        at = parse_time(text)
        if at is None:
            await message.answer(t("meet-time-invalid"))
            return
        if not await _set_time(
            message, state, db, settings, clock, person, t, at.strftime("%H:%M")
        ):
            return
    elif current == MeetForm.duration.state:
        minutes = parse_duration(text)
        if minutes is None:
            await message.answer(t("meet-duration-invalid"))
            return
        await state.update_data(duration=minutes)
    else:
        limit = MAX_TOPIC_LENGTH if current == MeetForm.topic.state else MAX_NOTE_LENGTH
        if not text or len(text) > limit:
            await message.answer(t("meet-text-empty", max=limit))
            return
        field = {
            MeetForm.topic.state: "topic",
            MeetForm.content.state: "content",
            MeetForm.result.state: "result",
        }.get(current or "", "task")
        await state.update_data({field: text})
    await advance(message, state, db, settings, clock, sender, i18n, t, person)
