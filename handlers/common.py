"""/cancel from any step, and the answer to an update whose handler failed."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.filters import Command, ExceptionTypeFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ErrorEvent, Message

from bot.context import Context
from bot.i18n import I18n
from bot.telegram_errors import is_not_modified, is_transient
from handlers.filters import shown
from handlers.forms import FormGone, form_id
from handlers.keyboards import Nav, main_menu
from storage.db import WriteRefused, commits_counted

log = logging.getLogger(__name__)
router = Router(name=__name__)


@router.message(Command("cancel"))
async def cancel_command(message: Message, state: FSMContext, ctx: Context) -> None:
    t = ctx.t
    had_form = await state.get_state() is not None
    await state.clear()
    await message.answer(
        t("cancelled") if had_form else t("nothing-to-cancel"),
        reply_markup=main_menu(t, ctx.person, ctx.is_admin),
    )


@router.callback_query(Nav.filter(F.action == "noop"))
async def inert_button(callback: CallbackQuery) -> None:
    """A label on a keyboard, such as the page counter of a list."""
    await callback.answer()


@router.callback_query(Nav.filter(F.action == "cancel"))
async def cancel_button(
    callback: CallbackQuery, callback_data: Nav, state: FSMContext, ctx: Context
) -> None:
    if callback_data.form != await form_id(state):
        # A Cancel left on a form that is closed already: the form open now stays open, and the
        # old form's buttons go (those of a message the press was not on stay: a forged press).
        message = shown(callback)
        if _carries(message, callback.data):
            await message.edit_reply_markup(reply_markup=None)
        await callback.answer(ctx.t("form-already-closed"))
        return
    await state.clear()
    await shown(callback).edit_text(ctx.t("cancelled"))
    await callback.answer()


def _carries(message: Message, data: str | None) -> bool:
    markup = message.reply_markup
    rows = markup.inline_keyboard if markup is not None else []
    return any(button.callback_data == data for row in rows for button in row)


@router.errors(ExceptionTypeFilter(Exception))
async def on_error(event: ErrorEvent, i18n: I18n) -> None:
    """Log the failure once and tell the person the truth: if a transaction of this update
    committed, what they did is saved and only showing it failed; otherwise nothing changed,
    since the failed transaction was rolled back."""
    update = event.update
    error = event.exception
    if is_not_modified(error):
        # A tap that would show what is already shown (the same page, the same filter).
        if update.callback_query is not None:
            await update.callback_query.answer()
        return
    t = i18n.get(None)
    if isinstance(error, FormGone):
        # A form begun before an upgrade changed its draft: closed (by load_draft), said so.
        log.info("update %s: a form's draft no longer reads as %s", update.update_id, error)
    elif is_transient(error):
        # Telegram or the network failed us, not our code: worth a warning, not an alarm.
        log.warning("update %s: the Bot API failed: %r", update.update_id, error)
    elif isinstance(error, WriteRefused):
        # Locked past the busy timeout, the disk full, the file read-only: the operator's
        # matter, named in one line (docs/operations.md); the person may try again later.
        log.warning("update %s: %s", update.update_id, error)
    else:
        log.error("update %s failed", update.update_id, exc_info=error)
    if isinstance(error, WriteRefused):
        text = t("error-db-refused-after-save" if commits_counted() else "error-db-refused")
    elif isinstance(error, FormGone) and not commits_counted():
        text = t("form-gone")
    elif not commits_counted():
        text = t("error-generic")
    elif is_transient(error):
        text = t("error-after-save")  # Telegram failed to show the result
    else:
        text = t("error-after-save-bug")
    try:
        if update.message is not None:
            await update.message.answer(text)
        elif update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
    except Exception:
        log.warning("could not report the failure of update %s", update.update_id)
