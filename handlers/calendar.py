"""The one inline calendar of the bot: a month grid whose days are buttons, ◀️ / ▶️ turning
the month, every button carrying the form run it belongs to. A journey renders a month with
`calendar_markup` and turns a press into a date with `pressed_date`; turning the month is
handled here for every journey."""

from __future__ import annotations

import calendar as month_grid
from datetime import date

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.domain.dates import MAX_DATE, MIN_DATE, in_range
from bot.i18n import Translator
from handlers.forms import OfCurrentForm
from handlers.keyboards import Nav, cancel_button

router = Router(name=__name__)


class CalendarPress(CallbackData, prefix="cl"):
    purpose: str  # the journey whose form shows the calendar: meet …
    year: int
    month: int
    day: int = 0  # 0: show this month
    form: int = 0  # the form run (handlers.forms)


def _noop(text: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=Nav(action="noop").pack())


def _month_in_range(year: int, month: int) -> bool:
    return (MIN_DATE.year, MIN_DATE.month) <= (year, month) <= (MAX_DATE.year, MAX_DATE.month)


def _shift(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def calendar_markup(
    t: Translator, purpose: str, form: int, year: int, month: int
) -> InlineKeyboardMarkup:
    """A month as buttons: the title, the weekdays, up to six weeks, ◀️ / ▶️ and Cancel
    (at most 1 + 7 + 42 + 3 + 1 = 54 buttons)."""
    if not _month_in_range(year, month):
        year, month = MIN_DATE.year, MIN_DATE.month
    rows = [[_noop(f"{t.plain(f'month-{month}')} {year}")]]
    rows.append([_noop(day) for day in t.plain("calendar-weekdays").split()])
    for week in month_grid.Calendar().monthdayscalendar(year, month):
        rows.append(
            [
                InlineKeyboardButton(
                    text=str(day),
                    callback_data=CalendarPress(
                        purpose=purpose, year=year, month=month, day=day, form=form
                    ).pack(),
                )
                if day
                else _noop(" ")
                for day in week
            ]
        )
    nav = []
    for by, key in ((-1, "button-prev"), (1, "button-next")):
        y, m = _shift(year, month, by)
        if _month_in_range(y, m):
            data = CalendarPress(purpose=purpose, year=y, month=m, form=form).pack()
            nav.append(InlineKeyboardButton(text=t.plain(key), callback_data=data))
    rows.append(nav)
    rows.append([cancel_button(t, form)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def pressed_date(press: CalendarPress) -> date | None:
    """The day a press names, if it is a real date within the programme's range."""
    try:
        day = date(press.year, press.month, press.day)
    except ValueError:
        return None
    return day if in_range(day) else None


@router.callback_query(CalendarPress.filter(F.day == 0), OfCurrentForm())
async def turn_month(callback: CallbackQuery, callback_data: CalendarPress, t: Translator) -> None:
    if not isinstance(callback.message, Message) or not _month_in_range(
        callback_data.year, callback_data.month
    ):
        await callback.answer(t("stale-button"), show_alert=True)
        return
    markup = calendar_markup(
        t, callback_data.purpose, callback_data.form, callback_data.year, callback_data.month
    )
    await callback.message.edit_reply_markup(reply_markup=markup)
    await callback.answer()
