"""Strangers and people who left the programme: past /start, /help, /mydata and /cancel, every
command and button is answered by who they are (how to get access; that their account is closed)
before any journey sees it, so no journey has to tell them apart."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.i18n import Translator
from storage.models import Person

router = Router(name=__name__)


class Outsider(Filter):
    """Nobody in the programme: no record, or one marked as having left (admins by ADMIN_IDS
    keep their rights whatever their record says)."""

    async def __call__(self, event: TelegramObject, person: Person | None, is_admin: bool) -> bool:
        return not is_admin and (person is None or not person.active)


def outsider_reply(person: Person | None, t: Translator) -> str:
    """What a stranger (how to get access) or someone who left (their account is closed) is told."""
    return t("help-stranger") if person is None else t("start-deactivated")


@router.message(Outsider(), F.text.startswith("/"))
async def outsider_command(message: Message, person: Person | None, t: Translator) -> None:
    await message.answer(outsider_reply(person, t))


@router.callback_query(Outsider())
async def outsider_press(callback: CallbackQuery, person: Person | None, t: Translator) -> None:
    await callback.answer(outsider_reply(person, t), show_alert=True)
