"""/overdue and /inactive for admins: the pairs that need attention for that reason, paged in
place, each with a button to its card. Counted as the digest counts (bot/domain/digest.py), so
the two never disagree."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.context import Context
from bot.domain.attention import Limits
from bot.domain.digest import Concern, build_digest, concern_page
from bot.rendering import render, render_keyboard
from handlers.filters import admins_command, shown
from handlers.keyboards import AttentionPage
from handlers.links import LINKS

router = Router(name=__name__)


async def _page(ctx: Context, concern: Concern, page: int) -> tuple[str, InlineKeyboardMarkup]:
    settings = ctx.settings
    limits = Limits.of(
        settings.question_remind_hours, settings.question_escalate_hours, settings.inactivity_days
    )
    async with ctx.db.bulk_read() as tx:  # every active pair: off the event loop
        digest = await build_digest(tx, ctx.now(), settings.tz, limits)
    text, buttons = concern_page(digest, concern, page, LINKS)
    markup = InlineKeyboardMarkup.model_validate_json(render_keyboard(ctx.t, buttons))
    return render(ctx.t, text), markup


@router.message(Command(*(concern.value for concern in Concern)))
async def concern_command(
    message: Message, command: CommandObject, state: FSMContext, ctx: Context
) -> None:
    if not await admins_command(message, state, ctx):
        return
    text, markup = await _page(ctx, Concern(command.command.lower()), 0)
    await message.answer(text, reply_markup=markup)


@router.callback_query(AttentionPage.filter())
async def concern_page_pressed(
    callback: CallbackQuery, callback_data: AttentionPage, ctx: Context
) -> None:
    """A page turned; a forged one (another concern, a page below 0) changes nothing."""
    concern = next((c for c in Concern if c.value == callback_data.concern), None)
    if not ctx.is_admin or concern is None or callback_data.page < 0:
        await callback.answer(ctx.t.plain("stale-button"), show_alert=True)
        return
    text, markup = await _page(ctx, concern, callback_data.page)
    await shown(callback).edit_text(text, reply_markup=markup)
    await callback.answer()
