"""The weekly digest for the admins: for the last 7 days and per department, then the pairs
that need attention. Counted with the reminders' own rules (bot/domain/pair_reminders.py), so
the digest and the reminders never disagree; one message (4096) and ≤ 10 buttons however many
pairs and departments there are (the attention list pages)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from bot.domain.bounded import MESSAGE_LIMIT, bounded_lines, text_length
from bot.domain.meetings import hours_text
from bot.domain.pair_reminders import (
    Limits,
    is_inactive,
    pair_card_data,
    plan_late,
    quiet_since,
)
from bot.domain.questions import excerpt
from bot.domain.rules import local_today
from bot.i18n import Html, Translator
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


async def build_digest(tx: Repos, now: datetime, tz: tzinfo, limits: Limits) -> Digest:
    """Two set-based reads; the rules applied per pair here are the reminders' rules."""
    since = now - PERIOD
    states = await tx.digest.pair_states(local_today(now, tz), now - limits.question_remind)
    week = await tx.digest.week_counts(since, now)
    departments: dict[str, DepartmentDigest] = {}
    attention = []
    for state in states:
        dept = departments.setdefault(state.department, DepartmentDigest(state.department))
        dept.pairs += 1
        dept.overdue += state.overdue
        dept.unanswered += state.unanswered
        inactive = is_inactive(state.last_held, state.start, now, tz, limits)
        dept.inactive += inactive
        late = plan_late(state.plan_status, state.start, now, tz)
        if state.overdue or state.unanswered or inactive or late:
            quiet = (now - quiet_since(state.last_held, state.start, tz)).days
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


def _numbers(t: Translator, dept: DepartmentDigest) -> str:
    return t(
        "digest-numbers",
        pairs=dept.pairs,
        meetings=dept.meetings,
        hours=hours_text(t, dept.minutes),
        accepted=dept.accepted,
        overdue=dept.overdue,
        asked=dept.asked,
        unanswered=dept.unanswered,
        inactive=dept.inactive,
    )


def _attention_line(t: Translator, number: int, item: Attention) -> str:
    reasons = []
    if item.overdue:
        reasons.append(t("digest-reason-overdue", count=item.overdue))
    if item.unanswered:
        reasons.append(t("digest-reason-unanswered", count=item.unanswered))
    if item.quiet_days is not None:
        reasons.append(t("digest-reason-inactive", days=item.quiet_days))
    if item.plan_late:
        reasons.append(t("digest-reason-plan"))
    return t(
        "digest-attention-line",
        number=number,
        mentor=excerpt(item.state.mentor_name, NAME_CHARS),
        mentee=excerpt(item.state.mentee_name, NAME_CHARS),
        reasons=Html(" · ".join(reasons)),
    )


def pages(digest: Digest) -> int:
    return max((len(digest.attention) + ATTENTION_PAGE - 1) // ATTENTION_PAGE, 1)


def digest_page(
    t: Translator, digest: Digest, tz: tzinfo, page: int, pager: str
) -> tuple[str, str]:
    """The digest's text with one page of the attention list, and its buttons (Bot API JSON):
    a button to each pair on the page and ◀️ ▶️ whose data is `pager` with the page number."""
    page = min(max(page, 0), pages(digest) - 1)
    head = "\n".join(
        [
            t(
                "digest-title",
                since=digest.since.astimezone(tz).strftime("%d.%m.%Y"),
                until=digest.now.astimezone(tz).strftime("%d.%m.%Y"),
            ),
            t("digest-total", numbers=Html(_numbers(t, digest.total))),
        ]
    )
    shown = digest.attention[page * ATTENTION_PAGE : (page + 1) * ATTENTION_PAGE]
    if digest.attention:
        tail = bounded_lines(
            [
                _attention_line(t, page * ATTENTION_PAGE + n + 1, item)
                for n, item in enumerate(shown)
            ],
            lambda n: t("digest-more-pairs", count=n),
            head=t(
                "digest-attention",
                count=len(digest.attention),
                page=page + 1,
                pages=pages(digest),
            ),
            budget=ATTENTION_BUDGET,
        )
    else:
        tail = t("digest-attention-none")
    blocks = [
        t(
            "digest-department",
            name=excerpt(dept.name, DEPARTMENT_CHARS)
            if dept.name
            else t.plain("digest-no-department"),
            numbers=Html(_numbers(t, dept)),
        )
        for dept in digest.departments
    ]
    budget = MESSAGE_LIMIT - text_length(head) - text_length(tail) - 4  # two blank lines
    body = bounded_lines(
        blocks, lambda n: t("digest-more-departments", count=n), budget=budget, sep="\n\n"
    )
    text = "\n\n".join(part for part in (head, body, tail) if part)
    rows = [
        [
            {
                "text": t.plain(
                    "digest-button-pair",
                    number=page * ATTENTION_PAGE + n + 1,
                    mentee=excerpt(item.state.mentee_name, NAME_CHARS),
                ),
                "callback_data": pair_card_data(item.state.pair_id),
            }
        ]
        for n, item in enumerate(shown)
    ]
    moves = []
    if page > 0:
        moves.append({"text": t.plain("digest-button-back"), "callback_data": f"{pager}{page - 1}"})
    if page + 1 < pages(digest):
        moves.append({"text": t.plain("digest-button-next"), "callback_data": f"{pager}{page + 1}"})
    if moves:
        rows.append(moves)
    return text, json.dumps({"inline_keyboard": rows}, ensure_ascii=False)


def week_key(now: datetime, tz: tzinfo) -> str:
    """The local ISO week: the scheduled digest goes once a week to each admin."""
    year, week, _ = now.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"
