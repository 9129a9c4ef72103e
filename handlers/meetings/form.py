"""The /meet form (mentor and mentee): a future moment proposes a meeting, a past one logs a
meeting that happened; the quick form `/meet DD.MM.YYYY HH:MM topic` takes what it gives and
the form asks only for what is missing. The details of a held meeting ("did it happen?" →
held) are asked by the same form.

The form is a typed draft (MeetDraft) and a table of steps (STEPS): each step fills one field
of the draft, with its prompt, its parser (bot/domain/fields.py: the one the quick form uses
too), whether it is asked, and the checks a value must pass. A new field is one row and its
parser."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.context import Context
from bot.domain import fields
from bot.domain.fields import FieldError
from bot.domain.meeting_rules import DEFAULT_DURATION, MeetingError, MeetingRefusal, is_past
from bot.domain.meetings import add_meeting, check_new_moment, record_outcome
from bot.i18n import Html
from handlers.calendar import CalendarPress, calendar_markup, pressed_date
from handlers.filters import FreeText, Member, MenuButton, shown
from handlers.forms import OfCurrentForm, load_draft, save_draft, start_draft
from handlers.keyboards import Choice, WhichPair, cancel_button
from handlers.links import LINKS
from handlers.meetings.common import (
    TIME_BUTTONS,
    MeetDraft,
    MeetForm,
    choices,
    describe,
    duration_choices,
    own_proposal_buttons,
    refusal_text,
)
from handlers.pair_choice import chosen_pair, pair_choice, pairs_to_choose
from storage.models import MeetingFormat, Pair, Role

router = Router(name=__name__)
router.message.filter(Member(Role.MENTOR, Role.MENTEE))
router.callback_query.filter(Member(Role.MENTOR, Role.MENTEE))

Prompt = tuple[str, InlineKeyboardMarkup | None]


# --- the steps ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    state: State
    field: str  # the draft's field this step fills
    prompt: Callable[[Context, MeetDraft], Prompt]
    parse: Callable[[str], object]  # what is typed (or a button's value) → the field's value
    asked: Callable[[MeetDraft, bool], bool]  # (the draft, whether the meeting is past)
    # Further checks of a value against the pair and the other meetings: a refusal's text.
    check: Callable[[Context, MeetDraft, object], Awaitable[str | None]] | None = None
    skip: str | None = None  # an optional field: the catalog key of its «skip» button


def _cancel_only(ctx: Context, draft: MeetDraft) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[cancel_button(ctx.t, draft.form)]])


def _ask_date(ctx: Context, draft: MeetDraft) -> Prompt:
    today = ctx.today()
    return ctx.t("meet-step-date"), calendar_markup(
        ctx.t, "meet", draft.form, today.year, today.month
    )


def _ask_time(ctx: Context, draft: MeetDraft) -> Prompt:
    assert draft.day is not None
    t = ctx.t
    options = [(t.plain("meet-button-time", time=at), at.replace(":", "")) for at in TIME_BUTTONS]
    return t("meet-step-time", date=t.date(draft.day)), choices(t, draft.form, "mt-at", options)


def _ask_format(ctx: Context, draft: MeetDraft) -> Prompt:
    options = [(ctx.t.plain(f"meet-format-{f.value}"), f.value) for f in MeetingFormat]
    return ctx.t("meet-step-format"), choices(ctx.t, draft.form, "mt-fmt", options)


def _ask_text(key: str) -> Callable[[Context, MeetDraft], Prompt]:
    return lambda ctx, draft: (ctx.t(key), _cancel_only(ctx, draft))


def _ask_duration(ctx: Context, draft: MeetDraft) -> Prompt:
    return ctx.t("meet-step-duration"), duration_choices(ctx.t, draft.form)


def _ask_optional(key: str, step: str, skip: str) -> Callable[[Context, MeetDraft], Prompt]:
    return lambda ctx, draft: (
        ctx.t(key),
        choices(ctx.t, draft.form, step, [(ctx.t.plain(skip), "-")]),
    )


def _format(value: str) -> MeetingFormat:
    try:
        return MeetingFormat(value)
    except ValueError as exc:
        raise FieldError("stale-button") from exc


async def _within_period(ctx: Context, draft: MeetDraft, value: object) -> str | None:
    pair = await _pair_of(ctx, draft)
    if pair is None:
        return ctx.t("stale-button")
    if not pair.start <= value <= pair.end:  # type: ignore[operator]
        return refusal_text(ctx.t, MeetingRefusal.OUTSIDE_PERIOD)
    return None


async def _clear_of_others(ctx: Context, draft: MeetDraft, value: object) -> str | None:
    """The moment is clear of both people's meetings (and within the pair's period)."""
    pair = await _pair_of(ctx, draft)
    moment = draft.model_copy(update={"at": value}).moment(ctx.tz)
    if pair is None or moment is None:
        return ctx.t("stale-button")
    async with ctx.db.read() as tx:
        refusal = await check_new_moment(
            tx, pair, moment, DEFAULT_DURATION, now=ctx.now(), tz=ctx.tz, future=False
        )
    return refusal_text(ctx.t, refusal) if refusal is not None else None


def _ahead_or_logged(draft: MeetDraft, past: bool) -> bool:
    return not draft.held  # the details of a held meeting need no new moment


def _happened(draft: MeetDraft, past: bool) -> bool:
    return past


_ahead, _past = _ahead_or_logged, _happened
STEPS = (  # state, the draft's field, prompt, parser, asked when, checks (and an optional skip)
    Step(MeetForm.date, "day", _ask_date, fields.meeting_day, _ahead, _within_period),
    Step(MeetForm.time, "at", _ask_time, fields.meeting_time, _ahead, _clear_of_others),
    Step(MeetForm.format, "format", _ask_format, _format, _ahead),
    Step(MeetForm.topic, "topic", _ask_text("meet-step-topic"), fields.meeting_topic, _ahead),
    Step(MeetForm.duration, "duration", _ask_duration, fields.duration, _past),
    Step(MeetForm.content, "content", _ask_text("meet-step-content"), fields.meeting_note, _past),
    Step(
        MeetForm.result,
        "result",
        _ask_optional("meet-step-result", "mt-res", "meet-skip-result"),
        fields.meeting_note,
        _past,
        skip="meet-skip-result",
    ),
    Step(
        MeetForm.task,
        "task",
        _ask_optional("meet-step-task", "mt-task", "meet-no-task"),
        fields.meeting_note,
        _past,
        skip="meet-no-task",
    ),
)
STEP_OF = {step.state.state: step for step in STEPS}
BUTTON_STEPS = {"mt-at": "at", "mt-fmt": "format", "mt-dur": "duration", "mt-res": "result",
                "mt-task": "task"}  # fmt: skip
STEP_BY_FIELD = {step.field: step for step in STEPS}


# --- filling the draft ---------------------------------------------------------------------------


async def _pair_of(ctx: Context, draft: MeetDraft) -> Pair | None:
    return await chosen_pair(ctx.db, ctx.me, draft.pair_id)


async def _take(
    message: Message, state: FSMContext, ctx: Context, step: Step, typed: str
) -> MeetDraft | None:
    """The step's value from what was typed (or pressed): parsed, checked, put into the draft;
    None, with what is wrong said, when it is refused."""
    draft = await load_draft(state, MeetDraft)
    try:
        value = step.parse(typed)
    except FieldError as error:
        await message.answer(ctx.t(error.key, **error.values))
        return None
    if step.check is not None and (refusal := await step.check(ctx, draft, value)):
        await message.answer(refusal)
        return None
    draft = draft.model_copy(update={step.field: value})
    await save_draft(state, draft)
    return draft


async def advance(message: Message, state: FSMContext, ctx: Context) -> None:
    """Ask for the first thing the form still lacks, or save the meeting when nothing is."""
    draft = await load_draft(state, MeetDraft)
    moment = draft.moment(ctx.tz)
    past = draft.held or (moment is not None and is_past(moment, ctx.now()))
    for step in STEPS:
        if step.asked(draft, past) and getattr(draft, step.field) is None:
            await state.set_state(step.state)
            text, markup = step.prompt(ctx, draft)
            await message.answer(text, reply_markup=markup)
            return
    await _save(message, state, ctx, draft)


async def _save(message: Message, state: FSMContext, ctx: Context, draft: MeetDraft) -> None:
    pair = await _pair_of(ctx, draft)
    if pair is None:
        await state.clear()
        await message.answer(ctx.t("stale-button"))
        return
    try:
        async with ctx.db.transaction() as tx:
            if draft.held:  # "did it happen?" answered: held, with the details
                meeting = await record_outcome(
                    tx,
                    meeting_id=draft.meeting_id,
                    revision=draft.rev,
                    person_id=ctx.me.id,
                    held=True,
                    now=ctx.now(),
                    tz=ctx.tz,
                    duration_min=draft.duration,
                    content=draft.content,
                    result=draft.result or None,
                    task=draft.task or None,
                )
                key = "meet-done-held"
            else:
                moment = draft.moment(ctx.tz)
                assert moment is not None and draft.format is not None and draft.topic
                meeting = await add_meeting(
                    tx,
                    pair=pair,
                    by=ctx.me.id,
                    starts_at=moment,
                    format=draft.format,
                    topic=draft.topic,
                    now=ctx.now(),
                    tz=ctx.tz,
                    links=LINKS,
                    duration_min=draft.duration,
                    content=draft.content,
                    result=draft.result or None,
                    task=draft.task or None,
                )
                key = "meet-logged" if meeting.logged else "meet-proposed"
    except MeetingError as error:
        await message.answer(refusal_text(ctx.t, error.refusal))
        if error.refusal is MeetingRefusal.NOT_NOW:
            await state.clear()
        return
    ctx.told()
    await state.clear()
    other = pair.other_name(ctx.me.id)
    await message.answer(
        ctx.t(key, other=other, meeting=Html(describe(ctx.t, meeting, ctx.tz))),
        reply_markup=own_proposal_buttons(ctx.t, meeting),
    )


async def _take_quick_args(message: Message, state: FSMContext, ctx: Context) -> None:
    """`/meet DD.MM.YYYY HH:MM topic`: each word read by its step's parser, as if typed at that
    step; the first refused stops there (said), and the form asks for the rest."""
    draft = await load_draft(state, MeetDraft)
    words = draft.args.split(maxsplit=2)
    await save_draft(state, draft.model_copy(update={"args": ""}))
    for field, word in zip(("day", "at", "topic"), words, strict=False):
        if await _take(message, state, ctx, STEP_BY_FIELD[field], word) is None:
            break
    if await state.get_state() is not None:
        await advance(message, state, ctx)


# --- the handlers ------------------------------------------------------------------------------


@router.message(Command("meet"))
@router.message(MenuButton("menu-meet"))
async def meet_command(
    message: Message,
    state: FSMContext,
    ctx: Context,
    command: CommandObject | None = None,  # None from the menu button
) -> None:
    pairs = await pairs_to_choose(ctx.db, ctx.me)
    if not pairs:
        await message.answer(ctx.t("pair-choice-no-pair"))
        return
    args = (command.args or "") if command is not None else ""
    draft = await start_draft(state, MeetForm.pair, MeetDraft(args=args))
    if len(pairs) > 1:
        markup = pair_choice(ctx.t, pairs, ctx.me, "meet", form=draft.form)
        await message.answer(ctx.t("meet-choose-pair"), reply_markup=markup)
        return
    await save_draft(state, draft.model_copy(update={"pair_id": pairs[0].id}))
    await _take_quick_args(message, state, ctx)


@router.callback_query(MeetForm.pair, WhichPair.filter(F.purpose == "meet"), OfCurrentForm())
async def meet_pair_chosen(
    callback: CallbackQuery, callback_data: WhichPair, state: FSMContext, ctx: Context
) -> None:
    message = shown(callback)
    if callback_data.pair_id == 0:
        pairs = await pairs_to_choose(ctx.db, ctx.me)
        markup = pair_choice(
            ctx.t, pairs, ctx.me, "meet", page=callback_data.page, form=callback_data.form
        )
        await message.edit_reply_markup(reply_markup=markup)
        await callback.answer()
        return
    if await chosen_pair(ctx.db, ctx.me, callback_data.pair_id) is None:
        await callback.answer(ctx.t("stale-button"), show_alert=True)
        return
    draft = await load_draft(state, MeetDraft)
    await save_draft(state, draft.model_copy(update={"pair_id": callback_data.pair_id}))
    await message.edit_reply_markup(reply_markup=None)
    await callback.answer()
    await _take_quick_args(message, state, ctx)


@router.callback_query(
    MeetForm.date, CalendarPress.filter((F.purpose == "meet") & (F.day > 0)), OfCurrentForm()
)
async def meet_day_pressed(
    callback: CallbackQuery, callback_data: CalendarPress, state: FSMContext, ctx: Context
) -> None:
    message = shown(callback)
    day = pressed_date(callback_data)
    if day is None:
        await callback.answer(ctx.t("stale-button"), show_alert=True)
        return
    await callback.answer()
    if await _take(message, state, ctx, STEP_BY_FIELD["day"], day.strftime("%d.%m.%Y")):
        await message.edit_reply_markup(reply_markup=None)
        await advance(message, state, ctx)


@router.callback_query(MeetForm.time, Choice.filter(F.step == "mt-at"), OfCurrentForm())
@router.callback_query(MeetForm.format, Choice.filter(F.step == "mt-fmt"), OfCurrentForm())
@router.callback_query(MeetForm.duration, Choice.filter(F.step == "mt-dur"), OfCurrentForm())
@router.callback_query(MeetForm.result, Choice.filter(F.step == "mt-res"), OfCurrentForm())
@router.callback_query(MeetForm.task, Choice.filter(F.step == "mt-task"), OfCurrentForm())
async def meet_choice_pressed(
    callback: CallbackQuery, callback_data: Choice, state: FSMContext, ctx: Context
) -> None:
    message = shown(callback)
    step = STEP_BY_FIELD[BUTTON_STEPS[callback_data.step]]
    value = callback_data.value
    if step.skip is not None and value == "-":  # an optional field skipped
        await callback.answer()
        draft = await load_draft(state, MeetDraft)
        await save_draft(state, draft.model_copy(update={step.field: ""}))
    else:
        if step.field == "at":  # "0900": a colon would split the button's data
            value = f"{value[:2]}:{value[2:]}" if len(value) == 4 else ""
        try:
            step.parse(value)  # a forged value is a stale button, not a typo to correct
        except FieldError:
            await callback.answer(ctx.t("stale-button"), show_alert=True)
            return
        await callback.answer()
        if await _take(message, state, ctx, step, value) is None:
            return
    await message.edit_reply_markup(reply_markup=None)
    await advance(message, state, ctx)


@router.message(MeetForm.date, FreeText())
@router.message(MeetForm.time, FreeText())
@router.message(MeetForm.topic, FreeText())
@router.message(MeetForm.duration, FreeText())
@router.message(MeetForm.content, FreeText())
@router.message(MeetForm.result, FreeText())
@router.message(MeetForm.task, FreeText())
async def meet_text(message: Message, state: FSMContext, ctx: Context) -> None:
    step = STEP_OF[await state.get_state() or ""]
    if await _take(message, state, ctx, step, message.text or "") is not None:
        await advance(message, state, ctx)
