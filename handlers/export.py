"""/export for admins: the programme as an XLSX workbook, or `/export csv` as a zip of CSV
files, for a period and optionally one department (as /stats takes them). The rows are read
here; the file is written in a child process (bot/offload.py), so the bot keeps answering."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, Message

from bot.context import Context
from bot.domain.export import LABELS
from bot.domain.rules import local_today
from bot.domain.stats import StatsQuery, match_department, parse_query
from bot.offload import in_child
from bot.spreadsheet import write_export
from handlers.stats import not_found

router = Router(name=__name__)
logger = logging.getLogger(__name__)

KINDS = ("xlsx", "csv")


@router.message(Command("export"))
async def export_command(
    message: Message, command: CommandObject, state: FSMContext, ctx: Context
) -> None:
    if not ctx.is_admin:
        await message.answer(ctx.t("admin-only"))
        return
    await state.clear()
    words = (command.args or "").split(maxsplit=1)
    kind = "xlsx"
    if words and words[0].casefold() in KINDS:
        kind, words = words[0].casefold(), words[1:]
    tz = ctx.settings.tz
    today = local_today(ctx.now(), tz)
    query = parse_query(words[0] if words else None, today)
    if not isinstance(query, StatsQuery):
        await message.answer(ctx.t("export-usage"))
        return
    since, until = query.period.bounds(tz)
    async with ctx.db.bulk_read() as tx:
        rows = await tx.export.rows(query.period.first, query.period.last, since, until)
    department = None
    if query.department is not None:
        names = sorted({p.department for p in rows.pairs if p.department})
        department = match_department(query.department, names)
        if department is None:
            await message.answer(not_found(ctx, query.department, names))
            return
    await message.bot.send_chat_action(message.chat.id, "upload_document")  # type: ignore[union-attr]
    labels = {key: ctx.t.plain(key) for key in LABELS}
    try:
        data = await in_child(
            write_export,
            rows,
            query.period,
            department,
            labels,
            ctx.settings.timezone,
            today,
            kind,
        )
    except Exception:  # the child failed or was killed: nothing was changed, say so
        logger.exception("export failed")
        await message.answer(ctx.t("export-failed"))
        return
    period = {
        "first": query.period.first.strftime("%d.%m.%Y"),
        "last": query.period.last.strftime("%d.%m.%Y"),
    }
    name = ctx.t.plain("export-file-name", **period, kind=kind if kind == "xlsx" else "zip")
    await message.answer_document(
        BufferedInputFile(data, filename=name),
        caption=ctx.t(
            "export-caption-csv" if kind == "csv" else "export-caption",
            **period,
            where=f", {department}" if department else "",
        ),
    )
