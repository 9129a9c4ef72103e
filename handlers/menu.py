"""Command menus per role (set_my_commands) and the greeting that shows a person's pairs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat

from bot.domain.bounded import MESSAGE_LIMIT, bounded_lines, text_length
from bot.domain.rules import needs_consent
from bot.domain.staff import role_text
from bot.i18n import Html, I18n, Translator
from bot.rendering import render
from storage.db import Database, WriteRefused
from storage.models import Pair, Person, Role

log = logging.getLogger(__name__)


def role_title(t: Translator, person: Person, is_admin: bool) -> str:
    """«наставник», or «наставник, администратор» for someone granted admin rights."""
    return render(t, role_text(person, is_admin))


EVERYONE = ("start", "help", "cancel")
MENU_UNKNOWN = "?"  # the last attempt to set a chat's menu failed
# What each role does every week, in the order a person reaches for it.
BY_ROLE = {
    Role.MENTEE: ("plan", "meet", "journal", "ask"),
    Role.MENTOR: ("mentees", "plan", "meet", "journal", "questions"),
}
ADMIN = (
    "people",
    "invite",
    "pair",
    "pairs",
    "digest",
    "stats",
    "overdue",
    "inactive",
    "export",
    "report",
    "import",
)


def commands_for(person: Person | None, is_admin: bool) -> list[str]:
    """The commands a person's menu and /help list: their role's work, then admin tasks. Until
    they accept the consent text (or after they withdrew it) none of those answer: the bot-wide
    menu."""
    if needs_consent(person):
        return list(EVERYONE)
    names = list(EVERYONE[:2])
    if person is not None and person.active:
        names.extend(BY_ROLE.get(person.role, ()))
    if is_admin:
        names.extend(ADMIN)
    if (person is not None and person.active) or is_admin:
        names.append("settings")  # which reminders come: anyone the programme reminds
    names.append(EVERYONE[2])
    return names


def _commands(t: Translator, names: list[str]) -> list[BotCommand]:
    return [BotCommand(command=name, description=t(f"command-{name}")) for name in names]


async def set_default_commands(bot: Bot, t: Translator) -> None:
    await bot.set_my_commands(_commands(t, list(EVERYONE)), scope=BotCommandScopeAllPrivateChats())


def _signature(t: Translator, names: list[str]) -> str:
    return f"{t.language}:{','.join(names)}"


async def refresh_commands(
    bot: Bot, db: Database, i18n: I18n, person: Person, is_admin: bool
) -> None:
    """Set the command menu of the person's chat to their role's, when it is not that already
    (remembered per person, so a /start costs no Bot API call; nothing is remembered while the
    bot-wide default menu fits them); a failure must not break the reply they are waiting for."""
    if person.telegram_id is None:
        return
    t = i18n.get(person.language)
    names = commands_for(person, is_admin)
    signature = _signature(t, names)
    current = person.commands_menu or _signature(i18n.get(None), list(EVERYONE))
    if current == signature:
        return
    async with db.transaction(bookkeeping=True) as tx:
        if not await tx.people.claim_commands_menu(person.id, signature):
            return
    try:
        await bot.set_my_commands(
            _commands(t, names), scope=BotCommandScopeChat(chat_id=person.telegram_id)
        )
    except TelegramAPIError as exc:
        log.warning("could not set commands for person %s: %s", person.id, exc)
        async with db.transaction(
            bookkeeping=True
        ) as tx:  # matches no menu: tried again at their next /start
            await tx.people.claim_commands_menu(person.id, MENU_UNKNOWN)


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


def with_pair_lines(
    t: Translator,
    head: str,
    pairs: list[Pair],
    viewer: Person | None = None,
    budget: int = MESSAGE_LIMIT,
    tail: str = "",
) -> str:
    """`head`, then a line per pair, then `tail`, within `budget`: the pairs that do not fit
    are counted."""
    reserved = text_length(tail) + 1 if tail else 0
    text = bounded_lines(
        ["• " + pair_line(t, pair, viewer) for pair in pairs],
        lambda n: t("list-more-pairs", count=n),
        head=head,
        budget=budget - reserved,
    )
    return f"{text}\n{tail}" if tail else text


MENUS_PER_PAUSE = 10


class ChatMenus:
    """Per-chat command menus, set in the background in a pause between updates: a person's
    first /start is answered at once and their role's menu follows a moment later, so a morning
    when the whole college opens the bot costs no one a slower reply."""

    def __init__(
        self, bot: Bot, db: Database, i18n: I18n, until_quiet: Callable[[], Awaitable[None]]
    ) -> None:
        self.bot = bot
        self.db = db
        self.i18n = i18n
        self._until_quiet = until_quiet
        self._waiting: dict[int, tuple[Person, bool]] = {}  # person id → their latest request
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def request(self, person: Person, is_admin: bool) -> None:
        self._waiting[person.id] = (person, is_admin)
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="chat-menus")

    async def stop(self) -> None:
        """Finish the menu being set (its record and its call stand together), then stop."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await asyncio.wait((self._task,))

    async def _run(self) -> None:
        while not self._stopping:
            await self._wake.wait()
            self._wake.clear()
            while self._waiting and not self._stopping:
                await self._until_quiet()
                # A few at a time: in a pause, or at a steady trickle when there is none.
                for _ in range(min(MENUS_PER_PAUSE, len(self._waiting))):
                    person_id = next(iter(self._waiting))
                    person, is_admin = self._waiting.pop(person_id)
                    try:
                        await refresh_commands(self.bot, self.db, self.i18n, person, is_admin)
                    except WriteRefused as refused:  # set at their next /start
                        log.warning("command menu of person %s not set: %s", person_id, refused)
                    except Exception:
                        log.exception("command menu of person %s not set", person_id)
