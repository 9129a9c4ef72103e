"""Questions: a mentee asks with `/ask <text>` (or `/ask`, then the text, a photo or a document
with a caption); the mentor gets it with 💬 and answers; the answer reaches the mentee as a
reply to their question, with ✅ to close it (the mentee's confirmation carries ✅ too, to close
a question that is no longer needed). `/questions` lists a mentor's open questions, oldest first.
Every press loads the question afresh and checks who presses."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.context import Context
from bot.domain.bounded import bounded_lines
from bot.domain.fields import visible
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
from bot.i18n import Html, Translator, as_sentence
from bot.notices import Button, Text
from handlers.filters import FreeText, Member, MenuButton, shown
from handlers.forms import Draft, OfCurrentForm, load_draft, save_draft, start_draft
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
from storage.models import FileKind, Pair, Role

router = Router(name=__name__)

BUTTON_NAME_LENGTH = 40


class AskForm(StatesGroup):
    pair = State()
    text = State()


class AnswerForm(StatesGroup):
    text = State()


class AskDraft(Draft):
    """A question so far: its pair, and what /ask came with while the pair is being chosen."""

    pair_id: int = 0
    text: str = ""
    file_id: str | None = None
    file_kind: FileKind | None = None
    file_size: int | None = None
    ask_message_id: int | None = None

    def attachment(self) -> Attachment | None:
        if self.file_id is None or self.file_kind is None:
            return None
        return Attachment(self.file_id, self.file_kind, self.file_size)


class AnswerDraft(Draft):
    question_id: int


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
    ctx: Context,
    command: CommandObject | None = None,  # None from the menu button
) -> None:
    text = visible(command.args) if command is not None else ""
    attachment = _attachment(message)
    pairs = await pairs_to_choose(ctx.db, ctx.me, PairSide.MENTEE)
    if not pairs:
        await state.clear()
        await message.answer(ctx.t("pair-choice-no-pair"))
        return
    if len(pairs) == 1 and (text or attachment):
        await state.clear()
        await _ask(message, ctx, pairs[0], text, attachment, message.message_id)
        return
    if len(pairs) == 1:
        draft = await start_draft(state, AskForm.text, AskDraft(pair_id=pairs[0].id))
        await _prompt(message, ctx, pairs[0], draft.form)
        return
    waiting = AskDraft(
        text=text,
        ask_message_id=message.message_id,
        file_id=attachment.file_id if attachment else None,
        file_kind=attachment.kind if attachment else None,
        file_size=attachment.size if attachment else None,
    )
    draft = await start_draft(state, AskForm.pair, waiting)
    markup = pair_choice(ctx.t, pairs, ctx.me, "ask", form=draft.form)
    await message.answer(ctx.t("ask-choose-pair"), reply_markup=markup)


@router.message(Command("ask"))
async def ask_not_mentee(message: Message, ctx: Context) -> None:
    await message.answer(ctx.t("ask-mentees-only"))


async def _prompt(message: Message, ctx: Context, pair: Pair, form: int) -> None:
    await message.answer(
        ctx.t("ask-prompt", mentor=pair.mentor_name),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button(ctx.t, form)]]),
    )


@router.callback_query(
    AskForm.pair, WhichPair.filter(F.purpose == "ask"), OfCurrentForm(), Member(Role.MENTEE)
)
async def ask_pick_pair(
    callback: CallbackQuery, callback_data: WhichPair, state: FSMContext, ctx: Context
) -> None:
    message = shown(callback)
    if callback_data.pair_id == 0:  # another page of the list
        pairs = await pairs_to_choose(ctx.db, ctx.me, PairSide.MENTEE)
        markup = pair_choice(
            ctx.t, pairs, ctx.me, "ask", page=callback_data.page, form=callback_data.form
        )
        await message.edit_reply_markup(reply_markup=markup)
        await callback.answer()
        return
    pair = await chosen_pair(ctx.db, ctx.me, callback_data.pair_id, PairSide.MENTEE)
    if pair is None:
        await callback.answer(ctx.t("stale-button"), show_alert=True)
        return
    draft = await load_draft(state, AskDraft)
    await message.edit_reply_markup(reply_markup=None)
    await callback.answer()
    attachment = draft.attachment()
    if draft.text or attachment:
        await state.clear()
        await _ask(message, ctx, pair, draft.text, attachment, draft.ask_message_id)
        return
    await state.set_state(AskForm.text)
    await save_draft(state, draft.model_copy(update={"pair_id": pair.id}))
    await _prompt(message, ctx, pair, callback_data.form)


@router.message(AskForm.text, Member(Role.MENTEE), F.photo | F.document)
@router.message(AskForm.text, Member(Role.MENTEE), FreeText())
async def ask_text(message: Message, state: FSMContext, ctx: Context) -> None:
    draft = await load_draft(state, AskDraft)
    pair = await chosen_pair(ctx.db, ctx.me, draft.pair_id, PairSide.MENTEE)
    if pair is None:
        await state.clear()
        await message.answer(as_sentence(ctx.t(QuestionRefusal.PAIR_NOT_ACTIVE.value)))
        return
    text = visible(message.text or message.caption)
    if await _ask(message, ctx, pair, text, _attachment(message), message.message_id):
        await state.clear()


@router.message(AskForm.text, Member(Role.MENTEE), ~F.text)
async def ask_unsupported(message: Message, ctx: Context) -> None:
    await message.answer(ctx.t("ask-unsupported"))


async def _ask(
    message: Message,
    ctx: Context,
    pair: Pair,
    text: str,
    attachment: Attachment | None,
    ask_message_id: int | None,
) -> bool:
    """Ask the mentor; False when refused (the form stays open)."""
    t = ctx.t
    try:
        async with ctx.db.transaction() as tx:
            question = await ask_question(
                tx,
                pair=pair,
                mentee_id=ctx.me.id,
                text=text,
                attachment=attachment,
                ask_message_id=ask_message_id,
                now=ctx.now(),
                buttons=answer_buttons,
            )
    except QuestionError as exc:
        reason = Html(_refusal(t, exc.refusal, attachment))
        await message.answer(t("question-not-sent", reason=reason))
        return False
    ctx.told()
    await message.answer(
        t("question-sent", mentor=pair.mentor_name),
        reply_markup=_resolve_markup(t, question.id),
    )
    return True


# --- 💬: the mentor answers -------------------------------------------------------------------


@router.callback_query(QuestionAction.filter(F.action == "answer"), Member(Role.MENTOR))
async def start_answer(
    callback: CallbackQuery, callback_data: QuestionAction, state: FSMContext, ctx: Context
) -> None:
    t = ctx.t
    async with ctx.db.read() as tx:
        question = await tx.questions.get(callback_data.question_id)
        pair = await tx.pairs.get(question.pair_id) if question else None
    refusal = (
        QuestionRefusal.NOT_YOURS if question is None else check_answer(question, pair, ctx.me.id)
    )
    if refusal is not None or question is None:
        await callback.answer(as_sentence(t.plain(refusal or "stale-button")), show_alert=True)
        return
    draft = await start_draft(state, AnswerForm.text, AnswerDraft(question_id=question.id))
    file_note = t("question-with-file") if question.file_id else ""
    await callback.answer()
    if callback.bot is None:
        return
    # A new message, not an edit: the question above stays as it was, file and all.
    await callback.bot.send_message(
        callback.from_user.id,
        t("answer-prompt", mentee=question.mentee_name, text=question.text, file=Html(file_note)),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button(t, draft.form)]]),
    )


@router.message(AnswerForm.text, Member(Role.MENTOR), F.photo | F.document)
@router.message(AnswerForm.text, Member(Role.MENTOR), FreeText())
async def answer_text(message: Message, state: FSMContext, ctx: Context) -> None:
    t = ctx.t
    draft = await load_draft(state, AnswerDraft)
    attachment = _attachment(message)
    try:
        async with ctx.db.transaction() as tx:
            question = await answer_question(
                tx,
                question_id=draft.question_id,
                mentor_id=ctx.me.id,
                text=visible(message.text or message.caption),
                attachment=attachment,
                now=ctx.now(),
                buttons=resolve_buttons,
            )
    except QuestionError as exc:
        reason = Html(_refusal(t, exc.refusal, attachment))
        if exc.refusal not in (QuestionRefusal.EMPTY, QuestionRefusal.TOO_LONG):
            await state.clear()  # an empty or a long answer can be written again
        await message.answer(t("answer-not-sent", reason=reason))
        return
    await state.clear()
    ctx.told()
    await message.answer(t("answer-sent", mentee=question.mentee_name))


@router.message(AnswerForm.text, Member(Role.MENTOR), ~F.text)
async def answer_unsupported(message: Message, ctx: Context) -> None:
    await message.answer(ctx.t("ask-unsupported"))


# --- ✅: the mentee closes a question --------------------------------------------------------


@router.callback_query(QuestionAction.filter(F.action == "resolve"), Member(Role.MENTEE))
async def resolve(callback: CallbackQuery, callback_data: QuestionAction, ctx: Context) -> None:
    try:
        async with ctx.db.transaction() as tx:
            await resolve_question(
                tx, question_id=callback_data.question_id, mentee_id=ctx.me.id, now=ctx.now()
            )
    except QuestionError as exc:
        await callback.answer(as_sentence(ctx.t.plain(exc.refusal.value)), show_alert=True)
        return
    ctx.told()
    await shown(callback).edit_reply_markup(reply_markup=None)
    await callback.answer(ctx.t("question-resolved"))


# --- /questions: the mentor's open questions --------------------------------------------------


async def _questions_page(ctx: Context, page: int) -> tuple[str, InlineKeyboardMarkup]:
    t, mentor = ctx.t, ctx.me
    async with ctx.db.read() as tx:
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
                asked=question.asked_at.astimezone(ctx.tz).strftime("%d.%m %H:%M"),
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
async def list_questions(message: Message, state: FSMContext, ctx: Context) -> None:
    await state.clear()
    text, markup = await _questions_page(ctx, 0)
    await message.answer(text, reply_markup=markup if markup.inline_keyboard else None)


@router.message(Command("questions"))
async def questions_not_mentor(message: Message, ctx: Context) -> None:
    await message.answer(ctx.t("questions-mentors-only"))


@router.callback_query(QuestionAction.filter(F.action == "page"), Member(Role.MENTOR))
async def questions_page(
    callback: CallbackQuery, callback_data: QuestionAction, ctx: Context
) -> None:
    text, markup = await _questions_page(ctx, callback_data.page)
    await shown(callback).edit_text(text, reply_markup=markup if markup.inline_keyboard else None)
    await callback.answer()
