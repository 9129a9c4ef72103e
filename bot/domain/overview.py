"""How a pair is doing, in one place: what a mentor's /mentees shows for each mentee (and what
an admin's pair card and the weekly digest will show), from the same rules as the plan, the
meetings and the questions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.attention import is_overdue
from bot.domain.plans import progress
from storage.models import Meeting, Pair
from storage.repos import Repos


@dataclass(frozen=True, slots=True)
class PairOverview:
    pair: Pair
    accepted: int  # milestones accepted …
    milestones: int  # … of the plan's milestones
    overdue: int
    next_meeting: Meeting | None
    last_held: Meeting | None
    open_questions: int


async def pair_overview(tx: Repos, pair: Pair, today: date, now: datetime) -> PairOverview:
    plan = await tx.plans.for_pair(pair.id)
    milestones = await tx.plans.milestones(plan.id) if plan is not None else []
    accepted, total = progress(milestones)
    return PairOverview(
        pair=pair,
        accepted=accepted,
        milestones=total,
        overdue=sum(is_overdue(milestone, today) for milestone in milestones),
        next_meeting=await tx.meetings.next_of_pair(pair.id, now),
        last_held=await tx.meetings.last_held_of_pair(pair.id),
        open_questions=await tx.questions.open_count(pair.id),
    )


PROGRESS_CELLS = 5


def progress_bar(accepted: int, total: int, cells: int = PROGRESS_CELLS) -> str:
    """The plan's progress at a glance, «▓▓▓░░»: a cell a fifth of the milestones accepted
    (rounded down, so a full bar means all of them; a plan with none is all empty)."""
    filled = accepted * cells // total if total else 0
    return "▓" * filled + "░" * (cells - filled)
