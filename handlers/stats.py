"""/stats for admins: the programme over a period (the academic year so far unless given),
overall and per department, or one department's figures (bot/domain/stats.py), then its chart
as a photo. Counted and drawn in a child process (bot/jobs.py via bot/offload.py)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, Message

from bot.chart import LABELS as CHART_LABELS
from bot.context import Context
from bot.domain.questions import excerpt
from bot.domain.rules import local_today
from bot.domain.stats import DEPARTMENT_CHARS, StatsQuery, parse_query, stats_text
from bot.jobs import NoSuchDepartment, stats_with_chart
from bot.rendering import render
from handlers.filters import admins_command
from handlers.offloaded import Failed, made_in_child

router = Router(name=__name__)

NAMES_SHOWN = 15  # departments named when the one asked for is not found


@router.message(Command("stats"))
async def stats_command(
    message: Message, command: CommandObject, state: FSMContext, ctx: Context
) -> None:
    if not await admins_command(message, state, ctx):
        return
    tz = ctx.settings.tz
    query = parse_query(command.args, local_today(ctx.now(), tz))
    if not isinstance(query, StatsQuery):
        await message.answer(ctx.t(query))
        return
    labels = {key: ctx.t.plain(key) for key in CHART_LABELS}
    made = await made_in_child(
        message, ctx, "typing", "stats-failed", stats_with_chart, ctx.db.path, query.period,
        query.department, labels, ctx.settings.timezone, ctx.now(),
    )  # fmt: skip
    if isinstance(made, Failed):
        return
    if isinstance(made, NoSuchDepartment):
        await message.answer(not_found(ctx, query.department or "", made.names))
        return
    await message.answer(render(ctx.t, stats_text(made.stats)))
    if made.chart is not None:
        await message.answer_photo(
            BufferedInputFile(made.chart, filename="stats.png"),
            caption=ctx.t("stats-chart-caption"),
        )


def not_found(ctx: Context, query: str, names: list[str]) -> str:
    if not names:
        return ctx.t("stats-no-departments")
    shown = [f"«{excerpt(name, DEPARTMENT_CHARS)}»" for name in names[:NAMES_SHOWN]]
    if len(names) > NAMES_SHOWN:
        shown.append("…")
    return ctx.t(
        "stats-no-department", query=excerpt(query, DEPARTMENT_CHARS), names=", ".join(shown)
    )
