"""/settings: each kind of reminder meant for the person, switched on ✅ or off 🔕 by a press,
and their quiet hours. A button carries the state it sets, so a double or stale press sets
nothing new and says so; a kind not meant for the person is refused."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.config import Settings
from bot.context import Context
from bot.domain.reminder_settings import kind_meant_for, kinds_for, switch_reminder, switched_on
from bot.i18n import Translator
from handlers.filters import shown
from handlers.keyboards import KeyboardBuilder

router = Router(name=__name__)


class ReminderSwitch(CallbackData, prefix="rs"):
    kind: str  # a switchable NoticeKind's name
    on: int  # the state the press sets: 1 on, 0 off


def _markup(t: Translator, states: dict[str, bool]) -> InlineKeyboardMarkup | None:
    builder = KeyboardBuilder()
    for kind, on in states.items():
        label = t.plain(
            "settings-button-on" if on else "settings-button-off",
            kind=t.plain(f"settings-kind-{kind}"),
        )
        data = ReminderSwitch(kind=kind, on=int(not on)).pack()
        builder.row(InlineKeyboardButton(text=label, callback_data=data))
    return builder.as_markup() if states else None


def _text(t: Translator, settings: Settings, any_kinds: bool) -> str:
    window = settings.quiet_window
    quiet = (
        t("settings-quiet", start=window[0].strftime("%H:%M"), end=window[1].strftime("%H:%M"))
        if window is not None
        else t("settings-quiet-off")
    )
    body = t("settings-hint") if any_kinds else t("settings-no-kinds")
    return "\n\n".join([t("settings-title"), body, quiet])


def _shown(markup: InlineKeyboardMarkup | None) -> list[tuple[str, str | None]]:
    if markup is None:
        return []
    return [(b.text, b.callback_data) for row in markup.inline_keyboard for b in row]


@router.message(Command("settings"))
async def settings_command(message: Message, ctx: Context) -> None:
    person, t = ctx.person, ctx.t
    if person is None:
        await message.answer(t("help-stranger"))
        return
    kinds = kinds_for(person, ctx.is_admin)
    async with ctx.db.read() as tx:
        states = await switched_on(tx, person.id, kinds)
    await message.answer(_text(t, ctx.settings, bool(kinds)), reply_markup=_markup(t, states))


@router.callback_query(ReminderSwitch.filter())
async def switch_pressed(
    callback: CallbackQuery, callback_data: ReminderSwitch, ctx: Context
) -> None:
    person, t = ctx.person, ctx.t
    kind = kind_meant_for(callback_data.kind, person, ctx.is_admin)
    if person is None or kind is None:
        await callback.answer(t("settings-not-yours"), show_alert=True)
        return
    wanted = bool(callback_data.on)
    kinds = kinds_for(person, ctx.is_admin)
    async with ctx.db.transaction() as tx:
        changed = (await switched_on(tx, person.id, [kind]))[kind.value] != wanted
        if changed:
            await switch_reminder(tx, person.id, kind, wanted, ctx.now())
        states = await switched_on(tx, person.id, kinds)
    label = t.plain(f"settings-kind-{kind.value}")
    if not changed:
        # A double press, or a button on an older /settings: its first press already did it.
        await callback.answer(t.plain("settings-already-on" if wanted else "settings-already-off"))
        return
    markup, message = _markup(t, states), shown(callback)
    if _shown(message.reply_markup) != _shown(markup):
        await message.edit_reply_markup(reply_markup=markup)
    await callback.answer(
        t.plain("settings-switched-on" if wanted else "settings-switched-off", kind=label)
    )
