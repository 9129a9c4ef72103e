"""An edit of the pressed message to what it already shows is not sent to Telegram.

A second tap on the page or filter a message shows (a double tap, or a forged or replayed press)
renders the same view again, and Telegram refuses such an edit ("message is not modified").
While a press is handled, `PressedMessage` keeps the message it was on, as Telegram showed it in
the update; `UnchangedEdits`, a request middleware of the bot's session, answers an edit of that
message to the same text, formatting and buttons with the message itself, without a call. An
edit it cannot tell is the same goes to Telegram as before (handlers.common.on_error still takes
a refusal quietly)."""

from __future__ import annotations

from contextvars import ContextVar
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any, cast

from aiogram import BaseMiddleware
from aiogram.client.default import Default
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import (
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    Response,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, TelegramObject

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from aiogram import Bot

_pressed: ContextVar[Message | None] = ContextVar("pressed", default=None)
_EDITS = (EditMessageText, EditMessageReplyMarkup, EditMessageCaption)
_SYNONYMS = {"strong": "b", "em": "i", "ins": "u", "strike": "s", "del": "s"}


class PressedMessage(BaseMiddleware):
    """While a press is handled: the message it was on, for UnchangedEdits."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        message = event.message if isinstance(event, CallbackQuery) else None
        token = _pressed.set(message if isinstance(message, Message) else None)
        try:
            return await handler(event, data)
        finally:
            _pressed.reset(token)


class UnchangedEdits(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        shown = _pressed.get()
        if shown is None or not _edits(shown, method):
            return await make_request(bot, method)
        if _unchanged(shown, method, bot):
            # What aiogram's session returns for an edit: the message (not a Response).
            return cast("Response[TelegramType]", shown)
        response = await make_request(bot, method)
        _pressed.set(None)  # it shows something else now
        return response


def _edits(shown: Message, method: TelegramMethod[Any]) -> bool:
    """The method edits the pressed message."""
    if not isinstance(method, _EDITS):
        return False
    chat_id = getattr(method, "chat_id", None)
    message_id = getattr(method, "message_id", None)
    return str(chat_id) == str(shown.chat.id) and message_id == shown.message_id


def _unchanged(shown: Message, method: TelegramMethod[Any], bot: Bot) -> bool:
    if _keyboard(getattr(method, "reply_markup", None)) != _keyboard(shown.reply_markup):
        return False
    if isinstance(method, EditMessageReplyMarkup):
        return True
    if not isinstance(method, EditMessageText) or shown.text is None or method.entities:
        return False  # a caption's edit, or entities given: left to Telegram
    mode = method.parse_mode
    if isinstance(mode, Default):
        mode = bot.default[mode.name]
    if str(mode).lower() != "html":
        return not shown.entities and method.text == shown.text
    return _tokens(method.text or "") == _tokens(shown.html_text or "")


def _keyboard(markup: Any) -> Any:
    if not isinstance(markup, InlineKeyboardMarkup):
        return None
    return markup.model_dump(exclude_none=True, exclude_defaults=True)


def _tokens(html: str) -> list[tuple[Any, ...]]:
    """Telegram HTML as a sequence of tags and text, so that equal messages compare equal
    however they were escaped (&quot; or ") and their tags spelt (<b> or <strong>)."""
    parser = _Tokens()
    parser.feed(html)
    parser.close()
    return parser.tokens


class _Tokens(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple[Any, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(("<", _SYNONYMS.get(tag, tag), sorted((k, v or "") for k, v in attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append((">", _SYNONYMS.get(tag, tag)))

    def handle_data(self, data: str) -> None:
        if self.tokens and self.tokens[-1][0] == "":
            self.tokens[-1] = ("", self.tokens[-1][1] + data)
        else:
            self.tokens.append(("", data))
