"""The last router: an answer for every message and button nobody else took."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.i18n import Translator
from handlers.forms import is_admins_step
from handlers.keyboards import main_menu
from handlers.menu import ADMIN, BY_ROLE
from handlers.outsiders import outsider_reply
from storage.models import Person

router = Router(name=__name__)


@router.message(F.text.startswith("/"))
async def unknown_command(message: Message, is_admin: bool, t: Translator) -> None:
    command = (message.text or "/").split()[0][1:].split("@")[0].lower()
    if command in ADMIN and not is_admin:
        await message.answer(t("admin-only"))
    elif any(command in commands for commands in BY_ROLE.values()):
        # A mentor's or a mentee's command the person's role has no use for (an admin's /plan).
        await message.answer(t("command-for-pair-people", command=command))
    else:
        await message.answer(t("unknown-command"))


@router.message()
async def unexpected_message(
    message: Message, state: FSMContext, person: Person | None, is_admin: bool, t: Translator
) -> None:
    if not is_admin and is_admins_step(await state.get_state()):
        await _rights_gone(state, t, message.answer)
    elif (person is None or not person.active) and not is_admin:
        await message.answer(outsider_reply(person, t))
    elif await state.get_state() is not None:
        await message.answer(t("form-unexpected-input"))
    else:
        await message.answer(t("unknown-message"), reply_markup=main_menu(t, person, is_admin))


@router.callback_query()
async def stale_button(
    callback: CallbackQuery, state: FSMContext, is_admin: bool, t: Translator
) -> None:
    """Unparseable, forged, foreign or outdated callback data: answer so the button stops
    spinning, and change nothing."""
    if not is_admin and is_admins_step(await state.get_state()):
        await _rights_gone(state, t, partial(callback.answer, show_alert=True))
        return
    await callback.answer(t("stale-button"), show_alert=True)


async def _rights_gone(
    state: FSMContext, t: Translator, answer: Callable[[str], Awaitable[object]]
) -> None:
    """An admin's form, and the person filling it is no admin any more: it closes, saying why."""
    await state.clear()
    await answer(t("form-admin-rights-gone"))
