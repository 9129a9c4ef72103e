"""/mentees (a mentor): each mentee with the plan's progress, the next
meeting, the last one held and the questions waiting for an answer."""

from __future__ import annotations

from datetime import tzinfo

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.context import Context
from bot.domain.bounded import bounded_lines
from bot.domain.overview import PairOverview, pair_overview
from bot.domain.rules import PairSide, local_today
from bot.i18n import Html, Translator
from handlers.filters import Member
from handlers.meetings.common import describe
from handlers.pair_choice import pairs_to_choose
from storage.models import Meeting, Role

router = Router(name=__name__)


@router.message(Command("mentees"), Member(Role.MENTOR))
async def mentees_command(message: Message, ctx: Context) -> None:
    t = ctx.t
    pairs = await pairs_to_choose(ctx.db, ctx.me, PairSide.MENTOR)
    if not pairs:
        await message.answer(t("mentees-none"))
        return
    now = ctx.now()
    today = local_today(now, ctx.tz)
    async with ctx.db.read() as tx:
        overviews = [await pair_overview(tx, pair, today, now) for pair in pairs]
    entries = [_entry(t, overview, ctx.tz) for overview in overviews]
    await message.answer(
        bounded_lines(
            entries, lambda n: t("mentees-more", count=n), head=t("mentees-head"), sep="\n\n"
        )
    )


@router.message(Command("mentees"))
async def mentees_not_mentor(message: Message, ctx: Context) -> None:
    await message.answer(ctx.t("mentees-mentors-only"))


def _entry(t: Translator, overview: PairOverview, tz: tzinfo) -> str:
    return t(
        "mentees-entry",
        name=overview.pair.mentee_name,
        kind=t.plain(f"pair-kind-{overview.pair.kind.value}"),
        overview=overview_text(t, overview, tz),
    )


def overview_text(t: Translator, overview: PairOverview, tz: tzinfo) -> Html:
    """How a pair is doing, in four lines: for a mentor's /mentees and an admin's pair card."""

    def meeting(found: Meeting | None) -> str:
        return t("mentees-nothing") if found is None else Html(describe(t, found, tz))

    return Html(
        t(
            "pair-overview",
            accepted=overview.accepted,
            total=overview.milestones,
            overdue=overview.overdue,
            next=meeting(overview.next_meeting),
            last=meeting(overview.last_held),
            questions=overview.open_questions,
        )
    )
