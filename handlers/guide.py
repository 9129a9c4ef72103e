"""The reader's own guide from /help: docs/mentee.md, docs/mentor.md or docs/admin.md (the
guides the college's teachers and methodists read), sent in the chat as a few messages.

The guides are Markdown of a few kinds only (headings, lists, **bold**, `code`, links), turned
into Telegram's HTML here, a section per paragraph; parts are cut at section boundaries so that
each message stays within Telegram's limit whatever a guide grows to.
"""

from __future__ import annotations

import asyncio
import html
import re
from functools import cache
from pathlib import Path

from aiogram import Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton

from bot.context import Context
from bot.domain.bounded import MESSAGE_LIMIT, text_length
from bot.i18n import Translator
from handlers.filters import shown
from storage.models import Role

router = Router(name=__name__)

GUIDES = Path(__file__).resolve().parents[1] / "docs"  # the repository's guides
PART_LIMIT = MESSAGE_LIMIT
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


class Guide(CallbackData, prefix="gd"):
    name: str  # mentee | mentor | admin


def guides_for(role: Role | None, is_admin: bool) -> list[str]:
    """The guides a person reads: their role's, and the admin's if they have the rights."""
    names = [role.value] if role is not None and role is not Role.ADMIN else []
    if is_admin or role is Role.ADMIN:
        names.append(Role.ADMIN.value)
    return [name for name in names if (GUIDES / f"{name}.md").is_file()]


def guide_buttons(t: Translator, role: Role | None, is_admin: bool) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(
            text=t.plain(f"guide-button-{name}"), callback_data=Guide(name=name).pack()
        )
        for name in guides_for(role, is_admin)
    ]


def _inline(text: str) -> str:
    text = html.escape(_LINK.sub(r"\1", text), quote=False)
    text = _BOLD.sub(r"<b>\1</b>", text)
    return _CODE.sub(r"<code>\1</code>", text)


def to_html(markdown: str) -> list[str]:
    """The guide's sections (a heading with what follows it) in Telegram's HTML."""
    sections: list[list[str]] = [[]]
    for raw in markdown.splitlines():
        line = raw.rstrip()
        if line.startswith("#"):
            sections.append([f"<b>{_inline(line.lstrip('#').strip())}</b>"])
        elif line.lstrip().startswith("- "):
            sections[-1].append("• " + _inline(line.lstrip()[2:]))
        elif line.startswith("  ") and sections[-1] and line.strip():
            sections[-1][-1] += " " + _inline(line.strip())  # a list item's next line
        elif line.strip():
            sections[-1].append(_inline(line.strip()))
    return ["\n".join(lines) for lines in sections if lines]


def parts_of(markdown: str, limit: int = PART_LIMIT) -> list[str]:
    """The guide as messages of whole sections; a section longer than a message goes line by
    line (a line is a paragraph or a list item, never cut inside its HTML)."""
    parts: list[str] = []

    def add(piece: str, sep: str) -> None:
        if parts and text_length(parts[-1]) + len(sep) + text_length(piece) <= limit:
            parts[-1] += sep + piece
        else:
            parts.append(piece)

    for section in to_html(markdown):
        if text_length(section) <= limit:
            add(section, "\n\n")
            continue
        for number, line in enumerate(section.split("\n")):
            add(line, "\n\n" if number == 0 else "\n")
    return parts


@cache
def _parts(name: str) -> tuple[str, ...]:
    return tuple(parts_of((GUIDES / f"{name}.md").read_text(encoding="utf-8")))


@router.callback_query(Guide.filter())
async def send_guide(callback: CallbackQuery, callback_data: Guide, ctx: Context) -> None:
    role = ctx.person.role if ctx.person is not None else None
    if callback_data.name not in guides_for(role, ctx.is_admin):
        await callback.answer(ctx.t("stale-button"), show_alert=True)
        return
    parts = await asyncio.to_thread(_parts, callback_data.name)  # read once, off the loop
    await callback.answer()
    message = shown(callback)
    for part in parts:
        await message.answer(part)
