"""A command's heavy work (/stats, /export, the reports) in a child process (bot/offload.py):
the chat shows an action meanwhile, and if the child fails the person is told so in one message
and the log says why. The jobs only read, so nothing was changed either way."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Final, TypeVar

from aiogram.types import Message

from bot.context import Context
from bot.offload import in_child

log = logging.getLogger(__name__)
T = TypeVar("T")


class Failed:
    """The job did not finish; the person has been told."""


FAILED: Final = Failed()


async def made_in_child(
    chat: Message, ctx: Context, action: str, failed_key: str, job: Callable[..., T], *args: Any
) -> T | Failed:
    """`job(*args)` in a child process; `action`: the chat action shown ("typing",
    "upload_document"); `failed_key`: the text that says it did not work."""
    if chat.bot is not None:
        await chat.bot.send_chat_action(chat.chat.id, action)
    try:
        return await in_child(job, *args)
    except Exception:  # the child failed or was killed
        log.exception("%s failed", getattr(job, "__name__", "a child's job"))
        await chat.answer(ctx.t(failed_key))
        return FAILED
