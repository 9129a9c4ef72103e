"""/cancel from any step, and the answer to an update whose handler failed."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.filters import Command, ExceptionTypeFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ErrorEvent, Message

from bot.i18n import I18n, Translator
from bot.telegram_errors import is_not_modified, is_transient
from handlers.forms import form_id
from handlers.keyboards import Nav, main_menu
from storage.db import commits_counted
from storage.models import Person

log = logging.getLogger(__name__)
router = Router(name=__name__)


@router.message(Command("cancel"))
async def cancel_command(
    message: Message, state: FSMContext, person: Person | None, is_admin: bool, t: Translator
) -> None:
    had_form = await state.get_state() is not None
    await state.clear()
    await message.answer(
        t("cancelled") if had_form else t("nothing-to-cancel"),
        reply_markup=main_menu(t, person, is_admin),
    )


@router.callback_query(Nav.filter(F.action == "noop"))
async def inert_button(callback: CallbackQuery) -> None:
    """A label on a keyboard, such as the page counter of a list."""
    await callback.answer()


@router.callback_query(Nav.filter(F.action == "cancel"))
async def cancel_button(
    callback: CallbackQuery, callback_data: Nav, state: FSMContext, t: Translator
) -> None:
    if callback_data.form != await form_id(state):
        # A Cancel left on a form that is closed already: the form open now stays open.
        if isinstance(callback.message, Message):
            await callback.message.edit_reply_markup(reply_markup=None)
        await callback.answer(t("form-already-closed"))
        return
    await state.clear()
    if isinstance(callback.message, Message):
        await callback.message.edit_text(t("cancelled"))
    await callback.answer()


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
    if is_transient(error):
        # Telegram or the network failed us, not our code: worth a warning, not an alarm.
        log.warning("update %s: the Bot API failed: %r", update.update_id, error)
    else:
        log.error("update %s failed", update.update_id, exc_info=error)
    t = i18n.get(None)
    if not commits_counted():
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
