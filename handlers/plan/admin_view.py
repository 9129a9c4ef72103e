"""An admin opens a pair's plan from the pair's card: the same pages and milestone cards as the
pair sees, read only, for a pair of any status. Every press re-checks that the person is an
admin; the mentor's and mentee's own views stay behind /plan."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery

from bot.context import Context
from bot.domain.plans import Found
from bot.i18n import as_sentence
from handlers.filters import shown
from handlers.keyboards import MilestoneCb, PlanCb
from handlers.plan.common import (
    ADMIN_FILE,
    ADMIN_VIEW,
    find_plan_for_admin,
    send_report_file,
    stale,
)
from handlers.plan.view import milestone_card, plan_view

router = Router(name=__name__)


async def _admin_found(
    callback: CallbackQuery, ctx: Context, *, pair_id: int = 0, milestone_id: int = 0
) -> Found | None:
    """The plan a press names for an admin; otherwise the press is answered and None."""
    t = ctx.t
    if not ctx.is_admin:
        await stale(callback, t)
        return None
    pair, found = await find_plan_for_admin(ctx.db, pair_id=pair_id, milestone_id=milestone_id)
    if pair is not None and found is None:
        # The plan went with the pair's mentee to the pair that took over (a reassignment).
        await callback.answer(as_sentence(t.plain("plan-no-plan")), show_alert=True)
        return None
    if found is None or (milestone_id and found.milestone is None):
        await stale(callback, t)
        return None
    return found


@router.callback_query(PlanCb.filter(F.action == ADMIN_VIEW))
async def admin_plan_page(callback: CallbackQuery, callback_data: PlanCb, ctx: Context) -> None:
    found = await _admin_found(callback, ctx, pair_id=callback_data.pair_id)
    if found is None:
        return
    text, markup = await plan_view(ctx, found, callback_data.page)
    await shown(callback).edit_text(text, reply_markup=markup)
    await callback.answer()


@router.callback_query(MilestoneCb.filter(F.action == ADMIN_VIEW))
async def admin_milestone(
    callback: CallbackQuery, callback_data: MilestoneCb, ctx: Context
) -> None:
    found = await _admin_found(callback, ctx, milestone_id=callback_data.milestone_id)
    if found is None or found.milestone is None:
        return
    text, markup = milestone_card(ctx.t, found, found.milestone, ctx.today())
    await shown(callback).edit_text(text, reply_markup=markup)
    await callback.answer()


@router.callback_query(MilestoneCb.filter(F.action == ADMIN_FILE))
async def admin_file(
    callback: CallbackQuery, callback_data: MilestoneCb, bot: Bot, ctx: Context
) -> None:
    """The admin gets the report's file in their own chat, by its file_id."""
    found = await _admin_found(callback, ctx, milestone_id=callback_data.milestone_id)
    if found is None or found.milestone is None:
        return
    milestone = found.milestone
    if not milestone.file_id:
        await stale(callback, ctx.t)
        return
    await send_report_file(bot, callback.from_user.id, ctx.t, found)
    await callback.answer()
