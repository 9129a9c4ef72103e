"""/export for admins: the programme as an XLSX workbook, or `/export csv` as a zip of CSV
files, for a period and optionally one department (as /stats takes them). Read and written in
a child process (bot/jobs.py via bot/offload.py), so the bot keeps answering and its memory
does not grow with the programme."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, Message

from bot.context import Context
from bot.domain.export import LABELS
from bot.domain.rules import local_today
from bot.domain.stats import StatsQuery, parse_query
from bot.jobs import NoSuchDepartment, export_file
from handlers.filters import admins_command
from handlers.offloaded import Failed, made_in_child
from handlers.stats import not_found

router = Router(name=__name__)

KINDS = ("xlsx", "csv")


@router.message(Command("export"))
async def export_command(
    message: Message, command: CommandObject, state: FSMContext, ctx: Context
) -> None:
    if not await admins_command(message, state, ctx):
        return
    words = (command.args or "").split(maxsplit=1)
    kind = "xlsx"
    if words and words[0].casefold() in KINDS:
        kind, words = words[0].casefold(), words[1:]
    tz = ctx.settings.tz
    today = local_today(ctx.now(), tz)
    query = parse_query(" ".join(words), today)
    if not isinstance(query, StatsQuery):
        await message.answer(ctx.t("export-usage"))
        return
    labels = {key: ctx.t.plain(key) for key in LABELS}
    made = await made_in_child(
        message, ctx, "upload_document", "export-failed", export_file, ctx.db.path,
        query.period, query.department, labels, ctx.settings.timezone, today, kind,
    )  # fmt: skip
    if isinstance(made, Failed):
        return
    if isinstance(made, NoSuchDepartment):
        await message.answer(not_found(ctx, query.department or "", made.names))
        return
    data, department = made
    period = {
        "first": query.period.first.strftime("%d.%m.%Y"),
        "last": query.period.last.strftime("%d.%m.%Y"),
    }
    name = ctx.t.plain("export-file-name", **period, kind=kind if kind == "xlsx" else "zip")
    caption = "export-caption-csv" if kind == "csv" else "export-caption"
    where = f", {department}" if department else ""
    await message.answer_document(
        BufferedInputFile(data, filename=name), caption=ctx.t(caption, **period, where=where)
    )
