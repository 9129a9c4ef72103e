"""What the meeting handlers share: the button data on a meeting, the forms' states, and the
small helpers that render a refusal, a row of choices and a meeting's new state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, tzinfo

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.context import Context
from bot.domain.bounded import ALERT_LIMIT, clip
from bot.domain.meeting_rules import (
    Answer,
    MeetingError,
    MeetingRefusal,
    answer_buttons,
    description,
    local_moment,
    may_propose_time,
)
from bot.domain.meetings import load_for_press, what_happened
from bot.i18n import Html, Translator, as_sentence
from bot.rendering import render, render_keyboard
from handlers.forms import Draft, start_draft
from handlers.keyboards import Choice, KeyboardBuilder, MeetingAct, cancel_button
from handlers.links import LINKS
from storage.db import Database
from storage.models import Meeting, MeetingFormat, MeetingStatus

TIME_BUTTONS = ("09:00", "11:00", "13:00", "15:00")
DURATION_BUTTONS = (45, 60, 90)


class MeetForm(StatesGroup):
    pair = State()
    date = State()
    time = State()
    format = State()
    topic = State()
    duration = State()
    content = State()
    result = State()  # the journal's «Результат / рекомендации», optional
    task = State()


class OtherTimeForm(StatesGroup):
    moment = State()


class MeetDraft(Draft):
    """The /meet form so far (MeetForm's steps fill it; None: not given yet). With `meeting_id`
    it is the details of a meeting that happened ("did it happen?" → held): only those are
    asked. `result` and `task` are "" when skipped."""

    pair_id: int = 0
    args: str = ""  # the quick form's words, taken once the pair is known
    day: date | None = None
    at: time | None = None
    format: MeetingFormat | None = None
    topic: str | None = None
    duration: int | None = None
    content: str | None = None
    result: str | None = None
    task: str | None = None
    meeting_id: int = 0
    rev: int = 0

    @property
    def held(self) -> bool:
        return bool(self.meeting_id)

    def moment(self, tz: tzinfo) -> datetime | None:
        if self.day is None or self.at is None:
            return None
        return local_moment(self.day, self.at, tz)

    @classmethod
    def again(cls, meeting: Meeting) -> MeetDraft:
        """A new meeting in place of one that did not happen: the same pair, form and topic."""
        return cls(pair_id=meeting.pair_id, format=meeting.format, topic=meeting.topic)


class OtherTimeDraft(Draft):
    """🕒 another time or 🔁 move: the meeting as of the revision that was pressed."""

    meeting_id: int
    revision: int


def refusal_text(t: Translator, refusal: MeetingRefusal) -> str:
    if refusal is MeetingRefusal.NOT_NOW:
        return t("stale-button")
    return t("meet-refused", reason=Html(t(refusal.value)))


def choices(
    t: Translator, form: int, step: str, options: list[tuple[str, str]]
) -> InlineKeyboardMarkup:
    builder = KeyboardBuilder()
    for label, value in options:
        builder.button(text=label, callback_data=Choice(step=step, value=value, form=form).pack())
    builder.adjust(2)
    builder.row(cancel_button(t, form))
    return builder.as_markup()


def describe(t: Translator, meeting: Meeting, tz: tzinfo) -> str:
    """The meeting's date, time, form and topic, as every message about it says them."""
    return render(t, description(meeting, tz))


def answer_markup(
    t: Translator, meeting: Meeting, answers: Sequence[Answer]
) -> InlineKeyboardMarkup:
    """The buttons on a message about the meeting, as the outbox's copies have them."""
    return InlineKeyboardMarkup.model_validate_json(
        render_keyboard(t, answer_buttons(meeting, answers, LINKS))
    )


def duration_choices(t: Translator, form: int) -> InlineKeyboardMarkup:
    options = [(t.plain("meet-duration-button", minutes=m), str(m)) for m in DURATION_BUTTONS]
    return choices(t, form, "mt-dur", options)


def own_proposal_buttons(t: Translator, meeting: Meeting) -> InlineKeyboardMarkup | None:
    """The proposer's own copy of a proposal nobody has answered yet: 🔁 move or 🚫 cancel it
    (a logged meeting is only confirmed or declined by the other side)."""
    if meeting.logged or meeting.status is not MeetingStatus.PROPOSED:
        return None
    return answer_markup(t, meeting, (Answer.MOVE, Answer.CANCEL))


async def show_done(message: Message, t: Translator, meeting: Meeting, tz: tzinfo) -> None:
    """The pressed message becomes what the press did; a confirmed meeting keeps its buttons
    to move or cancel it. A message that says more than this meeting (several reminders in
    one) keeps its text and its other buttons, and what the press did comes below it."""
    done = t(f"meet-done-{meeting.status.value}", meeting=Html(describe(t, meeting, tz)))
    markup = None
    if meeting.status is MeetingStatus.CONFIRMED:
        markup = answer_markup(t, meeting, (Answer.MOVE, Answer.CANCEL))
    others = other_buttons(message, meeting.id)
    if others is None:
        await message.edit_text(done, reply_markup=markup)
        return
    await message.edit_reply_markup(reply_markup=others or None)
    await message.answer(done, reply_markup=markup)


async def drop_meeting_buttons(message: Message, meeting_id: int) -> None:
    """The pressed message loses the buttons on this meeting, and keeps any others."""
    await message.edit_reply_markup(reply_markup=other_buttons(message, meeting_id) or None)


def other_buttons(message: Message, meeting_id: int) -> InlineKeyboardMarkup | None:
    """The message's buttons that are not on this meeting (None when it has no others): a
    message of several reminders has the others' buttons too."""
    markup = message.reply_markup
    if markup is None:
        return None

    def on_meeting(data: str | None) -> bool:
        if data is None or not data.startswith(f"{MeetingAct.__prefix__}:"):
            return False
        try:
            return MeetingAct.unpack(data).meeting_id == meeting_id
        except (TypeError, ValueError):
            return False

    rows = [
        [button for button in row if not on_meeting(button.callback_data)]
        for row in markup.inline_keyboard
    ]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def press_of(ctx: Context, data: MeetingAct) -> tuple[Database, int, int, tzinfo]:
    """What `refuse` needs to say what happened to the meeting a press names."""
    return ctx.db, ctx.me.id, data.meeting_id, ctx.tz


async def refuse(
    callback: CallbackQuery,
    t: Translator,
    refusal: MeetingRefusal,
    press: tuple[Database, int, int, tzinfo] | None = None,
) -> None:
    """A press that changes nothing says why, in an alert; a button that no longer acts
    (`press`: the database, the person, the meeting pressed, the zone) says what happened to
    the meeting instead of that the button is stale."""
    text = t.plain(refusal.value)
    if refusal is MeetingRefusal.NOT_NOW and press is not None:
        db, person_id, meeting_id, tz = press
        async with db.read() as tx:
            happened = await what_happened(tx, meeting_id, person_id, tz)
        if happened is not None:
            text = render(t, happened, html=False)
    await callback.answer(clip(as_sentence(text), ALERT_LIMIT), show_alert=True)


async def ask_other_time(
    callback: CallbackQuery, message: Message, state: FSMContext, ctx: Context, data: MeetingAct
) -> None:
    """🕒 on an invitation or 🔁 on a confirmed meeting: ask for the new moment, if allowed."""
    t, person = ctx.t, ctx.me
    try:
        async with ctx.db.read() as tx:
            meeting, pair = await load_for_press(tx, data.meeting_id, data.rev)
    except MeetingError as error:
        await refuse(callback, t, error.refusal, press_of(ctx, data))
        return
    if not may_propose_time(meeting, pair, person.id, ctx.now()):
        await refuse(callback, t, MeetingRefusal.NOT_NOW, press_of(ctx, data))
        return
    draft = OtherTimeDraft(meeting_id=data.meeting_id, revision=data.rev)
    await start_draft(state, OtherTimeForm.moment, draft)
    await callback.answer()
    await message.answer(t("meet-other-time-ask"))
