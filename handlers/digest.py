"""/digest: the weekly digest on demand, for admins; its attention list pages in place."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.config import Settings
from bot.domain.attention import Limits
from bot.domain.digest import build_digest, digest_page
from bot.i18n import Translator
from bot.rendering import render, render_keyboard
from handlers.keyboards import DigestPage
from handlers.links import LINKS
from scheduler.clock import Clock
from storage.db import Database

router = Router(name=__name__)


async def _page(
    db: Database, settings: Settings, clock: Clock, t: Translator, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    async with db.bulk_read() as tx:  # every active pair: off the event loop
        limits = Limits.of(
            settings.question_remind_hours,
            settings.question_escalate_hours,
            settings.inactivity_days,
        )
        digest = await build_digest(tx, clock.now(), settings.tz, limits)
    text, buttons = digest_page(digest, settings.tz, page, LINKS)
    return render(t, text), InlineKeyboardMarkup.model_validate_json(render_keyboard(t, buttons))


@router.message(Command("digest"))
async def digest(
    message: Message,
    state: FSMContext,
    db: Database,
    settings: Settings,
    clock: Clock,
    is_admin: bool,
    t: Translator,
) -> None:
    if not is_admin:
        await message.answer(t("admin-only"))
        return
    await state.clear()
    text, markup = await _page(db, settings, clock, t, 0)
    await message.answer(text, reply_markup=markup)


@router.callback_query(DigestPage.filter())
async def digest_page_pressed(
    callback: CallbackQuery,
    callback_data: DigestPage,
    db: Database,
    settings: Settings,
    clock: Clock,
    is_admin: bool,
    t: Translator,
) -> None:
    """A page turned; a forged page (not a number) never gets here: the fallback says stale."""
    if not is_admin or callback_data.page < 0 or not isinstance(callback.message, Message):
        await callback.answer(t.plain("stale-button"), show_alert=True)
        return
    text, markup = await _page(db, settings, clock, t, callback_data.page)
    await callback.message.edit_text(text, reply_markup=markup)
    await callback.answer()
