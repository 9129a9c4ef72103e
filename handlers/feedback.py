"""The effectiveness questionnaires (bot/domain/feedback.py): a form's buttons rate an item and
edit the form in place; then a comment (typed as the next message) or done; a mentee may show
the comment to the mentor. An admin asks for a round from the pair's card. Each press is
checked against the form's owner and state: a forged or another person's press changes
nothing."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.context import Context
from bot.domain.feedback import (
    COMMENT,
    COMMENT_CHARS,
    DONE,
    FOCUS,
    OPEN,
    SCORE,
    SHARE,
    AskRefusal,
    PairNames,
    ask_now,
    comment_fits,
    finish,
    first_unscored,
    form_view,
    own_form,
    rate,
    share_comment,
)
from bot.domain.fields import visible
from bot.rendering import render, render_keyboard
from handlers.filters import FreeText, Member, shown
from handlers.forms import Draft, load_draft, start_draft
from handlers.keyboards import FeedbackCb, PairCard, cancel_button
from handlers.links import LINKS
from storage.feedback import FeedbackForm
from storage.models import Pair
from storage.repos import Repos

router = Router(name=__name__)


class FeedbackComment(StatesGroup):
    text = State()


class CommentDraft(Draft):
    form_id: int  # the form the comment is for


async def _names(tx: Repos, form: FeedbackForm) -> tuple[Pair, PairNames] | None:
    pair = await tx.pairs.get(form.pair_id)
    return (pair, PairNames(pair.mentor_name, pair.mentee_name)) if pair else None


def _view(
    ctx: Context, form: FeedbackForm, names: PairNames, focus: int | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    text, rows = form_view(form, names, LINKS, focus)
    markup = InlineKeyboardMarkup.model_validate_json(render_keyboard(ctx.t, rows))
    return render(ctx.t, text), markup


async def _refused(callback: CallbackQuery, ctx: Context) -> None:
    await callback.answer(ctx.t.plain("stale-button"), show_alert=True)


@router.callback_query(FeedbackCb.filter(F.act.in_({SCORE, FOCUS, OPEN})), Member())
async def rate_or_look(
    callback: CallbackQuery, callback_data: FeedbackCb, state: FSMContext, ctx: Context
) -> None:
    person = ctx.me
    if callback_data.act == SCORE:
        async with ctx.db.transaction() as tx:
            form = await rate(
                tx, person.id, callback_data.form, callback_data.item, callback_data.score
            )
            names = await _names(tx, form) if form else None
    else:
        async with ctx.db.read() as tx:
            form = await own_form(tx, person.id, callback_data.form)
            names = await _names(tx, form) if form else None
    if form is None or names is None:
        await _refused(callback, ctx)
        return
    focus = callback_data.item if callback_data.act == FOCUS else None
    text, markup = _view(ctx, form, names[1], focus)
    if callback_data.act == OPEN:  # from a reminder: the form anew, below it
        await shown(callback).answer(text, reply_markup=markup)
    else:
        await shown(callback).edit_text(text, reply_markup=markup)
    await callback.answer()


@router.callback_query(FeedbackCb.filter(F.act == DONE), Member())
async def done_without_comment(
    callback: CallbackQuery, callback_data: FeedbackCb, ctx: Context
) -> None:
    async with ctx.db.transaction() as tx:
        form = await finish(tx, ctx.me.id, callback_data.form, None, ctx.now())
        names = await _names(tx, form) if form else None
    if form is None or names is None:
        await _refused(callback, ctx)
        return
    text, markup = _view(ctx, form, names[1])
    await shown(callback).edit_text(text, reply_markup=markup)
    await callback.answer(ctx.t.plain("feedback-thanks"))


@router.callback_query(FeedbackCb.filter(F.act == COMMENT), Member())
async def start_comment(
    callback: CallbackQuery, callback_data: FeedbackCb, state: FSMContext, ctx: Context
) -> None:
    async with ctx.db.read() as tx:
        form = await own_form(tx, ctx.me.id, callback_data.form)
    if form is None or form.done or first_unscored(form) is not None:
        await _refused(callback, ctx)
        return
    draft = await start_draft(state, FeedbackComment.text, CommentDraft(form_id=form.id))
    await callback.answer()
    await shown(callback).answer(
        ctx.t(f"feedback-comment-prompt-{form.side}", limit=COMMENT_CHARS),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button(ctx.t, draft.form)]]),
    )


@router.message(FeedbackComment.text, Member(), FreeText())
async def comment_typed(message: Message, state: FSMContext, ctx: Context) -> None:
    draft = await load_draft(state, CommentDraft)
    comment = visible(message.text)
    if not comment_fits(comment):
        await message.answer(ctx.t("feedback-comment-too-long", limit=COMMENT_CHARS))
        return  # the form waits: the comment can be written again, shorter
    async with ctx.db.transaction() as tx:
        form = await finish(tx, ctx.me.id, draft.form_id, comment, ctx.now())
        names = await _names(tx, form) if form else None
    await state.clear()
    if form is None or names is None:
        await message.answer(ctx.t("feedback-gone"))
        return
    text, markup = _view(ctx, form, names[1])
    await message.answer(ctx.t("feedback-thanks") + "\n\n" + text, reply_markup=markup)


@router.message(FeedbackComment.text, Member(), ~F.text)
async def comment_not_text(message: Message, ctx: Context) -> None:
    await message.answer(ctx.t("feedback-comment-text-only"))


@router.callback_query(FeedbackCb.filter(F.act == SHARE), Member())
async def share(callback: CallbackQuery, callback_data: FeedbackCb, ctx: Context) -> None:
    async with ctx.db.transaction() as tx:
        form = await own_form(tx, ctx.me.id, callback_data.form)
        found = await _names(tx, form) if form else None
        shared = (
            await share_comment(tx, ctx.me.id, callback_data.form, found[1], found[0], ctx.now())
            if found
            else None
        )
    if shared is None or found is None:
        await _refused(callback, ctx)
        return
    ctx.told()
    text, markup = _view(ctx, shared, found[1])
    await shown(callback).edit_text(text, reply_markup=markup)
    await callback.answer(ctx.t.plain("feedback-shared-answer"))


# --- an admin asks for a round from the pair's card ------------------------------------------


@router.callback_query(PairCard.filter(F.action == "feedback"))
async def ask_from_card(callback: CallbackQuery, callback_data: PairCard, ctx: Context) -> None:
    if not ctx.is_admin:
        await _refused(callback, ctx)
        return
    try:
        async with ctx.db.transaction() as tx:
            pair = await tx.pairs.get(callback_data.pair_id)
            if pair is None:
                raise AskRefusal("stale-button")
            await ask_now(tx, pair, ctx.now(), ctx.tz, LINKS)
    except AskRefusal as refusal:
        await callback.answer(ctx.t.plain(str(refusal)), show_alert=True)
        return
    ctx.told()
    await callback.answer()
    await shown(callback).answer(
        ctx.t("feedback-asked", mentor=pair.mentor_name, mentee=pair.mentee_name)
    )
