"""What the council's papers say, apart from how they are laid out (bot/documents.py): a
milestone's mark of completion, the journal's hours per month, the questionnaires a reader may
see, the mentor's conclusion. By the programme's rules (attention.py), as /stats counts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, tzinfo

from bot.domain.attention import counts_for_completion, done_on_time, is_overdue_on
from bot.domain.feedback import FINAL
from bot.domain.rules import PairSide
from storage.export import MeetingRow, MilestoneRow
from storage.feedback import AnsweredRow


def milestone_mark(m: MilestoneRow, today: date, tz: tzinfo) -> tuple[str, dict[str, str]]:
    """The plan's «Отметка о выполнении» column: a catalog key and its arguments."""
    decided = m.decided_at.astimezone(tz).strftime("%d.%m.%Y") if m.decided_at else ""
    if m.status == "accepted":
        on_time = done_on_time(m.status, m.due, m.reported_at, tz)
        return ("report-mark-on-time" if on_time else "report-mark-late"), {"date": decided}
    if is_overdue_on(m.status, m.due, today):
        return "report-mark-overdue", {}
    return f"report-mark-{m.status}", {}


def completion(milestones: Iterable[MilestoneRow], today: date, tz: tzinfo) -> tuple[int, int]:
    """(done on time, counting for completion) of a plan."""
    counted = [m for m in milestones if counts_for_completion(m.status, m.due, today)]
    return sum(done_on_time(m.status, m.due, m.reported_at, tz) for m in counted), len(counted)


def hours_by_month(meetings: Iterable[MeetingRow], tz: tzinfo) -> list[tuple[date, int, int]]:
    """(the month's first day, meetings held, minutes) for each month with a meeting, in
    order: the journal's "hours are summed per month"."""
    months: dict[date, list[int]] = {}
    for meeting in meetings:
        day = meeting.starts_at.astimezone(tz).date().replace(day=1)
        found = months.setdefault(day, [0, 0])
        found[0] += 1
        found[1] += meeting.minutes
    return [(month, count, minutes) for month, (count, minutes) in sorted(months.items())]


def feedback_for(
    feedback: Iterable[AnsweredRow], *, admin: bool
) -> tuple[list[AnsweredRow], list[AnsweredRow]]:
    """The questionnaires a report shows: (forms with their scores, comments shown alone). An
    admin's copy has every answer; the mentor's has the mentor's own forms and only the
    comments a mentee chose to show."""
    forms = [f for f in feedback if admin or f.side == PairSide.MENTOR]
    shared = [] if admin else [f for f in feedback if f.side == PairSide.MENTEE and f.shared]
    return forms, shared


def conclusion(feedback: Iterable[AnsweredRow]) -> str | None:
    """The mentor's conclusion: the comment of the mentor's final questionnaire, else the
    latest the mentor wrote."""
    written = [f for f in feedback if f.side == PairSide.MENTOR and f.comment]
    chosen = [f for f in written if f.round == FINAL] or written
    return chosen[-1].comment if chosen else None
