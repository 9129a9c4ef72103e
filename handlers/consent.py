"""Consent to what the bot stores (bot/domain/consent.py): the text with ✅ / ❌ at a person's
first /start; until they accept, every command and button but /start, /mydata and /cancel
(the routers above this one; /help shows the text itself) brings the text back. /mydata offers
to withdraw it: a confirmation that says what follows, then the same as before they accepted."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Filter
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardRemove,
    TelegramObject,
)

from bot.context import Context
from bot.domain.consent import accept, withdraw
from bot.domain.rules import CONSENT_VERSION, has_consent, local_today, needs_consent
from bot.i18n import Translator
from handlers.filters import shown
from handlers.keyboards import ConsentCb, ConsentWithdrawal
from handlers.links import LINKS
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


def _withdrawal_button(t: Translator, key: str, act: str) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(text=t(key), callback_data=ConsentWithdrawal(act=act).pack())]


def withdrawal_offer(t: Translator) -> InlineKeyboardMarkup:
    """🚫 under the /mydata summary of someone who accepted the consent text."""
    return InlineKeyboardMarkup(inline_keyboard=[_withdrawal_button(t, "consent-withdraw", "ask")])


@router.callback_query(ConsentWithdrawal.filter())
async def withdrawal_pressed(
    callback: CallbackQuery, callback_data: ConsentWithdrawal, menus: ChatMenus, ctx: Context
) -> None:
    """🚫 under /mydata asks; «🚫 Отозвать» withdraws the presser's own consent (the data names
    nobody else), «↩️ Не отзывать» leaves it."""
    person, t, act = ctx.person, ctx.t, callback_data.act
    if person is None or act not in ("ask", "yes", "no"):
        await callback.answer(t("stale-button"), show_alert=True)
        return
    if not has_consent(person):
        if person.consent_withdrawn_at is not None:  # a second tap, or another confirmation's
            await callback.answer(t("consent-withdrawn-already"))
        else:  # never given: the text comes first, as for any other button
            await callback.answer(t("consent-first"), show_alert=True)
        return
    message = shown(callback)
    if act == "ask":
        await callback.answer()
        markup = InlineKeyboardMarkup(
            inline_keyboard=[
                _withdrawal_button(t, "consent-withdraw-yes", "yes"),
                _withdrawal_button(t, "consent-withdraw-no", "no"),
            ]
        )
        await message.answer(t("consent-withdraw-question"), reply_markup=markup)
        return
    if act == "no":
        await callback.answer()
        await message.edit_text(t("consent-withdraw-kept"), reply_markup=None)
        return
    now = ctx.now()
    withdrawn = await withdraw(ctx.db, person.id, now, LINKS)
    if withdrawn is None:  # two taps at once
        await callback.answer(t("consent-withdrawn-already"))
        return
    ctx.told()  # the admins' notices
    menus.request(withdrawn, ctx.is_admin)  # the bot-wide menu: their commands do not answer
    await callback.answer()
    await message.edit_reply_markup(reply_markup=None)  # the question stays, as what they chose
    today = t.date(local_today(now, ctx.tz))
    # Its buttons and the keyboard's would only bring the consent text back: both go.
    await message.answer(t("consent-withdrawn", date=today), reply_markup=ReplyKeyboardRemove())


@router.message(NeedsConsent())
async def consent_first(message: Message, ctx: Context) -> None:
    await ask_consent(message, ctx.t)


@router.callback_query(NeedsConsent())
async def consent_first_press(callback: CallbackQuery, ctx: Context) -> None:
    await callback.answer(ctx.t("consent-first"), show_alert=True)
