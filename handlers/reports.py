"""The council's papers as DOCX: `/report [period]` for admins (the programme's report), and a
pair's report from its card or from the offer at mid-period and a week before the end, for
the admins and the pair's own mentor. Written in a child process (bot/jobs.py)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot.context import Context
from bot.domain.rules import local_today
from bot.domain.stats import StatsQuery, parse_query
from bot.jobs import pair_report_file, programme_report_file
from handlers.filters import admins_command, shown
from handlers.keyboards import PairReportCb
from handlers.offloaded import Failed, made_in_child

router = Router(name=__name__)


@router.message(Command("report"))
async def programme_report(
    message: Message, command: CommandObject, state: FSMContext, ctx: Context
) -> None:
    if not await admins_command(message, state, ctx):
        return
    query = parse_query(command.args, local_today(ctx.now(), ctx.tz))
    if not isinstance(query, StatsQuery) or query.department is not None:
        await message.answer(ctx.t("report-usage"))
        return
    data = await made_in_child(
        message, ctx, "upload_document", "report-failed", programme_report_file, ctx.db.path,
        query.period, ctx.t.language, ctx.settings.timezone, ctx.now(),
    )  # fmt: skip
    if isinstance(data, Failed):
        return
    period = {
        "first": query.period.first.strftime("%d.%m.%Y"),
        "last": query.period.last.strftime("%d.%m.%Y"),
    }
    await message.answer_document(
        BufferedInputFile(data, filename=ctx.t.plain("report-file-programme", **period)),
        caption=ctx.t("report-caption-programme", **period),
    )


@router.callback_query(PairReportCb.filter())
async def pair_report(callback: CallbackQuery, callback_data: PairReportCb, ctx: Context) -> None:
    """An admin's copy (every answer), or the pair's mentor's own (a forged press for another
    pair, or by anyone else, is refused)."""
    async with ctx.db.read() as tx:
        pair = await tx.pairs.get(callback_data.pair_id)
    mentor = pair is not None and ctx.person is not None and ctx.person.id == pair.mentor_id
    if pair is None or not (ctx.is_admin or mentor):
        await callback.answer(ctx.t.plain("stale-button"), show_alert=True)
        return
    await callback.answer()
    data = await made_in_child(
        shown(callback), ctx, "upload_document", "report-failed", pair_report_file,
        ctx.db.path, pair.id, ctx.is_admin, ctx.t.language, ctx.settings.timezone, ctx.now(),
    )  # fmt: skip
    if isinstance(data, Failed):
        return
    if data is None:  # the pair is gone
        await shown(callback).answer(ctx.t("report-failed"))
        return
    await shown(callback).answer_document(
        BufferedInputFile(data, filename=ctx.t.plain("report-file-pair", pair=pair.id)),
        caption=ctx.t("report-caption-pair", mentee=pair.mentee_name, mentor=pair.mentor_name),
    )
