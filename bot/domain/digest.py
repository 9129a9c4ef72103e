"""The weekly digest for the admins: for the last 7 days and per department, then the pairs
that need attention. Counted with the reminders' own rules (bot/domain/pair_reminders.py), so
the digest and the reminders never disagree; one message (4096) and ≤ 10 buttons however many
pairs and departments there are (the attention list pages). Kept by catalog key, so the
scheduled one is rendered when it is sent, in the admin's language then."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum

from bot.domain.attention import (
    Limits,
    counted_from,
    is_inactive,
    plan_late,
    quiet_since,
    unanswered_since,
)
from bot.domain.links import Links
from bot.domain.meeting_rules import duration_text
from bot.domain.questions import excerpt
from bot.domain.rules import local_today
from bot.notices import REST, Button, Lines, Text, joined
from storage.digest import PairState
from storage.repos import Repos

PERIOD = timedelta(days=7)
ATTENTION_PAGE = 8  # pairs (and buttons) per page of the attention list
NAME_CHARS = 40
DEPARTMENT_CHARS = 60
ATTENTION_BUDGET = 1800  # the attention page's share of the message; the rest: departments


@dataclass
class DepartmentDigest:
    name: str  # '' : no department
    pairs: int = 0
    meetings: int = 0
    minutes: int = 0
    accepted: int = 0
    overdue: int = 0
    asked: int = 0
    unanswered: int = 0
    inactive: int = 0


@dataclass(frozen=True, slots=True)
class Attention:
    """A pair that needs attention and why."""

    state: PairState
    overdue: int
    unanswered: int
    quiet_days: int | None  # no held meeting for this many days (INACTIVITY_DAYS or more)
    plan_late: bool

    @property
    def weight(self) -> int:
        return self.overdue + self.unanswered + (self.quiet_days is not None) + self.plan_late


@dataclass
class Digest:
    since: datetime
    now: datetime
    total: DepartmentDigest
    departments: list[DepartmentDigest] = field(default_factory=list)
    attention: list[Attention] = field(default_factory=list)


async def build_digest(
    tx: Repos, now: datetime, tz: tzinfo, limits: Limits, since: datetime | None = None
) -> Digest:
    """Two set-based reads; the rules applied per pair here are the reminders' rules. The
    counts cover (since, now]: the last 7 days unless the schedule's previous firing says."""
    since = since if since is not None else now - PERIOD
    states = await tx.digest.pair_states(local_today(now, tz), unanswered_since(now, limits))
    week = await tx.digest.week_counts(since, now)
    departments: dict[str, DepartmentDigest] = {}
    attention = []
    for state in states:
        dept = departments.setdefault(state.department, DepartmentDigest(state.department))
        dept.pairs += 1
        dept.overdue += state.overdue
        dept.unanswered += state.unanswered
        counted = counted_from(state.start, state.entered_at, tz)
        inactive = is_inactive(state.last_held, counted, now, tz, limits)
        dept.inactive += inactive
        late = plan_late(state.plan_status, counted, now, tz)
        if state.overdue or state.unanswered or inactive or late:
            quiet = (now - quiet_since(state.last_held, counted, tz)).days
            attention.append(
                Attention(state, state.overdue, state.unanswered, quiet if inactive else None, late)
            )
    for name, counts in week.items():
        dept = departments.setdefault(name, DepartmentDigest(name))
        dept.meetings, dept.minutes = counts.meetings, counts.minutes
        dept.accepted, dept.asked = counts.accepted, counts.asked
    total = DepartmentDigest("")
    for dept in departments.values():
        for name in ("pairs", "meetings", "minutes", "accepted", "overdue", "asked"):
            setattr(total, name, getattr(total, name) + getattr(dept, name))
        total.unanswered += dept.unanswered
        total.inactive += dept.inactive
    attention.sort(key=lambda a: (-a.weight, a.state.department, a.state.mentee_name))
    ordered = sorted(departments.values(), key=lambda d: (d.name == "", d.name.casefold()))
    return Digest(since, now, total, ordered, attention)


# --- the message --------------------------------------------------------------------------


def _numbers(dept: DepartmentDigest) -> Text:
    return Text(
        "digest-numbers",
        {
            "pairs": dept.pairs,
            "meetings": dept.meetings,
            "hours": duration_text(dept.minutes),
            "accepted": dept.accepted,
            "overdue": dept.overdue,
            "asked": dept.asked,
            "unanswered": dept.unanswered,
            "inactive": dept.inactive,
        },
    )


def _attention_line(number: int, item: Attention) -> Text:
    reasons = []
    if item.overdue:
        reasons.append(Text("digest-reason-overdue", {"count": item.overdue}))
    if item.unanswered:
        reasons.append(Text("digest-reason-unanswered", {"count": item.unanswered}))
    if item.quiet_days is not None:
        reasons.append(Text("digest-reason-inactive", {"days": item.quiet_days}))
    if item.plan_late:
        reasons.append(Text("digest-reason-plan"))
    return Text(
        "digest-attention-line",
        {
            "number": number,
            "mentor": excerpt(item.state.mentor_name, NAME_CHARS),
            "mentee": excerpt(item.state.mentee_name, NAME_CHARS),
            "reasons": joined(*reasons, sep=" · "),
        },
    )


def _department(dept: DepartmentDigest) -> Text:
    name = excerpt(dept.name, DEPARTMENT_CHARS) if dept.name else Text("digest-no-department")
    return Text("digest-department", {"name": name, "numbers": _numbers(dept)})


def pages(digest: Digest) -> int:
    return max((len(digest.attention) + ATTENTION_PAGE - 1) // ATTENTION_PAGE, 1)


def digest_page(
    digest: Digest, tz: tzinfo, page: int, links: Links
) -> tuple[Text, list[list[Button]]]:
    """The digest with one page of the attention list, by catalog key, and its buttons: one to
    each pair's card on the page and ◀️ ▶️ to turn the page. Bounded when
    rendered, in whatever language: the departments get what the rest leaves of one message."""
    page = min(max(page, 0), pages(digest) - 1)
    since = digest.since.astimezone(tz).strftime("%d.%m.%Y")
    until = digest.now.astimezone(tz).strftime("%d.%m.%Y")
    head = joined(
        Text("digest-title", {"since": since, "until": until}),
        Text("digest-total", {"numbers": _numbers(digest.total)}),
    )
    first = page * ATTENTION_PAGE
    shown = digest.attention[first : first + ATTENTION_PAGE]
    tail: Text | Lines = Text("digest-attention-none")
    if digest.attention:
        title = Text(
            "digest-attention",
            {"count": len(digest.attention), "page": page + 1, "pages": pages(digest)},
        )
        lines = [_attention_line(first + n + 1, item) for n, item in enumerate(shown)]
        tail = Lines(title, lines, "digest-more-pairs", budget=ATTENTION_BUDGET)
    parts: list[Text | Lines] = [head]
    if digest.departments:
        blocks = [_department(dept) for dept in digest.departments]
        parts.append(Lines(None, blocks, "digest-more-departments", budget=REST, sep="\n\n"))
    parts.append(tail)
    rows = _pair_buttons(shown, first, links)
    rows += _pager(page, pages(digest), links.digest_page)
    return joined(*parts, sep="\n\n"), rows


def _pair_buttons(shown: list[Attention], first: int, links: Links) -> list[list[Button]]:
    """A button to each pair's card on the page, numbered as its line."""
    return [
        [
            Button(
                Text(
                    "digest-button-pair",
                    {
                        "number": first + n + 1,
                        "mentee": excerpt(item.state.mentee_name, NAME_CHARS),
                    },
                ),
                data=links.pair_card(item.state.pair_id),
            )
        ]
        for n, item in enumerate(shown)
    ]


def _pager(page: int, count: int, to_page: Callable[[int], str]) -> list[list[Button]]:
    moves = []
    if page > 0:
        moves.append(Button(Text("digest-button-back"), data=to_page(page - 1)))
    if page + 1 < count:
        moves.append(Button(Text("digest-button-next"), data=to_page(page + 1)))
    return [moves] if moves else []


# --- /overdue and /inactive: the attention list by one reason ----------------------------


class Concern(StrEnum):
    """A reason a pair needs attention that an admin lists on its own."""

    OVERDUE = "overdue"  # milestones past their deadline and not accepted
    INACTIVE = "inactive"  # no held meeting for INACTIVITY_DAYS


def concerned(digest: Digest, concern: Concern) -> list[Attention]:
    """The pairs of the digest's attention list that need it for this reason, in its order."""
    if concern is Concern.OVERDUE:
        return [item for item in digest.attention if item.overdue]
    return [item for item in digest.attention if item.quiet_days is not None]


def concern_page(
    digest: Digest, concern: Concern, page: int, links: Links
) -> tuple[Text, list[list[Button]]]:
    """One page of the pairs that need attention for this reason, each line with all its
    reasons (as the digest says them) and a button to its card; ◀️ ▶️ turn the pages. The
    same pairs and numbers as the digest's: they are counted by the same rules at once."""
    items = concerned(digest, concern)
    count = max((len(items) + ATTENTION_PAGE - 1) // ATTENTION_PAGE, 1)
    page = min(max(page, 0), count - 1)
    if not items:
        return Text(f"concern-none-{concern.value}"), []
    first = page * ATTENTION_PAGE
    shown = items[first : first + ATTENTION_PAGE]
    title = Text(
        f"concern-title-{concern.value}", {"count": len(items), "page": page + 1, "pages": count}
    )
    lines = [_attention_line(first + n + 1, item) for n, item in enumerate(shown)]
    text = joined(Lines(title, lines, "digest-more-pairs", budget=REST))
    rows = _pair_buttons(shown, first, links)
    rows += _pager(page, count, lambda to: links.attention_page(concern.value, to))
    return text, rows


def firing_key(fired: datetime, tz: tzinfo) -> str:
    """The scheduled digest's firing, local: it goes once per firing to each admin."""
    return fired.astimezone(tz).strftime("%Y-%m-%dT%H:%M")
