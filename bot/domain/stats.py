"""/stats: the programme over a period, overall and per department — the pairs that worked in
it, plan completion (milestones done on time, of those whose outcome is settled), meetings held
and their hours, lessons visited both ways and open lessons (the journal's forms of work), and
questions with the median time to an answer. Counted in Python by the programme's named rules
(bot/domain/attention.py), off the event loop; the export and the programme's report read the
same figures from here."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from bot.domain.attention import counts_for_completion, done_on_time
from bot.domain.dates import parse_date
from bot.domain.feedback import ITEMS
from bot.domain.meeting_rules import duration_text
from bot.domain.questions import excerpt
from bot.domain.rules import local_today
from bot.notices import REST, Lines, Text, joined
from storage.models import MeetingFormat, PairStatus
from storage.repos import Repos
from storage.stats import StatsRows

DEPARTMENT_CHARS = 60
ACADEMIC_YEAR_STARTS = 9  # September: a period not given is the academic year so far


@dataclass(frozen=True, slots=True)
class Period:
    """Local days, both included."""

    first: date
    last: date

    def bounds(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """[first 00:00, the day after last 00:00) local, in UTC."""
        since = datetime.combine(self.first, time(), tzinfo=tz).astimezone(UTC)
        until = datetime.combine(self.last + timedelta(days=1), time(), tzinfo=tz)
        return since, until.astimezone(UTC)


def academic_year(today: date) -> Period:
    """From 1 September of the academic year `today` is in, to `today`."""
    year = today.year if today.month >= ACADEMIC_YEAR_STARTS else today.year - 1
    return Period(date(year, ACADEMIC_YEAR_STARTS, 1), today)


@dataclass(frozen=True, slots=True)
class StatsQuery:
    period: Period
    department: str | None  # as typed; matched against the departments there are


def parse_query(args: str | None, today: date) -> StatsQuery | str:
    """`[DD.MM.YYYY DD.MM.YYYY] [department]`, or the catalog key of what is wrong with it."""
    words = (args or "").split()
    period = academic_year(today)
    if words and any(ch.isdigit() for ch in words[0]):
        first = parse_date(words[0])
        last = parse_date(words[1]) if len(words) > 1 else None
        if first is None or last is None:
            return "stats-usage"
        if last < first:
            return "stats-period-reversed"
        period, words = Period(first, last), words[2:]
    return StatsQuery(period, " ".join(words) or None)


def _key(name: str) -> str:
    return " ".join(name.casefold().replace("ё", "е").split())


def match_department(query: str, names: list[str]) -> str | None:
    """The department `query` names: the same name whatever the case and spaces, or the only
    one that contains it."""
    wanted = _key(query)
    exact = [name for name in names if _key(name) == wanted]
    if exact:
        return exact[0]
    partial = [name for name in names if name and wanted in _key(name)]
    return partial[0] if len(partial) == 1 else None


@dataclass
class DepartmentStats:
    name: str  # '' : no department
    active: int = 0
    completed: int = 0
    ended: int = 0  # ended early
    due: int = 0  # milestones that count for completion
    on_time: int = 0
    meetings: int = 0
    minutes: int = 0
    mentor_visits: int = 0  # the mentor at the mentee's lesson
    mentee_visits: int = 0  # the mentee at the mentor's lesson
    open_lessons: int = 0
    asked: int = 0
    waits: list[float] = field(default_factory=list)  # minutes to each answer
    weeks: Counter[date] = field(default_factory=Counter)  # meetings held per week (its Monday)
    forms: Counter[str] = field(default_factory=Counter)  # questionnaires answered, per side
    ratings: dict[str, list[int]] = field(default_factory=dict)  # "side:item": the scores
    comments: int = 0  # questionnaires with a comment (read in the export and the reports)

    def average(self, side: str, item: str) -> float | None:
        scores = self.ratings.get(f"{side}:{item}")
        return sum(scores) / len(scores) if scores else None

    @property
    def completion(self) -> int | None:
        """Percent of milestones done on time, of those that count; None when none count."""
        return round(100 * self.on_time / self.due) if self.due else None

    @property
    def median_wait(self) -> int | None:
        """Minutes from a question to its answer, the median; None when none was answered."""
        return round(statistics.median(self.waits)) if self.waits else None

    def add(self, other: DepartmentStats) -> None:
        for name in (
            "active completed ended due on_time meetings minutes mentor_visits mentee_visits"
            " open_lessons asked comments"
        ).split():
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.waits.extend(other.waits)
        self.weeks.update(other.weeks)
        self.forms.update(other.forms)
        for key, scores in other.ratings.items():
            self.ratings.setdefault(key, []).extend(scores)


@dataclass
class Stats:
    period: Period
    total: DepartmentStats
    departments: list[DepartmentStats]
    department: str | None = None  # the one asked for, when one was


def worked_in(start: date, closed_at: datetime | None, period: Period, tz: tzinfo) -> bool:
    """A pair worked in the period when it began by its last day and was not closed before its
    first."""
    closed = closed_at.astimezone(tz).date() if closed_at else None
    return start <= period.last and (closed is None or closed >= period.first)


def count(rows: StatsRows, period: Period, today: date, tz: tzinfo) -> Stats:
    """The figures per department and in total; pure, so it runs in a worker thread."""
    departments: dict[str, DepartmentStats] = {}

    def of(name: str) -> DepartmentStats:
        found = departments.get(name)
        if found is None:
            found = departments[name] = DepartmentStats(name)
        return found

    for pair in rows.pairs:
        if not worked_in(pair.start, pair.closed_at, period, tz):
            continue
        dept = of(pair.department)
        if pair.status == PairStatus.ACTIVE:
            dept.active += 1
        elif pair.status == PairStatus.COMPLETED:
            dept.completed += 1
        elif pair.status == PairStatus.ENDED:
            dept.ended += 1
    for ms in rows.milestones:
        if counts_for_completion(ms.status, ms.due, today):
            dept = of(ms.department)
            dept.due += 1
            dept.on_time += done_on_time(ms.status, ms.due, ms.reported_at, tz)
    for meeting in rows.meetings:
        dept = of(meeting.department)
        dept.meetings += 1
        dept.minutes += meeting.minutes
        dept.mentor_visits += meeting.format == MeetingFormat.MENTOR_VISIT
        dept.mentee_visits += meeting.format == MeetingFormat.MENTEE_VISIT
        dept.open_lessons += meeting.format == MeetingFormat.OPEN_LESSON
        day = meeting.starts_at.astimezone(tz).date()
        dept.weeks[day - timedelta(days=day.weekday())] += 1
    for question in rows.questions:
        dept = of(question.department)
        dept.asked += 1
        if question.answered_at is not None:
            dept.waits.append((question.answered_at - question.asked_at).total_seconds() / 60)
    for form in rows.feedback:
        dept = of(form.department)
        dept.forms[form.side] += 1
        dept.comments += bool(form.comment)
        for item, score in form.scores.items():
            dept.ratings.setdefault(f"{form.side}:{item}", []).append(score)
    total = DepartmentStats("")
    for dept in departments.values():
        total.add(dept)
    ordered = sorted(departments.values(), key=lambda d: (d.name == "", d.name.casefold()))
    return Stats(period, total, ordered)


async def build_stats(tx: Repos, period: Period, now: datetime, tz: tzinfo) -> Stats:
    """One read of the rows, then counted (bot/jobs.py runs it in a child process)."""
    since, until = period.bounds(tz)
    rows = await tx.stats.rows(period.first, period.last, since, until)
    return count(rows, period, local_today(now, tz), tz)


def weekly(dept: DepartmentStats, period: Period) -> list[tuple[date, int]]:
    """Meetings held per week of the period (by its Monday), the weeks without any included."""
    first = period.first - timedelta(days=period.first.weekday())
    weeks = (period.last - first).days // 7 + 1
    mondays = [first + timedelta(days=7 * n) for n in range(weeks)]
    return [(monday, dept.weeks.get(monday, 0)) for monday in mondays]


def narrowed(stats: Stats, department: str) -> Stats:
    """The figures of one department only."""
    found = next((d for d in stats.departments if d.name == department), None)
    total = found or DepartmentStats(department)
    return Stats(stats.period, total, [], department)


# --- the message --------------------------------------------------------------------------


def _figures(dept: DepartmentStats) -> Text:
    """One line a figure, none of those that are zero."""
    lines: list[Text] = []
    pairs = [
        Text(key, {"count": n})
        for key, n in (
            ("stats-pairs-active", dept.active),
            ("stats-pairs-completed", dept.completed),
            ("stats-pairs-ended", dept.ended),
        )
        if n
    ]
    if pairs:
        lines.append(Text("stats-line-pairs", {"pairs": joined(*pairs, sep=", ")}))
    if dept.completion is not None:
        lines.append(
            Text(
                "stats-line-plan",
                {"on_time": dept.on_time, "due": dept.due, "percent": dept.completion},
            )
        )
    if dept.meetings:
        lines.append(
            Text(
                "stats-line-meetings",
                {"count": dept.meetings, "hours": duration_text(dept.minutes)},
            )
        )
    if dept.mentor_visits or dept.mentee_visits:
        lines.append(
            Text(
                "stats-line-visits",
                {"mentor": dept.mentor_visits, "mentee": dept.mentee_visits},
            )
        )
    if dept.open_lessons:
        lines.append(Text("stats-line-open-lessons", {"count": dept.open_lessons}))
    if dept.asked:
        wait = dept.median_wait
        lines.append(
            Text("stats-line-questions", {"count": dept.asked})
            if wait is None
            else Text(
                "stats-line-questions-answered",
                {"count": dept.asked, "wait": duration_text(max(wait, 1))},
            )
        )
    for side, items in ITEMS.items():
        if not dept.forms[side]:
            continue
        averages = [
            Text("stats-average", {"item": Text(f"stats-item-{side}-{item}"), "value": _one(mean)})
            for item in items
            if (mean := dept.average(side, item)) is not None
        ]
        lines.append(
            Text(
                f"stats-line-feedback-{side}",
                {"count": dept.forms[side], "averages": joined(*averages, sep=" · ")},
            )
        )
    if dept.comments:
        lines.append(Text("stats-line-comments", {"count": dept.comments}))
    if not lines:
        return Text("stats-line-nothing")
    return joined(*lines)


def _one(value: float) -> str:
    """4.25 → «4,3»: one decimal, the decimal comma."""
    return f"{value:.1f}".replace(".", ",")


def department_name(name: str) -> str | Text:
    return excerpt(name, DEPARTMENT_CHARS) if name else Text("digest-no-department")


def stats_text(stats: Stats) -> Text:
    """The figures overall, then per department as many as one message holds (the rest are
    counted; the export has them all)."""
    period = {
        "first": stats.period.first.strftime("%d.%m.%Y"),
        "last": stats.period.last.strftime("%d.%m.%Y"),
    }
    if stats.department is not None:
        title = Text(
            "stats-title-department", {**period, "name": department_name(stats.department)}
        )
        return joined(title, _figures(stats.total))
    title = Text("stats-title", period)
    total = Text("stats-total", {"figures": _figures(stats.total)})
    blocks = [
        Text("stats-department", {"name": department_name(d.name), "figures": _figures(d)})
        for d in stats.departments
    ]
    parts: list[Text | Lines] = [title, total]
    if len(blocks) > 1:
        parts.append(Lines(None, blocks, "stats-more-departments", budget=REST, sep="\n\n"))
    parts.append(Text("stats-hint"))
    return joined(*parts, sep="\n\n")
