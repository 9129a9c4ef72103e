"""Consent to what the bot stores (bot/domain/consent.py): the text with ✅ / ❌ at a person's
first /start; until they accept, every command and button but /start, /mydata and /cancel
(the routers above this one; /help shows the text itself) brings the text back."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.context import Context
from bot.domain.consent import accept
from bot.domain.rules import CONSENT_VERSION, local_today, needs_consent
from handlers.filters import shown
from handlers.keyboards import ConsentCb
from handlers.menu import ChatMenus
from handlers.start import ask_consent, consent_message, greet
from storage.models import Person

router = Router(name=__name__)


class NeedsConsent(Filter):
    async def __call__(self, event: TelegramObject, person: Person | None) -> bool:
        return needs_consent(person)


@router.callback_query(ConsentCb.filter())
async def consent_pressed(
    callback: CallbackQuery, callback_data: ConsentCb, menus: ChatMenus, ctx: Context
) -> None:
    person, t = ctx.person, ctx.t
    if person is None or not person.active or callback_data.version != CONSENT_VERSION:
        await callback.answer(t("stale-button"), show_alert=True)
        return
    if callback_data.act != "yes":
        if needs_consent(person):
            await callback.answer()
            await shown(callback).answer(t("consent-declined"))
        else:
            await callback.answer(t("consent-already"), show_alert=True)
        return
    now = ctx.now()
    accepted = await accept(ctx.db, person.id, callback.from_user.username, now)
    message = shown(callback)
    if accepted is None:  # a second tap, or accepted in another message of theirs
        await callback.answer(t("consent-already"))
        return
    ctx.told()  # what was held for them goes now
    await callback.answer()
    today = t.date(local_today(now, ctx.tz))
    await message.edit_text(
        consent_message(t)[0] + "\n\n" + t("consent-accepted", date=today), reply_markup=None
    )
    await greet(message, ctx, menus, accepted, ctx.is_admin or accepted.has_admin_rights, now)


@router.message(NeedsConsent())
async def consent_first(message: Message, ctx: Context) -> None:
    await ask_consent(message, ctx.t)


@router.callback_query(NeedsConsent())
async def consent_first_press(callback: CallbackQuery, ctx: Context) -> None:
    await callback.answer(ctx.t("consent-first"), show_alert=True)
