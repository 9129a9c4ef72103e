"""/import (admin): send a roster file (CSV or XLSX) after the command; the answer is a summary
with every bad row by its line number. A file that is not a roster is refused whole."""

from __future__ import annotations

import asyncio
import io
import logging
from functools import cache
from importlib import resources

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, Message

from bot.context import Context
from bot.domain.bounded import bounded_lines
from bot.domain.roster import RowError, parse_roster
from bot.domain.roster_file import RosterRefused
from bot.domain.roster_import import ImportSummary, import_roster
from bot.domain.rules import ROSTER_MAX_BYTES, local_today
from bot.i18n import Html, Translator
from handlers.filters import AdminOnly, MenuButton
from handlers.forms import Draft, admins_only, start_draft
from handlers.keyboards import cancel_button
from handlers.links import LINKS

log = logging.getLogger(__name__)
router = Router(name=__name__)
router.message.filter(AdminOnly())


class ImportForm(StatesGroup):
    file = State()


admins_only(ImportForm)


class ImportDraft(Draft):
    """Nothing gathered: the import waits for its one file (only the run's id is kept)."""


@router.message(Command("import"))
@router.message(MenuButton("menu-import"))
async def ask_for_file(message: Message, state: FSMContext, ctx: Context) -> None:
    t = ctx.t
    draft = await start_draft(state, ImportForm.file, ImportDraft())
    for file_name, caption in SAMPLES:  # first: the prompt, with its button, comes last
        sample = BufferedInputFile(_sample(file_name), filename=t.plain(f"{caption}-file"))
        await message.answer_document(sample, caption=t(caption))
    await message.answer(
        t("roster-send-file"),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button(t, draft.form)]]),
    )


# The sample rosters sent with the prompt (bot/samples: the example roster of examples/).
SAMPLES = (("roster.xlsx", "roster-sample-xlsx"), ("roster.csv", "roster-sample-csv"))


@cache
def _sample(file_name: str) -> bytes:
    return (resources.files("bot") / "samples" / file_name).read_bytes()


@router.message(ImportForm.file, F.document)
async def receive_file(
    message: Message,
    state: FSMContext,
    bot: Bot,
    ctx: Context,
) -> None:
    t = ctx.t
    document = message.document
    assert document is not None
    # Decided by content below; the size is checked before downloading when Telegram tells it.
    if document.file_size is not None and document.file_size > ROSTER_MAX_BYTES:
        too_big = t("roster-refused-too-big", max_mb=ROSTER_MAX_BYTES // 2**20)
        await message.answer(t("roster-refused", reason=Html(too_big)))
        return
    buffer = io.BytesIO()
    await bot.download(document, destination=buffer)
    data = buffer.getvalue()
    try:
        # Off the event loop: a 5 000-row file takes a while, and everyone else keeps talking.
        roster = await asyncio.to_thread(parse_roster, data, document.file_name)
    except RosterRefused as refusal:
        await message.answer(t("roster-refused", reason=Html(t(refusal.key, **refusal.args))))
        return
    await state.clear()
    now, settings, me = ctx.now(), ctx.settings, ctx.me
    summary = await import_roster(
        ctx.db,
        roster,
        now=now,
        today=local_today(now, settings.tz),
        max_mentees_per_mentor=settings.max_mentees_per_mentor,
        template=settings.template,
        links=LINKS,
        imported_by=me.id,
    )
    ctx.told()  # pair notices, and the closing of requests the roster settled
    log.info(
        "roster imported by %s: %s added, %s updated, %s pairs, %s errors;"
        " write transaction %.3f s, planned %s time(s)",
        me.id,
        summary.added,
        summary.updated,
        summary.pairs_formed,
        len(summary.errors),
        summary.write_seconds,
        summary.plans,
    )
    await message.answer(render_summary(t, summary))


@router.message(ImportForm.file, ~F.text.startswith("/"))
async def not_a_file(message: Message, ctx: Context) -> None:
    await message.answer(ctx.t("roster-expecting-file"))


@router.message(F.document)
async def file_without_command(message: Message, ctx: Context) -> None:
    await message.answer(ctx.t("roster-use-import-first"))


REPLY_ERROR_LINES = 40  # the bad rows listed in the reply; the rest are counted


def render_summary(t: Translator, summary: ImportSummary) -> str:
    """The bot's reply: the counts, then one line per bad row (as many as fit one message)."""
    lines = [
        t("roster-summary-title"),
        t("roster-summary-added", count=summary.added),
        t("roster-summary-updated", count=summary.updated),
        t("roster-summary-unchanged", count=summary.unchanged),
        t("roster-summary-pairs", count=summary.pairs_formed),
    ]
    if not summary.errors:
        lines.append(t("roster-summary-no-errors"))
        return "\n".join(lines)
    lines.append("")
    lines.append(t("roster-summary-errors", count=len(summary.errors)))
    # One line more than shown is rendered, so that a cut always counts what it left out.
    rendered = summary.errors[: REPLY_ERROR_LINES + 1]
    unrendered = len(summary.errors) - len(rendered)
    return bounded_lines(
        [
            t("roster-summary-error", line=str(error.line), reason=Html(_reason(t, error)))
            for error in rendered
        ],
        lambda n: t("roster-summary-more-errors", count=n + unrendered),
        head="\n".join(lines),
        max_lines=REPLY_ERROR_LINES,
    )


def _reason(t: Translator, error: RowError) -> str:
    return t(error.key, **error.args)
