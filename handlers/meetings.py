"""Meetings (mentor and mentee): /meet proposes a meeting ahead or logs one that happened,
asking only for what is missing; the other side answers with buttons; "did it happen?" is
answered here too. /journal shows the held meetings of a pair with their hours."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.config import Settings
from bot.domain.bounded import bounded_lines
from bot.domain.dates import parse_date
from bot.domain.meetings import (
    DEFAULT_DURATION,
    MAX_NOTE_LENGTH,
    MAX_TOPIC_LENGTH,
    Answer,
    MeetingError,
    MeetingRefusal,
    add_meeting,
    answer_meeting,
    cancel_meeting,
    check_new_moment,
    describe,
    hours_text,
    is_past,
    load_for_press,
    local_day,
    local_moment,
    markup_json,
    may_propose_time,
    may_report_outcome,
    minutes_per_month,
    parse_duration,
    parse_time,
    propose_other_time,
    record_outcome,
    total_minutes,
)
from bot.i18n import Html, I18n, Translator, as_sentence
from handlers.calendar import CalendarPress, calendar_markup, pressed_date
from handlers.filters import FreeText, Member, MenuButton
from handlers.forms import FORM_KEY, OfCurrentForm, start_form
from handlers.keyboards import Choice, cancel_button, page_slice, pager
from handlers.pair_choice import WhichPair, chosen_pair, pair_choice, pairs_to_choose
from scheduler.clock import Clock
from scheduler.sender import OutboxSender
from storage.db import Database
from storage.models import MeetingFormat, MeetingStatus, Pair, Person, Role

router = Router(name=__name__)
router.message.filter(Member(Role.MENTOR, Role.MENTEE))
router.callback_query.filter(Member(Role.MENTOR, Role.MENTEE))

TIME_BUTTONS = ("09:00", "11:00", "13:00", "15:00")
DURATION_BUTTONS = (45, 60, 90)
JOURNAL_FIELD_CHARS = 300


class MeetingAct(CallbackData, prefix="mt"):
    """A button on a meeting; packed by bot.domain.meetings.button_data as well."""

    meeting_id: int
    rev: int
    action: str  # bot.domain.meetings.Answer


class JournalPage(CallbackData, prefix="jr"):
    pair_id: int
    page: int = 0


class MeetForm(StatesGroup):
    pair = State()
    date = State()
    time = State()
    format = State()
    topic = State()
    duration = State()
    content = State()
    task = State()


class OtherTimeForm(StatesGroup):
    moment = State()


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _refusal_text(t: Translator, refusal: MeetingRefusal) -> str:
    if refusal is MeetingRefusal.NOT_NOW:
        return t("stale-button")
    return t("meet-refused", reason=Html(t(refusal.value)))


def _choices(
    t: Translator, form: int, step: str, options: list[tuple[str, str]]
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for label, value in options:
        builder.button(text=label, callback_data=Choice(step=step, value=value, form=form).pack())
    builder.adjust(2)
    builder.row(cancel_button(t, form))
    return builder.as_markup()


# --- the form: asks only for what is missing -------------------------------------------------


async def _pair_of_form(db: Database, person: Person, data: dict[str, Any]) -> Pair | None:
    return await chosen_pair(db, person, int(data.get("pair_id", 0)))


def _moment(data: dict[str, Any], settings: Settings) -> datetime | None:
    if not data.get("day") or not data.get("at"):
        return None
    at = parse_time(str(data["at"]))
    assert at is not None
    return local_moment(date.fromisoformat(data["day"]), at, settings.tz)


async def _advance(
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
            reply_markup=_choices(t, form, "mt-at", options),
        )
        return
    if not held and not data.get("format"):
        await state.set_state(MeetForm.format)
        options = [(t.plain(f"meet-format-{f.value}"), f.value) for f in MeetingFormat]
        await message.answer(
            t("meet-step-format"), reply_markup=_choices(t, form, "mt-fmt", options)
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
        options = [(t.plain("meet-duration-button", minutes=m), str(m)) for m in DURATION_BUTTONS]
        await message.answer(
            t("meet-step-duration"), reply_markup=_choices(t, form, "mt-dur", options)
        )
        return
    if past and not data.get("content"):
        await state.set_state(MeetForm.content)
        await message.answer(
            t("meet-step-content"),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button(t, form)]]),
        )
        return
    if past and "task" not in data:
        await state.set_state(MeetForm.task)
        await message.answer(
            t("meet-step-task"),
            reply_markup=_choices(t, form, "mt-task", [(t.plain("meet-no-task"), "-")]),
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
                    i18n,
                    meeting_id=int(data["meeting_id"]),
                    revision=int(data["rev"]),
                    person_id=person.id,
                    held=True,
                    now=now,
                    tz=settings.tz,
                    duration_min=int(data["duration"]),
                    content=data.get("content"),
                    task=data.get("task") or None,
                )
            key = "meet-done-held"
        else:
            assert moment is not None
            async with db.transaction() as tx:
                meeting = await add_meeting(
                    tx,
                    i18n,
                    pair=pair,
                    by=person.id,
                    starts_at=moment,
                    format=MeetingFormat(data["format"]),
                    topic=data["topic"],
                    now=now,
                    tz=settings.tz,
                    duration_min=data.get("duration"),
                    content=data.get("content"),
                    task=data.get("task") or None,
                )
            key = "meet-logged" if meeting.logged else "meet-proposed"
    except MeetingError as error:
        await message.answer(_refusal_text(t, error.refusal))
        if error.refusal is MeetingRefusal.NOT_NOW:
            await state.clear()
        return
    sender.wake()
    await state.clear()
    other = pair.mentee_name if pair.mentor_id == person.id else pair.mentor_name
    await message.answer(t(key, other=other, meeting=Html(describe(t, meeting, settings.tz))))


async def _set_day(
    message: Message, state: FSMContext, db: Database, person: Person, t: Translator, day: date
) -> bool:
    pair = await _pair_of_form(db, person, await state.get_data())
    if pair is None:
        await state.clear()
        await message.answer(t("stale-button"))
        return False
    if not pair.start <= day <= pair.end:
        await message.answer(_refusal_text(t, MeetingRefusal.OUTSIDE_PERIOD))
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
        await message.answer(_refusal_text(t, refusal))
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
                await state.update_data(topic=_clip(words[2].strip(), MAX_TOPIC_LENGTH))
    if await state.get_state() is not None:
        await _advance(message, state, db, settings, clock, sender, i18n, t, person)


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
        await _advance(callback.message, state, db, settings, clock, sender, i18n, t, person)


@router.callback_query(MeetForm.time, Choice.filter(F.step == "mt-at"), OfCurrentForm())
@router.callback_query(MeetForm.format, Choice.filter(F.step == "mt-fmt"), OfCurrentForm())
@router.callback_query(MeetForm.duration, Choice.filter(F.step == "mt-dur"), OfCurrentForm())
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
    else:
        await callback.answer()
        await state.update_data(task="")
    if taken:
        await callback.message.edit_reply_markup(reply_markup=None)
        await _advance(callback.message, state, db, settings, clock, sender, i18n, t, person)


@router.message(MeetForm.date, FreeText())
@router.message(MeetForm.time, FreeText())
@router.message(MeetForm.topic, FreeText())
@router.message(MeetForm.duration, FreeText())
@router.message(MeetForm.content, FreeText())
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
        field = {MeetForm.topic.state: "topic", MeetForm.content.state: "content"}.get(
            current or "", "task"
        )
        await state.update_data({field: text})
    await _advance(message, state, db, settings, clock, sender, i18n, t, person)


# --- buttons on a meeting: answer, other time, cancel, "did it happen?" -----------------------


@router.callback_query(MeetingAct.filter())
async def meeting_pressed(
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
    now, tz = clock.now(), settings.tz
    mid, rev = callback_data.meeting_id, callback_data.rev
    try:
        action = Answer(callback_data.action)
        if action in (Answer.OTHER_TIME, Answer.MOVE, Answer.HELD, Answer.MOVED):
            async with db.read() as tx:
                meeting, pair = await load_for_press(tx, mid, rev)
            if action in (Answer.OTHER_TIME, Answer.MOVE):
                allowed = may_propose_time(meeting, pair, person.id, now)
            else:
                allowed = may_report_outcome(meeting, pair, person.id, now)
            if not allowed:
                raise MeetingError(MeetingRefusal.NOT_NOW)
            if action in (Answer.OTHER_TIME, Answer.MOVE):
                await start_form(state, OtherTimeForm.moment, meeting_id=mid, revision=rev)
                await callback.answer()
                await callback.message.answer(t("meet-other-time-ask"))
                return
            if action is Answer.HELD:
                form = await start_form(
                    state,
                    MeetForm.duration,
                    pair_id=pair.id,
                    meeting_id=meeting.id,
                    rev=meeting.revision,
                )
                await callback.answer()
                await callback.message.edit_reply_markup(reply_markup=None)
                options = [
                    (t.plain("meet-duration-button", minutes=m), str(m)) for m in DURATION_BUTTONS
                ]
                await callback.message.answer(
                    t("meet-step-duration"), reply_markup=_choices(t, form, "mt-dur", options)
                )
                return
            # Moved: not held at that time; a new meeting of the same kind is proposed.
            async with db.transaction() as tx:
                await record_outcome(
                    tx,
                    i18n,
                    meeting_id=mid,
                    revision=rev,
                    person_id=person.id,
                    held=False,
                    now=now,
                    tz=tz,
                    moved=True,
                )
            sender.wake()
            await start_form(
                state,
                MeetForm.date,
                pair_id=pair.id,
                format=meeting.format.value,
                topic=meeting.topic,
            )
            await callback.answer()
            await callback.message.edit_reply_markup(reply_markup=None)
            await callback.message.answer(t("meet-moved-ask"))
            await _advance(callback.message, state, db, settings, clock, sender, i18n, t, person)
            return
        async with db.transaction() as tx:
            if action in (Answer.CONFIRM, Answer.DECLINE):
                meeting = await answer_meeting(
                    tx,
                    i18n,
                    meeting_id=mid,
                    revision=rev,
                    person_id=person.id,
                    confirm=action is Answer.CONFIRM,
                    now=now,
                    tz=tz,
                )
            elif action is Answer.CANCEL:
                meeting = await cancel_meeting(
                    tx, i18n, meeting_id=mid, revision=rev, person_id=person.id, now=now, tz=tz
                )
            else:
                meeting = await record_outcome(
                    tx,
                    i18n,
                    meeting_id=mid,
                    revision=rev,
                    person_id=person.id,
                    held=False,
                    now=now,
                    tz=tz,
                )
    except (MeetingError, ValueError) as error:
        refusal = error.refusal if isinstance(error, MeetingError) else MeetingRefusal.NOT_NOW
        await callback.answer(as_sentence(t.plain(refusal.value)), show_alert=True)
        return
    sender.wake()
    await callback.answer()
    done = t(f"meet-done-{meeting.status.value}", meeting=Html(describe(t, meeting, tz)))
    markup = None
    if meeting.status is MeetingStatus.CONFIRMED:
        markup = InlineKeyboardMarkup.model_validate_json(
            markup_json(t, meeting, (Answer.MOVE, Answer.CANCEL))
        )
    await callback.message.edit_text(done, reply_markup=markup)


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
                i18n,
                meeting_id=int(data["meeting_id"]),
                revision=int(data["revision"]),
                person_id=person.id,
                starts_at=local_moment(day, at, settings.tz),
                now=clock.now(),
                tz=settings.tz,
            )
    except MeetingError as error:
        await message.answer(_refusal_text(t, error.refusal))
        if error.refusal is MeetingRefusal.NOT_NOW:
            await state.clear()
        return
    sender.wake()
    await state.clear()
    await message.answer(t("meet-other-time-sent", meeting=Html(describe(t, meeting, settings.tz))))


# --- /journal --------------------------------------------------------------------------------


async def journal_page(
    db: Database, t: Translator, settings: Settings, pair: Pair, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The pair's held meetings (the college journal's columns), hours in total and per
    month, one page of entries, bounded to one message."""
    async with db.read() as tx:
        held = await tx.meetings.held_of_pair(pair.id)
    head = t(
        "journal-head",
        mentor=pair.mentor_name,
        mentee=pair.mentee_name,
        count=Html(t("meetings-count", count=len(held))),
        hours=hours_text(t, total_minutes(held)),
    )
    if not held:
        return head + "\n\n" + t("journal-empty"), None
    months = [
        t(
            "journal-month",
            month=t.plain(f"month-{month}"),
            year=str(year),
            hours=hours_text(t, minutes),
        )
        for (year, month), minutes in minutes_per_month(held, settings.tz).items()
    ]
    head = bounded_lines(months, lambda n: t("journal-more", count=n), head=head, budget=1500)
    shown, page = page_slice(held, page)
    entries = []
    for meeting in shown:
        entries.append(
            t(
                "journal-entry",
                date=t.date(local_day(meeting.starts_at, settings.tz)),
                format=t.plain(f"meet-format-{meeting.format.value}"),
                topic=_clip(meeting.topic, JOURNAL_FIELD_CHARS),
                content=_clip(meeting.content or "—", JOURNAL_FIELD_CHARS),
                result=_clip(meeting.result or "—", JOURNAL_FIELD_CHARS),
                task=_clip(meeting.task or "—", JOURNAL_FIELD_CHARS),
            )
        )
    text = bounded_lines(entries, lambda n: t("journal-more", count=n), head=head, sep="\n\n")
    builder = InlineKeyboardBuilder()
    pager(builder, t, page, len(held), lambda n: JournalPage(pair_id=pair.id, page=n).pack())
    pages = builder.as_markup()
    return text, pages if pages.inline_keyboard else None


@router.message(Command("journal"))
@router.message(MenuButton("menu-journal"))
async def journal_command(
    message: Message, db: Database, settings: Settings, t: Translator, person: Person
) -> None:
    pairs = await pairs_to_choose(db, person)
    if not pairs:
        await message.answer(t("pair-choice-no-pair"))
        return
    if len(pairs) > 1:
        await message.answer(
            t("journal-choose-pair"), reply_markup=pair_choice(t, pairs, person, "journal")
        )
        return
    text, markup = await journal_page(db, t, settings, pairs[0], 0)
    await message.answer(text, reply_markup=markup)


@router.callback_query(WhichPair.filter(F.purpose == "journal"))
@router.callback_query(JournalPage.filter())
async def journal_pressed(
    callback: CallbackQuery,
    callback_data: WhichPair | JournalPage,
    db: Database,
    settings: Settings,
    t: Translator,
    person: Person,
) -> None:
    if not isinstance(callback.message, Message):
        return
    if isinstance(callback_data, WhichPair) and callback_data.pair_id == 0:
        pairs = await pairs_to_choose(db, person)
        choice = pair_choice(t, pairs, person, "journal", page=callback_data.page)
        await callback.message.edit_reply_markup(reply_markup=choice)
        await callback.answer()
        return
    pair = await chosen_pair(db, person, callback_data.pair_id)
    if pair is None:
        await callback.answer(t("stale-button"), show_alert=True)
        return
    page = callback_data.page if isinstance(callback_data, JournalPage) else 0
    text, markup = await journal_page(db, t, settings, pair, page)
    await callback.answer()
    if isinstance(callback_data, WhichPair):
        await callback.message.answer(text, reply_markup=markup)
    else:
        await callback.message.edit_text(text, reply_markup=markup)
