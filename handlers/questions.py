"""Questions: a mentee asks with `/ask <text>` (or `/ask`, then the text, a photo or a document
with a caption); the mentor gets it with 💬 and answers; the answer reaches the mentee as a
reply to their question, with ✅ to close it (the mentee's confirmation carries ✅ too, to close
a question that is no longer needed). `/questions` lists a mentor's open questions, oldest first.
Every press loads the question afresh and checks who presses."""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.config import Settings
from bot.domain.bounded import bounded_lines
from bot.domain.notify import Attachment
from bot.domain.questions import (
    MAX_FILE_BYTES,
    QuestionError,
    QuestionRefusal,
    answer_question,
    ask_question,
    check_answer,
    excerpt,
    resolve_question,
    text_limit,
)
from bot.domain.rules import PairSide
from bot.i18n import Html, I18n, Translator, as_sentence
from bot.notices import Button, Text
from handlers.filters import FreeText, Member, MenuButton
from handlers.forms import OfCurrentForm, start_form
from handlers.keyboards import (
    PAGE_SIZE,
    KeyboardBuilder,
    QuestionAction,
    WhichPair,
    cancel_button,
    fetch_page,
    pager,
)
from handlers.pair_choice import chosen_pair, pair_choice, pairs_to_choose
from scheduler.clock import Clock
from scheduler.sender import OutboxSender
from storage.db import Database
from storage.models import FileKind, Pair, Person, Role

router = Router(name=__name__)

BUTTON_NAME_LENGTH = 40


class AskForm(StatesGroup):
    pair = State()
    text = State()


class AnswerForm(StatesGroup):
    text = State()


def _button(text: str, data: CallbackData) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=text, callback_data=data.pack())]]
    )


def answer_buttons(question_id: int) -> list[list[Button]]:
    data = QuestionAction(action="answer", question_id=question_id).pack()
    return [[Button(Text("button-answer"), data=data)]]


def resolve_buttons(question_id: int) -> list[list[Button]]:
    data = QuestionAction(action="resolve", question_id=question_id).pack()
    return [[Button(Text("button-resolve"), data=data)]]


def _resolve_markup(t: Translator, question_id: int) -> InlineKeyboardMarkup:
    return _button(t("button-resolve"), QuestionAction(action="resolve", question_id=question_id))


def _attachment(message: Message) -> Attachment | None:
    if message.photo:
        largest = message.photo[-1]
        return Attachment(largest.file_id, FileKind.PHOTO, largest.file_size)
    if message.document:
        document = message.document
        return Attachment(document.file_id, FileKind.DOCUMENT, document.file_size)
    return None


def _refusal(t: Translator, refusal: QuestionRefusal, attachment: Attachment | None) -> str:
    return t(refusal.value, limit=text_limit(attachment), mb=MAX_FILE_BYTES // (1024 * 1024))


# --- /ask ------------------------------------------------------------------------------------


@router.message(Command("ask"), Member(Role.MENTEE))
@router.message(MenuButton("menu-ask"), Member(Role.MENTEE))
async def ask(
    message: Message,
    state: FSMContext,
    db: Database,
    i18n: I18n,
    clock: Clock,
    sender: OutboxSender,
    person: Person,
    t: Translator,
    command: CommandObject | None = None,  # None from the menu button
) -> None:
    text = (command.args or "").strip() if command is not None else ""
    attachment = _attachment(message)
    pairs = await pairs_to_choose(db, person, PairSide.MENTEE)
    if not pairs:
        await state.clear()
        await message.answer(t("pair-choice-no-pair"))
        return
    if len(pairs) == 1 and (text or attachment):
        await state.clear()
        await _send_question(message, db, i18n, clock, sender, person, t, pairs[0], text)
        return
    if len(pairs) == 1:
        form = await start_form(state, AskForm.text, pair_id=pairs[0].id)
        await _prompt(message, t, pairs[0], form)
        return
    form = await start_form(state, AskForm.pair, text=text, ask_message_id=message.message_id)
    if attachment is not None:
        await state.update_data(
            file_id=attachment.file_id, file_kind=attachment.kind.value, file_size=attachment.size
        )
    await message.answer(
        t("ask-choose-pair"), reply_markup=pair_choice(t, pairs, person, "ask", form=form)
    )


@router.message(Command("ask"))
async def ask_not_mentee(message: Message, t: Translator) -> None:
    await message.answer(t("ask-mentees-only"))


async def _prompt(message: Message, t: Translator, pair: Pair, form: int) -> None:
    await message.answer(
        t("ask-prompt", mentor=pair.mentor_name),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button(t, form)]]),
    )


@router.callback_query(
    AskForm.pair, WhichPair.filter(F.purpose == "ask"), OfCurrentForm(), Member(Role.MENTEE)
)
async def ask_pick_pair(
    callback: CallbackQuery,
    callback_data: WhichPair,
    state: FSMContext,
    db: Database,
    i18n: I18n,
    clock: Clock,
    sender: OutboxSender,
    person: Person,
    t: Translator,
) -> None:
    if not isinstance(callback.message, Message):
        return
    if callback_data.pair_id == 0:  # another page of the list
        pairs = await pairs_to_choose(db, person, PairSide.MENTEE)
        markup = pair_choice(
            t, pairs, person, "ask", page=callback_data.page, form=callback_data.form
        )
        await callback.message.edit_reply_markup(reply_markup=markup)
        await callback.answer()
        return
    pair = await chosen_pair(db, person, callback_data.pair_id, PairSide.MENTEE)
    if pair is None:
        await callback.answer(t("stale-button"), show_alert=True)
        return
    data = await state.get_data()
    await callback.message.edit_reply_markup(reply_markup=None)
    await callback.answer()
    text = str(data.get("text") or "")
    attachment = None
    if data.get("file_id"):
        attachment = Attachment(
            str(data["file_id"]), FileKind(data["file_kind"]), data.get("file_size")
        )
    if text or attachment:
        await state.clear()
        await _ask(
            callback.message,
            db,
            i18n,
            clock,
            sender,
            person,
            t,
            pair,
            text,
            attachment,
            data.get("ask_message_id"),
        )
        return
    await state.set_state(AskForm.text)
    await state.update_data(pair_id=pair.id)
    await _prompt(callback.message, t, pair, callback_data.form)


@router.message(AskForm.text, Member(Role.MENTEE), F.photo | F.document)
@router.message(AskForm.text, Member(Role.MENTEE), FreeText())
async def ask_text(
    message: Message,
    state: FSMContext,
    db: Database,
    i18n: I18n,
    clock: Clock,
    sender: OutboxSender,
    person: Person,
    t: Translator,
) -> None:
    data = await state.get_data()
    pair = await chosen_pair(db, person, int(data.get("pair_id") or 0), PairSide.MENTEE)
    if pair is None:
        await state.clear()
        await message.answer(as_sentence(t(QuestionRefusal.PAIR_NOT_ACTIVE.value)))
        return
    text = (message.text or message.caption or "").strip()
    if await _send_question(message, db, i18n, clock, sender, person, t, pair, text):
        await state.clear()


@router.message(AskForm.text, Member(Role.MENTEE), ~F.text)
async def ask_unsupported(message: Message, t: Translator) -> None:
    await message.answer(t("ask-unsupported"))


async def _send_question(
    message: Message,
    db: Database,
    i18n: I18n,
    clock: Clock,
    sender: OutboxSender,
    person: Person,
    t: Translator,
    pair: Pair,
    text: str,
) -> bool:
    """The question in the person's own message; False when refused (the form stays open)."""
    return await _ask(
        message,
        db,
        i18n,
        clock,
        sender,
        person,
        t,
        pair,
        text,
        _attachment(message),
        message.message_id,
    )


async def _ask(
    message: Message,
    db: Database,
    i18n: I18n,
    clock: Clock,
    sender: OutboxSender,
    person: Person,
    t: Translator,
    pair: Pair,
    text: str,
    attachment: Attachment | None,
    ask_message_id: int | None,
) -> bool:
    try:
        async with db.transaction() as tx:
            question = await ask_question(
                tx,
                pair=pair,
                mentee_id=person.id,
                text=text,
                attachment=attachment,
                ask_message_id=ask_message_id,
                now=clock.now(),
                buttons=answer_buttons,
            )
    except QuestionError as exc:
        reason = Html(_refusal(t, exc.refusal, attachment))
        await message.answer(t("question-not-sent", reason=reason))
        return False
    sender.wake()
    await message.answer(
        t("question-sent", mentor=pair.mentor_name),
        reply_markup=_resolve_markup(t, question.id),
    )
    return True


# --- 💬: the mentor answers -------------------------------------------------------------------


@router.callback_query(QuestionAction.filter(F.action == "answer"), Member(Role.MENTOR))
async def start_answer(
    callback: CallbackQuery,
    callback_data: QuestionAction,
    state: FSMContext,
    db: Database,
    person: Person,
    t: Translator,
) -> None:
    async with db.read() as tx:
        question = await tx.questions.get(callback_data.question_id)
        pair = await tx.pairs.get(question.pair_id) if question else None
    refusal = (
        QuestionRefusal.NOT_YOURS if question is None else check_answer(question, pair, person.id)
    )
    if refusal is not None or question is None:
        await callback.answer(as_sentence(t.plain(refusal or "stale-button")), show_alert=True)
        return
    form = await start_form(state, AnswerForm.text, question_id=question.id)
    file_note = t("question-with-file") if question.file_id else ""
    await callback.answer()
    if callback.bot is None:
        return
    # A new message, not an edit: the question above stays as it was, file and all.
    await callback.bot.send_message(
        callback.from_user.id,
        t("answer-prompt", mentee=question.mentee_name, text=question.text, file=Html(file_note)),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button(t, form)]]),
    )


@router.message(AnswerForm.text, Member(Role.MENTOR), F.photo | F.document)
@router.message(AnswerForm.text, Member(Role.MENTOR), FreeText())
async def answer_text(
    message: Message,
    state: FSMContext,
    db: Database,
    i18n: I18n,
    clock: Clock,
    sender: OutboxSender,
    person: Person,
    t: Translator,
) -> None:
    data = await state.get_data()
    attachment = _attachment(message)
    text = (message.text or message.caption or "").strip()
    try:
        async with db.transaction() as tx:
            question = await answer_question(
                tx,
                question_id=int(data.get("question_id") or 0),
                mentor_id=person.id,
                text=text,
                attachment=attachment,
                now=clock.now(),
                buttons=resolve_buttons,
            )
    except QuestionError as exc:
        reason = Html(_refusal(t, exc.refusal, attachment))
        if exc.refusal in (QuestionRefusal.EMPTY, QuestionRefusal.TOO_LONG):
            await message.answer(t("answer-not-sent", reason=reason))  # the form stays open
            return
        await state.clear()
        await message.answer(t("answer-not-sent", reason=reason))
        return
    await state.clear()
    sender.wake()
    await message.answer(t("answer-sent", mentee=question.mentee_name))


@router.message(AnswerForm.text, Member(Role.MENTOR), ~F.text)
async def answer_unsupported(message: Message, t: Translator) -> None:
    await message.answer(t("ask-unsupported"))


# --- ✅: the mentee closes a question --------------------------------------------------------


@router.callback_query(QuestionAction.filter(F.action == "resolve"), Member(Role.MENTEE))
async def resolve(
    callback: CallbackQuery,
    callback_data: QuestionAction,
    db: Database,
    i18n: I18n,
    clock: Clock,
    sender: OutboxSender,
    person: Person,
    t: Translator,
) -> None:
    try:
        async with db.transaction() as tx:
            await resolve_question(
                tx,
                question_id=callback_data.question_id,
                mentee_id=person.id,
                now=clock.now(),
            )
    except QuestionError as exc:
        await callback.answer(as_sentence(t.plain(exc.refusal.value)), show_alert=True)
        return
    sender.wake()
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=None)
    await callback.answer(t("question-resolved"))


# --- /questions: the mentor's open questions --------------------------------------------------


def _local(moment: datetime, settings: Settings) -> str:
    return moment.astimezone(settings.tz).strftime("%d.%m %H:%M")


async def _questions_page(
    db: Database, t: Translator, settings: Settings, mentor: Person, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    async with db.read() as tx:
        questions, total, page = await fetch_page(
            lambda offset, limit: tx.questions.open_for_mentor(
                mentor.id, offset=offset, limit=limit
            ),
            page,
        )
    if not total:
        return t("questions-none"), InlineKeyboardMarkup(inline_keyboard=[])
    first = page * PAGE_SIZE
    builder = KeyboardBuilder()
    lines = []
    for number, question in enumerate(questions, start=first + 1):
        lines.append(
            t(
                "questions-line",
                number=number,
                asked=_local(question.asked_at, settings),
                mentee=question.mentee_name,
                text=excerpt(question.text) + (" 📎" if question.file_id else ""),
            )
        )
        builder.row(
            InlineKeyboardButton(
                text=t.plain(
                    "questions-button",
                    number=number,
                    mentee=excerpt(question.mentee_name, BUTTON_NAME_LENGTH),
                ),
                callback_data=QuestionAction(action="answer", question_id=question.id).pack(),
            )
        )
    pager(builder, t, page, total, lambda n: QuestionAction(action="page", page=n).pack())
    text = bounded_lines(
        lines, lambda n: t("questions-more", count=n), head=t("questions-title", count=total)
    )
    return text, builder.as_markup()


@router.message(Command("questions"), Member(Role.MENTOR))
@router.message(MenuButton("menu-questions"), Member(Role.MENTOR))
async def list_questions(
    message: Message,
    state: FSMContext,
    db: Database,
    settings: Settings,
    person: Person,
    t: Translator,
) -> None:
    await state.clear()
    text, markup = await _questions_page(db, t, settings, person, 0)
    await message.answer(text, reply_markup=markup if markup.inline_keyboard else None)


@router.message(Command("questions"))
async def questions_not_mentor(message: Message, t: Translator) -> None:
    await message.answer(t("questions-mentors-only"))


@router.callback_query(QuestionAction.filter(F.action == "page"), Member(Role.MENTOR))
async def questions_page(
    callback: CallbackQuery,
    callback_data: QuestionAction,
    db: Database,
    settings: Settings,
    person: Person,
    t: Translator,
) -> None:
    if isinstance(callback.message, Message):
        text, markup = await _questions_page(db, t, settings, person, callback_data.page)
        await callback.message.edit_text(
            text, reply_markup=markup if markup.inline_keyboard else None
        )
    await callback.answer()
