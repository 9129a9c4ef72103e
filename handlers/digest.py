"""/digest: the weekly digest on demand, for admins; its attention list pages in place."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.context import Context
from bot.domain.attention import Limits
from bot.domain.digest import build_digest, digest_page
from bot.rendering import render, render_keyboard
from handlers.filters import admins_command, shown
from handlers.keyboards import DigestPage
from handlers.links import LINKS

router = Router(name=__name__)


async def _page(ctx: Context, page: int) -> tuple[str, InlineKeyboardMarkup]:
    settings, t = ctx.settings, ctx.t
    async with ctx.db.bulk_read() as tx:  # every active pair: off the event loop
        limits = Limits.of(
            settings.question_remind_hours,
            settings.question_escalate_hours,
            settings.inactivity_days,
        )
        digest = await build_digest(tx, ctx.now(), settings.tz, limits)
    text, buttons = digest_page(digest, settings.tz, page, LINKS)
    return render(t, text), InlineKeyboardMarkup.model_validate_json(render_keyboard(t, buttons))


@router.message(Command("digest"))
async def digest(message: Message, state: FSMContext, ctx: Context) -> None:
    if not await admins_command(message, state, ctx):
        return
    text, markup = await _page(ctx, 0)
    await message.answer(text, reply_markup=markup)


@router.callback_query(DigestPage.filter())
async def digest_page_pressed(
    callback: CallbackQuery, callback_data: DigestPage, ctx: Context
) -> None:
    """A page turned; a forged page (not a number) never gets here: the fallback says stale."""
    if not ctx.is_admin or callback_data.page < 0:
        await callback.answer(ctx.t.plain("stale-button"), show_alert=True)
        return
    text, markup = await _page(ctx, callback_data.page)
    await shown(callback).edit_text(text, reply_markup=markup)
    await callback.answer()
