"""Command menus per role (set_my_commands) and the greeting that shows a person's pairs."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat

from bot.i18n import Html, Translator
from storage.models import Pair, Person, Role

log = logging.getLogger(__name__)

EVERYONE = ("start", "help", "cancel")
ADMIN = ("people", "invite", "pair", "pairs", "import")


def commands_for(person: Person | None, is_admin: bool) -> list[str]:
    names = list(EVERYONE)
    if is_admin:
        names.extend(ADMIN)
    return names


def _commands(t: Translator, names: list[str]) -> list[BotCommand]:
    return [BotCommand(command=name, description=t(f"command-{name}")) for name in names]


async def set_default_commands(bot: Bot, t: Translator) -> None:
    await bot.set_my_commands(_commands(t, list(EVERYONE)), scope=BotCommandScopeAllPrivateChats())


async def set_person_commands(
    bot: Bot, chat_id: int, t: Translator, person: Person | None, is_admin: bool
) -> None:
    """The menu of one chat follows its person's role; a failure here must not break /start."""
    try:
        await bot.set_my_commands(
            _commands(t, commands_for(person, is_admin)), scope=BotCommandScopeChat(chat_id=chat_id)
        )
    except TelegramAPIError as exc:
        log.warning("could not set commands for chat %s: %s", chat_id, exc)


def role_title(t: Translator, person: Person, is_admin: bool) -> str:
    title = t(f"role-{person.role.value}")
    if is_admin and person.role is not Role.ADMIN:
        title = t("role-with-admin", role=title)
    return title


def pair_line(t: Translator, pair: Pair, viewer: Person | None = None) -> Html:
    """One pair in a list: «Петров П. П. ← Иванова А. П. (педагогический, до 30.06.2027)»."""
    if viewer is not None and viewer.id == pair.mentee_id:
        key, other = "pair-line-my-mentor", pair.mentor_name
    elif viewer is not None and viewer.id == pair.mentor_id:
        key, other = "pair-line-my-mentee", pair.mentee_name
    else:
        key, other = "pair-line", ""
    return Html(
        t(
            key,
            mentor=pair.mentor_name,
            mentee=pair.mentee_name,
            other=other,
            kind=t(f"pair-kind-{pair.kind.value}"),
            start=t.date(pair.start),
            end=t.date(pair.end),
        )
    )
