"""/stats for admins: the programme over a period (the academic year so far unless given),
overall and per department, or one department's figures (bot/domain/stats.py)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.context import Context
from bot.domain.questions import excerpt
from bot.domain.rules import local_today
from bot.domain.stats import (
    DEPARTMENT_CHARS,
    StatsQuery,
    build_stats,
    match_department,
    narrowed,
    parse_query,
    stats_text,
)
from bot.rendering import render

router = Router(name=__name__)

NAMES_SHOWN = 15  # departments named when the one asked for is not found


@router.message(Command("stats"))
async def stats_command(
    message: Message, command: CommandObject, state: FSMContext, ctx: Context
) -> None:
    if not ctx.is_admin:
        await message.answer(ctx.t("admin-only"))
        return
    await state.clear()
    tz = ctx.settings.tz
    query = parse_query(command.args, local_today(ctx.now(), tz))
    if not isinstance(query, StatsQuery):
        await message.answer(ctx.t(query))
        return
    async with ctx.db.bulk_read() as tx:  # every pair and meeting of the period
        stats = await build_stats(tx, query.period, ctx.now(), tz)
    if query.department is not None:
        names = [d.name for d in stats.departments if d.name]
        found = match_department(query.department, names)
        if found is None:
            await message.answer(not_found(ctx, query.department, names))
            return
        stats = narrowed(stats, found)
    await message.answer(render(ctx.t, stats_text(stats)))


def not_found(ctx: Context, query: str, names: list[str]) -> str:
    if not names:
        return ctx.t("stats-no-departments")
    shown = [f"«{excerpt(name, DEPARTMENT_CHARS)}»" for name in names[:NAMES_SHOWN]]
    if len(names) > NAMES_SHOWN:
        shown.append("…")
    return ctx.t(
        "stats-no-department", query=excerpt(query, DEPARTMENT_CHARS), names=", ".join(shown)
    )
