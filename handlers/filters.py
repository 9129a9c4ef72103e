"""Router-level filters: who may reach a router's handlers."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import Message, TelegramObject

from bot.i18n import Translator
from storage.models import Person, Role


class AdminOnly(Filter):
    """Admins: by ADMIN_IDS, by role, or by a grant in the bot."""

    async def __call__(self, event: TelegramObject, is_admin: bool) -> bool:
        return is_admin


class Member(Filter):
    """An active person of the programme, optionally with one of the given roles."""

    def __init__(self, *roles: Role) -> None:
        self.roles = roles

    async def __call__(self, event: TelegramObject, person: Person | None) -> bool:
        if person is None or not person.active:
            return False
        return not self.roles or person.role in self.roles


class MenuButton(Filter):
    """A tap on a reply-keyboard button, matched by its text in the person's language."""

    def __init__(self, key: str) -> None:
        self.key = key

    async def __call__(self, message: Message, t: Translator) -> bool:
        return message.text is not None and message.text == t(self.key)
