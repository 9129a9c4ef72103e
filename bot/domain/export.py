"""/export's tables: People, Pairs, Plan, Journal, Questions — a header and typed rows (text,
numbers, dates and local times, which the XLSX keeps as real spreadsheet dates), for a period
and optionally one department (the mentee's, as /stats counts). Pure: built in the process
that writes the files, from the rows storage/export.py reads and the labels the person's
language gives (`LABELS`), so the bot's own process only reads and sends."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from bot.domain.attention import counts_for_completion, done_on_time
from bot.domain.stats import Period, worked_in
from storage.export import ExportRows, PairRow

Value = str | int | float | date | datetime | None

SHEETS = ("people", "pairs", "plan", "journal", "questions")
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
)
# Every catalog key the tables take their words from; the handler renders them in the
# person's language and passes them in.
LABELS = (
    *(f"export-sheet-{sheet}" for sheet in SHEETS),
    *sorted({f"export-column-{c}" for columns in _COLUMNS.values() for c in columns}),
    *_VALUES,
)


@dataclass(frozen=True, slots=True)
class Table:
    name: str  # a file's name in the CSV zip: people, pairs…
    title: str  # the sheet's, in the person's language
    header: list[str]
    rows: list[list[Value]]


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

    due: dict[int, int] = defaultdict(int)
    on_time: dict[int, int] = defaultdict(int)
    for m in milestones:
        if counts_for_completion(m.status, m.due, today):
            due[m.pair_id] += 1
            on_time[m.pair_id] += done_on_time(m.status, m.due, m.reported_at, tz)
    held: dict[int, int] = defaultdict(int)
    minutes: dict[int, int] = defaultdict(int)
    last: dict[int, datetime] = {}
    for meeting in meetings:
        held[meeting.pair_id] += 1
        minutes[meeting.pair_id] += meeting.minutes
        last[meeting.pair_id] = max(last.get(meeting.pair_id, meeting.starts_at), meeting.starts_at)

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
            due[p.pair_id],
            on_time[p.pair_id],
            held[p.pair_id],
            _hours(minutes[p.pair_id]),
            _local(last.get(p.pair_id), tz),
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
    built: dict[str, list[list[Value]]] = {
        "people": people,
        "pairs": pair_rows,
        "plan": plan_rows,
        "journal": journal,
        "questions": question_rows,
    }
    return [
        Table(
            sheet,
            word(f"export-sheet-{sheet}"),
            [word(f"export-column-{c}") for c in _COLUMNS[sheet]],
            built[sheet],
        )
        for sheet in SHEETS
    ]
