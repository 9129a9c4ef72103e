"""Router-level filters: who may reach a router's handlers."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.context import Context
from bot.i18n import Translator
from handlers.keyboards import MENU_KEYS
from storage.models import Person, Role


class AdminOnly(Filter):
    """Admins: by ADMIN_IDS, by role, or by a grant in the bot."""

    async def __call__(self, event: TelegramObject, is_admin: bool) -> bool:
        return is_admin


async def admins_command(message: Message, state: FSMContext, ctx: Context) -> bool:
    """The start of an admin's command (/digest, /stats, /export …): anyone else is told it is
    for admins (False); an admin leaves any form they were filling (True)."""
    if not ctx.is_admin:
        await message.answer(ctx.t("admin-only"))
        return False
    await state.clear()
    return True


class Member(Filter):
    """An active person of the programme, optionally with one of the given roles."""

    def __init__(self, *roles: Role) -> None:
        self.roles = roles

    async def __call__(self, event: TelegramObject, person: Person | None) -> bool:
        if person is None or not person.active:
            return False
        return not self.roles or person.role in self.roles


class FreeText(Filter):
    """Text typed into a form: not a command and not a tap on a menu button, which go to their
    own handlers even in the middle of a form."""

    async def __call__(self, message: Message, t: Translator) -> bool:
        text = message.text or ""
        return bool(text) and not text.startswith("/") and text not in {t(k) for k in MENU_KEYS}


class MenuButton(Filter):
    """A tap on a reply-keyboard button, matched by its text in the person's language."""

    def __init__(self, key: str) -> None:
        self.key = key

    async def __call__(self, message: Message, t: Translator) -> bool:
        return message.text is not None and message.text == t(self.key)


def shown(callback: CallbackQuery) -> Message:
    """The message a pressed button is on. Telegram leaves it out for a message too old to
    show; such presses never reach a handler (bot.middlewares.InaccessibleButtons)."""
    if not isinstance(callback.message, Message):
        raise LookupError("a press on a message the bot cannot see reached a handler")
    return callback.message


class OnTheLoop(Filter):
    """A filter that is no coroutine (a bare State, an F expression) checked on the event loop.
    aiogram runs such a filter through `asyncio.to_thread`, a hop to a worker thread for every
    update that passes by it: a dozen per update here, more than the handler's own work."""

    def __init__(self, inner: FilterObject) -> None:
        self.inner = inner

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.inner.callback(*args, **self.inner._prepare_kwargs(kwargs))


def keep_filters_on_the_loop(router: Router) -> None:
    """Wrap every filter of the router that aiogram would run in a thread (`OnTheLoop`)."""
    for observer in router.observers.values():
        for handler in (observer._handler, *observer.handlers):
            filters = handler.filters or []
            for n, found in enumerate(filters):
                if not found.awaitable:
                    filters[n] = FilterObject(OnTheLoop(found))
