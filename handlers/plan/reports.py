"""A milestone's report: the mentee marks it done (a comment, optionally a file); the mentor
accepts or returns it (with a comment) and may open the file."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.context import Context
from bot.domain import fields
from bot.domain.bounded import MESSAGE_LIMIT, text_length
from bot.domain.fields import MAX_COMMENT_LENGTH, FieldError
from bot.domain.plan_reports import decide_report, report_milestone
from bot.domain.plans import (
    MAX_DOCUMENT_BYTES,
    PlanError,
    document_allowed,
    milestone_submittable,
)
from bot.domain.rules import PairSide
from bot.i18n import Html, as_sentence
from bot.notices import Button, Text
from handlers.filters import FreeText, shown
from handlers.forms import Draft, OfCurrentForm, load_draft, save_draft, start_draft
from handlers.keyboards import MilestoneCb, cancel_button
from handlers.links import LINKS
from handlers.plan.common import PlanForm, find_plan, refused, send_report_file, stale
from storage.models import Milestone, MilestoneStatus

log = logging.getLogger(__name__)
router = Router(name=__name__)


class ReportDraft(Draft):
    """A milestone's report so far (its comment), or the mentor's return of its report `sub`."""

    milestone_id: int
    comment: str | None = None  # report: typed at report_comment, sent at report_file
    sub: int = 0  # return: the submission returned (its comment is the last step)
    card_id: int = 0  # return: the report's message, edited to the decision at the end
    card_html: str = ""  # … its text ("" for a caption: only its buttons go)


async def _comment(message: Message, ctx: Context) -> str | None:
    """The comment typed, or None after saying what is wrong with it."""
    try:
        return fields.comment(message.text)
    except FieldError as error:
        await message.answer(ctx.t(error.key, **error.values))
        return None


def _decision_button_rows(milestone: Milestone) -> list[list[Button]]:
    """✅ / ↩️ (and 📎) on the report queued for the mentor, labelled when it is sent."""
    mid, sub = milestone.id, milestone.submission
    rows = [
        [
            Button(
                Text("milestone-accept"),
                data=MilestoneCb(action="acc", milestone_id=mid, sub=sub).pack(),
            ),
            Button(
                Text("milestone-return"),
                data=MilestoneCb(action="ret", milestone_id=mid, sub=sub).pack(),
            ),
        ]
    ]
    if milestone.file_id:
        data = MilestoneCb(action="file", milestone_id=mid).pack()
        rows.append([Button(Text("milestone-open-file"), data=data)])
    return rows


# --- the mentee reports a milestone done -------------------------------------------------------


@router.callback_query(MilestoneCb.filter(F.action == "done"))
async def report_start(
    callback: CallbackQuery, callback_data: MilestoneCb, state: FSMContext, ctx: Context
) -> None:
    person, t = ctx.person, ctx.t
    found = await find_plan(
        ctx.db, person, milestone_id=callback_data.milestone_id, side=PairSide.MENTEE
    )
    if found is None or found.milestone is None:
        await stale(callback, t)
        return
    if not milestone_submittable(found.milestone):
        await callback.answer(
            as_sentence(t.plain("milestone-refused-not-submittable")), show_alert=True
        )
        return
    draft = ReportDraft(milestone_id=found.milestone.id)
    form = (await start_draft(state, PlanForm.report_comment, draft)).form
    await shown(callback).answer(
        t("milestone-ask-comment", max=MAX_COMMENT_LENGTH),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button(t, form)]]),
    )
    await callback.answer()


@router.message(PlanForm.report_comment, FreeText())
async def report_comment(message: Message, state: FSMContext, ctx: Context) -> None:
    t = ctx.t
    comment = await _comment(message, ctx)
    if comment is None:
        return
    draft = (await load_draft(state, ReportDraft)).model_copy(update={"comment": comment})
    await save_draft(state, draft)
    await state.set_state(PlanForm.report_file)
    form = draft.form
    no_file = MilestoneCb(action="nofile", milestone_id=draft.milestone_id, form=form)
    await message.answer(
        t("milestone-ask-file"),
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[
                [InlineKeyboardButton(text=t("milestone-no-file"), callback_data=no_file.pack())],
                [cancel_button(t, form)],
            ]
        ),
    )


async def _finish_report(
    message: Message,
    state: FSMContext,
    ctx: Context,
    file_id: str | None,
    file_kind: str | None,
) -> None:
    t = ctx.t
    draft = await load_draft(state, ReportDraft)
    await state.clear()
    me = ctx.me  # before the try, whose LookupError means a stale milestone
    try:
        async with ctx.db.transaction() as tx:
            await report_milestone(
                tx, me, draft.milestone_id, draft.comment or "", file_id,
                file_kind, ctx.now(), _decision_button_rows,
            )  # fmt: skip
    except LookupError:
        await message.answer(t("stale-button"))
        return
    except PlanError as exc:
        await message.answer(t("plan-refused", reason=Html(t(str(exc.refusal)))))
        return
    ctx.told()
    await message.answer(t("milestone-sent"))


@router.message(PlanForm.report_file, F.document)
async def report_document(message: Message, state: FSMContext, ctx: Context) -> None:
    document = message.document
    assert document is not None
    if not document_allowed(document.file_name, document.file_size):
        await message.answer(ctx.t("milestone-file-refused"))
        return
    await _finish_report(message, state, ctx, document.file_id, "document")


@router.message(PlanForm.report_file, F.photo)
async def report_photo(message: Message, state: FSMContext, ctx: Context) -> None:
    photo = (message.photo or [])[-1]  # the largest size
    if photo.file_size is not None and photo.file_size > MAX_DOCUMENT_BYTES:
        await message.answer(ctx.t("milestone-file-refused"))
        return
    await _finish_report(message, state, ctx, photo.file_id, "photo")


@router.message(PlanForm.report_file, FreeText())
async def report_not_a_file(message: Message, ctx: Context) -> None:
    await message.answer(ctx.t("milestone-ask-file"))


@router.callback_query(
    PlanForm.report_file, MilestoneCb.filter(F.action == "nofile"), OfCurrentForm()
)
async def report_without_file(callback: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    message = shown(callback)
    await message.edit_reply_markup(reply_markup=None)
    await _finish_report(message, state, ctx, None, None)
    await callback.answer()


# --- the mentor decides on a report ------------------------------------------------------------


@router.callback_query(MilestoneCb.filter(F.action.in_({"acc", "ret"})))
async def report_decision(
    callback: CallbackQuery, callback_data: MilestoneCb, state: FSMContext, ctx: Context
) -> None:
    person, t = ctx.person, ctx.t
    found = await find_plan(
        ctx.db, person, milestone_id=callback_data.milestone_id, side=PairSide.MENTOR
    )
    if person is None or found is None or found.milestone is None:
        await stale(callback, t)
        return
    message = shown(callback)
    milestone = found.milestone
    if (
        milestone.status is not MilestoneStatus.SUBMITTED
        or milestone.submission != callback_data.sub
    ):
        await callback.answer(as_sentence(t.plain("milestone-refused-decided")), show_alert=True)
        return
    if callback_data.action == "ret":
        draft = ReportDraft(
            milestone_id=milestone.id,
            sub=callback_data.sub,
            card_id=message.message_id,
            card_html=message.html_text if message.text is not None else "",
        )
        form = (await start_draft(state, PlanForm.return_comment, draft)).form
        await message.answer(
            t("milestone-ask-return-comment", max=MAX_COMMENT_LENGTH),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button(t, form)]]),
        )
        await callback.answer()
        return
    try:
        async with ctx.db.transaction() as tx:
            await decide_report(
                tx, person, milestone.id, callback_data.sub, True, None, ctx.now(), LINKS
            )
    except LookupError:
        await stale(callback, t)
        return
    except PlanError as exc:
        await refused(callback, t, exc)
        return
    ctx.told()
    note = t("milestone-card-accepted", date=t.date(ctx.today()))
    card = message.html_text if message.text is not None else ""
    if not await _card_says(message.bot, message.chat.id, message.message_id, card, note):
        await message.answer(t("milestone-decided-accepted"))
    await callback.answer(t("done"))


async def _card_says(
    bot: Bot | None, chat_id: int, card_id: int, card_html: str, note: str
) -> bool:
    """The report's message says the decision below its text and loses its buttons; False
    when it cannot (a caption, no room left, or Telegram refused): only its buttons go, and the
    decision is to be said below. The decision is saved either way."""
    if bot is None:
        return False
    decided = f"{card_html}\n\n{note}"
    try:
        if card_html and text_length(decided) <= MESSAGE_LIMIT:
            await bot.edit_message_text(
                text=decided, chat_id=chat_id, message_id=card_id, reply_markup=None
            )
            return True
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=card_id, reply_markup=None)
    except TelegramAPIError as error:  # too old to edit, say: the decision stands
        log.info("the report card %s was not edited: %s", card_id, error)
    return False


@router.message(PlanForm.return_comment, FreeText())
async def report_return_comment(message: Message, state: FSMContext, ctx: Context) -> None:
    t = ctx.t
    comment = await _comment(message, ctx)
    if comment is None:
        return
    draft = await load_draft(state, ReportDraft)
    await state.clear()
    me = ctx.me  # before the try, whose LookupError means a stale milestone
    try:
        async with ctx.db.transaction() as tx:
            await decide_report(
                tx, me, draft.milestone_id, draft.sub, False, comment,
                ctx.now(), LINKS,
            )  # fmt: skip
    except LookupError:
        await message.answer(t("stale-button"))
        return
    except PlanError as exc:
        await message.answer(t("plan-refused", reason=Html(t(str(exc.refusal)))))
        return
    ctx.told()
    if draft.card_id:
        note = t("milestone-card-returned", date=t.date(ctx.today()))
        await _card_says(message.bot, message.chat.id, draft.card_id, draft.card_html, note)
    await message.answer(t("milestone-decided-returned"))


@router.callback_query(MilestoneCb.filter(F.action == "file"))
async def open_file(
    callback: CallbackQuery, callback_data: MilestoneCb, bot: Bot, ctx: Context
) -> None:
    """The person acting gets the report's file again, by its file_id."""
    person = ctx.person
    found = await find_plan(ctx.db, person, milestone_id=callback_data.milestone_id)
    if found is None or found.milestone is None or not found.milestone.file_id:
        await stale(callback, ctx.t)
        return
    assert person is not None and person.telegram_id is not None
    await send_report_file(bot, person.telegram_id, ctx.t, found)
    await callback.answer()
