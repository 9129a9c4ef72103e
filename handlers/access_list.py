"""The admins' list of pending access requests, sent instead of a copy of each in a flood: its
pages, each request opening as a card of its own (handlers/access.py), and «❌ Отклонить все»
for a flood nobody is going to review one by one."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup

from bot.context import Context
from bot.domain.onboarding import DeclinedAll, decline_all
from bot.i18n import Translator
from handlers.filters import AdminOnly, shown
from handlers.keyboards import (
    AccessDecision,
    DeclineAll,
    KeyboardBuilder,
    RequestsPage,
    fetch_page,
    pager,
)
from storage.models import AccessRequest

router = Router(name=__name__)
# The rights are checked at every press, whatever buttons the person was shown: a demoted
# admin's old list, or forged data, reaches none of these handlers.
router.callback_query.filter(AdminOnly())

NAME_CHARS = 40  # of a requester's name on a button


@router.callback_query(RequestsPage.filter())
async def requests_page(callback: CallbackQuery, callback_data: RequestsPage, ctx: Context) -> None:
    text, markup = await _requests_list(ctx, callback_data.page)
    await shown(callback).edit_text(text, reply_markup=markup)
    await callback.answer()


async def _requests_list(ctx: Context, page: int) -> tuple[str, InlineKeyboardMarkup]:
    """A page of the requests pending now, oldest first, and «❌ Отклонить все» for as many as
    the list counts: its button carries the newest of them, the bound of what it declines."""
    async with ctx.db.read() as tx:
        total, newest = await tx.requests.pending_and_newest()

    async def fetch(offset: int, limit: int) -> tuple[list[AccessRequest], int]:
        async with ctx.db.read() as tx:
            return await tx.requests.pending_page(offset, limit, up_to=newest), total

    requests, total, page = await fetch_page(fetch, page)
    t = ctx.t
    builder = KeyboardBuilder()
    for request in requests:
        name = request.display_name[:NAME_CHARS]
        label = f"{name} · @{request.username}" if request.username else name
        data = AccessDecision(request_id=request.id, action="show").pack()
        builder.row(InlineKeyboardButton(text=label, callback_data=data))
    pager(builder, t, page, total, lambda n: RequestsPage(page=n).pack())
    if not total:
        return t("access-requests-none"), builder.as_markup()
    ask = DeclineAll(up_to=newest, act="ask", page=page).pack()
    builder.row(InlineKeyboardButton(text=t("button-decline-all", count=total), callback_data=ask))
    return t("access-requests-list", count=total), builder.as_markup()


@router.callback_query(DeclineAll.filter(F.act == "ask"))
async def ask_to_decline_all(
    callback: CallbackQuery, callback_data: DeclineAll, ctx: Context
) -> None:
    """The question, in place of the list: how many, and what their senders will be told."""
    async with ctx.db.read() as tx:
        count = await tx.requests.count_pending(up_to=callback_data.up_to)
    message = shown(callback)
    if not count:  # decided meanwhile, one by one or by another admin: the list as it is now
        text, markup = await _requests_list(ctx, callback_data.page)
        await message.edit_text(text, reply_markup=markup)
        await callback.answer(ctx.t("access-declined-all-none"))
        return
    t = ctx.t
    yes = DeclineAll(up_to=callback_data.up_to, act="yes", page=callback_data.page).pack()
    back = RequestsPage(page=callback_data.page).pack()
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=t("button-decline-all-yes"), callback_data=yes)],
            [InlineKeyboardButton(text=t("button-back-to-requests"), callback_data=back)],
        ]
    )
    await message.edit_text(t("access-decline-all-question", count=count), reply_markup=markup)
    await callback.answer()


@router.callback_query(DeclineAll.filter(F.act == "yes"))
async def decline_all_requests(
    callback: CallbackQuery, callback_data: DeclineAll, ctx: Context
) -> None:
    outcome = await decline_all(ctx.db, ctx.me, ctx.now(), up_to=callback_data.up_to)
    if outcome.declined:
        ctx.told()  # the answers to their senders, the closing of every admin's copy
    text, markup = _declined_report(ctx.t, outcome)
    await shown(callback).edit_text(text, reply_markup=markup)
    await callback.answer(ctx.t("done") if outcome.declined else None)


def _declined_report(
    t: Translator, outcome: DeclinedAll
) -> tuple[str, InlineKeyboardMarkup | None]:
    """How many were declined, and the requests that came meanwhile with the button to them."""
    lines = [
        t("access-declined-all", count=outcome.declined)
        if outcome.declined
        else t("access-declined-all-none")
    ]
    if not outcome.newer:
        return "\n".join(lines), None
    lines.append(t("access-declined-all-newer", count=outcome.newer))
    data = RequestsPage(page=0).pack()
    button = InlineKeyboardButton(text=t("button-access-requests"), callback_data=data)
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=[[button]])
