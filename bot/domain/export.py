"""/export's tables: People, Pairs, Plan, Journal, Questions — a header and typed rows (text,
numbers, dates and local times, which the XLSX keeps as real spreadsheet dates), for a period
and optionally one department (the mentee's, as /stats counts). Pure: built in the process
that writes the files, from the rows storage/export.py reads and the labels the person's
language gives (`LABELS`), so the bot's own process only reads and sends."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from bot.domain.attention import counts_for_completion, done_on_time
from bot.domain.feedback import ASKED, ITEMS
from bot.domain.stats import Period, worked_in
from storage.export import ExportRows, MeetingRow, MilestoneRow, PairRow

Value = str | int | float | date | datetime | None

SHEETS = ("people", "pairs", "plan", "journal", "questions", "feedback")
# Every item of both sides' questionnaires, a column each (the other side's left empty).
_ITEM_COLUMNS = tuple(
    f"stats-item-{side}-{item}" for side, items in ITEMS.items() for item in items
)
_FEEDBACK_TAIL = ("comment", "shared")
_COLUMNS = {
    "people": ("name", "role", "department", "telegram", "active", "seen", "added"),
    "pairs": (
        "number",
        "mentor",
        "mentee",
        "department",
        "kind",
        "start",
        "end",
        "order",
        "status",
        "closed",
        "reason",
        "due",
        "on-time",
        "meetings",
        "hours",
        "last-meeting",
    ),
    "plan": (
        "pair",
        "mentee",
        "mentor",
        "department",
        "position",
        "activity",
        "due",
        "status",
        "on-time",
        "reported",
        "decided",
        "report",
        "mentor-comment",
    ),
    "journal": (
        "pair",
        "mentor",
        "mentee",
        "department",
        "date",
        "format",
        "topic",
        "hours",
        "content",
        "result",
        "task",
        "logged",
    ),
    "questions": (
        "pair",
        "mentee",
        "mentor",
        "department",
        "asked",
        "question",
        "status",
        "answer",
        "answered",
        "waited",
    ),
    "feedback": ("pair", "mentor", "mentee", "department", "round", "side", "filled"),
}
_VALUES = (
    "role-mentee",
    "role-mentor",
    "role-admin",
    "pair-kind-pedagogical",
    "pair-kind-business",
    "pair-status-active",
    "pair-status-completed",
    "pair-status-ended",
    "pair-status-reassigned",
    "milestone-status-planned",
    "milestone-status-submitted",
    "milestone-status-accepted",
    "milestone-status-returned",
    "meet-format-consultation",
    "meet-format-mentee_visit",
    "meet-format-mentor_visit",
    "meet-format-open_lesson",
    "meet-format-analysis",
    "meet-format-other",
    "question-status-open",
    "question-status-answered",
    "question-status-resolved",
    "export-yes",
    "export-no",
    "export-admin",
    "digest-no-department",
    "feedback-round-mid",
    "feedback-round-final",
    "export-round-asked",
    *_ITEM_COLUMNS,
)
# Every catalog key the tables take their words from; the handler renders them in the
# person's language and passes them in.
LABELS = (
    *(f"export-sheet-{sheet}" for sheet in SHEETS),
    *sorted(
        {f"export-column-{c}" for columns in (*_COLUMNS.values(), _FEEDBACK_TAIL) for c in columns}
    ),
    *_VALUES,
)


@dataclass(frozen=True, slots=True)
class Table:
    name: str  # a file's name in the CSV zip: people, pairs…
    title: str  # the sheet's, in the person's language
    header: list[str]
    rows: list[list[Value]]


@dataclass
class PairFigures:
    """A pair's plan completion and meetings in a period, as /stats counts them."""

    due: int = 0  # milestones that count for completion
    on_time: int = 0
    meetings: int = 0
    minutes: int = 0
    last_meeting: datetime | None = None

    @property
    def completion(self) -> int | None:
        return round(100 * self.on_time / self.due) if self.due else None


def pair_figures(
    milestones: Iterable[MilestoneRow], meetings: Iterable[MeetingRow], today: date, tz: tzinfo
) -> defaultdict[int, PairFigures]:
    """Per pair, by the programme's rules (attention.py)."""
    figures: defaultdict[int, PairFigures] = defaultdict(PairFigures)
    for m in milestones:
        if counts_for_completion(m.status, m.due, today):
            found = figures[m.pair_id]
            found.due += 1
            found.on_time += done_on_time(m.status, m.due, m.reported_at, tz)
    for meeting in meetings:
        found = figures[meeting.pair_id]
        found.meetings += 1
        found.minutes += meeting.minutes
        if found.last_meeting is None or meeting.starts_at > found.last_meeting:
            found.last_meeting = meeting.starts_at
    return figures


def _scores(side: str, scores: dict[str, int]) -> list[Value]:
    """A form's scores in the item columns: its side's filled in, the other side's empty."""
    mine = f"stats-item-{side}-"
    return [
        scores.get(key.removeprefix(mine)) if key.startswith(mine) else None
        for key in _ITEM_COLUMNS
    ]


def _header(sheet: str, word: Callable[[str], str]) -> list[str]:
    header = [word(f"export-column-{c}") for c in _COLUMNS[sheet]]
    if sheet == "feedback":
        header += [word(key) for key in _ITEM_COLUMNS]
        header += [word(f"export-column-{c}") for c in _FEEDBACK_TAIL]
    return header


def _local(moment: datetime | None, tz: tzinfo) -> datetime | None:
    """A spreadsheet has no time zones: the local time, to the minute."""
    if moment is None:
        return None
    return moment.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)


def _hours(minutes: int) -> float:
    return round(minutes / 60, 2)


def tables(
    rows: ExportRows,
    period: Period,
    department: str | None,
    labels: dict[str, str],
    tz: tzinfo,
    today: date,
) -> list[Table]:
    def word(key: str) -> str:
        return labels.get(key, key)

    def yes(flag: bool) -> str:
        return word("export-yes" if flag else "export-no")

    def dept(name: str) -> str:
        return name or word("digest-no-department")

    def wanted(name: str) -> bool:
        return department is None or name == department

    pairs = {
        p.pair_id: p
        for p in rows.pairs
        if wanted(p.department) and worked_in(p.start, p.closed_at, period, tz)
    }
    # Work of a pair outside the period's pairs (its milestone in the period, say) still shows.
    known = {p.pair_id: p for p in rows.pairs if wanted(p.department)}

    milestones = [m for m in rows.milestones if m.pair_id in known]
    meetings = [m for m in rows.meetings if m.pair_id in known]
    questions = [q for q in rows.questions if q.pair_id in known]

    figures = pair_figures(milestones, meetings, today, tz)

    people: list[list[Value]] = [
        [
            p.full_name,
            word(f"role-{p.role}") + (f", {word('export-admin')}" if p.is_admin else ""),
            dept(p.department),
            f"@{p.username}" if p.username else None,
            yes(p.active),
            _local(p.first_seen_at, tz),
            _local(p.created_at, tz),
        ]
        for p in rows.people
        if wanted(p.department)
    ]
    pair_rows: list[list[Value]] = [
        [
            p.pair_id,
            p.mentor,
            p.mentee,
            dept(p.department),
            word(f"pair-kind-{p.kind}"),
            p.start,
            p.end,
            p.order_ref,
            word(f"pair-status-{p.status}"),
            _local(p.closed_at, tz),
            p.close_reason,
            figures[p.pair_id].due,
            figures[p.pair_id].on_time,
            figures[p.pair_id].meetings,
            _hours(figures[p.pair_id].minutes),
            _local(figures[p.pair_id].last_meeting, tz),
        ]
        for p in pairs.values()
    ]

    def of(pair_id: int) -> PairRow:
        return known[pair_id]

    plan_rows: list[list[Value]] = [
        [
            m.pair_id,
            of(m.pair_id).mentee,
            of(m.pair_id).mentor,
            dept(of(m.pair_id).department),
            m.position,
            m.title,
            m.due,
            word(f"milestone-status-{m.status}"),
            yes(done_on_time(m.status, m.due, m.reported_at, tz))
            if counts_for_completion(m.status, m.due, today)
            else None,
            _local(m.reported_at, tz),
            _local(m.decided_at, tz),
            m.comment,
            m.mentor_comment,
        ]
        for m in milestones
    ]
    journal: list[list[Value]] = [
        [
            m.pair_id,
            of(m.pair_id).mentor,
            of(m.pair_id).mentee,
            dept(of(m.pair_id).department),
            _local(m.starts_at, tz),
            word(f"meet-format-{m.format}"),
            m.topic,
            _hours(m.minutes),
            m.content,
            m.result,
            m.task,
            yes(m.logged),
        ]
        for m in meetings
    ]
    question_rows: list[list[Value]] = [
        [
            q.pair_id,
            of(q.pair_id).mentee,
            of(q.pair_id).mentor,
            dept(of(q.pair_id).department),
            _local(q.asked_at, tz),
            q.text,
            word(f"question-status-{q.status}"),
            q.answer,
            _local(q.answered_at, tz),
            _hours(round((q.answered_at - q.asked_at).total_seconds() / 60))
            if q.answered_at
            else None,
        ]
        for q in questions
    ]

    def round_name(round_: str) -> str:
        if round_.startswith(ASKED):
            day = date.fromisoformat(round_.removeprefix(ASKED))
            return f"{word('export-round-asked')} {day:%d.%m.%Y}"
        return word(f"feedback-round-{round_}")

    feedback: list[list[Value]] = [
        [
            f.pair_id,
            f.mentor,
            f.mentee,
            dept(f.department),
            round_name(f.round),
            word(f"role-{f.side}"),
            _local(f.answered_at, tz),
            *_scores(f.side, f.scores),
            f.comment,
            (yes(f.shared) if f.side == "mentee" and f.comment else None),
        ]
        for f in rows.feedback
        if wanted(f.department)
    ]  # fmt: skip
    built: dict[str, list[list[Value]]] = {
        "people": people,
        "pairs": pair_rows,
        "plan": plan_rows,
        "journal": journal,
        "questions": question_rows,
        "feedback": feedback,
    }
    return [
        Table(
            sheet,
            word(f"export-sheet-{sheet}"),
            _header(sheet, word),
            built[sheet],
        )
        for sheet in SHEETS
    ]
